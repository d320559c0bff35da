/* Matrix products with NumPy's matmul rules: vectors are promoted to
 * matrices, batch dims broadcast. The product itself (OpenBLAS) runs on
 * 3-D views that the graph never sees: one node per product. */
#include "internal.h"
#include "../device/backend.h"

/* x (..., R, C) as a 3-D (B, R, C) tensor for the backend (in *tmp). */
static Tensor *as_3d(Tensor *tmp, Tensor *x)
{
    if (x->ndim == 3)
        return x;
    if (x->ndim == 2)
        return t_view_tmp(tmp, x, 3, (int64_t[]){ 1, x->shape[0], x->shape[1] },
                          (int64_t[]){ 0, x->strides[0], x->strides[1] }, x->offset);
    Tensor *c = t_contig(x);
    int64_t b = 1;
    for (int d = 0; d < c->ndim - 2; d++)
        b *= c->shape[d];
    int64_t R = c->shape[c->ndim - 2], C = c->shape[c->ndim - 1];
    return t_view_tmp(tmp, c, 3, (int64_t[]){ b, R, C }, (int64_t[]){ R * C, C, 1 }, c->offset);
}

/* a (..., M, K) @ b (..., K, N) with identical batch dims. */
static Tensor *matmul_same_batch(Tensor *a, Tensor *b, const char *fn)
{
    DType dt = dtype_promote(a->dtype, b->dtype);
    if (dt == DT_BOOL || dt == DT_UINT8)
        dt = DT_INT64;
    Tensor *ca = t_convert(a, dt), *cb = t_convert(b, dt);
    int nd = a->ndim;
    int64_t shape[TENSOR_MAX_DIMS];
    memcpy(shape, a->shape, sizeof shape);
    shape[nd - 1] = b->shape[nd - 1];
    Tensor *out = t_new(dt, nd, shape, a->device);
    Tensor to, ta, tb;
    dev_bmm(&(BmmArgs){ .out = as_3d(&to, out), .a = as_3d(&ta, ca), .b = as_3d(&tb, cb) });
    (void)fn;
    if (ag_needs2(a, b) && dtype_is_float(dt)) {
        Node *n = ag_record(out, nd == 2 ? &rule_Mm : &rule_Bmm, 2, (Tensor *[]){ a, b }, NULL, 0);
        ag_save(n, a);
        ag_save(n, b);
    }
    return out;
}

Tensor *tensor_matmul(Tensor *a, Tensor *b)
{
    CDL_ARG(a);
    CDL_ARG(b);
    interrupt_check();
    const char *fn = "tensor_matmul";
    t_same_device(a, b, fn);
    if (a->ndim == 0 || b->ndim == 0)
        error_raise(ERR_SHAPE, "%s: both arguments need at least 1 dim, got shapes %s and %s "
                    "(use tensor_mul for scalars)", fn, tensor_shape_str(a), tensor_shape_str(b));
    int64_t ka = a->shape[a->ndim - 1], kb = b->shape[b->ndim > 1 ? b->ndim - 2 : 0];
    if (ka != kb)
        error_raise(ERR_SHAPE, "%s: shapes %s and %s cannot be multiplied (%lld != %lld)", fn,
                    tensor_shape_str(a), tensor_shape_str(b), (long long)ka, (long long)kb);
    if (a->ndim == 1 && b->ndim == 1)
        return tensor_dot(a, b);
    if (a->ndim == 1)
        return tensor_squeeze_dim(tensor_matmul(tensor_unsqueeze(a, 0), b), -2);
    if (b->ndim == 1)
        return tensor_squeeze_dim(tensor_matmul(a, tensor_unsqueeze(b, 1)), -1);
    /* Broadcast the batch dims. */
    int na = a->ndim - 2, nb = b->ndim - 2, n = na > nb ? na : nb;
    int64_t batch[TENSOR_MAX_DIMS];
    for (int i = 0; i < n; i++) {
        int ia = na - n + i, ib = nb - n + i;
        int64_t sa = ia >= 0 ? a->shape[ia] : 1, sb = ib >= 0 ? b->shape[ib] : 1;
        if (sa != sb && sa != 1 && sb != 1)
            error_raise(ERR_SHAPE, "%s: batch dims of %s and %s cannot be broadcast (%lld vs %lld)", fn,
                        tensor_shape_str(a), tensor_shape_str(b), (long long)sa, (long long)sb);
        batch[i] = sa == 1 ? sb : sa;
    }
    if (na != n || memcmp(batch, a->shape, sizeof(int64_t) * n)) {
        int64_t s[TENSOR_MAX_DIMS];
        memcpy(s, batch, sizeof(int64_t) * n);
        s[n] = a->shape[na];
        s[n + 1] = a->shape[na + 1];
        a = tensor_expand_shape(a, n + 2, s);
    }
    if (nb != n || memcmp(batch, b->shape, sizeof(int64_t) * n)) {
        int64_t s[TENSOR_MAX_DIMS];
        memcpy(s, batch, sizeof(int64_t) * n);
        s[n] = b->shape[nb];
        s[n + 1] = b->shape[nb + 1];
        b = tensor_expand_shape(b, n + 2, s);
    }
    return matmul_same_batch(a, b, fn);
}

Tensor *tensor_mm(Tensor *a, Tensor *b)
{
    CDL_ARG(a);
    CDL_ARG(b);
    if (a->ndim != 2 || b->ndim != 2)
        error_raise(ERR_SHAPE, "tensor_mm: expects two matrices, got shapes %s and %s (use tensor_matmul)",
                    tensor_shape_str(a), tensor_shape_str(b));
    return tensor_matmul(a, b);
}

Tensor *tensor_bmm(Tensor *a, Tensor *b)
{
    CDL_ARG(a);
    CDL_ARG(b);
    if (a->ndim != 3 || b->ndim != 3 || a->shape[0] != b->shape[0])
        error_raise(ERR_SHAPE, "tensor_bmm: expects (b, n, m) and (b, m, p), got shapes %s and %s",
                    tensor_shape_str(a), tensor_shape_str(b));
    return tensor_matmul(a, b);
}

Tensor *t_bmm(Tensor *a, Tensor *b, const char *fn)
{
    return matmul_same_batch(a, b, fn);
}

Tensor *tensor_mv(Tensor *a, Tensor *v)
{
    CDL_ARG(a);
    CDL_ARG(v);
    if (a->ndim != 2 || v->ndim != 1)
        error_raise(ERR_SHAPE, "tensor_mv: expects a matrix and a vector, got shapes %s and %s",
                    tensor_shape_str(a), tensor_shape_str(v));
    return tensor_matmul(a, v);
}

Tensor *tensor_dot(Tensor *a, Tensor *b)
{
    CDL_ARG(a);
    CDL_ARG(b);
    if (a->ndim != 1 || b->ndim != 1 || a->shape[0] != b->shape[0])
        error_raise(ERR_SHAPE, "tensor_dot: expects two 1-D tensors of the same size, got shapes %s and %s",
                    tensor_shape_str(a), tensor_shape_str(b));
    return tensor_sum(tensor_mul(a, b));
}

Tensor *tensor_outer(Tensor *a, Tensor *b)
{
    CDL_ARG(a);
    CDL_ARG(b);
    if (a->ndim != 1 || b->ndim != 1)
        error_raise(ERR_SHAPE, "tensor_outer: expects two 1-D tensors, got shapes %s and %s",
                    tensor_shape_str(a), tensor_shape_str(b));
    return tensor_mul(tensor_unsqueeze(a, 1), tensor_unsqueeze(b, 0));
}
