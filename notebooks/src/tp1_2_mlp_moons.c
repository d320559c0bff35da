// %% [markdown]
// # TP 1.2 — Perceptron multicouche sur les « deux lunes »
//
// Un seul perceptron ne trace que des droites. En empilant des couches (linéaire puis
// activation non linéaire), un **perceptron multicouche** (MLP) trace des frontières
// courbes. Nous allons voir trois régimes :
// * un réseau trop **simple** : il sous-apprend (*under-fitting*) ;
// * un réseau **profond** entraîné longtemps sur peu de données : il sur-apprend (*over-fitting*) ;
// * le même réseau avec du **dropout** : la régularisation limite le sur-apprentissage.

// %% [markdown]
// ## 1. Les données
// `datasets_make_moons` produit deux demi-lunes entrelacées (comme `sklearn.datasets.make_moons`).
// Peu de points d'entraînement et beaucoup de bruit : le terrain idéal pour sur-apprendre.

// %% [code]
Dataset *train = datasets_make_moons(80, .noise = 0.3, .seed = 1);
Dataset *val = datasets_make_moons(400, .noise = 0.3, .seed = 2);
Tensor *Xtr = data_x(train), *ytr = data_y(train);
Tensor *Xval = data_x(val), *yval = data_y(val);
printf("entraînement : %s, validation : %s\n", tensor_shape_str(Xtr), tensor_shape_str(Xval));

// %% [markdown]
// ## 2. Un MLP configurable
// ### À FAIRE
// Un module écrit dans le notebook : une fonction `forward` et des sous-modules enregistrés.
// Complétez `mlp_forward` : après sa couche linéaire, chaque couche cachée applique ReLU,
// puis le dropout si `p_dropout > 0` ; la dernière couche linéaire donne les scores des 2 classes.

// %% [solution] id=mlp
typedef struct {
    int n_lineaires;     // couches linéaires (cachées + sortie)
    double p_dropout;
} MLPConfig;

Tensor *mlp_forward(Module *self, Tensor *x, void *ctx)
{
    MLPConfig *cfg = ctx;
    char nom[16];
    for (int i = 0; i < cfg->n_lineaires - 1; i++) {
        snprintf(nom, sizeof nom, "fc%d", i);
        x = nn_forward(nn_get_module(self, nom), x);
        // ### BEGIN SOLUTION
        x = tensor_relu(x);
        if (cfg->p_dropout > 0)
            x = nn_forward(nn_get_module(self, "dropout"), x);
        // ### END SOLUTION
    }
    snprintf(nom, sizeof nom, "fc%d", cfg->n_lineaires - 1);
    return nn_forward(nn_get_module(self, nom), x);
}

Module *creer_mlp(int entree, const int *cachees, int n_cachees, int sortie, double p_dropout)
{
    MLPConfig *cfg = nn_alloc(sizeof *cfg);
    cfg->n_lineaires = n_cachees + 1;
    cfg->p_dropout = p_dropout;
    Module *m = nn_module("MLP", mlp_forward, cfg);
    char nom[16];
    int avant = entree;
    for (int i = 0; i <= n_cachees; i++) {
        int apres = i < n_cachees ? cachees[i] : sortie;
        snprintf(nom, sizeof nom, "fc%d", i);
        nn_register_module(m, nom, nn_linear(avant, apres));
        avant = apres;
    }
    if (p_dropout > 0)
        nn_register_module(m, "dropout", nn_dropout(p_dropout));
    return m;
}

// %% [code]
manual_seed(0);
Module *essai = creer_mlp(2, (int[]){ 16, 16 }, 2, 2, 0.2);
essai

// %% [check] id=check_mlp points=1
nn_eval(essai);
Tensor *sortie = nn_forward(essai, Xtr);
assert_true(tensor_ndim(sortie) == 2 && tensor_size(sortie, 0) == 80 && tensor_size(sortie, 1) == 2,
            "la sortie du MLP doit avoir la forme (80, 2), pas %s", tensor_shape_str(sortie));
Tensor *attendu = nn_forward(nn_get_module(essai, "fc2"),
    tensor_relu(nn_forward(nn_get_module(essai, "fc1"), tensor_relu(nn_forward(nn_get_module(essai, "fc0"), Xtr)))));
assert_close(tensor_item(tensor_max(tensor_abs(tensor_sub(sortie, attendu)))), 0, 1e-5,
             "écart entre votre forward (mode évaluation) et couche linéaire -> ReLU -> ... ");
check_passed("le MLP calcule la bonne fonction");

// %% [markdown]
// ## 3. La précision
// ### À FAIRE
// La classe prédite pour un point est celle de plus grand score (`tensor_argmax_dim` sur la
// dimension 1). Complétez `precision` : la fraction des points dont la classe prédite est la
// vraie classe `y` (`tensor_eq`, `tensor_float`, `tensor_mean`, `tensor_item`).

// %% [solution] id=precision
double precision(Tensor *scores, Tensor *y)
{
    double p = 0;
    // ### BEGIN SOLUTION
    p = tensor_item(tensor_mean(tensor_float(tensor_eq(tensor_argmax_dim(scores, 1, false), y))));
    // ### END SOLUTION
    return p;
}

// %% [check] id=check_precision points=1
{
    double s[4][2] = { { 2, 1 }, { 0, 3 }, { 5, -1 }, { 0.2, 0.1 } };   // classes prédites : 0, 1, 0, 0
    int64_t vraies[4] = { 0, 1, 1, 0 }, fausses[4] = { 1, 0, 1, 1 };
    Tensor *scores = tensor_from_f64(&s[0][0], 4, 2);
    assert_close(precision(scores, tensor_from_i64(vraies, 4)), 0.75, 1e-9, "précision de 3 bonnes prédictions sur 4");
    assert_close(precision(scores, tensor_from_i64(fausses, 4)), 0.0, 1e-9, "précision de 0 bonne prédiction sur 4");
}
check_passed("précision correcte");

// %% [markdown]
// ## 4. Entraîner et évaluer
// `entrainer_et_evaluer` entraîne sur tout le jeu d'entraînement à chaque époque (Adam) et
// mesure, après chaque époque, la perte et la précision sur l'entraînement et la validation.
// L'évaluation se fait en mode `nn_eval` (le dropout est alors désactivé) et sans graphe.

// %% [code]
enum { EPOQUES = 1500 };

typedef struct {
    double perte_train[EPOQUES], perte_val[EPOQUES];
    double acc_train[EPOQUES], acc_val[EPOQUES];
} Historique;

void entrainer_et_evaluer(Module *m, int epoques, double lr, Historique *h)
{
    Optimizer *opt = optim_adam(nn_parameters(m), .lr = lr);
    for (int e = 0; e < epoques; e++) {
        nn_train(m, true);
        optim_zero_grad(opt);
        Tensor *perte = nn_cross_entropy(nn_forward(m, Xtr), ytr);
        tensor_backward(perte);
        optim_step(opt);
        nn_eval(m);
        no_grad {
            Tensor *s_tr = nn_forward(m, Xtr), *s_val = nn_forward(m, Xval);
            h->perte_train[e] = tensor_item(nn_cross_entropy(s_tr, ytr));
            h->perte_val[e] = tensor_item(nn_cross_entropy(s_val, yval));
            h->acc_train[e] = precision(s_tr, ytr);
            h->acc_val[e] = precision(s_val, yval);
        }
    }
}

// %% [markdown]
// ## 5. Trois expériences

// %% [code]
manual_seed(0);
Module *simple = creer_mlp(2, (int[]){ 3 }, 1, 2, 0.0);
Module *profond = creer_mlp(2, (int[]){ 128, 128, 128 }, 3, 2, 0.0);
Module *profond_dropout = creer_mlp(2, (int[]){ 128, 128, 128 }, 3, 2, 0.5);
Historique h_simple, h_profond, h_dropout;
entrainer_et_evaluer(simple, EPOQUES, 0.01, &h_simple);
entrainer_et_evaluer(profond, EPOQUES, 0.003, &h_profond);
entrainer_et_evaluer(profond_dropout, EPOQUES, 0.003, &h_dropout);
const char *noms[] = { "simple", "profond", "profond + dropout" };
Historique *hs[] = { &h_simple, &h_profond, &h_dropout };
double minimum(const double *v, int n)
{
    double m = v[0];
    for (int i = 1; i < n; i++)
        if (v[i] < m) m = v[i];
    return m;
}

for (int i = 0; i < 3; i++)
    printf("%-18s : précision train %.3f, val %.3f ; perte val finale %.3f (minimum %.3f)\n", noms[i],
           hs[i]->acc_train[EPOQUES - 1], hs[i]->acc_val[EPOQUES - 1], hs[i]->perte_val[EPOQUES - 1],
           minimum(hs[i]->perte_val, EPOQUES));

// %% [check] id=check_experiences points=2
assert_true(h_profond.acc_train[EPOQUES - 1] >= 0.97, "le réseau profond devrait dépasser 97 %% de précision sur l'entraînement (%.1f %%)", 100 * h_profond.acc_train[EPOQUES - 1]);
assert_true(h_dropout.perte_val[EPOQUES - 1] < h_profond.perte_val[EPOQUES - 1],
            "le dropout devrait donner une perte de validation plus basse (%.3f contre %.3f)",
            h_dropout.perte_val[EPOQUES - 1], h_profond.perte_val[EPOQUES - 1]);
check_passed("sur-apprentissage du réseau profond, corrigé par le dropout");

// %% [markdown]
// ## 6. Courbes de perte et frontières de décision
// La frontière est calculée en une seule passe : toute la grille forme un tenseur de points.

// %% [code]
enum { G = 120 };
double gx[G], gy[G], zone[G * G], ep[EPOQUES];
double x1[400], x2[400];
int classes[400];

void frontiere(Module *m, const char *titre)
{
    Tensor *X = Xtr, *y = ytr;
    int n = (int)tensor_size(X, 0);
    for (int i = 0; i < n; i++) {
        x1[i] = tensor_get(X, i, 0);
        x2[i] = tensor_get(X, i, 1);
        classes[i] = (int)tensor_get(y, i);
    }
    for (int i = 0; i < G; i++) {
        gx[i] = -2.0 + 4.5 * i / (G - 1);
        gy[i] = -1.5 + 3.0 * i / (G - 1);
    }
    Tensor *grille = tensor_empty(G * G, 2);
    for (int j = 0; j < G; j++)
        for (int i = 0; i < G; i++) {
            tensor_set(grille, gx[i], j * G + i, 0);
            tensor_set(grille, gy[j], j * G + i, 1);
        }
    nn_eval(m);
    no_grad {
        Tensor *proba = tensor_select(tensor_softmax(nn_forward(m, grille), 1), 1, 1);
        tensor_to_f64_array(proba, zone, G * G);
    }
    plt_contourf(gx, G, gy, G, zone, .levels = 10, .cmap = "coolwarm", .alpha = 0.5);
    plt_scatter(x1, x2, n, .labels = classes, .edgecolor = "white");
    plt_title(titre);
}

for (int e = 0; e < EPOQUES; e++) ep[e] = e + 1;
plt_subplots(2, 3, .width = 15, .height = 9);
for (int i = 0; i < 3; i++) {
    plt_subplot(2, 3, i + 1);
    plt_plot(ep, hs[i]->perte_train, EPOQUES, .label = "entraînement");
    plt_plot(ep, hs[i]->perte_val, EPOQUES, .label = "validation");
    plt_yscale("log");
    plt_title(noms[i]);
    plt_xlabel("époque");
    plt_ylabel("perte (entropie croisée)");
    plt_legend();
    plt_subplot(2, 3, i + 4);
    frontiere(i == 0 ? simple : i == 1 ? profond : profond_dropout, noms[i]);
}
plt_tight_layout();
plt_show();

// %% [markdown]
// **À retenir** : trop simple, le réseau ne peut pas suivre les lunes ; trop libre, il
// apprend le bruit des 80 points (la perte d'entraînement tend vers 0 tandis que celle de
// validation remonte) ; le dropout, en éteignant des neurones au hasard pendant
// l'entraînement, l'oblige à des frontières plus lisses.
