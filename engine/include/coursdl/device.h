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
/* The device cuda:index. */
#define DEVICE_CUDA(index) DEVICE_MAKE(1, (index))
/* The reference backend: tensor_to(x, "ref"). */
#define DEVICE_REF DEVICE_MAKE(2, 0)

/* Parses "cpu", "ref", "cuda", "cuda:1" (DeviceError if unknown or absent). */
Device device_parse(const char *name);
/* "cpu", "ref" or "cuda:k" (a static string; "invalid" for what is not a device). */
const char *device_name(Device device);
/* Out[n] of a Device, as PyTorch shows one: device(type='cuda', index=0),
 * device(type='cpu') (used by display_out). */
void device_display_out(Device device);
/* The device with what it is: "cpu (16 threads)", "cuda:0 (NVIDIA H200,
 * 139.8 GiB, 139.1 GiB free)", "cuda:1 (not available)" (a static string). */
const char *device_info(Device device);
/* Bytes of device memory the tensors on device hold, and bytes the
 * backend holds from the device (its cache of freed blocks included), like
 * torch.cuda.memory_allocated / memory_reserved (0 on the CPU). Tensors
 * nobody uses any more are counted until the garbage collector frees them. */
size_t device_memory_allocated(Device device);
size_t device_memory_reserved(Device device);
/* Gives the device memory cached by the backend back to the device (for
 * other programs; the engine reuses it anyway), like torch.cuda.empty_cache. */
void device_empty_cache(Device device);
/* Number of CUDA devices (0 without a GPU or CUDA backend). */
int device_count(void);
/* Whether a CUDA device can be used. */
bool device_cuda_available(void);
/* Waits until every queued operation on device has finished. */
void device_synchronize(Device device);
/* The device new tensors are created on (DEVICE_CPU unless changed). */
void device_set_default(Device device);
Device device_get_default(void);
/* CPU threads the engine's kernels use, like torch.set_num_threads: the
 * cores by default (at most 16; the COURSDL_NUM_THREADS environment
 * variable sets the starting value); n < 1 or more than the cores means all
 * of them. Sums split over threads may then differ in the last bits. */
void set_num_threads(int n);
int get_num_threads(void);
/* The device of t. */
Device tensor_device(const Tensor *t);
/* A copy of x on device (x itself if it is already there): takes a Device
 * or a name, tensor_to(x, "cuda") / tensor_to(x, DEVICE_CPU). Differentiable. */
#define tensor_to(x, device) _Generic((device), char *: tensor_to_name, \
    const char *: tensor_to_name, default: tensor_to_device)(x, device)
Tensor *tensor_to_device(Tensor *x, Device device);
Tensor *tensor_to_name(Tensor *x, const char *device);

#endif
