/* Devices: the CPU (0) and, when a CUDA backend is loaded, cuda:k (1 + k).
 * Every op runs on the device of its inputs; mixing devices is a
 * DeviceError. */
#ifndef COURSDL_DEVICE_H
#define COURSDL_DEVICE_H

#include <stdbool.h>
#include "tensor.h"

#define DEVICE_CPU 0
/* The device cuda:index. */
#define DEVICE_CUDA(index) (1 + (index))

/* Parses "cpu", "cuda", "cuda:1" (DeviceError if unknown or absent). */
Device device_parse(const char *name);
/* "cpu" or "cuda:k" (a static string). */
const char *device_name(Device device);
/* "cpu", or "cuda:0 (NVIDIA H200, 139.8 GiB (139.1 GiB free))": the
 * device with its GPU's name and memory (a static string). */
const char *device_info(Device device);
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
