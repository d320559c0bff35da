/* plt_bar, plt_barh and plt_hist (bars of the bin counts). */
#include "internal.h"

#include <math.h>
#include <stdlib.h>

static void set_tick_labels(AxisState *s, const double *pos, long n, const char **names)
{
    free(s->ticks);
    for (int i = 0; s->ticklabels && i < s->nticks; i++)
        free(s->ticklabels[i]);
    free(s->ticklabels);
    s->ticks = plt_xmalloc((size_t)n * sizeof *s->ticks);
    s->ticklabels = plt_xcalloc((size_t)n, sizeof *s->ticklabels);
    for (long i = 0; i < n; i++) {
        s->ticks[i] = pos[i];
        s->ticklabels[i] = plt_xstrdup(names[i] ? names[i] : "");
    }
    s->nticks = (int)n;
    s->ticks_set = true;
}

void plt_bar_(const void *x, int xtype, const void *h, int htype, long n, bool horizontal, const BarOptions *o)
{
    const char *fn = horizontal ? "plt_barh" : "plt_bar";
    plt_check_n(fn, n);
    if (o->color) plt_color(fn, o->color);
    if (o->edgecolor) plt_color(fn, o->edgecolor);
    for (long i = 0; o->colors && i < n; i++)
        plt_color(fn, o->colors[i]);
    double alpha = plt_alpha(fn, o->alpha);
    if (o->width < 0)
        error_raise(ERR_VALUE, "%s: width %g (give a positive bar width, 0.8 by default)", fn, o->width);
    if (o->tick_labels && n > MAX_TICKS)
        error_raise(ERR_VALUE, "%s: %ld tick labels (at most %d)", fn, n, MAX_TICKS);
    double *hd = plt_copy(fn, horizontal ? "widths" : "heights", h, htype, n);
    double *xd = x ? plt_copy(fn, horizontal ? "y" : "x", x, xtype, n) : plt_iota(n);
    double *bd = o->bottom ? plt_copy(fn, "bottom", o->bottom, PLT_F64, n) : NULL;
    Axes *ax = plt_axes_for(o->ax);
    Artist *a = plt_add_artist(ax, A_BARS);
    a->x = xd; a->y = hd; a->y2 = bd; a->n = n;
    a->horizontal = horizontal;
    a->width = o->width ? o->width : 0.8;
    a->color = plt_color_or_cycle(fn, o->color, ax);
    a->color.a *= alpha;
    if (o->colors) {
        a->colors = plt_xmalloc((size_t)n * sizeof *a->colors);
        for (long i = 0; i < n; i++) {
            a->colors[i] = plt_color(fn, o->colors[i]);
            a->colors[i].a *= alpha;
        }
    }
    if (o->edgecolor) {
        a->has_edge = true;
        a->edge = plt_color(fn, o->edgecolor);
    }
    a->label = plt_xstrdup(o->label);
    if (o->tick_labels)
        set_tick_labels(horizontal ? &ax->yaxis : &ax->xaxis, xd, n, o->tick_labels);
}

void plt_hist_(const void *x, int xtype, long n, const HistOptions *o)
{
    const char *fn = "plt_hist";
    int bins = o->bins ? o->bins : 10;
    if (bins < 1 || bins > 100000)
        error_raise(ERR_VALUE, "%s: %d bins (give between 1 and 100000)", fn, bins);
    if (o->color) plt_color(fn, o->color);
    if (o->edgecolor) plt_color(fn, o->edgecolor);
    double alpha = plt_alpha(fn, o->alpha);
    double *v = plt_copy(fn, "x", x, xtype, n);
    double lo = o->range_min, hi = o->range_max;
    if (lo == 0 && hi == 0) {
        lo = hi = v[0];
        for (long i = 1; i < n; i++) {
            if (v[i] < lo) lo = v[i];
            if (v[i] > hi) hi = v[i];
        }
    }
    if (!(hi >= lo)) {
        free(v);
        error_raise(ERR_VALUE, "%s: range %g..%g is empty (give range_min < range_max)", fn, lo, hi);
    }
    if (hi == lo) { lo -= 0.5; hi += 0.5; }
    double wbin = (hi - lo) / bins;
    double *count = plt_xcalloc((size_t)bins, sizeof *count), *centre = plt_xmalloc((size_t)bins * sizeof *centre);
    long inside = 0;
    for (long i = 0; i < n; i++) {
        if (v[i] < lo || v[i] > hi) continue;
        int b = (int)((v[i] - lo) / wbin);
        if (b >= bins) b = bins - 1;  /* the last bin includes its right edge, as numpy's */
        count[b]++;
        inside++;
    }
    free(v);
    for (int b = 0; b < bins; b++) {
        centre[b] = lo + (b + 0.5) * wbin;
        if (o->density && inside) count[b] /= inside * wbin;
    }
    Axes *ax = plt_axes_for(o->ax);
    Artist *a = plt_add_artist(ax, A_BARS);
    a->x = centre; a->y = count; a->n = bins;
    a->width = wbin;
    a->color = plt_color_or_cycle(fn, o->color, ax);
    a->color.a *= alpha;
    if (o->edgecolor) {
        a->has_edge = true;
        a->edge = plt_color(fn, o->edgecolor);
    }
    a->label = plt_xstrdup(o->label);
}

void plt_draw_bars(Axes *ax, const AxesLayout *l, const Artist *a, double s)
{
    for (long i = 0; i < a->n; i++) {
        double b = a->y2 ? a->y2[i] : 0, top = b + a->y[i];
        double p0 = a->x[i] - a->width / 2, p1 = a->x[i] + a->width / 2;
        Scale vs = a->horizontal ? ax->xaxis.scale : ax->yaxis.scale;
        if (vs == SCALE_LOG && b <= 0) {
            /* A log axis has no 0: the bar starts below the view. */
            double lo = a->horizontal ? fmin(l->xlo, l->xhi) : fmin(l->ylo, l->yhi);
            b = pow(10, lo - 1);
        }
        double x0, x1, y0, y1;
        if (a->horizontal) {
            x0 = plt_px(l, ax, b); x1 = plt_px(l, ax, top); y0 = plt_py(l, ax, p0); y1 = plt_py(l, ax, p1);
        } else {
            x0 = plt_px(l, ax, p0); x1 = plt_px(l, ax, p1); y0 = plt_py(l, ax, b); y1 = plt_py(l, ax, top);
        }
        draw_rect(x0, y0, x1, y1, a->colors ? a->colors[i] : a->color);
        if (a->has_edge) {
            double xs[5] = { x0, x1, x1, x0, x0 }, ys[5] = { y0, y0, y1, y1, y0 };
            draw_lines(xs, ys, 5, a->edge, 1 * s, DASH_SOLID);
        }
    }
}
