/* What nn_fit / nn_evaluate train and measure with: the loss (a Keras or
 * PyTorch name, a function, or a default chosen from the targets and the
 * model's last layer), the warning when the last layer and the loss
 * disagree, the metrics, and an optimizer given by name (Keras's defaults). */
#include "internal.h"

#include <gc.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

const char *train_strdup(const char *s)
{
    if (!s) return NULL;
    size_t n = strlen(s) + 1;
    char *d = GC_MALLOC_ATOMIC(n);
    memcpy(d, s, n);
    return d;
}

/* ---- the model's output ---- */

static OutKind kind_of_type(const char *t)
{
    if (!strcmp(t, "Softmax")) return OUT_SOFTMAX;
    if (!strcmp(t, "Sigmoid")) return OUT_SIGMOID;
    if (!strcmp(t, "LogSoftmax")) return OUT_LOG_SOFTMAX;
    static const char *const other[] = { "Linear", "Conv1d", "Conv2d", "ConvTranspose2d", "ReLU", "LeakyReLU", "PReLU",
                                         "ELU", "GELU", "Tanh", "Softplus", "BatchNorm1d", "BatchNorm2d", "LayerNorm",
                                         "Flatten", "Unflatten", "Embedding", NULL };
    for (int i = 0; other[i]; i++)
        if (!strcmp(t, other[i])) return OUT_OTHER;
    return OUT_UNKNOWN;  /* a user module: its forward decides */
}

/* The last layer of nested Sequentials, Dropout and Identity skipped (NULL: none). */
static Module *last_layer(Module *m)
{
    for (int d = 0; m && d < 64; d++) {
        if (strcmp(nn_type(m), "Sequential")) return m;
        int k = nn_num_children(m) - 1;
        while (k > 0 && (!strcmp(nn_type(nn_child(m, k)), "Dropout") || !strcmp(nn_type(nn_child(m, k)), "Identity")))
            k--;
        if (k < 0) return NULL;
        m = nn_child(m, k);
    }
    return m;
}

OutKind train_out_kind_of_grad_fn(const char *name)
{
    if (!name) return OUT_UNKNOWN;
    if (!strcmp(name, "SoftmaxBackward0")) return OUT_SOFTMAX;
    if (!strcmp(name, "SigmoidBackward0")) return OUT_SIGMOID;
    if (!strcmp(name, "LogSoftmaxBackward0")) return OUT_LOG_SOFTMAX;
    return OUT_OTHER;
}

static const char *final_layer_fix(const LossInfo *li)
{
    return li->binary ? "nn_sigmoid()" : "nn_softmax(1)";
}

void train_check_output(Setup *s, OutKind out, const char *layer)
{
    if (!s->loss_name || s->loss_fn || out == OUT_UNKNOWN || (s->warned && *s->warned)) return;
    const LossInfo *li = &s->info;
    char msg[1024] = "";
    bool keras = strchr(li->name, '_') && strstr(li->name, "crossentropy");
    if (li->input == LOSS_INPUT_LOGITS && (out == OUT_SOFTMAX || out == OUT_SIGMOID)) {
        if (keras)
            snprintf(msg, sizeof msg, "the model ends with %s, so its outputs are probabilities, but .from_logits = true "
                     "says they are logits: %s gets applied twice. Fix: drop .from_logits = true", layer, layer);
        else
            snprintf(msg, sizeof msg, "the model ends with %s, so its outputs are probabilities, but the loss \"%s\" "
                     "expects logits (it applies %s itself): %s gets applied twice and training slows down. Fix: "
                     "remove the final %s (PyTorch style), or use .loss = \"%s\" (Keras style, probabilities)",
                     layer, li->name, li->binary ? "the sigmoid" : "log_softmax", layer,
                     out == OUT_SOFTMAX ? "nn_softmax" : "nn_sigmoid",
                     li->binary ? "binary_crossentropy"
                                : li->index_targets || !strcmp(li->name, "cross_entropy") ? "sparse_categorical_crossentropy"
                                                                                          : "categorical_crossentropy");
    } else if (li->input == LOSS_INPUT_PROBS && (out == OUT_OTHER || out == OUT_LOG_SOFTMAX)) {
        if (out == OUT_LOG_SOFTMAX)
            snprintf(msg, sizeof msg, "the loss \"%s\" expects probabilities but the model ends with LogSoftmax "
                     "(log-probabilities). Fix: use .loss = \"nll\", or end the model with nn_softmax(1)", li->name);
        else
            snprintf(msg, sizeof msg, "the loss \"%s\" expects probabilities (%s) but the model's last layer is %s, "
                     "whose outputs are not probabilities. Fix: %s, or end the model with %s", li->name,
                     keras ? "Keras's default" : "in (0, 1)", layer,
                     keras ? "pass .from_logits = true"
                           : li->binary ? "use .loss = \"bce_with_logits\"" : "use .loss = \"cross_entropy\"",
                     final_layer_fix(li));
    } else if (li->input == LOSS_INPUT_LOG_PROBS && (out == OUT_SOFTMAX || out == OUT_OTHER || out == OUT_SIGMOID)) {
        snprintf(msg, sizeof msg, "the loss \"%s\" expects log-probabilities but the model ends with %s. Fix: end the "
                 "model with nn_log_softmax(1), or use .loss = \"%s\"", li->name, layer,
                 out == OUT_SOFTMAX ? "sparse_categorical_crossentropy" : "cross_entropy");
    }
    if (!msg[0]) return;
    fflush(stdout);
    fprintf(stderr, "UserWarning: %s: %s.\n", s->fn, msg);
    fflush(stderr);
    if (s->warned) *s->warned = true;
}

/* ---- the loss when none is given ---- */

static bool integer_dtype(DType d) { return d == DT_INT64 || d == DT_UINT8 || d == DT_BOOL; }

/* Float (N, C > 1) rows of 0 / 1 summing to 1: one-hot targets (to_categorical). */
static bool one_hot_rows(Tensor *y)
{
    if (!y || integer_dtype(tensor_dtype(y)) || tensor_ndim(y) != 2 || tensor_size(y, 1) < 2) return false;
    Tensor *yd = tensor_detach(y);
    Tensor *binary = tensor_logical_or(tensor_eq_scalar(yd, 0), tensor_eq_scalar(yd, 1));
    if (!tensor_all(binary)) return false;
    return tensor_all(tensor_eq_scalar(tensor_sum_dim(yd, 1, false), 1));
}

static bool zero_one(Tensor *y)
{
    Tensor *yd = tensor_detach(y);
    return tensor_all(tensor_logical_or(tensor_eq_scalar(yd, 0), tensor_eq_scalar(yd, 1)));
}

static const char *default_loss(Tensor *y, OutKind out)
{
    if (!y) return "mse";
    if (integer_dtype(tensor_dtype(y))) {
        if (out == OUT_SOFTMAX) return "sparse_categorical_crossentropy";
        if (out == OUT_LOG_SOFTMAX) return "nll";
        if (out == OUT_SIGMOID && zero_one(y)) return "binary_crossentropy";
        return "cross_entropy";
    }
    if (one_hot_rows(y)) return out == OUT_SOFTMAX ? "categorical_crossentropy" : "cross_entropy";
    if (out == OUT_SIGMOID && zero_one(y)) return "binary_crossentropy";
    return "mse";
}

/* ---- metrics ---- */

void train_parse_metrics(const char *m, Setup *s)
{
    static const char *const accepted = "\"accuracy\" (or \"acc\", \"sparse_categorical_accuracy\", "
                                        "\"categorical_accuracy\", \"binary_accuracy\"), \"mae\" (or "
                                        "\"mean_absolute_error\"), \"mse\" (or \"mean_squared_error\")";
    for (const char *p = m ? m : ""; *p; ) {
        while (*p == ',' || *p == ' ' || *p == ';' || *p == '[' || *p == ']' || *p == '\'' || *p == '"') p++;
        size_t n = strcspn(p, ", ;[]'\"");
        if (!n) continue;
        char tok[64];
        snprintf(tok, sizeof tok, "%.*s", (int)(n < 63 ? n : 63), p);
        p += n;
        if (!strcmp(tok, "accuracy") || !strcmp(tok, "acc") || !strcmp(tok, "sparse_categorical_accuracy") ||
            !strcmp(tok, "categorical_accuracy") || !strcmp(tok, "binary_accuracy"))
            s->acc = true;
        else if (!strcmp(tok, "mae") || !strcmp(tok, "mean_absolute_error"))
            s->mae = true;
        else if (!strcmp(tok, "mse") || !strcmp(tok, "mean_squared_error"))
            s->mse = true;
        else
            error_raise(ERR_VALUE, "%s: unknown metric \"%s\"; accepted: %s, comma-separated", s->fn, tok, accepted);
    }
}

/* ---- everything together ---- */

Setup train_setup(Module *model, const FitOptions *o, Compiled *c, Tensor *y, const char *fn)
{
    Setup s = { 0 };
    s.fn = fn;
    s.loss_fn = o->loss_fn ? o->loss_fn : c && !o->loss ? c->loss_fn : NULL;
    const char *name = o->loss ? o->loss : c ? c->loss : NULL;
    s.from_logits = o->from_logits || (c && c->from_logits);
    Module *last = last_layer(model);
    OutKind out = last ? kind_of_type(nn_type(last)) : OUT_UNKNOWN;
    static bool warned_here;
    warned_here = false;
    s.warned = c ? &c->warned : &warned_here;
    if (s.loss_fn) {
        s.loss_name = "custom loss";
    } else {
        if (!name) name = default_loss(y, out);
        char quoted[128];
        snprintf(quoted, sizeof quoted, "\"%.100s\"", name);
        if (!*name || !strstr(nn_loss_names(), quoted))
            error_raise(ERR_VALUE, "%s: unknown loss \"%s\"; accepted names: %s (or your own loss function with "
                        ".loss_fn)", fn, name, nn_loss_names());
        const LossInfo *li = nn_loss_info(name, s.from_logits);
        s.info = *li;
        s.loss_name = li->name;
        if (s.from_logits && li->input != LOSS_INPUT_LOGITS)
            error_raise(ERR_VALUE, "%s: .from_logits does not apply to the loss \"%s\"", fn, name);
    }
    train_parse_metrics(o->metrics ? o->metrics : c ? c->metrics : NULL, &s);
    ParamList *ps = nn_parameters(model);
    s.device = ps->n ? tensor_device(ps->tensors[0]) : DEVICE_CPU;
    s.dtype = ps->n ? tensor_dtype(ps->tensors[0]) : tensor_get_default_dtype();
    if (!s.loss_fn) {
        if (out == OUT_UNKNOWN) s.check_output = true;  /* user module: the first batch's grad_fn tells */
        else train_check_output(&s, out, nn_type(last));
    }
    return s;
}

/* ---- optimizers by name, with Keras's defaults ---- */

static const char *const OPTIMIZERS[] = { "adam", "sgd", "rmsprop", "adamw", "adagrad", NULL };

Optimizer *train_optimizer(const void *spec, Module *model, const char *fn)
{
    if (!spec) return NULL;
    if (optim_is_optimizer(spec)) return (Optimizer *)spec;
    const char *name = spec;
    bool known = false;
    for (int i = 0; OPTIMIZERS[i]; i++) known = known || !strcasecmp(name, OPTIMIZERS[i]);
    if (known && !model) return NULL;  /* only checking the name */
    ParamList *ps = known ? nn_parameters(model) : NULL;
    if (!strcasecmp(name, "adam")) return optim_adam(ps, .lr = 1e-3, .eps = 1e-7);
    if (!strcasecmp(name, "sgd")) return optim_sgd(ps, .lr = 0.01);
    if (!strcasecmp(name, "rmsprop")) return optim_rmsprop(ps, .lr = 1e-3, .alpha = 0.9, .eps = 1e-7);
    if (!strcasecmp(name, "adamw")) return optim_adamw(ps, .lr = 1e-3, .weight_decay = 0.004, .eps = 1e-7);
    if (!strcasecmp(name, "adagrad")) return optim_adagrad(ps, .lr = 1e-3, .initial_accumulator_value = 0.1, .eps = 1e-7);
    /* Show the text only when it looks like one (it may be a pointer to something else). */
    bool text = true;
    size_t n = 0;
    for (; n < 40 && name[n]; n++)
        if ((unsigned char)name[n] < 32 || (unsigned char)name[n] > 126) { text = false; break; }
    if (text && n < 40)
        error_raise(ERR_VALUE, "%s: unknown optimizer \"%s\"; give \"adam\", \"sgd\", \"rmsprop\", \"adamw\", "
                    "\"adagrad\", or an Optimizer * such as optim_adam(nn_parameters(model), .lr = 1e-3)", fn, name);
    error_raise(ERR_TYPE, "%s: .optimizer is neither an optimizer's name nor an Optimizer *; give \"adam\" (or "
                "\"sgd\", \"rmsprop\", \"adamw\", \"adagrad\") or optim_adam(nn_parameters(model), .lr = 1e-3)", fn);
}
