/* Out[n] of an Optimizer, as PyTorch prints one:
 *   Adam (
 *   Parameter Group 0
 *       amsgrad: False
 *       betas: (0.9, 0.999)
 *       ...
 *   ) */
#include <stdio.h>
#include <string.h>

#include "optim_internal.h"
#include "../core/args.h"

static const char *py_bool(bool b) { return b ? "True" : "False"; }

void optim_display_out(Optimizer *o)
{
    CDL_ARG_OPT(o);
    char buf[1024] = "NULL";
    if (o) {
        int k = 0;
        size_t n = sizeof buf;
        const char *name = o->name;
        double lr = optim_get_lr(o);
#define PUT(...) do { if (k >= 0 && (size_t)k < n) k += snprintf(buf + k, n - (size_t)k, __VA_ARGS__); } while (0)
        PUT("%s (\nParameter Group 0\n", name);
        if (!strcmp(name, "Adam") || !strcmp(name, "AdamW")) {
            PUT("    amsgrad: %s\n    betas: (%g, %g)\n    eps: %g\n    lr: %g\n    maximize: %s\n"
                "    weight_decay: %g\n", py_bool(o->h.amsgrad), o->h.beta1, o->h.beta2, o->h.eps, lr, py_bool(o->h.maximize),
                o->h.weight_decay);
        } else if (!strcmp(name, "SGD")) {
            PUT("    dampening: %g\n    lr: %g\n    maximize: %s\n    momentum: %g\n    nesterov: %s\n"
                "    weight_decay: %g\n", o->h.dampening, lr, py_bool(o->h.maximize), o->h.momentum, py_bool(o->h.nesterov),
                o->h.weight_decay);
        } else if (!strcmp(name, "RMSprop")) {
            PUT("    alpha: %g\n    centered: %s\n    eps: %g\n    lr: %g\n    maximize: %s\n    momentum: %g\n"
                "    weight_decay: %g\n", o->h.alpha, py_bool(o->h.centered), o->h.eps, lr, py_bool(o->h.maximize),
                o->h.momentum, o->h.weight_decay);
        } else {
            PUT("    eps: %g\n    lr: %g\n    lr_decay: %g\n    maximize: %s\n    weight_decay: %g\n", o->h.eps, lr,
                o->h.lr_decay, py_bool(o->h.maximize), o->h.weight_decay);
        }
        int64_t values = 0;
        for (int i = 0; i < o->params->n; i++)
            values += tensor_numel(o->params->tensors[i]);
        PUT("    params: %d tensors, %lld values\n    steps: %lld\n)", o->params->n, (long long)values,
            (long long)o->step_calls);
#undef PUT
    }
    DisplayItem item = { "text/plain", buf, strlen(buf) };
    display_result(&item, 1);
}
