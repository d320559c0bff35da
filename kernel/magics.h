/* Runs a cell: `?name` help, `%line` and `%%cell` magics, then C code. */
#ifndef CDL_MAGICS_H
#define CDL_MAGICS_H

#include "session.h"

void magics_execute(const char *code, int number, CellResult *r);

#endif
