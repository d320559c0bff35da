/* nn_compile: Keras's model.compile, settings kept on the model for
 * nn_fit and nn_evaluate. */
#include "internal.h"
#include "../core/args.h"

#include <gc.h>

void nn_compile_(Module *model, const CompileOptions *o)
{
    CDL_ARG_NAMED("nn_compile", model, "model");
    Compiled *c = GC_MALLOC(sizeof *c);
    if (o->optimizer) {
        /* Checked now, made at the first nn_fit (lazy layers have no size yet). */
        if (!optim_is_optimizer(o->optimizer)) {
            train_optimizer(o->optimizer, NULL, "nn_compile");
            c->optimizer_spec = train_strdup(o->optimizer);
        } else {
            c->optimizer_spec = o->optimizer;
            c->optimizer = (Optimizer *)o->optimizer;
        }
    }
    c->loss = train_strdup(o->loss);
    c->loss_fn = o->loss_fn;
    c->from_logits = o->from_logits;
    c->metrics = train_strdup(o->metrics);
    /* Unknown loss or metric names fail here; a loss that does not fit the last layer warns now (once). */
    /* Without a loss, "mse" only stands in for the one nn_fit will choose from y:
     * .from_logits is checked against that one then, not against the stand-in. */
    FitOptions given = { .loss = o->loss ? o->loss : "mse", .loss_fn = o->loss_fn,
                         .from_logits = o->loss && o->from_logits,
                         .metrics = o->metrics };
    train_setup(model, &given, o->loss ? c : NULL, NULL, "nn_compile");
    nn_set_compiled_state(model, c);
}
