/* Flatten and Unflatten (views when possible, differentiable). */
#include "nn_internal.h"

typedef struct FlatImpl { int start, end; int ndim; int64_t sizes[TENSOR_MAX_DIMS]; } FlatImpl;

static Tensor *flatten_fwd(Module *m, Tensor *x)
{
    FlatImpl *f = m->impl;
    return tensor_flatten(x, f->start, f->end);
}

Module *nn_flatten_dims(int start_dim, int end_dim)
{
    FlatImpl *f = cdl_alloc(sizeof *f);
    f->start = start_dim;
    f->end = end_dim;
    return nn_layer_new("Flatten", flatten_fwd, f, nn_strf("start_dim=%d, end_dim=%d", start_dim, end_dim));
}

Module *nn_flatten(void) { return nn_flatten_dims(1, -1); }

static Tensor *unflatten_fwd(Module *m, Tensor *x)
{
    FlatImpl *f = m->impl;
    int d = t_wrap_dim(f->start, x->ndim, "nn_unflatten");
    if (x->ndim - 1 + f->ndim > TENSOR_MAX_DIMS)
        error_raise(ERR_SHAPE, "nn_unflatten: the result would have more than %d dims", TENSOR_MAX_DIMS);
    int64_t s[TENSOR_MAX_DIMS];
    int k = 0;
    for (int i = 0; i < d; i++) s[k++] = x->shape[i];
    int64_t prod = 1;
    for (int i = 0; i < f->ndim; i++) { s[k++] = f->sizes[i]; prod *= f->sizes[i]; }
    for (int i = d + 1; i < x->ndim; i++) s[k++] = x->shape[i];
    if (prod != x->shape[d] && !(prod < 0))
        error_raise(ERR_SHAPE, "nn_unflatten: dim %d of the input (shape %s) has size %lld, which the sizes %s "
                    "do not multiply to", d, tensor_shape_str(x), (long long)x->shape[d],
                    t_shape_str(f->ndim, f->sizes));
    return tensor_reshape_shape(x, k, s);
}

Module *nn_unflatten_shape(int dim, int ndim, const int64_t *sizes)
{
    if (ndim < 1 || ndim > TENSOR_MAX_DIMS)
        error_raise(ERR_VALUE, "nn_unflatten: give 1 to %d sizes, got %d", TENSOR_MAX_DIMS, ndim);
    FlatImpl *f = cdl_alloc(sizeof *f);
    f->start = dim;
    f->ndim = ndim;
    memcpy(f->sizes, sizes, sizeof(int64_t) * ndim);
    return nn_layer_new("Unflatten", unflatten_fwd, f, nn_strf("dim=%d, unflattened_size=%s", dim,
                                                              t_shape_str(ndim, sizes)));
}
