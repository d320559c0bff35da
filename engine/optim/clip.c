/* Gradient clipping (torch.nn.utils.clip_grad_norm_ / clip_grad_value_),
 * in place on the gradients, without autograd. */
#include "../tensor/internal.h"
#include "../core/args.h"

#include <math.h>

double nn_clip_grad_norm(ParamList *ps, double max_norm, double norm_type)
{
    CDL_ARG_NAMED("nn_clip_grad_norm", ps, "params");
    if (!ps)
        error_raise(ERR_VALUE, "nn_clip_grad_norm: params is NULL; pass nn_parameters(model)");
    if (!(max_norm >= 0))
        error_raise(ERR_VALUE, "nn_clip_grad_norm: max_norm = %g; it must be >= 0 (a negative one would "
                    "flip the gradients)", max_norm);
    double p = norm_type == 0 ? 2 : norm_type;
    double total = 0;
    no_grad_enter();
    for (int i = 0; i < ps->n; i++) {
        Tensor *g = ps->tensors[i]->grad;
        if (!g)
            continue;
        double n = tensor_item(tensor_norm(g, isinf(p) ? INFINITY : p));
        total = isinf(p) ? fmax(total, n) : total + pow(n, p);
    }
    if (!isinf(p))
        total = pow(total, 1 / p);
    double coef = max_norm / (total + 1e-6);
    if (coef < 1)
        for (int i = 0; i < ps->n; i++) {
            Tensor *t = ps->tensors[i];
            if (t->grad) {
                t->grad = t_contig(t->grad);
                tensor_mul_scalar_(t->grad, coef);
            }
        }
    no_grad_exit();
    return total;
}

void nn_clip_grad_value(ParamList *ps, double clip)
{
    CDL_ARG_NAMED("nn_clip_grad_value", ps, "params");
    if (!ps)
        error_raise(ERR_VALUE, "nn_clip_grad_value: params is NULL; pass nn_parameters(model)");
    if (clip < 0)
        error_raise(ERR_VALUE, "nn_clip_grad_value: clip_value must be >= 0, got %g", clip);
    no_grad_enter();
    for (int i = 0; i < ps->n; i++) {
        Tensor *t = ps->tensors[i];
        if (t->grad) {
            t->grad = t_contig(t->grad);
            tensor_clamp_(t->grad, -clip, clip);
        }
    }
    no_grad_exit();
}
