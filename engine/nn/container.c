/* Sequential and Identity. */
#include "nn_internal.h"
#include "../core/args.h"

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
    /* Keras: a model that starts with its Input is built at once (lazy layers get their sizes). */
    const int64_t *dims;
    int nd = nn_input_dims(m, &dims);
    if (nd > 0 && nn_has_uninitialized_params(m))
        nn_build_shape(m, nd, dims);
    return m;
}

Module *nn_sequential_add(Module *seq, Module *layer)
{
    CDL_ARG(seq);
    CDL_ARG(layer);
    if (!seq || seq->fwd != sequential_fwd)
        error_raise(ERR_TYPE, "nn_sequential_add: the first argument must be a Sequential (from nn_sequential), not %s",
                    seq ? seq->type : "NULL");
    return nn_register_module(seq, nn_strf("%d", seq->nc), layer), seq;
}

static Tensor *identity_fwd(Module *m, Tensor *x) { (void)m; return x; }

Module *nn_identity(void) { return nn_layer_new("Identity", identity_fwd, NULL, NULL); }

/* ---- ModuleList ---- */

static Tensor *module_list_fwd(Module *m, Tensor *x)
{
    (void)x;
    error_raise(ERR_TYPE, "nn_forward: a ModuleList (%d modules) is not callable; call its modules in your forward: "
                "nn_forward(nn_module_list_get(list, i), x)", m->nc);
}

static void check_list(const Module *list, const char *fn)
{
    if (!list || list->fwd != module_list_fwd)
        error_raise(ERR_TYPE, "%s: the first argument must be a ModuleList (from nn_module_list), not %s", fn,
                    list ? list->type : "NULL");
}

Module *nn_module_list_(Module **modules)
{
    Module *m = nn_layer_new("ModuleList", module_list_fwd, NULL, NULL);
    for (int i = 0; modules && modules[i]; i++)
        nn_module_list_append(m, modules[i]);
    return m;
}

Module *nn_module_list_append(Module *list, Module *module)
{
    CDL_ARG(list);
    CDL_ARG(module);
    check_list(list, "nn_module_list_append");
    nn_register_module(list, nn_strf("%d", list->nc), module);
    return list;
}

Module *nn_module_list_get(Module *list, int i)
{
    CDL_ARG(list);
    check_list(list, "nn_module_list_get");
    int k = i < 0 ? i + list->nc : i;
    if (k < 0 || k >= list->nc)
        error_raise(ERR_INDEX, "nn_module_list_get: index %d is out of range for a ModuleList of %d modules", i,
                    list->nc);
    return list->children[k];
}

int nn_module_list_len(Module *list)
{
    CDL_ARG(list);
    check_list(list, "nn_module_list_len");
    return list->nc;
}

/* ---- nn_compile's settings, kept on the model for the train module ---- */

void *nn_compiled_state(Module *m) { return m ? m->compiled : NULL; }
void nn_set_compiled_state(Module *m, void *state) { if (m) m->compiled = state; }
