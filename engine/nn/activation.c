/* Activations as modules: thin wrappers over the tensor ops (which carry
 * their own differentiable backward rules), plus PReLU's learnable slope. */
#include "nn_internal.h"

typedef struct ActImpl { double p; int dim; } ActImpl;

static ActImpl *act(double p, int dim)
{
    ActImpl *a = cdl_alloc(sizeof *a);
    a->p = p;
    a->dim = dim;
    return a;
}

static Tensor *relu_fwd(Module *m, Tensor *x) { (void)m; return tensor_relu(x); }
static Tensor *sigmoid_fwd(Module *m, Tensor *x) { (void)m; return tensor_sigmoid(x); }
static Tensor *tanh_fwd(Module *m, Tensor *x) { (void)m; return tensor_tanh(x); }
static Tensor *gelu_fwd(Module *m, Tensor *x) { (void)m; return tensor_gelu(x); }
static Tensor *softplus_fwd(Module *m, Tensor *x) { (void)m; return tensor_softplus(x); }
static Tensor *leaky_fwd(Module *m, Tensor *x) { return tensor_leaky_relu(x, ((ActImpl *)m->impl)->p); }
static Tensor *elu_fwd(Module *m, Tensor *x) { return tensor_elu(x, ((ActImpl *)m->impl)->p); }
static Tensor *softmax_fwd(Module *m, Tensor *x) { return tensor_softmax(x, ((ActImpl *)m->impl)->dim); }
static Tensor *log_softmax_fwd(Module *m, Tensor *x) { return tensor_log_softmax(x, ((ActImpl *)m->impl)->dim); }

Module *nn_relu(void) { return nn_layer_new("ReLU", relu_fwd, NULL, NULL); }
bool nn_is_relu(const Module *m) { return m->fwd == relu_fwd && !m->user_fwd; }
Module *nn_sigmoid(void) { return nn_layer_new("Sigmoid", sigmoid_fwd, NULL, NULL); }
Module *nn_tanh(void) { return nn_layer_new("Tanh", tanh_fwd, NULL, NULL); }
Module *nn_gelu(void) { return nn_layer_new("GELU", gelu_fwd, NULL, NULL); }
Module *nn_softplus(void) { return nn_layer_new("Softplus", softplus_fwd, NULL, NULL); }

Module *nn_leaky_relu(double slope)
{
    slope = nn_or(slope, 0.01);
    return nn_layer_new("LeakyReLU", leaky_fwd, act(slope, 0), nn_strf("negative_slope=%g", slope));
}

Module *nn_elu(double alpha)
{
    alpha = nn_or(alpha, 1.0);
    return nn_layer_new("ELU", elu_fwd, act(alpha, 0), nn_strf("alpha=%g", alpha));
}

Module *nn_softmax(int dim) { return nn_layer_new("Softmax", softmax_fwd, act(0, dim), nn_strf("dim=%d", dim)); }

Module *nn_log_softmax(int dim)
{
    return nn_layer_new("LogSoftmax", log_softmax_fwd, act(0, dim), nn_strf("dim=%d", dim));
}

/* PReLU: max(0, x) + w min(0, x), one slope or one per channel (dim 1). */
static Tensor *prelu_fwd(Module *m, Tensor *x)
{
    Tensor *w = m->params.tensors[0];
    if (w->numel > 1) {
        if (x->ndim < 2 || x->shape[1] != w->numel)
            error_raise(ERR_SHAPE, "nn_prelu: the layer has %lld slopes (one per channel) but the input of shape %s "
                        "has %lld channels in dim 1", (long long)w->numel, tensor_shape_str(x),
                        x->ndim >= 2 ? (long long)x->shape[1] : 0LL);
        int64_t s[TENSOR_MAX_DIMS];
        for (int d = 0; d < x->ndim; d++)
            s[d] = d == 1 ? w->numel : 1;
        w = tensor_reshape_shape(w, x->ndim, s);
    }
    Tensor *neg = tensor_neg(tensor_relu(tensor_neg(x)));  /* min(0, x) */
    return tensor_add(tensor_relu(x), tensor_mul(w, neg));
}

Module *nn_prelu(int64_t num_parameters, double init)
{
    if (num_parameters <= 0) num_parameters = 1;
    init = nn_or(init, 0.25);
    Module *m = nn_layer_new("PReLU", prelu_fwd, NULL, nn_strf("num_parameters=%lld", (long long)num_parameters));
    nn_register_parameter(m, "weight", tensor_full_shape(init, 1, (int64_t[]){ num_parameters }));
    return m;
}
