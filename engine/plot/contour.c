/* plt_contour and plt_contourf: levels at round values (matplotlib's
 * MaxNLocator), bands filled by PLplot's plshades, lines by plcont. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Round levels covering [lo, hi] (filled: the first <= lo and the last >= hi). */
static int auto_levels(double lo, double hi, int want, bool cover, double *out, int cap)
{
    double step, t[260];
    int n = plt_nice_ticks(lo, hi, want, t, cap - 2 < 258 ? cap - 2 : 258, &step);
    if (n == 0) { t[0] = lo; n = 1; }
    int k = 0;
    if (cover && t[0] > lo) out[k++] = t[0] - step;
    for (int i = 0; i < n; i++) out[k++] = t[i];
    if (cover && t[n - 1] < hi) out[k++] = t[n - 1] + step;
    return k;
}

static double *grid_coords(const char *fn, const char *what, const void *p, int type, int n)
{
    double *d = p ? plt_copy(fn, what, p, type, n) : plt_iota(n);
    for (int i = 1; i < n; i++)
        if (!(d[i] > d[i - 1]) && !(d[i] < d[i - 1]) ) {
            free(d);
            error_raise(ERR_VALUE, "%s: %s is not strictly monotonic at index %d (give sorted grid coordinates)",
                        fn, what, i);
        }
    return d;
}

void plt_contour_(const void *x, int xtype, int nx, const void *y, int ytype, int ny,
                  const void *z, int ztype, bool filled, const ContourOptions *o)
{
    const char *fn = filled ? "plt_contourf" : "plt_contour";
    if (nx < 2 || ny < 2)
        error_raise(ERR_VALUE, "%s: a %d x %d grid (give at least 2 x 2 points)", fn, nx, ny);
    const Colormap *cm = plt_cmap(fn, o->cmap, "viridis");
    if (o->colors) plt_color(fn, o->colors);
    double alpha = plt_alpha(fn, o->alpha);
    if (o->levels < 0 || o->levels > 250)
        error_raise(ERR_VALUE, "%s: levels = %d (give between 1 and 250)", fn, o->levels);
    if (o->values && (o->nvalues < 1 || o->nvalues > 250))
        error_raise(ERR_VALUE, "%s: nvalues = %d (give the number of level values, 1 to 250)", fn, o->nvalues);
    for (int i = 1; o->values && i < o->nvalues; i++)
        if (!(o->values[i] > o->values[i - 1]))
            error_raise(ERR_VALUE, "%s: level values must increase (values[%d] = %g after %g)", fn, i,
                        o->values[i], o->values[i - 1]);
    double *zd = plt_copy(fn, "z", z, ztype, (long)nx * ny);
    double *xd = grid_coords(fn, "x", x, xtype, nx), *yd = grid_coords(fn, "y", y, ytype, ny);
    double lo = zd[0], hi = zd[0];
    for (long i = 1; i < (long)nx * ny; i++) {
        if (zd[i] < lo) lo = zd[i];
        if (zd[i] > hi) hi = zd[i];
    }
    double lv[260];
    int n;
    if (o->values) {
        n = o->nvalues;
        memcpy(lv, o->values, (size_t)n * sizeof *lv);
    } else {
        if (hi == lo) { lo -= 0.5; hi += 0.5; }
        n = auto_levels(lo, hi, (o->levels ? o->levels : 7) + 1, filled, lv, 258);  /* MaxNLocator(levels + 1) */
    }
    if (filled && n < 2)
        error_raise(ERR_VALUE, "%s: one level only (give at least 2 level values for filled bands)", fn);
    Axes *ax = plt_axes_for(o->ax);
    Artist *a = plt_add_artist(ax, A_CONTOUR);
    a->z = zd; a->x = xd; a->y = yd; a->nx = nx; a->ny = ny;
    a->filled = filled;
    a->cmap = cm;
    a->levels = plt_xmalloc((size_t)n * sizeof *a->levels);
    memcpy(a->levels, lv, (size_t)n * sizeof *lv);
    a->nlevels = n;
    a->vmin = o->vmin || o->vmax ? o->vmin : lv[0];
    a->vmax = o->vmin || o->vmax ? o->vmax : lv[n - 1];
    a->color = o->colors ? plt_color(fn, o->colors) : (Rgba){ 0, 0, 0, 0 };
    a->color.a = o->colors ? alpha : 0;   /* a == 0: colour each line from the colormap */
    a->linewidth = o->linewidths ? o->linewidths : 1.5;
    a->markersize = alpha;               /* the alpha of the bands / lines */
    a->extent[0] = xd[0]; a->extent[1] = xd[nx - 1]; a->extent[2] = yd[0]; a->extent[3] = yd[ny - 1];
    a->mappable = filled || !o->colors;
}

void plt_draw_contour(Axes *ax, const AxesLayout *l, const Artist *a, double s)
{
    double *px = plt_xmalloc((size_t)a->nx * sizeof *px), *py = plt_xmalloc((size_t)a->ny * sizeof *py);
    for (int i = 0; i < a->nx; i++) px[i] = plt_px(l, ax, a->x[i]);
    for (int j = 0; j < a->ny; j++) py[j] = plt_py(l, ax, a->y[j]);
    double alpha = a->markersize;
    if (a->filled) {
        int nb = a->nlevels - 1;
        Rgba *c = plt_xmalloc((size_t)nb * sizeof *c);
        for (int i = 0; i < nb; i++) {
            c[i] = plt_map_value(a, (a->levels[i] + a->levels[i + 1]) / 2);
            c[i].a = alpha;
        }
        draw_shades(a->z, a->nx, a->ny, px, py, a->levels, a->nlevels, c);
        free(c);
    } else {
        for (int i = 0; i < a->nlevels; i++) {
            Rgba c = a->color.a > 0 ? a->color : plt_map_value(a, a->levels[i]);
            c.a = alpha;
            draw_contour(a->z, a->nx, a->ny, px, py, a->levels[i], c, a->linewidth * s);
        }
    }
    free(px);
    free(py);
}
