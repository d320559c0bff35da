/* coursdl-kernel: the Jupyter kernel "C (coursDL)".
 * Usage: coursdl-kernel -f CONNECTION_FILE */
#include <fcntl.h>
#include <stdint.h>
#include <gc.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "bounds.h"
#include "capture.h"
#include "cellfd.h"
#include "conn.h"
#include "coursdl.h"
#include "engine_api.h"
#include "guard.h"
#include "heartbeat.h"
#include "help.h"
#include "jit.h"
#include "kernel.h"
#include "options.h"
#include "parent.h"
#include "runtime.h"
#include "session.h"

static void ignore_gc_warning(char *msg, GC_word arg)
{
    (void)msg;
    (void)arg;
}

/* What a channel may receive: nothing unauthenticated is buffered without
 * bound. A frame over max_msg makes ZeroMQ drop the connection (the client
 * reconnects); frames up to it but over WIRE_MAX_FRAME get an error reply. */
static void *bind_socket(int type, const ConnInfo *ci, int port, const char *what, int64_t max_msg, int hwm)
{
    char ep[600];
    conn_endpoint(ci, port, ep, sizeof ep);
    void *s = zmq_socket(K.zctx, type);
    int linger = 1000;
    zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
    if (max_msg > 0)
        zmq_setsockopt(s, ZMQ_MAXMSGSIZE, &max_msg, sizeof max_msg);
    if (hwm > 0)
        zmq_setsockopt(s, ZMQ_RCVHWM, &hwm, sizeof hwm);
    if (!s || zmq_bind(s, ep) != 0) {
        fprintf(stderr, "coursdl-kernel: cannot bind the %s channel to %s: %s\n", what, ep, zmq_strerror(zmq_errno()));
        exit(1);
    }
    return s;
}

/* One request from a ROUTER socket; malformed ones get an error reply when
 * they can be addressed, badly signed ones are dropped. */
static bool receive(void *sock, Msg *m, const char *channel)
{
    char err[512];
    WireStatus st = wire_recv(&K.wire, sock, m, err, sizeof err);
    if (st == WIRE_OK)
        return true;
    if (st == WIRE_BAD_SIGNATURE) {
        klog("%s: dropped a message with a bad signature (%s)", channel, err);
    } else if (st == WIRE_MALFORMED) {
        klog("%s: malformed message (%s)", channel, err);
        if (m->header && m->msg_type && *m->msg_type && m->n_idents > 0) {
            const char *t = m->msg_type;
            size_t n = strlen(t);
            char type[160];
            if (n > 8 && !strcmp(t + n - 8, "_request"))
                snprintf(type, sizeof type, "%.*s_reply", (int)(n - 8), t);
            else
                snprintf(type, sizeof type, "%s_reply", t);
            reply(sock, m, type, json_pack("{s:s, s:s, s:s, s:[s]}", "status", "error", "ename", "InvalidRequest",
                                           "evalue", err, "traceback", err));
        }
    } else if (st == WIRE_ERROR) {
        klog("%s: socket error, stopping", channel);
        _exit(1);
    }
    msg_free(m);
    return false;
}

static void *control_thread(void *arg)
{
    (void)arg;
    for (;;) {
        Msg m;
        if (receive(K.control, &m, "control")) {
            handle_control_message(&m);
            msg_free(&m);
        }
    }
    return NULL;
}

static void start_thread(void *(*fn)(void *))
{
    /* Only the main thread may take SIGINT (it runs the cells). */
    sigset_t block, old;
    sigfillset(&block);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    pthread_t t;
    if (pthread_create(&t, NULL, fn, NULL) != 0) {
        fprintf(stderr, "coursdl-kernel: cannot start a thread\n");
        exit(1);
    }
    pthread_detach(t);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* Where the headers every cell sees lie, found from the kernel's own path:
 * an installed kernel (PREFIX/bin) uses PREFIX/include and
 * PREFIX/share/coursdl/include, a built one (build/) the checkout it was
 * built in; COURSDL_ROOT names a checkout explicitly. Nothing is compiled
 * in, so an install outlives its checkout and a DESTDIR tree can move. */
static void find_include_dirs(char *engine_inc, char *kernel_inc, size_t n)
{
    const char *env = getenv("COURSDL_ROOT");
    char exe[PATH_MAX] = ".", probe[PATH_MAX + 64];
    if (!env) {
        ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
        if (len > 0) {
            exe[len] = 0;
            snprintf(K.root, sizeof K.root, "%s/..", dirname(exe));
        }
        snprintf(probe, sizeof probe, "%s/share/coursdl/include/coursdl_cell.h", K.root);
        if (access(probe, R_OK) == 0) {
            snprintf(engine_inc, n, "%s/include", K.root);
            snprintf(kernel_inc, n, "%s/share/coursdl/include", K.root);
            return;
        }
    } else {
        snprintf(K.root, sizeof K.root, "%s", env);
    }
    snprintf(engine_inc, n, "%s/engine/include", K.root);
    snprintf(kernel_inc, n, "%s/kernel/include", K.root);
}

/* Bounds checks of cells need a tcclib/ folder: next to the executable in
 * the build, in PREFIX/lib/coursdl/ once installed (make install). */
static void set_tcc_lib(void)
{
    char exe[PATH_MAX], dir[PATH_MAX + 32], probe[PATH_MAX + 48];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return;
    exe[n] = 0;
    const char *bin = dirname(exe);
    const char *places[] = { "%s/tcclib", "%s/../lib/coursdl/tcclib" };
    for (size_t i = 0; i < sizeof places / sizeof *places; i++) {
        snprintf(dir, sizeof dir, places[i], bin);
        snprintf(probe, sizeof probe, "%s/bcheck.o", dir);
        if (access(probe, R_OK) == 0) {
            jit_set_tcc_lib(dir);
            return;
        }
    }
    klog("no tcclib/bcheck.o next to %s or in ../lib/coursdl: cells run without bounds checks", bin);
}

/* The engine, the collector and the cell machinery, loaded at the first
 * request that needs them: kernel_info (jupyter_client's readiness check)
 * is answered without waiting for them. */
static void load_engine(void)
{
    static bool loaded;
    if (loaded)
        return;
    char err[512];
    if (engine_api_load(err, sizeof err) != 0) {
        klog("%s", err);
        exit(1);
    }
    /* "Repeated allocation of very large block" and the like are about the
     * collector's tuning, not the student's code: keep them off the cell's stderr. */
    GC_set_warn_proc(ignore_gc_warning);
    char engine_inc[4300], kernel_inc[4300];
    find_include_dirs(engine_inc, kernel_inc, sizeof engine_inc);
    runtime_init();
    set_tcc_lib();
    options_from_env();
    session_init(engine_inc, kernel_inc);
    help_init(engine_inc, kernel_inc);
    publish_install_sink();
    loaded = true;
}

int main(int argc, char **argv)
{
    const char *conn_file = NULL;
    for (int i = 1; i < argc; i++) {
        if ((!strcmp(argv[i], "-f") || !strcmp(argv[i], "--connection-file")) && i + 1 < argc)
            conn_file = argv[++i];
        else if (!strncmp(argv[i], "--connection-file=", 18))
            conn_file = argv[i] + 18;
        else if (!strcmp(argv[i], "--version")) {
            printf("coursdl-kernel %s\n", COURSDL_VERSION);
            return 0;
        }
    }
    if (!conn_file) {
        fprintf(stderr, "usage: %s -f CONNECTION_FILE\n"
                        "The kernel of \"C (coursDL)\": Jupyter starts it with a connection file.\n", argv[0]);
        return 2;
    }
    ConnInfo ci;
    char err[512];
    if (conn_load(conn_file, &ci, err, sizeof err) != 0) {
        fprintf(stderr, "coursdl-kernel: %s\n", err);
        return 1;
    }
    if (!ci.key[0])
        fprintf(stderr, "coursdl-kernel: warning: the connection file %s has an empty key: messages "
                        "are not signed, and anyone who can reach the ports can run code\n", conn_file);
    if (wire_init(&K.wire, ci.key, ci.signature_scheme) != 0) {
        fprintf(stderr, "coursdl-kernel: unsupported signature scheme '%s' (use hmac-sha256)\n", ci.signature_scheme);
        return 1;
    }
    /* Bind first: a client connecting before the sockets exist waits for
     * ZeroMQ's reconnect interval (100 ms) before its first request arrives. */
    K.zctx = zmq_ctx_new();
    K.shell = bind_socket(ZMQ_ROUTER, &ci, ci.shell_port, "shell", (int64_t)WIRE_MAX_FRAME * 2, 1000);
    K.control = bind_socket(ZMQ_ROUTER, &ci, ci.control_port, "control", 1 << 20, 100);
    K.stdin_sock = bind_socket(ZMQ_ROUTER, &ci, ci.stdin_port, "stdin", 1 << 20, 100);
    K.iopub = bind_socket(ZMQ_PUB, &ci, ci.iopub_port, "iopub", 1 << 16, 100);
    char hb[600];
    conn_endpoint(&ci, ci.hb_port, hb, sizeof hb);
    if (heartbeat_start(K.zctx, hb, err, sizeof err) != 0) {
        fprintf(stderr, "coursdl-kernel: %s\n", err);
        return 1;
    }
    /* A cell reading stdin gets end-of-file instead of hanging. */
    int devnull = open("/dev/null", O_RDONLY);
    if (devnull >= 0) {
        dup2(devnull, 0);
        close(devnull);
    }
    /* The collector starts before the guard: libgc 8.0 (Ubuntu 22.04, Colab)
     * probes the data segment's end with a fault it catches, which kills the
     * process if it happens in the guard's thread creation, under all signals
     * blocked. Cells may fork(): the collector must know before it starts. */
    GC_set_handle_fork(1);
    GC_INIT();
    /* Signal handlers before anything can be interrupted; they call the
     * engine only while a cell runs. */
    guard_init(jit_pc_in_arena, jit_pc_in_code);
    publish_install_drop();
    if (capture_start(pub_stream_emit, NULL) != 0) {
        fprintf(stderr, "coursdl-kernel: cannot capture stdout/stderr\n");
        return 1;
    }
    start_thread(control_thread);
    parent_watch_start();
    /* Cells must not close the kernel's sockets, pipes or event fds. */
    int ports[] = { ci.shell_port, ci.iopub_port, ci.stdin_port, ci.control_port, ci.hb_port };
    cellfd_set_kernel_ports(ports, 5);
    if (!strcmp(ci.transport, "ipc"))
        cellfd_set_kernel_ipc(ci.ip);
    cellfd_protect_open_fds();
    pub_status(NULL, "starting");
    klog("coursdl-kernel %s ready (%s)", COURSDL_VERSION, conn_file);

    for (;;) {
        Msg m;
        if (receive(K.shell, &m, "shell")) {
            if (shell_message_needs_engine(m.msg_type))
                load_engine();
            handle_shell_message(&m);
            msg_free(&m);
        }
    }
}
