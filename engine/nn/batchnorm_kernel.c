/* Fused batch normalisation for training: one node per call. Forward and
 * backward are per-channel loops over (N, C, L) (parallel over channels);
 * with create_graph the backward is the same formula written with
 * differentiable ops:
 *   gx = w invstd (g - mean(g) - xhat mean(g xhat)), gw = sum(g xhat), gb = sum(g). */
#pragma GCC optimize("O3")
#include "nn_internal.h"
#include "../parallel/pool.h"

#include <math.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"

typedef struct BNJob {
    DType dt;
    int64_t N, C, L;
    double eps;
    const void *x, *w, *b, *g;
    void *y, *mean, *invstd, *var, *gx, *gw, *gb;
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
        ((double *)J->var)[c] = var; \
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

/* x viewed (1, C, 1...) for broadcasting a per-channel tensor. */
static Tensor *chan(Tensor *t, int ndim)
{
    int64_t s[TENSOR_MAX_DIMS];
    for (int d = 0; d < ndim; d++)
        s[d] = d == 1 ? t->numel : 1;
    return tensor_reshape_shape(t, ndim, s);
}

static void bn_bw(Node *n, Tensor *gr, Tensor **gi, const bool *need)
{
    Tensor *x = n->saved[0], *mean = n->saved[1], *invstd = n->saved[2];
    Tensor *w = n->n_saved > 3 ? n->saved[3] : NULL;
    bool affine = n->n_inputs > 1;
    int64_t N, C, L;
    ncl(x, &N, &C, &L);
    if (!ag_on()) {
        Tensor *gc = t_contig(gr);
        BNJob J = { x->dtype, N, C, L, 0, t_ptr(x), w ? t_ptr(w) : NULL, NULL, t_ptr(gc), NULL, t_ptr(mean),
                    t_ptr(invstd), NULL, NULL, NULL, NULL };
        Tensor *gx = need[0] ? t_new(x->dtype, x->ndim, x->shape, x->device) : NULL;
        Tensor *gw = affine && need[1] ? t_new(x->dtype, 1, (int64_t[]){ C }, x->device) : NULL;
        Tensor *gb = affine && need[2] ? t_new(x->dtype, 1, (int64_t[]){ C }, x->device) : NULL;
        J.gx = gx ? t_ptr(gx) : NULL;
        J.gw = gw ? t_ptr(gw) : NULL;
        J.gb = gb ? t_ptr(gb) : NULL;
        parallel_for(C, x->numel >= 65536 ? 1 : C, bwd_range, &J);
        gi[0] = gx;
        if (affine) { gi[1] = gw; gi[2] = gb; }
        return;
    }
    /* Differentiable form: recompute the statistics from x itself. */
    Tensor *xin = n->inputs[0];
    int dims[TENSOR_MAX_DIMS], nd = 0;
    for (int d = 0; d < x->ndim; d++)
        if (d != 1) dims[nd++] = d;
    Tensor *mu = tensor_mean_dims(xin, nd, dims, true);
    Tensor *is = tensor_reciprocal(tensor_sqrt(tensor_add_scalar(tensor_var_dims(xin, nd, dims, 0, true), n->d[0])));
    Tensor *xhat = tensor_mul(tensor_sub(xin, mu), is);
    Tensor *gxhat = affine ? tensor_mul(gr, chan(n->inputs[1], x->ndim)) : gr;
    if (need[0])
        gi[0] = tensor_mul(is, tensor_sub(tensor_sub(gxhat, tensor_mean_dims(gxhat, nd, dims, true)),
                                          tensor_mul(xhat, tensor_mean_dims(tensor_mul(gxhat, xhat), nd, dims, true))));
    if (affine && need[1])
        gi[1] = tensor_sum_dims(tensor_mul(gr, xhat), nd, dims, false);
    if (affine && need[2])
        gi[2] = tensor_sum_dims(gr, nd, dims, false);
}
static const GradRule rule_BatchNorm = { "NativeBatchNormBackward0", bn_bw };

Tensor *nn_f_batch_norm_train(Tensor *x, Tensor *w, Tensor *b, double eps, Tensor **batch_mean, Tensor **batch_var)
{
    int64_t N, C, L;
    ncl(x, &N, &C, &L);
    Tensor *xc = t_contig(x);
    Tensor *wc = w ? t_contig(t_convert(w, x->dtype)) : NULL, *bc = b ? t_contig(t_convert(b, x->dtype)) : NULL;
    Tensor *y = t_new(x->dtype, x->ndim, x->shape, x->device);
    Tensor *mean = t_new(x->dtype, 1, (int64_t[]){ C }, x->device);
    Tensor *invstd = t_new(x->dtype, 1, (int64_t[]){ C }, x->device);
    Tensor *var = t_new(DT_FLOAT64, 1, (int64_t[]){ C }, x->device);
    BNJob J = { x->dtype, N, C, L, eps, t_ptr(xc), wc ? t_ptr(wc) : NULL, bc ? t_ptr(bc) : NULL, NULL, t_ptr(y),
                t_ptr(mean), t_ptr(invstd), t_ptr(var), NULL, NULL, NULL };
    parallel_for(C, x->numel >= 65536 ? 1 : C, fwd_range, &J);
    if (ag_on() && (x->requires_grad || (w && w->requires_grad) || (b && b->requires_grad))) {
        Node *n = w ? AG_RECORD(y, rule_BatchNorm, x, w, b) : AG_RECORD(y, rule_BatchNorm, x);
        ag_save(n, xc);
        ag_save(n, mean);
        ag_save(n, invstd);
        if (wc) ag_save(n, wc);
        n->d[0] = eps;
    }
    *batch_mean = mean;
    *batch_var = var;
    return y;
}
