// %% [markdown]
// # TP 3 — Réseaux de neurones convolutifs
//
// Un perceptron multicouche traite une image comme une longue liste de pixels : il ignore que
// deux pixels voisins sont liés et paie un poids par pixel et par neurone. Une **couche de
// convolution** fait glisser sur l'image une petite fenêtre de poids (le *noyau*), la même
// partout : peu de paramètres, et un même motif est reconnu où qu'il soit.
//
// Au programme :
// 1. compter les paramètres d'un MLP sur des images ;
// 2. les paramètres et la taille de sortie d'une convolution ;
// 3. la convolution à l'œuvre : filtres, activation, *pooling* ;
// 4. un CNN de **régression** sur de petites images couleur 9 × 9 (l'exemple du cours) ;
// 5. un CNN de **classification** de formes, avec *batch normalisation* et *dropout* bien placés.

// %% [markdown]
// ## 1. Le coût d'un MLP sur des images
// Une couche entièrement connectée de $h_i$ entrées vers $h_{i+1}$ sorties a
// $h_i \times h_{i+1} + h_{i+1}$ paramètres (un poids par connexion, un biais par neurone).
// Pour un réseau $h_0 \to h_1 \to \dots \to h_l$ :
// $$P = \sum_{i=0}^{l-1} h_i\, h_{i+1} + h_{i+1}.$$
//
// ### À FAIRE
// Complétez `parametres_mlp` (des entiers sur 64 bits : les nombres deviennent grands).

// %% [solution] id=parametres_mlp
int64_t parametres_mlp(const int64_t *tailles, int n_couches)
{
    int64_t total = 0;
    // ### BEGIN SOLUTION
    for (int i = 0; i + 1 < n_couches; i++)
        total += tailles[i] * tailles[i + 1] + tailles[i + 1];
    // ### END SOLUTION
    return total;
}

// %% [code]
// L'architecture du cours : s pixels -> s/2 -> s/4 -> 1 sortie.
int64_t cout_mlp(int64_t cote)
{
    int64_t s = cote * cote, tailles[4] = { s, s / 2, s / 4, 1 };
    return parametres_mlp(tailles, 4);
}
printf("image 24 x 24   : %lld paramètres\n", (long long)cout_mlp(24));
printf("image 512 x 512 : %lld paramètres\n", (long long)cout_mlp(512));

// %% [check] id=check_parametres_mlp points=1
assert_true(cout_mlp(24) == 207937, "24 x 24 : 207 937 paramètres attendus, pas %lld", (long long)cout_mlp(24));
assert_true(cout_mlp(512) == 42949935105LL, "512 x 512 : 42 949 935 105 paramètres attendus, pas %lld", (long long)cout_mlp(512));
{
    int64_t t[3] = { 12, 7, 3 };
    Module *petit = nn_sequential(nn_linear(12, 7), nn_relu(), nn_linear(7, 3));
    assert_true(parametres_mlp(t, 3) == nn_num_parameters(petit, false), "12 -> 7 -> 3 : %lld paramètres d'après le moteur",
                (long long)nn_num_parameters(petit, false));
}
check_passed("près de 43 milliards de paramètres pour une image 512 x 512 !");

// %% [markdown]
// ## 2. Une couche de convolution
// Avec un noyau $k_x \times k_y$, $I$ plans d'entrée (3 pour une image RGB) et $F$ plans de
// sortie (les *feature maps*, un noyau chacun), la couche a
// $$P = (k_x \times k_y \times I + 1) \times F$$
// paramètres, quelle que soit la taille de l'image. Sur une entrée de largeur $W$, avec un
// *padding* $p$ (des zéros ajoutés sur chaque bord) et un *stride* $s$ (le pas du noyau), la
// sortie a pour largeur
// $$W_{out} = \left\lfloor \frac{W - k + 2p}{s} \right\rfloor + 1$$
// (de même pour la hauteur). Le *max pooling* $2 \times 2$ suit la même formule avec $k = s = 2$,
// $p = 0$, et n'a aucun paramètre.
//
// ### À FAIRE
// Complétez `parametres_conv` et `taille_sortie`.

// %% [solution] id=conv_formules
int64_t parametres_conv(int kx, int ky, int entrees, int sorties)
{
    int64_t p = 0;
    // ### BEGIN SOLUTION
    p = ((int64_t)kx * ky * entrees + 1) * sorties;
    // ### END SOLUTION
    return p;
}

int taille_sortie(int taille, int noyau, int padding, int stride)
{
    int t = 0;
    // ### BEGIN SOLUTION
    t = (taille - noyau + 2 * padding) / stride + 1;
    // ### END SOLUTION
    return t;
}

// %% [check] id=check_conv_formules points=1
{
    // Comparées à de vraies couches du moteur.
    int cas[5][6] = { /* entrées, sorties, noyau, padding, stride, taille */
        { 3, 8, 3, 0, 1, 9 }, { 3, 16, 3, 1, 1, 9 }, { 1, 32, 5, 2, 2, 28 }, { 16, 4, 3, 0, 2, 16 }, { 8, 8, 1, 0, 1, 7 } };
    for (int i = 0; i < 5; i++) {
        int I = cas[i][0], F = cas[i][1], k = cas[i][2], p = cas[i][3], s = cas[i][4], n = cas[i][5];
        Module *conv = nn_conv2d(I, F, k, .padding = p, .stride = s);
        assert_true(parametres_conv(k, k, I, F) == nn_num_parameters(conv, false), "conv %d -> %d, noyau %d : %lld paramètres",
                    I, F, k, (long long)nn_num_parameters(conv, false));
        Tensor *y = nn_forward(conv, tensor_zeros(1, I, n, n));
        assert_true(taille_sortie(n, k, p, s) == tensor_size(y, 3), "entrée %d, noyau %d, padding %d, stride %d : sortie %lld",
                    n, k, p, s, (long long)tensor_size(y, 3));
    }
    Module *rect = nn_conv2d(3, 6, 0, .kernel_hw = { 3, 5 });
    assert_true(parametres_conv(3, 5, 3, 6) == nn_num_parameters(rect, false), "noyau 3 x 5 : %lld paramètres",
                (long long)nn_num_parameters(rect, false));
    assert_true(taille_sortie(9, 2, 0, 2) == 4, "max pooling 2 x 2 sur 9 : 4");
}
check_passed("formules conformes aux couches du moteur");

// %% [markdown]
// ## 3. La convolution à l'œuvre
// Sur une image en niveaux de gris (un carré clair), deux noyaux 3 × 3 écrits à la main
// détectent l'un les bords verticaux, l'autre les bords horizontaux. ReLU ne garde que les
// réponses positives ; le max pooling divise la taille par deux en gardant le maximum de chaque
// fenêtre 2 × 2.

// %% [code]
enum { T = 16 };
Tensor *carre = tensor_zeros(1, 1, T, T);
for (int i = 4; i < 12; i++)
    for (int j = 4; j < 12; j++)
        tensor_set(carre, 1.0, 0, 0, i, j);
Module *bords = nn_conv2d(1, 2, 3, .padding = 1, .no_bias = true);
float noyaux[2][9] = { { -1, 0, 1, -2, 0, 2, -1, 0, 1 }, { -1, -2, -1, 0, 0, 0, 1, 2, 1 } };   // Sobel
no_grad { tensor_copy_(nn_get_parameter(bords, "weight"), tensor_from_f32(&noyaux[0][0], 2, 1, 3, 3)); }
Tensor *cartes, *activees, *reduites;
no_grad {
    cartes = nn_forward(bords, carre);
    activees = tensor_relu(cartes);
    reduites = nn_forward(nn_max_pool2d(2), activees);
}
printf("image %s -> convolution %s -> max pooling %s\n", tensor_shape_str(carre), tensor_shape_str(cartes),
       tensor_shape_str(reduites));
float vues[4][T * T];
const char *titres_vues[4] = { "image", "bords verticaux", "après ReLU", "max pooling 2 x 2" };
tensor_to_f32_array(carre, vues[0], T * T);
tensor_to_f32_array(tensor_select(tensor_select(cartes, 0, 0), 0, 0), vues[1], T * T);
tensor_to_f32_array(tensor_select(tensor_select(activees, 0, 0), 0, 0), vues[2], T * T);
float petite[T * T] = { 0 };
tensor_to_f32_array(tensor_select(tensor_select(reduites, 0, 0), 0, 0), petite, T * T / 4);
plt_subplots(1, 4, .width = 13, .height = 3.6);
for (int k = 0; k < 4; k++) {
    plt_subplot(1, 4, k + 1);
    if (k < 3)
        plt_imshow(vues[k], T, T, .cmap = k == 1 ? "RdBu" : "gray");
    else
        plt_imshow(petite, T / 2, T / 2, .cmap = "gray");
    plt_title(titres_vues[k]);
    plt_axis("off");
}
plt_show();

// %% [markdown]
// ## 4. Un CNN de régression sur des images RGB 9 × 9
// Le réseau de l'exemple du cours prend une image couleur 9 × 9 et rend **un scalaire**, sans
// activation en sortie. La tâche : chaque image montre un disque d'une couleur et d'une
// position tirées au hasard, sur un fond sombre bruité ; le réseau doit estimer son **rayon**.
// Ni la couleur ni la position ne comptent : il faut reconnaître une forme et sa taille, ce que
// font bien des filtres partagés sur toute l'image.

// %% [code]
typedef enum { DISQUE, CARRE, TRIANGLE, CROIX, N_FORMES } Forme;
const char *noms_formes[N_FORMES] = { "disque", "carré", "triangle", "croix" };

// Part du pixel (px, py) (de côté 1) couverte par la forme, sur 4 x 4 sous-pixels.
double couverture(Forme f, double px, double py, double cx, double cy, double r)
{
    int dedans = 0;
    for (int a = 0; a < 4; a++)
        for (int b = 0; b < 4; b++) {
            double dx = px + (b + 0.5) / 4 - cx, dy = py + (a + 0.5) / 4 - cy;
            bool in = f == DISQUE ? dx * dx + dy * dy <= r * r
                    : f == CARRE ? fabs(dx) <= r * 0.85 && fabs(dy) <= r * 0.85
                    : f == TRIANGLE ? dy <= r * 0.8 && dy >= -r && fabs(dx) <= (dy + r) * 0.6
                    : (fabs(dx) <= r * 0.3 && fabs(dy) <= r) || (fabs(dy) <= r * 0.3 && fabs(dx) <= r);
            dedans += in;
        }
    return dedans / 16.0;
}

// Remplit img (3 x taille x taille) : fond sombre bruité, forme de couleur vive.
void dessiner_forme(float *img, int taille, Forme f, double cx, double cy, double r, Generator *g)
{
    double fond[3], couleur[3];
    for (int c = 0; c < 3; c++) {
        fond[c] = 0.25 * random_uniform(g);
        couleur[c] = 0.35 + 0.65 * random_uniform(g);
    }
    for (int i = 0; i < taille; i++)
        for (int j = 0; j < taille; j++) {
            double a = couverture(f, j, i, cx, cy, r);
            for (int c = 0; c < 3; c++)
                img[(c * taille + i) * taille + j] = (1 - a) * fond[c] + a * couleur[c] + 0.05 * random_normal(g);
        }
}

// n disques dans des images 9 x 9 : X (n, 3, 9, 9) et les rayons y (n, 1).
void jeu_disques(int n, uint64_t graine, Tensor **X, Tensor **y)
{
    Generator *g = generator_new(graine);
    *X = tensor_empty(n, 3, 9, 9);
    *y = tensor_empty(n, 1);
    float *px = tensor_data_f32(*X), *py = tensor_data_f32(*y);
    for (int k = 0; k < n; k++) {
        double r = 1.0 + 2.5 * random_uniform(g);
        double cx = r + (9 - 2 * r) * random_uniform(g), cy = r + (9 - 2 * r) * random_uniform(g);
        dessiner_forme(px + k * 243, 9, DISQUE, cx, cy, r, g);
        py[k] = r;
    }
}

Tensor *X_disques, *r_disques, *X_disques_test, *r_disques_test;
jeu_disques(3000, 1, &X_disques, &r_disques);
jeu_disques(600, 2, &X_disques_test, &r_disques_test);
float exemples[8 * 81];
char titres_disques[8][24];
const char *titres[16];
for (int k = 0; k < 8; k++) {
    // plt_images montre une image en niveaux de gris : la moyenne des trois canaux.
    tensor_to_f32_array(tensor_mean_dim(tensor_select(X_disques, 0, k), 0, false), exemples + 81 * k, 81);
    snprintf(titres_disques[k], sizeof titres_disques[k], "r = %.2f", tensor_get(r_disques, k, 0));
    titres[k] = titres_disques[k];
}
plt_images(exemples, 8, 9, 9, .ncols = 8, .titles = titres, .size = 1.4);
plt_show();

// %% [markdown]
// ### À FAIRE : l'architecture
// Écrivez `creer_cnn_regression`, dans cet ordre :
// * convolution 3 → 16 plans, noyau 3, padding 1, puis ReLU ;
// * convolution 16 → 32 plans, noyau 3, sans padding, puis ReLU ;
// * max pooling 2 × 2 ;
// * mise à plat (`nn_flatten`), couche linéaire vers 32 neurones, ReLU ;
// * couche linéaire vers **1** sortie, sans activation.
//
// La taille d'entrée de la première couche linéaire se calcule avec `taille_sortie` :
// c'est le nombre de plans × hauteur × largeur après le pooling.

// %% [solution] id=cnn_regression
Module *creer_cnn_regression(void)
{
    Module *m = nn_sequential_(NULL);
    // ### BEGIN SOLUTION
    int t = taille_sortie(taille_sortie(taille_sortie(9, 3, 1, 1), 3, 0, 1), 2, 0, 2);
    nn_sequential_add(m, nn_conv2d(3, 16, 3, .padding = 1));
    nn_sequential_add(m, nn_relu());
    nn_sequential_add(m, nn_conv2d(16, 32, 3));
    nn_sequential_add(m, nn_relu());
    nn_sequential_add(m, nn_max_pool2d(2));
    nn_sequential_add(m, nn_flatten());
    nn_sequential_add(m, nn_linear(32 * t * t, 32));
    nn_sequential_add(m, nn_relu());
    nn_sequential_add(m, nn_linear(32, 1));
    // ### END SOLUTION
    if (nn_num_children(m) == 0)   // rien d'écrit encore : un modèle linéaire, pour que la suite tourne
        nn_sequential_add(m, nn_sequential(nn_flatten(), nn_linear(3 * 9 * 9, 1)));
    return m;
}

// %% [code]
manual_seed(0);
Module *cnn_reg = creer_cnn_regression();
nn_summary(cnn_reg, 3, 9, 9);

// %% [check] id=check_cnn_regression points=1
{
    int64_t attendu = parametres_conv(3, 3, 3, 16) + parametres_conv(3, 3, 16, 32) + (32 * 3 * 3 * 32 + 32) + (32 + 1);
    assert_true(attendu == 14369, "les formules de la partie 2 donnent %lld au lieu de 14 369 paramètres", (long long)attendu);
    assert_true(nn_num_parameters(cnn_reg, false) == attendu, "le CNN devrait avoir %lld paramètres, pas %lld",
                (long long)attendu, (long long)nn_num_parameters(cnn_reg, false));
    Tensor *sortie = nn_forward(cnn_reg, tensor_zeros(5, 3, 9, 9));
    assert_true(tensor_ndim(sortie) == 2 && tensor_size(sortie, 0) == 5 && tensor_size(sortie, 1) == 1,
                "la sortie doit avoir la forme (5, 1), pas %s", tensor_shape_str(sortie));
}
check_passed("CNN de régression : 14 369 paramètres, une sortie");

// %% [markdown]
// L'entraînement, à la manière de Keras : `nn_fit` (Adam, erreur quadratique moyenne, lots de
// 64, 20 % des images gardés pour la validation), puis l'évaluation sur 600 images neuves.

// %% [code]
History *h_reg = nn_fit(cnn_reg, .x = X_disques, .y = r_disques, .epochs = 25, .batch_size = 64, .loss = "mse",
                        .metrics = "mae", .validation_split = 0.2, .seed = 0, .verbose = 2,
                        .optimizer = optim_adam(nn_parameters(cnn_reg), .lr = 3e-3));
Tensor *r_predit = nn_predict(cnn_reg, X_disques_test);
double r2_reg = metrics_r2(r_disques_test, r_predit), mae_reg = metrics_mae(r_disques_test, r_predit);
printf("test : R² = %.3f, erreur absolue moyenne sur le rayon = %.3f pixel\n", r2_reg, mae_reg);
double rv[600], rp[600];
tensor_to_f64_array(r_disques_test, rv, 600);
tensor_to_f64_array(r_predit, rp, 600);
plt_subplots(1, 2, .width = 12, .height = 4.5);
plt_subplot(1, 2, 1);
plt_plot(NULL, history_get(h_reg, "loss"), history_epochs(h_reg), .label = "entraînement");
plt_plot(NULL, history_get(h_reg, "val_loss"), history_epochs(h_reg), .label = "validation");
plt_yscale("log");
plt_title("Perte (MSE)");
plt_xlabel("époque");
plt_legend();
plt_subplot(1, 2, 2);
plt_scatter(rv, rp, 600, .s = 10, .alpha = 0.5);
double diag[2] = { 1, 3.5 };
plt_plot(diag, diag, 2, .color = "black", .linestyle = "--");
plt_title("Rayon prédit contre rayon vrai (test)");
plt_xlabel("rayon vrai");
plt_ylabel("rayon prédit");
plt_tight_layout();
plt_show();

// %% [check] id=check_regression points=1
assert_true(nn_num_parameters(cnn_reg, false) == 14369, "le modèle entraîné doit être le CNN décrit (14 369 paramètres)");
assert_true(history_last(h_reg, "val_loss") < 0.2 * history_get(h_reg, "val_loss")[0],
            "la perte de validation devrait être divisée par 5 au moins");
assert_true(r2_reg >= 0.9, "R² = %.3f sur le test (0,9 attendu au moins)", r2_reg);
check_passed("le CNN estime le rayon : R² = %.3f, écart moyen %.2f pixel", r2_reg, mae_reg);

// %% [markdown]
// ## 5. Un CNN de classification : quatre formes
// Des images RGB 16 × 16 montrent un disque, un carré, un triangle ou une croix, de taille, de
// position et de couleur tirées au hasard. Le réseau doit reconnaître la forme (4 classes).

// %% [code]
enum { COTE = 16 };
// n images de formes : X (n, 3, 16, 16), y (n) les classes.
void jeu_formes(int n, uint64_t graine, Tensor **X, Tensor **y)
{
    Generator *g = generator_new(graine);
    *X = tensor_empty(n, 3, COTE, COTE);
    *y = tensor_zeros_dtype(DT_INT64, n);
    float *px = tensor_data_f32(*X);
    int64_t *py = tensor_data_i64(*y);
    for (int k = 0; k < n; k++) {
        Forme f = (Forme)(k % N_FORMES);
        double r = 3.0 + 3.0 * random_uniform(g);
        double cx = r + (COTE - 2 * r) * random_uniform(g), cy = r + (COTE - 2 * r) * random_uniform(g);
        dessiner_forme(px + k * 3 * COTE * COTE, COTE, f, cx, cy, r, g);
        py[k] = f;
    }
}

Tensor *X_formes, *y_formes, *X_formes_test, *y_formes_test;
jeu_formes(4000, 3, &X_formes, &y_formes);
jeu_formes(1000, 4, &X_formes_test, &y_formes_test);
float formes[8 * COTE * COTE];
char titres_formes[8][16];
for (int k = 0; k < 8; k++) {
    tensor_to_f32_array(tensor_mean_dim(tensor_select(X_formes, 0, k), 0, false), formes + COTE * COTE * k, COTE * COTE);
    snprintf(titres_formes[k], sizeof titres_formes[k], "%s", noms_formes[(int)tensor_get(y_formes, k)]);
    titres[k] = titres_formes[k];
}
plt_images(formes, 8, COTE, COTE, .ncols = 8, .titles = titres, .size = 1.4);
plt_show();

// %% [markdown]
// ### Batch normalisation et dropout : où les placer ?
// * La **batch normalisation** (`nn_batch_norm2d(F)`) normalise chaque plan de sortie d'une
//   convolution sur le lot (moyenne 0, variance 1, puis une échelle et un décalage appris) :
//   on la place **juste après la convolution, avant l'activation**. Les activations gardent une
//   échelle stable d'une couche à l'autre, ce qui permet d'apprendre plus vite.
// * Le **dropout** éteint des neurones au hasard pendant l'entraînement. Juste après une
//   convolution, il est peu utile : des pixels voisins portent presque la même information, et
//   éteindre l'un laisse l'autre (on perd la cohérence spatiale sans vraiment régulariser). On
//   le place **après le pooling**, ou dans la partie dense du réseau.
//
// ### À FAIRE
// Écrivez `creer_cnn_classif(bn, p)` :
// * bloc 1 : convolution 3 → 16, noyau 3, padding 1, **[batch norm 16 si `bn`]**, ReLU, max pooling 2 ;
// * bloc 2 : convolution 16 → 32, noyau 3, padding 1, **[batch norm 32 si `bn`]**, ReLU, max pooling 2,
//   **[dropout `p` si `p > 0`]** ;
// * mise à plat, linéaire vers 64, ReLU, **[dropout `p` si `p > 0`]**, linéaire vers 4 scores.

// %% [solution] id=cnn_classif
Module *creer_cnn_classif(bool bn, double p)
{
    Module *m = nn_sequential_(NULL);
    // ### BEGIN SOLUTION
    int entrees[2] = { 3, 16 }, sorties[2] = { 16, 32 };
    for (int b = 0; b < 2; b++) {
        nn_sequential_add(m, nn_conv2d(entrees[b], sorties[b], 3, .padding = 1));
        if (bn)
            nn_sequential_add(m, nn_batch_norm2d(sorties[b]));
        nn_sequential_add(m, nn_relu());
        nn_sequential_add(m, nn_max_pool2d(2));
    }
    if (p > 0)
        nn_sequential_add(m, nn_dropout(p));
    nn_sequential_add(m, nn_flatten());
    nn_sequential_add(m, nn_linear(32 * 4 * 4, 64));
    nn_sequential_add(m, nn_relu());
    if (p > 0)
        nn_sequential_add(m, nn_dropout(p));
    nn_sequential_add(m, nn_linear(64, N_FORMES));
    // ### END SOLUTION
    if (nn_num_children(m) == 0)   // rien d'écrit encore : un modèle linéaire, pour que la suite tourne
        nn_sequential_add(m, nn_sequential(nn_flatten(), nn_linear(3 * COTE * COTE, N_FORMES)));
    return m;
}

// %% [check] id=check_cnn_classif points=2
{
    Module *simple = creer_cnn_classif(false, 0), *complet = creer_cnn_classif(true, 0.3);
    int64_t p_simple = parametres_conv(3, 3, 3, 16) + parametres_conv(3, 3, 16, 32) + 512 * 64 + 64 + 64 * 4 + 4;
    assert_true(nn_num_parameters(simple, false) == p_simple, "sans batch norm ni dropout : %lld paramètres attendus, pas %lld",
                (long long)p_simple, (long long)nn_num_parameters(simple, false));
    assert_true(nn_num_parameters(complet, false) == p_simple + 2 * (16 + 32),
                "chaque batch norm ajoute 2 paramètres par plan (échelle et décalage) : %lld attendus, pas %lld",
                (long long)(p_simple + 2 * (16 + 32)), (long long)nn_num_parameters(complet, false));
    int n = nn_num_children(complet), n_bn = 0, n_drop = 0;
    for (int i = 0; i < n; i++) {
        const char *type = nn_type(nn_child(complet, i)), *avant = i > 0 ? nn_type(nn_child(complet, i - 1)) : "";
        const char *apres = i + 1 < n ? nn_type(nn_child(complet, i + 1)) : "";
        if (!strcmp(type, "BatchNorm2d")) {
            n_bn++;
            assert_true(!strcmp(avant, "Conv2d") && !strcmp(apres, "ReLU"), "la batch norm n°%d doit suivre une convolution et précéder ReLU (ici %s -> BatchNorm2d -> %s)", n_bn, avant, apres);
        }
        if (!strcmp(type, "Dropout")) {
            n_drop++;
            assert_true(strcmp(avant, "Conv2d") && strcmp(avant, "BatchNorm2d"), "pas de dropout juste après une convolution");
        }
    }
    assert_true(n_bn == 2 && n_drop == 2, "2 batch norms et 2 dropouts attendus (%d et %d)", n_bn, n_drop);
    for (int i = 0; i < nn_num_children(simple); i++) {
        const char *type = nn_type(nn_child(simple, i));
        assert_true(strcmp(type, "BatchNorm2d") && strcmp(type, "Dropout"), "creer_cnn_classif(false, 0) ne doit avoir ni batch norm ni dropout");
    }
    Tensor *x = tensor_randn(6, 3, COTE, COTE);
    nn_eval(complet);
    Tensor *s1 = nn_forward(complet, x), *s2 = nn_forward(complet, x);
    assert_true(tensor_size(s1, 0) == 6 && tensor_size(s1, 1) == N_FORMES, "sortie (6, 4) attendue, pas %s", tensor_shape_str(s1));
    assert_true(tensor_allclose(s1, s2, 0, 0), "en mode évaluation, le dropout est coupé : deux passes identiques");
}
check_passed("batch norms après les convolutions, dropouts après le pooling et dans la partie dense");

// %% [markdown]
// Trois variantes entraînées de la même façon (Adam, lots de 64, 6 époques, même graine) :
// sans rien, avec batch normalisation, avec batch normalisation et dropout 0,3. On suit la
// précision sur la validation à chaque époque.

// %% [code]
enum { EPOQUES_CLASSIF = 6, N_VARIANTES = 3 };
const char *variantes[N_VARIANTES] = { "sans normalisation", "batch norm", "batch norm + dropout" };
Module *cnns[N_VARIANTES];
History *historiques[N_VARIANTES];
double precision_test[N_VARIANTES];
for (int v = 0; v < N_VARIANTES; v++) {
    manual_seed(1);
    cnns[v] = creer_cnn_classif(v >= 1, v == 2 ? 0.3 : 0);
    historiques[v] = nn_fit(cnns[v], .x = X_formes, .y = y_formes, .epochs = EPOQUES_CLASSIF, .batch_size = 64,
                            .metrics = "accuracy", .validation_split = 0.2, .seed = 0, .verbose = -1,
                            .optimizer = optim_adam(nn_parameters(cnns[v]), .lr = 2e-3));
    precision_test[v] = metrics_accuracy(y_formes_test, nn_predict(cnns[v], X_formes_test));
    printf("%-22s : précision de validation par époque :", variantes[v]);
    for (int e = 0; e < EPOQUES_CLASSIF; e++) printf(" %.3f", history_get(historiques[v], "val_accuracy")[e]);
    printf(" ; test %.3f\n", precision_test[v]);
}
double ep_classif[EPOQUES_CLASSIF];
for (int e = 0; e < EPOQUES_CLASSIF; e++) ep_classif[e] = e + 1;
plt_subplots(1, 2, .width = 12, .height = 4.5);
for (int v = 0; v < N_VARIANTES; v++) {
    plt_subplot(1, 2, 1);
    plt_plot(ep_classif, history_get(historiques[v], "loss"), EPOQUES_CLASSIF, .label = variantes[v], .marker = "o");
    plt_subplot(1, 2, 2);
    plt_plot(ep_classif, history_get(historiques[v], "val_accuracy"), EPOQUES_CLASSIF, .label = variantes[v], .marker = "o");
}
plt_subplot(1, 2, 1);
plt_title("Perte d'entraînement");
plt_xlabel("époque");
plt_legend();
plt_subplot(1, 2, 2);
plt_title("Précision de validation");
plt_xlabel("époque");
plt_legend(.loc = "lower right");
plt_tight_layout();
plt_show();

// %% [code]
Tensor *pred_formes = metrics_labels(nn_predict(cnns[2], X_formes_test));
double comptes[N_FORMES * N_FORMES];
tensor_to_f64_array(metrics_confusion_matrix(y_formes_test, pred_formes, .num_classes = N_FORMES), comptes, N_FORMES * N_FORMES);
plt_figure(.width = 6, .height = 5);
plt_confusion_matrix(comptes, N_FORMES, .class_names = noms_formes, .title = "Batch norm + dropout (test)",
                     .xlabel = "forme prédite", .ylabel = "vraie forme");
plt_show();

// %% [check] id=check_classification points=1
assert_true(nn_num_parameters(cnns[2], false) == 38276, "le modèle doit être creer_cnn_classif(true, 0.3) (38 276 paramètres)");
assert_true(precision_test[2] >= 0.9, "précision de test %.3f (0,9 attendu au moins)", precision_test[2]);
const double *sans_bn = history_get(historiques[0], "val_accuracy"), *avec_bn = history_get(historiques[1], "val_accuracy");
assert_true(avec_bn[1] > sans_bn[1], "avec la batch norm, la précision de validation devrait monter plus vite (%.3f contre %.3f après 2 époques)",
            avec_bn[1], sans_bn[1]);
check_passed("formes reconnues à %.1f %% (test)", 100 * precision_test[2]);

// %% [markdown]
// ## 6. Ce que voit le réseau
// Les 16 filtres de la première convolution du dernier modèle, appliqués à une image de test :
// chaque *feature map* répond à un motif (un bord, une couleur, un coin…).

// %% [code]
Tensor *plans = tensor_narrow(X_formes_test, 0, 2, 1);
tensor_to_f32_array(tensor_mean_dim(tensor_select(plans, 0, 0), 0, false), formes, COTE * COTE);
const char *titre_image[1] = { "image (moyenne RGB)" };
plt_images(formes, 1, COTE, COTE, .titles = titre_image, .size = 2);
plt_show();
// Les couches du modèle jusqu'à la première ReLU : convolution, batch norm, ReLU.
nn_eval(cnns[2]);
no_grad {
    for (int i = 0; i < nn_num_children(cnns[2]); i++) {
        plans = nn_forward(nn_child(cnns[2], i), plans);
        if (!strcmp(nn_type(nn_child(cnns[2], i)), "ReLU"))
            break;
    }
}
if (tensor_ndim(plans) == 4) {
    int n_plans = (int)tensor_size(plans, 1);
    float *cartes_vues = malloc(sizeof(float) * n_plans * COTE * COTE);
    tensor_to_f32_array(plans, cartes_vues, n_plans * COTE * COTE);
    plt_images(cartes_vues, n_plans, COTE, COTE, .ncols = 8, .size = 1.3);
    plt_suptitle("Les feature maps de la première couche (après batch norm et ReLU)");
    plt_show();
} else {
    printf("Le modèle n'a pas encore de couche de convolution.\n");
}

// %% [markdown]
// ## Questions
// **Q1.** Pourquoi un CNN a-t-il beaucoup moins de paramètres qu'un MLP sur la même image ?

// %% [answer] id=q_parametres points=1
// Chaque neurone d'une convolution ne regarde qu'une petite fenêtre (connexions locales) et
// les mêmes poids servent à toutes les positions de l'image (poids partagés). Le nombre de
// paramètres, $(k_x k_y I + 1) F$, ne dépend donc pas de la taille de l'image, alors que celui
// d'une couche dense croît avec le nombre de pixels.

// %% [markdown]
// **Q2.** Où placer la batch normalisation, et qu'apporte-t-elle dans l'expérience ci-dessus ?
// Que fait-elle en mode évaluation ?

// %% [answer] id=q_batch_norm points=1
// Juste après la convolution (ou la couche linéaire), avant l'activation. En normalisant chaque
// plan sur le lot, elle garde des activations d'échelle stable : la perte baisse plus vite dès
// les premières époques. En évaluation, elle n'utilise plus les statistiques du lot mais les
// moyennes et variances accumulées pendant l'entraînement : la prédiction d'une image ne dépend
// pas des autres images du lot.

// %% [markdown]
// **Q3.** Pourquoi évite-t-on le dropout juste après une convolution ? Où le placer ?

// %% [answer] id=q_dropout points=1
// Des pixels voisins d'une feature map sont très corrélés : éteindre quelques valeurs isolées
// ne retire presque pas d'information (les voisines la portent) et brise la cohérence
// spatiale des cartes. On le met après le pooling ou dans les couches denses (ou l'on éteint
// des plans entiers avec `nn_dropout2d`). Il ralentit un peu l'apprentissage, mais limite le
// sur-apprentissage quand les données manquent.

// %% [markdown]
// **Q4.** Pourquoi le CNN de régression n'a-t-il pas d'activation en sortie, et celui de
// classification pas de softmax ?

// %% [answer] id=q_sorties points=1
// Le rayon est un réel quelconque : une activation (ReLU, sigmoïde) en limiterait les valeurs.
// Pour la classification, le réseau rend des scores (*logits*) ; `nn_cross_entropy` applique
// le softmax elle-même, de façon numériquement stable. Le softmax ne sert qu'à lire des
// probabilités.
