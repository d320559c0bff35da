/* PyTorch-style printing (torch/_tensor_str.py): precision 4, a shared
 * width, integer/fixed/scientific modes chosen from the values shown,
 * summarization with "..." above 1000 elements (3 edge items), and the
 * suffixes (device, dtype, grad_fn / requires_grad). */
#include "internal.h"
#include "../device/backend.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define PRECISION 4
#define THRESHOLD 1000
#define EDGE 3
#define LINEWIDTH 80

typedef struct Buf { char *s; size_t len, cap; } Buf;

static void put(Buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->cap ? b->cap * 2 : 256) + n;
        char *ns = cdl_alloc_atomic(cap);
        if (b->len) memcpy(ns, b->s, b->len);
        b->s = ns;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = 0;
}
static void puts_(Buf *b, const char *s) { put(b, s, strlen(s)); }
static void spaces(Buf *b, int n) { for (int i = 0; i < n; i++) put(b, " ", 1); }

typedef struct Fmt {
    DType dtype;
    bool floating, int_mode, sci_mode;
    int width;
} Fmt;

/* The value at flat position i of the contiguous CPU copy. */
static double fval(const Tensor *t, int64_t i)
{
    return t->dtype == DT_FLOAT32 ? ((const float *)t_ptr(t))[i] : ((const double *)t_ptr(t))[i];
}
static int64_t ival(const Tensor *t, int64_t i)
{
    return t->dtype == DT_INT64 ? ((const int64_t *)t_ptr(t))[i] : ((const uint8_t *)t_ptr(t))[i];
}

static int fmt_raw(char *out, size_t n, const Fmt *f, const Tensor *t, int64_t i)
{
    if (!f->floating) {
        if (t->dtype == DT_BOOL)
            return snprintf(out, n, "%s", ival(t, i) ? "True" : "False");
        return snprintf(out, n, "%lld", (long long)ival(t, i));
    }
    double v = fval(t, i);
    if (isnan(v)) return snprintf(out, n, "nan");
    if (isinf(v)) return snprintf(out, n, v > 0 ? "inf" : "-inf");
    if (f->sci_mode) return snprintf(out, n, "%.*e", PRECISION, v);
    if (f->int_mode) return snprintf(out, n, "%.0f.", v);
    return snprintf(out, n, "%.*f", PRECISION, v);
}

/* Visits the flat positions that will be printed (summarized or not). */
typedef void (*Visit)(const Tensor *t, int64_t i, void *ctx);
static void visit(const Tensor *t, int dim, int64_t base, bool summarize, Visit fn, void *ctx)
{
    if (t->ndim == 0) { fn(t, 0, ctx); return; }
    int64_t n = t->shape[dim], stride = t->strides[dim];
    for (int64_t k = 0; k < n; k++) {
        if (summarize && n > 2 * EDGE && k == EDGE)
            k = n - EDGE;
        if (dim == t->ndim - 1) fn(t, base + k * stride, ctx);
        else visit(t, dim + 1, base + k * stride, summarize, fn, ctx);
    }
}

typedef struct Stats { Fmt *f; double mn, mx; bool any, all_int; } Stats;
static void stat_one(const Tensor *t, int64_t i, void *ctx)
{
    Stats *s = ctx;
    if (!s->f->floating) {
        char b[32];
        int w = fmt_raw(b, sizeof b, s->f, t, i);
        if (w > s->f->width) s->f->width = w;
        return;
    }
    double v = fval(t, i);
    if (!isfinite(v) || v == 0) {
        /* nan/inf still need their width. */
        if (!isfinite(v)) {
            int w = isnan(v) ? 3 : v > 0 ? 3 : 4;
            if (w > s->f->width) s->f->width = w;
        }
        return;
    }
    double a = fabs(v);
    if (!s->any || a < s->mn) s->mn = a;
    if (!s->any || a > s->mx) s->mx = a;
    s->any = true;
    if (v != ceil(v)) s->all_int = false;
}

static void width_one(const Tensor *t, int64_t i, void *ctx)
{
    Fmt *f = ctx;
    double v = fval(t, i);
    if (!isfinite(v) || v == 0) return;
    char b[64];
    int w = fmt_raw(b, sizeof b, f, t, i);
    if (w > f->width) f->width = w;
}

static void make_fmt(Fmt *f, const Tensor *t, bool summarize)
{
    f->dtype = t->dtype;
    f->floating = dtype_is_float(t->dtype);
    f->int_mode = true;
    f->sci_mode = false;
    f->width = 1;
    Stats s = { f, 0, 0, false, true };
    visit(t, 0, 0, summarize, stat_one, &s);
    if (!f->floating || !s.any)
        return;
    f->int_mode = s.all_int;
    if (f->int_mode)
        f->sci_mode = s.mx / s.mn > 1000.0 || s.mx > 1.0e8;
    else
        f->sci_mode = s.mx / s.mn > 1000.0 || s.mx > 1.0e8 || s.mn < 1.0e-4;
    visit(t, 0, 0, summarize, width_one, f);
}

static void put_value(Buf *b, const Fmt *f, const Tensor *t, int64_t i)
{
    char v[64];
    int w = fmt_raw(v, sizeof v, f, t, i);
    spaces(b, f->width - w);
    puts_(b, v);
}

static void put_tensor(Buf *b, const Fmt *f, const Tensor *t, int dim, int64_t base, int indent, bool summarize)
{
    int left = t->ndim - dim;
    if (left == 0) {
        put_value(b, f, t, base);
        return;
    }
    int64_t n = t->shape[dim], stride = t->strides[dim];
    bool cut = summarize && n > 2 * EDGE;
    put(b, "[", 1);
    if (left == 1) {
        int per_line = (LINEWIDTH - indent) / (f->width + 2);
        if (per_line < 1) per_line = 1;
        int col = 0;
        for (int64_t k = 0; k < n; k++) {
            if (k > 0) {
                put(b, ",", 1);
                if (col == per_line) {
                    put(b, "\n", 1);
                    spaces(b, indent + 1);
                    col = 0;
                } else {
                    put(b, " ", 1);
                }
            }
            if (cut && k == EDGE) {
                puts_(b, " ...");
                col++;
                k = n - EDGE - 1;
                continue;
            }
            put_value(b, f, t, base + k * stride);
            col++;
        }
    } else {
        for (int64_t k = 0; k < n; k++) {
            if (k > 0) {
                put(b, ",", 1);
                for (int i = 0; i < left - 1; i++) put(b, "\n", 1);
                spaces(b, indent + 1);
            }
            if (cut && k == EDGE) {
                puts_(b, "...");
                k = n - EDGE - 1;
                continue;
            }
            put_tensor(b, f, t, dim + 1, base + k * stride, indent + 1, summarize);
        }
    }
    put(b, "]", 1);
}

static void add_suffix(Buf *b, const char *suffix, int *last_line_len)
{
    int n = (int)strlen(suffix);
    if (*last_line_len + n + 2 > LINEWIDTH) {
        puts_(b, ",\n       ");
        *last_line_len = 7 + n;
    } else {
        puts_(b, ", ");
        *last_line_len += n + 2;
    }
    puts_(b, suffix);
}

char *tensor_to_string(const Tensor *t)
{
    Buf b = { 0 };
    if (!t) {
        puts_(&b, "None");
        return b.s;
    }
    if (t->head.freed) {  /* shown, not an error: Out[n] of a kept pointer */
        puts_(&b, "<tensor freed by tensor_free>");
        return b.s;
    }
    Tensor *c = t_contig(tensor_to_device((Tensor *)t, DEVICE_CPU));
    puts_(&b, "tensor(");
    char suffix[96];
    const char *suffixes[4];
    char store[4][96];
    int ns = 0;
    if (device_repr(t->device)) {
        snprintf(store[ns], 96, "device='%s'", device_repr(t->device));
        suffixes[ns] = store[ns]; ns++;
    }
    if (t->numel == 0) {
        puts_(&b, "[]");
        if (t->ndim != 1) {
            snprintf(store[ns], 96, "size=%s", tensor_shape_str(t));
            if (t->ndim == 0) snprintf(store[ns], 96, "size=()");
            suffixes[ns] = store[ns]; ns++;
        }
        if (t->dtype != cdl_default_dtype) {
            snprintf(store[ns], 96, "dtype=torch.%s", dtype_name(t->dtype));
            suffixes[ns] = store[ns]; ns++;
        }
    } else {
        bool summarize = t->numel > THRESHOLD;
        Fmt f;
        make_fmt(&f, c, summarize);
        put_tensor(&b, &f, c, 0, 0, 7, summarize);
        if (t->dtype != cdl_default_dtype && t->dtype != DT_INT64 && t->dtype != DT_BOOL) {
            snprintf(store[ns], 96, "dtype=torch.%s", dtype_name(t->dtype));
            suffixes[ns] = store[ns]; ns++;
        }
    }
    if (t->grad_fn) {
        snprintf(suffix, sizeof suffix, "grad_fn=<%s>", t->grad_fn->rule->name);
        suffixes[ns++] = suffix;
    } else if (t->requires_grad) {
        suffixes[ns++] = "requires_grad=True";
    }
    const char *nl = strrchr(b.s, '\n');
    int last = (int)b.len - (nl ? (int)(nl - b.s) : -1) + 1;  /* as _tensor_str.py counts */
    for (int i = 0; i < ns; i++)
        add_suffix(&b, suffixes[i], &last);
    puts_(&b, ")");
    return b.s;
}

void tensor_print(const Tensor *t)
{
    CDL_ARG(t);
    interrupt_check();
    char *s = tensor_to_string(t);
    fputs(s, stdout);
    fputc('\n', stdout);
}

static void put_html(Buf *b, const char *s)
{
    for (; *s; s++)
        *s == '<' ? puts_(b, "&lt;") : *s == '>' ? puts_(b, "&gt;") : *s == '&' ? puts_(b, "&amp;") : put(b, s, 1);
}

/* Out[n] of a tensor: PyTorch's repr; on a device whose backend describes
 * it (a GPU's name and memory), also as HTML with that line below. */
void tensor_display_out(Tensor *t)
{
    char *s = tensor_to_string(t);
    DisplayItem items[2] = { { "text/plain", s, strlen(s) }, { "text/html", NULL, 0 } };
    const Backend *be = t && t->device != DEVICE_CPU ? t_backend(t) : NULL;
    if (!be || !be->describe) {
        display_result(items, 1);
        return;
    }
    Buf h = { 0 };
    puts_(&h, "<pre>");
    put_html(&h, s);
    puts_(&h, "</pre><div style=\"color: gray; font-size: smaller\">");
    put_html(&h, device_info(t->device));
    puts_(&h, "</div>");
    items[1].data = h.s;
    items[1].size = h.len;
    display_result(items, 2);
}
