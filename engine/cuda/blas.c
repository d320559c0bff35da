/* Batched matrix products on cuBLAS (strided batched gemm, float32 and
 * float64). cuBLAS is column-major: the row-major C = A B is computed as
 * C^T = B^T A^T, which is the same memory. Operands whose last two dims are
 * neither row- nor column-major are copied contiguous first. TF32 stays off
 * (the handle's math mode, runtime.c): float32 products are IEEE, like
 * PyTorch's default and the CPU. */
#include "cuda_host.h"

typedef struct Operand {
    const char *base;
    long long batch_stride;  /* elements; 0 when broadcast */
    int ld;
    bool trans;              /* stored column-major (as seen row-major) */
} Operand;

/* As engine/device/cpu_linalg.c's describe: false if x (B, R, C) is neither. */
static bool describe(const Tensor *x, Operand *o)
{
    int64_t R = x->shape[1], C = x->shape[2];
    int64_t s1 = R == 1 ? (C > 0 ? C : 1) : x->strides[1], s2 = C == 1 ? 1 : x->strides[2];
    o->base = t_ptr(x);
    o->batch_stride = x->shape[0] == 1 ? 0 : x->strides[0];
    if (s2 == 1 && s1 >= (C > 1 ? C : 1)) {
        o->trans = false;
        o->ld = (int)s1;
        return true;
    }
    s1 = R == 1 ? 1 : x->strides[1];
    s2 = C == 1 ? (R > 0 ? R : 1) : x->strides[2];
    if (s1 == 1 && s2 >= (R > 1 ? R : 1)) {
        o->trans = true;
        o->ld = (int)s2;
        return true;
    }
    return false;
}

void cuda_bmm(Tensor *out, const Tensor *a, const Tensor *b)
{
    if (out->dtype != DT_FLOAT32 && out->dtype != DT_FLOAT64)
        error_raise(ERR_TYPE, "tensor_matmul: %s products are not supported on CUDA (convert with tensor_float)",
                    dtype_name(out->dtype));
    int64_t B = out->shape[0], M = out->shape[1], N = out->shape[2], K = a->shape[2];
    if (out->numel == 0)
        return;
    if (K == 0) {
        cuda_fill(out, 0);
        return;
    }
    if (M > INT32_MAX || N > INT32_MAX || K > INT32_MAX)
        error_raise(ERR_SHAPE, "tensor_matmul: dims over 2^31 are not supported on CUDA");
    Operand A, Bo;
    if (!describe(a, &A))
        describe(a = t_contig((Tensor *)a), &A);
    if (!describe(b, &Bo))
        describe(b = t_contig((Tensor *)b), &Bo);
    CudaDev *d = cuda_dev_of(out);
    /* Column-major view: C^T (N x M) = B^T (N x K) A^T (K x M). A row-major
     * operand is its transpose column-major, so "no transpose" here. */
    cublasOperation_t opB = Bo.trans ? CUBLAS_OP_T : CUBLAS_OP_N;
    cublasOperation_t opA = A.trans ? CUBLAS_OP_T : CUBLAS_OP_N;
    long long sc = M * N;
    if (out->dtype == DT_FLOAT32) {
        const float one = 1, zero = 0;
        if (B == 1)
            CUBLAS(cublasSgemm(d->blas, opB, opA, (int)N, (int)M, (int)K, &one, (const float *)Bo.base, Bo.ld,
                               (const float *)A.base, A.ld, &zero, (float *)t_ptr(out), (int)N));
        else
            CUBLAS(cublasSgemmStridedBatched(d->blas, opB, opA, (int)N, (int)M, (int)K, &one, (const float *)Bo.base,
                                             Bo.ld, Bo.batch_stride, (const float *)A.base, A.ld, A.batch_stride,
                                             &zero, (float *)t_ptr(out), (int)N, sc, (int)B));
    } else {
        const double one = 1, zero = 0;
        if (B == 1)
            CUBLAS(cublasDgemm(d->blas, opB, opA, (int)N, (int)M, (int)K, &one, (const double *)Bo.base, Bo.ld,
                               (const double *)A.base, A.ld, &zero, (double *)t_ptr(out), (int)N));
        else
            CUBLAS(cublasDgemmStridedBatched(d->blas, opB, opA, (int)N, (int)M, (int)K, &one,
                                             (const double *)Bo.base, Bo.ld, Bo.batch_stride,
                                             (const double *)A.base, A.ld, A.batch_stride, &zero,
                                             (double *)t_ptr(out), (int)N, sc, (int)B));
    }
}
