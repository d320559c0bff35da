# The PyTorch side of bench/engine_ops.c: same ops, same sizes (run with
# /usr/bin/python3, Debian's python3-torch).
import time
import torch

torch.set_num_threads(1)
a, b = torch.randn(32), torch.randn(32)
n = 200000
t0 = time.perf_counter()
for _ in range(n):
    torch.add(a, b)
dt = time.perf_counter() - t0
print(f"add 32 elements: {n / dt:.0f} ops/s ({dt / n * 1e9:.0f} ns/op)")
w = torch.randn(32, requires_grad=True)
t0 = time.perf_counter()
for _ in range(n):
    torch.mul(w, b)
dt = time.perf_counter() - t0
print(f"mul 32 elements, recording: {n / dt:.0f} ops/s ({dt / n * 1e9:.0f} ns/op)")
for s, reps in ((64, 5000), (256, 200), (1024, 10)):
    A, B = torch.randn(s, s), torch.randn(s, s)
    t0 = time.perf_counter()
    for _ in range(reps):
        A @ B
    dt = time.perf_counter() - t0
    print(f"matmul {s}x{s}: {2.0 * s * s * s * reps / dt * 1e-9:.2f} GFLOP/s")
X = torch.randn(64, 32)
W1 = (torch.randn(32, 64) * 0.1).requires_grad_()
W2 = (torch.randn(64, 10) * 0.1).requires_grad_()
n = 5000
t0 = time.perf_counter()
for _ in range(n):
    loss = ((torch.relu(X @ W1) @ W2) ** 2).mean()
    loss.backward()
    with torch.no_grad():
        W1.add_(W1.grad, alpha=-0.01)
        W2.add_(W2.grad, alpha=-0.01)
    W1.grad = None
    W2.grad = None
dt = time.perf_counter() - t0
print(f"MLP step (64x32 -> 64 -> 10): {n / dt:.0f} steps/s ({dt / n * 1e6:.1f} us/step)")
