/* A stand-in for the NVIDIA driver's libcuda.so.1 (which we do not own and
 * this machine lacks), for test_cuda_nogpu: the three calls the engine's
 * CUDA loader makes, answering as the environment says.
 *   FAKE_CUINIT   the status cuInit returns (0 by default; 100 is "no device")
 *   FAKE_DEVICES  the count cuDeviceGetCount gives (1 by default) */
#include <stdlib.h>

int cuInit(unsigned flags)
{
    (void)flags;
    const char *e = getenv("FAKE_CUINIT");
    return e ? atoi(e) : 0;
}

int cuDeviceGetCount(int *count)
{
    const char *e = getenv("FAKE_DEVICES");
    *count = e ? atoi(e) : 1;
    return 0;
}

int cuGetErrorString(int status, const char **msg)
{
    *msg = status == 100 ? "no CUDA-capable device is detected" : "unknown error";
    return 0;
}
