/* Toy datasets with scikit-learn's semantics (make_moons, make_circles,
 * make_blobs) plus XOR: float32 points, int64 labels, seeded. */
#include "internal.h"

#include <math.h>
#include <stdio.h>

typedef struct Points { Tensor *x, *y; double *xp; int64_t *yp; int64_t n, d; } Points;

static Points points_new(int64_t n, int64_t d, const char *fn)
{
    if (n < 1) error_raise(ERR_VALUE, "%s: n_samples is %lld; it must be >= 1", fn, (long long)n);
    Points p = { NULL, NULL, GC_MALLOC_ATOMIC((size_t)(n * d) * sizeof(double)),
                 GC_MALLOC_ATOMIC((size_t)n * sizeof(int64_t)), n, d };
    return p;
}

/* Shuffles (like sklearn's util.shuffle), adds noise, makes the dataset. */
static Dataset *points_done(Points *p, const SyntheticOptions *o, Generator *g, int k)
{
    if (!o->no_shuffle) {
        int64_t *perm = data_permutation(p->n, g);
        double *xs = GC_MALLOC_ATOMIC((size_t)(p->n * p->d) * sizeof(double));
        int64_t *ys = GC_MALLOC_ATOMIC((size_t)p->n * sizeof(int64_t));
        for (int64_t i = 0; i < p->n; i++) {
            for (int64_t j = 0; j < p->d; j++) xs[i * p->d + j] = p->xp[perm[i] * p->d + j];
            ys[i] = p->yp[perm[i]];
        }
        p->xp = xs;
        p->yp = ys;
    }
    if (o->noise > 0)
        for (int64_t i = 0; i < p->n * p->d; i++) p->xp[i] += o->noise * random_normal(g);
    Tensor *x = tensor_from_f64_as(p->xp, DT_FLOAT32, 2, (int64_t[]){ p->n, p->d });
    Tensor *y = tensor_from_data(p->yp, DT_INT64, 1, (int64_t[]){ p->n });
    Dataset *ds = data_tensor_dataset(x, y);
    const char *names[16];
    char buf[16][16];
    for (int i = 0; i < k && i < 16; i++) { snprintf(buf[i], sizeof buf[i], "%d", i); names[i] = buf[i]; }
    return data_set_class_names(ds, k < 16 ? k : 16, names);
}

/* numpy.linspace(a, b, n, endpoint)[i] */
static double lin(double a, double b, int64_t n, int64_t i, bool endpoint)
{
    int64_t div = endpoint ? n - 1 : n;
    return div > 0 ? a + (b - a) * i / div : a;
}

Dataset *datasets_make_moons_(int64_t n, const SyntheticOptions *o)
{
    Points p = points_new(n, 2, "datasets_make_moons");
    Generator *g = generator_new(o->seed);
    int64_t n_out = n / 2, n_in = n - n_out;
    for (int64_t i = 0; i < n_out; i++) {
        double t = lin(0, M_PI, n_out, i, true);
        p.xp[2 * i] = cos(t); p.xp[2 * i + 1] = sin(t); p.yp[i] = 0;
    }
    for (int64_t i = 0; i < n_in; i++) {
        double t = lin(0, M_PI, n_in, i, true);
        int64_t r = n_out + i;
        p.xp[2 * r] = 1 - cos(t); p.xp[2 * r + 1] = 1 - sin(t) - 0.5; p.yp[r] = 1;
    }
    return points_done(&p, o, g, 2);
}

Dataset *datasets_make_circles_(int64_t n, const SyntheticOptions *o)
{
    double f = o->factor ? o->factor : 0.8;
    if (!(f > 0 && f < 1)) error_raise(ERR_VALUE, "datasets_make_circles: factor is %g; it must be in (0, 1)", f);
    Points p = points_new(n, 2, "datasets_make_circles");
    Generator *g = generator_new(o->seed);
    int64_t n_out = n / 2, n_in = n - n_out;
    for (int64_t i = 0; i < n; i++) {
        bool inner = i >= n_out;
        int64_t j = inner ? i - n_out : i;
        double t = lin(0, 2 * M_PI, inner ? n_in : n_out, j, false), r = inner ? f : 1;
        p.xp[2 * i] = r * cos(t); p.xp[2 * i + 1] = r * sin(t); p.yp[i] = inner;
    }
    return points_done(&p, o, g, 2);
}

Dataset *datasets_make_blobs_(int64_t n, const SyntheticOptions *o)
{
    int k = o->centers ? o->centers : 3, d = o->n_features ? o->n_features : 2;
    double sd = o->cluster_std ? o->cluster_std : 1.0;
    if (k < 1 || d < 1 || sd < 0)
        error_raise(ERR_VALUE, "datasets_make_blobs: need centers >= 1, n_features >= 1, cluster_std >= 0 (got %d, %d, %g)", k, d, sd);
    Points p = points_new(n, d, "datasets_make_blobs");
    Generator *g = generator_new(o->seed);
    double *c = GC_MALLOC_ATOMIC((size_t)(k * d) * sizeof(double));
    for (int i = 0; i < k * d; i++) c[i] = -10 + 20 * random_uniform(g);
    int64_t r = 0;
    for (int i = 0; i < k; i++) {
        int64_t m = n / k + (i < n % k);
        for (int64_t s = 0; s < m; s++, r++) {
            for (int j = 0; j < d; j++) p.xp[r * d + j] = c[i * d + j] + sd * random_normal(g);
            p.yp[r] = i;
        }
    }
    return points_done(&p, o, g, k);
}

Dataset *datasets_xor_(int64_t n, const SyntheticOptions *o)
{
    Points p = points_new(n, 2, "datasets_xor");
    Generator *g = generator_new(o->seed);
    for (int64_t i = 0; i < n; i++) {
        double a = 2 * random_uniform(g) - 1, b = 2 * random_uniform(g) - 1;
        p.xp[2 * i] = a; p.xp[2 * i + 1] = b; p.yp[i] = (a > 0) != (b > 0);
    }
    return points_done(&p, &(SyntheticOptions){ .noise = o->noise, .no_shuffle = true }, g, 2);
}
