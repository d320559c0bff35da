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
