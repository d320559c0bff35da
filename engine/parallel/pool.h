/* The engine's single thread pool (internal). OpenBLAS runs single-threaded
 * so that only this pool's threads are ever busy. */
#ifndef COURSDL_POOL_H
#define COURSDL_POOL_H

#include <stdint.h>

typedef void (*RangeFn)(int64_t begin, int64_t end, void *ctx);

/* Runs fn over [0, n) split into contiguous ranges on the pool's threads
 * (the caller's included). Serial when n < 2 * grain, when nested, or with
 * one core. fn must not raise engine errors. */
void parallel_for(int64_t n, int64_t grain, RangeFn fn, void *ctx);
/* The same with ranges of chunk indices that the threads take in turn
 * until none is left: long uneven jobs (big matrix products) then finish
 * together even when another process slows one core down. */
void parallel_for_dynamic(int64_t n, int64_t chunk, RangeFn fn, void *ctx);
/* Number of threads parallel_for uses (cores, at most 16, unless lowered
 * by COURSDL_NUM_THREADS or parallel_set_num_threads). */
int parallel_num_threads(void);
/* Threads started (cores, at most 16). */
int parallel_max_threads(void);
/* Uses n threads from the next job on (n < 1 or too big: all started). */
void parallel_set_num_threads(int n);

#endif
