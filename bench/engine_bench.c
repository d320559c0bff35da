/* The engine side of bench/engine_bench.py: one workload per run, chosen by
 * the first argument, timed with the monotonic clock; prints one line
 * "<name> <seconds> <figure> <check>" that the Python script parses.
 *   matmul N REPS   N x N float32 tensor_matmul, REPS times  (figure: GFLOP/s)
 *   add N           N adds of two 32-element tensors          (figure: ops/s)
 *   moons EPOCHS [SEED]  2-32-32-2 ReLU MLP, 200 two-moons points, Adam, full batch
 *                   (figure: s/epoch, check: final loss)
 *   pinn STEPS [SEED]    1-32-32-32-1 tanh MLP, u'' by autograd_grad with
 *                   create_graph on 30 points, Adam (check: final loss)
 * moons and pinn use the engine's layers, loss and Adam (nn_sequential,
 * nn_linear, nn_cross_entropy, optim_adam), the counterparts of the
 * torch.nn and torch.optim code of bench/engine_bench.py's PyTorch side.
 * Build: make build/bench/engine_bench. */
#include <coursdl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

/* ---- workloads ---- */

static void bench_matmul(int n, int reps)
{
    Tensor *A = tensor_randn(n, n), *B = tensor_randn(n, n);
    tensor_matmul(A, B);  /* warm-up: threads, page faults */
    double t0 = now();
    for (int i = 0; i < reps; i++)
        tensor_matmul(A, B);
    double dt = now() - t0;
    printf("matmul %.6f %.2f 0\n", dt, 2.0 * n * n * (double)n * reps / dt * 1e-9);
}

static void bench_add(int n)
{
    Tensor *a = tensor_randn(32), *b = tensor_randn(32);
    for (int i = 0; i < 10000; i++)
        tensor_add(a, b);
    double t0 = now();
    for (int i = 0; i < n; i++)
        tensor_add(a, b);
    double dt = now() - t0;
    printf("add %.6f %.0f 0\n", dt, n / dt);
}

/* Two interleaving half circles with gaussian noise 0.1, like
 * sklearn.datasets.make_moons(200, noise=0.1). */
static void make_moons(int n, Tensor **X, Tensor **y)
{
    float *x = malloc(sizeof(float) * 2 * n);
    int64_t *lab = malloc(sizeof(int64_t) * n);
    int h = n / 2;
    for (int i = 0; i < n; i++) {
        int up = i < h;
        double t = M_PI * (up ? i : i - h) / (double)((up ? h : n - h) - 1);
        x[2 * i] = (float)(up ? cos(t) : 1 - cos(t)) + 0.1f * (float)random_normal(NULL);
        x[2 * i + 1] = (float)(up ? sin(t) : 0.5 - sin(t)) + 0.1f * (float)random_normal(NULL);
        lab[i] = !up;
    }
    *X = tensor_from_f32(x, n, 2);
    *y = tensor_from_i64(lab, n, 1);
    free(x);
    free(lab);
}

static void bench_moons(int epochs)
{
    Tensor *X, *y;
    make_moons(200, &X, &y);
    y = tensor_reshape(y, 200);
    Module *model = nn_sequential(nn_linear(2, 32), nn_relu(), nn_linear(32, 32), nn_relu(), nn_linear(32, 2));
    Optimizer *opt = optim_adam(nn_parameters(model), .lr = 0.01);
    double loss_v = 0;
    double t0 = now();
    for (int e = 0; e < epochs; e++) {
        optim_zero_grad(opt);
        Tensor *loss = nn_cross_entropy(nn_forward(model, X), y);
        tensor_backward(loss);
        optim_step(opt);
        if (e == epochs - 1)
            loss_v = tensor_item(loss);
    }
    double dt = now() - t0;
    printf("moons %.6f %.3e %.5f\n", dt, dt / epochs, loss_v);
}

static void bench_pinn(int steps)
{
    /* u'' + mu u' + k u = 0 on t in [0, 1], u(0) = 1, u'(0) = 0. */
    const double mu = 4, k = 400;
    Tensor *t = tensor_requires_grad_(tensor_reshape(tensor_linspace(0, 1, 30), 30, 1), true);
    Tensor *t0v = tensor_requires_grad_(tensor_zeros(1, 1), true);
    Module *net = nn_sequential(nn_linear(1, 32), nn_tanh(), nn_linear(32, 32), nn_tanh(),
                                nn_linear(32, 32), nn_tanh(), nn_linear(32, 1));
    Optimizer *opt = optim_adam(nn_parameters(net), .lr = 1e-3);
    Tensor *ones30 = tensor_ones(30, 1), *ones1 = tensor_ones(1, 1);
    double loss_v = 0;
    double t0 = now();
    for (int s = 0; s < steps; s++) {
        optim_zero_grad(opt);
        Tensor *u = nn_forward(net, t);
        Tensor *du = autograd_grad(u, t, .grad_output = ones30, .create_graph = true);
        Tensor *d2u = autograd_grad(du, t, .grad_output = ones30, .create_graph = true);
        Tensor *res = tensor_add(tensor_add(d2u, tensor_mul_scalar(du, mu)), tensor_mul_scalar(u, k));
        /* boundary: u(0) = 1, u'(0) = 0 */
        Tensor *b = nn_forward(net, t0v);
        Tensor *db = autograd_grad(b, t0v, .grad_output = ones1, .create_graph = true);
        Tensor *loss = tensor_add(tensor_mul_scalar(tensor_mean(tensor_square(res)), 1e-4),
                                  tensor_add(tensor_mean(tensor_square(tensor_sub_scalar(b, 1))),
                                             tensor_mean(tensor_square(db))));
        tensor_backward(loss);
        optim_step(opt);
        if (s == steps - 1)
            loss_v = tensor_item(loss);
    }
    double dt = now() - t0;
    printf("pinn %.6f %.3e %.5f\n", dt, dt / steps, loss_v);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s matmul N REPS | add N | moons EPOCHS [SEED] | pinn STEPS [SEED]\n", argv[0]);
        return 2;
    }
    const char *w = argv[1];
    int a1 = argc > 2 ? atoi(argv[2]) : 0, a2 = argc > 3 ? atoi(argv[3]) : 0;
    /* moons and pinn: the second number is the seed (data and initial weights). */
    manual_seed(!strcmp(w, "moons") || !strcmp(w, "pinn") ? (uint64_t)a2 : 0);
    if (!strcmp(w, "matmul"))
        bench_matmul(a1 ? a1 : 2000, a2 ? a2 : 100);
    else if (!strcmp(w, "add"))
        bench_add(a1 ? a1 : 2000000);
    else if (!strcmp(w, "moons"))
        bench_moons(a1 ? a1 : 500);
    else if (!strcmp(w, "pinn"))
        bench_pinn(a1 ? a1 : 1000);
    else {
        fprintf(stderr, "unknown workload %s\n", w);
        return 2;
    }
    return 0;
}
