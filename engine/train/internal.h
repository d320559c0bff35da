/* Training internals: History storage and callback state, shared by fit,
 * history and callbacks. */
#ifndef COURSDL_TRAIN_INTERNAL_H
#define COURSDL_TRAIN_INTERNAL_H

#include "coursdl.h"
#include "coursdl/train.h"

#define HISTORY_MAX_KEYS 16

struct History {
    int epochs, cap, n_keys, stopped_epoch;
    char *keys[HISTORY_MAX_KEYS];
    double *values[HISTORY_MAX_KEYS];  /* cap doubles each */
};

/* nn_compile's settings, kept on the model (nn/container.c stores the pointer). */
typedef struct Compiled {
    const void *optimizer_spec;  /* a name or an Optimizer *, as given */
    Optimizer *optimizer;        /* the one in use (made from a name at the first nn_fit) */
    const char *loss;
    LossFn loss_fn;
    bool from_logits;
    const char *metrics;
    bool warned;                 /* the last-layer / loss warning was given */
} Compiled;
void *nn_compiled_state(Module *m);
void nn_set_compiled_state(Module *m, void *state);

/* What the model's output is, from its last layer or its output's grad_fn. */
typedef enum OutKind { OUT_UNKNOWN, OUT_SOFTMAX, OUT_SIGMOID, OUT_LOG_SOFTMAX, OUT_OTHER } OutKind;

/* Everything a pass needs: the loss (by name or function), metrics, device and dtype of the model. */
typedef struct Setup {
    const char *fn;          /* "nn_fit" / "nn_evaluate" */
    const char *loss_name;   /* canonical name, or "custom loss" */
    LossFn loss_fn;
    LossInfo info;           /* of loss_name (zeroed for a custom loss) */
    bool from_logits;
    bool acc, mae, mse;
    bool check_output;       /* check the first batch's output kind (user modules) */
    bool *warned;            /* where "warned once" is kept */
    Device device;
    DType dtype;
} Setup;

/* Resolves loss, metrics, device and dtype; y is the targets (or one batch's) for choosing a default loss. */
Setup train_setup(Module *model, const FitOptions *o, Compiled *c, Tensor *y, const char *fn);
/* The warning for a loss that does not fit the model's output (once); out from the first batch when needed. */
void train_check_output(Setup *s, OutKind out, const char *layer);
OutKind train_out_kind_of_grad_fn(const char *name);
/* Sets s->acc / mae / mse from a metrics list (ValueError naming the accepted ones). */
void train_parse_metrics(const char *m, Setup *s);
/* The optimizer from a name or an Optimizer * (NULL: none given; model NULL: only check the name). */
Optimizer *train_optimizer(const void *spec, Module *model, const char *fn);
/* A string copy in GC memory (NULL stays NULL). */
const char *train_strdup(const char *s);

/* A new empty History. */
History *history_new(void);
/* Records value for key at epoch (0-based); epochs grows to epoch + 1. */
void history_put(History *h, int epoch, const char *key, double value);

enum { CB_EARLY_STOPPING = 1, CB_CHECKPOINT };

struct Callback {
    int kind;
    CallbackOptions o;
    const char *monitor, *path;
    double best;
    int wait;
    ParamList *best_weights;  /* restore_best_weights: copies of the best epoch's state */
};

/* Runs callbacks after an epoch; returns true when training must stop. */
bool callbacks_epoch_end(Callback **cbs, Module *model, History *h, int epoch, bool has_val);
/* Resets callback state at the start of nn_fit. */
void callbacks_begin(Callback **cbs, bool has_val);
/* At the end of nn_fit (restores best weights). */
void callbacks_end(Callback **cbs, Module *model);

#endif
