/* The reference backend's layer ops, written from their definitions as
 * direct loops in double precision: softmax, cross-entropy, direct
 * convolution, pooling, batch norm, SGD and Adam. */
#include "ref.h"

#include <math.h>

/* ---- softmax ---- */

/* Element q of row (i, j) of a contiguous (k1, r, k2) tensor. */
static int64_t row_at(int64_t i, int64_t j, int64_t q, int64_t r, int64_t k2) { return (i * r + q) * k2 + j; }

void ref_softmax(SoftmaxArgs *a)
{
    for (int64_t i = 0; i < a->k1; i++)
        for (int64_t j = 0; j < a->k2; j++) {
            double m = -INFINITY, s = 0;
            for (int64_t q = 0; q < a->r; q++)
                m = fmax(m, ref_at(a->x, row_at(i, j, q, a->r, a->k2)));
            if (!isfinite(m))
                m = 0;
            for (int64_t q = 0; q < a->r; q++)
                s += exp(ref_at(a->x, row_at(i, j, q, a->r, a->k2)) - m);
            for (int64_t q = 0; q < a->r; q++) {
                int64_t k = row_at(i, j, q, a->r, a->k2);
                double ls = ref_at(a->x, k) - m - log(s);
                ref_put(a->out, k, a->log ? ls : exp(ls));
            }
        }
}

void ref_softmax_bwd(SoftmaxBwdArgs *a)
{
    for (int64_t i = 0; i < a->k1; i++)
        for (int64_t j = 0; j < a->k2; j++) {
            double s = 0;
            for (int64_t q = 0; q < a->r; q++) {
                int64_t k = row_at(i, j, q, a->r, a->k2);
                s += a->log ? ref_at(a->g, k) : ref_at(a->g, k) * ref_at(a->y, k);
            }
            for (int64_t q = 0; q < a->r; q++) {
                int64_t k = row_at(i, j, q, a->r, a->k2);
                double g = ref_at(a->g, k), y = ref_at(a->y, k);
                ref_put(a->gx, k, a->log ? g - exp(y) * s : y * (g - s));
            }
        }
}

/* ---- cross-entropy ---- */

/* a_c of row i: the weight of -log p_ic in loss_i (0 for an ignored row). */
static double ce_coef(const CrossEntropyParams *c, const Tensor *target, const Tensor *w, int64_t i, int64_t k)
{
    double wk = w ? ref_at(w, k) : 1, eps = c->smoothing;
    if (!c->index)
        return ((1 - eps) * ref_at(target, i * c->C + k) + eps / (double)c->C) * wk;
    int64_t y = (int64_t)ref_at(target, i);
    if (c->use_ignore && y == c->ignore)
        return 0;
    return (eps / (double)c->C + (k == y ? 1 - eps : 0)) * wk;
}

static double row_lse(const Tensor *x, int64_t i, int64_t C)
{
    double m = -INFINITY, s = 0;
    for (int64_t k = 0; k < C; k++)
        m = fmax(m, ref_at(x, i * C + k));
    for (int64_t k = 0; k < C; k++)
        s += exp(ref_at(x, i * C + k) - m);
    return m + log(s);
}

void ref_cross_entropy(CrossEntropyArgs *a)
{
    const CrossEntropyParams *c = &a->p;
    double total = 0, div = 0;
    for (int64_t i = 0; i < c->M; i++) {
        double lse = row_lse(a->x, i, c->C), l = 0;
        for (int64_t k = 0; k < c->C; k++)
            l += ce_coef(c, a->target, a->weight, i, k) * (lse - ref_at(a->x, i * c->C + k));
        ref_put(a->lse, i, lse);
        if (c->reduction == REDUCTION_NONE)
            ref_put(a->out, i, l);
        total += l;
        if (!c->index) {
            div += 1;
        } else {
            int64_t y = (int64_t)ref_at(a->target, i);
            if (!(c->use_ignore && y == c->ignore))
                div += a->weight ? ref_at(a->weight, y) : 1;
        }
    }
    ref_put(a->div, 0, div);
    if (c->reduction == REDUCTION_SUM)
        ref_put(a->out, 0, total);
    else if (c->reduction == REDUCTION_MEAN)
        ref_put(a->out, 0, div > 0 ? total / div : NAN);
}

void ref_cross_entropy_bwd(CrossEntropyBwdArgs *a)
{
    const CrossEntropyParams *c = &a->p;
    double div = ref_at(a->div, 0);
    for (int64_t i = 0; i < c->M; i++) {
        double s = c->reduction == REDUCTION_NONE ? ref_at(a->g, i)
                 : c->reduction == REDUCTION_MEAN ? ref_at(a->g, 0) / div : ref_at(a->g, 0);
        double lse = ref_at(a->lse, i), sa = 0;
        for (int64_t k = 0; k < c->C; k++)
            sa += ce_coef(c, a->target, a->weight, i, k);
        for (int64_t k = 0; k < c->C; k++) {
            double p = exp(ref_at(a->x, i * c->C + k) - lse);
            ref_put(a->gx, i * c->C + k, s * (sa * p - ce_coef(c, a->target, a->weight, i, k)));
        }
    }
}

/* ---- convolution ---- */

/* Visits the (input, weight) pairs of output (n, o, oh, ow): fn gets the
 * flat indices of x and w. */
#define FOR_TAPS(g, n, o, oh, ow, BODY) \
    do { \
        int64_t Cg_ = (g)->C / (g)->groups, Og_ = (g)->O / (g)->groups, c0_ = (o) / Og_ * Cg_; \
        for (int64_t cc_ = 0; cc_ < Cg_; cc_++) \
            for (int64_t ki_ = 0; ki_ < (g)->kh; ki_++) \
                for (int64_t kj_ = 0; kj_ < (g)->kw; kj_++) { \
                    int64_t ih_ = (oh) * (g)->sh - (g)->pt + ki_ * (g)->dh; \
                    int64_t iw_ = (ow) * (g)->sw - (g)->pl + kj_ * (g)->dw; \
                    if (ih_ < 0 || ih_ >= (g)->H || iw_ < 0 || iw_ >= (g)->W) \
                        continue; \
                    int64_t xi = (((n) * (g)->C + c0_ + cc_) * (g)->H + ih_) * (g)->W + iw_; \
                    int64_t wi = (((o) * Cg_ + cc_) * (g)->kh + ki_) * (g)->kw + kj_; \
                    BODY; \
                } \
    } while (0)

void ref_conv2d(Conv2dArgs *a)
{
    const ConvGeom *g = &a->g;
    for (int64_t n = 0; n < g->N; n++)
        for (int64_t o = 0; o < g->O; o++)
            for (int64_t oh = 0; oh < g->OH; oh++)
                for (int64_t ow = 0; ow < g->OW; ow++) {
                    double s = a->b ? ref_at(a->b, o) : 0;
                    FOR_TAPS(g, n, o, oh, ow, s += ref_at(a->x, xi) * ref_at(a->w, wi));
                    ref_put(a->y, ((n * g->O + o) * g->OH + oh) * g->OW + ow, a->relu && s < 0 ? 0 : s);
                }
    a->kept = NULL;
}

void ref_conv2d_bwd(Conv2dBwdArgs *a)
{
    const ConvGeom *g = &a->g;
    double *gx = a->gx ? cdl_alloc_atomic(sizeof(double) * (size_t)a->gx->numel + 1) : NULL;
    double *gw = a->gw ? cdl_alloc_atomic(sizeof(double) * (size_t)a->gw->numel + 1) : NULL;
    if (gx) memset(gx, 0, sizeof(double) * (size_t)a->gx->numel);
    if (gw) memset(gw, 0, sizeof(double) * (size_t)a->gw->numel);
    for (int64_t o = 0; o < g->O; o++) {
        double gb = 0;
        for (int64_t n = 0; n < g->N; n++)
            for (int64_t oh = 0; oh < g->OH; oh++)
                for (int64_t ow = 0; ow < g->OW; ow++) {
                    int64_t yi = ((n * g->O + o) * g->OH + oh) * g->OW + ow;
                    double gy = ref_at(a->gy, yi);
                    if (a->ymask && !(ref_at(a->ymask, yi) > 0))
                        gy = 0;
                    gb += gy;
                    FOR_TAPS(g, n, o, oh, ow, {
                        if (gx) gx[xi] += gy * ref_at(a->w, wi);
                        if (gw) gw[wi] += gy * ref_at(a->x, xi);
                    });
                }
        if (a->gb)
            ref_put(a->gb, o, gb);
    }
    for (int64_t i = 0; gx && i < a->gx->numel; i++)
        ref_put(a->gx, i, gx[i]);
    for (int64_t i = 0; gw && i < a->gw->numel; i++)
        ref_put(a->gw, i, gw[i]);
}

/* ---- pooling ---- */

void ref_max_pool2d(MaxPoolArgs *a)
{
    const PoolGeom *g = &a->g;
    for (int64_t c = 0; c < g->NC; c++)
        for (int64_t oh = 0; oh < g->OH; oh++)
            for (int64_t ow = 0; ow < g->OW; ow++) {
                int64_t best = -1;
                double m = 0;
                for (int64_t i = oh * g->sh - g->ph; i < oh * g->sh - g->ph + g->kh; i++)
                    for (int64_t j = ow * g->sw - g->pw; j < ow * g->sw - g->pw + g->kw; j++) {
                        if (i < 0 || i >= g->H || j < 0 || j >= g->W)
                            continue;
                        double v = ref_at(a->x, (c * g->H + i) * g->W + j);
                        if (best < 0 || v > m || v != v) {  /* PyTorch's rule: a NaN replaces */
                            m = v;
                            best = i * g->W + j;
                        }
                    }
                int64_t yi = (c * g->OH + oh) * g->OW + ow;
                ref_put(a->y, yi, m);
                ref_put(a->idx, yi, (double)best);
            }
}

void ref_max_pool2d_bwd(MaxPoolBwdArgs *a)
{
    const PoolGeom *g = &a->g;
    ref_zero(a->gx);
    for (int64_t c = 0; c < g->NC; c++)
        for (int64_t l = 0; l < g->OH * g->OW; l++) {
            int64_t xi = c * g->H * g->W + (int64_t)ref_at(a->idx, c * g->OH * g->OW + l);
            ref_put(a->gx, xi, ref_at(a->gx, xi) + ref_at(a->gy, c * g->OH * g->OW + l));
        }
}

/* The divisor: the window clipped to the padded image (count_include_pad). */
static double avg_divisor(const PoolGeom *g, int64_t oh, int64_t ow)
{
    int64_t h0 = oh * g->sh - g->ph, w0 = ow * g->sw - g->pw;
    int64_t h1 = h0 + g->kh < g->H + g->ph ? h0 + g->kh : g->H + g->ph;
    int64_t w1 = w0 + g->kw < g->W + g->pw ? w0 + g->kw : g->W + g->pw;
    return (double)((h1 - h0) * (w1 - w0));
}

/* y = avg(x), or x += avg^T(y) for the adjoint. */
static void avg(const PoolGeom *g, const Tensor *in, Tensor *out, bool adjoint)
{
    if (adjoint)
        ref_zero(out);
    for (int64_t c = 0; c < g->NC; c++)
        for (int64_t oh = 0; oh < g->OH; oh++)
            for (int64_t ow = 0; ow < g->OW; ow++) {
                int64_t yi = (c * g->OH + oh) * g->OW + ow;
                double div = avg_divisor(g, oh, ow), s = 0;
                for (int64_t i = oh * g->sh - g->ph; i < oh * g->sh - g->ph + g->kh; i++)
                    for (int64_t j = ow * g->sw - g->pw; j < ow * g->sw - g->pw + g->kw; j++) {
                        if (i < 0 || i >= g->H || j < 0 || j >= g->W)
                            continue;
                        int64_t xi = (c * g->H + i) * g->W + j;
                        if (adjoint)
                            ref_put(out, xi, ref_at(out, xi) + ref_at(in, yi) / div);
                        else
                            s += ref_at(in, xi);
                    }
                if (!adjoint)
                    ref_put(out, yi, s / div);
            }
}

void ref_avg_pool2d(AvgPoolArgs *a) { avg(&a->g, a->in, a->out, false); }
void ref_avg_pool2d_bwd(AvgPoolArgs *a) { avg(&a->g, a->in, a->out, true); }

/* ---- batch norm ---- */

/* x (N, C, L...) as channel c's values k = 0 .. N*L-1. */
static int64_t bn_at(const Tensor *x, int64_t c, int64_t k)
{
    int64_t C = x->shape[1], L = x->numel / (x->shape[0] * C);
    return (k / L * C + c) * L + k % L;
}

void ref_batch_norm(BatchNormArgs *a)
{
    const Tensor *x = a->x;
    int64_t C = x->shape[1], M = C ? x->numel / C : 0;
    for (int64_t c = 0; c < C; c++) {
        double mean = 0, var = 0;
        for (int64_t k = 0; k < M; k++)
            mean += ref_at(x, bn_at(x, c, k));
        mean /= (double)M;
        for (int64_t k = 0; k < M; k++)
            var += pow(ref_at(x, bn_at(x, c, k)) - mean, 2);
        var /= (double)M;
        double invstd = 1 / sqrt(var + a->eps), w = a->w ? ref_at(a->w, c) : 1, b = a->b ? ref_at(a->b, c) : 0;
        for (int64_t k = 0; k < M; k++)
            ref_put(a->y, bn_at(x, c, k), (ref_at(x, bn_at(x, c, k)) - mean) * invstd * w + b);
        ref_put(a->mean, c, mean);
        ref_put(a->invstd, c, invstd);
        if (a->running_mean) {
            double mo = a->momentum, unbiased = var * (double)M / (double)(M > 1 ? M - 1 : 1);
            ref_put(a->running_mean, c, (1 - mo) * ref_at(a->running_mean, c) + mo * mean);
            ref_put(a->running_var, c, (1 - mo) * ref_at(a->running_var, c) + mo * unbiased);
        }
    }
}

void ref_batch_norm_bwd(BatchNormBwdArgs *a)
{
    const Tensor *x = a->x;
    int64_t C = x->shape[1], M = C ? x->numel / C : 0;
    for (int64_t c = 0; c < C; c++) {
        double mean = ref_at(a->mean, c), invstd = ref_at(a->invstd, c), sg = 0, sgx = 0;
        for (int64_t k = 0; k < M; k++) {
            double gy = ref_at(a->gy, bn_at(x, c, k)), xhat = (ref_at(x, bn_at(x, c, k)) - mean) * invstd;
            sg += gy;
            sgx += gy * xhat;
        }
        if (a->gw) ref_put(a->gw, c, sgx);
        if (a->gb) ref_put(a->gb, c, sg);
        double w = a->w ? ref_at(a->w, c) : 1;
        for (int64_t k = 0; a->gx && k < M; k++) {
            int64_t i = bn_at(x, c, k);
            double xhat = (ref_at(x, i) - mean) * invstd;
            ref_put(a->gx, i, w * invstd * (ref_at(a->gy, i) - sg / (double)M - xhat * sgx / (double)M));
        }
    }
}

/* ---- optimizers ---- */

void ref_sgd_step(OptimArgs *a)
{
    const OptimHyper *h = &a->h;
    for (int i = 0; i < a->n; i++) {
        Tensor *p = a->params[i], *b = h->momentum != 0 ? a->state[i * a->nstate] : NULL;
        for (int64_t k = 0; k < p->numel; k++) {
            double pk = ref_at(p, k), g = (h->maximize ? -1 : 1) * ref_at(a->grads[i], k) + h->weight_decay * pk;
            if (b) {
                double bk = a->steps[i] == 1 ? g : h->momentum * ref_at(b, k) + (1 - h->dampening) * g;
                ref_put(b, k, bk);
                g = h->nesterov ? g + h->momentum * bk : bk;
            }
            ref_put(p, k, pk - h->lr * g);
        }
    }
}

void ref_adam_step(OptimArgs *a)
{
    const OptimHyper *h = &a->h;
    for (int i = 0; i < a->n; i++) {
        Tensor *p = a->params[i], *m = a->state[i * a->nstate], *v = a->state[i * a->nstate + 1];
        Tensor *vmax = h->amsgrad ? a->state[i * a->nstate + 2] : NULL;
        double t = a->steps[i], bc1 = 1 - pow(h->beta1, t), bc2 = 1 - pow(h->beta2, t);
        for (int64_t k = 0; k < p->numel; k++) {
            double pk = ref_at(p, k), g = (h->maximize ? -1 : 1) * ref_at(a->grads[i], k);
            if (h->decoupled)
                pk *= 1 - h->lr * h->weight_decay;
            else
                g += h->weight_decay * pk;
            double mk = h->beta1 * ref_at(m, k) + (1 - h->beta1) * g;
            double vk = h->beta2 * ref_at(v, k) + (1 - h->beta2) * g * g;
            ref_put(m, k, mk);
            ref_put(v, k, vk);
            if (vmax) {
                vk = fmax(vk, ref_at(vmax, k));
                ref_put(vmax, k, vk);
            }
            ref_put(p, k, pk - h->lr / bc1 * mk / (sqrt(vk) / sqrt(bc2) + h->eps));
        }
    }
}
