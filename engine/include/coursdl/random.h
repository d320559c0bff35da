/* Random numbers: a seeded, reproducible generator (xoshiro256**). The
 * default generator is used unless a Generator is passed. */
#ifndef COURSDL_RANDOM_H
#define COURSDL_RANDOM_H

#include <stdint.h>
#include "tensor.h"

/* Seeds the default generator: same seed, same numbers. */
void manual_seed(uint64_t seed);
/* A new independent generator seeded with seed. */
Generator *generator_new(uint64_t seed);
/* Re-seeds a generator. */
void generator_manual_seed(Generator *gen, uint64_t seed);
/* The default generator. */
Generator *generator_default(void);
/* One uniform double in [0, 1) (gen NULL: default). */
double random_uniform(Generator *gen);
/* One standard normal double (gen NULL: default). */
double random_normal(Generator *gen);
/* One integer in [low, high) (gen NULL: default). */
int64_t random_int(Generator *gen, int64_t low, int64_t high);
/* Fills x in place: uniform in [lo, hi) / normal(mean, std). Returns x. */
Tensor *tensor_uniform_(Tensor *x, double lo, double hi, Generator *gen);
Tensor *tensor_normal_(Tensor *x, double mean, double std, Generator *gen);

#endif
