#include "cellscope.h"

#include <stdlib.h>
#include <string.h>

/* ---- macros at each item's place ------------------------------------------ */

static bool is_macro_directive(const Item *it)
{
    if (it->kind != ITEM_PREPROC || !it->name)
        return false;
    const char *t = it->text;
    while (*t == ' ' || *t == '\t' || *t == '#') t++;
    return !strncmp(t, "define", 6) || !strncmp(t, "undef", 5);
}

static int name_index(const MacroTrack *t, const char *name)
{
    for (int k = 0; k < t->n; k++)
        if (!strcmp(t->names[k], name))
            return k;
    return -1;
}

void macro_track_init(MacroTrack *t, const ItemList *items)
{
    memset(t, 0, sizeof *t);
    t->items = items;
    for (int i = 0; i < items->n; i++) {
        const Item *it = &items->items[i];
        if (!is_macro_directive(it) || name_index(t, it->name) >= 0)
            continue;
        t->names = xrealloc(t->names, sizeof *t->names * (size_t)(t->n + 1));
        t->names[t->n++] = xstrdup(it->name);
    }
    t->cur = xmalloc(sizeof *t->cur * (size_t)(t->n + 1));
    for (int k = 0; k < t->n; k++)
        t->cur[k] = -1;
}

void macro_track_free(MacroTrack *t)
{
    for (int k = 0; k < t->n; k++)
        free(t->names[k]);
    free(t->names);
    free(t->cur);
    memset(t, 0, sizeof *t);
}

bool macro_track_has(const MacroTrack *t, const char *name)
{
    return name_index(t, name) >= 0;
}

void macro_track_start(MacroTrack *t, StrBuf *b, const char *(*before)(const char *name, void *ctx), void *ctx)
{
    for (int k = 0; k < t->n; k++) {
        const char *text = before ? before(t->names[k], ctx) : NULL;
        if (text)
            sb_printf(b, "#undef %s\n%s\n", t->names[k], text);
        sb_printf(b, "#pragma push_macro(\"%s\")\n", t->names[k]);
        t->cur[k] = -1;
    }
}

/* The directive about macro k in force just before item index (-1: none of the cell's). */
static int state_before(const MacroTrack *t, int k, int index)
{
    int want = -1;
    for (int i = 0; i < index && i < t->items->n; i++) {
        const Item *it = &t->items->items[i];
        if (is_macro_directive(it) && !strcmp(it->name, t->names[k]))
            want = i;
    }
    return want;
}

static void write_state(MacroTrack *t, StrBuf *b, int k, int state)
{
    if (state < 0)  /* back to the state before the cell, kept on the pragma stack */
        sb_printf(b, "\n#pragma pop_macro(\"%s\")\n#pragma push_macro(\"%s\")\n", t->names[k], t->names[k]);
    else
        sb_printf(b, "\n#undef %s\n%s\n", t->names[k], t->items->items[state].text);
    t->cur[k] = state;
}

bool macro_track_goto(MacroTrack *t, StrBuf *b, int index)
{
    bool wrote = false;
    for (int k = 0; k < t->n; k++) {
        int want = state_before(t, k, index);
        if (want != t->cur[k]) {
            write_state(t, b, k, want);
            wrote = true;
        }
    }
    return wrote;
}

void macro_track_emit(MacroTrack *t, StrBuf *b, int index)
{
    const Item *it = &t->items->items[index];
    int k = is_macro_directive(it) ? name_index(t, it->name) : -1;
    if (k < 0) {
        sb_printf(b, "%s\n", it->text);
        return;
    }
    sb_printf(b, "#undef %s\n%s\n", it->name, it->text);
    t->cur[k] = index;
}

/* ---- identifiers renamed -------------------------------------------------- */

static bool is_member_access(const char *code, const CToken *prev)
{
    if (!prev || prev->kind != TOK_PUNCT)
        return false;
    int len = prev->end - prev->start;
    return (len == 1 && code[prev->start] == '.') || (len == 2 && !strncmp(code + prev->start, "->", 2));
}

char *cell_rename_idents(const char *text, char *const *from, char *const *to, int n, int *off)
{
    CToken *tok = NULL;
    int nt = 0;
    cell_tokenize(text, 0, &tok, &nt);
    StrBuf b;
    sb_init(&b);
    int at = 0, new_off = off ? -1 : 0;
    for (int i = 0; i < nt; i++) {
        const CToken *k = &tok[i];
        if (k->kind != TOK_IDENT || is_member_access(text, i ? &tok[i - 1] : NULL))
            continue;
        size_t len = (size_t)(k->end - k->start);
        int m = 0;
        while (m < n && (strlen(from[m]) != len || strncmp(text + k->start, from[m], len)))
            m++;
        if (m == n)
            continue;
        if (off && new_off < 0 && *off < k->end)
            new_off = (int)b.len + (*off - at);
        sb_putn(&b, text + at, (size_t)(k->start - at));
        sb_puts(&b, to[m]);
        at = k->end;
    }
    if (off && new_off < 0)
        new_off = (int)b.len + (*off - at);
    sb_puts(&b, text + at);
    free(tok);
    if (off)
        *off = new_off;
    return sb_take(&b);
}

bool cell_mentions(const char *text, const char *name)
{
    CToken *tok = NULL;
    int nt = 0;
    cell_tokenize(text, 0, &tok, &nt);
    size_t len = strlen(name);
    bool hit = false;
    for (int i = 0; i < nt && !hit; i++)
        hit = tok[i].kind == TOK_IDENT && (size_t)(tok[i].end - tok[i].start) == len
            && !strncmp(text + tok[i].start, name, len) && !is_member_access(text, i ? &tok[i - 1] : NULL);
    free(tok);
    return hit;
}
