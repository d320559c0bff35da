/* plt_*: every function renders, and the PNG says so: size, each series'
 * colour where its data lies, legend and colour bar areas, text drawn.
 * PNGs are decoded here with zlib (RGB/RGBA, 8 bits, all filters). */
#include "coursdl.h"

#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

static int g_pass, g_fail;
#define CHECK(cond, ...) do { if (cond) g_pass++; else { g_fail++; printf("FAIL %s:%d: ", __FILE__, __LINE__); \
    printf(__VA_ARGS__); printf("\n"); } } while (0)

/* ---- PNG decoding ---- */
typedef struct Img { int w, h; unsigned char *rgb; } Img;

static unsigned be32(const unsigned char *p) { return (unsigned)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]; }

static int paeth(int a, int b, int c)
{
    int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

static Img decode(const unsigned char *png, size_t size)
{
    Img im = { 0, 0, NULL };
    if (size < 8 || memcmp(png, "\x89PNG\r\n\x1a\n", 8)) return im;
    size_t pos = 8, zcap = size, zlen = 0;
    unsigned char *z = malloc(zcap);
    int ctype = 0, depth = 0;
    while (pos + 8 <= size) {
        unsigned len = be32(png + pos);
        const unsigned char *type = png + pos + 4, *data = png + pos + 8;
        if (!memcmp(type, "IHDR", 4)) { im.w = (int)be32(data); im.h = (int)be32(data + 4); depth = data[8]; ctype = data[9]; }
        if (!memcmp(type, "IDAT", 4)) { memcpy(z + zlen, data, len); zlen += len; }
        pos += 12 + len;
    }
    int bpp = ctype == 6 ? 4 : 3;
    if (depth != 8 || (ctype != 2 && ctype != 6)) { free(z); im.w = im.h = 0; return im; }
    size_t stride = (size_t)im.w * bpp, rawlen = (stride + 1) * im.h;
    unsigned char *raw = malloc(rawlen);
    uLongf outlen = rawlen;
    if (uncompress(raw, &outlen, z, zlen) != Z_OK || outlen != rawlen) { free(z); free(raw); im.w = im.h = 0; return im; }
    free(z);
    unsigned char *cur = malloc(stride * im.h);
    for (int y = 0; y < im.h; y++) {
        int f = raw[y * (stride + 1)];
        const unsigned char *s = raw + y * (stride + 1) + 1;
        unsigned char *o = cur + y * stride, *up = y ? o - stride : NULL;
        for (size_t i = 0; i < stride; i++) {
            int a = i >= (size_t)bpp ? o[i - bpp] : 0, b = up ? up[i] : 0, c = (up && i >= (size_t)bpp) ? up[i - bpp] : 0;
            int v = s[i];
            if (f == 1) v += a; else if (f == 2) v += b; else if (f == 3) v += (a + b) / 2; else if (f == 4) v += paeth(a, b, c);
            o[i] = (unsigned char)v;
        }
    }
    free(raw);
    im.rgb = malloc((size_t)im.w * im.h * 3);
    for (long i = 0; i < (long)im.w * im.h; i++)
        memcpy(im.rgb + 3 * i, cur + bpp * i, 3);
    free(cur);
    return im;
}

/* Renders the current figure, closes it and decodes the PNG. */
static Img render(void)
{
    static int k;
    size_t size = 0;
    unsigned char *png = plt_render_png(plt_gcf(), &size);
    plt_close();
    /* TEST_PLOT_DUMP=folder keeps every rendered figure, to look at. */
    const char *dump = getenv("TEST_PLOT_DUMP");
    if (dump) {
        char path[512];
        snprintf(path, sizeof path, "%s/render-%02d.png", dump, ++k);
        FILE *f = fopen(path, "wb");
        if (f) { fwrite(png, 1, size, f); fclose(f); }
    }
    Img im = decode(png, size);
    free(png);
    return im;
}

static bool near_color(const Img *im, int x, int y, unsigned rgb, int tol)
{
    if (x < 0 || y < 0 || x >= im->w || y >= im->h) return false;
    const unsigned char *p = im->rgb + 3 * ((size_t)y * im->w + x);
    return abs(p[0] - (int)(rgb >> 16)) <= tol && abs(p[1] - (int)((rgb >> 8) & 255)) <= tol &&
           abs(p[2] - (int)(rgb & 255)) <= tol;
}

/* Pixels of colour rgb (+-tol) in the rectangle [x0, x1) x [y0, y1) (image rows, top down). */
static long count(const Img *im, int x0, int y0, int x1, int y1, unsigned rgb, int tol)
{
    long n = 0;
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++)
            n += near_color(im, x, y, rgb, tol);
    return n;
}

/* Dark pixels (text, frame) in a rectangle. */
static long dark(const Img *im, int x0, int y0, int x1, int y1)
{
    long n = 0;
    for (int y = y0 < 0 ? 0 : y0; y < y1 && y < im->h; y++)
        for (int x = x0 < 0 ? 0 : x0; x < x1 && x < im->w; x++) {
            const unsigned char *p = im->rgb + 3 * ((size_t)y * im->w + x);
            n += p[0] < 100 && p[1] < 100 && p[2] < 100;
        }
    return n;
}

static bool has_color_near(const Img *im, int x, int y, int r, unsigned rgb, int tol)
{
    return count(im, x - r, y - r, x + r + 1, y + r + 1, rgb, tol) > 0;
}

#define BLUE 0x1f77b4
#define ORANGE 0xff7f0e
#define GREEN 0x2ca02c
#define RED 0xd62728

/* Default 640x480 axes box: x 80..576, rows 57.6..427.2; data range + 5% margins. */
static int col_of(double x, double lo, double hi) { double m = 0.05 * (hi - lo); return (int)lround(80 + (x - lo + m) / (hi - lo + 2 * m) * 496); }
static int row_of(double y, double lo, double hi) { double m = 0.05 * (hi - lo); return (int)lround(427.2 - (y - lo + m) / (hi - lo + 2 * m) * 369.6); }

/* ---- errors ---- */
static jmp_buf g_jmp;
static void on_error(ErrorKind kind, const char *msg, void *ctx) { (void)kind; (void)msg; (void)ctx; longjmp(g_jmp, 1); }
#define EXPECT_ERROR(stmt, kind, needle) do { \
    if (!setjmp(g_jmp)) { stmt; CHECK(0, "no error from %s", #stmt); } \
    else CHECK(error_last_kind() == (kind) && strstr(error_last_message(), needle), \
               "%s: got \"%s\"", #stmt, error_last_message()); \
    error_reset_state(); } while (0)

/* ---- tests ---- */

static void test_figure_size(void)
{
    double y[3] = { 1, 2, 3 };
    plt_plot(NULL, y, 3);
    Img im = render();
    CHECK(im.w == 640 && im.h == 480, "default figure is %dx%d, expected 640x480", im.w, im.h);
    CHECK(near_color(&im, 5, 5, 0xffffff, 0), "white background");
    free(im.rgb);
    plt_figure(.width = 3, .height = 2, .dpi = 50);
    plt_plot(NULL, y, 3);
    im = render();
    CHECK(im.w == 150 && im.h == 100, "3x2 in at 50 dpi is %dx%d", im.w, im.h);
    free(im.rgb);
}

static void test_plot_lines(void)
{
    double x[101], y1[101], y2[101];
    for (int i = 0; i <= 100; i++) { x[i] = i / 100.0; y1[i] = x[i]; y2[i] = 1 - x[i]; }
    plt_plot(x, y1, 101, .label = "montée");
    plt_plot(x, y2, 101, .label = "descente", .linestyle = "--", .linewidth = 3);
    Img im = render();
    /* Colours from the tab10 cycle, where the data says. */
    CHECK(has_color_near(&im, col_of(0.25, 0, 1), row_of(0.25, 0, 1), 2, BLUE, 40), "first series is tab:blue on y = x");
    CHECK(has_color_near(&im, col_of(0.75, 0, 1), row_of(0.75, 0, 1), 2, BLUE, 40), "blue at (0.75, 0.75)");
    CHECK(!has_color_near(&im, col_of(0.75, 0, 1), row_of(0.25, 0, 1), 3, BLUE, 40), "no blue where y = x is not");
    CHECK(count(&im, col_of(0.1, 0, 1), row_of(1, 0, 1), col_of(0.9, 0, 1), row_of(0, 0, 1), ORANGE, 40) > 200,
          "second series is tab:orange");
    /* Dark frame: the spines at the axes box. */
    CHECK(dark(&im, 79, 100, 82, 400) > 250, "left spine drawn");
    /* Tick labels under the axes. */
    CHECK(dark(&im, 70, 432, 590, 450) > 50, "x tick labels drawn");
    free(im.rgb);

    /* y alone, markers, colours by name, alpha */
    double y[5] = { 3, 1, 4, 1, 5 };
    plt_plot(NULL, y, 5, .color = "tab:red", .marker = "o", .markersize = 10, .linestyle = "none");
    im = render();
    CHECK(has_color_near(&im, col_of(2, 0, 4), row_of(4, 1, 5), 2, RED, 30), "marker at (2, 4)");
    CHECK(!has_color_near(&im, (col_of(0, 0, 4) + col_of(1, 0, 4)) / 2, (row_of(3, 1, 5) + row_of(1, 1, 5)) / 2, 2, RED, 30),
          "linestyle none: no line between markers");
    free(im.rgb);

    plt_plot(NULL, y, 5, .color = "#00ff00", .alpha = 0.5, .linewidth = 4);
    im = render();
    CHECK(count(&im, 80, 57, 576, 427, 0x80ff80, 20) > 50, "alpha 0.5 green blends with white");
    free(im.rgb);
}

static void test_scatter(void)
{
    double x[4] = { 0, 1, 0, 1 }, y[4] = { 0, 0, 1, 1 };
    int labels[4] = { 0, 1, 2, 3 };
    plt_scatter(x, y, 4, .labels = labels, .s = 100);
    Img im = render();
    unsigned cols[4] = { BLUE, ORANGE, GREEN, RED };
    for (int i = 0; i < 4; i++)
        CHECK(near_color(&im, col_of(x[i], 0, 1), row_of(y[i], 0, 1), cols[i], 10), "scatter point %d has class colour", i);
    free(im.rgb);
    double v[4] = { 0, 1, 2, 3 };
    plt_scatter(x, y, 4, .values = v, .cmap = "viridis", .s = 100);
    plt_colorbar(.label = "valeur");
    im = render();
    CHECK(has_color_near(&im, col_of(0, 0, 1) * 8 / 10 + 16, row_of(0, 0, 1), 60, 0x440154, 20), "lowest value is dark purple");
    CHECK(count(&im, 500, 57, 640, 427, 0xfde725, 30) > 20, "colour bar shows the yellow end");
    free(im.rgb);
}

static void test_bars_hist(void)
{
    double h[3] = { 1, 3, 2 };
    plt_bar(NULL, h, 3, .color = "tab:green", .tick_labels = (const char *[]){ "relu", "tanh", "sigmoid" });
    Img im = render();
    /* Bars start at 0 exactly (sticky edge): the value axis is 0..3.15. */
    int r1 = (int)lround(427.2 - 1.5 / 3.15 * 369.6);
    CHECK(near_color(&im, col_of(1, -0.4, 2.4), r1, GREEN, 5), "bar 2 filled green at height 1.5");
    CHECK(!near_color(&im, col_of(0, -0.4, 2.4), (int)lround(427.2 - 2 / 3.15 * 369.6), GREEN, 5), "bar 1 stops at 1");
    CHECK(dark(&im, col_of(2, -0.4, 2.4) - 30, 432, col_of(2, -0.4, 2.4) + 30, 450) > 20, "tick label under bar 3");
    free(im.rgb);

    plt_barh(NULL, h, 3, .color = "C3");
    im = render();
    CHECK(count(&im, 80, 57, 576, 427, RED, 5) > 10000, "horizontal bars drawn");
    free(im.rgb);

    double v[1000];
    for (int i = 0; i < 1000; i++) v[i] = (i % 100) / 10.0;
    plt_hist(v, 1000, .bins = 10, .density = true, .alpha = 0.5);
    im = render();
    CHECK(count(&im, 100, 100, 560, 420, 0x8fbbd9, 12) > 50000, "histogram bars (alpha 0.5 blue) fill the axes");
    free(im.rgb);
}

static void test_fill_errorbar(void)
{
    double x[3] = { 0, 1, 2 }, lo[3] = { 0, 0, 0 }, hi[3] = { 1, 1, 1 }, e[3] = { 0.5, 0.5, 0.5 };
    plt_fill_between(x, lo, hi, 3, .color = "tab:orange", .alpha = 0.3, .label = "bande");
    plt_legend(.loc = "lower left");
    Img im = render();
    CHECK(near_color(&im, 320, 240, 0xffd8b6, 12), "fill_between blends orange at 30%%");
    free(im.rgb);
    plt_errorbar(x, hi, e, 3, .color = "tab:purple", .capsize = 5);
    im = render();
    CHECK(count(&im, 80, 57, 576, 427, 0x9467bd, 30) > 100, "error bars drawn in purple");
    free(im.rgb);
}

static void test_contour_image(void)
{
    double z[50 * 40];
    for (int j = 0; j < 40; j++)
        for (int i = 0; i < 50; i++) z[j * 50 + i] = i + j;
    plt_contourf(NULL, 50, NULL, 40, z, .cmap = "viridis", .levels = 8);
    plt_colorbar();
    Img im = render();
    CHECK(count(&im, 80, 57, 460, 427, 0x440154, 60) > 200, "contourf low band dark purple");
    CHECK(count(&im, 80, 57, 460, 427, 0xddde2e, 40) > 200, "contourf high band yellow-green");
    CHECK(count(&im, 470, 57, 640, 427, 0x21918c, 50) > 50, "colour bar of the bands");
    free(im.rgb);
    plt_contour(NULL, 50, NULL, 40, z, .colors = "k", .values = (double[]){ 40 }, .nvalues = 1);
    im = render();
    CHECK(dark(&im, 100, 80, 560, 400) > 100, "one black contour line");
    free(im.rgb);

    float img[4] = { 0, 0.25f, 0.75f, 1 };
    plt_imshow(img, 2, 2, .cmap = "gray", .vmin = 0, .vmax = 1);
    im = render();
    /* Square pixels: the 2x2 image fills a centred square; row 0 at the top. */
    CHECK(near_color(&im, 200, 120, 0x000000, 3) || near_color(&im, 250, 130, 0x000000, 3), "pixel (0,0) black at top left");
    CHECK(count(&im, 80, 57, 576, 427, 0x404040, 3) > 5000, "pixel (0,1) at 25%% grey");
    CHECK(count(&im, 80, 57, 576, 427, 0xbfbfbf, 3) > 5000, "pixel (1,0) at 75%% grey");
    free(im.rgb);
}

static void test_text_and_decorations(void)
{
    double y[2] = { 0, 1 };
    plt_plot(NULL, y, 2);
    plt_title("Époques");
    plt_xlabel("Précision µ");
    plt_ylabel("perte");
    plt_text(0.5, 0.5, "ici", .fontsize = 20, .color = "tab:red", .ha = "center", .va = "center");
    plt_annotate("là", 0.2, 0.8, 0.6, 0.9, .arrowcolor = "tab:green");
    plt_axhline(0.3, .color = "tab:purple");
    plt_axvline(0.7, .color = "tab:brown", .linestyle = ":");
    plt_grid(true);
    plt_suptitle("Figure");
    Img im = render();
    CHECK(dark(&im, 250, 30, 390, 57) > 30, "title drawn above the axes");
    CHECK(dark(&im, 250, 450, 390, 475) > 30, "xlabel drawn below");
    CHECK(dark(&im, 0, 200, 45, 280) > 30, "ylabel drawn at the left");
    CHECK(dark(&im, 250, 0, 390, 25) > 20, "suptitle at the top");
    CHECK(count(&im, col_of(0.5, 0, 1) - 30, row_of(0.5, 0, 1) - 15, col_of(0.5, 0, 1) + 30, row_of(0.5, 0, 1) + 15,
                RED, 60) > 40, "text in red at (0.5, 0.5)");
    CHECK(count(&im, col_of(0.2, 0, 1), row_of(0.9, 0, 1), col_of(0.6, 0, 1), row_of(0.8, 0, 1) + 5, GREEN, 60) > 20,
          "annotation arrow in green");
    CHECK(count(&im, 85, row_of(0.3, 0, 1) - 1, 570, row_of(0.3, 0, 1) + 2, 0x9467bd, 20) > 400, "axhline across");
    CHECK(count(&im, col_of(0.7, 0, 1) - 1, 60, col_of(0.7, 0, 1) + 2, 420, 0x8c564b, 30) > 100, "dotted axvline");
    CHECK(count(&im, 80, 57, 576, 427, 0xb0b0b0, 8) > 1000, "grid lines in #b0b0b0");
    free(im.rgb);
}

/* An arrow-only annotation (empty text), like matplotlib's annotate("", xy, xytext,
 * arrowprops=...): the arrow starts at the text point, so a short one is drawn too. */
static void test_arrow_only_annotation(void)
{
    double y[2] = { 0, 1 };
    plt_plot(NULL, y, 2, .color = "tab:gray");
    plt_annotate("", 0.3, 0.50, 0.3, 0.53, .arrowcolor = "tab:green");   /* about 11 pixels long */
    Img im = render();
    CHECK(count(&im, col_of(0.3, 0, 1) - 6, row_of(0.53, 0, 1) - 2, col_of(0.3, 0, 1) + 7, row_of(0.50, 0, 1) + 2,
                GREEN, 60) > 8, "short arrow of an annotation without text");
    free(im.rgb);
}

static void test_legend(void)
{
    double y1[2] = { 0, 1 }, y2[2] = { 1, 0 };
    plt_plot(NULL, y1, 2, .label = "train");
    plt_plot(NULL, y2, 2, .label = "validation");
    plt_legend(.loc = "center");
    Img im = render();
    /* The legend box (white, grey edge) at the centre holds both handles and text. */
    CHECK(count(&im, 250, 200, 410, 285, 0xcccccc, 12) > 60, "legend frame edge");
    CHECK(dark(&im, 250, 200, 410, 285) > 60, "legend labels");
    free(im.rgb);
    plt_plot(NULL, y1, 2);
    im = render();
    CHECK(count(&im, 80, 57, 576, 427, 0xcccccc, 8) < 30, "no legend when not asked");
    free(im.rgb);
}

static void test_limits_scales_ticks(void)
{
    double x[4] = { 1, 10, 100, 1000 }, y[4] = { 1, 2, 3, 4 };
    plt_plot(x, y, 4, .marker = "s");
    plt_xscale("log");
    plt_xlim(1, 1000);
    plt_xticks((double[]){ 1, 10, 100, 1000 }, 4, (const char *const[]){ "un", "dix", "cent", "mille" });
    Img im = render();
    /* Log x: 10 and 100 are a third and two thirds across. */
    CHECK(has_color_near(&im, (int)lround(80 + 496 / 3.0), row_of(2, 1, 4), 3, BLUE, 40), "log x: 10 at one third");
    CHECK(has_color_near(&im, (int)lround(80 + 2 * 496 / 3.0), row_of(3, 1, 4), 3, BLUE, 40), "log x: 100 at two thirds");
    CHECK(dark(&im, 80 + 496 / 3 - 20, 432, 80 + 496 / 3 + 20, 450) > 10, "tick label \"dix\"");
    free(im.rgb);
    plt_plot(x, y, 4);
    plt_ylim(0, 2);
    im = render();
    CHECK(has_color_near(&im, col_of(10, 1, 1000), (int)lround(427.2 - 369.6), 3, BLUE, 40), "ylim 0..2: y = 2 at the top");
    free(im.rgb);
}

static void test_subplots_layout(void)
{
    double y[2] = { 0, 1 };
    plt_subplots(1, 2);
    plt_plot(NULL, y, 2, .color = "tab:red");
    plt_subplot(1, 2, 2);
    plt_plot(NULL, y, 2, .color = "tab:green");
    Img im = render();
    CHECK(count(&im, 0, 0, 320, 480, RED, 30) > 100 && count(&im, 0, 0, 320, 480, GREEN, 30) == 0, "left axes red only");
    CHECK(count(&im, 320, 0, 640, 480, GREEN, 30) > 100 && count(&im, 320, 0, 640, 480, RED, 30) == 0, "right axes green only");
    free(im.rgb);

    plt_plot(NULL, y, 2);
    plt_ylabel("perte");
    plt_tight_layout();
    im = render();
    int spine = 0;
    while (spine < 200 && dark(&im, spine, 100, spine + 1, 400) < 250) spine++;
    CHECK(spine > 40 && spine < 75, "tight_layout moves the left spine outwards (to x = %d)", spine);
    free(im.rgb);
}

static void test_helpers_render(void);

static void test_savefig(void)
{
    double y[3] = { 1, 2, 3 };
    char dir[] = "/tmp/test_plot_XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "temp dir");
    const char *ext[3] = { "png", "svg", "pdf" };
    const char *magic[3] = { "\x89PNG", "<?xml", "%PDF" };
    for (int i = 0; i < 3; i++) {
        char path[256];
        snprintf(path, sizeof path, "%s/f.%s", dir, ext[i]);
        plt_plot(NULL, y, 3, .label = "courbe");
        plt_legend();
        plt_savefig(path);
        plt_close();
        FILE *f = fopen(path, "rb");
        char head[8] = { 0 };
        size_t n = f ? fread(head, 1, 8, f) : 0;
        if (f) fclose(f);
        CHECK(n >= 4 && !memcmp(head, magic[i], strlen(magic[i])), "savefig .%s writes a %s file", ext[i], ext[i]);
        unlink(path);
    }
    rmdir(dir);
}

/* A sink that records what is shown. */
static int g_shown, g_png_w;
static int rec_show(void *ctx, DisplayKind kind, int id, const DisplayItem *items, int n)
{
    (void)ctx; (void)kind; (void)id;
    for (int i = 0; i < n; i++)
        if (!strcmp(items[i].mime, "image/png")) {
            g_shown++;
            g_png_w = (int)be32((const unsigned char *)items[i].data + 16);
        }
    return 0;
}
static void rec_clear(void *ctx, bool wait) { (void)ctx; (void)wait; }

static void test_show(void)
{
    DisplaySink sink = { NULL, rec_show, rec_clear };
    display_set_sink(&sink);
    double y[3] = { 1, 2, 3 };
    plt_show_pending();
    CHECK(g_shown == 0, "show_pending with no figure shows nothing");
    plt_plot(NULL, y, 3);
    plt_show();
    CHECK(g_shown == 1 && g_png_w == 640, "plt_show sends one PNG (%d, width %d)", g_shown, g_png_w);
    plt_show_pending();
    CHECK(g_shown == 1, "a shown figure is not shown again");
    plt_figure(.width = 2, .height = 2);
    plt_plot(NULL, y, 3);
    plt_figure(.width = 3, .height = 2);
    plt_plot(NULL, y, 3);
    plt_show_pending();
    CHECK(g_shown == 3 && g_png_w == 300, "pending figures shown in order at the end of the cell");
    plt_show_pending();
    CHECK(g_shown == 3, "then nothing is pending");
    plt_plot(NULL, y, 3);
    plt_close();
    plt_show_pending();
    CHECK(g_shown == 3, "a closed figure is not shown");
    display_set_sink(NULL);
}

static void test_errors(void)
{
    error_set_handler(on_error, NULL);
    double y[3] = { 1, NAN, 3 }, ok[3] = { 1, 2, 3 }, neg[3] = { -1, 2, 3 };
    EXPECT_ERROR(plt_plot(NULL, y, 3), ERR_VALUE, "plt_plot: y[1] is NaN");
    EXPECT_ERROR(plt_plot(NULL, ok, 0), ERR_VALUE, "plt_plot: no data");
    EXPECT_ERROR(plt_plot(NULL, (double *)NULL, 3), ERR_VALUE, "y is NULL");
    EXPECT_ERROR(plt_plot(NULL, ok, 3, .color = "bleu"), ERR_VALUE, "unknown colour \"bleu\"");
    EXPECT_ERROR(plt_plot(NULL, ok, 3, .linestyle = "~"), ERR_VALUE, "unknown linestyle");
    EXPECT_ERROR(plt_scatter(ok, ok, 3, .values = ok, .cmap = "rainbowz"), ERR_VALUE, "unknown colormap \"rainbowz\"");
    EXPECT_ERROR(plt_imshow(ok, 1, 3, .cmap = "nope"), ERR_VALUE, "plt_imshow: unknown colormap");
    EXPECT_ERROR(plt_savefig("figure.jpg"), ERR_VALUE, "end the name with .png, .svg or .pdf");
    plt_close_all();
    /* Axes and figures kept after their figure was closed: named errors, never read after free. */
    Axes *stale_ax = plt_gca();
    Figure *stale_fig = plt_gcf();
    plt_close_all();
    size_t stale_size = 0;
    EXPECT_ERROR(plt_sca(stale_ax), ERR_VALUE, "plt_sca: the axes belong to a figure already shown or closed");
    EXPECT_ERROR(plt_plot(NULL, ok, 3, .ax = stale_ax), ERR_VALUE, ".ax: the axes belong to a figure already");
    EXPECT_ERROR(plt_render_png(stale_fig, &stale_size), ERR_VALUE, "plt_render_png: the figure was already shown");
    plt_close_all();
    plt_plot(NULL, neg, 3);
    plt_yscale("log");
    EXPECT_ERROR(plt_savefig("/tmp/never.png"), ERR_VALUE, "log scale needs values > 0");
    plt_close_all();
    EXPECT_ERROR(plt_ylim(-1, 1); plt_yscale("log"), ERR_VALUE, "plt_yscale");
    plt_close_all();
    EXPECT_ERROR(plt_legend(.loc = "top"), ERR_VALUE, "unknown loc \"top\"");
    EXPECT_ERROR(plt_subplot(2, 2, 5), ERR_VALUE, "index 5 of a 2 x 2 grid");
    EXPECT_ERROR(plt_figure(.dpi = 5), ERR_VALUE, "dpi");
    EXPECT_ERROR(plt_colorbar(), ERR_VALUE, "plt_colorbar: the axes have nothing");
    EXPECT_ERROR(plt_hist(ok, 3, .bins = -2), ERR_VALUE, "bins");
    EXPECT_ERROR(plt_savefig("/nonexistent/dir/f.png"), ERR_IO, "cannot write");
    EXPECT_ERROR(plt_xscale("logit"), ERR_VALUE, "unknown scale \"logit\"");
    plt_close_all();
    error_set_handler(NULL, NULL);
}

static int classify(double x, double y, void *ctx) { (void)ctx; return x + y > 0; }
static double prob(double x, double y, void *ctx) { (void)ctx; return 1 / (1 + exp(-(x + y))); }

static void test_helpers_render(void)
{
    double X[8] = { -1, -1, -0.5, -1, 1, 1, 0.5, 1 };
    int lab[4] = { 0, 0, 1, 1 };
    plt_decision_boundary(classify, X, lab, 4);
    Img im = render();
    /* Regions: tab:blue at 40% over white below the line, tab:orange above. */
    CHECK(count(&im, 80, 300, 200, 420, 0xa5c8e1, 12) > 1000, "class 0 region light blue");
    CHECK(count(&im, 450, 60, 570, 180, 0xffcb9f, 12) > 1000, "class 1 region light orange");
    CHECK(near_color(&im, (int)lround(80 + 0.2 / 2.4 * 496), (int)lround(427.2 - 0.2 / 2.4 * 369.6), BLUE, 10), "point of class 0 in tab:blue");
    free(im.rgb);
    plt_decision_boundary_score(prob, X, lab, 4);
    im = render();
    CHECK(dark(&im, 250, 150, 400, 330) > 20, "score: the 0.5 line");
    free(im.rgb);

    unsigned char digits[6 * 8 * 8];
    for (int i = 0; i < 6 * 64; i++) digits[i] = (unsigned char)((i % 64) * 4);
    plt_images(digits, 6, 8, 8, .ncols = 3, .titles = (const char *const[]){ "Vrai: 7\nPrédit: 1", "b", "c", "d", "e", "f" });
    im = render();
    CHECK(im.w == 3 * 150, "image grid 3 columns of 1.5 in (%d px)", im.w);
    CHECK(count(&im, 0, 0, im.w, im.h, 0x000000, 2) > 100 && count(&im, 0, 0, im.w, im.h, 0xfcfcfc, 2) > 100,
          "grey images drawn");
    CHECK(dark(&im, 0, 0, 150, 40) > 20, "two-line title drawn");
    free(im.rgb);

    int cm[4] = { 9, 1, 2, 8 };
    plt_confusion_matrix(cm, 2, .class_names = (const char *const[]){ "chat", "chien" });
    im = render();
    CHECK(count(&im, 0, 0, im.w, im.h, 0x08306b, 30) > 1000, "dark blue cell for the largest count");
    CHECK(count(&im, 0, 0, im.w, im.h, 0xffffff, 0) > 1000, "white text / background");
    free(im.rgb);

    double loss[5] = { 1, 0.5, 0.3, 0.2, 0.1 }, acc[5] = { 0.5, 0.6, 0.7, 0.8, 0.9 };
    plt_history(loss, 5, .val_loss = loss, .acc = acc, .logy = true);
    im = render();
    CHECK(im.w == 1200, "history: two panels (%d px wide)", im.w);
    CHECK(count(&im, 0, 0, 600, im.h, BLUE, 30) > 50 && count(&im, 600, 0, 1200, im.h, BLUE, 30) > 50,
          "loss and accuracy curves");
    free(im.rgb);
}

int main(void)
{
    test_figure_size();
    test_plot_lines();
    test_scatter();
    test_bars_hist();
    test_fill_errorbar();
    test_contour_image();
    test_text_and_decorations();
    test_arrow_only_annotation();
    test_legend();
    test_limits_scales_ticks();
    test_subplots_layout();
    test_helpers_render();
    test_savefig();
    test_show();
    test_errors();
    printf("%d passed, %d failed\n", g_pass, g_fail);
    return g_fail != 0;
}
