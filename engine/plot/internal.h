/* Shared by engine/plot: the figure model (a display list of artists per
 * axes, rendered only at show/savefig time) and the drawing primitives. */
#ifndef PLOT_INTERNAL_H
#define PLOT_INTERNAL_H

#include "coursdl.h"

#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct Rgba { double r, g, b, a; } Rgba;

/* A colormap: control points interpolated linearly. */
typedef struct Colormap {
    const char *name;
    int n;
    const unsigned char (*rgb)[3];
    bool reversed;
    bool discrete; /* tab10: no interpolation */
} Colormap;

typedef enum ArtistKind {
    A_LINE, A_SCATTER, A_BARS, A_FILL, A_ERRORBAR, A_CONTOUR, A_IMAGE, A_TEXT, A_ANNOTATE, A_HLINE, A_VLINE
} ArtistKind;

typedef enum Dash { DASH_SOLID, DASH_DASHED, DASH_DOTTED, DASH_DASHDOT, DASH_NONE } Dash;
typedef enum Scale { SCALE_LINEAR, SCALE_LOG } Scale;

typedef struct Artist {
    ArtistKind kind;
    struct Artist *next;
    long n;
    double *x, *y, *y2, *xerr, *yerr; /* owned copies; bars: x=centre, y=height, y2=bottom */
    Rgba color, edge;
    bool has_edge;
    double linewidth;   /* points */
    Dash dash;
    char marker;        /* 0: none */
    double markersize;  /* points (scatter: area in points^2) */
    char *label;
    Rgba *colors;       /* per point/bar colours, or NULL */
    bool horizontal;    /* barh */
    double width;       /* bar width, capsize */
    /* contour / image */
    int nx, ny;
    double *z;
    const Colormap *cmap;
    double vmin, vmax;
    double *levels;
    int nlevels;
    bool filled, origin_lower;
    bool rgb;           /* image: z holds r, g, b in [0, 1] per pixel (no colormap) */
    double extent[4];
    bool mappable;      /* has a colormap a colour bar can show */
    /* text / annotation */
    char *text;
    double fontsize;
    double ha;          /* 0 left, 0.5 centre, 1 right */
    int va;             /* VA_* */
    double rotation;
    double tx, ty;
    bool arrow;
    Rgba arrow_color;
} Artist;

enum { VA_BASELINE, VA_BOTTOM, VA_CENTER, VA_TOP };

typedef struct AxisState {
    double lim[2];
    bool lim_set;
    Scale scale;
    double *ticks;      /* user ticks (plt_xticks) */
    char **ticklabels;
    int nticks;
    bool ticks_set;
    char *label;
    double label_size;
    Rgba label_color;
    bool grid;
    bool sticky_lo, sticky_hi; /* no margin on that side (bars from 0, images) */
    bool inverted;
} AxisState;

struct Axes {
    Figure *fig;
    double rect[4];     /* left, bottom, width, height as fractions of the figure */
    int grid_rows, grid_cols, grid_index;
    Artist *first, *last;
    int cycle;          /* next colour of the tab10 cycle */
    AxisState xaxis, yaxis;
    char *title;
    double title_size;
    Rgba title_color;
    double title_ha;
    Rgba grid_color;
    double grid_width;
    Dash grid_dash;
    bool legend;
    int legend_loc;
    double legend_size;
    bool legend_frame;
    bool axis_off;
    bool equal;
    bool colorbar;
    char *colorbar_label;
};

struct Figure {
    double width, height, dpi;
    Axes **axes;
    int naxes, cap;
    Axes *current;
    char *suptitle;
    double suptitle_size;
    bool tight;
    bool shown;
    struct Figure *next_open;
};

/* ---- memory and data (data.c) ---- */
void *plt_xmalloc(size_t size);
void *plt_xcalloc(size_t n, size_t size);
char *plt_xstrdup(const char *s);
/* Copies n values of an array of element type dtype into new doubles; raises
 * (naming fn and what) on NULL, n <= 0 or non-finite values. */
double *plt_copy(const char *fn, const char *what, const void *p, int dtype, long n);
/* An image artist in ax from z (owned: rows x cols values, or rows x cols x 3 when rgb). */
void plt_image_artist(const char *fn, Axes *ax, double *z, int rows, int cols, bool rgb, const ImshowOptions *o);
/* The images of a tensor as (K, C, H, W) float64 with C 1 or 3 (rgb: C 3, values put in [0, 1]). */
struct Tensor *plt_tensor_images(const char *fn, struct Tensor *t, bool one, bool *rgb);
/* Pixels of image k of plt_tensor_images' result (owned copy: gray, or r, g, b per pixel). */
double *plt_image_pixels(struct Tensor *imgs, int64_t k);
/* Bytes per element of a PLT_* array code, and element i as a double. */
size_t plt_esize(int dtype);
double plt_elem(const void *p, int dtype, long i);
/* 0, 1, ..., n-1. */
double *plt_iota(long n);
void plt_check_n(const char *fn, long n);
void plt_artist_free(Artist *a);

/* ---- figures (figure.c) ---- */
Axes *plt_axes_for(Axes *ax);   /* ax, or the current axes (created if needed) */
Figure *plt_current_figure(void);
Artist *plt_add_artist(Axes *ax, ArtistKind kind);
void plt_figure_free(Figure *f);

/* ---- style (style.c) ---- */
/* Parses a colour; raises ERR_VALUE naming fn when unknown. */
Rgba plt_color(const char *fn, const char *spec);
/* The colour spec, or the next of the axes' tab10 cycle when spec is NULL. */
Rgba plt_color_or_cycle(const char *fn, const char *spec, Axes *ax);
Rgba plt_tab10(int i);
Dash plt_dash(const char *fn, const char *spec);
char plt_marker(const char *fn, const char *spec);
double plt_alpha(const char *fn, double alpha);
double plt_ha(const char *fn, const char *ha, double dflt);
int plt_va(const char *fn, const char *va, int dflt);

/* ---- colormaps (colormap.c) ---- */
const Colormap *plt_cmap(const char *fn, const char *name, const char *dflt);
Rgba plt_cmap_at(const Colormap *cm, double t);   /* t in [0, 1] */

/* ---- ticks (ticks.c) ---- */
/* Round tick values covering [lo, hi] (at most max_ticks + 1); returns the count. */
int plt_nice_ticks(double lo, double hi, int max_ticks, double *out, int cap, double *step);
/* Formats the ticks with a common number of decimals, minus sign U+2212. */
void plt_format_ticks(const double *t, int n, double step, char labels[][32]);
/* Expands [lo, hi] to round numbers covering it (used by autoscale of levels). */
int plt_log_ticks(double lo, double hi, double *out, int cap);

/* ---- drawing primitives (draw.c), in figure pixels with y upwards ---- */
typedef struct Canvas Canvas;
void draw_begin(Canvas *c);
void draw_end(void);
void draw_clip(double x0, double y0, double x1, double y1);
void draw_noclip(void);
void draw_lines(const double *x, const double *y, long n, Rgba c, double width_px, Dash dash);
void draw_fill(const double *x, const double *y, long n, Rgba c);
void draw_rect(double x0, double y0, double x1, double y1, Rgba fill);
/* Text with its anchor at (x, y): ha 0..1 along the text, va VA_*; angle in degrees. */
void draw_text(double x, double y, const char *s, double size_px, Rgba c, double ha, int va, double angle);
/* Width and height of s (several lines for '\n'). */
void text_size(const char *s, double size_px, double *w, double *h);
void draw_marker(double x, double y, char marker, double size_px, Rgba face, Rgba edge, double edge_px, bool has_edge);
/* An RGBA image (rows x cols, 4 bytes a pixel, row 0 at the top) scaled to the rectangle, nearest pixels. */
void draw_image(const unsigned char *rgba, int rows, int cols, double x0, double y0, double x1, double y1);
/* Filled bands of z (ny rows of nx) at pixel positions px (nx), py (ny): band i between levels[i] and levels[i+1]. */
void draw_shades(const double *z, int nx, int ny, const double *px, const double *py,
                 const double *levels, int nlevels, const Rgba *colors);
void draw_contour(const double *z, int nx, int ny, const double *px, const double *py,
                  double level, Rgba c, double width_px);

/* ---- rendering (render.c) ---- */
typedef enum RenderFormat { FMT_PNG, FMT_SVG, FMT_PDF } RenderFormat;
/* Renders f; PNG: bytes in *out, length in *size (malloc'd); SVG/PDF: written to path. */
void plt_render(Figure *f, RenderFormat fmt, const char *path, double dpi, unsigned char **out, size_t *size);

/* PNG encoding of an ARGB32 image (png.c). */
unsigned char *plt_png_encode(const unsigned char *argb, int width, int height, int stride, size_t *size);

/* ---- layout facts shared by render.c and legend.c ---- */
#define MAX_TICKS 64
typedef struct Ticks {
    int n;
    double v[MAX_TICKS];          /* positions (log10 for log axes) */
    const char *label[MAX_TICKS]; /* points into buf or the user's labels */
    char buf[MAX_TICKS][32];
    bool raw;                     /* labels hold PLplot escapes (log decades) */
    double maxw, maxh;            /* largest label, pixels */
} Ticks;

typedef struct AxesLayout {
    double box[4];          /* x0, y0, x1, y1 in pixels (y up) */
    double xlo, xhi, ylo, yhi; /* view limits (log10 for log axes); lo > hi: inverted */
    Ticks xt, yt;
    double cbar[4];         /* colour bar box when shown */
    Ticks ct;
    double clo, chi;        /* colour bar range */
    const Artist *mappable;
} AxesLayout;

/* Draws one artist (each in the file of its plt_* function). */
void plt_draw_line(Axes *ax, const AxesLayout *l, const Artist *a, double s);
void plt_draw_scatter(Axes *ax, const AxesLayout *l, const Artist *a, double s);
void plt_draw_bars(Axes *ax, const AxesLayout *l, const Artist *a, double s);
void plt_draw_contour(Axes *ax, const AxesLayout *l, const Artist *a, double s);
void plt_draw_image(Axes *ax, const AxesLayout *l, const Artist *a, double s);
void plt_draw_text(Axes *ax, const AxesLayout *l, const Artist *a, double s);
void plt_draw_legend(Axes *ax, const AxesLayout *l, double s);
void plt_draw_colorbar(Axes *ax, const AxesLayout *l, double s);
/* The colour of a scalar through an artist's colormap and range. */
Rgba plt_map_value(const Artist *a, double v);
/* matplotlib's point-to-pixel factor is dpi / 72. */
/* Data to pixels for the axes being rendered. */
double plt_px(const AxesLayout *l, const Axes *ax, double x);
double plt_py(const AxesLayout *l, const Axes *ax, double y);

#endif
