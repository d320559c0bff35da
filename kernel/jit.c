#include "jit.h"

#include "bounds.h"
#include "celldebug.h"

#include <gc.h>
#include <libtcc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

static char *g_engine_include, *g_kernel_include, *g_tcc_lib;

/* One reserved region for every cell's code and data: PC-relative
 * references between cells always reach (see jit.h). Pages are only
 * backed once touched.
 *
 * Cells are packed (a cell is a few hundred bytes; a page each made a
 * 20,000-cell session cost 80 MB) and the used part of the arena is ONE
 * root range of the collector, extended as the arena grows: libgc allows
 * only 2,048 root sets, and a set per cell aborted the kernel at about the
 * 2,000th cell. Scanning the cells' code along with their data costs a
 * few milliseconds per collection even after 20,000 cells. */
#define ARENA_SIZE ((size_t)1 << 30)
#define ARENA_ALIGN 64   /* TinyCC aligns sections to at most this (RUN_SECTION_ALIGNMENT) */
static unsigned char *g_arena;
static size_t g_arena_used;

static void arena_root_extend(void)
{
    /* Same start: libgc extends the existing root instead of adding one. */
    if (g_arena_used)
        GC_add_roots(g_arena, g_arena + g_arena_used);
}

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
    size = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
    if (g_arena_used + size > ARENA_SIZE)
        return NULL;
    void *p = g_arena + g_arena_used;
    g_arena_used += size;
    return p;
}

bool jit_pc_in_arena(uintptr_t pc)
{
    uintptr_t a = (uintptr_t)g_arena;
    return a && pc >= a && pc < a + g_arena_used;
}

size_t jit_arena_used(void) { return g_arena_used; }

/* The code ranges of the cells, in address order (the arena only grows),
 * for signal handlers: reserved once and never moved, so a handler (or a
 * thread of a cell) reading it while a new cell is added sees either the
 * old count or the new one, never freed memory. */
typedef struct CodeRange { uintptr_t lo, hi; } CodeRange;
#define MAX_CODE_RANGES ((size_t)1 << 20)
static CodeRange *g_code;
static volatile size_t g_n_code;

static void add_code_range(uintptr_t lo, uintptr_t hi)
{
    if (!g_code) {
        void *m = mmap(NULL, MAX_CODE_RANGES * sizeof *g_code, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (m == MAP_FAILED)
            return;
        g_code = m;
    }
    if (g_n_code == MAX_CODE_RANGES || hi <= lo)
        return;  /* only fault reports get vaguer */
    g_code[g_n_code] = (CodeRange){ lo, hi };
    __atomic_store_n(&g_n_code, g_n_code + 1, __ATOMIC_RELEASE);
}

bool jit_pc_in_code(uintptr_t pc)
{
    size_t lo = 0, hi = __atomic_load_n(&g_n_code, __ATOMIC_ACQUIRE);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (pc < g_code[mid].lo)
            hi = mid;
        else if (pc >= g_code[mid].hi)
            lo = mid + 1;
        else
            return true;
    }
    return false;
}

void jit_set_tcc_lib(const char *dir)
{
    free(g_tcc_lib);
    g_tcc_lib = dir ? xstrdup(dir) : NULL;
}

bool jit_can_check_bounds(void) { return g_tcc_lib != NULL; }

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
    /* The linker's end of .text: the cell's code ends there, its data
     * (variables, strings) follows. */
    if (!strcmp(name, "_etext") && a > u->block && a <= u->block + u->size)
        u->code_size = (size_t)(a - u->block);
    if (a < u->block || a >= u->block + u->size || is_linker_name(name))
        return;
    u->syms = xrealloc(u->syms, sizeof *u->syms * (size_t)(u->n_syms + 1));
    u->syms[u->n_syms].name = xstrdup(name);
    u->syms[u->n_syms].addr = (void *)val;
    u->n_syms++;
}

/* With -b, this first global of the cell lands at the start of its
 * .bounds section, whose address libtcc does not tell: the table of the
 * cell's globals follows it. */
#define BOUNDS_MARK "__cdl_bounds_mark"
static const char BOUNDS_MARK_DEF[] =
    "__attribute__((section(\".bounds\"))) unsigned long " BOUNDS_MARK "[2] = { 0x5ca1ab1e, 0 };\n";

static const char *name_at(void *ctx, const void *addr)
{
    const JitUnit *u = ctx;
    for (int i = 0; i < u->n_syms; i++)
        if (u->syms[i].addr == addr && strcmp(u->syms[i].name, BOUNDS_MARK))
            return u->syms[i].name;
    return NULL;
}

static void register_bounds(JitUnit *u)
{
    const unsigned char *mark = jit_symbol(u, BOUNDS_MARK);
    if (!mark)
        return;
    /* The mark's own entry (its address, 16 bytes) comes first, after
     * padding TinyCC adds between checked globals. */
    uintptr_t want[2] = { (uintptr_t)mark, 16 };
    for (int off = 16; off <= 32; off++) {
        if (!memcmp(mark + off, want, sizeof want)) {
            bounds_add_globals(mark + off, name_at, u);
            return;
        }
    }
}

struct TCCState *jit_new_state(bool bounds, bool debug, int output_type)
{
    TCCState *s = tcc_new();
    if (!s)
        return NULL;
    if (bounds) {
        /* Its bcheck.o and bt-log.o are empty: the kernel is the runtime (bounds.h). */
        tcc_set_lib_path(s, g_tcc_lib);
    }
    /* -std=c11 must come before the output type (DESIGN.md). -g changes no
     * code (-b implies it): only debug information is added. */
    tcc_set_options(s, bounds ? "-std=c11 -Wall -Wno-unused-function -b"
                       : debug ? "-std=c11 -Wall -Wno-unused-function -g"
                       : "-std=c11 -Wall -Wno-unused-function");
    tcc_set_output_type(s, output_type);
    if (g_engine_include)
        tcc_add_include_path(s, g_engine_include);
    if (g_kernel_include)
        tcc_add_include_path(s, g_kernel_include);
    return s;
}

int jit_compile(const char *source, const JitExtern *ext, int n_ext, JitUnit *out, JitDiags *diags)
{
    memset(out, 0, sizeof *out);
    bool bounds = bounds_enabled() && g_tcc_lib;
    TCCState *s = jit_new_state(bounds, false, TCC_OUTPUT_MEMORY);
    if (!s)
        return -1;
    tcc_set_error_func(s, diags, on_diag);
    int rc = -1;
    char *marked = NULL;
    if (bounds) {
        marked = xmalloc(sizeof BOUNDS_MARK_DEF + strlen(source));
        memcpy(marked, BOUNDS_MARK_DEF, sizeof BOUNDS_MARK_DEF - 1);
        strcpy(marked + sizeof BOUNDS_MARK_DEF - 1, source);
        source = marked;
    }
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
    arena_root_extend();
    struct sym_ctx ctx = { out };
    tcc_list_symbols(s, &ctx, on_symbol);
    if (!out->code_size)
        out->code_size = out->size;
    add_code_range((uintptr_t)block, (uintptr_t)block + out->code_size);
    if (bounds)
        register_bounds(out);
    celldebug_keep(out, source, ext, n_ext, bounds);
    rc = 0;
done:
    free(marked);
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
