/* The backend registry, keyed by device type: the CPU and the reference
 * backend are built in; a backend library (CUDA) registers itself when the
 * engine loads it (backend_load). */
#include "backend.h"

#include <dlfcn.h>
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

bool backend_load(const char *path)
{
    void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!lib)
        return false;
    BackendInitFn init;
    *(void **)&init = dlsym(lib, BACKEND_INIT_SYMBOL);
    const Backend *be = init ? init(BACKEND_API_VERSION) : NULL;
    if (!be) {
        dlclose(lib);
        return false;
    }
    backend_register(be);  /* the library stays loaded: its entries are in use */
    return true;
}

/* Loaders run the first time a device type without a backend is asked for
 * (the CUDA library is opened only when a program asks about CUDA). */
static const Backend *(*g_loaders[DEVTYPE_COUNT])(void);
static bool g_tried[DEVTYPE_COUNT];

void backend_set_loader(DeviceType type, const Backend *(*load)(void))
{
    if ((unsigned)type < DEVTYPE_COUNT && type != DEVTYPE_CPU) {
        g_loaders[type] = load;
        g_tried[type] = false;
    }
}

const Backend *backend_of_type(DeviceType type)
{
    if ((unsigned)type >= DEVTYPE_COUNT)
        return NULL;
    if (!cdl_backends[type] && g_loaders[type] && !g_tried[type]) {
        g_tried[type] = true;
        const Backend *be = g_loaders[type]();
        if (be)
            backend_register(be);
    }
    return cdl_backends[type];
}

const Backend *backend_of(Device d)
{
    const Backend *be = backend_of_type(device_type(d));
    if (!be)
        error_raise(ERR_DEVICE, "%s: no backend is loaded for this device (use \"cpu\")", device_name(d));
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
