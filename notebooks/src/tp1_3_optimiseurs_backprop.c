// %% [markdown]
// # TP 1.3 — Optimiseurs et rétropropagation à la main
//
// 1. Le même réseau, entraîné avec trois optimiseurs : **SGD avec momentum**, **RMSprop**
//    et **Adam**. Lequel descend le plus vite ?
// 2. La **rétropropagation** écrite à la main pour un petit MLP, comparée aux gradients
//    calculés par l'autograd du moteur.

// %% [markdown]
// ## 1. Trois optimiseurs
// Même initialisation (même graine), mêmes données, 500 époques ; la perte est relevée
// toutes les 5 époques.

// %% [code]
Dataset *lunes = datasets_make_moons(200, .noise = 0.2, .seed = 0);
Tensor *X = data_x(lunes), *y = data_y(lunes);

enum { EPOQUES = 500, PAS = 5, N_MESURES = EPOQUES / PAS };

Module *nouveau_reseau(void)
{
    manual_seed(42);   // même initialisation pour chaque optimiseur
    return nn_sequential(nn_linear(2, 32), nn_tanh(), nn_linear(32, 32), nn_tanh(), nn_linear(32, 2));
}

// %% [markdown]
// ### À FAIRE : un pas d'entraînement
// Quel que soit l'optimiseur, un pas d'entraînement enchaîne toujours les mêmes appels :
// remettre les gradients à zéro, calculer la perte (c'est fait), rétropropager, puis laisser
// l'optimiseur mettre à jour les poids. Complétez `pas_entrainement`.

// %% [solution] id=pas_entrainement
// Un pas de descente de gradient sur tout le jeu ; renvoie la perte avant la mise à jour.
double pas_entrainement(Module *m, Optimizer *opt)
{
    Tensor *perte = nn_cross_entropy(nn_forward(m, X), y);
    // ### BEGIN SOLUTION
    optim_zero_grad(opt);
    tensor_backward(perte);
    optim_step(opt);
    // ### END SOLUTION
    return tensor_item(perte);
}

// %% [code]
// Entraîne un réseau neuf avec l'optimiseur demandé ; remplit pertes[N_MESURES].
double train_with_optimizer(const char *nom, double *pertes)
{
    Module *m = nouveau_reseau();
    ParamList *p = nn_parameters(m);
    Optimizer *opt = !strcmp(nom, "SGD") ? optim_sgd(p, .lr = 0.05, .momentum = 0.9)
                   : !strcmp(nom, "RMSprop") ? optim_rmsprop(p, .lr = 0.005)
                   : optim_adam(p, .lr = 0.01);
    double perte_finale = 0;
    for (int e = 0; e < EPOQUES; e++) {
        perte_finale = pas_entrainement(m, opt);
        if (e % PAS == 0)
            pertes[e / PAS] = perte_finale;
    }
    return perte_finale;
}

const char *optimiseurs[] = { "SGD", "RMSprop", "Adam" };
double courbes[3][N_MESURES], finales[3], epoques[N_MESURES];
for (int k = 0; k < 3; k++) {
    finales[k] = train_with_optimizer(optimiseurs[k], courbes[k]);
    printf("%-8s perte initiale %.4f, perte finale %.4f\n", optimiseurs[k], courbes[k][0], finales[k]);
}
for (int i = 0; i < N_MESURES; i++) epoques[i] = i * PAS;
plt_figure(.width = 7, .height = 4.5);
for (int k = 0; k < 3; k++)
    plt_plot(epoques, courbes[k], N_MESURES, .label = optimiseurs[k]);
plt_yscale("log");
plt_xlabel("époque");
plt_ylabel("perte d'entraînement");
plt_title("Comparaison des optimiseurs");
plt_legend();
plt_show();

// %% [check] id=check_optimiseurs points=1
for (int k = 0; k < 3; k++)
    assert_true(finales[k] < 0.25 * courbes[k][0], "%s devrait diviser la perte par 4 au moins (%.4f au départ, %.4f à la fin)",
                optimiseurs[k], courbes[k][0], finales[k]);
assert_true(finales[2] < finales[0], "Adam devrait finir plus bas que SGD (%.4f contre %.4f)", finales[2], finales[0]);
check_passed("les trois optimiseurs apprennent ; Adam finit sous SGD");

// %% [markdown]
// ## 2. La rétropropagation à la main
// Un MLP à une couche cachée, en `float64` :
// $$H = \tanh(X W_1 + b_1), \qquad S = H W_2 + b_2, \qquad L = \frac{1}{N}\sum_i -\log \mathrm{softmax}(S_i)_{y_i}$$
// Les dérivées, de la sortie vers l'entrée :
// $$\frac{\partial L}{\partial S} = \frac{\mathrm{softmax}(S) - Y}{N},\quad
// \frac{\partial L}{\partial W_2} = H^\top \frac{\partial L}{\partial S},\quad
// \frac{\partial L}{\partial b_2} = \sum_i \frac{\partial L}{\partial S_i},\quad
// \frac{\partial L}{\partial H} = \frac{\partial L}{\partial S} W_2^\top,$$
// $$\frac{\partial L}{\partial A} = \frac{\partial L}{\partial H} \odot (1 - H^2),\quad
// \frac{\partial L}{\partial W_1} = X^\top \frac{\partial L}{\partial A},\quad
// \frac{\partial L}{\partial b_1} = \sum_i \frac{\partial L}{\partial A_i}$$
// où $A = X W_1 + b_1$ et $Y$ est le codage *one-hot* des classes.

// %% [code]
manual_seed(7);
enum { NB = 16, CACHE = 8 };
Tensor *Xb = tensor_to_dtype(tensor_narrow(X, 0, 0, NB), DT_FLOAT64);
Tensor *yb = tensor_narrow(y, 0, 0, NB);
Tensor *Y1 = tensor_zeros_dtype(DT_FLOAT64, NB, 2);
for (int i = 0; i < NB; i++)
    tensor_set(Y1, 1.0, i, (int64_t)tensor_get(yb, i));
Tensor *W1 = tensor_requires_grad_(tensor_mul_scalar(tensor_to_dtype(tensor_randn(2, CACHE), DT_FLOAT64), 0.5), true);
Tensor *b1 = tensor_requires_grad_(tensor_zeros_dtype(DT_FLOAT64, CACHE), true);
Tensor *W2 = tensor_requires_grad_(tensor_mul_scalar(tensor_to_dtype(tensor_randn(CACHE, 2), DT_FLOAT64), 0.5), true);
Tensor *b2 = tensor_requires_grad_(tensor_zeros_dtype(DT_FLOAT64, 2), true);

// Les gradients de l'autograd, pour comparer.
Tensor *H = tensor_tanh(tensor_add(tensor_matmul(Xb, W1), b1));
Tensor *S = tensor_add(tensor_matmul(H, W2), b2);
Tensor *L = nn_cross_entropy(S, yb);
tensor_backward(L);
printf("perte L = %.6f\n", tensor_item(L));

// %% [markdown]
// ### À FAIRE
// Calculez les quatre gradients à la main, sans autograd (`no_grad`), avec `tensor_matmul`,
// `tensor_t` (transposée), `tensor_sum_dim`, `tensor_softmax`, `tensor_mul`…

// %% [solution] id=backprop
Tensor *dW1, *db1, *dW2, *db2;
no_grad {
    Tensor *Hm = tensor_tanh(tensor_add(tensor_matmul(Xb, W1), b1));
    Tensor *Sm = tensor_add(tensor_matmul(Hm, W2), b2);
    dW1 = db1 = dW2 = db2 = tensor_zeros_dtype(DT_FLOAT64, 1);
    // ### BEGIN SOLUTION
    Tensor *dS = tensor_div_scalar(tensor_sub(tensor_softmax(Sm, 1), Y1), NB);
    dW2 = tensor_matmul(tensor_t(Hm), dS);
    db2 = tensor_sum_dim(dS, 0, false);
    Tensor *dH = tensor_matmul(dS, tensor_t(W2));
    Tensor *dA = tensor_mul(dH, tensor_rsub_scalar(tensor_square(Hm), 1.0));
    dW1 = tensor_matmul(tensor_t(Xb), dA);
    db1 = tensor_sum_dim(dA, 0, false);
    // ### END SOLUTION
}

// %% [code]
const char *noms[] = { "W1", "b1", "W2", "b2" };
Tensor *manuels[] = { dW1, db1, dW2, db2 };
Tensor *params[] = { W1, b1, W2, b2 };
double ecarts[4];
char tableau[1024];
int pos = snprintf(tableau, sizeof tableau, "| paramètre | forme | écart maximal avec l'autograd |\n|---|---|---|\n");
for (int k = 0; k < 4; k++) {
    Tensor *g = tensor_grad(params[k]);
    ecarts[k] = tensor_numel(manuels[k]) == tensor_numel(g)
              ? tensor_item(tensor_max(tensor_abs(tensor_sub(manuels[k], g)))) : INFINITY;
    pos += snprintf(tableau + pos, sizeof tableau - pos, "| `%s` | %s | %.2e |\n", noms[k], tensor_shape_str(g), ecarts[k]);
}
display_markdown(tableau);

// %% [check] id=check_backprop points=2
for (int k = 0; k < 4; k++)
    assert_true(ecarts[k] <= 1e-6, "le gradient de %s diffère de celui de l'autograd (écart %.3g)", noms[k], ecarts[k]);
check_passed("rétropropagation manuelle = autograd (écarts ≤ 1e-6)");

// %% [markdown]
// **À retenir** : l'autograd applique exactement ces règles de dérivation en chaîne,
// automatiquement, pour n'importe quelle composition d'opérations.
