/* Seeded random numbers: xoshiro256** seeded through splitmix64, normals by
 * Box-Muller. Same seed, same numbers, on every run and machine. */
#include "../tensor/internal.h"
#include "../device/backend.h"

#include <math.h>

struct Generator {
    uint64_t s[4];
    bool has_spare;
    double spare;
};

static Generator g_default;
static bool g_default_seeded;

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void generator_manual_seed(Generator *g, uint64_t seed)
{
    if (!g)
        g = &g_default;
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        g->s[i] = splitmix64(&x);
    g->has_spare = false;
    if (g == &g_default)
        g_default_seeded = true;
}

void manual_seed(uint64_t seed) { generator_manual_seed(&g_default, seed); }

Generator *generator_new(uint64_t seed)
{
    Generator *g = cdl_alloc_atomic(sizeof *g);
    generator_manual_seed(g, seed);
    return g;
}

Generator *generator_default(void)
{
    if (!g_default_seeded)
        manual_seed(0x5eed);
    return &g_default;
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t cdl_rand_u64(Generator *g)
{
    if (!g)
        g = generator_default();
    uint64_t *s = g->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double cdl_rand_uniform(Generator *g) { return (cdl_rand_u64(g) >> 11) * 0x1.0p-53; }

double cdl_rand_normal(Generator *g)
{
    if (!g)
        g = generator_default();
    if (g->has_spare) {
        g->has_spare = false;
        return g->spare;
    }
    double u1, u2;
    do u1 = cdl_rand_uniform(g); while (u1 <= 0);
    u2 = cdl_rand_uniform(g);
    double r = sqrt(-2 * log(u1)), th = 2 * M_PI * u2;
    g->spare = r * sin(th);
    g->has_spare = true;
    return r * cos(th);
}

double random_uniform(Generator *g) { return cdl_rand_uniform(g); }
double random_normal(Generator *g) { return cdl_rand_normal(g); }

int64_t random_int(Generator *g, int64_t low, int64_t high)
{
    if (high <= low)
        error_raise(ERR_VALUE, "random_int: empty range [%lld, %lld) (high must be > low)",
                    (long long)low, (long long)high);
    uint64_t span = (uint64_t)(high - low);
    /* Rejection keeps the distribution exactly uniform. */
    uint64_t limit = UINT64_MAX - UINT64_MAX % span, v;
    do v = cdl_rand_u64(g); while (v >= limit);
    return low + (int64_t)(v % span);
}

/* Fills a contiguous CPU tensor with values from gen, then moves it to dev. */
typedef double (*Draw)(Generator *g, double a, double b);
static double draw_uniform(Generator *g, double a, double b) { return a + (b - a) * cdl_rand_uniform(g); }
static double draw_normal(Generator *g, double a, double b) { return a + b * cdl_rand_normal(g); }

static void fill_random(Tensor *t, Draw draw, Generator *g, double a, double b)
{
    int64_t n = t->numel;
    if (t->dtype == DT_FLOAT32) {
        float *p = t_ptr(t);
        for (int64_t i = 0; i < n; i++) p[i] = (float)draw(g, a, b);
    } else if (t->dtype == DT_FLOAT64) {
        double *p = t_ptr(t);
        for (int64_t i = 0; i < n; i++) p[i] = draw(g, a, b);
    } else {
        error_raise(ERR_TYPE, "random fill: needs a floating point tensor, not %s", dtype_name(t->dtype));
    }
}

static Tensor *fill_into(Tensor *x, Draw draw, Generator *g, double a, double b, const char *fn)
{
    interrupt_check();
    t_begin_inplace(x, fn);
    if (x->device == DEVICE_CPU && x->contiguous) {
        fill_random(x, draw, g, a, b);
    } else {
        Tensor *tmp = t_new(x->dtype, x->ndim, x->shape, DEVICE_CPU);
        fill_random(tmp, draw, g, a, b);
        t_backend(x)->copy(x, tensor_to_device(tmp, x->device));
    }
    return x;
}

Tensor *tensor_uniform_(Tensor *x, double lo, double hi, Generator *gen)
{
    return fill_into(x, draw_uniform, gen, lo, hi, "tensor_uniform_");
}

Tensor *tensor_normal_(Tensor *x, double mean, double std, Generator *gen)
{
    return fill_into(x, draw_normal, gen, mean, std, "tensor_normal_");
}

static Tensor *random_tensor(Generator *gen, int ndim, const int64_t *dims, Draw draw, const char *fn)
{
    interrupt_check();
    t_check_shape(ndim, dims, fn);
    Tensor *t = t_new(cdl_default_dtype, ndim, dims, DEVICE_CPU);
    fill_random(t, draw, gen, 0, 1);
    return cdl_default_device == DEVICE_CPU ? t : tensor_to_device(t, cdl_default_device);
}

Tensor *tensor_rand_shape(Generator *gen, int ndim, const int64_t *dims)
{
    return random_tensor(gen, ndim, dims, draw_uniform, "tensor_rand");
}

Tensor *tensor_randn_shape(Generator *gen, int ndim, const int64_t *dims)
{
    return random_tensor(gen, ndim, dims, draw_normal, "tensor_randn");
}

Tensor *tensor_randint_shape(Generator *gen, int64_t low, int64_t high, int ndim, const int64_t *dims)
{
    interrupt_check();
    t_check_shape(ndim, dims, "tensor_randint");
    if (high <= low)
        error_raise(ERR_VALUE, "tensor_randint: empty range [%lld, %lld) (high must be > low)",
                    (long long)low, (long long)high);
    Tensor *t = t_new(DT_INT64, ndim, dims, DEVICE_CPU);
    int64_t *p = t_ptr(t);
    for (int64_t i = 0; i < t->numel; i++)
        p[i] = random_int(gen, low, high);
    return cdl_default_device == DEVICE_CPU ? t : tensor_to_device(t, cdl_default_device);
}

Tensor *tensor_randperm(int64_t n, Generator *gen)
{
    interrupt_check();
    if (n < 0)
        error_raise(ERR_VALUE, "tensor_randperm: n = %lld must be >= 0", (long long)n);
    Tensor *t = t_new(DT_INT64, 1, &n, DEVICE_CPU);
    int64_t *p = t_ptr(t);
    for (int64_t i = 0; i < n; i++)
        p[i] = i;
    for (int64_t i = n - 1; i > 0; i--) {  /* Fisher-Yates */
        int64_t j = random_int(gen, 0, i + 1), tmp = p[i];
        p[i] = p[j];
        p[j] = tmp;
    }
    return t;
}

Tensor *tensor_rand_like(const Tensor *x)
{
    Tensor *t = t_new(dtype_is_float(x->dtype) ? x->dtype : cdl_default_dtype, x->ndim, x->shape, DEVICE_CPU);
    fill_random(t, draw_uniform, NULL, 0, 1);
    return tensor_to_device(t, x->device);
}

Tensor *tensor_randn_like(const Tensor *x)
{
    Tensor *t = t_new(dtype_is_float(x->dtype) ? x->dtype : cdl_default_dtype, x->ndim, x->shape, DEVICE_CPU);
    fill_random(t, draw_normal, NULL, 0, 1);
    return tensor_to_device(t, x->device);
}
