/* The engine's side of the CUDA backend (engine/cuda/loader.c, part of
 * libcoursdl): loading it at run time, and why it is not there. */
#ifndef COURSDL_CUDA_LOADER_H
#define COURSDL_CUDA_LOADER_H

#include "../device/backend.h"

/* The CUDA backend, loaded on first call when a driver, a GPU and the
 * backend library are present; NULL otherwise. */
const Backend *cuda_backend_load(void);
/* Why there is no CUDA backend ("no NVIDIA driver: ...", "no CUDA device
 * ...", "the CUDA backend was not built ..."), or NULL when there is one. */
const char *cuda_unavailable_reason(void);
/* "NVIDIA H200, 139.8 GiB (139.1 GiB free)" for cuda:index, or "not available". */
void cuda_describe(int index, char *buf, size_t n);

#endif
