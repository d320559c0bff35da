/* tensor_softmax as one SoftmaxBackward0 node (PyTorch's grad_fn, which
 * autograd_graph shows): y = exp(log_softmax(x)), backward
 * y (g - sum(g y)), written with differentiable ops (any order). */
#include "internal.h"

static void softmax_bw(Node *n, Tensor *g, Tensor **gi, const bool *need)
{
    if (!need[0])
        return;
    Tensor *y = n->saved[0];
    int d = (int)n->iv[0];
    gi[0] = tensor_mul(y, tensor_sub(g, tensor_sum_dim(tensor_mul(g, y), d, true)));
}
static const GradRule rule_Softmax = { "SoftmaxBackward0", softmax_bw };

Tensor *tensor_softmax(Tensor *x, int dim)
{
    if (!x)
        error_raise(ERR_VALUE, "tensor_softmax: the tensor is NULL");
    int d = t_wrap_dim(dim, x->ndim ? x->ndim : 1, "tensor_softmax");
    bool rec = ag_needs(x);
    if (rec) no_grad_enter();
    Tensor *y = tensor_exp(tensor_log_softmax(x, dim));
    if (rec) {
        no_grad_exit();
        Node *n = AG_RECORD(y, rule_Softmax, x);
        n->iv[0] = d;
        ag_save(n, y);
    }
    return y;
}
