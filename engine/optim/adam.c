/* Adam and AdamW (PyTorch's single-tensor rule; the update is the backend
 * op adam_step). */
#include "optim_internal.h"
#include "../core/args.h"

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
                             opt->amsgrad ? 3 : 2, names, 0, dev_adam_step);
    o->h.beta1 = b1;
    o->h.beta2 = b2;
    o->h.eps = optim_or(opt->eps, 1e-8);
    o->h.weight_decay = optim_or(opt->weight_decay, decoupled ? 1e-2 : 0);
    o->h.amsgrad = opt->amsgrad;
    o->h.maximize = opt->maximize;
    o->h.decoupled = decoupled;
    return o;
}

Optimizer *optim_adam_(ParamList *params, const AdamOptions *opt) { CDL_ARG_NAMED("optim_adam", params, "params"); return make(params, opt, false); }
Optimizer *optim_adamw_(ParamList *params, const AdamOptions *opt) { CDL_ARG_NAMED("optim_adamw", params, "params"); return make(params, opt, true); }
