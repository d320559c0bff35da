/* Adagrad (PyTorch's rule; the update is the backend op adagrad_step). */
#include "optim_internal.h"
#include "../core/args.h"

Optimizer *optim_adagrad_(ParamList *params, const AdagradOptions *opt)
{
    CDL_ARG_NAMED("optim_adagrad", params, "params");
    static const AdagradOptions none;
    if (!opt) opt = &none;
    if (opt->lr_decay < 0 || opt->weight_decay < 0 || opt->initial_accumulator_value < 0 || opt->eps < 0)
        error_raise(ERR_VALUE, "optim_adagrad: lr_decay, weight_decay, initial_accumulator_value and eps must be >= 0");
    static const char *const names[] = { "sum" };
    Optimizer *o = optim_new("Adagrad", params, optim_or(opt->lr, 1e-2), 1, names,
                             optim_or(opt->initial_accumulator_value, 0), dev_adagrad_step);
    o->h.lr_decay = optim_or(opt->lr_decay, 0);
    o->h.weight_decay = optim_or(opt->weight_decay, 0);
    o->h.eps = optim_or(opt->eps, 1e-10);
    o->h.maximize = opt->maximize;
    return o;
}
