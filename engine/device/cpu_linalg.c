/* CPU batched matrix product on OpenBLAS. OpenBLAS is kept single-threaded:
 * the engine's pool splits big products (over the batch, or over rows) so
 * that only one set of threads is ever busy. Measured on 2 cores (2000^2
 * float32): the row split runs at 98-100% of cblas_sgemm with OpenBLAS's
 * own 2 threads, and handing big products to OpenBLAS's threads instead
 * (openblas_set_num_threads around the call) was no faster. Rows (or batch
 * items) are handed out in blocks that the threads take in turn, so that a
 * core slowed by another process does not hold the product back. Small
 * products (under 2^20 multiply-adds) stay on the calling thread. */
#include "cpu.h"
#include "../parallel/pool.h"

#include <cblas.h>

/* OpenBLAS's own server threads (started when the library loads) would
 * spin in sched_yield for about 0.1 s waiting for work that never comes,
 * taking a core from the engine's pool: they are stopped. OpenBLAS then
 * runs every call on the calling thread. */
int blas_thread_shutdown_(void);
__attribute__((constructor)) static void blas_single_thread(void)
{
    openblas_set_num_threads(1);
    blas_thread_shutdown_();
}

typedef struct Operand {
    const char *base;
    int64_t batch_stride;  /* elements */
    int64_t ld;
    bool trans;
} Operand;

typedef struct MMJob {
    Operand a, b;
    char *out;
    int64_t M, N, K;
    DType dtype;
    bool split_rows;  /* one product split by rows (else: over the batch) */
} MMJob;

/* Describes x (B, R, C) for BLAS; false if its last two dims are neither
 * row- nor column-major. */
static bool describe(const Tensor *x, Operand *o)
{
    int64_t R = x->shape[1], C = x->shape[2];
    int64_t s1 = R == 1 ? (C > 0 ? C : 1) : x->strides[1], s2 = C == 1 ? 1 : x->strides[2];
    o->base = t_ptr(x);
    o->batch_stride = x->shape[0] == 1 ? 0 : x->strides[0];
    if (x->numel == 0) {  /* nothing is read (K == 0 gives zeros): any layout */
        o->trans = false;
        o->ld = C > 1 ? C : 1;
        return true;
    }
    if (s2 == 1 && s1 >= (C > 1 ? C : 1)) {
        o->trans = false;
        o->ld = s1;
        return true;
    }
    s1 = R == 1 ? 1 : x->strides[1];
    s2 = C == 1 ? (R > 0 ? R : 1) : x->strides[2];
    if (s1 == 1 && s2 >= (R > 1 ? R : 1)) {
        o->trans = true;
        o->ld = s2;
        return true;
    }
    return false;
}

/* One product of rows [r0, r1) of batch item bi. */
static void gemm_rows(const MMJob *J, int64_t bi, int64_t r0, int64_t r1)
{
    int64_t M = r1 - r0, N = J->N, K = J->K;
    size_t es = dtype_size(J->dtype);
    const char *a = J->a.base + (bi * J->a.batch_stride + r0 * (J->a.trans ? 1 : J->a.ld)) * (int64_t)es;
    const char *b = J->b.base + bi * J->b.batch_stride * (int64_t)es;
    char *c = J->out + (bi * J->M * N + r0 * N) * (int64_t)es;
    if (M == 0 || N == 0)
        return;
    if (J->dtype == DT_FLOAT32) {
        if (K == 0) { memset(c, 0, M * N * es); return; }
        if (cpu_small_sgemm(J->a.trans, J->b.trans, M, N, K, 1.0f, (const float *)a, J->a.ld, (const float *)b,
                            J->b.ld, 0.0f, (float *)c, N))
            return;
        cblas_sgemm(CblasRowMajor, J->a.trans ? CblasTrans : CblasNoTrans, J->b.trans ? CblasTrans : CblasNoTrans,
                    (int)M, (int)N, (int)K, 1.0f, (const float *)a, (int)J->a.ld, (const float *)b, (int)J->b.ld,
                    0.0f, (float *)c, (int)N);
    } else if (J->dtype == DT_FLOAT64) {
        if (K == 0) { memset(c, 0, M * N * es); return; }
        cblas_dgemm(CblasRowMajor, J->a.trans ? CblasTrans : CblasNoTrans, J->b.trans ? CblasTrans : CblasNoTrans,
                    (int)M, (int)N, (int)K, 1.0, (const double *)a, (int)J->a.ld, (const double *)b, (int)J->b.ld,
                    0.0, (double *)c, (int)N);
    } else {
        const int64_t *A = (const int64_t *)a, *B = (const int64_t *)b;
        int64_t *Cm = (int64_t *)c;
        for (int64_t i = 0; i < M; i++)
            for (int64_t j = 0; j < N; j++) {
                int64_t s = 0;
                for (int64_t k = 0; k < K; k++)
                    s += A[J->a.trans ? k * J->a.ld + i : i * J->a.ld + k] *
                         B[J->b.trans ? j * J->b.ld + k : k * J->b.ld + j];
                Cm[i * N + j] = s;
            }
    }
}

static void mm_range(int64_t b, int64_t e, void *arg)
{
    const MMJob *J = arg;
    if (J->split_rows)
        gemm_rows(J, 0, b, e);
    else
        for (int64_t i = b; i < e; i++)
            gemm_rows(J, i, 0, J->M);
}

void cpu_bmm(BmmArgs *m)
{
    Tensor *out = m->out;
    const Tensor *a = m->a, *b = m->b;
    MMJob J;
    if (!describe(a, &J.a)) {
        Tensor *c = t_contig((Tensor *)a);
        describe(c, &J.a);
    }
    if (!describe(b, &J.b)) {
        Tensor *c = t_contig((Tensor *)b);
        describe(c, &J.b);
    }
    int64_t B = out->shape[0];
    J.M = out->shape[1];
    J.N = out->shape[2];
    J.K = a->shape[2];
    J.dtype = out->dtype;
    J.out = t_ptr(out);
    double flops = (double)B * J.M * J.N * (J.K ? J.K : 1);
    bool big = flops >= (1 << 20) && parallel_num_threads() > 1;
    if (B == 1) {
        J.split_rows = true;
        if (!big) {
            parallel_for(J.M, big ? 16 : (J.M > 0 ? J.M : 1), mm_range, &J);
        } else {
            /* About 4 row blocks per thread (multiples of 16 rows), taken in turn. */
            int64_t per = (J.M + 4 * parallel_num_threads() - 1) / (4 * parallel_num_threads());
            parallel_for_dynamic(J.M, (per + 15) / 16 * 16, mm_range, &J);
        }
    } else {
        J.split_rows = false;
        if (big)
            parallel_for_dynamic(B, 1, mm_range, &J);
        else
            parallel_for(B, B, mm_range, &J);
    }
}

/* Linear: the output starts as the broadcast bias, then one gemm with beta = 1. */
void cpu_linear(LinearArgs *l)
{
    const Tensor *x = l->x, *w = l->w, *b = l->b;
    int64_t K = w->shape[1], N = w->shape[0], M = N ? l->y->numel / N : 0;
    size_t es = dtype_size(x->dtype);
    if (b) {
        char *yp = t_ptr(l->y);
        const char *bp = t_ptr(b);
        for (int64_t i = 0; i < M; i++)
            memcpy(yp + i * N * es, bp, N * es);
    }
    cpu_gemm(x->dtype, false, true, M, N, K, 1.0, t_ptr(x), K, t_ptr(w), K, b ? 1.0 : 0.0, t_ptr(l->y), N);
}
