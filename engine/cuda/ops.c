/* The backend's elementwise, reduction and index entries: describe the
 * tensors for the kernels (merged strided loops, index geometry) and queue
 * them on the device's stream. Nothing here waits for the GPU. */
#include "cuda_host.h"

/* Drops size-1 dims and merges neighbours whose strides chain, as the CPU's
 * loop does; false if more than CU_MAX_DIMS dims remain. */
static bool describe(CuIter *it, int n, const Tensor *const *ts)
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
        return true;
    }
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
        if (nd == CU_MAX_DIMS)
            return false;
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
    return true;
}

bool cuda_iter(CuIter *it, int n, const Tensor *const *ts)
{
    return describe(it, n, ts);
}

bool cuda_iter_fits(int n, const Tensor *const *ts)
{
    CuIter it;
    return describe(&it, n, ts);
}

/* The loop over ts, which supports() has checked. */
static CuIter iter_of(int n, const Tensor *const *ts)
{
    CuIter it;
    CDL_ASSERT(describe(&it, n, ts), "a loop of more than %d dims", CU_MAX_DIMS);
    return it;
}

void cuda_fill_value(Tensor *t, double value)
{
    if (t->numel == 0)
        return;
    const Tensor *ts[1] = { t };
    CuIter it = iter_of(1, ts);
    cuda_launched(cu_fill(&it, cuda_dtype(t->dtype), value, cuda_stream_of(t)), "cuda fill kernel");
}

void cuda_fill(FillArgs *a)
{
    cuda_fill_value(a->out, a->value);
}

void cuda_copy(CopyArgs *a)
{
    Tensor *out = a->out;
    const Tensor *in = a->in;
    if (out->numel == 0)
        return;
    cudaStream_t s = cuda_stream_of(out);
    if (out->dtype == in->dtype && out->contiguous && in->contiguous) {
        CU(cudaMemcpyAsync(t_ptr(out), t_ptr(in), (size_t)out->numel * t_esize(out->dtype), cudaMemcpyDeviceToDevice,
                           s));
        return;
    }
    const Tensor *ts[2] = { out, in };
    CuIter it = iter_of(2, ts);
    cuda_launched(cu_copy(&it, cuda_dtype(out->dtype), cuda_dtype(in->dtype), s), "cuda copy kernel");
}

void cuda_unary(UnaryArgs *a)
{
    if (a->out->numel == 0)
        return;
    const Tensor *ts[2] = { a->out, a->a };
    CuIter it = iter_of(2, ts);
    cuda_launched(cu_unary(a->op, &it, cuda_dtype(a->a->dtype), a->p0, a->p1, cuda_stream_of(a->out)),
                  "cuda unary kernel");
}

void cuda_binary(BinaryArgs *a)
{
    if (a->out->numel == 0)
        return;
    const Tensor *ts[3] = { a->out, a->a, a->b };
    CuIter it = iter_of(3, ts);
    cuda_launched(cu_binary(a->op, &it, cuda_dtype(a->a->dtype), cuda_stream_of(a->out)), "cuda binary kernel");
}

void cuda_where(WhereArgs *a)
{
    if (a->out->numel == 0)
        return;
    const Tensor *ts[4] = { a->out, a->cond, a->a, a->b };
    CuIter it = iter_of(4, ts);
    cuda_launched(cu_where(&it, (int)t_esize(a->out->dtype), cuda_stream_of(a->out)), "cuda where kernel");
}

void cuda_axpy(AxpyArgs *a)
{
    if (a->a->numel == 0)
        return;
    cuda_launched(cu_axpy(t_ptr(a->a), t_ptr(a->b), a->alpha, a->a->numel, cuda_dtype(a->a->dtype),
                          cuda_stream_of(a->a)),
                  "cuda axpy kernel");
}

void cuda_reduce(ReduceArgs *a)
{
    if (a->out->numel == 0)
        return;
    if (a->r == 0) {
        cuda_fill_value(a->out, a->op == R_PROD ? 1 : 0);
        return;
    }
    CudaDev *d = cuda_dev_of(a->a);
    CuDType dt = cuda_dtype(a->a->dtype);
    size_t need = cu_reduce_scratch(dt, a->k1, a->r, a->k2);
    CudaBlock sc = { NULL, 0, d->index };
    if (need)
        sc = cuda_scratch(d->index, need);
    cudaError_t e = cu_reduce(a->op, t_ptr(a->out), t_ptr(a->a), dt, a->k1, a->r, a->k2, sc.ptr, d->stream);
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

void cuda_index_select(IndexArgs *a)
{
    if (a->out->numel == 0)
        return;
    Tensor *c = t_contig((Tensor *)a->src);
    int64_t outer, inner;
    block_dims(c, a->dim, &outer, &inner);
    int64_t na = c->ndim ? c->shape[a->dim] : 1;
    cuda_launched(cu_index_select(t_ptr(a->out), t_ptr(c), t_ptr(a->index), outer, a->index->numel, na, inner,
                                  (int)t_esize(c->dtype), cuda_stream_of(a->out)),
                  "cuda index_select kernel");
}

void cuda_index_add(IndexArgs *a)
{
    if (a->src->numel == 0)
        return;
    Tensor *c = t_contig((Tensor *)a->src);
    int64_t outer, inner;
    block_dims(a->out, a->dim, &outer, &inner);
    int64_t no = a->out->ndim ? a->out->shape[a->dim] : 1;
    cuda_launched(cu_index_add(t_ptr(a->out), t_ptr(c), t_ptr(a->index), outer, a->index->numel, no, inner,
                               cuda_dtype(a->out->dtype), cuda_stream_of(a->out)),
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

void cuda_gather(IndexArgs *a)
{
    if (a->out->numel == 0)
        return;
    CuIndexGeom g;
    index_geom(&g, a->index, a->src, NULL, a->dim);
    cuda_launched(cu_gather(t_ptr(a->out), t_ptr(a->src), t_ptr(a->index), &g, (int)t_esize(a->src->dtype),
                            cuda_stream_of(a->out)),
                  "cuda gather kernel");
}

void cuda_scatter(IndexArgs *a)
{
    if (a->index->numel == 0)
        return;
    CuIndexGeom g;
    index_geom(&g, a->index, a->out, a->src, a->dim);
    cuda_launched(cu_scatter(t_ptr(a->out), t_ptr(a->src), t_ptr(a->index), &g, cuda_dtype(a->out->dtype), a->add,
                             cuda_stream_of(a->out)),
                  "cuda scatter kernel");
}
