// Layer kernels written here rather than taken from cuDNN: im2col / col2im
// (the engine's column layout), max-pooling with its argmax (cuDNN keeps
// none; PyTorch writes its own too), the fused 2x2 max-pool, the average
// pool with the CPU's divisor, and the fused cross-entropy. Each follows the
// CPU kernel it mirrors (device/cpu_conv.c, cpu_pool.c, cpu_maxpool2.c,
// cpu_softmax.c), and the backward passes gather rather than scatter, so
// that no atomics are needed and sums come in the CPU's order.
#include "cuda_internal.h"
#include "cuda_kernels.cuh"

#include <math.h>

namespace {

// ---- im2col / col2im: rows (c, ki, kj), columns n * OH * OW + oh * OW + ow ----

template <typename T> __global__ void k_im2col(CuConv g, const T *x, T *cols, int64_t total)
{
    int64_t L = g.OH * g.OW, NL = g.N * L;
    CU_GRID_LOOP(k, total) {
        int64_t row = k / NL, col = k - row * NL;
        int64_t n = col / L, l = col - n * L, oh = l / g.OW, ow = l - oh * g.OW;
        int64_t kj = row % g.kw, ki = (row / g.kw) % g.kh, c = row / (g.kw * g.kh);
        int64_t ih = oh * g.sh - g.pt + ki * g.dh, iw = ow * g.sw - g.pl + kj * g.dw;
        cols[k] = ih >= 0 && ih < g.H && iw >= 0 && iw < g.W ? x[((n * g.C + c) * g.H + ih) * g.W + iw] : (T)0;
    }
}

// The output positions o with o * s - p + q * d == i for some tap q in [0, k).
template <typename T> __global__ void k_col2im(CuConv g, const T *cols, T *x, int64_t total)
{
    int64_t L = g.OH * g.OW, NL = g.N * L;
    CU_GRID_LOOP(k, total) {
        int64_t iw = k % g.W, ih = (k / g.W) % g.H, c = (k / (g.W * g.H)) % g.C, n = k / (g.W * g.H * g.C);
        T acc = 0;
        for (int64_t ki = 0; ki < g.kh; ki++) {
            int64_t th = ih + g.pt - ki * g.dh;
            if (th < 0 || th % g.sh)
                continue;
            int64_t oh = th / g.sh;
            if (oh >= g.OH)
                continue;
            for (int64_t kj = 0; kj < g.kw; kj++) {
                int64_t tw = iw + g.pl - kj * g.dw;
                if (tw < 0 || tw % g.sw)
                    continue;
                int64_t ow = tw / g.sw;
                if (ow >= g.OW)
                    continue;
                acc += cols[((c * g.kh + ki) * g.kw + kj) * NL + n * L + oh * g.OW + ow];
            }
        }
        x[k] = acc;
    }
}

// ---- pooling ----

// Max-pool's rule, the CPU's and PyTorch's: v replaces the running max m
// when v > m or v is NaN.
template <typename T> __device__ inline bool takes(T v, T m) { return v > m || v != v; }

template <typename T> __global__ void k_max_pool(CuPool p, const T *x, T *y, int64_t *idx, int64_t total)
{
    CU_GRID_LOOP(o, total) {
        int64_t ow = o % p.OW, oh = (o / p.OW) % p.OH, c = o / (p.OW * p.OH);
        const T *img = x + c * p.H * p.W;
        int64_t h0 = oh * p.sh - p.ph, w0 = ow * p.sw - p.pw;
        int64_t i0 = h0 < 0 ? 0 : h0, i1 = h0 + p.kh < p.H ? h0 + p.kh : p.H;
        int64_t j0 = w0 < 0 ? 0 : w0, j1 = w0 + p.kw < p.W ? w0 + p.kw : p.W;
        int64_t best = i0 * p.W + j0;
        T m = img[best];
        for (int64_t i = i0; i < i1; i++)
            for (int64_t j = j0; j < j1; j++) {
                T v = img[i * p.W + j];
                if (takes(v, m)) {
                    m = v;
                    best = i * p.W + j;
                }
            }
        y[o] = m;
        idx[o] = best;
    }
}

// First and one-past-last output index whose window [o s - p, o s - p + k) holds i.
__device__ inline void windows_of(int64_t i, int64_t k, int64_t s, int64_t p, int64_t O, int64_t *lo, int64_t *hi)
{
    int64_t a = i + p - k + 1;
    *lo = a <= 0 ? 0 : (a + s - 1) / s;
    int64_t b = (i + p) / s + 1;
    *hi = b < O ? b : O;
}

template <typename T> __global__ void k_max_pool_bwd(CuPool p, const T *gy, const int64_t *idx, T *gx, int64_t total)
{
    CU_GRID_LOOP(k, total) {
        int64_t pos = k % (p.H * p.W), c = k / (p.H * p.W), i = pos / p.W, j = pos - i * p.W;
        int64_t oh0, oh1, ow0, ow1;
        windows_of(i, p.kh, p.sh, p.ph, p.OH, &oh0, &oh1);
        windows_of(j, p.kw, p.sw, p.pw, p.OW, &ow0, &ow1);
        T acc = 0;
        for (int64_t oh = oh0; oh < oh1; oh++)
            for (int64_t ow = ow0; ow < ow1; ow++) {
                int64_t o = (c * p.OH + oh) * p.OW + ow;
                if (idx[o] == pos)
                    acc += gy[o];
            }
        gx[k] = acc;
    }
}

// The 2x2 window at (oh, ow): its max and which of its four cells (0 1 / 2 3) holds it.
__device__ inline int argmax2x2(const float *img, int64_t W, int64_t oh, int64_t ow, float *m)
{
    const float *r0 = img + 2 * oh * W + 2 * ow, *r1 = r0 + W;
    float a0 = r0[0], a1 = r0[1], a2 = r1[0], a3 = r1[1];
    bool t1 = takes(a1, a0), t3 = takes(a3, a2);
    float m1 = t1 ? a1 : a0, m2 = t3 ? a3 : a2;
    bool t = takes(m2, m1);
    *m = t ? m2 : m1;
    return t ? (t3 ? 3 : 2) : (t1 ? 1 : 0);
}

__global__ void k_max_pool2x2(CuPool p, const float *x, float *y, int64_t total)
{
    CU_GRID_LOOP(o, total) {
        int64_t ow = o % p.OW, oh = (o / p.OW) % p.OH, c = o / (p.OW * p.OH);
        float m;
        argmax2x2(x + c * p.H * p.W, p.W, oh, ow, &m);
        y[o] = m;
    }
}

__global__ void k_max_pool2x2_bwd(CuPool p, const float *gy, const float *x, float *gx, int64_t total)
{
    CU_GRID_LOOP(k, total) {
        int64_t j = k % p.W, i = (k / p.W) % p.H, c = k / (p.W * p.H);
        int64_t oh = i / 2, ow = j / 2;
        float v = 0, m;
        if (oh < p.OH && ow < p.OW && argmax2x2(x + c * p.H * p.W, p.W, oh, ow, &m) == (int)((i & 1) * 2 + (j & 1)))
            v = gy[(c * p.OH + oh) * p.OW + ow];
        gx[k] = v;
    }
}

// The CPU's divisor: the window counts the padding, not the part of a
// ceil_mode window past the padded edge.
template <typename T> __device__ inline T avg_inv(const CuPool &p, int64_t h0, int64_t w0)
{
    int64_t he = h0 + p.kh < p.H + p.ph ? h0 + p.kh : p.H + p.ph;
    int64_t we = w0 + p.kw < p.W + p.pw ? w0 + p.kw : p.W + p.pw;
    return (T)(1.0 / (double)((he - h0) * (we - w0)));
}

template <typename T> __global__ void k_avg_pool(CuPool p, const T *x, T *y, int64_t total)
{
    CU_GRID_LOOP(o, total) {
        int64_t ow = o % p.OW, oh = (o / p.OW) % p.OH, c = o / (p.OW * p.OH);
        int64_t h0 = oh * p.sh - p.ph, w0 = ow * p.sw - p.pw;
        T acc = 0;
        for (int64_t i = h0 < 0 ? 0 : h0; i < h0 + p.kh && i < p.H; i++)
            for (int64_t j = w0 < 0 ? 0 : w0; j < w0 + p.kw && j < p.W; j++)
                acc += x[(c * p.H + i) * p.W + j];
        y[o] = acc * avg_inv<T>(p, h0, w0);
    }
}

template <typename T> __global__ void k_avg_pool_bwd(CuPool p, const T *gy, T *gx, int64_t total)
{
    CU_GRID_LOOP(k, total) {
        int64_t j = k % p.W, i = (k / p.W) % p.H, c = k / (p.W * p.H);
        int64_t oh0, oh1, ow0, ow1;
        windows_of(i, p.kh, p.sh, p.ph, p.OH, &oh0, &oh1);
        windows_of(j, p.kw, p.sw, p.pw, p.OW, &ow0, &ow1);
        T acc = 0;
        for (int64_t oh = oh0; oh < oh1; oh++)
            for (int64_t ow = ow0; ow < ow1; ow++)
                acc += gy[(c * p.OH + oh) * p.OW + ow] * avg_inv<T>(p, oh * p.sh - p.ph, ow * p.sw - p.pw);
        gx[k] = acc;
    }
}

// ---- cross-entropy: one warp per row, in double like the CPU ----

__device__ inline double warp_sum(double v)
{
    for (int d = 16; d > 0; d >>= 1)
        v += __shfl_down_sync(0xffffffffu, v, d);
    return __shfl_sync(0xffffffffu, v, 0);
}

__device__ inline double warp_max(double v)
{
    for (int d = 16; d > 0; d >>= 1)
        v = fmax(v, __shfl_down_sync(0xffffffffu, v, d));
    return __shfl_sync(0xffffffffu, v, 0);
}

// Coefficient a_k of row i (loss_i = -sum_k a_k log p_ik), as the CPU's coef_T.
template <typename T>
__device__ inline double ce_coef(const CuCrossEntropy &c, const void *tgt, const T *w, int64_t i, int64_t k)
{
    double eps = c.smoothing, wk = w ? (double)w[k] : 1.0;
    if (c.index) {
        int64_t y = ((const int64_t *)tgt)[i];
        if (c.use_ignore && y == c.ignore)
            return 0;
        return eps / (double)c.C * wk + (k == y ? (1 - eps) * wk : 0.0);
    }
    return ((1 - eps) * (double)((const T *)tgt)[i * c.C + k] + eps / (double)c.C) * wk;
}

template <typename T>
__global__ void k_ce_rows(CuCrossEntropy c, const T *x, const void *tgt, const T *w, T *rows, T *lse, double *wdiv)
{
    int64_t i = ((int64_t)blockIdx.x * blockDim.x + threadIdx.x) / 32;
    int lane = threadIdx.x & 31;
    if (i >= c.M)
        return;  // whole warps leave together (blockDim is a multiple of 32)
    const T *r = x + i * c.C;
    double mx = -INFINITY;
    for (int64_t k = lane; k < c.C; k += 32)
        mx = fmax(mx, (double)r[k]);
    mx = warp_max(mx);
    double s = 0;
    for (int64_t k = lane; k < c.C; k += 32)
        s += exp((double)r[k] - mx);
    double z = mx + log(warp_sum(s)), li = 0;
    for (int64_t k = lane; k < c.C; k += 32) {
        double a = ce_coef<T>(c, tgt, w, i, k);
        if (a != 0)
            li += a * (z - (double)r[k]);
    }
    li = warp_sum(li);
    if (lane == 0) {
        lse[i] = (T)z;
        rows[i] = (T)li;
        double d = 1;
        if (c.index) {
            int64_t y = ((const int64_t *)tgt)[i];
            d = c.use_ignore && y == c.ignore ? 0 : w ? (double)w[y] : 1.0;
        }
        wdiv[i] = d;
    }
}

// One block: the divisor, and the reduced loss unless reduction is none.
template <typename T> __global__ void k_ce_reduce(CuCrossEntropy c, const T *rows, const double *wdiv, double *div, T *out)
{
    __shared__ double sl[32], sd[32];
    double l = 0, d = 0;
    for (int64_t i = threadIdx.x; i < c.M; i += blockDim.x) {
        l += (double)rows[i];
        d += wdiv[i];
    }
    for (int k = 16; k > 0; k >>= 1) {
        l += __shfl_down_sync(0xffffffffu, l, k);
        d += __shfl_down_sync(0xffffffffu, d, k);
    }
    if ((threadIdx.x & 31) == 0) {
        sl[threadIdx.x >> 5] = l;
        sd[threadIdx.x >> 5] = d;
    }
    __syncthreads();
    if (threadIdx.x == 0) {
        l = d = 0;
        for (int k = 0; k < (int)(blockDim.x >> 5); k++) {
            l += sl[k];
            d += sd[k];
        }
        *div = d;
        if (c.reduction != 2)
            *out = (T)(c.reduction == 0 ? (d > 0 ? l / d : NAN) : l);
    }
}

// gx_ik = s_i ((sum_k a_ik) p_ik - a_ik), s_i = g / div (mean), g (sum), g_i (none).
template <typename T>
__global__ void k_ce_bwd(CuCrossEntropy c, const T *x, const void *tgt, const T *w, const T *lse, const T *g,
                         const double *div, T *gx)
{
    int64_t i = ((int64_t)blockIdx.x * blockDim.x + threadIdx.x) / 32;
    int lane = threadIdx.x & 31;
    if (i >= c.M)
        return;
    T s0 = c.reduction == 2 ? g[i] : g[0];
    if (c.reduction == 0)
        s0 = s0 * (T)(1.0 / *div);
    double si = (double)s0, sa = 0;
    for (int64_t k = lane; k < c.C; k += 32)
        sa += ce_coef<T>(c, tgt, w, i, k);
    sa = warp_sum(sa);
    const T *r = x + i * c.C;
    for (int64_t k = lane; k < c.C; k += 32)
        gx[i * c.C + k] = (T)(si * (sa * exp((double)r[k] - (double)lse[i]) - ce_coef<T>(c, tgt, w, i, k)));
}

// One warp per row: the grid's x dim (2^31 - 1 blocks of 8 rows) bounds M.
cudaError_t rows_launch_check(int64_t M)
{
    return M > ((int64_t)1 << 33) ? cudaErrorInvalidConfiguration : cudaSuccess;
}

}  // namespace

extern "C" cudaError_t cu_im2col(const CuConv *g, const void *x, void *cols, CuDType dt, cudaStream_t s)
{
    int64_t total = g->C * g->kh * g->kw * g->N * g->OH * g->OW;
    if (dt == CU_F32)
        return CU_LAUNCH(k_im2col<float>, total, s, *g, (const float *)x, (float *)cols, total);
    return CU_LAUNCH(k_im2col<double>, total, s, *g, (const double *)x, (double *)cols, total);
}

extern "C" cudaError_t cu_col2im(const CuConv *g, const void *cols, void *x, CuDType dt, cudaStream_t s)
{
    int64_t total = g->N * g->C * g->H * g->W;
    if (dt == CU_F32)
        return CU_LAUNCH(k_col2im<float>, total, s, *g, (const float *)cols, (float *)x, total);
    return CU_LAUNCH(k_col2im<double>, total, s, *g, (const double *)cols, (double *)x, total);
}

extern "C" cudaError_t cu_max_pool(const CuPool *p, const void *x, void *y, int64_t *idx, CuDType dt, cudaStream_t s)
{
    int64_t total = p->NC * p->OH * p->OW;
    if (dt == CU_F32)
        return CU_LAUNCH(k_max_pool<float>, total, s, *p, (const float *)x, (float *)y, idx, total);
    return CU_LAUNCH(k_max_pool<double>, total, s, *p, (const double *)x, (double *)y, idx, total);
}

extern "C" cudaError_t cu_max_pool_bwd(const CuPool *p, const void *gy, const int64_t *idx, void *gx, CuDType dt,
                                       cudaStream_t s)
{
    int64_t total = p->NC * p->H * p->W;
    if (dt == CU_F32)
        return CU_LAUNCH(k_max_pool_bwd<float>, total, s, *p, (const float *)gy, idx, (float *)gx, total);
    return CU_LAUNCH(k_max_pool_bwd<double>, total, s, *p, (const double *)gy, idx, (double *)gx, total);
}

extern "C" cudaError_t cu_max_pool2x2(const CuPool *p, const float *x, float *y, cudaStream_t s)
{
    int64_t total = p->NC * p->OH * p->OW;
    return CU_LAUNCH(k_max_pool2x2, total, s, *p, x, y, total);
}

extern "C" cudaError_t cu_max_pool2x2_bwd(const CuPool *p, const float *gy, const float *x, float *gx, cudaStream_t s)
{
    int64_t total = p->NC * p->H * p->W;
    return CU_LAUNCH(k_max_pool2x2_bwd, total, s, *p, gy, x, gx, total);
}

extern "C" cudaError_t cu_avg_pool(const CuPool *p, const void *in, void *out, CuDType dt, cudaStream_t s)
{
    int64_t total = p->NC * p->OH * p->OW;
    if (dt == CU_F32)
        return CU_LAUNCH(k_avg_pool<float>, total, s, *p, (const float *)in, (float *)out, total);
    return CU_LAUNCH(k_avg_pool<double>, total, s, *p, (const double *)in, (double *)out, total);
}

extern "C" cudaError_t cu_avg_pool_bwd(const CuPool *p, const void *in, void *out, CuDType dt, cudaStream_t s)
{
    int64_t total = p->NC * p->H * p->W;
    if (dt == CU_F32)
        return CU_LAUNCH(k_avg_pool_bwd<float>, total, s, *p, (const float *)in, (float *)out, total);
    return CU_LAUNCH(k_avg_pool_bwd<double>, total, s, *p, (const double *)in, (double *)out, total);
}

extern "C" cudaError_t cu_cross_entropy(const CuCrossEntropy *c, const void *x, const void *target, const void *weight,
                                        void *rows, void *lse, double *div, void *out, double *wdiv, CuDType dt,
                                        cudaStream_t s)
{
    cudaError_t e = rows_launch_check(c->M);
    if (e != cudaSuccess)
        return e;
    unsigned blocks = (unsigned)((c->M * 32 + CU_THREADS - 1) / CU_THREADS);
    if (c->M > 0) {
        if (dt == CU_F32)
            k_ce_rows<float><<<blocks, CU_THREADS, 0, s>>>(*c, (const float *)x, target, (const float *)weight,
                                                           (float *)rows, (float *)lse, wdiv);
        else
            k_ce_rows<double><<<blocks, CU_THREADS, 0, s>>>(*c, (const double *)x, target, (const double *)weight,
                                                            (double *)rows, (double *)lse, wdiv);
        if ((e = cudaGetLastError()) != cudaSuccess)
            return e;
    }
    if (dt == CU_F32)
        k_ce_reduce<float><<<1, 1024, 0, s>>>(*c, (const float *)rows, wdiv, div, (float *)out);
    else
        k_ce_reduce<double><<<1, 1024, 0, s>>>(*c, (const double *)rows, wdiv, div, (double *)out);
    return cudaGetLastError();
}

extern "C" cudaError_t cu_cross_entropy_bwd(const CuCrossEntropy *c, const void *x, const void *target,
                                            const void *weight, const void *lse, const void *g, const double *div,
                                            void *gx, CuDType dt, cudaStream_t s)
{
    cudaError_t e = rows_launch_check(c->M);
    if (e != cudaSuccess || c->M == 0)
        return e;
    unsigned blocks = (unsigned)((c->M * 32 + CU_THREADS - 1) / CU_THREADS);
    if (dt == CU_F32)
        k_ce_bwd<float><<<blocks, CU_THREADS, 0, s>>>(*c, (const float *)x, target, (const float *)weight,
                                                      (const float *)lse, (const float *)g, div, (float *)gx);
    else
        k_ce_bwd<double><<<blocks, CU_THREADS, 0, s>>>(*c, (const double *)x, target, (const double *)weight,
                                                       (const double *)lse, (const double *)g, div, (double *)gx);
    return cudaGetLastError();
}
