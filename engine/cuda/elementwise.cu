// Elementwise kernels: fill, dtype-converting copy, unary and binary ops
// (broadcast inputs arrive as stride-0 operands), where, axpy, bias rows.
// One kernel per dtype (pair); the op is a switch on a value uniform across
// the launch, which keeps the number of instantiations (and nvcc's time)
// small. The op codes are the engine's (device/elementwise_ops.h) and the
// expressions follow the CPU kernels (device/cpu_elementwise.c), the
// reference.
#include "cuda_internal.h"
#include "cuda_kernels.cuh"

namespace {

__device__ inline int64_t ipow(int64_t x, int64_t y)
{
    if (y < 0)
        return x == 1 ? 1 : x == -1 ? ((y & 1) ? -1 : 1) : 0;
    uint64_t r = 1, b = (uint64_t)x;
    while (y) {
        if (y & 1) r *= b;
        b *= b;
        y >>= 1;
    }
    return (int64_t)r;
}

template <typename T> __device__ inline T unary_float(int op, T x, T p0, T p1)
{
    const T half = (T)0.5, one = (T)1;
    switch (op) {
    case U_NEG: return -x;
    case U_ABS: return fabs(x);
    case U_SIGN: return (T)((x > 0) - (x < 0));
    case U_EXP: return exp(x);
    case U_LOG: return log(x);
    case U_LOG1P: return log1p(x);
    case U_SQRT: return sqrt(x);
    case U_SQUARE: return x * x;
    case U_RECIP: return one / x;
    case U_SIN: return sin(x);
    case U_COS: return cos(x);
    case U_TANH: return tanh(x);
    case U_ERF: return erf(x);
    case U_FLOOR: return floor(x);
    case U_CEIL: return ceil(x);
    case U_ROUND: return rint(x);
    case U_SIGMOID: return one / (one + exp(-x));
    case U_RELU: return x < 0 ? (T)0 : x;
    case U_LEAKY_RELU: return x > 0 ? x : x * p0;
    case U_ELU: return x > 0 ? x : p0 * expm1(x);
    case U_GELU: return half * x * (one + erf(x * (T)0.70710678118654752440));
    case U_SOFTPLUS: return x > 20 ? x : log1p(exp(x));
    case U_CLAMP: return x < p0 ? p0 : (x > p1 ? p1 : x);
    case U_STEP: return x > 0 ? one : (T)0;
    case U_ADD_S: return x + p0;
    case U_MUL_S: return x * p0;
    case U_RSUB_S: return p0 - x;
    case U_RDIV_S: return p0 / x;
    case U_POW_S: return pow(x, p0);
    case U_RPOW_S: return pow(p0, x);
    case U_GELU_GRAD:
        return half * (one + erf(x * (T)0.70710678118654752440)) + x * exp((T)-0.5 * x * x) * (T)0.39894228040143267794;
    default: return x;
    }
}

__device__ inline int64_t unary_int(int op, int64_t x, int64_t p0, int64_t p1)
{
    switch (op) {
    case U_NEG: return -x;
    case U_ABS: return x < 0 ? -x : x;
    case U_SIGN: return (x > 0) - (x < 0);
    case U_SQUARE: return x * x;
    case U_RELU: return x < 0 ? 0 : x;
    case U_CLAMP: return x < p0 ? p0 : (x > p1 ? p1 : x);
    case U_STEP: return x > 0;
    case U_ADD_S: return x + p0;
    case U_MUL_S: return x * p0;
    case U_RSUB_S: return p0 - x;
    case U_POW_S: return ipow(x, p0);
    default: return x;  // floor, ceil, round of integers
    }
}

template <typename T> __device__ inline bool unary_cmp(int op, T x, T p0)
{
    switch (op) {
    case U_EQ_S: return x == p0;
    case U_NE_S: return x != p0;
    case U_LT_S: return x < p0;
    case U_LE_S: return x <= p0;
    case U_GT_S: return x > p0;
    case U_GE_S: return x >= p0;
    case U_NOT: return x == 0;
    default: return x != x;  // U_ISNAN
    }
}

template <typename T> __device__ inline T binary_float(int op, T x, T y)
{
    switch (op) {
    case B_ADD: return x + y;
    case B_SUB: return x - y;
    case B_MUL: return x * y;
    case B_DIV: return x / y;
    case B_POW: return pow(x, y);
    case B_MAX: return (x > y || x != x) ? x : y;
    case B_MIN: return (x < y || x != x) ? x : y;
    case B_RELU_BW: return y > 0 ? x : (T)0;
    case B_TANH_BW: return x * ((T)1 - y * y);
    default: return x * (y * ((T)1 - y));  // B_SIGMOID_BW
    }
}

__device__ inline int64_t binary_int(int op, int64_t x, int64_t y)
{
    switch (op) {
    case B_ADD: return x + y;
    case B_SUB: return x - y;
    case B_MUL: return x * y;
    case B_POW: return ipow(x, y);
    case B_MAX: return x > y ? x : y;
    case B_MIN: return x < y ? x : y;
    default: return y != 0 ? x / y : 0;
    }
}

template <typename T> __device__ inline bool binary_cmp(int op, T x, T y)
{
    switch (op) {
    case B_EQ: return x == y;
    case B_NE: return x != y;
    case B_LT: return x < y;
    case B_LE: return x <= y;
    case B_GT: return x > y;
    case B_GE: return x >= y;
    case B_AND: return (x != 0) && (y != 0);
    default: return (x != 0) || (y != 0);  // B_OR
    }
}

// ---- kernels ----

template <typename T> __global__ void k_fill(CuIter it, T v)
{
    CU_GRID_LOOP(i, it.numel) {
        Off<1> o = offsets<1>(it, i);
        *(T *)(it.ptr[0] + o.o[0]) = v;
    }
}

template <typename To, typename From> __global__ void k_copy(CuIter it)
{
    CU_GRID_LOOP(i, it.numel) {
        Off<2> o = offsets<2>(it, i);
        From x = *(const From *)(it.ptr[1] + o.o[1]);
        *(To *)(it.ptr[0] + o.o[0]) = convert<To, From>(x);
    }
}

template <typename T> __global__ void k_unary_float(CuIter it, int op, T p0, T p1)
{
    CU_GRID_LOOP(i, it.numel) {
        Off<2> o = offsets<2>(it, i);
        *(T *)(it.ptr[0] + o.o[0]) = unary_float<T>(op, *(const T *)(it.ptr[1] + o.o[1]), p0, p1);
    }
}

__global__ void k_unary_int(CuIter it, int op, int64_t p0, int64_t p1)
{
    CU_GRID_LOOP(i, it.numel) {
        Off<2> o = offsets<2>(it, i);
        *(int64_t *)(it.ptr[0] + o.o[0]) = unary_int(op, *(const int64_t *)(it.ptr[1] + o.o[1]), p0, p1);
    }
}

template <typename T> __global__ void k_unary_cmp(CuIter it, int op, T p0)
{
    CU_GRID_LOOP(i, it.numel) {
        Off<2> o = offsets<2>(it, i);
        *(uint8_t *)(it.ptr[0] + o.o[0]) = unary_cmp<T>(op, *(const T *)(it.ptr[1] + o.o[1]), p0);
    }
}

template <typename T> __global__ void k_binary_float(CuIter it, int op)
{
    CU_GRID_LOOP(i, it.numel) {
        Off<3> o = offsets<3>(it, i);
        *(T *)(it.ptr[0] + o.o[0]) =
            binary_float<T>(op, *(const T *)(it.ptr[1] + o.o[1]), *(const T *)(it.ptr[2] + o.o[2]));
    }
}

__global__ void k_binary_int(CuIter it, int op)
{
    CU_GRID_LOOP(i, it.numel) {
        Off<3> o = offsets<3>(it, i);
        *(int64_t *)(it.ptr[0] + o.o[0]) =
            binary_int(op, *(const int64_t *)(it.ptr[1] + o.o[1]), *(const int64_t *)(it.ptr[2] + o.o[2]));
    }
}

template <typename T> __global__ void k_binary_cmp(CuIter it, int op)
{
    CU_GRID_LOOP(i, it.numel) {
        Off<3> o = offsets<3>(it, i);
        *(uint8_t *)(it.ptr[0] + o.o[0]) =
            binary_cmp<T>(op, *(const T *)(it.ptr[1] + o.o[1]), *(const T *)(it.ptr[2] + o.o[2]));
    }
}

template <typename T> __global__ void k_where(CuIter it)
{
    CU_GRID_LOOP(i, it.numel) {
        Off<4> o = offsets<4>(it, i);
        *(T *)(it.ptr[0] + o.o[0]) =
            *(const uint8_t *)(it.ptr[1] + o.o[1]) ? *(const T *)(it.ptr[2] + o.o[2]) : *(const T *)(it.ptr[3] + o.o[3]);
    }
}

template <typename T> __global__ void k_axpy(T *a, const T *b, T alpha, int64_t n)
{
    CU_GRID_LOOP(i, n) a[i] += alpha * b[i];
}

template <typename T> __global__ void k_bias_rows(T *y, const T *b, int64_t M, int64_t N)
{
    CU_GRID_LOOP(i, M * N) y[i] = b[i % N];
}

template <typename From> cudaError_t copy_from(const CuIter *it, CuDType to, cudaStream_t s)
{
    switch (to) {
    case CU_F32: return cu_launch(k_copy<float, From>, it->numel, s, *it);
    case CU_F64: return cu_launch(k_copy<double, From>, it->numel, s, *it);
    case CU_I64: return cu_launch(k_copy<int64_t, From>, it->numel, s, *it);
    case CU_U8: return cu_launch(k_copy<uint8_t, From>, it->numel, s, *it);
    default: return cu_launch(k_copy<bool, From>, it->numel, s, *it);
    }
}

}  // namespace

extern "C" cudaError_t cu_fill(const CuIter *it, CuDType dt, double v, cudaStream_t s)
{
    switch (dt) {
    case CU_F32: return CU_LAUNCH(k_fill<float>, it->numel, s, *it, (float)v);
    case CU_F64: return CU_LAUNCH(k_fill<double>, it->numel, s, *it, v);
    case CU_I64: return CU_LAUNCH(k_fill<int64_t>, it->numel, s, *it, (int64_t)v);
    case CU_U8: return CU_LAUNCH(k_fill<uint8_t>, it->numel, s, *it, (uint8_t)(int64_t)v);
    default: return CU_LAUNCH(k_fill<uint8_t>, it->numel, s, *it, (uint8_t)(v != 0));
    }
}

extern "C" cudaError_t cu_copy(const CuIter *it, CuDType to, CuDType from, cudaStream_t s)
{
    switch (from) {
    case CU_F32: return copy_from<float>(it, to, s);
    case CU_F64: return copy_from<double>(it, to, s);
    case CU_I64: return copy_from<int64_t>(it, to, s);
    case CU_U8: return copy_from<uint8_t>(it, to, s);
    default: return copy_from<bool>(it, to, s);
    }
}

extern "C" cudaError_t cu_unary(UnaryOp op, const CuIter *it, CuDType in, double p0, double p1, cudaStream_t s)
{
    if (op >= U_COUNT_FLOAT) {  // comparisons write bool
        switch (in) {
        case CU_F32: return CU_LAUNCH(k_unary_cmp<float>, it->numel, s, *it, (int)op, (float)p0);
        case CU_F64: return CU_LAUNCH(k_unary_cmp<double>, it->numel, s, *it, (int)op, p0);
        default: return CU_LAUNCH(k_unary_cmp<int64_t>, it->numel, s, *it, (int)op, (int64_t)p0);
        }
    }
    switch (in) {
    case CU_F32: return CU_LAUNCH(k_unary_float<float>, it->numel, s, *it, (int)op, (float)p0, (float)p1);
    case CU_F64: return CU_LAUNCH(k_unary_float<double>, it->numel, s, *it, (int)op, p0, p1);
    default: return CU_LAUNCH(k_unary_int, it->numel, s, *it, (int)op, (int64_t)p0, (int64_t)p1);
    }
}

extern "C" cudaError_t cu_binary(BinaryOp op, const CuIter *it, CuDType in, cudaStream_t s)
{
    if (op >= B_COUNT_ARITH) {  // comparisons write bool
        switch (in) {
        case CU_F32: return CU_LAUNCH(k_binary_cmp<float>, it->numel, s, *it, (int)op);
        case CU_F64: return CU_LAUNCH(k_binary_cmp<double>, it->numel, s, *it, (int)op);
        default: return CU_LAUNCH(k_binary_cmp<int64_t>, it->numel, s, *it, (int)op);
        }
    }
    switch (in) {
    case CU_F32: return CU_LAUNCH(k_binary_float<float>, it->numel, s, *it, (int)op);
    case CU_F64: return CU_LAUNCH(k_binary_float<double>, it->numel, s, *it, (int)op);
    default: return CU_LAUNCH(k_binary_int, it->numel, s, *it, (int)op);
    }
}

extern "C" cudaError_t cu_where(const CuIter *it, int elem_size, cudaStream_t s)
{
    switch (elem_size) {
    case 1: return CU_LAUNCH(k_where<uint8_t>, it->numel, s, *it);
    case 4: return CU_LAUNCH(k_where<uint32_t>, it->numel, s, *it);
    default: return CU_LAUNCH(k_where<uint64_t>, it->numel, s, *it);
    }
}

extern "C" cudaError_t cu_axpy(void *a, const void *b, double alpha, int64_t n, CuDType dt, cudaStream_t s)
{
    if (dt == CU_F32)
        return CU_LAUNCH(k_axpy<float>, n, s, (float *)a, (const float *)b, (float)alpha, n);
    return CU_LAUNCH(k_axpy<double>, n, s, (double *)a, (const double *)b, alpha, n);
}

extern "C" cudaError_t cu_bias_rows(void *y, const void *b, int64_t M, int64_t N, CuDType dt, cudaStream_t s)
{
    if (dt == CU_F32)
        return CU_LAUNCH(k_bias_rows<float>, M * N, s, (float *)y, (const float *)b, M, N);
    return CU_LAUNCH(k_bias_rows<double>, M * N, s, (double *)y, (const double *)b, M, N);
}
