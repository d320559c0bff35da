/* Convolution geometry and kernels shared by conv.c and conv_kernels.c. */
#ifndef COURSDL_CONV_INTERNAL_H
#define COURSDL_CONV_INTERNAL_H

#include "nn_internal.h"

/* A convolution from images (N, C, H, W) to outputs (N, O, OH, OW) with a
 * kh x kw kernel; pt / pl are the top / left padding (bottom / right
 * padding is implied by OH / OW). */
typedef struct ConvGeom {
    int64_t N, C, H, W, O, OH, OW, kh, kw;
    int64_t sh, sw, pt, pl, dh, dw;
    int groups;
} ConvGeom;

/* cols (C*kh*kw, N*OH*OW) from x (N, C, H, W), and the adjoint (x zeroed first). */
void conv_im2col(const ConvGeom *g, DType dt, const void *x, void *cols);
void conv_col2im(const ConvGeom *g, DType dt, const void *cols, void *x);
/* (O, N*L) -> (N, O, L) adding bias (to_nol), or (N, O, L) -> (O, N*L). */
void conv_transpose_nol(DType dt, int64_t N, int64_t O, int64_t L, const void *src, void *dst, const void *bias,
                        bool to_nol);
/* out_t (O, NL) = W (O, C/g*kk) @ cols, per group. */
void conv_gemm_forward(const ConvGeom *g, DType dt, const void *w, const void *cols, void *out_t);
/* gcols (C*kk, NL) = W^T @ g_t, per group. */
void conv_gemm_input(const ConvGeom *g, DType dt, const void *w, const void *g_t, void *gcols);
/* gw (O, C/g*kk) = g_t @ cols^T, per group. */
void conv_gemm_weight(const ConvGeom *g, DType dt, const void *g_t, const void *cols, void *gw);
/* Conv2d forward in chunks of images: y (N, O, OH, OW) = conv(x, w) + b (b may be NULL), then ReLU when
 * relu. When cols is not NULL (C*kh*kw*N*OH*OW elements) the im2col columns are left there for the
 * backward. Returns the number of images per chunk (the backward must use the same to read cols). */
int64_t conv_forward_images(const ConvGeom *g, DType dt, const void *x, const void *w, const void *b, void *y,
                            void *cols, bool relu);
/* Conv2d backward in chunks of images: any of gx (x's shape), gw (w's shape), gb (O) may be NULL. cols:
 * the forward's columns with nb images per chunk, or NULL (computed again from x). ymask: the output of
 * a fused ReLU (gy only counts where it is > 0), or NULL. */
void conv_backward_images(const ConvGeom *g, DType dt, const void *x, const void *w, const void *gy,
                          void *gx, void *gw, void *gb, const void *cols, int64_t nb, const void *ymask);

#endif
