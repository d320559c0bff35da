/* The autograd graph drawn like torchviz's make_dot: one box per operation,
 * named like PyTorch's grad_fn (AddmmBackward0, ConvolutionBackward0,
 * ReluBackward0, NllLossBackward0...), an AccumulateGrad box above each leaf,
 * the leaves in light blue with their names and shapes, the output in green.
 * Laid out by Graphviz (dot); shown as SVG (and PNG) in the notebook:
 *     Tensor *loss = nn_cross_entropy(nn_forward(model, x), y);
 *     autograd_graph(loss, .params = nn_named_parameters(model))      (Out[n]: the picture)
 * A Digraph also gives its DOT text and writes .svg / .png / .pdf / .dot files. */
#ifndef COURSDL_GRAPH_H
#define COURSDL_GRAPH_H

#include <stddef.h>
#include "tensor.h"
#include "nn.h"

typedef struct Digraph Digraph;

/* Options of autograd_graph; zero means default. */
typedef struct GraphOptions {
    ParamList *params;   /* names of the leaves: nn_named_parameters(model) (others show their shape only) */
    const char *rankdir; /* "TB" (default: the output at the bottom, like torchviz) or "LR" */
} GraphOptions;

/* The graph of the operations that computed t (which must have a grad_fn,
 * or be a leaf that requires grad): torchviz.make_dot(t, params=...). */
#define autograd_graph(t, ...) autograd_graph_((t), &(GraphOptions){ __VA_ARGS__ })
Digraph *autograd_graph_(Tensor *t, const GraphOptions *options);
/* Its DOT source (graphviz's Digraph.source). */
const char *digraph_source(const Digraph *g);
/* Renders it with Graphviz into a new malloc'd buffer (free it): format
 * "svg", "png" or "pdf"; *size gets the length (graphviz's Digraph.pipe). */
unsigned char *digraph_pipe(const Digraph *g, const char *format, size_t *size);
/* Writes it to path; the format follows the extension: .svg, .png, .pdf or .dot. */
void digraph_save(const Digraph *g, const char *path);
/* Shows it as a new display (SVG and PNG); returns the display id. */
int digraph_show(const Digraph *g);
/* Out[n] for a Digraph *: the picture. */
void digraph_display_out(Digraph *g);

#endif
