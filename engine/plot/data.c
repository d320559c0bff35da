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

size_t plt_esize(int dtype)
{
    switch (dtype) {
    case PLT_F32: case PLT_I32: case PLT_U32: return 4;
    case PLT_U8: case PLT_I8: return 1;
    case PLT_BOOL: return sizeof(_Bool);
    case PLT_I16: case PLT_U16: return 2;
    case PLT_LONG: case PLT_ULONG: return sizeof(long);
    default: return 8;
    }
}

double plt_elem(const void *p, int dtype, long i)
{
    switch (dtype) {
    case PLT_F32: return ((const float *)p)[i];
    case PLT_I32: return ((const int *)p)[i];
    case PLT_U8: return ((const unsigned char *)p)[i];
    case PLT_LONG: return (double)((const long *)p)[i];
    case PLT_ULONG: return (double)((const unsigned long *)p)[i];
    case PLT_I64: return (double)((const long long *)p)[i];
    case PLT_U64: return (double)((const unsigned long long *)p)[i];
    case PLT_U32: return ((const unsigned int *)p)[i];
    case PLT_I16: return ((const short *)p)[i];
    case PLT_U16: return ((const unsigned short *)p)[i];
    case PLT_I8: return ((const signed char *)p)[i];
    case PLT_BOOL: return ((const _Bool *)p)[i];
    default: return ((const double *)p)[i];
    }
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
        if (dtype != PLT_TENSOR) d[i] = plt_elem(p, dtype, i);
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
