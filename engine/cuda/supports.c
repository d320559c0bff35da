/* What the CUDA backend runs itself (its supports entry): every op of the
 * table has an entry, and this says which calls they take. The others run
 * on the CPU through the dispatcher's fallback (correct, with copies):
 *   - int64 products (cuBLAS has none), int64 draws (randint), and the
 *     elementwise ops the CPU itself refuses for int64 (so that it raises
 *     its TypeError);
 *   - index_add and scatter_add on uint8 / bool;
 *   - convolutions whose padding is not symmetric (cuDNN pads both sides
 *     alike: the "same" padding of an even kernel);
 *   - batch norm with one value per channel (no unbiased variance);
 *   - cuDNN and cuBLAS calls whose sizes pass int (2^31 - 1). */
#include "cuda_host.h"

#include <limits.h>

static bool is_float(const Tensor *t) { return t && dtype_is_float(t->dtype); }
static bool fits_int(int64_t n) { return n >= 0 && n <= INT_MAX; }

/* Tensors cuDNN describes: contiguous, under 2^31 elements. */
static bool dnn_ok(const Tensor *t) { return !t || (t->contiguous && fits_int(t->numel)); }

static bool all_contiguous(const OpView *v)
{
    for (int k = 0; k < v->n; k++)
        if (v->t[k] && !v->t[k]->contiguous)
            return false;
    return true;
}

static bool all_dnn_ok(const OpView *v)
{
    for (int k = 0; k < v->n; k++)
        if (!dnn_ok(v->t[k]))
            return false;
    return true;
}

static bool conv_ok(const OpView *v, const ConvGeom *g)
{
    return is_float(v->t[v->n_out]) && cuda_conv_fits(g) && all_dnn_ok(v) && fits_int(g->N) && fits_int(g->C) &&
           fits_int(g->O) && fits_int(g->H) && fits_int(g->W);
}

static bool list_ok(const OpView *v)
{
    const OptimArgs *a = v->args;
    for (int i = 0; i < a->n; i++) {
        const Tensor *p = a->params[i], *g = a->grads[i];
        if (!is_float(p) || !p->contiguous || g->dtype != p->dtype || !g->contiguous)
            return false;
        for (int k = 0; k < a->nstate; k++)
            if (!a->state[i * a->nstate + k]->contiguous)
                return false;
    }
    return true;
}

bool cuda_supports(const OpView *v)
{
    Tensor *const *t = v->t;
    switch (v->op) {
    case OP_FILL:
        return cuda_iter_fits(1, (const Tensor *const *)t);
    case OP_COPY:
        return cuda_iter_fits(2, (const Tensor *const *)t);
    case OP_UNARY: {
        const UnaryArgs *a = v->args;
        return (dtype_is_float(a->a->dtype) || unary_op_takes_int(a->op)) && cuda_iter_fits(2, (const Tensor *const *)t);
    }
    case OP_BINARY: {
        const BinaryArgs *a = v->args;
        return (dtype_is_float(a->a->dtype) || binary_op_takes_int(a->op)) &&
               cuda_iter_fits(3, (const Tensor *const *)t);
    }
    case OP_WHERE:
        return cuda_iter_fits(4, (const Tensor *const *)t);
    case OP_AXPY:
        return all_contiguous(v);
    case OP_REDUCE: {
        const ReduceArgs *a = v->args;
        return a->k1 <= INT_MAX && a->k1 * ((a->k2 + 31) / 32) <= INT_MAX;
    }
    case OP_BMM: {
        const BmmArgs *a = v->args;
        return is_float(a->out) && fits_int(a->out->shape[0]) && fits_int(a->out->shape[1]) &&
               fits_int(a->out->shape[2]) && fits_int(a->a->shape[2]) && fits_int(a->a->strides[0]) &&
               fits_int(a->a->strides[1]) && fits_int(a->a->strides[2]) && fits_int(a->b->strides[0]) &&
               fits_int(a->b->strides[1]) && fits_int(a->b->strides[2]);
    }
    case OP_LINEAR: {
        const LinearArgs *a = v->args;
        return is_float(a->x) && all_contiguous(v) && fits_int(a->w->shape[0]) && fits_int(a->w->shape[1]) &&
               fits_int(a->w->shape[0] ? a->y->numel / a->w->shape[0] : 0);
    }
    case OP_INDEX_SELECT:
        return true;
    case OP_INDEX_ADD:
        return dtype_is_float(t[0]->dtype) || t[0]->dtype == DT_INT64;
    case OP_GATHER:
        return t[0]->contiguous;
    case OP_SCATTER: {
        const IndexArgs *a = v->args;
        return t[0]->contiguous && (!a->add || dtype_is_float(t[0]->dtype) || t[0]->dtype == DT_INT64);
    }
    case OP_SOFTMAX: {
        const SoftmaxArgs *a = v->args;
        return all_dnn_ok(v) && fits_int(a->k1) && fits_int(a->r) && fits_int(a->k2);
    }
    case OP_SOFTMAX_BWD: {
        const SoftmaxBwdArgs *a = v->args;
        return all_dnn_ok(v) && fits_int(a->k1) && fits_int(a->r) && fits_int(a->k2);
    }
    case OP_CROSS_ENTROPY: {
        const CrossEntropyArgs *a = v->args;
        return all_contiguous(v) && a->p.M <= ((int64_t)1 << 33);
    }
    case OP_CROSS_ENTROPY_BWD: {
        const CrossEntropyBwdArgs *a = v->args;
        return all_contiguous(v) && a->p.M <= ((int64_t)1 << 33);
    }
    case OP_CONV2D:
        return conv_ok(v, &((const Conv2dArgs *)v->args)->g);
    case OP_CONV2D_BWD:
        return conv_ok(v, &((const Conv2dBwdArgs *)v->args)->g);
    case OP_CONV_TRANSPOSE2D:
        return conv_ok(v, &((const ConvTranspose2dArgs *)v->args)->g);
    case OP_CONV_TRANSPOSE2D_BWD:
        return conv_ok(v, &((const ConvTranspose2dBwdArgs *)v->args)->g);
    case OP_BATCH_NORM: {
        const BatchNormArgs *a = v->args;
        bool running = a->running_mean && a->running_var;
        if (!running && (a->running_mean || a->running_var))
            return false;  /* cuDNN updates both or neither */
        int64_t per_channel = a->x->shape[1] ? a->x->numel / a->x->shape[1] : 0;
        return a->x->ndim >= 2 && all_dnn_ok(v) && (per_channel > 1 || !running);
    }
    case OP_BATCH_NORM_BWD:
        return t[3]->ndim >= 2 && all_dnn_ok(v);
    case OP_RANDOM_FILL: {
        const RandomArgs *a = v->args;
        return is_float(a->out) && a->dist != RAND_INT;
    }
    case OP_DROPOUT_MASK:
        return is_float(t[0]);
    case OP_SGD_STEP: case OP_ADAM_STEP: case OP_RMSPROP_STEP: case OP_ADAGRAD_STEP:
        return list_ok(v);
    default:
        /* im2col, col2im and the pools: contiguous float tensors, any size */
        return true;
    }
}
