/* Keras's meanings, checked against hand-computed values and the Keras /
 * PyTorch formulas: loss names (probabilities unless from_logits, clipping,
 * normalisation, label smoothing, Huber), nn_compile then nn_fit /
 * nn_evaluate on real MNIST digits, the loss named in the first epoch line,
 * one-hot targets, the last-layer warning (once), optimizers by name,
 * Keras's verbose levels. */
#include <coursdl.h>
#include "check.h"
#include <fcntl.h>
#include <unistd.h>

/* Runs fn with stdout and stderr captured into out / err. */
static void capture(void (*fn)(void *), void *ctx, char *out, size_t osize, char *err, size_t esize)
{
    fflush(stdout);
    fflush(stderr);
    char po[] = "/tmp/cdl-keras-out-XXXXXX", pe[] = "/tmp/cdl-keras-err-XXXXXX";
    int fo = mkstemp(po), fe = mkstemp(pe), so = dup(1), se = dup(2);
    dup2(fo, 1);
    dup2(fe, 2);
    fn(ctx);
    fflush(stdout);
    fflush(stderr);
    dup2(so, 1);
    dup2(se, 2);
    close(so);
    close(se);
    lseek(fo, 0, SEEK_SET);
    lseek(fe, 0, SEEK_SET);
    ssize_t n = read(fo, out, osize - 1), m = read(fe, err, esize - 1);
    out[n > 0 ? n : 0] = 0;
    err[m > 0 ? m : 0] = 0;
    close(fo);
    close(fe);
    unlink(po);
    unlink(pe);
}

static int count(const char *s, const char *what)
{
    int n = 0;
    for (const char *p = s; (p = strstr(p, what)); p += strlen(what)) n++;
    return n;
}

static Tensor *f64(const double *v, int64_t r, int64_t c) { return tensor_from_data(v, DT_FLOAT64, 2, (int64_t[]){ r, c }); }

/* ---- losses by name against hand-computed values ---- */

static void losses(void)
{
    double p[] = { 0.7, 0.2, 0.1, 0.1, 0.1, 0.8 };
    Tensor *P = f64(p, 2, 3), *y = tensor_from_i64(((int64_t[]){ 0, 2 }), 2);
    double want = (-log(0.7) - log(0.8)) / 2;
    CHECK_CLOSE(tensor_item(nn_loss("sparse_categorical_crossentropy", P, y)), want, 1e-12);
    CHECK_CLOSE(tensor_item(nn_sparse_categorical_crossentropy(P, y)), want, 1e-12);
    CHECK_CLOSE(tensor_item(nn_loss("categorical_crossentropy", P, tensor_to_categorical(y, 3))), want, 1e-12);
    /* Keras's labels may be (N, 1), any integer dtype, or whole floats. */
    CHECK_CLOSE(tensor_item(nn_loss("sparse_categorical_crossentropy", P, tensor_reshape(tensor_double(y), 2, 1))), want, 1e-12);
    CHECK_CLOSE(tensor_item(nn_loss("sparse_categorical_crossentropy", P, tensor_to_dtype(y, DT_UINT8))), want, 1e-12);
    /* Keras normalises the rows and clips to [1e-7, 1 - 1e-7]. */
    CHECK_CLOSE(tensor_item(nn_loss("sparse_categorical_crossentropy", tensor_mul_scalar(P, 3), y)), want, 1e-12);
    double onehot[] = { 1, 0, 0 };
    CHECK_CLOSE(tensor_item(nn_loss("sparse_categorical_crossentropy", f64(onehot, 1, 3), tensor_from_i64(((int64_t[]){ 1 }), 1))),
                -log(1e-7), 1e-9);
    /* Label smoothing as Keras: t (1 - ls) + ls / C. */
    double ls = 0.1, t0[3] = { 1 - ls + ls / 3, ls / 3, ls / 3 }, t1[3] = { ls / 3, ls / 3, 1 - ls + ls / 3 };
    double want_ls = 0;
    for (int c = 0; c < 3; c++) want_ls -= t0[c] * log(p[c]) + t1[c] * log(p[3 + c]);
    CHECK_CLOSE(tensor_item(nn_categorical_crossentropy(P, tensor_to_categorical(y, 3), .label_smoothing = ls)), want_ls / 2, 1e-12);
    /* from_logits: PyTorch's cross_entropy on the same logits. */
    Tensor *z = tensor_log(P);
    CHECK_CLOSE(tensor_item(nn_loss("sparse_categorical_crossentropy", z, y, .from_logits = true)),
                tensor_item(nn_cross_entropy(z, y)), 1e-12);
    CHECK_CLOSE(tensor_item(nn_loss("sparse_categorical_crossentropy", z, y, .from_logits = true)), want, 1e-12);
    CHECK_CLOSE(tensor_item(nn_loss("categorical_crossentropy", z, tensor_to_categorical(y, 3), .from_logits = true)), want, 1e-12);
    /* The same probabilities given to PyTorch's cross_entropy mean a softmax applied twice. */
    CHECK(tensor_item(nn_loss("cross_entropy", P, y)) > want + 0.2);
    /* Binary: clipped probabilities, or logits. */
    double b[] = { 0.9, 0.2, 1.0 }, bt[] = { 1, 0, 0 };
    Tensor *B = tensor_from_data(b, DT_FLOAT64, 1, (int64_t[]){ 3 }), *BT = tensor_from_data(bt, DT_FLOAT64, 1, (int64_t[]){ 3 });
    double wb = (-log(0.9) - log(0.8) - log(1e-7)) / 3;
    CHECK_CLOSE(tensor_item(nn_loss("binary_crossentropy", B, BT)), wb, 1e-9);
    CHECK_CLOSE(tensor_item(nn_loss("binary_crossentropy", tensor_log(tensor_div(B, tensor_rsub_scalar(tensor_clamp(B, 0, 0.999), 1))), BT,
                                    .from_logits = true)),
                tensor_item(nn_bce_with_logits(tensor_log(tensor_div(B, tensor_rsub_scalar(tensor_clamp(B, 0, 0.999), 1))), BT)), 1e-12);
    CHECK_CLOSE(tensor_item(nn_loss("bce", tensor_narrow(B, 0, 0, 2), tensor_narrow(BT, 0, 0, 2))), (-log(0.9) - log(0.8)) / 2, 1e-12);
    /* (N, 1) outputs with (N) labels, as in Keras. */
    CHECK_CLOSE(tensor_item(nn_loss("binary_crossentropy", tensor_reshape(B, 3, 1), BT)), wb, 1e-9);
    /* Huber, Keras's and PyTorch's formula: 0.5 d^2 if |d| <= delta else delta (|d| - delta / 2). */
    double hx[] = { 0.2, -1.5, 3.0, 0.5 }, hy[] = { 0, 0, 0, 0 };
    Tensor *HX = tensor_from_data(hx, DT_FLOAT64, 1, (int64_t[]){ 4 }), *HY = tensor_from_data(hy, DT_FLOAT64, 1, (int64_t[]){ 4 });
    for (int k = 0; k < 2; k++) {
        double delta = k ? 0.5 : 1.0, s = 0;
        for (int i = 0; i < 4; i++) {
            double d = fabs(hx[i]);
            s += d <= delta ? 0.5 * d * d : delta * (d - 0.5 * delta);
        }
        CHECK_CLOSE(tensor_item(nn_loss("huber", HX, HY, .delta = delta)), s / 4, 1e-12);
    }
    CHECK_CLOSE(tensor_item(nn_loss("huber", HX, HY)), tensor_item(nn_smooth_l1(HX, HY)), 1e-12);
    CHECK_CLOSE(tensor_item(nn_loss("mae", HX, HY)), (0.2 + 1.5 + 3.0 + 0.5) / 4, 1e-12);
    CHECK_CLOSE(tensor_item(nn_loss("mean_squared_error", HX, HY)), (0.04 + 2.25 + 9 + 0.25) / 4, 1e-12);
    CHECK_CLOSE(tensor_item(nn_loss("MSELoss", HX, HY)), tensor_item(nn_mse(HX, HY)), 0);
    /* Facts about names. */
    CHECK(nn_loss_info("sparse_categorical_crossentropy", false)->input == LOSS_INPUT_PROBS);
    CHECK(nn_loss_info("sparse_categorical_crossentropy", true)->input == LOSS_INPUT_LOGITS);
    CHECK(nn_loss_info("CrossEntropyLoss", false)->input == LOSS_INPUT_LOGITS);
    CHECK(nn_loss_info("nll_loss", false)->input == LOSS_INPUT_LOG_PROBS);
    CHECK(nn_loss_info("BinaryCrossentropy", false)->binary);
    CHECK_STR(nn_loss_info("mean_absolute_error", false)->name, "mae");
    /* An unknown name lists every accepted one. */
    CHECK_RAISES(ERR_VALUE, "\"sparse_categorical_crossentropy\", \"SparseCategoricalCrossentropy\"", nn_loss("hinge", P, y));
    CHECK_RAISES(ERR_VALUE, "\"smooth_l1_loss\", \"SmoothL1Loss\"", nn_loss("crossentropy", P, y));
    CHECK_RAISES(ERR_VALUE, "does not apply", nn_loss("mse", HX, HY, .from_logits = true));
    CHECK_RAISES(ERR_SHAPE, "tensor_to_categorical", nn_loss("categorical_crossentropy", P, y));
    CHECK_RAISES(ERR_INDEX, "out of range", nn_loss("sparse_categorical_crossentropy", P, tensor_from_i64(((int64_t[]){ 0, 3 }), 2)));
}

/* The Keras losses' gradients (through the normalisation and the clip) by finite differences. */
static Tensor *g_target;
static Tensor *f_cce(Tensor **in, void *ctx) { (void)ctx; return nn_categorical_crossentropy(in[0], g_target, .label_smoothing = 0.1); }
static Tensor *f_scce(Tensor **in, void *ctx) { (void)ctx; return nn_sparse_categorical_crossentropy(in[0], g_target); }
static Tensor *f_bce(Tensor **in, void *ctx) { (void)ctx; return nn_binary_crossentropy(in[0], g_target); }
static Tensor *f_huber(Tensor **in, void *ctx) { (void)ctx; return nn_huber(in[0], g_target, .delta = 0.7); }

static void gradients(void)
{
    manual_seed(3);
    Tensor *p = tensor_requires_grad_(tensor_to_dtype(tensor_add_scalar(tensor_rand(4, 5), 0.2), DT_FLOAT64), true);
    g_target = tensor_to_dtype(tensor_softmax(tensor_randn(4, 5), 1), DT_FLOAT64);
    CHECK(autograd_gradcheck(f_cce, NULL, 1, &p));
    g_target = tensor_from_i64(((int64_t[]){ 0, 4, 2, 1 }), 4);
    CHECK(autograd_gradcheck(f_scce, NULL, 1, &p, .order = 2));
    Tensor *q = tensor_requires_grad_(tensor_to_dtype(tensor_add_scalar(tensor_mul_scalar(tensor_rand(6), 0.8), 0.1), DT_FLOAT64), true);
    g_target = tensor_to_dtype(tensor_gt_scalar(tensor_rand(6), 0.5), DT_FLOAT64);
    CHECK(autograd_gradcheck(f_bce, NULL, 1, &q, .order = 2));
    Tensor *h = tensor_requires_grad_(tensor_to_dtype(tensor_mul_scalar(tensor_randn(8), 2), DT_FLOAT64), true);
    g_target = tensor_zeros_dtype(DT_FLOAT64, 8);
    CHECK(autograd_gradcheck(f_huber, NULL, 1, &h));
}

/* ---- compile / fit / evaluate on MNIST digits ---- */

typedef struct Job {
    Module *m;
    Tensor *x, *y, *xt, *yt;
    const char *loss;
    int verbose;
    int epochs;
    History *h;
    Evaluation *e;
} Job;

static void do_fit(void *ctx)
{
    Job *j = ctx;
    if (j->loss) j->h = nn_fit(j->m, .x = j->x, .y = j->y, .epochs = j->epochs, .loss = j->loss, .verbose = j->verbose);
    else j->h = nn_fit(j->m, .x = j->x, .y = j->y, .epochs = j->epochs, .verbose = j->verbose, .val_x = j->xt, .val_y = j->yt);
}

static void do_evaluate(void *ctx)
{
    Job *j = ctx;
    j->e = nn_evaluate(j->m, .x = j->xt, .y = j->yt, .verbose = j->verbose);
}

static Module *seed_model(void)
{
    /* The seed's Keras model, line by line: Input(28, 28), Flatten, Dense(128, relu), Dense(10, softmax). */
    return nn_sequential(nn_input(28, 28), nn_flatten(), nn_linear(0, 128), nn_relu(), nn_linear(0, 10), nn_softmax(1));
}

static void keras_port(void)
{
    char out[16384], err[16384];
    Dataset *train = datasets_mnist(NULL, true, .raw = true, .limit = 4000), *test = datasets_mnist(NULL, false, .raw = true, .limit = 1000);
    /* x_train / 255.0 (uint8 in, float out), shape (N, 28, 28) like Keras's arrays. */
    Tensor *x_train = tensor_div_scalar(tensor_reshape(data_x(train), -1, 28, 28), 255.0), *y_train = data_y(train);
    Tensor *x_test = tensor_div_scalar(tensor_reshape(data_x(test), -1, 28, 28), 255.0), *y_test = data_y(test);
    manual_seed(0);
    Module *model = seed_model();
    CHECK(!nn_has_uninitialized_params(model) && nn_num_parameters(model, false) == 101770);  /* model.summary() */
    nn_compile(model, .optimizer = "adam", .loss = "sparse_categorical_crossentropy", .metrics = "accuracy");
    Job j = { model, x_train, y_train, x_test, y_test, NULL, 2, 2, NULL, NULL };
    capture(do_fit, &j, out, sizeof out, err, sizeof err);
    CHECK(strstr(out, "Epoch 1/2 - ") && strstr(out, "loss (sparse_categorical_crossentropy): "));
    CHECK(strstr(out, "Epoch 2/2 - ") && count(out, "(sparse_categorical_crossentropy)") == 1);
    CHECK(strstr(out, " - val_accuracy: ") && !strstr(err, "UserWarning"));
    CHECK(history_last(j.h, "val_accuracy") > 0.88);
    j.verbose = 1;
    capture(do_evaluate, &j, out, sizeof out, err, sizeof err);  /* model.evaluate prints its result */
    CHECK(strstr(out, "loss: ") && strstr(out, " - accuracy: "));
    CHECK_CLOSE(j.e->accuracy, history_last(j.h, "val_accuracy"), 1e-12);
    CHECK_CLOSE(j.e->loss, history_last(j.h, "val_loss"), 1e-6);
    /* The compiled Adam is kept by a second fit (its step count goes on). */
    j.verbose = 0;
    j.epochs = 1;
    capture(do_fit, &j, out, sizeof out, err, sizeof err);
    CHECK(out[0] == 0);  /* verbose 0: silent */
    capture(do_evaluate, &j, out, sizeof out, err, sizeof err);
    CHECK(out[0] == 0);

    /* The softmax applied twice: "cross_entropy" on a model ending with Softmax warns once, with the fix. */
    manual_seed(0);
    Module *twice = seed_model();
    Job k = { twice, x_train, y_train, x_test, y_test, "cross_entropy", 2, 2, NULL, NULL };
    capture(do_fit, &k, out, sizeof out, err, sizeof err);
    CHECK(count(err, "UserWarning") == 1 && strstr(err, "Softmax") && strstr(err, "sparse_categorical_crossentropy"));
    CHECK(history_last(k.h, "loss") > history_last(j.h, "loss"));
    /* The reverse: Keras's probability loss on logits. */
    manual_seed(0);
    Module *logits = nn_sequential(nn_flatten(), nn_linear(784, 10));
    nn_compile(logits, .loss = "sparse_categorical_crossentropy");
    Job l = { logits, x_train, y_train, x_test, y_test, NULL, 2, 2, NULL, NULL };
    capture(do_fit, &l, out, sizeof out, err, sizeof err);
    CHECK(count(err, "UserWarning") == 0);  /* warned at nn_compile already (once) */
    nn_compile(logits, .loss = "sparse_categorical_crossentropy", .from_logits = true, .metrics = "accuracy");
    capture(do_fit, &l, out, sizeof out, err, sizeof err);
    CHECK(count(err, "UserWarning") == 0 && history_last(l.h, "val_accuracy") > 0.85);
    /* .from_logits without a loss: nn_fit chooses the loss from y, and from_logits applies to that one. */
    nn_compile(logits, .from_logits = true, .metrics = "accuracy");
    capture(do_fit, &l, out, sizeof out, err, sizeof err);
    CHECK(count(err, "UserWarning") == 0 && history_last(l.h, "val_accuracy") > 0.85);

    /* One-hot targets with no loss: categorical cross-entropy (of probabilities after a softmax), not mse. */
    manual_seed(0);
    Module *m2 = seed_model();
    Job o = { m2, x_train, tensor_to_categorical(y_train, 10), x_test, tensor_to_categorical(y_test, 10), NULL, 2, 1, NULL, NULL };
    capture(do_fit, &o, out, sizeof out, err, sizeof err);
    CHECK(strstr(out, "loss (categorical_crossentropy): ") && !strstr(out, "mse") && history_last(o.h, "val_accuracy") > 0.8);
    manual_seed(0);
    o.m = nn_sequential(nn_flatten(), nn_linear(784, 10));
    capture(do_fit, &o, out, sizeof out, err, sizeof err);
    CHECK(strstr(out, "loss (cross_entropy): ") && history_last(o.h, "val_accuracy") > 0.8);
    /* Class indices after a softmax: Keras's sparse loss is chosen. */
    manual_seed(0);
    o.m = seed_model();
    o.y = y_train;
    o.yt = y_test;
    capture(do_fit, &o, out, sizeof out, err, sizeof err);
    CHECK(strstr(out, "loss (sparse_categorical_crossentropy): ") && !strstr(err, "UserWarning"));

    /* Keras's verbose 1: in a plain program the bar (stderr) becomes the epoch's line on stdout. */
    o.verbose = 1;
    capture(do_fit, &o, out, sizeof out, err, sizeof err);
    CHECK(strstr(out, "Epoch 1/1 - ") && strstr(err, "Epoch 1/1:"));

    /* Optimizers by name or as an Optimizer *. */
    Module *m3 = nn_sequential(nn_flatten(), nn_linear(0, 10));
    History *h3 = nn_fit(m3, .x = x_train, .y = y_train, .optimizer = "sgd", .verbose = 0, .metrics = "acc");
    CHECK(history_last(h3, "accuracy") > 0.5);
    const char *names[] = { "rmsprop", "adamw", "adagrad", "Adam" };
    for (int i = 0; i < 4; i++) {
        History *hh = nn_fit(nn_sequential(nn_flatten(), nn_linear(784, 10)), .x = x_train, .y = y_train,
                             .optimizer = names[i], .verbose = 0);
        CHECK(history_last(hh, "accuracy") > (i == 2 ? 0.2 : 0.5));  /* Keras's Adagrad (lr 1e-3) is slow */
    }
    Optimizer *sgd = optim_sgd(nn_parameters(m3), .lr = 0.05);
    nn_fit(m3, .x = x_train, .y = y_train, .optimizer = sgd, .verbose = 0);
    CHECK(optim_step_count(sgd) == 125);
    CHECK(optim_is_optimizer(sgd) && !optim_is_optimizer("adam") && !optim_is_optimizer(""));
    CHECK_RAISES(ERR_VALUE, "unknown optimizer \"adan\"", nn_fit(m3, .x = x_train, .y = y_train, .optimizer = "adan", .verbose = 0));
    CHECK_RAISES(ERR_TYPE, "neither an optimizer's name nor an Optimizer *", nn_fit(m3, .x = x_train, .y = y_train,
                 .optimizer = (const void *)m3, .verbose = 0));
    CHECK_RAISES(ERR_VALUE, "unknown optimizer", nn_compile(m3, .optimizer = "nadamm"));
    CHECK_RAISES(ERR_VALUE, "unknown loss \"crossentropy\"", nn_compile(m3, .loss = "crossentropy"));
    CHECK_RAISES(ERR_VALUE, "unknown metric \"precision\"", nn_compile(m3, .metrics = "accuracy,precision"));
    CHECK_RAISES(ERR_VALUE, "verbose is 3", nn_fit(m3, .x = x_train, .y = y_train, .verbose = 3));
    /* Metrics as Keras names them. */
    History *h4 = nn_fit(m3, .x = x_train, .y = y_train, .verbose = 0, .metrics = "sparse_categorical_accuracy, mae");
    CHECK(history_get(h4, "accuracy") && history_get(h4, "mae"));
}

int main(void)
{
    check_init();
    losses();
    gradients();
    keras_port();
    return CHECK_DONE();
}
