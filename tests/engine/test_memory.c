/* Garbage collection keeps memory flat: 100,000 iterations that each make
 * 1 MB temporaries (with and without autograd graphs) stay under 300 MB of
 * peak RSS (VmHWM). Fewer iterations under the sanitizers (same check). */
#include "check.h"

#include <gc.h>

static long peak_rss_mb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "VmHWM:", 6))
            kb = atol(line + 6);
    if (f) fclose(f);
    return kb / 1024;
}

#if defined(__SANITIZE_ADDRESS__)
#define ITERS 5000
#else
#define ITERS 100000
#endif

int main(void)
{
    check_init();
    const int64_t n = 262144;  /* 262,144 floats = 1 MB */
    double total = 0;
    for (int i = 0; i < ITERS; i++) {
        Tensor *t = tensor_full(1.0, n);         /* 1 MB, touched */
        total += tensor_get(t, i % n);
    }
    CHECK(total == ITERS);
    long after_plain = peak_rss_mb();
    printf("peak RSS after %d plain iterations: %ld MB\n", ITERS, after_plain);
    CHECK(after_plain < 300);

    /* With graphs: a small leaf expanded into a 1 MB temporary, a graph
     * through it, and a backward every iteration. */
    Tensor *w = tensor_requires_grad_(tensor_ones(1), true);
    for (int i = 0; i < ITERS; i++) {
        Tensor *big = tensor_mul(tensor_full(0.5, n), w);  /* 1 MB, graph keeps it */
        Tensor *loss = tensor_sum(big);
        if (i % 10 == 0) {
            tensor_backward(loss);
            tensor_zero_grad(w);
        }
    }
    long after_graph = peak_rss_mb();
    printf("peak RSS after %d iterations with graphs: %ld MB\n", ITERS, after_graph);
    CHECK(after_graph < 300);

    /* tensor_free works and is optional. */
    Tensor *f = tensor_zeros(1000);
    tensor_free(f);
    CHECK(1);

    /* Mid-size tensors (2-32 KB) are pieces of shared blocks
     * (engine/device/cpu_carve.c): kept ones survive collections while
     * their neighbours die, freed ones do not disturb their neighbours,
     * an off-by-one write past one's data lands in its own slack, and a
     * loop of such temporaries stays flat. */
    enum { KEEP = 200 };
    static Tensor *kept[KEEP];
    static const int64_t mids[] = { 600, 960, 2000, 4000, 6400, 8000 };  /* 2.4-32 KB of float32 */
    for (int i = 0; i < KEEP; i++) {
        kept[i] = tensor_full(i, mids[i % 6]);
        for (int j = 0; j < 5; j++)
            tensor_free(tensor_full(-1, mids[(i + j) % 6]));  /* neighbours freed at once */
        tensor_add(kept[i], kept[i]);                          /* neighbours left to the collector */
    }
    for (int r = 0; r < 30000; r++)
        tensor_mul_scalar(tensor_full(2, mids[r % 6]), 3);
    GC_gcollect();
    bool intact = true;
    for (int i = 0; i < KEEP; i++)
        intact &= tensor_item(tensor_min(kept[i])) == i && tensor_item(tensor_max(kept[i])) == i;
    CHECK(intact);
    Tensor *a = tensor_zeros(960), *b = tensor_full(5, 960);
    float *pa = tensor_data_f32(a);
    pa[960] = 123;  /* one past the end */
    CHECK(tensor_item(tensor_min(b)) == 5 && tensor_item(tensor_max(b)) == 5 && tensor_numel(b) == 960);
    long after_mid = peak_rss_mb();
    printf("peak RSS after mid-size tensors: %ld MB\n", after_mid);
    CHECK(after_mid < 300);
    return CHECK_DONE();
}
