/* Metrics against values computed by hand, and the classification report
 * compared with scikit-learn's text for the same labels. */
#include <coursdl.h>
#include "check.h"

int main(void)
{
    check_init();
    Tensor *t = tensor_from_i64(((int64_t[]){ 0, 0, 1, 1, 2, 2 }), 6);
    Tensor *p = tensor_from_i64(((int64_t[]){ 0, 1, 1, 1, 2, 0 }), 6);
    CHECK_CLOSE(metrics_accuracy(t, p), 4.0 / 6, 1e-12);
    Tensor *cm = metrics_confusion_matrix(t, p);
    CHECK(tensor_dtype(cm) == DT_INT64 && tensor_size(cm, 0) == 3);
    int64_t want[9] = { 1, 1, 0, 0, 2, 0, 1, 0, 1 };
    CHECK(tensor_equal(cm, tensor_from_i64(want, 3, 3)));
    CHECK(tensor_size(metrics_confusion_matrix(t, p, .num_classes = 5), 1) == 5);
    CHECK_CLOSE(metrics_precision(t, p), (0.5 + 2.0 / 3 + 1) / 3, 1e-12);
    CHECK_CLOSE(metrics_recall(t, p), (0.5 + 1 + 0.5) / 3, 1e-12);
    CHECK_CLOSE(metrics_f1(t, p), (0.5 + 0.8 + 2.0 / 3) / 3, 1e-12);
    CHECK_CLOSE(metrics_f1(t, p, .average = "micro"), 4.0 / 6, 1e-12);
    CHECK_CLOSE(metrics_precision(t, p, .average = "weighted"), (0.5 + 2.0 / 3 + 1) / 3, 1e-12);
    Tensor *P, *R, *F, *S;
    metrics_per_class(t, p, &P, &R, &F, &S);
    CHECK_CLOSE(tensor_get(P, 1), 2.0 / 3, 1e-12);
    CHECK_CLOSE(tensor_get(R, 1), 1.0, 1e-12);
    CHECK_CLOSE(tensor_get(F, 2), 2.0 / 3, 1e-12);
    CHECK_CLOSE(tensor_get(S, 0), 2, 0);
    /* Weighted with unequal supports: labels 0 0 0 1, predictions 0 1 0 1. */
    Tensor *t2 = tensor_from_i64(((int64_t[]){ 0, 0, 0, 1 }), 4), *p2 = tensor_from_i64(((int64_t[]){ 0, 1, 0, 1 }), 4);
    CHECK_CLOSE(metrics_recall(t2, p2, .average = "weighted"), (3 * (2.0 / 3) + 1 * 1) / 4, 1e-12);
    CHECK_CLOSE(metrics_precision(t2, p2), 0.5, 1e-12);  /* binary: class 1 */
    CHECK_RAISES(ERR_VALUE, "pos_label -1 is negative", metrics_precision(t2, p2, .pos_label = -1));
    CHECK_CLOSE(metrics_precision(t2, p2, .average = "macro"), (1 + 0.5) / 2, 1e-12);

    /* Scores: argmax; binary probabilities: threshold 0.5. */
    double sc[9] = { 0.1, 0.7, 0.2, 0.5, 0.3, 0.2, 0.3, 0.3, 0.4 };
    Tensor *scores = tensor_from_f64(sc, 3, 3), *ts = tensor_from_i64(((int64_t[]){ 1, 1, 1 }), 3);
    CHECK_CLOSE(metrics_accuracy(ts, scores), 1.0 / 3, 1e-12);
    CHECK_CLOSE(metrics_top_k_accuracy(ts, scores, 2), 2.0 / 3, 1e-12);
    CHECK_CLOSE(metrics_top_k_accuracy(ts, scores, 3), 1.0, 1e-12);
    Tensor *pb = tensor_of(0.9, 0.6, 0.4, 0.8), *tb = tensor_from_i64(((int64_t[]){ 1, 0, 1, 1 }), 4);
    CHECK_CLOSE(metrics_precision(tb, pb), 2.0 / 3, 1e-12);
    CHECK_CLOSE(metrics_recall(tb, tensor_reshape(pb, 4, 1)), 2.0 / 3, 1e-12);
    CHECK_RAISES(ERR_SHAPE, "same samples", metrics_accuracy(t, tb));
    CHECK_RAISES(ERR_VALUE, "binary", metrics_precision(t, p, .average = "binary"));

    const char *sk =
        "              precision    recall  f1-score   support\n"
        "\n"
        "           0       0.50      0.50      0.50         2\n"
        "           1       0.67      1.00      0.80         2\n"
        "           2       1.00      0.50      0.67         2\n"
        "\n"
        "    accuracy                           0.67         6\n"
        "   macro avg       0.72      0.67      0.66         6\n"
        "weighted avg       0.72      0.67      0.66         6\n";
    CHECK_STR(metrics_classification_report(t, p), sk);
    const char *names[] = { "cat", "dog", "a-very-long-name" };
    char *rep = metrics_classification_report(t, p, .class_names = names, .digits = 3);
    CHECK(strstr(rep, "             cat      0.500     0.500     0.500         2\n") != NULL);
    CHECK(strstr(rep, "    weighted avg      0.722     0.667     0.656         6\n") != NULL);

    Tensor *yt = tensor_of(1, 2, 3, 4), *yp = tensor_of(1, 2, 3, 5);
    CHECK_CLOSE(metrics_mse(yt, yp), 0.25, 1e-12);
    CHECK_CLOSE(metrics_mae(yt, yp), 0.25, 1e-12);
    CHECK_CLOSE(metrics_r2(yt, yp), 0.8, 1e-6);
    CHECK_CLOSE(metrics_r2(yt, yt), 1.0, 1e-12);
    CHECK_CLOSE(metrics_r2(tensor_reshape(yt, 2, 2), tensor_reshape(yp, 2, 2)), (1.0 + (1 - 1.0 / 2)) / 2, 1e-6);
    CHECK_RAISES(ERR_SHAPE, "must match", metrics_mse(yt, tensor_of(1, 2)));
    return CHECK_DONE();
}
