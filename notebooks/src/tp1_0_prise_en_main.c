// %% [markdown]
// # TP 1.0 — Prise en main : le C dans un notebook, les tenseurs, les devices
//
// Ce notebook tourne avec le noyau **C (coursDL)** : chaque cellule est du C (C11),
// compilé à la volée. Les variables, fonctions et types définis dans une cellule
// restent disponibles dans les suivantes, comme en Python. La dernière expression
// d'une cellule, **sans point-virgule**, s'affiche comme `Out[n]`.
//
// Au programme :
// 1. un échauffement en C pour qui vient de Python (fonctions, boucles, structures, tableaux, pointeurs) ;
// 2. les tenseurs, le « NumPy du C » ;
// 3. une première figure ;
// 4. les devices (CPU, GPU) et la mesure du temps de calcul.
//
// Les cellules marquées **À FAIRE** sont des exercices ; les cellules de vérification
// qui les suivent vous disent si votre réponse est juste.

// %% [markdown]
// ## 1. Échauffement en C
//
// En Python on écrit `def carre(x): return x * x`. En C, chaque variable et chaque
// fonction a un type. Pas besoin d'`#include` pour `printf`, `sqrt`, `malloc`… : le noyau
// les fournit.

// %% [code]
int carre(int x) { return x * x; }

for (int i = 1; i <= 5; i++)
    printf("%d² = %d\n", i, carre(i));

// %% [markdown]
// Une **structure** regroupe des champs, comme une petite classe sans méthodes.
// Un **tableau** a une taille fixe ; son nom se comporte comme un pointeur vers son
// premier élément.

// %% [code]
typedef struct {
    double x, y;
} Point;

double distance(Point a, Point b) { return sqrt((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)); }

Point origine = {0, 0};
Point p = {3, 4};
distance(origine, p)

// %% [code]
double notes[] = {12.5, 15, 9, 17.5, 11};
int nb_notes = sizeof notes / sizeof notes[0];
double *premiere = notes;   // un pointeur vers le premier élément
printf("%d notes, la première vaut %.1f, la troisième %.1f\n", nb_notes, *premiere, *(premiere + 2));

// %% [markdown]
// ### À FAIRE : la moyenne
// Écrivez la fonction `moyenne` qui renvoie la moyenne des `n` valeurs pointées par `v`.

// %% [solution] id=moyenne
double moyenne(const double *v, int n)
{
    double somme = 0;
    // ### BEGIN SOLUTION
    for (int i = 0; i < n; i++)
        somme += v[i];
    // ### END SOLUTION
    return n > 0 ? somme / n : 0;
}

// %% [check] id=check_moyenne points=1
assert_close(moyenne(notes, nb_notes), 13.0, 1e-12, "moyenne des notes");
assert_close(moyenne((double[]){1, 2, 3, 4}, 4), 2.5, 1e-12, "moyenne de 1, 2, 3, 4");
check_passed("moyenne correcte");

// %% [markdown]
// La mémoire allouée par `malloc` est gérée par un ramasse-miettes : pas besoin de
// `free` dans les notebooks. Une erreur de pointeur ne tue pas le noyau : elle arrête
// la cellule avec une erreur qui dit ce qui s'est passé (essayez `int *q = NULL; *q = 1;`).

// %% [markdown]
// ## 2. Les tenseurs, le NumPy du C
//
// Un `Tensor *` est un tableau à plusieurs dimensions, avec un type (`float32` par
// défaut) et un device. Les opérations s'appliquent à tous les éléments d'un coup.

// %% [code]
manual_seed(0);
Tensor *a = tensor_arange(0, 6, 1);
Tensor *M = tensor_reshape(a, 2, 3);
M

// %% [code]
Tensor *B = tensor_ones(3, 2);
Tensor *C = tensor_matmul(M, B);          // produit matriciel (2, 3) x (3, 2)
printf("forme de C : %s\n", tensor_shape_str(C));
C

// %% [code]
Tensor *X = tensor_randn(4, 3);
Tensor *Y = tensor_add_scalar(tensor_mul_scalar(X, 2.0), 1.0);   // 2 X + 1, élément par élément
tensor_mean(Y)

// %% [markdown]
// ### À FAIRE : centrer et réduire
// Écrivez `standardiser(x)` qui renvoie `(x - moyenne(x)) / écart_type(x)` calculés
// sur tous les éléments (utilisez `tensor_mean`, `tensor_std`, `tensor_sub`, `tensor_div`).

// %% [solution] id=standardiser
Tensor *standardiser(Tensor *x)
{
    Tensor *z = x;
    // ### BEGIN SOLUTION
    z = tensor_div(tensor_sub(x, tensor_mean(x)), tensor_std(x));
    // ### END SOLUTION
    return z;
}

// %% [check] id=check_standardiser points=1
Tensor *Z = standardiser(tensor_randn(1000));
assert_close(tensor_item(tensor_mean(Z)), 0.0, 1e-5, "moyenne après standardisation");
assert_close(tensor_item(tensor_std(Z)), 1.0, 1e-5, "écart type après standardisation");
check_passed("standardisation correcte");

// %% [markdown]
// ## 3. Une première figure
//
// Les fonctions `plt_*` imitent matplotlib. Une figure dessinée s'affiche à la fin de la cellule.

// %% [code]
enum { NP = 200 };
double xs[NP], sinus[NP], cosinus[NP];
for (int i = 0; i < NP; i++) {
    xs[i] = 2 * M_PI * i / (NP - 1);
    sinus[i] = sin(xs[i]);
    cosinus[i] = cos(xs[i]);
}
plt_figure(.width = 7, .height = 4);
plt_plot(xs, sinus, NP, .label = "sin(x)");
plt_plot(xs, cosinus, NP, .label = "cos(x)", .linestyle = "--");
plt_axhline(0, .color = "gray", .linewidth = 0.8);
plt_title("Les fonctions sinus et cosinus sur [0, 2π]");
plt_xlabel("x (radians)");
plt_ylabel("valeur");
plt_legend();
plt_grid(true);
plt_show();

// %% [markdown]
// ## 4. Les devices : où vit un tenseur ?
//
// Un tenseur vit sur un device : le CPU, ou un GPU (`cuda`). Une opération entre deux
// tenseurs exige qu'ils soient sur le même device.

// %% [code]
printf("X est sur : %s\n", device_name(tensor_device(X)));
printf("GPU disponibles : %d\n", device_count());
if (!device_cuda_available())
    printf("Aucun GPU détecté : tout se passe sur le CPU.\n");

// %% [markdown]
// Sans GPU, demander le device `cuda` est une erreur (`DeviceError`) qui explique quoi faire ;
// avec un GPU, c'est l'addition d'un tenseur CPU et d'un tenseur GPU qui échouerait.

// %% [code] tags=raises-exception
Tensor *Xg = tensor_to(X, "cuda");
tensor_add(X, Xg)

// %% [markdown]
// ### Mesurer le temps : 100 produits de matrices 2000 × 2000
// Sur GPU, les calculs sont asynchrones : il faut **synchroniser** avant d'arrêter le chronomètre.
// Sur un CPU à 2 cœurs, 100 produits prendraient près d'une minute : on en chronomètre 10 et
// on ramène la durée à 100 produits pour comparer.

// %% [code]
#include <time.h>

double chrono(void)   // secondes écoulées, pour mesurer des durées
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

double temps_produits(Device dev, int n, int repetitions)
{
    Tensor *A = tensor_to(tensor_randn(n, n), dev);
    Tensor *Bm = tensor_to(tensor_randn(n, n), dev);
    tensor_matmul(A, Bm);                  // échauffement
    device_synchronize(dev);
    double t0 = chrono();
    for (int i = 0; i < repetitions; i++)
        tensor_matmul(A, Bm);
    device_synchronize(dev);
    return chrono() - t0;
}

enum { PRODUITS = 100, PRODUITS_CPU = 10 };
double t_cpu = temps_produits(DEVICE_CPU, 2000, PRODUITS_CPU) * PRODUITS / PRODUITS_CPU;
printf("CPU : %.2f s pour 100 produits (d'après %d), soit %.0f GFLOP/s\n", t_cpu, PRODUITS_CPU,
       PRODUITS * 2.0 * 2000.0 * 2000 * 2000 / t_cpu / 1e9);
if (device_cuda_available()) {
    double t_gpu = temps_produits(DEVICE_CUDA(0), 2000, PRODUITS);
    printf("GPU : %.3f s, %.0f fois plus rapide\n", t_gpu, t_cpu / t_gpu);
} else {
    printf("Aucun GPU détecté : pas de mesure GPU.\n");
}

// %% [markdown]
// **À retenir** : un tenseur a une forme, un type et un device ; les opérations
// s'appliquent à tous ses éléments ; sur GPU, on synchronise avant de mesurer.
