/* The CUDA backend's runtime: per-device state made on first use, library
 * errors turned into engine errors (the call, CUDA's message, the fix),
 * host <-> device copies, the Backend struct and the entry points the
 * engine calls after dlopen (cdl_backend_init, cdl_backend_why). */
#include "cuda_host.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>

static CudaDev g_dev[CUDA_MAX_DEVICES];
static int g_count = -1;
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;

/* ---- errors ---- */

const char *cuda_error_text(cudaError_t e, char *buf, size_t n)
{
    snprintf(buf, n, "%s (%s)", cudaGetErrorString(e), cudaGetErrorName(e));
    return buf;
}

/* "cudaMemcpyAsync" from "cudaMemcpyAsync(dst, ...)". */
static const char *call_name(const char *call, char *buf, size_t n)
{
    size_t k = strcspn(call, "(");
    if (k >= n)
        k = n - 1;
    memcpy(buf, call, k);
    buf[k] = 0;
    return buf;
}

static const char *fix_for(cudaError_t e)
{
    switch (e) {
    case cudaErrorMemoryAllocation:
        return "free tensors you no longer need (tensor_free), use smaller batches, or call device_empty_cache()";
    case cudaErrorInsufficientDriver:
        return "install an NVIDIA driver that supports the CUDA version the backend was built with "
               "(nvidia-smi shows the version), or use \"cpu\"";
    case cudaErrorNoDevice:
        return "no GPU is visible (check CUDA_VISIBLE_DEVICES and nvidia-smi), or use \"cpu\"";
    case cudaErrorIllegalAddress:
    case cudaErrorLaunchFailure:
    case cudaErrorIllegalInstruction:
    case cudaErrorMisalignedAddress:
        return "the GPU context is lost: restart the kernel; run with CUDA_LAUNCH_BLOCKING=1 to find the "
               "op that failed, and report it";
    case cudaErrorNoKernelImageForDevice:
    case cudaErrorUnsupportedPtxVersion:
        return "this GPU is not one the backend was built for: rebuild it with make CUDA_ARCH=\"-gencode "
               "arch=compute_XX,code=sm_XX\" for your GPU";
    default:
        return "restart the kernel; if it happens again, use \"cpu\" (device_set_default(DEVICE_CPU))";
    }
}

void cuda_check(cudaError_t e, const char *call)
{
    if (e == cudaSuccess)
        return;
    char name[64], msg[160];
    cudaGetLastError();  /* clears a non-sticky error so the next op starts clean */
    error_raise(e == cudaErrorMemoryAllocation ? ERR_MEMORY : ERR_DEVICE, "CUDA: %s failed: %s. Fix: %s",
                call_name(call, name, sizeof name), cuda_error_text(e, msg, sizeof msg), fix_for(e));
}

void cuda_launched(cudaError_t e, const char *what)
{
    if (e == cudaSuccess)
        e = cudaPeekAtLastError();
    if (e != cudaSuccess)
        cuda_check(e, what);
}

void cublas_check(cublasStatus_t st, const char *call)
{
    if (st == CUBLAS_STATUS_SUCCESS)
        return;
    char name[64];
    error_raise(st == CUBLAS_STATUS_ALLOC_FAILED ? ERR_MEMORY : ERR_DEVICE, "cuBLAS: %s failed: %s (%s). Fix: %s",
                call_name(call, name, sizeof name), cublasGetStatusString(st), cublasGetStatusName(st),
                st == CUBLAS_STATUS_ALLOC_FAILED ? "free tensors or use smaller batches"
                : st == CUBLAS_STATUS_NOT_INITIALIZED ? "the GPU could not be set up: check nvidia-smi, or use \"cpu\""
                : "report it with the shapes of the product; meanwhile use \"cpu\"");
}

void cudnn_check(cudnnStatus_t st, const char *call)
{
    if (st == CUDNN_STATUS_SUCCESS)
        return;
    char name[64];
    error_raise(st == CUDNN_STATUS_ALLOC_FAILED ? ERR_MEMORY : ERR_DEVICE, "cuDNN: %s failed: %s. Fix: %s",
                call_name(call, name, sizeof name), cudnnGetErrorString(st),
                st == CUDNN_STATUS_ALLOC_FAILED ? "free tensors or use smaller batches"
                : st == CUDNN_STATUS_NOT_SUPPORTED ? "this layer's settings are not supported by cuDNN on this GPU: "
                                                     "run the layer on \"cpu\""
                : "check that libcudnn 9 matches the CUDA version (cudnnGetVersion), or use \"cpu\"");
}

void curand_check(curandStatus_t st, const char *call)
{
    if (st == CURAND_STATUS_SUCCESS)
        return;
    char name[64];
    error_raise(st == CURAND_STATUS_ALLOCATION_FAILED ? ERR_MEMORY : ERR_DEVICE, "cuRAND: %s failed: status %d. Fix: %s",
                call_name(call, name, sizeof name), (int)st,
                st == CURAND_STATUS_ALLOCATION_FAILED ? "free tensors or use smaller batches"
                                                      : "restart the kernel, or draw on \"cpu\" and copy");
}

/* ---- devices ---- */

int cuda_device_count(void)
{
    if (g_count < 0) {
        int n = 0;
        if (cudaGetDeviceCount(&n) != cudaSuccess) {
            cudaGetLastError();
            n = 0;
        }
        g_count = n > CUDA_MAX_DEVICES ? CUDA_MAX_DEVICES : n;
    }
    return g_count;
}

CudaDev *cuda_dev(int index)
{
    if (index < 0 || index >= cuda_device_count())
        error_raise(ERR_DEVICE, "cuda:%d is not available (%d CUDA devices; use \"cpu\")", index, cuda_device_count());
    CudaDev *d = &g_dev[index];
    CU(cudaSetDevice(index));
    if (d->ready)
        return d;
    pthread_mutex_lock(&g_lock);
    if (!d->ready) {
        struct cudaDeviceProp p;
        cudaError_t e = cudaGetDeviceProperties(&p, index);
        if (e == cudaSuccess)
            e = cudaStreamCreateWithFlags(&d->stream, cudaStreamNonBlocking);
        if (e != cudaSuccess) {
            pthread_mutex_unlock(&g_lock);
            cuda_check(e, "cudaStreamCreateWithFlags");
        }
        snprintf(d->name, sizeof d->name, "%s", p.name);
        d->total_mem = p.totalGlobalMem;
        cublasStatus_t bs = cublasCreate(&d->blas);
        if (bs == CUBLAS_STATUS_SUCCESS)
            bs = cublasSetStream(d->blas, d->stream);
        /* IEEE float32 products: no TF32 (PyTorch's default for matmul). */
        if (bs == CUBLAS_STATUS_SUCCESS)
            bs = cublasSetMathMode(d->blas, CUBLAS_DEFAULT_MATH);
        if (bs != CUBLAS_STATUS_SUCCESS) {
            pthread_mutex_unlock(&g_lock);
            cublas_check(bs, "cublasCreate");
        }
        d->index = index;
        d->ready = true;
    }
    pthread_mutex_unlock(&g_lock);
    return d;
}

CudaDev *cuda_dev_of(const Tensor *t)
{
    return cuda_dev(device_index(t->device));
}

static void cuda_upload(Device device, void *dst, const void *src, size_t n)
{
    CudaDev *d = cuda_dev(device_index(device));
    /* From pageable memory the call returns once src has been staged, so the
     * caller may reuse src at once; the copy itself stays queued. */
    CU(cudaMemcpyAsync(dst, src, n, cudaMemcpyHostToDevice, d->stream));
}

static void cuda_download(Device device, void *dst, const void *src, size_t n)
{
    CudaDev *d = cuda_dev(device_index(device));
    /* Reading a value is where the host waits for the queued work. */
    CU(cudaMemcpyAsync(dst, src, n, cudaMemcpyDeviceToHost, d->stream));
    CU(cudaStreamSynchronize(d->stream));
}

static void cuda_synchronize(Device device)
{
    CU(cudaStreamSynchronize(cuda_dev(device_index(device))->stream));
}

/* "NVIDIA H200, 139.8 GiB, 139.1 GiB free" (device_info). */
static void cuda_describe(Device device, char *buf, size_t n)
{
    CudaDev *d = cuda_dev(device_index(device));
    size_t free_b = 0, total_b = 0;
    if (cudaMemGetInfo(&free_b, &total_b) == cudaSuccess)
        snprintf(buf, n, "%s, %.1f GiB, %.1f GiB free", d->name, total_b / 1073741824.0, free_b / 1073741824.0);
    else
        snprintf(buf, n, "%s, %.1f GiB", d->name, d->total_mem / 1073741824.0);
    cudaGetLastError();
}

/* ---- the backend and its entry points ---- */

_Static_assert(CU_F32 == (int)DT_FLOAT32 && CU_F64 == (int)DT_FLOAT64 && CU_I64 == (int)DT_INT64 &&
               CU_U8 == (int)DT_UINT8 && CU_BOOL == (int)DT_BOOL, "CuDType follows the engine's DType");

static const Backend g_cuda_backend = {
    .api_version = BACKEND_API_VERSION,
    .name = "cuda",
    .type = DEVTYPE_CUDA,
    .host_memory = false,
    .device_count = cuda_device_count,
    .alloc = cuda_alloc,
    .release = cuda_release,
    .upload = cuda_upload,
    .download = cuda_download,
    .synchronize = cuda_synchronize,
    .supports = cuda_supports,
    .describe = cuda_describe,
    .memory = cuda_memory,
    .empty_cache = cuda_empty_cache,
    .fill = cuda_fill,
    .copy = cuda_copy,
    .unary = cuda_unary,
    .binary = cuda_binary,
    .where = cuda_where,
    .axpy = cuda_axpy,
    .reduce = cuda_reduce,
    .bmm = cuda_bmm,
    .linear = cuda_linear,
    .index_select = cuda_index_select,
    .index_add = cuda_index_add,
    .gather = cuda_gather,
    .scatter = cuda_scatter,
    .softmax = cuda_softmax,
    .softmax_bwd = cuda_softmax_bwd,
    .cross_entropy = cuda_cross_entropy,
    .cross_entropy_bwd = cuda_cross_entropy_bwd,
    .conv2d = cuda_conv2d,
    .conv2d_bwd = cuda_conv2d_bwd,
    .conv_transpose2d = cuda_conv_transpose2d,
    .conv_transpose2d_bwd = cuda_conv_transpose2d_bwd,
    .im2col = cuda_im2col,
    .col2im = cuda_col2im,
    .max_pool2d = cuda_max_pool2d,
    .max_pool2d_bwd = cuda_max_pool2d_bwd,
    .max_pool2x2 = cuda_max_pool2x2,
    .max_pool2x2_bwd = cuda_max_pool2x2_bwd,
    .avg_pool2d = cuda_avg_pool2d,
    .avg_pool2d_bwd = cuda_avg_pool2d_bwd,
    .batch_norm = cuda_batch_norm,
    .batch_norm_bwd = cuda_batch_norm_bwd,
    .random_fill = cuda_random_fill,
    .dropout_mask = cuda_dropout_mask,
    .sgd_step = cuda_sgd_step,
    .adam_step = cuda_adam_step,
    .rmsprop_step = cuda_rmsprop_step,
    .adagrad_step = cuda_adagrad_step,
};

static char g_why[512];

/* Called by the engine after dlopen (engine/cuda/loader.c, through
 * backend_open) once the driver has shown a device: checks the interface
 * version and that the runtime agrees, then hands over the backend; NULL
 * with the reason kept for cdl_backend_why otherwise. */
__attribute__((visibility("default"))) const Backend *cdl_backend_init(int api_version)
{
    if (api_version != BACKEND_API_VERSION) {
        snprintf(g_why, sizeof g_why, "the CUDA backend was built for interface version %d, the engine has %d "
                 "(rebuild it with make)", BACKEND_API_VERSION, api_version);
        return NULL;
    }
    int count = 0, runtime = 0, driver = 0;
    cudaError_t e = cudaGetDeviceCount(&count);
    cudaRuntimeGetVersion(&runtime);
    cudaDriverGetVersion(&driver);
    if (e != cudaSuccess) {
        char msg[160];
        cudaGetLastError();
        snprintf(g_why, sizeof g_why, "cudaGetDeviceCount failed: %s (runtime %d.%d, driver supports %d.%d)",
                 cuda_error_text(e, msg, sizeof msg), runtime / 1000, runtime % 1000 / 10, driver / 1000,
                 driver % 1000 / 10);
        return NULL;
    }
    if (count == 0) {
        snprintf(g_why, sizeof g_why, "no CUDA device (cudaGetDeviceCount found none)");
        return NULL;
    }
    g_count = count > CUDA_MAX_DEVICES ? CUDA_MAX_DEVICES : count;
    return &g_cuda_backend;
}

__attribute__((visibility("default"))) const char *cdl_backend_why(void)
{
    return g_why;
}
