// %% [markdown]
// # TP 4.2 — Réseaux antagonistes génératifs (GAN)
//
// Un GAN met deux réseaux en concurrence :
// * le **générateur** $G$ part d'un vecteur $z$ tiré au hasard (l'espace latent) et
//   fabrique une image $G(z)$ ;
// * le **discriminateur** $D$ reçoit une image et estime la probabilité qu'elle soit
//   **réelle** (tirée des données) plutôt que **générée**.
//
// On les entraîne à tour de rôle. $D$ apprend, comme un classifieur binaire, à séparer
// les vraies images des fausses. $G$ n'a jamais accès aux vraies images : il apprend par
// l'erreur de $D$, en suivant le gradient qui traverse $D$ pour rendre ses images « plus
// réelles » aux yeux de $D$. Si tout se passe bien, $G$ finit par produire des images que
// $D$ ne sait plus distinguer des vraies.
//
// Au programme : les deux réseaux, un pas d'apprentissage de chacun (deux optimiseurs,
// `tensor_detach`), l'entraînement avec ses courbes de pertes et une grille de chiffres
// générés à chaque époque, puis une évaluation des images produites.
//
// **Durée** : pour rester sous la minute sur un processeur ordinaire, on utilise
// 8 000 chiffres de MNIST, deux petits réseaux denses et 12 époques. Les chiffres obtenus
// sont reconnaissables mais encore bruités ; avec tout MNIST et une cinquantaine d'époques
// (ou un générateur convolutif), ils deviennent nets.

// %% [markdown]
// ## 1. Les données
// Le générateur finira par une tangente hyperbolique, à valeurs dans [−1, 1] : on ramène
// les pixels des vraies images dans le même intervalle ($2x - 1$) et on aplatit chaque
// image en un vecteur de 784 valeurs.

// %% [code]
Dataset *mnist_train = datasets_mnist(NULL, true), *mnist_test = datasets_mnist(NULL, false);
Tensor *vers_moins_un_un(Tensor *images) { return tensor_sub_scalar(tensor_mul_scalar(tensor_flatten(images, 1, -1), 2), 1); }
Tensor *X_reels = vers_moins_un_un(data_x(mnist_train));
Tensor *X_test = vers_moins_un_un(data_x(mnist_test));   // pour les mesures, jamais pour l'entraînement
printf("%s, pixels de %.0f à %.0f\n", tensor_shape_str(X_reels), tensor_item(tensor_min(X_reels)),
       tensor_item(tensor_max(X_reels)));

// plt_images lit un tableau de floats : on copie les pixels d'un tenseur d'images.
float *pixels(Tensor *images)
{
    int64_t n = tensor_numel(images);
    float *p = malloc(n * sizeof *p);
    tensor_to_f32_array(images, p, n);
    return p;
}

plt_images(pixels(tensor_narrow(X_reels, 0, 0, 16)), 16, 28, 28, .ncols = 8, .size = 1, .vmin = -1, .vmax = 1);
plt_suptitle("de vrais chiffres");
plt_show();

// %% [markdown]
// ## 2. Les deux réseaux
//
// ### À FAIRE
// * Générateur : $z$ de dimension `LATENT` (64) → Linear(64 → 256) → LeakyReLU(0,2) →
//   Linear(256 → 784) → Tanh.
// * Discriminateur : Linear(784 → 256) → LeakyReLU(0,2) → Dropout(0,3) → Linear(256 → 1).
//   La sortie est un **logit** (un score réel) : la sigmoïde qui en fait une probabilité
//   est incluse dans la perte `nn_bce_with_logits`, plus stable numériquement.
//
// En attendant votre version, chaque fonction renvoie un réseau linéaire provisoire.

// %% [solution] id=reseaux
enum { LATENT = 64 };

Module *creer_generateur(void)
{
    Module *G = nn_sequential(nn_linear(LATENT, 784), nn_tanh());   // provisoire
    // ### BEGIN SOLUTION
    G = nn_sequential(nn_linear(LATENT, 256), nn_leaky_relu(0.2), nn_linear(256, 784), nn_tanh());
    // ### END SOLUTION
    return G;
}

Module *creer_discriminateur(void)
{
    Module *D = nn_sequential(nn_linear(784, 1));   // provisoire
    // ### BEGIN SOLUTION
    D = nn_sequential(nn_linear(784, 256), nn_leaky_relu(0.2), nn_dropout(0.3), nn_linear(256, 1));
    // ### END SOLUTION
    return D;
}

// %% [code]
manual_seed(0);
Module *G = creer_generateur();
Module *D = creer_discriminateur();
nn_summary(G, LATENT);
nn_summary(D, 784);

// %% [check] id=check_reseaux points=1
Tensor *z16 = tensor_randn(16, LATENT);
Tensor *images16 = nn_predict(G, z16);
assert_true(tensor_ndim(images16) == 2 && tensor_size(images16, 0) == 16 && tensor_size(images16, 1) == 784,
            "G(z) pour 16 codes doit avoir la forme (16, 784), pas %s", tensor_shape_str(images16));
assert_true(tensor_item(tensor_min(images16)) >= -1 && tensor_item(tensor_max(images16)) <= 1,
            "les pixels générés doivent être dans [-1, 1] (tanh en sortie)");
Tensor *avis16 = nn_predict(D, images16);
assert_true(tensor_ndim(avis16) == 2 && tensor_size(avis16, 0) == 16 && tensor_size(avis16, 1) == 1,
            "D doit donner un logit par image : forme (16, 1), pas %s", tensor_shape_str(avis16));
int64_t attendu_G = (LATENT + 1) * 256 + (256 + 1) * 784, attendu_D = (784 + 1) * 256 + (256 + 1) * 1;
assert_true(nn_num_parameters(G, false) == attendu_G, "le générateur devrait avoir %lld paramètres, il en a %lld",
            (long long)attendu_G, (long long)nn_num_parameters(G, false));
assert_true(nn_num_parameters(D, false) == attendu_D, "le discriminateur devrait avoir %lld paramètres, il en a %lld",
            (long long)attendu_D, (long long)nn_num_parameters(D, false));
bool a_dropout = false;
for (int i = 0; i < nn_num_children(D); i++)
    a_dropout |= !strcmp(nn_type(nn_child(D, i)), "Dropout");
assert_true(a_dropout, "le discriminateur doit contenir une couche Dropout(0.3)");
check_passed("générateur %lld paramètres, discriminateur %lld paramètres", (long long)attendu_G, (long long)attendu_D);

// %% [markdown]
// **Question 1.** Pourquoi une tangente hyperbolique en sortie du générateur ? Pourquoi
// LeakyReLU plutôt que ReLU dans le discriminateur ?

// %% [solution] id=reponse_reseaux
// Votre réponse (en commentaire) :
// ### BEGIN SOLUTION
// tanh borne la sortie dans [-1, 1], l'intervalle des vraies images (ramenées de [0, 1]) :
// le générateur ne peut pas produire de pixels hors des valeurs possibles, et la sortie est
// centrée en 0. LeakyReLU laisse passer un petit gradient pour les entrées négatives : le
// générateur n'apprend qu'à travers le gradient de D, et une ReLU couperait ce signal
// partout où ses neurones sont éteints.
// ### END SOLUTION

// %% [markdown]
// ## 3. Un pas d'apprentissage de chaque réseau
//
// Les pertes sont des entropies croisées binaires (`nn_bce_with_logits(logits, cibles)`) :
// * **discriminateur** : sur un lot de vraies images, cible « réel » ; sur un lot d'images
//   générées, cible 0 (« faux »). On prend pour « réel » la cible 0,9 plutôt que 1
//   (*one-sided label smoothing*) : un discriminateur un peu moins sûr de lui laisse au
//   générateur des gradients utiles ;
// * **générateur** : ses images, passées dans $D$, avec la cible 1 : il est récompensé
//   quand $D$ les prend pour de vraies.
//
// Chaque réseau a **son propre optimiseur**, qui ne met à jour que ses paramètres. Le lot
// d'images générées `faux = G(z)` est calculé une fois et sert aux deux pas. Pendant le pas
// du discriminateur, $G$ ne doit pas être touché : on lui passe `tensor_detach(faux)`, une
// copie coupée du graphe, si bien que la rétropropagation s'arrête à l'entrée de $D$.
//
// ### À FAIRE
// Complétez les deux fonctions ; chacune renvoie la valeur de sa perte.
// * `pas_discriminateur` : gradients de $D$ à zéro, perte sur les réels (cible
//   `CIBLE_REELLE`, `tensor_full`) **plus** perte sur les faux détachés (cible 0,
//   `tensor_zeros`), rétropropagation, pas de `opt_D`.
// * `pas_generateur` : gradients de $G$ à zéro, perte de $D$(faux) avec la cible 1
//   (`tensor_ones`), rétropropagation, pas de `opt_G`.

// %% [solution] id=pas_apprentissage
const double CIBLE_REELLE = 0.9;

double pas_discriminateur(Module *D, Optimizer *opt_D, Tensor *reels, Tensor *faux)
{
    int64_t n = tensor_size(reels, 0);
    double valeur = 0;
    // ### BEGIN SOLUTION
    optim_zero_grad(opt_D);
    Tensor *perte_reels = nn_bce_with_logits(nn_forward(D, reels), tensor_full(CIBLE_REELLE, n, 1));
    Tensor *perte_faux = nn_bce_with_logits(nn_forward(D, tensor_detach(faux)), tensor_zeros(tensor_size(faux, 0), 1));
    Tensor *perte = tensor_add(perte_reels, perte_faux);
    tensor_backward(perte);
    optim_step(opt_D);
    valeur = tensor_item(perte);
    // ### END SOLUTION
    return valeur;
}

double pas_generateur(Module *D, Optimizer *opt_G, Tensor *faux)
{
    int64_t n = tensor_size(faux, 0);
    double valeur = 0;
    // ### BEGIN SOLUTION
    optim_zero_grad(opt_G);
    Tensor *perte = nn_bce_with_logits(nn_forward(D, faux), tensor_ones(n, 1));
    tensor_backward(perte);
    optim_step(opt_G);
    valeur = tensor_item(perte);
    // ### END SOLUTION
    return valeur;
}

// %% [check] id=check_pas_apprentissage points=2
// Sur des réseaux neufs : D en mode évaluation (sans dropout) pour que les pertes soient reproductibles.
manual_seed(7);
Module *G_essai = creer_generateur(), *D_essai = nn_eval(creer_discriminateur());
Optimizer *opt_G_essai = optim_adam(nn_parameters(G_essai), .lr = 1e-3);
Optimizer *opt_D_essai = optim_adam(nn_parameters(D_essai), .lr = 1e-3);
Tensor *reels_essai = tensor_narrow(X_reels, 0, 0, 32);
Tensor *faux_essai = nn_forward(G_essai, tensor_randn(32, LATENT));

ParamList *copie(Module *m)   // les valeurs des paramètres, détachées
{
    ParamList *p = nn_parameters(m), *c = malloc(sizeof *c);
    c->n = p->n;
    c->tensors = malloc(p->n * sizeof *c->tensors);
    for (int i = 0; i < p->n; i++) c->tensors[i] = tensor_clone(tensor_detach(p->tensors[i]));
    return c;
}
bool inchange(Module *m, ParamList *avant)
{
    ParamList *p = nn_parameters(m);
    for (int i = 0; i < p->n; i++)
        if (!tensor_equal(tensor_detach(p->tensors[i]), avant->tensors[i])) return false;
    return true;
}

double attendue_D, attendue_G;
no_grad {
    attendue_D = tensor_item(nn_bce_with_logits(nn_forward(D_essai, reels_essai), tensor_full(CIBLE_REELLE, 32, 1)))
               + tensor_item(nn_bce_with_logits(nn_forward(D_essai, faux_essai), tensor_zeros(32, 1)));
}
ParamList *G_avant = copie(G_essai), *D_avant = copie(D_essai);
double perte_D = pas_discriminateur(D_essai, opt_D_essai, reels_essai, faux_essai);
assert_close(perte_D, attendue_D, 1e-4, "perte du discriminateur (réels avec la cible 0.9 + faux avec la cible 0)");
ParamList *pg = nn_parameters(G_essai);
for (int i = 0; i < pg->n; i++)
    assert_true(tensor_grad(pg->tensors[i]) == NULL, "après le pas du discriminateur, le paramètre %s du générateur a "
                "un gradient : détachez les images générées (tensor_detach)", nn_named_parameters(G_essai)->names[i]);
assert_true(!inchange(D_essai, D_avant), "le pas du discriminateur doit mettre à jour D (optim_step(opt_D))");
assert_true(inchange(G_essai, G_avant), "le pas du discriminateur ne doit pas modifier G");

no_grad {
    attendue_G = tensor_item(nn_bce_with_logits(nn_forward(D_essai, faux_essai), tensor_ones(32, 1)));
}
D_avant = copie(D_essai);
double perte_G = pas_generateur(D_essai, opt_G_essai, faux_essai);
assert_close(perte_G, attendue_G, 1e-4, "perte du générateur (D(faux) avec la cible 1)");
assert_true(!inchange(G_essai, G_avant), "le pas du générateur doit mettre à jour G (optim_step(opt_G))");
assert_true(inchange(D_essai, D_avant), "le pas du générateur ne doit pas modifier D : seul opt_G fait un pas");
check_passed("pas du discriminateur (G détaché) : %.4f ; pas du générateur (D inchangé) : %.4f", perte_D, perte_G);

// %% [markdown]
// **Question 2.** Sans `tensor_detach`, que calculerait la rétropropagation du pas du
// discriminateur ? Et pourquoi le générateur vise-t-il la cible 1 (minimiser
// $-\log D(G(z))$) au lieu de simplement maximiser la perte du discriminateur sur les
// faux (minimiser $\log(1 - D(G(z)))$) ?

// %% [solution] id=reponse_pas
// Votre réponse (en commentaire) :
// ### BEGIN SOLUTION
// Sans detach, la rétropropagation continuerait à travers G et calculerait des gradients
// pour ses paramètres : du calcul perdu, et des gradients qui vont dans le sens qui aide D
// (rendre les faux plus faciles à reconnaître), accumulés dans G. Si on oubliait de les
// remettre à zéro avant le pas de G, ils fausseraient sa mise à jour. Et ici, comme en
// PyTorch, le pas de G échouerait même : cette première rétropropagation a libéré le graphe
// de G (« backward through the graph a second time »), qu'il faudrait recalculer.
// Au début, D reconnaît facilement les faux : D(G(z)) ≈ 0, et log(1 - D(G(z))) y est
// presque plat, donc son gradient est minuscule et G n'apprend rien. -log D(G(z)) a le même
// but (tromper D) mais un gradient fort justement quand G est mauvais : c'est la perte
// « non saturante » proposée par Goodfellow et al.
// ### END SOLUTION

// %% [markdown]
// ## 4. L'entraînement
//
// À chaque lot : on tire $z$, on génère `faux = G(z)`, un pas du discriminateur, un pas du
// générateur. Deux optimiseurs Adam (pas de 10⁻³, un peu plus grand que le 2·10⁻⁴ habituel
// pour aller vite ; $\beta_1 = 0{,}5$ comme dans la plupart des GAN).
//
// À la fin de chaque époque, en mode évaluation, on soumet à $D$ 1 000 images générées et
// 1 000 vrais chiffres de test : il se trompe quand il juge réelle (probabilité > 0,5) une
// image générée — il est alors « trompé » — ou juge fausse une vraie. Son **taux d'erreur**
// sur ces 2 000 images vaut 0 pour un discriminateur parfait et 50 % quand il ne fait plus
// la différence. On génère aussi une rangée de chiffres à partir des **mêmes** 10 codes
// $z$, pour voir le générateur progresser.

// %% [code]
enum { EPOQUES = 12, LOT = 32, PAR_RANGEE = 10 };
manual_seed(0);
G = creer_generateur();
D = creer_discriminateur();
Optimizer *opt_G = optim_adam(nn_parameters(G), .lr = 1e-3, .beta1 = 0.5);
Optimizer *opt_D = optim_adam(nn_parameters(D), .lr = 1e-3, .beta1 = 0.5);
DataLoader *chargeur = data_loader(data_tensor_dataset(X_reels, NULL), .batch_size = LOT, .shuffle = true, .seed = 0,
                                   .drop_last = true);
int pas_par_epoque = (int)data_num_batches(chargeur);
double *pertes_D = malloc(EPOQUES * pas_par_epoque * sizeof(double));
double *pertes_G = malloc(EPOQUES * pas_par_epoque * sizeof(double));
double faux_juges_reels[EPOQUES], vrais_juges_faux[EPOQUES], erreur_D[EPOQUES], moy_D[EPOQUES], moy_G[EPOQUES];
Tensor *z_fixes = tensor_randn(PAR_RANGEE, LATENT);
Tensor *rangees[EPOQUES];

// Proportion des lignes de logits dont la probabilité sigmoid(logit) dépasse 1/2.
double part_positive(Tensor *logits)
{
    return tensor_item(tensor_mean(tensor_float(tensor_gt_scalar(logits, 0))));
}

int pas = 0;
for (int e = 0; e < EPOQUES; e++) {
    nn_train(G, true);
    nn_train(D, true);
    moy_D[e] = moy_G[e] = 0;
    for (Batch *b; (b = data_next(chargeur)); pas++) {
        Tensor *faux = nn_forward(G, tensor_randn(b->size, LATENT));
        pertes_D[pas] = pas_discriminateur(D, opt_D, b->x, faux);
        pertes_G[pas] = pas_generateur(D, opt_G, faux);
        moy_D[e] += pertes_D[pas] / pas_par_epoque;
        moy_G[e] += pertes_G[pas] / pas_par_epoque;
    }
    nn_eval(G);
    nn_eval(D);
    no_grad {
        faux_juges_reels[e] = part_positive(nn_forward(D, nn_forward(G, tensor_randn(1000, LATENT))));
        vrais_juges_faux[e] = 1 - part_positive(nn_forward(D, tensor_narrow(X_test, 0, 0, 1000)));
        erreur_D[e] = (faux_juges_reels[e] + vrais_juges_faux[e]) / 2;
        rangees[e] = nn_forward(G, z_fixes);
    }
    printf("époque %2d : perte D %.3f, perte G %.3f ; D se trompe sur %4.1f %% des images "
           "(faux jugés réels %4.1f %%, vrais jugés faux %4.1f %%)\n", e + 1, moy_D[e], moy_G[e], 100 * erreur_D[e],
           100 * faux_juges_reels[e], 100 * vrais_juges_faux[e]);
}

// %% [markdown]
// Les pertes, lot par lot (en clair) et en moyenne par époque (en foncé), avec les valeurs
// qu'elles prendraient à l'équilibre idéal (voir la question 3) ; à droite, les erreurs du
// discriminateur. Ses deux sortes d'erreurs varient beaucoup d'une époque à l'autre (son
// seuil se déplace sans cesse au fil du jeu), leur moyenne beaucoup moins.

// %% [code]
int n_pas = EPOQUES * pas_par_epoque;
double *abscisse = malloc(n_pas * sizeof(double));
for (int i = 0; i < n_pas; i++) abscisse[i] = (i + 1.0) / pas_par_epoque;
double fins[EPOQUES];
for (int e = 0; e < EPOQUES; e++) fins[e] = e + 1;
plt_subplots(1, 2, .width = 13, .height = 4.5);
plt_subplot(1, 2, 1);
plt_plot(abscisse, pertes_D, n_pas, .color = "tab:blue", .alpha = 0.25, .linewidth = 0.8);
plt_plot(abscisse, pertes_G, n_pas, .color = "tab:orange", .alpha = 0.25, .linewidth = 0.8);
plt_plot(fins, moy_D, EPOQUES, .color = "tab:blue", .marker = "o", .label = "discriminateur");
plt_plot(fins, moy_G, EPOQUES, .color = "tab:orange", .marker = "o", .label = "générateur");
plt_axhline(2 * log(2), .color = "tab:blue", .linestyle = "--", .label = "2 ln 2");
plt_axhline(log(2), .color = "tab:orange", .linestyle = "--", .label = "ln 2");
plt_xlabel("époque");
plt_ylabel("perte (entropie croisée binaire)");
plt_title("Les deux pertes");
plt_legend(.loc = "upper right", .fontsize = 8);
plt_subplot(1, 2, 2);
plt_plot(fins, erreur_D, EPOQUES, .color = "tab:red", .marker = "o", .linewidth = 2, .label = "taux d'erreur de D");
plt_plot(fins, faux_juges_reels, EPOQUES, .color = "tab:orange", .linestyle = "--", .label = "faux jugés réels (D trompé)");
plt_plot(fins, vrais_juges_faux, EPOQUES, .color = "tab:blue", .linestyle = "--", .label = "vrais jugés faux");
plt_axhline(0.5, .color = "gray", .linestyle = ":", .label = "hasard");
plt_ylim(0, 1);
plt_xlabel("époque");
plt_ylabel("proportion");
plt_title("Erreurs du discriminateur");
plt_legend(.fontsize = 8);
plt_tight_layout();
plt_show();

// %% [markdown]
// Les chiffres générés à partir des mêmes 10 codes $z$, une rangée par époque :

// %% [code]
const char *titres_epoques[EPOQUES * PAR_RANGEE] = { 0 };
for (int e = 0; e < EPOQUES; e++) {
    char *t = malloc(16);
    snprintf(t, 16, "époque %d", e + 1);
    titres_epoques[e * PAR_RANGEE] = t;
}
plt_images(pixels(tensor_cat(rangees, EPOQUES, 0)), EPOQUES * PAR_RANGEE, 28, 28, .ncols = PAR_RANGEE, .size = 0.85,
           .titles = titres_epoques, .vmin = -1, .vmax = 1);
plt_show();

// %% [check] id=check_entrainement points=2
double initiale_D = 0;
for (int i = 0; i < 5; i++) initiale_D += pertes_D[i] / 5;
assert_close(initiale_D, 2 * log(2), 0.25, "perte du discriminateur aux premiers pas (D encore au hasard : 2 ln 2)");
assert_true(moy_D[EPOQUES - 1] > 0.5, "à la dernière époque la perte de D (%.3f) ne devrait pas s'effondrer vers 0 : "
            "le générateur doit lui tenir tête", moy_D[EPOQUES - 1]);
assert_true(moy_G[EPOQUES - 1] < 3, "la perte du générateur (%.3f) ne devrait pas exploser", moy_G[EPOQUES - 1]);
assert_true(faux_juges_reels[EPOQUES - 1] > 0, "à la fin, D ne devrait pas rejeter toutes les images générées");
assert_true(erreur_D[EPOQUES - 1] > 0.1 && erreur_D[EPOQUES - 1] < 0.6, "à la fin, D devrait se tromper une partie du "
            "temps seulement : taux d'erreur entre 10 %% et 60 %%, obtenu %.1f %%", 100 * erreur_D[EPOQUES - 1]);
check_passed("perte initiale de D %.3f ≈ 2 ln 2 ; à la fin : D %.3f, G %.3f, D se trompe sur %.0f %% des images "
             "(%.0f %% des faux jugés réels)", initiale_D, moy_D[EPOQUES - 1], moy_G[EPOQUES - 1],
             100 * erreur_D[EPOQUES - 1], 100 * faux_juges_reels[EPOQUES - 1]);

// %% [markdown]
// **Question 3.** Contrairement à un apprentissage ordinaire, les pertes ne tendent pas
// vers 0. Pourquoi ? Que vaudraient-elles si le générateur était parfait (lignes en
// pointillés) ? Que peut-on conclure de ces courbes sur la qualité des images ?

// %% [solution] id=reponse_pertes
// Votre réponse (en commentaire) :
// ### BEGIN SOLUTION
// Les deux réseaux jouent l'un contre l'autre : quand G progresse, la tâche de D devient
// plus dure et sa perte remonte, et inversement. On ne cherche pas un minimum commun mais
// un équilibre. Si G était parfait, ses images seraient indiscernables des vraies et le
// meilleur D répondrait 1/2 partout : perte de D = ln 2 (réels) + ln 2 (faux) = 2 ln 2
// ≈ 1,39 (avec la cible 0,9 aussi, puisque -0,9 ln ½ - 0,1 ln ½ = ln 2), perte de G = ln 2
// ≈ 0,69. Des pertes qui oscillent autour de ces valeurs disent seulement que le jeu est
// équilibré, pas que les images sont belles : il faut les regarder, ou les mesurer autrement
// (partie 5).
// ### END SOLUTION

// %% [markdown]
// ## 5. Que valent les images générées ?
//
// La perte d'un GAN ne mesure pas la qualité de ses images. Une idée courante (celle de
// l'*Inception Score*) : demander à un **classifieur** entraîné sur les vrais chiffres ce
// qu'il voit. Des chiffres réussis sont classés avec **assurance** (probabilité > 0,9), et
// un générateur varié produit **toutes les classes**.
//
// **Question 4.** Qu'est-ce que l'effondrement de modes (*mode collapse*) d'un GAN ? Où
// le verrait-on dans ce notebook ?

// %% [solution] id=reponse_modes
// Votre réponse (en commentaire) :
// ### BEGIN SOLUTION
// Le générateur trouve quelques images (par exemple un seul chiffre) qui trompent le
// discriminateur et se met à ne produire qu'elles, quel que soit z : il « oublie » le reste
// de la distribution. On le verrait dans la grille par époque (des rangées où tous les
// chiffres se ressemblent alors que les z diffèrent) et dans la répartition des chiffres
// reconnus par le classifieur (quelques classes seulement, les autres vides).
// ### END SOLUTION

// %% [markdown]
// Le classifieur : un petit réseau dense, 3 époques sur les vrais chiffres (code donné).

// %% [code]
manual_seed(0);
Module *classifieur = nn_sequential(nn_linear(784, 128), nn_relu(), nn_linear(128, 10));
nn_fit(classifieur, .x = X_reels, .y = data_y(mnist_train), .epochs = 3, .batch_size = 64, .verbose = -1);
Evaluation *eval_classifieur = nn_evaluate(classifieur, .x = X_test, .y = data_y(mnist_test), .verbose = -1);
printf("précision du classifieur sur les vrais chiffres de test : %.1f %%\n", 100 * eval_classifieur->accuracy);

// %% [markdown]
// ### À FAIRE
// `juger` fait passer des images (N × 784) dans le classifieur et remplit un `Verdict` :
// * `assurance` : la part des images dont la plus grande probabilité (softmax des logits
//   de `nn_predict`, sur la dimension 1) dépasse 0,9 ;
// * `effectifs[c]` : le nombre d'images attribuées au chiffre `c` (celui de plus grande
//   probabilité).
//
// `tensor_max_dim(p, 1, false, &indices)` donne le maximum de chaque ligne et, dans
// `indices`, sa position.

// %% [solution] id=juger
typedef struct {
    double assurance;   // part des images classées avec une probabilité > 0.9
    int effectifs[10];  // nombre d'images attribuées à chaque chiffre
} Verdict;

Verdict juger(Tensor *images)
{
    Verdict v = { 0 };
    // ### BEGIN SOLUTION
    Tensor *classes;
    Tensor *proba_max = tensor_max_dim(tensor_softmax(nn_predict(classifieur, images), 1), 1, false, &classes);
    v.assurance = tensor_item(tensor_mean(tensor_float(tensor_gt_scalar(proba_max, 0.9))));
    for (int i = 0; i < tensor_size(images, 0); i++)
        v.effectifs[(int)tensor_get(classes, i)]++;
    // ### END SOLUTION
    return v;
}

// %% [check] id=check_juger points=1
Tensor *vingt = tensor_narrow(X_test, 0, 0, 20);
Verdict v20 = juger(vingt);
Tensor *probas20 = tensor_softmax(nn_predict(classifieur, vingt), 1);
int attendus[10] = { 0 }, surs = 0;
for (int i = 0; i < 20; i++) {
    int meilleure = 0;
    for (int c = 1; c < 10; c++)
        if (tensor_get(probas20, i, c) > tensor_get(probas20, i, meilleure)) meilleure = c;
    attendus[meilleure]++;
    surs += tensor_get(probas20, i, meilleure) > 0.9;
}
for (int c = 0; c < 10; c++)
    assert_true(v20.effectifs[c] == attendus[c], "sur 20 vrais chiffres, %d devraient être attribués au chiffre %d "
                "(obtenu %d)", attendus[c], c, v20.effectifs[c]);
assert_close(v20.assurance, surs / 20.0, 1e-6, "part des images classées avec une probabilité > 0.9");
check_passed("verdict sur 20 vrais chiffres : %.0f %% classés avec assurance", 100 * v20.assurance);

// %% [markdown]
// On compare le générateur entraîné à un générateur neuf et à de vrais chiffres de test.

// %% [code]
int classes_presentes(Verdict *v, int n)   // chiffres qui reçoivent au moins 3 % des images
{
    int k = 0;
    for (int c = 0; c < 10; c++) k += v->effectifs[c] >= 0.03 * n;
    return k;
}

manual_seed(123);
Module *G_neuf = creer_generateur();
Tensor *z_eval = tensor_randn(1000, LATENT);
Verdict v_reels = juger(tensor_narrow(X_test, 0, 0, 1000));
Verdict v_neuf = juger(nn_predict(G_neuf, z_eval));
Verdict v_gan = juger(nn_predict(G, z_eval));
printf("classés avec assurance : vrais chiffres %.1f %%, générateur neuf %.1f %%, générateur entraîné %.1f %%\n",
       100 * v_reels.assurance, 100 * v_neuf.assurance, 100 * v_gan.assurance);
printf("chiffres présents (≥ 3 %% des images) : vrais %d, neuf %d, entraîné %d\n", classes_presentes(&v_reels, 1000),
       classes_presentes(&v_neuf, 1000), classes_presentes(&v_gan, 1000));

double gauche[10], droite[10], parts_reels[10], parts_gan[10];
for (int c = 0; c < 10; c++) {
    gauche[c] = c - 0.2;
    droite[c] = c + 0.2;
    parts_reels[c] = v_reels.effectifs[c] / 1000.0;
    parts_gan[c] = v_gan.effectifs[c] / 1000.0;
}
plt_figure(.width = 8, .height = 3.5);
plt_bar(gauche, parts_reels, 10, .width = 0.4, .label = "vrais chiffres");
plt_bar(droite, parts_gan, 10, .width = 0.4, .label = "générés");
plt_xticks((double[]){ 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 }, 10, NULL);
plt_xlabel("chiffre reconnu par le classifieur");
plt_ylabel("proportion");
plt_title("Diversité des chiffres générés");
plt_legend();
plt_tight_layout();
plt_show();

// %% [check] id=check_qualite points=2
assert_true(v_gan.assurance > 2 * v_neuf.assurance && v_gan.assurance > 0.15,
            "le classifieur devrait reconnaître avec assurance bien plus d'images du générateur entraîné (%.1f %%) que "
            "d'un générateur neuf (%.1f %%), et plus de 15 %%", 100 * v_gan.assurance, 100 * v_neuf.assurance);
assert_true(classes_presentes(&v_gan, 1000) >= 8, "le générateur ne produit que %d chiffres différents : "
            "effondrement de modes ?", classes_presentes(&v_gan, 1000));
check_passed("%.0f %% des images générées reconnues avec assurance (générateur neuf : %.0f %%, vrais chiffres : %.0f %%), "
             "%d chiffres différents", 100 * v_gan.assurance, 100 * v_neuf.assurance, 100 * v_reels.assurance,
             classes_presentes(&v_gan, 1000));

// %% [markdown]
// Enfin, quelques images générées à partir de nouveaux codes $z$ :

// %% [code]
manual_seed(2024);
plt_images(pixels(nn_predict(G, tensor_randn(40, LATENT))), 40, 28, 28, .ncols = 10, .size = 0.9, .vmin = -1, .vmax = 1);
plt_suptitle("chiffres générés");
plt_show();

// %% [markdown]
// **À retenir** : un GAN apprend à générer sans jamais comparer une image générée à une
// vraie : le générateur n'apprend que par le gradient du discriminateur. On alterne deux
// pas avec deux optimiseurs, en détachant les images générées pendant le pas du
// discriminateur. Les pertes oscillent autour d'un équilibre (2 ln 2 et ln 2) et ne disent
// rien de la qualité : on regarde les images, et on les mesure avec un classifieur.
