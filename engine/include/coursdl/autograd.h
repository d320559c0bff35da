/* Autograd: a dynamic tape recorded by every op on tensors that require
 * grad. Backward rules are themselves tensor ops, so gradients taken with
 * .create_graph = true can be differentiated again (any order). */
#ifndef COURSDL_AUTOGRAD_H
#define COURSDL_AUTOGRAD_H

#include <stdbool.h>
#include "tensor.h"

/* Options of tensor_backward; zero means default. */
typedef struct BackwardOptions {
    Tensor *gradient;   /* d(loss)/d(t) for a non-scalar t (same shape) */
    bool retain_graph;  /* keep saved tensors for another backward */
    bool create_graph;  /* record the backward itself (implies retain_graph) */
} BackwardOptions;

/* Computes gradients of t (a scalar, or pass .gradient) and accumulates them
 * into the .grad of the leaves: tensor_backward(loss) or
 * tensor_backward(y, .gradient = g, .retain_graph = true).
 * Arguments: the output (normally a 0-dim loss); options .gradient
 * (d(loss)/d(t), of t's shape, for a non-scalar t), .retain_graph (to call
 * backward again through the same graph), .create_graph (to differentiate
 * the gradients again).
 * Returns nothing; tensor_grad(w) of each leaf w that requires grad now
 * holds its gradient, added to what was there (clear with optim_zero_grad).
 * Errors: RuntimeError when t does not require grad, for a non-scalar t
 * without .gradient, for a second backward through a graph already freed
 * (use .retain_graph = true), or when a saved tensor was changed in place;
 * ShapeError when .gradient does not have t's shape.
 * Example:
 *   Tensor *loss = nn_cross_entropy(nn_forward(net, X), y);
 *   tensor_backward(loss);
 *   Tensor *gW = tensor_grad(nn_get_parameter(net, "0.weight")); */
#define tensor_backward(t, ...) tensor_backward_(t, &(BackwardOptions){ __VA_ARGS__ })
void tensor_backward_(Tensor *t, const BackwardOptions *options);

/* Options of autograd_grad; zero means default. */
typedef struct GradOptions {
    Tensor *grad_output;  /* d/d(output) for a non-scalar output (default: ones for a scalar) */
    bool create_graph;    /* the result is differentiable (implies retain_graph) */
    bool retain_graph;    /* keep saved tensors for another pass */
    bool allow_unused;    /* an input the output does not depend on gets zeros instead of an error */
} GradOptions;

/* d(output)/d(input) as a new tensor, not accumulated in .grad, like
 * torch.autograd.grad(y, x): autograd_grad(y, x, .create_graph = true).
 * Arguments: output, computed from input; input, a tensor that requires grad
 * (a leaf or an intermediate result); options .grad_output (default: none, for
 * a one-element output; for a larger output, d/d(output) of its shape, e.g.
 * tensor_ones_like(u)), .create_graph (default false: true makes the result
 * differentiable, for second derivatives), .retain_graph (default false: keep
 * the graph for another pass; implied by .create_graph), .allow_unused (default
 * false: true gives zeros for an input the output does not depend on).
 * Returns a new tensor of input's shape (recorded for autograd only with
 * .create_graph).
 * Errors: RuntimeError when output or input does not require grad, for a larger
 * output without .grad_output, when input was not used (without .allow_unused),
 * for a second pass through a freed graph, or when a saved tensor was changed in
 * place; ShapeError when .grad_output does not have output's shape; DeviceError
 * when it is on another device.
 * Example:
 *   Tensor *u = nn_forward(pinn, x);   // x: (N, 1) collocation points, requires grad
 *   Tensor *u_x = autograd_grad(u, x, .grad_output = tensor_ones_like(u),
 *                               .create_graph = true);
 *   Tensor *u_xx = autograd_grad(u_x, x, .grad_output = tensor_ones_like(u_x),
 *                                .create_graph = true); */
#define autograd_grad(output, input, ...) autograd_grad_(output, input, &(GradOptions){ __VA_ARGS__ })
Tensor *autograd_grad_(Tensor *output, Tensor *input, const GradOptions *options);

/* The gradients of several outputs with respect to several inputs in one pass,
 * like torch.autograd.grad([y1, y2], [x, t], grad_outputs=[g1, g2]): the
 * gradients of sum_k <outputs[k], grad_outputs[k]>.
 * Arguments: n_outputs >= 1 outputs; grad_outputs, NULL (or a NULL entry) for
 * one-element outputs, else d/d(output) of each output's shape; n_inputs >= 1
 * inputs that require grad; options as for autograd_grad (NULL for the defaults;
 * its .grad_output is ignored).
 * Returns a new array (garbage collected) of n_inputs new tensors, the gradient
 * for each input in order, of its shape.
 * Errors: ValueError for n_outputs or n_inputs < 1; otherwise the errors of
 * autograd_grad.
 * Example:
 *   Tensor *ins[2] = { x, t };   // a PINN's space and time inputs
 *   Tensor **g = autograd_grad_list(1, &u, (Tensor *[]){ tensor_ones_like(u) }, 2, ins,
 *                                   &(GradOptions){ .create_graph = true });
 *   Tensor *u_x = g[0], *u_t = g[1]; */
Tensor **autograd_grad_list(int n_outputs, Tensor **outputs, Tensor **grad_outputs,
                            int n_inputs, Tensor **inputs, const GradOptions *options);

/* no_grad scopes, like torch.no_grad(): ops between no_grad_enter and
 * no_grad_exit record nothing (evaluation, weight updates by hand). They nest;
 * an engine error inside one cannot leave it switched on (error_reset_state
 * resets it). The no_grad { ... } block below is the usual way to write one.
 * Arguments: none.
 * Returns nothing; no_grad_exit outside any scope does nothing.
 * Errors: none.
 * Example:
 *   no_grad_enter();
 *   Tensor *pred = tensor_argmax_dim(nn_forward(net, X_test), 1, false);
 *   no_grad_exit(); */
void no_grad_enter(void);
void no_grad_exit(void);
/* Whether ops record the graph now, like torch.is_grad_enabled().
 * Arguments: none.
 * Returns false inside a no_grad scope (or a backward pass without
 * .create_graph), true otherwise.
 * Errors: none.
 * Example:
 *   no_grad { printf("%d\n", autograd_is_grad_enabled()); }   // 0 */
bool autograd_is_grad_enabled(void);
/* Scope helper: no_grad { ... } runs the block with recording off and
 * switches it back on at the end. `break` and `continue` inside the block
 * leave the block itself (not an enclosing loop) and do switch recording
 * back on. `return`, `goto` out of the block, or `exit` skip the switch-on:
 * recording then stays off until no_grad_exit() or an engine error (the
 * notebook kernel also resets it after a failed cell). Write
 * `no_grad_enter(); ... no_grad_exit();` around code that must return early. */
#define no_grad \
    for (int no_grad_once_ = (no_grad_enter(), 1); no_grad_once_; no_grad_once_ = 0, no_grad_exit()) \
        for (int no_grad_body_ = 1; no_grad_body_; no_grad_body_ = 0)

/* A function of tensors for gradcheck: returns one tensor. */
typedef Tensor *(*GradcheckFn)(Tensor **inputs, void *ctx);

/* Options of autograd_gradcheck; zero means default. */
typedef struct GradcheckOptions {
    double eps;   /* finite-difference step (default 1e-6) */
    double atol;  /* absolute tolerance (default 1e-5) */
    double rtol;  /* relative tolerance (default 1e-3) */
    int order;    /* 1 (default): first derivatives; 2: also second; 3: third */
    bool quiet;   /* do not print the first mismatch */
} GradcheckOptions;

/* Compares autograd's derivatives of fn at inputs with central finite
 * differences, like torch.autograd.gradcheck (and gradgradcheck with
 * .order = 2): the test of a new op or a hand-written backward.
 * Arguments: fn, a GradcheckFn returning one float64 tensor of its inputs; ctx,
 * passed to fn; n_inputs (1 to 64) and inputs: those that require grad are
 * checked and must be float64, contiguous, in CPU memory (copies are perturbed,
 * the originals are left as they are); options .eps (default 1e-6), .atol
 * (1e-5), .rtol (1e-3): a derivative passes when |analytic - numerical| <=
 * atol + rtol * |numerical|; .order (1 default, 2 or 3: derivatives of the
 * derivatives too); .quiet (default false: print the first mismatch on stdout).
 * Returns true when every derivative matches, false at the first mismatch.
 * Errors: ValueError for n_inputs out of 1..64, an order out of 1..3, no input
 * that requires grad, or an input not contiguous or not in CPU memory;
 * TypeError for an input to check or a result of fn that is not float64.
 * Example:
 *   static Tensor *f(Tensor **in, void *ctx) { (void)ctx; return tensor_tanh(in[0]); }
 *   Tensor *x = tensor_requires_grad_(tensor_double(tensor_randn(5)), true);
 *   bool ok = autograd_gradcheck(f, NULL, 1, &x, .order = 2); */
#define autograd_gradcheck(fn, ctx, n_inputs, inputs, ...) \
    autograd_gradcheck_(fn, ctx, n_inputs, inputs, &(GradcheckOptions){ __VA_ARGS__ })
bool autograd_gradcheck_(GradcheckFn fn, void *ctx, int n_inputs, Tensor **inputs,
                         const GradcheckOptions *options);

#endif
