/* autograd_graph: the nodes and edges of a known model's graph, as torchviz
 * draws PyTorch's (names from PyTorch 2 for the same model), rendered by
 * Graphviz as SVG / PNG; PyTorch's grad_fn names of the ops it shows, with
 * their derivatives checked by finite differences. */
#include <coursdl.h>
#include "check.h"
#include <unistd.h>

#define MAXN 128
typedef struct G {
    int n, m;
    char id[MAXN][40], label[MAXN][80];
    char efrom[MAXN * 2][40], eto[MAXN * 2][40];
    int from[MAXN * 2], to[MAXN * 2];
} G;

static int find(G *g, const char *id)
{
    for (int i = 0; i < g->n; i++) if (!strcmp(g->id[i], id)) return i;
    return -1;
}

/* Reads the nodes ("\tID [label=...]") and edges ("\tA -> B") of the DOT text. */
static void parse(const char *dot, G *g)
{
    memset(g, 0, sizeof *g);
    for (const char *p = dot; *p; ) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        char line[256];
        snprintf(line, sizeof line, "%.*s", (int)(len < 255 ? len : 255), p);
        char a[40], b[40];
        if (sscanf(line, "\t%39s -> %39s", a, b) == 2) {
            snprintf(g->efrom[g->m], 40, "%s", a);
            snprintf(g->eto[g->m++], 40, "%s", b);
        } else if (sscanf(line, "\t%39s [label=", a) == 1 && strstr(line, "[label=") && strcmp(a, "node")) {
            char *l = strstr(line, "label=") + 6;
            if (*l == '"') {  /* "name\n (shape)" */
                snprintf(g->label[g->n], 80, "%s", l + 1);
                char *q = strchr(g->label[g->n], '"');
                if (q) *q = 0;
            } else {
                snprintf(g->label[g->n], 80, "%s", l);
                char *q = strchr(g->label[g->n], ']');
                if (q) *q = 0;
            }
            snprintf(g->id[g->n++], 40, "%s", a);
        }
        p = e ? e + 1 : p + len;
    }
    for (int k = 0; k < g->m; k++) {  /* a node may be declared after its edges */
        g->from[k] = find(g, g->efrom[k]);
        g->to[k] = find(g, g->eto[k]);
    }
}

static int count_label(G *g, const char *label)
{
    int c = 0;
    for (int i = 0; i < g->n; i++) c += !strcmp(g->label[i], label);
    return c;
}

static int count_edge(G *g, const char *from, const char *to)
{
    int c = 0;
    for (int k = 0; k < g->m; k++)
        c += g->from[k] >= 0 && g->to[k] >= 0 && !strncmp(g->label[g->from[k]], from, strlen(from)) &&
             !strcmp(g->label[g->to[k]], to);
    return c;
}

static Tensor *f_nll(Tensor **in, void *ctx) { (void)ctx; return nn_nll(tensor_log_softmax(in[0], 1), tensor_from_i64(((int64_t[]){ 2, 0, 1 }), 3)); }
static Tensor *f_mse(Tensor **in, void *ctx) { (void)ctx; return nn_mse(tensor_square(in[0]), in[1]); }

int main(void)
{
    check_init();
    manual_seed(0);
    Module *m = nn_sequential(nn_conv2d(1, 4, 3), nn_relu(), nn_max_pool2d(2), nn_flatten(), nn_linear(0, 8), nn_relu(),
                              nn_dropout(0.3), nn_linear(8, 3));
    Tensor *x = tensor_randn(2, 1, 28, 28);
    Tensor *loss = nn_cross_entropy(nn_forward(m, x), tensor_from_i64(((int64_t[]){ 0, 1 }), 2));
    CHECK_STR(tensor_grad_fn_name(loss), "NllLossBackward0");
    Digraph *dg = autograd_graph(loss, .params = nn_named_parameters(m));
    static G g;
    parse(digraph_source(dg), &g);
    /* PyTorch's graph of the same model (torchviz.make_dot): */
    static const struct { const char *label; int n; } nodes[] = {
        { "NllLossBackward0", 1 }, { "LogSoftmaxBackward0", 1 }, { "AddmmBackward0", 2 }, { "TBackward0", 2 },
        { "MulBackward0", 1 }, { "ReluBackward0", 2 }, { "ViewBackward0", 1 }, { "MaxPool2DWithIndicesBackward0", 1 },
        { "ConvolutionBackward0", 1 }, { "AccumulateGrad", 6 }, { "0.weight\\n (4, 1, 3, 3)", 1 },
        { "0.bias\\n (4)", 1 }, { "4.weight\\n (8, 676)", 1 }, { "4.bias\\n (8)", 1 }, { "7.weight\\n (3, 8)", 1 },
        { "7.bias\\n (3)", 1 }, { "\\n ()", 1 },
    };
    int total = 0;
    for (size_t i = 0; i < sizeof nodes / sizeof nodes[0]; i++) {
        int c = count_label(&g, nodes[i].label);
        if (c != nodes[i].n) printf("node %s: %d, expected %d\n", nodes[i].label, c, nodes[i].n);
        CHECK(c == nodes[i].n);
        total += nodes[i].n;
    }
    CHECK(g.n == total);
    static const struct { const char *from, *to; int n; } edges[] = {
        { "NllLossBackward0", "\\n ()", 1 }, { "LogSoftmaxBackward0", "NllLossBackward0", 1 },
        { "AddmmBackward0", "LogSoftmaxBackward0", 1 }, { "TBackward0", "AddmmBackward0", 2 },
        { "AccumulateGrad", "TBackward0", 2 }, { "AccumulateGrad", "AddmmBackward0", 2 },
        { "MulBackward0", "AddmmBackward0", 1 }, { "ReluBackward0", "MulBackward0", 1 },
        { "AddmmBackward0", "ReluBackward0", 1 }, { "ViewBackward0", "AddmmBackward0", 1 },
        { "MaxPool2DWithIndicesBackward0", "ViewBackward0", 1 }, { "ReluBackward0", "MaxPool2DWithIndicesBackward0", 1 },
        { "ConvolutionBackward0", "ReluBackward0", 1 }, { "AccumulateGrad", "ConvolutionBackward0", 2 },
        { "0.weight", "AccumulateGrad", 1 }, { "7.bias", "AccumulateGrad", 1 },
    };
    int etotal = 0;
    for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++) {
        int c = count_edge(&g, edges[i].from, edges[i].to);
        if (c != edges[i].n) printf("edge %s -> %s: %d, expected %d\n", edges[i].from, edges[i].to, c, edges[i].n);
        CHECK(c == edges[i].n);
        etotal += edges[i].n;
    }
    CHECK(g.m == etotal + 4);  /* + the other four parameters' edges into their AccumulateGrad */
    /* Without names: shapes only. */
    static G g2;
    parse(digraph_source(autograd_graph(loss)), &g2);
    CHECK(count_label(&g2, "\\n (4, 1, 3, 3)") == 1 && count_label(&g2, "0.weight\\n (4, 1, 3, 3)") == 0);

    /* Rendered by Graphviz. */
    size_t n;
    unsigned char *svg = digraph_pipe(dg, "svg", &n);
    CHECK(n > 1000 && strstr((char *)svg, "<svg") && strstr((char *)svg, "ConvolutionBackward0"));
    free(svg);
    unsigned char *png = digraph_pipe(dg, "png", &n);
    CHECK(n > 1000 && !memcmp(png, "\x89PNG\r\n\x1a\n", 8));
    free(png);
    char path[] = "/tmp/cdl-graph-XXXXXX";
    CHECK(mkdtemp(path) != NULL);
    char f[200];
    snprintf(f, sizeof f, "%s/g.dot", path);
    digraph_save(dg, f);
    FILE *fp = fopen(f, "r");
    char back[8192] = "";
    size_t got = fp ? fread(back, 1, sizeof back - 1, fp) : 0;
    if (fp) fclose(fp);
    back[got] = 0;
    CHECK_STR(back, digraph_source(dg));
    snprintf(f, sizeof f, "%s/g.png", path);
    digraph_save(dg, f);
    CHECK(access(f, R_OK) == 0);
    unlink(f);
    snprintf(f, sizeof f, "%s/g.dot", path);
    unlink(f);
    rmdir(path);
    CHECK_RAISES(ERR_VALUE, "no graph", autograd_graph(tensor_ones(3)));
    CHECK_RAISES(ERR_VALUE, "format \"jpg\"", digraph_pipe(dg, "jpg", &n));
    CHECK_RAISES(ERR_VALUE, ".svg, .png", digraph_save(dg, "/tmp/g.bmp"));
    no_grad {
        Tensor *ng = nn_cross_entropy(nn_forward(m, x), tensor_from_i64(((int64_t[]){ 0, 1 }), 2));
        CHECK(tensor_grad_fn_name(ng) == NULL);
    }

    /* PyTorch's names of the ops the graph shows, and their derivatives. */
    Tensor *z = tensor_requires_grad_(tensor_to_dtype(tensor_randn(3, 4), DT_FLOAT64), true);
    Tensor *t = tensor_to_dtype(tensor_randn(3, 4), DT_FLOAT64);
    CHECK_STR(tensor_grad_fn_name(nn_nll(tensor_log_softmax(z, 1), tensor_from_i64(((int64_t[]){ 2, 0, 1 }), 3))), "NllLossBackward0");
    CHECK_STR(tensor_grad_fn_name(nn_mse(z, t)), "MseLossBackward0");
    CHECK_STR(tensor_grad_fn_name(nn_forward(nn_sequential(nn_conv2d(1, 2, 3), nn_relu()), x)), "ReluBackward0");
    Tensor *in[2] = { z, tensor_requires_grad_(t, true) };
    CHECK(autograd_gradcheck(f_nll, NULL, 1, in, .order = 2));
    CHECK(autograd_gradcheck(f_mse, NULL, 2, in, .order = 2));
    return CHECK_DONE();
}
