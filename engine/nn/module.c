/* The Module object: registration of parameters, buffers and sub-modules,
 * forward, recursive listings, train/eval, device and dtype moves. */
#include "nn_internal.h"
#include "../core/args.h"

#include <stdarg.h>
#include <stdio.h>

static uint64_t g_call_seq;

const char *nn_pair_str(int h, int w)
{
    if (h == NN_PADDING_SAME && w == NN_PADDING_SAME)
        return "same";
    return h == w ? nn_strf("%d", h) : nn_strf("(%d, %d)", h, w);
}

char *nn_strf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *s = cdl_alloc_atomic((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s);
    char *d = cdl_alloc_atomic(n + 1);
    memcpy(d, s, n + 1);
    return d;
}

void *nn_alloc(size_t size) { return cdl_alloc(size ? size : 1); }

static Module *module_new(const char *type)
{
    Module *m = cdl_alloc(sizeof(Module));
    m->type = dup_str(type ? type : "Module");
    m->training = true;
    return m;
}

Module *nn_module(const char *type, ModuleForward forward, void *ctx)
{
    Module *m = module_new(type);
    m->user_fwd = forward;
    m->ctx = ctx;
    return m;
}

Module *nn_layer_new(const char *type, LayerForward fwd, void *impl, const char *extra)
{
    Module *m = module_new(type);
    m->fwd = fwd;
    m->impl = impl;
    m->extra = extra;
    return m;
}

static void check_module(const Module *m, const char *fn)
{
    if (!m)
        error_raise(ERR_VALUE, "%s: the module is NULL (was it created? did an earlier cell fail?)", fn);
}

static void check_name(const char *name, const char *fn)
{
    if (!name || !*name || strchr(name, '.'))
        error_raise(ERR_VALUE, "%s: the name \"%s\" is not valid: use a non-empty name without '.'",
                    fn, name ? name : "(null)");
}

static int nt_find(const NamedTensors *l, const char *name)
{
    for (int i = 0; i < l->n; i++)
        if (!strcmp(l->names[i], name))
            return i;
    return -1;
}

static void nt_put(NamedTensors *l, const char *name, Tensor *t)
{
    int i = nt_find(l, name);
    if (i >= 0) {  /* re-registering a name replaces it (re-run cells) */
        l->tensors[i] = t;
        return;
    }
    if (l->n == l->cap) {
        int cap = l->cap ? 2 * l->cap : 4;
        const char **nn = cdl_alloc(sizeof(char *) * cap);
        Tensor **nt = cdl_alloc(sizeof(Tensor *) * cap);
        if (l->n) {
            memcpy(nn, l->names, sizeof(char *) * l->n);
            memcpy(nt, l->tensors, sizeof(Tensor *) * l->n);
        }
        l->names = nn;
        l->tensors = nt;
        l->cap = cap;
    }
    l->names[l->n] = dup_str(name);
    l->tensors[l->n++] = t;
}

Tensor *nn_register_parameter(Module *m, const char *name, Tensor *t)
{
    CDL_ARG(m);
    CDL_ARG(t);
    const char *fn = "nn_register_parameter";
    check_module(m, fn);
    check_name(name, fn);
    if (!dtype_is_float(t->dtype))
        error_raise(ERR_TYPE, "%s: parameter \"%s\" must be a floating tensor, not %s (use tensor_float)",
                    fn, name, dtype_name(t->dtype));
    if (t->grad_fn)
        error_raise(ERR_VALUE, "%s: parameter \"%s\" was computed by an op (%s); a parameter must be a leaf: "
                    "pass tensor_detach(t) or create it directly", fn, name, t->grad_fn->rule->name);
    t->requires_grad = true;
    nt_put(&m->params, name, t);
    return t;
}

Tensor *nn_register_buffer(Module *m, const char *name, Tensor *t)
{
    CDL_ARG(m);
    CDL_ARG(t);
    const char *fn = "nn_register_buffer";
    check_module(m, fn);
    check_name(name, fn);
    nt_put(&m->buffers, name, t);
    return t;
}

Module *nn_register_module(Module *m, const char *name, Module *child)
{
    CDL_ARG(m);
    CDL_ARG(child);
    const char *fn = "nn_register_module";
    check_module(m, fn);
    check_name(name, fn);
    if (child == m)
        error_raise(ERR_VALUE, "%s: a module cannot be its own sub-module (\"%s\")", fn, name);
    for (int i = 0; i < m->nc; i++)
        if (!strcmp(m->cnames[i], name)) {
            m->children[i] = child;
            return child;
        }
    if (m->nc == m->cap_c) {
        int cap = m->cap_c ? 2 * m->cap_c : 4;
        const char **nn = cdl_alloc(sizeof(char *) * cap);
        Module **nc = cdl_alloc(sizeof(Module *) * cap);
        if (m->nc) {
            memcpy(nn, m->cnames, sizeof(char *) * m->nc);
            memcpy(nc, m->children, sizeof(Module *) * m->nc);
        }
        m->cnames = nn;
        m->children = nc;
        m->cap_c = cap;
    }
    m->cnames[m->nc] = dup_str(name);
    m->children[m->nc++] = child;
    return child;
}

/* A layer whose weight went to tensor_free cannot run: say so before its
 * forward reads the freed tensor. */
static void check_tensors_live(const NamedTensors *l, const char *what, const char *type)
{
    for (int i = 0; i < l->n; i++)
        if (l->tensors[i] && l->tensors[i]->head.freed)
            error_raise(ERR_VALUE, "nn_forward: %s '%s' of %s was freed by tensor_free: the module cannot run "
                        "any more (create it again)", what, l->names[i], type);
}

Tensor *nn_forward(Module *m, Tensor *x)
{
    CDL_ARG(m);
    CDL_ARG(x);
    interrupt_check();
    check_module(m, "nn_forward");
    check_tensors_live(&m->params, "parameter", m->type);
    check_tensors_live(&m->buffers, "buffer", m->type);
    Tensor *y;
    if (m->user_fwd)
        y = m->user_fwd(m, x, m->ctx);
    else if (m->fwd)
        y = m->fwd(m, x);
    else
        error_raise(ERR_VALUE, "nn_forward: module %s has no forward function (pass one to nn_module)", m->type);
    if (!y)
        error_raise(ERR_VALUE, "nn_forward: the forward function of %s returned NULL; it must return a tensor",
                    m->type);
    nn_note_output(m, y);
    return y;
}

void nn_note_output(Module *m, const Tensor *y)
{
    m->out_ndim = y->ndim;
    memcpy(m->out_shape, y->shape, sizeof(int64_t) * y->ndim);
    m->call_seq = ++g_call_seq;
}

/* Walks a dotted path to the module owning the last component. */
static Module *walk(Module *m, const char *path, const char **last)
{
    const char *dot;
    while ((dot = strchr(path, '.'))) {
        Module *next = NULL;
        for (int i = 0; i < m->nc; i++)
            if (strlen(m->cnames[i]) == (size_t)(dot - path) && !strncmp(m->cnames[i], path, dot - path))
                next = m->children[i];
        if (!next)
            return NULL;
        m = next;
        path = dot + 1;
    }
    *last = path;
    return m;
}

Tensor *nn_get_parameter(Module *m, const char *name)
{
    CDL_ARG(m);
    check_module(m, "nn_get_parameter");
    const char *last;
    Module *o = walk(m, name, &last);
    if (!o)
        return NULL;
    int i = nt_find(&o->params, last);
    return i >= 0 ? o->params.tensors[i] : NULL;
}

Module *nn_get_module(Module *m, const char *name)
{
    CDL_ARG(m);
    check_module(m, "nn_get_module");
    const char *last;
    Module *o = walk(m, name, &last);
    if (!o)
        return NULL;
    for (int i = 0; i < o->nc; i++)
        if (!strcmp(o->cnames[i], last))
            return o->children[i];
    return NULL;
}

void *nn_ctx(Module *m) { CDL_ARG(m); check_module(m, "nn_ctx"); return m->ctx; }
const char *nn_type(const Module *m) { CDL_ARG(m); check_module(m, "nn_type"); return m->type; }
int nn_num_children(const Module *m) { CDL_ARG(m); check_module(m, "nn_num_children"); return m->nc; }

Module *nn_child(Module *m, int i)
{
    CDL_ARG(m);
    check_module(m, "nn_child");
    if (i < 0) i += m->nc;
    if (i < 0 || i >= m->nc)
        error_raise(ERR_INDEX, "nn_child: index %d out of range for %s with %d sub-modules", i, m->type, m->nc);
    return m->children[i];
}

const char *nn_child_name(const Module *m, int i)
{
    CDL_ARG(m);
    check_module(m, "nn_child_name");
    if (i < 0 || i >= m->nc)
        error_raise(ERR_INDEX, "nn_child_name: index %d out of range for %s with %d sub-modules", i, m->type, m->nc);
    return m->cnames[i];
}

/* ---- recursive listings ---- */

typedef struct Lister {
    ParamList *out;
    int cap;
    bool dedup;
} Lister;

static void list_add(Lister *L, const char *name, Tensor *t)
{
    ParamList *o = L->out;
    if (L->dedup)  /* a tensor shared by two modules is listed once (tied weights) */
        for (int i = 0; i < o->n; i++)
            if (o->tensors[i] == t)
                return;
    if (o->n == L->cap) {
        int cap = L->cap ? 2 * L->cap : 16;
        const char **nn = cdl_alloc(sizeof(char *) * cap);
        Tensor **nt = cdl_alloc(sizeof(Tensor *) * cap);
        if (o->n) {
            memcpy(nn, o->names, sizeof(char *) * o->n);
            memcpy(nt, o->tensors, sizeof(Tensor *) * o->n);
        }
        o->names = nn;
        o->tensors = nt;
        L->cap = cap;
    }
    o->names[o->n] = name;
    o->tensors[o->n++] = t;
}

static void list_rec(Module *m, const char *prefix, Lister *L, bool params, int depth)
{
    if (depth > 64)
        error_raise(ERR_VALUE, "nn_parameters: modules nested more than 64 deep (is a module its own descendant?)");
    NamedTensors *nt = params ? &m->params : &m->buffers;
    for (int i = 0; i < nt->n; i++)
        list_add(L, *prefix ? nn_strf("%s.%s", prefix, nt->names[i]) : nt->names[i], nt->tensors[i]);
    for (int i = 0; i < m->nc; i++)
        list_rec(m->children[i], *prefix ? nn_strf("%s.%s", prefix, m->cnames[i]) : m->cnames[i], L, params,
                 depth + 1);
}

static ParamList *listing(Module *m, bool params, const char *fn)
{
    check_module(m, fn);
    Lister L = { cdl_alloc(sizeof(ParamList)), 0, true };
    list_rec(m, "", &L, params, 0);
    return L.out;
}

ParamList *nn_parameters(Module *m) { CDL_ARG(m); return listing(m, true, "nn_parameters"); }
ParamList *nn_named_parameters(Module *m) { CDL_ARG(m); return listing(m, true, "nn_named_parameters"); }
ParamList *nn_named_buffers(Module *m) { CDL_ARG(m); return listing(m, false, "nn_named_buffers"); }

ParamList *nn_state(Module *m)
{
    CDL_ARG(m);
    ParamList *p = listing(m, true, "nn_state"), *b = listing(m, false, "nn_state");
    ParamList *o = cdl_alloc(sizeof(ParamList));
    o->n = p->n + b->n;
    o->names = cdl_alloc(sizeof(char *) * (o->n ? o->n : 1));
    o->tensors = cdl_alloc(sizeof(Tensor *) * (o->n ? o->n : 1));
    for (int i = 0; i < p->n; i++) {
        o->names[i] = p->names[i];
        o->tensors[i] = p->tensors[i];
    }
    for (int i = 0; i < b->n; i++) {
        o->names[p->n + i] = b->names[i];
        o->tensors[p->n + i] = b->tensors[i];
    }
    return o;
}

static void apply_rec(Module *m, void (*fn)(Module *, void *), void *ctx, int depth)
{
    if (depth > 64)
        error_raise(ERR_VALUE, "nn_apply: modules nested more than 64 deep");
    for (int i = 0; i < m->nc; i++)
        apply_rec(m->children[i], fn, ctx, depth + 1);
    fn(m, ctx);
}

void nn_apply(Module *m, void (*fn)(Module *, void *), void *ctx)
{
    CDL_ARG(m);
    check_module(m, "nn_apply");
    if (!fn)
        error_raise(ERR_VALUE, "nn_apply: the function is NULL");
    apply_rec(m, fn, ctx, 0);
}

static void set_mode(Module *m, void *ctx) { m->training = *(bool *)ctx; }

Module *nn_train(Module *m, bool training)
{
    CDL_ARG(m);
    check_module(m, "nn_train");
    apply_rec(m, set_mode, &training, 0);
    return m;
}

Module *nn_eval(Module *m) { CDL_ARG(m); return nn_train(m, false); }
bool nn_is_training(const Module *m) { CDL_ARG(m); check_module(m, "nn_is_training"); return m->training; }

void nn_zero_grad(Module *m)
{
    CDL_ARG(m);
    ParamList *p = nn_parameters(m);
    for (int i = 0; i < p->n; i++)
        p->tensors[i]->grad = NULL;
}

int64_t nn_num_parameters(Module *m, bool trainable_only)
{
    CDL_ARG(m);
    ParamList *p = nn_parameters(m);
    int64_t n = 0;
    for (int i = 0; i < p->n; i++)
        if (!trainable_only || p->tensors[i]->requires_grad)
            n += p->tensors[i]->numel;
    return n;
}

void nn_requires_grad_(Module *m, bool requires_grad)
{
    CDL_ARG(m);
    ParamList *p = nn_parameters(m);
    for (int i = 0; i < p->n; i++)
        p->tensors[i]->requires_grad = requires_grad;
}

/* Makes t hold src's data (same Tensor object: optimizers keep working). */
static void adopt(Tensor *t, Tensor *src)
{
    if (src == t)
        return;
    t->storage = src->storage;
    t->offset = src->offset;
    t->dtype = src->dtype;
    t->device = src->device;
    memcpy(t->strides, src->strides, sizeof t->strides);
    t_refresh(t);
}

static void move_list(ParamList *l, Device device /* NULL: keep */, int dtype /* -1: keep */)
{
    no_grad_enter();
    for (int i = 0; i < l->n; i++) {
        Tensor *t = l->tensors[i];
        Tensor *d = t;
        if (dtype >= 0 && dtype_is_float(t->dtype) && t->dtype != (DType)dtype)
            d = t_convert(tensor_detach(d), (DType)dtype);
        if (device && d->device != device)
            d = tensor_to_device(tensor_detach(d), device);
        adopt(t, d);
        if (t->grad && (t->grad->device != t->device || t->grad->dtype != t->dtype))
            t->grad = NULL;
    }
    no_grad_exit();
}

Module *nn_to_device(Module *m, Device device)
{
    CDL_ARG(m);
    check_module(m, "nn_to");
    move_list(nn_state(m), device, -1);
    return m;
}

Module *nn_to_name(Module *m, const char *device) { CDL_ARG(m); return nn_to_device(m, device_parse(device)); }

Module *nn_to_dtype(Module *m, DType dtype)
{
    CDL_ARG(m);
    check_module(m, "nn_to_dtype");
    if (!dtype_is_float(dtype))
        error_raise(ERR_TYPE, "nn_to_dtype: parameters must be floating, not %s (use DT_FLOAT32 or DT_FLOAT64)",
                    dtype_name(dtype));
    move_list(nn_state(m), NULL, dtype);
    return m;
}
