/* The engine's functions the kernel calls, reached through pointers: the
 * kernel loads libcoursdl (and OpenBLAS, PLplot, cairo behind it) only
 * after its sockets are bound. A client that connects before they exist
 * waits ZeroMQ's reconnect interval (100 ms) for its first request; loading
 * the engine first made the kernel miss that window. Include after
 * coursdl.h: the macros below route the engine's names to the pointers. */
#ifndef CDL_ENGINE_API_H
#define CDL_ENGINE_API_H

#include <stddef.h>
#include "coursdl.h"

typedef struct EngineApi {
    __typeof__(&coursdl_version) coursdl_version;
    __typeof__(&error_set_handler) error_set_handler;
    __typeof__(&error_kind_name) error_kind_name;
    __typeof__(&error_reset_state) error_reset_state;
    __typeof__(&error_raise) error_raise;
    __typeof__(&interrupt_check) interrupt_check;
    __typeof__(&interrupt_clear) interrupt_clear;
    __typeof__(&interrupt_pending) interrupt_pending;
    __typeof__(&interrupt_request) interrupt_request;
    __typeof__(&display_set_sink) display_set_sink;
} EngineApi;

extern EngineApi E;

/* Loads libcoursdl (next to the kernel's executable, unless the process
 * already has it) with its symbols global, so cells resolve them. */
int engine_api_load(char *err, size_t errlen);

#define coursdl_version() E.coursdl_version()
#define error_set_handler(h, ctx) E.error_set_handler(h, ctx)
#define error_kind_name(k) E.error_kind_name(k)
#define error_reset_state() E.error_reset_state()
#define error_raise(...) E.error_raise(__VA_ARGS__)
#define interrupt_check() E.interrupt_check()
#define interrupt_clear() E.interrupt_clear()
#define interrupt_pending() E.interrupt_pending()
#define interrupt_request() E.interrupt_request()
#define display_set_sink(s) E.display_set_sink(s)

#endif
