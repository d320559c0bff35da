/* In-memory compilation of one cell's translation unit with libtcc: the
 * code is relocated into a block the kernel maps itself (so it outlives the
 * TCCState and is registered as a GC root). */
#ifndef CDL_JIT_H
#define CDL_JIT_H

#include <stddef.h>
#include "strbuf.h"

typedef struct JitSymbol {
    char *name;
    void *addr;
} JitSymbol;

typedef struct JitUnit {
    unsigned char *block; /* code and data of the cell, never unmapped */
    size_t size;
    JitSymbol *syms;      /* global symbols defined by the cell */
    int n_syms;
} JitUnit;

/* A symbol the cell may refer to: earlier cells' functions and variables,
 * the kernel's runtime. */
typedef struct JitExtern {
    const char *name;
    void *addr;
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

/* Compiles `source`, resolves `ext` symbols (defined after compilation, so
 * the cell's own definitions win), relocates. Returns 0 and fills `out`; on
 * failure returns -1 and the diagnostics explain why. Warnings are collected
 * in both cases. */
int jit_compile(const char *source, const JitExtern *ext, int n_ext, JitUnit *out, JitDiags *diags);

void *jit_symbol(const JitUnit *u, const char *name);
void jit_diags_free(JitDiags *d);

/* Include directories, set once at start: engine/include and kernel/include. */
void jit_set_include_dirs(const char *engine_include, const char *kernel_include);

#endif
