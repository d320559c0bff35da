/* Views and shape ops: reshape, permute, slice, expand, cat, split... A view
 * shares its base's storage (and version counter); each records a node. */
#include "internal.h"
#include "../device/backend.h"

#include <stdlib.h>

/* Strides to view (old shape, strides) as new shape without copying, or
 * false (PyTorch's computeStride). */
static bool view_strides(const Tensor *x, int nd, const int64_t *shape, int64_t *strides)
{
    if (x->numel == 0 || x->ndim == 0 || x->contiguous) {
        int64_t s = 1;
        for (int i = nd - 1; i >= 0; i--) {
            strides[i] = s;
            s *= shape[i] ? shape[i] : 1;
        }
        return x->contiguous || x->numel == 0 || x->ndim == 0;
    }
    int view_d = nd - 1;
    int64_t chunk = x->strides[x->ndim - 1], tn = 1, vn = 1;
    for (int d = x->ndim - 1; d >= 0; d--) {
        tn *= x->shape[d];
        if (d == 0 || (x->shape[d - 1] != 1 && x->strides[d - 1] != tn * chunk)) {
            while (view_d >= 0 && (vn < tn || shape[view_d] == 1)) {
                strides[view_d] = vn * chunk;
                vn *= shape[view_d];
                view_d--;
            }
            if (vn != tn)
                return false;
            if (d > 0) {
                chunk = x->strides[d - 1];
                tn = 1;
                vn = 1;
            }
        }
    }
    return view_d == -1;
}

/* Resolves -1 and checks the element count. */
static void infer_shape(const Tensor *x, int nd, const int64_t *dims, int64_t *shape, const char *fn)
{
    if (nd > TENSOR_MAX_DIMS)
        error_raise(ERR_SHAPE, "%s: %d dims given; tensors have at most %d", fn, nd, TENSOR_MAX_DIMS);
    int infer = -1;
    int64_t known = 1;
    for (int i = 0; i < nd; i++) {
        if (dims[i] == -1) {
            if (infer >= 0)
                error_raise(ERR_SHAPE, "%s: only one dim can be -1 in %s", fn, t_shape_str(nd, dims));
            infer = i;
        } else if (dims[i] < 0) {
            error_raise(ERR_SHAPE, "%s: invalid size %lld in %s", fn, (long long)dims[i], t_shape_str(nd, dims));
        } else {
            known *= dims[i];
        }
        shape[i] = dims[i];
    }
    if (infer >= 0) {
        if (known == 0 || x->numel % known)
            error_raise(ERR_SHAPE, "%s: shape %s is invalid for input of size %lld (shape %s)", fn,
                        t_shape_str(nd, dims), (long long)x->numel, tensor_shape_str(x));
        shape[infer] = x->numel / known;
    } else if (known != x->numel) {
        error_raise(ERR_SHAPE, "%s: shape %s is invalid for input of size %lld (shape %s)", fn,
                    t_shape_str(nd, dims), (long long)x->numel, tensor_shape_str(x));
    }
}

static Tensor *reshape_impl(Tensor *x, int nd, const int64_t *dims, bool must_view, const char *fn);

/* A view op recorded under another PyTorch name. */
static Tensor *renamed(Tensor *t, const GradRule *rule)
{
    if (t->grad_fn && t->grad_fn->rule == &rule_View)
        t->grad_fn->rule = rule;
    return t;
}

static Tensor *reshape_impl(Tensor *x, int nd, const int64_t *dims, bool must_view, const char *fn)
{
    interrupt_check();
    int64_t shape[TENSOR_MAX_DIMS], strides[TENSOR_MAX_DIMS];
    infer_shape(x, nd, dims, shape, fn);
    Tensor *out;
    if (view_strides(x, nd, shape, strides)) {
        out = t_view(x, nd, shape, strides, x->offset);
    } else {
        if (must_view)
            error_raise(ERR_SHAPE, "%s: a tensor of shape %s with these strides cannot be viewed as %s; "
                        "use tensor_reshape (copies) or tensor_contiguous first", fn,
                        tensor_shape_str(x), t_shape_str(nd, shape));
        Tensor *c = t_contig(x);
        view_strides(c, nd, shape, strides);
        out = t_view(c, nd, shape, strides, c->offset);
    }
    if (ag_needs(x))
        AG_RECORD(out, rule_View, x);
    return out;
}

Tensor *tensor_reshape_shape(Tensor *x, int ndim, const int64_t *dims)
{
    CDL_ARG(x);
    return reshape_impl(x, ndim, dims, false, "tensor_reshape");
}

Tensor *tensor_view_shape(Tensor *x, int ndim, const int64_t *dims)
{
    CDL_ARG(x);
    return reshape_impl(x, ndim, dims, true, "tensor_view");
}

Tensor *tensor_flatten(Tensor *x, int start, int end)
{
    CDL_ARG(x);
    if (x->ndim == 0)
        return reshape_impl(x, 1, (int64_t[]){ 1 }, false, "tensor_flatten");
    start = t_wrap_dim(start, x->ndim, "tensor_flatten");
    end = t_wrap_dim(end, x->ndim, "tensor_flatten");
    if (start > end)
        error_raise(ERR_VALUE, "tensor_flatten: start_dim %d is after end_dim %d", start, end);
    int64_t shape[TENSOR_MAX_DIMS];
    int nd = 0;
    for (int d = 0; d < start; d++) shape[nd++] = x->shape[d];
    int64_t m = 1;
    for (int d = start; d <= end; d++) m *= x->shape[d];
    shape[nd++] = m;
    for (int d = end + 1; d < x->ndim; d++) shape[nd++] = x->shape[d];
    return reshape_impl(x, nd, shape, false, "tensor_flatten");
}

Tensor *tensor_squeeze(Tensor *x)
{
    CDL_ARG(x);
    int64_t shape[TENSOR_MAX_DIMS];
    int nd = 0;
    for (int d = 0; d < x->ndim; d++)
        if (x->shape[d] != 1) shape[nd++] = x->shape[d];
    return renamed(reshape_impl(x, nd, shape, true, "tensor_squeeze"), &rule_Squeeze);
}

Tensor *tensor_squeeze_dim(Tensor *x, int dim)
{
    CDL_ARG(x);
    if (x->ndim == 0)
        return x;
    dim = t_wrap_dim(dim, x->ndim, "tensor_squeeze_dim");
    if (x->shape[dim] != 1)
        return x;
    int64_t shape[TENSOR_MAX_DIMS];
    int nd = 0;
    for (int d = 0; d < x->ndim; d++)
        if (d != dim) shape[nd++] = x->shape[d];
    return renamed(reshape_impl(x, nd, shape, true, "tensor_squeeze_dim"), &rule_Squeeze);
}

Tensor *tensor_unsqueeze(Tensor *x, int dim)
{
    CDL_ARG(x);
    if (x->ndim >= TENSOR_MAX_DIMS)
        error_raise(ERR_SHAPE, "tensor_unsqueeze: x already has %d dims (the most)", x->ndim);
    dim = t_wrap_dim(dim, x->ndim + 1, "tensor_unsqueeze");
    int64_t shape[TENSOR_MAX_DIMS];
    int nd = 0;
    for (int d = 0; d <= x->ndim; d++) {
        if (d == dim) shape[nd++] = 1;
        if (d < x->ndim) shape[nd++] = x->shape[d];
    }
    return renamed(reshape_impl(x, nd, shape, true, "tensor_unsqueeze"), &rule_Unsqueeze);
}

Tensor *tensor_permute_(Tensor *x, int n, const int64_t *dims)
{
    CDL_ARG_NAMED("tensor_permute", x, "x");
    interrupt_check();
    if (n != x->ndim)
        error_raise(ERR_SHAPE, "tensor_permute: %d dims given for a tensor with %d dims (shape %s)",
                    n, x->ndim, tensor_shape_str(x));
    int64_t shape[TENSOR_MAX_DIMS], strides[TENSOR_MAX_DIMS];
    bool seen[TENSOR_MAX_DIMS] = { false };
    int perm[TENSOR_MAX_DIMS];
    for (int i = 0; i < n; i++) {
        int d = t_wrap_dim((int)dims[i], x->ndim, "tensor_permute");
        if (seen[d])
            error_raise(ERR_VALUE, "tensor_permute: dim %d appears twice in the permutation", d);
        seen[d] = true;
        perm[i] = d;
        shape[i] = x->shape[d];
        strides[i] = x->strides[d];
    }
    Tensor *out = t_view(x, n, shape, strides, x->offset);
    if (ag_needs(x)) {
        PermuteParams pp = { { 0 } };
        for (int i = 0; i < n; i++)
            pp.perm[i] = perm[i];
        AG_RECORD_P(out, rule_Permute, &pp, x);
    }
    return out;
}

Tensor *tensor_transpose(Tensor *x, int d0, int d1)
{
    CDL_ARG(x);
    if (x->ndim < 2 && (d0 == 0 || d0 == -1) && (d1 == 0 || d1 == -1))
        return x;
    d0 = t_wrap_dim(d0, x->ndim, "tensor_transpose");
    d1 = t_wrap_dim(d1, x->ndim, "tensor_transpose");
    int64_t perm[TENSOR_MAX_DIMS];
    for (int i = 0; i < x->ndim; i++)
        perm[i] = i;
    perm[d0] = d1;
    perm[d1] = d0;
    Tensor *out = tensor_permute_(x, x->ndim, perm);
    if (out->grad_fn)
        out->grad_fn->rule = &rule_Transpose;
    return out;
}

Tensor *tensor_t(Tensor *x)
{
    CDL_ARG(x);
    if (x->ndim > 2)
        error_raise(ERR_SHAPE, "tensor_t: expects a tensor with <= 2 dims, got shape %s (use tensor_transpose)",
                    tensor_shape_str(x));
    return x->ndim < 2 ? x : tensor_transpose(x, 0, 1);
}

Tensor *tensor_slice(Tensor *x, int dim, int64_t start, int64_t end, int64_t step)
{
    CDL_ARG(x);
    interrupt_check();
    if (x->ndim == 0)
        error_raise(ERR_INDEX, "tensor_slice: a 0-dim tensor cannot be sliced");
    dim = t_wrap_dim(dim, x->ndim, "tensor_slice");
    if (step <= 0)
        error_raise(ERR_VALUE, "tensor_slice: step must be positive, got %lld", (long long)step);
    int64_t n = x->shape[dim];
    if (start < 0) start += n;
    if (end < 0) end += n;
    start = start < 0 ? 0 : start > n ? n : start;
    end = end < start ? start : end > n ? n : end;
    int64_t len = (end - start + step - 1) / step;
    int64_t shape[TENSOR_MAX_DIMS], strides[TENSOR_MAX_DIMS];
    memcpy(shape, x->shape, sizeof shape);
    memcpy(strides, x->strides, sizeof strides);
    shape[dim] = len;
    strides[dim] = x->strides[dim] * step;
    Tensor *out = t_view(x, x->ndim, shape, strides, x->offset + start * x->strides[dim]);
    if (ag_needs(x))
        AG_RECORD_P(out, rule_Slice, &((SliceParams){ dim, start, step }), x);
    return out;
}

Tensor *t_slice_backward(Tensor *g, const Tensor *like, int dim, int64_t start, int64_t step)
{
    Tensor *out = t_new(g->dtype, like->ndim, like->shape, g->device);
    dev_fill(&(FillArgs){ .out = out, .value = 0 });
    int64_t strides[TENSOR_MAX_DIMS];
    memcpy(strides, out->strides, sizeof strides);
    strides[dim] *= step;
    Tensor *win = t_view(out, g->ndim, g->shape, strides, start * out->strides[dim]);
    dev_copy(&(CopyArgs){ .out = win, .in = g });
    if (ag_needs(g))
        AG_RECORD_P(out, rule_SliceBackward, &((SliceParams){ dim, start, step }), g);
    return out;
}

Tensor *tensor_narrow(Tensor *x, int dim, int64_t start, int64_t length)
{
    CDL_ARG(x);
    if (x->ndim == 0)
        error_raise(ERR_INDEX, "tensor_narrow: a 0-dim tensor cannot be narrowed");
    int d = t_wrap_dim(dim, x->ndim, "tensor_narrow");
    int64_t n = x->shape[d];
    if (start < 0) start += n;
    if (start < 0 || length < 0 || start + length > n)
        error_raise(ERR_INDEX, "tensor_narrow: start %lld + length %lld exceeds dim %d of size %lld",
                    (long long)start, (long long)length, d, (long long)n);
    return tensor_slice(x, d, start, start + length, 1);
}

Tensor *tensor_select(Tensor *x, int dim, int64_t index)
{
    CDL_ARG(x);
    if (x->ndim == 0)
        error_raise(ERR_INDEX, "tensor_select: a 0-dim tensor has no dims to select from");
    int d = t_wrap_dim(dim, x->ndim, "tensor_select");
    int64_t n = x->shape[d];
    if (index < -n || index >= n)
        error_raise(ERR_INDEX, "tensor_select: index %lld is out of range for dim %d of size %lld",
                    (long long)index, d, (long long)n);
    if (index < 0) index += n;
    return tensor_squeeze_dim(tensor_slice(x, d, index, index + 1, 1), d);
}

Tensor *tensor_expand_shape(Tensor *x, int nd, const int64_t *dims)
{
    CDL_ARG(x);
    interrupt_check();
    if (nd < x->ndim || nd > TENSOR_MAX_DIMS)
        error_raise(ERR_SHAPE, "tensor_expand: cannot expand shape %s to %s (fewer dims)",
                    tensor_shape_str(x), t_shape_str(nd, dims));
    int64_t shape[TENSOR_MAX_DIMS], strides[TENSOR_MAX_DIMS];
    for (int i = 0; i < nd; i++) {
        int ix = x->ndim - nd + i;
        int64_t want = dims[i];
        if (ix < 0) {
            if (want < 0)
                error_raise(ERR_SHAPE, "tensor_expand: -1 is not allowed for the new leading dim %d", i);
            shape[i] = want;
            strides[i] = 0;
        } else if (want == -1 || want == x->shape[ix]) {
            shape[i] = x->shape[ix];
            strides[i] = x->strides[ix];
        } else if (x->shape[ix] == 1 && want >= 0) {
            shape[i] = want;
            strides[i] = 0;
        } else {
            error_raise(ERR_SHAPE, "tensor_expand: the expanded size %lld must match the existing size %lld "
                        "at dim %d (shape %s to %s; only size-1 dims expand)", (long long)want,
                        (long long)x->shape[ix], i, tensor_shape_str(x), t_shape_str(nd, dims));
        }
    }
    Tensor *out = t_view(x, nd, shape, strides, x->offset);
    if (ag_needs(x))
        AG_RECORD(out, rule_Expand, x);
    return out;
}

Tensor *tensor_expand_as(Tensor *x, const Tensor *other)
{
    CDL_ARG(x);
    CDL_ARG(other);
    return tensor_expand_shape(x, other->ndim, other->shape);
}

Tensor *tensor_cat(Tensor **ts, int n, int dim)
{
    interrupt_check();
    if (n <= 0 || !ts)
        error_raise(ERR_VALUE, "tensor_cat: needs at least one tensor");
    if (!ts[0])
        error_raise(ERR_VALUE, "tensor_cat: tensor 0 is NULL");
    const Tensor *f = ts[0];
    if (f->ndim == 0)
        error_raise(ERR_SHAPE, "tensor_cat: 0-dim tensors cannot be concatenated (use tensor_stack)");
    int d = t_wrap_dim(dim, f->ndim, "tensor_cat");
    DType dt = f->dtype;
    int64_t total = 0;
    bool grad = false;
    for (int i = 0; i < n; i++) {
        const Tensor *t = ts[i];
        if (!t)
            error_raise(ERR_VALUE, "tensor_cat: tensor %d is NULL", i);
        t_same_device(f, t, "tensor_cat");
        bool ok = t->ndim == f->ndim;
        for (int k = 0; ok && k < f->ndim; k++)
            if (k != d && t->shape[k] != f->shape[k]) ok = false;
        if (!ok)
            error_raise(ERR_SHAPE, "tensor_cat: tensor %d has shape %s but tensor 0 has %s; sizes must "
                        "match except in dim %d", i, tensor_shape_str(t), tensor_shape_str(f), d);
        dt = dtype_promote(dt, t->dtype);
        total += t->shape[d];
        grad |= t->requires_grad;
    }
    int64_t shape[TENSOR_MAX_DIMS];
    memcpy(shape, f->shape, sizeof shape);
    shape[d] = total;
    Tensor *out = t_new(dt, f->ndim, shape, f->device);
    int64_t off = 0;
    for (int i = 0; i < n; i++) {
        int64_t sh[TENSOR_MAX_DIMS];
        memcpy(sh, shape, sizeof sh);
        sh[d] = ts[i]->shape[d];
        Tensor *win = t_view(out, out->ndim, sh, out->strides, off * out->strides[d]);
        dev_copy(&(CopyArgs){ .out = win, .in = ts[i] });
        off += sh[d];
    }
    if (grad && ag_on() && dtype_is_float(dt))
        ag_record(out, &rule_Cat, n, ts, &(DimParams){ d }, sizeof(DimParams));
    return out;
}

Tensor *tensor_stack(Tensor **ts, int n, int dim)
{
    if (n <= 0 || !ts)
        error_raise(ERR_VALUE, "tensor_stack: needs at least one tensor");
    for (int i = 0; i < n; i++)
        if (!ts[i])
            error_raise(ERR_VALUE, "tensor_stack: tensor %d is NULL", i);
    for (int i = 1; i < n; i++)
        if (ts[i]->ndim != ts[0]->ndim || memcmp(ts[i]->shape, ts[0]->shape, sizeof(int64_t) * ts[0]->ndim))
            error_raise(ERR_SHAPE, "tensor_stack: tensor %d has shape %s but tensor 0 has %s; all must match",
                        i, tensor_shape_str(ts[i]), tensor_shape_str(ts[0]));
    int d = t_wrap_dim(dim, ts[0]->ndim + 1, "tensor_stack");
    Tensor **u = cdl_alloc(sizeof(Tensor *) * n);
    for (int i = 0; i < n; i++)
        u[i] = tensor_unsqueeze(ts[i], d);
    return tensor_cat(u, n, d);
}

Tensor **tensor_split(Tensor *x, int64_t size, int dim, int *n_out)
{
    CDL_ARG(x);
    if (x->ndim == 0)
        error_raise(ERR_SHAPE, "tensor_split: a 0-dim tensor cannot be split");
    int d = t_wrap_dim(dim, x->ndim, "tensor_split");
    if (size <= 0)
        error_raise(ERR_VALUE, "tensor_split: split_size must be positive, got %lld", (long long)size);
    int64_t len = x->shape[d];
    int n = len == 0 ? 1 : (int)((len + size - 1) / size);
    Tensor **out = cdl_alloc(sizeof(Tensor *) * (n + 1));
    for (int i = 0; i < n; i++) {
        int64_t s = i * size, l = s + size <= len ? size : len - s;
        out[i] = tensor_narrow(x, d, s, l);
    }
    if (n_out)
        *n_out = n;
    return out;
}

Tensor **tensor_chunk(Tensor *x, int chunks, int dim, int *n_out)
{
    CDL_ARG(x);
    if (chunks <= 0)
        error_raise(ERR_VALUE, "tensor_chunk: chunks must be positive, got %d", chunks);
    if (x->ndim == 0)
        error_raise(ERR_SHAPE, "tensor_chunk: a 0-dim tensor cannot be split");
    int d = t_wrap_dim(dim, x->ndim, "tensor_chunk");
    int64_t len = x->shape[d], size = (len + chunks - 1) / chunks;
    return tensor_split(x, size > 0 ? size : 1, d, n_out);
}

Tensor *tensor_repeat_(Tensor *x, int n, const int64_t *reps)
{
    CDL_ARG_NAMED("tensor_repeat", x, "x");
    interrupt_check();
    if (n < x->ndim)
        error_raise(ERR_SHAPE, "tensor_repeat: %d repeats given for a tensor with %d dims; give at least %d",
                    n, x->ndim, x->ndim);
    if (n > TENSOR_MAX_DIMS)
        error_raise(ERR_SHAPE, "tensor_repeat: %d dims (at most %d)", n, TENSOR_MAX_DIMS);
    int64_t shape[TENSOR_MAX_DIMS];
    for (int i = 0; i < n; i++) {
        if (reps[i] < 0)
            error_raise(ERR_VALUE, "tensor_repeat: negative repeat %lld", (long long)reps[i]);
        int ix = x->ndim - n + i;
        shape[i] = ix >= 0 ? x->shape[ix] : 1;
    }
    Tensor *y = tensor_reshape_shape(x, n, shape);
    /* Repeat dim by dim by concatenating copies: differentiable for free. */
    for (int i = 0; i < n; i++) {
        if (reps[i] == 1)
            continue;
        if (reps[i] == 0) {  /* empty: every dim still takes its repeat count */
            for (int k = 0; k < n; k++) shape[k] = k < i ? y->shape[k] : y->shape[k] * reps[k];
            return tensor_zeros_like(t_new(y->dtype, n, shape, y->device));
        }
        Tensor **copies = cdl_alloc(sizeof(Tensor *) * reps[i]);
        for (int64_t k = 0; k < reps[i]; k++)
            copies[k] = y;
        y = tensor_cat(copies, (int)reps[i], i);
    }
    return y == x ? tensor_clone(x) : y;
}
