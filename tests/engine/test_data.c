/* Data: tensor and callback datasets, loaders (batching, shuffling,
 * determinism, epochs, weighted sampling), splits, transforms on known
 * pixels, synthetic datasets. */
#include <coursdl.h>
#include "check.h"

static int64_t sq_len(void *ctx) { (void)ctx; return 7; }
static void sq_item(int64_t i, Tensor **x, Tensor **y, void *ctx)
{
    (void)ctx;
    *x = tensor_of((double)i, (double)(i * i));
    *y = tensor_full_dtype((double)(i % 2), DT_INT64);
}

/* Collects one epoch's sample order (x[:, 0] holds the index). */
static int epoch_order(DataLoader *dl, int64_t *out, int64_t *sizes, int *nb)
{
    int n = 0;
    *nb = 0;
    for (Batch *b; (b = data_next(dl)); ) {
        sizes[(*nb)++] = b->size;
        for (int64_t i = 0; i < b->size; i++) out[n++] = (int64_t)tensor_get(b->x, i, 0);
    }
    return n;
}

static void test_loader(void)
{
    Tensor *x = tensor_reshape(tensor_arange(0, 20, 1), 10, 2);
    for (int i = 0; i < 10; i++) tensor_set(x, i, i, 0);
    Tensor *y = tensor_arange_int(0, 10, 1);
    Dataset *ds = data_tensor_dataset(x, y);
    CHECK(data_len(ds) == 10);

    DataLoader *dl = data_loader(ds, .batch_size = 4);
    CHECK(data_num_batches(dl) == 3);
    int64_t order[64], sizes[16];
    int nb;
    CHECK(epoch_order(dl, order, sizes, &nb) == 10);
    CHECK(nb == 3 && sizes[0] == 4 && sizes[1] == 4 && sizes[2] == 2);
    int seq = 1;
    for (int i = 0; i < 10; i++) seq &= order[i] == i;
    CHECK(seq);
    /* The next call after NULL starts a new epoch. */
    Batch *b = data_next(dl);
    CHECK(b && b->index == 0 && tensor_get(b->y, 0) == 0 && tensor_size(b->x, 0) == 4 && tensor_size(b->x, 1) == 2);
    CHECK(tensor_dtype(b->y) == DT_INT64 && tensor_ndim(b->y) == 1);
    data_next(dl);
    data_reset(dl);
    b = data_next(dl);
    CHECK(b && b->index == 0);

    DataLoader *dd = data_loader(ds, .batch_size = 4, .drop_last = true);
    CHECK(data_num_batches(dd) == 2);
    CHECK(epoch_order(dd, order, sizes, &nb) == 8 && nb == 2);

    /* Shuffling: a permutation, the same for the same seed, new each epoch. */
    DataLoader *s1 = data_loader(ds, .batch_size = 3, .shuffle = true, .seed = 7);
    DataLoader *s2 = data_loader(ds, .batch_size = 3, .shuffle = true, .seed = 7);
    DataLoader *s3 = data_loader(ds, .batch_size = 3, .shuffle = true, .seed = 8);
    int64_t o1[16], o2[16], o3[16], o1b[16];
    epoch_order(s1, o1, sizes, &nb);
    epoch_order(s2, o2, sizes, &nb);
    epoch_order(s3, o3, sizes, &nb);
    epoch_order(s1, o1b, sizes, &nb);
    int seen[10] = { 0 }, same12 = 1, same13 = 1, same_epoch = 1, sorted = 1;
    for (int i = 0; i < 10; i++) {
        seen[o1[i]]++;
        same12 &= o1[i] == o2[i];
        same13 &= o1[i] == o3[i];
        same_epoch &= o1[i] == o1b[i];
        sorted &= o1[i] == i;
    }
    int perm = 1;
    for (int i = 0; i < 10; i++) perm &= seen[i] == 1;
    CHECK(perm);
    CHECK(same12);
    CHECK(!same13);
    CHECK(!same_epoch);
    CHECK(!sorted);
    /* y follows x through the shuffle. */
    data_reset(s1);
    b = data_next(s1);
    int match = 1;
    for (int64_t i = 0; i < b->size; i++) match &= tensor_get(b->x, i, 0) == tensor_get(b->y, i);
    CHECK(match);
    CHECK(tensor_get(b->indices, 0) == tensor_get(b->y, 0));

    CHECK_RAISES(ERR_SHAPE, "same", data_tensor_dataset(x, tensor_arange_int(0, 9, 1)));
    CHECK_RAISES(ERR_INDEX, "out of range", data_get(ds, 10, NULL, NULL));
}

static void test_custom_dataset(void)
{
    Dataset *ds = data_dataset(sq_item, sq_len, NULL);
    CHECK(data_len(ds) == 7);
    Tensor *x, *y;
    data_get(ds, 3, &x, &y);
    CHECK(tensor_get(x, 1) == 9 && tensor_item(y) == 1);
    DataLoader *dl = data_loader(ds, .batch_size = 3);
    Batch *b = data_next(dl);
    CHECK(tensor_ndim(b->x) == 2 && tensor_size(b->x, 0) == 3 && tensor_size(b->x, 1) == 2);
    CHECK(tensor_ndim(b->y) == 1 && tensor_get(b->y, 1) == 1 && tensor_get(b->x, 2, 1) == 4);
    CHECK(data_num_batches(dl) == 3);
    Tensor *all = data_x(ds);
    CHECK(tensor_size(all, 0) == 7 && tensor_get(all, 6, 1) == 36);
    Dataset *sub = data_subset(ds, tensor_from_i64(((int64_t[]){ 5, 1 }), 2));
    data_get(sub, 0, &x, NULL);
    CHECK(data_len(sub) == 2 && tensor_get(x, 0) == 5);
    Dataset *subsub = data_subset(sub, tensor_from_i64(((int64_t[]){ 1 }), 1));
    data_get(subsub, 0, &x, NULL);
    CHECK(tensor_get(x, 0) == 1);
}

static void test_weighted_sampler(void)
{
    Tensor *x = tensor_reshape(tensor_arange(0, 4, 1), 4, 1);
    Dataset *ds = data_tensor_dataset(x, NULL);
    double w[4] = { 1, 2, 3, 4 };
    int64_t n = 20000, count[4] = { 0 };
    DataLoader *dl = data_loader(ds, .batch_size = 100, .weights = tensor_from_f64(w, 4), .num_samples = n, .seed = 3);
    CHECK(data_num_batches(dl) == 200);
    int64_t got = 0;
    for (Batch *b; (b = data_next(dl)); ) {
        CHECK(b->y == NULL || 0);
        for (int64_t i = 0; i < b->size; i++) count[(int)tensor_get(b->x, i, 0)]++;
        got += b->size;
        if (b->index > 0) checks_passed--;  /* count the y == NULL check once */
    }
    CHECK(got == n);
    double chi2 = 0;
    for (int i = 0; i < 4; i++) {
        double e = n * w[i] / 10.0;
        chi2 += (count[i] - e) * (count[i] - e) / e;
    }
    /* 3 degrees of freedom: P(chi2 > 16.3) = 0.001. */
    CHECK(chi2 < 16.3);
    CHECK_RAISES(ERR_SHAPE, "one weight per sample", data_loader(ds, .weights = tensor_ones(3)));
}

static void test_splits(void)
{
    Dataset *ds = data_tensor_dataset(tensor_reshape(tensor_arange(0, 10, 1), 10, 1), tensor_arange_int(0, 10, 1));
    Dataset **p = data_random_split(ds, 2, (double[]){ 0.8, 0.2 }, 42);
    CHECK(data_len(p[0]) == 8 && data_len(p[1]) == 2);
    int seen[10] = { 0 };
    for (int k = 0; k < 2; k++)
        for (int64_t i = 0; i < data_len(p[k]); i++) {
            Tensor *y;
            data_get(p[k], i, NULL, &y);
            seen[(int)tensor_item(y)]++;
        }
    int ok = 1;
    for (int i = 0; i < 10; i++) ok &= seen[i] == 1;
    CHECK(ok);
    Dataset **q = data_random_split(ds, 3, (double[]){ 0.33, 0.33, 0.34 }, 0);
    CHECK(data_len(q[0]) == 4 && data_len(q[1]) == 3 && data_len(q[2]) == 3);
    Dataset **r = data_random_split(ds, 2, (double[]){ 6, 4 }, 0);
    CHECK(data_len(r[0]) == 6 && data_len(r[1]) == 4);
    CHECK_RAISES(ERR_VALUE, "sum to", data_random_split(ds, 2, (double[]){ 6, 5 }, 0));

    Tensor *X = tensor_reshape(tensor_arange(0, 200, 1), 100, 2);
    int64_t lab[100];
    for (int i = 0; i < 100; i++) lab[i] = i < 70 ? 0 : 1;
    Tensor *Y = tensor_from_i64(lab, 100);
    TrainTestSplit *s = data_train_test_split(X, Y, .test_size = 0.2, .seed = 1);
    CHECK(tensor_size(s->x_train, 0) == 80 && tensor_size(s->x_test, 0) == 20);
    CHECK(tensor_size(s->y_train, 0) == 80 && tensor_size(s->y_test, 0) == 20);
    double total = tensor_item(tensor_sum(s->x_train)) + tensor_item(tensor_sum(s->x_test));
    CHECK_CLOSE(total, 199 * 200 / 2, 1e-3);
    CHECK(tensor_get(s->x_test, 3, 0) / 2 < 70 ? tensor_get(s->y_test, 3) == 0 : tensor_get(s->y_test, 3) == 1);
    TrainTestSplit *st = data_train_test_split(X, Y, .test_size = 0.2, .seed = 1, .stratify = true);
    CHECK_CLOSE(tensor_item(tensor_sum(st->y_test)), 6, 0);  /* 30% of 20 */
    TrainTestSplit *ns = data_train_test_split(X, NULL, .test_size = 25, .no_shuffle = true);
    CHECK(tensor_size(ns->x_test, 0) == 25 && tensor_get(ns->x_test, 0, 0) == 150 && ns->y_test == NULL);

    Fold *f = data_kfold(10, 3, .shuffle = true, .seed = 0);
    CHECK(tensor_numel(f[0].val) == 4 && tensor_numel(f[1].val) == 3 && tensor_numel(f[2].val) == 3);
    int vseen[10] = { 0 }, asc = 1, disjoint = 1;
    for (int k = 0; k < 3; k++) {
        CHECK(tensor_numel(f[k].train) + tensor_numel(f[k].val) == 10);
        for (int64_t i = 0; i < tensor_numel(f[k].val); i++) vseen[(int)tensor_get(f[k].val, i)]++;
        for (int64_t i = 1; i < tensor_numel(f[k].train); i++) asc &= tensor_get(f[k].train, i) > tensor_get(f[k].train, i - 1);
        for (int64_t i = 0; i < tensor_numel(f[k].train); i++)
            for (int64_t j = 0; j < tensor_numel(f[k].val); j++) disjoint &= tensor_get(f[k].train, i) != tensor_get(f[k].val, j);
    }
    ok = 1;
    for (int i = 0; i < 10; i++) ok &= vseen[i] == 1;
    CHECK(ok && asc && disjoint);
    Fold *g = data_kfold(5, 5);
    CHECK(tensor_get(g[2].val, 0) == 2 && tensor_numel(g[2].train) == 4);

    /* stratified: 3 classes of 12, 9 and 5 samples in 4 folds; each fold
     * gets 3, 2-3 and 1-2 of them, every sample is validated once */
    int64_t cls[26];
    for (int i = 0; i < 26; i++) cls[i] = i % 5 == 4 ? 2 : (i < 15 ? 0 : 1);
    int cnt[3] = { 0 };
    for (int i = 0; i < 26; i++) cnt[cls[i]]++;
    Tensor *labels = tensor_from_i64(cls, 26);
    for (int sh = 0; sh < 2; sh++) {
        Fold *sf = data_kfold(26, 4, .stratify = labels, .shuffle = sh, .seed = 3);
        int seen[26] = { 0 }, fair = 1, sorted = 1;
        for (int k = 0; k < 4; k++) {
            int per[3] = { 0 };
            CHECK(tensor_numel(sf[k].train) + tensor_numel(sf[k].val) == 26);
            for (int64_t i = 0; i < tensor_numel(sf[k].val); i++) {
                int64_t v = (int64_t)tensor_get(sf[k].val, i);
                seen[v]++;
                per[cls[v]]++;
                if (i) sorted &= v > (int64_t)tensor_get(sf[k].val, i - 1);
            }
            for (int c = 0; c < 3; c++) fair &= per[c] == cnt[c] / 4 || per[c] == cnt[c] / 4 + 1;
        }
        ok = 1;
        for (int i = 0; i < 26; i++) ok &= seen[i] == 1;
        CHECK(ok && fair && sorted);
    }
    CHECK_RAISES(ERR_SHAPE, "one label per sample", data_kfold(10, 2, .stratify = labels));
}

static void test_transforms(void)
{
    Tensor *u = tensor_empty_shape_dtype(DT_UINT8, 3, (int64_t[]){ 1, 2, 2 });
    uint8_t *up = tensor_data_u8(u);
    up[0] = 0; up[1] = 51; up[2] = 255; up[3] = 102;
    Tensor *s = transforms_apply(transforms_scale(), u, NULL);
    CHECK(tensor_dtype(s) == DT_FLOAT32);
    CHECK_CLOSE(tensor_get(s, 0, 0, 1), 0.2, 1e-6);
    CHECK_CLOSE(tensor_get(s, 0, 1, 0), 1.0, 1e-6);
    Tensor *nz = transforms_apply(transforms_compose(TRANSFORMS_OF(transforms_scale(), transforms_normalize(0.5, 0.25))), u, NULL);
    CHECK_CLOSE(tensor_get(nz, 0, 0, 0), -2.0, 1e-6);
    CHECK_CLOSE(tensor_get(nz, 0, 1, 0), 2.0, 1e-6);
    Tensor *c2 = tensor_ones(2, 2, 1, 1);
    Tensor *nc = transforms_apply(transforms_normalize_channels(2, (double[]){ 1, 0 }, (double[]){ 1, 0.5 }), c2, NULL);
    CHECK_CLOSE(tensor_get(nc, 1, 0, 0, 0), 0, 1e-6);
    CHECK_CLOSE(tensor_get(nc, 1, 1, 0, 0), 2, 1e-6);
    Tensor *oh = transforms_apply(transforms_one_hot(3), tensor_from_i64(((int64_t[]){ 2, 0 }), 2), NULL);
    CHECK(tensor_size(oh, 1) == 3 && tensor_get(oh, 0, 2) == 1 && tensor_get(oh, 0, 0) == 0 && tensor_get(oh, 1, 0) == 1);
    CHECK_RAISES(ERR_VALUE, "num_classes", transforms_apply(transforms_one_hot(2), tensor_from_i64(((int64_t[]){ 2 }), 1), NULL));

    /* Flip with p = 1: columns reversed. */
    Tensor *img = tensor_reshape(tensor_arange(0, 12, 1), 2, 1, 2, 3);
    Tensor *fl = transforms_apply(transforms_horizontal_flip(1.0), img, NULL);
    CHECK(tensor_get(fl, 0, 0, 0, 0) == 2 && tensor_get(fl, 0, 0, 0, 2) == 0 && tensor_get(fl, 1, 0, 1, 0) == 11);

    /* Random crop with padding 1 of 4x4 images: a shift by dy, dx in [-1, 1]. */
    Tensor *sq = tensor_add_scalar(tensor_reshape(tensor_arange(0, 16, 1), 1, 1, 4, 4), 1);
    Generator *gen = generator_new(5);
    int shifted_all = 1;
    for (int t = 0; t < 20; t++) {
        Tensor *cr = transforms_apply(transforms_random_crop(0, 1), sq, gen);
        int found = 0;
        for (int dy = -1; dy <= 1 && !found; dy++)
            for (int dx = -1; dx <= 1 && !found; dx++) {
                int ok = 1;
                for (int r = 0; r < 4; r++)
                    for (int c = 0; c < 4; c++) {
                        int sr = r + dy, sc = c + dx;
                        double want = sr >= 0 && sr < 4 && sc >= 0 && sc < 4 ? 1 + sr * 4 + sc : 0;
                        ok &= tensor_get(cr, 0, 0, r, c) == want;
                    }
                found = ok;
            }
        shifted_all &= found;
    }
    CHECK(shifted_all);
    Tensor *cr2 = transforms_apply(transforms_random_crop(2, 0), sq, gen);
    CHECK(tensor_size(cr2, 2) == 2 && tensor_size(cr2, 3) == 2);

    /* Rotation keeps the centre pixel of an odd-sized image. */
    Tensor *dot = tensor_zeros(3, 1, 5, 5);
    for (int i = 0; i < 3; i++) tensor_set(dot, 1.0, i, 0, 2, 2);
    Tensor *rot = transforms_apply(transforms_random_rotation(45), dot, gen);
    CHECK_CLOSE(tensor_get(rot, 1, 0, 2, 2), 1.0, 1e-5);
    CHECK(tensor_item(tensor_max(rot)) <= 1 + 1e-6 && tensor_item(tensor_min(rot)) >= 0);
    /* Zoom x2 (fixed): the centre 3x3 of a 6x6 ramp spreads over the image. */
    Tensor *ramp = tensor_reshape(tensor_arange(0, 5, 1), 1, 1, 1, 5);
    ramp = tensor_contiguous(tensor_expand(ramp, 1, 1, 5, 5));
    Tensor *zo = transforms_apply(transforms_random_zoom(2, 2), ramp, gen);
    CHECK_CLOSE(tensor_get(zo, 0, 0, 2, 2), 2.0, 1e-5);
    CHECK_CLOSE(tensor_get(zo, 0, 0, 2, 4), 3.0, 1e-5);   /* source column 2 + 2/2 */
    CHECK_CLOSE(tensor_get(zo, 0, 0, 0, 3), 2.5, 1e-5);   /* bilinear between columns 2 and 3 */
    Tensor *same = transforms_apply(transforms_random_affine(.degrees = 0), ramp, gen);
    CHECK(tensor_allclose(same, ramp, 0, 1e-6));
    /* uint8 batches keep their dtype. */
    Tensor *u8 = transforms_apply(transforms_horizontal_flip(1), tensor_to_dtype(img, DT_UINT8), gen);
    CHECK(tensor_dtype(u8) == DT_UINT8 && tensor_get(u8, 0, 0, 0, 0) == 2);

    /* In a loader: x and y transforms per batch. */
    Dataset *ds = data_tensor_dataset(tensor_to_dtype(tensor_full(255, 4, 1, 2, 2), DT_UINT8), tensor_arange_int(0, 4, 1));
    DataLoader *dl = data_loader(ds, .batch_size = 2, .transform = transforms_scale(), .target_transform = transforms_one_hot(4));
    Batch *b = data_next(dl);
    CHECK(tensor_dtype(b->x) == DT_FLOAT32 && tensor_get(b->x, 1, 0, 1, 1) == 1.0);
    CHECK(tensor_size(b->y, 1) == 4 && tensor_get(b->y, 1, 1) == 1);
}

static void test_synthetic(void)
{
    Dataset *m = datasets_make_moons(100, .seed = 0);
    Tensor *X = data_x(m), *y = data_y(m);
    CHECK(tensor_size(X, 0) == 100 && tensor_size(X, 1) == 2 && tensor_dtype(X) == DT_FLOAT32);
    CHECK(tensor_dtype(y) == DT_INT64 && tensor_item(tensor_sum(y)) == 50);
    double on = 1;
    Tensor *mean = tensor_mean_dim(X, 0, false);
    CHECK_CLOSE(tensor_get(mean, 0), 0.5, 1e-5);
    CHECK_CLOSE(tensor_get(mean, 1), 0.25, 1e-5);
    for (int i = 0; i < 100; i++) {
        double a = tensor_get(X, i, 0), b = tensor_get(X, i, 1);
        double r = tensor_get(y, i) == 0 ? a * a + b * b : (a - 1) * (a - 1) + (b - 0.5) * (b - 0.5);
        on = fmin(on, fabs(r - 1) < 1e-5);
    }
    CHECK(on);
    CHECK(tensor_get(y, 0) != tensor_get(y, 1) || tensor_get(y, 1) != tensor_get(y, 2) || tensor_get(y, 2) != tensor_get(y, 3));
    Dataset *n1 = datasets_make_moons(200, .noise = 0.1, .seed = 4), *n2 = datasets_make_moons(200, .noise = 0.1, .seed = 4);
    Dataset *n3 = datasets_make_moons(200, .noise = 0.1, .seed = 5);
    CHECK(tensor_equal(data_x(n1), data_x(n2)) && !tensor_equal(data_x(n1), data_x(n3)));
    Dataset *blk = datasets_make_moons(7, .no_shuffle = true);
    CHECK(tensor_get(data_y(blk), 2) == 0 && tensor_get(data_y(blk), 3) == 1 && tensor_item(tensor_sum(data_y(blk))) == 4);

    Dataset *c = datasets_make_circles(50, .factor = 0.5, .seed = 1);
    int ok = 1;
    for (int i = 0; i < 50; i++) {
        double a = tensor_get(data_x(c), i, 0), b = tensor_get(data_x(c), i, 1);
        ok &= fabs(sqrt(a * a + b * b) - (tensor_get(data_y(c), i) ? 0.5 : 1)) < 1e-5;
    }
    CHECK(ok && tensor_item(tensor_sum(data_y(c))) == 25);

    Dataset *bl = datasets_make_blobs(100, .centers = 4, .n_features = 3, .cluster_std = 0.5, .seed = 2);
    CHECK(tensor_size(data_x(bl), 1) == 3 && data_num_classes(bl) == 4);
    int64_t cnt[4] = { 0 };
    for (int i = 0; i < 100; i++) cnt[(int)tensor_get(data_y(bl), i)]++;
    CHECK(cnt[0] == 25 && cnt[3] == 25);

    Dataset *xo = datasets_xor(64, .seed = 3);
    ok = 1;
    for (int i = 0; i < 64; i++) {
        double a = tensor_get(data_x(xo), i, 0), b = tensor_get(data_x(xo), i, 1);
        ok &= tensor_get(data_y(xo), i) == ((a > 0) != (b > 0)) && fabs(a) <= 1 && fabs(b) <= 1;
    }
    CHECK(ok);
}

int main(void)
{
    check_init();
    test_loader();
    test_custom_dataset();
    test_weighted_sampler();
    test_splits();
    test_transforms();
    test_synthetic();
    return CHECK_DONE();
}
