/* Lazy sizes (nn_linear(0, n), nn_conv2d(0, n, k)) equal to eager layers
 * made with the same seed, optimizers made before the first forward,
 * Keras's Input (built at once, summary without a shape), nn_build,
 * ModuleList (dotted names in named_parameters and checkpoints), data_peek. */
#include <coursdl.h>
#include "check.h"
#include <unistd.h>

static Tensor *list_fwd(Module *self, Tensor *x, void *ctx)
{
    (void)self;
    Module *layers = ctx;
    for (int i = 0; i < nn_module_list_len(layers); i++) x = tensor_relu(nn_forward(nn_module_list_get(layers, i), x));
    return x;
}

int main(void)
{
    check_init();
    /* Linear: the lazy one draws its weights at its first forward, the same numbers as the eager one. */
    Tensor *x = tensor_randn(3, 20);
    manual_seed(7);
    Module *eager = nn_linear(20, 5);
    Module *lazy = nn_linear(0, 5);
    CHECK(nn_has_uninitialized_params(lazy) && nn_num_parameters(lazy, false) == 0);
    manual_seed(7);
    Tensor *yl = nn_forward(lazy, x);
    CHECK(!nn_has_uninitialized_params(lazy));
    CHECK(tensor_equal(nn_get_parameter(lazy, "weight"), nn_get_parameter(eager, "weight")));
    CHECK(tensor_equal(nn_get_parameter(lazy, "bias"), nn_get_parameter(eager, "bias")));
    CHECK(tensor_equal(yl, nn_forward(eager, x)));
    CHECK(strstr(nn_repr(lazy), "in_features=20") != NULL);
    CHECK_RAISES(ERR_SHAPE, "in_features", nn_forward(lazy, tensor_randn(3, 7)));
    CHECK_RAISES(ERR_VALUE, "in_features (-1)", nn_linear(-1, 5));

    /* Conv2d (and no bias), Conv1d. */
    Tensor *img = tensor_randn(2, 3, 9, 9);
    manual_seed(8);
    Module *ce = nn_conv2d(3, 4, 3, .padding = 1, .no_bias = true);
    Module *cl = nn_conv2d(0, 4, 3, .padding = 1, .no_bias = true);
    manual_seed(8);
    CHECK(tensor_equal(nn_forward(cl, img), nn_forward(ce, img)));
    CHECK(tensor_size(nn_get_parameter(cl, "weight"), 1) == 3 && !nn_get_parameter(cl, "bias"));
    Tensor *sig = tensor_randn(4, 2, 16);
    manual_seed(9);
    Module *c1e = nn_conv1d(2, 3, 5);
    Module *c1l = nn_conv1d(0, 3, 5);
    manual_seed(9);
    CHECK(tensor_equal(nn_forward(c1l, sig), nn_forward(c1e, sig)));
    CHECK_RAISES(ERR_VALUE, "groups", nn_forward(nn_conv2d(0, 4, 3, .groups = 2), tensor_randn(1, 3, 8, 8)));

    /* The course CNN without its hand-computed 1600, trained with an optimizer made before the
     * first forward: the same losses as the eager one, step by step. */
    manual_seed(1);
    Module *cnn_e = nn_sequential(nn_conv2d(1, 8, 3), nn_relu(), nn_max_pool2d(2), nn_conv2d(8, 16, 3), nn_relu(),
                                  nn_max_pool2d(2), nn_flatten(), nn_linear(16 * 5 * 5, 32), nn_relu(), nn_linear(32, 10));
    manual_seed(1);
    Module *cnn_l = nn_sequential(nn_conv2d(0, 8, 3), nn_relu(), nn_max_pool2d(2), nn_conv2d(0, 16, 3), nn_relu(),
                                  nn_max_pool2d(2), nn_flatten(), nn_linear(0, 32), nn_relu(), nn_linear(0, 10));
    Optimizer *oe = optim_adam(nn_parameters(cnn_e), .lr = 1e-2), *ol = optim_adam(nn_parameters(cnn_l), .lr = 1e-2);
    Dataset *ds = datasets_mnist(NULL, true, .limit = 64);
    bool same = true;
    for (int step = 0; step < 4; step++) {
        Tensor *xb = tensor_narrow(data_x(ds), 0, 16 * step, 16), *yb = tensor_narrow(data_y(ds), 0, 16 * step, 16);
        optim_zero_grad(oe);
        optim_zero_grad(ol);
        Tensor *le = nn_cross_entropy(nn_forward(cnn_e, xb), yb), *ll = nn_cross_entropy(nn_forward(cnn_l, xb), yb);
        tensor_backward(le);
        tensor_backward(ll);
        optim_step(oe);
        optim_step(ol);
        same = same && tensor_item(le) == tensor_item(ll);
    }
    CHECK(same);
    CHECK(nn_num_parameters(cnn_l, false) == nn_num_parameters(cnn_e, false));
    CHECK(tensor_size(nn_get_parameter(cnn_l, "7.weight"), 1) == 400);
    ParamList *os = optim_state(ol);
    CHECK(os->n == optim_state(oe)->n && tensor_numel(os->tensors[os->n - 2]) == tensor_numel(optim_state(oe)->tensors[os->n - 2]));

    /* Keras's Input: the Sequential is built at once; summary needs no shape; wrong inputs are named. */
    manual_seed(2);
    Module *k = nn_sequential(nn_input(1, 28, 28), nn_conv2d(0, 32, 3), nn_relu(), nn_max_pool2d(2), nn_flatten(),
                              nn_linear(0, 10));
    CHECK(!nn_has_uninitialized_params(k) && nn_num_parameters(k, false) == 32 * 9 + 32 + 32 * 13 * 13 * 10 + 10);
    char *sum = nn_summary_string(k);
    CHECK(strstr(sum, "[-1, 32, 26, 26]") && strstr(sum, "54,410") && !strstr(sum, "Input"));
    CHECK_RAISES(ERR_SHAPE, "expects samples of shape (1, 28, 28)", nn_forward(k, tensor_zeros(2, 28, 28)));
    Module *u = nn_sequential(nn_flatten(), nn_linear(0, 4));
    CHECK(strstr(nn_summary_string(u), "first forward") != NULL);
    nn_build(u, 3, 5);
    CHECK(nn_num_parameters(u, false) == 15 * 4 + 4 && strstr(nn_summary_string(u), ", 4]"));
    CHECK(nn_is_training(u));  /* the dry run restored the mode */

    /* ModuleList: registered, dotted names, in checkpoints; not callable. */
    manual_seed(3);
    Module *layers = nn_module_list(nn_linear(4, 8), nn_linear(8, 8));
    nn_module_list_append(layers, nn_linear(0, 2));
    Module *net = nn_module("Net", list_fwd, layers);
    nn_register_module(net, "layers", layers);
    Tensor *out = nn_forward(net, tensor_randn(5, 4));
    CHECK(tensor_size(out, 1) == 2 && nn_module_list_len(layers) == 3 && nn_module_list_get(layers, -1) == nn_child(layers, 2));
    ParamList *np = nn_named_parameters(net);
    CHECK(np->n == 6);
    CHECK_STR(np->names[0], "layers.0.weight");
    CHECK_STR(np->names[5], "layers.2.bias");
    char path[] = "/tmp/cdl-lazy-XXXXXX";
    int fd = mkstemp(path);
    close(fd);
    nn_save(net, path);
    ParamList *file = safetensors_load(path);
    bool found = false;
    for (int i = 0; i < file->n; i++) found = found || !strcmp(file->names[i], "layers.1.weight");
    CHECK(found);
    unlink(path);
    CHECK_RAISES(ERR_TYPE, "not callable", nn_forward(layers, tensor_randn(5, 4)));
    CHECK_RAISES(ERR_INDEX, "out of range", nn_module_list_get(layers, 3));
    CHECK_RAISES(ERR_TYPE, "ModuleList", nn_module_list_append(net, nn_relu()));

    /* data_peek: the next batch, without taking it; the epoch order is kept. */
    Dataset *small = data_tensor_dataset(tensor_arange(0, 10, 1), NULL);
    DataLoader *a = data_loader(small, .batch_size = 4, .shuffle = true, .seed = 5);
    DataLoader *b = data_loader(small, .batch_size = 4, .shuffle = true, .seed = 5);
    Batch *p = data_peek(a);
    data_reset(a);  /* nn_fit resets at each epoch: a peeked, untouched epoch is kept */
    Batch *n1 = data_next(a), *m1 = data_next(b);
    CHECK(tensor_equal(p->x, n1->x) && tensor_equal(n1->x, m1->x));
    Batch *p2 = data_peek(a), *n2 = data_next(a);
    CHECK(tensor_equal(p2->x, n2->x) && p2->index == 1 && n2->index == 1);
    CHECK(tensor_equal(n2->x, data_next(b)->x));
    data_next(a);
    CHECK(data_peek(a) == NULL && data_next(a) == NULL);
    return CHECK_DONE();
}
