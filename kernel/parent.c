#include "parent.h"

#include "capture.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

static pid_t g_parent;

static void *watch(void *arg)
{
    (void)arg;
    pthread_setname_np(pthread_self(), "cdl-parent");
    /* Orphans are re-parented (to init or a subreaper): the parent changed. */
    while (getppid() == g_parent)
        sleep(1);
    klog("the process that started this kernel (PID %d) is gone: stopping", (int)g_parent);
    _exit(0);
    return NULL;
}

void parent_watch_start(void)
{
    const char *s = getenv("JPY_PARENT_PID");
    long pid = s ? strtol(s, NULL, 10) : 0;
    /* Only when it is our parent: a launcher between them (a shell) is not watched. */
    if (pid <= 1 || pid != (long)getppid())
        return;
    g_parent = (pid_t)pid;
    /* Signals stay with the main thread, which runs the cells. */
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    pthread_t t;
    if (pthread_create(&t, NULL, watch, NULL) == 0)
        pthread_detach(t);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}
