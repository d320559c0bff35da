/* "Test the network on your own digits": a photo or a drawing prepared the
 * way MNIST's digits were (LeCun et al.): grayscale, white ink on black,
 * cropped to the digit, resized (aspect kept, antialiased) to fit 20 x 20,
 * then placed in 28 x 28 with its centre of mass at the centre. */
#include "internal.h"
#include "../core/args.h"

#include <math.h>

/* The image as a float64 (H, W) gray tensor in [0, 1]. */
static Tensor *gray_of(Tensor *img, const char *fn)
{
    Tensor *x = tensor_to_device(tensor_detach(img), DEVICE_CPU);
    DType dt = tensor_dtype(x);
    x = tensor_double(x);
    /* Integers, and floats above 1, are 0..255 levels. */
    if (dt == DT_UINT8 || dt == DT_INT64 || tensor_item(tensor_max(x)) > 1) x = tensor_div_scalar(x, 255.0);
    int nd = tensor_ndim(x);
    const int64_t *s = tensor_shape(x);
    if (nd == 4 && s[0] == 1) { x = tensor_select(x, 0, 0); nd = 3; s = tensor_shape(x); }
    if (nd == 3 && (s[2] == 3 || s[2] == 4) && s[0] > 4) { x = tensor_permute(x, 2, 0, 1); s = tensor_shape(x); }
    if (nd == 3 && s[0] == 1) return tensor_select(x, 0, 0);
    if (nd == 3 && (s[0] == 3 || s[0] == 4)) {
        Tensor *g = tensor_add(tensor_add(tensor_mul_scalar(tensor_select(x, 0, 0), 0.299),
                                          tensor_mul_scalar(tensor_select(x, 0, 1), 0.587)),
                               tensor_mul_scalar(tensor_select(x, 0, 2), 0.114));
        if (s[0] == 4) {  /* transparent pixels are paper (white) */
            Tensor *a = tensor_select(x, 0, 3);
            g = tensor_add(tensor_mul(g, a), tensor_rsub_scalar(a, 1));
        }
        return g;
    }
    if (nd == 2) return x;
    error_raise(ERR_SHAPE, "%s: expects one image, (H, W), (1 or 3 or 4, H, W), (H, W, 3) or (1, C, H, W), got shape %s",
                fn, tensor_shape_str(img));
}

Tensor *data_prepare_digit_(Tensor *img, const DigitOptions *o)
{
    CDL_ARG_NAMED("data_prepare_digit", img, "img");
    const char *fn = "data_prepare_digit";
    static const DigitOptions none;
    if (!o) o = &none;
    if (o->invert && o->no_invert) error_raise(ERR_VALUE, "%s: give .invert or .no_invert, not both", fn);
    double thr = o->threshold ? o->threshold : 0.2;
    if (!(thr > 0 && thr < 1)) error_raise(ERR_VALUE, "%s: threshold %g must be in (0, 1)", fn, thr);
    Tensor *g = tensor_contiguous(gray_of(img, fn));
    int64_t H = tensor_size(g, 0), W = tensor_size(g, 1);
    if (H < 1 || W < 1) error_raise(ERR_SHAPE, "%s: the image is empty (shape %s)", fn, tensor_shape_str(img));
    /* White ink on black: a light background (dark ink on paper) is inverted. */
    double mean = tensor_item(tensor_mean(g));
    if (o->invert || (!o->no_invert && mean > 0.5)) g = tensor_rsub_scalar(g, 1);
    /* The paper's grey (the median pixel) becomes 0 and the darkest ink 1. */
    int64_t n = H * W;
    double *v = GC_MALLOC_ATOMIC(sizeof(double) * (size_t)n);
    tensor_to_f64_array(g, v, n);
    int64_t hist[1025] = { 0 };
    for (int64_t i = 0; i < n; i++) {
        double c = v[i] < 0 ? 0 : v[i] > 1 ? 1 : v[i];
        hist[(int)(c * 1024)]++;
    }
    int64_t acc = 0;
    int med = 0;
    while (med < 1024 && (acc += hist[med]) < (n + 1) / 2) med++;
    double bg = med / 1024.0, top = 0;
    for (int64_t i = 0; i < n; i++) top = fmax(top, v[i]);
    if (!(top - bg > 1e-3))
        error_raise(ERR_VALUE, "%s: the image is blank (no ink darker than the paper was found)", fn);
    int64_t r0 = H, r1 = -1, c0 = W, c1 = -1;
    for (int64_t r = 0; r < H; r++)
        for (int64_t c = 0; c < W; c++) {
            double x = (v[r * W + c] - bg) / (top - bg);
            x = x < 0 ? 0 : x > 1 ? 1 : x;
            v[r * W + c] = x;
            if (x > thr) {
                if (r < r0) r0 = r;
                if (r > r1) r1 = r;
                if (c < c0) c0 = c;
                if (c > c1) c1 = c;
            }
        }
    /* Crop to the digit, resize its longer side to 20 (aspect kept). */
    int64_t ch = r1 - r0 + 1, cw = c1 - c0 + 1;
    Tensor *crop = tensor_empty_shape_dtype(DT_FLOAT64, 2, (int64_t[]){ ch, cw });
    double *cp = tensor_data_f64(crop);
    for (int64_t r = 0; r < ch; r++)
        for (int64_t c = 0; c < cw; c++) cp[r * cw + c] = v[(r0 + r) * W + c0 + c];
    int64_t th = ch >= cw ? 20 : (int64_t)llround(20.0 * (double)ch / (double)cw);
    int64_t tw = cw >= ch ? 20 : (int64_t)llround(20.0 * (double)cw / (double)ch);
    if (th < 1) th = 1;
    if (tw < 1) tw = 1;
    Tensor *small = tensor_contiguous(tensor_clamp(tensor_resize(crop, th, tw), 0, 1));
    const double *sp = tensor_data_f64(small);
    /* Centre of mass at the centre of 28 x 28 (pixel centres at i + 0.5: the centre is 14). */
    double m = 0, my = 0, mx = 0;
    for (int64_t r = 0; r < th; r++)
        for (int64_t c = 0; c < tw; c++) {
            double w = sp[r * tw + c];
            m += w;
            my += w * ((double)r + 0.5);
            mx += w * ((double)c + 0.5);
        }
    int64_t oy = m > 0 ? (int64_t)llround(14.0 - my / m) : (28 - th) / 2;
    int64_t ox = m > 0 ? (int64_t)llround(14.0 - mx / m) : (28 - tw) / 2;
    Tensor *out = tensor_zeros_dtype(DT_FLOAT32, 1, 1, 28, 28);
    out = tensor_to_device(out, DEVICE_CPU);
    float *op = tensor_data_f32(out);
    for (int64_t r = 0; r < th; r++)
        for (int64_t c = 0; c < tw; c++) {
            int64_t y = oy + r, x = ox + c;
            if (y >= 0 && y < 28 && x >= 0 && x < 28) op[y * 28 + x] = (float)sp[r * tw + c];
        }
    return out;
}
