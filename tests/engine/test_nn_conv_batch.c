/* Conv2d over a batch big enough to span several chunks of images (with a
 * partial last one) equals the image-by-image result, output and all three
 * gradients, for groups, strides and padding, in float32 and float64. */
#include "check.h"

Tensor *nn_f_conv2d(Tensor *x, Tensor *w, Tensor *b, int sh, int sw, int ph, int pw, int dh, int dw, int groups);

static double max_diff(Tensor *a, Tensor *b) { return tensor_item(tensor_max(tensor_abs(tensor_sub(a, b)))); }

int main(void)
{
    check_init();
    manual_seed(3);
    /* in channels, out channels, groups, stride, padding; image height */
    const int cfg[][6] = { { 4, 6, 2, 1, 1, 13 }, { 1, 32, 1, 1, 0, 26 }, { 32, 64, 1, 1, 0, 11 }, { 4, 6, 1, 2, 1, 9 } };
    for (int t = 0; t < 4; t++) {
        for (int f64 = 0; f64 < 2; f64++) {
            DType dt = f64 ? DT_FLOAT64 : DT_FLOAT32;
            int n = 37, c = cfg[t][0], o = cfg[t][1], g = cfg[t][2], s = cfg[t][3], p = cfg[t][4], h = cfg[t][5];
            Module *m = nn_conv2d(c, o, 3, .groups = g, .stride = s, .padding = p);
            Tensor *x = tensor_requires_grad_(tensor_to_dtype(tensor_randn(n, c, h, h - 1), dt), true);
            Tensor *w = tensor_requires_grad_(tensor_to_dtype(tensor_detach(nn_get_parameter(m, "weight")), dt), true);
            Tensor *b = tensor_requires_grad_(tensor_to_dtype(tensor_detach(nn_get_parameter(m, "bias")), dt), true);
            Tensor *y = nn_f_conv2d(x, w, b, s, s, p, p, 1, 1, g);
            CHECK(tensor_ndim(y) == 4 && tensor_size(y, 0) == n && tensor_size(y, 1) == o);
            Tensor *r = tensor_randn_like(y);
            tensor_backward(tensor_sum(tensor_mul(y, r)));
            Tensor *x2 = tensor_requires_grad_(tensor_detach(x), true);
            Tensor *w2 = tensor_requires_grad_(tensor_detach(w), true), *b2 = tensor_requires_grad_(tensor_detach(b), true);
            double ey = 0;
            for (int i = 0; i < n; i++) {
                Tensor *yi = nn_f_conv2d(tensor_narrow(x2, 0, i, 1), w2, b2, s, s, p, p, 1, 1, g);
                double e = max_diff(yi, tensor_narrow(y, 0, i, 1));
                if (e > ey) ey = e;
                tensor_backward(tensor_sum(tensor_mul(yi, tensor_narrow(r, 0, i, 1))));
            }
            /* float32 sums of a few thousand products in another order */
            double tol = f64 ? 1e-10 : 2e-3;
            CHECK_CLOSE(ey, 0, tol);
            CHECK_CLOSE(max_diff(tensor_grad(x2), tensor_grad(x)), 0, tol);
            CHECK_CLOSE(max_diff(tensor_grad(w2), tensor_grad(w)), 0, tol);
            CHECK_CLOSE(max_diff(tensor_grad(b2), tensor_grad(b)), 0, tol);
        }
    }
    return CHECK_DONE();
}
