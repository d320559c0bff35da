/* nn_fit / nn_evaluate / nn_predict: Keras's loop over PyTorch-style
 * modules. One pass function serves training and evaluation, so the
 * History's values and nn_evaluate's agree. */
#include "internal.h"

#include <gc.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

enum { L_CUSTOM, L_CE, L_MSE, L_BCEL, L_BCE, L_L1 };

typedef struct Setup {
    int loss;
    LossFn fn;
    bool acc, mae, mse;
    Device device;
} Setup;

static Setup setup_of(Module *model, const FitOptions *o, Tensor *y, const char *fn)
{
    Setup s = { 0 };
    s.fn = o->loss_fn;
    const char *l = o->loss;
    if (s.fn) s.loss = L_CUSTOM;
    else if (!l) s.loss = y && tensor_dtype(y) == DT_INT64 ? L_CE : L_MSE;
    else if (!strcmp(l, "cross_entropy") || !strcmp(l, "categorical_crossentropy") || !strcmp(l, "sparse_categorical_crossentropy")) s.loss = L_CE;
    else if (!strcmp(l, "mse") || !strcmp(l, "mean_squared_error")) s.loss = L_MSE;
    else if (!strcmp(l, "bce_with_logits") || !strcmp(l, "binary_crossentropy")) s.loss = L_BCEL;
    else if (!strcmp(l, "bce")) s.loss = L_BCE;
    else if (!strcmp(l, "l1") || !strcmp(l, "mae")) s.loss = L_L1;
    else error_raise(ERR_VALUE, "%s: unknown loss \"%s\"; use \"cross_entropy\", \"mse\", \"bce_with_logits\", \"bce\", \"l1\" "
                     "or .loss_fn = your_function", fn, l);
    const char *m = o->metrics ? o->metrics : "";
    s.acc = strstr(m, "acc") != NULL;
    s.mae = strstr(m, "mae") != NULL;
    s.mse = strstr(m, "mse") != NULL;
    ParamList *ps = nn_parameters(model);
    s.device = ps->n ? tensor_device(ps->tensors[0]) : DEVICE_CPU;
    return s;
}

/* The target shaped and typed for an elementwise loss on pred. */
static Tensor *as_target(Tensor *y, Tensor *pred)
{
    if (tensor_dtype(y) != tensor_dtype(pred)) y = tensor_to_dtype(y, tensor_dtype(pred));
    if (tensor_numel(y) == tensor_numel(pred) && tensor_ndim(y) != tensor_ndim(pred))
        y = tensor_reshape_shape(y, tensor_ndim(pred), tensor_shape(pred));
    return y;
}

static Tensor *loss_of(const Setup *s, Tensor *pred, Tensor *y)
{
    static const LossOptions none = { 0 };
    switch (s->loss) {
    case L_CE: return nn_cross_entropy_(pred, y, &none);
    case L_MSE: return nn_mse_(pred, as_target(y, pred), &none);
    case L_BCEL: return nn_bce_with_logits_(pred, as_target(y, pred), &none);
    case L_BCE: return nn_bce_(pred, as_target(y, pred), &none);
    case L_L1: return nn_l1_(pred, as_target(y, pred), &none);
    default: {
        Tensor *l = s->fn(pred, y);
        if (!l || tensor_numel(l) != 1)
            error_raise(ERR_VALUE, "nn_fit: the loss function must return a one-element tensor (got %s)", l ? tensor_shape_str(l) : "NULL");
        return l;
    }
    }
}

/* Correct predictions in a batch. */
static int64_t correct(const Setup *s, Tensor *pred, Tensor *y)
{
    Tensor *p;
    pred = tensor_detach(pred);
    if (s->loss == L_BCEL) p = tensor_long(tensor_gt_scalar(tensor_reshape(pred, -1), 0));
    else if (s->loss == L_BCE) p = tensor_long(tensor_gt_scalar(tensor_reshape(pred, -1), 0.5));
    else p = metrics_labels(pred);
    Tensor *t = y;
    if ((tensor_dtype(y) == DT_FLOAT32 || tensor_dtype(y) == DT_FLOAT64) && tensor_ndim(y) == 2 && tensor_size(y, 1) > 1)
        t = tensor_argmax_dim(y, 1, false);  /* one-hot targets */
    t = tensor_long(tensor_reshape(tensor_detach(t), -1));
    if (tensor_numel(t) != tensor_numel(p)) return 0;
    return (int64_t)tensor_item(tensor_sum(tensor_eq(p, tensor_to_device(t, tensor_device(p)))));
}

typedef struct Sums { double loss, abs, sq; int64_t correct, n, elems; } Sums;

static void add_batch(Sums *u, const Setup *s, Tensor *pred, Tensor *y, Tensor *loss, int64_t n)
{
    u->loss += tensor_item(loss) * (double)n;
    u->n += n;
    if (s->acc || s->loss == L_CE || s->loss == L_BCEL || s->loss == L_BCE) u->correct += correct(s, pred, y);
    if (s->mae || s->mse) {
        Tensor *d = tensor_sub(tensor_detach(pred), as_target(y, pred));
        u->abs += tensor_item(tensor_sum(tensor_abs(d)));
        u->sq += tensor_item(tensor_sum(tensor_square(d)));
        u->elems += tensor_numel(d);
    }
}

/* One pass over a loader: training when opt is not NULL. */
static Sums run_pass(Module *model, DataLoader *dl, const Setup *s, Optimizer *opt, Progress *bar)
{
    Sums u = { 0 };
    for (Batch *b; (b = data_next(dl)); ) {
        if (!b->y) error_raise(ERR_VALUE, "nn_fit: the batches have no targets y; give .y or a dataset with targets");
        Tensor *x = tensor_to_device(b->x, s->device), *y = tensor_to_device(b->y, s->device);
        if (opt) {
            optim_zero_grad(opt);
            Tensor *pred = nn_forward(model, x);
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
    if (s->acc || s->loss == L_CE || s->loss == L_BCEL || s->loss == L_BCE) {
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

History *nn_fit_(Module *model, const FitOptions *o)
{
    const char *fn = "nn_fit";
    if (!model) error_raise(ERR_VALUE, "nn_fit: the model is NULL");
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
        train = data_loader(data_tensor_dataset(x, y), .batch_size = bs, .shuffle = !o->no_shuffle, .seed = o->seed);
        y_probe = y;
    } else {
        y_probe = data_y(data_loader_dataset(train));
    }
    if (!val && o->val_x) {
        check_xy(o->val_x, o->val_y, fn);
        val = data_loader(data_tensor_dataset(o->val_x, o->val_y), .batch_size = bs);
    }
    Setup s = setup_of(model, o, y_probe, fn);
    Optimizer *opt = o->optimizer ? o->optimizer : optim_adam(nn_parameters(model), .lr = 1e-3);
    History *h = history_new();
    callbacks_begin(o->callbacks, val != NULL);
    bool bar_on = o->verbose == 0 || o->verbose == 1, lines = o->verbose >= 0;
    for (int e = 0; e < epochs; e++) {
        interrupt_check();
        double t0 = now();
        char desc[64];
        snprintf(desc, sizeof desc, "Epoch %d/%d", e + 1, epochs);
        Progress *bar = bar_on ? progress_new(data_num_batches(train), .desc = desc, .unit = "batch", .no_leave = true) : NULL;
        nn_train(model, true);
        data_reset(train);
        Sums tr = run_pass(model, train, &s, opt, bar);
        if (bar) progress_close(bar);
        record(h, e, "", &tr, &s);
        if (val) {
            nn_train(model, false);
            data_reset(val);
            Sums va = run_pass(model, val, &s, NULL, NULL);
            record(h, e, "val_", &va, &s);
            nn_train(model, true);
        }
        if (lines) {
            printf("Epoch %d/%d - %.1fs", e + 1, epochs, now() - t0);
            for (int k = 0; k < h->n_keys; k++) printf(" - %s: %.4f", h->keys[k], h->values[k][e]);
            printf("\n");
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
    if (!model) error_raise(ERR_VALUE, "nn_evaluate: the model is NULL");
    int64_t bs = o->batch_size ? o->batch_size : 32;
    DataLoader *dl = o->loader;
    if (!dl) {
        check_xy(o->x, o->y, "nn_evaluate");
        dl = data_loader(data_tensor_dataset(o->x, o->y), .batch_size = bs);
    }
    Setup s = setup_of(model, o, o->loader ? data_y(data_loader_dataset(dl)) : o->y, "nn_evaluate");
    bool was = nn_is_training(model);
    nn_train(model, false);
    data_reset(dl);
    Sums u = run_pass(model, dl, &s, NULL, NULL);
    nn_train(model, was);
    Evaluation *ev = GC_MALLOC(sizeof *ev);
    ev->samples = u.n;
    ev->loss = u.n ? u.loss / (double)u.n : NAN;
    ev->accuracy = u.n && (s.acc || s.loss == L_CE || s.loss == L_BCEL || s.loss == L_BCE) ? (double)u.correct / (double)u.n : NAN;
    ev->mae = s.mae && u.elems ? u.abs / (double)u.elems : NAN;
    ev->mse = s.mse && u.elems ? u.sq / (double)u.elems : NAN;
    if (o->verbose > 0) {
        printf("loss: %.4f", ev->loss);
        if (!isnan(ev->accuracy)) printf(" - accuracy: %.4f", ev->accuracy);
        if (!isnan(ev->mae)) printf(" - mae: %.4f", ev->mae);
        if (!isnan(ev->mse)) printf(" - mse: %.4f", ev->mse);
        printf("\n");
        fflush(stdout);
    }
    return ev;
}

Tensor *nn_predict_(Module *model, Tensor *x, const PredictOptions *o)
{
    if (!model || !x) error_raise(ERR_VALUE, "nn_predict: the model and x must not be NULL");
    if (tensor_ndim(x) < 1) error_raise(ERR_SHAPE, "nn_predict: x is 0-dim; samples must lie along dim 0");
    int64_t bs = o->batch_size ? o->batch_size : 32, n = tensor_size(x, 0);
    ParamList *ps = nn_parameters(model);
    Device dev = ps->n ? tensor_device(ps->tensors[0]) : DEVICE_CPU;
    bool was = nn_is_training(model);
    nn_train(model, false);
    int nb = (int)((n + bs - 1) / bs);
    Tensor **outs = GC_MALLOC(sizeof(Tensor *) * (size_t)(nb + 1));
    no_grad_enter();
    for (int i = 0; i < nb; i++) {
        interrupt_check();
        int64_t at = (int64_t)i * bs, len = n - at < bs ? n - at : bs;
        outs[i] = nn_forward(model, tensor_to_device(tensor_narrow(x, 0, at, len), dev));
    }
    no_grad_exit();
    nn_train(model, was);
    if (nb == 0) return nn_forward(model, x);
    return nb == 1 ? outs[0] : tensor_cat(outs, nb, 0);
}
