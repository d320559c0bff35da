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
} Spec;

static Dataset *load(const Spec *sp, const char *root, bool train, const MnistOptions *o)
{
    char dirs[12][4096];
    int nd = 0;
    if (root) snprintf(dirs[nd++], 4096, "%s", root);
    const char *env = getenv("COURSDL_DATA");
    if (env && *env) {
        snprintf(dirs[nd++], 4096, "%s", env);
        snprintf(dirs[nd++], 4096, "%s/%s", env, sp->sub);
    }
    /* COURSDL_DATA_ONLY=1: only root and $COURSDL_DATA (reproducible setups, tests). */
    const char *only = getenv("COURSDL_DATA_ONLY");
    bool defaults = !(only && *only && strcmp(only, "0"));
    const char *shared = defaults ? getenv("COURSDL_SHARED_DATA") : NULL;
    if (shared && *shared) snprintf(dirs[nd++], 4096, "%s/%s", shared, sp->sub);
    if (defaults) {
        snprintf(dirs[nd++], 4096, "../shared/data/%s", sp->sub);
        engine_relative(dirs, &nd, sp->sub);
        if (sp->system_dir) snprintf(dirs[nd++], 4096, "%s", sp->system_dir);
    }

    const char *pre = train ? "train" : "t10k";
    const char *pats[] = { "%s/%s-%s-idx%d-ubyte.gz", "%s/%s-%s-idx%d-ubyte", "%s/%s-%s.idx%d-ubyte" };
    char tried[3500] = "";
    size_t used = 0;
    for (int d = 0; d < nd; d++) {
        for (int k = 0; k < 3; k++) {
            char ip[4200], lp[4200];
            snprintf(ip, sizeof ip, pats[k], dirs[d], pre, "images", 3);
            snprintf(lp, sizeof lp, pats[k], dirs[d], pre, "labels", 1);
            size_t isz, lsz;
            unsigned char *img = read_idx(ip, &isz);
            if (!img) {
                if (k == 0 && used < sizeof tried - 200)
                    used += (size_t)snprintf(tried + used, sizeof tried - used, "\n  %s", ip);
                continue;
            }
            unsigned char *lab = read_idx(lp, &lsz);
            if (!lab) error_raise(ERR_IO, "%s: found %s but not its labels %s; copy both files", sp->fn, ip, lp);
            if (isz < 16 || be32(img) != 0x803 || lsz < 8 || be32(lab) != 0x801)
                error_raise(ERR_IO, "%s: %s or %s is not an IDX file (bad magic number); download it again", sp->fn, ip, lp);
            int64_t n = be32(img + 4), h = be32(img + 8), w = be32(img + 12);
            if (be32(lab + 4) != (uint32_t)n || isz < 16 + (size_t)(n * h * w) || lsz < 8 + (size_t)n)
                error_raise(ERR_IO, "%s: %s and %s disagree or are truncated (%lld images); download them again",
                            sp->fn, ip, lp, (long long)n);
            if (o->limit > 0 && o->limit < n) n = o->limit;
            Tensor *x = tensor_empty_shape_dtype(DT_UINT8, 4, (int64_t[]){ n, 1, h, w });
            memcpy(tensor_data_u8(x), img + 16, (size_t)(n * h * w));
            Tensor *y = tensor_empty_shape_dtype(DT_INT64, 1, (int64_t[]){ n });
            int64_t *yp = tensor_data_i64(y);
            for (int64_t i = 0; i < n; i++) yp[i] = lab[8 + i];
            if (!o->raw) {
                Tensor *xf = tensor_empty_shape_dtype(DT_FLOAT32, 4, (int64_t[]){ n, 1, h, w });
                float *f = tensor_data_f32(xf);
                const unsigned char *s = img + 16;
                for (int64_t i = 0; i < n * h * w; i++) f[i] = s[i] / 255.0f;
                x = xf;
            }
            return data_set_class_names(data_tensor_dataset(x, y), 10, sp->names);
        }
    }
    error_raise(ERR_IO, "%s: the %s set was not found. Paths tried:%s\nFix: %s, or put the four IDX files "
                "(train-images-idx3-ubyte.gz ...) in a folder and pass it as root or set COURSDL_DATA to it.",
                sp->fn, train ? "training" : "test", tried, sp->install);
}

Dataset *datasets_mnist_(const char *root, bool train, const MnistOptions *o)
{
    static const Spec sp = { "datasets_mnist", "mnist-subset", "/usr/share/datasets/mnist",
                             "download MNIST from https://yann.lecun.com/exdb/mnist/", DIGITS };
    Dataset *ds = load(&sp, root, train, o);
    return ds;
}

Dataset *datasets_fashion_mnist_(const char *root, bool train, const MnistOptions *o)
{
    static const Spec sp = { "datasets_fashion_mnist", "fashion-mnist", "/usr/share/datasets/fashion-mnist",
                             "run `apt-get install dataset-fashion-mnist` (installs /usr/share/datasets/fashion-mnist)", FASHION };
    return load(&sp, root, train, o);
}
