/* NumPy .npy files (format 1.0 written; 1.0, 2.0 and 3.0 read): magic,
 * version, a Python-dict header padded to 64 bytes, raw C-order data. */
#include "internal.h"
#include "../tensor/internal.h"  /* t_new: loaded tensors are made on the CPU */
#include "../core/args.h"

#include <gc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *descr_of(DType d)
{
    switch (d) {
    case DT_FLOAT32: return "<f4";
    case DT_FLOAT64: return "<f8";
    case DT_INT64: return "<i8";
    case DT_UINT8: return "|u1";
    default: return "|b1";
    }
}

void tensor_save(Tensor *t, const char *path)
{
    CDL_ARG(t);
    Tensor *c = tensor_contiguous(tensor_to_device(tensor_detach(t), DEVICE_CPU));
    char shape[512] = "(";
    size_t at = 1;
    for (int i = 0; i < tensor_ndim(c); i++)
        at += (size_t)snprintf(shape + at, sizeof shape - at, "%lld%s", (long long)tensor_size(c, i),
                               tensor_ndim(c) == 1 ? "," : i + 1 < tensor_ndim(c) ? ", " : "");
    snprintf(shape + at, sizeof shape - at, ")");
    char header[1024];
    int h = snprintf(header + 10, sizeof header - 10, "{'descr': '%s', 'fortran_order': False, 'shape': %s, }",
                     descr_of(tensor_dtype(c)), shape);
    int total = 10 + h + 1;
    int padded = (total + 63) / 64 * 64;  /* numpy aligns the data to 64 bytes */
    memset(header + 10 + h, ' ', (size_t)(padded - total));
    header[padded - 1] = '\n';
    memcpy(header, "\x93NUMPY\x01\x00", 8);
    int hl = padded - 10;
    header[8] = (char)(hl & 255);
    header[9] = (char)(hl >> 8);
    size_t bytes = (size_t)tensor_numel(c) * dtype_size(tensor_dtype(c));
    Chunk ch[2] = { { header, (size_t)padded }, { bytes ? tensor_data_ptr(c) : "", bytes } };
    io_write_atomic(path, ch, 2, "tensor_save");
}

/* Value text after 'key': in the header dict. */
static const char *field(const char *h, const char *key, const char *path)
{
    const char *p = strstr(h, key);
    if (!p) error_raise(ERR_IO, "tensor_load: %s has no %s in its header; it is not a .npy file", path, key);
    p = strchr(p + strlen(key), ':');
    if (!p) error_raise(ERR_IO, "tensor_load: malformed header in %s", path);
    p++;
    while (*p == ' ') p++;
    return p;
}

Tensor *tensor_load(const char *path)
{
    size_t size;
    unsigned char *b = io_read_file(path, &size, "tensor_load");
    return io_npy_parse(b, size, path);
}

/* The .npy bytes b (size of them) as a tensor; path names them in errors. */
Tensor *io_npy_parse(const unsigned char *b, size_t size, const char *path)
{
    if (size < 10 || memcmp(b, "\x93NUMPY", 6))
        error_raise(ERR_IO, "tensor_load: %s is not a .npy file (no \\x93NUMPY magic); save it with np.save or tensor_save", path);
    size_t hl, off;
    if (b[6] == 1) { hl = b[8] | (size_t)b[9] << 8; off = 10; }
    else if (size < 12) error_raise(ERR_IO, "tensor_load: %s is truncated (header)", path);
    else { hl = b[8] | (size_t)b[9] << 8 | (size_t)b[10] << 16 | (size_t)b[11] << 24; off = 12; }
    if (off + hl > size) error_raise(ERR_IO, "tensor_load: %s is truncated (header)", path);
    char *h = GC_MALLOC_ATOMIC(hl + 1);
    memcpy(h, b + off, hl);
    h[hl] = 0;
    const char *d = field(h, "'descr'", path);
    char descr[16] = "";
    if (*d == '\'') sscanf(d + 1, "%15[^']", descr);
    bool fortran = !strncmp(field(h, "'fortran_order'", path), "True", 4);
    const char *s = field(h, "'shape'", path);
    int64_t dims[TENSOR_MAX_DIMS];
    int nd = 0;
    if (*s != '(') error_raise(ERR_IO, "tensor_load: malformed shape in %s", path);
    for (s++; *s && *s != ')'; ) {
        while (*s == ' ' || *s == ',') s++;
        if (*s == ')') break;
        char *e;
        long long v = strtoll(s, &e, 10);
        if (e == s || nd == TENSOR_MAX_DIMS) error_raise(ERR_IO, "tensor_load: unsupported shape in %s (at most %d dims)", path, TENSOR_MAX_DIMS);
        if (v < 0) error_raise(ERR_IO, "tensor_load: %s has a negative size %lld in its shape (damaged header)", path, v);
        dims[nd++] = v;
        s = e;
    }
    char kind = descr[1], order = descr[0];
    int width = atoi(descr + 2);
    DType dt;
    if (kind == 'f' && width == 4) dt = DT_FLOAT32;
    else if (kind == 'f' && width == 8) dt = DT_FLOAT64;
    else if (kind == 'u' && width == 1) dt = DT_UINT8;
    else if (kind == 'b' && width == 1) dt = DT_BOOL;
    else if ((kind == 'i' && (width == 1 || width == 2 || width == 4 || width == 8)) || (kind == 'u' && (width == 2 || width == 4)))
        dt = DT_INT64;
    else
        error_raise(ERR_TYPE, "tensor_load: %s holds dtype '%s', which has no tensor equivalent; convert it in NumPy "
                    "(e.g. a.astype(np.float32)) and save again", path, descr);
    int64_t n = 1;
    size_t need;
    for (int i = 0; i < nd; i++)
        if (__builtin_mul_overflow(n, dims[i], &n))
            error_raise(ERR_VALUE, "tensor_load: the shape in %s has more elements than an int64 can count "
                        "(damaged header?)", path);
    if (__builtin_mul_overflow((size_t)n, (size_t)width, &need))
        error_raise(ERR_VALUE, "tensor_load: the shape in %s needs more bytes than memory can address (damaged header?)",
                    path);
    const unsigned char *src = b + off + hl;
    if ((size_t)(size - off - hl) < need)
        error_raise(ERR_IO, "tensor_load: %s is truncated: %lld elements of %d bytes announced, %zu bytes present",
                    path, (long long)n, width, size - off - hl);
    /* Fortran order: the data is the C-order array of the reversed shape, transposed back below. */
    int64_t fd[TENSOR_MAX_DIMS];
    for (int i = 0; i < nd; i++) fd[i] = fortran ? dims[nd - 1 - i] : dims[i];
    /* On the CPU whatever the default device: the bytes are copied in here. */
    t_check_shape(nd, fd, "tensor_load");
    Tensor *t = t_new(dt, nd, fd, DEVICE_CPU);
    unsigned char *dst = tensor_data_ptr(t);
    bool swap = order == '>' && width > 1;
    for (int64_t i = 0; i < n; i++) {
        unsigned char v[8];
        for (int k = 0; k < width; k++) v[k] = src[i * width + (swap ? width - 1 - k : k)];
        if (dt == DT_INT64 && width < 8) {
            int64_t x;
            if (kind == 'i') x = width == 1 ? (int8_t)v[0] : width == 2 ? (int16_t)(v[0] | v[1] << 8)
                                   : (int32_t)((uint32_t)v[0] | (uint32_t)v[1] << 8 | (uint32_t)v[2] << 16 | (uint32_t)v[3] << 24);
            else x = width == 2 ? (uint16_t)(v[0] | v[1] << 8) : (int64_t)((uint32_t)v[0] | (uint32_t)v[1] << 8 | (uint32_t)v[2] << 16 | (uint32_t)v[3] << 24);
            memcpy(dst + i * 8, &x, 8);
        } else {
            memcpy(dst + i * width, v, (size_t)width);
        }
    }
    if (fortran && nd > 1) {
        int64_t perm[TENSOR_MAX_DIMS];
        for (int i = 0; i < nd; i++) perm[i] = nd - 1 - i;
        t = tensor_contiguous(tensor_permute_(t, nd, perm));
    }
    return t;
}
