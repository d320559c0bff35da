/* float32 products too small for OpenBLAS to pay off: the layers of the
 * course's small networks (moons 200x32x32, a PINN's 30x32x32, the last
 * layers of an MLP). OpenBLAS packs both operands and runs a separate pass
 * over C for beta on every call; at these sizes those fixed costs take as
 * long as the multiply-adds (profile of the moons and PINN workloads: the
 * packing and beta passes were 40 % of OpenBLAS's time). Here op(B) is
 * copied once into a zero-padded block that stays in L1 and a 4 x 16
 * register tile of C runs down K; alpha and beta are applied when the tile
 * is stored. */
#include "cpu.h"

#include <string.h>

typedef float v8f __attribute__((vector_size(32), aligned(4)));

enum { SG_ROWS = 4, SG_COLS = 16 };

#define SG_INLINE static inline __attribute__((always_inline))

/* C[r][0..w) = alpha * acc[r] + beta * C[r] for the first rows x w of a
 * tile (w <= SG_COLS); a clipped tile goes through a buffer. */
SG_INLINE void store_tile(float *C, int64_t ldc, int rows, int w, v8f acc[SG_ROWS][2], float alpha, float beta)
{
#pragma GCC unroll 4
    for (int r = 0; r < rows; r++) {
        float *c = C + r * ldc;
        v8f y0 = alpha * acc[r][0], y1 = alpha * acc[r][1];
        if (w == SG_COLS) {
            if (beta != 0) {
                v8f c0, c1;
                memcpy(&c0, c, sizeof c0);
                memcpy(&c1, c + 8, sizeof c1);
                y0 += beta * c0;
                y1 += beta * c1;
            }
            memcpy(c, &y0, sizeof y0);
            memcpy(c + 8, &y1, sizeof y1);
        } else {
            float t[SG_COLS];
            memcpy(t, &y0, sizeof y0);
            memcpy(t + 8, &y1, sizeof y1);
            for (int j = 0; j < w; j++)
                c[j] = beta == 0 ? t[j] : t[j] + beta * c[j];
        }
    }
}

/* One row block (rows <= SG_ROWS) of C against every column tile of the
 * packed op(B) (K x ldp, ldp a multiple of 8); a last tile of 8 columns or
 * fewer runs with one vector. rows and nv are constants once inlined. */
SG_INLINE void tile(int rows, int nv, const float *A, int64_t as, int64_t ak, const float *p, int64_t ldp,
                    int64_t K, v8f acc[SG_ROWS][2])
{
#pragma GCC unroll 4
    for (int r = 0; r < rows; r++)
        acc[r][0] = acc[r][1] = (v8f){ 0 };
    for (int64_t k = 0; k < K; k++, p += ldp) {
        v8f b0, b1 = { 0 };
        memcpy(&b0, p, sizeof b0);
        if (nv == 2)
            memcpy(&b1, p + 8, sizeof b1);
#pragma GCC unroll 4
        for (int r = 0; r < rows; r++) {
            float a = A[r * as + k * ak];
            acc[r][0] += a * b0;
            if (nv == 2)
                acc[r][1] += a * b1;
        }
    }
}

SG_INLINE void row_block(int rows, bool ta, const float *A, int64_t lda, const float *P, int64_t ldp, int64_t N,
                         int64_t K, float alpha, float beta, float *C, int64_t ldc)
{
    int64_t as = ta ? 1 : lda, ak = ta ? lda : 1;  /* A(r, k) = A[r * as + k * ak] */
    for (int64_t j = 0; j < N; j += SG_COLS) {
        v8f acc[SG_ROWS][2];
        if (N - j > 8)
            tile(rows, 2, A, as, ak, P + j, ldp, K, acc);
        else
            tile(rows, 1, A, as, ak, P + j, ldp, K, acc);
        int w = N - j < SG_COLS ? (int)(N - j) : SG_COLS;
        store_tile(C + j, ldc, rows, w, acc, alpha, beta);
    }
}

CPU_VEC static void small_sgemm(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, const float *A,
                                int64_t lda, const float *B, int64_t ldb, float beta, float *C, int64_t ldc,
                                float *P)
{
    /* op(B) into P (K x ldp, zero columns up to ldp). */
    int64_t ldp = (N + 7) / 8 * 8;
    for (int64_t k = 0; k < K; k++) {
        float *row = P + k * ldp;
        if (tb)
            for (int64_t j = 0; j < N; j++)
                row[j] = B[j * ldb + k];
        else
            memcpy(row, B + k * ldb, sizeof(float) * (size_t)N);
        for (int64_t j = N; j < ldp; j++)
            row[j] = 0;
    }
    int64_t i = 0;
    for (; i + SG_ROWS <= M; i += SG_ROWS)
        row_block(SG_ROWS, ta, ta ? A + i : A + i * lda, lda, P, ldp, N, K, alpha, beta, C + i * ldc, ldc);
    for (; i < M; i++)
        row_block(1, ta, ta ? A + i : A + i * lda, lda, P, ldp, N, K, alpha, beta, C + i * ldc, ldc);
}

/* A narrow C (N < 8) or a few rows against a B stored transposed, with
 * rows of A contiguous: each element is a dot product of a row of A with a
 * row of Q = op(B)^T (N x K), which is B itself when B is transposed. */
CPU_VEC static void narrow_sgemm(bool tb, int64_t M, int64_t N, int64_t K, float alpha, const float *A, int64_t lda,
                                 const float *B, int64_t ldb, float beta, float *C, int64_t ldc, float *Q)
{
    const float *q = B;
    int64_t ldq = ldb;
    if (!tb) {
        for (int64_t j = 0; j < N; j++)
            for (int64_t k = 0; k < K; k++)
                Q[j * K + k] = B[k * ldb + j];
        q = Q;
        ldq = K;
    }
    for (int64_t i = 0; i < M; i++) {
        const float *a = A + i * lda;
        for (int64_t j = 0; j < N; j++) {
            const float *b = q + j * ldq;
            v8f acc = { 0 };
            int64_t k = 0;
            for (; k + 8 <= K; k += 8) {
                v8f x, y;
                memcpy(&x, a + k, sizeof x);
                memcpy(&y, b + k, sizeof y);
                acc += x * y;
            }
            float s = 0;
            for (; k < K; k++)
                s += a[k] * b[k];
            for (int l = 0; l < 8; l++)
                s += acc[l];
            float *c = C + i * ldc + j;
            *c = beta == 0 ? alpha * s : alpha * s + beta * *c;
        }
    }
}

bool cpu_small_sgemm(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, const float *A, int64_t lda,
                     const float *B, int64_t ldb, float beta, float *C, int64_t ldc)
{
    if (M <= 0 || N <= 0 || K <= 0 || (double)M * N * K > CPU_SMALL_GEMM_FLOPS)
        return false;
    float P[CPU_SMALL_GEMM_PACKED];
    if (!ta && (N < 8 || (tb && M < SG_ROWS))) {
        if (K * N > CPU_SMALL_GEMM_PACKED)
            return false;
        narrow_sgemm(tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, P);
        return true;
    }
    if (N < 8 && M >= 8) {
        /* A narrow C with columns of A contiguous: its transpose op(B)^T op(A)^T (M wide) into a buffer,
         * then C = alpha T^T + beta C. */
        float T[CPU_SMALL_GEMM_PACKED];
        if (K * ((M + 7) / 8 * 8) > CPU_SMALL_GEMM_PACKED || M * N > CPU_SMALL_GEMM_PACKED)
            return false;
        small_sgemm(!tb, !ta, N, M, K, 1, B, ldb, A, lda, 0, T, M, P);
        for (int64_t i = 0; i < M; i++)
            for (int64_t j = 0; j < N; j++)
                C[i * ldc + j] = beta == 0 ? alpha * T[j * M + i] : alpha * T[j * M + i] + beta * C[i * ldc + j];
        return true;
    }
    /* Transposing a long B into P costs more than OpenBLAS's packing (the
     * Winograd weight gradients, 64 x 32 x 144-256, were 20 % slower). */
    if (K * ((N + 7) / 8 * 8) > CPU_SMALL_GEMM_PACKED || (tb && K > 64))
        return false;
    small_sgemm(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, P);
    return true;
}
