#!/usr/bin/env python3
"""PyTorch's side of the GPU benchmark: the same modes and output lines as
bench/gpu/gpu_bench.c (TF32 off for matmul and cuDNN, like the engine).

  torch_bench.py matmul N REPS
  torch_bench.py ops REPS
  torch_bench.py train mlp|cnn BATCH EPOCHS DEVICE      (Fashion-MNIST from $COURSDL_DATA)
"""
import gzip
import os
import sys
import time

import numpy as np
import torch

torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False


def sync(dev):
    if dev.type == "cuda":
        torch.cuda.synchronize()


def matmul(n, reps):
    dev = torch.device("cuda:0")
    a, b = torch.randn(n, n, device=dev), torch.randn(n, n, device=dev)
    a @ b
    sync(dev)
    t0 = time.perf_counter()
    for _ in range(reps):
        a @ b
    sync(dev)
    s = time.perf_counter() - t0
    print(f"matmul n {n} reps {reps} seconds {s:.6f} tflops {2.0 * n ** 3 * reps / s / 1e12:.2f}")


def ops(reps):
    dev = torch.device("cuda:0")
    a, b = torch.randn(32, device=dev), torch.randn(32, device=dev)
    for _ in range(100):
        a + b
    sync(dev)
    t0 = time.perf_counter()
    for _ in range(reps):
        a + b
    sync(dev)
    print(f"op add32 reps {reps} us_per_op {(time.perf_counter() - t0) / reps * 1e6:.3f}")


def idx(path):
    with gzip.open(path) as f:
        data = f.read()
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * ndim).reshape(dims)


def fashion(train):
    root = os.environ.get("COURSDL_DATA", "/usr/share/datasets/fashion-mnist")
    for d in (root, os.path.join(root, "fashion-mnist")):
        pre = "train" if train else "t10k"
        p = os.path.join(d, f"{pre}-images-idx3-ubyte.gz")
        if os.path.exists(p):
            x = torch.from_numpy(idx(p).astype(np.float32) / 255).reshape(-1, 1, 28, 28)
            y = torch.from_numpy(idx(os.path.join(d, f"{pre}-labels-idx1-ubyte.gz")).astype(np.int64))
            return x, y
    sys.exit(f"Fashion-MNIST not found under {root} (set COURSDL_DATA)")


def model_of(cnn):
    nn = torch.nn
    if cnn:
        return nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.ReLU(),
                             nn.MaxPool2d(2), nn.Flatten(), nn.Linear(64 * 5 * 5, 128), nn.ReLU(), nn.Dropout(0.3),
                             nn.Linear(128, 10))
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Linear(128, 10))


def train(cnn, batch, epochs, devname):
    dev = torch.device(devname)
    x, y = fashion(True)
    xt, yt = fashion(False)
    x, y, xt, yt = x.to(dev), y.to(dev), xt.to(dev), yt.to(dev)
    torch.manual_seed(0)
    model = model_of(cnn).to(dev)
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    lossf = torch.nn.CrossEntropyLoss()
    n = x.shape[0]
    for e in range(epochs):
        model.train()
        perm = torch.randperm(n).to(dev)
        sync(dev)
        t0 = time.perf_counter()
        for s in range(0, n - batch + 1, batch):
            i = perm[s:s + batch]
            opt.zero_grad()
            loss = lossf(model(x[i]), y[i])
            loss.backward()
            opt.step()
        sync(dev)
        secs = time.perf_counter() - t0
        model.eval()
        with torch.no_grad():
            acc = (model(xt).argmax(1) == yt).float().mean().item()
        print(f"train {'cnn' if cnn else 'mlp'} device {devname} batch {batch} epoch {e + 1} "
              f"seconds {secs:.3f} accuracy {acc:.4f}")


if __name__ == "__main__":
    a = sys.argv[1:]
    if len(a) >= 3 and a[0] == "matmul":
        matmul(int(a[1]), int(a[2]))
    elif len(a) >= 2 and a[0] == "ops":
        ops(int(a[1]))
    elif len(a) >= 5 and a[0] == "train":
        train(a[1] == "cnn", int(a[2]), int(a[3]), a[4])
    else:
        sys.exit(__doc__)
