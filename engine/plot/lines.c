/* Lines: plt_plot, plt_axhline/plt_axvline, plt_fill_between, plt_errorbar. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>

static void line_style(Artist *a, const char *fn, Axes *ax, const char *color, const char *ls, double lw,
                       const char *marker, double ms, double alpha)
{
    a->color = plt_color_or_cycle(fn, color, ax);
    a->color.a *= plt_alpha(fn, alpha);
    a->dash = plt_dash(fn, ls);
    if (lw < 0 || ms < 0)
        error_raise(ERR_VALUE, "%s: negative %s (give a size in points, or 0 for the default)", fn,
                    lw < 0 ? "linewidth" : "markersize");
    a->linewidth = lw ? lw : 1.5;
    a->marker = plt_marker(fn, marker);
    a->markersize = ms ? ms : 6;
}

void plt_plot_(const void *x, int xtype, const void *y, int ytype, long n, const PlotOptions *o)
{
    const char *fn = "plt_plot";
    plt_check_n(fn, n);
    /* Validate everything before keeping anything. */
    plt_dash(fn, o->linestyle);
    plt_marker(fn, o->marker);
    if (o->color) plt_color(fn, o->color);
    plt_alpha(fn, o->alpha);
    double *yd = plt_copy(fn, "y", y, ytype, n);
    double *xd = x ? plt_copy(fn, "x", x, xtype, n) : plt_iota(n);
    Axes *ax = plt_axes_for(o->ax);
    Artist *a = plt_add_artist(ax, A_LINE);
    a->x = xd;
    a->y = yd;
    a->n = n;
    line_style(a, fn, ax, o->color, o->linestyle, o->linewidth, o->marker, o->markersize, o->alpha);
    a->label = plt_xstrdup(o->label);
}

static void axline(const char *fn, double v, bool horizontal, const PlotOptions *o)
{
    if (!isfinite(v))
        error_raise(ERR_VALUE, "%s: the position is %g (give a finite number)", fn, v);
    plt_dash(fn, o->linestyle);
    if (o->color) plt_color(fn, o->color);
    plt_alpha(fn, o->alpha);
    Axes *ax = plt_axes_for(o->ax);
    Artist *a = plt_add_artist(ax, horizontal ? A_HLINE : A_VLINE);
    double *d = plt_xmalloc(sizeof *d);
    d[0] = v;
    if (horizontal) a->y = d;
    else a->x = d;
    a->n = 1;
    line_style(a, fn, ax, o->color, o->linestyle, o->linewidth, NULL, 0, o->alpha);
    a->label = plt_xstrdup(o->label);
}

void plt_axhline_(double y, const PlotOptions *o) { axline("plt_axhline", y, true, o); }
void plt_axvline_(double x, const PlotOptions *o) { axline("plt_axvline", x, false, o); }

void plt_fill_between_(const void *x, int xtype, const void *y1, int y1type, const void *y2, int y2type,
                       long n, const FillOptions *o)
{
    const char *fn = "plt_fill_between";
    plt_check_n(fn, n);
    if (o->color) plt_color(fn, o->color);
    plt_alpha(fn, o->alpha);
    double *a1 = plt_copy(fn, "y1", y1, y1type, n);
    double *a2 = y2 ? plt_copy(fn, "y2", y2, y2type, n) : plt_xcalloc((size_t)n, sizeof(double));
    double *xd = x ? plt_copy(fn, "x", x, xtype, n) : plt_iota(n);
    Axes *ax = plt_axes_for(o->ax);
    Artist *a = plt_add_artist(ax, A_FILL);
    a->x = xd; a->y = a1; a->y2 = a2; a->n = n;
    a->color = plt_color_or_cycle(fn, o->color, ax);
    a->color.a *= plt_alpha(fn, o->alpha);
    a->label = plt_xstrdup(o->label);
}

void plt_errorbar_(const void *x, int xtype, const void *y, int ytype, const void *yerr, int etype,
                   long n, const ErrorbarOptions *o)
{
    const char *fn = "plt_errorbar";
    plt_check_n(fn, n);
    plt_dash(fn, o->linestyle);
    plt_marker(fn, o->marker);
    if (o->color) plt_color(fn, o->color);
    plt_alpha(fn, o->alpha);
    double *yd = plt_copy(fn, "y", y, ytype, n);
    double *xd = x ? plt_copy(fn, "x", x, xtype, n) : plt_iota(n);
    double *ye = yerr ? plt_copy(fn, "yerr", yerr, etype, n) : NULL;
    double *xe = o->xerr ? plt_copy(fn, "xerr", o->xerr, PLT_F64, n) : NULL;
    for (long i = 0; i < n; i++)
        if ((ye && ye[i] < 0) || (xe && xe[i] < 0)) {
            free(yd); free(xd); free(ye); free(xe);
            error_raise(ERR_VALUE, "%s: error bar %ld is negative (give the error sizes, >= 0)", fn, i);
        }
    Axes *ax = plt_axes_for(o->ax);
    Artist *a = plt_add_artist(ax, A_ERRORBAR);
    a->x = xd; a->y = yd; a->yerr = ye; a->xerr = xe; a->n = n;
    line_style(a, fn, ax, o->color, o->linestyle, o->linewidth, o->marker ? o->marker : "o", o->markersize,
               o->alpha);
    a->width = o->capsize ? o->capsize : 3;
    a->label = plt_xstrdup(o->label);
}

/* ---- drawing ---- */

static void markers(const Axes *ax, const AxesLayout *l, const Artist *a, double s)
{
    if (!a->marker)
        return;
    for (long i = 0; i < a->n; i++)
        draw_marker(plt_px(l, ax, a->x[i]), plt_py(l, ax, a->y[i]), a->marker, a->markersize * s, a->color,
                    a->color, 1 * s, false);
}

void plt_draw_line(Axes *ax, const AxesLayout *l, const Artist *a, double s)
{
    const double *b = l->box;
    switch (a->kind) {
    case A_HLINE: {
        double y = plt_py(l, ax, a->y[0]), xs[2] = { b[0], b[2] }, ys[2] = { y, y };
        draw_lines(xs, ys, 2, a->color, a->linewidth * s, a->dash);
        return;
    }
    case A_VLINE: {
        double x = plt_px(l, ax, a->x[0]), xs[2] = { x, x }, ys[2] = { b[1], b[3] };
        draw_lines(xs, ys, 2, a->color, a->linewidth * s, a->dash);
        return;
    }
    case A_FILL: {
        double *px = plt_xmalloc((size_t)a->n * 2 * sizeof *px), *py = plt_xmalloc((size_t)a->n * 2 * sizeof *py);
        for (long i = 0; i < a->n; i++) {
            px[i] = plt_px(l, ax, a->x[i]);
            py[i] = plt_py(l, ax, a->y[i]);
            px[2 * a->n - 1 - i] = px[i];
            py[2 * a->n - 1 - i] = plt_py(l, ax, a->y2[i]);
        }
        draw_fill(px, py, 2 * a->n, a->color);
        free(px);
        free(py);
        return;
    }
    case A_ERRORBAR: {
        double cap = a->width * s;
        for (long i = 0; i < a->n; i++) {
            double x = plt_px(l, ax, a->x[i]), y = plt_py(l, ax, a->y[i]);
            if (a->yerr) {
                double y0 = plt_py(l, ax, a->y[i] - a->yerr[i]), y1 = plt_py(l, ax, a->y[i] + a->yerr[i]);
                double xs[2] = { x, x }, ys[2] = { y0, y1 };
                draw_lines(xs, ys, 2, a->color, a->linewidth * s, DASH_SOLID);
                double cx[2] = { x - cap, x + cap }, c0[2] = { y0, y0 }, c1[2] = { y1, y1 };
                draw_lines(cx, c0, 2, a->color, a->linewidth * s, DASH_SOLID);
                draw_lines(cx, c1, 2, a->color, a->linewidth * s, DASH_SOLID);
            }
            if (a->xerr) {
                double x0 = plt_px(l, ax, a->x[i] - a->xerr[i]), x1 = plt_px(l, ax, a->x[i] + a->xerr[i]);
                double xs[2] = { x0, x1 }, ys[2] = { y, y };
                draw_lines(xs, ys, 2, a->color, a->linewidth * s, DASH_SOLID);
                double c0[2] = { x0, x0 }, c1[2] = { x1, x1 }, cy[2] = { y - cap, y + cap };
                draw_lines(c0, cy, 2, a->color, a->linewidth * s, DASH_SOLID);
                draw_lines(c1, cy, 2, a->color, a->linewidth * s, DASH_SOLID);
            }
        }
        break;
    }
    default:
        break;
    }
    if (a->dash != DASH_NONE && a->n > 1) {
        double *px = plt_xmalloc((size_t)a->n * sizeof *px), *py = plt_xmalloc((size_t)a->n * sizeof *py);
        for (long i = 0; i < a->n; i++) {
            px[i] = plt_px(l, ax, a->x[i]);
            py[i] = plt_py(l, ax, a->y[i]);
        }
        draw_lines(px, py, a->n, a->color, a->linewidth * s, a->dash);
        free(px);
        free(py);
    }
    markers(ax, l, a, s);
}
