/* Rendering a figure: autoscale and ticks per axes, layout (matplotlib's
 * subplot parameters, or tight_layout), then drawing in matplotlib's order
 * (images and patches, grid, lines, text, spines and ticks, legend). */
#include "internal.h"
#include "canvas.h"

#include <cairo/cairo-pdf.h>
#include <cairo/cairo-svg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const Rgba BLACK = { 0, 0, 0, 1 };

static double tr(Scale s, double v) { return s == SCALE_LOG ? log10(v) : v; }

double plt_px(const AxesLayout *l, const Axes *ax, double x)
{
    return l->box[0] + (tr(ax->xaxis.scale, x) - l->xlo) / (l->xhi - l->xlo) * (l->box[2] - l->box[0]);
}

double plt_py(const AxesLayout *l, const Axes *ax, double y)
{
    return l->box[1] + (tr(ax->yaxis.scale, y) - l->ylo) / (l->yhi - l->ylo) * (l->box[3] - l->box[1]);
}

/* ---- autoscale ---- */

typedef struct Range { double lo, hi; bool any, sticky_lo, sticky_hi; } Range;

static void grow(Range *r, double v, Scale s, const char *axis)
{
    if (s == SCALE_LOG && !(v > 0))
        error_raise(ERR_VALUE, "plt_%sscale: the %s axis is logarithmic but the data holds %g "
                    "(a log scale needs values > 0: drop them or use the linear scale)", axis, axis, v);
    v = tr(s, v);
    if (!r->any) { r->lo = r->hi = v; r->any = true; return; }
    if (v < r->lo) r->lo = v;
    if (v > r->hi) r->hi = v;
}

static void grow_all(Range *r, const double *v, long n, Scale s, const char *axis)
{
    for (long i = 0; v && i < n; i++)
        grow(r, v[i], s, axis);
}

static void data_limits(Axes *ax, Range *rx, Range *ry)
{
    Scale sx = ax->xaxis.scale, sy = ax->yaxis.scale;
    for (Artist *a = ax->first; a; a = a->next) {
        switch (a->kind) {
        case A_LINE: case A_SCATTER:
            grow_all(rx, a->x, a->n, sx, "x");
            grow_all(ry, a->y, a->n, sy, "y");
            break;
        case A_ERRORBAR:
            for (long i = 0; i < a->n; i++) {
                double ex = a->xerr ? a->xerr[i] : 0, ey = a->yerr ? a->yerr[i] : 0;
                grow(rx, a->x[i] - ex, sx, "x"); grow(rx, a->x[i] + ex, sx, "x");
                grow(ry, a->y[i] - ey, sy, "y"); grow(ry, a->y[i] + ey, sy, "y");
            }
            break;
        case A_FILL:
            grow_all(rx, a->x, a->n, sx, "x");
            grow_all(ry, a->y, a->n, sy, "y");
            grow_all(ry, a->y2, a->n, sy, "y");
            break;
        case A_BARS: {
            Range *pos = a->horizontal ? ry : rx, *val = a->horizontal ? rx : ry;
            Scale sp = a->horizontal ? sy : sx, sv = a->horizontal ? sx : sy;
            const char *np = a->horizontal ? "y" : "x", *nv = a->horizontal ? "x" : "y";
            bool from_zero = true;
            for (long i = 0; i < a->n; i++) {
                double b = a->y2 ? a->y2[i] : 0;
                grow(pos, a->x[i] - a->width / 2, sp, np);
                grow(pos, a->x[i] + a->width / 2, sp, np);
                if (sv == SCALE_LOG && b <= 0) b = a->y[i] + b;  /* log bars start at their top */
                grow(val, b, sv, nv);
                grow(val, b + a->y[i], sv, nv);
                from_zero = from_zero && b == 0;
            }
            if (from_zero && sv == SCALE_LINEAR) {
                if (val->lo >= 0) val->sticky_lo = true;
                if (val->hi <= 0) val->sticky_hi = true;
            }
            break;
        }
        case A_HLINE: grow(ry, a->y[0], sy, "y"); break;
        case A_VLINE: grow(rx, a->x[0], sx, "x"); break;
        case A_CONTOUR: case A_IMAGE:
            grow(rx, a->extent[0], sx, "x"); grow(rx, a->extent[1], sx, "x");
            grow(ry, a->extent[2], sy, "y"); grow(ry, a->extent[3], sy, "y");
            rx->sticky_lo = rx->sticky_hi = ry->sticky_lo = ry->sticky_hi = true;
            break;
        case A_TEXT: case A_ANNOTATE:
            break;
        }
    }
}

static void view_limits(const AxisState *s, Range r, double *lo, double *hi)
{
    if (s->lim_set) {
        *lo = tr(s->scale, s->lim[0]);
        *hi = tr(s->scale, s->lim[1]);
    } else {
        if (!r.any) { r.lo = s->scale == SCALE_LOG ? 0 : 0; r.hi = 1; r.sticky_lo = r.sticky_hi = true; }
        if (r.hi - r.lo < 1e-12 * (fabs(r.lo) + 1e-300) || r.hi == r.lo) {
            double d = r.lo == 0 ? 0.05 : fabs(r.lo) * 0.05;
            r.lo -= d; r.hi += d;
            r.sticky_lo = r.sticky_hi = true;
        }
        double m = 0.05 * (r.hi - r.lo);  /* matplotlib's axes.xmargin/ymargin */
        *lo = r.sticky_lo ? r.lo : r.lo - m;
        *hi = r.sticky_hi ? r.hi : r.hi + m;
        if (s->inverted) { double t = *lo; *lo = *hi; *hi = t; }
    }
}

/* ---- ticks ---- */

static void make_ticks(const AxisState *s, double lo, double hi, double len_px, double per_label_px,
                       double font_px, Ticks *t)
{
    double a = fmin(lo, hi), b = fmax(lo, hi);
    t->n = 0;
    t->raw = false;
    if (s->ticks_set) {
        for (int i = 0; i < s->nticks && t->n < MAX_TICKS; i++) {
            double v = tr(s->scale, s->ticks[i]);
            if (!isfinite(v) || v < a - 1e-9 * (b - a) || v > b + 1e-9 * (b - a))
                continue;
            t->v[t->n] = v;
            if (s->ticklabels) {
                t->label[t->n] = s->ticklabels[i];
            } else {
                double step = s->nticks > 1 ? fabs(s->ticks[1] - s->ticks[0]) : 1;
                plt_format_ticks(&s->ticks[i], 1, step > 0 ? step : 1, &t->buf[t->n]);
                t->label[t->n] = t->buf[t->n];
            }
            t->n++;
        }
    } else if (s->scale == SCALE_LOG) {
        t->n = plt_log_ticks(a, b, t->v, MAX_TICKS);
        t->raw = true;
        for (int i = 0; i < t->n; i++) {
            int k = (int)lround(t->v[i]);
            if (k >= 0 && k <= 2) snprintf(t->buf[i], 32, "%d", k == 0 ? 1 : k == 1 ? 10 : 100);
            else snprintf(t->buf[i], 32, "10#u%s%d#d", k < 0 ? "\xe2\x88\x92" : "", abs(k));
            t->label[i] = t->buf[i];
        }
        if (t->n < 2) {
            /* Less than two decades shown (a loss curve over a few epochs): ticks at 1, 2, 5 (or 1..9)
             * times the powers of ten, labelled with their values, like matplotlib's minor labels. */
            static const int sparse[] = { 1, 2, 5 }, dense[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
            for (int pass = 0; pass < 2; pass++) {
                const int *mul = pass ? dense : sparse;
                int nm = pass ? 9 : 3, n = 0;
                for (int k = (int)floor(a) - 1; k <= (int)ceil(b) && n < MAX_TICKS; k++)
                    for (int j = 0; j < nm && n < MAX_TICKS; j++) {
                        double v = log10(mul[j]) + k;
                        if (v < a - 1e-9 || v > b + 1e-9) continue;
                        t->v[n] = v;
                        snprintf(t->buf[n], 32, "%g", mul[j] * pow(10, k));
                        t->label[n] = t->buf[n];
                        n++;
                    }
                t->n = n;
                if (n >= 2) break;
            }
        }
        if (t->n < 2) {  /* a narrower range still: evenly spaced values */
            double vals[MAX_TICKS], step;
            int n = plt_nice_ticks(pow(10, a), pow(10, b), 5, vals, MAX_TICKS, &step);
            plt_format_ticks(vals, n, step, t->buf);
            t->n = 0;
            for (int i = 0; i < n; i++) {
                if (!(vals[i] > 0)) continue;
                t->v[t->n] = log10(vals[i]);
                if (t->n != i) memcpy(t->buf[t->n], t->buf[i], 32);
                t->label[t->n] = t->buf[t->n];
                t->n++;
            }
        }
    } else {
        int nb = (int)floor(len_px / per_label_px);
        if (nb > 9) nb = 9;
        if (nb < 2) nb = 2;
        double step;
        t->n = plt_nice_ticks(a, b, nb, t->v, MAX_TICKS, &step);
        plt_format_ticks(t->v, t->n, step, t->buf);
        for (int i = 0; i < t->n; i++)
            t->label[i] = t->buf[i];
    }
    t->maxw = t->maxh = 0;
    for (int i = 0; i < t->n; i++) {
        double w, h;
        if (t->raw) {
            /* "10#u−2#d": the base, then the exponent at PLplot's superscript size. */
            const char *e = strstr(t->label[i], "#u");
            double we = 0;
            text_size("10", font_px, &w, &h);
            if (e) {
                char buf[32];
                snprintf(buf, sizeof buf, "%.*s", (int)strcspn(e + 2, "#"), e + 2);
                text_size(buf, font_px * 0.75, &we, NULL);
            }
            w = e ? w + we : (text_size(t->label[i], font_px, &w, &h), w);
        } else {
            text_size(t->label[i], font_px, &w, &h);
        }
        if (w > t->maxw) t->maxw = w;
        if (h > t->maxh) t->maxh = h;
    }
}

static const Artist *find_mappable(const Axes *ax)
{
    const Artist *m = NULL;
    for (const Artist *a = ax->first; a; a = a->next)
        if (a->mappable) m = a;
    return m;
}

/* Limits, ticks and colour bar of one axes in its box. */
static void layout_axes(Axes *ax, AxesLayout *l, double s)
{
    Range rx = { 0 }, ry = { 0 };
    data_limits(ax, &rx, &ry);
    view_limits(&ax->xaxis, rx, &l->xlo, &l->xhi);
    view_limits(&ax->yaxis, ry, &l->ylo, &l->yhi);
    if (ax->equal) {
        /* Same units on both axes: shrink the box along one direction. */
        double bw = l->box[2] - l->box[0], bh = l->box[3] - l->box[1];
        double ux = fabs(l->xhi - l->xlo) / bw, uy = fabs(l->yhi - l->ylo) / bh;
        if (ux > uy) {
            double nh = fabs(l->yhi - l->ylo) / ux, c = (l->box[1] + l->box[3]) / 2;
            l->box[1] = c - nh / 2; l->box[3] = c + nh / 2;
        } else {
            double nw = fabs(l->xhi - l->xlo) / uy, c = (l->box[0] + l->box[2]) / 2;
            l->box[0] = c - nw / 2; l->box[2] = c + nw / 2;
        }
    }
    /* Thin lines on pixel centres stay crisp (matplotlib snaps them too). */
    for (int k = 0; k < 4; k++)
        l->box[k] = floor(l->box[k]) + 0.5;
    double F = 10 * s;
    make_ticks(&ax->xaxis, l->xlo, l->xhi, l->box[2] - l->box[0], 3 * F, F, &l->xt);
    make_ticks(&ax->yaxis, l->ylo, l->yhi, l->box[3] - l->box[1], 2 * F, F, &l->yt);
    l->mappable = ax->colorbar ? find_mappable(ax) : NULL;
    if (l->mappable) {
        const Artist *m = l->mappable;
        if (m->kind == A_CONTOUR && m->filled) { l->clo = m->levels[0]; l->chi = m->levels[m->nlevels - 1]; }
        else { l->clo = m->vmin; l->chi = m->vmax; }
        AxisState cs = { 0 };
        make_ticks(&cs, l->clo, l->chi, l->box[3] - l->box[1], 2 * F, F, &l->ct);
    }
}

/* Room the decorations of an axes need outside its box: left, bottom, right, top. */
static void decoration_margins(const Axes *ax, const AxesLayout *l, double s, double m[4])
{
    double F = 10 * s, tick = 3.5 * s, pad = 3.5 * s;
    m[0] = m[1] = m[2] = m[3] = 0;
    if (!ax->axis_off) {
        m[0] = tick + pad + l->yt.maxw;
        m[1] = tick + pad + l->xt.maxh;
        if (ax->yaxis.label) {
            double w, h;
            text_size(ax->yaxis.label, ax->yaxis.label_size * s, &w, &h);
            m[0] += 4 * s + h;
        }
        if (ax->xaxis.label) {
            double w, h;
            text_size(ax->xaxis.label, ax->xaxis.label_size * s, &w, &h);
            m[1] += 4 * s + h;
        }
        /* The end tick labels stick out by half their width. */
        m[2] = l->xt.n ? l->xt.maxw / 2 : 0;
        m[3] = l->yt.n ? F / 2 : 0;
    }
    if (ax->title) {
        double w, h;
        text_size(ax->title, ax->title_size * s, &w, &h);
        m[3] = 6 * s + h;
    }
    if (l->mappable) {
        double bw = l->box[2] - l->box[0];
        m[2] = 0.2 * bw / 0.8 + tick + pad + l->ct.maxw + (ax->colorbar_label ? 4 * s + 1.2 * F : 0);
    }
}

static void place_boxes(Figure *f, AxesLayout *L, double W, double H, double s)
{
    for (int i = 0; i < f->naxes; i++) {
        const double *r = f->axes[i]->rect;
        L[i].box[0] = r[0] * W; L[i].box[1] = r[1] * H;
        L[i].box[2] = (r[0] + r[2]) * W; L[i].box[3] = (r[1] + r[3]) * H;
    }
    if (!f->tight || f->naxes == 0)
        return;
    /* tight_layout: one margin for the whole grid, from the largest needs. */
    for (int i = 0; i < f->naxes; i++)
        layout_axes(f->axes[i], &L[i], s);
    double need[4] = { 0 };
    for (int i = 0; i < f->naxes; i++) {
        double m[4];
        decoration_margins(f->axes[i], &L[i], s, m);
        for (int k = 0; k < 4; k++)
            if (m[k] > need[k]) need[k] = m[k];
    }
    double pad = 1.08 * 10 * s;
    double top_extra = 0;
    if (f->suptitle) {
        double w, h;
        text_size(f->suptitle, f->suptitle_size * s, &w, &h);
        top_extra = h + 0.02 * H;
    }
    int rows = f->axes[0]->grid_rows, cols = f->axes[0]->grid_cols;
    double left = pad + need[0], right = W - pad - need[2];
    double bottom = pad + need[1], top = H - pad - need[3] - top_extra;
    double hgap = need[0] + need[2] + pad, vgap = need[1] + need[3] + pad;
    double cw = (right - left - (cols - 1) * hgap) / cols, ch = (top - bottom - (rows - 1) * vgap) / rows;
    if (cw < 10 || ch < 10)
        return;  /* too little room: keep the default layout */
    for (int i = 0; i < f->naxes; i++) {
        Axes *ax = f->axes[i];
        if (ax->grid_rows != rows || ax->grid_cols != cols)
            continue;
        int r = (ax->grid_index - 1) / cols, c = (ax->grid_index - 1) % cols;
        double x0 = left + c * (cw + hgap), y1 = top - r * (ch + vgap);
        ax->rect[0] = x0 / W; ax->rect[1] = (y1 - ch) / H;
        ax->rect[2] = cw / W; ax->rect[3] = ch / H;
        L[i].box[0] = x0; L[i].box[1] = y1 - ch; L[i].box[2] = x0 + cw; L[i].box[3] = y1;
    }
}

/* ---- drawing the axes decorations ---- */

static void draw_grid(Axes *ax, const AxesLayout *l, double s)
{
    const double *b = l->box;
    draw_clip(b[0], b[1], b[2], b[3]);
    for (int i = 0; ax->xaxis.grid && i < l->xt.n; i++) {
        double x = floor(b[0] + (l->xt.v[i] - l->xlo) / (l->xhi - l->xlo) * (b[2] - b[0])) + 0.5;
        double xs[2] = { x, x }, ys[2] = { b[1], b[3] };
        draw_lines(xs, ys, 2, ax->grid_color, ax->grid_width * s, ax->grid_dash);
    }
    for (int i = 0; ax->yaxis.grid && i < l->yt.n; i++) {
        double y = floor(b[1] + (l->yt.v[i] - l->ylo) / (l->yhi - l->ylo) * (b[3] - b[1])) + 0.5;
        double xs[2] = { b[0], b[2] }, ys[2] = { y, y };
        draw_lines(xs, ys, 2, ax->grid_color, ax->grid_width * s, ax->grid_dash);
    }
    draw_noclip();
}

static void tick_label(const Ticks *t, int i, double x, double y, double F, double ha, int va)
{
    if (t->raw) {
        /* Log decades carry PLplot superscript escapes: centred vertically. */
        double dy = va == VA_TOP ? -0.55 * F : 0;
        draw_text_raw(x, y + dy, t->label[i], F, BLACK, ha, 0);
    } else {
        draw_text(x, y, t->label[i], F, BLACK, ha, va, 0);
    }
}

/* The frame, ticks, tick labels and axis labels of a box with ticks left and bottom
 * (or right only, for colour bars). */
static void draw_frame(const double *b, double s)
{
    double xs[5] = { b[0], b[2], b[2], b[0], b[0] }, ys[5] = { b[1], b[1], b[3], b[3], b[1] };
    draw_lines(xs, ys, 5, BLACK, 0.8 * s, DASH_SOLID);
}

static void draw_axis_decorations(Axes *ax, const AxesLayout *l, double s)
{
    const double *b = l->box;
    double F = 10 * s, tick = 3.5 * s, pad = 3.5 * s, tw = 0.8 * s;
    if (!ax->axis_off) {
        draw_frame(b, s);
        for (int i = 0; i < l->xt.n; i++) {
            double x = floor(b[0] + (l->xt.v[i] - l->xlo) / (l->xhi - l->xlo) * (b[2] - b[0])) + 0.5;
            double xs[2] = { x, x }, ys[2] = { b[1], b[1] - tick };
            draw_lines(xs, ys, 2, BLACK, tw, DASH_SOLID);
            tick_label(&l->xt, i, x, b[1] - tick - pad, F, 0.5, VA_TOP);
        }
        for (int i = 0; i < l->yt.n; i++) {
            double y = floor(b[1] + (l->yt.v[i] - l->ylo) / (l->yhi - l->ylo) * (b[3] - b[1])) + 0.5;
            double xs[2] = { b[0], b[0] - tick }, ys[2] = { y, y };
            draw_lines(xs, ys, 2, BLACK, tw, DASH_SOLID);
            tick_label(&l->yt, i, b[0] - tick - pad, y, F, 1, VA_CENTER);
        }
        if (ax->xaxis.label)
            draw_text((b[0] + b[2]) / 2, b[1] - tick - pad - l->xt.maxh - 4 * s, ax->xaxis.label,
                      ax->xaxis.label_size * s, ax->xaxis.label_color, 0.5, VA_TOP, 0);
        if (ax->yaxis.label)
            draw_text(b[0] - tick - pad - l->yt.maxw - 4 * s, (b[1] + b[3]) / 2, ax->yaxis.label,
                      ax->yaxis.label_size * s, ax->yaxis.label_color, 0.5, VA_BOTTOM, 90);
    }
    if (ax->title) {
        double x = ax->title_ha == 0 ? b[0] : ax->title_ha == 1 ? b[2] : (b[0] + b[2]) / 2;
        draw_text(x, b[3] + 6 * s, ax->title, ax->title_size * s, ax->title_color, ax->title_ha, VA_BASELINE, 0);
    }
}

static int zorder(const Artist *a)
{
    switch (a->kind) {
    case A_IMAGE: return 0;
    case A_CONTOUR: return a->filled ? 0 : 2;
    case A_BARS: case A_FILL: return 1;
    case A_TEXT: case A_ANNOTATE: return 3;
    default: return 2;
    }
}

static void draw_artist(Axes *ax, const AxesLayout *l, const Artist *a, double s)
{
    switch (a->kind) {
    case A_LINE: case A_HLINE: case A_VLINE: case A_FILL: case A_ERRORBAR: plt_draw_line(ax, l, a, s); break;
    case A_SCATTER: plt_draw_scatter(ax, l, a, s); break;
    case A_BARS: plt_draw_bars(ax, l, a, s); break;
    case A_CONTOUR: plt_draw_contour(ax, l, a, s); break;
    case A_IMAGE: plt_draw_image(ax, l, a, s); break;
    case A_TEXT: case A_ANNOTATE: plt_draw_text(ax, l, a, s); break;
    }
}

static void draw_axes(Axes *ax, const AxesLayout *l, double s)
{
    const double *b = l->box;
    for (int z = 0; z <= 3; z++) {
        if (z == 2 && !ax->axis_off)
            draw_grid(ax, l, s);  /* above images and bars, below lines (axisbelow = "line") */
        for (const Artist *a = ax->first; a; a = a->next) {
            if (zorder(a) != z)
                continue;
            if (a->kind == A_TEXT || a->kind == A_ANNOTATE) draw_noclip();
            else draw_clip(b[0], b[1], b[2], b[3]);
            draw_artist(ax, l, a, s);
        }
    }
    draw_noclip();
    draw_axis_decorations(ax, l, s);
    if (ax->legend)
        plt_draw_legend(ax, l, s);
    if (l->mappable)
        plt_draw_colorbar(ax, l, s);
}

/* ---- the whole figure ---- */


void plt_render(Figure *f, RenderFormat fmt, const char *path, double dpi, unsigned char **out, size_t *size)
{
    double s = dpi / 72;
    int W = (int)lround(f->width * dpi), H = (int)lround(f->height * dpi);
    AxesLayout *L = plt_xcalloc((size_t)(f->naxes ? f->naxes : 1), sizeof *L);
    /* Everything that can fail on bad data runs before PLplot starts. */
    place_boxes(f, L, W, H, s);
    for (int i = 0; i < f->naxes; i++) {
        Axes *ax = f->axes[i];
        layout_axes(ax, &L[i], s);
        if (L[i].mappable) {
            /* matplotlib's colorbar: parent keeps 80% of its width, bar after a 5% pad, aspect 20. */
            double *bx = L[i].box, w = bx[2] - bx[0], h = bx[3] - bx[1];
            double cw = fmin(0.15 * w, h / 20);
            L[i].cbar[0] = bx[0] + 0.85 * w; L[i].cbar[2] = L[i].cbar[0] + cw;
            L[i].cbar[1] = bx[1]; L[i].cbar[3] = bx[3];
            for (int k = 0; k < 4; k++)
                L[i].cbar[k] = floor(L[i].cbar[k]) + 0.5;
            bx[2] = bx[0] + 0.8 * w;
            layout_axes(ax, &L[i], s);  /* ticks for the narrower box */
        }
    }
    cairo_surface_t *surf;
    if (fmt == FMT_SVG) surf = cairo_svg_surface_create(path, W, H);
    else if (fmt == FMT_PDF) surf = cairo_pdf_surface_create(path, W, H);
    else surf = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, W, H);
    if (cairo_surface_status(surf) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surf);
        free(L);
        error_raise(fmt == FMT_PNG ? ERR_MEMORY : ERR_IO, "plt: cannot create the %s surface%s%s (%s)",
                    fmt == FMT_PNG ? "image" : "file", path ? " for " : "", path ? path : "",
                    fmt == FMT_PNG ? "out of memory?" : "check that the folder exists and is writable");
    }
    cairo_t *cr = cairo_create(surf);
    cairo_set_source_rgb(cr, 1, 1, 1);
    cairo_paint(cr);
    Canvas c = { cr, W, H };
    draw_begin(&c);
    for (int i = 0; i < f->naxes; i++)
        draw_axes(f->axes[i], &L[i], s);
    if (f->suptitle)
        draw_text(W / 2.0, H - 0.02 * H, f->suptitle, f->suptitle_size * s, BLACK, 0.5, VA_TOP, 0);
    draw_end();
    cairo_destroy(cr);
    free(L);
    if (fmt == FMT_PNG) {
        cairo_surface_flush(surf);
        *out = plt_png_encode(cairo_image_surface_get_data(surf), W, H, cairo_image_surface_get_stride(surf), size);
    } else {
        cairo_surface_finish(surf);
        cairo_status_t st = cairo_surface_status(surf);
        cairo_surface_destroy(surf);
        if (st != CAIRO_STATUS_SUCCESS)
            error_raise(ERR_IO, "plt_savefig: cannot write \"%s\" (%s)", path, cairo_status_to_string(st));
        return;
    }
    cairo_surface_destroy(surf);
}
