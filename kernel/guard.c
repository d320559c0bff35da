#include "guard.h"

#include <errno.h>
#include <link.h>
#include <pthread.h>
#include <semaphore.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#define GC_THREADS  /* GC_register_altstack */
#include <gc.h>

#include "capture.h"
#include "cellsig.h"
#include "coursdl.h"
#include "engine_api.h"

/* ---- state ------------------------------------------------------------------ */

static pthread_t g_main;
static pid_t g_pid;                 /* the kernel's; another one in a forked child */
static GuardPcTest g_in_cell;
static GuardPcTest g_in_code;     /* cell code only: where return addresses point */
static sigjmp_buf g_env;            /* on the kernel's stack, in guard_run */
static volatile sig_atomic_t g_armed;
static volatile sig_atomic_t g_pending;   /* signal waiting for a safe point (SIGINT: interrupt) */
static volatile sig_atomic_t g_user_int;  /* the cell's own SIGINT handler already had one */
static GuardOutcome *volatile g_out;
static void (*g_fn)(void);
static sem_t g_pump;
static void (*g_before)(void);
static void (*g_after)(GuardOutcome *);

/* Exits from the cell stack back to guard_run (values of siglongjmp). */
enum { LAND_FAILED = 1, LAND_FINISHED, LAND_RETURNED };

/* ---- the cell stack ------------------------------------------------------------
 * [reserve: PROT_NONE, catches frames that jump over a small guard]
 * [the stack, read/write, grows down]
 * [top guard: PROT_NONE, catches writes that ran up past every frame] */
#define BOTTOM_RESERVE ((size_t)1 << 30)
#define TOP_GUARD ((size_t)64 << 10)
static uintptr_t g_stack_lo, g_stack_hi;   /* the usable stack */
static ucontext_t g_cell_uc;
static bool g_gc_told;

#define ALT_STACK_SIZE (256 * 1024)

static int map_cell_stack(void)
{
    struct rlimit rl;
    size_t size = (size_t)8 << 20;
    if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur > size)
        size = rl.rlim_cur > ((size_t)1 << 30) ? (size_t)1 << 30 : (size_t)rl.rlim_cur;
    size = (size + 4095) & ~(size_t)4095;
    size_t total = BOTTOM_RESERVE + size + TOP_GUARD;
    unsigned char *m = mmap(NULL, total, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED)
        return -1;
    if (mprotect(m + BOTTOM_RESERVE, size, PROT_READ | PROT_WRITE) != 0)
        return -1;
    g_stack_lo = (uintptr_t)m + BOTTOM_RESERVE;
    g_stack_hi = g_stack_lo + size;
    return 0;
}

void guard_cell_stack(uintptr_t *lo, uintptr_t *hi)
{
    *lo = g_stack_lo;
    *hi = g_stack_hi;
}

/* ---- code ranges, to tell who called a blocking system call ------------------------ */

typedef struct { uintptr_t lo, hi; bool libc; } CodeRange;
#define MAX_RANGES 128
static CodeRange g_ranges[MAX_RANGES];
static volatile int g_n_ranges;

static int add_object_ranges(struct dl_phdr_info *info, size_t size, void *ctx)
{
    (void)size;
    int *n = ctx;
    bool libc = info->dlpi_name && strstr(info->dlpi_name, "/libc.so");
    for (int i = 0; i < info->dlpi_phnum && *n < MAX_RANGES; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X)) {
            uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
            g_ranges[*n] = (CodeRange){ lo, lo + ph->p_memsz, libc };
            (*n)++;
        }
    }
    return 0;
}

static void refresh_code_ranges(void)
{
    int n = 0;
    dl_iterate_phdr(add_object_ranges, &n);
    g_n_ranges = n;
}

/* 0: not code we know, 1: libc, 2: other library or the kernel itself. */
static int code_kind(uintptr_t a)
{
    for (int i = 0; i < g_n_ranges; i++)
        if (a >= g_ranges[i].lo && a < g_ranges[i].hi)
            return g_ranges[i].libc ? 1 : 2;
    return 0;
}

/* A word on the stack that points into cell code just after a call
 * instruction (TinyCC's: call rel32, call *%reg), not a pointer to a
 * cell's data. */
static bool is_cell_return(uintptr_t w)
{
    if (!g_in_code(w) || !g_in_code(w - 5))
        return false;
    const unsigned char *c = (const unsigned char *)w;
    return c[-5] == 0xe8 || (c[-2] == 0xff && (c[-1] & 0xf8) == 0xd0);
}

/* Is the thread parked in a system call that our signal cut short (it
 * returns EINTR), called from cell code through libc only? Then no lock of
 * the kernel, the engine or the collector is held, and jumping out is as
 * safe as from cell code: read on an empty pipe, pause, sem_wait, waitpid...
 * Anything else in between (the runtime's own wrappers, the engine) polls
 * the interrupt flag itself. */
static bool blocked_in_cell_syscall(const ucontext_t *uc, int sig)
{
    const unsigned char *pc = (const unsigned char *)uc->uc_mcontext.gregs[REG_RIP];
    long rax = (long)uc->uc_mcontext.gregs[REG_RAX];
    /* EINTR: cut short by our signal; EPIPE: the write that raised SIGPIPE. */
    bool stopped = rax == -EINTR || (sig == SIGPIPE && rax == -EPIPE);
    if (code_kind((uintptr_t)pc) != 1 || !stopped || pc[-2] != 0x0f || pc[-1] != 0x05)
        return false;
    const uintptr_t *sp = (const uintptr_t *)uc->uc_mcontext.gregs[REG_RSP];
    if ((uintptr_t)sp < g_stack_lo || (uintptr_t)sp >= g_stack_hi)
        return false;
    for (int i = 0; i < 256 && (uintptr_t)(sp + i) < g_stack_hi; i++) {
        uintptr_t w = sp[i];
        if (is_cell_return(w))
            return true;
        if (code_kind(w) == 2)
            return false;
    }
    return false;
}

/* ---- outcomes -------------------------------------------------------------------- */

static void copy_str(char *dst, size_t cap, const char *src)
{
    size_t n = strlen(src);
    if (n >= cap)
        n = cap - 1;
    memcpy(dst, src, n);
    dst[n] = 0;
}

static void fill_stack_frames(GuardOutcome *o, uintptr_t sp, uintptr_t top)
{
    /* Scan the interrupted stack for return addresses into cell code: the
     * nearest one names the cell function, even when the fault hit libc. */
    o->n_frames = 0;
    if (sp >= top || top - sp > ((uintptr_t)1 << 30))
        return;
    for (uintptr_t *p = (uintptr_t *)sp; (uintptr_t)p < top && o->n_frames < GUARD_MAX_FRAMES; p++)
        if (is_cell_return(*p))
            o->frames[o->n_frames++] = *p;
}

static void set_outcome(GuardOutcome *o, const char *ename, const char *evalue)
{
    o->failed = true;
    copy_str(o->ename, sizeof o->ename, ename);
    copy_str(o->evalue, sizeof o->evalue, evalue);
}

static const char *signal_ename(int sig)
{
    switch (sig) {
    case SIGINT: return "KeyboardInterrupt";
    case SIGPIPE: return "BrokenPipe";
    default: return "Signal";
    }
}

/* "SIGALRM (alarm clock)" in a static buffer (handlers only; no allocation). */
static const char *signal_evalue(int sig, char *buf, size_t cap)
{
    const char *name = sigabbrev_np(sig), *desc = sigdescr_np(sig);
    char num[16];
    if (!name) {
        snprintf(num, sizeof num, "%d", sig);
        name = num;
    }
    const char *what = sig == SIGINT ? "the cell was interrupted"
                     : sig == SIGPIPE ? "a write to a pipe or socket whose reader is gone (SIGPIPE)"
                     : NULL;
    if (what)
        copy_str(buf, cap, what);
    else
        snprintf(buf, cap, "the cell received SIG%s (%s), whose default action would end the "
                 "process: the cell stopped there", name, desc ? desc : "signal");
    return buf;
}

/* Jump back to guard_run (main thread, armed). */
static _Noreturn void land(int how)
{
    siglongjmp(g_env, how);
}

/* ---- threads started by cells ---------------------------------------------------------- */

typedef struct ThreadGuard {
    sigjmp_buf env;
    void *exit_value;
    uintptr_t stack_lo, stack_hi;
} ThreadGuard;

static __thread ThreadGuard *t_guard;

/* The first fault of a cell's threads since the cell started. */
static volatile sig_atomic_t g_thread_fault;
static GuardOutcome g_thread_outcome;

bool guard_on_cell_thread(void) { return t_guard != NULL; }

static _Noreturn void thread_fault(const char *ename, const char *evalue, uintptr_t pc, uintptr_t sp)
{
    if (!g_thread_fault) {
        g_thread_fault = 1;
        GuardOutcome *o = &g_thread_outcome;
        memset(o, 0, sizeof *o);
        set_outcome(o, ename, evalue);
        o->pc = pc;
        o->pc_in_cell = pc && g_in_cell(pc);
        o->from_signal = pc != 0;
        if (sp)
            fill_stack_frames(o, sp, t_guard->stack_hi);
    }
    siglongjmp(t_guard->env, 1);
}

void *guard_run_thread(void *(*fn)(void *), void *arg)
{
    ThreadGuard tg;
    memset(&tg, 0, sizeof tg);
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
        void *addr;
        size_t size;
        if (pthread_attr_getstack(&attr, &addr, &size) == 0) {
            tg.stack_lo = (uintptr_t)addr;
            tg.stack_hi = (uintptr_t)addr + size;
        }
        pthread_attr_destroy(&attr);
    }
    /* Every thread needs its own alternate stack to report its stack overflow. */
    stack_t ss = { 0 }, old;
    ss.ss_sp = malloc(ALT_STACK_SIZE);
    ss.ss_size = ALT_STACK_SIZE;
    if (ss.ss_sp)
        sigaltstack(&ss, &old);
    t_guard = &tg;
    void *result = NULL;
    if (sigsetjmp(tg.env, 1) == 0)
        result = fn(arg);
    else
        result = tg.exit_value;
    t_guard = NULL;
    if (ss.ss_sp) {
        stack_t off = { .ss_flags = SS_DISABLE };
        sigaltstack(&off, NULL);
        free(ss.ss_sp);
    }
    return result;
}

_Noreturn void guard_thread_exit(void *value)
{
    if (!t_guard)
        pthread_exit(value);
    t_guard->exit_value = value;
    siglongjmp(t_guard->env, 2);
}

/* ---- signal handlers ------------------------------------------------------------------ */

static bool is_main(void) { return pthread_equal(pthread_self(), g_main); }

static void die_of(int sig)
{
    /* A fault in the kernel itself, or a request to end from outside. */
    signal(sig, SIG_DFL);
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, sig);
    pthread_sigmask(SIG_UNBLOCK, &s, NULL);
    raise(sig);
}

static void on_fault(int sig, siginfo_t *si, void *ucv)
{
    ucontext_t *uc = ucv;
    uintptr_t pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
    uintptr_t sp = (uintptr_t)uc->uc_mcontext.gregs[REG_RSP];
    uintptr_t addr = (uintptr_t)si->si_addr;
    bool cell_ctx = (g_armed && is_main()) || t_guard;
    if (!cell_ctx) {
        die_of(sig);
        return;
    }
    /* The cell's own handler first (signal(SIGSEGV, on_segv) is a lesson of
     * some courses); if it returns from a real fault, the fault would come
     * back at once: report it. */
    bool raised = si->si_code <= 0 && sig != SIGABRT;  /* abort() ends the process anyway */
    if (cellsig_action(sig) == CELLSIG_HANDLER) {
        cellsig_call(sig, si, ucv);
        if (raised)
            return;  /* raise(SIGSEGV) handled by the cell */
    } else if (cellsig_action(sig) == CELLSIG_IGNORE && raised) {
        return;
    }
    const char *ename = "SegmentationFault", *evalue = "invalid memory access";
    uintptr_t lo = t_guard ? t_guard->stack_lo : g_stack_lo;
    bool overflow = false;
    switch (sig) {
    case SIGSEGV:
        if (!t_guard && addr >= g_stack_hi && addr < g_stack_hi + TOP_GUARD) {
            ename = "BufferOverflow";
            evalue = "a write ran past the top of the cell's stack: an array overflow in a local "
                     "variable wrote over every frame above it";
        } else if (addr < lo && addr + BOTTOM_RESERVE >= lo) {
            ename = "StackOverflow";
            evalue = "the stack is exhausted (infinite or too deep recursion, or a huge local array?)";
            overflow = true;
        } else if (addr == pc) {
            evalue = "a jump to an invalid address: a NULL or wrong function pointer, or a return "
                     "address overwritten by an array overflow";
        } else if (addr < 4096) {
            evalue = "NULL pointer dereference";
        } else if (si->si_code == SI_KERNEL && addr == 0) {
            evalue = "invalid memory access (a corrupted pointer, or a return address overwritten by "
                     "an array overflow?)";
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
        evalue = "illegal instruction (a jump to data: a function pointer or return address "
                 "overwritten?)";
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
    case SIGTRAP:
        ename = "Signal";
        evalue = "trace/breakpoint trap (SIGTRAP)";
        break;
    case SIGSYS:
        ename = "Signal";
        evalue = "bad system call (SIGSYS)";
        break;
    }
    if (t_guard) {
        thread_fault(ename, evalue, pc, overflow ? 0 : sp);
    }
    GuardOutcome *o = g_out;
    set_outcome(o, ename, evalue);
    o->from_signal = true;
    o->pc = pc;
    o->pc_in_cell = g_in_cell(pc);
    /* On a stack overflow the stack pointer may already point past the
     * mapped stack: reading from it would fault again, inside the handler. */
    if (!overflow)
        fill_stack_frames(o, sp, g_stack_hi);
    if (sig == SIGSEGV && addr == pc && o->n_frames) {
        /* A call through a bad pointer: where it was called from. */
        o->pc = o->frames[0];
        o->pc_in_cell = true;
    }
    land(LAND_FAILED);
}

/* Ends the cell for a signal now if the interrupted code allows it;
 * otherwise leaves it pending for the pump and the engine's safe points. */
static void act_on(int sig, ucontext_t *uc)
{
    uintptr_t pc = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
    bool in_cell = g_in_cell(pc);
    if (in_cell || blocked_in_cell_syscall(uc, sig)) {
        char buf[256];
        GuardOutcome *o = g_out;
        set_outcome(o, signal_ename(sig), signal_evalue(sig, buf, sizeof buf));
        o->pc = pc;
        o->pc_in_cell = in_cell;
        /* Out of libc: its stdio objects may be locked; reset them. */
        o->from_signal = !in_cell;
        fill_stack_frames(o, (uintptr_t)uc->uc_mcontext.gregs[REG_RSP], g_stack_hi);
        g_pending = 0;
        land(LAND_FAILED);
    }
    /* Inside libc or the engine: jumping out could leave a lock held (a
     * malloc lock, measured to deadlock). The engine sees the flag at its
     * next safe point; the pump retries until the code is ours. */
    if (!g_pending || g_pending == SIGINT)
        g_pending = sig;
    interrupt_request();
    sem_post(&g_pump);
}

static void on_interrupt(int sig, siginfo_t *si, void *ucv)
{
    (void)si;
    if (!g_armed || getpid() != g_pid)
        goto child;
    if (!is_main()) {
        /* A thread of the engine or the cell took a process-directed
         * SIGINT: the cell runs on the main thread. */
        pthread_kill(g_main, sig);
        return;
    }
    int pending = g_pending;
    if (pending == 0 || pending == SIGINT) {
        /* A fresh interrupt: the cell's own SIGINT handler (a training loop
         * that stops cleanly) gets the first one; a second one stops the cell. */
        CellSigAction a = cellsig_action(SIGINT);
        if (a == CELLSIG_HANDLER && !g_user_int && pending == 0) {
            g_user_int = 1;
            cellsig_call(SIGINT, si, ucv);
            return;
        }
        act_on(SIGINT, ucv);
    } else {
        act_on(pending, ucv);  /* the pump's retry of a pending signal */
    }
    return;
child:
    /* In a process forked by a cell: end it (only the kernel survives). */
    if (getpid() != g_pid && g_armed)
        act_on(SIGINT, ucv);
}

/* Signals whose default action ends (or stops) the process. */
static const int ASYNC_SIGNALS[] = {
    SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGPIPE, SIGALRM, SIGTERM, SIGSTKFLT, SIGXFSZ,
    SIGVTALRM, SIGPROF, SIGIO, SIGTSTP, SIGTTIN, SIGTTOU,
};

static bool is_async(int sig)
{
    for (size_t i = 0; i < sizeof ASYNC_SIGNALS / sizeof *ASYNC_SIGNALS; i++)
        if (ASYNC_SIGNALS[i] == sig)
            return true;
    return sig >= SIGRTMIN && sig <= SIGRTMAX;
}

static void on_async(int sig, siginfo_t *si, void *ucv)
{
    /* From another process (si_code <= 0 and not our pid): a real request. */
    bool external = si->si_code <= 0 && si->si_pid != getpid();
    if (external) {
        if (sig == SIGTERM || sig == SIGHUP || sig == SIGQUIT) {
            klog("received SIG%s from process %d: stopping", sigabbrev_np(sig), (int)si->si_pid);
            die_of(sig);
        }
        return;  /* SIGUSR1 and the like from outside: ignored */
    }
    CellSigAction a = cellsig_action(sig);
    if (a == CELLSIG_HANDLER) {
        cellsig_call(sig, si, ucv);
        return;
    }
    if (a == CELLSIG_IGNORE)
        return;
    if (!g_armed) {
        /* alarm(1) set by a cell that has ended, a late SIGPIPE... */
        return;
    }
    if (!is_main() || getpid() != g_pid) {
        if (getpid() != g_pid && is_main()) {
            act_on(sig, ucv);  /* a forked child ends its cell */
            return;
        }
        /* Delivered to another thread: the cell runs on the main one. */
        if (!g_pending || g_pending == SIGINT)
            g_pending = sig;
        interrupt_request();
        sem_post(&g_pump);
        return;
    }
    act_on(sig, ucv);
}

static void *pump_thread(void *arg)
{
    (void)arg;
    for (;;) {
        while (sem_wait(&g_pump) != 0 && errno == EINTR)
            ;
        while (g_pending && g_armed) {
            pthread_kill(g_main, SIGINT);
            usleep(2000);
        }
    }
    return NULL;
}

static void install(int sig, void (*fn)(int, siginfo_t *, void *), int flags)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = fn;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | flags;
    sigemptyset(&sa.sa_mask);
    /* The collector's stop-the-world signals wait until we are off the
     * alternate stack: it would scan the wrong stack otherwise. */
    sigaddset(&sa.sa_mask, SIGPWR);
    sigaddset(&sa.sa_mask, SIGXCPU);
    sigaction(sig, &sa, NULL);
}

static const int FAULT_SIGNALS[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTRAP, SIGSYS };

bool guard_owns_signal(int sig)
{
    if (sig == SIGINT || is_async(sig))
        return true;
    for (size_t i = 0; i < sizeof FAULT_SIGNALS / sizeof *FAULT_SIGNALS; i++)
        if (FAULT_SIGNALS[i] == sig)
            return true;
    return false;
}

static void install_handlers(void)
{
    for (size_t i = 0; i < sizeof FAULT_SIGNALS / sizeof *FAULT_SIGNALS; i++)
        install(FAULT_SIGNALS[i], on_fault, 0);
    /* No SA_RESTART: a system call the cell waits in returns EINTR, so
     * sleep(30) or a read on a pipe notices the interrupt. */
    install(SIGINT, on_interrupt, 0);
    for (size_t i = 0; i < sizeof ASYNC_SIGNALS / sizeof *ASYNC_SIGNALS; i++)
        install(ASYNC_SIGNALS[i], on_async, 0);
    for (int s = SIGRTMIN; s <= SIGRTMAX; s++)
        install(s, on_async, 0);
}

/* ---- setup --------------------------------------------------------------------------- */

void guard_init(GuardPcTest in_cell, GuardPcTest in_code)
{
    g_main = pthread_self();
    g_pid = getpid();
    g_in_cell = in_cell;
    g_in_code = in_code;
    if (map_cell_stack() != 0) {
        fprintf(stderr, "coursdl-kernel: cannot map the cells' stack\n");
        exit(1);
    }
    stack_t ss = { 0 };
    ss.ss_sp = malloc(ALT_STACK_SIZE);
    ss.ss_size = ALT_STACK_SIZE;
    sigaltstack(&ss, NULL);
    install_handlers();

    sem_init(&g_pump, 0, 0);
    /* Helper threads never take signals: only the main thread runs cells. */
    sigset_t block, old;
    sigfillset(&block);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    pthread_t t;
    pthread_create(&t, NULL, pump_thread, NULL);
    pthread_detach(t);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

void guard_set_hooks(void (*before)(void), void (*after)(GuardOutcome *out))
{
    g_before = before;
    g_after = after;
}

bool guard_in_forked_child(void) { return g_pid && getpid() != g_pid; }

/* ---- running ----------------------------------------------------------------------------- */

static void cell_entry(void)
{
    g_fn();
    land(LAND_RETURNED);
}

/* The end of a process forked by a cell: it must not go on as a kernel. */
static _Noreturn void child_exit(int how)
{
    fflush(stdout);
    fflush(stderr);
    _exit(how == LAND_FAILED ? 1 : 0);
}

bool guard_run(void (*fn)(void), GuardOutcome *out)
{
    memset(out, 0, sizeof *out);
    if (g_armed) {
        set_outcome(out, "InternalError", "a cell tried to run inside another cell");
        return false;
    }
    if (!g_gc_told) {
        /* While the main thread runs on the cell stack, the collector scans
         * that stack instead of the original one. */
        GC_register_altstack(NULL, 0, (void *)g_stack_lo, g_stack_hi - g_stack_lo);
        g_gc_told = true;
    }
    refresh_code_ranges();
    g_out = out;
    g_fn = fn;
    g_pending = 0;
    g_user_int = 0;
    g_thread_fault = 0;
    interrupt_clear();
    if (g_before)
        g_before();
    int how = sigsetjmp(g_env, 1);
    if (how == 0) {
        getcontext(&g_cell_uc);
        g_cell_uc.uc_stack.ss_sp = (void *)g_stack_lo;
        g_cell_uc.uc_stack.ss_size = g_stack_hi - g_stack_lo;
        g_cell_uc.uc_link = NULL;
        makecontext(&g_cell_uc, cell_entry, 0);
        g_armed = 1;
        setcontext(&g_cell_uc);
        abort();  /* setcontext does not return */
    }
    g_armed = 0;
    if (guard_in_forked_child())
        child_exit(how);
    int pending = g_pending;
    if (pending && !out->failed) {
        /* A signal that came while the cell was inside libc, which then
         * ended before the next safe point. */
        char buf[256];
        set_outcome(out, signal_ename(pending), signal_evalue(pending, buf, sizeof buf));
    }
    g_pending = 0;
    interrupt_clear();
    if (!out->failed && g_thread_fault) {
        /* The cell ended well, but a thread it started did not. */
        GuardOutcome *t = &g_thread_outcome;
        char msg[sizeof out->evalue];
        snprintf(msg, sizeof msg, "a thread started by the cell stopped with %.60s: %.1900s", t->ename,
                 t->evalue);
        *out = *t;
        set_outcome(out, "ThreadFault", msg);
    }
    g_thread_fault = 0;
    if (g_after)
        g_after(out);
    return !out->failed;
}

_Noreturn void guard_fail(const char *ename, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (t_guard)
        thread_fault(ename, msg, 0, 0);
    if (!g_armed || !is_main()) {
        /* Only reachable through a kernel bug: no cell to end. */
        fprintf(stderr, "coursdl-kernel: %s outside a cell: %s\n", ename, msg);
        abort();
    }
    /* A signal is pending: the error is most likely its consequence (the
     * engine's safe point raising "interrupted", a read cut short by it):
     * report the signal. */
    int pending = g_pending;
    if (pending) {
        char buf[256];
        set_outcome(g_out, signal_ename(pending), signal_evalue(pending, buf, sizeof buf));
    } else {
        set_outcome(g_out, ename, msg);
    }
    /* Where in the cell: the nearest cell frame on the stack (an engine
     * error raised inside tensor_matmul called from line 7). */
    fill_stack_frames(g_out, (uintptr_t)__builtin_frame_address(0), g_stack_hi);
    land(LAND_FAILED);
}

_Noreturn void guard_fail_at(uintptr_t pc, const char *ename, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (t_guard)
        thread_fault(ename, msg, pc, 0);
    if (!g_armed || !is_main()) {
        fprintf(stderr, "coursdl-kernel: %s outside a cell: %s\n", ename, msg);
        abort();
    }
    GuardOutcome *o = g_out;
    set_outcome(o, ename, msg);
    o->pc = pc - 1;  /* inside the call instruction: its line, its function */
    o->pc_in_cell = g_in_cell(o->pc);
    o->from_signal = o->pc_in_cell;  /* so that the report names the function */
    land(LAND_FAILED);
}

void guard_raised(int sig, uintptr_t pc)
{
    if (!g_armed || !is_main() || guard_in_forked_child() || cellsig_action(sig) != CELLSIG_DEFAULT) {
        raise(sig);
        return;
    }
    char buf[256];
    const char *ename = signal_ename(sig), *evalue = signal_evalue(sig, buf, sizeof buf);
    switch (sig) {
    case SIGSEGV: ename = "SegmentationFault"; evalue = "raise(SIGSEGV)"; break;
    case SIGBUS: ename = "BusError"; evalue = "raise(SIGBUS)"; break;
    case SIGILL: ename = "IllegalInstruction"; evalue = "raise(SIGILL)"; break;
    case SIGFPE: ename = "FloatingPointError"; evalue = "raise(SIGFPE)"; break;
    case SIGABRT: ename = "Aborted"; evalue = "abort() was called"; break;
    }
    GuardOutcome *o = g_out;
    set_outcome(o, ename, evalue);
    o->pc = pc;
    o->pc_in_cell = g_in_cell(pc);
    o->from_signal = o->pc_in_cell;
    land(LAND_FAILED);
}

_Noreturn void guard_finish(void)
{
    if (t_guard)
        guard_thread_exit(NULL);
    if (!g_armed || !is_main())
        abort();
    land(LAND_FINISHED);
}

bool guard_active(void) { return g_armed; }

void guard_interrupt(void)
{
    if (g_armed)
        pthread_kill(g_main, SIGINT);
}
