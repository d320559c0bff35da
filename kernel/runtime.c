#include "runtime.h"

#include <errno.h>
#include <gc.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "capture.h"
#include "coursdl.h"
#include "engine_api.h"
#include "guard.h"
#include "stdin.h"

static void on_engine_error(ErrorKind kind, const char *message, void *ctx)
{
    (void)ctx;
    if (guard_active())
        guard_fail(error_kind_name(kind), "%s", message);
    /* Outside a cell the engine's default (print and exit) would kill the
     * kernel: only a kernel bug gets here, so log it loudly. */
    klog("engine error outside a cell: %s: %s", error_kind_name(kind), message);
}

void runtime_init(void)
{
    error_set_handler(on_engine_error, NULL);
}

static void *cell_memcpy(void *d, const void *s, size_t n) { return memcpy(d, s, n); }
static void cell_zero(void *d, size_t n) { memset(d, 0, n); }

static _Noreturn void cell_exit(int status)
{
    fflush(stdout);
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

/* The collector scans these blocks, so tensors stored in a malloc'ed
 * array stay alive, and forgotten blocks are reclaimed.
 *
 * These wrappers, like the printf ones below, are also safe points for
 * interrupts: a loop that spends its time in malloc or printf rarely has
 * its program counter in cell code when SIGINT comes, and jumping out of
 * the allocator or stdio would leave their locks held. */
static void *cell_malloc(size_t n)
{
    interrupt_check();
    return GC_MALLOC(n);
}

static void *cell_calloc(size_t n, size_t size)
{
    interrupt_check();
    if (size && n > (size_t)-1 / size)
        return NULL;
    return GC_MALLOC(n * size);  /* GC memory comes zeroed */
}

static void *cell_realloc(void *p, size_t n)
{
    interrupt_check();
    if (!p || GC_base(p))
        return GC_REALLOC(p, n);
    return realloc(p, n);  /* from libc (strdup, getline...) */
}

static void cell_free(void *p)
{
    interrupt_check();
    if (!p)
        return;
    if (GC_base(p))
        GC_FREE(p);
    else
        free(p);
}

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

/* Runs `sh -c cmd` with its output in the cell's streams; polls so that an
 * interrupt stops the command and the cell. */
static void cell_shell(const char *cmd)
{
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0)
        error_raise(ERR_RUNTIME, "!%s: cannot start a shell (%s)", cmd, strerror(errno));
    if (pid == 0) {
        signal(SIGINT, SIG_DFL);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    int status;
    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            break;
        if (r < 0 && errno != EINTR)
            return;
        if (interrupt_pending()) {
            kill(pid, SIGINT);
            usleep(100000);
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            interrupt_check();
        }
        usleep(5000);
    }
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

static const JitExtern g_externs[] = {
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
    { "sleep", (void *)cell_sleep, 0 },
    { "usleep", (void *)cell_usleep, 0 },
    { "nanosleep", (void *)cell_nanosleep, 0 },
    { "read", (void *)stdin_cell_read, 0 },  /* read(0, ...): the notebook's input (stdin.c) */
};

int runtime_externs(const JitExtern **out)
{
    *out = g_externs;
    return (int)(sizeof g_externs / sizeof *g_externs);
}

void runtime_after_unwind(bool fault_outside_cell)
{
    error_reset_state();
    if (fault_outside_cell)
        capture_reset_stdio();
    else
        fflush(stdout);
}
