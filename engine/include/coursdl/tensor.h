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

/* Internal helper of the variadic-dims macros (tensor_zeros(2, 3) ...):
 * turns a list of sizes into the two arguments of the _shape functions.
 * Arguments: 0 to 8 sizes (int64 values).
 * Returns the expression pair "count, array": CDL_SHAPE(2, 3) is 2 and a
 * compound literal array { 2, 3 } (valid in the enclosing block).
 * Errors: none (the function called checks the sizes).
 * Example:
 *   Tensor *z = tensor_zeros_shape(CDL_SHAPE(64, 784));   // as tensor_zeros(64, 784) */
#define CDL_SHAPE(...) (int)(sizeof((int64_t[]){0, ##__VA_ARGS__}) / sizeof(int64_t)) - 1, \
    (int64_t[]){0, ##__VA_ARGS__} + 1
/* A list of tensors for tensor_cat / tensor_stack, like the Python list
 * [a, b] of torch.cat([a, b]).
 * Arguments: the tensors, one or more.
 * Returns the expression pair "array, count" (a compound literal array
 * valid in the enclosing block, and its length).
 * Errors: none (the function called checks the tensors).
 * Example:
 *   Tensor *X = tensor_cat(TENSORS(X_class0, X_class1), 0);   // (100 + 100, 2) */
#define TENSORS(...) (Tensor *[]){__VA_ARGS__}, \
    (int)(sizeof((Tensor *[]){__VA_ARGS__}) / sizeof(Tensor *))

/* ---- creation ------------------------------------------------------------ */

/* A tensor of the given dims whose values are not set (whatever the memory
 * held), like torch.empty(2, 3): fill it before reading it.
 * Arguments: the sizes of the dimensions (0 to 8 of them), each >= 0.
 * Returns a new tensor of the default dtype (float32 unless changed) on the
 * default device, with arbitrary values.
 * Errors: ShapeError for a negative size or more than 8 dimensions;
 * ValueError when the product of the sizes overflows an int64.
 * Example:
 *   Tensor *grille = tensor_empty(G * G, 2);   // filled by tensor_set below
 *   for (int k = 0; k < G * G; k++) {
 *       tensor_set(grille, gx[k % G], k, 0);
 *       tensor_set(grille, gy[k / G], k, 1);
 *   } */
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
/* Ones: tensor_ones(2, 3).
 * Arguments: the sizes of the dimensions (1 to 8 of them), each >= 0.
 * Returns a new tensor of ones of the default dtype (float32 unless
 * changed) on the default device.
 * Errors: ShapeError for a negative size or more than 8 dimensions.
 * Example:
 *   Tensor *w = tensor_ones(3);   // [1., 1., 1.] */
#define tensor_ones(...) tensor_ones_shape(CDL_SHAPE(__VA_ARGS__))
Tensor *tensor_ones_shape(int ndim, const int64_t *dims);
/* A tensor filled with value: tensor_full(3.5, 2, 3), like
 * torch.full((2, 3), 3.5).
 * Arguments: the value, then the sizes of the dimensions (0 to 8 of them),
 * each >= 0.
 * Returns a new tensor of the default dtype (float32 unless changed) on the
 * default device, every element value.
 * Errors: ShapeError for a negative size or more than 8 dimensions.
 * Example:
 *   Tensor *b = tensor_full(0.01, 128);   // a small positive bias for relu units */
#define tensor_full(value, ...) tensor_full_shape(value, CDL_SHAPE(__VA_ARGS__))
Tensor *tensor_full_shape(double value, int ndim, const int64_t *dims);
/* A tensor filled with value, of a given dtype: tensor_full_dtype(0,
 * DT_INT64, 4), like torch.full((4,), 0, dtype=torch.int64).
 * Arguments: the value (converted to the dtype), the dtype (DT_FLOAT32,
 * DT_FLOAT64, DT_INT64, DT_UINT8, DT_BOOL), then the sizes (each >= 0).
 * Returns a new tensor of that dtype on the default device.
 * Errors: TypeError for an invalid dtype; ShapeError for a negative size or
 * more than 8 dimensions.
 * Example:
 *   Tensor *y_fake = tensor_full_dtype(0, DT_INT64, 64);   // GAN: 0 = fake */
#define tensor_full_dtype(value, dtype, ...) tensor_full_shape_dtype(value, dtype, CDL_SHAPE(__VA_ARGS__))
Tensor *tensor_full_shape_dtype(double value, DType dtype, int ndim, const int64_t *dims);
/* Zeros of a given dtype: tensor_zeros_dtype(DT_FLOAT64, 2, 3).
 * Arguments: the dtype (DT_FLOAT32, DT_FLOAT64, DT_INT64, DT_UINT8,
 * DT_BOOL), then the sizes of the dimensions (each >= 0).
 * Returns a new tensor of zeros of that dtype on the default device.
 * Errors: ShapeError for a negative size or more than 8 dimensions.
 * Example:
 *   Tensor *counts = tensor_zeros_dtype(DT_INT64, 10);   // one per class */
#define tensor_zeros_dtype(dtype, ...) tensor_full_shape_dtype(0, dtype, CDL_SHAPE(__VA_ARGS__))
/* Ones of a given dtype: tensor_ones_dtype(DT_INT64, 5), like
 * torch.ones(5, dtype=torch.int64).
 * Arguments: the dtype (DT_FLOAT32, DT_FLOAT64, DT_INT64, DT_UINT8,
 * DT_BOOL), then the sizes of the dimensions (each >= 0).
 * Returns a new tensor of ones of that dtype on the default device.
 * Errors: TypeError for an invalid dtype; ShapeError for a negative size or
 * more than 8 dimensions.
 * Example:
 *   Tensor *y_real = tensor_ones_dtype(DT_INT64, 64);   // GAN: 1 = real */
#define tensor_ones_dtype(dtype, ...) tensor_full_shape_dtype(1, dtype, CDL_SHAPE(__VA_ARGS__))
/* A tensor of a given dtype whose values are not set, with the shape as an
 * array (the form behind tensor_empty), like torch.empty(shape, dtype=...).
 * Arguments: the dtype, ndim (0 to 8) and an array of ndim sizes (>= 0).
 * Returns a new tensor of that dtype on the default device, with arbitrary
 * values: fill it before reading it.
 * Errors: TypeError for an invalid dtype; ShapeError for a negative size or
 * more than 8 dimensions.
 * Example:
 *   int64_t dims[2] = { n, 1 };
 *   Tensor *labels = tensor_empty_shape_dtype(DT_INT64, 2, dims); */
Tensor *tensor_empty_shape_dtype(DType dtype, int ndim, const int64_t *dims);
/* A 0-dim tensor holding value (default dtype), like torch.tensor(3.5).
 * Arguments: the value.
 * Returns a new 0-dim tensor of the default dtype (float32 unless changed)
 * on the default device.
 * Errors: none.
 * Example:
 *   Tensor *lr = tensor_scalar(0.1);   // tensor_item(lr) is 0.1 */
Tensor *tensor_scalar(double value);
/* A 1-D tensor of the values given: tensor_of(1.0, 2.5, 3.0), like
 * torch.tensor([1.0, 2.5, 3.0]).
 * Arguments: one or more numbers.
 * Returns a new 1-D float32 tensor (whatever the default dtype) of those
 * values on the default device.
 * Errors: none.
 * Example:
 *   Tensor *w_true = tensor_of(2.0, -3.4);   // the weights a regression should find */
#define tensor_of(...) tensor_from_f64_as((double[]){__VA_ARGS__}, DT_FLOAT32, 1, \
    (int64_t[]){(int64_t)(sizeof((double[]){__VA_ARGS__}) / sizeof(double))})
/* Values from start (included) to end (excluded) by step, like
 * torch.arange(start, end, step).
 * Arguments: start, end and step (nonzero, pointing from start to end: a
 * negative step counts down); start and end finite.
 * Returns a new 1-D tensor of ceil((end - start) / step) values, default
 * dtype, on the default device (empty when start == end).
 * Errors: ValueError for step 0, a step pointing away from end, or an
 * infinite or NaN start or end.
 * Example:
 *   Tensor *t = tensor_arange(0, 1, 0.01);   // PINN: 100 times in [0, 1) */
Tensor *tensor_arange(double start, double end, double step);
/* Integers from start (included) to end (excluded) by step, like
 * torch.arange(start, end, step) with integer arguments.
 * Arguments: start, end and step (nonzero, pointing from start to end).
 * Returns a new 1-D int64 tensor on the default device (empty when
 * start == end).
 * Errors: ValueError for step 0 or a step pointing away from end.
 * Example:
 *   Tensor *classes = tensor_arange_int(0, 10, 1);   // 0, 1, ..., 9 */
Tensor *tensor_arange_int(int64_t start, int64_t end, int64_t step);
/* steps evenly spaced values from start to end (both included), like
 * torch.linspace.
 * Arguments: start, end, and steps, the number of values (>= 0).
 * Returns a new 1-D tensor of steps values, default dtype.
 * Errors: ValueError for steps < 0.
 * Example:
 *   Tensor *xs = tensor_linspace(-3, 3, 100);   // x axis of a plot */
Tensor *tensor_linspace(double start, double end, int64_t steps);
/* The n x n identity matrix, like torch.eye(n).
 * Arguments: n, the number of rows and columns (>= 0).
 * Returns a new (n, n) tensor of the default dtype on the default device,
 * ones on the diagonal and zeros elsewhere.
 * Errors: ValueError for n < 0.
 * Example:
 *   Tensor *Y = tensor_index_select(tensor_eye(10), 0, y);   // one-hot rows (N, 10) */
Tensor *tensor_eye(int64_t n);
/* Uniform values in [0, 1): tensor_rand(2, 3), like torch.rand(2, 3).
 * Arguments: the sizes of the dimensions (0 to 8 of them), each >= 0.
 * Returns a new tensor of the default dtype on the default device, drawn
 * from the default generator (manual_seed(s) makes it repeatable).
 * Errors: ShapeError for a negative size or more than 8 dimensions.
 * Example:
 *   Tensor *x_col = tensor_rand(1000, 1);   // PINN: collocation points in [0, 1) */
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
/* Random integers in [low, high): tensor_randint(0, 10, 2, 3), like
 * torch.randint(0, 10, (2, 3)).
 * Arguments: low (included), high (excluded, > low), then the sizes of the
 * dimensions (each >= 0).
 * Returns a new int64 tensor on the default device, uniform over the
 * range, drawn from the default generator.
 * Errors: ValueError when high <= low; ShapeError for a negative size or
 * more than 8 dimensions.
 * Example:
 *   Tensor *idx = tensor_randint(0, 60000, 64);   // a random batch of indices */
#define tensor_randint(low, high, ...) tensor_randint_shape(NULL, low, high, CDL_SHAPE(__VA_ARGS__))
/* tensor_rand, tensor_randn and tensor_randint drawing from a generator of
 * your own (torch.rand(2, 3, generator=g)): tensor_rand_g(gen, 2, 3).
 * Arguments: the generator (from generator_new(seed); NULL is the default
 * one), then the same arguments as tensor_rand / _randn / _randint.
 * Returns a new tensor as tensor_rand / _randn / _randint do; the
 * generator advances, the default one does not.
 * Errors: as tensor_rand / _randn / _randint.
 * Example:
 *   Generator *g = generator_new(42);
 *   Tensor *noise = tensor_randn_g(g, 64, 100);   // GAN: the same noise each run */
#define tensor_rand_g(gen, ...) tensor_rand_shape(gen, CDL_SHAPE(__VA_ARGS__))
#define tensor_randn_g(gen, ...) tensor_randn_shape(gen, CDL_SHAPE(__VA_ARGS__))
#define tensor_randint_g(gen, low, high, ...) tensor_randint_shape(gen, low, high, CDL_SHAPE(__VA_ARGS__))
/* Uniform values in [0, 1) with the shape as an array (the form behind
 * tensor_rand and tensor_rand_g).
 * Arguments: the generator (NULL: the default one), ndim (0 to 8) and an
 * array of ndim sizes (>= 0).
 * Returns a new tensor of the default dtype on the default device.
 * Errors: ShapeError for a negative size or more than 8 dimensions.
 * Example:
 *   Tensor *u = tensor_rand_shape(NULL, tensor_ndim(X), tensor_shape(X)); */
Tensor *tensor_rand_shape(Generator *gen, int ndim, const int64_t *dims);
/* Standard normal values with the shape as an array (the form behind
 * tensor_randn and tensor_randn_g).
 * Arguments: the generator (NULL: the default one), ndim (0 to 8) and an
 * array of ndim sizes (>= 0).
 * Returns a new tensor of the default dtype on the default device.
 * Errors: ShapeError for a negative size or more than 8 dimensions.
 * Example:
 *   Tensor *eps = tensor_randn_shape(NULL, tensor_ndim(mu), tensor_shape(mu)); */
Tensor *tensor_randn_shape(Generator *gen, int ndim, const int64_t *dims);
/* Random integers in [low, high) with the shape as an array (the form
 * behind tensor_randint and tensor_randint_g).
 * Arguments: the generator (NULL: the default one), low (included), high
 * (excluded, > low), ndim (0 to 8) and an array of ndim sizes (>= 0).
 * Returns a new int64 tensor on the default device.
 * Errors: ValueError when high <= low; ShapeError for a negative size or
 * more than 8 dimensions.
 * Example:
 *   Tensor *y = tensor_randint_shape(NULL, 0, 2, 1, (int64_t[]){ 200 }); */
Tensor *tensor_randint_shape(Generator *gen, int64_t low, int64_t high, int ndim, const int64_t *dims);
/* A random permutation of 0..n-1, like torch.randperm(n): to shuffle a
 * data set.
 * Arguments: n (>= 0) and the generator (NULL: the default one).
 * Returns a new 1-D int64 tensor of n values, on the CPU.
 * Errors: ValueError for n < 0.
 * Example:
 *   Tensor *perm = tensor_randperm(tensor_size(X, 0), NULL);
 *   Tensor *X_shuf = tensor_index_select(X, 0, perm); */
Tensor *tensor_randperm(int64_t n, Generator *gen);
/* A new tensor with the shape, dtype and device of x: zeros, ones, value,
 * not set, uniform [0, 1) or standard normal (tensor_zeros_like, _ones_,
 * _full_, _empty_, _rand_, _randn_like), like torch.zeros_like(x).
 * Arguments: the tensor (only its shape, dtype and device are used); for
 * tensor_full_like the value.
 * Returns a new tensor, not recorded for autograd; tensor_rand_like and
 * tensor_randn_like of an integer or bool x give the default float dtype
 * and draw from the default generator.
 * Errors: none.
 * Example:
 *   Tensor *noise = tensor_randn_like(imgs);   // denoising autoencoder
 *   Tensor *noisy = tensor_add(imgs, tensor_mul_scalar(noise, 0.3)); */
Tensor *tensor_zeros_like(const Tensor *x);
Tensor *tensor_ones_like(const Tensor *x);
Tensor *tensor_full_like(const Tensor *x, double value);
Tensor *tensor_empty_like(const Tensor *x);
Tensor *tensor_rand_like(const Tensor *x);
Tensor *tensor_randn_like(const Tensor *x);
/* Copies a C array into a new tensor: tensor_from_f32(arr, 2, 3) (also
 * tensor_from_f64 for double arrays, tensor_from_i64 for int64_t arrays).
 * Arguments: the array (float, double or int64_t elements, row-major), then
 * the sizes of the dimensions; the array must hold at least their product.
 * Returns a new tensor (float32, float64 or int64) with a copy of the data,
 * on the default device; later changes to the array are not seen.
 * Errors: ValueError for a NULL array; ShapeError for a negative size or
 * more than 8 dimensions.
 * Example:
 *   float pts[3][2] = { { 0, 0 }, { 1, 0 }, { 0, 1 } };
 *   Tensor *X = tensor_from_f32(pts, 3, 2);
 *   int64_t lab[3] = { 0, 1, 1 };
 *   Tensor *y = tensor_from_i64(lab, 3); */
#define tensor_from_f32(data, ...) tensor_from_data(data, DT_FLOAT32, CDL_SHAPE(__VA_ARGS__))
#define tensor_from_f64(data, ...) tensor_from_data(data, DT_FLOAT64, CDL_SHAPE(__VA_ARGS__))
#define tensor_from_i64(data, ...) tensor_from_data(data, DT_INT64, CDL_SHAPE(__VA_ARGS__))
/* Copies a C array of elements of type dtype into a new tensor (the form
 * behind tensor_from_f32 / _f64 / _i64), like torch.tensor(data).
 * Arguments: the array (row-major, elements of the C type of dtype: float,
 * double, int64_t, uint8_t or bool), the dtype, ndim (0 to 8) and an array
 * of ndim sizes (>= 0); data must hold at least their product.
 * Returns a new tensor of that dtype on the default device with a copy of
 * the data.
 * Errors: ValueError for a NULL array; TypeError for an invalid dtype;
 * ShapeError for a negative size or more than 8 dimensions.
 * Example:
 *   uint8_t pixels[28 * 28];   // read from a file
 *   Tensor *img = tensor_from_data(pixels, DT_UINT8, 2, (int64_t[]){ 28, 28 }); */
Tensor *tensor_from_data(const void *data, DType dtype, int ndim, const int64_t *dims);
/* Copies a C array of doubles into a new tensor of any dtype, converting
 * each value (the form behind tensor_of).
 * Arguments: the array of doubles (row-major), the dtype of the result
 * (DT_FLOAT32, DT_FLOAT64, DT_INT64, DT_UINT8, DT_BOOL), ndim (0 to 8) and
 * an array of ndim sizes (>= 0); data must hold at least their product.
 * Returns a new tensor of that dtype on the default device.
 * Errors: ValueError for a NULL array; ShapeError for a negative size or
 * more than 8 dimensions.
 * Example:
 *   double lab[4] = { 0, 1, 1, 0 };   // XOR labels
 *   Tensor *y = tensor_from_f64_as(lab, DT_INT64, 1, (int64_t[]){ 4 }); */
Tensor *tensor_from_f64_as(const double *data, DType dtype, int ndim, const int64_t *dims);
/* Copies the elements (row-major, converted) into a C array of n floats /
 * doubles / int64 (tensor_to_f32_array, _f64_array, _i64_array).
 * Arguments: the tensor (any dtype, layout or device), the array, and n,
 * its number of elements, which must equal tensor_numel(t).
 * Returns nothing; the array receives the values.
 * Errors: ValueError for a NULL array; ShapeError when n is not the
 * tensor's number of elements.
 * Example:
 *   float v[4];
 *   tensor_to_f32_array(tensor_randn(2, 2), v, 4); */
void tensor_to_f32_array(const Tensor *t, float *out, int64_t n);
void tensor_to_f64_array(const Tensor *t, double *out, int64_t n);
void tensor_to_i64_array(const Tensor *t, int64_t *out, int64_t n);
/* A copy of x with its own storage, like x.clone(): changing one does not
 * change the other.
 * Arguments: the tensor.
 * Returns a new contiguous tensor of x's shape, dtype and device, recorded
 * for autograd (gradients flow back to x).
 * Errors: none.
 * Example:
 *   Tensor *w_before = tensor_clone(tensor_detach(w));   // kept across optim_step */
Tensor *tensor_clone(Tensor *x);
/* Frees x's storage unless a view still shares it (its views stay valid).
 * Optional: tensors are garbage collected; use it to give back a large
 * tensor at once.
 * Arguments: the tensor, or NULL (then it does nothing).
 * Returns nothing; x can no longer be used.
 * Errors: ValueError when x was already freed; any later use of x is a
 * ValueError too.
 * Example:
 *   Tensor *big = tensor_randn(10000, 784);
 *   double m = tensor_item(tensor_mean(big));
 *   tensor_free(big); */
void tensor_free(Tensor *x);
/* Sets / gets the dtype new float tensors get (DT_FLOAT32 unless changed),
 * like torch.set_default_dtype and torch.get_default_dtype.
 * Arguments: for the setter, DT_FLOAT32 or DT_FLOAT64.
 * Returns nothing (setter) / the current default dtype (getter).
 * Errors: TypeError to set a dtype other than DT_FLOAT32 or DT_FLOAT64.
 * Example:
 *   tensor_set_default_dtype(DT_FLOAT64);   // PINN: derivatives in double precision
 *   printf("%s\n", dtype_name(tensor_get_default_dtype())); */
void tensor_set_default_dtype(DType dtype);
DType tensor_get_default_dtype(void);

/* ---- metadata and element access ------------------------------------------- */

/* Number of dims (len(x.shape)).
 * Arguments: the tensor.
 * Returns its number of dims, 0 for a 0-dim tensor, at most 8.
 * Errors: none.
 * Example:
 *   Tensor *imgs = tensor_zeros(64, 1, 28, 28);
 *   int nd = tensor_ndim(imgs);   // 4 */
int tensor_ndim(const Tensor *t);
/* Size of dim (negative counts from the end), like x.size(dim).
 * Arguments: the tensor and a dim in [-ndim, ndim).
 * Returns the number of elements along that dim.
 * Errors: IndexError for a dim out of range or a 0-dim tensor.
 * Example:
 *   Tensor *X = tensor_zeros(200, 2);
 *   int64_t n = tensor_size(X, 0);   // 200 samples; tensor_size(X, -1) is 2 */
int64_t tensor_size(const Tensor *t, int dim);
/* The sizes of x as an array, like x.shape.
 * Arguments: the tensor.
 * Returns a pointer to its tensor_ndim(x) sizes, owned by the tensor: read
 * it, do not change or free it.
 * Errors: none.
 * Example:
 *   const int64_t *s = tensor_shape(imgs);   // (64, 1, 28, 28)
 *   printf("%lld images of %lld x %lld\n", (long long)s[0], (long long)s[2],
 *          (long long)s[3]); */
const int64_t *tensor_shape(const Tensor *t);
/* The stride of dim, like x.stride(dim): how many elements apart in
 * storage two neighbours along that dim are.
 * Arguments: the tensor and a dim in [-ndim, ndim).
 * Returns the stride in elements (0 along a dim made by tensor_expand).
 * Errors: IndexError for a dim out of range or a 0-dim tensor.
 * Example:
 *   Tensor *Wt = tensor_t(tensor_randn(3, 4));
 *   int64_t s = tensor_stride(Wt, 0);   // 1: a transpose is a view */
int64_t tensor_stride(const Tensor *t, int dim);
/* Number of elements (x.numel()): the product of the sizes.
 * Arguments: the tensor.
 * Returns the number of elements, 1 for a 0-dim tensor.
 * Errors: none.
 * Example:
 *   int64_t n = tensor_numel(tensor_zeros(64, 784));   // 50176 */
int64_t tensor_numel(const Tensor *t);
/* Element type (x.dtype).
 * Arguments: the tensor.
 * Returns its DType: DT_FLOAT32, DT_FLOAT64, DT_INT64, DT_UINT8 or DT_BOOL
 * (dtype_name gives its name).
 * Errors: none.
 * Example:
 *   if (tensor_dtype(y) != DT_INT64) y = tensor_long(y);
 *   printf("%s\n", dtype_name(tensor_dtype(y))); */
DType tensor_dtype(const Tensor *t);
/* The name of a dtype, as PyTorch writes it: "float32", "float64",
 * "int64", "uint8" or "bool".
 * Arguments: the dtype.
 * Returns a constant string; "invalid" for a value that is no DType.
 * Errors: none.
 * Example:
 *   printf("y is %s\n", dtype_name(tensor_dtype(y)));   // y is int64 */
const char *dtype_name(DType dtype);
/* The size in bytes of one element of a dtype, like
 * torch.tensor([], dtype=d).element_size().
 * Arguments: the dtype.
 * Returns 4 (float32), 8 (float64, int64) or 1 (uint8, bool); 0 for a
 * value that is no DType.
 * Errors: none.
 * Example:
 *   size_t bytes = tensor_numel(X) * dtype_size(tensor_dtype(X));   // memory of X */
size_t dtype_size(DType dtype);
/* Whether the elements lie in storage row-major without gaps, like
 * x.is_contiguous(); views made by tensor_t, tensor_permute, tensor_slice
 * or tensor_expand are often not.
 * Arguments: the tensor.
 * Returns true or false.
 * Errors: none.
 * Example:
 *   Tensor *Wt = tensor_t(W);
 *   if (!tensor_is_contiguous(Wt)) Wt = tensor_contiguous(Wt); */
bool tensor_is_contiguous(const Tensor *t);
/* The shape as text, "(2, 3)", for printing.
 * Arguments: the tensor.
 * Returns a string owned by the engine, valid until 8 more calls (8
 * rotating slots): print it, do not keep or free it.
 * Errors: none.
 * Example:
 *   printf("X %s, y %s\n", tensor_shape_str(X), tensor_shape_str(y)); */
const char *tensor_shape_str(const Tensor *t);
/* The single value of a one-element tensor, as a double (x.item()).
 * Arguments: a tensor of exactly one element (0-dim, or any shape of 1s).
 * Returns its value converted to double, whatever its dtype or device.
 * Errors: ValueError when the tensor has more than one element (use
 * tensor_get for one element of a larger tensor).
 * Example:
 *   Tensor *loss = nn_cross_entropy(nn_forward(net, X), y);
 *   printf("loss %.4f\n", tensor_item(loss)); */
double tensor_item(const Tensor *t);
/* Element at an index: tensor_get(t, i, j), like x[i, j].item().
 * Arguments: the tensor, then one index per dim; negative indices count
 * from the end.
 * Returns the element converted to double.
 * Errors: IndexError when the number of indices is not the tensor's number
 * of dims, or an index is out of range (the message names dim and shape).
 * Example:
 *   Tensor *W = tensor_randn(3, 4);
 *   double last = tensor_get(W, 2, -1);   // row 2, last column */
#define tensor_get(t, ...) tensor_get_(t, CDL_SHAPE(__VA_ARGS__))
double tensor_get_(const Tensor *t, int n, const int64_t *idx);
/* Sets an element: tensor_set(t, value, i, j), like x[i, j] = value.
 * Arguments: the tensor, the value (converted to its dtype), then one
 * index per dim; negative indices count from the end.
 * Returns nothing; the tensor (and views sharing its data) changes.
 * Errors: IndexError when the number of indices is not the tensor's number
 * of dims or an index is out of range; RuntimeError on a tensor that
 * requires grad (outside no_grad { ... }).
 * Example:
 *   Tensor *M = tensor_zeros(3, 3);
 *   tensor_set(M, 1.0, 0, 2);   // row 0, column 2 */
#define tensor_set(t, value, ...) tensor_set_(t, value, CDL_SHAPE(__VA_ARGS__))
void tensor_set_(Tensor *t, double value, int n, const int64_t *idx);
/* Typed pointers to the first element of a contiguous CPU tensor of that
 * dtype (tensor_data_f32, _f64, _i64, _u8, _bool).
 * Arguments: the tensor.
 * Returns a pointer into the tensor's own storage (row-major, numel
 * elements): writes through it are seen by the tensor and its views; it
 * stays valid while the tensor is reachable.
 * Errors: TypeError when the dtype is not the one asked (convert with
 * tensor_to_dtype); ValueError for a non-contiguous tensor (use
 * tensor_contiguous); DeviceError for a tensor not in host memory.
 * Example:
 *   Tensor *x = tensor_zeros(5);
 *   float *p = tensor_data_f32(x);
 *   for (int i = 0; i < 5; i++) p[i] = i * 0.5f; */
float *tensor_data_f32(Tensor *t);
double *tensor_data_f64(Tensor *t);
int64_t *tensor_data_i64(Tensor *t);
uint8_t *tensor_data_u8(Tensor *t);
bool *tensor_data_bool(Tensor *t);
/* Untyped pointer to the first element of x, like x.data_ptr(), whatever
 * its dtype, layout or device (on a GPU it is a device address that C code
 * cannot read).
 * Arguments: the tensor.
 * Returns a pointer into the tensor's storage; prefer the typed
 * tensor_data_f32 ..., which check dtype, layout and device.
 * Errors: none.
 * Example:
 *   Tensor *img = tensor_contiguous(tensor_to_dtype(batch, DT_UINT8));
 *   fwrite(tensor_data_ptr(img), 1, (size_t)tensor_numel(img), f); */
void *tensor_data_ptr(Tensor *t);

/* ---- dtype conversion ------------------------------------------------------ */

/* A copy converted to dtype, like x.to(dtype); x itself if it already
 * has it.
 * Arguments: the tensor and the dtype (DT_FLOAT32, DT_FLOAT64, DT_INT64,
 * DT_UINT8, DT_BOOL).
 * Returns the converted tensor, same shape and device; differentiable when
 * converting to a float dtype.
 * Errors: TypeError for an invalid dtype.
 * Example:
 *   Tensor *y64 = tensor_to_dtype(y, DT_INT64);   // labels for nn_cross_entropy */
Tensor *tensor_to_dtype(Tensor *x, DType dtype);
/* Shorthands for tensor_to_dtype: .float(), .double(), .long(), .bool().
 * Arguments: the tensor.
 * Returns x converted to float32 / float64 / int64 / bool (x itself if it
 * already has that dtype).
 * Errors: none.
 * Example:
 *   Tensor *correct = tensor_float(tensor_eq(pred, y));
 *   double acc = tensor_item(tensor_mean(correct)); */
Tensor *tensor_float(Tensor *x);
Tensor *tensor_double(Tensor *x);
Tensor *tensor_long(Tensor *x);
Tensor *tensor_bool(Tensor *x);

/* ---- views and shape --------------------------------------------------------- */

/* Same data, new shape (one dim may be -1): tensor_reshape(x, 2, -1). A view
 * when possible, a copy otherwise.
 * Arguments: the tensor, then the new sizes (their product must be x's
 * number of elements; one of them -1 to infer it).
 * Returns a tensor of the new shape, recorded for autograd.
 * Errors: ShapeError when the sizes do not fit x's number of elements,
 * for more than one -1, or for a negative size.
 * Example:
 *   Tensor *imgs = tensor_zeros(64, 1, 28, 28);
 *   Tensor *flat = tensor_reshape(imgs, 64, -1);   // (64, 784) */
#define tensor_reshape(x, ...) tensor_reshape_shape(x, CDL_SHAPE(__VA_ARGS__))
Tensor *tensor_reshape_shape(Tensor *x, int ndim, const int64_t *dims);
/* Same data, new shape, always without a copy: tensor_view(x, 64, -1), like
 * x.view(64, -1).
 * Arguments: the tensor, then the new sizes (their product must be x's
 * number of elements; one of them -1 to infer it).
 * Returns a view sharing x's data (writes show in x), recorded for autograd.
 * Errors: ShapeError when the sizes do not fit x's number of elements, for
 * more than one -1 or a negative size, or when x's strides cannot be viewed
 * that way (use tensor_reshape, which copies, or tensor_contiguous first).
 * Example:
 *   Tensor *flat = tensor_view(imgs, tensor_size(imgs, 0), -1);   // (64, 784) */
#define tensor_view(x, ...) tensor_view_shape(x, CDL_SHAPE(__VA_ARGS__))
Tensor *tensor_view_shape(Tensor *x, int ndim, const int64_t *dims);
/* Dims start_dim..end_dim (inclusive, negative ok) merged into one, like
 * torch.flatten(x, start_dim, end_dim).
 * Arguments: the tensor, the first and the last dim to merge.
 * Returns a tensor with those dims replaced by their product (a view when
 * possible), recorded for autograd; a 0-dim tensor gives shape (1).
 * Errors: IndexError for a dim out of range; ValueError when start_dim is
 * after end_dim.
 * Example:
 *   Tensor *imgs = tensor_zeros(64, 1, 28, 28);
 *   Tensor *flat = tensor_flatten(imgs, 1, -1);   // (64, 784) */
Tensor *tensor_flatten(Tensor *x, int start_dim, int end_dim);
/* x without any of its dims of size 1, like x.squeeze().
 * Arguments: the tensor.
 * Returns a view sharing x's data, recorded for autograd ((N, 1) gives (N);
 * a shape of all 1s gives a 0-dim tensor).
 * Errors: none.
 * Example:
 *   Tensor *pred = tensor_squeeze(nn_forward(net, X));   // (200, 1) -> (200) */
Tensor *tensor_squeeze(Tensor *x);
/* x without dim if its size is 1, like x.squeeze(dim); x itself otherwise
 * (and for a 0-dim tensor).
 * Arguments: the tensor and the dim (negative counts from the end).
 * Returns a view sharing x's data, recorded for autograd.
 * Errors: IndexError for a dim out of range.
 * Example:
 *   Tensor *y1 = tensor_squeeze_dim(y, 1);   // labels (N, 1) -> (N) */
Tensor *tensor_squeeze_dim(Tensor *x, int dim);
/* x with a new dim of size 1 at position dim, like x.unsqueeze(dim).
 * Arguments: the tensor and the position in [-(ndim + 1), ndim]: 0 in
 * front, -1 at the end.
 * Returns a view sharing x's data, recorded for autograd.
 * Errors: IndexError for a position out of range; ShapeError when x
 * already has 8 dims.
 * Example:
 *   Tensor *img = tensor_unsqueeze(digit, 0);   // (1, 28, 28) -> (1, 1, 28, 28) */
Tensor *tensor_unsqueeze(Tensor *x, int dim);
/* x with two dims swapped, like x.transpose(dim0, dim1).
 * Arguments: the tensor and the two dims (negative count from the end).
 * Returns a view sharing x's data (not contiguous in general), recorded for
 * autograd.
 * Errors: IndexError for a dim out of range.
 * Example:
 *   Tensor *seq = tensor_transpose(feats, 1, 2);   // (N, C, L) -> (N, L, C) */
Tensor *tensor_transpose(Tensor *x, int dim0, int dim1);
/* Transpose of a matrix (dims <= 2), like x.t().
 * Arguments: a tensor of 0, 1 or 2 dims.
 * Returns a view with rows and columns swapped (x itself for 0 or 1 dim),
 * recorded for autograd.
 * Errors: ShapeError for more than 2 dims (use tensor_transpose).
 * Example:
 *   Tensor *W = tensor_randn(3, 4);
 *   Tensor *Wt = tensor_t(W);   // (4, 3) */
Tensor *tensor_t(Tensor *x);
/* x with its dims reordered: tensor_permute(x, 0, 2, 3, 1), like
 * x.permute(0, 2, 3, 1); dim i of the result is dim dims[i] of x.
 * Arguments: the tensor, then each of its dims once (negative count from
 * the end).
 * Returns a view sharing x's data, recorded for autograd.
 * Errors: ShapeError when the number of dims given is not x's; IndexError
 * for a dim out of range; ValueError for a dim given twice.
 * Example:
 *   Tensor *hwc = tensor_permute(imgs, 0, 2, 3, 1);   // (N, C, H, W) -> (N, H, W, C) */
#define tensor_permute(x, ...) tensor_permute_(x, CDL_SHAPE(__VA_ARGS__))
Tensor *tensor_permute_(Tensor *x, int n, const int64_t *dims);
/* x[start:end:step] along dim, like Python's slicing.
 * Arguments: the tensor, the dim (negative counts from the end), start and
 * end (negative count from the end; clamped to the dim's range as Python
 * does; INT64_MAX as end means "to the end"), and step > 0.
 * Returns a view sharing x's data (writes show in x), recorded for
 * autograd; empty when end <= start.
 * Errors: IndexError for a 0-dim tensor or a dim out of range; ValueError
 * for step <= 0.
 * Example:
 *   Tensor *X_train = tensor_slice(X, 0, 0, 50000, 1);         // X[:50000]
 *   Tensor *X_val = tensor_slice(X, 0, 50000, INT64_MAX, 1);   // X[50000:] */
Tensor *tensor_slice(Tensor *x, int dim, int64_t start, int64_t end, int64_t step);
/* length consecutive entries of x along dim from start, like
 * x.narrow(dim, start, length).
 * Arguments: the tensor, the dim (negative counts from the end), the first
 * index (negative counts from the end) and the number of entries.
 * Returns a view sharing x's data (writes show in x), recorded for autograd.
 * Errors: IndexError for a 0-dim tensor, a dim out of range, or when
 * start + length goes past the end of the dim.
 * Example:
 *   Tensor *first10 = tensor_narrow(X, 0, 0, 10);   // rows 0..9 */
Tensor *tensor_narrow(Tensor *x, int dim, int64_t start, int64_t length);
/* The slice of x at index along dim, which is removed, like x.select(dim,
 * index) (x[i] for dim 0).
 * Arguments: the tensor, the dim (negative counts from the end) and the
 * index (negative counts from the end).
 * Returns a view with one dim less, sharing x's data, recorded for autograd.
 * Errors: IndexError for a 0-dim tensor, a dim out of range or an index
 * out of range.
 * Example:
 *   Tensor *img0 = tensor_select(imgs, 0, 0);   // (64, 1, 28, 28) -> (1, 28, 28) */
Tensor *tensor_select(Tensor *x, int dim, int64_t index);
/* x with its size-1 dims repeated to larger sizes without copying:
 * tensor_expand(x, 4, 3), like x.expand(4, 3).
 * Arguments: the tensor, then the new sizes, at least as many as x's dims
 * (new ones are added in front); -1 keeps x's size; only size-1 dims may
 * change.
 * Returns a view sharing x's data (stride 0 on the expanded dims: do not
 * write to it), recorded for autograd.
 * Errors: ShapeError for fewer sizes than x's dims or more than 8, for a
 * size that differs from x's where x's is not 1, or -1 for a new dim.
 * Example:
 *   Tensor *B = tensor_expand(b, 64, 10);   // bias (10) -> (64, 10) */
#define tensor_expand(x, ...) tensor_expand_shape(x, CDL_SHAPE(__VA_ARGS__))
Tensor *tensor_expand_shape(Tensor *x, int ndim, const int64_t *dims);
/* x expanded to the shape of other without copying, like x.expand_as(other).
 * Arguments: the tensor and the tensor whose shape to take (only its shape
 * is used).
 * Returns a view sharing x's data (stride 0 on expanded dims), recorded
 * for autograd.
 * Errors: ShapeError when x's shape cannot expand to other's (as
 * tensor_expand).
 * Example:
 *   Tensor *mu = tensor_expand_as(tensor_mean_dim(X, 0, true), X);   // (N, D) */
Tensor *tensor_expand_as(Tensor *x, const Tensor *other);
/* x laid out row-major without gaps, like x.contiguous(): x itself if it
 * already is, else a copy (tensor_clone).
 * Arguments: the tensor.
 * Returns x or a new contiguous tensor of x's shape, dtype and device,
 * recorded for autograd.
 * Errors: none.
 * Example:
 *   float *p = tensor_data_f32(tensor_contiguous(tensor_t(W))); */
Tensor *tensor_contiguous(Tensor *x);
/* Joins tensors end to end along an existing dim: tensor_cat(TENSORS(a, b),
 * 0), like torch.cat([a, b], 0).
 * Arguments: an array of n tensors (TENSORS(...) makes both), with the same
 * number of dims (>= 1), equal sizes except along dim, on one device; and
 * the dim (negative counts from the end).
 * Returns a new tensor (sizes along dim added), of the widest dtype,
 * recorded for autograd.
 * Errors: ValueError for n <= 0 or a NULL tensor; ShapeError for 0-dim
 * tensors or sizes that differ outside dim; IndexError for a dim out of
 * range; DeviceError for tensors on different devices.
 * Example:
 *   Tensor *batch = tensor_cat(TENSORS(real_imgs, fake_imgs), 0);   // GAN: (128, 784) */
Tensor *tensor_cat(Tensor **tensors, int n, int dim);
/* Stacks tensors of one shape along a new dim: tensor_stack(TENSORS(a, b),
 * 0), like torch.stack([a, b], 0).
 * Arguments: an array of n tensors of the same shape (TENSORS(...) makes
 * both), on one device; and the position of the new dim in
 * [-(ndim + 1), ndim].
 * Returns a new tensor with a dim of size n at that position, recorded for
 * autograd.
 * Errors: ValueError for n <= 0 or a NULL tensor; ShapeError when the
 * shapes differ; IndexError for a position out of range; DeviceError for
 * tensors on different devices.
 * Example:
 *   Tensor *pts = tensor_stack(TENSORS(xs, ys), 1);   // two (N) -> (N, 2) */
Tensor *tensor_stack(Tensor **tensors, int n, int dim);
/* Cuts x along dim into pieces of split_size (the last may be smaller),
 * like torch.split(x, split_size, dim).
 * Arguments: the tensor (>= 1 dim), split_size > 0, the dim (negative
 * counts from the end), and n_out, which receives the number of pieces
 * (may be NULL).
 * Returns a new array (garbage collected) of the pieces, views sharing x's
 * data recorded for autograd, followed by a NULL.
 * Errors: ShapeError for a 0-dim tensor; IndexError for a dim out of
 * range; ValueError for split_size <= 0.
 * Example:
 *   int nb;
 *   Tensor **batches = tensor_split(X, 64, 0, &nb);   // batches[0] is (64, 784) */
Tensor **tensor_split(Tensor *x, int64_t split_size, int dim, int *n_out);
/* Cuts x along dim into chunks pieces of equal size (the last may be
 * smaller, and there may be fewer pieces), like torch.chunk(x, chunks, dim).
 * Arguments: the tensor (>= 1 dim), chunks > 0, the dim (negative counts
 * from the end), and n_out, which receives the number of pieces (may be
 * NULL).
 * Returns a new array (garbage collected) of the pieces, views sharing x's
 * data recorded for autograd, followed by a NULL.
 * Errors: ValueError for chunks <= 0; ShapeError for a 0-dim tensor;
 * IndexError for a dim out of range.
 * Example:
 *   int n;
 *   Tensor **half = tensor_chunk(h, 2, 1, &n);   // VAE: mu and logvar from (N, 2 * Z) */
Tensor **tensor_chunk(Tensor *x, int chunks, int dim, int *n_out);
/* x tiled: tensor_repeat(x, 2, 1), like x.repeat(2, 1): copies side by side
 * along each dim.
 * Arguments: the tensor, then one repeat count (>= 0) per dim of x, or
 * more (then new dims are added in front), 8 at most.
 * Returns a new tensor (a copy) whose sizes are x's times the counts,
 * recorded for autograd.
 * Errors: ShapeError for fewer counts than x's dims or more than 8;
 * ValueError for a negative count.
 * Example:
 *   Tensor *z = tensor_repeat(tensor_randn(1, 100), 16, 1);   // one noise, 16 rows */
#define tensor_repeat(x, ...) tensor_repeat_(x, CDL_SHAPE(__VA_ARGS__))
Tensor *tensor_repeat_(Tensor *x, int n, const int64_t *reps);

/* ---- indexing ----------------------------------------------------------------- */

/* The entries of x at the given indices along dim, like
 * torch.index_select(x, dim, index) (x[index] for dim 0).
 * Arguments: the tensor, the dim (negative counts from the end), and a 1-D
 * (or 0-dim) integer tensor of indices in [-size, size) on x's device
 * (negative ones count from the end; repeats allowed).
 * Returns a new tensor, x's shape with the size along dim the number of
 * indices, recorded for autograd.
 * Errors: ShapeError for an index of more than 1 dim; TypeError for a
 * float index; IndexError for an index or a dim out of range; DeviceError
 * when index is on another device.
 * Example:
 *   Tensor *perm = tensor_randperm(tensor_size(X, 0), NULL);
 *   Tensor *Xb = tensor_index_select(X, 0, tensor_slice(perm, 0, 0, 64, 1)); */
Tensor *tensor_index_select(Tensor *x, int dim, Tensor *index);
/* Picks one entry of x along dim for each entry of index, like
 * torch.gather(x, dim, index): out[i][j] = x[index[i][j]][j] for dim 0,
 * out[i][j] = x[i][index[i][j]] for dim 1.
 * Arguments: the tensor, the dim (negative counts from the end), and an
 * integer index tensor with x's number of dims, no larger than x along the
 * other dims, values in [-size, size) along dim, on x's device.
 * Returns a new tensor of index's shape and x's dtype, recorded for
 * autograd.
 * Errors: ShapeError when index's dims do not fit x; TypeError for a float
 * index; IndexError for an index or a dim out of range; DeviceError when
 * index is on another device.
 * Example:
 *   Tensor *logp = tensor_log_softmax(logits, 1);   // (N, C)
 *   Tensor *picked = tensor_gather(logp, 1, tensor_unsqueeze(y, 1));   // (N, 1) */
Tensor *tensor_gather(Tensor *x, int dim, Tensor *index);
/* A copy of x with the values of src written at the positions index gives
 * along dim, like torch.scatter(x, dim, index, src): out[index[i][j]][j] =
 * src[i][j] for dim 0, out[i][index[i][j]] = src[i][j] for dim 1.
 * Arguments: the tensor, the dim (negative counts from the end), an integer
 * index tensor with x's number of dims (no larger than x and src, values in
 * [-size, size) along dim), and src, same number of dims, converted to x's
 * dtype; all on one device.
 * Returns a new tensor of x's shape and dtype, recorded for autograd.
 * Errors: ShapeError when index does not fit x or src; TypeError for a
 * float index; IndexError for an index or a dim out of range; DeviceError
 * for tensors on different devices.
 * Example:
 *   Tensor *Y = tensor_scatter(tensor_zeros(N, 10), 1, tensor_unsqueeze(y, 1),
 *                              tensor_ones(N, 1));   // one-hot rows */
Tensor *tensor_scatter(Tensor *x, int dim, Tensor *index, Tensor *src);
/* A copy of x with the values of src added at the positions index gives
 * along dim, like torch.scatter_add(x, dim, index, src): out[index[i][j]][j]
 * += src[i][j] for dim 0; repeated positions add up.
 * Arguments: as tensor_scatter: the tensor, the dim, an integer index
 * tensor and src, all with the same number of dims, on one device.
 * Returns a new tensor of x's shape and dtype, recorded for autograd.
 * Errors: ShapeError when index does not fit x or src; TypeError for a
 * float index; IndexError for an index or a dim out of range; DeviceError
 * for tensors on different devices.
 * Example:
 *   Tensor *counts = tensor_scatter_add(tensor_zeros(1, 10), 1,
 *                                       tensor_unsqueeze(y, 0),
 *                                       tensor_ones(1, tensor_size(y, 0))); */
Tensor *tensor_scatter_add(Tensor *x, int dim, Tensor *index, Tensor *src);
/* A copy of x with value written at the positions index gives along dim,
 * like torch.scatter(x, dim, index, value).
 * Arguments: the tensor, the dim (negative counts from the end), an integer
 * index tensor with x's number of dims (values in [-size, size) along
 * dim), and the value (converted to x's dtype).
 * Returns a new tensor of x's shape and dtype, recorded for autograd.
 * Errors: ShapeError when index does not fit x; TypeError for a float
 * index; IndexError for an index or a dim out of range; DeviceError when
 * index is on another device.
 * Example:
 *   Tensor *Y = tensor_scatter_value(tensor_zeros(N, 10), 1,
 *                                    tensor_unsqueeze(y, 1), 1.0);   // one-hot */
Tensor *tensor_scatter_value(Tensor *x, int dim, Tensor *index, double value);
/* A copy of x with the slices of src added at the indices along dim, like
 * torch.index_add(x, dim, index, src): out[index[i]] += src[i] for dim 0;
 * repeated indices add up.
 * Arguments: the tensor, the dim (negative counts from the end), a 1-D
 * integer tensor of indices in [-size, size), and src of x's shape except
 * that its size along dim is the number of indices; on one device.
 * Returns a new tensor of x's shape and the wider dtype of x and src,
 * recorded for autograd.
 * Errors: ShapeError for an index of more than 1 dim or a src that does
 * not fit; TypeError for a float index; IndexError for an index or a dim
 * out of range; DeviceError for tensors on different devices.
 * Example:
 *   Tensor *sums = tensor_index_add(tensor_zeros(10, 784), 0, y, X);   // per class */
Tensor *tensor_index_add(Tensor *x, int dim, Tensor *index, Tensor *src);
/* The elements of x where mask is true, in row-major order, like
 * torch.masked_select(x, mask) (x[mask]).
 * Arguments: the tensor and a bool mask whose shape broadcasts with x's
 * (make it with a comparison such as tensor_gt_scalar).
 * Returns a new 1-D tensor of x's dtype, recorded for autograd.
 * Errors: TypeError for a mask that is not bool; ShapeError when the
 * shapes do not broadcast.
 * Example:
 *   Tensor *wrong = tensor_masked_select(probs_max, tensor_ne(pred, y)); */
Tensor *tensor_masked_select(Tensor *x, Tensor *mask);
/* A copy of x with value where mask is true, like x.masked_fill(mask,
 * value).
 * Arguments: the tensor, a bool mask that broadcasts to x's shape, and the
 * value (converted to x's dtype).
 * Returns a new tensor of x's shape and dtype, recorded for autograd (no
 * gradient reaches x where mask is true).
 * Errors: TypeError for a mask that is not bool; ShapeError when the mask
 * does not broadcast to x's shape.
 * Example:
 *   Tensor *safe = tensor_masked_fill(p, tensor_eq_scalar(p, 0), 1e-12); */
Tensor *tensor_masked_fill(Tensor *x, Tensor *mask, double value);
/* The positions of the nonzero (true) elements of x, like
 * torch.nonzero(x).
 * Arguments: the tensor (any dtype).
 * Returns a new int64 tensor of shape (count, ndim), one row of indices
 * per nonzero element in row-major order, on x's device; not
 * differentiable.
 * Errors: none.
 * Example:
 *   Tensor *bad = tensor_nonzero(tensor_ne(pred, y));   // (n_errors, 1)
 *   printf("%lld errors\n", (long long)tensor_size(bad, 0)); */
Tensor *tensor_nonzero(Tensor *x);

/* ---- elementwise (NumPy broadcasting) ---------------------------------------- */

/* a + b, a - b, a * b, a / b (true division), a ** b, elementwise with
 * NumPy broadcasting (tensor_add, tensor_sub, tensor_mul, tensor_div,
 * tensor_pow).
 * Arguments: two tensors whose shapes broadcast (equal sizes, or 1, dim by
 * dim from the right), on the same device.
 * Returns a new tensor of the broadcast shape, recorded for autograd; its
 * dtype is the wider of the two (integers divided give the default float).
 * Errors: ShapeError when the shapes do not broadcast; DeviceError for
 * tensors on different devices.
 * Example:
 *   Tensor *h = tensor_add(tensor_matmul(X, W), b);   // (200, 16) + (16)
 *   Tensor *err = tensor_sub(pred, y); */
Tensor *tensor_add(Tensor *a, Tensor *b);
Tensor *tensor_sub(Tensor *a, Tensor *b);
Tensor *tensor_mul(Tensor *a, Tensor *b);
Tensor *tensor_div(Tensor *a, Tensor *b);
Tensor *tensor_pow(Tensor *a, Tensor *b);
/* The larger / smaller of a and b, element by element, with NumPy
 * broadcasting, like torch.maximum / torch.minimum (not a reduction:
 * see tensor_max for that).
 * Arguments: two tensors whose shapes broadcast, on the same device.
 * Returns a new tensor of the broadcast shape and the wider dtype,
 * recorded for autograd.
 * Errors: ShapeError when the shapes do not broadcast; DeviceError for
 * tensors on different devices.
 * Example:
 *   Tensor *hinge = tensor_maximum(tensor_rsub_scalar(margin, 1.0), tensor_zeros(1)); */
Tensor *tensor_maximum(Tensor *a, Tensor *b);
Tensor *tensor_minimum(Tensor *a, Tensor *b);
/* A tensor and a number: a + s, a - s, s - a, a * s, a / s, s / a,
 * a ** s, s ** a (tensor_add_scalar, _sub_, _rsub_, _mul_, _div_, _rdiv_,
 * _pow_, _rpow_scalar).
 * Arguments: the tensor and the number.
 * Returns a new tensor of a's shape, recorded for autograd
 * (tensor_div_scalar of an integer tensor gives the default float dtype).
 * Errors: ValueError for an integer tensor to a negative integer power
 * (convert first with tensor_float).
 * Example:
 *   Tensor *centered = tensor_sub_scalar(X, 0.5);
 *   Tensor *scaled = tensor_div_scalar(tensor_mul_scalar(centered, 2.0), 255.0); */
Tensor *tensor_add_scalar(Tensor *a, double s);
Tensor *tensor_sub_scalar(Tensor *a, double s);
Tensor *tensor_rsub_scalar(Tensor *a, double s);
Tensor *tensor_mul_scalar(Tensor *a, double s);
Tensor *tensor_div_scalar(Tensor *a, double s);
Tensor *tensor_rdiv_scalar(Tensor *a, double s);
Tensor *tensor_pow_scalar(Tensor *a, double s);
Tensor *tensor_rpow_scalar(Tensor *a, double s);
/* Elementwise math: -x, |x|, sign, e^x, ln x, ln(1 + x), sqrt, x^2, 1/x
 * (tensor_neg, _abs, _sign, _exp, _log, _log1p, _sqrt, _square,
 * _reciprocal).
 * Arguments: the tensor.
 * Returns a new tensor of x's shape, recorded for autograd; out-of-domain
 * values give NaN or inf rather than an error (tensor_log of 0 is -inf).
 * Errors: none.
 * Example:
 *   Tensor *mae = tensor_mean(tensor_abs(tensor_sub(pred, y)));
 *   Tensor *nll = tensor_neg(tensor_log(p));
 *   Tensor *se = tensor_square(tensor_sub(pred, y)); */
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
/* Activations, elementwise: sigmoid 1 / (1 + e^-x) (torch.sigmoid) and
 * relu max(x, 0) (torch.relu); nn_relu / nn_sigmoid are the layers.
 * Arguments: the tensor.
 * Returns a new tensor of x's shape, recorded for autograd. tensor_sigmoid
 * of an integer or bool tensor gives the default float dtype;
 * tensor_relu keeps x's dtype.
 * Errors: none.
 * Example:
 *   Tensor *h = tensor_relu(tensor_add(tensor_matmul(X, W1), b1));   // (200, 16)
 *   Tensor *p = tensor_sigmoid(tensor_add(tensor_matmul(h, W2), b2)); // P(class 1) */
Tensor *tensor_sigmoid(Tensor *x);
Tensor *tensor_relu(Tensor *x);
/* Leaky relu, elementwise: x if x > 0 else negative_slope * x, like
 * F.leaky_relu(x, negative_slope) (PyTorch's default slope is 0.01; GANs
 * often use 0.2).
 * Arguments: the tensor and the slope for negative values.
 * Returns a new tensor of x's shape, recorded for autograd (an integer or
 * bool x gives the default float dtype).
 * Errors: none.
 * Example:
 *   Tensor *h = tensor_leaky_relu(nn_forward(disc_fc1, imgs), 0.2);   // GAN critic */
Tensor *tensor_leaky_relu(Tensor *x, double negative_slope);
/* ELU, elementwise: x if x > 0 else alpha * (exp(x) - 1), like
 * F.elu(x, alpha) (PyTorch's default alpha is 1).
 * Arguments: the tensor and alpha, the value approached for very negative x
 * (as -alpha).
 * Returns a new tensor of x's shape, recorded for autograd (an integer or
 * bool x gives the default float dtype).
 * Errors: none.
 * Example:
 *   Tensor *h = tensor_elu(tensor_add(tensor_matmul(X, W1), b1), 1.0); */
Tensor *tensor_elu(Tensor *x, double alpha);
/* GELU, elementwise: x * Phi(x), Phi the standard normal CDF, in the
 * exact erf form of F.gelu(x) (PyTorch's default, not the tanh one).
 * Arguments: the tensor.
 * Returns a new tensor of x's shape, recorded for autograd (an integer or
 * bool x gives the default float dtype).
 * Errors: none.
 * Example:
 *   Tensor *h = tensor_gelu(nn_forward(fc1, X)); */
Tensor *tensor_gelu(Tensor *x);
/* Softplus, elementwise: log(1 + exp(x)), a smooth relu, like F.softplus(x)
 * (x itself above 20, as PyTorch's default threshold).
 * Arguments: the tensor.
 * Returns a new tensor of x's shape with positive values, recorded for
 * autograd (an integer or bool x gives the default float dtype).
 * Errors: none.
 * Example:
 *   Tensor *sigma = tensor_softplus(nn_forward(head, h));   // a positive std */
Tensor *tensor_softplus(Tensor *x);
/* Values limited to [lo, hi], like torch.clamp(x, lo, hi); use -INFINITY or
 * INFINITY to leave one side open.
 * Arguments: the tensor, lo and hi (lo <= hi); for an integer tensor the
 * bounds are rounded inwards to whole numbers.
 * Returns a new tensor of x's shape and dtype, recorded for autograd (the
 * gradient is 0 where a value was clamped).
 * Errors: ValueError when lo > hi.
 * Example:
 *   Tensor *p = tensor_clamp(tensor_sigmoid(z), 1e-7, 1 - 1e-7);   // before a log */
Tensor *tensor_clamp(Tensor *x, double lo, double hi);
/* cond ? a : b, element by element, like torch.where(cond, a, b).
 * Arguments: the condition (bool, or any dtype: nonzero is true) and two
 * tensors; the three shapes broadcast together; all on one device.
 * Returns a new tensor of the broadcast shape and the wider dtype of a and
 * b, recorded for autograd (gradients go to a where cond holds, to b
 * elsewhere).
 * Errors: ShapeError when the shapes do not broadcast; DeviceError for
 * tensors on different devices.
 * Example:
 *   Tensor *l = tensor_where(tensor_gt_scalar(err, 1), tensor_abs(err),
 *                            tensor_mul_scalar(tensor_square(err), 0.5));   // Huber */
Tensor *tensor_where(Tensor *cond, Tensor *a, Tensor *b);
/* Elementwise comparisons a == b, a != b, a < b, a <= b, a > b, a >= b,
 * like PyTorch's a == b... (tensor_eq, _ne, _lt, _le, _gt, _ge), and the
 * same against a number (tensor_eq_scalar ... tensor_ge_scalar).
 * Arguments: two tensors whose shapes broadcast, on the same device; or a
 * tensor and the number s. Any dtypes: values are compared as numbers.
 * Returns a new bool tensor (DT_BOOL) of the broadcast shape (a's shape for
 * the _scalar forms); not differentiable (tensor_float makes it 0. / 1.).
 * Errors: ShapeError when the shapes do not broadcast; DeviceError for
 * tensors on different devices (the _scalar forms raise none).
 * Example:
 *   Tensor *pred = tensor_gt_scalar(tensor_sigmoid(logits), 0.5);   // moons
 *   Tensor *correct = tensor_eq(tensor_argmax_dim(scores, 1, false), y);
 *   double acc = tensor_item(tensor_mean(tensor_float(correct))); */
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
/* Logical and / or / not, element by element, like torch.logical_and,
 * torch.logical_or, torch.logical_not (a nonzero value is true).
 * Arguments: two tensors whose shapes broadcast, on the same device (one
 * for tensor_logical_not), of any dtype.
 * Returns a new bool tensor (of the broadcast shape); not differentiable.
 * Errors: ShapeError when the shapes do not broadcast; DeviceError for
 * tensors on different devices.
 * Example:
 *   Tensor *in01 = tensor_logical_and(tensor_ge_scalar(t, 0), tensor_le_scalar(t, 1)); */
Tensor *tensor_logical_and(Tensor *a, Tensor *b);
Tensor *tensor_logical_or(Tensor *a, Tensor *b);
Tensor *tensor_logical_not(Tensor *a);
/* Whether a and b hold the same values up to a tolerance, like
 * torch.allclose: true when the shapes are equal and every element has
 * |a - b| <= atol + rtol * |b|.
 * Arguments: the two tensors (any dtypes, any devices: compared as float64
 * on the CPU), rtol (relative) and atol (absolute) tolerances, >= 0
 * (PyTorch's defaults are rtol = 1e-5, atol = 1e-8).
 * Returns true or false; different shapes (no broadcasting) or a NaN
 * anywhere give false.
 * Errors: none.
 * Example:
 *   Tensor *s1 = nn_forward(net, X), *s2 = nn_forward(net, X);
 *   assert_true(tensor_allclose(s1, s2, 0, 0), "eval mode: dropout is off"); */
bool tensor_allclose(Tensor *a, Tensor *b, double rtol, double atol);
/* Whether a and b have the same shape and the same values, like
 * torch.equal(a, b).
 * Arguments: the two tensors (any dtypes, any devices: values compared as
 * float64).
 * Returns true or false; different shapes or a NaN anywhere give false.
 * Errors: none.
 * Example:
 *   assert_true(tensor_equal(tensor_argmax_dim(logits, 1, false), y), "all right"); */
bool tensor_equal(Tensor *a, Tensor *b);

/* ---- in-place (for optimizers; not recorded by autograd) ------------------- */

/* In place a += b, a -= b, a *= b, a /= b, and a += alpha * b
 * (tensor_add_, _sub_, _mul_, _div_, _add_scaled_), like a.add_(b) and
 * a.add_(b, alpha=alpha): the update of a hand-written optimizer.
 * Arguments: a, the tensor changed; b, whose shape broadcasts to a's, on
 * a's device; for tensor_add_scaled_ the factor alpha.
 * Returns a itself (changed, dtype kept), not recorded for autograd.
 * Errors: RuntimeError when a requires grad (do it inside no_grad { ... });
 * ShapeError when b does not broadcast to a's shape; TypeError when an
 * integer a would get a float result (a float b, or a division);
 * DeviceError for tensors on different devices.
 * Example:
 *   no_grad {
 *       tensor_add_scaled_(w, tensor_grad(w), -0.1);   // w -= lr * grad
 *   } */
Tensor *tensor_add_(Tensor *a, Tensor *b);
Tensor *tensor_sub_(Tensor *a, Tensor *b);
Tensor *tensor_mul_(Tensor *a, Tensor *b);
Tensor *tensor_div_(Tensor *a, Tensor *b);
Tensor *tensor_add_scaled_(Tensor *a, Tensor *b, double alpha);
/* In place a += s and a *= s (tensor_add_scalar_, tensor_mul_scalar_),
 * like a.add_(s), a.mul_(s).
 * Arguments: the tensor changed and the number.
 * Returns a itself (changed, dtype kept), not recorded for autograd.
 * Errors: RuntimeError when a requires grad (do it inside no_grad { ... });
 * TypeError for an integer or bool a with a number that is not whole.
 * Example:
 *   no_grad { tensor_mul_scalar_(w, 0.999); }   // weight decay by hand */
Tensor *tensor_add_scalar_(Tensor *a, double s);
Tensor *tensor_mul_scalar_(Tensor *a, double s);
/* In place: every element set to value (tensor_fill_) or to 0
 * (tensor_zero_), like a.fill_(value), a.zero_().
 * Arguments: the tensor changed; for tensor_fill_ the value (converted to
 * its dtype).
 * Returns a itself, not recorded for autograd.
 * Errors: RuntimeError when a requires grad (do it inside no_grad { ... }).
 * Example:
 *   Tensor *v = tensor_zeros_like(w);   // momentum buffer
 *   tensor_zero_(v);                    // reset at a new run */
Tensor *tensor_fill_(Tensor *a, double value);
Tensor *tensor_zero_(Tensor *a);
/* In place: copies the values of src into a, like a.copy_(src).
 * Arguments: a, the tensor changed; src, whose shape broadcasts to a's
 * (any dtype: converted; any device: moved).
 * Returns a itself, not recorded for autograd.
 * Errors: ShapeError when src does not broadcast to a's shape;
 * RuntimeError when a requires grad (do it inside no_grad { ... }).
 * Example:
 *   no_grad { tensor_copy_(w_target, w); }   // keep a copy of the weights */
Tensor *tensor_copy_(Tensor *a, Tensor *src);
/* In place: values limited to [lo, hi], like a.clamp_(lo, hi); use
 * -INFINITY or INFINITY to leave one side open.
 * Arguments: the tensor changed, lo and hi (for an integer tensor rounded
 * inwards to whole numbers).
 * Returns a itself, not recorded for autograd.
 * Errors: ValueError when lo > hi; RuntimeError when a requires grad (do it
 * inside no_grad { ... }).
 * Example:
 *   no_grad { tensor_clamp_(w, -0.01, 0.01); }   // WGAN weight clipping */
Tensor *tensor_clamp_(Tensor *a, double lo, double hi);

/* ---- reductions ------------------------------------------------------------ */

/* The sum of all elements, like x.sum().
 * Arguments: the tensor.
 * Returns a new 0-dim tensor, recorded for autograd; integer and bool
 * tensors sum to int64 (tensor_item gives the number).
 * Errors: none.
 * Example:
 *   Tensor *sse = tensor_sum(tensor_square(tensor_sub(pred, y)));
 *   int64_t n_ok = (int64_t)tensor_item(tensor_sum(tensor_eq(pred, y))); */
Tensor *tensor_sum(Tensor *x);
/* Sum over one dim, like x.sum(dim, keepdim).
 * Arguments: the tensor, the dim (negative counts from the end), and
 * keepdim: true keeps the dim with size 1 (handy to broadcast back).
 * Returns a new tensor without that dim (or with size 1), recorded for
 * autograd; integer and bool tensors sum to int64.
 * Errors: IndexError for a dim out of range.
 * Example:
 *   Tensor *row_sums = tensor_sum_dim(P, 1, true);   // (N, C) -> (N, 1)
 *   Tensor *Pn = tensor_div(P, row_sums); */
Tensor *tensor_sum_dim(Tensor *x, int dim, bool keepdim);
/* Sum over several dims at once, like x.sum((d1, d2), keepdim).
 * Arguments: the tensor, n and an array of n distinct dims (negative count
 * from the end; n = 0 sums every dim), and keepdim (true keeps the summed
 * dims with size 1).
 * Returns a new tensor, recorded for autograd; integer and bool tensors
 * sum to int64.
 * Errors: IndexError for a dim out of range; ValueError for a dim given
 * twice.
 * Example:
 *   Tensor *per_img = tensor_sum_dims(tensor_square(tensor_sub(rec, imgs)), 3,
 *                                     (int[]){ 1, 2, 3 }, false);   // (N) */
Tensor *tensor_sum_dims(Tensor *x, int n, const int *dims, bool keepdim);
/* Mean of all elements (tensor_mean, 0-dim), over one dim
 * (tensor_mean_dim), or over n dims (tensor_mean_dims), like x.mean().
 * Arguments: a floating point tensor; for _dim the dim (negative counts
 * from the end) and keepdim (true keeps it with size 1).
 * Returns a new tensor, recorded for autograd (tensor_item gives the
 * number of a 0-dim result).
 * Errors: TypeError for an integer or bool tensor (use tensor_float);
 * IndexError for a dim out of range.
 * Example:
 *   double m = tensor_item(tensor_mean(X));
 *   Tensor *mu = tensor_mean_dim(X, 0, true);   // per-feature means (1, D) */
Tensor *tensor_mean(Tensor *x);
Tensor *tensor_mean_dim(Tensor *x, int dim, bool keepdim);
Tensor *tensor_mean_dims(Tensor *x, int n, const int *dims, bool keepdim);
/* Largest / smallest element of the whole tensor, like x.max().
 * Arguments: the tensor (any dtype).
 * Returns a 0-dim tensor of x's dtype, recorded for autograd (use
 * tensor_max_dim for the max over one dim).
 * Errors: ValueError for an empty tensor.
 * Example:
 *   printf("range [%g, %g]\n", tensor_item(tensor_min(X)), tensor_item(tensor_max(X))); */
Tensor *tensor_max(Tensor *x);
Tensor *tensor_min(Tensor *x);
/* Largest / smallest values over one dim and where they are, like
 * torch.max(x, dim, keepdim) / torch.min.
 * Arguments: the tensor, the dim (negative counts from the end), keepdim
 * (true keeps the dim with size 1), and indices: if not NULL, *indices
 * receives a new int64 tensor of the positions along dim.
 * Returns a new tensor of the values (x's dtype), recorded for autograd
 * (the gradient goes to the chosen positions).
 * Errors: IndexError for a dim out of range; ValueError for an empty dim.
 * Example:
 *   Tensor *pred;
 *   Tensor *conf = tensor_max_dim(tensor_softmax(logits, 1), 1, false, &pred); */
Tensor *tensor_max_dim(Tensor *x, int dim, bool keepdim, Tensor **indices);
Tensor *tensor_min_dim(Tensor *x, int dim, bool keepdim, Tensor **indices);
/* Position of the largest / smallest element of the whole tensor, counted
 * in row-major order, like x.argmax() / x.argmin().
 * Arguments: the tensor.
 * Returns a new 0-dim int64 tensor; not differentiable.
 * Errors: ValueError for an empty tensor.
 * Example:
 *   int64_t best = (int64_t)tensor_item(tensor_argmax(val_acc));   // best epoch */
Tensor *tensor_argmax(Tensor *x);
Tensor *tensor_argmin(Tensor *x);
/* Indices of the max / min over dim, like x.argmax(dim, keepdim): the
 * predicted class of logits over dim 1.
 * Arguments: the tensor, the dim (negative counts from the end), keepdim
 * (true keeps the dim with size 1).
 * Returns a new int64 tensor of positions along dim; not differentiable.
 * Errors: IndexError for a dim out of range; ValueError for an empty tensor.
 * Example:
 *   Tensor *pred = tensor_argmax_dim(nn_forward(net, X), 1, false);   // (N) */
Tensor *tensor_argmax_dim(Tensor *x, int dim, bool keepdim);
Tensor *tensor_argmin_dim(Tensor *x, int dim, bool keepdim);
/* Variance / standard deviation with Bessel's correction (divides by
 * n - 1, unbiased, like PyTorch's x.var(), x.std()), of all elements
 * (tensor_var, tensor_std) or over one dim (_dim, with keepdim).
 * Arguments: a floating point tensor; for _dim the dim and keepdim.
 * Returns a new tensor, recorded for autograd (0-dim for all elements).
 * Errors: TypeError for an integer or bool tensor (use tensor_float);
 * IndexError for a dim out of range.
 * Example:
 *   Tensor *Xn = tensor_div_scalar(tensor_sub_scalar(X, tensor_item(tensor_mean(X))),
 *                                  tensor_item(tensor_std(X))); */
Tensor *tensor_var(Tensor *x);
Tensor *tensor_var_dim(Tensor *x, int dim, bool keepdim);
Tensor *tensor_std(Tensor *x);
Tensor *tensor_std_dim(Tensor *x, int dim, bool keepdim);
/* Variance over several dims with a chosen correction, like
 * torch.var(x, dims, correction=c, keepdim): the sum of squared deviations
 * divided by count - correction.
 * Arguments: a floating point tensor, n and an array of n distinct dims
 * (n = 0: every dim), the correction (1: unbiased, 0: the biased variance
 * of batch norm) and keepdim.
 * Returns a new tensor, recorded for autograd (NaN where count <=
 * correction).
 * Errors: TypeError for an integer or bool tensor (use tensor_float);
 * IndexError for a dim out of range; ValueError for a dim given twice.
 * Example:
 *   Tensor *v = tensor_var_dims(x, 3, (int[]){ 0, 2, 3 }, 0, true);   // per channel */
Tensor *tensor_var_dims(Tensor *x, int n, const int *dims, int correction, bool keepdim);
/* The p-norm (sum |x|^p)^(1/p) of all elements (tensor_norm) or over one
 * dim (tensor_norm_dim), like torch.linalg.vector_norm; p = 2 is the
 * Euclidean norm, INFINITY the largest |x|.
 * Arguments: the tensor (an integer one is converted to the default float
 * dtype), p > 0 or INFINITY; for _dim the dim and keepdim.
 * Returns a new tensor (0-dim for all elements), recorded for autograd.
 * Errors: ValueError for p <= 0; IndexError for a dim out of range.
 * Example:
 *   double gnorm = tensor_item(tensor_norm(tensor_grad(w), 2));
 *   Tensor *len = tensor_norm_dim(X, 2, 1, true);   // each row's length (N, 1) */
Tensor *tensor_norm(Tensor *x, double p);
Tensor *tensor_norm_dim(Tensor *x, double p, int dim, bool keepdim);
/* log(sum(exp(x))) over dim, computed without overflow, like
 * torch.logsumexp(x, dim, keepdim).
 * Arguments: the tensor (an integer one is converted to the default float
 * dtype), the dim (negative counts from the end) and keepdim.
 * Returns a new tensor, recorded for autograd (-inf where every value of
 * the slice is -inf).
 * Errors: IndexError for a dim out of range; ValueError for an empty dim.
 * Example:
 *   Tensor *lse = tensor_logsumexp(logits, 1, true);   // (N, 1)
 *   Tensor *logp = tensor_sub(logits, lse); */
Tensor *tensor_logsumexp(Tensor *x, int dim, bool keepdim);
/* Softmax over dim, exp(x) / sum(exp(x)), like torch.softmax(x, dim), and
 * its log, computed stably (tensor_log_softmax, F.log_softmax).
 * Arguments: the tensor (an integer or bool one is converted to the
 * default float dtype) and the dim (negative counts from the end): 1 for
 * the class scores of logits (N, C).
 * Returns a new tensor of x's shape whose entries along dim are
 * probabilities summing to 1 (their logs for tensor_log_softmax),
 * recorded for autograd.
 * Errors: IndexError for a dim out of range.
 * Example:
 *   Tensor *probs = tensor_softmax(nn_forward(net, X), 1);   // (N, 10), rows sum to 1
 *   Tensor *conf = tensor_max_dim(probs, 1, false, NULL);    // confidence of each */
Tensor *tensor_softmax(Tensor *x, int dim);
Tensor *tensor_log_softmax(Tensor *x, int dim);
/* The product of all elements, like x.prod().
 * Arguments: the tensor.
 * Returns a new 0-dim tensor, recorded for autograd; integer and bool
 * tensors give int64.
 * Errors: none.
 * Example:
 *   int64_t n_in = (int64_t)tensor_item(tensor_prod(tensor_of(1, 28, 28)));   // 784 */
Tensor *tensor_prod(Tensor *x);
/* Whether any / all elements are nonzero (true), like x.any() / x.all().
 * Arguments: the tensor (any dtype, any device).
 * Returns true or false (for an empty tensor: any false, all true).
 * Errors: none.
 * Example:
 *   if (tensor_any(tensor_gt_scalar(tensor_abs(W), 1e3))) printf("W exploded\n");
 *   bool all_ok = tensor_all(tensor_eq(pred, y)); */
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
/* The product of two matrices, (n, m) @ (m, p), like torch.mm(a, b)
 * (tensor_matmul also takes vectors and batches).
 * Arguments: two 2-D tensors on the same device, a's columns as many as
 * b's rows.
 * Returns a new (n, p) tensor of the wider dtype (integers in int64),
 * recorded for autograd.
 * Errors: ShapeError for tensors that are not 2-D or whose inner sizes
 * differ; DeviceError for tensors on different devices.
 * Example:
 *   Tensor *h = tensor_mm(X, W1);   // (200, 2) x (2, 16) -> (200, 16) */
Tensor *tensor_mm(Tensor *a, Tensor *b);
/* The product of a matrix and a vector, (n, m) @ (m) -> (n), like
 * torch.mv(a, v).
 * Arguments: a 2-D tensor and a 1-D one of its number of columns, on the
 * same device.
 * Returns a new 1-D tensor of n values, recorded for autograd.
 * Errors: ShapeError for other shapes or when the sizes differ;
 * DeviceError for tensors on different devices.
 * Example:
 *   Tensor *scores = tensor_mv(X, w);   // perceptron: (N, 2) x (2) -> (N) */
Tensor *tensor_mv(Tensor *a, Tensor *v);
/* The dot product sum(a * b) of two vectors, like torch.dot(a, b).
 * Arguments: two 1-D tensors of the same size, on the same device.
 * Returns a new 0-dim tensor, recorded for autograd.
 * Errors: ShapeError when a or b is not 1-D or their sizes differ;
 * DeviceError for tensors on different devices.
 * Example:
 *   double s = tensor_item(tensor_dot(w, x)) + bias;   // one neuron */
Tensor *tensor_dot(Tensor *a, Tensor *b);
/* The outer product a b^T of two vectors, (n) and (m) -> (n, m), like
 * torch.outer(a, b).
 * Arguments: two 1-D tensors on the same device.
 * Returns a new (n, m) tensor, out[i][j] = a[i] * b[j], recorded for
 * autograd.
 * Errors: ShapeError when a or b is not 1-D; DeviceError for tensors on
 * different devices.
 * Example:
 *   Tensor *dW = tensor_outer(delta, x);   // backprop by hand: one sample */
Tensor *tensor_outer(Tensor *a, Tensor *b);
/* b matrix products at once, (b, n, m) @ (b, m, p) -> (b, n, p), like
 * torch.bmm(a, b).
 * Arguments: two 3-D tensors with the same first size, a's last size equal
 * to b's middle one, on the same device.
 * Returns a new (b, n, p) tensor, recorded for autograd.
 * Errors: ShapeError for other shapes or inner sizes that differ;
 * DeviceError for tensors on different devices.
 * Example:
 *   Tensor *att = tensor_bmm(Q, tensor_transpose(K, 1, 2));   // (N, L, L) */
Tensor *tensor_bmm(Tensor *a, Tensor *b);

/* ---- autograd state of a tensor (see autograd.h for the rest) ---------------- */

/* Marks x as a leaf that autograd tracks, or stops tracking it, like
 * x.requires_grad_(flag).
 * Arguments: the tensor and the flag.
 * Returns x itself (changed in place), for chaining.
 * Errors: TypeError to require grad on an integer or bool tensor (use
 * tensor_float); RuntimeError to clear it on a tensor made by an op (use
 * tensor_detach).
 * Example:
 *   Tensor *w = tensor_requires_grad_(tensor_randn(3), true);
 *   tensor_backward(tensor_sum(tensor_square(w)));   // tensor_grad(w) is 2 w */
Tensor *tensor_requires_grad_(Tensor *x, bool requires_grad);
/* Whether autograd tracks x, like x.requires_grad: true for a leaf marked
 * by tensor_requires_grad_ (a layer's parameters) and for the result of an
 * op on such a tensor outside no_grad.
 * Arguments: the tensor.
 * Returns true or false.
 * Errors: none.
 * Example:
 *   Tensor *z = tensor_mul_scalar(w, 2);
 *   printf("%d\n", tensor_requires_grad(z));   // 1 when w requires grad */
bool tensor_requires_grad(const Tensor *x);
/* The gradient accumulated by tensor_backward (x.grad).
 * Arguments: the tensor, normally a leaf that requires grad.
 * Returns its gradient, of x's shape, or NULL when there is none (no
 * backward reached x yet, or tensor_zero_grad cleared it).
 * Errors: none.
 * Example:
 *   tensor_backward(loss);
 *   Tensor *gw = tensor_grad(w);
 *   if (gw) printf("|dw| = %g\n", tensor_item(tensor_norm(gw, 2))); */
Tensor *tensor_grad(const Tensor *x);
/* Replaces the gradient stored in x (what tensor_grad returns), like
 * x.grad = g; NULL clears it.
 * Arguments: the tensor and the new gradient, of x's shape, or NULL.
 * Returns nothing; x keeps the pointer (no copy).
 * Errors: ShapeError when grad's shape is not x's.
 * Example:
 *   tensor_set_grad(w, tensor_clamp(tensor_grad(w), -1, 1));   // clip by hand */
void tensor_set_grad(Tensor *x, Tensor *grad);
/* Clears the gradient of x, like x.grad = None: the next backward starts
 * from nothing instead of adding to it.
 * Arguments: the tensor.
 * Returns nothing; tensor_grad(x) is NULL afterwards.
 * Errors: none.
 * Example:
 *   tensor_zero_grad(w);   // before each backward of a hand-written loop
 *   tensor_zero_grad(b); */
void tensor_zero_grad(Tensor *x);
/* Whether x is a leaf of the autograd graph, like x.is_leaf: true for
 * tensors made directly (tensor_randn, a layer's parameters...), false for
 * the result of an op recorded for autograd.
 * Arguments: the tensor.
 * Returns true or false.
 * Errors: none.
 * Example:
 *   bool leaf = tensor_is_leaf(tensor_mul(w, x));   // false when w requires grad */
bool tensor_is_leaf(const Tensor *x);
/* The name of the backward node of the op that made x, like
 * x.grad_fn.name(): "MulBackward0", "MmBackward0"...
 * Arguments: the tensor.
 * Returns a constant string, or NULL for a leaf or a tensor made without
 * autograd recording.
 * Errors: none.
 * Example:
 *   Tensor *loss = nn_mse(nn_forward(net, X), y);
 *   printf("%s\n", tensor_grad_fn_name(loss)); */
const char *tensor_grad_fn_name(const Tensor *x);
/* A tensor sharing x's data, cut from the autograd graph, like x.detach().
 * Arguments: the tensor.
 * Returns a new view of the same data that does not require grad (writes
 * show in x); use it to plot or store values without keeping the graph.
 * Errors: none.
 * Example:
 *   Tensor *pred = tensor_detach(nn_forward(net, X));   // no graph kept */
Tensor *tensor_detach(Tensor *x);

/* ---- printing ---------------------------------------------------------------------- */

/* The text PyTorch's repr gives: "tensor([1., 2.])", with dtype=,
 * device=, grad_fn= or requires_grad=True where PyTorch shows them; more
 * than 1000 elements are summarized with "...".
 * Arguments: the tensor; NULL gives "None", a freed tensor
 * "<tensor freed by tensor_free>".
 * Returns a new string (garbage collected: do not free it).
 * Errors: none.
 * Example:
 *   char *s = tensor_to_string(tensor_argmax_dim(logits, 1, false));
 *   printf("predictions: %s\n", s); */
char *tensor_to_string(const Tensor *t);
/* Prints t to the standard output as PyTorch's print(t) does
 * (tensor_to_string's text), then a newline.
 * Arguments: the tensor.
 * Returns nothing.
 * Errors: none.
 * Example:
 *   tensor_print(tensor_softmax(nn_forward(net, X_test), 1)); */
void tensor_print(const Tensor *t);
/* Shows t as the cell's result Out[n], what display_out(t) does for a
 * Tensor *: PyTorch's repr as text/plain, and for a tensor on a GPU also
 * HTML with the device's description.
 * Arguments: the tensor; NULL shows None.
 * Returns nothing.
 * Errors: none.
 * Example:
 *   tensor_display_out(tensor_eye(3)); */
void tensor_display_out(Tensor *t);

/* ---- labels, flips and resizing ------------------------------------------------- */

/* One-hot rows of class indices, like PyTorch's F.one_hot(y, 10):
 * tensor_one_hot(y, 10).
 * Arguments: the labels (any shape, any dtype holding whole numbers >= 0)
 * and num_classes (<= 0: the largest label + 1).
 * Returns a new int64 tensor of shape (..., num_classes) on the labels'
 * device, 1 at each label and 0 elsewhere; not differentiable.
 * Errors: ValueError for a label that is negative or not a whole number,
 * a label >= num_classes, or no labels with num_classes <= 0; ShapeError
 * for labels with 8 dims.
 * Example:
 *   Tensor *Y = tensor_float(tensor_one_hot(y_train, 10));   // (60000, 10) */
Tensor *tensor_one_hot(Tensor *labels, int64_t num_classes);
/* Keras's to_categorical: one-hot float32 rows of class indices (what
 * "categorical_crossentropy" expects).
 * Arguments: the labels (any shape, any dtype holding whole numbers >= 0;
 * (N, 1) labels give (N, num_classes)) and num_classes (<= 0: the largest
 * label + 1).
 * Returns a new float32 tensor of shape (..., num_classes) on the labels'
 * device, 1 at each label and 0 elsewhere.
 * Errors: ValueError for a label that is negative or not a whole number,
 * a label >= num_classes, or no labels with num_classes <= 0; ShapeError
 * for labels with 8 dims.
 * Example:
 *   Tensor *y_train_cat = tensor_to_categorical(y_train, 10); */
Tensor *tensor_to_categorical(Tensor *labels, int64_t num_classes);

/* Options of tensor_bincount; zero means default. */
typedef struct BincountOptions {
    Tensor *weights;    /* one weight per value: sums of weights instead of counts (float result) */
    int64_t minlength;  /* at least this many bins */
} BincountOptions;
/* How many times each value 0..max occurs in a 1-D tensor of class
 * indices, like torch.bincount: tensor_bincount(y_train) gives the count
 * of each class; tensor_bincount(y, .minlength = 10, .weights = w).
 * Arguments: the 1-D labels (any dtype holding whole numbers >= 0), then
 * options: .minlength (at least this many bins, >= 0; default 0) and
 * .weights (a 1-D tensor, one weight per label; default NULL: counts).
 * Returns a new 1-D tensor of max(largest label + 1, minlength) bins on
 * x's device: int64 counts, or the sums of the weights (the weights' float
 * dtype, float64 for integer weights).
 * Errors: ShapeError for labels or weights that are not 1-D, or weights of
 * another length; ValueError for a negative or fractional label or a
 * negative minlength.
 * Example:
 *   Tensor *per_class = tensor_bincount(y_train, .minlength = 10);   // (10) */
#define tensor_bincount(x, ...) tensor_bincount_((x), &(BincountOptions){ __VA_ARGS__ })
Tensor *tensor_bincount_(Tensor *x, const BincountOptions *options);

/* A copy with the elements reversed along the given dims, like
 * torch.flip: tensor_flip(images, -1) mirrors (N, C, H, W) images
 * left-right, tensor_flip(images, -2, -1) turns them upside down.
 * Arguments: the tensor, then one or more distinct dims (negative count
 * from the end).
 * Returns a new tensor of x's shape and dtype, recorded for autograd.
 * Errors: ValueError when no dim is given or a dim is given twice;
 * IndexError for a dim out of range or more dims than x has.
 * Example:
 *   Tensor *aug = tensor_flip(batch, -1);   // data augmentation: mirrored digits */
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
/* Resizes floating images (..., H, W) (e.g. (N, C, H, W)), like
 * F.interpolate: tensor_interpolate(x, .size = {14, 14}, .mode = "bilinear"),
 * tensor_interpolate(x, .scale_factor = 2).
 * Arguments: the images (>= 2 dims, float32 or float64, not empty), then
 * options: either .size = {height, width} (each >= 1) or .scale_factor
 * (> 0); .mode "nearest" (default) or "bilinear"; .align_corners (bilinear
 * only, default false); .antialias (bilinear shrinking, default false).
 * Returns a new tensor (..., height, width) of x's dtype and device,
 * recorded for autograd.
 * Errors: ShapeError for fewer than 2 dims or empty images; TypeError for
 * an integer or bool tensor (use tensor_resize or tensor_float); ValueError
 * for an unknown mode, align_corners with "nearest", both or neither of
 * size and scale_factor, a size < 1, a scale_factor <= 0, or a scale that
 * leaves no pixel.
 * Example:
 *   Tensor *big = tensor_interpolate(z, .scale_factor = 2, .mode = "bilinear"); */
#define tensor_interpolate(x, ...) tensor_interpolate_((x), &(InterpolateOptions){ __VA_ARGS__ })
Tensor *tensor_interpolate_(Tensor *x, const InterpolateOptions *options);
/* Resizes images (..., H, W) of any dtype but bool to height x width,
 * like torchvision's resize: bilinear with antialiasing, the dtype kept
 * (integers rounded, uint8 kept in 0..255): tensor_resize(photo, 20, 20).
 * Arguments: the images (>= 2 dims), height and width (each >= 1).
 * Returns a new tensor (..., height, width) of x's dtype and device
 * (recorded for autograd for a float x).
 * Errors: TypeError for a bool tensor; ValueError for a height or width
 * < 1; ShapeError for fewer than 2 dims or empty images.
 * Example:
 *   Tensor *small = tensor_resize(photo, 28, 28);   // a photo as an MNIST digit */
Tensor *tensor_resize(Tensor *x, int64_t height, int64_t width);

#endif
