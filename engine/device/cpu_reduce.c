/* CPU reductions over the middle axis of a contiguous (k1, r, k2) view:
 * sums with several partial accumulators (speed without losing much
 * accuracy), max/min with their positions. */
#include "cpu.h"
#include "../parallel/pool.h"

typedef struct RedJob {
    ReduceOp op;
    const Tensor *a;
    Tensor *out;
    int64_t k1, r, k2;
    double *partial;  /* full sums split over threads */
} RedJob;

/* Sum of n contiguous floats: 8 accumulators, flushed to double every block. */
CPU_VEC static double sum_f32(const float *x, int64_t n)
{
    double total = 0;
    int64_t i = 0;
    while (i < n) {
        int64_t end = i + 4096 < n ? i + 4096 : n;
        float acc[8] = { 0 };
        for (; i + 8 <= end; i += 8)
            for (int k = 0; k < 8; k++)
                acc[k] += x[i + k];
        for (; i < end; i++)
            acc[0] += x[i];
        total += ((double)acc[0] + acc[1]) + ((double)acc[2] + acc[3]) +
                 ((double)acc[4] + acc[5]) + ((double)acc[6] + acc[7]);
    }
    return total;
}

CPU_VEC static double sum_f64(const double *x, int64_t n)
{
    double acc[4] = { 0 };
    int64_t i = 0;
    for (; i + 4 <= n; i += 4)
        for (int k = 0; k < 4; k++)
            acc[k] += x[i + k];
    for (; i < n; i++)
        acc[0] += x[i];
    return (acc[0] + acc[1]) + (acc[2] + acc[3]);
}

#define RED_ROWS(NAME, T, SUMFN) \
CPU_VEC static void NAME(const RedJob *J, int64_t b, int64_t e) \
{ \
    const T *a = (const T *)t_ptr(J->a); \
    int64_t r = J->r, k2 = J->k2; \
    bool arg = J->op == R_ARGMAX || J->op == R_ARGMIN; \
    T *o = arg ? NULL : (T *)t_ptr(J->out); \
    int64_t *oi = arg ? (int64_t *)t_ptr(J->out) : NULL; \
    for (int64_t i = b; i < e; i++) { \
        const T *x = a + i * r * k2; \
        if (J->op == R_SUM && k2 == 1) { o[i] = (T)SUMFN(x, r); continue; } \
        for (int64_t j = 0; j < k2; j++) { \
            if (J->op == R_SUM && j == 0) { \
                /* Row-wise accumulation over r keeps the inner loop contiguous. */ \
                T *dst = o + i * k2; \
                for (int64_t q = 0; q < k2; q++) dst[q] = 0; \
                for (int64_t rr = 0; rr < r; rr++) { \
                    const T *row = x + rr * k2; \
                    for (int64_t q = 0; q < k2; q++) dst[q] += row[q]; \
                } \
                break; \
            } \
            if (J->op == R_PROD) { \
                T acc = 1; \
                for (int64_t rr = 0; rr < r; rr++) acc *= x[rr * k2 + j]; \
                o[i * k2 + j] = acc; \
                continue; \
            } \
            bool want_max = J->op == R_MAX || J->op == R_ARGMAX; \
            T best = x[j]; int64_t bi = 0; \
            for (int64_t rr = 1; rr < r && best == best; rr++) { \
                T v = x[rr * k2 + j]; \
                if (v != v || (want_max ? v > best : v < best)) { best = v; bi = rr; } \
            } \
            if (arg) oi[i * k2 + j] = bi; else o[i * k2 + j] = best; \
        } \
    } \
}

static int64_t sum_i64(const int64_t *x, int64_t n)
{
    int64_t s = 0;
    for (int64_t i = 0; i < n; i++)
        s += x[i];
    return s;
}

RED_ROWS(red_f32, float, sum_f32)
RED_ROWS(red_f64, double, sum_f64)
RED_ROWS(red_i64, int64_t, sum_i64)

static void red_range(int64_t b, int64_t e, void *arg)
{
    const RedJob *J = arg;
    switch (J->a->dtype) {
    case DT_FLOAT32: red_f32(J, b, e); break;
    case DT_FLOAT64: red_f64(J, b, e); break;
    default: red_i64(J, b, e); break;
    }
}

/* Pieces of one long sum, each on a thread. */
static void sum_pieces(int64_t b, int64_t e, void *arg)
{
    RedJob *J = arg;
    int64_t piece = (J->r + 15) / 16;
    for (int64_t k = b; k < e; k++) {
        int64_t s = k * piece, n = s + piece < J->r ? piece : J->r - s;
        if (n <= 0) { J->partial[k] = 0; continue; }
        J->partial[k] = J->a->dtype == DT_FLOAT32 ? sum_f32((const float *)t_ptr(J->a) + s, n)
                                                 : sum_f64((const double *)t_ptr(J->a) + s, n);
    }
}

void cpu_reduce(ReduceArgs *ra)
{
    ReduceOp op = ra->op;
    const Tensor *a = ra->a;
    Tensor *out = ra->out;
    int64_t k1 = ra->k1, r = ra->r, k2 = ra->k2;
    RedJob J = { op, a, out, k1, r, k2, NULL };
    if (r == 0) {
        cpu_fill(&(FillArgs){ .out = out, .value = op == R_PROD ? 1 : 0 });
        return;
    }
    if (op == R_SUM && k1 == 1 && k2 == 1 && r >= 4 * CPU_PARALLEL_MIN && dtype_is_float(a->dtype)) {
        double partial[16];
        J.partial = partial;
        parallel_for(16, 8, sum_pieces, &J);
        double s = 0;
        for (int k = 0; k < 16; k++)
            s += partial[k];
        if (a->dtype == DT_FLOAT32) *(float *)t_ptr(out) = (float)s;
        else *(double *)t_ptr(out) = s;
        return;
    }
    int64_t per_row = r * k2;
    int64_t grain = per_row >= CPU_PARALLEL_MIN ? 1 : CPU_PARALLEL_MIN / (per_row ? per_row : 1);
    parallel_for(k1, grain, red_range, &J);
}
