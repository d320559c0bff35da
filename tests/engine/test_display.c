/* The display API: each display_* sends the right MIME bundle through the
 * sink, ids are fresh and updates reuse them, bad input is refused. */
#include "coursdl.h"

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int g_pass, g_fail;
#define CHECK(cond, ...) do { if (cond) g_pass++; else { g_fail++; printf("FAIL %s:%d: ", __FILE__, __LINE__); \
    printf(__VA_ARGS__); printf("\n"); } } while (0)

static struct { DisplayKind kind; int id, n; char mime[4][32]; char data[4][256]; } g_last;
static int g_calls, g_clears, g_clear_wait;

static int rec_show(void *ctx, DisplayKind kind, int id, const DisplayItem *items, int n)
{
    (void)ctx;
    g_calls++;
    g_last.kind = kind;
    g_last.id = id;
    g_last.n = n;
    for (int i = 0; i < n && i < 4; i++) {
        snprintf(g_last.mime[i], 32, "%s", items[i].mime);
        size_t len = items[i].size < 255 ? items[i].size : 255;
        memcpy(g_last.data[i], items[i].data, len);
        g_last.data[i][len] = 0;
    }
    return 0;
}

static void rec_clear(void *ctx, bool wait) { (void)ctx; g_clears++; g_clear_wait = wait; }

static bool has(const char *mime, const char *data)
{
    for (int i = 0; i < g_last.n; i++)
        if (!strcmp(g_last.mime[i], mime) && (!data || !strcmp(g_last.data[i], data)))
            return true;
    return false;
}

static jmp_buf g_jmp;
static void on_error(ErrorKind kind, const char *msg, void *ctx) { (void)kind; (void)msg; (void)ctx; longjmp(g_jmp, 1); }
#define EXPECT_ERROR(stmt, needle) do { \
    if (!setjmp(g_jmp)) { stmt; CHECK(0, "no error from %s", #stmt); } \
    else CHECK(error_last_kind() == ERR_VALUE && strstr(error_last_message(), needle), \
               "%s: got \"%s\"", #stmt, error_last_message()); } while (0)

int main(void)
{
    CHECK(!display_is_rich(), "the default sink is not rich");
    DisplaySink sink = { NULL, rec_show, rec_clear };
    display_set_sink(&sink);
    CHECK(display_is_rich(), "an installed sink is rich");

    int a = display_html("<b>gras</b>");
    CHECK(a > 0 && g_last.kind == DISPLAY_NEW && g_last.id == a && has("text/html", "<b>gras</b>"), "display_html");
    int b = display_markdown("# Titre");
    CHECK(b > a && has("text/markdown", "# Titre") && has("text/plain", "# Titre"), "display_markdown with a text fallback");
    int c = display_latex("$\\sigma(x)$");
    CHECK(c > b && has("text/latex", "$\\sigma(x)$"), "display_latex");
    int d = display_svg("<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>");
    CHECK(d > c && has("image/svg+xml", NULL), "display_svg");
    int e = display_json("{\"a\": [1, 2.5, true, null, \"x\\\"y\"]}");
    CHECK(e > d && has("application/json", NULL), "display_json");
    int f = display_text("bonjour");
    CHECK(f > e && has("text/plain", "bonjour"), "display_text");
    static const unsigned char png[32] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
    int g = display_png(png, sizeof png);
    CHECK(g > f && has("image/png", NULL), "display_png");

    display_update(a, "text/html", "<i>mis à jour</i>", 0);
    CHECK(g_last.kind == DISPLAY_UPDATE && g_last.id == a && has("text/html", "<i>mis à jour</i>"),
          "display_update replaces display a");
    clear_output(true);
    CHECK(g_clears == 1 && g_clear_wait, "clear_output(true)");

    error_set_handler(on_error, NULL);
    EXPECT_ERROR(display_json("{\"a\": }"), "display_json: the text is not one valid JSON value");
    EXPECT_ERROR(display_json("[1, 2] x"), "not one valid JSON value");
    EXPECT_ERROR(display_html(NULL), "display_html: the text is NULL");
    EXPECT_ERROR(display_svg("<html>"), "no <svg");
    EXPECT_ERROR(display_update(9999, "text/plain", "x", 0), "no display with id 9999");
    EXPECT_ERROR(display_update(a, NULL, "x", 0), "mime is NULL");
    EXPECT_ERROR(display_png("nope", 4), "not a PNG");
    EXPECT_ERROR(display_tensor(NULL), "display_tensor: argument 't' is NULL");
    error_set_handler(NULL, NULL);

    Tensor *t = tensor_zeros(2, 3);
    int h = display_tensor(t);
    CHECK(h > g && has("text/plain", NULL) && strstr(g_last.data[0], "tensor("), "display_tensor shows the printout (%s)",
          g_last.data[0]);

    display_set_sink(NULL);
    CHECK(!display_is_rich(), "back to the default sink");
    printf("%d passed, %d failed\n", g_pass, g_fail);
    return g_fail != 0;
}
