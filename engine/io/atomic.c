/* Atomic writes: the new content goes to a temporary file next to the
 * target, is fsynced, then renamed over it (atomic on POSIX), and the
 * folder is fsynced so the rename survives a crash. */
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <time.h>
#include <fcntl.h>
#include <gc.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static long long g_fail_after = -1;

void cdl_io_inject_failure(long long after_bytes) { g_fail_after = after_bytes; }

static void dir_of(const char *path, char *dir, size_t size)
{
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    snprintf(dir, size, "%s", dirname(buf));
}

/* A save killed mid-write (the process killed, a fault) leaves its
 * temporary file behind: the next save or load of the same path removes
 * the ones whose writer is gone. The writer's pid is in the name
 * (".model.safetensors.tmp-<pid>-XXXXXX"); names without one (older
 * versions) go once they are a minute old. */
static void remove_litter(const char *path)
{
    char dir[4096], base[4096], buf[4096], prefix[4200];
    dir_of(path, dir, sizeof dir);
    snprintf(buf, sizeof buf, "%s", path);
    snprintf(base, sizeof base, "%s", basename(buf));
    int plen = snprintf(prefix, sizeof prefix, ".%s.tmp-", base);
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strncmp(e->d_name, prefix, (size_t)plen)) continue;
        const char *rest = e->d_name + plen;
        char *end;
        long pid = strtol(rest, &end, 10);
        bool stale;
        if (end != rest && *end == '-' && pid > 0) {
            stale = pid == getpid() || (kill((pid_t)pid, 0) != 0 && errno == ESRCH);
        } else {
            struct stat st;
            stale = fstatat(dirfd(d), e->d_name, &st, 0) == 0 && time(NULL) - st.st_mtime > 60;
        }
        if (stale) unlinkat(dirfd(d), e->d_name, 0);
    }
    closedir(d);
}

void io_write_atomic(const char *path, const Chunk *chunks, int n, const char *fn)
{
    if (!path || !*path) error_raise(ERR_VALUE, "%s: the path is empty", fn);
    char dir[4096], base[4096], tmp[8300], buf[4096];
    dir_of(path, dir, sizeof dir);
    snprintf(buf, sizeof buf, "%s", path);
    snprintf(base, sizeof base, "%s", basename(buf));
    remove_litter(path);
    snprintf(tmp, sizeof tmp, "%s/.%s.tmp-%d-XXXXXX", dir, base, (int)getpid());
    long long fail = g_fail_after;
    g_fail_after = -1;
    int fd = mkstemp(tmp);
    if (fd < 0)
        error_raise(ERR_IO, "%s: cannot create a temporary file in %s (%s); check that the folder exists and is writable",
                    fn, dir, strerror(errno));
    fchmod(fd, 0644);
    const char *why = NULL;
    long long written = 0;
    for (int i = 0; i < n && !why; i++) {
        const char *p = chunks[i].data;
        size_t left = chunks[i].size;
        while (left && !why) {
            size_t step = left;
            if (fail >= 0 && written + (long long)step > fail) step = (size_t)(fail - written);
            if (step == 0) { errno = ENOSPC; why = "simulated failure"; break; }
            ssize_t w = write(fd, p, step);
            if (w < 0) { if (errno == EINTR) continue; why = strerror(errno); break; }
            p += w; left -= (size_t)w; written += w;
        }
    }
    if (!why && fsync(fd) != 0) why = strerror(errno);
    if (close(fd) != 0 && !why) why = strerror(errno);
    if (!why && rename(tmp, path) != 0) why = strerror(errno);
    if (why) {
        unlink(tmp);
        error_raise(ERR_IO, "%s: writing %s failed (%s); the previous file, if any, is unchanged. "
                    "Check the free space and permissions of %s", fn, path, why, dir);
    }
    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    if (dfd >= 0) {
        fsync(dfd);  /* makes the rename durable */
        close(dfd);
    }
}

unsigned char *io_read_file(const char *path, size_t *size, const char *fn)
{
    if (!path) error_raise(ERR_VALUE, "%s: the path is NULL", fn);
    remove_litter(path);
    FILE *f = fopen(path, "rb");
    if (!f) error_raise(ERR_IO, "%s: cannot open %s (%s); check the path (relative to the notebook's folder)", fn, path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        error_raise(ERR_IO, "%s: %s is not a regular file", fn, path);
    }
    size_t n = (size_t)st.st_size;
    unsigned char *buf = GC_MALLOC_ATOMIC(n + 1);
    size_t got = fread(buf, 1, n, f);
    fclose(f);
    if (got != n) error_raise(ERR_IO, "%s: could read only %zu of %zu bytes of %s", fn, got, n, path);
    buf[n] = 0;
    *size = n;
    return buf;
}
