/* State shared by the kernel's threads: sockets, signing, the request whose
 * outputs are being published. */
#ifndef CDL_KERNEL_H
#define CDL_KERNEL_H

#include <jansson.h>
#include <pthread.h>
#include <stdbool.h>

#include "wire.h"

typedef struct Kernel {
    void *zctx, *shell, *control, *iopub, *stdin_sock;
    Wire wire;
    pthread_mutex_t iopub_lock;
    const Msg *out_parent;   /* request whose outputs go out now; NULL: discard */
    int execution_count;
    char root[4096];         /* repository root: engine/include, kernel/include */
} Kernel;

extern Kernel K;

/* IOPub (any thread; serialised). content is stolen. */
void pub(const Msg *parent, const char *msg_type, json_t *content);
void pub_status(const Msg *parent, const char *state);
/* A stream message for the current output parent. */
void pub_stream(const char *name, const char *text, size_t len);
/* Around a request's outputs (execute): the cap on a cell's text output
 * (bytes, 0: none) and, at the end, the notice of what it dropped. */
void publish_cell_begin(void);
void publish_cell_end(void);
void publish_set_output_limit(size_t bytes);
/* Lets the capture skip text the cap drops anyway. */
void publish_install_drop(void);
size_t publish_output_limit(void);
/* The capture emitter (same, with the capture context argument). */
void pub_stream_emit(const char *name, const char *text, size_t len, void *ctx);
/* Every string of a cell's result as valid UTF-8 (U+FFFD for bad bytes),
 * and a non-empty ename for an error: a reply jansson cannot encode has no
 * status, and nbclient then fails with KeyError 'ename'. */
struct CellResult;
void cell_result_clean_utf8(struct CellResult *r);
/* Registers the engine display sink that publishes display messages. */
void publish_install_sink(void);
/* While capturing, DISPLAY_RESULT data goes to a JSON object instead of IOPub
 * (user_expressions). */
void publish_capture_results(bool on);
json_t *publish_take_captured(void);

/* Replies on a ROUTER socket to req. content is stolen. */
void reply(void *sock, const Msg *req, const char *msg_type, json_t *content);

/* Request handlers (handlers.c). */
void handle_shell_message(Msg *req);
/* Whether a shell request needs the engine loaded first (handlers' table). */
bool shell_message_needs_engine(const char *msg_type);
void handle_control_message(Msg *req);

#endif
