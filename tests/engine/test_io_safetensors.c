/* safetensors checkpoints: round trip of a model (and an optimizer's
 * state), the file checked by a reader written from the spec and by
 * Python's safetensors package when the project venv has it, atomic
 * replacement, and clear errors for mismatched names and shapes. */
#include <coursdl.h>
#include "check.h"
#include <unistd.h>

void cdl_io_inject_failure(long long after_bytes);

static char dir[] = "/tmp/cdl-test-st-XXXXXX";

static const char *at(const char *name)
{
    static char buf[8][512];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

/* A reader from the spec: header length, JSON text, and checks that the
 * entry for name has the dtype, shape and packed offsets expected, and
 * that the data bytes equal the tensor's. */
static int spec_check(const char *path, const char *name, const char *dtype, const char *shape, Tensor *t)
{
    FILE *f = fopen(path, "rb");
    if (!f) return 0;
    unsigned char len[8];
    if (fread(len, 1, 8, f) != 8) { fclose(f); return 0; }
    uint64_t hl = 0;
    for (int k = 0; k < 8; k++) hl |= (uint64_t)len[k] << (8 * k);
    char *h = calloc(1, hl + 1);
    int ok = fread(h, 1, hl, f) == hl && hl % 8 == 0 && h[0] == '{';
    char key[256];
    snprintf(key, sizeof key, "\"%s\":{\"dtype\":\"%s\",\"shape\":%s,\"data_offsets\":[", name, dtype, shape);
    char *e = strstr(h, key);
    ok = ok && e;
    unsigned long long b0 = 0, b1 = 0;
    if (ok) ok = sscanf(e + strlen(key), "%llu,%llu]", &b0, &b1) == 2;
    size_t bytes = (size_t)tensor_numel(t) * dtype_size(tensor_dtype(t));
    ok = ok && b1 - b0 == bytes;
    if (ok) {
        unsigned char *d = malloc(bytes + 1);
        fseek(f, (long)(8 + hl + b0), SEEK_SET);
        ok = fread(d, 1, bytes, f) == bytes && !memcmp(d, tensor_data_ptr(tensor_contiguous(t)), bytes);
        free(d);
    }
    free(h);
    fclose(f);
    return ok;
}

static Module *mlp(int hidden)
{
    return nn_sequential(nn_linear(2, hidden), nn_relu(), nn_linear(hidden, 3));
}

int main(void)
{
    check_init();
    if (!mkdtemp(dir)) return 1;
    manual_seed(1);
    Module *m = mlp(8);
    ParamList *st = nn_state(m);
    nn_save(m, at("m.safetensors"));
    CHECK(spec_check(at("m.safetensors"), "0.weight", "F32", "[8,2]", st->tensors[0]));
    CHECK(spec_check(at("m.safetensors"), "2.bias", "F32", "[3]", nn_get_parameter(m, "2.bias")));
    ParamList *pl = safetensors_load(at("m.safetensors"));
    CHECK(pl->n == 4 && !strcmp(pl->names[0], "0.weight") && tensor_equal(pl->tensors[0], st->tensors[0]));

    /* Loading into a fresh model of the same architecture restores it. */
    Module *m2 = mlp(8);
    Tensor *x = tensor_randn(5, 2);
    CHECK(!tensor_allclose(nn_forward(m, x), nn_forward(m2, x), 0, 1e-6));
    nn_load(m2, at("m.safetensors"));
    CHECK(tensor_allclose(nn_forward(m, x), nn_forward(m2, x), 0, 0));

    /* Mismatches name the first problem and leave the model untouched. */
    Module *wide = mlp(9);
    Tensor *before = tensor_clone(nn_get_parameter(wide, "0.weight"));
    CHECK_RAISES(ERR_SHAPE, "\"0.weight\" has shape (8, 2)", nn_load(wide, at("m.safetensors")));
    CHECK(strstr(error_last_message(), "(9, 2) in the model") != NULL);
    CHECK(tensor_equal(before, nn_get_parameter(wide, "0.weight")));
    Module *deeper = nn_sequential(nn_linear(2, 8), nn_relu(), nn_linear(8, 3), nn_linear(3, 3));
    CHECK_RAISES(ERR_VALUE, "no tensor \"3.weight\"", nn_load(deeper, at("m.safetensors")));
    Module *shallow = nn_sequential(nn_linear(2, 8));
    CHECK_RAISES(ERR_VALUE, "\"2.weight\" that the model does not have", nn_load(shallow, at("m.safetensors")));
    CHECK_RAISES(ERR_IO, "cannot open", nn_load(m2, at("missing.safetensors")));
    FILE *junk = fopen(at("junk.safetensors"), "wb");
    fwrite("\x10\0\0\0\0\0\0\0{not json}      ", 1, 24, junk);
    fclose(junk);
    CHECK_RAISES(ERR_IO, "malformed header", nn_load(m2, at("junk.safetensors")));

    /* Optimizer state: trained a few steps, saved with the model, restored. */
    Optimizer *opt = optim_adam(nn_parameters(m), .lr = 0.01);
    Tensor *target = tensor_from_i64(((int64_t[]){ 0, 1, 2, 0, 1 }), 5);
    for (int i = 0; i < 3; i++) {
        optim_zero_grad(opt);
        tensor_backward(nn_cross_entropy(nn_forward(m, x), target));
        optim_step(opt);
    }
    nn_save(m, at("ckpt.safetensors"), .optimizer = opt, .metadata = "after 3 steps");
    Module *m3 = mlp(8);
    Optimizer *opt3 = optim_adam(nn_parameters(m3), .lr = 0.5);
    nn_load(m3, at("ckpt.safetensors"), .optimizer = opt3);
    CHECK_CLOSE(optim_get_lr(opt3), 0.01, 1e-12);
    ParamList *s1 = optim_state(opt), *s3 = optim_state(opt3);
    int same = s1->n == s3->n;
    for (int i = 0; same && i < s1->n; i++) same = tensor_equal(s1->tensors[i], s3->tensors[i]);
    CHECK(same);
    /* The next step is then identical. */
    optim_zero_grad(opt); optim_zero_grad(opt3);
    tensor_backward(nn_cross_entropy(nn_forward(m, x), target));
    tensor_backward(nn_cross_entropy(nn_forward(m3, x), target));
    optim_step(opt); optim_step(opt3);
    CHECK(tensor_allclose(nn_forward(m, x), nn_forward(m3, x), 0, 0));
    optim_save(opt, at("opt.safetensors"));
    Optimizer *opt4 = optim_adam(nn_parameters(mlp(8)));
    optim_load(opt4, at("opt.safetensors"));
    ParamList *s4 = optim_state(opt4);
    int step_ok = 0;
    for (int i = 0; i < s4->n; i++)
        if (!strcmp(s4->names[i], "step")) step_ok = tensor_item(tensor_min(s4->tensors[i])) == 4;
    CHECK(step_ok);
    CHECK_RAISES(ERR_VALUE, "optimizer state", nn_load(m3, at("m.safetensors"), .optimizer = opt3));

    /* Every dtype through safetensors_save / _load. */
    Tensor *ts[] = { tensor_from_f64(((double[]){ 1.5, 2.5 }), 2), tensor_from_i64(((int64_t[]){ -7 }), 1),
                     tensor_to_dtype(tensor_of(3, 250), DT_UINT8), tensor_gt_scalar(tensor_of(1, 0), 0.5), tensor_scalar(2) };
    const char *nm[] = { "f64", "i64", "u8", "bool", "scalar \"quoted\"" };
    safetensors_save(at("all.safetensors"), 5, nm, ts, "{\"epoch\": \"3\"}");
    ParamList *back = safetensors_load(at("all.safetensors"));
    int all_ok = back->n == 5;
    for (int i = 0; all_ok && i < 5; i++)
        all_ok = !strcmp(back->names[i], nm[i]) && tensor_dtype(back->tensors[i]) == tensor_dtype(ts[i]) && tensor_equal(back->tensors[i], ts[i]);
    CHECK(all_ok);
    CHECK(spec_check(at("all.safetensors"), "u8", "U8", "[2]", ts[2]));
    CHECK_RAISES(ERR_VALUE, "JSON object of strings", safetensors_save(at("bad.safetensors"), 1, nm, ts, "{\"epoch\": 3}"));

    /* Atomic: a failing write leaves the previous checkpoint as it was. */
    cdl_io_inject_failure(40);
    CHECK_RAISES(ERR_IO, "unchanged", nn_save(wide, at("m.safetensors")));
    Module *m5 = mlp(8);
    nn_load(m5, at("m.safetensors"));
    CHECK(tensor_equal(nn_get_parameter(m5, "0.weight"), pl->tensors[0]));  /* as first saved */
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "ls -a %s | grep -q tmp", dir);
    CHECK(system(cmd) != 0);

    /* Python's safetensors (project venv) reads our files, and we read its. */
    if (access(".venv/bin/python", X_OK) == 0 &&
        system(".venv/bin/python -c 'import safetensors.numpy' >/dev/null 2>&1") == 0) {
        snprintf(cmd, sizeof cmd, ".venv/bin/python -c \""
                 "import sys, numpy as np; from safetensors.numpy import load_file, save_file; from safetensors import safe_open; d = sys.argv[1]; "
                 "t = load_file(d + '/ckpt.safetensors'); assert t['0.weight'].shape == (8, 2) and t['0.weight'].dtype == np.float32; "
                 "assert 'optimizer.0.exp_avg' in t; "
                 "f = safe_open(d + '/ckpt.safetensors', 'np'); md = f.metadata(); assert md['note'] == 'after 3 steps' and md['optimizer'] == 'Adam', md; "
                 "a = load_file(d + '/all.safetensors'); assert a['i64'][0] == -7 and a['bool'].dtype == np.bool_ and a['u8'][1] == 250; "
                 "save_file({'w': np.arange(6, dtype=np.float32).reshape(2, 3), 'n': np.array([5], dtype=np.int64)}, d + '/py.safetensors', metadata={'k': 'v'})"
                 "\" %s", dir);
        CHECK(system(cmd) == 0);
        ParamList *py = safetensors_load(at("py.safetensors"));
        int found = 0;
        for (int i = 0; i < py->n; i++) {
            if (!strcmp(py->names[i], "w")) found += tensor_get(py->tensors[i], 1, 2) == 5 && tensor_size(py->tensors[i], 0) == 2;
            if (!strcmp(py->names[i], "n")) found += tensor_get(py->tensors[i], 0) == 5;
        }
        CHECK(found == 2);
    } else {
        printf("note: safetensors not installed in .venv (pip install safetensors numpy); spec reader only\n");
    }
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) printf("note: could not remove %s\n", dir);
    return CHECK_DONE();
}
