// %% [markdown]
// # TP 1.1 — Le perceptron
//
// Le perceptron de Rosenblatt (1958) sépare deux classes de points par une droite
// $w_1 x_1 + w_2 x_2 + b = 0$. Sa règle d'apprentissage est simple : pour chaque point
// mal classé, on déplace la droite vers lui.
//
// $$\hat y = \begin{cases} 1 & \text{si } w \cdot x + b > 0 \\ 0 & \text{sinon} \end{cases}
// \qquad w \leftarrow w + \eta\,(y - \hat y)\,x, \qquad b \leftarrow b + \eta\,(y - \hat y)$$
//
// Si les classes sont linéairement séparables, l'algorithme converge en un nombre fini
// d'étapes (théorème de convergence du perceptron).

// %% [markdown]
// ## 1. Deux nuages de points gaussiens
// Chaque nuage a `N` points tirés autour d'un centre, avec un écart type `sigma`.
// Les points sont stockés dans un tableau `X` de `2N` lignes × 2 colonnes, et les
// étiquettes (0 ou 1) dans `y`.

// %% [code]
enum { N = 100, NMAX = 1000 };
double X[2 * NMAX][2];
int y[2 * NMAX];

// Remplit X et y : n points autour de (-d, -d) (classe 0) et n autour de (d, d) (classe 1).
void deux_nuages(int n, double d, double sigma, unsigned long graine)
{
    manual_seed(graine);
    Tensor *bruit = tensor_randn(2 * n, 2);
    for (int i = 0; i < 2 * n; i++) {
        int classe = i >= n;
        double centre = classe ? d : -d;
        X[i][0] = centre + sigma * tensor_get(bruit, i, 0);
        X[i][1] = centre + sigma * tensor_get(bruit, i, 1);
        y[i] = classe;
    }
}

deux_nuages(N, 2.0, 0.8, 0);
plt_figure(.width = 5, .height = 5);
double x1[2 * N], x2[2 * N];
for (int i = 0; i < 2 * N; i++) { x1[i] = X[i][0]; x2[i] = X[i][1]; }
plt_scatter(x1, x2, 2 * N, .labels = y, .edgecolor = "white");
plt_title("Deux nuages gaussiens");
plt_xlabel("x₁");
plt_ylabel("x₂");
plt_show();

// %% [markdown]
// ## 2. La sortie du perceptron
// ### À FAIRE
// Complétez `predire` : la sortie du perceptron `p` pour le point `x`, 1 si
// $w \cdot x + b > 0$, 0 sinon.

// %% [solution] id=predire
typedef struct {
    double w[2];
    double b;
} Perceptron;

int predire(const Perceptron *p, const double x[2])
{
    int sortie = 0;
    // ### BEGIN SOLUTION
    sortie = p->w[0] * x[0] + p->w[1] * x[1] + p->b > 0;
    // ### END SOLUTION
    return sortie;
}

// %% [check] id=check_predire points=1
{
    // La droite x₂ = x₁ + 0,5 : w = (1, -1), b = 0,5 ; au-dessous, la sortie vaut 1.
    Perceptron essai = { { 1, -1 }, 0.5 };
    double points[4][2] = { { 0, 0 }, { 0, 1 }, { 2, 1 }, { -1, 3 } };
    int attendu[4] = { 1, 0, 1, 0 };
    for (int i = 0; i < 4; i++)
        assert_true(predire(&essai, points[i]) == attendu[i], "predire(w = (1, -1), b = 0,5) au point (%g, %g) : %d attendu",
                    points[i][0], points[i][1], attendu[i]);
}
check_passed("la sortie du perceptron est juste");

// %% [markdown]
// ## 3. La règle d'apprentissage
// ### À FAIRE
// Dans `entrainer`, écrivez la mise à jour des poids pour un point mal classé. `entrainer`
// renvoie le nombre d'époques utilisées et remplit `erreurs[e]`, le nombre de points mal
// classés pendant l'époque `e`. Elle s'arrête dès qu'une époque se termine sans erreur.

// %% [solution] id=perceptron
int entrainer(Perceptron *p, int n, double eta, int max_epoques, int *erreurs)
{
    p->w[0] = p->w[1] = p->b = 0;
    for (int e = 0; e < max_epoques; e++) {
        erreurs[e] = 0;
        for (int i = 0; i < n; i++) {
            int ecart = y[i] - predire(p, X[i]);
            if (ecart != 0) {
                erreurs[e]++;
                // ### BEGIN SOLUTION
                p->w[0] += eta * ecart * X[i][0];
                p->w[1] += eta * ecart * X[i][1];
                p->b += eta * ecart;
                // ### END SOLUTION
            }
        }
        if (erreurs[e] == 0)
            return e + 1;
    }
    return max_epoques;
}

// %% [code]
enum { MAX_EPOQUES = 100 };
Perceptron perceptron;
int erreurs[MAX_EPOQUES];
int epoques = entrainer(&perceptron, 2 * N, 0.1, MAX_EPOQUES, erreurs);
printf("%d époques ; poids w = (%.3f, %.3f), biais b = %.3f\n", epoques, perceptron.w[0], perceptron.w[1], perceptron.b);
for (int e = 0; e < epoques; e++)
    printf("époque %2d : %3d erreurs\n", e + 1, erreurs[e]);

// %% [check] id=check_perceptron points=2
assert_true(epoques < MAX_EPOQUES, "le perceptron n'a pas convergé en %d époques (la règle de mise à jour est-elle écrite ?)", MAX_EPOQUES);
assert_true(erreurs[epoques - 1] == 0, "la dernière époque compte encore %d erreurs", erreurs[epoques - 1]);
int bien_classes = 0;
for (int i = 0; i < 2 * N; i++)
    bien_classes += predire(&perceptron, X[i]) == y[i];
assert_true(bien_classes == 2 * N, "%d points sur %d seulement sont bien classés", bien_classes, 2 * N);
check_passed("zéro erreur après %d époques", epoques);

// %% [markdown]
// ## 4. Courbe d'apprentissage et frontière de décision
// On évalue le perceptron sur une grille régulière (le *mesh grid*) couvrant les points,
// puis `plt_contourf` colorie chaque région selon la classe prédite.

// %% [code]
enum { G = 150 };
double gx[G], gy[G], zone[G * G];

void frontiere(const Perceptron *p, int n, const char *titre, const char *fichier)
{
    double lo = 1e9, hi = -1e9;
    for (int i = 0; i < n; i++)
        for (int k = 0; k < 2; k++) {
            if (X[i][k] < lo) lo = X[i][k];
            if (X[i][k] > hi) hi = X[i][k];
        }
    lo -= 0.5; hi += 0.5;
    for (int i = 0; i < G; i++)
        gx[i] = gy[i] = lo + (hi - lo) * i / (G - 1);
    for (int j = 0; j < G; j++)
        for (int i = 0; i < G; i++)
            zone[j * G + i] = predire(p, (double[2]){ gx[i], gy[j] });
    for (int i = 0; i < n; i++) { x1[i] = X[i][0]; x2[i] = X[i][1]; }
    plt_contourf(gx, G, gy, G, zone, .values = (double[]){ -0.5, 0.5, 1.5 }, .nvalues = 3, .cmap = "coolwarm", .alpha = 0.3);
    plt_scatter(x1, x2, n, .labels = y, .edgecolor = "white");
    plt_title(titre);
    plt_xlabel("x₁");
    plt_ylabel("x₂");
    if (fichier)
        plt_savefig(fichier);
}

double ep[MAX_EPOQUES], err[MAX_EPOQUES];
for (int e = 0; e < epoques; e++) { ep[e] = e + 1; err[e] = erreurs[e]; }
plt_subplots(1, 2, .width = 11, .height = 4.5);
plt_subplot(1, 2, 1);
plt_plot(ep, err, epoques, .marker = "o");
plt_title("Erreurs par époque");
plt_xlabel("époque");
plt_ylabel("points mal classés");
plt_subplot(1, 2, 2);
frontiere(&perceptron, 2 * N, "Frontière de décision du perceptron", NULL);
plt_show();

// %% [code]
plt_figure(.width = 5.5, .height = 5);
frontiere(&perceptron, 2 * N, "Frontière de décision", "perceptron_frontiere.png");
plt_close();
FILE *f = fopen("perceptron_frontiere.png", "rb");
assert_true(f != NULL, "la figure n'a pas été enregistrée");
fclose(f);
printf("figure enregistrée dans perceptron_frontiere.png\n");

// %% [markdown]
// ## 5. Expériences : rapprocher et élargir les nuages
// Quand les nuages se rapprochent (`d` petit) ou s'élargissent (`sigma` grand), ils finissent
// par se chevaucher : il n'existe plus de droite qui les sépare, et le perceptron ne converge
// plus (il oscille jusqu'au nombre maximal d'époques).

// %% [code]
double distances[] = { 2.0, 1.0, 0.5 };
double sigmas[] = { 0.5, 1.0 };
plt_subplots(2, 3, .width = 13, .height = 8);
int k = 1;
for (int s = 0; s < 2; s++)
    for (int di = 0; di < 3; di++, k++) {
        deux_nuages(N, distances[di], sigmas[s], 1);
        Perceptron p2;
        int errs[MAX_EPOQUES];
        int nep = entrainer(&p2, 2 * N, 0.1, MAX_EPOQUES, errs);
        char titre[96];
        snprintf(titre, sizeof titre, "d = %.1f, σ = %.1f : %s", distances[di], sigmas[s],
                 errs[nep - 1] == 0 ? "séparés" : "non séparés");
        printf("d = %.1f, sigma = %.1f : %3d époques, %3d erreurs à la dernière\n", distances[di], sigmas[s], nep, errs[nep - 1]);
        plt_subplot(2, 3, k);
        frontiere(&p2, 2 * N, titre, NULL);
    }
plt_tight_layout();
plt_show();

// %% [markdown]
// **À retenir** : le perceptron trouve une droite séparatrice dès qu'il en existe une ;
// sinon il ne s'arrête pas. Il faudra des réseaux à plusieurs couches (TP 1.2) pour des
// frontières non linéaires.
