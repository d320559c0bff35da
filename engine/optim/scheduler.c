/* Learning-rate schedulers with PyTorch's recursive ("chainable") forms:
 * StepLR, ExponentialLR, CosineAnnealingLR, ReduceLROnPlateau. */
#include "optim_internal.h"
#include "../core/args.h"

#include <math.h>

typedef enum SchedKind { S_STEP, S_EXP, S_COSINE, S_PLATEAU } SchedKind;

struct Scheduler {
    SchedKind kind;
    Optimizer *opt;
    double base_lr, gamma, eta_min;
    int step_size, t_max;
    int64_t epoch;
    PlateauOptions p;
    double best;
    int num_bad, cooldown_counter;
};

static Scheduler *sched_new(SchedKind kind, Optimizer *opt, const char *fn)
{
    if (!opt)
        error_raise(ERR_VALUE, "%s: the optimizer is NULL", fn);
    Scheduler *s = cdl_alloc(sizeof(Scheduler));
    s->kind = kind;
    s->opt = opt;
    s->base_lr = optim_lr(opt);
    return s;
}

Scheduler *optim_step_lr(Optimizer *opt, int step_size, double gamma)
{
    CDL_ARG(opt);
    if (step_size <= 0)
        error_raise(ERR_VALUE, "optim_step_lr: step_size must be > 0, got %d", step_size);
    Scheduler *s = sched_new(S_STEP, opt, "optim_step_lr");
    s->step_size = step_size;
    s->gamma = optim_or(gamma, 0.1);
    return s;
}

Scheduler *optim_exponential_lr(Optimizer *opt, double gamma)
{
    CDL_ARG(opt);
    if (gamma <= 0)
        error_raise(ERR_VALUE, "optim_exponential_lr: gamma must be > 0, got %g", gamma);
    Scheduler *s = sched_new(S_EXP, opt, "optim_exponential_lr");
    s->gamma = gamma;
    return s;
}

Scheduler *optim_cosine_annealing_lr(Optimizer *opt, int t_max, double eta_min)
{
    CDL_ARG(opt);
    if (t_max <= 0)
        error_raise(ERR_VALUE, "optim_cosine_annealing_lr: t_max must be > 0, got %d", t_max);
    Scheduler *s = sched_new(S_COSINE, opt, "optim_cosine_annealing_lr");
    s->t_max = t_max;
    s->eta_min = eta_min;
    return s;
}

Scheduler *optim_reduce_lr_on_plateau_(Optimizer *opt, const PlateauOptions *o)
{
    CDL_ARG_NAMED("optim_reduce_lr_on_plateau", opt, "opt");
    static const PlateauOptions none;
    if (!o) o = &none;
    Scheduler *s = sched_new(S_PLATEAU, opt, "optim_reduce_lr_on_plateau");
    s->p = *o;
    s->p.factor = optim_or(o->factor, 0.1);
    if (s->p.factor >= 1 || s->p.factor < 0)
        error_raise(ERR_VALUE, "optim_reduce_lr_on_plateau: factor must be < 1, got %g", s->p.factor);
    s->p.patience = o->patience ? o->patience : 10;
    s->p.threshold = optim_or(o->threshold, 1e-4);
    s->p.eps = optim_or(o->eps, 1e-8);
    s->best = o->mode_max ? -INFINITY : INFINITY;
    return s;
}

void optim_scheduler_step(Scheduler *s)
{
    CDL_ARG(s);
    if (s->kind == S_PLATEAU)
        error_raise(ERR_VALUE, "optim_scheduler_step: ReduceLROnPlateau needs the metric: "
                    "optim_scheduler_step_metric(s, val_loss)");
    double lr = optim_lr(s->opt);
    int64_t e = ++s->epoch;
    switch (s->kind) {
    case S_STEP:
        if (e % s->step_size == 0) lr *= s->gamma;
        break;
    case S_EXP:
        lr *= s->gamma;
        break;
    case S_COSINE: {
        double T = s->t_max;
        if ((e - 1 - s->t_max) % (2 * s->t_max) == 0)
            lr = lr + (s->base_lr - s->eta_min) * (1 - cos(M_PI / T)) / 2;
        else
            lr = (1 + cos(M_PI * e / T)) / (1 + cos(M_PI * (e - 1) / T)) * (lr - s->eta_min) + s->eta_min;
        break;
    }
    default:
        break;
    }
    optim_set_lr(s->opt, lr);
}

void optim_scheduler_step_metric(Scheduler *s, double metric)
{
    CDL_ARG(s);
    if (s->kind != S_PLATEAU) {
        optim_scheduler_step(s);
        return;
    }
    s->epoch++;
    const PlateauOptions *p = &s->p;
    bool better = p->mode_max ? metric > s->best * (1 + p->threshold) : metric < s->best * (1 - p->threshold);
    if (isinf(s->best) && !isnan(metric))
        better = p->mode_max ? metric > s->best : metric < s->best;
    if (better) {
        s->best = metric;
        s->num_bad = 0;
    } else {
        s->num_bad++;
    }
    if (s->cooldown_counter > 0) {
        s->cooldown_counter--;
        s->num_bad = 0;
    }
    if (s->num_bad > p->patience) {
        double old = optim_lr(s->opt), nl = fmax(old * p->factor, p->min_lr);
        if (old - nl > p->eps)
            optim_set_lr(s->opt, nl);
        s->cooldown_counter = p->cooldown;
        s->num_bad = 0;
    }
}

double optim_scheduler_get_lr(const Scheduler *s)
{
    CDL_ARG(s);
    return optim_lr(s->opt);
}

int64_t optim_scheduler_epoch(const Scheduler *s)
{
    CDL_ARG(s);
    return s->epoch;
}
