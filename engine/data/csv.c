/* Numeric CSV files (tabular data): a delimiter, an optional header (given
 * or guessed from a non-numeric first line), empty cells as NaN. */
#include "internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Splits line in place at delim; returns the field count (fields in f). */
static int split(char *line, char delim, char ***f, int *cap)
{
    int n = 0;
    for (char *p = line;; ) {
        if (n == *cap) *f = realloc(*f, sizeof(char *) * (size_t)(*cap *= 2));
        char *e = strchr(p, delim);
        (*f)[n++] = p;
        if (!e) break;
        *e = 0;
        p = e + 1;
    }
    return n;
}

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '"') s++;
    size_t l = strlen(s);
    while (l && (s[l - 1] == ' ' || s[l - 1] == '\t' || s[l - 1] == '\r' || s[l - 1] == '\n' || s[l - 1] == '"')) s[--l] = 0;
    return s;
}

static bool parse(const char *s, double *v)
{
    if (!*s) { *v = NAN; return true; }
    char *end;
    errno = 0;
    *v = strtod(s, &end);
    return end != s && *end == 0;
}

Tensor *data_read_csv_(const char *path, const CsvOptions *o)
{
    if (!path) error_raise(ERR_VALUE, "data_read_csv: path is NULL");
    FILE *fp = fopen(path, "r");
    if (!fp) error_raise(ERR_IO, "data_read_csv: cannot open %s (%s); check the path (relative to the notebook)", path, strerror(errno));
    char delim = o->delimiter ? o->delimiter : ',';
    char *line = NULL, **f = malloc(sizeof(char *) * 16);
    size_t lcap = 0;
    int fcap = 16, cols = -1;
    int64_t rows = 0, vcap = 1024, lineno = 0;
    double *vals = malloc(sizeof(double) * (size_t)vcap);
    const char **header = NULL;
    char err[512] = "";
    while (getline(&line, &lcap, fp) > 0) {
        lineno++;
        char *t = trim(line);
        if (!*t) continue;
        int n = split(t, delim, &f, &fcap);
        if (cols < 0) {
            cols = n;
            bool numeric = true;
            double v;
            for (int i = 0; i < n; i++) numeric = numeric && parse(trim(f[i]), &v);
            if (o->header > 0 || (o->header == 0 && !numeric)) {
                header = GC_MALLOC(sizeof(char *) * (size_t)n);
                for (int i = 0; i < n; i++) header[i] = data_strdup(trim(f[i]));
                continue;
            }
        }
        if (n != cols) {
            snprintf(err, sizeof err, "data_read_csv: line %lld of %s has %d fields but the first has %d; "
                     "check the delimiter (.delimiter = ';'?)", (long long)lineno, path, n, cols);
            break;
        }
        if ((rows + 1) * cols > vcap) vals = realloc(vals, sizeof(double) * (size_t)(vcap = 2 * vcap + cols));
        for (int i = 0; i < n; i++) {
            char *s = trim(f[i]);
            if (!parse(s, &vals[rows * cols + i])) {
                snprintf(err, sizeof err, "data_read_csv: line %lld, column %d of %s is \"%.40s\", not a number; "
                         "only numeric columns can be loaded (remove or encode text columns)", (long long)lineno, i + 1, path, s);
                break;
            }
        }
        if (*err) break;
        rows++;
    }
    fclose(fp);
    free(line);
    free(f);
    if (*err) { free(vals); error_raise(ERR_VALUE, "%s", err); }
    if (cols < 0) cols = 0;
    Tensor *t = tensor_from_f64_as(vals, DT_FLOAT32, 2, (int64_t[]){ rows, cols });
    free(vals);
    if (o->column_names) *o->column_names = header;
    if (o->n_columns) *o->n_columns = cols;
    return t;
}
