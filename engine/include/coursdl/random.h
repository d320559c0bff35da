/* Random numbers: a seeded, reproducible generator (xoshiro256**). The
 * default generator is used unless a Generator is passed. */
#ifndef COURSDL_RANDOM_H
#define COURSDL_RANDOM_H

#include <stdint.h>
#include "tensor.h"

/* Seeds the default generator, like torch.manual_seed: the same seed gives the
 * same initial weights, dropout masks, nn_fit shuffles and tensor_randn values
 * on every run (a data_loader has its own generator: its .seed option).
 * Arguments: seed, any 64-bit value.
 * Returns nothing. (Without any call, the default generator starts from a fixed
 * seed, so a fresh process repeats its numbers too.)
 * Errors: none.
 * Example:
 *   manual_seed(42);
 *   Module *net = nn_sequential(nn_linear(2, 16), nn_relu(), nn_linear(16, 2)); */
void manual_seed(uint64_t seed);
/* A new generator, independent of the default one, like
 * torch.Generator().manual_seed(seed): its own reproducible stream (a GAN's
 * fixed latent noise, say) that other random draws do not disturb.
 * Arguments: seed, any 64-bit value.
 * Returns a new Generator (garbage collected: never free it).
 * Errors: none.
 * Example:
 *   Generator *g = generator_new(1234);
 *   Tensor *noise = tensor_randn_g(g, 64, 100);   // a GAN's latent batch */
Generator *generator_new(uint64_t seed);
/* Re-seeds a generator, like g.manual_seed(seed): it restarts the stream that
 * this seed gives.
 * Arguments: gen, a generator from generator_new (NULL: the default one, as
 * manual_seed); seed, any 64-bit value.
 * Returns nothing.
 * Errors: none.
 * Example:
 *   generator_manual_seed(g, 1234);   // the same latent batch again */
void generator_manual_seed(Generator *gen, uint64_t seed);
/* The default generator, the one used when a function is given NULL as its
 * generator (like torch.default_generator).
 * Arguments: none.
 * Returns the engine's default Generator (never free it); it is seeded with a
 * fixed value at first use unless manual_seed was called.
 * Errors: none.
 * Example:
 *   Generator *g = generator_default();
 *   double u = random_uniform(g);   // same as random_uniform(NULL) */
Generator *generator_default(void);
/* One uniform random number in [0, 1), like random.random() in Python.
 * Arguments: gen, a generator, or NULL for the default one.
 * Returns a double in [0, 1) (53 random bits).
 * Errors: none.
 * Example:
 *   if (random_uniform(NULL) < 0.5) img = tensor_flip(img, -1);   // mirrored */
double random_uniform(Generator *gen);
/* One number drawn from the standard normal distribution (mean 0, std 1),
 * like random.gauss(0, 1) in Python.
 * Arguments: gen, a generator, or NULL for the default one.
 * Returns a double.
 * Errors: none.
 * Example:
 *   double xi = -3 + 6 * random_uniform(NULL);
 *   double yi = sin(xi) + 0.1 * random_normal(NULL);   // a noisy sample of sin */
double random_normal(Generator *gen);
/* One random integer in [low, high), each equally likely, like
 * random.randrange(low, high) in Python.
 * Arguments: gen, a generator, or NULL for the default one; low < high.
 * Returns an int64_t in [low, high).
 * Errors: ValueError when high <= low (an empty range).
 * Example:
 *   int64_t i = random_int(NULL, 0, 60000);   // a random MNIST image index */
int64_t random_int(Generator *gen, int64_t low, int64_t high);
/* Fills x in place with random values, like x.uniform_(lo, hi) and
 * x.normal_(mean, std) (tensor_uniform_, tensor_normal_): a custom weight init.
 * Arguments: x, a float32 or float64 tensor (any device, any strides); lo and hi
 * the bounds of the uniform range [lo, hi); mean and std of the normal
 * distribution; gen, a generator, or NULL for the default one.
 * Returns x itself, changed in place.
 * Errors: TypeError for an integer or bool tensor; RuntimeError when x requires
 * grad and recording is on (do it inside no_grad { ... }).
 * Example:
 *   Tensor *W = nn_get_parameter(net, "0.weight");
 *   no_grad { tensor_normal_(W, 0, 0.02, NULL); }   // DCGAN's init */
Tensor *tensor_uniform_(Tensor *x, double lo, double hi, Generator *gen);
Tensor *tensor_normal_(Tensor *x, double mean, double std, Generator *gen);

#endif
