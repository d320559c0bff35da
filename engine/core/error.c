/* Engine errors and interrupt flag (see coursdl/error.h). */
#include "coursdl.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static ErrorHandler g_handler;
static void *g_handler_ctx;
static ErrorKind g_last_kind;
static char g_last_message[4096];

#define MAX_RESET_HOOKS 32
static void (*g_reset_hooks[MAX_RESET_HOOKS])(void);
static int g_n_reset_hooks;

/* sig_atomic_t: written from signal handlers and read at safe points. */
static volatile sig_atomic_t g_interrupt;

const char *error_kind_name(ErrorKind kind)
{
    switch (kind) {
    case ERR_VALUE: return "ValueError";
    case ERR_SHAPE: return "ShapeError";
    case ERR_DEVICE: return "DeviceError";
    case ERR_INDEX: return "IndexError";
    case ERR_IO: return "IOError";
    case ERR_MEMORY: return "MemoryError";
    case ERR_TYPE: return "TypeError";
    case ERR_RUNTIME: return "RuntimeError";
    case ERR_INTERRUPT: return "KeyboardInterrupt";
    case ERR_ASSERT: return "AssertionError";
    }
    return "Error";
}

void error_set_handler(ErrorHandler handler, void *ctx)
{
    g_handler = handler;
    g_handler_ctx = ctx;
}

_Noreturn void error_raise(ErrorKind kind, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g_last_message, sizeof g_last_message, fmt, ap);
    va_end(ap);
    g_last_kind = kind;
    if (kind == ERR_INTERRUPT)
        g_interrupt = 0;
    if (g_handler)
        g_handler(kind, g_last_message, g_handler_ctx);
    /* No host handler, or it returned: a plain program stops here. */
    fflush(stdout);
    fprintf(stderr, "%s: %s\n", error_kind_name(kind), g_last_message);
    exit(1);
}

ErrorKind error_last_kind(void) { return g_last_kind; }
const char *error_last_message(void) { return g_last_message; }

void error_add_reset_hook(void (*hook)(void))
{
    for (int i = 0; i < g_n_reset_hooks; i++)
        if (g_reset_hooks[i] == hook)
            return;
    if (g_n_reset_hooks < MAX_RESET_HOOKS)
        g_reset_hooks[g_n_reset_hooks++] = hook;
}

void error_reset_state(void)
{
    for (int i = 0; i < g_n_reset_hooks; i++)
        g_reset_hooks[i]();
}

void interrupt_request(void) { g_interrupt = 1; }
void interrupt_clear(void) { g_interrupt = 0; }
bool interrupt_pending(void) { return g_interrupt != 0; }

void interrupt_check(void)
{
    if (g_interrupt)
        error_raise(ERR_INTERRUPT, "interrupted by the user");
}
