/* matplotlib's default look: named colours, the tab10 cycle, line styles,
 * markers and text alignment names. */
#include "internal.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const unsigned char TAB10[10][3] = {
    { 0x1f, 0x77, 0xb4 }, { 0xff, 0x7f, 0x0e }, { 0x2c, 0xa0, 0x2c }, { 0xd6, 0x27, 0x28 }, { 0x94, 0x67, 0xbd },
    { 0x8c, 0x56, 0x4b }, { 0xe3, 0x77, 0xc2 }, { 0x7f, 0x7f, 0x7f }, { 0xbc, 0xbd, 0x22 }, { 0x17, 0xbe, 0xcf },
};
static const char *TAB10_NAMES[10] = { "blue", "orange", "green", "red", "purple",
                                       "brown", "pink", "gray", "olive", "cyan" };

static const struct { const char *name; unsigned rgb; } NAMED[] = {
    { "b", 0x0000ff }, { "g", 0x008000 }, { "r", 0xff0000 }, { "c", 0x00bfbf }, { "m", 0xbf00bf },
    { "y", 0xbfbf00 }, { "k", 0x000000 }, { "w", 0xffffff },
    { "black", 0x000000 }, { "white", 0xffffff }, { "red", 0xff0000 }, { "green", 0x008000 },
    { "blue", 0x0000ff }, { "orange", 0xffa500 }, { "purple", 0x800080 }, { "gray", 0x808080 },
    { "grey", 0x808080 }, { "lightgray", 0xd3d3d3 }, { "lightgrey", 0xd3d3d3 }, { "darkgray", 0xa9a9a9 },
    { "yellow", 0xffff00 }, { "cyan", 0x00ffff }, { "magenta", 0xff00ff }, { "brown", 0xa52a2a },
    { "pink", 0xffc0cb }, { "navy", 0x000080 }, { "darkblue", 0x00008b }, { "darkred", 0x8b0000 },
    { "darkgreen", 0x006400 }, { "lightblue", 0xadd8e6 }, { "lightgreen", 0x90ee90 },
    { "olive", 0x808000 }, { "teal", 0x008080 }, { "gold", 0xffd700 }, { "crimson", 0xdc143c },
    { "salmon", 0xfa8072 }, { "steelblue", 0x4682b4 }, { "skyblue", 0x87ceeb }, { "tomato", 0xff6347 },
    { "violet", 0xee82ee }, { "indigo", 0x4b0082 }, { "coral", 0xff7f50 }, { "limegreen", 0x32cd32 },
};

Rgba plt_tab10(int i)
{
    i = ((i % 10) + 10) % 10;
    return (Rgba){ TAB10[i][0] / 255.0, TAB10[i][1] / 255.0, TAB10[i][2] / 255.0, 1 };
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

Rgba plt_color(const char *fn, const char *spec)
{
    if (!spec || !*spec)
        error_raise(ERR_VALUE, "%s: empty colour (give e.g. \"tab:blue\", \"C1\", \"red\" or \"#1f77b4\")", fn);
    if (spec[0] == '#') {
        size_t len = strlen(spec + 1);
        int v[8];
        bool ok = len == 6 || len == 8;
        for (size_t i = 0; ok && i < len; i++)
            ok = (v[i] = hexval(spec[1 + i])) >= 0;
        if (ok)
            return (Rgba){ (v[0] * 16 + v[1]) / 255.0, (v[2] * 16 + v[3]) / 255.0, (v[4] * 16 + v[5]) / 255.0,
                           len == 8 ? (v[6] * 16 + v[7]) / 255.0 : 1 };
    } else if (spec[0] == 'C' && spec[1] >= '0' && spec[1] <= '9' && !spec[2]) {
        return plt_tab10(spec[1] - '0');
    } else if (!strncmp(spec, "tab:", 4)) {
        for (int i = 0; i < 10; i++)
            if (!strcmp(spec + 4, TAB10_NAMES[i]) || (i == 7 && !strcmp(spec + 4, "grey")))
                return plt_tab10(i);
    } else {
        for (size_t i = 0; i < sizeof NAMED / sizeof NAMED[0]; i++)
            if (!strcasecmp(spec, NAMED[i].name)) {
                unsigned c = NAMED[i].rgb;
                return (Rgba){ (c >> 16) / 255.0, ((c >> 8) & 255) / 255.0, (c & 255) / 255.0, 1 };
            }
        /* A grey level "0.8", as matplotlib accepts. */
        char *end;
        double g = strtod(spec, &end);
        if (end != spec && !*end && g >= 0 && g <= 1)
            return (Rgba){ g, g, g, 1 };
    }
    error_raise(ERR_VALUE, "%s: unknown colour \"%s\" (use \"tab:blue\"...\"tab:cyan\", \"C0\"...\"C9\", a name "
                "such as \"red\", or \"#rrggbb\")", fn, spec);
}

Rgba plt_color_or_cycle(const char *fn, const char *spec, Axes *ax)
{
    if (spec)
        return plt_color(fn, spec);
    return plt_tab10(ax->cycle++);
}

Dash plt_dash(const char *fn, const char *spec)
{
    if (!spec || !strcmp(spec, "-") || !strcmp(spec, "solid")) return DASH_SOLID;
    if (!strcmp(spec, "--") || !strcmp(spec, "dashed")) return DASH_DASHED;
    if (!strcmp(spec, ":") || !strcmp(spec, "dotted")) return DASH_DOTTED;
    if (!strcmp(spec, "-.") || !strcmp(spec, "dashdot")) return DASH_DASHDOT;
    if (!strcmp(spec, "none") || !strcmp(spec, "None") || !strcmp(spec, "") || !strcmp(spec, " ")) return DASH_NONE;
    error_raise(ERR_VALUE, "%s: unknown linestyle \"%s\" (use \"-\", \"--\", \":\", \"-.\" or \"none\")", fn, spec);
}

char plt_marker(const char *fn, const char *spec)
{
    if (!spec || !*spec || !strcmp(spec, "none") || !strcmp(spec, "None"))
        return 0;
    if (!spec[1] && strchr("os^vDdx+*.<>p", spec[0]))
        return spec[0] == 'd' ? 'D' : spec[0];
    error_raise(ERR_VALUE, "%s: unknown marker \"%s\" (use \"o\", \"s\", \"^\", \"v\", \"<\", \">\", \"D\", "
                "\"x\", \"+\", \"*\", \"p\" or \".\")", fn, spec);
}

double plt_alpha(const char *fn, double alpha)
{
    if (alpha == 0)
        return 1;
    if (!(alpha > 0 && alpha <= 1))
        error_raise(ERR_VALUE, "%s: alpha is %g (give an opacity between 0 and 1)", fn, alpha);
    return alpha;
}

double plt_ha(const char *fn, const char *ha, double dflt)
{
    if (!ha) return dflt;
    if (!strcmp(ha, "left")) return 0;
    if (!strcmp(ha, "center") || !strcmp(ha, "centre")) return 0.5;
    if (!strcmp(ha, "right")) return 1;
    error_raise(ERR_VALUE, "%s: unknown alignment \"%s\" (use \"left\", \"center\" or \"right\")", fn, ha);
}

int plt_va(const char *fn, const char *va, int dflt)
{
    if (!va) return dflt;
    if (!strcmp(va, "baseline")) return VA_BASELINE;
    if (!strcmp(va, "bottom")) return VA_BOTTOM;
    if (!strcmp(va, "center") || !strcmp(va, "center_baseline")) return VA_CENTER;
    if (!strcmp(va, "top")) return VA_TOP;
    error_raise(ERR_VALUE, "%s: unknown vertical alignment \"%s\" (use \"baseline\", \"bottom\", \"center\" or \"top\")",
                fn, va);
}
