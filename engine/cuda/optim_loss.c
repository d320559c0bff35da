/* Host side of the fused optimizer steps and the NLL rows: checks and
 * launches (the rules are in optim_loss.cu). */
#include "cuda_host.h"

void cuda_optim_step(const CuOptimStep *k, Tensor *p, const Tensor *g, Tensor *const *bufs)
{
    if (!p->contiguous || !g->contiguous || g->dtype != p->dtype || !dtype_is_float(p->dtype))
        error_raise(ERR_RUNTIME, "cuda optimizer step: internal: parameter and gradient must be contiguous floats "
                    "of one dtype");
    void *b[3] = { NULL, NULL, NULL };
    for (int i = 0; i < 3 && bufs && bufs[i]; i++)
        b[i] = t_ptr(bufs[i]);
    cuda_launched(cu_optim_step(k, cuda_dtype(p->dtype), p->numel, t_ptr(p), t_ptr(g), b[0], b[1], b[2],
                                cuda_dev_of(p)->stream),
                  "cuda optimizer kernel");
}

void cuda_nll_forward(Tensor *loss, const Tensor *logp, const Tensor *y, int64_t ignore)
{
    int64_t N = logp->shape[0], C = logp->shape[1];
    cuda_launched(cu_nll_forward(t_ptr(loss), t_ptr(logp), t_ptr(y), N, C, ignore, cuda_dtype(logp->dtype),
                                 cuda_dev_of(logp)->stream),
                  "cuda nll kernel");
}

void cuda_nll_backward(Tensor *gx, const Tensor *g, const Tensor *y, int64_t ignore)
{
    int64_t N = gx->shape[0], C = gx->shape[1];
    cuda_fill(gx, 0);
    cuda_launched(cu_nll_backward(t_ptr(gx), t_ptr(g), t_ptr(y), N, C, ignore, cuda_dtype(gx->dtype),
                                  cuda_dev_of(gx)->stream),
                  "cuda nll kernel");
}
