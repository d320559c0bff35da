#include "cellsig.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "guard.h"

/* Written only by cell code on the main thread (through the wrappers);
 * read by signal handlers. A disposition is published by its `action`
 * last, so a handler never sees a half-written one. */
static struct {
    volatile sig_atomic_t action;  /* CellSigAction */
    struct sigaction sa;
} g_disp[_NSIG];

static volatile sig_atomic_t g_in_handler;  /* nesting of cell handlers for faults */

CellSigAction cellsig_action(int sig)
{
    if (sig <= 0 || sig >= _NSIG)
        return CELLSIG_DEFAULT;
    return (CellSigAction)g_disp[sig].action;
}

void cellsig_call(int sig, siginfo_t *si, void *uc)
{
    if (cellsig_action(sig) != CELLSIG_HANDLER || g_in_handler > 4)
        return;
    struct sigaction sa = g_disp[sig].sa;
    if (sa.sa_flags & SA_RESETHAND)
        g_disp[sig].action = CELLSIG_DEFAULT;
    sigset_t unblock, old;
    sigemptyset(&unblock);
    sigaddset(&unblock, sig);
    pthread_sigmask(SIG_UNBLOCK, &unblock, &old);
    sigset_t mask = sa.sa_mask;
    for (int s = 1; s < _NSIG; s++)
        if (guard_owns_signal(s) && s != SIGINT && s != SIGALRM)
            sigdelset(&mask, s);  /* faults must stay deliverable */
    pthread_sigmask(SIG_BLOCK, &mask, NULL);
    g_in_handler++;
    if (sa.sa_flags & SA_SIGINFO)
        sa.sa_sigaction(sig, si, uc);
    else
        sa.sa_handler(sig);
    g_in_handler--;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* ---- the wrappers ----------------------------------------------------------------- */

static void describe(int sig, struct sigaction *old)
{
    memset(old, 0, sizeof *old);
    switch (cellsig_action(sig)) {
    case CELLSIG_HANDLER: *old = g_disp[sig].sa; break;
    case CELLSIG_IGNORE: old->sa_handler = SIG_IGN; break;
    default: old->sa_handler = SIG_DFL; break;
    }
}

static int cell_sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
    if (sig <= 0 || sig >= _NSIG) {
        errno = EINVAL;
        return -1;
    }
    if (!guard_owns_signal(sig))
        return sigaction(sig, act, old);
    struct sigaction prev;
    describe(sig, &prev);
    if (act) {
        bool is_fn = (act->sa_flags & SA_SIGINFO) ? act->sa_sigaction != NULL
                   : act->sa_handler != SIG_DFL && act->sa_handler != SIG_IGN;
        g_disp[sig].action = CELLSIG_DEFAULT;
        if (is_fn) {
            g_disp[sig].sa = *act;
            g_disp[sig].action = CELLSIG_HANDLER;
        } else if (act->sa_handler == SIG_IGN) {
            g_disp[sig].action = CELLSIG_IGNORE;
        }
    }
    if (old)
        *old = prev;
    return 0;
}

static __sighandler_t cell_signal(int sig, __sighandler_t handler)
{
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sa.sa_flags = SA_RESTART;
    if (cell_sigaction(sig, &sa, &old) != 0)
        return SIG_ERR;
    return old.sa_handler;
}

/* Blocking SIGSEGV would make the next fault fatal; blocking SIGINT would
 * make the interrupt button useless. */
static void keep_kernel_signals(sigset_t *set)
{
    sigdelset(set, SIGINT);
    sigdelset(set, SIGSEGV);
    sigdelset(set, SIGBUS);
    sigdelset(set, SIGILL);
    sigdelset(set, SIGFPE);
    sigdelset(set, SIGABRT);
}

static int cell_sigprocmask(int how, const sigset_t *set, sigset_t *old)
{
    sigset_t s;
    if (set && how != SIG_UNBLOCK) {
        s = *set;
        keep_kernel_signals(&s);
        set = &s;
    }
    return sigprocmask(how, set, old);
}

static int cell_pthread_sigmask(int how, const sigset_t *set, sigset_t *old)
{
    sigset_t s;
    if (set && how != SIG_UNBLOCK) {
        s = *set;
        keep_kernel_signals(&s);
        set = &s;
    }
    return pthread_sigmask(how, set, old);
}

static const JitExtern g_externs[] = {
    { "signal", (void *)cell_signal, 0 },
    { "sysv_signal", (void *)cell_signal, 0 },
    { "bsd_signal", (void *)cell_signal, 0 },
    { "__sysv_signal", (void *)cell_signal, 0 },
    { "sigaction", (void *)cell_sigaction, 0 },
    { "sigprocmask", (void *)cell_sigprocmask, 0 },
    { "pthread_sigmask", (void *)cell_pthread_sigmask, 0 },
};

int cellsig_externs(const JitExtern **out)
{
    *out = g_externs;
    return (int)(sizeof g_externs / sizeof *g_externs);
}
