/* GPU only: every entry of the CUDA backend (engine/cuda) against the CPU
 * (the reference), on cuda:0. Elementwise ops over every dtype they take,
 * contiguous, transposed and broadcast operands; reductions (row, column
 * and split paths); cuBLAS products; index ops; cuDNN convolution, pooling,
 * batch norm and softmax with their gradients (CPU gradients from autograd);
 * cuRAND fills and dropout; fused optimizer steps against the real CPU
 * optimizers; the caching allocator (no cudaMalloc in steady state, the
 * out-of-memory MemoryError and recovery). float32 agrees when
 * |gpu - cpu| <= 1e-4 (|cpu| + rms(cpu)) elementwise (float64: 1e-10).
 * Exits 77 with a message where there is no GPU: run by tools/gpu_check.sh. */
#include "../engine/check.h"
#include "../../engine/cuda/cuda_host.h"
#include "../../engine/nn/nn_internal.h"

#include <gc.h>
#include <math.h>

#define GPU DEVICE_CUDA(0)

static Tensor *G(Tensor *x) { return tensor_to(x, GPU); }
static Tensor *on_gpu(DType dt, int nd, const int64_t *shape) { return t_new(dt, nd, shape, GPU); }
static Tensor *like_gpu(const Tensor *x) { return on_gpu(x->dtype, x->ndim, x->shape); }
static Tensor *like_cpu(const Tensor *x) { return t_new(x->dtype, x->ndim, x->shape, DEVICE_CPU); }

/* Elementwise agreement of a GPU result with the CPU's. */
static void agree(const char *what, Tensor *gpu, Tensor *cpu)
{
    Tensor *a = tensor_to_dtype(tensor_contiguous(tensor_to(gpu, DEVICE_CPU)), DT_FLOAT64);
    Tensor *b = tensor_to_dtype(tensor_contiguous(cpu), DT_FLOAT64);
    double rtol = cpu->dtype == DT_FLOAT64 ? 1e-10 : cpu->dtype == DT_FLOAT32 ? 1e-4 : 0;
    const double *x = tensor_data_f64(a), *y = tensor_data_f64(b);
    double ss = 0;
    for (int64_t i = 0; i < b->numel; i++)
        ss += isfinite(y[i]) ? y[i] * y[i] : 0;
    double rms = b->numel ? sqrt(ss / b->numel) : 0;
    int64_t bad = -1;
    bool same_shape = a->numel == b->numel;
    for (int64_t i = 0; same_shape && i < b->numel && bad < 0; i++) {
        bool both_nan = isnan(x[i]) && isnan(y[i]);
        if (!both_nan && !(fabs(x[i] - y[i]) <= rtol * (fabs(y[i]) + rms)) && x[i] != y[i])
            bad = i;
    }
    if (same_shape && bad < 0) {
        checks_passed++;
    } else {
        checks_failed++;
        if (!same_shape)
            printf("FAILED %s: %lld elements on the GPU, %lld on the CPU\n", what, (long long)a->numel,
                   (long long)b->numel);
        else
            printf("FAILED %s: element %lld: gpu %.9g, cpu %.9g (rms %.3g)\n", what, (long long)bad, x[bad], y[bad],
                   rms);
    }
}

static Tensor *rnd(DType dt, double lo, double hi, int nd, const int64_t *shape)
{
    Tensor *t = tensor_to_dtype(tensor_rand_shape(NULL, nd, shape), DT_FLOAT64);
    t = tensor_add_scalar(tensor_mul_scalar(t, hi - lo), lo);
    if (dt == DT_INT64)
        t = tensor_floor(t);
    return tensor_to_dtype(t, dt);
}

/* ---- elementwise ---- */

static void check_elementwise(void)
{
    const DType all[] = { DT_FLOAT32, DT_FLOAT64, DT_INT64, DT_UINT8, DT_BOOL };
    int64_t sh[3] = { 7, 33, 65 }, sh2[2] = { 129, 257 };
    for (int i = 0; i < 5; i++) {
        Tensor *g = on_gpu(all[i], 3, sh), *c = like_cpu(g);
        cuda_fill(g, 3.0);
        cdl_cpu_backend.fill(c, 3.0);
        agree("fill", g, c);
        for (int j = 0; j < 5; j++) {
            /* Conversions from a transposed source. */
            Tensor *src = tensor_transpose(rnd(all[j], -3, 3, 2, sh2), 0, 1);
            Tensor *gs = tensor_transpose(G(tensor_transpose(src, 0, 1)), 0, 1);
            Tensor *go = on_gpu(all[i], 2, src->shape), *co = like_cpu(go);
            cuda_copy(go, gs);
            cdl_cpu_backend.copy(co, src);
            char what[64];
            snprintf(what, sizeof what, "copy %s <- %s (strided)", dtype_name(all[i]), dtype_name(all[j]));
            agree(what, go, co);
        }
    }
    const DType fl[] = { DT_FLOAT32, DT_FLOAT64, DT_INT64 };
    for (int k = 0; k < 3; k++) {
        DType dt = fl[k];
        for (int op = 0; op < U_COUNT; op++) {
            if (dt == DT_INT64 && !(op == U_NEG || op == U_ABS || op == U_SIGN || op == U_SQUARE || op == U_RELU ||
                                    op == U_CLAMP || op == U_STEP || op == U_ADD_S || op == U_MUL_S ||
                                    op == U_RSUB_S || op == U_POW_S || op >= U_COUNT_FLOAT))
                continue;
            bool positive = op == U_LOG || op == U_SQRT || op == U_POW_S || op == U_LOG1P || op == U_RECIP ||
                            op == U_RDIV_S;
            Tensor *a = rnd(dt, positive ? 0.1 : -4, 4, 2, sh2);
            if (op == U_ISNAN && dt != DT_INT64)
                tensor_data_ptr(a), ((dt == DT_FLOAT32) ? (void)(tensor_data_f32(a)[5] = NAN)
                                                        : (void)(tensor_data_f64(a)[5] = NAN));
            double p0 = op == U_CLAMP ? -1 : op == U_POW_S ? 2 : op == U_RPOW_S ? 1.5 : 0.5, p1 = 1;
            bool cmp = op >= U_COUNT_FLOAT;
            DType odt = cmp ? DT_BOOL : dt;
            /* Transposed operand: the strided path. */
            Tensor *ga = tensor_transpose(G(a), 0, 1), *ca = tensor_transpose(a, 0, 1);
            Tensor *go = on_gpu(odt, 2, ca->shape), *co = t_new(odt, 2, ca->shape, DEVICE_CPU);
            cuda_unary((UnaryOp)op, go, ga, p0, p1);
            cdl_cpu_backend.unary((UnaryOp)op, co, ca, p0, p1);
            char what[64];
            snprintf(what, sizeof what, "unary op %d %s", op, dtype_name(dt));
            agree(what, go, co);
        }
        for (int op = 0; op < B_COUNT; op++) {
            if (dt == DT_INT64 && (op == B_DIV || (op >= B_RELU_BW && op < B_COUNT_ARITH)))
                continue;
            Tensor *a = rnd(dt, op == B_POW ? 0.5 : -3, 3, 2, sh2);
            int64_t row[2] = { 1, sh2[1] };
            Tensor *b = rnd(dt, op == B_POW ? -2 : -3, 3, 2, row);
            if (op == B_DIV)
                b = tensor_add_scalar(tensor_abs(b), 0.5);
            Tensor bc, bg;
            Tensor *gb0 = G(b);
            t_broadcast_tmp(&bc, b, 2, sh2);  /* stride-0 rows: broadcasting */
            t_broadcast_tmp(&bg, gb0, 2, sh2);
            DType odt = op >= B_COUNT_ARITH ? DT_BOOL : dt;
            Tensor *go = on_gpu(odt, 2, sh2), *co = t_new(odt, 2, sh2, DEVICE_CPU);
            cuda_binary((BinaryOp)op, go, G(a), &bg);
            cdl_cpu_backend.binary((BinaryOp)op, co, a, &bc);
            char what[64];
            snprintf(what, sizeof what, "binary op %d %s (broadcast)", op, dtype_name(dt));
            agree(what, go, co);
        }
    }
    Tensor *cond = tensor_gt_scalar(tensor_randn(50, 40), 0), *a = tensor_randn(50, 40), *b = tensor_randn(50, 40);
    Tensor *go = on_gpu(DT_FLOAT32, 2, a->shape), *co = like_cpu(a);
    cuda_where(go, G(cond), G(a), G(b));
    cdl_cpu_backend.where(co, cond, a, b);
    agree("where", go, co);
}

/* ---- reductions ---- */

static void check_reduce(void)
{
    const int64_t shapes[][3] = { { 1, 1000003, 1 }, { 37, 513, 1 }, { 5, 300, 17 }, { 1, 60000, 10 }, { 3, 2, 1 },
                                  { 64, 70000, 1 } };
    const DType dts[] = { DT_FLOAT32, DT_FLOAT64, DT_INT64 };
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (int k = 0; k < 3; k++)
            for (int op = R_SUM; op <= R_ARGMIN; op++) {
                if (op == R_PROD && shapes[s][1] > 600)
                    continue;  /* products of thousands of numbers: overflow, not a check */
                const int64_t *S = shapes[s];
                int64_t sh[3] = { S[0], S[1], S[2] }, osh[2] = { S[0], S[2] };
                Tensor *a = rnd(dts[k], op == R_PROD ? 0.9 : -100, op == R_PROD ? 1.1 : 100, 3, sh);
                DType odt = op >= R_ARGMAX ? DT_INT64 : dts[k];
                Tensor *go = on_gpu(odt, 2, osh), *co = t_new(odt, 2, osh, DEVICE_CPU);
                cuda_reduce((ReduceOp)op, go, G(a), S[0], S[1], S[2]);
                cdl_cpu_backend.reduce((ReduceOp)op, co, a, S[0], S[1], S[2]);
                char what[96];
                snprintf(what, sizeof what, "reduce op %d %s (%lld, %lld, %lld)", op, dtype_name(dts[k]),
                         (long long)S[0], (long long)S[1], (long long)S[2]);
                agree(what, go, co);
            }
    /* NaN wins max, at its first position. */
    Tensor *a = tensor_randn(4, 100);
    tensor_data_f32(a)[150] = NAN;
    int64_t osh[2] = { 4, 1 };
    Tensor *go = on_gpu(DT_INT64, 2, osh), *co = t_new(DT_INT64, 2, osh, DEVICE_CPU);
    cuda_reduce(R_ARGMAX, go, G(a), 4, 100, 1);
    cdl_cpu_backend.reduce(R_ARGMAX, co, a, 4, 100, 1);
    agree("argmax with NaN", go, co);
}

/* ---- products ---- */

static void check_bmm(void)
{
    const DType dts[] = { DT_FLOAT32, DT_FLOAT64 };
    for (int k = 0; k < 2; k++) {
        int64_t as[3] = { 3, 65, 33 }, bs[3] = { 3, 33, 47 }, os[3] = { 3, 65, 47 };
        Tensor *a = rnd(dts[k], -1, 1, 3, as), *b = rnd(dts[k], -1, 1, 3, bs);
        Tensor *go = on_gpu(dts[k], 3, os), *co = t_new(dts[k], 3, os, DEVICE_CPU);
        cuda_bmm(go, G(a), G(b));
        cdl_cpu_backend.bmm(co, a, b);
        agree("bmm", go, co);
        /* Transposed operands (column-major to cuBLAS) and a broadcast batch. */
        int64_t at[3] = { 3, 33, 65 }, bt[3] = { 1, 47, 33 };
        Tensor *a2 = rnd(dts[k], -1, 1, 3, at), *b2 = rnd(dts[k], -1, 1, 3, bt);
        Tensor *ca = tensor_transpose(a2, 1, 2), *cb = tensor_transpose(tensor_expand(b2, 3, 47, 33), 1, 2);
        Tensor *ga = tensor_transpose(G(a2), 1, 2), *gb = tensor_transpose(tensor_expand(G(b2), 3, 47, 33), 1, 2);
        go = on_gpu(dts[k], 3, os);
        co = t_new(dts[k], 3, os, DEVICE_CPU);
        cuda_bmm(go, ga, gb);
        cdl_cpu_backend.bmm(co, ca, cb);
        agree("bmm transposed, broadcast batch", go, co);
    }
    int64_t big[3] = { 1, 2000, 2000 };
    Tensor *a = rnd(DT_FLOAT32, -1, 1, 3, big), *b = rnd(DT_FLOAT32, -1, 1, 3, big);
    Tensor *go = on_gpu(DT_FLOAT32, 3, big), *co = like_cpu(go);
    cuda_bmm(go, G(a), G(b));
    cdl_cpu_backend.bmm(co, a, b);
    agree("2000x2000 product (no TF32)", go, co);
}

/* ---- index ops ---- */

static void check_index(void)
{
    Tensor *a = tensor_randn(6, 40, 5);
    int64_t iv[7] = { 3, 0, 39, 3, 17, 8, 8 };
    Tensor *idx = tensor_from_i64(iv, 7);
    int64_t os[3] = { 6, 7, 5 };
    Tensor *go = on_gpu(DT_FLOAT32, 3, os), *co = t_new(DT_FLOAT32, 3, os, DEVICE_CPU);
    cuda_index_select(go, tensor_transpose(G(tensor_contiguous(tensor_transpose(a, 0, 2))), 0, 2), 1, G(idx));
    cdl_cpu_backend.index_select(co, a, 1, idx);
    agree("index_select (strided source)", go, co);
    Tensor *src = tensor_randn(6, 7, 5);
    Tensor *gacc = G(tensor_zeros(6, 40, 5)), *cacc = tensor_zeros(6, 40, 5);
    cuda_index_add(gacc, 1, G(idx), G(src));
    cdl_cpu_backend.index_add(cacc, 1, idx, src);
    agree("index_add (repeated rows)", gacc, cacc);
    Tensor *gi = tensor_randint(0, 40, 6, 9, 5);
    int64_t gs[3] = { 6, 9, 5 };
    go = on_gpu(DT_FLOAT32, 3, gs);
    co = t_new(DT_FLOAT32, 3, gs, DEVICE_CPU);
    cuda_gather(go, G(a), 1, G(gi));
    cdl_cpu_backend.gather(co, a, 1, gi);
    agree("gather", go, co);
    Tensor *s2 = tensor_randn(6, 9, 5);
    for (int add = 0; add < 2; add++) {
        Tensor *gout = G(tensor_zeros(6, 40, 5)), *cout = tensor_zeros(6, 40, 5);
        /* Distinct targets per column for plain scatter (the winner of a clash is unspecified). */
        Tensor *ui = add ? gi : tensor_long(tensor_expand(tensor_reshape(tensor_arange(0, 9, 1), 1, 9, 1), 6, 9, 5));
        ui = tensor_contiguous(ui);
        cuda_scatter(gout, 1, G(ui), G(s2), add);
        cdl_cpu_backend.scatter(cout, 1, ui, s2, add);
        agree(add ? "scatter_add" : "scatter", gout, cout);
    }
}

/* ---- cuDNN layers ---- */

static void check_conv(int groups, int stride, int pad, int dil, bool bias)
{
    int64_t N = 4, C = 4, H = 13, W = 11, O = 6, k = 3;
    Tensor *x = tensor_requires_grad_(tensor_randn(N, C, H, W), true);
    Tensor *w = tensor_requires_grad_(tensor_randn(O, C / groups, k, k), true);
    Tensor *b = bias ? tensor_requires_grad_(tensor_randn(O), true) : NULL;
    Tensor *y = nn_f_conv2d(x, w, b, stride, stride, pad, pad, dil, dil, groups);
    Tensor *gy = tensor_randn_shape(NULL, y->ndim, y->shape);
    tensor_backward(tensor_sum(tensor_mul(y, gy)));
    CudaConv g = { N, C, H, W, O, y->shape[2], y->shape[3], k, k, stride, stride, pad, pad, dil, dil, groups };
    Tensor *yg = like_gpu(y);
    cuda_conv2d_forward(yg, G(tensor_detach(x)), G(tensor_detach(w)), b ? G(tensor_detach(b)) : NULL, &g);
    agree("conv2d forward", yg, tensor_detach(y));
    Tensor *gx = like_gpu(x), *gw = like_gpu(w);
    cuda_conv2d_backward_data(gx, G(gy), G(tensor_detach(w)), &g);
    cuda_conv2d_backward_filter(gw, G(tensor_detach(x)), G(gy), &g);
    agree("conv2d input gradient (and transposed conv forward)", gx, x->grad);
    agree("conv2d weight gradient", gw, w->grad);
    if (b) {
        Tensor *gb = like_gpu(b);
        cuda_conv2d_backward_bias(gb, G(gy));
        agree("conv2d bias gradient", gb, b->grad);
    }
}

static void check_pool(bool max, int k, int s, int p)
{
    Tensor *x = tensor_requires_grad_(tensor_randn(3, 4, 12, 10), true);
    PoolSpec ps = { k, k, s, s, p, p, false };
    Tensor *y = max ? nn_f_max_pool2d(x, &ps) : nn_f_avg_pool2d(x, &ps);
    Tensor *gy = tensor_randn_shape(NULL, y->ndim, y->shape);
    tensor_backward(tensor_sum(tensor_mul(y, gy)));
    CudaPool cp = { k, k, s, s, p, p, max, true };
    Tensor *xg = G(tensor_detach(x)), *yg = like_gpu(y), *gx = like_gpu(x);
    cuda_pool2d_forward(yg, xg, &cp);
    agree(max ? "max_pool2d forward" : "avg_pool2d forward", yg, tensor_detach(y));
    cuda_pool2d_backward(gx, yg, G(gy), xg, &cp);
    agree(max ? "max_pool2d backward" : "avg_pool2d backward", gx, x->grad);
}

static void check_batch_norm(void)
{
    Tensor *x = tensor_requires_grad_(tensor_add_scalar(tensor_mul_scalar(tensor_randn(8, 5, 6, 7), 3), 1), true);
    Tensor *w = tensor_requires_grad_(tensor_randn(5), true), *b = tensor_requires_grad_(tensor_randn(5), true);
    Tensor *mean, *var;
    Tensor *y = nn_f_batch_norm_train(x, w, b, 1e-5, &mean, &var);
    Tensor *gy = tensor_randn(8, 5, 6, 7);
    tensor_backward(tensor_sum(tensor_mul(y, gy)));
    Tensor *yg = like_gpu(y), *sm = G(tensor_zeros(5)), *si = G(tensor_zeros(5));
    Tensor *rm = G(tensor_zeros(5)), *rv = G(tensor_ones(5));
    cuda_batch_norm_train(yg, sm, si, G(tensor_detach(x)), G(tensor_detach(w)), G(tensor_detach(b)), rm, rv, 0.1, 1e-5);
    agree("batch_norm forward", yg, tensor_detach(y));
    agree("batch_norm batch mean", sm, tensor_to_dtype(mean, DT_FLOAT32));
    /* Running stats: 0.9 * init + 0.1 * batch (unbiased variance), PyTorch's rule. */
    double n = 8 * 6 * 7;
    agree("batch_norm running mean", rm, tensor_mul_scalar(tensor_to_dtype(mean, DT_FLOAT32), 0.1));
    agree("batch_norm running var", rv,
          tensor_add_scalar(tensor_mul_scalar(tensor_to_dtype(var, DT_FLOAT32), 0.1 * n / (n - 1)), 0.9));
    Tensor *gx = like_gpu(x), *gw = like_gpu(w), *gb = like_gpu(b);
    cuda_batch_norm_backward(gx, gw, gb, G(tensor_detach(x)), G(gy), G(tensor_detach(w)), sm, si, 1e-5);
    agree("batch_norm input gradient", gx, x->grad);
    agree("batch_norm weight gradient", gw, w->grad);
    agree("batch_norm bias gradient", gb, b->grad);
    Tensor *ye = like_gpu(y);
    cuda_batch_norm_eval(ye, G(tensor_detach(x)), G(tensor_detach(w)), G(tensor_detach(b)), G(tensor_zeros(5)),
                         G(tensor_ones(5)), 1e-5);
    Tensor *expect = tensor_add(tensor_mul(tensor_div_scalar(tensor_detach(x), sqrt(1 + 1e-5)),
                                           tensor_reshape(tensor_detach(w), 1, 5, 1, 1)),
                                tensor_reshape(tensor_detach(b), 1, 5, 1, 1));
    agree("batch_norm eval", ye, expect);
}

static void check_softmax(void)
{
    for (int log = 0; log < 2; log++) {
        Tensor *x = tensor_requires_grad_(tensor_mul_scalar(tensor_randn(33, 10), 5), true);
        Tensor *y = log ? tensor_log_softmax(x, 1) : tensor_softmax(x, 1);
        Tensor *gy = tensor_randn(33, 10);
        tensor_backward(tensor_sum(tensor_mul(y, gy)));
        Tensor *yg = like_gpu(y), *gx = like_gpu(x);
        cuda_softmax_forward(yg, G(tensor_detach(x)), log);
        cuda_softmax_backward(gx, yg, G(gy), log);
        agree(log ? "log_softmax forward" : "softmax forward", yg, tensor_detach(y));
        agree(log ? "log_softmax backward" : "softmax backward", gx, x->grad);
    }
    /* NLL rows of cross-entropy. */
    Tensor *logp = tensor_log_softmax(tensor_randn(16, 10), 1);
    Tensor *y = tensor_randint(0, 10, 16);
    tensor_data_i64(y)[3] = -100;
    int64_t n16[1] = { 16 };
    Tensor *loss = on_gpu(DT_FLOAT32, 1, n16);
    cuda_nll_forward(loss, G(logp), G(y), -100);
    Tensor *expect = tensor_zeros(16);
    for (int i = 0; i < 16; i++) {
        int64_t t = tensor_data_i64(y)[i];
        tensor_data_f32(expect)[i] = t == -100 ? 0 : -tensor_data_f32(logp)[i * 10 + t];
    }
    agree("nll rows", loss, expect);
    Tensor *g = tensor_randn(16), *gx = like_gpu(logp), *cx = tensor_zeros(16, 10);
    cuda_nll_backward(gx, G(g), G(y), -100);
    for (int i = 0; i < 16; i++) {
        int64_t t = tensor_data_i64(y)[i];
        if (t != -100)
            tensor_data_f32(cx)[i * 10 + t] = -tensor_data_f32(g)[i];
    }
    agree("nll backward", gx, cx);
}

/* ---- random ---- */

static void check_random(void)
{
    int64_t n[1] = { 1000001 };
    Tensor *u = on_gpu(DT_FLOAT32, 1, n);
    cuda_uniform_(u, -2, 3, 42);
    Tensor *h = tensor_to(u, DEVICE_CPU);
    CHECK_CLOSE(tensor_item(tensor_mean(h)), 0.5, 0.01);
    CHECK(tensor_item(tensor_min(h)) >= -2 && tensor_item(tensor_max(h)) <= 3);
    Tensor *z = on_gpu(DT_FLOAT64, 1, n);
    cuda_normal_(z, 1, 2, 7);
    h = tensor_to(z, DEVICE_CPU);
    CHECK_CLOSE(tensor_item(tensor_mean(h)), 1, 0.01);
    CHECK_CLOSE(tensor_item(tensor_std(h)), 2, 0.01);
    /* Same seed, same numbers. */
    Tensor *u2 = on_gpu(DT_FLOAT32, 1, n);
    cuda_uniform_(u2, -2, 3, 42);
    agree("uniform reproducible", u2, tensor_to(u, DEVICE_CPU));
    Tensor *x = tensor_randn(1000, 1000), *out = like_gpu(x), *mask = like_gpu(x);
    cuda_dropout(out, mask, G(x), 0.3, 5);
    Tensor *m = tensor_to(mask, DEVICE_CPU);
    double kept = tensor_item(tensor_mean(tensor_to_dtype(tensor_gt_scalar(m, 0), DT_FLOAT32)));
    CHECK_CLOSE(kept, 0.7, 0.005);
    CHECK_CLOSE(tensor_item(tensor_max(m)), 1 / 0.7, 1e-6);
    agree("dropout output = x * mask", out, tensor_mul(x, m));
}

/* ---- optimizer steps against the real CPU optimizers ---- */

static void check_optim(void)
{
    for (int kind = 0; kind < 4; kind++) {
        Tensor *p = tensor_requires_grad_(tensor_randn(1000), true);
        Tensor *g = tensor_randn(1000);
        Tensor *pg = G(tensor_detach(p));
        Tensor *ts[1] = { p };
        const char *nm[1] = { "p" };
        ParamList one = { 1, ts, nm }, *pl = &one;
        Optimizer *o = kind == 0 ? optim_sgd(pl, .lr = 0.1, .momentum = 0.9, .weight_decay = 0.01)
                     : kind == 1 ? optim_adam(pl, .lr = 1e-2, .weight_decay = 0.01)
                     : kind == 2 ? optim_rmsprop(pl, .lr = 1e-2, .momentum = 0.5, .centered = true)
                                 : optim_adagrad(pl, .lr = 0.1);
        int64_t n[1] = { 1000 };
        Tensor *b[3] = { G(tensor_zeros(1000)), G(tensor_zeros(1000)), G(tensor_zeros(1000)) };
        for (int step = 1; step <= 3; step++) {
            p->grad = g;
            optim_step(o);
            CuOptimStep k;
            memset(&k, 0, sizeof k);
            if (kind == 0) {  /* lr, wd, sign, mu, damp, keep, take, nest, use_b */
                k.kind = CU_SGD_MOMENTUM;
                double c[9] = { 0.1, 0.01, 1, 0.9, 1, step == 1 ? 0 : 0.9, step == 1 ? 1 : 1, 0, 1 };
                memcpy(k.c, c, sizeof c);
            } else if (kind == 1) {  /* b1, b2, eps, wd, step_size, ibc2, decay, sign */
                k.kind = CU_ADAM;
                double c[8] = { 0.9, 0.999, 1e-8, 0.01, 1e-2 / (1 - pow(0.9, step)), 1 / sqrt(1 - pow(0.999, step)),
                                1, 1 };
                memcpy(k.c, c, sizeof c);
            } else if (kind == 2) {  /* lr, alpha, eps, wd, mu, sign */
                k.kind = CU_RMSPROP;
                k.momentum = k.centered = true;
                double c[6] = { 1e-2, 0.99, 1e-8, 0, 0.5, 1 };
                memcpy(k.c, c, sizeof c);
            } else {  /* clr, eps, wd, sign */
                k.kind = CU_ADAGRAD;
                double c[4] = { 0.1, 1e-10, 0, 1 };
                memcpy(k.c, c, sizeof c);
            }
            cuda_optim_step(&k, pg, G(g), b);
        }
        (void)n;
        const char *names[] = { "sgd momentum", "adam", "rmsprop centered momentum", "adagrad" };
        agree(names[kind], pg, tensor_detach(p));
    }
}

/* ---- the allocator ---- */

static void check_allocator(void)
{
    int64_t n[1] = { 1 << 20 };
    for (int i = 0; i < 50; i++)
        cuda_fill(on_gpu(DT_FLOAT32, 1, n), 1);
    GC_gcollect();
    CudaMemStats a, b;
    cuda_memory_stats(0, &a);
    for (int i = 0; i < 1000; i++) {
        cuda_fill(on_gpu(DT_FLOAT32, 1, n), 1);
        if (i % 100 == 0)
            GC_gcollect();
    }
    cuda_memory_stats(0, &b);
    printf("allocator: %lld cudaMalloc calls over 1000 allocations of 4 MiB; %.0f MiB reserved\n",
           (long long)(b.mallocs - a.mallocs), b.reserved / 1048576.0);
    CHECK(b.mallocs - a.mallocs <= 2);
    /* More than the device holds: MemoryError with the sizes, then the device still works. */
    int64_t huge[1] = { (int64_t)(cuda_dev(0)->total_mem / 4 + (1 << 28)) * 2 };
    CHECK_RAISES(ERR_MEMORY, "out of memory allocating", on_gpu(DT_FLOAT64, 1, huge));
    CHECK(strstr(error_last_message(), "MiB free of") != NULL);
    Tensor *t = on_gpu(DT_FLOAT32, 1, n);
    cuda_fill(t, 2);
    CHECK_CLOSE(tensor_item(tensor_sum(tensor_to(t, DEVICE_CPU))), 2.0 * (1 << 20), 1);
}

int main(void)
{
    check_init();
    if (device_count() == 0) {
        printf("no GPU: %s\n", "this check runs on a machine with a CUDA GPU (tools/gpu_check.sh)");
        return 77;
    }
    printf("cuda:0 = %s\n", device_info(GPU));
    manual_seed(1);
    check_elementwise();
    check_reduce();
    check_bmm();
    check_index();
    check_conv(1, 1, 1, 1, true);
    check_conv(2, 2, 0, 1, false);
    check_conv(1, 1, 2, 2, true);
    check_pool(true, 2, 2, 0);
    check_pool(true, 3, 2, 1);
    check_pool(false, 2, 2, 0);
    check_batch_norm();
    check_softmax();
    check_random();
    check_optim();
    check_allocator();
    return CHECK_DONE();
}
