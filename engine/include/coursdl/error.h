/* Engine errors: a kind, a message naming the function and the fix, and a
 * host-installed handler that unwinds to the host (the kernel's cell
 * boundary). Without a handler an error prints and exits non-zero. */
#ifndef COURSDL_ERROR_H
#define COURSDL_ERROR_H

#include <stdbool.h>

typedef enum ErrorKind {
    ERR_VALUE = 1,  /* ValueError: an argument has a wrong value */
    ERR_SHAPE,      /* ShapeError: tensor shapes do not fit together */
    ERR_DEVICE,     /* DeviceError: tensors on different devices, no such device */
    ERR_INDEX,      /* IndexError: index out of range */
    ERR_IO,         /* IOError: a file is missing or unreadable */
    ERR_MEMORY,     /* MemoryError: an allocation failed */
    ERR_TYPE,       /* TypeError: wrong dtype or object kind */
    ERR_RUNTIME,    /* RuntimeError: a misuse of the engine's state (autograd...) */
    ERR_INTERRUPT,  /* KeyboardInterrupt: the user interrupted a long computation */
    ERR_ASSERT      /* AssertionError: a check of a notebook (assert_true...) failed */
} ErrorKind;

/* The Python-style name of a kind: "ShapeError", "KeyboardInterrupt"... */
const char *error_kind_name(ErrorKind kind);

/* Called with the kind and the formatted message. A host's handler must not
 * return (it unwinds with longjmp); if it returns, the default runs. */
typedef void (*ErrorHandler)(ErrorKind kind, const char *message, void *ctx);

/* Installs the handler (NULL: back to the default, print then exit(1)). */
void error_set_handler(ErrorHandler handler, void *ctx);

/* Raises an engine error: formats the message (printf-style), records it and
 * calls the handler. Never returns. */
_Noreturn void error_raise(ErrorKind kind, const char *fmt, ...);

/* Kind and message of the last raised error (0 and "" if none). */
ErrorKind error_last_kind(void);
const char *error_last_message(void);

/* Registers a function that puts a module's state back in order after an
 * error unwound through it (e.g. a no_grad scope left open). */
void error_add_reset_hook(void (*hook)(void));

/* Runs every reset hook: the host calls it after any unwinding (error,
 * fault, interrupt) so that no scope stays switched on. */
void error_reset_state(void);

/* Interrupts. interrupt_request is async-signal-safe: a host's SIGINT
 * handler calls it when the interrupted code is not the user's own. The
 * engine calls interrupt_check at safe points (every op, every batch). */
void interrupt_request(void);
void interrupt_clear(void);
bool interrupt_pending(void);
void interrupt_check(void);

#endif
