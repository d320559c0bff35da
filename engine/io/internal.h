/* I/O internals: atomic file writes and whole-file reads. */
#ifndef COURSDL_IO_INTERNAL_H
#define COURSDL_IO_INTERNAL_H

#include "coursdl.h"
#include "coursdl/io.h"
#include <stddef.h>

/* A piece of a file to write. */
typedef struct Chunk { const void *data; size_t size; } Chunk;

/* Writes the chunks to path atomically (temp file in the same folder,
 * fsync, rename, fsync folder). IOError naming fn on failure; the target
 * is untouched then. */
void io_write_atomic(const char *path, const Chunk *chunks, int n, const char *fn);
/* Reads a whole file into GC memory (IOError naming fn if it cannot). */
unsigned char *io_read_file(const char *path, size_t *size, const char *fn);

/* A .npy file's bytes as a tensor (errors name path: a file, or "file.npz:member"). */
Tensor *io_npy_parse(const unsigned char *bytes, size_t size, const char *path);

/* Test hook: the next atomic write fails after this many bytes (-1: never). */
void cdl_io_inject_failure(long long after_bytes);

#endif
