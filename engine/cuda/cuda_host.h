/* The CUDA backend's host side (C, built with gcc): per-device state
 * (stream, library handles), library errors turned into engine errors, the
 * caching allocator, and the backend entries each host file defines. */
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
} CudaDev;

/* The state of cuda:index, made current (cudaSetDevice) and set up on first use. */
CudaDev *cuda_dev(int index);
/* The state of a CUDA tensor's device, and its stream. */
CudaDev *cuda_dev_of(const Tensor *t);
static inline cudaStream_t cuda_stream_of(const Tensor *t) { return cuda_dev_of(t)->stream; }
int cuda_device_count(void);

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
/* Checks a launcher's status, and the launch status of queued kernels
 * (cudaPeekAtLastError): a bad launch is reported at the op that queued it. */
void cuda_launched(cudaError_t e, const char *what);
/* The message of a runtime error code, with its name: "out of memory (cudaErrorMemoryAllocation)". */
const char *cuda_error_text(cudaError_t e, char *buf, size_t n);

/* ---- the caching allocator (allocator.c) ---- */
/* The backend's alloc / release entries: tensor storage whose device block
 * comes from a cache by size (no cudaMalloc per op) and goes back to it
 * when the GC finalizes the Storage or tensor_free releases it. On
 * exhaustion the cache is given back to CUDA, then one garbage collection
 * runs and the allocation is retried; then a MemoryError with the sizes
 * and the device's free and total memory. */
Storage *cuda_alloc(Device device, size_t nbytes, size_t head, void **headp);
void cuda_release(Storage *s);
/* Scratch space for queued ops: given back as soon as they are queued
 * (one stream: later users run after them). */
typedef struct CudaBlock { void *ptr; size_t size; int index; } CudaBlock;
CudaBlock cuda_scratch(int index, size_t n);
void cuda_scratch_free(CudaBlock b);
/* Bytes handed out to tensors and scratch, held in the cache, and
 * cudaMalloc'ed in all (the backend's memory entry). */
typedef struct CudaMemStats { size_t in_use, cached, reserved, peak_in_use; int64_t mallocs, collections; } CudaMemStats;
void cuda_memory_stats(int index, CudaMemStats *st);
void cuda_memory(Device device, size_t *allocated, size_t *reserved);
void cuda_empty_cache(Device device);

/* ---- tensors as the kernels see them (ops.c) ---- */
static inline CuDType cuda_dtype(DType d) { return (CuDType)d; }
/* The merged loop over ts[0..n) (same shape as ts[0]); false if it needs
 * more dims than a kernel takes. */
bool cuda_iter(CuIter *it, int n, const Tensor *const *ts);
/* Whether the strided loop over ts can be described (cuda_iter succeeds). */
bool cuda_iter_fits(int n, const Tensor *const *ts);

/* ---- the entries, by file ---- */
/* ops.c: elementwise, reductions, indexing */
void cuda_fill(FillArgs *a);
void cuda_copy(CopyArgs *a);
void cuda_unary(UnaryArgs *a);
void cuda_binary(BinaryArgs *a);
void cuda_where(WhereArgs *a);
void cuda_axpy(AxpyArgs *a);
void cuda_reduce(ReduceArgs *a);
void cuda_index_select(IndexArgs *a);
void cuda_index_add(IndexArgs *a);
void cuda_gather(IndexArgs *a);
void cuda_scatter(IndexArgs *a);
/* fill of a whole contiguous tensor (scratch, outputs written whole) */
void cuda_fill_value(Tensor *t, double value);
/* blas.c: cuBLAS, TF32 off (IEEE float32 products, as PyTorch's default) */
void cuda_bmm(BmmArgs *a);
void cuda_linear(LinearArgs *a);
/* dnn.c: cuDNN convolutions, batch norm, softmax */
void cuda_conv2d(Conv2dArgs *a);
void cuda_conv2d_bwd(Conv2dBwdArgs *a);
void cuda_conv_transpose2d(ConvTranspose2dArgs *a);
void cuda_conv_transpose2d_bwd(ConvTranspose2dBwdArgs *a);
void cuda_batch_norm(BatchNormArgs *a);
void cuda_batch_norm_bwd(BatchNormBwdArgs *a);
void cuda_softmax(SoftmaxArgs *a);
void cuda_softmax_bwd(SoftmaxBwdArgs *a);
/* Whether cuDNN's symmetric padding gives g's output size (else the CPU runs it). */
bool cuda_conv_fits(const ConvGeom *g);
/* nn.c: the layers written as kernels (nn.cu) */
void cuda_im2col(ColsArgs *a);
void cuda_col2im(ColsArgs *a);
void cuda_max_pool2d(MaxPoolArgs *a);
void cuda_max_pool2d_bwd(MaxPoolBwdArgs *a);
void cuda_max_pool2x2(MaxPool2x2Args *a);
void cuda_max_pool2x2_bwd(MaxPool2x2BwdArgs *a);
void cuda_avg_pool2d(AvgPoolArgs *a);
void cuda_avg_pool2d_bwd(AvgPoolArgs *a);
void cuda_cross_entropy(CrossEntropyArgs *a);
void cuda_cross_entropy_bwd(CrossEntropyBwdArgs *a);
/* rand.c: cuRAND (Philox), seeded from the engine's generator */
void cuda_random_fill(RandomArgs *a);
void cuda_dropout_mask(RandomArgs *a);
/* optim.c: fused optimizer steps */
void cuda_sgd_step(OptimArgs *a);
void cuda_adam_step(OptimArgs *a);
void cuda_rmsprop_step(OptimArgs *a);
void cuda_adagrad_step(OptimArgs *a);
/* supports.c: what the backend runs itself (the rest goes to the CPU) */
bool cuda_supports(const OpView *v);

#endif
