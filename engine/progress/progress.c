/* Progress bars (see coursdl/progress.h): tqdm's text layout, throttled
 * redraws, one display updated in place when a rich host is present. */
#include "coursdl.h"
#include "../core/args.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct Progress {
    long total, n;
    char desc[128], unit[32], postfix[256];
    double start, last_draw, mininterval;
    int display_id;   /* rich hosts: the display updated in place */
    bool leave, rich;
    int last_len;     /* plain: length of the last line, to blank leftovers */
};

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void fmt_time(char *buf, size_t size, double s)
{
    int t = s < 0 ? 0 : s > 3.6e8 ? 360000000 : (int)(s + 0.5);
    if (t >= 3600) snprintf(buf, size, "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60);
    else snprintf(buf, size, "%02d:%02d", t / 60, t % 60);
}

/* "45/100 [00:02<00:03, 20.50it/s, loss=0.123]" */
static void stats(const Progress *p, char *buf, size_t size)
{
    double el = now() - p->start, rate = el > 0 ? p->n / el : 0;
    char e[48], r[48] = "?";
    fmt_time(e, sizeof e, el);
    if (p->total > 0 && rate > 0) fmt_time(r, sizeof r, (p->total - p->n) / rate);
    char ratebuf[48];
    if (rate >= 1 || rate == 0) snprintf(ratebuf, sizeof ratebuf, "%.2f%s/s", rate, p->unit);
    else snprintf(ratebuf, sizeof ratebuf, "%.2fs/%s", 1 / rate, p->unit);
    if (p->total > 0)
        snprintf(buf, size, "%ld/%ld [%s<%s, %s%s%s]", p->n, p->total, e, r, ratebuf, p->postfix[0] ? ", " : "",
                 p->postfix);
    else
        snprintf(buf, size, "%ld%s [%s, %s%s%s]", p->n, p->unit, e, ratebuf, p->postfix[0] ? ", " : "", p->postfix);
}

static double fraction(const Progress *p)
{
    if (p->total <= 0) return 0;
    double f = (double)p->n / p->total;
    return f < 0 ? 0 : f > 1 ? 1 : f;
}

/* The whole text line: "desc:  45%|████▌     | 45/100 [...]" */
static void text_line(const Progress *p, char *buf, size_t size)
{
    char st[400];
    stats(p, st, sizeof st);
    const char *sep = p->desc[0] ? ": " : "";
    if (p->total <= 0) {
        snprintf(buf, size, "%s%s%s", p->desc, sep, st);
        return;
    }
    static const char *part[8] = { "", "\xe2\x96\x8f", "\xe2\x96\x8e", "\xe2\x96\x8d", "\xe2\x96\x8c",
                                   "\xe2\x96\x8b", "\xe2\x96\x8a", "\xe2\x96\x89" };
    enum { WIDTH = 20 };
    double f = fraction(p);
    int eighths = (int)(f * WIDTH * 8), full = eighths / 8;
    char bar[WIDTH * 3 + 8] = "";
    size_t k = 0;
    for (int i = 0; i < full; i++) { memcpy(bar + k, "\xe2\x96\x88", 3); k += 3; }
    int cells = full;
    if (full < WIDTH) {
        const char *pp = part[eighths % 8];
        size_t pl = strlen(pp);
        if (pl) { memcpy(bar + k, pp, pl); k += pl; cells++; }
    }
    for (; cells < WIDTH; cells++) bar[k++] = ' ';
    bar[k] = 0;
    snprintf(buf, size, "%s%s%3d%%|%s| %s", p->desc, sep, (int)(f * 100), bar, st);
}

static void html_escape(const char *s, char *out, size_t size)
{
    size_t k = 0;
    for (; *s && k + 7 < size; s++) {
        const char *r = *s == '<' ? "&lt;" : *s == '>' ? "&gt;" : *s == '&' ? "&amp;" : *s == '"' ? "&quot;" : NULL;
        if (r) { size_t l = strlen(r); memcpy(out + k, r, l); k += l; }
        else out[k++] = *s;
    }
    out[k] = 0;
}

static void draw(Progress *p, bool final)
{
    char line[1024];
    text_line(p, line, sizeof line);
    p->last_draw = now();
    if (p->rich) {
        char st[400], est[800], edesc[300], html[2048];
        stats(p, st, sizeof st);
        html_escape(st, est, sizeof est);
        html_escape(p->desc, edesc, sizeof edesc);
        int pct = (int)(fraction(p) * 100);
        const char *color = p->total <= 0 ? "#cccccc" : final && p->n >= p->total ? "#2ca02c" : "#1f77b4";
        char pc[16] = "";
        if (p->total > 0) snprintf(pc, sizeof pc, "%3d%%", pct);
        snprintf(html, sizeof html,
                 "<div style=\"display:flex;align-items:center;gap:0.6em;font-family:monospace\">"
                 "<span>%s</span><span>%s</span>"
                 "<div style=\"width:20em;height:1em;border:1px solid #999;background:#eee\">"
                 "<div style=\"width:%d%%;height:100%%;background:%s\"></div></div>"
                 "<span>%s</span></div>",
                 edesc, pc, p->total > 0 ? pct : 100, color, est);
        DisplayItem items[2] = { { "text/html", html, strlen(html) }, { "text/plain", line, strlen(line) } };
        if (p->display_id) display_update_bundle(p->display_id, items, 2);
        else p->display_id = display_bundle(items, 2);
    } else {
        int len = (int)strlen(line);
        fprintf(stderr, "\r%s%*s", line, p->last_len > len ? p->last_len - len : 0, "");
        if (final) fputc('\n', stderr);
        fflush(stderr);
        p->last_len = len;
    }
}

Progress *progress_new_(long total, const ProgressOptions *o)
{
    if (o->mininterval < 0)
        error_raise(ERR_VALUE, "progress_new: mininterval %g (give seconds >= 0; 0 means 0.1)", o->mininterval);
    Progress *p = calloc(1, sizeof *p);
    if (!p)
        error_raise(ERR_MEMORY, "progress_new: out of memory");
    p->total = total;
    snprintf(p->desc, sizeof p->desc, "%s", o->desc ? o->desc : "");
    snprintf(p->unit, sizeof p->unit, "%s", o->unit ? o->unit : "it");
    p->mininterval = o->mininterval > 0 ? o->mininterval : 0.1;
    p->leave = !o->no_leave;
    p->rich = display_is_rich();
    p->start = now();
    draw(p, false);
    return p;
}

static void check(const Progress *p, const char *fn)
{
    if (!p)
        error_raise(ERR_VALUE, "%s: the progress bar is NULL (create it with progress_new)", fn);
}

void progress_update(Progress *p, long n)
{
    CDL_ARG(p);
    check(p, "progress_update");
    p->n += n;
    /* A training loop's safe point: an interrupt stops it here. */
    interrupt_check();
    if (now() - p->last_draw >= p->mininterval)
        draw(p, false);
}

void progress_set_postfix(Progress *p, const char *fmt, ...)
{
    CDL_ARG(p);
    check(p, "progress_set_postfix");
    if (!fmt) { p->postfix[0] = 0; return; }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->postfix, sizeof p->postfix, fmt, ap);
    va_end(ap);
}

void progress_set_description(Progress *p, const char *desc)
{
    CDL_ARG(p);
    check(p, "progress_set_description");
    snprintf(p->desc, sizeof p->desc, "%s", desc ? desc : "");
}

long progress_count(const Progress *p)
{
    CDL_ARG(p);
    check(p, "progress_count");
    return p->n;
}

void progress_close(Progress *p)
{
    CDL_ARG_OPT(p);
    if (!p)
        return;
    if (p->leave) {
        draw(p, true);
    } else if (p->rich && p->display_id) {
        DisplayItem items[2] = { { "text/html", "", 0 }, { "text/plain", "", 0 } };
        display_update_bundle(p->display_id, items, 2);
    } else if (!p->rich) {
        fprintf(stderr, "\r%*s\r", p->last_len, "");
        fflush(stderr);
    }
    free(p);
}

void progress_finish(Progress *p, const char *text)
{
    CDL_ARG_OPT(p);
    if (!p)
        return;
    if (!text)
        text = "";
    if (p->rich) {
        DisplayItem item = { "text/plain", text, strlen(text) };
        if (p->display_id) display_update_bundle(p->display_id, &item, 1);
        else display_bundle(&item, 1);
    } else {
        fprintf(stderr, "\r%*s\r", p->last_len, "");
        fflush(stderr);
        printf("%s\n", text);
        fflush(stdout);
    }
    free(p);
}
