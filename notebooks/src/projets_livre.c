// %% [markdown]
// # Projets du livre — une calculatrice et des chiffres manuscrits
//
// Deux mini-projets menés de bout en bout avec des perceptrons multicouches (MLP) :
// 1. **la calculatrice**, un problème de *régression* : un réseau apprend à additionner deux
//    nombres, et l'on mesure ses erreurs (MSE, MAE, R²) ;
// 2. **les chiffres manuscrits**, un problème de *classification* : un réseau reconnaît les
//    chiffres de MNIST, et l'on mesure ses performances classe par classe (précision, rappel,
//    F1, matrice de confusion), puis on lui montre des chiffres dessinés à la main.
//
// Chaque projet suit le même cahier des charges : créer ou charger les données, les séparer
// en entraînement / validation / test, définir le modèle, l'entraîner en surveillant les deux
// pertes, l'évaluer sur des données qu'il n'a jamais vues, et analyser les résultats.

// %% [markdown]
// ## Le matériel et la graine
// L'entraînement irait plus vite sur un GPU ; le code est le même, seul le *device* change.
// La graine fixe le « hasard » : mêmes tirages, mêmes résultats à chaque exécution.

// %% [code]
if (device_cuda_available())
    printf("Le GPU est utilisé\n");
else
    printf("Le GPU n'est PAS utilisé, le CPU est utilisé\n");
manual_seed(42);

// %% [markdown]
// # Projet 1 — La calculatrice
//
// ## 1. Le jeu de données
// On tire des paires d'entiers dans $[\text{min}, \text{max}]$ et on calcule leur somme
// (ou leur produit). Les réseaux apprennent mieux sur des valeurs d'ordre 1 : on divise les
// entrées par `max` et la somme par `2 max` (le produit par `max²`), si bien que tout tient
// dans $[0, 1]$.
//
// ### À FAIRE
// Complétez `creer_jeu_calculatrice` : pour chaque ligne `i` de `paires` (les deux entiers
// $a$ et $b$), écrivez $a/\text{max}$ et $b/\text{max}$ dans `X` et le résultat normalisé dans
// `y` (`tensor_get`, `tensor_set`).

// %% [solution] id=jeu_calculatrice
typedef enum { ADDITION, MULTIPLICATION } Operation;

// Remplit *X (n, 2) et *y (n) avec n paires d'entiers de [min, max] et leur résultat, normalisés.
void creer_jeu_calculatrice(int n, int min, int max, Operation op, Tensor **X, Tensor **y)
{
    Tensor *paires = tensor_randint(min, max + 1, n, 2);
    *X = tensor_zeros(n, 2);
    *y = tensor_zeros(n);
    // ### BEGIN SOLUTION
    for (int i = 0; i < n; i++) {
        double a = tensor_get(paires, i, 0), b = tensor_get(paires, i, 1);
        tensor_set(*X, a / max, i, 0);
        tensor_set(*X, b / max, i, 1);
        tensor_set(*y, op == ADDITION ? (a + b) / (2.0 * max) : a * b / ((double)max * max), i);
    }
    // ### END SOLUTION
}

// %% [check] id=check_jeu_calculatrice points=1
{
    Tensor *Xe, *ye;
    creer_jeu_calculatrice(200, 0, 100, ADDITION, &Xe, &ye);
    assert_true(tensor_ndim(Xe) == 2 && tensor_size(Xe, 0) == 200 && tensor_size(Xe, 1) == 2 && tensor_numel(ye) == 200,
                "formes (200, 2) et (200) attendues, pas %s et %s", tensor_shape_str(Xe), tensor_shape_str(ye));
    assert_true(tensor_item(tensor_min(Xe)) >= 0 && tensor_item(tensor_max(Xe)) <= 1, "X doit être normalisé dans [0, 1]");
    assert_true(tensor_item(tensor_max(Xe)) > 0.9, "les entrées devraient couvrir [0, 1] (maximum %.2f)", tensor_item(tensor_max(Xe)));
    for (int i = 0; i < 200; i++) {
        double a = tensor_get(Xe, i, 0) * 100, b = tensor_get(Xe, i, 1) * 100;
        assert_true(fabs(a - round(a)) < 1e-4 && fabs(b - round(b)) < 1e-4, "X * max doit redonner des entiers (ligne %d : %g, %g)", i, a, b);
        assert_close(tensor_get(ye, i), (a + b) / 200, 1e-5, "somme normalisée");
    }
    creer_jeu_calculatrice(50, 0, 10, MULTIPLICATION, &Xe, &ye);
    for (int i = 0; i < 50; i++)
        assert_close(tensor_get(ye, i), tensor_get(Xe, i, 0) * tensor_get(Xe, i, 1), 1e-5, "produit normalisé");
}
check_passed("jeu de données correct");

// %% [markdown]
// Les hyperparamètres du projet, réunis en un seul endroit pour pouvoir jouer avec (le livre
// invite à essayer d'autres plages, d'autres tailles de réseau, `MULTIPLICATION`…) :

// %% [code]
enum { N_ECHANTILLONS = 10000, TAILLE_LOT = 64, EPOQUES = 10 };
const int VAL_MIN = 0, VAL_MAX = 100;
const Operation OPERATION = ADDITION;
const double TAUX = 0.1;                               // SGD ; avec Adam, prendre 0.001
const int ENTREE = 2, CACHEE = 16, SORTIE = 1, N_CACHEES = 3;

Tensor *X_calc, *y_calc;
creer_jeu_calculatrice(N_ECHANTILLONS, VAL_MIN, VAL_MAX, OPERATION, &X_calc, &y_calc);
// 80 % pour l'entraînement, 20 % pour la validation (le train_test_split de scikit-learn).
TrainTestSplit *decoupe = data_train_test_split(X_calc, y_calc, .test_size = 0.2, .seed = 42);
DataLoader *lots_train = data_loader(data_tensor_dataset(decoupe->x_train, decoupe->y_train),
                                     .batch_size = TAILLE_LOT, .shuffle = true, .seed = 42);
DataLoader *lots_val = data_loader(data_tensor_dataset(decoupe->x_test, decoupe->y_test), .batch_size = TAILLE_LOT);
printf("entraînement : %s, validation : %s, %lld lots de %d par époque\n", tensor_shape_str(decoupe->x_train),
       tensor_shape_str(decoupe->x_test), (long long)data_num_batches(lots_train), TAILLE_LOT);

// %% [markdown]
// ## 2. Un MLP « évolutif »
// Plutôt qu'une architecture figée, une fonction construit le réseau à partir de sa largeur
// (`cachee` neurones par couche) et de sa profondeur (`n_cachees` couches cachées) : on peut
// ainsi comparer facilement plusieurs architectures. Chaque couche cachée est une couche
// linéaire suivie de l'activation ; la couche de sortie est linéaire (une régression n'a pas
// d'activation en sortie).
//
// ### À FAIRE
// Complétez `creer_mlp` : ajoutez les `n_cachees` couches cachées (`nn_linear` puis
// `activation()`) avec `nn_sequential_add`, en tenant à jour `largeur`, la taille de la
// dernière couche ajoutée.

// %% [solution] id=creer_mlp
Module *creer_mlp(int entree, int cachee, int sortie, int n_cachees, Module *(*activation)(void))
{
    Module *m = nn_sequential_(NULL);
    int largeur = entree;
    // ### BEGIN SOLUTION
    for (int i = 0; i < n_cachees; i++) {
        nn_sequential_add(m, nn_linear(largeur, cachee));
        nn_sequential_add(m, activation());
        largeur = cachee;
    }
    // ### END SOLUTION
    nn_sequential_add(m, nn_linear(largeur, sortie));
    return m;
}

// %% [code]
manual_seed(42);
Module *modele = creer_mlp(ENTREE, CACHEE, SORTIE, N_CACHEES, nn_relu);
nn_summary(modele, ENTREE);

// %% [check] id=check_creer_mlp points=1
assert_true(nn_num_parameters(modele, false) == 609,
            "le MLP 2 -> 16 -> 16 -> 16 -> 1 a 48 + 272 + 272 + 17 = 609 paramètres, pas %lld",
            (long long)nn_num_parameters(modele, false));
assert_true(nn_num_children(modele) == 7, "3 couches cachées (linéaire + activation) et une sortie : 7 couches, pas %d",
            nn_num_children(modele));
Tensor *essai_sortie = nn_forward(creer_mlp(784, 40, 10, 5, nn_tanh), tensor_zeros(3, 784));
assert_true(tensor_size(essai_sortie, 0) == 3 && tensor_size(essai_sortie, 1) == 10, "sortie (3, 10) attendue, pas %s",
            tensor_shape_str(essai_sortie));
check_passed("MLP évolutif correct (609 paramètres pour l'architecture du livre)");

// %% [markdown]
// ## 3. L'entraînement
// À chaque époque : pour chaque lot, propagation avant, perte (l'erreur quadratique moyenne,
// MSE), rétropropagation, mise à jour ; puis la perte de validation, en mode évaluation et
// sans gradient. Les deux historiques de pertes permettent de repérer un sur-apprentissage.

// %% [code]
typedef struct {
    double train[64], val[64];
    int epoques;
} Pertes;

Optimizer *choisir_optimiseur(Module *m, const char *nom, double lr)
{
    if (!strcmp(nom, "adam"))
        return optim_adam(nn_parameters(m), .lr = lr);
    return optim_sgd(nn_parameters(m), .lr = lr);
}

// La perte moyenne par lot sur un chargeur ; entraîne le modèle si opt n'est pas NULL.
double passe(Module *m, DataLoader *lots, Optimizer *opt, LossFn perte_fn)
{
    double somme = 0;
    int n = 0;
    nn_train(m, opt != NULL);
    for (Batch *b; (b = data_next(lots)); n++) {
        if (opt) {
            optim_zero_grad(opt);
            Tensor *perte = perte_fn(nn_forward(m, b->x), b->y);
            tensor_backward(perte);
            optim_step(opt);
            somme += tensor_item(perte);
        } else {
            no_grad { somme += tensor_item(perte_fn(nn_forward(m, b->x), b->y)); }
        }
    }
    return somme / n;
}

Tensor *perte_mse(Tensor *sortie, Tensor *cible) { return nn_mse(tensor_reshape(sortie, -1), cible); }

void entrainer_modele(Module *m, DataLoader *train, DataLoader *val, int epoques, Optimizer *opt, LossFn perte_fn, Pertes *h)
{
    Progress *barre = progress_new(epoques, .desc = "Entraînement", .unit = "époque");
    for (int e = 0; e < epoques; e++) {
        h->train[e] = passe(m, train, opt, perte_fn);
        h->val[e] = passe(m, val, NULL, perte_fn);
        progress_set_postfix(barre, "perte=%.2e, val=%.2e", h->train[e], h->val[e]);
        progress_update(barre, 1);
    }
    progress_close(barre);
    h->epoques = epoques;
}

Pertes pertes_calc;
entrainer_modele(modele, lots_train, lots_val, EPOQUES, choisir_optimiseur(modele, "sgd", TAUX), perte_mse, &pertes_calc);
for (int e = 0; e < EPOQUES; e++)
    printf("époque %2d : perte %.3e, validation %.3e\n", e + 1, pertes_calc.train[e], pertes_calc.val[e]);

// %% [code]
double axe_epoques[64];
for (int e = 0; e < 64; e++) axe_epoques[e] = e + 1;
plt_figure(.width = 9, .height = 4.5);
plt_plot(axe_epoques, pertes_calc.train, EPOQUES, .label = "entraînement", .marker = "o");
plt_plot(axe_epoques, pertes_calc.val, EPOQUES, .label = "validation", .marker = "o");
bool positives = true;   // une échelle logarithmique n'affiche que des valeurs > 0
for (int e = 0; e < EPOQUES; e++) positives = positives && pertes_calc.train[e] > 0 && pertes_calc.val[e] > 0;
plt_yscale(positives ? "log" : "linear");
plt_title("Pertes d'entraînement et de validation");
plt_xlabel("époque");
plt_ylabel("perte (MSE, échelle logarithmique)");
plt_legend();
plt_show();

// %% [markdown]
// ## 4. Test : des paires jamais vues
// On tire 2000 nouvelles paires, on prédit, et l'on revient à l'échelle d'origine (× `2 max`)
// pour mesurer les erreurs en unités de la somme :
// * **MSE** $= \frac1n\sum (y_i - \hat y_i)^2$, l'erreur quadratique moyenne (pénalise les grands écarts) ;
// * **MAE** $= \frac1n\sum |y_i - \hat y_i|$, l'écart moyen, dans l'unité du résultat ;
// * **R²** $= 1 - \frac{\sum (y_i - \hat y_i)^2}{\sum (y_i - \bar y)^2}$, la part de la variance
//   expliquée (1 : parfait ; 0 : pas mieux que prédire la moyenne).

// %% [code]
enum { N_TEST = 2000, N_MONTRES = 60 };
Tensor *X_test_calc, *y_test_calc;
creer_jeu_calculatrice(N_TEST, VAL_MIN, VAL_MAX, OPERATION, &X_test_calc, &y_test_calc);
double echelle = OPERATION == ADDITION ? 2.0 * VAL_MAX : (double)VAL_MAX * VAL_MAX;
Tensor *y_vrai = tensor_mul_scalar(y_test_calc, echelle);
Tensor *y_pred = tensor_mul_scalar(tensor_reshape(nn_predict(modele, X_test_calc), -1), echelle);
double mse = metrics_mse(y_vrai, y_pred), mae = metrics_mae(y_vrai, y_pred), r2 = metrics_r2(y_vrai, y_pred);
printf("Mean Squared Error (MSE) : %.4f\nMean Absolute Error (MAE) : %.4f\nR-squared (R2) : %.4f\n", mse, mae, r2);

double vrais[N_MONTRES], predits[N_MONTRES];
for (int i = 0; i < N_MONTRES; i++) { vrais[i] = tensor_get(y_vrai, i); predits[i] = tensor_get(y_pred, i); }
plt_figure(.width = 11, .height = 5);
plt_scatter(NULL, vrais, N_MONTRES, .color = "tab:green", .label = "valeurs vraies");
plt_scatter(NULL, predits, N_MONTRES, .color = "tab:blue", .alpha = 0.5, .label = "prédictions");
for (int i = 0; i < N_MONTRES; i++)
    if (fabs(predits[i] - vrais[i]) > 1)
        plt_annotate("", i, predits[i], i, vrais[i], .arrow = true, .arrowcolor = "tab:red");
plt_title("Valeurs vraies et prédictions (flèche rouge : écart > 1)");
plt_xlabel("exemple de test");
plt_ylabel("a + b");
plt_legend();
plt_show();

// %% [check] id=check_calculatrice points=2
assert_true(nn_num_parameters(modele, false) == 609, "le modèle évalué doit être le MLP du livre (609 paramètres)");
assert_true(pertes_calc.train[EPOQUES - 1] < 0.1 * pertes_calc.train[0], "la perte d'entraînement devrait être divisée par 10 au moins (%.3e -> %.3e)",
            pertes_calc.train[0], pertes_calc.train[EPOQUES - 1]);
assert_true(r2 >= 0.99, "R² = %.4f : le modèle devrait expliquer plus de 99 %% de la variance", r2);
assert_true(mae <= 3.0, "MAE = %.2f : l'écart moyen devrait rester sous 3", mae);
check_passed("la calculatrice additionne : R² = %.4f, MAE = %.2f", r2, mae);


// %% [markdown]
// ## 5. Des inférences à la main
// ### À FAIRE
// Complétez `predire_somme` : normalisez les deux nombres comme à l'entraînement, faites
// une prédiction **sans gradient** (`no_grad { ... }`, ou `nn_predict`, qui passe aussi le
// modèle en mode évaluation), puis revenez à l'échelle d'origine (× `2 max`).

// %% [solution] id=predire_somme
double predire_somme(Module *m, double a, double b, int max)
{
    double somme = 0;
    // ### BEGIN SOLUTION
    Tensor *x = tensor_zeros(1, 2);
    tensor_set(x, a / max, 0, 0);
    tensor_set(x, b / max, 0, 1);
    nn_eval(m);
    no_grad { somme = tensor_item(nn_forward(m, x)) * 2.0 * max; }
    // ### END SOLUTION
    return somme;
}

// %% [code]
double s50 = predire_somme(modele, 50, 50, VAL_MAX), s6 = predire_somme(modele, 6, 6, VAL_MAX);
printf("La somme prédite de 50 et 50 est : %.2f (arrondie : %.0f)\n", s50, round(s50));
printf("La somme prédite de 6 et 6 est : %.2f (arrondie : %.0f)\n", s6, round(s6));

// %% [check] id=check_predire_somme points=1
{
    double paires[3][2] = { { 50, 50 }, { 12, 71 }, { 93, 4 } };
    for (int i = 0; i < 3; i++) {
        Tensor *x = tensor_zeros(1, 2);
        tensor_set(x, paires[i][0] / VAL_MAX, 0, 0);
        tensor_set(x, paires[i][1] / VAL_MAX, 0, 1);
        double attendu = tensor_item(nn_predict(modele, x)) * 2 * VAL_MAX;
        assert_close(predire_somme(modele, paires[i][0], paires[i][1], VAL_MAX), attendu, 1e-3 * fabs(attendu) + 1e-3,
                     "prédiction du modèle remise à l'échelle");
    }
    assert_true(fabs(s50 - 100) < 3, "50 + 50 prédit %.2f", s50);
}
check_passed("inférence à la main correcte : 50 + 50 ≈ %.2f", s50);

// %% [markdown]
// ## 6. Et hors de la plage d'entraînement ?
// Le réseau n'a vu que des nombres de 0 à 100. Comparons l'erreur sur des paires de cette
// plage et sur des paires de 100 à 200, puis suivons la prédiction de $v + v$ pour $v$ de 0 à 400.

// %% [code]
double erreur_moyenne(int lo, int hi, int n)
{
    double somme = 0;
    for (int i = 0; i < n; i++) {
        double a = random_int(NULL, lo, hi + 1), b = random_int(NULL, lo, hi + 1);
        somme += fabs(predire_somme(modele, a, b, VAL_MAX) - (a + b));
    }
    return somme / n;
}

manual_seed(7);
double mae_dedans = erreur_moyenne(0, 100, 500), mae_dehors = erreur_moyenne(100, 200, 500);
printf("erreur absolue moyenne : %.2f pour des nombres de 0 à 100, %.2f pour des nombres de 100 à 200\n",
       mae_dedans, mae_dehors);

enum { NV = 81 };
double v[NV], vrai_vv[NV], predit_vv[NV];
for (int i = 0; i < NV; i++) {
    v[i] = 5.0 * i;
    vrai_vv[i] = 2 * v[i];
    predit_vv[i] = predire_somme(modele, v[i], v[i], VAL_MAX);
}
plt_figure(.width = 8, .height = 5);
double plage[2] = { 0, 100 }, bas[2] = { 0, 0 }, haut[2] = { 800, 800 };
plt_fill_between(plage, bas, haut, 2, .color = "tab:green", .alpha = 0.12, .label = "plage d'entraînement");
plt_plot(v, vrai_vv, NV, .color = "black", .linestyle = "--", .label = "v + v");
plt_plot(v, predit_vv, NV, .color = "tab:blue", .label = "prédiction du réseau");
plt_xlabel("v");
plt_ylabel("somme");
plt_title("Extrapolation : le réseau hors de ce qu'il a vu");
plt_legend(.loc = "upper left");
plt_show();

// %% [check] id=check_extrapolation points=1
assert_true(mae_dedans < 3, "dans la plage d'entraînement, l'erreur moyenne devrait rester sous 3 (%.2f)", mae_dedans);
assert_true(mae_dehors > 5 * mae_dedans, "hors de la plage, l'erreur devrait exploser (%.2f contre %.2f)", mae_dehors, mae_dedans);
check_passed("erreur %.1f fois plus grande hors de la plage d'entraînement", mae_dehors / mae_dedans);

// %% [markdown]
// ### Questions
// **Q1.** Le réseau prédit-il correctement les sommes ? Est-il capable de généraliser à des
// nombres qu'il n'a jamais vus ? Pourquoi ?

// %% [answer] id=q_extrapolation points=1
// Sur la plage d'entraînement, oui : R² ≈ 0,999 et un écart moyen d'environ une unité. Hors de
// cette plage, non : l'erreur grandit d'autant plus qu'on s'éloigne. Avec ReLU, le réseau
// calcule une fonction **affine par morceaux** ; les morceaux situés au-delà des données ne
// sont contraints par aucun exemple, leur pente n'a aucune raison d'être exactement 1. Le
// réseau n'a pas appris la règle « a + b », seulement une approximation sur la région vue
// (avec tanh ou sigmoïde, la sortie saturerait même complètement). Pour généraliser, il faut
// des données qui couvrent la plage d'usage.

// %% [markdown]
// **Q2.** Dans `choisir_optimiseur`, remplacez SGD par Adam (`"adam"`, taux 0,001) : que
// change-t-il ? Et une activation `nn_tanh` ou `nn_sigmoid` dans `creer_mlp` ?

// %% [answer] id=q_hyperparametres points=1
// Adam adapte le pas de chaque paramètre : il converge en général plus vite et plus bas que
// SGD au même nombre d'époques (c'est l'optimiseur habituellement préféré, sans être toujours
// le meilleur). Avec tanh ou sigmoïde, l'apprentissage est plus lent (gradients plus faibles
// dans les zones saturées) et l'extrapolation plafonne ; ReLU est le choix habituel des
// couches cachées.

// %% [markdown]
// ### Questions sur le projet
// **Q3.** Pourquoi normaliser les données ? (a) pour réduire la taille du fichier ; (b) pour
// que chaque caractéristique contribue à l'apprentissage à la même échelle, avec des gradients
// de taille raisonnable ; (c) pour augmenter la résolution.

// %% [answer] id=q_normaliser points=1
// **(b).** Des entrées de même échelle (ici dans $[0, 1]$) rendent la surface d'erreur plus
// régulière : la descente de gradient converge plus vite et plus sûrement, sans qu'une entrée
// de grande amplitude domine les autres.

// %% [markdown]
// # Projet 2 — Reconnaître des chiffres manuscrits
//
// MNIST réunit des images de 28 × 28 pixels en niveaux de gris de chiffres écrits à la main
// (60 000 pour l'entraînement, 10 000 pour le test dans la version complète). Ce notebook
// utilise un **extrait** de 8 000 images d'entraînement et 2 000 de test, pour que tout tourne
// en quelques secondes sur un processeur ; avec les fichiers complets, le code est le même.
//
// ## 1. Charger, normaliser, découper
// Les pixels sont ramenés de $[0, 1]$ à $[-1, 1]$ (`(x - 0,5) / 0,5`, comme
// `Normalize((0.5,), (0.5,))`), puis 80 % des images d'entraînement servent à entraîner et
// 20 % à valider. Trois chargeurs distribuent les lots de 32 ; seul l'ordre du test ne change pas.

// %% [code]
enum { LOT = 32, N_CLASSES = 10 };
Dataset *mnist_train = datasets_mnist(NULL, true);
Dataset *mnist_test = datasets_mnist(NULL, false);
Dataset **morceaux = data_random_split(mnist_train, 2, (double[]){ 0.8, 0.2 }, 42);
Transform *normaliser = transforms_normalize(0.5, 0.5);
DataLoader *chargeur_train = data_loader(morceaux[0], .batch_size = LOT, .shuffle = true, .seed = 42, .transform = normaliser);
DataLoader *chargeur_val = data_loader(morceaux[1], .batch_size = LOT, .shuffle = true, .seed = 43, .transform = normaliser);
DataLoader *chargeur_test = data_loader(mnist_test, .batch_size = LOT, .transform = normaliser);
Tensor *image0;
data_get(morceaux[0], 0, &image0, NULL);
printf("entraînement : %lld images, validation : %lld, test : %lld\n", (long long)data_len(morceaux[0]),
       (long long)data_len(morceaux[1]), (long long)data_len(mnist_test));
printf("forme d'une image : %s (1 canal : niveaux de gris ; une image couleur aurait 3 canaux)\n", tensor_shape_str(image0));

// %% [markdown]
// ## 2. Explorer les données
// Dix images d'un lot d'entraînement, l'image moyenne de chaque chiffre (sa forme « typique »,
// qui laisse deviner les confusions possibles) et le nombre d'exemples par classe (un jeu
// déséquilibré biaiserait le modèle vers les classes fréquentes).

// %% [code]
Batch *lot = data_next(chargeur_train);
data_reset(chargeur_train);
float pixels[10 * 784];
char titres_lot[10][32];
const char *titres[10];
for (int i = 0; i < 10; i++) {
    tensor_to_f32_array(tensor_select(lot->x, 0, i), pixels + 784 * i, 784);
    snprintf(titres_lot[i], sizeof titres_lot[i], "Étiquette : %d", (int)tensor_get(lot->y, i));
    titres[i] = titres_lot[i];
}
plt_images(pixels, 10, 28, 28, .ncols = 5, .titles = titres, .size = 1.8);
plt_show();

// %% [code]
Tensor *x_train = data_x(morceaux[0]), *y_train = data_y(morceaux[0]);
int64_t n_train = tensor_size(x_train, 0);
float *px = tensor_data_f32(tensor_contiguous(x_train));
double moyennes[N_CLASSES][784] = { { 0 } }, effectifs[N_CLASSES] = { 0 };
for (int64_t i = 0; i < n_train; i++) {
    int c = (int)tensor_get(y_train, i);
    effectifs[c]++;
    for (int j = 0; j < 784; j++) moyennes[c][j] += px[i * 784 + j];
}
char titres_moy[N_CLASSES][32];
for (int c = 0; c < N_CLASSES; c++) {
    for (int j = 0; j < 784; j++) moyennes[c][j] /= effectifs[c];
    snprintf(titres_moy[c], sizeof titres_moy[c], "Moyenne : %d", c);
    titres[c] = titres_moy[c];
}
plt_images(&moyennes[0][0], N_CLASSES, 28, 28, .ncols = 5, .titles = titres, .size = 1.8);
plt_show();

// %% [code]
const char *chiffres[N_CLASSES] = { "0", "1", "2", "3", "4", "5", "6", "7", "8", "9" };
plt_figure(.width = 8, .height = 4);
plt_bar(NULL, effectifs, N_CLASSES, .tick_labels = chiffres);
plt_title("Distribution des étiquettes (extrait de MNIST, entraînement)");
plt_xlabel("chiffre");
plt_ylabel("nombre d'exemples");
plt_show();

// %% [markdown]
// ## 3. Le modèle
// Un MLP ne prend que des vecteurs : chaque image 28 × 28 est « mise à plat » en 784 valeurs
// (`nn_flatten`), puis passe par cinq couches cachées de 40 neurones (ReLU) et une couche de
// sortie de 10 scores, un par chiffre. La fonction de perte `nn_cross_entropy` applique
// elle-même le softmax à ces scores.

// %% [code]
manual_seed(42);
Module *mlp_chiffres = nn_sequential(nn_flatten(), creer_mlp(784, 40, N_CLASSES, 5, nn_relu));
nn_summary(mlp_chiffres, 1, 28, 28);

// %% [markdown]
// ## 4. L'entraînement
// Entropie croisée et SGD (taux 0,01). Le livre entraîne 20 époques sur 48 000 images, soit
// 30 000 pas de gradient ; notre extrait n'en donne que 200 par époque : on ajoute un
// **momentum** de 0,9 (chaque pas garde l'élan des précédents) et l'on s'arrête à 15 époques.

// %% [code]
enum { EPOQUES_MNIST = 15 };
Tensor *perte_entropie(Tensor *scores, Tensor *y) { return nn_cross_entropy(scores, y); }
Pertes pertes_mnist;
Optimizer *sgd_mnist = optim_sgd(nn_parameters(mlp_chiffres), .lr = 0.01, .momentum = 0.9);
entrainer_modele(mlp_chiffres, chargeur_train, chargeur_val, EPOQUES_MNIST, sgd_mnist, perte_entropie, &pertes_mnist);
plt_figure(.width = 9, .height = 4.5);
plt_plot(axe_epoques, pertes_mnist.train, EPOQUES_MNIST, .label = "entraînement", .marker = "o");
plt_plot(axe_epoques, pertes_mnist.val, EPOQUES_MNIST, .label = "validation", .marker = "o");
plt_title("Pertes d'entraînement et de validation (MNIST)");
plt_xlabel("époque");
plt_ylabel("entropie croisée");
plt_legend();
plt_show();
printf("Entraînement terminé : perte %.3f, validation %.3f\n", pertes_mnist.train[EPOQUES_MNIST - 1],
       pertes_mnist.val[EPOQUES_MNIST - 1]);

// %% [markdown]
// ## 5. L'examen final : le jeu de test
// Le modèle passe en mode évaluation (`nn_predict` le fait, et travaille sans gradient) ; la
// classe prédite est celle du plus grand score. Plusieurs métriques, car aucune ne suffit :
// * l'**exactitude** (*accuracy*) : la part de prédictions justes ;
// * la **précision** d'une classe : parmi les images prédites dans cette classe, la part qui
//   en est vraiment, $\frac{TP}{TP + FP}$ ;
// * le **rappel** (*recall*) : parmi les images de cette classe, la part retrouvée, $\frac{TP}{TP + FN}$ ;
// * le **F1** : la moyenne harmonique des deux, $2\,\frac{P \cdot R}{P + R}$.
//
// Les moyennes « pondérées » (*weighted*) pondèrent chaque classe par son effectif.

// %% [code]
Tensor *x_test = transforms_apply(normaliser, data_x(mnist_test), NULL);
Tensor *y_test = data_y(mnist_test);
Tensor *pred_test = metrics_labels(nn_predict(mlp_chiffres, x_test));
double exactitude = metrics_accuracy(y_test, pred_test);
double precision_moy = metrics_precision(y_test, pred_test, .average = "weighted");
double rappel_moy = metrics_recall(y_test, pred_test, .average = "weighted");
double f1_moy = metrics_f1(y_test, pred_test, .average = "weighted");
printf("Exactitude sur l'ensemble de test : %.1f %%\n", 100 * exactitude);
printf("Précision moyenne : %.3f\nRappel moyen : %.3f\nScore F1 moyen : %.3f\n\n", precision_moy, rappel_moy, f1_moy);
metrics_print_classification_report(y_test, pred_test, .digits = 3);

// %% [code]
Tensor *confusion = metrics_confusion_matrix(y_test, pred_test, .num_classes = N_CLASSES);
double comptes[N_CLASSES * N_CLASSES];
tensor_to_f64_array(confusion, comptes, N_CLASSES * N_CLASSES);
plt_figure(.width = 7, .height = 6);
plt_confusion_matrix(comptes, N_CLASSES, .title = "Matrice de confusion (test)", .xlabel = "classe prédite",
                     .ylabel = "vraie classe");
plt_show();

// %% [check] id=check_mnist points=2
assert_true(nn_num_parameters(mlp_chiffres, false) == 38370,
            "le MLP 784 -> 5 x 40 -> 10 a 38 370 paramètres, pas %lld", (long long)nn_num_parameters(mlp_chiffres, false));
assert_true(pertes_mnist.val[EPOQUES_MNIST - 1] < 0.5 * pertes_mnist.val[0], "la perte de validation devrait être divisée par 2 au moins");
assert_true(exactitude >= 0.90, "exactitude %.1f %% < 90 %%", 100 * exactitude);
assert_true(f1_moy >= 0.90, "F1 moyen %.3f < 0,90", f1_moy);
check_passed("%.1f %% des chiffres de test reconnus (F1 moyen %.3f)", 100 * exactitude, f1_moy);

// %% [markdown]
// ### À FAIRE : précision, rappel et F1 à partir de la matrice de confusion
// Dans `conf` (ligne : vraie classe, colonne : classe prédite), la diagonale compte les vrais
// positifs ; le reste de la colonne $k$, les faux positifs de la classe $k$ ; le reste de la
// ligne $k$, ses faux négatifs. Complétez `scores_par_classe` (un score vaut 0 quand son
// dénominateur est nul).

// %% [solution] id=scores_par_classe
void scores_par_classe(Tensor *conf, int K, double *precision, double *rappel, double *f1)
{
    for (int k = 0; k < K; k++)
        precision[k] = rappel[k] = f1[k] = 0;
    // ### BEGIN SOLUTION
    for (int k = 0; k < K; k++) {
        double tp = tensor_get(conf, k, k), predits = 0, vrais = 0;
        for (int j = 0; j < K; j++) {
            predits += tensor_get(conf, j, k);
            vrais += tensor_get(conf, k, j);
        }
        precision[k] = predits > 0 ? tp / predits : 0;
        rappel[k] = vrais > 0 ? tp / vrais : 0;
        f1[k] = precision[k] + rappel[k] > 0 ? 2 * precision[k] * rappel[k] / (precision[k] + rappel[k]) : 0;
    }
    // ### END SOLUTION
}

// %% [code]
double prec_k[N_CLASSES], rapp_k[N_CLASSES], f1_k[N_CLASSES];
scores_par_classe(confusion, N_CLASSES, prec_k, rapp_k, f1_k);
char tableau[2048];
int pos = snprintf(tableau, sizeof tableau, "| chiffre | précision | rappel | F1 |\n|---|---|---|---|\n");
for (int k = 0; k < N_CLASSES; k++)
    pos += snprintf(tableau + pos, sizeof tableau - pos, "| %d | %.3f | %.3f | %.3f |\n", k, prec_k[k], rapp_k[k], f1_k[k]);
display_markdown(tableau);

// %% [check] id=check_scores_par_classe points=1
{
    Tensor *p_ref, *r_ref, *f_ref;
    metrics_per_class(y_test, pred_test, &p_ref, &r_ref, &f_ref, NULL, .num_classes = N_CLASSES);
    for (int k = 0; k < N_CLASSES; k++) {
        assert_close(prec_k[k], tensor_get(p_ref, k), 1e-9, "précision d'une classe");
        assert_close(rapp_k[k], tensor_get(r_ref, k), 1e-9, "rappel d'une classe");
        assert_close(f1_k[k], tensor_get(f_ref, k), 1e-9, "F1 d'une classe");
    }
    // Une classe jamais prédite : précision 0 (et pas une division par zéro).
    int64_t petite[9] = { 5, 0, 1, 2, 0, 0, 0, 0, 3 };
    double p3[3], r3[3], f3[3];
    scores_par_classe(tensor_from_i64(petite, 3, 3), 3, p3, r3, f3);
    assert_close(p3[0], 5.0 / 7, 1e-12, "précision de la classe 0 de la petite matrice");
    assert_close(r3[0], 5.0 / 6, 1e-12, "rappel de la classe 0 de la petite matrice");
    assert_close(p3[1], 0, 1e-12, "précision d'une classe jamais prédite");
}
check_passed("précision, rappel et F1 par classe égaux à ceux de metrics_per_class");

// %% [markdown]
// ## 6. Les prédictions en images
// Dix images de test, avec la vraie classe et la prédiction.

// %% [code]
char titres_pred[10][48];
int64_t montrees[10] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 };
for (int i = 0; i < 10; i++) {
    tensor_to_f32_array(tensor_select(x_test, 0, montrees[i]), pixels + 784 * i, 784);
    snprintf(titres_pred[i], sizeof titres_pred[i], "Vrai : %d\nPrédit : %d", (int)tensor_get(y_test, montrees[i]),
             (int)tensor_get(pred_test, montrees[i]));
    titres[i] = titres_pred[i];
}
plt_images(pixels, 10, 28, 28, .ncols = 5, .titles = titres, .size = 1.8);
plt_show();

// %% [markdown]
// ## 7. Vos propres chiffres
// Un chiffre dessiné ne ressemble à ceux de MNIST qu'une fois **préparé comme eux** : trait
// clair sur fond noir, chiffre réduit pour tenir dans une boîte de 20 × 20 pixels (proportions
// gardées), puis placé dans l'image 28 × 28 de sorte que son centre de masse soit au centre.
// Ici, les chiffres sont tracés à la « plume » sur une toile de 140 × 140 : chaque trait est une
// suite de points $(x, y)$ de $[0, 1]^2$ (y vers le bas), `NAN, NAN` lève la plume.
// Modifiez-les, ou ajoutez les vôtres !

// %% [code]
enum { TOILE = 140 };
// Trace des traits (points (x, y) dans [0, 1]², NAN entre deux traits) d'une plume épaisse.
Tensor *dessiner(const double *pts, int n, double epaisseur)
{
    Tensor *t = tensor_zeros(TOILE, TOILE);
    float *p = tensor_data_f32(t);
    for (int i = 0; i < TOILE; i++)
        for (int j = 0; j < TOILE; j++) {
            double px = (j + 0.5) / TOILE, py = (i + 0.5) / TOILE, d = 1e9;
            for (int k = 0; k + 1 < n; k++) {
                double ax = pts[2 * k], ay = pts[2 * k + 1], bx = pts[2 * k + 2], by = pts[2 * k + 3];
                if (isnan(ax) || isnan(bx)) continue;
                double vx = bx - ax, vy = by - ay, l2 = vx * vx + vy * vy;
                double u = l2 > 0 ? ((px - ax) * vx + (py - ay) * vy) / l2 : 0;
                u = u < 0 ? 0 : u > 1 ? 1 : u;
                double dx = px - ax - u * vx, dy = py - ay - u * vy;
                d = fmin(d, sqrt(dx * dx + dy * dy));
            }
            double r = epaisseur / 2, v = (r - d * TOILE) / 1.5 + 0.5;
            p[i * TOILE + j] = v < 0 ? 0 : v > 1 ? 1 : v;
        }
    return t;
}

// Comme MNIST : le chiffre tient dans une boîte de 20 x 20 (proportions gardées, moyenne des
// pixels couverts), puis il est placé dans 28 x 28 avec son centre de masse au centre.
Tensor *preparer_comme_mnist(Tensor *toile)
{
    int H = tensor_size(toile, 0), W = tensor_size(toile, 1);
    float *p = tensor_data_f32(tensor_contiguous(toile));
    int i0 = H, i1 = -1, j0 = W, j1 = -1;
    for (int i = 0; i < H; i++)
        for (int j = 0; j < W; j++)
            if (p[i * W + j] > 0.05) { if (i < i0) i0 = i; if (i > i1) i1 = i; if (j < j0) j0 = j; if (j > j1) j1 = j; }
    Tensor *out = tensor_zeros(1, 28, 28);
    if (i1 < 0) return out;
    int h = i1 - i0 + 1, w = j1 - j0 + 1;
    double f = 20.0 / (h > w ? h : w);
    int bh = (int)round(h * f), bw = (int)round(w * f);
    if (bh < 1) bh = 1;
    if (bw < 1) bw = 1;
    double boite[20][20] = { { 0 } }, masse = 0, ci = 0, cj = 0;
    for (int a = 0; a < bh; a++)
        for (int b = 0; b < bw; b++) {
            int s0 = i0 + (int)(a * h / (double)bh), s1 = i0 + (int)((a + 1) * h / (double)bh);
            int t0 = j0 + (int)(b * w / (double)bw), t1 = j0 + (int)((b + 1) * w / (double)bw);
            double s = 0; int cnt = 0;
            for (int i = s0; i < (s1 > s0 ? s1 : s0 + 1); i++)
                for (int j = t0; j < (t1 > t0 ? t1 : t0 + 1); j++) { s += p[i * W + j]; cnt++; }
            boite[a][b] = s / cnt;
            masse += boite[a][b]; ci += a * boite[a][b]; cj += b * boite[a][b];
        }
    int di = (int)round(13.5 - ci / masse), dj = (int)round(13.5 - cj / masse);
    for (int a = 0; a < bh; a++)
        for (int b = 0; b < bw; b++)
            if (a + di >= 0 && a + di < 28 && b + dj >= 0 && b + dj < 28)
                tensor_set(out, boite[a][b], 0, a + di, b + dj);
    return out;
}

// %% [code]
enum { N_MIENS = 10 };
double d0[] = { 0.5, 0.12, 0.32, 0.2, 0.25, 0.5, 0.32, 0.8, 0.5, 0.88, 0.68, 0.8, 0.75, 0.5, 0.68, 0.2, 0.5, 0.12 };
double d1[] = { 0.4, 0.25, 0.55, 0.12, 0.55, 0.88 };
double d2[] = { 0.28, 0.28, 0.4, 0.14, 0.6, 0.14, 0.7, 0.28, 0.66, 0.45, 0.3, 0.86, 0.74, 0.86 };
double d3[] = { 0.3, 0.18, 0.5, 0.12, 0.68, 0.2, 0.68, 0.38, 0.48, 0.48, 0.7, 0.58, 0.7, 0.78, 0.5, 0.88, 0.28, 0.8 };
double d4[] = { 0.32, 0.12, 0.27, 0.58, 0.75, 0.58, NAN, NAN, 0.63, 0.3, 0.63, 0.88 };
double d5[] = { 0.7, 0.14, 0.35, 0.14, 0.3, 0.46, 0.55, 0.42, 0.7, 0.55, 0.68, 0.78, 0.5, 0.88, 0.3, 0.82 };
double d6[] = { 0.65, 0.14, 0.42, 0.3, 0.3, 0.6, 0.35, 0.82, 0.52, 0.88, 0.68, 0.76, 0.66, 0.58, 0.5, 0.5, 0.33, 0.6 };
double d7[] = { 0.28, 0.16, 0.72, 0.16, 0.45, 0.88 };
double d8[] = { 0.5, 0.5, 0.33, 0.38, 0.35, 0.2, 0.5, 0.12, 0.65, 0.2, 0.67, 0.38, 0.5, 0.5, 0.3, 0.64, 0.33, 0.82,
                0.5, 0.88, 0.67, 0.82, 0.7, 0.64, 0.5, 0.5 };
double d9[] = { 0.68, 0.4, 0.5, 0.5, 0.33, 0.4, 0.35, 0.2, 0.5, 0.12, 0.66, 0.2, 0.68, 0.4, 0.62, 0.88 };
double *mes_traits[N_MIENS] = { d0, d1, d2, d3, d4, d5, d6, d7, d8, d9 };
int mes_points[N_MIENS] = { sizeof d0 / sizeof d0[0] / 2, sizeof d1 / sizeof d1[0] / 2, sizeof d2 / sizeof d2[0] / 2,
                            sizeof d3 / sizeof d3[0] / 2, sizeof d4 / sizeof d4[0] / 2, sizeof d5 / sizeof d5[0] / 2,
                            sizeof d6 / sizeof d6[0] / 2, sizeof d7 / sizeof d7[0] / 2, sizeof d8 / sizeof d8[0] / 2,
                            sizeof d9 / sizeof d9[0] / 2 };
int64_t mes_etiquettes[N_MIENS] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 };

Tensor *mes_images[N_MIENS];
float toiles[N_MIENS * 784];
for (int k = 0; k < N_MIENS; k++) {
    Tensor *toile = dessiner(mes_traits[k], mes_points[k], 14);
    mes_images[k] = preparer_comme_mnist(toile);
    // La toile brute, réduite par moyenne de blocs de 5 x 5 pixels, pour comparer.
    Tensor *brute = nn_forward(nn_avg_pool2d(5), tensor_reshape(toile, 1, 1, TOILE, TOILE));
    tensor_to_f32_array(brute, toiles + 784 * k, 784);
}
Tensor *mes_x = transforms_apply(normaliser, tensor_stack(mes_images, N_MIENS, 0), NULL);
Tensor *mes_pred = metrics_labels(nn_predict(mlp_chiffres, mes_x));
int reconnus = 0;
char titres_miens[N_MIENS][32];
for (int k = 0; k < N_MIENS; k++) {
    reconnus += tensor_get(mes_pred, k) == mes_etiquettes[k];
    snprintf(titres_miens[k], sizeof titres_miens[k], "Prédiction : %d", (int)tensor_get(mes_pred, k));
    titres[k] = titres_miens[k];
}
printf("%d chiffres sur %d reconnus\n", reconnus, N_MIENS);
plt_images(toiles, N_MIENS, 28, 28, .ncols = 10, .size = 1.3);
plt_suptitle("Toiles réduites telles quelles");
plt_show();
tensor_to_f32_array(mes_x, pixels, N_MIENS * 784);
plt_images(pixels, N_MIENS, 28, 28, .ncols = 10, .titles = titres, .size = 1.3);
plt_suptitle("Préparées comme MNIST");
plt_show();

// %% [check] id=check_mes_chiffres points=1
assert_true(nn_num_parameters(mlp_chiffres, false) == 38370, "le modèle doit être le MLP du projet (38 370 paramètres)");
assert_true(reconnus >= 8, "seulement %d chiffres dessinés sur %d reconnus", reconnus, N_MIENS);
check_passed("%d chiffres dessinés sur %d reconnus", reconnus, N_MIENS);

// %% [markdown]
// ## Questions
// **Q4.** Quelle différence entre le mode évaluation et le mode entraînement d'un modèle ?

// %% [answer] id=q_mode_eval points=1
// Le mode évaluation désactive ce qui ne sert qu'à l'entraînement : le *dropout* n'éteint plus
// de neurones, la *batch normalisation* utilise ses statistiques accumulées au lieu de celles du
// lot. Combiné à `no_grad` (ce que fait `nn_predict`), il ne garde pas non plus le graphe des
// gradients, d'où moins de mémoire et plus de vitesse.

// %% [markdown]
// **Q5.** À quoi servent le jeu de validation et le jeu de test, et pourquoi les séparer ?

// %% [answer] id=q_validation_test points=1
// La validation sert pendant le développement : surveiller le sur-apprentissage, choisir les
// hyperparamètres (époques, taux, architecture). Le test est l'examen final, gardé à l'écart
// jusqu'au bout pour mesurer honnêtement la généralisation ; s'en servir pour régler le modèle
// serait une fuite de données (le modèle paraîtrait meilleur qu'il n'est).

// %% [markdown]
// **Q6.** Quelle est la meilleure métrique de classification ? Pourquoi en calculer plusieurs ?

// %% [answer] id=q_metriques points=1
// Aucune ne suffit seule. L'exactitude est trompeuse sur des classes déséquilibrées (prédire
// toujours la classe majoritaire donne une exactitude élevée et un rappel nul sur les autres) ;
// la précision mesure le coût des faux positifs, le rappel celui des faux négatifs, le F1 leur
// équilibre. Ensemble, et classe par classe, elles donnent une image complète du modèle.

// %% [markdown]
// **À retenir** : les deux projets suivent le même chemin — données, découpage,
// modèle, entraînement surveillé par la validation, test final et plusieurs métriques. Un
// réseau n'est fiable que sur des données qui ressemblent à celles de son entraînement : des
// nombres de la même plage, des chiffres préparés comme ceux de MNIST.
