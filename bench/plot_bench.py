#!/usr/bin/env python3
"""Plot rendering speed: builds a small C program against build/libcoursdl.so
and times the three course figures (median of repeated renders, PNG bytes
included). Targets: two-curve line plot with legend <= 50 ms, 200x200
decision boundary with 400 points <= 150 ms, 5x5 digit grid <= 80 ms.
Exit status 1 when a target is missed."""
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD = ROOT / "build"

SOURCE = r"""
#include <coursdl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1e3 + t.tv_nsec / 1e6; }
static int cmp(const void *a, const void *b) { double x = *(const double *)a, y = *(const double *)b; return (x > y) - (x < y); }
static int circle(double x, double y, void *ctx) { (void)ctx; return x * x + y * y < 1 ? 1 : 0; }

static double X[800]; static int L[400]; static float digits[25 * 784];
static double xs[200], s[200], c[200];
static const char *titles[25]; static char tb[25][32];

static void lines(void) {
    plt_figure();
    plt_plot(xs, s, 200, .label = "sin");
    plt_plot(xs, c, 200, .label = "cos");
    plt_legend();
}
static void boundary(void) { plt_figure(); plt_decision_boundary(circle, X, L, 400, .resolution = 200); }
static void grid(void) { plt_images(digits, 25, 28, 28, .ncols = 5, .titles = titles); }

static double bench(void (*draw)(void), int reps) {
    double t[64];
    for (int r = 0; r < reps; r++) {
        double t0 = now();
        draw();
        size_t n; unsigned char *png = plt_render_png(plt_gcf(), &n);
        plt_close();
        free(png);
        t[r] = now() - t0;
    }
    qsort(t, reps, sizeof t[0], cmp);
    return t[reps / 2];
}

int main(void) {
    for (int i = 0; i < 200; i++) { xs[i] = i * 6.283 / 199; s[i] = sin(xs[i]); c[i] = cos(xs[i]); }
    unsigned st = 7;
    for (int i = 0; i < 400; i++) {
        st = st * 1103515245u + 12345u; X[2 * i] = (st >> 8) % 4000 / 1000.0 - 2;
        st = st * 1103515245u + 12345u; X[2 * i + 1] = (st >> 8) % 4000 / 1000.0 - 2;
        L[i] = circle(X[2 * i], X[2 * i + 1], 0);
    }
    for (int k = 0; k < 25; k++) {
        for (int i = 0; i < 784; i++) digits[k * 784 + i] = (float)((i * (k + 3)) % 255) / 255.0f;
        snprintf(tb[k], sizeof tb[k], "Vrai: %d\nPrédit: %d", k % 10, (k * 7) % 10);
        titles[k] = tb[k];
    }
    bench(lines, 2); /* warm-up: fonts, PLplot driver */
    printf("lines %.1f\n", bench(lines, 21));
    printf("boundary %.1f\n", bench(boundary, 11));
    printf("grid %.1f\n", bench(grid, 11));
    return 0;
}
"""

TARGETS = {"lines": ("two-curve line plot with legend", 50),
           "boundary": ("200x200 decision boundary, 400 points", 150),
           "grid": ("5x5 digit grid with titles", 80)}


def main():
    lib = BUILD / "libcoursdl.so"
    if not lib.exists():
        subprocess.check_call(["make", "-C", str(ROOT), "build/libcoursdl.so"])
    with tempfile.TemporaryDirectory() as tmp:
        src, exe = Path(tmp) / "plot_bench.c", Path(tmp) / "plot_bench"
        src.write_text(SOURCE)
        subprocess.check_call(["gcc", "-std=c11", "-O2", "-D_GNU_SOURCE", f"-I{ROOT}/engine/include", str(src),
                               "-o", str(exe), f"-L{BUILD}", "-lcoursdl", f"-Wl,-rpath,{BUILD}", "-lm"])
        out = subprocess.check_output([str(exe)], text=True, cwd=tmp)
    ok = True
    for line in out.splitlines():
        name, ms = line.split()
        what, target = TARGETS[name]
        ms = float(ms)
        status = "ok" if ms <= target else "SLOW"
        ok = ok and ms <= target
        print(f"{what:40s} {ms:7.1f} ms  (target <= {target} ms, {ms / target:.2f} of it) {status}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
