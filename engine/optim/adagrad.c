/* Adagrad (PyTorch's rule): g += wd p; clr = lr / (1 + (t - 1) lr_decay);
 * s += g^2; p -= clr g / (sqrt(s) + eps). */
/* Vectorise the update loops: O3, and sqrt without errno (never negative here). */
#pragma GCC optimize("O3", "no-math-errno")
#include "optim_internal.h"

#include <math.h>

#define ADAGRAD_LOOP(T) do { \
    T *p = P, *s = bufs[0]; const T *g = G; \
    const T clr = (T)(optim_lr(o) / (1 + (step - 1) * o->lr_decay)); \
    const T eps = (T)o->eps, wd = (T)o->weight_decay, sign = o->maximize ? -1 : 1; \
    for (int64_t i = 0; i < n; i++) { \
        T gi = sign * g[i] + wd * p[i]; \
        T si = s[i] + gi * gi; \
        s[i] = si; \
        p[i] -= clr * gi / (sqrt(si) + eps); \
    } \
} while (0)

static void adagrad_update(Optimizer *o, DType dt, int64_t n, void *P, const void *G, void **bufs, double step)
{
    if (dt == DT_FLOAT32) ADAGRAD_LOOP(float);
    else ADAGRAD_LOOP(double);
}

Optimizer *optim_adagrad_(ParamList *params, const AdagradOptions *opt)
{
    static const AdagradOptions none;
    if (!opt) opt = &none;
    if (opt->lr_decay < 0 || opt->weight_decay < 0 || opt->initial_accumulator_value < 0 || opt->eps < 0)
        error_raise(ERR_VALUE, "optim_adagrad: lr_decay, weight_decay, initial_accumulator_value and eps must be >= 0");
    static const char *const names[] = { "sum" };
    Optimizer *o = optim_new("Adagrad", params, optim_or(opt->lr, 1e-2), 1, names,
                             optim_or(opt->initial_accumulator_value, 0), adagrad_update);
    o->lr_decay = optim_or(opt->lr_decay, 0);
    o->weight_decay = optim_or(opt->weight_decay, 0);
    o->eps = optim_or(opt->eps, 1e-10);
    o->maximize = opt->maximize;
    return o;
}
