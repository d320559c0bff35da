#include "runtime.h"

#include <errno.h>
#include <gc.h>
#include <gc/gc_mark.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "capture.h"
#include "celldebug.h"
#include "cellfd.h"
#include "celllimit.h"
#include "cellproc.h"
#include "cellsig.h"
#include "coursdl.h"
#include "engine_api.h"
#include "guard.h"
#include "kernel.h"
#include "stdin.h"
#include "strbuf.h"

static void on_engine_error(ErrorKind kind, const char *message, void *ctx)
{
    (void)ctx;
    if (guard_active() || guard_on_cell_thread())
        guard_fail(error_kind_name(kind), "%s", message);
    /* Outside a cell the engine's default (print and exit) would kill the
     * kernel: only a kernel bug gets here, so log it loudly. */
    klog("engine error outside a cell: %s: %s", error_kind_name(kind), message);
}

static void *cell_memcpy(void *d, const void *s, size_t n) { return memcpy(d, s, n); }
static void cell_zero(void *d, size_t n) { memset(d, 0, n); }

static _Noreturn void cell_exit(int status)
{
    fflush(stdout);
    if (guard_in_forked_child()) {
        /* A child made by fork() in a cell ends as a program does. */
        fflush(stderr);
        _exit(status);
    }
    if (status == 0)
        guard_finish();
    guard_fail("SystemExit", "exit(%d) was called: the cell stopped there "
               "(the kernel keeps running, with its state)", status);
}

static void cell_main_returned(int status)
{
    if (status != 0)
        guard_fail("SystemExit", "main returned %d (non-zero: the program reports a failure)", status);
}

static _Noreturn void cell_assert_fail(const char *assertion, const char *file, unsigned int line,
                                       const char *function)
{
    fflush(stdout);
    if (!strncmp(function, "__cdl_fn_", 9))  /* a cell function's code name (session.c) */
        function += 9;
    if (file && !strcmp(file, "cell"))
        guard_fail("Aborted", "Assertion failed: %s (cell line %u, in %s)", assertion, line,
                   strcmp(function, "__cdl_run") ? function : "the cell's statements");
    guard_fail("Aborted", "Assertion failed: %s (%s:%u, in %s)", assertion, file, line, function);
}

/* ---- the heap of cells -------------------------------------------------------------------
 * The collector scans these blocks, so tensors stored in a malloc'ed array
 * stay alive, and forgotten blocks are reclaimed.
 *
 * free() only records the block as freed: the collector reclaims it once
 * no pointer to it is left. So a block is never handed out twice while a
 * cell still holds a pointer to it (free twice, use after free), and a
 * second free() of it is a named error.
 *
 * These wrappers, like the printf ones below, are also safe points for
 * interrupts: a loop that spends its time in malloc or printf rarely has
 * its program counter in cell code when SIGINT comes, and jumping out of
 * the allocator or stdio would leave their locks held. */

/* Large blocks are not cleared: malloc(1 GB) with one byte written stays
 * one page resident (the collector's normal kind zeroes every block). */
#define LAZY_BLOCK ((size_t)1 << 20)
static unsigned g_lazy_kind;
static bool g_lazy_ready;

static void init_heap_kinds(void)
{
    g_lazy_kind = GC_new_kind(GC_new_free_list(), 0 | GC_DS_LENGTH, 1, 0);
    g_lazy_ready = true;
}

static const char *human_size(size_t n, char *buf, size_t cap)
{
    if (n >= (size_t)1 << 30)
        snprintf(buf, cap, "%zu bytes = %.1f GB", n, (double)n / (1 << 30));
    else if (n >= (size_t)1 << 20)
        snprintf(buf, cap, "%zu bytes = %.1f MB", n, (double)n / (1 << 20));
    else
        snprintf(buf, cap, "%zu bytes", n);
    return buf;
}

static _Noreturn void out_of_memory(const char *fn, size_t n)
{
    char size[64];
    guard_fail("MemoryError", "%s(%s) failed: not enough memory (a size computed wrong, or data too "
               "big for this machine?)", fn, human_size(n, size, sizeof size));
}

/* Freed blocks, by address (direct-mapped: an entry lost to a collision
 * only misses a double free, never invents one). */
#define FREED_SLOTS 8192
static struct { uintptr_t addr; int cell; } g_freed[FREED_SLOTS];
static int g_cell_number;

static size_t freed_slot(const void *p) { return ((uintptr_t)p >> 4) % FREED_SLOTS; }

static void *fresh(void *p)
{
    size_t h = freed_slot(p);
    if (g_freed[h].addr == (uintptr_t)p)
        g_freed[h].addr = 0;
    return p;
}

static void *gc_block(size_t n)
{
    if (n >= LAZY_BLOCK && g_lazy_ready)
        return GC_generic_malloc(n, (int)g_lazy_kind);
    return GC_MALLOC(n);
}

static void *cell_malloc(size_t n)
{
    interrupt_check();
    void *p = gc_block(n ? n : 1);
    if (!p)
        out_of_memory("malloc", n);
    return fresh(p);
}

static void *cell_calloc(size_t n, size_t size)
{
    interrupt_check();
    if (size && n > (size_t)-1 / size)
        guard_fail("MemoryError", "calloc(%zu, %zu): the size overflows (the product does not fit in "
                   "size_t)", n, size);
    size_t bytes = n * size;
    void *p = GC_MALLOC(bytes > 0 ? bytes : 1);  /* GC memory comes zeroed */
    if (!p)
        out_of_memory("calloc", bytes);
    return fresh(p);
}

static bool is_kernel_memory(const void *p)
{
    uintptr_t lo, hi, a = (uintptr_t)p;
    guard_cell_stack(&lo, &hi);
    return (a >= lo && a < hi) || jit_pc_in_arena(a);
}

static _Noreturn void invalid_free(const char *fn, const void *p, const char *why)
{
    guard_fail("InvalidFree", "%s(%p): %s", fn, p, why);
}

/* Checks that p may be freed; true when it is a block of the collector. */
static bool check_free(const char *fn, void *p)
{
    void *base = GC_base(p);
    if (base) {
        if (base != p)
            invalid_free(fn, p, "the address is inside a block, not its start (pass the pointer malloc "
                         "returned)");
        size_t h = freed_slot(p);
        if (g_freed[h].addr == (uintptr_t)p)
            guard_fail("DoubleFree", "%s(%p): this block was already freed (in cell [%d]); freeing it "
                       "twice is an error in C. Set the pointer to NULL after free()", fn, p,
                       g_freed[h].cell);
        return true;
    }
    if (is_kernel_memory(p))
        invalid_free(fn, p, "not a block from malloc (a local or global variable?)");
    return false;
}

static void record_free(void *p)
{
    size_t h = freed_slot(p);
    g_freed[h].addr = (uintptr_t)p;
    g_freed[h].cell = g_cell_number;
}

static void cell_free(void *p)
{
    interrupt_check();
    if (!p)
        return;
    if (check_free("free", p))
        record_free(p);
    else
        free(p);  /* from libc (strdup, getline...) */
}

static void *cell_realloc(void *p, size_t n)
{
    interrupt_check();
    if (!p)
        return cell_malloc(n);
    if (!check_free("realloc", p))
        return realloc(p, n);
    if (n == 0) {
        record_free(p);
        return NULL;
    }
    size_t old = GC_size(p);
    if (n <= old)
        return p;
    void *q = gc_block(n);
    if (!q)
        out_of_memory("realloc", n);
    memcpy(q, p, old);
    record_free(p);
    return fresh(q);
}

/* ---- stdio and big copies: safe points ---------------------------------------------------- */

static int cell_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vprintf(fmt, ap);
    va_end(ap);
    interrupt_check();
    return n;
}

static int cell_fprintf(FILE *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vfprintf(f, fmt, ap);
    va_end(ap);
    interrupt_check();
    return n;
}

static int cell_puts(const char *s)
{
    int n = puts(s);
    interrupt_check();
    return n;
}

static int cell_putchar(int c)
{
    int n = putchar(c);
    interrupt_check();
    return n;
}

/* A loop of 16 MB copies spends all its time in libc: check after each big one. */
#define BIG_COPY ((size_t)1 << 16)

static void *cell_memcpy_api(void *d, const void *s, size_t n)
{
    memcpy(d, s, n);
    if (n >= BIG_COPY)
        interrupt_check();
    return d;
}

static void *cell_memmove(void *d, const void *s, size_t n)
{
    memmove(d, s, n);
    if (n >= BIG_COPY)
        interrupt_check();
    return d;
}

static void *cell_memset(void *d, int c, size_t n)
{
    memset(d, c, n);
    if (n >= BIG_COPY)
        interrupt_check();
    return d;
}

/* Runs `sh -c cmd` with its output in the cell's streams. */
static void cell_shell(const char *cmd)
{
    int status = cellproc_system(cmd);
    if (status < 0)
        error_raise(ERR_RUNTIME, "!%s: cannot start a shell (%s)", cmd, strerror(errno));
    if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
        fprintf(stderr, "!%s: exited with status %d\n", cmd, WEXITSTATUS(status));
    else if (WIFSIGNALED(status))
        fprintf(stderr, "!%s: killed by signal %d\n", cmd, WTERMSIG(status));
}

/* Sleeping is where a waiting loop spends its time: check on the way out
 * (SIGINT cuts the sleep short). */
static unsigned int cell_sleep(unsigned int seconds)
{
    unsigned int left = sleep(seconds);
    interrupt_check();
    return left;
}

static int cell_usleep(unsigned int usec)
{
    int rc = usleep(usec);
    interrupt_check();
    return rc;
}

static int cell_nanosleep(const struct timespec *req, struct timespec *rem)
{
    int rc = nanosleep(req, rem);
    interrupt_check();
    return rc;
}

static const JitExtern g_own[] = {
    { "__cdl_memcpy", (void *)cell_memcpy, 0 },
    { "__cdl_zero", (void *)cell_zero, 0 },
    { "__cdl_shell", (void *)cell_shell, 0 },
    { "__cdl_main_returned", (void *)cell_main_returned, 0 },
    { "exit", (void *)cell_exit, 0 },
    { "_exit", (void *)cell_exit, 0 },
    { "_Exit", (void *)cell_exit, 0 },
    { "quick_exit", (void *)cell_exit, 0 },
    { "__assert_fail", (void *)cell_assert_fail, 0 },
    { "malloc", (void *)cell_malloc, 0 },
    { "calloc", (void *)cell_calloc, 0 },
    { "realloc", (void *)cell_realloc, 0 },
    { "free", (void *)cell_free, 0 },
    { "printf", (void *)cell_printf, 0 },
    { "fprintf", (void *)cell_fprintf, 0 },
    { "puts", (void *)cell_puts, 0 },
    { "putchar", (void *)cell_putchar, 0 },
    { "memcpy", (void *)cell_memcpy_api, 0 },
    { "memmove", (void *)cell_memmove, 0 },
    { "memset", (void *)cell_memset, 0 },
    { "sleep", (void *)cell_sleep, 0 },
    { "usleep", (void *)cell_usleep, 0 },
    { "nanosleep", (void *)cell_nanosleep, 0 },
    { "read", (void *)stdin_cell_read, 0 },  /* read(0, ...): the notebook's input (stdin.c) */
};

/* Every module's wrappers in one table. */
static JitExtern *g_externs;
static int g_n_externs;

static void add_externs(const JitExtern *e, int n)
{
    g_externs = xrealloc(g_externs, sizeof *g_externs * (size_t)(g_n_externs + n));
    memcpy(g_externs + g_n_externs, e, sizeof *e * (size_t)n);
    g_n_externs += n;
}

int runtime_externs(const JitExtern **out)
{
    *out = g_externs;
    return g_n_externs;
}

/* ---- around every cell ---------------------------------------------------------------------- */

static void before_cell(void)
{
    g_cell_number = K.execution_count;
}

/* "... at cell line 7": the line of the cell code where it happened. */
static void add_line(GuardOutcome *out)
{
    uintptr_t at = out->pc_in_cell ? out->pc : out->n_frames ? out->frames[0] - 1 : 0;
    int line;
    if (!at || strstr(out->evalue, "cell line") || !celldebug_line(at, &line))
        return;
    size_t n = strlen(out->evalue);
    snprintf(out->evalue + n, sizeof out->evalue - n, " at cell line %d", line);
}

static void after_cell(GuardOutcome *out)
{
    if (out->failed)
        add_line(out);
    /* What the cell may have changed: fds 1 and 2, stdout, children, limits. */
    capture_restore_std();
    cellproc_after_cell();
    celllimit_after_cell();
}

void runtime_init(void)
{
    error_set_handler(on_engine_error, NULL);
    init_heap_kinds();
    const JitExtern *e;
    int n;
    add_externs(g_own, (int)(sizeof g_own / sizeof *g_own));
    n = cellsig_externs(&e);
    add_externs(e, n);
    n = cellproc_externs(&e);
    add_externs(e, n);
    n = celllimit_externs(&e);
    add_externs(e, n);
    n = cellfd_externs(&e);
    add_externs(e, n);
    n = bounds_externs(&e);
    add_externs(e, n);
    guard_set_hooks(before_cell, after_cell);
}

void runtime_after_unwind(bool fault_outside_cell)
{
    error_reset_state();
    if (fault_outside_cell)
        capture_reset_stdio();
    else
        fflush(stdout);
}
