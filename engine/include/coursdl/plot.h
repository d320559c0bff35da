/* Plots: a matplotlib-like plt_* API. Figures are kept as a list of artists
 * and drawn (PLplot, cairo driver) only at plt_show / plt_savefig, in
 * matplotlib's default look. A figure drawn but not shown appears at the end
 * of the cell (plt_show_pending), as with matplotlib's inline backend.
 *
 * Data arrays: pass double *, float *, int * or unsigned char * arrays with
 * their length; the macros record the element type (PLT_DTYPE), so
 * `float y[100]` and `double y[100]` both work. x may be NULL (0, 1, 2...).
 * Optional arguments are named: plt_plot(x, y, n, .color = "tab:red",
 * .label = "sin", .linestyle = "--"); zero means the default. */
#ifndef COURSDL_PLOT_H
#define COURSDL_PLOT_H

#include <stddef.h>
#include <stdbool.h>

typedef struct Figure Figure;
typedef struct Axes Axes;

struct Tensor;

/* Element type codes of data arrays (recorded by PLT_DTYPE). */
enum { PLT_F64 = 0, PLT_F32 = 1, PLT_I32 = 2, PLT_U8 = 3, PLT_TENSOR = 4, PLT_LONG = 5, PLT_ULONG = 6,
       PLT_I64 = 7, PLT_U64 = 8, PLT_U32 = 9, PLT_I16 = 10, PLT_U16 = 11, PLT_I8 = 12, PLT_BOOL = 13 };
/* The element type code of an array argument (double when unknown, e.g. NULL):
 * double, float, int, unsigned, short, long (int64_t), long long, their
 * unsigned forms, signed / unsigned char (uint8_t) and bool arrays are read
 * as what they are. A Tensor * is accepted wherever an array is: n must then
 * be its number of elements (plt_plot(x, y, tensor_numel(x))); images
 * (plt_imshow, plt_images) take their sizes from it. A C array of images
 * (uint8_t imgs[25][28][28]) is passed as its first element: &imgs[0][0][0]. */
#define PLT_DTYPE(p) _Generic((p), float *: PLT_F32, const float *: PLT_F32, \
    int *: PLT_I32, const int *: PLT_I32, unsigned char *: PLT_U8, const unsigned char *: PLT_U8, \
    long *: PLT_LONG, const long *: PLT_LONG, unsigned long *: PLT_ULONG, const unsigned long *: PLT_ULONG, \
    long long *: PLT_I64, const long long *: PLT_I64, unsigned long long *: PLT_U64, \
    const unsigned long long *: PLT_U64, unsigned int *: PLT_U32, const unsigned int *: PLT_U32, \
    short *: PLT_I16, const short *: PLT_I16, unsigned short *: PLT_U16, const unsigned short *: PLT_U16, \
    signed char *: PLT_I8, const signed char *: PLT_I8, _Bool *: PLT_BOOL, const _Bool *: PLT_BOOL, \
    struct Tensor *: PLT_TENSOR, const struct Tensor *: PLT_TENSOR, default: PLT_F64)

/* ---- figures and axes ------------------------------------------------------------- */

typedef struct FigureOptions {
    double width, height; /* inches (default 6.4 x 4.8) */
    double dpi;           /* pixels per inch (default 100) */
} FigureOptions;

/* Starts a new figure and makes it current: plt_figure(.width = 8, .height = 3, .dpi = 100).
 * Arguments: options .width and .height in inches (default 6.4 x 4.8,
 * each in (0, 100]) and .dpi (default 100, 10 to 1000).
 * Returns the new figure; the plt_ calls that follow draw in it.
 * Errors: ValueError for a size or dpi out of range, or more than 50
 * megapixels in all.
 * Example:
 *   plt_figure(.width = 10, .height = 4);
 *   plt_plot(NULL, losses, epochs, .label = "train"); */
#define plt_figure(...) plt_figure_(&(FigureOptions){ __VA_ARGS__ })
Figure *plt_figure_(const FigureOptions *o);

/* Starts a new figure with a rows x cols grid of axes; the first is current.
 * Select another with plt_subplot(rows, cols, index).
 * Arguments: the grid's rows and cols (1 to 400 axes in all), then the
 * options of plt_figure (.width, .height, .dpi).
 * Returns the new figure.
 * Errors: ValueError for a grid out of range, or a size or dpi out of range.
 * Example:
 *   plt_subplots(1, 2, .width = 10);
 *   plt_plot(NULL, loss, n); plt_title("loss");
 *   plt_subplot(1, 2, 2); plt_plot(NULL, acc, n); plt_title("accuracy"); */
#define plt_subplots(rows, cols, ...) plt_subplots_((rows), (cols), &(FigureOptions){ __VA_ARGS__ })
Figure *plt_subplots_(int rows, int cols, const FigureOptions *o);

/* Selects (creating it if needed) axes number index (1-based, row by row) of a
 * rows x cols grid in the current figure, like matplotlib's plt.subplot(2, 2, 1).
 * Arguments: the grid's rows and cols (1 to 400 axes in all) and the index,
 * 1 to rows * cols.
 * Returns the axes, now current: the next plt_plot, plt_title... go there.
 * Errors: ValueError for a grid or an index out of range.
 * Example:
 *   for (int k = 0; k < 4; k++) {
 *       plt_subplot(2, 2, k + 1);
 *       plt_plot(NULL, curves[k], n);
 *   } */
Axes *plt_subplot(int rows, int cols, int index);
/* The current figure (created if there is none). */
Figure *plt_gcf(void);
/* The current axes (created if there is none). */
Axes *plt_gca(void);
/* Makes ax (and its figure) current. */
void plt_sca(Axes *ax);

/* ---- lines ------------------------------------------------------------------------ */

typedef struct PlotOptions {
    const char *color;     /* "tab:red", "C1", "red", "r", "#1f77b4" (default: next of the tab10 cycle) */
    const char *linestyle; /* "-" (default), "--", ":", "-.", "none" */
    double linewidth;      /* points (default 1.5) */
    const char *marker;    /* "o", "s", "^", "v", "D", "x", "+", "*", "." (default none) */
    double markersize;     /* points (default 6) */
    const char *label;     /* legend entry */
    double alpha;          /* opacity 0..1 (default 1) */
    Axes *ax;              /* axes to draw in (default: the current axes) */
} PlotOptions;

/* Draws y against x (n points; x NULL: 0..n-1):
 * plt_plot(x, y, 100, .color = "tab:red", .linestyle = "--", .label = "cos").
 * Arguments: x and y as arrays of float or double (or tensor data), n the
 * number of points, options as matplotlib's keyword arguments.
 * Shown at plt_show() or at the end of the cell, as matplotlib inline does.
 * Returns nothing; the line is added to the current axes (or .ax).
 * Errors: ValueError for n < 1, a NULL y, a tensor whose number of values
 * is not n, or an unknown color, linestyle or marker, or alpha outside
 * [0, 1]; nothing is drawn then.
 * Example:
 *   double xs[] = {0, 1, 2, 3}, ys[] = {0, 1, 4, 9};
 *   plt_plot(xs, ys, 4, .label = "x^2"); plt_legend(); plt_show(); */
#define plt_plot(x, y, n, ...) plt_plot_((x), PLT_DTYPE(x), (y), PLT_DTYPE(y), (long)(n), &(PlotOptions){ __VA_ARGS__ })
void plt_plot_(const void *x, int xtype, const void *y, int ytype, long n, const PlotOptions *o);

/* A horizontal line across the axes at y: plt_axhline(0, .color = "k", .linestyle = "--"). */
#define plt_axhline(y, ...) plt_axhline_((y), &(PlotOptions){ __VA_ARGS__ })
void plt_axhline_(double y, const PlotOptions *o);
/* A vertical line across the axes at x. */
#define plt_axvline(x, ...) plt_axvline_((x), &(PlotOptions){ __VA_ARGS__ })
void plt_axvline_(double x, const PlotOptions *o);

typedef struct FillOptions {
    const char *color; /* default: next of the colour cycle */
    double alpha;      /* default 1 (0.2..0.3 is usual for bands) */
    const char *label;
    Axes *ax;
} FillOptions;

/* Fills between y1 and y2 (y2 NULL: 0) over x (n points):
 * plt_fill_between(x, lo, hi, n, .alpha = 0.3). */
#define plt_fill_between(x, y1, y2, n, ...) plt_fill_between_((x), PLT_DTYPE(x), (y1), PLT_DTYPE(y1), \
    (y2), PLT_DTYPE(y2), (long)(n), &(FillOptions){ __VA_ARGS__ })
void plt_fill_between_(const void *x, int xtype, const void *y1, int y1type, const void *y2, int y2type,
                       long n, const FillOptions *o);

typedef struct ErrorbarOptions {
    const double *xerr;    /* optional horizontal errors (n values) */
    const char *color;
    const char *linestyle; /* default "-" ("none": points only) */
    double linewidth;
    const char *marker;    /* default "o" */
    double markersize;
    double capsize;        /* cap length in points (default 3) */
    const char *label;
    double alpha;
    Axes *ax;
} ErrorbarOptions;

/* Points (x, y) with vertical error bars yerr (n values each; yerr may be NULL). */
#define plt_errorbar(x, y, yerr, n, ...) plt_errorbar_((x), PLT_DTYPE(x), (y), PLT_DTYPE(y), (yerr), \
    PLT_DTYPE(yerr), (long)(n), &(ErrorbarOptions){ __VA_ARGS__ })
void plt_errorbar_(const void *x, int xtype, const void *y, int ytype, const void *yerr, int etype,
                   long n, const ErrorbarOptions *o);

/* ---- scatter ---------------------------------------------------------------------- */

typedef struct ScatterOptions {
    const char *color;    /* one colour for all points (default: next of the cycle) */
    const int *labels;    /* per-point class labels: tab10 colours (or cmap when given) */
    const double *values; /* per-point values mapped through cmap (default "viridis") */
    const char *cmap;     /* colormap name: "viridis", "plasma", "gray", "Blues", "RdBu", "coolwarm", "tab10"... */
    double vmin, vmax;    /* value range of the colormap (default: the data's) */
    double s;             /* marker area in points^2 (default 36, like matplotlib) */
    const char *marker;   /* default "o" */
    double alpha;
    const char *edgecolor; /* default: none */
    double linewidths;     /* edge width in points (default 1 when edgecolor is set) */
    const char *label;
    Axes *ax;
} ScatterOptions;

/* Points (x[i], y[i]): plt_scatter(x, y, n, .labels = y_class, .alpha = 0.8). */
#define plt_scatter(x, y, n, ...) plt_scatter_((x), PLT_DTYPE(x), (y), PLT_DTYPE(y), (long)(n), \
    &(ScatterOptions){ __VA_ARGS__ })
void plt_scatter_(const void *x, int xtype, const void *y, int ytype, long n, const ScatterOptions *o);

/* ---- bars and histograms ---------------------------------------------------------- */

typedef struct BarOptions {
    double width;              /* bar width in data units (default 0.8) */
    const double *bottom;      /* per-bar base for stacked bars (default 0) */
    const char *color;         /* default: next of the cycle */
    const char **colors;       /* one colour per bar */
    const char *edgecolor;
    const char **tick_labels;  /* names of the bars, shown as ticks: (const char *[]){"relu", "tanh"} */
    const char *label;
    double alpha;
    Axes *ax;
} BarOptions;

/* Vertical bars of heights h at x (n bars; x NULL: 0..n-1). */
#define plt_bar(x, h, n, ...) plt_bar_((x), PLT_DTYPE(x), (h), PLT_DTYPE(h), (long)(n), false, &(BarOptions){ __VA_ARGS__ })
/* Horizontal bars of widths w at y (n bars; y NULL: 0..n-1). */
#define plt_barh(y, w, n, ...) plt_bar_((y), PLT_DTYPE(y), (w), PLT_DTYPE(w), (long)(n), true, &(BarOptions){ __VA_ARGS__ })
void plt_bar_(const void *x, int xtype, const void *h, int htype, long n, bool horizontal, const BarOptions *o);

typedef struct HistOptions {
    int bins;           /* number of bins (default 10) */
    bool density;       /* normalise so the area is 1 */
    double range_min, range_max; /* bin range (default: the data's min and max) */
    const char *color;
    const char *edgecolor;
    double alpha;
    const char *label;
    Axes *ax;
} HistOptions;

/* Histogram of the n values of x: plt_hist(x, n, .bins = 30, .density = true). */
#define plt_hist(x, n, ...) plt_hist_((x), PLT_DTYPE(x), (long)(n), &(HistOptions){ __VA_ARGS__ })
void plt_hist_(const void *x, int xtype, long n, const HistOptions *o);

/* ---- contours and images ---------------------------------------------------------- */

typedef struct ContourOptions {
    int levels;           /* number of levels (default about 8, at round values) */
    const double *values; /* explicit level values (ascending), nvalues of them */
    int nvalues;
    const char *cmap;     /* default "viridis" */
    const char *colors;   /* one colour for every contour line (contour only) */
    double alpha;
    double linewidths;    /* contour lines, points (default 1.5) */
    double vmin, vmax;
    Axes *ax;
} ContourOptions;

/* Filled contours of z over the grid x (nx values) by y (ny values); z holds
 * ny rows of nx values (z[j*nx + i] at x[i], y[j]); x/y NULL: 0..n-1. */
#define plt_contourf(x, nx, y, ny, z, ...) plt_contour_((x), PLT_DTYPE(x), (nx), (y), PLT_DTYPE(y), (ny), \
    (z), PLT_DTYPE(z), true, &(ContourOptions){ __VA_ARGS__ })
/* Contour lines of z (same layout as plt_contourf). */
#define plt_contour(x, nx, y, ny, z, ...) plt_contour_((x), PLT_DTYPE(x), (nx), (y), PLT_DTYPE(y), (ny), \
    (z), PLT_DTYPE(z), false, &(ContourOptions){ __VA_ARGS__ })
void plt_contour_(const void *x, int xtype, int nx, const void *y, int ytype, int ny,
                  const void *z, int ztype, bool filled, const ContourOptions *o);

typedef struct ImshowOptions {
    const char *cmap;      /* default "viridis"; "gray" for digits */
    double vmin, vmax;     /* colour range (default: the data's min and max) */
    const double *extent;  /* {left, right, bottom, top} in data units (default pixel indices) */
    bool origin_lower;     /* row 0 at the bottom (default: at the top, like matplotlib) */
    const char *interpolation; /* "nearest" (the only one; default) */
    double alpha;
    Axes *ax;
} ImshowOptions;

/* Shows a rows x cols array (row-major) as an image: plt_imshow(img, 28, 28, .cmap = "gray").
 * A Tensor * gives its own sizes (rows and cols may be 0): (H, W), (1, H, W)
 * or (1, 1, H, W) through the colormap, (3, H, W), (1, 3, H, W) or (H, W, 3)
 * as RGB colours (floats in [0, 1], integers in 0..255), any dtype:
 * plt_imshow(x_train_img, 0, 0, .cmap = "gray"). */
#define plt_imshow(data, rows, cols, ...) plt_imshow_((data), PLT_DTYPE(data), (rows), (cols), &(ImshowOptions){ __VA_ARGS__ })
void plt_imshow_(const void *data, int dtype, int rows, int cols, const ImshowOptions *o);

typedef struct ColorbarOptions {
    const char *label;
    Axes *ax;
} ColorbarOptions;

/* Adds a colour bar for the last image, filled contour or value-coloured scatter of the axes. */
#define plt_colorbar(...) plt_colorbar_(&(ColorbarOptions){ __VA_ARGS__ })
void plt_colorbar_(const ColorbarOptions *o);

/* ---- text --------------------------------------------------------------------------- */

typedef struct TextOptions {
    double fontsize;   /* points (default 10; titles 12) */
    const char *color; /* default black */
    const char *ha;    /* horizontal alignment: "left" (default for plt_text), "center", "right" */
    const char *va;    /* vertical alignment: "baseline" (default for plt_text), "bottom", "center", "top" */
    double rotation;   /* degrees, counter-clockwise */
    const char *loc;   /* titles: "center" (default), "left", "right" */
    Axes *ax;
} TextOptions;

/* Text at data coordinates (x, y); UTF-8, '\n' starts a new line. */
#define plt_text(x, y, s, ...) plt_text_((x), (y), (s), &(TextOptions){ __VA_ARGS__ })
void plt_text_(double x, double y, const char *s, const TextOptions *o);
/* The title above the current axes: plt_title("Loss", .fontsize = 14).
 * Arguments: the text (UTF-8, '\n' for a new line); options .fontsize
 * (default 12), .color, .loc ("center", "left", "right"), .ax.
 * Returns nothing; a second call replaces the title.
 * Errors: ValueError for a NULL text, an unknown color or loc, or a bad
 * font size.
 * Example:
 *   plt_title("Training loss"); */
#define plt_title(s, ...) plt_title_((s), &(TextOptions){ __VA_ARGS__ })
void plt_title_(const char *s, const TextOptions *o);
/* A title above all the axes of the current figure, like
 * fig.suptitle(s).
 * Arguments: the text; option .fontsize (default 12).
 * Returns nothing; a second call replaces it.
 * Errors: ValueError for a NULL text or a bad font size.
 * Example:
 *   plt_subplots(1, 2);
 *   plt_suptitle("MLP vs CNN"); */
#define plt_suptitle(s, ...) plt_suptitle_((s), &(TextOptions){ __VA_ARGS__ })
void plt_suptitle_(const char *s, const TextOptions *o);
/* The label of the x axis of the current axes.
 * Arguments: the text; options .fontsize (default 10), .color, .ax.
 * Returns nothing; a second call replaces the label.
 * Errors: ValueError for a NULL text, an unknown color or a bad font size.
 * Example:
 *   plt_xlabel("epoch"); plt_ylabel("loss"); */
#define plt_xlabel(s, ...) plt_xlabel_((s), &(TextOptions){ __VA_ARGS__ })
void plt_xlabel_(const char *s, const TextOptions *o);
/* The label of the y axis of the current axes.
 * Arguments: the text; options .fontsize (default 10), .color, .ax.
 * Returns nothing; a second call replaces the label.
 * Errors: ValueError for a NULL text, an unknown color or a bad font size.
 * Example:
 *   plt_ylabel("accuracy (%)"); */
#define plt_ylabel(s, ...) plt_ylabel_((s), &(TextOptions){ __VA_ARGS__ })
void plt_ylabel_(const char *s, const TextOptions *o);

typedef struct AnnotateOptions {
    bool arrow;        /* draw an arrow from the text to the point (default: true when the text is elsewhere) */
    bool no_arrow;     /* never draw the arrow */
    const char *color; /* text colour (default black) */
    const char *arrowcolor; /* default black */
    double fontsize;
    Axes *ax;
} AnnotateOptions;

/* Text s at (tx, ty) with an arrow pointing to (x, y), all in data coordinates:
 * plt_annotate("minimum", 1.0, 0.0, 2.0, 0.5). */
#define plt_annotate(s, x, y, tx, ty, ...) plt_annotate_((s), (x), (y), (tx), (ty), &(AnnotateOptions){ __VA_ARGS__ })
void plt_annotate_(const char *s, double x, double y, double tx, double ty, const AnnotateOptions *o);

/* ---- axes decorations -------------------------------------------------------------- */

typedef struct LegendOptions {
    const char *loc;   /* "best" (default), "upper right", "upper left", "lower left", "lower right",
                          "right", "center left", "center right", "lower center", "upper center", "center" */
    double fontsize;
    bool frameoff;     /* no box */
    Axes *ax;
} LegendOptions;

/* A legend of the labelled series of the axes: plt_legend(.loc = "lower right").
 * Arguments: options .loc ("best" by default, "upper right"...),
 * .fontsize (default 10), .frameoff, .ax. Only series drawn with a
 * .label appear.
 * Returns nothing.
 * Errors: ValueError for an unknown loc or a negative font size.
 * Example:
 *   plt_plot(NULL, train, n, .label = "train");
 *   plt_plot(NULL, val, n, .label = "validation");
 *   plt_legend(); */
#define plt_legend(...) plt_legend_(&(LegendOptions){ __VA_ARGS__ })
void plt_legend_(const LegendOptions *o);

typedef struct GridOptions {
    const char *axis;      /* "both" (default), "x", "y" */
    const char *color;     /* default "#b0b0b0" */
    const char *linestyle; /* default "-" */
    double linewidth;      /* default 0.8 */
    double alpha;
    Axes *ax;
} GridOptions;

/* Grid lines at the ticks: plt_grid(true), plt_grid(true, .alpha = 0.3). */
#define plt_grid(on, ...) plt_grid_((on), &(GridOptions){ __VA_ARGS__ })
void plt_grid_(bool on, const GridOptions *o);

/* The x range shown (lo > hi flips the axis). */
void plt_xlim(double lo, double hi);
/* The y range shown. */
void plt_ylim(double lo, double hi);
/* The x scale: "linear" or "log". */
void plt_xscale(const char *scale);
/* The y scale: "linear" or "log". */
void plt_yscale(const char *scale);
/* Ticks of the x axis at the n values, with labels (NULL: the numbers). */
void plt_xticks(const double *ticks, int n, const char *const *labels);
/* Ticks of the y axis at the n values, with labels (NULL: the numbers). */
void plt_yticks(const double *ticks, int n, const char *const *labels);
/* Hides the frame, ticks and labels of the current axes ("off"), or shows them ("on"); "equal": same scale on x and y. */
void plt_axis(const char *mode);
/* Makes the layout fit: the axes grow or shrink so that no title, label or
 * tick label overlaps or is cut, like matplotlib's plt.tight_layout().
 * Arguments: none; it applies to the current figure when it is drawn.
 * Returns nothing.
 * Errors: none.
 * Example:
 *   plt_subplots(2, 3);
 *   // ... draw in each of the 6 axes (plt_subplot)
 *   plt_tight_layout(); plt_show(); */
void plt_tight_layout(void);

/* ---- output -------------------------------------------------------------------------- */

typedef struct SaveOptions {
    double dpi; /* default: the figure's */
} SaveOptions;

/* Saves the current figure; the format follows the extension: .png, .svg or .pdf. */
#define plt_savefig(path, ...) plt_savefig_((path), &(SaveOptions){ __VA_ARGS__ })
void plt_savefig_(const char *path, const SaveOptions *o);
/* Shows every open figure (PNG in the notebook; a file in a plain program),
 * oldest first, then closes them. Figures left open are shown at the end
 * of the cell anyway; call it to show one before what the cell prints next.
 * Arguments: none.
 * Returns nothing; later plt_ calls start a new figure.
 * Errors: none of its own (options were checked when each element was
 * drawn).
 * Example:
 *   plt_plot(xs, ys, 100);
 *   plt_show(); */
void plt_show(void);
/* Shows and closes the figures drawn but not shown yet; the kernel calls it after each cell. */
void plt_show_pending(void);
/* Closes the current figure without showing it. */
void plt_close(void);
/* Closes every open figure without showing it. */
void plt_close_all(void);
/* Shows fig as the cell's result (Out[n]) and closes it: a cell ending with
 * `fig` (no semicolon) shows the figure. */
void plt_display_out(Figure *fig);
/* Renders fig as PNG into a new malloc'd buffer (free it); *size gets its length. */
unsigned char *plt_render_png(Figure *fig, size_t *size);

/* ---- course helpers --------------------------------------------------------------------- */

typedef struct BoundaryOptions {
    void *ctx;            /* passed to predict/score */
    int resolution;       /* mesh points per side (default 200) */
    double margin;        /* added around the points' range (default: 10% of the range) */
    const char *cmap;     /* areas (default: tab10 pastel for classes, "RdBu" for scores) */
    double alpha;         /* of the areas (default 0.4) */
    double threshold;     /* score: the decision level drawn as a line (default 0.5) */
    double s;             /* point area in points^2 (default 25) */
    Axes *ax;
} BoundaryOptions;

/* Decision regions of a classifier predict(x, y, ctx) -> class, evaluated on a
 * mesh around the n points X (n rows of 2 values), with the points coloured by
 * labels (NULL: all one colour). */
#define plt_decision_boundary(predict, X, labels, n, ...) plt_decision_boundary_((predict), NULL, (X), \
    PLT_DTYPE(X), (labels), PLT_DTYPE(labels), (long)(n), &(BoundaryOptions){ __VA_ARGS__ })
/* The same for a score function score(x, y, ctx) -> real (e.g. a probability):
 * filled contours of the score and a line at .threshold. */
#define plt_decision_boundary_score(score, X, labels, n, ...) plt_decision_boundary_(NULL, (score), (X), \
    PLT_DTYPE(X), (labels), PLT_DTYPE(labels), (long)(n), &(BoundaryOptions){ __VA_ARGS__ })
void plt_decision_boundary_(int (*predict)(double x, double y, void *ctx),
                            double (*score)(double x, double y, void *ctx),
                            const void *X, int xtype, const void *labels, int ltype, long n,
                            const BoundaryOptions *o);

typedef struct ImagesOptions {
    int ncols;                /* images per row (default: a square-ish grid) */
    const char *const *titles; /* one title per image ("Vrai: 7\nPrédit: 1"), or NULL */
    const char *cmap;         /* default "gray" */
    double vmin, vmax;        /* default: each image's own range */
    double size;              /* inches per image (default 1.5) */
} ImagesOptions;

/* A new figure with a grid of count images of rows x cols pixels each, stored
 * one after the other: plt_images(x, 25, 28, 28, .ncols = 5, .titles = names).
 * A Tensor * of N images, any dtype, gives its own sizes (count, rows and
 * cols may be 0; count > 0 shows the first count): (N, H, W) and (N, 1, H, W)
 * through the colormap, (N, 3, H, W) in colour (floats in [0, 1], integers
 * 0..255), (N, C, H, W) with other C as N x C gray images (feature maps,
 * filters: plt_images(nn_get_parameter(model, "0.weight"), 0, 0, 0)), and
 * one (H, W) image: plt_images(batch->x, 16, 0, 0, .titles = labels). */
#define plt_images(data, count, rows, cols, ...) plt_images_((data), PLT_DTYPE(data), (count), (rows), (cols), \
    &(ImagesOptions){ __VA_ARGS__ })
void plt_images_(const void *data, int dtype, int count, int rows, int cols, const ImagesOptions *o);

typedef struct ConfusionOptions {
    const char *const *class_names; /* k names (default 0..k-1) */
    const char *cmap;               /* default "Blues" */
    bool normalize;                 /* show row fractions instead of counts */
    const char *title;
    const char *xlabel, *ylabel;    /* default "Predicted label", "True label" */
    bool colorbar;                  /* default: shown */
    bool no_colorbar;
} ConfusionOptions;

/* A confusion matrix (k x k counts, row = true class, column = predicted)
 * with the counts written in the cells. */
#define plt_confusion_matrix(counts, k, ...) plt_confusion_matrix_((counts), PLT_DTYPE(counts), (k), \
    &(ConfusionOptions){ __VA_ARGS__ })
void plt_confusion_matrix_(const void *counts, int dtype, int k, const ConfusionOptions *o);

typedef struct HistoryOptions {
    const double *val_loss; /* per-epoch arrays (epochs values), each optional */
    const double *acc;
    const double *val_acc;
    bool logy;             /* loss on a log scale */
    const char *title;
} HistoryOptions;

/* Training curves: loss (and validation loss, accuracy, validation accuracy)
 * per epoch, side by side: plt_history(loss, epochs, .val_loss = vl, .acc = a). */
#define plt_history(loss, epochs, ...) plt_history_((loss), PLT_DTYPE(loss), (epochs), &(HistoryOptions){ __VA_ARGS__ })
void plt_history_(const void *loss, int ltype, int epochs, const HistoryOptions *o);

#endif
