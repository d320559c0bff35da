/* Data loaders: an epoch is an order of sample indices (sequential,
 * shuffled, or drawn by weight) cut into batches; transforms run on each
 * batch. The loader owns its generator, so a seed fixes every epoch. */
#include "internal.h"
#include "../core/args.h"

#include <math.h>
#include <string.h>

struct DataLoader {
    Dataset *ds;
    LoaderOptions o;
    Generator *gen;
    double *cum;         /* weighted sampler: cumulative weights */
    int64_t n_weights;
    int64_t *order;      /* this epoch's sample order */
    int64_t n_order;
    int64_t pos, batch;  /* next sample and batch number */
    bool started;
    bool peeked;         /* the epoch was begun by data_peek and nothing was taken yet */
};

int64_t *data_permutation(int64_t n, Generator *gen)
{
    int64_t *p = GC_MALLOC_ATOMIC((size_t)(n ? n : 1) * sizeof(int64_t));
    for (int64_t i = 0; i < n; i++) p[i] = i;
    for (int64_t i = n - 1; i > 0; i--) {
        int64_t j = random_int(gen, 0, i + 1);
        int64_t t = p[i]; p[i] = p[j]; p[j] = t;
    }
    return p;
}

DataLoader *data_loader_(Dataset *ds, const LoaderOptions *o)
{
    CDL_ARG_NAMED("data_loader", ds, "ds");
    if (o->batch_size < 0)
        error_raise(ERR_VALUE, "data_loader: batch_size is %lld; it must be >= 1", (long long)o->batch_size);
    DataLoader *dl = GC_MALLOC(sizeof *dl);
    dl->ds = ds;
    dl->o = *o;
    if (dl->o.batch_size == 0) dl->o.batch_size = 1;
    dl->gen = generator_new(o->seed);
    if (o->weights) {
        int64_t n = tensor_numel(o->weights);
        if (n != data_len(ds))
            error_raise(ERR_SHAPE, "data_loader: .weights has %lld values for a dataset of %lld samples; "
                        "give one weight per sample", (long long)n, (long long)data_len(ds));
        double *w = GC_MALLOC_ATOMIC((size_t)(n ? n : 1) * sizeof(double));
        tensor_to_f64_array(o->weights, w, n);
        double s = 0;
        for (int64_t i = 0; i < n; i++) {
            if (!(w[i] >= 0) || isinf(w[i]))
                error_raise(ERR_VALUE, "data_loader: weight %lld is %g; weights must be finite and >= 0",
                            (long long)i, w[i]);
            s += w[i];
            w[i] = s;
        }
        if (!(s > 0)) error_raise(ERR_VALUE, "data_loader: the weights sum to 0; at least one must be positive");
        dl->cum = w;
        dl->n_weights = n;
        if (dl->o.num_samples <= 0) dl->o.num_samples = n;
    }
    return dl;
}

static int64_t draw_weighted(DataLoader *dl)
{
    double u = random_uniform(dl->gen) * dl->cum[dl->n_weights - 1];
    int64_t lo = 0, hi = dl->n_weights - 1;
    while (lo < hi) {  /* first cumulative weight > u */
        int64_t mid = lo + (hi - lo) / 2;
        if (dl->cum[mid] > u) hi = mid; else lo = mid + 1;
    }
    return lo;
}

void data_reset(DataLoader *dl)
{
    CDL_ARG(dl);
    if (dl->peeked && dl->started && dl->pos == 0) {  /* data_peek began this epoch: keep its order */
        dl->peeked = false;
        return;
    }
    dl->peeked = false;
    int64_t n = data_len(dl->ds);
    if (dl->cum) {
        n = dl->o.num_samples;
        dl->order = GC_MALLOC_ATOMIC((size_t)(n ? n : 1) * sizeof(int64_t));
        for (int64_t i = 0; i < n; i++) dl->order[i] = draw_weighted(dl);
    } else if (dl->o.shuffle) {
        dl->order = data_permutation(n, dl->gen);
    } else {
        dl->order = GC_MALLOC_ATOMIC((size_t)(n ? n : 1) * sizeof(int64_t));
        for (int64_t i = 0; i < n; i++) dl->order[i] = i;
    }
    dl->n_order = n;
    dl->pos = dl->batch = 0;
    dl->started = true;
}

int64_t data_num_batches(DataLoader *dl)
{
    CDL_ARG(dl);
    int64_t n = dl->cum ? dl->o.num_samples : data_len(dl->ds), b = dl->o.batch_size;
    return dl->o.drop_last ? n / b : (n + b - 1) / b;
}

/* The batch at the current position; take: advance past it. */
static Batch *batch_at(DataLoader *dl, bool take)
{
    interrupt_check();
    if (!dl->started) data_reset(dl);
    int64_t left = dl->n_order - dl->pos, b = dl->o.batch_size;
    if (left <= 0 || (dl->o.drop_last && left < b)) {
        if (take) dl->started = false;  /* the next call begins a new epoch */
        return NULL;
    }
    int64_t n = left < b ? left : b;
    Batch *bt = GC_MALLOC(sizeof *bt);
    const int64_t *idx = dl->order + dl->pos;
    data_gather(dl->ds, idx, n, &bt->x, &bt->y);
    if (dl->o.transform) bt->x = transforms_apply(dl->o.transform, bt->x, dl->gen);
    if (dl->o.target_transform && bt->y) bt->y = transforms_apply(dl->o.target_transform, bt->y, dl->gen);
    bt->index = dl->batch;
    bt->size = n;
    bt->indices = data_index_tensor(idx, n);
    if (take) {
        dl->batch++;
        dl->pos += n;
        dl->peeked = false;
    }
    return bt;
}

Batch *data_next(DataLoader *dl)
{
    CDL_ARG(dl);
    return batch_at(dl, true);
}

Batch *data_peek(DataLoader *dl)
{
    CDL_ARG(dl);
    bool fresh = !dl->started;
    Batch *b = batch_at(dl, false);
    if (fresh) dl->peeked = true;
    return b;
}

Dataset *data_loader_dataset(DataLoader *dl)
{
    CDL_ARG(dl);
    return dl->ds;
}

void data_loader_seed(DataLoader *dl, uint64_t seed)
{
    CDL_ARG(dl);
    generator_manual_seed(dl->gen, seed);
}

int64_t data_loader_batch_size(DataLoader *dl)
{
    CDL_ARG(dl);
    return dl->o.batch_size;
}
