/* Atomic writes: the new content goes to a temporary file next to the
 * target, is fsynced, then renamed over it (atomic on POSIX), and the
 * folder is fsynced so the rename survives a crash. */
#include "internal.h"

#include <errno.h>
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

void io_write_atomic(const char *path, const Chunk *chunks, int n, const char *fn)
{
    if (!path || !*path) error_raise(ERR_VALUE, "%s: the path is empty", fn);
    char dir[4096], base[4096], tmp[8300], buf[4096];
    dir_of(path, dir, sizeof dir);
    snprintf(buf, sizeof buf, "%s", path);
    snprintf(base, sizeof base, "%s", basename(buf));
    snprintf(tmp, sizeof tmp, "%s/.%s.tmp-XXXXXX", dir, base);
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
