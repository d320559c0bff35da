#include "celldebug.h"

#include <elf.h>
#include <libtcc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strbuf.h"

/* TinyCC's stabs (a.out debug format, 12 bytes an entry). */
typedef struct Stab {
    uint32_t strx;
    uint8_t type, other;
    uint16_t desc;
    uint32_t value;
} Stab;

enum { N_FUN = 0x24, N_SLINE = 0x44, N_SO = 0x64, N_LSYM = 0x80, N_SOL = 0x84 };

typedef struct Line { char *fn; uint32_t off; int line; } Line;
typedef struct Local { char *fn; int32_t off; char *name; } Local;

/* A recent cell, and what its debug compile told (once asked). */
typedef struct Kept {
    uintptr_t lo, hi;
    char *source;
    char **near;
    int n_near;
    bool bounds;
    JitSymbol *syms;   /* copies: the session may drop its own */
    int n_syms;
    bool parsed, failed;
    Line *lines;
    int n_lines;
    Local *locals;
    int n_locals;
} Kept;

#define KEEP 64
static Kept g_kept[KEEP];
static int g_next;

static void kept_free(Kept *k)
{
    free(k->source);
    for (int i = 0; i < k->n_near; i++)
        free(k->near[i]);
    free(k->near);
    for (int i = 0; i < k->n_syms; i++)
        free(k->syms[i].name);
    free(k->syms);
    for (int i = 0; i < k->n_lines; i++)
        free(k->lines[i].fn);
    free(k->lines);
    for (int i = 0; i < k->n_locals; i++) {
        free(k->locals[i].fn);
        free(k->locals[i].name);
    }
    free(k->locals);
    memset(k, 0, sizeof *k);
}

void celldebug_keep(const JitUnit *u, const char *source, const JitExtern *ext, int n_ext, bool bounds)
{
    Kept *k = &g_kept[g_next];
    g_next = (g_next + 1) % KEEP;
    kept_free(k);
    k->lo = (uintptr_t)u->block;
    k->hi = (uintptr_t)u->block + u->size;
    k->source = xstrdup(source);
    k->bounds = bounds;
    k->near = xmalloc(sizeof *k->near * (size_t)(n_ext + 1));
    for (int i = 0; i < n_ext; i++)
        if (ext[i].near)
            k->near[k->n_near++] = xstrdup(ext[i].name);
    k->syms = xmalloc(sizeof *k->syms * (size_t)(u->n_syms + 1));
    for (int i = 0; i < u->n_syms; i++)
        k->syms[k->n_syms++] = (JitSymbol){ xstrdup(u->syms[i].name), u->syms[i].addr };
}

static Kept *find_kept(uintptr_t pc)
{
    for (int i = 0; i < KEEP; i++)
        if (g_kept[i].source && pc >= g_kept[i].lo && pc < g_kept[i].hi)
            return &g_kept[i];
    return NULL;
}

/* ---- the debug compile ------------------------------------------------------------------ */

static void ignore_diag(void *opaque, const char *msg)
{
    (void)opaque;
    (void)msg;
}

/* Compiles k's source again into an ELF object in memory; returns its bytes. */
static unsigned char *debug_object(const Kept *k, size_t *len)
{
    int fd = memfd_create("coursdl-cell-debug", MFD_CLOEXEC);
    if (fd < 0)
        return NULL;
    unsigned char *data = NULL;
    TCCState *s = jit_new_state(k->bounds, true, TCC_OUTPUT_OBJ);
    if (s) {
        tcc_set_error_func(s, NULL, ignore_diag);
        /* Defined before compiling, as then: the same addressing, the same code. */
        for (int i = 0; i < k->n_near; i++)
            tcc_add_symbol(s, k->near[i], (void *)k->lo);
        char path[64];
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        struct stat st;
        if (tcc_compile_string(s, k->source) == 0 && tcc_output_file(s, path) == 0 && fstat(fd, &st) == 0
            && st.st_size > 0) {
            data = xmalloc((size_t)st.st_size);
            if (pread(fd, data, (size_t)st.st_size, 0) == st.st_size) {
                *len = (size_t)st.st_size;
            } else {
                free(data);
                data = NULL;
            }
        }
        tcc_delete(s);
    }
    close(fd);
    return data;
}

static const Elf64_Shdr *section(const unsigned char *o, size_t len, const char *name)
{
    const Elf64_Ehdr *eh = (const Elf64_Ehdr *)o;
    if (len < sizeof *eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64)
        return NULL;
    if (eh->e_shoff + (size_t)eh->e_shnum * sizeof(Elf64_Shdr) > len || eh->e_shstrndx >= eh->e_shnum)
        return NULL;
    const Elf64_Shdr *sh = (const Elf64_Shdr *)(o + eh->e_shoff);
    const char *names = (const char *)o + sh[eh->e_shstrndx].sh_offset;
    for (int i = 0; i < eh->e_shnum; i++)
        if (sh[i].sh_name < sh[eh->e_shstrndx].sh_size && !strcmp(names + sh[i].sh_name, name)
            && sh[i].sh_offset + sh[i].sh_size <= len)
            return &sh[i];
    return NULL;
}

/* "clear10:F27" -> "clear10" */
static char *stab_name(const char *s)
{
    const char *colon = strchr(s, ':');
    return strndup(s, colon ? (size_t)(colon - s) : strlen(s));
}

static void parse(Kept *k)
{
    k->parsed = true;
    size_t len = 0;
    unsigned char *o = debug_object(k, &len);
    const Elf64_Shdr *stab = o ? section(o, len, ".stab") : NULL;
    const Elf64_Shdr *str = o ? section(o, len, ".stabstr") : NULL;
    if (!stab || !str) {
        k->failed = true;
        free(o);
        return;
    }
    const Stab *st = (const Stab *)(o + stab->sh_offset);
    size_t n = stab->sh_size / sizeof *st;
    const char *strs = (const char *)o + str->sh_offset;
    const char *file = "";
    char *fn = NULL;
    for (size_t i = 0; i < n; i++) {
        const char *text = st[i].strx < str->sh_size ? strs + st[i].strx : "";
        switch (st[i].type) {
        case N_SO:
        case N_SOL:
            file = text;
            break;
        case N_FUN:
            free(fn);
            fn = stab_name(text);
            break;
        case N_SLINE:
            if (fn && !strcmp(file, "cell")) {
                k->lines = xrealloc(k->lines, sizeof *k->lines * (size_t)(k->n_lines + 1));
                k->lines[k->n_lines++] = (Line){ xstrdup(fn), st[i].value, st[i].desc };
            }
            break;
        case N_LSYM:
            if (fn && *text) {
                k->locals = xrealloc(k->locals, sizeof *k->locals * (size_t)(k->n_locals + 1));
                k->locals[k->n_locals++] = (Local){ xstrdup(fn), (int32_t)st[i].value, stab_name(text) };
            }
            break;
        }
    }
    free(fn);
    free(o);
}

/* The function of k containing pc (the nearest symbol at or below it that
 * the debug tables know as a function), and pc's offset in it. */
static const char *function_at(Kept *k, uintptr_t pc, uint32_t *off)
{
    const JitSymbol *best = NULL;
    for (int i = 0; i < k->n_syms; i++) {
        uintptr_t a = (uintptr_t)k->syms[i].addr;
        if (a > pc || (best && a <= (uintptr_t)best->addr))
            continue;
        for (int j = 0; j < k->n_lines; j++)
            if (!strcmp(k->lines[j].fn, k->syms[i].name)) {
                best = &k->syms[i];
                break;
            }
    }
    if (!best)
        return NULL;
    *off = (uint32_t)(pc - (uintptr_t)best->addr);
    return best->name;
}

static Kept *ready(uintptr_t pc)
{
    Kept *k = find_kept(pc);
    if (k && !k->parsed)
        parse(k);
    return k && !k->failed ? k : NULL;
}

bool celldebug_line(uintptr_t pc, int *line)
{
    Kept *k = ready(pc);
    uint32_t off;
    const char *fn = k ? function_at(k, pc, &off) : NULL;
    if (!fn)
        return false;
    int best = -1;
    uint32_t best_off = 0;
    for (int i = 0; i < k->n_lines; i++) {
        const Line *l = &k->lines[i];
        if (!strcmp(l->fn, fn) && l->off <= off && (best < 0 || l->off >= best_off)) {
            best = l->line;
            best_off = l->off;
        }
    }
    if (best < 0)
        return false;
    *line = best;
    return true;
}

bool celldebug_local_name(uintptr_t pc, long off, char *name, size_t cap)
{
    Kept *k = ready(pc);
    uint32_t fn_off;
    const char *fn = k ? function_at(k, pc, &fn_off) : NULL;
    if (!fn)
        return false;
    for (int i = 0; i < k->n_locals; i++)
        if (k->locals[i].off == off && !strcmp(k->locals[i].fn, fn)) {
            snprintf(name, cap, "%s", k->locals[i].name);
            return true;
        }
    return false;
}
