/* Indexing ops: index_select / index_add, gather / scatter, masks. Index
 * values are checked here so kernels never see one out of range. */
#include "internal.h"
#include "../device/backend.h"

/* index as a contiguous int64 tensor on x's device, every value in [0, size). */
static Tensor *check_index(const Tensor *x, Tensor *index, int64_t size, const char *fn)
{
    if (dtype_is_float(index->dtype))
        error_raise(ERR_TYPE, "%s: index must be an integer tensor, not %s (use tensor_long(index))",
                    fn, dtype_name(index->dtype));
    t_same_device(x, index, fn);
    Tensor *idx = t_contig(t_convert(index, DT_INT64));
    Tensor *h = tensor_to_device(idx, DEVICE_CPU);
    int64_t *p = t_ptr(h);
    bool fixed = false;
    for (int64_t i = 0; i < h->numel; i++) {
        int64_t v = p[i];
        if (v < -size || v >= size)
            error_raise(ERR_INDEX, "%s: index %lld is out of range for a dim of size %lld", fn,
                        (long long)v, (long long)size);
        if (v < 0) {
            if (!fixed && h == idx) {
                h = t_new(DT_INT64, idx->ndim, idx->shape, DEVICE_CPU);
                memcpy(t_ptr(h), p, sizeof(int64_t) * idx->numel);
                p = t_ptr(h);
            }
            fixed = true;
            p[i] = v + size;
        }
    }
    return fixed ? tensor_to_device(h, x->device) : idx;
}

Tensor *tensor_index_select(Tensor *x, int dim, Tensor *index)
{
    CDL_ARG(x);
    CDL_ARG(index);
    interrupt_check();
    if (index->ndim > 1)
        error_raise(ERR_SHAPE, "tensor_index_select: index must be 1-D, got shape %s", tensor_shape_str(index));
    int d = x->ndim ? t_wrap_dim(dim, x->ndim, "tensor_index_select") : 0;
    Tensor *idx = check_index(x, index, x->ndim ? x->shape[d] : 1, "tensor_index_select");
    int64_t shape[TENSOR_MAX_DIMS];
    memcpy(shape, x->shape, sizeof shape);
    if (x->ndim) shape[d] = idx->numel;
    Tensor *out = t_new(x->dtype, x->ndim, shape, x->device);
    dev_index_select(&(IndexArgs){ .out = out, .src = x, .index = idx, .dim = d });
    if (ag_needs(x)) {
        Node *n = AG_RECORD_P(out, rule_IndexSelect, &(DimParams){ d }, x);
        ag_save(n, idx);
    }
    return out;
}

Tensor *tensor_index_add(Tensor *x, int dim, Tensor *index, Tensor *src)
{
    CDL_ARG(x);
    CDL_ARG(index);
    CDL_ARG(src);
    interrupt_check();
    if (index->ndim > 1)
        error_raise(ERR_SHAPE, "tensor_index_add: index must be 1-D, got shape %s", tensor_shape_str(index));
    int d = x->ndim ? t_wrap_dim(dim, x->ndim, "tensor_index_add") : 0;
    t_same_device(x, src, "tensor_index_add");
    bool ok = src->ndim == x->ndim;
    for (int k = 0; ok && k < x->ndim; k++)
        if (src->shape[k] != (k == d ? index->numel : x->shape[k])) ok = false;
    if (!ok)
        error_raise(ERR_SHAPE, "tensor_index_add: src of shape %s does not fit x of shape %s with %lld indices "
                    "along dim %d", tensor_shape_str(src), tensor_shape_str(x), (long long)index->numel, d);
    Tensor *idx = check_index(x, index, x->ndim ? x->shape[d] : 1, "tensor_index_add");
    DType dt = dtype_promote(x->dtype, src->dtype);
    Tensor *out = t_contig(t_convert(x, dt));
    if (out == x) {
        out = t_new(dt, x->ndim, x->shape, x->device);
        dev_copy(&(CopyArgs){ .out = out, .in = x });
    }
    dev_index_add(&(IndexArgs){ .out = out, .src = t_convert(src, dt), .index = idx, .dim = d });
    if (ag_needs2(x, src) && dtype_is_float(dt)) {
        Node *n = AG_RECORD_P(out, rule_IndexAdd, &(DimParams){ d }, x, src);
        ag_save(n, idx);
    }
    return out;
}

static void check_gather_shapes(const Tensor *x, const Tensor *index, const Tensor *src, int d, const char *fn)
{
    if (index->ndim != x->ndim)
        error_raise(ERR_SHAPE, "%s: index has %d dims but x has %d (shape %s vs %s); they must match",
                    fn, index->ndim, x->ndim, tensor_shape_str(index), tensor_shape_str(x));
    for (int k = 0; k < x->ndim; k++) {
        if (k != d && index->shape[k] > x->shape[k])
            error_raise(ERR_SHAPE, "%s: index of shape %s is larger than x of shape %s at dim %d",
                        fn, tensor_shape_str(index), tensor_shape_str(x), k);
        if (src && (src->ndim != x->ndim || index->shape[k] > src->shape[k]))
            error_raise(ERR_SHAPE, "%s: index of shape %s is larger than src of shape %s",
                        fn, tensor_shape_str(index), tensor_shape_str(src));
    }
}

Tensor *tensor_gather(Tensor *x, int dim, Tensor *index)
{
    CDL_ARG(x);
    CDL_ARG(index);
    interrupt_check();
    int d = x->ndim ? t_wrap_dim(dim, x->ndim, "tensor_gather") : 0;
    check_gather_shapes(x, index, NULL, d, "tensor_gather");
    Tensor *idx = check_index(x, index, x->ndim ? x->shape[d] : 1, "tensor_gather");
    Tensor *out = t_new(x->dtype, idx->ndim, idx->shape, x->device);
    dev_gather(&(IndexArgs){ .out = out, .src = x, .index = idx, .dim = d });
    if (ag_needs(x)) {
        Node *n = AG_RECORD_P(out, rule_Gather, &(DimParams){ d }, x);
        ag_save(n, idx);
    }
    return out;
}

static Tensor *scatter_impl(Tensor *x, int dim, Tensor *index, Tensor *src, bool add, const char *fn)
{
    interrupt_check();
    int d = x->ndim ? t_wrap_dim(dim, x->ndim, fn) : 0;
    t_same_device(x, src, fn);
    check_gather_shapes(x, index, src, d, fn);
    Tensor *idx = check_index(x, index, x->ndim ? x->shape[d] : 1, fn);
    Tensor *out = t_new(x->dtype, x->ndim, x->shape, x->device);
    dev_copy(&(CopyArgs){ .out = out, .in = x });
    dev_scatter(&(IndexArgs){ .out = out, .src = t_convert(src, x->dtype), .index = idx, .dim = d, .add = add });
    if (ag_needs2(x, src) && dtype_is_float(x->dtype)) {
        Node *n = ag_record(out, add ? &rule_ScatterAdd : &rule_Scatter, 2, (Tensor *[]){ x, src }, &(DimParams){ d },
                            sizeof(DimParams));
        ag_save(n, idx);
    }
    return out;
}

Tensor *tensor_scatter(Tensor *x, int dim, Tensor *index, Tensor *src)
{
    CDL_ARG(x);
    CDL_ARG(index);
    CDL_ARG(src);
    return scatter_impl(x, dim, index, src, false, "tensor_scatter");
}

Tensor *tensor_scatter_add(Tensor *x, int dim, Tensor *index, Tensor *src)
{
    CDL_ARG(x);
    CDL_ARG(index);
    CDL_ARG(src);
    return scatter_impl(x, dim, index, src, true, "tensor_scatter_add");
}

Tensor *tensor_scatter_value(Tensor *x, int dim, Tensor *index, double value)
{
    CDL_ARG(x);
    CDL_ARG(index);
    Tensor *src = t_new(x->dtype, index->ndim, index->shape, x->device);
    dev_fill(&(FillArgs){ .out = src, .value = value });
    return scatter_impl(x, dim, index, src, false, "tensor_scatter_value");
}

Tensor *tensor_nonzero(Tensor *x)
{
    CDL_ARG(x);
    interrupt_check();
    Tensor *h = t_contig(t_convert(tensor_to_device(x, DEVICE_CPU), DT_BOOL));
    const uint8_t *m = t_ptr(h);
    int64_t count = 0;
    for (int64_t i = 0; i < h->numel; i++)
        count += m[i] != 0;
    int nd = x->ndim;
    int64_t shape[2] = { count, nd };
    Tensor *out = t_new(DT_INT64, 2, shape, DEVICE_CPU);
    int64_t *o = t_ptr(out), pos[TENSOR_MAX_DIMS] = { 0 };
    for (int64_t i = 0; i < h->numel; i++) {
        if (m[i]) {
            memcpy(o, pos, sizeof(int64_t) * nd);
            o += nd;
        }
        for (int d = nd - 1; d >= 0; d--) {
            if (++pos[d] < x->shape[d]) break;
            pos[d] = 0;
        }
    }
    return tensor_to_device(out, x->device);
}

Tensor *tensor_masked_select(Tensor *x, Tensor *mask)
{
    CDL_ARG(x);
    CDL_ARG(mask);
    interrupt_check();
    if (mask->dtype != DT_BOOL)
        error_raise(ERR_TYPE, "tensor_masked_select: mask must be bool, not %s (make it with a comparison)",
                    dtype_name(mask->dtype));
    int64_t shape[TENSOR_MAX_DIMS];
    int nd = t_broadcast_shape(x, mask, shape, "tensor_masked_select");
    Tensor *xe = tensor_reshape_shape(tensor_expand_shape(x, nd, shape), 1, (int64_t[]){ -1 });
    Tensor *me = t_contig(t_broadcast_to(mask, nd, shape));
    Tensor *flat = t_view(me, 1, (int64_t[]){ me->numel }, (int64_t[]){ 1 }, me->offset);
    Tensor *nz = tensor_nonzero(flat);
    Tensor *idx = t_view(nz, 1, (int64_t[]){ nz->shape[0] }, (int64_t[]){ 1 }, 0);
    return tensor_index_select(xe, 0, idx);
}

Tensor *tensor_masked_fill(Tensor *x, Tensor *mask, double value)
{
    CDL_ARG(x);
    CDL_ARG(mask);
    interrupt_check();
    if (mask->dtype != DT_BOOL)
        error_raise(ERR_TYPE, "tensor_masked_fill: mask must be bool, not %s", dtype_name(mask->dtype));
    int64_t shape[TENSOR_MAX_DIMS];
    int nd = t_broadcast_shape(x, mask, shape, "tensor_masked_fill");
    if (nd != x->ndim || memcmp(shape, x->shape, sizeof(int64_t) * nd))
        error_raise(ERR_SHAPE, "tensor_masked_fill: mask of shape %s does not broadcast to x of shape %s",
                    tensor_shape_str(mask), tensor_shape_str(x));
    Tensor *v = t_new(x->dtype, 0, NULL, x->device);
    dev_fill(&(FillArgs){ .out = v, .value = value });
    return tensor_where(mask, v, x);
}
