/* Random fills and dropout masks on cuRAND's Philox generator. Each call
 * seeds the generator with a number drawn from the engine's generator
 * (manual_seed makes GPU runs reproducible; the numbers differ from the
 * CPU's, as in PyTorch). Seeding Philox costs no kernel. */
#include "cuda_host.h"

static curandGenerator_t rng_of(const Tensor *t, uint64_t seed)
{
    CudaDev *d = cuda_dev_of(t);
    if (!d->rng) {
        CURAND(curandCreateGenerator(&d->rng, CURAND_RNG_PSEUDO_PHILOX4_32_10));
        CURAND(curandSetStream(d->rng, d->stream));
    }
    CURAND(curandSetPseudoRandomGeneratorSeed(d->rng, seed));
    CURAND(curandSetGeneratorOffset(d->rng, 0));
    return d->rng;
}

static void need_float(const Tensor *x, const char *fn)
{
    if (x->dtype != DT_FLOAT32 && x->dtype != DT_FLOAT64)
        error_raise(ERR_TYPE, "%s: random fills on CUDA take float32 or float64 tensors, not %s", fn,
                    dtype_name(x->dtype));
}

/* Fills a contiguous float tensor: into x directly, or a temporary then a copy. */
void cuda_uniform_(Tensor *x, double lo, double hi, uint64_t seed)
{
    need_float(x, "tensor_uniform_");
    if (x->numel == 0)
        return;
    Tensor *dst = x->contiguous ? x : t_new(x->dtype, x->ndim, x->shape, x->device);
    curandGenerator_t g = rng_of(x, seed);
    cudaStream_t s = cuda_dev_of(x)->stream;
    size_t n = (size_t)dst->numel;
    if (dst->dtype == DT_FLOAT32) {
        CURAND(curandGenerateUniform(g, t_ptr(dst), n));  /* (0, 1] */
        cuda_launched(cu_affine_f32(t_ptr(dst), (int64_t)n, (float)(hi - lo), (float)lo, s), "cuda uniform kernel");
    } else {
        CURAND(curandGenerateUniformDouble(g, t_ptr(dst), n));
        cuda_launched(cu_affine_f64(t_ptr(dst), (int64_t)n, hi - lo, lo, s), "cuda uniform kernel");
    }
    if (dst != x)
        cuda_copy(x, dst);
}

void cuda_normal_(Tensor *x, double mean, double std, uint64_t seed)
{
    need_float(x, "tensor_normal_");
    if (x->numel == 0)
        return;
    /* cuRAND's normal generators want an even count. */
    bool direct = x->contiguous && x->numel % 2 == 0;
    int64_t n = x->numel + (x->numel & 1);
    int64_t shape[1] = { n };
    Tensor *dst = direct ? x : t_new(x->dtype, 1, shape, x->device);
    curandGenerator_t g = rng_of(x, seed);
    if (dst->dtype == DT_FLOAT32)
        CURAND(curandGenerateNormal(g, t_ptr(dst), (size_t)n, (float)mean, (float)std));
    else
        CURAND(curandGenerateNormalDouble(g, t_ptr(dst), (size_t)n, mean, std));
    if (!direct) {
        Tensor view;
        int64_t strides[TENSOR_MAX_DIMS];
        int64_t st = 1;
        for (int i = x->ndim - 1; i >= 0; i--) {
            strides[i] = st;
            st *= x->shape[i];
        }
        t_view_tmp(&view, dst, x->ndim, x->shape, strides, 0);
        cuda_copy(x, &view);
    }
}

void cuda_dropout(Tensor *out, Tensor *mask, const Tensor *x, double p, uint64_t seed)
{
    need_float(x, "nn_dropout");
    if (x->numel == 0)
        return;
    CudaDev *d = cuda_dev_of(x);
    CudaBlock u = cuda_scratch(d->index, (size_t)x->numel * sizeof(float));
    CURAND(curandGenerateUniform(rng_of(x, seed), u.ptr, (size_t)x->numel));
    cudaError_t e = cu_dropout(t_ptr(out), t_ptr(mask), t_ptr(x), u.ptr, x->numel, p, cuda_dtype(x->dtype),
                               d->stream);
    cuda_scratch_free(u);
    cuda_launched(e, "cuda dropout kernel");
}
