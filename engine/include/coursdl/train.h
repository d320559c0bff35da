/* Keras-style training: nn_compile (optimizer, loss, metrics) then nn_fit /
 * nn_evaluate / nn_predict on a model, with a live progress bar and a
 * Keras-like line per epoch, a History of the per-epoch losses and metrics
 * (for plt_history_of), and callbacks (early stopping, best checkpoint).
 * Keras's model.compile / fit / evaluate, line by line:
 *     nn_compile(model, .optimizer = "adam", .loss = "sparse_categorical_crossentropy", .metrics = "accuracy");
 *     History *history = nn_fit(model, .x = x_train, .y = y_train, .epochs = 5, .batch_size = 32,
 *                               .val_x = x_test, .val_y = y_test);
 *     Evaluation *e = nn_evaluate(model, .x = x_test, .y = y_test);   e->loss, e->accuracy
 * or everything in nn_fit, PyTorch style:
 *     nn_fit(model, .x = X, .y = y, .optimizer = optim_adam(nn_parameters(model), .lr = 1e-3),
 *            .loss = "cross_entropy", .metrics = "accuracy", .validation_split = 0.2);
 * Loss names mean what Keras or PyTorch means (see nn_loss in nn.h): Keras's
 * cross-entropies take probabilities (a model ending with nn_softmax) unless
 * .from_logits = true; "cross_entropy" takes logits. When the model's last
 * layer and the loss disagree, a UserWarning (once) says how to fix it.
 * Same seed, same numbers. */
#ifndef COURSDL_TRAIN_H
#define COURSDL_TRAIN_H

#include <stdint.h>
#include <stdbool.h>
#include "tensor.h"
#include "nn.h"
#include "optim.h"
#include "data.h"

/* nn_fit / nn_evaluate put their default .verbose = 1 (Keras's) before your
 * options, so that .verbose = 0 means silent: GCC and Clang would warn that
 * the field is initialised twice, which is the point here. */
#if defined(__clang__)
#pragma clang diagnostic ignored "-Winitializer-overrides"
#elif defined(__GNUC__) && !defined(__TINYC__)
#pragma GCC diagnostic ignored "-Woverride-init"
#endif

typedef struct History History;
typedef struct Callback Callback;

/* A loss as a function: loss = f(prediction, target), a 0-dim tensor. */
typedef Tensor *(*LossFn)(Tensor *pred, Tensor *target);

/* A NULL-terminated list of callbacks for nn_fit's .callbacks, like Keras's
 * callbacks=[cb1, cb2]: .callbacks = CALLBACKS(cb1, cb2).
 * Arguments: one or more Callback * (callbacks_early_stopping,
 * callbacks_model_checkpoint).
 * Returns a NULL-terminated array of them (a compound literal: it lives until
 * the end of the enclosing block, so build it inside the nn_fit call).
 * Errors: none (a callback's own checks run when nn_fit starts).
 * Example:
 *   History *h = nn_fit(net, .x = X, .y = y, .epochs = 50, .validation_split = 0.2,
 *       .callbacks = CALLBACKS(callbacks_early_stopping(.patience = 5))); */
#define CALLBACKS(...) ((Callback *[]){ __VA_ARGS__, NULL })

/* Options of nn_compile: what nn_fit and nn_evaluate use unless told otherwise. */
typedef struct CompileOptions {
    const void *optimizer;  /* an optimizer's name, "adam", "sgd", "rmsprop", "adamw" or "adagrad" (made
                               with Keras's defaults when training starts), or an Optimizer *
                               (optim_adam(nn_parameters(model), .lr = 1e-3)) */
    const char *loss;       /* a loss name (nn_loss in nn.h): "sparse_categorical_crossentropy", "mse"... */
    LossFn loss_fn;         /* or your own loss function (overrides .loss) */
    bool from_logits;       /* Keras's cross-entropies: the model outputs logits (no final softmax) */
    const char *metrics;    /* "accuracy", "mae", "mse", or a list: "accuracy,mae" */
} CompileOptions;

/* Keras's model.compile: the optimizer, loss and metrics that nn_fit and
 * nn_evaluate use: nn_compile(model, .optimizer = "adam", .loss =
 * "sparse_categorical_crossentropy", .metrics = "accuracy"). An optimizer
 * given by name is made at the first nn_fit (after lazy layers have their
 * sizes) and kept by later fits, like Keras. Compiling again replaces it all.
 * Arguments: the model and options: .optimizer (a name, "adam", "sgd",
 * "rmsprop", "adamw" or "adagrad", with Keras's defaults, e.g. Adam lr 1e-3,
 * or an Optimizer *; default: none, so nn_fit uses Adam lr 1e-3), .loss (a
 * name of nn_loss) or .loss_fn (your own function, overrides .loss),
 * .from_logits, .metrics ("accuracy", "mae", "mse", or a comma list).
 * Returns nothing; the settings are kept on the model. A loss that does not
 * fit the model's last layer prints a UserWarning (once) with the fix.
 * Errors: ValueError for an unknown loss, metric or optimizer name, or
 * .from_logits with a loss that takes no logits; TypeError when .optimizer
 * is neither a name nor an Optimizer *.
 * Example:
 *   nn_compile(net, .optimizer = "adam", .loss = "sparse_categorical_crossentropy",
 *              .metrics = "accuracy"); */
#define nn_compile(model, ...) nn_compile_((model), &(CompileOptions){ __VA_ARGS__ })
void nn_compile_(Module *model, const CompileOptions *options);

/* Options of nn_fit; zero means default (or nn_compile's setting). */
typedef struct FitOptions {
    Tensor *x, *y;            /* training data (samples along dim 0) ... */
    DataLoader *loader;       /* ... or a loader (then batch_size/shuffle are the loader's) */
    int epochs;               /* default 1 */
    int64_t batch_size;       /* default 32 */
    const void *optimizer;    /* an Optimizer * or a name (see CompileOptions); default: nn_compile's,
                                 else Adam (lr 1e-3) over the model's parameters */
    const char *loss;         /* a loss name (see nn_loss); default: nn_compile's, else chosen from the
                                 targets and the last layer: class indices -> "cross_entropy" (or
                                 "sparse_categorical_crossentropy" after a softmax), one-hot rows ->
                                 "categorical_crossentropy" (logits or probabilities), others -> "mse" */
    LossFn loss_fn;           /* or your own loss function (overrides .loss) */
    bool from_logits;         /* Keras's cross-entropies: the model outputs logits */
    const char *metrics;      /* "accuracy", "mae", "mse" or a list ("accuracy,mae") */
    double validation_split;  /* the last fraction of x/y held out for validation (like Keras) */
    Tensor *val_x, *val_y;    /* validation data (validation_data=(val_x, val_y)) ... */
    DataLoader *val_loader;   /* ... or a validation loader */
    bool no_shuffle;          /* keep the order of x/y (default: shuffled every epoch) */
    uint64_t seed;            /* seed of the shuffling (default: drawn from the default generator, so
                                 manual_seed fixes it, like tf.random.set_seed / torch.manual_seed) */
    Callback **callbacks;     /* CALLBACKS(callbacks_early_stopping(...), ...) */
    int verbose;              /* as Keras: 1 (default) a progress bar that becomes the epoch's line,
                                 2 one line per epoch, 0 (or -1) silent */
} FitOptions;

/* Trains model; returns the per-epoch History. The first epoch's line names the loss used.
 * Arguments: the model and options: the data (.x and .y, or .loader), the
 * .loss (a Keras or PyTorch name; default: from the targets and the last
 * layer), .optimizer (a name such as "adam" or an Optimizer *; default Adam),
 * .epochs, .batch_size, .metrics ("accuracy"), .validation_split, .verbose ...
 * Settings given to nn_compile are used when not given here.
 * Returns the History (Out[n] shows a table of epochs x metrics;
 * plt_history_of(h) plots it).
 * Errors: ShapeError when x and y do not have the same number of samples.
 * Example:
 *   History *h = nn_fit(net, .x = X, .y = y, .epochs = 10, .metrics = "accuracy");
 *   h */
#define nn_fit(model, ...) nn_fit_((model), &(FitOptions){ .verbose = 1, __VA_ARGS__ })
History *nn_fit_(Module *model, const FitOptions *options);

/* Result of nn_evaluate (NaN for what was not computed). */
typedef struct Evaluation {
    double loss;
    double accuracy;  /* classification losses, or when metrics has "accuracy" */
    double mae;       /* when metrics has "mae" */
    double mse;       /* when metrics has "mse" */
    int64_t samples;
} Evaluation;

/* Loss (and metrics) of model on data, in eval mode, without grad, with
 * nn_compile's loss and metrics unless given, like Keras's model.evaluate:
 * Evaluation *e = nn_evaluate(model, .x = Xt, .y = yt); e->accuracy.
 * Arguments: the model and options (FitOptions): .x and .y (same number of
 * samples) or .loader, .batch_size (default 32), .loss / .loss_fn /
 * .from_logits, .metrics, .verbose (1, the default: a progress bar that
 * becomes the result line; 2 the line only; 0 or -1 silent); the others are
 * ignored.
 * Returns a new Evaluation: the mean loss, accuracy (for classification
 * losses or with "accuracy"), mae, mse (with those metrics), NaN for what was
 * not computed, and samples; Out[n] shows "loss: ... - accuracy: ...
 * (N samples)". The model's training mode is restored afterwards.
 * Errors: ValueError without .x/.y or .loader, for an unknown loss or metric,
 * or a verbose outside -1..2; ShapeError when x and y do not have the same
 * number of samples.
 * Example:
 *   Evaluation *e = nn_evaluate(net, .x = x_test, .y = y_test, .verbose = 0);
 *   printf("test accuracy: %.3f\n", e->accuracy); */
#define nn_evaluate(model, ...) nn_evaluate_((model), &(FitOptions){ .verbose = 1, __VA_ARGS__ })
Evaluation *nn_evaluate_(Module *model, const FitOptions *options);

/* Options of nn_predict; zero means default. */
typedef struct PredictOptions {
    int64_t batch_size;  /* default 32 */
} PredictOptions;

/* The model's outputs for x, batch by batch, in eval mode without grad
 * (the model's training mode is restored after); x is converted to the
 * model's dtype (uint8 pixels stay 0..255: scale them first). Like Keras's
 * model.predict.
 * Arguments: the model, x (samples along dim 0), and the option .batch_size
 * (default 32).
 * Returns a new tensor of the outputs of every sample, in order (batches
 * concatenated along dim 0), on the model's device, not recorded for autograd.
 * Errors: ShapeError for a 0-dim x; the model's own errors (e.g. ShapeError
 * when x's sample shape does not fit its first layer).
 * Example:
 *   Tensor *probs = nn_predict(net, x_test, .batch_size = 256);
 *   Tensor *labels = tensor_argmax_dim(probs, 1, false); */
#define nn_predict(model, x, ...) nn_predict_((model), (x), &(PredictOptions){ __VA_ARGS__ })
Tensor *nn_predict_(Module *model, Tensor *x, const PredictOptions *options);

/* ---- History ------------------------------------------------------------------ */

/* Number of epochs recorded, like len(history.history["loss"]) in Keras
 * (fewer than .epochs when early stopping stopped training).
 * Arguments: the History returned by nn_fit.
 * Returns the number of epochs, >= 0.
 * Errors: none.
 * Example:
 *   History *h = nn_fit(net, .x = X, .y = y, .epochs = 20, .verbose = 0);
 *   printf("%d epochs\n", history_epochs(h)); */
int history_epochs(const History *h);
/* The per-epoch values of a quantity ("loss", "accuracy", "val_loss",
 * "val_accuracy", "mae"...), history_epochs(h) doubles; NULL if absent.
 * Keras's history.history["loss"].
 * Arguments: the History and the quantity's name: "loss", "accuracy" (with
 * a classification loss or that metric), "mae", "mse" (with those metrics),
 * and the same with "val_" when nn_fit had validation data.
 * Returns a read-only array of history_epochs(h) doubles, index 0 for the
 * first epoch, owned by the History; NULL when it has no such quantity.
 * Errors: ValueError for a NULL name.
 * Example:
 *   const double *loss = history_get(h, "loss");
 *   for (int e = 0; e < history_epochs(h); e++) printf("%d %.4f\n", e + 1, loss[e]); */
const double *history_get(const History *h, const char *name);
/* The last value of a quantity (NaN if absent), like
 * history.history["val_accuracy"][-1] in Keras.
 * Arguments: the History and the quantity's name ("loss", "val_accuracy"...).
 * Returns its value at the last recorded epoch; NaN when the History has no
 * such quantity or no epoch.
 * Errors: ValueError for a NULL name.
 * Example:
 *   printf("final val accuracy: %.3f\n", history_last(h, "val_accuracy")); */
double history_last(const History *h, const char *name);
/* Number of quantities and the name of the i-th one, like the keys of
 * Keras's history.history.
 * Arguments: the History; for history_key, i in [0, history_num_keys(h)).
 * Returns the number of quantities (loss first, then the metrics, then the
 * val_ ones); history_key returns a name owned by the History.
 * Errors: IndexError for an i out of range.
 * Example:
 *   for (int i = 0; i < history_num_keys(h); i++)
 *       printf("%s: %.4f\n", history_key(h, i), history_last(h, history_key(h, i))); */
int history_num_keys(const History *h);
const char *history_key(const History *h, int i);
/* Epoch (from 1) at which early stopping stopped training, or 0, like
 * Keras's EarlyStopping.stopped_epoch (which counts from 0).
 * Arguments: the History returned by nn_fit.
 * Returns the epoch number, from 1, or 0 when training ran all its epochs.
 * Errors: none.
 * Example:
 *   History *h = nn_fit(net, .x = X, .y = y, .epochs = 100, .validation_split = 0.2,
 *                       .callbacks = CALLBACKS(callbacks_early_stopping(.patience = 5)));
 *   if (history_stopped_epoch(h)) printf("stopped at %d\n", history_stopped_epoch(h)); */
int history_stopped_epoch(const History *h);
/* Options of plt_history_of; zero means default. */
typedef struct HistoryPlotOptions {
    bool logy;            /* losses (and mae / mse) on a log scale */
    const char *title;    /* a title above the panels */
    const char *metrics;  /* only these quantities, e.g. "loss,accuracy" (default: all, one panel per
                             quantity with its val_ curve) */
} HistoryPlotOptions;
/* The training curves of a History: one panel per quantity (loss, accuracy,
 * mae, mse...) with its validation curve: plt_history_of(h),
 * plt_history_of(h, .logy = true). Keras users plot history.history by hand.
 * Arguments: the History and options: .logy (losses, mae and mse on a log
 * scale), .title (above the panels), .metrics (a comma list of the
 * quantities to show; default all).
 * Returns nothing; draws a new figure of subplots (epochs on the x axis),
 * shown at the end of the cell.
 * Errors: ValueError for a History without epochs, for .metrics naming none
 * of its quantities, or for .logy with a value <= 0.
 * Example:
 *   History *h = nn_fit(net, .x = X, .y = y, .epochs = 30, .validation_split = 0.2);
 *   plt_history_of(h, .metrics = "loss,accuracy"); */
#define plt_history_of(h, ...) plt_history_of_((h), &(HistoryPlotOptions){ __VA_ARGS__ })
void plt_history_of_(const History *h, const HistoryPlotOptions *options);

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
 * .restore_best_weights = true). Keras's EarlyStopping.
 * Arguments: options: .monitor (default "val_loss", or "loss" without
 * validation data), .patience (>= 0; 0 means the default 3), .min_delta (the
 * smallest change that counts, default 0), .mode_max (default: true for a
 * name containing "acc"), .restore_best_weights (put the best epoch's
 * weights back at the end).
 * Returns a new Callback for nn_fit's .callbacks = CALLBACKS(...);
 * history_stopped_epoch tells where it stopped.
 * Errors: ValueError for a negative patience; then in nn_fit, ValueError when
 * it monitors a "val_" quantity without validation data, or a quantity the
 * History does not have.
 * Example:
 *   Callback *stop = callbacks_early_stopping(.monitor = "val_loss", .patience = 5,
 *                                             .restore_best_weights = true);
 *   nn_fit(net, .x = X, .y = y, .epochs = 100, .validation_split = 0.2,
 *          .callbacks = CALLBACKS(stop)); */
#define callbacks_early_stopping(...) callbacks_early_stopping_(&(CallbackOptions){ __VA_ARGS__ })
Callback *callbacks_early_stopping_(const CallbackOptions *options);
/* Saves the model (nn_save) to path whenever the monitored value improves:
 * callbacks_model_checkpoint("best.safetensors", .monitor = "val_accuracy").
 * Keras's ModelCheckpoint(save_best_only=True).
 * Arguments: the file path (safetensors, replaced at each save) and options:
 * .monitor (default "val_loss", or "loss" without validation data),
 * .min_delta, .mode_max (default: true for a name containing "acc"),
 * .save_all (save after every epoch, not only improvements).
 * Returns a new Callback for nn_fit's .callbacks; the file's metadata note
 * says the epoch and value ("epoch 7, val_accuracy = 0.981");
 * nn_load(net, path) loads the weights back.
 * Errors: ValueError for a NULL or empty path; then in nn_fit, ValueError for
 * a monitored quantity that is missing (as callbacks_early_stopping), and
 * IOError when the file cannot be written.
 * Example:
 *   nn_fit(net, .x = X, .y = y, .epochs = 20, .val_x = x_test, .val_y = y_test,
 *          .callbacks = CALLBACKS(callbacks_model_checkpoint("best.safetensors",
 *                                     .monitor = "val_accuracy"))); */
#define callbacks_model_checkpoint(path, ...) callbacks_model_checkpoint_((path), &(CallbackOptions){ __VA_ARGS__ })
Callback *callbacks_model_checkpoint_(const char *path, const CallbackOptions *options);

#endif
