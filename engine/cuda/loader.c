/* Part of libcoursdl (built with gcc, no CUDA headers): finds out whether a
 * CUDA backend can run here and loads it. In order: the NVIDIA driver
 * (libcuda.so.1) must load and initialize and show a device; then the
 * backend library built from engine/cuda (libcoursdl_cuda.so, next to
 * libcoursdl.so) is dlopen'ed, which pulls in the CUDA runtime, cuBLAS,
 * cuDNN and cuRAND. The first failure is remembered as the reason that a
 * DeviceError gives. Tried once, at the first question about CUDA.
 * Environment: COURSDL_CUDA=0 turns CUDA off; COURSDL_LIBCUDA and
 * COURSDL_CUDA_BACKEND name other files for the driver and the backend. */
#include "cuda_loader.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static bool g_tried;
static const Backend *g_backend;
static char g_reason[8192] = "";
static void *g_lib;  /* the backend library's handle */

typedef int (*CuInitFn)(unsigned);
typedef int (*CuCountFn)(int *);
typedef int (*CuErrFn)(int, const char **);
typedef const Backend *(*InitFn)(char *, size_t);

/* The driver's answer, or NULL (reason written) when there is no usable GPU. */
static bool driver_ready(void)
{
    const char *path = getenv("COURSDL_LIBCUDA");
    if (!path || !*path)
        path = "libcuda.so.1";
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        snprintf(g_reason, sizeof g_reason,
                 "no NVIDIA driver: %s could not be loaded (install the NVIDIA driver on a machine with a GPU; "
                 "until then use \"cpu\")", path);
        return false;
    }
    CuInitFn cu_init = (CuInitFn)dlsym(h, "cuInit");
    CuCountFn cu_count = (CuCountFn)dlsym(h, "cuDeviceGetCount");
    CuErrFn cu_err = (CuErrFn)dlsym(h, "cuGetErrorString");
    if (!cu_init || !cu_count) {
        snprintf(g_reason, sizeof g_reason, "no NVIDIA driver: %s lacks cuInit (not a CUDA driver; use \"cpu\")",
                 path);
        return false;
    }
    int rc = cu_init(0);
    if (rc != 0) {
        const char *msg = NULL;
        if (cu_err)
            cu_err(rc, &msg);
        /* 100: CUDA_ERROR_NO_DEVICE; 34: CUDA_ERROR_STUB_LIBRARY (the toolkit's stub, no real driver). */
        if (rc == 100)
            snprintf(g_reason, sizeof g_reason, "no CUDA device: the NVIDIA driver found no GPU (cuInit: %s; "
                     "check nvidia-smi and CUDA_VISIBLE_DEVICES, or use \"cpu\")", msg ? msg : "no device");
        else if (rc == 34)
            snprintf(g_reason, sizeof g_reason, "no NVIDIA driver: %s is the CUDA toolkit's stub, not a driver "
                     "(cuInit: %s; install the NVIDIA driver, or use \"cpu\")", path, msg ? msg : "stub library");
        else
            snprintf(g_reason, sizeof g_reason, "the NVIDIA driver did not start (cuInit error %d: %s; check "
                     "nvidia-smi, or use \"cpu\")", rc, msg ? msg : "unknown error");
        return false;
    }
    int n = 0;
    if (cu_count(&n) != 0 || n == 0) {
        snprintf(g_reason, sizeof g_reason, "no CUDA device: the NVIDIA driver found no GPU (check nvidia-smi "
                 "and CUDA_VISIBLE_DEVICES, or use \"cpu\")");
        return false;
    }
    return true;  /* the driver stays loaded: the runtime uses it */
}

/* The backend library's path: next to the libcoursdl.so this code is in. */
static void backend_path(char *buf, size_t n)
{
    const char *env = getenv("COURSDL_CUDA_BACKEND");
    if (env && *env) {
        snprintf(buf, n, "%s", env);
        return;
    }
    Dl_info info;
    if (dladdr((void *)backend_path, &info) && info.dli_fname && strchr(info.dli_fname, '/')) {
        const char *slash = strrchr(info.dli_fname, '/');
        snprintf(buf, n, "%.*s/libcoursdl_cuda.so", (int)(slash - info.dli_fname), info.dli_fname);
    } else {
        snprintf(buf, n, "libcoursdl_cuda.so");
    }
}

static void load(void)
{
    const char *off = getenv("COURSDL_CUDA");
    if (off && !strcmp(off, "0")) {
        snprintf(g_reason, sizeof g_reason, "CUDA is turned off (COURSDL_CUDA=0 in the environment)");
        return;
    }
    if (!driver_ready())
        return;
    char path[4096];
    backend_path(path, sizeof path);
    if (access(path, F_OK) != 0) {
        snprintf(g_reason, sizeof g_reason, "the CUDA backend was not built: %s is missing (build with make on a "
                 "machine with the CUDA toolkit's nvcc, without CUDA=0)", path);
        return;
    }
    g_lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!g_lib) {
        snprintf(g_reason, sizeof g_reason, "the CUDA backend could not be loaded: %s (the CUDA 13 runtime, "
                 "cuBLAS, cuDNN 9 and cuRAND libraries must be installed; add their folder to LD_LIBRARY_PATH)",
                 dlerror());
        return;
    }
    InitFn init = (InitFn)dlsym(g_lib, "cdl_cuda_backend_init");
    if (!init) {
        snprintf(g_reason, sizeof g_reason, "the CUDA backend %s has no cdl_cuda_backend_init (rebuild it)", path);
        return;
    }
    char why[400] = "";
    g_backend = init(why, sizeof why);
    if (!g_backend)
        snprintf(g_reason, sizeof g_reason, "the CUDA backend did not start: %s", why);
}

const Backend *cuda_backend_load(void)
{
    if (!g_tried) {
        g_tried = true;
        load();
    }
    return g_backend;
}

const char *cuda_unavailable_reason(void)
{
    cuda_backend_load();
    return g_backend ? NULL : g_reason;
}

void cuda_describe(int index, char *buf, size_t n)
{
    typedef void (*DescribeFn)(int, char *, size_t);
    DescribeFn fn = cuda_backend_load() && g_lib ? (DescribeFn)dlsym(g_lib, "cdl_cuda_describe") : NULL;
    if (fn)
        fn(index, buf, n);
    else
        snprintf(buf, n, "not available");
}
