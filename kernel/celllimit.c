#include "celllimit.h"

#include <errno.h>
#include <stdbool.h>
#include <sys/resource.h>
#include <unistd.h>

#include "guard.h"

static struct rlimit g_saved[RLIM_NLIMITS];
static bool g_changed[RLIM_NLIMITS];

static int set_limit(int res, const struct rlimit *rl)
{
    if (guard_in_forked_child())
        return setrlimit(res, rl);  /* a child of the cell is not the kernel */
    if (res == RLIMIT_CPU)
        guard_fail("ResourceLimit", "setrlimit(RLIMIT_CPU) would kill the kernel and every variable: its CPU time "
                   "counts every cell since it started (to bound the time of a cell, use alarm(seconds))");
    if (!rl) {
        errno = EFAULT;
        return -1;
    }
    if (res < 0 || res >= RLIM_NLIMITS || rl->rlim_cur > rl->rlim_max) {
        errno = EINVAL;
        return -1;
    }
    struct rlimit now;
    if (getrlimit(res, &now) != 0)
        return -1;
    struct rlimit want = { rl->rlim_cur, rl->rlim_max > now.rlim_max ? rl->rlim_max : now.rlim_max };
    if (!g_changed[res]) {
        g_saved[res] = now;
        g_changed[res] = true;
    }
    return setrlimit(res, &want);
}

static int cell_setrlimit(int res, const struct rlimit *rl)
{
    return set_limit(res, rl);
}

static int cell_prlimit(pid_t pid, int res, const struct rlimit *new_limit, struct rlimit *old_limit)
{
    if (pid != 0 && pid != getpid())
        return prlimit(pid, res, new_limit, old_limit);  /* another process: a child's, say */
    if (old_limit && getrlimit(res, old_limit) != 0)
        return -1;
    return new_limit ? set_limit(res, new_limit) : 0;
}

void celllimit_after_cell(void)
{
    for (int res = 0; res < RLIM_NLIMITS; res++)
        if (g_changed[res]) {
            setrlimit(res, &g_saved[res]);
            g_changed[res] = false;
        }
}

/* struct rlimit64 is struct rlimit on 64-bit Linux. */
_Static_assert(sizeof(rlim_t) == 8, "setrlimit64 and prlimit64 take the 64-bit struct rlimit");
static const JitExtern g_externs[] = {
    { "setrlimit", (void *)cell_setrlimit, 0 },
    { "setrlimit64", (void *)cell_setrlimit, 0 },
    { "prlimit", (void *)cell_prlimit, 0 },
    { "prlimit64", (void *)cell_prlimit, 0 },
};

int celllimit_externs(const JitExtern **out)
{
    *out = g_externs;
    return (int)(sizeof g_externs / sizeof *g_externs);
}
