/* Compiled to build/tcclib/bcheck.o and bt-log.o: TinyCC links these into
 * every cell compiled with -b, and the kernel provides their functions
 * itself (kernel/bounds.c), once, for every cell. */
typedef int cdl_tcclib_empty;
