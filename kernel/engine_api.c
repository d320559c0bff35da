#include "engine_api.h"

#include <dlfcn.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "strbuf.h"

EngineApi E;

int engine_api_load(char *err, size_t errlen)
{
    void *h = RTLD_DEFAULT;
    /* Test programs link the engine; the kernel loads it from its own install. */
    if (!dlsym(RTLD_DEFAULT, "coursdl_version")) {
        char exe[PATH_MAX], path[PATH_MAX + 32];
        ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
        if (n <= 0) {
            set_error(err, errlen, "cannot find the kernel's own executable to locate libcoursdl.so");
            return -1;
        }
        exe[n] = 0;
        /* build/: beside the kernel; installed: PREFIX/bin/../lib. */
        const char *dir = dirname(exe);
        snprintf(path, sizeof path, "%s/libcoursdl.so", dir);
        if (access(path, R_OK) != 0)
            snprintf(path, sizeof path, "%s/../lib/libcoursdl.so", dir);
        h = dlopen(path, RTLD_NOW | RTLD_GLOBAL);
        if (!h) {
            set_error(err, errlen, "cannot load the engine (%s): rebuild with `make build`", dlerror());
            return -1;
        }
    }
#define LOAD(name)                                                                         \
    do {                                                                                   \
        *(void **)&E.name = dlsym(h, #name);                                               \
        if (!E.name) {                                                                     \
            set_error(err, errlen, "the engine has no %s: rebuild with `make build`", #name); \
            return -1;                                                                     \
        }                                                                                  \
    } while (0)
    LOAD(coursdl_version);
    LOAD(error_set_handler);
    LOAD(error_kind_name);
    LOAD(error_reset_state);
    LOAD(error_raise);
    LOAD(interrupt_check);
    LOAD(interrupt_clear);
    LOAD(interrupt_pending);
    LOAD(interrupt_request);
    LOAD(display_set_sink);
#undef LOAD
    return 0;
}
