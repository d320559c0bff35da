/* PNG encoding into memory: RGB, 8 bits, the Sub filter and fast deflate.
 * Figures are opaque (white background), so the alpha channel is dropped;
 * cairo's own writer (libpng, default compression) took 10 ms a figure. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static unsigned char *put32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)(v >> 24); p[1] = (unsigned char)(v >> 16);
    p[2] = (unsigned char)(v >> 8); p[3] = (unsigned char)v;
    return p + 4;
}

/* Writes a chunk (length, type, data, CRC) at p; returns the end. */
static unsigned char *chunk(unsigned char *p, const char *type, const unsigned char *data, uint32_t len)
{
    p = put32(p, len);
    memcpy(p, type, 4);
    if (len) memcpy(p + 4, data, len);
    uint32_t crc = (uint32_t)crc32(0, p, 4 + len);
    return put32(p + 4 + len, crc);
}

unsigned char *plt_png_encode(const unsigned char *argb, int width, int height, int stride, size_t *size)
{
    size_t rowlen = (size_t)width * 3 + 1;
    unsigned char *raw = plt_xmalloc(rowlen * height);
    for (int y = 0; y < height; y++) {
        const uint32_t *src = (const uint32_t *)(argb + (size_t)y * stride);
        unsigned char *o = raw + rowlen * y;
        *o++ = 1; /* Sub: each byte minus the one 3 bytes before */
        unsigned pr = 0, pg = 0, pb = 0;
        for (int x = 0; x < width; x++) {
            uint32_t v = src[x];
            unsigned a = v >> 24, r = (v >> 16) & 255, g = (v >> 8) & 255, b = v & 255;
            if (a != 255) { /* un-premultiply over white */
                r += 255 - a; g += 255 - a; b += 255 - a;
            }
            *o++ = (unsigned char)(r - pr); *o++ = (unsigned char)(g - pg); *o++ = (unsigned char)(b - pb);
            pr = r; pg = g; pb = b;
        }
    }
    uLongf zlen = compressBound(rowlen * height);
    unsigned char *z = plt_xmalloc(zlen);
    int rc = compress2(z, &zlen, raw, rowlen * height, 1);
    free(raw);
    if (rc != Z_OK) {
        free(z);
        error_raise(ERR_MEMORY, "plt: PNG compression failed (zlib error %d)", rc);
    }
    unsigned char *png = plt_xmalloc(8 + 25 + 12 + zlen + 12), *p = png;
    static const unsigned char sig[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
    memcpy(p, sig, 8);
    p += 8;
    unsigned char ihdr[13];
    put32(ihdr, (uint32_t)width);
    put32(ihdr + 4, (uint32_t)height);
    ihdr[8] = 8; ihdr[9] = 2; ihdr[10] = 0; ihdr[11] = 0; ihdr[12] = 0;
    p = chunk(p, "IHDR", ihdr, 13);
    p = chunk(p, "IDAT", z, (uint32_t)zlen);
    p = chunk(p, "IEND", NULL, 0);
    free(z);
    *size = (size_t)(p - png);
    return png;
}
