/* The CPU backend's softmax family: log-softmax / softmax over the middle
 * axis of a (k1, r, k2) view and their backward, and the fused
 * cross-entropy (log-softmax + nll in one pass per row) with its backward. */
#include "cpu.h"

#include <math.h>

/* One fused pass per row: ls = x - max - log(sum(exp(x - max))); softmax
 * is exp(ls). A row whose max is not finite is shifted by 0 (all -inf
 * gives nan, like PyTorch). */
#define SM_FWD(NAME, T, EXP, LOG, log_out) \
static void NAME(const T *x, T *o, int64_t k1, int64_t r, int64_t k2) \
{ \
    for (int64_t i = 0; i < k1; i++) \
        for (int64_t j = 0; j < k2; j++) { \
            const T *xr = x + i * r * k2 + j; \
            T *orow = o + i * r * k2 + j; \
            T m = -INFINITY; \
            for (int64_t q = 0; q < r; q++) m = xr[q * k2] > m ? xr[q * k2] : m; \
            if (!isfinite(m)) m = 0; \
            double s = 0; \
            for (int64_t q = 0; q < r; q++) s += EXP(xr[q * k2] - m); \
            T sh = m + (T)LOG(s); \
            if (log_out) for (int64_t q = 0; q < r; q++) orow[q * k2] = xr[q * k2] - sh; \
            else for (int64_t q = 0; q < r; q++) orow[q * k2] = EXP(xr[q * k2] - sh); \
        } \
}
SM_FWD(lsm_fwd_f32, float, expf, log, true)
SM_FWD(lsm_fwd_f64, double, exp, log, true)
SM_FWD(sm_fwd_f32, float, expf, log, false)
SM_FWD(sm_fwd_f64, double, exp, log, false)

/* log: gi = g - exp(y) * sum(g); softmax: gi = y * (g - sum(g * y)).
 * -O2: rows are short (a few classes) and -O3's unrolling costs more than it
 * saves (callgrind, the moons MLP). */
#define SM_BWD(NAME, T, EXP, log_out) \
__attribute__((optimize("O2"))) static void NAME(const T *g, const T *y, T *o, int64_t k1, int64_t r, int64_t k2) \
{ \
    for (int64_t i = 0; i < k1; i++) \
        for (int64_t j = 0; j < k2; j++) { \
            int64_t base = i * r * k2 + j; \
            double s = 0; \
            if (log_out) { \
                for (int64_t q = 0; q < r; q++) s += g[base + q * k2]; \
                for (int64_t q = 0; q < r; q++) \
                    o[base + q * k2] = g[base + q * k2] - EXP(y[base + q * k2]) * (T)s; \
            } else { \
                for (int64_t q = 0; q < r; q++) s += (double)g[base + q * k2] * y[base + q * k2]; \
                for (int64_t q = 0; q < r; q++) \
                    o[base + q * k2] = y[base + q * k2] * (g[base + q * k2] - (T)s); \
            } \
        } \
}
SM_BWD(lsm_bwd_f32, float, expf, true)
SM_BWD(lsm_bwd_f64, double, exp, true)
SM_BWD(sm_bwd_f32, float, expf, false)
SM_BWD(sm_bwd_f64, double, exp, false)

void cpu_softmax(SoftmaxArgs *a)
{
    if (a->x->dtype == DT_FLOAT32)
        a->log ? lsm_fwd_f32(t_ptr(a->x), t_ptr(a->out), a->k1, a->r, a->k2)
               : sm_fwd_f32(t_ptr(a->x), t_ptr(a->out), a->k1, a->r, a->k2);
    else
        a->log ? lsm_fwd_f64(t_ptr(a->x), t_ptr(a->out), a->k1, a->r, a->k2)
               : sm_fwd_f64(t_ptr(a->x), t_ptr(a->out), a->k1, a->r, a->k2);
}

void cpu_softmax_bwd(SoftmaxBwdArgs *a)
{
    if (a->y->dtype == DT_FLOAT32)
        a->log ? lsm_bwd_f32(t_ptr(a->g), t_ptr(a->y), t_ptr(a->gx), a->k1, a->r, a->k2)
               : sm_bwd_f32(t_ptr(a->g), t_ptr(a->y), t_ptr(a->gx), a->k1, a->r, a->k2);
    else
        a->log ? lsm_bwd_f64(t_ptr(a->g), t_ptr(a->y), t_ptr(a->gx), a->k1, a->r, a->k2)
               : sm_bwd_f64(t_ptr(a->g), t_ptr(a->y), t_ptr(a->gx), a->k1, a->r, a->k2);
}

/* ---- cross-entropy ---- */

/* Coefficients a_ic (loss_i = -sum_c a_ic log p_ic) of one row, as doubles. */
#define CE_COEF(T) \
static void coef_##T(const CrossEntropyParams *c, const void *tgt, const T *w, int64_t i, double *a) \
{ \
    int64_t C = c->C; \
    double eps = c->smoothing; \
    if (c->index) { \
        int64_t y = ((const int64_t *)tgt)[i]; \
        if (c->use_ignore && y == c->ignore) { for (int64_t k = 0; k < C; k++) a[k] = 0; return; } \
        for (int64_t k = 0; k < C; k++) a[k] = eps / C * (w ? (double)w[k] : 1.0); \
        a[y] += (1 - eps) * (w ? (double)w[y] : 1.0); \
    } else { \
        const T *q = (const T *)tgt + i * C; \
        for (int64_t k = 0; k < C; k++) \
            a[k] = ((1 - eps) * (double)q[k] + eps / C) * (w ? (double)w[k] : 1.0); \
    } \
}
CE_COEF(float)
CE_COEF(double)

/* Forward: per-row loss l (M), row log-sum-exp lse (M); returns the mean's divisor. */
#define CE_FWD(T) \
static double ce_fwd_##T(const CrossEntropyParams *c, const T *x, const void *tgt, const T *w, T *l, T *lse, \
                         double *a) \
{ \
    double div = 0; \
    for (int64_t i = 0; i < c->M; i++) { \
        const T *r = x + i * c->C; \
        double mx = -INFINITY, s = 0; \
        for (int64_t k = 0; k < c->C; k++) if (r[k] > mx) mx = r[k]; \
        for (int64_t k = 0; k < c->C; k++) s += exp((double)r[k] - mx); \
        double z = mx + log(s); \
        lse[i] = (T)z; \
        coef_##T(c, tgt, w, i, a); \
        double li = 0; \
        for (int64_t k = 0; k < c->C; k++) if (a[k] != 0) li += a[k] * (z - (double)r[k]); \
        l[i] = (T)li; \
        if (c->index) { \
            int64_t y = ((const int64_t *)tgt)[i]; \
            if (!(c->use_ignore && y == c->ignore)) div += w ? (double)w[y] : 1.0; \
        } else div += 1; \
    } \
    return div; \
}
CE_FWD(float)
CE_FWD(double)

/* Backward: gx_ic = s_i ((sum_k a_ik) p_ic - a_ic). */
#define CE_BWD(T) \
static void ce_bwd_##T(const CrossEntropyParams *c, const T *x, const void *tgt, const T *w, const T *lse, \
                       const T *s, bool s_scalar, T *gx, double *a) \
{ \
    for (int64_t i = 0; i < c->M; i++) { \
        const T *r = x + i * c->C; \
        T *o = gx + i * c->C; \
        double si = s_scalar ? (double)s[0] : (double)s[i]; \
        coef_##T(c, tgt, w, i, a); \
        double sa = 0; \
        for (int64_t k = 0; k < c->C; k++) sa += a[k]; \
        for (int64_t k = 0; k < c->C; k++) \
            o[k] = (T)(si * (sa * exp((double)r[k] - (double)lse[i]) - a[k])); \
    } \
}
CE_BWD(float)
CE_BWD(double)

void cpu_cross_entropy(CrossEntropyArgs *ca)
{
    const CrossEntropyParams *c = &ca->p;
    const Tensor *x = ca->x;
    bool none = c->reduction == REDUCTION_NONE;
    Tensor *l = none ? ca->out : t_new(x->dtype, 1, (int64_t[]){ c->M }, x->device);
    double *a = cdl_alloc_atomic(sizeof(double) * (size_t)(c->C ? c->C : 1));
    const void *w = ca->weight ? t_ptr(ca->weight) : NULL;
    double div = x->dtype == DT_FLOAT32
        ? ce_fwd_float(c, t_ptr(x), t_ptr(ca->target), w, t_ptr(l), t_ptr(ca->lse), a)
        : ce_fwd_double(c, t_ptr(x), t_ptr(ca->target), w, t_ptr(l), t_ptr(ca->lse), a);
    *(double *)t_ptr(ca->div) = div;
    if (none)
        return;
    double s = 0;
    for (int64_t i = 0; i < c->M; i++)
        s += x->dtype == DT_FLOAT32 ? ((float *)t_ptr(l))[i] : ((double *)t_ptr(l))[i];
    if (c->reduction == REDUCTION_MEAN)
        s = div > 0 ? s / div : NAN;
    if (x->dtype == DT_FLOAT32) *(float *)t_ptr(ca->out) = (float)s;
    else *(double *)t_ptr(ca->out) = s;
}

void cpu_cross_entropy_bwd(CrossEntropyBwdArgs *ca)
{
    const CrossEntropyParams *c = &ca->p;
    const Tensor *x = ca->x;
    double div = *(const double *)t_ptr(ca->div);
    bool scalar = c->reduction != REDUCTION_NONE;
    double *a = cdl_alloc_atomic(sizeof(double) * (size_t)(c->C ? c->C : 1));
    const void *w = ca->weight ? t_ptr(ca->weight) : NULL;
    if (x->dtype == DT_FLOAT32) {
        /* s: the gradient of the loss by l_i: g / div (mean), g (sum), g_i (none) */
        float s0 = scalar ? *(const float *)t_ptr(ca->g) : 0;
        if (c->reduction == REDUCTION_MEAN)
            s0 = s0 * (float)(1.0 / div);
        ce_bwd_float(c, t_ptr(x), t_ptr(ca->target), w, t_ptr(ca->lse), scalar ? &s0 : t_ptr(ca->g), scalar,
                     t_ptr(ca->gx), a);
    } else {
        double s0 = scalar ? *(const double *)t_ptr(ca->g) : 0;
        if (c->reduction == REDUCTION_MEAN)
            s0 = s0 * (1.0 / div);
        ce_bwd_double(c, t_ptr(x), t_ptr(ca->target), w, t_ptr(ca->lse), scalar ? &s0 : t_ptr(ca->g), scalar,
                      t_ptr(ca->gx), a);
    }
}
