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

/* d(output)/d(input) as a new tensor (not accumulated in .grad):
 * autograd_grad(y, x, .create_graph = true). */
#define autograd_grad(output, input, ...) autograd_grad_(output, input, &(GradOptions){ __VA_ARGS__ })
Tensor *autograd_grad_(Tensor *output, Tensor *input, const GradOptions *options);

/* Several outputs and inputs: returns an array of n_inputs gradients of
 * sum_k <outputs[k], grad_outputs[k]> (grad_outputs may be NULL for scalar
 * outputs; options->grad_output is ignored). */
Tensor **autograd_grad_list(int n_outputs, Tensor **outputs, Tensor **grad_outputs,
                            int n_inputs, Tensor **inputs, const GradOptions *options);

/* no_grad scopes: ops inside record nothing. They nest; an engine error
 * inside one cannot leave it switched on (error_reset_state resets it). */
void no_grad_enter(void);
void no_grad_exit(void);
/* Whether ops record the graph now. */
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

/* Compares autograd's derivatives of fn at inputs (float64; those with
 * requires_grad are checked) with central finite differences. With
 * .order = 2 or 3 it checks the derivatives of the derivatives too.
 * Returns true when all match; prints the first mismatch otherwise. */
#define autograd_gradcheck(fn, ctx, n_inputs, inputs, ...) \
    autograd_gradcheck_(fn, ctx, n_inputs, inputs, &(GradcheckOptions){ __VA_ARGS__ })
bool autograd_gradcheck_(GradcheckFn fn, void *ctx, int n_inputs, Tensor **inputs,
                         const GradcheckOptions *options);

#endif
