/* Kernel options a cell can set with a line magic:
 *   %bounds on|off        bounds checks of the cells compiled next (bounds.h)
 *   %output_limit SIZE    the cap on a cell's text output (10MB, 500KB, 0 = none)
 * and their environment defaults (COURSDL_BOUNDS=0, COURSDL_OUTPUT_LIMIT). */
#ifndef CDL_OPTIONS_H
#define CDL_OPTIONS_H

#include <stddef.h>

/* Applies a magic line ("%bounds off"). Returns 0 when `line` is not one of
 * these magics, 1 when applied (msg: what to print; "" when an option was
 * set, silently), -1 on a usage error (msg). */
int options_magic(const char *line, char *msg, size_t cap);

/* "10MB", "500 KB", "1048576", "0", "none" -> bytes; -1 when not a size. */
long long options_parse_size(const char *s);

/* Reads the environment defaults. */
void options_from_env(void);

#endif
