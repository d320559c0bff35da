/* A growing text in collector memory (the engine's reprs, summaries, DOT
 * sources): printf-style appends, no free. */
#ifndef COURSDL_CORE_TEXT_H
#define COURSDL_CORE_TEXT_H

#include <stddef.h>

typedef struct CdlText { char *s; size_t n, cap; } CdlText;

/* Appends the formatted text; t->s stays NUL-terminated once anything was put. */
void cdl_text_put(CdlText *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
