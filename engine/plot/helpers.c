/* Course helpers built on the plt_* calls: decision regions of a
 * classifier, a grid of images, a confusion matrix, training curves. */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void plt_decision_boundary_(int (*predict)(double x, double y, void *ctx),
                            double (*score)(double x, double y, void *ctx),
                            const void *X, int xtype, const void *labels, int ltype, long n,
                            const BoundaryOptions *o)
{
    const char *fn = score ? "plt_decision_boundary_score" : "plt_decision_boundary";
    if (!predict && !score)
        error_raise(ERR_VALUE, "%s: the prediction function is NULL (give a function of (x, y, ctx))", fn);
    int res = o->resolution ? o->resolution : 200;
    if (res < 2 || res > 2000)
        error_raise(ERR_VALUE, "%s: resolution %d (give 2 to 2000 mesh points per side)", fn, res);
    double alpha = o->alpha ? plt_alpha(fn, o->alpha) : 0.4;
    const Colormap *cm = o->cmap ? plt_cmap(fn, o->cmap, NULL) : NULL;
    (void)cm;
    double *P = plt_copy(fn, "X", X, xtype, 2 * n);
    double *L = labels ? plt_copy(fn, "labels", labels, ltype, n) : NULL;
    double x0 = P[0], x1 = P[0], y0 = P[1], y1 = P[1];
    for (long i = 0; i < n; i++) {
        x0 = fmin(x0, P[2 * i]); x1 = fmax(x1, P[2 * i]);
        y0 = fmin(y0, P[2 * i + 1]); y1 = fmax(y1, P[2 * i + 1]);
    }
    double mx = o->margin ? o->margin : 0.1 * (x1 - x0 > 0 ? x1 - x0 : 1);
    double my = o->margin ? o->margin : 0.1 * (y1 - y0 > 0 ? y1 - y0 : 1);
    x0 -= mx; x1 += mx; y0 -= my; y1 += my;
    double *gx = plt_xmalloc((size_t)res * sizeof *gx), *gy = plt_xmalloc((size_t)res * sizeof *gy);
    double *z = plt_xmalloc((size_t)res * res * sizeof *z);
    for (int i = 0; i < res; i++) {
        gx[i] = x0 + (x1 - x0) * i / (res - 1);
        gy[i] = y0 + (y1 - y0) * i / (res - 1);
    }
    int kmax = 0;
    for (long i = 0; L && i < n; i++)
        if (L[i] > kmax) kmax = (int)L[i];
    for (int j = 0; j < res; j++)
        for (int i = 0; i < res; i++) {
            double v;
            if (score) {
                v = score(gx[i], gy[j], o->ctx);
                if (!isfinite(v)) v = 0;
            } else {
                int c = predict(gx[i], gy[j], o->ctx);
                if (c < 0) c = 0;
                if (c > kmax) kmax = c;
                v = c;
            }
            z[(size_t)j * res + i] = v;
        }
    Axes *ax = plt_axes_for(o->ax);
    if (score) {
        plt_contourf(gx, res, gy, res, z, .cmap = o->cmap ? o->cmap : "RdBu", .alpha = alpha, .levels = 10, .ax = ax);
        double thr = o->threshold ? o->threshold : 0.5;
        double lo = z[0], hi = z[0];
        for (long i = 1; i < (long)res * res; i++) { lo = fmin(lo, z[i]); hi = fmax(hi, z[i]); }
        if (thr > lo && thr < hi)
            plt_contour(gx, res, gy, res, z, .values = &thr, .nvalues = 1, .colors = "k", .linewidths = 1.5, .ax = ax);
    } else {
        double lv[260];
        int nl = kmax + 2 > 257 ? 257 : kmax + 2;
        for (int k = 0; k < nl; k++) lv[k] = k - 0.5;
        plt_contourf(gx, res, gy, res, z, .values = lv, .nvalues = nl, .cmap = o->cmap ? o->cmap : "tab10",
                     .vmin = o->cmap ? -0.5 : -0.5, .vmax = o->cmap ? kmax + 0.5 : 9.5, .alpha = alpha, .ax = ax);
    }
    free(gx); free(gy); free(z);
    double *px = plt_xmalloc((size_t)n * sizeof *px), *py = plt_xmalloc((size_t)n * sizeof *py);
    int *li = L ? plt_xmalloc((size_t)n * sizeof *li) : NULL;
    for (long i = 0; i < n; i++) {
        px[i] = P[2 * i];
        py[i] = P[2 * i + 1];
        if (li) li[i] = (int)L[i] < 0 ? 0 : (int)L[i];
    }
    plt_scatter(px, py, n, .labels = li, .color = li ? NULL : "k", .s = o->s ? o->s : 25, .edgecolor = "k",
                .linewidths = 0.5, .ax = ax);
    free(px); free(py); free(li); free(P); free(L);
    plt_xlim(x0, x1);
    plt_ylim(y0, y1);
}

void plt_images_(const void *data, int dtype, int count, int rows, int cols, const ImagesOptions *o)
{
    const char *fn = "plt_images";
    if (!data)
        error_raise(ERR_VALUE, "%s: data is NULL (give count x rows x cols values, or a tensor of images)", fn);
    Tensor *imgs = NULL;
    bool rgb = false;
    if (dtype == PLT_TENSOR) {
        imgs = plt_tensor_images(fn, (Tensor *)data, false, &rgb);
        int64_t K = tensor_size(imgs, 0), H = tensor_size(imgs, 2), W = tensor_size(imgs, 3);
        if ((rows && rows != H) || (cols && cols != W))
            error_raise(ERR_SHAPE, "%s: the tensor holds %lld x %lld images but rows = %d, cols = %d (give 0, 0 to use "
                        "its sizes)", fn, (long long)H, (long long)W, rows, cols);
        if (count > K)
            error_raise(ERR_VALUE, "%s: count = %d but the tensor holds %lld images", fn, count, (long long)K);
        if (count <= 0) {
            if (K > 400)
                error_raise(ERR_VALUE, "%s: the tensor holds %lld images; show at most 400 (give count, e.g. 64)", fn,
                            (long long)K);
            count = (int)K;
        }
        rows = (int)H;
        cols = (int)W;
    }
    if (count < 1 || count > 400)
        error_raise(ERR_VALUE, "%s: %d images (give 1 to 400)", fn, count);
    if (rows < 1 || cols < 1)
        error_raise(ERR_VALUE, "%s: images of %d x %d pixels (give rows and cols >= 1)", fn, rows, cols);
    plt_cmap(fn, o->cmap, "gray");
    int nc = o->ncols > 0 ? o->ncols : (int)ceil(sqrt(count));
    if (nc > count) nc = count;
    int nr = (count + nc - 1) / nc;
    double size = o->size > 0 ? o->size : 1.5;
    /* Room for the titles: their lines at 10 pt plus the 6 pt title pad. */
    int lines = 0;
    for (int i = 0; o->titles && i < count; i++) {
        int k = o->titles[i] ? 1 : 0;
        for (const char *p = o->titles[i]; p && *p; p++) k += *p == '\n';
        if (k > lines) lines = k;
    }
    double title_h = lines ? ((1 + 1.2 * (lines - 1)) * 10 + 6) / 72 : 0;
    plt_subplots_(nr, nc, &(FigureOptions){ .width = nc * size, .height = nr * (size + title_h) });
    size_t esize = plt_esize(dtype);
    ImshowOptions io = { .cmap = o->cmap ? o->cmap : "gray", .vmin = o->vmin, .vmax = o->vmax };
    for (int i = 0; i < nr * nc; i++) {
        Axes *ax = plt_subplot(nr, nc, i + 1);
        ax->axis_off = true;
        if (i >= count)
            continue;
        io.ax = ax;
        if (imgs) {
            plt_image_artist(fn, ax, plt_image_pixels(imgs, i), rows, cols, rgb, &io);
        } else {
            const char *img = (const char *)data + (size_t)i * rows * cols * esize;
            plt_imshow_(img, dtype, rows, cols, &io);
        }
        if (o->titles && o->titles[i])
            plt_title(o->titles[i], .fontsize = 10, .ax = ax);
    }
    plt_tight_layout();
}

void plt_confusion_matrix_(const void *counts, int dtype, int k, const ConfusionOptions *o)
{
    const char *fn = "plt_confusion_matrix";
    if (k < 1 || k > 100)
        error_raise(ERR_VALUE, "%s: %d classes (give 1 to 100)", fn, k);
    double *m = plt_copy(fn, "counts", counts, dtype, (long)k * k);
    if (o->normalize)
        for (int r = 0; r < k; r++) {
            double s = 0;
            for (int c = 0; c < k; c++) s += m[r * k + c];
            for (int c = 0; c < k; c++) m[r * k + c] = s > 0 ? m[r * k + c] / s : 0;
        }
    Axes *ax = plt_gca();
    plt_imshow(m, k, k, .cmap = o->cmap ? o->cmap : "Blues", .ax = ax);
    double lo = m[0], hi = m[0];
    for (int i = 1; i < k * k; i++) { lo = fmin(lo, m[i]); hi = fmax(hi, m[i]); }
    double mid = (lo + hi) / 2;
    bool ints = !o->normalize;
    for (int i = 0; i < k * k && ints; i++) ints = m[i] == floor(m[i]);
    double fs = k <= 10 ? 10 : k <= 20 ? 7 : 5;
    for (int r = 0; r < k; r++)
        for (int c = 0; c < k; c++) {
            char buf[32];
            double v = m[r * k + c];
            if (ints) snprintf(buf, sizeof buf, "%.0f", v);
            else snprintf(buf, sizeof buf, "%.2f", v);
            plt_text(c, r, buf, .ha = "center", .va = "center", .fontsize = fs, .color = v > mid ? "white" : "black",
                     .ax = ax);
        }
    free(m);
    double *t = plt_iota(k);
    char **names = NULL;
    if (!o->class_names) {
        names = plt_xmalloc((size_t)k * sizeof *names);
        for (int i = 0; i < k; i++) {
            names[i] = plt_xmalloc(12);
            snprintf(names[i], 12, "%d", i);
        }
    }
    const char *const *labels = o->class_names ? o->class_names : (const char *const *)names;
    plt_sca(ax);
    plt_xticks(t, k, labels);
    plt_yticks(t, k, labels);
    for (int i = 0; names && i < k; i++) free(names[i]);
    free(names);
    free(t);
    plt_xlabel(o->xlabel ? o->xlabel : "Predicted label");
    plt_ylabel(o->ylabel ? o->ylabel : "True label");
    if (o->title) plt_title(o->title);
    if (!o->no_colorbar) plt_colorbar();
}

void plt_history_(const void *loss, int ltype, int epochs, const HistoryOptions *o)
{
    const char *fn = "plt_history";
    if (epochs < 1)
        error_raise(ERR_VALUE, "%s: %d epochs (give the number of values in loss, >= 1)", fn, epochs);
    double *ld = plt_copy(fn, "loss", loss, ltype, epochs);
    double *ep = plt_xmalloc((size_t)epochs * sizeof *ep);
    for (int i = 0; i < epochs; i++) ep[i] = i + 1;
    bool acc = o->acc || o->val_acc;
    plt_subplots_(1, acc ? 2 : 1, &(FigureOptions){ .width = acc ? 12 : 6.4, .height = 4.5 });
    plt_plot(ep, ld, epochs, .label = "train", .marker = epochs <= 30 ? "o" : NULL, .markersize = 4);
    free(ld);
    if (o->val_loss)
        plt_plot(ep, o->val_loss, epochs, .label = "validation", .marker = epochs <= 30 ? "o" : NULL, .markersize = 4);
    if (o->logy) plt_yscale("log");
    plt_title("Loss");
    plt_xlabel("Epoch");
    plt_ylabel("Loss");
    plt_grid(true, .alpha = 0.3);
    plt_legend();
    if (acc) {
        plt_subplot(1, 2, 2);
        if (o->acc)
            plt_plot(ep, o->acc, epochs, .label = "train", .marker = epochs <= 30 ? "o" : NULL, .markersize = 4);
        if (o->val_acc)
            plt_plot(ep, o->val_acc, epochs, .label = "validation", .color = "C1",
                     .marker = epochs <= 30 ? "o" : NULL, .markersize = 4);
        plt_title("Accuracy");
        plt_xlabel("Epoch");
        plt_ylabel("Accuracy");
        plt_grid(true, .alpha = 0.3);
        plt_legend();
    }
    free(ep);
    if (o->title) plt_suptitle(o->title);
    plt_tight_layout();
}
