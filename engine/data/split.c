/* Splits: torch's random_split, sklearn's train_test_split and KFold
 * (both optionally stratified). Every split is a permutation from a seeded
 * generator, so the same seed gives the same parts. */
#include "internal.h"
#include "../core/args.h"

#include <math.h>
#include <stdlib.h>

Dataset **data_random_split(Dataset *ds, int n, const double *lengths, uint64_t seed)
{
    CDL_ARG(ds);
    if (!ds || n < 1 || !lengths)
        error_raise(ERR_VALUE, "data_random_split: give a dataset, n >= 1 and n lengths, e.g. "
                    "data_random_split(ds, 2, (double[]){0.8, 0.2}, 42)");
    int64_t total = data_len(ds), *count = GC_MALLOC_ATOMIC((size_t)n * sizeof(int64_t));
    double sum = 0;
    bool fractions = true;
    for (int i = 0; i < n; i++) {
        if (!(lengths[i] >= 0)) error_raise(ERR_VALUE, "data_random_split: length %d is %g; lengths must be >= 0", i, lengths[i]);
        sum += lengths[i];
        if (lengths[i] > 1) fractions = false;
    }
    int64_t got = 0;
    if (fractions && fabs(sum - 1) < 1e-6) {
        /* PyTorch: floor of each share, the remainder one by one round-robin. */
        for (int i = 0; i < n; i++) got += count[i] = (int64_t)floor(total * lengths[i]);
        for (int i = 0; got < total; i = (i + 1) % n, got++) count[i]++;
    } else {
        for (int i = 0; i < n; i++) got += count[i] = (int64_t)llround(lengths[i]);
        if (got != total)
            error_raise(ERR_VALUE, "data_random_split: the lengths sum to %g but the dataset has %lld samples; "
                        "give counts summing to %lld or fractions summing to 1", sum, (long long)total, (long long)total);
    }
    int64_t *perm = data_permutation(total, generator_new(seed));
    Dataset **parts = GC_MALLOC((size_t)n * sizeof(Dataset *));
    for (int i = 0, at = 0; i < n; at += count[i], i++)
        parts[i] = data_subset(ds, data_index_tensor(perm + at, count[i]));
    return parts;
}

static Tensor *pick(Tensor *t, const int64_t *idx, int64_t n)
{
    if (!t) return NULL;
    return tensor_index_select(t, 0, tensor_to_device(data_index_tensor(idx, n), tensor_device(t)));
}

/* The n labels of y as class indices (>= 0); *classes gets max + 1. */
static int64_t *class_labels(Tensor *y, int64_t n, int64_t *classes, const char *fn)
{
    if (tensor_numel(y) != n)
        error_raise(ERR_SHAPE, "%s: .stratify needs one label per sample (%lld), got shape %s", fn, (long long)n,
                    tensor_shape_str(y));
    int64_t *lab = GC_MALLOC_ATOMIC((size_t)n * sizeof(int64_t)), k = 0;
    tensor_to_i64_array(y, lab, n);
    for (int64_t i = 0; i < n; i++) {
        if (lab[i] < 0)
            error_raise(ERR_VALUE, "%s: .stratify needs class indices >= 0 (got %lld)", fn, (long long)lab[i]);
        if (lab[i] + 1 > k) k = lab[i] + 1;
    }
    *classes = k;
    return lab;
}

/* Stratified test indices: each class gets its share of n_test (largest
 * remainders first), drawn at random inside the class. */
static void stratified(Tensor *y, int64_t n, int64_t n_test, Generator *g, int64_t *train, int64_t *test)
{
    int64_t k;
    int64_t *lab = class_labels(y, n, &k, "data_train_test_split");
    int64_t *cnt = GC_MALLOC_ATOMIC((size_t)k * sizeof(int64_t)), *take = GC_MALLOC_ATOMIC((size_t)k * sizeof(int64_t));
    double *frac = GC_MALLOC_ATOMIC((size_t)k * sizeof(double));
    for (int64_t c = 0; c < k; c++) cnt[c] = 0;
    for (int64_t i = 0; i < n; i++) cnt[lab[i]]++;
    int64_t got = 0;
    for (int64_t c = 0; c < k; c++) {
        double share = (double)cnt[c] * n_test / n;
        take[c] = (int64_t)floor(share);
        frac[c] = share - take[c];
        got += take[c];
    }
    while (got < n_test) {
        int64_t best = -1;
        for (int64_t c = 0; c < k; c++)
            if (take[c] < cnt[c] && (best < 0 || frac[c] > frac[best])) best = c;
        take[best]++; frac[best] = -1; got++;
    }
    int64_t *perm = data_permutation(n, g), nt = 0, nr = 0;
    for (int64_t i = 0; i < n; i++) {
        int64_t s = perm[i];
        if (take[lab[s]] > 0) { take[lab[s]]--; test[nt++] = s; }
        else train[nr++] = s;
    }
}

TrainTestSplit *data_train_test_split_(Tensor *x, Tensor *y, const SplitOptions *o)
{
    CDL_ARG_NAMED("data_train_test_split", x, "x");
    CDL_ARG_OPT_NAMED("data_train_test_split", y, "y");
    if (!x || tensor_ndim(x) < 1) error_raise(ERR_VALUE, "data_train_test_split: x must be a tensor with samples along dim 0");
    int64_t n = tensor_size(x, 0);
    if (y && (tensor_ndim(y) < 1 || tensor_size(y, 0) != n))
        error_raise(ERR_SHAPE, "data_train_test_split: x has shape %s but y has shape %s; they need the same "
                    "number of samples", tensor_shape_str(x), tensor_shape_str(y));
    double ts = o->test_size ? o->test_size : 0.25;
    int64_t n_test = ts < 1 ? (int64_t)ceil(ts * n) : (int64_t)ts;
    if (ts < 0 || n_test < 1 || n_test >= n)
        error_raise(ERR_VALUE, "data_train_test_split: test_size %g leaves %lld test and %lld training samples "
                    "out of %lld; both parts must be non-empty", ts, (long long)n_test, (long long)(n - n_test), (long long)n);
    int64_t *train = GC_MALLOC_ATOMIC((size_t)n * sizeof(int64_t)), *test = GC_MALLOC_ATOMIC((size_t)n_test * sizeof(int64_t));
    Generator *g = generator_new(o->seed);
    if (o->stratify) {
        if (!y) error_raise(ERR_VALUE, "data_train_test_split: .stratify needs the labels y");
        stratified(y, n, n_test, g, train, test);
        if (!o->no_shuffle) {  /* mix the classes inside each part */
            int64_t *p = data_permutation(n - n_test, g), *t = GC_MALLOC_ATOMIC((size_t)n * sizeof(int64_t));
            for (int64_t i = 0; i < n - n_test; i++) t[i] = train[p[i]];
            train = t;
        }
    } else if (o->no_shuffle) {
        for (int64_t i = 0; i < n - n_test; i++) train[i] = i;
        for (int64_t i = 0; i < n_test; i++) test[i] = n - n_test + i;
    } else {
        /* sklearn's ShuffleSplit: the first n_test of a permutation are the test set. */
        int64_t *p = data_permutation(n, g);
        for (int64_t i = 0; i < n_test; i++) test[i] = p[i];
        for (int64_t i = 0; i < n - n_test; i++) train[i] = p[n_test + i];
    }
    TrainTestSplit *s = GC_MALLOC(sizeof *s);
    s->x_train = pick(x, train, n - n_test);
    s->x_test = pick(x, test, n_test);
    s->y_train = pick(y, train, n - n_test);
    s->y_test = pick(y, test, n_test);
    return s;
}

/* StratifiedKFold: the samples sorted by class (shuffled inside each
 * class with .shuffle) are dealt to the folds in turn. */
static Fold *stratified_kfold(int64_t n, int k, const KFoldOptions *o)
{
    int64_t classes;
    int64_t *lab = class_labels(o->stratify, n, &classes, "data_kfold");
    int64_t *order = o->shuffle ? data_permutation(n, generator_new(o->seed)) : NULL;
    int64_t *sorted = GC_MALLOC_ATOMIC((size_t)n * sizeof(int64_t)), m = 0;
    for (int64_t c = 0; c < classes; c++)
        for (int64_t j = 0; j < n; j++) {
            int64_t i = order ? order[j] : j;
            if (lab[i] == c) sorted[m++] = i;
        }
    int *fold_of = GC_MALLOC_ATOMIC((size_t)n * sizeof(int));
    for (int64_t j = 0; j < n; j++) fold_of[sorted[j]] = (int)(j % k);
    Fold *f = GC_MALLOC((size_t)k * sizeof(Fold));
    int64_t *tr = GC_MALLOC_ATOMIC((size_t)n * sizeof(int64_t)), *va = GC_MALLOC_ATOMIC((size_t)n * sizeof(int64_t));
    for (int i = 0; i < k; i++) {
        int64_t a = 0, b = 0;
        for (int64_t j = 0; j < n; j++) {
            if (fold_of[j] == i) va[b++] = j;
            else tr[a++] = j;
        }
        f[i].val = data_index_tensor(va, b);
        f[i].train = data_index_tensor(tr, a);
    }
    return f;
}

Fold *data_kfold_(int64_t n, int k, const KFoldOptions *o)
{
    if (k < 2 || n < k)
        error_raise(ERR_VALUE, "data_kfold: k = %d folds for %lld samples; need 2 <= k <= n", k, (long long)n);
    if (o->stratify)
        return stratified_kfold(n, k, o);
    int64_t *order = o->shuffle ? data_permutation(n, generator_new(o->seed)) : NULL;
    if (!order) {
        order = GC_MALLOC_ATOMIC((size_t)n * sizeof(int64_t));
        for (int64_t i = 0; i < n; i++) order[i] = i;
    }
    Fold *f = GC_MALLOC((size_t)k * sizeof(Fold));
    int64_t *tr = GC_MALLOC_ATOMIC((size_t)n * sizeof(int64_t));
    for (int i = 0, at = 0; i < k; i++) {
        int64_t size = n / k + (i < n % k), m = 0;
        /* Like sklearn: validation in the (shuffled) order, training ascending. */
        bool *in_val = GC_MALLOC_ATOMIC((size_t)n);
        for (int64_t j = 0; j < n; j++) in_val[j] = false;
        for (int64_t j = at; j < at + size; j++) in_val[order[j]] = true;
        for (int64_t j = 0; j < n; j++)
            if (!in_val[j]) tr[m++] = j;
        f[i].val = data_index_tensor(order + at, size);
        f[i].train = data_index_tensor(tr, m);
        at += size;
    }
    return f;
}
