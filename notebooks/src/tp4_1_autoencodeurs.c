// %% [markdown]
// # TP 4.1 — Autoencodeurs
//
// Un **autoencodeur** est formé de deux réseaux mis bout à bout :
// * un **encodeur** $E$ qui résume l'entrée $x$ en un petit vecteur $z = E(x)$, le **code**
//   (ou représentation latente) ;
// * un **décodeur** $D$ qui reconstruit l'entrée à partir de ce code : $\hat x = D(z)$.
//
// On l'entraîne à rendre $\hat x$ aussi proche que possible de $x$ (erreur quadratique
// moyenne). Aucune étiquette n'est utilisée : l'apprentissage est **non supervisé**. Comme
// $z$ est beaucoup plus petit que $x$, le réseau ne peut pas recopier l'image : il doit
// trouver ce qui la caractérise.
//
// Ce qu'on en fait, et ce que ce TP montre :
// 1. **réduire la dimension** (comparé à l'ACP, la méthode linéaire classique) et
//    **visualiser** un espace latent à 2 dimensions ;
// 2. **exploiter la structure des images** avec un autoencodeur convolutif (des convolutions
//    transposées remontent du code à l'image 28 × 28) ;
// 3. **débruiter** des images ;
// 4. **détecter des anomalies** par l'erreur de reconstruction.
//
// La génération d'images, l'autre grand usage (autoencodeur variationnel), est évoquée à
// la fin ; le TP 4.2 génère des chiffres avec un GAN.
//
// **Durée** : pour que le notebook tourne en moins d'une minute sur un processeur
// ordinaire, on travaille sur un extrait de MNIST (8 000 images d'entraînement, 2 000 de
// test) et on entraîne chaque réseau 5 ou 6 époques seulement. Avec tout MNIST et une
// vingtaine d'époques, toutes les erreurs ci-dessous baissent encore.

// %% [markdown]
// ## 1. Les données et un premier point de comparaison
// `datasets_mnist` charge les chiffres manuscrits : des images 1 × 28 × 28, pixels dans [0, 1].

// %% [code]
Dataset *mnist_train = datasets_mnist(NULL, true);
Dataset *mnist_test = datasets_mnist(NULL, false);
Tensor *X_train = data_x(mnist_train), *y_train = data_y(mnist_train);
Tensor *X_test = data_x(mnist_test), *y_test = data_y(mnist_test);
printf("entraînement : %s, test : %s\n", tensor_shape_str(X_train), tensor_shape_str(X_test));

// plt_images lit un tableau de floats : on copie les pixels d'un tenseur d'images.
float *pixels(Tensor *images)
{
    int64_t n = tensor_numel(images);
    float *p = malloc(n * sizeof *p);
    tensor_to_f32_array(images, p, n);
    return p;
}

const char *titres_chiffres[10];
for (int i = 0; i < 10; i++) {
    char *t = malloc(16);
    snprintf(t, 16, "classe %d", (int)tensor_get(y_test, i));
    titres_chiffres[i] = t;
}
plt_images(pixels(tensor_narrow(X_test, 0, 0, 10)), 10, 28, 28, .ncols = 10, .size = 1.2,
           .titles = titres_chiffres, .vmin = 0, .vmax = 1);
plt_show();

// %% [markdown]
// Pour juger une reconstruction, il faut un point de comparaison. Le plus simple des
// « modèles » renvoie toujours la même image, l'**image moyenne** de l'entraînement :
// son erreur est celle qu'un autoencodeur doit battre largement.

// %% [code]
Tensor *image_moyenne = tensor_mean_dim(X_train, 0, true);   // (1, 1, 28, 28)
double mse_moyenne = tensor_item(nn_mse(tensor_expand_as(image_moyenne, X_test), X_test));
printf("erreur quadratique moyenne (test) de l'image moyenne : %.4f\n", mse_moyenne);

// %% [markdown]
// ## 2. La référence linéaire : l'ACP
//
// L'**analyse en composantes principales** (ACP) projette chaque image (centrée) sur les
// $k$ directions où les images varient le plus, puis reconstruit à partir de ces $k$
// coordonnées. C'est un autoencodeur **linéaire** : encoder, c'est multiplier par une
// matrice $k \times 784$ ; décoder, multiplier par sa transposée. Parmi toutes les
// reconstructions linéaires de rang $k$, c'est celle dont l'erreur quadratique est la plus
// petite.
//
// Les $k$ directions sont les vecteurs propres principaux de la matrice de covariance $C$.
// On les obtient par **itération orthogonale** : on part de $k$ vecteurs au hasard, on les
// multiplie par $C$ (ce qui renforce les directions de grande variance), on les
// ré-orthonormalise (Gram-Schmidt), et on recommence. Ce code est donné.

// %% [code]
typedef struct {
    Tensor *moyenne;      // (1, 784)
    Tensor *composantes;  // (k, 784), lignes orthonormées
} ACP;

// Gram-Schmidt sur les lignes d'une matrice (contiguë, float32).
void orthonormer_lignes(Tensor *Q)
{
    int k = (int)tensor_size(Q, 0), d = (int)tensor_size(Q, 1);
    float *q = tensor_data_f32(Q);
    for (int i = 0; i < k; i++) {
        float *qi = q + (size_t)i * d;
        for (int j = 0; j < i; j++) {
            float *qj = q + (size_t)j * d;
            double produit = 0;
            for (int t = 0; t < d; t++) produit += qi[t] * qj[t];
            for (int t = 0; t < d; t++) qi[t] -= produit * qj[t];
        }
        double norme = 0;
        for (int t = 0; t < d; t++) norme += qi[t] * qi[t];
        norme = sqrt(norme);
        for (int t = 0; t < d; t++) qi[t] /= norme;
    }
}

ACP *acp_ajuster(Tensor *X, int k)
{
    ACP *a = malloc(sizeof *a);
    Tensor *lignes = tensor_flatten(X, 1, -1);                      // (N, 784)
    a->moyenne = tensor_mean_dim(lignes, 0, true);
    Tensor *centre = tensor_sub(lignes, a->moyenne);
    Tensor *C = tensor_div_scalar(tensor_mm(tensor_t(centre), centre), tensor_size(X, 0));
    Tensor *Q = tensor_contiguous(tensor_randn(k, tensor_size(lignes, 1)));
    orthonormer_lignes(Q);
    for (int it = 0; it < 40; it++) {
        Q = tensor_contiguous(tensor_mm(Q, C));   // C est symétrique : (C Q^T)^T = Q C
        orthonormer_lignes(Q);
    }
    a->composantes = Q;
    return a;
}

Tensor *acp_encoder(ACP *a, Tensor *X)   // (N, k)
{
    return tensor_mm(tensor_sub(tensor_flatten(X, 1, -1), a->moyenne), tensor_t(a->composantes));
}

Tensor *acp_decoder(ACP *a, Tensor *Z)   // (N, 1, 28, 28)
{
    return tensor_reshape(tensor_add(tensor_mm(Z, a->composantes), a->moyenne), -1, 1, 28, 28);
}

manual_seed(0);
ACP *acp2, *acp32;
double mse_acp2, mse_acp32;
no_grad {
    acp2 = acp_ajuster(X_train, 2);
    acp32 = acp_ajuster(X_train, 32);
    mse_acp2 = tensor_item(nn_mse(acp_decoder(acp2, acp_encoder(acp2, X_test)), X_test));
    mse_acp32 = tensor_item(nn_mse(acp_decoder(acp32, acp_encoder(acp32, X_test)), X_test));
}
printf("erreur de test : image moyenne %.4f, ACP à 2 composantes %.4f, ACP à 32 composantes %.4f\n",
       mse_moyenne, mse_acp2, mse_acp32);

// %% [markdown]
// **Question 1.** Un autoencodeur dont l'encodeur et le décodeur n'ont aucune activation
// (que des couches linéaires) peut-il faire mieux que l'ACP avec le même $k$ ? Pourquoi ?

// %% [solution] id=reponse_acp
// Votre réponse (en commentaire) :
// ### BEGIN SOLUTION
// Non. Sans activation, décodeur ∘ encodeur est une application affine de rang au plus k
// (elle passe par k nombres). Or la meilleure reconstruction affine de rang k au sens de
// l'erreur quadratique est la projection sur les k premières composantes principales
// (théorème d'Eckart-Young) : au mieux, l'autoencodeur linéaire retrouve le sous-espace de
// l'ACP. Ce sont les non-linéarités (ReLU, sigmoïde) qui lui permettent de faire mieux.
// ### END SOLUTION

// %% [markdown]
// ## 3. Un autoencodeur dense à code de dimension 2
//
// ### À FAIRE : l'architecture
// Écrivez l'encodeur et le décodeur (les tailles sont celles des couches successives) :
// * encodeur : aplatir (`nn_flatten`), puis 784 → 256 → 64 → `latent`, une ReLU après
//   chaque couche linéaire **sauf la dernière** (le code peut prendre n'importe quelle valeur) ;
// * décodeur : `latent` → 64 → 256 → 784, une ReLU après chaque couche sauf la dernière,
//   puis une **sigmoïde** (les pixels sont dans [0, 1]) et le retour au format image
//   (`nn_unflatten(1, 1, 28, 28)`), déjà écrits.
//
// En attendant votre version, chaque fonction renvoie un réseau linéaire provisoire.

// %% [solution] id=autoencodeur_dense
Module *creer_encodeur_dense(int latent)
{
    Module *encodeur = nn_sequential(nn_flatten(), nn_linear(784, latent));   // provisoire
    // ### BEGIN SOLUTION
    encodeur = nn_sequential(nn_flatten(), nn_linear(784, 256), nn_relu(), nn_linear(256, 64), nn_relu(),
                             nn_linear(64, latent));
    // ### END SOLUTION
    return encodeur;
}

Module *creer_decodeur_dense(int latent)
{
    Module *decodeur = nn_sequential(nn_linear(latent, 784));   // provisoire
    // ### BEGIN SOLUTION
    decodeur = nn_sequential(nn_linear(latent, 64), nn_relu(), nn_linear(64, 256), nn_relu(), nn_linear(256, 784));
    // ### END SOLUTION
    nn_sequential_add(decodeur, nn_sigmoid());
    nn_sequential_add(decodeur, nn_unflatten(1, 1, 28, 28));
    return decodeur;
}

// %% [code]
manual_seed(0);
Module *encodeur2 = creer_encodeur_dense(2);
Module *decodeur2 = creer_decodeur_dense(2);
Module *ae2 = nn_sequential(encodeur2, decodeur2);
nn_summary(ae2, 1, 28, 28);

// %% [check] id=check_autoencodeur_dense points=1
Tensor *cinq = tensor_narrow(X_test, 0, 0, 5);
Tensor *code = nn_predict(encodeur2, cinq);
assert_true(tensor_ndim(code) == 2 && tensor_size(code, 0) == 5 && tensor_size(code, 1) == 2,
            "le code de 5 images doit avoir la forme (5, 2), pas %s", tensor_shape_str(code));
Tensor *reconstruction = nn_predict(ae2, cinq);
assert_true(tensor_ndim(reconstruction) == 4 && tensor_size(reconstruction, 1) == 1 && tensor_size(reconstruction, 2) == 28,
            "la reconstruction doit avoir la forme (5, 1, 28, 28), pas %s", tensor_shape_str(reconstruction));
assert_true(tensor_item(tensor_min(reconstruction)) >= 0 && tensor_item(tensor_max(reconstruction)) <= 1,
            "les pixels reconstruits doivent être dans [0, 1] (sigmoïde en sortie)");
int64_t attendu_enc = (784 + 1) * 256 + (256 + 1) * 64 + (64 + 1) * 2;
int64_t attendu_dec = (2 + 1) * 64 + (64 + 1) * 256 + (256 + 1) * 784;
assert_true(nn_num_parameters(encodeur2, false) == attendu_enc, "l'encodeur devrait avoir %lld paramètres, il en a %lld",
            (long long)attendu_enc, (long long)nn_num_parameters(encodeur2, false));
assert_true(nn_num_parameters(decodeur2, false) == attendu_dec, "le décodeur devrait avoir %lld paramètres, il en a %lld",
            (long long)attendu_dec, (long long)nn_num_parameters(decodeur2, false));
// une ReLU après les couches cachées : l'encodeur n'est pas affine
Tensor *image_a = tensor_narrow(X_test, 0, 0, 1), *image_b = tensor_narrow(X_test, 0, 1, 1);
Tensor *milieu = nn_predict(encodeur2, tensor_mul_scalar(tensor_add(image_a, image_b), 0.5));
Tensor *moyenne_codes = tensor_mul_scalar(tensor_add(nn_predict(encodeur2, image_a), nn_predict(encodeur2, image_b)), 0.5);
assert_true(tensor_item(tensor_max(tensor_abs(tensor_sub(milieu, moyenne_codes)))) > 1e-4,
            "l'encodeur se comporte comme une application affine : où sont les ReLU ?");
check_passed("encodeur 784 → 256 → 64 → 2 et décodeur 2 → 64 → 256 → 784 (%lld paramètres)",
             (long long)(attendu_enc + attendu_dec));

// %% [markdown]
// ### À FAIRE : la boucle d'entraînement
// `entrainer` sert pour tous les autoencodeurs du TP. Le chargeur donne des lots `b` où
// `b->x` est l'**entrée** du réseau et `b->y` la **cible** à reconstruire (ici la même
// image ; pour le débruitage, plus loin, l'entrée sera bruitée et la cible propre).
// Complétez le traitement d'un lot : remise à zéro des gradients, reconstruction, perte
// quadratique moyenne (`nn_mse`) entre la reconstruction et la cible, rétropropagation,
// pas de l'optimiseur ; ajoutez la perte du lot, multipliée par sa taille `b->size`, à `somme`.

// %% [solution] id=entrainer
double *entrainer(Module *ae, Tensor *X_entree, Tensor *X_cible, int epoques, double lr)
{
    Optimizer *opt = optim_adam(nn_parameters(ae), .lr = lr);
    DataLoader *chargeur = data_loader(data_tensor_dataset(X_entree, X_cible), .batch_size = 64, .shuffle = true,
                                       .seed = 0);
    double *pertes = malloc(epoques * sizeof *pertes);
    nn_train(ae, true);
    for (int e = 0; e < epoques; e++) {
        double somme = 0;
        for (Batch *b; (b = data_next(chargeur)); ) {
            // ### BEGIN SOLUTION
            optim_zero_grad(opt);
            Tensor *perte = nn_mse(nn_forward(ae, b->x), b->y);
            tensor_backward(perte);
            optim_step(opt);
            somme += tensor_item(perte) * b->size;
            // ### END SOLUTION
        }
        pertes[e] = somme / tensor_size(X_entree, 0);
        printf("époque %d/%d : perte d'entraînement %.4f\n", e + 1, epoques, pertes[e]);
    }
    nn_eval(ae);
    return pertes;
}

// Erreur quadratique moyenne entre ae(X_entree) et X_cible, en mode évaluation, sans graphe.
double mse_test(Module *ae, Tensor *X_entree, Tensor *X_cible)
{
    return tensor_item(nn_mse(nn_predict(ae, X_entree, .batch_size = 500), X_cible));
}

// %% [markdown]
// Six époques (Adam, pas de 2·10⁻³, lots de 64 images) :

// %% [code]
enum { EPOQUES_DENSE = 6 };
double *pertes_ae2 = entrainer(ae2, X_train, X_train, EPOQUES_DENSE, 2e-3);
double mse_ae2 = mse_test(ae2, X_test, X_test);
printf("erreur de test : image moyenne %.4f, ACP-2 %.4f, autoencodeur dense (code 2) %.4f\n",
       mse_moyenne, mse_acp2, mse_ae2);

// %% [check] id=check_entrainement_dense points=2
assert_true(pertes_ae2[EPOQUES_DENSE - 1] < 0.8 * pertes_ae2[0],
            "la perte d'entraînement devrait baisser d'une époque à l'autre (%.4f à la première, %.4f à la dernière)",
            pertes_ae2[0], pertes_ae2[EPOQUES_DENSE - 1]);
assert_true(mse_ae2 < mse_acp2, "avec un code de dimension 2, l'autoencodeur (%.4f) devrait reconstruire mieux "
            "que l'ACP à 2 composantes (%.4f)", mse_ae2, mse_acp2);
assert_true(mse_acp2 < mse_moyenne, "l'ACP (%.4f) devrait battre l'image moyenne (%.4f)", mse_acp2, mse_moyenne);
check_passed("code de dimension 2 : autoencodeur %.4f < ACP %.4f < image moyenne %.4f", mse_ae2, mse_acp2, mse_moyenne);

// %% [markdown]
// ## 4. L'espace latent
// Avec un code de dimension 2, on peut dessiner le code de chaque image de test comme un
// point du plan, coloré selon le chiffre (l'étiquette ne sert qu'au dessin : aucun des deux
// modèles ne l'a vue). À gauche les 2 coordonnées de l'ACP, à droite le code de l'autoencodeur.

// %% [code]
Tensor *z_acp, *z_ae;
no_grad {
    z_acp = acp_encoder(acp2, X_test);
}
z_ae = nn_predict(encodeur2, X_test, .batch_size = 500);

void nuage_par_classe(Tensor *z, Tensor *classes, const char *titre)
{
    int n = (int)tensor_size(z, 0);
    double *u = malloc(n * sizeof *u), *v = malloc(n * sizeof *v);
    const char *couleurs[10] = { "C0", "C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8", "C9" };
    const char *noms[10] = { "0", "1", "2", "3", "4", "5", "6", "7", "8", "9" };
    for (int c = 0; c < 10; c++) {
        int m = 0;
        for (int i = 0; i < n; i++)
            if ((int)tensor_get(classes, i) == c) {
                u[m] = tensor_get(z, i, 0);
                v[m] = tensor_get(z, i, 1);
                m++;
            }
        plt_scatter(u, v, m, .s = 8, .alpha = 0.7, .color = couleurs[c], .label = noms[c]);
    }
    plt_title(titre);
    plt_xlabel("z₁");
    plt_ylabel("z₂");
}

plt_subplots(1, 2, .width = 13, .height = 5.5);
plt_subplot(1, 2, 1);
nuage_par_classe(z_acp, y_test, "ACP : 2 premières composantes");
plt_subplot(1, 2, 2);
nuage_par_classe(z_ae, y_test, "autoencodeur dense : code de dimension 2");
plt_legend(.loc = "upper right", .fontsize = 8);
plt_tight_layout();
plt_show();

// %% [markdown]
// Le décodeur transforme n'importe quel point du plan en image. En décodant une grille
// régulière de points (ici de la moyenne − 2 écarts-types à la moyenne + 2 écarts-types
// de chaque coordonnée), on voit comment les chiffres se transforment les uns en les autres.

// %% [code]
enum { GRILLE = 12 };
double m1 = tensor_item(tensor_mean(tensor_select(z_ae, 1, 0))), s1 = tensor_item(tensor_std(tensor_select(z_ae, 1, 0)));
double m2 = tensor_item(tensor_mean(tensor_select(z_ae, 1, 1))), s2 = tensor_item(tensor_std(tensor_select(z_ae, 1, 1)));
Tensor *z_grille = tensor_empty(GRILLE * GRILLE, 2);
for (int i = 0; i < GRILLE; i++)        // ligne i : z₂ décroît de haut en bas
    for (int j = 0; j < GRILLE; j++) {  // colonne j : z₁ croît de gauche à droite
        tensor_set(z_grille, m1 + s1 * (-2 + 4.0 * j / (GRILLE - 1)), i * GRILLE + j, 0);
        tensor_set(z_grille, m2 + s2 * (2 - 4.0 * i / (GRILLE - 1)), i * GRILLE + j, 1);
    }
Tensor *images_grille = nn_predict(decodeur2, z_grille);
plt_images(pixels(images_grille), GRILLE * GRILLE, 28, 28, .ncols = GRILLE, .size = 0.6, .vmin = 0, .vmax = 1);
plt_show();

// %% [markdown]
// **Question 2.** Quels chiffres se recouvrent dans l'espace latent de l'autoencodeur, et
// lesquels sont bien isolés ? Pourquoi les classes sont-elles mieux séparées qu'avec l'ACP,
// alors que ni l'un ni l'autre n'a vu les étiquettes ?
//
// **Question 3.** Que donne le décodeur pour un point $z$ pris loin de tous les codes des
// images d'entraînement ? Peut-on tirer $z$ au hasard pour **générer** de nouveaux chiffres ?

// %% [solution] id=reponse_latent
// Votre réponse (en commentaire) :
// ### BEGIN SOLUTION
// Q2 : les chiffres de forme voisine se recouvrent (4, 7 et 9 ; 3, 5 et 8), tandis que 0, 1,
// 2 et 6 forment des groupes plus nets. Pour reconstruire une image avec seulement 2 nombres,
// le réseau doit y mettre ce qui varie le plus d'une image à l'autre, c'est-à-dire surtout
// le chiffre dessiné : des images semblables reçoivent des codes voisins. L'ACP ne peut que
// projeter linéairement et mélange davantage les classes.
// Q3 : loin des codes connus, le décodeur produit des formes floues ou hybrides : rien ne
// l'a entraîné là. L'espace latent a des trous et une densité irrégulière, donc un z tiré
// au hasard donne souvent autre chose qu'un chiffre. L'autoencodeur variationnel (VAE)
// corrige cela en forçant les codes à suivre une loi N(0, I) ; le GAN (TP 4.2) apprend
// directement à transformer un bruit en image.
// ### END SOLUTION

// %% [markdown]
// ## 5. Un autoencodeur convolutif
//
// Les couches denses traitent chaque pixel comme une entrée indépendante. Les convolutions
// exploitent la structure de l'image : un même petit filtre détecte un trait partout. Pour
// **réduire** la taille on utilise des convolutions de pas 2 ; pour la **remonter**, des
// **convolutions transposées** (`nn_conv_transpose2d`) de pas 2, qui font l'inverse (une
// entrée de 7 × 7 devient 14 × 14).
//
// | bloc | couche(s) | sortie |
// |---|---|---|
// | entrée | | 1 × 28 × 28 |
// | encodeur | Conv2d(1 → 16, noyau 3, pas 2, padding 1) + ReLU | 16 × 14 × 14 |
// | | Conv2d(16 → 32, noyau 3, pas 2, padding 1) + ReLU | 32 × 7 × 7 |
// | | Flatten, Linear(1568 → 32) | 32 (le code) |
// | décodeur | Linear(32 → 1568) + ReLU, Unflatten | 32 × 7 × 7 |
// | | ConvTranspose2d(32 → 16, noyau 3, pas 2, padding 1, output_padding 1) + ReLU | 16 × 14 × 14 |
// | | ConvTranspose2d(16 → 1, noyau 3, pas 2, padding 1, output_padding 1) + Sigmoïde | 1 × 28 × 28 |
//
// Tailles de sortie, pour un noyau $k$, un pas $s$, un padding $p$ (et un `output_padding` $o$) :
// $$H_{conv} = \left\lfloor \frac{H + 2p - k}{s} \right\rfloor + 1 \qquad\qquad
//   H_{transposée} = (H - 1)\,s - 2p + k + o$$
//
// Nombre de paramètres d'une convolution (transposée ou non) à noyau $k_x \times k_y$,
// $I$ canaux d'entrée, $F$ canaux de sortie : $P = (k_x k_y I + 1) F$ ; d'une couche
// linéaire $n \to h$ : $(n + 1) h$.
//
// ### À FAIRE
// 1. Les deux formules de taille de sortie.
// 2. L'encodeur et le décodeur du tableau.
// 3. Le nombre total de paramètres de l'autoencodeur, **calculé à la main** avec les
//    formules ci-dessus (une expression en C, pas un appel à `nn_num_parameters`).

// %% [solution] id=autoencodeur_conv
int taille_conv(int h, int k, int s, int p)
{
    int taille = 0;
    // ### BEGIN SOLUTION
    taille = (h + 2 * p - k) / s + 1;
    // ### END SOLUTION
    return taille;
}

int taille_conv_transposee(int h, int k, int s, int p, int o)
{
    int taille = 0;
    // ### BEGIN SOLUTION
    taille = (h - 1) * s - 2 * p + k + o;
    // ### END SOLUTION
    return taille;
}

enum { LATENT = 32 };

Module *creer_encodeur_conv(void)
{
    Module *encodeur = nn_sequential(nn_flatten(), nn_linear(784, LATENT));   // provisoire
    // ### BEGIN SOLUTION
    encodeur = nn_sequential(nn_conv2d(1, 16, 3, .stride = 2, .padding = 1), nn_relu(),
                             nn_conv2d(16, 32, 3, .stride = 2, .padding = 1), nn_relu(),
                             nn_flatten(), nn_linear(32 * 7 * 7, LATENT));
    // ### END SOLUTION
    return encodeur;
}

Module *creer_decodeur_conv(void)
{
    Module *decodeur = nn_sequential(nn_linear(LATENT, 784), nn_unflatten(1, 1, 28, 28));   // provisoire
    // ### BEGIN SOLUTION
    decodeur = nn_sequential(nn_linear(LATENT, 32 * 7 * 7), nn_relu(), nn_unflatten(1, 32, 7, 7),
                             nn_conv_transpose2d(32, 16, 3, .stride = 2, .padding = 1, .output_padding = 1), nn_relu(),
                             nn_conv_transpose2d(16, 1, 3, .stride = 2, .padding = 1, .output_padding = 1));
    // ### END SOLUTION
    nn_sequential_add(decodeur, nn_sigmoid());
    return decodeur;
}

int64_t parametres_calcules = 0;
// ### BEGIN SOLUTION
parametres_calcules = (3 * 3 * 1 + 1) * 16 + (3 * 3 * 16 + 1) * 32 + (32 * 7 * 7 + 1) * LATENT   // encodeur
                    + (LATENT + 1) * 32 * 7 * 7 + (3 * 3 * 32 + 1) * 16 + (3 * 3 * 16 + 1) * 1;   // décodeur
// ### END SOLUTION
printf("paramètres calculés à la main : %lld\n", (long long)parametres_calcules);

// %% [code]
manual_seed(0);
Module *encodeur_conv = creer_encodeur_conv();
Module *decodeur_conv = creer_decodeur_conv();
Module *ae_conv = nn_sequential(encodeur_conv, decodeur_conv);
nn_summary(ae_conv, 1, 28, 28);

// %% [check] id=check_autoencodeur_conv points=2
assert_true(taille_conv(28, 3, 2, 1) == 14 && taille_conv(14, 3, 2, 1) == 7 && taille_conv(28, 5, 1, 0) == 24,
            "taille_conv : (28, k=3, s=2, p=1) donne 14, (14, 3, 2, 1) donne 7, (28, 5, 1, 0) donne 24 "
            "(obtenu %d, %d, %d)", taille_conv(28, 3, 2, 1), taille_conv(14, 3, 2, 1), taille_conv(28, 5, 1, 0));
assert_true(taille_conv_transposee(7, 3, 2, 1, 1) == 14 && taille_conv_transposee(7, 3, 2, 1, 0) == 13 &&
            taille_conv_transposee(14, 4, 2, 1, 0) == 28,
            "taille_conv_transposee : (7, 3, 2, 1, o=1) donne 14, avec o=0 : 13, (14, 4, 2, 1, 0) donne 28");
Tensor *quatre = tensor_narrow(X_test, 0, 0, 4);
Tensor *premiere_conv = nn_forward(nn_child(encodeur_conv, 0), quatre);
assert_true(tensor_ndim(premiere_conv) == 4 && tensor_size(premiere_conv, 1) == 16 && tensor_size(premiere_conv, 2) == 14,
            "la première couche de l'encodeur doit donner (4, 16, 14, 14), pas %s", tensor_shape_str(premiere_conv));
Tensor *code_conv = nn_predict(encodeur_conv, quatre);
assert_true(tensor_ndim(code_conv) == 2 && tensor_size(code_conv, 1) == LATENT,
            "le code doit avoir la forme (4, %d), pas %s", LATENT, tensor_shape_str(code_conv));
Tensor *sortie_conv = nn_predict(ae_conv, quatre);
assert_true(tensor_ndim(sortie_conv) == 4 && tensor_size(sortie_conv, 2) == 28 && tensor_size(sortie_conv, 3) == 28,
            "la reconstruction doit avoir la forme (4, 1, 28, 28), pas %s", tensor_shape_str(sortie_conv));
assert_true(nn_num_children(decodeur_conv) > 3 && !strcmp(nn_type(nn_child(decodeur_conv, 3)), "ConvTranspose2d"),
            "le décodeur doit remonter à 28 × 28 avec des convolutions transposées");
assert_true(parametres_calcules == nn_num_parameters(ae_conv, false),
            "votre calcul donne %lld paramètres, le modèle en a %lld", (long long)parametres_calcules,
            (long long)nn_num_parameters(ae_conv, false));
check_passed("autoencodeur convolutif : 28 → 14 → 7 → code de %d → 7 → 14 → 28, %lld paramètres", LATENT,
             (long long)parametres_calcules);

// %% [markdown]
// Entraînons-le 5 époques, ainsi qu'un autoencodeur **dense** de même code (32), pour
// comparer à dimension latente égale.

// %% [code]
enum { EPOQUES_CONV = 5 };
double *pertes_conv = entrainer(ae_conv, X_train, X_train, EPOQUES_CONV, 2e-3);
double mse_conv = mse_test(ae_conv, X_test, X_test);
manual_seed(0);
Module *ae_dense32 = nn_sequential(creer_encodeur_dense(LATENT), creer_decodeur_dense(LATENT));
double *pertes_dense32 = entrainer(ae_dense32, X_train, X_train, EPOQUES_CONV, 2e-3);
double mse_dense32 = mse_test(ae_dense32, X_test, X_test);
printf("code de dimension %d : ACP %.4f, dense %.4f (%lld paramètres), convolutif %.4f (%lld paramètres)\n", LATENT,
       mse_acp32, mse_dense32, (long long)nn_num_parameters(ae_dense32, false), mse_conv,
       (long long)nn_num_parameters(ae_conv, false));

// %% [check] id=check_conv_meilleur points=1
assert_true(pertes_conv[EPOQUES_CONV - 1] < 0.5 * pertes_conv[0], "la perte du convolutif devrait au moins diviser "
            "par deux entre la première et la dernière époque (%.4f, %.4f)", pertes_conv[0], pertes_conv[EPOQUES_CONV - 1]);
assert_true(mse_conv < mse_acp32, "code de dimension 32 : le convolutif (%.4f) devrait battre l'ACP à 32 composantes (%.4f)",
            mse_conv, mse_acp32);
assert_true(mse_conv < mse_dense32, "code de dimension 32 : le convolutif (%.4f) devrait battre le dense (%.4f)",
            mse_conv, mse_dense32);
check_passed("code de dimension 32 : convolutif %.4f < dense %.4f, ACP %.4f", mse_conv, mse_dense32, mse_acp32);

// %% [markdown]
// Les courbes d'apprentissage, puis dix images de test et leurs reconstructions.

// %% [code]
double ep_dense[EPOQUES_DENSE], ep_conv[EPOQUES_CONV];
for (int e = 0; e < EPOQUES_DENSE; e++) ep_dense[e] = e + 1;
for (int e = 0; e < EPOQUES_CONV; e++) ep_conv[e] = e + 1;
plt_figure(.width = 7, .height = 4);
plt_plot(ep_dense, pertes_ae2, EPOQUES_DENSE, .marker = "o", .label = "dense, code 2");
plt_plot(ep_conv, pertes_dense32, EPOQUES_CONV, .marker = "o", .label = "dense, code 32");
plt_plot(ep_conv, pertes_conv, EPOQUES_CONV, .marker = "o", .label = "convolutif, code 32");
plt_axhline(mse_acp32, .color = "gray", .linestyle = "--", .label = "ACP-32 (test)");
plt_xlabel("époque");
plt_ylabel("erreur quadratique moyenne");
plt_title("Apprentissage des autoencodeurs");
plt_legend();
plt_tight_layout();
plt_show();

// %% [code]
// Rangées de 10 images : originaux, puis chaque méthode (dense-2 : autoencodeur dense à code
// de dimension 2 ; conv-32 : convolutif à code de dimension 32...).
Tensor *dix = tensor_narrow(X_test, 0, 0, 10);
Tensor *rangees;
no_grad {
    rangees = tensor_cat(TENSORS(dix, acp_decoder(acp2, acp_encoder(acp2, dix)), nn_predict(ae2, dix),
                                 acp_decoder(acp32, acp_encoder(acp32, dix)), nn_predict(ae_dense32, dix),
                                 nn_predict(ae_conv, dix)), 0);
}
const char *noms_rangees[6] = { "originaux", "ACP-2", "dense-2", "ACP-32", "dense-32", "conv-32" };
const char *titres_rangees[60] = { 0 };
for (int r = 0; r < 6; r++) titres_rangees[r * 10] = noms_rangees[r];
plt_images(pixels(rangees), 60, 28, 28, .ncols = 10, .size = 1.1, .titles = titres_rangees, .vmin = 0, .vmax = 1);
plt_show();

// %% [markdown]
// **Question 4.** À code égal (32), pourquoi le réseau convolutif reconstruit-il mieux que
// le dense, avec pourtant moins de paramètres ? À quoi sert `output_padding = 1` ?

// %% [solution] id=reponse_conv
// Votre réponse (en commentaire) :
// ### BEGIN SOLUTION
// Un filtre de convolution est partagé par toutes les positions : un trait, un arrondi,
// une extrémité appris à un endroit sert partout, et chaque sortie ne dépend que d'un
// voisinage (les pixels proches sont liés). Le réseau dense doit apprendre séparément
// chaque position avec des centaines de milliers de poids ; le convolutif a moins de
// paramètres mais mieux adaptés aux images, il apprend donc plus vite et généralise mieux.
// output_padding : une convolution de pas 2 envoie une image de 13 ou de 14 pixels sur 7 ;
// la convolution transposée ne sait pas laquelle reconstruire. (7 - 1)·2 - 2 + 3 = 13 ;
// output_padding = 1 ajoute la ligne et la colonne manquantes pour revenir à 14 (puis 28).
// ### END SOLUTION

// %% [markdown]
// ## 6. Débruitage
//
// Un **autoencodeur débruiteur** reçoit une image abîmée et doit rendre l'image propre :
// même réseau, même boucle, seule la paire (entrée, cible) change.
//
// ### À FAIRE
// `bruiter` ajoute à chaque pixel un bruit gaussien d'écart-type `sigma`
// (`tensor_randn_like`), puis ramène les valeurs dans [0, 1] (`tensor_clamp`).

// %% [solution] id=bruiter
Tensor *bruiter(Tensor *X, double sigma)
{
    Tensor *bruite = X;
    // ### BEGIN SOLUTION
    bruite = tensor_clamp(tensor_add(X, tensor_mul_scalar(tensor_randn_like(X), sigma)), 0, 1);
    // ### END SOLUTION
    return bruite;
}

// %% [check] id=check_bruiter points=1
Tensor *propres = tensor_narrow(X_test, 0, 0, 200);
manual_seed(3);
Tensor *essai1 = bruiter(propres, 0.5), *essai2 = bruiter(propres, 0.5);
assert_true(tensor_ndim(essai1) == 4 && tensor_numel(essai1) == tensor_numel(propres),
            "l'image bruitée doit garder la forme %s (obtenu %s)", tensor_shape_str(propres), tensor_shape_str(essai1));
assert_true(tensor_item(tensor_min(essai1)) >= 0 && tensor_item(tensor_max(essai1)) <= 1,
            "les pixels bruités doivent rester dans [0, 1]");
double ecart_bruit = tensor_item(nn_mse(essai1, propres));
assert_true(ecart_bruit > 0.08 && ecart_bruit < 0.16,
            "avec sigma = 0.5 (et les valeurs ramenées dans [0, 1]), l'écart quadratique moyen au propre "
            "devrait valoir environ 0.12, pas %.4f", ecart_bruit);
assert_true(!tensor_equal(essai1, essai2), "deux appels doivent tirer deux bruits différents");
check_passed("bruit gaussien σ = 0.5, écart quadratique moyen %.3f", ecart_bruit);

// %% [markdown]
// Un nouvel autoencodeur convolutif (même architecture) est entraîné 5 époques sur des
// paires (image bruitée, image propre). On compare sur les images de test bruitées :
// l'image bruitée elle-même, l'autoencodeur de la partie 5 (jamais entraîné sur du bruit)
// et le débruiteur.

// %% [code]
const double SIGMA = 0.5;
manual_seed(1);
Tensor *X_train_bruite = bruiter(X_train, SIGMA), *X_test_bruite = bruiter(X_test, SIGMA);
manual_seed(0);
Module *debruiteur = nn_sequential(creer_encodeur_conv(), creer_decodeur_conv());
double *pertes_debruiteur = entrainer(debruiteur, X_train_bruite, X_train, EPOQUES_CONV, 2e-3);
double mse_bruite = tensor_item(nn_mse(X_test_bruite, X_test));
double mse_conv_sur_bruit = mse_test(ae_conv, X_test_bruite, X_test);
double mse_debruite = mse_test(debruiteur, X_test_bruite, X_test);
printf("écart à l'image propre (test) : bruitée %.4f, autoencodeur ordinaire %.4f, débruiteur %.4f\n",
       mse_bruite, mse_conv_sur_bruit, mse_debruite);

// %% [check] id=check_debruitage points=2
assert_true(mse_debruite < 0.25 * mse_bruite, "le débruiteur (%.4f) devrait diviser au moins par 4 l'écart "
            "de l'image bruitée (%.4f)", mse_debruite, mse_bruite);
assert_true(mse_debruite < mse_conv_sur_bruit, "le débruiteur (%.4f) devrait faire mieux que l'autoencodeur "
            "ordinaire appliqué aux images bruitées (%.4f)", mse_debruite, mse_conv_sur_bruit);
check_passed("débruitage : %.4f → %.4f (autoencodeur ordinaire : %.4f)", mse_bruite, mse_debruite, mse_conv_sur_bruit);

// %% [code]
Tensor *dix_bruites = tensor_narrow(X_test_bruite, 0, 0, 10);
Tensor *rangees_bruit = tensor_cat(TENSORS(dix_bruites, nn_predict(ae_conv, dix_bruites), nn_predict(debruiteur, dix_bruites),
                                           dix), 0);
const char *noms_bruit[4] = { "bruitées", "AE ordinaire", "débruiteur", "originaux" };
const char *titres_bruit[40] = { 0 };
for (int r = 0; r < 4; r++) titres_bruit[r * 10] = noms_bruit[r];
plt_images(pixels(rangees_bruit), 40, 28, 28, .ncols = 10, .size = 1.1, .titles = titres_bruit, .vmin = 0, .vmax = 1);
plt_show();

// %% [markdown]
// **Question 5.** Pour un autoencodeur ordinaire, pourquoi ne pas prendre un code plus
// grand que l'entrée (1 000 nombres pour 784 pixels) ? Le problème se pose-t-il pour un débruiteur ?

// %% [solution] id=reponse_debruitage
// Votre réponse (en commentaire) :
// ### BEGIN SOLUTION
// Avec un code au moins aussi grand que l'entrée, l'autoencodeur ordinaire peut apprendre
// l'identité : erreur nulle, mais le code n'a rien appris de la structure des chiffres
// (il ne résume rien, ne débruite rien). Le goulot d'étranglement est ce qui le force à
// apprendre. Le débruiteur, lui, ne peut pas se contenter de recopier, puisque l'entrée
// (bruitée) diffère de la cible (propre) : pour enlever le bruit il doit savoir à quoi
// ressemble un chiffre, même avec un code large.
// ### END SOLUTION

// %% [markdown]
// ## 7. Détection d'anomalies
//
// Un autoencodeur entraîné sur des données « normales » reconstruit bien ce qui leur
// ressemble et mal le reste. L'**erreur de reconstruction** d'une image devient un score
// d'anomalie : au-delà d'un seuil, on signale l'image.
//
// Ici les données normales sont les chiffres ; les anomalies sont des images de
// vêtements (Fashion-MNIST, même format 28 × 28) que l'autoencodeur convolutif de la
// partie 5 n'a jamais vues. Le seuil sera choisi sur les données normales seulement.
//
// **Question 6.** Que se passerait-il si l'ensemble d'entraînement contenait aussi des
// vêtements ? Pourquoi fixer le seuil sur les données normales plutôt qu'en regardant les
// anomalies ?

// %% [solution] id=reponse_anomalies
// Votre réponse (en commentaire) :
// ### BEGIN SOLUTION
// L'autoencodeur apprendrait aussi à reconstruire les vêtements : leur erreur baisserait
// et ils ne seraient plus détectés. La méthode suppose que les anomalies sont absentes (ou
// très rares) des données d'entraînement. Quant au seuil : en pratique on ne dispose pas
// d'exemples d'anomalies (elles sont rares, variées, inconnues d'avance : c'est tout
// l'intérêt d'une méthode non supervisée). On choisit donc le taux de fausses alertes qu'on
// accepte sur les données normales (ci-dessous 1 %) et l'on en déduit le seuil.
// ### END SOLUTION

// %% [markdown]
// ### À FAIRE
// `erreurs_par_image` renvoie un tenseur de taille N : pour chaque image, la moyenne sur
// ses 784 pixels de $(\hat x - x)^2$ (`tensor_mean_dims` sur les dimensions 1, 2 et 3).

// %% [solution] id=erreurs_par_image
Tensor *erreurs_par_image(Module *ae, Tensor *X)
{
    Tensor *reconstruit = nn_predict(ae, X, .batch_size = 500);
    Tensor *erreurs = tensor_zeros(tensor_size(X, 0));
    // ### BEGIN SOLUTION
    erreurs = tensor_mean_dims(tensor_square(tensor_sub(reconstruit, X)), 3, (int[]){ 1, 2, 3 }, false);
    // ### END SOLUTION
    return erreurs;
}

// %% [check] id=check_erreurs_par_image points=1
Tensor *six = tensor_narrow(X_test, 0, 0, 6);
Tensor *err6 = erreurs_par_image(ae_conv, six);
assert_true(tensor_ndim(err6) == 1 && tensor_size(err6, 0) == 6, "6 images doivent donner 6 erreurs, pas %s",
            tensor_shape_str(err6));
Tensor *rec6 = nn_predict(ae_conv, six);
for (int i = 0; i < 6; i++) {
    double s = 0;
    for (int r = 0; r < 28; r++)
        for (int c = 0; c < 28; c++) {
            double d = tensor_get(rec6, i, 0, r, c) - tensor_get(six, i, 0, r, c);
            s += d * d;
        }
    assert_close(tensor_get(err6, i), s / 784, 1e-6, "erreur de reconstruction d'une image");
}
check_passed("une erreur quadratique moyenne par image");

// %% [markdown]
// Le seuil est fixé sur les données normales seulement : on accepte 1 % de fausses
// alertes sur les chiffres d'entraînement (le quantile à 99 % de leurs erreurs). On mesure
// ensuite le taux de vêtements détectés, le taux de fausses alertes sur les chiffres de
// test, et l'**aire sous la courbe ROC** (AUC) : la probabilité qu'un vêtement pris au
// hasard ait une erreur plus grande qu'un chiffre pris au hasard (1 : séparation parfaite,
// 0,5 : hasard).

// %% [code]
Dataset *mode_test = datasets_fashion_mnist(NULL, false, .limit = 2000);
Tensor *X_mode = data_x(mode_test);
Tensor *err_train = erreurs_par_image(ae_conv, X_train);
Tensor *err_chiffres = erreurs_par_image(ae_conv, X_test);
Tensor *err_mode = erreurs_par_image(ae_conv, X_mode);

int comparer_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double *valeurs(Tensor *t)   // copie dans un tableau C
{
    double *v = malloc(tensor_numel(t) * sizeof *v);
    tensor_to_f64_array(t, v, tensor_numel(t));
    return v;
}

double quantile(Tensor *t, double q)
{
    int n = (int)tensor_numel(t);
    double *v = valeurs(t);
    qsort(v, n, sizeof *v, comparer_doubles);
    return v[(int)(q * (n - 1))];
}

double fraction_au_dessus(Tensor *t, double seuil)
{
    return tensor_item(tensor_mean(tensor_float(tensor_gt_scalar(t, seuil))));
}

// AUC = P(score d'une anomalie > score d'une donnée normale), les égalités comptant pour 1/2.
double auc(Tensor *normal, Tensor *anomalie)
{
    int n = (int)tensor_numel(normal), m = (int)tensor_numel(anomalie);
    double *a = valeurs(normal), *b = valeurs(anomalie), total = 0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < m; j++)
            total += b[j] > a[i] ? 1 : b[j] == a[i] ? 0.5 : 0;
    return total / ((double)n * m);
}

double seuil = quantile(err_train, 0.99);
double detection = fraction_au_dessus(err_mode, seuil);
double fausses_alertes = fraction_au_dessus(err_chiffres, seuil);
double aire_roc = auc(err_chiffres, err_mode);
double moy_chiffres = tensor_item(tensor_mean(err_chiffres)), moy_mode = tensor_item(tensor_mean(err_mode));
printf("erreur moyenne : chiffres %.4f, vêtements %.4f (%.1f fois plus)\n", moy_chiffres, moy_mode,
       moy_mode / (moy_chiffres + 1e-12));
printf("seuil %.4f : %.1f %% des vêtements détectés, %.1f %% de fausses alertes sur les chiffres de test ; AUC %.3f\n",
       seuil, 100 * detection, 100 * fausses_alertes, aire_roc);

// %% [check] id=check_anomalies points=2
assert_true(moy_mode > 3 * moy_chiffres, "les vêtements devraient être bien plus mal reconstruits que les chiffres "
            "(erreurs moyennes %.4f et %.4f)", moy_mode, moy_chiffres);
assert_true(aire_roc > 0.95, "l'AUC devrait dépasser 0.95 (obtenu %.3f)", aire_roc);
assert_true(detection > 0.9 && fausses_alertes < 0.05, "au seuil choisi, plus de 90 %% des vêtements devraient être "
            "détectés (%.1f %%) avec moins de 5 %% de fausses alertes (%.1f %%)", 100 * detection, 100 * fausses_alertes);
check_passed("anomalies : AUC %.3f, %.0f %% détectées, %.1f %% de fausses alertes", aire_roc, 100 * detection,
             100 * fausses_alertes);

// %% [markdown]
// La répartition des erreurs (échelle logarithmique) et le seuil ; puis les chiffres de
// test les plus mal reconstruits (les plus « étranges ») et les vêtements les mieux
// reconstruits (ceux qui passeraient pour normaux).

// %% [code]
Tensor *log10_erreurs(Tensor *t) { return tensor_div_scalar(tensor_log(tensor_add_scalar(t, 1e-6)), log(10)); }
Tensor *log_chiffres = log10_erreurs(err_chiffres), *log_mode = log10_erreurs(err_mode);
double bas = fmin(tensor_item(tensor_min(log_chiffres)), tensor_item(tensor_min(log_mode)));
double haut = fmax(tensor_item(tensor_max(log_chiffres)), tensor_item(tensor_max(log_mode)));
plt_figure(.width = 8, .height = 4);
plt_hist(valeurs(log_chiffres), tensor_numel(log_chiffres), .bins = 50, .range_min = bas, .range_max = haut, .alpha = 0.6,
         .label = "chiffres (normaux)");
plt_hist(valeurs(log_mode), tensor_numel(log_mode), .bins = 50, .range_min = bas, .range_max = haut, .alpha = 0.6,
         .label = "vêtements (anomalies)");
plt_axvline(log10(seuil + 1e-6), .color = "k", .linestyle = "--", .label = "seuil (99 % des chiffres d'entraînement)");
plt_xlabel("log₁₀(erreur de reconstruction)");
plt_ylabel("nombre d'images");
plt_legend(.loc = "upper left", .fontsize = 8);
plt_tight_layout();
plt_show();

// %% [code]
// Les indices des k plus grandes (ou plus petites) valeurs de t.
int *extremes(Tensor *t, int k, bool plus_grandes)
{
    int n = (int)tensor_numel(t);
    double *v = valeurs(t);
    int *indices = malloc(k * sizeof *indices);
    bool *pris = calloc(n, sizeof *pris);
    for (int r = 0; r < k; r++) {
        int meilleur = -1;
        for (int i = 0; i < n; i++)
            if (!pris[i] && (meilleur < 0 || (plus_grandes ? v[i] > v[meilleur] : v[i] < v[meilleur])))
                meilleur = i;
        pris[meilleur] = true;
        indices[r] = meilleur;
    }
    return indices;
}

int *etranges = extremes(err_chiffres, 8, true);
int *discrets = extremes(err_mode, 8, false);
Tensor *choix[16];
const char *titres_choix[16];
for (int r = 0; r < 8; r++) {
    choix[r] = tensor_select(X_test, 0, etranges[r]);
    choix[8 + r] = tensor_select(X_mode, 0, discrets[r]);
    char *t1 = malloc(24), *t2 = malloc(24);
    snprintf(t1, 24, "err %.3f", tensor_get(err_chiffres, etranges[r]));
    snprintf(t2, 24, "err %.3f", tensor_get(err_mode, discrets[r]));
    titres_choix[r] = t1;
    titres_choix[8 + r] = t2;
}
plt_images(pixels(tensor_stack(choix, 16, 0)), 16, 28, 28, .ncols = 8, .size = 1.2, .titles = titres_choix, .vmin = 0, .vmax = 1);
plt_show();

// %% [markdown]
// ## Bilan
// Erreur de reconstruction sur les chiffres de test, du plus simple au meilleur :

// %% [code]
double bilan[] = { mse_moyenne, mse_acp2, mse_ae2, mse_acp32, mse_dense32, mse_conv };
const char *noms_bilan[] = { "image moyenne", "ACP-2", "dense, code 2", "ACP-32", "dense, code 32", "convolutif, code 32" };
plt_figure(.width = 8, .height = 3.5);
plt_barh(NULL, bilan, 6, .tick_labels = noms_bilan, .color = "tab:blue");
plt_xlabel("erreur quadratique moyenne (test)");
plt_title("Reconstruction des chiffres de test");
plt_tight_layout();
plt_show();

// %% [markdown]
// **À retenir** : un autoencodeur apprend, sans étiquettes, un code compact des données.
// Grâce à ses non-linéarités il peut résumer mieux que l'ACP (nettement, avec un code de
// dimension 2) ; avec des convolutions, il exploite la structure des images et apprend
// vite (en 5 époques, le dense à code 32 n'atteint pas encore l'ACP, le convolutif la bat). En changeant seulement la paire (entrée, cible) on
// obtient un débruiteur, et son erreur de reconstruction sert de score d'anomalie. Son
// espace latent n'est en revanche pas fait pour tirer des codes au hasard : c'est ce que
// corrigent l'autoencodeur variationnel et, autrement, les GAN du TP 4.2.
