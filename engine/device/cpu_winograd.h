/* The CPU backend's Winograd F(2x2, 3x3) convolution (cpu_winograd.c),
 * taken by cpu_conv2d / cpu_conv2d_bwd where it applies. */
#ifndef COURSDL_CPU_WINOGRAD_H
#define COURSDL_CPU_WINOGRAD_H

#include "backend.h"

/* float32, 3x3, stride 1, no dilation, one group, 8 channels or more each
 * side, on a CPU with AVX2 and FMA; never when CDL_NO_WINO is set in the
 * environment (im2col + gemm then: for comparisons, bench/peers_bench.py). */
bool cpu_winograd_applies(const ConvGeom *g, DType dt);
/* Images per chunk for this geometry on the pool's threads. */
int64_t cpu_winograd_chunk_images(const ConvGeom *g);
/* Floats of the transformed input the forward keeps for the backward, with
 * chunks of nb images. */
int64_t cpu_winograd_kept_numel(const ConvGeom *g, int64_t nb);
/* y (N, O, OH, OW) = conv(x, w) + b (b may be NULL), ReLU when relu, in
 * chunks of nb images (0: cpu_winograd_chunk_images); kept
 * (cpu_winograd_kept_numel floats, or NULL) receives the transformed input.
 * Returns the images per chunk (the backward needs it with kept). */
int64_t cpu_winograd_forward(const ConvGeom *g, const float *x, const float *w, const float *b, float *y, bool relu,
                             float *kept, int64_t nb);
/* Any of gx, gw, gb (NULL: not wanted); mask: the fused ReLU's output or
 * NULL; kept / nb: what the forward kept and returned, or NULL / 0. */
void cpu_winograd_backward(const ConvGeom *g, const float *x, const float *w, const float *gy, const float *mask,
                           float *gx, float *gw, float *gb, const float *kept, int64_t nb);

#endif
