/* CUDA without a GPU. Asking for "cuda" is a DeviceError that says why:
 * no driver, the toolkit's stub instead of a driver, a driver without a
 * GPU, a driver that does not start, the backend not built or not loadable,
 * a backend that does not start, CUDA turned off. Each case runs this
 * program again as a child with the environment it needs (the loader
 * decides once per process); where a driver must answer, a stand-in for
 * libcuda.so.1 does (build/tests/fake_libcuda.so, FAKE_CUINIT and
 * FAKE_DEVICES say what it answers). The backend library itself
 * (build/libcoursdl_cuda.so, when built) is also opened directly: it links
 * (the CUDA runtime, cuBLAS, cuDNN and cuRAND resolve), its entry point
 * reports the runtime's own error and refuses another interface version,
 * library status codes become engine errors naming the call, the library's
 * message and the fix, and its supports entry says which calls it runs.
 * On a machine with a GPU the same program checks the other side: the
 * backend loads and names the GPU. */
#include "check.h"
#include "../../engine/device/backend.h"

#include <dlfcn.h>
#include <unistd.h>

#define FAKE_DRIVER "build/tests/fake_libcuda.so"
#define BACKEND_LIB "build/libcoursdl_cuda.so"
#define FAKE_BACKEND "build/tests/fake_cuda_backend.so"

/* Child mode: print the error (or "ok") of moving a tensor to "cuda". */
static int child(void)
{
    check_init();
    Tensor *x = tensor_ones(2);
    check_armed = 1;
    if (setjmp(check_jmp) == 0) {
        Tensor *y = tensor_to(x, "cuda");
        check_armed = 0;
        printf("ok %s\n", device_info(tensor_device(y)));
    } else {
        printf("%s: %s\n", error_kind_name(error_last_kind()), error_last_message());
    }
    return 0;
}

/* Runs a shell command; returns its output (stdout and stderr). */
static const char *run_shell(const char *cmd)
{
    static char out[1 << 16];
    char full[3100];
    snprintf(full, sizeof full, "(%s) 2>&1", cmd);
    FILE *p = popen(full, "r");
    size_t got = 0, k;
    while (p && got < sizeof out - 1 && (k = fread(out + got, 1, sizeof out - 1 - got, p)) > 0)
        got += k;
    out[got] = 0;
    if (p)
        pclose(p);
    return out;
}

/* Runs this program in child mode with env prepended; returns its output. */
static const char *run_child(const char *env)
{
    char exe[1024], cmd[2600];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    exe[n > 0 ? n : 0] = 0;
    snprintf(cmd, sizeof cmd, "env %s '%s' child", env, exe);
    return run_shell(cmd);
}

/* The child's output with the stand-in driver and env. */
static const char *with_driver(const char *env)
{
    char full[2048];
    snprintf(full, sizeof full, "COURSDL_LIBCUDA=%s/%s %s", getcwd((char[1024]){ 0 }, 1024), FAKE_DRIVER, env);
    return run_child(full);
}

#define CHECK_HAS(text, part) do { \
    const char *t_ = (text); \
    if (strstr(t_, part)) checks_passed++; \
    else { checks_failed++; printf("%s:%d: FAILED: expected \"%s\" in:\n  %s\n", __FILE__, __LINE__, part, t_); } \
} while (0)

/* The reasons, each through the DeviceError of tensor_to(x, "cuda"). */
static void check_reasons(bool have_gpu)
{
    (void)have_gpu;  /* unused under the sanitizers (build/san has no backend library) */
    const char *prefix = "DeviceError: device_parse: cuda:0 is not available: ";
    const char *off = run_child("COURSDL_CUDA=0");
    CHECK_HAS(off, prefix);
    CHECK_HAS(off, "CUDA is turned off (COURSDL_CUDA=0 in the environment); use \"cpu\"");
    CHECK_HAS(run_child("COURSDL_LIBCUDA=/nonexistent/libcuda.so.1"),
              "no NVIDIA driver: /nonexistent/libcuda.so.1 could not be loaded (a machine with an NVIDIA GPU needs "
              "its driver installed); use \"cpu\"");
    const char *stub = "/usr/local/cuda/lib64/stubs/libcuda.so";
    if (access(stub, F_OK) == 0) {
        char env[256];
        snprintf(env, sizeof env, "COURSDL_LIBCUDA=%s", stub);
        CHECK_HAS(run_child(env), "is the CUDA toolkit's stub library, not a driver");
    }
    CHECK_HAS(with_driver("FAKE_CUINIT=100"), "no CUDA device: the NVIDIA driver found no GPU (cuInit: no "
              "CUDA-capable device is detected; check nvidia-smi and CUDA_VISIBLE_DEVICES)");
    CHECK_HAS(with_driver("FAKE_CUINIT=999"), "the NVIDIA driver did not start (cuInit error 999: unknown error");
    CHECK_HAS(with_driver("FAKE_DEVICES=0"), "no CUDA device: the NVIDIA driver found no GPU");
    CHECK_HAS(with_driver("COURSDL_CUDA_BACKEND=/nonexistent/libcoursdl_cuda.so"),
              "the CUDA backend was not built: /nonexistent/libcoursdl_cuda.so is missing (build with make where "
              "the CUDA toolkit's nvcc is, without CUDA=0)");
    /* a file that is not a library, and a library that is not a backend */
    CHECK_HAS(with_driver("COURSDL_CUDA_BACKEND=tests/engine/fake_libcuda.c"),
              "the CUDA backend could not be loaded: tests/engine/fake_libcuda.c: ");
    CHECK_HAS(with_driver("COURSDL_CUDA_BACKEND=" FAKE_DRIVER),
              "the CUDA backend did not start: " FAKE_DRIVER " has no cdl_backend_init");
    /* the default place of the backend: beside the libcoursdl.so in use */
#if defined(__SANITIZE_ADDRESS__)
    CHECK_HAS(with_driver(""), "the CUDA backend was not built: ");  /* build/san has none */
    CHECK_HAS(with_driver(""), "build/san/libcoursdl_cuda.so is missing");
#else
    if (access(BACKEND_LIB, F_OK) == 0 && !have_gpu)
        /* the runtime looks for the real driver itself, and finds none */
        CHECK_HAS(with_driver(""), "the CUDA backend did not start: cudaGetDeviceCount failed: ");
    else if (!have_gpu)
        CHECK_HAS(with_driver(""), "the CUDA backend was not built: ");
#endif
}

/* The GPU conformance program (tests/gpu/cuda_backend_check): without a
 * GPU it says so and exits 77; with the stand-in driver and a stand-in
 * backend ("ref" named cuda) it runs its whole harness: the device picked
 * by name, "ref" as the reference, the per-op report, every entry run on
 * the device itself. */
static void check_gpu_harness(bool have_gpu)
{
    const char *prog = "build/tests/gpu/cuda_backend_check";
    if (have_gpu || access(prog, X_OK) != 0) {
        printf("note: %s: harness check skipped (%s)\n", prog, have_gpu ? "a GPU is here" : "not built");
        return;
    }
    char cmd[3000], cwd[1024];
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    snprintf(cmd, sizeof cmd, "%s; echo \"exit $?\"", prog);
    const char *none = run_shell(cmd);
    CHECK_HAS(none, "no GPU: ");
    CHECK_HAS(none, "exit 77");
    snprintf(cmd, sizeof cmd, "COURSDL_LIBCUDA=%s/" FAKE_DRIVER " COURSDL_CUDA_BACKEND=%s/" FAKE_BACKEND
             " CONFORMANCE_SHAPES=1 %s; echo \"exit $?\"", cwd, cwd, prog);
    const char *fake = run_shell(cmd);
    CHECK_HAS(fake, "cuda:0: cuda:0 (reference backend");
    CHECK_HAS(fake, "against ref (reference backend");
    CHECK_HAS(fake, "cuda:0: scatter ");  /* an op the stand-in lacks: reported as fallen back */
    CHECK_HAS(fake, " passed, 0 failed");
    CHECK_HAS(fake, "exit 0");
}

#if !defined(__SANITIZE_ADDRESS__)
/* The backend library opened directly (it links the plain libcoursdl). */
static void check_library(bool have_gpu)
{
    void *h = dlopen(BACKEND_LIB, RTLD_NOW | RTLD_LOCAL);
    CHECK(h != NULL);
    if (!h) {
        printf("dlopen: %s\n", dlerror());
        return;
    }
    BackendInitFn init;
    BackendWhyFn why;
    *(void **)&init = dlsym(h, BACKEND_INIT_SYMBOL);
    *(void **)&why = dlsym(h, BACKEND_WHY_SYMBOL);
    CHECK(init && why);
    if (!init || !why)
        return;
    CHECK(init(BACKEND_API_VERSION + 1) == NULL);
    CHECK_HAS(why(), "the CUDA backend was built for interface version");
    CHECK_HAS(why(), "(rebuild it with make)");
    const Backend *be = init(BACKEND_API_VERSION);
    if (have_gpu) {
        CHECK(be && be->type == DEVTYPE_CUDA && be->api_version == BACKEND_API_VERSION);
    } else {
        /* the runtime's own words, e.g. "CUDA driver version is insufficient
         * for CUDA runtime version (cudaErrorInsufficientDriver)" */
        CHECK(be == NULL);
        CHECK_HAS(why(), "cudaGetDeviceCount failed: ");
        CHECK_HAS(why(), "(cudaError");
    }

    /* status codes become engine errors: the call, the library's message, the fix */
    typedef void (*CheckFn)(int, const char *);
    CheckFn cu, blas, dnn, rnd;
    *(void **)&cu = dlsym(h, "cuda_check");
    *(void **)&blas = dlsym(h, "cublas_check");
    *(void **)&dnn = dlsym(h, "cudnn_check");
    *(void **)&rnd = dlsym(h, "curand_check");
    CHECK(cu && blas && dnn && rnd);
    if (!cu || !blas || !dnn || !rnd)
        return;
    CHECK_RAISES(ERR_MEMORY, "CUDA: cudaMalloc failed: out of memory (cudaErrorMemoryAllocation). Fix: free tensors "
                 "you no longer need (tensor_free), use smaller batches, or call device_empty_cache()",
                 cu(2, "cudaMalloc(&p, n)"));
    CHECK_RAISES(ERR_DEVICE, "CUDA: cudaMemcpyAsync failed: an illegal memory access was encountered "
                 "(cudaErrorIllegalAddress). Fix: the GPU context is lost: restart the kernel",
                 cu(700, "cudaMemcpyAsync(dst, src, n, kind, s)"));
    CHECK_RAISES(ERR_DEVICE, "no kernel image is available for execution on the device "
                 "(cudaErrorNoKernelImageForDevice). Fix: this GPU is not one the backend was built for",
                 cu(209, "cudaLaunchKernel(...)"));
    CHECK_RAISES(ERR_DEVICE, "cuBLAS: cublasSgemm failed: ", blas(7, "cublasSgemm(h, ...)"));
    CHECK_RAISES(ERR_DEVICE, "CUBLAS_STATUS_INVALID_VALUE", blas(7, "cublasSgemm(h, ...)"));
    CHECK_RAISES(ERR_MEMORY, "free tensors or use smaller batches", blas(3, "cublasCreate(&h)"));
    CHECK_RAISES(ERR_DEVICE, "cuDNN: cudnnConvolutionForward failed: CUDNN_STATUS_NOT_SUPPORTED",
                 dnn(3000, "cudnnConvolutionForward(h, ...)"));
    CHECK_RAISES(ERR_DEVICE, "run the layer on \"cpu\"", dnn(3000, "cudnnConvolutionForward(h, ...)"));
    CHECK_RAISES(ERR_DEVICE, "cuRAND: curandGenerateNormal failed: status 104", rnd(104, "curandGenerateNormal(g)"));

    /* supports: the calls the backend runs itself; the others go to the CPU */
    bool (*supports)(const OpView *);
    *(void **)&supports = dlsym(h, "cuda_supports");
    CHECK(supports != NULL);
    if (!supports)
        return;
    Tensor *f = tensor_ones(4, 4), *i = tensor_long(f);
    BmmArgs bf = { .out = tensor_ones(1, 4, 4), .a = tensor_ones(1, 4, 4), .b = tensor_ones(1, 4, 4) };
    Tensor *one3 = tensor_ones(1, 4, 4);
    BmmArgs bi = { .out = tensor_long(one3), .a = tensor_long(one3), .b = tensor_long(one3) };
    CHECK(supports(&(OpView){ OP_BMM, 1, 3, bf.t, &bf }));
    CHECK(!supports(&(OpView){ OP_BMM, 1, 3, bi.t, &bi }));  /* int64 products: the CPU */
    BinaryArgs div_i = { .out = i, .a = i, .b = i, .op = B_DIV }, add_i = { .out = i, .a = i, .b = i, .op = B_ADD };
    CHECK(!supports(&(OpView){ OP_BINARY, 1, 3, div_i.t, &div_i }));  /* the CPU raises its TypeError */
    CHECK(supports(&(OpView){ OP_BINARY, 1, 3, add_i.t, &add_i }));
    Tensor *x = tensor_ones(1, 1, 6, 6), *w = tensor_ones(1, 1, 2, 2), *y = tensor_ones(1, 1, 6, 6);
    ConvGeom same_even = { .N = 1, .C = 1, .H = 6, .W = 6, .O = 1, .OH = 6, .OW = 6, .kh = 2, .kw = 2, .sh = 1,
                           .sw = 1, .pt = 0, .pl = 0, .dh = 1, .dw = 1, .groups = 1 };
    Conv2dArgs c1 = { .y = y, .x = x, .w = w, .g = same_even };
    CHECK(!supports(&(OpView){ OP_CONV2D, 1, 4, c1.t, &c1 }));  /* asymmetric padding: cuDNN has none */
    Conv2dArgs c2 = c1;
    c2.g.OH = c2.g.OW = 5;
    c2.y = tensor_ones(1, 1, 5, 5);
    CHECK(supports(&(OpView){ OP_CONV2D, 1, 4, c2.t, &c2 }));
    RandomArgs ri = { .out = i, .dist = RAND_INT, .a = 0, .b = 5 }, rn = { .out = f, .dist = RAND_NORMAL, .b = 1 };
    CHECK(!supports(&(OpView){ OP_RANDOM_FILL, 1, 1, ri.t, &ri }));
    CHECK(supports(&(OpView){ OP_RANDOM_FILL, 1, 1, rn.t, &rn }));
    Tensor *u8 = tensor_to_dtype(f, DT_UINT8), *idx = tensor_long(tensor_zeros(4));
    IndexArgs ia = { .out = u8, .src = u8, .index = idx, .dim = 0 }, iaf = { .out = f, .src = f, .index = idx };
    CHECK(!supports(&(OpView){ OP_INDEX_ADD, 1, 3, ia.t, &ia }));
    CHECK(supports(&(OpView){ OP_INDEX_ADD, 1, 3, iaf.t, &iaf }));
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
        CHECK_HAS(plain, "ok cuda:0 (");
        CHECK_HAS(device_info(DEVICE_CUDA(0)), "GiB free)");
    } else {
        CHECK_HAS(plain, "DeviceError: device_parse: cuda:0 is not available: ");
        CHECK_HAS(plain, "; use \"cpu\"");
        CHECK(!device_cuda_available());
        CHECK_STR(device_info(DEVICE_CUDA(0)), "cuda:0 (not available)");
        CHECK_RAISES(ERR_DEVICE, "device_memory_allocated: cuda:0 is not available: ",
                     device_memory_allocated(DEVICE_CUDA(0)));
        CHECK_RAISES(ERR_DEVICE, "device_empty_cache: cuda:0 is not available: ", device_empty_cache(DEVICE_CUDA(0)));
        CHECK(backend_unavailable(DEVTYPE_CUDA) != NULL);
        /* where no driver is installed at all (this project's CI machines) */
        if (access("/usr/lib/x86_64-linux-gnu/libcuda.so.1", F_OK) != 0 && access("/usr/lib64/libcuda.so.1", F_OK) != 0)
            CHECK_HAS(plain, "no NVIDIA driver: libcuda.so.1 could not be loaded");
    }
    CHECK_HAS(device_info(DEVICE_CPU), "cpu (");
    CHECK(device_memory_allocated(DEVICE_CPU) == 0 && device_memory_reserved(DEVICE_CPU) == 0);
    device_empty_cache(DEVICE_CPU);
    check_reasons(have_gpu);
    check_gpu_harness(have_gpu);
#if !defined(__SANITIZE_ADDRESS__)
    if (access(BACKEND_LIB, F_OK) == 0)
        check_library(have_gpu);
    else
        printf("note: " BACKEND_LIB " not built (CUDA=0 or no nvcc): library checks skipped\n");
#endif
    return CHECK_DONE();
}
