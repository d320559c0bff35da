/* Losses with PyTorch's definitions and reductions. Most are compositions
 * of differentiable tensor ops (any order); cross-entropy is one fused node
 * (log-softmax + nll in one pass) whose backward is a single kernel, or
 * differentiable ops when a graph of the backward is wanted. */
#include "nn_internal.h"

#include <math.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"

static const LossOptions *opts(const LossOptions *o)
{
    static const LossOptions none;
    return o ? o : &none;
}

static Tensor *reduce(Tensor *l, const LossOptions *o)
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

/* mse as one MseLossBackward0 node (inputs x and y; iv[0] the reduction,
 * d[0] the element count): d/dx = 2 (x - y) g (/ n for the mean),
 * written with differentiable ops of the inputs (any order). */
static void mse_bw(Node *n, Tensor *g, Tensor **gi, const bool *need)
{
    Tensor *x = ag_on() ? n->inputs[0] : n->saved[0], *y = ag_on() ? n->inputs[1] : n->saved[1];
    double k = n->iv[0] == REDUCTION_MEAN ? 2.0 / n->d[0] : 2.0;
    Tensor *gx = tensor_mul(tensor_mul_scalar(tensor_sub(x, y), k), g);
    if (need[0]) gi[0] = gx;
    if (need[1]) gi[1] = tensor_neg(gx);
}
static const GradRule rule_Mse = { "MseLossBackward0", mse_bw };

Tensor *nn_mse_(Tensor *x, Tensor *y, const LossOptions *o)
{
    o = opts(o);
    same_shape(x, y, "nn_mse");
    y = as_float_of(y, x);
    bool node = ag_needs2(x, y) && dtype_is_float(x->dtype);
    if (node) no_grad_enter();
    Tensor *d = tensor_sub(x, y);
    Tensor *out = reduce(tensor_mul(d, d), o);
    if (node) {
        no_grad_exit();
        Node *nd = AG_RECORD(out, rule_Mse, x, y);
        ag_save(nd, tensor_detach(x));
        ag_save(nd, tensor_detach(y));
        nd->iv[0] = o->reduction;
        nd->d[0] = (double)(x->numel ? x->numel : 1);
    }
    return out;
}

Tensor *nn_l1_(Tensor *x, Tensor *y, const LossOptions *o)
{
    o = opts(o);
    same_shape(x, y, "nn_l1");
    return reduce(tensor_abs(tensor_sub(x, as_float_of(y, x))), o);
}

Tensor *nn_smooth_l1_(Tensor *x, Tensor *y, const LossOptions *o)
{
    o = opts(o);
    same_shape(x, y, "nn_smooth_l1");
    double beta = o->beta == 0 ? 1.0 : o->beta < 1e-200 ? 0 : o->beta;
    Tensor *d = tensor_sub(x, as_float_of(y, x)), *ad = tensor_abs(d);
    if (beta == 0)
        return reduce(ad, o);
    Tensor *quad = tensor_mul_scalar(tensor_mul(d, d), 0.5 / beta);
    Tensor *lin = tensor_sub_scalar(ad, 0.5 * beta);
    return reduce(tensor_where(tensor_lt_scalar(ad, beta), quad, lin), o);
}

Tensor *nn_bce_(Tensor *x, Tensor *y, const LossOptions *o)
{
    o = opts(o);
    const char *fn = "nn_bce";
    same_shape(x, y, fn);
    y = as_float_of(y, x);
    /* Logs clamped at -100 like PyTorch, so 0 and 1 give finite losses. */
    Tensor *lx = tensor_clamp(tensor_log(x), -100, INFINITY);
    Tensor *l1x = tensor_clamp(tensor_log(tensor_rsub_scalar(x, 1)), -100, INFINITY);
    Tensor *l = tensor_neg(tensor_add(tensor_mul(y, lx), tensor_mul(tensor_rsub_scalar(y, 1), l1x)));
    if (o->weight)
        l = tensor_mul(l, as_float_of(o->weight, x));
    return reduce(l, o);
}

Tensor *nn_bce_with_logits_(Tensor *z, Tensor *y, const LossOptions *o)
{
    o = opts(o);
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
    return reduce(l, o);
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
    Tensor *tc = t_contig(t->device == DEVICE_CPU ? t : tensor_to_device(t, DEVICE_CPU));
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
 * per-sample weights wi (M); iv[0] the reduction, iv[1..2] (M, C), d[0] the
 * mean's divisor. The backward scatters -wi g into the picked entries
 * (differentiable in g, so higher orders work). */
static void nll_bw(Node *n, Tensor *g, Tensor **gi, const bool *need)
{
    if (!need[0])
        return;
    Tensor *tt = n->saved[0], *wi = n->saved[1];
    Tensor *s = n->iv[0] == REDUCTION_MEAN ? tensor_div_scalar(g, n->d[0]) : g;
    Tensor *coef = tensor_neg(tensor_mul(wi, s));
    Tensor *z = tensor_full_shape_dtype(0, wi->dtype, 2, (int64_t[]){ n->iv[1], n->iv[2] });
    if (z->device != wi->device) z = tensor_to_device(z, wi->device);
    gi[0] = tensor_scatter(z, 1, tensor_unsqueeze(tt, 1), tensor_unsqueeze(coef, 1));
}
static const GradRule rule_Nll = { "NllLossBackward0", nll_bw };

Tensor *nn_nll_(Tensor *lp, Tensor *t, const LossOptions *o)
{
    o = opts(o);
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
        Node *nd = AG_RECORD(out, rule_Nll, x2);
        ag_save(nd, tt);
        ag_save(nd, wi);
        nd->iv[0] = o->reduction;
        nd->iv[1] = x2->shape[0];
        nd->iv[2] = x2->shape[1];
        nd->d[0] = div ? tensor_item(div) : 1;
    }
    if (o->reduction == REDUCTION_NONE && lp->ndim != 2)
        out = tensor_reshape_shape(out, t->ndim, t->shape);
    return out;
}

/* ---- cross-entropy: fused ---- */

/* Saved: x (M, C) logits, target (int64 (M) or float (M, C)), weight or
 * NULL, scale (M): d(loss)/d(l_i) factor before g. iv[0] = 1 for index
 * targets; iv[1] ignore_index used, iv[2] its value; d[0] = smoothing. */
typedef struct CE {
    int64_t M, C;
    bool index;
    double eps;
    bool use_ignore;
    int64_t ignore;
} CE;

/* Coefficients a_ic (loss_i = -sum_c a_ic log p_ic) of one row, as doubles. */
#define CE_COEF(T, TT) \
static void coef_##T(const CE *c, const TT *tgt, const T *w, int64_t i, double *a) \
{ \
    int64_t C = c->C; \
    if (c->index) { \
        int64_t y = ((const int64_t *)tgt)[i]; \
        if (c->use_ignore && y == c->ignore) { for (int64_t k = 0; k < C; k++) a[k] = 0; return; } \
        for (int64_t k = 0; k < C; k++) a[k] = c->eps / C * (w ? (double)w[k] : 1.0); \
        a[y] += (1 - c->eps) * (w ? (double)w[y] : 1.0); \
    } else { \
        const T *q = (const T *)tgt + i * C; \
        for (int64_t k = 0; k < C; k++) \
            a[k] = ((1 - c->eps) * (double)q[k] + c->eps / C) * (w ? (double)w[k] : 1.0); \
    } \
}
CE_COEF(float, void)
CE_COEF(double, void)

/* Forward: per-row loss l (M), row log-sum-exp lse (M), and the mean divisor. */
#define CE_FWD(T) \
static double ce_fwd_##T(const CE *c, const T *x, const void *tgt, const T *w, T *l, T *lse, double *a) \
{ \
    double div = 0; \
    for (int64_t i = 0; i < c->M; i++) { \
        const T *r = x + i * c->C; \
        double mx = -INFINITY, s = 0; \
        for (int64_t k = 0; k < c->C; k++) if (r[k] > mx) mx = r[k]; \
        for (int64_t k = 0; k < c->C; k++) s += exp((double)r[k] - mx); \
        double z = mx + log(s); \
        lse[i] = (T)z; \
        coef_##T(c, tgt, w, i, a); \
        double li = 0; \
        for (int64_t k = 0; k < c->C; k++) if (a[k] != 0) li += a[k] * (z - (double)r[k]); \
        l[i] = (T)li; \
        if (c->index) { \
            int64_t y = ((const int64_t *)tgt)[i]; \
            if (!(c->use_ignore && y == c->ignore)) div += w ? (double)w[y] : 1.0; \
        } else div += 1; \
    } \
    return div; \
}
CE_FWD(float)
CE_FWD(double)

/* Backward: gx_ic = s_i (sum_c a_ic p_ic ... ) = s_i ((sum_k a_ik) p_ic - a_ic). */
#define CE_BWD(T) \
static void ce_bwd_##T(const CE *c, const T *x, const void *tgt, const T *w, const T *lse, const T *s, \
                       bool s_scalar, T *gx, double *a) \
{ \
    for (int64_t i = 0; i < c->M; i++) { \
        const T *r = x + i * c->C; \
        T *o = gx + i * c->C; \
        double si = s_scalar ? (double)s[0] : (double)s[i]; \
        coef_##T(c, tgt, w, i, a); \
        double sa = 0; \
        for (int64_t k = 0; k < c->C; k++) sa += a[k]; \
        for (int64_t k = 0; k < c->C; k++) \
            o[k] = (T)(si * (sa * exp((double)r[k] - (double)lse[i]) - a[k])); \
    } \
}
CE_BWD(float)
CE_BWD(double)

static void ce_read(const Node *n, CE *c)
{
    c->M = n->iv[0];
    c->C = n->iv[1];
    c->index = n->iv[2];
    c->use_ignore = n->iv[3];
    c->ignore = n->iv[4];
    c->eps = n->d[0];
}

/* The coefficient matrix A (M, C) as a constant tensor. */
static Tensor *ce_coef_tensor(const CE *c, Tensor *tgt, Tensor *w, DType dt)
{
    Tensor *A = t_new(dt, 2, (int64_t[]){ c->M, c->C }, DEVICE_CPU);
    double *a = cdl_alloc_atomic(sizeof(double) * (size_t)(c->C ? c->C : 1));
    for (int64_t i = 0; i < c->M; i++) {
        if (dt == DT_FLOAT32) {
            coef_float(c, t_ptr(tgt), w ? t_ptr(w) : NULL, i, a);
            for (int64_t k = 0; k < c->C; k++) ((float *)t_ptr(A))[i * c->C + k] = (float)a[k];
        } else {
            coef_double(c, t_ptr(tgt), w ? t_ptr(w) : NULL, i, a);
            for (int64_t k = 0; k < c->C; k++) ((double *)t_ptr(A))[i * c->C + k] = a[k];
        }
    }
    return A;
}

static void ce_bw(Node *n, Tensor *g, Tensor **gi, const bool *need)
{
    CE c;
    ce_read(n, &c);
    Tensor *x = n->saved[0], *tgt = n->saved[1], *lse = n->saved[2], *w = n->n_saved > 3 ? n->saved[3] : NULL;
    int red = (int)n->iv[5];
    double div = n->d[1];
    /* s: d(out)/d(l_i) times g: g / div (mean), g (sum), g_i (none). */
    Tensor *s = red == REDUCTION_MEAN ? tensor_div_scalar(g, div) : g;
    if (!ag_on()) {
        Tensor *sc = t_contig(s);
        if (need[0]) {
            Tensor *gx = t_new(x->dtype, 2, x->shape, x->device);
            double *a = cdl_alloc_atomic(sizeof(double) * (size_t)(c.C ? c.C : 1));
            if (x->dtype == DT_FLOAT32)
                ce_bwd_float(&c, t_ptr(x), t_ptr(tgt), w ? t_ptr(w) : NULL, t_ptr(lse), t_ptr(sc),
                             red != REDUCTION_NONE, t_ptr(gx), a);
            else
                ce_bwd_double(&c, t_ptr(x), t_ptr(tgt), w ? t_ptr(w) : NULL, t_ptr(lse), t_ptr(sc),
                              red != REDUCTION_NONE, t_ptr(gx), a);
            gi[0] = gx;
        }
    } else if (need[0]) {
        /* Differentiable form: (rowsum(A) softmax(x) - A) * s. */
        Tensor *A = ce_coef_tensor(&c, tgt, w, x->dtype);
        Tensor *sa = tensor_sum_dim(A, 1, true);
        Tensor *sv = red == REDUCTION_NONE ? tensor_unsqueeze(s, 1) : s;
        gi[0] = tensor_mul(tensor_sub(tensor_mul(tensor_softmax(n->inputs[0], 1), sa), A), sv);
    }
    if (n->n_inputs > 1 && need[1]) {
        /* Probability targets: d l_i / d q_ic = -(1 - eps) w_c log p_ic. */
        Tensor *lp = tensor_log_softmax(ag_on() ? n->inputs[0] : x, 1);
        Tensor *d = tensor_mul_scalar(lp, -(1 - c.eps));
        if (w) d = tensor_mul(d, w);
        gi[1] = tensor_mul(d, red == REDUCTION_NONE ? tensor_unsqueeze(s, 1) : s);
    }
}
/* PyTorch's cross_entropy is log_softmax then nll_loss: its grad_fn is NllLossBackward0. */
static const GradRule rule_CrossEntropy = { "NllLossBackward0", ce_bw };
static const GradRule rule_CrossEntropyProbs = { "CrossEntropyLossBackward0", ce_bw };

bool nn_node_is_fused_cross_entropy(const Node *n)
{
    return n->rule == &rule_CrossEntropy || n->rule == &rule_CrossEntropyProbs;
}

Tensor *nn_cross_entropy_(Tensor *logits, Tensor *target, const LossOptions *o)
{
    o = opts(o);
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
    Device dev = logits->device;
    if (dev != DEVICE_CPU) {  /* the fused kernel is CPU code: compose on other devices */
        Tensor *lp = tensor_log_softmax(logits, 1);
        if (index && o->label_smoothing == 0)
            return nn_nll_(lp, target, o);
        error_raise(ERR_DEVICE, "%s: label smoothing / probability targets are only supported on the CPU", fn);
    }
    Tensor *x = tensor_contiguous(classes_last(logits));
    Tensor *tg = index ? t_contig(tensor_reshape(target, -1))
                       : tensor_contiguous(as_float_of(classes_last(target), logits));
    CE c = { x->shape[0], C, index, o->label_smoothing, o->use_ignore_index, o->ignore_index };
    Tensor *l = t_new(x->dtype, 1, (int64_t[]){ c.M }, dev);
    Tensor *lse = t_new(x->dtype, 1, (int64_t[]){ c.M }, dev);
    Tensor *wc = w ? t_contig(tensor_detach(w)) : NULL;
    double *a = cdl_alloc_atomic(sizeof(double) * (size_t)(C ? C : 1));
    double div = x->dtype == DT_FLOAT32
        ? ce_fwd_float(&c, t_ptr(x), t_ptr(tg), wc ? t_ptr(wc) : NULL, t_ptr(l), t_ptr(lse), a)
        : ce_fwd_double(&c, t_ptr(x), t_ptr(tg), wc ? t_ptr(wc) : NULL, t_ptr(l), t_ptr(lse), a);
    Tensor *out;
    if (o->reduction == REDUCTION_NONE) {
        out = l;
    } else {
        double s = 0;
        for (int64_t i = 0; i < c.M; i++)
            s += x->dtype == DT_FLOAT32 ? ((float *)t_ptr(l))[i] : ((double *)t_ptr(l))[i];
        if (o->reduction == REDUCTION_MEAN)
            s = div > 0 ? s / div : NAN;
        out = t_new(x->dtype, 0, NULL, dev);
        tensor_fill_(out, s);
    }
    bool tg_grad = !index && target->requires_grad;
    if (ag_on() && (logits->requires_grad || tg_grad)) {
        const GradRule *rule = index ? &rule_CrossEntropy : &rule_CrossEntropyProbs;
        Node *nd = tg_grad ? ag_record(out, rule, 2, (Tensor *[]){ x, tg }) : ag_record(out, rule, 1, (Tensor *[]){ x });
        ag_save(nd, x);
        ag_save(nd, tensor_detach(tg));
        ag_save(nd, lse);
        if (wc) ag_save(nd, wc);
        nd->iv[0] = c.M;
        nd->iv[1] = C;
        nd->iv[2] = index;
        nd->iv[3] = c.use_ignore;
        nd->iv[4] = c.ignore;
        nd->iv[5] = o->reduction;
        nd->d[0] = c.eps;
        nd->d[1] = div;
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
