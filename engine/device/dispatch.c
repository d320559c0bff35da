/* One dispatch for every op: the generated dev_<op> checks the engine's
 * invariants (one device, a dtype the table allows), then runs the op on
 * the device's backend, or, when that backend lacks it or supports()
 * refuses the call, on the CPU backend: each tensor is copied to the host
 * (the bytes its elements span, so views keep their strides), the CPU
 * kernel runs on the copies, and the outputs are copied back. */
#include "cpu.h"

#include <stdarg.h>
#include <stdio.h>

/* ---- names and dtype rules, from the tables ---- */

#define NAME_(ID, name, Args, nout, dts, kind) #name,
static const char *const g_op_names[OP_COUNT] = { BACKEND_OPS(NAME_) BACKEND_LIST_OPS(NAME_) };
#undef NAME_
#define DTS_(ID, name, Args, nout, dts, kind) dts,
static const unsigned g_op_dtypes[OP_COUNT] = { BACKEND_OPS(DTS_) BACKEND_LIST_OPS(DTS_) };
#undef DTS_
#define KIND_(ID, name, Args, nout, dts, kind) kind,
static const OpKind g_op_kinds[OP_COUNT] = { BACKEND_OPS(KIND_) BACKEND_LIST_OPS(KIND_) };
#undef KIND_

const char *backend_op_name(BackendOp op) { return (unsigned)op < OP_COUNT ? g_op_names[op] : "invalid op"; }
unsigned backend_op_dtypes(BackendOp op) { return (unsigned)op < OP_COUNT ? g_op_dtypes[op] : 0; }
OpKind backend_op_kind(BackendOp op) { return (unsigned)op < OP_COUNT ? g_op_kinds[op] : OPK_PLAIN; }

#define EL_NAME_(id, name, kind) name,
#define EL_INT_(id, name, kind) #kind[0] == 'I',
static const char *const g_unary_names[U_COUNT] = { UNARY_ARITH_OPS(EL_NAME_) UNARY_CMP_OPS(EL_NAME_) };
const bool cdl_unary_takes_int[U_COUNT] = { UNARY_ARITH_OPS(EL_INT_) UNARY_CMP_OPS(EL_INT_) };
static const char *const g_binary_names[B_COUNT] = { BINARY_ARITH_OPS(EL_NAME_) BINARY_CMP_OPS(EL_NAME_) };
const bool cdl_binary_takes_int[B_COUNT] = { BINARY_ARITH_OPS(EL_INT_) BINARY_CMP_OPS(EL_INT_) };
#undef EL_NAME_
#undef EL_INT_

const char *unary_op_name(UnaryOp op) { return (unsigned)op < U_COUNT ? g_unary_names[op] : "invalid"; }
const char *binary_op_name(BinaryOp op) { return (unsigned)op < B_COUNT ? g_binary_names[op] : "invalid"; }

/* ---- the checks every call goes through ---- */

/* A broken invariant: names it (never returns). */
__attribute__((cold, noinline)) static void op_invalid(BackendOp op, Tensor *const *ts, int n, int n_out)
{
    const Tensor *first = NULL, *rule = NULL;
    for (int k = 0; k < n; k++) {
        const Tensor *t = ts[k];
        if (!t)
            continue;
        if (!first)
            first = t;
        CDL_ASSERT(t->device == first->device, "%s: tensors on %s and %s", g_op_names[op],
                   device_name(first->device), device_name(t->device));
        if (k >= n_out && !rule)
            rule = t;
    }
    CDL_ASSERT(first, "%s: no tensor", g_op_names[op]);
    CDL_ASSERT(false, "%s does not take %s tensors", g_op_names[op], dtype_name((rule ? rule : first)->dtype));
}

/* The backend of a call's device, after checking the invariants the
 * engine's ops establish before calling: every tensor on one device, and
 * the first input (else the first output) in the op's dtypes. Inlined in
 * each dispatcher, where the tensor count is a constant. */
__attribute__((always_inline)) static inline const Backend *op_check(BackendOp op, Tensor *const *ts, int n,
                                                                    int n_out)
{
    const Tensor *first = NULL, *rule = NULL;
    unsigned differ = 0;
    for (int k = 0; k < n; k++) {
        const Tensor *t = ts[k];
        if (!t)
            continue;
        if (!first)
            first = t;
        differ |= t->device != first->device;
        if (k >= n_out && !rule)
            rule = t;
    }
    if (!rule)
        rule = first;
    if (__builtin_expect(!first || differ || !(g_op_dtypes[op] >> rule->dtype & 1), 0))
        op_invalid(op, ts, n, n_out);
    return first->device == DEVICE_CPU ? &cdl_cpu_backend : backend_for(first->device);
}

/* ---- the fallback to the CPU ---- */

/* The element offsets [lo, hi] (relative to t->offset) that t's elements span. */
static void span(const Tensor *t, int64_t *lo, int64_t *hi)
{
    *lo = *hi = 0;
    for (int d = 0; d < t->ndim; d++) {
        int64_t s = (t->shape[d] - 1) * t->strides[d];
        if (s < 0) *lo += s; else *hi += s;
    }
}

/* A host copy of device tensor t with t's shape and strides. */
static Tensor *to_host(const Backend *be, const Tensor *t)
{
    if (t->numel == 0)
        return t_new(t->dtype, t->ndim, t->shape, DEVICE_CPU);
    int64_t lo, hi, es = t_esize(t->dtype);
    span(t, &lo, &hi);
    int64_t count = hi - lo + 1;
    Tensor *base = t_new(t->dtype, 1, &count, DEVICE_CPU);
    be->download(t->device, t_ptr(base), (const char *)t_ptr(t) + lo * es, (size_t)(count * es));
    return t_view(base, t->ndim, t->shape, t->strides, -lo);
}

/* Writes host copy h back into device tensor t (the whole span: bytes of it
 * that are not t's elements were downloaded with it and are unchanged). */
static void from_host(const Backend *be, Tensor *t, const Tensor *h)
{
    if (t->numel == 0)
        return;
    int64_t lo, hi, es = t_esize(t->dtype);
    span(t, &lo, &hi);
    be->upload(t->device, (char *)t_ptr(t) + lo * es, (const char *)t_ptr(h) + lo * es, (size_t)((hi - lo + 1) * es));
}

/* Host copies of v's tensors into host[] (the same copy for a tensor listed twice). */
static void fallback_in(const Backend *be, const OpView *v, Tensor **host)
{
    for (int k = 0; k < v->n; k++) {
        host[k] = NULL;
        if (!v->t[k])
            continue;
        for (int j = 0; j < k; j++)
            if (v->t[j] == v->t[k])
                host[k] = host[j];
        if (!host[k])
            host[k] = to_host(be, v->t[k]);
    }
}

static void fallback_out(const Backend *be, const OpView *v, Tensor *const *host)
{
    for (int k = 0; k < v->n_out; k++)
        if (v->t[k])
            from_host(be, v->t[k], host[k]);
}

static bool native(const Backend *be, void *entry, const OpView *v)
{
    return entry && (!be->supports || be->supports(v));
}

/* Calls per (device type, op), run natively [1] or through the fallback
 * [0]; the CPU's are not counted (its calls never fall back). */
static uint64_t g_calls[DEVTYPE_COUNT][OP_COUNT][2];

uint64_t backend_calls(DeviceType type, BackendOp op, bool native_run)
{
    return (unsigned)type < DEVTYPE_COUNT && (unsigned)op < OP_COUNT ? g_calls[type][op][native_run] : 0;
}

static void count(const Backend *be, BackendOp op, bool native_run)
{
    g_calls[be->type][op][native_run]++;
}

/* The dispatcher of each fixed-tensor op. After the CPU ran on the host
 * copies, scalar outputs of the argument struct (Conv2dArgs.kept...) are
 * handed back with the caller's tensors restored. */
#define DISPATCH_(ID, name, Args, NOUT, DTS, kind) \
void dev_##name(Args *a) \
{ \
    enum { N = sizeof a->t / sizeof a->t[0] }; \
    _Static_assert(NOUT >= 1 && NOUT <= N, #name ": outputs must be among its tensors"); \
    const Backend *be = op_check(OP_##ID, a->t, N, NOUT); \
    if (be == &cdl_cpu_backend) { \
        cpu_##name(a); \
        return; \
    } \
    OpView v = { OP_##ID, NOUT, N, a->t, a }; \
    bool nat = native(be, (void *)be->name, &v); \
    count(be, OP_##ID, nat); \
    if (nat) { \
        be->name(a); \
        return; \
    } \
    Args h = *a; \
    fallback_in(be, &v, h.t); \
    cdl_cpu_backend.name(&h); \
    fallback_out(be, &v, h.t); \
    memcpy(h.t, a->t, sizeof h.t); \
    *a = h; \
} \
bool dev_native_##name(Args *a) \
{ \
    OpView v = { OP_##ID, NOUT, sizeof a->t / sizeof a->t[0], a->t, a }; \
    const Backend *be = op_check(v.op, v.t, v.n, v.n_out); \
    return native(be, (void *)be->name, &v); \
}
BACKEND_OPS(DISPATCH_)
#undef DISPATCH_

/* The list ops: their tensors are params, state (written) and grads (read). */
#define LIST_DISPATCH_(ID, name, Args, NOUT, DTS, kind) \
void dev_##name(OptimArgs *a) { list_dispatch(OP_##ID, a); }

static void list_dispatch(BackendOp op, OptimArgs *a)
{
    if (a->n == 0)
        return;
    int ns = a->n * a->nstate;
    OpView v = { op, a->n, a->n, a->params, a };
    const Backend *be = op_check(op, v.t, v.n, v.n_out);
    Device dev0 = a->params[0]->device;
    for (int i = 0; i < a->n; i++) {
        CDL_ASSERT(a->grads[i]->device == dev0, "%s: the gradient of parameter %d is not on %s", g_op_names[op], i,
                   device_name(dev0));
        for (int k = 0; k < a->nstate; k++)
            CDL_ASSERT(a->state[i * a->nstate + k]->device == dev0, "%s: state %d.%d is not on %s",
                       g_op_names[op], i, k, device_name(dev0));
    }
    void (*entry)(OptimArgs *) = NULL, (*cpu)(OptimArgs *) = NULL;
    switch (op) {
#define PICK_(ID, name, Args, nout, dts, kind) case OP_##ID: entry = be->name; cpu = cdl_cpu_backend.name; break;
    BACKEND_LIST_OPS(PICK_)
#undef PICK_
    default: CDL_ASSERT(false, "op %d is not a list op", (int)op);
    }
    bool nat = be->type == DEVTYPE_CPU || native(be, (void *)entry, &v);
    if (be->type != DEVTYPE_CPU)
        count(be, op, nat);
    if (nat) {
        entry(a);
        return;
    }
    /* host copies of the parameters and their state, then of the gradients */
    Tensor **host = cdl_alloc(sizeof(Tensor *) * (size_t)(2 * a->n + ns));
    OpView w = { op, a->n + ns, a->n + ns, NULL, a };
    Tensor **dev = cdl_alloc(sizeof(Tensor *) * (size_t)(a->n + ns));
    memcpy(dev, a->params, sizeof(Tensor *) * (size_t)a->n);
    memcpy(dev + a->n, a->state, sizeof(Tensor *) * (size_t)ns);
    w.t = dev;
    fallback_in(be, &w, host);
    for (int i = 0; i < a->n; i++)
        host[a->n + ns + i] = to_host(be, a->grads[i]);
    OptimArgs h = *a;
    h.params = host;
    h.state = host + a->n;
    h.grads = (const Tensor **)(host + a->n + ns);
    cpu(&h);
    fallback_out(be, &w, host);
}
BACKEND_LIST_OPS(LIST_DISPATCH_)
#undef LIST_DISPATCH_
