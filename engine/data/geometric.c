/* Augmentation on image batches (N x ... x H x W): flips, random crops with
 * padding, and random affine warps (rotation, shift, zoom) sampled
 * bilinearly with zeros outside. Parameters are drawn per sample (dim 0)
 * from the loader's generator; every plane of a sample gets the same. */
#include "internal.h"

#include <math.h>
#include <string.h>

/* The batch as a float32 CPU copy we may write, with its layout. */
typedef struct Planes {
    Tensor *t;
    float *p;
    int64_t n, per, h, w;  /* samples, planes per sample, height, width */
} Planes;

static Planes planes_of(Tensor *x, const char *fn)
{
    if (tensor_ndim(x) < 3)
        error_raise(ERR_SHAPE, "%s: the batch has shape %s; images need N x H x W or N x C x H x W",
                    fn, tensor_shape_str(x));
    Planes p;
    p.t = tensor_clone(data_cpu_f32(x));
    p.p = tensor_data_f32(p.t);
    p.n = tensor_size(x, 0);
    p.h = tensor_size(x, -2);
    p.w = tensor_size(x, -1);
    p.per = p.n && p.h && p.w ? tensor_numel(x) / (p.n * p.h * p.w) : 0;
    return p;
}

/* Back to the batch's dtype (rounded for integers) and device. */
static Tensor *planes_done(Planes *p, Tensor *like)
{
    Tensor *r = p->t;
    DType d = tensor_dtype(like);
    if (d != DT_FLOAT32) r = tensor_to_dtype(d == DT_FLOAT64 ? r : tensor_round(r), d);
    return tensor_to_device(r, tensor_device(like));
}

static Tensor *flip_fn(Tensor *x, Generator *g, void *ctx)
{
    double prob = *(double *)ctx;
    Planes p = planes_of(x, "transforms_horizontal_flip");
    for (int64_t i = 0; i < p.n; i++) {
        if (!(random_uniform(g) < prob)) continue;
        float *s = p.p + i * p.per * p.h * p.w;
        for (int64_t r = 0; r < p.per * p.h; r++)
            for (int64_t a = 0, b = p.w - 1; a < b; a++, b--) {
                float t = s[r * p.w + a]; s[r * p.w + a] = s[r * p.w + b]; s[r * p.w + b] = t;
            }
    }
    return planes_done(&p, x);
}

Transform *transforms_horizontal_flip(double prob)
{
    if (prob < 0 || prob > 1) error_raise(ERR_VALUE, "transforms_horizontal_flip: p is %g; it must be in [0, 1]", prob);
    double *c = GC_MALLOC_ATOMIC(sizeof(double));
    *c = prob ? prob : 0.5;
    return transforms_lambda(flip_fn, c);
}

typedef struct Crop { int64_t size, pad; } Crop;

static Tensor *crop_fn(Tensor *x, Generator *g, void *ctx)
{
    Crop *c = ctx;
    Planes p = planes_of(x, "transforms_random_crop");
    int64_t sh = c->size ? c->size : p.h, sw = c->size ? c->size : p.w;
    int64_t ph = p.h + 2 * c->pad, pw = p.w + 2 * c->pad;
    if (sh > ph || sw > pw)
        error_raise(ERR_SHAPE, "transforms_random_crop: a %lld x %lld crop does not fit in %lld x %lld padded images",
                    (long long)sh, (long long)sw, (long long)ph, (long long)pw);
    int nd = tensor_ndim(x);
    int64_t shape[TENSOR_MAX_DIMS];
    memcpy(shape, tensor_shape(x), (size_t)nd * sizeof(int64_t));
    shape[nd - 2] = sh;
    shape[nd - 1] = sw;
    Tensor *out = tensor_full_shape_dtype(0, DT_FLOAT32, nd, shape);
    float *o = tensor_data_f32(out);
    for (int64_t i = 0; i < p.n; i++) {
        /* Window top-left in padded coordinates; source = padded - pad. */
        int64_t top = random_int(g, 0, ph - sh + 1) - c->pad, left = random_int(g, 0, pw - sw + 1) - c->pad;
        for (int64_t q = 0; q < p.per; q++) {
            const float *s = p.p + (i * p.per + q) * p.h * p.w;
            float *d = o + (i * p.per + q) * sh * sw;
            for (int64_t r = 0; r < sh; r++)
                for (int64_t k = 0; k < sw; k++) {
                    int64_t y = top + r, xx = left + k;
                    d[r * sw + k] = y >= 0 && y < p.h && xx >= 0 && xx < p.w ? s[y * p.w + xx] : 0.0f;
                }
        }
    }
    p.t = out;
    return planes_done(&p, x);
}

Transform *transforms_random_crop(int64_t size, int64_t padding)
{
    if (size < 0 || padding < 0)
        error_raise(ERR_VALUE, "transforms_random_crop: size %lld and padding %lld must be >= 0", (long long)size, (long long)padding);
    Crop *c = GC_MALLOC_ATOMIC(sizeof *c);
    c->size = size;
    c->pad = padding;
    return transforms_lambda(crop_fn, c);
}

static float bilinear(const float *s, int64_t h, int64_t w, double y, double x)
{
    double fy = floor(y), fx = floor(x), dy = y - fy, dx = x - fx;
    int64_t y0 = (int64_t)fy, x0 = (int64_t)fx;
    double v = 0;
    for (int a = 0; a < 2; a++)
        for (int b = 0; b < 2; b++) {
            int64_t yy = y0 + a, xx = x0 + b;
            double wgt = (a ? dy : 1 - dy) * (b ? dx : 1 - dx);
            if (wgt > 1e-9 && yy >= 0 && yy < h && xx >= 0 && xx < w) v += wgt * s[yy * w + xx];
        }
    return (float)v;
}

static Tensor *affine_fn(Tensor *x, Generator *g, void *ctx)
{
    AffineOptions *a = ctx;
    Planes p = planes_of(x, "transforms_random_affine");
    float *src = GC_MALLOC_ATOMIC((size_t)(p.h * p.w + 1) * sizeof(float));
    double cy = (p.h - 1) / 2.0, cx = (p.w - 1) / 2.0;
    for (int64_t i = 0; i < p.n; i++) {
        double deg = a->degrees ? a->degrees * (2 * random_uniform(g) - 1) : 0;
        double ty = a->translate ? a->translate * p.h * (2 * random_uniform(g) - 1) : 0;
        double tx = a->translate ? a->translate * p.w * (2 * random_uniform(g) - 1) : 0;
        double sc = a->scale_min || a->scale_max ? a->scale_min + (a->scale_max - a->scale_min) * random_uniform(g) : 1;
        double th = deg * M_PI / 180, c = cos(th), s = sin(th);
        for (int64_t q = 0; q < p.per; q++) {
            float *d = p.p + (i * p.per + q) * p.h * p.w;
            memcpy(src, d, (size_t)(p.h * p.w) * sizeof(float));
            for (int64_t r = 0; r < p.h; r++)
                for (int64_t k = 0; k < p.w; k++) {
                    /* Inverse map: undo the shift, the rotation, then the zoom. */
                    double u = k - cx - tx, v = r - cy - ty;
                    double sx = (c * u + s * v) / sc + cx, sy = (-s * u + c * v) / sc + cy;
                    d[r * p.w + k] = bilinear(src, p.h, p.w, sy, sx);
                }
        }
    }
    return planes_done(&p, x);
}

Transform *transforms_random_affine_(const AffineOptions *o)
{
    if (o->degrees < 0 || o->translate < 0 || o->translate > 1 || o->scale_min < 0 || o->scale_max < o->scale_min
        || (o->scale_max > 0 && o->scale_min == 0))
        error_raise(ERR_VALUE, "transforms_random_affine: need degrees >= 0, translate in [0, 1] and "
                    "0 < scale_min <= scale_max (got %g, %g, %g, %g)", o->degrees, o->translate, o->scale_min, o->scale_max);
    AffineOptions *c = GC_MALLOC_ATOMIC(sizeof *c);
    *c = *o;
    return transforms_lambda(affine_fn, c);
}

Transform *transforms_random_rotation(double degrees)
{
    return transforms_random_affine_(&(AffineOptions){ .degrees = degrees < 0 ? -degrees : degrees });
}

Transform *transforms_random_zoom(double lo, double hi)
{
    if (!(lo > 0 && hi >= lo)) error_raise(ERR_VALUE, "transforms_random_zoom: need 0 < lo <= hi (got %g, %g)", lo, hi);
    return transforms_random_affine_(&(AffineOptions){ .scale_min = lo, .scale_max = hi });
}
