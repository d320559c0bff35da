/* Checkpoints and tensor files killed mid-write, and damaged headers
 * (issue 10, items 11 and 12): the previous file stays intact, the
 * temporary file of the dead writer is removed by the next save or load of
 * the path, and sizes that overflow int64 are ValueErrors, overlapping
 * safetensors offsets IOErrors naming the file. */
#include "check.h"

#include <dirent.h>
#include <signal.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[] = "/tmp/cdl-test-litter-XXXXXX";

static const char *at(const char *name)
{
    static char buf[8][512];
    static int k;
    k = (k + 1) % 8;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir, name);
    return buf[k];
}

static int count_tmp(void)
{
    int n = 0;
    DIR *d = opendir(dir);
    for (struct dirent *e; d && (e = readdir(d));)
        n += strstr(e->d_name, ".tmp-") != NULL;
    if (d) closedir(d);
    return n;
}

/* Saves in a child whose file size limit kills it (SIGXFSZ) mid-write. */
static int killed_save(void (*save)(void))
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        struct rlimit rl = { 4096, 4096 };
        setrlimit(RLIMIT_FSIZE, &rl);
        save();
        _exit(0);
    }
    int st;
    waitpid(pid, &st, 0);
    return WIFSIGNALED(st) ? WTERMSIG(st) : 0;
}

static Tensor *big(void) { return tensor_full(7.0, 1000, 100); }
static void save_npy(void) { tensor_save(big(), at("t.npy")); }
static void save_st(void)
{
    const char *nm[] = { "w" };
    Tensor *ts[] = { big() };
    safetensors_save(at("w.safetensors"), 1, nm, ts, NULL);
}

static void write_bytes(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    fwrite(data, 1, n, f);
    fclose(f);
}

int main(void)
{
    check_init();
    if (!mkdtemp(dir)) return 1;

    /* .npy: killed mid-write, the old file intact, the litter gone after a load */
    tensor_save(tensor_full(1.0, 3), at("t.npy"));
    CHECK(killed_save(save_npy) == SIGXFSZ);
    CHECK(count_tmp() == 1);
    CHECK(tensor_equal(tensor_load(at("t.npy")), tensor_full(1.0, 3)));
    CHECK(count_tmp() == 0);

    /* safetensors: the same, the litter gone after the next save */
    const char *nm[] = { "w" };
    Tensor *small[] = { tensor_full(2.0, 4) };
    safetensors_save(at("w.safetensors"), 1, nm, small, NULL);
    CHECK(killed_save(save_st) == SIGXFSZ);
    CHECK(count_tmp() == 1);
    safetensors_save(at("w.safetensors"), 1, nm, small, NULL);
    CHECK(count_tmp() == 0);
    CHECK(tensor_equal(safetensors_load(at("w.safetensors"))->tensors[0], small[0]));

    /* a temporary file of a live writer is left alone */
    char live[600];
    snprintf(live, sizeof live, "%s/.w.safetensors.tmp-1-abcdef", dir);  /* pid 1 is alive */
    write_bytes(live, "x", 1);
    safetensors_load(at("w.safetensors"));
    CHECK(access(live, F_OK) == 0);
    unlink(live);

    /* shapes whose product overflows int64 */
    CHECK_RAISES(ERR_VALUE, "int64", tensor_zeros((int64_t)1 << 32, (int64_t)1 << 32));
    CHECK_RAISES(ERR_VALUE, "int64", tensor_empty_shape_dtype(DT_UINT8, 3, (int64_t[]){ 1 << 30, 1 << 30, 1 << 30 }));
    const char npy_hdr[] = "{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4), }";
    unsigned char npy[256] = "\x93NUMPY\x01\x00";
    size_t hl = sizeof npy_hdr - 1;
    npy[8] = (unsigned char)hl;
    memcpy(npy + 10, npy_hdr, hl);
    write_bytes(at("huge.npy"), npy, 10 + hl);
    CHECK_RAISES(ERR_VALUE, "huge.npy", tensor_load(at("huge.npy")));

    /* safetensors: a shape that overflows, offsets that overlap */
    const char *hdr_big = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4294967296,4294967296,4],\"data_offsets\":[0,16]}}";
    const char *hdr_overlap = "{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
                              "\"b\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[8,24]}}";
    const char *hdrs[] = { hdr_big, hdr_overlap };
    const char *files[] = { "big.safetensors", "overlap.safetensors" };
    for (int k = 0; k < 2; k++) {
        unsigned char st[512] = { 0 };
        uint64_t l = strlen(hdrs[k]);
        for (int b = 0; b < 8; b++) st[b] = (unsigned char)(l >> (8 * b));
        memcpy(st + 8, hdrs[k], l);
        write_bytes(at(files[k]), st, 8 + l + 24);
    }
    CHECK_RAISES(ERR_VALUE, "big.safetensors", safetensors_load(at("big.safetensors")));
    CHECK_RAISES(ERR_IO, "overlap.safetensors", safetensors_load(at("overlap.safetensors")));
    CHECK_RAISES(ERR_IO, "overlap", safetensors_load(at("overlap.safetensors")));

    /* IDX (MNIST): a label outside 0..9, a header whose sizes overflow */
    unsigned char img[24] = { 0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4, 5, 6, 7, 8 };
    unsigned char lab[10] = { 0, 0, 8, 1, 0, 0, 0, 2, 3, 200 };
    write_bytes(at("t10k-images-idx3-ubyte"), img, sizeof img);
    write_bytes(at("t10k-labels-idx1-ubyte"), lab, sizeof lab);
    CHECK_RAISES(ERR_IO, "t10k-labels-idx1-ubyte", datasets_mnist(dir, false));
    CHECK(strstr(error_last_message(), "200") != NULL);
    memset(img + 4, 0xff, 12);
    write_bytes(at("t10k-images-idx3-ubyte"), img, sizeof img);
    CHECK_RAISES(ERR_VALUE, "t10k-images-idx3-ubyte", datasets_mnist(dir, false));

    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd)) {}
    return CHECK_DONE();
}
