/* Devices and the backend registry: the CPU backend is always there; a
 * CUDA backend registers itself when loaded. */
#include "backend.h"
#include "../cuda/cuda_loader.h"
#include "../parallel/pool.h"

#include <stdio.h>
#include <stdlib.h>

static const Backend *g_backends[2] = { &cdl_cpu_backend, NULL };

void backend_register(int type, const Backend *backend)
{
    if (type == 1)
        g_backends[1] = backend;
}

/* The CUDA backend, loaded (engine/cuda/loader.c) on the first question. */
static const Backend *cuda_backend(void)
{
    if (!g_backends[1])
        g_backends[1] = cuda_backend_load();
    return g_backends[1];
}

const Backend *t_backend(const Tensor *t)
{
    if (t->device == DEVICE_CPU)
        return &cdl_cpu_backend;
    if (!cuda_backend())
        error_raise(ERR_DEVICE, "tensor on %s but no CUDA backend is loaded", device_name(t->device));
    return g_backends[1];
}

int device_count(void)
{
    return cuda_backend() ? g_backends[1]->device_count() : 0;
}

bool device_cuda_available(void) { return device_count() > 0; }

const char *device_name(Device device)
{
    static char names[16][12];
    if (device == DEVICE_CPU)
        return "cpu";
    if (device < 1 || device > 16)
        return "invalid";
    snprintf(names[device - 1], sizeof names[0], "cuda:%d", device - 1);
    return names[device - 1];
}

static void check_device(Device d, const char *fn)
{
    if (d == DEVICE_CPU)
        return;
    int n = device_count();
    if (n == 0)
        error_raise(ERR_DEVICE, "%s: %s is not available: %s", fn, d >= 1 && d <= 16 ? device_name(d) : "that device",
                    cuda_unavailable_reason());
    if (d < 1 || d - 1 >= n)
        error_raise(ERR_DEVICE, "%s: %s is not available (%d CUDA device%s; use \"cpu\")", fn,
                    d >= 1 && d <= 16 ? device_name(d) : "that device", n, n == 1 ? "" : "s");
}

Device device_parse(const char *name)
{
    if (!name)
        error_raise(ERR_VALUE, "device_parse: name is NULL (use \"cpu\" or \"cuda\")");
    Device d;
    if (!strcmp(name, "cpu")) {
        d = DEVICE_CPU;
    } else if (!strcmp(name, "cuda")) {
        d = DEVICE_CUDA(0);
    } else if (!strncmp(name, "cuda:", 5) && name[5] >= '0' && name[5] <= '9') {
        char *end;
        long k = strtol(name + 5, &end, 10);
        if (*end || k > 15)
            error_raise(ERR_DEVICE, "device_parse: unknown device \"%s\" (use \"cpu\", \"cuda\" or \"cuda:N\")", name);
        d = DEVICE_CUDA((int)k);
    } else {
        error_raise(ERR_DEVICE, "device_parse: unknown device \"%s\" (use \"cpu\", \"cuda\" or \"cuda:N\")", name);
    }
    check_device(d, "device_parse");
    return d;
}

const char *device_info(Device device)
{
    static char buf[320];
    if (device == DEVICE_CPU)
        return "cpu";
    char what[256];
    if (device >= 1 && device <= 16 && device - 1 < device_count())
        cuda_describe(device - 1, what, sizeof what);
    else
        snprintf(what, sizeof what, "not available");
    snprintf(buf, sizeof buf, "%s (%s)", device_name(device), what);
    return buf;
}

void device_synchronize(Device device)
{
    check_device(device, "device_synchronize");
    if (device != DEVICE_CPU)
        g_backends[1]->synchronize(device);
}

void device_set_default(Device device)
{
    check_device(device, "device_set_default");
    cdl_default_device = device;
}

Device device_get_default(void) { return cdl_default_device; }
Device tensor_device(const Tensor *t) { return t->device; }

Tensor *tensor_to_device(Tensor *x, Device device)
{
    interrupt_check();
    check_device(device, "tensor_to");
    if (x->device == device)
        return x;
    Tensor *src = t_contig(x);
    Tensor *out = t_new(x->dtype, x->ndim, x->shape, device);
    size_t n = (size_t)x->numel * dtype_size(x->dtype);
    if (device == DEVICE_CPU)
        t_backend(src)->download(src->device, t_ptr(out), t_ptr(src), n);
    else if (src->device == DEVICE_CPU)
        t_backend(out)->upload(device, t_ptr(out), t_ptr(src), n);
    else {
        Tensor *h = tensor_to_device(src, DEVICE_CPU);
        t_backend(out)->upload(device, t_ptr(out), t_ptr(h), n);
    }
    if (ag_needs(x)) {
        Node *nd = AG_RECORD(out, rule_ToDevice, x);
        nd->iv[0] = x->device;
    }
    return out;
}

Tensor *tensor_to_name(Tensor *x, const char *device)
{
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
