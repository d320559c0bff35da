/* A growable string buffer (the kernel builds translation units, messages
 * and tracebacks with it). Allocation failure aborts: the kernel cannot go
 * on without memory for its own bookkeeping. */
#ifndef CDL_STRBUF_H
#define CDL_STRBUF_H

#include <stddef.h>

typedef struct StrBuf {
    char *s;
    size_t len, cap;
} StrBuf;

void sb_init(StrBuf *b);
void sb_free(StrBuf *b);
void sb_putn(StrBuf *b, const char *s, size_t n);
void sb_puts(StrBuf *b, const char *s);
void sb_putc(StrBuf *b, char c);
void sb_printf(StrBuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Returns the string and leaves the buffer empty (caller frees). */
char *sb_take(StrBuf *b);
char *xstrdup(const char *s);
/* Writes a formatted error message into err (if err is not NULL). */
void set_error(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);

#endif
