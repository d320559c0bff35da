/* A small fixed thread pool: workers sleep on a condition variable and take
 * one range each per job. Created lazily; signals are blocked in workers so
 * that SIGINT always reaches the host's thread. */
#include "pool.h"

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <stdatomic.h>
#include <unistd.h>

#define MAX_THREADS 16

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_wake = PTHREAD_COND_INITIALIZER;
static pthread_cond_t g_done = PTHREAD_COND_INITIALIZER;
static int g_nthreads;        /* started, including the caller */
static int g_active;          /* used by the next job (set_num_threads) */
static int g_job_threads;     /* used by the current job */
static uint64_t g_generation; /* bumped per job */
static int g_pending;         /* workers still running the current job */
static RangeFn g_fn;
static void *g_ctx;
static int64_t g_n;
static int64_t g_chunk;       /* > 0: dynamic mode, ranges of g_chunk taken in turn */
static atomic_llong g_next;   /* dynamic mode: the next unclaimed index */
static atomic_int g_busy;     /* a job is running: nested calls go serial */

static void run_part(int part)
{
    if (g_chunk > 0) {
        for (;;) {
            int64_t b = atomic_fetch_add(&g_next, g_chunk);
            if (b >= g_n)
                return;
            g_fn(b, b + g_chunk < g_n ? b + g_chunk : g_n, g_ctx);
        }
    }
    int64_t chunk = (g_n + g_job_threads - 1) / g_job_threads;
    int64_t b = part * chunk, e = b + chunk < g_n ? b + chunk : g_n;
    if (b < e)
        g_fn(b, e, g_ctx);
}

static void *worker(void *arg)
{
    int part = (int)(intptr_t)arg;
    uint64_t seen = 0;
    pthread_mutex_lock(&g_lock);
    for (;;) {
        while (g_generation == seen)
            pthread_cond_wait(&g_wake, &g_lock);
        seen = g_generation;
        bool used = part < g_job_threads;
        pthread_mutex_unlock(&g_lock);
        if (used)
            run_part(part);
        pthread_mutex_lock(&g_lock);
        if (--g_pending == 0)
            pthread_cond_signal(&g_done);
    }
    return NULL;
}

static void start_pool(void)
{
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    int n = cores < 1 ? 1 : cores > MAX_THREADS ? MAX_THREADS : (int)cores;
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    int started = 1;
    for (int i = 1; i < n; i++) {
        pthread_t th;
        if (pthread_create(&th, NULL, worker, (void *)(intptr_t)i) != 0)
            break;
        pthread_detach(th);
        started++;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    g_nthreads = started;
    /* COURSDL_NUM_THREADS caps the threads used (like OMP_NUM_THREADS). */
    const char *e = getenv("COURSDL_NUM_THREADS");
    int want = e ? atoi(e) : 0;
    g_active = want >= 1 && want < started ? want : started;
}

static void ensure_pool(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, start_pool);
}

int parallel_num_threads(void)
{
    ensure_pool();
    return g_active;
}

int parallel_max_threads(void)
{
    ensure_pool();
    return g_nthreads;
}

void parallel_set_num_threads(int n)
{
    ensure_pool();
    pthread_mutex_lock(&g_lock);
    g_active = n < 1 || n > g_nthreads ? g_nthreads : n;
    pthread_mutex_unlock(&g_lock);
}

static void run_job(int64_t n, int64_t chunk, RangeFn fn, void *ctx)
{
    pthread_mutex_lock(&g_lock);
    g_fn = fn;
    g_ctx = ctx;
    g_n = n;
    g_chunk = chunk;
    g_job_threads = g_active;
    atomic_store(&g_next, 0);
    g_pending = g_nthreads - 1;
    g_generation++;
    pthread_cond_broadcast(&g_wake);
    pthread_mutex_unlock(&g_lock);
    run_part(0);
    pthread_mutex_lock(&g_lock);
    while (g_pending > 0)
        pthread_cond_wait(&g_done, &g_lock);
    pthread_mutex_unlock(&g_lock);
    atomic_store(&g_busy, 0);
}

void parallel_for(int64_t n, int64_t grain, RangeFn fn, void *ctx)
{
    if (n <= 0)
        return;
    if (n < 2 * grain || parallel_num_threads() <= 1 || atomic_exchange(&g_busy, 1)) {
        fn(0, n, ctx);
        return;
    }
    run_job(n, 0, fn, ctx);
}

void parallel_for_dynamic(int64_t n, int64_t chunk, RangeFn fn, void *ctx)
{
    if (n <= 0)
        return;
    if (chunk < 1)
        chunk = 1;
    if (n <= chunk || parallel_num_threads() <= 1 || atomic_exchange(&g_busy, 1)) {
        fn(0, n, ctx);
        return;
    }
    run_job(n, chunk, fn, ctx);
}
