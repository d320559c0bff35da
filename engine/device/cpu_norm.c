/* The CPU backend's training batch norm (entries batch_norm and _bwd):
 * per-channel loops over (N, C, L), parallel over channels; the forward
 * also updates the running statistics:
 *   gx = w invstd (g - mean(g) - xhat mean(g xhat)), gw = sum(g xhat), gb = sum(g). */
#include "cpu.h"
#include "../parallel/pool.h"

#include <math.h>

typedef struct BNJob {
    DType dt;
    int64_t N, C, L;
    double eps, momentum;
    const void *x, *w, *b, *g;
    void *y, *mean, *invstd, *rmean, *rvar, *gx, *gw, *gb;
} BNJob;

/* Reductions with 8 independent double accumulators: no serial add chain,
 * and the compiler can vectorise them without reassociating. */
#define BN_SUMS(T) \
static inline double sum_##T(const T *r, int64_t L) \
{ \
    double a[8] = { 0 }, s = 0; \
    int64_t l = 0; \
    for (; l + 8 <= L; l += 8) for (int q = 0; q < 8; q++) a[q] += r[l + q]; \
    for (; l < L; l++) s += r[l]; \
    for (int q = 0; q < 8; q++) s += a[q]; \
    return s; \
} \
static inline double sqdev_##T(const T *r, int64_t L, double mu) \
{ \
    double a[8] = { 0 }, s = 0; \
    int64_t l = 0; \
    for (; l + 8 <= L; l += 8) for (int q = 0; q < 8; q++) { double d = r[l + q] - mu; a[q] += d * d; } \
    for (; l < L; l++) { double d = r[l] - mu; s += d * d; } \
    for (int q = 0; q < 8; q++) s += a[q]; \
    return s; \
} \
static inline double dotdev_##T(const T *g, const T *r, int64_t L, double mu) \
{ \
    double a[8] = { 0 }, s = 0; \
    int64_t l = 0; \
    for (; l + 8 <= L; l += 8) for (int q = 0; q < 8; q++) a[q] += g[l + q] * (r[l + q] - mu); \
    for (; l < L; l++) s += g[l] * (r[l] - mu); \
    for (int q = 0; q < 8; q++) s += a[q]; \
    return s; \
}
BN_SUMS(float)
BN_SUMS(double)

#define BN_FWD(T) \
static void bn_fwd_##T(const BNJob *J, int64_t c0, int64_t c1) \
{ \
    const T *x = J->x, *w = J->w, *b = J->b; \
    T *y = J->y; \
    int64_t N = J->N, C = J->C, L = J->L; \
    double M = (double)(N * L); \
    for (int64_t c = c0; c < c1; c++) { \
        double s = 0, q = 0; \
        for (int64_t n = 0; n < N; n++) s += sum_##T(x + (n * C + c) * L, L); \
        double mu = s / M; \
        for (int64_t n = 0; n < N; n++) q += sqdev_##T(x + (n * C + c) * L, L, mu); \
        double var = q / M, is = 1 / sqrt(var + J->eps); \
        ((T *)J->mean)[c] = (T)mu; \
        ((T *)J->invstd)[c] = (T)is; \
        if (J->rmean) { \
            /* running = (1 - momentum) running + momentum batch (var unbiased), \
             * rounded as the engine's in-place ops round it */ \
            double M1 = M > 1 ? M - 1 : 1; \
            T *rm = (T *)J->rmean + c, *rv = (T *)J->rvar + c; \
            *rm = *rm * (T)(1 - J->momentum); \
            *rm += (T)J->momentum * (T)mu; \
            *rv = *rv * (T)(1 - J->momentum); \
            *rv += (T)(var * (J->momentum * M / M1)); \
        } \
        T scale = (T)(is * (w ? (double)w[c] : 1.0)), shift = (T)((b ? (double)b[c] : 0.0) - mu * (double)scale); \
        for (int64_t n = 0; n < N; n++) { \
            const T *r = x + (n * C + c) * L; \
            T *o = y + (n * C + c) * L; \
            for (int64_t l = 0; l < L; l++) o[l] = r[l] * scale + shift; \
        } \
    } \
}
BN_FWD(float)
BN_FWD(double)

#define BN_BWD(T) \
static void bn_bwd_##T(const BNJob *J, int64_t c0, int64_t c1) \
{ \
    const T *x = J->x, *w = J->w, *g = J->g, *mean = J->mean, *invstd = J->invstd; \
    int64_t N = J->N, C = J->C, L = J->L; \
    double M = (double)(N * L); \
    for (int64_t c = c0; c < c1; c++) { \
        double mu = mean[c], is = invstd[c], sg = 0, sgx = 0; \
        for (int64_t n = 0; n < N; n++) { \
            sg += sum_##T(g + (n * C + c) * L, L); \
            sgx += dotdev_##T(g + (n * C + c) * L, x + (n * C + c) * L, L, mu); \
        } \
        sgx *= is; \
        if (J->gw) ((T *)J->gw)[c] = (T)sgx; \
        if (J->gb) ((T *)J->gb)[c] = (T)sg; \
        if (!J->gx) continue; \
        double k = (w ? (double)w[c] : 1.0) * is; \
        T a = (T)k, mg = (T)(sg / M), mgx = (T)(sgx / M), mu_t = (T)mu, is_t = (T)is; \
        for (int64_t n = 0; n < N; n++) { \
            const T *r = x + (n * C + c) * L, *gr = g + (n * C + c) * L; \
            T *o = (T *)J->gx + (n * C + c) * L; \
            for (int64_t l = 0; l < L; l++) o[l] = a * (gr[l] - mg - (r[l] - mu_t) * is_t * mgx); \
        } \
    } \
}
BN_BWD(float)
BN_BWD(double)

static void fwd_range(int64_t b, int64_t e, void *arg)
{
    BNJob *J = arg;
    if (J->dt == DT_FLOAT32) bn_fwd_float(J, b, e);
    else bn_fwd_double(J, b, e);
}

static void bwd_range(int64_t b, int64_t e, void *arg)
{
    BNJob *J = arg;
    if (J->dt == DT_FLOAT32) bn_bwd_float(J, b, e);
    else bn_bwd_double(J, b, e);
}

/* (N, C, ...) as (N, C, L) dims. */
static void ncl(const Tensor *x, int64_t *N, int64_t *C, int64_t *L)
{
    *N = x->shape[0];
    *C = x->shape[1];
    *L = 1;
    for (int d = 2; d < x->ndim; d++)
        *L *= x->shape[d];
}

static void *ptr_or_null(const Tensor *t) { return t ? t_ptr(t) : NULL; }

void cpu_batch_norm(BatchNormArgs *a)
{
    BNJob J = { .dt = a->x->dtype, .eps = a->eps, .momentum = a->momentum, .x = t_ptr(a->x),
                .w = ptr_or_null(a->w), .b = ptr_or_null(a->b), .y = t_ptr(a->y), .mean = t_ptr(a->mean),
                .invstd = t_ptr(a->invstd), .rmean = ptr_or_null(a->running_mean),
                .rvar = ptr_or_null(a->running_var) };
    ncl(a->x, &J.N, &J.C, &J.L);
    parallel_for(J.C, a->x->numel >= 65536 ? 1 : J.C, fwd_range, &J);
}

void cpu_batch_norm_bwd(BatchNormBwdArgs *a)
{
    BNJob J = { .dt = a->x->dtype, .x = t_ptr(a->x), .w = ptr_or_null(a->w), .g = t_ptr(a->gy),
                .mean = t_ptr(a->mean), .invstd = t_ptr(a->invstd), .gx = ptr_or_null(a->gx),
                .gw = ptr_or_null(a->gw), .gb = ptr_or_null(a->gb) };
    ncl(a->x, &J.N, &J.C, &J.L);
    parallel_for(J.C, a->x->numel >= 65536 ? 1 : J.C, bwd_range, &J);
}
