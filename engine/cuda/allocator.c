/* The caching device allocator. cudaMalloc synchronizes the device and
 * costs microseconds, so blocks are never given back to CUDA per op: a
 * freed block goes to a cache keyed by its rounded size and the next
 * request of that size takes it (a training loop asks for the same sizes
 * every step, so after the first step no cudaMalloc runs). Tensor storage is
 * freed by the garbage collector's finalizers; since the GC only sees small
 * host headers, device memory handed out is tracked and a collection is
 * forced when it has grown a lot since the last one, and again before
 * giving up on an allocation. */
#include "cuda_host.h"

#include <gc.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define SMALL_LIMIT (1u << 20)      /* below: rounded to 512 bytes */
#define LARGE_ROUND (2u << 20)      /* above: rounded to 2 MiB */
#define BUCKETS 1024

typedef struct FreeBlock {
    void *ptr;
    size_t size;
    struct FreeBlock *next;
} FreeBlock;

typedef struct Pool {
    pthread_mutex_t lock;
    FreeBlock *bucket[BUCKETS];  /* cached blocks by size */
    CudaMemStats st;
    size_t since_gc;             /* bytes handed out since the last forced collection */
} Pool;

static Pool g_pool[CUDA_MAX_DEVICES];
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void pools_init(void)
{
    for (int i = 0; i < CUDA_MAX_DEVICES; i++)
        pthread_mutex_init(&g_pool[i].lock, NULL);
}

static size_t round_size(size_t n)
{
    if (n == 0)
        n = 1;
    if (n < SMALL_LIMIT)
        return (n + 511) & ~(size_t)511;
    return (n + LARGE_ROUND - 1) / LARGE_ROUND * LARGE_ROUND;
}

static unsigned bucket_of(size_t size)
{
    return (unsigned)((size >> 9) % BUCKETS);
}

/* A cached block of exactly size (rounding makes sizes repeat), or NULL. Lock held. */
static void *take_cached(Pool *P, size_t size)
{
    FreeBlock **pp = &P->bucket[bucket_of(size)];
    for (FreeBlock *b = *pp; b; pp = &b->next, b = b->next) {
        if (b->size == size) {
            void *p = b->ptr;
            *pp = b->next;
            free(b);
            P->st.cached -= size;
            return p;
        }
    }
    return NULL;
}

/* cudaFree of every cached block. Lock held. */
static void release_cached(Pool *P)
{
    for (int k = 0; k < BUCKETS; k++) {
        for (FreeBlock *b = P->bucket[k], *nx; b; b = nx) {
            nx = b->next;
            cudaFree(b->ptr);
            P->st.reserved -= b->size;
            free(b);
        }
        P->bucket[k] = NULL;
    }
    P->st.cached = 0;
}

/* One forced collection: unreachable tensors' finalizers give their blocks back. */
static void collect(Pool *P)
{
    GC_gcollect();
    GC_invoke_finalizers();
    pthread_mutex_lock(&P->lock);
    P->since_gc = 0;
    P->st.collections++;
    pthread_mutex_unlock(&P->lock);
}

static void *try_malloc(Pool *P, size_t size)
{
    void *p = NULL;
    if (cudaMalloc(&p, size) != cudaSuccess) {
        cudaGetLastError();  /* out of memory is not sticky: clear it */
        return NULL;
    }
    P->st.reserved += size;
    P->st.mallocs++;
    return p;
}

static void *alloc_block(int index, size_t n, size_t *got)
{
    pthread_once(&g_once, pools_init);
    CudaDev *d = cuda_dev(index);
    Pool *P = &g_pool[index];
    size_t size = round_size(n);
    size_t threshold = d->total_mem / 32 > ((size_t)512 << 20) ? d->total_mem / 32 : (size_t)512 << 20;
    if (P->since_gc > threshold)
        collect(P);
    void *p = NULL;
    for (int attempt = 0; attempt < 3 && !p; attempt++) {
        if (attempt == 2)
            collect(P);
        pthread_mutex_lock(&P->lock);
        p = take_cached(P, size);
        if (!p && attempt > 0)
            release_cached(P);  /* free memory lies in other sizes' blocks: give them back to CUDA */
        if (!p)
            p = try_malloc(P, size);
        if (p) {
            P->st.in_use += size;
            P->since_gc += size;
            if (P->st.in_use > P->st.peak_in_use)
                P->st.peak_in_use = P->st.in_use;
        }
        pthread_mutex_unlock(&P->lock);
    }
    if (!p) {
        size_t free_b = 0, total_b = 0;
        cudaMemGetInfo(&free_b, &total_b);
        cudaGetLastError();
        error_raise(ERR_MEMORY,
                    "cuda:%d is out of memory allocating %.1f MiB: tensors hold %.1f MiB, the device has %.1f MiB "
                    "free of %.1f MiB (%s). Fix: free tensors you no longer need (tensor_free), use smaller batches "
                    "or a smaller model",
                    index, size / 1048576.0, P->st.in_use / 1048576.0, free_b / 1048576.0, total_b / 1048576.0,
                    d->name);
    }
    *got = size;
    return p;
}

static void free_block(int index, void *p, size_t size)
{
    if (!p)
        return;
    Pool *P = &g_pool[index];
    FreeBlock *b = malloc(sizeof *b);
    pthread_mutex_lock(&P->lock);
    P->st.in_use -= size;
    if (!b) {
        cudaFree(p);
        P->st.reserved -= size;
    } else {
        b->ptr = p;
        b->size = size;
        b->next = P->bucket[bucket_of(size)];
        P->bucket[bucket_of(size)] = b;
        P->st.cached += size;
    }
    pthread_mutex_unlock(&P->lock);
}

/* ---- tensor storage ---- */

/* The engine's Storage header first, then what the finalizer needs; a
 * pointer-free GC block (the device pointer means nothing to the GC). */
typedef struct CudaStorage {
    Storage s;
    size_t block;  /* rounded size of the block */
    int index;
} CudaStorage;

static void storage_finalize(void *obj, void *cd)
{
    (void)cd;
    CudaStorage *cs = obj;
    free_block(cs->index, cs->s.data, cs->block);
    cs->s.data = NULL;
}

Storage *cuda_alloc(Device device, size_t nbytes, size_t head, void **headp)
{
    (void)head;
    int index = device_index(device);
    size_t got;
    void *p = alloc_block(index, nbytes, &got);
    CudaStorage *cs = GC_MALLOC_ATOMIC(sizeof *cs);
    if (!cs) {
        free_block(index, p, got);
        error_raise(ERR_MEMORY, "out of host memory for a tensor header");
    }
    memset(cs, 0, sizeof *cs);
    cs->s.data = p;
    cs->s.nbytes = nbytes;
    cs->s.device = device;
    cs->s.refs = 1;
    cs->s.backend_ctx = NULL;
    cs->block = got;
    cs->index = index;
    GC_register_finalizer_no_order(cs, storage_finalize, NULL, NULL, NULL);
    if (headp)
        *headp = NULL;  /* the Tensor header apart (t_new allocates it) */
    return &cs->s;
}

void cuda_release(Storage *s)
{
    CudaStorage *cs = (CudaStorage *)s;
    GC_register_finalizer_no_order(cs, NULL, NULL, NULL, NULL);
    free_block(cs->index, cs->s.data, cs->block);
    cs->s.data = NULL;
    GC_FREE(cs);
}

/* ---- scratch ---- */

CudaBlock cuda_scratch(int index, size_t n)
{
    CudaBlock b = { NULL, 0, index };
    b.ptr = alloc_block(index, n, &b.size);
    return b;
}

void cuda_scratch_free(CudaBlock b)
{
    free_block(b.index, b.ptr, b.size);
}

void cuda_memory_stats(int index, CudaMemStats *st)
{
    pthread_once(&g_once, pools_init);
    if (index < 0 || index >= CUDA_MAX_DEVICES) {
        memset(st, 0, sizeof *st);
        return;
    }
    Pool *P = &g_pool[index];
    pthread_mutex_lock(&P->lock);
    *st = P->st;
    pthread_mutex_unlock(&P->lock);
}

void cuda_memory(Device device, size_t *allocated, size_t *reserved)
{
    CudaMemStats st;
    cuda_memory_stats(device_index(device), &st);
    *allocated = st.in_use;
    *reserved = st.reserved;
}

void cuda_empty_cache(Device device)
{
    int index = device_index(device);
    pthread_once(&g_once, pools_init);
    Pool *P = &g_pool[index];
    CU(cudaStreamSynchronize(cuda_dev(index)->stream));  /* no queued op still uses a cached block */
    pthread_mutex_lock(&P->lock);
    release_cached(P);
    pthread_mutex_unlock(&P->lock);
}
