/* Rich display: what the engine shows goes through a sink the host registers.
 * The kernel's sink turns it into Jupyter display_data / update_display_data /
 * execute_result / clear_output messages; the default sink (plain programs)
 * prints text to stdout and writes images to files. */
#ifndef COURSDL_DISPLAY_H
#define COURSDL_DISPLAY_H

#include <stddef.h>
#include <stdbool.h>

struct Tensor;

/* One representation of a displayed object: a MIME type and its bytes
 * (UTF-8 text for text types, raw bytes for images). */
typedef struct DisplayItem {
    const char *mime;
    const void *data;
    size_t size;
} DisplayItem;

typedef enum DisplayKind {
    DISPLAY_NEW = 1,  /* a new display with a fresh id */
    DISPLAY_UPDATE,   /* replaces the display with this id */
    DISPLAY_RESULT    /* the cell's result (Out[n]) */
} DisplayKind;

typedef struct DisplaySink {
    void *ctx;
    /* Shows n items (the same object in several MIME types). Returns 0 on
     * success, -1 on failure. */
    int (*show)(void *ctx, DisplayKind kind, int id, const DisplayItem *items, int n);
    /* Clears the output area (wait: only when the next output arrives). */
    void (*clear)(void *ctx, bool wait);
} DisplaySink;

/* Installs a sink (copied). NULL restores the default sink. */
void display_set_sink(const DisplaySink *sink);

/* Shows a bundle of representations as a new display; returns its id (> 0). */
int display_bundle(const DisplayItem *items, int n);
/* Replaces the content of display `id` (from an earlier display_*). */
void display_update_bundle(int id, const DisplayItem *items, int n);
/* Shows a bundle as the cell's result (Out[n]). */
void display_result(const DisplayItem *items, int n);

/* Shows plain text; returns the display id. */
int display_text(const char *text);
/* Shows PNG bytes; returns the display id. */
int display_png(const void *png, size_t size);
/* Shows an SVG image (UTF-8 XML text); returns the display id. */
int display_svg(const char *svg);
/* Shows HTML: display_html("<b>bold</b>"); returns the display id. */
int display_html(const char *html);
/* Shows Markdown (the notebook renders it; a terminal prints it); returns the display id. */
int display_markdown(const char *markdown);
/* Shows LaTeX math, e.g. display_latex("$\\sigma(x) = 1/(1+e^{-x})$"); returns the display id. */
int display_latex(const char *latex);
/* Shows JSON text (checked to be one JSON value) as an expandable tree; returns the display id. */
int display_json(const char *json);
/* Shows a tensor's printout (like print(t)) as a display; returns the display id. */
int display_tensor(struct Tensor *t);
/* Replaces display id's content with one representation: a MIME type
 * ("text/plain", "text/html", "text/markdown", "image/png", ...) and its
 * bytes; size 0 for a NUL-terminated text. */
void display_update(int id, const char *mime, const void *data, size_t size);
/* True when a host (the kernel) shows displays richly; false in a plain
 * program, where the default sink writes text and files. */
bool display_is_rich(void);
/* Clears the cell's output (wait: at the next output, avoiding flicker). */
void clear_output(bool wait);

/* Out[n] for C values: used by display_out(x) below. */
void display_out_i64(long long v);
void display_out_u64(unsigned long long v);
void display_out_f64(double v);
void display_out_f32(float v);
void display_out_bool(bool v);
void display_out_char(char v);
void display_out_str(const char *s);
void display_out_ptr(const void *p);

/* Shows any value as the cell's result, choosing by type. Engine types add
 * their entries through COURSDL_OUT_TYPES (see coursdl.h). */
#ifndef COURSDL_OUT_TYPES
#define COURSDL_OUT_TYPES
#endif
#define display_out(x) _Generic((x), COURSDL_OUT_TYPES \
    _Bool: display_out_bool, char: display_out_char, \
    signed char: display_out_i64, short: display_out_i64, int: display_out_i64, \
    long: display_out_i64, long long: display_out_i64, \
    unsigned char: display_out_u64, unsigned short: display_out_u64, \
    unsigned int: display_out_u64, unsigned long: display_out_u64, \
    unsigned long long: display_out_u64, \
    float: display_out_f32, double: display_out_f64, long double: display_out_f64, \
    char *: display_out_str, const char *: display_out_str, \
    default: display_out_ptr)(x)

#endif
