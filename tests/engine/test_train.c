/* Keras-style training: nn_fit on two moons reaches high accuracy, its
 * History agrees with nn_evaluate, the same seed gives the same numbers,
 * the epoch lines look like Keras's, early stopping and best checkpoints
 * work, nn_predict batches under no_grad. */
#include <coursdl.h>
#include "check.h"
#include <fcntl.h>
#include <unistd.h>

static Module *moons_model(void)
{
    manual_seed(0);
    return nn_sequential(nn_linear(2, 32), nn_relu(), nn_linear(32, 32), nn_relu(), nn_linear(32, 2));
}

static Tensor *my_loss(Tensor *pred, Tensor *target) { return nn_cross_entropy(pred, target); }

/* Runs fn with stdout captured into buf. */
static void capture(void (*fn)(void *), void *ctx, char *buf, size_t size)
{
    fflush(stdout);
    char path[] = "/tmp/cdl-train-out-XXXXXX";
    int fd = mkstemp(path), saved = dup(1);
    dup2(fd, 1);
    fn(ctx);
    fflush(stdout);
    dup2(saved, 1);
    close(saved);
    lseek(fd, 0, SEEK_SET);
    ssize_t n = read(fd, buf, size - 1);
    buf[n > 0 ? n : 0] = 0;
    close(fd);
    unlink(path);
}

typedef struct Run { Module *m; Tensor *x, *y; History *h; } Run;

static void fit_verbose(void *ctx)
{
    Run *r = ctx;
    r->h = nn_fit(r->m, .x = r->x, .y = r->y, .epochs = 3, .batch_size = 50, .validation_split = 0.2,
                  .optimizer = optim_adam(nn_parameters(r->m), .lr = 0.01), .verbose = 2, .seed = 1);
}

int main(void)
{
    check_init();
    Dataset *ds = datasets_make_moons(1000, .noise = 0.1, .seed = 0);
    Tensor *X = data_x(ds), *y = data_y(ds);
    TrainTestSplit *s = data_train_test_split(X, y, .test_size = 0.2, .seed = 0);

    Module *m = moons_model();
    History *h = nn_fit(m, .x = s->x_train, .y = s->y_train, .epochs = 30, .batch_size = 32,
                        .optimizer = optim_adam(nn_parameters(m), .lr = 0.01), .loss = "cross_entropy",
                        .metrics = "accuracy", .val_x = s->x_test, .val_y = s->y_test, .seed = 3, .verbose = -1);
    CHECK(history_epochs(h) == 30);
    CHECK(history_get(h, "loss") && history_get(h, "accuracy") && history_get(h, "val_loss") && history_get(h, "val_accuracy"));
    CHECK(history_get(h, "loss")[29] < history_get(h, "loss")[0]);
    CHECK(history_last(h, "val_accuracy") > 0.97);
    Evaluation *ev = nn_evaluate(m, .x = s->x_test, .y = s->y_test, .metrics = "accuracy");
    CHECK_CLOSE(ev->loss, history_last(h, "val_loss"), 1e-6);
    CHECK_CLOSE(ev->accuracy, history_last(h, "val_accuracy"), 1e-12);
    CHECK(ev->samples == 200 && isnan(ev->mae));
    Tensor *pred = nn_predict(m, s->x_test, .batch_size = 64);
    CHECK(tensor_size(pred, 0) == 200 && tensor_size(pred, 1) == 2 && !tensor_requires_grad(pred));
    CHECK_CLOSE(metrics_accuracy(s->y_test, pred), ev->accuracy, 1e-12);

    /* Same seed, same numbers; a loader and a loss function work the same way. */
    Module *m2 = moons_model();
    History *h2 = nn_fit(m2, .x = s->x_train, .y = s->y_train, .epochs = 30, .batch_size = 32,
                         .optimizer = optim_adam(nn_parameters(m2), .lr = 0.01), .loss_fn = my_loss,
                         .metrics = "accuracy", .val_x = s->x_test, .val_y = s->y_test, .seed = 3, .verbose = -1);
    CHECK(history_get(h2, "loss")[29] == history_get(h, "loss")[29]);
    CHECK(history_last(h2, "val_accuracy") == history_last(h, "val_accuracy"));
    Module *m3 = moons_model();
    DataLoader *dl = data_loader(data_tensor_dataset(s->x_train, s->y_train), .batch_size = 32, .shuffle = true, .seed = 3);
    History *h3 = nn_fit(m3, .loader = dl, .epochs = 2, .optimizer = optim_sgd(nn_parameters(m3), .lr = 0.1), .verbose = -1);
    CHECK(history_epochs(h3) == 2 && history_get(h3, "accuracy") != NULL && history_get(h3, "val_loss") == NULL);

    /* Keras-like lines. */
    char out[8192];
    Run r = { moons_model(), X, y, NULL };
    capture(fit_verbose, &r, out, sizeof out);
    CHECK(strstr(out, "Epoch 1/3 - ") && strstr(out, "Epoch 3/3 - "));
    CHECK(strstr(out, "s - loss: ") && strstr(out, " - accuracy: ") && strstr(out, " - val_loss: ") && strstr(out, " - val_accuracy: "));
    CHECK(history_epochs(r.h) == 3);

    /* Early stopping (patience 2, nothing to gain with lr 0) and best checkpoint. */
    char path[] = "/tmp/cdl-train-XXXXXX";
    if (!mkdtemp(path)) return 1;
    char ck[600];
    snprintf(ck, sizeof ck, "%s/best.safetensors", path);
    Module *m4 = moons_model();
    History *h4 = nn_fit(m4, .x = X, .y = y, .epochs = 50, .validation_split = 0.2,
                         .optimizer = optim_sgd(nn_parameters(m4), .lr = OPTIM_ZERO), .verbose = -1,
                         .callbacks = CALLBACKS(callbacks_early_stopping(.patience = 2),
                                                callbacks_model_checkpoint(ck, .monitor = "val_accuracy")));
    CHECK(history_epochs(h4) == 3 && history_stopped_epoch(h4) == 3);
    CHECK(access(ck, R_OK) == 0);
    Module *m5 = moons_model();
    nn_load(m5, ck);
    CHECK(tensor_allclose(nn_predict(m5, X), nn_predict(m4, X), 0, 0));
    /* restore_best_weights brings back the best epoch's weights. */
    Module *m6 = moons_model();
    History *h6 = nn_fit(m6, .x = X, .y = y, .epochs = 40, .validation_split = 0.2, .seed = 2,
                         .optimizer = optim_sgd(nn_parameters(m6), .lr = 2.0), .verbose = -1,
                         .callbacks = CALLBACKS(callbacks_early_stopping(.patience = 3, .restore_best_weights = true)));
    const double *vl = history_get(h6, "val_loss");
    double best = INFINITY;
    for (int e = 0; e < history_epochs(h6); e++) best = fmin(best, vl[e]);
    Evaluation *e6 = nn_evaluate(m6, .x = tensor_narrow(X, 0, 800, 200), .y = tensor_narrow(y, 0, 800, 200));
    CHECK_CLOSE(e6->loss, best, 1e-6);

    /* Regression with mse and metrics. */
    Tensor *xr = tensor_reshape(tensor_linspace(-1, 1, 64), 64, 1), *yr = tensor_mul_scalar(xr, 3);
    manual_seed(0);
    Module *lin = nn_linear(1, 1);
    History *hr = nn_fit(lin, .x = xr, .y = tensor_reshape(yr, 64), .epochs = 200, .batch_size = 64, .metrics = "mae,mse",
                         .optimizer = optim_sgd(nn_parameters(lin), .lr = 0.5), .verbose = -1);
    CHECK(history_last(hr, "loss") < 1e-4 && history_last(hr, "mae") < 1e-2 && history_get(hr, "accuracy") == NULL);
    CHECK(metrics_r2(yr, nn_predict(lin, xr)) > 0.9999);

    CHECK_RAISES(ERR_SHAPE, "same number of samples", nn_fit(m, .x = X, .y = s->y_test, .verbose = -1));
    CHECK_RAISES(ERR_VALUE, "unknown loss", nn_fit(m, .x = X, .y = y, .loss = "hinge", .verbose = -1));
    CHECK_RAISES(ERR_VALUE, "batch_size (-5) must be positive", nn_predict(m, X, .batch_size = -5));
    CHECK_RAISES(ERR_VALUE, "batch_size (-5) must be positive", nn_evaluate(m, .x = X, .y = y, .batch_size = -5, .verbose = -1));
    CHECK_RAISES(ERR_VALUE, "no validation data", nn_fit(m, .x = X, .y = y, .verbose = -1,
                                                          .callbacks = CALLBACKS(callbacks_early_stopping(.monitor = "val_loss"))));
    char cmd[700];
    snprintf(cmd, sizeof cmd, "rm -rf %s", path);
    if (system(cmd) != 0) printf("note: could not remove %s\n", path);
    return CHECK_DONE();
}
