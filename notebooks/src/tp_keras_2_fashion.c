// %% [markdown]
// # TP Keras — Exercice 2 : classer des vêtements (Fashion-MNIST)
//
// Fashion-MNIST a la forme de MNIST (des images 28 × 28 en niveaux de gris, 10 classes,
// 60 000 pour l'entraînement et 10 000 pour le test), mais montre des vêtements : t-shirt,
// pantalon, pull, robe, manteau, sandale, chemise, basket, sac, bottine. Il est nettement plus
// difficile : un pull, un manteau et une chemise se ressemblent beaucoup à cette résolution.
//
// Au programme, comme dans le sujet : explorer les données, les préparer ; un réseau dense
// (ANN) avec *dropout* ; comparer quatre fonctions d'activation ; un réseau **convolutif**
// (CNN) ; la matrice de confusion ; l'augmentation de données. Le code Keras du sujet est
// rappelé en commentaire au-dessus de chaque ligne C.
//
// **Temps de calcul.** Tout tourne sur le processeur. Pour tenir en une minute environ, trois
// réglages diffèrent du sujet, et le texte le rappelle à chaque fois : la comparaison des
// activations utilise 15 000 images ; le CNN s'entraîne 4 époques au lieu de 10, sur des
// pixels centrés-réduits, avec un taux d'apprentissage double puis réduit pour la dernière
// époque ; l'augmentation fait une époque sur
// 6 000 images. Avec les réglages du sujet, le code est le même (changez les constantes).

// %% [code]
// tf.random.set_seed(42)
manual_seed(42);
// (X_train, y_train), (X_test, y_test) = fashion_mnist.load_data()
Dataset *fashion_train = datasets_fashion_mnist(NULL, true, .raw = true);
Dataset *fashion_test = datasets_fashion_mnist(NULL, false, .raw = true);
Tensor *X_train_brut = tensor_reshape(data_x(fashion_train), -1, 28, 28), *y_train = data_y(fashion_train);
Tensor *X_test_brut = tensor_reshape(data_x(fashion_test), -1, 28, 28), *y_test = data_y(fashion_test);
enum { N_CLASSES = 10 };
// Les noms des classes (data_class_names(fashion_train) les donne en anglais : "T-shirt/top"...).
const char *classes[N_CLASSES] = { "T-shirt", "Pantalon", "Pull", "Robe", "Manteau",
                                   "Sandale", "Chemise", "Basket", "Sac", "Bottine" };

// Keras initialise les poids des couches Dense et Conv2D par la loi uniforme de Glorot (ou
// Xavier, de variance 2 / (entrées + sorties)) et les biais à zéro ; PyTorch, et le moteur par
// défaut, utilisent une loi de Kaiming plus étroite. Pour suivre le sujet, chaque modèle de ce
// notebook est initialisé comme Keras le ferait.
void init_glorot(Module *couche, void *ctx)
{
    (void)ctx;
    if (!strcmp(nn_type(couche), "Linear") || !strcmp(nn_type(couche), "Conv2d")) {
        nn_init_xavier_uniform(nn_get_parameter(couche, "weight"));
        nn_init_zeros(nn_get_parameter(couche, "bias"));
    }
}
Module *initialiser_comme_keras(Module *model)
{
    nn_apply(model, init_glorot, NULL);
    return model;
}

// %% [markdown]
// ## Étape 1 — Explorer les données
// ### A. Dimensions et types

// %% [code]
printf("Dimensions du train set : %s (%s)\n", tensor_shape_str(X_train_brut), dtype_name(tensor_dtype(X_train_brut)));
printf("Dimensions du test set : %s\n", tensor_shape_str(X_test_brut));
Tensor *effectifs = tensor_bincount(y_train);
printf("Images par classe :");
for (int c = 0; c < N_CLASSES; c++) printf(" %s %lld%s", classes[c], (long long)tensor_get(effectifs, c), c < 9 ? "," : "\n");

// %% [markdown]
// ### B. Quelques exemples

// %% [code]
// plt.figure(figsize=(8, 8)); for i in range(9): plt.subplot(3, 3, i + 1); plt.imshow(X_train[i], cmap='gray') ...
plt_figure(.width = 8, .height = 8);
for (int i = 0; i < 9; i++) {
    char titre[48];
    int c = (int)tensor_get(y_train, i);
    plt_subplot(3, 3, i + 1);
    plt_imshow(tensor_select(X_train_brut, 0, i), 0, 0, .cmap = "gray");
    snprintf(titre, sizeof titre, "Label : %d (%s)", c, classes[c]);
    plt_title(titre);
    plt_axis("off");
}
plt_show();

// %% [markdown]
// **Question.** Que remarquez-vous sur la nature des données et la taille des images ?

// %% [answer] id=q_exploration points=1
// Ce sont de petites photos (28 × 28, un seul canal de gris, pixels entiers de 0 à 255) de
// vêtements centrés sur fond noir. Les classes sont équilibrées (6 000 images chacune). À
// cette résolution, seule la silhouette et quelques textures restent : un pull, un manteau et
// une chemise ont presque la même forme, ce qui rend la tâche plus dure que MNIST.

// %% [markdown]
// ## Étape 2 — Préparer les données
// Les pixels passent en flottants dans $[0, 1]$, et chaque étiquette $c$ devient un vecteur
// **one-hot** de 10 valeurs, nul partout sauf un 1 en position $c$ (ce qu'attend la perte
// `"categorical_crossentropy"`).
//
// ### À FAIRE
// Complétez `normaliser` (`X.astype('float32') / 255.0`) et `encoder_one_hot`
// (`to_categorical(y, 10)` : `tensor_to_categorical`).

// %% [solution] id=pretraitement
Tensor *normaliser(Tensor *X)
{
    Tensor *resultat = tensor_float(X);   // des flottants, mais pas encore dans [0, 1]
    // ### BEGIN SOLUTION
    resultat = tensor_div_scalar(tensor_float(X), 255.0);
    // ### END SOLUTION
    return resultat;
}

Tensor *encoder_one_hot(Tensor *y)
{
    Tensor *resultat = tensor_zeros(tensor_size(y, 0), N_CLASSES);   // la bonne forme, mais vide
    // ### BEGIN SOLUTION
    resultat = tensor_to_categorical(y, N_CLASSES);
    // ### END SOLUTION
    return resultat;
}

// %% [check] id=check_pretraitement points=1
{
    uint8_t pixels[4] = { 0, 51, 255, 102 };
    Tensor *x = normaliser(tensor_to_dtype(tensor_from_f32(((float[]){ 0, 51, 255, 102 }), 2, 2), DT_UINT8));
    assert_true(tensor_dtype(x) == DT_FLOAT32, "normaliser doit rendre des float32, pas %s", dtype_name(tensor_dtype(x)));
    for (int i = 0; i < 4; i++)
        assert_close(tensor_get(x, i / 2, i % 2), pixels[i] / 255.0, 1e-6, "un pixel normalisé");
    Tensor *y = tensor_from_i64(((int64_t[]){ 3, 0, 9 }), 3);
    Tensor *oh = encoder_one_hot(y);
    assert_true(tensor_ndim(oh) == 2 && tensor_size(oh, 0) == 3 && tensor_size(oh, 1) == N_CLASSES,
                "3 étiquettes donnent une matrice one-hot (3, 10), pas %s", tensor_shape_str(oh));
    assert_true(tensor_dtype(oh) == DT_FLOAT32, "les vecteurs one-hot sont des float32");
    for (int i = 0; i < 3; i++)
        for (int c = 0; c < N_CLASSES; c++)
            assert_true(tensor_get(oh, i, c) == (c == tensor_get(y, i)), "ligne %d, colonne %d : %g", i, c, tensor_get(oh, i, c));
}
check_passed("pixels dans [0, 1], étiquettes en vecteurs one-hot");

// %% [code]
// X_train = X_train.astype('float32') / 255.0 ; y_train_cat = to_categorical(y_train, 10)
Tensor *X_train = normaliser(X_train_brut), *X_test = normaliser(X_test_brut);
Tensor *y_train_cat = encoder_one_hot(y_train), *y_test_cat = encoder_one_hot(y_test);
printf("X_train %s %s ; y_train_cat %s\n", tensor_shape_str(X_train), dtype_name(tensor_dtype(X_train)),
       tensor_shape_str(y_train_cat));
printf("étiquette %d -> ", (int)tensor_get(y_train, 0));
tensor_print(tensor_select(y_train_cat, 0, 0));

// %% [markdown]
// **Questions.** 1. Pourquoi normaliser les images ? 2. Quelle est l'importance du one-hot
// dans un problème multiclasse ?

// %% [answer] id=q_pretraitement points=1
// 1. Des entrées d'ordre 1 gardent les sommes pondérées et les gradients à une échelle
//    raisonnable dès l'initialisation : l'apprentissage est plus rapide et plus stable, et un
//    même taux d'apprentissage convient à toutes les couches.
// 2. Les classes n'ont pas d'ordre : « bottine » (9) n'est pas « plus grande » que
//    « t-shirt » (0). Le vecteur one-hot décrit la vraie classe comme une distribution de
//    probabilité (tout sur une classe), comparable terme à terme aux 10 probabilités du
//    softmax par l'entropie croisée $-\sum_c t_c \ln p_c$.

// %% [markdown]
// ## Étape 3 — Un réseau dense (ANN)
// Le modèle du sujet : mise à plat, 128 neurones ReLU, *dropout* 0,2 (pendant l'entraînement,
// 20 % des sorties de la couche sont mises à zéro au hasard), 64 neurones ReLU, 10 sorties
// softmax.
//
// ### À FAIRE
// Complétez `creer_ann` (`nn_input`, `nn_flatten`, `nn_linear(0, n)`, `nn_relu`, `nn_dropout`,
// `nn_softmax(1)`).

// %% [solution] id=ann
Module *creer_ann(void)
{
    Module *model = NULL;
    // ### BEGIN SOLUTION
    // Sequential([Input(shape=(28, 28)), Flatten(), Dense(128, activation='relu'), Dropout(0.2),
    //             Dense(64, activation='relu'), Dense(10, activation='softmax')])
    model = nn_sequential(nn_input(28, 28), nn_flatten(),
                          nn_linear(0, 128), nn_relu(), nn_dropout(0.2),
                          nn_linear(0, 64), nn_relu(),
                          nn_linear(0, 10), nn_softmax(1));
    // ### END SOLUTION
    return model;
}

// %% [check] id=check_ann points=1
{
    Module *m = creer_ann();
    assert_true(m != NULL, "creer_ann renvoie NULL");
    assert_true(nn_num_parameters(m, false) == 109386, "l'ANN du sujet a 109 386 paramètres (100 480 + 8 256 + 650), pas %lld",
                (long long)nn_num_parameters(m, false));
    int n_dropout = 0;
    for (int i = 0; i < nn_num_children(m); i++)
        n_dropout += !strcmp(nn_type(nn_child(m, i)), "Dropout");
    assert_true(n_dropout == 1, "un Dropout(0.2) attendu après la première couche cachée");
    nn_eval(m);
    Tensor *p = nn_forward(m, tensor_rand(4, 28, 28));
    assert_true(tensor_size(p, 1) == N_CLASSES && tensor_allclose(tensor_sum_dim(p, 1, false), tensor_ones(4), 1e-5, 1e-5),
                "la sortie : 10 probabilités de somme 1 par image");
}
check_passed("ANN : 109 386 paramètres, dropout, sortie softmax");

// %% [markdown]
// Compilation et entraînement, comme dans le sujet : Adam, entropie croisée catégorielle
// (cibles one-hot), 10 époques par lots de 128 ; les 20 % derniers exemples servent à la
// validation (`validation_split`). Une ligne par époque (`.verbose = 2`).

// %% [code]
Module *model = creer_ann();
if (model == NULL)   // rien d'écrit encore : un modèle minimal, pour que la suite du notebook tourne
    model = nn_sequential(nn_input(28, 28), nn_flatten(), nn_linear(0, 10), nn_softmax(1));
initialiser_comme_keras(model);
nn_summary(model);
// model.compile(optimizer='adam', loss='categorical_crossentropy', metrics=['accuracy'])
nn_compile(model, .optimizer = "adam", .loss = "categorical_crossentropy", .metrics = "accuracy");
// history = model.fit(X_train, y_train_cat, epochs=10, batch_size=128, validation_split=0.2)
History *history = nn_fit(model, .x = X_train, .y = y_train_cat, .epochs = 10, .batch_size = 128,
                          .validation_split = 0.2, .verbose = 2);

// %% [code]
plt_figure(.width = 7, .height = 4.5);
plt_plot(NULL, history_get(history, "accuracy"), history_epochs(history), .label = "Train acc");
plt_plot(NULL, history_get(history, "val_accuracy"), history_epochs(history), .label = "Val acc");
plt_legend();
plt_title("Évolution de la précision (ANN)");
plt_xlabel("Epochs");
plt_ylabel("Accuracy");
plt_show();
// test_loss, test_acc = model.evaluate(X_test, y_test_cat)
Evaluation *eval_ann = nn_evaluate(model, .x = X_test, .y = y_test_cat);
printf("Précision sur le test set : %.4f\n", eval_ann->accuracy);

// %% [check] id=check_ann_entraine points=1
assert_true(nn_num_parameters(model, false) == 109386, "le modèle entraîné doit être l'ANN du sujet");
assert_true(history_epochs(history) == 10 && history_last(history, "loss") < history_get(history, "loss")[0],
            "10 époques, et une perte d'entraînement qui baisse");
assert_true(eval_ann->accuracy >= 0.86, "précision de test de l'ANN : %.3f (0,86 attendu au moins)", eval_ann->accuracy);
check_passed("ANN : %.1f %% de précision sur les 10 000 images de test", 100 * eval_ann->accuracy);

// %% [markdown]
// **Questions.** 1. Pourquoi ReLU ici ? 2. Quelle différence entre `accuracy` et
// `val_accuracy` ? 3. Que se passe-t-il avec 50 époques ?

// %% [answer] id=q_ann points=1
// 1. ReLU ($\max(0, x)$) ne sature pas pour les entrées positives : son gradient y vaut 1, il
//    traverse bien plusieurs couches, et elle ne coûte presque rien à calculer. Les réseaux
//    apprennent plus vite qu'avec une sigmoïde.
// 2. `accuracy` est mesurée sur les images d'entraînement (en moyenne pendant l'époque, avec
//    le dropout actif) ; `val_accuracy` sur les 20 % mis de côté, que le modèle ne voit jamais
//    pendant l'apprentissage : c'est elle qui estime la performance sur des images neuves.
// 3. La précision d'entraînement continue de monter (vers 95 %), celle de validation plafonne
//    autour de 89 % puis baisse légèrement et la perte de validation remonte : le modèle
//    surapprend. Il faut s'arrêter plus tôt (arrêt précoce) ou régulariser davantage.

// %% [markdown]
// ## Étape 4 — Les fonctions d'activation
// On entraîne le même réseau (sans dropout) avec quatre activations dans les couches cachées :
// sigmoïde $\frac{1}{1 + e^{-x}}$, tangente hyperbolique, ReLU et LeakyReLU
// ($x$ si $x > 0$, $0{,}1\,x$ sinon). Pour gagner du temps, chaque modèle voit les **15 000
// premières images** (12 000 pour l'entraînement, 3 000 pour la validation), 5 époques par lots
// de 128, comme dans le sujet.
//
// ### À FAIRE
// Complétez `couche_activation` : la couche qui correspond au nom (`"sigmoid"`, `"tanh"`,
// `"relu"`, `"leaky_relu"` pour `LeakyReLU(0.1)`), et `creer_ann_activation`, le modèle
// Flatten – Dense(128) – activation – Dense(64) – activation – Dense(10, softmax).

// %% [solution] id=activations
Module *couche_activation(const char *nom)
{
    Module *couche = NULL;
    // ### BEGIN SOLUTION
    if (!strcmp(nom, "sigmoid"))
        couche = nn_sigmoid();
    else if (!strcmp(nom, "tanh"))
        couche = nn_tanh();
    else if (!strcmp(nom, "relu"))
        couche = nn_relu();
    else if (!strcmp(nom, "leaky_relu"))
        couche = nn_leaky_relu(0.1);
    // ### END SOLUTION
    return couche;
}

Module *creer_ann_activation(const char *nom)
{
    Module *model = NULL;
    // ### BEGIN SOLUTION
    model = nn_sequential(nn_input(28, 28), nn_flatten(),
                          nn_linear(0, 128), couche_activation(nom),
                          nn_linear(0, 64), couche_activation(nom),
                          nn_linear(0, 10), nn_softmax(1));
    // ### END SOLUTION
    return model;
}

// %% [check] id=check_activations points=1
{
    const char *noms[4] = { "sigmoid", "tanh", "relu", "leaky_relu" };
    double attendu[4] = { 1 / (1 + exp(2.0)), tanh(-2.0), 0, -0.2 };
    for (int k = 0; k < 4; k++) {
        Module *a = couche_activation(noms[k]);
        assert_true(a != NULL, "couche_activation(\"%s\") renvoie NULL", noms[k]);
        assert_close(tensor_item(nn_forward(a, tensor_full(-2.0, 1))), attendu[k], 1e-6, noms[k]);
        Module *m = creer_ann_activation(noms[k]);
        assert_true(m != NULL, "creer_ann_activation(\"%s\") renvoie NULL", noms[k]);
        assert_true(nn_num_parameters(m, false) == 109386, "%s : 109 386 paramètres attendus, pas %lld", noms[k],
                    (long long)nn_num_parameters(m, false));
        int n_act = 0;
        for (int i = 0; i < nn_num_children(m); i++)
            n_act += !strcmp(nn_type(nn_child(m, i)), nn_type(a));
        assert_true(n_act == 2, "%s : deux couches %s attendues (une par couche cachée), %d trouvées", noms[k], nn_type(a), n_act);
    }
}
check_passed("quatre activations, deux couches cachées chacune");

// %% [code]
enum { N_ACTIVATIONS = 4, N_SOUS_ENSEMBLE = 15000 };
const char *noms_activations[N_ACTIVATIONS] = { "sigmoid", "tanh", "relu", "leaky_relu" };
const char *etiquettes_activations[N_ACTIVATIONS] = { "sigmoid", "tanh", "relu", "LeakyReLU" };
double resultats[N_ACTIVATIONS];
Tensor *X_sous = tensor_narrow(X_train, 0, 0, N_SOUS_ENSEMBLE), *y_sous = tensor_narrow(y_train_cat, 0, 0, N_SOUS_ENSEMBLE);
for (int k = 0; k < N_ACTIVATIONS; k++) {
    manual_seed(42);
    Module *model_act = creer_ann_activation(noms_activations[k]);
    if (model_act == NULL) {   // pas encore écrit
        resultats[k] = 0;
        continue;
    }
    initialiser_comme_keras(model_act);
    nn_compile(model_act, .optimizer = "adam", .loss = "categorical_crossentropy", .metrics = "accuracy");
    History *h = nn_fit(model_act, .x = X_sous, .y = y_sous, .epochs = 5, .batch_size = 128, .validation_split = 0.2,
                        .verbose = 0);
    resultats[k] = history_last(h, "val_accuracy");
    printf("%-10s : val_accuracy = %.4f, val_loss = %.4f\n", etiquettes_activations[k], resultats[k], history_last(h, "val_loss"));
}
plt_figure(.width = 7, .height = 4.5);
plt_bar(NULL, resultats, N_ACTIVATIONS, .tick_labels = etiquettes_activations,
        .colors = (const char *[]){ "tab:blue", "tab:orange", "tab:green", "tab:red" });
plt_ylim(0.7, 0.9);
plt_title("Comparaison des fonctions d'activation");
plt_ylabel("Validation Accuracy");
plt_show();

// %% [markdown]
// **Questions.** 1. Quelle activation donne les meilleurs résultats ? 2. Pourquoi la sigmoïde
// et tanh sont-elles moins utilisées dans les couches cachées ? 3. À quoi sert LeakyReLU ?

// %% [answer] id=q_activations points=1
// 1. Sur ce petit essai (5 époques, 12 000 images), ReLU, LeakyReLU et tanh sont proches (à
//    quelques dixièmes de point, et l'ordre change d'un tirage à l'autre) ; la sigmoïde est
//    derrière, elle apprend plus lentement. Sur les 60 000 images, ReLU et LeakyReLU passent
//    devant, et l'écart grandit avec la profondeur du réseau.
// 2. Elles saturent : pour des entrées grandes en valeur absolue, leur dérivée est presque
//    nulle, et le gradient s'évanouit en traversant les couches. La dérivée de la sigmoïde ne
//    dépasse pas 1/4, et ses sorties ne sont pas centrées en 0 (toujours positives), ce qui
//    ralentit encore la descente. Elles coûtent aussi une exponentielle.
// 3. À éviter les « neurones morts » de ReLU : un neurone dont l'entrée reste négative a une
//    sortie et un gradient nuls, et n'apprend plus jamais. Avec une petite pente (0,1) pour
//    $x < 0$, le gradient ne s'annule jamais.

// %% [markdown]
// ## Étape 5 — Un réseau convolutif (CNN)
// Une couche de convolution fait glisser 32 (puis 64) petits filtres 3 × 3 sur l'image : le
// même filtre sert partout, ce qui exploite la structure spatiale et coûte peu de paramètres.
// Le *max pooling* 2 × 2 garde le maximum de chaque carré de 4 pixels et divise la taille par
// deux.
//
// **Les canaux d'abord.** Keras range une image en (hauteur, largeur, canaux), d'où le
// `reshape(-1, 28, 28, 1)` du sujet. Le moteur, comme PyTorch, met les canaux **avant** :
// une image est (canaux, hauteur, largeur), un lot (N, 1, 28, 28). La taille des sorties suit
// la formule du cours : $\lfloor (W - k + 2p)/s \rfloor + 1$ (28 → 26 → 13 → 11 → 5).
//
// ### À FAIRE
// Complétez `creer_cnn` : Conv2D(32, (3,3), relu), MaxPooling2D((2,2)), Conv2D(64, (3,3), relu),
// MaxPooling2D((2,2)), Flatten, Dense(128, relu), Dropout(0.3), Dense(10, softmax). Une
// convolution dont on ne donne pas le nombre de canaux d'entrée s'écrit `nn_conv2d(0, 32, 3)`.

// %% [solution] id=cnn
Module *creer_cnn(void)
{
    Module *cnn = NULL;
    // ### BEGIN SOLUTION
    cnn = nn_sequential(nn_input(1, 28, 28),
                        nn_conv2d(0, 32, 3), nn_relu(),
                        nn_max_pool2d(2),
                        nn_conv2d(0, 64, 3), nn_relu(),
                        nn_max_pool2d(2),
                        nn_flatten(),
                        nn_linear(0, 128), nn_relu(),
                        nn_dropout(0.3),
                        nn_linear(0, 10), nn_softmax(1));
    // ### END SOLUTION
    return cnn;
}

// %% [check] id=check_cnn points=1
{
    Module *m = creer_cnn();
    assert_true(m != NULL, "creer_cnn renvoie NULL");
    int64_t attendu = (3 * 3 * 1 + 1) * 32 + (3 * 3 * 32 + 1) * 64 + (64 * 5 * 5 * 128 + 128) + (128 * 10 + 10);
    assert_true(nn_num_parameters(m, false) == attendu, "le CNN du sujet a %lld paramètres, pas %lld", (long long)attendu,
                (long long)nn_num_parameters(m, false));
    const char *types[5] = { "Conv2d", "MaxPool2d", "Conv2d", "MaxPool2d", "Dropout" };
    int t = 0;
    for (int i = 0; i < nn_num_children(m) && t < 5; i++)
        t += !strcmp(nn_type(nn_child(m, i)), types[t]);
    assert_true(t == 5, "l'ordre des couches : Conv2d, MaxPool2d, Conv2d, MaxPool2d, puis le Dropout (il manque %s)", types[t < 5 ? t : 4]);
    nn_eval(m);
    Tensor *p = nn_forward(m, tensor_rand(2, 1, 28, 28));
    assert_true(tensor_ndim(p) == 2 && tensor_size(p, 1) == N_CLASSES, "sortie (2, 10) attendue, pas %s", tensor_shape_str(p));
}
check_passed("CNN : 225 034 paramètres, dont 204 928 dans la première couche dense");

// %% [markdown]
// L'entraînement. Le sujet fait 10 époques par lots de 128 (environ 91 % sur le test). Pour
// tenir le temps de calcul, on s'arrête à **4 époques** (toujours par lots de 128), avec trois
// aides qui accélèrent la convergence :
// * les pixels sont **centrés-réduits** (moyenne 0 et écart type 1, calculés sur le jeu
//   d'entraînement) ;
// * le taux d'apprentissage d'Adam est **doublé** pendant les 3 premières époques (0,002 au lieu
//   de 0,001) ;
// * puis **divisé par 4** pour la dernière : avec de grands pas, les poids oscillent autour
//   d'un bon minimum sans s'y poser, et la précision varie d'un point d'une époque à l'autre ;
//   des pas plus fins à la fin la stabilisent (c'est ce que font les rappels `ReduceLROnPlateau`
//   ou `LearningRateScheduler` de Keras).
//
// Le CNN dépasse alors 89 % sur le test (90 à 90,7 % selon le tirage ; 89,1 à 89,6 % sans la
// dernière époque). Les neuf dixièmes du temps de calcul de ce notebook sont là : 4 passages
// sur 48 000 images, chacune traversée par 2,6 millions de multiplications (surtout dans la
// deuxième convolution), trois fois (forward et backward).

// %% [code]
enum { EPOQUES_CNN = 3, LOT_CNN = 128 };
double moyenne_pixels = tensor_item(tensor_mean(X_train)), ecart_pixels = tensor_item(tensor_std(X_train));
printf("pixels : moyenne %.4f, écart type %.4f\n", moyenne_pixels, ecart_pixels);
// X_train_cnn = X_train.reshape(-1, 28, 28, 1), ici (N, 1, 28, 28) et centré-réduit
Tensor *X_train_cnn = tensor_div_scalar(tensor_sub_scalar(tensor_reshape(X_train, -1, 1, 28, 28), moyenne_pixels), ecart_pixels);
Tensor *X_test_cnn = tensor_div_scalar(tensor_sub_scalar(tensor_reshape(X_test, -1, 1, 28, 28), moyenne_pixels), ecart_pixels);
manual_seed(42);
Module *cnn = creer_cnn();
if (cnn == NULL)   // rien d'écrit encore : un modèle minimal, pour que la suite tourne
    cnn = nn_sequential(nn_input(1, 28, 28), nn_flatten(), nn_linear(0, 10), nn_softmax(1));
initialiser_comme_keras(cnn);
// cnn.compile(optimizer=Adam(learning_rate=2e-3), loss='categorical_crossentropy', metrics=['accuracy']); cnn.summary()
Optimizer *adam_cnn = optim_adam(nn_parameters(cnn), .lr = 2e-3);
nn_compile(cnn, .optimizer = adam_cnn, .loss = "categorical_crossentropy", .metrics = "accuracy");
nn_summary(cnn);
// history_cnn = cnn.fit(X_train_cnn, y_train_cat, epochs=3, batch_size=128, validation_split=0.2)
History *history_cnn = nn_fit(cnn, .x = X_train_cnn, .y = y_train_cat, .epochs = EPOQUES_CNN, .batch_size = LOT_CNN,
                              .validation_split = 0.2, .verbose = 2);
// cnn.optimizer.learning_rate = 5e-4 ; une dernière époque à pas plus fins
optim_set_lr(adam_cnn, 5e-4);
History *history_fin = nn_fit(cnn, .x = X_train_cnn, .y = y_train_cat, .epochs = 1, .batch_size = LOT_CNN,
                              .validation_split = 0.2, .verbose = 2);
// test_loss, test_acc = cnn.evaluate(X_test_cnn, y_test_cat)
Evaluation *eval_cnn = nn_evaluate(cnn, .x = X_test_cnn, .y = y_test_cat);
printf("Précision CNN sur test set : %.4f (ANN : %.4f)\n", eval_cnn->accuracy, eval_ann->accuracy);

// %% [code]
// Les 4 époques bout à bout : les 3 premières (history_cnn), puis la dernière (history_fin).
double epoques_cnn[EPOQUES_CNN + 1], courbes_cnn[4][EPOQUES_CNN + 1];
const char *cles_cnn[4] = { "loss", "val_loss", "accuracy", "val_accuracy" };
for (int k = 0; k < 4; k++) {
    for (int e = 0; e < EPOQUES_CNN; e++) courbes_cnn[k][e] = history_get(history_cnn, cles_cnn[k])[e];
    courbes_cnn[k][EPOQUES_CNN] = history_last(history_fin, cles_cnn[k]);
}
for (int e = 0; e <= EPOQUES_CNN; e++) epoques_cnn[e] = e + 1;
plt_subplots(1, 2, .width = 11, .height = 4);
for (int k = 0; k < 4; k++) {
    plt_subplot(1, 2, k / 2 + 1);
    plt_plot(epoques_cnn, courbes_cnn[k], EPOQUES_CNN + 1, .marker = "o", .label = k % 2 ? "validation" : "entraînement");
}
for (int k = 0; k < 2; k++) {
    plt_subplot(1, 2, k + 1);
    plt_axvline(EPOQUES_CNN + 0.5, .color = "gray", .linestyle = ":");
    plt_xticks(epoques_cnn, EPOQUES_CNN + 1, NULL);
    plt_title(k ? "Précision (CNN)" : "Perte (CNN)");
    plt_xlabel("époque (taux divisé par 4 après la ligne pointillée)");
    plt_legend();
}
plt_tight_layout();
plt_show();

// %% [check] id=check_cnn_entraine points=2
assert_true(nn_num_parameters(cnn, false) == 225034, "le modèle entraîné doit être le CNN du sujet (225 034 paramètres)");
assert_true(history_last(history_fin, "val_loss") < history_get(history_cnn, "val_loss")[0],
            "la perte de validation devrait baisser au fil des époques");
assert_true(eval_cnn->accuracy >= 0.89, "précision de test du CNN : %.3f (0,89 attendu au moins)", eval_cnn->accuracy);
assert_true(eval_cnn->accuracy > eval_ann->accuracy, "le CNN devrait faire mieux que l'ANN (%.3f contre %.3f)",
            eval_cnn->accuracy, eval_ann->accuracy);
check_passed("CNN : %.1f %% sur le test, contre %.1f %% pour l'ANN", 100 * eval_cnn->accuracy, 100 * eval_ann->accuracy);

// %% [markdown]
// **Questions.** 1. Quelle différence entre un ANN et un CNN ? 2. Pourquoi le CNN donne-t-il
// de meilleurs résultats ? 3. Quel est le rôle du pooling ?

// %% [answer] id=q_cnn points=1
// 1. Dans un ANN, chaque neurone est relié à tous les pixels, mis à plat : la position des
//    pixels est oubliée. Dans un CNN, chaque neurone ne regarde qu'une petite fenêtre, et les
//    mêmes poids (un filtre) sont appliqués à toutes les positions ; l'image garde sa forme 2D
//    d'une couche à l'autre.
// 2. Il exploite la structure de l'image : des pixels voisins sont liés, et un même motif
//    (un bord, une couture, une texture) a le même sens partout. Les filtres partagés
//    détectent ces motifs où qu'ils soient, avec peu de paramètres, puis les couches suivantes
//    les combinent en formes plus grandes. Il généralise mieux avec autant de données.
// 3. Réduire la taille des cartes (ici par 2) : moins de calculs et de paramètres dans la
//    suite, un champ de vision plus large pour les couches suivantes, et une petite tolérance
//    aux décalages (le maximum d'une fenêtre ne change pas si le motif bouge d'un pixel).

// %% [markdown]
// ## Étape 6 — La matrice de confusion
// Ligne : la vraie classe ; colonne : la classe prédite. La diagonale compte les bonnes
// réponses ; une grande case hors de la diagonale, une confusion fréquente.

// %% [code]
// y_pred = np.argmax(cnn.predict(X_test_cnn), axis=1)
Tensor *y_pred = tensor_argmax_dim(nn_predict(cnn, X_test_cnn), 1, false);
Tensor *confusion = metrics_confusion_matrix(y_test, y_pred, .num_classes = N_CLASSES);
// ConfusionMatrixDisplay.from_predictions(y_test, y_pred, cmap="Blues")
plt_figure(.width = 12, .height = 11);
plt_confusion_matrix(confusion, N_CLASSES, .class_names = classes, .cmap = "Blues", .title = "Matrice de confusion - CNN",
                     .xlabel = "classe prédite", .ylabel = "vraie classe");
plt_show();

// %% [markdown]
// ### À FAIRE
// Complétez `paire_la_plus_confondue` : dans une matrice de confusion `conf` de `k` × `k`
// comptes (ligne : vraie classe), la case **hors diagonale** la plus grande ; sa ligne va dans
// `*vraie`, sa colonne dans `*predite`. Elle renvoie le compte de cette case.

// %% [solution] id=confusions
int64_t paire_la_plus_confondue(const int64_t *conf, int k, int *vraie, int *predite)
{
    int64_t plus_grand = -1;
    *vraie = *predite = -1;
    // ### BEGIN SOLUTION
    for (int i = 0; i < k; i++)
        for (int j = 0; j < k; j++)
            if (i != j && conf[i * k + j] > plus_grand) {
                plus_grand = conf[i * k + j];
                *vraie = i;
                *predite = j;
            }
    // ### END SOLUTION
    return plus_grand;
}

// %% [check] id=check_confusions points=1
{
    int64_t essai[9] = { 50, 2, 7, 9, 40, 1, 0, 3, 60 };
    int v, p;
    int64_t n = paire_la_plus_confondue(essai, 3, &v, &p);
    assert_true(n == 9 && v == 1 && p == 0, "matrice d'essai : la case (1, 0) (9 confusions) attendue, pas (%d, %d) = %lld",
                v, p, (long long)n);
    int64_t diag[4] = { 100, 1, 2, 90 };
    n = paire_la_plus_confondue(diag, 2, &v, &p);
    assert_true(n == 2 && v == 1 && p == 0, "la diagonale ne compte pas : (1, 0) attendue, pas (%d, %d)", v, p);
}
check_passed("la confusion la plus fréquente est trouvée");

// %% [code]
int64_t comptes[N_CLASSES * N_CLASSES];
tensor_to_i64_array(confusion, comptes, N_CLASSES * N_CLASSES);
int vraie, predite;
int64_t n_conf = paire_la_plus_confondue(comptes, N_CLASSES, &vraie, &predite);
if (vraie >= 0)
    printf("Confusion la plus fréquente : %lld images « %s » prises pour « %s »\n", (long long)n_conf, classes[vraie],
           classes[predite]);
printf("Part de chaque classe bien reconnue (le rappel) :\n");
for (int c = 0; c < N_CLASSES; c++) {
    int64_t ligne = 0;
    for (int j = 0; j < N_CLASSES; j++) ligne += comptes[c * N_CLASSES + j];
    printf("  %-12s %5.1f %%\n", classes[c], 100.0 * comptes[c * N_CLASSES + c] / ligne);
}

// %% [markdown]
// **Questions.** 1. Quelles classes sont le plus souvent confondues ? 2. Comment réduire ces
// erreurs ?

// %% [answer] id=q_confusion points=1
// 1. La chemise et le t-shirt, dans un sens ou dans l'autre (la confusion la plus
//    fréquente) ; la chemise avec le manteau et le pull ; le pull et le manteau entre eux ;
//    un peu les chaussures entre elles (basket et bottine, sandale et basket). Pantalons,
//    sacs et sandales sont presque toujours reconnus.
// 2. Un réseau plus profond qui voit des détails plus fins (col, boutons, manches), plus
//    d'époques avec de la régularisation (dropout, batch normalisation), de l'augmentation de
//    données, plus d'images des classes difficiles, ou une pondération de ces classes dans la
//    perte.

// %% [markdown]
// ## Étape 7 — L'augmentation de données
// À chaque lot, les images sont modifiées au hasard : rotation de ±10°, zoom de ±10 %,
// miroir gauche-droite (une chance sur deux). Le réseau voit ainsi à chaque époque des images
// un peu différentes, ce qui limite le surapprentissage.
//
// ### À FAIRE
// Complétez `augmentation` : la composition (`transforms_compose(TRANSFORMS_OF(...))`) d'une
// rotation aléatoire (`transforms_random_rotation`), d'un zoom aléatoire
// (`transforms_random_zoom(0.9, 1.1)`) et d'un miroir (`transforms_horizontal_flip(0.5)`) :
// `ImageDataGenerator(rotation_range=10, zoom_range=0.1, horizontal_flip=True)`.

// %% [solution] id=augmentation
Transform *augmentation(void)
{
    Transform *t = NULL;
    // ### BEGIN SOLUTION
    t = transforms_compose(TRANSFORMS_OF(transforms_random_rotation(10), transforms_random_zoom(0.9, 1.1),
                                         transforms_horizontal_flip(0.5)));
    // ### END SOLUTION
    return t;
}

// %% [check] id=check_augmentation points=1
{
    Transform *t = augmentation();
    assert_true(t != NULL, "augmentation renvoie NULL");
    // 200 copies d'une image dont seule la moitié gauche est claire.
    enum { COPIES = 200 };
    Tensor *moitie = tensor_zeros(COPIES, 1, 28, 28);
    float *pm = tensor_data_f32(moitie);
    for (int n = 0; n < COPIES; n++)
        for (int i = 4; i < 24; i++)
            for (int j = 4; j < 14; j++) pm[(n * 28 + i) * 28 + j] = 1;
    Tensor *a = transforms_apply(t, moitie, generator_new(7));
    assert_true(tensor_ndim(a) == 4 && tensor_size(a, 0) == COPIES && tensor_size(a, 2) == 28 && tensor_size(a, 3) == 28,
                "l'augmentation garde la forme des lots (200, 1, 28, 28), pas %s", tensor_shape_str(a));
    Tensor *gauche = tensor_sum_dim(tensor_flatten(tensor_narrow(a, 3, 0, 14), 1, 3), 1, false);
    Tensor *droite = tensor_sum_dim(tensor_flatten(tensor_narrow(a, 3, 14, 14), 1, 3), 1, false);
    double part_miroir = tensor_item(tensor_mean(tensor_float(tensor_gt(droite, gauche))));
    assert_true(part_miroir > 0.3 && part_miroir < 0.7, "un miroir gauche-droite une fois sur deux : %.0f %% des images retournées",
                100 * part_miroir);
    // La masse de l'image (la somme des pixels, 200 au départ) : le zoom la change de ±20 %.
    Tensor *masse = tensor_sum_dim(tensor_flatten(a, 1, 3), 1, false);
    double ecart_masse = tensor_item(tensor_std(masse)), masse_moy = tensor_item(tensor_mean(masse));
    assert_close(masse_moy, 200, 30, "la masse moyenne d'une image (zoom de ±10 %)");
    assert_true(ecart_masse > 10, "le zoom devrait faire varier la masse des images (écart type %.1f)", ecart_masse);
    // Rotation et zoom : presque aucune copie n'est exactement l'image ou son miroir.
    Tensor *ecart_original = tensor_max_dim(tensor_flatten(tensor_abs(tensor_sub(a, moitie)), 1, 3), 1, false, NULL);
    Tensor *ecart_miroir = tensor_max_dim(tensor_flatten(tensor_abs(tensor_sub(a, tensor_flip(moitie, -1))), 1, 3), 1, false, NULL);
    double part_modifiees = tensor_item(tensor_mean(tensor_float(tensor_logical_and(tensor_gt_scalar(ecart_original, 0.2),
                                                                                    tensor_gt_scalar(ecart_miroir, 0.2)))));
    assert_true(part_modifiees > 0.8, "rotation et zoom : %.0f %% seulement des images sont déformées", 100 * part_modifiees);
}
check_passed("rotation, zoom et miroir aléatoires");

// %% [markdown]
// Huit versions augmentées de la même image de test :

// %% [code]
Transform *aug = augmentation();
if (aug != NULL) {
    Tensor *copies = tensor_repeat(tensor_reshape(tensor_narrow(X_test, 0, 0, 1), 1, 1, 28, 28), 8, 1, 1, 1);
    plt_images(transforms_apply(aug, copies, generator_new(1)), 8, 0, 0, .ncols = 8, .size = 1.4);
    plt_suptitle("Une image de test, augmentée huit fois");
    plt_show();
}

// %% [markdown]
// Le sujet poursuit l'entraînement du CNN 10 époques sur des images augmentées
// (`cnn.fit(datagen.flow(X_train_cnn, y_train_cat, batch_size=128), ...)`). Ici, un chargeur
// (`data_loader`) applique à chaque lot l'augmentation, puis le centrage-réduction (sur des
// pixels dans $[0, 1]$, pour que les coins découverts par une rotation restent noirs), et l'on
// fait **une époque sur 6 000 images** d'entraînement, en mesurant la précision sur le test.
// Une seule époque ne suffit pas à voir le bénéfice : le réseau doit d'abord s'habituer à des
// images plus variées, et sa précision baisse souvent un peu au début. Avec le temps, essayez
// 10 époques sur toutes les images.

// %% [code]
enum { N_AUGMENTEES = 6000 };
if (aug != NULL) {
    Dataset *donnees_aug = data_tensor_dataset(tensor_reshape(tensor_narrow(X_train, 0, 0, N_AUGMENTEES), -1, 1, 28, 28),
                                               tensor_narrow(y_train_cat, 0, 0, N_AUGMENTEES));
    Transform *aug_puis_centrage = transforms_compose(TRANSFORMS_OF(aug, transforms_normalize(moyenne_pixels, ecart_pixels)));
    // datagen.flow(X_train_cnn, y_train_cat, batch_size=128)
    DataLoader *flux = data_loader(donnees_aug, .batch_size = 128, .shuffle = true, .seed = 0, .transform = aug_puis_centrage);
    // cnn.fit(datagen.flow(...), epochs=10, validation_data=(X_test_cnn, y_test_cat))
    History *history_aug = nn_fit(cnn, .loader = flux, .epochs = 1, .val_x = X_test_cnn, .val_y = y_test_cat, .verbose = 2);
    printf("Précision sur le test : %.4f avant, %.4f après une époque augmentée\n", eval_cnn->accuracy,
           history_last(history_aug, "val_accuracy"));
}

// %% [markdown]
// **Questions.** 1. Quel est l'intérêt de l'augmentation de données ? 2. Quelles
// transformations semblent les plus efficaces pour ce jeu de données ?

// %% [answer] id=q_augmentation points=1
// 1. Multiplier à peu de frais les exemples d'entraînement par des variantes plausibles : le
//    réseau apprend que la classe ne change pas quand l'image tourne un peu, grossit ou se
//    retourne. Il apprend moins par cœur, généralise mieux, et c'est le plus utile quand les
//    données sont rares. L'entraînement est plus lent à converger.
// 2. Celles qui produisent des images qu'on pourrait vraiment rencontrer : le miroir
//    gauche-droite (un vêtement retourné reste le même vêtement), de petits décalages et zooms.
//    De petites rotations aident un peu. Un miroir haut-bas ou de grandes rotations créent des
//    images qui n'existent pas dans le jeu (les photos sont toutes droites) et nuisent.
