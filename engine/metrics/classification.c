/* Classification metrics from the confusion matrix: accuracy, top-k,
 * precision / recall / F1 with sklearn's averages and zero_division = 0. */
#include "coursdl.h"
#include "../core/args.h"

#include <gc.h>
#include <math.h>
#include <string.h>

/* Labels as a GC int64 array of n. */
static int64_t *labels_of(Tensor *t, int64_t *n)
{
    *n = tensor_numel(t);
    int64_t *a = GC_MALLOC_ATOMIC((size_t)(*n ? *n : 1) * sizeof(int64_t));
    tensor_to_i64_array(t, a, *n);
    return a;
}

Tensor *metrics_labels(Tensor *p)
{
    CDL_ARG_NAMED("metrics_labels", p, "y_pred");
    p = tensor_detach(p);
    DType d = tensor_dtype(p);
    if (d != DT_FLOAT32 && d != DT_FLOAT64) return tensor_long(tensor_reshape(p, -1));
    if (tensor_ndim(p) == 2 && tensor_size(p, 1) > 1) return tensor_argmax_dim(p, 1, false);
    if (tensor_ndim(p) > 2)
        error_raise(ERR_SHAPE, "metrics_labels: predictions of shape %s; give labels (N), scores (N, K) or "
                    "probabilities (N) / (N, 1)", tensor_shape_str(p));
    return tensor_long(tensor_gt_scalar(tensor_reshape(p, -1), 0.5));
}

/* True and predicted labels of the same length, checked. */
static void pair(Tensor *yt, Tensor *yp, const char *fn, int64_t **t, int64_t **p, int64_t *n)
{
    if (!yt || !yp) error_raise(ERR_VALUE, "%s: y_true and y_pred must not be NULL", fn);
    int64_t m;
    *t = labels_of(tensor_long(tensor_reshape(tensor_detach(yt), -1)), n);
    *p = labels_of(metrics_labels(yp), &m);
    if (m != *n)
        error_raise(ERR_SHAPE, "%s: y_true has %lld labels (shape %s) but y_pred gives %lld (shape %s); "
                    "they must describe the same samples", fn, (long long)*n, tensor_shape_str(yt), (long long)m,
                    tensor_shape_str(yp));
    if (*n == 0) error_raise(ERR_VALUE, "%s: no samples", fn);
}

double metrics_accuracy(Tensor *y_true, Tensor *y_pred)
{
    CDL_ARG(y_true);
    CDL_ARG(y_pred);
    int64_t *t, *p, n, ok = 0;
    pair(y_true, y_pred, "metrics_accuracy", &t, &p, &n);
    for (int64_t i = 0; i < n; i++) ok += t[i] == p[i];
    return (double)ok / n;
}

double metrics_top_k_accuracy(Tensor *y_true, Tensor *scores, int k)
{
    CDL_ARG(y_true);
    CDL_ARG(scores);
    if (!y_true || !scores || tensor_ndim(scores) != 2)
        error_raise(ERR_SHAPE, "metrics_top_k_accuracy: scores must be (N, K)");
    int64_t n, K = tensor_size(scores, 1), N = tensor_size(scores, 0);
    int64_t *t = labels_of(tensor_long(tensor_reshape(tensor_detach(y_true), -1)), &n);
    if (n != N) error_raise(ERR_SHAPE, "metrics_top_k_accuracy: %lld labels for %lld rows of scores", (long long)n, (long long)N);
    if (k < 1) error_raise(ERR_VALUE, "metrics_top_k_accuracy: k is %d; it must be >= 1", k);
    double *s = GC_MALLOC_ATOMIC((size_t)(N * K + 1) * sizeof(double));
    tensor_to_f64_array(scores, s, N * K);
    int64_t ok = 0;
    for (int64_t i = 0; i < N; i++) {
        if (t[i] < 0 || t[i] >= K) continue;
        /* Rank of the true class: how many scores beat it (ties go to the lower index). */
        double v = s[i * K + t[i]];
        int64_t better = 0;
        for (int64_t j = 0; j < K; j++) better += s[i * K + j] > v || (s[i * K + j] == v && j < t[i]);
        ok += better < k;
    }
    return N ? (double)ok / N : 0;
}

/* K from the option or the labels. */
static int64_t n_classes(const int64_t *t, const int64_t *p, int64_t n, const ClassOptions *o, const char *fn)
{
    int64_t k = o->num_classes;
    int64_t mx = -1;
    for (int64_t i = 0; i < n; i++) {
        if (t[i] < 0 || p[i] < 0) error_raise(ERR_VALUE, "%s: negative label %lld; labels are 0..K-1", fn, (long long)(t[i] < 0 ? t[i] : p[i]));
        if (t[i] > mx) mx = t[i];
        if (p[i] > mx) mx = p[i];
    }
    if (k && mx >= k) error_raise(ERR_VALUE, "%s: label %lld with num_classes = %lld; raise num_classes", fn, (long long)mx, (long long)k);
    return k ? k : mx + 1;
}

Tensor *metrics_confusion_matrix_(Tensor *y_true, Tensor *y_pred, const ClassOptions *o)
{
    CDL_ARG_NAMED("metrics_confusion_matrix", y_true, "y_true");
    CDL_ARG_NAMED("metrics_confusion_matrix", y_pred, "y_pred");
    int64_t *t, *p, n;
    pair(y_true, y_pred, "metrics_confusion_matrix", &t, &p, &n);
    int64_t k = n_classes(t, p, n, o, "metrics_confusion_matrix");
    Tensor *cm = tensor_full_shape_dtype(0, DT_INT64, 2, (int64_t[]){ k, k });
    int64_t *c = tensor_data_i64(cm);
    for (int64_t i = 0; i < n; i++) c[t[i] * k + p[i]]++;
    return cm;
}

typedef struct Stats { int64_t k, n; double *tp, *fp, *fn, *support; } Stats;

static Stats stats_of(Tensor *y_true, Tensor *y_pred, const ClassOptions *o, const char *fn)
{
    int64_t *t, *p, n;
    pair(y_true, y_pred, fn, &t, &p, &n);
    Stats s;
    s.k = n_classes(t, p, n, o, fn);
    s.n = n;
    size_t bytes = (size_t)s.k * sizeof(double);
    s.tp = GC_MALLOC_ATOMIC(bytes); s.fp = GC_MALLOC_ATOMIC(bytes);
    s.fn = GC_MALLOC_ATOMIC(bytes); s.support = GC_MALLOC_ATOMIC(bytes);
    memset(s.tp, 0, bytes); memset(s.fp, 0, bytes); memset(s.fn, 0, bytes); memset(s.support, 0, bytes);
    for (int64_t i = 0; i < n; i++) {
        s.support[t[i]]++;
        if (t[i] == p[i]) s.tp[t[i]]++;
        else { s.fp[p[i]]++; s.fn[t[i]]++; }
    }
    return s;
}

static double ratio(double a, double b) { return b > 0 ? a / b : 0; }
static double f1_of(double p, double r) { return p + r > 0 ? 2 * p * r / (p + r) : 0; }

enum { PREC, REC, F1 };

static double averaged(Tensor *y_true, Tensor *y_pred, const ClassOptions *o, int what, const char *fn)
{
    Stats s = stats_of(y_true, y_pred, o, fn);
    const char *avg = o->average;
    if (!avg) avg = s.k <= 2 ? "binary" : "macro";
    if (!strcmp(avg, "micro")) {
        double tp = 0, fp = 0, fnn = 0;
        for (int64_t c = 0; c < s.k; c++) { tp += s.tp[c]; fp += s.fp[c]; fnn += s.fn[c]; }
        double p = ratio(tp, tp + fp), r = ratio(tp, tp + fnn);
        return what == PREC ? p : what == REC ? r : f1_of(p, r);
    }
    if (!strcmp(avg, "binary")) {
        int64_t c = o->pos_label ? o->pos_label : 1;
        if (c < 0)
            error_raise(ERR_VALUE, "%s: pos_label %lld is negative; it is a class index (1 by default)",
                        fn, (long long)c);
        if (s.k > 2 || c >= s.k)
            error_raise(ERR_VALUE, "%s: average \"binary\" needs labels 0/1 (found %lld classes); use .average = \"macro\"",
                        fn, (long long)s.k);
        double p = ratio(s.tp[c], s.tp[c] + s.fp[c]), r = ratio(s.tp[c], s.tp[c] + s.fn[c]);
        return what == PREC ? p : what == REC ? r : f1_of(p, r);
    }
    bool weighted = !strcmp(avg, "weighted");
    if (!weighted && strcmp(avg, "macro"))
        error_raise(ERR_VALUE, "%s: unknown average \"%s\"; use \"macro\", \"micro\", \"weighted\" or \"binary\"", fn, avg);
    double acc = 0, wsum = 0;
    for (int64_t c = 0; c < s.k; c++) {
        double p = ratio(s.tp[c], s.tp[c] + s.fp[c]), r = ratio(s.tp[c], s.tp[c] + s.fn[c]);
        double v = what == PREC ? p : what == REC ? r : f1_of(p, r), w = weighted ? s.support[c] : 1;
        acc += w * v;
        wsum += w;
    }
    return ratio(acc, wsum);
}

double metrics_precision_(Tensor *t, Tensor *p, const ClassOptions *o) { CDL_ARG_NAMED("metrics_precision", t, "y_true"); CDL_ARG_NAMED("metrics_precision", p, "y_pred"); return averaged(t, p, o, PREC, "metrics_precision"); }
double metrics_recall_(Tensor *t, Tensor *p, const ClassOptions *o) { CDL_ARG_NAMED("metrics_recall", t, "y_true"); CDL_ARG_NAMED("metrics_recall", p, "y_pred"); return averaged(t, p, o, REC, "metrics_recall"); }
double metrics_f1_(Tensor *t, Tensor *p, const ClassOptions *o) { CDL_ARG_NAMED("metrics_f1", t, "y_true"); CDL_ARG_NAMED("metrics_f1", p, "y_pred"); return averaged(t, p, o, F1, "metrics_f1"); }

void metrics_per_class_(Tensor *y_true, Tensor *y_pred, Tensor **precision, Tensor **recall, Tensor **f1,
                        Tensor **support, const ClassOptions *o)
{
    CDL_ARG_NAMED("metrics_per_class", y_true, "y_true");
    CDL_ARG_NAMED("metrics_per_class", y_pred, "y_pred");
    Stats s = stats_of(y_true, y_pred, o, "metrics_per_class");
    double *pr = GC_MALLOC_ATOMIC((size_t)s.k * sizeof(double)), *rc = GC_MALLOC_ATOMIC((size_t)s.k * sizeof(double)),
           *f = GC_MALLOC_ATOMIC((size_t)s.k * sizeof(double));
    for (int64_t c = 0; c < s.k; c++) {
        pr[c] = ratio(s.tp[c], s.tp[c] + s.fp[c]);
        rc[c] = ratio(s.tp[c], s.tp[c] + s.fn[c]);
        f[c] = f1_of(pr[c], rc[c]);
    }
    int64_t dims[1] = { s.k };
    if (precision) *precision = tensor_from_data(pr, DT_FLOAT64, 1, dims);
    if (recall) *recall = tensor_from_data(rc, DT_FLOAT64, 1, dims);
    if (f1) *f1 = tensor_from_data(f, DT_FLOAT64, 1, dims);
    if (support) *support = tensor_from_data(s.support, DT_FLOAT64, 1, dims);
}
