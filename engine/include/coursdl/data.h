/* Data: datasets (tensors, or items computed by your own function), data
 * loaders that cut them into shuffled batches, splits, per-batch transforms
 * (scaling, normalization, one-hot, augmentation) and ready-made datasets
 * (MNIST, Fashion-MNIST, two moons, blobs, circles, XOR, your own PNG
 * images, CSV files). Mirrors torch.utils.data / torchvision / sklearn:
 *
 *   DataLoader *dl = data_loader(ds, .batch_size = 32, .shuffle = true, .seed = 0);
 *   for (Batch *b; (b = data_next(dl)); ) { ... b->x ... b->y ... }
 *
 * data_next returns NULL at the end of an epoch; the next call starts the
 * next epoch (reshuffled). Everything is garbage collected. */
#ifndef COURSDL_DATA_H
#define COURSDL_DATA_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "tensor.h"

typedef struct Dataset Dataset;
typedef struct DataLoader DataLoader;
typedef struct Transform Transform;

/* One batch: inputs x (batch first), targets y (NULL when the dataset has
 * none), its position in the epoch and the dataset indices it holds. */
typedef struct Batch {
    Tensor *x;        /* inputs, e.g. 32 x 1 x 28 x 28 */
    Tensor *y;        /* targets, e.g. 32 (int64 labels), or NULL */
    int64_t index;    /* batch number in the epoch, from 0 */
    int64_t size;     /* number of samples (the last batch may be smaller) */
    Tensor *indices;  /* int64 dataset indices of the samples */
} Batch;

/* ---- datasets ---------------------------------------------------------------- */

/* A dataset over tensors, like torch's TensorDataset: sample i is x[i] and
 * y[i].
 * Arguments: x, the inputs with the samples along dim 0 (e.g. N x 1 x 28 x 28);
 * y, the targets with the same first size, or NULL for inputs only
 * (autoencoders, GANs).
 * Returns a new Dataset that refers to x and y (no copy); data_x and data_y
 * give them back.
 * Errors: ShapeError when x is 0-dim or y's first size differs from x's.
 * Example:
 *   DataLoader *dl = data_loader(data_tensor_dataset(X_train, y_train),
 *                                .batch_size = 64, .shuffle = true, .seed = 0); */
Dataset *data_tensor_dataset(Tensor *x, Tensor *y);

/* Your own dataset, written in a cell: get_item fills *x (and *y, which may
 * be left NULL) for sample index; len returns the number of samples. ctx is
 * passed back to both. Items of one batch are stacked (tensor_stack). */
typedef void (*DatasetGetItem)(int64_t index, Tensor **x, Tensor **y, void *ctx);
typedef int64_t (*DatasetLen)(void *ctx);
Dataset *data_dataset(DatasetGetItem get_item, DatasetLen len, void *ctx);

/* The samples of ds at the given indices, like torch.utils.data.Subset.
 * Arguments: ds, and indices, a 1-D int64 tensor of sample numbers, each in
 * 0..len(ds)-1.
 * Returns a new Dataset that refers to ds (no copy of the data), with ds's
 * class names.
 * Errors: ShapeError when indices is not 1-D; IndexError for an index out of
 * range.
 * Example:
 *   Dataset *small = data_subset(mnist_train, tensor_arange_int(0, 1000, 1)); */
Dataset *data_subset(Dataset *ds, Tensor *indices);
/* The number of samples, like len(ds) in Python.
 * Arguments: ds, any dataset (tensors, your own, a subset, a split part).
 * Returns the count (>= 0); for your own dataset, what its len function
 * returns.
 * Errors: ValueError when your own dataset's len function returns a negative
 * count.
 * Example:
 *   printf("%lld training images\n", (long long)data_len(mnist_train)); */
int64_t data_len(Dataset *ds);
/* Sample index of ds, like ds[index] in PyTorch.
 * Arguments: ds; index, 0..len(ds)-1 (a negative index counts from the end:
 * -1 is the last); x and y, where the sample's input and target are written
 * (either may be NULL when you do not want it).
 * Returns nothing; *x gets the input (x[index] of a tensor dataset) and *y the
 * target, NULL when the dataset has none.
 * Errors: IndexError for an index out of range; ValueError when your own
 * dataset's get_item leaves *x NULL.
 * Example:
 *   Tensor *img, *label;
 *   data_get(mnist_train, 0, &img, &label);   // img 1 x 28 x 28, label 0-dim */
void data_get(Dataset *ds, int64_t index, Tensor **x, Tensor **y);
/* All the inputs (data_x) or all the targets (data_y) of ds as one tensor,
 * like X and y of a scikit-learn dataset.
 * Arguments: ds, any dataset.
 * Returns, for a tensor dataset, its own x or y tensor (not a copy: writing
 * to it changes the dataset); otherwise (your own dataset, a subset, a split
 * part) a new tensor of every sample stacked along dim 0. data_y returns
 * NULL when the dataset has no targets.
 * Errors: ValueError when your own dataset's get_item leaves *x NULL or sets
 * *y for some samples only; ShapeError when its samples' shapes differ.
 * Example:
 *   Tensor *X_train = data_x(mnist_train), *y_train = data_y(mnist_train); */
Tensor *data_x(Dataset *ds);
Tensor *data_y(Dataset *ds);
/* The class names of ds ("0".."9" for MNIST, "T-shirt/top", "Trouser"... for
 * Fashion-MNIST) and their count, like torchvision's dataset.classes.
 * Arguments: ds, any dataset.
 * Returns the array of data_num_classes(ds) names, owned by the dataset (do
 * not free it), or NULL and 0 when the dataset has none (a tensor dataset
 * of yours, until data_set_class_names).
 * Errors: none.
 * Example:
 *   const char *const *names = data_class_names(fashion_train);
 *   printf("%s\n", names[(int)tensor_item(label)]);   // "Ankle boot" */
const char *const *data_class_names(Dataset *ds);
int data_num_classes(Dataset *ds);
/* Gives ds class names, returned then by data_class_names.
 * Arguments: ds; n, the number of classes; names, n strings (copied; a NULL
 * entry becomes "").
 * Returns ds itself, so that the call can wrap data_tensor_dataset.
 * Errors: none.
 * Example:
 *   Dataset *ds = data_set_class_names(data_tensor_dataset(X, y), 2,
 *                                      (const char *[]){"cat", "dog"}); */
Dataset *data_set_class_names(Dataset *ds, int n, const char *const *names);

/* ---- loaders --------------------------------------------------------------------- */

/* Options of data_loader; zero means default. */
typedef struct LoaderOptions {
    int64_t batch_size;     /* samples per batch (default 1, like PyTorch) */
    bool shuffle;           /* a new random order every epoch */
    bool drop_last;         /* drop the last batch when it is smaller */
    uint64_t seed;          /* seed of the loader's own generator: same seed, same batches */
    Tensor *weights;        /* weighted random sampler: one weight per sample (drawn with replacement) */
    int64_t num_samples;    /* samples per epoch with weights (default len(ds)) */
    Transform *transform;   /* applied to every batch's x */
    Transform *target_transform; /* applied to every batch's y */
} LoaderOptions;

/* A loader that cuts ds into batches, like torch's DataLoader:
 * data_loader(ds, .batch_size = 64, .shuffle = true, .seed = 0).
 * Arguments: ds, then the options: .batch_size (default 1, like PyTorch),
 * .shuffle (a new order every epoch; default off), .drop_last (drop a last,
 * smaller batch), .seed (of the loader's own generator, default 0: same seed,
 * same batches), .weights (one weight >= 0 per sample: samples drawn with
 * replacement, like WeightedRandomSampler) with .num_samples per epoch
 * (default len(ds)), .transform and .target_transform (applied to each
 * batch's x and y).
 * Returns a new DataLoader; take its batches with data_next.
 * Errors: ValueError for a negative batch_size, a negative or non-finite
 * weight, or weights summing to 0; ShapeError when .weights does not hold one
 * value per sample.
 * Example:
 *   DataLoader *train_dl = data_loader(mnist_train, .batch_size = 64,
 *                                      .shuffle = true, .seed = 0); */
#define data_loader(ds, ...) data_loader_((ds), &(LoaderOptions){ __VA_ARGS__ })
DataLoader *data_loader_(Dataset *ds, const LoaderOptions *options);
/* The next batch of the epoch, like one turn of `for x, y in loader`; NULL at
 * the end of the epoch, and the call after NULL starts the next epoch (a new
 * order when shuffling).
 * Arguments: dl, the loader.
 * Returns a new Batch: b->x (batch first, .transform applied), b->y (NULL when
 * the dataset has no targets), b->index (batch number from 0), b->size (the
 * last batch may be smaller) and b->indices (the samples' int64 indices).
 * Errors: KeyboardInterrupt when the user interrupts (checked at every
 * batch); the errors of your own dataset's get_item and of the transforms.
 * Example:
 *   for (Batch *b; (b = data_next(train_dl)); ) {
 *       optim_zero_grad(opt);
 *       tensor_backward(nn_cross_entropy(nn_forward(model, b->x), b->y));
 *       optim_step(opt);
 *   } */
Batch *data_next(DataLoader *dl);
/* The batch data_next would return next, without taking it (like
 * next(iter(loader)) to look at one batch): training then still sees the
 * whole epoch, in the same order. Random transforms are drawn again when
 * the batch is taken.
 * Arguments: dl, the loader.
 * Returns a new Batch (as data_next's), or NULL at the end of an epoch.
 * Errors: KeyboardInterrupt when the user interrupts; the errors of your own
 * dataset's get_item and of the transforms.
 * Example:
 *   Batch *b = data_peek(train_dl);
 *   plt_images(b->x, 16, 0, 0);   // the first 16 images of the next batch */
Batch *data_peek(DataLoader *dl);
/* Starts a new epoch now, like a new `for` over a PyTorch loader: the next
 * data_next returns the first batch (of a new order when shuffling). Right
 * after a data_peek that began an epoch, that epoch is kept.
 * Arguments: dl, the loader.
 * Returns nothing.
 * Errors: ValueError when your own dataset's len function returns a negative
 * count.
 * Example:
 *   data_reset(val_dl);   // evaluate on the whole validation set again */
void data_reset(DataLoader *dl);
/* Batches per epoch, like len(loader): len(ds) / batch_size rounded up, or
 * down with .drop_last (.num_samples instead of len(ds) with .weights).
 * Arguments: dl, the loader.
 * Returns the count (>= 0).
 * Errors: ValueError when your own dataset's len function returns a negative
 * count.
 * Example:
 *   int64_t steps = data_num_batches(train_dl);   // 938 for MNIST in 64s */
int64_t data_num_batches(DataLoader *dl);
/* The dataset a loader reads, like loader.dataset.
 * Arguments: dl, the loader.
 * Returns the Dataset given to data_loader (the same object, not a copy).
 * Errors: none.
 * Example:
 *   int64_t n = data_len(data_loader_dataset(train_dl)); */
Dataset *data_loader_dataset(DataLoader *dl);
/* Re-seeds the loader's own generator, which draws its shuffled orders,
 * weighted samples and random augmentations, like torch's
 * generator.manual_seed.
 * Arguments: dl, the loader, and the seed (any value).
 * Returns nothing; an epoch already begun keeps its order, the next ones
 * come from the new seed.
 * Errors: none.
 * Example:
 *   data_loader_seed(train_dl, 42);   // the same batches as another run */
void data_loader_seed(DataLoader *dl, uint64_t seed);
/* The loader's batch size, like loader.batch_size.
 * Arguments: dl, the loader.
 * Returns its .batch_size option (1 when it was left at 0); the last batch
 * of an epoch may hold fewer samples (see Batch's size).
 * Errors: none.
 * Example:
 *   int64_t bs = data_loader_batch_size(train_dl);   // 64 */
int64_t data_loader_batch_size(DataLoader *dl);

/* ---- splits --------------------------------------------------------------------- */

/* Splits ds into n random disjoint parts, like torch's random_split.
 * Arguments: ds; n, the number of parts (>= 1); lengths, n counts summing to
 * len(ds), or n fractions (each <= 1) summing to 1 (the samples left over by
 * rounding go to the parts in turn, as in PyTorch); seed, of the draw (same
 * seed, same parts).
 * Returns a new array of n Datasets (subsets of ds: no copy of the data).
 * Errors: ValueError for n < 1, NULL lengths, a negative length, or counts
 * that do not sum to len(ds).
 * Example:
 *   Dataset **parts = data_random_split(mnist_train, 2, (double[]){0.8, 0.2}, 42);
 *   Dataset *train = parts[0], *val = parts[1]; */
Dataset **data_random_split(Dataset *ds, int n, const double *lengths, uint64_t seed);

/* Result of data_train_test_split. */
typedef struct TrainTestSplit {
    Tensor *x_train, *x_test, *y_train, *y_test;
} TrainTestSplit;

/* Options of data_train_test_split; zero means default. */
typedef struct SplitOptions {
    double test_size;   /* fraction (< 1) or count (>= 1) of test samples (default 0.25) */
    bool no_shuffle;    /* keep the order (default: shuffled) */
    uint64_t seed;
    bool stratify;      /* same class proportions in both parts (y holds labels) */
} SplitOptions;

/* Splits tensors into a training and a test part, like sklearn's
 * train_test_split.
 * Arguments: x, the samples along dim 0; y, the targets with the same first
 * size, or NULL; options .test_size (a fraction < 1, rounded up, or a count
 * >= 1; default 0.25), .seed (default 0), .no_shuffle (keep the order: the
 * test part is then the last samples), .stratify (the same class proportions
 * in both parts; y then holds one class index >= 0 per sample).
 * Returns a new TrainTestSplit of new tensors: s->x_train, s->x_test,
 * s->y_train, s->y_test (the last two NULL without y).
 * Errors: ShapeError when y's first size differs from x's, or with .stratify
 * when y does not hold one label per sample; ValueError for a 0-dim x, a
 * test_size that leaves a part empty, .stratify without y, or a negative
 * label.
 * Example:
 *   TrainTestSplit *s = data_train_test_split(X, y, .test_size = 0.2, .seed = 42);
 *   Module *net = nn_sequential(nn_linear(2, 16), nn_relu(), nn_linear(16, 2)); */
#define data_train_test_split(x, y, ...) data_train_test_split_((x), (y), &(SplitOptions){ __VA_ARGS__ })
TrainTestSplit *data_train_test_split_(Tensor *x, Tensor *y, const SplitOptions *options);

/* One fold of a k-fold split: int64 indices of the training and validation samples. */
typedef struct Fold {
    Tensor *train;
    Tensor *val;
} Fold;

/* Options of data_kfold; zero means default. */
typedef struct KFoldOptions {
    bool shuffle;
    uint64_t seed;
    Tensor *stratify;  /* labels (n class indices): every fold keeps the class proportions (StratifiedKFold) */
} KFoldOptions;

/* k folds over n samples for cross-validation, like sklearn's KFold: the
 * validation parts are disjoint and cover every sample (without .stratify,
 * the first n % k of them get one sample more). With .stratify = y, like
 * StratifiedKFold, each fold holds its share of every class (within one
 * sample).
 * Arguments: n, the number of samples; k, the number of folds (2 to n);
 * options .shuffle (default off: consecutive blocks), .seed (with .shuffle;
 * default 0), .stratify (n class indices >= 0).
 * Returns a new array of k Folds: f[i].train and f[i].val, int64 index
 * tensors (ascending, except the validation indices with .shuffle and no
 * .stratify, which keep the shuffled order).
 * Errors: ValueError for k < 2 or k > n, or a negative class index;
 * ShapeError when .stratify does not hold n labels.
 * Example:
 *   Fold *f = data_kfold(data_len(ds), 5, .shuffle = true, .seed = 0);
 *   Dataset *val = data_subset(ds, f[0].val); */
#define data_kfold(n, k, ...) data_kfold_((n), (k), &(KFoldOptions){ __VA_ARGS__ })
Fold *data_kfold_(int64_t n, int k, const KFoldOptions *options);

/* ---- transforms (applied to whole batches) --------------------------------------- */

/* A transform function: returns the transformed batch (gen: the loader's generator). */
typedef Tensor *(*TransformFn)(Tensor *batch, Generator *gen, void *ctx);

/* A transform from your own function, like torchvision's
 * transforms.Lambda: fn(batch, gen, ctx) returns the transformed batch.
 * Arguments: fn, your function (it gets the whole batch, batch first, the
 * loader's generator for its random choices, and ctx); ctx, passed back
 * unchanged (may be NULL).
 * Returns a new Transform, for data_loader's .transform / .target_transform
 * or transforms_compose.
 * Errors: ValueError for a NULL fn (and, when applied, when fn returns NULL).
 * Example:
 *   Tensor *flatten(Tensor *x, Generator *g, void *ctx)
 *   { (void)g; (void)ctx; return tensor_reshape(x, tensor_size(x, 0), -1); }
 *   Transform *t = transforms_lambda(flatten, NULL); */
Transform *transforms_lambda(TransformFn fn, void *ctx);
/* Several transforms applied in order, like torchvision's
 * transforms.Compose: transforms_compose(TRANSFORMS_OF(a, b)).
 * Arguments: list, an array of n transforms, and n >= 0 (TRANSFORMS_OF
 * gives both; 0 transforms leave the batch unchanged).
 * Returns a new Transform (the list is copied).
 * Errors: ValueError for n < 0, a NULL list, or a NULL transform in it.
 * Example:
 *   Transform *aug = transforms_compose(TRANSFORMS_OF(
 *       transforms_random_rotation(10), transforms_normalize(0.1307, 0.3081))); */
Transform *transforms_compose(Transform **list, int n);
#define TRANSFORMS_OF(...) (Transform *[]){__VA_ARGS__}, \
    (int)(sizeof((Transform *[]){__VA_ARGS__}) / sizeof(Transform *))
/* Applies t to a batch yourself, as the loader does to each batch (to look
 * at an augmentation, or to transform a whole test set).
 * Arguments: t; batch, a tensor (batch first); gen, the generator of the
 * random choices (NULL: the default generator).
 * Returns the transformed batch (a new tensor for the ready-made
 * transforms).
 * Errors: ValueError when the transform's function returns NULL; the errors
 * of the transform itself (e.g. ShapeError for an augmentation given a batch
 * that is not N x H x W or N x C x H x W).
 * Example:
 *   Transform *norm = transforms_normalize(0.1307, 0.3081);
 *   Tensor *X_test_n = transforms_apply(norm, X_test, NULL); */
Tensor *transforms_apply(Transform *t, Tensor *batch, Generator *gen);
/* Converts to float32 and divides by 255 (uint8 pixels 0..255 to [0, 1]),
 * like torchvision's ToTensor.
 * Arguments: none.
 * Returns a new Transform; applied, it gives a new float32 tensor of the
 * batch's shape.
 * Errors: none.
 * Example:
 *   Dataset *raw = datasets_mnist(NULL, true, .raw = true);
 *   DataLoader *dl = data_loader(raw, .batch_size = 64,
 *                                .transform = transforms_scale()); */
Transform *transforms_scale(void);
/* (x - mean) / std over the whole batch, like torchvision's
 * Normalize((0.1307,), (0.3081,)) for MNIST.
 * Arguments: mean, and std (> 0), usually those of the training set.
 * Returns a new Transform; applied, it gives a new tensor (an integer batch
 * is converted to float first).
 * Errors: ValueError for std <= 0.
 * Example:
 *   Transform *norm = transforms_normalize(0.1307, 0.3081);
 *   DataLoader *dl = data_loader(mnist_train, .batch_size = 64, .transform = norm); */
Transform *transforms_normalize(double mean, double std);
/* (x - mean[c]) / std[c] for each channel c (dim 1), like torchvision's
 * Normalize((0.49, 0.48, 0.45), (0.25, 0.24, 0.26)) for RGB images.
 * Arguments: n, the number of channels (>= 1); mean and std, n values each
 * (every std > 0).
 * Returns a new Transform for N x C x ... batches (an integer batch is
 * converted to float first).
 * Errors: ValueError for n < 1, NULL arrays or a std <= 0; ShapeError, when
 * applied, for a batch whose dim 1 is not n.
 * Example:
 *   Transform *t = transforms_normalize_channels(3, (double[]){0.49, 0.48, 0.45},
 *                                                (double[]){0.25, 0.24, 0.26}); */
Transform *transforms_normalize_channels(int n, const double *mean, const double *std);
/* Integer labels to one-hot rows, like keras.utils.to_categorical (a
 * .target_transform for a loss that compares per-class probabilities).
 * Arguments: num_classes (>= 1).
 * Returns a new Transform; applied to N labels, it gives a new float32
 * N x num_classes tensor on the labels' device.
 * Errors: ValueError for num_classes < 1, and, when applied, for a label
 * outside 0..num_classes-1.
 * Example:
 *   DataLoader *dl = data_loader(train, .batch_size = 32,
 *                                .target_transform = transforms_one_hot(10)); */
Transform *transforms_one_hot(int num_classes);
/* Flips each image left-right (last dim) with probability p, like
 * torchvision's RandomHorizontalFlip (data augmentation).
 * Arguments: p, in [0, 1] (0: the default, 0.5).
 * Returns a new Transform for N x H x W or N x C x H x W batches; applied, a
 * new tensor of the batch's shape, dtype and device.
 * Errors: ValueError for p outside [0, 1]; ShapeError, when applied, for a
 * batch of fewer than 3 dims.
 * Example:
 *   Transform *aug = transforms_horizontal_flip(0.5);   // Fashion-MNIST clothes */
Transform *transforms_horizontal_flip(double p);
/* Rotates each image by a random angle in [-degrees, degrees] about its
 * centre (bilinear, zeros outside), like torchvision's RandomRotation.
 * Arguments: degrees (a negative value counts as its opposite).
 * Returns a new Transform (transforms_random_affine with .degrees); applied
 * to N x H x W or N x C x H x W batches, a new tensor of the same shape,
 * dtype and device.
 * Errors: ShapeError, when applied, for a batch of fewer than 3 dims.
 * Example:
 *   Transform *aug = transforms_random_rotation(15); */
Transform *transforms_random_rotation(double degrees);
/* Options of transforms_random_affine; zero means none of that change. */
typedef struct AffineOptions {
    double degrees;        /* rotation in [-degrees, degrees] */
    double translate;      /* shift up to this fraction of the width / height */
    double scale_min, scale_max; /* zoom factor range (both 0: no zoom) */
} AffineOptions;
/* Random rotation, shift and zoom of each image, like torchvision's
 * RandomAffine: transforms_random_affine(.degrees = 10, .translate = 0.1).
 * Arguments: options .degrees (angle drawn in [-degrees, degrees], >= 0),
 * .translate (shift up to this fraction of the width and height, in [0, 1]),
 * .scale_min and .scale_max (zoom factor drawn between them,
 * 0 < scale_min <= scale_max; both 0: no zoom); an option left at 0 is no
 * change. Bilinear, zeros outside the image.
 * Returns a new Transform; applied to N x H x W or N x C x H x W batches, a
 * new tensor of the same shape, dtype and device.
 * Errors: ValueError for an option out of range; ShapeError, when applied,
 * for a batch of fewer than 3 dims.
 * Example:
 *   Transform *aug = transforms_random_affine(.degrees = 10, .translate = 0.1,
 *                                             .scale_min = 0.9, .scale_max = 1.1); */
#define transforms_random_affine(...) transforms_random_affine_(&(AffineOptions){ __VA_ARGS__ })
Transform *transforms_random_affine_(const AffineOptions *options);
/* Zooms each image by a random factor in [lo, hi] about its centre (> 1
 * enlarges, < 1 shrinks; bilinear, zeros outside).
 * Arguments: lo and hi, 0 < lo <= hi.
 * Returns a new Transform (transforms_random_affine with .scale_min = lo and
 * .scale_max = hi).
 * Errors: ValueError unless 0 < lo <= hi; ShapeError, when applied, for a
 * batch of fewer than 3 dims.
 * Example:
 *   Transform *aug = transforms_random_zoom(0.9, 1.1); */
Transform *transforms_random_zoom(double lo, double hi);
/* Pads each image with padding zeros on every side, then crops a random
 * size x size window, like torchvision's RandomCrop(28, padding=4).
 * Arguments: size (0: the image's own height and width) and padding (>= 0).
 * Returns a new Transform; applied, a new N x ... x size x size tensor of the
 * batch's dtype and device.
 * Errors: ValueError for a negative size or padding; ShapeError, when
 * applied, for a batch of fewer than 3 dims or a window larger than the
 * padded image.
 * Example:
 *   Transform *aug = transforms_random_crop(28, 4);   // shifts of up to 4 pixels */
Transform *transforms_random_crop(int64_t size, int64_t padding);

/* ---- ready-made datasets --------------------------------------------------------------- */

/* Options of datasets_mnist / datasets_fashion_mnist; zero means default. */
typedef struct MnistOptions {
    bool raw;        /* keep uint8 pixels 0..255 (default: float32 in [0, 1]) */
    int64_t limit;   /* only the first limit samples (0: all) */
} MnistOptions;

/* MNIST digits, like torchvision.datasets.MNIST or keras.datasets.mnist.
 * Arguments: root, a folder to look in first (may be NULL); train, true for
 * the training set (60000 images in the full set), false for the test set
 * (10000); options .raw (keep uint8 pixels 0..255; default float32 in
 * [0, 1]) and .limit (only the first limit samples; 0: all).
 * Returns a new tensor Dataset: x N x 1 x 28 x 28, y int64 labels 0..9, class
 * names "0".."9".
 * The files are looked for in this order: root and $COURSDL_DATA (IDX files,
 * gzip or raw, in the folder, its mnist-subset/ or torchvision's MNIST/raw/
 * layout, or Keras's mnist.npz), then Keras's ~/.keras/datasets/mnist.npz
 * ($KERAS_HOME/datasets), torchvision's data/MNIST/raw and ~/data/MNIST/raw,
 * and last the project's shared/data/mnist-subset and /usr/share/datasets/mnist
 * (not those defaults when the environment has COURSDL_DATA_ONLY=1).
 * Errors: IOError when the set is not found (the message lists every path
 * tried and how to get the files), or for a damaged or truncated file;
 * ValueError for an IDX header announcing an impossible size.
 * Example:
 *   Dataset *mnist_train = datasets_mnist(NULL, true);
 *   Dataset *mnist_test = datasets_mnist(NULL, false); */
#define datasets_mnist(root, train, ...) datasets_mnist_((root), (train), &(MnistOptions){ __VA_ARGS__ })
Dataset *datasets_mnist_(const char *root, bool train, const MnistOptions *options);
/* Fashion-MNIST (Zalando's clothes), like torchvision's FashionMNIST or
 * keras.datasets.fashion_mnist: the layout of datasets_mnist, classes
 * "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
 * "Sneaker", "Bag", "Ankle boot".
 * Arguments: as datasets_mnist's: root (may be NULL), train, .raw, .limit.
 * Returns a new tensor Dataset: x N x 1 x 28 x 28, y int64 labels 0..9.
 * Searched like MNIST (root, $COURSDL_DATA, Keras's
 * ~/.keras/datasets/fashion-mnist/, torchvision's data/FashionMNIST/raw, the
 * project's shared/data/fashion-mnist) and in /usr/share/datasets/fashion-mnist
 * (apt-get install dataset-fashion-mnist).
 * Errors: IOError when the set is not found (the message lists every path
 * tried and how to get the files), or for a damaged or truncated file;
 * ValueError for an IDX header announcing an impossible size.
 * Example:
 *   Dataset *train = datasets_fashion_mnist(NULL, true, .limit = 10000); */
#define datasets_fashion_mnist(root, train, ...) datasets_fashion_mnist_((root), (train), &(MnistOptions){ __VA_ARGS__ })
Dataset *datasets_fashion_mnist_(const char *root, bool train, const MnistOptions *options);

/* Options of the synthetic datasets; zero means default. */
typedef struct SyntheticOptions {
    double noise;        /* std of the Gaussian noise added to the points */
    uint64_t seed;
    bool no_shuffle;     /* keep the classes in blocks (default: shuffled, like sklearn) */
    double factor;       /* make_circles: inner / outer radius (default 0.8) */
    int centers;         /* make_blobs: number of clusters (default 3) */
    int n_features;      /* make_blobs: dimensions (default 2) */
    double cluster_std;  /* make_blobs: std of each cluster (default 1.0) */
} SyntheticOptions;

/* Two interleaving half circles, like sklearn's make_moons: the classic
 * problem a straight line cannot separate, for a small MLP.
 * Arguments: n, the number of points (>= 1; n / 2 in the first moon);
 * options .noise (std of the Gaussian noise added, default 0), .seed
 * (default 0), .no_shuffle (keep the classes in blocks; default shuffled,
 * like sklearn).
 * Returns a new tensor Dataset: x n x 2 float32, y int64 labels 0/1, class
 * names "0" and "1".
 * Errors: ValueError for n < 1.
 * Example:
 *   Dataset *m = datasets_make_moons(200, .noise = 0.1, .seed = 0);
 *   Tensor *X = data_x(m), *y = data_y(m); */
#define datasets_make_moons(n, ...) datasets_make_moons_((n), &(SyntheticOptions){ __VA_ARGS__ })
Dataset *datasets_make_moons_(int64_t n, const SyntheticOptions *options);
/* Two concentric circles, like sklearn's make_circles: label 0 on the outer
 * circle (radius 1), 1 on the inner one.
 * Arguments: n (>= 1); options .factor (inner / outer radius, in (0, 1);
 * default 0.8), .noise, .seed and .no_shuffle (as datasets_make_moons's).
 * Returns a new tensor Dataset: x n x 2 float32, y int64 labels 0/1.
 * Errors: ValueError for n < 1 or a factor outside (0, 1).
 * Example:
 *   Dataset *c = datasets_make_circles(300, .noise = 0.05, .factor = 0.5); */
#define datasets_make_circles(n, ...) datasets_make_circles_((n), &(SyntheticOptions){ __VA_ARGS__ })
Dataset *datasets_make_circles_(int64_t n, const SyntheticOptions *options);
/* Gaussian clusters, like sklearn's make_blobs: .centers centres drawn
 * uniformly in [-10, 10] on each axis, the points spread around them.
 * Arguments: n (>= 1, shared as evenly as possible between the clusters);
 * options .centers (default 3), .n_features (dimensions, default 2),
 * .cluster_std (default 1.0), .noise, .seed, .no_shuffle.
 * Returns a new tensor Dataset: x n x n_features float32, y int64 cluster
 * indices 0..centers-1.
 * Errors: ValueError for n < 1, centers or n_features < 1, or a negative
 * cluster_std.
 * Example:
 *   Dataset *b = datasets_make_blobs(300, .centers = 4, .cluster_std = 0.8); */
#define datasets_make_blobs(n, ...) datasets_make_blobs_((n), &(SyntheticOptions){ __VA_ARGS__ })
Dataset *datasets_make_blobs_(int64_t n, const SyntheticOptions *options);
/* The XOR problem: n points uniform in [-1, 1]^2, label 1 when the two
 * coordinates have opposite signs (what a single perceptron cannot learn).
 * Arguments: n (>= 1); options .noise (Gaussian noise added to the points
 * after labelling) and .seed; the points are random already, so .no_shuffle
 * changes nothing.
 * Returns a new tensor Dataset: x n x 2 float32, y int64 labels 0/1.
 * Errors: ValueError for n < 1.
 * Example:
 *   Dataset *xor_train = datasets_xor(400, .seed = 0); */
#define datasets_xor(n, ...) datasets_xor_((n), &(SyntheticOptions){ __VA_ARGS__ })
Dataset *datasets_xor_(int64_t n, const SyntheticOptions *options);

/* Options of data_load_images; zero means default. */
typedef struct ImageOptions {
    int64_t size;        /* output size (default 28: size x size) */
    bool invert;         /* 1 - value (white digits on black, like MNIST) */
    bool auto_invert;    /* invert images whose mean is above 0.5 (dark ink on white paper) */
    const char ***names; /* if not NULL, gets the file names (sorted, like the rows) */
    bool digits;         /* prepare each image like an MNIST digit (data_prepare_digit): 28 x 28 */
} ImageOptions;

/* Options of data_prepare_digit; zero means default. */
typedef struct DigitOptions {
    bool invert;       /* always invert (default: when the image is mostly light, dark ink on paper) */
    bool no_invert;    /* never invert (the digit is already light on dark) */
    double threshold;  /* ink level, after the paper is set to 0 and the ink to 1, that bounds the digit
                          for the crop (default 0.2) */
} DigitOptions;
/* Your own digit (a photo or a drawing) prepared the way MNIST's were: gray
 * levels, white ink on black (inverted when mostly light), the paper's grey
 * set to 0, cropped to the digit, resized (aspect kept, antialiased) to fit
 * 20 x 20, centred by its centre of mass in 28 x 28.
 * Arguments: img, one image: (H, W), (1 | 3 | 4, H, W), (H, W, 3) or
 * (1, C, H, W), any dtype (integers, and floats above 1, are 0..255 levels);
 * options .invert (always invert), .no_invert (never), .threshold (the ink
 * level, in (0, 1), that bounds the digit for the crop; default 0.2).
 * Returns a new float32 (1, 1, 28, 28) tensor in [0, 1] on the CPU, ready for
 * nn_predict.
 * Errors: ShapeError for another shape or an empty image; ValueError for
 * both .invert and .no_invert, a threshold outside (0, 1), or a blank image.
 * Example:
 *   Tensor *x = data_prepare_digit(data_load_image("my_7.png", .size = -1)); */
#define data_prepare_digit(img, ...) data_prepare_digit_((img), &(DigitOptions){ __VA_ARGS__ })
Tensor *data_prepare_digit_(Tensor *img, const DigitOptions *options);

/* Every .png file of a folder as one tensor of images, sorted by file name:
 * grayscale (transparent pixels are white paper), resized to size x size by
 * box averaging, float32 in [0, 1].
 * Arguments: dir, the folder (relative to the notebook); options .size
 * (default 28, > 0), .invert (1 - value: white on black like MNIST),
 * .auto_invert (invert the images whose mean is above 0.5: dark ink on white
 * paper), .digits (prepare each one like an MNIST digit with
 * data_prepare_digit: 28 x 28), .names (the address of a const char ** that
 * gets the file names, in the order of the rows).
 * Returns a new float32 N x 1 x size x size tensor.
 * Errors: IOError when the folder cannot be opened, holds no .png file, or a
 * file is not a PNG; ValueError for a negative .size, or .digits with a .size
 * other than 28; with .digits, the errors of data_prepare_digit.
 * Example:
 *   const char **names;
 *   Tensor *mine = data_load_images("my_digits", .digits = true, .names = &names); */
#define data_load_images(dir, ...) data_load_images_((dir), &(ImageOptions){ __VA_ARGS__ })
Tensor *data_load_images_(const char *dir, const ImageOptions *options);
/* One PNG file as an image tensor, grayscale in [0, 1] as data_load_images
 * makes them.
 * Arguments: path; options .size (default 28: resized to 28 x 28; < 0: the
 * image's own size), .invert (1 - value), .auto_invert (invert when the mean
 * is above 0.5; ignored with .size < 0), .digits (prepared like an MNIST
 * digit by data_prepare_digit).
 * Returns a new float32 1 x 1 x size x size tensor (1 x 1 x H x W with
 * .size < 0, 1 x 1 x 28 x 28 with .digits).
 * Errors: IOError when the file cannot be read as a PNG; ValueError for
 * .digits with a .size other than 28; with .digits, the errors of
 * data_prepare_digit.
 * Example:
 *   Tensor *x = data_load_image("my_7.png", .digits = true);
 *   Tensor *pred = nn_predict(model, x); */
#define data_load_image(path, ...) data_load_image_((path), &(ImageOptions){ __VA_ARGS__ })
Tensor *data_load_image_(const char *path, const ImageOptions *options);

/* Options of data_read_csv; zero means default. */
typedef struct CsvOptions {
    char delimiter;      /* default ',' */
    int header;          /* 1: first line is a header, -1: none, 0: guess (non-numeric first line) */
    const char ***column_names; /* if not NULL, gets the header's names (NULL without header) */
    int *n_columns;      /* if not NULL, gets the number of columns */
} CsvOptions;

/* A numeric CSV file as a float32 rows x columns tensor, like numpy.loadtxt
 * or pandas.read_csv(...).to_numpy(); empty cells are NaN.
 * Arguments: path (relative to the notebook); options .delimiter (default
 * ','), .header (1: the first line is a header; -1: none; 0, the default:
 * a header when the first line is not all numbers), .column_names (the
 * address of a const char ** that gets the header's names, NULL without a
 * header), .n_columns (the address of an int that gets the column count).
 * Returns a new float32 tensor (0 x 0 for an empty file). Spaces, tabs and
 * quotes around a value are ignored.
 * Errors: IOError when the file cannot be opened; ValueError for a line with
 * another number of fields than the first, or a cell that is not a number.
 * Example:
 *   int ncol;
 *   Tensor *t = data_read_csv("houses.csv", .delimiter = ';', .n_columns = &ncol); */
#define data_read_csv(path, ...) data_read_csv_((path), &(CsvOptions){ __VA_ARGS__ })
Tensor *data_read_csv_(const char *path, const CsvOptions *options);

#endif
