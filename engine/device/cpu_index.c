/* CPU indexing kernels: index_select / index_add over (outer, n, inner)
 * blocks, gather / scatter element by element. Index values were checked by
 * the caller. */
#include "cpu.h"

static void block_dims(const Tensor *t, int dim, int64_t *outer, int64_t *inner)
{
    *outer = 1;
    *inner = 1;
    for (int d = 0; d < dim; d++) *outer *= t->shape[d];
    for (int d = dim + 1; d < t->ndim; d++) *inner *= t->shape[d];
}

void cpu_index_select(IndexArgs *x)
{
    Tensor *out = x->out;
    const Tensor *index = x->index;
    int dim = x->dim;
    Tensor *c = t_contig((Tensor *)x->src);
    int64_t outer, inner;
    block_dims(c, dim, &outer, &inner);
    size_t es = dtype_size(c->dtype), row = inner * es;
    int64_t n = index->numel, na = c->ndim ? c->shape[dim] : 1;
    const int64_t *idx = t_ptr(index);
    const char *src = t_ptr(c);
    char *dst = t_ptr(out);
    for (int64_t o = 0; o < outer; o++)
        for (int64_t i = 0; i < n; i++)
            memcpy(dst + (o * n + i) * row, src + (o * na + idx[i]) * row, row);
}

#define ADD_ROWS(T) \
    for (int64_t o = 0; o < outer; o++) \
        for (int64_t i = 0; i < n; i++) { \
            T *d = (T *)dst + (o * no + idx[i]) * inner; \
            const T *s = (const T *)src + (o * n + i) * inner; \
            for (int64_t k = 0; k < inner; k++) d[k] += s[k]; \
        }

void cpu_index_add(IndexArgs *x)
{
    Tensor *out = x->out;
    const Tensor *index = x->index;
    int dim = x->dim;
    Tensor *c = t_contig((Tensor *)x->src);
    int64_t outer, inner;
    block_dims(out, dim, &outer, &inner);
    int64_t n = index->numel, no = out->ndim ? out->shape[dim] : 1;
    const int64_t *idx = t_ptr(index);
    const char *src = t_ptr(c);
    char *dst = t_ptr(out);
    switch (out->dtype) {
    case DT_FLOAT32: ADD_ROWS(float) break;
    case DT_FLOAT64: ADD_ROWS(double) break;
    case DT_INT64: ADD_ROWS(int64_t) break;
    default: ADD_ROWS(uint8_t) break;
    }
}

/* Visits every element of index (shape of index), calling back with the
 * position's offsets: in index (contiguous), in `other` (its strides) and
 * the index value's dim. */
typedef void (*ElemFn)(int64_t idx_val, int64_t other_off, const int64_t *pos, void *ctx);

static void for_each_index(const Tensor *index, const Tensor *other, ElemFn fn, void *ctx)
{
    int nd = index->ndim;
    int64_t pos[TENSOR_MAX_DIMS] = { 0 };
    const int64_t *iv = t_ptr(index);
    for (int64_t k = 0; k < index->numel; k++) {
        int64_t off = 0;
        for (int d = 0; d < nd; d++)
            off += pos[d] * other->strides[d];
        fn(iv[k], off, pos, ctx);
        for (int d = nd - 1; d >= 0; d--) {
            if (++pos[d] < index->shape[d])
                break;
            pos[d] = 0;
        }
    }
}

typedef struct GS {
    const Tensor *a;      /* gather: source; scatter: destination */
    char *dst_or_src;     /* gather: out base (contiguous, walked); scatter: src base */
    int dim;
    size_t es;
    int64_t k;            /* running element counter */
    bool add;
    DType dtype;
} GS;

static void gather_one(int64_t v, int64_t off_unused, const int64_t *pos, void *ctx)
{
    (void)off_unused;
    GS *g = ctx;
    int64_t off = 0;
    for (int d = 0; d < g->a->ndim; d++)
        off += (d == g->dim ? v : pos[d]) * g->a->strides[d];
    memcpy(g->dst_or_src + g->k * g->es, (const char *)t_ptr(g->a) + off * (int64_t)g->es, g->es);
    g->k++;
}

void cpu_gather(IndexArgs *x)
{
    const Tensor *a = x->src;
    GS g = { a, t_ptr(x->out), x->dim, dtype_size(a->dtype), 0, false, a->dtype };
    for_each_index(x->index, x->index, gather_one, &g);
}

static void scatter_one(int64_t v, int64_t src_off, const int64_t *pos, void *ctx)
{
    GS *g = ctx;
    int64_t off = 0;
    for (int d = 0; d < g->a->ndim; d++)
        off += (d == g->dim ? v : pos[d]) * g->a->strides[d];
    char *dst = (char *)t_ptr(g->a) + off * (int64_t)g->es;
    const char *src = g->dst_or_src + src_off * (int64_t)g->es;
    if (!g->add) {
        memcpy(dst, src, g->es);
        return;
    }
    switch (g->dtype) {
    case DT_FLOAT32: *(float *)dst += *(const float *)src; break;
    case DT_FLOAT64: *(double *)dst += *(const double *)src; break;
    case DT_INT64: *(int64_t *)dst += *(const int64_t *)src; break;
    default: *(uint8_t *)dst += *(const uint8_t *)src; break;
    }
}

void cpu_scatter(IndexArgs *x)
{
    GS g = { x->out, t_ptr(x->src), x->dim, dtype_size(x->out->dtype), 0, x->add, x->out->dtype };
    for_each_index(x->index, x->src, scatter_one, &g);
}
