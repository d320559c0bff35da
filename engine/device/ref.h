/* Shared by the reference backend's files: element access by position. The
 * reference backend (device "ref") is plain loops in double precision: no
 * BLAS, no threads, no fusion, no vector tricks. It is the oracle the CPU
 * backend's fast paths are checked against, and, supporting only part of
 * the ops, the test of the dispatcher's fallback. */
#ifndef COURSDL_REF_H
#define COURSDL_REF_H

#include "backend.h"

/* Element offset (in elements, from the storage's start) of the i-th
 * element of t in row-major order of t's shape. */
static inline int64_t ref_off(const Tensor *t, int64_t i)
{
    int64_t off = t->offset;
    for (int d = t->ndim - 1; d >= 0; d--) {
        int64_t n = t->shape[d];
        off += (i % n) * t->strides[d];
        i /= n;
    }
    return off;
}

static inline double ref_get(const Tensor *t, int64_t off)
{
    const char *p = (const char *)t->storage->data + off * t_esize(t->dtype);
    switch (t->dtype) {
    case DT_FLOAT32: return *(const float *)p;
    case DT_FLOAT64: return *(const double *)p;
    case DT_INT64: return (double)*(const int64_t *)p;
    default: return *(const uint8_t *)p;
    }
}

static inline void ref_set(Tensor *t, int64_t off, double v)
{
    char *p = (char *)t->storage->data + off * t_esize(t->dtype);
    switch (t->dtype) {
    case DT_FLOAT32: *(float *)p = (float)v; break;
    case DT_FLOAT64: *(double *)p = v; break;
    case DT_INT64: *(int64_t *)p = (int64_t)v; break;
    case DT_UINT8: *(uint8_t *)p = (uint8_t)(int64_t)v; break;
    default: *(uint8_t *)p = v != 0; break;
    }
}

/* The i-th element (row-major) of t, and its store. */
static inline double ref_at(const Tensor *t, int64_t i) { return ref_get(t, ref_off(t, i)); }
static inline void ref_put(Tensor *t, int64_t i, double v) { ref_set(t, ref_off(t, i), v); }

static inline void ref_zero(Tensor *t)
{
    for (int64_t i = 0; i < t->numel; i++)
        ref_put(t, i, 0);
}

/* v rounded to t's precision (a parameter as the CPU's kernels see it). */
static inline double ref_round(const Tensor *t, double v) { return t->dtype == DT_FLOAT32 ? (double)(float)v : v; }

/* The nn kernels (ref_nn.c). */
void ref_softmax(SoftmaxArgs *a);
void ref_softmax_bwd(SoftmaxBwdArgs *a);
void ref_cross_entropy(CrossEntropyArgs *a);
void ref_cross_entropy_bwd(CrossEntropyBwdArgs *a);
void ref_conv2d(Conv2dArgs *a);
void ref_conv2d_bwd(Conv2dBwdArgs *a);
void ref_max_pool2d(MaxPoolArgs *a);
void ref_max_pool2d_bwd(MaxPoolBwdArgs *a);
void ref_avg_pool2d(AvgPoolArgs *a);
void ref_avg_pool2d_bwd(AvgPoolArgs *a);
void ref_batch_norm(BatchNormArgs *a);
void ref_batch_norm_bwd(BatchNormBwdArgs *a);
void ref_sgd_step(OptimArgs *a);
void ref_adam_step(OptimArgs *a);

#endif
