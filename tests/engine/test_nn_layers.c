/* Convolutions, pooling, upsampling, dropout, normalisation, embedding and
 * shape layers: output sizes against the formulas, values against naive
 * loops, gradcheck (second order for conv to cover the create_graph path),
 * train vs eval semantics. */
#include "nn_check.h"

static Tensor *rnd4(int64_t a, int64_t b, int64_t c, int64_t d)
{
    return tensor_requires_grad_(tensor_double(tensor_randn(a, b, c, d)), true);
}

static int64_t conv_out(int64_t in, int k, int s, int p, int d) { return (in + 2 * p - d * (k - 1) - 1) / s + 1; }

/* Naive conv2d for reference (float64). */
static double naive(Tensor *x, Tensor *w, Tensor *b, int n, int o, int oh, int ow, int s, int p, int d, int groups)
{
    int64_t C = tensor_size(x, 1), H = tensor_size(x, 2), W = tensor_size(x, 3);
    int64_t Cg = tensor_size(w, 1), k = tensor_size(w, 2), Og = tensor_size(w, 0) / groups;
    int gidx = o / Og;
    double acc = b ? tensor_get(b, o) : 0;
    for (int64_t c = 0; c < Cg; c++)
        for (int64_t i = 0; i < k; i++)
            for (int64_t j = 0; j < k; j++) {
                int64_t ih = oh * s - p + i * d, iw = ow * s - p + j * d;
                if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                acc += tensor_get(x, n, gidx * Cg + c, ih, iw) * tensor_get(w, o, c, i, j);
            }
    (void)C;
    return acc;
}

static void test_conv2d(void)
{
    manual_seed(7);
    int ks[] = { 1, 3, 4 }, ss[] = { 1, 2, 3 }, ps[] = { 0, 1, 2 }, ds[] = { 1, 2 };
    int bad = 0, bad_val = 0;
    for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++)
            for (int c = 0; c < 3; c++)
                for (int e = 0; e < 2; e++) {
                    int k = ks[a], s = ss[b], p = ps[c], d = ds[e];
                    if (2 * p > 9 || conv_out(9, k, s, p, d) <= 0) continue;
                    Module *m = nn_conv2d(2, 4, k, .stride = s, .padding = p, .dilation = d);
                    Tensor *x = tensor_randn(2, 2, 9, 8);
                    Tensor *y = nn_forward(m, x);
                    if (tensor_size(y, 2) != conv_out(9, k, s, p, d) || tensor_size(y, 3) != conv_out(8, k, s, p, d) ||
                        tensor_size(y, 1) != 4 || tensor_size(y, 0) != 2)
                        bad++;
                    Tensor *w = nn_get_parameter(m, "weight"), *bb = nn_get_parameter(m, "bias");
                    double want = naive(x, w, bb, 1, 3, (int)tensor_size(y, 2) - 1, 0, s, p, d, 1);
                    if (fabs(tensor_get(y, 1, 3, tensor_size(y, 2) - 1, 0) - want) > 1e-4) bad_val++;
                }
    CHECK(bad == 0);
    CHECK(bad_val == 0);
    /* "same" padding keeps the size, odd and even kernels, with dilation */
    CHECK_STR(tensor_shape_str(nn_forward(nn_conv2d(3, 5, 3, .padding = NN_PADDING_SAME), tensor_randn(1, 3, 7, 6))),
              "(1, 5, 7, 6)");
    CHECK_STR(tensor_shape_str(nn_forward(nn_conv2d(3, 5, 4, .padding = NN_PADDING_SAME, .dilation = 2),
                                          tensor_randn(1, 3, 7, 6))), "(1, 5, 7, 6)");
    CHECK_STR(tensor_shape_str(nn_forward(nn_conv2d(3, 5, 4, .padding = NN_PADDING_SAME), tensor_randn(3, 7, 6))),
              "(5, 7, 6)");
    /* groups: values against the naive loop */
    Module *g = nn_conv2d(4, 6, 3, .groups = 2, .padding = 1);
    CHECK(tensor_size(nn_get_parameter(g, "weight"), 1) == 2);
    Tensor *x = tensor_randn(2, 4, 5, 5);
    Tensor *y = nn_forward(g, x);
    CHECK_CLOSE(tensor_get(y, 1, 4, 2, 3), naive(x, nn_get_parameter(g, "weight"), nn_get_parameter(g, "bias"),
                                                 1, 4, 2, 3, 1, 1, 1, 2), 1e-4);
    CHECK_CLOSE(tensor_get(y, 0, 1, 0, 0), naive(x, nn_get_parameter(g, "weight"), nn_get_parameter(g, "bias"),
                                                 0, 1, 0, 0, 1, 1, 1, 2), 1e-4);
    /* parameter count and default init bound 1/sqrt(C k k) */
    Module *c1 = nn_conv2d(1, 32, 3);
    CHECK(nn_num_parameters(c1, false) == 320);
    CHECK(tensor_item(tensor_max(tensor_abs(nn_get_parameter(c1, "weight")))) <= 1.0 / 3);
    CHECK_RAISES(ERR_SHAPE, "expects 3 (in_channels)", nn_forward(nn_conv2d(3, 4, 3), tensor_randn(1, 2, 8, 8)));
    CHECK_RAISES(ERR_SHAPE, "too small", nn_forward(nn_conv2d(1, 1, 5), tensor_randn(1, 1, 3, 3)));
    CHECK_RAISES(ERR_VALUE, "divisible by groups", nn_conv2d(3, 4, 3, .groups = 2));
    /* gradients */
    CHECK(check_layer(nn_conv2d(2, 3, 3), rnd4(2, 2, 5, 4), 1));
    CHECK(check_layer(nn_conv2d(2, 3, 3, .stride = 2, .padding = 1, .dilation = 1), rnd4(2, 2, 5, 5), 1));
    CHECK(check_layer(nn_conv2d(2, 2, 2, .dilation = 2, .padding = NN_PADDING_SAME), rnd4(1, 2, 5, 4), 1));
    CHECK(check_layer(nn_conv2d(4, 2, 3, .groups = 2, .no_bias = true, .padding = 1), rnd4(1, 4, 4, 4), 1));
    CHECK(check_layer(nn_conv2d(2, 2, 3, .padding = 1), rnd4(1, 2, 4, 3), 2));
    CHECK(check_layer(nn_conv2d(2, 2, 3, .groups = 2, .stride = 2), rnd4(1, 2, 5, 5), 2));
}

static void test_conv1d_transpose(void)
{
    Module *c = nn_conv1d(3, 4, 3, .stride = 2, .padding = 1);
    CHECK_STR(tensor_shape_str(nn_forward(c, tensor_randn(2, 3, 10))), "(2, 4, 5)");
    CHECK_STR(tensor_shape_str(nn_forward(c, tensor_randn(3, 10))), "(4, 5)");
    CHECK(nn_num_parameters(c, false) == 4 * 3 * 3 + 4);
    CHECK(check_layer(nn_conv1d(2, 3, 3, .dilation = 2, .padding = 2), tensor_requires_grad_(tensor_double(tensor_randn(2, 2, 7)), true), 1));
    /* transposed: output size formula, and it is the adjoint of conv2d */
    Module *t = nn_conv_transpose2d(4, 2, 4, .stride = 2, .padding = 1);
    CHECK_STR(tensor_shape_str(nn_forward(t, tensor_randn(3, 4, 5, 6))), "(3, 2, 10, 12)");
    Module *t2 = nn_conv_transpose2d(4, 2, 3, .stride = 2, .padding = 1, .output_padding = 1);
    CHECK_STR(tensor_shape_str(nn_forward(t2, tensor_randn(1, 4, 5, 5))), "(1, 2, 10, 10)");
    CHECK(tensor_size(nn_get_parameter(t, "weight"), 0) == 4 && tensor_size(nn_get_parameter(t, "weight"), 1) == 2);
    /* <convT(x), y> == <x, conv(y)> with the same weight, no bias */
    Module *ct = nn_conv_transpose2d(3, 2, 3, .stride = 2, .padding = 1, .no_bias = true);
    Module *cv = nn_conv2d(2, 3, 3, .stride = 2, .padding = 1, .no_bias = true);
    no_grad { tensor_copy_(nn_get_parameter(cv, "weight"), nn_get_parameter(ct, "weight")); }
    Tensor *x = tensor_randn(2, 3, 4, 4);
    Tensor *yt = nn_forward(ct, x);
    Tensor *y = tensor_randn_like(yt);
    double lhs = tensor_item(tensor_sum(tensor_mul(yt, y))), rhs = tensor_item(tensor_sum(tensor_mul(x, nn_forward(cv, y))));
    CHECK_CLOSE(lhs, rhs, 1e-3);
    CHECK(check_layer(nn_conv_transpose2d(2, 3, 3, .stride = 2, .padding = 1), rnd4(1, 2, 3, 3), 1));
    CHECK(check_layer(nn_conv_transpose2d(2, 2, 2, .stride = 2), rnd4(2, 2, 2, 2), 2));
    CHECK(check_layer(nn_conv_transpose2d(4, 2, 3, .groups = 2), rnd4(1, 4, 2, 3), 1));
}

static void test_pools(void)
{
    double v[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
    Tensor *x = tensor_from_f64(v, 1, 1, 4, 4);
    Tensor *mp = nn_forward(nn_max_pool2d(2), x);
    CHECK_STR(tensor_shape_str(mp), "(1, 1, 2, 2)");
    CHECK_CLOSE(tensor_get(mp, 0, 0, 0, 0), 6, 0);
    CHECK_CLOSE(tensor_get(mp, 0, 0, 1, 1), 16, 0);
    Tensor *ap = nn_forward(nn_avg_pool2d(2), x);
    CHECK_CLOSE(tensor_get(ap, 0, 0, 0, 1), (3 + 4 + 7 + 8) / 4.0, 1e-12);
    Tensor *mp3 = nn_forward(nn_max_pool2d(3, .stride = 1, .padding = 1), x);
    CHECK_STR(tensor_shape_str(mp3), "(1, 1, 4, 4)");
    CHECK_CLOSE(tensor_get(mp3, 0, 0, 0, 0), 6, 0);
    Tensor *ap3 = nn_forward(nn_avg_pool2d(3, .stride = 2, .padding = 1), x);
    CHECK_STR(tensor_shape_str(ap3), "(1, 1, 2, 2)");
    CHECK_CLOSE(tensor_get(ap3, 0, 0, 0, 0), (1 + 2 + 5 + 6) / 9.0, 1e-12);  /* count_include_pad */
    CHECK_STR(tensor_shape_str(nn_forward(nn_max_pool2d(2), tensor_randn(2, 3, 7, 5))), "(2, 3, 3, 2)");
    CHECK_RAISES(ERR_SHAPE, "smaller than", nn_forward(nn_max_pool2d(3), tensor_randn(1, 1, 2, 2)));
    Tensor *xr = rnd4(2, 2, 5, 4);
    CHECK(check_layer(nn_max_pool2d(2), xr, 1));
    CHECK(check_layer(nn_max_pool2d(3, .stride = 2, .padding = 1), xr, 2));
    CHECK(check_layer(nn_avg_pool2d(2), xr, 2));
    CHECK(check_layer(nn_avg_pool2d(3, .stride = 1, .padding = 1), xr, 1));
    /* adaptive: divisible case equals avg pool; uneven windows like PyTorch */
    Tensor *xa = tensor_randn(2, 3, 6, 4);
    CHECK(tensor_allclose(nn_forward(nn_adaptive_avg_pool2d(3, 2), xa), nn_forward(nn_avg_pool2d(2), xa), 1e-5, 1e-6));
    Tensor *a1 = nn_forward(nn_adaptive_avg_pool2d(1, 1), xa);
    CHECK_CLOSE(tensor_get(a1, 1, 2, 0, 0), tensor_item(tensor_mean(tensor_select(tensor_select(xa, 0, 1), 0, 2))), 1e-5);
    Tensor *x5 = tensor_from_f64(((double[]){ 1, 2, 3, 4, 5 }), 1, 1, 1, 5);
    Tensor *a3 = nn_forward(nn_adaptive_avg_pool2d(1, 3), x5);  /* windows [0,2) [1,4) [3,5) */
    CHECK_CLOSE(tensor_get(a3, 0, 0, 0, 1), 3, 1e-12);
    CHECK_CLOSE(tensor_get(a3, 0, 0, 0, 2), 4.5, 1e-12);
    CHECK(check_layer(nn_adaptive_avg_pool2d(2, 3), xr, 1));
    /* upsample */
    Tensor *u = nn_forward(nn_upsample(2), tensor_from_f64(((double[]){ 1, 2, 3, 4 }), 1, 1, 2, 2));
    CHECK_STR(tensor_shape_str(u), "(1, 1, 4, 4)");
    CHECK_CLOSE(tensor_get(u, 0, 0, 1, 1), 1, 0);
    CHECK_CLOSE(tensor_get(u, 0, 0, 3, 2), 4, 0);
    Tensor *ub = nn_forward(nn_upsample(2, .bilinear = true), tensor_from_f64(((double[]){ 1, 2, 3, 4 }), 1, 1, 2, 2));
    CHECK_CLOSE(tensor_get(ub, 0, 0, 0, 0), 1, 1e-12);
    CHECK_CLOSE(tensor_get(ub, 0, 0, 0, 1), 1.25, 1e-12);  /* PyTorch: 1.25 */
    CHECK_CLOSE(tensor_get(ub, 0, 0, 1, 1), 1.75, 1e-12);
    Tensor *uc = nn_forward(nn_upsample(2, .bilinear = true, .align_corners = true),
                            tensor_from_f64(((double[]){ 1, 2, 3, 4 }), 1, 1, 2, 2));
    CHECK_CLOSE(tensor_get(uc, 0, 0, 0, 1), 1 + 1.0 / 3, 1e-12);
    CHECK(check_layer(nn_upsample(2), xr, 1));
    CHECK(check_layer(nn_upsample(2, .bilinear = true), xr, 1));
}

static void test_dropout(void)
{
    manual_seed(11);
    Module *d = nn_dropout(0.25);
    Tensor *x = tensor_ones(200, 100);
    Tensor *y = nn_forward(d, x);
    double zeros = tensor_item(tensor_sum(tensor_float(tensor_eq_scalar(y, 0))));
    CHECK_CLOSE(zeros / 20000, 0.25, 0.02);
    CHECK_CLOSE(tensor_item(tensor_max(y)), 1 / 0.75, 1e-6);
    CHECK_CLOSE(tensor_item(tensor_mean(y)), 1, 0.03);
    nn_eval(d);
    CHECK(nn_forward(d, x) == x);
    nn_train(d, true);
    CHECK(nn_forward(nn_dropout(0), x) == x);
    CHECK_CLOSE(tensor_item(tensor_sum(nn_forward(nn_dropout(1), x))), 0, 0);
    /* gradient: the mask times the upstream gradient */
    Tensor *xg = tensor_requires_grad_(tensor_ones(50, 10), true);
    Tensor *yg = nn_forward(d, xg);
    tensor_backward(tensor_sum(yg));
    CHECK(tensor_allclose(tensor_grad(xg), tensor_detach(yg), 1e-6, 1e-6));
    /* Dropout2d zeros whole channels */
    Tensor *y2 = nn_forward(nn_dropout2d(0.5), tensor_ones(4, 8, 3, 3));
    int whole = 1;
    for (int n = 0; n < 4; n++)
        for (int c = 0; c < 8; c++) {
            double s = tensor_item(tensor_sum(tensor_select(tensor_select(y2, 0, n), 0, c)));
            if (!(s == 0 || fabs(s - 18) < 1e-5)) whole = 0;
        }
    CHECK(whole);
    CHECK_RAISES(ERR_VALUE, "between 0 and 1", nn_dropout(1.5));
}

static void test_batchnorm(void)
{
    manual_seed(13);
    Module *bn = nn_batch_norm1d(3);
    CHECK(nn_num_parameters(bn, false) == 6);
    Tensor *x = tensor_add_scalar(tensor_mul_scalar(tensor_randn(64, 3), 2), 5);
    Tensor *y = nn_forward(bn, x);
    Tensor *m = tensor_mean_dim(y, 0, false);
    CHECK_CLOSE(tensor_item(tensor_max(tensor_abs(m))), 0, 1e-5);
    CHECK_CLOSE(tensor_get(tensor_var_dims(y, 1, (int[]){ 0 }, 0, false), 1), 1, 1e-3);
    /* running stats: 0.9 * init + 0.1 * batch (unbiased var) */
    ParamList *b = nn_named_buffers(bn);
    CHECK_STR(b->names[0], "running_mean");
    CHECK_CLOSE(tensor_get(b->tensors[0], 1), 0.1 * tensor_get(tensor_mean_dim(x, 0, false), 1), 1e-5);
    CHECK_CLOSE(tensor_get(b->tensors[1], 2), 0.9 + 0.1 * tensor_get(tensor_var_dim(x, 0, false), 2), 1e-4);
    CHECK_CLOSE(tensor_item(b->tensors[2]), 1, 0);
    /* eval uses running stats */
    nn_eval(bn);
    Tensor *ye = nn_forward(bn, x);
    double rm = tensor_get(b->tensors[0], 0), rv = tensor_get(b->tensors[1], 0);
    CHECK_CLOSE(tensor_get(ye, 5, 0), (tensor_get(x, 5, 0) - rm) / sqrt(rv + 1e-5), 1e-4);
    CHECK_CLOSE(tensor_item(b->tensors[2]), 1, 0);  /* not updated in eval */
    /* BatchNorm2d over (N, H, W) */
    Module *bn2 = nn_batch_norm2d(2, .momentum = 0.5);
    Tensor *x4 = tensor_randn(4, 2, 3, 3);
    Tensor *y4 = nn_forward(bn2, x4);
    CHECK_CLOSE(tensor_item(tensor_mean(tensor_select(y4, 1, 1))), 0, 1e-5);
    CHECK_CLOSE(tensor_get(nn_named_buffers(bn2)->tensors[0], 0),
                0.5 * tensor_item(tensor_mean(tensor_select(x4, 1, 0))), 1e-5);
    CHECK_RAISES(ERR_VALUE, "more than 1 value", nn_forward(nn_batch_norm1d(3), tensor_randn(1, 3)));
    CHECK_RAISES(ERR_SHAPE, "channels", nn_forward(bn2, tensor_randn(2, 3, 4, 4)));
    /* gradients, train and eval */
    nn_train(bn, true);
    CHECK(check_layer(nn_batch_norm1d(3), tensor_requires_grad_(tensor_double(tensor_randn(5, 3)), true), 1));
    CHECK(check_layer(nn_batch_norm2d(2), rnd4(3, 2, 2, 2), 1));
    CHECK(check_layer(nn_batch_norm2d(2), rnd4(3, 2, 2, 2), 2));  /* create_graph path of the fused kernel */
    CHECK(check_layer(nn_batch_norm1d(3, .no_affine = true), tensor_requires_grad_(tensor_double(tensor_randn(4, 3)), true), 2));
    CHECK(check_layer(nn_batch_norm1d(2), tensor_requires_grad_(tensor_double(tensor_randn(3, 2, 4)), true), 1));
    Module *be = nn_eval(nn_batch_norm2d(2));
    CHECK(check_layer(be, rnd4(3, 2, 2, 2), 1));
    /* LayerNorm */
    Module *ln = nn_layer_norm(4);
    Tensor *yl = nn_forward(ln, tensor_randn(3, 5, 4));
    CHECK_CLOSE(tensor_item(tensor_max(tensor_abs(tensor_mean_dim(yl, -1, false)))), 0, 1e-5);
    CHECK(check_layer(nn_layer_norm(4), tensor_requires_grad_(tensor_double(tensor_randn(3, 4)), true), 2));
    CHECK(check_layer(nn_layer_norm_shape(2, (int64_t[]){ 2, 3 }, NULL), rnd4(2, 2, 2, 3), 1));
    CHECK_RAISES(ERR_SHAPE, "last dims", nn_forward(ln, tensor_randn(3, 5)));
}

static void test_embedding_shapes(void)
{
    Module *e = nn_embedding(10, 4);
    int64_t idx[] = { 1, 3, 3, 9 };
    Tensor *i = tensor_from_i64(idx, 2, 2);
    Tensor *y = nn_forward(e, i);
    CHECK_STR(tensor_shape_str(y), "(2, 2, 4)");
    CHECK(tensor_allclose(tensor_select(tensor_select(y, 0, 1), 0, 0), tensor_select(nn_get_parameter(e, "weight"), 0, 3), 0, 0));
    tensor_backward(tensor_sum(y));
    CHECK_CLOSE(tensor_get(tensor_grad(nn_get_parameter(e, "weight")), 3, 0), 2, 0);
    CHECK_CLOSE(tensor_get(tensor_grad(nn_get_parameter(e, "weight")), 0, 0), 0, 0);
    CHECK_RAISES(ERR_TYPE, "int64", nn_forward(e, tensor_randn(2)));
    Module *ep = nn_embedding(5, 3, .use_padding_idx = true, .padding_idx = 0);
    CHECK_CLOSE(tensor_item(tensor_sum(tensor_abs(tensor_select(nn_get_parameter(ep, "weight"), 0, 0)))), 0, 0);
    Tensor *yp = nn_forward(ep, tensor_from_i64(((int64_t[]){ 0, 2, 0 }), 3));
    tensor_backward(tensor_sum(yp));
    CHECK_CLOSE(tensor_get(tensor_grad(nn_get_parameter(ep, "weight")), 0, 1), 0, 0);
    CHECK_CLOSE(tensor_get(tensor_grad(nn_get_parameter(ep, "weight")), 2, 1), 1, 0);
    Tensor *x = tensor_randn(2, 3, 4, 5);
    CHECK_STR(tensor_shape_str(nn_forward(nn_flatten(), x)), "(2, 60)");
    CHECK_STR(tensor_shape_str(nn_forward(nn_flatten_dims(2, 3), x)), "(2, 3, 20)");
    CHECK_STR(tensor_shape_str(nn_forward(nn_unflatten(1, 1, 28, 28), tensor_randn(5, 784))), "(5, 1, 28, 28)");
    CHECK_RAISES(ERR_SHAPE, "multiply", nn_forward(nn_unflatten(1, 2, 3), tensor_randn(5, 7)));
    Tensor *xg = rnd4(2, 3, 2, 2);
    /* a tanh last: gradcheck compares outputs that must not be views of the perturbed input */
    CHECK(check_layer(nn_sequential(nn_flatten(), nn_unflatten(1, 3, 4), nn_identity(), nn_tanh()), xg, 1));
    CHECK(nn_forward(nn_identity(), xg) == xg);
}

/* The course's CNN: shapes and the summary table. */
static void test_cnn_summary(void)
{
    Module *cnn = nn_sequential(nn_conv2d(1, 32, 3), nn_relu(), nn_max_pool2d(2), nn_conv2d(32, 64, 3), nn_relu(),
                                nn_max_pool2d(2), nn_flatten(), nn_linear(1600, 128), nn_relu(), nn_dropout(0.3),
                                nn_linear(128, 10));
    char *s = nn_summary_string(cnn, 1, 28, 28);
    CHECK(strstr(s, "[-1, 32, 26, 26]") && strstr(s, "[-1, 64, 5, 5]") && strstr(s, "[-1, 1600]"));
    CHECK(strstr(s, "Total params: 225,034") != NULL);
    printf("%s", s);
    /* one training step end to end */
    Optimizer *opt = optim_adam(nn_parameters(cnn));
    Tensor *x = tensor_randn(8, 1, 28, 28);
    Tensor *y = tensor_randint(0, 10, 8);
    double l0 = 0;
    for (int it = 0; it < 5; it++) {
        optim_zero_grad(opt);
        Tensor *loss = nn_cross_entropy(nn_forward(cnn, x), y);
        if (it == 0) l0 = tensor_item(loss);
        tensor_backward(loss);
        optim_step(opt);
    }
    nn_eval(cnn);
    CHECK(tensor_item(nn_cross_entropy(nn_forward(cnn, x), y)) < l0);
}

int main(void)
{
    check_init();
    test_conv2d();
    test_conv1d_transpose();
    test_pools();
    test_dropout();
    test_batchnorm();
    test_embedding_shapes();
    test_cnn_summary();
    return CHECK_DONE();
}
