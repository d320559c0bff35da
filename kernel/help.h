/* Completion and help (`?name`, inspect_request), generated from the doc
 * comments of the engine's headers and the cell prelude. */
#ifndef CDL_HELP_H
#define CDL_HELP_H

#include <jansson.h>

void help_init(const char *engine_include, const char *kernel_include);
/* complete_reply content for code and a cursor position in code points. */
json_t *help_complete(const char *code, int cursor_pos);
/* The declaration and doc comment of `name`, or NULL (caller frees). */
char *help_lookup(const char *name);
/* The identifier around a cursor position (code points), or NULL. */
char *help_word_at(const char *code, int cursor_pos, int *start, int *end);

#endif
