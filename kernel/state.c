/* The kernel's shared state (kernel.h), apart from main() so that test
 * programs can link every other kernel module. */
#include "kernel.h"

Kernel K = { .iopub_lock = PTHREAD_MUTEX_INITIALIZER };
