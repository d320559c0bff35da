/* The functions cells call behind the scenes: exit() that ends only the
 * cell, assert failures reported with their text, malloc on the garbage
 * collected heap (no free needed), `!cmd` shell lines, main's status. */
#ifndef CDL_RUNTIME_H
#define CDL_RUNTIME_H

#include <stdbool.h>
#include "jit.h"

/* Installs the engine error handler (errors end the cell). */
void runtime_init(void);

/* Symbols every cell is linked against; returns their count. */
int runtime_externs(const JitExtern **out);

/* After a cell was unwound: reset engine scopes, flush or (after a fault
 * inside libc) replace stdio. */
void runtime_after_unwind(bool fault_outside_cell);

#endif
