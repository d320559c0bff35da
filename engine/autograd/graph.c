/* The autograd tape and engine: nodes recorded by ops, no_grad scopes, and
 * the backward pass shared by tensor_backward and autograd_grad. Backward
 * rules run as ordinary (recorded when create_graph) tensor ops, which is
 * what gives derivatives of any order. */
#include "../tensor/internal.h"

int cdl_grad_off;
static uint64_t g_pass;

static void reset_grad_mode(void) { cdl_grad_off = 0; }

__attribute__((constructor(102))) static void autograd_init(void)
{
    /* An error inside a no_grad scope (or a backward) must not leave
     * recording switched off for the next cell. */
    error_add_reset_hook(reset_grad_mode);
}

void no_grad_enter(void) { cdl_grad_off++; }
void no_grad_exit(void) { if (cdl_grad_off > 0) cdl_grad_off--; }
bool autograd_is_grad_enabled(void) { return cdl_grad_off == 0; }

Node *ag_record(Tensor *out, const GradRule *rule, int n, Tensor **inputs, const void *params, size_t params_size)
{
    CDL_ASSERT(params_size == rule->params_size, "%s: %zu bytes of parameters for a rule that takes %zu",
               rule->name, params_size, rule->params_size);
    size_t head = sizeof(Node) + sizeof(Tensor *) * (size_t)n;
    Node *node = cdl_alloc(head + params_size);
    node->rule = rule;
    node->n_inputs = n;
    memcpy(node->inputs, inputs, sizeof(Tensor *) * n);
    if (params_size) {
        node->params = (char *)node + head;  /* 8-byte aligned: head is a multiple of 8 */
        memcpy(node->params, params, params_size);
    }
    out->grad_fn = node;
    out->requires_grad = true;
    return node;
}

const void *ag_params(const Node *n, size_t size)
{
    CDL_ASSERT(n->params && n->rule->params_size == size, "%s: parameters of %zu bytes read as %zu",
               n->rule->name, n->rule->params_size, size);
    return n->params;
}

void ag_save(Node *n, Tensor *t)
{
    CDL_ASSERT(n->n_saved < NODE_MAX_SAVED, "%s saves more than %d tensors", n->rule->name, NODE_MAX_SAVED);
    n->saved_version[n->n_saved] = t->storage->version;
    n->saved[n->n_saved++] = t;
}

Tensor *ag_sum_to(Tensor *g, const Tensor *like)
{
    if (g->ndim == like->ndim && !memcmp(g->shape, like->shape, sizeof(int64_t) * g->ndim))
        return g;
    int dims[TENSOR_MAX_DIMS], n = 0, lead = g->ndim - like->ndim;
    for (int d = 0; d < g->ndim; d++)
        if (d < lead || (like->shape[d - lead] == 1 && g->shape[d] != 1))
            dims[n++] = d;
    Tensor *s = n ? t_sum_dims_impl(g, n, dims, true, "autograd") : g;
    return tensor_reshape_shape(s, like->ndim, like->shape);
}

/* ---- the engine ---- */

typedef struct Pass {
    int n_targets;          /* autograd_grad inputs (0: tensor_backward) */
    Tensor **targets;
    Tensor **results;
    bool create_graph;
    const char *fn;
} Pass;

static int target_index(const Pass *P, const Tensor *t)
{
    for (int k = 0; k < P->n_targets; k++)
        if (P->targets[k] == t)
            return k;
    return -1;
}

/* Whether the gradient of input t of a node is wanted. */
static bool wants(const Pass *P, const Tensor *t)
{
    if (!t->requires_grad)
        return false;
    if (target_index(P, t) >= 0)
        return true;
    if (t->grad_fn)
        return t->grad_fn->needed;
    return P->n_targets == 0;  /* a leaf: backward accumulates into .grad */
}

static Tensor *accumulate(Tensor *acc, Tensor *g)
{
    return acc ? tensor_add(acc, g) : g;
}

/* Marks t as held elsewhere (a result of autograd_grad, a gradient the
 * caller gave, one tensor handed to two inputs, an adopted leaf gradient):
 * it is then never freed as scratch nor adopted (see free_scratch). */
static void protect(Tensor *t)
{
    if (t && t->storage)
        t->storage->refs++;
}

static void deliver(const Pass *P, Tensor *t, Tensor *g)
{
    if (g->ndim != t->ndim || memcmp(g->shape, t->shape, sizeof(int64_t) * t->ndim))
        error_raise(ERR_RUNTIME, "%s: internal error, gradient of shape %s for a tensor of shape %s",
                    P->fn, tensor_shape_str(g), tensor_shape_str(t));
    if (g->dtype != t->dtype)
        g = tensor_to_dtype(g, t->dtype);
    int k = target_index(P, t);
    if (t->grad_fn) {
        t->grad_fn->acc = accumulate(t->grad_fn->acc, g);
    } else if (k >= 0) {
        P->results[k] = accumulate(P->results[k], g);
    } else if (P->n_targets == 0) {
        /* Leaf: .grad owns a contiguous tensor; later passes add into it.
         * A gradient nothing else holds (scratch of this pass: one tensor
         * on its storage, not the caller's, see protect()) is adopted; any
         * other is copied. */
        if (!t->grad) {
            if (P->create_graph)
                t->grad = g;
            else if (g->storage && g->storage->refs == 1 && g->contiguous && g->offset == 0 && !g->requires_grad &&
                     !g->grad_fn && !g->grad) {
                t->grad = g;
                protect(g);  /* never scratch again */
            } else
                t->grad = tensor_clone(tensor_detach(g));
        } else if (P->create_graph || t->grad->requires_grad) {
            t->grad = tensor_add(t->grad, g);
        } else {
            tensor_add_(t->grad, g);
        }
    }
}

/* Post-order of the nodes reachable from the roots (children first). */
static Node **collect(int n_roots, Tensor **roots, int *count)
{
    int cap = 64, n = 0, sp = 0, scap = 64;
    Node **order = cdl_alloc(sizeof(Node *) * cap);
    Node **stack = cdl_alloc(sizeof(Node *) * scap);
    int *next = cdl_alloc_atomic(sizeof(int) * scap);
    uint64_t pass = ++g_pass;
    for (int r = 0; r < n_roots; r++) {
        Node *root = roots[r]->grad_fn;
        if (!root || root->pass == pass)
            continue;
        root->pass = pass;
        stack[sp] = root;
        next[sp++] = 0;
        while (sp > 0) {
            Node *nd = stack[sp - 1];
            if (next[sp - 1] < nd->n_inputs) {
                Tensor *in = nd->inputs[next[sp - 1]++];
                Node *c = in->grad_fn;
                if (c && c->pass != pass) {
                    c->pass = pass;
                    if (sp == scap) {
                        scap *= 2;
                        Node **ns = cdl_alloc(sizeof(Node *) * scap);
                        int *nn = cdl_alloc_atomic(sizeof(int) * scap);
                        memcpy(ns, stack, sizeof(Node *) * sp);
                        memcpy(nn, next, sizeof(int) * sp);
                        stack = ns;
                        next = nn;
                    }
                    stack[sp] = c;
                    next[sp++] = 0;
                }
            } else {
                sp--;
                if (n == cap) {
                    cap *= 2;
                    Node **no = cdl_alloc(sizeof(Node *) * cap);
                    memcpy(no, order, sizeof(Node *) * n);
                    order = no;
                }
                nd->acc = NULL;
                nd->needed = false;
                order[n++] = nd;
            }
        }
    }
    *count = n;
    return order;
}

/* After a node's rule ran in a pass that records nothing, its incoming
 * gradient g is scratch that nothing can reach any more, unless it was
 * handed on: passed through by the rule (gi[k] == g), viewed (a view
 * raises storage->refs above 1), or kept (protect() raised refs: a result
 * of autograd_grad, a gradient the caller gave, one tensor handed to two
 * inputs). Otherwise it is freed now, so that its memory serves the next
 * op at once instead of waiting for a collection. */
static void free_scratch(Tensor *g, Tensor **gis, int n_inputs)
{
    if (!g->storage || g->storage->refs != 1 || g->requires_grad || g->grad)
        return;
    for (int k = 0; k < n_inputs; k++)
        if (gis[k] == g)
            return;
    t_free_scratch(g);
}

static void run_pass(const Pass *P, int n_roots, Tensor **roots, Tensor **root_grads, bool retain)
{
    int n;
    Node **order = collect(n_roots, roots, &n);
    /* Which nodes lead to a wanted gradient (children come first). */
    for (int i = 0; i < n; i++) {
        Node *nd = order[i];
        for (int k = 0; k < nd->n_inputs && !nd->needed; k++)
            nd->needed = wants(P, nd->inputs[k]);
    }
    /* Check everything before running anything: errors leave no half state. */
    for (int i = 0; i < n; i++) {
        Node *nd = order[i];
        if (!nd->needed)
            continue;
        if (nd->freed)
            error_raise(ERR_RUNTIME, "%s: trying to backward through the graph a second time (the saved "
                        "tensors of %s were freed by the first backward); pass .retain_graph = true to the "
                        "first call if you need to backward twice", P->fn, nd->rule->name);
        for (int k = 0; k < nd->n_saved; k++)
            if (nd->saved[k]->storage->version != nd->saved_version[k])
                error_raise(ERR_RUNTIME, "%s: a tensor needed for gradient computation was modified by an "
                            "in-place operation (input of %s, shape %s, is at version %llu; expected %llu); "
                            "use an out-of-place op or tensor_clone() before changing it", P->fn,
                            nd->rule->name, tensor_shape_str(nd->saved[k]),
                            (unsigned long long)nd->saved[k]->storage->version,
                            (unsigned long long)nd->saved_version[k]);
    }
    int saved_mode = cdl_grad_off;
    cdl_grad_off = P->create_graph ? 0 : 1;
    for (int r = 0; r < n_roots; r++) {
        if (!P->create_graph)
            protect(root_grads[r]);  /* the caller's (or a fresh ones), never scratch */
        deliver(P, roots[r], root_grads[r]);
    }
    Tensor *gi[64], **gis = gi;
    bool need[64], *needs = need;
    for (int i = n - 1; i >= 0; i--) {
        Node *nd = order[i];
        Tensor *g = nd->acc;
        nd->acc = NULL;
        if (!g)
            continue;
        bool target = false;
        for (int k = 0; k < P->n_targets; k++)
            if (P->targets[k]->grad_fn == nd) {
                P->results[k] = g;
                if (!target)
                    protect(g);
                target = true;
            }
        if (!nd->needed)
            continue;
        if (nd->n_inputs > 64) {
            gis = cdl_alloc(sizeof(Tensor *) * nd->n_inputs);
            needs = cdl_alloc_atomic(sizeof(bool) * nd->n_inputs);
        }
        bool any = false;
        for (int k = 0; k < nd->n_inputs; k++) {
            gis[k] = NULL;
            needs[k] = wants(P, nd->inputs[k]);
            any |= needs[k];
        }
        if (any) {
            nd->rule->fn(nd, g, gis, needs);
            if (!P->create_graph)
                for (int k = 0; k < nd->n_inputs; k++)
                    for (int j = 0; j < k; j++)
                        if (gis[k] && gis[j] == gis[k] && needs[k] && needs[j]) {
                            protect(gis[k]);  /* one tensor, two consumers */
                            break;
                        }
            for (int k = 0; k < nd->n_inputs; k++)
                if (needs[k] && gis[k])
                    deliver(P, nd->inputs[k], gis[k]);
            if (!P->create_graph)
                free_scratch(g, gis, nd->n_inputs);
        }
        if (!retain) {
            nd->freed = true;
            for (int k = 0; k < nd->n_saved; k++)
                nd->saved[k] = NULL;
        }
        gis = gi;
        needs = need;
    }
    cdl_grad_off = saved_mode;
}

static Tensor *root_grad(Tensor *out, Tensor *grad, const char *fn)
{
    if (!out->requires_grad)
        error_raise(ERR_RUNTIME, "%s: the tensor of shape %s does not require grad and has no grad_fn "
                    "(mark the inputs with tensor_requires_grad_(x, true), and do not compute it inside no_grad)",
                    fn, tensor_shape_str(out));
    if (!grad) {
        if (out->numel != 1)
            error_raise(ERR_RUNTIME, "%s: grad can be implicitly created only for scalar outputs, but the "
                        "output has shape %s; pass the gradient of the same shape (e.g. tensor_ones_like(y))",
                        fn, tensor_shape_str(out));
        Tensor *g = t_new(out->dtype, out->ndim, out->shape, out->device);
        tensor_fill_(g, 1);
        return g;
    }
    if (grad->ndim != out->ndim || memcmp(grad->shape, out->shape, sizeof(int64_t) * out->ndim)) {
        if (grad->numel != out->numel || grad->numel != 1)
            error_raise(ERR_SHAPE, "%s: the gradient has shape %s but the output has shape %s; they must match",
                        fn, tensor_shape_str(grad), tensor_shape_str(out));
        grad = tensor_reshape_shape(grad, out->ndim, out->shape);
    }
    t_same_device(out, grad, fn);
    return grad;
}

void tensor_backward_(Tensor *t, const BackwardOptions *o)
{
    CDL_ARG_NAMED("tensor_backward", t, "t");
    interrupt_check();
    static const BackwardOptions none;
    if (!o) o = &none;
    Tensor *g = root_grad(t, o->gradient, "tensor_backward");
    Pass P = { 0, NULL, NULL, o->create_graph, "tensor_backward" };
    if (!t->grad_fn) {
        /* A leaf: its own gradient. */
        int saved = cdl_grad_off;
        cdl_grad_off = o->create_graph ? 0 : 1;
        if (!o->create_graph)
            protect(g);  /* the caller's .gradient: copied, never adopted */
        deliver(&P, t, g);
        cdl_grad_off = saved;
        return;
    }
    run_pass(&P, 1, &t, &g, o->retain_graph || o->create_graph);
}

Tensor **autograd_grad_list(int n_out, Tensor **outputs, Tensor **grad_outputs,
                            int n_in, Tensor **inputs, const GradOptions *o)
{
    interrupt_check();
    static const GradOptions none;
    if (!o) o = &none;
    const char *fn = "autograd_grad";
    if (n_out <= 0 || n_in <= 0)
        error_raise(ERR_VALUE, "%s: needs at least one output and one input", fn);
    CDL_ARG_NAMED(fn, outputs, "outputs");
    CDL_ARG_NAMED(fn, inputs, "inputs");
    for (int i = 0; i < n_out; i++)
        CDL_ARG_NAMED(fn, outputs[i], "an entry of outputs");
    for (int k = 0; k < n_in; k++)
        CDL_ARG_NAMED(fn, inputs[k], "an entry of inputs");
    Tensor **gs = cdl_alloc(sizeof(Tensor *) * n_out);
    for (int i = 0; i < n_out; i++)
        gs[i] = root_grad(outputs[i], grad_outputs ? grad_outputs[i] : NULL, fn);
    for (int k = 0; k < n_in; k++)
        if (!inputs[k]->requires_grad)
            error_raise(ERR_RUNTIME, "%s: input %d (shape %s) does not require grad; call "
                        "tensor_requires_grad_(x, true) before computing the output from it",
                        fn, k, tensor_shape_str(inputs[k]));
    Tensor **results = cdl_alloc(sizeof(Tensor *) * n_in);
    Pass P = { n_in, inputs, results, o->create_graph, fn };
    run_pass(&P, n_out, outputs, gs, o->retain_graph || o->create_graph);
    /* Non-leaf inputs: the gradient that reached their node. Outputs that
     * are themselves inputs got theirs in deliver(). */
    for (int k = 0; k < n_in; k++) {
        if (!results[k]) {
            if (!o->allow_unused)
                error_raise(ERR_RUNTIME, "%s: input %d (shape %s) was not used to compute the output; "
                            "pass .allow_unused = true to get zeros for it", fn, k, tensor_shape_str(inputs[k]));
            results[k] = tensor_zeros_like(inputs[k]);
        }
    }
    return results;
}

Tensor *autograd_grad_(Tensor *output, Tensor *input, const GradOptions *o)
{
    CDL_ARG_NAMED("autograd_grad", output, "output");
    CDL_ARG_NAMED("autograd_grad", input, "input");
    static const GradOptions none;
    if (!o) o = &none;
    Tensor *go = o->grad_output;
    return autograd_grad_list(1, &output, go ? &go : NULL, 1, &input, o)[0];
}
