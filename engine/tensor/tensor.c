/* The Tensor object: allocation, layout metadata, dtype rules, broadcasting,
 * and the library constructor (the GC must be ready before any tensor). */
#include "internal.h"
#include "../device/backend.h"

#include <gc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

DType cdl_default_dtype = DT_FLOAT32;
Device cdl_default_device = DEVICE_CPU;

static void cdl_ignore_gc_warning(char *msg, GC_word arg)
{
    (void)msg;
    (void)arg;
}

/* The collector scans the writable data of every loaded library at each
 * collection: ~0.9 MB for the engine's libraries, a fixed 0.2-0.3 ms per
 * collection (a PINN step of 0.3 ms collects every 20 steps). These
 * libraries never keep a pointer to collector memory in their own static
 * data (they get plain buffers during a call, or keep what they need in
 * malloc memory), so their segments are not scanned. Anything else (the
 * program, libcoursdl, libc, libgc, a library a cell loads) still is. */
static int scan_library(const char *path, void *start, size_t size)
{
    (void)start;
    (void)size;
    static const char *const never_gc[] = {
        "libopenblas", "libgfortran", "libquadmath", "libm.so", "libz.so", "libminizip", "libcairo", "libpixman",
        "libfreetype", "libpng", "libfontconfig", "libexpat", "libX", "libxcb", "libbrotli", "libplplot",
        "libcsiro", "libqsastime", "libshp", "libqhull", "libltdl", "libgvc", "libcgraph", "libcdt", "libpathplan",
        "libbsd", "libmd.so", "libzmq", "libstdc++", "libsodium", "libpgm", "libnorm", "libgssapi", "libkrb5",
        "libk5crypto", "libcom_err", "libkeyutils", "libresolv", "libcrypto", "libjansson", "libgcc_s",
    };
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    for (size_t i = 0; i < sizeof never_gc / sizeof *never_gc; i++)
        if (!strncmp(base, never_gc[i], strlen(never_gc[i])))
            return 0;
    return 1;
}

__attribute__((constructor(101))) static void cdl_init(void)
{
    /* A plain program needs no setup: the GC starts with the library. The
     * starting heap is 4 MB (CDL_HEAP_MB overrides): the collector hands
     * out every free block of its heap before it reuses collected ones, so
     * a loop of small temporaries cycles through the whole heap between
     * collections. 4 MB stays in this CPU's caches: the PINN and moons
     * workloads ran 1.2-1.6x faster than with 16 MB (more collections,
     * ~0.14 ms each, but cache-hot memory), while the MLP and CNN epochs,
     * whose heap grows to what they hold, did not change (measured; 64 MB
     * had made a 500-epoch MLP spend half its time faulting in pages). */
    GC_register_has_static_roots_callback(scan_library);
    GC_INIT();
    /* The collector's tuning notes ("Repeated allocation of very large
     * block") are not the user's business: keep them off stderr. */
    GC_set_warn_proc(cdl_ignore_gc_warning);
    const char *e = getenv("CDL_HEAP_MB");
    size_t mb = e && atoi(e) > 0 ? (size_t)atoi(e) : 4;
    GC_expand_hp(mb << 20);
}

void *cdl_alloc(size_t n)
{
    void *p = GC_MALLOC(n);
    if (!p)
        error_raise(ERR_MEMORY, "out of memory allocating %zu bytes", n);
    return p;
}

void cdl_free(void *p) { GC_FREE(p); }

_Noreturn void cdl_internal_error(const char *where, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    error_raise(ERR_RUNTIME, "internal error in %s: %s (an engine bug: please report it)", where, msg);
}

void *cdl_alloc_atomic(size_t n)
{
    void *p = GC_MALLOC_ATOMIC(n);
    if (!p)
        error_raise(ERR_MEMORY, "out of memory allocating %zu bytes for tensor data "
                    "(use smaller tensors or batches)", n);
    return p;
}

static const size_t g_dtype_size[] = { 4, 8, 8, 1, 1 };
static const char *const g_dtype_name[] = { "float32", "float64", "int64", "uint8", "bool" };

size_t dtype_size(DType d) { return (unsigned)d < 5 ? g_dtype_size[d] : 0; }
const char *dtype_name(DType d) { return (unsigned)d < 5 ? g_dtype_name[d] : "invalid"; }

static int dtype_rank(DType d)
{
    static const int rank[] = { 3, 4, 2, 1, 0 };
    return rank[d];
}

DType dtype_promote(DType a, DType b)
{
    return dtype_rank(a) >= dtype_rank(b) ? a : b;
}

void tensor_set_default_dtype(DType dtype)
{
    if (!dtype_is_float(dtype))
        error_raise(ERR_TYPE, "tensor_set_default_dtype: only DT_FLOAT32 or DT_FLOAT64 can be the default, not %s",
                    dtype_name(dtype));
    cdl_default_dtype = dtype;
}

DType tensor_get_default_dtype(void) { return cdl_default_dtype; }

void t_refresh(Tensor *t)
{
    int64_t n = 1, expect = 1;
    bool contig = true;
    for (int i = t->ndim - 1; i >= 0; i--) {
        n *= t->shape[i];
        if (t->shape[i] != 1 && t->strides[i] != expect)
            contig = false;
        expect *= t->shape[i];
    }
    t->numel = n;
    t->contiguous = contig || n == 0;
}

void t_check_shape(int ndim, const int64_t *dims, const char *fn)
{
    if (ndim < 0 || ndim > TENSOR_MAX_DIMS)
        error_raise(ERR_SHAPE, "%s: %d dims given; tensors have at most %d dims", fn, ndim, TENSOR_MAX_DIMS);
    for (int i = 0; i < ndim; i++)
        if (dims[i] < 0)
            error_raise(ERR_SHAPE, "%s: negative size %lld in shape %s; sizes must be >= 0",
                        fn, (long long)dims[i], t_shape_str(ndim, dims));
    t_check_numel(ndim, dims, fn);
}

int64_t t_check_numel(int ndim, const int64_t *dims, const char *fn)
{
    int64_t n = 1;
    bool zero = false;
    for (int i = 0; i < ndim; i++)
        zero |= dims[i] == 0;
    for (int i = 0; i < ndim && !zero; i++)
        if (__builtin_mul_overflow(n, dims[i], &n))
            error_raise(ERR_VALUE, "%s: shape %s has more elements than an int64 can count (the product of "
                        "the sizes overflows); check the sizes", fn, t_shape_str(ndim, dims));
    return zero ? 0 : n;
}

Tensor *t_new(DType dtype, int ndim, const int64_t *shape, Device device)
{
    int64_t n = t_check_numel(ndim, shape, "tensor");
    size_t nbytes;
    if (__builtin_mul_overflow((size_t)n, (size_t)g_dtype_size[dtype], &nbytes))
        error_raise(ERR_VALUE, "tensor: shape %s needs more bytes than memory can address", t_shape_str(ndim, shape));
    /* The backend may put the Tensor in its storage's allocation (the CPU
     * does for small tensors: one allocation per op). */
    void *head;
    Storage *st = backend_alloc(device, nbytes, sizeof(Tensor), &head);
    Tensor *t = head ? head : cdl_alloc(sizeof(Tensor));
    t->head.freed = false;  /* a backend's head may come unzeroed */
    t->dtype = dtype;
    t->ndim = ndim;
    t->device = device;
    n = 1;
    for (int i = ndim - 1; i >= 0; i--) {
        t->shape[i] = shape[i];
        t->strides[i] = n;
        n *= shape[i];
    }
    t->numel = n;
    t->contiguous = true;
    t->storage = st;
    return t;
}

Tensor *t_view(const Tensor *base, int ndim, const int64_t *shape, const int64_t *strides, int64_t offset)
{
    Tensor *t = cdl_alloc(sizeof(Tensor));
    t->dtype = base->dtype;
    t->ndim = ndim;
    t->device = base->device;
    if (ndim > 0) {
        memcpy(t->shape, shape, sizeof(int64_t) * ndim);
        memcpy(t->strides, strides, sizeof(int64_t) * ndim);
    }
    t->offset = offset;
    t->storage = base->storage;
    t->storage->refs++;
    t_refresh(t);
    return t;
}

Tensor *t_view_tmp(Tensor *dst, const Tensor *base, int ndim, const int64_t *shape, const int64_t *strides,
                   int64_t offset)
{
    dst->head.freed = false;
    dst->dtype = base->dtype;
    dst->ndim = ndim;
    dst->device = base->device;
    dst->requires_grad = false;
    if (ndim > 0) {
        memmove(dst->shape, shape, sizeof(int64_t) * ndim);
        memmove(dst->strides, strides, sizeof(int64_t) * ndim);
    }
    dst->offset = offset;
    dst->storage = base->storage;
    dst->grad = NULL;
    dst->grad_fn = NULL;
    t_refresh(dst);
    return dst;
}

Tensor *t_broadcast_tmp(Tensor *dst, const Tensor *x, int ndim, const int64_t *shape)
{
    int64_t strides[TENSOR_MAX_DIMS];
    for (int i = 0; i < ndim; i++) {
        int ix = x->ndim - ndim + i;
        strides[i] = (ix >= 0 && x->shape[ix] == shape[i]) ? x->strides[ix] : 0;
    }
    return t_view_tmp(dst, x, ndim, shape, strides, x->offset);
}

int t_wrap_dim(int dim, int ndim, const char *fn)
{
    int n = ndim > 0 ? ndim : 1;
    if (dim < -n || dim >= n)
        error_raise(ERR_INDEX, "%s: dim %d is out of range for a tensor with %d dims (use -%d..%d)",
                    fn, dim, ndim, n, n - 1);
    return dim < 0 ? dim + n : dim;
}

const char *t_shape_str(int ndim, const int64_t *shape)
{
    static char bufs[8][160];
    static int slot;
    char *b = bufs[slot++ & 7];
    int o = snprintf(b, 160, "(");
    for (int i = 0; i < ndim && o < 140; i++)
        o += snprintf(b + o, 160 - o, i ? ", %lld" : "%lld", (long long)shape[i]);
    snprintf(b + o, 160 - o, ndim == 1 ? ",)" : ")");
    return b;
}

const char *tensor_shape_str(const Tensor *t) { CDL_ARG(t); return t_shape_str(t->ndim, t->shape); }

void t_same_device(const Tensor *a, const Tensor *b, const char *fn)
{
    if (a->device != b->device)
        error_raise(ERR_DEVICE, "%s: expected all tensors on the same device, found %s and %s "
                    "(move one with tensor_to(x, \"%s\"))", fn, device_name(a->device),
                    device_name(b->device), device_name(a->device));
}

int t_broadcast_shape(const Tensor *a, const Tensor *b, int64_t *out, const char *fn)
{
    int n = a->ndim > b->ndim ? a->ndim : b->ndim;
    for (int i = 0; i < n; i++) {
        int ia = a->ndim - n + i, ib = b->ndim - n + i;
        int64_t sa = ia >= 0 ? a->shape[ia] : 1, sb = ib >= 0 ? b->shape[ib] : 1;
        if (sa != sb && sa != 1 && sb != 1)
            error_raise(ERR_SHAPE, "%s: shapes %s and %s cannot be broadcast together "
                        "(dim %d: %lld vs %lld; sizes must match or one be 1)", fn,
                        t_shape_str(a->ndim, a->shape), t_shape_str(b->ndim, b->shape),
                        i - n, (long long)sa, (long long)sb);
        out[i] = sa == 1 ? sb : sa;
    }
    return n;
}

Tensor *t_broadcast_to(const Tensor *x, int ndim, const int64_t *shape)
{
    int64_t strides[TENSOR_MAX_DIMS];
    for (int i = 0; i < ndim; i++) {
        int ix = x->ndim - ndim + i;
        strides[i] = (ix >= 0 && x->shape[ix] == shape[i]) ? x->strides[ix] : 0;
    }
    return t_view(x, ndim, shape, strides, x->offset);
}

Tensor *t_convert(Tensor *x, DType dtype)
{
    if (x->dtype == dtype)
        return x;
    Tensor *out = t_new(dtype, x->ndim, x->shape, x->device);
    dev_copy(&(CopyArgs){ .out = out, .in = x });
    return out;
}

Tensor *t_contig(Tensor *x)
{
    if (x->contiguous)
        return x;
    Tensor *out = t_new(x->dtype, x->ndim, x->shape, x->device);
    dev_copy(&(CopyArgs){ .out = out, .in = x });
    return out;
}

void t_begin_inplace(Tensor *t, const char *fn)
{
    if (ag_on() && t->requires_grad)
        error_raise(ERR_RUNTIME, "%s: in-place change of a tensor that requires grad%s; "
                    "do it inside no_grad { ... } or use the out-of-place op", fn,
                    t->grad_fn ? "" : " (a leaf)");
    t->storage->version++;
}

/* ---- public metadata ---- */

int tensor_ndim(const Tensor *t) { CDL_ARG(t); return t->ndim; }
int64_t tensor_numel(const Tensor *t) { CDL_ARG(t); return t->numel; }
DType tensor_dtype(const Tensor *t) { CDL_ARG(t); return t->dtype; }
const int64_t *tensor_shape(const Tensor *t) { CDL_ARG(t); return t->shape; }
bool tensor_is_contiguous(const Tensor *t) { CDL_ARG(t); return t->contiguous; }

int64_t tensor_size(const Tensor *t, int dim)
{
    CDL_ARG(t);
    if (t->ndim == 0)
        error_raise(ERR_INDEX, "tensor_size: a 0-dim tensor has no dim %d", dim);
    return t->shape[t_wrap_dim(dim, t->ndim, "tensor_size")];
}

int64_t tensor_stride(const Tensor *t, int dim)
{
    CDL_ARG(t);
    if (t->ndim == 0)
        error_raise(ERR_INDEX, "tensor_stride: a 0-dim tensor has no dim %d", dim);
    return t->strides[t_wrap_dim(dim, t->ndim, "tensor_stride")];
}

/* The storage goes back at once (unless views still use it); the header
 * stays, marked freed, until nothing points to it: a pointer kept to a
 * freed tensor gets a ValueError from every function (core/args.h), and
 * the collector never hands its address to a new object while it is kept. */
void tensor_free(Tensor *x)
{
    if (!x)
        return;  /* as free(NULL) */
    if (x->head.freed)
        error_raise(ERR_VALUE, "tensor_free: argument 'x' was already freed by tensor_free (free a tensor once)");
    Storage *s = x->storage;
    bool embedded = s == (Storage *)(x + 1);  /* t_new's small tensors: header and data in one block */
    if (s && --s->refs == 0 && !embedded)
        t_backend(x)->release(s);
    memset(x, 0, sizeof *x);
    x->head.freed = true;
}

void t_free_scratch(Tensor *x)
{
    Storage *s = x->storage;
    bool embedded = s == (Storage *)(x + 1);
    if (s && --s->refs > 0 && embedded)
        return;  /* views still use the data inside this block */
    if (s && s->refs == 0 && !embedded)
        t_backend(x)->release(s);
    memset(x, 0, sizeof *x);
    GC_FREE(x);
}

Tensor *tensor_requires_grad_(Tensor *x, bool requires_grad)
{
    CDL_ARG(x);
    if (x->grad_fn && !requires_grad)
        error_raise(ERR_RUNTIME, "tensor_requires_grad_: x was made by %s; only leaves can stop "
                    "requiring grad (use tensor_detach(x))", x->grad_fn->rule->name);
    if (requires_grad && !dtype_is_float(x->dtype))
        error_raise(ERR_TYPE, "tensor_requires_grad_: only floating point tensors can require grad, "
                    "not %s (convert with tensor_float(x))", dtype_name(x->dtype));
    x->requires_grad = requires_grad;
    return x;
}

bool tensor_requires_grad(const Tensor *x) { CDL_ARG(x); return x->requires_grad; }
Tensor *tensor_grad(const Tensor *x) { CDL_ARG(x); return x->grad; }
void tensor_zero_grad(Tensor *x) { CDL_ARG(x); x->grad = NULL; }
bool tensor_is_leaf(const Tensor *x) { CDL_ARG(x); return x->grad_fn == NULL; }
const char *tensor_grad_fn_name(const Tensor *x) { CDL_ARG(x); return x->grad_fn ? x->grad_fn->rule->name : NULL; }

void tensor_set_grad(Tensor *x, Tensor *grad)
{
    CDL_ARG(x);
    CDL_ARG_OPT(grad);
    if (grad && (grad->ndim != x->ndim || memcmp(grad->shape, x->shape, sizeof(int64_t) * x->ndim)))
        error_raise(ERR_SHAPE, "tensor_set_grad: grad of shape %s for a tensor of shape %s",
                    tensor_shape_str(grad), tensor_shape_str(x));
    x->grad = grad;
}

Tensor *tensor_detach(Tensor *x)
{
    CDL_ARG(x);
    interrupt_check();
    return t_view(x, x->ndim, x->shape, x->strides, x->offset);
}
