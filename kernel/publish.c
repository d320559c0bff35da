/* Everything the kernel sends on IOPub: status, streams, displays. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "coursdl.h"
#include "engine_api.h"
#include "kernel.h"
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

void pub_stream(const char *name, const char *text, size_t len)
{
    pthread_mutex_lock(&K.iopub_lock);
    const Msg *parent = K.out_parent;
    if (parent) {
        json_t *c = json_pack("{s:s, s:s%}", "name", name, "text", text, len);
        if (!c || wire_send(&K.wire, K.iopub, parent, false, "stream", c, NULL) < 0)
            klog("cannot publish a stream message");
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
