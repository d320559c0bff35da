/* The device backend interface: the CPU backend is the reference; a CUDA
 * backend (engine/cuda) fills the same struct and registers it. Tensors
 * passed to kernels are on the backend's device; `out` is freshly allocated
 * and contiguous unless said otherwise; inputs may have any strides
 * (broadcast inputs come as stride-0 views with out's shape). */
#ifndef COURSDL_BACKEND_H
#define COURSDL_BACKEND_H

#include "../tensor/internal.h"

typedef enum UnaryOp {
    U_NEG, U_ABS, U_SIGN, U_EXP, U_LOG, U_LOG1P, U_SQRT, U_SQUARE, U_RECIP, U_SIN, U_COS,
    U_TANH, U_ERF, U_FLOOR, U_CEIL, U_ROUND, U_SIGMOID, U_RELU, U_LEAKY_RELU, U_ELU,
    U_GELU, U_SOFTPLUS, U_CLAMP, U_STEP, U_ADD_S, U_MUL_S, U_RSUB_S, U_RDIV_S, U_POW_S,
    U_RPOW_S, U_GELU_GRAD, U_COUNT_FLOAT,
    /* ops with a bool result */
    U_EQ_S = U_COUNT_FLOAT, U_NE_S, U_LT_S, U_LE_S, U_GT_S, U_GE_S, U_NOT, U_ISNAN,
    U_COUNT
} UnaryOp;

typedef enum BinaryOp {
    B_ADD, B_SUB, B_MUL, B_DIV, B_POW, B_MAX, B_MIN,
    /* fused backward kernels (float only): a = the incoming gradient g,
     * b = the saved output y: g * (y > 0), g * (1 - y^2), g * y * (1 - y) */
    B_RELU_BW, B_TANH_BW, B_SIGMOID_BW, B_COUNT_ARITH,
    /* ops with a bool result */
    B_EQ = B_COUNT_ARITH, B_NE, B_LT, B_LE, B_GT, B_GE, B_AND, B_OR,
    B_COUNT
} BinaryOp;

typedef enum ReduceOp { R_SUM, R_PROD, R_MAX, R_MIN, R_ARGMAX, R_ARGMIN } ReduceOp;

typedef struct Backend {
    const char *name;
    int (*device_count)(void);
    /* Storage for nbytes on device; released when the GC frees it. */
    Storage *(*alloc)(Device device, size_t nbytes);
    /* Host <-> device copies of n bytes. */
    void (*upload)(Device device, void *dst, const void *src, size_t n);
    void (*download)(Device device, void *dst, const void *src, size_t n);
    void (*synchronize)(Device device);
    /* out[...] = value (out: any strides). */
    void (*fill)(Tensor *out, double value);
    /* out = in, converting dtype (out: any strides, same shape). */
    void (*copy)(Tensor *out, const Tensor *in);
    /* out = op(a; p0, p1). a's dtype is the compute dtype (float for math). */
    void (*unary)(UnaryOp op, Tensor *out, const Tensor *a, double p0, double p1);
    /* out = a op b; a and b have one dtype and out's shape. out may alias a (in-place). */
    void (*binary)(BinaryOp op, Tensor *out, const Tensor *a, const Tensor *b);
    /* out = cond ? a : b (cond bool; a, b of out's dtype; all out's shape). */
    void (*where)(Tensor *out, const Tensor *cond, const Tensor *a, const Tensor *b);
    /* a contiguous, viewed as (k1, r, k2); out (k1, k2) gets the reduction
     * over r (R_ARGMAX/R_ARGMIN: int64 positions in out). */
    void (*reduce)(ReduceOp op, Tensor *out, const Tensor *a, int64_t k1, int64_t r, int64_t k2);
    /* out (B, M, N) = a (B, M, K) @ b (B, K, N); a, b any strides. */
    void (*bmm)(Tensor *out, const Tensor *a, const Tensor *b);
    /* out = a.index_select(dim, index) (index: int64 1-D contiguous). */
    void (*index_select)(Tensor *out, const Tensor *a, int dim, const Tensor *index);
    /* out.index_add_(dim, index, src) in place (out contiguous). */
    void (*index_add)(Tensor *out, int dim, const Tensor *index, const Tensor *src);
    /* out = a.gather(dim, index) (index int64, out's shape). */
    void (*gather)(Tensor *out, const Tensor *a, int dim, const Tensor *index);
    /* In place on contiguous out: out.scatter_(dim, index, src) or scatter_add_. */
    void (*scatter)(Tensor *out, int dim, const Tensor *index, const Tensor *src, bool add);
} Backend;

extern const Backend cdl_cpu_backend;
/* Registers the backend of a device type (1: CUDA). */
void backend_register(int type, const Backend *backend);

#endif
