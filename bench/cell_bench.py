#!/usr/bin/env python3
"""A 200-line cell's round trip in the kernel against TinyCC's raw compile
of the same code (issue 17, kernel goal).

The cell is what a student writes in one go: a struct, a dozen functions
with loops, globals, a few tensors and a training-like loop of 3 steps,
then one call; it runs in well under a millisecond, so its round trip is
the kernel's cost: splitting the cell, compiling it with TinyCC (with the
bounds checker, the default, and with `%bounds off`), binding its
functions and globals into the persistent scope, running it, and the
Jupyter messages (execute_request to the IOPub `idle`, through
jupyter_client). The floor is build/bench/tcc_compile: libtcc compiling
the same code as one file with the kernel's options and relocating it in
memory, nothing else: with `#include <coursdl.h>` (compiling the cell as
a file: glibc's headers come with it), with the kernel's own prelude
`#include <coursdl_cell.h>` (compact declarations instead of glibc's: the
same text the kernel compiles, so the ratio to it is the kernel's own
cost) and with only the ten declarations the cell uses (TinyCC's cost for
the code alone). Ratios kernel / raw are printed (1.0 would be a kernel
that costs nothing beyond TinyCC).

Run with the project venv: .venv/bin/python bench/cell_bench.py
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from kernel_bench import timed_executes  # noqa: E402  (sets JUPYTER_PATH)

LINES = 200
TRIVIAL = "int x = 1;"


# Only the declarations the cell uses, taken from the engine's headers: the
# floor without the cost of reading the whole of <coursdl.h>.
MINIMAL_DECLS = ("typedef struct Tensor Tensor;", "typedef struct Generator Generator;",
                 "#define CDL_SHAPE(", "#define tensor_randn(", "Tensor *tensor_randn_shape(",
                 "float *tensor_data_f32(", "int64_t tensor_numel(", "Tensor *tensor_relu(",
                 "Tensor *tensor_matmul(", "Tensor *tensor_mul_scalar(")


def minimal_prelude() -> str:
    lines = (ROOT / "engine" / "include" / "coursdl" / "tensor.h").read_text().split("\n")
    out = ["#include <stdint.h>", "#include <stddef.h>"]
    for want in MINIMAL_DECLS:
        i = next(i for i, line in enumerate(lines) if line.startswith(want))
        out.append(lines[i])
        while lines[i].endswith("\\"):
            i += 1
            out.append(lines[i])
    return "\n".join(out) + "\n"


def cell_source() -> tuple[str, dict[str, str]]:
    """The cell, and the same code as one C file for libtcc: with
    <coursdl.h>, with the kernel's prelude <coursdl_cell.h>, with only the
    declarations it uses."""
    body = [
        "typedef struct Stats { double mean, var, lo, hi; int n; } Stats;",
        "static int g_calls = 0;",
        "double g_history[64];",
    ]
    # Helpers a student writes: each ~13 lines, loops and branches.
    for k in range(12):
        body += [
            f"static double helper_{k}(const float *x, int n, double scale)",
            "{",
            "    double acc = 0, best = -1e30;",
            "    for (int i = 0; i < n; i++) {",
            f"        double v = x[i] * scale + {k}.5;",
            "        if (v > best)",
            "            best = v;",
            "        acc += v * v;",
            "    }",
            "    g_calls++;",
            f"    g_history[{k} % 64] = acc;",
            "    return n ? acc / n + 0.001 * best : 0;",
            "}",
        ]
    body += [
        "static Stats stats_of(Tensor *t)",
        "{",
        "    Stats s = { 0, 0, 1e30, -1e30, (int)tensor_numel(t) };",
        "    const float *p = tensor_data_f32(t);",
        "    for (int i = 0; i < s.n; i++) {",
        "        s.mean += p[i];",
        "        if (p[i] < s.lo) s.lo = p[i];",
        "        if (p[i] > s.hi) s.hi = p[i];",
        "    }",
        "    s.mean /= s.n;",
        "    for (int i = 0; i < s.n; i++)",
        "        s.var += (p[i] - s.mean) * (p[i] - s.mean);",
        "    s.var /= s.n;",
        "    return s;",
        "}",
        "double experiment(void)",
        "{",
        "    Tensor *w = tensor_randn(8, 4);",
        "    Tensor *x = tensor_randn(16, 8);",
        "    double total = 0;",
        "    for (int step = 0; step < 3; step++) {",
        "        Tensor *h = tensor_relu(tensor_matmul(x, w));",
        "        Stats s = stats_of(h);",
        "        const float *p = tensor_data_f32(h);",
    ]
    body += [f"        total += helper_{k}(p, (int)tensor_numel(h), s.mean + {k});" for k in range(12)]
    body += [
        "        w = tensor_mul_scalar(w, 0.9);",
        "    }",
        "    return total;",
        "}",
    ]
    # Pad with short documented globals up to LINES - 1 lines, then the call.
    i = 0
    while len(body) < LINES - 1:
        body.append(f"int g_pad_{i} = {i};  /* a setting */")
        i += 1
    cell = "\n".join(body + ["double result = experiment();"]) + "\n"
    code = "\n".join(body) + "\ndouble result;\nvoid run_cell(void) { result = experiment(); }\n"
    assert cell.count("\n") == LINES, cell.count("\n")
    return cell, {"header": "#include <coursdl.h>\n" + code,
                  "prelude": "#include <coursdl_cell.h>\n" + code,
                  "bare": minimal_prelude() + code}


def kernel_round_trips(cell: str, bounds: bool, n: int, warmup: int) -> list[list[float]]:
    """Round trips of the cell, and of a one-line cell in the same kernel."""
    return timed_executes("coursdl", [cell, TRIVIAL], n, warmup, setup=None if bounds else "%bounds off")


def raw_compile(raw: str, reps: int) -> float:
    tool = ROOT / "build" / "bench" / "tcc_compile"
    if not tool.exists():
        sys.exit(f"{tool} is missing: run `make {tool.relative_to(ROOT)}`")
    with tempfile.NamedTemporaryFile("w", suffix=".c") as f:
        f.write(raw)
        f.flush()
        out = subprocess.run([str(tool), f.name, str(reps), str(ROOT / "engine" / "include"),
                              str(ROOT / "kernel" / "include")],
                             capture_output=True, text=True, check=True)
    return float(out.stdout)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--executes", type=int, default=40)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--runs", type=int, default=3, help="alternating kernel/raw runs; medians over all")
    args = ap.parse_args()
    cell, files = cell_source()
    on, off, trivial, raw = [], [], [], {k: [] for k in files}
    for _ in range(args.runs):
        for k, text in files.items():
            raw[k].append(raw_compile(text, args.executes))
        on += kernel_round_trips(cell, True, args.executes, args.warmup)[0]
        cell_t, trivial_t = kernel_round_trips(cell, False, args.executes, args.warmup)
        off += cell_t
        trivial += trivial_t
    r = {k: statistics.median(v) for k, v in raw.items()}
    k_on, k_off, k_1 = statistics.median(on), statistics.median(off), statistics.median(trivial)
    print(f"{LINES}-line cell ({len(cell)} bytes), medians of {args.runs} runs x {args.executes}:")
    print(f"  TinyCC raw, as a file with <coursdl.h>           {r['header'] * 1e3:8.2f} ms")
    print(f"  TinyCC raw, with the kernel's <coursdl_cell.h>   {r['prelude'] * 1e3:8.2f} ms")
    print(f"  TinyCC raw, only the 10 declarations used        {r['bare'] * 1e3:8.2f} ms")
    for label, k in (("%bounds off", k_off), ("bounds on (default)", k_on)):
        print(f"  {'kernel round trip, ' + label:<47}  {k * 1e3:8.2f} ms = "
              f"{k / r['header']:4.2f}x file, {k / r['prelude']:4.2f}x same prelude, {k / r['bare']:4.2f}x bare")
    print(f"  {'kernel round trip, `' + TRIVIAL + '` (%bounds off)':<47}  {k_1 * 1e3:8.2f} ms")
    print(f"  beyond TinyCC (round trip %bounds off - raw with the same prelude: messages, splitting, "
          f"binding, running): {(k_off - r['prelude']) * 1e3:.2f} ms")


if __name__ == "__main__":
    main()
