/* History: per-epoch values by name, readable as plain double arrays. */
#include "internal.h"

#include <gc.h>
#include <math.h>
#include <string.h>

History *history_new(void)
{
    History *h = GC_MALLOC(sizeof *h);
    return h;
}

static int key_index(const History *h, const char *key)
{
    for (int i = 0; i < h->n_keys; i++)
        if (!strcmp(h->keys[i], key)) return i;
    return -1;
}

void history_put(History *h, int epoch, const char *key, double value)
{
    if (epoch >= h->cap) {
        int cap = h->cap ? h->cap * 2 : 16;
        while (cap <= epoch) cap *= 2;
        for (int i = 0; i < h->n_keys; i++) {
            double *v = GC_MALLOC_ATOMIC(sizeof(double) * (size_t)cap);
            for (int e = 0; e < cap; e++) v[e] = e < h->cap ? h->values[i][e] : NAN;
            h->values[i] = v;
        }
        h->cap = cap;
    }
    int k = key_index(h, key);
    if (k < 0) {
        if (h->n_keys == HISTORY_MAX_KEYS) return;
        k = h->n_keys++;
        size_t l = strlen(key) + 1;
        h->keys[k] = GC_MALLOC_ATOMIC(l);
        memcpy(h->keys[k], key, l);
        h->values[k] = GC_MALLOC_ATOMIC(sizeof(double) * (size_t)h->cap);
        for (int e = 0; e < h->cap; e++) h->values[k][e] = NAN;
    }
    h->values[k][epoch] = value;
    if (epoch + 1 > h->epochs) h->epochs = epoch + 1;
}

int history_epochs(const History *h)
{
    if (!h) error_raise(ERR_VALUE, "history_epochs: the history is NULL");
    return h->epochs;
}

const double *history_get(const History *h, const char *name)
{
    if (!h || !name) error_raise(ERR_VALUE, "history_get: the history or the name is NULL");
    int k = key_index(h, name);
    return k < 0 ? NULL : h->values[k];
}

double history_last(const History *h, const char *name)
{
    const double *v = history_get(h, name);
    return v && h->epochs ? v[h->epochs - 1] : NAN;
}

int history_num_keys(const History *h)
{
    if (!h) error_raise(ERR_VALUE, "history_num_keys: the history is NULL");
    return h->n_keys;
}

const char *history_key(const History *h, int i)
{
    if (!h || i < 0 || i >= h->n_keys) error_raise(ERR_INDEX, "history_key: index %d out of range", i);
    return h->keys[i];
}

int history_stopped_epoch(const History *h)
{
    if (!h) error_raise(ERR_VALUE, "history_stopped_epoch: the history is NULL");
    return h->stopped_epoch;
}

void plt_history_of(const History *h)
{
    if (!h || !h->epochs) error_raise(ERR_VALUE, "plt_history_of: the history is empty; train with nn_fit first");
    const double *loss = history_get(h, "loss");
    plt_history(loss, h->epochs, .val_loss = history_get(h, "val_loss"), .acc = history_get(h, "accuracy"),
                .val_acc = history_get(h, "val_accuracy"));
}
