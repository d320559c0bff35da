/* Adam and AdamW (PyTorch's single-tensor rule, one fused loop):
 * g += wd p (Adam) or p *= 1 - lr wd (AdamW); m = b1 m + (1-b1) g;
 * v = b2 v + (1-b2) g^2; vmax = max(vmax, v) (amsgrad);
 * p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps).
 * Branch-free inner loops (wd = 0 for AdamW, decay = 1 for Adam). */
/* Vectorise the update loops: O3, and sqrt without errno (never negative here). */
#pragma GCC optimize("O3", "no-math-errno")
#include "optim_internal.h"

#include <math.h>
#include <immintrin.h>

/* GCC does not vectorise sqrtf without -fno-math-errno (not settable per
 * function): the float loop is written with AVX intrinsics, chosen at run
 * time; the tail and other CPUs take the scalar loop. */
typedef struct AdamK AdamK;
__attribute__((target("avx2,fma"))) static int64_t adam_float_avx(int64_t n, float *restrict p, float *restrict m,
                                                                float *restrict v, const float *restrict g,
                                                                const AdamK *k);

typedef struct AdamK { double b1, b2, eps, wd, step_size, bc2_sqrt, decay, sign; } AdamK;

#define ADAM_LOOPS(T, SQRT) \
OPTIM_VEC static void adam_##T(int64_t n, T *restrict p, T *restrict m, T *restrict v, const T *restrict g, \
                               const AdamK *k) \
{ \
    const T b1 = (T)k->b1, b2 = (T)k->b2, eps = (T)k->eps, wd = (T)k->wd, ss = (T)k->step_size; \
    const T ibc2 = (T)(1 / k->bc2_sqrt), decay = (T)k->decay, sign = (T)k->sign; \
    for (int64_t i = 0; i < n; i++) { \
        T gi = sign * g[i] + wd * p[i]; \
        T mi = m[i] + (gi - m[i]) * (1 - b1); \
        T vi = b2 * v[i] + (1 - b2) * gi * gi; \
        m[i] = mi; \
        v[i] = vi; \
        p[i] = p[i] * decay - ss * mi / (SQRT(vi) * ibc2 + eps); \
    } \
} \
OPTIM_VEC static void adam_ams_##T(int64_t n, T *restrict p, T *restrict m, T *restrict v, T *restrict vmax, \
                                   const T *restrict g, const AdamK *k) \
{ \
    const T b1 = (T)k->b1, b2 = (T)k->b2, eps = (T)k->eps, wd = (T)k->wd, ss = (T)k->step_size; \
    const T ibc2 = (T)(1 / k->bc2_sqrt), decay = (T)k->decay, sign = (T)k->sign; \
    for (int64_t i = 0; i < n; i++) { \
        T gi = sign * g[i] + wd * p[i]; \
        T mi = m[i] + (gi - m[i]) * (1 - b1); \
        T vi = b2 * v[i] + (1 - b2) * gi * gi; \
        m[i] = mi; \
        v[i] = vi; \
        T mx = vmax[i] > vi ? vmax[i] : vi; \
        vmax[i] = mx; \
        p[i] = p[i] * decay - ss * mi / (SQRT(mx) * ibc2 + eps); \
    } \
}
ADAM_LOOPS(float, sqrtf)
ADAM_LOOPS(double, sqrt)

__attribute__((target("avx2,fma"))) static int64_t adam_float_avx(int64_t n, float *restrict p, float *restrict m,
                                                                float *restrict v, const float *restrict g,
                                                                const AdamK *k)
{
    const __m256 b1 = _mm256_set1_ps((float)(1 - k->b1)), b2 = _mm256_set1_ps((float)k->b2);
    const __m256 b2c = _mm256_set1_ps((float)(1 - k->b2)), eps = _mm256_set1_ps((float)k->eps);
    const __m256 wd = _mm256_set1_ps((float)k->wd), ss = _mm256_set1_ps((float)k->step_size);
    const __m256 ibc2 = _mm256_set1_ps((float)(1 / k->bc2_sqrt)), decay = _mm256_set1_ps((float)k->decay);
    const __m256 sign = _mm256_set1_ps((float)k->sign);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        __m256 pi = _mm256_loadu_ps(p + i), mi = _mm256_loadu_ps(m + i), vi = _mm256_loadu_ps(v + i);
        __m256 gi = _mm256_add_ps(_mm256_mul_ps(sign, _mm256_loadu_ps(g + i)), _mm256_mul_ps(wd, pi));
        mi = _mm256_add_ps(mi, _mm256_mul_ps(_mm256_sub_ps(gi, mi), b1));
        vi = _mm256_add_ps(_mm256_mul_ps(b2, vi), _mm256_mul_ps(_mm256_mul_ps(b2c, gi), gi));
        _mm256_storeu_ps(m + i, mi);
        _mm256_storeu_ps(v + i, vi);
        __m256 den = _mm256_add_ps(_mm256_mul_ps(_mm256_sqrt_ps(vi), ibc2), eps);
        pi = _mm256_sub_ps(_mm256_mul_ps(pi, decay), _mm256_div_ps(_mm256_mul_ps(ss, mi), den));
        _mm256_storeu_ps(p + i, pi);
    }
    return i;
}

static void adam_update(Optimizer *o, DType dt, int64_t n, void *P, const void *G, void **bufs, double step)
{
    double lr = optim_lr(o);
    AdamK k = { o->beta1, o->beta2, o->eps, o->decoupled ? 0 : o->weight_decay, lr / (1 - pow(o->beta1, step)),
                sqrt(1 - pow(o->beta2, step)), o->decoupled ? 1 - lr * o->weight_decay : 1,
                o->maximize ? -1 : 1 };
    if (dt == DT_FLOAT32) {
        if (o->amsgrad) adam_ams_float(n, P, bufs[0], bufs[1], bufs[2], G, &k);
        else {
            int64_t done = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")
                ? adam_float_avx(n, P, bufs[0], bufs[1], G, &k) : 0;
            adam_float(n - done, (float *)P + done, (float *)bufs[0] + done, (float *)bufs[1] + done,
                       (const float *)G + done, &k);
        }
    } else {
        if (o->amsgrad) adam_ams_double(n, P, bufs[0], bufs[1], bufs[2], G, &k);
        else adam_double(n, P, bufs[0], bufs[1], G, &k);
    }
}

static Optimizer *make(ParamList *params, const AdamOptions *opt, bool decoupled)
{
    static const AdamOptions none;
    if (!opt) opt = &none;
    const char *fn = decoupled ? "optim_adamw" : "optim_adam";
    double b1 = optim_or(opt->beta1, 0.9), b2 = optim_or(opt->beta2, 0.999);
    if (b1 < 0 || b1 >= 1 || b2 < 0 || b2 >= 1)
        error_raise(ERR_VALUE, "%s: betas must be in [0, 1), got beta1 = %g, beta2 = %g", fn, b1, b2);
    if (opt->eps < 0 || opt->weight_decay < 0)
        error_raise(ERR_VALUE, "%s: eps (%g) and weight_decay (%g) must be >= 0", fn, opt->eps, opt->weight_decay);
    static const char *const names[] = { "exp_avg", "exp_avg_sq", "max_exp_avg_sq" };
    Optimizer *o = optim_new(decoupled ? "AdamW" : "Adam", params, optim_or(opt->lr, 1e-3),
                             opt->amsgrad ? 3 : 2, names, 0, adam_update);
    o->beta1 = b1;
    o->beta2 = b2;
    o->eps = optim_or(opt->eps, 1e-8);
    o->weight_decay = optim_or(opt->weight_decay, decoupled ? 1e-2 : 0);
    o->amsgrad = opt->amsgrad;
    o->maximize = opt->maximize;
    o->decoupled = decoupled;
    return o;
}

Optimizer *optim_adam_(ParamList *params, const AdamOptions *opt) { return make(params, opt, false); }
Optimizer *optim_adamw_(ParamList *params, const AdamOptions *opt) { return make(params, opt, true); }
