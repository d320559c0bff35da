/* Per-batch transforms: composition, scaling, normalization, one-hot
 * (see coursdl/data.h). Each is a function plus its parameters. */
#include "internal.h"
#include "../core/args.h"

#include <string.h>

Transform *transforms_lambda(TransformFn fn, void *ctx)
{
    if (!fn) error_raise(ERR_VALUE, "transforms_lambda: fn is NULL; pass a function Tensor *f(Tensor *batch, Generator *gen, void *ctx)");
    Transform *t = GC_MALLOC(sizeof *t);
    t->fn = fn;
    t->ctx = ctx;
    return t;
}

Tensor *transforms_apply(Transform *t, Tensor *batch, Generator *gen)
{
    CDL_ARG(t);
    CDL_ARG(batch);
    CDL_ARG_OPT(gen);
    Tensor *r = t->fn(batch, gen ? gen : generator_default(), t->ctx);
    if (!r) error_raise(ERR_VALUE, "transforms_apply: the transform returned NULL; it must return a tensor");
    return r;
}

typedef struct Compose { Transform **list; int n; } Compose;

static Tensor *compose_fn(Tensor *x, Generator *g, void *ctx)
{
    Compose *c = ctx;
    for (int i = 0; i < c->n; i++) x = transforms_apply(c->list[i], x, g);
    return x;
}

Transform *transforms_compose(Transform **list, int n)
{
    if (n < 0 || (n && !list)) error_raise(ERR_VALUE, "transforms_compose: give an array of n transforms");
    Compose *c = GC_MALLOC(sizeof *c);
    c->list = GC_MALLOC((size_t)(n ? n : 1) * sizeof(Transform *));
    for (int i = 0; i < n; i++) {
        if (!list[i]) error_raise(ERR_VALUE, "transforms_compose: transform %d is NULL", i);
        c->list[i] = list[i];
    }
    c->n = n;
    return transforms_lambda(compose_fn, c);
}

static Tensor *scale_fn(Tensor *x, Generator *g, void *ctx)
{
    (void)g; (void)ctx;
    return tensor_div_scalar(tensor_to_dtype(x, DT_FLOAT32), 255.0);
}

Transform *transforms_scale(void) { return transforms_lambda(scale_fn, NULL); }

typedef struct Norm { int n; double *mean, *std; } Norm;

static Tensor *normalize_fn(Tensor *x, Generator *g, void *ctx)
{
    (void)g;
    Norm *p = ctx;
    if (tensor_dtype(x) != DT_FLOAT32 && tensor_dtype(x) != DT_FLOAT64) x = tensor_float(x);
    if (p->n == 0) return tensor_div_scalar(tensor_sub_scalar(x, p->mean[0]), p->std[0]);
    if (tensor_ndim(x) < 2 || tensor_size(x, 1) != p->n)
        error_raise(ERR_SHAPE, "transforms_normalize_channels: the batch has shape %s but %d channels were "
                    "given; channels are dim 1 (N x C x H x W)", tensor_shape_str(x), p->n);
    int64_t shape[TENSOR_MAX_DIMS];
    int nd = tensor_ndim(x);
    for (int i = 0; i < nd; i++) shape[i] = i == 1 ? p->n : 1;
    Tensor *m = tensor_reshape_shape(tensor_to_device(tensor_to_dtype(tensor_from_f64_as(p->mean, DT_FLOAT64, 1, (int64_t[]){ p->n }), tensor_dtype(x)), tensor_device(x)), nd, shape);
    Tensor *s = tensor_reshape_shape(tensor_to_device(tensor_to_dtype(tensor_from_f64_as(p->std, DT_FLOAT64, 1, (int64_t[]){ p->n }), tensor_dtype(x)), tensor_device(x)), nd, shape);
    return tensor_div(tensor_sub(x, m), s);
}

Transform *transforms_normalize_channels(int n, const double *mean, const double *std)
{
    if (n < 1 || !mean || !std) error_raise(ERR_VALUE, "transforms_normalize_channels: give n >= 1 means and standard deviations");
    Norm *p = GC_MALLOC(sizeof *p);
    p->n = n;
    p->mean = GC_MALLOC_ATOMIC((size_t)n * sizeof(double));
    p->std = GC_MALLOC_ATOMIC((size_t)n * sizeof(double));
    for (int i = 0; i < n; i++) {
        if (!(std[i] > 0)) error_raise(ERR_VALUE, "transforms_normalize_channels: std[%d] is %g; it must be > 0", i, std[i]);
        p->mean[i] = mean[i];
        p->std[i] = std[i];
    }
    return transforms_lambda(normalize_fn, p);
}

Transform *transforms_normalize(double mean, double std)
{
    if (!(std > 0)) error_raise(ERR_VALUE, "transforms_normalize: std is %g; it must be > 0", std);
    Transform *t = transforms_normalize_channels(1, &mean, &std);
    ((Norm *)t->ctx)->n = 0;  /* 0: one scalar for the whole batch */
    return t;
}

static Tensor *one_hot_fn(Tensor *y, Generator *g, void *ctx)
{
    (void)g;
    int k = (int)(intptr_t)ctx;
    int64_t n = tensor_numel(y);
    int64_t *lab = GC_MALLOC_ATOMIC((size_t)(n ? n : 1) * sizeof(int64_t));
    tensor_to_i64_array(y, lab, n);
    Tensor *out = tensor_full_shape_dtype(0, DT_FLOAT32, 2, (int64_t[]){ n, k });
    float *o = tensor_data_f32(out);
    for (int64_t i = 0; i < n; i++) {
        if (lab[i] < 0 || lab[i] >= k)
            error_raise(ERR_VALUE, "transforms_one_hot: label %lld is outside 0..%d; raise num_classes", (long long)lab[i], k - 1);
        o[i * k + lab[i]] = 1.0f;
    }
    return tensor_to_device(out, tensor_device(y));
}

Transform *transforms_one_hot(int num_classes)
{
    if (num_classes < 1) error_raise(ERR_VALUE, "transforms_one_hot: num_classes is %d; it must be >= 1", num_classes);
    return transforms_lambda(one_hot_fn, (void *)(intptr_t)num_classes);
}
