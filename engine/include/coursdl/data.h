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

/* A dataset over tensors (like TensorDataset): sample i is x[i] and y[i];
 * y may be NULL. x and y must have the same first dimension. */
Dataset *data_tensor_dataset(Tensor *x, Tensor *y);

/* Your own dataset, written in a cell: get_item fills *x (and *y, which may
 * be left NULL) for sample index; len returns the number of samples. ctx is
 * passed back to both. Items of one batch are stacked (tensor_stack). */
typedef void (*DatasetGetItem)(int64_t index, Tensor **x, Tensor **y, void *ctx);
typedef int64_t (*DatasetLen)(void *ctx);
Dataset *data_dataset(DatasetGetItem get_item, DatasetLen len, void *ctx);

/* The samples of ds at the int64 indices (1-D), like torch Subset. */
Dataset *data_subset(Dataset *ds, Tensor *indices);
/* Number of samples (len(ds)). */
int64_t data_len(Dataset *ds);
/* Sample index: *x and *y (either pointer may be NULL). */
void data_get(Dataset *ds, int64_t index, Tensor **x, Tensor **y);
/* All inputs / targets as one tensor (the tensors themselves for a tensor
 * dataset; stacked otherwise). data_y is NULL without targets. */
Tensor *data_x(Dataset *ds);
Tensor *data_y(Dataset *ds);
/* Class names (e.g. "T-shirt/top") and their count; NULL / 0 when unknown. */
const char *const *data_class_names(Dataset *ds);
int data_num_classes(Dataset *ds);
/* Gives ds class names (n of them, copied). Returns ds. */
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

/* A loader over ds: data_loader(ds, .batch_size = 64, .shuffle = true). */
#define data_loader(ds, ...) data_loader_((ds), &(LoaderOptions){ __VA_ARGS__ })
DataLoader *data_loader_(Dataset *ds, const LoaderOptions *options);
/* The next batch of the epoch, or NULL at its end (the call after NULL
 * starts a new epoch). Checks for an interrupt at every batch. */
Batch *data_next(DataLoader *dl);
/* The batch data_next would return next, without taking it (like
 * next(iter(loader)) to look at one batch): training then still sees the
 * whole epoch, in the same order. Random transforms are drawn again when
 * the batch is taken. NULL at the end of an epoch. */
Batch *data_peek(DataLoader *dl);
/* Starts a new epoch now (a new order when shuffling); right after a
 * data_peek that began an epoch, that epoch is kept. */
void data_reset(DataLoader *dl);
/* Batches per epoch (len(loader)). */
int64_t data_num_batches(DataLoader *dl);
/* The loader's dataset. */
Dataset *data_loader_dataset(DataLoader *dl);
/* Re-seeds the loader's generator (shuffling and augmentation). */
void data_loader_seed(DataLoader *dl, uint64_t seed);
/* The loader's batch size (its .batch_size option, default applied). */
int64_t data_loader_batch_size(DataLoader *dl);

/* ---- splits --------------------------------------------------------------------- */

/* Splits ds into n random disjoint subsets (torch random_split). lengths are
 * counts summing to len(ds), or fractions summing to 1:
 * Dataset **parts = data_random_split(ds, 2, (double[]){0.8, 0.2}, 42). */
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

/* sklearn's train_test_split: TrainTestSplit *s = data_train_test_split(X, y,
 * .test_size = 0.2, .seed = 42); then s->x_train, s->y_test... y may be NULL. */
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

/* sklearn's KFold: k folds over n samples (the first n % k validation folds
 * get one sample more): Fold *f = data_kfold(n, 5, .shuffle = true);
 * f[i].train, f[i].val. With .stratify = y, each class is dealt over the
 * folds in turn, so each fold holds its share of every class (within one
 * sample) like sklearn's StratifiedKFold. Indices come in ascending order. */
#define data_kfold(n, k, ...) data_kfold_((n), (k), &(KFoldOptions){ __VA_ARGS__ })
Fold *data_kfold_(int64_t n, int k, const KFoldOptions *options);

/* ---- transforms (applied to whole batches) --------------------------------------- */

/* A transform function: returns the transformed batch (gen: the loader's generator). */
typedef Tensor *(*TransformFn)(Tensor *batch, Generator *gen, void *ctx);

/* A transform from your own function. */
Transform *transforms_lambda(TransformFn fn, void *ctx);
/* Several transforms in order: transforms_compose(TRANSFORMS_OF(a, b)). */
Transform *transforms_compose(Transform **list, int n);
#define TRANSFORMS_OF(...) (Transform *[]){__VA_ARGS__}, \
    (int)(sizeof((Transform *[]){__VA_ARGS__}) / sizeof(Transform *))
/* Applies t to a batch (gen NULL: the default generator). */
Tensor *transforms_apply(Transform *t, Tensor *batch, Generator *gen);
/* Converts to float32 and divides by 255 (uint8 pixels to [0, 1]), like ToTensor. */
Transform *transforms_scale(void);
/* (x - mean) / std, like Normalize((0.1307,), (0.3081,)). */
Transform *transforms_normalize(double mean, double std);
/* Per-channel (dim 1) means and standard deviations of n channels. */
Transform *transforms_normalize_channels(int n, const double *mean, const double *std);
/* int64 labels (N) to float32 one-hot rows (N x num_classes). */
Transform *transforms_one_hot(int num_classes);
/* Flips images (last dim) left-right with probability p (0: 0.5). */
Transform *transforms_horizontal_flip(double p);
/* Rotates each image by a random angle in [-degrees, degrees] (bilinear, zeros outside). */
Transform *transforms_random_rotation(double degrees);
/* Options of transforms_random_affine; zero means none of that change. */
typedef struct AffineOptions {
    double degrees;        /* rotation in [-degrees, degrees] */
    double translate;      /* shift up to this fraction of the width / height */
    double scale_min, scale_max; /* zoom factor range (both 0: no zoom) */
} AffineOptions;
/* Random rotation, shift and zoom per image: transforms_random_affine(.degrees = 10, .translate = 0.1). */
#define transforms_random_affine(...) transforms_random_affine_(&(AffineOptions){ __VA_ARGS__ })
Transform *transforms_random_affine_(const AffineOptions *options);
/* Random zoom by a factor in [lo, hi] (> 1 enlarges). */
Transform *transforms_random_zoom(double lo, double hi);
/* Pads each image with padding zeros on every side, then crops a random
 * size x size window (size 0: the original size), like RandomCrop(28, padding=4). */
Transform *transforms_random_crop(int64_t size, int64_t padding);

/* ---- ready-made datasets --------------------------------------------------------------- */

/* Options of datasets_mnist / datasets_fashion_mnist; zero means default. */
typedef struct MnistOptions {
    bool raw;        /* keep uint8 pixels 0..255 (default: float32 in [0, 1]) */
    int64_t limit;   /* only the first limit samples (0: all) */
} MnistOptions;

/* MNIST digits (train: the training set, else the test set): x float32
 * N x 1 x 28 x 28 in [0, 1] (uint8 0..255 with .raw), y int64 labels,
 * class names "0".."9". Found where students have it, in this order: root
 * (may be NULL) and $COURSDL_DATA (IDX files, gzip or raw, in the folder, its
 * mnist-subset/ or torchvision's MNIST/raw/ layout, or Keras's mnist.npz),
 * then Keras's ~/.keras/datasets/mnist.npz ($KERAS_HOME/datasets),
 * torchvision's data/MNIST/raw and ~/data/MNIST/raw, and last the project's
 * shared/data/mnist-subset (not those defaults when the environment has
 * COURSDL_DATA_ONLY=1). An IOError lists every path tried and how to get the
 * files. */
#define datasets_mnist(root, train, ...) datasets_mnist_((root), (train), &(MnistOptions){ __VA_ARGS__ })
Dataset *datasets_mnist_(const char *root, bool train, const MnistOptions *options);
/* Fashion-MNIST (same layout; classes "T-shirt/top", "Trouser"...), searched
 * the same way (Keras's ~/.keras/datasets/fashion-mnist/, torchvision's
 * FashionMNIST/raw) and in /usr/share/datasets/fashion-mnist (apt-get install
 * dataset-fashion-mnist). */
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

/* sklearn's make_moons: n x 2 float32 points, int64 labels 0/1:
 * Dataset *m = datasets_make_moons(200, .noise = 0.1, .seed = 0); data_x(m), data_y(m). */
#define datasets_make_moons(n, ...) datasets_make_moons_((n), &(SyntheticOptions){ __VA_ARGS__ })
Dataset *datasets_make_moons_(int64_t n, const SyntheticOptions *options);
/* sklearn's make_circles: two concentric circles (labels 0 outer, 1 inner). */
#define datasets_make_circles(n, ...) datasets_make_circles_((n), &(SyntheticOptions){ __VA_ARGS__ })
Dataset *datasets_make_circles_(int64_t n, const SyntheticOptions *options);
/* sklearn's make_blobs: Gaussian clusters around centers drawn in [-10, 10]. */
#define datasets_make_blobs(n, ...) datasets_make_blobs_((n), &(SyntheticOptions){ __VA_ARGS__ })
Dataset *datasets_make_blobs_(int64_t n, const SyntheticOptions *options);
/* XOR: points uniform in [-1, 1]^2, label 1 when x and y have opposite signs. */
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
 * 20 x 20, centred by its centre of mass in 28 x 28. The image: (H, W),
 * (1 | 3 | 4, H, W), (H, W, 3) or (1, C, H, W), any dtype (integers, and floats
 * above 1, are 0..255 levels).
 * Returns float32 (1, 1, 28, 28) in [0, 1], ready for nn_predict:
 *     Tensor *x = data_prepare_digit(data_load_image("mon_7.png", .size = -1)); */
#define data_prepare_digit(img, ...) data_prepare_digit_((img), &(DigitOptions){ __VA_ARGS__ })
Tensor *data_prepare_digit_(Tensor *img, const DigitOptions *options);

/* Every .png of a folder as float32 N x 1 x size x size in [0, 1]
 * (grayscale, resized), sorted by file name:
 * Tensor *mine = data_load_images("my_digits", .auto_invert = true), or
 * prepared like MNIST's digits (crop, 20 x 20, centre of mass):
 * data_load_images("my_digits", .digits = true). */
#define data_load_images(dir, ...) data_load_images_((dir), &(ImageOptions){ __VA_ARGS__ })
Tensor *data_load_images_(const char *dir, const ImageOptions *options);
/* One PNG as float32 1 x 1 x size x size (.size = -1: its own size;
 * .digits = true: prepared like an MNIST digit). */
#define data_load_image(path, ...) data_load_image_((path), &(ImageOptions){ __VA_ARGS__ })
Tensor *data_load_image_(const char *path, const ImageOptions *options);

/* Options of data_read_csv; zero means default. */
typedef struct CsvOptions {
    char delimiter;      /* default ',' */
    int header;          /* 1: first line is a header, -1: none, 0: guess (non-numeric first line) */
    const char ***column_names; /* if not NULL, gets the header's names (NULL without header) */
    int *n_columns;      /* if not NULL, gets the number of columns */
} CsvOptions;

/* A numeric CSV file as float32 rows x columns (empty cells are NaN):
 * Tensor *t = data_read_csv("houses.csv", .delimiter = ';'). */
#define data_read_csv(path, ...) data_read_csv_((path), &(CsvOptions){ __VA_ARGS__ })
Tensor *data_read_csv_(const char *path, const CsvOptions *options);

#endif
