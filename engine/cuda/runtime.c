/* The CUDA backend's runtime: per-device state made on first use, library
 * errors turned into engine errors (the call, CUDA's message, the fix),
 * host <-> device copies, and the entry point the engine's loader calls. */
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
        return "free tensors you no longer need, use smaller batches, or call cuda_empty_cache()";
    case cudaErrorInsufficientDriver:
        return "install an NVIDIA driver that supports CUDA " "13 (nvidia-smi shows the version), or use \"cpu\"";
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
        return "this GPU is not one the backend was built for: rebuild it with make CUDA_ARCH=sm_XX for your GPU";
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
        d->sm_count = p.multiProcessorCount;
        d->cc_major = p.major;
        d->cc_minor = p.minor;
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
    return cuda_dev(t->device - 1);
}

void cuda_upload(Device device, void *dst, const void *src, size_t n)
{
    CudaDev *d = cuda_dev(device - 1);
    /* From pageable memory the call returns once src has been staged, so the
     * caller may reuse src at once; the copy itself stays queued. */
    CU(cudaMemcpyAsync(dst, src, n, cudaMemcpyHostToDevice, d->stream));
}

void cuda_download(Device device, void *dst, const void *src, size_t n)
{
    CudaDev *d = cuda_dev(device - 1);
    /* Reading a value is where the host waits for the queued work. */
    CU(cudaMemcpyAsync(dst, src, n, cudaMemcpyDeviceToHost, d->stream));
    CU(cudaStreamSynchronize(d->stream));
}

void cuda_synchronize(Device device)
{
    CU(cudaStreamSynchronize(cuda_dev(device - 1)->stream));
}

/* ---- the backend and its entry point ---- */

static const Backend g_cuda_backend = {
    .name = "cuda",
    .device_count = cuda_device_count,
    .alloc = cuda_storage_alloc,
    .upload = cuda_upload,
    .download = cuda_download,
    .synchronize = cuda_synchronize,
    .fill = cuda_fill,
    .copy = cuda_copy,
    .unary = cuda_unary,
    .binary = cuda_binary,
    .where = cuda_where,
    .reduce = cuda_reduce,
    .bmm = cuda_bmm,
    .index_select = cuda_index_select,
    .index_add = cuda_index_add,
    .gather = cuda_gather,
    .scatter = cuda_scatter,
};

/* Called by the engine's loader (engine/cuda/loader.c) once the driver has
 * shown a device: checks that the runtime agrees, then hands over the
 * backend. On failure writes why into `why` and returns NULL. */
__attribute__((visibility("default"))) const Backend *cdl_cuda_backend_init(char *why, size_t n)
{
    int count = 0, runtime = 0, driver = 0;
    cudaError_t e = cudaGetDeviceCount(&count);
    cudaRuntimeGetVersion(&runtime);
    cudaDriverGetVersion(&driver);
    if (e != cudaSuccess) {
        char msg[160];
        cudaGetLastError();
        snprintf(why, n, "cudaGetDeviceCount failed: %s (runtime %d.%d, driver supports %d.%d)",
                 cuda_error_text(e, msg, sizeof msg), runtime / 1000, runtime % 1000 / 10, driver / 1000,
                 driver % 1000 / 10);
        return NULL;
    }
    if (count == 0) {
        snprintf(why, n, "no CUDA device (cudaGetDeviceCount found none)");
        return NULL;
    }
    g_count = count > CUDA_MAX_DEVICES ? CUDA_MAX_DEVICES : count;
    return &g_cuda_backend;
}

/* "NVIDIA H200, 139.8 GiB" for the kernel's displays (loader.c asks). */
__attribute__((visibility("default"))) void cdl_cuda_describe(int index, char *buf, size_t n)
{
    if (index < 0 || index >= cuda_device_count()) {
        snprintf(buf, n, "not available");
        return;
    }
    struct cudaDeviceProp p;
    if (cudaGetDeviceProperties(&p, index) != cudaSuccess) {
        cudaGetLastError();
        snprintf(buf, n, "unknown GPU");
        return;
    }
    size_t free_b = 0, total_b = 0;
    int cur = 0;
    cudaGetDevice(&cur);
    if (cudaSetDevice(index) == cudaSuccess && cudaMemGetInfo(&free_b, &total_b) == cudaSuccess)
        snprintf(buf, n, "%s, %.1f GiB (%.1f GiB free)", p.name, total_b / 1073741824.0, free_b / 1073741824.0);
    else
        snprintf(buf, n, "%s, %.1f GiB", p.name, p.totalGlobalMem / 1073741824.0);
    cudaGetLastError();
    cudaSetDevice(cur);
}
