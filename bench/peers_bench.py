#!/usr/bin/env python3
"""The engine against the frameworks students use, in one run (issue 17):
PyTorch 2.x and Keras 3 on TensorFlow 2.x (PyPI, in the bench virtualenv
that `make bench` creates: .bench-venv) and Debian's PyTorch 1.13
(/usr/bin/python3).

Workloads, the same model, data, optimizer and batch size on every side:
  cnn128  the Keras TP's CNN on Fashion-MNIST, one epoch, batch 128, Adam 1e-3
          Conv(32,3)-ReLU-MaxPool-Conv(64,3)-ReLU-MaxPool-Flatten-Dense(128)-
          Dropout(0.3)-Dense(10)
  cnn32   the same, batch 32
  mlp32   MLP 784-128-10 on Fashion-MNIST, one epoch, batch 32, Adam 1e-3
  moons   MLP 2-32-32-2 on 200 two-moons points, 500 full-batch Adam epochs
  pinn    PINN 1-32-32-32-1 tanh, u'' and u' by autograd, 1000 Adam steps
The engine runs build/bench/train_fashion and build/bench/engine_bench; the
PyTorch peers run the code of train_bench.py and engine_bench.py under their
own interpreter; Keras runs KERAS below (model.fit for the Fashion-MNIST
workloads, as the TP does; a tf.function training step for moons and the
PINN, the fastest way to write them in Keras 3). Keras's one-time tracing is
left out of its time (a warm-up step first); nothing else is.

Each side runs at its best thread setting: every setting is tried on the
first seed (one thread first; a later setting running past 5x the best so
far is stopped), the fastest is kept for the others (seeds 1, 2, 3); figures are
medians over the seeds, peak RSS the largest of the runs (the process's
ru_maxrss). Prints a table and the ratios (peer time / engine time) with the
issue's goals. A benchmark: a missed goal is printed, never an error.

Options: --only cnn128,mlp32,... ; --peers torch2,keras3,torch1 ; --seeds 1,2,3
CDL_BENCH_VENV overrides the bench virtualenv's folder.

Where the engine's CNN epoch spends its time (perf from linux-perf, which
`make bench` installs; cpu-clock works where hardware counters do not):
  COURSDL_NUM_THREADS=1 perf record -e cpu-clock -g build/bench/train_fashion cnn 1 128 1
  perf report --no-children --sort symbol
CDL_NO_WINO=1 in the environment turns the Winograd convolution off (im2col +
gemm for every convolution), to compare the two."""
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
import engine_bench  # noqa: E402  (its PyTorch code: moons, pinn)
import train_bench  # noqa: E402  (its PyTorch code: mlp, cnn)

BIN = ROOT / "build" / "bench"
BENCH_PY = Path(os.environ.get("CDL_BENCH_VENV", ROOT / ".bench-venv")) / "bin" / "python"
DEBIAN_PY = "/usr/bin/python3"

KERAS = r'''
import os, sys, time
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
os.environ["KERAS_BACKEND"] = "tensorflow"
import numpy as np, tensorflow as tf
w, intra, inter, count, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
tf.config.threading.set_intra_op_parallelism_threads(intra)
tf.config.threading.set_inter_op_parallelism_threads(inter)
import keras
from keras import layers
keras.utils.set_random_seed(seed)

def fashion(kind):
    import gzip
    root = "/usr/share/datasets/fashion-mnist/"
    with gzip.open(root + kind + "-images-idx3-ubyte.gz") as f: x = np.frombuffer(f.read(), np.uint8, offset=16)
    with gzip.open(root + kind + "-labels-idx1-ubyte.gz") as f: y = np.frombuffer(f.read(), np.uint8, offset=8)
    return x.reshape(-1, 28, 28, 1).astype(np.float32) / 255, y.astype(np.int64)

if w in ("cnn", "mlp"):
    X, y = fashion("train")
    if w == "cnn":
        model = keras.Sequential([keras.Input((28, 28, 1)), layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(2),
                                  layers.Conv2D(64, 3, activation="relu"), layers.MaxPooling2D(2), layers.Flatten(),
                                  layers.Dense(128, activation="relu"), layers.Dropout(0.3), layers.Dense(10)])
    else:
        model = keras.Sequential([keras.Input((28, 28, 1)), layers.Flatten(), layers.Dense(128, activation="relu"),
                                  layers.Dense(10)])
    model.compile(optimizer=keras.optimizers.Adam(1e-3),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit(X[:count], y[:count], batch_size=count, epochs=1, verbose=0)  # warm-up: traces the step
    t0 = time.perf_counter()
    model.fit(X, y, batch_size=count, epochs=1, shuffle=True, verbose=0)
    print("seconds %.6f" % (time.perf_counter() - t0))
elif w == "moons":
    rng = np.random.default_rng(seed)
    h = 100
    t1, t2 = np.linspace(0, np.pi, h), np.linspace(0, np.pi, 200 - h)
    X = np.concatenate([np.stack([np.cos(t1), np.sin(t1)], 1), np.stack([1 - np.cos(t2), 0.5 - np.sin(t2)], 1)])
    X = (X + 0.1 * rng.standard_normal(X.shape)).astype(np.float32)
    Y = np.concatenate([np.zeros(h), np.ones(200 - h)]).astype(np.int64)
    model = keras.Sequential([keras.Input((2,)), layers.Dense(32, activation="relu"), layers.Dense(32, activation="relu"),
                              layers.Dense(2)])
    opt = keras.optimizers.Adam(0.01)
    opt.build(model.trainable_variables)
    crit = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    @tf.function
    def step():
        with tf.GradientTape() as tape:
            loss = crit(Y, model(X, training=True))
        opt.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables))
        return loss
    step()  # warm-up: traces the step
    t0 = time.perf_counter()
    for _ in range(count): loss = step()
    loss = float(loss)
    print("seconds %.6f" % (time.perf_counter() - t0))
elif w == "pinn":
    mu, k = 4.0, 400.0
    net = keras.Sequential([keras.Input((1,)), layers.Dense(32, activation="tanh"), layers.Dense(32, activation="tanh"),
                            layers.Dense(32, activation="tanh"), layers.Dense(1)])
    opt = keras.optimizers.Adam(1e-3)
    opt.build(net.trainable_variables)
    t = tf.reshape(tf.linspace(0.0, 1.0, 30), (30, 1))
    t0v = tf.zeros((1, 1))
    @tf.function
    def step():
        with tf.GradientTape() as tape:
            with tf.GradientTape() as g2:
                g2.watch(t)
                with tf.GradientTape() as g1:
                    g1.watch(t)
                    u = net(t)
                du = g1.gradient(u, t)
            d2u = g2.gradient(du, t)
            res = d2u + mu * du + k * u
            with tf.GradientTape() as gb:
                gb.watch(t0v)
                b = net(t0v)
            db = gb.gradient(b, t0v)
            loss = 1e-4 * tf.reduce_mean(res ** 2) + tf.reduce_mean((b - 1) ** 2) + tf.reduce_mean(db ** 2)
        opt.apply_gradients(zip(tape.gradient(loss, net.trainable_variables), net.trainable_variables))
        return loss
    step()
    t0 = time.perf_counter()
    for _ in range(count): loss = step()
    loss = float(loss)
    print("seconds %.6f" % (time.perf_counter() - t0))
'''

# name: (what it is, model or workload, count: batch size or epochs/steps)
WORKLOADS = {
    "cnn128": ("CNN of the Keras TP, batch 128, 1 epoch", "cnn", 128),
    "cnn32": ("CNN of the Keras TP, batch 32, 1 epoch", "cnn", 32),
    "mlp32": ("MLP 784-128-10, batch 32, 1 epoch", "mlp", 32),
    "moons": ("moons MLP 2-32-32-2, 500 epochs", "moons", 500),
    "pinn": ("PINN 1-32-32-32-1, u'', 1000 steps", "pinn", 1000),
}
# The goals: the engine's speed over the peer's (best peer, or Debian's PyTorch).
GOALS = {"cnn128": ("best", 2.0), "cnn32": ("best", 2.0), "mlp32": ("best", 4.0),
         "moons": ("torch1", 10.0), "pinn": ("torch1", 10.0)}
PEERS = {"engine": "engine", "torch2": "PyTorch 2.x (PyPI)", "keras3": "Keras 3 / TF 2.x (PyPI)",
         "torch1": "PyTorch 1.13 (Debian)"}

THREADS_ENV = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "COURSDL_NUM_THREADS")


def settings(peer):
    """(label, threads argument, environment) per thread setting of a peer,
    one thread first (the later ones are stopped at 5x its time)."""
    if peer == "engine":
        return [(f"{n} thread{'s' * (n > 1)}", n, {"COURSDL_NUM_THREADS": str(n)}) for n in (1, 2)]
    if peer == "keras3":
        return [(f"intra {a}, inter {b}", (a, b), {}) for a, b in ((1, 1), (2, 1), (2, 2))]
    return [("1 thread", 1, {"OMP_NUM_THREADS": "1"}), ("2 threads", 2, {"OMP_NUM_THREADS": "2"}),
            ("2 threads, OpenBLAS 1", 2, {"OMP_NUM_THREADS": "2", "OPENBLAS_NUM_THREADS": "1"})]


def command(peer, work, threads, seed):
    _, kind, count = WORKLOADS[work]
    if peer == "engine":
        if kind in ("cnn", "mlp"):
            return [str(BIN / "train_fashion"), kind, "1", str(count), str(seed)]
        return [str(BIN / "engine_bench"), kind, str(count), str(seed)]
    if peer == "keras3":
        return [str(BENCH_PY), "-c", KERAS, kind, str(threads[0]), str(threads[1]), str(count), str(seed)]
    py = str(BENCH_PY) if peer == "torch2" else DEBIAN_PY
    if kind in ("cnn", "mlp"):
        return [py, "-c", train_bench.TORCH, kind, "1", str(threads), str(count), str(seed)]
    return [py, "-c", engine_bench.TORCH_CODE, kind, str(threads), str(count), str(seed)]


def seconds(kind, out):
    """The timed part from a side's output (an epoch, or the epochs/steps)."""
    for line in out.splitlines():
        w = line.split()
        if w[:1] == ["epoch"] or w[:1] == ["seconds"]:
            return float(w[-1])
    w = out.split()
    if len(w) >= 2 and kind in ("moons", "pinn"):
        return float(w[1] if w[0] in ("moons", "pinn") else w[0])
    raise RuntimeError(f"no time in the output:\n{out[-1000:]}")


def run_once(peer, work, threads, env_extra, seed, limit=None):
    """(seconds, peak RSS in MB) of one run, in its own process; None when
    it runs past limit seconds (a thread setting far slower than the best:
    on a loaded machine, spinning OpenMP threads can take 50x longer)."""
    env = {k: v for k, v in os.environ.items() if k not in THREADS_ENV}
    env.update(env_extra)
    cmd = command(peer, work, threads, seed)
    with tempfile.TemporaryFile() as err, tempfile.TemporaryFile() as out_f:
        p = subprocess.Popen(cmd, stdout=out_f, stderr=err, env=env)
        start = time.monotonic()
        while True:  # os.wait4: this child's own peak RSS
            pid, status, usage = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if limit is not None and time.monotonic() - start > limit:
                p.kill()
                os.wait4(p.pid, 0)
                p.returncode = -9
                return None
            time.sleep(0.02)
        out_f.seek(0)
        out = out_f.read().decode(errors="replace")
        p.returncode = os.waitstatus_to_exitcode(status)
        if p.returncode != 0:
            err.seek(0)
            raise RuntimeError(f"{PEERS[peer]} {work} failed ({p.returncode}):\n"
                               f"{err.read().decode(errors='replace')[-2000:]}")
    return seconds(WORKLOADS[work][1], out), usage.ru_maxrss / 1024


def measure(peer, work, seeds):
    """Best thread setting on the first seed, then the other seeds with it."""
    best = None
    for label, threads, env in settings(peer):
        r = run_once(peer, work, threads, env, seeds[0], None if best is None else 5 * best[0] + 30)
        if r is None:
            print(f"    {PEERS[peer]:<24} {work:<7} {label:<22} seed {seeds[0]}: stopped, 5x slower than the best")
            continue
        s, rss = r
        print(f"    {PEERS[peer]:<24} {work:<7} {label:<22} seed {seeds[0]}: {s:8.3f} s  {rss:6.0f} MB", flush=True)
        if best is None or s < best[0]:
            best = (s, rss, label, threads, env)
    times, peak = [best[0]], best[1]
    for seed in seeds[1:]:
        s, rss = run_once(peer, work, best[3], best[4], seed)
        print(f"    {PEERS[peer]:<24} {work:<7} {best[2]:<22} seed {seed}: {s:8.3f} s  {rss:6.0f} MB", flush=True)
        times.append(s)
        peak = max(peak, rss)
    return {"median": statistics.median(times), "times": times, "rss": peak, "setting": best[2]}


def available(peer):
    if peer == "engine":
        return all((BIN / p).exists() for p in ("train_fashion", "engine_bench")) or "run `make bench` (C programs)"
    py = DEBIAN_PY if peer == "torch1" else str(BENCH_PY)
    mod = "keras" if peer == "keras3" else "torch"
    if not Path(py).exists():
        return f"{py} is missing: `make bench-venv`"
    check = subprocess.run([py, "-c", f"import {mod}; print({mod}.__version__)"], capture_output=True, text=True,
                           env={**os.environ, "KERAS_BACKEND": "tensorflow", "TF_CPP_MIN_LOG_LEVEL": "3"})
    if check.returncode != 0:
        return f"cannot import {mod} with {py}"
    version = check.stdout.split()[-1]
    want = {"torch2": "2.", "keras3": "3.", "torch1": "1."}[peer]
    return True if version.startswith(want) else f"{mod} {version} (wanted {want}x)"


def main():
    args = sys.argv[1:]
    opt = lambda name, default: args[args.index(name) + 1].split(",") if name in args else default
    works = opt("--only", list(WORKLOADS))
    peers = ["engine"] + [p for p in opt("--peers", ["torch2", "keras3", "torch1"]) if p != "engine"]
    seeds = [int(s) for s in opt("--seeds", ["1", "2", "3"])]
    for p in list(peers):
        ok = available(p)
        if ok is not True:
            if p == "engine":
                sys.exit(f"engine: {ok}")
            print(f"  {PEERS[p]} left out: {ok}")
            peers.remove(p)
    start = time.time()
    res = {}
    for w in works:
        print(f"  {WORKLOADS[w][0]}", flush=True)
        for p in peers:
            res[w, p] = measure(p, w, seeds)
    print(f"\nmedians over seeds {','.join(map(str, seeds))}, each side at its best thread setting "
          f"({os.cpu_count()} CPUs, {time.time() - start:.0f} s):")
    head = f"{'workload':<40}" + "".join(f"{PEERS[p]:>26}" for p in peers)
    print(head)
    for w in works:
        print(f"{WORKLOADS[w][0]:<40}" + "".join(f"{res[w, p]['median']:>24.3f} s" for p in peers))
    print(f"{'  peak RSS (MB, largest of the runs)':<40}" + "".join(
        f"{max(res[w, p]['rss'] for w in works):>23.0f} MB" for p in peers))
    print("\nratios (peer time / engine time: above 1, the engine is faster):")
    for w in works:
        e = res[w, "engine"]["median"]
        parts = [f"{p} {res[w, p]['median'] / e:.2f}x" for p in peers if p != "engine"]
        line = f"  {w:<7} " + ", ".join(parts)
        target, goal = GOALS[w]
        others = [p for p in peers if p != "engine"]
        ref = min(others, key=lambda p: res[w, p]["median"]) if target == "best" else target
        if ref in others:
            r = res[w, ref]["median"] / e
            line += (f"; goal {goal:g}x over {'the best peer (' + ref + ')' if target == 'best' else ref}: "
                     f"{r:.2f}x [{'PASS' if r >= goal else 'MISS'}]")
        print(line)
    print("peak RSS, engine against each peer (largest over the workloads):")
    em = max(res[w, "engine"]["rss"] for w in works)
    print("  " + ", ".join(f"{p} {max(res[w, p]['rss'] for w in works):.0f} MB / engine {em:.0f} MB" for p in peers
                           if p != "engine"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
