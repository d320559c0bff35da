/* Tensors: creation, dtypes, random numbers, element access, C arrays,
 * views and shape ops, indexing, and printing (compared with PyTorch's
 * output for the same tensors). */
#include "check.h"

static bool shape_is(Tensor *t, int n, const int64_t *s)
{
    if (tensor_ndim(t) != n) return false;
    for (int i = 0; i < n; i++)
        if (tensor_size(t, i) != s[i]) return false;
    return true;
}
#define SHAPE_IS(t, ...) shape_is(t, CDL_SHAPE(__VA_ARGS__))

static bool values_are(Tensor *t, int n, const double *v)
{
    if (tensor_numel(t) != n) return false;
    double buf[256];
    tensor_to_f64_array(t, buf, n);
    for (int i = 0; i < n; i++)
        if (fabs(buf[i] - v[i]) > 1e-5 * (1 + fabs(v[i]))) return false;
    return true;
}
#define VALUES_ARE(t, ...) values_are(t, (int)(sizeof((double[]){__VA_ARGS__}) / sizeof(double)), (double[]){__VA_ARGS__})

int main(void)
{
    check_init();

    /* creation and dtypes */
    Tensor *z = tensor_zeros(2, 3);
    CHECK(SHAPE_IS(z, 2, 3) && tensor_dtype(z) == DT_FLOAT32 && tensor_numel(z) == 6);
    CHECK(VALUES_ARE(z, 0, 0, 0, 0, 0, 0));
    CHECK(VALUES_ARE(tensor_ones(3), 1, 1, 1));
    CHECK(VALUES_ARE(tensor_full(2.5, 2), 2.5, 2.5));
    CHECK(tensor_ndim(tensor_scalar(4)) == 0 && tensor_item(tensor_scalar(4)) == 4);
    CHECK(tensor_ndim(tensor_zeros()) == 0 && tensor_numel(tensor_zeros()) == 1);
    CHECK(VALUES_ARE(tensor_arange(0, 1, 0.25), 0, 0.25, 0.5, 0.75));
    CHECK(VALUES_ARE(tensor_arange(5, 0, -2), 5, 3, 1));
    CHECK(tensor_dtype(tensor_arange_int(0, 4, 1)) == DT_INT64 && VALUES_ARE(tensor_arange_int(0, 7, 3), 0, 3, 6));
    CHECK(VALUES_ARE(tensor_linspace(0, 1, 5), 0, 0.25, 0.5, 0.75, 1));
    CHECK(VALUES_ARE(tensor_eye(3), 1, 0, 0, 0, 1, 0, 0, 0, 1));
    CHECK(tensor_dtype(tensor_zeros_dtype(DT_FLOAT64, 2)) == DT_FLOAT64);
    CHECK(tensor_dtype(tensor_ones_dtype(DT_BOOL, 2)) == DT_BOOL && tensor_item(tensor_sum(tensor_ones_dtype(DT_BOOL, 2))) == 2);
    CHECK(tensor_dtype(tensor_full_dtype(7, DT_UINT8, 2)) == DT_UINT8);
    CHECK(SHAPE_IS(tensor_zeros_like(tensor_empty(4, 1)), 4, 1));
    CHECK(VALUES_ARE(tensor_full_like(z, 3), 3, 3, 3, 3, 3, 3));
    CHECK(SHAPE_IS(tensor_empty(0, 5), 0, 5) && tensor_numel(tensor_empty(0, 5)) == 0);
    CHECK(dtype_size(DT_FLOAT64) == 8 && !strcmp(dtype_name(DT_UINT8), "uint8"));
    tensor_set_default_dtype(DT_FLOAT64);
    CHECK(tensor_dtype(tensor_ones(2)) == DT_FLOAT64);
    tensor_set_default_dtype(DT_FLOAT32);
    CHECK_STR(tensor_shape_str(z), "(2, 3)");
    CHECK_STR(tensor_shape_str(tensor_ones(5)), "(5,)");

    /* C arrays in and out */
    float src[6] = { 1, 2, 3, 4, 5, 6 };
    Tensor *a = tensor_from_f32(src, 2, 3);
    src[0] = 100;  /* copied: the tensor does not see it */
    CHECK(tensor_get(a, 0, 0) == 1 && tensor_get(a, 1, 2) == 6 && tensor_get(a, -1, -1) == 6);
    double back[6];
    tensor_to_f64_array(a, back, 6);
    CHECK(back[5] == 6);
    int64_t isrc[3] = { 7, -8, 9 };
    CHECK(tensor_dtype(tensor_from_i64(isrc, 3)) == DT_INT64 && tensor_get(tensor_from_i64(isrc, 3), 1) == -8);
    CHECK(VALUES_ARE(tensor_of(1, 2.5, -3), 1, 2.5, -3));
    CHECK(tensor_data_f32(a)[4] == 5);
    tensor_data_f32(a)[4] = 50;
    CHECK(tensor_get(a, 1, 1) == 50);
    tensor_set(a, -1, 0, 1);
    CHECK(tensor_get(a, 0, 1) == -1);
    CHECK_RAISES(ERR_TYPE, "not float64", tensor_data_f64(a));
    CHECK_RAISES(ERR_VALUE, "not contiguous", tensor_data_f32(tensor_t(a)));
    CHECK_RAISES(ERR_INDEX, "index 2 is out of range for dim 0 of size 2", tensor_get(a, 2, 0));
    CHECK_RAISES(ERR_INDEX, "1 indices given for a tensor with 2 dims", tensor_get(a, 1));
    CHECK_RAISES(ERR_VALUE, "cannot be converted to a number", tensor_item(a));
    CHECK_RAISES(ERR_SHAPE, "has 6", tensor_to_f64_array(a, back, 5));
    Tensor *c = tensor_clone(a);
    tensor_set(c, 9, 0, 0);
    CHECK(tensor_get(a, 0, 0) == 1 && tensor_get(c, 0, 0) == 9);

    /* dtype conversion */
    Tensor *f = tensor_of(1.7, -2.2, 0);
    CHECK(VALUES_ARE(tensor_long(f), 1, -2, 0) && tensor_dtype(tensor_long(f)) == DT_INT64);
    CHECK(VALUES_ARE(tensor_bool(f), 1, 1, 0));
    CHECK(tensor_double(f) != f && tensor_float(f) == f);
    CHECK(VALUES_ARE(tensor_to_dtype(tensor_of(300, -1), DT_UINT8), 44, 255));

    /* random: reproducible, right moments */
    manual_seed(7);
    Tensor *r1 = tensor_randn(1000);
    manual_seed(7);
    Tensor *r2 = tensor_randn(1000);
    CHECK(tensor_equal(r1, r2));
    CHECK(fabs(tensor_item(tensor_mean(r1))) < 0.1 && fabs(tensor_item(tensor_std(r1)) - 1) < 0.1);
    Tensor *u = tensor_rand(1000);
    CHECK(tensor_item(tensor_min(u)) >= 0 && tensor_item(tensor_max(u)) < 1);
    CHECK(fabs(tensor_item(tensor_mean(u)) - 0.5) < 0.05);
    Tensor *ri = tensor_randint(3, 6, 200);
    CHECK(tensor_dtype(ri) == DT_INT64 && tensor_item(tensor_min(ri)) == 3 && tensor_item(tensor_max(ri)) == 5);
    Generator *g1 = generator_new(5), *g2 = generator_new(5);
    CHECK(tensor_equal(tensor_rand_g(g1, 4), tensor_rand_g(g2, 4)));
    CHECK(!tensor_equal(tensor_rand_g(g1, 4), tensor_rand(4)));
    Tensor *perm = tensor_randperm(10, NULL);
    CHECK(tensor_item(tensor_sum(perm)) == 45);
    CHECK(SHAPE_IS(tensor_randn_like(z), 2, 3));
    CHECK(tensor_normal_(tensor_zeros(3), 5, 0, NULL) && tensor_get(tensor_normal_(tensor_zeros(3), 5, 0, NULL), 1) == 5);
    CHECK_RAISES(ERR_VALUE, "std = -1", tensor_normal_(tensor_zeros(3), 0, -1, NULL));
    CHECK_RAISES(ERR_VALUE, "lo = 2 is above hi = 1", tensor_uniform_(tensor_zeros(3), 2, 1, NULL));
    /* The widest range: no int64 overflow (UBSan watches this test). */
    int64_t wide = random_int(NULL, INT64_MIN, INT64_MAX);
    CHECK(wide >= INT64_MIN && wide < INT64_MAX);

    /* views share storage */
    Tensor *x = tensor_reshape(tensor_arange(0, 12, 1), 3, 4);
    Tensor *v = tensor_view(x, 4, 3);
    tensor_set(v, 100, 0, 0);
    CHECK(tensor_get(x, 0, 0) == 100);
    tensor_set(x, 0, 0, 0);
    CHECK(SHAPE_IS(tensor_reshape(x, -1, 6), 2, 6));
    CHECK(SHAPE_IS(tensor_flatten(tensor_zeros(2, 3, 4), 1, -1), 2, 12));
    CHECK(SHAPE_IS(tensor_squeeze(tensor_zeros(1, 3, 1)), 3));
    CHECK(SHAPE_IS(tensor_squeeze_dim(tensor_zeros(1, 3, 1), -1), 1, 3));
    CHECK(SHAPE_IS(tensor_unsqueeze(tensor_zeros(3), 0), 1, 3) && SHAPE_IS(tensor_unsqueeze(tensor_zeros(3), -1), 3, 1));
    Tensor *xt = tensor_t(x);
    CHECK(SHAPE_IS(xt, 4, 3) && !tensor_is_contiguous(xt) && tensor_get(xt, 3, 1) == tensor_get(x, 1, 3));
    CHECK(VALUES_ARE(tensor_reshape(xt, -1), 0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11));
    CHECK_RAISES(ERR_SHAPE, "cannot be viewed", tensor_view(xt, 12));
    Tensor *p = tensor_permute(tensor_zeros(2, 3, 4), 2, 0, 1);
    CHECK(SHAPE_IS(p, 4, 2, 3) && tensor_stride(p, 0) == 1);
    CHECK(VALUES_ARE(tensor_slice(x, 1, 1, 4, 2), 1, 3, 5, 7, 9, 11));
    CHECK(VALUES_ARE(tensor_slice(x, 0, -1, INT64_MAX, 1), 8, 9, 10, 11));
    CHECK(VALUES_ARE(tensor_slice(tensor_arange(0, 10, 1), 0, -3, -1, 1), 7, 8));
    CHECK(VALUES_ARE(tensor_narrow(x, 0, 1, 1), 4, 5, 6, 7));
    CHECK(VALUES_ARE(tensor_select(x, 1, 2), 2, 6, 10));
    Tensor *e = tensor_expand(tensor_of(1, 2, 3), 2, 3);
    CHECK(SHAPE_IS(e, 2, 3) && tensor_stride(e, 0) == 0 && VALUES_ARE(e, 1, 2, 3, 1, 2, 3));
    CHECK(SHAPE_IS(tensor_expand(tensor_zeros(3, 1), -1, 4), 3, 4));
    CHECK_RAISES(ERR_SHAPE, "the expanded size 4 must match the existing size 3", tensor_expand(tensor_zeros(3), 4));
    CHECK(tensor_is_contiguous(tensor_contiguous(xt)) && VALUES_ARE(tensor_contiguous(xt), 0, 4, 8, 1, 5, 9, 2, 6, 10, 3, 7, 11));
    Tensor *cat = tensor_cat(TENSORS(tensor_ones(2, 2), tensor_zeros(1, 2)), 0);
    CHECK(SHAPE_IS(cat, 3, 2) && VALUES_ARE(cat, 1, 1, 1, 1, 0, 0));
    CHECK(SHAPE_IS(tensor_cat(TENSORS(tensor_ones(2, 2), tensor_zeros(2, 3)), 1), 2, 5));
    CHECK_RAISES(ERR_SHAPE, "sizes must match except in dim 0", tensor_cat(TENSORS(tensor_ones(2, 2), tensor_zeros(2, 3)), 0));
    CHECK(SHAPE_IS(tensor_stack(TENSORS(tensor_ones(2), tensor_zeros(2), tensor_ones(2)), 1), 2, 3));
    CHECK_RAISES(ERR_VALUE, "tensor_cat: tensor 0 is NULL", tensor_cat(TENSORS(NULL, tensor_ones(2)), 0));
    CHECK_RAISES(ERR_VALUE, "tensor_cat: tensor 1 is NULL", tensor_cat(TENSORS(tensor_ones(2), NULL), 0));
    CHECK_RAISES(ERR_VALUE, "tensor_stack: tensor 0 is NULL", tensor_stack(TENSORS(NULL, tensor_ones(2)), 0));
    CHECK_RAISES(ERR_VALUE, "tensor_stack: tensor 2 is NULL", tensor_stack(TENSORS(tensor_ones(2), tensor_ones(2), NULL), 0));
    int n;
    Tensor **parts = tensor_split(tensor_arange(0, 5, 1), 2, 0, &n);
    CHECK(n == 3 && VALUES_ARE(parts[2], 4) && VALUES_ARE(parts[1], 2, 3));
    parts = tensor_chunk(tensor_arange(0, 6, 1), 3, 0, &n);
    CHECK(n == 3 && VALUES_ARE(parts[1], 2, 3));
    CHECK(VALUES_ARE(tensor_repeat(tensor_of(1, 2), 2, 2), 1, 2, 1, 2, 1, 2, 1, 2) && SHAPE_IS(tensor_repeat(tensor_of(1, 2), 2, 2), 2, 4));
    CHECK(SHAPE_IS(tensor_repeat(tensor_zeros(2, 3), 1, 3, 1), 1, 6, 3));
    /* A zero count empties that dim; the later counts still apply (like torch's repeat). */
    CHECK(SHAPE_IS(tensor_repeat(tensor_ones(2, 2), 0, 3), 0, 6) && SHAPE_IS(tensor_repeat(tensor_ones(2, 2), 2, 0), 4, 0));
    CHECK_RAISES(ERR_VALUE, "lo = 3 is above hi = 1", tensor_clamp_(tensor_of(0.5, 2, 5), 3, 1));
    CHECK_RAISES(ERR_TYPE, "invalid dtype 9", tensor_from_f64_as((double[]){ 1 }, (DType)9, 1, (int64_t[]){ 1 }));
    CHECK(tensor_is_contiguous(tensor_transpose(tensor_transpose(x, 0, 1), 0, 1)));

    /* indexing */
    Tensor *idx = tensor_from_i64(((int64_t[]){ 2, 0, -1 }), 3);
    CHECK(VALUES_ARE(tensor_index_select(x, 1, idx), 2, 0, 3, 6, 4, 7, 10, 8, 11));
    CHECK_RAISES(ERR_INDEX, "index 5 is out of range", tensor_index_select(x, 0, tensor_from_i64(((int64_t[]){ 5 }), 1)));
    CHECK_RAISES(ERR_TYPE, "index must be an integer tensor", tensor_index_select(x, 0, tensor_of(0)));
    Tensor *gi = tensor_from_i64(((int64_t[]){ 0, 3, 1, 1, 2, 2 }), 3, 2);
    CHECK(VALUES_ARE(tensor_gather(x, 1, gi), 0, 3, 5, 5, 10, 10));
    Tensor *sc = tensor_scatter(tensor_zeros(2, 4), 1, tensor_from_i64(((int64_t[]){ 1, 3, 0, 2 }), 2, 2), tensor_ones(2, 2));
    CHECK(VALUES_ARE(sc, 0, 1, 0, 1, 1, 0, 1, 0));
    Tensor *sa = tensor_scatter_add(tensor_zeros(3), 0, tensor_from_i64(((int64_t[]){ 0, 0, 2 }), 3), tensor_of(1, 2, 3));
    CHECK(VALUES_ARE(sa, 3, 0, 3));
    CHECK(VALUES_ARE(tensor_index_add(tensor_zeros(3, 1), 0, tensor_from_i64(((int64_t[]){ 2, 2 }), 2), tensor_ones(2, 1)), 0, 0, 2));
    Tensor *m = tensor_gt_scalar(x, 8);
    CHECK(VALUES_ARE(tensor_masked_select(x, m), 9, 10, 11));
    CHECK(VALUES_ARE(tensor_masked_fill(tensor_of(1, 2, 3), tensor_gt_scalar(tensor_of(1, 2, 3), 1.5), -1), 1, -1, -1));
    CHECK(VALUES_ARE(tensor_nonzero(tensor_of(0, 3, 0, 1)), 1, 3));

    /* printing: the expected strings are PyTorch 1.13's output */
    CHECK_STR(tensor_to_string(tensor_reshape(tensor_arange(0, 6, 1), 2, 3)), "tensor([[0., 1., 2.],\n        [3., 4., 5.]])");
    CHECK_STR(tensor_to_string(tensor_of(1e-5, 1, 1000)), "tensor([1.0000e-05, 1.0000e+00, 1.0000e+03])");
    CHECK_STR(tensor_to_string(tensor_long(tensor_of(1, 2, 300))), "tensor([  1,   2, 300])");
    CHECK_STR(tensor_to_string(tensor_gt_scalar(tensor_of(1, 2, 300), 1.5)), "tensor([False,  True,  True])");
    CHECK_STR(tensor_to_string(tensor_double(tensor_of(1.5))), "tensor([1.5000], dtype=torch.float64)");
    CHECK_STR(tensor_to_string(tensor_scalar(3.25)), "tensor(3.2500)");
    CHECK_STR(tensor_to_string(tensor_zeros(0, 3)), "tensor([], size=(0, 3))");
    CHECK_STR(tensor_to_string(tensor_of(NAN, INFINITY, -INFINITY, 1.5)), "tensor([   nan,    inf,   -inf, 1.5000])");
    CHECK_STR(tensor_to_string(tensor_of(-0.5, 123456.25)), "tensor([-5.0000e-01,  1.2346e+05])");
    CHECK_STR(tensor_to_string(tensor_to_dtype(tensor_of(1, 2), DT_UINT8)), "tensor([1, 2], dtype=torch.uint8)");
    CHECK_STR(tensor_to_string(tensor_requires_grad_(tensor_of(1, 2), true)), "tensor([1., 2.], requires_grad=True)");
    CHECK_STR(tensor_to_string(tensor_mul_scalar(tensor_requires_grad_(tensor_of(1, 2), true), 2)), "tensor([2., 4.], grad_fn=<MulBackward0>)");
    CHECK_STR(tensor_to_string(tensor_arange(0, 2000, 1)),
              "tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n        1.9990e+03])");
    CHECK_STR(tensor_to_string(tensor_div_scalar(tensor_arange(0, 12, 1), 3)),
              "tensor([0.0000, 0.3333, 0.6667, 1.0000, 1.3333, 1.6667, 2.0000, 2.3333, 2.6667,\n        3.0000, 3.3333, 3.6667])");
    CHECK_STR(tensor_to_string(tensor_reshape(tensor_arange_int(0, 5000, 1), 10, 500)),
              "tensor([[   0,    1,    2,  ...,  497,  498,  499],\n        [ 500,  501,  502,  ...,  997,  998,  999],\n"
              "        [1000, 1001, 1002,  ..., 1497, 1498, 1499],\n        ...,\n        [3500, 3501, 3502,  ..., 3997, 3998, 3999],\n"
              "        [4000, 4001, 4002,  ..., 4497, 4498, 4499],\n        [4500, 4501, 4502,  ..., 4997, 4998, 4999]])");
    CHECK_STR(tensor_to_string(tensor_reshape(tensor_arange(0, 8, 1), 2, 2, 2)),
              "tensor([[[0., 1.],\n         [2., 3.]],\n\n        [[4., 5.],\n         [6., 7.]]])");
    CHECK_STR(tensor_to_string(NULL), "None");
    return CHECK_DONE();
}
