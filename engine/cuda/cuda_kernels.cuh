// Helpers of the kernel files: grid-stride loops, launches that return the
// launch status, strided offsets of a CuIter, conversions.
#ifndef COURSDL_CUDA_KERNELS_CUH
#define COURSDL_CUDA_KERNELS_CUH

#include "cuda_internal.h"

#define CU_THREADS 256

// Each thread takes elements i, i + gridsize, ...: any n fits a capped grid.
#define CU_GRID_LOOP(i, n) \
    for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < (n); i += (int64_t)gridDim.x * blockDim.x)

static inline unsigned cu_blocks(int64_t n)
{
    int64_t b = (n + CU_THREADS - 1) / CU_THREADS;
    return (unsigned)(b < 1 ? 1 : b > (1 << 20) ? (1 << 20) : b);
}

// Queues kernel over n elements (a capped grid of CU_THREADS-thread blocks)
// on stream s; the launch status (bad configuration, no kernel image for
// this GPU) is returned and cleared.
template <typename... P, typename... A>
static inline cudaError_t cu_launch(void (*kernel)(P...), int64_t n, cudaStream_t s, A... args)
{
    if (n <= 0)
        return cudaSuccess;
    kernel<<<cu_blocks(n), CU_THREADS, 0, s>>>(args...);
    return cudaGetLastError();
}
#define CU_LAUNCH(kernel, n, s, ...) cu_launch(kernel, n, s, __VA_ARGS__)

template <int N> struct Off { int64_t o[N]; };

// Byte offsets of element i (row-major over it.shape) in each operand.
template <int N> __device__ inline Off<N> offsets(const CuIter &it, int64_t i)
{
    Off<N> r;
    if (it.contiguous) {
#pragma unroll
        for (int k = 0; k < N; k++)
            r.o[k] = i * it.strides[k][0];
        return r;
    }
#pragma unroll
    for (int k = 0; k < N; k++)
        r.o[k] = 0;
    for (int d = it.ndim - 1; d >= 0; d--) {
        int64_t n = it.shape[d];
        int64_t q = i / n, idx = i - q * n;
        i = q;
#pragma unroll
        for (int k = 0; k < N; k++)
            r.o[k] += idx * it.strides[k][d];
    }
    return r;
}

template <typename To, typename From> __device__ inline To convert(From x) { return (To)x; }
template <> __device__ inline bool convert<bool, float>(float x) { return x != 0; }
template <> __device__ inline bool convert<bool, double>(double x) { return x != 0; }
template <> __device__ inline bool convert<bool, int64_t>(int64_t x) { return x != 0; }
template <> __device__ inline bool convert<bool, uint8_t>(uint8_t x) { return x != 0; }

#endif
