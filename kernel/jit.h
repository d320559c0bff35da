/* In-memory compilation of one cell's translation unit with libtcc: the
 * code is relocated into an arena the kernel maps itself (so it outlives the
 * TCCState); the arena's used part is one root range of the collector. */
#ifndef CDL_JIT_H
#define CDL_JIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "strbuf.h"

typedef struct JitSymbol {
    char *name;
    void *addr;
} JitSymbol;

typedef struct JitUnit {
    unsigned char *block; /* code and data of the cell, never unmapped */
    size_t size;
    size_t code_size;     /* its code: [block, block + code_size); data follows */
    JitSymbol *syms;      /* global symbols defined by the cell */
    int n_syms;
} JitUnit;

/* A symbol the cell may refer to: earlier cells' functions and variables
 * (`near`: inside the code arena), the kernel's runtime (far away).
 *
 * Near symbols are defined before compiling, so TinyCC addresses them
 * directly (PC-relative, hence the arena: all cell code and storage lies
 * within 2 GB). Defined after compiling, TinyCC would reach a variable
 * through the GOT, and this TinyCC (0.9.27+git20200814) then miscompiles
 * floating-point operations whose second operand is such a variable:
 * `x + y` with two doubles from earlier cells gave x. Runtime functions
 * are far, so they come after compiling and are called through the PLT. */
typedef struct JitExtern {
    const char *name;
    void *addr;
    int near;
} JitExtern;

typedef struct JitDiag {
    int is_error;
    char *file;   /* "cell", "prelude", a header path */
    int line;
    char *msg;
} JitDiag;

typedef struct JitDiags {
    JitDiag *d;
    int n;
} JitDiags;

/* Compiles `source` with the `ext` symbols (none of them may be defined by
 * the source), relocates into the arena. Returns 0 and fills `out`; on
 * failure returns -1 and the diagnostics explain why. Warnings are collected
 * in both cases. */
int jit_compile(const char *source, const JitExtern *ext, int n_ext, JitUnit *out, JitDiags *diags);

void *jit_symbol(const JitUnit *u, const char *name);

/* A TinyCC state set up as cells are compiled (options, include paths, the
 * bounds runtime's folder), for output_type (TCC_OUTPUT_MEMORY, _OBJ);
 * debug adds -g (implied by bounds). */
struct TCCState;
struct TCCState *jit_new_state(bool bounds, bool debug, int output_type);

/* Memory in the code arena (64-byte aligned, read/write/execute), for
 * function entry stubs. */
void *jit_arena_alloc(size_t size);

/* Async-signal-safe: does pc lie in the arena (cell code or a stub)? */
bool jit_pc_in_arena(uintptr_t pc);

/* Async-signal-safe: does pc lie in the code of a cell (not its data, not
 * a stub)? A return address into a cell passes; a pointer to a cell's
 * variable does not. */
bool jit_pc_in_code(uintptr_t pc);

/* Bytes of the arena used so far (cells and stubs). */
size_t jit_arena_used(void);
void jit_diags_free(JitDiags *d);

/* TinyCC's library folder for cells compiled with bounds checks (-b): the
 * build's tcclib/, where bcheck.o and bt-log.o are empty (the kernel
 * implements their functions, see bounds.h). Without one, no checks. */
void jit_set_tcc_lib(const char *dir);
bool jit_can_check_bounds(void);

/* Include directories, set once at start: engine/include and kernel/include. */
void jit_set_include_dirs(const char *engine_include, const char *kernel_include);

#endif
