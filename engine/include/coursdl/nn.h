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

/* A new user module, like subclassing torch.nn.Module: type names it ("MLP",
 * "Generator"...) and forward(self, x, ctx) is what nn_forward runs. Register
 * its parameters and sub-modules with nn_register_parameter / nn_register_module.
 * Arguments: the type name (NULL gives "Module"), the forward function, and
 * ctx, the pointer handed back to forward (usually a struct from nn_alloc that
 * holds the sub-modules; may be NULL).
 * Returns a new Module in training mode, without parameters yet.
 * Errors: none when made; nn_forward raises ValueError when forward is NULL.
 * Example:
 *   Net *n = nn_alloc(sizeof(Net));
 *   Module *m = nn_module("Net", net_forward, n); */
Module *nn_module(const char *type, ModuleForward forward, void *ctx);
/* Zeroed memory for a user module's context struct, managed by the collector
 * (never free it); the Module * and Tensor * pointers it holds keep those
 * objects alive.
 * Arguments: the size in bytes, e.g. sizeof(Net) (0 gives a 1-byte block).
 * Returns the zeroed block, kept as long as something points to it.
 * Errors: MemoryError when memory runs out.
 * Example:
 *   typedef struct { Module *enc, *dec; } AE;
 *   AE *ae = nn_alloc(sizeof(AE)); */
void *nn_alloc(size_t size);
/* Registers t as a learnable parameter of m under name, like an nn.Parameter
 * set in __init__: it is marked requires_grad and listed by nn_parameters (so
 * the optimizer updates it), nn_summary and nn_state.
 * Arguments: the module, a name without '.' ("W", "bias"...; registering a
 * name again replaces the old tensor) and a floating leaf tensor.
 * Returns t itself (keep it in your ctx struct to use it in forward).
 * Errors: ValueError for an empty name or one with '.', or for a tensor
 * computed by an op (pass tensor_detach(t)); TypeError for an integer tensor.
 * Example:
 *   n->W = nn_register_parameter(m, "W", tensor_randn(16, 2)); */
Tensor *nn_register_parameter(Module *m, const char *name, Tensor *t);
/* Registers t as a state tensor (buffer) of m: saved with the model and moved
 * by nn_to, but not learned, like register_buffer (BatchNorm's running_mean).
 * Arguments: the module, a name without '.' (registering a name again
 * replaces the old tensor) and the tensor, of any dtype.
 * Returns t itself.
 * Errors: ValueError for an empty name or one with '.'.
 * Example:
 *   n->mean = nn_register_buffer(m, "mean", tensor_zeros(784)); */
Tensor *nn_register_buffer(Module *m, const char *name, Tensor *t);
/* Registers child as a sub-module of m under name, like self.fc1 = nn.Linear
 * in __init__: its parameters become m's ("fc1.weight"...), and nn_train,
 * nn_to and nn_summary reach it.
 * Arguments: the module, a name without '.' (registering a name again
 * replaces the old sub-module) and the sub-module.
 * Returns child itself.
 * Errors: ValueError for an empty name or one with '.', or when child is m.
 * Example:
 *   n->fc1 = nn_register_module(m, "fc1", nn_linear(2, 16)); */
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
/* The parameter named name, like dict(model.named_parameters())[name].
 * Arguments: the module and a dotted name as nn_named_parameters lists it
 * ("weight", "0.bias", "fc1.weight"...).
 * Returns the live parameter tensor (changing it changes the model), or
 * NULL when there is no parameter of that name.
 * Errors: ValueError for a NULL module.
 * Example:
 *   Module *net = nn_sequential(nn_linear(2, 16), nn_relu(), nn_linear(16, 2));
 *   Tensor *W0 = nn_get_parameter(net, "0.weight");   // (16, 2) */
Tensor *nn_get_parameter(Module *m, const char *name);
/* The sub-module named name, like model.get_submodule(name).
 * Arguments: the module and a dotted name ("0", "fc1", "encoder.2"...).
 * Returns the live sub-module, or NULL when there is none of that name.
 * Errors: ValueError for a NULL module.
 * Example:
 *   Module *first = nn_get_module(net, "0");
 *   printf("%s\n", nn_type(first));   // Linear */
Module *nn_get_module(Module *m, const char *name);
/* The ctx pointer given to nn_module, to reach a user module's fields from
 * outside its forward.
 * Arguments: the module.
 * Returns the pointer as given (NULL for the built-in layers); assign it to a
 * pointer to your struct.
 * Errors: none.
 * Example:
 *   Net *n = nn_ctx(model);
 *   Tensor *W1 = nn_get_parameter(n->fc1, "weight"); */
void *nn_ctx(Module *m);
/* The type name of a module, like type(m).__name__.
 * Arguments: the module.
 * Returns "Linear", "Conv2d", "ReLU", "Sequential"... or the type given to
 * nn_module for a user module; a string owned by the module.
 * Errors: ValueError for a NULL module.
 * Example:
 *   for (int i = 0; i < nn_num_children(net); i++)
 *       printf("%d: %s\n", i, nn_type(nn_child(net, i))); */
const char *nn_type(const Module *m);
/* All learnable parameters, recursively, in registration order (what an
 * optimizer takes): optim_adam(nn_parameters(model)).
 * Arguments: the module.
 * Returns a new ParamList (p->n tensors p->tensors[i], named p->names[i])
 * holding the live parameters: changing them changes the model.
 * Errors: ValueError for a NULL module.
 * Example:
 *   ParamList *ps = nn_parameters(net);
 *   for (int i = 0; i < ps->n; i++)
 *       printf("%s %s\n", ps->names[i], tensor_shape_str(ps->tensors[i])); */
ParamList *nn_parameters(Module *m);
/* Every learnable parameter, recursively, with its dotted name ("0.weight",
 * "encoder.fc1.bias"), like model.named_parameters(); the same list as
 * nn_parameters.
 * Arguments: the module.
 * Returns a new ParamList of the live parameters (a tensor shared by two
 * modules is listed once).
 * Errors: ValueError for modules nested more than 64 deep.
 * Example:
 *   ParamList *ps = nn_named_parameters(net);
 *   for (int i = 0; i < ps->n; i++) printf("%s\n", ps->names[i]); */
ParamList *nn_named_parameters(Module *m);
/* Every buffer (BatchNorm's running_mean, running_var, num_batches_tracked...),
 * recursively, with dotted names, like model.named_buffers().
 * Arguments: the module.
 * Returns a new ParamList of the live buffers (n is 0 for a model without).
 * Errors: ValueError for modules nested more than 64 deep.
 * Example:
 *   ParamList *bs = nn_named_buffers(cnn);   // "1.running_mean", ... */
ParamList *nn_named_buffers(Module *m);
/* Everything that defines a trained model: its parameters, then its buffers,
 * with dotted names, like PyTorch's state_dict() but the live tensors (not
 * copies); what saving and loading a model go through.
 * Arguments: the module.
 * Returns a new ParamList: the parameters (as nn_parameters), then the
 * buffers (as nn_named_buffers).
 * Errors: ValueError for modules nested more than 64 deep.
 * Example:
 *   ParamList *st = nn_state(net);
 *   printf("%d tensors to save\n", st->n); */
ParamList *nn_state(Module *m);
/* Number of sub-modules directly registered in m (len(list(m.children()))).
 * Arguments: the module.
 * Returns the number of direct children (layers of a Sequential), 0 for a
 * plain layer.
 * Errors: ValueError for a NULL module.
 * Example:
 *   int n = nn_num_children(net);   // 3 for nn_sequential(a, b, c) */
int nn_num_children(const Module *m);
/* The i-th direct sub-module, in registration order (model[i] for a
 * Sequential).
 * Arguments: the module and the index (negative counts from the end).
 * Returns the live sub-module.
 * Errors: ValueError for a NULL module; IndexError for an index out of
 * range.
 * Example:
 *   Module *last = nn_child(net, -1);   // the output layer */
Module *nn_child(Module *m, int i);
/* The name of the i-th direct sub-module: "0", "1"... in a Sequential, "fc1"
 * after nn_register_module(m, "fc1", ...).
 * Arguments: the module and an index in [0, nn_num_children(m)) (no negative
 * index, unlike nn_child).
 * Returns the name, a string owned by the module.
 * Errors: IndexError for an index out of range.
 * Example:
 *   for (int i = 0; i < nn_num_children(net); i++)
 *       printf("%s: %s\n", nn_child_name(net, i), nn_type(nn_child(net, i))); */
const char *nn_child_name(const Module *m, int i);
/* Calls fn(module, ctx) on every sub-module, recursively, then on m itself
 * (children first), like model.apply(fn): e.g. a custom initialisation of
 * every layer of one type.
 * Arguments: the module, the function, and a pointer handed to it (may be
 * NULL).
 * Returns nothing.
 * Errors: ValueError for a NULL fn or modules nested more than 64 deep.
 * Example:
 *   void init_w(Module *l, void *ctx) {
 *       if (!strcmp(nn_type(l), "Linear"))
 *           nn_init_xavier_uniform(nn_get_parameter(l, "weight"));
 *   }
 *   nn_apply(net, init_w, NULL); */
void nn_apply(Module *m, void (*fn)(Module *m, void *ctx), void *ctx);
/* Sets training mode (true, like model.train()) or evaluation mode (false,
 * like model.eval()) on m and all its sub-modules: Dropout drops only in
 * training; BatchNorm uses the batch's statistics in training, its running
 * ones in evaluation.
 * Arguments: the module and the mode.
 * Returns m itself.
 * Errors: none.
 * Example:
 *   nn_train(net, true);   // back to training after nn_eval(net) */
Module *nn_train(Module *m, bool training);
/* Evaluation mode for m and its sub-modules, like model.eval(): Dropout
 * passes its input through, BatchNorm uses its running statistics. Undo
 * with nn_train(m, true) before training again.
 * Arguments: the module.
 * Returns m itself.
 * Errors: ValueError for a NULL module.
 * Example:
 *   nn_eval(net);
 *   Tensor *pred = tensor_argmax_dim(nn_forward(net, X_test), 1, false);
 *   nn_train(net, true); */
Module *nn_eval(Module *m);
/* Whether m is in training mode, like model.training (new modules are).
 * Arguments: the module.
 * Returns true in training mode, false after nn_eval or nn_train(m, false).
 * Errors: none.
 * Example:
 *   printf("%s\n", nn_is_training(net) ? "train" : "eval"); */
bool nn_is_training(const Module *m);
/* Clears the gradient of every parameter of m, recursively (sets it to NULL,
 * like model.zero_grad()): call it before each backward, or the gradients of
 * successive batches add up.
 * Arguments: the module.
 * Returns nothing.
 * Errors: none.
 * Example:
 *   nn_zero_grad(net);
 *   tensor_backward(nn_cross_entropy(nn_forward(net, X), y)); */
void nn_zero_grad(Module *m);
/* Moves every parameter and buffer of m to device in place, like
 * model.to("cuda"): the tensors stay the same objects, so optimizers made
 * before keep working; gradients left on the old device are dropped.
 * Arguments: the module and the device, a name ("cpu", "cuda", "cuda:1") or
 * a Device (DEVICE_CPU...): nn_to picks nn_to_name or nn_to_device.
 * Returns m itself.
 * Errors: DeviceError for an unknown device name or a device that is not
 * available (no GPU); ValueError for a NULL name.
 * Example:
 *   nn_to(net, "cuda");
 *   Tensor *logits = nn_forward(net, tensor_to(X, "cuda")); */
#define nn_to(m, device) _Generic((device), char *: nn_to_name, \
    const char *: nn_to_name, default: nn_to_device)(m, device)
Module *nn_to_device(Module *m, Device device);
Module *nn_to_name(Module *m, const char *device);
/* Converts every floating parameter and buffer of m to dtype in place, like
 * model.double(): DT_FLOAT64 for gradcheck, DT_FLOAT32 back. Integer buffers
 * (num_batches_tracked) are kept; gradients of the old dtype are dropped.
 * Arguments: the module and a floating dtype.
 * Returns m itself.
 * Errors: TypeError for a dtype that is not floating.
 * Example:
 *   nn_to_dtype(net, DT_FLOAT64); */
Module *nn_to_dtype(Module *m, DType dtype);
/* Number of parameter elements (the "Total params" of a summary).
 * Arguments: the module, and trainable_only: true counts only the
 * parameters that require grad (not the frozen ones).
 * Returns the sum of tensor_numel over its parameters, recursively.
 * Errors: ValueError for a NULL module.
 * Example:
 *   Module *net = nn_sequential(nn_linear(2, 16), nn_relu(), nn_linear(16, 2));
 *   int64_t n = nn_num_parameters(net, false);   // 2*16 + 16 + 16*2 + 2 = 82 */
int64_t nn_num_parameters(Module *m, bool trainable_only);
/* Freezes (false) or unfreezes (true) every parameter of m, recursively, like
 * model.requires_grad_(False): frozen parameters get no gradient (a
 * pretrained feature extractor, the discriminator during G's step in a GAN).
 * Arguments: the module and the flag.
 * Returns nothing.
 * Errors: none.
 * Example:
 *   nn_requires_grad_(D, false);   // train G through a frozen D */
void nn_requires_grad_(Module *m, bool requires_grad);

/* Whether some parameter of m still waits for its size: a lazy layer
 * (nn_linear(0, 128), nn_conv2d(0, 32, 3)) before its first forward, like
 * PyTorch's has_uninitialized_params().
 * Arguments: the module.
 * Returns true while a parameter of m or of a sub-module has no elements yet.
 * Errors: none.
 * Example:
 *   if (nn_has_uninitialized_params(net)) nn_build(net, 1, 28, 28); */
bool nn_has_uninitialized_params(Module *m);
/* Gives every lazy layer its size now, like Keras's model.build: a forward on
 * zeros of shape (2, dims...) in eval mode without grad, each module's mode
 * restored after. A Sequential that starts with nn_input is built when made.
 * Arguments: the module and the shape of one sample without the batch dim
 * (1 to 7 sizes): nn_build(model, 1, 28, 28).
 * Returns nothing (the lazy parameters now have their sizes and values).
 * Errors: ValueError for no size or more than 7; the forward's errors
 * (ShapeError when the model does not fit that shape).
 * Example:
 *   Module *net = nn_sequential(nn_flatten(), nn_linear(0, 128), nn_relu(),
 *                               nn_linear(128, 10));
 *   nn_build(net, 1, 28, 28);   // the first weight becomes (128, 784) */
#define nn_build(m, ...) nn_build_shape(m, CDL_SHAPE(__VA_ARGS__))
void nn_build_shape(Module *m, int ndim, const int64_t *dims);

/* ---- summary and display ------------------------------------------------- */

/* Prints a Keras/torchsummary-style table of the model, like Keras's
 * model.summary(): each layer with its output shape and parameter count, then
 * the total, trainable and non-trainable counts and the size in MB.
 * Arguments: the module and the shape of one sample without the batch dim:
 * nn_summary(model, 1, 28, 28) runs a forward on zeros of shape (2, 1, 28, 28)
 * in eval mode without grad to find the shapes. With no dims, a model that
 * starts with nn_input uses its shape; otherwise the shapes seen by the last
 * forward are shown ("?" for a layer that never ran).
 * Returns nothing (prints to the cell's output).
 * Errors: ShapeError for more than 7 dims; the forward's errors (ShapeError
 * when the model does not fit that shape).
 * Example:
 *   nn_summary(cnn, 1, 28, 28); */
#define nn_summary(m, ...) nn_summary_shape(m, CDL_SHAPE(__VA_ARGS__))
void nn_summary_shape(Module *m, int ndim, const int64_t *dims);
/* The table nn_summary prints, as a string instead (to save or compare it).
 * Arguments: as nn_summary: the module and the shape of one sample (or no
 * dims).
 * Returns a new string managed by the collector (no free).
 * Errors: ShapeError for more than 7 dims; the forward's errors (ShapeError
 * when the model does not fit that shape).
 * Example:
 *   char *s = nn_summary_string(net, 2);
 *   printf("%s", s); */
#define nn_summary_string(m, ...) nn_summary_string_shape(m, CDL_SHAPE(__VA_ARGS__))
char *nn_summary_string_shape(Module *m, int ndim, const int64_t *dims);
/* The model's structure, one line per layer with its settings, sub-modules
 * indented, like print(model) in PyTorch.
 * Arguments: the module.
 * Returns a new string managed by the collector (no free).
 * Errors: none.
 * Example:
 *   printf("%s", nn_repr(net)); */
char *nn_repr(Module *m);
/* What the notebook shows as Out[n] for a cell that ends with a Module *: its
 * summary table (nn_summary_string without dims) as text/plain. The kernel
 * calls it; call it by hand to show a model from inside a loop.
 * Arguments: the module (NULL shows "NULL").
 * Returns nothing (sends the display to the notebook).
 * Errors: none.
 * Example:
 *   nn_display_out(net);   // what a cell ending with `net` shows */
void nn_display_out(Module *m);

/* ---- containers ----------------------------------------------------------- */

/* Layers applied in order: nn_sequential(nn_linear(2, 16), nn_relu(), nn_linear(16, 1)).
 * Children are named "0", "1", ... An empty one: nn_sequential_(NULL), then
 * nn_sequential_add.
 * Arguments: the layers (modules), in order. A first nn_input(...) gives
 * the lazy layers (nn_linear(0, n)...) their sizes at once.
 * Returns a new Module whose forward applies each layer to the previous
 * one's output (Out[n] of it prints its summary, like print(model)).
 * Errors: those of nn_build when it starts with nn_input and a layer does
 * not fit that shape. A NULL layer (one whose creation failed) ends the
 * list there: the layers after it are left out.
 * Example:
 *   Module *net = nn_sequential(nn_linear(2, 32), nn_relu(), nn_linear(32, 2)); */
#define nn_sequential(...) nn_sequential_((Module *[]){ __VA_ARGS__, NULL })
Module *nn_sequential_(Module **layers);
/* Appends a layer to a Sequential, like seq.append(layer); it is named by
 * its position ("0", "1", ...).
 * Arguments: a Sequential (from nn_sequential) and the layer to add.
 * Returns seq itself.
 * Errors: TypeError when seq is NULL or not a Sequential; ValueError for
 * a NULL layer.
 * Example:
 *   Module *net = nn_sequential_(NULL);
 *   nn_sequential_add(net, nn_linear(2, 32));
 *   for (int i = 0; i < depth; i++)
 *       nn_sequential_add(nn_sequential_add(net, nn_relu()), nn_linear(32, 32)); */
Module *nn_sequential_add(Module *seq, Module *layer);
/* A layer that returns its input unchanged, like torch.nn.Identity(); no
 * parameters (e.g. an optional layer switched off).
 * Arguments: none.
 * Returns a new Identity module.
 * Errors: none.
 * Example:
 *   Module *norm = use_bn ? nn_batch_norm1d(128) : nn_identity(); */
Module *nn_identity(void);
/* Keras's Input: declares the shape of one sample (without the batch dim)
 * and checks it at every forward: nn_sequential(nn_input(28, 28),
 * nn_flatten(), nn_linear(0, 128), ...). A Sequential that starts with it
 * gets its lazy layers' sizes at once, and nn_summary(model) needs no shape.
 * Arguments: the sizes of one sample (1 to 7 of them), each >= 1.
 * Returns a new Input module (no parameters; its forward returns x).
 * Errors: ValueError for no size, more than 7, or a size < 1; its forward
 * raises ShapeError for a batch whose samples have another shape.
 * Example:
 *   Module *net = nn_sequential(nn_input(1, 28, 28), nn_flatten(),
 *                               nn_linear(0, 128), nn_relu(), nn_linear(128, 10)); */
#define nn_input(...) nn_input_shape(CDL_SHAPE(__VA_ARGS__))
Module *nn_input_shape(int ndim, const int64_t *dims);

/* PyTorch's ModuleList: modules kept in a list and registered, so that their
 * parameters are the owner's ("layers.0.weight"... when the list is
 * registered as "layers"); not callable: run its modules in your forward. An
 * empty one: nn_module_list_(NULL), then nn_module_list_append.
 * Arguments: the modules, in order (named "0", "1", ...).
 * Returns a new ModuleList module.
 * Errors: none when made (a NULL module ends the list there); nn_forward on
 * the list itself raises TypeError.
 * Example:
 *   n->layers = nn_register_module(m, "layers",
 *                                  nn_module_list(nn_linear(4, 8), nn_linear(8, 8)));
 *   for (int i = 0; i < nn_module_list_len(n->layers); i++)
 *       x = nn_forward(nn_module_list_get(n->layers, i), x); */
#define nn_module_list(...) nn_module_list_((Module *[]){ __VA_ARGS__, NULL })
Module *nn_module_list_(Module **modules);
/* Appends a module to a ModuleList, like list.append(module); it is named by
 * its position ("0", "1", ...).
 * Arguments: a ModuleList (from nn_module_list) and the module.
 * Returns list itself.
 * Errors: TypeError when list is not a ModuleList.
 * Example:
 *   for (int i = 0; i < depth; i++)
 *       nn_module_list_append(n->layers, nn_linear(32, 32)); */
Module *nn_module_list_append(Module *list, Module *module);
/* The i-th module of a ModuleList, like list[i].
 * Arguments: a ModuleList and the index (negative counts from the end).
 * Returns the live module.
 * Errors: TypeError when list is not a ModuleList; IndexError for an index
 * out of range.
 * Example:
 *   Tensor *h = nn_forward(nn_module_list_get(n->layers, 0), x); */
Module *nn_module_list_get(Module *list, int i);
/* Number of modules in a ModuleList, like len(list).
 * Arguments: a ModuleList.
 * Returns the count (0 for an empty one).
 * Errors: TypeError when list is not a ModuleList.
 * Example:
 *   int depth = nn_module_list_len(n->layers); */
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
/* 2-D convolution, like torch.nn.Conv2d (Keras's Conv2D): out_channels
 * filters of kernel_size x kernel_size slide over (N, C, H, W) images (or one
 * (C, H, W) image). Output size per dim:
 * (H + 2 padding - dilation (k - 1) - 1) / stride + 1, rounded down.
 * in_channels 0: lazy (PyTorch's LazyConv2d, Keras's Conv2D(32, (3, 3))),
 * sized and initialised at the first forward: nn_conv2d(0, 32, 3).
 * Arguments: in_channels (>= 1, or 0 for lazy), out_channels (>= 1) and
 * kernel_size (>= 1); options: .stride (1), .padding (0; NN_PADDING_SAME
 * keeps H and W, stride 1 only), .dilation (1), .groups (1; divides both
 * channel counts), .no_bias (false), and (height, width) pairs for a
 * non-square kernel: .kernel_hw = {3, 5}, .stride_hw, .padding_hw, .dilation_hw.
 * Returns a new Module; "weight" (out, in / groups, kh, kw) and "bias" (out),
 * both U(-1/sqrt(fan_in), 1/sqrt(fan_in)) like PyTorch.
 * Errors: ValueError for a size or option out of range, groups that do not
 * divide the channels, or NN_PADDING_SAME with a stride; its forward raises
 * ShapeError for an input that is not (N, C, H, W) / (C, H, W), has other than
 * in_channels channels, or is smaller than the kernel, TypeError for an input
 * that is not of the weights' float dtype, DeviceError for one on another
 * device.
 * Example:
 *   Module *cnn = nn_sequential(nn_conv2d(1, 32, 3, .padding = 1), nn_relu(),
 *                               nn_max_pool2d(2), nn_flatten(),
 *                               nn_linear(32 * 14 * 14, 10)); */
#define nn_conv2d(in_channels, out_channels, kernel_size, ...) \
    nn_conv2d_(in_channels, out_channels, kernel_size, &(ConvOptions){ __VA_ARGS__ })
Module *nn_conv2d_(int64_t in_channels, int64_t out_channels, int kernel_size, const ConvOptions *options);
/* 1-D convolution, like torch.nn.Conv1d (Keras's Conv1D): filters of length
 * kernel_size slide along (N, C, L) sequences (or one (C, L)). Output length:
 * (L + 2 padding - dilation (k - 1) - 1) / stride + 1. in_channels 0: lazy.
 * Arguments: in_channels (>= 1, or 0 for lazy), out_channels (>= 1) and
 * kernel_size (>= 1); options .stride, .padding, .dilation, .groups and
 * .no_bias as nn_conv2d (the _hw pairs are for 2-D layers only).
 * Returns a new Module; "weight" (out, in / groups, k) and "bias" (out).
 * Errors: ValueError for a size or option out of range, or a _hw pair; its
 * forward raises ShapeError for an input that is not (N, C, L) / (C, L) or
 * has other than in_channels channels, TypeError for an input that is not of
 * the weights' float dtype.
 * Example:
 *   Module *c1 = nn_conv1d(3, 8, 5, .stride = 2);   // (N, 3, 100) -> (N, 8, 48) */
#define nn_conv1d(in_channels, out_channels, kernel_size, ...) \
    nn_conv1d_(in_channels, out_channels, kernel_size, &(ConvOptions){ __VA_ARGS__ })
Module *nn_conv1d_(int64_t in_channels, int64_t out_channels, int kernel_size, const ConvOptions *options);
/* Transposed 2-D convolution, like torch.nn.ConvTranspose2d (Keras's
 * Conv2DTranspose): the gradient of a conv2d, which upsamples (decoders,
 * DCGAN generators). Output size per dim:
 * (H - 1) stride - 2 padding + dilation (k - 1) + output_padding + 1.
 * in_channels 0: lazy.
 * Arguments: in_channels (>= 1, or 0 for lazy), out_channels (>= 1) and
 * kernel_size (>= 1); options as nn_conv2d (but no NN_PADDING_SAME), plus
 * .output_padding (0), smaller than the stride or the dilation.
 * Returns a new Module; "weight" (in, out / groups, kh, kw) and "bias" (out).
 * Errors: ValueError for a size or option out of range; its forward raises
 * ShapeError for an input that is not (N, C, H, W) / (C, H, W), has other
 * than in_channels channels, or would give an empty output, ValueError for
 * an output_padding too large, TypeError for an input that is not of the
 * weights' float dtype.
 * Example:
 *   Module *up = nn_conv_transpose2d(64, 32, 4, .stride = 2, .padding = 1);
 *   Tensor *h = nn_forward(up, z);   // (N, 64, 7, 7) -> (N, 32, 14, 14) */
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
/* Max pooling, like torch.nn.MaxPool2d (Keras's MaxPooling2D): the largest
 * value of each k x k window of (N, C, H, W) (or (C, H, W)), channel by
 * channel. Output size per dim: (H + 2 padding - k) / stride + 1, rounded
 * down (up with .ceil_mode = true): nn_max_pool2d(2) halves H and W.
 * Arguments: kernel_size (>= 1); options: .stride (default: the kernel size),
 * .padding (0; at most half the kernel, padded with -inf), .ceil_mode
 * (false), and (height, width) pairs .kernel_hw, .stride_hw, .padding_hw.
 * Returns a new MaxPool2d module (no parameters).
 * Errors: ValueError for a kernel_size < 1 or a negative stride or padding;
 * its forward raises ShapeError for an input that is not (N, C, H, W) /
 * (C, H, W) or is smaller than the window, ValueError for a padding over half
 * the kernel, TypeError for an integer input.
 * Example:
 *   Module *block = nn_sequential(nn_conv2d(1, 32, 3, .padding = 1), nn_relu(),
 *                                 nn_max_pool2d(2));   // 28x28 -> 14x14 */
#define nn_max_pool2d(kernel_size, ...) nn_max_pool2d_(kernel_size, &(PoolOptions){ __VA_ARGS__ })
Module *nn_max_pool2d_(int kernel_size, const PoolOptions *options);
/* Average pooling, like torch.nn.AvgPool2d (Keras's AveragePooling2D): the
 * mean of each k x k window of (N, C, H, W) (or (C, H, W)); output size as
 * nn_max_pool2d.
 * Arguments: kernel_size (>= 1); options as nn_max_pool2d (.padding pads
 * with zeros, which count in the mean).
 * Returns a new AvgPool2d module (no parameters).
 * Errors: ValueError for a kernel_size < 1 or a negative stride or padding;
 * its forward raises ShapeError for an input that is not (N, C, H, W) /
 * (C, H, W) or is smaller than the window, ValueError for a padding over half
 * the kernel, TypeError for an integer input.
 * Example:
 *   Module *pool = nn_avg_pool2d(2);   // LeNet: (N, 6, 28, 28) -> (N, 6, 14, 14) */
#define nn_avg_pool2d(kernel_size, ...) nn_avg_pool2d_(kernel_size, &(PoolOptions){ __VA_ARGS__ })
Module *nn_avg_pool2d_(int kernel_size, const PoolOptions *options);
/* Average pooling to a fixed (out_h, out_w) output whatever the input's size,
 * like torch.nn.AdaptiveAvgPool2d: (1, 1) is global average pooling.
 * Arguments: the output height and width (>= 1).
 * Returns a new AdaptiveAvgPool2d module (no parameters).
 * Errors: ValueError for a size < 1; its forward raises ShapeError for an
 * input that is not (N, C, H, W) or (C, H, W).
 * Example:
 *   Module *head = nn_sequential(nn_adaptive_avg_pool2d(1, 1), nn_flatten(),
 *                                nn_linear(64, 10)); */
Module *nn_adaptive_avg_pool2d(int64_t out_h, int64_t out_w);

/* Options of nn_upsample; zero means default. */
typedef struct UpsampleOptions {
    bool bilinear;       /* false: nearest (default); true: bilinear */
    bool align_corners;  /* bilinear only (default false, like PyTorch) */
} UpsampleOptions;
/* Upsamples (N, C, H, W) (or (C, H, W)) images by an integer factor s, like
 * torch.nn.Upsample(scale_factor=s) (Keras's UpSampling2D): (H, W) becomes
 * (s H, s W).
 * Arguments: scale_factor (>= 1); options: .bilinear (false: nearest, each
 * pixel repeated s x s), .align_corners (false; bilinear only).
 * Returns a new Upsample module (no parameters).
 * Errors: ValueError for a scale_factor < 1; its forward raises ShapeError
 * for an input that is not (N, C, H, W) / (C, H, W), TypeError for an
 * integer input.
 * Example:
 *   Module *dec = nn_sequential(nn_upsample(2), nn_conv2d(32, 16, 3, .padding = 1)); */
#define nn_upsample(scale_factor, ...) nn_upsample_(scale_factor, &(UpsampleOptions){ __VA_ARGS__ })
Module *nn_upsample_(int scale_factor, const UpsampleOptions *options);

/* Dropout, like torch.nn.Dropout(p) (Keras's Dropout): in training mode each
 * element is zeroed with probability p and the others scaled by 1/(1-p), so
 * the expected value is unchanged; in eval mode (nn_eval) it passes its input
 * through. A regulariser against overfitting.
 * Arguments: p, the probability of dropping, in [0, 1] (0: no effect; 1: all
 * zeros).
 * Returns a new Dropout module (no parameters).
 * Errors: ValueError for p outside [0, 1]; its forward raises TypeError for
 * an integer input in training mode.
 * Example:
 *   Module *net = nn_sequential(nn_linear(784, 256), nn_relu(), nn_dropout(0.5),
 *                               nn_linear(256, 10)); */
Module *nn_dropout(double p);
/* Channel dropout, like torch.nn.Dropout2d (Keras's SpatialDropout2D): in
 * training mode each whole channel of (N, C, H, W) (or (C, H, W)) is zeroed
 * with probability p and the others scaled by 1/(1-p); eval mode passes the
 * input through.
 * Arguments: p, the probability of dropping a channel, in [0, 1].
 * Returns a new Dropout2d module (no parameters).
 * Errors: ValueError for p outside [0, 1]; in training mode its forward
 * raises ShapeError for an input with fewer than 2 dims, TypeError for an
 * integer input.
 * Example:
 *   Module *block = nn_sequential(nn_conv2d(32, 64, 3), nn_relu(),
 *                                 nn_dropout2d(0.25)); */
Module *nn_dropout2d(double p);

/* Options of the normalisation layers; zero means default. */
typedef struct NormOptions {
    double eps;                   /* default 1e-5 */
    double momentum;              /* running-stat update factor (default 0.1) */
    bool no_affine;               /* true: no learnable weight/bias */
    bool no_track_running_stats;  /* true: batch statistics in eval mode too */
} NormOptions;
/* Batch normalisation over (N, C) or (N, C, L), like torch.nn.BatchNorm1d
 * (Keras's BatchNormalization after a Dense): each feature is normalised by
 * its mean and variance, then scaled by weight and shifted by bias.
 * Training: batch statistics (biased variance to normalise, unbiased to
 * update running_var); eval: the running statistics.
 * Arguments: num_features, C (>= 1); options: .eps (1e-5), .momentum (0.1,
 * the running statistics' update factor), .no_affine (false: learn weight and
 * bias), .no_track_running_stats (false; true: batch statistics in eval too).
 * Returns a new Module; parameters "weight" (ones) and "bias" (zeros), buffers
 * "running_mean", "running_var" and "num_batches_tracked".
 * Errors: ValueError for num_features < 1; its forward raises ShapeError for
 * an input that is not (N, C) / (N, C, L) with C features, ValueError in
 * training for one value per feature (a batch of 1: use 2 or more, or nn_eval).
 * Example:
 *   Module *net = nn_sequential(nn_linear(784, 128), nn_batch_norm1d(128),
 *                               nn_relu(), nn_linear(128, 10)); */
#define nn_batch_norm1d(num_features, ...) nn_batch_norm1d_(num_features, &(NormOptions){ __VA_ARGS__ })
Module *nn_batch_norm1d_(int64_t num_features, const NormOptions *options);
/* Batch normalisation over (N, C, H, W), like torch.nn.BatchNorm2d (Keras's
 * BatchNormalization after a Conv2D): statistics per channel over N, H and
 * W; training and eval modes as nn_batch_norm1d.
 * Arguments: num_features, the channels C (>= 1); options as nn_batch_norm1d.
 * Returns a new Module; parameters "weight" and "bias" (C), buffers
 * "running_mean", "running_var" and "num_batches_tracked".
 * Errors: ValueError for num_features < 1; its forward raises ShapeError for
 * an input that is not (N, C, H, W) with C channels, ValueError in training
 * for one value per channel.
 * Example:
 *   Module *block = nn_sequential(nn_conv2d(1, 32, 3, .padding = 1),
 *                                 nn_batch_norm2d(32), nn_relu()); */
#define nn_batch_norm2d(num_features, ...) nn_batch_norm2d_(num_features, &(NormOptions){ __VA_ARGS__ })
Module *nn_batch_norm2d_(int64_t num_features, const NormOptions *options);
/* Layer normalisation over the last dim (size n), like torch.nn.LayerNorm(n)
 * (Keras's LayerNormalization): each sample's n values are normalised by
 * their own mean and variance (no batch statistics: the same in training and
 * eval), then scaled by weight and shifted by bias.
 * Arguments: n (>= 1); options: .eps (1e-5), .no_affine (false).
 * Returns a new LayerNorm module; "weight" (ones) and "bias" (zeros) of size n.
 * Errors: ValueError for n < 1; its forward raises ShapeError when the
 * input's last dim is not n.
 * Example:
 *   Module *block = nn_sequential(nn_linear(64, 64), nn_layer_norm(64), nn_gelu()); */
#define nn_layer_norm(n, ...) nn_layer_norm_shape(1, (int64_t[]){ n }, &(NormOptions){ __VA_ARGS__ })
/* Layer normalisation over the last ndim dims, like
 * torch.nn.LayerNorm([C, H, W]).
 * Arguments: ndim (1 to 8), the sizes of those dims (each >= 1) and the
 * options (NULL for the defaults, or &(NormOptions){ .eps = 1e-6 }).
 * Returns a new LayerNorm module; "weight" (ones) and "bias" (zeros) of that
 * shape, unless .no_affine.
 * Errors: ValueError for ndim outside [1, 8] or a size < 1; its forward
 * raises ShapeError when the input's last dims differ.
 * Example:
 *   Module *ln = nn_layer_norm_shape(3, (int64_t[]){ 16, 7, 7 }, NULL); */
Module *nn_layer_norm_shape(int ndim, const int64_t *shape, const NormOptions *options);

/* A layer that flattens dims 1..-1, keeping the batch dim: (N, C, H, W)
 * -> (N, C*H*W), like torch.nn.Flatten(); no parameters.
 * Arguments: none (nn_flatten_dims for other dims).
 * Returns a new Flatten module.
 * Errors: none when made; its forward raises IndexError for a 1-dim input.
 * Example:
 *   Module *net = nn_sequential(nn_flatten(), nn_linear(784, 128), nn_relu(),
 *                               nn_linear(128, 10));   // on (N, 1, 28, 28) images */
Module *nn_flatten(void);
/* Flattens dims start_dim..end_dim into one, like torch.nn.Flatten(start_dim,
 * end_dim); nn_flatten() is nn_flatten_dims(1, -1).
 * Arguments: the first and last dims to merge (negative counts from the end).
 * Returns a new Flatten module (no parameters).
 * Errors: none when made; its forward raises IndexError for a dim out of
 * range, ValueError when start_dim comes after end_dim.
 * Example:
 *   Module *f = nn_flatten_dims(2, 3);   // (N, C, H, W) -> (N, C, H*W) */
Module *nn_flatten_dims(int start_dim, int end_dim);
/* Splits one dim into several, like torch.nn.Unflatten(dim, sizes): the
 * inverse of nn_flatten, e.g. a decoder's (N, 784) into (N, 1, 28, 28).
 * Arguments: the dim (negative counts from the end) and the new sizes, whose
 * product is that dim's size (one of them may be -1, inferred).
 * Returns a new Unflatten module (no parameters).
 * Errors: ValueError for no size or more than 8; its forward raises
 * IndexError for a dim out of range, ShapeError when the sizes do not
 * multiply to that dim's size or the result would have more than 8 dims.
 * Example:
 *   Module *dec = nn_sequential(nn_linear(32, 784), nn_sigmoid(),
 *                               nn_unflatten(1, 1, 28, 28)); */
#define nn_unflatten(dim, ...) nn_unflatten_shape(dim, CDL_SHAPE(__VA_ARGS__))
Module *nn_unflatten_shape(int dim, int ndim, const int64_t *sizes);
/* Options of nn_embedding; zero means default. */
typedef struct EmbeddingOptions {
    bool use_padding_idx;  /* true: row padding_idx is zero and gets no gradient */
    int64_t padding_idx;   /* negative counts from the end */
} EmbeddingOptions;
/* A lookup table, like torch.nn.Embedding (Keras's Embedding): each int64
 * index picks a row of a (num_embeddings, embedding_dim) weight initialised
 * N(0, 1); indices of any shape (...) give (..., embedding_dim).
 * Arguments: num_embeddings and embedding_dim (>= 1); options:
 * .use_padding_idx with .padding_idx (negative counts from the end): that row
 * is zero and gets no gradient.
 * Returns a new Embedding module; parameter "weight".
 * Errors: ValueError for a size < 1; IndexError for a padding_idx out of
 * range; its forward raises TypeError for indices that are not int64
 * (tensor_long), IndexError for an index outside [-num_embeddings,
 * num_embeddings) (negative ones count from the end).
 * Example:
 *   Module *emb = nn_embedding(1000, 64);
 *   Tensor *v = nn_forward(emb, tokens);   // (N, T) int64 -> (N, T, 64) */
#define nn_embedding(num_embeddings, embedding_dim, ...) \
    nn_embedding_(num_embeddings, embedding_dim, &(EmbeddingOptions){ __VA_ARGS__ })
Module *nn_embedding_(int64_t num_embeddings, int64_t embedding_dim, const EmbeddingOptions *options);

/* ---- activations as modules ------------------------------------------------ */

/* A layer applying max(0, x) elementwise, like torch.nn.ReLU(); no
 * parameters.
 * Arguments: none.
 * Returns a new ReLU module (tensor_relu is the function form).
 * Errors: none.
 * Example:
 *   Module *net = nn_sequential(nn_linear(2, 16), nn_relu(), nn_linear(16, 2)); */
Module *nn_relu(void);
/* A layer applying x if x > 0 else negative_slope * x, like
 * torch.nn.LeakyReLU (Keras's LeakyReLU): a small slope keeps a gradient for
 * negative inputs (GAN discriminators).
 * Arguments: negative_slope (0 means PyTorch's default 0.01).
 * Returns a new LeakyReLU module (no parameters).
 * Errors: none.
 * Example:
 *   Module *D = nn_sequential(nn_linear(784, 256), nn_leaky_relu(0.2),
 *                             nn_linear(256, 1)); */
Module *nn_leaky_relu(double negative_slope);
/* Leaky ReLU with a learnable slope a, like torch.nn.PReLU:
 * max(0, x) + a min(0, x).
 * Arguments: num_parameters, the number of slopes: 1 (shared; 0 or less
 * also gives 1) or the channel count (one per channel of dim 1); init, the
 * initial slope (0 means PyTorch's 0.25).
 * Returns a new PReLU module; parameter "weight" (num_parameters).
 * Errors: none when made; its forward raises ShapeError when a per-channel
 * layer's input does not have num_parameters channels in dim 1.
 * Example:
 *   Module *block = nn_sequential(nn_conv2d(1, 32, 3), nn_prelu(32, 0)); */
Module *nn_prelu(int64_t num_parameters, double init);
/* A layer applying x if x > 0 else alpha (exp(x) - 1), like torch.nn.ELU
 * (Keras's "elu"): smooth, with negative values down to -alpha.
 * Arguments: alpha (0 means the default 1).
 * Returns a new ELU module (no parameters).
 * Errors: none.
 * Example:
 *   Module *net = nn_sequential(nn_linear(2, 32), nn_elu(0), nn_linear(32, 2)); */
Module *nn_elu(double alpha);
/* A layer applying GELU, x Phi(x) with Phi the standard normal CDF (exact erf
 * form), like torch.nn.GELU(): the activation of transformers.
 * Arguments: none.
 * Returns a new GELU module (tensor_gelu is the function form).
 * Errors: none.
 * Example:
 *   Module *mlp = nn_sequential(nn_linear(64, 256), nn_gelu(), nn_linear(256, 64)); */
Module *nn_gelu(void);
/* A layer applying 1 / (1 + exp(-x)) elementwise (values in (0, 1)), like
 * torch.nn.Sigmoid(): the output of a binary classifier (with nn_bce) or of
 * a decoder of [0, 1] pixels.
 * Arguments: none.
 * Returns a new Sigmoid module (tensor_sigmoid is the function form).
 * Errors: none.
 * Example:
 *   Module *dec = nn_sequential(nn_linear(32, 784), nn_sigmoid()); */
Module *nn_sigmoid(void);
/* A layer applying tanh(x) elementwise (values in (-1, 1)), like
 * torch.nn.Tanh(); no parameters.
 * Arguments: none.
 * Returns a new Tanh module (tensor_tanh is the function form).
 * Errors: none.
 * Example:
 *   Module *net = nn_sequential(nn_linear(1, 32), nn_tanh(), nn_linear(32, 1)); */
Module *nn_tanh(void);
/* A layer applying log(1 + exp(x)) elementwise, a smooth ReLU with positive
 * values, like torch.nn.Softplus().
 * Arguments: none.
 * Returns a new Softplus module (tensor_softplus is the function form).
 * Errors: none.
 * Example:
 *   Module *sigma = nn_sequential(nn_linear(16, 1), nn_softplus());   // > 0 */
Module *nn_softplus(void);
/* A layer applying softmax over dim (each slice along dim becomes
 * positive and sums to 1), like torch.nn.Softmax(dim); no parameters.
 * Do not put it before nn_cross_entropy, which takes raw logits.
 * Arguments: the dim: 1 (or -1) for (N, classes) scores.
 * Returns a new Softmax module.
 * Errors: none when made; its forward raises IndexError when dim is out
 * of range for the input.
 * Example:
 *   Module *probs = nn_sequential(net, nn_softmax(1));
 *   Tensor *p = nn_forward(probs, X);   // rows sum to 1 */
Module *nn_softmax(int dim);
/* A layer applying log-softmax over dim (the log of softmax, computed
 * stably), like torch.nn.LogSoftmax(dim): the output to pair with nn_nll.
 * Arguments: the dim: 1 (or -1) for (N, classes) scores.
 * Returns a new LogSoftmax module.
 * Errors: none when made; its forward raises IndexError when dim is out of
 * range for the input.
 * Example:
 *   Module *net = nn_sequential(nn_linear(784, 10), nn_log_softmax(1));
 *   Tensor *loss = nn_nll(nn_forward(net, X), y); */
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

/* Mean squared error: mean((input - target)^2), like F.mse_loss; the
 * loss of regression.
 * Arguments: the prediction and the target, of the same shape (the target
 * is converted to the prediction's float dtype); options: .reduction
 * (REDUCTION_MEAN by default, _SUM, _NONE for per-element losses).
 * Returns a 0-dim tensor (or input's shape with REDUCTION_NONE), recorded
 * for autograd.
 * Errors: ValueError for a NULL input or target; ShapeError when the shapes
 * differ (a (N, 1) output against a (N) target: tensor_reshape(y, -1, 1));
 * DeviceError for tensors on different devices.
 * Example:
 *   Tensor *loss = nn_mse(nn_forward(net, X), y);
 *   tensor_backward(loss); */
#define nn_mse(input, target, ...) nn_mse_(input, target, &(LossOptions){ __VA_ARGS__ })
Tensor *nn_mse_(Tensor *input, Tensor *target, const LossOptions *options);
/* Mean absolute error, mean(|input - target|), like F.l1_loss (Keras's
 * "mae"): a regression loss less sensitive to outliers than nn_mse.
 * Arguments: the prediction and the target, of the same shape (the target is
 * converted to the prediction's float dtype); options: .reduction
 * (REDUCTION_MEAN by default, _SUM, _NONE for per-element losses).
 * Returns a 0-dim tensor (or input's shape with REDUCTION_NONE), recorded
 * for autograd.
 * Errors: ShapeError when the shapes differ (a (N, 1) output against a (N)
 * target: tensor_reshape(y, -1, 1)); DeviceError for tensors on different
 * devices.
 * Example:
 *   Tensor *loss = nn_l1(nn_forward(net, X), tensor_reshape(y, -1, 1)); */
#define nn_l1(input, target, ...) nn_l1_(input, target, &(LossOptions){ __VA_ARGS__ })
Tensor *nn_l1_(Tensor *input, Tensor *target, const LossOptions *options);
/* Smooth L1 loss, like F.smooth_l1_loss: 0.5 d^2 / beta where |d| < beta,
 * |d| - 0.5 beta elsewhere (d = input - target): quadratic near 0, linear
 * for large errors.
 * Arguments: the prediction and the target, of the same shape (the target is
 * converted to the prediction's float dtype); options: .beta (0 means 1.0),
 * .reduction (REDUCTION_MEAN by default).
 * Returns a 0-dim tensor (or input's shape with REDUCTION_NONE), recorded
 * for autograd.
 * Errors: ShapeError when the shapes differ; DeviceError for tensors on
 * different devices.
 * Example:
 *   Tensor *loss = nn_smooth_l1(nn_forward(net, X), t, .beta = 0.5); */
#define nn_smooth_l1(input, target, ...) nn_smooth_l1_(input, target, &(LossOptions){ __VA_ARGS__ })
Tensor *nn_smooth_l1_(Tensor *input, Tensor *target, const LossOptions *options);
/* Binary cross-entropy of probabilities, like F.binary_cross_entropy:
 * -(y log p + (1 - y) log(1 - p)), logs clamped at -100 like PyTorch (so
 * p = 0 or 1 gives a finite loss). p comes from a sigmoid:
 * nn_bce(tensor_sigmoid(z), y); nn_bce_with_logits is the stabler form.
 * Arguments: probabilities in [0, 1] (outside, the loss is NaN) and 0/1 (or
 * soft) targets of the same shape; options: .reduction (mean by default),
 * .weight (per element, broadcast).
 * Returns a 0-dim tensor (or input's shape with REDUCTION_NONE), recorded
 * for autograd.
 * Errors: ShapeError when the shapes differ or the weight does not
 * broadcast; DeviceError for tensors on different devices.
 * Example:
 *   Tensor *p = nn_forward(D, X_real);   // (N, 1), D ends with nn_sigmoid()
 *   Tensor *loss = nn_bce(p, tensor_ones_like(p)); */
#define nn_bce(input, target, ...) nn_bce_(input, target, &(LossOptions){ __VA_ARGS__ })
Tensor *nn_bce_(Tensor *input, Tensor *target, const LossOptions *options);
/* Binary cross-entropy on logits, sigmoid inside (numerically stable),
 * like F.binary_cross_entropy_with_logits: the loss of a two-class
 * classifier with one output.
 * Arguments: the raw scores (no sigmoid before it) and the 0/1 targets, of
 * the same shape (converted to the logits' float dtype); options:
 * .reduction (mean by default), .weight (per element), .pos_weight (of
 * the positive examples).
 * Returns a 0-dim tensor (or logits' shape with REDUCTION_NONE), recorded
 * for autograd.
 * Errors: ValueError for a NULL input or target; ShapeError when the
 * shapes differ (reshape a (N) target to (N, 1) for a (N, 1) output);
 * DeviceError for tensors on different devices.
 * Example:
 *   Tensor *z = nn_forward(net, X);                        // (N, 1)
 *   Tensor *loss = nn_bce_with_logits(z, tensor_reshape(y, -1, 1)); */
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
/* Negative log-likelihood of log-probabilities (N, C) with int64 class
 * indices (N), like F.nll_loss: nn_nll(tensor_log_softmax(z, 1), y) is
 * nn_cross_entropy(z, y).
 * Arguments: log-probabilities (N, C) (or (N, C, d...)) and int64 class
 * indices (N) (or (N, d...)); options: .reduction, .weight (per class),
 * .use_ignore_index / .ignore_index.
 * Returns a 0-dim tensor (the weighted mean by default), recorded for
 * autograd.
 * Errors: ValueError for a NULL input or target; ShapeError for an input
 * with fewer than 2 dims or a target of the wrong shape; TypeError for a
 * target that is not int64 (use tensor_long); IndexError for a class
 * index outside [0, C).
 * Example:
 *   Tensor *loss = nn_nll(tensor_log_softmax(nn_forward(net, X), 1), y); */
#define nn_nll(log_probs, target, ...) nn_nll_(log_probs, target, &(LossOptions){ __VA_ARGS__ })
Tensor *nn_nll_(Tensor *log_probs, Tensor *target, const LossOptions *options);

/* Huber loss (PyTorch's HuberLoss, Keras's "huber"): 0.5 d^2 if |d| <= delta
 * else delta (|d| - 0.5 delta), d = input - target, delta default 1.
 * Arguments: the prediction and the target, of the same shape (a target with
 * the same number of elements but other dims, a (N) one for a (N, 1) output,
 * is reshaped); options: .delta (0 means 1.0), .reduction (mean by default).
 * Returns a 0-dim tensor (or input's shape with REDUCTION_NONE), recorded
 * for autograd.
 * Errors: ShapeError when the shapes differ otherwise; ValueError for a
 * negative delta; TypeError for an integer input; DeviceError for tensors on
 * different devices.
 * Example:
 *   Tensor *loss = nn_huber(nn_forward(net, X), y, .delta = 2.0); */
#define nn_huber(input, target, ...) nn_huber_(input, target, &(LossOptions){ __VA_ARGS__ })
Tensor *nn_huber_(Tensor *input, Tensor *target, const LossOptions *options);

/* Keras's losses take probabilities (the output of a final softmax or
 * sigmoid) unless .from_logits = true; probabilities are normalised to sum
 * to 1 and clipped to [1e-7, 1 - 1e-7] like Keras. The class dim is dim 1.
 * Categorical cross-entropy of probabilities (N, C) with one-hot or
 * probability targets of the same shape (tensor_to_categorical(y, C)):
 * mean over samples of -sum_c t_c log p_c (.label_smoothing as Keras).
 * Arguments: the probabilities (N, C) (or logits with .from_logits) and the
 * targets, of the same shape; options: .from_logits, .label_smoothing in
 * [0, 1] (0 by default), .reduction (mean by default).
 * Returns a 0-dim tensor (or (N) with REDUCTION_NONE), recorded for autograd.
 * Errors: ShapeError when the targets' shape differs (for class indices use
 * nn_sparse_categorical_crossentropy); ValueError for a label_smoothing
 * outside [0, 1]; TypeError for an integer input; DeviceError for tensors on
 * different devices.
 * Example:
 *   Tensor *p = nn_forward(net, X);   // net ends with nn_softmax(1)
 *   Tensor *loss = nn_categorical_crossentropy(p, tensor_to_categorical(y, 10)); */
#define nn_categorical_crossentropy(probs, target, ...) \
    nn_categorical_crossentropy_(probs, target, &(LossOptions){ __VA_ARGS__ })
Tensor *nn_categorical_crossentropy_(Tensor *probs, Tensor *target, const LossOptions *options);
/* The same with class indices as targets (N) or (N, 1), of any integer dtype
 * (or whole floats): nn_sparse_categorical_crossentropy(probs, y), Keras's
 * loss for MNIST with a final softmax.
 * Arguments: the probabilities (N, C) (or (N, C, d...), or logits with
 * .from_logits) and the class indices, in [0, C); options: .from_logits,
 * .reduction (mean by default).
 * Returns a 0-dim tensor (or (N) with REDUCTION_NONE), recorded for autograd.
 * Errors: ShapeError for targets of another shape; IndexError for a class
 * index outside [0, C); ValueError for targets with fractions; TypeError for
 * an integer input; DeviceError for tensors on different devices.
 * Example:
 *   Tensor *loss = nn_sparse_categorical_crossentropy(nn_forward(net, X), y); */
#define nn_sparse_categorical_crossentropy(probs, target, ...) \
    nn_sparse_categorical_crossentropy_(probs, target, &(LossOptions){ __VA_ARGS__ })
Tensor *nn_sparse_categorical_crossentropy_(Tensor *probs, Tensor *target, const LossOptions *options);
/* Keras's binary cross-entropy: probabilities clipped to [1e-7, 1 - 1e-7]
 * (or logits with .from_logits = true), targets 0/1 of the same shape.
 * Arguments: the probabilities (from a sigmoid) and the targets, of the same
 * shape or the same number of elements ((N) labels for an (N, 1) output);
 * options: .from_logits, .label_smoothing (pulls the targets towards 0.5),
 * .reduction (mean by default).
 * Returns a 0-dim tensor (or input's shape with REDUCTION_NONE), recorded
 * for autograd.
 * Errors: ShapeError when the shapes differ otherwise; TypeError for an
 * integer input; DeviceError for tensors on different devices.
 * Example:
 *   Tensor *loss = nn_binary_crossentropy(nn_forward(net, X), y);   // moons */
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
 * An unknown name is a ValueError listing every accepted name.
 * Arguments: the name, the model's output and the targets, adapted as the
 * loss needs ("cross_entropy" and "nll" convert class labels of another
 * dtype to int64, the regression and binary losses reshape a target with the
 * input's number of elements); options as the loss (.from_logits for the
 * Keras cross-entropies and "bce").
 * Returns the loss, a 0-dim tensor by default, recorded for autograd.
 * Errors: ValueError for an unknown name or for .from_logits with "nll" or a
 * regression loss; then that loss's own errors.
 * Example:
 *   Tensor *loss = nn_loss("cross_entropy", nn_forward(net, X), y); */
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
/* The facts of a loss name, for code that adapts to the loss (nn_fit
 * uses it): the canonical name, what the loss expects from the model
 * (logits, probabilities, log-probabilities or any values), whether it is a
 * classification / binary loss and whether its targets are class indices.
 * Arguments: a name as nn_loss takes it, and from_logits (which changes
 * .input for the Keras cross-entropies and "bce").
 * Returns a pointer to a LossInfo owned by the engine (do not free it).
 * Errors: ValueError for an empty or unknown name, listing the accepted ones.
 * Example:
 *   const LossInfo *li = nn_loss_info("binary_crossentropy", false);
 *   if (li->input == LOSS_INPUT_PROBS) printf("end the model with nn_sigmoid()\n"); */
const LossInfo *nn_loss_info(const char *name, bool from_logits);
/* Every loss name nn_loss and nn_loss_info accept, each in double quotes,
 * separated by ", " (for help and error messages).
 * Arguments: none.
 * Returns a static string owned by the engine (do not free or change it).
 * Errors: none.
 * Example:
 *   printf("losses: %s\n", nn_loss_names()); */
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
/* Xavier/Glorot uniform initialisation, like torch.nn.init.xavier_uniform_
 * (Keras's default "glorot_uniform"): fills t in place with U(-b, b),
 * b = gain sqrt(6 / (fan_in + fan_out)), with fan_in = size(1) * receptive
 * field and fan_out = size(0) * receptive field; suits tanh and sigmoid.
 * Arguments: a floating tensor of at least 2 dims (a Linear or Conv weight);
 * options: .gain (0 means 1; e.g. nn_init_calculate_gain("tanh", 0)),
 * .generator (NULL: the default one).
 * Returns t itself, filled without autograd recording (a parameter may
 * require grad).
 * Errors: TypeError for an integer tensor; ShapeError for fewer than 2 dims.
 * Example:
 *   nn_init_xavier_uniform(nn_get_parameter(net, "0.weight")); */
#define nn_init_xavier_uniform(t, ...) nn_init_xavier_uniform_(t, &(InitOptions){ __VA_ARGS__ })
Tensor *nn_init_xavier_uniform_(Tensor *t, const InitOptions *options);
/* Xavier/Glorot normal initialisation, like torch.nn.init.xavier_normal_
 * (Keras's "glorot_normal"): fills t in place with N(0, std^2),
 * std = gain sqrt(2 / (fan_in + fan_out)), fans as nn_init_xavier_uniform.
 * Arguments: a floating tensor of at least 2 dims; options: .gain (0 means
 * 1), .generator (NULL: the default one).
 * Returns t itself, filled without autograd recording.
 * Errors: TypeError for an integer tensor; ShapeError for fewer than 2 dims.
 * Example:
 *   nn_init_xavier_normal(W, .gain = nn_init_calculate_gain("tanh", 0)); */
#define nn_init_xavier_normal(t, ...) nn_init_xavier_normal_(t, &(InitOptions){ __VA_ARGS__ })
Tensor *nn_init_xavier_normal_(Tensor *t, const InitOptions *options);
/* Kaiming/He uniform initialisation, like torch.nn.init.kaiming_uniform_
 * (Keras's "he_uniform"): fills t in place with U(-b, b),
 * b = gain(nonlinearity, a) sqrt(3 / fan); suits ReLU layers.
 * Arguments: a floating tensor of at least 2 dims; options: .nonlinearity
 * ("leaky_relu" by default, or a name nn_init_calculate_gain takes), .a (the
 * leaky_relu slope, 0 by default), .fan_out (false: fan = fan_in),
 * .generator (NULL: the default one).
 * Returns t itself, filled without autograd recording.
 * Errors: TypeError for an integer tensor; ShapeError for fewer than 2 dims;
 * ValueError for a tensor without elements or an unknown nonlinearity.
 * Example:
 *   Tensor *W = nn_get_parameter(cnn, "0.weight");
 *   nn_init_kaiming_uniform(W, .nonlinearity = "relu"); */
#define nn_init_kaiming_uniform(t, ...) nn_init_kaiming_uniform_(t, &(InitOptions){ __VA_ARGS__ })
Tensor *nn_init_kaiming_uniform_(Tensor *t, const InitOptions *options);
/* Kaiming/He normal initialisation, like torch.nn.init.kaiming_normal_
 * (Keras's "he_normal"): fills t in place with N(0, std^2),
 * std = gain(nonlinearity, a) / sqrt(fan); suits ReLU layers.
 * Arguments: a floating tensor of at least 2 dims; options as
 * nn_init_kaiming_uniform (.nonlinearity, .a, .fan_out, .generator).
 * Returns t itself, filled without autograd recording.
 * Errors: TypeError for an integer tensor; ShapeError for fewer than 2 dims;
 * ValueError for a tensor without elements or an unknown nonlinearity.
 * Example:
 *   Tensor *W = nn_get_parameter(net, "0.weight");
 *   nn_init_kaiming_normal(W, .nonlinearity = "relu"); */
#define nn_init_kaiming_normal(t, ...) nn_init_kaiming_normal_(t, &(InitOptions){ __VA_ARGS__ })
Tensor *nn_init_kaiming_normal_(Tensor *t, const InitOptions *options);
/* Fills t in place with values drawn uniformly between lo and hi, like
 * torch.nn.init.uniform_.
 * Arguments: a floating tensor and the bounds.
 * Returns t itself, filled without autograd recording.
 * Errors: TypeError for an integer tensor.
 * Example:
 *   nn_init_uniform(nn_get_parameter(net, "0.bias"), -0.1, 0.1); */
Tensor *nn_init_uniform(Tensor *t, double lo, double hi);
/* Fills t in place with values drawn from N(mean, std^2), like
 * torch.nn.init.normal_ (DCGAN's weights: mean 0, std 0.02).
 * Arguments: a floating tensor, the mean and the standard deviation.
 * Returns t itself, filled without autograd recording.
 * Errors: TypeError for an integer tensor.
 * Example:
 *   nn_init_normal(nn_get_parameter(G, "0.weight"), 0, 0.02); */
Tensor *nn_init_normal(Tensor *t, double mean, double std);
/* Fills t in place with value, zeros or ones, like torch.nn.init.constant_,
 * zeros_ and ones_ (nn_init_constant, nn_init_zeros, nn_init_ones).
 * Arguments: a floating tensor (and the value, for nn_init_constant).
 * Returns t itself, filled without autograd recording.
 * Errors: TypeError for an integer tensor.
 * Example:
 *   nn_init_zeros(nn_get_parameter(net, "0.bias")); */
Tensor *nn_init_constant(Tensor *t, double value);
Tensor *nn_init_zeros(Tensor *t);
Tensor *nn_init_ones(Tensor *t);
/* The recommended gain of a nonlinearity, like torch.nn.init.calculate_gain:
 * 1 for "linear", "sigmoid" and the "conv..." names, 5/3 for "tanh",
 * sqrt(2) for "relu", sqrt(2 / (1 + param^2)) for "leaky_relu" (param: its
 * slope), 3/4 for "selu".
 * Arguments: the name (NULL means "linear") and param (used by "leaky_relu"
 * only).
 * Returns the gain.
 * Errors: ValueError for an unknown name.
 * Example:
 *   double g = nn_init_calculate_gain("tanh", 0);   // 5/3 */
double nn_init_calculate_gain(const char *nonlinearity, double param);

/* ---- gradient clipping --------------------------------------------------------- */

/* Scales all gradients together so that their global norm is at most
 * max_norm, like torch.nn.utils.clip_grad_norm_: against exploding gradients
 * (RNNs, PINNs). Call it between tensor_backward and optim_step.
 * Arguments: the parameters (nn_parameters(model); those without a gradient
 * are skipped), max_norm, and norm_type, the p of the norm (0 means 2;
 * INFINITY: the largest absolute value).
 * Returns the global norm before clipping (worth logging).
 * Errors: ValueError for a negative max_norm.
 * Example:
 *   double gn = nn_clip_grad_norm(nn_parameters(net), 1.0, 0); */
double nn_clip_grad_norm(ParamList *params, double max_norm, double norm_type);
/* Clamps every gradient element to [-clip_value, clip_value] in place, like
 * torch.nn.utils.clip_grad_value_; call it between tensor_backward and
 * optim_step.
 * Arguments: the parameters (nn_parameters(model); those without a gradient
 * are skipped) and clip_value (>= 0).
 * Returns nothing.
 * Errors: ValueError for a negative clip_value.
 * Example:
 *   nn_clip_grad_value(nn_parameters(net), 0.5); */
void nn_clip_grad_value(ParamList *params, double clip_value);

#endif
