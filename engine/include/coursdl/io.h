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

/* Saves a tensor to a NumPy .npy file, like np.save(path, x.numpy()): in Python,
 * np.load("x.npy") reads it back.
 * Arguments: t, any tensor (float32, float64, int64, uint8 or bool; any device,
 * any strides: the values are written in C order, without autograd history);
 * path, the file to write (its folder must exist; an existing file is replaced).
 * Returns nothing; the file is written atomically (never left half-written).
 * Errors: IOError when the file cannot be written (missing folder, permissions,
 * disk full: the previous file is then unchanged); ValueError for an empty path.
 * Example:
 *   tensor_save(tensor_grad(w), "grad_w.npy");   // np.load("grad_w.npy") */
void tensor_save(Tensor *t, const char *path);
/* Loads a NumPy .npy file (written by tensor_save or np.save), like np.load(path)
 * followed by torch.from_numpy.
 * Arguments: path, the .npy file (relative to the notebook's folder).
 * Returns a new tensor on the CPU that does not require grad, of the file's shape
 * and dtype: float32, float64, int64, uint8 or bool; int8/16/32 and uint16/32
 * become int64. Big-endian and Fortran-order arrays are converted.
 * Errors: IOError when the file is missing, unreadable, not a .npy file, truncated,
 * or has more than 8 dimensions; TypeError for a dtype with no tensor equivalent
 * (float16, uint64, strings, objects...); ValueError for a shape too large to count.
 * Example:
 *   Tensor *X = tensor_load("moons_X.npy");   // (1000, 2) float32 from NumPy */
Tensor *tensor_load(const char *path);

/* Loads every array of a NumPy .npz file (np.savez, np.savez_compressed; Keras's
 * ~/.keras/datasets/mnist.npz), like np.load(path); npz_get picks one by name.
 * Arguments: path, the .npz file (stored or deflated zip of .npy members).
 * Returns a new ParamList of the arrays in archive order: names without ".npy",
 * tensors loaded as tensor_load does (CPU, no grad); members that are not .npy
 * files are skipped.
 * Errors: IOError when the file is missing, not a zip archive, damaged or
 * truncated, or a member is not a valid .npy file; TypeError for a member's dtype
 * with no tensor equivalent (see tensor_load).
 * Example:
 *   ParamList *d = tensor_load_npz("mnist.npz");
 *   Tensor *x = npz_get(d, "x_train");   // (60000, 28, 28) uint8 */
ParamList *tensor_load_npz(const char *path);
/* The array named name of a loaded .npz, like data["x_train"] in NumPy.
 * Arguments: npz, from tensor_load_npz; name, the array's name without ".npy".
 * Returns the tensor held by the archive's list (not a copy: changing it in
 * place changes what a later npz_get returns).
 * Errors: ValueError when no array has that name (the message lists the names).
 * Example:
 *   Tensor *y = tensor_long(npz_get(d, "y_train"));   // labels as int64 */
Tensor *npz_get(const ParamList *npz, const char *name);

/* Options of nn_save / nn_load; zero means default. */
typedef struct CheckpointOptions {
    Optimizer *optimizer;   /* also save / restore this optimizer's state */
    const char *metadata;   /* nn_save: a free text stored in __metadata__ "note" */
} CheckpointOptions;

/* Saves a checkpoint of a model, like torch.save(model.state_dict(), path) in the
 * safetensors format (safetensors.torch.load_file reads it in Python).
 * Arguments: model; path, the file to write (its folder must exist); options
 * .optimizer (default none: also save this optimizer's state, named
 * "optimizer.<name>") and .metadata (default none: a free text stored as "note").
 * Returns nothing; every parameter and buffer is written under its nn_state name
 * ("0.weight", "1.running_mean"...), atomically.
 * Errors: IOError when the file cannot be written (the previous file is then
 * unchanged); ValueError for an empty path.
 * Example:
 *   nn_save(model, "mnist_mlp.safetensors", .optimizer = opt, .metadata = "epoch 5"); */
#define nn_save(model, path, ...) nn_save_((model), (path), &(CheckpointOptions){ __VA_ARGS__ })
void nn_save_(Module *model, const char *path, const CheckpointOptions *options);
/* Loads a checkpoint written by nn_save into a model built with the same layers,
 * like model.load_state_dict(torch.load(path)).
 * Arguments: model; path, the safetensors file; option .optimizer (default none:
 * also restore this optimizer's state, saved with nn_save(..., .optimizer = opt)
 * from the same kind of optimizer).
 * Returns nothing; the values are copied into the model's live tensors (on their
 * device). Every name and shape of the model is checked before anything is
 * copied, so a mismatch leaves the model unchanged.
 * Errors: IOError when the file is missing or not a safetensors file; ValueError
 * when a name is missing or extra (a different architecture) or the optimizer's
 * state is absent; ShapeError when a shape differs; TypeError for a dtype the
 * engine does not hold.
 * Example:
 *   Module *model = nn_sequential(nn_linear(784, 128), nn_relu(), nn_linear(128, 10));
 *   nn_load(model, "mnist_mlp.safetensors"); */
#define nn_load(model, path, ...) nn_load_((model), (path), &(CheckpointOptions){ __VA_ARGS__ })
void nn_load_(Module *model, const char *path, const CheckpointOptions *options);
/* Saves only an optimizer's state (its optim_state: lr, step, moment buffers...)
 * to a safetensors file, like torch.save(opt.state_dict(), path).
 * Arguments: opt, any optimizer; path, the file to write (its folder must exist).
 * Returns nothing; the file is written atomically.
 * Errors: IOError when the file cannot be written; ValueError for an empty path.
 * Example:
 *   optim_save(opt, "adam_state.safetensors"); */
void optim_save(Optimizer *opt, const char *path);
/* Restores an optimizer's state saved by optim_save, like
 * opt.load_state_dict(torch.load(path)).
 * Arguments: opt, the same kind of optimizer over parameters of the same shapes;
 * path, the file written by optim_save.
 * Returns nothing; the values are copied into the optimizer's live state.
 * Errors: IOError when the file is missing or not a safetensors file; ValueError
 * when a state name is missing or extra (another kind of optimizer, or a file
 * written by nn_save); ShapeError when a state's shape differs.
 * Example:
 *   Optimizer *opt = optim_adam(nn_parameters(model), .lr = 1e-3);
 *   optim_load(opt, "adam_state.safetensors"); */
void optim_load(Optimizer *opt, const char *path);

/* Saves named tensors to a safetensors file, like safetensors.torch.save_file.
 * Arguments: path, the file to write (its folder must exist); n >= 0 entries;
 * names and tensors, arrays of n unique names and n tensors (any device: the
 * values are written without autograd history); metadata, NULL or a JSON object
 * of string values, e.g. "{\"epoch\": \"3\"}".
 * Returns nothing; the file is written atomically.
 * Errors: ValueError for n < 0, a NULL name or tensor, a repeated name, metadata
 * that is not a JSON object of strings, or an empty path; IOError when the file
 * cannot be written.
 * Example:
 *   const char *names[] = { "z", "x_hat" };
 *   Tensor *ts[] = { z, x_hat };   // an autoencoder's codes and reconstructions
 *   safetensors_save("ae_outputs.safetensors", 2, names, ts, NULL); */
void safetensors_save(const char *path, int n, const char *const *names, Tensor *const *tensors, const char *metadata);
/* Loads every tensor of a safetensors file (written here or by
 * safetensors.torch.save_file), like safetensors.torch.load_file.
 * Arguments: path, the safetensors file.
 * Returns a new ParamList of the tensors in file order (the __metadata__ entry
 * left out): new CPU tensors that do not require grad.
 * Errors: IOError when the file is missing, too short, has a malformed header,
 * offsets that overlap or fall outside it, or more than 8 dimensions; TypeError
 * for a dtype other than F32, F64, I64, U8, BOOL (F16, BF16...); ValueError for a
 * shape too large to count.
 * Example:
 *   ParamList *st = safetensors_load("mnist_mlp.safetensors");
 *   for (int i = 0; i < st->n; i++)
 *       printf("%s %s\n", st->names[i], tensor_shape_str(st->tensors[i])); */
ParamList *safetensors_load(const char *path);

#endif
