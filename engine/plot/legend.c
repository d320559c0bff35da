/* The legend box: matplotlib's sizes (in font-size units: border pad 0.4,
 * label spacing 0.5, handle length 2, handle-text pad 0.8, axes pad 0.5),
 * white frame at 80% opacity with a light grey edge; "best" picks the
 * corner that hides the fewest data points. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>

static bool in_legend(const Artist *a)
{
    return a->label && a->label[0] && a->label[0] != '_' && a->kind != A_TEXT && a->kind != A_ANNOTATE &&
           a->kind != A_IMAGE && a->kind != A_CONTOUR;
}

static long covered(const Axes *ax, const AxesLayout *l, const double r[4])
{
    long k = 0;
    for (const Artist *a = ax->first; a; a = a->next) {
        if (!a->x || !a->y || a->kind == A_TEXT || a->kind == A_ANNOTATE || a->kind == A_HLINE || a->kind == A_VLINE)
            continue;
        long step = a->n > 2000 ? a->n / 2000 : 1;
        for (long i = 0; i < a->n; i += step) {
            double x = plt_px(l, ax, a->x[i]), y = plt_py(l, ax, a->y[i]);
            k += x >= r[0] && x <= r[2] && y >= r[1] && y <= r[3];
        }
    }
    return k;
}

static void place(int loc, const double *b, double w, double h, double pad, double r[4])
{
    double x0 = b[0] + pad, x1 = b[2] - pad - w, xc = (b[0] + b[2] - w) / 2;
    double y0 = b[1] + pad, y1 = b[3] - pad - h, yc = (b[1] + b[3] - h) / 2;
    double x = x1, y = y1;
    switch (loc) {
    case 1: x = x1; y = y1; break;   /* upper right */
    case 2: x = x0; y = y1; break;   /* upper left */
    case 3: x = x0; y = y0; break;   /* lower left */
    case 4: x = x1; y = y0; break;   /* lower right */
    case 5: case 7: x = x1; y = yc; break; /* right, center right */
    case 6: x = x0; y = yc; break;   /* center left */
    case 8: x = xc; y = y0; break;   /* lower center */
    case 9: x = xc; y = y1; break;   /* upper center */
    case 10: x = xc; y = yc; break;  /* center */
    }
    r[0] = x; r[1] = y; r[2] = x + w; r[3] = y + h;
}

static void rounded_box(const double r[4], double rad, Rgba fill, Rgba edge, double lw)
{
    double px[44], py[44];
    int n = 0;
    double cx[4] = { r[2] - rad, r[0] + rad, r[0] + rad, r[2] - rad };
    double cy[4] = { r[3] - rad, r[3] - rad, r[1] + rad, r[1] + rad };
    for (int c = 0; c < 4; c++)
        for (int k = 0; k <= 9; k++) {
            double t = (c * 90 + k * 10) * M_PI / 180;
            px[n] = cx[c] + rad * cos(t);
            py[n] = cy[c] + rad * sin(t);
            n++;
        }
    draw_fill(px, py, n, fill);
    px[n] = px[0];
    py[n] = py[0];
    draw_lines(px, py, n + 1, edge, lw, DASH_SOLID);
}

void plt_draw_legend(Axes *ax, const AxesLayout *l, double s)
{
    int n = 0;
    double F = ax->legend_size * s, wmax = 0;
    for (const Artist *a = ax->first; a; a = a->next) {
        if (!in_legend(a)) continue;
        double w, h;
        text_size(a->label, F, &w, &h);
        if (w > wmax) wmax = w;
        n++;
    }
    if (!n)
        return;
    double bp = 0.4 * F, ls = 0.5 * F, hl = 2 * F, hp = 0.8 * F, rowh = 0.7 * F + 0.3 * F;
    double w = 2 * bp + hl + hp + wmax, h = 2 * bp + n * rowh + (n - 1) * ls;
    double r[4];
    int loc = ax->legend_loc;
    if (loc == 0) {
        long best = -1;
        for (int k = 1; k <= 10; k++) {
            double t[4];
            place(k, l->box, w, h, 0.5 * F, t);
            long c = covered(ax, l, t);
            if (best < 0 || c < best) { best = c; loc = k; }
        }
    }
    place(loc, l->box, w, h, 0.5 * F, r);
    if (ax->legend_frame)
        rounded_box(r, 0.2 * F, (Rgba){ 1, 1, 1, 0.8 }, (Rgba){ 0.8, 0.8, 0.8, 0.8 }, 1 * s);
    double y = r[3] - bp - rowh / 2, x = r[0] + bp;
    for (const Artist *a = ax->first; a; a = a->next) {
        if (!in_legend(a)) continue;
        switch (a->kind) {
        case A_BARS: case A_FILL:
            draw_rect(x, y - 0.35 * F, x + hl, y + 0.35 * F, a->colors ? a->colors[0] : a->color);
            break;
        case A_SCATTER:
            draw_marker(x + hl / 2, y, a->marker, sqrt(a->markersize) * s, a->color, a->edge, a->linewidth * s,
                        a->has_edge);
            break;
        default: {
            double xs[2] = { x, x + hl }, ys[2] = { y, y };
            draw_lines(xs, ys, 2, a->color, a->linewidth * s, a->dash);
            if (a->marker)
                draw_marker(x + hl / 2, y, a->marker, a->markersize * s, a->color, a->color, s, false);
        }
        }
        draw_text(x + hl + hp, y, a->label, F, (Rgba){ 0, 0, 0, 1 }, 0, VA_CENTER, 0);
        y -= rowh + ls;
    }
}
