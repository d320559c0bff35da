/* Non-square convolutions and pools ((height, width) pairs) and pooling's
 * ceil_mode: output sizes against PyTorch's formulas, values against
 * direct loops written here, gradients by finite differences. */
#include "nn_check.h"

/* A float64 input that gradcheck differentiates. */
static Tensor *rg(Tensor *t) { return tensor_requires_grad_(tensor_to_dtype(t, DT_FLOAT64), true); }

/* Direct 2-D convolution, float64, no groups: the reference. */
static Tensor *naive_conv(Tensor *x, Tensor *w, Tensor *b, int sh, int sw, int ph, int pw, int dh, int dw)
{
    int64_t N = tensor_size(x, 0), C = tensor_size(x, 1), H = tensor_size(x, 2), W = tensor_size(x, 3);
    int64_t O = tensor_size(w, 0), kh = tensor_size(w, 2), kw = tensor_size(w, 3);
    int64_t OH = (H + 2 * ph - dh * (kh - 1) - 1) / sh + 1, OW = (W + 2 * pw - dw * (kw - 1) - 1) / sw + 1;
    Tensor *y = tensor_zeros_dtype(DT_FLOAT64, N, O, OH, OW);
    for (int64_t n = 0; n < N; n++)
        for (int64_t o = 0; o < O; o++)
            for (int64_t i = 0; i < OH; i++)
                for (int64_t j = 0; j < OW; j++) {
                    double s = tensor_get(b, o);
                    for (int64_t c = 0; c < C; c++)
                        for (int64_t a = 0; a < kh; a++)
                            for (int64_t q = 0; q < kw; q++) {
                                int64_t r = i * sh - ph + a * dh, t = j * sw - pw + q * dw;
                                if (r >= 0 && r < H && t >= 0 && t < W)
                                    s += tensor_get(x, n, c, r, t) * tensor_get(w, o, c, a, q);
                            }
                    tensor_set(y, s, n, o, i, j);
                }
    return y;
}

static void test_conv_pairs(void)
{
    manual_seed(4);
    Module *m = nn_conv2d(2, 3, 0, .kernel_hw = { 3, 5 }, .stride_hw = { 1, 2 }, .padding_hw = { 1, 2 },
                          .dilation_hw = { 2, 1 });
    nn_to_dtype(m, DT_FLOAT64);
    Tensor *w = nn_get_parameter(m, "weight");
    CHECK_STR(tensor_shape_str(w), "(3, 2, 3, 5)");
    CHECK(strstr(nn_repr(m), "kernel_size=(3, 5), stride=(1, 2), padding=(1, 2), dilation=(2, 1)") != NULL);
    Tensor *x = tensor_to_dtype(tensor_randn(2, 2, 9, 11), DT_FLOAT64);
    Tensor *y = nn_forward(m, x);
    /* (9 + 2 - 2*2 - 1) / 1 + 1 = 7, (11 + 4 - 4 - 1) / 2 + 1 = 6 */
    CHECK_STR(tensor_shape_str(y), "(2, 3, 7, 6)");
    CHECK(tensor_allclose(y, naive_conv(x, w, nn_get_parameter(m, "bias"), 1, 2, 1, 2, 2, 1), 1e-10, 1e-10));
    CHECK(check_layer(nn_conv2d(2, 2, 0, .kernel_hw = { 2, 3 }, .stride_hw = { 2, 1 }, .padding_hw = { 0, 1 }),
                      rg(tensor_randn(1, 2, 5, 4)), 1));
    /* "same" with an even x odd kernel keeps the size */
    CHECK_STR(tensor_shape_str(nn_forward(nn_conv2d(1, 1, 0, .kernel_hw = { 2, 3 }, .padding = NN_PADDING_SAME),
                                          tensor_randn(1, 1, 6, 7))), "(1, 1, 6, 7)");
    /* a square layer still prints like before */
    CHECK(strstr(nn_repr(nn_conv2d(1, 4, 3)), "kernel_size=3, stride=1, padding=0") != NULL);
    /* transposed: the adjoint of the conv with the same pairs */
    Module *ct = nn_conv_transpose2d(3, 2, 0, .kernel_hw = { 3, 2 }, .stride_hw = { 2, 1 }, .padding_hw = { 1, 0 },
                                     .no_bias = true);
    Module *cv = nn_conv2d(2, 3, 0, .kernel_hw = { 3, 2 }, .stride_hw = { 2, 1 }, .padding_hw = { 1, 0 },
                           .no_bias = true);
    nn_to_dtype(ct, DT_FLOAT64);
    nn_to_dtype(cv, DT_FLOAT64);
    nn_register_parameter(cv, "weight", nn_get_parameter(ct, "weight"));
    Tensor *u = tensor_to_dtype(tensor_randn(1, 3, 4, 5), DT_FLOAT64);
    Tensor *yt = nn_forward(ct, u);
    CHECK_STR(tensor_shape_str(yt), "(1, 2, 7, 6)");  /* (4-1)*2 - 2 + 2 + 1, (5-1) + 1 + 1 */
    Tensor *v = tensor_randn_like(yt);
    CHECK_CLOSE(tensor_item(tensor_sum(tensor_mul(yt, v))), tensor_item(tensor_sum(tensor_mul(u, nn_forward(cv, v)))),
                1e-9);
    CHECK(check_layer(ct, rg(u), 1));
    CHECK_RAISES(ERR_VALUE, "2-D layers", nn_conv1d(1, 2, 3, .kernel_hw = { 1, 3 }));
}

static void test_pool_pairs(void)
{
    manual_seed(6);
    Tensor *x = tensor_randn(2, 3, 6, 5);
    Tensor *y = nn_forward(nn_max_pool2d(0, .kernel_hw = { 2, 1 }), x);
    CHECK_STR(tensor_shape_str(y), "(2, 3, 3, 5)");
    CHECK_CLOSE(tensor_get(y, 1, 2, 1, 3), fmax(tensor_get(x, 1, 2, 2, 3), tensor_get(x, 1, 2, 3, 3)), 0);
    Tensor *a = nn_forward(nn_avg_pool2d(3, .stride_hw = { 3, 1 }, .padding_hw = { 1, 0 }), x);
    /* (6 + 2 - 3) / 3 + 1 = 2, (5 - 3) / 1 + 1 = 3 */
    CHECK_STR(tensor_shape_str(a), "(2, 3, 2, 3)");
    double s = 0;
    for (int i = 2; i < 5; i++)
        for (int j = 1; j < 4; j++)
            s += tensor_get(x, 0, 1, i, j);
    CHECK_CLOSE(tensor_get(a, 0, 1, 1, 1), s / 9, 1e-6);
    CHECK(strstr(nn_repr(nn_max_pool2d(0, .kernel_hw = { 2, 1 })), "kernel_size=(2, 1), stride=(2, 1)") != NULL);
    Tensor *x64 = rg(tensor_randn(1, 2, 7, 6));
    CHECK(check_layer(nn_max_pool2d(0, .kernel_hw = { 3, 2 }, .stride_hw = { 2, 1 }, .padding_hw = { 1, 1 }), x64, 1));
    CHECK(check_layer(nn_avg_pool2d(0, .kernel_hw = { 3, 2 }, .stride_hw = { 2, 1 }, .padding_hw = { 1, 1 }), x64, 2));
}

/* PyTorch's rule: ceil((in + 2p - k) / s) + 1, minus one when that last
 * window would start past the input and its left padding. */
static int64_t ceil_out(int64_t in, int k, int s, int p)
{
    int64_t o = (in + 2 * p - k + s - 1) / s + 1;
    return (o - 1) * s >= in + p ? o - 1 : o;
}

static void test_ceil_mode(void)
{
    const int cases[][4] = { { 5, 2, 2, 0 }, { 7, 3, 2, 1 }, { 5, 3, 3, 1 }, { 6, 2, 2, 1 }, { 28, 3, 2, 0 } };
    for (int c = 0; c < 5; c++) {
        int in = cases[c][0], k = cases[c][1], st = cases[c][2], p = cases[c][3];
        Tensor *x = tensor_randn(1, 1, in, in);
        Tensor *y = nn_forward(nn_max_pool2d(k, .stride = st, .padding = p, .ceil_mode = true), x);
        CHECK(tensor_size(y, 2) == ceil_out(in, k, st, p) && tensor_size(y, 3) == ceil_out(in, k, st, p));
        Tensor *f = nn_forward(nn_avg_pool2d(k, .stride = st, .padding = p), x);
        CHECK(tensor_size(f, 2) == (in + 2 * p - k) / st + 1);
    }
    /* 5 x 5 = 0..24, 2 x 2 windows: the last column / row are windows of their own */
    Tensor *x = tensor_reshape(tensor_arange(0, 25, 1), 1, 1, 5, 5);
    Tensor *mp = nn_forward(nn_max_pool2d(2, .ceil_mode = true), x);
    CHECK_STR(tensor_shape_str(mp), "(1, 1, 3, 3)");
    CHECK_CLOSE(tensor_get(mp, 0, 0, 0, 2), 9, 0);   /* max(x[0..1][4]) */
    CHECK_CLOSE(tensor_get(mp, 0, 0, 2, 2), 24, 0);
    Tensor *ap = nn_forward(nn_avg_pool2d(2, .ceil_mode = true), x);
    CHECK_CLOSE(tensor_get(ap, 0, 0, 2, 2), 24, 1e-6);             /* a window of one cell */
    CHECK_CLOSE(tensor_get(ap, 0, 0, 0, 2), (4 + 9) / 2.0, 1e-6);  /* of two */
    /* with padding the divisor counts the padding, not the overhang */
    Tensor *app = nn_forward(nn_avg_pool2d(3, .stride = 3, .padding = 1, .ceil_mode = true), tensor_ones(1, 1, 5, 5));
    CHECK_STR(tensor_shape_str(app), "(1, 1, 2, 2)");
    CHECK_CLOSE(tensor_get(app, 0, 0, 0, 0), 4 / 9.0, 1e-6);
    CHECK_CLOSE(tensor_get(app, 0, 0, 1, 1), 9 / 9.0, 1e-6);
    /* gradients, and the float32 path (no argmax-free shortcut past the edge) equal to float64 */
    Tensor *x64 = rg(tensor_randn(2, 2, 5, 7));
    CHECK(check_layer(nn_max_pool2d(2, .ceil_mode = true), x64, 1));
    CHECK(check_layer(nn_avg_pool2d(3, .stride = 2, .padding = 1, .ceil_mode = true), x64, 2));
    Tensor *a = tensor_requires_grad_(tensor_detach(tensor_to_dtype(x64, DT_FLOAT32)), true);
    Tensor *b = tensor_requires_grad_(tensor_detach(x64), true);
    Module *pool = nn_max_pool2d(2, .ceil_mode = true);
    tensor_backward(tensor_sum(tensor_square(nn_forward(pool, a))));
    tensor_backward(tensor_sum(tensor_square(nn_forward(pool, b))));
    CHECK(tensor_allclose(tensor_to_dtype(tensor_grad(a), DT_FLOAT64), tensor_grad(b), 1e-5, 1e-5));
    CHECK(strstr(nn_repr(pool), "ceil_mode=True") != NULL);
}

int main(void)
{
    check_init();
    test_conv_pairs();
    test_pool_pairs();
    test_ceil_mode();
    return CHECK_DONE();
}
