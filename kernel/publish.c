/* Everything the kernel sends on IOPub: status, streams, displays. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "coursdl.h"
#include "engine_api.h"
#include "kernel.h"
#include "session.h"
#include "strbuf.h"

void pub(const Msg *parent, const char *msg_type, json_t *content)
{
    pthread_mutex_lock(&K.iopub_lock);
    if (wire_send(&K.wire, K.iopub, parent, false, msg_type, content, NULL) < 0)
        klog("cannot publish %s", msg_type);
    pthread_mutex_unlock(&K.iopub_lock);
}

void pub_status(const Msg *parent, const char *state)
{
    pub(parent, "status", json_pack("{s:s}", "execution_state", state));
}

/* ---- streams, with a cap per cell ----------------------------------------------------------
 * `for (;;) printf(...)` must not flood the front-end: JupyterLab took
 * 21-60 s to honour the stop button behind 27 MB of output. Like
 * ipykernel's IOPub rate limit and Colab's truncation, a cell's text output
 * stops at a limit (1 MB unless %output_limit or COURSDL_OUTPUT_LIMIT say
 * otherwise; 0: none), and the cell ends with a notice of what was dropped.
 * The capture still drains the pipes, so the cell never blocks. */

static size_t g_limit = (size_t)1 << 20;
static size_t g_sent, g_dropped;   /* this cell's (under iopub_lock) */

void publish_set_output_limit(size_t bytes) { g_limit = bytes; }
size_t publish_output_limit(void) { return g_limit; }

void publish_cell_begin(void)
{
    pthread_mutex_lock(&K.iopub_lock);
    g_sent = g_dropped = 0;
    pthread_mutex_unlock(&K.iopub_lock);
}

static void send_stream(const Msg *parent, const char *name, const char *text, size_t len)
{
    json_t *c = json_pack("{s:s, s:s%}", "name", name, "text", text, len);
    if (!c || wire_send(&K.wire, K.iopub, parent, false, "stream", c, NULL) < 0)
        klog("cannot publish a stream message");
}

static void format_bytes(size_t n, char *buf, size_t cap)
{
    if (n >= (size_t)1 << 20)
        snprintf(buf, cap, "%.1f MB", (double)n / (1 << 20));
    else if (n >= 1024)
        snprintf(buf, cap, "%.1f KB", (double)n / 1024);
    else
        snprintf(buf, cap, "%zu bytes", n);
}

void publish_cell_end(void)
{
    capture_flush();
    pthread_mutex_lock(&K.iopub_lock);
    if (g_dropped && K.out_parent) {
        char dropped[32], limit[32], msg[512];
        format_bytes(g_dropped, dropped, sizeof dropped);
        format_bytes(g_limit, limit, sizeof limit);
        snprintf(msg, sizeof msg,
                 "\n[output truncated: %s more were not shown (%zu bytes); a cell shows its first %s of "
                 "text. %%output_limit 10MB raises the limit, %%output_limit 0 removes it]\n",
                 dropped, g_dropped, limit);
        send_stream(K.out_parent, "stderr", msg, strlen(msg));
    }
    g_sent = g_dropped = 0;
    pthread_mutex_unlock(&K.iopub_lock);
}

/* How much of text fits in `room`: cut after a newline if one is near the
 * end, never inside a UTF-8 sequence. */
static size_t fitting(const char *text, size_t len, size_t room)
{
    if (len <= room)
        return len;
    size_t n = room;
    while (n > 0 && ((unsigned char)text[n] & 0xc0) == 0x80)
        n--;
    for (size_t k = n; k > 0 && n - k < 4096; k--)
        if (text[k - 1] == '\n')
            return k;
    return n;
}

/* The capture asks before decoding text: past the cap, just count it. */
static bool drop_stream(size_t n)
{
    pthread_mutex_lock(&K.iopub_lock);
    bool full = K.out_parent && g_limit && g_dropped;
    if (full)
        g_dropped += n;
    pthread_mutex_unlock(&K.iopub_lock);
    return full;
}

void publish_install_drop(void) { capture_set_drop(drop_stream); }

void pub_stream(const char *name, const char *text, size_t len)
{
    pthread_mutex_lock(&K.iopub_lock);
    const Msg *parent = K.out_parent;
    if (parent) {
        size_t n = len;
        if (g_limit) {
            /* Once something was dropped, nothing after it is shown: the
             * output keeps its order, a gap would mislead. */
            size_t room = g_sent < g_limit && !g_dropped ? g_limit - g_sent : 0;
            n = fitting(text, len, room);
            g_dropped += len - n;
        }
        if (n)
            send_stream(parent, name, text, n);
        g_sent += n;
    }
    pthread_mutex_unlock(&K.iopub_lock);
}

void pub_stream_emit(const char *name, const char *text, size_t len, void *ctx)
{
    (void)ctx;
    pub_stream(name, text, len);
}

static char *base64(const unsigned char *in, size_t n)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *out = xmalloc(4 * ((n + 2) / 3) + 1);
    char *o = out;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)in[i] << 16;
        if (i + 1 < n) v |= (uint32_t)in[i + 1] << 8;
        if (i + 2 < n) v |= in[i + 2];
        *o++ = tab[(v >> 18) & 63];
        *o++ = tab[(v >> 12) & 63];
        *o++ = i + 1 < n ? tab[(v >> 6) & 63] : '=';
        *o++ = i + 2 < n ? tab[v & 63] : '=';
    }
    *o = 0;
    return out;
}

static uint32_t be32(const unsigned char *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static bool is_binary_mime(const char *mime)
{
    return !strncmp(mime, "image/", 6) && strcmp(mime, "image/svg+xml");
}

static json_t *g_captured;
static bool g_capturing;

void publish_capture_results(bool on)
{
    g_capturing = on;
    if (on) {
        json_decref(g_captured);
        g_captured = NULL;
    }
}

json_t *publish_take_captured(void)
{
    json_t *c = g_captured;
    g_captured = NULL;
    return c;
}

static int sink_show(void *ctx, DisplayKind kind, int id, const DisplayItem *items, int n)
{
    (void)ctx;
    capture_flush();  /* printed text comes before the display, as written */
    json_t *data = json_object(), *md = json_object();
    for (int i = 0; i < n; i++) {
        const DisplayItem *it = &items[i];
        if (!it->mime || (!it->data && it->size))
            continue;
        if (is_binary_mime(it->mime)) {
            char *b64 = base64(it->data, it->size);
            json_object_set_new(data, it->mime, json_string(b64));
            free(b64);
            const unsigned char *png = it->data;
            if (!strcmp(it->mime, "image/png") && it->size >= 24)
                json_object_set_new(md, it->mime, json_pack("{s:I, s:I}", "width", (json_int_t)be32(png + 16),
                                                             "height", (json_int_t)be32(png + 20)));
        } else if (!strcmp(it->mime, "application/json")) {
            json_t *j = json_loadb(it->data, it->size, JSON_DECODE_ANY, NULL);
            json_object_set_new(data, it->mime, j ? j : json_null());
        } else {
            char *clean;
            size_t len;
            utf8_clean(it->data, it->size, 0, &clean, &len);
            json_object_set_new(data, it->mime, json_stringn(clean, len));
            free(clean);
        }
    }
    if (kind == DISPLAY_RESULT && g_capturing) {
        json_decref(g_captured);
        g_captured = json_pack("{s:s, s:o, s:o}", "status", "ok", "data", data, "metadata", md);
        return 0;
    }
    if (!K.out_parent) {
        json_decref(data);
        json_decref(md);
        return 0;
    }
    char did[96];
    snprintf(did, sizeof did, "%s-%d", K.wire.session, id);
    if (kind == DISPLAY_RESULT)
        pub(K.out_parent, "execute_result", json_pack("{s:i, s:o, s:o}", "execution_count", K.execution_count,
                                                      "data", data, "metadata", md));
    else
        pub(K.out_parent, kind == DISPLAY_NEW ? "display_data" : "update_display_data",
            json_pack("{s:o, s:o, s:{s:s}}", "data", data, "metadata", md, "transient", "display_id", did));
    return 0;
}

static void sink_clear(void *ctx, bool wait)
{
    (void)ctx;
    capture_flush();
    if (K.out_parent)
        pub(K.out_parent, "clear_output", json_pack("{s:b}", "wait", wait));
}

void publish_install_sink(void)
{
    DisplaySink s = { NULL, sink_show, sink_clear };
    display_set_sink(&s);
}

/* ---- text that is not UTF-8 ----------------------------------------------------------------- */

static void clean_str(char **s)
{
    if (!*s)
        return;
    char *clean;
    size_t len;
    utf8_clean(*s, strlen(*s), 0, &clean, &len);
    free(*s);
    *s = clean;
}

void cell_result_clean_utf8(CellResult *r)
{
    clean_str(&r->ename);
    clean_str(&r->evalue);
    clean_str(&r->warnings);
    for (int i = 0; i < r->n_traceback; i++)
        clean_str(&r->traceback[i]);
    if (!r->ok && (!r->ename || !*r->ename)) {
        free(r->ename);
        r->ename = xstrdup("Error");
    }
    if (!r->ok && !r->evalue)
        r->evalue = xstrdup("");
}
