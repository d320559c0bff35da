/* The codes of the elementwise and reduction ops (part of device/ops.h),
 * in a header of their own that is plain C and C++: the CUDA backend's
 * kernel files (nvcc) switch on the same enums as the engine. */
#ifndef COURSDL_ELEMENTWISE_OPS_H
#define COURSDL_ELEMENTWISE_OPS_H

/* ---- elementwise op codes: name, and the dtypes they compute in ----
 * UNARY: F = floating only, I = also int64 (integer result); comparisons
 * write bool and take any numeric input. */
#define UNARY_ARITH_OPS(X) \
    X(U_NEG, "neg", I) X(U_ABS, "abs", I) X(U_SIGN, "sign", I) X(U_EXP, "exp", F) X(U_LOG, "log", F) \
    X(U_LOG1P, "log1p", F) X(U_SQRT, "sqrt", F) X(U_SQUARE, "square", I) X(U_RECIP, "reciprocal", F) \
    X(U_SIN, "sin", F) X(U_COS, "cos", F) X(U_TANH, "tanh", F) X(U_ERF, "erf", F) X(U_FLOOR, "floor", I) \
    X(U_CEIL, "ceil", I) X(U_ROUND, "round", I) X(U_SIGMOID, "sigmoid", F) X(U_RELU, "relu", I) \
    X(U_LEAKY_RELU, "leaky_relu", F) X(U_ELU, "elu", F) X(U_GELU, "gelu", F) X(U_SOFTPLUS, "softplus", F) \
    X(U_CLAMP, "clamp", I) X(U_STEP, "step", I) X(U_ADD_S, "add_scalar", I) X(U_MUL_S, "mul_scalar", I) \
    X(U_RSUB_S, "rsub_scalar", I) X(U_RDIV_S, "rdiv_scalar", F) X(U_POW_S, "pow_scalar", I) \
    X(U_RPOW_S, "rpow_scalar", F) X(U_GELU_GRAD, "gelu_grad", F)
#define UNARY_CMP_OPS(X) \
    X(U_EQ_S, "eq_scalar", I) X(U_NE_S, "ne_scalar", I) X(U_LT_S, "lt_scalar", I) X(U_LE_S, "le_scalar", I) \
    X(U_GT_S, "gt_scalar", I) X(U_GE_S, "ge_scalar", I) X(U_NOT, "logical_not", I) X(U_ISNAN, "isnan", I)

/* BINARY: a op b. The _BW ops are fused backward kernels (float): a = the
 * incoming gradient g, b = the saved output y: g * (y > 0), g * (1 - y^2),
 * g * y * (1 - y). */
#define BINARY_ARITH_OPS(X) \
    X(B_ADD, "add", I) X(B_SUB, "sub", I) X(B_MUL, "mul", I) X(B_DIV, "div", F) X(B_POW, "pow", I) \
    X(B_MAX, "maximum", I) X(B_MIN, "minimum", I) X(B_RELU_BW, "relu_backward", F) \
    X(B_TANH_BW, "tanh_backward", F) X(B_SIGMOID_BW, "sigmoid_backward", F)
#define BINARY_CMP_OPS(X) \
    X(B_EQ, "eq", I) X(B_NE, "ne", I) X(B_LT, "lt", I) X(B_LE, "le", I) X(B_GT, "gt", I) X(B_GE, "ge", I) \
    X(B_AND, "logical_and", I) X(B_OR, "logical_or", I)

#define OPS_ENUM_(id, name, kind) id,
typedef enum UnaryOp {
    UNARY_ARITH_OPS(OPS_ENUM_)
    U_COUNT_FLOAT,  /* ops from here on write bool */
    U_CMP_FIRST_ = U_COUNT_FLOAT - 1,
    UNARY_CMP_OPS(OPS_ENUM_)
    U_COUNT
} UnaryOp;
typedef enum BinaryOp {
    BINARY_ARITH_OPS(OPS_ENUM_)
    B_COUNT_ARITH,  /* ops from here on write bool */
    B_CMP_FIRST_ = B_COUNT_ARITH - 1,
    BINARY_CMP_OPS(OPS_ENUM_)
    B_COUNT
} BinaryOp;
#undef OPS_ENUM_

typedef enum ReduceOp { R_SUM, R_PROD, R_MAX, R_MIN, R_ARGMAX, R_ARGMIN } ReduceOp;

#endif
