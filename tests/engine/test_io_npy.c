/* .npy files: round trips of every dtype, files checked by the real NumPy
 * (/usr/bin/python3) when it is importable, NumPy-written files loaded
 * (int32, Fortran order, big-endian), atomic replacement on failure. */
#include <coursdl.h>
#include <coursdl/io.h>
#include "check.h"
#include <unistd.h>

void cdl_io_inject_failure(long long after_bytes);

static char dir[] = "/tmp/cdl-test-npy-XXXXXX";

static const char *at(const char *name)
{
    static char buf[8][512];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static bool have_numpy(void) { return system("/usr/bin/python3 -c 'import numpy' >/dev/null 2>&1") == 0; }

/* Runs python code with dir as argv[1]; returns its exit status. */
static int py(const char *code)
{
    char cmd[4096];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 -c \"%s\" %s", code, dir);
    return system(cmd);
}

int main(void)
{
    check_init();
    if (!mkdtemp(dir)) return 1;
    Tensor *f = tensor_reshape(tensor_arange(0, 6, 1), 2, 3);
    Tensor *d = tensor_from_f64(((double[]){ 1.5, -2.25, 1e300 }), 3);
    Tensor *i = tensor_from_i64(((int64_t[]){ -5, 1LL << 40 }), 2);
    Tensor *u = tensor_to_dtype(tensor_of(0, 255, 7), DT_UINT8);
    Tensor *b = tensor_gt_scalar(tensor_of(1, -1, 2, 0), 0.5);
    Tensor *sc = tensor_scalar(3.25);
    Tensor *big = tensor_randn(3, 4, 5, 2);
    Tensor *all[] = { f, d, i, u, b, sc, big };
    const char *names[] = { "f.npy", "d.npy", "i.npy", "u.npy", "b.npy", "s.npy", "big.npy" };
    for (int k = 0; k < 7; k++) {
        tensor_save(all[k], at(names[k]));
        Tensor *r = tensor_load(at(names[k]));
        CHECK(tensor_dtype(r) == tensor_dtype(all[k]) && tensor_ndim(r) == tensor_ndim(all[k]) && tensor_equal(r, all[k]));
    }
    /* A non-contiguous view is saved in C order. */
    tensor_save(tensor_t(f), at("ft.npy"));
    CHECK(tensor_equal(tensor_load(at("ft.npy")), tensor_t(f)));
    /* Header layout: 64-byte aligned data. */
    FILE *fp = fopen(at("f.npy"), "rb");
    unsigned char h[128];
    size_t got = fread(h, 1, sizeof h, fp);
    fclose(fp);
    CHECK(got >= 64 && !memcmp(h, "\x93NUMPY\x01\x00", 8) && (10 + (h[8] | h[9] << 8)) % 64 == 0);
    CHECK(strstr((char *)h + 10, "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }") != NULL);

    if (have_numpy()) {
        CHECK(py("import numpy as np, sys; d = sys.argv[1]; "
                 "a = np.load(d + '/f.npy'); assert a.dtype == np.float32 and a.shape == (2, 3) and a[1, 2] == 5, a; "
                 "assert np.load(d + '/d.npy')[2] == 1e300; "
                 "i = np.load(d + '/i.npy'); assert i.dtype == np.int64 and i[1] == 2**40; "
                 "assert np.load(d + '/u.npy').tolist() == [0, 255, 7]; "
                 "b = np.load(d + '/b.npy'); assert b.dtype == np.bool_ and b.tolist() == [True, False, True, False]; "
                 "s = np.load(d + '/s.npy'); assert s.shape == () and s == 3.25; "
                 "assert np.load(d + '/big.npy').shape == (3, 4, 5, 2); "
                 "np.save(d + '/np_i32.npy', np.arange(6, dtype=np.int32).reshape(2, 3) - 2); "
                 "np.save(d + '/np_fortran.npy', np.asfortranarray(np.arange(6, dtype=np.float64).reshape(2, 3))); "
                 "np.save(d + '/np_be.npy', np.array([1.5, 2.5], dtype='>f4')); "
                 "np.save(d + '/np_f32.npy', np.linspace(0, 1, 5, dtype=np.float32))") == 0);
        Tensor *a = tensor_load(at("np_i32.npy"));
        CHECK(tensor_dtype(a) == DT_INT64 && tensor_get(a, 0, 0) == -2 && tensor_get(a, 1, 2) == 3);
        Tensor *fo = tensor_load(at("np_fortran.npy"));
        CHECK(tensor_size(fo, 0) == 2 && tensor_get(fo, 0, 1) == 1 && tensor_get(fo, 1, 0) == 3 && tensor_get(fo, 1, 2) == 5);
        Tensor *be = tensor_load(at("np_be.npy"));
        CHECK(tensor_get(be, 1) == 2.5);
        CHECK_CLOSE(tensor_get(tensor_load(at("np_f32.npy")), 3), 0.75, 1e-7);
    } else {
        printf("note: numpy not importable by /usr/bin/python3; external check skipped\n");
    }

    /* Atomic: a failed write leaves the previous file intact and no temp file. */
    tensor_save(f, at("keep.npy"));
    cdl_io_inject_failure(100);
    CHECK_RAISES(ERR_IO, "unchanged", tensor_save(big, at("keep.npy")));
    CHECK(tensor_equal(tensor_load(at("keep.npy")), f));
    char cmd[600];
    snprintf(cmd, sizeof cmd, "ls -a %s | grep -q tmp", dir);
    CHECK(system(cmd) != 0);
    CHECK_RAISES(ERR_IO, "temporary file", tensor_save(f, "/nonexistent-dir/x.npy"));
    CHECK_RAISES(ERR_IO, "cannot open", tensor_load(at("missing.npy")));
    FILE *junk = fopen(at("junk.npy"), "w");
    fputs("hello", junk);
    fclose(junk);
    CHECK_RAISES(ERR_IO, "not a .npy", tensor_load(at("junk.npy")));
    /* A version-2 header cut at 11 bytes: its 4-byte length is not all there. */
    FILE *cut = fopen(at("cut.npy"), "wb");
    fwrite("\x93NUMPY\x02\x00\x10\x00\x00", 1, 11, cut);
    fclose(cut);
    CHECK_RAISES(ERR_IO, "truncated (header)", tensor_load(at("cut.npy")));

    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0) printf("note: could not remove %s\n", dir);
    return CHECK_DONE();
}
