/* SGD with momentum, dampening, Nesterov, weight decay (PyTorch's rule):
 * g += wd p; b = g (first step) or momentum b + (1 - dampening) g;
 * g = nesterov ? g + momentum b : b; p -= lr g. One fused loop. */
/* Vectorise the update loops: O3, and sqrt without errno (never negative here). */
#pragma GCC optimize("O3", "no-math-errno")
#include "optim_internal.h"

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

static void sgd_update(Optimizer *o, DType dt, int64_t n, void *P, const void *G, void **bufs, double step)
{
    SgdK k = { optim_lr(o), o->weight_decay, o->momentum, 1 - o->dampening, o->maximize ? -1 : 1, step == 1,
               o->momentum != 0, o->nesterov };
    if (dt == DT_FLOAT32) {
        if (k.mom) sgd_mom_float(n, P, bufs[0], G, &k);
        else sgd_plain_float(n, P, G, &k);
    } else {
        if (k.mom) sgd_mom_double(n, P, bufs[0], G, &k);
        else sgd_plain_double(n, P, G, &k);
    }
}

Optimizer *optim_sgd_(ParamList *params, const SGDOptions *opt)
{
    static const SGDOptions none;
    if (!opt) opt = &none;
    if (opt->momentum < 0 || opt->weight_decay < 0)
        error_raise(ERR_VALUE, "optim_sgd: momentum (%g) and weight_decay (%g) must be >= 0",
                    opt->momentum, opt->weight_decay);
    double mom = optim_or(opt->momentum, 0), damp = optim_or(opt->dampening, 0);
    if (opt->nesterov && (mom <= 0 || damp != 0))
        error_raise(ERR_VALUE, "optim_sgd: Nesterov momentum requires a momentum > 0 and zero dampening "
                    "(got momentum %g, dampening %g)", mom, damp);
    static const char *const names[] = { "momentum_buffer" };
    Optimizer *o = optim_new("SGD", params, optim_or(opt->lr, 1e-3), mom != 0 ? 1 : 0, names, 0, sgd_update);
    o->momentum = mom;
    o->dampening = damp;
    o->weight_decay = optim_or(opt->weight_decay, 0);
    o->nesterov = opt->nesterov;
    o->maximize = opt->maximize;
    return o;
}
