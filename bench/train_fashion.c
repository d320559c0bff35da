/* Trains the Fashion-MNIST models with the engine, the PyTorch way
 * (loader, forward, loss, zero_grad, backward, step): prints the seconds of
 * each epoch, the test accuracy and the peak memory, for bench/train_bench.py.
 * Usage: train_fashion mlp|cnn EPOCHS BATCH [SEED [DIR]]
 * With DIR, the model starts from PyTorch's initial weights (DIR/<name>.npy,
 * e.g. DIR/0.weight.npy) and the first epoch takes the batches in
 * PyTorch's order (DIR/order.npy): both sides then differ only by their
 * dropout draws (and float rounding). */
#include <coursdl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <time.h>

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static double peak_rss_mb(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    double kb = 0;
    while (f && fgets(line, sizeof line, f))
        if (!strncmp(line, "VmHWM:", 6))
            kb = atof(line + 6);
    if (f)
        fclose(f);
    return kb / 1024;
}

int main(int argc, char **argv)
{
    if (argc < 4 || argc > 6) {
        fprintf(stderr, "usage: %s mlp|cnn EPOCHS BATCH [SEED [DIR]]\n", argv[0]);
        return 2;
    }
    const char *dir = argc == 6 ? argv[5] : NULL;
    bool cnn = !strcmp(argv[1], "cnn");
    /* For bench/cnn_steps.py: the loss of each of the first steps, and no dropout (both sides then
     * compute the same thing). */
    int trace = getenv("CDL_TRACE_STEPS") ? atoi(getenv("CDL_TRACE_STEPS")) : 0;
    double dropout = getenv("CDL_NO_DROPOUT") ? 0.0 : 0.3;
    int epochs = atoi(argv[2]);
    int64_t batch = atoll(argv[3]);
    uint64_t seed = argc >= 5 ? strtoull(argv[4], NULL, 10) : 0;
    Dataset *train = datasets_fashion_mnist(NULL, true);
    Dataset *test = datasets_fashion_mnist(NULL, false);
    manual_seed(seed);
    Module *model = cnn
        ? nn_sequential(nn_conv2d(1, 32, 3), nn_relu(), nn_max_pool2d(2), nn_conv2d(32, 64, 3), nn_relu(),
                        nn_max_pool2d(2), nn_flatten(), nn_linear(64 * 5 * 5, 128), nn_relu(), nn_dropout(dropout),
                        nn_linear(128, 10))
        : nn_sequential(nn_flatten(), nn_linear(784, 128), nn_relu(), nn_linear(128, 10));
    Tensor *order = NULL;
    if (dir) {
        char path[4096];
        ParamList *st = nn_state(model);
        no_grad {
            for (int i = 0; i < st->n; i++) {
                snprintf(path, sizeof path, "%s/%s.npy", dir, st->names[i]);
                tensor_copy_(st->tensors[i], tensor_load(path));
            }
        }
        snprintf(path, sizeof path, "%s/order.npy", dir);
        order = tensor_load(path);
    }
    Optimizer *opt = optim_adam(nn_parameters(model), .lr = 1e-3);
    /* Like PyTorch's RandomSampler, the shuffling seed is drawn from the default generator. */
    DataLoader *loader = data_loader(train, .batch_size = batch, .shuffle = true, .seed = (uint64_t)random_int(NULL, 0, INT64_MAX));
    Tensor *X = data_x(train), *Y = data_y(train);
    for (int e = 0; e < epochs; e++) {
        nn_train(model, true);
        double t0 = now();
        if (order && e == 0) {  /* PyTorch's batches */
            int64_t n = tensor_numel(order);
            for (int64_t at = 0; at < n; at += batch) {
                Tensor *idx = tensor_narrow(order, 0, at, n - at < batch ? n - at : batch);
                optim_zero_grad(opt);
                Tensor *loss = nn_cross_entropy(nn_forward(model, tensor_index_select(X, 0, idx)), tensor_index_select(Y, 0, idx));
                tensor_backward(loss);
                optim_step(opt);
                if (at / batch < trace) printf("step %lld loss %.7f\n", (long long)(at / batch), tensor_item(loss));
            }
        } else {
            for (Batch *b; (b = data_next(loader));) {
                optim_zero_grad(opt);
                Tensor *loss = nn_cross_entropy(nn_forward(model, b->x), b->y);
                tensor_backward(loss);
                optim_step(opt);
            }
        }
        printf("epoch %d seconds %.3f\n", e + 1, now() - t0);
        fflush(stdout);
    }
    nn_eval(model);
    int64_t correct = 0, total = 0;
    DataLoader *tl = data_loader(test, .batch_size = 1000);
    no_grad {
        for (Batch *b; (b = data_next(tl));) {
            Tensor *pred = tensor_argmax_dim(nn_forward(model, b->x), 1, false);
            correct += (int64_t)tensor_item(tensor_sum(tensor_eq(pred, b->y)));
            total += b->size;
        }
    }
    printf("accuracy %.4f\npeak_rss_mb %.1f\n", (double)correct / (double)total, peak_rss_mb());
    return 0;
}
