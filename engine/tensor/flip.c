/* tensor_flip (torch.flip): elements reversed along some dims, as a copy,
 * recorded as one FlipBackward0 node whose backward flips the gradient
 * back (so it is differentiable to any order). */
#include "internal.h"

typedef struct FlipParams { int n; int64_t dims[TENSOR_MAX_DIMS]; } FlipParams;

static void flip_bw(Node *n, Tensor *g, Tensor **gi, const bool *need)
{
    const FlipParams *P = AG_PARAMS(n, FlipParams);
    if (need[0])
        gi[0] = tensor_flip_(g, P->n, P->dims);
}
static const GradRule rule_Flip = { "FlipBackward0", flip_bw, sizeof(FlipParams) };

Tensor *tensor_flip_(Tensor *x, int n, const int64_t *dims)
{
    CDL_ARG_NAMED("tensor_flip", x, "x");
    const char *fn = "tensor_flip";
    if (n < 1)
        error_raise(ERR_VALUE, "%s: give the dims to flip, e.g. tensor_flip(x, -1) to mirror the last dim", fn);
    if (n > x->ndim || n > TENSOR_MAX_DIMS)
        error_raise(ERR_INDEX, "%s: %d dims given for a tensor of shape %s", fn, n, tensor_shape_str(x));
    int64_t wrapped[TENSOR_MAX_DIMS];
    bool seen[TENSOR_MAX_DIMS] = { false };
    for (int k = 0; k < n; k++) {
        if (dims[k] < -x->ndim || dims[k] >= x->ndim)
            error_raise(ERR_INDEX, "%s: dim %lld is out of range for a tensor of shape %s (give -%d to %d)", fn,
                        (long long)dims[k], tensor_shape_str(x), x->ndim, x->ndim - 1);
        int d = t_wrap_dim((int)dims[k], x->ndim, fn);
        if (seen[d])
            error_raise(ERR_VALUE, "%s: dim %d appears more than once", fn, d);
        seen[d] = true;
        wrapped[k] = d;
    }
    Tensor *y = x;
    no_grad_enter();
    for (int k = 0; k < n; k++) {
        int64_t size = x->shape[wrapped[k]];
        Tensor *rev = tensor_arange_int(size - 1, -1, -1);
        if (rev->device != x->device) rev = tensor_to_device(rev, x->device);
        y = tensor_index_select(y, (int)wrapped[k], rev);
    }
    if (y == x) y = tensor_clone(x);
    no_grad_exit();
    if (ag_needs(x)) {
        FlipParams P = { .n = n };
        memcpy(P.dims, wrapped, sizeof(int64_t) * (size_t)n);
        AG_RECORD_P(y, rule_Flip, &P, x);
    }
    return y;
}
