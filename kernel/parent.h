/* The kernel ends with the process that started it.
 *
 * jupyter_client puts its own PID in JPY_PARENT_PID when it launches a
 * kernel it owns. A front-end killed without a shutdown request (the %%c
 * magic's Python kernel killed with SIGKILL, a crashed notebook server)
 * would otherwise leave this kernel running, orphaned, for ever. */
#ifndef COURSDL_PARENT_H
#define COURSDL_PARENT_H

/* Starts a thread that ends the kernel once its parent is gone, when
 * JPY_PARENT_PID names the process that started it; otherwise does nothing. */
void parent_watch_start(void);

#endif
