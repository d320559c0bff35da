// Reductions over the middle axis of a contiguous (k1, r, k2) view, and the
// index ops (index_select, index_add, gather, scatter). Max/min follow the
// CPU rules (engine/device/cpu_reduce.c): NaN wins, the first position wins
// ties, so results do not depend on the order threads combine in.
#include "cuda_internal.h"
#include "cuda_kernels.cuh"

namespace {

template <typename T> struct Acc {
    T v;
    int64_t i;  // position; -1: empty (the identity of max/min)
};

template <typename T> __device__ inline bool is_nan(T x) { return x != x; }

template <typename T> __device__ inline Acc<T> combine(int op, Acc<T> a, Acc<T> b)
{
    if (op == R_SUM) return Acc<T>{ a.v + b.v, 0 };
    if (op == R_PROD) return Acc<T>{ a.v * b.v, 0 };
    if (a.i < 0) return b;
    if (b.i < 0) return a;
    bool an = is_nan(a.v), bn = is_nan(b.v);
    if (an || bn) {
        if (an && bn) return a.i <= b.i ? a : b;
        return an ? a : b;
    }
    bool want_max = op == R_MAX || op == R_ARGMAX;
    if (a.v == b.v) return a.i <= b.i ? a : b;
    return (want_max ? a.v > b.v : a.v < b.v) ? a : b;
}

template <typename T> __device__ inline Acc<T> identity(int op)
{
    return Acc<T>{ op == R_PROD ? (T)1 : (T)0, op == R_SUM || op == R_PROD ? 0 : -1 };
}

template <typename T> __device__ inline Acc<T> shfl_down(Acc<T> a, int d)
{
    Acc<T> r;
    r.v = __shfl_down_sync(0xffffffffu, a.v, d);
    r.i = __shfl_down_sync(0xffffffffu, a.i, d);
    return r;
}

// Reduces each thread's a across the block (blockDim.x threads, a multiple
// of 32); the result is valid in thread 0.
template <typename T> __device__ Acc<T> block_reduce(int op, Acc<T> a)
{
    __shared__ Acc<double> smem[32];  // aligned for every Acc<T>, the largest
    Acc<T> *part = (Acc<T> *)smem;
    for (int d = 16; d > 0; d >>= 1)
        a = combine(op, a, shfl_down(a, d));
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, nwarps = blockDim.x >> 5;
    if (nwarps == 1)
        return a;
    __syncthreads();
    if (lane == 0)
        part[warp] = a;
    __syncthreads();
    if (warp == 0) {
        a = lane < nwarps ? part[lane] : identity<T>(op);
        for (int d = 16; d > 0; d >>= 1)
            a = combine(op, a, shfl_down(a, d));
    }
    return a;
}

template <typename T> __device__ inline void store(int op, void *out, int64_t k, Acc<T> a)
{
    if (op == R_ARGMAX || op == R_ARGMIN)
        ((int64_t *)out)[k] = a.i < 0 ? 0 : a.i;
    else
        ((T *)out)[k] = a.v;
}

// k2 == 1: block y-rows, one row per block row; the row's elements [c0, c1)
// of chunk blockIdx.y (chunks > 1: partial results go to part).
template <typename T> __global__ void k_rows(int op, void *out, const T *a, int64_t k1, int64_t r, int64_t chunk,
                                             Acc<T> *part)
{
    int64_t row = blockIdx.x;
    int64_t c0 = (int64_t)blockIdx.y * chunk, c1 = c0 + chunk < r ? c0 + chunk : r;
    const T *x = a + row * r;
    Acc<T> acc = identity<T>(op);
    for (int64_t j = c0 + threadIdx.x; j < c1; j += blockDim.x)
        acc = combine(op, acc, Acc<T>{ x[j], j });
    acc = block_reduce(op, acc);
    if (threadIdx.x == 0) {
        if (part)
            part[row * gridDim.y + blockIdx.y] = acc;
        else
            store(op, out, row, acc);
    }
}

// Second pass over the chunks' partial results.
template <typename T> __global__ void k_parts(int op, void *out, const Acc<T> *part, int64_t nparts)
{
    int64_t row = blockIdx.x;
    Acc<T> acc = identity<T>(op);
    for (int64_t j = threadIdx.x; j < nparts; j += blockDim.x)
        acc = combine(op, acc, part[row * nparts + j]);
    acc = block_reduce(op, acc);
    if (threadIdx.x == 0)
        store(op, out, row, acc);
}

// k2 > 1: block (32, 8): x over columns j, y splits r; combined in shared memory.
template <typename T> __global__ void k_cols(int op, void *out, const T *a, int64_t k1, int64_t r, int64_t k2)
{
    __shared__ Acc<T> sh[8][33];
    int64_t col_blocks = (k2 + 31) / 32;
    int64_t i = blockIdx.x / col_blocks, j = (blockIdx.x % col_blocks) * 32 + threadIdx.x;
    Acc<T> acc = identity<T>(op);
    if (j < k2) {
        const T *x = a + i * r * k2 + j;
        for (int64_t q = threadIdx.y; q < r; q += blockDim.y)
            acc = combine(op, acc, Acc<T>{ x[q * k2], q });
    }
    sh[threadIdx.y][threadIdx.x] = acc;
    __syncthreads();
    if (threadIdx.y == 0 && j < k2) {
        for (int y = 1; y < (int)blockDim.y; y++)
            acc = combine(op, acc, sh[y][threadIdx.x]);
        store(op, out, i * k2 + j, acc);
    }
}

const int64_t kChunk = 16384;  // elements per block in the split row reduction

// Rows split in chunks when there are too few rows to fill the GPU.
inline int64_t row_chunks(int64_t k1, int64_t r)
{
    return (k1 < 512 && r > 4 * kChunk) ? (r + kChunk - 1) / kChunk : 1;
}

template <typename T> cudaError_t reduce_t(int op, void *out, const T *a, int64_t k1, int64_t r, int64_t k2,
                                           void *scratch, cudaStream_t s)
{
    if (k2 == 1) {
        int64_t chunks = row_chunks(k1, r);
        int threads = r <= 64 ? 32 : r <= 2048 ? 128 : 256;
        if (chunks == 1) {
            k_rows<T><<<dim3((unsigned)k1), threads, 0, s>>>(op, out, a, k1, r, r, (Acc<T> *)nullptr);
            return cudaGetLastError();
        }
        Acc<T> *part = (Acc<T> *)scratch;
        k_rows<T><<<dim3((unsigned)k1, (unsigned)chunks), 256, 0, s>>>(op, out, a, k1, r, kChunk, part);
        k_parts<T><<<dim3((unsigned)k1), 256, 0, s>>>(op, out, part, chunks);
        return cudaGetLastError();
    }
    int64_t blocks = k1 * ((k2 + 31) / 32);
    k_cols<T><<<dim3((unsigned)blocks), dim3(32, 8), 0, s>>>(op, out, a, k1, r, k2);
    return cudaGetLastError();
}

// ---- index ops ----

template <typename T> __global__ void k_index_select(T *out, const T *a, const int64_t *idx, int64_t outer, int64_t n,
                                                     int64_t na, int64_t inner)
{
    CU_GRID_LOOP(k, outer * n * inner) {
        int64_t q = k % inner, t = k / inner, i = t % n, o = t / n;
        out[k] = a[(o * na + idx[i]) * inner + q];
    }
}

template <typename T> __device__ inline void atomic_add(T *p, T v) { atomicAdd(p, v); }
template <> __device__ inline void atomic_add<int64_t>(int64_t *p, int64_t v)
{
    atomicAdd((unsigned long long *)p, (unsigned long long)v);  // two's complement: the same bits
}

template <typename T> __global__ void k_index_add(T *out, const T *src, const int64_t *idx, int64_t outer, int64_t n,
                                                  int64_t no, int64_t inner)
{
    CU_GRID_LOOP(k, outer * n * inner) {
        int64_t q = k % inner, t = k / inner, i = t % n, o = t / n;
        atomic_add(&out[(o * no + idx[i]) * inner + q], src[k]);
    }
}

// Element k of the index tensor: its position, the index value, and the
// offsets in the indexed tensor (a) and in src.
struct IdxPos {
    int64_t a_off, s_off;
};

__device__ inline IdxPos index_pos(const CuIndexGeom &g, const int64_t *idx, int64_t k)
{
    int64_t rem = k, i_off = 0, a_off = 0, s_off = 0;
    for (int d = g.ndim - 1; d >= 0; d--) {
        int64_t p = rem % g.shape[d];
        rem /= g.shape[d];
        i_off += p * g.i_strides[d];
        s_off += p * g.s_strides[d];
        if (d != g.dim)
            a_off += p * g.a_strides[d];
    }
    a_off += idx[i_off] * (g.ndim ? g.a_strides[g.dim] : 0);
    return IdxPos{ a_off, s_off };
}

template <typename T> __global__ void k_gather(T *out, const T *a, const int64_t *idx, CuIndexGeom g)
{
    CU_GRID_LOOP(k, g.numel) {
        IdxPos p = index_pos(g, idx, k);
        out[k] = a[p.a_off];
    }
}

template <typename T> __global__ void k_scatter(T *out, const T *src, const int64_t *idx, CuIndexGeom g, bool add)
{
    CU_GRID_LOOP(k, g.numel) {
        IdxPos p = index_pos(g, idx, k);
        if (add)
            atomic_add(&out[p.a_off], src[p.s_off]);
        else
            out[p.a_off] = src[p.s_off];
    }
}

template <typename T> __global__ void k_scatter_copy(T *out, const T *src, const int64_t *idx, CuIndexGeom g)
{
    CU_GRID_LOOP(k, g.numel) {
        IdxPos p = index_pos(g, idx, k);
        out[p.a_off] = src[p.s_off];
    }
}

}  // namespace

extern "C" size_t cu_reduce_scratch(CuDType dt, int64_t k1, int64_t r, int64_t k2)
{
    if (k2 != 1)
        return 0;
    int64_t chunks = row_chunks(k1, r);
    return chunks == 1 ? 0 : (size_t)(k1 * chunks) * sizeof(Acc<double>);
}

extern "C" cudaError_t cu_reduce(ReduceOp op, void *out, const void *a, CuDType dt, int64_t k1, int64_t r, int64_t k2,
                                 void *scratch, cudaStream_t s)
{
    switch (dt) {
    case CU_F32: return reduce_t<float>((int)op, out, (const float *)a, k1, r, k2, scratch, s);
    case CU_F64: return reduce_t<double>((int)op, out, (const double *)a, k1, r, k2, scratch, s);
    default: return reduce_t<long long>((int)op, out, (const long long *)a, k1, r, k2, scratch, s);
    }
}

extern "C" cudaError_t cu_index_select(void *out, const void *a, const int64_t *idx, int64_t outer, int64_t n,
                                       int64_t na, int64_t inner, int es, cudaStream_t s)
{
    int64_t total = outer * n * inner;
    switch (es) {
    case 1: return CU_LAUNCH(k_index_select<uint8_t>, total, s, (uint8_t *)out, (const uint8_t *)a, idx, outer, n, na, inner);
    case 4: return CU_LAUNCH(k_index_select<uint32_t>, total, s, (uint32_t *)out, (const uint32_t *)a, idx, outer, n, na, inner);
    default: return CU_LAUNCH(k_index_select<uint64_t>, total, s, (uint64_t *)out, (const uint64_t *)a, idx, outer, n, na, inner);
    }
}

extern "C" cudaError_t cu_index_add(void *out, const void *src, const int64_t *idx, int64_t outer, int64_t n,
                                    int64_t no, int64_t inner, CuDType dt, cudaStream_t s)
{
    int64_t total = outer * n * inner;
    switch (dt) {
    case CU_F32: return CU_LAUNCH(k_index_add<float>, total, s, (float *)out, (const float *)src, idx, outer, n, no, inner);
    case CU_F64: return CU_LAUNCH(k_index_add<double>, total, s, (double *)out, (const double *)src, idx, outer, n, no, inner);
    default: return CU_LAUNCH(k_index_add<int64_t>, total, s, (int64_t *)out, (const int64_t *)src, idx, outer, n, no, inner);
    }
}

extern "C" cudaError_t cu_gather(void *out, const void *a, const int64_t *idx, const CuIndexGeom *g, int es,
                                 cudaStream_t s)
{
    switch (es) {
    case 1: return CU_LAUNCH(k_gather<uint8_t>, g->numel, s, (uint8_t *)out, (const uint8_t *)a, idx, *g);
    case 4: return CU_LAUNCH(k_gather<uint32_t>, g->numel, s, (uint32_t *)out, (const uint32_t *)a, idx, *g);
    default: return CU_LAUNCH(k_gather<uint64_t>, g->numel, s, (uint64_t *)out, (const uint64_t *)a, idx, *g);
    }
}

extern "C" cudaError_t cu_scatter(void *out, const void *src, const int64_t *idx, const CuIndexGeom *g, CuDType dt,
                                  bool add, cudaStream_t s)
{
    if (!add) {
        switch (dt) {
        case CU_F32: return CU_LAUNCH(k_scatter_copy<uint32_t>, g->numel, s, (uint32_t *)out, (const uint32_t *)src, idx, *g);
        case CU_F64: case CU_I64:
            return CU_LAUNCH(k_scatter_copy<uint64_t>, g->numel, s, (uint64_t *)out, (const uint64_t *)src, idx, *g);
        default: return CU_LAUNCH(k_scatter_copy<uint8_t>, g->numel, s, (uint8_t *)out, (const uint8_t *)src, idx, *g);
        }
    }
    switch (dt) {
    case CU_F32: return CU_LAUNCH(k_scatter<float>, g->numel, s, (float *)out, (const float *)src, idx, *g, true);
    case CU_F64: return CU_LAUNCH(k_scatter<double>, g->numel, s, (double *)out, (const double *)src, idx, *g, true);
    default: return CU_LAUNCH(k_scatter<int64_t>, g->numel, s, (int64_t *)out, (const int64_t *)src, idx, *g, true);
    }
}
