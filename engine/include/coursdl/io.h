/* Files: tensors in NumPy's .npy format (np.load / np.save read and write
 * them), and checkpoints of models (and optimizers) in the safetensors
 * format (readable by Python's safetensors / PyTorch). Every file is
 * written atomically: a temporary file in the same folder, fsync, rename,
 * fsync of the folder, so a crash never leaves a half-written file. */
#ifndef COURSDL_IO_H
#define COURSDL_IO_H

#include <stdbool.h>
#include "tensor.h"
#include "nn.h"
#include "optim.h"

/* Saves t to path in .npy format (float32/float64/int64/uint8/bool, C order):
 * tensor_save(x, "x.npy"); in Python, np.load("x.npy"). */
void tensor_save(Tensor *t, const char *path);
/* Loads a .npy file (written here or by np.save) as a CPU tensor: float32,
 * float64, int64, uint8, bool; also int32/int16/int8/uint16/uint32
 * (as int64), big-endian and Fortran-order arrays. */
Tensor *tensor_load(const char *path);

/* Loads every array of a NumPy .npz file (np.savez, np.savez_compressed;
 * Keras's ~/.keras/datasets/mnist.npz): a ParamList of the names (without
 * ".npy") and CPU tensors, in archive order, like np.load(path):
 *     ParamList *d = tensor_load_npz("mnist.npz"); Tensor *x = npz_get(d, "x_train"); */
ParamList *tensor_load_npz(const char *path);
/* The array named name of a loaded .npz (ValueError listing the names if absent). */
Tensor *npz_get(const ParamList *npz, const char *name);

/* Options of nn_save / nn_load; zero means default. */
typedef struct CheckpointOptions {
    Optimizer *optimizer;   /* also save / restore this optimizer's state */
    const char *metadata;   /* nn_save: a free text stored in __metadata__ "note" */
} CheckpointOptions;

/* Saves every parameter and buffer of model (nn_state names, e.g.
 * "0.weight") to path as safetensors; with .optimizer, its state too
 * (names "optimizer.<name>"): nn_save(model, "best.safetensors"). */
#define nn_save(model, path, ...) nn_save_((model), (path), &(CheckpointOptions){ __VA_ARGS__ })
void nn_save_(Module *model, const char *path, const CheckpointOptions *options);
/* Loads a checkpoint into model (and .optimizer): every name and shape must
 * match the model; the error names the first mismatch. */
#define nn_load(model, path, ...) nn_load_((model), (path), &(CheckpointOptions){ __VA_ARGS__ })
void nn_load_(Module *model, const char *path, const CheckpointOptions *options);
/* Saves only an optimizer's state (optim_state) to a safetensors file. */
void optim_save(Optimizer *opt, const char *path);
/* Restores an optimizer's state saved by optim_save (same kind of optimizer
 * over the same parameter shapes). */
void optim_load(Optimizer *opt, const char *path);

/* Saves named tensors to a safetensors file (metadata may be NULL: a JSON
 * object of string values, e.g. "{\"epoch\": \"3\"}"). */
void safetensors_save(const char *path, int n, const char *const *names, Tensor *const *tensors, const char *metadata);
/* Loads every tensor of a safetensors file: returns a ParamList (names and
 * CPU tensors, in file order). */
ParamList *safetensors_load(const char *path);

#endif
