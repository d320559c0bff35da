/* Progress bars: the text line (count, percentage, rate, ETA, postfix) on
 * stderr in a plain program; in a rich host one display, created once and
 * then updated in place, at most every mininterval. */
#include "coursdl.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int g_pass, g_fail;
#define CHECK(cond, ...) do { if (cond) g_pass++; else { g_fail++; printf("FAIL %s:%d: ", __FILE__, __LINE__); \
    printf(__VA_ARGS__); printf("\n"); } } while (0)

static int g_new, g_updates, g_first_id, g_same_id = 1;
static char g_html[4096], g_text[1024];

static int rec_show(void *ctx, DisplayKind kind, int id, const DisplayItem *items, int n)
{
    (void)ctx;
    if (kind == DISPLAY_NEW) { g_new++; g_first_id = id; }
    else if (kind == DISPLAY_UPDATE) { g_updates++; g_same_id = g_same_id && id == g_first_id; }
    for (int i = 0; i < n; i++) {
        char *dst = !strcmp(items[i].mime, "text/html") ? g_html : !strcmp(items[i].mime, "text/plain") ? g_text : NULL;
        size_t cap = dst == g_html ? sizeof g_html : sizeof g_text;
        if (dst) { size_t l = items[i].size < cap - 1 ? items[i].size : cap - 1; memcpy(dst, items[i].data, l); dst[l] = 0; }
    }
    return 0;
}
static void rec_clear(void *ctx, bool wait) { (void)ctx; (void)wait; }

static void sleep_ms(int ms) { struct timespec ts = { 0, ms * 1000000L }; nanosleep(&ts, NULL); }

int main(void)
{
    /* Plain program: a '\r' line on stderr. */
    char *buf = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);
    FILE *saved = stderr;
    stderr = mem;
    Progress *p = progress_new(100, .desc = "Époque 1");
    for (int i = 0; i < 100; i++) progress_update(p, 1);
    progress_set_postfix(p, "loss=%.3f", 0.1234);
    progress_close(p);
    stderr = saved;
    fclose(mem);
    CHECK(buf[0] == '\r', "the line starts with \\r");
    CHECK(strstr(buf, "Époque 1: 100%|") != NULL, "final percentage and bar (%s)", buf);
    CHECK(strstr(buf, "100/100 [") != NULL, "count/total");
    CHECK(strstr(buf, "it/s, loss=0.123]") != NULL, "rate and postfix");
    CHECK(strstr(buf, "\xe2\x96\x88") != NULL, "block characters of the bar");
    CHECK(buf[len - 1] == '\n', "closed with a newline");
    free(buf);

    /* Rich host: one display, updated in place, throttled. */
    DisplaySink sink = { NULL, rec_show, rec_clear };
    display_set_sink(&sink);
    p = progress_new(1000, .desc = "train", .mininterval = 0.05);
    CHECK(g_new == 1 && g_updates == 0, "a new display at creation");
    for (int i = 0; i < 1000; i++) progress_update(p, 1);
    CHECK(g_updates <= 1, "1000 quick updates are throttled (%d redraws)", g_updates);
    sleep_ms(60);
    progress_set_postfix(p, "acc=%.2f", 0.97);
    progress_update(p, 0);
    CHECK(g_updates >= 1 && g_same_id, "redrawn after mininterval, same display id");
    progress_close(p);
    CHECK(g_new == 1 && g_same_id, "still one display after close");
    CHECK(strstr(g_html, "width:100%") != NULL && strstr(g_html, "train") != NULL, "HTML bar full at the end");
    CHECK(strstr(g_text, "1000/1000") && strstr(g_text, "acc=0.97"), "text/plain fallback (%s)", g_text);

    /* Unknown total: counts and rate only. */
    g_new = 0;
    p = progress_new(0, .unit = "img");
    progress_update(p, 42);
    progress_close(p);
    CHECK(strstr(g_text, "42img [") != NULL, "unknown total shows the count and unit (%s)", g_text);
    display_set_sink(NULL);
    printf("%d passed, %d failed\n", g_pass, g_fail);
    return g_fail != 0;
}
