#include "guard.h"

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <ucontext.h>
#include <unistd.h>

#include "coursdl.h"
#include "engine_api.h"

static pthread_t g_main;
static GuardPcTest g_in_cell;
static sigjmp_buf g_env;
static volatile sig_atomic_t g_armed;
static volatile sig_atomic_t g_int_pending;
static GuardOutcome *volatile g_out;
static sem_t g_pump;
static uintptr_t g_stack_top;   /* end of the main thread's stack mapping */
static uintptr_t g_stack_limit; /* lowest address it may grow to */

#define ALT_STACK_SIZE (256 * 1024)

static void fill_stack_frames(uintptr_t sp)
{
    /* Scan the interrupted stack for return addresses into cell code: the
     * nearest one names the cell function, even when the fault hit libc. */
    GuardOutcome *o = g_out;
    o->n_frames = 0;
    if (sp < g_stack_limit || sp >= g_stack_top)
        return;  /* not a stack pointer we can trust to read from */
    uintptr_t end = g_stack_top;
    if (!end || sp >= end || end - sp > (8u << 20))
        end = sp + (256u << 10);
    for (uintptr_t *p = (uintptr_t *)sp; (uintptr_t)p < end && o->n_frames < GUARD_MAX_FRAMES; p++)
        if (g_in_cell(*p))
            o->frames[o->n_frames++] = *p;
}

static void set_outcome(const char *ename, const char *evalue)
{
    GuardOutcome *o = g_out;
    o->failed = true;
    /* snprintf is not async-signal-safe in general, but with %s only and no
     * allocation glibc's implementation is safe enough; use plain copies. */
    size_t n = strlen(ename);
    if (n >= sizeof o->ename) n = sizeof o->ename - 1;
    memcpy(o->ename, ename, n);
    o->ename[n] = 0;
    n = strlen(evalue);
    if (n >= sizeof o->evalue) n = sizeof o->evalue - 1;
    memcpy(o->evalue, evalue, n);
    o->evalue[n] = 0;
}

static void on_fault(int sig, siginfo_t *si, void *ucv)
{
    if (!g_armed || !pthread_equal(pthread_self(), g_main)) {
        /* A fault in the kernel itself: die the normal way. */
        signal(sig, SIG_DFL);
        if (sig == SIGABRT)
            raise(sig);
        return;
    }
    ucontext_t *uc = ucv;
    uintptr_t pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
    uintptr_t sp = (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
    uintptr_t addr = (uintptr_t)si->si_addr;
    const char *ename = "SegmentationFault", *evalue = "invalid memory access";
    switch (sig) {
    case SIGSEGV:
        /* Near the stack pointer and below the stack's reach: the frame
         * being pushed (or a local of it) fell off the end of the stack. */
        if (addr < g_stack_limit + (1u << 20) && addr + (1u << 16) > sp && addr < sp + (1u << 16)) {
            ename = "StackOverflow";
            evalue = "the stack is exhausted (infinite or too deep recursion?)";
        } else if (addr < 4096) {
            evalue = "NULL pointer dereference";
        } else {
            evalue = "invalid memory access (a wild or freed pointer, or an index out of bounds?)";
        }
        break;
    case SIGBUS:
        ename = "BusError";
        evalue = "bus error (misaligned access or a truncated memory-mapped file)";
        break;
    case SIGILL:
        ename = "IllegalInstruction";
        evalue = "illegal instruction";
        break;
    case SIGFPE:
        ename = "FloatingPointError";
        evalue = si->si_code == FPE_INTDIV ? "integer division by zero"
               : si->si_code == FPE_INTOVF ? "integer overflow" : "arithmetic error";
        break;
    case SIGABRT:
        ename = "Aborted";
        evalue = "abort() was called";
        break;
    }
    set_outcome(ename, evalue);
    g_out->from_signal = true;
    g_out->pc = pc;
    g_out->pc_in_cell = g_in_cell(pc);
    /* On a stack overflow the stack pointer may already point past the
     * mapped stack: reading from it would fault again, inside the handler. */
    if (strcmp(ename, "StackOverflow") != 0)
        fill_stack_frames(sp);
    siglongjmp(g_env, 1);
}

static void on_interrupt(int sig, siginfo_t *si, void *ucv)
{
    (void)si;
    if (!pthread_equal(pthread_self(), g_main)) {
        /* A thread started before ours (the collector's markers, say) took
         * a process-directed SIGINT: the cell runs on the main thread. */
        if (g_armed)
            pthread_kill(g_main, sig);
        return;
    }
    if (!g_armed)
        return;
    ucontext_t *uc = ucv;
    uintptr_t pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
    /* The engine sees the flag at its next safe point. */
    interrupt_request();
    if (g_in_cell(pc)) {
        set_outcome("KeyboardInterrupt", "the cell was interrupted");
        g_out->pc = pc;
        g_out->pc_in_cell = true;
        fill_stack_frames((uintptr_t)uc->uc_mcontext.gregs[REG_RSP]);
        siglongjmp(g_env, 1);
    }
    /* Inside libc or the engine: jumping out could leave a lock held (a
     * malloc lock, measured to deadlock). Retry until the code is ours. */
    if (!g_int_pending) {
        g_int_pending = 1;
        sem_post(&g_pump);
    }
}

static void *pump_thread(void *arg)
{
    (void)arg;
    for (;;) {
        while (sem_wait(&g_pump) != 0 && errno == EINTR)
            ;
        while (g_int_pending && g_armed) {
            pthread_kill(g_main, SIGINT);
            usleep(2000);
        }
    }
    return NULL;
}

static void find_stack_top(void)
{
    FILE *f = fopen("/proc/self/maps", "r");
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        if (strstr(line, "[stack]")) {
            unsigned long lo, hi;
            if (sscanf(line, "%lx-%lx", &lo, &hi) == 2)
                g_stack_top = hi;
        }
    }
    fclose(f);
    struct rlimit rl;
    uintptr_t size = 8u << 20;
    if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
        size = rl.rlim_cur;
    g_stack_limit = g_stack_top > size ? g_stack_top - size : 0;
}

void guard_init(GuardPcTest in_cell)
{
    g_main = pthread_self();
    g_in_cell = in_cell;
    find_stack_top();
    stack_t ss = { 0 };
    ss.ss_sp = malloc(ALT_STACK_SIZE);
    ss.ss_size = ALT_STACK_SIZE;
    sigaltstack(&ss, NULL);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fault;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    int faults[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT };
    for (size_t i = 0; i < sizeof faults / sizeof *faults; i++)
        sigaction(faults[i], &sa, NULL);

    sa.sa_sigaction = on_interrupt;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
    sigaction(SIGINT, &sa, NULL);

    sem_init(&g_pump, 0, 0);
    /* Helper threads must never receive SIGINT: only the main thread runs cells. */
    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGINT);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    pthread_t t;
    pthread_create(&t, NULL, pump_thread, NULL);
    pthread_detach(t);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

bool guard_run(void (*fn)(void), GuardOutcome *out)
{
    memset(out, 0, sizeof *out);
    g_out = out;
    g_int_pending = 0;
    interrupt_clear();
    if (sigsetjmp(g_env, 1) == 0) {
        g_armed = 1;
        fn();
        g_armed = 0;
    } else {
        g_armed = 0;
    }
    g_int_pending = 0;
    interrupt_clear();
    return !out->failed;
}

_Noreturn void guard_fail(const char *ename, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (!g_armed) {
        /* Only reachable through a kernel bug: no cell to end. */
        fprintf(stderr, "coursdl-kernel: %s outside a cell: %s\n", ename, msg);
        abort();
    }
    set_outcome(ename, msg);
    siglongjmp(g_env, 1);
}

_Noreturn void guard_finish(void)
{
    if (!g_armed)
        abort();
    siglongjmp(g_env, 2);
}

bool guard_active(void) { return g_armed; }

void guard_interrupt(void)
{
    if (g_armed)
        pthread_kill(g_main, SIGINT);
}
