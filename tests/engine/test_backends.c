/* The backend conformance test (after ggml's test-backend-ops): every op
 * and layer, forward and backward (second order where the engine has it),
 * on every registered device other than the CPU (the reference backend
 * "ref" always, cuda when a GPU and its backend are there), against the CPU
 * backend, on random shapes with broadcasting, non-contiguous views, empty
 * tensors and odd sizes, with tolerances per dtype. A case builds its
 * inputs from a seeded generator and runs public engine calls; the harness
 * runs it on the CPU and on the device with the same seed and compares the
 * outputs and the gradients of the inputs. It ends by checking that every
 * op of the backend table ran on each device, natively or through the
 * fallback. CONFORMANCE_SHAPES sets the random shapes per case, the last
 * one with big sizes (8; 4 under AddressSanitizer); CONFORMANCE_DEVICE
 * picks one backend by name ("cuda"); CONFORMANCE_REFERENCE the device the
 * results are compared with ("cpu", or "ref": double-precision loops);
 * CONFORMANCE_F32_RTOL float32's tolerance.
 * Built with -DCONFORMANCE_GPU it is tests/gpu/cuda_backend_check: cuda:0
 * against "ref" at float32 rtol 1e-4, exit 77 without a GPU, and every op
 * must have run on the GPU itself at least once (not only through the
 * fallback); it prints which calls still fell back. */
#include "check.h"
#include "../../engine/device/backend.h"

#ifdef CONFORMANCE_GPU
#define CONFORMANCE_F32_DEFAULT 1e-4
#define CONFORMANCE_DEVICE_DEFAULT "cuda"
#define CONFORMANCE_REFERENCE_DEFAULT "ref"
#else
#define CONFORMANCE_F32_DEFAULT 2e-4
#define CONFORMANCE_DEVICE_DEFAULT ""
#define CONFORMANCE_REFERENCE_DEFAULT "cpu"
#endif

#define MAX_IN 24
#define MAX_OUT 24

typedef struct Ctx {
    Device dev;
    DType dt;           /* the case's float dtype (or its int dtype for int cases) */
    Generator *gen;     /* shapes and input values: the same stream on both devices */
    bool big;           /* sizes that reach the CPU backend's threaded and chunked paths */
    int nin, nout;
    Tensor *in[MAX_IN];   /* leaves whose gradients are compared */
    Tensor *out[MAX_OUT]; /* compared after the case */
} Ctx;

typedef struct Case {
    const char *name;
    void (*build)(Ctx *c);
    unsigned dtypes;  /* DTS_ set */
    int order;        /* 0: forward only; 1: gradients; 2: and second order */
    bool random;      /* draws random numbers: on a device with its own generator, compared by statistics */
} Case;

/* ---- inputs ---- */

static int64_t pick(Ctx *c, int64_t lo, int64_t hi) { return random_int(c->gen, lo, hi + 1); }

/* A size: odd and small ones mostly, sometimes 0 (empty) when allowed. */
static int64_t size(Ctx *c, bool empty)
{
    static const int64_t sizes[] = { 1, 2, 3, 5, 7 }, big[] = { 9, 17, 23, 31, 33 };
    if (empty && !c->big && pick(c, 0, 9) == 0)
        return 0;
    return c->big ? big[pick(c, 0, 4)] : sizes[pick(c, 0, 4)];
}

/* A batch size: 1 or 2, or enough images for several chunks when big. */
static int64_t batch(Ctx *c) { return c->big ? pick(c, 8, 12) : pick(c, 1, 2); }

static int shape(Ctx *c, int64_t *s, int lo, int hi, bool empty)
{
    int nd = (int)pick(c, lo, hi);
    int64_t n = 1;
    for (int d = 0; d < nd; d++)
        n *= s[d] = size(c, empty);
    /* big: past the CPU's threading threshold (65536 elements), not much more */
    for (int d = 0; c->big && n > 200000; d = (d + 1) % nd) {
        n /= s[d];
        s[d] = s[d] / 2 + 1;
        n *= s[d];
    }
    return nd;
}

/* A shape that broadcasts against s: leading dims dropped, others set to 1. */
static int bshape(Ctx *c, const int64_t *s, int nd, int64_t *b)
{
    int drop = (int)pick(c, 0, nd);
    for (int d = drop; d < nd; d++)
        b[d - drop] = pick(c, 0, 2) == 0 ? 1 : s[d];
    return nd - drop;
}

enum { NORMAL, POSITIVE, UNIT, NO_GRAD = 8 };

/* Values drawn on the host, then a tensor of c->dt on the device: made
 * from a transposed base (a non-contiguous view) one time in three; a leaf
 * requiring grad when float (unless NO_GRAD). */
static Tensor *input_dt(Ctx *c, DType dt, int nd, const int64_t *s, int kind)
{
    int64_t n = 1, base[TENSOR_MAX_DIMS];
    for (int d = 0; d < nd; d++)
        n *= s[d];
    bool view = nd >= 2 && pick(c, 0, 2) == 0;
    memcpy(base, s, sizeof(int64_t) * nd);
    if (view) {
        base[nd - 1] = s[nd - 2];
        base[nd - 2] = s[nd - 1];
    }
    double *v = malloc(sizeof(double) * (size_t)(n ? n : 1));
    for (int64_t i = 0; i < n; i++) {
        double r = random_normal(c->gen);
        v[i] = (kind & 7) == POSITIVE ? fabs(r) + 0.5 : (kind & 7) == UNIT ? 0.05 + 0.9 * random_uniform(c->gen) : r;
        if (dt == DT_INT64) v[i] = floor(r * 3);
        if (dt == DT_BOOL || dt == DT_UINT8) v[i] = r > 0;
    }
    Tensor *t = tensor_to(tensor_from_f64_as(v, dt, nd, base), c->dev);
    free(v);
    if (dtype_is_float(dt) && !(kind & NO_GRAD) && c->nin < MAX_IN) {
        tensor_requires_grad_(t, true);
        c->in[c->nin++] = t;
    }
    return view ? tensor_transpose(t, -1, -2) : t;
}

static Tensor *input(Ctx *c, int nd, const int64_t *s, int kind) { return input_dt(c, c->dt, nd, s, kind); }

/* Class indices in [0, n) on the device. */
static Tensor *indices(Ctx *c, int nd, const int64_t *s, int64_t n)
{
    int64_t count = 1;
    for (int d = 0; d < nd; d++)
        count *= s[d];
    int64_t *v = malloc(sizeof(int64_t) * (size_t)(count ? count : 1));
    for (int64_t i = 0; i < count; i++)
        v[i] = pick(c, 0, n - 1);
    Tensor *t = tensor_to(tensor_from_data(v, DT_INT64, nd, s), c->dev);
    free(v);
    return t;
}

static void output(Ctx *c, Tensor *t)
{
    if (c->nout < MAX_OUT)
        c->out[c->nout++] = t;
}

/* A layer on the case's device and dtype, its parameters compared too. */
static Tensor *layer(Ctx *c, Module *m, Tensor *x)
{
    nn_to(nn_to_dtype(m, c->dt), c->dev);
    ParamList *p = nn_parameters(m);
    for (int k = 0; k < p->n && c->nin < MAX_IN; k++)
        c->in[c->nin++] = p->tensors[k];
    Tensor *y = nn_forward(m, x);
    ParamList *b = nn_named_buffers(m);
    for (int k = 0; k < b->n; k++)
        output(c, b->tensors[k]);  /* running statistics */
    return y;
}

/* ---- elementwise ---- */

typedef Tensor *(*Un)(Tensor *);
static const struct { const char *name; Un f; int kind; bool ints; } g_unary[] = {
#define U(f, kind, ints) { #f, f, kind, ints }
    U(tensor_neg, NORMAL, true), U(tensor_abs, NORMAL, true), U(tensor_sign, NORMAL, true),
    U(tensor_exp, NORMAL, false), U(tensor_log, POSITIVE, false), U(tensor_log1p, POSITIVE, false),
    U(tensor_sqrt, POSITIVE, false), U(tensor_square, NORMAL, true), U(tensor_reciprocal, POSITIVE, false),
    U(tensor_sin, NORMAL, false), U(tensor_cos, NORMAL, false), U(tensor_tanh, NORMAL, false),
    U(tensor_erf, NORMAL, false), U(tensor_floor, NORMAL, true), U(tensor_ceil, NORMAL, true),
    U(tensor_round, NORMAL, true), U(tensor_sigmoid, NORMAL, false), U(tensor_relu, NORMAL, true),
    U(tensor_gelu, NORMAL, false), U(tensor_softplus, NORMAL, false), U(tensor_logical_not, NORMAL, true),
#undef U
};

static Tensor *leaky(Tensor *x) { return tensor_leaky_relu(x, 0.1); }
static Tensor *elu(Tensor *x) { return tensor_elu(x, 0.7); }
static Tensor *clamp(Tensor *x) { return tensor_clamp(x, -0.5, 0.8); }
static Tensor *add_s(Tensor *x) { return tensor_add_scalar(x, 0.3); }
static Tensor *mul_s(Tensor *x) { return tensor_mul_scalar(x, -1.7); }
static Tensor *rsub_s(Tensor *x) { return tensor_rsub_scalar(x, 2); }
static Tensor *rdiv_s(Tensor *x) { return tensor_rdiv_scalar(x, 1.5); }
static Tensor *pow_s(Tensor *x) { return tensor_pow_scalar(x, 2.5); }
static Tensor *rpow_s(Tensor *x) { return tensor_rpow_scalar(x, 1.7); }
static Tensor *cmp_s(Tensor *x) { return tensor_logical_and(tensor_gt_scalar(x, 0.1), tensor_le_scalar(x, 1.1)); }
static Tensor *eq_s(Tensor *x) { return tensor_logical_or(tensor_eq_scalar(x, 1), tensor_ne_scalar(x, 0)); }

static const struct { const char *name; Un f; int kind; } g_param_unary[] = {
    { "leaky_relu", leaky, NORMAL }, { "elu", elu, NORMAL }, { "clamp", clamp, NORMAL },
    { "add_scalar", add_s, NORMAL }, { "mul_scalar", mul_s, NORMAL }, { "rsub_scalar", rsub_s, NORMAL },
    { "rdiv_scalar", rdiv_s, POSITIVE }, { "pow_scalar", pow_s, POSITIVE }, { "rpow_scalar", rpow_s, NORMAL },
    { "compare_scalar", cmp_s, NORMAL }, { "eq_scalar", eq_s, NORMAL },
};

static void b_unary(Ctx *c)
{
    int64_t s[TENSOR_MAX_DIMS];
    int nd = shape(c, s, 0, 4, true);
    for (size_t k = 0; k < sizeof g_unary / sizeof g_unary[0]; k++)
        if (dtype_is_float(c->dt) || g_unary[k].ints)
            output(c, g_unary[k].f(input(c, nd, s, g_unary[k].kind)));
}

static void b_unary_param(Ctx *c)
{
    int64_t s[TENSOR_MAX_DIMS];
    int nd = shape(c, s, 0, 4, true);
    for (size_t k = 0; k < sizeof g_param_unary / sizeof g_param_unary[0]; k++)
        if (dtype_is_float(c->dt) || g_param_unary[k].f != rdiv_s)
            output(c, g_param_unary[k].f(input(c, nd, s, g_param_unary[k].kind)));
}

typedef Tensor *(*Bin)(Tensor *, Tensor *);
static Tensor *gt_or_eq(Tensor *a, Tensor *b) { return tensor_logical_or(tensor_gt(a, b), tensor_eq(a, b)); }
static Tensor *lt_and_ne(Tensor *a, Tensor *b) { return tensor_logical_and(tensor_lt(a, b), tensor_ne(a, b)); }
static const struct { const char *name; Bin f; int kind_a; bool ints; } g_binary[] = {
    { "add", tensor_add, NORMAL, true }, { "sub", tensor_sub, NORMAL, true }, { "mul", tensor_mul, NORMAL, true },
    { "div", tensor_div, NORMAL, false }, { "pow", tensor_pow, POSITIVE, false },
    { "maximum", tensor_maximum, NORMAL, true }, { "minimum", tensor_minimum, NORMAL, true },
    { "gt_or_eq", gt_or_eq, NORMAL, true }, { "lt_and_ne", lt_and_ne, NORMAL, true },
    { "ge", tensor_ge, NORMAL, true },
};

static void b_binary(Ctx *c)
{
    int64_t s[TENSOR_MAX_DIMS], b[TENSOR_MAX_DIMS];
    int nd = shape(c, s, 0, 4, true);
    for (size_t k = 0; k < sizeof g_binary / sizeof g_binary[0]; k++) {
        if (!dtype_is_float(c->dt) && !g_binary[k].ints)
            continue;
        int nb = bshape(c, s, nd, b);
        Tensor *x = input(c, nd, s, g_binary[k].kind_a), *y = input(c, nb, b, NORMAL);
        output(c, pick(c, 0, 1) ? g_binary[k].f(x, y) : g_binary[k].f(tensor_expand_shape(y, nd, s), x));
    }
}

static void b_where(Ctx *c)
{
    int64_t s[TENSOR_MAX_DIMS], b[TENSOR_MAX_DIMS];
    int nd = shape(c, s, 0, 4, true);
    Tensor *x = input(c, nd, s, NORMAL);
    int nb = bshape(c, s, nd, b);
    Tensor *cond = tensor_gt_scalar(input(c, nb, b, NO_GRAD), 0);
    output(c, tensor_where(cond, x, input(c, bshape(c, s, nd, b), b, NORMAL)));
    output(c, tensor_masked_fill(x, cond, 2.5));
}

/* Mixed dtypes: conversions through copy, and promotion. */
static void b_convert(Ctx *c)
{
    int64_t s[TENSOR_MAX_DIMS];
    int nd = shape(c, s, 1, 3, true);
    Tensor *x = input(c, nd, s, NORMAL);
    Tensor *i = input_dt(c, DT_INT64, nd, s, NORMAL), *u = input_dt(c, DT_UINT8, nd, s, NORMAL);
    Tensor *bo = input_dt(c, DT_BOOL, nd, s, NORMAL);
    output(c, tensor_to_dtype(x, c->dt == DT_FLOAT32 ? DT_FLOAT64 : DT_FLOAT32));
    output(c, tensor_long(x));
    output(c, tensor_bool(x));
    output(c, tensor_add(x, i));
    output(c, tensor_mul(i, u));
    output(c, tensor_add(u, bo));
    output(c, tensor_div(i, tensor_add_scalar(tensor_abs(i), 1)));
    output(c, tensor_where(bo, i, tensor_neg(i)));
    output(c, tensor_to_dtype(u, DT_FLOAT64));
}

/* In-place ops on tensors that do not require grad. */
static void b_inplace(Ctx *c)
{
    int64_t s[TENSOR_MAX_DIMS], b[TENSOR_MAX_DIMS];
    int nd = shape(c, s, 1, 4, true);
    bool fl = dtype_is_float(c->dt);
    Tensor *a = tensor_contiguous(input(c, nd, s, NORMAL | NO_GRAD));
    Tensor *y = input(c, bshape(c, s, nd, b), b, NORMAL | NO_GRAD);
    tensor_add_(a, y);
    tensor_mul_(a, y);
    tensor_sub_(a, y);
    tensor_add_scalar_(a, fl ? 0.25 : 2);
    tensor_mul_scalar_(a, fl ? 1.5 : -3);
    tensor_clamp_(a, -1, 1);
    if (fl)
        tensor_add_scaled_(a, tensor_contiguous(input(c, nd, s, NORMAL | NO_GRAD)), -0.3);  /* axpy */
    output(c, a);
    Tensor *f = tensor_contiguous(input(c, nd, s, NORMAL | NO_GRAD));
    tensor_fill_(tensor_slice(f, -1, 0, s[nd - 1], 2), 3);  /* a strided view */
    tensor_copy_(f, input(c, 1, s + nd - 1, NORMAL | NO_GRAD));  /* broadcast */
    output(c, f);
    if (tensor_numel(f) > 0) {
        Tensor *flat = tensor_reshape(f, -1);
        tensor_set(flat, -7, 0);
        output(c, tensor_full_like(f, tensor_get(flat, 0)));
    }
}

/* ---- shapes and copies ---- */

static void b_views(Ctx *c)
{
    int64_t s[TENSOR_MAX_DIMS];
    int nd = shape(c, s, 2, 4, true);
    Tensor *x = input(c, nd, s, NORMAL);
    output(c, tensor_contiguous(tensor_transpose(x, 0, -1)));
    output(c, tensor_reshape(tensor_transpose(x, 0, 1), -1));
    output(c, tensor_slice(x, -1, 0, s[nd - 1], 2));
    output(c, tensor_clone(tensor_narrow(x, 0, 0, s[0] > 1 ? s[0] - 1 : s[0])));
    if (s[0] > 0)
        output(c, tensor_select(x, 0, -1));
    Tensor *parts[3] = { x, tensor_mul_scalar(x, 2), input(c, nd, s, NORMAL) };
    output(c, tensor_cat(parts, 3, (int)pick(c, 0, nd - 1)));
    output(c, tensor_stack(parts, 3, 1));
    int64_t e[TENSOR_MAX_DIMS + 1];
    e[0] = 3;
    memcpy(e + 1, s, sizeof(int64_t) * nd);
    output(c, tensor_contiguous(tensor_expand_shape(x, nd + 1, e)));
}

/* ---- reductions ---- */

static void b_reduce(Ctx *c)
{
    int64_t s[TENSOR_MAX_DIMS];
    int nd = shape(c, s, 1, 4, false);
    Tensor *x = input(c, nd, s, NORMAL);
    int d = (int)pick(c, 0, nd - 1), d2 = (int)pick(c, 0, nd - 1);
    output(c, tensor_sum(x));
    output(c, tensor_sum_dim(x, d, pick(c, 0, 1)));
    if (d != d2)
        output(c, tensor_sum_dims(x, 2, (int[]){ d, d2 }, true));
    if (dtype_is_float(c->dt)) {
        output(c, tensor_mean_dim(x, d, false));
        output(c, tensor_var_dim(x, d, true));
        output(c, tensor_norm(x, 2));
        output(c, tensor_norm_dim(x, 1, d, false));
        output(c, tensor_logsumexp(x, d, false));
        output(c, tensor_prod(tensor_add_scalar(tensor_mul_scalar(tensor_tanh(x), 0.2), 1)));
    }
    Tensor *idx;
    output(c, tensor_max_dim(x, d, false, &idx));
    output(c, idx);
    output(c, tensor_min(x));
    output(c, tensor_argmin_dim(x, d2, true));
    output(c, tensor_argmax(x));
}

static void b_reduce_empty(Ctx *c)
{
    int64_t s[TENSOR_MAX_DIMS];
    int nd = shape(c, s, 1, 3, false);
    s[pick(c, 0, nd - 1)] = 0;
    Tensor *x = input(c, nd, s, NORMAL);
    output(c, tensor_sum(x));
    output(c, tensor_sum_dim(x, 0, true));
    output(c, tensor_prod(x));
}

static void b_softmax(Ctx *c)
{
    int64_t s[TENSOR_MAX_DIMS];
    int nd = shape(c, s, 1, 4, true);
    Tensor *x = input(c, nd, s, NORMAL);
    int d = (int)pick(c, 0, nd - 1);
    output(c, tensor_softmax(x, d));
    output(c, tensor_log_softmax(tensor_mul_scalar(x, 3), -1));
}

/* ---- products ---- */

static void b_matmul(Ctx *c)
{
    int64_t M = size(c, true), K = size(c, true), N = size(c, true), B = size(c, false);
    output(c, tensor_matmul(input(c, 2, (int64_t[]){ M, K }, NORMAL), input(c, 2, (int64_t[]){ K, N }, NORMAL)));
    output(c, tensor_matmul(input(c, 3, (int64_t[]){ B, M, K }, NORMAL), input(c, 2, (int64_t[]){ K, N }, NORMAL)));
    output(c, tensor_matmul(input(c, 4, (int64_t[]){ 2, 1, M, K }, NORMAL),
                            input(c, 3, (int64_t[]){ B, K, N }, NORMAL)));
    output(c, tensor_mv(input(c, 2, (int64_t[]){ M, K }, NORMAL), input(c, 1, (int64_t[]){ K }, NORMAL)));
    output(c, tensor_dot(input(c, 1, (int64_t[]){ K }, NORMAL), input(c, 1, (int64_t[]){ K }, NORMAL)));
    output(c, tensor_outer(input(c, 1, (int64_t[]){ M }, NORMAL), input(c, 1, (int64_t[]){ N }, NORMAL)));
}

/* ---- indexing ---- */

static void b_index(Ctx *c)
{
    int64_t s[TENSOR_MAX_DIMS];
    int nd = shape(c, s, 1, 3, false);
    Tensor *x = input(c, nd, s, NORMAL);
    int d = (int)pick(c, 0, nd - 1);
    int64_t n = size(c, true);
    Tensor *idx = indices(c, 1, &n, s[d]);
    Tensor *sel = tensor_index_select(x, d, idx);
    output(c, sel);
    output(c, tensor_index_add(x, d, idx, input(c, nd, sel->shape, NORMAL)));
    int64_t gs[TENSOR_MAX_DIMS];
    memcpy(gs, s, sizeof(int64_t) * nd);
    gs[d] = n;
    Tensor *gi = indices(c, nd, gs, s[d]);
    output(c, tensor_gather(x, d, gi));
    output(c, tensor_scatter_add(x, d, gi, input(c, nd, gs, NORMAL)));
    gs[d] = 1;  /* scatter: one index per position (duplicates have no defined winner) */
    Tensor *si = indices(c, nd, gs, s[d]);
    output(c, tensor_scatter(x, d, si, input(c, nd, gs, NORMAL)));
    output(c, tensor_scatter_value(x, d, si, -2));
    Tensor *mask = tensor_gt_scalar(input(c, nd, s, NO_GRAD), 0.3);
    output(c, tensor_masked_select(x, mask));
    output(c, tensor_nonzero(mask));
}

static void b_embedding(Ctx *c)
{
    int64_t n = size(c, false) + 2, dim = size(c, false), s[2] = { size(c, true), size(c, false) };
    manual_seed(3);
    output(c, layer(c, nn_embedding(n, dim, .use_padding_idx = true, .padding_idx = 1), indices(c, 2, s, n)));
}

/* ---- layers ---- */

static void b_linear(Ctx *c)
{
    int64_t in = size(c, false), out = size(c, false), s[3] = { size(c, true), size(c, false), in };
    int nd = (int)pick(c, 1, 3);
    manual_seed(5);
    Module *m = nn_linear(in, out, .no_bias = pick(c, 0, 3) == 0);
    output(c, layer(c, m, input(c, nd, s + 3 - nd, NORMAL)));
}

static void b_conv2d(Ctx *c)
{
    int groups = (int)pick(c, 1, 2), C = groups * (int)pick(c, 1, 2), O = groups * (int)pick(c, 1, 2);
    int k = (int)pick(c, 1, 3), st = (int)pick(c, 1, 2), pad = (int)pick(c, 0, 1), dil = (int)pick(c, 1, 2);
    int64_t x[4] = { batch(c), C, pick(c, 5, 8), pick(c, 5, 8) };
    manual_seed(7);
    Module *m = nn_conv2d(C, O, k, .stride = st, .padding = pad, .dilation = dil, .groups = groups,
                          .no_bias = pick(c, 0, 3) == 0);
    output(c, layer(c, m, input(c, 4, x, NORMAL)));
}

/* Conv2d then ReLU in a Sequential: the CPU runs them fused. */
static void b_conv_relu(Ctx *c)
{
    int C = (int)pick(c, 1, 3), O = (int)pick(c, 1, 4);
    int64_t x[4] = { batch(c), C, pick(c, 4, 12), pick(c, 4, 12) };
    manual_seed(11);
    Module *m = nn_sequential(nn_conv2d(C, O, 3, .padding = NN_PADDING_SAME), nn_relu(), nn_max_pool2d(2));
    output(c, layer(c, m, input(c, 4, x, NORMAL)));
}

/* 3x3 stride-1 convolutions with 8 channels or more: the CPU runs them by
 * Winograd F(2x2, 3x3) (the course CNN's second layer, 32 -> 64 on 13x13),
 * alone, with the fused ReLU, or with the ReLU and the 2x2 pool (whose
 * windows are the 2x2 output tiles: it alone would hide a wrong ReLU), odd
 * and even sizes (partial tiles), with and without padding. */
static void b_conv3x3(Ctx *c)
{
    int C = (int)pick(c, 8, 16), O = (int)pick(c, 8, 20), pad = (int)pick(c, 0, 1), after = (int)pick(c, 0, 2);
    int64_t x[4] = { batch(c), C, pick(c, 4, 14), pick(c, 4, 14) };
    manual_seed(17);
    Module *conv = nn_conv2d(C, O, 3, .padding = pad, .no_bias = pick(c, 0, 3) == 0);
    Module *m = after == 0 ? conv : after == 1 ? nn_sequential(conv, nn_relu())
                                               : nn_sequential(conv, nn_relu(), nn_max_pool2d(2));
    output(c, layer(c, m, input(c, 4, x, NORMAL)));
}

static void b_conv1d(Ctx *c)
{
    int64_t x[3] = { pick(c, 1, 2), 2, pick(c, 4, 9) };
    manual_seed(13);
    output(c, layer(c, nn_conv1d(2, 3, 3, .stride = (int)pick(c, 1, 2), .padding = 1), input(c, 3, x, NORMAL)));
}

static void b_conv_transpose(Ctx *c)
{
    int groups = (int)pick(c, 1, 2), st = (int)pick(c, 1, 2);
    int64_t x[4] = { pick(c, 1, 2), 2 * groups, pick(c, 2, 5), pick(c, 2, 5) };
    manual_seed(17);
    Module *m = nn_conv_transpose2d(2 * groups, groups * (int)pick(c, 1, 2), (int)pick(c, 2, 3), .stride = st,
                                    .padding = (int)pick(c, 0, 1), .output_padding = st > 1 ? (int)pick(c, 0, 1) : 0,
                                    .groups = groups, .no_bias = pick(c, 0, 3) == 0);
    output(c, layer(c, m, input(c, 4, x, NORMAL)));
}

static void b_max_pool(Ctx *c)
{
    int64_t x[4] = { batch(c), c->big ? 16 : pick(c, 1, 3), pick(c, 2, 17), pick(c, 2, 17) };
    Tensor *in = input(c, 4, x, NORMAL);
    output(c, layer(c, nn_max_pool2d(2), in));  /* the fused 2x2 op on the CPU (float32) */
    output(c, layer(c, nn_max_pool2d(3, .stride = 2, .padding = 1, .ceil_mode = pick(c, 0, 1)), in));
    output(c, layer(c, nn_max_pool2d(2, .stride = 1), in));
}

static void b_avg_pool(Ctx *c)
{
    int64_t x[4] = { pick(c, 1, 2), pick(c, 1, 3), pick(c, 3, 9), pick(c, 3, 9) };
    Tensor *in = input(c, 4, x, NORMAL);
    output(c, layer(c, nn_avg_pool2d(2), in));
    output(c, layer(c, nn_avg_pool2d(3, .stride = 2, .padding = 1, .ceil_mode = pick(c, 0, 1)), in));
    output(c, layer(c, nn_adaptive_avg_pool2d(2, 3), in));
    output(c, layer(c, nn_upsample(2), in));
    output(c, layer(c, nn_upsample(2, .bilinear = true, .align_corners = pick(c, 0, 1)), in));
}

static void b_batch_norm(Ctx *c)
{
    int64_t C = size(c, false), x4[4] = { pick(c, 2, 3), C, pick(c, 1, 4), c->big ? 200 : pick(c, 1, 4) };
    Module *bn2 = nn_batch_norm2d(C, .momentum = 0.3);
    Tensor *in = input(c, 4, x4, NORMAL);
    output(c, layer(c, bn2, in));
    output(c, layer(c, bn2, tensor_mul_scalar(in, 2)));  /* running statistics updated twice */
    nn_eval(bn2);
    output(c, nn_forward(bn2, in));
    int64_t x3[3] = { pick(c, 2, 4), C, pick(c, 1, 3) };
    output(c, layer(c, nn_batch_norm1d(C, .no_affine = pick(c, 0, 1)), input(c, pick(c, 0, 1) ? 3 : 2, x3, NORMAL)));
    output(c, layer(c, nn_layer_norm(x3[2]), input(c, 3, x3, NORMAL)));
}

static void b_dropout(Ctx *c)
{
    int64_t s[4] = { pick(c, 4, 8), 8, size(c, false), size(c, false) };
    Tensor *x = input(c, 4, s, NORMAL);
    manual_seed(19);
    output(c, layer(c, nn_dropout(0.4), x));
    output(c, layer(c, nn_dropout2d(0.5), x));
}

/* Random fills drawn on the device (default generator and a new one). */
static void b_random(Ctx *c)
{
    Device saved = device_get_default();
    device_set_default(c->dev);
    int64_t n = 64 + pick(c, 0, 64);
    Generator *g = generator_new(23);
    manual_seed(29);
    output(c, tensor_rand(n));
    output(c, tensor_randn_g(g, 3, n));
    output(c, tensor_randint_g(g, -5, 7, n));
    Tensor *t = tensor_zeros_dtype(c->dt, 2, n);
    output(c, tensor_normal_(tensor_transpose(t, 0, 1), 1, 2, g));
    output(c, tensor_uniform_(t, -1, 3, NULL));
    output(c, tensor_randn_like(t));
    device_set_default(saved);
}

/* ---- losses ---- */

static void b_cross_entropy(Ctx *c)
{
    int64_t M = size(c, true), C = size(c, false) + 1, s4[4] = { size(c, false), C, size(c, false), 2 };
    Tensor *x = input(c, 2, (int64_t[]){ M, C }, NORMAL), *y = indices(c, 1, &M, C);
    Tensor *w = input(c, 1, &C, POSITIVE | NO_GRAD);
    output(c, nn_cross_entropy(x, y));
    output(c, nn_cross_entropy(x, y, .weight = w, .reduction = REDUCTION_SUM));
    output(c, nn_cross_entropy(x, y, .label_smoothing = 0.2, .reduction = REDUCTION_NONE));
    output(c, nn_cross_entropy(x, y, .weight = w, .use_ignore_index = true, .ignore_index = 0, .label_smoothing = 0.1));
    output(c, nn_cross_entropy(x, tensor_softmax(input(c, 2, (int64_t[]){ M, C }, NORMAL), 1), .label_smoothing = 0.1));
    output(c, nn_cross_entropy(input(c, 4, s4, NORMAL), indices(c, 3, (int64_t[]){ s4[0], s4[2], s4[3] }, C)));
    output(c, nn_nll(tensor_log_softmax(x, 1), y, .weight = w));
}

static void b_losses(Ctx *c)
{
    int64_t s[TENSOR_MAX_DIMS];
    int nd = shape(c, s, 1, 3, true);
    Tensor *x = input(c, nd, s, NORMAL), *y = input(c, nd, s, NORMAL);
    output(c, nn_mse(x, y));
    output(c, nn_l1(x, y, .reduction = REDUCTION_SUM));
    output(c, nn_smooth_l1(x, y, .beta = 0.5, .reduction = REDUCTION_NONE));
    Tensor *p = input(c, nd, s, UNIT), *q = input(c, nd, s, UNIT | NO_GRAD);
    output(c, nn_bce(p, q));
    output(c, nn_bce_with_logits(x, q, .pos_weight = input(c, 1, s + nd - 1, POSITIVE | NO_GRAD)));
}

/* ---- optimizers: three steps on random gradients ---- */

static void b_optim(Ctx *c)
{
    int64_t s[2] = { size(c, false), size(c, false) };
    for (int k = 0; k < 7; k++) {
        /* on the stack, which the collector scans (malloc'ed memory it does not) */
        Tensor *pt[2];
        ParamList list = { .n = 2, .tensors = pt }, *ps = &list;
        for (int i = 0; i < 2; i++)
            ps->tensors[i] = tensor_requires_grad_(tensor_contiguous(input(c, 2 - i, s, NORMAL | NO_GRAD)), true);
        Optimizer *o = k == 0 ? optim_sgd(ps, .lr = 0.1)
                     : k == 1 ? optim_sgd(ps, .lr = 0.1, .momentum = 0.9, .nesterov = true, .weight_decay = 0.01)
                     : k == 2 ? optim_adam(ps, .lr = 0.01, .weight_decay = 0.1)
                     : k == 3 ? optim_adamw(ps, .lr = 0.01, .amsgrad = true)
                     : k == 4 ? optim_rmsprop(ps, .lr = 0.01, .momentum = 0.5, .centered = true)
                     : k == 5 ? optim_rmsprop(ps, .lr = 0.01, .weight_decay = 0.1, .maximize = true)
                     : optim_adagrad(ps, .lr = 0.1, .lr_decay = 0.01);
        for (int step = 0; step < 3; step++) {
            for (int i = 0; i < 2; i++)
                tensor_set_grad(ps->tensors[i], tensor_contiguous(input(c, 2 - i, s, NORMAL | NO_GRAD)));
            optim_step(o);
        }
        ParamList *st = optim_state(o);
        for (int i = 2; i < st->n; i++)  /* after lr and the step counts (host tensors) */
            output(c, st->tensors[i]);
        for (int i = 0; i < 2; i++)
            output(c, ps->tensors[i]);
    }
}

/* ---- creation and host reads ---- */

static void b_create(Ctx *c)
{
    Device saved = device_get_default();
    device_set_default(c->dev);
    int64_t n = size(c, true);
    output(c, tensor_full_dtype(2.5, c->dt, n, 3));
    output(c, tensor_zeros(n));
    output(c, tensor_eye(n));
    output(c, tensor_arange(0, (double)n, 0.5));
    output(c, tensor_linspace(-1, 1, n));
    device_set_default(saved);
    Tensor *x = input(c, 1, (int64_t[]){ 3 }, NORMAL);
    output(c, tensor_full_like(x, tensor_item(tensor_sum(x)) + (tensor_any(tensor_gt_scalar(x, 0)) ? 1 : 0)));
}

static const Case g_cases[] = {
    { "unary", b_unary, DTS_NUM, 2, false },
    { "unary_param", b_unary_param, DTS_NUM, 2, false },
    { "binary", b_binary, DTS_NUM, 2, false },
    { "where", b_where, DTS_ALL, 2, false },
    { "convert", b_convert, DTS_FLOAT, 1, false },
    { "inplace", b_inplace, DTS_NUM, 0, false },
    { "views", b_views, DTS_ALL, 2, false },
    { "reduce", b_reduce, DTS_NUM, 2, false },
    { "reduce_empty", b_reduce_empty, DTS_FLOAT, 1, false },
    { "softmax", b_softmax, DTS_FLOAT, 2, false },
    { "matmul", b_matmul, DTS_NUM, 2, false },
    { "index", b_index, DTS_FLOAT, 2, false },
    { "embedding", b_embedding, DTS_FLOAT, 1, false },
    { "linear", b_linear, DTS_FLOAT, 2, false },
    { "conv2d", b_conv2d, DTS_FLOAT, 2, false },
    { "conv2d_relu_pool", b_conv_relu, DTS_FLOAT, 2, false },
    { "conv2d_3x3", b_conv3x3, DTS_FLOAT, 2, false },
    { "conv1d", b_conv1d, DTS_FLOAT, 1, false },
    { "conv_transpose2d", b_conv_transpose, DTS_FLOAT, 2, false },
    { "max_pool2d", b_max_pool, DTS_FLOAT, 2, false },
    { "avg_pool2d", b_avg_pool, DTS_FLOAT, 2, false },
    { "batch_norm", b_batch_norm, DTS_FLOAT, 2, false },
    { "dropout", b_dropout, DTS_FLOAT, 1, true },
    { "random", b_random, DTS_FLOAT, 0, true },
    { "cross_entropy", b_cross_entropy, DTS_FLOAT, 2, false },
    { "losses", b_losses, DTS_FLOAT, 2, false },
    { "optimizers", b_optim, DTS_FLOAT, 0, false },
    { "create", b_create, DTS_FLOAT, 0, false },
};

/* ---- comparing ---- */

/* Relative tolerance per dtype: of the largest value of the CPU's result
 * (CONFORMANCE_F32_RTOL sets float32's: the GPU check asks 1e-4). */
static double tolerance(DType dt)
{
    static double f32 = 0;
    if (f32 == 0) {
        const char *e = getenv("CONFORMANCE_F32_RTOL");
        f32 = e && atof(e) > 0 ? atof(e) : CONFORMANCE_F32_DEFAULT;
    }
    return dt == DT_FLOAT32 ? f32 : dt == DT_FLOAT64 ? 1e-9 : 0;
}

static int g_fail_prints;

/* Whether the device's result b matches the CPU's a (same shape and dtype;
 * NaN and inf where a has them; finite values within the tolerance). */
static bool same(Tensor *a, Tensor *b, const char *what, const char *name, DType cdt, Device dev, int idx,
                 uint64_t seed)
{
    bool ok = a && b && tensor_ndim(a) == tensor_ndim(b) && tensor_dtype(a) == tensor_dtype(b) &&
              !memcmp(tensor_shape(a), tensor_shape(b), sizeof(int64_t) * (size_t)tensor_ndim(a)) &&
              tensor_device(b) == dev;
    double err = 0, scale = 0;
    if (ok) {
        int64_t n = tensor_numel(a);
        double *x = malloc(sizeof(double) * (size_t)(n ? n : 1)), *y = malloc(sizeof(double) * (size_t)(n ? n : 1));
        tensor_to_f64_array(a, x, n);
        tensor_to_f64_array(b, y, n);
        for (int64_t i = 0; i < n; i++) {
            if (isfinite(x[i])) {
                scale = fmax(scale, fabs(x[i]));
                err = fmax(err, isfinite(y[i]) ? fabs(x[i] - y[i]) : INFINITY);
            } else if (!(isnan(x[i]) ? isnan(y[i]) : x[i] == y[i])) {
                err = INFINITY;
            }
        }
        free(x);
        free(y);
        ok = err <= tolerance(tensor_dtype(a)) * fmax(scale, 1e-3);
    }
    if (!ok && g_fail_prints++ < 30)
        printf("FAILED: %s on %s, %s #%d (dtype %s, seed %llu): %s %s vs %s %s (max error %g, scale %g)\n", name,
               device_name(dev), what, idx, dtype_name(cdt), (unsigned long long)seed,
               a ? dtype_name(tensor_dtype(a)) : "missing", a ? tensor_shape_str(a) : "",
               b ? dtype_name(tensor_dtype(b)) : "missing", b ? tensor_shape_str(b) : "", err, scale);
    return ok;
}

/* For random outputs drawn by the device's own generator: the same shape
 * and dtype, and (with 32 values or more) close mean and spread. */
static bool similar(Tensor *a, Tensor *b, const char *name, Device dev, int idx)
{
    bool ok = tensor_ndim(a) == tensor_ndim(b) && tensor_dtype(a) == tensor_dtype(b) &&
              !memcmp(tensor_shape(a), tensor_shape(b), sizeof(int64_t) * (size_t)tensor_ndim(a));
    if (ok && tensor_numel(a) >= 32) {
        Tensor *x = tensor_double(a), *y = tensor_to(tensor_double(b), "cpu");
        double ma = tensor_item(tensor_mean(x)), mb = tensor_item(tensor_mean(y));
        double sa = tensor_item(tensor_std(x)), sb = tensor_item(tensor_std(y));
        ok = fabs(ma - mb) <= 0.3 * fmax(sa, 1e-3) && fabs(sa - sb) <= 0.3 * fmax(sa, 1e-3);
    }
    if (!ok && g_fail_prints++ < 30)
        printf("FAILED: %s on %s, random output # %d is not distributed like the CPU's\n", name, device_name(dev), idx);
    return ok;
}

/* Whether dev draws random numbers itself (not through the CPU's generator). */
static bool own_random(Device dev)
{
    if (dev == DEVICE_CPU)
        return false;
    Tensor *t = tensor_to(tensor_zeros(1), dev);
    return dev_native_random_fill(&(RandomArgs){ .out = t }) || dev_native_dropout_mask(&(RandomArgs){ .out = t });
}

/* The gradients of L = sum_k <out_k, w_k> (w from seed) by the inputs: once
 * without a graph (the backends' backward ops), and with order 2 once more
 * with create_graph (the differentiable backward) followed by the gradients
 * of <grads, v>: all appended to res. */
static int gradients(Ctx *c, uint64_t seed, int order, Tensor **res)
{
    Generator *g = generator_new(seed);
    Tensor *L = NULL;
    for (int k = 0; k < c->nout; k++) {
        Tensor *o = c->out[k];
        if (!tensor_requires_grad(o) || !dtype_is_float(tensor_dtype(o)))
            continue;
        Tensor *w = tensor_to(tensor_randn_g(g, tensor_numel(o)), c->dev);
        Tensor *term = tensor_sum(tensor_mul(tensor_reshape(o, -1), tensor_to_dtype(w, tensor_dtype(o))));
        L = L ? tensor_add(L, tensor_to_dtype(term, tensor_dtype(L))) : term;
    }
    if (!L || c->nin == 0)
        return 0;
    Tensor **gs = autograd_grad_list(1, &L, NULL, c->nin, c->in, &(GradOptions){ .allow_unused = true,
                                     .retain_graph = order >= 2 });
    int n = 0;
    for (int i = 0; i < c->nin; i++)
        res[n++] = gs[i];
    if (order < 2)
        return n;
    gs = autograd_grad_list(1, &L, NULL, c->nin, c->in, &(GradOptions){ .allow_unused = true, .create_graph = true });
    Tensor *L2 = NULL;
    for (int i = 0; i < c->nin; i++) {
        res[n++] = tensor_detach(gs[i]);
        if (tensor_requires_grad(gs[i])) {
            Tensor *v = tensor_to(tensor_randn_g(g, tensor_numel(gs[i])), c->dev);
            Tensor *t = tensor_sum(tensor_mul(tensor_reshape(gs[i], -1), tensor_to_dtype(v, tensor_dtype(gs[i]))));
            L2 = L2 ? tensor_add(L2, tensor_to_dtype(t, tensor_dtype(L2))) : t;
        }
    }
    if (L2) {
        Tensor **g2 = autograd_grad_list(1, &L2, NULL, c->nin, c->in, &(GradOptions){ .allow_unused = true });
        for (int i = 0; i < c->nin; i++)
            res[n++] = g2[i];
    }
    return n;
}

typedef struct Run { Ctx c; Tensor *grads[4 * MAX_IN]; int ngrads; } Run;

static void build(const Case *k, DType dt, Device dev, uint64_t seed, bool big, Run *r)
{
    memset(r, 0, sizeof *r);
    r->c.big = big;
    r->c.dev = dev;
    r->c.dt = dt;
    r->c.gen = generator_new(seed);
    manual_seed(seed);
    k->build(&r->c);
    if (k->order >= 1)
        r->ngrads = gradients(&r->c, seed + 1, k->order, r->grads);
}

static int g_runs, g_compared;
static Device g_reference;  /* where the expected results are computed (DEVICE_CPU by default) */

/* An environment variable, or its default. */
static const char *env_or(const char *name, const char *dflt)
{
    const char *e = getenv(name);
    return e && *e ? e : dflt;
}

/* One case, one dtype, one seed: on the CPU and on dev, compared. */
static void run(const Case *k, DType dt, Device dev, uint64_t seed, bool big)
{
    static Run a, b;
    g_runs++;
    if (setjmp(check_jmp) == 0) {
        check_armed = 1;
        build(k, dt, g_reference, seed, big, &a);
        build(k, dt, dev, seed, big, &b);
        check_armed = 0;
    } else {
        error_reset_state();
        device_set_default(DEVICE_CPU);
        checks_failed++;
        printf("FAILED: %s on %s (dtype %s, seed %llu) raised %s: %s\n", k->name, device_name(dev), dtype_name(dt),
               (unsigned long long)seed, error_kind_name(error_last_kind()), error_last_message());
        return;
    }
    bool ok = a.c.nout == b.c.nout && a.ngrads == b.ngrads;
    if (!ok)
        printf("FAILED: %s on %s: %d/%d outputs, %d/%d gradients\n", k->name, device_name(dev), a.c.nout, b.c.nout,
               a.ngrads, b.ngrads);
    bool stats = k->random && own_random(dev) != own_random(g_reference);
    for (int i = 0; ok && i < a.c.nout; i++)
        ok &= stats ? similar(a.c.out[i], b.c.out[i], k->name, dev, i)
                    : same(a.c.out[i], b.c.out[i], "output", k->name, dt, dev, i, seed);
    for (int i = 0; ok && !stats && i < a.ngrads; i++)
        ok &= same(a.grads[i], b.grads[i], "gradient", k->name, dt, dev, i, seed);
    g_compared += a.c.nout + (stats ? 0 : a.ngrads);
    check_result(ok, __FILE__, __LINE__, k->name);
}

/* Whether a backend has an entry for op. */
static bool has_entry(const Backend *be, BackendOp op)
{
    switch (op) {
#define ENTRY_(ID, name, Args, nout, dts, kind) case OP_##ID: return be->name != NULL;
    BACKEND_OPS(ENTRY_)
    BACKEND_LIST_OPS(ENTRY_)
#undef ENTRY_
    default: return false;
    }
}

/* The GPU backend has an entry for every op: each must have run there
 * itself at least once (its supports() let some calls through); the calls
 * that still fell back to the CPU are listed for the closing note. */
static void check_native(const Backend *be, Device dev)
{
    for (int op = 0; op < OP_COUNT; op++) {
        uint64_t n1 = backend_calls(be->type, op, true), n0 = backend_calls(be->type, op, false);
        if (n0)
            printf("%s: %-22s %6llu calls on the device, %6llu through the CPU fallback\n", device_name(dev),
                   backend_op_name(op), (unsigned long long)n1, (unsigned long long)n0);
        if (has_entry(be, op) && n1 == 0)
            printf("FAILED: %s has an entry for %s but never ran it itself\n", device_name(dev), backend_op_name(op));
        check_result(!has_entry(be, op) || n1 > 0, __FILE__, __LINE__, backend_op_name(op));
    }
}

static int shapes_per_case(void)
{
    const char *e = getenv("CONFORMANCE_SHAPES");
    if (e && atoi(e) > 0)
        return atoi(e);
#if defined(__SANITIZE_ADDRESS__)
    return 4;
#else
    return 8;
#endif
}

int main(void)
{
    check_init();
    const Backend *bes[DEVTYPE_COUNT];
    int nb = backend_list(bes, DEVTYPE_COUNT), shapes = shapes_per_case();
    CHECK(nb >= 1);  /* the reference backend at least */
    int ncases = (int)(sizeof g_cases / sizeof g_cases[0]);
    const char *only = env_or("CONFORMANCE_DEVICE", CONFORMANCE_DEVICE_DEFAULT);  /* "cuda": that backend alone */
    g_reference = device_parse(env_or("CONFORMANCE_REFERENCE", CONFORMANCE_REFERENCE_DEFAULT));
#ifdef CONFORMANCE_GPU
    if (device_count() == 0) {
        printf("no GPU: %s (this check runs on a machine with a CUDA GPU: tools/gpu_check.sh)\n",
               backend_unavailable(DEVTYPE_CUDA));
        return 77;
    }
#endif
    int tested = 0;
    for (int b = 0; b < nb; b++) {
        Device dev = DEVICE_MAKE(bes[b]->type, 0);
        if ((*only && strcmp(only, bes[b]->name)) || dev == g_reference)
            continue;
        tested++;
        printf("%s: %s, ", device_name(dev), device_info(dev));  /* device_info's buffer is static */
        printf("against %s\n", device_info(g_reference));
        for (int k = 0; k < ncases; k++)
            for (DType dt = DT_FLOAT32; dt <= DT_BOOL; dt++)
                if ((g_cases[k].dtypes >> dt & 1) && (dt != DT_UINT8 && dt != DT_BOOL))
                    for (int s = 0; s < shapes; s++)
                        run(&g_cases[k], dt, dev, 1000u * (unsigned)k + 17u * (unsigned)s + (unsigned)dt,
                            s == shapes - 1 && shapes > 1);
        /* every op of the table ran on this device; some natively, some through the fallback */
        uint64_t nat = 0, fb = 0;
        for (int op = 0; op < OP_COUNT; op++) {
            uint64_t n1 = backend_calls(bes[b]->type, op, true), n0 = backend_calls(bes[b]->type, op, false);
            nat += n1;
            fb += n0;
            /* a fused op runs only where the backend has it (elsewhere the engine writes it unfused) */
            bool expected = backend_op_kind(op) != OPK_FUSED || has_entry(bes[b], op);
            if (expected && n0 + n1 == 0)
                printf("FAILED: op %s never ran on %s\n", backend_op_name(op), device_name(dev));
            check_result(!expected || n0 + n1 > 0, __FILE__, __LINE__, backend_op_name(op));
        }
        printf("%s: %d cases, %d runs (%d shapes each), %d tensors compared; %llu op calls on the backend itself, "
               "%llu through the CPU fallback\n", device_name(dev), ncases, g_runs, shapes, g_compared,
               (unsigned long long)nat, (unsigned long long)fb);
        if (bes[b]->type == DEVTYPE_REF)
            CHECK(nat > 0 && fb > 0);
        if (bes[b]->type == DEVTYPE_CUDA)
            check_native(bes[b], dev);
    }
    CHECK(tested > 0);  /* CONFORMANCE_DEVICE named a registered backend */
    return CHECK_DONE();
}
