/* Runs cell code so that the kernel survives it: faults (SIGSEGV, SIGBUS,
 * SIGILL, SIGFPE, SIGABRT, stack overflow), engine errors, exit() and
 * interrupts all end the cell, never the kernel. Handlers act only while a
 * cell runs on the main thread, never during compilation. */
#ifndef CDL_GUARD_H
#define CDL_GUARD_H

#include <stdbool.h>
#include <stdint.h>

#define GUARD_MAX_FRAMES 8

typedef struct GuardOutcome {
    bool failed;
    char ename[64];
    char evalue[2048];
    bool from_signal;     /* a fault, not an error raised by the engine/runtime */
    bool pc_in_cell;      /* the fault hit cell code (not libc or the engine) */
    uintptr_t pc;
    /* addresses inside cell code found on the stack, innermost first */
    uintptr_t frames[GUARD_MAX_FRAMES];
    int n_frames;
} GuardOutcome;

/* Must be async-signal-safe: tells whether pc lies in compiled cell code. */
typedef bool (*GuardPcTest)(uintptr_t pc);

/* Installs the handlers, the alternate signal stack and the interrupt
 * helper thread. Call once from the main thread before any other thread. */
void guard_init(GuardPcTest in_cell);

/* Runs fn guarded. Returns false when the cell failed (see *out). */
bool guard_run(void (*fn)(void), GuardOutcome *out);

/* Ends the running cell with an error (engine errors, exit(n), assert). */
_Noreturn void guard_fail(const char *ename, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Ends the running cell without error (exit(0)). */
_Noreturn void guard_finish(void);

/* True while cell code runs. */
bool guard_active(void);

/* Interrupts the running cell (from any thread); no effect when idle. */
void guard_interrupt(void);

#endif
