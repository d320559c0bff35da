#include "magics.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "capture.h"
#include "help.h"
#include "options.h"
#include "strbuf.h"

static const char *const MAGICS_HELP =
    "Line magics (on the first lines of a cell):\n"
    "  %who        the persistent variables and their types\n"
    "  %whos       the same as a table with their values (a tensor's shape, dtype and device)\n"
    "  %prelude    the declarations every cell sees (includes, types, prototypes)\n"
    "  %reset      forget every variable, function and declaration\n"
    "  %lsmagic    this list\n"
    "  %bounds on|off       check array bounds in the cells compiled next (on by default)\n"
    "  %output_limit SIZE   the most text a cell shows (1MB by default; 0: no limit)\n"
    "Cell magics (first line):\n"
    "  %%time            run the cell and print its wall and CPU time\n"
    "  %%writefile PATH  write the rest of the cell to PATH\n"
    "Other:\n"
    "  !command    run a shell command (any line of a cell)\n"
    "  ?name       the declaration and documentation of an engine function\n";

static void usage_error(CellResult *r, const char *fmt, const char *arg)
{
    char msg[512];
    snprintf(msg, sizeof msg, fmt, arg);
    r->ok = false;
    r->ename = xstrdup("UsageError");
    r->evalue = xstrdup(msg);
    r->traceback = xmalloc(sizeof *r->traceback);
    char line[600];
    snprintf(line, sizeof line, "UsageError: %s", msg);
    r->traceback[0] = xstrdup(line);
    r->n_traceback = 1;
}

static char *trim(const char *s, size_t n)
{
    while (n && isspace((unsigned char)*s)) { s++; n--; }
    while (n && isspace((unsigned char)s[n - 1])) n--;
    return strndup(s, n);
}

static double now_s(clockid_t clk)
{
    struct timespec ts;
    clock_gettime(clk, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void format_duration(char *buf, size_t n, double s)
{
    if (s < 1e-3) snprintf(buf, n, "%.0f µs", s * 1e6);
    else if (s < 1) snprintf(buf, n, "%.2f ms", s * 1e3);
    else snprintf(buf, n, "%.3f s", s);
}

/* %whos: one row per persistent variable, as IPython's: name, type, value. */
typedef struct WhosRow { char *name, *type, *value; } WhosRow;
typedef struct Whos { WhosRow *rows; int n, cap; } Whos;

static void whos_add(const Symbol *sym, void *ctx)
{
    Whos *w = ctx;
    if (sym->kind != SYM_VARIABLE)
        return;
    if (w->n == w->cap) {
        w->cap = w->cap ? 2 * w->cap : 16;
        w->rows = xrealloc(w->rows, sizeof *w->rows * (size_t)w->cap);
    }
    /* the type without the name's place: "Tensor *@" -> "Tensor *", "int @[3]" -> "int [3]" */
    StrBuf t;
    sb_init(&t);
    for (const char *p = sym->type ? sym->type : ""; *p; p++)
        if (*p != '@')
            sb_printf(&t, "%c", *p);
    char *type = trim(t.s, strlen(t.s));
    sb_free(&t);
    char *value = help_variable_value(sym->name);
    w->rows[w->n++] = (WhosRow){ xstrdup(sym->name), type, value ? value : xstrdup("") };
}

static void whos(void)
{
    Whos w = { 0 };
    session_each_symbol(whos_add, &w);
    if (w.n == 0) {
        puts("No persistent variables.");
        return;
    }
    int wn = 8, wt = 4;
    for (int i = 0; i < w.n; i++) {
        int a = (int)strlen(w.rows[i].name), b = (int)strlen(w.rows[i].type);
        wn = a > wn ? a : wn;
        wt = b > wt ? b : wt;
    }
    printf("%-*s   %-*s   Data/Info\n", wn, "Variable", wt, "Type");
    for (int i = 0; i < wn + wt + 15; i++)
        putchar('-');
    putchar('\n');
    for (int i = 0; i < w.n; i++) {
        printf("%-*s   %-*s   %s\n", wn, w.rows[i].name, wt, w.rows[i].type, w.rows[i].value);
        free(w.rows[i].name);
        free(w.rows[i].type);
        free(w.rows[i].value);
    }
    free(w.rows);
}

static bool line_magic(const char *line, CellResult *r)
{
    char *name = trim(line, strlen(line));
    bool ok = true;
    char msg[512];
    int opt = options_magic(name, msg, sizeof msg);
    if (opt > 0) {
        fputs(msg, stdout);
    } else if (opt < 0) {
        usage_error(r, "%s", msg);
        ok = false;
    } else if (!strcmp(name, "%who")) {
        char *v = session_describe_vars();
        fputs(*v ? v : "No persistent variables.\n", stdout);
        free(v);
    } else if (!strcmp(name, "%whos")) {
        whos();
    } else if (!strcmp(name, "%prelude")) {
        char *p = session_prelude_text();
        fputs(*p ? p : "(empty: nothing declared yet)\n", stdout);
        free(p);
    } else if (!strcmp(name, "%reset")) {
        session_reset();
        puts("Session reset: variables, functions and declarations forgotten.");
    } else if (!strcmp(name, "%lsmagic")) {
        fputs(MAGICS_HELP, stdout);
    } else {
        usage_error(r, "unknown magic %s (%%lsmagic lists the magics)", name);
        ok = false;
    }
    free(name);
    fflush(stdout);
    return ok;
}

static void write_file(const char *args, const char *body, CellResult *r)
{
    char *path = trim(args, strlen(args));
    if (!*path) {
        usage_error(r, "%s", "%%writefile needs a file name: %%writefile hello.c");
    } else {
        FILE *f = fopen(path, "w");
        if (!f || fputs(body, f) < 0) {
            usage_error(r, "%%writefile: cannot write %s", path);
        } else {
            printf("Writing %s\n", path);
            r->ok = true;
        }
        if (f) fclose(f);
    }
    free(path);
}

/* "?name" or "name?" alone in a cell: the name, else NULL. */
static char *help_query_word(const char *p)
{
    char *t = trim(p, strlen(p));
    size_t n = strlen(t);
    char *word = NULL;
    if (n > 1 && (t[0] == '?' || t[n - 1] == '?')) {
        char *w = t[0] == '?' ? t + 1 : t;
        size_t wn = t[0] == '?' ? n - 1 : n - 1;
        bool ident = wn > 0;
        for (size_t i = 0; i < wn; i++)
            if (!isalnum((unsigned char)w[i]) && w[i] != '_')
                ident = false;
        if (ident)
            word = strndup(w, wn);
    }
    free(t);
    return word;
}

void magics_execute(const char *code, int number, CellResult *r)
{
    memset(r, 0, sizeof *r);
    const char *p = code;
    while (*p == ' ' || *p == '\t' || *p == '\n') p++;
    char *word = help_query_word(p);
    if (word) {
        /* shown by the front end's pager (an execute_reply payload), as
         * IPython's ?name is */
        if (help_page(word, &r->page_plain, &r->page_markdown))
            r->ok = true;
        else
            usage_error(r, "no documentation for '%s' (is it an engine function or a name of this notebook? "
                        "try completion with Tab)", word);
        free(word);
        return;
    }
    if (!strncmp(p, "%%", 2)) {
        const char *nl = strchr(p, '\n');
        const char *body = nl ? nl + 1 : "";
        char *first = trim(p, nl ? (size_t)(nl - p) : strlen(p));
        if (!strcmp(first, "%%time")) {
            double w0 = now_s(CLOCK_MONOTONIC), c0 = now_s(CLOCK_PROCESS_CPUTIME_ID);
            session_run_cell(body, number, r);
            double w = now_s(CLOCK_MONOTONIC) - w0, c = now_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
            char ws[32], cs[32];
            format_duration(ws, sizeof ws, w);
            format_duration(cs, sizeof cs, c);
            /* a cell that did not compile did not run: nothing to time */
            if (r->ok || strcmp(r->ename, "CompileError")) {
                capture_flush();
                printf("CPU time: %s\nWall time: %s\n", cs, ws);
                fflush(stdout);
            }
        } else if (!strncmp(first, "%%writefile", 11) && (!first[11] || first[11] == ' ')) {
            write_file(first + 11, body, r);
        } else {
            usage_error(r, "unknown cell magic %s (%%lsmagic lists the magics)", first);
        }
        free(first);
        return;
    }
    /* Leading %line magics, then C. */
    while (*p == '%') {
        const char *nl = strchr(p, '\n');
        char *line = strndup(p, nl ? (size_t)(nl - p) : strlen(p));
        bool ok = line_magic(line, r);
        free(line);
        if (!ok)
            return;
        p = nl ? nl + 1 : p + strlen(p);
        while (*p == ' ' || *p == '\t' || *p == '\n') p++;
    }
    if (*p) {
        /* keep the line numbers of the cell */
        int skipped = 0;
        for (const char *c = code; c < p; c++)
            if (*c == '\n') skipped++;
        StrBuf b;
        sb_init(&b);
        for (int i = 0; i < skipped; i++)
            sb_putc(&b, '\n');
        sb_puts(&b, p);
        session_run_cell(b.s, number, r);
        sb_free(&b);
    } else {
        r->ok = true;
    }
}
