/* Elementwise ops with NumPy broadcasting and PyTorch's dtype promotion;
 * each records its autograd node (rules in autograd/backward_rules.c). */
#include "internal.h"
#include "../device/backend.h"

#include <math.h>

/* PyTorch's rule: a 0-dim operand does not raise the dtype of a dimensioned
 * one of the same category (float vs integer). */
static DType result_dtype(const Tensor *a, const Tensor *b)
{
    if (a->dtype == b->dtype)
        return a->dtype;
    bool fa = dtype_is_float(a->dtype), fb = dtype_is_float(b->dtype);
    if ((a->ndim == 0) != (b->ndim == 0) && fa == fb)
        return a->ndim == 0 ? b->dtype : a->dtype;
    if (fa != fb && (a->ndim == 0 || b->ndim == 0)) {
        const Tensor *fl = fa ? a : b, *other = fa ? b : a;
        if (fl->ndim == 0 && other->ndim != 0)
            return cdl_default_dtype;
    }
    return dtype_promote(a->dtype, b->dtype);
}

static bool same_shape(const Tensor *a, const Tensor *b)
{
    return a->ndim == b->ndim && !memcmp(a->shape, b->shape, sizeof(int64_t) * a->ndim);
}

static Tensor *binary(BinaryOp op, Tensor *a, Tensor *b, const char *fn)
{
    interrupt_check();
    if (a->device != b->device)
        t_same_device(a, b, fn);
    DType rd = result_dtype(a, b);
    if (!binary_op_takes_int(op) && !dtype_is_float(rd))
        rd = cdl_default_dtype;  /* true division; integer ** integer stays integer, like PyTorch */
    DType cd = dtype_is_float(rd) ? rd : DT_INT64;
    bool cmp = op >= B_COUNT_ARITH;  /* comparisons write bool */
    DType kd = cmp ? DT_BOOL : cd;   /* what the kernel writes */
    Tensor *out;
    if (a->dtype == cd && b->dtype == cd && a->contiguous && b->contiguous && same_shape(a, b)) {
        /* The small-tensor fast path: no conversion, no broadcast views. */
        out = t_new(kd, a->ndim, a->shape, a->device);
        dev_binary(&(BinaryArgs){ .out = out, .a = a, .b = b, .op = op });
    } else {
        int64_t shape[TENSOR_MAX_DIMS];
        int nd = t_broadcast_shape(a, b, shape, fn);
        Tensor *ca = t_convert(a, cd), *cb = t_convert(b, cd), va, vb;
        if (!same_shape(ca, cb) || ca->ndim != nd) {
            ca = t_broadcast_tmp(&va, ca, nd, shape);
            cb = t_broadcast_tmp(&vb, cb, nd, shape);
        }
        out = t_new(kd, nd, shape, a->device);
        dev_binary(&(BinaryArgs){ .out = out, .a = ca, .b = cb, .op = op });
    }
    if (!cmp && rd != cd)
        out = t_convert(out, rd);  /* uint8/bool arithmetic ran in int64 */
    return out;
}

Tensor *t_binary(int op, Tensor *a, Tensor *b, const char *fn) { return binary((BinaryOp)op, a, b, fn); }

Tensor *tensor_add(Tensor *a, Tensor *b)
{
    CDL_ARG(a);
    CDL_ARG(b);
    Tensor *out = binary(B_ADD, a, b, "tensor_add");
    if (ag_needs2(a, b))
        AG_RECORD(out, rule_Add, a, b);
    return out;
}

Tensor *tensor_sub(Tensor *a, Tensor *b)
{
    CDL_ARG(a);
    CDL_ARG(b);
    Tensor *out = binary(B_SUB, a, b, "tensor_sub");
    if (ag_needs2(a, b))
        AG_RECORD(out, rule_Sub, a, b);
    return out;
}

Tensor *tensor_mul(Tensor *a, Tensor *b)
{
    CDL_ARG(a);
    CDL_ARG(b);
    Tensor *out = binary(B_MUL, a, b, "tensor_mul");
    if (ag_needs2(a, b)) {
        Node *n = AG_RECORD(out, rule_Mul, a, b);
        ag_save(n, a);
        ag_save(n, b);
    }
    return out;
}

Tensor *tensor_div(Tensor *a, Tensor *b)
{
    CDL_ARG(a);
    CDL_ARG(b);
    Tensor *out = binary(B_DIV, a, b, "tensor_div");
    if (ag_needs2(a, b)) {
        Node *n = AG_RECORD(out, rule_Div, a, b);
        ag_save(n, a);
        ag_save(n, b);
    }
    return out;
}

Tensor *tensor_pow(Tensor *a, Tensor *b)
{
    CDL_ARG(a);
    CDL_ARG(b);
    Tensor *out = binary(B_POW, a, b, "tensor_pow");
    if (ag_needs2(a, b)) {
        Node *n = AG_RECORD(out, rule_Pow, a, b);
        ag_save(n, a);
        ag_save(n, b);
        ag_save(n, out);
    }
    return out;
}

static Tensor *maxmin(BinaryOp op, Tensor *a, Tensor *b, const char *fn)
{
    Tensor *out = binary(op, a, b, fn);
    if (ag_needs2(a, b)) {
        Node *n = ag_record(out, op == B_MAX ? &rule_Maximum : &rule_Minimum, 2, (Tensor *[]){ a, b }, NULL, 0);
        ag_save(n, a);
        ag_save(n, b);
    }
    return out;
}

Tensor *tensor_maximum(Tensor *a, Tensor *b) { CDL_ARG(a); CDL_ARG(b); return maxmin(B_MAX, a, b, "tensor_maximum"); }
Tensor *tensor_minimum(Tensor *a, Tensor *b) { CDL_ARG(a); CDL_ARG(b); return maxmin(B_MIN, a, b, "tensor_minimum"); }

Tensor *tensor_eq(Tensor *a, Tensor *b) { CDL_ARG(a); CDL_ARG(b); return binary(B_EQ, a, b, "tensor_eq"); }
Tensor *tensor_ne(Tensor *a, Tensor *b) { CDL_ARG(a); CDL_ARG(b); return binary(B_NE, a, b, "tensor_ne"); }
Tensor *tensor_lt(Tensor *a, Tensor *b) { CDL_ARG(a); CDL_ARG(b); return binary(B_LT, a, b, "tensor_lt"); }
Tensor *tensor_le(Tensor *a, Tensor *b) { CDL_ARG(a); CDL_ARG(b); return binary(B_LE, a, b, "tensor_le"); }
Tensor *tensor_gt(Tensor *a, Tensor *b) { CDL_ARG(a); CDL_ARG(b); return binary(B_GT, a, b, "tensor_gt"); }
Tensor *tensor_ge(Tensor *a, Tensor *b) { CDL_ARG(a); CDL_ARG(b); return binary(B_GE, a, b, "tensor_ge"); }
Tensor *tensor_logical_and(Tensor *a, Tensor *b) { CDL_ARG(a); CDL_ARG(b); return binary(B_AND, a, b, "tensor_logical_and"); }
Tensor *tensor_logical_or(Tensor *a, Tensor *b) { CDL_ARG(a); CDL_ARG(b); return binary(B_OR, a, b, "tensor_logical_or"); }

/* ---- unary and tensor-scalar ops ---- */

static bool integral(double v) { return v == floor(v) && fabs(v) < 9e18; }

Tensor *t_unary(int op, Tensor *x, double p0, double p1, const char *fn)
{
    interrupt_check();
    DType cd = x->dtype;
    if (!dtype_is_float(cd)) {
        bool scalar_ok = (op != U_ADD_S && op != U_MUL_S && op != U_RSUB_S && op != U_POW_S && op < U_COUNT_FLOAT) ||
                         integral(p0) || op == U_NOT || op == U_ISNAN;
        if (op == U_POW_S && integral(p0) && p0 < 0)
            error_raise(ERR_VALUE, "%s: integers to negative integer powers are not allowed "
                        "(convert first: tensor_float(x))", fn);
        if (op == U_CLAMP) {
            scalar_ok = true;
            p0 = p0 < -9e18 ? -9e18 : ceil(p0);
            p1 = p1 > 9e18 ? 9e18 : floor(p1);
        }
        cd = unary_op_takes_int((UnaryOp)op) && scalar_ok ? DT_INT64 : (op >= U_COUNT_FLOAT ? DT_FLOAT64 : cdl_default_dtype);
    }
    Tensor *a = t_convert(x, cd);
    Tensor *out = t_new(op >= U_COUNT_FLOAT ? DT_BOOL : cd, x->ndim, x->shape, x->device);
    dev_unary(&(UnaryArgs){ .out = out, .a = a, .op = (UnaryOp)op, .p0 = p0, .p1 = p1 });
    /* Integer results keep the input's type (PyTorch: -u8, u8 * u8, u8 ** 2,
     * u8 + 1 stay uint8, wrapping); bool arithmetic gives int64. */
    if (op < U_COUNT_FLOAT && cd == DT_INT64 && x->dtype == DT_UINT8)
        out = t_convert(out, DT_UINT8);
    else if (op < U_COUNT_FLOAT && cd == DT_INT64 && x->dtype == DT_BOOL && op != U_ADD_S && op != U_MUL_S &&
             op != U_RSUB_S && op != U_NEG && op != U_SQUARE && op != U_POW_S)
        out = t_convert(out, DT_BOOL);  /* abs/relu/clamp of bool stay bool */
    return out;
}

/* One-input op with a rule: saves x and/or the output as the rule needs. */
enum { SAVE_X = 1, SAVE_OUT = 2 };
static Tensor *unary_ag(int op, Tensor *x, double p0, double p1, const GradRule *rule, int save, const char *fn)
{
    Tensor *out = t_unary(op, x, p0, p1, fn);
    if (rule && ag_needs(x) && dtype_is_float(out->dtype)) {
        Node *n = ag_record(out, rule, 1, &x, &(ScalarParams){ p0, p1 }, sizeof(ScalarParams));
        if (save & SAVE_X) ag_save(n, x);
        if (save & SAVE_OUT) ag_save(n, out);
    }
    return out;
}

Tensor *tensor_add_scalar(Tensor *a, double s) { CDL_ARG(a); return unary_ag(U_ADD_S, a, s, 0, &rule_AddScalar, 0, "tensor_add_scalar"); }
Tensor *tensor_sub_scalar(Tensor *a, double s) { CDL_ARG(a); return unary_ag(U_ADD_S, a, -s, 0, &rule_AddScalar, 0, "tensor_sub_scalar"); }
Tensor *tensor_rsub_scalar(Tensor *a, double s) { CDL_ARG(a); return unary_ag(U_RSUB_S, a, s, 0, &rule_RsubScalar, 0, "tensor_rsub_scalar"); }
Tensor *tensor_mul_scalar(Tensor *a, double s) { CDL_ARG(a); return unary_ag(U_MUL_S, a, s, 0, &rule_MulScalar, 0, "tensor_mul_scalar"); }
Tensor *tensor_rdiv_scalar(Tensor *a, double s) { CDL_ARG(a); return unary_ag(U_RDIV_S, a, s, 0, &rule_RdivScalar, SAVE_X, "tensor_rdiv_scalar"); }
Tensor *tensor_pow_scalar(Tensor *a, double s) { CDL_ARG(a); return unary_ag(U_POW_S, a, s, 0, &rule_PowScalar, SAVE_X, "tensor_pow_scalar"); }
Tensor *tensor_rpow_scalar(Tensor *a, double s) { CDL_ARG(a); return unary_ag(U_RPOW_S, a, s, 0, &rule_RpowScalar, SAVE_OUT, "tensor_rpow_scalar"); }

Tensor *tensor_div_scalar(Tensor *a, double s)
{
    CDL_ARG(a);
    if (!dtype_is_float(a->dtype))
        a = t_convert(a, cdl_default_dtype);
    return unary_ag(U_MUL_S, a, 1.0 / s, 0, &rule_MulScalar, 0, "tensor_div_scalar");
}

Tensor *tensor_neg(Tensor *x) { CDL_ARG(x); return unary_ag(U_NEG, x, 0, 0, &rule_Neg, 0, "tensor_neg"); }
Tensor *tensor_abs(Tensor *x) { CDL_ARG(x); return unary_ag(U_ABS, x, 0, 0, &rule_Abs, SAVE_X, "tensor_abs"); }
Tensor *tensor_sign(Tensor *x) { CDL_ARG(x); return unary_ag(U_SIGN, x, 0, 0, &rule_Zero, 0, "tensor_sign"); }
Tensor *tensor_exp(Tensor *x) { CDL_ARG(x); return unary_ag(U_EXP, x, 0, 0, &rule_Exp, SAVE_OUT, "tensor_exp"); }
Tensor *tensor_log(Tensor *x) { CDL_ARG(x); return unary_ag(U_LOG, x, 0, 0, &rule_Log, SAVE_X, "tensor_log"); }
Tensor *tensor_log1p(Tensor *x) { CDL_ARG(x); return unary_ag(U_LOG1P, x, 0, 0, &rule_Log1p, SAVE_X, "tensor_log1p"); }
Tensor *tensor_sqrt(Tensor *x) { CDL_ARG(x); return unary_ag(U_SQRT, x, 0, 0, &rule_Sqrt, SAVE_OUT, "tensor_sqrt"); }
Tensor *tensor_square(Tensor *x) { CDL_ARG(x); return unary_ag(U_SQUARE, x, 2, 0, &rule_PowScalar, SAVE_X, "tensor_square"); }
Tensor *tensor_reciprocal(Tensor *x) { CDL_ARG(x); return unary_ag(U_RDIV_S, x, 1, 0, &rule_RdivScalar, SAVE_X, "tensor_reciprocal"); }
Tensor *tensor_sin(Tensor *x) { CDL_ARG(x); return unary_ag(U_SIN, x, 0, 0, &rule_Sin, SAVE_X, "tensor_sin"); }
Tensor *tensor_cos(Tensor *x) { CDL_ARG(x); return unary_ag(U_COS, x, 0, 0, &rule_Cos, SAVE_X, "tensor_cos"); }
Tensor *tensor_tanh(Tensor *x) { CDL_ARG(x); return unary_ag(U_TANH, x, 0, 0, &rule_Tanh, SAVE_OUT, "tensor_tanh"); }
Tensor *tensor_erf(Tensor *x) { CDL_ARG(x); return unary_ag(U_ERF, x, 0, 0, &rule_Erf, SAVE_X, "tensor_erf"); }
Tensor *tensor_floor(Tensor *x) { CDL_ARG(x); return unary_ag(U_FLOOR, x, 0, 0, &rule_Zero, 0, "tensor_floor"); }
Tensor *tensor_ceil(Tensor *x) { CDL_ARG(x); return unary_ag(U_CEIL, x, 0, 0, &rule_Zero, 0, "tensor_ceil"); }
Tensor *tensor_round(Tensor *x) { CDL_ARG(x); return unary_ag(U_ROUND, x, 0, 0, &rule_Zero, 0, "tensor_round"); }
Tensor *tensor_sigmoid(Tensor *x) { CDL_ARG(x); return unary_ag(U_SIGMOID, x, 0, 0, &rule_Sigmoid, SAVE_OUT, "tensor_sigmoid"); }
Tensor *tensor_relu(Tensor *x) { CDL_ARG(x); return unary_ag(U_RELU, x, 0, 0, &rule_Relu, SAVE_OUT, "tensor_relu"); }
Tensor *tensor_leaky_relu(Tensor *x, double slope) { CDL_ARG(x); return unary_ag(U_LEAKY_RELU, x, slope, 0, &rule_LeakyRelu, SAVE_X, "tensor_leaky_relu"); }
Tensor *tensor_elu(Tensor *x, double alpha) { CDL_ARG(x); return unary_ag(U_ELU, x, alpha, 0, &rule_Elu, SAVE_X | SAVE_OUT, "tensor_elu"); }
Tensor *tensor_gelu(Tensor *x) { CDL_ARG(x); return unary_ag(U_GELU, x, 0, 0, &rule_Gelu, SAVE_X, "tensor_gelu"); }
Tensor *tensor_softplus(Tensor *x) { CDL_ARG(x); return unary_ag(U_SOFTPLUS, x, 0, 0, &rule_Softplus, SAVE_X, "tensor_softplus"); }

Tensor *tensor_clamp(Tensor *x, double lo, double hi)
{
    CDL_ARG(x);
    if (lo > hi)
        error_raise(ERR_VALUE, "tensor_clamp: lo = %g is above hi = %g", lo, hi);
    return unary_ag(U_CLAMP, x, lo, hi, &rule_Clamp, SAVE_X, "tensor_clamp");
}

Tensor *tensor_eq_scalar(Tensor *a, double s) { CDL_ARG(a); return t_unary(U_EQ_S, a, s, 0, "tensor_eq_scalar"); }
Tensor *tensor_ne_scalar(Tensor *a, double s) { CDL_ARG(a); return t_unary(U_NE_S, a, s, 0, "tensor_ne_scalar"); }
Tensor *tensor_lt_scalar(Tensor *a, double s) { CDL_ARG(a); return t_unary(U_LT_S, a, s, 0, "tensor_lt_scalar"); }
Tensor *tensor_le_scalar(Tensor *a, double s) { CDL_ARG(a); return t_unary(U_LE_S, a, s, 0, "tensor_le_scalar"); }
Tensor *tensor_gt_scalar(Tensor *a, double s) { CDL_ARG(a); return t_unary(U_GT_S, a, s, 0, "tensor_gt_scalar"); }
Tensor *tensor_ge_scalar(Tensor *a, double s) { CDL_ARG(a); return t_unary(U_GE_S, a, s, 0, "tensor_ge_scalar"); }
Tensor *tensor_logical_not(Tensor *a) { CDL_ARG(a); return t_unary(U_NOT, a, 0, 0, "tensor_logical_not"); }

Tensor *tensor_where(Tensor *cond, Tensor *a, Tensor *b)
{
    CDL_ARG(cond);
    CDL_ARG(a);
    CDL_ARG(b);
    interrupt_check();
    t_same_device(cond, a, "tensor_where");
    t_same_device(a, b, "tensor_where");
    int64_t s1[TENSOR_MAX_DIMS], shape[TENSOR_MAX_DIMS];
    int n1 = t_broadcast_shape(a, b, s1, "tensor_where");
    Tensor tmp = { .ndim = n1 };
    memcpy(tmp.shape, s1, sizeof s1);
    int nd = t_broadcast_shape(cond, &tmp, shape, "tensor_where");
    DType dt = result_dtype(a, b);
    Tensor *c = t_broadcast_to(t_convert(cond, DT_BOOL), nd, shape);
    Tensor *ca = t_broadcast_to(t_convert(a, dt), nd, shape);
    Tensor *cb = t_broadcast_to(t_convert(b, dt), nd, shape);
    Tensor *out = t_new(dt, nd, shape, a->device);
    dev_where(&(WhereArgs){ .out = out, .a = ca, .b = cb, .cond = c });
    if (ag_needs2(a, b) && dtype_is_float(dt)) {
        Node *n = AG_RECORD(out, rule_Where, a, b);
        ag_save(n, c);
    }
    return out;
}

/* ---- in place ---- */

static Tensor *inplace_binary(BinaryOp op, Tensor *a, Tensor *b, const char *fn)
{
    interrupt_check();
    t_same_device(a, b, fn);
    int64_t shape[TENSOR_MAX_DIMS];
    int nd = t_broadcast_shape(a, b, shape, fn);
    if (nd != a->ndim || memcmp(shape, a->shape, sizeof(int64_t) * nd))
        error_raise(ERR_SHAPE, "%s: the result of shape %s does not fit in a of shape %s "
                    "(b of shape %s must broadcast to a)", fn, t_shape_str(nd, shape),
                    tensor_shape_str(a), tensor_shape_str(b));
    if (!dtype_is_float(a->dtype) && (op == B_DIV || dtype_is_float(b->dtype)))
        error_raise(ERR_TYPE, "%s: a %s result cannot be stored in a %s tensor", fn,
                    dtype_name(dtype_is_float(b->dtype) ? b->dtype : cdl_default_dtype), dtype_name(a->dtype));
    t_begin_inplace(a, fn);
    DType cd = dtype_is_float(a->dtype) ? a->dtype : DT_INT64;
    Tensor vb, *cb = t_broadcast_tmp(&vb, t_convert(b, cd), a->ndim, a->shape);
    if (cd == a->dtype) {
        dev_binary(&(BinaryArgs){ .out = a, .a = a, .b = cb, .op = op });
    } else {
        Tensor *ca = t_convert(a, cd);
        Tensor *r = t_new(cd, a->ndim, a->shape, a->device);
        dev_binary(&(BinaryArgs){ .out = r, .a = ca, .b = cb, .op = op });
        dev_copy(&(CopyArgs){ .out = a, .in = r });
    }
    return a;
}

Tensor *tensor_add_(Tensor *a, Tensor *b) { CDL_ARG(a); CDL_ARG(b); return inplace_binary(B_ADD, a, b, "tensor_add_"); }
Tensor *tensor_sub_(Tensor *a, Tensor *b) { CDL_ARG(a); CDL_ARG(b); return inplace_binary(B_SUB, a, b, "tensor_sub_"); }
Tensor *tensor_mul_(Tensor *a, Tensor *b) { CDL_ARG(a); CDL_ARG(b); return inplace_binary(B_MUL, a, b, "tensor_mul_"); }
Tensor *tensor_div_(Tensor *a, Tensor *b) { CDL_ARG(a); CDL_ARG(b); return inplace_binary(B_DIV, a, b, "tensor_div_"); }

Tensor *tensor_add_scaled_(Tensor *a, Tensor *b, double alpha)
{
    CDL_ARG(a);
    CDL_ARG(b);
    if (alpha == 1)
        return inplace_binary(B_ADD, a, b, "tensor_add_scaled_");
    interrupt_check();
    if (a->device == b->device && a->dtype == b->dtype &&
        dtype_is_float(a->dtype) && a->contiguous && b->contiguous && same_shape(a, b) &&
        (a->storage != b->storage || a->offset == b->offset)) {  /* no partial overlap */
        /* The optimizer fast path: one pass, no temporary. */
        t_begin_inplace(a, "tensor_add_scaled_");
        dev_axpy(&(AxpyArgs){ .a = a, .b = b, .alpha = alpha });
        return a;
    }
    Tensor *sb = t_unary(U_MUL_S, b, alpha, 0, "tensor_add_scaled_");
    return inplace_binary(B_ADD, a, sb, "tensor_add_scaled_");
}

static Tensor *inplace_unary(int op, Tensor *a, double p0, double p1, const char *fn)
{
    interrupt_check();
    if (!dtype_is_float(a->dtype) && op != U_CLAMP && !integral(p0))
        error_raise(ERR_TYPE, "%s: a float result cannot be stored in a %s tensor", fn, dtype_name(a->dtype));
    t_begin_inplace(a, fn);
    if (a->dtype == DT_FLOAT32 || a->dtype == DT_FLOAT64 || a->dtype == DT_INT64) {
        dev_unary(&(UnaryArgs){ .out = a, .a = a, .op = (UnaryOp)op, .p0 = p0, .p1 = p1 });
    } else {
        Tensor *r = t_unary(op, a, p0, p1, fn);
        dev_copy(&(CopyArgs){ .out = a, .in = r });
    }
    return a;
}

Tensor *tensor_add_scalar_(Tensor *a, double s) { CDL_ARG(a); return inplace_unary(U_ADD_S, a, s, 0, "tensor_add_scalar_"); }
Tensor *tensor_mul_scalar_(Tensor *a, double s) { CDL_ARG(a); return inplace_unary(U_MUL_S, a, s, 0, "tensor_mul_scalar_"); }

Tensor *tensor_clamp_(Tensor *a, double lo, double hi)
{
    CDL_ARG(a);
    if (lo > hi)
        error_raise(ERR_VALUE, "tensor_clamp_: lo = %g is above hi = %g", lo, hi);
    if (!dtype_is_float(a->dtype)) {
        lo = lo < -9e18 ? -9e18 : ceil(lo);
        hi = hi > 9e18 ? 9e18 : floor(hi);
    }
    return inplace_unary(U_CLAMP, a, lo, hi, "tensor_clamp_");
}

Tensor *tensor_fill_(Tensor *a, double value)
{
    CDL_ARG(a);
    interrupt_check();
    t_begin_inplace(a, "tensor_fill_");
    dev_fill(&(FillArgs){ .out = a, .value = value });
    return a;
}

Tensor *tensor_zero_(Tensor *a) { CDL_ARG(a); return tensor_fill_(a, 0); }

Tensor *tensor_copy_(Tensor *a, Tensor *src)
{
    CDL_ARG(a);
    CDL_ARG(src);
    interrupt_check();
    int64_t shape[TENSOR_MAX_DIMS];
    int nd = t_broadcast_shape(a, src, shape, "tensor_copy_");
    if (nd != a->ndim || memcmp(shape, a->shape, sizeof(int64_t) * nd))
        error_raise(ERR_SHAPE, "tensor_copy_: src of shape %s does not broadcast to a of shape %s",
                    tensor_shape_str(src), tensor_shape_str(a));
    t_begin_inplace(a, "tensor_copy_");
    Tensor *s = src->device == a->device ? src : tensor_to_device(src, a->device);
    dev_copy(&(CopyArgs){ .out = a, .in = t_broadcast_to(s, a->ndim, a->shape) });
    return a;
}

/* ---- whole-tensor comparisons ---- */

bool tensor_allclose(Tensor *a, Tensor *b, double rtol, double atol)
{
    CDL_ARG(a);
    CDL_ARG(b);
    interrupt_check();
    if (!same_shape(a, b))
        return false;
    Tensor *x = t_contig(t_convert(tensor_to_device(a, DEVICE_CPU), DT_FLOAT64));
    Tensor *y = t_contig(t_convert(tensor_to_device(b, DEVICE_CPU), DT_FLOAT64));
    const double *p = t_ptr(x), *q = t_ptr(y);
    for (int64_t i = 0; i < x->numel; i++) {
        if (isnan(p[i]) || isnan(q[i]))
            return false;
        if (p[i] != q[i] && !(fabs(p[i] - q[i]) <= atol + rtol * fabs(q[i])))
            return false;
    }
    return true;
}

bool tensor_equal(Tensor *a, Tensor *b)
{
    CDL_ARG(a);
    CDL_ARG(b);
    return tensor_allclose(a, b, 0, 0);
}
