/* Autograd behaviour: backward, accumulation, retain_graph, detach,
 * no_grad scopes, autograd_grad (create_graph, non-leaf inputs, unused
 * inputs), and the errors with their messages. */
#include "check.h"

int main(void)
{
    check_init();
    /* y = sum(x^2 * 3): dy/dx = 6x */
    Tensor *x = tensor_requires_grad_(tensor_of(1, 2, 3), true);
    CHECK(tensor_is_leaf(x) && tensor_requires_grad(x) && tensor_grad(x) == NULL);
    Tensor *y = tensor_sum(tensor_mul_scalar(tensor_mul(x, x), 3));
    CHECK(!tensor_is_leaf(y) && !strcmp(tensor_grad_fn_name(y), "SumBackward0"));
    tensor_backward(y, .retain_graph = true);
    CHECK(tensor_allclose(tensor_grad(x), tensor_of(6, 12, 18), 1e-6, 1e-6));
    /* accumulation */
    tensor_backward(y);
    CHECK(tensor_allclose(tensor_grad(x), tensor_of(12, 24, 36), 1e-6, 1e-6));
    CHECK_RAISES(ERR_RUNTIME, "trying to backward through the graph a second time", tensor_backward(y));
    tensor_zero_grad(x);
    CHECK(tensor_grad(x) == NULL);
    /* gradient argument for non-scalars */
    Tensor *y2 = tensor_mul_scalar(x, 2);
    CHECK_RAISES(ERR_RUNTIME, "grad can be implicitly created only for scalar outputs", tensor_backward(y2));
    CHECK_RAISES(ERR_SHAPE, "the gradient has shape (2,) but the output has shape (3,)",
                 tensor_backward(y2, .gradient = tensor_ones(2)));
    tensor_backward(y2, .gradient = tensor_of(1, 0, -1));
    CHECK(tensor_allclose(tensor_grad(x), tensor_of(2, 0, -2), 1e-6, 1e-6));
    tensor_zero_grad(x);
    /* broadcasting grads sum back */
    Tensor *w = tensor_requires_grad_(tensor_ones(1, 3), true);
    tensor_backward(tensor_sum(tensor_mul(w, tensor_ones(4, 3))));
    CHECK(tensor_allclose(tensor_grad(w), tensor_full(4, 1, 3), 0, 0));
    /* shared subexpression: x used twice */
    Tensor *s = tensor_sin(x);
    tensor_backward(tensor_sum(tensor_mul(s, s)));
    double g0 = 2 * sin(1) * cos(1);
    CHECK(fabs(tensor_get(tensor_grad(x), 0) - g0) < 1e-5);
    tensor_zero_grad(x);
    /* a tensor without requires_grad */
    CHECK_RAISES(ERR_RUNTIME, "does not require grad and has no grad_fn", tensor_backward(tensor_sum(tensor_ones(3))));
    CHECK_RAISES(ERR_RUNTIME, "input 0 (shape (3,)) does not require grad",
                 autograd_grad(tensor_sum(tensor_mul(x, x)), tensor_ones(3)));
    CHECK_RAISES(ERR_RUNTIME, "was not used to compute the output",
                 autograd_grad(tensor_sum(x), tensor_requires_grad_(tensor_ones(2), true)));
    Tensor *unused = autograd_grad(tensor_sum(x), tensor_requires_grad_(tensor_ones(2), true), .allow_unused = true);
    CHECK(tensor_allclose(unused, tensor_zeros(2), 0, 0));
    CHECK_RAISES(ERR_TYPE, "only floating point tensors can require grad", tensor_requires_grad_(tensor_long(x), true));
    /* detach */
    Tensor *d = tensor_detach(tensor_mul(x, x));
    CHECK(!tensor_requires_grad(d) && tensor_is_leaf(d));
    /* no_grad scopes nest and an error inside cannot leave them on */
    no_grad {
        CHECK(!autograd_is_grad_enabled());
        no_grad_enter();
        no_grad_exit();
        CHECK(!autograd_is_grad_enabled());
        CHECK(!tensor_requires_grad(tensor_mul(x, x)));
    }
    CHECK(autograd_is_grad_enabled());
    CHECK_RAISES(ERR_SHAPE, "cannot be broadcast", { no_grad_enter(); no_grad_enter(); tensor_add(tensor_ones(2), tensor_ones(3)); });
    CHECK(autograd_is_grad_enabled());  /* error_reset_state (the kernel calls it) switched it back */
    CHECK(tensor_requires_grad(tensor_mul(x, x)));
    /* in-place changes */
    CHECK_RAISES(ERR_RUNTIME, "in-place change of a tensor that requires grad", tensor_add_(x, tensor_ones(3)));
    no_grad { tensor_add_scalar_(x, 0); }
    Tensor *c = tensor_of(1, 2, 3);
    Tensor *p = tensor_mul(x, c);
    tensor_mul_scalar_(c, 2);
    CHECK_RAISES(ERR_RUNTIME, "modified by an in-place operation", tensor_backward(tensor_sum(p)));
    Tensor *sg = tensor_sigmoid(x);
    no_grad { tensor_mul_scalar_(sg, 2); }
    CHECK_RAISES(ERR_RUNTIME, "SigmoidBackward0", tensor_backward(tensor_sum(sg)));
    /* autograd_grad: values, non-leaf input, create_graph for higher orders */
    Tensor *t = tensor_requires_grad_(tensor_double(tensor_of(0.5, 1.0)), true);
    Tensor *u = tensor_pow_scalar(t, 4);                      /* u = t^4 */
    Tensor *du = autograd_grad(u, t, .grad_output = tensor_ones_like(u), .create_graph = true);
    CHECK(tensor_allclose(du, tensor_double(tensor_of(0.5, 4)), 1e-12, 1e-12));       /* 4t^3 */
    Tensor *d2u = autograd_grad(du, t, .grad_output = tensor_ones_like(du), .create_graph = true);
    CHECK(tensor_allclose(d2u, tensor_double(tensor_of(3, 12)), 1e-12, 1e-12));       /* 12t^2 */
    Tensor *d3u = autograd_grad(tensor_sum(d2u), t, .create_graph = true);
    CHECK(tensor_allclose(d3u, tensor_double(tensor_of(12, 24)), 1e-12, 1e-12));      /* 24t */
    Tensor *d4u = autograd_grad(tensor_sum(d3u), t);
    CHECK(tensor_allclose(d4u, tensor_double(tensor_of(24, 24)), 1e-12, 1e-12));
    CHECK(tensor_grad(t) == NULL);  /* autograd_grad does not touch .grad */
    Tensor *h = tensor_exp(t);
    Tensor *gh = autograd_grad(tensor_sum(tensor_mul(h, h)), h);  /* non-leaf input */
    CHECK(tensor_allclose(gh, tensor_mul_scalar(h, 2), 1e-12, 0));
    Tensor **gl = autograd_grad_list(1, (Tensor *[]){ tensor_sum(tensor_mul(t, h)) }, NULL, 2, (Tensor *[]){ t, h }, NULL);
    CHECK_RAISES(ERR_VALUE, "an entry of inputs", autograd_grad_list(1, (Tensor *[]){ tensor_sum(h) }, NULL, 2,
                                                                     (Tensor *[]){ t, NULL }, NULL));
    CHECK_RAISES(ERR_VALUE, "outputs", autograd_grad_list(1, NULL, NULL, 1, (Tensor *[]){ t }, NULL));
    /* Like PyTorch: the gradient for t is the total one (also through h). */
    CHECK(tensor_allclose(gl[0], tensor_add(h, tensor_mul(t, h)), 1e-12, 0) && tensor_allclose(gl[1], t, 1e-12, 0));
    /* backward through create_graph gradients into leaves (a PINN loss) */
    Tensor *wgt = tensor_requires_grad_(tensor_double(tensor_of(2.0)), true);
    Tensor *tt = tensor_requires_grad_(tensor_double(tensor_of(0.3)), true);
    Tensor *uu = tensor_sin(tensor_mul(wgt, tt));
    Tensor *du_dt = autograd_grad(tensor_sum(uu), tt, .create_graph = true);        /* w cos(wt) */
    tensor_backward(tensor_sum(du_dt));                                             /* d/dw = cos(wt) - wt sin(wt) */
    CHECK(fabs(tensor_item(tensor_grad(wgt)) - (cos(0.6) - 0.6 * sin(0.6))) < 1e-6);  /* 0.3 went through float32 */
    /* backward with create_graph makes .grad differentiable */
    Tensor *q = tensor_requires_grad_(tensor_double(tensor_of(3.0)), true);
    tensor_backward(tensor_sum(tensor_pow_scalar(q, 3)), .create_graph = true);
    Tensor *gq = tensor_grad(q);
    CHECK(tensor_requires_grad(gq) && fabs(tensor_item(gq) - 27) < 1e-12);
    CHECK(fabs(tensor_item(autograd_grad(tensor_sum(gq), q)) - 18) < 1e-12);
    /* dtype-mixing grads come back in the input's dtype */
    Tensor *f32 = tensor_requires_grad_(tensor_of(1, 2), true);
    tensor_backward(tensor_sum(tensor_mul(f32, tensor_double(tensor_of(3, 4)))));
    CHECK(tensor_dtype(tensor_grad(f32)) == DT_FLOAT32 && tensor_allclose(tensor_grad(f32), tensor_of(3, 4), 0, 0));
    /* a long chain (iterative traversal, no recursion limits) */
    Tensor *z = tensor_requires_grad_(tensor_of(1.0), true), *acc = z;
    for (int i = 0; i < 20000; i++)
        acc = tensor_mul_scalar(acc, 1.0);
    tensor_backward(tensor_sum(acc));
    CHECK(tensor_item(tensor_grad(z)) == 1);
    /* printing of grad_fn */
    CHECK_STR(tensor_to_string(tensor_add(x, x)), "tensor([2., 4., 6.], grad_fn=<AddBackward0>)");
    /* max/min over a dim: the gradient goes to the returned index only (ties not split) */
    Tensor *tie = tensor_requires_grad_(tensor_reshape(tensor_of(1, 5, 5, 7, 2, 7), 2, 3), true);
    Tensor *tie_idx;
    Tensor *tmax = tensor_max_dim(tie, 1, false, &tie_idx);
    tensor_backward(tensor_sum(tmax));
    Tensor *tg = tensor_grad(tie);
    CHECK(tensor_get(tg, 0, 1) + tensor_get(tg, 0, 2) == 1 && tensor_get(tg, 1, 0) + tensor_get(tg, 1, 2) == 1);
    CHECK(tensor_get(tg, 0, tensor_get(tie_idx, 0)) == 1 && tensor_get(tg, 1, tensor_get(tie_idx, 1)) == 1);
    CHECK(tensor_get(tg, 0, 0) == 0 && tensor_get(tg, 1, 1) == 0);
    tensor_zero_grad(tie);
    tensor_backward(tensor_sum(tensor_min_dim(tie, 0, true, NULL)));
    CHECK(tensor_allclose(tensor_grad(tie), tensor_reshape(tensor_of(1, 0, 1, 0, 1, 0), 2, 3), 0, 0));
    CHECK_STR(tensor_grad_fn_name(tensor_max_dim(tie, 0, false, NULL)), "MaxBackward0");
    /* the whole-tensor max still shares the gradient among ties, like PyTorch */
    tensor_zero_grad(tie);
    tensor_backward(tensor_max(tie));
    CHECK(tensor_get(tensor_grad(tie), 1, 0) == 0.5 && tensor_get(tensor_grad(tie), 1, 2) == 0.5);
    /* second order through max_dim (create_graph): d/dx of sum(max(x^2)) is 2x at the max */
    Tensor *mx2 = tensor_requires_grad_(tensor_double(tensor_of(1, 3, 2)), true);
    Tensor *gmx = autograd_grad(tensor_sum(tensor_max_dim(tensor_square(mx2), 0, false, NULL)), mx2, .create_graph = true);
    CHECK(tensor_allclose(gmx, tensor_double(tensor_of(0, 6, 0)), 0, 1e-12));
    CHECK(tensor_allclose(autograd_grad(tensor_sum(gmx), mx2), tensor_double(tensor_of(0, 2, 0)), 0, 1e-12));
    /* no_grad: break and continue leave the block and switch recording back on */
    for (int i = 0; i < 3; i++) {
        no_grad {
            if (i == 1)
                break;
            CHECK(!autograd_is_grad_enabled());
        }
        CHECK(autograd_is_grad_enabled());
    }
    no_grad {
        no_grad { continue; }
        CHECK(!autograd_is_grad_enabled());
    }
    CHECK(autograd_is_grad_enabled());
    /* fused backward kernels (no graph) agree with the recorded rules (graph) */
    Tensor *fx = tensor_requires_grad_(tensor_double(tensor_of(-1.5, -0.2, 0.0, 0.7, 2.0)), true);
    Tensor *(*acts[3])(Tensor *) = { tensor_tanh, tensor_sigmoid, tensor_relu };
    for (int k = 0; k < 3; k++) {
        Tensor *g1 = autograd_grad(tensor_sum(tensor_mul(acts[k](fx), fx)), fx);
        Tensor *g2 = autograd_grad(tensor_sum(tensor_mul(acts[k](fx), fx)), fx, .create_graph = true);
        CHECK(tensor_allclose(g1, g2, 1e-12, 1e-12));
    }
    Tensor *lsx = tensor_requires_grad_(tensor_randn(3, 4), true);
    Tensor *lw = tensor_randn(3, 4);
    Tensor *lg1 = autograd_grad(tensor_sum(tensor_mul(tensor_log_softmax(lsx, 1), lw)), lsx);
    Tensor *lg2 = autograd_grad(tensor_sum(tensor_mul(tensor_log_softmax(lsx, 1), lw)), lsx, .create_graph = true);
    CHECK(tensor_allclose(lg1, lg2, 1e-5, 1e-6));
    CHECK_STR(tensor_grad_fn_name(tensor_log_softmax(lsx, 1)), "LogSoftmaxBackward0");
    /* A leaf's first gradient adopts the pass's own scratch tensor instead
     * of copying it, but never a tensor held elsewhere: the caller's
     * .gradient, one tensor handed to two leaves, a view. */
    Tensor *la = tensor_requires_grad_(tensor_of(1, 2, 3), true), *lb = tensor_requires_grad_(tensor_of(4, 5, 6), true);
    Tensor *G = tensor_of(1, 1, 1);
    tensor_backward(la, .gradient = G);
    CHECK(tensor_grad(la) != G);
    tensor_fill_(G, 7);  /* the caller's tensor changes: the gradient does not */
    CHECK(tensor_allclose(tensor_grad(la), tensor_of(1, 1, 1), 0, 0));
    tensor_zero_grad(la);
    for (int pass = 1; pass <= 2; pass++) {  /* add hands one gradient to both leaves */
        tensor_backward(tensor_sum(tensor_add(la, lb)));
        CHECK(tensor_grad(la) != tensor_grad(lb));
        CHECK(tensor_allclose(tensor_grad(la), tensor_full_like(la, pass), 0, 0));
        CHECK(tensor_allclose(tensor_grad(lb), tensor_full_like(lb, pass), 0, 0));
    }
    tensor_zero_grad(la);
    Tensor *lm = tensor_requires_grad_(tensor_of(1, 2, 3, 4), true);
    for (int pass = 1; pass <= 2; pass++) {  /* the adopted gradient accumulates in place */
        Tensor *y = tensor_mul_scalar(tensor_reshape(lm, 2, 2), 3);
        tensor_backward(tensor_sum(y));
        CHECK(tensor_is_contiguous(tensor_grad(lm)) && tensor_ndim(tensor_grad(lm)) == 1);
        CHECK(tensor_allclose(tensor_grad(lm), tensor_full_like(lm, 3 * pass), 0, 0));
    }
    return CHECK_DONE();
}
