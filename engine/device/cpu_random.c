/* The CPU backend's random fills and dropout masks: drawn from the
 * generator one element after another in the tensor's element order (the
 * same numbers for the same seed on every run and machine). */
/* -O2 (engine/device is built with -O3): rows and windows here are short,
 * and -O3's vector prologues cost more than they save (callgrind). */
#pragma GCC optimize("O2")
#include "cpu.h"

static double draw(const RandomArgs *a)
{
    switch (a->dist) {
    case RAND_UNIFORM: return a->a + (a->b - a->a) * cdl_rand_uniform(a->gen);
    case RAND_NORMAL: return a->a + a->b * cdl_rand_normal(a->gen);
    default: return (double)random_int(a->gen, (int64_t)a->a, (int64_t)a->b);
    }
}

/* Fills contiguous t from a (float32, float64 or int64). */
static void fill_contiguous(Tensor *t, const RandomArgs *a, bool mask)
{
    int64_t n = t->numel;
    double keep = mask ? 1 / (1 - a->a) : 0;
    if (t->dtype == DT_FLOAT32) {
        float *p = t_ptr(t), k = (float)keep;
        if (mask) for (int64_t i = 0; i < n; i++) p[i] = cdl_rand_uniform(a->gen) >= a->a ? k : 0.0f;
        else for (int64_t i = 0; i < n; i++) p[i] = (float)draw(a);
    } else if (t->dtype == DT_FLOAT64) {
        double *p = t_ptr(t);
        if (mask) for (int64_t i = 0; i < n; i++) p[i] = cdl_rand_uniform(a->gen) >= a->a ? keep : 0.0;
        else for (int64_t i = 0; i < n; i++) p[i] = draw(a);
    } else {
        int64_t *p = t_ptr(t);
        for (int64_t i = 0; i < n; i++) p[i] = (int64_t)draw(a);
    }
}

static void fill(RandomArgs *a, bool mask)
{
    if (a->out->contiguous) {
        fill_contiguous(a->out, a, mask);
        return;
    }
    Tensor *tmp = t_new(a->out->dtype, a->out->ndim, a->out->shape, a->out->device);
    fill_contiguous(tmp, a, mask);
    cpu_copy(&(CopyArgs){ .out = a->out, .in = tmp });
}

void cpu_random_fill(RandomArgs *a) { fill(a, false); }
void cpu_dropout_mask(RandomArgs *a) { fill(a, true); }
