/* cuDNN: convolution (forward, input and weight gradients, bias gradient),
 * transposed convolution (the same passes swapped), training batch norm
 * and (log-)softmax over the middle axis of (k1, r, k2), on contiguous
 * NCHW float32 / float64 tensors. cuDNN 9 marks these "legacy" calls
 * deprecated in favour of its graph API, which would take several times
 * the code for the same kernels; they remain supported, so the deprecation
 * warnings are silenced here. Convolutions use FMA math (no TF32): float32
 * results agree with the CPU's to rounding. Algorithms come from cuDNN's
 * heuristics (FFT ones left out: more memory and rounding error), cached
 * per geometry. */
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#include "cuda_host.h"

static cudnnHandle_t dnn_of(const Tensor *t)
{
    CudaDev *d = cuda_dev_of(t);
    if (!d->dnn) {
        CUDNN(cudnnCreate(&d->dnn));
        CUDNN(cudnnSetStream(d->dnn, d->stream));
    }
    return d->dnn;
}

static cudnnDataType_t dnn_type(DType dt) { return dt == DT_FLOAT64 ? CUDNN_DATA_DOUBLE : CUDNN_DATA_FLOAT; }

/* alpha / beta as cuDNN wants them: double for double tensors, else float. */
typedef struct Scale { float f; double d; } Scale;
static const void *sc(const Scale *s, DType dt) { return dt == DT_FLOAT64 ? (const void *)&s->d : (const void *)&s->f; }
static const Scale ONE = { 1, 1 }, ZERO = { 0, 0 };

static cudnnTensorDescriptor_t tdesc4(DType dt, int64_t n, int64_t c, int64_t h, int64_t w)
{
    cudnnTensorDescriptor_t d;
    CUDNN(cudnnCreateTensorDescriptor(&d));
    CUDNN(cudnnSetTensor4dDescriptor(d, CUDNN_TENSOR_NCHW, dnn_type(dt), (int)n, (int)c, (int)h, (int)w));
    return d;
}

/* ---- convolution ---- */

bool cuda_conv_fits(const ConvGeom *g)
{
    /* cuDNN pads symmetrically: the engine's geometry must be what the top
     * / left padding on both sides gives (the windows are then the same). */
    int64_t oh = (g->H + 2 * g->pt - g->dh * (g->kh - 1) - 1) / g->sh + 1;
    int64_t ow = (g->W + 2 * g->pl - g->dw * (g->kw - 1) - 1) / g->sw + 1;
    return oh == g->OH && ow == g->OW && g->H + 2 * g->pt - g->dh * (g->kh - 1) - 1 >= 0 &&
           g->W + 2 * g->pl - g->dw * (g->kw - 1) - 1 >= 0;
}

typedef struct ConvDescs {
    cudnnTensorDescriptor_t x, y;  /* the conv's input (N, C, H, W) and output (N, O, OH, OW) */
    cudnnFilterDescriptor_t w;
    cudnnConvolutionDescriptor_t conv;
} ConvDescs;

static ConvDescs conv_descs(DType dt, const ConvGeom *g)
{
    ConvDescs D;
    D.x = tdesc4(dt, g->N, g->C, g->H, g->W);
    D.y = tdesc4(dt, g->N, g->O, g->OH, g->OW);
    CUDNN(cudnnCreateFilterDescriptor(&D.w));
    CUDNN(cudnnSetFilter4dDescriptor(D.w, dnn_type(dt), CUDNN_TENSOR_NCHW, (int)g->O, (int)(g->C / g->groups),
                                     (int)g->kh, (int)g->kw));
    CUDNN(cudnnCreateConvolutionDescriptor(&D.conv));
    CUDNN(cudnnSetConvolution2dDescriptor(D.conv, (int)g->pt, (int)g->pl, (int)g->sh, (int)g->sw, (int)g->dh,
                                          (int)g->dw, CUDNN_CROSS_CORRELATION, dnn_type(dt)));
    CUDNN(cudnnSetConvolutionGroupCount(D.conv, g->groups));
    CUDNN(cudnnSetConvolutionMathType(D.conv, CUDNN_FMA_MATH));
    return D;
}

static void conv_descs_free(ConvDescs *D)
{
    cudnnDestroyTensorDescriptor(D->x);
    cudnnDestroyTensorDescriptor(D->y);
    cudnnDestroyFilterDescriptor(D->w);
    cudnnDestroyConvolutionDescriptor(D->conv);
}

/* The algorithms picked per geometry, dtype and pass (a training loop asks
 * for the same few geometries every step). */
enum { CONV_FWD, CONV_DATA, CONV_FILTER };
typedef struct AlgoEntry { ConvGeom g; int dev; DType dt; int pass, algo; } AlgoEntry;
#define ALGO_CACHE 256
static AlgoEntry g_algos[ALGO_CACHE];
static int g_nalgos, g_next_evict;

static int algo_cached(const ConvGeom *g, int dev, DType dt, int pass)
{
    for (int i = 0; i < g_nalgos; i++)
        if (g_algos[i].pass == pass && g_algos[i].dev == dev && g_algos[i].dt == dt &&
            !memcmp(&g_algos[i].g, g, sizeof *g))
            return g_algos[i].algo;
    return -1;
}

static void algo_remember(const ConvGeom *g, int dev, DType dt, int pass, int algo)
{
    AlgoEntry *e = g_nalgos < ALGO_CACHE ? &g_algos[g_nalgos++] : &g_algos[g_next_evict++ % ALGO_CACHE];
    memset(e, 0, sizeof *e);
    e->g = *g;
    e->dev = dev;
    e->dt = dt;
    e->pass = pass;
    e->algo = algo;
}

/* The first of cuDNN's ranked algorithms that succeeds with FMA math and is
 * not an FFT one; fallback the implicit gemm every GPU has. */
#define PICK(perfs, got, fft1, fft2, fallback) do { \
    algo = (fallback); \
    for (int i_ = 0; i_ < (got); i_++) \
        if ((perfs)[i_].status == CUDNN_STATUS_SUCCESS && (perfs)[i_].mathType == CUDNN_FMA_MATH && \
            (int)(perfs)[i_].algo != (int)(fft1) && (int)(perfs)[i_].algo != (int)(fft2)) { \
            algo = (int)(perfs)[i_].algo; \
            break; \
        } \
} while (0)

static int pick_algo(cudnnHandle_t h, const ConvDescs *D, const ConvGeom *g, const Tensor *like, int pass)
{
    int dev = device_index(like->device);
    int algo = algo_cached(g, dev, like->dtype, pass);
    if (algo >= 0)
        return algo;
    int got = 0;
    if (pass == CONV_FWD) {
        cudnnConvolutionFwdAlgoPerf_t perf[CUDNN_CONVOLUTION_FWD_ALGO_COUNT];
        CUDNN(cudnnGetConvolutionForwardAlgorithm_v7(h, D->x, D->w, D->conv, D->y, CUDNN_CONVOLUTION_FWD_ALGO_COUNT,
                                                     &got, perf));
        PICK(perf, got, CUDNN_CONVOLUTION_FWD_ALGO_FFT, CUDNN_CONVOLUTION_FWD_ALGO_FFT_TILING,
             CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM);
    } else if (pass == CONV_DATA) {
        cudnnConvolutionBwdDataAlgoPerf_t perf[CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT];
        CUDNN(cudnnGetConvolutionBackwardDataAlgorithm_v7(h, D->w, D->y, D->conv, D->x,
                                                          CUDNN_CONVOLUTION_BWD_DATA_ALGO_COUNT, &got, perf));
        PICK(perf, got, CUDNN_CONVOLUTION_BWD_DATA_ALGO_FFT, CUDNN_CONVOLUTION_BWD_DATA_ALGO_FFT_TILING,
             CUDNN_CONVOLUTION_BWD_DATA_ALGO_1);
    } else {
        cudnnConvolutionBwdFilterAlgoPerf_t perf[CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT];
        CUDNN(cudnnGetConvolutionBackwardFilterAlgorithm_v7(h, D->x, D->y, D->conv, D->w,
                                                            CUDNN_CONVOLUTION_BWD_FILTER_ALGO_COUNT, &got, perf));
        PICK(perf, got, CUDNN_CONVOLUTION_BWD_FILTER_ALGO_FFT, CUDNN_CONVOLUTION_BWD_FILTER_ALGO_FFT_TILING,
             CUDNN_CONVOLUTION_BWD_FILTER_ALGO_1);
    }
    algo_remember(g, dev, like->dtype, pass, algo);
    return algo;
}

/* out (the conv's output, N O OH OW) = conv(in, w) */
static void conv_forward(const ConvGeom *g, const Tensor *in, const Tensor *w, Tensor *out)
{
    cudnnHandle_t h = dnn_of(in);
    ConvDescs D = conv_descs(in->dtype, g);
    cudnnConvolutionFwdAlgo_t algo = (cudnnConvolutionFwdAlgo_t)pick_algo(h, &D, g, in, CONV_FWD);
    size_t ws = 0;
    CUDNN(cudnnGetConvolutionForwardWorkspaceSize(h, D.x, D.w, D.conv, D.y, algo, &ws));
    CudaBlock blk = cuda_scratch(device_index(in->device), ws ? ws : 1);
    CUDNN(cudnnConvolutionForward(h, sc(&ONE, in->dtype), D.x, t_ptr(in), D.w, t_ptr(w), D.conv, algo, blk.ptr, ws,
                                  sc(&ZERO, in->dtype), D.y, t_ptr(out)));
    cuda_scratch_free(blk);
    conv_descs_free(&D);
}

/* gin (the conv's input shape) = the conv's input gradient from gout */
static void conv_backward_data(const ConvGeom *g, const Tensor *gout, const Tensor *w, Tensor *gin)
{
    cudnnHandle_t h = dnn_of(gout);
    ConvDescs D = conv_descs(gout->dtype, g);
    cudnnConvolutionBwdDataAlgo_t algo = (cudnnConvolutionBwdDataAlgo_t)pick_algo(h, &D, g, gout, CONV_DATA);
    size_t ws = 0;
    CUDNN(cudnnGetConvolutionBackwardDataWorkspaceSize(h, D.w, D.y, D.conv, D.x, algo, &ws));
    CudaBlock blk = cuda_scratch(device_index(gout->device), ws ? ws : 1);
    CUDNN(cudnnConvolutionBackwardData(h, sc(&ONE, gout->dtype), D.w, t_ptr(w), D.y, t_ptr(gout), D.conv, algo,
                                       blk.ptr, ws, sc(&ZERO, gout->dtype), D.x, t_ptr(gin)));
    cuda_scratch_free(blk);
    conv_descs_free(&D);
}

/* gw (O, C/groups, kh, kw) = the conv's weight gradient from its input and gout */
static void conv_backward_filter(const ConvGeom *g, const Tensor *in, const Tensor *gout, Tensor *gw)
{
    cudnnHandle_t h = dnn_of(in);
    ConvDescs D = conv_descs(in->dtype, g);
    cudnnConvolutionBwdFilterAlgo_t algo = (cudnnConvolutionBwdFilterAlgo_t)pick_algo(h, &D, g, in, CONV_FILTER);
    size_t ws = 0;
    CUDNN(cudnnGetConvolutionBackwardFilterWorkspaceSize(h, D.x, D.y, D.conv, D.w, algo, &ws));
    CudaBlock blk = cuda_scratch(device_index(in->device), ws ? ws : 1);
    CUDNN(cudnnConvolutionBackwardFilter(h, sc(&ONE, in->dtype), D.x, t_ptr(in), D.y, t_ptr(gout), D.conv, algo,
                                         blk.ptr, ws, sc(&ZERO, in->dtype), D.w, t_ptr(gw)));
    cuda_scratch_free(blk);
    conv_descs_free(&D);
}

/* y (N, c, h, w) += b (c) per channel */
static void add_bias(Tensor *y, const Tensor *b)
{
    cudnnHandle_t h = dnn_of(y);
    cudnnTensorDescriptor_t bd = tdesc4(y->dtype, 1, y->shape[1], 1, 1);
    cudnnTensorDescriptor_t yd = tdesc4(y->dtype, y->shape[0], y->shape[1], y->shape[2], y->shape[3]);
    CUDNN(cudnnAddTensor(h, sc(&ONE, y->dtype), bd, t_ptr(b), sc(&ONE, y->dtype), yd, t_ptr(y)));
    cudnnDestroyTensorDescriptor(bd);
    cudnnDestroyTensorDescriptor(yd);
}

/* gb (c) = gy (N, c, h, w) summed over N, h, w */
static void bias_grad(Tensor *gb, const Tensor *gy)
{
    cudnnHandle_t h = dnn_of(gy);
    cudnnTensorDescriptor_t yd = tdesc4(gy->dtype, gy->shape[0], gy->shape[1], gy->shape[2], gy->shape[3]);
    cudnnTensorDescriptor_t bd = tdesc4(gy->dtype, 1, gy->shape[1], 1, 1);
    CUDNN(cudnnConvolutionBackwardBias(h, sc(&ONE, gy->dtype), yd, t_ptr(gy), sc(&ZERO, gy->dtype), bd, t_ptr(gb)));
    cudnnDestroyTensorDescriptor(yd);
    cudnnDestroyTensorDescriptor(bd);
}

/* The fused ReLU: y = max(y, 0) in place (the engine's unary kernel). */
static void relu_inplace(Tensor *y)
{
    cuda_unary(&(UnaryArgs){ .out = y, .a = y, .op = U_RELU });
}

void cuda_conv2d(Conv2dArgs *a)
{
    a->kept = NULL;  /* cuDNN's backward needs nothing kept from the forward */
    a->kept_chunk = 0;
    if (a->y->numel == 0)
        return;
    conv_forward(&a->g, a->x, a->w, a->y);
    if (a->b)
        add_bias(a->y, a->b);
    if (a->relu)
        relu_inplace(a->y);
}

void cuda_conv2d_bwd(Conv2dBwdArgs *a)
{
    const Tensor *gy = a->gy;
    if (a->ymask) {  /* the fused ReLU's backward: gy where its output is > 0 */
        Tensor *m = t_new(gy->dtype, gy->ndim, gy->shape, gy->device);
        cuda_binary(&(BinaryArgs){ .out = m, .a = gy, .b = a->ymask, .op = B_RELU_BW });
        gy = m;
    }
    if (a->gb)
        bias_grad(a->gb, gy);
    if (a->gw)
        conv_backward_filter(&a->g, a->x, gy, a->gw);
    if (a->gx)
        conv_backward_data(&a->g, gy, a->w, a->gx);
}

/* y (the conv's input shape) = the conv's input gradient of x (its output shape), + b. */
void cuda_conv_transpose2d(ConvTranspose2dArgs *a)
{
    if (a->y->numel == 0)
        return;
    conv_backward_data(&a->g, a->x, a->w, a->y);
    if (a->b)
        add_bias(a->y, a->b);
}

void cuda_conv_transpose2d_bwd(ConvTranspose2dBwdArgs *a)
{
    /* gx (x's shape, the conv's output) = conv(gy); gw from gy as the conv's input and x as its output */
    if (a->gx)
        conv_forward(&a->g, a->gy, a->w, a->gx);
    if (a->gw)
        conv_backward_filter(&a->g, a->gy, a->x, a->gw);
}

/* ---- batch norm (spatial: one mean and variance per channel over N and the rest) ---- */

/* (N, C, L...) as cuDNN's (N, C, L, 1), and its per-channel (1, C, 1, 1). */
static void bn_descs(const Tensor *x, cudnnTensorDescriptor_t *xd, cudnnTensorDescriptor_t *pd)
{
    int64_t L = 1;
    for (int d = 2; d < x->ndim; d++)
        L *= x->shape[d];
    *xd = tdesc4(x->dtype, x->shape[0], x->shape[1], L, 1);
    *pd = tdesc4(x->dtype, 1, x->shape[1], 1, 1);
}

/* A per-channel tensor, or a temporary filled with value where it is NULL. */
static const Tensor *or_filled(const Tensor *t, const Tensor *x, double value)
{
    if (t)
        return t;
    Tensor *f = t_new(x->dtype, 1, &x->shape[1], x->device);
    cuda_fill_value(f, value);
    return f;
}

static Tensor *or_scratch(Tensor *t, const Tensor *like, int ndim, const int64_t *shape)
{
    return t ? t : t_new(like->dtype, ndim, shape, like->device);
}

void cuda_batch_norm(BatchNormArgs *a)
{
    const Tensor *x = a->x;
    cudnnHandle_t h = dnn_of(x);
    cudnnTensorDescriptor_t xd, pd;
    bn_descs(x, &xd, &pd);
    /* cuDNN updates the running variance with the unbiased batch variance, as the CPU does */
    CUDNN(cudnnBatchNormalizationForwardTraining(
        h, CUDNN_BATCHNORM_SPATIAL, sc(&ONE, x->dtype), sc(&ZERO, x->dtype), xd, t_ptr(x), xd, t_ptr(a->y), pd,
        t_ptr(or_filled(a->w, x, 1)), t_ptr(or_filled(a->b, x, 0)), a->momentum,
        a->running_mean ? t_ptr(a->running_mean) : NULL, a->running_var ? t_ptr(a->running_var) : NULL, a->eps,
        t_ptr(a->mean), t_ptr(a->invstd)));
    cudnnDestroyTensorDescriptor(xd);
    cudnnDestroyTensorDescriptor(pd);
}

void cuda_batch_norm_bwd(BatchNormBwdArgs *a)
{
    const Tensor *x = a->x;
    cudnnHandle_t h = dnn_of(x);
    cudnnTensorDescriptor_t xd, pd;
    bn_descs(x, &xd, &pd);
    /* cuDNN computes the three gradients together: scratch for those not wanted */
    Tensor *gx = or_scratch(a->gx, x, x->ndim, x->shape);
    Tensor *gw = or_scratch(a->gw, x, 1, &x->shape[1]), *gb = or_scratch(a->gb, x, 1, &x->shape[1]);
    /* the saved statistics are given, so cuDNN reads no epsilon (the
     * forward's is inside the saved inverse standard deviation) */
    CUDNN(cudnnBatchNormalizationBackward(h, CUDNN_BATCHNORM_SPATIAL, sc(&ONE, x->dtype), sc(&ZERO, x->dtype),
                                          sc(&ONE, x->dtype), sc(&ZERO, x->dtype), xd, t_ptr(x), xd, t_ptr(a->gy), xd,
                                          t_ptr(gx), pd, t_ptr(or_filled(a->w, x, 1)), t_ptr(gw), t_ptr(gb),
                                          CUDNN_BN_MIN_EPSILON, t_ptr(a->mean), t_ptr(a->invstd)));
    cudnnDestroyTensorDescriptor(xd);
    cudnnDestroyTensorDescriptor(pd);
}

/* ---- softmax over r of (k1, r, k2): cuDNN's channel mode over (k1, r, k2, 1) ---- */

void cuda_softmax(SoftmaxArgs *a)
{
    if (a->out->numel == 0)
        return;
    cudnnHandle_t h = dnn_of(a->x);
    cudnnTensorDescriptor_t d = tdesc4(a->x->dtype, a->k1, a->r, a->k2, 1);
    CUDNN(cudnnSoftmaxForward(h, a->log ? CUDNN_SOFTMAX_LOG : CUDNN_SOFTMAX_ACCURATE, CUDNN_SOFTMAX_MODE_CHANNEL,
                              sc(&ONE, a->x->dtype), d, t_ptr(a->x), sc(&ZERO, a->x->dtype), d, t_ptr(a->out)));
    cudnnDestroyTensorDescriptor(d);
}

void cuda_softmax_bwd(SoftmaxBwdArgs *a)
{
    if (a->gx->numel == 0)
        return;
    cudnnHandle_t h = dnn_of(a->y);
    cudnnTensorDescriptor_t d = tdesc4(a->y->dtype, a->k1, a->r, a->k2, 1);
    CUDNN(cudnnSoftmaxBackward(h, a->log ? CUDNN_SOFTMAX_LOG : CUDNN_SOFTMAX_ACCURATE, CUDNN_SOFTMAX_MODE_CHANNEL,
                               sc(&ONE, a->y->dtype), d, t_ptr(a->y), d, t_ptr(a->g), sc(&ZERO, a->y->dtype), d,
                               t_ptr(a->gx)));
    cudnnDestroyTensorDescriptor(d);
}
