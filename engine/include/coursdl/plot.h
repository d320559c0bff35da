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
 * (uint8_t imgs[25][28][28]) is passed as its first element: &imgs[0][0][0].
 * The plt_ macros apply it for you; it is needed only to call a plt_..._
 * function yourself.
 * Arguments: p, an array (a pointer) or a Tensor *; it is not evaluated.
 * Returns the PLT_ code, an int constant chosen at compile time.
 * Errors: none; a pointer of another type (plain char, a struct) is read as
 * double, so convert such data first.
 * Example:
 *   int code = PLT_DTYPE(losses);   // PLT_F64 for double losses[EPOCHS] */
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
/* The current figure, like matplotlib's plt.gcf(); a new one (6.4 x 4.8
 * inches) when none is open.
 * Arguments: none.
 * Returns the current Figure, owned by the plot module (freed when it is
 * shown or closed).
 * Errors: none.
 * Example:
 *   plt_plot(NULL, losses, epochs);
 *   Figure *fig = plt_gcf();   // the figure plt_plot drew in */
Figure *plt_gcf(void);
/* The current axes, like matplotlib's plt.gca(); one axes filling the
 * figure is made when the current figure has none (and a figure when none is
 * open).
 * Arguments: none.
 * Returns the current Axes, owned by its figure, for the .ax option of the
 * plt_ calls or plt_sca.
 * Errors: none.
 * Example:
 *   Axes *left = plt_gca();
 *   plt_plot(NULL, acc, n, .ax = left); */
Axes *plt_gca(void);
/* Makes ax the current axes, and its figure the current figure, like
 * matplotlib's plt.sca(ax): the plt_ calls without .ax then draw there.
 * Arguments: ax, axes of a figure still open (from plt_subplot or plt_gca).
 * Returns nothing.
 * Errors: ValueError when ax's figure was already shown or closed.
 * Example:
 *   Axes *loss_ax = plt_subplot(1, 2, 1);
 *   plt_subplot(1, 2, 2); plt_plot(NULL, acc, n);
 *   plt_sca(loss_ax); plt_plot(NULL, loss, n); */
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

/* A horizontal line across the whole width of the axes at height y, like
 * matplotlib's plt.axhline (a target value, chance level, a baseline).
 * Arguments: y, finite, in data units; the options of plt_plot: .color
 * (default: next of the colour cycle), .linestyle (default "-"), .linewidth
 * (default 1.5), .label, .alpha, .ax (.marker and .markersize are ignored).
 * Returns nothing; the line is added to the current axes (or .ax).
 * Errors: ValueError for a non-finite y, an unknown color or linestyle, a
 * negative linewidth, or alpha outside [0, 1].
 * Example:
 *   plt_axhline(0.5, .color = "gray", .linestyle = ":", .label = "chance"); */
#define plt_axhline(y, ...) plt_axhline_((y), &(PlotOptions){ __VA_ARGS__ })
void plt_axhline_(double y, const PlotOptions *o);
/* A vertical line across the whole height of the axes at x, like
 * matplotlib's plt.axvline (the epoch where early stopping kept the model).
 * Arguments: x, finite, in data units; the options of plt_axhline.
 * Returns nothing; the line is added to the current axes (or .ax).
 * Errors: ValueError for a non-finite x, an unknown color or linestyle, a
 * negative linewidth, or alpha outside [0, 1].
 * Example:
 *   plt_axvline(best_epoch, .color = "k", .linestyle = "--", .label = "best"); */
#define plt_axvline(x, ...) plt_axvline_((x), &(PlotOptions){ __VA_ARGS__ })
void plt_axvline_(double x, const PlotOptions *o);

typedef struct FillOptions {
    const char *color; /* default: next of the colour cycle */
    double alpha;      /* default 1 (0.2..0.3 is usual for bands) */
    const char *label;
    Axes *ax;
} FillOptions;

/* Fills the area between two curves y1 and y2 over x, like matplotlib's
 * plt.fill_between (a band of one standard deviation around a mean).
 * Arguments: x (NULL: 0..n-1), y1 and y2 (NULL: 0), n values each (arrays
 * or tensors); n >= 1; options .color (default: next of the colour cycle),
 * .alpha (default 1; 0.2 to 0.3 is usual for bands), .label, .ax.
 * Returns nothing; the area is added to the current axes (or .ax).
 * Errors: ValueError for n < 1, a NULL y1, a non-finite value, a tensor whose
 * number of values is not n, an unknown color, or alpha outside [0, 1].
 * Example:
 *   plt_fill_between(NULL, lo, hi, epochs, .alpha = 0.3, .label = "mean +/- std"); */
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

/* Points (x, y) with vertical error bars of half-length yerr, like
 * matplotlib's plt.errorbar (a mean over several runs and its spread).
 * Arguments: x (NULL: 0..n-1), y and yerr (NULL: no vertical bars), n values
 * each (arrays or tensors; errors >= 0); n >= 1; options .xerr (n horizontal
 * errors, doubles), .color, .linestyle (default "-" joining the points;
 * "none": points only), .linewidth, .marker (default "o"), .markersize,
 * .capsize (cap length in points, default 3), .label, .alpha, .ax.
 * Returns nothing; added to the current axes (or .ax).
 * Errors: ValueError for n < 1, a NULL y, a non-finite value, a negative
 * error, a tensor whose number of values is not n, an unknown color,
 * linestyle or marker, or alpha outside [0, 1].
 * Example:
 *   plt_errorbar(lrs, mean_acc, std_acc, 5, .capsize = 4, .label = "5 seeds"); */
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

/* Points (x[i], y[i]) as markers, like matplotlib's plt.scatter: one colour,
 * a colour per class (.labels) or values through a colormap (.values).
 * Arguments: x (NULL: 0..n-1) and y, n values each (arrays or tensors);
 * n >= 1; options .color (default: next of the colour cycle), .labels (n int
 * class labels >= 0: tab10 colours, or .cmap's), .values (n doubles mapped
 * through .cmap, default "viridis", from .vmin to .vmax, default the data's
 * range), .s (marker area in points^2, default 36), .marker (default "o"),
 * .alpha, .edgecolor (default none) and .linewidths (default 1), .label, .ax.
 * Returns nothing; the points are added to the current axes (or .ax).
 * Errors: ValueError for n < 1, a NULL y, a non-finite value, a tensor whose
 * number of values is not n, both .labels and .values, a negative label or
 * s, an unknown color, marker or colormap, or alpha outside [0, 1].
 * Example:
 *   plt_scatter(x1, x2, n, .labels = classes, .edgecolor = "white"); */
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

/* Vertical bars of heights h at positions x, like matplotlib's plt.bar (a
 * score per model, a count per class).
 * Arguments: x (NULL: 0..n-1) and h, n values each (arrays or tensors);
 * n >= 1; options .width (in data units, default 0.8), .bottom (n bases for
 * stacked bars, default 0), .color (default: next of the colour cycle),
 * .colors (one colour per bar), .edgecolor, .tick_labels (n names shown as
 * the x ticks, at most 64), .label, .alpha, .ax.
 * Returns nothing; the bars are added to the current axes (or .ax).
 * Errors: ValueError for n < 1, a NULL h, a non-finite value, a tensor whose
 * number of values is not n, a negative width, more than 64 tick labels, an
 * unknown color, or alpha outside [0, 1].
 * Example:
 *   const char *names[] = {"relu", "tanh", "sigmoid"};
 *   plt_bar(NULL, accuracies, 3, .tick_labels = names, .color = "tab:green"); */
#define plt_bar(x, h, n, ...) plt_bar_((x), PLT_DTYPE(x), (h), PLT_DTYPE(h), (long)(n), false, &(BarOptions){ __VA_ARGS__ })
/* Horizontal bars of widths w at positions y, like matplotlib's plt.barh
 * (long class names read better on the y axis).
 * Arguments: y (NULL: 0..n-1) and w, n values each; n >= 1; the options of
 * plt_bar (.width is then the bars' thickness, .bottom their left end, and
 * .tick_labels name the y ticks).
 * Returns nothing; the bars are added to the current axes (or .ax).
 * Errors: as plt_bar's: ValueError for n < 1, a NULL w, a non-finite value, a
 * tensor whose number of values is not n, a negative width, more than 64
 * tick labels, an unknown color, or alpha outside [0, 1].
 * Example:
 *   plt_barh(NULL, per_class_acc, 10, .tick_labels = class_names); */
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

/* A histogram of the n values of x, like matplotlib's plt.hist: bins of equal
 * width over the data's range, the last one including its right edge.
 * Arguments: x, n values (an array or a tensor), n >= 1; options .bins
 * (default 10, 1 to 100000), .density (scaled so that the area is 1),
 * .range_min and .range_max (the bins' range, default the data's min and
 * max; values outside are left out), .color, .edgecolor, .alpha, .label, .ax.
 * Returns nothing; the bars are added to the current axes (or .ax).
 * Errors: ValueError for n < 1, a NULL x, a non-finite value, a tensor whose
 * number of values is not n, bins out of range, range_max < range_min, an
 * unknown color, or alpha outside [0, 1].
 * Example:
 *   plt_hist(W, tensor_numel(W), .bins = 50, .density = true);   // weights */
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

/* Filled contours of z over a grid, like matplotlib's plt.contourf (a loss
 * landscape, a probability over the plane).
 * Arguments: x (nx values) and y (ny values), the grid's coordinates,
 * strictly monotonic (NULL: 0..n-1), nx and ny >= 2; z, ny rows of nx values
 * (z[j*nx + i] at x[i], y[j]); arrays or tensors; options .levels (number of
 * levels, about 8 at round values by default, up to 250) or .values
 * (.nvalues explicit levels, increasing), .cmap (default "viridis"), .alpha,
 * .vmin and .vmax (the colormap's range, default the levels'), .ax.
 * Returns nothing; the bands are added to the current axes (or .ax); a
 * plt_colorbar can follow.
 * Errors: ValueError for a grid smaller than 2 x 2, coordinates not strictly
 * monotonic, a NULL z, a non-finite value, a tensor of the wrong number of
 * values, levels or nvalues out of range, values not increasing, fewer than
 * 2 levels, an unknown colormap or color, or alpha outside [0, 1].
 * Example:
 *   plt_contourf(ws, 100, bs, 100, loss_grid, .levels = 20);
 *   plt_colorbar(.label = "loss"); */
#define plt_contourf(x, nx, y, ny, z, ...) plt_contour_((x), PLT_DTYPE(x), (nx), (y), PLT_DTYPE(y), (ny), \
    (z), PLT_DTYPE(z), true, &(ContourOptions){ __VA_ARGS__ })
/* Contour lines of z, lines of equal value, like matplotlib's plt.contour:
 * the layout and options of plt_contourf; each line coloured by the
 * colormap, or all in .colors.
 * Arguments: as plt_contourf's, plus .colors (one colour for every line)
 * and .linewidths (points, default 1.5).
 * Returns nothing; the lines are added to the current axes (or .ax).
 * Errors: as plt_contourf's (ValueError), except that one level is enough.
 * Example:
 *   plt_contour(ws, 100, bs, 100, loss_grid, .levels = 15, .colors = "k"); */
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

/* Shows a rows x cols array (row-major) as an image, like matplotlib's
 * plt.imshow: plt_imshow(img, 28, 28, .cmap = "gray").
 * A Tensor * gives its own sizes (rows and cols may be 0): (H, W), (1, H, W)
 * or (1, 1, H, W) through the colormap, (3, H, W), (1, 3, H, W) or (H, W, 3)
 * as RGB colours (floats clipped to [0, 1], integers in 0..255), any dtype:
 * plt_imshow(x_train_img, 0, 0, .cmap = "gray").
 * Arguments: data (an array or a tensor); rows and cols (>= 1 for an array);
 * options .cmap (default "viridis"; "gray" for digits), .vmin and .vmax (the
 * colour range, default the data's), .extent ({left, right, bottom, top} in
 * data units), .origin_lower (row 0 at the bottom; default at the top),
 * .interpolation ("nearest", the only one), .alpha, .ax.
 * Returns nothing; the image is added to the current axes (or .ax), with
 * square pixels.
 * Errors: ValueError for rows or cols < 1 with an array, a NULL data, a
 * non-finite value, vmin >= vmax, a non-finite extent, another
 * interpolation, an unknown colormap, or alpha outside [0, 1]; ShapeError for
 * a tensor that is not one image, or whose sizes differ from non-zero rows
 * and cols.
 * Example:
 *   plt_imshow(tensor_select(X_train, 0, 0), 0, 0, .cmap = "gray");
 *   plt_axis("off"); */
#define plt_imshow(data, rows, cols, ...) plt_imshow_((data), PLT_DTYPE(data), (rows), (cols), &(ImshowOptions){ __VA_ARGS__ })
void plt_imshow_(const void *data, int dtype, int rows, int cols, const ImshowOptions *o);

typedef struct ColorbarOptions {
    const char *label;
    Axes *ax;
} ColorbarOptions;

/* A colour bar beside the axes for the last image, filled contour or
 * value-coloured scatter drawn in them, like matplotlib's plt.colorbar.
 * Arguments: options .label (text along the bar) and .ax (default: the
 * current axes).
 * Returns nothing; the bar is drawn with the figure, the axes narrowed to
 * make room for it.
 * Errors: ValueError when the axes hold nothing coloured by a colormap.
 * Example:
 *   plt_imshow(weights_img, 28, 28, .cmap = "RdBu");
 *   plt_colorbar(.label = "weight"); */
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

/* Text at data coordinates (x, y), like matplotlib's plt.text; UTF-8, '\n'
 * starts a new line.
 * Arguments: x and y (finite, data units); s, the text; options .fontsize
 * (points, default 10), .color (default black), .ha ("left" by default,
 * "center", "right"), .va ("baseline" by default, "bottom", "center",
 * "top"), .rotation (degrees, counter-clockwise), .ax.
 * Returns nothing; the text is added to the current axes (or .ax).
 * Errors: ValueError for a NULL text, a non-finite position, an unknown
 * color or alignment, or a font size outside 0..500.
 * Example:
 *   plt_text(0.5, 0.9, "accuracy 97.8 %", .ha = "center", .fontsize = 12); */
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

/* Text s at (tx, ty) with an arrow pointing to the point (x, y), all in data
 * coordinates, like matplotlib's plt.annotate(s, xy=(x, y), xytext=(tx, ty)).
 * Arguments: s, the text; x and y, the point; tx and ty, where the text goes
 * (the point itself: no arrow); options .arrow (force the arrow), .no_arrow
 * (never draw it), .color (the text's, default black), .arrowcolor (default
 * black), .fontsize (default 10), .ax.
 * Returns nothing; added to the current axes (or .ax).
 * Errors: ValueError for a NULL text, a non-finite position, an unknown
 * color, or a font size outside 0..500.
 * Example:
 *   plt_annotate("minimum", best_w, best_loss, best_w + 1, best_loss + 0.5); */
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

/* Grid lines at the ticks, like matplotlib's plt.grid: plt_grid(true),
 * plt_grid(true, .alpha = 0.3); plt_grid(false) removes them.
 * Arguments: on; options .axis ("both" by default, "x", "y"), .color (default
 * "#b0b0b0"), .linestyle (default "-"), .linewidth (default 0.8), .alpha,
 * .ax.
 * Returns nothing; applies to the current axes (or .ax).
 * Errors: ValueError for an unknown axis, color or linestyle, or alpha
 * outside [0, 1].
 * Example:
 *   plt_grid(true, .alpha = 0.3); */
#define plt_grid(on, ...) plt_grid_((on), &(GridOptions){ __VA_ARGS__ })
void plt_grid_(bool on, const GridOptions *o);

/* The range of the x axis shown, like matplotlib's plt.xlim(lo, hi); lo > hi
 * flips the axis.
 * Arguments: lo and hi, two different finite values (> 0 on a log scale).
 * Returns nothing; applies to the current axes instead of the automatic
 * range.
 * Errors: ValueError for equal or non-finite limits, or a limit <= 0 on a log
 * scale.
 * Example:
 *   plt_xlim(-1.5, 2.5);   // the moons and a margin */
void plt_xlim(double lo, double hi);
/* The range of the y axis shown, like matplotlib's plt.ylim(lo, hi); lo > hi
 * flips the axis.
 * Arguments: lo and hi, two different finite values (> 0 on a log scale).
 * Returns nothing; applies to the current axes instead of the automatic
 * range.
 * Errors: ValueError for equal or non-finite limits, or a limit <= 0 on a log
 * scale.
 * Example:
 *   plt_ylim(0, 1);   // accuracy */
void plt_ylim(double lo, double hi);
/* The scale of the x axis, like matplotlib's plt.xscale: "linear" (the
 * default) or "log" (learning rates from 1e-5 to 1).
 * Arguments: scale, "linear" or "log".
 * Returns nothing; applies to the current axes. On a log scale every x drawn
 * must be > 0, which is checked when the figure is drawn.
 * Errors: ValueError for another scale, or "log" after x limits <= 0 were
 * set; when the figure is drawn, ValueError for an x <= 0 on the log axis.
 * Example:
 *   plt_plot(lrs, final_loss, 6, .marker = "o"); plt_xscale("log"); */
void plt_xscale(const char *scale);
/* The scale of the y axis, like matplotlib's plt.yscale: "linear" (the
 * default) or "log" (a loss falling over several decades).
 * Arguments: scale, "linear" or "log".
 * Returns nothing; applies to the current axes. On a log scale every y drawn
 * must be > 0, which is checked when the figure is drawn.
 * Errors: ValueError for another scale, or "log" after y limits <= 0 were
 * set; when the figure is drawn, ValueError for a y <= 0 on the log axis.
 * Example:
 *   plt_plot(NULL, losses, epochs); plt_yscale("log"); */
void plt_yscale(const char *scale);
/* Ticks of the x axis at the n values given, with labels (NULL: the
 * numbers), like matplotlib's plt.xticks(ticks, labels).
 * Arguments: ticks, n finite values in data units; n, 0 to 64 (0: none);
 * labels, n strings (copied; a NULL entry is empty) or NULL.
 * Returns nothing; applies to the current axes instead of the automatic
 * ticks.
 * Errors: ValueError for n outside 0..64, NULL ticks with n > 0, or a
 * non-finite tick.
 * Example:
 *   double pos[] = {0, 1, 2};
 *   plt_xticks(pos, 3, (const char *[]){"SGD", "Momentum", "Adam"}); */
void plt_xticks(const double *ticks, int n, const char *const *labels);
/* Ticks of the y axis at the n values given, with labels (NULL: the
 * numbers), like matplotlib's plt.yticks(ticks, labels).
 * Arguments: ticks, n finite values in data units; n, 0 to 64 (0: none);
 * labels, n strings (copied; a NULL entry is empty) or NULL.
 * Returns nothing; applies to the current axes instead of the automatic
 * ticks.
 * Errors: ValueError for n outside 0..64, NULL ticks with n > 0, or a
 * non-finite tick.
 * Example:
 *   plt_yticks((double[]){0, 0.5, 1}, 3, NULL); */
void plt_yticks(const double *ticks, int n, const char *const *labels);
/* Hides the frame, ticks and labels of the current axes ("off", as for
 * images), shows them again ("on"), or gives x and y the same scale ("equal",
 * or "scaled"), like matplotlib's plt.axis(mode).
 * Arguments: mode, "off", "on", "equal" or "scaled".
 * Returns nothing; applies to the current axes.
 * Errors: ValueError for another mode.
 * Example:
 *   plt_imshow(img, 28, 28, .cmap = "gray"); plt_axis("off"); */
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

/* Saves the current figure to a file, like matplotlib's plt.savefig; the
 * format follows the extension: .png, .svg or .pdf (any case).
 * Arguments: path (relative to the notebook); option .dpi (default: the
 * figure's; 10 to 1000).
 * Returns nothing; the figure stays open (it is still shown at plt_show or
 * at the end of the cell).
 * Errors: ValueError for an empty path, another extension or a dpi out of
 * range; IOError when the file cannot be written.
 * Example:
 *   plt_savefig("loss_curve.png", .dpi = 150); */
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
/* Shows and closes the figures drawn but not shown yet, as matplotlib's
 * inline backend does at the end of a cell; the kernel calls it after each
 * cell, so a notebook rarely needs it.
 * Arguments: none.
 * Returns nothing; does nothing when no figure is open.
 * Errors: those of drawing, as plt_show's (e.g. ValueError for a value <= 0
 * on a log axis).
 * Example:
 *   plt_show_pending();   // a plain C program, before it returns */
void plt_show_pending(void);
/* Closes the current figure without showing it, like matplotlib's
 * plt.close(); the newest figure still open (if any) becomes current.
 * Arguments: none.
 * Returns nothing; does nothing when no figure is open. A Figure * or
 * Axes * of the closed figure must not be used any more.
 * Errors: none.
 * Example:
 *   plt_savefig("curve.png"); plt_close();   // saved, not shown */
void plt_close(void);
/* Closes every open figure without showing it, like plt.close("all").
 * Arguments: none.
 * Returns nothing; no figure is current afterwards.
 * Errors: none.
 * Example:
 *   plt_close_all();   // drop the figures a failed cell left half drawn */
void plt_close_all(void);
/* Shows fig as the cell's result (Out[n]) and closes it: a cell ending with
 * `fig` (no semicolon) calls it, as Jupyter shows a matplotlib Figure.
 * Arguments: fig, a figure (NULL, or one already shown or closed, is
 * accepted).
 * Returns nothing; Out[n] gets the PNG and the text "<Figure>", or only
 * "<Figure (already shown or closed)>" for a figure no longer open.
 * Errors: those of drawing, as plt_show's.
 * Example:
 *   Figure *fig = plt_figure(); plt_plot(NULL, losses, epochs);
 *   plt_display_out(fig); */
void plt_display_out(Figure *fig);
/* Renders fig as a PNG image in memory, to save or send it yourself.
 * Arguments: fig, a figure still open (from plt_figure, plt_gcf...); size,
 * where the PNG's length in bytes is written.
 * Returns a new malloc'd buffer holding the PNG file's bytes (free it); the
 * figure stays open.
 * Errors: MemoryError when out of memory; the errors of drawing (e.g.
 * ValueError for a value <= 0 on a log axis, RuntimeError when PLplot fails).
 * Example:
 *   size_t size;
 *   unsigned char *png = plt_render_png(plt_gcf(), &size);
 *   FILE *f = fopen("fig.png", "wb"); fwrite(png, 1, size, f); fclose(f); free(png); */
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

/* The decision regions of a classifier, as for the moons: each point of a
 * mesh around the data is coloured by the class predict(x, y, ctx) returns,
 * and the n points X are drawn on top, coloured by their labels.
 * Arguments: predict, your function int predict(double x, double y, void
 * *ctx) (classes from 0; a negative one counts as 0); X, n rows of 2 values
 * (an array, or an n x 2 tensor); labels, n class labels (NULL: all black);
 * n >= 1; options .ctx (passed to predict, e.g. your model), .resolution
 * (mesh points per side, 2 to 2000, default 200), .margin (added around the
 * points' range, default 10% of it), .cmap (default tab10's colours),
 * .alpha (of the regions, default 0.4), .s (point area, default 25), .ax.
 * Returns nothing; draws in the current axes (or .ax) and sets the limits
 * to the mesh.
 * Errors: ValueError for a NULL predict, a resolution out of range, n < 1, a
 * NULL X, a non-finite value, a tensor whose number of values is not 2n (X)
 * or n (labels), an unknown colormap, or alpha outside [0, 1].
 * Example:
 *   int above_line(double x, double y, void *ctx) { (void)ctx; return y > 0.5 - x; }
 *   Dataset *m = datasets_make_moons(200, .noise = 0.1);
 *   plt_decision_boundary(above_line, data_x(m), data_y(m), 200); */
#define plt_decision_boundary(predict, X, labels, n, ...) plt_decision_boundary_((predict), NULL, (X), \
    PLT_DTYPE(X), (labels), PLT_DTYPE(labels), (long)(n), &(BoundaryOptions){ __VA_ARGS__ })
/* The decision regions of a model that gives a score (e.g. a sigmoid's
 * probability of class 1): filled contours of score(x, y, ctx) over a mesh
 * around the n points X, a black line where the score crosses .threshold,
 * and the points coloured by their labels.
 * Arguments: score, your function double score(double x, double y, void
 * *ctx) (a non-finite result counts as 0); X, labels, n and the options of
 * plt_decision_boundary, with .cmap (default "RdBu") and .threshold (the
 * level drawn as a line, default 0.5; no line when the scores do not cross
 * it).
 * Returns nothing; draws in the current axes (or .ax) and sets the limits
 * to the mesh.
 * Errors: as plt_decision_boundary's (ValueError).
 * Example:
 *   double proba(double x, double y, void *ctx)
 *   { double *w = ctx; return 1 / (1 + exp(-(w[0] * x + w[1] * y + w[2]))); }
 *   plt_decision_boundary_score(proba, X, y, 200, .ctx = w); */
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
 * filters), and one (H, W) image.
 * Arguments: data (an array or a tensor); count (1 to 400); rows and cols
 * (>= 1 for an array; 0 or the tensor's own sizes); options .ncols (images
 * per row, default a square-ish grid), .titles (count strings, or NULL),
 * .cmap (default "gray"), .vmin and .vmax (default each image's own range),
 * .size (inches per image, default 1.5).
 * Returns nothing; the new figure becomes current and is shown at the end
 * of the cell (or at plt_show).
 * Errors: ValueError for a NULL data, count outside 1..400 (or a tensor of
 * more than 400 images with count 0), count above the tensor's N, rows or
 * cols < 1, a non-finite value or an unknown colormap; ShapeError for a
 * tensor of another shape, or whose sizes differ from non-zero rows and cols.
 * Example:
 *   plt_images(nn_get_parameter(model, "0.weight"), 0, 0, 0);   // conv filters
 *   plt_images(batch->x, 16, 0, 0, .titles = labels); */
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

/* A confusion matrix, like sklearn's ConfusionMatrixDisplay: k x k counts
 * (row = true class, column = predicted) as an image, each count written in
 * its cell (in white on the dark cells).
 * Arguments: counts, k x k values row by row (an array, or a tensor such as
 * metrics_confusion_matrix's); k, the number of classes (1 to 100); options
 * .class_names (k names for the ticks, default 0..k-1), .cmap (default
 * "Blues"), .normalize (each row as fractions of its total), .title,
 * .xlabel and .ylabel (default "Predicted label", "True label"),
 * .no_colorbar (no colour bar; one is shown by default).
 * Returns nothing; draws in the current axes (in a new figure when none is
 * open).
 * Errors: ValueError for k outside 1..100, a NULL counts, a non-finite value,
 * a tensor whose number of values is not k * k, or an unknown colormap.
 * Example:
 *   Tensor *pred = metrics_labels(nn_predict(model, X_test));
 *   Tensor *cm = metrics_confusion_matrix(y_test, pred);
 *   plt_confusion_matrix(cm, 10, .class_names = data_class_names(mnist_test)); */
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

/* Training curves, like plotting Keras's history.history: loss (and
 * validation loss) per epoch on the left, accuracy (and validation accuracy)
 * on the right when given, in a new figure.
 * Arguments: loss, epochs values (an array or a tensor); epochs (>= 1);
 * options .val_loss, .acc, .val_acc (epochs doubles each, each optional),
 * .logy (the loss on a log scale), .title (above both).
 * Returns nothing; the new figure becomes current and is shown at the end
 * of the cell (or at plt_show).
 * Errors: ValueError for epochs < 1, a NULL loss, a non-finite value, or a
 * tensor loss whose number of values is not epochs; when the figure is
 * drawn, ValueError for a loss <= 0 with .logy.
 * Example:
 *   plt_history(train_loss, EPOCHS, .val_loss = val_loss,
 *               .acc = train_acc, .val_acc = val_acc, .logy = true); */
#define plt_history(loss, epochs, ...) plt_history_((loss), PLT_DTYPE(loss), (epochs), &(HistoryOptions){ __VA_ARGS__ })
void plt_history_(const void *loss, int ltype, int epochs, const HistoryOptions *o);

#endif
