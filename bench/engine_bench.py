#!/usr/bin/env python3
"""The engine against PyTorch on the CPU, measured in the same run and printed
as ratios with the goals of the project (`make bench` runs it).

Engine side: build/bench/engine_bench (bench/engine_bench.c, raw tensor ops)
and build/bench/sgemm_peak (cblas_sgemm alone, OpenBLAS on 2 threads).
PyTorch side: Debian's python3-torch run with /usr/bin/python3, each workload
in its best setting among 1 thread, 2 threads, and 2 threads with
OPENBLAS_NUM_THREADS=1 (separate processes: thread variables must be set
before torch is imported). A missed goal is reported, not an error.

Options: --quick (fewer repetitions), --only NAME[,NAME] (matmul, add, moons,
pinn). CDL_BENCH_DIR overrides the folder of the C programs."""
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(os.environ.get("CDL_BENCH_DIR", ROOT / "build" / "bench"))
TORCH_PY = "/usr/bin/python3"

# ---------------------------------------------------------------- PyTorch side
# Runs inside /usr/bin/python3 with the thread variables already set.
TORCH_CODE = r'''
import math, sys, time
import torch
threads = int(sys.argv[2])
torch.set_num_threads(threads)
w = sys.argv[1]
arg = [int(a) for a in sys.argv[3:]]
if w in ("moons", "pinn") and len(arg) > 1:  # an optional seed after the count
    torch.manual_seed(arg.pop())
else:
    torch.manual_seed(0)

def make_moons(n):
    h = n // 2
    t1 = torch.linspace(0, math.pi, h)
    t2 = torch.linspace(0, math.pi, n - h)
    x = torch.cat([torch.stack([torch.cos(t1), torch.sin(t1)], 1),
                   torch.stack([1 - torch.cos(t2), 0.5 - torch.sin(t2)], 1)])
    x = x + 0.1 * torch.randn(n, 2)
    y = torch.cat([torch.zeros(h, dtype=torch.long), torch.ones(n - h, dtype=torch.long)])
    return x, y

if w == "matmul":
    n, reps = arg
    A, B = torch.randn(n, n), torch.randn(n, n)
    A @ B
    t0 = time.perf_counter()
    for _ in range(reps):
        A @ B
    dt = time.perf_counter() - t0
    print(f"{dt:.6f} {2.0 * n ** 3 * reps / dt * 1e-9:.2f}")
elif w == "add":
    n, = arg
    a, b = torch.randn(32), torch.randn(32)
    for _ in range(10000):
        torch.add(a, b)
    t0 = time.perf_counter()
    for _ in range(n):
        torch.add(a, b)
    dt = time.perf_counter() - t0
    print(f"{dt:.6f} {n / dt:.0f}")
elif w == "moons":
    epochs, = arg
    X, y = make_moons(200)
    model = torch.nn.Sequential(torch.nn.Linear(2, 32), torch.nn.ReLU(), torch.nn.Linear(32, 32),
                                torch.nn.ReLU(), torch.nn.Linear(32, 2))
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    crit = torch.nn.CrossEntropyLoss()
    t0 = time.perf_counter()
    for e in range(epochs):
        opt.zero_grad()
        loss = crit(model(X), y)
        loss.backward()
        opt.step()
    dt = time.perf_counter() - t0
    print(f"{dt:.6f} {dt / epochs:.3e} {loss.item():.5f}")
elif w == "pinn":
    steps, = arg
    mu, k = 4.0, 400.0
    net = torch.nn.Sequential(torch.nn.Linear(1, 32), torch.nn.Tanh(), torch.nn.Linear(32, 32), torch.nn.Tanh(),
                              torch.nn.Linear(32, 32), torch.nn.Tanh(), torch.nn.Linear(32, 1))
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    t = torch.linspace(0, 1, 30).reshape(30, 1).requires_grad_(True)
    t0v = torch.zeros(1, 1, requires_grad=True)
    ones30, ones1 = torch.ones(30, 1), torch.ones(1, 1)
    t0 = time.perf_counter()
    for s in range(steps):
        opt.zero_grad()
        u = net(t)
        du = torch.autograd.grad(u, t, ones30, create_graph=True)[0]
        d2u = torch.autograd.grad(du, t, ones30, create_graph=True)[0]
        res = d2u + mu * du + k * u
        b = net(t0v)
        db = torch.autograd.grad(b, t0v, ones1, create_graph=True)[0]
        loss = 1e-4 * (res ** 2).mean() + ((b - 1) ** 2).mean() + (db ** 2).mean()
        loss.backward()
        opt.step()
    dt = time.perf_counter() - t0
    print(f"{dt:.6f} {dt / steps:.3e} {loss.item():.5f}")
'''

SETTINGS = [
    ("1 thread", 1, {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}),
    ("2 threads", 2, {"OMP_NUM_THREADS": "2", "OPENBLAS_NUM_THREADS": "2"}),
    ("2 threads, OpenBLAS 1", 2, {"OMP_NUM_THREADS": "2", "OPENBLAS_NUM_THREADS": "1"}),
]


def run(cmd, env_extra=None):
    env = dict(os.environ)
    for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        env.pop(k, None)
    env.update(env_extra or {})
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=900)
    if out.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed:\n{out.stderr[-2000:]}")
    return out.stdout.split()


def torch_best(workload, args, higher_is_better, repeat):
    """(best figure, seconds, setting name) over the thread settings."""
    best = None
    for name, threads, env in SETTINGS:
        for _ in range(repeat):
            f = run([TORCH_PY, "-c", TORCH_CODE, workload, str(threads)] + [str(a) for a in args], env)
            secs, fig = float(f[0]), float(f[1])
            key = fig if higher_is_better else -secs
            if best is None or key > best[0]:
                best = (key, fig, secs, name)
    return best[1], best[2], best[3]


def main():
    quick = "--quick" in sys.argv
    only = None
    if "--only" in sys.argv:
        only = set(sys.argv[sys.argv.index("--only") + 1].split(","))
    for exe in ("engine_bench", "sgemm_peak"):
        if not (BIN / exe).exists():
            sys.exit(f"{BIN / exe} is missing: run `make {BIN.relative_to(ROOT) if BIN.is_relative_to(ROOT) else BIN}/{exe}`")
    if not Path(TORCH_PY).exists() or subprocess.call([TORCH_PY, "-c", "import torch"]) != 0:
        sys.exit("PyTorch for /usr/bin/python3 is missing (apt-get install python3-torch)")
    rep = 1 if quick else 3
    rows = []  # (goal name, engine text, peer text, ratio, goal ratio)
    t_start = time.time()

    def want(name):
        return only is None or name in only

    if want("matmul"):
        n, reps = (2000, 20) if quick else (2000, 100)
        f = run([str(BIN / "sgemm_peak"), str(n), str(reps), "2"])
        peak = float(f[4])
        eng = []
        for _ in range(1 if quick else 2):
            f = run([str(BIN / "engine_bench"), "matmul", str(n), str(reps)])
            eng.append(float(f[2]))
        e = max(eng)
        tf, _, tname = torch_best("matmul", [n, reps], True, 1)
        rows.append((f"matmul {n}x{n} x{reps} vs PyTorch", f"{e:.1f} GFLOP/s", f"{tf:.1f} GFLOP/s ({tname})",
                     e / tf, 1.0))
        rows.append((f"matmul {n}x{n} vs cblas_sgemm peak", f"{e:.1f} GFLOP/s", f"{peak:.1f} GFLOP/s (OpenBLAS 2 thr)",
                     e / peak, 0.85))
    if want("add"):
        n = 200000 if quick else 2000000
        ef = max(float(run([str(BIN / "engine_bench"), "add", str(n)])[2]) for _ in range(rep))
        tf, _, tname = torch_best("add", [n // 10], True, rep)
        rows.append(("add 32+32 elements (ops/s)", f"{ef / 1e6:.2f} M/s ({1e9 / ef:.0f} ns)",
                     f"{tf / 1e6:.2f} M/s ({1e9 / tf:.0f} ns, {tname})", ef / tf, 5.0))
    if want("moons"):
        ep = 500
        es = min(float(run([str(BIN / "engine_bench"), "moons", str(ep)])[1]) for _ in range(rep))
        _, ts, tname = torch_best("moons", [ep], False, rep)
        rows.append((f"moons MLP 2-32-32-2 Adam, {ep} epochs", f"{es:.3f} s", f"{ts:.3f} s ({tname})", ts / es, 3.0))
    if want("pinn"):
        st = 300 if quick else 1000
        es = min(float(run([str(BIN / "engine_bench"), "pinn", str(st)])[1]) for _ in range(rep))
        _, ts, tname = torch_best("pinn", [st], False, 1 if quick else 2)
        rows.append((f"PINN 1-32-32-32-1 tanh, u'', {st} steps", f"{es:.3f} s", f"{ts:.3f} s ({tname})",
                     ts / es, 2.0))

    w = [max(len(r[i]) for r in rows) for i in range(3)]
    head = ("workload", "engine", "PyTorch best")
    w = [max(w[i], len(head[i])) for i in range(3)]
    print(f"{head[0]:<{w[0]}}  {head[1]:<{w[1]}}  {head[2]:<{w[2]}}  {'ratio':>7}  {'goal':>6}  result")
    for name, e, t, ratio, goal in rows:
        ok = "PASS" if ratio >= goal else "MISS"
        print(f"{name:<{w[0]}}  {e:<{w[1]}}  {t:<{w[2]}}  {ratio:>6.2f}x  {goal:>5.2f}x  {ok}")
    print(f"(ratios: engine speed / peer speed; {time.time() - t_start:.0f} s; "
          f"{os.cpu_count()} CPUs; other load on the machine skews both sides)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
