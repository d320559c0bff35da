/* matplotlib's colormaps, sampled at 9 to 11 control points and interpolated
 * linearly (indistinguishable from the 256-entry tables at plot sizes). */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define HEX(c) { (c) >> 16, ((c) >> 8) & 255, (c) & 255 }

static const unsigned char VIRIDIS[][3] = { HEX(0x440154), HEX(0x482475), HEX(0x414487), HEX(0x355f8d),
    HEX(0x2a788e), HEX(0x21918c), HEX(0x22a884), HEX(0x44bf70), HEX(0x7ad151), HEX(0xbddf26), HEX(0xfde725) };
static const unsigned char PLASMA[][3] = { HEX(0x0d0887), HEX(0x41049d), HEX(0x6a00a8), HEX(0x8f0da4),
    HEX(0xb12a90), HEX(0xcc4778), HEX(0xe16462), HEX(0xf2844b), HEX(0xfca636), HEX(0xfcce25), HEX(0xf0f921) };
static const unsigned char INFERNO[][3] = { HEX(0x000004), HEX(0x160b39), HEX(0x420a68), HEX(0x6a176e),
    HEX(0x932667), HEX(0xbc3754), HEX(0xdd513a), HEX(0xf37819), HEX(0xfca50a), HEX(0xf6d746), HEX(0xfcffa4) };
static const unsigned char MAGMA[][3] = { HEX(0x000004), HEX(0x140e36), HEX(0x3b0f70), HEX(0x641a80),
    HEX(0x8c2981), HEX(0xb73779), HEX(0xde4968), HEX(0xf7705c), HEX(0xfe9f6d), HEX(0xfecf92), HEX(0xfcfdbf) };
static const unsigned char GRAY[][3] = { HEX(0x000000), HEX(0xffffff) };
static const unsigned char GREYS[][3] = { HEX(0xffffff), HEX(0xf0f0f0), HEX(0xd9d9d9), HEX(0xbdbdbd),
    HEX(0x969696), HEX(0x737373), HEX(0x525252), HEX(0x252525), HEX(0x000000) };
static const unsigned char BLUES[][3] = { HEX(0xf7fbff), HEX(0xdeebf7), HEX(0xc6dbef), HEX(0x9ecae1),
    HEX(0x6baed6), HEX(0x4292c6), HEX(0x2171b5), HEX(0x08519c), HEX(0x08306b) };
static const unsigned char REDS[][3] = { HEX(0xfff5f0), HEX(0xfee0d2), HEX(0xfcbba1), HEX(0xfc9272),
    HEX(0xfb6a4a), HEX(0xef3b2c), HEX(0xcb181d), HEX(0xa50f15), HEX(0x67000d) };
static const unsigned char GREENS[][3] = { HEX(0xf7fcf5), HEX(0xe5f5e0), HEX(0xc7e9c0), HEX(0xa1d99b),
    HEX(0x74c476), HEX(0x41ab5d), HEX(0x238b45), HEX(0x006d2c), HEX(0x00441b) };
static const unsigned char ORANGES[][3] = { HEX(0xfff5eb), HEX(0xfee6ce), HEX(0xfdd0a2), HEX(0xfdae6b),
    HEX(0xfd8d3c), HEX(0xf16913), HEX(0xd94801), HEX(0xa63603), HEX(0x7f2704) };
static const unsigned char RDBU[][3] = { HEX(0x67001f), HEX(0xb2182b), HEX(0xd6604d), HEX(0xf4a582),
    HEX(0xfddbc7), HEX(0xf7f7f7), HEX(0xd1e5f0), HEX(0x92c5de), HEX(0x4393c3), HEX(0x2166ac), HEX(0x053061) };
static const unsigned char COOLWARM[][3] = { HEX(0x3b4cc0), HEX(0x6282ea), HEX(0x8db0fe), HEX(0xb8d0f9),
    HEX(0xdddcdc), HEX(0xf5c4ad), HEX(0xf49a7b), HEX(0xde604d), HEX(0xb40426) };
static const unsigned char JET[][3] = { HEX(0x00007f), HEX(0x0000ff), HEX(0x007fff), HEX(0x00ffff),
    HEX(0x7fff7f), HEX(0xffff00), HEX(0xff7f00), HEX(0xff0000), HEX(0x7f0000) };
static const unsigned char BWR[][3] = { HEX(0x0000ff), HEX(0xffffff), HEX(0xff0000) };
static const unsigned char TAB10C[][3] = { HEX(0x1f77b4), HEX(0xff7f0e), HEX(0x2ca02c), HEX(0xd62728),
    HEX(0x9467bd), HEX(0x8c564b), HEX(0xe377c2), HEX(0x7f7f7f), HEX(0xbcbd22), HEX(0x17becf) };

#define N(a) (int)(sizeof a / sizeof a[0])
static const Colormap CMAPS[] = {
    { "viridis", N(VIRIDIS), VIRIDIS, false, false }, { "plasma", N(PLASMA), PLASMA, false, false },
    { "inferno", N(INFERNO), INFERNO, false, false }, { "magma", N(MAGMA), MAGMA, false, false },
    { "gray", N(GRAY), GRAY, false, false }, { "grey", N(GRAY), GRAY, false, false },
    { "binary", N(GRAY), GRAY, true, false }, { "Greys", N(GREYS), GREYS, false, false },
    { "Blues", N(BLUES), BLUES, false, false }, { "Reds", N(REDS), REDS, false, false },
    { "Greens", N(GREENS), GREENS, false, false }, { "Oranges", N(ORANGES), ORANGES, false, false },
    { "RdBu", N(RDBU), RDBU, false, false }, { "coolwarm", N(COOLWARM), COOLWARM, false, false },
    { "jet", N(JET), JET, false, false }, { "bwr", N(BWR), BWR, false, false },
    { "tab10", N(TAB10C), TAB10C, false, true },
};
#define NCMAPS N(CMAPS)
/* The same maps reversed ("gray_r"), built on first use. */
static Colormap g_reversed[NCMAPS];

const Colormap *plt_cmap(const char *fn, const char *name, const char *dflt)
{
    if (!name)
        name = dflt;
    size_t len = strlen(name);
    bool rev = len > 2 && !strcmp(name + len - 2, "_r");
    for (int i = 0; i < NCMAPS; i++) {
        if (strncmp(CMAPS[i].name, name, rev ? len - 2 : len) || strlen(CMAPS[i].name) != (rev ? len - 2 : len))
            continue;
        if (!rev)
            return &CMAPS[i];
        g_reversed[i] = CMAPS[i];
        g_reversed[i].reversed = !CMAPS[i].reversed;
        return &g_reversed[i];
    }
    char names[512] = "";
    for (int i = 0; i < NCMAPS; i++) {
        strcat(names, i ? ", " : "");
        strcat(names, CMAPS[i].name);
    }
    error_raise(ERR_VALUE, "%s: unknown colormap \"%s\" (use one of %s; add \"_r\" to reverse)", fn, name, names);
}

Rgba plt_cmap_at(const Colormap *cm, double t)
{
    if (!(t >= 0)) t = 0;  /* also NaN */
    if (t > 1) t = 1;
    if (cm->reversed)
        t = 1 - t;
    if (cm->discrete) {
        int i = (int)(t * cm->n);
        if (i >= cm->n) i = cm->n - 1;
        return (Rgba){ cm->rgb[i][0] / 255.0, cm->rgb[i][1] / 255.0, cm->rgb[i][2] / 255.0, 1 };
    }
    double f = t * (cm->n - 1);
    int i = (int)f;
    if (i >= cm->n - 1) i = cm->n - 2;
    double u = f - i;
    const unsigned char *a = cm->rgb[i], *b = cm->rgb[i + 1];
    return (Rgba){ (a[0] + u * (b[0] - a[0])) / 255.0, (a[1] + u * (b[1] - a[1])) / 255.0,
                   (a[2] + u * (b[2] - a[2])) / 255.0, 1 };
}
