/* Shared by the CUDA backend's host files (gcc) and kernel files (nvcc):
 * the per-device state, error checks, the caching allocator, and the
 * launchers that the .cu files export to C. Host code is plain C against
 * the CUDA runtime, cuBLAS, cuDNN and cuRAND C APIs, so that only the few
 * kernel files go through nvcc (build time on small machines). */
#ifndef COURSDL_CUDA_INTERNAL_H
#define COURSDL_CUDA_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cuda_runtime_api.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- what the kernels see: plain structs, no engine types ---- */

#define CU_MAX_DIMS 8
#define CU_MAX_OPS 4

/* Engine dtypes, in the engine's order (DT_FLOAT32 ... DT_BOOL). */
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

/* Kernel launchers (elementwise.cu, reduce_index.cu, optim_loss.cu). Each
 * queues work on stream and returns the launch status. `op` values are the
 * engine's UnaryOp / BinaryOp / ReduceOp. */
cudaError_t cu_fill(const CuIter *it, CuDType dt, double value, cudaStream_t s);
cudaError_t cu_copy(const CuIter *it, CuDType to, CuDType from, cudaStream_t s);
cudaError_t cu_unary(int op, const CuIter *it, CuDType in, bool bool_out, double p0, double p1, cudaStream_t s);
cudaError_t cu_binary(int op, const CuIter *it, CuDType in, bool bool_out, cudaStream_t s);
cudaError_t cu_where(const CuIter *it, int elem_size, cudaStream_t s);
/* out (k1, k2) = op over r of a contiguous (k1, r, k2); arg ops write int64. */
cudaError_t cu_reduce(int op, void *out, const void *a, CuDType dt, int64_t k1, int64_t r, int64_t k2,
                      void *scratch, size_t scratch_bytes, cudaStream_t s);
/* Bytes of scratch cu_reduce wants for these sizes (0: none). */
size_t cu_reduce_scratch(CuDType dt, int64_t k1, int64_t r, int64_t k2);
/* (outer, n, inner) from a contiguous (outer, na, inner), rows picked by idx. */
cudaError_t cu_index_select(void *out, const void *a, const int64_t *idx, int64_t outer, int64_t n, int64_t na,
                            int64_t inner, int elem_size, cudaStream_t s);
/* out (outer, no, inner) += src (outer, n, inner) at rows idx (atomics). */
cudaError_t cu_index_add(void *out, const void *src, const int64_t *idx, int64_t outer, int64_t n, int64_t no,
                         int64_t inner, CuDType dt, cudaStream_t s);
/* Positions of an index tensor: shape and the strides (elements) of the
 * tensors indexed alongside it. */
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

/* Fused optimizer steps on n contiguous elements (float32 or float64):
 * the same rules as engine/optim, the constants computed on the host. */
typedef enum CuOptimKind { CU_SGD, CU_SGD_MOMENTUM, CU_ADAM, CU_ADAM_AMSGRAD, CU_RMSPROP, CU_ADAGRAD } CuOptimKind;
typedef struct CuOptimStep {
    CuOptimKind kind;
    /* SGD: lr, wd, sign, mu, damp, keep, take, nest, use_b. Adam: b1, b2, eps, wd, step_size, ibc2,
     * decay, sign. RMSprop: lr, alpha, eps, wd, mu, sign (+ momentum / centered flags). Adagrad:
     * clr, eps, wd, sign. */
    double c[10];
    bool momentum, centered;
} CuOptimStep;
cudaError_t cu_optim_step(const CuOptimStep *k, CuDType dt, int64_t n, void *p, const void *g, void *b0, void *b1,
                          void *b2, cudaStream_t s);
/* Dropout: mask = (u >= p) / (1 - p) from uniforms u, out = x * mask. */
cudaError_t cu_dropout(void *out, void *mask, const void *x, const float *u, int64_t n, double p, CuDType dt,
                       cudaStream_t s);
/* Uniform [0,1) floats u -> lo + (hi - lo) u in place, as float32 or into float64. */
cudaError_t cu_affine_f32(float *x, int64_t n, float scale, float shift, cudaStream_t s);
cudaError_t cu_affine_f64(double *x, int64_t n, double scale, double shift, cudaStream_t s);
/* Negative log-likelihood rows: loss[i] = -logp[i, y[i]] * w (y outside [0, C): NaN; y == ignore: 0),
 * and its backward gx[i, y[i]] = -g[i] (gx zeroed first). */
cudaError_t cu_nll_forward(void *loss, const void *logp, const int64_t *y, int64_t N, int64_t C, int64_t ignore,
                           CuDType dt, cudaStream_t s);
cudaError_t cu_nll_backward(void *gx, const void *g, const int64_t *y, int64_t N, int64_t C, int64_t ignore,
                            CuDType dt, cudaStream_t s);

#ifdef __cplusplus
}
#endif

#endif
