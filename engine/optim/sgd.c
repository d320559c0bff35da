/* SGD with momentum, dampening, Nesterov, weight decay (PyTorch's rule;
 * the update is the backend op sgd_step). */
#include "optim_internal.h"
#include "../core/args.h"

Optimizer *optim_sgd_(ParamList *params, const SGDOptions *opt)
{
    CDL_ARG_NAMED("optim_sgd", params, "params");
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
    Optimizer *o = optim_new("SGD", params, optim_or(opt->lr, 1e-3), mom != 0 ? 1 : 0, names, 0, dev_sgd_step);
    o->h.momentum = mom;
    o->h.dampening = damp;
    o->h.weight_decay = optim_or(opt->weight_decay, 0);
    o->h.nesterov = opt->nesterov;
    o->h.maximize = opt->maximize;
    return o;
}
