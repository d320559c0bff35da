/* autograd_gradcheck on every differentiable op, first and second order
 * (third for a few), in float64, plus the PINN case: d2u/dt2 of an MLP. */
#include "check.h"

/* Inputs are made positive / away from kinks where an op needs it. */
static Tensor *in_pos(int64_t a, int64_t b) { return tensor_requires_grad_(tensor_double(tensor_add_scalar(tensor_rand(a, b), 0.5)), true); }
static Tensor *in_any(int64_t a, int64_t b) { return tensor_requires_grad_(tensor_double(tensor_randn(a, b)), true); }

#define UNARY(name, expr) static Tensor *name(Tensor **x, void *c) { (void)c; Tensor *a = x[0]; return (expr); }
#define BINARY(name, expr) static Tensor *name(Tensor **x, void *c) { (void)c; Tensor *a = x[0], *b = x[1]; return (expr); }

UNARY(f_neg, tensor_neg(a))
UNARY(f_abs, tensor_abs(a))
UNARY(f_exp, tensor_exp(a))
UNARY(f_log, tensor_log(a))
UNARY(f_log1p, tensor_log1p(a))
UNARY(f_sqrt, tensor_sqrt(a))
UNARY(f_square, tensor_square(a))
UNARY(f_recip, tensor_reciprocal(a))
UNARY(f_sin, tensor_sin(a))
UNARY(f_cos, tensor_cos(a))
UNARY(f_tanh, tensor_tanh(a))
UNARY(f_erf, tensor_erf(a))
UNARY(f_sigmoid, tensor_sigmoid(a))
UNARY(f_relu, tensor_relu(a))
UNARY(f_leaky, tensor_leaky_relu(a, 0.1))
UNARY(f_elu, tensor_elu(a, 1.0))
UNARY(f_gelu, tensor_gelu(a))
UNARY(f_softplus, tensor_softplus(a))
UNARY(f_clamp, tensor_clamp(a, -0.5, 0.5))
UNARY(f_add_s, tensor_add_scalar(a, 2.5))
UNARY(f_sub_s, tensor_sub_scalar(a, 2.5))
UNARY(f_rsub_s, tensor_rsub_scalar(a, 2.5))
UNARY(f_mul_s, tensor_mul_scalar(a, -3))
UNARY(f_div_s, tensor_div_scalar(a, 4))
UNARY(f_rdiv_s, tensor_rdiv_scalar(a, 2))
UNARY(f_pow_s, tensor_pow_scalar(a, 3))
UNARY(f_pow_frac, tensor_pow_scalar(a, 1.5))
UNARY(f_rpow_s, tensor_rpow_scalar(a, 2))
UNARY(f_sum, tensor_sum(tensor_mul(a, a)))
UNARY(f_sum_dim, tensor_sum_dim(tensor_mul(a, a), 1, false))
UNARY(f_sum_keep, tensor_sum_dim(tensor_mul(a, a), 0, true))
UNARY(f_mean, tensor_mean(tensor_mul(a, a)))
UNARY(f_mean_dim, tensor_mean_dim(tensor_exp(a), -1, false))
UNARY(f_max, tensor_mul(tensor_max(a), tensor_max(a)))
UNARY(f_min_dim, tensor_square(tensor_min_dim(a, 1, false, NULL)))
UNARY(f_max_dim_keep, tensor_exp(tensor_max_dim(a, 0, true, NULL)))
UNARY(f_var, tensor_var(a))
UNARY(f_var_dim, tensor_var_dim(a, 1, true))
UNARY(f_std, tensor_std(a))
UNARY(f_std_dim, tensor_std_dim(a, 0, false))
UNARY(f_norm, tensor_norm(a, 2))
UNARY(f_norm1, tensor_norm_dim(a, 1, 1, false))
UNARY(f_norm3, tensor_norm(a, 3))
UNARY(f_lse, tensor_logsumexp(a, 1, false))
UNARY(f_softmax, tensor_softmax(a, 1))
UNARY(f_softmax0, tensor_softmax(a, 0))
UNARY(f_log_softmax, tensor_log_softmax(a, 1))
UNARY(f_prod, tensor_prod(a))
UNARY(f_reshape, tensor_tanh(tensor_reshape(a, 3, -1)))
UNARY(f_view_t, tensor_exp(tensor_reshape(tensor_t(a), -1)))
UNARY(f_flatten, tensor_sin(tensor_flatten(a, 0, -1)))
UNARY(f_squeeze, tensor_sin(tensor_squeeze(tensor_unsqueeze(a, 1))))
UNARY(f_permute, tensor_mul(tensor_permute(tensor_unsqueeze(a, 0), 2, 0, 1), tensor_permute(tensor_unsqueeze(a, 0), 2, 0, 1)))
UNARY(f_transpose, tensor_matmul(tensor_transpose(a, 0, 1), a))
UNARY(f_slice, tensor_exp(tensor_slice(a, 1, 1, 4, 2)))
UNARY(f_slice_neg, tensor_square(tensor_slice(a, 0, -2, INT64_MAX, 1)))
UNARY(f_narrow, tensor_sin(tensor_narrow(a, 1, 1, 2)))
UNARY(f_select, tensor_square(tensor_select(a, 0, 1)))
UNARY(f_expand, tensor_mul(tensor_expand(tensor_slice(a, 0, 0, 1, 1), 3, 4), tensor_sin(tensor_expand(tensor_slice(a, 0, 0, 1, 1), 3, 4))))
UNARY(f_clone, tensor_square(tensor_clone(a)))
UNARY(f_contig, tensor_square(tensor_contiguous(tensor_t(a))))
UNARY(f_cat, tensor_square(tensor_cat(TENSORS(a, tensor_exp(a)), 1)))
UNARY(f_stack, tensor_sin(tensor_stack(TENSORS(a, tensor_square(a)), 0)))
UNARY(f_split, ({ int n; Tensor **p = tensor_split(a, 2, 1, &n); tensor_mul(p[0], tensor_sin(p[1])); }))
UNARY(f_chunk, ({ int n; Tensor **p = tensor_chunk(a, 3, 0, &n); tensor_add(tensor_square(p[0]), p[2]); }))
UNARY(f_repeat, tensor_square(tensor_repeat(a, 2, 1)))
UNARY(f_index_select, tensor_square(tensor_index_select(a, 1, tensor_from_i64(((int64_t[]){ 3, 0, 3 }), 3))))
UNARY(f_gather, tensor_square(tensor_gather(a, 1, tensor_from_i64(((int64_t[]){ 0, 2, 1, 1, 3, 0 }), 3, 2))))
UNARY(f_masked_select, tensor_square(tensor_masked_select(a, tensor_gt_scalar(a, 0))))
UNARY(f_masked_fill, tensor_square(tensor_masked_fill(a, tensor_gt_scalar(a, 0), 2.0)))
UNARY(f_to_float_back, tensor_square(tensor_double(tensor_mul_scalar(tensor_float(a), 1))))
UNARY(f_mv, tensor_tanh(tensor_mv(a, tensor_select(a, 0, 0))))
UNARY(f_dot, tensor_dot(tensor_select(a, 0, 0), tensor_select(a, 0, 1)))
UNARY(f_outer, tensor_outer(tensor_select(a, 0, 0), tensor_select(a, 1, 1)))
UNARY(f_mlp, tensor_sum(tensor_tanh(tensor_matmul(tensor_tanh(tensor_matmul(a, tensor_t(a))), a))))

/* Wrong on purpose: detach hides half of the derivative. */
UNARY(f_wrong, tensor_mul(a, tensor_detach(a)))
UNARY(f_right3, tensor_mul(tensor_sum(tensor_mul(a, a)), tensor_scalar(1.0)))

BINARY(f_add, tensor_add(a, b))
BINARY(f_sub, tensor_sub(a, b))
BINARY(f_mul, tensor_mul(a, b))
BINARY(f_div, tensor_div(a, b))
BINARY(f_pow, tensor_pow(a, b))
BINARY(f_maximum, tensor_maximum(a, b))
BINARY(f_minimum, tensor_minimum(a, b))
BINARY(f_where, tensor_where(tensor_gt(a, b), tensor_mul(a, a), tensor_exp(b)))
BINARY(f_matmul, tensor_matmul(a, b))
BINARY(f_mm_t, tensor_mm(a, tensor_t(b)))
BINARY(f_scatter, tensor_scatter(a, 1, tensor_from_i64(((int64_t[]){ 0, 3, 1, 2 }), 2, 2), b))
BINARY(f_scatter_add, tensor_scatter_add(a, 0, tensor_from_i64(((int64_t[]){ 0, 2, 0, 1 }), 2, 2), b))
BINARY(f_index_add, tensor_index_add(a, 0, tensor_from_i64(((int64_t[]){ 2, 0 }), 2), b))

typedef struct Case { const char *name; GradcheckFn fn; int kind; int order; } Case;
/* kind: 0 any 3x4, 1 positive 3x4, 2 binary same shape, 3 binary broadcast (3x4, 1x4), 4 binary positive */

int main(void)
{
    check_init();
    manual_seed(42);
    Case unary[] = {
        { "neg", f_neg, 0, 3 }, { "abs", f_abs, 0, 2 }, { "exp", f_exp, 0, 3 }, { "log", f_log, 1, 3 },
        { "log1p", f_log1p, 1, 2 }, { "sqrt", f_sqrt, 1, 3 }, { "square", f_square, 0, 3 },
        { "reciprocal", f_recip, 1, 2 }, { "sin", f_sin, 0, 3 }, { "cos", f_cos, 0, 3 },
        { "tanh", f_tanh, 0, 3 }, { "erf", f_erf, 0, 2 }, { "sigmoid", f_sigmoid, 0, 3 },
        { "relu", f_relu, 0, 2 }, { "leaky_relu", f_leaky, 0, 2 }, { "elu", f_elu, 0, 2 },
        { "gelu", f_gelu, 0, 3 }, { "softplus", f_softplus, 0, 3 }, { "clamp", f_clamp, 0, 2 },
        { "add_scalar", f_add_s, 0, 2 }, { "sub_scalar", f_sub_s, 0, 2 }, { "rsub_scalar", f_rsub_s, 0, 2 },
        { "mul_scalar", f_mul_s, 0, 2 }, { "div_scalar", f_div_s, 0, 2 }, { "rdiv_scalar", f_rdiv_s, 1, 3 },
        { "pow_scalar", f_pow_s, 0, 3 }, { "pow_frac", f_pow_frac, 1, 3 }, { "rpow_scalar", f_rpow_s, 0, 3 },
        { "sum", f_sum, 0, 2 }, { "sum_dim", f_sum_dim, 0, 2 }, { "sum_keepdim", f_sum_keep, 0, 2 },
        { "mean", f_mean, 0, 2 }, { "mean_dim", f_mean_dim, 0, 2 }, { "max", f_max, 0, 2 },
        { "min_dim", f_min_dim, 0, 2 }, { "max_dim_keepdim", f_max_dim_keep, 0, 2 },
        { "var", f_var, 0, 3 }, { "var_dim", f_var_dim, 0, 2 }, { "std", f_std, 0, 2 },
        { "std_dim", f_std_dim, 0, 2 }, { "norm", f_norm, 0, 2 }, { "norm1_dim", f_norm1, 0, 2 },
        { "norm3", f_norm3, 0, 2 }, { "logsumexp", f_lse, 0, 3 }, { "softmax", f_softmax, 0, 3 },
        { "softmax0", f_softmax0, 0, 2 }, { "log_softmax", f_log_softmax, 0, 3 }, { "prod", f_prod, 1, 2 },
        { "reshape", f_reshape, 0, 2 }, { "view_t", f_view_t, 0, 2 }, { "flatten", f_flatten, 0, 2 },
        { "squeeze", f_squeeze, 0, 2 }, { "permute", f_permute, 0, 2 }, { "transpose_matmul", f_transpose, 0, 3 },
        { "slice", f_slice, 0, 3 }, { "slice_neg", f_slice_neg, 0, 2 }, { "narrow", f_narrow, 0, 2 },
        { "select", f_select, 0, 2 }, { "expand", f_expand, 0, 3 }, { "clone", f_clone, 0, 2 },
        { "contiguous", f_contig, 0, 2 }, { "cat", f_cat, 0, 3 }, { "stack", f_stack, 0, 2 },
        { "split", f_split, 0, 2 }, { "chunk", f_chunk, 0, 2 }, { "repeat", f_repeat, 0, 2 },
        { "index_select", f_index_select, 0, 3 }, { "gather", f_gather, 0, 3 },
        { "masked_select", f_masked_select, 0, 2 }, { "masked_fill", f_masked_fill, 0, 2 },
        { "to_dtype", f_to_float_back, 0, 1 }, { "mv", f_mv, 0, 2 }, { "dot", f_dot, 0, 3 },
        { "outer", f_outer, 0, 2 }, { "mlp", f_mlp, 0, 3 },
    };
    for (size_t i = 0; i < sizeof unary / sizeof unary[0]; i++) {
        Case *c = &unary[i];
        Tensor *x = c->kind == 1 ? in_pos(3, 4) : in_any(3, 4);
        /* Keep clear of kinks (relu at 0, clamp edges, abs at 0): finite differences need it. */
        for (int order = 1; order <= c->order; order++) {
            GradcheckOptions o = { .order = order };
            if (c->fn == f_to_float_back) { o.atol = 1e-3; o.rtol = 1e-2; o.eps = 1e-3; }
            bool ok = autograd_gradcheck_(c->fn, NULL, 1, &x, &o);
            if (!ok) printf("  op %s, order %d\n", c->name, order);
            CHECK(ok);
        }
    }
    Case binary[] = {
        { "add", f_add, 3, 2 }, { "sub", f_sub, 3, 2 }, { "mul", f_mul, 3, 3 }, { "div", f_div, 4, 3 },
        { "pow", f_pow, 4, 3 }, { "maximum", f_maximum, 2, 2 }, { "minimum", f_minimum, 3, 2 },
        { "where", f_where, 3, 2 }, { "matmul", f_matmul, 5, 3 }, { "mm_t", f_mm_t, 2, 2 },
        { "scatter", f_scatter, 6, 2 }, { "scatter_add", f_scatter_add, 6, 2 }, { "index_add", f_index_add, 7, 2 },
        { "matmul_batched", f_matmul, 8, 2 },
    };
    for (size_t i = 0; i < sizeof binary / sizeof binary[0]; i++) {
        Case *c = &binary[i];
        Tensor *in[2];
        switch (c->kind) {
        case 2: in[0] = in_any(3, 4); in[1] = in_any(3, 4); break;
        case 3: in[0] = in_any(3, 4); in[1] = in_any(1, 4); break;
        case 4: in[0] = in_pos(3, 4); in[1] = in_any(1, 4); break;
        case 5: in[0] = in_any(3, 4); in[1] = in_any(4, 2); break;
        case 6: in[0] = in_any(3, 4); in[1] = in_any(2, 3); break;
        case 7: in[0] = in_any(3, 4); in[1] = in_any(2, 4); break;
        default:
            in[0] = tensor_requires_grad_(tensor_double(tensor_randn(2, 1, 3, 4)), true);
            in[1] = tensor_requires_grad_(tensor_double(tensor_randn(3, 4, 2)), true);
        }
        for (int order = 1; order <= c->order; order++) {
            bool ok = autograd_gradcheck(c->fn, NULL, 2, in, .order = order);
            if (!ok) printf("  op %s, order %d\n", c->name, order);
            CHECK(ok);
        }
    }

    /* gradcheck itself must catch a wrong derivative. */
    {
        Tensor *x = in_any(2, 3);
        CHECK(!autograd_gradcheck(f_wrong, NULL, 1, &x, .quiet = true));
        CHECK(!autograd_gradcheck(f_wrong, NULL, 1, &x, .order = 2, .quiet = true));
        CHECK(autograd_gradcheck(f_right3, NULL, 1, &x, .order = 3));
    }

    /* PINN: u(t) = MLP(t); d2u/dt2 with create_graph, then a loss through it
     * and its gradient with respect to the weights. */
    {
        Tensor *t = tensor_requires_grad_(tensor_double(tensor_reshape(tensor_linspace(0, 1, 5), 5, 1)), true);
        Tensor *W1 = tensor_requires_grad_(tensor_double(tensor_randn(1, 8)), true);
        Tensor *W2 = tensor_requires_grad_(tensor_double(tensor_randn(8, 1)), true);
        Tensor *u = tensor_matmul(tensor_tanh(tensor_matmul(t, W1)), W2);
        Tensor *du = autograd_grad(u, t, .grad_output = tensor_ones_like(u), .create_graph = true);
        Tensor *d2u = autograd_grad(du, t, .grad_output = tensor_ones_like(du), .create_graph = true);
        /* Analytic: u = sum_j W2_j tanh(W1_j t); u'' = sum_j W2_j W1_j^2 (-2 tanh sech^2). */
        double ok = 1;
        for (int i = 0; i < 5; i++) {
            double tv = tensor_get(t, i, 0), d1 = 0, d2 = 0;
            for (int j = 0; j < 8; j++) {
                double w1 = tensor_get(W1, 0, j), w2 = tensor_get(W2, j, 0), th = tanh(w1 * tv), s2 = 1 - th * th;
                d1 += w2 * w1 * s2;
                d2 += w2 * w1 * w1 * (-2 * th * s2);
            }
            if (fabs(tensor_get(du, i, 0) - d1) > 1e-9 || fabs(tensor_get(d2u, i, 0) - d2) > 1e-9) ok = 0;
        }
        CHECK(ok);
        Tensor *loss = tensor_mean(tensor_square(tensor_add(d2u, u)));
        tensor_backward(loss);
        CHECK(tensor_grad(W1) != NULL && tensor_grad(W2) != NULL);
        CHECK(tensor_grad(t) == NULL || tensor_requires_grad(t));
    }
    return CHECK_DONE();
}
