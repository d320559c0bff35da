/* autograd_gradcheck: autograd's Jacobian against central differences in
 * float64. Higher orders check the function "gradient of fn along a fixed
 * random direction", computed with create_graph, which is differentiated
 * again by the same first-order check. */
#include "../device/backend.h"

#include <math.h>
#include <stdio.h>

typedef struct Wrap {
    GradcheckFn fn;
    void *ctx;
    Tensor *v;   /* fixed cotangent of fn's output */
} Wrap;

static int grad_inputs(int n, Tensor **inputs, Tensor **out)
{
    int m = 0;
    for (int k = 0; k < n; k++)
        if (inputs[k]->requires_grad)
            out[m++] = inputs[k];
    return m;
}

/* The flattened, concatenated gradients of <fn(inputs), v>, differentiable. */
static Tensor *grad_fn_of(Tensor **inputs, void *ctx, int n)
{
    Wrap *w = ctx;
    Tensor *y = w->fn(inputs, w->ctx);
    Tensor *ins[64];
    int m = grad_inputs(n, inputs, ins);
    Tensor **flat = cdl_alloc(sizeof(Tensor *) * m);
    if (!y->requires_grad) {
        for (int k = 0; k < m; k++)
            flat[k] = tensor_reshape(tensor_zeros_like(ins[k]), -1);
        return tensor_cat(flat, m, 0);
    }
    Tensor **gs = autograd_grad_list(1, &y, &w->v, m, ins,
                                     &(GradOptions){ .create_graph = true, .allow_unused = true });
    for (int k = 0; k < m; k++)
        flat[k] = tensor_reshape(gs[k], -1);
    return tensor_cat(flat, m, 0);
}

/* GradcheckFn adapters need n: carried in a small struct. */
typedef struct Level { Wrap w; int n; } Level;
static Tensor *level_fn(Tensor **inputs, void *ctx)
{
    Level *L = ctx;
    return grad_fn_of(inputs, &L->w, L->n);
}

static bool check_first(GradcheckFn fn, void *ctx, int n, Tensor **inputs, const GradcheckOptions *o, int order)
{
    double eps = o->eps > 0 ? o->eps : 1e-6, atol = o->atol > 0 ? o->atol : 1e-5, rtol = o->rtol > 0 ? o->rtol : 1e-3;
    Tensor *y = fn(inputs, ctx);
    if (y->dtype != DT_FLOAT64)
        error_raise(ERR_TYPE, "autograd_gradcheck: the function returned a %s tensor; use float64 inputs "
                    "so finite differences are accurate", dtype_name(y->dtype));
    int64_t m = y->numel;
    Tensor *ins[64];
    int ni = grad_inputs(n, inputs, ins);
    for (int j = 0; j < ni; j++) {
        Tensor *x = ins[j];
        int64_t nx = x->numel;
        if (!t_backend(x)->host_memory || !x->contiguous)
            error_raise(ERR_VALUE, "autograd_gradcheck: input %d is %s; the finite differences perturb its elements "
                        "in place: pass contiguous tensors in host memory (tensor_to(x, \"cpu\"))", j,
                        x->contiguous ? "not in host memory" : "not contiguous");
        /* Analytic rows: one vector-Jacobian product per output element. */
        Tensor *A = t_new(DT_FLOAT64, 2, (int64_t[]){ m, nx }, DEVICE_CPU);  /* host scratch */
        double *a = t_ptr(A);
        memset(a, 0, sizeof(double) * (size_t)(m * nx));
        for (int64_t k = 0; k < m && y->requires_grad; k++) {
            Tensor *v = tensor_zeros_like(y);
            ((double *)t_ptr(v))[k] = 1;
            Tensor **gs = autograd_grad_list(1, &y, &v, 1, &x,
                                             &(GradOptions){ .retain_graph = true, .allow_unused = true });
            Tensor *g = t_contig(t_convert(gs[0], DT_FLOAT64));
            memcpy(a + k * nx, t_ptr(g), sizeof(double) * nx);
        }
        /* Numerical columns: central differences on x's own storage. */
        double *xd = t_ptr(x);
        for (int64_t i = 0; i < nx; i++) {
            double keep = xd[i];
            xd[i] = keep + eps;
            Tensor *yp = t_contig(fn(inputs, ctx));
            xd[i] = keep - eps;
            Tensor *ym = t_contig(fn(inputs, ctx));
            xd[i] = keep;
            const double *p = t_ptr(yp), *q = t_ptr(ym);
            for (int64_t k = 0; k < m; k++) {
                double num = (p[k] - q[k]) / (2 * eps), ana = a[k * nx + i];
                if (!(fabs(num - ana) <= atol + rtol * fabs(num))) {
                    if (!o->quiet)
                        printf("autograd_gradcheck: order %d mismatch for input %d, output element %lld, "
                               "input element %lld: analytic %.10g vs numerical %.10g\n", order, j,
                               (long long)k, (long long)i, ana, num);
                    return false;
                }
            }
        }
    }
    return true;
}

bool autograd_gradcheck_(GradcheckFn fn, void *ctx, int n, Tensor **inputs, const GradcheckOptions *o)
{
    static const GradcheckOptions none;
    if (!o) o = &none;
    if (n <= 0 || n > 64)
        error_raise(ERR_VALUE, "autograd_gradcheck: between 1 and 64 inputs, got %d", n);
    int order = o->order ? o->order : 1;
    if (order < 1 || order > 3)
        error_raise(ERR_VALUE, "autograd_gradcheck: order must be 1, 2 or 3, got %d", order);
    /* Fresh contiguous leaves, so perturbing them is safe. */
    Tensor **xs = cdl_alloc(sizeof(Tensor *) * n);
    bool any = false;
    for (int k = 0; k < n; k++) {
        Tensor *x = inputs[k];
        if (x->requires_grad && x->dtype != DT_FLOAT64)
            error_raise(ERR_TYPE, "autograd_gradcheck: input %d is %s; use float64 (tensor_double(x)) so "
                        "finite differences are accurate", k, dtype_name(x->dtype));
        xs[k] = x->requires_grad ? tensor_requires_grad_(tensor_clone(tensor_detach(x)), true) : x;
        any |= x->requires_grad;
    }
    if (!any)
        error_raise(ERR_VALUE, "autograd_gradcheck: no input requires grad; mark those to check with "
                    "tensor_requires_grad_(x, true)");
    Generator *gen = generator_new(1234);
    GradcheckFn f = fn;
    void *c = ctx;
    for (int level = 1; level < order; level++) {
        Level *L = cdl_alloc(sizeof *L);
        L->w.fn = f;
        L->w.ctx = c;
        L->n = n;
        Tensor *y = f(xs, c);
        L->w.v = tensor_randn_shape(gen, y->ndim, y->shape);
        L->w.v = t_convert(L->w.v, DT_FLOAT64);
        f = level_fn;
        c = L;
    }
    return check_first(f, c, n, xs, o, order);
}
