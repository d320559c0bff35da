/* safetensors files: an 8-byte little-endian header length, a JSON header
 * {name: {dtype, shape, data_offsets}, "__metadata__": {...}} padded with
 * spaces to 8 bytes, then the raw little-endian tensor bytes, packed. */
#include "internal.h"
#include "../tensor/internal.h"  /* t_new: loaded tensors are made on the CPU */
#include "json.h"
#include "../core/args.h"

#include <gc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *st_dtype(DType d)
{
    switch (d) {
    case DT_FLOAT32: return "F32";
    case DT_FLOAT64: return "F64";
    case DT_INT64: return "I64";
    case DT_UINT8: return "U8";
    default: return "BOOL";
    }
}

/* Appends s as a JSON string to the memstream. */
static void json_str(FILE *m, const char *s)
{
    fputc('"', m);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(m, "\\%c", c);
        else if (c < 0x20) fprintf(m, "\\u%04x", c);
        else fputc(c, m);
    }
    fputc('"', m);
}

void safetensors_save(const char *path, int n, const char *const *names, Tensor *const *tensors, const char *metadata)
{
    const char *fn = "safetensors_save";
    if (n < 0 || (n && (!names || !tensors))) error_raise(ERR_VALUE, "%s: give n names and n tensors", fn);
    Tensor **c = GC_MALLOC(sizeof(Tensor *) * (size_t)(n + 1));
    char *json = NULL;
    size_t jl = 0;
    FILE *m = open_memstream(&json, &jl);
    fputc('{', m);
    if (metadata && *metadata) {
        /* Checked so that a bad string never produces an unreadable file. */
        const char *err = NULL;
        Json *md = json_parse(metadata, strlen(metadata), &err);
        bool ok = md && md->type == JSON_OBJECT;
        for (int i = 0; ok && i < md->n; i++) ok = md->items[i]->type == JSON_STRING;
        if (!ok) {
            fclose(m);
            free(json);
            error_raise(ERR_VALUE, "%s: metadata must be a JSON object of strings, e.g. {\"epoch\": \"3\"} (%s)", fn,
                        err ? err : "not an object of strings");
        }
        fprintf(m, "\"__metadata__\":%s", metadata);
        if (n) fputc(',', m);
    }
    uint64_t off = 0;
    for (int i = 0; i < n; i++) {
        if (!tensors[i] || !names[i]) {
            fclose(m);
            free(json);
            error_raise(ERR_VALUE, "%s: entry %d has a NULL name or tensor", fn, i);
        }
        for (int j = 0; j < i; j++)
            if (!strcmp(names[i], names[j])) {
                fclose(m);
                free(json);
                error_raise(ERR_VALUE, "%s: the name \"%s\" appears twice; names must be unique", fn, names[i]);
            }
        c[i] = tensor_contiguous(tensor_to_device(tensor_detach(tensors[i]), DEVICE_CPU));
        uint64_t bytes = (uint64_t)tensor_numel(c[i]) * dtype_size(tensor_dtype(c[i]));
        json_str(m, names[i]);
        fprintf(m, ":{\"dtype\":\"%s\",\"shape\":[", st_dtype(tensor_dtype(c[i])));
        for (int d = 0; d < tensor_ndim(c[i]); d++) fprintf(m, "%s%lld", d ? "," : "", (long long)tensor_size(c[i], d));
        fprintf(m, "],\"data_offsets\":[%llu,%llu]}%s", (unsigned long long)off, (unsigned long long)(off + bytes), i + 1 < n ? "," : "");
        off += bytes;
    }
    fputc('}', m);
    while ((jl = (size_t)ftell(m)) % 8) fputc(' ', m);  /* data starts 8-byte aligned */
    fclose(m);
    unsigned char len[8];
    for (int k = 0; k < 8; k++) len[k] = (unsigned char)((uint64_t)jl >> (8 * k));
    Chunk *ch = GC_MALLOC(sizeof(Chunk) * (size_t)(n + 2));
    char *gj = GC_MALLOC_ATOMIC(jl + 1);
    memcpy(gj, json, jl);
    free(json);
    ch[0] = (Chunk){ len, 8 };
    ch[1] = (Chunk){ gj, jl };
    for (int i = 0; i < n; i++)
        ch[2 + i] = (Chunk){ tensor_numel(c[i]) ? tensor_data_ptr(c[i]) : "", (size_t)tensor_numel(c[i]) * dtype_size(tensor_dtype(c[i])) };
    io_write_atomic(path, ch, n + 2, fn);
}

static bool dtype_of(const char *s, DType *d)
{
    static const char *names[] = { "F32", "F64", "I64", "U8", "BOOL" };
    static const DType types[] = { DT_FLOAT32, DT_FLOAT64, DT_INT64, DT_UINT8, DT_BOOL };
    for (int i = 0; i < 5; i++)
        if (!strcmp(s, names[i])) { *d = types[i]; return true; }
    return false;
}

/* The parsed file: header tree and data section. */
static Json *read_st(const char *path, const unsigned char **data, size_t *data_size, const char *fn)
{
    size_t size;
    unsigned char *b = io_read_file(path, &size, fn);
    if (size < 8) error_raise(ERR_IO, "%s: %s is too short to be a safetensors file", fn, path);
    uint64_t hl = 0;
    for (int k = 0; k < 8; k++) hl |= (uint64_t)b[k] << (8 * k);
    if (hl > size - 8) error_raise(ERR_IO, "%s: %s is not a safetensors file (header length %llu beyond the file's %zu bytes)",
                                   fn, path, (unsigned long long)hl, size);
    const char *err = NULL;
    Json *h = json_parse((const char *)b + 8, (size_t)hl, &err);
    if (!h || h->type != JSON_OBJECT)
        error_raise(ERR_IO, "%s: %s has a malformed header (%s); it is not a safetensors file or it is damaged",
                    fn, path, err ? err : "not an object");
    *data = b + 8 + hl;
    *data_size = size - 8 - (size_t)hl;
    return h;
}

ParamList *safetensors_load(const char *path)
{
    const char *fn = "safetensors_load";
    const unsigned char *data;
    size_t dsize;
    Json *h = read_st(path, &data, &dsize, fn);
    ParamList *pl = GC_MALLOC(sizeof *pl);
    pl->tensors = GC_MALLOC(sizeof(Tensor *) * (size_t)(h->n + 1));
    pl->names = GC_MALLOC(sizeof(char *) * (size_t)(h->n + 1));
    uint64_t *spans = GC_MALLOC_ATOMIC(sizeof(uint64_t) * 2 * (size_t)(h->n + 1));
    for (int i = 0; i < h->n; i++) {
        if (!strcmp(h->keys[i], "__metadata__")) continue;
        Json *e = h->items[i], *dt = json_get(e, "dtype"), *sh = json_get(e, "shape"), *of = json_get(e, "data_offsets");
        DType d;
        if (!dt || dt->type != JSON_STRING || !sh || sh->type != JSON_ARRAY || !of || of->type != JSON_ARRAY || of->n != 2)
            error_raise(ERR_IO, "%s: entry \"%s\" of %s lacks dtype, shape or data_offsets", fn, h->keys[i], path);
        if (!dtype_of(dt->str, &d))
            error_raise(ERR_TYPE, "%s: tensor \"%s\" of %s has dtype %s; supported: F32, F64, I64, U8, BOOL", fn, h->keys[i], path, dt->str);
        if (sh->n > TENSOR_MAX_DIMS) error_raise(ERR_IO, "%s: tensor \"%s\" has %d dims (at most %d)", fn, h->keys[i], sh->n, TENSOR_MAX_DIMS);
        int64_t dims[TENSOR_MAX_DIMS], numel = 1;
        for (int k = 0; k < sh->n; k++) {
            double v = sh->items[k]->num;
            if (sh->items[k]->type != JSON_NUMBER || v < 0 || v != (double)(int64_t)v || v > 9.007199254740992e15)
                error_raise(ERR_IO, "%s: tensor \"%s\" of %s has a size that is not a count (damaged header)", fn,
                            h->keys[i], path);
            dims[k] = (int64_t)v;
            if (__builtin_mul_overflow(numel, dims[k], &numel))
                error_raise(ERR_VALUE, "%s: the shape of tensor \"%s\" in %s has more elements than an int64 can "
                            "count (damaged header?)", fn, h->keys[i], path);
        }
        uint64_t b0 = (uint64_t)of->items[0]->num, b1 = (uint64_t)of->items[1]->num, bytes;
        if (__builtin_mul_overflow((uint64_t)numel, (uint64_t)dtype_size(d), &bytes))
            error_raise(ERR_VALUE, "%s: tensor \"%s\" in %s needs more bytes than memory can address (damaged header?)",
                        fn, h->keys[i], path);
        /* Each tensor owns its bytes: overlapping offsets mean a damaged file. */
        for (int k = 0; k < pl->n; k++)
            if (b0 < spans[2 * k + 1] && spans[2 * k] < b1)
                error_raise(ERR_IO, "%s: tensors \"%s\" and \"%s\" of %s overlap (data_offsets [%llu, %llu] and "
                            "[%llu, %llu]); the file is damaged", fn, pl->names[k], h->keys[i], path,
                            (unsigned long long)spans[2 * k], (unsigned long long)spans[2 * k + 1],
                            (unsigned long long)b0, (unsigned long long)b1);
        if (b1 < b0 || b1 > dsize || b1 - b0 != bytes)
            error_raise(ERR_IO, "%s: tensor \"%s\" of %s has data_offsets [%llu, %llu] that do not fit its shape or the file "
                        "(truncated?)", fn, h->keys[i], path, (unsigned long long)b0, (unsigned long long)b1);
        t_check_shape(sh->n, dims, fn);
        Tensor *t = t_new(d, sh->n, dims, DEVICE_CPU);  /* the CPU whatever the default device: bytes copied in */
        if (numel) memcpy(tensor_data_ptr(t), data + b0, (size_t)(b1 - b0));
        spans[2 * pl->n] = b0;
        spans[2 * pl->n + 1] = b1;
        pl->names[pl->n] = h->keys[i];
        pl->tensors[pl->n++] = t;
    }
    return pl;
}

static int find(ParamList *pl, const char *name)
{
    for (int i = 0; i < pl->n; i++)
        if (!strcmp(pl->names[i], name)) return i;
    return -1;
}

static bool same_shape(Tensor *a, Tensor *b)
{
    if (tensor_ndim(a) != tensor_ndim(b)) return false;
    for (int d = 0; d < tensor_ndim(a); d++)
        if (tensor_size(a, d) != tensor_size(b, d)) return false;
    return true;
}

/* Checks every name and shape of want against the file (with prefix),
 * then copies: a mismatch leaves the model untouched. */
static void restore(ParamList *file, ParamList *want, const char *prefix, const char *path, const char *fn, const char *what)
{
    char name[1024];
    int *idx = GC_MALLOC_ATOMIC(sizeof(int) * (size_t)(want->n + 1));
    for (int i = 0; i < want->n; i++) {
        snprintf(name, sizeof name, "%s%s", prefix, want->names[i]);
        idx[i] = find(file, name);
        if (idx[i] < 0)
            error_raise(ERR_VALUE, "%s: %s has no tensor \"%s\" that the %s needs; the checkpoint was saved from a "
                        "different architecture (build the same layers, in the same order)", fn, path, name, what);
        Tensor *f = file->tensors[idx[i]];
        if (!same_shape(f, want->tensors[i]))
            error_raise(ERR_SHAPE, "%s: \"%s\" has shape %s in %s but %s in the %s; build the %s with the same sizes "
                        "as when it was saved", fn, name, tensor_shape_str(f), path, tensor_shape_str(want->tensors[i]), what, what);
    }
    size_t pl = strlen(prefix);
    for (int i = 0; i < file->n; i++) {
        const char *nm = file->names[i];
        bool ours = pl ? !strncmp(nm, prefix, pl) : strncmp(nm, "optimizer.", 10) != 0;
        if (!ours) continue;
        bool known = false;
        for (int k = 0; k < want->n && !known; k++) known = idx[k] == i;
        if (!known)
            error_raise(ERR_VALUE, "%s: %s has a tensor \"%s\" that the %s does not have; the checkpoint was saved "
                        "from a different architecture", fn, path, nm, what);
    }
    no_grad_enter();
    for (int i = 0; i < want->n; i++) tensor_copy_(want->tensors[i], file->tensors[idx[i]]);
    no_grad_exit();
}

void nn_save_(Module *model, const char *path, const CheckpointOptions *o)
{
    CDL_ARG_NAMED("nn_save", model, "model");
    ParamList *st = nn_state(model), *os = o->optimizer ? optim_state(o->optimizer) : NULL;
    int n = st->n + (os ? os->n : 0);
    const char **names = GC_MALLOC(sizeof(char *) * (size_t)(n + 1));
    Tensor **ts = GC_MALLOC(sizeof(Tensor *) * (size_t)(n + 1));
    for (int i = 0; i < st->n; i++) { names[i] = st->names[i]; ts[i] = st->tensors[i]; }
    for (int i = 0; os && i < os->n; i++) {
        size_t l = strlen(os->names[i]) + 11;
        char *nm = GC_MALLOC_ATOMIC(l);
        snprintf(nm, l, "optimizer.%s", os->names[i]);
        names[st->n + i] = nm;
        ts[st->n + i] = os->tensors[i];
    }
    char *md = NULL;
    size_t ml = 0;
    FILE *m = open_memstream(&md, &ml);
    fprintf(m, "{\"format\":\"pt\",\"coursdl\":\"%s\",\"model\":", coursdl_version());
    json_str(m, nn_type(model));
    if (o->optimizer) { fprintf(m, ",\"optimizer\":"); json_str(m, optim_name(o->optimizer)); }
    if (o->metadata) { fprintf(m, ",\"note\":"); json_str(m, o->metadata); }
    fputc('}', m);
    fclose(m);
    char *gmd = GC_MALLOC_ATOMIC(ml + 1);
    memcpy(gmd, md, ml + 1);
    free(md);
    safetensors_save(path, n, names, ts, gmd);
}

void nn_load_(Module *model, const char *path, const CheckpointOptions *o)
{
    CDL_ARG_NAMED("nn_load", model, "model");
    ParamList *file = safetensors_load(path);
    if (o->optimizer) {
        /* Checked first: a missing optimizer state must not leave a half-loaded pair. */
        ParamList *os = optim_state(o->optimizer);
        char name[1024];
        for (int i = 0; i < os->n; i++) {
            snprintf(name, sizeof name, "optimizer.%s", os->names[i]);
            if (find(file, name) < 0)
                error_raise(ERR_VALUE, "nn_load: %s has no optimizer state \"%s\"; save with nn_save(model, path, "
                            ".optimizer = opt) using the same kind of optimizer", path, name);
        }
    }
    restore(file, nn_state(model), "", path, "nn_load", "model");
    if (o->optimizer) restore(file, optim_state(o->optimizer), "optimizer.", path, "nn_load", "optimizer");
}

void optim_save(Optimizer *opt, const char *path)
{
    CDL_ARG(opt);
    ParamList *os = optim_state(opt);
    char md[256];
    snprintf(md, sizeof md, "{\"format\":\"pt\",\"optimizer\":\"%s\"}", optim_name(opt));
    safetensors_save(path, os->n, os->names, os->tensors, md);
}

void optim_load(Optimizer *opt, const char *path)
{
    CDL_ARG(opt);
    ParamList *file = safetensors_load(path);
    restore(file, optim_state(opt), "", path, "optim_load", "optimizer");
}
