#include "session.h"

#include <ctype.h>
#include <dlfcn.h>
#include <gc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cellscope.h"
#include "cellsplit.h"
#include "coursdl.h"
#include "engine_api.h"
#include "guard.h"
#include "help.h"
#include "jit.h"
#include "runtime.h"
#include "strbuf.h"

/* ---- persistent state ---------------------------------------------------- */

typedef struct Entry {
    char *key;        /* "macro:N", "type:struct P", "sym:f", "include:<text>" or NULL */
    char *text;
    char **defines;   /* identifiers it defines */
    int n_defines;
    char **mentions;  /* identifiers it uses */
    int n_mentions;
    char *var_name;   /* extern declaration of a persistent variable */
} Entry;

typedef struct Var {
    char *name;
    char *identity;   /* storage_key (+ initializer for arrays sized by it) */
    char *type_key;
    void *addr;
} Var;

typedef struct Func {
    char *name;
    unsigned char *stub;  /* jmp *target: the address every caller uses */
    void *impl;
    char *proto;          /* its prototype, for help */
} Func;

typedef struct CellCode {
    uintptr_t start, end;  /* its code (its data follows, not included) */
    int number;
    JitSymbol *syms;      /* sorted by address */
    int n_syms;
} CellCode;

static struct {
    Entry *entries;
    int n_entries;
    Var *vars;
    int n_vars;
    Func *funcs;
    int n_funcs;
    char **type_names;    /* typedef names, NULL-terminated */
    int n_type_names;
    unsigned char *stub_page;
    int stub_used;
} S;

/* Read by the signal handlers: only appended to while no cell runs. */
static CellCode *g_cells;
static volatile int g_n_cells;

static const char *const BASE_TYPE_NAMES[] = {
    "size_t", "ptrdiff_t", "FILE", "bool", "va_list", "clock_t", "time_t",
    "int8_t", "int16_t", "int32_t", "int64_t", "uint8_t", "uint16_t", "uint32_t", "uint64_t",
    "intptr_t", "uintptr_t", "ssize_t", "off_t", "wchar_t", "max_align_t",
    "Tensor", "Generator", "Device", "DType", "Module", "Optimizer", "Dataset", "DataLoader",
    "Figure", "History", "DisplayItem", "DisplaySink", "DisplayKind", "ErrorKind", "ErrorHandler",
    "Progress", NULL
};

/* Marks the declarations of variables kept from earlier cells: with hidden
 * visibility and the symbol defined before compiling, TinyCC addresses
 * them directly instead of through the GOT, where it miscompiles
 * floating-point arithmetic (see jit.h). */
#define PERSISTENT "__cdl_persistent"

/* Cell functions are compiled under this prefix; the plain name is their
 * entry point (a stub), so every call, in this cell or another, and every
 * function pointer goes through it and sees the latest definition. */
#define IMPL_PREFIX "__cdl_fn_"

/* A variable re-declared with new storage keeps its old storage under this
 * prefix for the items of the cell before the declaration; old types it
 * needs (a struct the cell changes) are renamed likewise. */
#define PREV_PREFIX "__cdl_prev_"

/* ---- small helpers ------------------------------------------------------- */

static void push_str(char ***arr, int *n, const char *s)
{
    *arr = xrealloc(*arr, sizeof **arr * (size_t)(*n + 2));
    (*arr)[(*n)++] = xstrdup(s);
    (*arr)[*n] = NULL;
}

static bool has_str(char *const *arr, int n, const char *s)
{
    for (int i = 0; i < n; i++)
        if (!strcmp(arr[i], s))
            return true;
    return false;
}

static void free_strs(char **arr, int n)
{
    for (int i = 0; i < n; i++)
        free(arr[i]);
    free(arr);
}

/* Identifiers of a piece of C (directives' included), once each. */
static void scan_idents(const char *t, char ***out, int *n)
{
    CToken *tok = NULL;
    int nt = 0;
    cell_tokenize(t, CELL_LEX_DIRECTIVES, &tok, &nt);
    for (int i = 0; i < nt; i++) {
        if (tok[i].kind != TOK_IDENT)
            continue;
        char *id = strndup(t + tok[i].start, (size_t)(tok[i].end - tok[i].start));
        if (!has_str(*out, *n, id))
            push_str(out, n, id);
        free(id);
    }
    free(tok);
}

/* type_key with '@' replaced by name. */
static char *subst(const char *key, const char *name)
{
    StrBuf b;
    sb_init(&b);
    const char *at = strchr(key, '@');
    if (!at) {
        sb_puts(&b, key);
        sb_putc(&b, ' ');
        sb_puts(&b, name);
    } else {
        sb_putn(&b, key, (size_t)(at - key));
        sb_puts(&b, name);
        sb_puts(&b, at + 1);
    }
    return sb_take(&b);
}

static bool is_incomplete_array(const char *key)
{
    const char *at = strchr(key, '@');
    return at && !strncmp(at + 1, "[]", 2);
}

static void entry_free(Entry *e)
{
    free(e->key);
    free(e->text);
    free_strs(e->defines, e->n_defines);
    free_strs(e->mentions, e->n_mentions);
    free(e->var_name);
}

static Var *find_var(const char *name)
{
    for (int i = 0; i < S.n_vars; i++)
        if (!strcmp(S.vars[i].name, name))
            return &S.vars[i];
    return NULL;
}

static Func *find_func(const char *name)
{
    for (int i = 0; i < S.n_funcs; i++)
        if (!strcmp(S.funcs[i].name, name))
            return &S.funcs[i];
    return NULL;
}

static void drop_var(const char *name)
{
    for (int i = 0; i < S.n_vars; i++) {
        if (!strcmp(S.vars[i].name, name)) {
            free(S.vars[i].name);
            free(S.vars[i].identity);
            free(S.vars[i].type_key);
            S.vars[i] = S.vars[--S.n_vars];
            return;
        }
    }
}

/* ---- entry points of functions ------------------------------------------- */

#define STUB_SIZE 16

static void stub_point(unsigned char *stub, void *target)
{
    /* jmp *0(%rip) followed by the 8-byte target address */
    stub[0] = 0xff;
    stub[1] = 0x25;
    memset(stub + 2, 0, 4);
    memcpy(stub + 6, &target, sizeof target);
}

static unsigned char *stub_new(void)
{
    if (!S.stub_page || S.stub_used + STUB_SIZE > 4096) {
        S.stub_page = jit_arena_alloc(4096);
        if (!S.stub_page) {
            fprintf(stderr, "coursdl-kernel: the code arena is full\n");
            abort();
        }
        S.stub_used = 0;
    }
    unsigned char *s = S.stub_page + S.stub_used;
    S.stub_used += STUB_SIZE;
    return s;
}

/* ---- cell code ranges (for fault reports and interrupts) ----------------- */

static int cmp_sym(const void *a, const void *b)
{
    const JitSymbol *x = a, *y = b;
    return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static void register_cell_code(JitUnit *u, int number)
{
    CellCode c = { (uintptr_t)u->block, (uintptr_t)u->block + u->code_size, number, u->syms, u->n_syms };
    qsort(c.syms, (size_t)c.n_syms, sizeof *c.syms, cmp_sym);
    g_cells = xrealloc(g_cells, sizeof *g_cells * (size_t)(g_n_cells + 1));
    g_cells[g_n_cells] = c;
    g_n_cells++;
}

bool session_pc_in_cell(uintptr_t pc)
{
    for (int i = 0; i < g_n_cells; i++)
        if (pc >= g_cells[i].start && pc < g_cells[i].end)
            return true;
    return false;
}

/* "function crash (cell [3])" for an address in cell code. */
static bool describe_pc(uintptr_t pc, char *buf, size_t n)
{
    for (int i = g_n_cells - 1; i >= 0; i--) {
        CellCode *c = &g_cells[i];
        if (pc < c->start || pc >= c->end)
            continue;
        /* Symbols in the code range are the cell's functions (its
         * variables lie after it). */
        const char *fn = NULL;
        for (int k = 0; k < c->n_syms; k++)
            if ((uintptr_t)c->syms[k].addr <= pc && (uintptr_t)c->syms[k].addr < c->end)
                fn = c->syms[k].name;
        if (fn && !strncmp(fn, IMPL_PREFIX, strlen(IMPL_PREFIX)))
            fn += strlen(IMPL_PREFIX);
        if (fn && !strcmp(fn, "__cdl_run"))
            snprintf(buf, n, "in the statements of cell [%d]", c->number);
        else if (fn)
            snprintf(buf, n, "in function %s (cell [%d])", fn, c->number);
        else
            snprintf(buf, n, "in cell [%d]", c->number);
        return true;
    }
    return false;
}

/* ---- init / reset ---------------------------------------------------------- */

/* Engine hook run after every cell (shows figures drawn but not shown,
 * as matplotlib's inline backend does); looked up so the kernel does not
 * depend on the plotting module being built. */
static void (*g_after_cell)(void);

void session_init(const char *engine_include, const char *kernel_include)
{
    jit_set_include_dirs(engine_include, kernel_include);
    g_after_cell = (void (*)(void))dlsym(RTLD_DEFAULT, "plt_show_pending");
    session_reset();
}

void session_reset(void)
{
    for (int i = 0; i < S.n_entries; i++)
        entry_free(&S.entries[i]);
    free(S.entries);
    while (S.n_vars)
        drop_var(S.vars[0].name);
    free(S.vars);
    for (int i = 0; i < S.n_funcs; i++) {
        free(S.funcs[i].name);
        free(S.funcs[i].proto);
    }
    free(S.funcs);
    free_strs(S.type_names, S.n_type_names);
    /* Code blocks and stubs stay mapped: old function pointers may remain. */
    unsigned char *page = S.stub_page;
    int used = S.stub_used;
    memset(&S, 0, sizeof S);
    S.stub_page = page;
    S.stub_used = used;
    for (int i = 0; BASE_TYPE_NAMES[i]; i++)
        push_str(&S.type_names, &S.n_type_names, BASE_TYPE_NAMES[i]);
}

/* ---- building the translation unit --------------------------------------- */

/* What becomes of a prelude entry when a cell is compiled: kept in front
 * of the cell's own declarations, deferred after the cell's types (it
 * mentions something the cell redefines), or dropped (replaced). */
typedef enum EntryFate { ENTRY_KEPT, ENTRY_DEFERRED, ENTRY_DROPPED } EntryFate;

/* How a trailing expression is compiled: shown as Out[n], or (when its
 * type is void) run as a plain statement. */
typedef enum ExprMode { EXPR_SHOWN, EXPR_AS_STATEMENT } ExprMode;

/* An old variable that items of the cell use before re-declaring it with
 * new storage: they name it `alias`, declared by `decl`, bound to addr. */
typedef struct Alias {
    char *alias;
    char *decl;
    void *addr;
} Alias;

/* What one cell changes, computed before compiling it. */
typedef struct Plan {
    ItemList items;
    char **defined;       /* identifiers the cell (re)defines */
    int n_defined;
    char **keys;          /* entry keys the cell replaces */
    int n_keys;
    char **changed_types; /* type keys whose text changed */
    int n_changed;
    EntryFate *fate;      /* per old entry */
    bool has_expr, has_stmt, has_main;
    const char *main_params;
    bool *new_storage;    /* per item: VAR needs new storage */
    unsigned char **stub; /* per item: FUNC's entry point (existing, or reserved for a new name) */
    MacroTrack macros;    /* macros the cell (re)defines: each item sees them as at its place */
    Alias *aliases;       /* old variables the items before their re-declaration use */
    int n_aliases;
    char *old_types;      /* the changed types' old definitions, renamed (for the aliases), or NULL */
} Plan;

static char *item_key(const Item *it)
{
    char buf[600];
    switch (it->kind) {
    case ITEM_PREPROC: {
        const char *t = it->text;
        while (*t == ' ' || *t == '\t' || *t == '#') t++;
        if (it->name && (!strncmp(t, "define", 6) || !strncmp(t, "undef", 5))) {
            snprintf(buf, sizeof buf, "macro:%s", it->name);
            return xstrdup(buf);
        }
        if (!strncmp(t, "include", 7)) {
            StrBuf b;
            sb_init(&b);
            sb_puts(&b, "include:");
            sb_puts(&b, it->text);
            return sb_take(&b);
        }
        return NULL;
    }
    case ITEM_TYPE:
        snprintf(buf, sizeof buf, "type:%s", it->name ? it->name : it->text);
        return xstrdup(buf);
    case ITEM_DECL:
    case ITEM_FUNC:
    case ITEM_VAR:
        if (!it->name)
            return NULL;
        snprintf(buf, sizeof buf, "sym:%s", it->name);
        return xstrdup(buf);
    default:
        return NULL;
    }
}

/* Identifiers an item defines: the macro, type, function or variable name,
 * and an anonymous enum's constants. */
static void item_defines(const Item *it, char ***out, int *n)
{
    if (!it->name)
        return;
    const char *name = it->name;
    if (it->kind == ITEM_TYPE) {
        if (!strncmp(name, "enum{", 5)) {
            char *copy = xstrdup(name + 5);
            for (char *tok = strtok(copy, ",}"); tok; tok = strtok(NULL, ",}"))
                if (*tok) push_str(out, n, tok);
            free(copy);
            return;
        }
        const char *sp = strrchr(name, ' ');
        if (sp)
            name = sp + 1;
    }
    push_str(out, n, name);
}

static bool is_persistent_preproc(const Item *it)
{
    const char *t = it->text;
    while (*t == ' ' || *t == '\t' || *t == '#') t++;
    return !strncmp(t, "include", 7) || !strncmp(t, "define", 6) || !strncmp(t, "undef", 5)
        || !strncmp(t, "pragma", 6);
}

static void plan_free(Plan *p)
{
    itemlist_free(&p->items);
    free_strs(p->defined, p->n_defined);
    free_strs(p->keys, p->n_keys);
    free_strs(p->changed_types, p->n_changed);
    free(p->fate);
    free(p->new_storage);
    free(p->stub);
    macro_track_free(&p->macros);
    for (int i = 0; i < p->n_aliases; i++) {
        free(p->aliases[i].alias);
        free(p->aliases[i].decl);
    }
    free(p->aliases);
    free(p->old_types);
}

static Entry *find_entry(const char *key)
{
    for (int i = 0; i < S.n_entries; i++)
        if (S.entries[i].key && !strcmp(S.entries[i].key, key))
            return &S.entries[i];
    return NULL;
}

static char *var_identity(const Item *it)
{
    StrBuf b;
    sb_init(&b);
    sb_puts(&b, it->storage_key);
    if (is_incomplete_array(it->storage_key) && it->init) {
        sb_puts(&b, " = ");
        sb_puts(&b, it->init);
    }
    return sb_take(&b);
}

/* Does a variable's type mention a struct/typedef whose definition this
 * cell changes? Then its old storage has the wrong layout. */
static bool type_changed(const Plan *p, const char *type_key)
{
    char **ids = NULL;
    int n = 0;
    bool hit = false;
    scan_idents(type_key, &ids, &n);
    for (int c = 0; c < p->n_changed && !hit; c++) {
        const char *ck = p->changed_types[c] + 5; /* skip "type:" */
        const char *sp = strrchr(ck, ' ');
        hit = has_str(ids, n, sp ? sp + 1 : ck);
    }
    free_strs(ids, n);
    return hit;
}

/* ---- items before a re-declaration: the old variable ---------------------- */

static char *prefixed(const char *name)
{
    StrBuf b;
    sb_init(&b);
    sb_printf(&b, PREV_PREFIX "%s", name);
    return sb_take(&b);
}

/* The old definitions of the types the cell changes, renamed (with their
 * struct/union tags) so that they live beside the new ones: `from`/`to`
 * receive the renames. False when one cannot be renamed (an enum: its
 * constants would be defined twice). */
static bool old_types_renamed(const Plan *p, char ***from, char ***to, int *n, char **text)
{
    for (int i = 0; i < S.n_entries; i++) {
        const Entry *e = &S.entries[i];
        if (!e->key || !has_str(p->changed_types, p->n_changed, e->key))
            continue;
        CToken *t = NULL;
        int nt = 0;
        cell_tokenize(e->text, 0, &t, &nt);
        bool has_enum = false;
        for (int k = 0; k < nt; k++) {
            const char *w = e->text + t[k].start;
            int len = t[k].end - t[k].start;
            if (t[k].kind == TOK_IDENT && len == 4 && !strncmp(w, "enum", 4))
                has_enum = true;
            /* a tag defined here: `struct P {` */
            if (t[k].kind == TOK_IDENT && k + 2 < nt && t[k + 1].kind == TOK_IDENT && e->text[t[k + 2].start] == '{'
                && ((len == 6 && !strncmp(w, "struct", 6)) || (len == 5 && !strncmp(w, "union", 5)))) {
                char *tag = strndup(e->text + t[k + 1].start, (size_t)(t[k + 1].end - t[k + 1].start));
                if (!has_str(*from, *n, tag)) {
                    int m = *n;
                    push_str(from, n, tag);
                    char *r = prefixed(tag);
                    push_str(to, &m, r);
                    free(r);
                }
                free(tag);
            }
        }
        free(t);
        if (has_enum)
            return false;
        for (int k = 0; k < e->n_defines; k++) {
            if (has_str(*from, *n, e->defines[k]))
                continue;
            int m = *n;
            push_str(from, n, e->defines[k]);
            char *r = prefixed(e->defines[k]);
            push_str(to, &m, r);
            free(r);
        }
    }
    StrBuf b;
    sb_init(&b);
    for (int i = 0; i < S.n_entries; i++) {
        const Entry *e = &S.entries[i];
        if (!e->key || !has_str(p->changed_types, p->n_changed, e->key))
            continue;
        char *r = cell_rename_idents(e->text, *from, *to, *n, NULL);
        sb_printf(&b, "%s\n", r);
        free(r);
    }
    *text = sb_take(&b);
    return true;
}

static bool item_mentions(const Item *it, const char *name)
{
    switch (it->kind) {
    case ITEM_STMT:
    case ITEM_EXPR:
    case ITEM_FUNC:
        return cell_mentions(it->text, name);
    case ITEM_VAR:
        return it->init && cell_mentions(it->init, name);
    default:
        return false;
    }
}

static void item_rename(Item *it, char *const *from, char *const *to, int n)
{
    char *r;
    switch (it->kind) {
    case ITEM_STMT:
    case ITEM_EXPR:
        r = cell_rename_idents(it->text, from, to, n, NULL);
        free(it->text);
        it->text = r;
        break;
    case ITEM_FUNC:
        r = cell_rename_idents(it->text, from, to, n, &it->name_off);
        free(it->text);
        it->text = r;
        break;
    case ITEM_VAR:
        if (it->init) {
            r = cell_rename_idents(it->init, from, to, n, NULL);
            free(it->init);
            it->init = r;
        }
        break;
    default:
        break;
    }
}

/* A variable the cell re-declares with new storage (another type, or a
 * struct that changed) is the old one for the items before the declaration,
 * as in one C program read from the top: they name the old storage by an
 * alias (and the old struct by a renamed copy of its definition). */
static void plan_aliases(Plan *p)
{
    char **tfrom = NULL, **tto = NULL;
    int nt = 0;
    bool types_tried = false, types_ok = false;
    for (int i = 0; i < p->items.n; i++) {
        Item *it = &p->items.items[i];
        Var *v = it->kind == ITEM_VAR && p->new_storage[i] ? find_var(it->name) : NULL;
        if (!v)
            continue;
        bool used = false;
        for (int j = 0; j < i && !used; j++)
            used = item_mentions(&p->items.items[j], it->name);
        if (!used)
            continue;
        char *key = xstrdup(v->type_key);
        if (type_changed(p, v->type_key)) {
            if (!types_tried) {
                types_tried = true;
                types_ok = old_types_renamed(p, &tfrom, &tto, &nt, &p->old_types);
            }
            if (!types_ok) {
                free(key);
                continue;  /* the items before see the new storage, as before this fix */
            }
            char *r = cell_rename_idents(key, tfrom, tto, nt, NULL);
            free(key);
            key = r;
        }
        char *alias = prefixed(it->name);
        char *d = subst(key, alias);
        StrBuf decl;
        sb_init(&decl);
        sb_printf(&decl, "extern %s " PERSISTENT ";", d);
        free(d);
        free(key);
        p->aliases = xrealloc(p->aliases, sizeof *p->aliases * (size_t)(p->n_aliases + 1));
        p->aliases[p->n_aliases++] = (Alias){ alias, sb_take(&decl), v->addr };
        for (int j = 0; j < i; j++)
            item_rename(&p->items.items[j], &it->name, &alias, 1);
    }
    if (!types_ok) {
        free(p->old_types);
        p->old_types = NULL;
    }
    free_strs(tfrom, nt);
    free_strs(tto, nt);
}

/* Stubs reserved for new function names of a cell that then failed to
 * compile: reused by the next cells. */
static unsigned char **g_spare_stubs;
static int g_n_spare_stubs;

static unsigned char *reserve_stub(void)
{
    return g_n_spare_stubs ? g_spare_stubs[--g_n_spare_stubs] : stub_new();
}

static void reserve_entry_points(Plan *p)
{
    p->stub = xmalloc(sizeof *p->stub * ((size_t)p->items.n + 1));
    for (int i = 0; i < p->items.n; i++) {
        const Item *it = &p->items.items[i];
        Func *f = it->kind == ITEM_FUNC ? find_func(it->name) : NULL;
        p->stub[i] = it->kind != ITEM_FUNC ? NULL : f ? f->stub : reserve_stub();
    }
}

/* After a failed compile: new names' stubs go back to the spares. */
static void release_entry_points(Plan *p)
{
    for (int i = 0; i < p->items.n; i++) {
        const Item *it = &p->items.items[i];
        if (it->kind != ITEM_FUNC || find_func(it->name) || !p->stub[i])
            continue;
        g_spare_stubs = xrealloc(g_spare_stubs, sizeof *g_spare_stubs * (size_t)(g_n_spare_stubs + 1));
        g_spare_stubs[g_n_spare_stubs++] = p->stub[i];
        p->stub[i] = NULL;
    }
}

static void make_plan(Plan *p)
{
    int n = p->items.n;
    p->new_storage = calloc((size_t)n + 1, sizeof *p->new_storage);
    reserve_entry_points(p);
    for (int i = 0; i < n; i++) {
        Item *it = &p->items.items[i];
        char *key = item_key(it);
        if (key) {
            if (it->kind == ITEM_TYPE) {
                Entry *old = find_entry(key);
                if (old && strcmp(old->text, it->text))
                    push_str(&p->changed_types, &p->n_changed, key);
            }
            push_str(&p->keys, &p->n_keys, key);
            free(key);
        }
        if (it->kind != ITEM_STMT && it->kind != ITEM_EXPR)
            item_defines(it, &p->defined, &p->n_defined);
        if (it->kind == ITEM_STMT) p->has_stmt = true;
        if (it->kind == ITEM_EXPR) p->has_expr = true;
        if (it->kind == ITEM_FUNC && !strcmp(it->name, "main")) {
            p->has_main = true;
            p->main_params = it->params;
        }
    }
    /* Old entries: replaced (dropped), depending on something redefined
     * (deferred after the cell's types), or kept in front. One forward pass
     * is transitive because the old order was already valid. */
    p->fate = xmalloc(sizeof *p->fate * ((size_t)S.n_entries + 1));
    char **dep = NULL;
    int n_dep = 0;
    for (int i = 0; i < p->n_defined; i++)
        push_str(&dep, &n_dep, p->defined[i]);
    for (int i = 0; i < S.n_entries; i++) {
        Entry *e = &S.entries[i];
        EntryFate st = ENTRY_KEPT;
        if (e->key && has_str(p->keys, p->n_keys, e->key)) {
            st = ENTRY_DROPPED;
        } else {
            for (int k = 0; k < e->n_mentions && st == ENTRY_KEPT; k++)
                if (has_str(dep, n_dep, e->mentions[k]))
                    st = ENTRY_DEFERRED;
            if (st == ENTRY_DEFERRED) {
                /* A variable whose type changed layout cannot be kept. */
                if (e->var_name && p->n_changed)
                    st = ENTRY_DROPPED;
                for (int k = 0; k < e->n_defines; k++)
                    push_str(&dep, &n_dep, e->defines[k]);
            }
        }
        p->fate[i] = st;
    }
    free_strs(dep, n_dep);
    for (int i = 0; i < n; i++) {
        Item *it = &p->items.items[i];
        if (it->kind != ITEM_VAR)
            continue;
        Var *v = find_var(it->name);
        char *id = var_identity(it);
        p->new_storage[i] = !v || strcmp(v->identity, id) != 0 || type_changed(p, v->type_key);
        if (!p->new_storage[i]) {
            /* the stored key has the size of an array sized by its initializer */
            free(it->type_key);
            it->type_key = xstrdup(v->type_key);
        }
        free(id);
    }
    macro_track_init(&p->macros, &p->items);
    plan_aliases(p);
}

static void emit_line(StrBuf *b, int line)
{
    sb_printf(b, "\n#line %d \"cell\"\n", line > 0 ? line : 1);
}

static void emit_var_decl(StrBuf *b, const Item *it, bool new_storage)
{
    emit_line(b, it->line);
    char *d;
    if (!new_storage) {
        d = subst(it->type_key, it->name);
        sb_printf(b, "extern %s " PERSISTENT ";\n", d);
    } else {
        d = subst(it->storage_key, it->name);
        if (is_incomplete_array(it->storage_key) && it->init) {
            /* Sized by its initializer, which may not be constant: count its
             * elements with sizeof of a compound literal (not evaluated). The
             * key without "@[]" is the element type. Later cells need the size. */
            const char *at = strchr(it->storage_key, '@');
            char *elem = xmalloc(strlen(it->storage_key) + 1);
            sprintf(elem, "%.*s%s", (int)(at - it->storage_key), it->storage_key, at + 3);
            const char *init = it->init;
            while (*init == ' ' || *init == '\t' || *init == '\n') init++;
            StrBuf dim;
            sb_init(&dim);
            char *array_type = subst(it->storage_key, "");  /* "int (*[])(void)" */
            sb_printf(&dim, "%s[sizeof((%s)%s%s%s) / sizeof(%s)]", it->name, array_type, *init == '{' ? "" : "{",
                      init, *init == '{' ? "" : "}", elem);
            free(array_type);
            char *sized = subst(it->storage_key, dim.s);
            /* subst replaced "@": drop the "[]" that followed it */
            char *brackets = strstr(sized, dim.s) + dim.len;
            memmove(brackets, brackets + 2, strlen(brackets + 2) + 1);
            sb_printf(b, "%s;\n", sized);
            free(sized);
            free(elem);
            sb_free(&dim);
            sb_printf(b, "const unsigned long __cdl_n_%s = sizeof %s / sizeof %s[0];\n", it->name, it->name, it->name);
        } else
            sb_printf(b, "%s;\n", d);
    }
    free(d);
}

static void emit_var_init(StrBuf *b, const Item *it)
{
    if (it->init) {
        emit_line(b, it->init_line ? it->init_line : it->line);
        char *local = subst(it->type_key, "__cdl_init");
        /* one line: a diagnostic about the initializer's end (`int x = ;`)
         * must not land on a generated line after it */
        sb_printf(b, "{ %s = %s; __cdl_memcpy((void *)&%s, (const void *)&__cdl_init, sizeof __cdl_init); }\n",
                  local, it->init, it->name);
        free(local);
    } else {
        emit_line(b, it->line);
        sb_printf(b, "__cdl_zero((void *)&%s, sizeof %s);\n", it->name, it->name);
    }
}

/* A cell function's definition under its implementation name. */
static void emit_function(StrBuf *b, const Item *it)
{
    emit_line(b, it->line);
    sb_putn(b, it->text, (size_t)it->name_off);
    sb_puts(b, IMPL_PREFIX);
    sb_printf(b, "%s\n", it->text + it->name_off);
}

/* The text of the last directive about macro `name` kept from earlier
 * cells (the state a cell that redefines it starts from), or NULL. */
static const char *macro_before_cell(const char *name, void *ctx)
{
    (void)ctx;
    char key[300];
    snprintf(key, sizeof key, "macro:%s", name);
    const char *text = NULL;
    for (int i = 0; i < S.n_entries; i++)
        if (S.entries[i].key && !strcmp(S.entries[i].key, key))
            text = S.entries[i].text;
    return text;
}

/* The translation unit of a cell. Its items are written in groups (the
 * prelude, the cell's directives and types, declarations, functions, the
 * run function with the statements); before each item the macros the cell
 * changes are switched to their state at the item's place in the cell. */
static char *build_source(Plan *p, ExprMode expr_mode)
{
    StrBuf b;
    sb_init(&b);
    MacroTrack *mt = &p->macros;
    sb_puts(&b, "#include <coursdl_cell.h>\n#line 1 \"prelude\"\n");
    for (int i = 0; i < S.n_entries; i++)
        if (p->fate[i] == ENTRY_KEPT)
            sb_printf(&b, "%s\n", S.entries[i].text);
    macro_track_start(mt, &b, macro_before_cell, NULL);
    const ItemList *L = &p->items;
    for (int i = 0; i < L->n; i++) {
        const Item *it = &L->items[i];
        if (it->kind == ITEM_PREPROC || it->kind == ITEM_TYPE) {
            macro_track_goto(mt, &b, i);
            emit_line(&b, it->line);
            macro_track_emit(mt, &b, i);
        }
    }
    sb_puts(&b, "\n#line 1 \"prelude\"\n");
    for (int i = 0; i < S.n_entries; i++)
        if (p->fate[i] == ENTRY_DEFERRED)
            sb_printf(&b, "%s\n", S.entries[i].text);
    /* old variables used before their re-declaration, with the old
     * definitions of their types, under the macros before the cell */
    if (p->n_aliases) {
        macro_track_goto(mt, &b, 0);
        sb_puts(&b, "\n#line 1 \"prelude\"\n");
        if (p->old_types)
            sb_puts(&b, p->old_types);
        for (int i = 0; i < p->n_aliases; i++)
            sb_printf(&b, "%s\n", p->aliases[i].decl);
    }
    /* the cell's prototypes before its variables: an initializer may name
     * a function of the cell (`int (*ops[])(int) = { twice };`) */
    for (int i = 0; i < L->n; i++) {
        const Item *it = &L->items[i];
        if (it->kind == ITEM_FUNC) {
            macro_track_goto(mt, &b, i);
            emit_line(&b, it->line);
            sb_printf(&b, "%s\n", it->proto);
        }
    }
    /* arrays sized by their initializer last: the size's expression may
     * name any variable of the cell */
    for (int i = 0; i < L->n; i++) {
        const Item *it = &L->items[i];
        if (it->kind == ITEM_DECL) {
            macro_track_goto(mt, &b, i);
            emit_line(&b, it->line);
            sb_printf(&b, "%s\n", it->text);
        } else if (it->kind == ITEM_VAR && !(p->new_storage[i] && it->init && is_incomplete_array(it->storage_key))) {
            macro_track_goto(mt, &b, i);
            emit_var_decl(&b, it, p->new_storage[i]);
        }
    }
    for (int i = 0; i < L->n; i++) {
        const Item *it = &L->items[i];
        if (it->kind == ITEM_VAR && p->new_storage[i] && it->init && is_incomplete_array(it->storage_key)) {
            macro_track_goto(mt, &b, i);
            emit_var_decl(&b, it, true);
        }
    }
    for (int i = 0; i < L->n; i++)
        if (L->items[i].kind == ITEM_FUNC) {
            macro_track_goto(mt, &b, i);
            emit_function(&b, &L->items[i]);
        }
    sb_puts(&b, "\nvoid __cdl_run(void) {\n");
    for (int i = 0; i < L->n; i++) {
        const Item *it = &L->items[i];
        if (it->kind == ITEM_STMT || it->kind == ITEM_VAR || it->kind == ITEM_EXPR)
            macro_track_goto(mt, &b, i);
        if (it->kind == ITEM_STMT) {
            emit_line(&b, it->line);
            sb_printf(&b, "%s\n", it->text);
        } else if (it->kind == ITEM_VAR) {
            emit_var_init(&b, it);
        } else if (it->kind == ITEM_EXPR) {
            emit_line(&b, it->line);
            if (expr_mode == EXPR_SHOWN)
                sb_printf(&b, "display_out((%s));\n", it->text);
            else
                sb_printf(&b, "%s;\n", it->text);
        }
    }
    macro_track_goto(mt, &b, L->n);
    if (p->has_main && !p->has_stmt && !p->has_expr) {
        const char *params = p->main_params ? p->main_params : "";
        if (!*params || !strcmp(params, "void"))
            sb_puts(&b, "__cdl_main_returned(main());\n");
        else
            sb_puts(&b, "{ static char *__cdl_argv[] = { \"cell\", 0 };\n"
                        "__cdl_main_returned(main(1, __cdl_argv)); }\n");
    }
    sb_puts(&b, "}\n");
    return sb_take(&b);
}

/* ---- committing a compiled cell ------------------------------------------ */

static Entry make_entry(const char *key, const char *text, const char *var_name)
{
    Entry e = { 0 };
    e.key = key ? xstrdup(key) : NULL;
    e.text = xstrdup(text);
    e.var_name = var_name ? xstrdup(var_name) : NULL;
    scan_idents(text, &e.mentions, &e.n_mentions);
    return e;
}

static void add_entry(Entry **arr, int *n, Entry e)
{
    *arr = xrealloc(*arr, sizeof **arr * (size_t)(*n + 1));
    (*arr)[(*n)++] = e;
}

static bool var_entry_in(const Entry *arr, int n, const char *var_name)
{
    for (int i = 0; i < n; i++)
        if (arr[i].var_name && !strcmp(arr[i].var_name, var_name))
            return true;
    return false;
}

/* The size an unsized array got from its initializer, into its key
 * ("int @[]" -> "int @[3]"): later cells need the complete type. */
static void record_array_size(Item *it, JitUnit *u)
{
    char probe[300];
    snprintf(probe, sizeof probe, "__cdl_n_%s", it->name);
    const unsigned long *n = jit_symbol(u, probe);
    const char *at = strchr(it->type_key, '@');
    if (!n || !at)
        return;
    StrBuf b;
    sb_init(&b);
    sb_putn(&b, it->type_key, (size_t)(at - it->type_key) + 1);
    sb_printf(&b, "[%lu]%s", *n, at + 3);
    free(it->type_key);
    it->type_key = sb_take(&b);
}

/* Variables given new storage live in this cell's block from now on. */
static void commit_variables(Plan *p, JitUnit *u)
{
    ItemList *L = &p->items;
    for (int i = 0; i < L->n; i++) {
        Item *it = &L->items[i];
        if (it->kind != ITEM_VAR || !p->new_storage[i])
            continue;
        void *addr = jit_symbol(u, it->name);
        if (!addr)
            continue;
        if (is_incomplete_array(it->type_key))
            record_array_size(it, u);
        drop_var(it->name);
        S.vars = xrealloc(S.vars, sizeof *S.vars * (size_t)(S.n_vars + 1));
        Var v = { xstrdup(it->name), var_identity(it), xstrdup(it->type_key), addr };
        S.vars[S.n_vars++] = v;
    }
}

/* Every function's entry point now jumps to the code just compiled. */
static void commit_functions(Plan *p, JitUnit *u)
{
    ItemList *L = &p->items;
    for (int i = 0; i < L->n; i++) {
        Item *it = &L->items[i];
        if (it->kind != ITEM_FUNC)
            continue;
        char impl_name[300];
        snprintf(impl_name, sizeof impl_name, IMPL_PREFIX "%s", it->name);
        void *impl = jit_symbol(u, impl_name);
        if (!impl)
            continue;
        Func *f = find_func(it->name);
        if (!f) {
            S.funcs = xrealloc(S.funcs, sizeof *S.funcs * (size_t)(S.n_funcs + 1));
            f = &S.funcs[S.n_funcs++];
            *f = (Func){ .name = xstrdup(it->name), .stub = p->stub[i] };
        }
        f->impl = impl;
        free(f->proto);
        f->proto = xstrdup(it->proto);
        stub_point(f->stub, impl);
    }
}

/* The cell's includes, macros and types as prelude entries (and the
 * typedef names later cells must know). */
static void add_cell_types(const ItemList *L, Entry **ne, int *nn)
{
    for (int i = 0; i < L->n; i++) {
        const Item *it = &L->items[i];
        if (!((it->kind == ITEM_PREPROC && is_persistent_preproc(it)) || it->kind == ITEM_TYPE))
            continue;
        char *key = item_key(it);
        Entry e = make_entry(key, it->text, NULL);
        item_defines(it, &e.defines, &e.n_defines);
        add_entry(ne, nn, e);
        free(key);
        if (it->kind == ITEM_TYPE && it->name && strncmp(it->name, "struct ", 7)
            && strncmp(it->name, "union ", 6) && strncmp(it->name, "enum", 4)
            && !has_str(S.type_names, S.n_type_names, it->name))
            push_str(&S.type_names, &S.n_type_names, it->name);
    }
}

/* The cell's prototypes and persistent variables' declarations as entries. */
static void add_cell_declarations(const ItemList *L, Entry **ne, int *nn)
{
    for (int i = 0; i < L->n; i++) {
        const Item *it = &L->items[i];
        char *text = NULL;
        const char *var = NULL;
        if (it->kind == ITEM_DECL) {
            text = xstrdup(it->text);
        } else if (it->kind == ITEM_VAR) {
            char *d = subst(it->type_key, it->name);
            StrBuf b;
            sb_init(&b);
            sb_printf(&b, "extern %s " PERSISTENT ";", d);
            text = sb_take(&b);
            var = it->name;
            free(d);
        } else if (it->kind == ITEM_FUNC) {
            text = xstrdup(it->proto);
        } else {
            continue;
        }
        char *key = item_key(it);
        Entry e = make_entry(key, text, var);
        item_defines(it, &e.defines, &e.n_defines);
        add_entry(ne, nn, e);
        free(key);
        free(text);
    }
}

/* The new prelude, in the order the cell was compiled in: kept entries,
 * the cell's types, deferred entries, the cell's declarations. */
static void commit_prelude(Plan *p)
{
    Entry *ne = NULL;
    int nn = 0;
    for (int i = 0; i < S.n_entries; i++)
        if (p->fate[i] == ENTRY_KEPT)
            add_entry(&ne, &nn, S.entries[i]);
    add_cell_types(&p->items, &ne, &nn);
    for (int i = 0; i < S.n_entries; i++)
        if (p->fate[i] == ENTRY_DEFERRED)
            add_entry(&ne, &nn, S.entries[i]);
    add_cell_declarations(&p->items, &ne, &nn);
    for (int i = 0; i < S.n_entries; i++) {
        if (p->fate[i] == ENTRY_DROPPED) {
            if (S.entries[i].var_name && !var_entry_in(ne, nn, S.entries[i].var_name))
                drop_var(S.entries[i].var_name);
            entry_free(&S.entries[i]);
        }
    }
    free(S.entries);
    S.entries = ne;
    S.n_entries = nn;
}

/* A compiled cell becomes part of the session (before it runs: its
 * statements may fail, its definitions stay). */
static void commit(Plan *p, JitUnit *u)
{
    commit_variables(p, u);
    commit_functions(p, u);
    commit_prelude(p);
}

/* ---- errors ---------------------------------------------------------------- */

static void tb_add(CellResult *r, const char *line)
{
    r->traceback = xrealloc(r->traceback, sizeof *r->traceback * (size_t)(r->n_traceback + 1));
    r->traceback[r->n_traceback++] = xstrdup(line);
}

static void set_cell_error(CellResult *r, const char *ename, const char *evalue)
{
    r->ok = false;
    free(r->ename);
    free(r->evalue);
    r->ename = xstrdup(ename);
    r->evalue = xstrdup(evalue);
}

/* Line `n` (1-based) of the cell's code. */
static char *source_line(const char *code, int n)
{
    const char *p = code;
    for (int i = 1; i < n && p; i++) {
        p = strchr(p, '\n');
        if (p) p++;
    }
    if (!p)
        return NULL;
    const char *e = strchr(p, '\n');
    return strndup(p, e ? (size_t)(e - p) : strlen(p));
}

/* Tracebacks are coloured as IPython colours them: the error's name in
 * red, the cell line's number in green, the caret in bold red. */
#define ANSI_RED "\x1b[0;31m"
#define ANSI_GREEN "\x1b[0;32m"
#define ANSI_BOLD_RED "\x1b[1;31m"
#define ANSI_RESET "\x1b[0m"

static void tb_head(CellResult *r, const char *ename, const char *msg)
{
    StrBuf b;
    sb_init(&b);
    sb_printf(&b, ANSI_RED "%s" ANSI_RESET ": %s", ename, msg);
    tb_add(r, b.s);
    sb_free(&b);
}

/* Headers that declare what a cell may use without including them first:
 * a compile error on a line naming one of these says where it lives. */
static const struct { const char *name, *header; } HEADER_HINTS[] = {
    { "pthread_t", "pthread.h" }, { "pthread_create", "pthread.h" }, { "pthread_mutex_t", "pthread.h" },
    { "stat", "sys/stat.h" }, { "DIR", "dirent.h" }, { "dirent", "dirent.h" }, { "opendir", "dirent.h" },
    { "jmp_buf", "setjmp.h" }, { "setjmp", "setjmp.h" }, { "longjmp", "setjmp.h" },
    { "sigset_t", "signal.h" }, { "sigaction", "signal.h" }, { "signal", "signal.h" }, { "SIGINT", "signal.h" },
    { "raise", "signal.h" }, { "tm", "time.h" }, { "localtime", "time.h" }, { "gmtime", "time.h" },
    { "strftime", "time.h" }, { "mktime", "time.h" }, { "setlocale", "locale.h" }, { "LC_ALL", "locale.h" },
    { "wint_t", "wchar.h" }, { "wprintf", "wchar.h" }, { "regex_t", "regex.h" }, { "pid_t", "sys/types.h" },
    { "mode_t", "sys/types.h" }, { "fork", "unistd.h" }, { "pipe", "unistd.h" }, { "dup2", "unistd.h" },
    { "div_t", "stdlib.h" }, { "ldiv_t", "stdlib.h" }, { "div", "stdlib.h" }, { "PRId64", "inttypes.h" },
    { "PRIu64", "inttypes.h" }, { "PRIx64", "inttypes.h" }, { "fenv_t", "fenv.h" }, { "feclearexcept", "fenv.h" },
    { "iswalpha", "wctype.h" }, { "mmap", "sys/mman.h" }, { "O_RDONLY", "fcntl.h" }, { "open", "fcntl.h" },
    { "socket", "sys/socket.h" }, { "uname", "sys/utsname.h" }, { "FLT_MAX", "float.h" },
    { "static_assert", "assert.h" }, { "assert", "assert.h" }, { "PATH_MAX", "limits.h" },
};

/* Has an earlier cell included <header>? */
static bool has_include(const char *header)
{
    char want[128];
    snprintf(want, sizeof want, "<%s>", header);
    for (int i = 0; i < S.n_entries; i++)
        if (S.entries[i].key && !strncmp(S.entries[i].key, "include:", 8) && strstr(S.entries[i].key, want))
            return true;
    return false;
}

/* " (struct stat is declared in <sys/stat.h>: add #include <sys/stat.h>)"
 * when the line names something of HEADER_HINTS the prelude lacks. */
static void header_hint(const char *src, StrBuf *out)
{
    CToken *t = NULL;
    int n = 0;
    cell_tokenize(src, 0, &t, &n);
    for (int i = 0; i < n; i++) {
        if (t[i].kind != TOK_IDENT)
            continue;
        for (size_t k = 0; k < sizeof HEADER_HINTS / sizeof *HEADER_HINTS; k++) {
            const char *h = HEADER_HINTS[k].name;
            if ((size_t)(t[i].end - t[i].start) != strlen(h) || strncmp(src + t[i].start, h, strlen(h)))
                continue;
            if (has_include(HEADER_HINTS[k].header))
                continue;
            sb_printf(out, " (%s is declared in <%s>: add #include <%s>)", h, HEADER_HINTS[k].header,
                      HEADER_HINTS[k].header);
            free(t);
            return;
        }
    }
    free(t);
}

/* Is text `#define name(...)`? */
static bool defines_function_macro(const char *text, const char *name)
{
    const char *t = text;
    while (*t == ' ' || *t == '\t' || *t == '#') t++;
    if (strncmp(t, "define", 6))
        return false;
    t += 6;
    while (*t == ' ' || *t == '\t') t++;
    return !strncmp(t, name, strlen(name)) && t[strlen(name)] == '(';
}

/* Whether name is a function-like macro: one of the failing cell (cell may
 * be NULL), of an earlier cell, or of the engine. */
static bool is_function_macro(const char *name, const ItemList *cell)
{
    for (int i = cell ? cell->n - 1 : -1; i >= 0; i--)
        if (cell->items[i].kind == ITEM_PREPROC && cell->items[i].name && !strcmp(cell->items[i].name, name))
            return defines_function_macro(cell->items[i].text, name);
    char key[300];
    snprintf(key, sizeof key, "macro:%s", name);
    const Entry *e = NULL;
    for (int i = 0; i < S.n_entries; i++)
        if (S.entries[i].key && !strcmp(S.entries[i].key, key))
            e = &S.entries[i];
    return e ? defines_function_macro(e->text, name) : help_is_function_macro(name);
}

/* When the failing line is inside a call of a function-like macro whose
 * arguments hold a comma between braces outside any parentheses (a compound
 * literal, `tensor_from_f64((double[]){1, 2}, 2)`): the preprocessor split
 * the literal into several arguments, and TinyCC's message (`',' expected`)
 * does not say so. The hint shows the two fixes. */
static void macro_literal_hint(const char *code, int line, const ItemList *cell, StrBuf *out)
{
    CToken *t = NULL;
    int n = 0;
    cell_tokenize(code, 0, &t, &n);
#define PUNCT_IS(k, c) (t[k].kind == TOK_PUNCT && t[k].end - t[k].start == 1 && code[t[k].start] == (c))
    for (int i = 0; i + 1 < n; i++) {
        if (t[i].kind != TOK_IDENT || !PUNCT_IS(i + 1, '('))
            continue;
        /* the call's extent, and a comma at its own parenthesis level inside braces */
        int paren = 0, brace = 0, end = -1, lit_start = -1, comma = -1;
        for (int k = i + 1; k < n && end < 0; k++) {
            if (PUNCT_IS(k, '(')) {
                if (paren == 1 && brace == 0 && comma < 0)
                    lit_start = k;  /* an argument starting with '(': maybe `(type[]){...}` */
                paren++;
            } else if (PUNCT_IS(k, ')')) {
                if (--paren == 0) end = k;
            } else if (PUNCT_IS(k, '{')) {
                brace++;
            } else if (PUNCT_IS(k, '}')) {
                brace--;
            } else if (PUNCT_IS(k, ',') && paren == 1 && brace > 0 && comma < 0) {
                comma = k;
            }
        }
        if (end < 0 || comma < 0 || line < t[i].line || line > t[end].end_line)
            continue;
        char *name = strndup(code + t[i].start, (size_t)(t[i].end - t[i].start));
        if (is_function_macro(name, cell)) {
            /* the literal: from its '(' to the '}' that closes its braces */
            int a = lit_start >= 0 && lit_start < comma ? lit_start : comma, b = comma, depth = 0;
            for (int k = a; k <= end; k++) {
                if (PUNCT_IS(k, '{')) depth++;
                if (PUNCT_IS(k, '}') && --depth == 0) { b = k; break; }
            }
            sb_printf(out, " (the commas inside the braces of `%.*s` split the arguments of the macro %s: "
                      "wrap it in parentheses, `(%.*s)`, or declare the array first)",
                      t[b].end - t[a].start, code + t[a].start, name, t[b].end - t[a].start, code + t[a].start);
            free(name);
            break;
        }
        free(name);
    }
#undef PUNCT_IS
    free(t);
}

/* The cell line, with its number in the gutter, and a caret under the
 * token the message quotes ('y' undeclared) or, when it quotes none,
 * under the line's last token (where TinyCC stopped: `int bad = ;`). */
static void tb_source(CellResult *r, const char *code, int line_no, const char *msg)
{
    char *src = source_line(code, line_no);
    if (!src)
        return;
    StrBuf b;
    sb_init(&b);
    sb_printf(&b, ANSI_GREEN "%5d" ANSI_RESET " | %s", line_no, src);
    tb_add(r, b.s);
    b.len = 0;
    const char *at = NULL;
    size_t len = 0;
    const char *q = strchr(msg, '\'');
    const char *q2 = q ? strchr(q + 1, '\'') : NULL;
    if (q && q2 && q2 > q + 1) {
        char *word = strndup(q + 1, (size_t)(q2 - q - 1));
        at = strstr(src, word);
        len = strlen(word);
        free(word);
    }
    if (!at) {
        size_t e = strlen(src);
        while (e > 0 && isspace((unsigned char)src[e - 1])) e--;
        if (e > 0) {
            at = src + e - 1;
            len = 1;
        }
    }
    if (at) {
        sb_puts(&b, "      | ");
        for (const char *p = src; p < at; p++)
            sb_putc(&b, *p == '\t' ? '\t' : ' ');  /* tabs keep the column */
        sb_puts(&b, ANSI_BOLD_RED);
        for (size_t i = 0; i < len; i++)
            sb_putc(&b, '^');
        sb_puts(&b, ANSI_RESET);
        tb_add(r, b.s);
    }
    sb_free(&b);
    free(src);
}

/* A compiler message without the names the kernel gave the student's
 * identifiers (an old variable used before its re-declaration). */
static char *unprefixed(const char *msg)
{
    StrBuf b;
    sb_init(&b);
    for (const char *p = msg; *p;) {
        if (!strncmp(p, PREV_PREFIX, strlen(PREV_PREFIX)))
            p += strlen(PREV_PREFIX);
        else
            sb_putc(&b, *p++);
    }
    return sb_take(&b);
}

static void compile_error(CellResult *r, const JitDiags *d, const char *code, const ItemList *cell)
{
    StrBuf first;
    sb_init(&first);
    for (int i = 0; i < d->n; i++) {
        JitDiag g_clean = d->d[i];
        if (!g_clean.is_error)
            continue;
        g_clean.msg = unprefixed(d->d[i].msg);
        const JitDiag *g = &g_clean;
        StrBuf head;
        sb_init(&head);
        if (!strcmp(g->file, "cell"))
            sb_printf(&head, "line %d: %s", g->line, g->msg);
        else if (!strcmp(g->file, "prelude"))
            sb_printf(&head, "in declarations kept from earlier cells: %s "
                      "(re-run or fix the cell that defined it, or %%reset)", g->msg);
        else if (g->file[0])
            sb_printf(&head, "%s:%d: %s", g->file, g->line, g->msg);
        else if (strstr(g->msg, "undefined symbol"))
            /* the link step: declared, used, but defined nowhere */
            sb_printf(&head, "%s: it is declared but defined nowhere (a prototype without a "
                      "body, a misspelled library function, or a function from a cell that failed?)",
                      strncmp(g->msg, "tcc: error: ", 12) ? g->msg : g->msg + 12);
        else
            sb_puts(&head, g->msg);
        if (!strcmp(g->file, "cell")) {
            char *src = source_line(code, g->line);
            if (src)
                header_hint(src, &head);
            free(src);
            macro_literal_hint(code, g->line, cell, &head);
        }
        if (!first.len)
            sb_puts(&first, head.s);
        tb_head(r, "CompileError", head.s);
        if (!strcmp(g->file, "cell"))
            tb_source(r, code, g->line, g->msg);
        sb_free(&head);
        free(g_clean.msg);
    }
    if (!first.len)
        sb_puts(&first, "the compiler failed without a message");
    set_cell_error(r, "CompileError", first.s);
    sb_free(&first);
}

static char *collect_warnings(const JitDiags *d)
{
    StrBuf b;
    sb_init(&b);
    for (int i = 0; i < d->n; i++)
        if (!d->d[i].is_error && !strcmp(d->d[i].file, "cell"))
            sb_printf(&b, "cell line %d: warning: %s\n", d->d[i].line, d->d[i].msg);
    return b.len ? sb_take(&b) : (sb_free(&b), NULL);
}

static void runtime_error(CellResult *r, const GuardOutcome *o)
{
    char where[256] = "";
    if (o->from_signal || !strcmp(o->ename, "KeyboardInterrupt")) {
        if (o->pc_in_cell)
            describe_pc(o->pc, where, sizeof where);
        else if (o->n_frames && describe_pc(o->frames[0], where, sizeof where))
            strncat(where, ", inside a library call", sizeof where - strlen(where) - 1);
    }
    StrBuf b;
    sb_init(&b);
    sb_puts(&b, o->evalue);
    if (where[0]) {
        sb_puts(&b, " (");
        sb_puts(&b, where);
        sb_puts(&b, ")");
    }
    set_cell_error(r, o->ename, b.s);
    tb_head(r, o->ename, b.s);
    sb_free(&b);
}

void cell_result_free(CellResult *r)
{
    free(r->ename);
    free(r->evalue);
    free_strs(r->traceback, r->n_traceback);
    free(r->warnings);
    free(r->page_plain);
    free(r->page_markdown);
    memset(r, 0, sizeof *r);
}

/* ---- running ----------------------------------------------------------------- */

/* `!cmd` lines become calls that run the shell command in source order. */
static char *rewrite_shell_lines(const char *code)
{
    StrBuf b;
    sb_init(&b);
    const char *p = code;
    while (*p) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        const char *s = p;
        while (s < p + len && (*s == ' ' || *s == '\t')) s++;
        if (s < p + len && *s == '!' && s[1] != '=') {
            sb_puts(&b, "__cdl_shell(\"");
            for (const char *c = s + 1; c < p + len; c++) {
                if (*c == '"' || *c == '\\') sb_putc(&b, '\\');
                sb_putc(&b, *c);
            }
            sb_puts(&b, "\");");
        } else {
            sb_putn(&b, p, len);
        }
        if (!e)
            break;
        sb_putc(&b, '\n');
        p = e + 1;
    }
    return sb_take(&b);
}

static JitExtern *build_externs(const Plan *p, int *n_out)
{
    const JitExtern *rt;
    int n_rt = runtime_externs(&rt);
    JitExtern *ext = xmalloc(sizeof *ext * (size_t)(S.n_vars + S.n_funcs + p->items.n + p->n_aliases + n_rt + 1));
    int n = 0;
    for (int i = 0; i < n_rt; i++)
        ext[n++] = rt[i];
    for (int i = 0; i < p->n_aliases; i++)
        ext[n++] = (JitExtern){ p->aliases[i].alias, p->aliases[i].addr, 1 };
    for (int i = 0; i < S.n_vars; i++) {
        bool defined_new = false;
        for (int k = 0; k < p->items.n; k++) {
            const Item *it = &p->items.items[k];
            if (it->name && !strcmp(it->name, S.vars[i].name)
                && (it->kind != ITEM_VAR || p->new_storage[k]))
                defined_new = true;
        }
        if (!defined_new)
            ext[n++] = (JitExtern){ S.vars[i].name, S.vars[i].addr, 1 };
    }
    /* Functions: every entry point, those of this cell's new names too
     * (their code is compiled under IMPL_PREFIX). */
    for (int i = 0; i < S.n_funcs; i++) {
        bool var_now = false;  /* the cell makes the name a variable */
        for (int k = 0; k < p->items.n; k++) {
            const Item *it = &p->items.items[k];
            if (it->name && it->kind == ITEM_VAR && !strcmp(it->name, S.funcs[i].name))
                var_now = true;
        }
        if (!var_now)
            ext[n++] = (JitExtern){ S.funcs[i].name, S.funcs[i].stub, 1 };
    }
    for (int k = 0; k < p->items.n; k++) {
        const Item *it = &p->items.items[k];
        if (it->kind == ITEM_FUNC && !find_func(it->name) && p->stub && p->stub[k]) {
            bool dup = false;
            for (int j = 0; j < k; j++)
                dup |= p->items.items[j].kind == ITEM_FUNC && !strcmp(p->items.items[j].name, it->name);
            if (!dup)
                ext[n++] = (JitExtern){ it->name, p->stub[k], 1 };
        }
    }
    *n_out = n;
    return ext;
}

static void run_unit(JitUnit *u, int number, CellResult *r)
{
    register_cell_code(u, number);
    void (*run)(void) = (void (*)(void))jit_symbol(u, "__cdl_run");
    if (!run) {
        set_cell_error(r, "InternalError", "the compiled cell has no entry point");
        return;
    }
    GuardOutcome o;
    /* Every cell starts with the engine's scopes closed, even if the last
     * one left a no_grad block by return or goto. */
    error_reset_state();
    if (guard_run(run, &o)) {
        r->ok = true;
    } else {
        runtime_after_unwind(o.from_signal && !o.pc_in_cell);
        runtime_error(r, &o);
    }
    if (g_after_cell && !guard_run(g_after_cell, &o) && r->ok) {
        runtime_after_unwind(o.from_signal && !o.pc_in_cell);
        runtime_error(r, &o);
    }
}

/* Compiles a plan (retrying a trailing expression of type void as a plain
 * statement). Returns 0 with the unit, or -1 with the diagnostics. */
static int compile_plan(Plan *p, JitUnit *u, JitDiags *d)
{
    int n_ext;
    JitExtern *ext = build_externs(p, &n_ext);
    char *source = build_source(p, EXPR_SHOWN);
    int rc = jit_compile(source, ext, n_ext, u, d);
    free(source);
    if (rc < 0 && p->has_expr) {
        /* Either it compiles now, or the plain statement's message speaks
         * of the user's code only: keep the second diagnostics either way. */
        jit_diags_free(d);
        source = build_source(p, EXPR_AS_STATEMENT);
        rc = jit_compile(source, ext, n_ext, u, d);
        free(source);
    }
    free(ext);
    return rc;
}

/* Macro names of the prelude (NULL-terminated; the strings are the
 * entries'): a known macro followed by a block is a statement. */
static char **known_macros(void)
{
    char **m = xmalloc(sizeof *m * ((size_t)S.n_entries + 1));
    int n = 0;
    for (int i = 0; i < S.n_entries; i++)
        if (S.entries[i].key && !strncmp(S.entries[i].key, "macro:", 6))
            m[n++] = S.entries[i].key + 6;
    m[n] = NULL;
    return m;
}

void session_run_cell(const char *code, int number, CellResult *r)
{
    memset(r, 0, sizeof *r);
    char *src = rewrite_shell_lines(code);
    Plan p;
    memset(&p, 0, sizeof p);
    char err[512];
    int err_line = 0;
    char **macros = known_macros();
    CellNames known = { (const char *const *)S.type_names, (const char *const *)macros };
    int split = cellsplit(src, &known, &p.items, err, sizeof err, &err_line);
    free(macros);
    if (split < 0) {
        set_cell_error(r, "CompileError", err);
        tb_head(r, "CompileError", err);
        if (err_line > 0)
            tb_source(r, src, err_line, err);
        free(src);
        return;
    }
    if (p.items.n == 0) {
        r->ok = true;
        plan_free(&p);
        free(src);
        return;
    }
    make_plan(&p);
    JitUnit u;
    JitDiags d = { 0 };
    if (compile_plan(&p, &u, &d) < 0) {
        release_entry_points(&p);
        compile_error(r, &d, src, &p.items);
    } else {
        r->warnings = collect_warnings(&d);
        commit(&p, &u);
        run_unit(&u, number, r);
    }
    jit_diags_free(&d);
    plan_free(&p);
    free(src);
}

void session_eval_expression(const char *expr, CellResult *r)
{
    memset(r, 0, sizeof *r);
    StrBuf b;
    sb_init(&b);
    sb_puts(&b, "#include <coursdl_cell.h>\n#line 1 \"prelude\"\n");
    for (int i = 0; i < S.n_entries; i++)
        sb_printf(&b, "%s\n", S.entries[i].text);
    sb_printf(&b, "void __cdl_run(void) {\n#line 1 \"cell\"\ndisplay_out((%s));\n}\n", expr);
    Plan p;
    memset(&p, 0, sizeof p);
    int n_ext;
    JitExtern *ext = build_externs(&p, &n_ext);
    JitUnit u;
    JitDiags d = { 0 };
    if (jit_compile(b.s, ext, n_ext, &u, &d) < 0)
        compile_error(r, &d, expr, NULL);
    else
        run_unit(&u, 0, r);
    free(ext);
    jit_diags_free(&d);
    sb_free(&b);
}

/* ---- introspection ---------------------------------------------------------- */

char *session_describe_vars(void)
{
    StrBuf b;
    sb_init(&b);
    for (int i = 0; i < S.n_vars; i++) {
        char *d = subst(S.vars[i].type_key, S.vars[i].name);
        sb_printf(&b, "%s\n", d);
        free(d);
    }
    return sb_take(&b);
}

char *session_prelude_text(void)
{
    StrBuf b;
    sb_init(&b);
    for (int i = 0; i < S.n_entries; i++)
        sb_printf(&b, "%s\n", S.entries[i].text);
    return sb_take(&b);
}

static char *g_found_decl;  /* session_find_symbol's last declaration */

static bool symbols_of(void (*fn)(const Symbol *sym, void *ctx), void *ctx, const char *only, Symbol *found)
{
    for (int i = 0; i < S.n_vars; i++) {
        const Var *v = &S.vars[i];
        if (only && strcmp(v->name, only))
            continue;
        char *d = subst(v->type_key, v->name);
        Symbol sym = { v->name, SYM_VARIABLE, d, v->type_key, v->addr };
        if (found) {
            free(g_found_decl);
            g_found_decl = d;
            *found = sym;
            return true;
        }
        fn(&sym, ctx);
        free(d);
    }
    for (int i = 0; i < S.n_funcs; i++) {
        const Func *f = &S.funcs[i];
        if (only && strcmp(f->name, only))
            continue;
        Symbol sym = { f->name, SYM_FUNCTION, f->proto ? f->proto : f->name, NULL, NULL };
        if (found) { *found = sym; return true; }
        fn(&sym, ctx);
    }
    for (int i = 0; i < S.n_entries; i++) {
        const Entry *e = &S.entries[i];
        if (e->var_name || !e->key || !strncmp(e->key, "sym:", 4))
            continue;  /* variables and functions came above */
        SymbolKind kind = !strncmp(e->key, "macro:", 6) ? SYM_MACRO
                        : !strncmp(e->key, "type:enum{", 10) ? SYM_CONSTANT : SYM_TYPE;
        for (int k = 0; k < e->n_defines; k++) {
            if (only && strcmp(e->defines[k], only))
                continue;
            Symbol sym = { e->defines[k], kind, e->text, NULL, NULL };
            if (found) { *found = sym; return true; }
            fn(&sym, ctx);
        }
    }
    return false;
}

void session_each_symbol(void (*fn)(const Symbol *sym, void *ctx), void *ctx)
{
    symbols_of(fn, ctx, NULL, NULL);
}

bool session_find_symbol(const char *name, Symbol *out)
{
    return symbols_of(NULL, NULL, name, out);
}
