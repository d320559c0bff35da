/* Optimizers against PyTorch's documented update formulas, computed by
 * hand here in double precision over several steps; schedulers' lr
 * sequences; gradient clipping; the state list for checkpoints. */
#include "check.h"

#define NP 3
static const double p0[NP] = { 0.5, -1.0, 2.0 };

/* Loss sum(c * p^2 / 2 + p): gradient c p + 1, known in closed form. */
static const double cc[NP] = { 1.0, 3.0, 0.5 };
static double grad_at(double p, int i) { return cc[i] * p + 1; }

static Tensor *make_param(void)
{
    return tensor_requires_grad_(tensor_from_f64(p0, NP), true);
}

static void run_steps(Optimizer *opt, Tensor *p, int steps)
{
    Tensor *c = tensor_from_f64(cc, NP);
    for (int s = 0; s < steps; s++) {
        optim_zero_grad(opt);
        Tensor *loss = tensor_sum(tensor_add(tensor_mul(tensor_mul_scalar(c, 0.5), tensor_mul(p, p)), p));
        tensor_backward(loss);
        optim_step(opt);
    }
}

static ParamList *one(Tensor *p)
{
    ParamList *l = nn_alloc(sizeof(ParamList));
    l->n = 1;
    l->tensors = nn_alloc(sizeof(Tensor *));
    l->tensors[0] = p;
    l->names = nn_alloc(sizeof(char *));
    l->names[0] = "p";
    return l;
}

static void check_against(Tensor *p, const double *ref, const char *what)
{
    int ok = 1;
    for (int i = 0; i < NP; i++)
        if (fabs(tensor_get(p, i) - ref[i]) > 1e-10 * (1 + fabs(ref[i]))) ok = 0;
    if (!ok)
        printf("%s: got %.12g %.12g %.12g expected %.12g %.12g %.12g\n", what, tensor_get(p, 0), tensor_get(p, 1),
               tensor_get(p, 2), ref[0], ref[1], ref[2]);
    CHECK(ok);
}

static void test_sgd(double lr, double mom, double damp, double wd, bool nesterov, int steps)
{
    Tensor *p = make_param();
    Optimizer *o = optim_sgd(one(p), .lr = lr, .momentum = mom, .dampening = damp, .weight_decay = wd,
                             .nesterov = nesterov);
    run_steps(o, p, steps);
    double ref[NP];
    for (int i = 0; i < NP; i++) {
        double x = p0[i], b = 0;
        for (int s = 0; s < steps; s++) {
            double g = grad_at(x, i) + wd * x;
            if (mom != 0) {
                b = s == 0 ? g : mom * b + (1 - damp) * g;
                g = nesterov ? g + mom * b : b;
            }
            x -= lr * g;
        }
        ref[i] = x;
    }
    check_against(p, ref, "sgd");
}

static void test_adam(double lr, double b1, double b2, double eps, double wd, bool adamw, bool amsgrad, int steps)
{
    Tensor *p = make_param();
    AdamOptions ao = { .lr = lr, .beta1 = b1, .beta2 = b2, .eps = eps, .weight_decay = wd, .amsgrad = amsgrad };
    Optimizer *o = adamw ? optim_adamw_(one(p), &ao) : optim_adam_(one(p), &ao);
    run_steps(o, p, steps);
    double ref[NP];
    for (int i = 0; i < NP; i++) {
        double x = p0[i], m = 0, v = 0, vmax = 0;
        for (int t = 1; t <= steps; t++) {
            double g = grad_at(x, i);
            if (adamw) x *= 1 - lr * wd;
            else g += wd * x;
            m = b1 * m + (1 - b1) * g;
            v = b2 * v + (1 - b2) * g * g;
            double mh = m / (1 - pow(b1, t));
            if (amsgrad) { vmax = fmax(vmax, v); }
            double vh = (amsgrad ? vmax : v) / (1 - pow(b2, t));
            x -= lr * mh / (sqrt(vh) + eps);
        }
        ref[i] = x;
    }
    check_against(p, ref, adamw ? "adamw" : "adam");
}

static void test_rmsprop(double lr, double alpha, double eps, double wd, double mom, bool centered, int steps)
{
    Tensor *p = make_param();
    Optimizer *o = optim_rmsprop(one(p), .lr = lr, .alpha = alpha, .eps = eps, .weight_decay = wd, .momentum = mom,
                                 .centered = centered);
    run_steps(o, p, steps);
    double ref[NP];
    for (int i = 0; i < NP; i++) {
        double x = p0[i], v = 0, ga = 0, b = 0;
        for (int s = 0; s < steps; s++) {
            double g = grad_at(x, i) + wd * x;
            v = alpha * v + (1 - alpha) * g * g;
            double avg;
            if (centered) { ga = alpha * ga + (1 - alpha) * g; avg = sqrt(v - ga * ga) + eps; }
            else avg = sqrt(v) + eps;
            if (mom > 0) { b = mom * b + g / avg; x -= lr * b; }
            else x -= lr * g / avg;
        }
        ref[i] = x;
    }
    check_against(p, ref, "rmsprop");
}

static void test_adagrad(double lr, double decay, double wd, double init, int steps)
{
    Tensor *p = make_param();
    Optimizer *o = optim_adagrad(one(p), .lr = lr, .lr_decay = decay, .weight_decay = wd,
                                 .initial_accumulator_value = init);
    run_steps(o, p, steps);
    double ref[NP];
    for (int i = 0; i < NP; i++) {
        double x = p0[i], s = init;
        for (int t = 1; t <= steps; t++) {
            double g = grad_at(x, i) + wd * x;
            double clr = lr / (1 + (t - 1) * decay);
            s += g * g;
            x -= clr * g / (sqrt(s) + 1e-10);
        }
        ref[i] = x;
    }
    check_against(p, ref, "adagrad");
}

static void test_optimizers(void)
{
    test_sgd(0.1, 0, 0, 0, false, 5);
    test_sgd(0.05, 0.9, 0, 0, false, 6);
    test_sgd(0.05, 0.9, 0.3, 0.01, false, 6);
    test_sgd(0.05, 0.8, 0, 0.1, true, 7);
    test_adam(1e-3, 0.9, 0.999, 1e-8, 0, false, false, 1);
    test_adam(0.1, 0.9, 0.999, 1e-8, 0, false, false, 8);
    test_adam(0.05, 0.8, 0.99, 1e-6, 0.1, false, false, 8);
    test_adam(0.05, 0.9, 0.999, 1e-8, 0.1, false, true, 8);
    test_adam(0.05, 0.9, 0.999, 1e-8, 0.01, true, false, 8);
    test_adam(0.05, 0.9, 0.999, 1e-8, 0.2, true, true, 8);
    test_rmsprop(0.01, 0.99, 1e-8, 0, 0, false, 6);
    test_rmsprop(0.01, 0.9, 1e-8, 0.1, 0.5, false, 6);
    test_rmsprop(0.01, 0.9, 1e-8, 0, 0.5, true, 6);
    test_adagrad(0.1, 0, 0, 0, 6);
    test_adagrad(0.1, 0.1, 0.05, 0.1, 6);

    /* defaults, float32 path, maximize, a param without grad is skipped */
    Tensor *p = make_param();
    Optimizer *a = optim_adam(one(p));
    CHECK_CLOSE(optim_get_lr(a), 1e-3, 0);
    CHECK_STR(optim_name(a), "Adam");
    CHECK_CLOSE(optim_get_lr(optim_adamw(one(p))), 1e-3, 0);
    CHECK_CLOSE(optim_get_lr(optim_rmsprop(one(p))), 1e-2, 0);
    Tensor *pf = tensor_requires_grad_(tensor_of(1.0, 2.0), true);
    Optimizer *s = optim_sgd(one(pf), .lr = 0.5, .maximize = true);
    tensor_backward(tensor_sum(tensor_mul(pf, pf)));
    optim_step(s);
    CHECK_CLOSE(tensor_get(pf, 0), 2.0, 1e-6);
    CHECK_CLOSE(tensor_get(pf, 1), 4.0, 1e-6);
    optim_zero_grad(s);
    CHECK(tensor_grad(pf) == NULL);
    optim_step(s);  /* no gradient: nothing changes */
    CHECK_CLOSE(tensor_get(pf, 0), 2.0, 1e-6);
    CHECK(optim_step_count(s) == 2);
    CHECK_RAISES(ERR_VALUE, "Nesterov", optim_sgd(one(pf), .nesterov = true));
    CHECK_RAISES(ERR_VALUE, "betas", optim_adam(one(pf), .beta1 = 1.5));
    CHECK_RAISES(ERR_VALUE, "NULL", optim_adam(NULL));
    /* beta1 exactly 0 through OPTIM_ZERO: m = g, so the first step is lr * sign(g) (approximately) */
    Tensor *pz = tensor_requires_grad_(tensor_of(1.0), true);
    Optimizer *az = optim_adam(one(pz), .lr = 0.1, .beta1 = OPTIM_ZERO);
    tensor_backward(tensor_sum(tensor_mul(pz, pz)));
    optim_step(az);
    CHECK_CLOSE(tensor_get(pz, 0), 0.9, 1e-5);
}

/* The float32 path (AVX loop + scalar tail) against the float64 rule. */
static void test_adam_float32(void)
{
    double x0[13], c[13];
    for (int i = 0; i < 13; i++) { x0[i] = 0.3 * i - 2; c[i] = 0.5 + 0.25 * i; }
    Tensor *p = tensor_requires_grad_(tensor_from_f64_as(x0, DT_FLOAT32, 1, (int64_t[]){ 13 }), true);
    Tensor *ct = tensor_from_f64_as(c, DT_FLOAT32, 1, (int64_t[]){ 13 });
    Optimizer *o = optim_adamw(one(p), .lr = 0.05, .weight_decay = 0.1);
    for (int s = 0; s < 6; s++) {
        optim_zero_grad(o);
        tensor_backward(tensor_sum(tensor_mul(tensor_mul_scalar(ct, 0.5), tensor_mul(p, p))));
        optim_step(o);
    }
    int ok = 1;
    for (int i = 0; i < 13; i++) {
        double x = x0[i], m = 0, v = 0;
        for (int t = 1; t <= 6; t++) {
            double g = c[i] * x;
            x *= 1 - 0.05 * 0.1;
            m = 0.9 * m + 0.1 * g;
            v = 0.999 * v + 0.001 * g * g;
            x -= 0.05 * (m / (1 - pow(0.9, t))) / (sqrt(v / (1 - pow(0.999, t))) + 1e-8);
        }
        if (fabs(tensor_get(p, i) - x) > 1e-5) ok = 0;
    }
    CHECK(ok);
}

static void test_state(void)
{
    /* a model trained 3 steps, its optimizer state copied into a fresh one,
     * then both step once more: identical. */
    manual_seed(5);
    Module *m1 = nn_sequential(nn_linear(3, 4), nn_tanh(), nn_linear(4, 1));
    Optimizer *o1 = optim_adam(nn_parameters(m1), .lr = 0.01);
    Tensor *x = tensor_randn(8, 3), *y = tensor_randn(8, 1);
    for (int s = 0; s < 3; s++) {
        optim_zero_grad(o1);
        tensor_backward(nn_mse(nn_forward(m1, x), y));
        optim_step(o1);
    }
    ParamList *st = optim_state(o1);
    CHECK(st->n == 2 + 4 * 2);
    CHECK_STR(st->names[0], "lr");
    CHECK_STR(st->names[1], "step");
    CHECK_STR(st->names[2], "0.exp_avg");
    CHECK_STR(st->names[3], "0.exp_avg_sq");
    CHECK_CLOSE(tensor_get(st->tensors[1], 0), 3, 0);
    manual_seed(99);
    Module *m2 = nn_sequential(nn_linear(3, 4), nn_tanh(), nn_linear(4, 1));
    ParamList *s1 = nn_state(m1), *s2 = nn_state(m2);
    for (int i = 0; i < s1->n; i++)
        no_grad { tensor_copy_(s2->tensors[i], s1->tensors[i]); }
    Optimizer *o2 = optim_adam(nn_parameters(m2), .lr = 0.5);
    ParamList *st2 = optim_state(o2);
    for (int i = 0; i < st->n; i++)
        tensor_copy_(st2->tensors[i], st->tensors[i]);
    CHECK_CLOSE(optim_get_lr(o2), 0.01, 0);
    for (int k = 0; k < 2; k++) {
        Optimizer *o = k ? o2 : o1;
        Module *m = k ? m2 : m1;
        optim_zero_grad(o);
        tensor_backward(nn_mse(nn_forward(m, x), y));
        optim_step(o);
    }
    for (int i = 0; i < s1->n; i++)
        CHECK(tensor_allclose(s1->tensors[i], s2->tensors[i], 1e-6, 1e-7));
    ParamList *ss = optim_state(optim_sgd(nn_parameters(m1), .momentum = 0.9));
    CHECK_STR(ss->names[2], "0.momentum_buffer");
}

static void test_schedulers(void)
{
    Tensor *p = make_param();
    Optimizer *o = optim_sgd(one(p), .lr = 1.0);
    Scheduler *s = optim_step_lr(o, 3, 0.5);
    double expect_step[] = { 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25 };
    for (int e = 0; e < 7; e++) {
        optim_scheduler_step(s);
        CHECK_CLOSE(optim_get_lr(o), expect_step[e], 1e-12);
    }
    CHECK(optim_scheduler_epoch(s) == 7);
    o = optim_sgd(one(p), .lr = 0.1);
    s = optim_exponential_lr(o, 0.9);
    for (int e = 1; e <= 5; e++) {
        optim_scheduler_step(s);
        CHECK_CLOSE(optim_get_lr(o), 0.1 * pow(0.9, e), 1e-12);
    }
    /* cosine: closed form for epoch <= T_max, then it climbs back */
    o = optim_sgd(one(p), .lr = 0.1);
    s = optim_cosine_annealing_lr(o, 10, 0.001);
    for (int e = 1; e <= 10; e++) {
        optim_scheduler_step(s);
        CHECK_CLOSE(optim_get_lr(o), 0.001 + (0.1 - 0.001) * (1 + cos(M_PI * e / 10)) / 2, 1e-10);
    }
    optim_scheduler_step(s);
    CHECK_CLOSE(optim_get_lr(o), 0.001 + (0.1 - 0.001) * (1 + cos(M_PI * 11 / 10)) / 2, 1e-10);
    /* plateau: patience 2, factor 0.5 */
    o = optim_sgd(one(p), .lr = 1.0);
    s = optim_reduce_lr_on_plateau(o, .patience = 2, .factor = 0.5);
    double metrics[] = { 1.0, 0.9, 0.95, 0.95, 0.95, 0.95, 0.95, 0.95, 0.5 };
    double lrs[] = { 1, 1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25 };
    for (int e = 0; e < 9; e++) {
        optim_scheduler_step_metric(s, metrics[e]);
        CHECK_CLOSE(optim_scheduler_get_lr(s), lrs[e], 1e-12);
    }
    /* mode max, cooldown 1, min_lr */
    o = optim_sgd(one(p), .lr = 1.0);
    s = optim_reduce_lr_on_plateau(o, .mode_max = true, .patience = 1, .factor = 0.1, .cooldown = 1, .min_lr = 0.05);
    double acc[] = { 0.5, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6 };
    double lr2[] = { 1, 1, 1, 0.1, 0.1, 0.1, 0.05, 0.05 };
    for (int e = 0; e < 8; e++) {
        optim_scheduler_step_metric(s, acc[e]);
        CHECK_CLOSE(optim_get_lr(o), lr2[e], 1e-12);
    }
    CHECK_RAISES(ERR_VALUE, "metric", optim_scheduler_step(s));
}

static void test_clip(void)
{
    Tensor *a = tensor_requires_grad_(tensor_of(1.0, 2.0), true), *b = tensor_requires_grad_(tensor_of(2.0), true);
    ParamList *l = nn_alloc(sizeof(ParamList));
    Tensor *ts[] = { a, b };
    l->n = 2;
    l->tensors = ts;
    tensor_backward(tensor_add(tensor_sum(tensor_mul(a, a)), tensor_sum(tensor_mul(b, b))));  /* grads 2,4 | 4 */
    double n = nn_clip_grad_norm(l, 3, 0);
    CHECK_CLOSE(n, 6, 1e-6);
    CHECK_CLOSE(tensor_get(tensor_grad(a), 1), 4 * 3 / (6 + 1e-6), 1e-5);
    CHECK_CLOSE(tensor_get(tensor_grad(b), 0), 4 * 3 / (6 + 1e-6), 1e-5);
    CHECK_CLOSE(nn_clip_grad_norm(l, 100, INFINITY), 2, 1e-5);
    CHECK_RAISES(ERR_VALUE, "max_norm = -1", nn_clip_grad_norm(l, -1, 0));
    nn_clip_grad_value(l, 1.5);
    CHECK_CLOSE(tensor_get(tensor_grad(a), 1), 1.5, 1e-6);
    CHECK_CLOSE(tensor_get(tensor_grad(a), 0), 1.0, 1e-5);
}

int main(void)
{
    check_init();
    test_optimizers();
    test_adam_float32();
    test_state();
    test_schedulers();
    test_clip();
    return CHECK_DONE();
}
