/* The heartbeat channel: a thread that echoes every message it receives. */
#ifndef CDL_HEARTBEAT_H
#define CDL_HEARTBEAT_H

#include <stddef.h>

/* Starts a thread that echoes every message on a ZMQ_REP socket bound at `endpoint` (the heartbeat channel).
 * The socket is bound before returning, so a bad or busy endpoint is reported here. The thread is
 * detached and exits (closing its socket) when the context is shut down or terminated.
 * Blocks SIGINT and the other asynchronous signals in the thread (so that SIGINT reaches the main thread).
 * Returns 0 or -1 with err. */
int heartbeat_start(void *zmq_ctx, const char *endpoint, char *err, size_t errlen);

#endif
