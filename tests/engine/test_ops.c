/* Elementwise ops with broadcasting and dtype promotion, comparisons,
 * in-place ops, reductions, matmul (checked against naive loops). */
#include "check.h"

static bool values_are(Tensor *t, int n, const double *v)
{
    if (tensor_numel(t) != n) return false;
    double buf[512];
    tensor_to_f64_array(t, buf, n);
    for (int i = 0; i < n; i++)
        if (!(fabs(buf[i] - v[i]) <= 1e-5 * (1 + fabs(v[i]))) && !(isnan(buf[i]) && isnan(v[i]))) {
            printf("  element %d: %g vs %g\n", i, buf[i], v[i]);
            return false;
        }
    return true;
}
#define VALUES_ARE(t, ...) values_are(t, (int)(sizeof((double[]){__VA_ARGS__}) / sizeof(double)), (double[]){__VA_ARGS__})
#define SHAPE_IS(t, ...) (tensor_ndim(t) == (int)(sizeof((int64_t[]){__VA_ARGS__}) / 8) && \
    !memcmp(tensor_shape(t), (int64_t[]){__VA_ARGS__}, sizeof((int64_t[]){__VA_ARGS__})))

int main(void)
{
    check_init();
    Tensor *a = tensor_of(1, 2, 3), *b = tensor_of(4, 5, 6);
    CHECK(VALUES_ARE(tensor_add(a, b), 5, 7, 9));
    CHECK(VALUES_ARE(tensor_sub(a, b), -3, -3, -3));
    CHECK(VALUES_ARE(tensor_mul(a, b), 4, 10, 18));
    CHECK(VALUES_ARE(tensor_div(a, b), 0.25, 0.4, 0.5));
    CHECK(VALUES_ARE(tensor_pow(a, b), 1, 32, 729));
    CHECK(VALUES_ARE(tensor_maximum(a, tensor_of(0, 5, 2)), 1, 5, 3));
    CHECK(VALUES_ARE(tensor_minimum(a, tensor_of(0, 5, 2)), 0, 2, 2));
    /* broadcasting */
    Tensor *col = tensor_reshape(tensor_of(10, 20), 2, 1);
    Tensor *bc = tensor_add(col, a);
    CHECK(SHAPE_IS(bc, 2, 3) && VALUES_ARE(bc, 11, 12, 13, 21, 22, 23));
    CHECK(VALUES_ARE(tensor_mul(tensor_scalar(2), a), 2, 4, 6));
    CHECK(SHAPE_IS(tensor_add(tensor_zeros(4, 1, 3), tensor_zeros(2, 1)), 4, 2, 3));
    CHECK(SHAPE_IS(tensor_add(tensor_zeros(0, 3), tensor_zeros(3)), 0, 3));
    CHECK(VALUES_ARE(tensor_add(tensor_t(tensor_reshape(tensor_arange(0, 6, 1), 2, 3)), tensor_of(100, 200)),
                     100, 203, 101, 204, 102, 205));
    CHECK_RAISES(ERR_SHAPE, "tensor_add: shapes (2, 3) and (2,) cannot be broadcast together",
                 tensor_add(tensor_zeros(2, 3), tensor_zeros(2)));
    /* scalar forms */
    CHECK(VALUES_ARE(tensor_add_scalar(a, 1), 2, 3, 4));
    CHECK(VALUES_ARE(tensor_sub_scalar(a, 1), 0, 1, 2));
    CHECK(VALUES_ARE(tensor_rsub_scalar(a, 1), 0, -1, -2));
    CHECK(VALUES_ARE(tensor_mul_scalar(a, 3), 3, 6, 9));
    CHECK(VALUES_ARE(tensor_div_scalar(a, 2), 0.5, 1, 1.5));
    CHECK(VALUES_ARE(tensor_rdiv_scalar(a, 6), 6, 3, 2));
    CHECK(VALUES_ARE(tensor_pow_scalar(a, 2), 1, 4, 9));
    CHECK(VALUES_ARE(tensor_rpow_scalar(a, 2), 2, 4, 8));
    /* math and activations */
    Tensor *x = tensor_of(-2, -0.5, 0, 0.5, 2);
    CHECK(VALUES_ARE(tensor_neg(x), 2, 0.5, 0, -0.5, -2));
    CHECK(VALUES_ARE(tensor_abs(x), 2, 0.5, 0, 0.5, 2));
    CHECK(VALUES_ARE(tensor_sign(x), -1, -1, 0, 1, 1));
    CHECK(VALUES_ARE(tensor_exp(x), exp(-2), exp(-0.5), 1, exp(0.5), exp(2)));
    CHECK(VALUES_ARE(tensor_log(a), 0, log(2), log(3)));
    CHECK(VALUES_ARE(tensor_sqrt(tensor_of(4, 9)), 2, 3));
    CHECK(VALUES_ARE(tensor_sin(x), sin(-2), sin(-0.5), 0, sin(0.5), sin(2)));
    CHECK(VALUES_ARE(tensor_cos(x), cos(-2), cos(-0.5), 1, cos(0.5), cos(2)));
    CHECK(VALUES_ARE(tensor_tanh(x), tanh(-2), tanh(-0.5), 0, tanh(0.5), tanh(2)));
    CHECK(VALUES_ARE(tensor_sigmoid(x), 1 / (1 + exp(2)), 1 / (1 + exp(0.5)), 0.5, 1 / (1 + exp(-0.5)), 1 / (1 + exp(-2))));
    CHECK(VALUES_ARE(tensor_relu(x), 0, 0, 0, 0.5, 2));
    CHECK(VALUES_ARE(tensor_leaky_relu(x, 0.1), -0.2, -0.05, 0, 0.5, 2));
    CHECK(VALUES_ARE(tensor_elu(x, 1), expm1(-2), expm1(-0.5), 0, 0.5, 2));
    CHECK(VALUES_ARE(tensor_gelu(x), -2 * 0.5 * erfc(2 / sqrt(2)), -0.5 * 0.5 * erfc(0.5 / sqrt(2)), 0,
                     0.5 * 0.5 * (1 + erf(0.5 / sqrt(2))), 2 * 0.5 * (1 + erf(2 / sqrt(2)))));
    CHECK(VALUES_ARE(tensor_softplus(tensor_of(-1, 0, 30)), log1p(exp(-1)), log(2), 30));
    CHECK(VALUES_ARE(tensor_clamp(x, -1, 1), -1, -0.5, 0, 0.5, 1));
    CHECK(VALUES_ARE(tensor_clamp(x, 0, INFINITY), 0, 0, 0, 0.5, 2));
    CHECK(VALUES_ARE(tensor_where(tensor_gt_scalar(x, 0), x, tensor_scalar(-9)), -9, -9, -9, 0.5, 2));
    CHECK(VALUES_ARE(tensor_round(tensor_of(0.5, 1.5, -1.2)), 0, 2, -1));
    /* comparisons give bool */
    Tensor *cmp = tensor_lt(a, tensor_of(2, 2, 2));
    CHECK(tensor_dtype(cmp) == DT_BOOL && VALUES_ARE(cmp, 1, 0, 0));
    CHECK(VALUES_ARE(tensor_eq(a, tensor_of(1, 0, 3)), 1, 0, 1));
    CHECK(VALUES_ARE(tensor_ne(a, tensor_of(1, 0, 3)), 0, 1, 0));
    CHECK(VALUES_ARE(tensor_ge_scalar(a, 2), 0, 1, 1));
    CHECK(VALUES_ARE(tensor_le_scalar(a, 2), 1, 1, 0));
    CHECK(VALUES_ARE(tensor_logical_not(tensor_gt_scalar(a, 1)), 1, 0, 0));
    CHECK(VALUES_ARE(tensor_logical_and(tensor_gt_scalar(a, 1), tensor_lt_scalar(a, 3)), 0, 1, 0));
    CHECK(VALUES_ARE(tensor_lt_scalar(tensor_long(a), 1.5), 1, 0, 0));
    CHECK(tensor_allclose(tensor_of(1, 2), tensor_of(1, 2.0000001), 1e-5, 1e-8) && !tensor_equal(a, b));
    /* dtype promotion */
    Tensor *i = tensor_long(a), *d = tensor_double(a);
    CHECK(tensor_dtype(tensor_add(i, i)) == DT_INT64);
    CHECK(tensor_dtype(tensor_add(i, a)) == DT_FLOAT32);
    CHECK(tensor_dtype(tensor_add(a, d)) == DT_FLOAT64);
    CHECK(tensor_dtype(tensor_div(i, i)) == DT_FLOAT32 && VALUES_ARE(tensor_div(i, tensor_long(b)), 0.25, 0.4, 0.5));
    CHECK(tensor_dtype(tensor_mul(d, tensor_scalar(2))) == DT_FLOAT64);
    CHECK(tensor_dtype(tensor_mul(a, tensor_double(tensor_scalar(2)))) == DT_FLOAT32);
    CHECK(tensor_dtype(tensor_add_scalar(i, 1)) == DT_INT64 && tensor_dtype(tensor_add_scalar(i, 0.5)) == DT_FLOAT32);
    CHECK(tensor_dtype(tensor_exp(i)) == DT_FLOAT32);
    CHECK(tensor_dtype(tensor_abs(tensor_to_dtype(a, DT_UINT8))) == DT_UINT8);
    CHECK(tensor_dtype(tensor_sum(tensor_gt_scalar(a, 1))) == DT_INT64 && tensor_item(tensor_sum(tensor_gt_scalar(a, 1))) == 2);
    CHECK(tensor_dtype(tensor_add(tensor_gt_scalar(a, 1), tensor_gt_scalar(a, 1))) == DT_BOOL);
    /* in place */
    Tensor *w = tensor_zeros(2, 3);
    tensor_add_(w, tensor_of(1, 2, 3));
    tensor_mul_scalar_(w, 2);
    tensor_add_scaled_(w, tensor_ones(2, 3), -0.5);
    CHECK(VALUES_ARE(w, 1.5, 3.5, 5.5, 1.5, 3.5, 5.5));
    tensor_sub_(w, tensor_ones(1));
    tensor_div_(w, tensor_full(2, 2, 3));
    CHECK(VALUES_ARE(w, 0.25, 1.25, 2.25, 0.25, 1.25, 2.25));
    tensor_clamp_(w, 0.5, 2);
    CHECK(VALUES_ARE(w, 0.5, 1.25, 2, 0.5, 1.25, 2));
    tensor_copy_(tensor_select(w, 0, 1), tensor_of(7, 8, 9));
    CHECK(VALUES_ARE(w, 0.5, 1.25, 2, 7, 8, 9));
    tensor_fill_(tensor_t(w), 1);
    CHECK(VALUES_ARE(w, 1, 1, 1, 1, 1, 1));
    tensor_zero_(w);
    CHECK(VALUES_ARE(w, 0, 0, 0, 0, 0, 0));
    CHECK_RAISES(ERR_SHAPE, "does not fit in a of shape (2,)", tensor_add_(tensor_zeros(2), tensor_zeros(3, 2)));
    CHECK_RAISES(ERR_TYPE, "cannot be stored in a int64 tensor", tensor_add_(tensor_long(a), a));
    /* reductions */
    Tensor *m = tensor_reshape(tensor_arange(0, 6, 1), 2, 3);
    CHECK(tensor_item(tensor_sum(m)) == 15 && tensor_ndim(tensor_sum(m)) == 0);
    CHECK(VALUES_ARE(tensor_sum_dim(m, 0, false), 3, 5, 7) && SHAPE_IS(tensor_sum_dim(m, 0, false), 3));
    CHECK(VALUES_ARE(tensor_sum_dim(m, 1, true), 3, 12) && SHAPE_IS(tensor_sum_dim(m, 1, true), 2, 1));
    CHECK(VALUES_ARE(tensor_sum_dim(tensor_t(m), 0, false), 3, 12));
    CHECK(VALUES_ARE(tensor_sum_dims(tensor_reshape(tensor_arange(0, 24, 1), 2, 3, 4), 2, (int[]){ 0, 2 }, false), 60, 92, 124));
    CHECK(tensor_item(tensor_mean(m)) == 2.5 && VALUES_ARE(tensor_mean_dim(m, -1, false), 1, 4));
    CHECK(tensor_item(tensor_max(m)) == 5 && tensor_item(tensor_min(m)) == 0);
    Tensor *idx;
    Tensor *mx = tensor_max_dim(tensor_of(3, 9, 1), 0, false, &idx);
    CHECK(tensor_item(mx) == 9 && tensor_item(idx) == 1 && tensor_dtype(idx) == DT_INT64);
    CHECK(VALUES_ARE(tensor_min_dim(tensor_reshape(tensor_of(3, 1, 2, 0, 5, 4), 2, 3), 1, false, &idx), 1, 0) && VALUES_ARE(idx, 1, 0));
    CHECK(tensor_item(tensor_argmax(tensor_of(1, 7, 3))) == 1 && tensor_item(tensor_argmin(tensor_of(1, 7, -3))) == 2);
    CHECK(VALUES_ARE(tensor_argmax_dim(m, 1, false), 2, 2) && VALUES_ARE(tensor_argmax_dim(m, 0, true), 1, 1, 1));
    CHECK(fabs(tensor_item(tensor_var(tensor_of(1, 2, 3, 4))) - 1.6666667) < 1e-5);
    CHECK(fabs(tensor_item(tensor_std(tensor_of(1, 2, 3, 4))) - sqrt(1.6666667)) < 1e-5);
    CHECK(fabs(tensor_item(tensor_var_dims(tensor_of(1, 2, 3, 4), 0, NULL, 0, false)) - 1.25) < 1e-6);
    CHECK(VALUES_ARE(tensor_var_dim(m, 1, false), 1, 1));
    CHECK(fabs(tensor_item(tensor_norm(tensor_of(3, 4), 2)) - 5) < 1e-6);
    CHECK(fabs(tensor_item(tensor_norm(tensor_of(3, -4), 1)) - 7) < 1e-6);
    CHECK(fabs(tensor_item(tensor_norm(tensor_of(3, -4), INFINITY)) - 4) < 1e-6);
    CHECK(VALUES_ARE(tensor_logsumexp(tensor_reshape(tensor_of(0, 0, 1000, 1000), 2, 2), 1, false), log(2), 1000 + log(2)));
    Tensor *sm = tensor_softmax(tensor_reshape(tensor_of(1, 2, 3, 1, 1, 1), 2, 3), 1);
    CHECK(VALUES_ARE(tensor_sum_dim(sm, 1, false), 1, 1) && fabs(tensor_get(sm, 1, 0) - 1.0 / 3) < 1e-6);
    CHECK(VALUES_ARE(tensor_log_softmax(tensor_of(0, 0), 0), -log(2), -log(2)));
    CHECK(tensor_item(tensor_prod(tensor_of(2, 3, 4))) == 24);
    CHECK(tensor_any(tensor_of(0, 0, 1)) && !tensor_all(tensor_of(0, 0, 1)) && tensor_all(tensor_of(1, 2)));
    Tensor *big = tensor_ones(1000, 1000);
    CHECK(tensor_item(tensor_sum(big)) == 1e6);
    CHECK(VALUES_ARE(tensor_slice(tensor_sum_dim(big, 0, false), 0, 0, 2, 1), 1000, 1000));
    CHECK_RAISES(ERR_INDEX, "dim 2 is out of range for a tensor with 2 dims", tensor_sum_dim(m, 2, false));
    /* matmul */
    manual_seed(3);
    Tensor *A = tensor_randn(5, 7), *B = tensor_randn(7, 3);
    Tensor *C = tensor_matmul(A, B);
    bool ok = SHAPE_IS(C, 5, 3);
    for (int r = 0; r < 5; r++)
        for (int c = 0; c < 3; c++) {
            double s = 0;
            for (int k = 0; k < 7; k++) s += tensor_get(A, r, k) * tensor_get(B, k, c);
            ok &= fabs(s - tensor_get(C, r, c)) < 1e-4;
        }
    CHECK(ok);
    CHECK(tensor_allclose(tensor_matmul(tensor_t(B), tensor_t(A)), tensor_t(C), 1e-5, 1e-5));
    CHECK(tensor_allclose(tensor_mm(tensor_contiguous(tensor_t(tensor_t(A))), B), C, 1e-5, 1e-5));
    CHECK(SHAPE_IS(tensor_mv(A, tensor_randn(7)), 5));
    CHECK(SHAPE_IS(tensor_matmul(tensor_randn(7), B), 3));
    CHECK(tensor_item(tensor_dot(tensor_of(1, 2, 3), tensor_of(4, 5, 6))) == 32);
    CHECK(VALUES_ARE(tensor_outer(tensor_of(1, 2), tensor_of(3, 4, 5)), 3, 4, 5, 6, 8, 10));
    Tensor *bA = tensor_randn(4, 5, 7), *bB = tensor_randn(7, 3);
    Tensor *bC = tensor_matmul(bA, bB);
    CHECK(SHAPE_IS(bC, 4, 5, 3) && tensor_allclose(tensor_select(bC, 0, 2), tensor_matmul(tensor_select(bA, 0, 2), bB), 1e-5, 1e-5));
    Tensor *b2 = tensor_matmul(tensor_randn(2, 1, 5, 7), tensor_randn(3, 7, 4));
    CHECK(SHAPE_IS(b2, 2, 3, 5, 4));
    CHECK(SHAPE_IS(tensor_bmm(tensor_randn(2, 3, 4), tensor_randn(2, 4, 5)), 2, 3, 5));
    CHECK(VALUES_ARE(tensor_matmul(tensor_long(tensor_reshape(tensor_of(1, 2, 3, 4), 2, 2)), tensor_long(tensor_of(1, 1))), 3, 7));
    CHECK(tensor_dtype(tensor_matmul(tensor_double(A), tensor_double(B))) == DT_FLOAT64);
    Tensor *L = tensor_randn(300, 200), *R = tensor_randn(200, 100);  /* big enough for the thread pool */
    Tensor *LR = tensor_matmul(L, R);
    CHECK(fabs(tensor_get(LR, 299, 99) - tensor_item(tensor_dot(tensor_select(L, 0, 299), tensor_select(R, 1, 99)))) < 1e-3);
    CHECK_RAISES(ERR_SHAPE, "tensor_matmul: shapes (3, 4) and (5, 2) cannot be multiplied (4 != 5)",
                 tensor_matmul(tensor_zeros(3, 4), tensor_zeros(5, 2)));
    CHECK_RAISES(ERR_SHAPE, "tensor_mm: expects two matrices", tensor_mm(tensor_zeros(3), tensor_zeros(3, 2)));
    /* large elementwise (thread pool) matches small-path results */
    Tensor *big1 = tensor_randn(300, 400);
    Tensor *s1 = tensor_tanh(tensor_add(big1, tensor_t(tensor_t(big1))));
    CHECK(fabs(tensor_get(s1, 299, 399) - tanh(2 * tensor_get(big1, 299, 399))) < 1e-5);
    Tensor *s2 = tensor_add(big1, tensor_slice(tensor_of(1, 2), 0, 0, 1, 1));
    CHECK(fabs(tensor_get(s2, 150, 7) - (tensor_get(big1, 150, 7) + 1)) < 1e-6);
    CHECK(fabs(tensor_item(tensor_sum(big1)) - tensor_item(tensor_sum(tensor_double(big1)))) < 1e-2);
    /* integer pow stays integer (PyTorch's type promotion), by squaring */
    Tensor *ia = tensor_arange_int(1, 5, 1);
    Tensor *ip = tensor_pow(ia, tensor_full_dtype(3, DT_INT64, 4));
    CHECK(tensor_dtype(ip) == DT_INT64 && VALUES_ARE(ip, 1, 8, 27, 64));
    CHECK(tensor_get(tensor_pow(tensor_full_dtype(3, DT_INT64, 1), tensor_full_dtype(39, DT_INT64, 1)), 0) ==
          (double)4052555153018976267LL);  /* exact beyond double's 53 bits */
    CHECK(VALUES_ARE(tensor_pow(tensor_from_i64(((int64_t[]){ 2, 1, -1, -1 }), 4), tensor_from_i64(((int64_t[]){ -1, -2, -3, -2 }), 4)),
                     0, 1, -1, 1));
    Tensor *ips = tensor_pow_scalar(ia, 2);
    CHECK(tensor_dtype(ips) == DT_INT64 && VALUES_ARE(ips, 1, 4, 9, 16));
    CHECK(tensor_dtype(tensor_pow_scalar(ia, 0.5)) == DT_FLOAT32);
    CHECK_RAISES(ERR_VALUE, "integers to negative integer powers are not allowed", tensor_pow_scalar(ia, -1));
    /* uint8 arithmetic stays uint8 and wraps, like PyTorch */
    Tensor *u8 = tensor_to_dtype(tensor_of(1, 20, 200), DT_UINT8);
    Tensor *nu = tensor_neg(u8), *su = tensor_square(u8), *pu = tensor_pow_scalar(u8, 2);
    CHECK(tensor_dtype(nu) == DT_UINT8 && VALUES_ARE(nu, 255, 236, 56));
    CHECK(tensor_dtype(su) == DT_UINT8 && VALUES_ARE(su, 1, 144, 64));
    CHECK(tensor_dtype(pu) == DT_UINT8 && VALUES_ARE(pu, 1, 144, 64));
    CHECK(tensor_dtype(tensor_add_scalar(u8, 100)) == DT_UINT8 && VALUES_ARE(tensor_add_scalar(u8, 100), 101, 120, 44));
    CHECK(tensor_dtype(tensor_mul_scalar(u8, 2)) == DT_UINT8 && tensor_dtype(tensor_mul_scalar(u8, 0.5)) == DT_FLOAT32);
    CHECK(tensor_dtype(tensor_neg(tensor_arange_int(0, 3, 1))) == DT_INT64);
    /* fused log_softmax: matches the composite, rows of -inf give nan like PyTorch */
    Tensor *ls_in = tensor_randn(4, 5);
    CHECK(tensor_allclose(tensor_log_softmax(ls_in, 1), tensor_sub(ls_in, tensor_logsumexp(ls_in, 1, true)), 1e-5, 1e-6));
    CHECK(tensor_allclose(tensor_log_softmax(ls_in, 0), tensor_sub(ls_in, tensor_logsumexp(ls_in, 0, true)), 1e-5, 1e-6));
    CHECK(VALUES_ARE(tensor_softmax(tensor_of(1000, 1000), 0), 0.5, 0.5));
    /* tensor_add_scaled_: the fast path and overlapping views agree with a + alpha * b */
    Tensor *as_a = tensor_of(1, 2, 3, 4), *as_b = tensor_of(10, 20, 30, 40);
    tensor_add_scaled_(as_a, as_b, 0.5);
    CHECK(VALUES_ARE(as_a, 6, 12, 18, 24));
    Tensor *ov = tensor_of(1, 2, 3, 4, 5);
    tensor_add_scaled_(tensor_slice(ov, 0, 1, 5, 1), tensor_slice(ov, 0, 0, 4, 1), 2);
    CHECK(VALUES_ARE(ov, 1, 4, 7, 10, 13));
    /* a big batched product: batch items handed out to the threads in turn */
    Tensor *BA = tensor_randn(6, 100, 80), *BB = tensor_randn(6, 80, 90);
    Tensor *BC = tensor_matmul(BA, BB);
    CHECK(fabs(tensor_get(BC, 5, 99, 89) - tensor_item(tensor_dot(tensor_select(tensor_select(BA, 0, 5), 0, 99),
                                                                   tensor_select(tensor_select(BB, 0, 5), 1, 89)))) < 1e-3);
    CHECK(fabs(tensor_get(BC, 2, 7, 3) - tensor_item(tensor_dot(tensor_select(tensor_select(BA, 0, 2), 0, 7),
                                                                 tensor_select(tensor_select(BB, 0, 2), 1, 3)))) < 1e-3);
    return CHECK_DONE();
}
