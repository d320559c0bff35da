/* Data module internals: the Dataset and Transform structs, shared by the
 * loader, splits, transforms and ready-made datasets. */
#ifndef COURSDL_DATA_INTERNAL_H
#define COURSDL_DATA_INTERNAL_H

#include "coursdl.h"
#include <gc.h>

struct Dataset {
    Tensor *x, *y;            /* tensor dataset (y may be NULL) */
    DatasetGetItem get_item;  /* custom dataset */
    DatasetLen len_fn;
    void *ctx;
    Dataset *base;            /* subset: samples base[indices[i]] */
    int64_t *indices;
    int64_t n;                /* subset length */
    const char **class_names;
    int n_classes;
};

struct Transform {
    TransformFn fn;
    void *ctx;
};

/* The samples of ds at idx[0..n) as a batch (x, y stacked). */
void data_gather(Dataset *ds, const int64_t *idx, int64_t n, Tensor **x, Tensor **y);
/* A GC-allocated int64 array 0..n-1 shuffled with gen (Fisher-Yates). */
int64_t *data_permutation(int64_t n, Generator *gen);
/* A contiguous CPU int64 tensor copying idx[0..n). */
Tensor *data_index_tensor(const int64_t *idx, int64_t n);
/* A GC copy of a string. */
char *data_strdup(const char *s);
/* x as a contiguous CPU float32 tensor (a copy when needed). */
Tensor *data_cpu_f32(Tensor *x);

#endif
