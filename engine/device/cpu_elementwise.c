/* CPU elementwise kernels: one row function per (op, dtype), generated from
 * expression tables, each with a contiguous fast path the compiler can
 * vectorize and a strided fallback. */
#include "cpu.h"

#include <math.h>

#define UN_ROW(NAME, T, TO, EXPR) \
CPU_VEC static void NAME(int64_t n, char **p, const int64_t *s, const void *ctx) \
{ \
    const double *P = ctx; \
    T p0 = (T)P[0], p1 = (T)P[1]; \
    (void)p0; (void)p1; \
    if (s[0] == sizeof(TO) && s[1] == sizeof(T)) { \
        TO *o = (TO *)p[0]; const T *a = (const T *)p[1]; \
        for (int64_t i = 0; i < n; i++) { T x = a[i]; o[i] = (TO)(EXPR); } \
    } else { \
        for (int64_t i = 0; i < n; i++) { T x = *(const T *)(p[1] + i * s[1]); \
            *(TO *)(p[0] + i * s[0]) = (TO)(EXPR); } \
    } \
}

/* float32 tanh as Eigen's rational approximation (a few ulp; vectorizes,
 * where libm's tanhf is a call per element): clamped to +-7.9, where it is
 * +-1 in float; x itself below 4e-4. */
static inline float tanh_f32(float x)
{
    float c = x < -7.90531110763549805f ? -7.90531110763549805f : x > 7.90531110763549805f ? 7.90531110763549805f : x;
    float x2 = c * c;
    float p = x2 * -2.76076847742355e-16f + 2.00018790482477e-13f;
    p = x2 * p + -8.60467152213735e-11f;
    p = x2 * p + 5.12229709037114e-08f;
    p = x2 * p + 1.48572235717979e-05f;
    p = x2 * p + 6.37261928875436e-04f;
    p = x2 * p + 4.89352455891786e-03f;
    p = c * p;
    float q = x2 * 1.19825839466702e-06f + 1.18534705686654e-04f;
    q = x2 * q + 2.26843463243900e-03f;
    q = x2 * q + 4.89352518554385e-03f;
    return (x < 4e-4f && x > -4e-4f) ? x : p / q;
}
#define TANH_float(x) tanh_f32(x)
#define TANH_double(x) tanh(x)

#define F32(fn) fn##f
#define F64(fn) fn
#define SQRT1_2 0.70710678118654752440
#define INV_SQRT_2PI 0.39894228040143267794

/* (op, expression of x, p0, p1) for floating types; F picks float/double math. */
#define FLOAT_UNARY(X, T, F) \
    X(U_NEG, T, -x) X(U_ABS, T, F(fabs)(x)) X(U_SIGN, T, (T)((x > 0) - (x < 0))) \
    X(U_EXP, T, F(exp)(x)) X(U_LOG, T, F(log)(x)) X(U_LOG1P, T, F(log1p)(x)) \
    X(U_SQRT, T, F(sqrt)(x)) X(U_SQUARE, T, x * x) X(U_RECIP, T, (T)1 / x) \
    X(U_SIN, T, F(sin)(x)) X(U_COS, T, F(cos)(x)) X(U_TANH, T, TANH_##T(x)) \
    X(U_ERF, T, F(erf)(x)) X(U_FLOOR, T, F(floor)(x)) X(U_CEIL, T, F(ceil)(x)) \
    X(U_ROUND, T, F(nearbyint)(x)) X(U_SIGMOID, T, (T)1 / ((T)1 + F(exp)(-x))) \
    X(U_RELU, T, x < 0 ? (T)0 : x) X(U_LEAKY_RELU, T, x > 0 ? x : x * p0) \
    X(U_ELU, T, x > 0 ? x : p0 * F(expm1)(x)) \
    X(U_GELU, T, (T)0.5 * x * ((T)1 + F(erf)(x * (T)SQRT1_2))) \
    X(U_SOFTPLUS, T, x > 20 ? x : F(log1p)(F(exp)(x))) \
    X(U_CLAMP, T, x < p0 ? p0 : (x > p1 ? p1 : x)) X(U_STEP, T, x > 0 ? (T)1 : (T)0) \
    X(U_ADD_S, T, x + p0) X(U_MUL_S, T, x * p0) X(U_RSUB_S, T, p0 - x) \
    X(U_RDIV_S, T, p0 / x) X(U_POW_S, T, F(pow)(x, p0)) X(U_RPOW_S, T, F(pow)(p0, x)) \
    X(U_GELU_GRAD, T, (T)0.5 * ((T)1 + F(erf)(x * (T)SQRT1_2)) + x * F(exp)((T)-0.5 * x * x) * (T)INV_SQRT_2PI) \
    CMP_UNARY(X, T)

#define CMP_UNARY(X, T) \
    X(U_EQ_S, T, x == p0) X(U_NE_S, T, x != p0) X(U_LT_S, T, x < p0) X(U_LE_S, T, x <= p0) \
    X(U_GT_S, T, x > p0) X(U_GE_S, T, x >= p0) X(U_NOT, T, x == 0) X(U_ISNAN, T, x != x)

/* Integer power by squaring; negative exponents give 0 except for bases
 * 1 and -1 (PyTorch's integer rule). */
static inline int64_t ipow(int64_t x, int64_t y)
{
    if (y < 0)
        return x == 1 ? 1 : x == -1 ? ((y & 1) ? -1 : 1) : 0;
    uint64_t r = 1, b = (uint64_t)x;  /* unsigned: wraps like C's int64 in PyTorch */
    while (y) {
        if (y & 1) r *= b;
        b *= b;
        y >>= 1;
    }
    return (int64_t)r;
}

#define INT_UNARY(X, T) \
    X(U_NEG, T, -x) X(U_ABS, T, x < 0 ? -x : x) X(U_SIGN, T, (x > 0) - (x < 0)) \
    X(U_SQUARE, T, x * x) X(U_RELU, T, x < 0 ? 0 : x) X(U_CLAMP, T, x < p0 ? p0 : (x > p1 ? p1 : x)) \
    X(U_STEP, T, x > 0) X(U_ADD_S, T, x + p0) X(U_MUL_S, T, x * p0) X(U_RSUB_S, T, p0 - x) \
    X(U_FLOOR, T, x) X(U_CEIL, T, x) X(U_ROUND, T, x) X(U_POW_S, T, ipow(x, p0)) \
    CMP_UNARY(X, T)


#define DEF_F32(op, T, EXPR) UN_ROW(un_f32_##op, float, float, EXPR)
#define DEF_F64(op, T, EXPR) UN_ROW(un_f64_##op, double, double, EXPR)
#define DEF_I64(op, T, EXPR) UN_ROW(un_i64_##op, int64_t, int64_t, EXPR)
#define DEF_F32B(op, T, EXPR) UN_ROW(un_f32_##op, float, uint8_t, EXPR)
#define DEF_F64B(op, T, EXPR) UN_ROW(un_f64_##op, double, uint8_t, EXPR)
#define DEF_I64B(op, T, EXPR) UN_ROW(un_i64_##op, int64_t, uint8_t, EXPR)

/* Arithmetic ops write T, comparisons write bool: split the tables. */
#undef CMP_UNARY
#define CMP_UNARY(X, T)
FLOAT_UNARY(DEF_F32, float, F32)
FLOAT_UNARY(DEF_F64, double, F64)
INT_UNARY(DEF_I64, int64_t)
#undef CMP_UNARY
#define CMP_LIST(X, T) \
    X(U_EQ_S, T, x == p0) X(U_NE_S, T, x != p0) X(U_LT_S, T, x < p0) X(U_LE_S, T, x <= p0) \
    X(U_GT_S, T, x > p0) X(U_GE_S, T, x >= p0) X(U_NOT, T, x == 0) X(U_ISNAN, T, x != x)
CMP_LIST(DEF_F32B, float)
CMP_LIST(DEF_F64B, double)
CMP_LIST(DEF_I64B, int64_t)

static RowFn g_unary[U_COUNT][3];

#define CMP_UNARY(X, T)
#define REG_F32(op, T, E) g_unary[op][0] = un_f32_##op;
#define REG_F64(op, T, E) g_unary[op][1] = un_f64_##op;
#define REG_I64(op, T, E) g_unary[op][2] = un_i64_##op;

__attribute__((constructor)) static void register_unary(void)
{
    FLOAT_UNARY(REG_F32, float, F32)
    FLOAT_UNARY(REG_F64, double, F64)
    INT_UNARY(REG_I64, int64_t)
    CMP_LIST(REG_F32, float)
    CMP_LIST(REG_F64, double)
    CMP_LIST(REG_I64, int64_t)
}

static int type_slot(DType d)
{
    return d == DT_FLOAT32 ? 0 : d == DT_FLOAT64 ? 1 : 2;
}

void cpu_unary(UnaryArgs *u)
{
    RowFn fn = g_unary[u->op][type_slot(u->a->dtype)];
    if (!fn)
        error_raise(ERR_TYPE, "%s is not defined for %s tensors (convert with tensor_float)", unary_op_name(u->op),
                    dtype_name(u->a->dtype));
    double P[2] = { u->p0, u->p1 };
    const Tensor *ts[2] = { u->out, u->a };
    cpu_foreach(2, ts, fn, P);
}

/* ---- binary ---- */

#define BIN_ROW(NAME, T, TO, EXPR) \
CPU_VEC static void NAME(int64_t n, char **p, const int64_t *s, const void *ctx) \
{ \
    (void)ctx; \
    TO *o = (TO *)p[0]; const T *a = (const T *)p[1], *b = (const T *)p[2]; \
    if (s[0] == sizeof(TO) && s[1] == sizeof(T) && s[2] == sizeof(T)) { \
        for (int64_t i = 0; i < n; i++) { T x = a[i], y = b[i]; o[i] = (TO)(EXPR); } \
    } else if (s[0] == sizeof(TO) && s[1] == sizeof(T) && s[2] == 0) { \
        T y = b[0]; \
        for (int64_t i = 0; i < n; i++) { T x = a[i]; o[i] = (TO)(EXPR); } \
    } else if (s[0] == sizeof(TO) && s[1] == 0 && s[2] == sizeof(T)) { \
        T x = a[0]; \
        for (int64_t i = 0; i < n; i++) { T y = b[i]; o[i] = (TO)(EXPR); } \
    } else { \
        for (int64_t i = 0; i < n; i++) { \
            T x = *(const T *)((const char *)a + i * s[1]), y = *(const T *)((const char *)b + i * s[2]); \
            *(TO *)((char *)o + i * s[0]) = (TO)(EXPR); } \
    } \
}

#define ARITH(X, T, F) \
    X(B_ADD, T, x + y) X(B_SUB, T, x - y) X(B_MUL, T, x * y) X(B_DIV, T, x / y) \
    X(B_POW, T, F(pow)(x, y)) X(B_MAX, T, (x > y || x != x) ? x : y) X(B_MIN, T, (x < y || x != x) ? x : y) \
    X(B_RELU_BW, T, y > 0 ? x : (T)0) X(B_TANH_BW, T, x * ((T)1 - y * y)) X(B_SIGMOID_BW, T, x * (y * ((T)1 - y)))
#define IARITH(X, T) \
    X(B_ADD, T, x + y) X(B_SUB, T, x - y) X(B_MUL, T, x * y) X(B_POW, T, ipow(x, y)) \
    X(B_MAX, T, x > y ? x : y) X(B_MIN, T, x < y ? x : y)
#define CMP(X, T) \
    X(B_EQ, T, x == y) X(B_NE, T, x != y) X(B_LT, T, x < y) X(B_LE, T, x <= y) \
    X(B_GT, T, x > y) X(B_GE, T, x >= y) X(B_AND, T, (x != 0) && (y != 0)) X(B_OR, T, (x != 0) || (y != 0))

#define BDEF_F32(op, T, E) BIN_ROW(bin_f32_##op, float, float, E)
#define BDEF_F64(op, T, E) BIN_ROW(bin_f64_##op, double, double, E)
#define BDEF_I64(op, T, E) BIN_ROW(bin_i64_##op, int64_t, int64_t, E)
#define BDEF_F32B(op, T, E) BIN_ROW(bin_f32_##op, float, uint8_t, E)
#define BDEF_F64B(op, T, E) BIN_ROW(bin_f64_##op, double, uint8_t, E)
#define BDEF_I64B(op, T, E) BIN_ROW(bin_i64_##op, int64_t, uint8_t, E)
ARITH(BDEF_F32, float, F32)
ARITH(BDEF_F64, double, F64)
IARITH(BDEF_I64, int64_t)
CMP(BDEF_F32B, float)
CMP(BDEF_F64B, double)
CMP(BDEF_I64B, int64_t)

static RowFn g_binary[B_COUNT][3];
#define BREG_F32(op, T, E) g_binary[op][0] = bin_f32_##op;
#define BREG_F64(op, T, E) g_binary[op][1] = bin_f64_##op;
#define BREG_I64(op, T, E) g_binary[op][2] = bin_i64_##op;

__attribute__((constructor)) static void register_binary(void)
{
    ARITH(BREG_F32, float, F32)
    ARITH(BREG_F64, double, F64)
    IARITH(BREG_I64, int64_t)
    CMP(BREG_F32, float)
    CMP(BREG_F64, double)
    CMP(BREG_I64, int64_t)
}

void cpu_binary(BinaryArgs *o)
{
    RowFn fn = g_binary[o->op][type_slot(o->a->dtype)];
    if (!fn)
        error_raise(ERR_TYPE, "%s is not defined for %s tensors (convert with tensor_float)", binary_op_name(o->op),
                    dtype_name(o->a->dtype));
    const Tensor *ts[3] = { o->out, o->a, o->b };
    cpu_foreach(3, ts, fn, NULL);
}

/* ---- where ---- */

#define WHERE_ROW(NAME, T) \
static void NAME(int64_t n, char **p, const int64_t *s, const void *ctx) \
{ \
    (void)ctx; \
    for (int64_t i = 0; i < n; i++) \
        *(T *)(p[0] + i * s[0]) = *(const uint8_t *)(p[1] + i * s[1]) \
            ? *(const T *)(p[2] + i * s[2]) : *(const T *)(p[3] + i * s[3]); \
}
WHERE_ROW(where1, uint8_t)
WHERE_ROW(where4, uint32_t)
WHERE_ROW(where8, uint64_t)

void cpu_where(WhereArgs *w)
{
    size_t sz = dtype_size(w->out->dtype);
    const Tensor *ts[4] = { w->out, w->cond, w->a, w->b };
    cpu_foreach(4, ts, sz == 1 ? where1 : sz == 4 ? where4 : where8, NULL);
}

/* ---- a += alpha * b on contiguous same-shape float tensors (optimizers) ---- */

CPU_VEC static void axpy_f32(int64_t n, float *a, const float *b, float alpha)
{
    for (int64_t i = 0; i < n; i++)
        a[i] += alpha * b[i];
}

CPU_VEC static void axpy_f64(int64_t n, double *a, const double *b, double alpha)
{
    for (int64_t i = 0; i < n; i++)
        a[i] += alpha * b[i];
}

void cpu_axpy(AxpyArgs *x)
{
    if (x->a->dtype == DT_FLOAT32)
        axpy_f32(x->a->numel, t_ptr(x->a), t_ptr(x->b), (float)x->alpha);
    else
        axpy_f64(x->a->numel, t_ptr(x->a), t_ptr(x->b), x->alpha);
}
