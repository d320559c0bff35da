/* The CUDA backend's host side (C, built with gcc): per-device state
 * (stream, library handles), library errors turned into engine errors, the
 * caching allocator, and the pieces each host file exports. */
#ifndef COURSDL_CUDA_HOST_H
#define COURSDL_CUDA_HOST_H

#include "../device/backend.h"
#include "cuda_internal.h"

#include <cublas_v2.h>
#include <cudnn.h>
#include <curand.h>

#define CUDA_MAX_DEVICES 16

/* One GPU: everything runs on its one stream, in order, so a block freed
 * by the host can be handed to the next op at once (stream order keeps
 * earlier kernels' reads before later writes). */
typedef struct CudaDev {
    bool ready;
    int index;
    cudaStream_t stream;
    cublasHandle_t blas;
    cudnnHandle_t dnn;         /* NULL until the first cuDNN op */
    curandGenerator_t rng;     /* NULL until the first random fill */
    char name[256];
    size_t total_mem;
    int sm_count, cc_major, cc_minor;
} CudaDev;

/* The state of cuda:index (device (index + 1)), made current and set up on
 * first use. */
CudaDev *cuda_dev(int index);
/* The state of a CUDA tensor's device. */
CudaDev *cuda_dev_of(const Tensor *t);

/* Raise a DeviceError (MemoryError for out-of-memory) naming the failed
 * call, the library's message and the fix, when status is not success. */
void cuda_check(cudaError_t e, const char *call);
void cublas_check(cublasStatus_t st, const char *call);
void cudnn_check(cudnnStatus_t st, const char *call);
void curand_check(curandStatus_t st, const char *call);
#define CU(call) cuda_check((call), #call)
#define CUBLAS(call) cublas_check((call), #call)
#define CUDNN(call) cudnn_check((call), #call)
#define CURAND(call) curand_check((call), #call)
/* The message of a runtime error code, with its name: "out of memory (cudaErrorMemoryAllocation)". */
const char *cuda_error_text(cudaError_t e, char *buf, size_t n);

/* ---- the caching allocator (allocator.c) ---- */
/* Storage for a tensor: a GC header whose finalizer gives the block back
 * to the cache. Blocks come from a cache by size (never cudaMalloc per
 * op); on exhaustion cached blocks are released, then one garbage
 * collection runs (finalizers give blocks back) and the allocation is
 * retried; then MemoryError with the sizes and the device's free/total. */
Storage *cuda_storage_alloc(Device device, size_t nbytes);
/* Scratch space for the queued ops: freed back to the cache as soon as
 * they are queued (one stream: later users run after them). */
typedef struct CudaBlock { void *ptr; size_t size; int index; } CudaBlock;
CudaBlock cuda_scratch(int index, size_t n);
void cuda_scratch_free(CudaBlock b);
/* Bytes handed out, held in the cache, and cudaMalloc'ed in all. */
typedef struct CudaMemStats { size_t in_use, cached, reserved, peak_in_use; int64_t mallocs, collections; } CudaMemStats;
void cuda_memory_stats(int index, CudaMemStats *st);
/* Releases every cached block (cudaFree). */
void cuda_empty_cache(int index);

/* ---- the strided loop (iter.c) ---- */
/* The merged loop over ts[0..n) (same shape as ts[0]). */
void cuda_iter(CuIter *it, int n, const Tensor *const *ts);
CuDType cuda_dtype(DType d);
/* Checks the launch status of queued kernels (cudaGetLastError): a bad
 * launch is reported at the op that queued it. */
void cuda_launched(cudaError_t e, const char *what);

/* ---- backend entries by file ---- */
/* elementwise (ops.c) */
void cuda_fill(Tensor *out, double value);
void cuda_copy(Tensor *out, const Tensor *in);
void cuda_unary(UnaryOp op, Tensor *out, const Tensor *a, double p0, double p1);
void cuda_binary(BinaryOp op, Tensor *out, const Tensor *a, const Tensor *b);
void cuda_where(Tensor *out, const Tensor *cond, const Tensor *a, const Tensor *b);
void cuda_reduce(ReduceOp op, Tensor *out, const Tensor *a, int64_t k1, int64_t r, int64_t k2);
void cuda_index_select(Tensor *out, const Tensor *a, int dim, const Tensor *index);
void cuda_index_add(Tensor *out, int dim, const Tensor *index, const Tensor *src);
void cuda_gather(Tensor *out, const Tensor *a, int dim, const Tensor *index);
void cuda_scatter(Tensor *out, int dim, const Tensor *index, const Tensor *src, bool add);
/* cuBLAS (blas.c): out (B, M, N) = a (B, M, K) @ b (B, K, N), float32/64,
 * TF32 off (IEEE float32 products, as PyTorch's default). */
void cuda_bmm(Tensor *out, const Tensor *a, const Tensor *b);
/* Host <-> device (runtime.c): uploads are queued; downloads wait. */
void cuda_upload(Device device, void *dst, const void *src, size_t n);
void cuda_download(Device device, void *dst, const void *src, size_t n);
void cuda_synchronize(Device device);
int cuda_device_count(void);

/* ---- cuDNN (dnn.c): float32/64, NCHW contiguous tensors ---- */
/* A 2-d convolution as the engine describes it (symmetric padding only:
 * cuDNN has no top/left-only padding). */
typedef struct CudaConv {
    int64_t N, C, H, W, O, OH, OW, kh, kw;
    int sh, sw, ph, pw, dh, dw, groups;
} CudaConv;
/* y (N,O,OH,OW) = conv(x, w) (+ b (O) when b). */
void cuda_conv2d_forward(Tensor *y, const Tensor *x, const Tensor *w, const Tensor *b, const CudaConv *g);
/* gx (N,C,H,W) = the input gradient from gy; a transposed convolution's
 * forward is this with x as gy. */
void cuda_conv2d_backward_data(Tensor *gx, const Tensor *gy, const Tensor *w, const CudaConv *g);
/* gw (O, C/groups, kh, kw) = the weight gradient (overwritten). */
void cuda_conv2d_backward_filter(Tensor *gw, const Tensor *x, const Tensor *gy, const CudaConv *g);
/* gb (O) = gy summed over N, OH, OW. */
void cuda_conv2d_backward_bias(Tensor *gb, const Tensor *gy);
/* Pools over (N, C, H, W); avg counts the padding when count_pad. */
typedef struct CudaPool { int kh, kw, sh, sw, ph, pw; bool max, count_pad; } CudaPool;
void cuda_pool2d_forward(Tensor *y, const Tensor *x, const CudaPool *p);
void cuda_pool2d_backward(Tensor *gx, const Tensor *y, const Tensor *gy, const Tensor *x, const CudaPool *p);
/* Batch norm over (N, C, ...) with per-channel weight/bias (float32 both, or float64 both).
 * Training: y, the batch mean and inverse std saved for the backward, running stats
 * updated with momentum. Eval: y from the running stats. */
void cuda_batch_norm_train(Tensor *y, Tensor *save_mean, Tensor *save_invstd, const Tensor *x, const Tensor *w,
                           const Tensor *b, Tensor *running_mean, Tensor *running_var, double momentum, double eps);
void cuda_batch_norm_eval(Tensor *y, const Tensor *x, const Tensor *w, const Tensor *b, const Tensor *running_mean,
                          const Tensor *running_var, double eps);
void cuda_batch_norm_backward(Tensor *gx, Tensor *gw, Tensor *gb, const Tensor *x, const Tensor *gy, const Tensor *w,
                              const Tensor *save_mean, const Tensor *save_invstd, double eps);
/* (log-)softmax over the last dim of a contiguous (rows, n) tensor, and the backward from y. */
void cuda_softmax_forward(Tensor *y, const Tensor *x, bool log);
void cuda_softmax_backward(Tensor *gx, const Tensor *y, const Tensor *gy, bool log);

/* ---- cuRAND (rand.c) ---- */
/* In place, from a Philox stream seeded by seed (drawn from the engine's generator). */
void cuda_uniform_(Tensor *x, double lo, double hi, uint64_t seed);
void cuda_normal_(Tensor *x, double mean, double std, uint64_t seed);
/* out = x * mask, mask = keep / (1 - p) (x contiguous float). */
void cuda_dropout(Tensor *out, Tensor *mask, const Tensor *x, double p, uint64_t seed);

/* ---- fused steps and losses (optim_loss.c) ---- */
/* One fused update of parameter p (contiguous float) from g with state buffers b[0..2]. */
void cuda_optim_step(const CuOptimStep *k, Tensor *p, const Tensor *g, Tensor *const *bufs);
/* loss (N) = -logp[i, y[i]] (0 where y == ignore); gx (N, C) from g (N). */
void cuda_nll_forward(Tensor *loss, const Tensor *logp, const Tensor *y, int64_t ignore);
void cuda_nll_backward(Tensor *gx, const Tensor *g, const Tensor *y, int64_t ignore);

#endif
