/* The reference backend (device "ref", see ref.h): memory in plain host
 * blocks, elementwise ops, reductions and products as direct loops. What
 * it leaves out (indexing, transposed convolutions, im2col, the fused
 * ops, random numbers, RMSprop / Adagrad, int64 arithmetic...) runs on the
 * CPU backend through the dispatcher's fallback. */
#include "ref.h"

#include <math.h>
#include <stdio.h>

/* ---- memory ---- */

static int ref_device_count(void) { return 1; }

static Storage *ref_alloc(Device device, size_t nbytes, size_t head, void **headp)
{
    (void)head;
    Storage *s = cdl_alloc_atomic(sizeof(Storage) + nbytes + 1);
    s->data = s + 1;
    s->nbytes = nbytes;
    s->device = device;
    s->refs = 1;
    s->version = 0;
    s->backend_ctx = NULL;
    *headp = NULL;  /* headers apart: the other layout t_new knows */
    return s;
}

static void ref_release(Storage *s) { cdl_free(s); }

static void ref_memcpy(Device device, void *dst, const void *src, size_t n)
{
    (void)device;
    memcpy(dst, src, n);
}

static void ref_synchronize(Device device) { (void)device; }

static void ref_describe(Device device, char *buf, size_t n)
{
    (void)device;
    snprintf(buf, n, "reference backend: plain loops in double precision, host memory");
}

/* ---- fill, copy ---- */

static bool is_int(DType d) { return !dtype_is_float(d); }

static void ref_fill(FillArgs *a)
{
    for (int64_t i = 0; i < a->out->numel; i++)
        ref_put(a->out, i, a->value);
}

static void ref_copy(CopyArgs *a)
{
    const Tensor *in = a->in;
    Tensor *out = a->out;
    for (int64_t i = 0; i < out->numel; i++) {
        int64_t so = ref_off(in, i), doff = ref_off(out, i);
        if (is_int(in->dtype) && is_int(out->dtype) && out->dtype != DT_BOOL) {
            /* integers exactly (no trip through double) */
            const char *p = (const char *)in->storage->data + so * t_esize(in->dtype);
            int64_t v = in->dtype == DT_INT64 ? *(const int64_t *)p : *(const uint8_t *)p;
            char *q = (char *)out->storage->data + doff * t_esize(out->dtype);
            if (out->dtype == DT_INT64) *(int64_t *)q = v;
            else *(uint8_t *)q = (uint8_t)v;
        } else {
            ref_set(out, doff, ref_get(in, so));
        }
    }
}

/* ---- elementwise ---- */

static double unary_value(UnaryOp op, double x, double p0, double p1)
{
    switch (op) {
    case U_NEG: return -x;
    case U_ABS: return fabs(x);
    case U_SIGN: return (x > 0) - (x < 0);
    case U_EXP: return exp(x);
    case U_LOG: return log(x);
    case U_LOG1P: return log1p(x);
    case U_SQRT: return sqrt(x);
    case U_SQUARE: return x * x;
    case U_RECIP: return 1 / x;
    case U_SIN: return sin(x);
    case U_COS: return cos(x);
    case U_TANH: return tanh(x);
    case U_ERF: return erf(x);
    case U_FLOOR: return floor(x);
    case U_CEIL: return ceil(x);
    case U_ROUND: return nearbyint(x);
    case U_SIGMOID: return 1 / (1 + exp(-x));
    case U_RELU: return x < 0 ? 0 : x;
    case U_LEAKY_RELU: return x > 0 ? x : x * p0;
    case U_ELU: return x > 0 ? x : p0 * expm1(x);
    case U_GELU: return 0.5 * x * (1 + erf(x / sqrt(2)));
    case U_SOFTPLUS: return x > 20 ? x : log1p(exp(x));
    case U_CLAMP: return x < p0 ? p0 : x > p1 ? p1 : x;
    case U_STEP: return x > 0;
    case U_ADD_S: return x + p0;
    case U_MUL_S: return x * p0;
    case U_RSUB_S: return p0 - x;
    case U_RDIV_S: return p0 / x;
    case U_POW_S: return pow(x, p0);
    case U_RPOW_S: return pow(p0, x);
    case U_GELU_GRAD: return 0.5 * (1 + erf(x / sqrt(2))) + x * exp(-0.5 * x * x) / sqrt(2 * M_PI);
    case U_EQ_S: return x == p0;
    case U_NE_S: return x != p0;
    case U_LT_S: return x < p0;
    case U_LE_S: return x <= p0;
    case U_GT_S: return x > p0;
    case U_GE_S: return x >= p0;
    case U_NOT: return x == 0;
    case U_ISNAN: return x != x;
    default: return NAN;
    }
}

static void ref_unary(UnaryArgs *a)
{
    double p0 = ref_round(a->a, a->p0), p1 = ref_round(a->a, a->p1);
    for (int64_t i = 0; i < a->out->numel; i++)
        ref_put(a->out, i, unary_value(a->op, ref_at(a->a, i), p0, p1));
}

static double binary_value(BinaryOp op, double x, double y)
{
    switch (op) {
    case B_ADD: return x + y;
    case B_SUB: return x - y;
    case B_MUL: return x * y;
    case B_DIV: return x / y;
    case B_POW: return pow(x, y);
    case B_MAX: return x > y || x != x ? x : y;  /* NaN wins */
    case B_MIN: return x < y || x != x ? x : y;
    case B_RELU_BW: return y > 0 ? x : 0;
    case B_TANH_BW: return x * (1 - y * y);
    case B_SIGMOID_BW: return x * y * (1 - y);
    case B_EQ: return x == y;
    case B_NE: return x != y;
    case B_LT: return x < y;
    case B_LE: return x <= y;
    case B_GT: return x > y;
    case B_GE: return x >= y;
    case B_AND: return x != 0 && y != 0;
    case B_OR: return x != 0 || y != 0;
    default: return NAN;
    }
}

static void ref_binary(BinaryArgs *a)
{
    /* out may be a: each element is read before it is written */
    for (int64_t i = 0; i < a->out->numel; i++)
        ref_put(a->out, i, binary_value(a->op, ref_at(a->a, i), ref_at(a->b, i)));
}

/* Bytes, not values: a, b and out share one dtype (int64 stays exact). */
static void ref_where(WhereArgs *a)
{
    size_t es = (size_t)t_esize(a->out->dtype);
    for (int64_t i = 0; i < a->out->numel; i++) {
        const Tensor *src = ref_at(a->cond, i) != 0 ? a->a : a->b;
        memcpy((char *)a->out->storage->data + ref_off(a->out, i) * (int64_t)es,
               (const char *)src->storage->data + ref_off(src, i) * (int64_t)es, es);
    }
}

/* ---- reductions and products ---- */

static void ref_reduce(ReduceArgs *a)
{
    const Tensor *x = a->a;
    for (int64_t i = 0; i < a->k1; i++)
        for (int64_t j = 0; j < a->k2; j++) {
            double acc = a->op == R_PROD ? 1 : 0;
            int64_t best = 0;
            for (int64_t q = 0; q < a->r; q++) {
                double v = ref_at(x, (i * a->r + q) * a->k2 + j);
                switch (a->op) {
                case R_SUM: acc += v; break;
                case R_PROD: acc *= v; break;
                default: {
                    bool want_max = a->op == R_MAX || a->op == R_ARGMAX;
                    double b = ref_at(x, (i * a->r + best) * a->k2 + j);
                    if (q > 0 && b == b && (v != v || (want_max ? v > b : v < b)))
                        best = q;  /* the first NaN, else the first extreme */
                }
                }
            }
            double res = a->op == R_SUM || a->op == R_PROD ? acc
                       : a->op == R_ARGMAX || a->op == R_ARGMIN ? (double)best
                       : ref_at(x, (i * a->r + best) * a->k2 + j);
            ref_put(a->out, i * a->k2 + j, res);
        }
}

static void ref_bmm(BmmArgs *a)
{
    int64_t B = a->out->shape[0], M = a->out->shape[1], N = a->out->shape[2], K = a->a->shape[2];
    for (int64_t b = 0; b < B; b++)
        for (int64_t i = 0; i < M; i++)
            for (int64_t j = 0; j < N; j++) {
                double s = 0;
                for (int64_t k = 0; k < K; k++)
                    s += ref_at(a->a, (b * M + i) * K + k) * ref_at(a->b, (b * K + k) * N + j);
                ref_put(a->out, (b * M + i) * N + j, s);
            }
}

static void ref_linear(LinearArgs *a)
{
    int64_t N = a->w->shape[0], K = a->w->shape[1], M = N ? a->y->numel / N : 0;
    for (int64_t i = 0; i < M; i++)
        for (int64_t j = 0; j < N; j++) {
            double s = a->b ? ref_at(a->b, j) : 0;
            for (int64_t k = 0; k < K; k++)
                s += ref_at(a->x, i * K + k) * ref_at(a->w, j * K + k);
            ref_put(a->y, i * N + j, s);
        }
}

/* What the reference backend runs itself: float arithmetic only (int64
 * arithmetic goes to the CPU), and no fused ReLU in conv2d. */
static bool ref_supports(const OpView *v)
{
    const Tensor *first_in = v->t[v->n_out];
    switch (v->op) {
    case OP_UNARY: case OP_BINARY: case OP_REDUCE: case OP_BMM:
        return dtype_is_float(first_in->dtype);
    case OP_CONV2D:
        return !((const Conv2dArgs *)v->args)->relu;
    default:
        return true;
    }
}

const Backend cdl_ref_backend = {
    .api_version = BACKEND_API_VERSION,
    .name = "ref",
    .type = DEVTYPE_REF,
    .host_memory = true,
    .device_count = ref_device_count,
    .alloc = ref_alloc,
    .release = ref_release,
    .upload = ref_memcpy,
    .download = ref_memcpy,
    .synchronize = ref_synchronize,
    .supports = ref_supports,
    .describe = ref_describe,
    .fill = ref_fill,
    .copy = ref_copy,
    .unary = ref_unary,
    .binary = ref_binary,
    .where = ref_where,
    .reduce = ref_reduce,
    .bmm = ref_bmm,
    .linear = ref_linear,
    .softmax = ref_softmax,
    .softmax_bwd = ref_softmax_bwd,
    .cross_entropy = ref_cross_entropy,
    .cross_entropy_bwd = ref_cross_entropy_bwd,
    .conv2d = ref_conv2d,
    .conv2d_bwd = ref_conv2d_bwd,
    .max_pool2d = ref_max_pool2d,
    .max_pool2d_bwd = ref_max_pool2d_bwd,
    .avg_pool2d = ref_avg_pool2d,
    .avg_pool2d_bwd = ref_avg_pool2d_bwd,
    .batch_norm = ref_batch_norm,
    .batch_norm_bwd = ref_batch_norm_bwd,
    .sgd_step = ref_sgd_step,
    .adam_step = ref_adam_step,
};
