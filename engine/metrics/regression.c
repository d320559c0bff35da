/* Regression metrics: MSE, MAE and R^2 (per output column, then averaged,
 * like sklearn's "uniform_average"). */
#include "coursdl.h"
#include "../core/args.h"

#include <gc.h>
#include <math.h>

/* Both as float64 arrays of n = rows * cols, checked to match. */
static void pair(Tensor *yt, Tensor *yp, const char *fn, double **t, double **p, int64_t *rows, int64_t *cols)
{
    if (!yt || !yp) error_raise(ERR_VALUE, "%s: y_true and y_pred must not be NULL", fn);
    int64_t n = tensor_numel(yt);
    if (tensor_numel(yp) != n)
        error_raise(ERR_SHAPE, "%s: y_true has shape %s but y_pred has shape %s; they must match",
                    fn, tensor_shape_str(yt), tensor_shape_str(yp));
    if (n == 0) error_raise(ERR_VALUE, "%s: no samples", fn);
    *t = GC_MALLOC_ATOMIC((size_t)n * sizeof(double));
    *p = GC_MALLOC_ATOMIC((size_t)n * sizeof(double));
    tensor_to_f64_array(tensor_detach(yt), *t, n);
    tensor_to_f64_array(tensor_detach(yp), *p, n);
    *cols = tensor_ndim(yt) == 2 ? tensor_size(yt, 1) : 1;
    *rows = n / *cols;
}

double metrics_mse(Tensor *y_true, Tensor *y_pred)
{
    CDL_ARG(y_true);
    CDL_ARG(y_pred);
    double *t, *p, s = 0;
    int64_t r, c;
    pair(y_true, y_pred, "metrics_mse", &t, &p, &r, &c);
    for (int64_t i = 0; i < r * c; i++) s += (t[i] - p[i]) * (t[i] - p[i]);
    return s / (double)(r * c);
}

double metrics_mae(Tensor *y_true, Tensor *y_pred)
{
    CDL_ARG(y_true);
    CDL_ARG(y_pred);
    double *t, *p, s = 0;
    int64_t r, c;
    pair(y_true, y_pred, "metrics_mae", &t, &p, &r, &c);
    for (int64_t i = 0; i < r * c; i++) s += fabs(t[i] - p[i]);
    return s / (double)(r * c);
}

double metrics_r2(Tensor *y_true, Tensor *y_pred)
{
    CDL_ARG(y_true);
    CDL_ARG(y_pred);
    double *t, *p, total = 0;
    int64_t r, c;
    pair(y_true, y_pred, "metrics_r2", &t, &p, &r, &c);
    for (int64_t j = 0; j < c; j++) {
        double mean = 0, res = 0, tot = 0;
        for (int64_t i = 0; i < r; i++) mean += t[i * c + j];
        mean /= (double)r;
        for (int64_t i = 0; i < r; i++) {
            res += (t[i * c + j] - p[i * c + j]) * (t[i * c + j] - p[i * c + j]);
            tot += (t[i * c + j] - mean) * (t[i * c + j] - mean);
        }
        /* sklearn: a constant target scores 1 when fitted exactly, else 0. */
        total += tot > 0 ? 1 - res / tot : res == 0 ? 1 : 0;
    }
    return total / (double)c;
}
