/* The CPU backend's optimizer steps (PyTorch's single-tensor rules), one
 * fused loop per parameter:
 *   SGD: g += wd p; b = g (first step) or momentum b + (1 - dampening) g;
 *        g = nesterov ? g + momentum b : b; p -= lr g.
 *   Adam / AdamW: g += wd p (Adam) or p *= 1 - lr wd (AdamW); m = b1 m + (1-b1) g;
 *        v = b2 v + (1-b2) g^2; vmax = max(vmax, v) (amsgrad);
 *        p -= lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps).
 *   RMSprop: g += wd p; v = alpha v + (1-alpha) g^2; centered: ga = alpha ga + (1-alpha) g,
 *        avg = sqrt(v - ga^2) + eps, else avg = sqrt(v) + eps; momentum: b = mu b + g / avg,
 *        p -= lr b; else p -= lr g / avg.
 *   Adagrad: g += wd p; clr = lr / (1 + (t - 1) lr_decay); s += g^2; p -= clr g / (sqrt(s) + eps).
 * Branch-free inner loops so that they vectorize. */
/* O3, and sqrt without errno (never negative here), so that they vectorize. */
#pragma GCC optimize("O3", "no-math-errno")
#include "cpu.h"

#include <math.h>
#include <immintrin.h>

/* The update loops: AVX2 clone where the CPU has it. */
#define OPTIM_VEC __attribute__((target_clones(CDL_VEC_TARGET, "default")))

/* Updates n elements of parameter P (float or double per dtype) from G with
 * the parameter's state buffers and its step count. */
typedef void (*UpdateFn)(const OptimHyper *o, DType dtype, int64_t n, void *P, const void *G, void **bufs,
                         double step);

/* ---- SGD ---- */

typedef struct SgdK { double lr, wd, mu, damp, sign; bool first, mom, nest; } SgdK;

/* Three branch-free loops (plain, momentum's first step, momentum), with
 * restrict pointers so that they vectorise. */
#define SGD_LOOPS(T) \
OPTIM_VEC static void sgd_plain_##T(int64_t n, T *restrict p, const T *restrict g, const SgdK *k) \
{ \
    const T lr = (T)k->lr, wd = (T)k->wd, sign = (T)k->sign; \
    for (int64_t i = 0; i < n; i++) p[i] -= lr * (sign * g[i] + wd * p[i]); \
} \
OPTIM_VEC static void sgd_mom_##T(int64_t n, T *restrict p, T *restrict b, const T *restrict g, const SgdK *k) \
{ \
    const T lr = (T)k->lr, wd = (T)k->wd, sign = (T)k->sign, mu = (T)k->mu, damp = (T)k->damp; \
    const T keep = k->first ? 0 : mu, take = k->first ? 1 : damp, nest = k->nest ? mu : 0, use_b = k->nest ? 0 : 1; \
    for (int64_t i = 0; i < n; i++) { \
        T gi = sign * g[i] + wd * p[i]; \
        T bi = keep * b[i] + take * gi; \
        b[i] = bi; \
        p[i] -= lr * ((1 - use_b) * (gi + nest * bi) + use_b * bi); \
    } \
}
SGD_LOOPS(float)
SGD_LOOPS(double)

static void sgd_update(const OptimHyper *o, DType dt, int64_t n, void *P, const void *G, void **bufs, double step)
{
    SgdK k = { o->lr, o->weight_decay, o->momentum, 1 - o->dampening, o->maximize ? -1 : 1, step == 1,
               o->momentum != 0, o->nesterov };
    if (dt == DT_FLOAT32) {
        if (k.mom) sgd_mom_float(n, P, bufs[0], G, &k);
        else sgd_plain_float(n, P, G, &k);
    } else {
        if (k.mom) sgd_mom_double(n, P, bufs[0], G, &k);
        else sgd_plain_double(n, P, G, &k);
    }
}

/* ---- Adam / AdamW ---- */

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

static void adam_update(const OptimHyper *o, DType dt, int64_t n, void *P, const void *G, void **bufs, double step)
{
    double lr = o->lr;
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

/* ---- RMSprop ---- */

#define RMS_LOOP(T) do { \
    T *p = P, *v = bufs[0]; const T *g = G; \
    int k = 1; \
    T *b = o->momentum != 0 ? bufs[k++] : NULL; \
    T *ga = o->centered ? bufs[k++] : NULL; \
    const T lr = (T)o->lr, a = (T)o->alpha, eps = (T)o->eps, wd = (T)o->weight_decay, mu = (T)o->momentum; \
    const T sign = o->maximize ? -1 : 1; \
    for (int64_t i = 0; i < n; i++) { \
        T gi = sign * g[i] + wd * p[i]; \
        T vi = a * v[i] + (1 - a) * gi * gi; \
        v[i] = vi; \
        T avg; \
        if (ga) { T m = ga[i] + (gi - ga[i]) * (1 - a); ga[i] = m; avg = sqrt(vi - m * m) + eps; } \
        else avg = sqrt(vi) + eps; \
        if (b) { b[i] = mu * b[i] + gi / avg; p[i] -= lr * b[i]; } \
        else p[i] -= lr * gi / avg; \
    } \
} while (0)

static void rms_update(const OptimHyper *o, DType dt, int64_t n, void *P, const void *G, void **bufs, double step)
{
    (void)step;
    if (dt == DT_FLOAT32) RMS_LOOP(float);
    else RMS_LOOP(double);
}

/* ---- Adagrad ---- */

#define ADAGRAD_LOOP(T) do { \
    T *p = P, *s = bufs[0]; const T *g = G; \
    const T clr = (T)(o->lr / (1 + (step - 1) * o->lr_decay)); \
    const T eps = (T)o->eps, wd = (T)o->weight_decay, sign = o->maximize ? -1 : 1; \
    for (int64_t i = 0; i < n; i++) { \
        T gi = sign * g[i] + wd * p[i]; \
        T si = s[i] + gi * gi; \
        s[i] = si; \
        p[i] -= clr * gi / (sqrt(si) + eps); \
    } \
} while (0)

static void adagrad_update(const OptimHyper *o, DType dt, int64_t n, void *P, const void *G, void **bufs, double step)
{
    if (dt == DT_FLOAT32) ADAGRAD_LOOP(float);
    else ADAGRAD_LOOP(double);
}

/* ---- the entries: every parameter of the list in turn ---- */

static void step_all(OptimArgs *a, UpdateFn update)
{
    void *bufs[4];
    for (int i = 0; i < a->n; i++) {
        Tensor *p = a->params[i];
        for (int k = 0; k < a->nstate; k++)
            bufs[k] = t_ptr(a->state[i * a->nstate + k]);
        update(&a->h, p->dtype, p->numel, t_ptr(p), t_ptr(a->grads[i]), bufs, a->steps[i]);
    }
}

void cpu_sgd_step(OptimArgs *a) { step_all(a, sgd_update); }
void cpu_adam_step(OptimArgs *a) { step_all(a, adam_update); }
void cpu_rmsprop_step(OptimArgs *a) { step_all(a, rms_update); }
void cpu_adagrad_step(OptimArgs *a) { step_all(a, adagrad_update); }
