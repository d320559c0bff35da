/* autograd_graph: the graph behind a tensor as torchviz's make_dot draws it
 * (same boxes, names, colours and edge directions), written as DOT and laid
 * out by Graphviz's library (libgvc / libcgraph). Fused nodes of the engine
 * are drawn as PyTorch's separate ones: a fused conv + ReLU as
 * ConvolutionBackward0 then ReluBackward0, the fused cross-entropy as
 * LogSoftmaxBackward0 then NllLossBackward0, and a Linear's weight goes
 * through TBackward0 into AddmmBackward0, as in PyTorch. */
#include "../tensor/internal.h"
#include "../nn/nn_internal.h"
#include "../core/text.h"

#include <graphviz/gvc.h>
#include <stdio.h>
#include <stdlib.h>

#define GRAPH_MAX_NODES 5000

struct Digraph {
    char *source;  /* DOT text (GC memory) */
    int nodes;
};

typedef struct Walk {
    CdlText dot;
    const void **seen;
    int n_seen, cap_seen, nodes;
    const ParamList *params;
} Walk;

static bool seen(Walk *w, const void *p)
{
    for (int i = 0; i < w->n_seen; i++)
        if (w->seen[i] == p) return true;
    if (w->n_seen == w->cap_seen) {
        int cap = w->cap_seen ? 2 * w->cap_seen : 64;
        const void **s = cdl_alloc(sizeof(void *) * (size_t)cap);
        if (w->n_seen) memcpy(s, w->seen, sizeof(void *) * (size_t)w->n_seen);
        w->seen = s;
        w->cap_seen = cap;
    }
    w->seen[w->n_seen++] = p;
    return false;
}

/* torchviz's size_to_str: "(128, 784)", "(10)", "()". */
static const char *size_str(const Tensor *t)
{
    CdlText s = { 0 };
    cdl_text_put(&s, "(");
    for (int d = 0; d < t->ndim; d++) cdl_text_put(&s, "%s%lld", d ? ", " : "", (long long)t->shape[d]);
    cdl_text_put(&s, ")");
    return s.s;
}

static const char *name_of(Walk *w, const Tensor *t)
{
    for (int i = 0; w->params && i < w->params->n; i++)
        if (w->params->tensors[i] == t) return w->params->names ? w->params->names[i] : "";
    return "";
}

/* A DOT string literal's inside (quotes and backslashes escaped). */
static const char *esc(const char *s)
{
    CdlText t = { 0 };
    cdl_text_put(&t, "%s", "");
    for (; *s; s++) {
        if (*s == '"' || *s == '\\') cdl_text_put(&t, "\\%c", *s);
        else if (*s == '\n') cdl_text_put(&t, "\\n");  /* DOT's line break inside a label */
        else cdl_text_put(&t, "%c", *s);
    }
    return t.s;
}

static void add_box(Walk *w, const char *id, const char *label, const char *fill)
{
    if (++w->nodes > GRAPH_MAX_NODES)
        error_raise(ERR_VALUE, "autograd_graph: the graph has more than %d operations; draw a smaller one (a "
                    "single batch, fewer steps)", GRAPH_MAX_NODES);
    if (fill) cdl_text_put(&w->dot, "\t%s [label=\"%s\" fillcolor=%s]\n", id, label, fill);
    else cdl_text_put(&w->dot, "\t%s [label=%s]\n", id, label);
}

static void edge(Walk *w, const char *from, const char *to) { cdl_text_put(&w->dot, "\t%s -> %s\n", from, to); }

static const char *id_of(const void *p, const char *tag) { return nn_strf("%s%llx", tag, (unsigned long long)(uintptr_t)p); }

static void add_fn(Walk *w, Node *n, int depth);

/* The box an input of a node comes from (NULL: it needs no gradient, like PyTorch's None). */
static const char *source_of(Walk *w, Tensor *t, int depth)
{
    if (t->grad_fn) {
        add_fn(w, t->grad_fn, depth + 1);
        return id_of(t->grad_fn, "f");
    }
    if (!t->requires_grad) return NULL;
    const char *acc = id_of(t, "a"), *var = id_of(t, "v");
    if (!seen(w, t)) {
        add_box(w, acc, "AccumulateGrad", NULL);
        add_box(w, var, esc(nn_strf("%s\n %s", name_of(w, t), size_str(t))), "lightblue");
        edge(w, var, acc);
    }
    return acc;
}

static void add_fn(Walk *w, Node *n, int depth)
{
    if (seen(w, n)) return;
    if (depth > 4000)
        error_raise(ERR_VALUE, "autograd_graph: the graph is more than 4000 operations deep");
    const char *id = id_of(n, "f"), *into = id;
    add_box(w, id, n->rule->name, NULL);
    /* PyTorch's two nodes for the engine's fused ones: the inputs go into the inner one. */
    const char *inner = nn_node_is_fused_cross_entropy(n) ? "LogSoftmaxBackward0"
                        : nn_node_is_fused_conv_relu(n) ? "ConvolutionBackward0" : NULL;
    if (inner) {
        into = id_of(n, "g");
        add_box(w, into, inner, NULL);
        edge(w, into, id);
    }
    if (!strcmp(n->rule->name, "AddmmBackward0") && n->n_inputs >= 2) {
        /* Linear: addmm(bias, input, weight.t()), drawn in PyTorch's order. */
        if (n->n_inputs > 2) {
            const char *b = source_of(w, n->inputs[2], depth);
            if (b) edge(w, b, into);
        }
        const char *x = source_of(w, n->inputs[0], depth);
        if (x) edge(w, x, into);
        const char *wt = source_of(w, n->inputs[1], depth);
        if (wt) {
            const char *t = id_of(n, "t");
            add_box(w, t, "TBackward0", NULL);
            edge(w, wt, t);
            edge(w, t, into);
        }
        return;
    }
    for (int i = 0; i < n->n_inputs; i++) {
        const char *src = n->inputs[i] ? source_of(w, n->inputs[i], depth) : NULL;
        if (src) edge(w, src, into);
    }
}

Digraph *autograd_graph_(Tensor *t, const GraphOptions *o)
{
    CDL_ARG_NAMED("autograd_graph", t, "t");
    static const GraphOptions none;
    if (!o) o = &none;
    if (!t->grad_fn && !t->requires_grad)
        error_raise(ERR_VALUE, "autograd_graph: this tensor has no graph (no grad_fn): compute it from tensors that "
                    "require grad (model parameters, tensor_requires_grad_(x, true)), outside no_grad");
    if (o->rankdir && strcmp(o->rankdir, "TB") && strcmp(o->rankdir, "LR") && strcmp(o->rankdir, "BT") &&
        strcmp(o->rankdir, "RL"))
        error_raise(ERR_VALUE, "autograd_graph: rankdir \"%s\"; give \"TB\", \"LR\", \"BT\" or \"RL\"", o->rankdir);
    Walk w = { 0 };
    w.params = o->params;
    cdl_text_put(&w.dot, "digraph {\n\tgraph [size=\"12,12\"%s%s]\n", o->rankdir ? " rankdir=" : "", o->rankdir ? o->rankdir : "");
    cdl_text_put(&w.dot, "\tnode [align=left fontname=monospace fontsize=10 height=0.2 ranksep=0.1 shape=box style=filled]\n");
    const char *root = id_of(t, "r");
    if (t->grad_fn) {
        add_fn(&w, t->grad_fn, 0);
        edge(&w, id_of(t->grad_fn, "f"), root);
    }
    add_box(&w, root, esc(nn_strf("%s\n %s", name_of(&w, t), size_str(t))), "darkolivegreen1");
    cdl_text_put(&w.dot, "}\n");
    Digraph *g = cdl_alloc(sizeof *g);
    g->source = w.dot.s;
    g->nodes = w.nodes;
    return g;
}

const char *digraph_source(const Digraph *g)
{
    CDL_ARG(g);
    return g->source;
}

unsigned char *digraph_pipe(const Digraph *g, const char *format, size_t *size)
{
    CDL_ARG(g);
    static GVC_t *gvc;
    const char *fn = "digraph_pipe";
    if (!format || (strcmp(format, "svg") && strcmp(format, "png") && strcmp(format, "pdf")))
        error_raise(ERR_VALUE, "%s: format \"%s\"; give \"svg\", \"png\" or \"pdf\"", fn, format ? format : "(null)");
    if (!gvc) {
        agseterr(AGERR);  /* Graphviz's warnings stay quiet; errors are reported below */
        gvc = gvContext();
        if (!gvc) error_raise(ERR_RUNTIME, "%s: Graphviz could not start (gvContext failed)", fn);
    }
    Agraph_t *ag = agmemread(g->source);
    if (!ag) error_raise(ERR_RUNTIME, "%s: Graphviz could not read the graph's DOT text", fn);
    if (gvLayout(gvc, ag, "dot") != 0) {
        agclose(ag);
        error_raise(ERR_RUNTIME, "%s: Graphviz has no \"dot\" layout here; install the Debian package libgvc6 "
                    "(its plugins)", fn);
    }
    char *data = NULL;
    unsigned int len = 0;
    int rc = gvRenderData(gvc, ag, format, &data, &len);
    gvFreeLayout(gvc, ag);
    agclose(ag);
    if (rc != 0 || !data) {
        if (data) gvFreeRenderData(data);
        error_raise(ERR_RUNTIME, "%s: Graphviz cannot render %s here; install the Debian package libgvc6 (its "
                    "cairo plugin draws png and pdf)", fn, format);
    }
    unsigned char *out = malloc(len ? len : 1);
    if (!out) {
        gvFreeRenderData(data);
        error_raise(ERR_MEMORY, "%s: out of memory (%u bytes)", fn, len);
    }
    memcpy(out, data, len);
    gvFreeRenderData(data);
    if (size) *size = len;
    return out;
}

void digraph_save(const Digraph *g, const char *path)
{
    CDL_ARG(g);
    if (!path) error_raise(ERR_VALUE, "digraph_save: the path is NULL");
    const char *dot = strrchr(path, '.');
    const char *ext = dot ? dot + 1 : "";
    unsigned char *data;
    size_t size;
    if (!strcmp(ext, "dot") || !strcmp(ext, "gv")) {
        size = strlen(g->source);
        data = malloc(size + 1);
        if (!data) error_raise(ERR_MEMORY, "digraph_save: out of memory");
        memcpy(data, g->source, size);
    } else if (!strcmp(ext, "svg") || !strcmp(ext, "png") || !strcmp(ext, "pdf")) {
        data = digraph_pipe(g, ext, &size);
    } else {
        error_raise(ERR_VALUE, "digraph_save: %s: give a file name ending in .svg, .png, .pdf or .dot", path);
    }
    FILE *f = fopen(path, "wb");
    if (!f) {
        free(data);
        error_raise(ERR_IO, "digraph_save: cannot write %s (does its folder exist?)", path);
    }
    size_t put_n = fwrite(data, 1, size, f);
    int closed = fclose(f);
    free(data);
    if (put_n != size || closed != 0) error_raise(ERR_IO, "digraph_save: writing %s failed (disk full?)", path);
}

static int show(const Digraph *g, bool result)
{
    if (!g) error_raise(ERR_VALUE, "digraph_show: the graph is NULL");
    size_t svg_n, png_n;
    unsigned char *svg = digraph_pipe(g, "svg", &svg_n);
    unsigned char *png = NULL;
    png = digraph_pipe(g, "png", &png_n);
    char text[64];
    snprintf(text, sizeof text, "<Digraph: %d nodes>", g->nodes);
    DisplayItem items[3] = { { "image/svg+xml", svg, svg_n }, { "image/png", png, png_n }, { "text/plain", text, strlen(text) } };
    int id = 0;
    if (result) display_result(items, 3);
    else id = display_bundle(items, 3);
    free(svg);
    free(png);
    return id;
}

int digraph_show(const Digraph *g) { CDL_ARG(g); return show(g, false); }
void digraph_display_out(Digraph *g) { CDL_ARG_OPT(g); show(g, true); }
