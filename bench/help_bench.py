#!/usr/bin/env python3
"""Completion and inspection latency with 500 cells of state: coursdl
against ipykernel, in the same run.

Each kernel first runs 500 cells that each define a variable, a function
and (every 10th) a struct (coursdl) or a class (ipykernel). Then it measures
the round trip (request sent to reply received, median and 95th percentile
over --repeats) of:
  complete-engine   complete_request "tensor_ra" / "np.ra"-like library prefix
  complete-own      complete_request of the notebook's own names ("v12")
  complete-member   members after '.' of a notebook struct / object
  inspect-engine    inspect_request of a library function (tensor_randn / print)
  inspect-own       inspect_request of a notebook variable (with its value)
Goal (issue 11): every coursdl median under 20 ms.

Run with the project venv: .venv/bin/python bench/help_bench.py
"""
from __future__ import annotations

import argparse
import os
import queue
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ["JUPYTER_PATH"] = str(ROOT / "build" / "share" / "jupyter")

from jupyter_client.manager import KernelManager  # noqa: E402

QUIET = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
GOAL_MS = 20.0


def c_cell(i: int) -> str:
    s = f"int v{i} = {i};\nint f{i}(int x) {{ return x + v{i}; }}\n"
    if i % 10 == 0:
        s += f"typedef struct {{ double x, y; int label{i}; }} P{i};\nP{i} p{i} = {{ 1, 2, {i} }};\n"
    return s


def py_cell(i: int) -> str:
    s = f"v{i} = {i}\ndef f{i}(x):\n    return x + v{i}\n"
    if i % 10 == 0:
        s += f"class P{i}:\n    def __init__(self):\n        self.x, self.y, self.label{i} = 1, 2, {i}\np{i} = P{i}()\n"
    return s


KERNELS = [
    ("coursdl", "coursdl", c_cell, {
        "complete-engine": ("tensor_ra", None), "complete-own": ("v12", None), "complete-member": ("p250.", None),
        "inspect-engine": ("tensor_randn", None), "inspect-own": ("v250", None)}),
    ("ipykernel", "python3", py_cell, {
        "complete-engine": ("import os\nos.pa", None), "complete-own": ("v12", None),
        "complete-member": ("p250.", None), "inspect-engine": ("print", None), "inspect-own": ("v250", None)}),
]


def reply_to(kc, msg_id, timeout=60):
    deadline = time.monotonic() + timeout
    while True:
        try:
            msg = kc.get_shell_msg(timeout=max(0.01, deadline - time.monotonic()))
        except queue.Empty:
            raise TimeoutError(f"no reply to {msg_id}")
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg


def measure(kernel_name, cell, requests, n_cells, repeats):
    km = KernelManager(kernel_name=kernel_name)
    km.start_kernel(**QUIET)
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        t0 = time.monotonic()
        for i in range(n_cells):
            r = reply_to(kc, kc.execute(cell(i)))
            assert r["content"]["status"] == "ok", r["content"]
        setup = time.monotonic() - t0
        out = {}
        for name, (code, _) in requests.items():
            times = []
            for _ in range(repeats):
                t = time.perf_counter()
                if name.startswith("complete"):
                    r = reply_to(kc, kc.complete(code, len(code)))
                    assert r["content"]["matches"], (name, r["content"])
                else:
                    r = reply_to(kc, kc.inspect(code, len(code)))
                    assert r["content"]["found"], (name, r["content"])
                times.append((time.perf_counter() - t) * 1000)
            times.sort()
            out[name] = (statistics.median(times), times[int(0.95 * (len(times) - 1))])
        return setup, out
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cells", type=int, default=500)
    ap.add_argument("--repeats", type=int, default=60)
    a = ap.parse_args()
    results = {}
    for label, name, cell, requests in KERNELS:
        setup, out = measure(name, cell, requests, a.cells, a.repeats)
        results[label] = out
        print(f"{label}: {a.cells} cells of state in {setup:.1f} s", flush=True)
    print(f"\n{'request':<18}{'coursdl ms':>12}{'p95':>8}{'ipykernel ms':>14}{'p95':>8}{'ratio':>8}")
    worst = 0.0
    for req in results["coursdl"]:
        c, cp = results["coursdl"][req]
        p, pp = results["ipykernel"][req]
        worst = max(worst, c)
        print(f"{req:<18}{c:>12.2f}{cp:>8.2f}{p:>14.2f}{pp:>8.2f}{c / p:>8.2f}")
    print(f"\ngoal: every coursdl median under {GOAL_MS:.0f} ms with {a.cells} cells of state: "
          f"{'met' if worst < GOAL_MS else 'NOT met'} (worst {worst:.2f} ms)")
    return 0 if worst < GOAL_MS else 1


if __name__ == "__main__":
    sys.exit(main())
