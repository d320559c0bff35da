/* Conv1d / Conv2d / ConvTranspose2d: one backend op per call (the CPU:
 * im2col + one gemm per group over the whole batch, bias and a following
 * ReLU fused), one graph node. Backward: the backend's conv2d_bwd without a
 * graph; with create_graph, the same products written with differentiable
 * ops (matmul and the unfold/fold ops below, each the other's backward), so
 * any order works. */
#include "nn_internal.h"
#include "../device/backend.h"

#include <math.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"

/* ---- unfold (im2col) and fold (col2im) as recorded ops ---- */
static Tensor *unfold_op(Tensor *x, const ConvGeom *g);
static Tensor *fold_op(Tensor *cols, const ConvGeom *g);

static void unfold_bw(Node *n, Tensor *gr, Tensor **gi, const bool *need)
{
    gi[0] = fold_op(gr, AG_PARAMS(n, ConvGeom));
}
static const GradRule rule_Unfold = { "Im2ColBackward0", unfold_bw, sizeof(ConvGeom) };

static void fold_bw(Node *n, Tensor *gr, Tensor **gi, const bool *need)
{
    gi[0] = unfold_op(gr, AG_PARAMS(n, ConvGeom));
}
static const GradRule rule_Fold = { "Col2ImBackward0", fold_bw, sizeof(ConvGeom) };

static Tensor *unfold_op(Tensor *x, const ConvGeom *g)
{
    Tensor *cols = t_new(x->dtype, 2, (int64_t[]){ g->C * g->kh * g->kw, g->N * g->OH * g->OW }, x->device);
    dev_im2col(&(ColsArgs){ .out = cols, .in = t_contig(x), .g = *g });
    if (ag_needs(x))
        AG_RECORD_P(cols, rule_Unfold, g, x);
    return cols;
}

static Tensor *fold_op(Tensor *cols, const ConvGeom *g)
{
    Tensor *x = t_new(cols->dtype, 4, (int64_t[]){ g->N, g->C, g->H, g->W }, cols->device);
    dev_col2im(&(ColsArgs){ .out = x, .in = t_contig(cols), .g = *g });
    if (ag_needs(cols))
        AG_RECORD_P(x, rule_Fold, g, cols);
    return x;
}

/* (N, O, OH, OW) -> (O, N*L), differentiable. */
static Tensor *to_ot(Tensor *y)
{
    int64_t N = y->shape[0], O = y->shape[1], L = y->shape[2] * y->shape[3];
    return tensor_reshape(tensor_permute(tensor_reshape(y, N, O, L), 1, 0, 2), O, N * L);
}

/* (O, N*L) -> (N, O, OH, OW), differentiable. */
static Tensor *from_ot(Tensor *t, int64_t N, int64_t OH, int64_t OW)
{
    int64_t O = t->shape[0];
    return tensor_contiguous(tensor_permute(tensor_reshape(t, O, N, OH, OW), 1, 0, 2, 3));
}

/* Per-group product of row blocks: sum over groups of op(A_g) op(B_g), stacked. */
static Tensor *group_mm(Tensor *a, bool ta, Tensor *b, bool tb, int groups)
{
    if (groups == 1)
        return tensor_matmul(ta ? tensor_t(a) : a, tb ? tensor_t(b) : b);
    Tensor **parts = cdl_alloc(sizeof(Tensor *) * groups);
    int64_t ra = a->shape[0] / groups, rb = b->shape[0] / groups;
    for (int k = 0; k < groups; k++) {
        Tensor *ak = tensor_narrow(a, 0, k * ra, ra), *bk = tensor_narrow(b, 0, k * rb, rb);
        parts[k] = tensor_matmul(ta ? tensor_t(ak) : ak, tb ? tensor_t(bk) : bk);
    }
    return tensor_cat(parts, groups, 0);
}

static Tensor *sum_nhw(Tensor *g)
{
    return tensor_sum_dims(g, 3, (int[]){ 0, 2, 3 }, false);
}

/* ---- Conv2d ---- */

/* A Conv2d node: its geometry, and where in saved[] the fused ReLU's output
 * and what the forward kept are (-1: none). Saved first: x, w. */
typedef struct ConvParams {
    ConvGeom g;
    int64_t kept_chunk;
    int relu_slot, kept_slot;
} ConvParams;

static void conv_bw(Node *n, Tensor *gr, Tensor **gi, const bool *need)
{
    const ConvParams *P = AG_PARAMS(n, ConvParams);
    const ConvGeom *g = &P->g;
    Tensor *x = n->saved[0], *w = n->saved[1];
    DType dt = x->dtype;
    int64_t CK = g->C * g->kh * g->kw;
    bool has_b = n->n_inputs > 2;
    Tensor *relu_out = P->relu_slot >= 0 ? n->saved[P->relu_slot] : NULL;
    if (!ag_on()) {
        Conv2dBwdArgs a = { .x = x, .w = w, .gy = t_contig(gr), .ymask = relu_out, .g = *g,
                            .kept = P->kept_slot >= 0 ? n->saved[P->kept_slot] : NULL, .kept_chunk = P->kept_chunk };
        a.gx = need[0] ? t_new(dt, 4, x->shape, x->device) : NULL;
        a.gw = need[1] ? t_new(dt, 4, w->shape, w->device) : NULL;
        a.gb = has_b && need[2] ? t_new(dt, 1, (int64_t[]){ g->O }, w->device) : NULL;
        dev_conv2d_bwd(&a);
        gi[0] = a.gx;
        gi[1] = a.gw;
        if (has_b) gi[2] = a.gb;
        return;
    }
    /* Differentiable form (create_graph). */
    if (relu_out)
        gr = tensor_mul(gr, t_unary(U_STEP, relu_out, 0, 0, "autograd"));
    Tensor *gt = to_ot(gr);
    Tensor *w2 = tensor_reshape(n->inputs[1], g->O, CK / g->groups);
    if (has_b && need[2])
        gi[2] = sum_nhw(gr);
    if (need[1])
        gi[1] = tensor_reshape_shape(group_mm(gt, false, unfold_op(n->inputs[0], g), true, g->groups), 4, w->shape);
    if (need[0])
        gi[0] = fold_op(group_mm(w2, true, gt, false, g->groups), g);
}
static const GradRule rule_Conv = { "ConvolutionBackward0", conv_bw, sizeof(ConvParams) };
/* A convolution with its ReLU fused: PyTorch's grad_fn of the result is the ReLU's. */
static const GradRule rule_ConvRelu = { "ReluBackward0", conv_bw, sizeof(ConvParams) };

bool nn_node_is_fused_conv_relu(const Node *n) { return n->rule == &rule_ConvRelu; }

static void check_conv_args(const Tensor *x, const Tensor *w, int groups, const char *fn)
{
    if (x->ndim != 4)
        error_raise(ERR_SHAPE, "%s: expects input (N, C, H, W), got shape %s", fn, tensor_shape_str(x));
    if (groups < 1 || w->shape[0] % groups)
        error_raise(ERR_VALUE, "%s: out_channels (%lld) must be divisible by groups (%d)", fn,
                    (long long)w->shape[0], groups);
    if (x->shape[1] != w->shape[1] * groups)
        error_raise(ERR_SHAPE, "%s: input of shape %s has %lld channels but the layer expects %lld (in_channels); "
                    "check the previous layer's out_channels, or add a channel dim: (N, 1, H, W)", fn,
                    tensor_shape_str(x), (long long)x->shape[1], (long long)(w->shape[1] * groups));
    if (!dtype_is_float(x->dtype) || x->dtype != w->dtype)
        error_raise(ERR_TYPE, "%s: the input is %s but the weights are %s; convert one of them", fn,
                    dtype_name(x->dtype), dtype_name(w->dtype));
    t_same_device(x, w, fn);
}

/* Output size along one dim; ph < 0 means "same" (stride 1). */
static int64_t out_size(int64_t in, int64_t k, int64_t s, int64_t *p_lo, int64_t p, int64_t d, const char *fn,
                        const Tensor *x)
{
    if (p < 0) {
        if (s != 1)
            error_raise(ERR_VALUE, "%s: padding=\"same\" needs stride 1 (got stride %lld)", fn, (long long)s);
        *p_lo = d * (k - 1) / 2;  /* the odd extra goes to the bottom/right, like PyTorch */
        return in;
    }
    *p_lo = p;
    int64_t o = (in + 2 * p - d * (k - 1) - 1) / s + 1;
    if (in + 2 * p - d * (k - 1) - 1 < 0 || o <= 0)
        error_raise(ERR_SHAPE, "%s: the input of shape %s is too small for a kernel of %lld (dilation %lld, padding "
                    "%lld): the output would be empty; use a bigger input, padding, or fewer pooling layers before",
                    fn, tensor_shape_str(x), (long long)k, (long long)d, (long long)p);
    return o;
}

Tensor *nn_f_conv2d(Tensor *x, Tensor *w, Tensor *b, int sh, int sw, int ph, int pw, int dh, int dw, int groups)
{
    return nn_f_conv2d_act(x, w, b, sh, sw, ph, pw, dh, dw, groups, false);
}

Tensor *nn_f_conv2d_act(Tensor *x, Tensor *w, Tensor *b, int sh, int sw, int ph, int pw, int dh, int dw, int groups,
                        bool relu)
{
    const char *fn = "nn_conv2d";
    if (x->ndim == 3)
        return tensor_squeeze_dim(nn_f_conv2d_act(tensor_unsqueeze(x, 0), w, b, sh, sw, ph, pw, dh, dw, groups, relu),
                                  0);
    check_conv_args(x, w, groups, fn);
    if (b)
        t_same_device(x, b, fn);
    ConvGeom g = { 0 };
    g.N = x->shape[0]; g.C = x->shape[1]; g.H = x->shape[2]; g.W = x->shape[3];
    g.O = w->shape[0]; g.kh = w->shape[2]; g.kw = w->shape[3];
    g.sh = sh; g.sw = sw; g.dh = dh; g.dw = dw; g.groups = groups;
    g.OH = out_size(g.H, g.kh, sh, &g.pt, ph, dh, fn, x);
    g.OW = out_size(g.W, g.kw, sw, &g.pl, pw, dw, fn, x);
    DType dt = x->dtype;
    bool record = ag_on() && (x->requires_grad || w->requires_grad || (b && b->requires_grad));
    Conv2dArgs a = { .x = t_contig(x), .w = t_contig(w), .b = b ? t_contig(t_convert(b, dt)) : NULL, .g = g,
                     .relu = relu, .keep = record && w->requires_grad };
    a.y = t_new(dt, 4, (int64_t[]){ g.N, g.O, g.OH, g.OW }, x->device);
    bool fused = !relu || dev_native_conv2d(&a);  /* else the ReLU runs as its own op after */
    a.relu = relu && fused;
    dev_conv2d(&a);
    Tensor *y = a.y;
    if (record) {
        ConvParams P = { g, a.kept_chunk, -1, -1 };
        const GradRule *rule = a.relu ? &rule_ConvRelu : &rule_Conv;
        Node *n = b ? ag_record(y, rule, 3, (Tensor *[]){ x, w, b }, &P, sizeof P)
                    : ag_record(y, rule, 2, (Tensor *[]){ x, w }, &P, sizeof P);
        ag_save(n, (Tensor *)a.x);
        ag_save(n, (Tensor *)a.w);
        ConvParams *np = n->params;  /* the slots, now that they are known */
        if (a.relu) {
            np->relu_slot = n->n_saved;
            ag_save(n, y);
        }
        if (a.kept) {
            np->kept_slot = n->n_saved;
            ag_save(n, a.kept);
        }
    }
    return relu && !fused ? tensor_relu(y) : y;
}

/* ---- ConvTranspose2d: the input-gradient of a conv from y to x ---- */

static void convt_bw(Node *n, Tensor *gr, Tensor **gi, const bool *need)
{
    const ConvGeom *g = AG_PARAMS(n, ConvGeom);  /* the conv maps y (gr's shape) -> x */
    Tensor *x = n->saved[0], *w = n->saved[1];
    DType dt = x->dtype;
    int64_t CK = g->C * g->kh * g->kw;
    bool has_b = n->n_inputs > 2;
    if (has_b && need[2])
        gi[2] = sum_nhw(gr);
    if (!ag_on()) {
        ConvTranspose2dBwdArgs a = { .x = x, .w = w, .gy = t_contig(gr), .g = *g };
        a.gx = need[0] ? t_new(dt, 4, x->shape, x->device) : NULL;
        a.gw = need[1] ? t_new(dt, 4, w->shape, w->device) : NULL;
        if (a.gx || a.gw)
            dev_conv_transpose2d_bwd(&a);
        gi[0] = a.gx;
        gi[1] = a.gw;
        return;
    }
    if (need[0]) {
        Tensor *ot = group_mm(tensor_reshape(n->inputs[1], g->O, CK / g->groups), false, unfold_op(gr, g), false,
                              g->groups);
        gi[0] = from_ot(ot, g->N, g->OH, g->OW);
    }
    if (need[1])
        gi[1] = tensor_reshape_shape(group_mm(to_ot(n->inputs[0]), false, unfold_op(gr, g), true, g->groups),
                                     4, w->shape);
}
static const GradRule rule_ConvT = { "ConvolutionBackward0", convt_bw, sizeof(ConvGeom) };

Tensor *nn_f_conv_transpose2d(Tensor *x, Tensor *w, Tensor *b, int sh, int sw, int ph, int pw, int op, int dh, int dw,
                              int groups)
{
    const char *fn = "nn_conv_transpose2d";
    if (x->ndim == 3)
        return tensor_squeeze_dim(nn_f_conv_transpose2d(tensor_unsqueeze(x, 0), w, b, sh, sw, ph, pw, op, dh, dw,
                                                        groups), 0);
    if (x->ndim != 4)
        error_raise(ERR_SHAPE, "%s: expects input (N, C, H, W), got shape %s", fn, tensor_shape_str(x));
    if (x->shape[1] != w->shape[0])
        error_raise(ERR_SHAPE, "%s: input of shape %s has %lld channels but the layer expects %lld (in_channels)",
                    fn, tensor_shape_str(x), (long long)x->shape[1], (long long)w->shape[0]);
    if (!dtype_is_float(x->dtype) || x->dtype != w->dtype)
        error_raise(ERR_TYPE, "%s: the input is %s but the weights are %s", fn, dtype_name(x->dtype), dtype_name(w->dtype));
    t_same_device(x, w, fn);
    if (b)
        t_same_device(x, b, fn);
    if ((op >= sh && op >= dh) || (op >= sw && op >= dw))
        error_raise(ERR_VALUE, "%s: output_padding (%d) must be smaller than stride (%d) or dilation (%d)", fn, op,
                    sh < sw ? sh : sw, dh < dw ? dh : dw);
    ConvGeom g = { 0 };
    g.N = x->shape[0]; g.O = x->shape[1]; g.OH = x->shape[2]; g.OW = x->shape[3];
    g.kh = w->shape[2]; g.kw = w->shape[3]; g.C = w->shape[1] * groups;
    g.H = (g.OH - 1) * sh - 2 * ph + dh * (g.kh - 1) + op + 1;
    g.W = (g.OW - 1) * sw - 2 * pw + dw * (g.kw - 1) + op + 1;
    if (g.H <= 0 || g.W <= 0)
        error_raise(ERR_SHAPE, "%s: the output for input %s would be empty (padding %d too large)", fn,
                    tensor_shape_str(x), ph > pw ? ph : pw);
    g.sh = sh; g.sw = sw; g.pt = ph; g.pl = pw; g.dh = dh; g.dw = dw; g.groups = groups;
    DType dt = x->dtype;
    ConvTranspose2dArgs a = { .x = t_contig(x), .w = t_contig(w), .b = b ? t_contig(t_convert(b, dt)) : NULL, .g = g };
    a.y = t_new(dt, 4, (int64_t[]){ g.N, g.C, g.H, g.W }, x->device);
    dev_conv_transpose2d(&a);
    if (ag_on() && (x->requires_grad || w->requires_grad || (b && b->requires_grad))) {
        Node *n = b ? AG_RECORD_P(a.y, rule_ConvT, &g, x, w, b) : AG_RECORD_P(a.y, rule_ConvT, &g, x, w);
        ag_save(n, (Tensor *)a.x);
        ag_save(n, (Tensor *)a.w);
    }
    return a.y;
}

/* ---- layers ---- */

/* Options resolved per dim (h, w); ph / pw may be NN_PADDING_SAME. */
typedef struct ConvImpl {
    int kh, kw, sh, sw, ph, pw, dh, dw, op, groups;
    bool is1d, transposed;
    int64_t in, out;  /* in 0: lazy, sized at the first forward */
    bool bias;
} ConvImpl;

static const char *conv_extra(const ConvImpl *c)
{
    return nn_strf("%lld, %lld, kernel_size=%s, stride=%s, padding=%s%s%s%s", (long long)c->in, (long long)c->out,
                   c->is1d ? nn_strf("%d", c->kw) : nn_pair_str(c->kh, c->kw), nn_pair_str(c->sh, c->sw),
                   nn_pair_str(c->ph, c->pw),
                   c->dh > 1 || c->dw > 1 ? nn_strf(", dilation=%s", nn_pair_str(c->dh, c->dw)) : "",
                   c->groups > 1 ? nn_strf(", groups=%d", c->groups) : "", c->bias ? "" : ", bias=False");
}

/* The weight's shape and PyTorch's init bound U(+-1/sqrt(fan_in)), fan_in = size(1) * prod(kernel). */
static int conv_weight_shape(const ConvImpl *c, int64_t shape[4], double *bound)
{
    int64_t cg = (c->transposed ? c->out : c->in) / c->groups;
    shape[0] = c->transposed ? c->in : c->out;
    shape[1] = cg;
    shape[2] = c->is1d ? c->kw : c->kh;
    shape[3] = c->kw;
    *bound = 1.0 / sqrt((double)cg * (c->is1d ? c->kw : (double)c->kh * c->kw));
    return c->is1d ? 3 : 4;
}

/* A lazy layer's first forward: in_channels from the input, then PyTorch's init. */
static void conv_materialize(Module *m, Tensor *x)
{
    ConvImpl *c = m->impl;
    const char *fn = c->transposed ? "nn_conv_transpose2d" : c->is1d ? "nn_conv1d" : "nn_conv2d";
    int batched = c->is1d ? 3 : 4;
    if (x->ndim != batched && x->ndim != batched - 1)
        error_raise(ERR_SHAPE, "%s: expects input (N, C, %s) or (C, %s), got shape %s", fn, c->is1d ? "L" : "H, W",
                    c->is1d ? "L" : "H, W", tensor_shape_str(x));
    int64_t in = x->shape[x->ndim == batched ? 1 : 0];
    if (in < 1 || in % c->groups)
        error_raise(ERR_VALUE, "%s: the input has %lld channels, which groups (%d) must divide", fn, (long long)in,
                    c->groups);
    c->in = in;
    int64_t shape[4];
    double bound;
    int nd = conv_weight_shape(c, shape, &bound);
    nn_lazy_adopt(m->params.tensors[0], nn_param_uniform(nd, shape, bound));
    if (c->bias)
        nn_lazy_adopt(m->params.tensors[1], nn_param_uniform(1, (int64_t[]){ c->out }, bound));
    m->extra = conv_extra(c);
}

/* A Conv2d layer's forward, with its ReLU fused when relu. */
static Tensor *conv2d_layer(Module *m, Tensor *x, bool relu)
{
    ConvImpl *c = m->impl;
    if (!c->in)
        conv_materialize(m, x);
    Tensor *w = m->params.tensors[0], *b = m->params.n > 1 ? m->params.tensors[1] : NULL;
    return nn_f_conv2d_act(x, w, b, c->sh, c->sw, c->ph, c->pw, c->dh, c->dw, c->groups, relu);
}

static Tensor *conv_fwd(Module *m, Tensor *x)
{
    ConvImpl *c = m->impl;
    if (!c->in)
        conv_materialize(m, x);
    Tensor *w = m->params.tensors[0], *b = m->params.n > 1 ? m->params.tensors[1] : NULL;
    if (c->transposed)
        return nn_f_conv_transpose2d(x, w, b, c->sh, c->sw, c->ph, c->pw, c->op, c->dh, c->dw, c->groups);
    if (!c->is1d)
        return conv2d_layer(m, x, false);
    /* Conv1d: a conv2d over (N, C, 1, L) with a (O, C/g, 1, k) kernel. */
    bool unbatched = x->ndim == 2;
    if (unbatched) x = tensor_unsqueeze(x, 0);
    if (x->ndim != 3)
        error_raise(ERR_SHAPE, "nn_conv1d: expects input (N, C, L) or (C, L), got shape %s", tensor_shape_str(x));
    Tensor *y = nn_f_conv2d(tensor_unsqueeze(x, 2), tensor_unsqueeze(w, 2), b, 1, c->sw, 0, c->pw, 1, c->dw,
                            c->groups);
    y = tensor_squeeze_dim(y, 2);
    return unbatched ? tensor_squeeze_dim(y, 0) : y;
}

bool nn_conv_relu_fusable(const Module *conv, const Module *next)
{
    const ConvImpl *c = conv->impl;
    return conv->fwd == conv_fwd && !conv->user_fwd && !c->is1d && !c->transposed && nn_is_relu(next);
}

Tensor *nn_conv_relu_forward(Module *m, Tensor *x)
{
    interrupt_check();
    if (!x)
        error_raise(ERR_VALUE, "nn_forward: the input of %s is NULL", m->type);
    return conv2d_layer(m, x, true);
}

static Module *make_conv(const char *type, int64_t in, int64_t out, int k, const ConvOptions *opt, bool is1d,
                         bool transposed)
{
    static const ConvOptions none;
    if (!opt) opt = &none;
    const char *fn = transposed ? "nn_conv_transpose2d" : is1d ? "nn_conv1d" : "nn_conv2d";
    bool has_hw = opt->kernel_hw[0] || opt->kernel_hw[1] || opt->stride_hw[0] || opt->stride_hw[1] ||
                  opt->padding_hw[0] || opt->padding_hw[1] || opt->dilation_hw[0] || opt->dilation_hw[1];
    if (is1d && has_hw)
        error_raise(ERR_VALUE, "%s: kernel_hw / stride_hw / padding_hw / dilation_hw are for 2-D layers; a Conv1d "
                    "takes kernel_size, stride, padding and dilation", fn);
    ConvImpl *c = cdl_alloc(sizeof *c);
    c->is1d = is1d;
    c->transposed = transposed;
    int stride = opt->stride ? opt->stride : 1, dil = opt->dilation ? opt->dilation : 1;
    c->kh = nn_pick_hw(opt->kernel_hw, 0, k); c->kw = nn_pick_hw(opt->kernel_hw, 1, k);
    c->sh = nn_pick_hw(opt->stride_hw, 0, stride); c->sw = nn_pick_hw(opt->stride_hw, 1, stride);
    c->ph = nn_pick_hw(opt->padding_hw, 0, opt->padding); c->pw = nn_pick_hw(opt->padding_hw, 1, opt->padding);
    c->dh = nn_pick_hw(opt->dilation_hw, 0, dil); c->dw = nn_pick_hw(opt->dilation_hw, 1, dil);
    c->op = opt->output_padding;
    c->groups = opt->groups ? opt->groups : 1;
    if (in < 0 || out <= 0 || c->kh <= 0 || c->kw <= 0 || c->sh < 1 || c->sw < 1 || c->dh < 1 || c->dw < 1 ||
        c->groups < 1 || (c->ph < 0 && c->ph != NN_PADDING_SAME) || (c->pw < 0 && c->pw != NN_PADDING_SAME) ||
        c->op < 0)
        error_raise(ERR_VALUE, "%s: channels, kernel size, stride, dilation and groups must be positive (in_channels "
                    "0: taken from the first input) and padding >= 0 (or NN_PADDING_SAME); got in=%lld out=%lld "
                    "kernel=%s stride=%s padding=%s dilation=%s groups=%d", fn, (long long)in, (long long)out,
                    nn_pair_str(c->kh, c->kw), nn_pair_str(c->sh, c->sw), nn_pair_str(c->ph, c->pw),
                    nn_pair_str(c->dh, c->dw), c->groups);
    if (in % c->groups || out % c->groups)
        error_raise(ERR_VALUE, "%s: in_channels (%lld) and out_channels (%lld) must be divisible by groups (%d)",
                    fn, (long long)in, (long long)out, c->groups);
    bool same = c->ph == NN_PADDING_SAME || c->pw == NN_PADDING_SAME;
    if (same && (c->ph != c->pw || c->sh != 1 || c->sw != 1 || transposed))
        error_raise(ERR_VALUE, "%s: padding=NN_PADDING_SAME needs stride 1 (and a non-transposed conv), on both "
                    "dims", fn);
    if (is1d) c->kw = k;
    c->in = in;
    c->out = out;
    c->bias = !opt->no_bias;
    Module *m = nn_layer_new(type, conv_fwd, c, conv_extra(c));
    int64_t shape[4];
    double bound;
    int nd = conv_weight_shape(c, shape, &bound);
    if (in == 0) {  /* lazy: sized and initialised at the first forward */
        shape[transposed ? 0 : 1] = 0;
        nn_register_parameter(m, "weight", nn_lazy_placeholder(nd, shape));
        if (c->bias)
            nn_register_parameter(m, "bias", nn_lazy_placeholder(1, (int64_t[]){ 0 }));
        return m;
    }
    nn_register_parameter(m, "weight", nn_param_uniform(nd, shape, bound));
    if (c->bias)
        nn_register_parameter(m, "bias", nn_param_uniform(1, (int64_t[]){ out }, bound));
    return m;
}

Module *nn_conv2d_(int64_t in, int64_t out, int k, const ConvOptions *o)
{
    return make_conv("Conv2d", in, out, k, o, false, false);
}

Module *nn_conv1d_(int64_t in, int64_t out, int k, const ConvOptions *o)
{
    return make_conv("Conv1d", in, out, k, o, true, false);
}

Module *nn_conv_transpose2d_(int64_t in, int64_t out, int k, const ConvOptions *o)
{
    return make_conv("ConvTranspose2d", in, out, k, o, false, true);
}
