/* Resizing images: tensor_interpolate (F.interpolate: nearest or bilinear,
 * align_corners, antialias) and tensor_resize (torchvision's resize:
 * antialiased bilinear keeping the dtype). Each output row / column is a
 * weighted sum of input rows / columns, so the resize is two matrix
 * products, Mh x Mw^T: differentiable through matmul, any leading dims. */
#include "internal.h"

#include <math.h>

typedef enum { MODE_NEAREST, MODE_BILINEAR } Mode;

/* The (out, in) weights along one dim. scale: input pixels per output pixel. */
static Tensor *weights(int64_t in, int64_t out, double scale, Mode mode, bool align, bool antialias, DType dt)
{
    Tensor *m = t_new(DT_FLOAT64, 2, (int64_t[]){ out, in }, DEVICE_CPU);
    double *d = t_ptr(m);
    memset(d, 0, sizeof(double) * (size_t)(out * in));
    for (int64_t i = 0; i < out; i++) {
        double *row = d + i * in;
        if (mode == MODE_NEAREST) {
            int64_t s = (int64_t)floor((double)i * scale);
            row[s < in ? s : in - 1] = 1;
        } else if (antialias && scale > 1 && !align) {
            /* PyTorch's / PIL's antialiased bilinear: a triangle filter stretched by the scale. */
            double center = scale * ((double)i + 0.5), support = scale, total = 0;
            int64_t lo = (int64_t)(center - support + 0.5), hi = (int64_t)(center + support + 0.5);
            if (lo < 0) lo = 0;
            if (hi > in) hi = in;
            for (int64_t j = lo; j < hi; j++) {
                double w = 1 - fabs(((double)j - center + 0.5) / scale);
                row[j] = w > 0 ? w : 0;
                total += row[j];
            }
            for (int64_t j = lo; j < hi && total > 0; j++) row[j] /= total;
        } else {
            double src = align ? (out > 1 ? (double)i * (double)(in - 1) / (double)(out - 1) : 0)
                               : ((double)i + 0.5) * scale - 0.5;
            if (src < 0) src = 0;
            int64_t i0 = (int64_t)floor(src);
            if (i0 > in - 1) i0 = in - 1;
            int64_t i1 = i0 + 1 < in ? i0 + 1 : in - 1;
            double l = src - (double)i0;
            row[i0] += 1 - l;
            row[i1] += l;
        }
    }
    return t_convert(m, dt);
}

Tensor *tensor_interpolate_(Tensor *x, const InterpolateOptions *o)
{
    CDL_ARG_NAMED("tensor_interpolate", x, "x");
    const char *fn = "tensor_interpolate";
    static const InterpolateOptions none;
    if (!o) o = &none;
    if (x->ndim < 2)
        error_raise(ERR_SHAPE, "%s: expects images (..., H, W) such as (N, C, H, W), got shape %s", fn,
                    tensor_shape_str(x));
    if (!dtype_is_float(x->dtype))
        error_raise(ERR_TYPE, "%s: needs a floating tensor, not %s (convert with tensor_float(x), or use "
                    "tensor_resize, which keeps the dtype)", fn, dtype_name(x->dtype));
    Mode mode;
    if (!o->mode || !strcmp(o->mode, "nearest")) mode = MODE_NEAREST;
    else if (!strcmp(o->mode, "bilinear")) mode = MODE_BILINEAR;
    else
        error_raise(ERR_VALUE, "%s: mode \"%s\" is not supported; use \"nearest\" (default) or \"bilinear\"", fn, o->mode);
    if (mode == MODE_NEAREST && o->align_corners)
        error_raise(ERR_VALUE, "%s: align_corners only applies to mode \"bilinear\"", fn);
    int64_t H = x->shape[x->ndim - 2], W = x->shape[x->ndim - 1], OH, OW;
    double sh, sw;
    bool by_size = o->size[0] || o->size[1];
    if (by_size == (o->scale_factor != 0))
        error_raise(ERR_VALUE, "%s: give either .size = {height, width} or .scale_factor (not both, not neither)", fn);
    if (by_size) {
        OH = o->size[0];
        OW = o->size[1];
        if (OH < 1 || OW < 1)
            error_raise(ERR_VALUE, "%s: .size = {%lld, %lld}; both must be >= 1", fn, (long long)OH, (long long)OW);
        sh = (double)H / (double)OH;
        sw = (double)W / (double)OW;
    } else {
        if (!(o->scale_factor > 0) || !isfinite(o->scale_factor))
            error_raise(ERR_VALUE, "%s: scale_factor %g must be > 0", fn, o->scale_factor);
        OH = (int64_t)floor((double)H * o->scale_factor);
        OW = (int64_t)floor((double)W * o->scale_factor);
        if (OH < 1 || OW < 1)
            error_raise(ERR_VALUE, "%s: scale_factor %g makes an empty image from %lld x %lld", fn, o->scale_factor,
                        (long long)H, (long long)W);
        sh = sw = 1 / o->scale_factor;  /* PyTorch uses the factor itself, not the rounded sizes */
    }
    if (H < 1 || W < 1)
        error_raise(ERR_SHAPE, "%s: the input images are empty (shape %s)", fn, tensor_shape_str(x));
    Tensor *mh = weights(H, OH, sh, mode, o->align_corners, o->antialias, x->dtype);
    Tensor *mw = weights(W, OW, sw, mode, o->align_corners, o->antialias, x->dtype);
    mh = tensor_to_device(mh, x->device);  /* built on the host; a no-op there */
    mw = tensor_to_device(mw, x->device);
    return tensor_matmul(tensor_matmul(mh, x), tensor_t(mw));
}

Tensor *tensor_resize(Tensor *x, int64_t height, int64_t width)
{
    CDL_ARG(x);
    const char *fn = "tensor_resize";
    if (x->dtype == DT_BOOL)
        error_raise(ERR_TYPE, "%s: cannot resize a bool tensor (convert it with tensor_float first)", fn);
    if (height < 1 || width < 1)
        error_raise(ERR_VALUE, "%s: size %lld x %lld; both must be >= 1", fn, (long long)height, (long long)width);
    if (x->ndim < 2)
        error_raise(ERR_SHAPE, "%s: expects images (..., H, W), got shape %s", fn, tensor_shape_str(x));
    bool fl = dtype_is_float(x->dtype);
    Tensor *y = tensor_interpolate(fl ? x : tensor_float(x), .size = { height, width }, .mode = "bilinear",
                                   .antialias = true);
    if (fl)
        return y;
    /* Integer images: rounded and kept in range, like torchvision. */
    y = tensor_round(y);
    if (x->dtype == DT_UINT8) y = tensor_clamp(y, 0, 255);
    return tensor_to_dtype(y, x->dtype);
}
