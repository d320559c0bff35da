/* What an item of a cell sees at its own position.
 *
 * The kernel compiles a cell's items out of source order (directives and
 * types first, then declarations, functions, and the statements in one run
 * function: session.c). Two things would then change meaning, and these
 * helpers put them back as one C program read top to bottom has them:
 *
 * - a macro the cell defines or undefines part way: every item is compiled
 *   under the macros in force at its place in the cell (MacroTrack emits
 *   the #define / #undef / push_macro switches between items);
 * - a variable the cell re-declares with new storage (another type, or a
 *   struct that changed): items before the declaration still mean the old
 *   variable, so their text names it by an alias (cell_rename_idents).
 */
#ifndef CDL_CELLSCOPE_H
#define CDL_CELLSCOPE_H

#include <stdbool.h>

#include "cellsplit.h"
#include "strbuf.h"

/* The macros a cell defines or undefines (#define / #undef items whose
 * ItemList name is set), and which of those directives is in force in the
 * translation unit being written. */
typedef struct MacroTrack {
    const ItemList *items;
    char **names;        /* each macro name once */
    int n;
    int *cur;            /* per name: index of the directive in force, -1: the state before the cell */
} MacroTrack;

void macro_track_init(MacroTrack *t, const ItemList *items);
void macro_track_free(MacroTrack *t);
bool macro_track_has(const MacroTrack *t, const char *name);

/* Before the cell's first item: saves each tracked macro's state before the
 * cell (#pragma push_macro), after `before(name)` has set it (the text of
 * the last directive about it kept from earlier cells, or NULL when none:
 * the headers' state stays). */
void macro_track_start(MacroTrack *t, StrBuf *b, const char *(*before)(const char *name, void *ctx), void *ctx);

/* Switches the tracked macros to their state just before item `index` (the
 * directives before it in the cell). Returns whether it wrote anything. */
bool macro_track_goto(MacroTrack *t, StrBuf *b, int index);

/* Writes directive item `index` itself (after #undef, so that a macro the
 * cell redefines does not warn) and records it as in force. */
void macro_track_emit(MacroTrack *t, StrBuf *b, int index);

/* text with each identifier from[k] replaced by to[k], except after '.' or
 * '->' (a member of the same name) and inside directives. When off is not
 * NULL, *off (a byte offset in text) becomes the same place's offset in
 * the result. Returns a malloc'ed string. */
char *cell_rename_idents(const char *text, char *const *from, char *const *to, int n, int *off);

/* Whether text names identifier `name` (outside '.'/'->' member access). */
bool cell_mentions(const char *text, const char *name);

#endif
