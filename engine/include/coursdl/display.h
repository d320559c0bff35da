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

/* Installs the sink that receives every display, like registering a display
 * publisher in IPython; the kernel installs its own at start-up.
 * Arguments: sink, a DisplaySink whose show and clear (both set) are called with
 * its ctx; it is copied, so a local variable will do. NULL restores the default
 * sink of plain programs (text on stdout, images to coursdl-display-<id>.<ext>).
 * Returns nothing; in the notebook, replacing the kernel's sink sends every later
 * display elsewhere until the kernel restarts.
 * Errors: none.
 * Example:
 *   display_set_sink(NULL);   // a plain program's output, even in the kernel */
void display_set_sink(const DisplaySink *sink);

/* Shows one object in several representations as a new display, like
 * IPython's display(obj) with a _repr_mimebundle_: the front-end picks the richest.
 * Arguments: items, an array of n DisplayItem (a MIME type and its bytes: UTF-8
 * text for text types, raw bytes for images), n >= 1.
 * Returns the new display's id (> 0), for display_update / display_update_bundle.
 * Errors: none (a plain program shows the "text/plain" item, else writes the
 * first image/svg/html/json/pdf item to a file; nothing is shown otherwise).
 * Example:
 *   DisplayItem acc[2] = { { "text/html", "<b>97.8 %</b>", 13 },
 *                          { "text/plain", "97.8 %", 6 } };
 *   int id = display_bundle(acc, 2); */
int display_bundle(const DisplayItem *items, int n);
/* Replaces the content of an earlier display with a new bundle, like IPython's
 * update_display(obj, display_id=id): a live table or figure refreshed in place.
 * Arguments: id, returned by an earlier display_* call of this session; items, an
 * array of n DisplayItem (see display_bundle).
 * Returns nothing.
 * Errors: ValueError when id was returned by no display_* call.
 * Example:
 *   DisplayItem row = { "text/plain", "epoch 3: loss 0.214", 19 };
 *   display_update_bundle(id, &row, 1); */
void display_update_bundle(int id, const DisplayItem *items, int n);
/* Shows a bundle as the cell's result (Out[n]), like the value a Python cell
 * ends with; the display_out functions below call it.
 * Arguments: items, an array of n DisplayItem (see display_bundle).
 * Returns nothing; a plain program prints "Out: " and the text/plain item.
 * Errors: none.
 * Example:
 *   DisplayItem out = { "text/plain", "Sequential(3 layers)", 20 };
 *   display_result(&out, 1); */
void display_result(const DisplayItem *items, int n);

/* Shows plain text as a new display (display(text) in IPython); unlike printf,
 * it can be replaced later with display_update.
 * Arguments: text, a NUL-terminated UTF-8 string.
 * Returns the new display's id (> 0).
 * Errors: none.
 * Example:
 *   int id = display_text("epoch 1/10 ...");
 *   display_update(id, "text/plain", "epoch 2/10 ...", 0); */
int display_text(const char *text);
/* Shows a PNG image from its bytes, like display(Image(data=png)).
 * Arguments: png, the bytes of a PNG file (they start with the PNG signature), and
 * size, their number (at least 24); the bytes are not kept after the call.
 * Returns the new display's id (> 0); a plain program writes coursdl-display-<id>.png.
 * Errors: ValueError when the bytes are not a PNG image (no signature, or fewer
 * than 24 bytes).
 * Example:
 *   size_t n;
 *   unsigned char *png = plt_render_png(fig, &n);
 *   display_png(png, n);
 *   free(png); */
int display_png(const void *png, size_t size);
/* Shows an SVG image from its XML text, like display(SVG(svg)).
 * Arguments: svg, a NUL-terminated UTF-8 SVG document (it contains an <svg element).
 * Returns the new display's id (> 0); a plain program writes coursdl-display-<id>.svg.
 * Errors: ValueError when the text has no <svg element.
 * Example:
 *   display_svg("<svg xmlns='http://www.w3.org/2000/svg' width='20' height='20'>"
 *               "<circle cx='10' cy='10' r='8' fill='teal'/></svg>"); */
int display_svg(const char *svg);
/* Shows HTML, like display(HTML(html)): display_html("<b>bold</b>").
 * Arguments: html, a NUL-terminated UTF-8 HTML fragment (not checked).
 * Returns the new display's id (> 0); a plain program writes coursdl-display-<id>.html
 * (no text version is sent).
 * Errors: none.
 * Example:
 *   display_html("<table><tr><th>epoch</th><th>loss</th></tr>"
 *                "<tr><td>1</td><td>0.412</td></tr></table>"); */
int display_html(const char *html);
/* Shows Markdown, like display(Markdown(md)): the notebook renders it, a terminal
 * prints it as it is (the text is also sent as text/plain).
 * Arguments: markdown, a NUL-terminated UTF-8 Markdown text.
 * Returns the new display's id (> 0).
 * Errors: none.
 * Example:
 *   display_markdown("**Précision** sur le test : 97.8 %"); */
int display_markdown(const char *markdown);
/* Shows LaTeX math, like display(Latex(tex)); the text is also sent as text/plain.
 * Arguments: latex, a NUL-terminated formula between $ ... $ (C strings double
 * the backslashes).
 * Returns the new display's id (> 0).
 * Errors: none.
 * Example:
 *   display_latex("$\\sigma(x) = 1/(1+e^{-x})$"); */
int display_latex(const char *latex);
/* Shows JSON text as an expandable tree, like display(JSON(obj)); the text is also
 * sent as text/plain.
 * Arguments: json, a NUL-terminated text holding exactly one JSON value.
 * Returns the new display's id (> 0).
 * Errors: ValueError when the text is not one valid JSON value (the message gives
 * the byte where it goes wrong).
 * Example:
 *   display_json("{\"epochs\": 10, \"lr\": 0.001, \"layers\": [784, 128, 10]}"); */
int display_json(const char *json);
/* Shows a tensor's printout (the text of print(t) in PyTorch) as a new display.
 * Arguments: the tensor, of any shape, dtype or device.
 * Returns the new display's id (> 0), e.g. to refresh it with display_update.
 * Errors: none.
 * Example:
 *   int id = display_tensor(tensor_grad(w));   // gradient of the first layer */
int display_tensor(struct Tensor *t);
/* Replaces display id's content with one representation, like IPython's
 * update_display(obj, display_id=id).
 * Arguments: id, returned by an earlier display_* call; mime, a MIME type
 * ("text/plain", "text/html", "text/markdown", "image/png", ...); data, its
 * bytes; size, their number, or 0 for a NUL-terminated text (a text/... type,
 * SVG or JSON).
 * Returns nothing.
 * Errors: ValueError when id was returned by no display_* call.
 * Example:
 *   int id = display_text("epoch 1: ...");
 *   display_update(id, "text/plain", "epoch 1: loss 0.412", 0); */
void display_update(int id, const char *mime, const void *data, size_t size);
/* Whether a host (the notebook kernel) shows displays richly; false in a plain
 * program, where the default sink prints text and writes images to files.
 * Arguments: none.
 * Returns true when a sink other than the default one is installed.
 * Errors: none.
 * Example:
 *   if (!display_is_rich()) printf("figures are written to coursdl-display-*.png\n"); */
bool display_is_rich(void);
/* Clears the cell's output, like IPython's clear_output(wait=...): an animation
 * redrawn frame by frame, a log that shows only its last line.
 * Arguments: wait, true to clear only when the next output arrives (no flicker).
 * Returns nothing; a plain program does nothing.
 * Errors: none.
 * Example:
 *   clear_output(true);
 *   printf("epoch %d/%d, loss %.4f\n", epoch, epochs, tensor_item(loss)); */
void clear_output(bool wait);

/* Out[n] for C values, chosen by display_out(x) below from x's type (a cell that
 * ends with an expression calls it): Python's repr of the value.
 * Arguments: the value: an integer, a double or float, a bool, a char, a string
 * (NULL allowed) or a pointer.
 * Returns nothing; the text shown is "42", "0.1" / "2.0" (the shortest decimal
 * that reads back, like Python), "true", "'a' (97)", a C string literal with
 * escapes ("NULL" for a null string), or "(void *) 0x...".
 * Errors: MemoryError when a string too large for memory cannot be escaped.
 * Example:
 *   display_out_f64(tensor_item(loss));   // Out[5]: 0.2137 */
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
