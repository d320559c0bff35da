/* Plots that take data read it as what it is: integer C arrays draw exactly
 * what the same values as doubles draw, a tensor of images of any dtype draws
 * what its float / 255 version draws, RGB in colour; arrows of every length;
 * plt_history_of with every metric and a log scale. Compared as rendered PNGs. */
#include <coursdl.h>
#include "check.h"
#include <stdint.h>

static unsigned char *render(size_t *n)
{
    unsigned char *png = plt_render_png(plt_gcf(), n);
    plt_close();
    return png;
}

static bool same_png(unsigned char *a, size_t na, unsigned char *b, size_t nb)
{
    bool same = na == nb && !memcmp(a, b, na);
    free(a);
    free(b);
    return same;
}

/* Whether the current figure renders exactly as ref (freed). */
static bool same_as(unsigned char *ref, size_t na)
{
    size_t nb;
    unsigned char *got = render(&nb);
    return same_png(ref, na, got, nb);
}

int main(void)
{
    check_init();
    size_t na, nb;
    /* Integer arrays: the same figure as their values in doubles. */
    double d[6] = { 1, 4, 2, 8, 5, 3 };
    int64_t i64[6] = { 1, 4, 2, 8, 5, 3 };
    long long ll[6] = { 1, 4, 2, 8, 5, 3 };
    unsigned short us[6] = { 1, 4, 2, 8, 5, 3 };
    signed char sc[6] = { 1, 4, 2, 8, 5, 3 };
    bool bo[6] = { 1, 0, 1, 1, 0, 1 };
    double bd[6] = { 1, 0, 1, 1, 0, 1 };
    plt_plot(NULL, d, 6);
    unsigned char *ref = render(&na);
    plt_plot(NULL, i64, 6);
    unsigned char *got = render(&nb);
    CHECK(same_png(ref, na, got, nb));
    plt_plot(NULL, d, 6);
    ref = render(&na);
    plt_plot(NULL, ll, 6);
    CHECK(same_as(ref, na));
    plt_bar(NULL, d, 6);
    ref = render(&na);
    plt_bar(NULL, us, 6);
    CHECK(same_as(ref, na));
    plt_hist(d, 6, .bins = 4);
    ref = render(&na);
    plt_hist(sc, 6, .bins = 4);
    CHECK(same_as(ref, na));
    plt_scatter(d, bd, 6);
    ref = render(&na);
    plt_scatter(d, bo, 6);
    CHECK(same_as(ref, na));
    /* A tensor where an array goes. */
    plt_plot(NULL, tensor_from_i64(i64, 6), 6);
    ref = render(&na);
    plt_plot(NULL, d, 6);
    CHECK(same_as(ref, na));

    /* Images from a tensor: uint8 pixels draw like their float / 255 version; (N, H, W) like (N, 1, H, W). */
    Dataset *ds = datasets_mnist(NULL, true, .raw = true, .limit = 6);
    Tensor *u8 = data_x(ds);
    plt_images(u8, 0, 0, 0, .ncols = 3);
    ref = render(&na);
    plt_images(tensor_div_scalar(tensor_float(u8), 255.0), 6, 28, 28, .ncols = 3);
    CHECK(same_as(ref, na));
    plt_images(tensor_reshape(u8, 6, 28, 28), 0, 0, 0, .ncols = 3);
    ref = render(&na);
    plt_images(u8, 0, 0, 0, .ncols = 3);
    CHECK(same_as(ref, na));
    /* ... and like the C array of floats they hold. */
    float *pix = malloc(6 * 784 * sizeof(float));
    tensor_to_f32_array(u8, pix, 6 * 784);
    plt_images(pix, 6, 28, 28, .ncols = 3);
    ref = render(&na);
    plt_images(u8, 0, 0, 0, .ncols = 3);
    CHECK(same_as(ref, na));
    free(pix);
    /* Feature maps / filters: (N, C, H, W) with C not 1 or 3 is N x C gray images. */
    manual_seed(0);
    Tensor *w = nn_get_parameter(nn_conv2d(2, 4, 3), "weight");  /* (4, 2, 3, 3): 8 filters */
    plt_images(w, 0, 0, 0);
    ref = render(&na);
    plt_images(tensor_reshape(w, 8, 3, 3), 0, 0, 0);
    CHECK(same_as(ref, na));
    /* RGB: a red image is red. */
    Tensor *rgb = tensor_zeros(1, 3, 4, 4);
    no_grad { tensor_fill_(tensor_select(rgb, 1, 0), 1.0); }
    plt_imshow(rgb, 0, 0);
    ref = render(&na);
    plt_imshow(tensor_to_dtype(tensor_mul_scalar(rgb, 255), DT_UINT8), 4, 4);
    CHECK(same_as(ref, na));
    plt_imshow(tensor_contiguous(tensor_permute(tensor_select(rgb, 0, 0), 1, 2, 0)), 0, 0);  /* (H, W, 3) */
    ref = render(&na);
    plt_imshow(rgb, 0, 0);
    CHECK(same_as(ref, na));
    plt_close_all();
    CHECK_RAISES(ERR_SHAPE, "not one image", plt_imshow(tensor_zeros(2, 3, 4, 4), 0, 0));
    CHECK_RAISES(ERR_SHAPE, "rows = 27", plt_images(u8, 0, 27, 28));
    CHECK_RAISES(ERR_VALUE, "show at most 400", plt_images(tensor_zeros(401, 2, 2), 0, 0, 0));
    CHECK_RAISES(ERR_SHAPE, "images must be", plt_images(tensor_zeros(2, 2, 2, 2, 2), 0, 0, 0));
    plt_close_all();

    /* Arrows of every length: a point close to the text, and one under it, still get one. */
    double xs[2] = { 0, 10 };
    for (int k = 0; k < 3; k++) {
        double tx = k == 0 ? 2 : k == 1 ? 5.3 : 5.02, ty = k == 0 ? 8 : k == 1 ? 5.3 : 5.01;
        plt_plot(xs, xs, 2);
        plt_annotate("point", 5, 5, tx, ty);
        ref = render(&na);
        plt_plot(xs, xs, 2);
        plt_annotate("point", 5, 5, tx, ty, .no_arrow = true);
        CHECK(!same_as(ref, na));
    }

    /* plt_history_of: every metric, .logy, a selection. */
    Dataset *moons = datasets_make_moons(200, .noise = 0.1, .seed = 0);
    manual_seed(0);
    Module *m = nn_sequential(nn_linear(2, 8), nn_relu(), nn_linear(8, 2));
    History *h = nn_fit(m, .x = data_x(moons), .y = data_y(moons), .epochs = 3, .metrics = "accuracy,mae",
                        .validation_split = 0.25, .verbose = 0);
    plt_history_of(h, .logy = true);
    ref = render(&na);
    plt_history_of(h);
    CHECK(!same_as(ref, na));
    plt_history_of(h, .metrics = "loss");
    ref = render(&na);
    plt_history(history_get(h, "loss"), 3, .val_loss = history_get(h, "val_loss"));
    unsigned char *two = render(&nb);
    CHECK(na > 1000 && nb > 1000);
    free(ref);
    free(two);
    CHECK_RAISES(ERR_VALUE, "none of \"precision\"", plt_history_of(h, .metrics = "precision"));
    plt_close_all();
    return CHECK_DONE();
}
