/* Element access for student loops: item, get/set by index, typed data
 * pointers. */
#include "internal.h"
#include "../device/backend.h"

/* One element, read through the backend (a host read: it waits for the
 * work queued on the device). */
static double read_elem(const Tensor *t, int64_t off)
{
    union { float f; double d; int64_t i; uint8_t u; } v;
    const char *src = (const char *)t->storage->data + off * t_esize(t->dtype);
    t_backend(t)->download(t->device, &v, src, (size_t)t_esize(t->dtype));
    const char *p = (const char *)&v;
    switch (t->dtype) {
    case DT_FLOAT32: return *(const float *)p;
    case DT_FLOAT64: return *(const double *)p;
    case DT_INT64: return (double)*(const int64_t *)p;
    default: return *(const uint8_t *)p;
    }
}

double tensor_item(const Tensor *t)
{
    CDL_ARG(t);
    interrupt_check();
    if (t->numel != 1)
        error_raise(ERR_VALUE, "tensor_item: a tensor with %lld elements (shape %s) cannot be converted "
                    "to a number; it needs exactly one (use tensor_get(t, i, ...) for one element)",
                    (long long)t->numel, tensor_shape_str(t));
    return read_elem(t, t->offset);
}

static int64_t elem_offset(const Tensor *t, int n, const int64_t *idx, const char *fn)
{
    if (n != t->ndim)
        error_raise(ERR_INDEX, "%s: %d indices given for a tensor with %d dims (shape %s)",
                    fn, n, t->ndim, tensor_shape_str(t));
    int64_t off = t->offset;
    for (int d = 0; d < n; d++) {
        int64_t i = idx[d] < 0 ? idx[d] + t->shape[d] : idx[d];
        if (i < 0 || i >= t->shape[d])
            error_raise(ERR_INDEX, "%s: index %lld is out of range for dim %d of size %lld (shape %s)",
                        fn, (long long)idx[d], d, (long long)t->shape[d], tensor_shape_str(t));
        off += i * t->strides[d];
    }
    return off;
}

double tensor_get_(const Tensor *t, int n, const int64_t *idx)
{
    CDL_ARG_NAMED("tensor_get", t, "t");
    interrupt_check();
    return read_elem(t, elem_offset(t, n, idx, "tensor_get"));
}

void tensor_set_(Tensor *t, double value, int n, const int64_t *idx)
{
    CDL_ARG_NAMED("tensor_set", t, "t");
    interrupt_check();
    int64_t off = elem_offset(t, n, idx, "tensor_set");
    t_begin_inplace(t, "tensor_set");
    Tensor one;
    dev_fill(&(FillArgs){ .out = t_view_tmp(&one, t, 0, NULL, NULL, off), .value = value });
}

static void *typed(Tensor *t, DType want, const char *fn)
{
    if (t->dtype != want)
        error_raise(ERR_TYPE, "%s: the tensor is %s, not %s (convert with tensor_to_dtype first)",
                    fn, dtype_name(t->dtype), dtype_name(want));
    if (!t->contiguous)
        error_raise(ERR_VALUE, "%s: the tensor of shape %s is not contiguous; use tensor_contiguous(t) first",
                    fn, tensor_shape_str(t));
    if (!t_backend(t)->host_memory)
        error_raise(ERR_DEVICE, "%s: the tensor is on %s; move it with tensor_to(t, \"cpu\") first",
                    fn, device_name(t->device));
    return t_ptr(t);
}

float *tensor_data_f32(Tensor *t) { CDL_ARG(t); return typed(t, DT_FLOAT32, "tensor_data_f32"); }
double *tensor_data_f64(Tensor *t) { CDL_ARG(t); return typed(t, DT_FLOAT64, "tensor_data_f64"); }
int64_t *tensor_data_i64(Tensor *t) { CDL_ARG(t); return typed(t, DT_INT64, "tensor_data_i64"); }
uint8_t *tensor_data_u8(Tensor *t) { CDL_ARG(t); return typed(t, DT_UINT8, "tensor_data_u8"); }
bool *tensor_data_bool(Tensor *t) { CDL_ARG(t); return typed(t, DT_BOOL, "tensor_data_bool"); }
void *tensor_data_ptr(Tensor *t) { CDL_ARG(t); return t_ptr(t); }
