/* Devices: the CPU backend is always there; names parse; moving to the CPU
 * is the identity; asking for CUDA without it is a DeviceError, and so is
 * mixing devices (checked through the message of the same check). */
#include "check.h"

int main(void)
{
    check_init();
    Tensor *x = tensor_ones(2, 2);
    CHECK(tensor_device(x) == DEVICE_CPU);
    CHECK(device_parse("cpu") == DEVICE_CPU);
    CHECK_STR(device_name(DEVICE_CPU), "cpu");
    CHECK_STR(device_name(DEVICE_CUDA(1)), "cuda:1");
    CHECK(tensor_to(x, "cpu") == x && tensor_to(x, DEVICE_CPU) == x);
    CHECK(device_get_default() == DEVICE_CPU);
    device_synchronize(DEVICE_CPU);
    if (device_count() == 0) {
        CHECK(!device_cuda_available());
        CHECK_RAISES(ERR_DEVICE, "cuda:0 is not available: ", tensor_to(x, "cuda"));
        CHECK_RAISES(ERR_DEVICE, "cuda:0 is not available", device_set_default(DEVICE_CUDA(0)));
    }
    CHECK_RAISES(ERR_DEVICE, "unknown device \"gpu\"", device_parse("gpu"));
    CHECK_RAISES(ERR_DEVICE, "unknown device", tensor_to(x, "cuda:x"));
    return CHECK_DONE();
}
