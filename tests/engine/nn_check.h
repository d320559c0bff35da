/* Shared by the nn tests: gradcheck of a layer with respect to its input
 * and its parameters. */
#ifndef NN_CHECK_H
#define NN_CHECK_H

#include "check.h"

/* gradcheck of a leaf layer: inputs[0] is x, inputs[1..] its parameters
 * (re-registered under their names so the perturbed copies are used). */
typedef struct LayerCtx { Module *m; ParamList *names; } LayerCtx;
static Tensor *layer_fn(Tensor **in, void *c)
{
    LayerCtx *L = c;
    for (int k = 0; k < L->names->n; k++)
        nn_register_parameter(L->m, L->names->names[k], in[1 + k]);
    return nn_forward(L->m, in[0]);
}
static bool check_layer(Module *m, Tensor *x, int order)
{
    nn_to_dtype(m, DT_FLOAT64);
    LayerCtx L = { m, nn_named_parameters(m) };
    Tensor *in[16];
    in[0] = x;
    for (int k = 0; k < L.names->n; k++)
        in[1 + k] = L.names->tensors[k];
    return autograd_gradcheck(layer_fn, &L, 1 + L.names->n, in, .order = order);
}

#endif
