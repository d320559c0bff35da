// %% [markdown]
// # TP Keras — Exercice 1 : reconnaître des chiffres manuscrits (MNIST)
//
// L'**apprentissage profond** empile des couches de neurones : chacune transforme la
// représentation qu'elle reçoit, et le réseau apprend seul, à partir d'exemples, les règles
// qu'on ne saurait pas écrire à la main (reconnaître un chiffre, une voix, un visage…).
//
// | notion | en deux mots |
// |---|---|
// | neurone | somme pondérée de ses entrées, puis une fonction d'activation |
// | couche | un ensemble de neurones qui traitent la même entrée |
// | activation | une non-linéarité (ReLU, sigmoïde, softmax) : sans elle, le réseau reste linéaire |
// | fonction de perte | mesure l'écart entre prédiction et vérité ; on cherche à la minimiser |
// | optimiseur | règle de mise à jour des poids à partir du gradient (SGD, Adam, RMSprop…) |
// | époque | un passage complet sur le jeu d'entraînement |
// | lot (*batch*) | les quelques exemples traités ensemble à chaque pas de gradient |
// | rétropropagation | le calcul du gradient de la perte par rapport à chaque poids |
//
// Le sujet original utilise **TensorFlow** (le moteur de calcul : tenseurs, gradients, CPU ou
// GPU) et **Keras** (l'interface de haut niveau : `Sequential`, `Dense`, `compile`, `fit`).
// Ici, le moteur est la bibliothèque C `libcoursdl`, et son interface « à la Keras » garde les
// mêmes noms et les mêmes sens : chaque ligne Python du sujet devient une ligne C, rappelée en
// commentaire au-dessus.
//
// Étapes : charger et explorer les données ; normaliser et visualiser ; construire et compiler
// un réseau dense ; l'entraîner et l'évaluer ; tracer les courbes d'apprentissage et regarder
// quelques prédictions.

// %% [markdown]
// ## 1. Les bibliothèques
// En Python, on importerait `tensorflow`, `matplotlib` et `numpy`. En C, le noyau inclut déjà le
// moteur (`coursdl.h` : tenseurs, couches, entraînement) et ses tracés (`plt_*`, calqués sur
// matplotlib) : il n'y a rien à importer. L'équivalent de `tf.__version__` :

// %% [code]
printf("libcoursdl version : %s\n", coursdl_version());

// %% [markdown]
// **Questions.** 1. Quelle est la différence entre TensorFlow et Keras ? 2. À quoi sert la
// couche `Flatten` ? 3. Quelle version est installée ? 4. À quoi servent `Sequential` et `Dense` ?

// %% [answer] id=q_bibliotheques points=1
// 1. TensorFlow est le moteur : il stocke les tenseurs, enchaîne les calculs sur CPU ou GPU et
//    calcule les gradients. Keras est une interface de haut niveau posée dessus, qui décrit un
//    modèle en quelques lignes et cache la boucle d'entraînement. Ici : `libcoursdl` et ses
//    fonctions `nn_compile` / `nn_fit`.
// 2. `Flatten` met une image 28 × 28 « à plat » en un vecteur de 784 valeurs, la seule forme
//    qu'accepte une couche dense. Elle n'a aucun paramètre.
// 3. Celle qu'affiche la cellule ci-dessus (`coursdl_version()`, comme `tf.__version__`).
// 4. `Sequential` empile des couches qui s'appliquent l'une après l'autre ; `Dense` est une
//    couche entièrement connectée (`nn_linear` ici) : chaque sortie est une somme pondérée de
//    toutes les entrées, plus un biais.

// %% [markdown]
// ## 2. Charger et préparer les données
// MNIST compte 70 000 images de chiffres manuscrits (28 × 28 pixels, niveaux de gris, valeurs
// entières de 0 à 255) : 60 000 pour l'entraînement, 10 000 pour le test. Pour que le TP tourne
// en quelques secondes sur un processeur, ce notebook utilise un **extrait** de 8 000 images
// d'entraînement et 2 000 de test ; si les fichiers complets sont présents (là où Keras les
// range, `~/.keras/datasets/mnist.npz`, ou dans `$COURSDL_DATA`), le même code les prend tels
// quels.
//
// `.raw = true` garde les pixels bruts (des octets, comme `mnist.load_data()`) ; `tensor_reshape`
// retire l'axe du canal pour obtenir, comme Keras, des images de forme (28, 28).

// %% [code]
// (x_train, y_train), (x_test, y_test) = mnist.load_data()
Dataset *train = datasets_mnist(NULL, true, .raw = true), *test = datasets_mnist(NULL, false, .raw = true);
Tensor *x_train_brut = tensor_reshape(data_x(train), -1, 28, 28), *y_train = data_y(train);
Tensor *x_test_brut = tensor_reshape(data_x(test), -1, 28, 28), *y_test = data_y(test);
printf("x_train_brut : %s, %s, pixels de %g à %g\n", tensor_shape_str(x_train_brut), dtype_name(tensor_dtype(x_train_brut)),
       tensor_item(tensor_min(x_train_brut)), tensor_item(tensor_max(x_train_brut)));

// %% [markdown]
// ### À FAIRE : la normalisation
// Ramenez les pixels dans $[0, 1]$ en divisant par 255 (`x_train = x_train / 255.0`) :
// `tensor_div_scalar` rend un nouveau tenseur de flottants.

// %% [solution] id=normalisation
Tensor *x_train = x_train_brut, *x_test = x_test_brut;
// ### BEGIN SOLUTION
x_train = tensor_div_scalar(x_train_brut, 255.0);
x_test = tensor_div_scalar(x_test_brut, 255.0);
// ### END SOLUTION
printf("x_train shape: %s\n", tensor_shape_str(x_train));
printf("y_train shape: %s\n", tensor_shape_str(y_train));

// %% [check] id=check_normalisation points=1
assert_true(tensor_dtype(x_train) == DT_FLOAT32 && tensor_dtype(x_test) == DT_FLOAT32,
            "les images normalisées sont des flottants (float32), pas %s", dtype_name(tensor_dtype(x_train)));
assert_true(tensor_ndim(x_train) == 3 && tensor_size(x_train, 1) == 28 && tensor_size(x_train, 2) == 28
            && tensor_size(x_train, 0) == tensor_size(y_train, 0), "x_train doit rester de forme (N, 28, 28), pas %s",
            tensor_shape_str(x_train));
assert_close(tensor_item(tensor_max(x_train)), 1.0, 1e-6, "le plus grand pixel de x_train");
assert_close(tensor_item(tensor_min(x_test)), 0.0, 1e-6, "le plus petit pixel de x_test");
assert_close(tensor_get(x_train, 0, 14, 14), tensor_get(x_train_brut, 0, 14, 14) / 255.0, 1e-6, "le pixel (14, 14) de la 1re image");
check_passed("%lld images d'entraînement et %lld de test, pixels dans [0, 1]", (long long)tensor_size(x_train, 0),
             (long long)tensor_size(x_test, 0));

// %% [markdown]
// **Questions.** 1. Pourquoi normalise-t-on les pixels ? 2. Quelle est la taille d'une image et
// son type ? 3. Combien d'exemples contient le jeu d'entraînement ?

// %% [answer] id=q_donnees points=1
// 1. Des entrées de l'ordre de 1 donnent des sommes pondérées d'ordre raisonnable à
//    l'initialisation : les activations ne saturent pas, les gradients ont une échelle stable
//    et un même taux d'apprentissage convient à toutes les couches. L'optimisation converge
//    plus vite. Des valeurs de 0 à 255 feraient exploser les premières sorties.
// 2. 28 × 28 pixels, un seul canal (niveaux de gris) ; des octets (uint8, 0 à 255) au
//    chargement, des float32 dans $[0, 1]$ après normalisation.
// 3. 60 000 dans MNIST complet ; 8 000 dans l'extrait utilisé ici (la première dimension de
//    `x_train`).

// %% [markdown]
// ## 3. Regarder les données
// Avant d'entraîner quoi que ce soit, on vérifie que les images et les étiquettes
// correspondent. Chaque `plt_subplot(2, 5, i + 1)` choisit une case d'une grille 2 × 5.

// %% [code]
// plt.figure(figsize=(8,3)); for i in range(10): plt.subplot(2,5,i+1); plt.imshow(x_train[i], cmap='gray') ...
plt_figure(.width = 8, .height = 3);
for (int i = 0; i < 10; i++) {
    char titre[32];
    plt_subplot(2, 5, i + 1);
    plt_imshow(tensor_select(x_train, 0, i), 0, 0, .cmap = "gray");
    snprintf(titre, sizeof titre, "Label: %d", (int)tensor_get(y_train, i));
    plt_title(titre);
    plt_axis("off");
}
plt_tight_layout();
plt_show();

// %% [markdown]
// **À faire** : lisez les chiffres affichés et vérifiez que chaque étiquette correspond.
//
// **Questions.** 1. Quelle commande change le nombre d'images affichées ? 2. Que veut dire
// `.cmap = "gray"` ? 3. À quoi sert cette étape dans un projet d'IA ?

// %% [answer] id=q_visualisation points=1
// 1. La borne de la boucle (`i < 10`) et la grille `plt_subplot(2, 5, …)`, qu'il faut agrandir
//    en même temps (`plt_subplot(3, 5, …)` pour 15 images).
// 2. La palette de couleurs : chaque valeur est affichée en niveau de gris, du noir (0) au
//    blanc (1). Sans elle, on aurait la palette par défaut (viridis, du violet au jaune).
// 3. Vérifier les données avant d'y passer du temps de calcul : des étiquettes décalées, des
//    images mal orientées, mal normalisées ou vides se voient tout de suite, alors qu'elles
//    donneraient seulement un modèle mauvais sans dire pourquoi.

// %% [markdown]
// ## 4. Le modèle
// Le modèle séquentiel est une pile de couches :
// 1. `nn_input(28, 28)` : la forme d'une entrée (`Input(shape=(28, 28))`) ;
// 2. `nn_flatten()` : l'image devient un vecteur de 784 valeurs (`Flatten()`) ;
// 3. `nn_linear(0, 128), nn_relu()` : une couche cachée de 128 neurones, activation ReLU
//    (`Dense(128, activation='relu')`). Le 0 dit « taille d'entrée déduite », comme Keras ;
// 4. `nn_linear(0, 10), nn_softmax(1)` : 10 sorties, une probabilité par chiffre
//    (`Dense(10, activation='softmax')`).
//
// ### À FAIRE
// Écrivez le modèle, puis affichez son résumé (`nn_summary(model)`, l'équivalent de
// `model.summary()`).

// %% [solution] id=modele
manual_seed(42);
Module *model = NULL;
// ### BEGIN SOLUTION
// model = Sequential([Input(shape=(28, 28)), Flatten(), Dense(128, activation='relu'), Dense(10, activation='softmax')])
model = nn_sequential(nn_input(28, 28), nn_flatten(),
                      nn_linear(0, 128), nn_relu(),
                      nn_linear(0, 10), nn_softmax(1));
// ### END SOLUTION
if (model == NULL)   // rien d'écrit encore : un modèle minimal, pour que la suite du notebook tourne
    model = nn_sequential(nn_input(28, 28), nn_flatten(), nn_linear(0, 10), nn_softmax(1));
nn_summary(model);

// %% [check] id=check_modele points=1
{
    int64_t n_params = nn_num_parameters(model, false);
    assert_true(n_params == 101770, "le modèle du sujet a 101 770 paramètres (784 x 128 + 128 + 128 x 10 + 10), pas %lld",
                (long long)n_params);
    Tensor *p = nn_predict(model, tensor_rand(5, 28, 28));
    assert_true(tensor_ndim(p) == 2 && tensor_size(p, 0) == 5 && tensor_size(p, 1) == 10,
                "pour 5 images, la sortie doit avoir la forme (5, 10), pas %s", tensor_shape_str(p));
    assert_true(tensor_allclose(tensor_sum_dim(p, 1, false), tensor_ones(5), 1e-5, 1e-5),
                "chaque ligne de sortie est une distribution de probabilité (softmax) : sa somme vaut 1");
    assert_true(tensor_item(tensor_min(p)) >= 0, "des probabilités ne sont pas négatives");
}
check_passed("101 770 paramètres, 10 probabilités par image");

// %% [markdown]
// **Questions.** 1. Combien de paramètres le modèle a-t-il ? 2. Quelle activation en sortie,
// et pourquoi ? 3. Quelle différence entre ReLU et softmax ?

// %% [answer] id=q_modele points=1
// 1. 101 770 : la couche cachée a 784 × 128 poids et 128 biais (100 480), la couche de sortie
//    128 × 10 poids et 10 biais (1 290). `Flatten` et les activations n'en ont aucun.
// 2. Softmax : elle transforme les 10 scores en probabilités positives de somme 1, une par
//    chiffre ; la classe prédite est la plus probable, et l'entropie croisée compare cette
//    distribution à la vraie classe.
// 3. ReLU agit sur chaque neurone séparément ($\max(0, x)$) : c'est la non-linéarité des
//    couches cachées. Softmax agit sur tout le vecteur de sortie ($e^{z_k} / \sum_j e^{z_j}$) :
//    elle normalise les scores en une distribution de probabilité, d'où sa place en sortie.

// %% [markdown]
// ## 5. Compiler, 6. entraîner
// `nn_compile` choisit l'optimiseur (Adam), la perte (entropie croisée « sparse » : les
// étiquettes sont des entiers 0–9, pas des vecteurs one-hot) et la métrique suivie
// (l'exactitude, *accuracy*). `nn_fit` fait ensuite 5 époques par lots de 32, en mesurant
// à chaque époque la perte et l'exactitude sur les données de test (`validation_data`).
//
// ### À FAIRE
// Dans `compiler_et_entrainer`, compilez le modèle et entraînez-le comme dans le sujet ;
// renvoyez l'historique (`History *`). La cellule suivante l'appelle.

// %% [solution] id=entrainement
History *compiler_et_entrainer(Module *model, Tensor *x_train, Tensor *y_train, Tensor *x_test, Tensor *y_test)
{
    History *history = NULL;
    // ### BEGIN SOLUTION
    // model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])
    nn_compile(model, .optimizer = "adam", .loss = "sparse_categorical_crossentropy", .metrics = "accuracy");
    // history = model.fit(x_train, y_train, epochs=5, batch_size=32, validation_data=(x_test, y_test))
    history = nn_fit(model, .x = x_train, .y = y_train, .epochs = 5, .batch_size = 32,
                     .val_x = x_test, .val_y = y_test);
    // ### END SOLUTION
    return history;
}

// %% [code]
History *history = compiler_et_entrainer(model, x_train, y_train, x_test, y_test);
if (history == NULL)   // pas encore d'entraînement : une époque muette, pour que la suite du notebook tourne
    history = nn_fit(model, .x = x_train, .y = y_train, .epochs = 1, .metrics = "accuracy", .verbose = 0);

// %% [check] id=check_entrainement points=2
{
    const double *acc = history_get(history, "accuracy"), *val = history_get(history, "val_accuracy");
    assert_true(history_epochs(history) == 5, "5 époques attendues, pas %d", history_epochs(history));
    assert_true(val != NULL, "l'historique n'a pas de val_accuracy : passez .val_x = x_test, .val_y = y_test");
    assert_true(acc[4] > acc[0], "l'exactitude d'entraînement devrait augmenter (%.3f puis %.3f)", acc[0], acc[4]);
    assert_true(history_last(history, "loss") < 0.6 * history_get(history, "loss")[0],
                "la perte devrait baisser nettement en 5 époques (%.3f puis %.3f)", history_get(history, "loss")[0],
                history_last(history, "loss"));
    assert_true(val[4] >= 0.92, "exactitude de validation %.3f après 5 époques (0,92 attendu au moins)", val[4]);
}
check_passed("exactitude d'entraînement %.3f, de validation %.3f", history_last(history, "accuracy"),
             history_last(history, "val_accuracy"));

// %% [markdown]
// **À observer** : l'exactitude d'entraînement augmente-t-elle ? Celle de validation suit-elle ?
//
// **Questions.** 1. Que représente une époque ? 2. Pourquoi un jeu de validation ? 3. Que se
// passerait-il avec 50 époques ?

// %% [answer] id=q_entrainement points=1
// 1. Un passage complet sur les exemples d'entraînement : ici 8 000 images par lots de 32,
//    soit 250 pas de gradient par époque.
// 2. Pour mesurer ce que le modèle fait sur des images qu'il n'a pas apprises : la perte
//    d'entraînement seule ne dit pas s'il généralise ou s'il apprend par cœur. On s'en sert
//    pour choisir le nombre d'époques et les hyperparamètres.
// 3. L'exactitude d'entraînement approcherait 100 % ; celle de validation plafonnerait puis
//    baisserait un peu, et la perte de validation remonterait : c'est le surapprentissage.
//    L'arrêt précoce (`callbacks_early_stopping`) arrête l'entraînement au bon moment.

// %% [markdown]
// ## 7. Évaluer sur des images jamais vues
// ### À FAIRE
// Dans `evaluer`, évaluez le modèle sur le test (`model.evaluate(x_test, y_test)`) et renvoyez
// le résultat (un `Evaluation *`, de champs `loss` et `accuracy`).

// %% [solution] id=evaluation
Evaluation *evaluer(Module *model, Tensor *x_test, Tensor *y_test)
{
    Evaluation *evaluation = NULL;
    // ### BEGIN SOLUTION
    // test_loss, test_acc = model.evaluate(x_test, y_test)
    evaluation = nn_evaluate(model, .x = x_test, .y = y_test);
    // ### END SOLUTION
    return evaluation;
}

// %% [code]
Evaluation *evaluation = evaluer(model, x_test, y_test);
if (evaluation != NULL) {
    printf("Test accuracy: %.4f\n", evaluation->accuracy);
    printf("Test loss: %.4f\n", evaluation->loss);
}

// %% [check] id=check_evaluation points=1
assert_true(evaluation != NULL, "evaluation est vide : appelez nn_evaluate");
assert_true(evaluation->samples == tensor_size(x_test, 0), "l'évaluation doit porter sur les %lld images de test, pas %lld",
            (long long)tensor_size(x_test, 0), (long long)evaluation->samples);
assert_close(evaluation->accuracy, history_last(history, "val_accuracy"), 1e-6,
             "l'exactitude de test (égale à la dernière val_accuracy : mêmes images)");
assert_true(evaluation->accuracy >= 0.92, "exactitude de test %.3f (0,92 attendu au moins)", evaluation->accuracy);
check_passed("%.1f %% des chiffres de test reconnus", 100 * evaluation->accuracy);

// %% [markdown]
// **Questions.** 1. Quelle est la précision finale ? 2. Pourquoi la précision de test est-elle
// souvent inférieure à celle d'entraînement ? 3. Que faire si le modèle surapprend ?

// %% [answer] id=q_evaluation points=1
// 1. Autour de 93 % sur l'extrait (8 000 images d'entraînement) ; environ 97,5 % avec
//    les 60 000 images de MNIST complet.
// 2. Les poids ont été ajustés pour les images d'entraînement : le modèle en a retenu des
//    particularités qui ne se retrouvent pas dans des images neuves. L'écart mesure ce défaut
//    de généralisation.
// 3. Plus de données (ou de l'augmentation de données), un modèle plus petit, du *dropout*, une
//    régularisation des poids (L2), et l'arrêt précoce sur la perte de validation.

// %% [markdown]
// ## 8. Les courbes d'apprentissage
// `history_get(history, "accuracy")` est le tableau des exactitudes par époque
// (`history.history['accuracy']`).

// %% [code]
// plt.plot(history.history['accuracy'], label='Précision entraînement') ...
plt_figure(.width = 8, .height = 4);
plt_plot(NULL, history_get(history, "accuracy"), history_epochs(history), .label = "Précision entraînement");
if (history_get(history, "val_accuracy"))
    plt_plot(NULL, history_get(history, "val_accuracy"), history_epochs(history), .label = "Précision validation");
plt_title("Courbe de précision");
plt_xlabel("Époques");
plt_ylabel("Accuracy");
plt_legend();
plt_grid(true);
plt_show();

// %% [markdown]
// Le rapport demande aussi la perte : `plt_history_of` trace côte à côte la perte et
// l'exactitude, entraînement et validation.

// %% [code]
plt_history_of(history);
plt_show();

// %% [markdown]
// **Questions.** 1. Que remarquez-vous sur les deux courbes ? 2. Comment voir un
// surapprentissage ? 3. Comment y remédier ? 4. Que faire si les courbes divergent ?

// %% [answer] id=q_courbes points=1
// 1. Les deux montent vite puis s'aplatissent ; l'exactitude d'entraînement passe au-dessus de
//    celle de validation dès la 2e ou 3e époque, et l'écart se creuse lentement.
// 2. La courbe d'entraînement continue de monter (sa perte de baisser) pendant que celle de
//    validation stagne ou se dégrade : l'écart entre les deux grandit.
// 3. Arrêter plus tôt (arrêt précoce), ajouter du dropout ou une régularisation L2, augmenter
//    les données, réduire la taille du modèle.
// 4. Arrêter l'entraînement à l'époque où la validation était la meilleure (en gardant ces
//    poids-là), puis régulariser ; si la validation est mauvaise dès le début, vérifier que
//    les deux jeux sont préparés de la même façon (même normalisation).

// %% [markdown]
// ## 9. Quelques prédictions
// `nn_predict` rend, pour chaque image, les 10 probabilités ; la classe prédite est celle de
// la plus grande (`np.argmax(predictions[i])`, ici `tensor_argmax_dim(predictions, 1, false)`).
//
// ### À FAIRE
// Complétez `chiffres_predits` : pour une matrice de probabilités (une ligne par image), le
// tenseur des classes prédites (int64, une par image).

// %% [solution] id=predictions
Tensor *chiffres_predits(Tensor *predictions)
{
    Tensor *predits = NULL;
    // ### BEGIN SOLUTION
    // np.argmax(predictions, axis=1)
    predits = tensor_argmax_dim(predictions, 1, false);
    // ### END SOLUTION
    return predits;
}

// %% [code]
// predictions = model.predict(x_test)
Tensor *predictions = nn_predict(model, x_test);
Tensor *predits = chiffres_predits(predictions);
if (predits == NULL)   // rien d'écrit : tout prédire « 0 », pour que les figures s'affichent
    predits = tensor_zeros_dtype(DT_INT64, tensor_size(x_test, 0));

// %% [code]
plt_figure(.width = 10, .height = 4);
for (int i = 0; i < 5; i++) {
    char titre[48];
    plt_subplot(1, 5, i + 1);
    plt_imshow(tensor_select(x_test, 0, i), 0, 0, .cmap = "gray");
    snprintf(titre, sizeof titre, "Vrai: %d\nPrédit: %d", (int)tensor_get(y_test, i), (int)tensor_get(predits, i));
    plt_title(titre);
    plt_axis("off");
}
plt_tight_layout();
plt_show();

// %% [markdown]
// Les erreurs sont plus instructives que les réussites : voici les premières images de test
// mal classées.

// %% [code]
Tensor *erreurs = tensor_squeeze_dim(tensor_nonzero(tensor_ne(predits, y_test)), 1);
int n_erreurs = (int)tensor_size(erreurs, 0), montrees = n_erreurs < 10 ? n_erreurs : 10;
printf("%d erreurs sur %lld images de test\n", n_erreurs, (long long)tensor_size(y_test, 0));
if (montrees > 0) {
    char titres_err[10][48];
    const char *titres[10];
    for (int k = 0; k < montrees; k++) {
        int64_t i = (int64_t)tensor_get(erreurs, k);
        snprintf(titres_err[k], sizeof titres_err[k], "Vrai: %d\nPrédit: %d", (int)tensor_get(y_test, i),
                 (int)tensor_get(predits, i));
        titres[k] = titres_err[k];
    }
    plt_images(tensor_index_select(x_test, 0, tensor_narrow(erreurs, 0, 0, montrees)), montrees, 0, 0, .ncols = 5,
               .titles = titres, .size = 1.8);
    plt_show();
}

// %% [check] id=check_predictions points=1
{
    float p[3][4] = { { 0.1f, 0.7f, 0.1f, 0.1f }, { 0.4f, 0.1f, 0.1f, 0.4f - 1e-3f }, { 0, 0, 0, 1 } };
    Tensor *essai = chiffres_predits(tensor_from_f32(&p[0][0], 3, 4));
    assert_true(essai != NULL && tensor_ndim(essai) == 1 && tensor_size(essai, 0) == 3,
                "chiffres_predits d'une matrice 3 x 4 : 3 classes attendues");
    assert_true(tensor_get(essai, 0) == 1 && tensor_get(essai, 1) == 0 && tensor_get(essai, 2) == 3,
                "chiffres_predits : la classe de plus grande probabilité (1, 0, 3 attendus)");
}
assert_true(tensor_ndim(predits) == 1 && tensor_size(predits, 0) == tensor_size(y_test, 0),
            "predits : un chiffre par image de test, pas %s", tensor_shape_str(predits));
assert_close(metrics_accuracy(y_test, predits), evaluation->accuracy, 1e-6,
             "la part de chiffres bien prédits (égale à l'exactitude de nn_evaluate)");
check_passed("les prédictions donnent la même exactitude que l'évaluation : %.1f %%", 100 * metrics_accuracy(y_test, predits));

// %% [markdown]
// **Questions.** 1. Le modèle se trompe-t-il ? Sur quelles images ? 2. Comment expliquer une
// erreur ? 3. Quelle technique améliorerait la précision ?

// %% [answer] id=q_predictions points=1
// 1. Oui, sur quelques pour cent des images : des chiffres mal écrits, épais ou penchés, ou
//    ambigus même pour un humain (un 4 ouvert pris pour un 9, un 7 pour un 1, un 5 pour un 3).
// 2. Le réseau dense compare les pixels un à un à ce qu'il a appris : un chiffre décalé de
//    quelques pixels, plus gros ou plus fin que d'habitude, ne ressemble plus aux exemples,
//    car rien dans le modèle ne sait qu'un motif déplacé reste le même motif.
// 3. Un réseau convolutif (CNN), dont les filtres partagés reconnaissent un motif où qu'il
//    soit ; plus de données ou de l'augmentation (rotations, décalages) ; plus d'époques avec
//    de la régularisation.

// %% [markdown]
// ## Travail demandé pour le rapport
// 1. le code complet du TP ; 2. les courbes de précision et de perte ; 3. la précision finale ;
// 4. une analyse personnelle de 5 à 10 lignes : interprétation, difficultés, pistes
// d'amélioration (plus de couches, autre activation, autre architecture, autres
// hyperparamètres…).

// %% [answer] id=analyse points=2
// Le réseau dense atteint environ 93 % sur les images de test de l'extrait après 5
// époques, en quelques secondes de calcul. L'exactitude d'entraînement dépasse celle de test
// dès la deuxième époque : avec 8 000 images seulement et 100 000 paramètres, le modèle commence
// à apprendre ses exemples par cœur. Les erreurs portent sur des chiffres mal écrits ou
// décalés. Pistes : toutes les 60 000 images (environ 97,5 %), du dropout après la couche
// cachée, un arrêt précoce sur la perte de validation, et surtout un réseau convolutif, qui
// dépasse 99 % sur MNIST.
