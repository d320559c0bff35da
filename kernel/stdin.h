/* Standard input of cells: scanf, getchar, fgets(..., stdin), read(0, ...)
 * ask the front end with an input_request on the stdin channel and go on
 * with its input_reply; a front end that does not allow stdin (nbclient)
 * gives end-of-file at once, with a one-line warning. Waiting is
 * interruptible (the ■ button). */
#ifndef CDL_STDIN_H
#define CDL_STDIN_H

#include <stdbool.h>
#include <sys/types.h>

#include "wire.h"

/* Around each execute_request: its message (input_request's parent) and
 * whether its client allows stdin. */
void stdin_begin_cell(const Msg *req, bool allow_stdin);
void stdin_end_cell(void);

/* read(2) for cells: fd 0 reads the notebook's input, other fds the system's. */
ssize_t stdin_cell_read(int fd, void *buf, size_t n);

#endif
