/* BatchNorm1d/2d and LayerNorm. BatchNorm keeps running statistics as
 * buffers: training normalises with the batch's biased variance and updates
 * the running mean / unbiased variance with momentum (one backend op, one
 * node); eval uses the running ones (differentiable tensor ops). The
 * training node's backward is the backend op batch_norm_bwd, or with
 * create_graph the same formula written with differentiable ops:
 *   gx = w invstd (g - mean(g) - xhat mean(g xhat)), gw = sum(g xhat), gb = sum(g). */
#include "nn_internal.h"
#include "../device/backend.h"

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
        if (dtype_is_float(x->dtype)) {
            /* fused op: one node, one pass for the stats (and the running ones), one for y */
            bool track = m->training && c->track;
            Tensor *y = nn_f_batch_norm_train(x, c->affine ? m->params.tensors[0] : NULL,
                                              c->affine ? m->params.tensors[1] : NULL, c->eps, c->momentum,
                                              track ? m->buffers.tensors[0] : NULL,
                                              track ? m->buffers.tensors[1] : NULL);
            if (track) {
                no_grad_enter();
                tensor_add_scalar_(m->buffers.tensors[2], 1);
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

/* ---- the fused training batch norm ---- */

typedef struct BatchNormParams { double eps; } BatchNormParams;

/* x viewed (1, C, 1...) for broadcasting a per-channel tensor. */
static Tensor *chan(Tensor *t, int ndim)
{
    int64_t s[TENSOR_MAX_DIMS];
    for (int d = 0; d < ndim; d++)
        s[d] = d == 1 ? t->numel : 1;
    return tensor_reshape_shape(t, ndim, s);
}

/* Saved: x, mean, invstd (and w when affine). */
static void bn_bw(Node *n, Tensor *gr, Tensor **gi, const bool *need)
{
    Tensor *x = n->saved[0], *mean = n->saved[1], *invstd = n->saved[2];
    Tensor *w = n->n_saved > 3 ? n->saved[3] : NULL;
    bool affine = n->n_inputs > 1;
    int64_t C = x->shape[1];
    if (!ag_on()) {
        BatchNormBwdArgs a = { .x = x, .w = w, .gy = t_contig(gr), .mean = mean, .invstd = invstd };
        a.gx = need[0] ? t_new(x->dtype, x->ndim, x->shape, x->device) : NULL;
        a.gw = affine && need[1] ? t_new(x->dtype, 1, (int64_t[]){ C }, x->device) : NULL;
        a.gb = affine && need[2] ? t_new(x->dtype, 1, (int64_t[]){ C }, x->device) : NULL;
        dev_batch_norm_bwd(&a);
        gi[0] = a.gx;
        if (affine) { gi[1] = a.gw; gi[2] = a.gb; }
        return;
    }
    /* Differentiable form: recompute the statistics from x itself. */
    Tensor *xin = n->inputs[0];
    int dims[TENSOR_MAX_DIMS], nd = 0;
    for (int d = 0; d < x->ndim; d++)
        if (d != 1) dims[nd++] = d;
    Tensor *mu = tensor_mean_dims(xin, nd, dims, true);
    double eps = AG_PARAMS(n, BatchNormParams)->eps;
    Tensor *is = tensor_reciprocal(tensor_sqrt(tensor_add_scalar(tensor_var_dims(xin, nd, dims, 0, true), eps)));
    Tensor *xhat = tensor_mul(tensor_sub(xin, mu), is);
    Tensor *gxhat = affine ? tensor_mul(gr, chan(n->inputs[1], x->ndim)) : gr;
    if (need[0])
        gi[0] = tensor_mul(is, tensor_sub(tensor_sub(gxhat, tensor_mean_dims(gxhat, nd, dims, true)),
                                          tensor_mul(xhat, tensor_mean_dims(tensor_mul(gxhat, xhat), nd, dims, true))));
    if (affine && need[1])
        gi[1] = tensor_sum_dims(tensor_mul(gr, xhat), nd, dims, false);
    if (affine && need[2])
        gi[2] = tensor_sum_dims(gr, nd, dims, false);
}
static const GradRule rule_BatchNorm = { "NativeBatchNormBackward0", bn_bw, sizeof(BatchNormParams) };

/* A running statistic the op can update in place (x's dtype and device,
 * contiguous), else a converted copy written back after. */
static Tensor *running_for(Tensor *r, const Tensor *x)
{
    if (!r || (r->dtype == x->dtype && r->device == x->device && r->contiguous))
        return r;
    return t_contig(t_convert(tensor_to_device(r, x->device), x->dtype));
}

Tensor *nn_f_batch_norm_train(Tensor *x, Tensor *w, Tensor *b, double eps, double momentum, Tensor *running_mean,
                              Tensor *running_var)
{
    int64_t C = x->shape[1];
    Tensor *rm = running_for(running_mean, x), *rv = running_for(running_var, x);
    BatchNormArgs a = { .x = t_contig(x), .w = w ? t_contig(t_convert(w, x->dtype)) : NULL,
                        .b = b ? t_contig(t_convert(b, x->dtype)) : NULL, .eps = eps, .momentum = momentum,
                        .running_mean = rm, .running_var = rv };
    a.y = t_new(x->dtype, x->ndim, x->shape, x->device);
    a.mean = t_new(x->dtype, 1, (int64_t[]){ C }, x->device);
    a.invstd = t_new(x->dtype, 1, (int64_t[]){ C }, x->device);
    if (rm) {
        t_begin_inplace(running_mean, "nn_batch_norm");
        t_begin_inplace(running_var, "nn_batch_norm");
    }
    dev_batch_norm(&a);
    no_grad_enter();
    if (rm && rm != running_mean) tensor_copy_(running_mean, rm);
    if (rv && rv != running_var) tensor_copy_(running_var, rv);
    no_grad_exit();
    if (ag_on() && (x->requires_grad || (w && w->requires_grad) || (b && b->requires_grad))) {
        Node *n = w ? AG_RECORD_P(a.y, rule_BatchNorm, &(BatchNormParams){ eps }, x, w, b)
                    : AG_RECORD_P(a.y, rule_BatchNorm, &(BatchNormParams){ eps }, x);
        ag_save(n, (Tensor *)a.x);
        ag_save(n, a.mean);
        ag_save(n, a.invstd);
        if (a.w) ag_save(n, (Tensor *)a.w);
    }
    return a.y;
}
