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
/* Calls fn for every name the session defines (completion). */
void session_each_name(void (*fn)(const char *name, const char *kind, void *ctx), void *ctx);

#endif
