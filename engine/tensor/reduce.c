/* Reductions: sum/mean/max/min/argmax/prod over all or some dims, and the
 * composites built from them (var, std, norm, logsumexp, softmax) that get
 * their gradients from their parts. */
#include "internal.h"
#include "../device/backend.h"

#include <math.h>

/* Bit d set when dim d is reduced; n == 0 reduces all. */
static unsigned dims_mask(const Tensor *x, int n, const int *dims, const char *fn)
{
    if (n == 0 || x->ndim == 0)
        return (1u << x->ndim) - 1;
    unsigned m = 0;
    for (int i = 0; i < n; i++) {
        int d = t_wrap_dim(dims[i], x->ndim, fn);
        if (m & (1u << d))
            error_raise(ERR_VALUE, "%s: dim %d appears twice", fn, d);
        m |= 1u << d;
    }
    return m;
}

static int out_shape(const Tensor *x, unsigned mask, bool keepdim, int64_t *shape)
{
    int nd = 0;
    for (int d = 0; d < x->ndim; d++) {
        if (mask & (1u << d)) {
            if (keepdim) shape[nd++] = 1;
        } else {
            shape[nd++] = x->shape[d];
        }
    }
    return nd;
}

/* Runs the backend reduction of x over the masked dims into a new tensor. */
static Tensor *reduce_core(ReduceOp op, Tensor *x, unsigned mask, bool keepdim, DType out_dtype)
{
    DType cd = dtype_is_float(x->dtype) ? x->dtype : DT_INT64;
    Tensor *a = t_convert(x, cd);
    int lo = -1, hi = -1;
    bool block = true;
    for (int d = 0; d < a->ndim; d++)
        if (mask & (1u << d)) {
            if (lo < 0) lo = d;
            else if (hi != d - 1) block = false;
            hi = d;
        }
    int64_t k1 = 1, r = 1, k2 = 1;
    if (lo < 0) {
        k1 = a->numel;
        a = t_contig(a);
    } else if (block && a->contiguous) {
        for (int d = 0; d < lo; d++) k1 *= a->shape[d];
        for (int d = lo; d <= hi; d++) r *= a->shape[d];
        for (int d = hi + 1; d < a->ndim; d++) k2 *= a->shape[d];
    } else {
        /* Kept dims first, reduced dims last, then one contiguous copy. */
        int64_t shape[TENSOR_MAX_DIMS], strides[TENSOR_MAX_DIMS];
        int nd = 0;
        for (int pass = 0; pass < 2; pass++)
            for (int d = 0; d < a->ndim; d++)
                if (!!(mask & (1u << d)) == pass) {
                    shape[nd] = a->shape[d];
                    strides[nd++] = a->strides[d];
                    if (pass) r *= a->shape[d]; else k1 *= a->shape[d];
                }
        a = t_contig(t_view(a, nd, shape, strides, a->offset));
    }
    int64_t oshape[TENSOR_MAX_DIMS];
    int ond = out_shape(x, mask, keepdim, oshape);
    Tensor *out = t_new(out_dtype == DT_INT64 && (op == R_ARGMAX || op == R_ARGMIN) ? DT_INT64 : cd,
                        ond, oshape, x->device);
    if (r == 0 && (op == R_MAX || op == R_MIN || op == R_ARGMAX || op == R_ARGMIN))
        error_raise(ERR_VALUE, "max/min/argmax of an empty tensor (shape %s) is undefined", tensor_shape_str(x));
    dev_reduce(&(ReduceArgs){ .out = out, .a = a, .op = op, .k1 = k1, .r = r, .k2 = k2 });
    return out_dtype == out->dtype ? out : t_convert(out, out_dtype);
}

Tensor *t_sum_dims_impl(Tensor *x, int n, const int *dims, bool keepdim, const char *fn)
{
    interrupt_check();
    unsigned mask = dims_mask(x, n, dims, fn);
    Tensor *out = reduce_core(R_SUM, x, mask, keepdim, dtype_is_float(x->dtype) ? x->dtype : DT_INT64);
    if (ag_needs(x))
        ag_record(out, mask == (1u << x->ndim) - 1 && !keepdim ? &rule_SumAll : &rule_Sum, 1, &x,
                  &(ReduceParams){ mask, keepdim }, sizeof(ReduceParams));
    return out;
}

Tensor *tensor_sum(Tensor *x) { CDL_ARG(x); return t_sum_dims_impl(x, 0, NULL, false, "tensor_sum"); }
Tensor *tensor_sum_dim(Tensor *x, int dim, bool keepdim) { CDL_ARG(x); return t_sum_dims_impl(x, 1, &dim, keepdim, "tensor_sum_dim"); }
Tensor *tensor_sum_dims(Tensor *x, int n, const int *dims, bool keepdim)
{
    CDL_ARG(x);
    return t_sum_dims_impl(x, n, dims, keepdim, "tensor_sum_dims");
}

static int64_t reduced_count(const Tensor *x, unsigned mask)
{
    int64_t c = 1;
    for (int d = 0; d < x->ndim; d++)
        if (mask & (1u << d)) c *= x->shape[d];
    return c;
}

Tensor *tensor_mean_dims(Tensor *x, int n, const int *dims, bool keepdim)
{
    CDL_ARG(x);
    if (!dtype_is_float(x->dtype))
        error_raise(ERR_TYPE, "tensor_mean: needs a floating point tensor, not %s (use tensor_float(x))",
                    dtype_name(x->dtype));
    unsigned mask = dims_mask(x, n, dims, "tensor_mean");
    Tensor *s = t_sum_dims_impl(x, n, dims, keepdim, "tensor_mean");
    int64_t c = reduced_count(x, mask);
    Tensor *m = tensor_mul_scalar(s, c ? 1.0 / (double)c : NAN);
    if (m->grad_fn)
        m->grad_fn->rule = &rule_Mean;
    return m;
}

Tensor *tensor_mean(Tensor *x) { CDL_ARG(x); return tensor_mean_dims(x, 0, NULL, false); }
Tensor *tensor_mean_dim(Tensor *x, int dim, bool keepdim) { CDL_ARG(x); return tensor_mean_dims(x, 1, &dim, keepdim); }

static Tensor *maxmin_impl(Tensor *x, bool is_max, int n, const int *dims, bool keepdim, Tensor **indices, const char *fn)
{
    interrupt_check();
    unsigned mask = dims_mask(x, n, dims, fn);
    Tensor *out = reduce_core(is_max ? R_MAX : R_MIN, x, mask, keepdim, x->dtype);
    bool by_index = n != 0 && x->ndim > 0;  /* max over a dim: the gradient goes to the returned index */
    Tensor *idx = NULL;
    if (indices || (by_index && ag_needs(x)))
        idx = reduce_core(is_max ? R_ARGMAX : R_ARGMIN, x, mask, keepdim, DT_INT64);
    if (indices)
        *indices = idx;
    if (ag_needs(x)) {
        const GradRule *rule = by_index ? (is_max ? &rule_MaxDim : &rule_MinDim)
                                        : (is_max ? &rule_MaxAll : &rule_MinAll);
        Node *nd = ag_record(out, rule, 1, &x, &(ReduceParams){ mask, keepdim }, sizeof(ReduceParams));
        ag_save(nd, out);
        if (by_index)
            ag_save(nd, indices ? tensor_detach(idx) : idx);  /* its own header: the user's may be re-viewed */
    }
    return out;
}

Tensor *tensor_max(Tensor *x) { CDL_ARG(x); return maxmin_impl(x, true, 0, NULL, false, NULL, "tensor_max"); }
Tensor *tensor_min(Tensor *x) { CDL_ARG(x); return maxmin_impl(x, false, 0, NULL, false, NULL, "tensor_min"); }

Tensor *tensor_max_dim(Tensor *x, int dim, bool keepdim, Tensor **indices)
{
    CDL_ARG(x);
    return maxmin_impl(x, true, 1, &dim, keepdim, indices, "tensor_max_dim");
}

Tensor *tensor_min_dim(Tensor *x, int dim, bool keepdim, Tensor **indices)
{
    CDL_ARG(x);
    return maxmin_impl(x, false, 1, &dim, keepdim, indices, "tensor_min_dim");
}

static Tensor *arg_impl(Tensor *x, bool is_max, int dim, bool all, bool keepdim, const char *fn)
{
    interrupt_check();
    if (all) {
        Tensor *flat = tensor_reshape_shape(tensor_detach(x), 1, (int64_t[]){ -1 });
        return reduce_core(is_max ? R_ARGMAX : R_ARGMIN, flat, 1, false, DT_INT64);
    }
    unsigned mask = dims_mask(x, 1, &dim, fn);
    return reduce_core(is_max ? R_ARGMAX : R_ARGMIN, x, mask, keepdim, DT_INT64);
}

Tensor *tensor_argmax(Tensor *x) { CDL_ARG(x); return arg_impl(x, true, 0, true, false, "tensor_argmax"); }
Tensor *tensor_argmin(Tensor *x) { CDL_ARG(x); return arg_impl(x, false, 0, true, false, "tensor_argmin"); }
Tensor *tensor_argmax_dim(Tensor *x, int dim, bool keepdim) { CDL_ARG(x); return arg_impl(x, true, dim, false, keepdim, "tensor_argmax_dim"); }
Tensor *tensor_argmin_dim(Tensor *x, int dim, bool keepdim) { CDL_ARG(x); return arg_impl(x, false, dim, false, keepdim, "tensor_argmin_dim"); }

Tensor *tensor_prod(Tensor *x)
{
    CDL_ARG(x);
    interrupt_check();
    Tensor *out = reduce_core(R_PROD, x, (1u << x->ndim) - 1, false, dtype_is_float(x->dtype) ? x->dtype : DT_INT64);
    if (ag_needs(x)) {
        Node *nd = AG_RECORD(out, rule_Prod, x);
        ag_save(nd, x);
        ag_save(nd, out);
    }
    return out;
}

Tensor *tensor_var_dims(Tensor *x, int n, const int *dims, int correction, bool keepdim)
{
    CDL_ARG(x);
    if (!dtype_is_float(x->dtype))
        error_raise(ERR_TYPE, "tensor_var: needs a floating point tensor, not %s", dtype_name(x->dtype));
    unsigned mask = dims_mask(x, n, dims, "tensor_var");
    int64_t c = reduced_count(x, mask);
    Tensor *mean = tensor_mean_dims(x, n, dims, true);
    Tensor *d = tensor_sub(x, mean);
    Tensor *s = tensor_sum_dims(tensor_mul(d, d), n, dims, keepdim);
    double denom = (double)(c - correction);
    return tensor_mul_scalar(s, denom > 0 ? 1.0 / denom : NAN);
}

Tensor *tensor_var(Tensor *x) { CDL_ARG(x); return tensor_var_dims(x, 0, NULL, 1, false); }
Tensor *tensor_var_dim(Tensor *x, int dim, bool keepdim) { CDL_ARG(x); return tensor_var_dims(x, 1, &dim, 1, keepdim); }
Tensor *tensor_std(Tensor *x) { CDL_ARG(x); return tensor_sqrt(tensor_var(x)); }
Tensor *tensor_std_dim(Tensor *x, int dim, bool keepdim) { CDL_ARG(x); return tensor_sqrt(tensor_var_dim(x, dim, keepdim)); }

static Tensor *norm_impl(Tensor *x, double p, int n, const int *dims, bool keepdim)
{
    if (!dtype_is_float(x->dtype))
        x = tensor_to_dtype(x, cdl_default_dtype);
    if (p == 2)
        return tensor_sqrt(tensor_sum_dims(tensor_mul(x, x), n, dims, keepdim));
    if (p == 1)
        return tensor_sum_dims(tensor_abs(x), n, dims, keepdim);
    if (isinf(p) && p > 0)
        return n ? tensor_max_dim(tensor_abs(x), dims[0], keepdim, NULL) : tensor_max(tensor_abs(x));
    if (p <= 0)
        error_raise(ERR_VALUE, "tensor_norm: p = %g is not supported (use p > 0 or INFINITY)", p);
    return tensor_pow_scalar(tensor_sum_dims(tensor_pow_scalar(tensor_abs(x), p), n, dims, keepdim), 1.0 / p);
}

Tensor *tensor_norm(Tensor *x, double p) { CDL_ARG(x); return norm_impl(x, p, 0, NULL, false); }
Tensor *tensor_norm_dim(Tensor *x, double p, int dim, bool keepdim) { CDL_ARG(x); return norm_impl(x, p, 1, &dim, keepdim); }

Tensor *tensor_logsumexp(Tensor *x, int dim, bool keepdim)
{
    CDL_ARG(x);
    if (!dtype_is_float(x->dtype))
        x = tensor_to_dtype(x, cdl_default_dtype);
    Tensor *m;
    no_grad_enter();
    m = tensor_max_dim(x, dim, true, NULL);
    /* All -inf (or inf) rows: shift by 0 so the result is -inf, not nan. */
    m = tensor_where(t_unary(U_ISNAN, tensor_mul_scalar(m, 0), 0, 0, "tensor_logsumexp"), tensor_zeros_like(m), m);
    no_grad_exit();
    Tensor *s = tensor_log(tensor_sum_dim(tensor_exp(tensor_sub(x, m)), dim, true));
    Tensor *r = tensor_add(s, m);
    return keepdim ? r : tensor_squeeze_dim(r, dim);
}

/* x viewed as (k1, r, k2) around dim d. */
static void split_at(const Tensor *x, int d, int64_t *k1, int64_t *r, int64_t *k2)
{
    *k1 = *k2 = 1;
    *r = x->ndim ? x->shape[d] : 1;
    for (int i = 0; i < d; i++) *k1 *= x->shape[i];
    for (int i = d + 1; i < x->ndim; i++) *k2 *= x->shape[i];
}

/* One fused op (backend entry softmax): out = x - max - log(sum(exp(x -
 * max))) for log, exp of that for softmax; one node. */
static Tensor *softmax_impl(Tensor *x, int dim, bool log, const char *fn)
{
    interrupt_check();
    if (!dtype_is_float(x->dtype))
        x = tensor_to_dtype(x, cdl_default_dtype);
    int d = t_wrap_dim(dim, x->ndim, fn);
    Tensor *out = t_new(x->dtype, x->ndim, x->shape, x->device);
    SoftmaxArgs a = { .out = out, .x = t_contig(x), .log = log };
    split_at(x, d, &a.k1, &a.r, &a.k2);
    dev_softmax(&a);
    if (ag_needs(x)) {
        Node *n = ag_record(out, log ? &rule_LogSoftmax : &rule_Softmax, 1, &x, &(DimParams){ d }, sizeof(DimParams));
        ag_save(n, out);
    }
    return out;
}

Tensor *tensor_log_softmax(Tensor *x, int dim) { CDL_ARG(x); return softmax_impl(x, dim, true, "tensor_log_softmax"); }
Tensor *tensor_softmax(Tensor *x, int dim) { CDL_ARG(x); return softmax_impl(x, dim, false, "tensor_softmax"); }

/* The backward of (log_)softmax: fused when no graph is recorded; with
 * create_graph, differentiable ops of g and y. */
Tensor *t_softmax_backward(Tensor *g, Tensor *y, int d, bool log)
{
    if (ag_on() || g->dtype != y->dtype) {
        if (log)
            return tensor_sub(g, tensor_mul(tensor_exp(y), tensor_sum_dim(g, d, true)));
        return tensor_mul(y, tensor_sub(g, tensor_sum_dim(tensor_mul(g, y), d, true)));
    }
    Tensor *out = t_new(y->dtype, y->ndim, y->shape, y->device);
    SoftmaxBwdArgs a = { .gx = out, .g = t_contig(g), .y = t_contig(y), .log = log };
    split_at(y, d, &a.k1, &a.r, &a.k2);
    dev_softmax_bwd(&a);
    return out;
}

bool tensor_any(Tensor *x)
{
    CDL_ARG(x);
    interrupt_check();
    Tensor *b = t_contig(t_convert(tensor_to_device(x, DEVICE_CPU), DT_BOOL));
    const uint8_t *p = t_ptr(b);
    for (int64_t i = 0; i < b->numel; i++)
        if (p[i]) return true;
    return false;
}

bool tensor_all(Tensor *x)
{
    CDL_ARG(x);
    interrupt_check();
    Tensor *b = t_contig(t_convert(tensor_to_device(x, DEVICE_CPU), DT_BOOL));
    const uint8_t *p = t_ptr(b);
    for (int64_t i = 0; i < b->numel; i++)
        if (!p[i]) return false;
    return true;
}
