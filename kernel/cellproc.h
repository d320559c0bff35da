/* Processes and threads that cells create, kept from harming the kernel:
 * - fork(): the child runs the rest of the cell and exits when the cell
 *   ends (it never becomes a second kernel); children still running when
 *   the cell ends are killed and reaped.
 * - exec*() in the kernel itself would replace it: refused (allowed in a
 *   forked child); daemon() likewise.
 * - system() and `!cmd` run in their own process group, interruptible.
 * - kill()/raise() of SIGKILL or SIGSTOP at the kernel: refused.
 * - pthread_create(): the thread is known to the collector, and a fault in
 *   it ends the thread and is the cell's ThreadFault. */
#ifndef CDL_CELLPROC_H
#define CDL_CELLPROC_H

#include "jit.h"

int cellproc_externs(const JitExtern **out);

/* Runs `sh -c cmd` with output in the cell's streams; returns its wait
 * status (as system()); an interrupt kills its process group and ends the
 * cell. */
int cellproc_system(const char *cmd);

/* After a cell: kills and reaps the children it left running. */
void cellproc_after_cell(void);

#endif
