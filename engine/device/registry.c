/* The backend registry, keyed by device type: the CPU and the reference
 * backend are built in; a backend library (CUDA) is registered when its
 * loader (engine/cuda/loader.c) finds a device, the first time the type is
 * asked for, or by backend_load. */
#include "backend.h"
#include "../cuda/cuda_loader.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>

const Backend *cdl_backends[DEVTYPE_COUNT] = {
    [DEVTYPE_CPU] = &cdl_cpu_backend,
    [DEVTYPE_REF] = &cdl_ref_backend,
};

/* Every op must have a CPU entry: the CPU is where the others fall back. */
__attribute__((constructor)) static void check_cpu_backend(void)
{
#define HAS_(ID, name, Args, nout, dts, kind) if (!cdl_cpu_backend.name) abort();
    BACKEND_OPS(HAS_)
    BACKEND_LIST_OPS(HAS_)
#undef HAS_
}

void backend_register(const Backend *be)
{
    if (!be || be->api_version != BACKEND_API_VERSION)
        error_raise(ERR_DEVICE, "backend_register: the backend %s was built for interface version %d, the engine "
                    "has %d; rebuild it", be && be->name ? be->name : "(null)", be ? be->api_version : -1,
                    BACKEND_API_VERSION);
    if ((unsigned)be->type >= DEVTYPE_COUNT || be->type == DEVTYPE_CPU)
        error_raise(ERR_DEVICE, "backend_register: the backend %s has device type %d, which cannot be registered",
                    be->name, (int)be->type);
    cdl_backends[be->type] = be;
}

const Backend *backend_open(const char *path, char *why, size_t n)
{
    char scratch[8];
    if (!why) {
        why = scratch;
        n = sizeof scratch;
    }
    void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        const char *e = dlerror();
        snprintf(why, n, "%s", e ? e : path);
        return NULL;
    }
    BackendInitFn init;
    BackendWhyFn why_fn;
    *(void **)&init = dlsym(lib, BACKEND_INIT_SYMBOL);
    *(void **)&why_fn = dlsym(lib, BACKEND_WHY_SYMBOL);
    const Backend *be = init ? init(BACKEND_API_VERSION) : NULL;
    if (!be) {
        const char *w = why_fn ? why_fn() : NULL;
        if (!init)
            snprintf(why, n, "%s has no %s (not a backend library, or built for another engine: rebuild it)", path,
                     BACKEND_INIT_SYMBOL);
        else
            snprintf(why, n, "%s", w && *w ? w : "the backend found no device");
        dlclose(lib);
        return NULL;
    }
    return be;  /* the library stays loaded: its entries are in use */
}

bool backend_load(const char *path)
{
    const Backend *be = backend_open(path, NULL, 0);
    if (be)
        backend_register(be);
    return be != NULL;
}

/* Loaders run the first time a device type without a backend is asked for
 * (the CUDA library is opened only when a program asks about CUDA); their
 * reason is kept for the DeviceErrors of that type. */
static BackendLoader g_loaders[DEVTYPE_COUNT] = { [DEVTYPE_CUDA] = cdl_cuda_load };
static bool g_tried[DEVTYPE_COUNT];
static char g_why[DEVTYPE_COUNT][1024];

void backend_set_loader(DeviceType type, BackendLoader load)
{
    if ((unsigned)type < DEVTYPE_COUNT && type != DEVTYPE_CPU) {
        g_loaders[type] = load;
        g_tried[type] = false;
        g_why[type][0] = 0;
    }
}

const Backend *backend_of_type(DeviceType type)
{
    if ((unsigned)type >= DEVTYPE_COUNT)
        return NULL;
    if (!cdl_backends[type] && g_loaders[type] && !g_tried[type]) {
        g_tried[type] = true;
        g_why[type][0] = 0;
        const Backend *be = g_loaders[type](g_why[type], sizeof g_why[type]);
        if (be)
            backend_register(be);
    }
    return cdl_backends[type];
}

const char *backend_unavailable(DeviceType type)
{
    if (backend_of_type(type))
        return NULL;
    if ((unsigned)type < DEVTYPE_COUNT && g_why[type][0])
        return g_why[type];
    return "no backend is loaded for this device type";
}

const Backend *backend_of(Device d)
{
    const Backend *be = backend_of_type(device_type(d));
    if (!be)
        error_raise(ERR_DEVICE, "%s is not available: %s (use \"cpu\")", device_name(d),
                    backend_unavailable(device_type(d)));
    return be;
}

const struct Backend *t_backend(const Tensor *t)
{
    return backend_for(t->device);
}

int backend_list(const Backend **out, int cap)
{
    int n = 0;
    for (int k = 0; k < DEVTYPE_COUNT; k++) {
        const Backend *be = k == DEVTYPE_CPU ? NULL : backend_of_type((DeviceType)k);
        if (be && be->device_count() > 0 && n < cap)
            out[n++] = be;
    }
    return n;
}
