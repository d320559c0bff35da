/* Internals of the optimizers: one struct for all algorithms, with state
 * buffers allocated up front (so optim_state is complete and stable); the
 * update itself is a backend op over the parameter list (device/ops.h). */
#ifndef COURSDL_OPTIM_INTERNAL_H
#define COURSDL_OPTIM_INTERNAL_H

#include "../device/backend.h"

#define OPTIM_MAX_BUFS 3

/* The dispatcher of an algorithm's step (dev_adam_step...). */
typedef void (*StepFn)(OptimArgs *a);

/* First bytes of every Optimizer: tells one from a name string (nn_fit's .optimizer). */
#define OPTIM_MAGIC "\x7f" "OPTIM!"

struct Optimizer {
    char magic[8];  /* OPTIM_MAGIC */
    const char *name;
    ParamList *params;
    Tensor *lr;     /* 0-dim float64 */
    Tensor *steps;  /* (n params) float64: per-parameter step counts */
    int nbuf;
    double buf_init;  /* the buffers' starting value */
    const char *bufnames[OPTIM_MAX_BUFS];
    Tensor **bufs;  /* n params * nbuf */
    StepFn step;
    int64_t step_calls;
    OptimHyper h;   /* hyper-parameters, defaults applied (h.lr is set from lr at each step) */
};

/* A new optimizer over params with the named buffers (zeros, or init). */
Optimizer *optim_new(const char *name, ParamList *params, double lr, int nbuf, const char *const *bufnames,
                     double buf_init, StepFn step);
/* x == 0 -> dflt; OPTIM_ZERO -> 0. */
static inline double optim_or(double v, double dflt) { return v == 0 ? dflt : v < 1e-200 && v > 0 ? 0 : v; }
static inline double optim_lr(const Optimizer *o) { return *(double *)t_ptr(o->lr); }

#endif
