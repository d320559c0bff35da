/* RMSprop (PyTorch's rule): g += wd p; v = alpha v + (1-alpha) g^2;
 * centered: ga = alpha ga + (1-alpha) g, avg = sqrt(v - ga^2) + eps, else
 * avg = sqrt(v) + eps; momentum: b = mu b + g / avg, p -= lr b; else
 * p -= lr g / avg. */
/* Vectorise the update loops: O3, and sqrt without errno (never negative here). */
#pragma GCC optimize("O3", "no-math-errno")
#include "optim_internal.h"

#include <math.h>

#define RMS_LOOP(T) do { \
    T *p = P, *v = bufs[0]; const T *g = G; \
    int k = 1; \
    T *b = o->momentum != 0 ? bufs[k++] : NULL; \
    T *ga = o->centered ? bufs[k++] : NULL; \
    const T lr = (T)optim_lr(o), a = (T)o->alpha, eps = (T)o->eps, wd = (T)o->weight_decay, mu = (T)o->momentum; \
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

static void rms_update(Optimizer *o, DType dt, int64_t n, void *P, const void *G, void **bufs, double step)
{
    (void)step;
    if (dt == DT_FLOAT32) RMS_LOOP(float);
    else RMS_LOOP(double);
}

Optimizer *optim_rmsprop_(ParamList *params, const RMSpropOptions *opt)
{
    static const RMSpropOptions none;
    if (!opt) opt = &none;
    if (opt->alpha < 0 || opt->eps < 0 || opt->weight_decay < 0 || opt->momentum < 0)
        error_raise(ERR_VALUE, "optim_rmsprop: alpha, eps, weight_decay and momentum must be >= 0");
    double mom = optim_or(opt->momentum, 0);
    const char *names[3];
    int nb = 0;
    names[nb++] = "square_avg";
    if (mom != 0) names[nb++] = "momentum_buffer";
    if (opt->centered) names[nb++] = "grad_avg";
    Optimizer *o = optim_new("RMSprop", params, optim_or(opt->lr, 1e-2), nb, names, 0, rms_update);
    o->alpha = optim_or(opt->alpha, 0.99);
    o->eps = optim_or(opt->eps, 1e-8);
    o->weight_decay = optim_or(opt->weight_decay, 0);
    o->momentum = mom;
    o->centered = opt->centered;
    o->maximize = opt->maximize;
    return o;
}
