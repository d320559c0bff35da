/* The CPU backend's small float32 gemm (engine/device/cpu_small_gemm.c)
 * against a double-precision triple loop: every transposition, sizes on
 * both sides of its 4-row and 8/16-column tiles (so every route: tiles,
 * dot products, the transposed narrow product), padded leading dimensions,
 * alpha and beta; and that it refuses products over its limits. The
 * engine-level ops that reach it (matmul, linear, their gradients) are
 * covered by test_backends against the reference backend. */
#include "check.h"
#include "../../engine/device/cpu.h"

static float frand(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (float)((*s >> 40) & 0xffff) / 65536.0f - 0.5f;
}

/* The largest error of one product against the loop, relative to the sum
 * of the magnitudes of its terms. */
static double one(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, float beta, int pad, bool *done)
{
    int64_t lda = (ta ? M : K) + pad, ldb = (tb ? K : N) + pad, ldc = N + pad;
    int64_t ra = ta ? K : M, rb = tb ? N : K;
    float *A = malloc(sizeof(float) * (size_t)(ra * lda)), *B = malloc(sizeof(float) * (size_t)(rb * ldb));
    float *C = malloc(sizeof(float) * (size_t)(M * ldc)), *C0 = malloc(sizeof(float) * (size_t)(M * ldc));
    uint64_t s = (uint64_t)(M * 1000003 + N * 1009 + K * 7 + ta * 2 + tb);
    for (int64_t i = 0; i < ra * lda; i++) A[i] = frand(&s);
    for (int64_t i = 0; i < rb * ldb; i++) B[i] = frand(&s);
    for (int64_t i = 0; i < M * ldc; i++) C[i] = C0[i] = frand(&s);
    *done = cpu_small_sgemm(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
    double worst = 0;
    for (int64_t i = 0; i < M && *done; i++)
        for (int64_t j = 0; j < ldc; j++) {
            double want = C0[i * ldc + j], mag = fabs(want * beta);
            if (j < N) {
                double acc = 0, abs_acc = 0;
                for (int64_t k = 0; k < K; k++) {
                    double t = (double)A[ta ? k * lda + i : i * lda + k] * B[tb ? j * ldb + k : k * ldb + j];
                    acc += t;
                    abs_acc += fabs(t);
                }
                want = alpha * acc + beta * (double)C0[i * ldc + j];
                mag += fabs(alpha) * abs_acc;
            }
            /* the padding columns of C must stay untouched */
            double err = fabs(C[i * ldc + j] - want) / (mag + 1e-30);
            if (j >= N && C[i * ldc + j] != C0[i * ldc + j])
                err = 1;
            if (err > worst)
                worst = err;
        }
    free(A); free(B); free(C); free(C0);
    return worst;
}

int main(void)
{
    check_init();
    static const int64_t sizes[] = { 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 33, 64, 200 };
    int n = (int)(sizeof sizes / sizeof *sizes), tried = 0, failed = 0;
    double worst = 0;
    for (int t = 0; t < 4; t++)
        for (int a = 0; a < n; a++)
            for (int b = 0; b < n; b++)
                for (int c = 0; c < n; c += 2) {
                    int64_t M = sizes[a], N = sizes[b], K = sizes[c];
                    float alpha = (a + b) % 3 == 0 ? 1.0f : -0.75f, beta = (a + c) % 3 == 0 ? 0.0f : 0.5f;
                    bool done;
                    double e = one(t & 1, t >> 1, M, N, K, alpha, beta, (a + b + c) % 3, &done);
                    if (!done)
                        continue;
                    tried++;
                    if (e > 1e-6) {
                        if (failed++ < 10)
                            printf("ta=%d tb=%d M=%lld N=%lld K=%lld: relative error %.3g\n", t & 1, t >> 1,
                                   (long long)M, (long long)N, (long long)K, e);
                    }
                    if (e > worst)
                        worst = e;
                }
    printf("%d products, worst relative error %.3g\n", tried, worst);
    CHECK(failed == 0);
    CHECK(tried > 3000);  /* nearly every product of the grid fits its limits */
    /* Over its limits it does nothing and says so. */
    float x = 1, y = 1, z = 7;
    CHECK(!cpu_small_sgemm(false, false, 2048, 2048, 2048, 1, &x, 2048, &y, 2048, 0, &z, 2048));
    CHECK(!cpu_small_sgemm(false, false, 1, 4096, 4, 1, &x, 4, &y, 4096, 0, &z, 4096));
    CHECK(!cpu_small_sgemm(false, false, 0, 4, 4, 1, &x, 4, &y, 4, 0, &z, 4));
    CHECK(z == 7);
    return CHECK_DONE();
}
