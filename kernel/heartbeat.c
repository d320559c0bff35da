/* Heartbeat: echo thread on a REP socket, immune to the kernel's asynchronous signals. */
#include "heartbeat.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <zmq.h>

/* Everything but the synchronous fault signals, which must stay deliverable to the faulting thread. */
static void async_signal_set(sigset_t *set)
{
    sigfillset(set);
    sigdelset(set, SIGSEGV);
    sigdelset(set, SIGBUS);
    sigdelset(set, SIGILL);
    sigdelset(set, SIGFPE);
    sigdelset(set, SIGTRAP);
    sigdelset(set, SIGSYS);
}

static void *hb_thread(void *arg)
{
    void *sock = arg;
    sigset_t set;
    async_signal_set(&set);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* already inherited; kept in case of a future caller */
    pthread_setname_np(pthread_self(), "cdl-heartbeat"); /* visible in gdb, top, /proc */

    /* A REP socket only lets us reply once the whole request is in: collect the parts, then echo. */
    enum { MAX_PARTS = 64 };
    zmq_msg_t parts[MAX_PARTS];
    for (;;) {
        int n = 0, more = 1, dead = 0;
        while (more) {
            zmq_msg_t m;
            zmq_msg_init(&m);
            if (zmq_msg_recv(&m, sock, 0) < 0) {
                int e = errno;
                zmq_msg_close(&m);
                if (e == EINTR || e == EAGAIN)
                    continue;
                dead = 1; /* ETERM: the context is going away */
                break;
            }
            more = zmq_msg_more(&m);
            if (n < MAX_PARTS) {
                zmq_msg_init(&parts[n]);
                zmq_msg_move(&parts[n], &m);
                n++;
            }
            zmq_msg_close(&m); /* parts past MAX_PARTS are dropped, not echoed */
        }
        for (int i = 0; i < n && !dead; i++) {
            int rc;
            while ((rc = zmq_msg_send(&parts[i], sock, i + 1 < n ? ZMQ_SNDMORE : 0)) < 0 && errno == EINTR)
                ;
            if (rc < 0 && errno == ETERM)
                dead = 1;
        }
        /* Closing a sent message is harmless (it is empty); unsent ones must be released. */
        for (int i = 0; i < n; i++)
            zmq_msg_close(&parts[i]);
        if (dead)
            break;
    }
    zmq_close(sock);
    return NULL;
}

int heartbeat_start(void *zmq_ctx, const char *endpoint, char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    if (!zmq_ctx || !endpoint) {
        if (err && errlen)
            snprintf(err, errlen, "heartbeat: no ZeroMQ context or endpoint");
        return -1;
    }
    void *sock = zmq_socket(zmq_ctx, ZMQ_REP);
    if (!sock) {
        if (err && errlen)
            snprintf(err, errlen, "heartbeat: zmq_socket: %s", zmq_strerror(errno));
        return -1;
    }
    int linger = 0; /* never hold up context termination for a ping */
    zmq_setsockopt(sock, ZMQ_LINGER, &linger, sizeof linger);
    if (zmq_bind(sock, endpoint) < 0) {
        if (err && errlen)
            snprintf(err, errlen, "heartbeat: cannot bind %s: %s", endpoint, zmq_strerror(errno));
        zmq_close(sock);
        return -1;
    }

    /* Block the signals before creating the thread so it never has a window where SIGINT lands on it. */
    sigset_t set, old;
    async_signal_set(&set);
    pthread_sigmask(SIG_BLOCK, &set, &old);
    pthread_attr_t attr;
    pthread_t tid;
    int rc = pthread_attr_init(&attr);
    if (rc == 0) {
        pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
        rc = pthread_create(&tid, &attr, hb_thread, sock);
        pthread_attr_destroy(&attr);
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        if (err && errlen)
            snprintf(err, errlen, "heartbeat: pthread_create: %s", strerror(rc));
        zmq_close(sock);
        return -1;
    }
    return 0;
}
