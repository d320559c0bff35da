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
/* Stochastic gradient descent: optim_sgd(params, .lr = 0.1, .momentum = 0.9),
 * torch.optim.SGD. Each step: g += wd p; b = momentum b + (1 - dampening) g
 * (b = g at the first step); g = nesterov ? g + momentum b : b; p -= lr g.
 * Arguments: the parameters to update (nn_parameters(model)) and options:
 * .lr (default 1e-3), .momentum (default 0), .dampening (default 0),
 * .weight_decay (default 0), .nesterov, .maximize.
 * Returns a new Optimizer; Out[n] of it prints it as PyTorch does.
 * Errors: ValueError for an empty parameter list, a parameter that is not a
 * floating-point leaf tensor, a negative lr, momentum or weight_decay, or
 * .nesterov without momentum > 0 and zero dampening.
 * Example:
 *   Optimizer *opt = optim_sgd(nn_parameters(net), .lr = 0.1, .momentum = 0.9); */
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
/* AdamW: Adam with decoupled weight decay (default weight_decay 1e-2), like
 * torch.optim.AdamW: each step first shrinks the weights, p *= 1 - lr wd,
 * then takes Adam's step (the decay is not part of the gradient).
 * Arguments: the parameters to update (nn_parameters(model)) and the options
 * of optim_adam: .lr (default 1e-3), .beta1 (0.9), .beta2 (0.999), .eps
 * (1e-8), .weight_decay (default 1e-2; OPTIM_ZERO for none), .amsgrad,
 * .maximize.
 * Returns a new Optimizer.
 * Errors: ValueError for an empty parameter list, a parameter that is not a
 * floating-point leaf tensor, a negative lr, eps or weight_decay, or betas
 * outside [0, 1).
 * Example:
 *   Optimizer *opt = optim_adamw(nn_parameters(net), .lr = 1e-3,
 *                                .weight_decay = 0.05); */
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
 * (with momentum: b = momentum b + g / (sqrt(v) + eps); p -= lr b), like
 * torch.optim.RMSprop (.centered divides by sqrt(v - mean(g)^2) instead).
 * Arguments: the parameters to update (nn_parameters(model)) and options:
 * .lr (default 1e-2), .alpha (0.99), .eps (1e-8), .weight_decay (0),
 * .momentum (0), .centered, .maximize.
 * Returns a new Optimizer.
 * Errors: ValueError for an empty parameter list, a parameter that is not a
 * floating-point leaf tensor, or a negative lr, alpha, eps, weight_decay or
 * momentum.
 * Example:
 *   Optimizer *opt = optim_rmsprop(nn_parameters(net), .lr = 1e-3); */
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
/* Adagrad: s += g^2; p -= lr / (1 + (t-1) lr_decay) g / (sqrt(s) + eps),
 * like torch.optim.Adagrad.
 * Arguments: the parameters to update (nn_parameters(model)) and options:
 * .lr (default 1e-2), .lr_decay (0), .weight_decay (0),
 * .initial_accumulator_value (s's starting value, 0), .eps (1e-10), .maximize.
 * Returns a new Optimizer.
 * Errors: ValueError for an empty parameter list, a parameter that is not a
 * floating-point leaf tensor, or a negative lr, lr_decay, weight_decay,
 * initial_accumulator_value or eps.
 * Example:
 *   Optimizer *opt = optim_adagrad(nn_parameters(net), .lr = 0.05); */
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
/* The current learning rate, like opt.param_groups[0]["lr"].
 * Arguments: the optimizer.
 * Returns the lr the next optim_step uses (set at construction, by
 * optim_set_lr or by a scheduler).
 * Errors: none.
 * Example:
 *   printf("epoch %d lr %g\n", epoch, optim_get_lr(opt)); */
double optim_get_lr(const Optimizer *opt);
/* Sets the learning rate (schedulers do this), like
 * opt.param_groups[0]["lr"] = lr.
 * Arguments: the optimizer and the new lr (>= 0).
 * Returns nothing; the next optim_step uses lr. A scheduler made earlier
 * keeps its own starting lr.
 * Errors: ValueError for a negative lr.
 * Example:
 *   if (epoch == 50) optim_set_lr(opt, optim_get_lr(opt) / 10); */
void optim_set_lr(Optimizer *opt, double lr);
/* Number of optim_step calls so far.
 * Arguments: the optimizer.
 * Returns the count of optim_step calls since it was made (each call counts,
 * even one that found no gradient); not restored by a checkpoint ("step" in
 * optim_state counts per parameter).
 * Errors: none.
 * Example:
 *   printf("%lld updates\n", (long long)optim_step_count(opt)); */
int64_t optim_step_count(const Optimizer *opt);
/* The parameters the optimizer updates, like opt.param_groups[0]["params"].
 * Arguments: the optimizer.
 * Returns the ParamList it was made with (the same object, not a copy: its
 * tensors are the model's own parameters).
 * Errors: none.
 * Example:
 *   ParamList *ps = optim_params(opt);
 *   printf("%d tensors, first %s\n", ps->n, ps->names[0]); */
ParamList *optim_params(Optimizer *opt);
/* The name of the algorithm: "SGD", "Adam", "AdamW", "RMSprop", "Adagrad",
 * like type(opt).__name__.
 * Arguments: the optimizer.
 * Returns a static string.
 * Errors: none.
 * Example:
 *   printf("training with %s\n", optim_name(opt)); */
const char *optim_name(const Optimizer *opt);
/* Whether p points to an Optimizer (rather than, say, an optimizer's name:
 * nn_fit and nn_compile take either).
 * Arguments: any pointer (NULL allowed), e.g. an Optimizer * or a string.
 * Returns true for an Optimizer made by optim_sgd, optim_adam..., false for
 * NULL or a name string such as "adam".
 * Errors: none.
 * Example:
 *   bool yes = optim_is_optimizer(optim_adam(nn_parameters(net)));   // true */
bool optim_is_optimizer(const void *p);
/* The optimizer's state as named live tensors (see the top of this file):
 * save them to checkpoint; copy values into them to restore. Like
 * opt.state_dict() (nn_save(model, path, .optimizer = opt) does it for you).
 * Arguments: the optimizer.
 * Returns a new ParamList: "lr", "step", then "<i>.<buffer>" for each
 * parameter i; the tensors are the optimizer's own (not copies), on the
 * parameters' devices except "lr" and "step" (CPU, float64).
 * Errors: none.
 * Example:
 *   ParamList *st = optim_state(opt);
 *   for (int i = 0; i < st->n; i++)
 *       printf("%s %s\n", st->names[i], tensor_shape_str(st->tensors[i])); */
ParamList *optim_state(Optimizer *opt);

/* ---- learning-rate schedulers ------------------------------------------- */

/* lr = initial lr * gamma^(epoch / step_size) (gamma 0 means 0.1). Call
 * optim_scheduler_step once per epoch, after the epoch's optim_steps.
 * torch.optim.lr_scheduler.StepLR.
 * Arguments: the optimizer, step_size (> 0 epochs between decays), gamma
 * (the factor, 0 for the default 0.1).
 * Returns a new Scheduler; the lr is multiplied by gamma every step_size
 * optim_scheduler_step calls.
 * Errors: ValueError for step_size <= 0.
 * Example:
 *   Scheduler *sched = optim_step_lr(opt, 30, 0.1);   // lr / 10 every 30 epochs */
Scheduler *optim_step_lr(Optimizer *opt, int step_size, double gamma);
/* lr = initial lr * gamma^epoch, like torch.optim.lr_scheduler.ExponentialLR.
 * Arguments: the optimizer and gamma (> 0; there is no default: 0 is an error).
 * Returns a new Scheduler; each optim_scheduler_step multiplies the lr by gamma.
 * Errors: ValueError for gamma <= 0.
 * Example:
 *   Scheduler *sched = optim_exponential_lr(opt, 0.95); */
Scheduler *optim_exponential_lr(Optimizer *opt, double gamma);
/* lr = eta_min + (initial - eta_min) (1 + cos(pi epoch / t_max)) / 2
 * (PyTorch's recursive form, identical while epoch <= t_max).
 * torch.optim.lr_scheduler.CosineAnnealingLR.
 * Arguments: the optimizer, t_max (> 0, epochs of the half cosine) and
 * eta_min (the lr reached at epoch t_max, often 0).
 * Returns a new Scheduler; after t_max epochs the lr climbs back, as in PyTorch.
 * Errors: ValueError for t_max <= 0.
 * Example:
 *   Scheduler *sched = optim_cosine_annealing_lr(opt, 50, 1e-5);
 *   for (int epoch = 0; epoch < 50; epoch++) {
 *       // ... the epoch's batches: optim_zero_grad, backward, optim_step ...
 *       optim_scheduler_step(sched);
 *   } */
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
 * optim_scheduler_step_metric(s, val_loss). torch.optim.lr_scheduler.ReduceLROnPlateau.
 * Arguments: the optimizer and options: .mode_max (the metric should
 * increase, e.g. accuracy; default: decrease), .factor (default 0.1),
 * .patience (default 10), .threshold (default 1e-4, relative), .cooldown
 * (default 0), .min_lr (default 0), .eps (default 1e-8).
 * Returns a new Scheduler: after more than patience epochs without an
 * improvement the lr becomes max(lr * factor, min_lr).
 * Errors: ValueError for a factor outside [0, 1).
 * Example:
 *   Scheduler *plateau = optim_reduce_lr_on_plateau(opt, .factor = 0.5,
 *                                                   .patience = 5); */
#define optim_reduce_lr_on_plateau(opt, ...) optim_reduce_lr_on_plateau_(opt, &(PlateauOptions){ __VA_ARGS__ })
Scheduler *optim_reduce_lr_on_plateau_(Optimizer *opt, const PlateauOptions *options);

/* Advances the schedule by one epoch and sets the optimizer's lr, like
 * scheduler.step(); call it once per epoch, after that epoch's optim_steps.
 * Arguments: a scheduler of optim_step_lr, optim_exponential_lr or
 * optim_cosine_annealing_lr.
 * Returns nothing; optim_get_lr(opt) is the new lr.
 * Errors: ValueError for a ReduceLROnPlateau scheduler (it needs the metric:
 * optim_scheduler_step_metric), or when the new lr would be negative.
 * Example:
 *   optim_scheduler_step(sched);   // at the end of each epoch */
void optim_scheduler_step(Scheduler *s);
/* The same for ReduceLROnPlateau, with the epoch's metric, like
 * scheduler.step(val_loss).
 * Arguments: the scheduler and the epoch's value of the watched metric
 * (validation loss, or accuracy with .mode_max). Other schedulers ignore it
 * and take a plain optim_scheduler_step.
 * Returns nothing; the lr is reduced when the metric stopped improving.
 * Errors: none for ReduceLROnPlateau; for the others, as optim_scheduler_step.
 * Example:
 *   Evaluation *e = nn_evaluate(net, .x = x_val, .y = y_val, .verbose = 0);
 *   optim_scheduler_step_metric(plateau, e->loss); */
void optim_scheduler_step_metric(Scheduler *s, double metric);
/* The lr the scheduler last set, like scheduler.get_last_lr()[0].
 * Arguments: the scheduler.
 * Returns its optimizer's current lr (the one set by the last step, unless
 * optim_set_lr changed it since).
 * Errors: none.
 * Example:
 *   printf("lr now %g\n", optim_scheduler_get_lr(sched)); */
double optim_scheduler_get_lr(const Scheduler *s);
/* Epochs stepped so far, like scheduler.last_epoch.
 * Arguments: the scheduler.
 * Returns the number of optim_scheduler_step / _step_metric calls.
 * Errors: none.
 * Example:
 *   int64_t done = optim_scheduler_epoch(sched); */
int64_t optim_scheduler_epoch(const Scheduler *s);

#endif
