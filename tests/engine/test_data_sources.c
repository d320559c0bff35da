/* MNIST where students have it: Keras's ~/.keras/datasets/mnist.npz (a real
 * np.savez_compressed file), torchvision's MNIST/raw, $COURSDL_DATA; the
 * IOError lists every path tried; .npz files in general; your own digits
 * prepared like MNIST's (a photo-like PNG written with cairo). */
#include <coursdl.h>
#include "check.h"
#include <cairo/cairo.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmp[] = "/tmp/cdl-sources-XXXXXX";

static int sh(const char *fmt, const char *a, const char *b)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, fmt, a, b);
    return system(cmd);
}

static double cosine(Tensor *a, Tensor *b)
{
    a = tensor_reshape(tensor_double(a), -1);
    b = tensor_reshape(tensor_double(b), -1);
    return tensor_item(tensor_sum(tensor_mul(a, b))) /
           sqrt(tensor_item(tensor_sum(tensor_square(a))) * tensor_item(tensor_sum(tensor_square(b))));
}

int main(void)
{
    check_init();
    if (!mkdtemp(tmp)) return 1;
    const char *py = access(".venv/bin/python", X_OK) == 0 ? ".venv/bin/python" : "/usr/bin/python3";
    const char *subset_dir = access("shared/data/mnist-subset", R_OK) == 0 ? "shared/data/mnist-subset" : "../shared/data/mnist-subset";
    /* Keras's file: the first 100 / 50 digits of the project's subset, as keras.datasets.mnist stores them. */
    char keras[600];
    snprintf(keras, sizeof keras, "%s/home/.keras/datasets", tmp);
    CHECK(sh("mkdir -p %s && mkdir -p %s", keras, keras) == 0);
    char script[1800];
    snprintf(script, sizeof script,
             "%s -c \"import gzip, numpy as np; r = '%s/'\n"
             "def f(n, o): return np.frombuffer(gzip.open(r + n).read(), np.uint8, offset=o)\n"
             "np.savez_compressed('%s/mnist.npz', x_train=f('train-images-idx3-ubyte.gz', 16).reshape(-1, 28, 28)[:100], "
             "y_train=f('train-labels-idx1-ubyte.gz', 8)[:100], x_test=f('t10k-images-idx3-ubyte.gz', 16).reshape(-1, 28, 28)[:50], "
             "y_test=f('t10k-labels-idx1-ubyte.gz', 8)[:50])\"", py, subset_dir, keras);
    CHECK(system(script) == 0);
    char npz[700];
    snprintf(npz, sizeof npz, "%s/mnist.npz", keras);
    ParamList *z = tensor_load_npz(npz);
    CHECK(z->n == 4 && !strcmp(z->names[0], "x_train") && tensor_dtype(npz_get(z, "x_train")) == DT_UINT8);
    CHECK(tensor_size(npz_get(z, "x_train"), 0) == 100 && tensor_ndim(npz_get(z, "y_test")) == 1);
    CHECK_RAISES(ERR_VALUE, "\"x_train\", \"y_train\"", npz_get(z, "images"));
    CHECK_RAISES(ERR_IO, "cannot open", tensor_load_npz("/tmp/cdl-no-such.npz"));
    CHECK_RAISES(ERR_IO, "not a .npz", tensor_load_npz("README.md"));

    /* The subset the project ships, for comparison. */
    unsetenv("COURSDL_DATA_ONLY");
    unsetenv("COURSDL_DATA");
    Dataset *subset = datasets_mnist(NULL, true);
    CHECK(data_len(subset) == 8000);
    /* Keras's file is found first (a student's full MNIST before the project's subset). */
    char home[600];
    snprintf(home, sizeof home, "%s/home", tmp);
    static char *old_home;
    old_home = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
    setenv("HOME", home, 1);
    Dataset *k = datasets_mnist(NULL, true), *kt = datasets_mnist(NULL, false, .raw = true);
    CHECK(data_len(k) == 100 && data_len(kt) == 50 && tensor_ndim(data_x(k)) == 4 && tensor_size(data_x(k), 1) == 1);
    CHECK(tensor_equal(data_x(k), tensor_narrow(data_x(subset), 0, 0, 100)));
    CHECK(tensor_equal(data_y(k), tensor_narrow(data_y(subset), 0, 0, 100)) && tensor_dtype(data_y(k)) == DT_INT64);
    CHECK(tensor_dtype(data_x(kt)) == DT_UINT8 && data_num_classes(k) == 10);
    /* torchvision's layout under a root, and under $COURSDL_DATA. */
    char raw[700];
    snprintf(raw, sizeof raw, "%s/tv/MNIST/raw", tmp);
    char cmd[1600];
    snprintf(cmd, sizeof cmd, "mkdir -p %s && cp %s/t10k-* %s/", raw, subset_dir, raw);
    CHECK(system(cmd) == 0);
    char tv[600];
    snprintf(tv, sizeof tv, "%s/tv", tmp);
    CHECK(data_len(datasets_mnist(tv, false)) == 2000);
    setenv("COURSDL_DATA", tv, 1);
    setenv("COURSDL_DATA_ONLY", "1", 1);
    CHECK(data_len(datasets_mnist(NULL, false)) == 2000);
    /* Missing: every place is named, with how to get the files. */
    CHECK_RAISES(ERR_IO, "MNIST/raw/train-images-idx3-ubyte.gz", datasets_mnist(NULL, true));
    CHECK(strstr(error_last_message(), "mnist.npz") && strstr(error_last_message(), "keras.datasets.mnist.load_data()") &&
          strstr(error_last_message(), "torchvision"));
    unsetenv("COURSDL_DATA_ONLY");
    unsetenv("COURSDL_DATA");
    if (old_home) setenv("HOME", old_home, 1);

    /* Your own digit: an MNIST digit drawn 4x larger in dark ink on a light photo-like page, off-centre. */
    Dataset *few = datasets_mnist(NULL, false, .limit = 6);
    int good = 0;
    for (int i = 0; i < 6; i++) {
        Tensor *digit = tensor_select(tensor_select(data_x(few), 0, i), 0, 0);
        cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_RGB24, 160, 200);
        unsigned char *px = cairo_image_surface_get_data(s);
        int stride = cairo_image_surface_get_stride(s);
        for (int y = 0; y < 200; y++)
            for (int x = 0; x < 160; x++) {
                double ink = 0;
                int dy = (y - 30 - 7 * i) / 4, dx = (x - 20 - 3 * i) / 4;
                if (dy >= 0 && dy < 28 && dx >= 0 && dx < 28 && y >= 30 + 7 * i && x >= 20 + 3 * i) ink = tensor_get(digit, dy, dx);
                unsigned v = (unsigned)lround(235 - 200 * ink);  /* grey paper, dark ink */
                ((uint32_t *)(px + y * stride))[x] = v << 16 | v << 8 | (v > 20 ? v - 20 : 0);
            }
        cairo_surface_mark_dirty(s);
        char png[700];
        snprintf(png, sizeof png, "%s/digit%d.png", tmp, i);
        cairo_surface_write_to_png(s, png);
        cairo_surface_destroy(s);
        Tensor *mine = data_load_image(png, .digits = true);
        CHECK(tensor_ndim(mine) == 4 && tensor_size(mine, 2) == 28 && tensor_dtype(mine) == DT_FLOAT32);
        CHECK(tensor_item(tensor_max(mine)) <= 1 && tensor_item(tensor_min(mine)) >= 0);
        double c = cosine(mine, digit);
        good += c > 0.85;  /* an unrelated digit or a misplaced one scores about 0.3 to 0.6 */
        if (c <= 0.85) printf("digit %d: cosine %.3f\n", i, c);
        /* The centre of mass lands at the centre. */
        Tensor *w = tensor_reshape(tensor_double(mine), 28, 28);
        double m = tensor_item(tensor_sum(w));
        Tensor *rows = tensor_add_scalar(tensor_arange(0, 28, 1), 0.5);
        double cy = tensor_item(tensor_sum(tensor_mul(tensor_sum_dim(w, 1, false), tensor_double(rows)))) / m;
        double cx = tensor_item(tensor_sum(tensor_mul(tensor_sum_dim(w, 0, false), tensor_double(rows)))) / m;
        CHECK(fabs(cy - 14) < 1 && fabs(cx - 14) < 1);
    }
    CHECK(good >= 5);
    /* A folder of them, and a light-on-dark digit kept as it is. */
    char dir[700];
    snprintf(dir, sizeof dir, "%s", tmp);
    Tensor *all = data_load_images(dir, .digits = true);
    CHECK(tensor_size(all, 0) == 6 && tensor_size(all, 3) == 28);
    Tensor *plain = data_prepare_digit(tensor_select(tensor_select(data_x(few), 0, 0), 0, 0));
    CHECK(cosine(plain, tensor_select(data_x(few), 0, 0)) > 0.9);
    CHECK_RAISES(ERR_VALUE, "blank", data_prepare_digit(tensor_ones(20, 20)));
    CHECK_RAISES(ERR_SHAPE, "one image", data_prepare_digit(tensor_ones(2, 5, 20, 20)));
    sh("rm -rf %s%s", tmp, "");
    return CHECK_DONE();
}
