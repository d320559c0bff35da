/* What all optimizers share: construction with checks, zero_grad, the step
 * loop (per-parameter step counts, gradients made contiguous), lr access,
 * and the state list used by checkpoints. */
#include "optim_internal.h"
#include "../device/backend.h"

#include <stdio.h>

Optimizer *optim_new(const char *name, ParamList *params, double lr, int nbuf, const char *const *bufnames,
                     double buf_init, UpdateFn update)
{
    char fn[64];
    snprintf(fn, sizeof fn, "optim_%s", name);
    if (!params)
        error_raise(ERR_VALUE, "%s: params is NULL; pass nn_parameters(model)", fn);
    if (params->n == 0)
        error_raise(ERR_VALUE, "%s: the parameter list is empty (does the model have layers with parameters?)", fn);
    if (lr < 0)
        error_raise(ERR_VALUE, "%s: invalid learning rate %g (must be >= 0)", fn, lr);
    for (int i = 0; i < params->n; i++) {
        Tensor *p = params->tensors[i];
        if (!p || !dtype_is_float(p->dtype) || p->grad_fn)
            error_raise(ERR_VALUE, "%s: parameter %d (%s) must be a floating leaf tensor", fn, i,
                        params->names && params->names[i] ? params->names[i] : "?");
    }
    Optimizer *o = cdl_alloc(sizeof(Optimizer));
    memcpy(o->magic, OPTIM_MAGIC, sizeof o->magic);
    o->name = name;
    o->params = params;
    o->lr = tensor_zeros_dtype(DT_FLOAT64);
    *(double *)t_ptr(o->lr) = lr;
    o->steps = tensor_zeros_dtype(DT_FLOAT64, params->n);
    o->nbuf = nbuf;
    o->buf_init = buf_init;
    o->update = update;
    o->bufs = cdl_alloc(sizeof(Tensor *) * (size_t)(params->n * (nbuf ? nbuf : 1)));
    for (int k = 0; k < nbuf; k++)
        o->bufnames[k] = bufnames[k];
    for (int i = 0; i < params->n; i++)
        for (int k = 0; k < nbuf; k++) {
            Tensor *p = params->tensors[i];
            Tensor *b = t_new(p->dtype, p->ndim, p->shape, p->device);
            t_backend(b)->fill(b, buf_init);
            o->bufs[i * nbuf + k] = b;
        }
    return o;
}

static void check(const Optimizer *o, const char *fn)
{
    if (!o)
        error_raise(ERR_VALUE, "%s: the optimizer is NULL", fn);
}

void optim_zero_grad(Optimizer *o)
{
    check(o, "optim_zero_grad");
    for (int i = 0; i < o->params->n; i++)
        o->params->tensors[i]->grad = NULL;
}

void optim_step(Optimizer *o)
{
    interrupt_check();
    check(o, "optim_step");
    double *steps = t_ptr(o->steps);
    void *bufs[OPTIM_MAX_BUFS];
    for (int i = 0; i < o->params->n; i++) {
        Tensor *p = o->params->tensors[i];
        if (!p->grad)
            continue;
        if (p->device != DEVICE_CPU || !p->contiguous)
            error_raise(ERR_DEVICE, "optim_step: parameter %d (shape %s) is %s; the optimizers update contiguous "
                        "CPU tensors only", i, tensor_shape_str(p), p->contiguous ? "not on the CPU" : "not contiguous");
        Tensor *g = p->grad;
        if (g->ndim != p->ndim || memcmp(g->shape, p->shape, sizeof(int64_t) * p->ndim))
            error_raise(ERR_SHAPE, "optim_step: parameter %d has shape %s but its gradient has shape %s",
                        i, tensor_shape_str(p), tensor_shape_str(g));
        g = t_contig(t_convert(g, p->dtype));
        if (o->nbuf && o->bufs[i * o->nbuf]->numel != p->numel) {
            /* A lazy layer's parameter got its size at its first forward: its state starts now. */
            if (steps[i] != 0)
                error_raise(ERR_SHAPE, "optim_step: parameter %d changed shape (now %s) after optimizer steps", i,
                            tensor_shape_str(p));
            for (int k = 0; k < o->nbuf; k++) {
                Tensor *b = t_new(p->dtype, p->ndim, p->shape, p->device);
                t_backend(b)->fill(b, o->buf_init);
                o->bufs[i * o->nbuf + k] = b;
            }
        }
        for (int k = 0; k < o->nbuf; k++)
            bufs[k] = t_ptr(o->bufs[i * o->nbuf + k]);
        steps[i] += 1;
        o->update(o, p->dtype, p->numel, t_ptr(p), t_ptr(g), bufs, steps[i]);
        p->storage->version++;  /* autograd must see that the parameter changed */
    }
    o->step_calls++;
}

double optim_get_lr(const Optimizer *o) { check(o, "optim_get_lr"); return optim_lr(o); }

void optim_set_lr(Optimizer *o, double lr)
{
    check(o, "optim_set_lr");
    if (lr < 0)
        error_raise(ERR_VALUE, "optim_set_lr: invalid learning rate %g (must be >= 0)", lr);
    *(double *)t_ptr(o->lr) = lr;
}

int64_t optim_step_count(const Optimizer *o) { check(o, "optim_step_count"); return o->step_calls; }
ParamList *optim_params(Optimizer *o) { check(o, "optim_params"); return o->params; }
const char *optim_name(const Optimizer *o) { check(o, "optim_name"); return o->name; }

ParamList *optim_state(Optimizer *o)
{
    check(o, "optim_state");
    int n = 2 + o->params->n * o->nbuf;
    ParamList *l = cdl_alloc(sizeof(ParamList));
    l->names = cdl_alloc(sizeof(char *) * n);
    l->tensors = cdl_alloc(sizeof(Tensor *) * n);
    l->names[0] = "lr";
    l->tensors[0] = o->lr;
    l->names[1] = "step";
    l->tensors[1] = o->steps;
    l->n = 2;
    for (int i = 0; i < o->params->n; i++)
        for (int k = 0; k < o->nbuf; k++) {
            char buf[96];
            snprintf(buf, sizeof buf, "%d.%s", i, o->bufnames[k]);
            char *s = cdl_alloc_atomic(strlen(buf) + 1);
            strcpy(s, buf);
            l->names[l->n] = s;
            l->tensors[l->n++] = o->bufs[i * o->nbuf + k];
        }
    return l;
}

bool optim_is_optimizer(const void *p)
{
    /* Byte by byte: a name string ends (NUL) before any byte past it is read. */
    const char *c = p;
    for (size_t i = 0; c && i < sizeof OPTIM_MAGIC - 1; i++)
        if (c[i] != OPTIM_MAGIC[i])
            return false;
    return c != NULL;
}
