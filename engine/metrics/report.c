/* scikit-learn's classification_report, character for character: a row per
 * class, then accuracy, macro avg and weighted avg. */
#include "coursdl.h"
#include "../core/args.h"

#include <gc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *metrics_classification_report_(Tensor *y_true, Tensor *y_pred, const ClassOptions *o)
{
    CDL_ARG_NAMED("metrics_classification_report", y_true, "y_true");
    CDL_ARG_NAMED("metrics_classification_report", y_pred, "y_pred");
    Tensor *P, *R, *F, *S;
    metrics_per_class_(y_true, y_pred, &P, &R, &F, &S, o);
    int64_t k = tensor_numel(P);
    double *p = tensor_data_f64(P), *r = tensor_data_f64(R), *f = tensor_data_f64(F), *s = tensor_data_f64(S);
    int digits = o->digits > 0 ? o->digits : 2;
    char **names = GC_MALLOC((size_t)k * sizeof(char *));
    int width = (int)strlen("weighted avg");
    for (int64_t c = 0; c < k; c++) {
        char buf[256];
        snprintf(buf, sizeof buf, "%s", o->class_names && o->class_names[c] ? o->class_names[c] : "");
        if (!o->class_names) snprintf(buf, sizeof buf, "%lld", (long long)c);
        names[c] = GC_MALLOC_ATOMIC(strlen(buf) + 1);
        strcpy(names[c], buf);
        if ((int)strlen(buf) > width) width = (int)strlen(buf);
    }
    if (digits > width) width = digits;
    char *out = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&out, &len);
    fprintf(m, "%*s  %9s %9s %9s %9s\n\n", width, "", "precision", "recall", "f1-score", "support");
    double total = 0, acc = 0, mp = 0, mr = 0, mf = 0, wp = 0, wr = 0, wf = 0;
    for (int64_t c = 0; c < k; c++) {
        fprintf(m, "%*s  %9.*f %9.*f %9.*f %9lld\n", width, names[c], digits, p[c], digits, r[c], digits, f[c], (long long)s[c]);
        total += s[c];
        acc += r[c] * s[c];  /* recall * support = true positives */
        mp += p[c]; mr += r[c]; mf += f[c];
        wp += p[c] * s[c]; wr += r[c] * s[c]; wf += f[c] * s[c];
    }
    fprintf(m, "\n");
    fprintf(m, "%*s  %9s %9s %9.*f %9lld\n", width, "accuracy", "", "", digits, total ? acc / total : 0, (long long)total);
    fprintf(m, "%*s  %9.*f %9.*f %9.*f %9lld\n", width, "macro avg", digits, mp / k, digits, mr / k, digits, mf / k, (long long)total);
    fprintf(m, "%*s  %9.*f %9.*f %9.*f %9lld\n", width, "weighted avg", digits, total ? wp / total : 0, digits,
            total ? wr / total : 0, digits, total ? wf / total : 0, (long long)total);
    fclose(m);
    char *g = GC_MALLOC_ATOMIC(len + 1);
    memcpy(g, out, len + 1);
    free(out);
    return g;
}

void metrics_print_classification_report_(Tensor *y_true, Tensor *y_pred, const ClassOptions *o)
{
    CDL_ARG_NAMED("metrics_print_classification_report", y_true, "y_true");
    CDL_ARG_NAMED("metrics_print_classification_report", y_pred, "y_pred");
    fputs(metrics_classification_report_(y_true, y_pred, o), stdout);
    fflush(stdout);
}
