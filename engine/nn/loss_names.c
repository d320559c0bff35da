/* Losses by name, with Keras's meanings: Keras's cross-entropies take
 * probabilities (a final softmax / sigmoid) unless from_logits, and clip
 * them to [1e-7, 1 - 1e-7] like Keras; PyTorch's names keep PyTorch's
 * meaning (cross_entropy takes logits). Also the Huber loss. */
#include "nn_internal.h"
#include "../core/args.h"

#include <math.h>
#include <stdio.h>

#define KERAS_EPS 1e-7

typedef enum Kind {
    K_CE, K_NLL, K_SPARSE_CCE, K_CCE, K_KERAS_BCE, K_BCE, K_BCE_LOGITS, K_MSE, K_L1, K_HUBER, K_SMOOTH_L1
} Kind;

typedef struct Named { const char *name; Kind kind; } Named;

/* Keras's names first, then PyTorch's; the first name of a kind is its canonical one. */
static const Named NAMES[] = {
    { "sparse_categorical_crossentropy", K_SPARSE_CCE }, { "SparseCategoricalCrossentropy", K_SPARSE_CCE },
    { "categorical_crossentropy", K_CCE }, { "CategoricalCrossentropy", K_CCE },
    { "binary_crossentropy", K_KERAS_BCE }, { "BinaryCrossentropy", K_KERAS_BCE },
    { "mse", K_MSE }, { "mean_squared_error", K_MSE }, { "MeanSquaredError", K_MSE },
    { "mae", K_L1 }, { "mean_absolute_error", K_L1 }, { "MeanAbsoluteError", K_L1 },
    { "huber", K_HUBER }, { "Huber", K_HUBER },
    { "cross_entropy", K_CE }, { "CrossEntropyLoss", K_CE },
    { "nll", K_NLL }, { "nll_loss", K_NLL }, { "NLLLoss", K_NLL },
    { "bce", K_BCE }, { "binary_cross_entropy", K_BCE }, { "BCELoss", K_BCE },
    { "bce_with_logits", K_BCE_LOGITS }, { "binary_cross_entropy_with_logits", K_BCE_LOGITS },
    { "BCEWithLogitsLoss", K_BCE_LOGITS },
    { "mse_loss", K_MSE }, { "MSELoss", K_MSE },
    { "l1", K_L1 }, { "l1_loss", K_L1 }, { "L1Loss", K_L1 },
    { "huber_loss", K_HUBER }, { "HuberLoss", K_HUBER },
    { "smooth_l1", K_SMOOTH_L1 }, { "smooth_l1_loss", K_SMOOTH_L1 }, { "SmoothL1Loss", K_SMOOTH_L1 },
};
enum { N_NAMES = (int)(sizeof NAMES / sizeof NAMES[0]) };

const char *nn_loss_names(void)
{
    static char buf[1024];
    if (!buf[0]) {
        size_t at = 0;
        for (int i = 0; i < N_NAMES; i++)
            at += (size_t)snprintf(buf + at, sizeof buf - at, "%s\"%s\"", i ? ", " : "", NAMES[i].name);
    }
    return buf;
}

static Kind kind_of(const char *name, const char *fn)
{
    if (!name || !*name)
        error_raise(ERR_VALUE, "%s: the loss name is empty; accepted names: %s", fn, nn_loss_names());
    for (int i = 0; i < N_NAMES; i++)
        if (!strcmp(NAMES[i].name, name))
            return NAMES[i].kind;
    error_raise(ERR_VALUE, "%s: unknown loss \"%s\"; accepted names: %s (or your own loss function with .loss_fn)",
                fn, name, nn_loss_names());
}

static const char *canonical(Kind k)
{
    for (int i = 0; i < N_NAMES; i++)
        if (NAMES[i].kind == k)
            return NAMES[i].name;
    return "?";
}

const LossInfo *nn_loss_info(const char *name, bool from_logits)
{
    static LossInfo infos[2][K_SMOOTH_L1 + 1];
    Kind k = kind_of(name, "nn_loss_info");
    LossInfo *li = &infos[from_logits][k];
    li->name = canonical(k);
    li->classification = k <= K_BCE_LOGITS;
    li->binary = k == K_KERAS_BCE || k == K_BCE || k == K_BCE_LOGITS;
    li->index_targets = k == K_SPARSE_CCE || k == K_NLL;
    switch (k) {
    case K_CE: case K_BCE_LOGITS: li->input = LOSS_INPUT_LOGITS; break;
    case K_NLL: li->input = LOSS_INPUT_LOG_PROBS; break;
    case K_SPARSE_CCE: case K_CCE: case K_KERAS_BCE: case K_BCE:
        li->input = from_logits ? LOSS_INPUT_LOGITS : LOSS_INPUT_PROBS;
        break;
    default: li->input = LOSS_INPUT_VALUES; break;
    }
    return li;
}

static void check_pair(Tensor *x, Tensor *t, const char *fn)
{
    if (!x || !t)
        error_raise(ERR_VALUE, "%s: input or target is NULL", fn);
    if (!dtype_is_float(x->dtype))
        error_raise(ERR_TYPE, "%s: the input must be floating (probabilities or logits), not %s", fn, dtype_name(x->dtype));
    t_same_device(x, t, fn);
}

static Tensor *as_float_of(Tensor *t, const Tensor *like)
{
    return t->dtype == like->dtype ? t : tensor_to_dtype(t, like->dtype);
}

/* Keras: probabilities normalised over the class dim and clipped, then their log. */
static Tensor *keras_log_probs(Tensor *p, int dim)
{
    p = tensor_div(p, tensor_sum_dim(p, dim, true));
    return tensor_log(tensor_clamp(p, KERAS_EPS, 1 - KERAS_EPS));
}

Tensor *nn_categorical_crossentropy_(Tensor *x, Tensor *t, const LossOptions *o)
{
    CDL_ARG_NAMED("nn_categorical_crossentropy", x, "probs");
    CDL_ARG_NAMED("nn_categorical_crossentropy", t, "target");
    const char *fn = "nn_categorical_crossentropy";
    o = loss_opts(o);
    check_pair(x, t, fn);
    if (x->ndim < 1 || t->ndim != x->ndim || memcmp(t->shape, x->shape, sizeof(int64_t) * (size_t)x->ndim))
        error_raise(ERR_SHAPE, "%s: the targets must be one-hot rows of the predictions' shape %s, got %s; "
                    "turn class indices into rows with tensor_to_categorical(y, %lld), or use "
                    "\"sparse_categorical_crossentropy\" for class indices", fn, tensor_shape_str(x),
                    tensor_shape_str(t), (long long)(x->ndim ? x->shape[x->ndim > 1] : 0));
    if (!dtype_is_float(t->dtype)) t = tensor_float(t);
    if (o->label_smoothing < 0 || o->label_smoothing > 1)
        error_raise(ERR_VALUE, "%s: label_smoothing must be in [0, 1], got %g", fn, o->label_smoothing);
    if (o->from_logits)
        return nn_cross_entropy_(x, as_float_of(t, x), o);
    int cd = x->ndim > 1 ? 1 : 0;
    t = as_float_of(t, x);
    if (o->label_smoothing > 0) {
        double C = (double)x->shape[cd];
        t = tensor_add_scalar(tensor_mul_scalar(t, 1 - o->label_smoothing), o->label_smoothing / C);
    }
    Tensor *l = tensor_neg(tensor_sum_dim(tensor_mul(t, keras_log_probs(x, cd)), cd, false));
    return loss_reduce(l, o);
}

/* Class-index targets as int64 of shape (N, d...) for predictions (N, C, d...). */
static Tensor *index_targets(Tensor *x, Tensor *t, const char *fn)
{
    if (t->ndim == x->ndim && t->ndim >= 2 && t->shape[1] == 1)  /* Keras's (N, 1) labels */
        t = tensor_squeeze_dim(t, 1);
    if (dtype_is_float(t->dtype)) {
        Tensor *r = tensor_round(t);
        if (!tensor_equal(r, t))
            error_raise(ERR_VALUE, "%s: the targets hold fractions; sparse targets are class indices (for one-hot "
                        "or probability rows use \"categorical_crossentropy\")", fn);
    }
    t = tensor_long(t);
    bool ok = t->ndim == x->ndim - 1 && x->ndim >= 2 && t->shape[0] == x->shape[0];
    for (int d = 2; ok && d < x->ndim; d++)
        ok = t->shape[d - 1] == x->shape[d];
    if (!ok)
        error_raise(ERR_SHAPE, "%s: predictions of shape %s need class indices of shape (%lld), got %s%s", fn,
                    tensor_shape_str(x), (long long)(x->ndim ? x->shape[0] : 0), tensor_shape_str(t),
                    t->ndim == x->ndim ? " (one-hot rows: use \"categorical_crossentropy\")" : "");
    int64_t C = x->shape[1];
    Tensor *bad = tensor_logical_or(tensor_lt_scalar(t, 0), tensor_ge_scalar(t, (double)C));
    if (tensor_any(bad))
        error_raise(ERR_INDEX, "%s: a target is out of range for %lld classes (targets must be in [0, %lld))", fn,
                    (long long)C, (long long)C);
    return t;
}

Tensor *nn_sparse_categorical_crossentropy_(Tensor *x, Tensor *t, const LossOptions *o)
{
    CDL_ARG_NAMED("nn_sparse_categorical_crossentropy", x, "probs");
    CDL_ARG_NAMED("nn_sparse_categorical_crossentropy", t, "target");
    const char *fn = "nn_sparse_categorical_crossentropy";
    o = loss_opts(o);
    check_pair(x, t, fn);
    if (x->ndim == 1) {  /* one sample of C probabilities */
        Tensor *l = nn_sparse_categorical_crossentropy_(tensor_unsqueeze(x, 0), tensor_reshape(t, 1), o);
        return o->reduction == REDUCTION_NONE ? tensor_squeeze_dim(l, 0) : l;
    }
    t = index_targets(x, t, fn);
    if (o->from_logits)
        return nn_cross_entropy_(x, t, &(LossOptions){ .reduction = o->reduction });
    Tensor *lp = keras_log_probs(x, 1);
    Tensor *l = tensor_neg(tensor_squeeze_dim(tensor_gather(lp, 1, tensor_unsqueeze(t, 1)), 1));
    return loss_reduce(l, o);
}

Tensor *nn_binary_crossentropy_(Tensor *x, Tensor *t, const LossOptions *o)
{
    CDL_ARG_NAMED("nn_binary_crossentropy", x, "probs");
    CDL_ARG_NAMED("nn_binary_crossentropy", t, "target");
    const char *fn = "nn_binary_crossentropy";
    o = loss_opts(o);
    check_pair(x, t, fn);
    if (t->numel == x->numel && t->ndim != x->ndim)  /* (N) labels for an (N, 1) output */
        t = tensor_reshape_shape(t, x->ndim, x->shape);
    if (t->ndim != x->ndim || memcmp(t->shape, x->shape, sizeof(int64_t) * (size_t)x->ndim))
        error_raise(ERR_SHAPE, "%s: predictions of shape %s and targets of shape %s must match", fn,
                    tensor_shape_str(x), tensor_shape_str(t));
    t = as_float_of(t, x);
    if (o->label_smoothing > 0)
        t = tensor_add_scalar(tensor_mul_scalar(t, 1 - o->label_smoothing), 0.5 * o->label_smoothing);
    if (o->from_logits)
        return nn_bce_with_logits_(x, t, &(LossOptions){ .reduction = o->reduction });
    Tensor *p = tensor_clamp(x, KERAS_EPS, 1 - KERAS_EPS);
    Tensor *l = tensor_neg(tensor_add(tensor_mul(t, tensor_log(p)),
                                      tensor_mul(tensor_rsub_scalar(t, 1), tensor_log(tensor_rsub_scalar(p, 1)))));
    return loss_reduce(l, o);
}

Tensor *nn_huber_(Tensor *x, Tensor *y, const LossOptions *o)
{
    CDL_ARG_NAMED("nn_huber", x, "input");
    CDL_ARG_NAMED("nn_huber", y, "target");
    const char *fn = "nn_huber";
    o = loss_opts(o);
    check_pair(x, y, fn);
    if (y->numel == x->numel && y->ndim != x->ndim)
        y = tensor_reshape_shape(y, x->ndim, x->shape);
    if (y->ndim != x->ndim || memcmp(y->shape, x->shape, sizeof(int64_t) * (size_t)x->ndim))
        error_raise(ERR_SHAPE, "%s: input of shape %s and target of shape %s must match", fn, tensor_shape_str(x),
                    tensor_shape_str(y));
    double delta = o->delta == 0 ? 1.0 : o->delta;
    if (!(delta > 0))
        error_raise(ERR_VALUE, "%s: delta must be > 0, got %g", fn, delta);
    Tensor *d = tensor_sub(x, as_float_of(y, x)), *ad = tensor_abs(d);
    Tensor *quad = tensor_mul_scalar(tensor_mul(d, d), 0.5);
    Tensor *lin = tensor_mul_scalar(tensor_sub_scalar(ad, 0.5 * delta), delta);
    return loss_reduce(tensor_where(tensor_le_scalar(ad, delta), quad, lin), o);
}

Tensor *nn_loss_(const char *name, Tensor *x, Tensor *t, const LossOptions *o)
{
    CDL_ARG_NAMED("nn_loss", x, "input");
    CDL_ARG_NAMED("nn_loss", t, "target");
    o = loss_opts(o);
    Kind k = kind_of(name, "nn_loss");
    if (o->from_logits && (k == K_NLL || k >= K_MSE))
        error_raise(ERR_VALUE, "nn_loss: from_logits does not apply to \"%s\" %s", name,
                    k == K_NLL ? "(it takes log-probabilities, from nn_log_softmax)" : "(it compares values)");
    if (!x || !t)
        error_raise(ERR_VALUE, "nn_loss: input or target is NULL");
    switch (k) {
    case K_CE: {
        if (t->dtype != DT_INT64 && (!dtype_is_float(t->dtype) || t->ndim == x->ndim - 1)) t = tensor_long(t);
        return nn_cross_entropy_(x, t, o);
    }
    case K_NLL: return nn_nll_(x, t->dtype == DT_INT64 ? t : tensor_long(t), o);
    case K_SPARSE_CCE: return nn_sparse_categorical_crossentropy_(x, t, o);
    case K_CCE: return nn_categorical_crossentropy_(x, t, o);
    case K_KERAS_BCE: return nn_binary_crossentropy_(x, t, o);
    case K_BCE: {
        if (o->from_logits) return nn_bce_with_logits_(x, t->numel == x->numel ? tensor_reshape_shape(t, x->ndim, x->shape) : t, o);
        return nn_bce_(x, t->numel == x->numel ? tensor_reshape_shape(t, x->ndim, x->shape) : t, o);
    }
    case K_BCE_LOGITS: return nn_bce_with_logits_(x, t->numel == x->numel ? tensor_reshape_shape(t, x->ndim, x->shape) : t, o);
    case K_MSE: return nn_mse_(x, t->numel == x->numel ? tensor_reshape_shape(t, x->ndim, x->shape) : t, o);
    case K_L1: return nn_l1_(x, t->numel == x->numel ? tensor_reshape_shape(t, x->ndim, x->shape) : t, o);
    case K_HUBER: return nn_huber_(x, t, o);
    default: return nn_smooth_l1_(x, t->numel == x->numel ? tensor_reshape_shape(t, x->ndim, x->shape) : t, o);
    }
}
