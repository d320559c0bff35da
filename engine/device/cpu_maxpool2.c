/* The CPU backend's fused max-pool (entries max_pool2x2 and _bwd): the
 * usual 2x2 / stride 2 / no padding float32 max-pool without an argmax
 * array: the backward finds each window's argmax again from x with the same
 * compares (cheaper than writing and reading 8-byte indices) and writes
 * every input cell once (gy at the argmax, 0 elsewhere). NaN wins like in
 * PyTorch (NN_MAX_TAKES); ties keep the first. */
#include "cpu.h"
#include "../parallel/pool.h"

#include <immintrin.h>

/* Max-pool's rule, PyTorch's (as in cpu_pool.c). */
#define NN_MAX_TAKES(v, m) ((v) > (m) || (v) != (v))


/* gcc vectorises this plain loop of selects (O3, AVX2 clone). */
__attribute__((target_clones(CDL_VEC_TARGET, "default")))
static void maxpool2_forward_f32(const float *x, float *y, int64_t H, int64_t W, int64_t OH, int64_t OW, int64_t c0,
                          int64_t c1)
{
    for (int64_t c = c0; c < c1; c++) {
        const float *img = x + c * H * W;
        for (int64_t oh = 0; oh < OH; oh++) {
            const float *restrict r0 = img + 2 * oh * W, *restrict r1 = r0 + W;
            float *restrict yo = y + (c * OH + oh) * OW;
            for (int64_t ow = 0; ow < OW; ow++) {
                float a0 = r0[2 * ow], a1 = r0[2 * ow + 1], a2 = r1[2 * ow], a3 = r1[2 * ow + 1];
                bool t1 = NN_MAX_TAKES(a1, a0), t3 = NN_MAX_TAKES(a3, a2);
                float m1 = t1 ? a1 : a0, m2 = t3 ? a3 : a2;
                bool t = NN_MAX_TAKES(m2, m1);
                yo[ow] = t ? m2 : m1;
            }
        }
    }
}

/* One row of windows: bit masks rather than branches (the
 * argmax is random, every branch would mispredict half the time). */
static void bw_row_scalar(const float *r0, const float *r1, const float *go, float *g0, float *g1, int64_t OW)
{
    for (int64_t ow = 0; ow < OW; ow++) {
        float a0 = r0[2 * ow], a1 = r0[2 * ow + 1], a2 = r1[2 * ow], a3 = r1[2 * ow + 1];
        bool t1 = NN_MAX_TAKES(a1, a0), t3 = NN_MAX_TAKES(a3, a2);
        float m1 = t1 ? a1 : a0, m2 = t3 ? a3 : a2;
        bool t = NN_MAX_TAKES(m2, m1);
        uint32_t v, o[4];
        memcpy(&v, go + ow, 4);
        o[0] = v & (0u - (uint32_t)(!t && !t1));
        o[1] = v & (0u - (uint32_t)(!t && t1));
        o[2] = v & (0u - (uint32_t)(t && !t3));
        o[3] = v & (0u - (uint32_t)(t && t3));
        memcpy(g0 + 2 * ow, o, 8);
        memcpy(g1 + 2 * ow, o + 2, 8);
    }
}

/* Eight windows: rows r0 / r1 (16 floats each), gy (8) -> g0 / g1 (16
 * each). shuffle_ps splits 16 floats into even / odd columns in the window
 * order 0 1 4 5 2 3 6 7; unpacklo / unpackhi of two vectors in that order
 * interleave them back into natural order, so only gy needs the same
 * permutation. */
__attribute__((target("avx2"))) static inline __m256 takes8(__m256 b, __m256 a)
{
    return _mm256_or_ps(_mm256_cmp_ps(b, a, _CMP_GT_OQ), _mm256_cmp_ps(b, b, _CMP_UNORD_Q));
}

__attribute__((target("avx2"))) static inline void bw8_avx2(const float *r0, const float *r1, const float *go,
                                                            float *g0, float *g1)
{
    const __m256i perm = _mm256_setr_epi32(0, 1, 4, 5, 2, 3, 6, 7);
    __m256 p0 = _mm256_loadu_ps(r0), p1 = _mm256_loadu_ps(r0 + 8);
    __m256 q0 = _mm256_loadu_ps(r1), q1 = _mm256_loadu_ps(r1 + 8);
    __m256 a0 = _mm256_shuffle_ps(p0, p1, _MM_SHUFFLE(2, 0, 2, 0));
    __m256 a1 = _mm256_shuffle_ps(p0, p1, _MM_SHUFFLE(3, 1, 3, 1));
    __m256 a2 = _mm256_shuffle_ps(q0, q1, _MM_SHUFFLE(2, 0, 2, 0));
    __m256 a3 = _mm256_shuffle_ps(q0, q1, _MM_SHUFFLE(3, 1, 3, 1));
    __m256 t1 = takes8(a1, a0), t3 = takes8(a3, a2);
    __m256 m1 = _mm256_blendv_ps(a0, a1, t1), m2 = _mm256_blendv_ps(a2, a3, t3);
    __m256 t = takes8(m2, m1);
    __m256 v = _mm256_permutevar8x32_ps(_mm256_loadu_ps(go), perm);
    __m256 top = _mm256_andnot_ps(t, v), bot = _mm256_and_ps(t, v);
    __m256 e0 = _mm256_andnot_ps(t1, top), o0 = _mm256_and_ps(t1, top);
    __m256 e1 = _mm256_andnot_ps(t3, bot), o1 = _mm256_and_ps(t3, bot);
    _mm256_storeu_ps(g0, _mm256_unpacklo_ps(e0, o0));
    _mm256_storeu_ps(g0 + 8, _mm256_unpackhi_ps(e0, o0));
    _mm256_storeu_ps(g1, _mm256_unpacklo_ps(e1, o1));
    _mm256_storeu_ps(g1 + 8, _mm256_unpackhi_ps(e1, o1));
}

/* A row of windows; the short last group (rows are 13 or 5 windows in the
 * course's CNN) goes through small buffers: masked stores are slow on AMD. */
__attribute__((target("avx2"))) static void bw_row_avx2(const float *r0, const float *r1, const float *go,
                                                        float *g0, float *g1, int64_t OW)
{
    int64_t ow = 0;
    for (; ow + 8 <= OW; ow += 8)
        bw8_avx2(r0 + 2 * ow, r1 + 2 * ow, go + ow, g0 + 2 * ow, g1 + 2 * ow);
    int64_t n = OW - ow;
    if (n > 0) {
        float a[16] = { 0 }, b[16] = { 0 }, v[8] = { 0 }, ga[16], gb[16];
        memcpy(a, r0 + 2 * ow, sizeof(float) * 2 * (size_t)n);
        memcpy(b, r1 + 2 * ow, sizeof(float) * 2 * (size_t)n);
        memcpy(v, go + ow, sizeof(float) * (size_t)n);
        bw8_avx2(a, b, v, ga, gb);
        memcpy(g0 + 2 * ow, ga, sizeof(float) * 2 * (size_t)n);
        memcpy(g1 + 2 * ow, gb, sizeof(float) * 2 * (size_t)n);
    }
}

static void maxpool2_backward_f32(const float *x, const float *gy, float *gx, int64_t H, int64_t W, int64_t OH,
                           int64_t OW, int64_t c0, int64_t c1)
{
    static int avx2 = -1;
    if (avx2 < 0)
        avx2 = __builtin_cpu_supports("avx2") ? 1 : 0;
    for (int64_t c = c0; c < c1; c++) {
        const float *img = x + c * H * W;
        float *gimg = gx + c * H * W;
        for (int64_t oh = 0; oh < OH; oh++) {
            const float *r0 = img + 2 * oh * W, *r1 = r0 + W, *go = gy + (c * OH + oh) * OW;
            float *g0 = gimg + 2 * oh * W, *g1 = g0 + W;
            if (avx2) bw_row_avx2(r0, r1, go, g0, g1, OW);
            else bw_row_scalar(r0, r1, go, g0, g1, OW);
            for (int64_t j = 2 * OW; j < W; j++)  /* an odd last column: no window */
                g0[j] = g1[j] = 0.0f;
        }
        for (int64_t i = 2 * OH; i < H; i++)      /* an odd last row */
            memset(gimg + i * W, 0, sizeof(float) * (size_t)W);
    }
}

typedef struct Pool2Job { const PoolGeom *g; const float *x, *gy; float *y, *gx; } Pool2Job;

static void fwd_range(int64_t b, int64_t e, void *arg)
{
    Pool2Job *J = arg;
    maxpool2_forward_f32(J->x, J->y, J->g->H, J->g->W, J->g->OH, J->g->OW, b, e);
}

static void bwd_range(int64_t b, int64_t e, void *arg)
{
    Pool2Job *J = arg;
    maxpool2_backward_f32(J->x, J->gy, J->gx, J->g->H, J->g->W, J->g->OH, J->g->OW, b, e);
}

void cpu_max_pool2x2(MaxPool2x2Args *a)
{
    Pool2Job J = { &a->g, t_ptr(a->x), NULL, t_ptr(a->y), NULL };
    parallel_for(a->g.NC, a->y->numel >= 32768 ? 1 : a->g.NC, fwd_range, &J);
}

void cpu_max_pool2x2_bwd(MaxPool2x2BwdArgs *a)
{
    Pool2Job J = { &a->g, t_ptr(a->x), t_ptr(a->gy), NULL, t_ptr(a->gx) };
    parallel_for(a->g.NC, a->gy->numel >= 32768 ? 1 : a->g.NC, bwd_range, &J);
}
