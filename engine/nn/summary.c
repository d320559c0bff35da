/* nn_summary: a Keras/torchsummary-style table of the layers (leaf modules
 * and modules with parameters of their own) in call order, with output
 * shapes from a forward pass, parameter counts and totals; nn_repr: the
 * module tree like print(model); nn_display_out: Out[n] for a Module *. */
#include "nn_internal.h"
#include "../core/args.h"
#include "../core/text.h"

#include <stdio.h>

typedef struct Row { Module *m; const char *name; } Row;
typedef struct Rows { Row *r; int n, cap; } Rows;

static void collect(Module *m, const char *name, Rows *R, int depth)
{
    if (depth > 64)
        return;
    if ((m->nc == 0 || m->params.n > 0) && !nn_is_input(m)) {
        if (R->n == R->cap) {
            int cap = R->cap ? 2 * R->cap : 16;
            Row *r = cdl_alloc(sizeof(Row) * cap);
            if (R->n) memcpy(r, R->r, sizeof(Row) * R->n);
            R->r = r;
            R->cap = cap;
        }
        R->r[R->n].m = m;
        R->r[R->n++].name = name;
    }
    for (int i = 0; i < m->nc; i++)
        collect(m->children[i], *name ? nn_strf("%s.%s", name, m->cnames[i]) : m->cnames[i], R, depth + 1);
}

static int64_t own_params(Module *m)
{
    int64_t n = 0;
    for (int i = 0; i < m->params.n; i++)
        n += m->params.tensors[i]->numel;
    return n;
}

static const char *shape_text(Module *m, bool batch_unknown)
{
    if (!m->call_seq)
        return "?";
    CdlText b = { 0 };
    cdl_text_put(&b, "[");
    for (int d = 0; d < m->out_ndim; d++)
        cdl_text_put(&b, "%s%lld", d ? ", " : "", d == 0 && batch_unknown ? -1LL : (long long)m->out_shape[d]);
    cdl_text_put(&b, "]");
    return b.s;
}

static const char *with_commas(int64_t v)
{
    char raw[32], *out = cdl_alloc_atomic(48);
    int n = snprintf(raw, sizeof raw, "%lld", (long long)v), k = 0;
    for (int i = 0; i < n; i++) {
        if (i && raw[i - 1] != '-' && (n - i) % 3 == 0) out[k++] = ',';
        out[k++] = raw[i];
    }
    out[k] = 0;
    return out;
}

char *nn_summary_string_shape(Module *m, int ndim, const int64_t *dims)
{
    CDL_ARG(m);
    bool ran = false;
    const int64_t *input_dims;
    int input_nd = nn_input_dims(m, &input_dims);
    if (ndim == 0 && input_nd > 0) {  /* Keras: the Input layer gives the shape */
        ndim = input_nd;
        dims = input_dims;
    }
    if (ndim > 0) {
        int64_t shape[TENSOR_MAX_DIMS];
        if (ndim + 1 > TENSOR_MAX_DIMS)
            error_raise(ERR_SHAPE, "nn_summary: at most %d input dims", TENSOR_MAX_DIMS - 1);
        shape[0] = 2;  /* a batch of 2: BatchNorm needs more than one value per channel */
        memcpy(shape + 1, dims, sizeof(int64_t) * ndim);
        ParamList *p = nn_parameters(m);
        Tensor *x = tensor_zeros_shape(ndim + 1, shape);
        if (p->n && p->tensors[0]->dtype != x->dtype)
            x = tensor_to_dtype(x, p->tensors[0]->dtype);
        if (p->n && p->tensors[0]->device != x->device)
            x = tensor_to_device(x, p->tensors[0]->device);
        /* Clear old shapes, run in eval mode without grad, restore modes. */
        Rows all = { 0 };
        collect(m, "", &all, 0);
        bool *modes = cdl_alloc_atomic(sizeof(bool) * (size_t)(all.n + 1));
        for (int i = 0; i < all.n; i++) {
            all.r[i].m->call_seq = 0;
            modes[i] = all.r[i].m->training;
        }
        bool top = m->training;
        nn_eval(m);
        no_grad_enter();
        nn_forward(m, x);
        no_grad_exit();
        nn_train(m, top);
        for (int i = 0; i < all.n; i++)
            all.r[i].m->training = modes[i];
        ran = true;
    }
    Rows R = { 0 };
    collect(m, "", &R, 0);
    /* Call order (layers that never ran go last, in tree order). */
    for (int i = 1; i < R.n; i++) {
        Row r = R.r[i];
        int j = i - 1;
        uint64_t ki = r.m->call_seq ? r.m->call_seq : UINT64_MAX;
        while (j >= 0 && (R.r[j].m->call_seq ? R.r[j].m->call_seq : UINT64_MAX) > ki) {
            R.r[j + 1] = R.r[j];
            j--;
        }
        R.r[j + 1] = r;
    }
    CdlText b = { 0 };
    const char *line = "----------------------------------------------------------------------";
    const char *dline = "======================================================================";
    cdl_text_put(&b, "Model: \"%s\"\n%s\n", m->type, line);
    cdl_text_put(&b, "%-32s %-24s %12s\n%s\n", "Layer (type)", "Output Shape", "Param #", dline);
    for (int i = 0; i < R.n; i++) {
        Module *l = R.r[i].m;
        const char *label = *R.r[i].name ? nn_strf("%s (%s)", R.r[i].name, l->type) : nn_strf("(%s)", l->type);
        cdl_text_put(&b, "%-32s %-24s %12s\n", label, shape_text(l, ran), with_commas(own_params(l)));
    }
    int64_t total = nn_num_parameters(m, false), train = nn_num_parameters(m, true);
    cdl_text_put(&b, "%s\nTotal params: %s\nTrainable params: %s\nNon-trainable params: %s\n", dline,
        with_commas(total), with_commas(train), with_commas(total - train));
    ParamList *p = nn_parameters(m);
    size_t bytes = 0;
    for (int i = 0; i < p->n; i++)
        bytes += (size_t)p->tensors[i]->numel * dtype_size(p->tensors[i]->dtype);
    cdl_text_put(&b, "Params size (MB): %.2f\n%s\n", bytes / (1024.0 * 1024.0), line);
    if (nn_has_uninitialized_params(m))
        cdl_text_put(&b, "Some layers take their input size from the first forward (lazy): give the input shape, e.g.\n"
                "nn_summary(model, 1, 28, 28), or start the model with nn_input(1, 28, 28).\n");
    return b.s;
}

void nn_summary_shape(Module *m, int ndim, const int64_t *dims)
{
    CDL_ARG(m);
    char *s = nn_summary_string_shape(m, ndim, dims);
    fputs(s, stdout);
    fflush(stdout);
}

static void repr_rec(CdlText *b, Module *m, const char *name, int depth)
{
    for (int i = 0; i < depth; i++)
        cdl_text_put(b, "  ");
    if (name)
        cdl_text_put(b, "(%s): ", name);
    if (m->nc == 0) {
        cdl_text_put(b, "%s(%s)\n", m->type, m->extra ? m->extra : "");
        return;
    }
    cdl_text_put(b, "%s(\n", m->type);
    for (int i = 0; i < m->nc && depth < 64; i++)
        repr_rec(b, m->children[i], m->cnames[i], depth + 1);
    for (int i = 0; i < depth; i++)
        cdl_text_put(b, "  ");
    cdl_text_put(b, ")\n");
}

char *nn_repr(Module *m)
{
    CDL_ARG(m);
    CdlText b = { 0 };
    repr_rec(&b, m, NULL, 0);
    return b.s;
}

void nn_display_out(Module *m)
{
    CDL_ARG_OPT(m);
    char *s = m ? nn_summary_string_shape(m, 0, NULL) : "NULL";
    DisplayItem item = { "text/plain", s, strlen(s) };
    display_result(&item, 1);
}
