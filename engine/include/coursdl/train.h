/* Keras-style training: nn_fit / nn_evaluate / nn_predict on a model, with
 * a live progress bar and a Keras-like line per epoch, a History of the
 * per-epoch losses and metrics (for plt_history_of), and callbacks (early
 * stopping, best checkpoint):
 *     History *h = nn_fit(model, .x = X, .y = y, .epochs = 10, .batch_size = 32,
 *                         .optimizer = optim_adam(nn_parameters(model), .lr = 1e-3),
 *                         .loss = "cross_entropy", .metrics = "accuracy", .validation_split = 0.2);
 * Same seed, same numbers. */
#ifndef COURSDL_TRAIN_H
#define COURSDL_TRAIN_H

#include <stdint.h>
#include <stdbool.h>
#include "tensor.h"
#include "nn.h"
#include "optim.h"
#include "data.h"

typedef struct History History;
typedef struct Callback Callback;

/* A loss as a function: loss = f(prediction, target), a 0-dim tensor. */
typedef Tensor *(*LossFn)(Tensor *pred, Tensor *target);

/* A NULL-terminated list of callbacks: .callbacks = CALLBACKS(cb1, cb2). */
#define CALLBACKS(...) ((Callback *[]){ __VA_ARGS__, NULL })

/* Options of nn_fit; zero means default. */
typedef struct FitOptions {
    Tensor *x, *y;            /* training data (samples along dim 0) ... */
    DataLoader *loader;       /* ... or a loader (then batch_size/shuffle are the loader's) */
    int epochs;               /* default 1 */
    int64_t batch_size;       /* default 32 */
    Optimizer *optimizer;     /* default: Adam (lr 1e-3) over the model's parameters */
    const char *loss;         /* "cross_entropy" (default for int64 y), "mse" (default otherwise),
                                 "bce_with_logits", "bce", "l1" */
    LossFn loss_fn;           /* or your own loss function (overrides .loss) */
    const char *metrics;      /* "accuracy", "mae", "mse" or a comma list ("accuracy,mae") */
    double validation_split;  /* the last fraction of x/y held out for validation (like Keras) */
    Tensor *val_x, *val_y;    /* validation data (validation_data=(val_x, val_y)) ... */
    DataLoader *val_loader;   /* ... or a validation loader */
    bool no_shuffle;          /* keep the order of x/y (default: shuffled every epoch) */
    uint64_t seed;            /* seed of the shuffling */
    Callback **callbacks;     /* CALLBACKS(callbacks_early_stopping(...), ...) */
    int verbose;              /* 0/1: progress bar + one line per epoch; 2: lines only; -1: silent */
} FitOptions;

/* Trains model; returns the per-epoch History.
 * Arguments: the model and options: the data (.x and .y, or .loader), the
 * .loss (by name: "cross_entropy" for int64 y, else "mse"), .optimizer (default Adam),
 * .epochs, .batch_size, .metrics ("accuracy"), .validation_split ...
 * Returns the History (Out[n] shows a table of epochs x metrics;
 * plt_history_of(h) plots it).
 * Errors: ShapeError when x and y do not have the same number of samples.
 * Example:
 *   History *h = nn_fit(net, .x = X, .y = y, .epochs = 10, .metrics = "accuracy");
 *   h */
#define nn_fit(model, ...) nn_fit_((model), &(FitOptions){ __VA_ARGS__ })
History *nn_fit_(Module *model, const FitOptions *options);

/* Result of nn_evaluate (NaN for what was not computed). */
typedef struct Evaluation {
    double loss;
    double accuracy;  /* classification losses, or when metrics has "accuracy" */
    double mae;       /* when metrics has "mae" */
    double mse;       /* when metrics has "mse" */
    int64_t samples;
} Evaluation;

/* Loss (and metrics) of model on data, in eval mode, without grad:
 * Evaluation *e = nn_evaluate(model, .x = Xt, .y = yt, .metrics = "accuracy"); e->accuracy.
 * Uses x/y or loader, batch_size, loss/loss_fn, metrics and verbose of FitOptions. */
#define nn_evaluate(model, ...) nn_evaluate_((model), &(FitOptions){ __VA_ARGS__ })
Evaluation *nn_evaluate_(Module *model, const FitOptions *options);

/* Options of nn_predict; zero means default. */
typedef struct PredictOptions {
    int64_t batch_size;  /* default 32 */
} PredictOptions;

/* The model's outputs for x, batch by batch, in eval mode without grad
 * (the model's training mode is restored after). */
#define nn_predict(model, x, ...) nn_predict_((model), (x), &(PredictOptions){ __VA_ARGS__ })
Tensor *nn_predict_(Module *model, Tensor *x, const PredictOptions *options);

/* ---- History ------------------------------------------------------------------ */

/* Number of epochs recorded. */
int history_epochs(const History *h);
/* The per-epoch values of a quantity ("loss", "accuracy", "val_loss",
 * "val_accuracy", "mae"...), history_epochs(h) doubles; NULL if absent. */
const double *history_get(const History *h, const char *name);
/* The last value of a quantity (NaN if absent). */
double history_last(const History *h, const char *name);
/* Number of quantities and the name of the i-th one. */
int history_num_keys(const History *h);
const char *history_key(const History *h, int i);
/* Epoch (from 1) at which early stopping stopped training, or 0. */
int history_stopped_epoch(const History *h);
/* Plots loss / val_loss and accuracy / val_accuracy curves with plt_history. */
void plt_history_of(const History *h);

/* ---- callbacks ------------------------------------------------------------------ */

/* Options of the callbacks; zero means default. */
typedef struct CallbackOptions {
    const char *monitor;       /* default "val_loss" ("loss" without validation data) */
    int patience;              /* early stopping: epochs without improvement (default 3) */
    double min_delta;          /* smallest change that counts as an improvement */
    bool mode_max;             /* the monitored value should increase (default: true for names with "acc") */
    bool restore_best_weights; /* early stopping: put back the best epoch's weights at the end */
    bool save_all;             /* checkpoint: save every epoch (default: only improvements) */
} CallbackOptions;

/* Stops training when the monitored value has not improved for patience
 * epochs (default patience 3): callbacks_early_stopping(.patience = 5,
 * .restore_best_weights = true). */
#define callbacks_early_stopping(...) callbacks_early_stopping_(&(CallbackOptions){ __VA_ARGS__ })
Callback *callbacks_early_stopping_(const CallbackOptions *options);
/* Saves the model (nn_save) to path whenever the monitored value improves:
 * callbacks_model_checkpoint("best.safetensors", .monitor = "val_accuracy"). */
#define callbacks_model_checkpoint(path, ...) callbacks_model_checkpoint_((path), &(CallbackOptions){ __VA_ARGS__ })
Callback *callbacks_model_checkpoint_(const char *path, const CallbackOptions *options);

#endif
