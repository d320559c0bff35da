/* The drawing surface of one render: cairo context and size in pixels.
 * Only draw.c and render.c see PLplot and cairo. */
#ifndef PLOT_CANVAS_H
#define PLOT_CANVAS_H

#include <plplot/plplot.h>
#include <cairo/cairo.h>

struct Canvas {
    cairo_t *cr;
    double W, H;
};

/* One line with PLplot escapes ("10#u-2#d" for a superscript), centred vertically. */
void draw_text_raw(double x, double y, const char *s, double size_px, Rgba c, double ha, double angle);

#endif
