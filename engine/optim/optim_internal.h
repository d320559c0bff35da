/* Internals of the optimizers: one struct for all algorithms, with state
 * buffers allocated up front (so optim_state is complete and stable) and an
 * update function run on contiguous CPU float buffers. */
#ifndef COURSDL_OPTIM_INTERNAL_H
#define COURSDL_OPTIM_INTERNAL_H

#include "../core/vec_target.h"
#include "../tensor/internal.h"

#define OPTIM_MAX_BUFS 3

/* The update loops: AVX2 clone where the CPU has it, O3 and no errno on
 * sqrt so that they vectorize (training speed depends on them). */
#define OPTIM_VEC __attribute__((target_clones(CDL_VEC_TARGET, "default")))

/* Updates n elements of parameter p (float or double per dtype) from g,
 * with the parameter's buffers bufs and its step count (already
 * incremented). */
typedef void (*UpdateFn)(Optimizer *o, DType dtype, int64_t n, void *p, const void *g, void **bufs, double step);

struct Optimizer {
    const char *name;
    ParamList *params;
    Tensor *lr;     /* 0-dim float64 */
    Tensor *steps;  /* (n params) float64: per-parameter step counts */
    int nbuf;
    const char *bufnames[OPTIM_MAX_BUFS];
    Tensor **bufs;  /* n params * nbuf */
    UpdateFn update;
    int64_t step_calls;
    /* hyper-parameters (defaults applied) */
    double momentum, dampening, weight_decay, beta1, beta2, eps, alpha, lr_decay;
    bool nesterov, maximize, amsgrad, centered, decoupled;
};

/* A new optimizer over params with the named buffers (zeros, or init). */
Optimizer *optim_new(const char *name, ParamList *params, double lr, int nbuf, const char *const *bufnames,
                     double buf_init, UpdateFn update);
/* x == 0 -> dflt; OPTIM_ZERO -> 0. */
static inline double optim_or(double v, double dflt) { return v == 0 ? dflt : v < 1e-200 && v > 0 ? 0 : v; }
static inline double optim_lr(const Optimizer *o) { return *(double *)t_ptr(o->lr); }

#endif
