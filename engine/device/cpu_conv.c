/* The CPU backend's convolutions, on contiguous float buffers: im2col /
 * col2im over the whole batch (columns n*L + l), the three products of a
 * convolution (forward, input gradient, weight gradient) as one gemm per
 * group, and Conv2d's chunked forward and backward (fused bias and ReLU).
 * Entries: conv2d, conv2d_bwd, conv_transpose2d, conv_transpose2d_bwd,
 * im2col, col2im. */
#include "cpu.h"
#include "cpu_winograd.h"
#include "../parallel/pool.h"

#include <stdlib.h>

/* Valid output columns [lo, hi) for a kernel column offset off: those
 * whose input column ow * sw + off lies in [0, W). */
static inline void ow_range(int64_t off, int64_t sw, int64_t W, int64_t OW, int64_t *lo, int64_t *hi)
{
    int64_t l = off < 0 ? (-off + sw - 1) / sw : 0;
    int64_t h = W - 1 - off < 0 ? 0 : (W - 1 - off) / sw + 1;
    if (h > OW) h = OW;
    if (l > h) l = h;
    *lo = l;
    *hi = h;
}

/* Rows are short (OW ~ 10-30): 32-byte blocks, the last one overlapping
 * the one before (never past the row's end), beat a memcpy call. */
#define COPY_ROW(T) \
static inline void copy_row_##T(T *restrict d, const T *restrict s, int64_t n) \
{ \
    const int64_t b = 32 / (int64_t)sizeof(T); \
    if (n < b) { for (int64_t i = 0; i < n; i++) d[i] = s[i]; return; } \
    int64_t i = 0; \
    for (; i + b <= n; i += b) memcpy(d + i, s + i, 32); \
    if (i < n) memcpy(d + n - b, s + n - b, 32); \
}
COPY_ROW(float)
COPY_ROW(double)

#define IM2COL(T) \
static void im2col_##T(const ConvGeom *g, const T *x, T *cols, int64_t n0, int64_t n1) \
{ \
    int64_t L = g->OH * g->OW, NL = g->N * L; \
    for (int64_t n = n0; n < n1; n++) \
        for (int64_t c = 0; c < g->C; c++) { \
            const T *img = x + (n * g->C + c) * g->H * g->W; \
            for (int64_t ki = 0; ki < g->kh; ki++) \
                for (int64_t kj = 0; kj < g->kw; kj++) { \
                    T *row = cols + ((c * g->kh + ki) * g->kw + kj) * NL + n * L; \
                    int64_t off = kj * g->dw - g->pl, lo, hi; \
                    ow_range(off, g->sw, g->W, g->OW, &lo, &hi); \
                    for (int64_t oh = 0; oh < g->OH; oh++) { \
                        int64_t ih = oh * g->sh - g->pt + ki * g->dh; \
                        T *o = row + oh * g->OW; \
                        if (ih < 0 || ih >= g->H) { memset(o, 0, sizeof(T) * g->OW); continue; } \
                        const T *src = img + ih * g->W + off; \
                        for (int64_t ow = 0; ow < lo; ow++) o[ow] = 0; \
                        if (g->sw == 1) copy_row_##T(o + lo, src + lo, hi - lo); \
                        else for (int64_t ow = lo; ow < hi; ow++) o[ow] = src[ow * g->sw]; \
                        for (int64_t ow = hi; ow < g->OW; ow++) o[ow] = 0; \
                    } \
                } \
        } \
}
IM2COL(float)
IM2COL(double)

#define COL2IM(T) \
static void col2im_##T(const ConvGeom *g, const T *cols, T *x, int64_t n0, int64_t n1) \
{ \
    int64_t L = g->OH * g->OW, NL = g->N * L; \
    for (int64_t n = n0; n < n1; n++) \
        for (int64_t c = 0; c < g->C; c++) { \
            T *img = x + (n * g->C + c) * g->H * g->W; \
            memset(img, 0, sizeof(T) * g->H * g->W); \
            for (int64_t ki = 0; ki < g->kh; ki++) \
                for (int64_t kj = 0; kj < g->kw; kj++) { \
                    const T *row = cols + ((c * g->kh + ki) * g->kw + kj) * NL + n * L; \
                    int64_t off = kj * g->dw - g->pl, lo, hi; \
                    ow_range(off, g->sw, g->W, g->OW, &lo, &hi); \
                    for (int64_t oh = 0; oh < g->OH; oh++) { \
                        int64_t ih = oh * g->sh - g->pt + ki * g->dh; \
                        if (ih < 0 || ih >= g->H) continue; \
                        T *restrict dst = img + ih * g->W + off; \
                        const T *restrict o = row + oh * g->OW; \
                        if (g->sw == 1) for (int64_t ow = lo; ow < hi; ow++) dst[ow] += o[ow]; \
                        else for (int64_t ow = lo; ow < hi; ow++) dst[ow * g->sw] += o[ow]; \
                    } \
                } \
        } \
}
COL2IM(float)
COL2IM(double)

typedef struct ColJob { const ConvGeom *g; DType dt; const void *src; void *dst; } ColJob;

static void im2col_range(int64_t b, int64_t e, void *arg)
{
    ColJob *J = arg;
    if (J->dt == DT_FLOAT32) im2col_float(J->g, J->src, J->dst, b, e);
    else im2col_double(J->g, J->src, J->dst, b, e);
}

static void col2im_range(int64_t b, int64_t e, void *arg)
{
    ColJob *J = arg;
    if (J->dt == DT_FLOAT32) col2im_float(J->g, J->src, J->dst, b, e);
    else col2im_double(J->g, J->src, J->dst, b, e);
}

static void conv_im2col(const ConvGeom *g, DType dt, const void *x, void *cols)
{
    ColJob J = { g, dt, x, cols };
    int64_t per = g->C * g->kh * g->kw * g->OH * g->OW;
    parallel_for(g->N, per * g->N >= 65536 ? 1 : g->N, im2col_range, &J);
}

static void conv_col2im(const ConvGeom *g, DType dt, const void *cols, void *x)
{
    ColJob J = { g, dt, cols, x };
    int64_t per = g->C * g->kh * g->kw * g->OH * g->OW;
    parallel_for(g->N, per * g->N >= 65536 ? 1 : g->N, col2im_range, &J);
}

/* (N, O, L) <-> (O, N*L), optionally adding a bias per o on the way to (N, O, L). */
typedef struct TJob { DType dt; int64_t N, O, L; const void *src; void *dst; const void *bias; bool to_nol; } TJob;

static void transpose_range(int64_t b, int64_t e, void *arg)
{
    TJob *J = arg;
    int64_t NL = J->N * J->L;
    for (int64_t n = b; n < e; n++)
        for (int64_t o = 0; o < J->O; o++) {
            if (J->dt == DT_FLOAT32) {
                const float *s = (const float *)J->src + (J->to_nol ? o * NL + n * J->L : (n * J->O + o) * J->L);
                float *d = (float *)J->dst + (J->to_nol ? (n * J->O + o) * J->L : o * NL + n * J->L);
                float bv = J->bias ? ((const float *)J->bias)[o] : 0.0f;
                for (int64_t l = 0; l < J->L; l++) d[l] = s[l] + bv;
            } else {
                const double *s = (const double *)J->src + (J->to_nol ? o * NL + n * J->L : (n * J->O + o) * J->L);
                double *d = (double *)J->dst + (J->to_nol ? (n * J->O + o) * J->L : o * NL + n * J->L);
                double bv = J->bias ? ((const double *)J->bias)[o] : 0.0;
                for (int64_t l = 0; l < J->L; l++) d[l] = s[l] + bv;
            }
        }
}

static void conv_transpose_nol(DType dt, int64_t N, int64_t O, int64_t L, const void *src, void *dst, const void *bias,
                        bool to_nol)
{
    TJob J = { dt, N, O, L, src, dst, bias, to_nol };
    parallel_for(N, N * O * L >= 65536 ? 1 : N, transpose_range, &J);
}

static void conv_gemm_forward(const ConvGeom *g, DType dt, const void *w, const void *cols, void *out_t)
{
    int64_t Og = g->O / g->groups, CKg = g->C / g->groups * g->kh * g->kw, NL = g->N * g->OH * g->OW;
    size_t es = dtype_size(dt);
    for (int gr = 0; gr < g->groups; gr++)
        cpu_gemm(dt, false, false, Og, NL, CKg, 1.0, (const char *)w + gr * Og * CKg * es, CKg,
                (const char *)cols + gr * CKg * NL * es, NL, 0.0, (char *)out_t + gr * Og * NL * es, NL);
}

static void conv_gemm_input(const ConvGeom *g, DType dt, const void *w, const void *g_t, void *gcols)
{
    int64_t Og = g->O / g->groups, CKg = g->C / g->groups * g->kh * g->kw, NL = g->N * g->OH * g->OW;
    size_t es = dtype_size(dt);
    for (int gr = 0; gr < g->groups; gr++)
        cpu_gemm(dt, true, false, CKg, NL, Og, 1.0, (const char *)w + gr * Og * CKg * es, CKg,
                (const char *)g_t + gr * Og * NL * es, NL, 0.0, (char *)gcols + gr * CKg * NL * es, NL);
}

static void conv_gemm_weight(const ConvGeom *g, DType dt, const void *g_t, const void *cols, void *gw)
{
    int64_t Og = g->O / g->groups, CKg = g->C / g->groups * g->kh * g->kw, NL = g->N * g->OH * g->OW;
    size_t es = dtype_size(dt);
    for (int gr = 0; gr < g->groups; gr++)
        cpu_gemm(dt, false, true, Og, CKg, NL, 1.0, (const char *)g_t + gr * Og * NL * es, NL,
                (const char *)cols + gr * CKg * NL * es, NL, 0.0, (char *)gw + gr * Og * CKg * es, CKg);
}

/* ---- chunked convolution (Conv2d's fast path) ----
 * The batch is cut into chunks of a few images that the pool's threads
 * take in turn (a core slowed by another process then does fewer): im2col
 * of the chunk into a scratch buffer, one single-threaded gemm per group
 * over the whole chunk, then a copy into NCHW with the bias. The backward
 * does the same per chunk (output gradient transposed to (O, m*L) once),
 * with per-chunk partial sums of the weight / bias gradients added in a
 * fixed order (deterministic). Scratch is malloc'ed: pool threads are not
 * registered with the GC. */

typedef struct ImgJob {
    const ConvGeom *g;
    DType dt;
    const char *x, *w, *b, *gy;
    char *y, *gx, *gw_parts, *gb_parts;
    char *cols;  /* whole-batch im2col kept by the forward for the backward, or NULL */
    bool relu;   /* forward: ReLU fused after the bias */
    const char *ymask;  /* backward: the fused ReLU's output (gy counts where > 0), or NULL */
    bool need_x, need_w, need_b;
    int64_t nb;  /* images per chunk */
    int failed;
} ImgJob;

/* Images per chunk: about CONV_CHUNK_COLS columns (the weights are packed
 * once per chunk, not once per image; 1024-4096 measured alike), and at
 * least two chunks per thread when the batch allows, for the balance. */
#define CONV_CHUNK_COLS 2048

static int64_t chunk_images(const ConvGeom *g)
{
    int64_t nb = CONV_CHUNK_COLS / (g->OH * g->OW), nt = parallel_num_threads();
    int64_t most = (g->N + 2 * nt - 1) / (2 * nt);
    if (nb > most) nb = most;
    return nb < 1 ? 1 : nb;
}

/* cols (CK, m*L) of images [n0, n0 + m). */
static void im2col_chunk(const ConvGeom *g, DType dt, const char *x, int64_t n0, int64_t m, void *buf)
{
    ConvGeom g1 = *g;
    g1.N = m;
    const char *xn = x + n0 * g->C * g->H * g->W * (int64_t)dtype_size(dt);
    if (dt == DT_FLOAT32) im2col_float(&g1, (const float *)xn, buf, 0, m);
    else im2col_double(&g1, (const double *)xn, buf, 0, m);
}

/* Row kernels of the layout pass, vectorised (AVX2 clone); the masks are
 * selects, never branches (a ReLU's sign pattern is random). */
#define ROW_OPS(T) \
__attribute__((target_clones(CDL_VEC_TARGET, "default"))) \
static void row_bias_##T(T *restrict d, const T *restrict s, T v, int64_t L, bool relu) \
{ \
    if (relu) for (int64_t l = 0; l < L; l++) { T u = s[l] + v; d[l] = u < 0 ? (T)0 : u; } \
    else for (int64_t l = 0; l < L; l++) d[l] = s[l] + v; \
} \
__attribute__((target_clones(CDL_VEC_TARGET, "default"))) \
static void row_mask_##T(T *restrict d, const T *restrict s, const T *restrict m, int64_t L) \
{ \
    for (int64_t l = 0; l < L; l++) d[l] = m[l] > 0 ? s[l] : (T)0; \
}
ROW_OPS(float)
ROW_OPS(double)

/* (O, m*L) <-> the images' (m, O, L) slab. Towards the slab: adds bias
 * (when given) and applies ReLU (relu). Towards (O, m*L): keeps only the
 * entries where mask (a slab like src, the fused ReLU's output) is > 0. */
#define CHUNK_T(T) \
static void chunk_transpose_##T(int64_t m, int64_t O, int64_t L, const T *src, T *dst, const T *bias, bool to_nol, \
                                bool relu, const T *mask) \
{ \
    for (int64_t n = 0; n < m; n++) \
        for (int64_t o = 0; o < O; o++) { \
            int64_t a = (o * m + n) * L, c = (n * O + o) * L;  /* (O, mL) / (m, O, L) offsets */ \
            if (to_nol) row_bias_##T(dst + c, src + a, bias ? bias[o] : (T)0, L, relu); \
            else if (mask) row_mask_##T(dst + a, src + c, mask + c, L); \
            else memcpy(dst + a, src + c, sizeof(T) * (size_t)L); \
        } \
}
CHUNK_T(float)
CHUNK_T(double)

static void chunk_transpose(DType dt, int64_t m, int64_t O, int64_t L, const char *src, char *dst, const char *bias,
                            bool to_nol, bool relu, const char *mask)
{
    if (dt == DT_FLOAT32)
        chunk_transpose_float(m, O, L, (const float *)src, (float *)dst, (const float *)bias, to_nol, relu,
                              (const float *)mask);
    else
        chunk_transpose_double(m, O, L, (const double *)src, (double *)dst, (const double *)bias, to_nol, relu,
                               (const double *)mask);
}

static void fwd_chunks(int64_t b, int64_t e, void *arg)
{
    ImgJob *J = arg;
    const ConvGeom *g = J->g;
    size_t es = dtype_size(J->dt);
    int64_t L = g->OH * g->OW, CK = g->C * g->kh * g->kw, Og = g->O / g->groups, CKg = CK / g->groups, nb = J->nb;
    void *scratch = J->cols ? NULL : malloc((size_t)(CK * nb * L) * es), *ot = malloc((size_t)(g->O * nb * L) * es);
    if ((!J->cols && !scratch) || !ot) { free(scratch); free(ot); J->failed = 1; return; }
    for (int64_t k = b; k < e; k++) {
        int64_t n0 = k * nb, m = g->N - n0 < nb ? g->N - n0 : nb, mL = m * L;
        /* kept for the backward: chunk k's columns at n0 * CK * L */
        char *buf = J->cols ? J->cols + n0 * CK * L * (int64_t)es : scratch;
        im2col_chunk(g, J->dt, J->x, n0, m, buf);
        for (int gr = 0; gr < g->groups; gr++)
            cpu_gemm(J->dt, false, false, Og, mL, CKg, 1.0, J->w + gr * Og * CKg * (int64_t)es, CKg,
                    buf + gr * CKg * mL * (int64_t)es, mL, 0.0, (char *)ot + gr * Og * mL * (int64_t)es, mL);
        chunk_transpose(J->dt, m, g->O, L, ot, J->y + n0 * g->O * L * (int64_t)es, J->b, true, J->relu, NULL);
    }
    free(scratch);
    free(ot);
}

static int64_t conv_forward_images(const ConvGeom *g, DType dt, const void *x, const void *w, const void *b, void *y,
                            void *cols, bool relu)
{
    ImgJob J = { .g = g, .dt = dt, .x = x, .w = w, .b = b, .y = y, .cols = cols, .relu = relu,
                 .nb = chunk_images(g) };
    parallel_for_dynamic((g->N + J.nb - 1) / J.nb, 1, fwd_chunks, &J);
    if (J.failed)
        error_raise(ERR_MEMORY, "nn_conv2d: out of memory for the im2col scratch buffer");
    return J.nb;
}

static void bwd_chunks(int64_t b, int64_t e, void *arg)
{
    ImgJob *J = arg;
    const ConvGeom *g = J->g;
    size_t es = dtype_size(J->dt);
    int64_t L = g->OH * g->OW, CK = g->C * g->kh * g->kw, Og = g->O / g->groups, CKg = CK / g->groups, nb = J->nb;
    bool need_buf = J->need_x || (J->need_w && !J->cols);
    void *buf = need_buf ? malloc((size_t)(CK * nb * L) * es) : NULL;
    char *tbuf = malloc((size_t)(g->O * nb * L) * es);
    if ((need_buf && !buf) || !tbuf) { free(buf); free(tbuf); J->failed = 1; return; }
    for (int64_t k = b; k < e; k++) {
        int64_t n0 = k * nb, m = g->N - n0 < nb ? g->N - n0 : nb, mL = m * L;
        /* g_t (O, m*L): the chunk's output gradient as one matrix (masked by a fused ReLU) */
        int64_t slab = n0 * g->O * L * (int64_t)es;
        chunk_transpose(J->dt, m, g->O, L, J->gy + slab, tbuf, NULL, false, false, J->ymask ? J->ymask + slab : NULL);
        if (J->need_b) {
            char *gb = J->gb_parts + k * g->O * (int64_t)es;
            for (int64_t o = 0; o < g->O; o++) {
                if (J->dt == DT_FLOAT32) {
                    /* 8 independent sums: no serial add chain */
                    const float *r = (const float *)tbuf + o * mL;
                    float acc[8] = { 0 }, s = 0;
                    int64_t l = 0;
                    for (; l + 8 <= mL; l += 8)
                        for (int q = 0; q < 8; q++) acc[q] += r[l + q];
                    for (; l < mL; l++) s += r[l];
                    for (int q = 0; q < 8; q++) s += acc[q];
                    ((float *)gb)[o] = s;
                } else {
                    const double *r = (const double *)tbuf + o * mL;
                    double s = 0;
                    for (int64_t l = 0; l < mL; l++) s += r[l];
                    ((double *)gb)[o] = s;
                }
            }
        }
        if (J->need_w) {
            char *gw = J->gw_parts + k * g->O * CKg * (int64_t)es;
            char *cb = J->cols ? J->cols + n0 * CK * L * (int64_t)es : buf;
            if (!J->cols) im2col_chunk(g, J->dt, J->x, n0, m, cb);
            for (int gr = 0; gr < g->groups; gr++)
                cpu_gemm(J->dt, false, true, Og, CKg, mL, 1.0, tbuf + gr * Og * mL * (int64_t)es, mL,
                        cb + gr * CKg * mL * (int64_t)es, mL, 0.0, gw + gr * Og * CKg * (int64_t)es, CKg);
        }
        if (J->need_x) {
            for (int gr = 0; gr < g->groups; gr++)
                cpu_gemm(J->dt, true, false, CKg, mL, Og, 1.0, J->w + gr * Og * CKg * (int64_t)es, CKg,
                        tbuf + gr * Og * mL * (int64_t)es, mL, 0.0, (char *)buf + gr * CKg * mL * (int64_t)es, mL);
            ConvGeom g1 = *g;
            g1.N = m;
            char *gxn = J->gx + n0 * g->C * g->H * g->W * (int64_t)es;
            if (J->dt == DT_FLOAT32) col2im_float(&g1, buf, (float *)gxn, 0, m);
            else col2im_double(&g1, buf, (double *)gxn, 0, m);
        }
    }
    free(buf);
    free(tbuf);
}

static void conv_backward_images(const ConvGeom *g, DType dt, const void *x, const void *w, const void *gy,
                          void *gx, void *gw, void *gb, const void *cols, int64_t nb, const void *ymask)
{
    size_t es = dtype_size(dt);
    int64_t CKg = g->C / g->groups * g->kh * g->kw;
    ImgJob J = { .g = g, .dt = dt, .x = x, .w = w, .gy = gy, .gx = gx, .need_x = gx != NULL, .need_w = gw != NULL,
                 .need_b = gb != NULL, .cols = (char *)cols, .ymask = ymask, .nb = cols ? nb : chunk_images(g) };
    int64_t chunks = (g->N + J.nb - 1) / J.nb;
    /* partial sums, one per chunk (each written whole by its chunk): GC
     * memory allocated here, on the calling thread */
    if (gw) J.gw_parts = cdl_alloc_atomic((size_t)(chunks * g->O * CKg) * es);
    if (gb) J.gb_parts = cdl_alloc_atomic((size_t)(chunks * g->O) * es);
    parallel_for_dynamic(chunks, 1, bwd_chunks, &J);
    if (J.failed)
        error_raise(ERR_MEMORY, "nn_conv2d: out of memory for the backward scratch buffers");
    for (int k = 0; k < 2; k++) {
        char *dst = k ? gb : gw, *parts = k ? J.gb_parts : J.gw_parts;
        int64_t len = k ? g->O : g->O * CKg;
        if (!dst) continue;
        for (int64_t i = 0; i < len; i++) {
            double s = 0;
            for (int64_t c = 0; c < chunks; c++)
                s += dt == DT_FLOAT32 ? ((float *)parts)[c * len + i] : ((double *)parts)[c * len + i];
            if (dt == DT_FLOAT32) ((float *)dst)[i] = (float)s;
            else ((double *)dst)[i] = s;
        }
    }
}

/* ---- the entries ---- */

void cpu_conv2d(Conv2dArgs *a)
{
    const ConvGeom *g = &a->g;
    DType dt = a->x->dtype;
    if (cpu_winograd_applies(g, dt)) {
        int64_t nb = cpu_winograd_chunk_images(g);
        Tensor *v = a->keep ? t_new(dt, 1, (int64_t[]){ cpu_winograd_kept_numel(g, nb) }, a->x->device) : NULL;
        a->kept_chunk = cpu_winograd_forward(g, t_ptr(a->x), t_ptr(a->w), a->b ? t_ptr(a->b) : NULL, t_ptr(a->y),
                                             a->relu, v ? t_ptr(v) : NULL, nb);
        a->kept = v;
        return;
    }
    /* The weight gradient needs the im2col columns again: keep them (freed
     * with the graph after the backward) rather than compute them twice. */
    Tensor *cols = a->keep ? t_new(dt, 1, (int64_t[]){ g->C * g->kh * g->kw * g->N * g->OH * g->OW }, a->x->device)
                           : NULL;
    int64_t nb = conv_forward_images(g, dt, t_ptr(a->x), t_ptr(a->w), a->b ? t_ptr(a->b) : NULL, t_ptr(a->y),
                                     cols ? t_ptr(cols) : NULL, a->relu);
    a->kept = cols;
    a->kept_chunk = nb;
}

void cpu_conv2d_bwd(Conv2dBwdArgs *a)
{
    const Tensor *cols = a->kept && a->kept->device == a->x->device ? a->kept : NULL;
    if (cpu_winograd_applies(&a->g, a->x->dtype)) {  /* what the forward took: kept holds its transformed input */
        if (cols && (a->kept_chunk < 1 || cols->numel != cpu_winograd_kept_numel(&a->g, a->kept_chunk))) cols = NULL;
        cpu_winograd_backward(&a->g, t_ptr(a->x), t_ptr(a->w), t_ptr(a->gy), a->ymask ? t_ptr(a->ymask) : NULL,
                              a->gx ? t_ptr(a->gx) : NULL, a->gw ? t_ptr(a->gw) : NULL, a->gb ? t_ptr(a->gb) : NULL,
                              cols ? t_ptr(cols) : NULL, cols ? a->kept_chunk : 0);
        return;
    }
    conv_backward_images(&a->g, a->x->dtype, t_ptr(a->x), t_ptr(a->w), t_ptr(a->gy), a->gx ? t_ptr(a->gx) : NULL,
                         a->gw ? t_ptr(a->gw) : NULL, a->gb ? t_ptr(a->gb) : NULL, cols ? t_ptr(cols) : NULL,
                         a->kept_chunk, a->ymask ? t_ptr(a->ymask) : NULL);
}

/* y = col2im(W^T x): the input-gradient of the conv g, plus the bias. */
void cpu_conv_transpose2d(ConvTranspose2dArgs *a)
{
    const ConvGeom *g = &a->g;
    DType dt = a->x->dtype;
    Device dev = a->x->device;
    int64_t NL = g->N * g->OH * g->OW, CK = g->C * g->kh * g->kw;
    Tensor *xt = t_new(dt, 2, (int64_t[]){ g->O, NL }, dev);
    conv_transpose_nol(dt, g->N, g->O, g->OH * g->OW, t_ptr(a->x), t_ptr(xt), NULL, false);
    Tensor *gcols = t_new(dt, 2, (int64_t[]){ CK, NL }, dev);
    conv_gemm_input(g, dt, t_ptr(a->w), t_ptr(xt), t_ptr(gcols));
    conv_col2im(g, dt, t_ptr(gcols), t_ptr(a->y));
    if (a->b) {
        int64_t HW = g->H * g->W;
        for (int64_t i = 0; i < g->N * g->C; i++) {
            int64_t c = i % g->C;
            if (dt == DT_FLOAT32) {
                float *p = (float *)t_ptr(a->y) + i * HW, bv = ((const float *)t_ptr(a->b))[c];
                for (int64_t k = 0; k < HW; k++) p[k] += bv;
            } else {
                double *p = (double *)t_ptr(a->y) + i * HW, bv = ((const double *)t_ptr(a->b))[c];
                for (int64_t k = 0; k < HW; k++) p[k] += bv;
            }
        }
    }
}

/* gx = conv(gy, w) (the forward of the conv g), gw = x_t @ im2col(gy)^T. */
void cpu_conv_transpose2d_bwd(ConvTranspose2dBwdArgs *a)
{
    const ConvGeom *g = &a->g;
    DType dt = a->x->dtype;
    Device dev = a->x->device;
    int64_t NL = g->N * g->OH * g->OW, CK = g->C * g->kh * g->kw;
    Tensor *cols = t_new(dt, 2, (int64_t[]){ CK, NL }, dev);
    conv_im2col(g, dt, t_ptr(a->gy), t_ptr(cols));
    if (a->gx) {
        Tensor *ot = t_new(dt, 2, (int64_t[]){ g->O, NL }, dev);
        conv_gemm_forward(g, dt, t_ptr(a->w), t_ptr(cols), t_ptr(ot));
        conv_transpose_nol(dt, g->N, g->O, g->OH * g->OW, t_ptr(ot), t_ptr(a->gx), NULL, true);
    }
    if (a->gw) {
        Tensor *xt = t_new(dt, 2, (int64_t[]){ g->O, NL }, dev);
        conv_transpose_nol(dt, g->N, g->O, g->OH * g->OW, t_ptr(a->x), t_ptr(xt), NULL, false);
        conv_gemm_weight(g, dt, t_ptr(xt), t_ptr(cols), t_ptr(a->gw));
    }
}

void cpu_im2col(ColsArgs *a) { conv_im2col(&a->g, a->in->dtype, t_ptr(a->in), t_ptr(a->out)); }
void cpu_col2im(ColsArgs *a) { conv_col2im(&a->g, a->in->dtype, t_ptr(a->in), t_ptr(a->out)); }
