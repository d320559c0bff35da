/* Help, completion and inspection (help.h).
 *
 * The engine's headers are the single source: they are read once with the
 * kernel's tokenizer (cellsplit.h), comments kept; a doc comment belongs to
 * the declarations that follow it without a blank line; a struct's members
 * keep their trailing comments (an options struct's defaults). The
 * student's own names come from the session. */
#include "help.h"

#include <ctype.h>
#include <dirent.h>
#include <dlfcn.h>
#include <gc.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cellsplit.h"
#include "coursdl.h"
#include "session.h"
#include "strbuf.h"

typedef struct Member {
    char *name, *type, *doc;
} Member;

typedef struct Doc {
    char *name;
    char *decl;        /* the declaration on one line, or the #define line */
    char *comment;     /* the doc comment, markers stripped ("" if none) */
    bool is_macro;
    char *params;      /* function-like macro: its parameter list, else NULL */
    char *body;        /* macro: its replacement text */
    Member *members;   /* struct (typedef'd or tagged): its members */
    int n_members;
} Doc;

static Doc *g_docs;
static int g_n_docs;

static const char *const KEYWORDS[] = {
    "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum",
    "extern", "float", "for", "goto", "if", "inline", "int", "long", "register", "restrict", "return",
    "short", "signed", "sizeof", "static", "struct", "switch", "typedef", "union", "unsigned", "void",
    "volatile", "while", "_Bool", "bool", "true", "false", "NULL", "_Generic", "_Static_assert", NULL
};

/* ---- text helpers ----------------------------------------------------------- */

static char *slice(const char *s, int a, int b) { return strndup(s + a, (size_t)(b - a)); }

static bool tok_is(const char *s, const CToken *t, const char *w)
{
    size_t n = strlen(w);
    return (size_t)(t->end - t->start) == n && !strncmp(s + t->start, w, n);
}

/* Tokens joined by single spaces where the source had space ("Tensor *f(int a)"). */
static void join_tokens(StrBuf *b, const char *s, const CToken *t, int a, int e)
{
    for (int i = a; i < e; i++) {
        if (t[i].kind == TOK_COMMENT)
            continue;
        if (b->len && i > a && t[i].start > t[i - 1].end)
            sb_putc(b, ' ');
        sb_putn(b, s + t[i].start, (size_t)(t[i].end - t[i].start));
    }
}

/* A comment's text without its markers and the leading " * " of its lines. */
static void comment_text(StrBuf *b, const char *s, const CToken *t)
{
    const char *p = s + t->start, *e = s + t->end;
    bool line_comment = p[1] == '/';
    p += 2;
    if (!line_comment && e - p >= 2) e -= 2;
    while (p < e) {
        while (p < e && (*p == ' ' || *p == '\t')) p++;
        if (!line_comment && p < e && *p == '*') {
            p++;
            if (p < e && *p == ' ') p++;
        }
        /* p <= e here; said so for gcc 13, which otherwise fears a negative bound. */
        const char *nl = p < e ? memchr(p, '\n', (size_t)(e - p)) : NULL;
        const char *end = nl ? nl : e;
        const char *q = end;
        while (q > p && isspace((unsigned char)q[-1])) q--;
        if (q > p) {
            if (b->len) sb_putc(b, '\n');
            sb_putn(b, p, (size_t)(q - p));
        }
        p = nl ? nl + 1 : e;
    }
}

static Doc *find_doc(const char *name)
{
    for (int i = 0; i < g_n_docs; i++)
        if (!strcmp(g_docs[i].name, name))
            return &g_docs[i];
    return NULL;
}

static Doc *add_doc(const char *name)
{
    if (find_doc(name))
        return NULL;  /* the first declaration wins */
    g_docs = xrealloc(g_docs, sizeof *g_docs * (size_t)(g_n_docs + 1));
    Doc *d = &g_docs[g_n_docs++];
    memset(d, 0, sizeof *d);
    d->name = xstrdup(name);
    return d;
}

/* ---- reading declarations ---------------------------------------------------- */

/* Members of the struct body between tokens open and close ('{' '}'):
 * "double lr; /+ default 1e-3 +/" gives lr, "double", "default 1e-3". */
static void parse_members(const char *s, const CToken *t, int open, int close, Member **out, int *n)
{
    int i = open + 1;
    while (i < close) {
        int depth = 0, e = i;
        while (e < close && !(depth == 0 && t[e].kind == TOK_PUNCT && tok_is(s, &t[e], ";"))) {
            if (t[e].kind == TOK_PUNCT && strchr("({[", s[t[e].start]) && t[e].end - t[e].start == 1) depth++;
            if (t[e].kind == TOK_PUNCT && strchr(")}]", s[t[e].start]) && t[e].end - t[e].start == 1) depth--;
            e++;
        }
        /* the comment after ';' on the same line documents the member */
        StrBuf doc;
        sb_init(&doc);
        int next = e + 1;
        if (next < close && t[next].kind == TOK_COMMENT && t[next].line == t[e < close ? e : close - 1].line) {
            comment_text(&doc, s, &t[next]);
            next++;
        }
        /* declarators: the type is what precedes the first one's name */
        int type_end = -1;
        for (int k = i; k < e; k++) {
            if (t[k].kind == TOK_COMMENT)
                continue;
            bool last_of_declarator = t[k].kind == TOK_IDENT &&
                (k + 1 >= e || (t[k + 1].kind == TOK_PUNCT && (tok_is(s, &t[k + 1], ",") ||
                 tok_is(s, &t[k + 1], "[") || tok_is(s, &t[k + 1], ":") || tok_is(s, &t[k + 1], ")"))));
            if (!last_of_declarator)
                continue;
            if (type_end < 0)
                type_end = k;
            StrBuf ty;
            sb_init(&ty);
            join_tokens(&ty, s, t, i, type_end);
            *out = xrealloc(*out, sizeof **out * (size_t)(*n + 1));
            (*out)[(*n)++] = (Member){ slice(s, t[k].start, t[k].end), sb_take(&ty), xstrdup(doc.s ? doc.s : "") };
        }
        sb_free(&doc);
        i = next;
    }
}

/* The name a declaration [a, e) declares, or -1. */
static int declared_name(const char *s, const CToken *t, int a, int e, bool is_typedef)
{
    int depth = 0, last = -1;
    for (int i = a; i < e; i++) {
        if (t[i].kind == TOK_PUNCT && t[i].end - t[i].start == 1) {
            char c = s[t[i].start];
            if (c == '(' && depth == 0 && last >= 0 && !is_typedef && i > a && t[i - 1].kind == TOK_IDENT)
                return i - 1;  /* a function */
            if (c == '(' && i + 1 < e && tok_is(s, &t[i + 1], "*") && i + 2 < e && t[i + 2].kind == TOK_IDENT)
                return i + 2;  /* a function pointer */
            if (c == '(' || c == '[' || c == '{') depth++;
            if (c == ')' || c == ']' || c == '}') depth--;
        } else if (t[i].kind == TOK_IDENT && depth == 0) {
            last = i;
        }
    }
    return last;
}

static void add_declaration(const char *s, const CToken *t, int a, int e, const char *comment)
{
    bool is_typedef = tok_is(s, &t[a], "typedef");
    int name = declared_name(s, t, a, e, is_typedef);
    if (name < 0)
        return;
    char *nm = slice(s, t[name].start, t[name].end);
    Doc *d = add_doc(nm);
    if (d) {
        StrBuf b;
        sb_init(&b);
        join_tokens(&b, s, t, a, e);
        sb_putc(&b, ';');
        d->decl = sb_take(&b);
        d->comment = xstrdup(comment);
        /* a struct body: members (and the tag as a name of its own) */
        for (int i = a; i < e; i++) {
            if (t[i].kind != TOK_PUNCT || !tok_is(s, &t[i], "{"))
                continue;
            int depth = 0, close = i;
            for (; close < e; close++) {
                if (tok_is(s, &t[close], "{")) depth++;
                if (tok_is(s, &t[close], "}") && --depth == 0) break;
            }
            parse_members(s, t, i, close, &d->members, &d->n_members);
            break;
        }
    }
    free(nm);
}

/* "#define name(params) body" */
static void add_define(const char *s, const CToken *pp, const char *comment)
{
    const char *p = s + pp->start + 1, *e = s + pp->end;
    while (p < e && (*p == ' ' || *p == '\t')) p++;
    if (strncmp(p, "define", 6))
        return;
    p += 6;
    while (p < e && (*p == ' ' || *p == '\t')) p++;
    const char *n0 = p;
    while (p < e && (isalnum((unsigned char)*p) || *p == '_')) p++;
    if (p == n0 || (n0[0] == '_' && n0[1] == '_'))
        return;
    char *name = strndup(n0, (size_t)(p - n0));
    size_t nl = strlen(name);
    Doc *d = (nl > 2 && !strcmp(name + nl - 2, "_H")) ? NULL : add_doc(name);  /* include guards */
    free(name);
    if (!d)
        return;
    d->is_macro = true;
    d->comment = xstrdup(comment);
    if (*p == '(') {
        const char *c = memchr(p, ')', (size_t)(e - p));
        if (c) {
            d->params = strndup(p + 1, (size_t)(c - p - 1));
            p = c + 1;
        }
    }
    while (p < e && isspace((unsigned char)*p)) p++;
    StrBuf b;
    sb_init(&b);
    for (; p < e; p++)  /* continuation lines joined */
        if (*p == '\\' && p + 1 < e && p[1] == '\n') { sb_putc(&b, ' '); p++; }
        else if (*p != '\n') sb_putc(&b, *p);
    d->body = sb_take(&b);
    d->decl = strndup(s + pp->start, (size_t)(pp->end - pp->start));
}

static void scan_header(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return;
    StrBuf src;
    sb_init(&src);
    char buf[8192];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        sb_putn(&src, buf, n);
    fclose(f);
    if (!src.s) return;
    const char *s = src.s;
    CToken *t = NULL;
    int nt = 0;
    cell_tokenize(s, CELL_LEX_COMMENTS, &t, &nt);
    StrBuf comment;
    sb_init(&comment);
    int doc_line = -10;  /* the last line the current doc comment covers */
    int i = 0;
    while (i < nt) {
        if (t[i].kind == TOK_COMMENT) {
            bool adjacent = i > 0 && t[i - 1].kind == TOK_COMMENT && t[i].line <= t[i - 1].end_line + 1;
            if (!adjacent)
                comment.len = 0, comment.s ? comment.s[0] = 0 : 0;
            comment_text(&comment, s, &t[i]);
            doc_line = t[i].end_line;
            i++;
            continue;
        }
        const char *doc = t[i].line <= doc_line + 1 && comment.s ? comment.s : "";
        if (t[i].kind == TOK_PP) {
            add_define(s, &t[i], doc);
            if (*doc && (strstr(s + t[i].start, "#define") == s + t[i].start))
                doc_line = t[i].end_line;
            else
                doc_line = -10;
            i++;
            continue;
        }
        /* a declaration: up to ';' outside brackets */
        int depth = 0, e = i;
        for (; e < nt; e++) {
            if (t[e].kind != TOK_PUNCT || t[e].end - t[e].start != 1) continue;
            char c = s[t[e].start];
            if (c == '(' || c == '[' || c == '{') depth++;
            else if (c == ')' || c == ']' || c == '}') depth--;
            else if (c == ';' && depth == 0) break;
        }
        if (e >= nt)
            break;
        if (!tok_is(s, &t[i], "extern") || t[i + 1].kind != TOK_STR)  /* extern "C" */
            add_declaration(s, t, i, e, doc);
        doc_line = *doc ? t[e].end_line : -10;
        i = e + 1;
        /* a trailing comment on the declaration's line is not the next one's doc */
        if (i < nt && t[i].kind == TOK_COMMENT && t[i].line == t[e].line) {
            i++;
            doc_line = -10;
        }
    }
    free(t);
    sb_free(&comment);
    sb_free(&src);
}

static void scan_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    /* sorted, so that which declaration wins does not depend on the disk */
    char **names = NULL;
    int n = 0;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l > 2 && !strcmp(e->d_name + l - 2, ".h")) {
            names = xrealloc(names, sizeof *names * (size_t)(n + 1));
            names[n++] = xstrdup(e->d_name);
        }
    }
    closedir(d);
    for (int i = 0; i < n; i++)
        for (int k = i + 1; k < n; k++)
            if (strcmp(names[k], names[i]) < 0) { char *x = names[i]; names[i] = names[k]; names[k] = x; }
    for (int i = 0; i < n; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        scan_header(path);
        free(names[i]);
    }
    free(names);
}

bool help_is_function_macro(const char *name)
{
    const Doc *d = find_doc(name);
    return d && d->is_macro && d->params;
}

void help_init(const char *engine_include, const char *kernel_include)
{
    char path[4200];
    snprintf(path, sizeof path, "%s/coursdl", engine_include);
    scan_dir(path);
    scan_dir(engine_include);
    scan_dir(kernel_include);
}

/* ---- signatures of macros --------------------------------------------------- */

/* Splits "a, f(b, c), d" at top-level commas into trimmed parts. */
static int split_args(const char *s, char ***out)
{
    int n = 0, depth = 0;
    const char *start = s;
    *out = NULL;
    for (const char *p = s;; p++) {
        if (*p == '(' || *p == '[' || *p == '{') depth++;
        else if (*p == ')' || *p == ']' || *p == '}') depth--;
        if (*p == 0 || (*p == ',' && depth == 0)) {
            const char *a = start, *b = p;
            while (a < b && isspace((unsigned char)*a)) a++;
            while (b > a && isspace((unsigned char)b[-1])) b--;
            *out = xrealloc(*out, sizeof **out * (size_t)(n + 1));
            (*out)[n++] = strndup(a, (size_t)(b - a));
            start = p + 1;
        }
        if (!*p) break;
    }
    return n;
}

static void free_args(char **a, int n)
{
    for (int i = 0; i < n; i++) free(a[i]);
    free(a);
}

/* The function a macro calls: "tensor_randn_shape" in its body (the first
 * identifier followed by '(' that names a documented function). */
static Doc *macro_target(const Doc *m, const char **call)
{
    const char *b = m->body;
    CToken *t = NULL;
    int n = 0;
    Doc *found = NULL;
    if (!b)
        return NULL;
    cell_tokenize(b, 0, &t, &n);
    for (int i = 0; i + 1 < n && !found; i++) {
        if (t[i].kind != TOK_IDENT || t[i + 1].kind != TOK_PUNCT || b[t[i + 1].start] != '('
            || t[i + 1].start != t[i].end)
            continue;
        char *name = strndup(b + t[i].start, (size_t)(t[i].end - t[i].start));
        Doc *d = find_doc(name);
        free(name);
        if (d && !d->is_macro && strchr(d->decl, '(')) {
            *call = b + t[i + 1].start;
            found = d;
        }
    }
    free(t);
    return found;
}

/* The options struct a macro fills: "&(AdamOptions){ __VA_ARGS__ }". */
static Doc *macro_options(const Doc *m)
{
    const char *p = m->body ? strstr(m->body, "&(") : NULL;
    if (!p) return NULL;
    p += 2;
    const char *q = p;
    while (isalnum((unsigned char)*q) || *q == '_') q++;
    char *name = strndup(p, (size_t)(q - p));
    Doc *d = find_doc(name);
    free(name);
    return d && d->n_members ? d : NULL;
}

/* "Tensor *tensor_randn(int64_t size, ...)" for
 * "#define tensor_randn(...) tensor_randn_shape(NULL, CDL_SHAPE(__VA_ARGS__))". */
static char *macro_signature(const Doc *m, const Doc **target_out)
{
    const char *call;
    const Doc *target = macro_target(m, &call);
    *target_out = target;
    if (!target || !m->params)
        return NULL;
    const char *tname = strstr(target->decl, target->name);
    const char *tparams = tname ? strchr(tname, '(') : NULL;
    const char *tend = tparams ? strrchr(tparams, ')') : NULL;
    if (!tparams || !tend)
        return NULL;
    char *tp = strndup(tparams + 1, (size_t)(tend - tparams - 1));
    char **decl_params, **call_args, **macro_params;
    int nd = split_args(tp, &decl_params);
    free(tp);
    /* the call's arguments: from '(' to its match */
    int depth = 0;
    const char *e = call;
    for (; *e; e++) {
        if (*e == '(') depth++;
        if (*e == ')' && --depth == 0) break;
    }
    char *args = strndup(call + 1, (size_t)(e - call - 1));
    int na = split_args(args, &call_args);
    free(args);
    int nm = split_args(m->params, &macro_params);
    StrBuf b;
    sb_init(&b);
    sb_putn(&b, target->decl, (size_t)(tname - target->decl));
    sb_printf(&b, "%s(", m->name);
    for (int i = 0; i < nm; i++) {
        if (i) sb_puts(&b, ", ");
        const char *p = macro_params[i];
        if (!strcmp(p, "...")) {
            const char *use = strstr(m->body, "__VA_ARGS__");
            const Doc *opts = macro_options(m);
            if (use && strstr(m->body, "CDL_SHAPE(__VA_ARGS__)"))
                sb_puts(&b, "int64_t size, ...");
            else if (opts)
                sb_puts(&b, ".option = value, ...");
            else
                sb_puts(&b, "...");
            continue;
        }
        int k = -1;
        for (int j = 0; j < na && j < nd; j++)
            if (!strcmp(call_args[j], p)) k = j;
        sb_puts(&b, k >= 0 ? decl_params[k] : p);
    }
    sb_puts(&b, ")");
    free_args(decl_params, nd);
    free_args(call_args, na);
    free_args(macro_params, nm);
    return sb_take(&b);
}

/* ---- rendering -------------------------------------------------------------- */

/* "1e-3" from "default 1e-3", "(default 0.99)", "default: 10". */
static char *member_default(const Member *m)
{
    const char *p = strstr(m->doc, "default");
    if (!p) return NULL;
    p += 7;
    while (*p == ' ' || *p == ':') p++;
    const char *q = p;
    while (*q && *q != ')' && *q != ';' && *q != ',' && *q != '\n' && !(*q == ' ' && (q[1] == '(' || q[1] == '=')))
        q++;
    while (q > p && (q[-1] == ' ' || q[-1] == '.')) q--;
    return q > p ? strndup(p, (size_t)(q - p)) : NULL;
}

/* An example: the comment's "Example:" part, else its first call of name. */
static char *example_of(const char *name, const char *comment)
{
    const char *ex = strstr(comment, "Example:");
    if (ex) {
        /* the lines after it, dedented */
        ex += 8;
        while (*ex == ' ') ex++;
        if (*ex == '\n') ex++;
        size_t indent = 0;
        while (ex[indent] == ' ') indent++;
        StrBuf b;
        sb_init(&b);
        for (const char *p = ex; *p;) {
            size_t k = 0;
            while (k < indent && p[k] == ' ') k++;
            p += k;
            const char *nl = strchr(p, '\n');
            sb_putn(&b, p, nl ? (size_t)(nl + 1 - p) : strlen(p));
            p = nl ? nl + 1 : p + strlen(p);
        }
        return sb_take(&b);
    }
    size_t n = strlen(name);
    for (const char *p = strstr(comment, name); p; p = strstr(p + 1, name)) {
        if (p[n] != '(' || (p > comment && (isalnum((unsigned char)p[-1]) || p[-1] == '_')))
            continue;
        int depth = 0;
        const char *e = p + n;
        for (; *e; e++) {
            if (*e == '(') depth++;
            if (*e == ')' && --depth == 0) break;
        }
        if (*e) return strndup(p, (size_t)(e + 1 - p));
    }
    return NULL;
}

typedef struct Page {
    StrBuf md, plain;
} Page;

static void page_code(Page *pg, const char *code)
{
    sb_printf(&pg->md, "```c\n%s\n```\n\n", code);
    sb_printf(&pg->plain, "%s\n\n", code);
}

/* A doc comment's text, without its "Example:" part (shown on its own);
 * its lines kept as lines in markdown. */
static void page_text(Page *pg, const char *text)
{
    if (!text || !*text) return;
    const char *ex = strstr(text, "Example:");
    size_t n = ex ? (size_t)(ex - text) : strlen(text);
    while (n && isspace((unsigned char)text[n - 1])) n--;
    if (!n) return;
    for (size_t i = 0; i < n; i++)
        if (text[i] == '\n') sb_puts(&pg->md, "  \n");
        else sb_putc(&pg->md, text[i]);
    sb_puts(&pg->md, "\n\n");
    sb_printf(&pg->plain, "%.*s\n\n", (int)n, text);
}

static void page_options(Page *pg, const Doc *opts)
{
    sb_printf(&pg->md, "**Options** (`%s`, named: `.name = value`; zero means default)\n\n"
              "| option | type | default | meaning |\n|---|---|---|---|\n", opts->name);
    sb_printf(&pg->plain, "Options (%s, named: .name = value; zero means default):\n", opts->name);
    for (int i = 0; i < opts->n_members; i++) {
        const Member *m = &opts->members[i];
        char *dflt = member_default(m);
        const char *shown = dflt ? dflt : !strcmp(m->type, "bool") ? "false" : "0";
        /* the meaning, when the comment says more than the default */
        char *doc = xstrdup(strncmp(m->doc, "default", 7) ? m->doc : "");
        for (char *c = doc; *c; c++)
            if (*c == '\n' || *c == '|') *c = ' ';
        sb_printf(&pg->md, "| `.%s` | `%s` | %s | %s |\n", m->name, m->type, shown, doc);
        sb_printf(&pg->plain, "  .%-20s %-10s default %-8s %s\n", m->name, m->type, shown, doc);
        free(doc);
        free(dflt);
    }
    sb_puts(&pg->md, "\n");
    sb_puts(&pg->plain, "\n");
}

static void page_example(Page *pg, const char *example)
{
    if (!example) return;
    sb_printf(&pg->md, "**Example**\n\n```c\n%s\n```\n", example);
    sb_puts(&pg->plain, "Example:\n");
    for (const char *p = example; *p;) {
        const char *nl = strchr(p, '\n');
        sb_printf(&pg->plain, "  %.*s\n", nl ? (int)(nl - p) : (int)strlen(p), p);
        p = nl ? nl + 1 : p + strlen(p);
    }
}

static bool render_engine_doc(const Doc *d, Page *pg)
{
    const Doc *target = NULL;
    char *sig = d->is_macro ? macro_signature(d, &target) : NULL;
    if (sig) page_code(pg, sig);
    else if (d->is_macro && d->params) page_code(pg, d->decl);
    else if (d->is_macro) page_code(pg, d->decl);
    else {
        /* a declaration: without its final ';' for a function */
        char *decl = xstrdup(d->decl);
        size_t n = strlen(decl);
        if (strchr(decl, '(') && n && decl[n - 1] == ';') decl[n - 1] = 0;
        page_code(pg, decl);
        free(decl);
    }
    page_text(pg, d->comment);
    if (target && strcmp(target->comment, d->comment) && *target->comment)
        page_text(pg, target->comment);
    const Doc *opts = d->is_macro ? macro_options(d) : NULL;
    if (!opts && d->n_members && strstr(d->comment, "default")) opts = d;
    if (opts) page_options(pg, opts);
    else if (d->n_members && !opts) {
        sb_puts(&pg->md, "**Members**\n\n");
        sb_puts(&pg->plain, "Members:\n");
        for (int i = 0; i < d->n_members; i++) {
            sb_printf(&pg->md, "- `%s %s`%s%s\n", d->members[i].type, d->members[i].name,
                      *d->members[i].doc ? ": " : "", d->members[i].doc);
            sb_printf(&pg->plain, "  %s %s  %s\n", d->members[i].type, d->members[i].name, d->members[i].doc);
        }
        sb_puts(&pg->md, "\n");
    }
    char *ex = example_of(d->name, d->comment);
    if (!ex && target) ex = example_of(d->name, target->comment);
    page_example(pg, ex);
    free(ex);
    free(sig);
    return true;
}

/* "shape [200, 2], float32, on cpu" for a live tensor; NULL if unsure.
 * The kernel is not linked against the engine: its accessors are looked up. */
static char *tensor_summary(Tensor *t)
{
    if (!t || GC_base(t) != (void *)t)
        return NULL;  /* not a block the engine allocated: do not touch it */
    __typeof__(&tensor_ndim) ndim = (__typeof__(&tensor_ndim))dlsym(RTLD_DEFAULT, "tensor_ndim");
    __typeof__(&tensor_shape) shape = (__typeof__(&tensor_shape))dlsym(RTLD_DEFAULT, "tensor_shape");
    __typeof__(&tensor_dtype) dtype = (__typeof__(&tensor_dtype))dlsym(RTLD_DEFAULT, "tensor_dtype");
    __typeof__(&dtype_name) dname = (__typeof__(&dtype_name))dlsym(RTLD_DEFAULT, "dtype_name");
    __typeof__(&tensor_device) tdev = (__typeof__(&tensor_device))dlsym(RTLD_DEFAULT, "tensor_device");
    __typeof__(&device_name) devname = (__typeof__(&device_name))dlsym(RTLD_DEFAULT, "device_name");
    /* off the CPU, the device with what it is: "cuda:0 (NVIDIA H200, 139.8 GiB, 139.1 GiB free)" */
    __typeof__(&device_info) devinfo = (__typeof__(&device_info))dlsym(RTLD_DEFAULT, "device_info");
    if (!ndim || !shape || !dtype || !dname || !tdev || !devname)
        return NULL;
    StrBuf b;
    sb_init(&b);
    int nd = ndim(t);
    const int64_t *sh = shape(t);
    sb_puts(&b, "shape [");
    for (int i = 0; i < nd; i++)
        sb_printf(&b, "%s%lld", i ? ", " : "", (long long)sh[i]);
    /* the kernel does not link the engine (DEVICE_CPU is its table's address): the name tells the CPU */
    Device dev = tdev(t);
    const char *name = devname(dev);
    sb_printf(&b, "], %s, on %s", dname(dtype(t)), strcmp(name, "cpu") && devinfo ? devinfo(dev) : name);
    return sb_take(&b);
}

/* The current value of a variable of simple type, as text; NULL if none. */
static char *value_of(const Symbol *v)
{
    const char *ty = v->type;
    char buf[128];
    if (!v->addr || !ty) return NULL;
    if (!strcmp(ty, "Tensor *@"))
        return tensor_summary(*(void **)v->addr);
    enum ValueKind { V_SIGNED, V_UNSIGNED, V_DOUBLE, V_FLOAT, V_BOOL, V_CHAR };
    static const struct { const char *type; enum ValueKind kind; size_t size; } T[] = {
        { "int @", V_SIGNED, sizeof(int) }, { "long @", V_SIGNED, sizeof(long) },
        { "long long @", V_SIGNED, sizeof(long long) }, { "short @", V_SIGNED, sizeof(short) },
        { "int64_t @", V_SIGNED, 8 }, { "int32_t @", V_SIGNED, 4 },
        { "unsigned @", V_UNSIGNED, sizeof(unsigned) }, { "unsigned int @", V_UNSIGNED, sizeof(unsigned) },
        { "size_t @", V_UNSIGNED, sizeof(size_t) }, { "unsigned long @", V_UNSIGNED, sizeof(unsigned long) },
        { "uint64_t @", V_UNSIGNED, 8 }, { "uint8_t @", V_UNSIGNED, 1 }, { "double @", V_DOUBLE, sizeof(double) },
        { "float @", V_FLOAT, sizeof(float) }, { "bool @", V_BOOL, 1 }, { "_Bool @", V_BOOL, 1 },
        { "char @", V_CHAR, 1 },
    };
    for (size_t i = 0; i < sizeof T / sizeof *T; i++) {
        if (strcmp(ty, T[i].type)) continue;
        long long iv = 0;
        unsigned long long uv = 0;
        switch (T[i].kind) {
        case V_SIGNED:
            if (T[i].size == 2) iv = *(short *)v->addr;
            else if (T[i].size == 4) iv = *(int *)v->addr;
            else iv = *(long long *)v->addr;
            snprintf(buf, sizeof buf, "%lld", iv);
            break;
        case V_UNSIGNED:
            if (T[i].size == 1) uv = *(unsigned char *)v->addr;
            else if (T[i].size == 4) uv = *(unsigned *)v->addr;
            else uv = *(unsigned long long *)v->addr;
            snprintf(buf, sizeof buf, "%llu", uv);
            break;
        case V_DOUBLE: snprintf(buf, sizeof buf, "%.17g", *(double *)v->addr); break;
        case V_FLOAT: snprintf(buf, sizeof buf, "%.9g", (double)*(float *)v->addr); break;
        case V_BOOL: snprintf(buf, sizeof buf, "%s", *(unsigned char *)v->addr ? "true" : "false"); break;
        case V_CHAR: snprintf(buf, sizeof buf, "'%c' (%d)", *(char *)v->addr, *(char *)v->addr); break;
        }
        return xstrdup(buf);
    }
    return NULL;
}

char *help_variable_value(const char *name)
{
    Symbol sym;
    return session_find_symbol(name, &sym) && sym.kind == SYM_VARIABLE ? value_of(&sym) : NULL;
}

static bool render_symbol(const Symbol *sym, Page *pg)
{
    static const char *const KIND[] = { "variable", "function", "type", "macro", "constant" };
    char *decl = xstrdup(sym->decl);
    size_t dn = strlen(decl);
    if (sym->kind == SYM_FUNCTION && dn && decl[dn - 1] == ';') decl[dn - 1] = 0;
    page_code(pg, decl);
    free(decl);
    char *val = sym->kind == SYM_VARIABLE ? value_of(sym) : NULL;
    StrBuf line;
    sb_init(&line);
    sb_printf(&line, "A %s of this notebook.", KIND[sym->kind]);
    if (val) sb_printf(&line, " Current value: %s%s.", strncmp(val, "shape", 5) ? "" : "a tensor of ", val);
    page_text(pg, line.s);
    sb_free(&line);
    free(val);
    return true;
}

static bool render(const char *name, Page *pg)
{
    Symbol sym;
    if (session_find_symbol(name, &sym))
        return render_symbol(&sym, pg);
    const Doc *d = find_doc(name);
    return d && render_engine_doc(d, pg);
}

bool help_page(const char *name, char **plain, char **markdown)
{
    Page pg;
    sb_init(&pg.md);
    sb_init(&pg.plain);
    bool ok = render(name, &pg);
    if (ok) {
        *plain = sb_take(&pg.plain);
        *markdown = sb_take(&pg.md);
    } else {
        sb_free(&pg.plain);
        sb_free(&pg.md);
    }
    return ok;
}

char *help_lookup(const char *name)
{
    char *plain = NULL, *md = NULL;
    if (!help_page(name, &plain, &md))
        return NULL;
    free(md);
    return plain;
}

/* ---- positions -------------------------------------------------------------- */

/* Byte offset of a code-point offset in UTF-8 text. */
static size_t byte_offset(const char *s, int cp)
{
    size_t i = 0;
    for (int k = 0; k < cp && s[i]; k++) {
        i++;
        while (((unsigned char)s[i] & 0xc0) == 0x80) i++;
    }
    return i;
}

static int cp_offset(const char *s, size_t bytes)
{
    int n = 0;
    for (size_t i = 0; i < bytes; i++)
        if (((unsigned char)s[i] & 0xc0) != 0x80) n++;
    return n;
}

static bool id_char(char c) { return isalnum((unsigned char)c) || c == '_'; }

char *help_word_at(const char *code, int cursor_pos, int *start, int *end)
{
    size_t c = byte_offset(code, cursor_pos);
    size_t s = c, e = c;
    while (s > 0 && id_char(code[s - 1])) s--;
    while (code[e] && id_char(code[e])) e++;
    if (e == s) {
        /* inside a call's parentheses (Shift-Tab after "tensor_randn("):
         * the function being called */
        int depth = 0;
        for (size_t p = c; p > 0; p--) {
            char ch = code[p - 1];
            if (ch == ')') depth++;
            else if (ch == '(' && depth-- == 0) {
                e = p - 1;
                while (e > 0 && code[e - 1] == ' ') e--;
                s = e;
                while (s > 0 && id_char(code[s - 1])) s--;
                break;
            } else if (ch == ';' || ch == '{' || ch == '}') {
                break;
            }
        }
    }
    if (start) *start = cp_offset(code, s);
    if (end) *end = cp_offset(code, e);
    return e > s ? strndup(code + s, e - s) : NULL;
}

/* ---- completion -------------------------------------------------------------- */

typedef struct Cand {
    const char *text;
    const char *type;
    char *signature;
} Cand;

typedef struct Matches {
    Cand *c;
    int n, cap;
    const char *prefix;
    size_t plen;
} Matches;

static void add_cand(Matches *m, const char *text, const char *type, const char *signature)
{
    if (strncmp(text, m->prefix, m->plen) || (!m->plen && text[0] == '_') || !strncmp(text, "__", 2))
        return;
    if (m->n == m->cap) {
        m->cap = m->cap ? 2 * m->cap : 64;
        m->c = xrealloc(m->c, sizeof *m->c * (size_t)m->cap);
    }
    m->c[m->n++] = (Cand){ text, type, signature ? xstrdup(signature) : NULL };
}

static void add_symbol(const Symbol *sym, void *ctx)
{
    static const char *const KIND[] = { "variable", "function", "class", "keyword", "constant" };
    Matches *m = ctx;
    if (strncmp(sym->name, m->prefix, m->plen))
        return;
    char *val = sym->kind == SYM_VARIABLE ? value_of(sym) : NULL;
    StrBuf b;
    sb_init(&b);
    sb_puts(&b, sym->kind == SYM_VARIABLE || sym->kind == SYM_FUNCTION ? sym->decl : "");
    if (b.len && b.s[b.len - 1] == ';') b.s[--b.len] = 0;
    if (val) sb_printf(&b, "  (%s)", val);
    add_cand(m, sym->name, KIND[sym->kind], b.s ? b.s : "");
    sb_free(&b);
    free(val);
}

static int cmp_cand(const void *a, const void *b)
{
    return strcmp(((const Cand *)a)->text, ((const Cand *)b)->text);
}

/* The members of a type's struct: "Point", "struct P", "AdamOptions". */
static void add_members(Matches *m, const char *type_name)
{
    const Doc *d = find_doc(type_name);
    if (d && d->n_members) {
        for (int i = 0; i < d->n_members; i++)
            add_cand(m, d->members[i].name, "property", d->members[i].type);
        return;
    }
    Symbol sym;
    if (!session_find_symbol(type_name, &sym) || sym.kind != SYM_TYPE)
        return;
    /* a struct of the notebook: its entry's text, read as a header */
    CToken *t = NULL;
    int n = 0;
    cell_tokenize(sym.decl, CELL_LEX_COMMENTS, &t, &n);
    for (int i = 0; i < n; i++) {
        if (!tok_is(sym.decl, &t[i], "{")) continue;
        int depth = 0, close = i;
        for (; close < n; close++) {
            if (tok_is(sym.decl, &t[close], "{")) depth++;
            if (tok_is(sym.decl, &t[close], "}") && --depth == 0) break;
        }
        Member *mem = NULL;
        int nm = 0;
        parse_members(sym.decl, t, i, close, &mem, &nm);
        for (int k = 0; k < nm; k++) {
            /* the candidate's text must outlive this function: keep it in a doc-less pool */
            static char **pool;
            static int n_pool;
            pool = xrealloc(pool, sizeof *pool * (size_t)(n_pool + 1));
            pool[n_pool] = mem[k].name;
            add_cand(m, pool[n_pool++], "property", mem[k].type);
            free(mem[k].type);
            free(mem[k].doc);
        }
        free(mem);
        break;
    }
    free(t);
}

/* The struct type of the variable before '.' or '->' at byte p (the
 * operator's first character), or NULL. */
static char *receiver_type(const char *code, size_t p)
{
    size_t e = p, s;
    while (e > 0 && code[e - 1] == ' ') e--;
    s = e;
    while (s > 0 && id_char(code[s - 1])) s--;
    if (s == e) return NULL;
    char *name = strndup(code + s, e - s);
    Symbol sym;
    bool found = session_find_symbol(name, &sym) && sym.kind == SYM_VARIABLE && sym.type;
    free(name);
    if (!found) return NULL;
    /* "const Point *@" -> "Point"; "struct P @" -> "P" (the tag is a name too) */
    StrBuf b;
    sb_init(&b);
    CToken *t = NULL;
    int n = 0;
    cell_tokenize(sym.type, 0, &t, &n);
    for (int i = 0; i < n; i++) {
        if (t[i].kind != TOK_IDENT || tok_is(sym.type, &t[i], "const") || tok_is(sym.type, &t[i], "struct") ||
            tok_is(sym.type, &t[i], "union") || tok_is(sym.type, &t[i], "volatile"))
            continue;
        sb_putn(&b, sym.type + t[i].start, (size_t)(t[i].end - t[i].start));
        break;
    }
    free(t);
    return b.len ? sb_take(&b) : (sb_free(&b), NULL);
}

/* Is the '.' at byte p part of a number ("1.", "2.5")? */
static bool number_before(const char *code, size_t p)
{
    size_t s = p;
    while (s > 0 && id_char(code[s - 1])) s--;
    return s < p && isdigit((unsigned char)code[s]);
}

json_t *help_complete(const char *code, int cursor_pos)
{
    size_t c = byte_offset(code, cursor_pos);
    size_t s = c;
    while (s > 0 && id_char(code[s - 1])) s--;
    char *prefix = strndup(code + s, c - s);
    Matches m = { NULL, 0, 0, prefix, strlen(prefix) };
    bool member = false;
    if (s >= 1 && code[s - 1] == '.' && !number_before(code, s - 1)) {
        char *ty = receiver_type(code, s - 1);
        if (ty) add_members(&m, ty);
        free(ty);
        member = true;
    } else if (s >= 2 && code[s - 1] == '>' && code[s - 2] == '-') {
        char *ty = receiver_type(code, s - 2);
        if (ty) add_members(&m, ty);
        free(ty);
        member = true;
    }
    if (!member && *prefix) {
        session_each_symbol(add_symbol, &m);
        for (int i = 0; i < g_n_docs; i++) {
            const Doc *d = &g_docs[i];
            if (strncmp(d->name, prefix, m.plen)) continue;
            const char *kind = d->is_macro ? (d->params ? "function" : "constant")
                             : strchr(d->decl, '(') && strncmp(d->decl, "typedef", 7) ? "function"
                             : !strncmp(d->decl, "typedef", 7) || d->n_members ? "class" : "instance";
            add_cand(&m, d->name, kind, NULL);
            if (m.n && !strcmp(m.c[m.n - 1].text, d->name) && !strcmp(kind, "function")) {
                const Doc *target;
                char *sig = d->is_macro ? macro_signature(d, &target) : xstrdup(d->decl);
                size_t sn = sig ? strlen(sig) : 0;
                if (sn && sig[sn - 1] == ';') sig[sn - 1] = 0;
                m.c[m.n - 1].signature = sig;
            }
        }
        for (int i = 0; KEYWORDS[i]; i++)
            add_cand(&m, KEYWORDS[i], "keyword", NULL);
    }
    qsort(m.c, (size_t)m.n, sizeof *m.c, cmp_cand);
    json_t *matches = json_array(), *types = json_array();
    int start_cp = cp_offset(code, s), end_cp = cp_offset(code, c);
    for (int i = 0; i < m.n; i++) {
        if (i && !strcmp(m.c[i].text, m.c[i - 1].text))
            continue;  /* the notebook's own name came first in the sort's tie */
        json_array_append_new(matches, json_string(m.c[i].text));
        json_array_append_new(types, json_pack("{s:i, s:i, s:s, s:s, s:s}", "start", start_cp, "end", end_cp,
                                               "text", m.c[i].text, "type", m.c[i].type,
                                               "signature", m.c[i].signature ? m.c[i].signature : ""));
    }
    for (int i = 0; i < m.n; i++)
        free(m.c[i].signature);
    free(m.c);
    json_t *reply = json_pack("{s:s, s:o, s:i, s:i, s:{s:o}}", "status", "ok", "matches", matches,
                              "cursor_start", start_cp, "cursor_end", end_cp, "metadata",
                              "_jupyter_types_experimental", types);
    free(prefix);
    return reply;
}
