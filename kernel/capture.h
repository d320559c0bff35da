/* Captures the process's stdout and stderr (cell code, the engine, shell
 * commands) through pipes and hands the text to an emitter in batches:
 * live (a flusher pushes stdio's buffer every 50 ms) yet cheap (100,000
 * lines become a few messages). Emitted text is always valid UTF-8. */
#ifndef CDL_CAPTURE_H
#define CDL_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>

typedef void (*CaptureEmit)(const char *stream, const char *text, size_t len, void *ctx);

/* Asked before text is emitted: true when the receiver drops it anyway
 * (it counted n bytes), so the text is not even decoded. */
typedef bool (*CaptureDrop)(size_t n);
void capture_set_drop(CaptureDrop drop);

/* Redirects fds 1 and 2; starts the reader and flusher threads. */
int capture_start(CaptureEmit emit, void *ctx);

/* Flushes stdio and emits everything written so far (main thread). */
void capture_flush(void);

/* The kernel's own log, on the original stderr. */
void klog(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* After a fault inside libc's stdio, its FILE may be locked or half
 * updated: give the process fresh stdout/stderr objects. */
void capture_reset_stdio(void);

/* After a cell: fds 1 and 2 back on the capture pipes and stdout/stderr
 * usable again, whatever the cell did (close(1), dup2(fd, 1),
 * fclose(stdout), freopen(..., stdout)). Main thread, no cell running. */
void capture_restore_std(void);

/* Is fd one of the capture's own (pipes, the kernel log)? */
bool capture_owns_fd(int fd);

/* Replaces invalid UTF-8 by U+FFFD; keeps an incomplete trailing sequence
 * out of the result when `keep_tail` (returns the number of bytes used). */
size_t utf8_clean(const char *in, size_t n, int keep_tail, char **out, size_t *out_len);

#endif
