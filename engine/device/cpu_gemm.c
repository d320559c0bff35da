/* A threaded gemm for the CPU backend's layer kernels: OpenBLAS runs
 * single-threaded (one pool only), so big products are split by rows (or
 * by columns when there are few rows) over the engine's pool. */
#include "cpu.h"
#include "../parallel/pool.h"

#include <cblas.h>

typedef struct GemmJob {
    DType dtype;
    bool ta, tb, by_cols;
    int64_t M, N, K, lda, ldb, ldc;
    double alpha, beta;
    const char *A, *B;
    char *C;
} GemmJob;

static void gemm_part(int64_t b, int64_t e, void *arg)
{
    const GemmJob *J = arg;
    size_t es = dtype_size(J->dtype);
    const char *A = J->A, *B = J->B;
    char *C = J->C;
    int64_t M = J->M, N = J->N;
    if (J->by_cols) {  /* columns [b, e) of B and C */
        B += (J->tb ? b * J->ldb : b) * (int64_t)es;
        C += b * (int64_t)es;
        N = e - b;
    } else {           /* rows [b, e) of A and C */
        A += (J->ta ? b : b * J->lda) * (int64_t)es;
        C += b * J->ldc * (int64_t)es;
        M = e - b;
    }
    if (M == 0 || N == 0)
        return;
    if (J->dtype == DT_FLOAT32 && cpu_small_sgemm(J->ta, J->tb, M, N, J->K, (float)J->alpha, (const float *)A, J->lda,
                                                  (const float *)B, J->ldb, (float)J->beta, (float *)C, J->ldc))
        return;
    if (J->dtype == DT_FLOAT32)
        cblas_sgemm(CblasRowMajor, J->ta ? CblasTrans : CblasNoTrans, J->tb ? CblasTrans : CblasNoTrans,
                    (int)M, (int)N, (int)J->K, (float)J->alpha, (const float *)A, (int)J->lda,
                    (const float *)B, (int)J->ldb, (float)J->beta, (float *)C, (int)J->ldc);
    else
        cblas_dgemm(CblasRowMajor, J->ta ? CblasTrans : CblasNoTrans, J->tb ? CblasTrans : CblasNoTrans,
                    (int)M, (int)N, (int)J->K, J->alpha, (const double *)A, (int)J->lda,
                    (const double *)B, (int)J->ldb, J->beta, (double *)C, (int)J->ldc);
}

void cpu_gemm(DType dtype, bool ta, bool tb, int64_t M, int64_t N, int64_t K, double alpha,
             const void *A, int64_t lda, const void *B, int64_t ldb, double beta, void *C, int64_t ldc)
{
    if (M <= 0 || N <= 0)
        return;
    if (K <= 0) {  /* BLAS leaves C alone for K = 0: C = beta C */
        for (int64_t i = 0; i < M; i++)
            for (int64_t j = 0; j < N; j++) {
                if (dtype == DT_FLOAT32) {
                    float *c = (float *)C + i * ldc + j;
                    *c = beta == 0 ? 0 : (float)(beta * *c);
                } else {
                    double *c = (double *)C + i * ldc + j;
                    *c = beta == 0 ? 0 : beta * *c;
                }
            }
        return;
    }
    GemmJob J = { dtype, ta, tb, false, M, N, K, lda < 1 ? 1 : lda, ldb < 1 ? 1 : ldb, ldc < 1 ? 1 : ldc,
                  alpha, beta, A, B, C };
    double flops = (double)M * N * K;
    int nt = parallel_num_threads();
    if (flops < (1 << 20) || nt < 2) {
        gemm_part(0, M, &J);
        return;
    }
    /* Split the larger side so that each thread gets a fat block. */
    J.by_cols = N > M;
    int64_t n = J.by_cols ? N : M;
    int64_t grain = n / nt;
    if (grain < 8) grain = 8;
    parallel_for(n, grain, gemm_part, &J);
}
