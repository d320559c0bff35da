// %% [markdown]
// # TP 1.4 — Réseaux informés par la physique (PINN) : l'oscillateur amorti
//
// Un oscillateur amorti (masse $m$, amortissement $\mu$, raideur $k$) obéit à
// $$m\,\ddot u + \mu\,\dot u + k\,u = 0, \qquad u(0) = 1,\ \dot u(0) = 0.$$
// Avec $m = 1$, $\delta = \mu / 2$ et $\omega_0 = \sqrt{k}$, en régime sous-amorti
// ($\delta < \omega_0$) la solution exacte est
// $$u(t) = e^{-\delta t}\,\frac{\cos(\varphi + \omega t)}{\cos \varphi},\qquad
// \omega = \sqrt{\omega_0^2 - \delta^2},\quad \varphi = \arctan(-\delta/\omega).$$
//
// Un PINN est un réseau $u_\theta(t)$ entraîné à la fois sur des observations et sur le
// **résidu de l'équation**, calculé par l'autograd : $\dot u_\theta$ et $\ddot u_\theta$ sont
// des dérivées du réseau par rapport à son entrée (des dérivées secondes, via
// `autograd_grad(..., .create_graph = true)`).
//
// Trois expériences : (a) extrapoler au-delà des observations ; (b) résoudre l'équation
// sans aucune observation ; (c) retrouver les paramètres $\mu$ et $k$ à partir de mesures bruitées.

// %% [code]
const double DELTA = 2, OMEGA0 = 20;          // mu = 2 delta = 4, k = omega0² = 400
const double MU = 2 * DELTA, K = OMEGA0 * OMEGA0;

double exacte(double t)
{
    double w = sqrt(OMEGA0 * OMEGA0 - DELTA * DELTA), phi = atan(-DELTA / w);
    return exp(-DELTA * t) * cos(phi + w * t) / cos(phi);
}

enum { NT = 300 };
double t_fin[NT], u_exacte[NT];
for (int i = 0; i < NT; i++) {
    t_fin[i] = (double)i / (NT - 1);
    u_exacte[i] = exacte(t_fin[i]);
}
Tensor *T_fin = tensor_reshape(tensor_linspace(0, 1, NT), NT, 1);

Module *reseau(void)
{
    return nn_sequential(nn_linear(1, 32), nn_tanh(), nn_linear(32, 32), nn_tanh(),
                         nn_linear(32, 32), nn_tanh(), nn_linear(32, 1));
}

// Prédiction du réseau sur la grille fine, copiée dans out[NT].
void predire(Module *m, double *out)
{
    no_grad { tensor_to_f64_array(nn_forward(m, T_fin), out, NT); }
}

// Erreur L2 relative sur les indices [debut, fin[ de la grille fine.
double erreur_relative(const double *u, int debut, int fin)
{
    double num = 0, den = 0;
    for (int i = debut; i < fin; i++) {
        num += (u[i] - u_exacte[i]) * (u[i] - u_exacte[i]);
        den += u_exacte[i] * u_exacte[i];
    }
    return sqrt(num / den);
}

// %% [markdown]
// ## Le résidu physique
// ### À FAIRE
// Complétez `residu` : pour des instants `t` (qui exigent le gradient), calculez $\dot u$ et
// $\ddot u$ avec `autograd_grad` (avec `.grad_output` = des uns, car la sortie n'est pas un
// scalaire, et `.create_graph = true` pour pouvoir dériver encore puis rétropropager),
// puis renvoyez $\ddot u + \mu \dot u + k u$. `mu` et `k` sont des tenseurs (à 1 élément).

// %% [solution] id=residu
Tensor *residu(Module *m, Tensor *t, Tensor *mu, Tensor *k)
{
    Tensor *u = nn_forward(m, t);
    Tensor *r = u;
    // ### BEGIN SOLUTION
    Tensor *uns = tensor_ones_like(u);
    Tensor *du = autograd_grad(u, t, .grad_output = uns, .create_graph = true);
    Tensor *d2u = autograd_grad(du, t, .grad_output = uns, .create_graph = true);
    r = tensor_add(tensor_add(d2u, tensor_mul(mu, du)), tensor_mul(k, u));
    // ### END SOLUTION
    return r;
}

// %% [check] id=check_residu points=1
Tensor *cube_forward(Module *self, Tensor *x, void *ctx) { (void)self; (void)ctx; return tensor_pow_scalar(x, 3); }
{
    // Sur la solution exacte écrite comme un « réseau », le résidu est nul ; on teste
    // plutôt u(t) = t³ : u'' + mu u' + k u = 6t + 3 mu t² + k t³.
    Tensor *tt = tensor_requires_grad_(tensor_reshape(tensor_linspace(0.1, 0.9, 5), 5, 1), true);
    Module *cube = nn_module("cube", cube_forward, NULL);
    Tensor *r = residu(cube, tt, tensor_scalar(2.0), tensor_scalar(3.0));
    for (int i = 0; i < 5; i++) {
        double t = tensor_get(tt, i, 0);
        assert_close(tensor_get(r, i, 0), 6 * t + 3 * 2 * t * t + 3 * t * t * t, 1e-4, "résidu de u = t³");
    }
}
check_passed("résidu correct (dérivées secondes par autograd)");

// %% [markdown]
// ## La perte d'un PINN
// ### À FAIRE
// La perte d'un PINN additionne l'écart aux observations $(t_i, u_i)$ et, pondérée par
// $\lambda$, la moyenne des carrés du résidu aux points de collocation $t_j$ :
// $$L(\theta) = \frac{1}{N}\sum_{i=1}^{N} \big(u_\theta(t_i) - u_i\big)^2
// + \lambda\,\frac{1}{M}\sum_{j=1}^{M} r_\theta(t_j)^2.$$
// Complétez `perte_pinn` (avec `residu`) ; les expériences (a) et (c) s'en servent.

// %% [solution] id=perte_pinn
Tensor *perte_pinn(Module *m, Tensor *t_obs, Tensor *u_obs, Tensor *t_col, Tensor *mu, Tensor *k, double lambda)
{
    Tensor *perte = nn_mse(nn_forward(m, t_obs), u_obs);
    // ### BEGIN SOLUTION
    Tensor *r = residu(m, t_col, mu, k);
    perte = tensor_add(perte, tensor_mul_scalar(tensor_mean(tensor_square(r)), lambda));
    // ### END SOLUTION
    return perte;
}

// %% [check] id=check_perte_pinn points=1
{
    // u(t) = t³ observée avec un décalage de 0,5 (écart aux données : 0,25), résidu connu.
    Module *cube = nn_module("cube", cube_forward, NULL);
    Tensor *t_o = tensor_reshape(tensor_linspace(0, 1, 4), 4, 1);
    Tensor *u_o = tensor_add_scalar(tensor_pow_scalar(t_o, 3), 0.5);
    Tensor *t_c = tensor_requires_grad_(tensor_reshape(tensor_linspace(0.1, 0.9, 5), 5, 1), true);
    double attendu = 0;
    for (int i = 0; i < 5; i++) {
        double t = 0.1 + 0.2 * i, r = 6 * t + 3 * 2 * t * t + 3 * t * t * t;
        attendu += r * r / 5;
    }
    attendu = 0.25 + 0.01 * attendu;
    double L = tensor_item(perte_pinn(cube, t_o, u_o, t_c, tensor_scalar(2.0), tensor_scalar(3.0), 0.01));
    assert_close(L, attendu, 1e-4 * attendu, "perte du PINN pour u = t³");
}
check_passed("perte du PINN correcte");

// %% [markdown]
// ## (a) Extrapolation : régression pure contre PINN
// On n'observe $u$ que sur $[0, 0{,}35]$. Une régression ajuste ces points mais ne sait rien
// au-delà ; le PINN ajoute le résidu sur des points de collocation répartis sur $[0, 1]$.

// %% [code]
enum { NOBS = 12, NCOL = 30, ETAPES_A = 8000 };
double t_obs[NOBS], u_obs[NOBS];
for (int i = 0; i < NOBS; i++) { t_obs[i] = 0.35 * i / (NOBS - 1); u_obs[i] = exacte(t_obs[i]); }
Tensor *T_obs = tensor_reshape(tensor_to_dtype(tensor_from_f64(t_obs, NOBS), DT_FLOAT32), NOBS, 1);
Tensor *U_obs = tensor_reshape(tensor_to_dtype(tensor_from_f64(u_obs, NOBS), DT_FLOAT32), NOBS, 1);
Tensor *T_col = tensor_requires_grad_(tensor_reshape(tensor_linspace(0, 1, NCOL), NCOL, 1), true);
Tensor *mu_vrai = tensor_scalar(MU), *k_vrai = tensor_scalar(K);

manual_seed(1);
Module *regression = reseau();
Optimizer *opt_r = optim_adam(nn_parameters(regression), .lr = 1e-3);
for (int e = 0; e < ETAPES_A; e++) {
    optim_zero_grad(opt_r);
    Tensor *perte = nn_mse(nn_forward(regression, T_obs), U_obs);
    tensor_backward(perte);
    optim_step(opt_r);
}

manual_seed(1);
Module *pinn_a = reseau();
Optimizer *opt_a = optim_adam(nn_parameters(pinn_a), .lr = 1e-3);
for (int e = 0; e < ETAPES_A; e++) {
    optim_zero_grad(opt_a);
    Tensor *perte = perte_pinn(pinn_a, T_obs, U_obs, T_col, mu_vrai, k_vrai, 1e-4);
    tensor_backward(perte);
    optim_step(opt_a);
    if (e % 1000 == 0)
        printf("étape %4d : perte %.2e\n", e, tensor_item(perte));
}

double u_reg[NT], u_pinn_a[NT];
predire(regression, u_reg);
predire(pinn_a, u_pinn_a);
int debut_extra = (int)(0.4 * (NT - 1));
double err_reg = erreur_relative(u_reg, debut_extra, NT), err_pinn = erreur_relative(u_pinn_a, debut_extra, NT);
printf("erreur relative sur [0,4 ; 1] : régression %.3f, PINN %.3f (%.0f fois plus petite)\n", err_reg, err_pinn, err_reg / err_pinn);

plt_figure(.width = 9, .height = 4);
plt_plot(t_fin, u_exacte, NT, .label = "solution exacte", .color = "gray", .linewidth = 3, .alpha = 0.5);
plt_plot(t_fin, u_reg, NT, .label = "régression pure", .linestyle = "--");
plt_plot(t_fin, u_pinn_a, NT, .label = "PINN");
plt_scatter(t_obs, u_obs, NOBS, .color = "black", .label = "observations", .s = 20);
plt_axvline(0.35, .color = "black", .linestyle = ":");
plt_ylim(-1.2, 1.2);
plt_xlabel("t");
plt_ylabel("u(t)");
plt_title("(a) Extrapolation hors des observations");
plt_legend(.loc = "lower right");
plt_show();

// %% [check] id=check_extrapolation points=1
assert_true(err_pinn * 5 <= err_reg, "le PINN devrait extrapoler au moins 5 fois mieux (erreurs %.3f et %.3f)", err_pinn, err_reg);
check_passed("le PINN extrapole %.0f fois mieux que la régression", err_reg / err_pinn);

// %% [markdown]
// ## (b) Résoudre l'équation par la physique seule
// Aucune observation : seulement les conditions initiales $u(0) = 1$, $\dot u(0) = 0$ et le résidu.

// %% [code]
enum { ETAPES_B = 15000, NCOL_B = 100 };
// Sans données, il faut plus de points de collocation (30 ne suffisent pas toujours).
Tensor *T_col_b = tensor_requires_grad_(tensor_reshape(tensor_linspace(0, 1, NCOL_B), NCOL_B, 1), true);
manual_seed(0);
Module *pinn_b = reseau();
Optimizer *opt_b = optim_adam(nn_parameters(pinn_b), .lr = 1e-3);
Tensor *T0 = tensor_requires_grad_(tensor_zeros(1, 1), true);
for (int e = 0; e < ETAPES_B; e++) {
    optim_zero_grad(opt_b);
    Tensor *u0 = nn_forward(pinn_b, T0);
    Tensor *du0 = autograd_grad(u0, T0, .grad_output = tensor_ones_like(u0), .create_graph = true);
    Tensor *perte_ci = tensor_add(tensor_square(tensor_sub_scalar(u0, 1.0)), tensor_mul_scalar(tensor_square(du0), 1e-1));
    Tensor *perte_physique = tensor_mean(tensor_square(residu(pinn_b, T_col_b, mu_vrai, k_vrai)));
    Tensor *perte = tensor_add(tensor_sum(perte_ci), tensor_mul_scalar(perte_physique, 1e-4));
    tensor_backward(perte);
    optim_step(opt_b);
    if (e % 4000 == 0)
        printf("étape %5d : conditions initiales %.2e, physique %.2e\n", e, tensor_item(tensor_sum(perte_ci)), tensor_item(perte_physique));
}
double u_pinn_b[NT];
predire(pinn_b, u_pinn_b);
double err_b = erreur_relative(u_pinn_b, 0, NT);
printf("erreur relative sur [0, 1] : %.3f\n", err_b);
plt_figure(.width = 9, .height = 4);
plt_plot(t_fin, u_exacte, NT, .label = "solution exacte", .color = "gray", .linewidth = 3, .alpha = 0.5);
plt_plot(t_fin, u_pinn_b, NT, .label = "PINN (physique seule)");
plt_xlabel("t");
plt_ylabel("u(t)");
plt_title("(b) Solution de l'équation sans observation");
plt_legend();
plt_show();

// %% [check] id=check_resolution points=1
assert_true(err_b <= 0.05, "erreur relative %.3f > 5 %%", err_b);
check_passed("équation résolue à %.1f %% près", 100 * err_b);

// %% [markdown]
// ## (c) Identifier les paramètres à partir de mesures bruitées
// $\mu$ et $\omega_0$ (donc $k = \omega_0^2$) deviennent deux paramètres appris, enregistrés
// dans un module écrit ici : le réseau et ses deux scalaires supplémentaires sont optimisés
// ensemble. (Adam déplace chaque paramètre d'environ `lr` par étape : apprendre
// $\omega_0 \approx 20$ plutôt que $k = 400$ garde des paramètres de même ordre de grandeur.)

// %% [code]
enum { NMES = 40, ETAPES_C = 20000 };
Tensor *pinn_forward(Module *self, Tensor *x, void *ctx)
{
    (void)ctx;
    return nn_forward(nn_get_module(self, "u"), x);
}

manual_seed(3);
Module *pinn_c = nn_module("PINN", pinn_forward, NULL);
nn_register_module(pinn_c, "u", reseau());
Tensor *mu_appris = nn_register_parameter(pinn_c, "mu", tensor_scalar(0.0));
Tensor *omega_appris = nn_register_parameter(pinn_c, "omega0", tensor_scalar(15.0));
double t_mes[NMES], u_mes[NMES];
Tensor *bruit = tensor_randn(NMES);
for (int i = 0; i < NMES; i++) {
    t_mes[i] = (double)i / (NMES - 1);
    u_mes[i] = exacte(t_mes[i]) + 0.04 * tensor_get(bruit, i);
}
Tensor *T_mes = tensor_reshape(tensor_to_dtype(tensor_from_f64(t_mes, NMES), DT_FLOAT32), NMES, 1);
Tensor *U_mes = tensor_reshape(tensor_to_dtype(tensor_from_f64(u_mes, NMES), DT_FLOAT32), NMES, 1);
Optimizer *opt_c = optim_adam(nn_parameters(pinn_c), .lr = 1e-3);
double histoire_mu[ETAPES_C / 10], etapes[ETAPES_C / 10];
for (int e = 0; e < ETAPES_C; e++) {
    optim_zero_grad(opt_c);
    Tensor *perte = perte_pinn(pinn_c, T_mes, U_mes, T_col_b, mu_appris, tensor_square(omega_appris), 1e-4);
    tensor_backward(perte);
    optim_step(opt_c);
    if (e % 10 == 0) { histoire_mu[e / 10] = tensor_item(mu_appris); etapes[e / 10] = e; }
}
printf("mu appris %.3f (vrai %.1f), omega0 appris %.2f (vrai %.0f)\n", tensor_item(mu_appris), MU, tensor_item(omega_appris), OMEGA0);
plt_figure(.width = 7, .height = 4);
plt_plot(etapes, histoire_mu, ETAPES_C / 10, .label = "μ appris");
plt_axhline(MU, .color = "black", .linestyle = "--", .label = "μ vrai");
plt_xlabel("étape");
plt_ylabel("μ");
plt_title("(c) Identification du coefficient d'amortissement");
plt_legend();
plt_show();

// %% [check] id=check_identification points=1
double ecart_mu = fabs(tensor_item(mu_appris) - MU) / MU;
assert_true(ecart_mu <= 0.05, "μ appris %.3f s'écarte de %.1f %% de la vraie valeur %.1f", tensor_item(mu_appris), 100 * ecart_mu, MU);
check_passed("amortissement retrouvé à %.1f %% près", 100 * ecart_mu);

// %% [markdown]
// **À retenir** : la physique sert de régularisation (a), peut remplacer les données (b) et
// permet d'apprendre les paramètres inconnus d'un modèle (c).
