/* Callbacks: early stopping (with best-weights restore) and best-model
 * checkpoints, both watching one History quantity. */
#include "internal.h"

#include <gc.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static Callback *make(int kind, const CallbackOptions *o)
{
    Callback *c = GC_MALLOC(sizeof *c);
    c->kind = kind;
    c->o = *o;
    return c;
}

Callback *callbacks_early_stopping_(const CallbackOptions *o)
{
    if (o->patience < 0) error_raise(ERR_VALUE, "callbacks_early_stopping: patience is %d; it must be >= 0", o->patience);
    Callback *c = make(CB_EARLY_STOPPING, o);
    if (!o->patience) c->o.patience = 3;
    return c;
}

Callback *callbacks_model_checkpoint_(const char *path, const CallbackOptions *o)
{
    if (!path || !*path) error_raise(ERR_VALUE, "callbacks_model_checkpoint: give a file path, e.g. \"best.safetensors\"");
    Callback *c = make(CB_CHECKPOINT, o);
    size_t l = strlen(path) + 1;
    char *p = GC_MALLOC_ATOMIC(l);
    memcpy(p, path, l);
    c->path = p;
    return c;
}

static bool maximize(const Callback *c) { return c->o.mode_max || strstr(c->monitor, "acc") != NULL; }

void callbacks_begin(Callback **cbs, bool has_val)
{
    for (int i = 0; cbs && cbs[i]; i++) {
        Callback *c = cbs[i];
        c->monitor = c->o.monitor ? c->o.monitor : has_val ? "val_loss" : "loss";
        if (!has_val && !strncmp(c->monitor, "val_", 4))
            error_raise(ERR_VALUE, "nn_fit: a callback monitors \"%s\" but there is no validation data; pass "
                        ".validation_split or .val_x/.val_y, or monitor \"loss\"", c->monitor);
        c->best = maximize(c) ? -INFINITY : INFINITY;
        c->wait = 0;
        c->best_weights = NULL;
    }
}

static ParamList *snapshot(Module *model)
{
    ParamList *st = nn_state(model), *cp = GC_MALLOC(sizeof *cp);
    cp->n = st->n;
    cp->names = st->names;
    cp->tensors = GC_MALLOC(sizeof(Tensor *) * (size_t)(st->n + 1));
    for (int i = 0; i < st->n; i++) cp->tensors[i] = tensor_clone(tensor_detach(st->tensors[i]));
    return cp;
}

bool callbacks_epoch_end(Callback **cbs, Module *model, History *h, int epoch, bool has_val)
{
    (void)has_val;
    bool stop = false;
    for (int i = 0; cbs && cbs[i]; i++) {
        Callback *c = cbs[i];
        const double *v = history_get(h, c->monitor);
        if (!v)
            error_raise(ERR_VALUE, "nn_fit: a callback monitors \"%s\", which the history does not have; "
                        "add it to .metrics (e.g. \"accuracy\") or monitor \"val_loss\"", c->monitor);
        double x = v[epoch];
        bool better = maximize(c) ? x > c->best + c->o.min_delta : x < c->best - c->o.min_delta;
        if (better) {
            c->best = x;
            c->wait = 0;
            if (c->kind == CB_EARLY_STOPPING && c->o.restore_best_weights) c->best_weights = snapshot(model);
        } else {
            c->wait++;
        }
        if (c->kind == CB_CHECKPOINT && (better || c->o.save_all)) {
            char note[128];
            snprintf(note, sizeof note, "epoch %d, %s = %.6g", epoch + 1, c->monitor, x);
            nn_save(model, c->path, .metadata = note);
        }
        if (c->kind == CB_EARLY_STOPPING && c->wait >= c->o.patience) {
            stop = true;
            h->stopped_epoch = epoch + 1;
        }
    }
    return stop;
}

void callbacks_end(Callback **cbs, Module *model)
{
    for (int i = 0; cbs && cbs[i]; i++) {
        Callback *c = cbs[i];
        if (c->kind != CB_EARLY_STOPPING || !c->best_weights) continue;
        ParamList *st = nn_state(model);
        no_grad_enter();
        for (int k = 0; k < st->n && k < c->best_weights->n; k++) tensor_copy_(st->tensors[k], c->best_weights->tensors[k]);
        no_grad_exit();
    }
}
