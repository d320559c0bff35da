#!/usr/bin/env python3
"""Cost of the bounds checks of cells (%bounds on, the default) on cell loops.

The same loops are compiled twice in one kernel, with %bounds on and with
%bounds off, and timed inside the kernel in CPU time of its thread (best of --repeat): a local array
(the stack), a global array kept between cells, a tensor's data through a
pointer (the collector's heap), and a string copy. Prints nanoseconds per
element access and the ratio checked / unchecked.

Run with the project venv: .venv/bin/python bench/bounds_bench.py
"""
from __future__ import annotations

import argparse
import os
import queue
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ["JUPYTER_PATH"] = str(ROOT / "build" / "share" / "jupyter")

from jupyter_client.manager import KernelManager  # noqa: E402

LOOPS = {
    # name: (definitions, call, element accesses per call)
    "local array": ("double bb_local_{m}(int reps) {{ double a[1024]; double s = 0;\n"
                    "  for (int i = 0; i < 1024; i++) a[i] = i;\n"
                    "  for (int r = 0; r < reps; r++) for (int i = 0; i < 1024; i++) s += a[i];\n"
                    "  return s; }}", "bb_local_{m}(2000)", 2000 * 1024),
    "global array": ("double bb_g_{m}[4096];\n"
                     "double bb_global_{m}(int reps) {{ double s = 0;\n"
                     "  for (int r = 0; r < reps; r++) for (int i = 0; i < 4096; i++) s += bb_g_{m}[i];\n"
                     "  return s; }}", "bb_global_{m}(500)", 500 * 4096),
    "tensor data": ("double bb_tensor_{m}(Tensor *t, int reps) {{ float *d = tensor_data_f32(t); double s = 0;\n"
                    "  int64_t n = tensor_numel(t);\n"
                    "  for (int r = 0; r < reps; r++) for (int64_t i = 0; i < n; i++) s += d[i];\n"
                    "  return s; }}", "bb_tensor_{m}(bb_t, 20)", 20 * 100000),
    "strcpy": ("double bb_str_{m}(int reps) {{ char a[64], b[64]; memset(b, 'x', 63); b[63] = 0;\n"
               "  for (int r = 0; r < reps; r++) strcpy(a, b);\n"
               "  return a[0]; }}", "bb_str_{m}(200000)", 200000),
}


def execute(kc, code):
    msg_id = kc.execute(code)
    out = []
    while True:
        m = kc.get_iopub_msg(timeout=300)
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        if m["msg_type"] == "stream":
            out.append(m["content"]["text"])
        if m["msg_type"] == "error":
            raise RuntimeError(f"{code!r}: {m['content']['ename']}: {m['content']['evalue']}")
        if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
            return "".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    km = KernelManager(kernel_name="coursdl")
    km.start_kernel(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        execute(kc, "#include <time.h>\nTensor *bb_t = tensor_ones(100000);\n"
                    "double bb_now(void) { struct timespec ts; clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts); "
                    "return ts.tv_sec + ts.tv_nsec * 1e-9; }")
        print(f"bounds checks of cell loops (best of {args.repeat}, ns per access)")
        print(f"{'loop':14}{'checked':>10}{'unchecked':>11}{'ratio':>8}")
        for name, (defs, call, accesses) in LOOPS.items():
            ns = {}
            for mode in ("on", "off"):
                execute(kc, f"%bounds {mode}\n" + defs.format(m=mode))
                best = min(float(execute(kc, f'{{ double t0 = bb_now(); {call.format(m=mode)}; '
                                             f'printf("%.9f\\n", bb_now() - t0); }}'))
                           for _ in range(args.repeat))
                ns[mode] = best / accesses * 1e9
            print(f"{name:14}{ns['on']:10.2f}{ns['off']:11.2f}{ns['on'] / ns['off']:7.1f}x", flush=True)
        execute(kc, "%bounds on")
        print("(checked / unchecked; %bounds off in a cell turns the checks off for the cells compiled next)")
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


if __name__ == "__main__":
    sys.exit(main())
