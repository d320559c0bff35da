/* Neural-network layers (torch.nn in C): modules with registered parameters
 * and sub-modules, built-in layers, losses, initialisation, summary and
 * gradient clipping. Names mirror PyTorch: nn.Linear -> nn_linear,
 * model(x) -> nn_forward(model, x), model.parameters() -> nn_parameters(model).
 * Modules, parameter lists and everything else here are garbage collected.
 *
 * A user module in a notebook cell:
 *     typedef struct { Module *fc1, *fc2; } Net;
 *     Tensor *net_forward(Module *self, Tensor *x, void *ctx) {
 *         Net *n = ctx;
 *         return nn_forward(n->fc2, tensor_relu(nn_forward(n->fc1, x)));
 *     }
 *     Net *n = nn_alloc(sizeof(Net));   (GC memory: no free)
 *     Module *m = nn_module("Net", net_forward, n);
 *     n->fc1 = nn_register_module(m, "fc1", nn_linear(2, 16));
 *     n->fc2 = nn_register_module(m, "fc2", nn_linear(16, 1));
 */
#ifndef COURSDL_NN_H
#define COURSDL_NN_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "tensor.h"

typedef struct Module Module;

/* A list of named tensors (parameters, buffers, optimizer state). The
 * tensors are the live ones (not copies): writing into them (inside
 * no_grad, or with tensor_copy_) changes the model. Read it directly:
 *     for (int i = 0; i < ps->n; i++) tensor_print(ps->tensors[i]); */
typedef struct ParamList {
    int n;                /* number of entries */
    Tensor **tensors;     /* n tensors */
    const char **names;   /* n names, e.g. "0.weight", "fc1.bias" */
} ParamList;

/* The forward function of a user module: self is the module, ctx the
 * pointer given to nn_module. Returns the output tensor. */
typedef Tensor *(*ModuleForward)(Module *self, Tensor *x, void *ctx);

/* ---- modules: core ------------------------------------------------------- */

/* A new user module named type ("MLP", "Generator"...) whose forward is
 * forward(self, x, ctx). Register its parameters and sub-modules with
 * nn_register_parameter / nn_register_module. */
Module *nn_module(const char *type, ModuleForward forward, void *ctx);
/* Zeroed GC memory for a user module's context struct (holds pointers). */
void *nn_alloc(size_t size);
/* Registers t as a learnable parameter of m under name (it is marked
 * requires_grad). Returns t. */
Tensor *nn_register_parameter(Module *m, const char *name, Tensor *t);
/* Registers t as a non-learnable state tensor (buffer) of m, saved with the
 * model (like BatchNorm's running_mean). Returns t. */
Tensor *nn_register_buffer(Module *m, const char *name, Tensor *t);
/* Registers child as a sub-module of m under name. Returns child. */
Module *nn_register_module(Module *m, const char *name, Module *child);
/* Runs the module: y = m(x), as calling a model does in PyTorch.
 * Arguments: the module (a layer, an nn_sequential, your own nn_module) and
 * its input (a batch along dim 0 for the built-in layers).
 * Returns the output tensor, recorded for autograd unless in no_grad.
 * Errors: ValueError for a NULL input, a module without a forward function
 * or a forward that returns NULL; the layer's own errors (ShapeError for an
 * input of the wrong size, naming both shapes).
 * Example:
 *   Module *net = nn_sequential(nn_linear(2, 16), nn_relu(), nn_linear(16, 2));
 *   Tensor *logits = nn_forward(net, X);   // (200, 2) -> (200, 2) */
Tensor *nn_forward(Module *m, Tensor *x);
/* The parameter named name ("weight", "fc1.bias"...) or NULL. */
Tensor *nn_get_parameter(Module *m, const char *name);
/* The sub-module named name ("fc1", "0", "encoder.2"...) or NULL. */
Module *nn_get_module(Module *m, const char *name);
/* The ctx pointer given to nn_module (NULL for built-in layers). */
void *nn_ctx(Module *m);
/* The type name: "Linear", "Sequential", or a user module's type. */
const char *nn_type(const Module *m);
/* All learnable parameters, recursively, in registration order (what an
 * optimizer takes): optim_adam(nn_parameters(model)). */
ParamList *nn_parameters(Module *m);
/* The same with dotted names ("0.weight", "encoder.fc1.bias"). */
ParamList *nn_named_parameters(Module *m);
/* All buffers (running statistics...), recursively, with dotted names. */
ParamList *nn_named_buffers(Module *m);
/* Everything to save/load a model: parameters then buffers, with dotted
 * names (like PyTorch's state_dict, but the live tensors). */
ParamList *nn_state(Module *m);
/* Number of sub-modules directly registered in m. */
int nn_num_children(const Module *m);
/* The i-th direct sub-module (registration order). */
Module *nn_child(Module *m, int i);
/* The name of the i-th direct sub-module. */
const char *nn_child_name(const Module *m, int i);
/* Calls fn(module, ctx) on m and every sub-module (children first, like
 * PyTorch's apply), e.g. for a custom initialisation. */
void nn_apply(Module *m, void (*fn)(Module *m, void *ctx), void *ctx);
/* Sets training mode (true) or evaluation mode (false) on m and its
 * sub-modules (Dropout, BatchNorm behave differently). Returns m. */
Module *nn_train(Module *m, bool training);
/* Evaluation mode: nn_train(m, false). Returns m. */
Module *nn_eval(Module *m);
/* Whether m is in training mode (the default for new modules). */
bool nn_is_training(const Module *m);
/* Clears the gradients of every parameter (sets them to NULL). */
void nn_zero_grad(Module *m);
/* Moves every parameter and buffer to device (in place: optimizers made
 * before keep working): nn_to(model, "cuda") or nn_to(model, DEVICE_CPU). */
#define nn_to(m, device) _Generic((device), char *: nn_to_name, \
    const char *: nn_to_name, default: nn_to_device)(m, device)
Module *nn_to_device(Module *m, Device device);
Module *nn_to_name(Module *m, const char *device);
/* Converts every floating parameter and buffer to dtype in place (e.g.
 * DT_FLOAT64 for gradcheck). Returns m. */
Module *nn_to_dtype(Module *m, DType dtype);
/* Number of parameter elements (all, or only those that require grad). */
int64_t nn_num_parameters(Module *m, bool trainable_only);
/* Freezes (false) or unfreezes (true) every parameter of m. */
void nn_requires_grad_(Module *m, bool requires_grad);

/* Whether some parameter of m still waits for its size: a lazy layer
 * (nn_linear(0, 128), nn_conv2d(0, 32, 3)) before its first forward. */
bool nn_has_uninitialized_params(Module *m);
/* Gives every lazy layer its size now, by a forward on zeros of shape
 * (2, dims...) in eval mode without grad: nn_build(model, 1, 28, 28)
 * (like Keras's model.build). A Sequential that starts with nn_input is
 * built when it is made. */
#define nn_build(m, ...) nn_build_shape(m, CDL_SHAPE(__VA_ARGS__))
void nn_build_shape(Module *m, int ndim, const int64_t *dims);

/* ---- summary and display ------------------------------------------------- */

/* Prints a Keras/torchsummary-style table (layer, output shape, parameter
 * count, totals, trainable vs not) by running a forward pass on zeros of
 * shape (2, dims...) in eval mode without grad; dims exclude the batch:
 * nn_summary(model, 1, 28, 28). With no dims, shapes seen by the last
 * forward are shown (or "?"). */
#define nn_summary(m, ...) nn_summary_shape(m, CDL_SHAPE(__VA_ARGS__))
void nn_summary_shape(Module *m, int ndim, const int64_t *dims);
/* The same table as a GC string (no printing). */
#define nn_summary_string(m, ...) nn_summary_string_shape(m, CDL_SHAPE(__VA_ARGS__))
char *nn_summary_string_shape(Module *m, int ndim, const int64_t *dims);
/* One-line-per-layer structure like print(model) in PyTorch (a GC string). */
char *nn_repr(Module *m);
/* Out[n] for a Module *: its summary table as text/plain. */
void nn_display_out(Module *m);

/* ---- containers ----------------------------------------------------------- */

/* Layers applied in order: nn_sequential(nn_linear(2, 16), nn_relu(), nn_linear(16, 1)).
 * Returns a new Module whose forward applies each layer to the previous
 * one's output (Out[n] of it prints its summary, like print(model)).
 * Example:
 *   Module *net = nn_sequential(nn_linear(2, 32), nn_relu(), nn_linear(32, 2));
 * Children are named "0", "1", ... An empty one: nn_sequential_(NULL), then
 * nn_sequential_add. */
#define nn_sequential(...) nn_sequential_((Module *[]){ __VA_ARGS__, NULL })
Module *nn_sequential_(Module **layers);
/* Appends a layer to a Sequential. Returns seq. */
Module *nn_sequential_add(Module *seq, Module *layer);
/* A layer that returns its input. */
Module *nn_identity(void);
/* Keras's Input: declares the shape of one sample (without the batch dim)
 * and checks it at every forward: nn_sequential(nn_input(28, 28),
 * nn_flatten(), nn_linear(0, 128), ...). A Sequential that starts with it
 * gets its lazy layers' sizes at once, and nn_summary(model) needs no shape. */
#define nn_input(...) nn_input_shape(CDL_SHAPE(__VA_ARGS__))
Module *nn_input_shape(int ndim, const int64_t *dims);

/* PyTorch's ModuleList: modules kept in a list and registered (their
 * parameters are the owner's, named "layers.0.weight"... when the list is
 * registered as "layers"); not callable: run its modules in your forward:
 *     n->layers = nn_register_module(m, "layers", nn_module_list(nn_linear(4, 8), nn_linear(8, 8)));
 *     for (int i = 0; i < nn_module_list_len(n->layers); i++) x = nn_forward(nn_module_list_get(n->layers, i), x);
 * An empty one: nn_module_list_(NULL), then nn_module_list_append. */
#define nn_module_list(...) nn_module_list_((Module *[]){ __VA_ARGS__, NULL })
Module *nn_module_list_(Module **modules);
/* Appends a module (named by its position). Returns list. */
Module *nn_module_list_append(Module *list, Module *module);
/* The i-th module (negative counts from the end). */
Module *nn_module_list_get(Module *list, int i);
/* Number of modules in the list. */
int nn_module_list_len(Module *list);

/* ---- layers --------------------------------------------------------------- */

/* Options of nn_linear; zero means default. */
typedef struct LinearOptions {
    bool no_bias;  /* true: no bias (bias=False) */
} LinearOptions;
/* y = x W^T + b, W (out, in) and b (out) with PyTorch's default init:
 * nn_linear(784, 128) or nn_linear(784, 128, .no_bias = true). x is (..., in).
 * in_features 0: lazy (PyTorch's LazyLinear, Keras's Dense(128)), the size
 * and the initial values come at the first forward: nn_linear(0, 128).
 * Arguments: the input (>= 1, or 0 for lazy) and output (>= 1) feature counts.
 * Returns a new Module (its parameters: "weight", then "bias").
 * Errors: ValueError for a bad count; its forward raises ShapeError when
 * x's last dimension is not in_features.
 * Example:
 *   Module *layer = nn_linear(2, 16);
 *   Tensor *h = nn_forward(layer, X);   // (200, 2) -> (200, 16) */
#define nn_linear(in_features, out_features, ...) \
    nn_linear_(in_features, out_features, &(LinearOptions){ __VA_ARGS__ })
Module *nn_linear_(int64_t in_features, int64_t out_features, const LinearOptions *options);

/* padding = NN_PADDING_SAME keeps the spatial size (stride 1). */
#define NN_PADDING_SAME (-1)

/* Options of the convolutions; zero means default. */
typedef struct ConvOptions {
    int stride;          /* default 1 */
    int padding;         /* zeros on each side (default 0); NN_PADDING_SAME for "same" */
    int dilation;        /* default 1 */
    int groups;          /* default 1; in and out channels must be divisible by it */
    bool no_bias;        /* true: no bias */
    int output_padding;  /* ConvTranspose2d only: extra size on one side (default 0) */
    /* 2-D layers, when height and width differ (like PyTorch's tuples): (height, width) pairs that override
     * kernel_size / stride / padding / dilation: .kernel_hw = {3, 5}, .stride_hw = {1, 2}. */
    int kernel_hw[2], stride_hw[2], padding_hw[2], dilation_hw[2];
} ConvOptions;
/* 2-D convolution on (N, C, H, W) (or (C, H, W)): nn_conv2d(1, 32, 3, .padding = 1), or a 3x5 kernel with
 * nn_conv2d(1, 32, 3, .kernel_hw = {3, 5}). Output size per dim:
 * (H + 2 padding - dilation (k - 1) - 1) / stride + 1. in_channels 0: lazy
 * (PyTorch's LazyConv2d, Keras's Conv2D(32, (3, 3))), sized at the first
 * forward: nn_conv2d(0, 32, 3). Conv1d and ConvTranspose2d take 0 too. */
#define nn_conv2d(in_channels, out_channels, kernel_size, ...) \
    nn_conv2d_(in_channels, out_channels, kernel_size, &(ConvOptions){ __VA_ARGS__ })
Module *nn_conv2d_(int64_t in_channels, int64_t out_channels, int kernel_size, const ConvOptions *options);
/* 1-D convolution on (N, C, L) (or (C, L)): nn_conv1d(3, 8, 5, .stride = 2). */
#define nn_conv1d(in_channels, out_channels, kernel_size, ...) \
    nn_conv1d_(in_channels, out_channels, kernel_size, &(ConvOptions){ __VA_ARGS__ })
Module *nn_conv1d_(int64_t in_channels, int64_t out_channels, int kernel_size, const ConvOptions *options);
/* Transposed 2-D convolution (the gradient of conv2d; upsamples):
 * nn_conv_transpose2d(64, 32, 4, .stride = 2, .padding = 1). Output size:
 * (H - 1) stride - 2 padding + dilation (k - 1) + output_padding + 1. */
#define nn_conv_transpose2d(in_channels, out_channels, kernel_size, ...) \
    nn_conv_transpose2d_(in_channels, out_channels, kernel_size, &(ConvOptions){ __VA_ARGS__ })
Module *nn_conv_transpose2d_(int64_t in_channels, int64_t out_channels, int kernel_size, const ConvOptions *options);

/* Options of the pooling layers; zero means default. */
typedef struct PoolOptions {
    int stride;   /* default: the kernel size */
    int padding;  /* default 0 (max pool pads with -inf, avg pool with zeros counted) */
    bool ceil_mode;  /* round the output size up: a last, partial window covers the leftover rows / columns */
    /* (height, width) pairs that override kernel_size / stride / padding: .kernel_hw = {2, 1} */
    int kernel_hw[2], stride_hw[2], padding_hw[2];
} PoolOptions;
/* Max over k x k windows of (N, C, H, W): nn_max_pool2d(2). Output size per dim:
 * (H + 2 padding - k) / stride + 1, rounded down (up with .ceil_mode = true). */
#define nn_max_pool2d(kernel_size, ...) nn_max_pool2d_(kernel_size, &(PoolOptions){ __VA_ARGS__ })
Module *nn_max_pool2d_(int kernel_size, const PoolOptions *options);
/* Mean over k x k windows: nn_avg_pool2d(2). */
#define nn_avg_pool2d(kernel_size, ...) nn_avg_pool2d_(kernel_size, &(PoolOptions){ __VA_ARGS__ })
Module *nn_avg_pool2d_(int kernel_size, const PoolOptions *options);
/* Mean pooling to a fixed (out_h, out_w) output, whatever the input size. */
Module *nn_adaptive_avg_pool2d(int64_t out_h, int64_t out_w);

/* Options of nn_upsample; zero means default. */
typedef struct UpsampleOptions {
    bool bilinear;       /* false: nearest (default); true: bilinear */
    bool align_corners;  /* bilinear only (default false, like PyTorch) */
} UpsampleOptions;
/* Upsamples (N, C, H, W) by an integer factor: nn_upsample(2). */
#define nn_upsample(scale_factor, ...) nn_upsample_(scale_factor, &(UpsampleOptions){ __VA_ARGS__ })
Module *nn_upsample_(int scale_factor, const UpsampleOptions *options);

/* Zeros each element with probability p in training (scaling the rest by
 * 1/(1-p)); identity in eval mode. */
Module *nn_dropout(double p);
/* Zeros whole channels of (N, C, ...) with probability p in training. */
Module *nn_dropout2d(double p);

/* Options of the normalisation layers; zero means default. */
typedef struct NormOptions {
    double eps;                   /* default 1e-5 */
    double momentum;              /* running-stat update factor (default 0.1) */
    bool no_affine;               /* true: no learnable weight/bias */
    bool no_track_running_stats;  /* true: batch statistics in eval mode too */
} NormOptions;
/* Batch normalisation over (N, C) or (N, C, L): nn_batch_norm1d(128).
 * Training: batch statistics (biased variance to normalise, unbiased to
 * update running_var); eval: the running statistics. */
#define nn_batch_norm1d(num_features, ...) nn_batch_norm1d_(num_features, &(NormOptions){ __VA_ARGS__ })
Module *nn_batch_norm1d_(int64_t num_features, const NormOptions *options);
/* Batch normalisation over (N, C, H, W): nn_batch_norm2d(32). */
#define nn_batch_norm2d(num_features, ...) nn_batch_norm2d_(num_features, &(NormOptions){ __VA_ARGS__ })
Module *nn_batch_norm2d_(int64_t num_features, const NormOptions *options);
/* Layer normalisation over the last dim (size n): nn_layer_norm(64). */
#define nn_layer_norm(n, ...) nn_layer_norm_shape(1, (int64_t[]){ n }, &(NormOptions){ __VA_ARGS__ })
/* Layer normalisation over the last ndim dims of the given sizes. */
Module *nn_layer_norm_shape(int ndim, const int64_t *shape, const NormOptions *options);

/* Flattens dims 1..-1: (N, C, H, W) -> (N, C*H*W). */
Module *nn_flatten(void);
/* Flattens dims start_dim..end_dim. */
Module *nn_flatten_dims(int start_dim, int end_dim);
/* Splits dim into the given sizes: nn_unflatten(1, 1, 28, 28). */
#define nn_unflatten(dim, ...) nn_unflatten_shape(dim, CDL_SHAPE(__VA_ARGS__))
Module *nn_unflatten_shape(int dim, int ndim, const int64_t *sizes);
/* Options of nn_embedding; zero means default. */
typedef struct EmbeddingOptions {
    bool use_padding_idx;  /* true: row padding_idx is zero and gets no gradient */
    int64_t padding_idx;   /* negative counts from the end */
} EmbeddingOptions;
/* A lookup table: int64 indices (any shape) -> rows of a (num, dim) weight
 * initialised N(0, 1): nn_embedding(1000, 64), or with a padding row:
 * nn_embedding(1000, 64, .use_padding_idx = true, .padding_idx = 0). */
#define nn_embedding(num_embeddings, embedding_dim, ...) \
    nn_embedding_(num_embeddings, embedding_dim, &(EmbeddingOptions){ __VA_ARGS__ })
Module *nn_embedding_(int64_t num_embeddings, int64_t embedding_dim, const EmbeddingOptions *options);

/* ---- activations as modules ------------------------------------------------ */

/* max(0, x). */
Module *nn_relu(void);
/* x if x > 0 else negative_slope * x (PyTorch default 0.01 when 0 is given). */
Module *nn_leaky_relu(double negative_slope);
/* Leaky ReLU with a learnable slope: num_parameters slopes (1, or one per
 * channel), initialised to init (0 means PyTorch's 0.25). */
Module *nn_prelu(int64_t num_parameters, double init);
/* x if x > 0 else alpha (exp(x) - 1) (alpha 0 means 1). */
Module *nn_elu(double alpha);
/* x Phi(x) (exact erf form). */
Module *nn_gelu(void);
/* 1 / (1 + exp(-x)). */
Module *nn_sigmoid(void);
/* tanh(x). */
Module *nn_tanh(void);
/* log(1 + exp(x)). */
Module *nn_softplus(void);
/* Softmax over dim (use 1 for (N, classes), or -1). */
Module *nn_softmax(int dim);
/* Log-softmax over dim. */
Module *nn_log_softmax(int dim);

/* ---- losses ----------------------------------------------------------------- */

/* How a loss reduces over elements: mean (default), sum, or none (per element/sample). */
typedef enum Reduction { REDUCTION_MEAN = 0, REDUCTION_SUM, REDUCTION_NONE } Reduction;

/* Options of the losses; zero means default. */
typedef struct LossOptions {
    Reduction reduction;     /* REDUCTION_MEAN (default), _SUM, _NONE */
    Tensor *weight;          /* cross_entropy/nll: per-class weights (C); bce: per-element weights */
    double label_smoothing;  /* cross_entropy: in [0, 1) (default 0) */
    double beta;             /* smooth_l1: switch point (0 means 1.0) */
    Tensor *pos_weight;      /* bce_with_logits: weight of positive examples per class */
    bool use_ignore_index;   /* cross_entropy/nll: skip targets equal to ignore_index */
    int64_t ignore_index;
    bool from_logits;        /* Keras's cross-entropies: the input is logits, not probabilities */
    double delta;            /* huber: switch point (0 means 1.0) */
} LossOptions;

/* Mean squared error: mean((input - target)^2). */
#define nn_mse(input, target, ...) nn_mse_(input, target, &(LossOptions){ __VA_ARGS__ })
Tensor *nn_mse_(Tensor *input, Tensor *target, const LossOptions *options);
/* Mean absolute error: mean(|input - target|). */
#define nn_l1(input, target, ...) nn_l1_(input, target, &(LossOptions){ __VA_ARGS__ })
Tensor *nn_l1_(Tensor *input, Tensor *target, const LossOptions *options);
/* Huber-like: 0.5 d^2 / beta if |d| < beta else |d| - 0.5 beta. */
#define nn_smooth_l1(input, target, ...) nn_smooth_l1_(input, target, &(LossOptions){ __VA_ARGS__ })
Tensor *nn_smooth_l1_(Tensor *input, Tensor *target, const LossOptions *options);
/* Binary cross-entropy on probabilities in (0, 1) (logs clamped at -100
 * like PyTorch): nn_bce(tensor_sigmoid(z), y). */
#define nn_bce(input, target, ...) nn_bce_(input, target, &(LossOptions){ __VA_ARGS__ })
Tensor *nn_bce_(Tensor *input, Tensor *target, const LossOptions *options);
/* Binary cross-entropy on logits (stable; sigmoid inside). */
#define nn_bce_with_logits(logits, target, ...) nn_bce_with_logits_(logits, target, &(LossOptions){ __VA_ARGS__ })
Tensor *nn_bce_with_logits_(Tensor *logits, Tensor *target, const LossOptions *options);
/* Cross-entropy of logits (N, C) (or (N, C, d...)) with int64 class indices
 * (N) or class probabilities / one-hot rows of logits' shape:
 * nn_cross_entropy(logits, y, .label_smoothing = 0.1, .reduction = REDUCTION_SUM).
 * Fused log_softmax + nll.
 * Arguments: raw scores (no softmax before it) and the targets.
 * Returns a 0-dim tensor (the mean over the batch by default).
 * Errors: ShapeError when the batch sizes differ; IndexError for a class
 * index outside [0, C).
 * Example:
 *   Tensor *loss = nn_cross_entropy(nn_forward(net, X), y);
 *   tensor_backward(loss); */
#define nn_cross_entropy(logits, target, ...) nn_cross_entropy_(logits, target, &(LossOptions){ __VA_ARGS__ })
Tensor *nn_cross_entropy_(Tensor *logits, Tensor *target, const LossOptions *options);
/* Negative log-likelihood of log-probabilities (N, C) with int64 class indices (N). */
#define nn_nll(log_probs, target, ...) nn_nll_(log_probs, target, &(LossOptions){ __VA_ARGS__ })
Tensor *nn_nll_(Tensor *log_probs, Tensor *target, const LossOptions *options);

/* Huber loss (PyTorch's HuberLoss, Keras's "huber"): 0.5 d^2 if |d| <= delta
 * else delta (|d| - 0.5 delta), d = input - target, delta default 1. */
#define nn_huber(input, target, ...) nn_huber_(input, target, &(LossOptions){ __VA_ARGS__ })
Tensor *nn_huber_(Tensor *input, Tensor *target, const LossOptions *options);

/* Keras's losses take probabilities (the output of a final softmax or
 * sigmoid) unless .from_logits = true; probabilities are normalised to sum
 * to 1 and clipped to [1e-7, 1 - 1e-7] like Keras. The class dim is dim 1.
 * Categorical cross-entropy of probabilities (N, C) with one-hot or
 * probability targets of the same shape (tensor_to_categorical(y, C)):
 * mean over samples of -sum_c t_c log p_c (.label_smoothing as Keras). */
#define nn_categorical_crossentropy(probs, target, ...) \
    nn_categorical_crossentropy_(probs, target, &(LossOptions){ __VA_ARGS__ })
Tensor *nn_categorical_crossentropy_(Tensor *probs, Tensor *target, const LossOptions *options);
/* The same with class indices as targets (N) or (N, 1), of any integer dtype
 * (or whole floats): nn_sparse_categorical_crossentropy(probs, y). */
#define nn_sparse_categorical_crossentropy(probs, target, ...) \
    nn_sparse_categorical_crossentropy_(probs, target, &(LossOptions){ __VA_ARGS__ })
Tensor *nn_sparse_categorical_crossentropy_(Tensor *probs, Tensor *target, const LossOptions *options);
/* Keras's binary cross-entropy: probabilities clipped to [1e-7, 1 - 1e-7]
 * (or logits with .from_logits = true), targets 0/1 of the same shape. */
#define nn_binary_crossentropy(probs, target, ...) \
    nn_binary_crossentropy_(probs, target, &(LossOptions){ __VA_ARGS__ })
Tensor *nn_binary_crossentropy_(Tensor *probs, Tensor *target, const LossOptions *options);

/* A loss by its Keras or PyTorch name: nn_loss("sparse_categorical_crossentropy",
 * probs, y), nn_loss("cross_entropy", logits, y), nn_loss("mse", pred, t).
 * Keras names (probabilities unless .from_logits): "sparse_categorical_crossentropy",
 * "categorical_crossentropy", "binary_crossentropy", "mse" / "mean_squared_error",
 * "mae" / "mean_absolute_error", "huber", and their class names
 * ("SparseCategoricalCrossentropy"...). PyTorch names: "cross_entropy" (logits),
 * "nll" (log-probabilities), "bce" (probabilities), "bce_with_logits", "l1",
 * "smooth_l1", "huber_loss", "mse_loss", and class names ("CrossEntropyLoss"...).
 * An unknown name is a ValueError listing every accepted name. */
#define nn_loss(name, input, target, ...) nn_loss_(name, input, target, &(LossOptions){ __VA_ARGS__ })
Tensor *nn_loss_(const char *name, Tensor *input, Tensor *target, const LossOptions *options);

/* What a loss expects from the model (nn_loss_info). */
typedef enum LossInput {
    LOSS_INPUT_LOGITS = 1,  /* raw scores: "cross_entropy", "bce_with_logits", Keras names with from_logits */
    LOSS_INPUT_PROBS,       /* probabilities (after softmax / sigmoid): Keras's cross-entropies, "bce" */
    LOSS_INPUT_LOG_PROBS,   /* log-probabilities (after log_softmax): "nll" */
    LOSS_INPUT_VALUES       /* any values: "mse", "mae", "huber"... */
} LossInput;
/* Facts about a loss name. */
typedef struct LossInfo {
    const char *name;     /* the canonical name, e.g. "sparse_categorical_crossentropy" */
    LossInput input;      /* what it expects from the model, given from_logits */
    bool classification;  /* a cross-entropy (accuracy makes sense) */
    bool binary;          /* a binary cross-entropy (one probability / logit per output) */
    bool index_targets;   /* sparse: class indices as targets */
} LossInfo;
/* The facts of a loss name (ValueError listing the accepted names if unknown). */
const LossInfo *nn_loss_info(const char *name, bool from_logits);
/* Every accepted loss name, comma-separated (a static string). */
const char *nn_loss_names(void);

/* ---- initialisation (in place, without autograd; each returns t) ------------ */

/* Options of the initialisers; zero means default. */
typedef struct InitOptions {
    double gain;               /* xavier: default 1 */
    double a;                  /* kaiming: negative slope of the leaky_relu after (default 0) */
    bool fan_out;              /* kaiming: use fan_out instead of fan_in */
    const char *nonlinearity;  /* kaiming: "leaky_relu" (default), "relu", "tanh", "sigmoid", "linear" */
    Generator *generator;      /* NULL: the default generator */
} InitOptions;
/* U(-b, b), b = gain sqrt(6 / (fan_in + fan_out)). */
#define nn_init_xavier_uniform(t, ...) nn_init_xavier_uniform_(t, &(InitOptions){ __VA_ARGS__ })
Tensor *nn_init_xavier_uniform_(Tensor *t, const InitOptions *options);
/* N(0, std^2), std = gain sqrt(2 / (fan_in + fan_out)). */
#define nn_init_xavier_normal(t, ...) nn_init_xavier_normal_(t, &(InitOptions){ __VA_ARGS__ })
Tensor *nn_init_xavier_normal_(Tensor *t, const InitOptions *options);
/* U(-b, b), b = gain(nonlinearity, a) sqrt(3 / fan). */
#define nn_init_kaiming_uniform(t, ...) nn_init_kaiming_uniform_(t, &(InitOptions){ __VA_ARGS__ })
Tensor *nn_init_kaiming_uniform_(Tensor *t, const InitOptions *options);
/* N(0, std^2), std = gain(nonlinearity, a) / sqrt(fan). */
#define nn_init_kaiming_normal(t, ...) nn_init_kaiming_normal_(t, &(InitOptions){ __VA_ARGS__ })
Tensor *nn_init_kaiming_normal_(Tensor *t, const InitOptions *options);
/* U(lo, hi). */
Tensor *nn_init_uniform(Tensor *t, double lo, double hi);
/* N(mean, std^2). */
Tensor *nn_init_normal(Tensor *t, double mean, double std);
/* All value / zeros / ones. */
Tensor *nn_init_constant(Tensor *t, double value);
Tensor *nn_init_zeros(Tensor *t);
Tensor *nn_init_ones(Tensor *t);
/* PyTorch's calculate_gain: "linear", "sigmoid", "tanh", "relu", "leaky_relu" (param = slope). */
double nn_init_calculate_gain(const char *nonlinearity, double param);

/* ---- gradient clipping --------------------------------------------------------- */

/* Scales all gradients so that their global norm is at most max_norm;
 * returns the norm before clipping. norm_type 0 means 2 (INFINITY: max). */
double nn_clip_grad_norm(ParamList *params, double max_norm, double norm_type);
/* Clamps every gradient element to [-clip_value, clip_value]. */
void nn_clip_grad_value(ParamList *params, double clip_value);

#endif
