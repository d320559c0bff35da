/* Class labels as counts and one-hot rows: tensor_one_hot (PyTorch's
 * F.one_hot, int64), tensor_to_categorical (Keras's to_categorical,
 * float32) and tensor_bincount (torch.bincount). Labels may be of any dtype
 * as long as every value is a whole number in range. */
#include "internal.h"

#include <math.h>

/* The labels as a contiguous CPU int64 copy; every value a whole number >= 0. */
static Tensor *labels_of(Tensor *labels, const char *fn)
{
    if (!labels)
        error_raise(ERR_VALUE, "%s: the labels tensor is NULL", fn);
    Tensor *h = tensor_to_device(tensor_detach(labels), DEVICE_CPU);
    if (dtype_is_float(h->dtype)) {
        Tensor *f = t_contig(t_convert(h, DT_FLOAT64));
        const double *p = t_ptr(f);
        for (int64_t i = 0; i < f->numel; i++)
            if (!(p[i] == floor(p[i])) || p[i] < 0)
                error_raise(ERR_VALUE, "%s: label %g at position %lld is not a class index (a whole number >= 0)",
                            fn, p[i], (long long)i);
    }
    Tensor *l = t_contig(t_convert(h, DT_INT64));
    const int64_t *p = t_ptr(l);
    for (int64_t i = 0; i < l->numel; i++)
        if (p[i] < 0)
            error_raise(ERR_VALUE, "%s: label %lld at position %lld is negative; class indices start at 0",
                        fn, (long long)p[i], (long long)i);
    return l;
}

static int64_t max_of(const Tensor *l)
{
    const int64_t *p = t_ptr(l);
    int64_t m = -1;
    for (int64_t i = 0; i < l->numel; i++)
        if (p[i] > m) m = p[i];
    return m;
}

static Tensor *one_hot(Tensor *labels, int64_t num_classes, DType dt, bool squeeze_last, const char *fn)
{
    Tensor *l = labels_of(labels, fn);
    int64_t mx = max_of(l);
    int64_t C = num_classes > 0 ? num_classes : mx + 1;
    if (C < 1)
        error_raise(ERR_VALUE, "%s: no labels and no num_classes; give the number of classes", fn);
    if (mx >= C)
        error_raise(ERR_VALUE, "%s: label %lld is out of range for %lld classes (labels must be in [0, %lld)); "
                    "give num_classes = %lld or more", fn, (long long)mx, (long long)C, (long long)C,
                    (long long)mx + 1);
    int nd = labels->ndim;
    if (squeeze_last && nd > 1 && labels->shape[nd - 1] == 1) nd--;  /* Keras: (N, 1) labels give (N, C) */
    if (nd + 1 > TENSOR_MAX_DIMS)
        error_raise(ERR_SHAPE, "%s: labels of shape %s have too many dims", fn, tensor_shape_str(labels));
    int64_t shape[TENSOR_MAX_DIMS];
    memcpy(shape, labels->shape, sizeof(int64_t) * (size_t)nd);
    shape[nd] = C;
    Tensor *out = t_new(dt, nd + 1, shape, DEVICE_CPU);
    memset(t_ptr(out), 0, (size_t)(out->numel * t_esize(dt)));
    const int64_t *p = t_ptr(l);
    for (int64_t i = 0; i < l->numel; i++) {
        if (dt == DT_INT64) ((int64_t *)t_ptr(out))[i * C + p[i]] = 1;
        else ((float *)t_ptr(out))[i * C + p[i]] = 1;
    }
    return tensor_to_device(out, labels->device);  /* built on the host; a no-op there */
}

Tensor *tensor_one_hot(Tensor *labels, int64_t num_classes)
{
    CDL_ARG(labels);
    return one_hot(labels, num_classes, DT_INT64, false, "tensor_one_hot");
}

Tensor *tensor_to_categorical(Tensor *labels, int64_t num_classes)
{
    CDL_ARG(labels);
    return one_hot(labels, num_classes, DT_FLOAT32, true, "tensor_to_categorical");
}

Tensor *tensor_bincount_(Tensor *x, const BincountOptions *o)
{
    CDL_ARG_NAMED("tensor_bincount", x, "x");
    const char *fn = "tensor_bincount";
    static const BincountOptions none;
    if (!o) o = &none;
    if (x && x->ndim != 1)
        error_raise(ERR_SHAPE, "%s: expects a 1-D tensor of class indices, got shape %s (flatten it with "
                    "tensor_reshape(x, -1))", fn, tensor_shape_str(x));
    if (o->minlength < 0)
        error_raise(ERR_VALUE, "%s: minlength is %lld; it must be >= 0", fn, (long long)o->minlength);
    Tensor *l = labels_of(x, fn);
    int64_t n = max_of(l) + 1;
    if (n < o->minlength) n = o->minlength;
    const int64_t *p = t_ptr(l);
    if (!o->weights) {
        Tensor *out = t_new(DT_INT64, 1, &n, DEVICE_CPU);
        int64_t *c = t_ptr(out);
        memset(c, 0, sizeof(int64_t) * (size_t)n);
        for (int64_t i = 0; i < l->numel; i++) c[p[i]]++;
        return tensor_to_device(out, x->device);
    }
    Tensor *w = o->weights;
    if (w->ndim != 1 || w->shape[0] != x->shape[0])
        error_raise(ERR_SHAPE, "%s: weights of shape %s for %lld values; give one weight per value", fn,
                    tensor_shape_str(w), (long long)x->shape[0]);
    DType dt = dtype_is_float(w->dtype) ? w->dtype : DT_FLOAT64;
    Tensor *wd = t_contig(t_convert(tensor_to_device(tensor_detach(w), DEVICE_CPU), DT_FLOAT64));
    const double *wp = t_ptr(wd);
    Tensor *acc = t_new(DT_FLOAT64, 1, &n, DEVICE_CPU);
    double *c = t_ptr(acc);
    for (int64_t k = 0; k < n; k++) c[k] = 0;
    for (int64_t i = 0; i < l->numel; i++) c[p[i]] += wp[i];
    return tensor_to_device(t_convert(acc, dt), x->device);
}
