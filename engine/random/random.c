/* Seeded random numbers: xoshiro256** seeded through splitmix64, normals by
 * Box-Muller. Same seed, same numbers, on every run and machine. */
#include "../tensor/internal.h"
#include "../device/backend.h"
#include "../core/args.h"

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
    CDL_ARG_OPT_NAMED("generator_manual_seed", g, "gen");
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

double random_uniform(Generator *g) { CDL_ARG_OPT_NAMED("random_uniform", g, "gen"); return cdl_rand_uniform(g); }
double random_normal(Generator *g) { CDL_ARG_OPT_NAMED("random_normal", g, "gen"); return cdl_rand_normal(g); }

int64_t random_int(Generator *g, int64_t low, int64_t high)
{
    CDL_ARG_OPT_NAMED("random_int", g, "gen");
    if (high <= low)
        error_raise(ERR_VALUE, "random_int: empty range [%lld, %lld) (high must be > low)",
                    (long long)low, (long long)high);
    uint64_t span = (uint64_t)high - (uint64_t)low;  /* in uint64: high - low may not fit an int64 */
    /* Rejection keeps the distribution exactly uniform. */
    uint64_t limit = UINT64_MAX - UINT64_MAX % span, v;
    do v = cdl_rand_u64(g); while (v >= limit);
    return (int64_t)((uint64_t)low + v % span);
}

/* Fills x (any device, any strides) through the backend op random_fill. */
static Tensor *fill(Tensor *x, RandomDist dist, double a, double b, Generator *g, const char *fn)
{
    if (!dtype_is_float(x->dtype) && dist != RAND_INT)
        error_raise(ERR_TYPE, "%s: needs a floating point tensor, not %s", fn, dtype_name(x->dtype));
    dev_random_fill(&(RandomArgs){ .out = x, .dist = dist, .a = a, .b = b, .gen = g });
    return x;
}

Tensor *tensor_uniform_(Tensor *x, double lo, double hi, Generator *gen)
{
    CDL_ARG(x);
    CDL_ARG_OPT(gen);
    interrupt_check();
    if (!(lo <= hi))
        error_raise(ERR_VALUE, "tensor_uniform_: lo = %g is above hi = %g", lo, hi);
    t_begin_inplace(x, "tensor_uniform_");
    return fill(x, RAND_UNIFORM, lo, hi, gen, "tensor_uniform_");
}

Tensor *tensor_normal_(Tensor *x, double mean, double std, Generator *gen)
{
    CDL_ARG(x);
    CDL_ARG_OPT(gen);
    interrupt_check();
    if (!(std >= 0))
        error_raise(ERR_VALUE, "tensor_normal_: std = %g; it must be >= 0", std);
    t_begin_inplace(x, "tensor_normal_");
    return fill(x, RAND_NORMAL, mean, std, gen, "tensor_normal_");
}

static Tensor *random_tensor(Generator *gen, int ndim, const int64_t *dims, RandomDist dist, const char *fn)
{
    interrupt_check();
    t_check_shape(ndim, dims, fn);
    return fill(t_new(cdl_default_dtype, ndim, dims, cdl_default_device), dist, 0, 1, gen, fn);
}

Tensor *tensor_rand_shape(Generator *gen, int ndim, const int64_t *dims)
{
    CDL_ARG_OPT(gen);
    return random_tensor(gen, ndim, dims, RAND_UNIFORM, "tensor_rand");
}

Tensor *tensor_randn_shape(Generator *gen, int ndim, const int64_t *dims)
{
    CDL_ARG_OPT(gen);
    return random_tensor(gen, ndim, dims, RAND_NORMAL, "tensor_randn");
}

Tensor *tensor_randint_shape(Generator *gen, int64_t low, int64_t high, int ndim, const int64_t *dims)
{
    CDL_ARG_OPT(gen);
    interrupt_check();
    t_check_shape(ndim, dims, "tensor_randint");
    if (high <= low)
        error_raise(ERR_VALUE, "tensor_randint: empty range [%lld, %lld) (high must be > low)",
                    (long long)low, (long long)high);
    return fill(t_new(DT_INT64, ndim, dims, cdl_default_device), RAND_INT, (double)low, (double)high, gen,
                "tensor_randint");
}

Tensor *tensor_randperm(int64_t n, Generator *gen)
{
    CDL_ARG_OPT(gen);
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
    CDL_ARG(x);
    Tensor *t = t_new(dtype_is_float(x->dtype) ? x->dtype : cdl_default_dtype, x->ndim, x->shape, x->device);
    return fill(t, RAND_UNIFORM, 0, 1, NULL, "tensor_rand_like");
}

Tensor *tensor_randn_like(const Tensor *x)
{
    CDL_ARG(x);
    Tensor *t = t_new(dtype_is_float(x->dtype) ? x->dtype : cdl_default_dtype, x->ndim, x->shape, x->device);
    return fill(t, RAND_NORMAL, 0, 1, NULL, "tensor_randn_like");
}
