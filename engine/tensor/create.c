/* Creating tensors: filled, ranges, identity, from C arrays, copies, dtype
 * conversions. New tensors go on the default device. */
#include "internal.h"
#include "../device/backend.h"

#include <math.h>

Tensor *tensor_empty_shape_dtype(DType dtype, int ndim, const int64_t *dims)
{
    interrupt_check();
    if ((unsigned)dtype > DT_BOOL)
        error_raise(ERR_TYPE, "tensor_empty: invalid dtype %d", (int)dtype);
    t_check_shape(ndim, dims, "tensor_empty");
    return t_new(dtype, ndim, dims, cdl_default_device);
}

Tensor *tensor_full_shape_dtype(double value, DType dtype, int ndim, const int64_t *dims)
{
    Tensor *t = tensor_empty_shape_dtype(dtype, ndim, dims);
    dev_fill(&(FillArgs){ .out = t, .value = value });
    return t;
}

Tensor *tensor_empty_shape(int ndim, const int64_t *dims)
{
    return tensor_empty_shape_dtype(cdl_default_dtype, ndim, dims);
}

Tensor *tensor_zeros_shape(int ndim, const int64_t *dims)
{
    return tensor_full_shape_dtype(0, cdl_default_dtype, ndim, dims);
}

Tensor *tensor_ones_shape(int ndim, const int64_t *dims)
{
    return tensor_full_shape_dtype(1, cdl_default_dtype, ndim, dims);
}

Tensor *tensor_full_shape(double value, int ndim, const int64_t *dims)
{
    return tensor_full_shape_dtype(value, cdl_default_dtype, ndim, dims);
}

Tensor *tensor_scalar(double value)
{
    return tensor_full_shape_dtype(value, cdl_default_dtype, 0, NULL);
}

static Tensor *like(const Tensor *x, double value, bool fill)
{
    interrupt_check();
    Tensor *t = t_new(x->dtype, x->ndim, x->shape, x->device);
    if (fill)
        dev_fill(&(FillArgs){ .out = t, .value = value });
    return t;
}

Tensor *tensor_zeros_like(const Tensor *x) { CDL_ARG(x); return like(x, 0, true); }
Tensor *tensor_ones_like(const Tensor *x) { CDL_ARG(x); return like(x, 1, true); }
Tensor *tensor_full_like(const Tensor *x, double value) { CDL_ARG(x); return like(x, value, true); }
Tensor *tensor_empty_like(const Tensor *x) { CDL_ARG(x); return like(x, 0, false); }

/* Builds a CPU tensor with f(i) for each i, then moves it to the default device. */
static Tensor *from_index(DType dtype, int64_t n, double start, double step)
{
    Tensor *t = t_new(dtype, 1, &n, DEVICE_CPU);
    for (int64_t i = 0; i < n; i++) {
        double v = start + step * (double)i;
        switch (dtype) {
        case DT_FLOAT32: ((float *)t_ptr(t))[i] = (float)v; break;
        case DT_FLOAT64: ((double *)t_ptr(t))[i] = v; break;
        default: ((int64_t *)t_ptr(t))[i] = (int64_t)llround(v); break;
        }
    }
    return tensor_to_device(t, cdl_default_device);
}

Tensor *tensor_arange(double start, double end, double step)
{
    interrupt_check();
    if (step == 0 || !isfinite(start) || !isfinite(end) || (end - start) * step < 0)
        error_raise(ERR_VALUE, "tensor_arange: cannot go from %g to %g by step %g "
                    "(step must be nonzero and point from start to end)", start, end, step);
    int64_t n = (int64_t)ceil((end - start) / step);
    return from_index(cdl_default_dtype, n, start, step);
}

Tensor *tensor_arange_int(int64_t start, int64_t end, int64_t step)
{
    interrupt_check();
    if (step == 0 || (end - start) * (step > 0 ? 1 : -1) < 0)
        error_raise(ERR_VALUE, "tensor_arange_int: cannot go from %lld to %lld by step %lld",
                    (long long)start, (long long)end, (long long)step);
    int64_t n = (end - start + step + (step > 0 ? -1 : 1)) / step;
    Tensor *t = t_new(DT_INT64, 1, &n, DEVICE_CPU);
    for (int64_t i = 0; i < n; i++)
        ((int64_t *)t_ptr(t))[i] = start + i * step;
    return tensor_to_device(t, cdl_default_device);
}

Tensor *tensor_linspace(double start, double end, int64_t steps)
{
    interrupt_check();
    if (steps < 0)
        error_raise(ERR_VALUE, "tensor_linspace: steps = %lld must be >= 0", (long long)steps);
    Tensor *t = from_index(cdl_default_dtype, steps, start, steps > 1 ? (end - start) / (double)(steps - 1) : 0);
    return t;
}

Tensor *tensor_eye(int64_t n)
{
    interrupt_check();
    if (n < 0)
        error_raise(ERR_VALUE, "tensor_eye: n = %lld must be >= 0", (long long)n);
    int64_t dims[2] = { n, n };
    Tensor *t = tensor_full_shape_dtype(0, cdl_default_dtype, 2, dims);
    Tensor *diag = t_view(t, 1, &n, (int64_t[]){ n + 1 }, 0);
    dev_fill(&(FillArgs){ .out = diag, .value = 1 });
    return t;
}

Tensor *tensor_from_data(const void *data, DType dtype, int ndim, const int64_t *dims)
{
    interrupt_check();
    if (!data)
        error_raise(ERR_VALUE, "tensor_from_data: data is NULL");
    if ((unsigned)dtype > DT_BOOL)
        error_raise(ERR_TYPE, "tensor_from_data: invalid dtype %d", (int)dtype);
    t_check_shape(ndim, dims, "tensor_from_data");
    Tensor *t = t_new(dtype, ndim, dims, DEVICE_CPU);
    memcpy(t_ptr(t), data, (size_t)t->numel * dtype_size(dtype));
    return tensor_to_device(t, cdl_default_device);
}

Tensor *tensor_from_f64_as(const double *data, DType dtype, int ndim, const int64_t *dims)
{
    if ((unsigned)dtype > DT_BOOL)
        error_raise(ERR_TYPE, "tensor_from_f64_as: invalid dtype %d", (int)dtype);
    Tensor *t = tensor_from_data(data, DT_FLOAT64, ndim, dims);
    return t_convert(t, dtype);
}

static void to_array(const Tensor *t, void *out, int64_t n, DType dtype, const char *fn)
{
    interrupt_check();
    if (!out)
        error_raise(ERR_VALUE, "%s: out is NULL", fn);
    if (n != t->numel)
        error_raise(ERR_SHAPE, "%s: the array has %lld elements but the tensor of shape %s has %lld",
                    fn, (long long)n, tensor_shape_str(t), (long long)t->numel);
    Tensor *cpu = tensor_to_device((Tensor *)t, DEVICE_CPU);
    Tensor *dst = t_new(dtype, t->ndim, t->shape, DEVICE_CPU);
    dev_copy(&(CopyArgs){ .out = dst, .in = cpu });
    memcpy(out, t_ptr(dst), (size_t)n * dtype_size(dtype));
}

void tensor_to_f32_array(const Tensor *t, float *out, int64_t n) { CDL_ARG(t); to_array(t, out, n, DT_FLOAT32, "tensor_to_f32_array"); }
void tensor_to_f64_array(const Tensor *t, double *out, int64_t n) { CDL_ARG(t); to_array(t, out, n, DT_FLOAT64, "tensor_to_f64_array"); }
void tensor_to_i64_array(const Tensor *t, int64_t *out, int64_t n) { CDL_ARG(t); to_array(t, out, n, DT_INT64, "tensor_to_i64_array"); }

Tensor *tensor_clone(Tensor *x)
{
    CDL_ARG(x);
    interrupt_check();
    Tensor *out = t_new(x->dtype, x->ndim, x->shape, x->device);
    dev_copy(&(CopyArgs){ .out = out, .in = x });
    if (ag_needs(x))
        AG_RECORD(out, rule_Clone, x);
    return out;
}

Tensor *tensor_contiguous(Tensor *x)
{
    CDL_ARG(x);
    return x->contiguous ? x : tensor_clone(x);
}

Tensor *tensor_to_dtype(Tensor *x, DType dtype)
{
    CDL_ARG(x);
    interrupt_check();
    if ((unsigned)dtype > DT_BOOL)
        error_raise(ERR_TYPE, "tensor_to_dtype: invalid dtype %d", (int)dtype);
    if (x->dtype == dtype)
        return x;
    Tensor *out = t_convert(x, dtype);
    if (ag_needs(x) && dtype_is_float(dtype))
        AG_RECORD(out, rule_ToDtype, x);
    return out;
}

Tensor *tensor_float(Tensor *x) { CDL_ARG(x); return tensor_to_dtype(x, DT_FLOAT32); }
Tensor *tensor_double(Tensor *x) { CDL_ARG(x); return tensor_to_dtype(x, DT_FLOAT64); }
Tensor *tensor_long(Tensor *x) { CDL_ARG(x); return tensor_to_dtype(x, DT_INT64); }
Tensor *tensor_bool(Tensor *x) { CDL_ARG(x); return tensor_to_dtype(x, DT_BOOL); }
