#include "cellfd.h"

#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "capture.h"

#define MAX_KERNEL_FDS 256
static int g_fds[MAX_KERNEL_FDS];
static int g_n_fds;
static int g_ports[8];
static int g_n_ports;
static char g_ipc_prefix[108];

void cellfd_protect_open_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    if (!d)
        return;
    int self = dirfd(d);
    struct dirent *e;
    while ((e = readdir(d)) && g_n_fds < MAX_KERNEL_FDS) {
        int fd = atoi(e->d_name);
        if (e->d_name[0] >= '0' && e->d_name[0] <= '9' && fd > 2 && fd != self)
            g_fds[g_n_fds++] = fd;
    }
    closedir(d);
}

void cellfd_set_kernel_ports(const int *ports, int n)
{
    g_n_ports = 0;
    for (int i = 0; i < n && g_n_ports < 8; i++)
        g_ports[g_n_ports++] = ports[i];
}

static bool is_kernel_socket(int fd)
{
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISSOCK(st.st_mode))
        return false;
    struct sockaddr_storage a;
    socklen_t len = sizeof a;
    if (getsockname(fd, (struct sockaddr *)&a, &len) != 0)
        return false;
    int port = -1;
    if (a.ss_family == AF_INET)
        port = ntohs(((struct sockaddr_in *)&a)->sin_port);
    else if (a.ss_family == AF_INET6)
        port = ntohs(((struct sockaddr_in6 *)&a)->sin6_port);
    else if (a.ss_family == AF_UNIX)
        return g_ipc_prefix[0] && !strncmp(((struct sockaddr_un *)&a)->sun_path, g_ipc_prefix,
                                           strlen(g_ipc_prefix));
    for (int i = 0; i < g_n_ports; i++)
        if (port == g_ports[i])
            return true;
    return false;
}

void cellfd_set_kernel_ipc(const char *path_prefix)
{
    snprintf(g_ipc_prefix, sizeof g_ipc_prefix, "%s", path_prefix ? path_prefix : "");
}

bool cellfd_is_kernel(int fd)
{
    if (fd <= 2)
        return false;
    if (capture_owns_fd(fd))
        return true;
    for (int i = 0; i < g_n_fds; i++)
        if (g_fds[i] == fd)
            return true;
    return is_kernel_socket(fd);
}

static int cell_close(int fd)
{
    if (cellfd_is_kernel(fd)) {
        errno = EBADF;
        return -1;
    }
    return close(fd);
}

static int cell_dup2(int oldfd, int newfd)
{
    if (cellfd_is_kernel(newfd)) {
        errno = EBADF;
        return -1;
    }
    return dup2(oldfd, newfd);
}

static int cell_dup3(int oldfd, int newfd, int flags)
{
    if (cellfd_is_kernel(newfd)) {
        errno = EBADF;
        return -1;
    }
    return dup3(oldfd, newfd, flags);
}

static int cell_close_range(unsigned int first, unsigned int last, int flags)
{
    (void)flags;
    /* One at a time, around the kernel's. */
    long max = sysconf(_SC_OPEN_MAX);
    if (max > 0 && last >= (unsigned long)max)
        last = (unsigned int)(max - 1);
    for (unsigned int fd = first; fd <= last; fd++)
        if (!cellfd_is_kernel((int)fd))
            close((int)fd);
    return 0;
}

static void cell_closefrom(int lowfd)
{
    cell_close_range(lowfd < 0 ? 0 : (unsigned int)lowfd, ~0u, 0);
}

static const JitExtern g_externs[] = {
    { "close", (void *)cell_close, 0 },
    { "dup2", (void *)cell_dup2, 0 },
    { "dup3", (void *)cell_dup3, 0 },
    { "close_range", (void *)cell_close_range, 0 },
    { "closefrom", (void *)cell_closefrom, 0 },
};

int cellfd_externs(const JitExtern **out)
{
    *out = g_externs;
    return (int)(sizeof g_externs / sizeof *g_externs);
}
