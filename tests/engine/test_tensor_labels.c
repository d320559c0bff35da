/* tensor_one_hot / to_categorical / bincount / flip / interpolate / resize
 * against direct loops and PyTorch's / torchvision's formulas; flips and
 * interpolation differentiated by finite differences. */
#include <coursdl.h>
#include "check.h"

static Tensor *f_flip(Tensor **in, void *ctx) { (void)ctx; return tensor_sum(tensor_mul(tensor_flip(in[0], 0, -1), in[1])); }
static Tensor *f_interp(Tensor **in, void *ctx)
{
    (void)ctx;
    return tensor_sum(tensor_square(tensor_interpolate(in[0], .size = { 5, 3 }, .mode = "bilinear", .antialias = true)));
}
static Tensor *f_softmax(Tensor **in, void *ctx) { (void)ctx; return tensor_sum(tensor_square(tensor_softmax(in[0], 1))); }

/* PyTorch's bilinear (align_corners False): src = (i + 0.5) in / out - 0.5, clamped at 0. */
static double bilinear_ref(const double *img, int H, int W, int OH, int OW, int i, int j)
{
    double sy = (i + 0.5) * H / OH - 0.5, sx = (j + 0.5) * W / OW - 0.5;
    if (sy < 0) sy = 0;
    if (sx < 0) sx = 0;
    int y0 = (int)sy, x0 = (int)sx, y1 = y0 + 1 < H ? y0 + 1 : H - 1, x1 = x0 + 1 < W ? x0 + 1 : W - 1;
    double ly = sy - y0, lx = sx - x0;
    return (1 - ly) * ((1 - lx) * img[y0 * W + x0] + lx * img[y0 * W + x1]) + ly * ((1 - lx) * img[y1 * W + x0] + lx * img[y1 * W + x1]);
}

int main(void)
{
    check_init();
    /* one_hot: int64 like PyTorch, any shape; to_categorical: float32 rows, (N, 1) squeezed like Keras. */
    Tensor *y = tensor_from_i64(((int64_t[]){ 2, 0, 3, 2 }), 4);
    Tensor *oh = tensor_one_hot(y, 0);
    CHECK(tensor_dtype(oh) == DT_INT64 && tensor_size(oh, 1) == 4);
    bool ok = true;
    for (int i = 0; i < 4; i++)
        for (int c = 0; c < 4; c++) ok = ok && tensor_get(oh, i, c) == (c == tensor_get(y, i));
    CHECK(ok);
    CHECK(tensor_ndim(tensor_one_hot(tensor_reshape(y, 2, 2), 5)) == 3);
    Tensor *cat = tensor_to_categorical(tensor_reshape(tensor_to_dtype(y, DT_UINT8), 4, 1), 10);
    CHECK(tensor_dtype(cat) == DT_FLOAT32 && tensor_ndim(cat) == 2 && tensor_size(cat, 1) == 10);
    CHECK(tensor_equal(tensor_argmax_dim(cat, 1, false), y) && tensor_item(tensor_sum(cat)) == 4);
    CHECK(tensor_equal(tensor_to_categorical(tensor_double(y), 4), tensor_float(oh)));
    CHECK_RAISES(ERR_VALUE, "out of range for 3 classes", tensor_to_categorical(y, 3));
    CHECK_RAISES(ERR_VALUE, "not a class index", tensor_one_hot(tensor_of(0.5), 2));
    CHECK_RAISES(ERR_VALUE, "negative", tensor_one_hot(tensor_from_i64(((int64_t[]){ -1 }), 1), 2));

    /* bincount: counts, minlength, weights. */
    Tensor *bc = tensor_bincount(y);
    CHECK(tensor_dtype(bc) == DT_INT64 && tensor_numel(bc) == 4);
    CHECK(tensor_get(bc, 0) == 1 && tensor_get(bc, 1) == 0 && tensor_get(bc, 2) == 2 && tensor_get(bc, 3) == 1);
    CHECK(tensor_numel(tensor_bincount(y, .minlength = 10)) == 10);
    Tensor *wb = tensor_bincount(y, .weights = tensor_of(0.5, 1.0, 2.0, 0.25));
    CHECK(tensor_dtype(wb) == DT_FLOAT32);
    CHECK_CLOSE(tensor_get(wb, 2), 0.75, 1e-7);
    CHECK_CLOSE(tensor_get(wb, 3), 2.0, 1e-7);
    Dataset *mn = datasets_mnist(NULL, true, .limit = 1000);
    Tensor *counts = tensor_bincount(data_y(mn), .minlength = 10);
    CHECK(tensor_item(tensor_sum(counts)) == 1000 && tensor_numel(counts) == 10);
    CHECK_RAISES(ERR_SHAPE, "1-D", tensor_bincount(tensor_reshape(y, 2, 2)));

    /* flip: reversed along the dims; its gradient by finite differences. */
    Tensor *a = tensor_reshape(tensor_arange(0, 24, 1), 2, 3, 4);
    Tensor *fa = tensor_flip(a, -1);
    CHECK(tensor_get(fa, 1, 2, 0) == tensor_get(a, 1, 2, 3) && tensor_get(fa, 0, 1, 3) == tensor_get(a, 0, 1, 0));
    Tensor *fb = tensor_flip(a, 0, 2);
    CHECK(tensor_get(fb, 0, 1, 0) == tensor_get(a, 1, 1, 3));
    CHECK(tensor_equal(tensor_flip(tensor_flip(a, 1), 1), a));
    CHECK_RAISES(ERR_INDEX, "out of range", tensor_flip(a, 3));
    CHECK_RAISES(ERR_VALUE, "more than once", tensor_flip(a, 1, -2));
    manual_seed(0);
    Tensor *in[2] = { tensor_requires_grad_(tensor_to_dtype(tensor_randn(3, 4), DT_FLOAT64), true),
                      tensor_requires_grad_(tensor_to_dtype(tensor_randn(3, 4), DT_FLOAT64), true) };
    CHECK(autograd_gradcheck(f_flip, NULL, 2, in, .order = 2));
    CHECK_STR(tensor_grad_fn_name(tensor_flip(in[0], 0)), "FlipBackward0");

    /* softmax: one SoftmaxBackward0 node, first and second derivatives. */
    CHECK_STR(tensor_grad_fn_name(tensor_softmax(in[0], 1)), "SoftmaxBackward0");
    CHECK(autograd_gradcheck(f_softmax, NULL, 1, in, .order = 2));

    /* interpolate: PyTorch's bilinear and nearest, against the formulas. */
    int H = 5, W = 7, OH = 3, OW = 4;
    Tensor *img = tensor_to_dtype(tensor_randn(1, 1, H, W), DT_FLOAT64);
    double px[35];
    tensor_to_f64_array(img, px, 35);
    Tensor *bl = tensor_interpolate(img, .size = { OH, OW }, .mode = "bilinear");
    double worst = 0;
    for (int i = 0; i < OH; i++)
        for (int j = 0; j < OW; j++) worst = fmax(worst, fabs(tensor_get(bl, 0, 0, i, j) - bilinear_ref(px, H, W, OH, OW, i, j)));
    CHECK(worst < 1e-12);
    Tensor *up = tensor_interpolate(img, .size = { 10, 14 }, .mode = "bilinear");
    worst = 0;
    for (int i = 0; i < 10; i++)
        for (int j = 0; j < 14; j++) worst = fmax(worst, fabs(tensor_get(up, 0, 0, i, j) - bilinear_ref(px, H, W, 10, 14, i, j)));
    CHECK(worst < 1e-12);
    /* The scale factor gives the same as the sizes when they agree (nn_upsample's bilinear too). */
    CHECK(tensor_allclose(tensor_interpolate(img, .scale_factor = 2, .mode = "bilinear"), up, 0, 1e-12));
    CHECK(tensor_allclose(nn_forward(nn_to_dtype(nn_upsample(2, .bilinear = true), DT_FLOAT64), img), up, 0, 1e-12));
    Tensor *nn = tensor_interpolate(img, .size = { 2, 3 });  /* nearest: src = floor(i * in / out) */
    CHECK(tensor_get(nn, 0, 0, 1, 2) == px[(1 * 5 / 2) * W + 2 * 7 / 3]);
    /* Antialiased shrinking keeps a constant image constant and averages a checkerboard to grey. */
    Tensor *cst = tensor_full_dtype(0.3, DT_FLOAT64, 1, 2, 33, 41);
    CHECK(tensor_allclose(tensor_interpolate(cst, .size = { 7, 9 }, .mode = "bilinear", .antialias = true),
                          tensor_full_dtype(0.3, DT_FLOAT64, 1, 2, 7, 9), 0, 1e-12));
    Tensor *g2[1] = { tensor_requires_grad_(tensor_to_dtype(tensor_randn(1, 1, 9, 6), DT_FLOAT64), true) };
    CHECK(autograd_gradcheck(f_interp, NULL, 1, g2));
    CHECK_RAISES(ERR_TYPE, "floating", tensor_interpolate(tensor_zeros_dtype(DT_UINT8, 1, 1, 4, 4), .size = { 2, 2 }));
    CHECK_RAISES(ERR_VALUE, "either .size", tensor_interpolate(img));
    CHECK_RAISES(ERR_VALUE, "mode \"bicubic\"", tensor_interpolate(img, .size = { 2, 2 }, .mode = "bicubic"));

    /* resize: torchvision's (antialiased bilinear), dtype kept. */
    Tensor *u8 = tensor_to_dtype(tensor_mul_scalar(tensor_rand(3, 28, 28), 255), DT_UINT8);
    Tensor *r = tensor_resize(u8, 20, 14);
    CHECK(tensor_dtype(r) == DT_UINT8 && tensor_size(r, 1) == 20 && tensor_size(r, 2) == 14);
    Tensor *rf = tensor_resize(tensor_float(u8), 20, 14);
    CHECK(tensor_allclose(tensor_float(r), tensor_round(rf), 0, 1.0));
    return CHECK_DONE();
}
