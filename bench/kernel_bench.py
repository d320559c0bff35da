#!/usr/bin/env python3
"""Kernel benchmark: coursdl against ipykernel, in the same run.

Measures
  start    from launching the kernel process to its first kernel_info_reply
           (median over --starts fresh kernels);
  execute  the round trip of a trivial execute_request, from sending it to the
           IOPub `idle` status for it (median over --executes, after a warm-up):
           coursdl runs `int x = 1;`, ipykernel (kernel python3) runs `pass`.
Prints both and the ratios coursdl / ipykernel (below 1: coursdl is faster).

Run with the project venv: .venv/bin/python bench/kernel_bench.py
"""
from __future__ import annotations

import argparse
import json
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

# The kernels' own log lines would garble the table.
QUIET = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}

KERNELS = [
    ("coursdl", "coursdl", "int x = 1;"),
    ("ipykernel", "python3", "pass"),
]


def wait_reply(kc, msg_id, timeout):
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(f"no reply to {msg_id} in {timeout} s")
        try:
            msg = kc.get_shell_msg(timeout=remaining)
        except queue.Empty:
            continue
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg


def wait_idle(kc, msg_id, timeout):
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(f"no idle for {msg_id} in {timeout} s")
        try:
            msg = kc.get_iopub_msg(timeout=remaining)
        except queue.Empty:
            continue
        if (msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status"
                and msg["content"]["execution_state"] == "idle"):
            return msg


def stop(km, kc):
    try:
        kc.stop_channels()
    finally:
        km.shutdown_kernel(now=False)


def measure_start(kernel_name):
    """Seconds from launching the kernel to its first kernel_info_reply."""
    km = KernelManager(kernel_name=kernel_name)
    t0 = time.perf_counter()
    km.start_kernel(**QUIET)
    kc = km.client()
    kc.start_channels()
    try:
        # The shell socket queues the request until the kernel binds: send once.
        msg_id = kc.kernel_info()
        wait_reply(kc, msg_id, 60)
        return time.perf_counter() - t0
    finally:
        stop(km, kc)


def timed_executes(kernel_name, codes, n, warmup, setup=None):
    """Round trips (execute_request to IOPub idle) of each code, in turn, n
    times after warmup, in one fresh kernel; setup runs first, untimed."""
    km = KernelManager(kernel_name=kernel_name)
    km.start_kernel(**QUIET)
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=60)
        if setup:
            wait_reply(kc, kc.execute(setup), 30)
        times = {code: [] for code in codes}
        for i in range(warmup + n):
            for code in codes:
                t0 = time.perf_counter()
                msg_id = kc.execute(code)
                wait_idle(kc, msg_id, 60)
                dt = time.perf_counter() - t0
                reply = wait_reply(kc, msg_id, 30)
                if reply["content"]["status"] != "ok":
                    raise RuntimeError(f"{kernel_name}: {code[:60]!r} failed: {reply['content']}")
                if i >= warmup:
                    times[code].append(dt)
        return [times[code] for code in codes]
    finally:
        stop(km, kc)


def measure_executes(kernel_name, code, n, warmup):
    return timed_executes(kernel_name, [code], n, warmup)[0]


def fmt(seconds):
    return f"{seconds * 1e3:8.2f} ms" if seconds >= 1e-3 else f"{seconds * 1e6:8.1f} us"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--starts", type=int, default=10)
    ap.add_argument("--executes", type=int, default=200)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--json", metavar="FILE", help="also write the results as JSON")
    args = ap.parse_args()

    if not (ROOT / "build" / "share" / "jupyter" / "kernels" / "coursdl" / "kernel.json").exists():
        sys.exit("coursdl kernelspec not built: run `make build/coursdl-kernel kernelspec`")

    results = {}
    for label, kernel_name, code in KERNELS:
        starts = [measure_start(kernel_name) for _ in range(args.starts)]
        execs = measure_executes(kernel_name, code, args.executes, args.warmup)
        results[label] = {
            "kernel": kernel_name,
            "code": code,
            "start_median_s": statistics.median(starts),
            "start_min_s": min(starts),
            "execute_median_s": statistics.median(execs),
            "execute_p90_s": sorted(execs)[int(0.9 * (len(execs) - 1))],
            "starts": args.starts,
            "executes": args.executes,
        }

    print(f"kernel benchmark: {args.starts} starts, {args.executes} executes (median)")
    print(f"{'':12}{'start -> kernel_info_reply':>28}{'execute -> idle':>20}")
    for label, r in results.items():
        print(f"{label:12}{fmt(r['start_median_s']):>28}{fmt(r['execute_median_s']):>20}"
              f"   ({r['code']})")
    c, p = results["coursdl"], results["ipykernel"]
    ratios = {
        "start": c["start_median_s"] / p["start_median_s"],
        "execute": c["execute_median_s"] / p["execute_median_s"],
    }
    print(f"{'ratio':12}{ratios['start']:>27.3f}x{ratios['execute']:>19.3f}x"
          "   (coursdl / ipykernel; < 1 means coursdl is faster)")
    if args.json:
        Path(args.json).write_text(json.dumps({"results": results, "ratios": ratios}, indent=2))


if __name__ == "__main__":
    main()
