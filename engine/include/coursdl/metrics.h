/* Metrics (sklearn.metrics in C): accuracy, top-k accuracy, precision /
 * recall / F1 (per class, macro, micro, weighted), confusion matrix,
 * classification report, MSE, MAE, R^2. Predictions may be int64 labels,
 * (N, K) scores (argmax is taken) or (N) / (N, 1) probabilities for a binary
 * problem (thresholded at 0.5). */
#ifndef COURSDL_METRICS_H
#define COURSDL_METRICS_H

#include <stdint.h>
#include <stdbool.h>
#include "tensor.h"

/* Predicted labels (int64, N) from labels, (N, K) scores or binary probabilities. */
Tensor *metrics_labels(Tensor *y_pred);
/* Fraction of samples whose predicted label equals y_true. */
double metrics_accuracy(Tensor *y_true, Tensor *y_pred);
/* Fraction of samples whose true label is among the k highest of the (N, K) scores. */
double metrics_top_k_accuracy(Tensor *y_true, Tensor *scores, int k);

/* Options of the classification metrics; zero means default. */
typedef struct ClassOptions {
    const char *average;   /* "macro", "micro", "weighted" or "binary" (default:
                              "binary" for labels 0/1, else "macro") */
    int num_classes;       /* K (default: 1 + the largest label seen) */
    int pos_label;         /* "binary": the positive class (default 1) */
    const char *const *class_names; /* report: K names (default "0", "1", ...) */
    int digits;            /* report: decimals (default 2) */
} ClassOptions;

/* Confusion matrix, int64 K x K (row: true class, column: predicted). */
#define metrics_confusion_matrix(y_true, y_pred, ...) metrics_confusion_matrix_((y_true), (y_pred), &(ClassOptions){ __VA_ARGS__ })
Tensor *metrics_confusion_matrix_(Tensor *y_true, Tensor *y_pred, const ClassOptions *options);
/* Precision tp / (tp + fp), averaged as .average says (0 when undefined). */
#define metrics_precision(y_true, y_pred, ...) metrics_precision_((y_true), (y_pred), &(ClassOptions){ __VA_ARGS__ })
double metrics_precision_(Tensor *y_true, Tensor *y_pred, const ClassOptions *options);
/* Recall tp / (tp + fn). */
#define metrics_recall(y_true, y_pred, ...) metrics_recall_((y_true), (y_pred), &(ClassOptions){ __VA_ARGS__ })
double metrics_recall_(Tensor *y_true, Tensor *y_pred, const ClassOptions *options);
/* F1 = 2 p r / (p + r). */
#define metrics_f1(y_true, y_pred, ...) metrics_f1_((y_true), (y_pred), &(ClassOptions){ __VA_ARGS__ })
double metrics_f1_(Tensor *y_true, Tensor *y_pred, const ClassOptions *options);
/* Per-class precision, recall, F1 and support as float64 K tensors (any
 * output pointer may be NULL). */
#define metrics_per_class(y_true, y_pred, precision, recall, f1, support, ...) \
    metrics_per_class_((y_true), (y_pred), (precision), (recall), (f1), (support), &(ClassOptions){ __VA_ARGS__ })
void metrics_per_class_(Tensor *y_true, Tensor *y_pred, Tensor **precision, Tensor **recall, Tensor **f1,
                        Tensor **support, const ClassOptions *options);
/* scikit-learn's classification_report text (a GC string). */
#define metrics_classification_report(y_true, y_pred, ...) \
    metrics_classification_report_((y_true), (y_pred), &(ClassOptions){ __VA_ARGS__ })
char *metrics_classification_report_(Tensor *y_true, Tensor *y_pred, const ClassOptions *options);
/* Prints the classification report. */
#define metrics_print_classification_report(y_true, y_pred, ...) \
    metrics_print_classification_report_((y_true), (y_pred), &(ClassOptions){ __VA_ARGS__ })
void metrics_print_classification_report_(Tensor *y_true, Tensor *y_pred, const ClassOptions *options);

/* Mean squared error. */
double metrics_mse(Tensor *y_true, Tensor *y_pred);
/* Mean absolute error. */
double metrics_mae(Tensor *y_true, Tensor *y_pred);
/* Coefficient of determination 1 - SS_res / SS_tot (averaged over output
 * columns for (N, D) targets, like sklearn's r2_score). */
double metrics_r2(Tensor *y_true, Tensor *y_pred);

#endif
