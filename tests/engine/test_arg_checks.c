/* tensor_free misused (issue 10, item 6): freeing twice and using a freed
 * tensor are named ValueErrors; a kept pointer to a freed tensor never
 * aliases a new object; views of a freed tensor stay valid; Out[n] of NULL
 * and of a freed tensor shows them. (NULL in every object argument of
 * every public function: test_null_args.py.) */
#include "check.h"

#include <gc.h>

int main(void)
{
    check_init();

    /* twice */
    Tensor *a = tensor_ones(3);
    tensor_free(a);
    CHECK_RAISES(ERR_VALUE, "tensor_free: argument 'x' was already freed", tensor_free(a));
    tensor_free(NULL);  /* as free(NULL) */
    CHECK(1);

    /* used after: every kind of function names the argument */
    CHECK_RAISES(ERR_VALUE, "tensor_add: argument 'a' is a tensor freed by tensor_free", tensor_add(a, tensor_ones(3)));
    CHECK_RAISES(ERR_VALUE, "tensor_sum: argument 'x' is a tensor freed", tensor_sum(a));
    CHECK_RAISES(ERR_VALUE, "tensor_item: argument 't' is a tensor freed", tensor_item(a));
    CHECK_RAISES(ERR_VALUE, "nn_mse: argument 'target' is a tensor freed", nn_mse(tensor_ones(3), a));
    CHECK_RAISES(ERR_VALUE, "tensor_set_grad: argument 'grad' is a tensor freed",
                 tensor_set_grad(tensor_ones(3), a));
    CHECK_STR(tensor_to_string(a), "<tensor freed by tensor_free>");

    /* a freed parameter of a model */
    Module *lin = nn_linear(3, 2);
    Optimizer *opt = optim_sgd(nn_parameters(lin), .lr = 0.1);
    tensor_backward(tensor_sum(nn_forward(lin, tensor_ones(4, 3))));
    tensor_free(nn_get_parameter(lin, "weight"));
    CHECK_RAISES(ERR_VALUE, "nn_forward: parameter 'weight' of Linear was freed by tensor_free",
                 nn_forward(lin, tensor_ones(4, 3)));
    CHECK_RAISES(ERR_VALUE, "optim_step: parameter 0 was freed by tensor_free", optim_step(opt));

    /* never two live objects at one address: while the pointer is kept,
     * new tensors (small ones share the header's block) go elsewhere */
    Tensor *kept[8];
    for (int i = 0; i < 8; i++) {
        kept[i] = i % 2 ? tensor_ones(4) : tensor_zeros(64, 64);
        tensor_free(kept[i]);
    }
    int aliased = 0;
    for (int round = 0; round < 20000; round++) {
        Tensor *t = round % 2 ? tensor_ones(4) : tensor_zeros(64, 64);
        for (int i = 0; i < 8; i++)
            aliased += t == kept[i];
        if (round % 5000 == 0)
            GC_gcollect();
    }
    CHECK(aliased == 0);
    for (volatile int i = 0; i < 8; i++)
        CHECK_RAISES(ERR_VALUE, "is a tensor freed", tensor_numel(kept[i]));

    /* a view outlives its freed base, small (data in the base's block) or big */
    Tensor *small = tensor_arange(0, 6, 1), *big = tensor_arange(0, 600, 1);
    Tensor *vs = tensor_reshape(small, 2, 3), *vb = tensor_reshape(big, 20, 30);
    tensor_free(small);
    tensor_free(big);
    GC_gcollect();
    CHECK_CLOSE(tensor_item(tensor_sum(vs)), 15, 0);
    CHECK_CLOSE(tensor_item(tensor_sum(vb)), 599.0 * 600 / 2, 0);

    /* NULL objects where NULL means something */
    CHECK_STR(tensor_to_string(NULL), "None");
    tensor_set_grad(vs, NULL);
    CHECK(tensor_grad(vs) == NULL);
    CHECK(data_len(data_tensor_dataset(tensor_ones(5, 2), NULL)) == 5);
    progress_close(NULL);
    CHECK(random_uniform(NULL) < 1.0);
    return CHECK_DONE();
}
