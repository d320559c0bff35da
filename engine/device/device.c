/* Devices: names ("cpu", "ref", "cuda:1"), availability, the default
 * device, moves between devices (through the backends' upload / download),
 * and the thread count of the CPU backend. */
#include "backend.h"
#include "../parallel/pool.h"
#include "../core/args.h"

#include <stdio.h>
#include <stdlib.h>

/* Every device, once: a Device points here. */
#define D_(t) { t, 0 }, { t, 1 }, { t, 2 }, { t, 3 }, { t, 4 }, { t, 5 }, { t, 6 }, { t, 7 }, \
    { t, 8 }, { t, 9 }, { t, 10 }, { t, 11 }, { t, 12 }, { t, 13 }, { t, 14 }, { t, 15 }
const struct CdlDevice cdl_devices[DEVICE_TYPES * DEVICE_INDICES] = { D_(0), D_(1), D_(2), D_(3) };
#undef D_
_Static_assert(DEVICE_TYPES == 4 && DEVICE_INDICES == 16, "cdl_devices lists 4 types of 16 devices");

/* Whether d is an entry of the table (not NULL, nor a pointer from elsewhere). */
static bool is_device(Device d)
{
    uintptr_t p = (uintptr_t)d, lo = (uintptr_t)cdl_devices;
    return p >= lo && p < lo + sizeof cdl_devices && (p - lo) % sizeof *cdl_devices == 0;
}

/* Names of the device types, and how error messages count them. */
static const char *const g_type_names[DEVTYPE_COUNT] = { "cpu", "cuda", "ref", NULL };
static const char *const g_type_labels[DEVTYPE_COUNT] = { "CPU", "CUDA", "ref", NULL };

static int type_count(DeviceType type)
{
    const Backend *be = backend_of_type(type);
    return be ? be->device_count() : 0;
}

int device_count(void) { return type_count(DEVTYPE_CUDA); }
bool device_cuda_available(void) { return device_count() > 0; }

const char *device_name(Device device)
{
    static char names[DEVTYPE_COUNT][16][12];
    if (device == DEVICE_CPU)
        return "cpu";
    if (!is_device(device) || !g_type_names[device_type(device)])
        return "invalid";
    unsigned type = device_type(device);
    int k = device_index(device);
    if (type == DEVTYPE_REF && k == 0)
        return "ref";
    snprintf(names[type][k], sizeof names[0][0], "%s:%d", g_type_names[type], k);
    return names[type][k];
}

const char *device_repr(Device device)
{
    return device == DEVICE_CPU ? NULL : device_name(device);
}

static void check_device(Device d, const char *fn)
{
    if (d == DEVICE_CPU)
        return;
    if (!d)
        error_raise(ERR_DEVICE, "%s: the device is NULL (use DEVICE_CPU, or a name: \"cpu\", \"cuda\")", fn);
    unsigned type = is_device(d) ? device_type(d) : DEVTYPE_COUNT;
    bool known = type < DEVTYPE_COUNT && g_type_names[type];
    int n = known ? type_count((DeviceType)type) : 0;
    const char *why = known && n == 0 ? backend_unavailable((DeviceType)type) : NULL;
    if (why)  /* no backend: say why (no driver, no GPU, not built...) */
        error_raise(ERR_DEVICE, "%s: %s is not available: %s; use \"cpu\"", fn, device_name(d), why);
    if (!known || device_index(d) >= n)
        error_raise(ERR_DEVICE, "%s: %s is not available (%d %s device%s; use \"cpu\")", fn,
                    known ? device_name(d) : "that device", n, known ? g_type_labels[type] : "such",
                    n == 1 ? "" : "s");
}

Device device_parse(const char *name)
{
    if (!name)
        error_raise(ERR_VALUE, "device_parse: name is NULL (use \"cpu\" or \"cuda\")");
    for (int type = 0; type < DEVTYPE_COUNT; type++) {
        const char *tn = g_type_names[type];
        size_t len = tn ? strlen(tn) : 0;
        if (!tn || strncmp(name, tn, len) || (name[len] && name[len] != ':'))
            continue;
        long k = 0;
        if (name[len] == ':') {
            char *end;
            k = name[len + 1] >= '0' && name[len + 1] <= '9' ? strtol(name + len + 1, &end, 10) : -1;
            if (k < 0 || *end || k > 15 || type == DEVTYPE_CPU)
                break;
        }
        Device d = DEVICE_MAKE(type, (int)k);
        check_device(d, "device_parse");
        return d;
    }
    error_raise(ERR_DEVICE, "device_parse: unknown device \"%s\" (use \"cpu\", \"cuda\", \"cuda:N\" or \"ref\")", name);
}

const char *device_info(Device device)
{
    static char buf[400];
    if (device == DEVICE_CPU) {
        snprintf(buf, sizeof buf, "cpu (%d thread%s)", parallel_num_threads(), parallel_num_threads() == 1 ? "" : "s");
        return buf;
    }
    bool known = is_device(device) && g_type_names[device_type(device)];
    unsigned type = known ? device_type(device) : DEVTYPE_COUNT;
    const Backend *be = known ? backend_of_type((DeviceType)type) : NULL;
    char what[300] = "";
    if (!be || device_index(device) >= be->device_count())
        snprintf(what, sizeof what, "not available");
    else if (be->describe)
        be->describe(device, what, sizeof what);
    if (what[0])
        snprintf(buf, sizeof buf, "%s (%s)", known ? device_name(device) : "invalid", what);
    else
        snprintf(buf, sizeof buf, "%s", device_name(device));
    return buf;
}

/* The backend's memory counters of an available device (0 where it keeps none). */
static void memory_of(Device device, size_t *allocated, size_t *reserved, const char *fn)
{
    *allocated = *reserved = 0;
    if (device == DEVICE_CPU)
        return;
    check_device(device, fn);
    const Backend *be = backend_of(device);
    if (be->memory)
        be->memory(device, allocated, reserved);
}

size_t device_memory_allocated(Device device)
{
    size_t a, r;
    memory_of(device, &a, &r, "device_memory_allocated");
    return a;
}

size_t device_memory_reserved(Device device)
{
    size_t a, r;
    memory_of(device, &a, &r, "device_memory_reserved");
    return r;
}

void device_empty_cache(Device device)
{
    if (device == DEVICE_CPU)
        return;
    check_device(device, "device_empty_cache");
    const Backend *be = backend_of(device);
    if (be->empty_cache)
        be->empty_cache(device);
}

void device_synchronize(Device device)
{
    check_device(device, "device_synchronize");
    backend_of(device)->synchronize(device);
}

void device_set_default(Device device)
{
    check_device(device, "device_set_default");
    cdl_default_device = device;
}

Device device_get_default(void) { return cdl_default_device; }
Device tensor_device(const Tensor *t) { CDL_ARG(t); return t->device; }

/* Moves contiguous src's bytes into out (same dtype and shape, another device). */
static void move_bytes(Tensor *out, const Tensor *src)
{
    size_t n = (size_t)src->numel * dtype_size(src->dtype);
    const Backend *from = t_backend(src), *to = t_backend(out);
    if (n == 0)
        return;
    if (from->type == DEVTYPE_CPU) {
        to->upload(out->device, t_ptr(out), t_ptr(src), n);
    } else if (to->type == DEVTYPE_CPU) {
        from->download(src->device, t_ptr(out), t_ptr(src), n);
    } else {
        Tensor *h = t_new(src->dtype, src->ndim, src->shape, DEVICE_CPU);
        from->download(src->device, t_ptr(h), t_ptr(src), n);
        to->upload(out->device, t_ptr(out), t_ptr(h), n);
    }
}

Tensor *tensor_to_device(Tensor *x, Device device)
{
    CDL_ARG(x);
    interrupt_check();
    check_device(device, "tensor_to");
    if (x->device == device)
        return x;
    Tensor *src = t_contig(x);
    Tensor *out = t_new(x->dtype, x->ndim, x->shape, device);
    move_bytes(out, src);
    if (ag_needs(x))
        AG_RECORD_P(out, rule_ToDevice, &(DeviceParams){ x->device }, x);
    return out;
}

Tensor *tensor_to_name(Tensor *x, const char *device)
{
    CDL_ARG(x);
    return tensor_to_device(x, device_parse(device));
}

void set_num_threads(int n)
{
    parallel_set_num_threads(n);
}

int get_num_threads(void)
{
    return parallel_num_threads();
}
