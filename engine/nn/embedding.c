/* Embedding: rows of the weight picked by int64 indices (IndexSelect's
 * rule scatters the gradient back). A padding row is zero and masked out
 * of the output, so it never gets a gradient (like PyTorch's padding_idx). */
#include "nn_internal.h"

typedef struct EmbImpl { bool pad; int64_t pad_idx; } EmbImpl;

static Tensor *embedding_fwd(Module *m, Tensor *idx)
{
    EmbImpl *e = m->impl;
    Tensor *w = m->params.tensors[0];
    if (idx->dtype != DT_INT64)
        error_raise(ERR_TYPE, "nn_embedding: indices must be int64, not %s (use tensor_long)", dtype_name(idx->dtype));
    if (idx->ndim + 1 > TENSOR_MAX_DIMS)
        error_raise(ERR_SHAPE, "nn_embedding: indices of shape %s have too many dims", tensor_shape_str(idx));
    Tensor *flat = tensor_contiguous(tensor_reshape(idx, -1));
    Tensor *rows = tensor_index_select(w, 0, flat);
    if (e->pad) {
        Tensor *keep = tensor_to_dtype(tensor_unsqueeze(tensor_ne_scalar(flat, (double)e->pad_idx), 1), rows->dtype);
        rows = tensor_mul(rows, keep);
    }
    int64_t s[TENSOR_MAX_DIMS];
    memcpy(s, idx->shape, sizeof(int64_t) * idx->ndim);
    s[idx->ndim] = w->shape[1];
    return tensor_reshape_shape(rows, idx->ndim + 1, s);
}

Module *nn_embedding_(int64_t num, int64_t dim, const EmbeddingOptions *o)
{
    static const EmbeddingOptions none;
    if (!o) o = &none;
    if (num <= 0 || dim <= 0)
        error_raise(ERR_VALUE, "nn_embedding: num_embeddings (%lld) and embedding_dim (%lld) must be positive",
                    (long long)num, (long long)dim);
    EmbImpl *e = cdl_alloc(sizeof *e);
    e->pad = o->use_padding_idx;
    e->pad_idx = o->padding_idx < 0 ? o->padding_idx + num : o->padding_idx;
    if (e->pad && (e->pad_idx < 0 || e->pad_idx >= num))
        error_raise(ERR_INDEX, "nn_embedding: padding_idx %lld is out of range for %lld embeddings",
                    (long long)o->padding_idx, (long long)num);
    Module *m = nn_layer_new("Embedding", embedding_fwd, e,
                             e->pad ? nn_strf("%lld, %lld, padding_idx=%lld", (long long)num, (long long)dim,
                                              (long long)e->pad_idx)
                                    : nn_strf("%lld, %lld", (long long)num, (long long)dim));
    Tensor *w = tensor_randn(num, dim);
    if (e->pad)
        tensor_fill_(tensor_select(w, 0, e->pad_idx), 0);
    nn_register_parameter(m, "weight", w);
    return m;
}
