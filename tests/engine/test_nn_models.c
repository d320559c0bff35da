/* User modules written the way a notebook cell writes them: a context
 * struct, a forward function, registered parameters and sub-modules.
 * An MLP from a list of hidden sizes with dropout, an autoencoder
 * (encoder/decoder pair), a GAN (generator/discriminator, two optimizers),
 * and a PINN with two learnable physical scalars trained through d2u/dt2. */
#include "check.h"

/* ---- MLP(sizes, dropout) ---- */
typedef struct MLP { int n; Module **layers; double p; } MLP;

Tensor *mlp_forward(Module *self, Tensor *x, void *ctx)
{
    (void)self;
    MLP *m = ctx;
    for (int i = 0; i < m->n; i++) {
        x = nn_forward(m->layers[i], x);
        if (i < m->n - 1) x = nn_forward(m->layers[m->n + i], tensor_relu(x));  /* dropout after each hidden */
    }
    return x;
}

Module *make_mlp(int in, const int *hidden, int nh, int out, double p)
{
    MLP *c = nn_alloc(sizeof(MLP));
    c->n = nh + 1;
    c->p = p;
    c->layers = nn_alloc(sizeof(Module *) * 2 * (nh + 1));
    Module *m = nn_module("MLP", mlp_forward, c);
    int prev = in;
    char name[32];
    for (int i = 0; i <= nh; i++) {
        int next = i < nh ? hidden[i] : out;
        snprintf(name, sizeof name, "fc%d", i + 1);
        c->layers[i] = nn_register_module(m, name, nn_linear(prev, next));
        if (i < nh) {
            snprintf(name, sizeof name, "drop%d", i + 1);
            c->layers[c->n + i] = nn_register_module(m, name, nn_dropout(p));
        }
        prev = next;
    }
    return m;
}

static void test_mlp(void)
{
    manual_seed(21);
    int hidden[] = { 32, 16 };
    Module *m = make_mlp(2, hidden, 2, 2, 0.1);
    CHECK_STR(nn_type(m), "MLP");
    CHECK(nn_num_parameters(m, false) == (2 * 32 + 32) + (32 * 16 + 16) + (16 * 2 + 2));
    CHECK_STR(nn_named_parameters(m)->names[2], "fc2.weight");
    CHECK(nn_get_module(m, "drop2") != NULL);
    /* two moons-like toy: two Gaussian blobs, must reach > 90% */
    Tensor *x = tensor_randn(200, 2);
    Tensor *lab = tensor_long(tensor_gt_scalar(tensor_sum_dim(x, 1, false), 0));
    Optimizer *opt = optim_adam(nn_parameters(m), .lr = 0.02);
    for (int e = 0; e < 150; e++) {
        optim_zero_grad(opt);
        tensor_backward(nn_cross_entropy(nn_forward(m, x), lab));
        optim_step(opt);
    }
    nn_eval(m);
    CHECK(!nn_is_training(nn_get_module(m, "drop1")));
    Tensor *pred = tensor_argmax_dim(nn_forward(m, x), 1, false);
    double acc = tensor_item(tensor_mean(tensor_float(tensor_eq(pred, lab))));
    CHECK(acc > 0.9);
    char *s = nn_summary_string(m, 2);
    CHECK(strstr(s, "fc1 (Linear)") && strstr(s, "drop2 (Dropout)") && strstr(s, "[-1, 2]"));
    display_out(m);  /* Out[n] for a Module *: the summary */
}

/* ---- autoencoder: encoder / decoder sub-modules ---- */
typedef struct AE { Module *enc, *dec; } AE;
Tensor *ae_forward(Module *self, Tensor *x, void *ctx)
{
    (void)self;
    AE *a = ctx;
    return nn_forward(a->dec, nn_forward(a->enc, x));
}

static void test_autoencoder(void)
{
    manual_seed(22);
    AE *a = nn_alloc(sizeof(AE));
    Module *ae = nn_module("AutoEncoder", ae_forward, a);
    a->enc = nn_register_module(ae, "encoder", nn_sequential(nn_flatten(), nn_linear(16, 8), nn_relu(), nn_linear(8, 3)));
    a->dec = nn_register_module(ae, "decoder", nn_sequential(nn_linear(3, 8), nn_relu(), nn_linear(8, 16), nn_sigmoid(),
                                                             nn_unflatten(1, 1, 4, 4)));
    Tensor *x = tensor_rand(32, 1, 4, 4);
    CHECK_STR(tensor_shape_str(nn_forward(ae, x)), "(32, 1, 4, 4)");
    CHECK_STR(tensor_shape_str(nn_forward(a->enc, x)), "(32, 3)");
    CHECK_STR(nn_named_parameters(ae)->names[0], "encoder.1.weight");
    CHECK(nn_get_parameter(ae, "decoder.2.bias") != NULL);
    Optimizer *opt = optim_adam(nn_parameters(ae), .lr = 0.01);
    double l0 = 0, l1 = 0;
    for (int e = 0; e < 100; e++) {
        optim_zero_grad(opt);
        Tensor *loss = nn_mse(nn_forward(ae, x), x);
        if (e == 0) l0 = tensor_item(loss);
        l1 = tensor_item(loss);
        tensor_backward(loss);
        optim_step(opt);
    }
    CHECK(l1 < 0.7 * l0);
}

/* ---- GAN: generator and discriminator, two optimizers ---- */
static void test_gan(void)
{
    manual_seed(23);
    Module *G = nn_sequential(nn_linear(4, 16), nn_leaky_relu(0.2), nn_linear(16, 2));
    Module *D = nn_sequential(nn_linear(2, 16), nn_leaky_relu(0.2), nn_linear(16, 1));
    Optimizer *og = optim_adam(nn_parameters(G), .lr = 2e-3, .beta1 = 0.5);
    Optimizer *od = optim_adam(nn_parameters(D), .lr = 2e-3, .beta1 = 0.5);
    Tensor *ones = tensor_ones(64, 1), *zeros = tensor_zeros(64, 1);
    double dl = 0, gl = 0;
    for (int it = 0; it < 60; it++) {
        Tensor *real = tensor_add_scalar(tensor_mul_scalar(tensor_randn(64, 2), 0.3), 2.0);
        Tensor *fake = nn_forward(G, tensor_randn(64, 4));
        optim_zero_grad(od);
        Tensor *ld = tensor_add(nn_bce_with_logits(nn_forward(D, real), ones),
                                nn_bce_with_logits(nn_forward(D, tensor_detach(fake)), zeros));
        tensor_backward(ld);
        optim_step(od);
        optim_zero_grad(og);
        Tensor *lg = nn_bce_with_logits(nn_forward(D, fake), ones);
        tensor_backward(lg);
        optim_step(og);
        dl = tensor_item(ld);
        gl = tensor_item(lg);
    }
    CHECK(isfinite(dl) && isfinite(gl));
    /* the generator moved its samples toward the real mean (2, 2) */
    no_grad {
        Tensor *m = tensor_mean_dim(nn_forward(G, tensor_randn(500, 4)), 0, false);
        CHECK(tensor_get(m, 0) > 0.5 && tensor_get(m, 1) > 0.5);
    }
    /* a D step leaves G's gradients untouched (detach) */
    optim_zero_grad(og);
    tensor_backward(nn_bce_with_logits(nn_forward(D, tensor_detach(nn_forward(G, tensor_randn(8, 4)))),
                                       tensor_ones(8, 1)));
    CHECK(tensor_grad(nn_parameters(G)->tensors[0]) == NULL);
}

/* ---- PINN: u(t) for m u'' + c u' + k u = 0 with learnable c and k ---- */
typedef struct PINN { Module *net; Tensor *c, *k; } PINN;
Tensor *pinn_forward(Module *self, Tensor *t, void *ctx)
{
    (void)self;
    PINN *p = ctx;
    return nn_forward(p->net, t);
}

static void test_pinn(void)
{
    manual_seed(24);
    PINN *p = nn_alloc(sizeof(PINN));
    Module *pinn = nn_module("PINN", pinn_forward, p);
    p->net = nn_register_module(pinn, "net", nn_sequential(nn_linear(1, 16), nn_tanh(), nn_linear(16, 16), nn_tanh(),
                                                           nn_linear(16, 1)));
    p->c = nn_register_parameter(pinn, "c", tensor_scalar(0.5));
    p->k = nn_register_parameter(pinn, "k", tensor_scalar(2.0));
    CHECK(nn_num_parameters(pinn, false) == (16 + 16) + (16 * 16 + 16) + (16 + 1) + 2);
    ParamList *names = nn_named_parameters(pinn);
    CHECK_STR(names->names[0], "c");
    CHECK_STR(names->names[1], "k");
    /* the ODE residual needs du/dt and d2u/dt2 of the network */
    Tensor *t = tensor_requires_grad_(tensor_reshape(tensor_linspace(0, 1, 20), -1, 1), true);
    Optimizer *opt = optim_adam(nn_parameters(pinn), .lr = 0.01);
    double r0 = 0, r1 = 0;
    for (int it = 0; it < 60; it++) {
        optim_zero_grad(opt);
        Tensor *u = nn_forward(pinn, t);
        Tensor *du = autograd_grad(u, t, .grad_output = tensor_ones_like(u), .create_graph = true);
        Tensor *d2u = autograd_grad(du, t, .grad_output = tensor_ones_like(du), .create_graph = true);
        Tensor *res = tensor_add(tensor_add(d2u, tensor_mul(p->c, du)), tensor_mul(p->k, u));
        Tensor *u0 = nn_forward(pinn, tensor_zeros(1, 1));
        Tensor *loss = tensor_add(tensor_mean(tensor_square(res)), nn_mse(u0, tensor_ones(1, 1)));
        if (it == 0) r0 = tensor_item(loss);
        r1 = tensor_item(loss);
        tensor_backward(loss);
        if (it == 0)  /* the physical scalars get gradients through d2u/dt2 */
            CHECK(tensor_grad(p->c) != NULL && tensor_grad(p->k) != NULL && tensor_item(tensor_abs(tensor_grad(p->k))) > 0);
        optim_step(opt);
    }
    CHECK(r1 < r0);
    CHECK(tensor_item(p->k) != 2.0);
    char *s = nn_summary_string(pinn, 1);
    CHECK(strstr(s, "(PINN)") && strstr(s, "Total params: 323"));
}

/* A second-order gradcheck through a whole user model (the PINN's need). */
static Module *g_model;
static Tensor *model_fn(Tensor **in, void *ctx) { (void)ctx; return nn_forward(g_model, in[0]); }

static void test_model_gradcheck(void)
{
    g_model = nn_to_dtype(nn_sequential(nn_linear(2, 5), nn_tanh(), nn_linear(5, 3), nn_gelu(), nn_linear(3, 1),
                                        nn_softplus()), DT_FLOAT64);
    Tensor *x = tensor_requires_grad_(tensor_double(tensor_randn(3, 2)), true);
    CHECK(autograd_gradcheck(model_fn, NULL, 1, &x, .order = 2));
    CHECK(autograd_gradcheck(model_fn, NULL, 1, &x, .order = 3));
}

int main(void)
{
    check_init();
    test_mlp();
    test_autoencoder();
    test_gan();
    test_pinn();
    test_model_gradcheck();
    return CHECK_DONE();
}
