#include "help.h"

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "session.h"
#include "strbuf.h"

typedef struct Doc {
    char *name;
    char *text;
} Doc;

static Doc *g_docs;
static int g_n_docs;

static const char *const KEYWORDS[] = {
    "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum",
    "extern", "float", "for", "goto", "if", "inline", "int", "long", "register", "restrict", "return",
    "short", "signed", "sizeof", "static", "struct", "switch", "typedef", "union", "unsigned", "void",
    "volatile", "while", "_Bool", "bool", "true", "false", "NULL", "_Generic", "_Static_assert", NULL
};

static void add_doc(const char *name, const char *text)
{
    for (int i = 0; i < g_n_docs; i++)
        if (!strcmp(g_docs[i].name, name))
            return;
    g_docs = xrealloc(g_docs, sizeof *g_docs * (size_t)(g_n_docs + 1));
    g_docs[g_n_docs].name = xstrdup(name);
    g_docs[g_n_docs].text = xstrdup(text);
    g_n_docs++;
}

/* The identifier a declaration line declares: the one before its first
 * '(' (functions, function-like macros) or its last one before ';'. */
static char *declared_name(const char *line)
{
    const char *p = line;
    while (*p == ' ') p++;
    if (!strncmp(p, "#define ", 8)) {
        p += 8;
        const char *s = p;
        while (isalnum((unsigned char)*p) || *p == '_') p++;
        return p > s ? strndup(s, (size_t)(p - s)) : NULL;
    }
    if (*p == '#' || *p == '}' || *p == '{' || !*p)
        return NULL;
    const char *paren = strchr(p, '(');
    const char *end = paren ? paren : strchr(p, ';');
    if (!end)
        return NULL;
    const char *e = end;
    while (e > p && (e[-1] == ' ' || e[-1] == '*')) e--;
    const char *s = e;
    while (s > p && (isalnum((unsigned char)s[-1]) || s[-1] == '_')) s--;
    return e > s ? strndup(s, (size_t)(e - s)) : NULL;
}

static void scan_header(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    StrBuf comment, decl;
    sb_init(&comment);
    sb_init(&decl);
    char line[1024];
    int in_comment = 0;
    while (fgets(line, sizeof line, f)) {
        char *t = line;
        while (*t == ' ' || *t == '\t') t++;
        if (in_comment || !strncmp(t, "/*", 2) || !strncmp(t, "//", 2)) {
            if (!in_comment && strncmp(t, "//", 2))
                comment.len = 0;
            in_comment = strncmp(t, "//", 2) && !strstr(t, "*/");
            /* strip comment markers for display */
            char *c = t;
            if (!strncmp(c, "/*", 2) || !strncmp(c, "//", 2)) c += 2;
            else if (*c == '*' && c[1] != '/') c++;
            char *endc = strstr(c, "*/");
            if (endc) *endc = 0;
            while (*c == ' ') c++;
            if (*c && *c != '\n')
                sb_puts(&comment, c);
            continue;
        }
        if (*t == '\n') {
            comment.len = 0;
            if (comment.s) comment.s[0] = 0;
            continue;
        }
        char *name = declared_name(t);
        if (name) {
            StrBuf doc;
            sb_init(&doc);
            sb_puts(&doc, t);
            if (comment.len) {
                sb_putc(&doc, '\n');
                sb_puts(&doc, comment.s);
            }
            add_doc(name, doc.s);
            sb_free(&doc);
            free(name);
        }
        if (!strchr(t, ',') || strchr(t, ';'))
            comment.len = 0;
        if (comment.s) comment.s[comment.len] = 0;
    }
    sb_free(&comment);
    sb_free(&decl);
    fclose(f);
}

static void scan_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n > 2 && !strcmp(e->d_name + n - 2, ".h")) {
            char path[4200];
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            scan_header(path);
        }
    }
    closedir(d);
}

void help_init(const char *engine_include, const char *kernel_include)
{
    char path[4200];
    scan_dir(engine_include);
    snprintf(path, sizeof path, "%s/coursdl", engine_include);
    scan_dir(path);
    scan_dir(kernel_include);
}

char *help_lookup(const char *name)
{
    for (int i = 0; i < g_n_docs; i++)
        if (!strcmp(g_docs[i].name, name))
            return xstrdup(g_docs[i].text);
    return NULL;
}

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

char *help_word_at(const char *code, int cursor_pos, int *start, int *end)
{
    size_t c = byte_offset(code, cursor_pos);
    size_t s = c, e = c;
    while (s > 0 && (isalnum((unsigned char)code[s - 1]) || code[s - 1] == '_')) s--;
    while (code[e] && (isalnum((unsigned char)code[e]) || code[e] == '_')) e++;
    if (start) *start = cp_offset(code, s);
    if (end) *end = cp_offset(code, e);
    return e > s ? strndup(code + s, e - s) : NULL;
}

struct match_ctx {
    json_t *matches;
    const char *prefix;
};

static void add_match(const char *name, const char *kind, void *ctx)
{
    (void)kind;
    struct match_ctx *m = ctx;
    if (strncmp(name, m->prefix, strlen(m->prefix)) || !strncmp(name, "__", 2))
        return;
    size_t n = json_array_size(m->matches);
    for (size_t i = 0; i < n; i++)
        if (!strcmp(json_string_value(json_array_get(m->matches, i)), name))
            return;
    json_array_append_new(m->matches, json_string(name));
}

static int cmp_json_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

json_t *help_complete(const char *code, int cursor_pos)
{
    size_t c = byte_offset(code, cursor_pos);
    size_t s = c;
    while (s > 0 && (isalnum((unsigned char)code[s - 1]) || code[s - 1] == '_')) s--;
    char *prefix = strndup(code + s, c - s);
    struct match_ctx m = { json_array(), prefix };
    if (*prefix) {
        session_each_name(add_match, &m);
        for (int i = 0; i < g_n_docs; i++)
            add_match(g_docs[i].name, "doc", &m);
        for (int i = 0; KEYWORDS[i]; i++)
            add_match(KEYWORDS[i], "keyword", &m);
    }
    /* sorted, for a stable menu */
    size_t n = json_array_size(m.matches);
    const char **names = xmalloc(sizeof *names * (n + 1));
    for (size_t i = 0; i < n; i++)
        names[i] = json_string_value(json_array_get(m.matches, i));
    qsort(names, n, sizeof *names, cmp_json_str);
    json_t *sorted = json_array();
    for (size_t i = 0; i < n; i++)
        json_array_append_new(sorted, json_string(names[i]));
    free(names);
    json_decref(m.matches);
    json_t *reply = json_pack("{s:s, s:o, s:i, s:i, s:{}}", "status", "ok", "matches", sorted,
                              "cursor_start", cp_offset(code, s), "cursor_end", cp_offset(code, c), "metadata");
    free(prefix);
    return reply;
}
