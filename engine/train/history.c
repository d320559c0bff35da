/* History: per-epoch values by name, readable as plain double arrays. */
#include "internal.h"
#include "../core/args.h"

#include <gc.h>
#include <math.h>
#include <stdio.h>
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
    CDL_ARG(h);
    return h->epochs;
}

const double *history_get(const History *h, const char *name)
{
    CDL_ARG(h);
    if (!h || !name) error_raise(ERR_VALUE, "history_get: the history or the name is NULL");
    int k = key_index(h, name);
    return k < 0 ? NULL : h->values[k];
}

double history_last(const History *h, const char *name)
{
    CDL_ARG(h);
    const double *v = history_get(h, name);
    return v && h->epochs ? v[h->epochs - 1] : NAN;
}

int history_num_keys(const History *h)
{
    CDL_ARG(h);
    return h->n_keys;
}

const char *history_key(const History *h, int i)
{
    CDL_ARG(h);
    if (!h || i < 0 || i >= h->n_keys) error_raise(ERR_INDEX, "history_key: index %d out of range", i);
    return h->keys[i];
}

int history_stopped_epoch(const History *h)
{
    CDL_ARG(h);
    return h->stopped_epoch;
}

static const char *panel_title(const char *key)
{
    if (!strcmp(key, "loss")) return "Loss";
    if (!strcmp(key, "accuracy")) return "Accuracy";
    if (!strcmp(key, "mae")) return "MAE";
    if (!strcmp(key, "mse")) return "MSE";
    return key;
}

/* Whether key is in the comma list (NULL: every key). */
static bool wanted(const char *list, const char *key)
{
    if (!list) return true;
    size_t n = strlen(key);
    for (const char *p = list; (p = strstr(p, key)); p += n) {
        bool start = p == list || p[-1] == ',' || p[-1] == ' ';
        bool end = p[n] == 0 || p[n] == ',' || p[n] == ' ';
        if (start && end) return true;
    }
    return false;
}

void plt_history_of_(const History *h, const HistoryPlotOptions *o)
{
    CDL_ARG_NAMED("plt_history_of", h, "h");
    if (!h || !h->epochs) error_raise(ERR_VALUE, "plt_history_of: the history is empty; train with nn_fit first");
    const char *panels[HISTORY_MAX_KEYS];
    int np = 0;
    for (int k = 0; k < h->n_keys; k++)
        if (strncmp(h->keys[k], "val_", 4) && wanted(o->metrics, h->keys[k])) panels[np++] = h->keys[k];
    for (int k = 0; k < h->n_keys; k++) {  /* a val_ quantity without its training one gets its own panel */
        if (strncmp(h->keys[k], "val_", 4) || history_get(h, h->keys[k] + 4)) continue;
        if (wanted(o->metrics, h->keys[k])) panels[np++] = h->keys[k];
    }
    if (!np)
        error_raise(ERR_VALUE, "plt_history_of: none of \"%s\" is in the history; it has %s%s%s%s", o->metrics,
                    h->keys[0], h->n_keys > 1 ? ", " : "", h->n_keys > 1 ? h->keys[1] : "", h->n_keys > 2 ? "..." : "");
    int cols = np < 3 ? np : np == 4 ? 2 : 3, rows = (np + cols - 1) / cols;
    double ep[1024];
    int n = h->epochs < 1024 ? h->epochs : 1024;
    for (int i = 0; i < n; i++) ep[i] = i + 1;
    plt_subplots(rows, cols, .width = 6.0 * cols, .height = 4.5 * rows);
    const char *marker = n <= 30 ? "o" : NULL;
    for (int p = 0; p < np; p++) {
        plt_subplot(rows, cols, p + 1);
        const char *key = panels[p];
        bool val_only = !strncmp(key, "val_", 4);
        char vk[80];
        snprintf(vk, sizeof vk, "val_%s", key);
        const double *tr = history_get(h, key), *va = val_only ? NULL : history_get(h, vk);
        plt_plot(ep, tr, n, .label = val_only ? "validation" : "train", .marker = marker, .markersize = 4,
                 .color = val_only ? "C1" : "C0");
        if (va) plt_plot(ep, va, n, .label = "validation", .marker = marker, .markersize = 4, .color = "C1");
        const char *base = val_only ? key + 4 : key;
        bool lossy = strcmp(base, "accuracy") != 0;
        if (o->logy && lossy) {
            bool positive = true;
            for (int i = 0; i < n; i++) positive = positive && tr[i] > 0 && (!va || va[i] > 0);
            if (!positive)
                error_raise(ERR_VALUE, "plt_history_of: .logy needs positive values, but %s has a value <= 0", key);
            plt_yscale("log");
        }
        plt_title(panel_title(base));
        plt_xlabel("Epoch");
        plt_ylabel(panel_title(base));
        plt_grid(true, .alpha = 0.3);
        plt_legend();
    }
    if (o->title) plt_suptitle(o->title);
    plt_tight_layout();
}
