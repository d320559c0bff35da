/* Mid-size CPU tensor data carved from shared collector blocks. Boehm's
 * collector hands out objects over 2 KB (half its 4 KB block) through its
 * large-object path, which searches its free lists size by size: ~0.5 us
 * per allocation against ~0.05 us for a small object (measured on this
 * machine, 3.9 KB objects, 16 MB heap), and a PINN step makes 175 tensors
 * of 3.9 KB (moons: 16 of 25.6 KB per epoch). Pieces of 2-32 KB are cut
 * one after the other from pointer-free blocks: the collector sees one
 * allocation per block, and a block lives while any piece of it is
 * reachable (a Storage pointer into it is an interior pointer, which the
 * collector follows). The cost: a live piece keeps its whole block; tensors
 * of these sizes are mostly a step's temporaries. */
#include "backend.h"

#include <pthread.h>

/* Two sizes of blocks, so that a live piece keeps at most 16x (2-8 KB
 * pieces, 32 KB blocks) or 8x (8-32 KB pieces, 128 KB blocks) its own
 * size. The block being cut is a static, so that the collector scans it
 * and keeps the block alive while pieces are still cut from it. */
typedef struct Carver { size_t max_piece, block; char *next; size_t left; } Carver;
static Carver g_carvers[] = { { 8192, 32768, NULL, 0 }, { CPU_CARVE_MAX, 131072, NULL, 0 } };
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;

void *cpu_carve(size_t nbytes)
{
    /* 64-byte aligned, and 64 bytes of slack after the data: a write one
     * element past a tensor's data (a beginner's off-by-one) lands in the
     * slack, as it did in a block of its own, not in the next Storage. */
    nbytes = ((nbytes + 63) & ~(size_t)63) + 64;
    Carver *c = &g_carvers[nbytes > g_carvers[0].max_piece];
    pthread_mutex_lock(&g_lock);
    if (nbytes > c->left) {
        pthread_mutex_unlock(&g_lock);
        char *block = cdl_alloc_atomic(c->block);  /* may raise: no lock held */
        pthread_mutex_lock(&g_lock);
        c->next = block;
        c->left = c->block;
    }
    void *p = c->next;
    c->next += nbytes;
    c->left -= nbytes;
    pthread_mutex_unlock(&g_lock);
    return p;
}
