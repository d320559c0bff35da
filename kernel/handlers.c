/* Shell and control requests. Every shell request is framed by IOPub
 * status busy ... idle with the request as parent. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "capture.h"
#include "cellsplit.h"
#include "coursdl.h"
#include "engine_api.h"
#include "guard.h"
#include "help.h"
#include "history.h"
#include "kernel.h"
#include "magics.h"
#include "stdin.h"
#include "strbuf.h"

void reply(void *sock, const Msg *req, const char *msg_type, json_t *content)
{
    if (!content) {
        /* json_pack failed (a string that is not UTF-8): a reply must still
         * carry a status, or clients wait or fail on a missing key. */
        klog("could not encode a %s", msg_type);
        content = json_pack("{s:s, s:s, s:s, s:[s]}", "status", "error", "ename", "InternalError", "evalue",
                            "the kernel could not encode its reply", "traceback", "InternalError");
    }
    if (wire_send(&K.wire, sock, req, true, msg_type, content, NULL) < 0)
        klog("cannot send %s", msg_type);
}

/* "execute_request" -> "execute_reply" */
static void reply_type(const char *req_type, char *out, size_t n)
{
    size_t len = strlen(req_type);
    if (len > 8 && !strcmp(req_type + len - 8, "_request"))
        snprintf(out, n, "%.*s_reply", (int)(len - 8), req_type);
    else
        snprintf(out, n, "%s_reply", req_type);
}

static json_t *error_content(const char *ename, const char *evalue)
{
    return json_pack("{s:s, s:s, s:s, s:[s]}", "status", "error", "ename", ename, "evalue", evalue,
                     "traceback", evalue);
}

static void reply_invalid(void *sock, const Msg *req, const char *why)
{
    char type[128];
    reply_type(req->msg_type, type, sizeof type);
    klog("invalid %s: %s", req->msg_type, why);
    reply(sock, req, type, error_content("InvalidRequest", why));
}

static json_t *kernel_info(void)
{
    char banner[256];
    snprintf(banner, sizeof banner,
             "C (coursDL) %s: C11 cells compiled in memory by TinyCC, with the libcoursdl engine\n"
             "(tensors, autograd, layers, plots). %%lsmagic lists the magics; ?name shows help.",
             COURSDL_VERSION);
    return json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s, s:s, s:s, s:s}, s:s, s:[], s:b}",
                     "status", "ok", "protocol_version", "5.3", "implementation", "coursdl",
                     "implementation_version", COURSDL_VERSION, "language_info", "name", "c", "version", "C11",
                     "mimetype", "text/x-csrc", "file_extension", ".c", "codemirror_mode", "text/x-csrc",
                     "pygments_lexer", "c", "banner", banner, "help_links", "debugger", 0);
}

/* ---- execute ----------------------------------------------------------------- */

static void take_queued(void);

static json_t *eval_user_expressions(const json_t *exprs)
{
    json_t *out = json_object();
    const char *name;
    json_t *value;
    if (!json_is_object(exprs))
        return out;
    json_object_foreach((json_t *)exprs, name, value) {
        const char *code = json_string_value(value);
        if (!code) {
            json_object_set_new(out, name, json_pack("{s:s, s:s, s:s, s:[]}", "status", "error", "ename",
                                                     "InvalidRequest", "evalue", "the expression is not a string",
                                                     "traceback"));
            continue;
        }
        CellResult r;
        publish_capture_results(true);
        session_eval_expression(code, &r);
        publish_capture_results(false);
        json_t *res = publish_take_captured();
        if (!r.ok) {
            json_decref(res);
            json_t *tb = json_array();
            for (int i = 0; i < r.n_traceback; i++)
                json_array_append_new(tb, json_string(r.traceback[i]));
            res = json_pack("{s:s, s:s, s:s, s:o}", "status", "error", "ename", r.ename, "evalue", r.evalue,
                            "traceback", tb);
        } else if (!res) {
            res = json_pack("{s:s, s:{}, s:{}}", "status", "ok", "data", "metadata");
        }
        json_object_set_new(out, name, res);
        cell_result_free(&r);
    }
    return out;
}

/* The pager's payload for `?name` (IPython sends the same). */
static json_t *page_payload(const CellResult *r)
{
    if (!r->page_plain)
        return json_array();
    return json_pack("[{s:s, s:{s:s, s:s}, s:i}]", "source", "page", "data", "text/plain", r->page_plain,
                     "text/markdown", r->page_markdown ? r->page_markdown : r->page_plain, "start", 0);
}

static void execute(void *sock, Msg *req)
{
    (void)sock;
    json_t *c = req->content;
    json_t *jcode = json_object_get(c, "code");
    if (!json_is_string(jcode)) {
        reply_invalid(K.shell, req, "execute_request content needs a string \"code\"");
        return;
    }
    const char *code = json_string_value(jcode);
    bool silent = json_is_true(json_object_get(c, "silent"));
    json_t *sh = json_object_get(c, "store_history");
    bool store = !silent && (sh ? json_is_true(sh) : true);
    json_t *soe = json_object_get(c, "stop_on_error");
    bool stop_on_error = soe ? json_is_true(soe) : true;

    if (store)
        K.execution_count++;
    int count = K.execution_count;
    if (!silent)
        pub(req, "execute_input", json_pack("{s:s, s:i}", "code", code, "execution_count", count));

    pthread_mutex_lock(&K.iopub_lock);
    K.out_parent = silent ? NULL : req;
    pthread_mutex_unlock(&K.iopub_lock);
    publish_cell_begin();

    CellResult r;
    stdin_begin_cell(req, json_is_true(json_object_get(c, "allow_stdin")));
    magics_execute(code, count, &r);
    stdin_end_cell();
    publish_cell_end();  /* flushes the output; tells what the cap dropped */
    cell_result_clean_utf8(&r);
    if (r.warnings && !silent)
        pub_stream("stderr", r.warnings, strlen(r.warnings));

    json_t *content;
    if (r.ok) {
        json_t *ue = eval_user_expressions(json_object_get(c, "user_expressions"));
        capture_flush();
        content = json_pack("{s:s, s:i, s:o, s:o}", "status", "ok", "execution_count", count,
                            "user_expressions", ue, "payload", page_payload(&r));
    } else {
        json_t *tb = json_array();
        for (int i = 0; i < r.n_traceback; i++)
            json_array_append_new(tb, json_string(r.traceback[i]));
        if (!silent)
            pub(req, "error", json_pack("{s:s, s:s, s:O}", "ename", r.ename, "evalue", r.evalue, "traceback", tb));
        content = json_pack("{s:s, s:i, s:s, s:s, s:o, s:{}, s:[]}", "status", "error", "execution_count", count,
                            "ename", r.ename, "evalue", r.evalue, "traceback", tb, "user_expressions", "payload");
        if (stop_on_error)
            take_queued();
    }
    pthread_mutex_lock(&K.iopub_lock);
    K.out_parent = NULL;
    pthread_mutex_unlock(&K.iopub_lock);
    reply(K.shell, req, "execute_reply", content);
    if (store)
        history_add(count, code, NULL);
    cell_result_free(&r);
}

/* After a failed cell, the executes queued behind it are answered
 * "aborted". Only those that arrived before the failed cell's reply: they
 * are taken off the socket before that reply goes out, so a client that
 * sends its next cell after seeing the error is not aborted. */
static Msg *g_queued;
static int g_n_queued;

static void take_queued(void)
{
    for (;;) {
        zmq_pollitem_t it = { K.shell, 0, ZMQ_POLLIN, 0 };
        if (zmq_poll(&it, 1, 0) <= 0 || !(it.revents & ZMQ_POLLIN))
            break;
        Msg m;
        char err[256];
        WireStatus st = wire_recv(&K.wire, K.shell, &m, err, sizeof err);
        if (st != WIRE_OK) {
            if (st == WIRE_BAD_SIGNATURE)
                klog("dropped a message with a bad signature: %s", err);
            msg_free(&m);
            continue;
        }
        g_queued = xrealloc(g_queued, sizeof *g_queued * (size_t)(g_n_queued + 1));
        g_queued[g_n_queued++] = m;
    }
}

static void answer_queued(void)
{
    Msg *q = g_queued;
    int n = g_n_queued;
    g_queued = NULL;
    g_n_queued = 0;
    for (int i = 0; i < n; i++) {
        Msg *m = &q[i];
        if (!strcmp(m->msg_type, "execute_request")) {
            pub_status(m, "busy");
            /* no execution count of its own: the cell never ran */
            reply(K.shell, m, "execute_reply", json_pack("{s:s}", "status", "aborted"));
            pub_status(m, "idle");
        } else {
            handle_shell_message(m);
        }
        msg_free(m);
    }
    free(q);
}

/* ---- the other requests ------------------------------------------------------- */

static void is_complete(void *sock, Msg *req)
{
    (void)sock;
    const char *code = json_string_value(json_object_get(req->content, "code"));
    if (!code) {
        reply_invalid(K.shell, req, "is_complete_request content needs a string \"code\"");
        return;
    }
    char indent[64] = "";
    CompleteStatus st = cellsplit_is_complete(code, indent, sizeof indent);
    json_t *c = st == CODE_COMPLETE ? json_pack("{s:s}", "status", "complete")
              : st == CODE_INVALID ? json_pack("{s:s}", "status", "invalid")
              : json_pack("{s:s, s:s}", "status", "incomplete", "indent", indent);
    reply(K.shell, req, "is_complete_reply", c);
}

static void complete(void *sock, Msg *req)
{
    (void)sock;
    const char *code = json_string_value(json_object_get(req->content, "code"));
    json_t *pos = json_object_get(req->content, "cursor_pos");
    if (!code || !json_is_integer(pos)) {
        reply_invalid(K.shell, req, "complete_request content needs \"code\" and an integer \"cursor_pos\"");
        return;
    }
    reply(K.shell, req, "complete_reply", help_complete(code, (int)json_integer_value(pos)));
}

static void inspect(void *sock, Msg *req)
{
    (void)sock;
    const char *code = json_string_value(json_object_get(req->content, "code"));
    json_t *pos = json_object_get(req->content, "cursor_pos");
    if (!code || !json_is_integer(pos)) {
        reply_invalid(K.shell, req, "inspect_request content needs \"code\" and an integer \"cursor_pos\"");
        return;
    }
    char *word = help_word_at(code, (int)json_integer_value(pos), NULL, NULL);
    char *plain = NULL, *md = NULL;
    json_t *c = word && help_page(word, &plain, &md)
        ? json_pack("{s:s, s:b, s:{s:s, s:s}, s:{}}", "status", "ok", "found", 1, "data", "text/plain", plain,
                    "text/markdown", md, "metadata")
        : json_pack("{s:s, s:b, s:{}, s:{}}", "status", "ok", "found", 0, "data", "metadata");
    reply(K.shell, req, "inspect_reply", c);
    free(word);
    free(plain);
    free(md);
}

static void shutdown_now(void *sock, Msg *req)
{
    bool restart = json_is_true(json_object_get(req->content, "restart"));
    reply(sock, req, "shutdown_reply", json_pack("{s:s, s:b}", "status", "ok", "restart", restart));
    pub_status(req, "idle");
    /* Give ZeroMQ's I/O thread time to send the reply, then leave at once:
     * a cell may still be running on the main thread. */
    usleep(100 * 1000);
    _exit(0);
}

static void kernel_info_handler(void *sock, Msg *req)
{
    reply(sock, req, "kernel_info_reply", kernel_info());
}

static void history(void *sock, Msg *req)
{
    reply(sock, req, "history_reply", json_pack("{s:s, s:o}", "status", "ok", "history", history_query(req->content)));
}

static void comm_info(void *sock, Msg *req)
{
    reply(sock, req, "comm_info_reply", json_pack("{s:s, s:{}}", "status", "ok", "comms"));
}

/* No comm targets: comm messages are ignored, as the spec allows. */
static void ignore(void *sock, Msg *req)
{
    (void)sock;
    (void)req;
}

static void interrupt(void *sock, Msg *req)
{
    guard_interrupt();
    reply(sock, req, "interrupt_reply", json_pack("{s:s}", "status", "ok"));
}

/* Message type -> handler, for each channel (as xeus's kernel core routes);
 * needs_engine: the request needs the engine and the cell machinery loaded
 * (kernel_info is answered without waiting for them). */
typedef struct Route {
    const char *msg_type;
    void (*handle)(void *sock, Msg *req);
    bool needs_engine;
} Route;

static const Route SHELL_ROUTES[] = {
    { "execute_request", execute, true },
    { "kernel_info_request", kernel_info_handler, false },
    { "is_complete_request", is_complete, false },
    { "complete_request", complete, true },
    { "inspect_request", inspect, true },
    { "history_request", history, false },
    { "comm_info_request", comm_info, false },
    { "shutdown_request", shutdown_now, false },
    { "comm_open", ignore, false },
    { "comm_msg", ignore, false },
    { "comm_close", ignore, false },
    { NULL, NULL, false },
};

static const Route CONTROL_ROUTES[] = {
    { "kernel_info_request", kernel_info_handler, false },
    { "shutdown_request", shutdown_now, false },
    { "interrupt_request", interrupt, false },
    { NULL, NULL, false },
};

static const Route *route_of(const Route *routes, const char *msg_type)
{
    for (const Route *r = routes; r->msg_type; r++)
        if (!strcmp(r->msg_type, msg_type))
            return r;
    return NULL;
}

/* Every request is framed by IOPub status busy ... idle. */
static void dispatch(void *sock, const Route *routes, const char *channel, Msg *req)
{
    pub_status(req, "busy");
    const Route *r = route_of(routes, req->msg_type);
    if (!json_is_object(req->content))
        reply_invalid(sock, req, "the content frame is not a JSON object");
    else if (r)
        r->handle(sock, req);
    else
        klog("unknown %s message type '%s' ignored", channel, req->msg_type);
    pub_status(req, "idle");
}

bool shell_message_needs_engine(const char *msg_type)
{
    const Route *r = route_of(SHELL_ROUTES, msg_type);
    return r && r->needs_engine;
}

void handle_shell_message(Msg *req)
{
    dispatch(K.shell, SHELL_ROUTES, "shell", req);
    if (g_n_queued)
        answer_queued();
}

void handle_control_message(Msg *req)
{
    dispatch(K.control, CONTROL_ROUTES, "control", req);
}
