/* Figures and axes: creation, selection, the list of open figures, show,
 * savefig and close. A figure is a model; nothing is drawn until shown. */
#include "internal.h"
#include "../core/args.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static Figure *g_open;     /* open figures, newest first */
static Figure *g_current;

/* matplotlib's default subplot parameters. */
#define SP_LEFT 0.125
#define SP_RIGHT 0.9
#define SP_BOTTOM 0.11
#define SP_TOP 0.88
#define SP_SPACE 0.2

static void axes_free(Axes *ax)
{
    for (Artist *a = ax->first, *next; a; a = next) {
        next = a->next;
        plt_artist_free(a);
    }
    for (int k = 0; k < 2; k++) {
        AxisState *s = k ? &ax->yaxis : &ax->xaxis;
        free(s->ticks);
        for (int i = 0; s->ticklabels && i < s->nticks; i++)
            free(s->ticklabels[i]);
        free(s->ticklabels);
        free(s->label);
    }
    free(ax->title);
    free(ax->colorbar_label);
    free(ax);
}

void plt_figure_free(Figure *f)
{
    for (int i = 0; i < f->naxes; i++)
        axes_free(f->axes[i]);
    free(f->axes);
    free(f->suptitle);
    free(f);
}

static void unlink_open(Figure *f)
{
    for (Figure **p = &g_open; *p; p = &(*p)->next_open)
        if (*p == f) {
            *p = f->next_open;
            break;
        }
    if (g_current == f)
        g_current = g_open;
}

static Figure *figure_new(const FigureOptions *o, const char *fn)
{
    double w = o && o->width ? o->width : 6.4, h = o && o->height ? o->height : 4.8;
    double dpi = o && o->dpi ? o->dpi : 100;
    if (!(w > 0 && h > 0 && w <= 100 && h <= 100))
        error_raise(ERR_VALUE, "%s: figure size %g x %g inches (give a width and height between 0 and 100)", fn, w, h);
    if (!(dpi >= 10 && dpi <= 1000))
        error_raise(ERR_VALUE, "%s: dpi %g (give a resolution between 10 and 1000; 100 is usual)", fn, dpi);
    if (w * h * dpi * dpi > 50e6)
        error_raise(ERR_VALUE, "%s: %g x %g inches at %g dpi is more than 50 megapixels (lower the size or dpi)",
                    fn, w, h, dpi);
    Figure *f = plt_xcalloc(1, sizeof *f);
    f->width = w;
    f->height = h;
    f->dpi = dpi;
    f->next_open = g_open;
    g_open = f;
    g_current = f;
    return f;
}

static Axes *axes_new(Figure *f, int rows, int cols, int index)
{
    if (f->naxes == f->cap) {
        int cap = f->cap ? 2 * f->cap : 4;
        Axes **a = realloc(f->axes, (size_t)cap * sizeof *a);
        if (!a)
            error_raise(ERR_MEMORY, "plt: out of memory adding axes");
        f->axes = a;
        f->cap = cap;
    }
    Axes *ax = plt_xcalloc(1, sizeof *ax);
    ax->fig = f;
    ax->grid_rows = rows;
    ax->grid_cols = cols;
    ax->grid_index = index;
    int r = (index - 1) / cols, c = (index - 1) % cols;
    double cw = (SP_RIGHT - SP_LEFT) / (cols + SP_SPACE * (cols - 1));
    double ch = (SP_TOP - SP_BOTTOM) / (rows + SP_SPACE * (rows - 1));
    ax->rect[0] = SP_LEFT + c * cw * (1 + SP_SPACE);
    ax->rect[1] = SP_TOP - (r + 1) * ch - r * ch * SP_SPACE;
    ax->rect[2] = cw;
    ax->rect[3] = ch;
    ax->title_size = 12;
    ax->grid_color = (Rgba){ 0xb0 / 255.0, 0xb0 / 255.0, 0xb0 / 255.0, 1 };
    ax->grid_width = 0.8;
    ax->title_ha = 0.5;
    ax->xaxis.label_size = ax->yaxis.label_size = 10;
    ax->legend_frame = true;
    f->axes[f->naxes++] = ax;
    f->current = ax;
    return ax;
}

Figure *plt_figure_(const FigureOptions *o)
{
    return figure_new(o, "plt_figure");
}

Figure *plt_subplots_(int rows, int cols, const FigureOptions *o)
{
    if (rows < 1 || cols < 1 || rows * cols > 400)
        error_raise(ERR_VALUE, "plt_subplots: %d x %d axes (give between 1 and 400 axes in all)", rows, cols);
    Figure *f = figure_new(o, "plt_subplots");
    for (int i = 1; i <= rows * cols; i++)
        axes_new(f, rows, cols, i);
    f->current = f->axes[0];
    return f;
}

Figure *plt_current_figure(void)
{
    if (!g_current)
        figure_new(NULL, "plt_figure");
    return g_current;
}

Figure *plt_gcf(void) { return plt_current_figure(); }

Axes *plt_subplot(int rows, int cols, int index)
{
    if (rows < 1 || cols < 1 || rows * cols > 400)
        error_raise(ERR_VALUE, "plt_subplot: a %d x %d grid (give between 1 and 400 axes in all)", rows, cols);
    if (index < 1 || index > rows * cols)
        error_raise(ERR_VALUE, "plt_subplot: index %d of a %d x %d grid (give 1 to %d, counted row by row)",
                    index, rows, cols, rows * cols);
    Figure *f = plt_current_figure();
    for (int i = 0; i < f->naxes; i++) {
        Axes *a = f->axes[i];
        if (a->grid_rows == rows && a->grid_cols == cols && a->grid_index == index)
            return f->current = a;
    }
    return axes_new(f, rows, cols, index);
}

Axes *plt_gca(void)
{
    Figure *f = plt_current_figure();
    if (!f->current)
        axes_new(f, 1, 1, 1);
    return f->current;
}

/* The open figure holding ax, or NULL: a shown or closed figure's axes are
 * freed, so a kept Axes * is compared, never read. */
static Figure *open_figure_of(const Axes *ax)
{
    for (Figure *f = g_open; f; f = f->next_open)
        for (int i = 0; i < f->naxes; i++)
            if (f->axes[i] == ax)
                return f;
    return NULL;
}

/* Whether fig is still open: a stale pointer is compared, never read. */
static bool is_open(const Figure *fig)
{
    for (const Figure *f = g_open; f; f = f->next_open)
        if (f == fig)
            return true;
    return false;
}

static const char STALE_AXES[] = "the axes belong to a figure already shown or closed (draw in a new figure)";

Axes *plt_axes_for(Axes *ax)
{
    if (ax && !open_figure_of(ax))
        error_raise(ERR_VALUE, ".ax: %s", STALE_AXES);
    return ax ? ax : plt_gca();
}

void plt_sca(Axes *ax)
{
    CDL_ARG(ax);
    Figure *f = open_figure_of(ax);
    if (!f)
        error_raise(ERR_VALUE, "plt_sca: %s", STALE_AXES);
    g_current = f;
    f->current = ax;
}

Artist *plt_add_artist(Axes *ax, ArtistKind kind)
{
    Artist *a = plt_xcalloc(1, sizeof *a);
    a->kind = kind;
    if (ax->last) ax->last->next = a;
    else ax->first = a;
    ax->last = a;
    return a;
}

void plt_close(void)
{
    Figure *f = g_current;
    if (!f)
        return;
    unlink_open(f);
    plt_figure_free(f);
}

void plt_close_all(void)
{
    while (g_open) {
        Figure *f = g_open;
        unlink_open(f);
        plt_figure_free(f);
    }
    g_current = NULL;
}

unsigned char *plt_render_png(Figure *fig, size_t *size)
{
    CDL_ARG(fig);
    if (!is_open(fig))
        error_raise(ERR_VALUE, "plt_render_png: the figure was already shown or closed (its pointer is stale)");
    unsigned char *png = NULL;
    plt_render(fig, FMT_PNG, NULL, fig->dpi, &png, size);
    return png;
}

static void show_and_close(Figure *f)
{
    /* Unlinked first: if rendering raises, the figure is not shown twice. */
    unlink_open(f);
    size_t size = 0;
    unsigned char *png = NULL;
    plt_render(f, FMT_PNG, NULL, f->dpi, &png, &size);
    plt_figure_free(f);
    display_png(png, size);
    free(png);
}

void plt_show(void)
{
    /* Oldest first, the order in which they were drawn. */
    while (g_open) {
        Figure *f = g_open;
        while (f->next_open)
            f = f->next_open;
        show_and_close(f);
    }
}

void plt_display_out(Figure *fig)
{
    CDL_ARG_OPT(fig);
    /* The pointer may be stale (the figure shown and freed already): only
     * figures still open are rendered. */
    Figure *f = fig;
    if (!is_open(f)) {
        static const char closed[] = "<Figure (already shown or closed)>";
        DisplayItem item = { "text/plain", closed, sizeof closed - 1 };
        display_result(&item, 1);
        return;
    }
    unlink_open(f);
    size_t size = 0;
    unsigned char *png = NULL;
    plt_render(f, FMT_PNG, NULL, f->dpi, &png, &size);
    plt_figure_free(f);
    static const char text[] = "<Figure>";
    DisplayItem items[2] = { { "image/png", png, size }, { "text/plain", text, sizeof text - 1 } };
    display_result(items, 2);
    free(png);
}

void plt_show_pending(void)
{
    if (g_open)
        plt_show();
}

void plt_savefig_(const char *path, const SaveOptions *o)
{
    if (!path || !*path)
        error_raise(ERR_VALUE, "plt_savefig: no file name (give e.g. \"figure.png\", \".svg\" or \".pdf\")");
    const char *dot = strrchr(path, '.');
    RenderFormat fmt;
    if (dot && !strcasecmp(dot, ".png")) fmt = FMT_PNG;
    else if (dot && !strcasecmp(dot, ".svg")) fmt = FMT_SVG;
    else if (dot && !strcasecmp(dot, ".pdf")) fmt = FMT_PDF;
    else
        error_raise(ERR_VALUE, "plt_savefig: cannot tell the format of \"%s\" (end the name with .png, .svg or .pdf)",
                    path);
    Figure *f = plt_current_figure();
    double dpi = o && o->dpi ? o->dpi : f->dpi;
    if (!(dpi >= 10 && dpi <= 1000))
        error_raise(ERR_VALUE, "plt_savefig: dpi %g (give a resolution between 10 and 1000)", dpi);
    if (fmt != FMT_PNG) {
        plt_render(f, fmt, path, dpi, NULL, NULL);
        return;
    }
    size_t size = 0;
    unsigned char *png = NULL;
    plt_render(f, FMT_PNG, NULL, dpi, &png, &size);
    FILE *fp = fopen(path, "wb");
    if (!fp || fwrite(png, 1, size, fp) != size) {
        if (fp) fclose(fp);
        free(png);
        error_raise(ERR_IO, "plt_savefig: cannot write \"%s\" (check that the folder exists and is writable)", path);
    }
    free(png);
    if (fclose(fp) != 0)
        error_raise(ERR_IO, "plt_savefig: cannot write \"%s\" (disk full?)", path);
}
