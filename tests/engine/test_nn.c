/* nn core: modules, Linear, Sequential, activations, losses (values and
 * gradcheck, second order where a PINN / gradient penalty meets them),
 * init, summary, train/eval, dtype moves. */
#include "nn_check.h"


static Tensor *rnd(int64_t a, int64_t b) { return tensor_requires_grad_(tensor_double(tensor_randn(a, b)), true); }

/* ---- losses as gradcheck functions ---- */
static Tensor *target64;
static LossOptions lopts;
static Tensor *f_mse(Tensor **x, void *c) { (void)c; return nn_mse_(x[0], target64, &lopts); }
static Tensor *f_l1(Tensor **x, void *c) { (void)c; return nn_l1_(x[0], target64, &lopts); }
static Tensor *f_sl1(Tensor **x, void *c) { (void)c; return nn_smooth_l1_(x[0], target64, &lopts); }
static Tensor *f_bce(Tensor **x, void *c) { (void)c; return nn_bce_(tensor_sigmoid(x[0]), target64, &lopts); }
static Tensor *f_bcel(Tensor **x, void *c) { (void)c; return nn_bce_with_logits_(x[0], target64, &lopts); }
static Tensor *f_ce(Tensor **x, void *c) { (void)c; return nn_cross_entropy_(x[0], target64, &lopts); }
static Tensor *f_nll(Tensor **x, void *c) { (void)c; return nn_nll_(tensor_log_softmax(x[0], 1), target64, &lopts); }
static Tensor *f_ce_prob_t(Tensor **x, void *c) { (void)c; return nn_cross_entropy_(target64, tensor_softmax(x[0], 1), &lopts); }

static void test_linear(void)
{
    manual_seed(1);
    Module *fc = nn_linear(4, 3);
    CHECK_STR(nn_type(fc), "Linear");
    Tensor *w = nn_get_parameter(fc, "weight"), *b = nn_get_parameter(fc, "bias");
    CHECK(w && b && tensor_size(w, 0) == 3 && tensor_size(w, 1) == 4 && tensor_size(b, 0) == 3);
    CHECK(tensor_requires_grad(w) && tensor_is_leaf(w));
    /* PyTorch default init: U(-1/sqrt(fan_in), 1/sqrt(fan_in)) = +-0.5 */
    CHECK(tensor_item(tensor_max(tensor_abs(w))) <= 0.5 && tensor_item(tensor_max(tensor_abs(b))) <= 0.5);
    Tensor *x = tensor_randn(5, 4);
    Tensor *y = nn_forward(fc, x);
    Tensor *ref = tensor_add(tensor_matmul(x, tensor_t(w)), b);
    CHECK(tensor_allclose(y, ref, 1e-5, 1e-6));
    CHECK_STR(tensor_grad_fn_name(y), "AddmmBackward0");
    /* batched (..., in) input */
    Tensor *x3 = tensor_randn(2, 5, 4);
    CHECK_STR(tensor_shape_str(nn_forward(fc, x3)), "(2, 5, 3)");
    CHECK_RAISES(ERR_SHAPE, "expects 4 (in_features)", nn_forward(fc, tensor_randn(5, 7)));
    Module *nb = nn_linear(4, 2, .no_bias = true);
    CHECK(nn_named_parameters(nb)->n == 1 && nn_get_parameter(nb, "bias") == NULL);
    /* gradients: first and second order */
    CHECK(check_layer(nn_linear(3, 2), rnd(4, 3), 1));
    CHECK(check_layer(nn_linear(3, 2), rnd(4, 3), 2));
    CHECK(check_layer(nn_linear(3, 2, .no_bias = true), rnd(2, 3), 2));
    /* backward through a big product (threaded gemm path) matches matmul's */
    Module *big = nn_linear(300, 200);
    Tensor *xb = tensor_requires_grad_(tensor_randn(64, 300), true);
    tensor_backward(tensor_sum(tensor_square(nn_forward(big, xb))));
    Tensor *gw = tensor_clone(tensor_grad(nn_get_parameter(big, "weight"))), *gx = tensor_clone(tensor_grad(xb));
    Tensor *W = tensor_requires_grad_(tensor_clone(tensor_detach(nn_get_parameter(big, "weight"))), true);
    Tensor *x2 = tensor_requires_grad_(tensor_clone(tensor_detach(xb)), true);
    Tensor *yr = tensor_add(tensor_matmul(x2, tensor_t(W)), tensor_detach(nn_get_parameter(big, "bias")));
    tensor_backward(tensor_sum(tensor_square(yr)));
    CHECK(tensor_allclose(gw, tensor_grad(W), 1e-4, 1e-3));
    CHECK(tensor_allclose(gx, tensor_grad(x2), 1e-4, 1e-3));
}

static void test_sequential_and_params(void)
{
    Module *mlp = nn_sequential(nn_linear(784, 128), nn_relu(), nn_linear(128, 10));
    CHECK(nn_num_children(mlp) == 3);
    CHECK(nn_num_parameters(mlp, false) == 101770);
    ParamList *ps = nn_named_parameters(mlp);
    CHECK(ps->n == 4);
    CHECK_STR(ps->names[0], "0.weight");
    CHECK_STR(ps->names[3], "2.bias");
    CHECK(nn_get_parameter(mlp, "2.bias") == ps->tensors[3]);
    CHECK(nn_get_module(mlp, "1") == nn_child(mlp, 1));
    CHECK_STR(tensor_shape_str(nn_forward(mlp, tensor_randn(32, 784))), "(32, 10)");
    CHECK(nn_is_training(mlp) && nn_is_training(nn_child(mlp, 2)));
    nn_eval(mlp);
    CHECK(!nn_is_training(mlp) && !nn_is_training(nn_child(mlp, 2)));
    nn_train(mlp, true);
    CHECK(nn_is_training(nn_child(mlp, 0)));
    nn_requires_grad_(nn_child(mlp, 0), false);
    CHECK(nn_num_parameters(mlp, true) == 1290);
    nn_requires_grad_(mlp, true);
    /* nn_state: parameters then buffers */
    Module *bn = nn_sequential(nn_linear(3, 3), nn_batch_norm1d(3));
    ParamList *st = nn_state(bn);
    CHECK(st->n == 7);
    CHECK_STR(st->names[4], "1.running_mean");
    nn_to_dtype(mlp, DT_FLOAT64);
    CHECK(tensor_dtype(nn_parameters(mlp)->tensors[0]) == DT_FLOAT64);
    CHECK(tensor_dtype(nn_forward(mlp, tensor_double(tensor_randn(2, 784)))) == DT_FLOAT64);
    char *r = nn_repr(nn_sequential(nn_linear(2, 3), nn_tanh()));
    CHECK(strstr(r, "(0): Linear(in_features=2, out_features=3, bias=True)") != NULL);
    CHECK(strstr(r, "(1): Tanh()") != NULL);
    CHECK_RAISES(ERR_VALUE, "NULL", nn_forward(NULL, tensor_randn(2, 2)));
}

static void test_activations(void)
{
    Tensor *x = tensor_of(-2.0, -0.5, 0.5, 3.0);
    CHECK_CLOSE(tensor_get(nn_forward(nn_leaky_relu(0), x), 0), -0.02, 1e-6);
    CHECK_CLOSE(tensor_get(nn_forward(nn_leaky_relu(0.2), x), 1), -0.1, 1e-6);
    CHECK_CLOSE(tensor_get(nn_forward(nn_elu(0), x), 0), exp(-2) - 1, 1e-6);
    CHECK_CLOSE(tensor_get(nn_forward(nn_prelu(1, 0), x), 0), -0.5, 1e-6);
    CHECK_CLOSE(tensor_get(nn_forward(nn_relu(), x), 0), 0, 0);
    Tensor *sm = nn_forward(nn_softmax(1), tensor_randn(3, 5));
    CHECK_CLOSE(tensor_item(tensor_sum(sm)), 3, 1e-5);
    Tensor *xs = rnd(3, 4);
    CHECK(check_layer(nn_tanh(), xs, 2));
    CHECK(check_layer(nn_sigmoid(), xs, 2));
    CHECK(check_layer(nn_softplus(), xs, 2));
    CHECK(check_layer(nn_gelu(), xs, 2));
    CHECK(check_layer(nn_elu(0), xs, 1));
    CHECK(check_layer(nn_leaky_relu(0.1), xs, 1));
    CHECK(check_layer(nn_relu(), xs, 1));
    CHECK(check_layer(nn_softmax(1), xs, 1));
    CHECK(check_layer(nn_log_softmax(-1), xs, 1));
    CHECK(check_layer(nn_prelu(1, 0), xs, 1));
    Tensor *x4 = tensor_requires_grad_(tensor_double(tensor_randn(2, 3, 2, 2)), true);
    CHECK(check_layer(nn_prelu(3, 0.1), x4, 1));
}

static void test_losses(void)
{
    manual_seed(3);
    Tensor *a = tensor_of(1.0, 2.0, 4.0), *b = tensor_of(0.0, 2.0, 1.0);
    CHECK_CLOSE(tensor_item(nn_mse(a, b)), 10.0 / 3, 1e-6);
    CHECK_CLOSE(tensor_item(nn_mse(a, b, .reduction = REDUCTION_SUM)), 10, 1e-6);
    CHECK_STR(tensor_shape_str(nn_mse(a, b, .reduction = REDUCTION_NONE)), "(3,)");
    CHECK_CLOSE(tensor_item(nn_l1(a, b)), 4.0 / 3, 1e-6);
    CHECK_CLOSE(tensor_item(nn_smooth_l1(a, b)), (0.5 + 0 + 2.5) / 3, 1e-6);
    CHECK_CLOSE(tensor_item(nn_smooth_l1(a, b, .beta = 2)), (0.25 + 0 + 2) / 3, 1e-6);
    CHECK_RAISES(ERR_SHAPE, "must match", nn_mse(tensor_randn(4, 1), tensor_randn(4)));
    Tensor *p = tensor_of(0.9, 0.2), *t = tensor_of(1.0, 0.0);
    CHECK_CLOSE(tensor_item(nn_bce(p, t)), -(log(0.9) + log(0.8)) / 2, 1e-6);
    CHECK_CLOSE(tensor_item(nn_bce(tensor_of(0.0), tensor_of(1.0))), 100, 1e-4);
    Tensor *z = tensor_of(2.0, -1.0);
    double s0 = 1 / (1 + exp(-2.0)), s1 = 1 / (1 + exp(1.0));
    CHECK_CLOSE(tensor_item(nn_bce_with_logits(z, t)), -(log(s0) + log(1 - s1)) / 2, 1e-6);
    CHECK_CLOSE(tensor_item(nn_bce_with_logits(z, t, .pos_weight = tensor_of(3.0))),
                -(3 * log(s0) + log(1 - s1)) / 2, 1e-6);

    /* cross-entropy against log_softmax + pick, by hand */
    Tensor *lg = tensor_randn(4, 5);
    int64_t yi[] = { 0, 3, 4, 1 };
    Tensor *y = tensor_from_i64(yi, 4);
    Tensor *lp = tensor_log_softmax(lg, 1);
    double ref = 0, smooth = 0, wsum = 0, wref = 0, wsm = 0;
    double w[] = { 1, 2, 0.5, 1, 3 };
    for (int i = 0; i < 4; i++) {
        ref -= tensor_get(lp, i, yi[i]);
        wref -= w[yi[i]] * tensor_get(lp, i, yi[i]);
        wsum += w[yi[i]];
        for (int c = 0; c < 5; c++) {
            smooth -= tensor_get(lp, i, c);
            wsm -= w[c] * tensor_get(lp, i, c);
        }
    }
    CHECK_CLOSE(tensor_item(nn_cross_entropy(lg, y)), ref / 4, 1e-5);
    CHECK_CLOSE(tensor_item(nn_cross_entropy(lg, y, .reduction = REDUCTION_SUM)), ref, 1e-4);
    CHECK_CLOSE(tensor_get(nn_cross_entropy(lg, y, .reduction = REDUCTION_NONE), 1), -tensor_get(lp, 1, 3), 1e-5);
    CHECK_CLOSE(tensor_item(nn_cross_entropy(lg, y, .label_smoothing = 0.1)), (0.9 * ref + 0.1 / 5 * smooth) / 4, 1e-5);
    Tensor *wt = tensor_from_f64_as(w, DT_FLOAT32, 1, (int64_t[]){ 5 });
    CHECK_CLOSE(tensor_item(nn_cross_entropy(lg, y, .weight = wt)), wref / wsum, 1e-5);
    CHECK_CLOSE(tensor_item(nn_cross_entropy(lg, y, .weight = wt, .label_smoothing = 0.2)),
                (0.8 * wref + 0.2 / 5 * wsm) / wsum, 1e-5);
    CHECK_CLOSE(tensor_item(nn_nll(lp, y)), ref / 4, 1e-5);
    CHECK_CLOSE(tensor_item(nn_nll(lp, y, .weight = wt)), wref / wsum, 1e-5);
    /* one-hot probability targets equal index targets */
    Tensor *oh = tensor_scatter_value(tensor_zeros(4, 5), 1, tensor_unsqueeze(y, 1), 1.0);
    CHECK_CLOSE(tensor_item(nn_cross_entropy(lg, oh)), ref / 4, 1e-5);
    CHECK_CLOSE(tensor_item(nn_cross_entropy(lg, oh, .label_smoothing = 0.1)), (0.9 * ref + 0.1 / 5 * smooth) / 4, 1e-5);
    /* ignore_index */
    int64_t yg[] = { 0, -100, 4, 1 };
    double ig = -(tensor_get(lp, 0, 0) + tensor_get(lp, 2, 4) + tensor_get(lp, 3, 1)) / 3;
    CHECK_CLOSE(tensor_item(nn_cross_entropy(lg, tensor_from_i64(yg, 4), .use_ignore_index = true, .ignore_index = -100)),
                ig, 1e-5);
    /* (N, C, d) layout */
    Tensor *lg3 = tensor_randn(2, 3, 4);
    Tensor *y3 = tensor_randint(0, 3, 2, 4);
    Tensor *alt = nn_cross_entropy(tensor_reshape(tensor_permute(lg3, 0, 2, 1), -1, 3), tensor_reshape(y3, -1));
    CHECK_CLOSE(tensor_item(nn_cross_entropy(lg3, y3)), tensor_item(alt), 1e-5);
    CHECK_STR(tensor_shape_str(nn_cross_entropy(lg3, y3, .reduction = REDUCTION_NONE)), "(2, 4)");
    CHECK_RAISES(ERR_INDEX, "out of range for 5 classes", nn_cross_entropy(lg, tensor_from_i64(((int64_t[]){ 0, 5, 1, 1 }), 4)));
    CHECK_RAISES(ERR_SHAPE, "int64 tensor", nn_cross_entropy(lg, tensor_randn(4)));

    /* gradchecks */
    Tensor *x = rnd(4, 3);
    target64 = tensor_double(tensor_randn(4, 3));
    lopts = (LossOptions){ 0 };
    CHECK(autograd_gradcheck(f_mse, NULL, 1, &x, .order = 2));
    lopts.reduction = REDUCTION_NONE;
    CHECK(autograd_gradcheck(f_mse, NULL, 1, &x, .order = 2));
    lopts.reduction = REDUCTION_SUM;
    CHECK(autograd_gradcheck(f_l1, NULL, 1, &x));
    CHECK(autograd_gradcheck(f_sl1, NULL, 1, &x));
    lopts = (LossOptions){ 0 };
    target64 = tensor_double(tensor_rand(4, 3));
    CHECK(autograd_gradcheck(f_bce, NULL, 1, &x));
    CHECK(autograd_gradcheck(f_bcel, NULL, 1, &x, .order = 2));
    lopts.pos_weight = tensor_double(tensor_of(2.0, 0.5, 1.0));
    CHECK(autograd_gradcheck(f_bcel, NULL, 1, &x));
    lopts = (LossOptions){ 0 };
    target64 = tensor_from_i64(((int64_t[]){ 2, 0, 1, 2 }), 4);
    CHECK(autograd_gradcheck(f_ce, NULL, 1, &x));
    CHECK(autograd_gradcheck(f_ce, NULL, 1, &x, .order = 2));
    CHECK(autograd_gradcheck(f_nll, NULL, 1, &x));
    lopts.label_smoothing = 0.15;
    lopts.weight = tensor_double(tensor_of(1.0, 2.0, 0.5));
    CHECK(autograd_gradcheck(f_ce, NULL, 1, &x));
    CHECK(autograd_gradcheck(f_ce, NULL, 1, &x, .order = 2));
    CHECK(autograd_gradcheck(f_nll, NULL, 1, &x));
    lopts.reduction = REDUCTION_NONE;
    CHECK(autograd_gradcheck(f_ce, NULL, 1, &x));
    lopts = (LossOptions){ .label_smoothing = 0.1 };
    target64 = tensor_softmax(tensor_double(tensor_randn(4, 3)), 1);
    CHECK(autograd_gradcheck(f_ce, NULL, 1, &x));
    /* gradient through probability targets */
    target64 = tensor_double(tensor_randn(4, 3));
    CHECK(autograd_gradcheck(f_ce_prob_t, NULL, 1, &x));
    lopts = (LossOptions){ 0 };
}

static void test_init(void)
{
    Tensor *w = tensor_requires_grad_(tensor_empty(200, 100), true);
    nn_init_xavier_uniform(w);
    double b = sqrt(6.0 / 300);
    CHECK(tensor_item(tensor_max(tensor_abs(w))) <= b && tensor_item(tensor_max(tensor_abs(w))) > 0.9 * b);
    nn_init_kaiming_uniform(w, .nonlinearity = "relu");
    b = sqrt(2.0) * sqrt(3.0 / 100);
    CHECK(tensor_item(tensor_max(tensor_abs(w))) <= b && tensor_item(tensor_max(tensor_abs(w))) > 0.9 * b);
    nn_init_kaiming_normal(w, .fan_out = true);
    CHECK_CLOSE(tensor_item(tensor_std(w)), sqrt(2.0 / 200), 0.003);
    nn_init_xavier_normal(w, .gain = 2);
    CHECK_CLOSE(tensor_item(tensor_std(w)), 2 * sqrt(2.0 / 300), 0.005);
    nn_init_constant(w, 0.5);
    CHECK_CLOSE(tensor_item(tensor_mean(w)), 0.5, 1e-7);
    nn_init_zeros(w);
    CHECK_CLOSE(tensor_item(tensor_sum(tensor_abs(w))), 0, 0);
    CHECK(tensor_requires_grad(w));
    CHECK_CLOSE(nn_init_calculate_gain("tanh", 0), 5.0 / 3, 1e-12);
    CHECK_CLOSE(nn_init_calculate_gain("leaky_relu", sqrt(5)), sqrt(1.0 / 3), 1e-12);
    CHECK_RAISES(ERR_VALUE, "unknown nonlinearity", nn_init_calculate_gain("swishy", 0));
}

static void test_summary(void)
{
    Module *mlp = nn_sequential(nn_flatten(), nn_linear(784, 128), nn_relu(), nn_dropout(0.2), nn_linear(128, 10));
    char *s = nn_summary_string(mlp, 1, 28, 28);
    CHECK(strstr(s, "Layer (type)") && strstr(s, "Output Shape") && strstr(s, "Param #"));
    CHECK(strstr(s, "0 (Flatten)") && strstr(s, "[-1, 784]"));
    CHECK(strstr(s, "1 (Linear)") && strstr(s, "[-1, 128]") && strstr(s, "100,480"));
    CHECK(strstr(s, "4 (Linear)") && strstr(s, "[-1, 10]") && strstr(s, "1,290"));
    CHECK(strstr(s, "Total params: 101,770") != NULL);
    CHECK(strstr(s, "Trainable params: 101,770") != NULL);
    CHECK(strstr(s, "Non-trainable params: 0") != NULL);
    CHECK(nn_is_training(mlp) && nn_is_training(nn_child(mlp, 3)));  /* modes restored */
    nn_requires_grad_(nn_child(mlp, 1), false);
    s = nn_summary_string(mlp);
    CHECK(strstr(s, "Non-trainable params: 100,480") != NULL);
    printf("%s", nn_summary_string(mlp, 1, 28, 28));
}

int main(void)
{
    check_init();
    test_linear();
    test_sequential_and_params();
    test_activations();
    test_losses();
    test_init();
    test_summary();
    return CHECK_DONE();
}
