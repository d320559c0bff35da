/* Devices: the CPU, "ref" (a second CPU backend with plain reference loops,
 * for checking backends against each other) and, when a CUDA backend is
 * loaded, cuda:k. Every op runs on the device of its inputs; mixing devices
 * is a DeviceError. */
#ifndef COURSDL_DEVICE_H
#define COURSDL_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include "tensor.h"

/* A device is a type (0 cpu, 1 cuda, 2 ref) and an index (0..15): a
 * Device points at its entry of the engine's table, so that a device is a
 * type of its own (Out[n] shows device(type='cuda', index=0), as PyTorch
 * does) that compares with ==: tensor_device(x) == DEVICE_CPU. */
struct CdlDevice {
    int type;
    int index;
};
#define DEVICE_TYPES 4
#define DEVICE_INDICES 16
extern const struct CdlDevice cdl_devices[DEVICE_TYPES * DEVICE_INDICES];
#define DEVICE_MAKE(type, index) (&cdl_devices[(type) * DEVICE_INDICES + (index)])
#define DEVICE_CPU DEVICE_MAKE(0, 0)
/* The device cuda:index, like torch.device("cuda", index).
 * Arguments: the GPU's index, 0 to 15 (a constant expression is best).
 * Returns the Device cuda:index, whether or not that GPU exists: using an
 * absent one (tensor_to, device_set_default...) is the DeviceError.
 * Errors: none here (an index outside 0..15 is not checked: it names another
 * entry of the device table).
 * Example:
 *   Device dev = device_cuda_available() ? DEVICE_CUDA(0) : DEVICE_CPU;
 *   Tensor *Xd = tensor_to(X, dev); */
#define DEVICE_CUDA(index) DEVICE_MAKE(1, (index))
/* The reference backend: tensor_to(x, "ref"). */
#define DEVICE_REF DEVICE_MAKE(2, 0)

/* Parses "cpu", "ref", "cuda", "cuda:1" (DeviceError if unknown or absent),
 * like torch.device("cuda:1").
 * Arguments: the name: "cpu", "ref", "cuda" (cuda:0) or "cuda:k" with k in
 * 0..15.
 * Returns the Device, to compare with == or give to tensor_to.
 * Errors: ValueError for a NULL name; DeviceError for an unknown name, or a
 * device that is not available here (no GPU, no CUDA backend, k too large),
 * saying why.
 * Example:
 *   Device dev = device_parse(device_cuda_available() ? "cuda" : "cpu"); */
Device device_parse(const char *name);
/* "cpu", "ref" or "cuda:k" (a static string; "invalid" for what is not a device),
 * like str(torch.device).
 * Arguments: a Device (DEVICE_CPU, tensor_device(x)...).
 * Returns a static string owned by the engine (do not free it).
 * Errors: none.
 * Example:
 *   Tensor *w = nn_parameters(net)->tensors[0];
 *   printf("the model is on %s\n", device_name(tensor_device(w)));   // "cpu" */
const char *device_name(Device device);
/* Out[n] of a Device, as PyTorch shows one: device(type='cuda', index=0),
 * device(type='cpu') (used by display_out).
 * Arguments: a Device.
 * Returns nothing; shows the text as the cell's result (text/plain);
 * "<invalid device 0x...>" for what is not a device.
 * Errors: none.
 * Example:
 *   device_display_out(tensor_device(X));   // device(type='cpu') */
void device_display_out(Device device);
/* The device with what it is: "cpu (16 threads)", "cuda:0 (NVIDIA H200,
 * 139.8 GiB, 139.1 GiB free)", "cuda:1 (not available)" (a static string).
 * Like torch.cuda.get_device_name with the memory.
 * Arguments: any Device, available or not.
 * Returns a static string, overwritten by the next call (copy it to keep it).
 * Errors: none (an absent device says "not available").
 * Example:
 *   Device dev = device_cuda_available() ? DEVICE_CUDA(0) : DEVICE_CPU;
 *   printf("%s\n", device_info(dev)); */
const char *device_info(Device device);
/* Bytes of device memory the tensors on device hold, and bytes the
 * backend holds from the device (its cache of freed blocks included), like
 * torch.cuda.memory_allocated / memory_reserved (0 on the CPU). Tensors
 * nobody uses any more are counted until the garbage collector frees them.
 * Arguments: the Device (DEVICE_CPU, DEVICE_CUDA(0)...).
 * Returns a number of bytes; 0 for the CPU and for a backend that keeps no
 * count.
 * Errors: DeviceError for a device that is not available (or NULL).
 * Example:
 *   if (device_cuda_available())
 *       printf("%.1f MiB\n", device_memory_allocated(DEVICE_CUDA(0)) / 1048576.0); */
size_t device_memory_allocated(Device device);
size_t device_memory_reserved(Device device);
/* Gives the device memory cached by the backend back to the device (for
 * other programs; the engine reuses it anyway), like torch.cuda.empty_cache.
 * Arguments: the Device.
 * Returns nothing; device_memory_reserved drops, live tensors are untouched.
 * Nothing to do on the CPU.
 * Errors: DeviceError for a device that is not available (or NULL).
 * Example:
 *   if (device_cuda_available()) device_empty_cache(DEVICE_CUDA(0)); */
void device_empty_cache(Device device);
/* Number of CUDA devices (0 without a GPU or CUDA backend), like
 * torch.cuda.device_count().
 * Arguments: none.
 * Returns the number of usable GPUs, cuda:0 to cuda:(n-1).
 * Errors: none.
 * Example:
 *   printf("%d GPU(s)\n", device_count()); */
int device_count(void);
/* Whether a CUDA device can be used, like torch.cuda.is_available().
 * Arguments: none.
 * Returns true when device_count() > 0.
 * Errors: none.
 * Example:
 *   Device dev = device_cuda_available() ? DEVICE_CUDA(0) : DEVICE_CPU; */
bool device_cuda_available(void);
/* Waits until every queued operation on device has finished, like
 * torch.cuda.synchronize() (GPU work runs asynchronously: time it with this).
 * Arguments: the Device (nothing to wait for on the CPU).
 * Returns nothing, once the device is idle.
 * Errors: DeviceError for a device that is not available (or NULL).
 * Example:
 *   device_synchronize(DEVICE_CUDA(0));   // before reading the clock */
void device_synchronize(Device device);
/* The device new tensors are created on (DEVICE_CPU unless changed), like
 * torch.set_default_device: tensor_zeros, tensor_randn..., and so the layers
 * made afterwards; device_get_default reads it.
 * Arguments: the Device.
 * Returns nothing (device_get_default returns the current default).
 * Errors: DeviceError for a device that is not available (or NULL).
 * Example:
 *   if (device_cuda_available()) device_set_default(DEVICE_CUDA(0)); */
void device_set_default(Device device);
Device device_get_default(void);
/* CPU threads the engine's kernels use, like torch.set_num_threads: the
 * cores by default (at most 16; the COURSDL_NUM_THREADS environment
 * variable sets the starting value); n < 1 or more than the cores means all
 * of them. Sums split over threads may then differ in the last bits.
 * Arguments: n, the number of threads; get_num_threads takes none.
 * Returns nothing; get_num_threads returns the number in use.
 * Errors: none.
 * Example:
 *   set_num_threads(1);   // repeatable sums, e.g. to compare two runs */
void set_num_threads(int n);
int get_num_threads(void);
/* The device of t, like x.device.
 * Arguments: the tensor.
 * Returns its Device (compare with ==: tensor_device(x) == DEVICE_CPU).
 * Errors: none.
 * Example:
 *   Tensor *Xd = tensor_to(X, tensor_device(nn_parameters(net)->tensors[0])); */
Device tensor_device(const Tensor *t);
/* A copy of x on device (x itself if it is already there): takes a Device
 * or a name, tensor_to(x, "cuda") / tensor_to(x, DEVICE_CPU). Differentiable.
 * Like x.to("cuda") (tensor_to_device and tensor_to_name are the two forms).
 * Arguments: the tensor and a Device or a device name ("cpu", "cuda",
 * "cuda:1", "ref").
 * Returns a new contiguous tensor on that device with the same dtype and
 * values, recorded for autograd (the gradient goes back to x's device); x
 * itself when it is already there.
 * Errors: DeviceError for an unknown device or one that is not available
 * here (or a NULL Device); ValueError for a NULL name.
 * Example:
 *   Device dev = device_cuda_available() ? DEVICE_CUDA(0) : DEVICE_CPU;
 *   Tensor *xb = tensor_to(x_train, dev), *yb = tensor_to(y_train, "cpu"); */
#define tensor_to(x, device) _Generic((device), char *: tensor_to_name, \
    const char *: tensor_to_name, default: tensor_to_device)(x, device)
Tensor *tensor_to_device(Tensor *x, Device device);
Tensor *tensor_to_name(Tensor *x, const char *device);

#endif
