/* TinyCC's raw compile time for a C file, the floor under the kernel's
 * round trip for a cell of the same code (bench/cell_bench.py): libtcc
 * compiles the file in memory against the engine's headers and relocates
 * it (engine symbols resolved from this process, which links libcoursdl),
 * with the kernel's options, nothing else: no cell splitting, no
 * persistent scope, no messages.
 *
 *   build/bench/tcc_compile FILE REPS INCLUDE_DIR...
 *   prints the median seconds per compile */
#include <libtcc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <coursdl.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void on_error(void *opaque, const char *msg)
{
    (void)opaque;
    fprintf(stderr, "tcc: %s\n", msg);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    if (s && fread(s, 1, (size_t)n, f) != (size_t)n) {
        free(s);
        s = NULL;
    }
    if (s)
        s[n] = 0;
    fclose(f);
    return s;
}

/* One compile + relocation; returns its seconds, or -1 on an error. */
static double compile_once(const char *src, char **include, int n_include)
{
    double t0 = now();
    TCCState *s = tcc_new();
    tcc_set_error_func(s, NULL, on_error);
    tcc_set_options(s, "-std=c11 -Wall -Wno-unused-function");
    tcc_set_output_type(s, TCC_OUTPUT_MEMORY);
    for (int i = 0; i < n_include; i++)
        tcc_add_include_path(s, include[i]);
    int ok = tcc_compile_string(s, src) == 0;
    int size = ok ? tcc_relocate(s, NULL) : -1;
    void *mem = size > 0 ? malloc((size_t)size) : NULL;
    ok = mem && tcc_relocate(s, mem) == 0;
    tcc_delete(s);
    double dt = now() - t0;
    free(mem);
    return ok ? dt : -1;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: %s FILE REPS INCLUDE_DIR...\n", argv[0]);
        return 2;
    }
    char *src = read_file(argv[1]);
    int reps = atoi(argv[2]);
    if (!src || reps < 1) {
        fprintf(stderr, "%s: cannot read %s (or REPS < 1)\n", argv[0], argv[1]);
        return 2;
    }
    (void)coursdl_version();  /* libcoursdl is linked: its symbols resolve the file's calls */
    double *t = malloc(sizeof(double) * (size_t)reps);
    for (int i = 0; i < reps; i++)
        if ((t[i] = compile_once(src, argv + 3, argc - 3)) < 0)
            return 1;
    qsort(t, (size_t)reps, sizeof(double), cmp_double);
    printf("%.6f\n", t[reps / 2]);
    free(t);
    free(src);
    return 0;
}
