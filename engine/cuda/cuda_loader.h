/* The engine's side of the CUDA backend (engine/cuda/loader.c, part of
 * libcoursdl, no CUDA headers): the registry's loader for device type
 * CUDA. */
#ifndef COURSDL_CUDA_LOADER_H
#define COURSDL_CUDA_LOADER_H

#include <stddef.h>

struct Backend;

/* The CUDA backend when a driver, a GPU and the backend library
 * (libcoursdl_cuda.so) are there; else NULL with the reason in why ("no
 * NVIDIA driver: ...", "no CUDA device: ...", "the CUDA backend was not
 * built: ...", "CUDA is turned off ..."). Called once, by the registry, at
 * the first question about CUDA. */
const struct Backend *cdl_cuda_load(char *why, size_t n);

#endif
