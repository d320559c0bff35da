/* Shared by the CUDA backend's host files (C, gcc) and kernel files
 * (nvcc): plain structs describing the tensors and the launchers the .cu
 * files export to C. Host code is plain C against the CUDA runtime,
 * cuBLAS, cuDNN and cuRAND C APIs, so that only the few kernel files go
 * through nvcc (build time on small machines). No engine types here (the
 * engine's headers are C11): the op codes come from device/elementwise_ops.h,
 * which both languages read. */
#ifndef COURSDL_CUDA_INTERNAL_H
#define COURSDL_CUDA_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cuda_runtime_api.h>

#include "../device/elementwise_ops.h"

#ifdef __cplusplus
extern "C" {
#endif

#define CU_MAX_DIMS 8
#define CU_MAX_OPS 4

/* Engine dtypes, in the engine's order (DT_FLOAT32 ... DT_BOOL; checked in runtime.c). */
typedef enum CuDType { CU_F32, CU_F64, CU_I64, CU_U8, CU_BOOL } CuDType;

/* An n-d loop over same-shape operands (operand 0 is the output): dims
 * already merged where the layouts allow; strides in bytes. */
typedef struct CuIter {
    int nops, ndim;
    bool contiguous;  /* every operand dense in one row of numel elements */
    int64_t numel;
    int64_t shape[CU_MAX_DIMS];
    int64_t strides[CU_MAX_OPS][CU_MAX_DIMS];
    char *ptr[CU_MAX_OPS];
} CuIter;

/* Kernel launchers. Each queues work on stream s and returns the launch
 * status (cudaGetLastError). */

/* ---- elementwise.cu ---- */
cudaError_t cu_fill(const CuIter *it, CuDType dt, double value, cudaStream_t s);
cudaError_t cu_copy(const CuIter *it, CuDType to, CuDType from, cudaStream_t s);
/* out = op(a; p0, p1) in dtype `in` (comparisons write bool). */
cudaError_t cu_unary(UnaryOp op, const CuIter *it, CuDType in, double p0, double p1, cudaStream_t s);
/* out = a op b (operands 1, 2 in dtype `in`). */
cudaError_t cu_binary(BinaryOp op, const CuIter *it, CuDType in, cudaStream_t s);
/* out = cond ? a : b, operands (out, cond, a, b), elem_size bytes per value. */
cudaError_t cu_where(const CuIter *it, int elem_size, cudaStream_t s);
/* a[i] += alpha b[i], n contiguous elements. */
cudaError_t cu_axpy(void *a, const void *b, double alpha, int64_t n, CuDType dt, cudaStream_t s);
/* y (M, N) rows = b (N): the bias a product is then added to. */
cudaError_t cu_bias_rows(void *y, const void *b, int64_t M, int64_t N, CuDType dt, cudaStream_t s);

/* ---- reduce_index.cu ---- */
/* out (k1, k2) = op over r of a contiguous (k1, r, k2); arg ops write int64. */
cudaError_t cu_reduce(ReduceOp op, void *out, const void *a, CuDType dt, int64_t k1, int64_t r, int64_t k2,
                      void *scratch, cudaStream_t s);
/* Bytes of scratch cu_reduce wants for these sizes (0: none). */
size_t cu_reduce_scratch(CuDType dt, int64_t k1, int64_t r, int64_t k2);
/* (outer, n, inner) from a contiguous (outer, na, inner), rows picked by idx. */
cudaError_t cu_index_select(void *out, const void *a, const int64_t *idx, int64_t outer, int64_t n, int64_t na,
                            int64_t inner, int elem_size, cudaStream_t s);
/* out (outer, no, inner) += src (outer, n, inner) at rows idx (atomics). */
cudaError_t cu_index_add(void *out, const void *src, const int64_t *idx, int64_t outer, int64_t n, int64_t no,
                         int64_t inner, CuDType dt, cudaStream_t s);
/* Positions of an index tensor: its shape and strides, and the strides
 * (elements) of the tensors indexed alongside it. */
typedef struct CuIndexGeom {
    int ndim, dim;
    int64_t numel;
    int64_t shape[CU_MAX_DIMS];      /* index's shape */
    int64_t a_strides[CU_MAX_DIMS];  /* the gathered-from / scattered-into tensor */
    int64_t s_strides[CU_MAX_DIMS];  /* scatter's src (gather: unused) */
    int64_t i_strides[CU_MAX_DIMS];  /* the index tensor */
} CuIndexGeom;
/* out (contiguous, index's shape) = a[... idx ...]. */
cudaError_t cu_gather(void *out, const void *a, const int64_t *idx, const CuIndexGeom *g, int elem_size,
                      cudaStream_t s);
/* out[... idx ...] = src (or += with add). */
cudaError_t cu_scatter(void *out, const void *src, const int64_t *idx, const CuIndexGeom *g, CuDType dt, bool add,
                       cudaStream_t s);

/* ---- nn.cu: the layers cuDNN lacks or does differently ---- */
/* device/ops.h's ConvGeom and PoolGeom, field for field. */
typedef struct CuConv {
    int64_t N, C, H, W, O, OH, OW, kh, kw;
    int64_t sh, sw, pt, pl, dh, dw;
    int groups;
} CuConv;
typedef struct CuPool { int64_t NC, H, W, OH, OW, kh, kw, sh, sw, ph, pw; } CuPool;
/* cols (C*kh*kw, N*OH*OW) from x (N, C, H, W), and the adjoint (x written whole). */
cudaError_t cu_im2col(const CuConv *g, const void *x, void *cols, CuDType dt, cudaStream_t s);
cudaError_t cu_col2im(const CuConv *g, const void *cols, void *x, CuDType dt, cudaStream_t s);
/* Max-pool with the argmax's position in its plane (NaN wins, ties keep the first). */
cudaError_t cu_max_pool(const CuPool *p, const void *x, void *y, int64_t *idx, CuDType dt, cudaStream_t s);
/* gx (written whole) = gy scattered to the argmax positions. */
cudaError_t cu_max_pool_bwd(const CuPool *p, const void *gy, const int64_t *idx, void *gx, CuDType dt,
                            cudaStream_t s);
/* The 2x2 / stride 2 float32 max-pool without indices, and its backward from x. */
cudaError_t cu_max_pool2x2(const CuPool *p, const float *x, float *y, cudaStream_t s);
cudaError_t cu_max_pool2x2_bwd(const CuPool *p, const float *gy, const float *x, float *gx, cudaStream_t s);
/* Average pool (count_include_pad, divisor as the CPU's) and its adjoint (out written whole). */
cudaError_t cu_avg_pool(const CuPool *p, const void *in, void *out, CuDType dt, cudaStream_t s);
cudaError_t cu_avg_pool_bwd(const CuPool *p, const void *in, void *out, CuDType dt, cudaStream_t s);
/* Cross-entropy of M rows of C logits (device/ops.h's CrossEntropyParams). */
typedef struct CuCrossEntropy {
    int64_t M, C;
    bool index, use_ignore;
    int64_t ignore;
    double smoothing;
    int reduction;  /* 0 mean, 1 sum, 2 none (the engine's Reduction) */
} CuCrossEntropy;
/* rows (M) the row losses (out itself for none), lse (M), div (float64);
 * out the reduced loss (0-dim) unless none. wdiv: M doubles of scratch. */
cudaError_t cu_cross_entropy(const CuCrossEntropy *c, const void *x, const void *target, const void *weight,
                             void *rows, void *lse, double *div, void *out, double *wdiv, CuDType dt,
                             cudaStream_t s);
cudaError_t cu_cross_entropy_bwd(const CuCrossEntropy *c, const void *x, const void *target, const void *weight,
                                 const void *lse, const void *g, const double *div, void *gx, CuDType dt,
                                 cudaStream_t s);

/* ---- optim_rand.cu ---- */
/* Fused optimizer steps on n contiguous elements (float32 or float64):
 * the rules of the CPU backend (device/cpu_optim.c), constants from the host. */
typedef enum CuOptimKind { CU_SGD, CU_SGD_MOMENTUM, CU_ADAM, CU_ADAM_AMSGRAD, CU_RMSPROP, CU_ADAGRAD } CuOptimKind;
typedef struct CuOptimStep {
    CuOptimKind kind;
    /* SGD: lr, wd, sign. SGD momentum: lr, wd, sign, keep, take, nest, use_b.
     * Adam: b1, b2, eps, wd, step_size, ibc2, decay, sign. RMSprop: lr,
     * alpha, eps, wd, mu, sign. Adagrad: clr, eps, wd, sign. */
    double c[10];
    bool momentum, centered;  /* RMSprop's buffers b1 (momentum) and b2 (grad average) */
} CuOptimStep;
cudaError_t cu_optim_step(const CuOptimStep *k, CuDType dt, int64_t n, void *p, const void *g, void *b0, void *b1,
                          void *b2, cudaStream_t s);
/* Dropout mask from uniforms u in (0, 1]: 0 where u < p, else 1 / (1 - p). */
cudaError_t cu_dropout_mask(void *mask, const float *u, int64_t n, double p, CuDType dt, cudaStream_t s);
/* Uniforms u in (0, 1] -> hi - (hi - lo) u, in [lo, hi), in place. */
cudaError_t cu_uniform_map(void *x, int64_t n, double lo, double hi, CuDType dt, cudaStream_t s);

#ifdef __cplusplus
}
#endif

#endif
