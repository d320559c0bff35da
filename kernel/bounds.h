/* The bounds checker of cell code. Cells are compiled with TinyCC's -b:
 * every array access and pointer dereference then calls __bound_ptr_indirN,
 * functions register their local arrays (__bound_local_new/delete), and
 * memcpy/strcpy/strcat... go through checked versions. TinyCC's own runtime
 * (bcheck.o) cannot serve cells kept in memory (it is linked into every
 * cell, 36 KB each, hooks malloc behind the collector's back and exits the
 * process on an error), so the kernel implements that interface here:
 * regions are the cell stack's local arrays, cells' globals (from the
 * .bounds section of each cell) and the collector's blocks (GC_base), and
 * an access outside its region ends the cell with a BufferOverflow that
 * says which array, how big, and at which index.
 *
 * %bounds off compiles the next cells without the checks (full speed);
 * COURSDL_BOUNDS=0 in the environment makes that the default. */
#ifndef CDL_BOUNDS_H
#define CDL_BOUNDS_H

#include <stdbool.h>
#include <stddef.h>

#include "jit.h"

/* The __bound_* functions cells compiled with -b are linked against. */
int bounds_externs(const JitExtern **out);

/* Are new cells compiled with the checks? */
bool bounds_enabled(void);
void bounds_set_enabled(bool on);

/* A cell just relocated: `table` is its .bounds section (pairs address,
 * size of its global variables, ending with address 0, unaligned); `name_of`
 * names a global by address (NULL if unknown). */
void bounds_add_globals(const unsigned char *table, const char *(*name_of)(void *ctx, const void *addr),
                        void *ctx);

/* Forgets the stack regions of the cell that ended (main thread). */
void bounds_reset_stack(void);

#endif
