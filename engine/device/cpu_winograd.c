/* 3x3 stride-1 convolutions by Winograd's minimal filtering F(2x2, 3x3)
 * (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks",
 * 2015), float32: each 2x2 output tile takes 16 products per (input,
 * output) channel pair instead of 36, so the three passes of a layer like
 * the course CNN's Conv(32 -> 64, 3x3) on 13x13 images do about half the
 * multiply-adds of im2col + gemm, with no im2col / col2im pass.
 *
 * Per tile t (2x2 outputs, a 4x4 input patch d at 2ty - pt, 2tx - pl):
 *   V = B^T d B,  U = G g G^T,  M_xi = sum_c U_xi[o, c] V_xi[c, t] (16 gemms),
 *   y = A^T M A (+ bias, ReLU).
 * The backward reuses the forward's V (kept instead of im2col columns:
 * 16 / 9 x 36 / 121 of their size for that layer) and shares one transform
 * of the output gradient between both gradients:
 *   dM = A dy A^T,  dU_xi = dM_xi V_xi^T,  dV_xi = U_xi^T dM_xi,
 *   dg = G^T dU G,  dx += B dV B^T (patches overlap: added).
 * The batch is cut into chunks of images that the pool's threads take in
 * turn; each chunk's buffers are laid out [xi][channel][tile]. */
#include "cpu.h"
#include "cpu_winograd.h"
#include "../parallel/pool.h"

#include <stdlib.h>
#include <string.h>


static int64_t tiles_h(const ConvGeom *g) { return (g->OH + 1) / 2; }
static int64_t tiles_w(const ConvGeom *g) { return (g->OW + 1) / 2; }

/* The stride between the 16 planes xi of a [xi][rows][T] buffer: one
 * cache line more than the plane, so that the transforms' 16 streams do
 * not fall on the same cache sets (planes of 32 KB would). */
static int64_t plane(int64_t rows, int64_t T) { return rows * T + 16; }

/* The kept buffer: one [xi][C][T] block per chunk of nb images. */
static int64_t chunk_count(const ConvGeom *g, int64_t nb) { return (g->N + nb - 1) / nb; }
static int64_t kept_block(const ConvGeom *g, int64_t nb) { return 16 * plane(g->C, nb * tiles_h(g) * tiles_w(g)); }

int64_t cpu_winograd_kept_numel(const ConvGeom *g, int64_t nb) { return chunk_count(g, nb) * kept_block(g, nb); }

/* Tiles per chunk: the chunk's products (16 x O x T floats) stay near the
 * core's L2; at least two chunks per thread when the batch allows. */
#define WINO_CHUNK_TILES 128

int64_t cpu_winograd_chunk_images(const ConvGeom *g)
{
    int64_t per = tiles_h(g) * tiles_w(g), nb = WINO_CHUNK_TILES / per, nt = parallel_num_threads();
    int64_t most = (g->N + 2 * nt - 1) / (2 * nt);
    if (nb > most) nb = most;
    return nb < 1 ? 1 : nb;
}

/* ---- the 1-d transforms and their adjoints ---- */

/* B^T on 4 values (input transform) and its adjoint B. */
#define BT(d0, d1, d2, d3, r) do { r[0] = d0 - d2; r[1] = d1 + d2; r[2] = d2 - d1; r[3] = d1 - d3; } while (0)
#define B_(r0, r1, r2, r3, d) do { d[0] = r0; d[1] = r1 - r2 + r3; d[2] = r1 + r2 - r0; d[3] = -r3; } while (0)
/* A^T (output transform, 4 -> 2) and its adjoint A (2 -> 4). */
#define AT(m0, m1, m2, m3, y) do { y[0] = m0 + m1 + m2; y[1] = m1 - m2 - m3; } while (0)
#define A_(y0, y1, m) do { m[0] = y0; m[1] = y0 + y1; m[2] = y0 - y1; m[3] = -y1; } while (0)

/* U[xi][o][c] = (G w[o][c] G^T)[xi]. */
static void weight_transform(const ConvGeom *g, const float *w, float *U)
{
    int64_t OC = g->O * g->C;
    for (int64_t oc = 0; oc < OC; oc++) {
        const float *k = w + oc * 9;
        float t[4][3], u[4][4];
        for (int j = 0; j < 3; j++) {  /* G on columns */
            t[0][j] = k[j];
            t[1][j] = 0.5f * (k[j] + k[3 + j] + k[6 + j]);
            t[2][j] = 0.5f * (k[j] - k[3 + j] + k[6 + j]);
            t[3][j] = k[6 + j];
        }
        for (int i = 0; i < 4; i++) {  /* G^T on rows */
            u[i][0] = t[i][0];
            u[i][1] = 0.5f * (t[i][0] + t[i][1] + t[i][2]);
            u[i][2] = 0.5f * (t[i][0] - t[i][1] + t[i][2]);
            u[i][3] = t[i][2];
        }
        for (int xi = 0; xi < 16; xi++)
            U[xi * OC + oc] = u[xi / 4][xi % 4];
    }
}

/* dw[o][c] = G^T dU[o][c] G (dU summed over the chunks, in double). */
static void weight_transform_adjoint(const ConvGeom *g, const double *dU, float *dw)
{
    int64_t OC = g->O * g->C;
    for (int64_t oc = 0; oc < OC; oc++) {
        double u[4][4], t[4][3];
        for (int xi = 0; xi < 16; xi++)
            u[xi / 4][xi % 4] = dU[xi * OC + oc];
        for (int i = 0; i < 4; i++) {  /* adjoint of G^T on rows */
            t[i][0] = u[i][0] + 0.5 * (u[i][1] + u[i][2]);
            t[i][1] = 0.5 * (u[i][1] - u[i][2]);
            t[i][2] = 0.5 * (u[i][1] + u[i][2]) + u[i][3];
        }
        for (int j = 0; j < 3; j++) {  /* adjoint of G on columns */
            dw[oc * 9 + j] = (float)(t[0][j] + 0.5 * (t[1][j] + t[2][j]));
            dw[oc * 9 + 3 + j] = (float)(0.5 * (t[1][j] - t[2][j]));
            dw[oc * 9 + 6 + j] = (float)(0.5 * (t[1][j] + t[2][j]) + t[3][j]);
        }
    }
}

/* ---- transforms over a chunk (vectorised over an image's tiles) ----
 * Each (image, channel) plane is copied into a zero-padded patch buffer
 * first, so that no tile needs a bounds check. */

/* Rows and columns of the padded plane: every tile's 4x4 patch inside. */
static int64_t pad_h(const ConvGeom *g) { return 2 * tiles_h(g) + 2; }
static int64_t pad_w(const ConvGeom *g) { return 2 * tiles_w(g) + 2; }

/* P (pad_h x pad_w) = the plane src (H x W) at (pt, pl), zero around. */
static void pad_plane(const ConvGeom *g, const float *src, float *P)
{
    int64_t Hp = pad_h(g), Wp = pad_w(g);
    memset(P, 0, sizeof(float) * (size_t)(Hp * Wp));
    for (int64_t h = 0; h < g->H; h++) {
        int64_t r = h + g->pt;
        if (r < 0 || r >= Hp) continue;
        for (int64_t w = 0; w < g->W; w++) {
            int64_t c = w + g->pl;
            if (c >= 0 && c < Wp) P[r * Wp + c] = src[h * g->W + w];
        }
    }
}

/* V[xi][c][t] (planes PV apart) for the m images at x: B^T d B per tile.
 * work: 17 * tiles-per-image + pad_h * pad_w floats. */
CPU_VEC
static void input_transform(const ConvGeom *g, const float *x, int64_t m, float *V, int64_t PV, int64_t T, float *work)
{
    int64_t th = tiles_h(g), tw = tiles_w(g), nt = th * tw, C = g->C, Wp = pad_w(g);
    float *P = work + 16 * nt, *D = work;  /* D[i * 4 + j][t]: the patches' entries */
    for (int64_t n = 0; n < m; n++)
        for (int64_t c = 0; c < C; c++) {
            pad_plane(g, x + (n * C + c) * g->H * g->W, P);
            for (int64_t ty = 0; ty < th; ty++)
                for (int64_t tx = 0; tx < tw; tx++) {
                    const float *q = P + 2 * ty * Wp + 2 * tx;
                    for (int i = 0; i < 4; i++)
                        for (int j = 0; j < 4; j++) D[(i * 4 + j) * nt + ty * tw + tx] = q[i * Wp + j];
                }
            float *out = V + c * T + n * nt;
            for (int64_t t = 0; t < nt; t++) {
                float d[16], u[16], r[4];
                for (int k = 0; k < 16; k++) d[k] = D[k * nt + t];
                for (int j = 0; j < 4; j++) {
                    BT(d[j], d[4 + j], d[8 + j], d[12 + j], r);
                    for (int i = 0; i < 4; i++) u[i * 4 + j] = r[i];
                }
                for (int i = 0; i < 4; i++) {
                    BT(u[i * 4], u[i * 4 + 1], u[i * 4 + 2], u[i * 4 + 3], r);
                    for (int j = 0; j < 4; j++) out[(i * 4 + j) * PV + t] = r[j];
                }
            }
        }
}

/* dM[xi][o][t] (planes PM apart) = A dy A^T of the m images' output
 * gradient (counted only where mask > 0 when a ReLU was fused); gb[o] =
 * its sum. Per image and channel: the tiles' 2x2 gradients gathered into
 * E[i * 2 + j][t] (0 past the edge of a partial tile), then transformed in
 * a loop over the tiles that the compiler vectorises.
 * work: 4 * tiles-per-image + 2 * tiles-across floats. */
CPU_VEC
static void grad_transform(const ConvGeom *g, const float *gy, const float *mask, int64_t m, float *dM, int64_t PM,
                           int64_t T, float *gb, float *work)
{
    int64_t th = tiles_h(g), tw = tiles_w(g), nt = th * tw, O = g->O, OH = g->OH, OW = g->OW;
    float *restrict E0 = work, *restrict E1 = work + nt, *restrict E2 = work + 2 * nt, *restrict E3 = work + 3 * nt;
    for (int64_t o = 0; o < O; o++) {
        float sum = 0;
        for (int64_t n = 0; n < m; n++) {
            int64_t at = (n * O + o) * OH * OW;
            const float *gp = gy + at, *mp = mask ? mask + at : NULL;
            for (int64_t oh = 0; oh < 2 * th; oh++) {  /* a row of gradients, masked, 0 past the edge */
                float *restrict R = work + 4 * nt;
                int64_t w = 0;
                if (oh < OH) {
                    const float *g_ = gp + oh * OW, *m_ = mp ? mp + oh * OW : NULL;
                    if (m_)
                        for (; w < OW; w++) R[w] = m_[w] > 0 ? g_[w] : 0.0f;
                    else
                        for (; w < OW; w++) R[w] = g_[w];
                }
                for (; w < 2 * tw; w++) R[w] = 0.0f;
                float *restrict Ea = oh & 1 ? E2 : E0, *restrict Eb = oh & 1 ? E3 : E1;
                for (int64_t tx = 0; tx < tw; tx++) {
                    Ea[(oh >> 1) * tw + tx] = R[2 * tx];
                    Eb[(oh >> 1) * tw + tx] = R[2 * tx + 1];
                }
            }
            for (int64_t t = 0; t < nt; t++) sum += (E0[t] + E1[t]) + (E2[t] + E3[t]);
            /* A on the rows (2 -> 4: y0, y0 + y1, y0 - y1, -y1), then on the columns. */
            float *restrict out = dM + o * T + n * nt;
            for (int64_t t = 0; t < nt; t++) {
                float s[4][2] = { { E0[t], E1[t] }, { E0[t] + E2[t], E1[t] + E3[t] }, { E0[t] - E2[t], E1[t] - E3[t] },
                                  { -E2[t], -E3[t] } };
                for (int i = 0; i < 4; i++) {
                    out[(i * 4) * PM + t] = s[i][0];
                    out[(i * 4 + 1) * PM + t] = s[i][0] + s[i][1];
                    out[(i * 4 + 2) * PM + t] = s[i][0] - s[i][1];
                    out[(i * 4 + 3) * PM + t] = -s[i][1];
                }
            }
        }
        if (gb) gb[o] = sum;
    }
}

/* ---- the fused products ----
 * For a block of TB tiles: Mb[xi][r][TB] = A_xi (R x K, row-major) B_xi[:, block]
 * (K rows ldb apart) for the 16 xi, kept in L1/L2, then an epilogue turns
 * the block into outputs at once (no product buffer for the chunk). */
#define TB 16
/* The stride of a block buffer's planes xi: a cache line more than R x TB
 * (R = 64 would put the 16 planes 4 KB apart, on the same L1 sets). */
static int64_t bplane(int64_t R) { return R * TB + 16; }

/* Where tile tt of a chunk sits: its image and its top-left output. */
typedef struct TilePos { int64_t n, oh, ow; } TilePos;

static void tile_positions(const ConvGeom *g, int64_t t0, int64_t nt, TilePos *pos)
{
    int64_t tw = tiles_w(g), per = tiles_h(g) * tw, n = t0 / per, r = t0 % per;
    for (int64_t t = 0; t < nt; t++, r++) {
        if (r == per) { r = 0; n++; }
        pos[t] = (TilePos){ n, 2 * (r / tw), 2 * (r % tw) };
    }
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#include <immintrin.h>
#define WINO_AVX2 1

/* rows (<= 6) x 16 block of A B: acc in registers over k. */
__attribute__((target("avx2,fma"), always_inline)) static inline void
mk_rows(int rows, const float *A, int64_t lda, const float *B, int64_t ldb, int64_t K, float *out)
{
    __m256 acc[6][2];
    for (int r = 0; r < 6; r++) acc[r][0] = acc[r][1] = _mm256_setzero_ps();
    for (int64_t k = 0; k < K; k++) {
        __m256 b0 = _mm256_loadu_ps(B + k * ldb), b1 = _mm256_loadu_ps(B + k * ldb + 8);
        for (int r = 0; r < rows; r++) {
            __m256 a = _mm256_broadcast_ss(A + r * lda + k);
            acc[r][0] = _mm256_fmadd_ps(a, b0, acc[r][0]);
            acc[r][1] = _mm256_fmadd_ps(a, b1, acc[r][1]);
        }
    }
    for (int r = 0; r < rows; r++) {
        _mm256_storeu_ps(out + r * TB, acc[r][0]);
        _mm256_storeu_ps(out + r * TB + 8, acc[r][1]);
    }
}

/* out (R x TB) = A (R x K) B (K x TB, rows ldb apart). */
__attribute__((target("avx2,fma"))) static void block_product(const float *A, int64_t R, int64_t K, const float *B,
                                                              int64_t ldb, float *out)
{
    int64_t r = 0;
    for (; r + 6 <= R; r += 6) mk_rows(6, A + r * K, K, B, ldb, K, out + r * TB);
    switch (R - r) {
    case 5: mk_rows(5, A + r * K, K, B, ldb, K, out + r * TB); break;
    case 4: mk_rows(4, A + r * K, K, B, ldb, K, out + r * TB); break;
    case 3: mk_rows(3, A + r * K, K, B, ldb, K, out + r * TB); break;
    case 2: mk_rows(2, A + r * K, K, B, ldb, K, out + r * TB); break;
    case 1: mk_rows(1, A + r * K, K, B, ldb, K, out + r * TB); break;
    default: break;
    }
}

static bool cpu_has_avx2_fma(void)
{
    static int known = -1;
    if (known < 0)
        known = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    return known;
}
#else
#define WINO_AVX2 0
static void block_product(const float *A, int64_t R, int64_t K, const float *B, int64_t ldb, float *out)
{
    (void)A; (void)R; (void)K; (void)B; (void)ldb; (void)out;
}
static bool cpu_has_avx2_fma(void) { return false; }
#endif

/* y from Mb[xi][o][TB] for tiles t0.. t0 + nt - 1 of the chunk (per
 * image: tiles-per-image), bias and ReLU: A^T M A. */
CPU_VEC
static void output_block(const ConvGeom *g, const float *Mb, int64_t t0, int64_t nt, const float *bias, bool relu,
                         float *y)
{
    int64_t O = g->O, OH = g->OH, OW = g->OW, P = bplane(O);
    TilePos pos[TB];
    tile_positions(g, t0, nt, pos);
    for (int64_t o = 0; o < O; o++) {
        float z[4][TB], s[8][TB], bv = bias ? bias[o] : 0.0f;
        const float *p = Mb + o * TB;
        for (int i = 0; i < 4; i++)
            for (int t = 0; t < TB; t++) {
                s[i * 2][t] = p[(i * 4) * P + t] + p[(i * 4 + 1) * P + t] + p[(i * 4 + 2) * P + t];
                s[i * 2 + 1][t] = p[(i * 4 + 1) * P + t] - p[(i * 4 + 2) * P + t] - p[(i * 4 + 3) * P + t];
            }
        for (int j = 0; j < 2; j++)
            for (int t = 0; t < TB; t++) {
                float a = s[j][t] + s[2 + j][t] + s[4 + j][t] + bv, b = s[2 + j][t] - s[4 + j][t] - s[6 + j][t] + bv;
                z[j][t] = relu && a < 0 ? 0.0f : a;
                z[2 + j][t] = relu && b < 0 ? 0.0f : b;
            }
        for (int64_t t = 0; t < nt; t++) {
            float *out = y + (pos[t].n * O + o) * OH * OW;
            for (int i = 0; i < 2; i++)
                for (int j = 0; j < 2; j++) {
                    int64_t oh = pos[t].oh + i, ow = pos[t].ow + j;
                    if (oh < OH && ow < OW) out[oh * OW + ow] = z[i * 2 + j][t];
                }
        }
    }
}

/* gx += B dV B^T for tiles t0.. t0 + nt - 1 from Vb[xi][c][TB]: the
 * patches overlap, so added, inside the image only. */
CPU_VEC
static void input_adjoint_block(const ConvGeom *g, const float *Vb, int64_t t0, int64_t nt, float *gx)
{
    int64_t C = g->C, H = g->H, W = g->W, P = bplane(C);
    TilePos pos[TB];
    tile_positions(g, t0, nt, pos);
    for (int64_t c = 0; c < C; c++) {
        float u[16][TB], d[16][TB];
        const float *p = Vb + c * TB;
        for (int i = 0; i < 4; i++)
            for (int t = 0; t < TB; t++) {
                float r0 = p[(i * 4) * P + t], r1 = p[(i * 4 + 1) * P + t];
                float r2 = p[(i * 4 + 2) * P + t], r3 = p[(i * 4 + 3) * P + t];
                u[i * 4][t] = r0;
                u[i * 4 + 1][t] = r1 - r2 + r3;
                u[i * 4 + 2][t] = r1 + r2 - r0;
                u[i * 4 + 3][t] = -r3;
            }
        for (int j = 0; j < 4; j++)
            for (int t = 0; t < TB; t++) {
                float r0 = u[j][t], r1 = u[4 + j][t], r2 = u[8 + j][t], r3 = u[12 + j][t];
                d[j][t] = r0;
                d[4 + j][t] = r1 - r2 + r3;
                d[8 + j][t] = r1 + r2 - r0;
                d[12 + j][t] = -r3;
            }
        for (int64_t t = 0; t < nt; t++) {
            float *img = gx + (pos[t].n * C + c) * H * W;
            int64_t ih = pos[t].oh - g->pt, iw = pos[t].ow - g->pl;
            for (int i = 0; i < 4; i++) {
                if (ih + i < 0 || ih + i >= H) continue;
                for (int j = 0; j < 4; j++)
                    if (iw + j >= 0 && iw + j < W) img[(ih + i) * W + iw + j] += d[i * 4 + j][t];
            }
        }
    }
}

/* The forward of a chunk's T tiles from V: per block, the 16 products then
 * the output transform into y (the chunk's images). Mb: 16 * O * TB floats. */
static void forward_blocks(const ConvGeom *g, const float *U, const float *V, int64_t PV, int64_t T, const float *bias,
                           bool relu, float *y, float *Mb)
{
    int64_t O = g->O, C = g->C;
    for (int64_t t0 = 0; t0 < T; t0 += TB) {
        for (int xi = 0; xi < 16; xi++)
            block_product(U + xi * O * C, O, C, V + xi * PV + t0, T, Mb + xi * bplane(O));
        output_block(g, Mb, t0, T - t0 < TB ? T - t0 : TB, bias, relu, y);
    }
}

/* gx of a chunk (zeroed here) from dM: per block, dV = U^T dM (UT: [xi][c][o])
 * then the adjoint input transform. Vb: 16 * bplane(C) floats. */
static void input_grad_blocks(const ConvGeom *g, const float *UT, const float *dM, int64_t PM, int64_t T, int64_t m,
                              float *gx, float *Vb)
{
    int64_t O = g->O, C = g->C;
    memset(gx, 0, sizeof(float) * (size_t)(m * C * g->H * g->W));
    for (int64_t t0 = 0; t0 < T; t0 += TB) {
        for (int xi = 0; xi < 16; xi++)
            block_product(UT + xi * O * C, C, O, dM + xi * PM + t0, T, Vb + xi * bplane(C));
        input_adjoint_block(g, Vb, t0, T - t0 < TB ? T - t0 : TB, gx);
    }
}

/* ---- the chunked passes ---- */

typedef struct WinoJob {
    const ConvGeom *g;
    const float *x, *U, *b, *gy, *mask;
    float *y, *gx, *V;   /* V: the whole batch's transformed input (kept by the forward), or NULL */
    float *dU_parts, *gb_parts;
    bool relu;
    int64_t nb;
    int failed;
} WinoJob;

/* Floats of the transforms' work buffer. */
static int64_t work_floats(const ConvGeom *g) { return 17 * tiles_h(g) * tiles_w(g) + pad_h(g) * pad_w(g); }

static void fwd_chunks(int64_t b, int64_t e, void *arg)
{
    WinoJob *J = arg;
    const ConvGeom *g = J->g;
    int64_t per = tiles_h(g) * tiles_w(g), C = g->C, O = g->O, nT = J->nb * per;
    float *scratch = J->V ? NULL : malloc(sizeof(float) * (size_t)(16 * plane(C, nT)));
    float *Mb = malloc(sizeof(float) * (size_t)(16 * bplane(O) + work_floats(g)));
    if ((!J->V && !scratch) || !Mb) { free(scratch); free(Mb); J->failed = 1; return; }
    for (int64_t k = b; k < e; k++) {
        int64_t n0 = k * J->nb, m = g->N - n0 < J->nb ? g->N - n0 : J->nb, T = m * per, PV = plane(C, T);
        float *V = J->V ? J->V + k * kept_block(g, J->nb) : scratch;
        input_transform(g, J->x + n0 * C * g->H * g->W, m, V, PV, T, Mb + 16 * bplane(O));
        forward_blocks(g, J->U, V, PV, T, J->b, J->relu, J->y + n0 * O * g->OH * g->OW, Mb);
    }
    free(scratch);
    free(Mb);
}

int64_t cpu_winograd_forward(const ConvGeom *g, const float *x, const float *w, const float *b, float *y, bool relu,
                             float *kept, int64_t nb)
{
    float *U = malloc(sizeof(float) * (size_t)(16 * g->O * g->C));
    if (!U)
        error_raise(ERR_MEMORY, "nn_conv2d: out of memory for the transformed weights");
    weight_transform(g, w, U);
    WinoJob J = { .g = g, .x = x, .U = U, .b = b, .y = y, .V = kept, .relu = relu,
                  .nb = nb > 0 ? nb : cpu_winograd_chunk_images(g) };
    parallel_for_dynamic(chunk_count(g, J.nb), 1, fwd_chunks, &J);
    free(U);
    if (J.failed)
        error_raise(ERR_MEMORY, "nn_conv2d: out of memory for the Winograd scratch buffers");
    return J.nb;
}

static void bwd_chunks(int64_t b, int64_t e, void *arg)
{
    WinoJob *J = arg;
    const ConvGeom *g = J->g;
    int64_t per = tiles_h(g) * tiles_w(g), C = g->C, O = g->O, nT = J->nb * per;
    bool need_v = J->dU_parts && !J->V;
    float *dM = malloc(sizeof(float) * (size_t)(16 * plane(O, nT) + 16 * bplane(C) + work_floats(g)));
    float *vbuf = need_v ? malloc(sizeof(float) * (size_t)(16 * plane(C, nT))) : NULL;
    if (!dM || (need_v && !vbuf)) { free(dM); free(vbuf); J->failed = 1; return; }
    float *Vb = dM + 16 * plane(O, nT), *work = Vb + 16 * bplane(C);
    for (int64_t k = b; k < e; k++) {
        int64_t n0 = k * J->nb, m = g->N - n0 < J->nb ? g->N - n0 : J->nb, T = m * per;
        int64_t PV = plane(C, T), PM = plane(O, T), yo = n0 * O * g->OH * g->OW;
        grad_transform(g, J->gy + yo, J->mask ? J->mask + yo : NULL, m, dM, PM, T,
                       J->gb_parts ? J->gb_parts + k * O : NULL, work);
        if (J->dU_parts) {
            const float *V = J->V ? J->V + k * kept_block(g, J->nb) : vbuf;
            if (!J->V) input_transform(g, J->x + n0 * C * g->H * g->W, m, vbuf, PV, T, work);
            float *part = J->dU_parts + k * 16 * O * C;
            for (int xi = 0; xi < 16; xi++)
                cpu_gemm(DT_FLOAT32, false, true, O, C, T, 1.0, dM + xi * PM, T, V + xi * PV, T, 0.0,
                         part + xi * O * C, C);
        }
        if (J->gx)
            input_grad_blocks(g, J->U, dM, PM, T, m, J->gx + n0 * C * g->H * g->W, Vb);
    }
    free(dM);
    free(vbuf);
}

void cpu_winograd_backward(const ConvGeom *g, const float *x, const float *w, const float *gy, const float *mask,
                           float *gx, float *gw, float *gb, const float *kept, int64_t nb)
{
    int64_t OC = g->O * g->C, chunks;
    WinoJob J = { .g = g, .x = x, .gy = gy, .mask = mask, .gx = gx, .V = (float *)kept,
                  .nb = kept ? nb : cpu_winograd_chunk_images(g) };
    chunks = chunk_count(g, J.nb);
    float *U = gx ? malloc(sizeof(float) * (size_t)(16 * OC)) : NULL;
    J.dU_parts = gw ? malloc(sizeof(float) * (size_t)(chunks * 16 * OC)) : NULL;
    J.gb_parts = gb ? malloc(sizeof(float) * (size_t)(chunks * g->O)) : NULL;
    double *dU = gw ? malloc(sizeof(double) * (size_t)(16 * OC)) : NULL;
    if ((gx && !U) || (gw && (!J.dU_parts || !dU)) || (gb && !J.gb_parts)) {
        free(U); free(J.dU_parts); free(J.gb_parts); free(dU);
        error_raise(ERR_MEMORY, "nn_conv2d: out of memory for the Winograd backward buffers");
    }
    if (U) {  /* U^T per xi: [xi][c][o], the input gradient's left factor */
        float *t = malloc(sizeof(float) * (size_t)(16 * OC));
        if (!t) { free(U); free(J.dU_parts); free(J.gb_parts); free(dU);
                  error_raise(ERR_MEMORY, "nn_conv2d: out of memory for the Winograd backward buffers"); }
        weight_transform(g, w, t);
        for (int xi = 0; xi < 16; xi++)
            for (int64_t o = 0; o < g->O; o++)
                for (int64_t c = 0; c < g->C; c++) U[xi * OC + c * g->O + o] = t[xi * OC + o * g->C + c];
        free(t);
    }
    J.U = U;
    parallel_for_dynamic(chunks, 1, bwd_chunks, &J);
    if (!J.failed && gw) {  /* the chunks' partial sums in a fixed order: deterministic; chunk by chunk, in
                             * memory order (a chunk's part is 16 x O x C floats: a stride that misses the cache) */
        for (int64_t i = 0; i < 16 * OC; i++) dU[i] = 0;
        for (int64_t c = 0; c < chunks; c++) {
            const float *part = J.dU_parts + c * 16 * OC;
            for (int64_t i = 0; i < 16 * OC; i++) dU[i] += part[i];
        }
        weight_transform_adjoint(g, dU, gw);
    }
    if (!J.failed && gb)
        for (int64_t o = 0; o < g->O; o++) {
            double s = 0;
            for (int64_t c = 0; c < chunks; c++) s += J.gb_parts[c * g->O + o];
            gb[o] = (float)s;
        }
    free(U); free(J.dU_parts); free(J.gb_parts); free(dU);
    if (J.failed)
        error_raise(ERR_MEMORY, "nn_conv2d: out of memory for the Winograd scratch buffers");
}

bool cpu_winograd_applies(const ConvGeom *g, DType dt)
{
    /* AVX2 with FMA (the products' kernel). Few channels make the 16 products too thin for gemm (the course's first
     * layer, 1 -> 32, stays on im2col). */
    static int off = -1;  /* CDL_NO_WINO in the environment: im2col + gemm everywhere (to compare the two) */
    if (off < 0) off = getenv("CDL_NO_WINO") != NULL;
    if (off) return false;
    return WINO_AVX2 && dt == DT_FLOAT32 && g->groups == 1 && g->kh == 3 && g->kw == 3 && g->sh == 1 &&
           g->sw == 1 && g->dh == 1 && g->dw == 1 && g->C >= 8 && g->O >= 8 && cpu_has_avx2_fma();
}
