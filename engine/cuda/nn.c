/* Host side of the layer kernels of nn.cu: im2col / col2im, max and
 * average pooling, the fused 2x2 max-pool and the fused cross-entropy. */
#include "cuda_host.h"

static CuConv conv_of(const ConvGeom *g)
{
    return (CuConv){ g->N, g->C, g->H, g->W, g->O, g->OH, g->OW, g->kh, g->kw,
                     g->sh, g->sw, g->pt, g->pl, g->dh, g->dw, g->groups };
}

static CuPool pool_of(const PoolGeom *g)
{
    return (CuPool){ g->NC, g->H, g->W, g->OH, g->OW, g->kh, g->kw, g->sh, g->sw, g->ph, g->pw };
}

void cuda_im2col(ColsArgs *a)
{
    CuConv g = conv_of(&a->g);
    cuda_launched(cu_im2col(&g, t_ptr(a->in), t_ptr(a->out), cuda_dtype(a->in->dtype), cuda_stream_of(a->out)),
                  "cuda im2col kernel");
}

void cuda_col2im(ColsArgs *a)
{
    CuConv g = conv_of(&a->g);
    cuda_launched(cu_col2im(&g, t_ptr(a->in), t_ptr(a->out), cuda_dtype(a->in->dtype), cuda_stream_of(a->out)),
                  "cuda col2im kernel");
}

void cuda_max_pool2d(MaxPoolArgs *a)
{
    CuPool p = pool_of(&a->g);
    cuda_launched(cu_max_pool(&p, t_ptr(a->x), t_ptr(a->y), t_ptr(a->idx), cuda_dtype(a->x->dtype),
                              cuda_stream_of(a->y)),
                  "cuda max_pool2d kernel");
}

void cuda_max_pool2d_bwd(MaxPoolBwdArgs *a)
{
    CuPool p = pool_of(&a->g);
    cuda_launched(cu_max_pool_bwd(&p, t_ptr(a->gy), t_ptr(a->idx), t_ptr(a->gx), cuda_dtype(a->gx->dtype),
                                  cuda_stream_of(a->gx)),
                  "cuda max_pool2d backward kernel");
}

void cuda_max_pool2x2(MaxPool2x2Args *a)
{
    CuPool p = pool_of(&a->g);
    cuda_launched(cu_max_pool2x2(&p, t_ptr(a->x), t_ptr(a->y), cuda_stream_of(a->y)), "cuda max_pool2x2 kernel");
}

void cuda_max_pool2x2_bwd(MaxPool2x2BwdArgs *a)
{
    CuPool p = pool_of(&a->g);
    cuda_launched(cu_max_pool2x2_bwd(&p, t_ptr(a->gy), t_ptr(a->x), t_ptr(a->gx), cuda_stream_of(a->gx)),
                  "cuda max_pool2x2 backward kernel");
}

void cuda_avg_pool2d(AvgPoolArgs *a)
{
    CuPool p = pool_of(&a->g);
    cuda_launched(cu_avg_pool(&p, t_ptr(a->in), t_ptr(a->out), cuda_dtype(a->in->dtype), cuda_stream_of(a->out)),
                  "cuda avg_pool2d kernel");
}

void cuda_avg_pool2d_bwd(AvgPoolArgs *a)
{
    CuPool p = pool_of(&a->g);
    cuda_launched(cu_avg_pool_bwd(&p, t_ptr(a->in), t_ptr(a->out), cuda_dtype(a->in->dtype), cuda_stream_of(a->out)),
                  "cuda avg_pool2d backward kernel");
}

static CuCrossEntropy ce_of(const CrossEntropyParams *p)
{
    return (CuCrossEntropy){ p->M, p->C, p->index, p->use_ignore, p->ignore, p->smoothing, (int)p->reduction };
}

void cuda_cross_entropy(CrossEntropyArgs *a)
{
    CuCrossEntropy c = ce_of(&a->p);
    const Tensor *x = a->x;
    CudaDev *d = cuda_dev_of(x);
    bool none = a->p.reduction == REDUCTION_NONE;
    /* the row losses: the output itself for none, else scratch; and the rows' divisor terms */
    int64_t M = a->p.M > 0 ? a->p.M : 1;
    CudaBlock rows = { NULL, 0, d->index }, wdiv = cuda_scratch(d->index, sizeof(double) * (size_t)M);
    if (!none)
        rows = cuda_scratch(d->index, (size_t)(M * t_esize(x->dtype)));
    cudaError_t e = cu_cross_entropy(&c, t_ptr(x), t_ptr(a->target), a->weight ? t_ptr(a->weight) : NULL,
                                     none ? t_ptr(a->out) : rows.ptr, t_ptr(a->lse), t_ptr(a->div),
                                     none ? NULL : t_ptr(a->out), wdiv.ptr, cuda_dtype(x->dtype), d->stream);
    if (!none)
        cuda_scratch_free(rows);
    cuda_scratch_free(wdiv);
    cuda_launched(e, "cuda cross_entropy kernel");
}

void cuda_cross_entropy_bwd(CrossEntropyBwdArgs *a)
{
    CuCrossEntropy c = ce_of(&a->p);
    const Tensor *x = a->x;
    cuda_launched(cu_cross_entropy_bwd(&c, t_ptr(x), t_ptr(a->target), a->weight ? t_ptr(a->weight) : NULL,
                                       t_ptr(a->lse), t_ptr(a->g), t_ptr(a->div), t_ptr(a->gx), cuda_dtype(x->dtype),
                                       cuda_stream_of(a->gx)),
                  "cuda cross_entropy backward kernel");
}
