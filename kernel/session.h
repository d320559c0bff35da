/* The notebook-scope C model (DESIGN.md): a persistent prelude of
 * includes, macros, types and prototypes; persistent variables whose
 * storage outlives the cell that declared them; functions called through
 * stable per-name entry points so a redefinition reaches every caller. */
#ifndef CDL_SESSION_H
#define CDL_SESSION_H

#include <stdbool.h>
#include <stdint.h>

typedef struct CellResult {
    bool ok;
    char *ename;          /* NULL when ok */
    char *evalue;
    char **traceback;
    int n_traceback;
    char *warnings;       /* compiler warnings about the cell's code, or NULL */
    /* help shown in the pager (`?name`): an execute_reply "page" payload */
    char *page_plain, *page_markdown;
} CellResult;

void session_init(const char *engine_include, const char *kernel_include);

/* Forgets every variable, function and prelude entry (%reset). */
void session_reset(void);

/* Compiles the cell as a whole, then runs it. `number` is its execution
 * count (names the cell in messages). */
void session_run_cell(const char *code, int number, CellResult *res);

/* Evaluates an expression against the session without changing it; the
 * value arrives through the display sink as a DISPLAY_RESULT. */
void session_eval_expression(const char *expr, CellResult *res);

void cell_result_free(CellResult *res);

/* Async-signal-safe: is pc inside compiled cell code? */
bool session_pc_in_cell(uintptr_t pc);

/* Appends "name: type" lines of the persistent variables (for %who). */
char *session_describe_vars(void);
/* The prelude every cell sees now (for %prelude). */
char *session_prelude_text(void);
/* What a name of the session is. */
typedef enum SymbolKind { SYM_VARIABLE, SYM_FUNCTION, SYM_TYPE, SYM_MACRO, SYM_CONSTANT } SymbolKind;

typedef struct Symbol {
    const char *name;
    SymbolKind kind;
    const char *decl;   /* "Tensor *X", a prototype, or the prelude entry's text */
    const char *type;   /* variables: the type with '@' for the name ("int @[3]") */
    void *addr;         /* variables: their storage */
} Symbol;

/* Calls fn for every name the session defines (completion, inspection);
 * the strings live until fn returns. */
void session_each_symbol(void (*fn)(const Symbol *sym, void *ctx), void *ctx);
/* The symbol `name` (the strings live until the next cell), false if none. */
bool session_find_symbol(const char *name, Symbol *out);

#endif
