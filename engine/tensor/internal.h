/* Engine internals shared by the tensor, autograd, device and backend code:
 * the Tensor and Node structs, allocation, dtype rules, graph recording.
 * Not a public header (the CUDA backend includes it by path). */
#ifndef COURSDL_TENSOR_INTERNAL_H
#define COURSDL_TENSOR_INTERNAL_H

#include "coursdl.h"
#include "../core/args.h"
#include <string.h>

/* Storage: one GC allocation holding this header and the data (CPU), or a
 * device pointer released by a finalizer. Views share it. */
typedef struct Storage {
    void *data;
    size_t nbytes;
    Device device;
    int refs;          /* tensors made on this storage (for tensor_free) */
    bool carved;       /* a piece of a shared block (cpu_carve): never freed alone */
    uint64_t version;  /* bumped by every in-place write (autograd checks it) */
    void *backend_ctx; /* the backend's own handle (its allocator's block...) */
} Storage;

typedef struct Node Node;

struct Tensor {
    TensorHead head;   /* first: the argument checks read it (core/args.h) */
    bool requires_grad;
    bool contiguous;   /* (beside the head: no bytes added) */
    DType dtype;
    int ndim;
    Device device;
    int64_t numel;
    int64_t offset;    /* in elements, into storage */
    int64_t shape[TENSOR_MAX_DIMS];
    int64_t strides[TENSOR_MAX_DIMS];  /* in elements */
    Storage *storage;
    Tensor *grad;
    Node *grad_fn;
};
_Static_assert(offsetof(struct Tensor, head) == 0, "the argument checks read a tensor's head at its address");

/* ---- autograd nodes ---- */
typedef void (*BackwardFn)(Node *n, Tensor *g, Tensor **gi, const bool *need);
/* A backward rule: its PyTorch name, its function, and the size of the
 * parameter struct its nodes carry (0: none). */
typedef struct GradRule { const char *name; BackwardFn fn; size_t params_size; } GradRule;

/* Parameter structs of the rules of tensor ops (layers define their own). */
typedef struct ScalarParams { double p0, p1; } ScalarParams;         /* tensor-scalar ops, activations */
typedef struct ReduceParams { unsigned mask; bool keepdim; } ReduceParams;  /* reduced dims (bit d: dim d) */
typedef struct DimParams { int dim; } DimParams;
typedef struct PermuteParams { int64_t perm[TENSOR_MAX_DIMS]; } PermuteParams;
typedef struct SliceParams { int dim; int64_t start, step; } SliceParams;
typedef struct DeviceParams { Device from; } DeviceParams;

#define NODE_MAX_SAVED 5
struct Node {
    const GradRule *rule;
    int n_inputs;
    int n_saved;
    bool freed;        /* saved tensors released after a backward */
    bool needed;       /* backward-pass scratch */
    uint64_t pass;     /* backward-pass scratch: last pass that visited */
    Tensor *acc;       /* backward-pass scratch: gradient of the output */
    Tensor *saved[NODE_MAX_SAVED];
    uint64_t saved_version[NODE_MAX_SAVED];
    void *params;      /* the rule's parameter struct (in this allocation), or NULL */
    Tensor *inputs[];
};

extern int cdl_grad_off;  /* > 0: no graph is recorded (no_grad, backward) */
static inline bool ag_on(void) { return cdl_grad_off == 0; }
static inline bool ag_needs(const Tensor *a) { return cdl_grad_off == 0 && a->requires_grad; }
static inline bool ag_needs2(const Tensor *a, const Tensor *b)
{
    return cdl_grad_off == 0 && (a->requires_grad || b->requires_grad);
}
/* Records out = rule(inputs): out gets a grad_fn. params (params_size
 * bytes, the rule's params_size) are copied into the node. */
Node *ag_record(Tensor *out, const GradRule *rule, int n, Tensor **inputs, const void *params, size_t params_size);
#define AG_RECORD(out, rule, ...) ag_record(out, &(rule), \
    (int)(sizeof((Tensor *[]){__VA_ARGS__}) / sizeof(Tensor *)), (Tensor *[]){__VA_ARGS__}, NULL, 0)
/* The same for a rule with parameters: AG_RECORD_P(y, rule_Slice, &(SliceParams){ ... }, x). */
#define AG_RECORD_P(out, rule, params, ...) ag_record(out, &(rule), \
    (int)(sizeof((Tensor *[]){__VA_ARGS__}) / sizeof(Tensor *)), (Tensor *[]){__VA_ARGS__}, params, sizeof *(params))
/* A node's parameters as the rule's struct T (checked against the rule). */
#define AG_PARAMS(n, T) ((const T *)ag_params(n, sizeof(T)))
const void *ag_params(const Node *n, size_t size);
/* Keeps t for the backward, remembering its version (at most NODE_MAX_SAVED). */
void ag_save(Node *n, Tensor *t);
/* g summed down to the shape of like (undoing broadcasting), differentiable. */
Tensor *ag_sum_to(Tensor *g, const Tensor *like);

/* The backward rules (autograd/backward_rules.c). */
#define GRAD_RULES(X) X(Add) X(Sub) X(Mul) X(Div) X(Pow) X(Maximum) X(Minimum) \
    X(AddScalar) X(MulScalar) X(RsubScalar) X(RdivScalar) X(PowScalar) X(RpowScalar) \
    X(Neg) X(Abs) X(Exp) X(Log) X(Log1p) X(Sqrt) X(Sin) X(Cos) X(Tanh) X(Erf) \
    X(Sigmoid) X(Relu) X(LeakyRelu) X(Elu) X(Gelu) X(Softplus) X(Clamp) X(Where) X(Zero) \
    X(Sum) X(MaxMin) X(Prod) X(View) X(Permute) X(Slice) X(SliceBackward) X(Expand) \
    X(Clone) X(ToDtype) X(ToDevice) X(Cat) X(IndexSelect) X(IndexAdd) X(Gather) \
    X(Scatter) X(ScatterAdd) X(Bmm) X(LogSoftmax) X(Softmax)
#define DECLARE_RULE(name) extern const GradRule rule_##name;
GRAD_RULES(DECLARE_RULE)
DECLARE_RULE(SumAll) DECLARE_RULE(Mean) DECLARE_RULE(MaxAll) DECLARE_RULE(MinAll)
DECLARE_RULE(MinDim) DECLARE_RULE(MaxDim) DECLARE_RULE(Mm) DECLARE_RULE(Unsqueeze) DECLARE_RULE(Squeeze)
DECLARE_RULE(Transpose)
#undef DECLARE_RULE

/* ---- allocation and metadata (tensor/tensor.c) ---- */
/* A new contiguous tensor (uninitialized) on device. */
Tensor *t_new(DType dtype, int ndim, const int64_t *shape, Device device);
/* A tensor viewing base's storage with the given layout. */
Tensor *t_view(const Tensor *base, int ndim, const int64_t *shape, const int64_t *strides, int64_t offset);
/* The same as a temporary: fills *dst (the caller's stack) without
 * counting it as a user of the storage. Only for passing to kernels and
 * unrecorded ops; never returned or kept. */
Tensor *t_view_tmp(Tensor *dst, const Tensor *base, int ndim, const int64_t *shape, const int64_t *strides,
                   int64_t offset);
Tensor *t_broadcast_tmp(Tensor *dst, const Tensor *x, int ndim, const int64_t *shape);
/* Sets numel and contiguous from shape/strides. */
void t_refresh(Tensor *t);
/* Frees a tensor the engine made for itself and nobody else points to (a
 * scratch gradient of backward) at once, header included: the hot path's
 * tensor_free, without the marks that make a user's misuse an error. */
void t_free_scratch(Tensor *x);
/* dim wrapped into [0, ndim) (IndexError naming fn otherwise). */
int t_wrap_dim(int dim, int ndim, const char *fn);
/* "(2, 3)" in a rotating static buffer. */
const char *t_shape_str(int ndim, const int64_t *shape);
/* Checks ndim <= 8 and sizes >= 0 (-1 allowed when allow_infer). */
void t_check_shape(int ndim, const int64_t *dims, const char *fn);
/* The number of elements of a shape of sizes >= 0; a ValueError naming fn
 * when it does not fit in int64. */
int64_t t_check_numel(int ndim, const int64_t *dims, const char *fn);
/* Pointer to the first element. */
/* Bytes per element (dtype_size without the range check or the call). */
static inline int64_t t_esize(DType d)
{
    return (int64_t)((0x0101080804ull >> (8 * (unsigned)d)) & 0xff);  /* 4, 8, 8, 1, 1 */
}
static inline void *t_ptr(const Tensor *t)
{
    return (char *)t->storage->data + t->offset * t_esize(t->dtype);
}
static inline bool dtype_is_float(DType d) { return d == DT_FLOAT32 || d == DT_FLOAT64; }
/* The dtype of a binary op's result (PyTorch's promotion for these types). */
DType dtype_promote(DType a, DType b);
/* A converted copy without autograd (x itself when same dtype). */
Tensor *t_convert(Tensor *x, DType dtype);
/* A contiguous copy without autograd (x itself when contiguous). */
Tensor *t_contig(Tensor *x);
/* For in-place writes: refuses tensors that autograd tracks, bumps the version. */
void t_begin_inplace(Tensor *t, const char *fn);
/* Both on one device, else DeviceError naming fn. */
void t_same_device(const Tensor *a, const Tensor *b, const char *fn);
/* Broadcast shape of a and b into out (ShapeError naming fn). Returns ndim. */
int t_broadcast_shape(const Tensor *a, const Tensor *b, int64_t *out, const char *fn);
/* x viewed with the broadcast shape (stride 0 on new/size-1 dims). */
Tensor *t_broadcast_to(const Tensor *x, int ndim, const int64_t *shape);
/* The device='...' of a tensor's repr, or NULL (the CPU). */
const char *device_repr(Device device);
/* The backend of a tensor's device. */
struct Backend;
const struct Backend *t_backend(const Tensor *t);
/* Sets the default dtype (tensor/tensor.c). */
extern DType cdl_default_dtype;
extern Device cdl_default_device;

/* ---- ops used by other modules (no checks beyond the public ones) ---- */
Tensor *t_unary(int op, Tensor *x, double p0, double p1, const char *fn);
/* a op b (a BinaryOp of device/backend.h) with broadcasting, not recorded. */
Tensor *t_binary(int op, Tensor *a, Tensor *b, const char *fn);
Tensor *t_sum_dims_impl(Tensor *x, int n, const int *dims, bool keepdim, const char *fn);
/* slice_backward: zeros of like's shape with g written into the slice. */
Tensor *t_slice_backward(Tensor *g, const Tensor *like, int dim, int64_t start, int64_t step);
/* The gradient of log_softmax (log) or softmax over dim d from g and the output y. */
Tensor *t_softmax_backward(Tensor *g, Tensor *y, int d, bool log);
/* A differentiable bmm on 3-D tensors (batch dims may be stride-0). */
Tensor *t_bmm(Tensor *a, Tensor *b, const char *fn);
/* Runs fn with a fresh random generator stream (random/random.c). */
double cdl_rand_uniform(Generator *g);
double cdl_rand_normal(Generator *g);
uint64_t cdl_rand_u64(Generator *g);

/* An engine invariant: if cond fails, a RuntimeError "internal error in
 * <function>: <message>" (calling thread only, never in pool workers). */
#define CDL_ASSERT(cond, ...) \
    do { if (__builtin_expect(!(cond), 0)) cdl_internal_error(__func__, __VA_ARGS__); } while (0)
_Noreturn void cdl_internal_error(const char *where, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Allocation through the GC. */
void *cdl_alloc(size_t n);         /* may hold pointers, zeroed */
void *cdl_alloc_atomic(size_t n);  /* holds no pointers, not zeroed */
void cdl_free(void *p);            /* frees now what cdl_alloc* gave */

#endif
