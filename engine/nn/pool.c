/* Pooling and upsampling. MaxPool2d: the backend op max_pool2d keeping the
 * argmax (or the fused 2x2 op, which finds it again in its backward); the
 * backward scatters into the argmax (a backend op, or scatter_add when a
 * graph is wanted). AvgPool2d: an op and its adjoint, recorded as each
 * other's backward. AdaptiveAvgPool2d and Upsample: products with small
 * averaging / interpolation matrices (Ph x Pw^T), differentiable as is. */
#include "nn_internal.h"
#include "../device/backend.h"

#include <math.h>

#pragma GCC diagnostic ignored "-Wunused-parameter"

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

/* A MaxPool2d node: the geometry, and whether the fused 2x2 op ran (saved:
 * the contiguous input) or the general one (saved: the argmax). */
typedef struct MaxPoolParams { PoolGeom g; bool fused; } MaxPoolParams;

static bool is_pool2(const PoolGeom *g, DType dt)
{
    return dt == DT_FLOAT32 && g->kh == 2 && g->kw == 2 && g->sh == 2 && g->sw == 2 && g->ph == 0 && g->pw == 0 &&
           2 * g->OH <= g->H && 2 * g->OW <= g->W;  /* no ceil_mode window past the edge */
}

static void maxpool_bw(Node *n, Tensor *gr, Tensor **gi, const bool *need)
{
    const MaxPoolParams *P = AG_PARAMS(n, MaxPoolParams);
    const PoolGeom *g = &P->g;
    Tensor *x = n->inputs[0], *saved = n->saved[0];
    if (!ag_on()) {
        Tensor *gx = t_new(gr->dtype, x->ndim, x->shape, gr->device);
        if (P->fused)
            dev_max_pool2x2_bwd(&(MaxPool2x2BwdArgs){ .gx = gx, .gy = t_contig(gr), .x = saved, .g = *g });
        else
            dev_max_pool2d_bwd(&(MaxPoolBwdArgs){ .gx = gx, .gy = t_contig(gr), .idx = saved, .g = *g });
        gi[0] = gx;
        return;
    }
    Tensor *idx = saved;
    if (P->fused) {  /* the graph form needs the argmax: find it again */
        idx = t_new(DT_INT64, 4, gr->shape, gr->device);
        Tensor *y = t_new(gr->dtype, 4, gr->shape, gr->device);
        dev_max_pool2d(&(MaxPoolArgs){ .y = y, .idx = idx, .x = saved, .g = *g });
    }
    Tensor *z = tensor_zeros_like(tensor_reshape(tensor_detach(x), g->NC, g->H * g->W));
    Tensor *r = tensor_scatter_add(z, 1, tensor_reshape(idx, g->NC, g->OH * g->OW),
                                   tensor_reshape(gr, g->NC, g->OH * g->OW));
    gi[0] = tensor_reshape_shape(r, x->ndim, x->shape);
}
static const GradRule rule_MaxPool = { "MaxPool2DWithIndicesBackward0", maxpool_bw, sizeof(MaxPoolParams) };

Tensor *nn_f_max_pool2d(Tensor *x, const PoolSpec *ps)
{
    const char *fn = "nn_max_pool2d";
    if (x->ndim == 3)
        return tensor_squeeze_dim(nn_f_max_pool2d(tensor_unsqueeze(x, 0), ps), 0);
    PoolGeom g = pool_geom(x, ps, fn);
    if (!dtype_is_float(x->dtype))
        error_raise(ERR_TYPE, "%s: needs a floating tensor, got %s", fn, dtype_name(x->dtype));
    Tensor *xc = t_contig(x);
    int64_t shape[4] = { x->shape[0], x->shape[1], g.OH, g.OW };
    Tensor *y = t_new(x->dtype, 4, shape, x->device), *idx = NULL;
    /* the fused 2x2 op where it applies and the backend has it */
    MaxPool2x2Args f = { .y = y, .x = xc, .g = g };
    bool fused = is_pool2(&g, x->dtype) && dev_native_max_pool2x2(&f);
    if (fused) {
        dev_max_pool2x2(&f);
    } else {
        idx = t_new(DT_INT64, 4, shape, x->device);
        dev_max_pool2d(&(MaxPoolArgs){ .y = y, .idx = idx, .x = xc, .g = g });
    }
    if (ag_needs(x)) {
        Node *n = AG_RECORD_P(y, rule_MaxPool, &((MaxPoolParams){ g, fused }), x);
        ag_save(n, fused ? xc : idx);
    }
    return y;
}

/* ---- avg pool and its adjoint ---- */

static Tensor *avg_op(Tensor *x, const PoolGeom *g);
static Tensor *avg_adj_op(Tensor *gy, const PoolGeom *g);

static void avg_bw(Node *n, Tensor *gr, Tensor **gi, const bool *need)
{
    gi[0] = avg_adj_op(gr, AG_PARAMS(n, PoolGeom));
}
static const GradRule rule_AvgPool = { "AvgPool2DBackward0", avg_bw, sizeof(PoolGeom) };

static void avg_adj_bw(Node *n, Tensor *gr, Tensor **gi, const bool *need)
{
    gi[0] = avg_op(gr, AG_PARAMS(n, PoolGeom));
}
static const GradRule rule_AvgPoolAdj = { "AvgPool2DBackwardBackward0", avg_adj_bw, sizeof(PoolGeom) };

static Tensor *avg_op(Tensor *x, const PoolGeom *g)
{
    Tensor *y = t_new(x->dtype, 4, (int64_t[]){ x->shape[0], x->shape[1], g->OH, g->OW }, x->device);
    dev_avg_pool2d(&(AvgPoolArgs){ .out = y, .in = t_contig(x), .g = *g });
    if (ag_needs(x))
        AG_RECORD_P(y, rule_AvgPool, g, x);
    return y;
}

static Tensor *avg_adj_op(Tensor *gy, const PoolGeom *g)
{
    Tensor *x = t_new(gy->dtype, 4, (int64_t[]){ gy->shape[0], gy->shape[1], g->H, g->W }, gy->device);
    dev_avg_pool2d_bwd(&(AvgPoolArgs){ .out = x, .in = t_contig(gy), .g = *g });
    if (ag_needs(gy))
        AG_RECORD_P(x, rule_AvgPoolAdj, g, gy);
    return x;
}

Tensor *nn_f_avg_pool2d(Tensor *x, const PoolSpec *ps)
{
    const char *fn = "nn_avg_pool2d";
    if (x->ndim == 3)
        return tensor_squeeze_dim(nn_f_avg_pool2d(tensor_unsqueeze(x, 0), ps), 0);
    PoolGeom g = pool_geom(x, ps, fn);
    if (!dtype_is_float(x->dtype))
        error_raise(ERR_TYPE, "%s: needs a floating tensor, got %s", fn, dtype_name(x->dtype));
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
    Tensor *m = t_new(DT_FLOAT64, 2, (int64_t[]){ out, in }, DEVICE_CPU);  /* built on the host */
    memset(t_ptr(m), 0, sizeof(double) * (size_t)(out * in));
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
    Tensor *ph = tensor_to_device(adaptive_matrix(c->oh, x->shape[x->ndim - 2], x->dtype), x->device);
    Tensor *pw = tensor_to_device(adaptive_matrix(c->ow, x->shape[x->ndim - 1], x->dtype), x->device);
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
    Tensor *m = t_new(DT_FLOAT64, 2, (int64_t[]){ out, in }, DEVICE_CPU);  /* built on the host */
    memset(t_ptr(m), 0, sizeof(double) * (size_t)(out * in));
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
    Tensor *mh = tensor_to_device(interp_matrix(H, c->scale, true, c->up.align_corners, x->dtype), x->device);
    Tensor *mw = tensor_to_device(interp_matrix(W, c->scale, true, c->up.align_corners, x->dtype), x->device);
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
