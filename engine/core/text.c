#include "text.h"

#include "../tensor/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void cdl_text_put(CdlText *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (t->n + (size_t)k + 1 > t->cap) {
        size_t cap = (t->cap + (size_t)k + 1) * 2;
        char *s = cdl_alloc_atomic(cap);
        if (t->n) memcpy(s, t->s, t->n);
        t->s = s;
        t->cap = cap;
    }
    va_start(ap, fmt);
    vsnprintf(t->s + t->n, (size_t)k + 1, fmt, ap);
    va_end(ap);
    t->n += (size_t)k;
}
