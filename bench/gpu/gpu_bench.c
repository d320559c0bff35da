/* The engine's side of the GPU benchmark and checks (tools/gpu_check.sh;
 * bench/gpu/torch_bench.py does the same with PyTorch). One line of
 * "key value" pairs per result.
 *   gpu_bench matmul N REPS            REPS products of N x N float32 on cuda:0 (after one warm-up)
 *   gpu_bench ops REPS                 per-op cost of adding two 32-element tensors on cuda:0
 *   gpu_bench train mlp|cnn BATCH EPOCHS DEVICE [STEPS]
 *       Fashion-MNIST with the whole data set on DEVICE (cpu or cuda:0), Adam 1e-3, the
 *       course's models; prints each epoch's seconds and the test accuracy. STEPS > 0: train
 *       that many steps instead and print the device memory in use every 100 steps. */
#include <coursdl.h>
#include "../../engine/cuda/cuda_host.h"

#include <gc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int matmul(int n, int reps)
{
    Device d = DEVICE_CUDA(0);
    Tensor *a = tensor_to(tensor_randn(n, n), d), *b = tensor_to(tensor_randn(n, n), d);
    tensor_matmul(a, b);
    device_synchronize(d);
    double t0 = now();
    for (int i = 0; i < reps; i++)
        tensor_matmul(a, b);
    device_synchronize(d);
    double s = now() - t0;
    printf("matmul n %d reps %d seconds %.6f tflops %.2f\n", n, reps, s, 2.0 * n * n * (double)n * reps / s / 1e12);
    return 0;
}

static int ops(int reps)
{
    Device d = DEVICE_CUDA(0);
    Tensor *a = tensor_to(tensor_randn(32), d), *b = tensor_to(tensor_randn(32), d);
    for (int i = 0; i < 100; i++)
        tensor_add(a, b);
    device_synchronize(d);
    double t0 = now();
    for (int i = 0; i < reps; i++)
        tensor_add(a, b);
    device_synchronize(d);
    printf("op add32 reps %d us_per_op %.3f\n", reps, (now() - t0) / reps * 1e6);
    return 0;
}

static Module *model_of(bool cnn)
{
    return cnn ? nn_sequential(nn_conv2d(1, 32, 3), nn_relu(), nn_max_pool2d(2), nn_conv2d(32, 64, 3), nn_relu(),
                               nn_max_pool2d(2), nn_flatten(), nn_linear(64 * 5 * 5, 128), nn_relu(),
                               nn_dropout(0.3), nn_linear(128, 10))
               : nn_sequential(nn_flatten(), nn_linear(784, 128), nn_relu(), nn_linear(128, 10));
}

static double in_use_mib(Device d)
{
    if (d == DEVICE_CPU)
        return 0;
    GC_gcollect();
    GC_invoke_finalizers();
    return device_memory_allocated(d) / 1048576.0;
}

static int train(bool cnn, int64_t batch, int epochs, const char *dev, long steps)
{
    Device d = device_parse(dev);
    Dataset *tr = datasets_fashion_mnist(NULL, true), *te = datasets_fashion_mnist(NULL, false);
    /* Images as (N, 1, 28, 28) float32 in [0, 1] (datasets give them so), moved once. */
    Tensor *X = tensor_to(data_x(tr), d), *Y = tensor_to(data_y(tr), d);
    Tensor *Xt = tensor_to(data_x(te), d), *Yt = tensor_to(data_y(te), d);
    int64_t n = X->shape[0];
    manual_seed(0);
    Module *model = nn_to(model_of(cnn), d);
    Optimizer *opt = optim_adam(nn_parameters(model), .lr = 1e-3);
    long step = 0;
    for (int e = 0; e < epochs || steps > 0; e++) {
        nn_train(model, true);
        Tensor *perm = tensor_to(tensor_randperm(n, NULL), d);
        device_synchronize(d);
        double t0 = now();
        for (int64_t s = 0; s + batch <= n; s += batch) {
            Tensor *idx = tensor_narrow(perm, 0, s, batch);
            Tensor *xb = tensor_index_select(X, 0, idx), *yb = tensor_index_select(Y, 0, idx);
            optim_zero_grad(opt);
            Tensor *loss = nn_cross_entropy(nn_forward(model, xb), yb);
            tensor_backward(loss);
            optim_step(opt);
            step++;
            if (steps > 0 && step % 100 == 0)
                printf("step %ld loss %.4f device_mib_in_use %.1f\n", step, tensor_item(loss), in_use_mib(d));
            if (steps > 0 && step >= steps)
                return 0;
        }
        device_synchronize(d);
        double secs = now() - t0;
        nn_train(model, false);
        double acc = 0;
        no_grad {
            Tensor *pred = tensor_argmax_dim(nn_forward(model, Xt), 1, false);
            acc = tensor_item(tensor_mean(tensor_to_dtype(tensor_eq(pred, Yt), DT_FLOAT32)));
        }
        printf("train %s device %s batch %lld epoch %d seconds %.3f accuracy %.4f\n", cnn ? "cnn" : "mlp", dev,
               (long long)batch, e + 1, secs, acc);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 4 && !strcmp(argv[1], "matmul"))
        return matmul(atoi(argv[2]), atoi(argv[3]));
    if (argc >= 3 && !strcmp(argv[1], "ops"))
        return ops(atoi(argv[2]));
    if (argc >= 6 && !strcmp(argv[1], "train"))
        return train(!strcmp(argv[2], "cnn"), atoll(argv[3]), atoi(argv[4]), argv[5], argc > 6 ? atol(argv[6]) : 0);
    fprintf(stderr, "usage: %s matmul N REPS | ops REPS | train mlp|cnn BATCH EPOCHS DEVICE [STEPS]\n", argv[0]);
    return 2;
}
