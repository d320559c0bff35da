/* Part of libcoursdl (built with gcc, no CUDA headers): finds out whether
 * the CUDA backend can run here and loads it; the registry calls it the
 * first time a program asks about CUDA (device_count, tensor_to(x, "cuda")).
 * In order: COURSDL_CUDA=0 turns CUDA off; the NVIDIA driver (libcuda.so.1)
 * must load, initialize and show a device; then the backend library built
 * from engine/cuda (libcoursdl_cuda.so, next to libcoursdl.so), which pulls
 * in the CUDA runtime, cuBLAS, cuDNN and cuRAND, is opened through the
 * seam (backend_open) and started. The first failure is the reason the
 * DeviceErrors of "cuda" give. COURSDL_LIBCUDA and COURSDL_CUDA_BACKEND
 * name other files for the driver and the backend (tests, odd installs). */
#include "cuda_loader.h"
#include "../device/backend.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef int (*CuInitFn)(unsigned);
typedef int (*CuCountFn)(int *);
typedef int (*CuErrFn)(int, const char **);

/* The driver's error codes the reasons tell apart (cuda.h). */
enum { CU_NO_DEVICE = 100, CU_STUB_LIBRARY = 34 };

/* Whether the driver loads and shows a GPU; else the reason in why. */
static bool driver_ready(char *why, size_t n)
{
    const char *path = getenv("COURSDL_LIBCUDA");
    if (!path || !*path)
        path = "libcuda.so.1";
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        snprintf(why, n, "no NVIDIA driver: %s could not be loaded (a machine with an NVIDIA GPU needs its driver "
                 "installed)", path);
        return false;
    }
    CuInitFn cu_init;
    CuCountFn cu_count;
    CuErrFn cu_err;
    *(void **)&cu_init = dlsym(h, "cuInit");
    *(void **)&cu_count = dlsym(h, "cuDeviceGetCount");
    *(void **)&cu_err = dlsym(h, "cuGetErrorString");
    if (!cu_init || !cu_count) {
        snprintf(why, n, "no NVIDIA driver: %s has no cuInit (it is not the CUDA driver)", path);
        return false;
    }
    int rc = cu_init(0);
    if (rc != 0) {
        const char *msg = NULL;
        if (cu_err)
            cu_err(rc, &msg);
        if (rc == CU_NO_DEVICE)
            snprintf(why, n, "no CUDA device: the NVIDIA driver found no GPU (cuInit: %s; check nvidia-smi and "
                     "CUDA_VISIBLE_DEVICES)", msg ? msg : "no device");
        else if (rc == CU_STUB_LIBRARY)
            snprintf(why, n, "no NVIDIA driver: %s is the CUDA toolkit's stub library, not a driver (cuInit: %s; "
                     "install the NVIDIA driver)", path, msg ? msg : "stub library");
        else
            snprintf(why, n, "the NVIDIA driver did not start (cuInit error %d: %s; check nvidia-smi)", rc,
                     msg ? msg : "unknown error");
        return false;
    }
    int count = 0;
    if (cu_count(&count) != 0 || count == 0) {
        snprintf(why, n, "no CUDA device: the NVIDIA driver found no GPU (check nvidia-smi and "
                 "CUDA_VISIBLE_DEVICES)");
        return false;
    }
    return true;  /* the driver stays loaded: the runtime uses it */
}

/* The backend library's path: next to the libcoursdl.so this code is in. */
static void backend_path(char *buf, size_t n)
{
    const char *env = getenv("COURSDL_CUDA_BACKEND");
    Dl_info info;
    if (env && *env)
        snprintf(buf, n, "%s", env);
    else if (dladdr((void *)backend_path, &info) && info.dli_fname && strchr(info.dli_fname, '/'))
        snprintf(buf, n, "%.*s/libcoursdl_cuda.so", (int)(strrchr(info.dli_fname, '/') - info.dli_fname),
                 info.dli_fname);
    else
        snprintf(buf, n, "libcoursdl_cuda.so");
}

const Backend *cdl_cuda_load(char *why, size_t n)
{
    const char *off = getenv("COURSDL_CUDA");
    if (off && !strcmp(off, "0")) {
        snprintf(why, n, "CUDA is turned off (COURSDL_CUDA=0 in the environment)");
        return NULL;
    }
    if (!driver_ready(why, n))
        return NULL;
    char path[4096], err[2048];
    backend_path(path, sizeof path);
    if (access(path, F_OK) != 0) {
        snprintf(why, n, "the CUDA backend was not built: %s is missing (build with make where the CUDA "
                 "toolkit's nvcc is, without CUDA=0)", path);
        return NULL;
    }
    /* Opened here first, so that a missing CUDA library is named as such. */
    void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        const char *e = dlerror();
        snprintf(why, n, "the CUDA backend could not be loaded: %s (the CUDA runtime, cuBLAS, cuDNN 9 and cuRAND "
                 "must be found: add their folder to LD_LIBRARY_PATH)", e ? e : path);
        return NULL;
    }
    const Backend *be = backend_open(path, err, sizeof err);
    if (!be)
        snprintf(why, n, "the CUDA backend did not start: %s", err);
    dlclose(lib);  /* backend_open holds its own reference to a library in use */
    return be;
}
