/* A plain C program using the engine as a student would: no setup, no
 * free. Fits y = 3x - 2 + noise with a one-layer model and SGD, then a
 * small MLP on XOR, printing tensors along the way. */
#include <coursdl.h>
#include <math.h>
#include <stdio.h>

int main(void)
{
    manual_seed(0);
    Tensor *X = tensor_randn(100, 1);
    Tensor *Y = tensor_add(tensor_add_scalar(tensor_mul_scalar(X, 3), -2), tensor_mul_scalar(tensor_randn(100, 1), 0.01));
    Tensor *w = tensor_requires_grad_(tensor_zeros(1, 1), true);
    Tensor *b = tensor_requires_grad_(tensor_zeros(1), true);
    for (int epoch = 0; epoch < 200; epoch++) {
        Tensor *pred = tensor_add(tensor_matmul(X, w), b);
        Tensor *loss = tensor_mean(tensor_square(tensor_sub(pred, Y)));
        tensor_backward(loss);
        no_grad {
            tensor_add_scaled_(w, tensor_grad(w), -0.1);
            tensor_add_scaled_(b, tensor_grad(b), -0.1);
        }
        tensor_zero_grad(w);
        tensor_zero_grad(b);
        if (epoch % 50 == 0)
            printf("epoch %d: loss %.6f\n", epoch, tensor_item(loss));
    }
    tensor_print(w);
    tensor_print(b);
    int ok = fabs(tensor_item(w) - 3) < 0.01 && fabs(tensor_item(b) + 2) < 0.01;

    /* XOR with a 2-8-1 tanh MLP. */
    float xs[] = { 0, 0, 0, 1, 1, 0, 1, 1 }, ys[] = { 0, 1, 1, 0 };
    Tensor *Xx = tensor_from_f32(xs, 4, 2), *Yx = tensor_from_f32(ys, 4, 1);
    Tensor *W1 = tensor_requires_grad_(tensor_randn(2, 8), true), *b1 = tensor_requires_grad_(tensor_zeros(8), true);
    Tensor *W2 = tensor_requires_grad_(tensor_mul_scalar(tensor_randn(8, 1), 0.5), true), *b2 = tensor_requires_grad_(tensor_zeros(1), true);
    Tensor *params[] = { W1, b1, W2, b2 };
    Tensor *out = NULL;
    for (int step = 0; step < 2000; step++) {
        Tensor *h = tensor_tanh(tensor_add(tensor_matmul(Xx, W1), b1));
        out = tensor_sigmoid(tensor_add(tensor_matmul(h, W2), b2));
        Tensor *loss = tensor_mean(tensor_square(tensor_sub(out, Yx)));
        tensor_backward(loss);
        no_grad {
            for (int i = 0; i < 4; i++) {
                tensor_add_scaled_(params[i], tensor_grad(params[i]), -1.0);
                tensor_zero_grad(params[i]);
            }
        }
    }
    tensor_print(tensor_detach(out));
    ok &= tensor_allclose(tensor_round(tensor_detach(out)), Yx, 0, 0);
    printf("%d passed, %d failed\n", ok, !ok);
    return ok ? 0 : 1;
}
