/* cellrun: runs notebook cases through the kernel's cell model, in process
 * (the differential test against gcc, tests/kernel/test_cell_diff.py, drives it).
 *
 * Input (stdin): cases, each a "@@case ID" line followed by cells, each
 * cell introduced by a "@@cell" line. Every case starts from a reset
 * session. Output (stdout): "@@case ID", then what the cells print, an
 * "Out: TEXT" line for a cell's result and "@@error ENAME: EVALUE" for a
 * cell that failed (then the case's later cells still run, as in a
 * notebook). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "coursdl.h"
#include "engine_api.h"
#include "guard.h"
#include "runtime.h"
#include "session.h"
#include "strbuf.h"

static int sink_show(void *ctx, DisplayKind kind, int id, const DisplayItem *items, int n)
{
    (void)ctx;
    (void)id;
    for (int i = 0; i < n; i++)
        if (kind == DISPLAY_RESULT && !strcmp(items[i].mime, "text/plain"))
            printf("Out: %.*s\n", (int)items[i].size, (const char *)items[i].data);
    return 0;
}

static void sink_clear(void *ctx, bool wait)
{
    (void)ctx;
    (void)wait;
}

static int g_number;

static void run_cell(StrBuf *cell)
{
    if (!cell->s)
        return;
    CellResult r;
    session_run_cell(cell->s, ++g_number, &r);
    fflush(stdout);
    if (r.warnings)
        fprintf(stderr, "%s", r.warnings);
    if (!r.ok) {
        const char *nl = strchr(r.evalue, '\n');
        printf("@@error %s: %.*s\n", r.ename, nl ? (int)(nl - r.evalue) : (int)strlen(r.evalue), r.evalue);
    }
    cell_result_free(&r);
    fflush(stdout);
    sb_free(cell);
}

int main(void)
{
    char err[512];
    if (engine_api_load(err, sizeof err) != 0) {
        fprintf(stderr, "cellrun: %s\n", err);
        return 1;
    }
    guard_init(session_pc_in_cell, session_pc_in_cell);
    runtime_init();
    session_init(CDL_ROOT "/engine/include", CDL_ROOT "/kernel/include");
    DisplaySink sink = { NULL, sink_show, sink_clear };
    display_set_sink(&sink);

    StrBuf cell;
    sb_init(&cell);
    bool in_cell = false;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, stdin)) > 0) {
        if (!strncmp(line, "@@case ", 7)) {
            if (in_cell) run_cell(&cell);
            in_cell = false;
            session_reset();
            printf("%s", line);
            fflush(stdout);
        } else if (!strncmp(line, "@@cell", 6)) {
            if (in_cell) run_cell(&cell);
            in_cell = true;
            sb_puts(&cell, "");
        } else if (in_cell) {
            sb_putn(&cell, line, (size_t)n);
        }
    }
    if (in_cell) run_cell(&cell);
    free(line);
    return 0;
}
