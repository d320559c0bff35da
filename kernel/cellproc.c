#include "cellproc.h"

#define GC_THREADS
#include <gc.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "coursdl.h"
#include "engine_api.h"
#include "guard.h"

/* ---- children ---------------------------------------------------------------------- */

#define MAX_CHILDREN 256
static pid_t g_children[MAX_CHILDREN];
static int g_n_children;

static void track(pid_t pid)
{
    if (g_n_children < MAX_CHILDREN)
        g_children[g_n_children++] = pid;
}

static pid_t cell_fork(void)
{
    /* Output buffered before the fork would be written twice. */
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid > 0)
        track(pid);
    return pid;
}

void cellproc_after_cell(void)
{
    /* Children of the cell do not outlive it: a fork()ed copy of the
     * kernel that went on would answer Jupyter's messages too. */
    for (int i = 0; i < g_n_children; i++) {
        pid_t pid = g_children[i];
        if (waitpid(pid, NULL, WNOHANG) != 0)
            continue;  /* reaped now, or already (by the cell) */
        kill(pid, SIGKILL);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
            ;
    }
    g_n_children = 0;
    /* Children that ended but were never waited for (popen without pclose,
     * a fork without waitpid) would stay as zombies. */
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
}

/* ---- exec: never in the kernel ------------------------------------------------------------ */

static _Noreturn void refuse_exec(const char *fn, const char *path)
{
    guard_fail("ExecError", "%s(\"%s\") would replace the kernel by another program (and lose every "
               "variable): run it with system(\"...\") or a !command line, or call %s in a child "
               "made by fork()", fn, path ? path : "", fn);
}

#define MAX_EXEC_ARGS 1024

/* execl-style argument lists into an argv array. */
static char **collect_args(const char *arg0, va_list ap, char **argv_buf, char ***envp_out)
{
    int n = 0;
    argv_buf[n++] = (char *)arg0;
    while (arg0 && n < MAX_EXEC_ARGS - 1) {
        char *a = va_arg(ap, char *);
        argv_buf[n++] = a;
        if (!a)
            break;
    }
    argv_buf[MAX_EXEC_ARGS - 1] = NULL;
    if (envp_out)
        *envp_out = va_arg(ap, char **);
    return argv_buf;
}

static int cell_execv(const char *path, char *const argv[])
{
    if (!guard_in_forked_child())
        refuse_exec("execv", path);
    return execv(path, argv);
}

static int cell_execvp(const char *file, char *const argv[])
{
    if (!guard_in_forked_child())
        refuse_exec("execvp", file);
    return execvp(file, argv);
}

static int cell_execve(const char *path, char *const argv[], char *const envp[])
{
    if (!guard_in_forked_child())
        refuse_exec("execve", path);
    return execve(path, argv, envp);
}

static int cell_execvpe(const char *file, char *const argv[], char *const envp[])
{
    if (!guard_in_forked_child())
        refuse_exec("execvpe", file);
    return execvpe(file, argv, envp);
}

static int cell_fexecve(int fd, char *const argv[], char *const envp[])
{
    if (!guard_in_forked_child())
        refuse_exec("fexecve", argv && argv[0] ? argv[0] : "");
    return fexecve(fd, argv, envp);
}

static int cell_execl(const char *path, const char *arg, ...)
{
    if (!guard_in_forked_child())
        refuse_exec("execl", path);
    char *argv[MAX_EXEC_ARGS];
    va_list ap;
    va_start(ap, arg);
    collect_args(arg, ap, argv, NULL);
    va_end(ap);
    return execv(path, argv);
}

static int cell_execlp(const char *file, const char *arg, ...)
{
    if (!guard_in_forked_child())
        refuse_exec("execlp", file);
    char *argv[MAX_EXEC_ARGS];
    va_list ap;
    va_start(ap, arg);
    collect_args(arg, ap, argv, NULL);
    va_end(ap);
    return execvp(file, argv);
}

static int cell_execle(const char *path, const char *arg, ...)
{
    if (!guard_in_forked_child())
        refuse_exec("execle", path);
    char *argv[MAX_EXEC_ARGS];
    char **envp;
    va_list ap;
    va_start(ap, arg);
    collect_args(arg, ap, argv, &envp);
    va_end(ap);
    return execve(path, argv, envp);
}

static int cell_daemon(int nochdir, int noclose)
{
    (void)nochdir;
    (void)noclose;
    guard_fail("ExecError", "daemon() would end the kernel's own process (it forks and exits): "
               "start background programs with system(\"command &\")");
}

/* ---- system() and !cmd -------------------------------------------------------------------- */

int cellproc_system(const char *cmd)
{
    if (!cmd)
        return 1;  /* a shell is available */
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        /* Its own process group, so an interrupt stops the whole pipeline. */
        setpgid(0, 0);
        struct sigaction dfl;
        memset(&dfl, 0, sizeof dfl);
        dfl.sa_handler = SIG_DFL;
        for (int s = 1; s < _NSIG; s++)
            sigaction(s, &dfl, NULL);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
        _exit(127);
    }
    setpgid(pid, pid);  /* both sides, so the group exists before any kill */
    int status = 0;
    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            break;
        if (r < 0 && errno != EINTR)
            return -1;
        if (interrupt_pending()) {
            killpg(pid, SIGINT);
            for (int i = 0; i < 20 && waitpid(pid, &status, WNOHANG) == 0; i++)
                usleep(5000);
            killpg(pid, SIGKILL);
            while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
            interrupt_check();
        }
        usleep(2000);
    }
    return status;
}

static int cell_system(const char *cmd)
{
    return cellproc_system(cmd);
}

/* ---- signals sent by the cell ---------------------------------------------------------------- */

static bool targets_kernel(pid_t pid)
{
    return pid == 0 || pid == -1 || pid == getpid() || -pid == getpgrp();
}

/* The collector stops and restarts threads with these (SIGPWR and SIGXCPU
 * on Linux): one sent by a cell would freeze the kernel in its handler. */
static bool collector_signal(int sig)
{
    return sig == GC_get_suspend_signal() || sig == GC_get_thr_restart_signal();
}

/* Signals a cell may not send to the kernel itself. */
static bool refused(int sig)
{
    return sig == SIGKILL || sig == SIGSTOP || collector_signal(sig);
}

static _Noreturn void refuse_signal(const char *fn, int sig)
{
    guard_fail("Signal", "%s(SIG%s) would %s the kernel and every variable%s: the cell stopped there "
               "(to end a cell early, use return or exit(0))", fn, sigabbrev_np(sig),
               sig == SIGKILL ? "kill" : "freeze",
               collector_signal(sig) ? " (the garbage collector uses this signal)" : "");
}

static int cell_kill(pid_t pid, int sig)
{
    if (refused(sig) && targets_kernel(pid) && !guard_in_forked_child())
        refuse_signal("kill", sig);
    if (pid == -1 && !guard_in_forked_child()) {
        /* Every process we may signal: the notebook server too. */
        errno = EPERM;
        return -1;
    }
    if (pid == getpid() && guard_owns_signal(sig)) {
        guard_raised(sig, (uintptr_t)__builtin_return_address(0));
        return 0;
    }
    return kill(pid, sig);
}

static int cell_killpg(pid_t pgrp, int sig)
{
    return cell_kill(pgrp <= 1 ? pgrp : -pgrp, sig);
}

static int cell_raise(int sig)
{
    if (refused(sig) && !guard_in_forked_child())
        refuse_signal("raise", sig);
    if (guard_owns_signal(sig)) {
        guard_raised(sig, (uintptr_t)__builtin_return_address(0));
        return 0;
    }
    return raise(sig);
}

static int cell_pthread_kill(pthread_t t, int sig)
{
    if (refused(sig) && !guard_in_forked_child())
        refuse_signal("pthread_kill", sig);
    if (pthread_equal(t, pthread_self()) && guard_owns_signal(sig) && !guard_on_cell_thread()) {
        guard_raised(sig, (uintptr_t)__builtin_return_address(0));
        return 0;
    }
    return pthread_kill(t, sig);
}

static _Noreturn void cell_abort(void)
{
    fflush(stdout);
    /* As abort(): SIGABRT first (a handler of the cell may run), then the
     * end of the cell, never the end of the process. */
    guard_raised(SIGABRT, (uintptr_t)__builtin_return_address(0));
    guard_fail("Aborted", "abort() was called");
}

/* ---- threads ----------------------------------------------------------------------------- */

typedef struct ThreadStart {
    void *(*fn)(void *);
    void *arg;
} ThreadStart;

static void *thread_main(void *p)
{
    ThreadStart ts = *(ThreadStart *)p;
    free(p);
    return guard_run_thread(ts.fn, ts.arg);
}

static int cell_pthread_create(pthread_t *t, const pthread_attr_t *attr, void *(*fn)(void *), void *arg)
{
    ThreadStart *ts = malloc(sizeof *ts);
    if (!ts)
        return EAGAIN;
    ts->fn = fn;
    ts->arg = arg;
    /* Through the collector, which then scans the thread's stack. */
    int rc = GC_pthread_create(t, attr, thread_main, ts);
    if (rc != 0)
        free(ts);
    return rc;
}

static _Noreturn void cell_pthread_exit(void *value)
{
    if (guard_on_cell_thread())
        guard_thread_exit(value);
    /* On the cell's own thread: the cell ends, the kernel's thread lives. */
    guard_finish();
}

static const JitExtern g_externs[] = {
    { "fork", (void *)cell_fork, 0 },
    { "vfork", (void *)cell_fork, 0 },
    { "execv", (void *)cell_execv, 0 },
    { "execvp", (void *)cell_execvp, 0 },
    { "execve", (void *)cell_execve, 0 },
    { "execvpe", (void *)cell_execvpe, 0 },
    { "fexecve", (void *)cell_fexecve, 0 },
    { "execl", (void *)cell_execl, 0 },
    { "execlp", (void *)cell_execlp, 0 },
    { "execle", (void *)cell_execle, 0 },
    { "daemon", (void *)cell_daemon, 0 },
    { "system", (void *)cell_system, 0 },
    { "kill", (void *)cell_kill, 0 },
    { "killpg", (void *)cell_killpg, 0 },
    { "raise", (void *)cell_raise, 0 },
    { "pthread_kill", (void *)cell_pthread_kill, 0 },
    { "abort", (void *)cell_abort, 0 },
    { "pthread_create", (void *)cell_pthread_create, 0 },
    { "pthread_exit", (void *)cell_pthread_exit, 0 },
    { "pthread_join", (void *)GC_pthread_join, 0 },
    { "pthread_detach", (void *)GC_pthread_detach, 0 },
};

int cellproc_externs(const JitExtern **out)
{
    *out = g_externs;
    return (int)(sizeof g_externs / sizeof *g_externs);
}
