/* Tests for kernel/conn.c, kernel/wire.c and kernel/heartbeat.c over real ZeroMQ sockets. */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <zmq.h>

#include "conn.h"
#include "heartbeat.h"
#include "wire.h"

static int passed, failed;

#define CHECK(c)                                                                                   \
    do {                                                                                           \
        if (c) {                                                                                   \
            passed++;                                                                              \
        } else {                                                                                   \
            failed++;                                                                              \
            fprintf(stderr, "FAIL line %d: %s\n", __LINE__, #c);                                    \
        }                                                                                          \
    } while (0)

#define CHECK_INT(a, b)                                                                            \
    do {                                                                                           \
        long long va_ = (long long)(a), vb_ = (long long)(b);                                      \
        if (va_ == vb_) {                                                                          \
            passed++;                                                                              \
        } else {                                                                                   \
            failed++;                                                                              \
            fprintf(stderr, "FAIL line %d: %s == %s (%lld vs %lld)\n", __LINE__, #a, #b, va_, vb_); \
        }                                                                                          \
    } while (0)

#define CHECK_STR(a, b)                                                                            \
    do {                                                                                           \
        const char *sa_ = (a), *sb_ = (b);                                                         \
        if (sa_ && sb_ && strcmp(sa_, sb_) == 0) {                                                 \
            passed++;                                                                              \
        } else {                                                                                   \
            failed++;                                                                              \
            fprintf(stderr, "FAIL line %d: %s == %s (\"%s\" vs \"%s\")\n", __LINE__, #a, #b,       \
                    sa_ ? sa_ : "(null)", sb_ ? sb_ : "(null)");                                   \
        }                                                                                          \
    } while (0)

/* Case-sensitive substring check, for error messages. */
#define CHECK_HAS(s, sub)                                                                          \
    do {                                                                                           \
        const char *ss_ = (s);                                                                     \
        if (ss_ && strstr(ss_, sub)) {                                                             \
            passed++;                                                                              \
        } else {                                                                                   \
            failed++;                                                                              \
            fprintf(stderr, "FAIL line %d: \"%s\" should contain \"%s\"\n", __LINE__,              \
                    ss_ ? ss_ : "(null)", sub);                                                    \
        }                                                                                          \
    } while (0)

static const char *KEY = "a0436f6c-1916-498b-8eb9-e81ab9368e84";

/* ---- raw frame helpers (plain zmq, independent of wire.c) ---------------- */

#define RAW_MAX 32
typedef struct {
    int n;
    char *f[RAW_MAX];
    size_t l[RAW_MAX];
} Raw;

static int raw_recv(void *s, Raw *r)
{
    memset(r, 0, sizeof *r);
    int more = 1;
    while (more) {
        zmq_msg_t m;
        zmq_msg_init(&m);
        if (zmq_msg_recv(&m, s, 0) < 0) {
            zmq_msg_close(&m);
            return -1;
        }
        more = zmq_msg_more(&m);
        if (r->n < RAW_MAX) {
            size_t n = zmq_msg_size(&m);
            r->f[r->n] = malloc(n + 1);
            memcpy(r->f[r->n], zmq_msg_data(&m), n);
            r->f[r->n][n] = '\0';
            r->l[r->n] = n;
            r->n++;
        }
        zmq_msg_close(&m);
    }
    return r->n;
}

static void raw_free(Raw *r)
{
    for (int i = 0; i < r->n; i++)
        free(r->f[i]);
    memset(r, 0, sizeof *r);
}

/* lens NULL: strlen of each frame. */
static int raw_send(void *s, int n, const char *const *f, const size_t *lens)
{
    for (int i = 0; i < n; i++) {
        size_t l = lens ? lens[i] : strlen(f[i]);
        if (zmq_send(s, f[i], l, i + 1 < n ? ZMQ_SNDMORE : 0) < 0)
            return -1;
    }
    return 0;
}

/* Reference signature: OpenSSL's one-shot HMAC over the concatenated frames. */
static void ref_hmac(const char *key, const char *const f[4], const size_t l[4], char hex[65])
{
    size_t tot = l[0] + l[1] + l[2] + l[3], off = 0;
    unsigned char *buf = malloc(tot + 1);
    for (int i = 0; i < 4; i++) {
        memcpy(buf + off, f[i], l[i]);
        off += l[i];
    }
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    HMAC(EVP_sha256(), key, (int)strlen(key), buf, tot, md, &mdlen);
    free(buf);
    for (unsigned i = 0; i < mdlen; i++)
        sprintf(hex + 2 * i, "%02x", md[i]);
    hex[2 * mdlen] = '\0';
}

/* Sends [delim, sig, h, p, m, c] from a DEALER, signed with `key` (NULL: empty signature). */
static void send_signed(void *s, const char *key, const char *h, const char *p, const char *m,
                        const char *c)
{
    const char *four[4] = {h, p, m, c};
    size_t l[4] = {strlen(h), strlen(p), strlen(m), strlen(c)};
    char sig[65] = "";
    if (key)
        ref_hmac(key, four, l, sig);
    const char *fr[6] = {"<IDS|MSG>", sig, h, p, m, c};
    raw_send(s, 6, fr, NULL);
}

static const char *GOOD_HDR = "{\"msg_id\":\"1\",\"msg_type\":\"kernel_info_request\",\"session\":\"s\","
                              "\"username\":\"u\",\"date\":\"2026-01-01T00:00:00.000000Z\","
                              "\"version\":\"5.3\"}";

static Wire wk, wc, wk0, wc0; /* kernel side / client side, keyed and unkeyed */
static void *router, *dealer;

/* After a bad message, the next good one must come out whole: the bad one was fully drained. */
static void expect_next_good(int line, int tag)
{
    char err[256];
    Msg m;
    if (wire_send(&wc, dealer, NULL, true, "kernel_info_request", json_pack("{s:i}", "tag", tag), NULL) < 0) {
        failed++;
        fprintf(stderr, "FAIL line %d: wire_send: %s\n", line, zmq_strerror(errno));
        return;
    }
    WireStatus st = wire_recv(&wk, router, &m, err, sizeof err);
    const char *mt = m.msg_type ? m.msg_type : "(null)";
    long long t = json_integer_value(json_object_get(m.content, "tag"));
    if (st == WIRE_OK && strcmp(mt, "kernel_info_request") == 0 && t == tag && m.n_idents == 1) {
        passed++;
    } else {
        failed++;
        fprintf(stderr, "FAIL line %d: next good message: status %d (%s), msg_type %s, tag %lld/%d\n",
                line, st, err, mt, t, tag);
    }
    msg_free(&m);
}

static int is_hex(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strchr("0123456789abcdef", s[i]) || !s[i])
            return 0;
    return 1;
}

/* ---- helper functions ---------------------------------------------------- */

static void test_helpers(void)
{
    char u[37], v[37];
    wire_uuid4(u);
    wire_uuid4(v);
    CHECK_INT(strlen(u), 36);
    CHECK(u[8] == '-' && u[13] == '-' && u[18] == '-' && u[23] == '-');
    CHECK(u[14] == '4');
    CHECK(strchr("89ab", u[19]) != NULL);
    CHECK(is_hex(u, 8) && is_hex(u + 9, 4) && is_hex(u + 24, 12));
    CHECK(strcmp(u, v) != 0);

    char d[40];
    wire_iso_now(d);
    CHECK_INT(strlen(d), 27);
    CHECK(d[4] == '-' && d[7] == '-' && d[10] == 'T' && d[13] == ':' && d[16] == ':' && d[19] == '.' &&
          d[26] == 'Z');
    CHECK(atoi(d) >= 2024);

    Wire w;
    CHECK_INT(wire_init(&w, "k", "hmac-sha256"), 0);
    CHECK_INT(strlen(w.session), 32);
    CHECK(is_hex(w.session, 32));
    CHECK_INT(w.keylen, 1);
    CHECK_INT(wire_init(&w, "k", "hmac-md5"), -1);
    CHECK_INT(wire_init(&w, "k", ""), -1);
    CHECK_INT(wire_init(&w, NULL, NULL), 0);
    CHECK_INT(w.keylen, 0);
    char big[1100];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    CHECK_INT(wire_init(&w, big, "hmac-sha256"), -1);
    CHECK_INT(wire_init(NULL, "k", "hmac-sha256"), -1);

    /* wire_sign against the reference; empty key signs nothing. */
    const char *f[4] = {"{\"a\":1}", "{}", "{}", "{\"b\":\"\\u00e9\"}"};
    size_t l[4] = {7, 2, 2, strlen(f[3])};
    char h1[65], h2[65];
    wire_init(&w, KEY, "hmac-sha256");
    wire_sign(&w, f, l, h1);
    ref_hmac(KEY, f, l, h2);
    CHECK_STR(h1, h2);
    wire_init(&w, "", "hmac-sha256");
    wire_sign(&w, f, l, h1);
    CHECK_STR(h1, "");

    Msg m;
    memset(&m, 0, sizeof m);
    msg_free(&m);
    msg_free(NULL);
    CHECK(m.header == NULL && m.n_idents == 0);
}

/* ---- wire round trips ---------------------------------------------------- */

static void test_roundtrip(void)
{
    char err[256] = "";
    Msg req, rep;
    json_t *content = json_pack("{s:s, s:b, s:{s:[i,i]}}", "code", "int x = 1;\nx + 1", "silent", 0,
                                "nested", "arr", 1, 2);
    json_t *meta = json_pack("{s:s}", "cell", "c1");
    CHECK_INT(wire_send(&wc, dealer, NULL, true, "execute_request", content, meta), 0);
    CHECK_INT(wire_recv(&wk, router, &req, err, sizeof err), WIRE_OK);
    CHECK_STR(err, "");
    CHECK_STR(req.msg_type, "execute_request");
    CHECK_INT(req.n_idents, 1);
    CHECK(req.n_idents == 1 && req.ident_lens[0] == 6 && memcmp(req.idents[0], "client", 6) == 0);
    CHECK_STR(json_string_value(json_object_get(req.header, "session")), wc.session);
    CHECK_STR(json_string_value(json_object_get(req.header, "username")), "kernel");
    CHECK_STR(json_string_value(json_object_get(req.header, "version")), "5.3");
    const char *mid = json_string_value(json_object_get(req.header, "msg_id"));
    CHECK(mid && strlen(mid) == 36 && mid[14] == '4');
    const char *date = json_string_value(json_object_get(req.header, "date"));
    CHECK(date && strlen(date) == 27 && date[26] == 'Z');
    CHECK_STR(json_string_value(json_object_get(req.content, "code")), "int x = 1;\nx + 1");
    CHECK(json_is_false(json_object_get(req.content, "silent")));
    CHECK_INT(json_integer_value(json_array_get(json_object_get(json_object_get(req.content, "nested"), "arr"), 1)), 2);
    CHECK_STR(json_string_value(json_object_get(req.metadata, "cell")), "c1");
    CHECK(json_is_object(req.parent) && json_object_size(req.parent) == 0);
    CHECK_INT(req.n_buffers, 0);

    /* Reply routed back by the request's identity, with the request as parent. */
    CHECK_INT(wire_send(&wk, router, &req, true, "execute_reply",
                        json_pack("{s:s, s:i}", "status", "ok", "execution_count", 1), NULL), 0);
    CHECK_INT(wire_recv(&wc, dealer, &rep, err, sizeof err), WIRE_OK);
    CHECK_STR(rep.msg_type, "execute_reply");
    CHECK_INT(rep.n_idents, 0);
    CHECK_STR(json_string_value(json_object_get(rep.parent, "msg_id")), mid);
    CHECK_STR(json_string_value(json_object_get(rep.parent, "msg_type")), "execute_request");
    CHECK_STR(json_string_value(json_object_get(rep.header, "session")), wk.session);
    CHECK_STR(json_string_value(json_object_get(rep.content, "status")), "ok");
    CHECK(json_is_object(rep.metadata) && json_object_size(rep.metadata) == 0);
    CHECK(strcmp(json_string_value(json_object_get(rep.header, "msg_id")), mid) != 0);
    msg_free(&rep);
    CHECK(rep.header == NULL && rep.msg_type == NULL && rep.n_idents == 0);

    /* IOPub style: the only identity is the topic; parent header is still attached. */
    CHECK_INT(wire_send(&wk, dealer, &req, false, "status", json_pack("{s:s}", "execution_state", "busy"),
                        NULL), 0);
    Msg io;
    CHECK_INT(wire_recv(&wk, router, &io, err, sizeof err), WIRE_OK);
    CHECK_INT(io.n_idents, 2);
    char topic[128];
    snprintf(topic, sizeof topic, "kernel.%s.status", wk.session);
    CHECK(io.n_idents == 2 && io.ident_lens[1] == strlen(topic) &&
          memcmp(io.idents[1], topic, strlen(topic)) == 0);
    CHECK_STR(json_string_value(json_object_get(io.parent, "msg_id")), mid);
    CHECK_STR(json_string_value(json_object_get(io.content, "execution_state")), "busy");
    msg_free(&io);

    /* No parent: parent_header {} and no routing prefix. */
    CHECK_INT(wire_send(&wk, router, NULL, true, "x", NULL, NULL), 0); /* ROUTER drops it: no identity */
    msg_free(&req);
}

static void test_signature_on_wire(void)
{
    Raw r;
    CHECK_INT(wire_send(&wc, dealer, NULL, true, "kernel_info_request", json_pack("{s:s}", "u", "\xc3\xa9t\xc3\xa9"), NULL), 0);
    CHECK_INT(raw_recv(router, &r), 7);
    if (r.n != 7) {
        raw_free(&r);
        return;
    }
    CHECK_STR(r.f[0], "client");
    CHECK_STR(r.f[1], "<IDS|MSG>");
    CHECK_INT(r.l[2], 64);
    CHECK(is_hex(r.f[2], 64));
    char ref[65], ws[65];
    ref_hmac(KEY, (const char *const *)&r.f[3], &r.l[3], ref);
    CHECK_STR(r.f[2], ref);
    wire_sign(&wc, (const char **)&r.f[3], &r.l[3], ws);
    CHECK_STR(ws, ref);
    CHECK_HAS(r.f[6], "\xc3\xa9t\xc3\xa9"); /* UTF-8 passes through unescaped */

    char err[256];
    Msg m;
    /* Flip one hex character of the signature. */
    const char *fr[6] = {r.f[1], r.f[2], r.f[3], r.f[4], r.f[5], r.f[6]};
    char bad[65];
    memcpy(bad, r.f[2], 65);
    bad[10] = bad[10] == '0' ? '1' : '0';
    fr[1] = bad;
    raw_send(dealer, 6, fr, NULL);
    CHECK_INT(wire_recv(&wk, router, &m, err, sizeof err), WIRE_BAD_SIGNATURE);
    CHECK_HAS(err, "signature");
    CHECK_INT(m.n_idents, 1);
    CHECK(m.header == NULL && m.content == NULL);
    CHECK_STR(m.msg_type, "");
    msg_free(&m);
    expect_next_good(__LINE__, 1);

    /* Good signature, altered content. */
    fr[1] = r.f[2];
    fr[5] = "{\"u\":\"evil\"}";
    raw_send(dealer, 6, fr, NULL);
    CHECK_INT(wire_recv(&wk, router, &m, err, sizeof err), WIRE_BAD_SIGNATURE);
    msg_free(&m);
    expect_next_good(__LINE__, 2);

    /* Truncated signature. */
    fr[5] = r.f[6];
    char shortsig[64];
    memcpy(shortsig, r.f[2], 63);
    shortsig[63] = '\0';
    fr[1] = shortsig;
    raw_send(dealer, 6, fr, NULL);
    CHECK_INT(wire_recv(&wk, router, &m, err, sizeof err), WIRE_BAD_SIGNATURE);
    msg_free(&m);

    /* Missing (empty) signature while a key is set. */
    fr[1] = "";
    raw_send(dealer, 6, fr, NULL);
    CHECK_INT(wire_recv(&wk, router, &m, err, sizeof err), WIRE_BAD_SIGNATURE);
    CHECK_HAS(err, "missing signature");
    msg_free(&m);
    expect_next_good(__LINE__, 3);

    /* Same frames with the right signature: accepted (also the raw path is fine). */
    fr[1] = r.f[2];
    raw_send(dealer, 6, fr, NULL);
    CHECK_INT(wire_recv(&wk, router, &m, err, sizeof err), WIRE_OK);
    CHECK_STR(json_string_value(json_object_get(m.content, "u")), "\xc3\xa9t\xc3\xa9");
    msg_free(&m);

    /* A signature made with another key. */
    {
        const char *four[4] = {r.f[3], r.f[4], r.f[5], r.f[6]};
        char other[65];
        ref_hmac("another-key", four, &r.l[3], other);
        fr[1] = other;
        raw_send(dealer, 6, fr, NULL);
        CHECK_INT(wire_recv(&wk, router, &m, err, sizeof err), WIRE_BAD_SIGNATURE);
        msg_free(&m);
    }
    raw_free(&r);
    expect_next_good(__LINE__, 4);
}

static void test_empty_key(void)
{
    Raw r;
    char err[256];
    Msg m;
    CHECK_INT(wire_send(&wc0, dealer, NULL, true, "kernel_info_request", NULL, NULL), 0);
    CHECK_INT(raw_recv(router, &r), 7);
    if (r.n == 7) {
        CHECK_INT(r.l[2], 0);
        const char *fr[6] = {r.f[1], r.f[2], r.f[3], r.f[4], r.f[5], r.f[6]};
        raw_send(dealer, 6, fr, NULL);
        CHECK_INT(wire_recv(&wk0, router, &m, err, sizeof err), WIRE_OK);
        CHECK_STR(m.msg_type, "kernel_info_request");
        CHECK(json_is_object(m.content) && json_object_size(m.content) == 0);
        msg_free(&m);
        /* With no key, signatures are not checked. */
        fr[1] = "deadbeef";
        raw_send(dealer, 6, fr, NULL);
        CHECK_INT(wire_recv(&wk0, router, &m, err, sizeof err), WIRE_OK);
        msg_free(&m);
        /* An unsigned message to a keyed session is refused. */
        fr[1] = "";
        raw_send(dealer, 6, fr, NULL);
        CHECK_INT(wire_recv(&wk, router, &m, err, sizeof err), WIRE_BAD_SIGNATURE);
        msg_free(&m);
    }
    raw_free(&r);
    /* Keyed sender, unkeyed receiver: accepted. */
    CHECK_INT(wire_send(&wc, dealer, NULL, true, "comm_info_request", NULL, NULL), 0);
    CHECK_INT(wire_recv(&wk0, router, &m, err, sizeof err), WIRE_OK);
    CHECK_STR(m.msg_type, "comm_info_request");
    msg_free(&m);
    expect_next_good(__LINE__, 10);
}

static void test_malformed(void)
{
    char err[256];
    Msg m;

    /* Missing delimiter. */
    {
        const char *fr[5] = {"0000", GOOD_HDR, "{}", "{}", "{}"};
        raw_send(dealer, 5, fr, NULL);
        CHECK_INT(wire_recv(&wk, router, &m, err, sizeof err), WIRE_MALFORMED);
        CHECK_HAS(err, "delimiter");
        CHECK(m.header == NULL);
        CHECK_STR(m.msg_type, "");
        msg_free(&m);
        expect_next_good(__LINE__, 20);
    }
    /* Too few frames: keyed session keeps the identities but not the unverified header. */
    {
        const char *fr[3] = {"<IDS|MSG>", "abc", GOOD_HDR};
        raw_send(dealer, 3, fr, NULL);
        CHECK_INT(wire_recv(&wk, router, &m, err, sizeof err), WIRE_MALFORMED);
        CHECK_HAS(err, "too few frames");
        CHECK_INT(m.n_idents, 1);
        CHECK(m.header == NULL);
        msg_free(&m);
        expect_next_good(__LINE__, 21);
        /* Unkeyed session: the header is given back so that an error reply can be sent. */
        raw_send(dealer, 3, fr, NULL);
        CHECK_INT(wire_recv(&wk0, router, &m, err, sizeof err), WIRE_MALFORMED);
        CHECK(m.header != NULL);
        CHECK_STR(m.msg_type, "kernel_info_request");
        msg_free(&m);
        expect_next_good(__LINE__, 22);
        /* Only the delimiter. */
        raw_send(dealer, 1, fr, NULL);
        CHECK_INT(wire_recv(&wk, router, &m, err, sizeof err), WIRE_MALFORMED);
        msg_free(&m);
        expect_next_good(__LINE__, 23);
    }
    /* Non-JSON header, correctly signed. */
    send_signed(dealer, KEY, "not json {", "{}", "{}", "{}");
    CHECK_INT(wire_recv(&wk, router, &m, err, sizeof err), WIRE_MALFORMED);
    CHECK_HAS(err, "header");
    CHECK_INT(m.n_idents, 1);
    CHECK(m.header == NULL);
    msg_free(&m);
    expect_next_good(__LINE__, 24);
    /* Header that is JSON but not an object. */
    send_signed(dealer, KEY, "[1,2,3]", "{}", "{}", "{}");
    CHECK_INT(wire_recv(&wk, router, &m, err, sizeof err), WIRE_MALFORMED);
    CHECK_HAS(err, "not a JSON object");
    msg_free(&m);
    send_signed(dealer, KEY, "\"execute_request\"", "{}", "{}", "{}");
    CHECK_INT(wire_recv(&wk, router, &m, err, sizeof err), WIRE_MALFORMED);
    msg_free(&m);
    expect_next_good(__LINE__, 25);
    /* Header without msg_type: header and identities kept for an error reply. */
    send_signed(dealer, KEY, "{\"msg_id\":\"abc\",\"session\":\"s\"}", "{}", "{}", "{}");
    CHECK_INT(wire_recv(&wk, router, &m, err, sizeof err), WIRE_MALFORMED);
    CHECK_HAS(err, "msg_type");
    CHECK(m.header != NULL);
    CHECK_STR(json_string_value(json_object_get(m.header, "msg_id")), "abc");
    CHECK_STR(m.msg_type, "");
    CHECK_INT(m.n_idents, 1);
    msg_free(&m);
    send_signed(dealer, KEY, "{\"msg_type\":42}", "{}", "{}", "{}");
    CHECK_INT(wire_recv(&wk, router, &m, err, sizeof err), WIRE_MALFORMED);
    CHECK_STR(m.msg_type, "");
    msg_free(&m);
    expect_next_good(__LINE__, 26);
    /* Bad content / parent / metadata, header fine: header kept with its msg_type. */
    send_signed(dealer, KEY, GOOD_HDR, "{}", "{}", "{\"code\": ");
    CHECK_INT(wire_recv(&wk, router, &m, err, sizeof err), WIRE_MALFORMED);
    CHECK_HAS(err, "content");
    CHECK_STR(m.msg_type, "kernel_info_request");
    msg_free(&m);
    send_signed(dealer, KEY, GOOD_HDR, "{}", "{}", "[1]");
    CHECK_INT(wire_recv(&wk, router, &m, err, sizeof err), WIRE_MALFORMED);
    msg_free(&m);
    send_signed(dealer, KEY, GOOD_HDR, "null", "{}", "{}");
    CHECK_INT(wire_recv(&wk, router, &m, err, sizeof err), WIRE_MALFORMED);
    CHECK_HAS(err, "parent_header");
    msg_free(&m);
    send_signed(dealer, KEY, GOOD_HDR, "{}", "", "{}");
    CHECK_INT(wire_recv(&wk, router, &m, err, sizeof err), WIRE_MALFORMED);
    CHECK_HAS(err, "metadata");
    msg_free(&m);
    send_signed(dealer, KEY, GOOD_HDR, "{}", "{}", "{} trailing");
    CHECK_INT(wire_recv(&wk, router, &m, err, sizeof err), WIRE_MALFORMED);
    msg_free(&m);
    expect_next_good(__LINE__, 27);
    /* A single empty frame. */
    raw_send(dealer, 1, (const char *[]){""}, NULL);
    CHECK_INT(wire_recv(&wk, router, &m, err, sizeof err), WIRE_MALFORMED);
    msg_free(&m);
    /* Binary garbage with NULs in the header frame. */
    {
        const char h[] = {'{', '"', 0, 'x', '"', ':', 1, '}'};
        const char *four[4] = {h, "{}", "{}", "{}"};
        size_t l4[4] = {sizeof h, 2, 2, 2};
        char sig[65];
        ref_hmac(KEY, four, l4, sig);
        const char *fr[6] = {"<IDS|MSG>", sig, h, "{}", "{}", "{}"};
        size_t l6[6] = {9, 64, sizeof h, 2, 2, 2};
        raw_send(dealer, 6, fr, l6);
        CHECK_INT(wire_recv(&wk, router, &m, err, sizeof err), WIRE_MALFORMED);
        msg_free(&m);
    }
    expect_next_good(__LINE__, 28);

    /* Extra frames after content are buffers. */
    {
        const char *four[4] = {GOOD_HDR, "{}", "{}", "{\"tag\":5}"};
        size_t l4[4] = {strlen(GOOD_HDR), 2, 2, 9};
        char sig[65];
        ref_hmac(KEY, four, l4, sig);
        const char *fr[8] = {"<IDS|MSG>", sig, four[0], four[1], four[2], four[3], "\x01\x00\x02", ""};
        size_t l8[8] = {9, 64, l4[0], 2, 2, 9, 3, 0};
        raw_send(dealer, 8, fr, l8);
        CHECK_INT(wire_recv(&wk, router, &m, err, sizeof err), WIRE_OK);
        CHECK_INT(m.n_buffers, 2);
        CHECK(m.n_buffers == 2 && m.buffer_lens[0] == 3 && memcmp(m.buffers[0], "\x01\x00\x02", 3) == 0 &&
              m.buffer_lens[1] == 0);
        msg_free(&m);
    }
    /* Several routing identities before the delimiter (a proxy in between). */
    {
        const char *four[4] = {GOOD_HDR, "{}", "{}", "{}"};
        size_t l4[4] = {strlen(GOOD_HDR), 2, 2, 2};
        char sig[65];
        ref_hmac(KEY, four, l4, sig);
        const char *fr[8] = {"hop1", "hop2", "<IDS|MSG>", sig, four[0], four[1], four[2], four[3]};
        raw_send(dealer, 8, fr, NULL);
        CHECK_INT(wire_recv(&wk, router, &m, err, sizeof err), WIRE_OK);
        CHECK_INT(m.n_idents, 3);
        CHECK(m.n_idents == 3 && m.ident_lens[2] == 4 && memcmp(m.idents[2], "hop2", 4) == 0);
        /* The reply carries all three identities back (ROUTER strips the first). */
        CHECK_INT(wire_send(&wk, router, &m, true, "kernel_info_reply", NULL, NULL), 0);
        msg_free(&m);
        Raw r;
        CHECK_INT(raw_recv(dealer, &r), 8);
        CHECK(r.n == 8 && strcmp(r.f[0], "hop1") == 0 && strcmp(r.f[1], "hop2") == 0 &&
              strcmp(r.f[2], "<IDS|MSG>") == 0);
        raw_free(&r);
    }
    /* A frame over the size limit, correctly signed: malformed (an error
     * reply can go out: the identities and the header are kept), drained. */
    {
        size_t big = WIRE_MAX_FRAME + 1;
        char *blob = malloc(big);
        memset(blob, '{', big);
        const char *four[4] = {GOOD_HDR, "{}", "{}", blob};
        size_t l4[4] = {strlen(GOOD_HDR), 2, 2, big};
        char sig[65];
        ref_hmac(KEY, four, l4, sig);
        const char *fr[6] = {"<IDS|MSG>", sig, GOOD_HDR, "{}", "{}", blob};
        size_t l6[6] = {9, 64, strlen(GOOD_HDR), 2, 2, big};
        raw_send(dealer, 6, fr, l6);
        CHECK_INT(wire_recv(&wk, router, &m, err, sizeof err), WIRE_MALFORMED);
        CHECK_HAS(err, "bytes");
        CHECK_INT(m.n_idents, 1);
        CHECK(m.header != NULL && strcmp(m.msg_type, "kernel_info_request") == 0);
        msg_free(&m);
        expect_next_good(__LINE__, 29);
        /* The same with a wrong signature: never answered. */
        fr[1] = "0000000000000000000000000000000000000000000000000000000000000000";
        raw_send(dealer, 6, fr, l6);
        free(blob);
        CHECK_INT(wire_recv(&wk, router, &m, err, sizeof err), WIRE_BAD_SIGNATURE);
        CHECK(m.header == NULL);
        msg_free(&m);
        expect_next_good(__LINE__, 31);
    }
    /* Too many frames (thousands of buffers), correctly signed: malformed
     * with the header kept for the error reply, drained. */
    {
        int n = WIRE_MAX_FRAMES + 10;
        const char **fr = malloc((size_t)n * sizeof *fr);
        const char *four[4] = {GOOD_HDR, "{}", "{}", "{}"};
        size_t l4[4] = {strlen(GOOD_HDR), 2, 2, 2};
        char sig[65];
        ref_hmac(KEY, four, l4, sig);
        for (int i = 0; i < n; i++)
            fr[i] = "x";
        fr[0] = "<IDS|MSG>";
        fr[1] = sig;
        for (int i = 0; i < 4; i++)
            fr[2 + i] = four[i];
        raw_send(dealer, n, fr, NULL);
        CHECK_INT(wire_recv(&wk, router, &m, err, sizeof err), WIRE_MALFORMED);
        CHECK_HAS(err, "frames");
        CHECK(m.header != NULL && strcmp(m.msg_type, "kernel_info_request") == 0);
        msg_free(&m);
        expect_next_good(__LINE__, 30);
        /* Garbage frames only: malformed, drained. */
        for (int i = 1; i < n; i++)
            fr[i] = "x";
        raw_send(dealer, n, fr, NULL);
        CHECK(wire_recv(&wk, router, &m, err, sizeof err) != WIRE_OK);
        CHECK(m.header == NULL);
        msg_free(&m);
        expect_next_good(__LINE__, 32);
        free(fr);
    }
}

static void test_send_errors(void)
{
    /* References are stolen even on failure (ASan would report a leak otherwise). */
    errno = 0;
    CHECK_INT(wire_send(&wk, router, NULL, true, NULL, json_object(), json_object()), -1);
    CHECK_INT(errno, EINVAL);
    CHECK_INT(wire_send(&wk, router, NULL, true, "x", json_array(), NULL), -1);
    CHECK_INT(wire_send(&wk, NULL, NULL, true, "x", json_object(), NULL), -1);
    CHECK_INT(wire_send(&wk, dealer, NULL, true, "bad\xff", json_object(), NULL), -1);
    char err[64];
    Msg m;
    CHECK_INT(wire_recv(&wk, NULL, &m, err, sizeof err), WIRE_ERROR);
    CHECK_INT(wire_recv(&wk, router, NULL, NULL, 0), WIRE_ERROR);
    msg_free(&m);
}

static void on_alarm(int sig)
{
    (void)sig;
}

static void test_interrupt_and_error(void *ctx)
{
    char err[256];
    Msg m;
    void *s = zmq_socket(ctx, ZMQ_ROUTER);
    zmq_bind(s, "inproc://quiet");
    int tmo = 50;
    zmq_setsockopt(s, ZMQ_RCVTIMEO, &tmo, sizeof tmo);
    CHECK_INT(wire_recv(&wk, s, &m, err, sizeof err), WIRE_INTERRUPTED);
    msg_free(&m);

    /* A signal during a blocking receive: EINTR -> WIRE_INTERRUPTED quickly. */
    tmo = 3000;
    zmq_setsockopt(s, ZMQ_RCVTIMEO, &tmo, sizeof tmo);
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm; /* no SA_RESTART */
    sigaction(SIGALRM, &sa, &old);
    struct itimerval it = {.it_interval = {0, 0}, .it_value = {0, 100000}};
    setitimer(ITIMER_REAL, &it, NULL);
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    CHECK_INT(wire_recv(&wk, s, &m, err, sizeof err), WIRE_INTERRUPTED);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double dt = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) * 1e-9;
    CHECK(dt < 2.0);
    msg_free(&m);
    sigaction(SIGALRM, &old, NULL);
    zmq_close(s);

    /* A context shut down under the socket: WIRE_ERROR with ETERM. */
    void *ctx2 = zmq_ctx_new();
    void *s2 = zmq_socket(ctx2, ZMQ_DEALER);
    zmq_ctx_shutdown(ctx2);
    CHECK_INT(wire_recv(&wk, s2, &m, err, sizeof err), WIRE_ERROR);
    CHECK_INT(errno, ETERM);
    msg_free(&m);
    CHECK_INT(wire_send(&wk, s2, NULL, true, "x", NULL, NULL), -1);
    CHECK_INT(errno, ETERM);
    zmq_close(s2);
    zmq_ctx_term(ctx2);
}

/* ---- connection file ----------------------------------------------------- */

static char tmpdir[64];

static const char *write_tmp(const char *name, const char *text)
{
    static char path[128];
    snprintf(path, sizeof path, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
    return path;
}

static void test_conn(void)
{
    ConnInfo ci;
    char err[512], ep[300];
    const char *p = write_tmp("good.json",
                              "{\"shell_port\": 5555, \"iopub_port\": 5556, \"stdin_port\": 5557,\n"
                              " \"control_port\": 5558, \"hb_port\": 5559, \"ip\": \"127.0.0.1\",\n"
                              " \"key\": \"a0436f6c-1916\", \"transport\": \"tcp\",\n"
                              " \"signature_scheme\": \"hmac-sha256\", \"kernel_name\": \"coursdl\"}");
    CHECK_INT(conn_load(p, &ci, err, sizeof err), 0);
    CHECK_STR(err, "");
    CHECK_STR(ci.transport, "tcp");
    CHECK_STR(ci.ip, "127.0.0.1");
    CHECK(ci.shell_port == 5555 && ci.iopub_port == 5556 && ci.stdin_port == 5557 &&
          ci.control_port == 5558 && ci.hb_port == 5559);
    CHECK_STR(ci.key, "a0436f6c-1916");
    CHECK_STR(ci.signature_scheme, "hmac-sha256");
    CHECK_STR(ci.kernel_name, "coursdl");
    conn_endpoint(&ci, ci.shell_port, ep, sizeof ep);
    CHECK_STR(ep, "tcp://127.0.0.1:5555");
    conn_endpoint(&ci, ci.hb_port, ep, sizeof ep);
    CHECK_STR(ep, "tcp://127.0.0.1:5559");

    /* Defaults: ip, key, scheme, transport absent. */
    p = write_tmp("defaults.json", "{\"shell_port\": 1, \"iopub_port\": 2, \"stdin_port\": 3,"
                                   " \"control_port\": 4, \"hb_port\": 5}");
    CHECK_INT(conn_load(p, &ci, err, sizeof err), 0);
    CHECK_STR(ci.ip, "127.0.0.1");
    CHECK_STR(ci.transport, "tcp");
    CHECK_STR(ci.key, "");
    CHECK_STR(ci.signature_scheme, "hmac-sha256");
    CHECK_STR(ci.kernel_name, "");

    /* ipc: "ipc://{ip}-{port}". */
    p = write_tmp("ipc.json", "{\"transport\": \"ipc\", \"ip\": \"/tmp/kernel-abc\", \"shell_port\": 1,"
                              " \"iopub_port\": 2, \"stdin_port\": 3, \"control_port\": 4, \"hb_port\": 5,"
                              " \"key\": \"\", \"signature_scheme\": \"hmac-sha256\"}");
    CHECK_INT(conn_load(p, &ci, err, sizeof err), 0);
    CHECK_STR(ci.transport, "ipc");
    conn_endpoint(&ci, ci.iopub_port, ep, sizeof ep);
    CHECK_STR(ep, "ipc:///tmp/kernel-abc-2");

    /* IPv6 is bracketed for ZeroMQ. */
    p = write_tmp("v6.json", "{\"ip\": \"::1\", \"shell_port\": 1, \"iopub_port\": 2, \"stdin_port\": 3,"
                             " \"control_port\": 4, \"hb_port\": 5}");
    CHECK_INT(conn_load(p, &ci, err, sizeof err), 0);
    conn_endpoint(&ci, 9000, ep, sizeof ep);
    CHECK_STR(ep, "tcp://[::1]:9000");

    /* Failures, each with a message that says what is wrong. */
    snprintf(ep, sizeof ep, "%s/does-not-exist.json", tmpdir);
    CHECK_INT(conn_load(ep, &ci, err, sizeof err), -1);
    CHECK_HAS(err, "does-not-exist.json");
    CHECK_HAS(err, "No such file");

    p = write_tmp("bad.json", "{\"shell_port\": 5555, ");
    CHECK_INT(conn_load(p, &ci, err, sizeof err), -1);
    CHECK_HAS(err, "not valid JSON");

    p = write_tmp("empty.json", "");
    CHECK_INT(conn_load(p, &ci, err, sizeof err), -1);

    p = write_tmp("array.json", "[1, 2]");
    CHECK_INT(conn_load(p, &ci, err, sizeof err), -1);
    CHECK_HAS(err, "object");

    p = write_tmp("noport.json", "{\"shell_port\": 1, \"iopub_port\": 2, \"stdin_port\": 3,"
                                 " \"control_port\": 4, \"key\": \"k\"}");
    CHECK_INT(conn_load(p, &ci, err, sizeof err), -1);
    CHECK_HAS(err, "hb_port");
    CHECK_HAS(err, "missing");

    p = write_tmp("strport.json", "{\"shell_port\": \"5555\", \"iopub_port\": 2, \"stdin_port\": 3,"
                                  " \"control_port\": 4, \"hb_port\": 5}");
    CHECK_INT(conn_load(p, &ci, err, sizeof err), -1);
    CHECK_HAS(err, "shell_port");
    CHECK_HAS(err, "integer");

    p = write_tmp("bigport.json", "{\"shell_port\": 70000, \"iopub_port\": 2, \"stdin_port\": 3,"
                                  " \"control_port\": 4, \"hb_port\": 5}");
    CHECK_INT(conn_load(p, &ci, err, sizeof err), -1);
    CHECK_HAS(err, "range");

    p = write_tmp("udp.json", "{\"transport\": \"udp\", \"shell_port\": 1, \"iopub_port\": 2,"
                              " \"stdin_port\": 3, \"control_port\": 4, \"hb_port\": 5}");
    CHECK_INT(conn_load(p, &ci, err, sizeof err), -1);
    CHECK_HAS(err, "transport");

    p = write_tmp("md5.json", "{\"signature_scheme\": \"hmac-md5\", \"shell_port\": 1, \"iopub_port\": 2,"
                              " \"stdin_port\": 3, \"control_port\": 4, \"hb_port\": 5}");
    CHECK_INT(conn_load(p, &ci, err, sizeof err), -1);
    CHECK_HAS(err, "signature_scheme");

    p = write_tmp("intkey.json", "{\"key\": 12, \"shell_port\": 1, \"iopub_port\": 2,"
                                 " \"stdin_port\": 3, \"control_port\": 4, \"hb_port\": 5}");
    CHECK_INT(conn_load(p, &ci, err, sizeof err), -1);
    CHECK_HAS(err, "key");

    /* No error buffer: still no crash. */
    CHECK_INT(conn_load(p, &ci, NULL, 0), -1);
    CHECK_INT(conn_load(NULL, &ci, err, sizeof err), -1);
}

/* ---- heartbeat ----------------------------------------------------------- */

/* SigBlk of the thread named `name` in this process; 0 if not found. */
static int thread_sigblk(const char *name, unsigned long long *mask)
{
    DIR *d = opendir("/proc/self/task");
    if (!d)
        return 0;
    int found = 0;
    struct dirent *e;
    while (!found && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[300], comm[64] = "";
        snprintf(path, sizeof path, "/proc/self/task/%s/comm", e->d_name);
        FILE *f = fopen(path, "r");
        if (!f)
            continue;
        if (fgets(comm, sizeof comm, f))
            comm[strcspn(comm, "\n")] = '\0';
        fclose(f);
        if (strcmp(comm, name) != 0)
            continue;
        snprintf(path, sizeof path, "/proc/self/task/%s/status", e->d_name);
        f = fopen(path, "r");
        char line[256];
        while (f && fgets(line, sizeof line, f))
            if (strncmp(line, "SigBlk:", 7) == 0) {
                *mask = strtoull(line + 7, NULL, 16);
                found = 1;
            }
        if (f)
            fclose(f);
    }
    closedir(d);
    return found;
}

static void test_heartbeat(void *ctx)
{
    char err[256], ep[128];
    snprintf(ep, sizeof ep, "ipc://%s/hb", tmpdir);
    CHECK_INT(heartbeat_start(ctx, ep, err, sizeof err), 0);
    CHECK_STR(err, "");

    sigset_t now;
    pthread_sigmask(SIG_SETMASK, NULL, &now);
    CHECK(!sigismember(&now, SIGINT)); /* the caller's mask is restored */

    void *req = zmq_socket(ctx, ZMQ_REQ);
    int tmo = 5000, linger = 0;
    zmq_setsockopt(req, ZMQ_RCVTIMEO, &tmo, sizeof tmo);
    zmq_setsockopt(req, ZMQ_LINGER, &linger, sizeof linger);
    CHECK_INT(zmq_connect(req, ep), 0);
    for (int i = 0; i < 3; i++) {
        char buf[32] = "";
        CHECK_INT(zmq_send(req, "ping", 4, 0), 4);
        CHECK_INT(zmq_recv(req, buf, sizeof buf - 1, 0), 4);
        CHECK_STR(buf, "ping");
    }
    /* Multipart pings come back whole. */
    const char *fr[2] = {"a", "bcd"};
    raw_send(req, 2, fr, NULL);
    Raw r;
    CHECK_INT(raw_recv(req, &r), 2);
    CHECK(r.n == 2 && strcmp(r.f[0], "a") == 0 && strcmp(r.f[1], "bcd") == 0);
    raw_free(&r);
    zmq_close(req);

    /* The echo thread blocks SIGINT (so Ctrl-C always reaches the main thread). */
    unsigned long long blk = 0;
    int found = 0;
    for (int i = 0; i < 100 && !found; i++) {
        found = thread_sigblk("cdl-heartbeat", &blk);
        if (!found)
            usleep(10000);
    }
    CHECK(found);
    CHECK(found && (blk & (1ULL << (SIGINT - 1))) != 0);
    CHECK(found && (blk & (1ULL << (SIGTERM - 1))) != 0);
    CHECK(found && (blk & (1ULL << (SIGSEGV - 1))) == 0);

    /* A tcp port already in use fails with a message (ipc would silently replace the socket file). */
    void *taken = zmq_socket(ctx, ZMQ_REP);
    char tcp_ep[128] = "";
    size_t eplen = sizeof tcp_ep;
    zmq_setsockopt(taken, ZMQ_LINGER, &linger, sizeof linger);
    CHECK_INT(zmq_bind(taken, "tcp://127.0.0.1:*"), 0);
    zmq_getsockopt(taken, ZMQ_LAST_ENDPOINT, tcp_ep, &eplen);
    CHECK_INT(heartbeat_start(ctx, tcp_ep, err, sizeof err), -1);
    CHECK_HAS(err, "heartbeat");
    CHECK_HAS(err, tcp_ep);
    zmq_close(taken);
    CHECK_INT(heartbeat_start(ctx, "bogus://nowhere", err, sizeof err), -1);
    CHECK(err[0] != '\0');
    CHECK_INT(heartbeat_start(NULL, ep, err, sizeof err), -1);
}

int main(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/test_wire.XXXXXX");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    void *ctx = zmq_ctx_new();
    router = zmq_socket(ctx, ZMQ_ROUTER);
    dealer = zmq_socket(ctx, ZMQ_DEALER);
    int tmo = 5000, linger = 0;
    zmq_setsockopt(router, ZMQ_RCVTIMEO, &tmo, sizeof tmo);
    zmq_setsockopt(dealer, ZMQ_RCVTIMEO, &tmo, sizeof tmo);
    zmq_setsockopt(router, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(dealer, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt(dealer, ZMQ_ROUTING_ID, "client", 6);
    if (zmq_bind(router, "inproc://shell") < 0 || zmq_connect(dealer, "inproc://shell") < 0) {
        fprintf(stderr, "zmq setup: %s\n", zmq_strerror(errno));
        return 1;
    }
    wire_init(&wk, KEY, "hmac-sha256");
    wire_init(&wc, KEY, "hmac-sha256");
    wire_init(&wk0, "", "hmac-sha256");
    wire_init(&wc0, "", "hmac-sha256");

    test_helpers();
    test_roundtrip();
    test_signature_on_wire();
    test_empty_key();
    test_malformed();
    test_send_errors();
    test_interrupt_and_error(ctx);
    test_conn();
    test_heartbeat(ctx);

    zmq_close(router);
    zmq_close(dealer);
    zmq_ctx_term(ctx); /* also ends the heartbeat thread (ETERM) */

    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "warning: could not remove %s\n", tmpdir);

    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
