/* Signal dispositions that cells ask for. For the signals the kernel owns
 * (faults, SIGINT, and those whose default action ends the process) a
 * cell's signal()/sigaction() is recorded, not installed: the kernel's
 * handler calls the cell's handler, so `signal(SIGSEGV, SIG_DFL)` or
 * `signal(SIGINT, SIG_IGN)` never disables fault recovery or the interrupt
 * button. sigprocmask() cannot block them either. Other signals (SIGCHLD,
 * SIGWINCH...) go to the system unchanged. */
#ifndef CDL_CELLSIG_H
#define CDL_CELLSIG_H

#include <signal.h>

#include "jit.h"

typedef enum CellSigAction {
    CELLSIG_DEFAULT,  /* the kernel's behaviour: the cell ends with an error */
    CELLSIG_IGNORE,   /* SIG_IGN (never honoured for a real fault) */
    CELLSIG_HANDLER,  /* the cell's function */
} CellSigAction;

/* Async-signal-safe. */
CellSigAction cellsig_action(int sig);
/* Calls the cell's handler of sig as the system would (SA_SIGINFO or not,
 * its sa_mask, SA_RESETHAND); sig is unblocked during the call so a
 * handler that longjmps out leaves it deliverable. A fault inside it is
 * the kernel's to report. Async-signal-safe. */
void cellsig_call(int sig, siginfo_t *si, void *uc);

/* The wrappers cells are linked against (signal, sigaction, sigprocmask...). */
int cellsig_externs(const JitExtern **out);

#endif
