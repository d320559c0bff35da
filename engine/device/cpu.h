/* Shared by the CPU backend's files: the strided n-d loop, the threaded
 * gemm, and the kernels the backend struct (cpu_backend.c) lists. */
#ifndef COURSDL_CPU_H
#define COURSDL_CPU_H

#include "backend.h"
#include "../core/vec_target.h"

/* Processes one row of n elements: p[k] points to operand k's first
 * element, s[k] is its stride in bytes (operand 0 is the output). */
typedef void (*RowFn)(int64_t n, char **p, const int64_t *s, const void *ctx);

/* Runs fn over every element of nops same-shape tensors (ts[0]'s shape),
 * merging dims where the layout allows and splitting big loops across the
 * thread pool. */
void cpu_foreach(int nops, const Tensor *const *ts, RowFn fn, const void *ctx);

/* C (M, N) = alpha op(A) op(B) + beta C, row-major, split over the pool's
 * threads when big (OpenBLAS itself runs single-threaded). dtype DT_FLOAT32
 * or DT_FLOAT64. */
void cpu_gemm(DType dtype, bool ta, bool tb, int64_t M, int64_t N, int64_t K, double alpha,
              const void *A, int64_t lda, const void *B, int64_t ldb, double beta, void *C, int64_t ldc);

/* float32 C = alpha op(A) op(B) + beta C on the calling thread without
 * OpenBLAS, for products where its packing and beta passes cost as much
 * as the arithmetic; false (nothing done) when the product is too big:
 * op(B) padded to 16 columns over CPU_SMALL_GEMM_PACKED floats, or more
 * than CPU_SMALL_GEMM_FLOPS multiply-adds. */
#define CPU_SMALL_GEMM_PACKED 8192
#define CPU_SMALL_GEMM_FLOPS (1 << 20)
bool cpu_small_sgemm(bool ta, bool tb, int64_t M, int64_t N, int64_t K, float alpha, const float *A, int64_t lda,
                     const float *B, int64_t ldb, float beta, float *C, int64_t ldc);

/* The kernels, one per op of the table (device/ops.h). */
#define CPU_KERNEL_(ID, name, Args, nout, dts, kind) void cpu_##name(Args *a);
BACKEND_OPS(CPU_KERNEL_)
BACKEND_LIST_OPS(CPU_KERNEL_)
#undef CPU_KERNEL_

/* Kernels get an AVX2/FMA clone picked at load time (and the generic
 * x86-64 one elsewhere); engine/device is compiled with -O3 so their loops
 * vectorize. Not under the sanitizers. */
#if defined(__x86_64__) && defined(__OPTIMIZE__) && !defined(__SANITIZE_ADDRESS__) && !defined(__clang__)
#define CPU_VEC __attribute__((target_clones(CDL_VEC_TARGET, "default")))
#else
#define CPU_VEC
#endif

/* Elements at least this many run on the thread pool. */
#ifndef CPU_PARALLEL_MIN
#define CPU_PARALLEL_MIN 65536
#endif

#endif
