#!/usr/bin/env python3
"""Long-session soak: many cells in one kernel, coursdl against ipykernel.

One kernel runs --cells cells (a mix: variables re-defined, expressions,
engine temporaries, function re-definitions), then --redefs re-definitions of
one function called through an earlier caller. Prints the time per cell and
the kernel's resident memory before and after, for coursdl and for ipykernel
(the same kinds of cells in Python) in the same run, and their ratios.

Run with the project venv: .venv/bin/python bench/soak_bench.py [--cells 20000 --redefs 5000]
"""
from __future__ import annotations

import argparse
import os
import queue
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ["JUPYTER_PATH"] = str(ROOT / "build" / "share" / "jupyter")

from jupyter_client.manager import KernelManager  # noqa: E402

QUIET = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}

C_CELLS = {
    "setup": ["int sk_keep = 31337;", "int sk_f(int x) { return x; }", "int sk_caller(int x) { return sk_f(x) + 1; }"],
    "mix": lambda i: [f"int sk_v{i % 100} = {i};", f"{i} * 2", "Tensor *sk_t = tensor_randn(64, 64);",
                      f"int sk_g(int x) {{ return x * {i}; }}"][i % 4],
    "redef": lambda i: f"int sk_f(int x) {{ return x + {i}; }}",
    "call": lambda i: f"sk_caller({i})",
    "expect_call": lambda i, last: str(i + last + 1),
    "check": "sk_keep",
}
PY_CELLS = {
    "setup": ["import numpy as np\nsk_keep = 31337", "def sk_f(x): return x", "def sk_caller(x): return sk_f(x) + 1"],
    "mix": lambda i: [f"sk_v{i % 100} = {i}", f"{i} * 2", "sk_t = np.random.randn(64, 64).astype('float32')",
                      f"def sk_g(x): return x * {i}"][i % 4],
    "redef": lambda i: f"def sk_f(x): return x + {i}",
    "call": lambda i: f"sk_caller({i})",
    "expect_call": lambda i, last: str(i + last + 1),
    "check": "sk_keep",
}


def rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def execute(kc, code, timeout=60):
    msg_id = kc.execute(code)
    result = None
    deadline = time.monotonic() + timeout
    while True:
        try:
            m = kc.get_iopub_msg(timeout=max(0.01, deadline - time.monotonic()))
        except queue.Empty:
            raise TimeoutError(code)
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        if m["msg_type"] == "execute_result":
            result = m["content"]["data"]["text/plain"]
        if m["msg_type"] == "error":
            raise RuntimeError(f"{code!r}: {m['content']['ename']}: {m['content']['evalue']}")
        if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
            return result


def soak(kernel_name, cells, n_cells, n_redefs):
    km = KernelManager(kernel_name=kernel_name)
    km.start_kernel(**QUIET)
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        pid = km.provisioner.process.pid
        for code in cells["setup"]:
            execute(kc, code)
        for i in range(200):  # warm up: the engine's heap, the allocator
            execute(kc, cells["mix"](i))
        rss0, t0 = rss_kb(pid), time.perf_counter()
        for i in range(n_cells):
            execute(kc, cells["mix"](i))
        t1 = time.perf_counter()
        rss1 = rss_kb(pid)
        for i in range(n_redefs):
            execute(kc, cells["redef"](i))
            if i % 100 == 99:
                got = execute(kc, cells["call"](i))
                if got != cells["expect_call"](i, i):
                    raise RuntimeError(f"{kernel_name}: a caller saw a stale definition: {got}")
        t2 = time.perf_counter()
        rss2 = rss_kb(pid)
        if execute(kc, cells["check"]) != "31337":
            raise RuntimeError(f"{kernel_name}: the first variable was lost")
        return {"cell_s": (t1 - t0) / max(1, n_cells), "redef_s": (t2 - t1) / max(1, n_redefs),
                "rss0": rss0, "rss1": rss1, "rss2": rss2, "alive": km.is_alive()}
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cells", type=int, default=20000)
    ap.add_argument("--redefs", type=int, default=5000)
    ap.add_argument("--no-peer", action="store_true", help="skip ipykernel")
    args = ap.parse_args()
    runs = [("coursdl", "coursdl", C_CELLS)]
    if not args.no_peer:
        runs.append(("ipykernel", "python3", PY_CELLS))
    results = {}
    for label, name, cells in runs:
        results[label] = r = soak(name, cells, args.cells, args.redefs)
        print(f"{label:10} {args.cells} cells: {r['cell_s'] * 1e3:6.2f} ms a cell, RSS {r['rss0'] / 1024:7.1f} -> "
              f"{r['rss1'] / 1024:7.1f} MB ({(r['rss1'] - r['rss0']) / 1024:+.1f}); "
              f"{args.redefs} re-definitions: {r['redef_s'] * 1e3:6.2f} ms each, RSS -> {r['rss2'] / 1024:7.1f} MB "
              f"({(r['rss2'] - r['rss1']) / 1024:+.1f}); state kept, kernel alive", flush=True)
    if "ipykernel" in results:
        c, p = results["coursdl"], results["ipykernel"]
        grow_c = max(1, c["rss2"] - c["rss0"])
        grow_p = max(1, p["rss2"] - p["rss0"])
        print(f"{'ratio':10} time a cell {c['cell_s'] / p['cell_s']:.2f}x, memory growth {grow_c / grow_p:.2f}x "
              "(coursdl / ipykernel; < 1 means coursdl is cheaper)")


if __name__ == "__main__":
    sys.exit(main())
