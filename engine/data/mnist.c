/* MNIST and Fashion-MNIST from IDX files (gzip or raw, read through zlib),
 * searched in a list of folders; a missing dataset is an IOError naming
 * every path tried and how to get the files. */
#include "internal.h"

#include <dlfcn.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

static const char *const DIGITS[] = { "0", "1", "2", "3", "4", "5", "6", "7", "8", "9" };
static const char *const FASHION[] = { "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                       "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot" };

/* Reads a whole IDX file (gzip or raw) into GC memory; NULL if absent. */
static unsigned char *read_idx(const char *path, size_t *size)
{
    if (access(path, R_OK) != 0) return NULL;
    gzFile f = gzopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 20, n = 0;
    unsigned char *buf = GC_MALLOC_ATOMIC(cap);
    for (;;) {
        if (n == cap) {
            unsigned char *b = GC_MALLOC_ATOMIC(cap * 2);
            memcpy(b, buf, n);
            buf = b;
            cap *= 2;
        }
        int got = gzread(f, buf + n, (unsigned)(cap - n));
        if (got < 0) {
            gzclose(f);
            error_raise(ERR_IO, "datasets_mnist: %s is corrupt (zlib: cannot decompress); delete it and download it again", path);
        }
        if (got == 0) break;
        n += (size_t)got;
    }
    gzclose(f);
    *size = n;
    return buf;
}

static uint32_t be32(const unsigned char *p) { return (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]; }

/* The data folders found from where libcoursdl.so lies: an installed
 * library's PREFIX/share/coursdl/data (PREFIX/lib/..), and the project's
 * shared/data (build/ or build/san/ inside the repository, next to shared/). */
static void engine_relative(char out[][4096], int *n, const char *sub)
{
    Dl_info info;
    if (!dladdr((void *)read_idx, &info) || !info.dli_fname) return;
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", info.dli_fname);
    char *dir = dirname(buf);
    char cand[4300], real[4096];
    snprintf(cand, sizeof cand, "%s/../share/coursdl/data/%s", dir, sub);
    if (realpath(cand, real)) snprintf(out[(*n)++], 4096, "%s", real);
    const char *ups[] = { "/../..", "/../../.." };
    for (int i = 0; i < 2; i++) {
        snprintf(cand, sizeof cand, "%s%s/shared/data/%s", dir, ups[i], sub);
        if (realpath(cand, real)) snprintf(out[(*n)++], 4096, "%s", real);
    }
}

typedef struct Spec {
    const char *fn, *sub, *system_dir, *install;
    const char *const *names;
    const char *torch;      /* torchvision's folder: root/MNIST/raw */
    const char *keras_npz;  /* Keras's file in ~/.keras/datasets (MNIST), or NULL */
    const char *keras_dir;  /* Keras's folder in ~/.keras/datasets (Fashion-MNIST), or NULL */
} Spec;

/* Where to look, in order: folders of IDX files and .npz files. */
typedef struct Places {
    char dirs[24][4096];
    int nd;
    char npz[8][4096];
    int nn;
} Places;

static void add_dir(Places *p, const char *fmt, const char *a, const char *b)
{
    if (p->nd < 24) snprintf(p->dirs[p->nd++], 4096, fmt, a, b);
}

static void add_npz(Places *p, const char *dir, const char *file)
{
    if (file && p->nn < 8) snprintf(p->npz[p->nn++], 4096, "%s/%s", dir, file);
}

/* A folder the user named (root, $COURSDL_DATA): it, its dataset sub-folder, torchvision's layout, Keras's file. */
static void add_user_dir(Places *p, const Spec *sp, const char *d)
{
    add_dir(p, "%s%s", d, "");
    add_dir(p, "%s/%s", d, sp->sub);
    add_dir(p, "%s/%s/raw", d, sp->torch);
    if (sp->keras_dir) add_dir(p, "%s/%s", d, sp->keras_dir);
    add_npz(p, d, sp->keras_npz);
}

/* x (N, H, W) uint8 and y (N) from Keras's .npz; NULL when the file is absent. */
static Dataset *from_npz(const Spec *sp, const char *path, bool train, const MnistOptions *o)
{
    if (access(path, R_OK) != 0) return NULL;
    ParamList *d = tensor_load_npz(path);
    Tensor *x = NULL, *y = NULL;
    for (int i = 0; i < d->n; i++) {
        if (!strcmp(d->names[i], train ? "x_train" : "x_test")) x = d->tensors[i];
        if (!strcmp(d->names[i], train ? "y_train" : "y_test")) y = d->tensors[i];
    }
    if (!x || !y || tensor_ndim(x) != 3 || tensor_ndim(y) != 1 || tensor_size(x, 0) != tensor_size(y, 0) ||
        tensor_dtype(x) != DT_UINT8)
        error_raise(ERR_IO, "%s: %s is not Keras's dataset file (it needs uint8 x_%s (N, 28, 28) and y_%s (N)); "
                    "delete it and let Keras download it again", sp->fn, path, train ? "train" : "test",
                    train ? "train" : "test");
    int64_t n = tensor_size(x, 0);
    if (o->limit > 0 && o->limit < n) n = o->limit;
    x = tensor_contiguous(tensor_narrow(x, 0, 0, n));
    x = tensor_reshape(x, n, 1, tensor_size(x, 1), tensor_size(x, 2));
    y = tensor_long(tensor_narrow(y, 0, 0, n));
    if (!o->raw) {  /* the same floats as from the IDX files */
        Tensor *xf = tensor_empty_shape_dtype(DT_FLOAT32, 4, tensor_shape(x));
        float *f = tensor_data_f32(xf);
        const uint8_t *src = tensor_data_u8(x);
        for (int64_t i = 0; i < tensor_numel(x); i++) f[i] = src[i] / 255.0f;
        x = xf;
    }
    return data_set_class_names(data_tensor_dataset(x, y), 10, sp->names);
}

static Dataset *load(const Spec *sp, const char *root, bool train, const MnistOptions *o)
{
    Places pl = { .nd = 0 };
    if (root) add_user_dir(&pl, sp, root);
    const char *env = getenv("COURSDL_DATA");
    if (env && *env) add_user_dir(&pl, sp, env);
    /* COURSDL_DATA_ONLY=1: only root and $COURSDL_DATA (reproducible setups, tests). */
    const char *only = getenv("COURSDL_DATA_ONLY");
    bool defaults = !(only && *only && strcmp(only, "0"));
    int user_dirs = pl.nd, user_npz = pl.nn;
    if (defaults) {
        /* Where Keras and torchvision put their downloads, before the project's small subset. */
        char keras[4096] = "";
        const char *kh = getenv("KERAS_HOME"), *home = getenv("HOME");
        if (kh && *kh) snprintf(keras, sizeof keras, "%s/datasets", kh);
        else if (home && *home) snprintf(keras, sizeof keras, "%s/.keras/datasets", home);
        if (keras[0]) {
            add_npz(&pl, keras, sp->keras_npz);
            if (sp->keras_dir) add_dir(&pl, "%s/%s", keras, sp->keras_dir);
        }
        add_dir(&pl, "data/%s/raw%s", sp->torch, "");
        if (home && *home) add_dir(&pl, "%s/data/%s/raw", home, sp->torch);
        const char *shared = getenv("COURSDL_SHARED_DATA");
        if (shared && *shared) add_dir(&pl, "%s/%s", shared, sp->sub);
        add_dir(&pl, "../shared/data/%s%s", sp->sub, "");
        engine_relative(pl.dirs, &pl.nd, sp->sub);
        if (sp->system_dir) add_dir(&pl, "%s%s", sp->system_dir, "");
    }

    const char *pre = train ? "train" : "t10k";
    const char *pats[] = { "%s/%s-%s-idx%d-ubyte.gz", "%s/%s-%s-idx%d-ubyte", "%s/%s-%s.idx%d-ubyte" };
    char tried[12000] = "";
    size_t used = 0;
    /* The user's own places first (root, $COURSDL_DATA: .npz then folders), then the defaults in order. */
    for (int pass = 0; pass < 2; pass++) {
        int d0 = pass ? user_dirs : 0, d1 = pass ? pl.nd : user_dirs;
        int n0 = pass ? user_npz : 0, n1 = pass ? pl.nn : user_npz;
        for (int k = n0; k < n1; k++) {
            Dataset *ds = from_npz(sp, pl.npz[k], train, o);
            if (ds) return ds;
            if (used < sizeof tried - 300)
                used += (size_t)snprintf(tried + used, sizeof tried - used, "\n  %s", pl.npz[k]);
        }
        for (int d = d0; d < d1; d++) {
            for (int k = 0; k < 3; k++) {
                char ip[4200], lp[4200];
                snprintf(ip, sizeof ip, pats[k], pl.dirs[d], pre, "images", 3);
                snprintf(lp, sizeof lp, pats[k], pl.dirs[d], pre, "labels", 1);
                size_t isz, lsz;
                unsigned char *img = read_idx(ip, &isz);
                if (!img) {
                    if (k == 0 && used < sizeof tried - 300)
                        used += (size_t)snprintf(tried + used, sizeof tried - used, "\n  %s", ip);
                    continue;
                }
                unsigned char *lab = read_idx(lp, &lsz);
                if (!lab) error_raise(ERR_IO, "%s: found %s but not its labels %s; copy both files", sp->fn, ip, lp);
                if (isz < 16 || be32(img) != 0x803 || lsz < 8 || be32(lab) != 0x801)
                    error_raise(ERR_IO, "%s: %s or %s is not an IDX file (bad magic number); download it again", sp->fn, ip, lp);
                int64_t n = be32(img + 4), h = be32(img + 8), w = be32(img + 12), pixels;
                if (__builtin_mul_overflow(n, h, &pixels) || __builtin_mul_overflow(pixels, w, &pixels))
                    error_raise(ERR_VALUE, "%s: %s announces %lld images of %lld x %lld pixels, more than an int64 "
                                "can count (a damaged header); download it again", sp->fn, ip, (long long)n,
                                (long long)h, (long long)w);
                if (be32(lab + 4) != (uint32_t)n || isz < 16 + (size_t)pixels || lsz < 8 + (size_t)n)
                    error_raise(ERR_IO, "%s: %s and %s disagree or are truncated (%lld images); download them again",
                                sp->fn, ip, lp, (long long)n);
                if (o->limit > 0 && o->limit < n) n = o->limit;
                Tensor *x = tensor_empty_shape_dtype(DT_UINT8, 4, (int64_t[]){ n, 1, h, w });
                memcpy(tensor_data_u8(x), img + 16, (size_t)(n * h * w));
                Tensor *y = tensor_empty_shape_dtype(DT_INT64, 1, (int64_t[]){ n });
                int64_t *yp = tensor_data_i64(y);
                for (int64_t i = 0; i < n; i++) {
                    if (lab[8 + i] > 9)
                        error_raise(ERR_IO, "%s: label %lld of %s is %d, outside the classes 0..9 (a damaged "
                                    "file); download it again", sp->fn, (long long)i, lp, lab[8 + i]);
                    yp[i] = lab[8 + i];
                }
                if (!o->raw) {
                    Tensor *xf = tensor_empty_shape_dtype(DT_FLOAT32, 4, (int64_t[]){ n, 1, h, w });
                    float *f = tensor_data_f32(xf);
                    const unsigned char *src = img + 16;
                    for (int64_t i = 0; i < n * h * w; i++) f[i] = src[i] / 255.0f;
                    x = xf;
                }
                return data_set_class_names(data_tensor_dataset(x, y), 10, sp->names);
            }
        }
    }
    error_raise(ERR_IO, "%s: the %s set was not found. Paths tried (IDX files also without .gz):%s%s\nFix: %s; or put the four IDX files "
                "(train-images-idx3-ubyte.gz ...) in a folder and pass it as root or set COURSDL_DATA to it.",
                sp->fn, train ? "training" : "test", tried,
                used ? "" : "\n  (none: no root, and COURSDL_DATA_ONLY=1 turns the usual places off)", sp->install);
}

Dataset *datasets_mnist_(const char *root, bool train, const MnistOptions *o)
{
    static const Spec sp = { "datasets_mnist", "mnist-subset", "/usr/share/datasets/mnist",
                             "download it the way Keras does (python3 -c \"import keras; "
                             "keras.datasets.mnist.load_data()\" writes ~/.keras/datasets/mnist.npz) or "
                             "torchvision does (torchvision.datasets.MNIST(\"data\", download=True) writes "
                             "data/MNIST/raw), or get the IDX files from https://yann.lecun.com/exdb/mnist/",
                             DIGITS, "MNIST", "mnist.npz", NULL };
    return load(&sp, root, train, o);
}

Dataset *datasets_fashion_mnist_(const char *root, bool train, const MnistOptions *o)
{
    static const Spec sp = { "datasets_fashion_mnist", "fashion-mnist", "/usr/share/datasets/fashion-mnist",
                             "run `apt-get install dataset-fashion-mnist` (installs /usr/share/datasets/fashion-mnist), "
                             "or download it the way Keras does (keras.datasets.fashion_mnist.load_data() writes "
                             "~/.keras/datasets/fashion-mnist) or torchvision does (torchvision.datasets.FashionMNIST("
                             "\"data\", download=True) writes data/FashionMNIST/raw)",
                             FASHION, "FashionMNIST", NULL, "fashion-mnist" };
    return load(&sp, root, train, o);
}
