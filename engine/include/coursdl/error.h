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

/* The Python-style name of an error kind, as tracebacks show it
 * (type(e).__name__ in Python).
 * Arguments: kind, an ErrorKind (ERR_VALUE, ERR_SHAPE, ...).
 * Returns a static string: "ValueError", "ShapeError", "KeyboardInterrupt"...,
 * or "Error" for a value that is no ErrorKind.
 * Errors: none.
 * Example:
 *   printf("last error: %s\n", error_kind_name(error_last_kind())); */
const char *error_kind_name(ErrorKind kind);

/* Called with the kind and the formatted message. A host's handler must not
 * return (it unwinds with longjmp); if it returns, the default runs. */
typedef void (*ErrorHandler)(ErrorKind kind, const char *message, void *ctx);

/* Installs the function every engine error goes to, for a host program that
 * recovers from errors (the notebook kernel installs its own, which ends the
 * cell with a traceback: do not replace it in a notebook).
 * Arguments: handler, an ErrorHandler that must not return (it longjmps back to
 * the host), or NULL for the default (print "Kind: message" on stderr, exit(1));
 * ctx, passed to the handler as it is.
 * Returns nothing; a handler that returns is followed by the default.
 * Errors: none.
 * Example:
 *   static jmp_buf batch_failed;
 *   static void on_error(ErrorKind k, const char *msg, void *ctx)
 *   { (void)k; (void)msg; (void)ctx; longjmp(batch_failed, 1); }
 *   error_set_handler(on_error, NULL); */
void error_set_handler(ErrorHandler handler, void *ctx);

/* Raises an engine error, like raise ValueError(...) in Python: in a notebook
 * the cell stops with the error's name, message and line.
 * Arguments: kind, the ErrorKind (ERR_VALUE, ERR_SHAPE, ...); fmt and what follows,
 * a printf-style message (at most 4095 characters kept): name the problem and
 * the fix.
 * Returns never: the message is recorded (error_last_message) and the handler
 * installed by error_set_handler is called.
 * Errors: raises the error of the given kind.
 * Example:
 *   if (batch_size <= 0)
 *       error_raise(ERR_VALUE, "batch_size = %d must be > 0", batch_size); */
_Noreturn void error_raise(ErrorKind kind, const char *fmt, ...);

/* The kind and message of the last engine error raised (error_last_kind,
 * error_last_message), like sys.last_value in Python.
 * Arguments: none.
 * Returns the ErrorKind (0 if no error was raised yet) / the formatted message,
 * a string owned by the engine that the next error overwrites ("" if none).
 * Errors: none.
 * Example:
 *   printf("%s: %s\n", error_kind_name(error_last_kind()), error_last_message()); */
ErrorKind error_last_kind(void);
const char *error_last_message(void);

/* Registers a function that puts a module's state back in order after an
 * error unwound through it (e.g. a no_grad scope left open), run by
 * error_reset_state.
 * Arguments: hook, a function without arguments; adding the same one twice
 * registers it once; at most 32 hooks (later ones are ignored).
 * Returns nothing.
 * Errors: none.
 * Example:
 *   static void reset_drawing(void) { drawing = false; }
 *   error_add_reset_hook(reset_drawing); */
void error_add_reset_hook(void (*hook)(void));

/* Runs every reset hook: the host calls it after any unwinding (error,
 * fault, interrupt) so that no scope stays switched on; the notebook kernel
 * does so after every failed cell.
 * Arguments: none.
 * Returns nothing; afterwards autograd records again (no no_grad scope is left
 * open) and a figure whose rendering was cut short is closed.
 * Errors: none.
 * Example:
 *   if (setjmp(batch_failed)) error_reset_state();   // back from on_error */
void error_reset_state(void);

/* Interrupts (the notebook's stop button), like KeyboardInterrupt in Python.
 * interrupt_request sets the flag (async-signal-safe: a host's SIGINT handler
 * calls it when the interrupted code is not the user's own); interrupt_clear
 * lowers it; interrupt_pending reads it; interrupt_check raises when it is set.
 * The engine calls interrupt_check at safe points (every op, every batch).
 * Arguments: none.
 * Returns nothing / for interrupt_pending, whether an interrupt is pending.
 * Errors: interrupt_check raises KeyboardInterrupt ("interrupted by the user")
 * when an interrupt is pending, and lowers the flag; the others raise none.
 * Example:
 *   double x = 3.0;
 *   for (long step = 0; step < 100000000; step++) {
 *       interrupt_check();   // a long loop of plain C that stops on request
 *       x -= 0.01 * 2 * x;   // gradient descent on x^2, by hand
 *   } */
void interrupt_request(void);
void interrupt_clear(void);
bool interrupt_pending(void);
void interrupt_check(void);

#endif
