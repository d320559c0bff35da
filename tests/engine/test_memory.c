/* Garbage collection keeps memory flat: 100,000 iterations that each make
 * 1 MB temporaries (with and without autograd graphs) stay under 300 MB of
 * peak RSS (VmHWM). Fewer iterations under the sanitizers (same check). */
#include "check.h"

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
    return CHECK_DONE();
}
