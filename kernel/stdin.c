/* Cells' standard input (stdin.h).
 *
 * `stdin` is replaced by a stdio stream of our own (fopencookie): every
 * stdio function that reads it (scanf, getchar, fgets, getline, fread...)
 * ends in input_line() when its buffer runs dry, which asks the front end
 * for a line. The wait polls the stdin socket and the interrupt flag, so ■
 * ends it within ~50 ms. A jump out of a stdio call can leave the stream's
 * buffer half-read: the stream is made anew before the next cell. */
#include "stdin.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "capture.h"
#include "coursdl.h"
#include "engine_api.h"
#include "kernel.h"
#include "strbuf.h"

static const Msg *g_req;     /* the execute_request being run */
static bool g_allow;
static bool g_warned;        /* the "no stdin" warning, once a cell */
static bool g_waiting;       /* inside a wait: an unwind may leave stdio mid-read */
static bool g_stale;         /* the stream must be replaced before the next cell */
static StrBuf g_pending;     /* the reply's text not read yet */
static size_t g_pending_at;

/* Asks the front end for one line; false at end of input (not allowed,
 * or the kernel is shutting down). Interrupts raise KeyboardInterrupt. */
static bool request_line(void)
{
    if (!g_allow || !g_req) {
        if (!g_warned) {
            fputs("warning: this front end sends no input (allow_stdin is false): the cell's read of stdin "
                  "got end-of-file\n", stderr);
            fflush(stderr);
            g_warned = true;
        }
        return false;
    }
    fflush(stdout);
    capture_flush();  /* a prompt printed just before shows above the input box */
    /* replies to earlier requests (an interrupted wait) are stale */
    for (;;) {
        zmq_pollitem_t it = { K.stdin_sock, 0, ZMQ_POLLIN, 0 };
        if (zmq_poll(&it, 1, 0) <= 0)
            break;
        Msg m;
        char err[256];
        wire_recv(&K.wire, K.stdin_sock, &m, err, sizeof err);
        msg_free(&m);
    }
    wire_send(&K.wire, K.stdin_sock, g_req, true, "input_request",
              json_pack("{s:s, s:b}", "prompt", "", "password", 0), NULL);
    g_waiting = true;
    for (;;) {
        interrupt_check();  /* raises KeyboardInterrupt: the guard unwinds the cell */
        zmq_pollitem_t it = { K.stdin_sock, 0, ZMQ_POLLIN, 0 };
        int rc = zmq_poll(&it, 1, 50);
        if (rc < 0 && zmq_errno() != EINTR)
            break;
        if (rc <= 0 || !(it.revents & ZMQ_POLLIN))
            continue;
        Msg m;
        char err[256];
        if (wire_recv(&K.wire, K.stdin_sock, &m, err, sizeof err) != WIRE_OK) {
            msg_free(&m);
            continue;
        }
        const char *value = json_string_value(json_object_get(m.content, "value"));
        bool ok = !strcmp(m.msg_type, "input_reply") && value;
        if (ok) {
            g_pending.len = 0;
            sb_puts(&g_pending, value);
            sb_putc(&g_pending, '\n');
            g_pending_at = 0;
        }
        msg_free(&m);
        if (ok) {
            g_waiting = false;
            return true;
        }
    }
    g_waiting = false;
    return false;
}

/* Up to n bytes of input; 0 at end of input. */
static size_t input_read(char *buf, size_t n)
{
    if (g_pending_at >= g_pending.len && !request_line())
        return 0;
    size_t k = g_pending.len - g_pending_at;
    if (k > n) k = n;
    memcpy(buf, g_pending.s + g_pending_at, k);
    g_pending_at += k;
    return k;
}

static ssize_t cookie_read(void *cookie, char *buf, size_t n)
{
    (void)cookie;
    return (ssize_t)input_read(buf, n);
}

/* Each cell reads a stream of its own: input an earlier cell left unread
 * (the '\n' after scanf's number) or an end-of-file does not carry over. */
static void new_stream(void)
{
    static FILE *mine;
    cookie_io_functions_t io = { cookie_read, NULL, NULL, NULL };
    FILE *f = fopencookie(NULL, "r", io);
    if (!f)
        return;
    if (mine && !g_stale)
        fclose(mine);  /* a stream left mid-read by an interrupt is only dropped: its lock may be held */
    mine = f;
    stdin = f;
}

void stdin_begin_cell(const Msg *req, bool allow_stdin)
{
    new_stream();
    g_stale = false;
    g_pending.len = g_pending_at = 0;
    g_req = req;
    g_allow = allow_stdin;
    g_warned = false;
}

void stdin_end_cell(void)
{
    if (g_waiting) {  /* unwound while waiting (interrupt): replace the stream */
        g_waiting = false;
        g_stale = true;
    }
    g_req = NULL;
}

ssize_t stdin_cell_read(int fd, void *buf, size_t n)
{
    if (fd != 0)
        return read(fd, buf, n);
    return (ssize_t)input_read(buf, n);
}
