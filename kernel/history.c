#include "history.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

typedef struct HistEntry {
    int line;
    char *input;
    char *output;
} HistEntry;

static HistEntry *g_hist;
static int g_n;

void history_add(int line, const char *input, const char *output)
{
    g_hist = xrealloc(g_hist, sizeof *g_hist * (size_t)(g_n + 1));
    g_hist[g_n].line = line;
    g_hist[g_n].input = xstrdup(input);
    g_hist[g_n].output = output ? xstrdup(output) : NULL;
    g_n++;
}

static json_t *item(const HistEntry *e, int with_output)
{
    if (with_output)
        return json_pack("[i, i, [s, s?]]", HISTORY_SESSION, e->line, e->input, e->output);
    return json_pack("[i, i, s]", HISTORY_SESSION, e->line, e->input);
}

static int get_int(const json_t *c, const char *key, int dflt)
{
    json_t *v = json_object_get(c, key);
    return json_is_integer(v) ? (int)json_integer_value(v) : dflt;
}

json_t *history_query(const json_t *c)
{
    json_t *out = json_array();
    const char *type = json_string_value(json_object_get(c, "hist_access_type"));
    int with_output = json_is_true(json_object_get(c, "output"));
    if (!type)
        return out;
    if (!strcmp(type, "tail")) {
        int n = get_int(c, "n", 10);
        for (int i = n < g_n ? g_n - n : 0; i < g_n; i++)
            json_array_append_new(out, item(&g_hist[i], with_output));
    } else if (!strcmp(type, "range")) {
        int session = get_int(c, "session", 0);
        if (session != 0 && session != HISTORY_SESSION)
            return out;
        int start = get_int(c, "start", 0), stop = get_int(c, "stop", 0);
        for (int i = 0; i < g_n; i++) {
            int l = g_hist[i].line;
            if (l >= start && (stop <= 0 || l < stop))
                json_array_append_new(out, item(&g_hist[i], with_output));
        }
    } else if (!strcmp(type, "search")) {
        const char *pattern = json_string_value(json_object_get(c, "pattern"));
        int n = get_int(c, "n", 0);
        int unique = json_is_true(json_object_get(c, "unique"));
        if (!pattern)
            pattern = "*";
        /* newest first, then reversed so the reply reads oldest to newest */
        json_t *rev = json_array();
        for (int i = g_n - 1; i >= 0 && (n <= 0 || (int)json_array_size(rev) < n); i--) {
            if (fnmatch(pattern, g_hist[i].input, 0) != 0)
                continue;
            int dup = 0;
            for (int k = i + 1; unique && k < g_n && !dup; k++)
                dup = !strcmp(g_hist[k].input, g_hist[i].input) && !fnmatch(pattern, g_hist[k].input, 0);
            if (!dup)
                json_array_append_new(rev, item(&g_hist[i], with_output));
        }
        for (size_t i = json_array_size(rev); i > 0; i--)
            json_array_append(out, json_array_get(rev, i - 1));
        json_decref(rev);
    }
    return out;
}
