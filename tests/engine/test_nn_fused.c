/* The CNN fast paths equal the plain ops they replace: Sequential's fused
 * Conv2d + ReLU (forward, the three gradients, frozen weights, second
 * order), the argmax-free 2x2 float32 max-pool (ties, NaN, odd sizes), and
 * the thread count (set_num_threads) changed between a forward and its
 * backward. */
#include "check.h"

#include <math.h>

Tensor *nn_f_conv2d(Tensor *x, Tensor *w, Tensor *b, int sh, int sw, int ph, int pw, int dh, int dw, int groups);
Tensor *nn_f_conv2d_act(Tensor *x, Tensor *w, Tensor *b, int sh, int sw, int ph, int pw, int dh, int dw, int groups,
                        bool relu);

static Tensor *fused_fn(Tensor **in, void *ctx)
{
    (void)ctx;
    return nn_f_conv2d_act(in[0], in[1], in[2], 1, 1, 1, 1, 1, 1, 1, true);
}

static double max_diff(Tensor *a, Tensor *b) { return tensor_item(tensor_max(tensor_abs(tensor_sub(a, b)))); }

static Tensor *leaf(Tensor *t) { return tensor_requires_grad_(tensor_detach(t), true); }

/* Sequential(conv, relu) against conv then relu as separate ops. */
static void check_conv_relu(DType dt, int n, int c, int o, int stride, int pad, bool freeze_w)
{
    Module *conv = nn_conv2d(c, o, 3, .stride = stride, .padding = pad);
    Module *seq = nn_sequential(conv, nn_relu());
    nn_to_dtype(seq, dt);
    Tensor *w = nn_get_parameter(conv, "weight"), *b = nn_get_parameter(conv, "bias");
    if (freeze_w)
        tensor_requires_grad_(w, false);
    Tensor *x = tensor_requires_grad_(tensor_to_dtype(tensor_randn(n, c, 13, 12), dt), true);
    Tensor *y = nn_forward(seq, x);
    Tensor *r = tensor_randn_like(y);
    tensor_backward(tensor_sum(tensor_mul(y, r)));

    Tensor *x2 = leaf(x), *w2 = freeze_w ? tensor_detach(w) : leaf(w), *b2 = leaf(b);
    Tensor *y2 = tensor_relu(nn_f_conv2d(x2, w2, b2, stride, stride, pad, pad, 1, 1, 1));
    tensor_backward(tensor_sum(tensor_mul(y2, r)));
    double tol = dt == DT_FLOAT64 ? 1e-12 : 1e-4;
    CHECK_CLOSE(max_diff(y, y2), 0, tol);
    CHECK(tensor_item(tensor_min(y)) >= 0);
    CHECK_CLOSE(max_diff(tensor_grad(x), tensor_grad(x2)), 0, tol);
    CHECK_CLOSE(max_diff(tensor_grad(b), tensor_grad(b2)), 0, tol);
    if (freeze_w)
        CHECK(tensor_grad(w) == NULL);
    else
        CHECK_CLOSE(max_diff(tensor_grad(w), tensor_grad(w2)), 0, tol);
}

static void test_conv_relu_fusion(void)
{
    manual_seed(11);
    for (int f64 = 0; f64 < 2; f64++) {
        DType dt = f64 ? DT_FLOAT64 : DT_FLOAT32;
        check_conv_relu(dt, 37, 3, 8, 1, 0, false);  /* several chunks of images */
        check_conv_relu(dt, 5, 4, 6, 2, 1, false);
        check_conv_relu(dt, 9, 2, 4, 1, 1, true);    /* frozen weights: no columns kept */
    }
    /* finite differences through the fused pair, first and second order */
    Tensor *in[3] = { leaf(tensor_to_dtype(tensor_randn(2, 2, 5, 4), DT_FLOAT64)),
                      leaf(tensor_to_dtype(tensor_randn(3, 2, 3, 3), DT_FLOAT64)),
                      leaf(tensor_to_dtype(tensor_randn(3), DT_FLOAT64)) };
    CHECK(autograd_gradcheck(fused_fn, NULL, 3, in, .order = 2));
    /* the summary still lists the ReLU with its output shape */
    Module *cnn = nn_sequential(nn_conv2d(1, 4, 3), nn_relu(), nn_max_pool2d(2));
    char *s = nn_summary_string(cnn, 1, 10, 10);
    char *relu = strstr(s, "ReLU");
    CHECK(relu && strstr(relu, "[-1, 4, 8, 8]") && strstr(relu, "[-1, 4, 8, 8]") < strstr(relu, "MaxPool2d"));
    /* a ReLU on its own keeps its own backward */
    Tensor *x = tensor_requires_grad_(tensor_randn(2, 1, 10, 10), true);
    Tensor *h = nn_forward(nn_relu(), nn_forward(nn_conv2d(1, 4, 3), x));
    CHECK_STR(tensor_grad_fn_name(h), "ReluBackward0");
}

/* The float32 2x2 pool (argmax found again in the backward) against the
 * float64 one (argmax kept) on the same values. */
static void check_pool2(Tensor *x64)
{
    Tensor *a = leaf(tensor_to_dtype(x64, DT_FLOAT32)), *b = leaf(x64);
    Module *mp = nn_max_pool2d(2);
    Tensor *ya = nn_forward(mp, a), *yb = nn_forward(mp, b);
    Tensor *r = tensor_randn_like(yb);
    tensor_backward(tensor_sum(tensor_mul(ya, tensor_to_dtype(r, DT_FLOAT32))));
    tensor_backward(tensor_sum(tensor_mul(yb, r)));
    CHECK(tensor_equal(tensor_to_dtype(ya, DT_FLOAT64), yb));
    CHECK(tensor_allclose(tensor_to_dtype(tensor_grad(a), DT_FLOAT64), tensor_grad(b), 1e-6, 1e-6));
    /* exactly one cell per window gets the gradient: as many non-zeros */
    CHECK(tensor_item(tensor_sum(tensor_ne_scalar(tensor_grad(a), 0))) ==
          tensor_item(tensor_sum(tensor_ne_scalar(tensor_grad(b), 0))));
}

static void test_pool2(void)
{
    manual_seed(5);
    /* few distinct values: many ties (the first of equal values wins) */
    check_pool2(tensor_to_dtype(tensor_randint(0, 3, 3, 4, 26, 26), DT_FLOAT64));
    check_pool2(tensor_to_dtype(tensor_randint(0, 3, 2, 3, 7, 9), DT_FLOAT64));  /* odd: last row / column unused */
    check_pool2(tensor_randn(2, 5, 13, 13));
    check_pool2(tensor_randn(1, 2, 2, 34));  /* rows of 17 windows: full groups of 8 and a tail */
    /* NaN wins its window and takes the gradient, like in PyTorch, even
     * when a bigger value comes after it; in both paths */
    for (int f64 = 0; f64 < 2; f64++) {
        Tensor *x = tensor_zeros_dtype(f64 ? DT_FLOAT64 : DT_FLOAT32, 1, 1, 4, 4);
        tensor_set(x, NAN, 0, 0, 1, 0);
        tensor_set(x, 5.0, 0, 0, 1, 1);
        tensor_set(x, NAN, 0, 0, 0, 2);
        tensor_set(x, 7.0, 0, 0, 0, 3);
        x = leaf(x);
        Tensor *y = nn_forward(nn_max_pool2d(2), x);
        CHECK(isnan(tensor_get(y, 0, 0, 0, 0)) && isnan(tensor_get(y, 0, 0, 0, 1)));
        tensor_backward(tensor_sum(y));
        CHECK_CLOSE(tensor_get(tensor_grad(x), 0, 0, 1, 0), 1, 0);
        CHECK_CLOSE(tensor_get(tensor_grad(x), 0, 0, 1, 1), 0, 0);
        CHECK_CLOSE(tensor_get(tensor_grad(x), 0, 0, 0, 2), 1, 0);
        CHECK_CLOSE(tensor_get(tensor_grad(x), 0, 0, 0, 3), 0, 0);
    }
    /* second order through the float32 path (the graph form finds the argmax again) */
    Tensor *a = leaf(tensor_randn(1, 2, 4, 6));
    Tensor *g = autograd_grad(tensor_sum(tensor_pow_scalar(nn_forward(nn_max_pool2d(2), a), 2)), a,
                              .create_graph = true);
    Tensor *gg = autograd_grad(tensor_sum(g), a);
    Tensor *mask = tensor_to_dtype(tensor_ne_scalar(g, 0), DT_FLOAT32);
    CHECK(tensor_allclose(gg, tensor_mul_scalar(mask, 2), 1e-6, 1e-6));
}

static void test_threads(void)
{
    int all = get_num_threads();
    CHECK(all >= 1);
    set_num_threads(1);
    CHECK(get_num_threads() == 1);
    set_num_threads(0);
    CHECK(get_num_threads() == all);
    set_num_threads(1000);
    CHECK(get_num_threads() == all);
    /* a conv's forward on every thread, its backward on one: the kept
     * columns are read with the forward's chunking */
    manual_seed(2);
    Module *conv = nn_conv2d(3, 5, 3);
    Tensor *x = tensor_requires_grad_(tensor_randn(40, 3, 11, 11), true);
    Tensor *y = nn_forward(conv, x);
    set_num_threads(1);
    tensor_backward(tensor_sum(tensor_square(y)));
    Tensor *gw1 = tensor_grad(nn_get_parameter(conv, "weight")), *gx1 = tensor_grad(x);
    set_num_threads(0);
    nn_zero_grad(conv);
    Tensor *x2 = leaf(x);
    tensor_backward(tensor_sum(tensor_square(nn_forward(conv, x2))));
    CHECK(tensor_allclose(gw1, tensor_grad(nn_get_parameter(conv, "weight")), 1e-4, 1e-4));
    CHECK(tensor_allclose(gx1, tensor_grad(x2), 1e-5, 1e-5));
}

int main(void)
{
    check_init();
    test_conv_relu_fusion();
    test_pool2();
    test_threads();
    return CHECK_DONE();
}
