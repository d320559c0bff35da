/* Linear: y = x W^T + b as one backend op (the CPU: one gemm with the bias
 * fused), one graph node. The backward is written with differentiable
 * matmuls, so second derivatives (PINN) work. */
#include "nn_internal.h"
#include "../device/backend.h"

#include <math.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"

typedef struct LinearImpl { int64_t in, out; bool bias; } LinearImpl;

static void linear_bw(Node *n, Tensor *g, Tensor **gi, const bool *need)
{
    Tensor *x = n->saved[0], *w = n->saved[1];
    int64_t K = w->shape[1], N = w->shape[0];
    Tensor *g2 = tensor_reshape(g, -1, N);
    if (need[0])
        gi[0] = tensor_reshape_shape(tensor_matmul(g2, w), x->ndim, x->shape);
    if (need[1])
        gi[1] = tensor_matmul(tensor_t(g2), tensor_reshape(x, -1, K));
    if (n->n_inputs > 2 && need[2])
        gi[2] = tensor_sum_dim(g2, 0, false);
}
static const GradRule rule_Linear = { "AddmmBackward0", linear_bw, 0 };

Tensor *nn_f_linear(Tensor *x, Tensor *w, Tensor *b)
{
    const char *fn = "nn_linear";
    if (x->ndim < 1 || x->shape[x->ndim - 1] != w->shape[1])
        error_raise(ERR_SHAPE, "%s: input of shape %s has %lld features but the layer expects %lld (in_features); "
                    "check the previous layer's output size%s", fn, tensor_shape_str(x),
                    x->ndim ? (long long)x->shape[x->ndim - 1] : 0LL, (long long)w->shape[1],
                    x->ndim >= 3 ? " (flatten images first with nn_flatten())" : "");
    t_same_device(x, w, fn);
    if (b) t_same_device(x, b, fn);
    bool fast = dtype_is_float(x->dtype) && x->dtype == w->dtype && (!b || b->dtype == w->dtype) &&
                w->contiguous && (!b || b->contiguous);
    if (!fast) {
        if (x->dtype != w->dtype && dtype_is_float(w->dtype))
            error_raise(ERR_TYPE, "%s: the input is %s but the weights are %s; convert the input "
                        "(tensor_to_dtype) or the model (nn_to_dtype)", fn, dtype_name(x->dtype), dtype_name(w->dtype));
        Tensor *y = tensor_matmul(x, tensor_t(w));
        return b ? tensor_add(y, b) : y;
    }
    int64_t N = w->shape[0];
    int64_t shape[TENSOR_MAX_DIMS];
    memcpy(shape, x->shape, sizeof(int64_t) * x->ndim);
    shape[x->ndim - 1] = N;
    Tensor *y = t_new(x->dtype, x->ndim, shape, x->device);
    dev_linear(&(LinearArgs){ .y = y, .x = t_contig(x), .w = w, .b = b });
    if (ag_on() && (x->requires_grad || w->requires_grad || (b && b->requires_grad))) {
        Node *nd = b ? AG_RECORD(y, rule_Linear, x, w, b) : AG_RECORD(y, rule_Linear, x, w);
        ag_save(nd, x);
        ag_save(nd, w);
    }
    return y;
}

static const char *linear_extra(const LinearImpl *impl)
{
    return nn_strf("in_features=%lld, out_features=%lld, bias=%s", (long long)impl->in, (long long)impl->out,
                   impl->bias ? "True" : "False");
}

/* A lazy layer's first forward: its in_features, then PyTorch's init. */
static void linear_materialize(Module *m, Tensor *x)
{
    LinearImpl *impl = m->impl;
    if (x->ndim < 1 || x->shape[x->ndim - 1] < 1)
        error_raise(ERR_SHAPE, "nn_linear: cannot take the input size from an input of shape %s", tensor_shape_str(x));
    impl->in = x->shape[x->ndim - 1];
    double bound = 1.0 / sqrt((double)impl->in);
    nn_lazy_adopt(m->params.tensors[0], nn_param_uniform(2, (int64_t[]){ impl->out, impl->in }, bound));
    if (impl->bias)
        nn_lazy_adopt(m->params.tensors[1], nn_param_uniform(1, (int64_t[]){ impl->out }, bound));
    m->extra = linear_extra(impl);
}

static Tensor *linear_fwd(Module *m, Tensor *x)
{
    if (((LinearImpl *)m->impl)->in == 0)
        linear_materialize(m, x);
    return nn_f_linear(x, m->params.tensors[0], m->params.n > 1 ? m->params.tensors[1] : NULL);
}

Tensor *nn_param_uniform(int ndim, const int64_t *shape, double bound)
{
    Tensor *t = tensor_empty_shape(ndim, shape);
    nn_init_fill_uniform(t, -bound, bound, NULL);
    return t;
}

Module *nn_linear_(int64_t in, int64_t out, const LinearOptions *o)
{
    static const LinearOptions none;
    if (!o) o = &none;
    if (in < 0 || out <= 0)
        error_raise(ERR_VALUE, "nn_linear: in_features (%lld) must be >= 0 (0: taken from the first input) and "
                    "out_features (%lld) positive", (long long)in, (long long)out);
    LinearImpl *impl = cdl_alloc(sizeof *impl);
    impl->in = in;
    impl->out = out;
    impl->bias = !o->no_bias;
    Module *m = nn_layer_new("Linear", linear_fwd, impl, linear_extra(impl));
    if (in == 0) {  /* lazy: sized and initialised at the first forward */
        nn_register_parameter(m, "weight", nn_lazy_placeholder(2, (int64_t[]){ out, 0 }));
        if (impl->bias)
            nn_register_parameter(m, "bias", nn_lazy_placeholder(1, (int64_t[]){ 0 }));
        return m;
    }
    /* PyTorch: kaiming_uniform(a = sqrt(5)) = U(+-1/sqrt(fan_in)); bias the same bound. */
    double bound = 1.0 / sqrt((double)in);
    nn_register_parameter(m, "weight", nn_param_uniform(2, (int64_t[]){ out, in }, bound));
    if (!o->no_bias)
        nn_register_parameter(m, "bias", nn_param_uniform(1, (int64_t[]){ out }, bound));
    return m;
}
