/* Data from files: the MNIST subset and Fashion-MNIST (IDX, gzip), the
 * missing-dataset error, CSV files and a folder of PNG images. */
#include <coursdl.h>
#include "check.h"
#include <cairo/cairo.h>
#include <sys/stat.h>
#include <unistd.h>

static void test_mnist(void)
{
    Dataset *tr = datasets_mnist(NULL, true);
    Tensor *x = data_x(tr), *y = data_y(tr);
    CHECK(data_len(tr) == 8000 && tensor_ndim(x) == 4 && tensor_size(x, 1) == 1 && tensor_size(x, 2) == 28 && tensor_size(x, 3) == 28);
    CHECK(tensor_dtype(x) == DT_FLOAT32 && tensor_dtype(y) == DT_INT64);
    CHECK(tensor_get(y, 0) == 8 && tensor_get(y, 1) == 0 && tensor_get(y, 2) == 2);
    CHECK_CLOSE(tensor_item(tensor_sum(tensor_select(x, 0, 0))), 24984 / 255.0, 1e-2);
    CHECK_CLOSE(tensor_get(x, 0, 0, 14, 14), 20 / 255.0, 1e-6);
    CHECK(tensor_item(tensor_max(x)) <= 1.0 && tensor_item(tensor_min(x)) >= 0.0);
    CHECK(tensor_item(tensor_sum(tensor_eq_scalar(y, 5))) == 685);
    CHECK(data_num_classes(tr) == 10 && !strcmp(data_class_names(tr)[7], "7"));
    Dataset *te = datasets_mnist("/work/does-not-exist", false, .raw = true, .limit = 100);
    CHECK(data_len(te) == 100 && tensor_dtype(data_x(te)) == DT_UINT8);
    CHECK(tensor_get(data_y(te), 0) == 9 && tensor_item(tensor_sum(tensor_long(data_x(te)))) > 26022);
    Dataset *te2 = datasets_mnist("../shared/data/mnist-subset", false);
    CHECK(data_len(te2) == 2000);
    /* A loader over it, with a transform: batches of 64 normalised images. */
    DataLoader *dl = data_loader(te2, .batch_size = 64, .shuffle = true, .transform = transforms_normalize(0.1307, 0.3081));
    Batch *b = data_next(dl);
    CHECK(tensor_size(b->x, 0) == 64 && tensor_size(b->y, 0) == 64 && data_num_batches(dl) == 32);
    CHECK(tensor_item(tensor_min(b->x)) < -0.4);

    /* Missing: every path tried and how to install, in an IOError. */
    setenv("COURSDL_DATA_ONLY", "1", 1);
    setenv("COURSDL_DATA", "/tmp/cdl-no-data", 1);
    CHECK_RAISES(ERR_IO, "/tmp/cdl-no-data/fashion-mnist/train-images-idx3-ubyte.gz", datasets_fashion_mnist("/tmp/nowhere", true));
    CHECK(strstr(error_last_message(), "/tmp/nowhere/train-images-idx3-ubyte.gz") != NULL);
    CHECK(strstr(error_last_message(), "apt-get install dataset-fashion-mnist") != NULL);
    CHECK(strstr(error_last_message(), "COURSDL_DATA") != NULL);
    setenv("COURSDL_DATA", "../shared/data/mnist-subset", 1);
    CHECK(data_len(datasets_mnist(NULL, false)) == 2000);
    unsetenv("COURSDL_DATA_ONLY");
    unsetenv("COURSDL_DATA");

    if (access("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz", R_OK) == 0) {
        Dataset *f = datasets_fashion_mnist(NULL, false);
        CHECK(data_len(f) == 10000);
        CHECK(tensor_get(data_y(f), 0) == 9 && tensor_get(data_y(f), 1) == 2);
        CHECK_CLOSE(tensor_item(tensor_sum(tensor_select(data_x(f), 0, 0))), 33456 / 255.0, 1e-2);
        CHECK(!strcmp(data_class_names(f)[0], "T-shirt/top") && !strcmp(data_class_names(f)[9], "Ankle boot"));
        Dataset *ft = datasets_fashion_mnist(NULL, true, .limit = 500);
        CHECK(data_len(ft) == 500);
    } else {
        printf("note: Fashion-MNIST not installed (apt-get install dataset-fashion-mnist); skipped\n");
    }
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

static void test_csv(const char *dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/houses.csv", dir);
    write_file(path, "surface,rooms,price\n50,2,100.5\n80, 3 ,\n120,5,300\n");
    const char **names = NULL;
    int cols = 0;
    Tensor *t = data_read_csv(path, .column_names = &names, .n_columns = &cols);
    CHECK(tensor_size(t, 0) == 3 && tensor_size(t, 1) == 3 && cols == 3);
    CHECK(names && !strcmp(names[2], "price"));
    CHECK_CLOSE(tensor_get(t, 0, 2), 100.5, 1e-5);
    CHECK_CLOSE(tensor_get(t, 1, 1), 3, 0);
    CHECK(isnan(tensor_get(t, 1, 2)));
    snprintf(path, sizeof path, "%s/semi.csv", dir);
    write_file(path, "1;2\n3;4\n");
    names = (const char **)1;
    t = data_read_csv(path, .delimiter = ';', .column_names = &names);
    CHECK(tensor_size(t, 0) == 2 && tensor_get(t, 1, 0) == 3 && names == NULL);
    snprintf(path, sizeof path, "%s/bad.csv", dir);
    write_file(path, "a,b\n1,2\n3,oops\n");
    CHECK_RAISES(ERR_VALUE, "line 3, column 2", data_read_csv(path));
    write_file(path, "1,2\n3\n");
    CHECK_RAISES(ERR_VALUE, "delimiter", data_read_csv(path));
    CHECK_RAISES(ERR_IO, "cannot open", data_read_csv("/nonexistent/x.csv"));
}

/* A 56x56 white image with a black 28x28 square top-left. */
static void write_png(const char *path, bool transparent)
{
    cairo_surface_t *s = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, 56, 56);
    cairo_t *cr = cairo_create(s);
    if (!transparent) {
        cairo_set_source_rgb(cr, 1, 1, 1);
        cairo_paint(cr);
    }
    cairo_set_source_rgb(cr, 0, 0, 0);
    cairo_rectangle(cr, 0, 0, 28, 28);
    cairo_fill(cr);
    cairo_destroy(cr);
    cairo_surface_write_to_png(s, path);
    cairo_surface_destroy(s);
}

static void test_png(const char *dir)
{
    char sub[512], path[600];
    snprintf(sub, sizeof sub, "%s/digits", dir);
    mkdir(sub, 0755);
    snprintf(path, sizeof path, "%s/b.png", sub);
    write_png(path, false);
    snprintf(path, sizeof path, "%s/a.png", sub);
    write_png(path, true);
    snprintf(path, sizeof path, "%s/notes.txt", sub);
    write_file(path, "not an image");
    const char **names = NULL;
    Tensor *t = data_load_images(sub, .auto_invert = true, .names = &names);
    CHECK(tensor_size(t, 0) == 2 && tensor_size(t, 1) == 1 && tensor_size(t, 2) == 28 && tensor_size(t, 3) == 28);
    CHECK(names && !strcmp(names[0], "a.png") && !strcmp(names[1], "b.png"));
    CHECK_CLOSE(tensor_get(t, 1, 0, 3, 3), 1.0, 1e-5);    /* ink (inverted) */
    CHECK_CLOSE(tensor_get(t, 1, 0, 20, 20), 0.0, 1e-5);  /* paper */
    CHECK_CLOSE(tensor_get(t, 0, 0, 3, 3), 1.0, 1e-5);    /* transparent = white paper */
    CHECK_CLOSE(tensor_get(t, 0, 0, 3, 20), 0.0, 1e-5);
    snprintf(path, sizeof path, "%s/b.png", sub);
    Tensor *one = data_load_image(path, .size = 14);
    CHECK(tensor_size(one, 3) == 14 && tensor_get(one, 0, 0, 0, 0) < 0.01 && tensor_get(one, 0, 0, 10, 10) > 0.99);
    CHECK_RAISES(ERR_IO, "PNG", data_load_image("/nonexistent.png"));
    CHECK_RAISES(ERR_IO, "no .png", data_load_images(dir));
}

int main(void)
{
    check_init();
    char dir[] = "/tmp/cdl-test-data-XXXXXX";
    if (!mkdtemp(dir)) return 1;
    test_mnist();
    test_csv(dir);
    test_png(dir);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) printf("note: could not remove %s\n", dir);
    return CHECK_DONE();
}
