/* Lazy sizes, like PyTorch's LazyLinear / Keras's Dense(128): a layer made
 * with in_features 0 registers placeholder parameters (no elements) that
 * get their size, and their initial values, at the first forward. The
 * placeholders are the same Tensor objects afterwards, so an optimizer made
 * before the first forward keeps working. Also Keras's Input layer, which
 * fixes the input shape (so a Sequential starting with one is built at once). */
#include "nn_internal.h"
#include "../core/args.h"

void nn_lazy_adopt(Tensor *placeholder, Tensor *value)
{
    Tensor *v = value;
    if (v->dtype != placeholder->dtype) v = t_convert(v, placeholder->dtype);
    if (v->device != placeholder->device) v = tensor_to_device(v, placeholder->device);
    v = t_contig(v);
    placeholder->storage = v->storage;
    placeholder->offset = v->offset;
    placeholder->ndim = v->ndim;
    memcpy(placeholder->shape, v->shape, sizeof placeholder->shape);
    memcpy(placeholder->strides, v->strides, sizeof placeholder->strides);
    t_refresh(placeholder);
    placeholder->storage->version++;
}

Tensor *nn_lazy_placeholder(int ndim, const int64_t *shape)
{
    return t_new(cdl_default_dtype, ndim, shape, cdl_default_device);
}

static bool any_uninitialized(Module *m, int depth)
{
    if (depth > 64)
        return false;
    for (int i = 0; i < m->params.n; i++)
        if (m->params.tensors[i]->numel == 0)
            return true;
    for (int i = 0; i < m->nc; i++)
        if (any_uninitialized(m->children[i], depth + 1))
            return true;
    return false;
}

bool nn_has_uninitialized_params(Module *m)
{
    CDL_ARG(m);
    return any_uninitialized(m, 0);
}

/* ---- Input ---- */

typedef struct InputImpl { int ndim; int64_t dims[TENSOR_MAX_DIMS]; } InputImpl;

static Tensor *input_fwd(Module *m, Tensor *x)
{
    InputImpl *in = m->impl;
    bool ok = x->ndim == in->ndim + 1;
    for (int d = 0; ok && d < in->ndim; d++)
        ok = in->dims[d] < 0 || x->shape[d + 1] == in->dims[d];
    if (!ok) {
        int64_t per = 1;
        for (int d = 0; d < in->ndim; d++) per *= in->dims[d];
        const char *want = t_shape_str(in->ndim, in->dims);
        error_raise(ERR_SHAPE, "nn_input: the model expects samples of shape %s (a batch: (N, ...)), got a batch of "
                    "shape %s%s", want, tensor_shape_str(x),
                    x->ndim >= 1 && per > 0 && x->numel == x->shape[0] * per
                        ? nn_strf("; reshape it with tensor_reshape(x, -1, ...) to (N, %s) or declare the input "
                                  "shape the data has", want + 1)
                        : "");
    }
    return x;
}

Module *nn_input_shape(int ndim, const int64_t *dims)
{
    if (ndim < 1 || ndim >= TENSOR_MAX_DIMS)
        error_raise(ERR_VALUE, "nn_input: give the shape of one sample (1 to %d sizes), e.g. nn_input(28, 28)",
                    TENSOR_MAX_DIMS - 1);
    InputImpl *in = cdl_alloc(sizeof *in);
    in->ndim = ndim;
    for (int d = 0; d < ndim; d++) {
        if (dims[d] < 1)
            error_raise(ERR_VALUE, "nn_input: size %lld of dim %d must be >= 1", (long long)dims[d], d);
        in->dims[d] = dims[d];
    }
    return nn_layer_new("Input", input_fwd, in, nn_strf("shape=%s", t_shape_str(ndim, dims)));
}

/* The sample shape of the Input first met along the first children, or 0. */
int nn_input_dims(Module *m, const int64_t **dims)
{
    for (int depth = 0; m && depth < 64; depth++) {
        if (m->fwd == input_fwd) {
            InputImpl *in = m->impl;
            *dims = in->dims;
            return in->ndim;
        }
        if (m->nc == 0)
            return 0;
        m = m->children[0];
    }
    return 0;
}

bool nn_is_input(const Module *m) { return m && m->fwd == input_fwd; }

void nn_build_shape(Module *m, int ndim, const int64_t *dims)
{
    CDL_ARG(m);
    if (ndim < 1 || ndim >= TENSOR_MAX_DIMS)
        error_raise(ERR_VALUE, "nn_build: give the shape of one sample (without the batch), e.g. nn_build(model, 1, 28, 28)");
    /* A dry run on zeros, in eval mode and without grad (no dropout draw), modes restored. */
    int64_t shape[TENSOR_MAX_DIMS];
    shape[0] = 2;
    memcpy(shape + 1, dims, sizeof(int64_t) * (size_t)ndim);
    Tensor *x = tensor_zeros_shape(ndim + 1, shape);
    ParamList *p = nn_parameters(m);
    for (int i = 0; i < p->n; i++)
        if (p->tensors[i]->numel) {
            x = tensor_to_device(tensor_to_dtype(x, p->tensors[i]->dtype), p->tensors[i]->device);
            break;
        }
    nn_dry_run(m, x);
}

typedef struct Modes { Module **m; bool *training; int n, cap; } Modes;

static void save_modes(Module *m, Modes *s, int depth)
{
    if (depth > 64)
        return;
    if (s->n == s->cap) {
        int cap = s->cap ? 2 * s->cap : 16;
        Module **mm = cdl_alloc(sizeof(Module *) * (size_t)cap);
        bool *tt = cdl_alloc_atomic(sizeof(bool) * (size_t)cap);
        if (s->n) {
            memcpy(mm, s->m, sizeof(Module *) * (size_t)s->n);
            memcpy(tt, s->training, sizeof(bool) * (size_t)s->n);
        }
        s->m = mm;
        s->training = tt;
        s->cap = cap;
    }
    s->m[s->n] = m;
    s->training[s->n++] = m->training;
    for (int i = 0; i < m->nc; i++)
        save_modes(m->children[i], s, depth + 1);
}

Tensor *nn_dry_run(Module *m, Tensor *x)
{
    Modes s = { 0 };
    save_modes(m, &s, 0);
    nn_eval(m);
    no_grad_enter();
    Tensor *y = nn_forward(m, x);
    no_grad_exit();
    for (int i = 0; i < s.n; i++)
        s.m[i]->training = s.training[i];
    return y;
}
