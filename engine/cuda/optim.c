/* Host side of the fused optimizer steps (optim_rand.cu): per parameter,
 * the constants of the CPU backend's rules (device/cpu_optim.c) from the
 * hyper-parameters and the parameter's step count, then one kernel over
 * the parameter, its gradient and its state. */
#include "cuda_host.h"

#include <math.h>

typedef void (*StepFn)(const OptimHyper *h, double step, CuOptimStep *k);

static void sgd_consts(const OptimHyper *h, double step, CuOptimStep *k)
{
    bool first = step == 1;
    k->kind = h->momentum != 0 ? CU_SGD_MOMENTUM : CU_SGD;
    double c[] = { h->lr, h->weight_decay, h->maximize ? -1 : 1, first ? 0 : h->momentum,
                   first ? 1 : 1 - h->dampening, h->nesterov ? h->momentum : 0, h->nesterov ? 0 : 1 };
    memcpy(k->c, c, sizeof c);
}

static void adam_consts(const OptimHyper *h, double step, CuOptimStep *k)
{
    k->kind = h->amsgrad ? CU_ADAM_AMSGRAD : CU_ADAM;
    double c[] = { h->beta1, h->beta2, h->eps, h->decoupled ? 0 : h->weight_decay, h->lr / (1 - pow(h->beta1, step)),
                   1 / sqrt(1 - pow(h->beta2, step)), h->decoupled ? 1 - h->lr * h->weight_decay : 1,
                   h->maximize ? -1 : 1 };
    memcpy(k->c, c, sizeof c);
}

static void rmsprop_consts(const OptimHyper *h, double step, CuOptimStep *k)
{
    (void)step;
    k->kind = CU_RMSPROP;
    k->momentum = h->momentum != 0;
    k->centered = h->centered;
    double c[] = { h->lr, h->alpha, h->eps, h->weight_decay, h->momentum, h->maximize ? -1 : 1 };
    memcpy(k->c, c, sizeof c);
}

static void adagrad_consts(const OptimHyper *h, double step, CuOptimStep *k)
{
    k->kind = CU_ADAGRAD;
    double c[] = { h->lr / (1 + (step - 1) * h->lr_decay), h->eps, h->weight_decay, h->maximize ? -1 : 1 };
    memcpy(k->c, c, sizeof c);
}

static void step_all(OptimArgs *a, StepFn consts)
{
    for (int i = 0; i < a->n; i++) {
        Tensor *p = a->params[i];
        if (p->numel == 0)
            continue;
        CuOptimStep k;
        memset(&k, 0, sizeof k);
        consts(&a->h, a->steps[i], &k);
        Tensor *const *st = a->state + i * a->nstate;
        void *b[3] = { NULL, NULL, NULL };
        if (k.kind == CU_RMSPROP) {
            /* state: square_avg, then momentum_buffer (with momentum), then grad_avg (centered) */
            int j = 0;
            b[0] = t_ptr(st[j++]);
            if (k.momentum)
                b[1] = t_ptr(st[j++]);
            if (k.centered)
                b[2] = t_ptr(st[j++]);
        } else {
            for (int j = 0; j < a->nstate && j < 3; j++)
                b[j] = t_ptr(st[j]);
        }
        cuda_launched(cu_optim_step(&k, cuda_dtype(p->dtype), p->numel, t_ptr(p), t_ptr(a->grads[i]), b[0], b[1],
                                    b[2], cuda_stream_of(p)),
                      "cuda optimizer kernel");
    }
}

void cuda_sgd_step(OptimArgs *a) { step_all(a, sgd_consts); }
void cuda_adam_step(OptimArgs *a) { step_all(a, adam_consts); }
void cuda_rmsprop_step(OptimArgs *a) { step_all(a, rmsprop_consts); }
void cuda_adagrad_step(OptimArgs *a) { step_all(a, adagrad_consts); }
