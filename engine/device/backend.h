/* The device backend interface (see engine/device/README.md). A backend is
 * a struct of function pointers registered for a device type: memory
 * entries every backend has, and one entry per op of the table in
 * device/ops.h, NULL where the backend lacks the op. The engine calls ops
 * through dev_<op>(&args) (generated, dispatch.c), which runs the op on the
 * tensors' backend when it has it and supports() accepts the arguments, and
 * otherwise on the CPU backend, copying the tensors in and the outputs back.
 * Not a public header (a backend library includes it by path). */
#ifndef COURSDL_BACKEND_H
#define COURSDL_BACKEND_H

#include "ops.h"

/* Device types: a Device is DEVICE_MAKE(type, index), its entry in the
 * table cdl_devices (coursdl/device.h); never NULL past the public entry
 * points (device.c checks). */
typedef enum DeviceType { DEVTYPE_CPU = 0, DEVTYPE_CUDA = 1, DEVTYPE_REF = 2, DEVTYPE_COUNT = DEVICE_TYPES } DeviceType;
static inline DeviceType device_type(Device d) { return (DeviceType)d->type; }
static inline int device_index(Device d) { return d->index; }

/* What supports() sees of one call: the op, its tensors (outputs first; a
 * NULL is an absent optional tensor; for list ops, the parameters) and the
 * argument struct itself (cast it by op). */
typedef struct OpView {
    BackendOp op;
    int n_out, n;
    Tensor *const *t;
    const void *args;
} OpView;

/* Bump when the struct below changes: a backend library built against
 * another version is refused. */
#define BACKEND_API_VERSION 3  /* 2: a Device is a pointer into cdl_devices; 3: describe, memory, empty_cache */

typedef struct Backend {
    int api_version;      /* BACKEND_API_VERSION */
    const char *name;     /* device names are "<name>" (index 0) and "<name>:<k>" */
    DeviceType type;
    bool host_memory;     /* its data pointers are host addresses (tensor_data_* allowed) */
    int (*device_count)(void);
    /* Storage for nbytes on device, released when the GC frees it (a
     * backend with device memory registers a finalizer). When head > 0 the
     * backend may put head zeroed, pointer-holding bytes just before the
     * Storage in the same allocation and return them in *headp (else
     * *headp = NULL): t_new puts small tensors' headers there. */
    Storage *(*alloc)(Device device, size_t nbytes, size_t head, void **headp);
    /* tensor_free: gives s's memory back now (s is not used after). */
    void (*release)(Storage *s);
    /* Copies of n bytes between host memory and the device. download waits
     * for the work queued on the device (a host read is a synchronization). */
    void (*upload)(Device device, void *dst, const void *src, size_t n);
    void (*download)(Device device, void *dst, const void *src, size_t n);
    void (*synchronize)(Device device);
    /* Whether this backend runs the call v (its entry is not NULL and the
     * dtypes are in the table's). NULL: every op it has an entry for. */
    bool (*supports)(const OpView *v);
    /* Optional (NULL: none), for device_info and the memory counters:
     * describe writes the device's model and memory ("NVIDIA H200,
     * 139.8 GiB, 139.1 GiB free"); memory gives the bytes its tensors hold
     * and the bytes the backend holds from the device (its cache
     * included); empty_cache gives the cached blocks back to the device. */
    void (*describe)(Device device, char *buf, size_t n);
    void (*memory)(Device device, size_t *allocated, size_t *reserved);
    void (*empty_cache)(Device device);
    /* The ops (ops.h): NULL where the CPU runs them instead. */
#define BACKEND_ENTRY_(ID, name, Args, nout, dts, kind) void (*name)(Args *a);
    BACKEND_OPS(BACKEND_ENTRY_)
    BACKEND_LIST_OPS(BACKEND_ENTRY_)
#undef BACKEND_ENTRY_
} Backend;

/* A backend library exports this (named "cdl_backend_init"): the engine
 * calls it after dlopen and registers what it returns (NULL: no device).
 * It may also export "cdl_backend_why", saying why init returned NULL
 * (the engine puts it in the DeviceError of that device type). */
typedef const Backend *(*BackendInitFn)(int api_version);
typedef const char *(*BackendWhyFn)(void);
#define BACKEND_INIT_SYMBOL "cdl_backend_init"
#define BACKEND_WHY_SYMBOL "cdl_backend_why"

extern const Backend cdl_cpu_backend;
extern const Backend cdl_ref_backend;
/* The registry (registry.c): the backend of each device type, or NULL. */
extern const Backend *cdl_backends[DEVTYPE_COUNT];

/* Registers the backend of its type (replacing one there). DeviceError if
 * its api_version is not BACKEND_API_VERSION or the type is the CPU's. */
void backend_register(const Backend *backend);
/* Opens a backend library (dlopen) and calls its cdl_backend_init: the
 * backend (not registered), or NULL with the reason written in why (n
 * bytes; why may be NULL): dlopen's error, a missing symbol, or the
 * library's own cdl_backend_why. The library stays loaded when it gives a
 * backend. */
const Backend *backend_open(const char *path, char *why, size_t n);
/* backend_open, then backend_register; false (nothing registered) if the
 * library or the symbol is missing or it found no device. */
bool backend_load(const char *path);
/* Sets the function that loads the backend of a type the first time that
 * type is asked for (backend_of_type), e.g. one that dlopens the CUDA
 * library only when a program asks about CUDA; it returns NULL when there
 * is no usable device, with the reason written in why (n bytes). The CUDA
 * loader (engine/cuda/loader.c) is set from the start. */
typedef const Backend *(*BackendLoader)(char *why, size_t n);
void backend_set_loader(DeviceType type, BackendLoader load);
/* Why a device type has no backend (its loader's reason, or that none is
 * loaded), or NULL when it has one. */
const char *backend_unavailable(DeviceType type);
/* The backend of a device type (loading it if a loader is set), or NULL. */
const Backend *backend_of_type(DeviceType type);
/* The backend of a device (DeviceError if none is registered). */
const Backend *backend_of(Device device);
static inline const Backend *backend_for(Device d)
{
    unsigned type = device_type(d);
    const Backend *be = type < DEVTYPE_COUNT ? cdl_backends[type] : NULL;
    return be ? be : backend_of(d);  /* not registered yet: through the loader, or a DeviceError */
}

/* Mid-size tensor data (more than CPU_CARVE_MIN, at most CPU_CARVE_MAX
 * bytes with its Storage) is carved from shared collector blocks
 * (engine/device/cpu_carve.c). */
#define CPU_CARVE_MIN 2048
#define CPU_CARVE_MAX 32768
void *cpu_carve(size_t nbytes);

/* Storage from the device's backend (the CPU's called directly: every op
 * allocates its output through here). */
static inline Storage *cpu_alloc(Device device, size_t nbytes, size_t head, void **headp)
{
    /* Small tensors: header (head), Storage and data in one GC block, so
     * that an op allocates once (the few data bytes are scanned too, which
     * is harmless); others: Storage and data in one pointer-free block. */
    Storage *s;
    if (head && nbytes <= 256) {
        char *block = cdl_alloc(head + 64 + nbytes);  /* zeroed */
        s = (Storage *)(block + head);
        *headp = block;
        s->carved = false;
    } else {
        bool carve = 64 + nbytes > CPU_CARVE_MIN && 64 + nbytes <= CPU_CARVE_MAX;
        s = carve ? cpu_carve(64 + nbytes) : cdl_alloc_atomic(64 + nbytes);
        s->carved = carve;
        s->version = 0;
        s->backend_ctx = NULL;
        if (headp)
            *headp = NULL;
    }
    s->data = (char *)s + 64;  /* data 64 bytes in */
    s->nbytes = nbytes;
    s->device = device;
    s->refs = 1;
    return s;
}
static inline Storage *backend_alloc(Device d, size_t nbytes, size_t head, void **headp)
{
    return d == DEVICE_CPU ? cpu_alloc(d, nbytes, head, headp) : backend_for(d)->alloc(d, nbytes, head, headp);
}

/* The dispatchers: run the op on its tensors' device (all one device). */
#define BACKEND_DISPATCH_(ID, name, Args, nout, dts, kind) void dev_##name(Args *a);
BACKEND_OPS(BACKEND_DISPATCH_)
BACKEND_LIST_OPS(BACKEND_DISPATCH_)
#undef BACKEND_DISPATCH_
/* Whether the device's own backend runs a call (no copies to the CPU): for
 * fused ops, which the engine writes unfused where they are not. */
#define BACKEND_NATIVE_(ID, name, Args, nout, dts, kind) bool dev_native_##name(Args *a);
BACKEND_OPS(BACKEND_NATIVE_)
#undef BACKEND_NATIVE_

/* The registered backends other than the CPU that have a device, for the
 * conformance test (returns how many were written to out). */
int backend_list(const Backend **out, int cap);
/* How many calls of op ran on devices of a type other than the CPU, on
 * their own backend (native) or through the fallback. */
uint64_t backend_calls(DeviceType type, BackendOp op, bool native);

#endif
