/* plt_scatter: points with one colour, class colours (tab10) or values
 * mapped through a colormap. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>

Rgba plt_map_value(const Artist *a, double v)
{
    double span = a->vmax - a->vmin;
    return plt_cmap_at(a->cmap, span > 0 ? (v - a->vmin) / span : 0.5);
}

void plt_scatter_(const void *x, int xtype, const void *y, int ytype, long n, const ScatterOptions *o)
{
    const char *fn = "plt_scatter";
    plt_check_n(fn, n);
    plt_marker(fn, o->marker);
    if (o->color) plt_color(fn, o->color);
    if (o->edgecolor) plt_color(fn, o->edgecolor);
    double alpha = plt_alpha(fn, o->alpha);
    if (o->s < 0)
        error_raise(ERR_VALUE, "%s: s is %g (give the marker area in points^2, e.g. 36)", fn, o->s);
    if (o->labels && o->values)
        error_raise(ERR_VALUE, "%s: both labels and values given (colour by one of them)", fn);
    const Colormap *cm = (o->values || o->cmap) ? plt_cmap(fn, o->cmap, "viridis") : NULL;
    for (long i = 0; o->values && i < n; i++)
        if (!isfinite(o->values[i]))
            error_raise(ERR_VALUE, "%s: values[%ld] is not finite (replace it before plotting)", fn, i);
    for (long i = 0; o->labels && i < n; i++)
        if (o->labels[i] < 0)
            error_raise(ERR_VALUE, "%s: labels[%ld] is %d (class labels are 0, 1, 2...)", fn, i, o->labels[i]);
    double *yd = plt_copy(fn, "y", y, ytype, n);
    double *xd = x ? plt_copy(fn, "x", x, xtype, n) : plt_iota(n);
    Axes *ax = plt_axes_for(o->ax);
    Artist *a = plt_add_artist(ax, A_SCATTER);
    a->x = xd; a->y = yd; a->n = n;
    a->marker = o->marker ? plt_marker(fn, o->marker) : 'o';
    a->markersize = o->s ? o->s : 36;
    a->label = plt_xstrdup(o->label);
    if (o->edgecolor) {
        a->has_edge = true;
        a->edge = plt_color(fn, o->edgecolor);
        a->linewidth = o->linewidths ? o->linewidths : 1;
    }
    if (o->labels || o->values) {
        a->colors = plt_xmalloc((size_t)n * sizeof *a->colors);
        double lo = INFINITY, hi = -INFINITY;
        for (long i = 0; i < n; i++) {
            double v = o->labels ? o->labels[i] : o->values[i];
            if (v < lo) lo = v;
            if (v > hi) hi = v;
        }
        a->cmap = cm;
        a->vmin = o->vmin || o->vmax ? o->vmin : lo;
        a->vmax = o->vmin || o->vmax ? o->vmax : hi;
        a->mappable = cm != NULL;
        for (long i = 0; i < n; i++) {
            a->colors[i] = cm ? plt_map_value(a, o->labels ? o->labels[i] : o->values[i]) : plt_tab10(o->labels[i]);
            a->colors[i].a = alpha;
        }
        /* The legend shows the first point's colour. */
        a->color = a->colors[0];
    } else {
        a->color = plt_color_or_cycle(fn, o->color, ax);
        a->color.a *= alpha;
    }
}

void plt_draw_scatter(Axes *ax, const AxesLayout *l, const Artist *a, double s)
{
    double d = sqrt(a->markersize) * s;
    for (long i = 0; i < a->n; i++)
        draw_marker(plt_px(l, ax, a->x[i]), plt_py(l, ax, a->y[i]), a->marker, d,
                    a->colors ? a->colors[i] : a->color, a->edge, a->linewidth * s, a->has_edge);
}
