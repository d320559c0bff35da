/* RMSprop (PyTorch's rule; the update is the backend op rmsprop_step). */
#include "optim_internal.h"
#include "../core/args.h"

Optimizer *optim_rmsprop_(ParamList *params, const RMSpropOptions *opt)
{
    CDL_ARG_NAMED("optim_rmsprop", params, "params");
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
    Optimizer *o = optim_new("RMSprop", params, optim_or(opt->lr, 1e-2), nb, names, 0, dev_rmsprop_step);
    o->h.alpha = optim_or(opt->alpha, 0.99);
    o->h.eps = optim_or(opt->eps, 1e-8);
    o->h.weight_decay = optim_or(opt->weight_decay, 0);
    o->h.momentum = mom;
    o->h.centered = opt->centered;
    o->h.maximize = opt->maximize;
    return o;
}
