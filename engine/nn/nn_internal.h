/* Internals shared by the nn layer's files: the Module struct, layer
 * constructors' helpers, the threaded gemm and the functional ops that
 * layers call. Not a public header. */
#ifndef COURSDL_NN_INTERNAL_H
#define COURSDL_NN_INTERNAL_H

#include "../tensor/internal.h"

/* The forward of a built-in layer. */
typedef Tensor *(*LayerForward)(Module *self, Tensor *x);

typedef struct NamedTensors {
    int n, cap;
    const char **names;
    Tensor **tensors;
} NamedTensors;

struct Module {
    const char *type;       /* "Linear" */
    const char *extra;      /* repr arguments: "in_features=784, out_features=128" */
    ModuleForward user_fwd; /* user modules */
    void *ctx;
    LayerForward fwd;       /* built-in layers */
    void *impl;             /* a built-in layer's configuration */
    bool training;
    NamedTensors params, buffers;
    int nc, cap_c;
    const char **cnames;
    Module **children;
    /* Shape of the last output and the order of the last call (summary). */
    int out_ndim;
    int64_t out_shape[TENSOR_MAX_DIMS];
    uint64_t call_seq;
    void *compiled;  /* nn_compile's settings (train module), or NULL */
};

/* A built-in layer: type, forward, config (GC memory or NULL), repr text. */
Module *nn_layer_new(const char *type, LayerForward fwd, void *impl, const char *extra);
/* A GC-allocated formatted string. */
char *nn_strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A (height, width) option pair's value for dim d (0 or 1), or square when the pair is unset. */
static inline int nn_pick_hw(const int hw[2], int d, int square) { return hw[0] || hw[1] ? hw[d] : square; }
/* "3" when both dims agree, else "(3, 5)" (PyTorch's repr); "same" for NN_PADDING_SAME. */
const char *nn_pair_str(int h, int w);
/* A new parameter tensor of the default dtype/device, uniform in [-bound, bound). */
Tensor *nn_param_uniform(int ndim, const int64_t *shape, double bound);
/* Fills t (a leaf, maybe requiring grad) from fn without recording. */
void nn_init_fill_uniform(Tensor *t, double lo, double hi, Generator *gen);

/* Functional forms used by the layers (differentiable). */
Tensor *nn_f_linear(Tensor *x, Tensor *w, Tensor *b);
Tensor *nn_f_conv2d(Tensor *x, Tensor *w, Tensor *b, int sh, int sw, int ph, int pw, int dh, int dw, int groups);
/* The same followed by ReLU in the same pass (relu), its backward masking the output gradient. */
Tensor *nn_f_conv2d_act(Tensor *x, Tensor *w, Tensor *b, int sh, int sw, int ph, int pw, int dh, int dw, int groups,
                        bool relu);
/* Sequential's fusion of a Conv2d followed by a ReLU module: whether the pair qualifies, and the fused
 * forward (conv.c). */
bool nn_is_relu(const Module *m);
bool nn_conv_relu_fusable(const Module *conv, const Module *next);
Tensor *nn_conv_relu_forward(Module *conv, Tensor *x);
/* Records y as m's last output (shape for nn_summary, call order), as nn_forward does. */
void nn_note_output(Module *m, const Tensor *y);
Tensor *nn_f_conv_transpose2d(Tensor *x, Tensor *w, Tensor *b, int sh, int sw, int ph, int pw, int op, int dh, int dw,
                              int groups);
/* A pooling window per dim (h, w): kernel, stride, padding, and ceil_mode. */
typedef struct PoolSpec { int kh, kw, sh, sw, ph, pw; bool ceil_mode; } PoolSpec;
Tensor *nn_f_max_pool2d(Tensor *x, const PoolSpec *ps);
Tensor *nn_f_avg_pool2d(Tensor *x, const PoolSpec *ps);
/* Batch norm with batch statistics over (N, C, ...) (float), one node; when
 * running_mean / running_var are given they are updated with momentum (the
 * variance unbiased). */
Tensor *nn_f_batch_norm_train(Tensor *x, Tensor *w, Tensor *b, double eps, double momentum, Tensor *running_mean,
                              Tensor *running_var);

/* autograd_graph draws these fused nodes as PyTorch's two: NllLoss over LogSoftmax, Relu over Convolution. */
bool nn_node_is_fused_cross_entropy(const Node *n);
bool nn_node_is_fused_conv_relu(const Node *n);

/* Lazy sizes (lazy.c): a placeholder parameter (no elements) of the default dtype / device, and
 * the first forward giving it its size and values (same Tensor object). */
Tensor *nn_lazy_placeholder(int ndim, const int64_t *shape);
void nn_lazy_adopt(Tensor *placeholder, Tensor *value);
/* The Input layer's sample shape found along the first children (0 when none). */
int nn_input_dims(Module *m, const int64_t **dims);
bool nn_is_input(const Module *m);
/* A forward in eval mode without grad, every module's mode restored after. */
Tensor *nn_dry_run(Module *m, Tensor *x);

/* Losses (loss.c, loss_names.c): the options, NULL meaning the defaults; the reduction applied. */
const LossOptions *loss_opts(const LossOptions *o);
Tensor *loss_reduce(Tensor *l, const LossOptions *o);

/* The options' "zero means default" rule. */
static inline double nn_or(double v, double dflt) { return v == 0 ? dflt : v; }

#endif
