/* Resource limits that cells set (setrlimit, prlimit on the kernel itself):
 * - they last for the cell: after it the kernel's limits come back, so a
 *   cell that set RLIMIT_AS low to watch malloc fail does not leave the
 *   kernel unable to allocate for the next cell;
 * - hard limits stay the kernel's: a hard limit lowered by a cell could
 *   never be raised again (only root may raise one), so a cell's limit
 *   applies as the soft limit, under the kernel's hard one;
 * - RLIMIT_CPU is refused: the kernel's CPU time counts every cell since it
 *   started, its hard limit kills the kernel and its soft limit's SIGXCPU
 *   is the collector's signal (alarm() bounds the time of a cell). */
#ifndef CDL_CELLLIMIT_H
#define CDL_CELLLIMIT_H

#include "jit.h"

int celllimit_externs(const JitExtern **out);

/* After a cell: puts back the limits it changed. */
void celllimit_after_cell(void);

#endif
