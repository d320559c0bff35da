#include "capture.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "strbuf.h"

#define EMIT_INTERVAL_NS (50 * 1000000LL)
#define EMIT_MAX_BYTES (1 << 20)

static CaptureEmit g_emit;
static void *g_ctx;
static int g_log_fd = 2;
static int g_rd[2];                /* read ends: [0] stdout, [1] stderr */
static int g_wr[2] = { -1, -1 };   /* spare write ends, to put fds 1 and 2 back */
static FILE *g_stdout, *g_stderr;  /* the kernel's stdio objects for them */
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static StrBuf g_pending;           /* bytes of one stream not yet emitted */
static int g_pending_stream = -1;
static long long g_last_emit;
static const char *const g_names[2] = { "stdout", "stderr" };

void klog(const char *fmt, ...)
{
    char buf[2048];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n > sizeof buf - 2)
        n = sizeof buf - 2;
    buf[n++] = '\n';
    ssize_t w = write(g_log_fd, buf, (size_t)n);
    (void)w;
}

static long long now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static size_t utf8_seq_len(unsigned char c)
{
    if (c < 0x80) return 1;
    if (c >= 0xc2 && c <= 0xdf) return 2;
    if (c >= 0xe0 && c <= 0xef) return 3;
    if (c >= 0xf0 && c <= 0xf4) return 4;
    return 0;
}

size_t utf8_clean(const char *in, size_t n, int keep_tail, char **out, size_t *out_len)
{
    StrBuf b;
    sb_init(&b);
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)in[i];
        size_t len = utf8_seq_len(c);
        if (len == 1) {
            sb_putc(&b, (char)c);
            i++;
            continue;
        }
        if (len && i + len > n && keep_tail) {
            /* Possibly the start of a sequence whose end has not arrived. */
            int ok = 1;
            for (size_t k = i + 1; k < n; k++)
                if (((unsigned char)in[k] & 0xc0) != 0x80)
                    ok = 0;
            if (ok)
                break;
        }
        int valid = len && i + len <= n;
        for (size_t k = 1; valid && k < len; k++)
            if (((unsigned char)in[i + k] & 0xc0) != 0x80)
                valid = 0;
        if (valid) {
            sb_putn(&b, in + i, len);
            i += len;
        } else {
            sb_puts(&b, "\xef\xbf\xbd");
            i++;
        }
    }
    *out_len = b.len;
    *out = sb_take(&b);
    return i;
}

static CaptureDrop g_drop;

void capture_set_drop(CaptureDrop drop) { g_drop = drop; }

/* Emits the pending bytes (lock held). */
static void emit_pending(int final)
{
    if (g_pending_stream < 0 || g_pending.len == 0)
        return;
    if (g_drop && g_drop(g_pending.len)) {
        /* A flood past the cell's cap: counted, not cleaned or sent. */
        g_pending.len = 0;
        g_pending.s[0] = 0;
        g_last_emit = now_ns();
        return;
    }
    char *clean;
    size_t clean_len;
    size_t used = utf8_clean(g_pending.s, g_pending.len, !final, &clean, &clean_len);
    if (clean_len)
        g_emit(g_names[g_pending_stream], clean, clean_len, g_ctx);
    free(clean);
    /* Keep an incomplete UTF-8 tail for the next batch. */
    size_t rest = g_pending.len - used;
    memmove(g_pending.s, g_pending.s + used, rest);
    g_pending.len = rest;
    g_pending.s[rest] = 0;
    g_last_emit = now_ns();
}

/* Reads what is available on one pipe (lock held). Returns bytes read. */
static size_t drain_fd(int which)
{
    char buf[65536];
    size_t total = 0;
    for (;;) {
        ssize_t n = read(g_rd[which], buf, sizeof buf);
        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            break;
        }
        if (g_pending_stream != which) {
            emit_pending(1);
            g_pending.len = 0;
            g_pending_stream = which;
        }
        sb_putn(&g_pending, buf, (size_t)n);
        total += (size_t)n;
        if (g_pending.len >= EMIT_MAX_BYTES)
            emit_pending(0);
    }
    return total;
}

static void *reader_thread(void *arg)
{
    (void)arg;
    struct pollfd fds[2] = { { g_rd[0], POLLIN, 0 }, { g_rd[1], POLLIN, 0 } };
    for (;;) {
        int r = poll(fds, 2, 20);
        if (r < 0 && errno != EINTR)
            break;
        pthread_mutex_lock(&g_lock);
        for (int i = 0; i < 2; i++)
            if (fds[i].revents & POLLIN)
                drain_fd(i);
        if (g_pending.len && now_ns() - g_last_emit >= EMIT_INTERVAL_NS)
            emit_pending(0);
        pthread_mutex_unlock(&g_lock);
    }
    return NULL;
}

/* Pushes stdio's buffer into the pipe every 50 ms so output is live. A
 * trylock: the main thread may hold stdout's lock (or have been jumped out
 * of printf holding it); never wait on it. */
static void *flusher_thread(void *arg)
{
    (void)arg;
    struct timespec ts = { 0, EMIT_INTERVAL_NS };
    for (;;) {
        nanosleep(&ts, NULL);
        FILE *f = stdout;
        if (ftrylockfile(f) == 0) {
            fflush_unlocked(f);
            funlockfile(f);
        }
    }
    return NULL;
}

static void setup_stdout(void)
{
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    setvbuf(stderr, NULL, _IONBF, 0);
    g_stdout = stdout;
    g_stderr = stderr;
}

int capture_start(CaptureEmit emit, void *ctx)
{
    g_emit = emit;
    g_ctx = ctx;
    g_log_fd = fcntl(2, F_DUPFD_CLOEXEC, 200);
    if (g_log_fd < 0)
        g_log_fd = 2;
    sb_init(&g_pending);
    for (int i = 0; i < 2; i++) {
        int p[2];
        if (pipe2(p, O_CLOEXEC) < 0)
            return -1;
        fcntl(p[0], F_SETPIPE_SZ, 1 << 20);
        fcntl(p[0], F_SETFL, O_NONBLOCK);
        g_rd[i] = p[0];
        fflush(i == 0 ? stdout : stderr);
        if (dup2(p[1], i + 1) < 0)
            return -1;
        /* Far from the small numbers a cell's open() gets. */
        g_wr[i] = fcntl(p[1], F_DUPFD_CLOEXEC, 200);
        close(p[1]);
    }
    setup_stdout();
    g_last_emit = now_ns();
    sigset_t block, old;
    sigfillset(&block);
    pthread_sigmask(SIG_BLOCK, &block, &old);
    pthread_t t;
    int rc = pthread_create(&t, NULL, reader_thread, NULL);
    if (rc == 0)
        pthread_detach(t);
    if (rc == 0 && (rc = pthread_create(&t, NULL, flusher_thread, NULL)) == 0)
        pthread_detach(t);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return rc == 0 ? 0 : -1;
}

void capture_flush(void)
{
    fflush(stdout);
    fflush(stderr);
    pthread_mutex_lock(&g_lock);
    drain_fd(0);
    drain_fd(1);
    emit_pending(1);
    pthread_mutex_unlock(&g_lock);
}

void capture_reset_stdio(void)
{
    /* The old objects are abandoned on purpose: their lock may be held. */
    FILE *out = fdopen(1, "w");
    FILE *err = fdopen(2, "w");
    if (out)
        stdout = out;
    if (err)
        stderr = err;
    setup_stdout();
}

static bool same_file(int a, int b)
{
    struct stat x, y;
    return fstat(a, &x) == 0 && fstat(b, &y) == 0 && x.st_dev == y.st_dev && x.st_ino == y.st_ino;
}

void capture_restore_std(void)
{
    if (g_wr[0] < 0)
        return;  /* not capturing (tests) */
    /* What the cell wrote to a file it redirected stdout to goes there. */
    if (stdout != g_stdout)
        fflush(stdout);
    fflush(g_stdout);
    bool moved = false;
    for (int i = 0; i < 2; i++) {
        if (!same_file(i + 1, g_wr[i])) {
            /* close(1), dup2(fd, 1), freopen(..., stdout): the pipe again. */
            dup2(g_wr[i], i + 1);
            moved = true;
        }
    }
    /* fclose(stdout) or freopen() leave the FILE on no or another fd; a
     * cell may also have assigned stdout = fopen(...). */
    if (moved || stdout != g_stdout || stderr != g_stderr || fileno(g_stdout) != 1
        || fileno(g_stderr) != 2)
        capture_reset_stdio();
}

bool capture_owns_fd(int fd)
{
    return fd >= 0 && (fd == g_rd[0] || fd == g_rd[1] || fd == g_wr[0] || fd == g_wr[1] || fd == g_log_fd);
}
