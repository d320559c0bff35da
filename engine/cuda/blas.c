/* Matrix products on cuBLAS (gemm and strided batched gemm, float32 and
 * float64): bmm and the linear layer. cuBLAS is column-major: the row-major
 * C = A B is computed as C^T = B^T A^T, which is the same memory. Operands
 * whose last two dims are neither row- nor column-major are copied
 * contiguous first. TF32 stays off (the handle's math mode, runtime.c):
 * float32 products are IEEE, like PyTorch's default and the CPU. */
#include "cuda_host.h"

typedef struct Operand {
    const char *base;
    long long batch_stride;  /* elements; 0 when broadcast */
    int ld;
    bool trans;              /* stored column-major (as seen row-major) */
} Operand;

/* As device/cpu_linalg.c's describe: false if x (B, R, C) is neither
 * row- nor column-major in its last two dims. */
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

/* C (row-major, M x N, ldc) = op(A) op(B) + beta C through cuBLAS's
 * column-major gemm: C^T = op(B)^T op(A)^T is the same memory. */
static void gemm(CudaDev *d, DType dt, const Operand *A, const Operand *B, int64_t M, int64_t N, int64_t K,
                 double beta, void *C, int64_t batch, long long c_stride)
{
    cublasOperation_t opB = B->trans ? CUBLAS_OP_T : CUBLAS_OP_N, opA = A->trans ? CUBLAS_OP_T : CUBLAS_OP_N;
    if (dt == DT_FLOAT32) {
        const float one = 1, b = (float)beta;
        if (batch == 1)
            CUBLAS(cublasSgemm(d->blas, opB, opA, (int)N, (int)M, (int)K, &one, (const float *)B->base, B->ld,
                               (const float *)A->base, A->ld, &b, (float *)C, (int)N));
        else
            CUBLAS(cublasSgemmStridedBatched(d->blas, opB, opA, (int)N, (int)M, (int)K, &one, (const float *)B->base,
                                             B->ld, B->batch_stride, (const float *)A->base, A->ld, A->batch_stride,
                                             &b, (float *)C, (int)N, c_stride, (int)batch));
    } else {
        const double one = 1, b = beta;
        if (batch == 1)
            CUBLAS(cublasDgemm(d->blas, opB, opA, (int)N, (int)M, (int)K, &one, (const double *)B->base, B->ld,
                               (const double *)A->base, A->ld, &b, (double *)C, (int)N));
        else
            CUBLAS(cublasDgemmStridedBatched(d->blas, opB, opA, (int)N, (int)M, (int)K, &one,
                                             (const double *)B->base, B->ld, B->batch_stride,
                                             (const double *)A->base, A->ld, A->batch_stride, &b, (double *)C,
                                             (int)N, c_stride, (int)batch));
    }
}

void cuda_bmm(BmmArgs *x)
{
    Tensor *out = x->out;
    const Tensor *a = x->a, *b = x->b;
    int64_t B = out->shape[0], M = out->shape[1], N = out->shape[2], K = a->shape[2];
    if (out->numel == 0)
        return;
    if (K == 0) {
        cuda_fill_value(out, 0);
        return;
    }
    Operand A, Bo;
    if (!describe(a, &A))
        describe(a = t_contig((Tensor *)a), &A);
    if (!describe(b, &Bo))
        describe(b = t_contig((Tensor *)b), &Bo);
    gemm(cuda_dev_of(out), out->dtype, &A, &Bo, M, N, K, 0, t_ptr(out), B, (long long)(M * N));
}

/* y (M, N) = x (M, K) w (N, K)^T + b: the bias rows first, then the product added. */
void cuda_linear(LinearArgs *x)
{
    Tensor *y = x->y;
    int64_t N = x->w->shape[0], K = x->w->shape[1], M = N ? y->numel / N : 0;
    if (y->numel == 0)
        return;
    CudaDev *d = cuda_dev_of(y);
    if (x->b)
        cuda_launched(cu_bias_rows(t_ptr(y), t_ptr(x->b), M, N, cuda_dtype(y->dtype), d->stream), "cuda bias kernel");
    if (K == 0) {
        if (!x->b)
            cuda_fill_value(y, 0);
        return;
    }
    Operand A = { t_ptr(x->x), 0, (int)K, false }, W = { t_ptr(x->w), 0, (int)K, true };
    gemm(d, y->dtype, &A, &W, M, N, K, x->b ? 1 : 0, t_ptr(y), 1, 0);
}
