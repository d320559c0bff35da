/* Shared by the CPU backend's files: the strided n-d loop. */
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

void cpu_fill(Tensor *out, double value);
void cpu_copy(Tensor *out, const Tensor *in);
void cpu_unary(UnaryOp op, Tensor *out, const Tensor *a, double p0, double p1);
void cpu_binary(BinaryOp op, Tensor *out, const Tensor *a, const Tensor *b);
/* a += alpha * b: a, b contiguous, same shape, same float dtype. */
void cpu_axpy(Tensor *a, const Tensor *b, double alpha);
void cpu_where(Tensor *out, const Tensor *cond, const Tensor *a, const Tensor *b);
void cpu_reduce(ReduceOp op, Tensor *out, const Tensor *a, int64_t k1, int64_t r, int64_t k2);
void cpu_bmm(Tensor *out, const Tensor *a, const Tensor *b);
void cpu_index_select(Tensor *out, const Tensor *a, int dim, const Tensor *index);
void cpu_index_add(Tensor *out, int dim, const Tensor *index, const Tensor *src);
void cpu_gather(Tensor *out, const Tensor *a, int dim, const Tensor *index);
void cpu_scatter(Tensor *out, int dim, const Tensor *index, const Tensor *src, bool add);

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
