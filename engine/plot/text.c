/* Text: plt_text, plt_annotate (with an arrow), titles and axis labels. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>

static void check_text(const char *fn, const char *s)
{
    if (!s)
        error_raise(ERR_VALUE, "%s: the text is NULL (give a string)", fn);
}

static Rgba text_color(const char *fn, const char *c)
{
    return c ? plt_color(fn, c) : (Rgba){ 0, 0, 0, 1 };
}

static double font_size(const char *fn, double size, double dflt)
{
    if (size < 0 || size > 500)
        error_raise(ERR_VALUE, "%s: fontsize %g (give a size in points, e.g. 10)", fn, size);
    return size ? size : dflt;
}

void plt_text_(double x, double y, const char *s, const TextOptions *o)
{
    const char *fn = "plt_text";
    check_text(fn, s);
    if (!isfinite(x) || !isfinite(y))
        error_raise(ERR_VALUE, "%s: position (%g, %g) is not finite", fn, x, y);
    Rgba c = text_color(fn, o->color);
    double ha = plt_ha(fn, o->ha, 0);
    int va = plt_va(fn, o->va, VA_BASELINE);
    double size = font_size(fn, o->fontsize, 10);
    Axes *ax = plt_axes_for(o->ax);
    Artist *a = plt_add_artist(ax, A_TEXT);
    a->x = plt_xmalloc(sizeof *a->x);
    a->y = plt_xmalloc(sizeof *a->y);
    a->x[0] = x; a->y[0] = y; a->n = 1;
    a->text = plt_xstrdup(s);
    a->color = c; a->ha = ha; a->va = va; a->fontsize = size; a->rotation = o->rotation;
}

void plt_annotate_(const char *s, double x, double y, double tx, double ty, const AnnotateOptions *o)
{
    const char *fn = "plt_annotate";
    check_text(fn, s);
    if (!isfinite(x) || !isfinite(y) || !isfinite(tx) || !isfinite(ty))
        error_raise(ERR_VALUE, "%s: a position is not finite (give finite x, y, tx, ty)", fn);
    Rgba c = text_color(fn, o->color);
    Rgba ac = o->arrowcolor ? plt_color(fn, o->arrowcolor) : (Rgba){ 0, 0, 0, 1 };
    double size = font_size(fn, o->fontsize, 10);
    Axes *ax = plt_axes_for(o->ax);
    Artist *a = plt_add_artist(ax, A_ANNOTATE);
    a->x = plt_xmalloc(sizeof *a->x);
    a->y = plt_xmalloc(sizeof *a->y);
    a->x[0] = x; a->y[0] = y; a->n = 1;
    a->tx = tx; a->ty = ty;
    a->text = plt_xstrdup(s);
    a->color = c; a->arrow_color = ac; a->fontsize = size;
    a->arrow = !o->no_arrow && (o->arrow || tx != x || ty != y);
}

static void set_label(const char *fn, char **dst, double *size, Rgba *color, const char *s, const TextOptions *o,
                      double dflt)
{
    check_text(fn, s);
    Rgba c = text_color(fn, o->color);
    double sz = font_size(fn, o->fontsize, dflt);
    free(*dst);
    *dst = plt_xstrdup(s);
    *size = sz;
    *color = c;
}

void plt_title_(const char *s, const TextOptions *o)
{
    Axes *ax = plt_axes_for(o->ax);
    double ha = plt_ha("plt_title", o->loc, 0.5);
    set_label("plt_title", &ax->title, &ax->title_size, &ax->title_color, s, o, 12);
    ax->title_ha = ha;
}

void plt_xlabel_(const char *s, const TextOptions *o)
{
    Axes *ax = plt_axes_for(o->ax);
    set_label("plt_xlabel", &ax->xaxis.label, &ax->xaxis.label_size, &ax->xaxis.label_color, s, o, 10);
}

void plt_ylabel_(const char *s, const TextOptions *o)
{
    Axes *ax = plt_axes_for(o->ax);
    set_label("plt_ylabel", &ax->yaxis.label, &ax->yaxis.label_size, &ax->yaxis.label_color, s, o, 10);
}

void plt_suptitle_(const char *s, const TextOptions *o)
{
    check_text("plt_suptitle", s);
    double size = font_size("plt_suptitle", o->fontsize, 12);
    Figure *f = plt_current_figure();
    free(f->suptitle);
    f->suptitle = plt_xstrdup(s);
    f->suptitle_size = size;
}

void plt_draw_text(Axes *ax, const AxesLayout *l, const Artist *a, double s)
{
    double x = plt_px(l, ax, a->x[0]), y = plt_py(l, ax, a->y[0]);
    if (a->kind == A_TEXT) {
        draw_text(x, y, a->text, a->fontsize * s, a->color, a->ha, a->va, a->rotation);
        return;
    }
    double tx = plt_px(l, ax, a->tx), ty = plt_py(l, ax, a->ty);
    draw_text(tx, ty, a->text, a->fontsize * s, a->color, 0.5, VA_CENTER, 0);
    if (!a->arrow)
        return;
    /* From the edge of the text's box (the text point itself for an empty text,
     * matplotlib's arrow-only annotation) to just short of the point. */
    double w = 0, h = 0;
    if (a->text[0])
        text_size(a->text, a->fontsize * s, &w, &h);
    double dx = x - tx, dy = y - ty, len = hypot(dx, dy);
    if (len < 1) {  /* the point under the text's centre: a short arrow coming down onto it */
        tx = x;
        ty = y - 8 * s;
        dx = 0;
        dy = len = 8 * s;
    }
    double ux = dx / len, uy = dy / len;
    double gap = a->text[0] ? 3 * s : 0, hw = w / 2 + gap, hh = h / 2 + gap;
    double t0 = fmin(fabs(ux) > 1e-9 ? hw / fabs(ux) : INFINITY, fabs(uy) > 1e-9 ? hh / fabs(uy) : INFINITY);
    double t1 = len - 2 * s;
    if (t1 < 1)
        t1 = len;
    /* A point at or inside the text's box still gets a short arrow, ending at it. */
    double shortest = 8 * s;
    if (t1 - t0 < shortest)
        t0 = fmax(0, t1 - shortest);
    if (t1 - t0 < 1)
        return;
    /* The head shrinks on short arrows so that it never overshoots the start. */
    double head = fmin(8 * s, 0.6 * (t1 - t0)), half = head * 3 / 8, lw = 1 * s;
    double xs[2] = { tx + ux * t0, tx + ux * (t1 - head * 0.8) }, ys[2] = { ty + uy * t0, ty + uy * (t1 - head * 0.8) };
    draw_lines(xs, ys, 2, a->arrow_color, lw, DASH_SOLID);
    double ex = tx + ux * t1, ey = ty + uy * t1, bx = ex - ux * head, by = ey - uy * head;
    double hx[3] = { ex, bx - uy * half, bx + uy * half }, hy[3] = { ey, by + ux * half, by - ux * half };
    draw_fill(hx, hy, 3, a->arrow_color);
}
