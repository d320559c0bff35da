/* Pooling and upsampling. MaxPool2d: one pass keeping the argmax; its
 * backward scatters into the argmax (a direct loop, or scatter_add when a
 * graph is wanted). AvgPool2d: a kernel and its adjoint, recorded as each
 * other's backward. AdaptiveAvgPool2d and Upsample: products with small
 * averaging / interpolation matrices (Ph x Pw^T), differentiable as is. */
#include "nn_internal.h"
#include "../parallel/pool.h"

#include <math.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"

/* Per dim (h, w): kernel, stride, padding. With ceil_mode the last window
 * may pass the bottom / right edge (OH, OW say so). */
typedef struct PoolGeom { int64_t NC, H, W, OH, OW, kh, kw, sh, sw, ph, pw; } PoolGeom;

/* iv holds ten integers: the eleventh goes to d[0]. */
static void pg_store(Node *n, const PoolGeom *g)
{
    int64_t v[10] = { g->NC, g->H, g->W, g->OH, g->OW, g->kh, g->kw, g->sh, g->sw, g->ph };
    memcpy(n->iv, v, sizeof v);
    n->d[0] = (double)g->pw;
}

static PoolGeom pg_load(const Node *n)
{
    PoolGeom g = { n->iv[0], n->iv[1], n->iv[2], n->iv[3], n->iv[4], n->iv[5], n->iv[6], n->iv[7], n->iv[8],
                   n->iv[9], (int64_t)n->d[0] };
    return g;
}

/* Output size like PyTorch's pooling_output_shape: with ceil_mode, rounded
 * up, but the last window must start inside the input or its left padding. */
static int64_t pool_out(int64_t in, int64_t k, int64_t s, int64_t p, bool ceil_mode)
{
    int64_t span = in + 2 * p - k;
    int64_t o = (ceil_mode ? (span + s - 1) / s : span / s) + 1;
    if (ceil_mode && (o - 1) * s >= in + p)
        o--;
    return o;
}

static PoolGeom pool_geom(const Tensor *x, const PoolSpec *ps, const char *fn)
{
    if (x->ndim != 4)
        error_raise(ERR_SHAPE, "%s: expects input (N, C, H, W), got shape %s", fn, tensor_shape_str(x));
    if (ps->ph * 2 > ps->kh || ps->pw * 2 > ps->kw)
        error_raise(ERR_VALUE, "%s: padding (%d, %d) should be at most half the kernel size (%d, %d)", fn, ps->ph,
                    ps->pw, ps->kh, ps->kw);
    PoolGeom g = { x->shape[0] * x->shape[1], x->shape[2], x->shape[3], 0, 0, ps->kh, ps->kw, ps->sh, ps->sw,
                   ps->ph, ps->pw };
    if (g.H + 2 * g.ph < g.kh || g.W + 2 * g.pw < g.kw)
        error_raise(ERR_SHAPE, "%s: the input of shape %s is smaller than the %dx%d window; the output would be empty "
                    "(too many pooling layers for this image size?)", fn, tensor_shape_str(x), ps->kh, ps->kw);
    g.OH = pool_out(g.H, g.kh, g.sh, g.ph, ps->ceil_mode);
    g.OW = pool_out(g.W, g.kw, g.sw, g.pw, ps->ceil_mode);
    return g;
}

/* ---- max pool ---- */

typedef struct MaxJob { const PoolGeom *g; DType dt; const void *x; void *y; int64_t *idx; } MaxJob;

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

/* NaN wins like in PyTorch (NN_MAX_TAKES).
 * Windows fully inside the image (no padding) skip the bounds checks. */
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
                    bool t1 = NN_MAX_TAKES(a1, a0), t3 = NN_MAX_TAKES(a3, a2); \
                    T m1 = sel_##T(t1, a1, a0), m2 = sel_##T(t3, a3, a2); \
                    int64_t i1 = b0 + t1, i2 = b0 + W + t3; \
                    bool t = NN_MAX_TAKES(m2, m1); \
                    m = sel_##T(t, m2, m1); \
                    best = i1 + (int64_t)t * (i2 - i1); \
                } else { \
                    int64_t i0 = h0 < 0 ? 0 : h0, i1 = h0 + g->kh < H ? h0 + g->kh : H; \
                    int64_t j0 = w0 < 0 ? 0 : w0, j1 = w0 + g->kw < W ? w0 + g->kw : W; \
                    m = img[i0 * W + j0]; best = i0 * W + j0; \
                    for (int64_t i = i0; i < i1; i++) \
                        for (int64_t j = j0; j < j1; j++) { \
                            T v = img[i * W + j]; \
                            if (NN_MAX_TAKES(v, m)) { m = v; best = i * W + j; } \
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

static bool is_pool2(const PoolGeom *g, DType dt)
{
    return dt == DT_FLOAT32 && g->kh == 2 && g->kw == 2 && g->sh == 2 && g->sw == 2 && g->ph == 0 && g->pw == 0 &&
           2 * g->OH <= g->H && 2 * g->OW <= g->W;  /* no ceil_mode window past the edge */
}

static void maxpool_range(int64_t b, int64_t e, void *arg)
{
    MaxJob *J = arg;
    const PoolGeom *g = J->g;
    if (!J->idx) maxpool2_forward_f32(J->x, J->y, g->H, g->W, g->OH, g->OW, b, e);
    else if (J->dt == DT_FLOAT32) maxpool_float(J->g, J->x, J->y, J->idx, b, e);
    else maxpool_double(J->g, J->x, J->y, J->idx, b, e);
}

/* The scatter into the argmax, planes [b, e): each plane is its own. */
typedef struct MaxBwJob {
    const PoolGeom *g; DType dt; const void *gy; void *gx; const int64_t *idx; const void *x;
} MaxBwJob;

static void maxpool_bw_range(int64_t b, int64_t e, void *arg)
{
    MaxBwJob *J = arg;
    if (!J->idx) {
        maxpool2_backward_f32(J->x, J->gy, J->gx, J->g->H, J->g->W, J->g->OH, J->g->OW, b, e);
        return;
    }
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

static void maxpool_bw(Node *n, Tensor *gr, Tensor **gi, const bool *need)
{
    PoolGeom g = pg_load(n);
    Tensor *x = n->inputs[0];
    /* saved: the argmax, or (2x2 float fast path) the contiguous input */
    bool pool2 = n->saved[0]->dtype != DT_INT64;
    Tensor *idx = pool2 ? NULL : n->saved[0], *xs = pool2 ? n->saved[0] : NULL;
    if (!ag_on()) {
        Tensor *gc = t_contig(gr);
        Tensor *gx = t_new(gr->dtype, x->ndim, x->shape, gr->device);
        MaxBwJob B = { &g, gr->dtype, t_ptr(gc), t_ptr(gx), idx ? t_ptr(idx) : NULL, xs ? t_ptr(xs) : NULL };
        parallel_for(g.NC, gc->numel >= 32768 ? 1 : g.NC, maxpool_bw_range, &B);
        gi[0] = gx;
        return;
    }
    if (pool2) {  /* the graph form needs the argmax: find it again */
        idx = t_new(DT_INT64, 4, gr->shape, gr->device);
        Tensor *y = t_new(gr->dtype, 4, gr->shape, gr->device);
        MaxJob J = { &g, gr->dtype, t_ptr(xs), t_ptr(y), t_ptr(idx) };
        maxpool_range(0, g.NC, &J);
    }
    Tensor *z = tensor_zeros_like(tensor_reshape(tensor_detach(x), g.NC, g.H * g.W));
    Tensor *r = tensor_scatter_add(z, 1, tensor_reshape(idx, g.NC, g.OH * g.OW), tensor_reshape(gr, g.NC, g.OH * g.OW));
    gi[0] = tensor_reshape_shape(r, x->ndim, x->shape);
}
static const GradRule rule_MaxPool = { "MaxPool2DWithIndicesBackward0", maxpool_bw };

Tensor *nn_f_max_pool2d(Tensor *x, const PoolSpec *ps)
{
    const char *fn = "nn_max_pool2d";
    if (x->ndim == 3)
        return tensor_squeeze_dim(nn_f_max_pool2d(tensor_unsqueeze(x, 0), ps), 0);
    PoolGeom g = pool_geom(x, ps, fn);
    if (!dtype_is_float(x->dtype) || x->device != DEVICE_CPU)
        error_raise(ERR_TYPE, "%s: needs a floating CPU tensor, got %s on %s", fn, dtype_name(x->dtype),
                    device_name(x->device));
    Tensor *xc = t_contig(x);
    int64_t shape[4] = { x->shape[0], x->shape[1], g.OH, g.OW };
    Tensor *y = t_new(x->dtype, 4, shape, x->device);
    bool pool2 = is_pool2(&g, x->dtype);
    Tensor *idx = pool2 ? NULL : t_new(DT_INT64, 4, shape, x->device);
    MaxJob J = { &g, x->dtype, t_ptr(xc), t_ptr(y), idx ? t_ptr(idx) : NULL };
    parallel_for(g.NC, y->numel >= 32768 ? 1 : g.NC, maxpool_range, &J);
    if (ag_needs(x)) {
        Node *n = AG_RECORD(y, rule_MaxPool, x);
        ag_save(n, pool2 ? xc : idx);
        pg_store(n, &g);
    }
    return y;
}

/* ---- avg pool and its adjoint ---- */

static Tensor *avg_op(Tensor *x, const PoolGeom *g);
static Tensor *avg_adj_op(Tensor *gy, const PoolGeom *g, const Tensor *like);

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

static void avg_bw(Node *n, Tensor *gr, Tensor **gi, const bool *need)
{
    PoolGeom g = pg_load(n);
    gi[0] = avg_adj_op(gr, &g, n->inputs[0]);
}
static const GradRule rule_AvgPool = { "AvgPool2DBackward0", avg_bw };

static void avg_adj_bw(Node *n, Tensor *gr, Tensor **gi, const bool *need)
{
    PoolGeom g = pg_load(n);
    gi[0] = avg_op(gr, &g);
}
static const GradRule rule_AvgPoolAdj = { "AvgPool2DBackwardBackward0", avg_adj_bw };

static Tensor *avg_op(Tensor *x, const PoolGeom *g)
{
    Tensor *xc = t_contig(x);
    Tensor *y = t_new(x->dtype, 4, (int64_t[]){ x->shape[0], x->shape[1], g->OH, g->OW }, x->device);
    if (x->dtype == DT_FLOAT32) avg_float(g, t_ptr(xc), t_ptr(y), false);
    else avg_double(g, t_ptr(xc), t_ptr(y), false);
    if (ag_needs(x)) {
        Node *n = AG_RECORD(y, rule_AvgPool, x);
        pg_store(n, g);
    }
    return y;
}

static Tensor *avg_adj_op(Tensor *gy, const PoolGeom *g, const Tensor *like)
{
    Tensor *gc = t_contig(gy);
    Tensor *x = t_new(gy->dtype, 4, (int64_t[]){ gy->shape[0], gy->shape[1], g->H, g->W }, gy->device);
    memset(t_ptr(x), 0, x->numel * dtype_size(x->dtype));
    if (gy->dtype == DT_FLOAT32) avg_float(g, t_ptr(gc), t_ptr(x), true);
    else avg_double(g, t_ptr(gc), t_ptr(x), true);
    (void)like;
    if (ag_needs(gy)) {
        Node *n = AG_RECORD(x, rule_AvgPoolAdj, gy);
        pg_store(n, g);
    }
    return x;
}

Tensor *nn_f_avg_pool2d(Tensor *x, const PoolSpec *ps)
{
    const char *fn = "nn_avg_pool2d";
    if (x->ndim == 3)
        return tensor_squeeze_dim(nn_f_avg_pool2d(tensor_unsqueeze(x, 0), ps), 0);
    PoolGeom g = pool_geom(x, ps, fn);
    if (!dtype_is_float(x->dtype) || x->device != DEVICE_CPU)
        error_raise(ERR_TYPE, "%s: needs a floating CPU tensor, got %s on %s", fn, dtype_name(x->dtype),
                    device_name(x->device));
    return avg_op(x, &g);
}

/* ---- layers ---- */

typedef struct PoolImpl { PoolSpec ps; int64_t oh, ow; int scale; UpsampleOptions up; } PoolImpl;

static Tensor *max_fwd(Module *m, Tensor *x) { return nn_f_max_pool2d(x, &((PoolImpl *)m->impl)->ps); }
static Tensor *avg_fwd(Module *m, Tensor *x) { return nn_f_avg_pool2d(x, &((PoolImpl *)m->impl)->ps); }

static Module *make_pool(const char *type, LayerForward f, int k, const PoolOptions *o)
{
    static const PoolOptions none;
    if (!o) o = &none;
    PoolSpec ps = { 0 };
    ps.kh = nn_pick_hw(o->kernel_hw, 0, k);
    ps.kw = nn_pick_hw(o->kernel_hw, 1, k);
    ps.sh = nn_pick_hw(o->stride_hw, 0, o->stride ? o->stride : ps.kh);
    ps.sw = nn_pick_hw(o->stride_hw, 1, o->stride ? o->stride : ps.kw);
    if (!ps.sh) ps.sh = ps.kh;  /* a pair with a 0: that dim's kernel size */
    if (!ps.sw) ps.sw = ps.kw;
    ps.ph = nn_pick_hw(o->padding_hw, 0, o->padding);
    ps.pw = nn_pick_hw(o->padding_hw, 1, o->padding);
    ps.ceil_mode = o->ceil_mode;
    if (ps.kh <= 0 || ps.kw <= 0 || ps.sh < 0 || ps.sw < 0 || ps.ph < 0 || ps.pw < 0)
        error_raise(ERR_VALUE, "nn_%s: kernel_size must be > 0, stride and padding >= 0 (got kernel %s, stride %s, "
                    "padding %s)", f == max_fwd ? "max_pool2d" : "avg_pool2d", nn_pair_str(ps.kh, ps.kw),
                    nn_pair_str(ps.sh, ps.sw), nn_pair_str(ps.ph, ps.pw));
    PoolImpl *c = cdl_alloc(sizeof *c);
    c->ps = ps;
    return nn_layer_new(type, f, c, nn_strf("kernel_size=%s, stride=%s, padding=%s%s", nn_pair_str(ps.kh, ps.kw),
                                            nn_pair_str(ps.sh, ps.sw), nn_pair_str(ps.ph, ps.pw),
                                            ps.ceil_mode ? ", ceil_mode=True" : ""));
}

Module *nn_max_pool2d_(int k, const PoolOptions *o) { return make_pool("MaxPool2d", max_fwd, k, o); }
Module *nn_avg_pool2d_(int k, const PoolOptions *o) { return make_pool("AvgPool2d", avg_fwd, k, o); }

/* Row i averages [floor(i in / out), ceil((i + 1) in / out)), like PyTorch. */
static Tensor *adaptive_matrix(int64_t out, int64_t in, DType dt)
{
    Tensor *m = tensor_zeros_dtype(DT_FLOAT64, out, in);
    double *d = t_ptr(m);
    for (int64_t i = 0; i < out; i++) {
        int64_t a = (i * in) / out, b = ((i + 1) * in + out - 1) / out;
        for (int64_t j = a; j < b; j++)
            d[i * in + j] = 1.0 / (double)(b - a);
    }
    return t_convert(m, dt);
}

static Tensor *adaptive_fwd(Module *m, Tensor *x)
{
    PoolImpl *c = m->impl;
    if (x->ndim != 4 && x->ndim != 3)
        error_raise(ERR_SHAPE, "nn_adaptive_avg_pool2d: expects (N, C, H, W) or (C, H, W), got shape %s",
                    tensor_shape_str(x));
    Tensor *ph = adaptive_matrix(c->oh, x->shape[x->ndim - 2], x->dtype);
    Tensor *pw = adaptive_matrix(c->ow, x->shape[x->ndim - 1], x->dtype);
    if (x->device != DEVICE_CPU) {
        ph = tensor_to_device(ph, x->device);
        pw = tensor_to_device(pw, x->device);
    }
    return tensor_matmul(tensor_matmul(ph, x), tensor_t(pw));
}

Module *nn_adaptive_avg_pool2d(int64_t oh, int64_t ow)
{
    if (oh <= 0 || ow <= 0)
        error_raise(ERR_VALUE, "nn_adaptive_avg_pool2d: output size must be positive, got (%lld, %lld)",
                    (long long)oh, (long long)ow);
    PoolImpl *c = cdl_alloc(sizeof *c);
    c->oh = oh;
    c->ow = ow;
    return nn_layer_new("AdaptiveAvgPool2d", adaptive_fwd, c, nn_strf("output_size=(%lld, %lld)", (long long)oh,
                                                                      (long long)ow));
}

/* (out, in) interpolation matrix: nearest (floor(i / s)) or bilinear. */
static Tensor *interp_matrix(int64_t in, int s, bool bilinear, bool align, DType dt)
{
    int64_t out = in * s;
    Tensor *m = tensor_zeros_dtype(DT_FLOAT64, out, in);
    double *d = t_ptr(m);
    for (int64_t i = 0; i < out; i++) {
        if (!bilinear) {
            d[i * in + i / s] = 1;
            continue;
        }
        double src = align ? (out > 1 ? (double)i * (double)(in - 1) / (double)(out - 1) : 0)
                           : ((double)i + 0.5) / s - 0.5;
        if (src < 0) src = 0;
        int64_t i0 = (int64_t)floor(src), i1 = i0 + 1 < in ? i0 + 1 : in - 1;
        if (i0 > in - 1) i0 = in - 1;
        double l = src - (double)i0;
        d[i * in + i0] += 1 - l;
        d[i * in + i1] += l;
    }
    return t_convert(m, dt);
}

static Tensor *upsample_fwd(Module *m, Tensor *x)
{
    PoolImpl *c = m->impl;
    if (x->ndim != 4 && x->ndim != 3)
        error_raise(ERR_SHAPE, "nn_upsample: expects (N, C, H, W) or (C, H, W), got shape %s", tensor_shape_str(x));
    if (!dtype_is_float(x->dtype))
        error_raise(ERR_TYPE, "nn_upsample: needs a floating input, not %s", dtype_name(x->dtype));
    int64_t H = x->shape[x->ndim - 2], W = x->shape[x->ndim - 1];
    if (!c->up.bilinear) {
        /* nearest: broadcast each pixel into an s x s block (views + one copy) */
        int nd = x->ndim;
        Tensor *e = tensor_unsqueeze(tensor_unsqueeze(x, nd), nd - 1);  /* (..., H, 1, W, 1) */
        int64_t s[TENSOR_MAX_DIMS];
        for (int d = 0; d < nd - 2; d++) s[d] = x->shape[d];
        s[nd - 2] = H; s[nd - 1] = c->scale; s[nd] = W; s[nd + 1] = c->scale;
        e = tensor_expand_shape(e, nd + 2, s);
        int64_t o[TENSOR_MAX_DIMS];
        for (int d = 0; d < nd - 2; d++) o[d] = x->shape[d];
        o[nd - 2] = H * c->scale;
        o[nd - 1] = W * c->scale;
        return tensor_reshape_shape(e, nd, o);
    }
    Tensor *mh = interp_matrix(H, c->scale, true, c->up.align_corners, x->dtype);
    Tensor *mw = interp_matrix(W, c->scale, true, c->up.align_corners, x->dtype);
    return tensor_matmul(tensor_matmul(mh, x), tensor_t(mw));
}

Module *nn_upsample_(int scale, const UpsampleOptions *o)
{
    static const UpsampleOptions none;
    if (!o) o = &none;
    if (scale <= 0)
        error_raise(ERR_VALUE, "nn_upsample: scale_factor must be a positive integer, got %d", scale);
    PoolImpl *c = cdl_alloc(sizeof *c);
    c->scale = scale;
    c->up = *o;
    return nn_layer_new("Upsample", upsample_fwd, c, nn_strf("scale_factor=%d, mode='%s'", scale,
                                                            o->bilinear ? "bilinear" : "nearest"));
}
