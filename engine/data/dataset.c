/* Datasets: over tensors, over a user's get_item/len callbacks, and subsets
 * of either; gathering a batch of samples (see coursdl/data.h). */
#include "internal.h"
#include "../core/args.h"

#include <string.h>

char *data_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = GC_MALLOC_ATOMIC(n);
    memcpy(d, s, n);
    return d;
}

Tensor *data_index_tensor(const int64_t *idx, int64_t n)
{
    Tensor *t = tensor_empty_shape_dtype(DT_INT64, 1, (int64_t[]){ n });
    if (n) memcpy(tensor_data_i64(t), idx, (size_t)n * sizeof(int64_t));
    return t;
}

Tensor *data_cpu_f32(Tensor *x)
{
    return tensor_contiguous(tensor_to_dtype(tensor_to_device(tensor_detach(x), DEVICE_CPU), DT_FLOAT32));
}

Dataset *data_tensor_dataset(Tensor *x, Tensor *y)
{
    CDL_ARG(x);
    CDL_ARG_OPT(y);
    if (!x)
        error_raise(ERR_VALUE, "data_tensor_dataset: x is NULL; pass the input tensor (samples along dim 0)");
    if (tensor_ndim(x) < 1)
        error_raise(ERR_SHAPE, "data_tensor_dataset: x is 0-dim; samples must lie along dim 0 (e.g. shape (N, features))");
    if (y && (tensor_ndim(y) < 1 || tensor_size(y, 0) != tensor_size(x, 0)))
        error_raise(ERR_SHAPE, "data_tensor_dataset: x has shape %s but y has shape %s; both need the same "
                    "number of samples along dim 0", tensor_shape_str(x), tensor_shape_str(y));
    Dataset *ds = GC_MALLOC(sizeof *ds);
    ds->x = x;
    ds->y = y;
    return ds;
}

Dataset *data_dataset(DatasetGetItem get_item, DatasetLen len, void *ctx)
{
    if (!get_item || !len)
        error_raise(ERR_VALUE, "data_dataset: get_item and len must both be functions, e.g. "
                    "data_dataset(my_get_item, my_len, NULL)");
    Dataset *ds = GC_MALLOC(sizeof *ds);
    ds->get_item = get_item;
    ds->len_fn = len;
    ds->ctx = ctx;
    return ds;
}

static void check_ds(Dataset *ds, const char *fn)
{
    if (!ds) error_raise(ERR_VALUE, "%s: the dataset is NULL", fn);
}

int64_t data_len(Dataset *ds)
{
    CDL_ARG(ds);
    check_ds(ds, "data_len");
    if (ds->base) return ds->n;
    if (ds->x) return tensor_size(ds->x, 0);
    int64_t n = ds->len_fn(ds->ctx);
    if (n < 0) error_raise(ERR_VALUE, "data_len: the dataset's len function returned %lld; it must be >= 0", (long long)n);
    return n;
}

Dataset *data_subset(Dataset *ds, Tensor *indices)
{
    CDL_ARG(ds);
    CDL_ARG(indices);
    check_ds(ds, "data_subset");
    if (!indices || tensor_ndim(indices) != 1)
        error_raise(ERR_SHAPE, "data_subset: indices must be a 1-D int64 tensor");
    int64_t n = tensor_numel(indices), len = data_len(ds);
    int64_t *idx = GC_MALLOC_ATOMIC((size_t)(n ? n : 1) * sizeof(int64_t));
    tensor_to_i64_array(indices, idx, n);
    for (int64_t i = 0; i < n; i++) {
        if (idx[i] < 0 || idx[i] >= len)
            error_raise(ERR_INDEX, "data_subset: index %lld is out of range for a dataset of %lld samples",
                        (long long)idx[i], (long long)len);
        if (ds->base) idx[i] = ds->indices[idx[i]];  /* flatten subsets of subsets */
    }
    Dataset *s = GC_MALLOC(sizeof *s);
    s->base = ds->base ? ds->base : ds;
    s->indices = idx;
    s->n = n;
    s->class_names = ds->class_names;
    s->n_classes = ds->n_classes;
    return s;
}

static void get_one(Dataset *ds, int64_t i, Tensor **x, Tensor **y)
{
    Tensor *xi = NULL, *yi = NULL;
    if (ds->x) {
        xi = tensor_select(ds->x, 0, i);
        if (ds->y) yi = tensor_select(ds->y, 0, i);
    } else {
        ds->get_item(i, &xi, &yi, ds->ctx);
        if (!xi) error_raise(ERR_VALUE, "data_get: the dataset's get_item left *x NULL for index %lld; "
                             "it must set *x to a tensor", (long long)i);
    }
    if (x) *x = xi;
    if (y) *y = yi;
}

void data_get(Dataset *ds, int64_t index, Tensor **x, Tensor **y)
{
    CDL_ARG(ds);
    check_ds(ds, "data_get");
    int64_t n = data_len(ds);
    if (index < 0) index += n;
    if (index < 0 || index >= n)
        error_raise(ERR_INDEX, "data_get: index %lld is out of range for a dataset of %lld samples",
                    (long long)index, (long long)n);
    if (ds->base) {
        index = ds->indices[index];
        ds = ds->base;
    }
    get_one(ds, index, x, y);
}

void data_gather(Dataset *ds, const int64_t *idx, int64_t n, Tensor **x, Tensor **y)
{
    const int64_t *real = idx;
    if (ds->base) {
        int64_t *r = GC_MALLOC_ATOMIC((size_t)(n ? n : 1) * sizeof(int64_t));
        for (int64_t i = 0; i < n; i++) r[i] = ds->indices[idx[i]];
        real = r;
        ds = ds->base;
    }
    if (ds->x) {
        /* One index_select per batch instead of n slices. */
        Tensor *it = tensor_to_device(data_index_tensor(real, n), tensor_device(ds->x));
        *x = tensor_index_select(ds->x, 0, it);
        *y = ds->y ? tensor_index_select(ds->y, 0, tensor_to_device(it, tensor_device(ds->y))) : NULL;
        return;
    }
    Tensor **xs = GC_MALLOC((size_t)(n ? n : 1) * sizeof(Tensor *));
    Tensor **ys = GC_MALLOC((size_t)(n ? n : 1) * sizeof(Tensor *));
    int with_y = 0;
    for (int64_t i = 0; i < n; i++) {
        get_one(ds, real[i], &xs[i], &ys[i]);
        with_y += ys[i] != NULL;
    }
    if (with_y && with_y != n)
        error_raise(ERR_VALUE, "data_next: the dataset's get_item set *y for some samples only; set it for all or none");
    *x = tensor_stack(xs, (int)n, 0);
    *y = with_y ? tensor_stack(ys, (int)n, 0) : NULL;
}

static Tensor *all_of(Dataset *ds, bool want_y)
{
    if (!ds->base && ds->x) return want_y ? ds->y : ds->x;
    int64_t n = data_len(ds);
    int64_t *idx = GC_MALLOC_ATOMIC((size_t)(n ? n : 1) * sizeof(int64_t));
    for (int64_t i = 0; i < n; i++) idx[i] = i;
    Tensor *x, *y;
    data_gather(ds, idx, n, &x, &y);
    return want_y ? y : x;
}

Tensor *data_x(Dataset *ds) { CDL_ARG(ds); check_ds(ds, "data_x"); return all_of(ds, false); }
Tensor *data_y(Dataset *ds) { CDL_ARG(ds); check_ds(ds, "data_y"); return all_of(ds, true); }

const char *const *data_class_names(Dataset *ds)
{
    CDL_ARG(ds);
    check_ds(ds, "data_class_names");
    return (const char *const *)ds->class_names;
}

int data_num_classes(Dataset *ds)
{
    CDL_ARG(ds);
    check_ds(ds, "data_num_classes");
    return ds->n_classes;
}

Dataset *data_set_class_names(Dataset *ds, int n, const char *const *names)
{
    CDL_ARG(ds);
    check_ds(ds, "data_set_class_names");
    const char **c = GC_MALLOC((size_t)(n > 0 ? n : 1) * sizeof(char *));
    for (int i = 0; i < n; i++) c[i] = data_strdup(names[i] ? names[i] : "");
    ds->class_names = c;
    ds->n_classes = n;
    return ds;
}
