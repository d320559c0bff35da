/* Initialisers (torch.nn.init): in place, without autograd, on parameters
 * that may require grad. Fans follow PyTorch: fan_in = size(1) * receptive
 * field, fan_out = size(0) * receptive field. */
#include "nn_internal.h"
#include "../core/args.h"

#include <math.h>

static void fans(const Tensor *t, double *fan_in, double *fan_out, const char *fn)
{
    if (t->ndim < 2)
        error_raise(ERR_SHAPE, "%s: fan in and fan out need a tensor with at least 2 dims, got shape %s",
                    fn, tensor_shape_str(t));
    double rf = 1;
    for (int d = 2; d < t->ndim; d++)
        rf *= (double)t->shape[d];
    *fan_in = (double)t->shape[1] * rf;
    *fan_out = (double)t->shape[0] * rf;
}

double nn_init_calculate_gain(const char *nl, double param)
{
    if (!nl || !strcmp(nl, "linear") || !strcmp(nl, "sigmoid") || !strncmp(nl, "conv", 4))
        return 1.0;
    if (!strcmp(nl, "tanh"))
        return 5.0 / 3;
    if (!strcmp(nl, "relu"))
        return sqrt(2.0);
    if (!strcmp(nl, "leaky_relu"))
        return sqrt(2.0 / (1 + param * param));
    if (!strcmp(nl, "selu"))
        return 3.0 / 4;
    error_raise(ERR_VALUE, "nn_init_calculate_gain: unknown nonlinearity \"%s\" (use \"linear\", \"sigmoid\", "
                "\"tanh\", \"relu\", \"leaky_relu\" or \"selu\")", nl);
}

/* Runs a fill without the in-place check on leaves that require grad. */
#define WITHOUT_GRAD(stmt) do { no_grad_enter(); stmt; no_grad_exit(); } while (0)

void nn_init_fill_uniform(Tensor *t, double lo, double hi, Generator *gen)
{
    WITHOUT_GRAD(tensor_uniform_(t, lo, hi, gen));
}

static void check(Tensor *t, const char *fn)
{
    if (!t)
        error_raise(ERR_VALUE, "%s: the tensor is NULL", fn);
    if (!dtype_is_float(t->dtype))
        error_raise(ERR_TYPE, "%s: needs a floating tensor, not %s", fn, dtype_name(t->dtype));
}

Tensor *nn_init_uniform(Tensor *t, double lo, double hi)
{
    CDL_ARG(t);
    check(t, "nn_init_uniform");
    nn_init_fill_uniform(t, lo, hi, NULL);
    return t;
}

Tensor *nn_init_normal(Tensor *t, double mean, double std)
{
    CDL_ARG(t);
    check(t, "nn_init_normal");
    WITHOUT_GRAD(tensor_normal_(t, mean, std, NULL));
    return t;
}

Tensor *nn_init_constant(Tensor *t, double value)
{
    CDL_ARG(t);
    check(t, "nn_init_constant");
    WITHOUT_GRAD(tensor_fill_(t, value));
    return t;
}

Tensor *nn_init_zeros(Tensor *t) { CDL_ARG(t); return nn_init_constant(t, 0); }
Tensor *nn_init_ones(Tensor *t) { CDL_ARG(t); return nn_init_constant(t, 1); }

static const InitOptions *opts(const InitOptions *o)
{
    static const InitOptions none;
    return o ? o : &none;
}

Tensor *nn_init_xavier_uniform_(Tensor *t, const InitOptions *o)
{
    CDL_ARG_NAMED("nn_init_xavier_uniform", t, "t");
    const char *fn = "nn_init_xavier_uniform";
    check(t, fn);
    o = opts(o);
    double fi, fo;
    fans(t, &fi, &fo, fn);
    double b = nn_or(o->gain, 1.0) * sqrt(6.0 / (fi + fo));
    nn_init_fill_uniform(t, -b, b, o->generator);
    return t;
}

Tensor *nn_init_xavier_normal_(Tensor *t, const InitOptions *o)
{
    CDL_ARG_NAMED("nn_init_xavier_normal", t, "t");
    const char *fn = "nn_init_xavier_normal";
    check(t, fn);
    o = opts(o);
    double fi, fo;
    fans(t, &fi, &fo, fn);
    double s = nn_or(o->gain, 1.0) * sqrt(2.0 / (fi + fo));
    WITHOUT_GRAD(tensor_normal_(t, 0, s, o->generator));
    return t;
}

static double kaiming_std(Tensor *t, const InitOptions *o, const char *fn)
{
    double fi, fo;
    fans(t, &fi, &fo, fn);
    double fan = o->fan_out ? fo : fi;
    if (fan <= 0)
        error_raise(ERR_VALUE, "%s: the tensor of shape %s has no elements (fan is 0)", fn, tensor_shape_str(t));
    double gain = nn_init_calculate_gain(o->nonlinearity ? o->nonlinearity : "leaky_relu", o->a);
    return gain / sqrt(fan);
}

Tensor *nn_init_kaiming_uniform_(Tensor *t, const InitOptions *o)
{
    CDL_ARG_NAMED("nn_init_kaiming_uniform", t, "t");
    const char *fn = "nn_init_kaiming_uniform";
    check(t, fn);
    o = opts(o);
    double b = sqrt(3.0) * kaiming_std(t, o, fn);
    nn_init_fill_uniform(t, -b, b, o->generator);
    return t;
}

Tensor *nn_init_kaiming_normal_(Tensor *t, const InitOptions *o)
{
    CDL_ARG_NAMED("nn_init_kaiming_normal", t, "t");
    const char *fn = "nn_init_kaiming_normal";
    check(t, fn);
    o = opts(o);
    double s = kaiming_std(t, o, fn);
    WITHOUT_GRAD(tensor_normal_(t, 0, s, o->generator));
    return t;
}
