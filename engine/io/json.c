/* A small JSON reader for safetensors headers: objects, arrays, strings
 * (with escapes), numbers, true/false/null. Errors return NULL with a
 * position, never abort. */
#include "json.h"

#include <gc.h>
#include <stdlib.h>
#include <string.h>

typedef struct P { const char *s, *end; const char *err; } P;

static void ws(P *p) { while (p->s < p->end && (*p->s == ' ' || *p->s == '\n' || *p->s == '\t' || *p->s == '\r')) p->s++; }

static Json *value(P *p, int depth);

static char *string(P *p)
{
    if (p->s >= p->end || *p->s != '"') { p->err = "a string was expected"; return NULL; }
    p->s++;
    size_t cap = 16, n = 0;
    char *out = GC_MALLOC_ATOMIC(cap);
    while (p->s < p->end && *p->s != '"') {
        char c = *p->s++;
        if (c == '\\') {
            if (p->s >= p->end) break;
            char e = *p->s++;
            switch (e) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'r': c = '\r'; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'u': {  /* \uXXXX: BMP code point as UTF-8 */
                if (p->end - p->s < 4) { p->err = "bad \\u escape"; return NULL; }
                char hex[5] = { p->s[0], p->s[1], p->s[2], p->s[3], 0 };
                p->s += 4;
                unsigned cp = (unsigned)strtoul(hex, NULL, 16);
                char u[3];
                int k = 0;
                if (cp < 0x80) u[k++] = (char)cp;
                else if (cp < 0x800) { u[k++] = (char)(0xC0 | cp >> 6); u[k++] = (char)(0x80 | (cp & 63)); }
                else { u[k++] = (char)(0xE0 | cp >> 12); u[k++] = (char)(0x80 | ((cp >> 6) & 63)); u[k++] = (char)(0x80 | (cp & 63)); }
                for (int i = 0; i < k - 1; i++) {
                    if (n + 2 > cap) { char *o = GC_MALLOC_ATOMIC(cap * 2); memcpy(o, out, n); out = o; cap *= 2; }
                    out[n++] = u[i];
                }
                c = u[k - 1];
                break;
            }
            default: c = e;
            }
        }
        if (n + 2 > cap) { char *o = GC_MALLOC_ATOMIC(cap * 2); memcpy(o, out, n); out = o; cap *= 2; }
        out[n++] = c;
    }
    if (p->s >= p->end) { p->err = "unterminated string"; return NULL; }
    p->s++;
    out[n] = 0;
    return out;
}

static Json *list(P *p, int depth, bool object)
{
    Json *j = GC_MALLOC(sizeof *j);
    j->type = object ? JSON_OBJECT : JSON_ARRAY;
    p->s++;
    int cap = 8;
    j->items = GC_MALLOC(sizeof(Json *) * (size_t)cap);
    j->keys = object ? GC_MALLOC(sizeof(char *) * (size_t)cap) : NULL;
    ws(p);
    char close = object ? '}' : ']';
    if (p->s < p->end && *p->s == close) { p->s++; return j; }
    for (;;) {
        ws(p);
        char *key = NULL;
        if (object) {
            if (!(key = string(p))) return NULL;
            ws(p);
            if (p->s >= p->end || *p->s != ':') { p->err = "':' was expected"; return NULL; }
            p->s++;
        }
        Json *v = value(p, depth + 1);
        if (!v) return NULL;
        if (j->n == cap) {
            Json **it = GC_MALLOC(sizeof(Json *) * (size_t)cap * 2);
            memcpy(it, j->items, sizeof(Json *) * (size_t)cap);
            j->items = it;
            if (object) {
                char **ks = GC_MALLOC(sizeof(char *) * (size_t)cap * 2);
                memcpy(ks, j->keys, sizeof(char *) * (size_t)cap);
                j->keys = ks;
            }
            cap *= 2;
        }
        if (object) j->keys[j->n] = key;
        j->items[j->n++] = v;
        ws(p);
        if (p->s < p->end && *p->s == ',') { p->s++; continue; }
        if (p->s < p->end && *p->s == close) { p->s++; return j; }
        p->err = object ? "',' or '}' was expected" : "',' or ']' was expected";
        return NULL;
    }
}

static Json *value(P *p, int depth)
{
    ws(p);
    if (depth > 32) { p->err = "nested too deeply"; return NULL; }
    if (p->s >= p->end) { p->err = "unexpected end"; return NULL; }
    char c = *p->s;
    if (c == '{' || c == '[') return list(p, depth, c == '{');
    Json *j = GC_MALLOC(sizeof *j);
    if (c == '"') {
        j->type = JSON_STRING;
        return (j->str = string(p)) ? j : NULL;
    }
    const char *words[] = { "true", "false", "null" };
    for (int i = 0; i < 3; i++) {
        size_t l = strlen(words[i]);
        if ((size_t)(p->end - p->s) >= l && !strncmp(p->s, words[i], l)) {
            p->s += l;
            j->type = i < 2 ? JSON_BOOL : JSON_NULL;
            j->num = i == 0;
            return j;
        }
    }
    char buf[64];
    size_t l = 0;
    while (p->s + l < p->end && l < 63 && strchr("+-0123456789.eE", p->s[l])) { buf[l] = p->s[l]; l++; }
    buf[l] = 0;
    char *e;
    j->num = strtod(buf, &e);
    if (l == 0 || e != buf + l) { p->err = "a value was expected"; return NULL; }
    j->type = JSON_NUMBER;
    p->s += l;
    return j;
}

Json *json_parse(const char *text, size_t size, const char **error)
{
    P p = { text, text + size, NULL };
    Json *j = value(&p, 0);
    if (j) {
        ws(&p);
        if (p.s != p.end) { j = NULL; p.err = "text after the value"; }
    }
    if (!j && error) *error = p.err;
    return j;
}

Json *json_get(const Json *obj, const char *key)
{
    if (!obj || obj->type != JSON_OBJECT) return NULL;
    for (int i = 0; i < obj->n; i++)
        if (!strcmp(obj->keys[i], key)) return obj->items[i];
    return NULL;
}
