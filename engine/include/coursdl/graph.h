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

/* The graph of the operations that computed t, drawn like
 * torchviz.make_dot(t, params=dict(model.named_parameters())).
 * Arguments: t, a tensor with a grad_fn (computed from tensors that require
 * grad, outside no_grad) or a leaf that requires grad; options .params (default
 * none: leaves show their shape only; nn_named_parameters(model) names them)
 * and .rankdir (default "TB", the output at the bottom; also "LR", "BT", "RL").
 * Returns a new Digraph (garbage collected); a cell that ends with it shows the
 * picture as Out[n]; digraph_show, digraph_save and digraph_source use it.
 * Errors: ValueError when t has no graph, for another rankdir, or for a graph
 * of more than 5000 operations or 4000 levels (draw a single batch).
 * Example:
 *   Tensor *loss = nn_cross_entropy(nn_forward(model, x), y);
 *   Digraph *g = autograd_graph(loss, .params = nn_named_parameters(model)); */
#define autograd_graph(t, ...) autograd_graph_((t), &(GraphOptions){ __VA_ARGS__ })
Digraph *autograd_graph_(Tensor *t, const GraphOptions *options);
/* The graph's DOT source, like graphviz's Digraph.source: text to paste into
 * any Graphviz tool.
 * Arguments: g, from autograd_graph.
 * Returns a string owned by g (do not free it), valid as long as g is.
 * Errors: none.
 * Example:
 *   printf("%s", digraph_source(autograd_graph(loss))); */
const char *digraph_source(const Digraph *g);
/* Renders the graph with Graphviz's dot layout, like graphviz's
 * Digraph.pipe(format=...).
 * Arguments: g, from autograd_graph; format, "svg", "png" or "pdf"; size, where
 * the length in bytes is stored (may be NULL).
 * Returns a new malloc'd buffer of the rendered file's bytes: free it.
 * Errors: ValueError for another format; RuntimeError when Graphviz cannot lay
 * out or render it (its plugins missing); MemoryError when out of memory.
 * Example:
 *   size_t n;
 *   unsigned char *png = digraph_pipe(g, "png", &n);
 *   display_png(png, n);
 *   free(png); */
unsigned char *digraph_pipe(const Digraph *g, const char *format, size_t *size);
/* Writes the graph to a file, like graphviz's Digraph.render; the format
 * follows the extension.
 * Arguments: g, from autograd_graph; path, ending in .svg, .png, .pdf, or .dot
 * (or .gv) for the DOT source; its folder must exist.
 * Returns nothing.
 * Errors: ValueError for another extension; IOError when the file cannot be
 * written; RuntimeError when Graphviz cannot render it (see digraph_pipe).
 * Example:
 *   digraph_save(autograd_graph(loss, .params = nn_named_parameters(model)),
 *                "mlp_graph.svg"); */
void digraph_save(const Digraph *g, const char *path);
/* Shows the graph as a new display (SVG and PNG, with "<Digraph: N nodes>" as
 * text), like display(dot) in Jupyter; unlike ending the cell with it, this
 * works anywhere in the cell.
 * Arguments: g, from autograd_graph.
 * Returns the new display's id (> 0).
 * Errors: RuntimeError when Graphviz cannot render it (see digraph_pipe).
 * Example:
 *   digraph_show(autograd_graph(loss, .rankdir = "LR"));   // left to right */
int digraph_show(const Digraph *g);
/* Out[n] for a Digraph *: shows the picture as the cell's result; a cell
 * that ends with a Digraph expression calls it through display_out.
 * Arguments: g, from autograd_graph.
 * Returns nothing.
 * Errors: RuntimeError when Graphviz cannot render it (see digraph_pipe).
 * Example:
 *   digraph_display_out(autograd_graph(loss));   // what Out[n] shows */
void digraph_display_out(Digraph *g);

#endif
