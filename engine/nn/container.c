/* Sequential and Identity. */
#include "nn_internal.h"

/* A Conv2d followed by a ReLU runs as one fused op (one pass over the
 * output instead of three, forward and backward); both modules still
 * record their output for nn_summary. */
static Tensor *sequential_fwd(Module *m, Tensor *x)
{
    for (int i = 0; i < m->nc; i++) {
        if (i + 1 < m->nc && nn_conv_relu_fusable(m->children[i], m->children[i + 1])) {
            x = nn_conv_relu_forward(m->children[i], x);
            nn_note_output(m->children[i], x);
            nn_note_output(m->children[++i], x);
            continue;
        }
        x = nn_forward(m->children[i], x);
    }
    return x;
}

Module *nn_sequential_(Module **layers)
{
    Module *m = nn_layer_new("Sequential", sequential_fwd, NULL, NULL);
    for (int i = 0; layers && layers[i]; i++)
        nn_sequential_add(m, layers[i]);
    return m;
}

Module *nn_sequential_add(Module *seq, Module *layer)
{
    if (!seq || seq->fwd != sequential_fwd)
        error_raise(ERR_TYPE, "nn_sequential_add: the first argument must be a Sequential (from nn_sequential), not %s",
                    seq ? seq->type : "NULL");
    return nn_register_module(seq, nn_strf("%d", seq->nc), layer), seq;
}

static Tensor *identity_fwd(Module *m, Tensor *x) { (void)m; return x; }

Module *nn_identity(void) { return nn_layer_new("Identity", identity_fwd, NULL, NULL); }
