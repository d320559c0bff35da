/* The ops of the backend interface: one table (BACKEND_OPS) names every op,
 * its argument struct, how many of its tensors it writes and the dtypes it
 * takes; the op enum, the names used in error messages, the Backend struct's
 * entries and the dispatchers are all generated from it (device/backend.h,
 * device/dispatch.c). The argument structs below are what a kernel gets:
 * tensors by name (OP_TENSORS also lays them out as one array, outputs
 * first, for the dispatcher) and the op's typed parameters. */
#ifndef COURSDL_OPS_H
#define COURSDL_OPS_H

#include "../tensor/internal.h"
#include "elementwise_ops.h"

/* Names ("exp") and whether int64 inputs compute in int64 (dispatch.c). */
const char *unary_op_name(UnaryOp op);
const char *binary_op_name(BinaryOp op);
extern const bool cdl_unary_takes_int[U_COUNT], cdl_binary_takes_int[B_COUNT];
static inline bool unary_op_takes_int(UnaryOp op) { return (unsigned)op < U_COUNT && cdl_unary_takes_int[op]; }
static inline bool binary_op_takes_int(BinaryOp op) { return (unsigned)op < B_COUNT && cdl_binary_takes_int[op]; }


/* ---- op geometry and parameters ---- */

/* A convolution from images (N, C, H, W) to outputs (N, O, OH, OW) with a
 * kh x kw kernel and `groups` groups; pt / pl are the top / left padding
 * (bottom / right padding is implied by OH / OW). */
typedef struct ConvGeom {
    int64_t N, C, H, W, O, OH, OW, kh, kw;
    int64_t sh, sw, pt, pl, dh, dw;
    int groups;
} ConvGeom;

/* Pooling of NC planes (H, W) into (OH, OW) with a kh x kw window, strides
 * and padding per dim (with ceil_mode the last window may pass the edge). */
typedef struct PoolGeom { int64_t NC, H, W, OH, OW, kh, kw, sh, sw, ph, pw; } PoolGeom;

/* Cross-entropy of M rows of C logits against class indices (index) or
 * probabilities, with label smoothing, an ignored class and a reduction. */
typedef struct CrossEntropyParams {
    int64_t M, C;
    bool index, use_ignore;
    int64_t ignore;
    double smoothing;
    Reduction reduction;
} CrossEntropyParams;

typedef enum RandomDist {
    RAND_UNIFORM,  /* uniform in [a, b) */
    RAND_NORMAL,   /* normal, mean a, standard deviation b */
    RAND_INT       /* int64, uniform in [a, b) */
} RandomDist;

/* Every optimizer's hyper-parameters (each algorithm reads its own). */
typedef struct OptimHyper {
    double lr, momentum, dampening, weight_decay, beta1, beta2, eps, alpha, lr_decay;
    bool nesterov, maximize, amsgrad, centered, decoupled;
} OptimHyper;

/* ---- argument structs ---- */

/* N tensors by name, outputs first, also seen as the array t[N]. */
#define OP_TENSORS(N, ...) union { struct { __VA_ARGS__; }; Tensor *t[N]; }

/* out[...] = value (out: any strides). */
typedef struct FillArgs { OP_TENSORS(1, Tensor *out); double value; } FillArgs;
/* out = in converted to out's dtype (same shape, any strides). */
typedef struct CopyArgs { OP_TENSORS(2, Tensor *out; const Tensor *in); } CopyArgs;
/* out = op(a; p0, p1): a's dtype is the compute dtype; out (a's dtype, or
 * bool for comparisons) has a's shape; any strides; out may be a. */
typedef struct UnaryArgs { OP_TENSORS(2, Tensor *out; const Tensor *a); UnaryOp op; double p0, p1; } UnaryArgs;
/* out = a op b: a and b of one dtype and out's shape (broadcast inputs are
 * stride-0 views); out may be a (in place). */
typedef struct BinaryArgs { OP_TENSORS(3, Tensor *out; const Tensor *a, *b); BinaryOp op; } BinaryArgs;
/* out = cond ? a : b (cond bool; a, b of out's dtype; all of out's shape). */
typedef struct WhereArgs { OP_TENSORS(4, Tensor *out; const Tensor *a, *b, *cond); } WhereArgs;
/* a += alpha * b (a, b contiguous, same shape and float dtype; a read and written). */
typedef struct AxpyArgs { OP_TENSORS(2, Tensor *a; const Tensor *b); double alpha; } AxpyArgs;
/* a contiguous, viewed as (k1, r, k2); out (k1, k2) gets the reduction over
 * r (R_ARGMAX / R_ARGMIN: int64 positions). r == 0: sum 0, prod 1. */
typedef struct ReduceArgs { OP_TENSORS(2, Tensor *out; const Tensor *a); ReduceOp op; int64_t k1, r, k2; } ReduceArgs;
/* out (B, M, N) = a (B, M, K) @ b (B, K, N); a, b any strides (batch strides may be 0). */
typedef struct BmmArgs { OP_TENSORS(3, Tensor *out; const Tensor *a, *b); } BmmArgs;
/* y (M, N) = x (M, K) @ w (N, K)^T + b (N, or NULL); x, w, b contiguous. */
typedef struct LinearArgs { OP_TENSORS(4, Tensor *y; const Tensor *x, *w, *b); } LinearArgs;
/* Indexing along dim (index: int64, contiguous, values in range):
 *   index_select: out = src.index_select(dim, index) (index 1-D)
 *   index_add:    out.index_add_(dim, index, src) (out contiguous, read and written)
 *   gather:       out = src.gather(dim, index) (out has index's shape)
 *   scatter:      out.scatter_(dim, index, src) or scatter_add_ when add (out contiguous) */
typedef struct IndexArgs { OP_TENSORS(3, Tensor *out; const Tensor *src, *index); int dim; bool add; } IndexArgs;
/* out = log_softmax (log) or softmax of x over r, x contiguous (k1, r, k2). */
typedef struct SoftmaxArgs { OP_TENSORS(2, Tensor *out; const Tensor *x); int64_t k1, r, k2; bool log; } SoftmaxArgs;
/* gx from g and the forward's output y (contiguous): log: g - exp(y) sum(g);
 * else y (g - sum(g y)). */
typedef struct SoftmaxBwdArgs {
    OP_TENSORS(3, Tensor *gx; const Tensor *g, *y);
    int64_t k1, r, k2;
    bool log;
} SoftmaxBwdArgs;
/* Fused log-softmax + nll of x (M, C) contiguous against target (int64 (M)
 * or x's dtype (M, C)), weight (C) or NULL: out = the losses (M) for
 * REDUCTION_NONE, else their sum or weighted mean (0-dim); lse (M) the rows'
 * log-sum-exp; div (0-dim float64) the mean's divisor. */
typedef struct CrossEntropyArgs {
    OP_TENSORS(6, Tensor *out, *lse, *div; const Tensor *x, *target, *weight);
    CrossEntropyParams p;
} CrossEntropyArgs;
/* gx (M, C) from the forward's tensors and g, the gradient of out. */
typedef struct CrossEntropyBwdArgs {
    OP_TENSORS(7, Tensor *gx; const Tensor *x, *target, *weight, *lse, *g, *div);
    CrossEntropyParams p;
} CrossEntropyBwdArgs;
/* y (N, O, OH, OW) = conv2d(x, w) + b (b may be NULL), then ReLU when relu
 * (a fused op: supports() may refuse it; the engine then runs a ReLU after).
 * All contiguous. When keep is asked, the kernel may leave in `kept` (a
 * tensor it allocates) what its backward wants back (the CPU keeps the
 * im2col columns, kept_chunk images per block). */
typedef struct Conv2dArgs {
    OP_TENSORS(4, Tensor *y; const Tensor *x, *w, *b);
    ConvGeom g;
    bool relu, keep;
    Tensor *kept;
    int64_t kept_chunk;
} Conv2dArgs;
/* Any of gx, gw, gb (NULL: not wanted) from x, w and gy (contiguous);
 * ymask: the fused ReLU's output (gy counts only where it is > 0), or NULL.
 * kept / kept_chunk: what the forward kept (a kernel uses it only when it is
 * on its own device). */
typedef struct Conv2dBwdArgs {
    OP_TENSORS(7, Tensor *gx, *gw, *gb; const Tensor *x, *w, *gy, *ymask);
    ConvGeom g;
    const Tensor *kept;
    int64_t kept_chunk;
} Conv2dBwdArgs;
/* Transposed convolution: y (N, C, H, W) from x (N, O, OH, OW), w (O, C/g,
 * kh, kw), b (C) or NULL: the input-gradient of the conv g (y-shaped ->
 * x-shaped). All contiguous. */
typedef struct ConvTranspose2dArgs { OP_TENSORS(4, Tensor *y; const Tensor *x, *w, *b); ConvGeom g; } ConvTranspose2dArgs;
/* gx (the conv g of gy) and gw, either NULL when not wanted (the bias
 * gradient is a sum the engine takes itself). */
typedef struct ConvTranspose2dBwdArgs {
    OP_TENSORS(5, Tensor *gx, *gw; const Tensor *x, *w, *gy);
    ConvGeom g;
} ConvTranspose2dBwdArgs;
/* im2col: out (C*kh*kw, N*OH*OW) columns of in (N, C, H, W); col2im: its
 * adjoint (in: columns, out: images). Contiguous. */
typedef struct ColsArgs { OP_TENSORS(2, Tensor *out; const Tensor *in); ConvGeom g; } ColsArgs;
/* Max-pool of x (NC planes, contiguous) into y, with idx (int64, the
 * argmax's position in its plane). NaN wins, ties keep the first. */
typedef struct MaxPoolArgs { OP_TENSORS(3, Tensor *y, *idx; const Tensor *x); PoolGeom g; } MaxPoolArgs;
/* gx = scatter-add of gy into the argmax positions (gx written whole). */
typedef struct MaxPoolBwdArgs { OP_TENSORS(3, Tensor *gx; const Tensor *gy, *idx); PoolGeom g; } MaxPoolBwdArgs;
/* The fused 2x2 / stride 2 / unpadded max-pool, without an argmax: its
 * backward finds it again from x. */
typedef struct MaxPool2x2Args { OP_TENSORS(2, Tensor *y; const Tensor *x); PoolGeom g; } MaxPool2x2Args;
typedef struct MaxPool2x2BwdArgs { OP_TENSORS(3, Tensor *gx; const Tensor *gy, *x); PoolGeom g; } MaxPool2x2BwdArgs;
/* Average pool (count_include_pad, PyTorch's divisor) and its adjoint
 * (in: the output gradient, out: the input gradient, written whole). */
typedef struct AvgPoolArgs { OP_TENSORS(2, Tensor *out; const Tensor *in); PoolGeom g; } AvgPoolArgs;
/* Training batch norm of x (N, C, L...) contiguous with batch statistics:
 * y, the batch mean and 1/sqrt(var + eps) per channel (x's dtype); w, b
 * (C) or NULL. running_mean / running_var (C) or NULL: updated with
 * momentum (the variance unbiased, count = N*L values per channel). */
typedef struct BatchNormArgs {
    OP_TENSORS(8, Tensor *y, *mean, *invstd, *running_mean, *running_var; const Tensor *x, *w, *b);
    double eps, momentum;
} BatchNormArgs;
typedef struct BatchNormBwdArgs {
    OP_TENSORS(8, Tensor *gx, *gw, *gb; const Tensor *x, *w, *gy, *mean, *invstd);
} BatchNormBwdArgs;
/* out (any strides) filled with random numbers drawn from gen (NULL: the
 * default generator) in element order; dropout_mask: 0 with probability
 * a, else 1 / (1 - a). A backend with its own generator seeds it from gen. */
typedef struct RandomArgs { OP_TENSORS(1, Tensor *out); RandomDist dist; double a, b; Generator *gen; } RandomArgs;

/* An optimizer step over n parameters (contiguous, float): params[i] is
 * updated from grads[i] (contiguous, its dtype) with its state tensors
 * state[i * nstate + k] and its step count steps[i] (already incremented).
 * State per algorithm: SGD momentum_buffer (when momentum); Adam/AdamW
 * exp_avg, exp_avg_sq (+ max_exp_avg_sq with amsgrad); RMSprop square_avg
 * (+ momentum_buffer with momentum) (+ grad_avg when centered); Adagrad sum. */
typedef struct OptimArgs {
    int n, nstate;
    Tensor **params;
    const Tensor **grads;
    Tensor **state;
    const double *steps;
    OptimHyper h;
} OptimArgs;

/* Dtype sets of the table. */
#define DTS_F32 (1u << DT_FLOAT32)
#define DTS_FLOAT (1u << DT_FLOAT32 | 1u << DT_FLOAT64)
#define DTS_NUM (DTS_FLOAT | 1u << DT_INT64)
#define DTS_ALL (DTS_NUM | 1u << DT_UINT8 | 1u << DT_BOOL)

/* The table: X(ID, name, Args, outputs, dtypes, kind). "outputs": how many
 * of the first tensors the op writes (the rest it only reads); "dtypes":
 * those the op takes for its first input (its first output when it has no
 * input); "kind": OPK_FUSED for an op the engine calls only where the
 * device runs it itself (dev_native_<op>), writing it with other ops
 * elsewhere, else OPK_PLAIN. The CPU backend runs every op in every dtype
 * listed. */
typedef enum OpKind { OPK_PLAIN, OPK_FUSED } OpKind;
#define BACKEND_OPS(X) \
    X(FILL, fill, FillArgs, 1, DTS_ALL, OPK_PLAIN) \
    X(COPY, copy, CopyArgs, 1, DTS_ALL, OPK_PLAIN) \
    X(UNARY, unary, UnaryArgs, 1, DTS_NUM, OPK_PLAIN) \
    X(BINARY, binary, BinaryArgs, 1, DTS_NUM, OPK_PLAIN) \
    X(WHERE, where, WhereArgs, 1, DTS_ALL, OPK_PLAIN) \
    X(AXPY, axpy, AxpyArgs, 1, DTS_FLOAT, OPK_PLAIN) \
    X(REDUCE, reduce, ReduceArgs, 1, DTS_NUM, OPK_PLAIN) \
    X(BMM, bmm, BmmArgs, 1, DTS_NUM, OPK_PLAIN) \
    X(LINEAR, linear, LinearArgs, 1, DTS_FLOAT, OPK_PLAIN) \
    X(INDEX_SELECT, index_select, IndexArgs, 1, DTS_ALL, OPK_PLAIN) \
    X(INDEX_ADD, index_add, IndexArgs, 1, DTS_ALL, OPK_PLAIN) \
    X(GATHER, gather, IndexArgs, 1, DTS_ALL, OPK_PLAIN) \
    X(SCATTER, scatter, IndexArgs, 1, DTS_ALL, OPK_PLAIN) \
    X(SOFTMAX, softmax, SoftmaxArgs, 1, DTS_FLOAT, OPK_PLAIN) \
    X(SOFTMAX_BWD, softmax_bwd, SoftmaxBwdArgs, 1, DTS_FLOAT, OPK_PLAIN) \
    X(CROSS_ENTROPY, cross_entropy, CrossEntropyArgs, 3, DTS_FLOAT, OPK_PLAIN) \
    X(CROSS_ENTROPY_BWD, cross_entropy_bwd, CrossEntropyBwdArgs, 1, DTS_FLOAT, OPK_PLAIN) \
    X(CONV2D, conv2d, Conv2dArgs, 1, DTS_FLOAT, OPK_PLAIN) \
    X(CONV2D_BWD, conv2d_bwd, Conv2dBwdArgs, 3, DTS_FLOAT, OPK_PLAIN) \
    X(CONV_TRANSPOSE2D, conv_transpose2d, ConvTranspose2dArgs, 1, DTS_FLOAT, OPK_PLAIN) \
    X(CONV_TRANSPOSE2D_BWD, conv_transpose2d_bwd, ConvTranspose2dBwdArgs, 2, DTS_FLOAT, OPK_PLAIN) \
    X(IM2COL, im2col, ColsArgs, 1, DTS_FLOAT, OPK_PLAIN) \
    X(COL2IM, col2im, ColsArgs, 1, DTS_FLOAT, OPK_PLAIN) \
    X(MAX_POOL2D, max_pool2d, MaxPoolArgs, 2, DTS_FLOAT, OPK_PLAIN) \
    X(MAX_POOL2D_BWD, max_pool2d_bwd, MaxPoolBwdArgs, 1, DTS_FLOAT, OPK_PLAIN) \
    X(MAX_POOL2X2, max_pool2x2, MaxPool2x2Args, 1, DTS_F32, OPK_FUSED) \
    X(MAX_POOL2X2_BWD, max_pool2x2_bwd, MaxPool2x2BwdArgs, 1, DTS_F32, OPK_FUSED) \
    X(AVG_POOL2D, avg_pool2d, AvgPoolArgs, 1, DTS_FLOAT, OPK_PLAIN) \
    X(AVG_POOL2D_BWD, avg_pool2d_bwd, AvgPoolArgs, 1, DTS_FLOAT, OPK_PLAIN) \
    X(BATCH_NORM, batch_norm, BatchNormArgs, 5, DTS_FLOAT, OPK_PLAIN) \
    X(BATCH_NORM_BWD, batch_norm_bwd, BatchNormBwdArgs, 3, DTS_FLOAT, OPK_PLAIN) \
    X(RANDOM_FILL, random_fill, RandomArgs, 1, DTS_NUM, OPK_PLAIN) \
    X(DROPOUT_MASK, dropout_mask, RandomArgs, 1, DTS_FLOAT, OPK_PLAIN)

/* Ops over a parameter list (their dtypes: the parameters'). */
#define BACKEND_LIST_OPS(X) \
    X(SGD_STEP, sgd_step, OptimArgs, 0, DTS_FLOAT, OPK_PLAIN) \
    X(ADAM_STEP, adam_step, OptimArgs, 0, DTS_FLOAT, OPK_PLAIN) \
    X(RMSPROP_STEP, rmsprop_step, OptimArgs, 0, DTS_FLOAT, OPK_PLAIN) \
    X(ADAGRAD_STEP, adagrad_step, OptimArgs, 0, DTS_FLOAT, OPK_PLAIN)

#define OPS_ENUM_(ID, name, Args, nout, dts, kind) OP_##ID,
typedef enum BackendOp { BACKEND_OPS(OPS_ENUM_) BACKEND_LIST_OPS(OPS_ENUM_) OP_COUNT } BackendOp;
#undef OPS_ENUM_

/* "conv2d_bwd" */
const char *backend_op_name(BackendOp op);
/* The dtypes an op takes (a DTS_ set). */
unsigned backend_op_dtypes(BackendOp op);
/* Its kind (OPK_FUSED: only run where the device has it). */
OpKind backend_op_kind(BackendOp op);

#endif
