/* Axes settings: limits, scales, ticks, grid, legend, axis on/off and
 * tight_layout. They only record; render.c applies them. */
#include "internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *LOCS[] = { "best", "upper right", "upper left", "lower left", "lower right", "right",
                              "center left", "center right", "lower center", "upper center", "center" };

void plt_legend_(const LegendOptions *o)
{
    int loc = -1;
    const char *name = o->loc ? o->loc : "best";
    for (int i = 0; i < (int)(sizeof LOCS / sizeof LOCS[0]); i++)
        if (!strcmp(name, LOCS[i]))
            loc = i;
    if (loc < 0)
        error_raise(ERR_VALUE, "plt_legend: unknown loc \"%s\" (use \"best\", \"upper right\", \"upper left\", "
                    "\"lower left\", \"lower right\", \"right\", \"center left\", \"center right\", "
                    "\"lower center\", \"upper center\" or \"center\")", name);
    if (o->fontsize < 0)
        error_raise(ERR_VALUE, "plt_legend: fontsize %g (give a size in points)", o->fontsize);
    Axes *ax = plt_axes_for(o->ax);
    ax->legend = true;
    ax->legend_loc = loc;
    ax->legend_size = o->fontsize ? o->fontsize : 10;
    ax->legend_frame = !o->frameoff;
}

void plt_grid_(bool on, const GridOptions *o)
{
    const char *axis = o->axis ? o->axis : "both";
    if (strcmp(axis, "both") && strcmp(axis, "x") && strcmp(axis, "y"))
        error_raise(ERR_VALUE, "plt_grid: axis \"%s\" (use \"both\", \"x\" or \"y\")", axis);
    Rgba c = o->color ? plt_color("plt_grid", o->color) : (Rgba){ 0xb0 / 255.0, 0xb0 / 255.0, 0xb0 / 255.0, 1 };
    Dash d = plt_dash("plt_grid", o->linestyle);
    c.a *= plt_alpha("plt_grid", o->alpha);
    Axes *ax = plt_axes_for(o->ax);
    if (strcmp(axis, "y")) ax->xaxis.grid = on;
    if (strcmp(axis, "x")) ax->yaxis.grid = on;
    ax->grid_color = c;
    ax->grid_dash = d;
    ax->grid_width = o->linewidth > 0 ? o->linewidth : 0.8;
}

static void set_lim(const char *fn, AxisState *s, double lo, double hi)
{
    if (!isfinite(lo) || !isfinite(hi) || lo == hi)
        error_raise(ERR_VALUE, "%s: limits %g, %g (give two different finite values)", fn, lo, hi);
    if (s->scale == SCALE_LOG && (lo <= 0 || hi <= 0))
        error_raise(ERR_VALUE, "%s: limits %g, %g on a log scale (give values > 0)", fn, lo, hi);
    s->lim[0] = lo;
    s->lim[1] = hi;
    s->lim_set = true;
}

void plt_xlim(double lo, double hi) { set_lim("plt_xlim", &plt_gca()->xaxis, lo, hi); }
void plt_ylim(double lo, double hi) { set_lim("plt_ylim", &plt_gca()->yaxis, lo, hi); }

static void set_scale(const char *fn, AxisState *s, const char *scale)
{
    if (scale && !strcmp(scale, "log")) {
        if (s->lim_set && (s->lim[0] <= 0 || s->lim[1] <= 0))
            error_raise(ERR_VALUE, "%s: the limits %g, %g include values <= 0 (set limits > 0 for a log scale)",
                        fn, s->lim[0], s->lim[1]);
        s->scale = SCALE_LOG;
    } else if (scale && !strcmp(scale, "linear")) {
        s->scale = SCALE_LINEAR;
    } else {
        error_raise(ERR_VALUE, "%s: unknown scale \"%s\" (use \"linear\" or \"log\")", fn, scale ? scale : "(null)");
    }
}

void plt_xscale(const char *scale) { set_scale("plt_xscale", &plt_gca()->xaxis, scale); }
void plt_yscale(const char *scale) { set_scale("plt_yscale", &plt_gca()->yaxis, scale); }

static void set_ticks(const char *fn, AxisState *s, const double *ticks, int n, const char *const *labels)
{
    if (n < 0 || n > MAX_TICKS || (n > 0 && !ticks))
        error_raise(ERR_VALUE, "%s: %d ticks%s (give 0 to %d tick values)", fn, n, n > 0 && !ticks ? " but NULL" : "",
                    MAX_TICKS);
    for (int i = 0; i < n; i++)
        if (!isfinite(ticks[i]))
            error_raise(ERR_VALUE, "%s: ticks[%d] is not finite", fn, i);
    free(s->ticks);
    for (int i = 0; s->ticklabels && i < s->nticks; i++)
        free(s->ticklabels[i]);
    free(s->ticklabels);
    s->ticks = plt_xmalloc((size_t)(n ? n : 1) * sizeof *s->ticks);
    memcpy(s->ticks, ticks ? ticks : s->ticks, (size_t)n * sizeof *s->ticks);
    s->ticklabels = NULL;
    if (labels) {
        s->ticklabels = plt_xcalloc((size_t)(n ? n : 1), sizeof *s->ticklabels);
        for (int i = 0; i < n; i++)
            s->ticklabels[i] = plt_xstrdup(labels[i] ? labels[i] : "");
    }
    s->nticks = n;
    s->ticks_set = true;
}

void plt_xticks(const double *ticks, int n, const char *const *labels)
{
    set_ticks("plt_xticks", &plt_gca()->xaxis, ticks, n, labels);
}

void plt_yticks(const double *ticks, int n, const char *const *labels)
{
    set_ticks("plt_yticks", &plt_gca()->yaxis, ticks, n, labels);
}

void plt_axis(const char *mode)
{
    Axes *ax = plt_gca();
    if (mode && !strcmp(mode, "off")) ax->axis_off = true;
    else if (mode && !strcmp(mode, "on")) ax->axis_off = false;
    else if (mode && (!strcmp(mode, "equal") || !strcmp(mode, "scaled"))) ax->equal = true;
    else
        error_raise(ERR_VALUE, "plt_axis: unknown mode \"%s\" (use \"off\", \"on\" or \"equal\")",
                    mode ? mode : "(null)");
}

void plt_tight_layout(void)
{
    plt_current_figure()->tight = true;
}
