/* Tensors: n-dimensional arrays (up to 8 dims) of float32 (default), float64,
 * int64, uint8 or bool, with strides and views that share storage, on a
 * device, with autograd. Names mirror PyTorch: torch.zeros -> tensor_zeros.
 * Shapes are given as trailing int64 dims: tensor_zeros(2, 3). Every
 * function raises an engine error (ShapeError, ...) on misuse. Tensors are
 * garbage collected: never free them. */
#ifndef COURSDL_TENSOR_H
#define COURSDL_TENSOR_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

typedef struct Tensor Tensor;
typedef struct Generator Generator;

/* Element types. DT_FLOAT32 (0) is the default. */
typedef enum DType { DT_FLOAT32 = 0, DT_FLOAT64, DT_INT64, DT_UINT8, DT_BOOL } DType;

/* A device, like torch.device: the CPU, "ref" or cuda:k (see device.h).
 * Each device is one object of the engine, so devices compare with ==. */
typedef const struct CdlDevice *Device;

#define TENSOR_MAX_DIMS 8

/* Internal helpers for the variadic-dims macros: SHAPE(2, 3) -> 2, dims. */
#define CDL_SHAPE(...) (int)(sizeof((int64_t[]){0, ##__VA_ARGS__}) / sizeof(int64_t)) - 1, \
    (int64_t[]){0, ##__VA_ARGS__} + 1
/* A list of tensors for tensor_cat/stack: TENSORS(a, b) -> array, count. */
#define TENSORS(...) (Tensor *[]){__VA_ARGS__}, \
    (int)(sizeof((Tensor *[]){__VA_ARGS__}) / sizeof(Tensor *))

/* ---- creation ------------------------------------------------------------ */

/* Uninitialized tensor of the given dims (default dtype): tensor_empty(2, 3). */
#define tensor_empty(...) tensor_empty_shape(CDL_SHAPE(__VA_ARGS__))
Tensor *tensor_empty_shape(int ndim, const int64_t *dims);
/* Zeros: tensor_zeros(2, 3).
 * Arguments: the sizes of the dimensions (1 to 8 of them), each >= 0.
 * Returns a new float32 tensor of zeros on the default device
 * (tensor_to(t, DT_...) or tensor_zeros_like for another dtype).
 * Errors: ShapeError for a negative size or more than 8 dimensions.
 * Example:
 *   Tensor *b = tensor_zeros(16);       // a bias vector */
#define tensor_zeros(...) tensor_zeros_shape(CDL_SHAPE(__VA_ARGS__))
Tensor *tensor_zeros_shape(int ndim, const int64_t *dims);
/* Ones: tensor_ones(2, 3). */
#define tensor_ones(...) tensor_ones_shape(CDL_SHAPE(__VA_ARGS__))
Tensor *tensor_ones_shape(int ndim, const int64_t *dims);
/* Filled with value: tensor_full(3.5, 2, 3). */
#define tensor_full(value, ...) tensor_full_shape(value, CDL_SHAPE(__VA_ARGS__))
Tensor *tensor_full_shape(double value, int ndim, const int64_t *dims);
/* Filled with value, of a given dtype: tensor_full_dtype(0, DT_INT64, 4). */
#define tensor_full_dtype(value, dtype, ...) tensor_full_shape_dtype(value, dtype, CDL_SHAPE(__VA_ARGS__))
Tensor *tensor_full_shape_dtype(double value, DType dtype, int ndim, const int64_t *dims);
/* Zeros of a given dtype: tensor_zeros_dtype(DT_FLOAT64, 2, 3). */
#define tensor_zeros_dtype(dtype, ...) tensor_full_shape_dtype(0, dtype, CDL_SHAPE(__VA_ARGS__))
/* Ones of a given dtype: tensor_ones_dtype(DT_INT64, 5). */
#define tensor_ones_dtype(dtype, ...) tensor_full_shape_dtype(1, dtype, CDL_SHAPE(__VA_ARGS__))
/* Uninitialized tensor with a dtype and a shape array. */
Tensor *tensor_empty_shape_dtype(DType dtype, int ndim, const int64_t *dims);
/* A 0-dim tensor holding value (default dtype). */
Tensor *tensor_scalar(double value);
/* A 1-D float tensor of the values given: tensor_of(1.0, 2.5, 3.0). */
#define tensor_of(...) tensor_from_f64_as((double[]){__VA_ARGS__}, DT_FLOAT32, 1, \
    (int64_t[]){(int64_t)(sizeof((double[]){__VA_ARGS__}) / sizeof(double))})
/* Values from start (inclusive) to end (exclusive) by step, default dtype. */
Tensor *tensor_arange(double start, double end, double step);
/* Integers from start to end by step, as int64. */
Tensor *tensor_arange_int(int64_t start, int64_t end, int64_t step);
/* steps evenly spaced values from start to end (both included). */
Tensor *tensor_linspace(double start, double end, int64_t steps);
/* The n x n identity matrix. */
Tensor *tensor_eye(int64_t n);
/* Uniform [0, 1) values: tensor_rand(2, 3). Uses the default generator. */
#define tensor_rand(...) tensor_rand_shape(NULL, CDL_SHAPE(__VA_ARGS__))
/* Standard normal values: tensor_randn(2, 3).
 * Arguments: the sizes of the dimensions (1 to 8 of them), each >= 0.
 * Returns a new float32 tensor on the default device, drawn from the
 * default generator (manual_seed(s) makes it repeatable).
 * Errors: ShapeError for a negative size or more than 8 dimensions.
 * Example:
 *   manual_seed(0);
 *   Tensor *X = tensor_randn(200, 2);   // 200 points in the plane */
#define tensor_randn(...) tensor_randn_shape(NULL, CDL_SHAPE(__VA_ARGS__))
/* Random int64 in [low, high): tensor_randint(0, 10, 2, 3). */
#define tensor_randint(low, high, ...) tensor_randint_shape(NULL, low, high, CDL_SHAPE(__VA_ARGS__))
/* The same with an explicit generator: tensor_rand_g(gen, 2, 3). */
#define tensor_rand_g(gen, ...) tensor_rand_shape(gen, CDL_SHAPE(__VA_ARGS__))
#define tensor_randn_g(gen, ...) tensor_randn_shape(gen, CDL_SHAPE(__VA_ARGS__))
#define tensor_randint_g(gen, low, high, ...) tensor_randint_shape(gen, low, high, CDL_SHAPE(__VA_ARGS__))
/* Uniform [0,1) with a shape array; gen NULL = default generator. */
Tensor *tensor_rand_shape(Generator *gen, int ndim, const int64_t *dims);
/* Standard normal with a shape array; gen NULL = default generator. */
Tensor *tensor_randn_shape(Generator *gen, int ndim, const int64_t *dims);
/* Random int64 in [low, high) with a shape array; gen NULL = default. */
Tensor *tensor_randint_shape(Generator *gen, int64_t low, int64_t high, int ndim, const int64_t *dims);
/* A random permutation of 0..n-1 (int64). */
Tensor *tensor_randperm(int64_t n, Generator *gen);
/* Zeros / ones / value / uniform / normal with the shape, dtype and device of x. */
Tensor *tensor_zeros_like(const Tensor *x);
Tensor *tensor_ones_like(const Tensor *x);
Tensor *tensor_full_like(const Tensor *x, double value);
Tensor *tensor_empty_like(const Tensor *x);
Tensor *tensor_rand_like(const Tensor *x);
Tensor *tensor_randn_like(const Tensor *x);
/* Copies a C array: tensor_from_f32(arr, 2, 3) (also _f64, _i64). */
#define tensor_from_f32(data, ...) tensor_from_data(data, DT_FLOAT32, CDL_SHAPE(__VA_ARGS__))
#define tensor_from_f64(data, ...) tensor_from_data(data, DT_FLOAT64, CDL_SHAPE(__VA_ARGS__))
#define tensor_from_i64(data, ...) tensor_from_data(data, DT_INT64, CDL_SHAPE(__VA_ARGS__))
/* Copies ndim/dims worth of elements of type dtype from data. */
Tensor *tensor_from_data(const void *data, DType dtype, int ndim, const int64_t *dims);
/* Copies doubles into a new tensor of dtype (converting). */
Tensor *tensor_from_f64_as(const double *data, DType dtype, int ndim, const int64_t *dims);
/* Copies the elements (row-major, converted) into a C array of n floats /
 * doubles / int64; n must equal tensor_numel(t). */
void tensor_to_f32_array(const Tensor *t, float *out, int64_t n);
void tensor_to_f64_array(const Tensor *t, double *out, int64_t n);
void tensor_to_i64_array(const Tensor *t, int64_t *out, int64_t n);
/* A copy with its own storage (differentiable). */
Tensor *tensor_clone(Tensor *x);
/* Frees x's storage unless a view still shares it (its views stay valid).
 * Optional: tensors are garbage collected. Using x afterwards, or freeing
 * it again, is a ValueError; tensor_free(NULL) does nothing. */
void tensor_free(Tensor *x);
/* The dtype new tensors get (DT_FLOAT32 unless changed). */
void tensor_set_default_dtype(DType dtype);
DType tensor_get_default_dtype(void);

/* ---- metadata and element access ------------------------------------------- */

/* Number of dims. */
int tensor_ndim(const Tensor *t);
/* Size of dim (negative counts from the end). */
int64_t tensor_size(const Tensor *t, int dim);
/* Pointer to the ndim sizes. */
const int64_t *tensor_shape(const Tensor *t);
/* Stride of dim, in elements. */
int64_t tensor_stride(const Tensor *t, int dim);
/* Number of elements. */
int64_t tensor_numel(const Tensor *t);
/* Element type. */
DType tensor_dtype(const Tensor *t);
/* Name of a dtype: "float32"... */
const char *dtype_name(DType dtype);
/* Bytes per element of a dtype. */
size_t dtype_size(DType dtype);
/* True when the elements are laid out row-major without gaps. */
bool tensor_is_contiguous(const Tensor *t);
/* The shape as text, "(2, 3)", in a string that lives until the next call
 * from the same slot (8 rotating slots). */
const char *tensor_shape_str(const Tensor *t);
/* The single value of a one-element tensor, as a double. */
double tensor_item(const Tensor *t);
/* Element at an index: tensor_get(t, i, j). Negative indices count from the end. */
#define tensor_get(t, ...) tensor_get_(t, CDL_SHAPE(__VA_ARGS__))
double tensor_get_(const Tensor *t, int n, const int64_t *idx);
/* Sets an element: tensor_set(t, value, i, j). */
#define tensor_set(t, value, ...) tensor_set_(t, value, CDL_SHAPE(__VA_ARGS__))
void tensor_set_(Tensor *t, double value, int n, const int64_t *idx);
/* Typed pointers to the first element of a contiguous CPU tensor of that
 * dtype (writes through them are seen by the tensor and its views). */
float *tensor_data_f32(Tensor *t);
double *tensor_data_f64(Tensor *t);
int64_t *tensor_data_i64(Tensor *t);
uint8_t *tensor_data_u8(Tensor *t);
bool *tensor_data_bool(Tensor *t);
/* Untyped pointer to the first element (any layout, any device). */
void *tensor_data_ptr(Tensor *t);

/* ---- dtype conversion ------------------------------------------------------ */

/* A copy converted to dtype (x itself if it already has it). */
Tensor *tensor_to_dtype(Tensor *x, DType dtype);
/* Shorthands: .float(), .double(), .long(), .bool(). */
Tensor *tensor_float(Tensor *x);
Tensor *tensor_double(Tensor *x);
Tensor *tensor_long(Tensor *x);
Tensor *tensor_bool(Tensor *x);

/* ---- views and shape --------------------------------------------------------- */

/* Same data, new shape (one dim may be -1): tensor_reshape(x, 2, -1). A view
 * when possible, a copy otherwise. */
#define tensor_reshape(x, ...) tensor_reshape_shape(x, CDL_SHAPE(__VA_ARGS__))
Tensor *tensor_reshape_shape(Tensor *x, int ndim, const int64_t *dims);
/* Like reshape but x must be viewable without a copy: tensor_view(x, 6). */
#define tensor_view(x, ...) tensor_view_shape(x, CDL_SHAPE(__VA_ARGS__))
Tensor *tensor_view_shape(Tensor *x, int ndim, const int64_t *dims);
/* Dims start..end (inclusive, negative ok) merged into one. */
Tensor *tensor_flatten(Tensor *x, int start_dim, int end_dim);
/* Removes every dim of size 1. */
Tensor *tensor_squeeze(Tensor *x);
/* Removes dim if its size is 1. */
Tensor *tensor_squeeze_dim(Tensor *x, int dim);
/* Inserts a dim of size 1 at dim (-1: at the end). */
Tensor *tensor_unsqueeze(Tensor *x, int dim);
/* Swaps two dims (a view). */
Tensor *tensor_transpose(Tensor *x, int dim0, int dim1);
/* Transpose of a matrix (dims <= 2), like x.t(). */
Tensor *tensor_t(Tensor *x);
/* Reorders dims: tensor_permute(x, 2, 0, 1). */
#define tensor_permute(x, ...) tensor_permute_(x, CDL_SHAPE(__VA_ARGS__))
Tensor *tensor_permute_(Tensor *x, int n, const int64_t *dims);
/* x[start:end:step] along dim (a view). Negative start/end count from the
 * end; INT64_MAX as end means "to the end". step > 0. */
Tensor *tensor_slice(Tensor *x, int dim, int64_t start, int64_t end, int64_t step);
/* x.narrow(dim, start, length) (a view). */
Tensor *tensor_narrow(Tensor *x, int dim, int64_t start, int64_t length);
/* x.select(dim, index): removes dim (a view). */
Tensor *tensor_select(Tensor *x, int dim, int64_t index);
/* Broadcasts size-1 dims to larger sizes without copying: tensor_expand(x, 4, 3). -1 keeps a size. */
#define tensor_expand(x, ...) tensor_expand_shape(x, CDL_SHAPE(__VA_ARGS__))
Tensor *tensor_expand_shape(Tensor *x, int ndim, const int64_t *dims);
/* Expands to the shape of other. */
Tensor *tensor_expand_as(Tensor *x, const Tensor *other);
/* x itself if contiguous, else a contiguous copy. */
Tensor *tensor_contiguous(Tensor *x);
/* Joins tensors along dim: tensor_cat(TENSORS(a, b), 0). */
Tensor *tensor_cat(Tensor **tensors, int n, int dim);
/* Stacks same-shape tensors along a new dim: tensor_stack(TENSORS(a, b), 0). */
Tensor *tensor_stack(Tensor **tensors, int n, int dim);
/* Pieces of split_size along dim (last may be smaller); *n_out gets the
 * count. Returns an array of views. */
Tensor **tensor_split(Tensor *x, int64_t split_size, int dim, int *n_out);
/* chunks pieces along dim (like torch.chunk); *n_out gets the count. */
Tensor **tensor_chunk(Tensor *x, int chunks, int dim, int *n_out);
/* Tiles x: tensor_repeat(x, 2, 1) like x.repeat(2, 1). */
#define tensor_repeat(x, ...) tensor_repeat_(x, CDL_SHAPE(__VA_ARGS__))
Tensor *tensor_repeat_(Tensor *x, int n, const int64_t *reps);

/* ---- indexing ----------------------------------------------------------------- */

/* Entries of x at the int64 indices (1-D) along dim. */
Tensor *tensor_index_select(Tensor *x, int dim, Tensor *index);
/* out[i][j] = x[index[i][j]][j] (dim 0), like torch.gather. */
Tensor *tensor_gather(Tensor *x, int dim, Tensor *index);
/* A copy of x with src values written at index along dim (torch.scatter). */
Tensor *tensor_scatter(Tensor *x, int dim, Tensor *index, Tensor *src);
/* A copy of x with src values added at index along dim (torch.scatter_add). */
Tensor *tensor_scatter_add(Tensor *x, int dim, Tensor *index, Tensor *src);
/* A copy of x with value written at index along dim. */
Tensor *tensor_scatter_value(Tensor *x, int dim, Tensor *index, double value);
/* A copy of x with src rows added at index along dim (torch.index_add). */
Tensor *tensor_index_add(Tensor *x, int dim, Tensor *index, Tensor *src);
/* 1-D tensor of the elements of x where mask (bool, broadcastable) is true. */
Tensor *tensor_masked_select(Tensor *x, Tensor *mask);
/* A copy of x with value where mask is true. */
Tensor *tensor_masked_fill(Tensor *x, Tensor *mask, double value);
/* int64 indices (n x ndim) of the nonzero elements. */
Tensor *tensor_nonzero(Tensor *x);

/* ---- elementwise (NumPy broadcasting) ---------------------------------------- */

/* a + b, a - b, a * b, a / b (true division), a ** b. */
Tensor *tensor_add(Tensor *a, Tensor *b);
Tensor *tensor_sub(Tensor *a, Tensor *b);
Tensor *tensor_mul(Tensor *a, Tensor *b);
Tensor *tensor_div(Tensor *a, Tensor *b);
Tensor *tensor_pow(Tensor *a, Tensor *b);
/* Elementwise max / min of a and b. */
Tensor *tensor_maximum(Tensor *a, Tensor *b);
Tensor *tensor_minimum(Tensor *a, Tensor *b);
/* a + s, a - s, s - a, a * s, a / s, s / a, a ** s, s ** a. */
Tensor *tensor_add_scalar(Tensor *a, double s);
Tensor *tensor_sub_scalar(Tensor *a, double s);
Tensor *tensor_rsub_scalar(Tensor *a, double s);
Tensor *tensor_mul_scalar(Tensor *a, double s);
Tensor *tensor_div_scalar(Tensor *a, double s);
Tensor *tensor_rdiv_scalar(Tensor *a, double s);
Tensor *tensor_pow_scalar(Tensor *a, double s);
Tensor *tensor_rpow_scalar(Tensor *a, double s);
/* Elementwise math. */
Tensor *tensor_neg(Tensor *x);
Tensor *tensor_abs(Tensor *x);
Tensor *tensor_sign(Tensor *x);
Tensor *tensor_exp(Tensor *x);
Tensor *tensor_log(Tensor *x);
Tensor *tensor_log1p(Tensor *x);
Tensor *tensor_sqrt(Tensor *x);
Tensor *tensor_square(Tensor *x);
Tensor *tensor_reciprocal(Tensor *x);
Tensor *tensor_sin(Tensor *x);
Tensor *tensor_cos(Tensor *x);
Tensor *tensor_tanh(Tensor *x);
Tensor *tensor_erf(Tensor *x);
Tensor *tensor_floor(Tensor *x);
Tensor *tensor_ceil(Tensor *x);
Tensor *tensor_round(Tensor *x);
/* Activations. */
Tensor *tensor_sigmoid(Tensor *x);
Tensor *tensor_relu(Tensor *x);
/* x if x > 0 else slope * x (PyTorch default slope 0.01). */
Tensor *tensor_leaky_relu(Tensor *x, double negative_slope);
/* x if x > 0 else alpha * (exp(x) - 1) (default alpha 1). */
Tensor *tensor_elu(Tensor *x, double alpha);
/* x * Phi(x) (exact, erf form, like PyTorch's default). */
Tensor *tensor_gelu(Tensor *x);
/* log(1 + exp(x)) (linear above 20, like PyTorch). */
Tensor *tensor_softplus(Tensor *x);
/* Limits values to [lo, hi]; use -INFINITY / INFINITY for one side. */
Tensor *tensor_clamp(Tensor *x, double lo, double hi);
/* cond ? a : b elementwise (cond is bool, all three broadcast). */
Tensor *tensor_where(Tensor *cond, Tensor *a, Tensor *b);
/* Comparisons, giving bool tensors. */
Tensor *tensor_eq(Tensor *a, Tensor *b);
Tensor *tensor_ne(Tensor *a, Tensor *b);
Tensor *tensor_lt(Tensor *a, Tensor *b);
Tensor *tensor_le(Tensor *a, Tensor *b);
Tensor *tensor_gt(Tensor *a, Tensor *b);
Tensor *tensor_ge(Tensor *a, Tensor *b);
Tensor *tensor_eq_scalar(Tensor *a, double s);
Tensor *tensor_ne_scalar(Tensor *a, double s);
Tensor *tensor_lt_scalar(Tensor *a, double s);
Tensor *tensor_le_scalar(Tensor *a, double s);
Tensor *tensor_gt_scalar(Tensor *a, double s);
Tensor *tensor_ge_scalar(Tensor *a, double s);
/* Logical and / or / not of bool (or nonzero) tensors. */
Tensor *tensor_logical_and(Tensor *a, Tensor *b);
Tensor *tensor_logical_or(Tensor *a, Tensor *b);
Tensor *tensor_logical_not(Tensor *a);
/* True when shapes match and all elements are within atol + rtol * |b|. */
bool tensor_allclose(Tensor *a, Tensor *b, double rtol, double atol);
/* True when shapes and all values are equal. */
bool tensor_equal(Tensor *a, Tensor *b);

/* ---- in-place (for optimizers; not recorded by autograd) ------------------- */

/* a += b, a -= b, a *= b, a /= b (b broadcasts to a); a += alpha * b. */
Tensor *tensor_add_(Tensor *a, Tensor *b);
Tensor *tensor_sub_(Tensor *a, Tensor *b);
Tensor *tensor_mul_(Tensor *a, Tensor *b);
Tensor *tensor_div_(Tensor *a, Tensor *b);
Tensor *tensor_add_scaled_(Tensor *a, Tensor *b, double alpha);
/* a += s, a *= s. */
Tensor *tensor_add_scalar_(Tensor *a, double s);
Tensor *tensor_mul_scalar_(Tensor *a, double s);
/* Sets every element to value / zero. */
Tensor *tensor_fill_(Tensor *a, double value);
Tensor *tensor_zero_(Tensor *a);
/* Copies src (broadcast, converted) into a. */
Tensor *tensor_copy_(Tensor *a, Tensor *src);
/* Clamps a in place. */
Tensor *tensor_clamp_(Tensor *a, double lo, double hi);

/* ---- reductions ------------------------------------------------------------ */

/* Sum of all elements (0-dim). */
Tensor *tensor_sum(Tensor *x);
/* Sum over one dim (negative ok); keepdim keeps it with size 1. */
Tensor *tensor_sum_dim(Tensor *x, int dim, bool keepdim);
/* Sum over n dims. */
Tensor *tensor_sum_dims(Tensor *x, int n, const int *dims, bool keepdim);
/* Mean of all elements / over a dim / over dims. */
Tensor *tensor_mean(Tensor *x);
Tensor *tensor_mean_dim(Tensor *x, int dim, bool keepdim);
Tensor *tensor_mean_dims(Tensor *x, int n, const int *dims, bool keepdim);
/* Largest / smallest element (0-dim). */
Tensor *tensor_max(Tensor *x);
Tensor *tensor_min(Tensor *x);
/* Max / min over dim: the values; *indices (if not NULL) gets int64 positions. */
Tensor *tensor_max_dim(Tensor *x, int dim, bool keepdim, Tensor **indices);
Tensor *tensor_min_dim(Tensor *x, int dim, bool keepdim, Tensor **indices);
/* Index of the max / min of the flattened tensor (0-dim int64). */
Tensor *tensor_argmax(Tensor *x);
Tensor *tensor_argmin(Tensor *x);
/* Indices of the max / min over dim. */
Tensor *tensor_argmax_dim(Tensor *x, int dim, bool keepdim);
Tensor *tensor_argmin_dim(Tensor *x, int dim, bool keepdim);
/* Variance / standard deviation with Bessel's correction (unbiased, like PyTorch). */
Tensor *tensor_var(Tensor *x);
Tensor *tensor_var_dim(Tensor *x, int dim, bool keepdim);
Tensor *tensor_std(Tensor *x);
Tensor *tensor_std_dim(Tensor *x, int dim, bool keepdim);
/* Variance over n dims with a given correction (1: unbiased, 0: biased). */
Tensor *tensor_var_dims(Tensor *x, int n, const int *dims, int correction, bool keepdim);
/* p-norm of all elements (p = 2: Euclidean) / over dim. */
Tensor *tensor_norm(Tensor *x, double p);
Tensor *tensor_norm_dim(Tensor *x, double p, int dim, bool keepdim);
/* log(sum(exp(x))) over dim, computed stably. */
Tensor *tensor_logsumexp(Tensor *x, int dim, bool keepdim);
/* Softmax / log-softmax over dim. */
Tensor *tensor_softmax(Tensor *x, int dim);
Tensor *tensor_log_softmax(Tensor *x, int dim);
/* Product of all elements. */
Tensor *tensor_prod(Tensor *x);
/* True (1) if any / all elements are nonzero. */
bool tensor_any(Tensor *x);
bool tensor_all(Tensor *x);

/* ---- linear algebra ------------------------------------------------------------ */

/* Matrix product with NumPy semantics: 1-D vectors, batched (broadcast) stacks.
 * Arguments: a (..., n, k) and b (..., k, m); a 1-D a is a row (k), a 1-D b
 * a column (k); leading dimensions broadcast.
 * Returns a new tensor (..., n, m), recorded for autograd.
 * Errors: ShapeError naming both shapes when the inner sizes differ;
 * DeviceError when a and b are on different devices.
 * Example:
 *   Tensor *y = tensor_matmul(X, W);    // (200, 2) x (2, 16) -> (200, 16) */
Tensor *tensor_matmul(Tensor *a, Tensor *b);
/* (n, m) @ (m, p). */
Tensor *tensor_mm(Tensor *a, Tensor *b);
/* (n, m) @ (m). */
Tensor *tensor_mv(Tensor *a, Tensor *v);
/* Dot product of two 1-D tensors (0-dim result). */
Tensor *tensor_dot(Tensor *a, Tensor *b);
/* Outer product of two 1-D tensors. */
Tensor *tensor_outer(Tensor *a, Tensor *b);
/* Batched (b, n, m) @ (b, m, p). */
Tensor *tensor_bmm(Tensor *a, Tensor *b);

/* ---- autograd state of a tensor (see autograd.h for the rest) ---------------- */

/* Marks x as a leaf that autograd tracks (x.requires_grad_()). Returns x. */
Tensor *tensor_requires_grad_(Tensor *x, bool requires_grad);
/* Whether x is tracked by autograd. */
bool tensor_requires_grad(const Tensor *x);
/* The gradient accumulated by tensor_backward (NULL if none). */
Tensor *tensor_grad(const Tensor *x);
/* Replaces the stored gradient (NULL clears it). */
void tensor_set_grad(Tensor *x, Tensor *grad);
/* Clears the gradient (x.grad = None). */
void tensor_zero_grad(Tensor *x);
/* True for tensors created by the user (not by a tracked op). */
bool tensor_is_leaf(const Tensor *x);
/* Name of the op that made x, e.g. "MulBackward0", or NULL. */
const char *tensor_grad_fn_name(const Tensor *x);
/* A tensor sharing x's data, cut from the graph (no grad). */
Tensor *tensor_detach(Tensor *x);

/* ---- printing ---------------------------------------------------------------------- */

/* The PyTorch-style text of t: "tensor([1., 2.])" (a new GC string). */
char *tensor_to_string(const Tensor *t);
/* Prints t like PyTorch's print(t), then a newline. */
void tensor_print(const Tensor *t);
/* Out[n] for a Tensor * (used by display_out). */
void tensor_display_out(Tensor *t);

/* ---- labels, flips and resizing ------------------------------------------------- */

/* PyTorch's F.one_hot: class indices (any shape, any dtype holding whole
 * numbers) -> int64 tensor of shape (..., num_classes) with a 1 at each
 * index; num_classes <= 0 means max + 1: tensor_one_hot(y, 10). */
Tensor *tensor_one_hot(Tensor *labels, int64_t num_classes);
/* Keras's to_categorical: the same as float32 rows (what
 * "categorical_crossentropy" expects); (N, 1) labels give (N, num_classes):
 * Tensor *y_train_cat = tensor_to_categorical(y_train, 10). */
Tensor *tensor_to_categorical(Tensor *labels, int64_t num_classes);

/* Options of tensor_bincount; zero means default. */
typedef struct BincountOptions {
    Tensor *weights;    /* one weight per value: sums of weights instead of counts (float result) */
    int64_t minlength;  /* at least this many bins */
} BincountOptions;
/* torch.bincount: how many times each value 0..max occurs in a 1-D tensor of
 * class indices (int64): tensor_bincount(y_train) gives the count of each
 * class; tensor_bincount(y, .minlength = 10, .weights = w). */
#define tensor_bincount(x, ...) tensor_bincount_((x), &(BincountOptions){ __VA_ARGS__ })
Tensor *tensor_bincount_(Tensor *x, const BincountOptions *options);

/* torch.flip: a copy with the elements reversed along the given dims
 * (differentiable): tensor_flip(images, -1) mirrors (N, C, H, W) images
 * left-right, tensor_flip(images, -2, -1) turns them upside down. */
#define tensor_flip(x, ...) tensor_flip_(x, CDL_SHAPE(__VA_ARGS__))
Tensor *tensor_flip_(Tensor *x, int n, const int64_t *dims);

/* Options of tensor_interpolate; zero means default. */
typedef struct InterpolateOptions {
    int64_t size[2];      /* output (height, width): .size = {20, 20} ... */
    double scale_factor;  /* ... or a factor for both sizes (2: twice as large) */
    const char *mode;     /* "nearest" (default, like PyTorch) or "bilinear" */
    bool align_corners;   /* bilinear: the corner pixels' centres are aligned (default false) */
    bool antialias;       /* bilinear: a shrunk image averages the pixels each output covers (like PIL) */
} InterpolateOptions;
/* F.interpolate on images (..., H, W) (e.g. (N, C, H, W)), floating,
 * differentiable: tensor_interpolate(x, .size = {14, 14}, .mode = "bilinear"),
 * tensor_interpolate(x, .scale_factor = 2). */
#define tensor_interpolate(x, ...) tensor_interpolate_((x), &(InterpolateOptions){ __VA_ARGS__ })
Tensor *tensor_interpolate_(Tensor *x, const InterpolateOptions *options);
/* torchvision's resize: images (..., H, W) of any dtype to height x width,
 * bilinear with antialiasing, dtype kept (integers rounded, uint8 kept in
 * 0..255): tensor_resize(photo, 20, 20). */
Tensor *tensor_resize(Tensor *x, int64_t height, int64_t width);

#endif
