/* The CPU backend's pooling: max-pool keeping the argmax (branch-free 2x2
 * windows inside the image), its scatter backward, and the average pool
 * with its adjoint. Planes run in parallel. */
/* -O2 (engine/device is built with -O3): rows and windows here are short,
 * and -O3's vector prologues cost more than they save (callgrind). */
#pragma GCC optimize("O2")
#include "cpu.h"
#include "../parallel/pool.h"

/* Max-pool's rule, PyTorch's: v replaces the running max m when v > m or v
 * is NaN (so a NaN found first stays). */
#define MAX_TAKES(v, m) ((v) > (m) || (v) != (v))

/* t ? a : b on the bits, so that no branch is generated. */
static inline float sel_float(bool t, float a, float b)
{
    uint32_t x, y, m = (uint32_t)0 - (uint32_t)t;
    memcpy(&x, &a, 4);
    memcpy(&y, &b, 4);
    x = (x & m) | (y & ~m);
    memcpy(&a, &x, 4);
    return a;
}

static inline double sel_double(bool t, double a, double b)
{
    uint64_t x, y, m = (uint64_t)0 - (uint64_t)t;
    memcpy(&x, &a, 8);
    memcpy(&y, &b, 8);
    x = (x & m) | (y & ~m);
    memcpy(&a, &x, 8);
    return a;
}

/* Windows fully inside the image (no padding) skip the bounds checks. */
#define MAXPOOL(T) \
static void maxpool_##T(const PoolGeom *g, const T *x, T *y, int64_t *idx, int64_t b, int64_t e) \
{ \
    const int64_t H = g->H, W = g->W; \
    for (int64_t c = b; c < e; c++) { \
        const T *img = x + c * H * W; \
        T *yo = y + c * g->OH * g->OW; \
        int64_t *io = idx + c * g->OH * g->OW; \
        for (int64_t oh = 0; oh < g->OH; oh++) { \
            int64_t h0 = oh * g->sh - g->ph; \
            for (int64_t ow = 0; ow < g->OW; ow++) { \
                int64_t w0 = ow * g->sw - g->pw, best; \
                T m; \
                if (g->kh == 2 && g->kw == 2 && h0 >= 0 && w0 >= 0 && h0 + 2 <= H && w0 + 2 <= W) { \
                    /* branch-free: random data mispredicts every compare */ \
                    const T *r0 = img + h0 * W + w0, *r1 = r0 + W; \
                    int64_t b0 = h0 * W + w0; \
                    T a0 = r0[0], a1 = r0[1], a2 = r1[0], a3 = r1[1]; \
                    bool t1 = MAX_TAKES(a1, a0), t3 = MAX_TAKES(a3, a2); \
                    T m1 = sel_##T(t1, a1, a0), m2 = sel_##T(t3, a3, a2); \
                    int64_t i1 = b0 + t1, i2 = b0 + W + t3; \
                    bool t = MAX_TAKES(m2, m1); \
                    m = sel_##T(t, m2, m1); \
                    best = i1 + (int64_t)t * (i2 - i1); \
                } else { \
                    int64_t i0 = h0 < 0 ? 0 : h0, i1 = h0 + g->kh < H ? h0 + g->kh : H; \
                    int64_t j0 = w0 < 0 ? 0 : w0, j1 = w0 + g->kw < W ? w0 + g->kw : W; \
                    m = img[i0 * W + j0]; best = i0 * W + j0; \
                    for (int64_t i = i0; i < i1; i++) \
                        for (int64_t j = j0; j < j1; j++) { \
                            T v = img[i * W + j]; \
                            if (MAX_TAKES(v, m)) { m = v; best = i * W + j; } \
                        } \
                } \
                yo[oh * g->OW + ow] = m; \
                io[oh * g->OW + ow] = best; \
            } \
        } \
    } \
}
MAXPOOL(float)
MAXPOOL(double)

typedef struct MaxJob { const PoolGeom *g; DType dt; const void *x; void *y; int64_t *idx; } MaxJob;

static void maxpool_range(int64_t b, int64_t e, void *arg)
{
    MaxJob *J = arg;
    if (J->dt == DT_FLOAT32) maxpool_float(J->g, J->x, J->y, J->idx, b, e);
    else maxpool_double(J->g, J->x, J->y, J->idx, b, e);
}

void cpu_max_pool2d(MaxPoolArgs *a)
{
    MaxJob J = { &a->g, a->x->dtype, t_ptr(a->x), t_ptr(a->y), t_ptr(a->idx) };
    parallel_for(a->g.NC, a->y->numel >= 32768 ? 1 : a->g.NC, maxpool_range, &J);
}

/* The scatter into the argmax, planes [b, e): each plane is its own. */
typedef struct MaxBwJob { const PoolGeom *g; DType dt; const void *gy; void *gx; const int64_t *idx; } MaxBwJob;

static void maxpool_bw_range(int64_t b, int64_t e, void *arg)
{
    MaxBwJob *J = arg;
    int64_t plane = J->g->H * J->g->W, L = J->g->OH * J->g->OW;
    const int64_t *ix = J->idx;
    if (J->dt == DT_FLOAT32) {
        float *o = J->gx;
        const float *s = J->gy;
        memset(o + b * plane, 0, sizeof(float) * (size_t)((e - b) * plane));
        for (int64_t c = b; c < e; c++)
            for (int64_t l = 0; l < L; l++)
                o[c * plane + ix[c * L + l]] += s[c * L + l];
    } else {
        double *o = J->gx;
        const double *s = J->gy;
        memset(o + b * plane, 0, sizeof(double) * (size_t)((e - b) * plane));
        for (int64_t c = b; c < e; c++)
            for (int64_t l = 0; l < L; l++)
                o[c * plane + ix[c * L + l]] += s[c * L + l];
    }
}

void cpu_max_pool2d_bwd(MaxPoolBwdArgs *a)
{
    MaxBwJob B = { &a->g, a->gy->dtype, t_ptr(a->gy), t_ptr(a->gx), t_ptr(a->idx) };
    parallel_for(a->g.NC, a->gy->numel >= 32768 ? 1 : a->g.NC, maxpool_bw_range, &B);
}

/* count_include_pad like PyTorch: the divisor counts the padding, not the
 * part of a ceil_mode window past the padded edge. */
#define AVG(T) \
static void avg_##T(const PoolGeom *g, const T *x, T *y, bool adjoint) \
{ \
    for (int64_t c = 0; c < g->NC; c++) \
        for (int64_t oh = 0; oh < g->OH; oh++) \
            for (int64_t ow = 0; ow < g->OW; ow++) { \
                int64_t h0 = oh * g->sh - g->ph, w0 = ow * g->sw - g->pw, o = (c * g->OH + oh) * g->OW + ow; \
                int64_t he = h0 + g->kh < g->H + g->ph ? h0 + g->kh : g->H + g->ph; \
                int64_t we = w0 + g->kw < g->W + g->pw ? w0 + g->kw : g->W + g->pw; \
                T inv = (T)(1.0 / (double)((he - h0) * (we - w0))); \
                T acc = 0; \
                T go = adjoint ? x[o] * inv : 0; \
                for (int64_t i = h0 < 0 ? 0 : h0; i < h0 + g->kh && i < g->H; i++) \
                    for (int64_t j = w0 < 0 ? 0 : w0; j < w0 + g->kw && j < g->W; j++) { \
                        if (adjoint) y[(c * g->H + i) * g->W + j] += go; \
                        else acc += x[(c * g->H + i) * g->W + j]; \
                    } \
                if (!adjoint) y[o] = acc * inv; \
            } \
}
AVG(float)
AVG(double)

void cpu_avg_pool2d(AvgPoolArgs *a)
{
    if (a->in->dtype == DT_FLOAT32) avg_float(&a->g, t_ptr(a->in), t_ptr(a->out), false);
    else avg_double(&a->g, t_ptr(a->in), t_ptr(a->out), false);
}

void cpu_avg_pool2d_bwd(AvgPoolArgs *a)
{
    memset(t_ptr(a->out), 0, (size_t)a->out->numel * dtype_size(a->out->dtype));
    if (a->in->dtype == DT_FLOAT32) avg_float(&a->g, t_ptr(a->in), t_ptr(a->out), true);
    else avg_double(&a->g, t_ptr(a->in), t_ptr(a->out), true);
}
