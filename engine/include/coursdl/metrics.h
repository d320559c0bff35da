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

/* Predicted labels (int64, N) from labels, (N, K) scores or binary probabilities,
 * like y_pred.argmax(1) (or y_pred > 0.5 for one probability per sample).
 * Arguments: predictions: integer labels (any shape, flattened), float (N, K)
 * scores, logits or probabilities (the argmax of each row is taken), or float
 * (N) / (N, 1) probabilities of the positive class (thresholded at 0.5; so
 * float class numbers are not labels here: convert them with tensor_long).
 * Returns a new int64 (N) tensor, not recorded for autograd.
 * Errors: ShapeError for float predictions of more than 2 dims.
 * Example:
 *   Tensor *pred = metrics_labels(nn_predict(net, x_test));   // (10000) */
Tensor *metrics_labels(Tensor *y_pred);
/* Fraction of samples whose predicted label equals y_true, like sklearn's
 * accuracy_score (Keras's "accuracy" metric).
 * Arguments: y_true, the int64 labels (N) (other dtypes are converted), and
 * y_pred, labels, (N, K) scores or binary probabilities (as metrics_labels).
 * Returns the accuracy in [0, 1] as a double.
 * Errors: ShapeError when y_true and y_pred give different numbers of labels,
 * or for float predictions of more than 2 dims; ValueError for no samples.
 * Example:
 *   double acc = metrics_accuracy(y_test, nn_predict(net, x_test));
 *   printf("test accuracy: %.2f%%\n", 100 * acc); */
double metrics_accuracy(Tensor *y_true, Tensor *y_pred);
/* Fraction of samples whose true label is among the k highest of the (N, K)
 * scores, like sklearn's top_k_accuracy_score (Keras's top_k_categorical_accuracy).
 * Arguments: y_true, the labels (N); scores, (N, K) scores, logits or
 * probabilities; k >= 1 (k >= K finds every label). Ties rank the lower
 * class first; a label outside [0, K) counts as a miss.
 * Returns the fraction in [0, 1] (0 when N is 0).
 * Errors: ShapeError when scores is not 2-D or y_true has not N labels;
 * ValueError for k < 1.
 * Example:
 *   double top5 = metrics_top_k_accuracy(y_test, nn_predict(net, x_test), 5); */
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

/* Confusion matrix, int64 K x K (row: true class, column: predicted), like
 * sklearn's confusion_matrix.
 * Arguments: y_true (labels, N), y_pred (labels, (N, K) scores or binary
 * probabilities, as metrics_labels) and the option .num_classes (K; default
 * 1 + the largest label seen).
 * Returns a new int64 (K, K) tensor of counts on the default device; entry
 * [i][j] counts the samples of class i predicted as j.
 * Errors: ShapeError when y_true and y_pred give different numbers of labels;
 * ValueError for no samples, a negative label or a label >= .num_classes.
 * Example:
 *   Tensor *cm = metrics_confusion_matrix(y_test, nn_predict(net, x_test),
 *                                         .num_classes = 10);
 *   cm */
#define metrics_confusion_matrix(y_true, y_pred, ...) metrics_confusion_matrix_((y_true), (y_pred), &(ClassOptions){ __VA_ARGS__ })
Tensor *metrics_confusion_matrix_(Tensor *y_true, Tensor *y_pred, const ClassOptions *options);
/* Precision tp / (tp + fp), averaged as .average says (0 when undefined),
 * like sklearn's precision_score(zero_division=0).
 * Arguments: y_true (labels, N), y_pred (labels, scores or binary
 * probabilities, as metrics_labels) and options: .average ("binary" for 2
 * classes, the default then: the score of .pos_label, default 1; "macro", the
 * default for more classes: the mean over classes; "micro": from the total
 * counts; "weighted": the mean weighted by each class's support),
 * .num_classes (default 1 + the largest label).
 * Returns the precision in [0, 1].
 * Errors: ShapeError when y_true and y_pred give different numbers of labels;
 * ValueError for no samples, a negative label, a label >= .num_classes, an
 * unknown .average, or "binary" with more than 2 classes or a .pos_label
 * that is not one of them.
 * Example:
 *   double p = metrics_precision(y_test, nn_predict(net, x_test), .average = "macro"); */
#define metrics_precision(y_true, y_pred, ...) metrics_precision_((y_true), (y_pred), &(ClassOptions){ __VA_ARGS__ })
double metrics_precision_(Tensor *y_true, Tensor *y_pred, const ClassOptions *options);
/* Recall tp / (tp + fn), averaged as .average says (0 when undefined), like
 * sklearn's recall_score(zero_division=0).
 * Arguments: y_true, y_pred and options, as metrics_precision (.average
 * "binary" by default for 2 classes, else "macro"; .pos_label; .num_classes).
 * Returns the recall in [0, 1].
 * Errors: ShapeError when y_true and y_pred give different numbers of labels;
 * ValueError for no samples, a negative label, a label >= .num_classes, an
 * unknown .average, or "binary" with more than 2 classes or a .pos_label
 * that is not one of them.
 * Example:
 *   double r = metrics_recall(y_val, nn_predict(net, x_val));   // binary: class 1 */
#define metrics_recall(y_true, y_pred, ...) metrics_recall_((y_true), (y_pred), &(ClassOptions){ __VA_ARGS__ })
double metrics_recall_(Tensor *y_true, Tensor *y_pred, const ClassOptions *options);
/* F1 = 2 p r / (p + r), the harmonic mean of precision and recall, averaged
 * as .average says (0 when undefined), like sklearn's f1_score.
 * Arguments: y_true, y_pred and options, as metrics_precision (.average
 * "binary" by default for 2 classes, else "macro"; .pos_label; .num_classes).
 * Returns the F1 score in [0, 1].
 * Errors: ShapeError when y_true and y_pred give different numbers of labels;
 * ValueError for no samples, a negative label, a label >= .num_classes, an
 * unknown .average, or "binary" with more than 2 classes or a .pos_label
 * that is not one of them.
 * Example:
 *   double f1 = metrics_f1(y_test, nn_predict(net, x_test), .average = "weighted"); */
#define metrics_f1(y_true, y_pred, ...) metrics_f1_((y_true), (y_pred), &(ClassOptions){ __VA_ARGS__ })
double metrics_f1_(Tensor *y_true, Tensor *y_pred, const ClassOptions *options);
/* Per-class precision, recall, F1 and support as float64 K tensors (any
 * output pointer may be NULL), like sklearn's
 * precision_recall_fscore_support(average=None).
 * Arguments: y_true, y_pred (as metrics_precision), four Tensor ** outputs
 * (NULL for those not wanted) and the option .num_classes.
 * Returns nothing; each non-NULL output receives a new float64 (K) tensor on
 * the default device (support: the number of true samples of each class).
 * Errors: ShapeError when y_true and y_pred give different numbers of labels;
 * ValueError for no samples, a negative label or a label >= .num_classes.
 * Example:
 *   Tensor *prec, *rec;
 *   metrics_per_class(y_test, nn_predict(net, x_test), &prec, &rec, NULL, NULL); */
#define metrics_per_class(y_true, y_pred, precision, recall, f1, support, ...) \
    metrics_per_class_((y_true), (y_pred), (precision), (recall), (f1), (support), &(ClassOptions){ __VA_ARGS__ })
void metrics_per_class_(Tensor *y_true, Tensor *y_pred, Tensor **precision, Tensor **recall, Tensor **f1,
                        Tensor **support, const ClassOptions *options);
/* scikit-learn's classification_report text (a GC string): a row per class
 * (precision, recall, f1-score, support), then accuracy, macro avg and
 * weighted avg.
 * Arguments: y_true, y_pred (as metrics_precision) and options:
 * .class_names (K names, one per class; default "0", "1", ...), .digits
 * (decimals, default 2), .num_classes.
 * Returns a new string, collected by the garbage collector (do not free it).
 * Errors: ShapeError when y_true and y_pred give different numbers of labels;
 * ValueError for no samples, a negative label or a label >= .num_classes.
 * Example:
 *   char *report = metrics_classification_report(y_test, nn_predict(net, x_test));
 *   fputs(report, stdout); */
#define metrics_classification_report(y_true, y_pred, ...) \
    metrics_classification_report_((y_true), (y_pred), &(ClassOptions){ __VA_ARGS__ })
char *metrics_classification_report_(Tensor *y_true, Tensor *y_pred, const ClassOptions *options);
/* Prints the classification report (metrics_classification_report) to stdout,
 * like print(classification_report(y_true, y_pred)).
 * Arguments: y_true, y_pred and options, as metrics_classification_report
 * (.class_names, .digits, .num_classes).
 * Returns nothing.
 * Errors: as metrics_classification_report: ShapeError when the numbers of
 * labels differ; ValueError for no samples or a label out of range.
 * Example:
 *   const char *names[] = { "T-shirt", "Trouser", "Pullover", "Dress", "Coat",
 *                           "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot" };
 *   metrics_print_classification_report(y_test, nn_predict(net, x_test),
 *                                       .class_names = names, .digits = 3); */
#define metrics_print_classification_report(y_true, y_pred, ...) \
    metrics_print_classification_report_((y_true), (y_pred), &(ClassOptions){ __VA_ARGS__ })
void metrics_print_classification_report_(Tensor *y_true, Tensor *y_pred, const ClassOptions *options);

/* Mean squared error mean((y_true - y_pred)^2), like sklearn's
 * mean_squared_error (a number, not a tensor: nn_mse is the loss to train with).
 * Arguments: y_true and y_pred, any dtype, with the same number of elements
 * (shapes (N) and (N, 1) both fit).
 * Returns the mean over every element, as a double.
 * Errors: ShapeError when y_true and y_pred have different numbers of
 * elements; ValueError for no samples.
 * Example:
 *   double mse = metrics_mse(y_test, nn_predict(net, x_test)); */
double metrics_mse(Tensor *y_true, Tensor *y_pred);
/* Mean absolute error mean(|y_true - y_pred|), like sklearn's
 * mean_absolute_error (Keras's "mae" metric).
 * Arguments: y_true and y_pred, any dtype, with the same number of elements
 * (shapes (N) and (N, 1) both fit).
 * Returns the mean over every element, as a double.
 * Errors: ShapeError when y_true and y_pred have different numbers of
 * elements; ValueError for no samples.
 * Example:
 *   double mae = metrics_mae(y_test, nn_predict(net, x_test)); */
double metrics_mae(Tensor *y_true, Tensor *y_pred);
/* Coefficient of determination 1 - SS_res / SS_tot (averaged over output
 * columns for (N, D) targets, like sklearn's r2_score).
 * Arguments: y_true ((N) or (N, D), whose shape gives the columns) and y_pred
 * with the same number of elements.
 * Returns R^2 as a double: 1 for a perfect fit, 0 for predicting the mean,
 * negative when worse; a constant column scores 1 if fitted exactly, else 0.
 * Errors: ShapeError when y_true and y_pred have different numbers of
 * elements; ValueError for no samples.
 * Example:
 *   double r2 = metrics_r2(y_test, nn_predict(net, x_test));   // close to 1 */
double metrics_r2(Tensor *y_true, Tensor *y_pred);

#endif
