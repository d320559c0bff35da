/* Display dispatch (see coursdl/display.h) and the default sink of plain
 * programs: text to stdout, images to numbered files in the working folder. */
#include "coursdl.h"
#include "args.h"

#include <stdlib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static int default_show(void *ctx, DisplayKind kind, int id, const DisplayItem *items, int n);
static void default_clear(void *ctx, bool wait);

static const DisplaySink g_default_sink = { NULL, default_show, default_clear };
static DisplaySink g_sink = { NULL, default_show, default_clear };
static int g_next_id;

static const char *file_extension(const char *mime)
{
    if (!strcmp(mime, "image/png")) return "png";
    if (!strcmp(mime, "image/svg+xml")) return "svg";
    if (!strcmp(mime, "text/html")) return "html";
    if (!strcmp(mime, "application/json")) return "json";
    if (!strcmp(mime, "application/pdf")) return "pdf";
    return NULL;
}

static int default_show(void *ctx, DisplayKind kind, int id, const DisplayItem *items, int n)
{
    (void)ctx;
    /* Text is what a terminal shows best; otherwise write the richest item to a file. */
    for (int i = 0; i < n; i++) {
        if (!strcmp(items[i].mime, "text/plain")) {
            if (kind == DISPLAY_RESULT)
                fputs("Out: ", stdout);
            fwrite(items[i].data, 1, items[i].size, stdout);
            if (items[i].size == 0 || ((const char *)items[i].data)[items[i].size - 1] != '\n')
                fputc('\n', stdout);
            fflush(stdout);
            return 0;
        }
    }
    for (int i = 0; i < n; i++) {
        const char *ext = file_extension(items[i].mime);
        if (!ext)
            continue;
        char path[64];
        snprintf(path, sizeof path, "coursdl-display-%d.%s", id, ext);
        FILE *f = fopen(path, "wb");
        if (!f || fwrite(items[i].data, 1, items[i].size, f) != items[i].size) {
            if (f) fclose(f);
            fprintf(stderr, "display: cannot write %s\n", path);
            return -1;
        }
        fclose(f);
        printf("[%s written to %s]\n", items[i].mime, path);
        fflush(stdout);
        return 0;
    }
    return -1;
}

static void default_clear(void *ctx, bool wait)
{
    (void)ctx;
    (void)wait;
}

void display_set_sink(const DisplaySink *sink)
{
    g_sink = sink ? *sink : g_default_sink;
}

int display_bundle(const DisplayItem *items, int n)
{
    int id = ++g_next_id;
    g_sink.show(g_sink.ctx, DISPLAY_NEW, id, items, n);
    return id;
}

void display_update_bundle(int id, const DisplayItem *items, int n)
{
    if (id <= 0 || id > g_next_id)
        error_raise(ERR_VALUE, "display_update: no display with id %d (use the id returned by a display_* call)", id);
    g_sink.show(g_sink.ctx, DISPLAY_UPDATE, id, items, n);
}

void display_result(const DisplayItem *items, int n)
{
    g_sink.show(g_sink.ctx, DISPLAY_RESULT, 0, items, n);
}

int display_text(const char *text)
{
    if (!text)
        error_raise(ERR_VALUE, "display_text: text is NULL");
    DisplayItem item = { "text/plain", text, strlen(text) };
    return display_bundle(&item, 1);
}

int display_png(const void *png, size_t size)
{
    static const unsigned char magic[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
    if (!png || size < 24 || memcmp(png, magic, 8) != 0)
        error_raise(ERR_VALUE, "display_png: the %zu bytes given are not a PNG image (no PNG signature)", size);
    DisplayItem item = { "image/png", png, size };
    return display_bundle(&item, 1);
}

static int show_text_as(const char *fn, const char *mime, const char *text, bool with_plain)
{
    if (!text)
        error_raise(ERR_VALUE, "%s: the text is NULL (give a string)", fn);
    DisplayItem items[2] = { { mime, text, strlen(text) }, { "text/plain", text, strlen(text) } };
    return display_bundle(items, with_plain ? 2 : 1);
}

int display_svg(const char *svg)
{
    if (svg && !strstr(svg, "<svg"))
        error_raise(ERR_VALUE, "display_svg: the text has no <svg element (give an SVG document)");
    return show_text_as("display_svg", "image/svg+xml", svg, false);
}

int display_html(const char *html) { return show_text_as("display_html", "text/html", html, false); }
int display_markdown(const char *md) { return show_text_as("display_markdown", "text/markdown", md, true); }
int display_latex(const char *latex) { return show_text_as("display_latex", "text/latex", latex, true); }

/* A small JSON checker (RFC 8259 grammar), so that a typo is reported here
 * rather than turning into a null in the notebook. */
static const char *json_ws(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') p++;
    return p;
}

static const char *json_value(const char *p, int depth)
{
    p = json_ws(p);
    if (depth > 500) return NULL;
    if (*p == '{' || *p == '[') {
        char close = *p == '{' ? '}' : ']';
        bool obj = *p == '{';
        p = json_ws(p + 1);
        if (*p == close) return p + 1;
        for (;;) {
            if (obj) {
                p = json_ws(p);
                if (*p != '"' || !(p = json_value(p, depth + 1))) return NULL;
                p = json_ws(p);
                if (*p++ != ':') return NULL;
            }
            if (!(p = json_value(p, depth + 1))) return NULL;
            p = json_ws(p);
            if (*p == ',') { p++; continue; }
            return *p == close ? p + 1 : NULL;
        }
    }
    if (*p == '"') {
        for (p++; *p && *p != '"'; p++) {
            if ((unsigned char)*p < 0x20) return NULL;
            if (*p == '\\' && !*++p) return NULL;
        }
        return *p == '"' ? p + 1 : NULL;
    }
    if (!strncmp(p, "true", 4)) return p + 4;
    if (!strncmp(p, "false", 5)) return p + 5;
    if (!strncmp(p, "null", 4)) return p + 4;
    char *end;
    if (*p == '-' || (*p >= '0' && *p <= '9')) {
        strtod(p, &end);
        return end > p ? end : NULL;
    }
    return NULL;
}

int display_json(const char *json)
{
    if (!json)
        error_raise(ERR_VALUE, "display_json: the text is NULL (give a JSON string)");
    const char *end = json_value(json, 0);
    if (!end || *json_ws(end))
        error_raise(ERR_VALUE, "display_json: the text is not one valid JSON value near byte %zu "
                    "(check quotes, commas and brackets)", end ? (size_t)(json_ws(end) - json) : strlen(json));
    DisplayItem items[2] = { { "application/json", json, strlen(json) }, { "text/plain", json, strlen(json) } };
    return display_bundle(items, 2);
}

int display_tensor(Tensor *t)
{
    CDL_ARG(t);
    char *s = tensor_to_string(t);
    return display_text(s);
}

void display_update(int id, const char *mime, const void *data, size_t size)
{
    if (!mime || !data)
        error_raise(ERR_VALUE, "display_update: %s is NULL (give a MIME type and its data)", mime ? "data" : "mime");
    if (size == 0 && (!strncmp(mime, "text/", 5) || !strcmp(mime, "image/svg+xml") || !strcmp(mime, "application/json")))
        size = strlen(data);
    DisplayItem item = { mime, data, size };
    display_update_bundle(id, &item, 1);
}

bool display_is_rich(void)
{
    return g_sink.show != default_show;
}

void clear_output(bool wait)
{
    g_sink.clear(g_sink.ctx, wait);
}

static void result_text(const char *text)
{
    DisplayItem item = { "text/plain", text, strlen(text) };
    display_result(&item, 1);
}

void display_out_i64(long long v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", v);
    result_text(buf);
}

void display_out_u64(unsigned long long v)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%llu", v);
    result_text(buf);
}

/* Shortest decimal that reads back to the same value, like Python's repr:
 * positional between 1e-4 and 1e16 ("10.0", "0.25"), else scientific. */
static void format_double(char *buf, size_t size, double v, int max_digits)
{
    int digits = 1;
    for (; digits < max_digits; digits++) {
        snprintf(buf, size, "%.*g", digits, v);
        if (max_digits == 17 ? strtod(buf, NULL) == v : (float)strtod(buf, NULL) == (float)v)
            break;
    }
    double a = fabs(v);
    if (isfinite(v) && (a == 0 || (a >= 1e-4 && a < 1e16))) {
        int exponent = a == 0 ? 0 : (int)floor(log10(a));
        int decimals = digits - 1 - exponent;
        snprintf(buf, size, "%.*f", decimals > 0 ? decimals : 0, v);
    } else {
        snprintf(buf, size, "%.*g", digits, v);
    }
    /* Keep it recognisable as floating point: 2 -> 2.0 */
    if (!strpbrk(buf, ".eEn") && strlen(buf) + 2 < size)
        strcat(buf, ".0");
}

void display_out_f64(double v)
{
    char buf[40];
    format_double(buf, sizeof buf, v, 17);
    result_text(buf);
}

void display_out_f32(float v)
{
    char buf[40];
    format_double(buf, sizeof buf, v, 9);
    result_text(buf);
}

void display_out_bool(bool v) { result_text(v ? "true" : "false"); }

void display_out_char(char v)
{
    char buf[32];
    unsigned char c = (unsigned char)v;
    if (c == '\n') snprintf(buf, sizeof buf, "'\\n' (10)");
    else if (c == '\t') snprintf(buf, sizeof buf, "'\\t' (9)");
    else if (c == '\'') snprintf(buf, sizeof buf, "'\\'' (39)");
    else if (c == '\\') snprintf(buf, sizeof buf, "'\\\\' (92)");
    else if (c >= 32 && c < 127) snprintf(buf, sizeof buf, "'%c' (%d)", c, c);
    else snprintf(buf, sizeof buf, "'\\x%02x' (%d)", c, (int)v);
    result_text(buf);
}

void display_out_str(const char *s)
{
    if (!s) {
        result_text("NULL");
        return;
    }
    /* A C string literal that reads back as the same string. */
    size_t n = strlen(s);
    char *buf = malloc(4 * n + 3);
    if (!buf)
        error_raise(ERR_MEMORY, "display: out of memory showing a string of %zu bytes", n);
    char *o = buf;
    *o++ = '"';
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '\n': *o++ = '\\'; *o++ = 'n'; break;
        case '\t': *o++ = '\\'; *o++ = 't'; break;
        case '\r': *o++ = '\\'; *o++ = 'r'; break;
        case '"': *o++ = '\\'; *o++ = '"'; break;
        case '\\': *o++ = '\\'; *o++ = '\\'; break;
        default:
            if (*p < 32 || *p == 127)
                o += sprintf(o, "\\x%02x", *p);
            else
                *o++ = (char)*p;  /* UTF-8 bytes pass through */
        }
    }
    *o++ = '"';
    *o = 0;
    result_text(buf);
    free(buf);
}

void display_out_ptr(const void *p)
{
    char buf[40];
    if (p)
        snprintf(buf, sizeof buf, "(void *) %p", p);
    else
        snprintf(buf, sizeof buf, "(void *) NULL");
    result_text(buf);
}
