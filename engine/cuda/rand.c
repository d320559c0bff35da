/* Random fills and dropout masks on cuRAND's Philox generator. Each call
 * seeds it with a number drawn from the engine's generator (the one the op
 * was given, else the default), so manual_seed makes GPU runs reproducible;
 * the numbers differ from the CPU's, as in PyTorch. Seeding Philox costs no
 * kernel. Float tensors only (int64 draws run on the CPU). */
#include "cuda_host.h"

static curandGenerator_t rng_of(CudaDev *d, Generator *gen)
{
    if (!d->rng) {
        CURAND(curandCreateGenerator(&d->rng, CURAND_RNG_PSEUDO_PHILOX4_32_10));
        CURAND(curandSetStream(d->rng, d->stream));
    }
    CURAND(curandSetPseudoRandomGeneratorSeed(d->rng, cdl_rand_u64(gen)));
    CURAND(curandSetGeneratorOffset(d->rng, 0));
    return d->rng;
}

/* Fills contiguous t (cuRAND's normal generators want an even count: an
 * odd one is drawn into scratch one longer). */
static void draw(const RandomArgs *a, Tensor *t, bool mask)
{
    CudaDev *d = cuda_dev_of(t);
    curandGenerator_t g = rng_of(d, a->gen);
    size_t n = (size_t)t->numel;
    CuDType dt = cuda_dtype(t->dtype);
    if (mask || a->dist == RAND_UNIFORM) {
        /* uniforms in (0, 1], as float32 for masks */
        CudaBlock u = { NULL, 0, d->index };
        if (mask) {
            u = cuda_scratch(d->index, n * sizeof(float));
            CURAND(curandGenerateUniform(g, u.ptr, n));
            cudaError_t e = cu_dropout_mask(t_ptr(t), u.ptr, (int64_t)n, a->a, dt, d->stream);
            cuda_scratch_free(u);
            cuda_launched(e, "cuda dropout kernel");
            return;
        }
        if (dt == CU_F32)
            CURAND(curandGenerateUniform(g, t_ptr(t), n));
        else
            CURAND(curandGenerateUniformDouble(g, t_ptr(t), n));
        cuda_launched(cu_uniform_map(t_ptr(t), (int64_t)n, a->a, a->b, dt, d->stream), "cuda uniform kernel");
        return;
    }
    size_t even = n + (n & 1), es = (size_t)t_esize(t->dtype);
    CudaBlock tmp = { NULL, 0, d->index };
    void *dst = t_ptr(t);
    if (even != n) {
        tmp = cuda_scratch(d->index, even * es);
        dst = tmp.ptr;
    }
    if (dt == CU_F32)
        CURAND(curandGenerateNormal(g, dst, even, (float)a->a, (float)a->b));
    else
        CURAND(curandGenerateNormalDouble(g, dst, even, a->a, a->b));
    if (even != n) {
        CU(cudaMemcpyAsync(t_ptr(t), dst, n * es, cudaMemcpyDeviceToDevice, d->stream));
        cuda_scratch_free(tmp);
    }
}

static void fill(RandomArgs *a, bool mask)
{
    Tensor *out = a->out;
    if (out->numel == 0)
        return;
    if (out->contiguous) {
        draw(a, out, mask);
        return;
    }
    Tensor *tmp = t_new(out->dtype, out->ndim, out->shape, out->device);
    draw(a, tmp, mask);
    cuda_copy(&(CopyArgs){ .out = out, .in = tmp });
}

void cuda_random_fill(RandomArgs *a) { fill(a, false); }
void cuda_dropout_mask(RandomArgs *a) { fill(a, true); }
