/* What all optimizers share: construction with checks, zero_grad, the step
 * (per-parameter step counts, gradients made contiguous, then the backend's
 * update over the list), lr access, and the state list used by checkpoints. */
#include "optim_internal.h"
#include "../core/args.h"

#include <stdio.h>

Optimizer *optim_new(const char *name, ParamList *params, double lr, int nbuf, const char *const *bufnames,
                     double buf_init, StepFn step)
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
    /* lr and the step counts are host state (read and written by the step) */
    o->lr = t_new(DT_FLOAT64, 0, NULL, DEVICE_CPU);
    *(double *)t_ptr(o->lr) = lr;
    o->steps = t_new(DT_FLOAT64, 1, (int64_t[]){ params->n }, DEVICE_CPU);
    memset(t_ptr(o->steps), 0, sizeof(double) * (size_t)params->n);
    o->nbuf = nbuf;
    o->step = step;
    o->buf_init = buf_init;
    o->bufs = cdl_alloc(sizeof(Tensor *) * (size_t)(params->n * (nbuf ? nbuf : 1)));
    for (int k = 0; k < nbuf; k++)
        o->bufnames[k] = bufnames[k];
    for (int i = 0; i < params->n; i++)
        for (int k = 0; k < nbuf; k++) {
            Tensor *p = params->tensors[i];
            Tensor *b = t_new(p->dtype, p->ndim, p->shape, p->device);
            dev_fill(&(FillArgs){ .out = b, .value = buf_init });
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
    CDL_ARG_NAMED("optim_zero_grad", o, "opt");
    check(o, "optim_zero_grad");
    for (int i = 0; i < o->params->n; i++)
        o->params->tensors[i]->grad = NULL;
}

/* The state of parameter i on its device (a model moved after the
 * optimizer was made takes its state along). */
static void state_follows(Optimizer *o, int i)
{
    Tensor *p = o->params->tensors[i];
    for (int k = 0; k < o->nbuf; k++) {
        Tensor *b = o->bufs[i * o->nbuf + k];
        if (b->device != p->device || b->dtype != p->dtype) {
            Tensor *moved = t_convert(tensor_to_device(b, p->device), p->dtype);
            b->storage = moved->storage;
            b->offset = moved->offset;
            b->dtype = moved->dtype;
            b->device = moved->device;
        }
    }
}

void optim_step(Optimizer *o)
{
    CDL_ARG_NAMED("optim_step", o, "opt");
    interrupt_check();
    check(o, "optim_step");
    int n = o->params->n, nb = o->nbuf;
    double *steps = t_ptr(o->steps);
    /* the parameters with a gradient, in runs on one device */
    Tensor **ps = cdl_alloc(sizeof(Tensor *) * (size_t)(n * (2 + nb)) + 1);
    Tensor **gs = ps + n, **st = ps + 2 * n;
    double *counts = cdl_alloc_atomic(sizeof(double) * (size_t)n + 1);
    o->h.lr = optim_lr(o);
    int m = 0;
    for (int i = 0; i <= n; i++) {
        Tensor *p = i < n ? o->params->tensors[i] : NULL;
        if (p && p->head.freed)
            error_raise(ERR_VALUE, "optim_step: parameter %d was freed by tensor_free; the optimizer cannot update "
                        "it (create the model and the optimizer again)", i);
        if (p && !p->grad)
            continue;
        if (m > 0 && (!p || p->device != ps[0]->device)) {
            o->step(&(OptimArgs){ .n = m, .nstate = nb, .params = ps, .grads = (const Tensor **)gs, .state = st,
                                  .steps = counts, .h = o->h });
            for (int k = 0; k < m; k++)
                ps[k]->storage->version++;  /* autograd must see that the parameter changed */
            m = 0;
        }
        if (!p)
            break;
        if (!p->contiguous)
            error_raise(ERR_VALUE, "optim_step: parameter %d (shape %s) is not contiguous; the optimizers update "
                        "contiguous tensors only", i, tensor_shape_str(p));
        Tensor *g = p->grad;
        if (g->ndim != p->ndim || memcmp(g->shape, p->shape, sizeof(int64_t) * p->ndim))
            error_raise(ERR_SHAPE, "optim_step: parameter %d has shape %s but its gradient has shape %s",
                        i, tensor_shape_str(p), tensor_shape_str(g));
        t_same_device(p, g, "optim_step");
        if (nb && o->bufs[i * nb]->numel != p->numel) {
            /* A lazy layer's parameter got its size at its first forward: its state starts now. */
            if (steps[i] != 0)
                error_raise(ERR_SHAPE, "optim_step: parameter %d changed shape (now %s) after optimizer steps", i,
                            tensor_shape_str(p));
            for (int k = 0; k < nb; k++) {
                Tensor *b = t_new(p->dtype, p->ndim, p->shape, p->device);
                dev_fill(&(FillArgs){ .out = b, .value = o->buf_init });
                o->bufs[i * nb + k] = b;
            }
        }
        state_follows(o, i);
        ps[m] = p;
        gs[m] = t_contig(t_convert(g, p->dtype));
        for (int k = 0; k < nb; k++)
            st[m * nb + k] = o->bufs[i * nb + k];
        steps[i] += 1;
        counts[m++] = steps[i];
    }
    o->step_calls++;
}

double optim_get_lr(const Optimizer *o) { CDL_ARG_NAMED("optim_get_lr", o, "opt"); check(o, "optim_get_lr"); return optim_lr(o); }

void optim_set_lr(Optimizer *o, double lr)
{
    CDL_ARG_NAMED("optim_set_lr", o, "opt");
    check(o, "optim_set_lr");
    if (lr < 0)
        error_raise(ERR_VALUE, "optim_set_lr: invalid learning rate %g (must be >= 0)", lr);
    *(double *)t_ptr(o->lr) = lr;
}

int64_t optim_step_count(const Optimizer *o) { CDL_ARG_NAMED("optim_step_count", o, "opt"); check(o, "optim_step_count"); return o->step_calls; }
ParamList *optim_params(Optimizer *o) { CDL_ARG_NAMED("optim_params", o, "opt"); check(o, "optim_params"); return o->params; }
const char *optim_name(const Optimizer *o) { CDL_ARG_NAMED("optim_name", o, "opt"); check(o, "optim_name"); return o->name; }

ParamList *optim_state(Optimizer *o)
{
    CDL_ARG_NAMED("optim_state", o, "opt");
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
