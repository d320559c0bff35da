/* nn_fit / nn_evaluate / nn_predict: Keras's loop over PyTorch-style
 * modules. One pass function serves training and evaluation, so the
 * History's values and nn_evaluate's agree. Inputs are cast to the model's
 * dtype (like Keras); lazy layers get their sizes from the first batch
 * before an optimizer given by name is made. */
#include "internal.h"
#include "../core/args.h"

#include <gc.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static Tensor *as_input(Tensor *x, const Setup *s)
{
    if (tensor_dtype(x) != s->dtype) x = tensor_to_dtype(x, s->dtype);
    return tensor_to_device(x, s->device);
}

static Tensor *loss_of(const Setup *s, Tensor *pred, Tensor *y)
{
    if (!s->loss_fn)
        return nn_loss_(s->loss_name, pred, y, &(LossOptions){ .from_logits = s->from_logits });
    Tensor *l = s->loss_fn(pred, y);
    if (!l || tensor_numel(l) != 1)
        error_raise(ERR_VALUE, "%s: the loss function must return a one-element tensor (got %s)", s->fn,
                    l ? tensor_shape_str(l) : "NULL");
    return l;
}

static bool has_accuracy(const Setup *s) { return s->acc || s->info.classification; }

/* Correct predictions in a batch: a threshold for binary outputs, the arg-max otherwise. */
static int64_t correct(const Setup *s, Tensor *pred, Tensor *y)
{
    pred = tensor_detach(pred);
    y = tensor_detach(y);
    bool binary = s->info.binary || (!s->info.classification && (tensor_ndim(pred) == 1 ||
                                     (tensor_ndim(pred) == 2 && tensor_size(pred, 1) == 1)));
    Tensor *p, *t;
    if (binary) {
        double thr = s->info.input == LOSS_INPUT_LOGITS ? 0 : 0.5;
        p = tensor_long(tensor_gt_scalar(tensor_reshape(pred, -1), thr));
        t = tensor_long(tensor_gt_scalar(tensor_reshape(tensor_double(y), -1), 0.5));
    } else {
        p = metrics_labels(pred);
        t = y;
        if (tensor_ndim(y) == 2 && tensor_size(y, 1) > 1) t = tensor_argmax_dim(y, 1, false);  /* one-hot rows */
        t = tensor_long(tensor_reshape(t, -1));
    }
    if (tensor_numel(t) != tensor_numel(p)) return 0;
    return (int64_t)tensor_item(tensor_sum(tensor_eq(p, tensor_to_device(t, tensor_device(p)))));
}

typedef struct Sums { double loss, abs, sq; int64_t correct, n, elems; } Sums;

static void add_batch(Sums *u, const Setup *s, Tensor *pred, Tensor *y, Tensor *loss, int64_t n)
{
    u->loss += tensor_item(loss) * (double)n;
    u->n += n;
    if (has_accuracy(s)) u->correct += correct(s, pred, y);
    if (s->mae || s->mse) {
        Tensor *p = tensor_detach(pred), *t = tensor_detach(y);
        if (tensor_numel(t) == tensor_numel(p)) t = tensor_reshape_shape(t, tensor_ndim(p), tensor_shape(p));
        else if (tensor_ndim(p) == 2 && tensor_numel(t) == tensor_size(p, 0))  /* class indices: against one-hot rows */
            t = tensor_to_categorical(t, tensor_size(p, 1));
        Tensor *d = tensor_sub(p, tensor_to_dtype(t, tensor_dtype(p)));
        u->abs += tensor_item(tensor_sum(tensor_abs(d)));
        u->sq += tensor_item(tensor_sum(tensor_square(d)));
        u->elems += tensor_numel(d);
    }
}

/* The keys of a pass's numbers, in Keras's order. */
static void line_of(char *buf, size_t size, const Sums *u, const Setup *s, const char *prefix, bool name_loss)
{
    size_t at = strlen(buf);
    if (!u->n) return;
    at += (size_t)snprintf(buf + at, size - at, " - %sloss", prefix);
    if (name_loss && !*prefix) at += (size_t)snprintf(buf + at, size - at, " (%s)", s->loss_name);
    at += (size_t)snprintf(buf + at, size - at, ": %.4f", u->loss / (double)u->n);
    if (has_accuracy(s)) at += (size_t)snprintf(buf + at, size - at, " - %saccuracy: %.4f", prefix, (double)u->correct / (double)u->n);
    if (s->mae) at += (size_t)snprintf(buf + at, size - at, " - %smae: %.4f", prefix, u->abs / (double)u->elems);
    if (s->mse) snprintf(buf + at, size - at, " - %smse: %.4f", prefix, u->sq / (double)u->elems);
}

/* One pass over a loader: training when opt is not NULL. */
static Sums run_pass(Module *model, DataLoader *dl, Setup *s, Optimizer *opt, Progress *bar)
{
    Sums u = { 0 };
    for (Batch *b; (b = data_next(dl)); ) {
        if (!b->y) error_raise(ERR_VALUE, "%s: the batches have no targets y; give .y or a dataset with targets", s->fn);
        Tensor *x = as_input(b->x, s), *y = tensor_to_device(b->y, s->device);
        if (opt) {
            optim_zero_grad(opt);
            Tensor *pred = nn_forward(model, x);
            if (s->check_output) {  /* a user module: its output's grad_fn tells what it is */
                s->check_output = false;
                const char *gf = tensor_grad_fn_name(pred);
                OutKind k = train_out_kind_of_grad_fn(gf);
                train_check_output(s, k, k == OUT_SOFTMAX ? "a softmax" : k == OUT_SIGMOID ? "a sigmoid"
                                         : k == OUT_LOG_SOFTMAX ? "a log_softmax" : gf ? gf : "?");
            }
            Tensor *loss = loss_of(s, pred, y);
            tensor_backward(loss);
            optim_step(opt);
            add_batch(&u, s, pred, y, loss, b->size);
        } else {
            no_grad_enter();
            Tensor *pred = nn_forward(model, x);
            Tensor *loss = loss_of(s, pred, y);
            no_grad_exit();
            add_batch(&u, s, pred, y, loss, b->size);
        }
        if (bar) {
            progress_set_postfix(bar, "loss=%.4f", u.loss / (double)u.n);
            progress_update(bar, 1);
        }
    }
    return u;
}

static void record(History *h, int epoch, const char *prefix, const Sums *u, const Setup *s)
{
    char k[64];
    if (!u->n) return;
    snprintf(k, sizeof k, "%sloss", prefix);
    history_put(h, epoch, k, u->loss / (double)u->n);
    if (has_accuracy(s)) {
        snprintf(k, sizeof k, "%saccuracy", prefix);
        history_put(h, epoch, k, (double)u->correct / (double)u->n);
    }
    if (s->mae) { snprintf(k, sizeof k, "%smae", prefix); history_put(h, epoch, k, u->abs / (double)u->elems); }
    if (s->mse) { snprintf(k, sizeof k, "%smse", prefix); history_put(h, epoch, k, u->sq / (double)u->elems); }
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void check_xy(Tensor *x, Tensor *y, const char *fn)
{
    if (!x || !y) error_raise(ERR_VALUE, "%s: give .x and .y (or .loader)", fn);
    if (tensor_ndim(x) < 1 || tensor_ndim(y) < 1 || tensor_size(x, 0) != tensor_size(y, 0))
        error_raise(ERR_SHAPE, "%s: x has shape %s but y has shape %s; they need the same number of samples (dim 0)",
                    fn, tensor_shape_str(x), tensor_shape_str(y));
}

static void check_verbose(int v, const char *fn)
{
    if (v < -1 || v > 2)
        error_raise(ERR_VALUE, "%s: verbose is %d; give 0 (silent), 1 (progress bar and epoch lines) or 2 (epoch "
                    "lines only), as in Keras", fn, v);
}

/* Lazy layers get their sizes from the first batch (without consuming it). */
static void build_from(Module *model, DataLoader *dl, Setup *s)
{
    if (!nn_has_uninitialized_params(model)) return;
    Batch *b = data_peek(dl);
    if (!b) error_raise(ERR_VALUE, "%s: no data to give the lazy layers their sizes", s->fn);
    Tensor *x = b->x;
    if (tensor_ndim(x) < 2) error_raise(ERR_SHAPE, "%s: inputs of shape %s have no sample dims", s->fn, tensor_shape_str(x));
    nn_build_shape(model, tensor_ndim(x) - 1, tensor_shape(x) + 1);
    ParamList *ps = nn_parameters(model);
    s->dtype = ps->n ? tensor_dtype(ps->tensors[0]) : s->dtype;
}

History *nn_fit_(Module *model, const FitOptions *o)
{
    CDL_ARG_NAMED("nn_fit", model, "model");
    const char *fn = "nn_fit";
    check_verbose(o->verbose, fn);
    int epochs = o->epochs ? o->epochs : 1;
    int64_t bs = o->batch_size ? o->batch_size : 32;
    if (epochs < 0 || bs < 0) error_raise(ERR_VALUE, "nn_fit: epochs (%d) and batch_size (%lld) must be positive", epochs, (long long)bs);
    DataLoader *train = o->loader, *val = o->val_loader;
    Tensor *y_probe = NULL;
    if (!train) {
        check_xy(o->x, o->y, fn);
        Tensor *x = o->x, *y = o->y;
        if (o->validation_split > 0) {
            if (o->validation_split >= 1) error_raise(ERR_VALUE, "nn_fit: validation_split is %g; it must be in (0, 1)", o->validation_split);
            int64_t n = tensor_size(x, 0), cut = (int64_t)((double)n * (1 - o->validation_split));
            if (cut < 1 || cut >= n) error_raise(ERR_VALUE, "nn_fit: validation_split %g leaves an empty part of %lld samples", o->validation_split, (long long)n);
            if (!val && !o->val_x)
                val = data_loader(data_tensor_dataset(tensor_narrow(x, 0, cut, n - cut), tensor_narrow(y, 0, cut, n - cut)), .batch_size = bs);
            x = tensor_narrow(x, 0, 0, cut);
            y = tensor_narrow(y, 0, 0, cut);
        }
        /* Like PyTorch's RandomSampler and Keras: without a seed, the shuffling follows manual_seed. */
        uint64_t seed = o->seed ? o->seed : o->no_shuffle ? 0 : (uint64_t)random_int(NULL, 0, INT64_MAX);
        train = data_loader(data_tensor_dataset(x, y), .batch_size = bs, .shuffle = !o->no_shuffle, .seed = seed);
        y_probe = y;
    } else {
        y_probe = data_y(data_loader_dataset(train));
    }
    if (!val && o->val_x) {
        check_xy(o->val_x, o->val_y, fn);
        val = data_loader(data_tensor_dataset(o->val_x, o->val_y), .batch_size = bs);
    }
    Compiled *c = nn_compiled_state(model);
    Setup s = train_setup(model, o, c, y_probe, fn);
    build_from(model, train, &s);
    Optimizer *opt = train_optimizer(o->optimizer, model, fn);
    if (!opt && c) {
        if (!c->optimizer && c->optimizer_spec) c->optimizer = train_optimizer(c->optimizer_spec, model, fn);
        opt = c->optimizer;
    }
    if (!opt) {
        opt = optim_adam(nn_parameters(model), .lr = 1e-3);
        if (c) c->optimizer = opt;  /* kept, like Keras's compiled optimizer */
    }
    History *h = history_new();
    callbacks_begin(o->callbacks, val != NULL);
    bool bar_on = o->verbose == 1, lines = o->verbose >= 1;
    for (int e = 0; e < epochs; e++) {
        interrupt_check();
        double t0 = now();
        char desc[64];
        snprintf(desc, sizeof desc, "Epoch %d/%d", e + 1, epochs);
        Progress *bar = bar_on ? progress_new(data_num_batches(train), .desc = desc, .unit = "batch") : NULL;
        nn_train(model, true);
        data_reset(train);
        Sums tr = run_pass(model, train, &s, opt, bar), va = { 0 };
        record(h, e, "", &tr, &s);
        if (val) {
            nn_train(model, false);
            data_reset(val);
            va = run_pass(model, val, &s, NULL, NULL);
            record(h, e, "val_", &va, &s);
            nn_train(model, true);
        }
        char line[512];
        snprintf(line, sizeof line, "Epoch %d/%d - %.1fs", e + 1, epochs, now() - t0);
        line_of(line, sizeof line, &tr, &s, "", e == 0);
        if (val) line_of(line, sizeof line, &va, &s, "val_", false);
        if (bar) {
            progress_finish(bar, line);  /* the bar becomes the epoch's line */
        } else if (lines) {
            printf("%s\n", line);
            fflush(stdout);
        }
        if (callbacks_epoch_end(o->callbacks, model, h, e, val != NULL)) {
            if (lines) printf("Early stopping at epoch %d\n", e + 1);
            break;
        }
    }
    callbacks_end(o->callbacks, model);
    nn_train(model, false);  /* like Keras after fit: ready to predict */
    return h;
}

Evaluation *nn_evaluate_(Module *model, const FitOptions *o)
{
    CDL_ARG_NAMED("nn_evaluate", model, "model");
    const char *fn = "nn_evaluate";
    check_verbose(o->verbose, fn);
    int64_t bs = o->batch_size ? o->batch_size : 32;
    if (bs < 0) error_raise(ERR_VALUE, "nn_evaluate: batch_size (%lld) must be positive", (long long)bs);
    DataLoader *dl = o->loader;
    if (!dl) {
        check_xy(o->x, o->y, fn);
        dl = data_loader(data_tensor_dataset(o->x, o->y), .batch_size = bs);
    }
    Setup s = train_setup(model, o, nn_compiled_state(model), o->loader ? data_y(data_loader_dataset(dl)) : o->y, fn);
    s.check_output = false;
    build_from(model, dl, &s);
    bool was = nn_is_training(model);
    nn_train(model, false);
    data_reset(dl);
    Progress *bar = o->verbose == 1 ? progress_new(data_num_batches(dl), .desc = "Evaluate", .unit = "batch") : NULL;
    Sums u = run_pass(model, dl, &s, NULL, bar);
    nn_train(model, was);
    Evaluation *ev = GC_MALLOC(sizeof *ev);
    ev->samples = u.n;
    ev->loss = u.n ? u.loss / (double)u.n : NAN;
    ev->accuracy = u.n && has_accuracy(&s) ? (double)u.correct / (double)u.n : NAN;
    ev->mae = s.mae && u.elems ? u.abs / (double)u.elems : NAN;
    ev->mse = s.mse && u.elems ? u.sq / (double)u.elems : NAN;
    char line[512] = "";
    line_of(line, sizeof line, &u, &s, "", false);
    const char *text = line[0] ? line + 3 : "no samples";  /* without the leading " - " */
    if (bar) {
        progress_finish(bar, text);
    } else if (o->verbose == 2) {
        printf("%s\n", text);
        fflush(stdout);
    }
    return ev;
}

Tensor *nn_predict_(Module *model, Tensor *x, const PredictOptions *o)
{
    CDL_ARG_NAMED("nn_predict", model, "model");
    CDL_ARG_NAMED("nn_predict", x, "x");
    if (!model || !x) error_raise(ERR_VALUE, "nn_predict: the model and x must not be NULL");
    if (tensor_ndim(x) < 1) error_raise(ERR_SHAPE, "nn_predict: x is 0-dim; samples must lie along dim 0");
    int64_t bs = o->batch_size ? o->batch_size : 32, n = tensor_size(x, 0);
    if (bs < 0) error_raise(ERR_VALUE, "nn_predict: batch_size (%lld) must be positive", (long long)bs);
    ParamList *ps = nn_parameters(model);
    Setup s = { .fn = "nn_predict" };
    s.device = ps->n ? tensor_device(ps->tensors[0]) : DEVICE_CPU;
    s.dtype = ps->n ? tensor_dtype(ps->tensors[0]) : tensor_get_default_dtype();
    if (tensor_dtype(x) != s.dtype) x = tensor_to_dtype(x, s.dtype);
    bool was = nn_is_training(model);
    nn_train(model, false);
    int nb = (int)((n + bs - 1) / bs);
    Tensor **outs = GC_MALLOC(sizeof(Tensor *) * (size_t)(nb + 1));
    no_grad_enter();
    for (int i = 0; i < nb; i++) {
        interrupt_check();
        int64_t at = (int64_t)i * bs, len = n - at < bs ? n - at : bs;
        outs[i] = nn_forward(model, tensor_to_device(tensor_narrow(x, 0, at, len), s.device));
    }
    no_grad_exit();
    nn_train(model, was);
    if (nb == 0) return nn_forward(model, x);
    return nb == 1 ? outs[0] : tensor_cat(outs, nb, 0);
}
