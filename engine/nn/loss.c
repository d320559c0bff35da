/* Losses with PyTorch's definitions and reductions. Most are compositions
 * of differentiable tensor ops (any order); cross-entropy is one fused node
 * (the backend op cross_entropy: log-softmax + nll in one pass) whose
 * backward is the op cross_entropy_bwd, or differentiable ops when a graph
 * of the backward is wanted. */
#include "nn_internal.h"
#include "../device/backend.h"
#include "../core/args.h"

#include <math.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"

const LossOptions *loss_opts(const LossOptions *o)
{
    static const LossOptions none;
    return o ? o : &none;
}

Tensor *loss_reduce(Tensor *l, const LossOptions *o)
{
    switch (o->reduction) {
    case REDUCTION_SUM: return tensor_sum(l);
    case REDUCTION_NONE: return l;
    default: return tensor_mean(l);
    }
}

static void same_shape(Tensor *a, Tensor *b, const char *fn)
{
    if (!a || !b)
        error_raise(ERR_VALUE, "%s: input or target is NULL", fn);
    if (a->ndim != b->ndim || memcmp(a->shape, b->shape, sizeof(int64_t) * a->ndim))
        error_raise(ERR_SHAPE, "%s: input has shape %s but target has shape %s; they must match (e.g. "
                    "tensor_reshape(target, -1, 1) for a (N, 1) output, or tensor_squeeze(output))",
                    fn, tensor_shape_str(a), tensor_shape_str(b));
    t_same_device(a, b, fn);
}

static Tensor *as_float_of(Tensor *t, const Tensor *like)
{
    return t->dtype == like->dtype ? t : tensor_to_dtype(t, like->dtype);
}

/* mse as one MseLossBackward0 node (inputs x and y): d/dx = 2 (x - y) g (/ n for the mean),
 * written with differentiable ops of the inputs (any order). */
typedef struct MseParams { Reduction reduction; double count; } MseParams;

static void mse_bw(Node *n, Tensor *g, Tensor **gi, const bool *need)
{
    const MseParams *P = AG_PARAMS(n, MseParams);
    Tensor *x = ag_on() ? n->inputs[0] : n->saved[0], *y = ag_on() ? n->inputs[1] : n->saved[1];
    double k = P->reduction == REDUCTION_MEAN ? 2.0 / P->count : 2.0;
    Tensor *gx = tensor_mul(tensor_mul_scalar(tensor_sub(x, y), k), g);
    if (need[0]) gi[0] = gx;
    if (need[1]) gi[1] = tensor_neg(gx);
}
static const GradRule rule_Mse = { "MseLossBackward0", mse_bw, sizeof(MseParams) };

Tensor *nn_mse_(Tensor *x, Tensor *y, const LossOptions *o)
{
    CDL_ARG_NAMED("nn_mse", x, "input");
    CDL_ARG_NAMED("nn_mse", y, "target");
    o = loss_opts(o);
    same_shape(x, y, "nn_mse");
    y = as_float_of(y, x);
    bool node = ag_needs2(x, y) && dtype_is_float(x->dtype);
    if (node) no_grad_enter();
    Tensor *d = tensor_sub(x, y);
    Tensor *out = loss_reduce(tensor_mul(d, d), o);
    if (node) {
        no_grad_exit();
        MseParams P = { o->reduction, (double)(x->numel ? x->numel : 1) };
        Node *nd = AG_RECORD_P(out, rule_Mse, &P, x, y);
        ag_save(nd, tensor_detach(x));
        ag_save(nd, tensor_detach(y));
    }
    return out;
}

Tensor *nn_l1_(Tensor *x, Tensor *y, const LossOptions *o)
{
    CDL_ARG_NAMED("nn_l1", x, "input");
    CDL_ARG_NAMED("nn_l1", y, "target");
    o = loss_opts(o);
    same_shape(x, y, "nn_l1");
    return loss_reduce(tensor_abs(tensor_sub(x, as_float_of(y, x))), o);
}

Tensor *nn_smooth_l1_(Tensor *x, Tensor *y, const LossOptions *o)
{
    CDL_ARG_NAMED("nn_smooth_l1", x, "input");
    CDL_ARG_NAMED("nn_smooth_l1", y, "target");
    o = loss_opts(o);
    same_shape(x, y, "nn_smooth_l1");
    double beta = o->beta == 0 ? 1.0 : o->beta < 1e-200 ? 0 : o->beta;
    Tensor *d = tensor_sub(x, as_float_of(y, x)), *ad = tensor_abs(d);
    if (beta == 0)
        return loss_reduce(ad, o);
    Tensor *quad = tensor_mul_scalar(tensor_mul(d, d), 0.5 / beta);
    Tensor *lin = tensor_sub_scalar(ad, 0.5 * beta);
    return loss_reduce(tensor_where(tensor_lt_scalar(ad, beta), quad, lin), o);
}

Tensor *nn_bce_(Tensor *x, Tensor *y, const LossOptions *o)
{
    CDL_ARG_NAMED("nn_bce", x, "input");
    CDL_ARG_NAMED("nn_bce", y, "target");
    o = loss_opts(o);
    const char *fn = "nn_bce";
    same_shape(x, y, fn);
    y = as_float_of(y, x);
    /* Logs clamped at -100 like PyTorch, so 0 and 1 give finite losses. */
    Tensor *lx = tensor_clamp(tensor_log(x), -100, INFINITY);
    Tensor *l1x = tensor_clamp(tensor_log(tensor_rsub_scalar(x, 1)), -100, INFINITY);
    Tensor *l = tensor_neg(tensor_add(tensor_mul(y, lx), tensor_mul(tensor_rsub_scalar(y, 1), l1x)));
    if (o->weight)
        l = tensor_mul(l, as_float_of(o->weight, x));
    return loss_reduce(l, o);
}

Tensor *nn_bce_with_logits_(Tensor *z, Tensor *y, const LossOptions *o)
{
    CDL_ARG_NAMED("nn_bce_with_logits", z, "logits");
    CDL_ARG_NAMED("nn_bce_with_logits", y, "target");
    o = loss_opts(o);
    const char *fn = "nn_bce_with_logits";
    same_shape(z, y, fn);
    y = as_float_of(y, z);
    /* (1 - y) z + lw (log(1 + exp(-|z|)) + max(-z, 0)), lw = 1 + (pos_weight - 1) y. */
    Tensor *sp = tensor_add(tensor_log1p(tensor_exp(tensor_neg(tensor_abs(z)))), tensor_relu(tensor_neg(z)));
    if (o->pos_weight) {
        Tensor *lw = tensor_add_scalar(tensor_mul(tensor_sub_scalar(as_float_of(o->pos_weight, z), 1), y), 1);
        sp = tensor_mul(lw, sp);
    }
    Tensor *l = tensor_add(tensor_mul(tensor_rsub_scalar(y, 1), z), sp);
    if (o->weight)
        l = tensor_mul(l, as_float_of(o->weight, z));
    return loss_reduce(l, o);
}

/* ---- nll ---- */

static Tensor *class_weight(const LossOptions *o, int64_t C, const Tensor *like, const char *fn)
{
    if (!o->weight)
        return NULL;
    if (o->weight->ndim != 1 || o->weight->shape[0] != C)
        error_raise(ERR_SHAPE, "%s: weight must have one value per class (%lld), got shape %s",
                    fn, (long long)C, tensor_shape_str(o->weight));
    return as_float_of(o->weight, like);
}

static void check_index_target(Tensor *x, Tensor *t, const LossOptions *o, const char *fn)
{
    if (t->dtype != DT_INT64)
        error_raise(ERR_TYPE, "%s: class-index targets must be int64, not %s (use tensor_long(target))",
                    fn, dtype_name(t->dtype));
    if (t->ndim != x->ndim - 1 || t->shape[0] != x->shape[0])
        error_raise(ERR_SHAPE, "%s: input of shape %s needs a target of shape (%lld) with class indices, got %s",
                    fn, tensor_shape_str(x), (long long)x->shape[0], tensor_shape_str(t));
    int64_t C = x->shape[1];
    Tensor *tc = t_contig(tensor_to_device(t, DEVICE_CPU));  /* read on the host */
    const int64_t *p = t_ptr(tc);
    for (int64_t i = 0; i < tc->numel; i++)
        if ((p[i] < 0 || p[i] >= C) && !(o->use_ignore_index && p[i] == o->ignore_index))
            error_raise(ERR_INDEX, "%s: target %lld at position %lld is out of range for %lld classes "
                        "(targets must be in [0, %lld))", fn, (long long)p[i], (long long)i, (long long)C,
                        (long long)C);
}

/* Moves the class dim last and flattens: (N, C, d...) -> (N*d..., C). */
static Tensor *classes_last(Tensor *x)
{
    if (x->ndim == 2)
        return x;
    int64_t perm[TENSOR_MAX_DIMS];
    int k = 0;
    perm[k++] = 0;
    for (int d = 2; d < x->ndim; d++)
        perm[k++] = d;
    perm[k++] = 1;
    return tensor_reshape(tensor_permute_(x, x->ndim, perm), -1, x->shape[1]);
}

/* nll as one NllLossBackward0 node: saved the targets tt (M) and the
 * per-sample weights wi (M); the parameters: the reduction, (M, C) and the
 * mean's divisor. The backward scatters -wi g into the picked entries
 * (differentiable in g, so higher orders work). */
typedef struct NllParams { Reduction reduction; int64_t M, C; double div; } NllParams;

static void nll_bw(Node *n, Tensor *g, Tensor **gi, const bool *need)
{
    if (!need[0])
        return;
    const NllParams *P = AG_PARAMS(n, NllParams);
    Tensor *tt = n->saved[0], *wi = n->saved[1];
    Tensor *s = P->reduction == REDUCTION_MEAN ? tensor_div_scalar(g, P->div) : g;
    Tensor *coef = tensor_neg(tensor_mul(wi, s));
    Tensor *z = tensor_full_shape_dtype(0, wi->dtype, 2, (int64_t[]){ P->M, P->C });
    if (z->device != wi->device) z = tensor_to_device(z, wi->device);
    gi[0] = tensor_scatter(z, 1, tensor_unsqueeze(tt, 1), tensor_unsqueeze(coef, 1));
}
static const GradRule rule_Nll = { "NllLossBackward0", nll_bw, sizeof(NllParams) };

Tensor *nn_nll_(Tensor *lp, Tensor *t, const LossOptions *o)
{
    CDL_ARG_NAMED("nn_nll", lp, "log_probs");
    CDL_ARG_NAMED("nn_nll", t, "target");
    o = loss_opts(o);
    const char *fn = "nn_nll";
    if (!lp || !t)
        error_raise(ERR_VALUE, "%s: input or target is NULL", fn);
    if (lp->ndim < 2)
        error_raise(ERR_SHAPE, "%s: input must be (N, C) log-probabilities, got shape %s", fn, tensor_shape_str(lp));
    check_index_target(lp, t, o, fn);
    Tensor *x2 = classes_last(lp), *t1 = tensor_reshape(t, -1);
    Tensor *w = class_weight(o, lp->shape[1], lp, fn);
    /* One node unless the class weights themselves need a gradient. */
    bool node = ag_needs(x2) && !(w && w->requires_grad);
    if (node) no_grad_enter();
    Tensor *tt = t1, *valid = NULL;
    if (o->use_ignore_index) {
        valid = tensor_ne_scalar(t1, (double)o->ignore_index);
        tt = tensor_where(valid, t1, tensor_zeros_like(t1));
    }
    Tensor *picked = tensor_squeeze_dim(tensor_gather(x2, 1, tensor_unsqueeze(tt, 1)), 1);
    Tensor *wi = w ? tensor_index_select(w, 0, tt) : tensor_ones_like(picked);
    if (valid)
        wi = tensor_mul(wi, tensor_to_dtype(valid, picked->dtype));
    Tensor *l = tensor_neg(tensor_mul(picked, wi)), *out, *div = NULL;
    if (o->reduction == REDUCTION_NONE)
        out = l;
    else if (o->reduction == REDUCTION_SUM)
        out = tensor_sum(l);
    else
        out = tensor_div(tensor_sum(l), div = tensor_sum(wi));
    if (node) {
        no_grad_exit();
        NllParams P = { o->reduction, x2->shape[0], x2->shape[1], div ? tensor_item(div) : 1 };
        Node *nd = AG_RECORD_P(out, rule_Nll, &P, x2);
        ag_save(nd, tt);
        ag_save(nd, wi);
    }
    if (o->reduction == REDUCTION_NONE && lp->ndim != 2)
        out = tensor_reshape_shape(out, t->ndim, t->shape);
    return out;
}

/* ---- cross-entropy: fused ---- */

/* The coefficients A (M, C) of the losses l_i = -sum_c A_ic log p_ic, as
 * differentiable-free tensor ops on x's device (the create_graph form). */
static Tensor *ce_coef(const CrossEntropyParams *c, Tensor *tgt, Tensor *w, const Tensor *x)
{
    Tensor *A;
    double eps = c->smoothing;
    if (c->index) {
        Tensor *valid = c->use_ignore ? tensor_ne_scalar(tgt, (double)c->ignore) : NULL;
        Tensor *y = valid ? tensor_where(valid, tgt, tensor_zeros_like(tgt)) : tgt;
        Tensor *z = t_new(x->dtype, 2, x->shape, x->device);
        tensor_fill_(z, 0);
        A = tensor_add_scalar(tensor_mul_scalar(tensor_scatter_value(z, 1, tensor_unsqueeze(y, 1), 1), 1 - eps),
                              eps / (double)c->C);
        if (w) A = tensor_mul(A, w);
        if (valid) A = tensor_mul(A, tensor_unsqueeze(tensor_to_dtype(valid, x->dtype), 1));
    } else {
        A = tensor_add_scalar(tensor_mul_scalar(tgt, 1 - eps), eps / (double)c->C);
        if (w) A = tensor_mul(A, w);
    }
    return A;
}

/* Saved: x (M, C) logits, target (int64 (M) or float (M, C)), lse (M), the
 * mean's divisor (0-dim float64), and the weight when there is one. */
static void ce_bw(Node *n, Tensor *g, Tensor **gi, const bool *need)
{
    const CrossEntropyParams *c = AG_PARAMS(n, CrossEntropyParams);
    Tensor *x = n->saved[0], *tgt = n->saved[1], *lse = n->saved[2], *div = n->saved[3];
    Tensor *w = n->n_saved > 4 ? n->saved[4] : NULL;
    bool none = c->reduction == REDUCTION_NONE;
    if (!ag_on() && need[0]) {
        CrossEntropyBwdArgs a = { .x = x, .target = tgt, .weight = w, .lse = lse, .g = t_contig(g), .div = div,
                                  .p = *c };
        a.gx = t_new(x->dtype, 2, x->shape, x->device);
        dev_cross_entropy_bwd(&a);
        gi[0] = a.gx;
    }
    if (!(ag_on() && need[0]) && !(n->n_inputs > 1 && need[1]))
        return;
    /* s: d(out)/d(l_i) times g: g / div (mean), g (sum), g_i (none). */
    Tensor *s = c->reduction == REDUCTION_MEAN ? tensor_div(g, tensor_to_dtype(div, g->dtype)) : g;
    Tensor *sv = none ? tensor_unsqueeze(s, 1) : s;
    if (ag_on() && need[0]) {
        /* Differentiable form: (rowsum(A) softmax(x) - A) * s. */
        Tensor *A = ce_coef(c, tgt, w, x);
        Tensor *sa = tensor_sum_dim(A, 1, true);
        gi[0] = tensor_mul(tensor_sub(tensor_mul(tensor_softmax(n->inputs[0], 1), sa), A), sv);
    }
    if (n->n_inputs > 1 && need[1]) {
        /* Probability targets: d l_i / d q_ic = -(1 - eps) w_c log p_ic. */
        Tensor *lp = tensor_log_softmax(ag_on() ? n->inputs[0] : x, 1);
        Tensor *d = tensor_mul_scalar(lp, -(1 - c->smoothing));
        if (w) d = tensor_mul(d, w);
        gi[1] = tensor_mul(d, sv);
    }
}
/* PyTorch's cross_entropy is log_softmax then nll_loss: its grad_fn is NllLossBackward0. */
static const GradRule rule_CrossEntropy = { "NllLossBackward0", ce_bw, sizeof(CrossEntropyParams) };
static const GradRule rule_CrossEntropyProbs = { "CrossEntropyLossBackward0", ce_bw, sizeof(CrossEntropyParams) };

bool nn_node_is_fused_cross_entropy(const Node *n)
{
    return n->rule == &rule_CrossEntropy || n->rule == &rule_CrossEntropyProbs;
}

Tensor *nn_cross_entropy_(Tensor *logits, Tensor *target, const LossOptions *o)
{
    CDL_ARG_NAMED("nn_cross_entropy", logits, "logits");
    CDL_ARG_NAMED("nn_cross_entropy", target, "target");
    o = loss_opts(o);
    const char *fn = "nn_cross_entropy";
    if (!logits || !target)
        error_raise(ERR_VALUE, "%s: logits or target is NULL", fn);
    if (!dtype_is_float(logits->dtype))
        error_raise(ERR_TYPE, "%s: logits must be floating, not %s", fn, dtype_name(logits->dtype));
    if (logits->ndim == 1) {  /* one sample of C logits */
        Tensor *l = nn_cross_entropy_(tensor_unsqueeze(logits, 0), target->ndim == 0 ? tensor_unsqueeze(target, 0)
                                      : target->ndim == 1 && target->dtype != DT_INT64 ? tensor_unsqueeze(target, 0)
                                      : target, o);
        return o->reduction == REDUCTION_NONE ? tensor_squeeze_dim(l, 0) : l;
    }
    if (o->label_smoothing < 0 || o->label_smoothing > 1)
        error_raise(ERR_VALUE, "%s: label_smoothing must be in [0, 1], got %g", fn, o->label_smoothing);
    t_same_device(logits, target, fn);
    bool index = target->dtype == DT_INT64;
    if (index) {
        check_index_target(logits, target, o, fn);
    } else {
        if (!dtype_is_float(target->dtype))
            error_raise(ERR_TYPE, "%s: target must be int64 class indices or float probabilities, not %s",
                        fn, dtype_name(target->dtype));
        if (target->ndim != logits->ndim || memcmp(target->shape, logits->shape, sizeof(int64_t) * logits->ndim))
            error_raise(ERR_SHAPE, "%s: probability targets must have the logits' shape %s, got %s (for class "
                        "indices pass an int64 tensor of shape (%lld))", fn, tensor_shape_str(logits),
                        tensor_shape_str(target), (long long)logits->shape[0]);
    }
    int64_t C = logits->shape[1];
    Tensor *w = class_weight(o, C, logits, fn);
    if (w)
        t_same_device(logits, w, fn);
    Device dev = logits->device;
    Tensor *x = tensor_contiguous(classes_last(logits));
    Tensor *tg = index ? t_contig(tensor_reshape(target, -1))
                       : tensor_contiguous(as_float_of(classes_last(target), logits));
    CrossEntropyArgs a = { .x = x, .target = tg, .weight = w ? t_contig(tensor_detach(w)) : NULL,
                           .p = { x->shape[0], C, index, o->use_ignore_index, o->ignore_index, o->label_smoothing,
                                  o->reduction } };
    a.out = o->reduction == REDUCTION_NONE ? t_new(x->dtype, 1, (int64_t[]){ a.p.M }, dev)
                                           : t_new(x->dtype, 0, NULL, dev);
    a.lse = t_new(x->dtype, 1, (int64_t[]){ a.p.M }, dev);
    a.div = t_new(DT_FLOAT64, 0, NULL, dev);
    dev_cross_entropy(&a);
    Tensor *out = a.out;
    bool tg_grad = !index && target->requires_grad;
    if (ag_on() && (logits->requires_grad || tg_grad)) {
        const GradRule *rule = index ? &rule_CrossEntropy : &rule_CrossEntropyProbs;
        Node *nd = tg_grad ? ag_record(out, rule, 2, (Tensor *[]){ x, tg }, &a.p, sizeof a.p)
                           : ag_record(out, rule, 1, (Tensor *[]){ x }, &a.p, sizeof a.p);
        ag_save(nd, x);
        ag_save(nd, tensor_detach(tg));
        ag_save(nd, a.lse);
        ag_save(nd, a.div);
        if (a.weight) ag_save(nd, (Tensor *)a.weight);
    }
    if (o->reduction == REDUCTION_NONE && logits->ndim > 2) {
        int64_t s[TENSOR_MAX_DIMS];
        s[0] = logits->shape[0];
        for (int d = 2; d < logits->ndim; d++)
            s[d - 1] = logits->shape[d];
        out = tensor_reshape_shape(out, logits->ndim - 1, s);
    }
    return out;
}
