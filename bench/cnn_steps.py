#!/usr/bin/env python3
"""The course CNN, step by step, engine against PyTorch from identical initial
weights and batches (PyTorch's, written as .npy), without dropout so that both
compute the same thing: prints the two losses of the first steps, then both
test accuracies after one epoch. This is how the accuracy gap of issue 12 was
examined (the training itself agrees to float rounding; the remaining
difference between the two is their dropout draws). Not part of `make bench`
(it takes two CNN epochs); run: .venv/bin/python bench/cnn_steps.py [SEED [STEPS]]."""
import os
import subprocess
import sys
import tempfile

import train_bench as tb


def main():
    seed = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    steps = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    os.environ["CDL_TRACE_STEPS"] = str(steps)
    os.environ["CDL_NO_DROPOUT"] = "1"
    if not tb.ENGINE.exists():
        sys.exit(f"{tb.ENGINE} is missing: run `make bench` (it builds the bench programs)")
    with tempfile.TemporaryDirectory() as folder:
        t = subprocess.run([tb.SYSTEM_PYTHON, "-c", tb.TORCH, "cnn", "1", "1", "128", str(seed), folder],
                           capture_output=True, text=True, check=True).stdout
        e = subprocess.run([str(tb.ENGINE), "cnn", "1", "128", str(seed), folder], capture_output=True, text=True,
                           check=True).stdout
    tl = {int(l.split()[1]): float(l.split()[3]) for l in t.splitlines() if l.startswith("step")}
    el = {int(l.split()[1]): float(l.split()[3]) for l in e.splitlines() if l.startswith("step")}
    print("step   PyTorch loss   engine loss    difference")
    for k in sorted(tl):
        print(f"{k:4d}   {tl[k]:.7f}      {el.get(k, float('nan')):.7f}      {el.get(k, float('nan')) - tl[k]:+.2e}")
    acc = lambda out: 100 * tb.parse(out)["accuracy"]
    print(f"test accuracy after one epoch without dropout: PyTorch {acc(t):.2f} %, engine {acc(e):.2f} %")


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main()
