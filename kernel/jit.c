#include "jit.h"

#include <gc.h>
#include <libtcc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static char *g_engine_include, *g_kernel_include;

/* One reserved region for every cell's code and data: PC-relative
 * references between cells always reach (see jit.h). Pages are only
 * backed once touched. */
#define ARENA_SIZE ((size_t)1 << 30)
static unsigned char *g_arena;
static size_t g_arena_used;

void *jit_arena_alloc(size_t size)
{
    if (!g_arena) {
        g_arena = mmap(NULL, ARENA_SIZE, PROT_READ | PROT_WRITE | PROT_EXEC,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (g_arena == MAP_FAILED) {
            g_arena = NULL;
            return NULL;
        }
    }
    size = (size + 4095) & ~(size_t)4095;
    if (g_arena_used + size > ARENA_SIZE)
        return NULL;
    void *p = g_arena + g_arena_used;
    g_arena_used += size;
    return p;
}

void jit_set_include_dirs(const char *engine_include, const char *kernel_include)
{
    free(g_engine_include);
    free(g_kernel_include);
    g_engine_include = xstrdup(engine_include);
    g_kernel_include = xstrdup(kernel_include);
}

/* "cell:3: error: 'y' undeclared" -> file, line, kind, message. */
static void on_diag(void *opaque, const char *msg)
{
    JitDiags *d = opaque;
    JitDiag g = { 0 };
    const char *p = msg;
    /* TinyCC prefixes "In file included from x:3:\n" lines: keep the last line. */
    const char *last_nl = strrchr(p, '\n');
    if (last_nl)
        p = last_nl + 1;
    const char *colon = strchr(p, ':');
    char *end = NULL;
    long line = colon ? strtol(colon + 1, &end, 10) : 0;
    if (colon && end && end != colon + 1 && *end == ':') {
        g.file = strndup(p, (size_t)(colon - p));
        g.line = (int)line;
        p = end + 1;
        while (*p == ' ')
            p++;
    } else {
        g.file = xstrdup("");
    }
    if (!strncmp(p, "warning: ", 9)) {
        p += 9;
    } else {
        g.is_error = 1;
        if (!strncmp(p, "error: ", 7))
            p += 7;
    }
    g.msg = xstrdup(p);
    d->d = xrealloc(d->d, sizeof *d->d * (size_t)(d->n + 1));
    d->d[d->n++] = g;
}

void jit_diags_free(JitDiags *d)
{
    for (int i = 0; i < d->n; i++) {
        free(d->d[i].file);
        free(d->d[i].msg);
    }
    free(d->d);
    d->d = NULL;
    d->n = 0;
}

struct sym_ctx {
    JitUnit *u;
};

/* Linker-made names must not be handed to later cells (passing them on
 * crashed the process, per DESIGN.md). */
static int is_linker_name(const char *name)
{
    static const char *const exact[] = { "_etext", "_edata", "_end", "_GLOBAL_OFFSET_TABLE_", NULL };
    for (int i = 0; exact[i]; i++)
        if (!strcmp(name, exact[i]))
            return 1;
    return strstr(name, "@plt") || strstr(name, "_array_start") || strstr(name, "_array_end");
}

static void on_symbol(void *ctx, const char *name, const void *val)
{
    JitUnit *u = ((struct sym_ctx *)ctx)->u;
    const unsigned char *a = val;
    if (a < u->block || a >= u->block + u->size || is_linker_name(name))
        return;
    u->syms = xrealloc(u->syms, sizeof *u->syms * (size_t)(u->n_syms + 1));
    u->syms[u->n_syms].name = xstrdup(name);
    u->syms[u->n_syms].addr = (void *)val;
    u->n_syms++;
}

int jit_compile(const char *source, const JitExtern *ext, int n_ext, JitUnit *out, JitDiags *diags)
{
    memset(out, 0, sizeof *out);
    TCCState *s = tcc_new();
    if (!s)
        return -1;
    /* -std=c11 must come before the output type (DESIGN.md). */
    tcc_set_options(s, "-std=c11 -Wall -Wno-unused-function");
    tcc_set_output_type(s, TCC_OUTPUT_MEMORY);
    tcc_set_error_func(s, diags, on_diag);
    if (g_engine_include)
        tcc_add_include_path(s, g_engine_include);
    if (g_kernel_include)
        tcc_add_include_path(s, g_kernel_include);
    int rc = -1;
    if (getenv("COURSDL_DUMP_SOURCE"))
        fprintf(stderr, "---- cell source ----\n%s\n---------------------\n", source);
    for (int i = 0; i < n_ext; i++)
        if (ext[i].near)
            tcc_add_symbol(s, ext[i].name, ext[i].addr);
    if (tcc_compile_string(s, source) < 0)
        goto done;
    for (int i = 0; i < n_ext; i++)
        if (!ext[i].near)
            tcc_add_symbol(s, ext[i].name, ext[i].addr);
    int size = tcc_relocate(s, NULL);
    if (size <= 0)
        goto done;
    void *block = jit_arena_alloc((size_t)size);
    if (!block) {
        on_diag(diags, "error: the code arena is full (1 GB of cells): restart the kernel");
        goto done;
    }
    if (tcc_relocate(s, block) < 0)
        goto done;  /* the arena space is lost: rare, and small */
    out->block = block;
    out->size = (size_t)size;
    /* Cell globals may hold the only pointer to engine objects. */
    GC_add_roots(block, (char *)block + size);
    struct sym_ctx ctx = { out };
    tcc_list_symbols(s, &ctx, on_symbol);
    rc = 0;
done:
    tcc_delete(s);
    return rc;
}

void *jit_symbol(const JitUnit *u, const char *name)
{
    for (int i = 0; i < u->n_syms; i++)
        if (!strcmp(u->syms[i].name, name))
            return u->syms[i].addr;
    return NULL;
}
