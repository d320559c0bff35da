/* File descriptors a cell must not take from the kernel: its ZeroMQ
 * sockets and their event fds, the output capture's pipes, the log.
 * close(), dup2() onto them, close_range() skip them (the cell sees
 * EBADF, as for a descriptor it never had); fds 0, 1 and 2 stay the
 * cell's to play with (the capture puts 1 and 2 back after the cell). */
#ifndef CDL_CELLFD_H
#define CDL_CELLFD_H

#include <stdbool.h>

#include "jit.h"

/* Records every descriptor open now as the kernel's (call once the
 * sockets are bound and the threads started). */
void cellfd_protect_open_fds(void);

/* Sockets accepted later (a client connecting) belong to the kernel when
 * their local address is one of its endpoints. */
void cellfd_set_kernel_ports(const int *ports, int n);

/* With the ipc transport: the endpoints' path prefix. */
void cellfd_set_kernel_ipc(const char *path_prefix);

bool cellfd_is_kernel(int fd);

int cellfd_externs(const JitExtern **out);

#endif
