/* GPU only: the CUDA backend's caching allocator on cuda:0. Steady state
 * makes no cudaMalloc (freed blocks are reused after the garbage collector
 * runs the finalizers); asking for more than the device holds is a
 * MemoryError with the sizes and the device's free/total memory, and the
 * device still works after it; device_empty_cache gives the cache back.
 * Exits 77 where there is no GPU: run by tools/gpu_check.sh. */
#include "../engine/check.h"
#include "../../engine/cuda/cuda_host.h"

#include <gc.h>

#define GPU DEVICE_CUDA(0)

static Tensor *filled(int64_t n, double value)
{
    Tensor *t = t_new(DT_FLOAT32, 1, &n, GPU);
    dev_fill(&(FillArgs){ .out = t, .value = value });
    return t;
}

int main(void)
{
    check_init();
    if (device_count() == 0) {
        printf("no GPU: %s (this check runs on a machine with a CUDA GPU: tools/gpu_check.sh)\n",
               backend_unavailable(DEVTYPE_CUDA));
        return 77;
    }
    printf("cuda:0 = %s\n", device_info(GPU));
    int64_t n = 1 << 20;  /* 4 MiB */
    for (int i = 0; i < 50; i++)
        filled(n, 1);
    GC_gcollect();
    CudaMemStats a, b;
    cuda_memory_stats(0, &a);
    for (int i = 0; i < 1000; i++) {
        filled(n, 1);
        if (i % 100 == 0)
            GC_gcollect();
    }
    device_synchronize(GPU);
    cuda_memory_stats(0, &b);
    printf("allocator: %lld cudaMalloc calls over 1000 allocations of 4 MiB; %.0f MiB reserved\n",
           (long long)(b.mallocs - a.mallocs), b.reserved / 1048576.0);
    CHECK(b.mallocs - a.mallocs <= 2);
    CHECK(device_memory_reserved(GPU) >= device_memory_allocated(GPU) && device_memory_reserved(GPU) > 0);

    /* more than the device holds: MemoryError with the sizes, then the device still works */
    int64_t huge = (int64_t)(cuda_dev(0)->total_mem / 4 + (1 << 28)) * 2;
    CHECK_RAISES(ERR_MEMORY, "out of memory allocating", t_new(DT_FLOAT64, 1, &huge, GPU));
    CHECK(strstr(error_last_message(), "MiB free of") != NULL);
    Tensor *t = filled(n, 2);
    CHECK_CLOSE(tensor_item(tensor_sum(tensor_to(t, DEVICE_CPU))), 2.0 * (1 << 20), 1);

    /* the cache goes back to the device */
    t = NULL;
    GC_gcollect();
    device_empty_cache(GPU);
    printf("after device_empty_cache: %.0f MiB reserved, %.0f MiB allocated\n",
           device_memory_reserved(GPU) / 1048576.0, device_memory_allocated(GPU) / 1048576.0);
    CHECK(device_memory_reserved(GPU) < b.reserved);
    return CHECK_DONE();
}
