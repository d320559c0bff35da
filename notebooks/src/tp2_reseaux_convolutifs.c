// %% [markdown]
// # TP 2 — Réseaux convolutifs
//
// Ce TP revient d'abord sur les notions du TP 1 qu'il faut maîtriser avant d'aller plus loin,
// puis introduit les **réseaux convolutifs** (CNN).
//
// **Retour sur le TP 1** : un perceptron qui classe des images, écrit comme un objet, avec une
// initialisation soignée (He ou Xavier) et une règle de décision ; un jeu de données écrit à la
// main (`get`, `len`), le chargeur qui en tire des lots, avec un tirage pondéré quand les classes
// sont déséquilibrées, et l'augmentation de données ; les fonctions de perte de la
// classification (NLL, entropie croisée, BCE) ; la descente de gradient par mini-lots, où sont
// les gradients et le graphe qui les calcule ; le perceptron multicouche et le XOR.
//
// **Les CNN** ont connu deux époques. De 1989 à 1995, de petits réseaux (moins de 100 000
// paramètres, sur processeur) lisaient les codes postaux ou reconnaissaient des phonèmes. De
// 2012 à 2017, des réseaux profonds de plus de 10 millions de paramètres, entraînés sur GPU,
// ont gagné la vision par ordinateur : AlexNet (et ReLU), VGG et ResNet (initialisation,
// *dropout*, *batch normalisation*), les réseaux entièrement convolutifs pour les prédictions
// pixel par pixel, et les bibliothèques qui les rendent faciles (TensorFlow, PyTorch).
//
// L'idée de base : un neurone de convolution est un petit **noyau** (plus un biais) qu'on fait
// glisser sur toute l'image ; les mêmes poids servent partout (*weight sharing*), donc un motif
// est reconnu où qu'il soit. Les données : un extrait de **MNIST** (8 000 chiffres
// d'entraînement, 2 000 de test) pour que tout tourne en quelques secondes ; avec les 70 000
// images, le code est le même.

// %% [code]
enum { N_CLASSES = 10 };
Dataset *mnist_train = datasets_mnist(NULL, true), *mnist_test = datasets_mnist(NULL, false);
Tensor *X_train = data_x(mnist_train), *y_train = data_y(mnist_train);
Tensor *X_test = data_x(mnist_test), *y_test = data_y(mnist_test);
printf("entraînement : %s, test : %s, pixels dans [%g, %g]\n", tensor_shape_str(X_train), tensor_shape_str(X_test),
       tensor_item(tensor_min(X_train)), tensor_item(tensor_max(X_train)));

// %% [markdown]
// ## 1. Un perceptron classifieur, écrit comme un objet
// Le perceptron à une couche calcule 10 scores $z = W x + b$ (un par chiffre) à partir des 784
// pixels, puis les transforme en **probabilités** par le softmax
// $p_k = e^{z_k} / \sum_j e^{z_j}$. En PyTorch, c'est une classe qui hérite de `nn.Module` ;
// ici, un `Module` fait d'une structure (ses couches) et d'une fonction `forward`.

// %% [code]
typedef struct {
    Module *lineaire;
} Perceptron;

Tensor *perceptron_forward(Module *self, Tensor *x, void *ctx)
{
    (void)self;
    Perceptron *p = ctx;
    Tensor *scores = nn_forward(p->lineaire, tensor_flatten(x, 1, -1));   // (N, 784) -> (N, 10)
    return tensor_softmax(scores, 1);                                     // une ligne de probabilités par image
}

Module *creer_perceptron(int64_t entrees, int64_t classes)
{
    Perceptron *p = nn_alloc(sizeof *p);
    Module *m = nn_module("Perceptron", perceptron_forward, p);
    p->lineaire = nn_register_module(m, "lineaire", nn_linear(entrees, classes));
    return m;
}

// %% [markdown]
// ### L'initialisation des poids
// Au départ, les poids sont tirés au hasard, mais pas n'importe comment : si leur variance est
// trop grande, les sorties explosent de couche en couche ; trop petite, elles s'éteignent. Pour
// une couche de $n_{in}$ entrées et $n_{out}$ sorties :
// * **Xavier** (Glorot) : $\sigma = \sqrt{2 / (n_{in} + n_{out})}$, qui garde la variance pour des
//   activations symétriques (tanh, sigmoïde, ou pas d'activation) ;
// * **He** (Kaiming) : $\sigma = \sqrt{2 / n_{in}}$, pour ReLU, qui annule la moitié des
//   valeurs et divise donc la variance par deux : on la double d'avance.
//
// ### À FAIRE
// Complétez les deux écarts types et `initialiser` : les poids (`nn_get_parameter(couche,
// "weight")`, de forme $(n_{out}, n_{in})$) tirés selon $\mathcal{N}(0, \sigma^2)$ avec
// `nn_init_normal`, et les biais à zéro (`nn_init_zeros`).

// %% [solution] id=initialisation
double ecart_type_xavier(int64_t n_in, int64_t n_out)
{
    double sigma = 0;
    // ### BEGIN SOLUTION
    sigma = sqrt(2.0 / (double)(n_in + n_out));
    // ### END SOLUTION
    return sigma;
}

double ecart_type_he(int64_t n_in)
{
    double sigma = 0;
    // ### BEGIN SOLUTION
    sigma = sqrt(2.0 / (double)n_in);
    // ### END SOLUTION
    return sigma;
}

void initialiser(Module *couche, bool he)
{
    Tensor *w = nn_get_parameter(couche, "weight"), *b = nn_get_parameter(couche, "bias");
    int64_t n_out = tensor_size(w, 0), n_in = tensor_size(w, 1);
    // ### BEGIN SOLUTION
    nn_init_normal(w, 0, he ? ecart_type_he(n_in) : ecart_type_xavier(n_in, n_out));
    nn_init_zeros(b);
    // ### END SOLUTION
    (void)n_out, (void)n_in;
}

// %% [check] id=check_initialisation points=1
assert_close(ecart_type_xavier(300, 100), 0.070711, 1e-5, "ecart_type_xavier(300, 100)");
assert_close(ecart_type_he(200), 0.1, 1e-9, "ecart_type_he(200)");
{
    manual_seed(3);
    Module *c = nn_linear(256, 512);
    Tensor *reference = nn_init_kaiming_normal(tensor_empty(512, 256), .nonlinearity = "relu");
    initialiser(c, true);
    Tensor *w = nn_get_parameter(c, "weight");
    double s = tensor_item(tensor_std(w)), s_ref = tensor_item(tensor_std(reference));
    assert_close(s, s_ref, 0.03 * s_ref, "l'écart type des poids He d'une couche 256 -> 512 (celui de nn_init_kaiming_normal)");
    assert_close(tensor_item(tensor_mean(w)), 0, 0.003, "la moyenne des poids");
    assert_true(tensor_item(tensor_max(tensor_abs(nn_get_parameter(c, "bias")))) == 0, "les biais sont mis à zéro");
    initialiser(c, false);
    s = tensor_item(tensor_std(nn_get_parameter(c, "weight")));
    assert_close(s, ecart_type_xavier(256, 512), 0.03 * ecart_type_xavier(256, 512), "l'écart type des poids Xavier");
}
check_passed("initialisations de He et de Xavier");

// %% [markdown]
// Pourquoi c'est important : un signal aléatoire traverse 10 couches de 256 neurones ReLU. On
// suit l'écart type de ses valeurs après chaque couche, pour trois initialisations.

// %% [code]
enum { PROFONDEUR = 10 };
double couches_x[PROFONDEUR + 1], ecarts[3][PROFONDEUR + 1];
const char *noms_init[3] = { "He", "Xavier", "N(0, 0,01²)" };
for (int l = 0; l <= PROFONDEUR; l++) couches_x[l] = l;
manual_seed(0);
Tensor *signal0 = tensor_randn(1000, 256);
for (int k = 0; k < 3; k++) {
    Tensor *h = signal0;
    ecarts[k][0] = tensor_item(tensor_std(h));
    no_grad {
        for (int l = 1; l <= PROFONDEUR; l++) {
            Module *c = nn_linear(256, 256);
            if (k == 2) {
                nn_init_normal(nn_get_parameter(c, "weight"), 0, 0.01);
                nn_init_zeros(nn_get_parameter(c, "bias"));
            } else {
                initialiser(c, k == 0);
            }
            h = tensor_relu(nn_forward(c, h));
            ecarts[k][l] = tensor_item(tensor_std(h));
        }
    }
}
plt_figure(.width = 7, .height = 4.5);
for (int k = 0; k < 3; k++)
    plt_plot(couches_x, ecarts[k], PROFONDEUR + 1, .label = noms_init[k], .marker = "o");
plt_yscale("log");
plt_xlabel("couche");
plt_ylabel("écart type des activations");
plt_title("Le signal à travers 10 couches ReLU");
plt_legend();
plt_show();

// %% [markdown]
// ### La règle de décision
// Le perceptron rend 10 probabilités ; pour décider, on choisit la plus grande (en PyTorch,
// `torch.max(p, 1)[1]` : l'indice du maximum de chaque ligne).
//
// ### À FAIRE
// Complétez `regle_de_decision` : pour des probabilités $(N, K)$, les $N$ classes choisies
// (`tensor_argmax_dim`).

// %% [solution] id=decision
Tensor *regle_de_decision(Tensor *probas)
{
    Tensor *classes = NULL;
    // ### BEGIN SOLUTION
    classes = tensor_argmax_dim(probas, 1, false);
    // ### END SOLUTION
    return classes;
}

// %% [check] id=check_decision points=1
{
    float p[3][3] = { { 0.2f, 0.5f, 0.3f }, { 0.9f, 0.05f, 0.05f }, { 0.3f, 0.3f, 0.4f } };
    Tensor *c = regle_de_decision(tensor_from_f32(&p[0][0], 3, 3));
    assert_true(c != NULL && tensor_ndim(c) == 1 && tensor_size(c, 0) == 3, "une classe par ligne attendue");
    assert_true(tensor_get(c, 0) == 1 && tensor_get(c, 1) == 0 && tensor_get(c, 2) == 2, "les classes 1, 0, 2 attendues");
}
check_passed("la classe choisie est la plus probable");

// %% [markdown]
// **Question.** Pourquoi He pour ReLU et Xavier pour tanh ? Que montre la figure ?

// %% [answer] id=q_initialisation points=1
// Xavier choisit la variance des poids pour que celle des sorties reste celle des entrées
// quand l'activation est symétrique et presque linéaire autour de 0 (tanh). ReLU met à zéro
// la moitié des valeurs et divise la variance par deux à chaque couche : He double la
// variance des poids pour compenser. La figure le montre : avec He, l'écart type reste
// constant sur 10 couches ; avec Xavier, il fond d'un facteur $\sqrt 2$ environ par couche ;
// avec des poids trop petits, le signal (et donc le gradient) disparaît presque aussitôt.

// %% [markdown]
// ## 2. Un jeu de données écrit à la main
// En PyTorch, un `Dataset` est une classe qui sait rendre son $i$-ème exemple (`__getitem__`)
// et son nombre d'exemples (`__len__`). Ici, ce sont deux fonctions, `get` et `len`, qui
// reçoivent un contexte : la structure `MonDataset`. Le chargeur les appelle pour former ses
// lots.
//
// ### À FAIRE
// Complétez `mon_get` : l'image `i` (`tensor_select(images, 0, i)`, de forme (1, 28, 28)) dans
// `*x`, son étiquette (`tensor_select(etiquettes, 0, i)`, un tenseur à 0 dimension) dans `*y` ;
// si le jeu a une `augmentation`, appliquez-la à l'image (`transforms_apply` travaille sur des
// lots : ajoutez une dimension avec `tensor_unsqueeze(x, 0)` puis retirez-la avec
// `tensor_select(..., 0, 0)`). Complétez aussi `mon_len`.

// %% [solution] id=dataset
typedef struct {
    Tensor *images;          // (N, 1, 28, 28)
    Tensor *etiquettes;      // (N) int64
    Transform *augmentation; // NULL : pas d'augmentation
    Generator *hasard;       // pour l'augmentation
} MonDataset;

void mon_get(int64_t i, Tensor **x, Tensor **y, void *ctx)
{
    MonDataset *ds = ctx;
    *x = tensor_zeros(1, 28, 28);
    *y = tensor_zeros_dtype(DT_INT64);
    // ### BEGIN SOLUTION
    *x = tensor_select(ds->images, 0, i);
    if (ds->augmentation)
        *x = tensor_select(transforms_apply(ds->augmentation, tensor_unsqueeze(*x, 0), ds->hasard), 0, 0);
    *y = tensor_select(ds->etiquettes, 0, i);
    // ### END SOLUTION
    (void)ds;
}

int64_t mon_len(void *ctx)
{
    MonDataset *ds = ctx;
    int64_t n = 0;
    // ### BEGIN SOLUTION
    n = tensor_size(ds->images, 0);
    // ### END SOLUTION
    (void)ds;
    return n;
}

Dataset *mon_dataset(Tensor *images, Tensor *etiquettes, Transform *augmentation)
{
    MonDataset *ds = nn_alloc(sizeof *ds);
    ds->images = images;
    ds->etiquettes = etiquettes;
    ds->augmentation = augmentation;
    ds->hasard = generator_new(0);
    return data_dataset(mon_get, mon_len, ds);
}

// %% [check] id=check_dataset points=1
{
    Dataset *ds = mon_dataset(X_train, y_train, NULL);
    assert_true(data_len(ds) == tensor_size(X_train, 0), "len : %lld exemples attendus, pas %lld", (long long)tensor_size(X_train, 0),
                (long long)data_len(ds));
    for (int64_t i = 0; i < 8000; i += 1999) {
        Tensor *x, *y;
        data_get(ds, i, &x, &y);
        assert_true(tensor_ndim(x) == 3 && tensor_size(x, 0) == 1 && tensor_size(x, 1) == 28, "l'image %lld doit être (1, 28, 28), pas %s",
                    (long long)i, tensor_shape_str(x));
        assert_true(tensor_equal(x, tensor_select(X_train, 0, i)), "l'image %lld n'est pas la bonne", (long long)i);
        assert_true(tensor_numel(y) == 1 && tensor_item(y) == tensor_get(y_train, i), "l'étiquette %lld n'est pas la bonne", (long long)i);
    }
    Dataset *augmente = mon_dataset(X_train, y_train, transforms_horizontal_flip(1.0));
    Tensor *x;
    data_get(augmente, 5, &x, NULL);
    assert_true(tensor_equal(x, tensor_flip(tensor_select(X_train, 0, 5), -1)), "avec une augmentation (ici un miroir), get doit rendre l'image transformée");
    DataLoader *dl = data_loader(ds, .batch_size = 32);
    Batch *b = data_next(dl);
    assert_true(tensor_size(b->x, 0) == 32 && tensor_size(b->y, 0) == 32, "un lot de 32 images et 32 étiquettes");
}
check_passed("get et len : le chargeur forme des lots à partir de votre jeu de données");

// %% [markdown]
// ## 3. Le chargeur : lots, mélange, tirage pondéré
// `data_loader(ds, .batch_size = 64, .shuffle = true)` (le `DataLoader` de PyTorch) découpe
// le jeu en lots de 64, dans un ordre tiré au hasard à chaque époque. Avec l'augmentation
// (rotation de ±15° et décalage de 10 %), chaque passage montre des images un peu différentes :

// %% [code]
Dataset *jeu_augmente = mon_dataset(X_train, y_train, transforms_random_affine(.degrees = 15, .translate = 0.1));
if (data_len(jeu_augmente) > 0) {
    DataLoader *apercu = data_loader(jeu_augmente, .batch_size = 16, .shuffle = true, .seed = 1);
    Batch *lot = data_next(apercu);
    char titres_lot[16][16];
    const char *titres[16];
    for (int i = 0; i < 16; i++) {
        snprintf(titres_lot[i], sizeof titres_lot[i], "%d", (int)tensor_get(lot->y, i));
        titres[i] = titres_lot[i];
    }
    plt_images(lot->x, 16, 0, 0, .ncols = 8, .titles = titres, .size = 1.3);
    plt_suptitle("Un lot mélangé et augmenté");
    plt_show();
}

// %% [markdown]
// ### Un jeu déséquilibré
// On ne garde que 5 % des chiffres 5 à 9 : les classes rares sont alors vues vingt fois moins
// souvent, et le modèle apprend à les ignorer. Un **échantillonneur pondéré**
// (`WeightedRandomSampler` en PyTorch, `.weights` ici) tire les exemples avec remise, avec une
// probabilité proportionnelle à leur poids : en donnant à chaque exemple le poids
// $1 / n_c$ (l'inverse de l'effectif de sa classe), chaque classe est tirée aussi souvent.
//
// ### À FAIRE
// Complétez `poids_des_exemples` : un poids par exemple, $1 / n_c$, en float32
// (`tensor_bincount` compte les exemples de chaque classe).

// %% [code]
// Les 5 % des chiffres 5 à 9, et tous les chiffres 0 à 4.
int64_t n_gardes = 0, *indices_gardes = malloc(sizeof(int64_t) * tensor_size(y_train, 0));
for (int64_t i = 0, vus[N_CLASSES] = { 0 }; i < tensor_size(y_train, 0); i++) {
    int c = (int)tensor_get(y_train, i);
    if (c < 5 || vus[c]++ % 20 == 0) indices_gardes[n_gardes++] = i;
}
Tensor *gardes = tensor_from_i64(indices_gardes, n_gardes);
Tensor *X_deseq = tensor_index_select(X_train, 0, gardes), *y_deseq = tensor_index_select(y_train, 0, gardes);
Tensor *effectifs_deseq = tensor_bincount(y_deseq, .minlength = N_CLASSES);
printf("%lld images ; effectifs par classe : ", (long long)n_gardes);
tensor_print(effectifs_deseq);

// %% [solution] id=poids
Tensor *poids_des_exemples(Tensor *etiquettes)
{
    Tensor *poids = tensor_ones(tensor_size(etiquettes, 0));
    // ### BEGIN SOLUTION
    Tensor *effectifs = tensor_float(tensor_bincount(etiquettes));
    poids = tensor_reciprocal(tensor_index_select(effectifs, 0, etiquettes));
    // ### END SOLUTION
    return poids;
}

// %% [check] id=check_poids points=1
{
    Tensor *y = tensor_from_i64(((int64_t[]){ 0, 0, 0, 1, 2, 2 }), 6);
    Tensor *p = poids_des_exemples(y);
    double attendu[6] = { 1 / 3.0, 1 / 3.0, 1 / 3.0, 1, 0.5, 0.5 };
    assert_true(tensor_numel(p) == 6, "un poids par exemple");
    for (int i = 0; i < 6; i++)
        assert_close(tensor_get(p, i) / tensor_get(p, 3), attendu[i], 1e-6, "le poids relatif d'un exemple (1 / effectif de sa classe)");
}
check_passed("poids inversement proportionnels aux effectifs");

// %% [markdown]
// Une époque de chaque chargeur : combien d'exemples de chaque classe ont été tirés ?

// %% [code]
double tirages[2][N_CLASSES] = { { 0 } };
Dataset *jeu_deseq = data_tensor_dataset(X_deseq, y_deseq);
DataLoader *chargeurs[2] = { data_loader(jeu_deseq, .batch_size = 64, .shuffle = true, .seed = 0),
                             data_loader(jeu_deseq, .batch_size = 64, .seed = 0, .weights = poids_des_exemples(y_deseq)) };
for (int k = 0; k < 2; k++)
    for (Batch *b; (b = data_next(chargeurs[k]));)
        for (int64_t i = 0; i < b->size; i++) tirages[k][(int)tensor_get(b->y, i)]++;
double positions[N_CLASSES], decalees[N_CLASSES];
for (int c = 0; c < N_CLASSES; c++) {
    positions[c] = c - 0.2;
    decalees[c] = c + 0.2;
}
plt_figure(.width = 8, .height = 4);
plt_bar(positions, tirages[0], N_CLASSES, .width = 0.4, .label = "mélange simple");
plt_bar(decalees, tirages[1], N_CLASSES, .width = 0.4, .label = "tirage pondéré");
plt_xticks((double[]){ 0, 1, 2, 3, 4, 5, 6, 7, 8, 9 }, N_CLASSES, NULL);
plt_xlabel("chiffre");
plt_ylabel("exemples tirés en une époque");
plt_legend();
plt_show();

// %% [check] id=check_tirage points=1
{
    double total = 0, mini = 1e9, maxi = 0;
    for (int c = 0; c < N_CLASSES; c++) {
        total += tirages[1][c];
        mini = fmin(mini, tirages[1][c]);
        maxi = fmax(maxi, tirages[1][c]);
    }
    assert_true(total == n_gardes, "une époque du chargeur pondéré tire autant d'exemples que le jeu en compte");
    assert_true(mini > 0.07 * total && maxi < 0.13 * total, "avec le tirage pondéré, chaque classe devrait faire 10 %% des tirages (de %.1f %% à %.1f %% ici)",
                100 * mini / total, 100 * maxi / total);
}
check_passed("tirage pondéré : chaque chiffre est tiré environ une fois sur dix");

// %% [markdown]
// ## 4. Les pertes de la classification
// Pour un exemple de classe $c$, le modèle donne la probabilité $p_c$ à la bonne réponse. La
// **NLL** (*negative log-likelihood*) vaut $-\ln p_c$, moyennée sur le lot : nulle si $p_c = 1$,
// très grande si $p_c \to 0$. Ses variantes :
// * `nn_nll(log_probas, y)` prend des log-probabilités ($\ln p$) ;
// * `nn_cross_entropy(scores, y)` prend les scores bruts $z$ (*logits*) et applique elle-même
//   le log-softmax : c'est la NLL de $\mathrm{softmax}(z)$, calculée de façon stable ;
// * pour deux classes, une seule probabilité $p = P(y = 1)$ suffit : la **BCE**
//   $-[\,y \ln p + (1 - y) \ln(1 - p)\,]$ (`nn_bce`, ou `nn_bce_with_logits` sur le score).
//
// ### À FAIRE
// Écrivez `nll_a_la_main` (la moyenne de $-\ln p_{c_i}$ sur les $n$ lignes de `probas`, de $k$
// colonnes) et `bce_a_la_main`, avec de simples boucles.

// %% [solution] id=pertes
double nll_a_la_main(const float *probas, const int64_t *classes, int n, int k)
{
    double somme = 0;
    // ### BEGIN SOLUTION
    for (int i = 0; i < n; i++)
        somme -= log(probas[i * k + classes[i]]);
    // ### END SOLUTION
    return somme / n;
}

double bce_a_la_main(const float *p, const float *y, int n)
{
    double somme = 0;
    // ### BEGIN SOLUTION
    for (int i = 0; i < n; i++)
        somme -= y[i] * log(p[i]) + (1 - y[i]) * log(1 - p[i]);
    // ### END SOLUTION
    return somme / n;
}

// %% [check] id=check_pertes points=1
{
    manual_seed(5);
    Tensor *scores = tensor_randn(6, 4), *classes = tensor_randint(0, 4, 6);
    Tensor *probas = tensor_softmax(scores, 1);
    float p[24];
    int64_t c[6];
    tensor_to_f32_array(probas, p, 24);
    tensor_to_i64_array(classes, c, 6);
    double a_la_main = nll_a_la_main(p, c, 6, 4);
    assert_close(a_la_main, tensor_item(nn_nll(tensor_log(probas), classes)), 1e-5, "la NLL comparée à nn_nll");
    assert_close(a_la_main, tensor_item(nn_cross_entropy(scores, classes)), 1e-5, "la NLL des probabilités softmax comparée à nn_cross_entropy des scores");
    float pb[4] = { 0.9f, 0.2f, 0.6f, 0.01f }, yb[4] = { 1, 0, 0, 1 };
    assert_close(bce_a_la_main(pb, yb, 4), tensor_item(nn_bce(tensor_from_f32(pb, 4), tensor_from_f32(yb, 4))), 1e-5,
                 "la BCE comparée à nn_bce");
}
check_passed("NLL, entropie croisée et BCE : trois façons de calculer -ln p(bonne classe)");

// %% [markdown]
// Pourquoi pas, tout simplement, la distance entre la classe prédite et la bonne,
// $|\arg\max_k p_k - c|$ ? Essayons : cette « perte » n'a pas de gradient.

// %% [code]
{
    Tensor *scores = tensor_requires_grad_(tensor_randn(4, N_CLASSES), true);
    Tensor *c = tensor_from_i64(((int64_t[]){ 3, 1, 4, 1 }), 4);
    Tensor *predit = tensor_argmax_dim(scores, 1, false);
    Tensor *distance = tensor_mean(tensor_abs(tensor_float(tensor_sub(predit, c))));
    printf("|argmax - c| = %.2f ; suivie par autograd : %s\n", tensor_item(distance),
           tensor_requires_grad(distance) ? "oui" : "non (argmax rend des entiers, constants par morceaux)");
    Tensor *nll = nn_cross_entropy(scores, c);
    tensor_backward(nll);
    printf("NLL = %.3f ; son gradient par rapport aux scores a une norme de %.3f\n", tensor_item(nll),
           tensor_item(tensor_norm(tensor_grad(scores), 2)));
}

// %% [markdown]
// **Questions.** 1. Pourquoi pas $|\arg\max f(x) - c|$ ? 2. Pourquoi parle-t-on de
// *vraisemblance* (*likelihood*) ? 3. Quand utiliser l'entropie croisée, quand la BCE ?

// %% [answer] id=q_pertes points=1
// 1. Elle est constante par morceaux : changer un peu les poids ne change presque jamais la
//    classe prédite, donc son gradient est nul partout (et indéfini aux sauts) ; la descente de
//    gradient n'a aucune direction à suivre. De plus, elle suppose les classes ordonnées : se
//    tromper d'un 9 en 8 coûterait moins qu'en 0, ce qui n'a pas de sens pour des catégories.
// 2. La vraisemblance des données est la probabilité que le modèle donne aux étiquettes
//    observées : $\prod_i p_{c_i}$ (exemples indépendants). La maximiser revient à minimiser
//    $-\sum_i \ln p_{c_i}$, la NLL : c'est l'estimation au maximum de vraisemblance.
// 3. L'entropie croisée (`nn_cross_entropy` sur les scores, ou NLL sur les log-probabilités)
//    pour $K \ge 2$ classes exclusives, avec un softmax ; la BCE pour une sortie binaire (une
//    probabilité par sigmoïde), ou pour plusieurs étiquettes non exclusives (une BCE par sortie).

// %% [markdown]
// ## 5. La descente de gradient par mini-lots
// À chaque lot : on efface les gradients du pas précédent, on calcule les probabilités et la
// perte, `tensor_backward(perte)` (le `loss.backward()` de PyTorch) remplit le gradient de
// chaque paramètre (`tensor_grad(w)`, le `w.grad` de PyTorch), puis l'optimiseur fait un pas
// $w \leftarrow w - \eta\, \nabla_w L$.
//
// ### À FAIRE
// Complétez `pas_de_gradient` : un pas sur le lot `b` (`b->x`, `b->y`) ; la perte est la NLL
// des probabilités du perceptron, `nn_nll(tensor_log(probas), b->y)`. Renvoyez sa valeur.

// %% [solution] id=pas_sgd
double pas_de_gradient(Module *modele, Optimizer *opt, Batch *b)
{
    double valeur = 0;
    // ### BEGIN SOLUTION
    optim_zero_grad(opt);
    Tensor *probas = nn_forward(modele, b->x);
    Tensor *perte = nn_nll(tensor_log(probas), b->y);
    tensor_backward(perte);
    optim_step(opt);
    valeur = tensor_item(perte);
    // ### END SOLUTION
    return valeur;
}

// %% [check] id=check_pas_sgd points=1
{
    manual_seed(1);
    Module *m = creer_perceptron(4, 3);
    Optimizer *opt = optim_sgd(nn_parameters(m), .lr = 0.5);
    Tensor *x = tensor_randn(8, 4), *y = tensor_from_i64(((int64_t[]){ 0, 1, 2, 0, 1, 2, 0, 1 }), 8);
    Batch b = { .x = x, .y = y, .size = 8 };
    Tensor *w0 = tensor_clone(nn_get_parameter(m, "lineaire.weight"));
    Tensor *perte_avant = nn_nll(tensor_log(nn_forward(m, x)), y);
    tensor_backward(perte_avant);
    Tensor *attendu = tensor_sub(w0, tensor_mul_scalar(tensor_grad(nn_get_parameter(m, "lineaire.weight")), 0.5));
    nn_zero_grad(m);
    double v = pas_de_gradient(m, opt, &b);
    assert_close(v, tensor_item(perte_avant), 1e-5, "la perte renvoyée (celle du lot avant le pas)");
    assert_true(tensor_allclose(nn_get_parameter(m, "lineaire.weight"), attendu, 1e-4, 1e-5),
                "après un pas de SGD (taux 0,5), w doit valoir w - 0,5 grad");
    double v2 = pas_de_gradient(m, opt, &b);
    assert_true(v2 < v, "un deuxième pas sur le même lot devrait faire baisser la perte (%.4f puis %.4f)", v, v2);
}
check_passed("un pas de gradient : zéro, forward, backward, step");

// %% [markdown]
// L'entraînement : 3 époques de lots de 64 images (125 pas par époque), SGD de taux 0,1, poids
// initialisés par Xavier (pas de ReLU après la couche).

// %% [code]
enum { EPOQUES = 3, LOT = 64 };
manual_seed(0);
Module *perceptron = creer_perceptron(784, N_CLASSES);
initialiser(nn_get_module(perceptron, "lineaire"), false);
Optimizer *sgd = optim_sgd(nn_parameters(perceptron), .lr = 0.1);
DataLoader *chargeur = data_loader(data_tensor_dataset(X_train, y_train), .batch_size = LOT, .shuffle = true, .seed = 0);
int n_pas = 0, pas_par_epoque = (int)data_num_batches(chargeur);
double *pertes = malloc(sizeof(double) * EPOQUES * pas_par_epoque);
for (int e = 0; e < EPOQUES; e++)
    for (Batch *b; (b = data_next(chargeur));)
        pertes[n_pas++] = pas_de_gradient(perceptron, sgd, b);
// La précision sur le test, avec la règle de décision.
Tensor *probas_test = nn_predict(perceptron, X_test);
Tensor *decisions = regle_de_decision(probas_test);
if (decisions == NULL)   // règle pas encore écrite
    decisions = metrics_labels(probas_test);
double precision_perceptron = metrics_accuracy(y_test, decisions);
printf("%d pas ; perte moyenne de la 1re époque %.3f, de la dernière %.3f ; précision sur le test : %.1f %%\n", n_pas,
       n_pas ? tensor_item(tensor_mean(tensor_from_f64(pertes, pas_par_epoque))) : 0.0,
       n_pas ? tensor_item(tensor_mean(tensor_from_f64(pertes + n_pas - pas_par_epoque, pas_par_epoque))) : 0.0,
       100 * precision_perceptron);
plt_figure(.width = 8, .height = 4);
plt_plot(NULL, pertes, n_pas, .alpha = 0.8);
plt_xlabel("pas de gradient");
plt_ylabel("NLL du lot");
plt_title("Descente de gradient par mini-lots");
plt_show();

// %% [check] id=check_entrainement points=1
{
    assert_true(n_pas == EPOQUES * pas_par_epoque, "%d pas attendus", EPOQUES * pas_par_epoque);
    double debut = 0, fin = 0;
    for (int i = 0; i < 20; i++) {
        debut += pertes[i] / 20;
        fin += pertes[n_pas - 1 - i] / 20;
    }
    assert_true(fin < 0.5 * debut, "la perte des derniers lots (%.3f) devrait être moitié moindre que celle des premiers (%.3f)", fin, debut);
    assert_true(precision_perceptron >= 0.85, "précision de test du perceptron : %.3f (0,85 attendu au moins)", precision_perceptron);
}
check_passed("perceptron : %.1f %% des chiffres de test reconnus", 100 * precision_perceptron);

// %% [markdown]
// ### Où sont les gradients ?
// Après `tensor_backward`, chaque paramètre porte son gradient, de la même forme que lui :
// (10, 784) pour les poids. Vus comme dix images 28 × 28, ils montrent, pour chaque chiffre,
// quels pixels feraient baisser la perte s'ils comptaient plus ; les poids appris, eux,
// ressemblent à des « gabarits » flous des chiffres.

// %% [code]
Tensor *w = nn_get_parameter(perceptron, "lineaire.weight");
nn_zero_grad(perceptron);
Batch *un_lot = data_next(chargeur);
Tensor *perte_lot = nn_nll(tensor_log(nn_forward(perceptron, un_lot->x)), un_lot->y);
tensor_backward(perte_lot);
printf("w : %s ; w.grad : %s, norme %.4f\n", tensor_shape_str(w), tensor_shape_str(tensor_grad(w)),
       tensor_item(tensor_norm(tensor_grad(w), 2)));
// Une échelle symétrique : blanc pour 0, bleu pour le positif, rouge pour le négatif.
double max_grad = tensor_item(tensor_max(tensor_abs(tensor_grad(w)))), max_poids = tensor_item(tensor_max(tensor_abs(w)));
plt_images(tensor_reshape(tensor_grad(w), N_CLASSES, 28, 28), N_CLASSES, 0, 0, .ncols = 10, .cmap = "RdBu", .size = 1.2,
           .vmin = -max_grad, .vmax = max_grad);
plt_suptitle("Le gradient de la perte par rapport aux poids de chaque classe");
plt_show();
plt_images(tensor_reshape(tensor_detach(w), N_CLASSES, 28, 28), N_CLASSES, 0, 0, .ncols = 10, .cmap = "RdBu", .size = 1.2,
           .vmin = -max_poids, .vmax = max_poids);
plt_suptitle("Les poids appris, classe par classe");
plt_show();

// %% [markdown]
// ### Le graphe de calcul
// Pour calculer ces gradients, chaque opération du forward a noté d'où viennent ses entrées :
// c'est le **graphe de calcul** d'autograd, que `tensor_backward` parcourt à l'envers (règle de
// la chaîne). `autograd_graph` le dessine comme `torchviz.make_dot` : en bleu les paramètres
// (avec leur nom), en vert la perte, et une boîte par opération, au nom de PyTorch.

// %% [code]
Tensor *perte_petit_lot = nn_nll(tensor_log(nn_forward(perceptron, tensor_narrow(X_test, 0, 0, 4))), tensor_narrow(y_test, 0, 0, 4));
autograd_graph(perte_petit_lot, .params = nn_named_parameters(perceptron))

// %% [markdown]
// **Questions.** 1. Pourquoi des mini-lots plutôt qu'un exemple ou tout le jeu à la fois ?
// Quels sont les réglages de la SGD ? 2. Que fait `tensor_backward` (`loss.backward()`), et
// pourquoi remettre les gradients à zéro à chaque pas ?

// %% [answer] id=q_sgd points=1
// 1. Le gradient sur tout le jeu est exact mais coûte un passage complet par pas ; sur un seul
//    exemple, il est très bruité et n'utilise pas le calcul vectorisé. Un lot de quelques
//    dizaines d'exemples donne une bonne estimation du gradient pour un coût faible, beaucoup
//    de pas par époque, et un bruit qui aide à sortir des mauvais minima. Les réglages : la
//    taille du lot, le taux d'apprentissage $\eta$, le nombre d'époques, le mélange, et
//    éventuellement le momentum, la décroissance du taux et la régularisation des poids.
// 2. Elle parcourt le graphe de calcul de la perte vers les paramètres en appliquant la règle
//    de la chaîne, et **ajoute** à chaque paramètre sa dérivée partielle $\partial L / \partial w$
//    (dans `tensor_grad(w)`, le `w.grad` de PyTorch). Comme elle ajoute, il faut effacer les
//    gradients du lot précédent (`optim_zero_grad`), sinon on les cumule.

// %% [markdown]
// ## 6. Le XOR : pourquoi plusieurs couches
// Les points de $[-1, 1]^2$ sont de classe 1 quand leurs deux coordonnées ont des signes
// opposés. Aucune droite ne sépare les deux classes : un perceptron (une seule couche
// linéaire) échoue. Avec une couche cachée, le réseau découpe le plan en plusieurs régions.
// Les étiquettes sont codées en **one-hot** ($0 \to (1, 0)$, $1 \to (0, 1)$) et la sortie
// passe par un softmax, comme pour $K$ classes.
//
// ### À FAIRE
// Complétez `creer_mlp_xor` : 2 entrées → 16 neurones tanh → 2 sorties avec softmax
// (`nn_softmax(1)`).

// %% [solution] id=xor
Module *creer_mlp_xor(void)
{
    Module *m = NULL;
    // ### BEGIN SOLUTION
    m = nn_sequential(nn_linear(2, 16), nn_tanh(), nn_linear(16, 2), nn_softmax(1));
    // ### END SOLUTION
    return m;
}

// %% [check] id=check_xor_modele points=1
{
    Module *m = creer_mlp_xor();
    assert_true(m != NULL, "creer_mlp_xor renvoie NULL");
    assert_true(nn_num_parameters(m, false) == 2 * 16 + 16 + 16 * 2 + 2, "2 -> 16 -> 2 : 82 paramètres attendus, pas %lld",
                (long long)nn_num_parameters(m, false));
    Tensor *p = nn_forward(m, tensor_randn(5, 2));
    assert_true(tensor_allclose(tensor_sum_dim(p, 1, false), tensor_ones(5), 1e-5, 1e-5), "la sortie : deux probabilités de somme 1");
}
check_passed("MLP 2 -> 16 -> 2 avec softmax");

// %% [code]
Dataset *xor_train = datasets_xor(400, .seed = 0), *xor_test = datasets_xor(400, .seed = 1);
Tensor *y_xor_onehot = tensor_to_categorical(data_y(xor_train), 2);
printf("étiquettes ");
tensor_print(tensor_narrow(data_y(xor_train), 0, 0, 4));
printf("en one-hot ");
tensor_print(tensor_narrow(y_xor_onehot, 0, 0, 4));
Module *modeles_xor[2];
double precision_xor[2];
const char *noms_xor[2] = { "perceptron (une couche)", "MLP (une couche cachée)" };
manual_seed(0);
modeles_xor[0] = nn_sequential(nn_linear(2, 2), nn_softmax(1));
modeles_xor[1] = creer_mlp_xor();
if (modeles_xor[1] == NULL) modeles_xor[1] = nn_sequential(nn_linear(2, 2), nn_softmax(1));   // pas encore écrit
for (int k = 0; k < 2; k++) {
    nn_fit(modeles_xor[k], .x = data_x(xor_train), .y = y_xor_onehot, .loss = "categorical_crossentropy", .epochs = 200,
           .batch_size = 400, .optimizer = optim_adam(nn_parameters(modeles_xor[k]), .lr = 0.05), .verbose = 0);
    precision_xor[k] = metrics_accuracy(data_y(xor_test), nn_predict(modeles_xor[k], data_x(xor_test)));
    printf("%-24s : précision sur de nouveaux points %.1f %%\n", noms_xor[k], 100 * precision_xor[k]);
}

int predire_xor(double a, double b, void *ctx)
{
    Tensor *p = nn_predict((Module *)ctx, tensor_reshape(tensor_of(a, b), 1, 2));
    return tensor_get(p, 0, 1) > tensor_get(p, 0, 0);
}
double points_xor[400][2];
int classes_xor[400];
tensor_to_f64_array(data_x(xor_test), &points_xor[0][0], 800);
for (int i = 0; i < 400; i++) classes_xor[i] = (int)tensor_get(data_y(xor_test), i);
plt_subplots(1, 2, .width = 11, .height = 5);
for (int k = 0; k < 2; k++) {
    plt_subplot(1, 2, k + 1);
    plt_decision_boundary(predire_xor, &points_xor[0][0], classes_xor, 400, .ctx = modeles_xor[k], .resolution = 60);
    plt_title(noms_xor[k]);
}
plt_show();

// %% [check] id=check_xor points=1
assert_true(precision_xor[0] < 0.8, "le perceptron ne devrait pas savoir séparer le XOR (%.3f)", precision_xor[0]);
assert_true(precision_xor[1] >= 0.95, "le MLP devrait classer au moins 95 %% des nouveaux points (%.3f)", precision_xor[1]);
check_passed("XOR : %.0f %% pour le perceptron, %.0f %% pour le MLP", 100 * precision_xor[0], 100 * precision_xor[1]);

// %% [markdown]
// **Question.** Pourquoi le perceptron échoue-t-il sur le XOR, et comment la couche cachée
// règle-t-elle le problème ?

// %% [answer] id=q_xor points=1
// Le perceptron trace une seule frontière linéaire (une droite) ; les points de classe 1 sont
// dans deux quadrants opposés, qu'aucune droite ne sépare des deux autres : il plafonne vers
// 50 à 75 %. La couche cachée calcule plusieurs combinaisons linéaires suivies d'une
// non-linéarité : elle transforme le plan en un nouvel espace où les classes deviennent
// séparables, et la couche de sortie y trace sa droite. Sans non-linéarité, les deux couches
// se réduiraient à une seule.

// %% [markdown]
// ## 7. Les réseaux convolutifs
// Une **couche de convolution** `nn_conv2d(I, F, k)` a $F$ noyaux de taille $I \times k \times k$
// (un par plan de sortie, ou *feature map*) : chacun glisse sur l'image avec un pas (*stride*)
// $s$, sur une image éventuellement bordée de $p$ zéros (*padding*). On la fait suivre d'une
// activation (ReLU). L'exemple du cours :
// `nn.Conv2d(3, 64, kernel_size=7, padding=3, stride=2, bias=True)`, ici
// `nn_conv2d(3, 64, 7, .padding = 3, .stride = 2)`.
//
// Une couche a $P = (k_x \cdot k_y \cdot I + 1) \cdot F$ paramètres (un poids par case de
// chaque noyau, plus un biais par noyau), et transforme une largeur $W$ en
// $W_{out} = \lfloor (W - k + 2p) / s \rfloor + 1$. Le **pooling** (max ou moyenne sur des
// fenêtres $2 \times 2$, de pas 2) divise la taille par deux, sans paramètre.
//
// ### À FAIRE
// Complétez `parametres_conv` et `taille_sortie`.

// %% [solution] id=formules_conv
int64_t parametres_conv(int kx, int ky, int entrees, int filtres)
{
    int64_t p = 0;
    // ### BEGIN SOLUTION
    p = ((int64_t)kx * ky * entrees + 1) * filtres;
    // ### END SOLUTION
    return p;
}

int taille_sortie(int largeur, int noyau, int padding, int stride)
{
    int t = 0;
    // ### BEGIN SOLUTION
    t = (largeur - noyau + 2 * padding) / stride + 1;
    // ### END SOLUTION
    return t;
}

// %% [check] id=check_formules_conv points=1
{
    Module *conv_cours = nn_conv2d(3, 64, 7, .padding = 3, .stride = 2);
    assert_true(parametres_conv(7, 7, 3, 64) == nn_num_parameters(conv_cours, false),
                "la couche du cours a %lld paramètres", (long long)nn_num_parameters(conv_cours, false));
    Tensor *sortie = nn_forward(conv_cours, tensor_zeros(1, 3, 64, 64));
    assert_true(taille_sortie(64, 7, 3, 2) == tensor_size(sortie, 3), "image 64 x 64 : sortie de largeur %lld",
                (long long)tensor_size(sortie, 3));
    int cas[4][4] = { { 28, 3, 1, 1 }, { 28, 5, 0, 1 }, { 15, 3, 0, 2 }, { 14, 2, 0, 2 } };
    for (int i = 0; i < 4; i++) {
        Tensor *y = nn_forward(nn_conv2d(1, 1, cas[i][1], .padding = cas[i][2], .stride = cas[i][3]), tensor_zeros(1, 1, cas[i][0], cas[i][0]));
        assert_true(taille_sortie(cas[i][0], cas[i][1], cas[i][2], cas[i][3]) == tensor_size(y, 3),
                    "largeur %d, noyau %d, padding %d, stride %d : %lld attendu", cas[i][0], cas[i][1], cas[i][2], cas[i][3],
                    (long long)tensor_size(y, 3));
    }
    assert_true(parametres_conv(3, 5, 8, 16) == nn_num_parameters(nn_conv2d(8, 16, 0, .kernel_hw = { 3, 5 }), false), "noyau 3 x 5");
}
check_passed("la couche du cours : %lld paramètres, 224 x 224 -> %d x %d", (long long)parametres_conv(7, 7, 3, 64),
             taille_sortie(224, 7, 3, 2), taille_sortie(224, 7, 3, 2));

// %% [markdown]
// ### À FAIRE : un CNN pour MNIST
// Complétez `creer_cnn`, dans cet ordre :
// * convolution 1 → 8 plans, noyau 3, padding 1, ReLU, max pooling 2 ;
// * convolution 8 → 16 plans, noyau 3, padding 1, ReLU, max pooling 2 ;
// * mise à plat, puis une couche linéaire vers les 10 scores (sans softmax : la perte
//   `"cross_entropy"` prend les scores bruts).
//
// La taille d'entrée de la couche linéaire : 16 plans × la taille après les deux blocs, à
// calculer avec `taille_sortie`.

// %% [solution] id=cnn
Module *creer_cnn(void)
{
    Module *m = NULL;
    // ### BEGIN SOLUTION
    int t = taille_sortie(taille_sortie(taille_sortie(taille_sortie(28, 3, 1, 1), 2, 0, 2), 3, 1, 1), 2, 0, 2);
    m = nn_sequential(nn_conv2d(1, 8, 3, .padding = 1), nn_relu(), nn_max_pool2d(2),
                      nn_conv2d(8, 16, 3, .padding = 1), nn_relu(), nn_max_pool2d(2),
                      nn_flatten(), nn_linear(16 * t * t, N_CLASSES));
    // ### END SOLUTION
    return m;
}

// %% [check] id=check_cnn points=1
{
    Module *m = creer_cnn();
    assert_true(m != NULL, "creer_cnn renvoie NULL");
    int64_t attendu = parametres_conv(3, 3, 1, 8) + parametres_conv(3, 3, 8, 16) + 16 * 7 * 7 * 10 + 10;
    assert_true(attendu == 9098, "vos formules donnent %lld paramètres au lieu de 9 098", (long long)attendu);
    assert_true(nn_num_parameters(m, false) == attendu, "le CNN devrait avoir 9 098 paramètres, pas %lld",
                (long long)nn_num_parameters(m, false));
    Tensor *s = nn_forward(m, tensor_zeros(3, 1, 28, 28));
    assert_true(tensor_ndim(s) == 2 && tensor_size(s, 0) == 3 && tensor_size(s, 1) == N_CLASSES, "sortie (3, 10) attendue, pas %s",
                tensor_shape_str(s));
}
check_passed("CNN : 9 098 paramètres, à peine plus que les 7 850 du perceptron");

// %% [markdown]
// L'entraînement, à la Keras cette fois (`nn_fit`) : Adam, 4 époques de lots de 64, la
// précision sur le test mesurée à chaque époque. Comparez avec le perceptron.

// %% [code]
manual_seed(0);
Module *cnn = creer_cnn();
if (cnn == NULL) cnn = nn_sequential(nn_flatten(), nn_linear(784, N_CLASSES));   // pas encore écrit
nn_summary(cnn, 1, 28, 28);
History *historique_cnn = nn_fit(cnn, .x = X_train, .y = y_train, .epochs = 4, .batch_size = LOT, .loss = "cross_entropy",
                                 .metrics = "accuracy", .optimizer = optim_adam(nn_parameters(cnn), .lr = 2e-3),
                                 .val_x = X_test, .val_y = y_test, .seed = 0, .verbose = 2);
double precision_cnn = history_last(historique_cnn, "val_accuracy");
printf("précision sur le test : CNN %.1f %%, perceptron %.1f %%\n", 100 * precision_cnn, 100 * precision_perceptron);

// %% [check] id=check_cnn_entraine points=1
assert_true(nn_num_parameters(cnn, false) == 9098, "le modèle entraîné doit être le CNN décrit");
assert_true(precision_cnn >= 0.95, "précision de test du CNN : %.3f (0,95 attendu au moins)", precision_cnn);
assert_true(precision_cnn > precision_perceptron + 0.03, "le CNN devrait nettement battre le perceptron (%.3f contre %.3f)",
            precision_cnn, precision_perceptron);
check_passed("CNN : %.1f %% sur le test (perceptron : %.1f %%)", 100 * precision_cnn, 100 * precision_perceptron);

// %% [markdown]
// ## 8. Ce que voit le CNN
// Les 8 filtres 3 × 3 de la première couche, puis les *feature maps* d'une image de test :
// les sorties de chaque filtre après ReLU (28 × 28), et celles de la deuxième couche (16 plans
// 14 × 14), plus abstraites.

// %% [code]
Tensor *image = tensor_narrow(X_test, 0, 0, 1);
if (nn_num_children(cnn) >= 6) {
    Tensor *filtres = tensor_detach(nn_get_parameter(cnn, "0.weight"));
    double max_filtre = tensor_item(tensor_max(tensor_abs(filtres)));
    plt_images(filtres, 0, 0, 0, .ncols = 8, .cmap = "RdBu", .size = 1.2, .vmin = -max_filtre, .vmax = max_filtre);
    plt_suptitle("Les filtres de la première convolution");
    plt_show();
    Tensor *cartes1, *cartes2;
    no_grad {
        cartes1 = nn_forward(nn_child(cnn, 1), nn_forward(nn_child(cnn, 0), image));
        Tensor *reduites = nn_forward(nn_child(cnn, 2), cartes1);
        cartes2 = nn_forward(nn_child(cnn, 4), nn_forward(nn_child(cnn, 3), reduites));
    }
    plt_images(image, 1, 0, 0, .size = 2);
    plt_suptitle("L'image");
    plt_show();
    plt_images(cartes1, 0, 0, 0, .ncols = 8, .size = 1.3);
    plt_suptitle("Feature maps de la première couche (après ReLU)");
    plt_show();
    plt_images(cartes2, 0, 0, 0, .ncols = 8, .size = 1.1);
    plt_suptitle("Feature maps de la deuxième couche");
    plt_show();
} else {
    printf("Le CNN n'est pas encore écrit.\n");
}

// %% [markdown]
// **Questions.** 1. Pourquoi partager les mêmes poids sur toute l'image ? 2. Que font le
// pooling, le stride et le padding ? 3. Que détectent les premiers filtres ?

// %% [answer] id=q_cnn points=1
// 1. Un motif (un bord, une boucle) a le même sens où qu'il soit dans l'image : le même
//    noyau le détecte partout (invariance par translation), et le nombre de paramètres ne
//    dépend plus de la taille de l'image ($P = (k_x k_y I + 1) F$) : 9 098 paramètres ici,
//    contre 100 000 pour une seule couche dense de 128 neurones.
// 2. Le pooling réduit la taille des cartes en gardant le maximum (ou la moyenne) de chaque
//    fenêtre : moins de calculs, un champ de vision plus large pour les couches suivantes, une
//    petite tolérance aux décalages. Le stride fait sauter le noyau de $s$ pixels : la sortie
//    est $s$ fois plus petite. Le padding borde l'image de zéros pour contrôler la taille de
//    sortie (padding 1 avec un noyau 3 : même taille) et ne pas négliger les bords.
// 3. Des variations locales d'intensité : des bords dans diverses directions, des traits
//    clairs sur fond sombre. Les feature maps de la première couche ressemblent au chiffre,
//    vu à travers ces détecteurs ; celles de la deuxième combinent ces traits en morceaux de
//    formes.
