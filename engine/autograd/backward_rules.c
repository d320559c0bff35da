/* Backward rules: gi[k] = d(loss)/d(input k) from g = d(loss)/d(output).
 * Written with differentiable tensor ops (recorded when the pass creates a
 * graph), so every rule can itself be differentiated. Masks and constants
 * come from unrecorded ops. */
#include "../tensor/internal.h"
#include "../device/backend.h"

#include <math.h>

/* Rules share one signature; many ignore some arguments. */
#pragma GCC diagnostic ignored "-Wunused-parameter"

#define IN(k) (n->inputs[k])
#define SAVED(k) (n->saved[k])
#define RULE(name, pyname) \
    static void name##_bw(Node *n, Tensor *g, Tensor **gi, const bool *need); \
    const GradRule rule_##name = { pyname, name##_bw, 0 }; \
    static void name##_bw(Node *n, Tensor *g, Tensor **gi, const bool *need)
/* A rule whose nodes carry a T: its body sees them as P. */
#define RULE_P(name, pyname, T) \
    static void name##_body(Node *n, const T *P, Tensor *g, Tensor **gi, const bool *need); \
    static void name##_bw(Node *n, Tensor *g, Tensor **gi, const bool *need) \
    { \
        name##_body(n, AG_PARAMS(n, T), g, gi, need); \
    } \
    const GradRule rule_##name = { pyname, name##_bw, sizeof(T) }; \
    static void name##_body(Node *n, const T *P, Tensor *g, Tensor **gi, const bool *need)

/* A constant (unrecorded) float mask/tensor with g's dtype. */
static Tensor *as_g(Tensor *m, const Tensor *g) { return t_convert(m, g->dtype); }
static Tensor *zero_of(const Tensor *g)
{
    Tensor *z = t_new(g->dtype, 0, NULL, g->device);
    tensor_fill_(z, 0);
    return z;
}

RULE(Add, "AddBackward0")
{
    if (need[0]) gi[0] = ag_sum_to(g, IN(0));
    if (need[1]) gi[1] = ag_sum_to(g, IN(1));
}

RULE(Sub, "SubBackward0")
{
    if (need[0]) gi[0] = ag_sum_to(g, IN(0));
    if (need[1]) gi[1] = ag_sum_to(tensor_neg(g), IN(1));
}

RULE(Mul, "MulBackward0")
{
    if (need[0]) gi[0] = ag_sum_to(tensor_mul(g, SAVED(1)), IN(0));
    if (need[1]) gi[1] = ag_sum_to(tensor_mul(g, SAVED(0)), IN(1));
}

RULE(Div, "DivBackward0")
{
    Tensor *a = SAVED(0), *b = SAVED(1);
    if (need[0]) gi[0] = ag_sum_to(tensor_div(g, b), IN(0));
    if (need[1]) gi[1] = ag_sum_to(tensor_neg(tensor_div(tensor_mul(g, a), tensor_mul(b, b))), IN(1));
}

RULE(Pow, "PowBackward1")
{
    Tensor *a = SAVED(0), *b = SAVED(1), *out = SAVED(2);
    if (need[0])
        gi[0] = ag_sum_to(tensor_mul(tensor_mul(g, b), tensor_pow(a, tensor_sub_scalar(b, 1))), IN(0));
    if (need[1]) {
        /* 0 ** b has no log: PyTorch gives 0 there. */
        Tensor *r = tensor_mul(tensor_mul(g, out), tensor_log(a));
        gi[1] = ag_sum_to(tensor_where(tensor_eq_scalar(a, 0), zero_of(g), r), IN(1));
    }
}

static void maxmin_bw(Node *n, Tensor *g, Tensor **gi, const bool *need, bool is_max)
{
    Tensor *a = SAVED(0), *b = SAVED(1);
    /* Ties split the gradient in half, like PyTorch. */
    Tensor *wa = t_unary(U_ADD_S, as_g(is_max ? tensor_gt(a, b) : tensor_lt(a, b), g), 0, 0, "autograd");
    Tensor *half = t_unary(U_MUL_S, as_g(tensor_eq(a, b), g), 0.5, 0, "autograd");
    if (need[0]) gi[0] = ag_sum_to(tensor_mul(g, tensor_add(wa, half)), IN(0));
    if (need[1]) {
        Tensor *wb = as_g(is_max ? tensor_lt(a, b) : tensor_gt(a, b), g);
        gi[1] = ag_sum_to(tensor_mul(g, tensor_add(wb, half)), IN(1));
    }
}
RULE(Maximum, "MaximumBackward0") { maxmin_bw(n, g, gi, need, true); }
RULE(Minimum, "MinimumBackward0") { maxmin_bw(n, g, gi, need, false); }

RULE_P(AddScalar, "AddBackward0", ScalarParams) { (void)need; gi[0] = g; }
RULE_P(MulScalar, "MulBackward0", ScalarParams) { (void)need; gi[0] = tensor_mul_scalar(g, P->p0); }
RULE_P(RsubScalar, "RsubBackward1", ScalarParams) { (void)need; gi[0] = tensor_neg(g); }
RULE_P(RdivScalar, "ReciprocalBackward0", ScalarParams)
{
    (void)need;
    Tensor *x = SAVED(0);
    gi[0] = tensor_mul_scalar(tensor_div(g, tensor_mul(x, x)), -P->p0);
}
RULE_P(PowScalar, "PowBackward0", ScalarParams)
{
    (void)need;
    double p = P->p0;
    Tensor *x = SAVED(0);
    if (p == 0)
        gi[0] = tensor_mul_scalar(g, 0);
    else if (p == 1)
        gi[0] = g;
    else if (p == 2)
        gi[0] = tensor_mul(g, tensor_mul_scalar(x, 2));
    else
        gi[0] = tensor_mul(g, tensor_mul_scalar(tensor_pow_scalar(x, p - 1), p));
}
RULE_P(RpowScalar, "PowBackward1", ScalarParams) { (void)need; gi[0] = tensor_mul(g, tensor_mul_scalar(SAVED(0), log(P->p0))); }

RULE_P(Neg, "NegBackward0", ScalarParams) { (void)need; gi[0] = tensor_neg(g); }
RULE_P(Abs, "AbsBackward0", ScalarParams) { (void)need; gi[0] = tensor_mul(g, t_unary(U_SIGN, SAVED(0), 0, 0, "autograd")); }
RULE_P(Exp, "ExpBackward0", ScalarParams) { (void)need; gi[0] = tensor_mul(g, SAVED(0)); }
RULE_P(Log, "LogBackward0", ScalarParams) { (void)need; gi[0] = tensor_div(g, SAVED(0)); }
RULE_P(Log1p, "Log1PBackward0", ScalarParams) { (void)need; gi[0] = tensor_div(g, tensor_add_scalar(SAVED(0), 1)); }
RULE_P(Sqrt, "SqrtBackward0", ScalarParams) { (void)need; gi[0] = tensor_div(g, tensor_mul_scalar(SAVED(0), 2)); }
RULE_P(Sin, "SinBackward0", ScalarParams) { (void)need; gi[0] = tensor_mul(g, tensor_cos(SAVED(0))); }
RULE_P(Cos, "CosBackward0", ScalarParams) { (void)need; gi[0] = tensor_mul(g, tensor_neg(tensor_sin(SAVED(0)))); }
RULE_P(Tanh, "TanhBackward0", ScalarParams)
{
    (void)need;
    Tensor *y = SAVED(0);
    if (!ag_on()) {
        gi[0] = t_binary(B_TANH_BW, g, y, "autograd");  /* no graph wanted: one fused kernel */
        return;
    }
    gi[0] = tensor_mul(g, tensor_rsub_scalar(tensor_mul(y, y), 1));
}
RULE_P(Erf, "ErfBackward0", ScalarParams)
{
    (void)need;
    Tensor *x = SAVED(0);
    gi[0] = tensor_mul(g, tensor_mul_scalar(tensor_exp(tensor_neg(tensor_mul(x, x))), 2 / sqrt(M_PI)));
}
RULE_P(Sigmoid, "SigmoidBackward0", ScalarParams)
{
    (void)need;
    Tensor *y = SAVED(0);
    if (!ag_on()) {
        gi[0] = t_binary(B_SIGMOID_BW, g, y, "autograd");
        return;
    }
    gi[0] = tensor_mul(g, tensor_mul(y, tensor_rsub_scalar(y, 1)));
}
RULE_P(Relu, "ReluBackward0", ScalarParams)
{
    (void)need;
    if (!ag_on()) {
        gi[0] = t_binary(B_RELU_BW, g, SAVED(0), "autograd");
        return;
    }
    gi[0] = tensor_mul(g, t_unary(U_STEP, SAVED(0), 0, 0, "autograd"));
}
RULE_P(LeakyRelu, "LeakyReluBackward0", ScalarParams)
{
    (void)need;
    double s = P->p0;
    Tensor *step = t_unary(U_STEP, SAVED(0), 0, 0, "autograd");
    gi[0] = tensor_mul(g, t_unary(U_ADD_S, t_unary(U_MUL_S, step, 1 - s, 0, "autograd"), s, 0, "autograd"));
}
RULE_P(Elu, "EluBackward0", ScalarParams)
{
    (void)need;
    Tensor *x = SAVED(0), *y = SAVED(1);
    Tensor *one = t_new(g->dtype, 0, NULL, g->device);
    tensor_fill_(one, 1);
    gi[0] = tensor_mul(g, tensor_where(tensor_gt_scalar(x, 0), one, tensor_add_scalar(y, P->p0)));
}
RULE_P(Gelu, "GeluBackward0", ScalarParams)
{
    (void)need;
    Tensor *x = SAVED(0);
    if (!ag_on()) {
        /* No graph wanted: one fused kernel. */
        gi[0] = tensor_mul(g, t_unary(U_GELU_GRAD, x, 0, 0, "autograd"));
        return;
    }
    Tensor *Phi = tensor_add_scalar(tensor_mul_scalar(tensor_erf(tensor_mul_scalar(x, M_SQRT1_2)), 0.5), 0.5);
    Tensor *phi = tensor_mul_scalar(tensor_exp(tensor_mul_scalar(tensor_mul(x, x), -0.5)), 0.3989422804014327);
    gi[0] = tensor_mul(g, tensor_add(Phi, tensor_mul(x, phi)));
}
RULE_P(Softplus, "SoftplusBackward0", ScalarParams) { (void)need; gi[0] = tensor_mul(g, tensor_sigmoid(SAVED(0))); }
RULE_P(Clamp, "ClampBackward1", ScalarParams)
{
    (void)need;
    Tensor *x = SAVED(0);
    Tensor *m = tensor_logical_and(tensor_ge_scalar(x, P->p0), tensor_le_scalar(x, P->p1));
    gi[0] = tensor_mul(g, as_g(m, g));
}
RULE(Where, "WhereBackward0")
{
    Tensor *c = SAVED(0), *z = zero_of(g);
    if (need[0]) gi[0] = ag_sum_to(tensor_where(c, g, z), IN(0));
    if (need[1]) gi[1] = ag_sum_to(tensor_where(c, z, g), IN(1));
}
RULE_P(Zero, "SignBackward0", ScalarParams)
{
    (void)need;
    gi[0] = t_new(g->dtype, IN(0)->ndim, IN(0)->shape, g->device);
    tensor_fill_(gi[0], 0);
}

/* g with the reduced dims put back as size 1 (keepdim shape). */
static Tensor *unreduce(Tensor *g, const Tensor *x, unsigned mask, bool keepdim)
{
    if (keepdim)
        return g;
    int64_t shape[TENSOR_MAX_DIMS];
    for (int d = 0; d < x->ndim; d++)
        shape[d] = (mask & (1u << d)) ? 1 : x->shape[d];
    return tensor_reshape_shape(g, x->ndim, shape);
}

RULE_P(Sum, "SumBackward1", ReduceParams)
{
    (void)need;
    Tensor *x = IN(0);
    gi[0] = tensor_expand_shape(unreduce(g, x, P->mask, P->keepdim), x->ndim, x->shape);
}

RULE_P(MaxMin, "MaxBackward0", ReduceParams)
{
    (void)need;
    Tensor *x = IN(0);
    unsigned mask = P->mask;
    bool keep = P->keepdim;
    Tensor *vals = unreduce(tensor_detach(SAVED(0)), x, mask, keep);
    /* The gradient goes to the extreme elements, shared evenly on ties. */
    Tensor *m = as_g(tensor_eq(tensor_detach(x), vals), g);
    int dims[TENSOR_MAX_DIMS], nd = 0;
    for (int d = 0; d < x->ndim; d++)
        if (mask & (1u << d)) dims[nd++] = d;
    no_grad_enter();
    Tensor *cnt = nd ? tensor_sum_dims(m, nd, dims, true) : m;
    Tensor *w = tensor_div(m, cnt);
    no_grad_exit();
    gi[0] = tensor_mul(unreduce(g, x, mask, keep), w);
}

/* max/min over one dim: the whole gradient goes to the position returned
 * as the index (PyTorch's rule; ties are not split). Saved: the values,
 * then the int64 indices (with or without the kept dim, as the output). */
static void MaxMinDim_bw(Node *n, Tensor *g, Tensor **gi, const bool *need)
{
    (void)need;
    Tensor *x = IN(0);
    const ReduceParams *P = AG_PARAMS(n, ReduceParams);
    unsigned mask = P->mask;
    bool keep = P->keepdim;
    int d = 0;
    while (!(mask & (1u << d)))
        d++;
    Tensor *idx = unreduce(SAVED(1), x, mask, keep);
    Tensor *z = t_new(g->dtype, x->ndim, x->shape, g->device);
    tensor_fill_(z, 0);
    gi[0] = tensor_scatter_add(z, d, idx, unreduce(g, x, mask, keep));
}
const GradRule rule_MaxDim = { "MaxBackward0", MaxMinDim_bw, sizeof(ReduceParams) };
const GradRule rule_MinDim = { "MinBackward0", MaxMinDim_bw, sizeof(ReduceParams) };

RULE(Prod, "ProdBackward0")
{
    (void)need;
    gi[0] = tensor_div(tensor_mul(g, SAVED(1)), SAVED(0));
}

RULE(View, "ViewBackward0") { (void)need; gi[0] = tensor_reshape_shape(g, IN(0)->ndim, IN(0)->shape); }

RULE_P(Permute, "PermuteBackward0", PermuteParams)
{
    (void)need;
    int64_t inv[TENSOR_MAX_DIMS];
    for (int i = 0; i < IN(0)->ndim; i++)
        inv[P->perm[i]] = i;
    gi[0] = tensor_permute_(g, IN(0)->ndim, inv);
}

RULE_P(Slice, "SliceBackward0", SliceParams)
{
    (void)need;
    gi[0] = t_slice_backward(g, IN(0), P->dim, P->start, P->step);
}

RULE_P(SliceBackward, "SliceBackwardBackward0", SliceParams)
{
    (void)need;
    int d = P->dim;
    int64_t len = IN(0)->shape[d], start = P->start, step = P->step;
    gi[0] = tensor_slice(g, d, start, len ? start + (len - 1) * step + 1 : start, step);
}

RULE(Expand, "ExpandBackward0") { (void)need; gi[0] = ag_sum_to(g, IN(0)); }
RULE(Clone, "CloneBackward0") { (void)need; gi[0] = g; }
RULE(ToDtype, "ToCopyBackward0") { (void)need; gi[0] = tensor_to_dtype(g, IN(0)->dtype); }
RULE_P(ToDevice, "ToCopyBackward0", DeviceParams) { (void)need; gi[0] = tensor_to_device(g, P->from); }

RULE_P(Cat, "CatBackward0", DimParams)
{
    int d = P->dim;
    int64_t off = 0;
    for (int k = 0; k < n->n_inputs; k++) {
        int64_t len = IN(k)->shape[d];
        if (need[k])
            gi[k] = tensor_narrow(g, d, off, len);
        off += len;
    }
}

RULE_P(IndexSelect, "IndexSelectBackward0", DimParams)
{
    (void)need;
    Tensor *z = t_new(g->dtype, IN(0)->ndim, IN(0)->shape, g->device);
    tensor_fill_(z, 0);
    gi[0] = tensor_index_add(z, P->dim, SAVED(0), g);
}

RULE_P(IndexAdd, "IndexAddBackward0", DimParams)
{
    if (need[0]) gi[0] = g;
    if (need[1]) gi[1] = tensor_index_select(g, P->dim, SAVED(0));
}

RULE_P(Gather, "GatherBackward0", DimParams)
{
    (void)need;
    Tensor *z = t_new(g->dtype, IN(0)->ndim, IN(0)->shape, g->device);
    tensor_fill_(z, 0);
    gi[0] = tensor_scatter_add(z, P->dim, SAVED(0), g);
}

/* gather(g) has index's shape; pad it with zeros to src's shape. */
static Tensor *pad_to(Tensor *x, const Tensor *like)
{
    for (int d = 0; d < like->ndim; d++) {
        if (x->shape[d] == like->shape[d])
            continue;
        Tensor shape_only = *x;
        shape_only.shape[d] = like->shape[d];
        x = t_slice_backward(x, &shape_only, d, 0, 1);
    }
    return x;
}

RULE_P(Scatter, "ScatterBackward0", DimParams)
{
    if (need[0]) gi[0] = tensor_scatter_value(g, P->dim, SAVED(0), 0);
    if (need[1]) gi[1] = pad_to(tensor_gather(g, P->dim, SAVED(0)), IN(1));
}

RULE_P(ScatterAdd, "ScatterAddBackward0", DimParams)
{
    if (need[0]) gi[0] = g;
    if (need[1]) gi[1] = pad_to(tensor_gather(g, P->dim, SAVED(0)), IN(1));
}

/* x with its last two dims swapped, as a stack temporary. */
static Tensor *mT_tmp(Tensor *tmp, const Tensor *x)
{
    int64_t shape[TENSOR_MAX_DIMS], strides[TENSOR_MAX_DIMS];
    int nd = x->ndim;
    memcpy(shape, x->shape, sizeof(int64_t) * nd);
    memcpy(strides, x->strides, sizeof(int64_t) * nd);
    shape[nd - 2] = x->shape[nd - 1];
    shape[nd - 1] = x->shape[nd - 2];
    strides[nd - 2] = x->strides[nd - 1];
    strides[nd - 1] = x->strides[nd - 2];
    return t_view_tmp(tmp, x, nd, shape, strides, x->offset);
}

RULE(Bmm, "BmmBackward0")
{
    Tensor *a = SAVED(0), *b = SAVED(1);
    if (!ag_on() && a->ndim >= 2 && b->ndim >= 2) {
        /* No graph: transposed operands as stack views (BLAS reads them transposed). */
        Tensor t;
        if (need[0]) gi[0] = tensor_matmul(g, mT_tmp(&t, b));
        if (need[1]) gi[1] = tensor_matmul(mT_tmp(&t, a), g);
        return;
    }
    if (need[0]) gi[0] = tensor_matmul(g, tensor_transpose(b, -1, -2));
    if (need[1]) gi[1] = tensor_matmul(tensor_transpose(a, -1, -2), g);
}

RULE_P(LogSoftmax, "LogSoftmaxBackward0", DimParams)
{
    (void)need;
    gi[0] = t_softmax_backward(g, SAVED(0), P->dim, true);
}

RULE_P(Softmax, "SoftmaxBackward0", DimParams)
{
    (void)need;
    gi[0] = t_softmax_backward(g, SAVED(0), P->dim, false);
}

/* Same rules under PyTorch's names for the op that recorded them (shown
 * as grad_fn=<...> when printing). */
const GradRule rule_SumAll = { "SumBackward0", Sum_bw, sizeof(ReduceParams) };
const GradRule rule_Mean = { "MeanBackward0", MulScalar_bw, sizeof(ScalarParams) };
const GradRule rule_MaxAll = { "MaxBackward1", MaxMin_bw, sizeof(ReduceParams) };
const GradRule rule_MinAll = { "MinBackward1", MaxMin_bw, sizeof(ReduceParams) };
const GradRule rule_Mm = { "MmBackward0", Bmm_bw, 0 };
const GradRule rule_Unsqueeze = { "UnsqueezeBackward0", View_bw, 0 };
const GradRule rule_Squeeze = { "SqueezeBackward0", View_bw, 0 };
const GradRule rule_Transpose = { "TransposeBackward0", Permute_bw, sizeof(PermuteParams) };
