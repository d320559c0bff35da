/* The CPU backend: memory, the strided n-d loop every kernel uses, fill and
 * dtype-converting copy, and the backend struct (every op of the table:
 * the CPU is where the other backends fall back). */
#include "cpu.h"
#include "../parallel/pool.h"

#include <stdint.h>

#define MAX_OPS 4

typedef struct Loop {
    int nops, ndim;
    int64_t shape[TENSOR_MAX_DIMS];
    int64_t strides[MAX_OPS][TENSOR_MAX_DIMS];  /* bytes */
    char *base[MAX_OPS];
    RowFn fn;
    const void *ctx;
} Loop;

/* Rows [b, e) of the outer dims (all but the last). */
static void loop_rows(int64_t b, int64_t e, void *arg)
{
    const Loop *L = arg;
    int nd = L->ndim, last = nd - 1;
    int64_t idx[TENSOR_MAX_DIMS] = { 0 };
    int64_t rem = b;
    for (int d = last - 1; d >= 0; d--) {
        idx[d] = rem % L->shape[d];
        rem /= L->shape[d];
    }
    char *p[MAX_OPS];
    int64_t s[MAX_OPS];
    for (int k = 0; k < L->nops; k++) {
        p[k] = L->base[k];
        for (int d = 0; d < last; d++)
            p[k] += idx[d] * L->strides[k][d];
        s[k] = L->strides[k][last];
    }
    for (int64_t row = b; row < e; row++) {
        L->fn(L->shape[last], p, s, L->ctx);
        /* Odometer step over the outer dims. */
        for (int d = last - 1; d >= 0; d--) {
            for (int k = 0; k < L->nops; k++)
                p[k] += L->strides[k][d];
            if (++idx[d] < L->shape[d])
                break;
            for (int k = 0; k < L->nops; k++)
                p[k] -= L->strides[k][d] * L->shape[d];
            idx[d] = 0;
        }
    }
}

/* One long row split in pieces (a fully merged loop). */
static void loop_flat(int64_t b, int64_t e, void *arg)
{
    const Loop *L = arg;
    char *p[MAX_OPS];
    int64_t s[MAX_OPS];
    for (int k = 0; k < L->nops; k++) {
        s[k] = L->strides[k][0];
        p[k] = L->base[k] + b * s[k];
    }
    L->fn(e - b, p, s, L->ctx);
}

void cpu_foreach(int nops, const Tensor *const *ts, RowFn fn, const void *ctx)
{
    const Tensor *out = ts[0];
    if (out->numel == 0)
        return;
    char *p[MAX_OPS];
    int64_t s[MAX_OPS];
    bool contig = true;
    for (int k = 0; k < nops; k++) {
        p[k] = t_ptr(ts[k]);
        s[k] = t_esize(ts[k]->dtype);
        contig &= ts[k]->contiguous;
    }
    if (contig && out->numel < CPU_PARALLEL_MIN) {
        /* The small-tensor fast path: one row. */
        fn(out->numel, p, s, ctx);
        return;
    }
    Loop L;
    L.nops = nops;
    L.fn = fn;
    L.ctx = ctx;
    for (int k = 0; k < nops; k++)
        L.base[k] = p[k];
    /* Drop size-1 dims, then merge neighbours whose strides chain. */
    int nd = 0;
    for (int d = 0; d < out->ndim; d++) {
        if (out->shape[d] == 1)
            continue;
        if (nd > 0) {
            bool merge = true;
            for (int k = 0; k < nops; k++)
                if (L.strides[k][nd - 1] != ts[k]->strides[d] * t_esize(ts[k]->dtype) * out->shape[d])
                    merge = false;
            if (merge) {
                L.shape[nd - 1] *= out->shape[d];
                for (int k = 0; k < nops; k++)
                    L.strides[k][nd - 1] = ts[k]->strides[d] * t_esize(ts[k]->dtype);
                continue;
            }
        }
        L.shape[nd] = out->shape[d];
        for (int k = 0; k < nops; k++)
            L.strides[k][nd] = ts[k]->strides[d] * t_esize(ts[k]->dtype);
        nd++;
    }
    if (nd == 0) {
        L.shape[0] = 1;
        for (int k = 0; k < nops; k++)
            L.strides[k][0] = 0;
        nd = 1;
    }
    L.ndim = nd;
    if (nd == 1) {
        int64_t grain = out->numel >= CPU_PARALLEL_MIN ? CPU_PARALLEL_MIN / 2 : out->numel;
        parallel_for(L.shape[0], grain, loop_flat, &L);
    } else {
        int64_t rows = out->numel / L.shape[nd - 1];
        int64_t grain = out->numel >= CPU_PARALLEL_MIN ? (CPU_PARALLEL_MIN / 2) / L.shape[nd - 1] + 1 : rows;
        parallel_for(rows, grain, loop_rows, &L);
    }
}

/* ---- fill ---- */

#define FILL_ROW(NAME, T) \
CPU_VEC static void NAME(int64_t n, char **p, const int64_t *s, const void *ctx) \
{ \
    T v = *(const T *)ctx; \
    if (s[0] == sizeof(T)) { T *o = (T *)p[0]; for (int64_t i = 0; i < n; i++) o[i] = v; } \
    else for (int64_t i = 0; i < n; i++) *(T *)(p[0] + i * s[0]) = v; \
}
FILL_ROW(fill_f32, float)
FILL_ROW(fill_f64, double)
FILL_ROW(fill_i64, int64_t)
FILL_ROW(fill_u8, uint8_t)

void cpu_fill(FillArgs *a)
{
    Tensor *out = a->out;
    double value = a->value;
    union { float f; double d; int64_t i; uint8_t u; } v;
    RowFn fn;
    switch (out->dtype) {
    case DT_FLOAT32: v.f = (float)value; fn = fill_f32; break;
    case DT_FLOAT64: v.d = value; fn = fill_f64; break;
    case DT_INT64: v.i = (int64_t)value; fn = fill_i64; break;
    case DT_UINT8: v.u = (uint8_t)(int64_t)value; fn = fill_u8; break;
    default: v.u = value != 0; fn = fill_u8; break;
    }
    const Tensor *ts[1] = { out };
    cpu_foreach(1, ts, fn, &v);
}

/* ---- copy with conversion: one row function per (to, from) pair ---- */

#define CONV(TO, FROM, EXPR) \
CPU_VEC static void copy_##TO##_##FROM(int64_t n, char **p, const int64_t *s, const void *ctx) \
{ \
    (void)ctx; \
    typedef TYPE_##TO To; typedef TYPE_##FROM From; \
    if (s[0] == sizeof(To) && s[1] == sizeof(From)) { \
        To *o = (To *)p[0]; const From *a = (const From *)p[1]; \
        for (int64_t i = 0; i < n; i++) { From x = a[i]; o[i] = (To)(EXPR); } \
    } else { \
        for (int64_t i = 0; i < n; i++) { From x = *(const From *)(p[1] + i * s[1]); \
            *(To *)(p[0] + i * s[0]) = (To)(EXPR); } \
    } \
}
#define TYPE_f32 float
#define TYPE_f64 double
#define TYPE_i64 int64_t
#define TYPE_u8 uint8_t
#define TYPE_b uint8_t
#define CONV_FROM(FROM) CONV(f32, FROM, x) CONV(f64, FROM, x) CONV(i64, FROM, x) \
    CONV(u8, FROM, x) CONV(b, FROM, x != 0)
CONV_FROM(f32)
CONV_FROM(f64)
CONV_FROM(i64)
CONV_FROM(u8)
CONV_FROM(b)

static const RowFn g_copy[5][5] = {
#define ROW(TO) { copy_##TO##_f32, copy_##TO##_f64, copy_##TO##_i64, copy_##TO##_u8, copy_##TO##_b }
    ROW(f32), ROW(f64), ROW(i64), ROW(u8), ROW(b)
#undef ROW
};

void cpu_copy(CopyArgs *a)
{
    const Tensor *ts[2] = { a->out, a->in };
    cpu_foreach(2, ts, g_copy[a->out->dtype][a->in->dtype], NULL);
}

/* ---- memory ---- */

static int cpu_device_count(void) { return 1; }

static void cpu_release(Storage *s)
{
    if (!s->carved)  /* a carved piece goes with its block */
        cdl_free(s);
}

static void cpu_memcpy(Device device, void *dst, const void *src, size_t n)
{
    (void)device;
    memcpy(dst, src, n);
}

static void cpu_synchronize(Device device) { (void)device; }

const Backend cdl_cpu_backend = {
    .api_version = BACKEND_API_VERSION,
    .name = "cpu",
    .type = DEVTYPE_CPU,
    .host_memory = true,
    .device_count = cpu_device_count,
    .alloc = cpu_alloc,
    .release = cpu_release,
    .upload = cpu_memcpy,
    .download = cpu_memcpy,
    .synchronize = cpu_synchronize,
    .supports = NULL,
#define CPU_ENTRY_(ID, name, Args, nout, dts, kind) .name = cpu_##name,
    BACKEND_OPS(CPU_ENTRY_)
    BACKEND_LIST_OPS(CPU_ENTRY_)
#undef CPU_ENTRY_
};
