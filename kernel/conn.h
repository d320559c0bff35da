/* The Jupyter connection file: transport, address, ports and signing key. */
#ifndef CDL_CONN_H
#define CDL_CONN_H

#include <stddef.h>

typedef struct ConnInfo {
    char transport[16];        /* "tcp" or "ipc" */
    char ip[256];              /* default "127.0.0.1" when absent */
    int shell_port, iopub_port, stdin_port, control_port, hb_port;
    char key[1024];            /* may be "" = unsigned messages */
    char signature_scheme[64]; /* "hmac-sha256" (default when absent) */
    char kernel_name[128];     /* optional ("" when absent; truncated if longer) */
} ConnInfo;

/* Reads and validates the JSON connection file. Returns 0, or -1 with a clear message in err
 * (file missing, not JSON, a port missing or not an integer, unsupported transport or scheme).
 * Ports: tcp needs 1..65535 (port 0 would bind a port the client never learns); ipc 0..65535.
 * key / kernel_name / signature_scheme may be absent or null; "" scheme means hmac-sha256. */
int conn_load(const char *path, ConnInfo *ci, char *err, size_t errlen);

/* Endpoint for one channel: "tcp://127.0.0.1:5555"; for ipc the Jupyter convention "ipc://{ip}-{port}".
 * An IPv6 address for tcp is bracketed ("tcp://[::1]:5555") as ZeroMQ requires. */
void conn_endpoint(const ConnInfo *ci, int port, char *out, size_t outlen);

#endif
