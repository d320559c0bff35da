/* Runs cell code so that the kernel survives it: faults (SIGSEGV, SIGBUS,
 * SIGILL, SIGFPE, SIGABRT, stack overflow, a stack smashed by an array
 * overflow), signals whose default action would end the process (SIGPIPE,
 * SIGALRM, SIGTERM, SIGUSR1...), faults in threads the cell started, engine
 * errors, exit() and interrupts all end the cell, never the kernel.
 *
 * Cells run on a stack of their own, mapped by the kernel between guard
 * regions: whatever a cell writes past its locals cannot reach the kernel's
 * frames. Handlers act only while a cell runs, never during compilation. */
#ifndef CDL_GUARD_H
#define CDL_GUARD_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#define GUARD_MAX_FRAMES 8

typedef struct GuardOutcome {
    bool failed;
    char ename[64];
    char evalue[2048];
    bool from_signal;     /* ended by a signal (not an error raised by the engine/runtime) */
    bool pc_in_cell;      /* it hit cell code (not libc or the engine) */
    uintptr_t pc;
    /* addresses inside cell code found on the stack, innermost first */
    uintptr_t frames[GUARD_MAX_FRAMES];
    int n_frames;
} GuardOutcome;

/* Must be async-signal-safe: tells whether pc lies in compiled cell code. */
typedef bool (*GuardPcTest)(uintptr_t pc);

/* Installs the handlers, the alternate signal stack and the interrupt
 * helper thread. Call once from the main thread before any other thread.
 * in_cell: an address the cell's code runs at (its code, its entry stubs);
 * in_code: strictly its code, where a return address may point (a word on
 * the stack that points to a cell's variable is not a frame). */
void guard_init(GuardPcTest in_cell, GuardPcTest in_code);

/* Called around every guarded run: before (on the kernel's stack) and after
 * it ended, however it ended (restore what a cell may have changed). */
void guard_set_hooks(void (*before)(void), void (*after)(GuardOutcome *out));

/* Runs fn guarded, on the cell stack. Returns false when the cell failed
 * (see *out). */
bool guard_run(void (*fn)(void), GuardOutcome *out);

/* Ends the running cell with an error (engine errors, exit(n), assert).
 * Called from a thread the cell started, it ends that thread instead and
 * the cell reports a ThreadFault. */
_Noreturn void guard_fail(const char *ename, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The same, for an error found at pc in cell code (a return address): the
 * report names the cell function it happened in. */
_Noreturn void guard_fail_at(uintptr_t pc, const char *ename, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A cell sends itself sig (raise, kill(getpid(), ...), abort) from pc: a
 * signal the kernel owns ends the cell at once, as the signal would have
 * ended a program; with a handler of the cell, or outside a cell, the
 * signal is raised for real. */
void guard_raised(int sig, uintptr_t pc);

/* Ends the running cell without error (exit(0)). */
_Noreturn void guard_finish(void);

/* True while cell code runs. */
bool guard_active(void);

/* Interrupts the running cell (from any thread); no effect when idle. */
void guard_interrupt(void);

/* True in a process forked by a cell (it must never act as the kernel). */
bool guard_in_forked_child(void);

/* Does the kernel handle sig itself (faults, interrupts, signals whose
 * default action ends the process)? A cell's handler for it is then called
 * by the kernel's (see cellsig.h), never installed. */
bool guard_owns_signal(int sig);

/* Threads started by cells (see cellthread.c): run fn(arg) so that a fault
 * or an engine error in it ends the thread, not the process, and is
 * reported as the cell's ThreadFault. */
void *guard_run_thread(void *(*fn)(void *), void *arg);
/* pthread_exit for such a thread (ends it through the same path). */
_Noreturn void guard_thread_exit(void *value);
/* True on a thread started by a cell. */
bool guard_on_cell_thread(void);

/* Lowest and highest address of the cell stack (for the bounds checker). */
void guard_cell_stack(uintptr_t *lo, uintptr_t *hi);

#endif
