/* Per-op overhead and matmul speed of the engine, printed as ops/s (compare
 * with bench/engine_ops.py on PyTorch). Run: build/bench/engine_ops or
 * gcc -O2 -Iengine/include bench/engine_ops.c -Lbuild -lcoursdl -o /tmp/b */
#include <coursdl.h>
#include <stdio.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

int main(void)
{
    Tensor *a = tensor_randn(32), *b = tensor_randn(32);
    int n = 2000000;
    double t0 = now();
    for (int i = 0; i < n; i++)
        tensor_add(a, b);
    double dt = now() - t0;
    printf("add 32 elements: %.0f ops/s (%.0f ns/op)\n", n / dt, dt / n * 1e9);
    Tensor *w = tensor_requires_grad_(tensor_randn(32), true);
    n = 1000000;
    t0 = now();
    for (int i = 0; i < n; i++)
        tensor_mul(w, b);
    dt = now() - t0;
    printf("mul 32 elements, recording: %.0f ops/s (%.0f ns/op)\n", n / dt, dt / n * 1e9);
    int sizes[] = { 64, 256, 1024 };
    for (int k = 0; k < 3; k++) {
        int s = sizes[k];
        Tensor *A = tensor_randn(s, s), *B = tensor_randn(s, s);
        int reps = s == 1024 ? 10 : s == 256 ? 200 : 5000;
        t0 = now();
        for (int i = 0; i < reps; i++)
            tensor_matmul(A, B);
        dt = now() - t0;
        printf("matmul %dx%d: %.2f GFLOP/s\n", s, s, 2.0 * s * s * s * reps / dt * 1e-9);
    }
    /* a small MLP training step: 64x32 -> 64 -> 10 */
    Tensor *X = tensor_randn(64, 32);
    Tensor *W1 = tensor_requires_grad_(tensor_mul_scalar(tensor_randn(32, 64), 0.1), true);
    Tensor *W2 = tensor_requires_grad_(tensor_mul_scalar(tensor_randn(64, 10), 0.1), true);
    n = 20000;
    t0 = now();
    for (int i = 0; i < n; i++) {
        Tensor *loss = tensor_mean(tensor_square(tensor_matmul(tensor_relu(tensor_matmul(X, W1)), W2)));
        tensor_backward(loss);
        no_grad {
            tensor_add_scaled_(W1, tensor_grad(W1), -0.01);
            tensor_add_scaled_(W2, tensor_grad(W2), -0.01);
        }
        tensor_zero_grad(W1);
        tensor_zero_grad(W2);
    }
    dt = now() - t0;
    printf("MLP step (64x32 -> 64 -> 10): %.0f steps/s (%.1f us/step)\n", n / dt, dt / n * 1e6);
    return 0;
}
