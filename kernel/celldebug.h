/* Where in a cell's source an address of its code is: the line, and the
 * names of local variables, for error messages ("index 10 is out of bounds
 * for 'a' ... at line 3"). Cells are compiled without keeping debug
 * information; when an error needs it, the translation unit of one of the
 * recent cells is compiled again the same way, to an ELF object with
 * TinyCC's stabs (same options, same symbols defined: the same code), and
 * its line and local-variable tables are read from there. */
#ifndef CDL_CELLDEBUG_H
#define CDL_CELLDEBUG_H

#include <stdbool.h>
#include <stdint.h>

#include "jit.h"

/* Remembers a compiled cell (jit_compile calls it): its source, the names
 * of the symbols defined before compiling, whether bounds were checked. */
void celldebug_keep(const JitUnit *u, const char *source, const JitExtern *ext, int n_ext, bool bounds);

/* The cell line of pc (a fault address, or a return address minus one).
 * Not async-signal-safe (it may compile). */
bool celldebug_line(uintptr_t pc, int *line);

/* The name of the local variable at frame offset `off` in the function
 * containing pc. */
bool celldebug_local_name(uintptr_t pc, long off, char *name, size_t cap);

#endif
