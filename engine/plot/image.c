/* plt_imshow (nearest pixels, colormaps, vmin/vmax) and plt_colorbar. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

Tensor *plt_tensor_images(const char *fn, Tensor *t, bool one, bool *rgb)
{
    if (!t) error_raise(ERR_VALUE, "%s: the tensor is NULL", fn);
    Tensor *x = tensor_double(tensor_to_device(tensor_detach(t), DEVICE_CPU));
    int nd = tensor_ndim(x);
    const int64_t *s = tensor_shape(x);
    if (one) {  /* a single image: (H, W), (1|3, H, W), (H, W, 3), (1, 1|3, H, W) */
        if (nd == 4 && s[0] == 1) { x = tensor_select(x, 0, 0); nd = 3; s = tensor_shape(x); }
        if (nd == 3 && s[2] == 3 && s[0] != 3 && s[0] != 1) { x = tensor_permute(x, 2, 0, 1); s = tensor_shape(x); }
        if (nd == 2) x = tensor_reshape(x, 1, 1, s[0], s[1]);
        else if (nd == 3 && (s[0] == 1 || s[0] == 3)) x = tensor_unsqueeze(x, 0);
        else
            error_raise(ERR_SHAPE, "%s: a tensor of shape %s is not one image: give (H, W), (1, H, W), (3, H, W) or "
                        "(H, W, 3); for several images use plt_images", fn, tensor_shape_str(t));
    } else if (nd == 2) {
        x = tensor_reshape(x, 1, 1, s[0], s[1]);
    } else if (nd == 3) {
        x = tensor_unsqueeze(x, 1);
    } else if (nd == 4) {
        if (s[1] != 1 && s[1] != 3) x = tensor_reshape(x, s[0] * s[1], 1, s[2], s[3]);  /* feature maps, filters */
    } else {
        error_raise(ERR_SHAPE, "%s: images must be (N, H, W), (N, 1, H, W), (N, 3, H, W) or (H, W), got shape %s", fn,
                    tensor_shape_str(t));
    }
    *rgb = tensor_size(x, 1) == 3;
    if (*rgb) {  /* matplotlib: integers are 0..255, floats are clipped to [0, 1] */
        DType d = tensor_dtype(t);
        if (d != DT_FLOAT32 && d != DT_FLOAT64) x = tensor_div_scalar(x, 255.0);
        x = tensor_clamp(x, 0, 1);
    }
    return tensor_contiguous(x);
}

void plt_image_artist(const char *fn, Axes *ax, double *z, int rows, int cols, bool rgb, const ImshowOptions *o)
{
    const Colormap *cm = plt_cmap(fn, o->cmap, "viridis");
    double alpha = plt_alpha(fn, o->alpha);
    long n = (long)rows * cols * (rgb ? 3 : 1);
    for (long i = 0; i < n; i++)
        if (!isfinite(z[i])) {
            free(z);
            error_raise(ERR_VALUE, "%s: the image has a non-finite value at %ld (replace NaN / inf first)", fn, i);
        }
    Artist *a = plt_add_artist(ax, A_IMAGE);
    a->z = z; a->nx = cols; a->ny = rows;
    a->cmap = cm;
    a->rgb = rgb;
    if (o->vmin || o->vmax) {
        a->vmin = o->vmin;
        a->vmax = o->vmax;
    } else {
        a->vmin = a->vmax = z[0];
        for (long i = 1; i < n; i++) {
            if (z[i] < a->vmin) a->vmin = z[i];
            if (z[i] > a->vmax) a->vmax = z[i];
        }
    }
    a->origin_lower = o->origin_lower;
    if (o->extent) {
        memcpy(a->extent, o->extent, sizeof a->extent);
    } else {
        a->extent[0] = -0.5; a->extent[1] = cols - 0.5;
        a->extent[2] = o->origin_lower ? -0.5 : rows - 0.5;
        a->extent[3] = o->origin_lower ? rows - 0.5 : -0.5;
    }
    a->markersize = alpha;
    a->mappable = !rgb;
    /* matplotlib: square pixels, and row 0 at the top unless origin is lower. */
    ax->equal = true;
    if (!o->origin_lower && !o->extent)
        ax->yaxis.inverted = true;
}

/* Pixels of image k of (K, C, H, W) doubles: gray values, or r, g, b per pixel. */
double *plt_image_pixels(Tensor *imgs, int64_t k)
{
    int64_t C = tensor_size(imgs, 1), H = tensor_size(imgs, 2), W = tensor_size(imgs, 3);
    const double *src = (const double *)tensor_data_ptr(imgs) + k * C * H * W;
    double *z = plt_xmalloc((size_t)(C * H * W) * sizeof *z);
    for (int64_t p = 0; p < H * W; p++)
        for (int64_t c = 0; c < C; c++) z[p * C + c] = src[c * H * W + p];
    return z;
}

void plt_imshow_(const void *data, int dtype, int rows, int cols, const ImshowOptions *o)
{
    const char *fn = "plt_imshow";
    if (o->interpolation && strcmp(o->interpolation, "nearest") && strcmp(o->interpolation, "none"))
        error_raise(ERR_VALUE, "%s: interpolation \"%s\" is not supported (use \"nearest\")", fn, o->interpolation);
    if (o->extent)
        for (int i = 0; i < 4; i++)
            if (!isfinite(o->extent[i]))
                error_raise(ERR_VALUE, "%s: extent[%d] is not finite (give {left, right, bottom, top})", fn, i);
    if ((o->vmin || o->vmax) && !(o->vmax > o->vmin))
        error_raise(ERR_VALUE, "%s: vmin %g >= vmax %g (give vmin < vmax)", fn, o->vmin, o->vmax);
    plt_cmap(fn, o->cmap, "viridis");
    plt_alpha(fn, o->alpha);
    if (dtype == PLT_TENSOR) {
        bool rgb;
        Tensor *img = plt_tensor_images(fn, (Tensor *)data, true, &rgb);
        int H = (int)tensor_size(img, 2), W = (int)tensor_size(img, 3);
        if ((rows && rows != H) || (cols && cols != W))
            error_raise(ERR_SHAPE, "%s: the tensor holds a %d x %d image but rows = %d, cols = %d (give 0, 0 to use its "
                        "sizes)", fn, H, W, rows, cols);
        plt_image_artist(fn, plt_axes_for(o->ax), plt_image_pixels(img, 0), H, W, rgb, o);
        return;
    }
    if (rows < 1 || cols < 1)
        error_raise(ERR_VALUE, "%s: a %d x %d image (give rows and cols >= 1)", fn, rows, cols);
    double *z = plt_copy(fn, "data", data, dtype, (long)rows * cols);
    plt_image_artist(fn, plt_axes_for(o->ax), z, rows, cols, false, o);
}

static void to_rgba(const Artist *a, unsigned char *out)
{
    long n = (long)a->nx * a->ny;
    for (long i = 0; i < n; i++) {
        Rgba c = a->rgb ? (Rgba){ a->z[3 * i], a->z[3 * i + 1], a->z[3 * i + 2], 1 } : plt_map_value(a, a->z[i]);
        out[4 * i] = (unsigned char)lround(c.r * 255);
        out[4 * i + 1] = (unsigned char)lround(c.g * 255);
        out[4 * i + 2] = (unsigned char)lround(c.b * 255);
        out[4 * i + 3] = (unsigned char)lround(a->markersize * 255);
    }
}

void plt_draw_image(Axes *ax, const AxesLayout *l, const Artist *a, double s)
{
    (void)s;
    unsigned char *rgba = plt_xmalloc((size_t)a->nx * a->ny * 4);
    to_rgba(a, rgba);
    /* Row 0 lies at extent top (origin upper) or bottom (origin lower). */
    double row0 = a->origin_lower ? a->extent[2] : a->extent[3], rowN = a->origin_lower ? a->extent[3] : a->extent[2];
    draw_image(rgba, a->ny, a->nx, plt_px(l, ax, a->extent[0]), plt_py(l, ax, rowN), plt_px(l, ax, a->extent[1]),
               plt_py(l, ax, row0));
    free(rgba);
}

void plt_colorbar_(const ColorbarOptions *o)
{
    Axes *ax = plt_axes_for(o->ax);
    bool any = false;
    for (Artist *a = ax->first; a; a = a->next)
        any = any || a->mappable;
    if (!any)
        error_raise(ERR_VALUE, "plt_colorbar: the axes have nothing coloured by a colormap (draw with plt_imshow, "
                    "plt_contourf or plt_scatter(..., .values = v) first)");
    ax->colorbar = true;
    free(ax->colorbar_label);
    ax->colorbar_label = plt_xstrdup(o->label);
}

void plt_draw_colorbar(Axes *ax, const AxesLayout *l, double s)
{
    const double *b = l->cbar;
    const Artist *m = l->mappable;
    double h = b[3] - b[1], span = l->chi - l->clo;
    if (m->kind == A_CONTOUR && m->filled) {
        for (int i = 0; i + 1 < m->nlevels; i++) {
            Rgba c = plt_map_value(m, (m->levels[i] + m->levels[i + 1]) / 2);
            draw_rect(b[0], b[1] + (m->levels[i] - l->clo) / span * h, b[2],
                      b[1] + (m->levels[i + 1] - l->clo) / span * h, c);
        }
    } else {
        enum { N = 256 };
        unsigned char *rgba = plt_xmalloc(N * 4);
        for (int i = 0; i < N; i++) {
            Rgba c = plt_cmap_at(m->cmap, 1 - (i + 0.5) / N);  /* row 0 at the top: the high end */
            rgba[4 * i] = (unsigned char)lround(c.r * 255);
            rgba[4 * i + 1] = (unsigned char)lround(c.g * 255);
            rgba[4 * i + 2] = (unsigned char)lround(c.b * 255);
            rgba[4 * i + 3] = 255;
        }
        draw_image(rgba, N, 1, b[0], b[1], b[2], b[3]);
        free(rgba);
    }
    Rgba black = { 0, 0, 0, 1 };
    double xs[5] = { b[0], b[2], b[2], b[0], b[0] }, ys[5] = { b[1], b[1], b[3], b[3], b[1] };
    draw_lines(xs, ys, 5, black, 0.8 * s, DASH_SOLID);
    double tick = 3.5 * s, pad = 3.5 * s, F = 10 * s;
    for (int i = 0; i < l->ct.n; i++) {
        double y = span > 0 ? b[1] + (l->ct.v[i] - l->clo) / span * h : b[1];
        double tx[2] = { b[2], b[2] + tick }, ty[2] = { y, y };
        draw_lines(tx, ty, 2, black, 0.8 * s, DASH_SOLID);
        draw_text(b[2] + tick + pad, y, l->ct.label[i], F, black, 0, VA_CENTER, 0);
    }
    if (ax->colorbar_label)
        draw_text(b[2] + tick + pad + l->ct.maxw + 4 * s, (b[1] + b[3]) / 2, ax->colorbar_label, F, black, 0.5,
                  VA_TOP, 90);
}
