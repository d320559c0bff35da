/* Completion and help (`?name`, inspect_request), generated from the doc
 * comments of the engine's headers and the cell prelude. */
#ifndef CDL_HELP_H
#define CDL_HELP_H

#include <jansson.h>
#include <stdbool.h>

void help_init(const char *engine_include, const char *kernel_include);
/* complete_reply content for code and a cursor position in code points. */
json_t *help_complete(const char *code, int cursor_pos);
/* Help on `name` (an engine function, macro or type, or a name of the
 * notebook: its declaration and current value): false if none. The caller
 * frees both texts. */
bool help_page(const char *name, char **plain, char **markdown);
/* The current value of the notebook's variable `name` as text (a number,
 * a tensor's shape, dtype and device), or NULL (caller frees). */
char *help_variable_value(const char *name);
/* The plain text of help_page, or NULL (caller frees). */
char *help_lookup(const char *name);
/* Whether name is a function-like macro of the engine's headers or of the
 * cell prelude (its arguments are split at every comma outside parentheses). */
bool help_is_function_macro(const char *name);
/* The identifier around a cursor position (code points), or NULL. */
char *help_word_at(const char *code, int cursor_pos, int *start, int *end);

#endif
