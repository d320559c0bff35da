/* Dropout / Dropout2d: a scaled Bernoulli mask (the backend op
 * dropout_mask, then one multiply whose Mul rule carries the gradient);
 * identity in eval mode or with p = 0. */
#include "nn_internal.h"
#include "../device/backend.h"

typedef struct DropImpl { double p; bool channels; } DropImpl;

/* mask of shape (ndim, shape): 0 with probability p, else 1 / (1 - p). */
static Tensor *drop_mask(int ndim, const int64_t *shape, double p, DType dt, Device dev)
{
    Tensor *m = t_new(dt, ndim, shape, dev);
    dev_dropout_mask(&(RandomArgs){ .out = m, .a = p });
    return m;
}

static Tensor *dropout_fwd(Module *m, Tensor *x)
{
    DropImpl *d = m->impl;
    if (!m->training || d->p == 0)
        return x;
    if (!dtype_is_float(x->dtype))
        error_raise(ERR_TYPE, "nn_dropout: needs a floating input, not %s", dtype_name(x->dtype));
    if (d->p >= 1)
        return tensor_mul_scalar(x, 0);
    if (!d->channels)
        return tensor_mul(x, drop_mask(x->ndim, x->shape, d->p, x->dtype, x->device));
    if (x->ndim < 2)
        error_raise(ERR_SHAPE, "nn_dropout2d: expects (N, C, H, W) or (C, H, W), got shape %s", tensor_shape_str(x));
    int64_t s[TENSOR_MAX_DIMS];
    int cdim = x->ndim == 3 ? 0 : 1;  /* (C, H, W): whole channels too */
    for (int k = 0; k < x->ndim; k++)
        s[k] = k <= cdim ? x->shape[k] : 1;
    return tensor_mul(x, drop_mask(x->ndim, s, d->p, x->dtype, x->device));
}

static Module *make(double p, bool channels, const char *type)
{
    if (p < 0 || p > 1)
        error_raise(ERR_VALUE, "nn_%s: dropout probability has to be between 0 and 1, but got %g",
                    channels ? "dropout2d" : "dropout", p);
    DropImpl *d = cdl_alloc(sizeof *d);
    d->p = p;
    d->channels = channels;
    return nn_layer_new(type, dropout_fwd, d, nn_strf("p=%g", p));
}

Module *nn_dropout(double p) { return make(p, false, "Dropout"); }
Module *nn_dropout2d(double p) { return make(p, true, "Dropout2d"); }
