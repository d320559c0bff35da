/* Your own images: PNG files decoded by cairo, turned to grayscale (over a
 * white background when transparent), resized by box averaging to
 * size x size, as float32 in [0, 1]. */
#include "internal.h"

#include <cairo/cairo.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Decodes path into a size x size gray image at out (size < 0: its own size, into *whole). */
static void load_png(const char *path, int64_t size, const ImageOptions *o, float *out, const char *fn, Tensor **whole)
{
    cairo_surface_t *s = cairo_image_surface_create_from_png(path);
    if (cairo_surface_status(s) != CAIRO_STATUS_SUCCESS) {
        const char *why = cairo_status_to_string(cairo_surface_status(s));
        cairo_surface_destroy(s);
        error_raise(ERR_IO, "%s: cannot read %s as PNG (%s); check the path and that the file is a PNG image", fn, path, why);
    }
    cairo_surface_flush(s);
    int w = cairo_image_surface_get_width(s), h = cairo_image_surface_get_height(s);
    int stride = cairo_image_surface_get_stride(s);
    cairo_format_t fmt = cairo_image_surface_get_format(s);
    const unsigned char *d = cairo_image_surface_get_data(s);
    float *gray = malloc((size_t)w * h * sizeof(float) + 1);
    for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++) {
            double v;
            if (fmt == CAIRO_FORMAT_A8) {
                v = 1 - d[y * stride + x] / 255.0;  /* ink alpha over white */
            } else {
                uint32_t p = ((const uint32_t *)(d + y * stride))[x];
                double a = fmt == CAIRO_FORMAT_ARGB32 ? (p >> 24) / 255.0 : 1.0;
                /* Premultiplied colour composited over white. */
                double r = ((p >> 16) & 255) / 255.0 + 1 - a, g = ((p >> 8) & 255) / 255.0 + 1 - a,
                       b = (p & 255) / 255.0 + 1 - a;
                v = 0.299 * r + 0.587 * g + 0.114 * b;
            }
            gray[(size_t)y * w + x] = (float)v;
        }
    cairo_surface_destroy(s);
    if (whole) {  /* the image at its own size */
        Tensor *t = tensor_empty_shape_dtype(DT_FLOAT32, 4, (int64_t[]){ 1, 1, h, w });
        memcpy(tensor_data_f32(t), gray, (size_t)w * h * sizeof(float));
        free(gray);
        if (o->invert) t = tensor_rsub_scalar(t, 1);
        *whole = t;
        return;
    }
    double mean = 0;
    for (int64_t r = 0; r < size; r++)
        for (int64_t c = 0; c < size; c++) {
            int y0 = (int)(r * h / size), y1 = (int)((r + 1) * h / size), x0 = (int)(c * w / size), x1 = (int)((c + 1) * w / size);
            if (y1 <= y0) y1 = y0 + 1;
            if (x1 <= x0) x1 = x0 + 1;
            double acc = 0;
            for (int y = y0; y < y1 && y < h; y++)
                for (int x = x0; x < x1 && x < w; x++) acc += gray[(size_t)y * w + x];
            out[r * size + c] = (float)(acc / ((y1 - y0) * (x1 - x0)));
            mean += out[r * size + c];
        }
    free(gray);
    mean /= (double)(size * size);
    if (o->invert || (o->auto_invert && mean > 0.5))
        for (int64_t i = 0; i < size * size; i++) out[i] = 1 - out[i];
}

Tensor *data_load_image_(const char *path, const ImageOptions *o)
{
    if (!path) error_raise(ERR_VALUE, "data_load_image: path is NULL");
    if (o->digits || o->size < 0) {
        Tensor *whole = NULL;
        load_png(path, -1, &(ImageOptions){ .invert = o->invert && !o->digits }, NULL, "data_load_image", &whole);
        if (!o->digits) return whole;
        if (o->size && o->size != 28)
            error_raise(ERR_VALUE, "data_load_image: .digits gives 28 x 28 images like MNIST; leave .size out");
        return data_prepare_digit(whole, .invert = o->invert);
    }
    int64_t size = o->size ? o->size : 28;
    Tensor *t = tensor_empty_shape_dtype(DT_FLOAT32, 4, (int64_t[]){ 1, 1, size, size });
    load_png(path, size, o, tensor_data_f32(t), "data_load_image", NULL);
    return t;
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

Tensor *data_load_images_(const char *dir, const ImageOptions *o)
{
    if (!dir) error_raise(ERR_VALUE, "data_load_images: dir is NULL");
    if (o->size < 0 || (o->digits && o->size && o->size != 28))
        error_raise(ERR_VALUE, "data_load_images: the images of a folder share one size: give .size > 0 (or .digits "
                    "= true for MNIST's 28 x 28)");
    DIR *d = opendir(dir);
    if (!d) error_raise(ERR_IO, "data_load_images: cannot open the folder %s; check the path (relative to the notebook)", dir);
    int n = 0, cap = 16;
    char **names = malloc(sizeof(char *) * cap);
    for (struct dirent *e; (e = readdir(d)); ) {
        size_t l = strlen(e->d_name);
        if (l < 5 || strcasecmp(e->d_name + l - 4, ".png") || e->d_name[0] == '.') continue;
        if (n == cap) names = realloc(names, sizeof(char *) * (cap *= 2));
        names[n++] = strdup(e->d_name);
    }
    closedir(d);
    if (!n) {
        free(names);
        error_raise(ERR_IO, "data_load_images: no .png file in %s; save your images as PNG there", dir);
    }
    qsort(names, (size_t)n, sizeof(char *), by_name);
    int64_t size = o->size ? o->size : 28;
    Tensor *t = tensor_empty_shape_dtype(DT_FLOAT32, 4, (int64_t[]){ n, 1, size, size });
    const char **kept = GC_MALLOC(sizeof(char *) * (size_t)n);
    for (int i = 0; i < n; i++) kept[i] = data_strdup(names[i]);
    for (int i = 0; i < n; i++) free(names[i]);
    free(names);
    for (int i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, kept[i]);
        if (o->digits) {
            Tensor *whole = NULL;
            load_png(path, -1, &(ImageOptions){ 0 }, NULL, "data_load_images", &whole);
            Tensor *dg = data_prepare_digit(whole, .invert = o->invert);
            memcpy(tensor_data_f32(t) + (int64_t)i * 28 * 28, tensor_data_f32(dg), 28 * 28 * sizeof(float));
            continue;
        }
        load_png(path, size, o, tensor_data_f32(t) + (int64_t)i * size * size, "data_load_images", NULL);
    }
    if (o->names) *o->names = kept;
    return t;
}
