/* Optimizers and learning-rate schedulers (torch.optim in C), with
 * PyTorch's update rules, hyper-parameter meanings and defaults:
 *     Optimizer *opt = optim_adam(nn_parameters(model), .lr = 1e-3);
 *     for (...) { optim_zero_grad(opt); tensor_backward(loss); optim_step(opt); }
 * Options are passed as designated initialisers; zero means PyTorch's
 * default. For a hyper-parameter whose default is not 0 but that you want
 * exactly 0 (e.g. Adam's beta1), pass OPTIM_ZERO.
 *
 * Saving and restoring (checkpoints): optim_state(opt) lists the optimizer's
 * state as named live tensors: "lr" (0-dim float64), "step" (float64, one
 * count per parameter, like PyTorch's per-parameter state["step"]) and, per
 * parameter i, its buffers "<i>.<buffer>" ("0.exp_avg", "0.exp_avg_sq",
 * "1.momentum_buffer", "2.square_avg", "3.sum"...). The list is complete from
 * construction on (buffers start at zero, like PyTorch's lazily created
 * ones) and stable: save each tensor, and to restore copy the saved values
 * into the same tensors (tensor_copy_) of an optimizer built the same way. */
#ifndef COURSDL_OPTIM_H
#define COURSDL_OPTIM_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "tensor.h"
#include "nn.h"

typedef struct Optimizer Optimizer;
typedef struct Scheduler Scheduler;

/* A value that means "exactly zero" where zero would mean "default". */
#define OPTIM_ZERO 1e-300

/* ---- optimizers --------------------------------------------------------- */

/* Options of optim_sgd; zero means default. */
typedef struct SGDOptions {
    double lr;            /* default 1e-3 */
    double momentum;      /* default 0 */
    double dampening;     /* default 0 */
    double weight_decay;  /* L2 penalty added to the gradient (default 0) */
    bool nesterov;        /* Nesterov momentum (needs momentum > 0, dampening 0) */
    bool maximize;        /* ascend instead of descend */
} SGDOptions;
/* Stochastic gradient descent: optim_sgd(params, .lr = 0.1, .momentum = 0.9).
 * Arguments: the parameters to update (nn_parameters(model)) and options.
 * Returns a new Optimizer; Out[n] of it prints it as PyTorch does.
 * Example:
 *   Optimizer *opt = optim_sgd(nn_parameters(net), .lr = 0.1);
 * g += wd p; b = momentum b + (1 - dampening) g (b = g at the first step);
 * g = nesterov ? g + momentum b : b; p -= lr g. */
#define optim_sgd(params, ...) optim_sgd_(params, &(SGDOptions){ __VA_ARGS__ })
Optimizer *optim_sgd_(ParamList *params, const SGDOptions *options);

/* Options of optim_adam / optim_adamw; zero means default. */
typedef struct AdamOptions {
    double lr;            /* default 1e-3 */
    double beta1;         /* default 0.9 */
    double beta2;         /* default 0.999 */
    double eps;           /* default 1e-8 */
    double weight_decay;  /* Adam: L2 added to the gradient (default 0);
                             AdamW: decoupled, p *= 1 - lr wd (default 1e-2) */
    bool amsgrad;         /* keep the max of the second moments */
    bool maximize;
} AdamOptions;
/* Adam: m = b1 m + (1-b1) g; v = b2 v + (1-b2) g^2;
 * p -= lr (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps).
 * Arguments: the parameters to update (nn_parameters(model)) and options.
 * Returns a new Optimizer; optim_step applies one update.
 * Errors: ValueError for a negative lr, eps or weight_decay, or betas
 * outside [0, 1).
 * Example:
 *   Optimizer *opt = optim_adam(nn_parameters(net), .lr = 1e-2);
 *   optim_zero_grad(opt); tensor_backward(loss); optim_step(opt); */
#define optim_adam(params, ...) optim_adam_(params, &(AdamOptions){ __VA_ARGS__ })
Optimizer *optim_adam_(ParamList *params, const AdamOptions *options);
/* AdamW: Adam with decoupled weight decay (default weight_decay 1e-2). */
#define optim_adamw(params, ...) optim_adamw_(params, &(AdamOptions){ __VA_ARGS__ })
Optimizer *optim_adamw_(ParamList *params, const AdamOptions *options);

/* Options of optim_rmsprop; zero means default. */
typedef struct RMSpropOptions {
    double lr;            /* default 1e-2 */
    double alpha;         /* smoothing constant (default 0.99) */
    double eps;           /* default 1e-8 */
    double weight_decay;  /* default 0 */
    double momentum;      /* default 0 */
    bool centered;        /* normalise by the variance estimate */
    bool maximize;
} RMSpropOptions;
/* RMSprop: v = alpha v + (1-alpha) g^2; p -= lr g / (sqrt(v) + eps)
 * (with momentum: b = momentum b + g / (sqrt(v) + eps); p -= lr b). */
#define optim_rmsprop(params, ...) optim_rmsprop_(params, &(RMSpropOptions){ __VA_ARGS__ })
Optimizer *optim_rmsprop_(ParamList *params, const RMSpropOptions *options);

/* Options of optim_adagrad; zero means default. */
typedef struct AdagradOptions {
    double lr;                         /* default 1e-2 */
    double lr_decay;                   /* default 0 */
    double weight_decay;               /* default 0 */
    double initial_accumulator_value;  /* default 0 */
    double eps;                        /* default 1e-10 */
    bool maximize;
} AdagradOptions;
/* Adagrad: s += g^2; p -= lr / (1 + (t-1) lr_decay) g / (sqrt(s) + eps). */
#define optim_adagrad(params, ...) optim_adagrad_(params, &(AdagradOptions){ __VA_ARGS__ })
Optimizer *optim_adagrad_(ParamList *params, const AdagradOptions *options);

/* Clears every parameter's gradient (set to NULL, like PyTorch's default
 * set_to_none=True); call it before each backward, or gradients add up.
 * Arguments: the optimizer.
 * Returns nothing; tensor_grad of each parameter is NULL afterwards.
 * Errors: ValueError for a NULL optimizer.
 * Example:
 *   optim_zero_grad(opt);
 *   tensor_backward(nn_cross_entropy(nn_forward(net, X), y));
 *   optim_step(opt); */
void optim_zero_grad(Optimizer *opt);
/* One update of every parameter that has a gradient, by the optimizer's
 * rule (no graph recorded), like opt.step(); parameters without a gradient
 * are left as they are.
 * Arguments: the optimizer (optim_sgd, optim_adam...).
 * Returns nothing; the parameters (the model's own tensors) change in place.
 * Errors: ValueError for a NULL optimizer or a non-contiguous parameter;
 * ShapeError when a gradient's shape is not its parameter's; DeviceError
 * when they are on different devices.
 * Example:
 *   Optimizer *opt = optim_sgd(nn_parameters(net), .lr = 0.1);
 *   for (int epoch = 0; epoch < 100; epoch++) {
 *       optim_zero_grad(opt);
 *       tensor_backward(nn_mse(nn_forward(net, X), y));
 *       optim_step(opt);
 *   } */
void optim_step(Optimizer *opt);
/* The current learning rate. */
double optim_get_lr(const Optimizer *opt);
/* Sets the learning rate (schedulers do this). */
void optim_set_lr(Optimizer *opt, double lr);
/* Number of optim_step calls so far. */
int64_t optim_step_count(const Optimizer *opt);
/* The parameters the optimizer updates. */
ParamList *optim_params(Optimizer *opt);
/* The name of the algorithm: "SGD", "Adam", "AdamW", "RMSprop", "Adagrad". */
const char *optim_name(const Optimizer *opt);
/* Whether p points to an Optimizer (rather than, say, an optimizer's name:
 * nn_fit and nn_compile take either). */
bool optim_is_optimizer(const void *p);
/* The optimizer's state as named live tensors (see the top of this file):
 * save them to checkpoint; copy values into them to restore. */
ParamList *optim_state(Optimizer *opt);

/* ---- learning-rate schedulers ------------------------------------------- */

/* lr = initial lr * gamma^(epoch / step_size) (gamma 0 means 0.1). Call
 * optim_scheduler_step once per epoch, after the epoch's optim_steps. */
Scheduler *optim_step_lr(Optimizer *opt, int step_size, double gamma);
/* lr = initial lr * gamma^epoch. */
Scheduler *optim_exponential_lr(Optimizer *opt, double gamma);
/* lr = eta_min + (initial - eta_min) (1 + cos(pi epoch / t_max)) / 2
 * (PyTorch's recursive form, identical while epoch <= t_max). */
Scheduler *optim_cosine_annealing_lr(Optimizer *opt, int t_max, double eta_min);

/* Options of optim_reduce_lr_on_plateau; zero means default. */
typedef struct PlateauOptions {
    bool mode_max;     /* true: the metric should increase (accuracy); default: decrease (loss) */
    double factor;     /* lr *= factor on a plateau (default 0.1) */
    int patience;      /* epochs without improvement tolerated (default 10) */
    double threshold;  /* relative improvement needed (default 1e-4, "rel" mode) */
    int cooldown;      /* epochs to wait after a reduction (default 0) */
    double min_lr;     /* floor of the lr (default 0) */
    double eps;        /* changes smaller than this are skipped (default 1e-8) */
} PlateauOptions;
/* Divides the lr when a metric stops improving; step it with
 * optim_scheduler_step_metric(s, val_loss). */
#define optim_reduce_lr_on_plateau(opt, ...) optim_reduce_lr_on_plateau_(opt, &(PlateauOptions){ __VA_ARGS__ })
Scheduler *optim_reduce_lr_on_plateau_(Optimizer *opt, const PlateauOptions *options);

/* Advances the schedule by one epoch and sets the optimizer's lr. */
void optim_scheduler_step(Scheduler *s);
/* The same for ReduceLROnPlateau, with the epoch's metric. */
void optim_scheduler_step_metric(Scheduler *s, double metric);
/* The lr the scheduler last set. */
double optim_scheduler_get_lr(const Scheduler *s);
/* Epochs stepped so far. */
int64_t optim_scheduler_epoch(const Scheduler *s);

#endif
