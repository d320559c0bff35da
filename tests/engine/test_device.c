/* Devices: the CPU backend is always there; names parse; moving to the CPU
 * is the identity; asking for CUDA without it is a DeviceError, and so is
 * mixing devices (checked through the message of the same check). The
 * reference backend "ref" is always registered; a backend registers
 * itself by device type (here a stand-in "cuda" made of the reference
 * backend's entries with device memory the host cannot read). */
#include "check.h"
#include "../../engine/device/backend.h"

/* A stand-in CUDA backend: the reference backend's entries under the CUDA
 * device type, with memory the host may not read; made by the loader the
 * registry calls the first time CUDA is asked for. */
static Backend g_fake;
static int g_loads;
static const Backend *load_fake(char *why, size_t n)
{
    (void)why;
    (void)n;
    g_loads++;
    g_fake = cdl_ref_backend;
    g_fake.name = "cuda";
    g_fake.type = DEVTYPE_CUDA;
    g_fake.host_memory = false;
    return &g_fake;
}

/* A small MLP's loss and first-layer gradient after two SGD steps on dev. */
static double train_on(Device dev, Tensor **grad)
{
    manual_seed(4);
    Module *m = nn_to(nn_sequential(nn_linear(3, 8), nn_tanh(), nn_linear(8, 2)), dev);
    Optimizer *o = optim_sgd(nn_parameters(m), .lr = 0.1, .momentum = 0.9);
    Tensor *x = tensor_to(tensor_randn(16, 3), dev), *y = tensor_to(tensor_randint(0, 2, 16), dev);
    Tensor *loss = NULL;
    for (int i = 0; i < 2; i++) {
        optim_zero_grad(o);
        loss = nn_cross_entropy(nn_forward(m, x), y);
        tensor_backward(loss);
        optim_step(o);
    }
    *grad = tensor_to(tensor_grad(nn_parameters(m)->tensors[0]), "cpu");
    return tensor_item(loss);
}

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
        CHECK_RAISES(ERR_DEVICE, "device_parse: cuda:0 is not available: ", tensor_to(x, "cuda"));
        CHECK_RAISES(ERR_DEVICE, "; use \"cpu\"", tensor_to(x, "cuda"));
        CHECK_RAISES(ERR_DEVICE, "cuda:0 is not available", device_set_default(DEVICE_CUDA(0)));
    }
    CHECK_RAISES(ERR_DEVICE, "unknown device \"gpu\"", device_parse("gpu"));
    /* a Device is an entry of the engine's table: NULL or another pointer is refused by name */
    CHECK_RAISES(ERR_DEVICE, "tensor_to: the device is NULL (use DEVICE_CPU", tensor_to(x, (Device)NULL));
    CHECK_RAISES(ERR_DEVICE, "that device is not available", tensor_to(x, (Device)(const void *)"cpu"));
    CHECK_STR(device_name((Device)(const void *)&g_loads), "invalid");
    CHECK(DEVICE_CUDA(1) != DEVICE_CUDA(0) && DEVICE_CUDA(1)->index == 1 && DEVICE_REF->type == 2);
    CHECK_RAISES(ERR_DEVICE, "unknown device", tensor_to(x, "cuda:x"));

    /* the reference backend */
    CHECK(device_parse("ref") == DEVICE_REF);
    CHECK_STR(device_name(DEVICE_REF), "ref");
    CHECK_RAISES(ERR_DEVICE, "ref:1 is not available (1 ref device; use \"cpu\")", device_parse("ref:1"));
    Tensor *r = tensor_to(tensor_of(1, 2, 3), "ref");
    CHECK(tensor_device(r) == DEVICE_REF);
    CHECK(strstr(tensor_to_string(r), "device='ref'") != NULL);
    CHECK_CLOSE(tensor_item(tensor_sum(tensor_mul(r, r))), 14, 0);
    CHECK(tensor_data_f32(r)[2] == 3);  /* host memory: its data pointer can be read */
    CHECK_RAISES(ERR_DEVICE, "expected all tensors on the same device, found ref and cpu", tensor_add(r, tensor_of(1, 1, 1)));
    Tensor *g_cpu, *g_ref;
    double l_cpu = train_on(DEVICE_CPU, &g_cpu), l_ref = train_on(DEVICE_REF, &g_ref);
    CHECK_CLOSE(l_ref, l_cpu, 1e-5);
    CHECK(tensor_allclose(g_ref, g_cpu, 1e-4, 1e-6));

    /* registering backends */
    CHECK(!backend_load("/nonexistent/libcoursdl_cuda.so"));
    Backend bad = cdl_ref_backend;
    bad.api_version = BACKEND_API_VERSION + 1;
    CHECK_RAISES(ERR_DEVICE, "built for interface version", backend_register(&bad));
    bad.api_version = BACKEND_API_VERSION;
    bad.type = DEVTYPE_CPU;
    CHECK_RAISES(ERR_DEVICE, "cannot be registered", backend_register(&bad));
    if (device_count() == 0) {
        backend_set_loader(DEVTYPE_CUDA, load_fake);
        CHECK(g_loads == 0);
        CHECK(device_cuda_available() && device_count() == 1 && g_loads == 1);
        Tensor *c = tensor_to(tensor_of(1, 2, 3), "cuda");
        CHECK_STR(device_name(tensor_device(c)), "cuda:0");
        CHECK(strstr(tensor_to_string(c), "device='cuda:0'") != NULL);
        CHECK_RAISES(ERR_DEVICE, "the tensor is on cuda:0; move it with tensor_to(t, \"cpu\") first", tensor_data_f32(c));
        CHECK_CLOSE(tensor_get(c, 1), 2, 0);
        Tensor *g_cuda;
        CHECK_CLOSE(train_on(DEVICE_CUDA(0), &g_cuda), l_cpu, 1e-5);
        CHECK(tensor_allclose(g_cuda, g_cpu, 1e-4, 1e-6));
        CHECK_RAISES(ERR_DEVICE, "cuda:1 is not available (1 CUDA device; use \"cpu\")", tensor_to(c, "cuda:1"));
    }
    return CHECK_DONE();
}
