/* Drawing primitives over PLplot's extcairo driver, in figure pixels with y
 * upwards (PLplot world coordinates = pixels). PLplot keeps global state, so
 * one figure is drawn at a time, between draw_begin and draw_end. Images are
 * painted with cairo itself: plimage draws every cell as a polygon (slow, and
 * seams between cells). */
#include "internal.h"
#include "canvas.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static Canvas *g_c;           /* the canvas being drawn, NULL outside a render */
static double g_clip[4];      /* current clip rectangle, pixels (y up) */
static char g_abort_msg[512]; /* a PLplot non-fatal error seen during the render */

/* PLplot calls exit() after its exit handler: leave by the engine's error
 * path instead, and never let the process end. */
static int on_plexit(const char *msg)
{
    g_c = NULL;
    error_raise(ERR_RUNTIME, "plt: PLplot stopped: %s (this figure could not be drawn)", msg ? msg : "");
}

static void on_plabort(const char *msg)
{
    if (!g_abort_msg[0])
        snprintf(g_abort_msg, sizeof g_abort_msg, "%s", msg ? msg : "unknown error");
}

/* After an error unwound through a render, end the half-made stream. */
static void reset_hook(void)
{
    if (g_c) {
        g_c = NULL;
        plend1();
    }
}

static bool have_extcairo(void)
{
    static int known = -1;
    if (known < 0) {
        const char *menu[128], *names[128];
        int n = 128;
        const char **mp = menu, **np = names;
        plgDevs(&mp, &np, &n);  /* fills the arrays mp and np point to */
        known = 0;
        for (int i = 0; i < n; i++)
            if (names[i] && !strcmp(names[i], "extcairo"))
                known = 1;
    }
    return known == 1;
}

void draw_begin(Canvas *c)
{
    static bool once;
    if (!once) {
        once = true;
        plsexit(on_plexit);
        plsabort(on_plabort);
        error_add_reset_hook(reset_hook);
        /* matplotlib's font; the cairo driver reads this for "sans". */
        setenv("PLPLOT_FREETYPE_SANS_FAMILY", "DejaVu Sans", 0);
    }
    if (g_c)
        reset_hook();
    /* An unknown device makes PLplot prompt on stdin then exit: check first. */
    if (!have_extcairo())
        error_raise(ERR_RUNTIME, "plt: PLplot's cairo driver (extcairo) is not installed "
                    "(install the Debian package plplot-driver-cairo)");
    g_abort_msg[0] = 0;
    g_c = c;
    plsdev("extcairo");
    plspage(0, 0, c->W, c->H, 0, 0);
    plspause(0);
    plinit();
    pl_cmd(PLESC_DEVINIT, c->cr);
    pladv(0);
    draw_noclip();
}

void draw_end(void)
{
    if (!g_c)
        return;
    g_c = NULL;
    plend1();
    if (g_abort_msg[0]) {
        char msg[512];
        snprintf(msg, sizeof msg, "%s", g_abort_msg);
        g_abort_msg[0] = 0;
        error_raise(ERR_RUNTIME, "plt: PLplot could not draw part of the figure: %s", msg);
    }
}

void draw_clip(double x0, double y0, double x1, double y1)
{
    double W = g_c->W, H = g_c->H;
    if (x1 < x0) { double t = x0; x0 = x1; x1 = t; }
    if (y1 < y0) { double t = y0; y0 = y1; y1 = t; }
    if (x0 < 0) x0 = 0;
    if (y0 < 0) y0 = 0;
    if (x1 > W) x1 = W;
    if (y1 > H) y1 = H;
    if (x1 - x0 < 1) x1 = x0 + 1;
    if (y1 - y0 < 1) y1 = y0 + 1;
    g_clip[0] = x0; g_clip[1] = y0; g_clip[2] = x1; g_clip[3] = y1;
    plvpor(x0 / W, x1 / W, y0 / H, y1 / H);
    plwind(x0, x1, y0, y1);
}

void draw_noclip(void)
{
    g_clip[0] = 0; g_clip[1] = 0; g_clip[2] = g_c->W; g_clip[3] = g_c->H;
    plvpor(0, 1, 0, 1);
    plwind(0, g_c->W, 0, g_c->H);
}

static void set_color(Rgba c)
{
    plscol0a(1, (int)lround(c.r * 255), (int)lround(c.g * 255), (int)lround(c.b * 255), c.a);
    plcol0(1);
}

void draw_lines(const double *x, const double *y, long n, Rgba c, double width_px, Dash dash)
{
    if (n < 2 || dash == DASH_NONE)
        return;
    set_color(c);
    plwidth(width_px);
    /* matplotlib's dash patterns, in units of the line width. */
    double w = width_px < 1 ? 1 : width_px, d[4];
    int nd = 0;
    if (dash == DASH_DASHED) { d[0] = 3.7 * w; d[1] = 1.6 * w; nd = 2; }
    else if (dash == DASH_DOTTED) { d[0] = 1 * w; d[1] = 1.65 * w; nd = 2; }
    else if (dash == DASH_DASHDOT) { d[0] = 6.4 * w; d[1] = 1.6 * w; d[2] = 1 * w; d[3] = 1.6 * w; nd = 4; }
    /* The cairo driver strokes whole polylines with the context's dash. */
    cairo_set_dash(g_c->cr, d, nd, 0);
    cairo_set_line_cap(g_c->cr, nd ? CAIRO_LINE_CAP_BUTT : CAIRO_LINE_CAP_SQUARE);
    /* plline takes int counts: long series go in pieces that overlap by a point. */
    for (long i = 0; i < n - 1; i += 1000000) {
        long m = n - i > 1000001 ? 1000001 : n - i;
        plline((PLINT)m, (PLFLT *)x + i, (PLFLT *)y + i);
    }
    cairo_set_dash(g_c->cr, NULL, 0, 0);
}

void draw_fill(const double *x, const double *y, long n, Rgba c)
{
    if (n < 3)
        return;
    set_color(c);
    plfill((PLINT)n, (PLFLT *)x, (PLFLT *)y);
}

void draw_rect(double x0, double y0, double x1, double y1, Rgba fill)
{
    double x[4] = { x0, x1, x1, x0 }, y[4] = { y0, y0, y1, y1 };
    draw_fill(x, y, 4, fill);
}

/* ---- text ---- */

/* PLplot reads '#' as the start of an escape sequence: double it. */
static char *escape_hash(const char *s, size_t len)
{
    char *o = plt_xmalloc(2 * len + 1), *p = o;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '#') *p++ = '#';
        *p++ = s[i];
    }
    *p = 0;
    return o;
}

/* Metrics of DejaVu Sans, in units of the font size. */
#define CAP 0.73
#define ASC 0.76
#define DESC 0.24
#define LINE 1.2

void draw_text(double x, double y, const char *s, double size_px, Rgba c, double ha, int va, double angle)
{
    if (!s || !*s)
        return;
    int nlines = 1;
    for (const char *p = s; *p; p++)
        nlines += *p == '\n';
    double F = size_px;
    /* Baseline of the first line, relative to the anchor (y up). */
    double b0;
    switch (va) {
    case VA_TOP: b0 = -ASC * F; break;
    case VA_BOTTOM: b0 = DESC * F + (nlines - 1) * LINE * F; break;
    case VA_CENTER: b0 = -(ASC * F - (nlines - 1) * LINE * F - DESC * F) / 2; break;
    default: b0 = (nlines - 1) * LINE * F; break;
    }
    double ca = cos(angle * M_PI / 180), sa = sin(angle * M_PI / 180);
    set_color(c);
    /* Character height in mm as PLplot counts it (72 dpi page, pango at 96 dpi). */
    plschr(F * 0.75 * 25.4 / 72, 1.0);
    const char *line = s;
    for (int i = 0; i < nlines; i++) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        if (len) {
            char *t = escape_hash(line, len);
            double off = b0 - i * LINE * F + CAP * F / 2; /* PLplot anchors at mid cap height */
            plptex(x - off * sa, y + off * ca, ca, sa, ha, t);
            free(t);
        }
        line = end ? end + 1 : line + len;
    }
}

void draw_text_raw(double x, double y, const char *s, double size_px, Rgba c, double ha, double angle)
{
    /* PLplot escapes allowed (superscripts: "10#u-2#d"); one line, centred vertically. */
    double ca = cos(angle * M_PI / 180), sa = sin(angle * M_PI / 180);
    set_color(c);
    plschr(size_px * 0.75 * 25.4 / 72, 1.0);
    plptex(x, y, ca, sa, ha, s);
}

void text_size(const char *s, double size_px, double *w, double *h)
{
    static cairo_surface_t *surf;
    static cairo_t *cr;
    if (!cr) {
        surf = cairo_image_surface_create(CAIRO_FORMAT_A8, 4, 4);
        cr = cairo_create(surf);
        cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
    }
    cairo_set_font_size(cr, size_px);
    double wmax = 0;
    int nlines = 0;
    const char *line = s ? s : "";
    for (;;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        char buf[512];
        if (len >= sizeof buf) len = sizeof buf - 1;
        memcpy(buf, line, len);
        buf[len] = 0;
        cairo_text_extents_t e;
        cairo_text_extents(cr, buf, &e);
        if (e.x_advance > wmax) wmax = e.x_advance;
        nlines++;
        if (!end) break;
        line = end + 1;
    }
    if (w) *w = wmax;
    if (h) *h = size_px * ((ASC + DESC) + (nlines - 1) * LINE);
}

/* ---- markers ---- */

void draw_marker(double x, double y, char m, double size, Rgba face, Rgba edge, double edge_px, bool has_edge)
{
    double px[24], py[24];
    int n = 0;
    double r = size / 2;
    switch (m) {
    case 'o': case '.': {
        if (m == '.') r *= 0.5;
        n = r > 4 ? 20 : 12;
        for (int i = 0; i < n; i++) {
            px[i] = x + r * cos(2 * M_PI * i / n);
            py[i] = y + r * sin(2 * M_PI * i / n);
        }
        break;
    }
    case 's': {
        double h = r * 0.9;
        double sx[4] = { -h, h, h, -h }, sy[4] = { -h, -h, h, h };
        for (n = 0; n < 4; n++) { px[n] = x + sx[n]; py[n] = y + sy[n]; }
        break;
    }
    case 'D': {
        double sx[4] = { 0, r, 0, -r }, sy[4] = { -r, 0, r, 0 };
        for (n = 0; n < 4; n++) { px[n] = x + sx[n] * 0.8; py[n] = y + sy[n]; }
        break;
    }
    case '^': case 'v': case '<': case '>': case 'p': case '*': {
        int k = m == 'p' ? 5 : m == '*' ? 10 : 3;
        double a0 = m == 'v' ? -90 : m == '<' ? 180 : m == '>' ? 0 : 90;
        for (n = 0; n < k; n++) {
            double rr = (m == '*' && n % 2) ? r * 0.4 : r;
            double a = (a0 + 360.0 * n / k) * M_PI / 180;
            px[n] = x + rr * cos(a);
            py[n] = y + rr * sin(a);
        }
        break;
    }
    case 'x': case '+': {
        double a = m == 'x' ? r * 0.71 : r;
        double lw = has_edge ? edge_px : size / 6 < 1 ? 1 : size / 6;
        Rgba c = has_edge ? edge : face;
        double x1[2], y1[2];
        if (m == 'x') {
            x1[0] = x - a; y1[0] = y - a; x1[1] = x + a; y1[1] = y + a;
            draw_lines(x1, y1, 2, c, lw, DASH_SOLID);
            y1[0] = y + a; y1[1] = y - a;
            draw_lines(x1, y1, 2, c, lw, DASH_SOLID);
        } else {
            x1[0] = x - a; y1[0] = y; x1[1] = x + a; y1[1] = y;
            draw_lines(x1, y1, 2, c, lw, DASH_SOLID);
            x1[0] = x; y1[0] = y - a; x1[1] = x; y1[1] = y + a;
            draw_lines(x1, y1, 2, c, lw, DASH_SOLID);
        }
        return;
    }
    default:
        return;
    }
    draw_fill(px, py, n, face);
    if (has_edge && edge_px > 0) {
        px[n] = px[0];
        py[n] = py[0];
        draw_lines(px, py, n + 1, edge, edge_px, DASH_SOLID);
    }
}

/* ---- images and filled contours ---- */

void draw_image(const unsigned char *rgba, int rows, int cols, double x0, double y0, double x1, double y1)
{
    cairo_t *cr = g_c->cr;
    double H = g_c->H;
    /* cairo wants premultiplied native-endian ARGB. */
    int stride = cairo_format_stride_for_width(CAIRO_FORMAT_ARGB32, cols);
    unsigned char *buf = plt_xmalloc((size_t)stride * rows);
    for (int r = 0; r < rows; r++) {
        uint32_t *o = (uint32_t *)(buf + (size_t)r * stride);
        for (int c = 0; c < cols; c++) {
            const unsigned char *p = rgba + ((size_t)r * cols + c) * 4;
            unsigned a = p[3];
            o[c] = (a << 24) | ((p[0] * a / 255) << 16) | ((p[1] * a / 255) << 8) | (p[2] * a / 255);
        }
    }
    cairo_surface_t *img = cairo_image_surface_create_for_data(buf, CAIRO_FORMAT_ARGB32, cols, rows, stride);
    cairo_save(cr);
    cairo_identity_matrix(cr); /* undo the driver's flip: device pixels, y down */
    cairo_rectangle(cr, g_clip[0], H - g_clip[3], g_clip[2] - g_clip[0], g_clip[3] - g_clip[1]);
    cairo_clip(cr);
    cairo_translate(cr, x0, H - y1);
    cairo_scale(cr, (x1 - x0) / cols, (y1 - y0) / rows);
    cairo_set_source_surface(cr, img, 0, 0);
    cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST);
    cairo_pattern_set_extend(cairo_get_source(cr), CAIRO_EXTEND_PAD);
    cairo_rectangle(cr, 0, 0, cols, rows);
    cairo_fill(cr);
    cairo_restore(cr);
    cairo_surface_destroy(img);
    free(buf);
}

/* plshades wants a[i][j] with i along x. */
static PLFLT **columns(const double *z, int nx, int ny, double **store)
{
    double *t = plt_xmalloc((size_t)nx * ny * sizeof *t);
    PLFLT **a = plt_xmalloc((size_t)nx * sizeof *a);
    for (int i = 0; i < nx; i++) {
        a[i] = t + (size_t)i * ny;
        for (int j = 0; j < ny; j++)
            a[i][j] = z[(size_t)j * nx + i];
    }
    *store = t;
    return a;
}

static void fill_cb(PLINT n, const PLFLT *x, const PLFLT *y)
{
    plfill(n, (PLFLT *)x, (PLFLT *)y);
}

void draw_shades(const double *z, int nx, int ny, const double *px, const double *py,
                 const double *levels, int nlevels, const Rgba *colors)
{
    int nb = nlevels - 1;
    if (nb < 1)
        return;
    /* plshades colours band i with cmap1 at i / (nlevels - 2): give cmap1
     * exactly one entry per band (and at least two bands). */
    double lv[258];
    int R[257], G[257], B[257];
    double A[257];
    if (nb > 256) nb = 256;
    for (int i = 0; i <= nb; i++) lv[i] = levels[i];
    for (int i = 0; i < nb; i++) {
        R[i] = (int)lround(colors[i].r * 255);
        G[i] = (int)lround(colors[i].g * 255);
        B[i] = (int)lround(colors[i].b * 255);
        A[i] = colors[i].a;
    }
    if (nb == 1) {
        lv[2] = lv[1] + (lv[1] - lv[0] + 1);
        R[1] = R[0]; G[1] = G[0]; B[1] = B[0]; A[1] = A[0];
        nb = 2;
    }
    plscmap1n(nb);
    plscmap1a(R, G, B, A, nb);
    double *store;
    PLFLT **a = columns(z, nx, ny, &store);
    PLcGrid grid = { (PLFLT *)px, (PLFLT *)py, NULL, nx, ny, 0 };
    /* Adjacent bands must not show hairline seams: no antialiasing (as matplotlib's contourf). */
    cairo_antialias_t aa = cairo_get_antialias(g_c->cr);
    cairo_set_antialias(g_c->cr, CAIRO_ANTIALIAS_NONE);
    plshades((PLFLT_MATRIX)a, nx, ny, NULL, px[0], px[nx - 1], py[0], py[ny - 1], lv, nb + 1, 0, 0, 0,
             fill_cb, 1, pltr1, &grid);
    cairo_set_antialias(g_c->cr, aa);
    free(a);
    free(store);
}

void draw_contour(const double *z, int nx, int ny, const double *px, const double *py,
                  double level, Rgba c, double width_px)
{
    set_color(c);
    plwidth(width_px);
    double *store;
    PLFLT **a = columns(z, nx, ny, &store);
    PLcGrid grid = { (PLFLT *)px, (PLFLT *)py, NULL, nx, ny, 0 };
    plcont((PLFLT_MATRIX)a, nx, ny, 1, nx, 1, ny, &level, 1, pltr1, &grid);
    free(a);
    free(store);
}
