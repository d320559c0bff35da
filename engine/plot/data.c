/* Memory and input data of the plot module: every array a plt_* call gets
 * is copied (the caller may reuse it) and checked before anything is kept. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void *plt_xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        error_raise(ERR_MEMORY, "plt: out of memory (%zu bytes)", size);
    return p;
}

void *plt_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        error_raise(ERR_MEMORY, "plt: out of memory (%zu x %zu bytes)", n, size);
    return p;
}

char *plt_xstrdup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = plt_xmalloc(n);
    memcpy(d, s, n);
    return d;
}

void plt_check_n(const char *fn, long n)
{
    if (n <= 0)
        error_raise(ERR_VALUE, "%s: no data (%ld values); give at least one point", fn, n);
}

double *plt_iota(long n)
{
    double *d = plt_xmalloc((size_t)n * sizeof *d);
    for (long i = 0; i < n; i++)
        d[i] = (double)i;
    return d;
}

double *plt_copy(const char *fn, const char *what, const void *p, int dtype, long n)
{
    plt_check_n(fn, n);
    if (!p)
        error_raise(ERR_VALUE, "%s: %s is NULL (give an array of %ld values)", fn, what, n);
    double *d = plt_xmalloc((size_t)n * sizeof *d);
    if (dtype == PLT_TENSOR) {
        Tensor *t = (Tensor *)p;
        int64_t numel = tensor_numel(t);
        if (numel != n) {
            free(d);
            error_raise(ERR_VALUE, "%s: %s is a tensor of %lld values but n = %ld (give n = tensor_numel(%s), "
                        "and tensors of the same size)", fn, what, (long long)numel, n, what);
        }
        tensor_to_f64_array(t, d, n);
    }
    for (long i = 0; i < n; i++) {
        switch (dtype) {
        case PLT_TENSOR: break;
        case PLT_F32: d[i] = ((const float *)p)[i]; break;
        case PLT_I32: d[i] = ((const int *)p)[i]; break;
        case PLT_U8: d[i] = ((const unsigned char *)p)[i]; break;
        default: d[i] = ((const double *)p)[i]; break;
        }
        if (!isfinite(d[i])) {
            double v = d[i];
            free(d);
            error_raise(ERR_VALUE, "%s: %s[%ld] is %s (remove or replace the non-finite values before plotting)",
                        fn, what, i, isnan(v) ? "NaN" : "infinite");
        }
    }
    return d;
}

void plt_artist_free(Artist *a)
{
    free(a->x);
    free(a->y);
    free(a->y2);
    free(a->xerr);
    free(a->yerr);
    free(a->label);
    free(a->colors);
    free(a->z);
    free(a->levels);
    free(a->text);
    free(a);
}
