/* Tick positions and labels like matplotlib's MaxNLocator (steps 1, 2, 2.5,
 * 5, 10) and ScalarFormatter (one number of decimals for all, U+2212 minus). */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

int plt_nice_ticks(double lo, double hi, int max_ticks, double *out, int cap, double *step_out)
{
    if (hi < lo) { double t = lo; lo = hi; hi = t; }
    if (hi - lo < 1e-300 * (fabs(lo) + 1)) { lo -= 1; hi += 1; }
    static const double steps[] = { 1, 2, 2.5, 5, 10 };
    double raw = (hi - lo) / (max_ticks > 1 ? max_ticks : 1);
    double mag = pow(10, floor(log10(raw)));
    double step = 10 * mag;
    for (int i = 0; i < 5; i++)
        if (steps[i] * mag >= raw * (1 - 1e-9)) { step = steps[i] * mag; break; }
    /* Ticks inside [lo, hi] (with a little tolerance for rounding). */
    double eps = step * 1e-9;
    double first = ceil((lo - eps) / step) * step;
    int n = 0;
    for (double v = first; v <= hi + eps && n < cap; v = first + n * step) {
        out[n++] = fabs(v) < step * 1e-10 ? 0 : v;
    }
    if (step_out) *step_out = step;
    return n;
}

void plt_format_ticks(const double *t, int n, double step, char labels[][32])
{
    int decimals = 0;
    /* As many decimals as the step needs (2.5 -> 1, 0.25 -> 2). */
    while (decimals < 10) {
        double scaled = step * pow(10, decimals);
        if (fabs(scaled - round(scaled)) < 1e-6 * scaled) break;
        decimals++;
    }
    double amax = 0;
    for (int i = 0; i < n; i++)
        if (fabs(t[i]) > amax) amax = fabs(t[i]);
    bool sci = amax >= 1e5 || (amax > 0 && amax < 1e-4);
    for (int i = 0; i < n; i++) {
        char buf[28];
        if (sci) snprintf(buf, sizeof buf, "%.2g", fabs(t[i]));
        else snprintf(buf, sizeof buf, "%.*f", decimals, fabs(t[i]));
        /* U+2212 MINUS SIGN, as matplotlib draws it. */
        snprintf(labels[i], 32, "%s%s", t[i] < 0 && strspn(buf, "0.") != strlen(buf) ? "\xe2\x88\x92" : "", buf);
    }
}

int plt_log_ticks(double lo, double hi, double *out, int cap)
{
    /* lo, hi are log10 values: decades, thinned out when there are many. */
    int a = (int)ceil(lo - 1e-9), b = (int)floor(hi + 1e-9);
    int every = 1;
    while ((b - a) / every > 8) every++;
    int n = 0;
    for (int k = a; k <= b && n < cap; k++)
        if (k % every == 0)
            out[n++] = k;
    return n;
}
