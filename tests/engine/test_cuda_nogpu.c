/* CUDA without a GPU: asking for "cuda" is a DeviceError that says why (no
 * driver, a stub driver, CUDA turned off), checked in child processes with
 * the environment each case needs (the loader decides once per process).
 * The backend library itself (build/libcoursdl_cuda.so, when built) is
 * loaded directly: it links (the CUDA runtime, cuBLAS, cuDNN and cuRAND
 * resolve), its entry point reports the runtime's own error, and library
 * status codes become engine errors naming the call, CUDA's message and the
 * fix. On a machine with a GPU the same program checks the other side: the
 * backend loads, and a missing backend library is reported as not built. */
#include "check.h"

#include <dlfcn.h>
#include <unistd.h>

/* Child mode: print the error (or "ok") of moving a tensor to "cuda". */
static int child(void)
{
    check_init();
    Tensor *x = tensor_ones(2);
    check_armed = 1;
    if (setjmp(check_jmp) == 0) {
        Tensor *y = tensor_to(x, "cuda");
        check_armed = 0;
        printf("ok %s\n", device_name(tensor_device(y)));
    } else {
        printf("%s: %s\n", error_kind_name(error_last_kind()), error_last_message());
    }
    return 0;
}

/* Runs this program in child mode with env prepended; returns its output. */
static const char *run_child(const char *env)
{
    static char out[4096];
    char exe[1024], cmd[2048];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = 0;
    snprintf(cmd, sizeof cmd, "env %s '%s' child 2>&1", env, exe);
    FILE *p = popen(cmd, "r");
    size_t got = p ? fread(out, 1, sizeof out - 1, p) : 0;
    out[got] = 0;
    if (p)
        pclose(p);
    return out;
}

#define CHECK_HAS(text, part) do { \
    const char *t_ = (text); \
    if (strstr(t_, part)) checks_passed++; \
    else { checks_failed++; printf("%s:%d: FAILED: expected \"%s\" in:\n  %s\n", __FILE__, __LINE__, part, t_); } \
} while (0)

#if !defined(__SANITIZE_ADDRESS__)
static void check_library(const char *path, bool have_gpu)
{
    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    CHECK(h != NULL);
    if (!h) {
        printf("dlopen: %s\n", dlerror());
        return;
    }
    typedef const void *(*InitFn)(char *, size_t);
    InitFn init = (InitFn)dlsym(h, "cdl_cuda_backend_init");
    CHECK(init != NULL);
    char why[400] = "";
    const void *backend = init ? init(why, sizeof why) : NULL;
    if (have_gpu) {
        CHECK(backend != NULL);
    } else {
        /* The runtime's own words, e.g. "CUDA driver version is insufficient
         * for CUDA runtime version (cudaErrorInsufficientDriver)". */
        CHECK(backend == NULL);
        CHECK_HAS(why, "cudaGetDeviceCount failed: ");
        CHECK_HAS(why, "(cudaError");
    }
    /* Status codes become engine errors: the call, the library's message, the fix. */
    typedef void (*CheckFn)(int, const char *);
    CheckFn cu = (CheckFn)dlsym(h, "cuda_check"), blas = (CheckFn)dlsym(h, "cublas_check");
    CheckFn dnn = (CheckFn)dlsym(h, "cudnn_check");
    CHECK(cu && blas && dnn);
    if (!cu || !blas || !dnn)
        return;
    CHECK_RAISES(ERR_MEMORY, "CUDA: cudaMalloc failed: out of memory (cudaErrorMemoryAllocation). Fix: free tensors",
                 cu(2, "cudaMalloc(&p, n)"));
    CHECK_RAISES(ERR_DEVICE, "CUDA: cudaMemcpyAsync failed: an illegal memory access was encountered "
                 "(cudaErrorIllegalAddress). Fix: the GPU context is lost: restart the kernel",
                 cu(700, "cudaMemcpyAsync(dst, src, n, kind, s)"));
    CHECK_RAISES(ERR_DEVICE, "cuBLAS: cublasSgemm failed: ", blas(7, "cublasSgemm(h, ...)"));
    CHECK_RAISES(ERR_DEVICE, "CUBLAS_STATUS_INVALID_VALUE", blas(7, "cublasSgemm(h, ...)"));
    CHECK_RAISES(ERR_DEVICE, "cuDNN: cudnnConvolutionForward failed: CUDNN_STATUS_NOT_SUPPORTED",
                 dnn(3000, "cudnnConvolutionForward(h, ...)"));
    CHECK_RAISES(ERR_DEVICE, "run the layer on \"cpu\"", dnn(3000, "cudnnConvolutionForward(h, ...)"));
}
#endif

int main(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "child"))
        return child();
    check_init();
    bool have_gpu = device_count() > 0;
    const char *plain = run_child("");
    if (have_gpu) {
        CHECK_HAS(plain, "ok cuda:0");
        CHECK_HAS(device_info(DEVICE_CUDA(0)), "cuda:0 (");
        CHECK_HAS(run_child("COURSDL_CUDA_BACKEND=/nonexistent/libcoursdl_cuda.so"),
                  "cuda:0 is not available: the CUDA backend was not built: /nonexistent/libcoursdl_cuda.so is missing");
    } else {
        CHECK_HAS(plain, "DeviceError: device_parse: cuda:0 is not available: ");
        CHECK_HAS(plain, "use \"cpu\"");
        CHECK(!device_cuda_available());
        CHECK_STR(device_info(DEVICE_CPU), "cpu");
        CHECK_STR(device_info(DEVICE_CUDA(0)), "cuda:0 (not available)");
        /* Where no driver is installed at all (this project's CI machines). */
        if (access("/usr/lib/x86_64-linux-gnu/libcuda.so.1", F_OK) != 0 && access("/usr/lib64/libcuda.so.1", F_OK) != 0)
            CHECK_HAS(plain, "no NVIDIA driver: libcuda.so.1 could not be loaded");
    }
    CHECK_HAS(run_child("COURSDL_CUDA=0"),
              "DeviceError: device_parse: cuda:0 is not available: CUDA is turned off (COURSDL_CUDA=0 in the environment)");
    CHECK_HAS(run_child("COURSDL_LIBCUDA=/nonexistent/libcuda.so.1"),
              "no NVIDIA driver: /nonexistent/libcuda.so.1 could not be loaded (install the NVIDIA driver");
    const char *stub = "/usr/local/cuda/lib64/stubs/libcuda.so";
    if (access(stub, F_OK) == 0) {
        char env[256];
        snprintf(env, sizeof env, "COURSDL_LIBCUDA=%s", stub);
        CHECK_HAS(run_child(env), "is the CUDA toolkit's stub, not a driver");
    }
    /* The backend library, when this build has one (not under the
     * sanitizers: it links the plain libcoursdl). */
#if !defined(__SANITIZE_ADDRESS__)
    if (access("build/libcoursdl_cuda.so", F_OK) == 0)
        check_library("build/libcoursdl_cuda.so", have_gpu);
    else
        printf("note: build/libcoursdl_cuda.so not built (CUDA=0 or no nvcc): library checks skipped\n");
#endif
    return CHECK_DONE();
}
