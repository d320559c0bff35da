/* The backend's elementwise, reduction and index entries: describe the
 * tensors for the kernels (merged strided loops, index geometry) and queue
 * them on the device's stream. Nothing here waits for the GPU. */
#include "cuda_host.h"

CuDType cuda_dtype(DType d)
{
    return (CuDType)d;
}

void cuda_iter(CuIter *it, int n, const Tensor *const *ts)
{
    const Tensor *out = ts[0];
    memset(it, 0, sizeof *it);
    it->nops = n;
    it->numel = out->numel;
    bool contig = true;
    for (int k = 0; k < n; k++) {
        it->ptr[k] = t_ptr(ts[k]);
        contig &= ts[k]->contiguous;
    }
    if (contig) {
        it->contiguous = true;
        it->ndim = 1;
        it->shape[0] = out->numel;
        for (int k = 0; k < n; k++)
            it->strides[k][0] = t_esize(ts[k]->dtype);
        return;
    }
    /* Drop size-1 dims, merge neighbours whose strides chain (as the CPU loop). */
    int nd = 0;
    for (int d = 0; d < out->ndim; d++) {
        if (out->shape[d] == 1)
            continue;
        if (nd > 0) {
            bool merge = true;
            for (int k = 0; k < n; k++)
                if (it->strides[k][nd - 1] != ts[k]->strides[d] * t_esize(ts[k]->dtype) * out->shape[d])
                    merge = false;
            if (merge) {
                it->shape[nd - 1] *= out->shape[d];
                for (int k = 0; k < n; k++)
                    it->strides[k][nd - 1] = ts[k]->strides[d] * t_esize(ts[k]->dtype);
                continue;
            }
        }
        it->shape[nd] = out->shape[d];
        for (int k = 0; k < n; k++)
            it->strides[k][nd] = ts[k]->strides[d] * t_esize(ts[k]->dtype);
        nd++;
    }
    if (nd == 0) {
        it->shape[0] = 1;
        nd = 1;
    }
    it->ndim = nd;
}

static cudaStream_t stream_of(const Tensor *t)
{
    return cuda_dev_of(t)->stream;
}

void cuda_fill(Tensor *out, double value)
{
    if (out->numel == 0)
        return;
    CuIter it;
    const Tensor *ts[1] = { out };
    cuda_iter(&it, 1, ts);
    cuda_launched(cu_fill(&it, cuda_dtype(out->dtype), value, stream_of(out)), "cuda fill kernel");
}

void cuda_copy(Tensor *out, const Tensor *in)
{
    if (out->numel == 0)
        return;
    cudaStream_t s = stream_of(out);
    if (out->dtype == in->dtype && out->contiguous && in->contiguous) {
        CU(cudaMemcpyAsync(t_ptr(out), t_ptr(in), (size_t)out->numel * t_esize(out->dtype), cudaMemcpyDeviceToDevice, s));
        return;
    }
    CuIter it;
    const Tensor *ts[2] = { out, in };
    cuda_iter(&it, 2, ts);
    cuda_launched(cu_copy(&it, cuda_dtype(out->dtype), cuda_dtype(in->dtype), s), "cuda copy kernel");
}

void cuda_unary(UnaryOp op, Tensor *out, const Tensor *a, double p0, double p1)
{
    if (out->numel == 0)
        return;
    if (a->dtype == DT_UINT8 || a->dtype == DT_BOOL)
        error_raise(ERR_TYPE, "unary op %d is not defined for %s tensors (convert with tensor_float)", (int)op,
                    dtype_name(a->dtype));
    CuIter it;
    const Tensor *ts[2] = { out, a };
    cuda_iter(&it, 2, ts);
    cuda_launched(cu_unary((int)op, &it, cuda_dtype(a->dtype), op >= U_COUNT_FLOAT, p0, p1, stream_of(out)),
                  "cuda unary kernel");
}

void cuda_binary(BinaryOp op, Tensor *out, const Tensor *a, const Tensor *b)
{
    if (out->numel == 0)
        return;
    if (a->dtype == DT_UINT8 || a->dtype == DT_BOOL) {
        if (op != B_AND && op != B_OR && op != B_EQ && op != B_NE)
            error_raise(ERR_TYPE, "binary op %d is not defined for %s tensors (convert with tensor_float)", (int)op,
                        dtype_name(a->dtype));
    }
    CuIter it;
    const Tensor *ts[3] = { out, a, b };
    cuda_iter(&it, 3, ts);
    cuda_launched(cu_binary((int)op, &it, cuda_dtype(a->dtype), op >= B_COUNT_ARITH, stream_of(out)),
                  "cuda binary kernel");
}

void cuda_where(Tensor *out, const Tensor *cond, const Tensor *a, const Tensor *b)
{
    if (out->numel == 0)
        return;
    CuIter it;
    const Tensor *ts[4] = { out, cond, a, b };
    cuda_iter(&it, 4, ts);
    cuda_launched(cu_where(&it, (int)t_esize(out->dtype), stream_of(out)), "cuda where kernel");
}

void cuda_reduce(ReduceOp op, Tensor *out, const Tensor *a, int64_t k1, int64_t r, int64_t k2)
{
    if (out->numel == 0)
        return;
    if (r == 0) {
        cuda_fill(out, op == R_PROD ? 1 : 0);
        return;
    }
    if (a->dtype == DT_UINT8 || a->dtype == DT_BOOL)
        error_raise(ERR_TYPE, "reductions of %s tensors are not supported on CUDA (convert with tensor_float or "
                    "tensor_long first)", dtype_name(a->dtype));
    CudaDev *d = cuda_dev_of(a);
    CuDType dt = cuda_dtype(a->dtype);
    size_t need = cu_reduce_scratch(dt, k1, r, k2);
    CudaBlock sc = { NULL, 0, d->index };
    if (need)
        sc = cuda_scratch(d->index, need);
    cudaError_t e = cu_reduce((int)op, t_ptr(out), t_ptr(a), dt, k1, r, k2, sc.ptr, need, d->stream);
    if (need)
        cuda_scratch_free(sc);
    cuda_launched(e, "cuda reduce kernel");
}

static void block_dims(const Tensor *t, int dim, int64_t *outer, int64_t *inner)
{
    *outer = 1;
    *inner = 1;
    for (int d = 0; d < dim; d++)
        *outer *= t->shape[d];
    for (int d = dim + 1; d < t->ndim; d++)
        *inner *= t->shape[d];
}

void cuda_index_select(Tensor *out, const Tensor *a, int dim, const Tensor *index)
{
    if (out->numel == 0)
        return;
    Tensor *c = t_contig((Tensor *)a);
    int64_t outer, inner;
    block_dims(c, dim, &outer, &inner);
    int64_t na = c->ndim ? c->shape[dim] : 1;
    cuda_launched(cu_index_select(t_ptr(out), t_ptr(c), t_ptr(index), outer, index->numel, na, inner,
                                  (int)t_esize(c->dtype), stream_of(out)),
                  "cuda index_select kernel");
}

void cuda_index_add(Tensor *out, int dim, const Tensor *index, const Tensor *src)
{
    if (src->numel == 0)
        return;
    if (out->dtype == DT_UINT8 || out->dtype == DT_BOOL)
        error_raise(ERR_TYPE, "index_add of %s tensors is not supported on CUDA (convert with tensor_long first)",
                    dtype_name(out->dtype));
    Tensor *c = t_contig((Tensor *)src);
    int64_t outer, inner;
    block_dims(out, dim, &outer, &inner);
    int64_t no = out->ndim ? out->shape[dim] : 1;
    cuda_launched(cu_index_add(t_ptr(out), t_ptr(c), t_ptr(index), outer, index->numel, no, inner,
                               cuda_dtype(out->dtype), stream_of(out)),
                  "cuda index_add kernel");
}

static void index_geom(CuIndexGeom *g, const Tensor *index, const Tensor *a, const Tensor *src, int dim)
{
    memset(g, 0, sizeof *g);
    g->ndim = index->ndim;
    g->dim = dim;
    g->numel = index->numel;
    for (int d = 0; d < index->ndim; d++) {
        g->shape[d] = index->shape[d];
        g->a_strides[d] = a->strides[d];
        g->i_strides[d] = index->strides[d];
        g->s_strides[d] = src ? src->strides[d] : 0;
    }
}

void cuda_gather(Tensor *out, const Tensor *a, int dim, const Tensor *index)
{
    if (out->numel == 0)
        return;
    CuIndexGeom g;
    index_geom(&g, index, a, NULL, dim);
    cuda_launched(cu_gather(t_ptr(out), t_ptr(a), t_ptr(index), &g, (int)t_esize(a->dtype), stream_of(out)),
                  "cuda gather kernel");
}

void cuda_scatter(Tensor *out, int dim, const Tensor *index, const Tensor *src, bool add)
{
    if (index->numel == 0)
        return;
    if (add && (out->dtype == DT_UINT8 || out->dtype == DT_BOOL))
        error_raise(ERR_TYPE, "scatter_add of %s tensors is not supported on CUDA (convert with tensor_long first)",
                    dtype_name(out->dtype));
    CuIndexGeom g;
    index_geom(&g, index, out, src, dim);
    cuda_launched(cu_scatter(t_ptr(out), t_ptr(src), t_ptr(index), &g, cuda_dtype(out->dtype), add, stream_of(out)),
                  "cuda scatter kernel");
}
