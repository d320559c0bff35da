/* NumPy .npz files (np.savez, np.savez_compressed, Keras's mnist.npz): a
 * zip archive of .npy members, read with minizip (stored or deflated). */
#include "internal.h"
#include "../core/args.h"

#include <gc.h>
#include <minizip/unzip.h>
#include <stdio.h>
#include <string.h>

ParamList *tensor_load_npz(const char *path)
{
    const char *fn = "tensor_load_npz";
    if (!path) error_raise(ERR_VALUE, "%s: the path is NULL", fn);
    FILE *probe = fopen(path, "rb");
    if (!probe) error_raise(ERR_IO, "%s: cannot open %s (check the path)", fn, path);
    fclose(probe);
    unzFile z = unzOpen64(path);
    if (!z) error_raise(ERR_IO, "%s: %s is not a .npz file (not a zip archive); save it with np.savez", fn, path);
    unz_global_info64 gi;
    if (unzGetGlobalInfo64(z, &gi) != UNZ_OK) {
        unzClose(z);
        error_raise(ERR_IO, "%s: %s is a damaged zip archive", fn, path);
    }
    int n = (int)gi.number_entry, k = 0;
    ParamList *l = GC_MALLOC(sizeof *l);
    l->names = GC_MALLOC(sizeof(char *) * (size_t)(n + 1));
    l->tensors = GC_MALLOC(sizeof(Tensor *) * (size_t)(n + 1));
    for (int rc = unzGoToFirstFile(z); rc == UNZ_OK && k < n; rc = unzGoToNextFile(z)) {
        char name[512];
        unz_file_info64 info;
        if (unzGetCurrentFileInfo64(z, &info, name, sizeof name, NULL, 0, NULL, 0) != UNZ_OK) break;
        size_t len = strlen(name);
        if (len < 4 || strcmp(name + len - 4, ".npy")) continue;  /* only arrays */
        if (info.uncompressed_size > ((uint64_t)1 << 40)) {
            unzClose(z);
            error_raise(ERR_IO, "%s: %s:%s announces %llu bytes; the file is damaged", fn, path, name,
                        (unsigned long long)info.uncompressed_size);
        }
        size_t size = (size_t)info.uncompressed_size;
        unsigned char *buf = GC_MALLOC_ATOMIC(size ? size : 1);
        int got = -1;
        if (unzOpenCurrentFile(z) == UNZ_OK) {
            size_t at = 0;
            while (at < size) {
                unsigned chunk = size - at > (1u << 30) ? 1u << 30 : (unsigned)(size - at);
                int r = unzReadCurrentFile(z, buf + at, chunk);
                if (r <= 0) break;
                at += (size_t)r;
            }
            got = at == size ? 0 : -1;
            if (unzCloseCurrentFile(z) != UNZ_OK) got = -1;  /* CRC mismatch */
        }
        if (got != 0) {
            unzClose(z);
            error_raise(ERR_IO, "%s: cannot read %s from %s (damaged or truncated archive); download it again", fn,
                        name, path);
        }
        char *what = GC_MALLOC_ATOMIC(strlen(path) + len + 2);
        sprintf(what, "%s:%s", path, name);
        l->tensors[k] = io_npy_parse(buf, size, what);
        name[len - 4] = 0;
        char *key = GC_MALLOC_ATOMIC(len - 3);
        memcpy(key, name, len - 3);
        l->names[k++] = key;
    }
    unzClose(z);
    l->n = k;
    return l;
}

Tensor *npz_get(const ParamList *npz, const char *name)
{
    CDL_ARG(npz);
    if (!npz || !name) error_raise(ERR_VALUE, "npz_get: the archive and the name must not be NULL");
    for (int i = 0; i < npz->n; i++)
        if (!strcmp(npz->names[i], name)) return npz->tensors[i];
    char have[512] = "";
    size_t at = 0;
    for (int i = 0; i < npz->n && at < sizeof have - 80; i++)
        at += (size_t)snprintf(have + at, sizeof have - at, "%s\"%s\"", i ? ", " : "", npz->names[i]);
    error_raise(ERR_VALUE, "npz_get: no array \"%s\"; the archive holds %s", name, npz->n ? have : "none");
}
