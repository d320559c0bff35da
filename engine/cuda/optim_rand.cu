// Fused kernels the libraries lack: optimizer steps (one pass over the
// parameter, its gradient and its state, the rules of the CPU backend's
// device/cpu_optim.c), and what turns cuRAND's uniforms into dropout masks
// and uniform fills.
#include "cuda_internal.h"
#include "cuda_kernels.cuh"

namespace {

template <typename T> __global__ void k_optim(CuOptimStep k, int64_t n, T *p, const T *g, T *b0, T *b1, T *b2)
{
    const double *c = k.c;
    CU_GRID_LOOP(i, n) {
        T pi = p[i];
        switch (k.kind) {
        case CU_SGD: {  // lr, wd, sign
            p[i] = pi - (T)c[0] * ((T)c[2] * g[i] + (T)c[1] * pi);
            break;
        }
        case CU_SGD_MOMENTUM: {  // lr, wd, sign, keep, take, nest, use_b
            T gi = (T)c[2] * g[i] + (T)c[1] * pi;
            T bi = (T)c[3] * b0[i] + (T)c[4] * gi;
            b0[i] = bi;
            T use_b = (T)c[6];
            p[i] = pi - (T)c[0] * (((T)1 - use_b) * (gi + (T)c[5] * bi) + use_b * bi);
            break;
        }
        case CU_ADAM:
        case CU_ADAM_AMSGRAD: {  // b1, b2, eps, wd, step_size, ibc2, decay, sign
            T gi = (T)c[7] * g[i] + (T)c[3] * pi;
            T mi = b0[i] + (gi - b0[i]) * ((T)1 - (T)c[0]);
            T vi = (T)c[1] * b1[i] + ((T)1 - (T)c[1]) * gi * gi;
            b0[i] = mi;
            b1[i] = vi;
            if (k.kind == CU_ADAM_AMSGRAD) {
                vi = b2[i] > vi ? b2[i] : vi;
                b2[i] = vi;
            }
            p[i] = pi * (T)c[6] - (T)c[4] * mi / (sqrt(vi) * (T)c[5] + (T)c[2]);
            break;
        }
        case CU_RMSPROP: {  // lr, alpha, eps, wd, mu, sign; b0 = square avg, b1 = momentum, b2 = grad avg
            T a = (T)c[1];
            T gi = (T)c[5] * g[i] + (T)c[3] * pi;
            T vi = a * b0[i] + ((T)1 - a) * gi * gi;
            b0[i] = vi;
            T avg;
            if (k.centered) {
                T m = b2[i] + (gi - b2[i]) * ((T)1 - a);
                b2[i] = m;
                avg = sqrt(vi - m * m) + (T)c[2];
            } else {
                avg = sqrt(vi) + (T)c[2];
            }
            if (k.momentum) {
                T bi = (T)c[4] * b1[i] + gi / avg;
                b1[i] = bi;
                p[i] = pi - (T)c[0] * bi;
            } else {
                p[i] = pi - (T)c[0] * gi / avg;
            }
            break;
        }
        default: {  // CU_ADAGRAD: clr, eps, wd, sign
            T gi = (T)c[3] * g[i] + (T)c[2] * pi;
            T si = b0[i] + gi * gi;
            b0[i] = si;
            p[i] = pi - (T)c[0] * gi / (sqrt(si) + (T)c[1]);
            break;
        }
        }
    }
}

template <typename T> __global__ void k_dropout_mask(T *mask, const float *u, int64_t n, float p, T keep)
{
    CU_GRID_LOOP(i, n) mask[i] = u[i] >= p ? keep : (T)0;
}

template <typename T> __global__ void k_uniform_map(T *x, int64_t n, T lo, T hi)
{
    CU_GRID_LOOP(i, n) x[i] = hi - (hi - lo) * x[i];
}

}  // namespace

extern "C" cudaError_t cu_optim_step(const CuOptimStep *k, CuDType dt, int64_t n, void *p, const void *g, void *b0,
                                     void *b1, void *b2, cudaStream_t s)
{
    if (dt == CU_F32)
        return CU_LAUNCH(k_optim<float>, n, s, *k, n, (float *)p, (const float *)g, (float *)b0, (float *)b1,
                         (float *)b2);
    return CU_LAUNCH(k_optim<double>, n, s, *k, n, (double *)p, (const double *)g, (double *)b0, (double *)b1,
                     (double *)b2);
}

extern "C" cudaError_t cu_dropout_mask(void *mask, const float *u, int64_t n, double p, CuDType dt, cudaStream_t s)
{
    if (dt == CU_F32)
        return CU_LAUNCH(k_dropout_mask<float>, n, s, (float *)mask, u, n, (float)p, (float)(1 / (1 - p)));
    return CU_LAUNCH(k_dropout_mask<double>, n, s, (double *)mask, u, n, (float)p, 1 / (1 - p));
}

extern "C" cudaError_t cu_uniform_map(void *x, int64_t n, double lo, double hi, CuDType dt, cudaStream_t s)
{
    if (dt == CU_F32)
        return CU_LAUNCH(k_uniform_map<float>, n, s, (float *)x, n, (float)lo, (float)hi);
    return CU_LAUNCH(k_uniform_map<double>, n, s, (double *)x, n, lo, hi);
}
