/* BatchNorm1d/2d and LayerNorm, composed of differentiable tensor ops
 * (so any order works). BatchNorm keeps running statistics as buffers:
 * training normalises with the batch's biased variance and updates the
 * running mean / unbiased variance with momentum; eval uses the running
 * ones. */
#include "nn_internal.h"

typedef struct NormImpl {
    double eps, momentum;
    bool affine, track;
    int64_t features;
    int spatial;        /* BatchNorm: 1 for 1d, 2 for 2d; LayerNorm: number of normalised dims */
} NormImpl;

static Tensor *channel_view(Tensor *t, int ndim)
{
    int64_t s[TENSOR_MAX_DIMS];
    for (int d = 0; d < ndim; d++)
        s[d] = d == 1 ? t->numel : 1;
    return tensor_reshape_shape(t, ndim, s);
}

static Tensor *batch_norm_fwd(Module *m, Tensor *x)
{
    NormImpl *c = m->impl;
    const char *fn = c->spatial == 2 ? "nn_batch_norm2d" : "nn_batch_norm1d";
    bool ok = c->spatial == 2 ? x->ndim == 4 : (x->ndim == 2 || x->ndim == 3);
    if (!ok || x->shape[1] != c->features)
        error_raise(ERR_SHAPE, "%s: expects input of shape %s with %lld channels in dim 1, got %s", fn,
                    c->spatial == 2 ? "(N, C, H, W)" : "(N, C) or (N, C, L)", (long long)c->features,
                    tensor_shape_str(x));
    int dims[TENSOR_MAX_DIMS], nd = 0;
    for (int d = 0; d < x->ndim; d++)
        if (d != 1) dims[nd++] = d;
    int64_t count = x->numel / c->features;
    Tensor *mean, *var;
    bool use_batch = m->training || !c->track;
    if (use_batch) {
        if (m->training && count <= 1)
            error_raise(ERR_VALUE, "%s: expected more than 1 value per channel when training, got input of "
                        "shape %s (use a batch of 2 or more, or nn_eval(model))", fn, tensor_shape_str(x));
        if (x->device == DEVICE_CPU && dtype_is_float(x->dtype)) {
            /* fused kernel: one node, one pass for the stats, one for y */
            Tensor *bm, *bv;
            Tensor *y = nn_f_batch_norm_train(x, c->affine ? m->params.tensors[0] : NULL,
                                              c->affine ? m->params.tensors[1] : NULL, c->eps, &bm, &bv);
            if (m->training && c->track) {
                Tensor *rm = m->buffers.tensors[0], *rv = m->buffers.tensors[1], *nb = m->buffers.tensors[2];
                no_grad_enter();
                double mom = c->momentum;
                tensor_mul_scalar_(rm, 1 - mom);
                tensor_add_scaled_(rm, bm, mom);
                tensor_mul_scalar_(rv, 1 - mom);
                tensor_add_scaled_(rv, bv, mom * (double)count / (double)(count > 1 ? count - 1 : 1));
                tensor_add_scalar_(nb, 1);
                no_grad_exit();
            }
            return y;
        }
        mean = tensor_mean_dims(x, nd, dims, true);
        var = tensor_var_dims(x, nd, dims, 0, true);
        if (m->training && c->track) {
            Tensor *rm = m->buffers.tensors[0], *rv = m->buffers.tensors[1], *nb = m->buffers.tensors[2];
            no_grad_enter();
            Tensor *bm = tensor_reshape(tensor_detach(mean), -1), *bv = tensor_reshape(tensor_detach(var), -1);
            double mom = c->momentum;
            tensor_mul_scalar_(rm, 1 - mom);
            tensor_add_scaled_(rm, bm, mom);
            tensor_mul_scalar_(rv, 1 - mom);
            tensor_add_scaled_(rv, bv, mom * (double)count / (double)(count > 1 ? count - 1 : 1));
            tensor_add_scalar_(nb, 1);
            no_grad_exit();
        }
    } else {
        mean = channel_view(m->buffers.tensors[0], x->ndim);
        var = channel_view(m->buffers.tensors[1], x->ndim);
        if (mean->dtype != x->dtype) {
            mean = tensor_to_dtype(mean, x->dtype);
            var = tensor_to_dtype(var, x->dtype);
        }
    }
    Tensor *y = tensor_div(tensor_sub(x, mean), tensor_sqrt(tensor_add_scalar(var, c->eps)));
    if (c->affine)
        y = tensor_add(tensor_mul(y, channel_view(m->params.tensors[0], x->ndim)),
                       channel_view(m->params.tensors[1], x->ndim));
    return y;
}

static NormImpl *impl_of(const NormOptions *o, int64_t f, int spatial)
{
    static const NormOptions none;
    if (!o) o = &none;
    NormImpl *c = cdl_alloc(sizeof *c);
    c->eps = nn_or(o->eps, 1e-5);
    c->momentum = o->momentum == 0 ? 0.1 : o->momentum < 1e-200 ? 0 : o->momentum;
    c->affine = !o->no_affine;
    c->track = !o->no_track_running_stats;
    c->features = f;
    c->spatial = spatial;
    return c;
}

static Module *batch_norm(int64_t f, const NormOptions *o, int spatial)
{
    if (f <= 0)
        error_raise(ERR_VALUE, "nn_batch_norm%dd: num_features must be positive, got %lld", spatial, (long long)f);
    NormImpl *c = impl_of(o, f, spatial);
    Module *m = nn_layer_new(spatial == 2 ? "BatchNorm2d" : "BatchNorm1d", batch_norm_fwd, c,
                             nn_strf("%lld, eps=%g, momentum=%g, affine=%s, track_running_stats=%s", (long long)f,
                                     c->eps, c->momentum, c->affine ? "True" : "False", c->track ? "True" : "False"));
    if (c->affine) {
        nn_register_parameter(m, "weight", tensor_ones(f));
        nn_register_parameter(m, "bias", tensor_zeros(f));
    }
    if (c->track) {
        nn_register_buffer(m, "running_mean", tensor_zeros(f));
        nn_register_buffer(m, "running_var", tensor_ones(f));
        nn_register_buffer(m, "num_batches_tracked", tensor_zeros_dtype(DT_INT64));
    }
    return m;
}

Module *nn_batch_norm1d_(int64_t f, const NormOptions *o) { return batch_norm(f, o, 1); }
Module *nn_batch_norm2d_(int64_t f, const NormOptions *o) { return batch_norm(f, o, 2); }

typedef struct LNImpl { NormImpl c; int ndim; int64_t shape[TENSOR_MAX_DIMS]; } LNImpl;

static Tensor *layer_norm_fwd(Module *m, Tensor *x)
{
    LNImpl *L = m->impl;
    int k = L->ndim;
    bool ok = x->ndim >= k && !memcmp(x->shape + x->ndim - k, L->shape, sizeof(int64_t) * k);
    if (!ok)
        error_raise(ERR_SHAPE, "nn_layer_norm: the last dims of the input (shape %s) must be %s",
                    tensor_shape_str(x), t_shape_str(k, L->shape));
    int dims[TENSOR_MAX_DIMS];
    for (int i = 0; i < k; i++)
        dims[i] = x->ndim - k + i;
    Tensor *mean = tensor_mean_dims(x, k, dims, true);
    Tensor *var = tensor_var_dims(x, k, dims, 0, true);
    Tensor *y = tensor_div(tensor_sub(x, mean), tensor_sqrt(tensor_add_scalar(var, L->c.eps)));
    if (L->c.affine)
        y = tensor_add(tensor_mul(y, m->params.tensors[0]), m->params.tensors[1]);
    return y;
}

Module *nn_layer_norm_shape(int ndim, const int64_t *shape, const NormOptions *o)
{
    if (ndim < 1 || ndim > TENSOR_MAX_DIMS)
        error_raise(ERR_VALUE, "nn_layer_norm: needs 1 to %d normalised dims, got %d", TENSOR_MAX_DIMS, ndim);
    for (int i = 0; i < ndim; i++)
        if (shape[i] <= 0)
            error_raise(ERR_VALUE, "nn_layer_norm: sizes must be positive, got %s", t_shape_str(ndim, shape));
    LNImpl *L = cdl_alloc(sizeof *L);
    L->c = *impl_of(o, 0, ndim);
    L->ndim = ndim;
    memcpy(L->shape, shape, sizeof(int64_t) * ndim);
    Module *m = nn_layer_new("LayerNorm", layer_norm_fwd, L,
                             nn_strf("%s, eps=%g, elementwise_affine=%s", t_shape_str(ndim, shape), L->c.eps,
                                     L->c.affine ? "True" : "False"));
    if (L->c.affine) {
        nn_register_parameter(m, "weight", tensor_ones_shape(ndim, shape));
        nn_register_parameter(m, "bias", tensor_zeros_shape(ndim, shape));
    }
    return m;
}
