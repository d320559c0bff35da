/* Jupyter wire protocol: multipart framing, HMAC-SHA256 signatures, defensive parsing. */
#include "wire.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <zmq.h>

static const char DELIM[] = "<IDS|MSG>";
#define DELIM_LEN 9


/* ---- helpers ------------------------------------------------------------- */

static void random_bytes(unsigned char *b, size_t n)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = getrandom(b + got, n - got, 0);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        got += (size_t)r;
    }
    if (got < n) { /* old kernel or seccomp: fall back to the device */
        int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
        if (fd >= 0) {
            while (got < n) {
                ssize_t r = read(fd, b + got, n - got);
                if (r < 0 && errno == EINTR)
                    continue;
                if (r <= 0)
                    break;
                got += (size_t)r;
            }
            close(fd);
        }
    }
    if (got < n) {
        /* Last resort: ids only need to be unique, not secret; splitmix64 over time, pid, counter. */
        static atomic_uint_fast64_t counter;
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        uint64_t x = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
        x ^= (uint64_t)getpid() << 32;
        x += atomic_fetch_add(&counter, 1) * 0x9E3779B97F4A7C15ull;
        for (; got < n; got++) {
            x += 0x9E3779B97F4A7C15ull;
            uint64_t z = x;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
            b[got] = (unsigned char)(z ^ (z >> 31));
        }
    }
}

void wire_uuid4(char out[37])
{
    static const char hx[] = "0123456789abcdef";
    unsigned char b[16];
    random_bytes(b, sizeof b);
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* RFC 4122 variant */
    char *p = out;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            *p++ = '-';
        *p++ = hx[b[i] >> 4];
        *p++ = hx[b[i] & 15];
    }
    *p = '\0';
}

void wire_iso_now(char out[40])
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    size_t n = strftime(out, 40, "%Y-%m-%dT%H:%M:%S", &tm);
    unsigned us = (unsigned)(ts.tv_nsec / 1000) % 1000000u;
    snprintf(out + n, 40 - n, ".%06uZ", us);
}

int wire_init(Wire *w, const char *key, const char *scheme)
{
    if (!w)
        return -1;
    memset(w, 0, sizeof *w);
    if (scheme && strcmp(scheme, "hmac-sha256") != 0)
        return -1;
    size_t len = key ? strlen(key) : 0;
    if (len > sizeof w->key)
        return -1;
    if (len)
        memcpy(w->key, key, len);
    w->keylen = len;
    char u[37];
    wire_uuid4(u);
    size_t j = 0;
    for (size_t i = 0; u[i]; i++)
        if (u[i] != '-')
            w->session[j++] = u[i];
    w->session[j] = '\0';
    return 0;
}

/* HMAC over the four frames without concatenating them (content may be megabytes of PNG). */
static int hmac_hex(const unsigned char *key, size_t keylen, const char *const frames[4],
                    const size_t lens[4], char hex_out[65])
{
    static const char hx[] = "0123456789abcdef";
    int ok = 0;
    unsigned char mac[EVP_MAX_MD_SIZE];
    size_t maclen = 0;
    hex_out[0] = '\0';
    EVP_MAC *alg = EVP_MAC_fetch(NULL, "HMAC", NULL);
    EVP_MAC_CTX *ctx = alg ? EVP_MAC_CTX_new(alg) : NULL;
    if (ctx) {
        OSSL_PARAM params[2];
        params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)"SHA256", 0);
        params[1] = OSSL_PARAM_construct_end();
        ok = EVP_MAC_init(ctx, key, keylen, params) == 1;
        for (int i = 0; ok && i < 4; i++)
            if (lens[i])
                ok = EVP_MAC_update(ctx, (const unsigned char *)frames[i], lens[i]) == 1;
        ok = ok && EVP_MAC_final(ctx, mac, &maclen, sizeof mac) == 1 && maclen == 32;
    }
    EVP_MAC_CTX_free(ctx);
    EVP_MAC_free(alg);
    if (!ok)
        return -1;
    for (size_t i = 0; i < 32; i++) {
        hex_out[2 * i] = hx[mac[i] >> 4];
        hex_out[2 * i + 1] = hx[mac[i] & 15];
    }
    hex_out[64] = '\0';
    return 0;
}

void wire_sign(const Wire *w, const char *frames[4], const size_t lens[4], char hex_out[65])
{
    if (!hex_out)
        return;
    hex_out[0] = '\0';
    if (!w || !frames || !lens || w->keylen == 0)
        return;
    for (int i = 0; i < 4; i++)
        if (!frames[i] && lens[i])
            return;
    if (hmac_hex(w->key, w->keylen, (const char *const *)frames, lens, hex_out) < 0)
        hex_out[0] = '\0';
}

void msg_free(Msg *m)
{
    if (!m)
        return;
    for (int i = 0; m->idents && i < m->n_idents; i++)
        free(m->idents[i]);
    free(m->idents);
    free(m->ident_lens);
    for (int i = 0; m->buffers && i < m->n_buffers; i++)
        free(m->buffers[i]);
    free(m->buffers);
    free(m->buffer_lens);
    json_decref(m->header);
    json_decref(m->parent);
    json_decref(m->metadata);
    json_decref(m->content);
    memset(m, 0, sizeof *m);
}

/* ---- receiving ----------------------------------------------------------- */

static unsigned char *dup_bytes(const void *p, size_t n)
{
    unsigned char *d = malloc(n ? n : 1);
    if (d && n)
        memcpy(d, p, n);
    return d;
}

/* Copies frames [from, from+count) into a freshly allocated array pair. */
static int copy_frames(zmq_msg_t *fr, int from, int count, unsigned char ***pv, size_t **pl, int *pn)
{
    *pv = NULL;
    *pl = NULL;
    *pn = 0;
    if (count <= 0)
        return 0;
    unsigned char **v = calloc((size_t)count, sizeof *v);
    size_t *l = calloc((size_t)count, sizeof *l);
    if (!v || !l) {
        free(v);
        free(l);
        return -1;
    }
    *pv = v;
    *pl = l;
    for (int i = 0; i < count; i++) {
        l[i] = zmq_msg_size(&fr[from + i]);
        v[i] = dup_bytes(zmq_msg_data(&fr[from + i]), l[i]);
        if (!v[i])
            return -1; /* *pn counts what must be freed */
        *pn = i + 1;
    }
    return 0;
}

/* A JSON frame must be an object: `[1]`, `"x"` or `3` are malformed, not just odd. */
static json_t *parse_object(zmq_msg_t *m, const char *what, char *err, size_t errlen)
{
    json_error_t jerr;
    size_t n = zmq_msg_size(m);
    const char *data = n ? (const char *)zmq_msg_data(m) : "";
    json_t *j = json_loadb(data, n, 0, &jerr);
    if (!j) {
        set_error(err, errlen, "%s is not valid JSON: %s", what, jerr.text);
        return NULL;
    }
    if (!json_is_object(j)) {
        set_error(err, errlen, "%s is not a JSON object", what);
        json_decref(j);
        return NULL;
    }
    return j;
}

/* Sets out->header from frame `m` if it is an object with a non-empty msg_type. */
static WireStatus take_header(zmq_msg_t *m, Msg *out, char *err, size_t errlen)
{
    json_t *h = parse_object(m, "header", err, errlen);
    if (!h)
        return WIRE_MALFORMED;
    out->header = h;
    const char *mt = json_string_value(json_object_get(h, "msg_type"));
    if (!mt || !*mt) {
        set_error(err, errlen, "header has no msg_type string");
        return WIRE_MALFORMED;
    }
    out->msg_type = mt;
    return WIRE_OK;
}

typedef struct {
    zmq_msg_t *fr;
    int n;            /* frames kept */
    int total;        /* frames received */
    int oversize_at;  /* index of the first frame over WIRE_MAX_FRAME, or -1 */
    size_t oversize_len;
    bool oom;
} Frames;

static WireStatus parse_frames(const Wire *w, Frames *f, Msg *out, char *err, size_t errlen)
{
    zmq_msg_t *fr = f->fr;
    int n = f->n, d = -1;
    for (int i = 0; i < n; i++) {
        if (zmq_msg_size(&fr[i]) == DELIM_LEN && memcmp(zmq_msg_data(&fr[i]), DELIM, DELIM_LEN) == 0) {
            d = i;
            break;
        }
    }
    /* Identities first, so that even a malformed message can be answered. */
    if (d > 0 && (f->oversize_at < 0 || f->oversize_at > d)) {
        if (copy_frames(fr, 0, d, &out->idents, &out->ident_lens, &out->n_idents) < 0) {
            set_error(err, errlen, "out of memory copying identities");
            return WIRE_MALFORMED;
        }
    }
    if (f->oom) {
        set_error(err, errlen, "out of memory receiving a %d-frame message", f->total);
        return WIRE_MALFORMED;
    }
    if (d < 0) {
        set_error(err, errlen, "missing <IDS|MSG> delimiter (%d frames)", n);
        return WIRE_MALFORMED;
    }
    int after = n - d - 1;
    if (after < 5) {
        set_error(err, errlen,
                "too few frames after <IDS|MSG>: %d (need signature, header, parent_header, metadata, "
                "content)",
                after);
        /* Unsigned sessions: the header can still be trusted enough to answer. */
        if (w->keylen == 0 && after >= 2 && d + 2 != f->oversize_at) {
            char tmp[8];
            take_header(&fr[d + 2], out, tmp, sizeof tmp);
        }
        return WIRE_MALFORMED;
    }
    zmq_msg_t *sig = &fr[d + 1], *js = &fr[d + 2];
    if (w->keylen > 0) {
        size_t slen = zmq_msg_size(sig);
        if (slen == 0) {
            set_error(err, errlen, "missing signature (a key is set)");
            return WIRE_BAD_SIGNATURE;
        }
        const char *parts[4];
        size_t lens[4];
        for (int i = 0; i < 4; i++) {
            lens[i] = zmq_msg_size(&js[i]);
            parts[i] = lens[i] ? (const char *)zmq_msg_data(&js[i]) : "";
        }
        char want[65];
        if (hmac_hex(w->key, w->keylen, parts, lens, want) < 0) {
            set_error(err, errlen, "cannot compute HMAC-SHA256 (OpenSSL failure)");
            return WIRE_BAD_SIGNATURE;
        }
        if (slen != 64) {
            set_error(err, errlen, "signature has %zu characters, expected 64", slen);
            return WIRE_BAD_SIGNATURE;
        }
        char got[64];
        const unsigned char *s = zmq_msg_data(sig);
        for (int i = 0; i < 64; i++)
            got[i] = (char)tolower(s[i]);
        if (CRYPTO_memcmp(got, want, 64) != 0) {
            set_error(err, errlen, "signature mismatch");
            return WIRE_BAD_SIGNATURE;
        }
    }
    /* Too big or too many frames: an error reply, since the signature (of
     * the four JSON frames, whatever their size) and the header are good. */
    if (f->oversize_at == d + 2) {
        set_error(err, errlen, "the header frame is %zu bytes, more than the %zu accepted", f->oversize_len,
                  WIRE_MAX_FRAME);
        return WIRE_MALFORMED;
    }
    WireStatus st = take_header(&js[0], out, err, errlen);
    if (st != WIRE_OK)
        return st;
    if (f->total > n) {
        set_error(err, errlen, "message has %d frames, more than the %d accepted", f->total,
                WIRE_MAX_FRAMES);
        return WIRE_MALFORMED;
    }
    if (f->oversize_at >= 0) {
        set_error(err, errlen, "frame %d is %zu bytes, more than the %zu accepted", f->oversize_at,
                f->oversize_len, WIRE_MAX_FRAME);
        return WIRE_MALFORMED;
    }
    if (!(out->parent = parse_object(&js[1], "parent_header", err, errlen)) ||
        !(out->metadata = parse_object(&js[2], "metadata", err, errlen)) ||
        !(out->content = parse_object(&js[3], "content", err, errlen)))
        return WIRE_MALFORMED;
    if (copy_frames(fr, d + 6, n - d - 6, &out->buffers, &out->buffer_lens, &out->n_buffers) < 0) {
        set_error(err, errlen, "out of memory copying buffers");
        return WIRE_MALFORMED;
    }
    return WIRE_OK;
}

WireStatus wire_recv(Wire *w, void *socket, Msg *out, char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    if (!out || !w || !socket) {
        if (out) {
            memset(out, 0, sizeof *out);
            out->msg_type = "";
        }
        set_error(err, errlen, "wire_recv: NULL argument");
        errno = EINVAL;
        return WIRE_ERROR;
    }
    memset(out, 0, sizeof *out);
    out->msg_type = "";

    zmq_msg_t cur;
    zmq_msg_init(&cur);
    if (zmq_msg_recv(&cur, socket, 0) < 0) {
        int e = errno;
        zmq_msg_close(&cur);
        errno = e;
        if (e == EINTR || e == EAGAIN) {
            set_error(err, errlen, "interrupted before a message arrived");
            return WIRE_INTERRUPTED;
        }
        set_error(err, errlen, "zmq_msg_recv: %s", zmq_strerror(e));
        return WIRE_ERROR;
    }

    /* Collect every frame of the message, whatever happens, so the next call starts on a boundary. */
    Frames f = {.fr = NULL, .n = 0, .total = 0, .oversize_at = -1, .oversize_len = 0, .oom = false};
    int cap = 0;
    WireStatus st = WIRE_OK;
    for (;;) {
        int more = zmq_msg_more(&cur);
        size_t sz = zmq_msg_size(&cur);
        if (sz > WIRE_MAX_FRAME && f.oversize_at < 0) {
            f.oversize_at = f.total;
            f.oversize_len = sz;
        }
        f.total++;
        if (!f.oom && f.n < WIRE_MAX_FRAMES) {
            if (f.n == cap) {
                int ncap = cap ? cap * 2 : 16;
                zmq_msg_t *nf = realloc(f.fr, (size_t)ncap * sizeof *nf);
                if (nf) {
                    f.fr = nf;
                    cap = ncap;
                } else {
                    f.oom = true;
                }
            }
            if (!f.oom) {
                /* An oversize frame is kept too (ZeroMQ has it in memory already,
                 * within the socket's ZMQ_MAXMSGSIZE): the signature covers it. */
                zmq_msg_init(&f.fr[f.n]);
                zmq_msg_move(&f.fr[f.n], &cur);
                f.n++;
            }
        }
        zmq_msg_close(&cur);
        zmq_msg_init(&cur);
        if (!more)
            break;
        int rc;
        while ((rc = zmq_msg_recv(&cur, socket, 0)) < 0 && errno == EINTR)
            ;
        if (rc < 0) { /* parts of a multipart message arrive together: only a dying socket fails here */
            int e = errno;
            set_error(err, errlen, "zmq_msg_recv in the middle of a message: %s", zmq_strerror(e));
            st = WIRE_ERROR;
            errno = e;
            break;
        }
    }
    zmq_msg_close(&cur);

    if (st == WIRE_OK)
        st = parse_frames(w, &f, out, err, errlen);
    int e = errno;
    for (int i = 0; i < f.n; i++)
        zmq_msg_close(&f.fr[i]);
    free(f.fr);
    errno = e;
    return st;
}

/* ---- sending ------------------------------------------------------------- */

static int send_frame(void *socket, const void *data, size_t len, int flags)
{
    for (;;) {
        if (zmq_send(socket, len ? data : "", len, flags) >= 0)
            return 0;
        if (errno != EINTR)
            return -1;
    }
}

int wire_send(Wire *w, void *socket, const Msg *parent, bool idents_from_parent, const char *msg_type,
              json_t *content, json_t *metadata)
{
    int rc = -1, e = EINVAL;
    json_t *header = NULL;
    char *js[4] = {NULL, NULL, NULL, NULL};
    char *topic = NULL;

    if (!w || !socket || !msg_type || !*msg_type)
        goto out;
    if (!content && !(content = json_object()))
        goto out;
    if (!metadata && !(metadata = json_object()))
        goto out;
    if (!json_is_object(content) || !json_is_object(metadata))
        goto out;

    char msg_id[37], date[40];
    wire_uuid4(msg_id);
    wire_iso_now(date);
    header = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "msg_id", msg_id, "session", w->session,
                       "username", "kernel", "date", date, "msg_type", msg_type, "version", "5.3");
    if (!header) /* msg_type not valid UTF-8 */
        goto out;
    js[0] = json_dumps(header, JSON_COMPACT);
    js[1] = (parent && parent->header) ? json_dumps(parent->header, JSON_COMPACT) : strdup("{}");
    js[2] = json_dumps(metadata, JSON_COMPACT);
    js[3] = json_dumps(content, JSON_COMPACT);
    for (int i = 0; i < 4; i++)
        if (!js[i])
            goto out;

    const char *parts[4] = {js[0], js[1], js[2], js[3]};
    size_t lens[4];
    for (int i = 0; i < 4; i++)
        lens[i] = strlen(js[i]);
    char sig[65] = "";
    if (w->keylen > 0) {
        wire_sign(w, parts, lens, sig);
        if (!sig[0]) {
            e = EIO;
            goto out;
        }
    }

    /* Routing prefix: the requester's identities, or the IOPub topic. */
    int nid = 0;
    unsigned char **ids = NULL;
    size_t *idl = NULL;
    size_t topic_len = 0;
    if (idents_from_parent) {
        if (parent && parent->n_idents > 0 && parent->idents && parent->ident_lens) {
            nid = parent->n_idents;
            ids = parent->idents;
            idl = parent->ident_lens;
        }
    } else {
        topic_len = strlen(w->session) + strlen(msg_type) + 8;
        topic = malloc(topic_len + 1);
        if (!topic) {
            e = ENOMEM;
            goto out;
        }
        snprintf(topic, topic_len + 1, "kernel.%s.%s", w->session, msg_type);
        topic_len = strlen(topic);
    }

    if (idents_from_parent) {
        for (int i = 0; i < nid; i++)
            if (send_frame(socket, ids[i], ids[i] ? idl[i] : 0, ZMQ_SNDMORE) < 0)
                goto zmq_fail;
    } else if (send_frame(socket, topic, topic_len, ZMQ_SNDMORE) < 0) {
        goto zmq_fail;
    }
    if (send_frame(socket, DELIM, DELIM_LEN, ZMQ_SNDMORE) < 0 ||
        send_frame(socket, sig, strlen(sig), ZMQ_SNDMORE) < 0)
        goto zmq_fail;
    for (int i = 0; i < 4; i++)
        if (send_frame(socket, js[i], lens[i], i < 3 ? ZMQ_SNDMORE : 0) < 0)
            goto zmq_fail;
    rc = 0;
    e = 0;
    goto out;
zmq_fail:
    e = errno;
out:
    json_decref(header);
    json_decref(content);
    json_decref(metadata);
    for (int i = 0; i < 4; i++)
        free(js[i]);
    free(topic);
    if (rc < 0)
        errno = e;
    return rc;
}
