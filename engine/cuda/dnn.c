/* cuDNN wrappers: convolution (forward, input and weight gradients, bias),
 * pooling, batch norm, (log-)softmax, on contiguous NCHW float32/float64
 * tensors. cuDNN 9 marks these "legacy" calls deprecated in favour of its
 * graph API, which would take several times the code for the same kernels;
 * they remain supported, so the deprecation warnings are silenced here.
 * Convolutions use FMA math (no TF32): float32 results within 1e-4 of the
 * CPU's. Algorithms come from cuDNN's heuristics, cached per geometry. */
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

static cudnnDataType_t dnn_type(const Tensor *t)
{
    if (t->dtype == DT_FLOAT32)
        return CUDNN_DATA_FLOAT;
    if (t->dtype == DT_FLOAT64)
        return CUDNN_DATA_DOUBLE;
    error_raise(ERR_TYPE, "cuDNN layers take float32 or float64 tensors, not %s (convert with tensor_float)",
                dtype_name(t->dtype));
}

static void need_contig(const Tensor *t, const char *what)
{
    if (!t->contiguous)
        error_raise(ERR_RUNTIME, "cuda %s: internal: tensor must be contiguous", what);
}

/* alpha / beta as cuDNN wants them: double for double tensors, else float. */
typedef struct Scale { float f; double d; } Scale;
static const void *sc(const Scale *s, const Tensor *t) { return t->dtype == DT_FLOAT64 ? (const void *)&s->d : &s->f; }
static const Scale ONE = { 1, 1 }, ZERO = { 0, 0 };

static cudnnTensorDescriptor_t tdesc4(const Tensor *t, int64_t n, int64_t c, int64_t h, int64_t w)
{
    cudnnTensorDescriptor_t d;
    CUDNN(cudnnCreateTensorDescriptor(&d));
    CUDNN(cudnnSetTensor4dDescriptor(d, CUDNN_TENSOR_NCHW, dnn_type(t), (int)n, (int)c, (int)h, (int)w));
    return d;
}

/* (N, C, ...) as (N, C, H, 1) with H the product of the rest. */
static cudnnTensorDescriptor_t tdesc_nc(const Tensor *t)
{
    int64_t rest = 1;
    for (int i = 2; i < t->ndim; i++)
        rest *= t->shape[i];
    return tdesc4(t, t->shape[0], t->ndim > 1 ? t->shape[1] : 1, rest, 1);
}

/* ---- convolution ---- */

typedef struct ConvDescs {
    cudnnTensorDescriptor_t x, y;
    cudnnFilterDescriptor_t w;
    cudnnConvolutionDescriptor_t conv;
} ConvDescs;

static ConvDescs conv_descs(const Tensor *like, const CudaConv *g)
{
    ConvDescs D;
    cudnnDataType_t ty = dnn_type(like);
    D.x = tdesc4(like, g->N, g->C, g->H, g->W);
    D.y = tdesc4(like, g->N, g->O, g->OH, g->OW);
    CUDNN(cudnnCreateFilterDescriptor(&D.w));
    CUDNN(cudnnSetFilter4dDescriptor(D.w, ty, CUDNN_TENSOR_NCHW, (int)g->O, (int)(g->C / g->groups), (int)g->kh,
                                     (int)g->kw));
    CUDNN(cudnnCreateConvolutionDescriptor(&D.conv));
    CUDNN(cudnnSetConvolution2dDescriptor(D.conv, g->ph, g->pw, g->sh, g->sw, g->dh, g->dw, CUDNN_CROSS_CORRELATION,
                                          ty));
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

/* The algorithms picked for a geometry (forward, data, filter). */
typedef struct AlgoEntry {
    CudaConv g;
    int dev;
    DType dt;
    int kind;
    int algo;
} AlgoEntry;
#define ALGO_CACHE 128
static AlgoEntry g_algos[ALGO_CACHE];
static int g_nalgos;

static int algo_cached(const CudaConv *g, int dev, DType dt, int kind)
{
    for (int i = 0; i < g_nalgos; i++)
        if (g_algos[i].kind == kind && g_algos[i].dev == dev && g_algos[i].dt == dt &&
            !memcmp(&g_algos[i].g, g, sizeof *g))
            return g_algos[i].algo;
    return -1;
}

static void algo_remember(const CudaConv *g, int dev, DType dt, int kind, int algo)
{
    AlgoEntry *e = &g_algos[g_nalgos < ALGO_CACHE ? g_nalgos++ : (int)(g->N + g->C + kind) % ALGO_CACHE];
    memset(e, 0, sizeof *e);
    e->g = *g;
    e->dev = dev;
    e->dt = dt;
    e->kind = kind;
    e->algo = algo;
}

/* Runs one of the three convolution passes with a heuristically chosen
 * algorithm and its workspace. */
enum { CONV_FWD, CONV_DATA, CONV_FILTER };

static int pick_algo(cudnnHandle_t h, const ConvDescs *D, const CudaConv *g, const Tensor *like, int kind)
{
    int dev = like->device;
    int algo = algo_cached(g, dev, like->dtype, kind);
    if (algo >= 0)
        return algo;
    int got = 0;
    if (kind == CONV_FWD) {
        cudnnConvolutionFwdAlgoPerf_t perf[8];
        CUDNN(cudnnGetConvolutionForwardAlgorithm_v7(h, D->x, D->w, D->conv, D->y, 8, &got, perf));
        algo = CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM;
        for (int i = 0; i < got; i++)
            if (perf[i].status == CUDNN_STATUS_SUCCESS && perf[i].mathType == CUDNN_FMA_MATH) {
                algo = perf[i].algo;
                break;
            }
    } else if (kind == CONV_DATA) {
        cudnnConvolutionBwdDataAlgoPerf_t perf[8];
        CUDNN(cudnnGetConvolutionBackwardDataAlgorithm_v7(h, D->w, D->y, D->conv, D->x, 8, &got, perf));
        algo = CUDNN_CONVOLUTION_BWD_DATA_ALGO_1;
        for (int i = 0; i < got; i++)
            if (perf[i].status == CUDNN_STATUS_SUCCESS && perf[i].mathType == CUDNN_FMA_MATH) {
                algo = perf[i].algo;
                break;
            }
    } else {
        cudnnConvolutionBwdFilterAlgoPerf_t perf[8];
        CUDNN(cudnnGetConvolutionBackwardFilterAlgorithm_v7(h, D->x, D->y, D->conv, D->w, 8, &got, perf));
        algo = CUDNN_CONVOLUTION_BWD_FILTER_ALGO_1;
        for (int i = 0; i < got; i++)
            if (perf[i].status == CUDNN_STATUS_SUCCESS && perf[i].mathType == CUDNN_FMA_MATH) {
                algo = perf[i].algo;
                break;
            }
    }
    algo_remember(g, dev, like->dtype, kind, algo);
    return algo;
}

void cuda_conv2d_forward(Tensor *y, const Tensor *x, const Tensor *w, const Tensor *b, const CudaConv *g)
{
    need_contig(x, "conv2d");
    need_contig(w, "conv2d");
    cudnnHandle_t h = dnn_of(x);
    ConvDescs D = conv_descs(x, g);
    cudnnConvolutionFwdAlgo_t algo = (cudnnConvolutionFwdAlgo_t)pick_algo(h, &D, g, x, CONV_FWD);
    size_t ws = 0;
    CUDNN(cudnnGetConvolutionForwardWorkspaceSize(h, D.x, D.w, D.conv, D.y, algo, &ws));
    CudaBlock blk = cuda_scratch(x->device - 1, ws ? ws : 1);
    CUDNN(cudnnConvolutionForward(h, sc(&ONE, x), D.x, t_ptr(x), D.w, t_ptr(w), D.conv, algo, blk.ptr, ws,
                                  sc(&ZERO, x), D.y, t_ptr(y)));
    cuda_scratch_free(blk);
    if (b) {
        cudnnTensorDescriptor_t bd = tdesc4(b, 1, g->O, 1, 1);
        CUDNN(cudnnAddTensor(h, sc(&ONE, x), bd, t_ptr(b), sc(&ONE, x), D.y, t_ptr(y)));
        cudnnDestroyTensorDescriptor(bd);
    }
    conv_descs_free(&D);
}

void cuda_conv2d_backward_data(Tensor *gx, const Tensor *gy, const Tensor *w, const CudaConv *g)
{
    need_contig(gy, "conv2d backward");
    need_contig(w, "conv2d backward");
    cudnnHandle_t h = dnn_of(gy);
    ConvDescs D = conv_descs(gy, g);
    cudnnConvolutionBwdDataAlgo_t algo = (cudnnConvolutionBwdDataAlgo_t)pick_algo(h, &D, g, gy, CONV_DATA);
    size_t ws = 0;
    CUDNN(cudnnGetConvolutionBackwardDataWorkspaceSize(h, D.w, D.y, D.conv, D.x, algo, &ws));
    CudaBlock blk = cuda_scratch(gy->device - 1, ws ? ws : 1);
    CUDNN(cudnnConvolutionBackwardData(h, sc(&ONE, gy), D.w, t_ptr(w), D.y, t_ptr(gy), D.conv, algo, blk.ptr, ws,
                                       sc(&ZERO, gy), D.x, t_ptr(gx)));
    cuda_scratch_free(blk);
    conv_descs_free(&D);
}

void cuda_conv2d_backward_filter(Tensor *gw, const Tensor *x, const Tensor *gy, const CudaConv *g)
{
    need_contig(x, "conv2d backward");
    need_contig(gy, "conv2d backward");
    cudnnHandle_t h = dnn_of(x);
    ConvDescs D = conv_descs(x, g);
    cudnnConvolutionBwdFilterAlgo_t algo = (cudnnConvolutionBwdFilterAlgo_t)pick_algo(h, &D, g, x, CONV_FILTER);
    size_t ws = 0;
    CUDNN(cudnnGetConvolutionBackwardFilterWorkspaceSize(h, D.x, D.y, D.conv, D.w, algo, &ws));
    CudaBlock blk = cuda_scratch(x->device - 1, ws ? ws : 1);
    CUDNN(cudnnConvolutionBackwardFilter(h, sc(&ONE, x), D.x, t_ptr(x), D.y, t_ptr(gy), D.conv, algo, blk.ptr, ws,
                                         sc(&ZERO, x), D.w, t_ptr(gw)));
    cuda_scratch_free(blk);
    conv_descs_free(&D);
}

void cuda_conv2d_backward_bias(Tensor *gb, const Tensor *gy)
{
    need_contig(gy, "conv2d backward");
    cudnnHandle_t h = dnn_of(gy);
    cudnnTensorDescriptor_t yd = tdesc_nc(gy), bd = tdesc4(gb, 1, gb->numel, 1, 1);
    CUDNN(cudnnConvolutionBackwardBias(h, sc(&ONE, gy), yd, t_ptr(gy), sc(&ZERO, gy), bd, t_ptr(gb)));
    cudnnDestroyTensorDescriptor(yd);
    cudnnDestroyTensorDescriptor(bd);
}

/* ---- pooling ---- */

static cudnnPoolingDescriptor_t pool_desc(const CudaPool *p)
{
    cudnnPoolingDescriptor_t d;
    CUDNN(cudnnCreatePoolingDescriptor(&d));
    cudnnPoolingMode_t mode = p->max ? CUDNN_POOLING_MAX_DETERMINISTIC
                              : p->count_pad ? CUDNN_POOLING_AVERAGE_COUNT_INCLUDE_PADDING
                                             : CUDNN_POOLING_AVERAGE_COUNT_EXCLUDE_PADDING;
    CUDNN(cudnnSetPooling2dDescriptor(d, mode, CUDNN_PROPAGATE_NAN, p->kh, p->kw, p->ph, p->pw, p->sh, p->sw));
    return d;
}

void cuda_pool2d_forward(Tensor *y, const Tensor *x, const CudaPool *p)
{
    need_contig(x, "pool2d");
    cudnnHandle_t h = dnn_of(x);
    cudnnPoolingDescriptor_t pd = pool_desc(p);
    cudnnTensorDescriptor_t xd = tdesc4(x, x->shape[0], x->shape[1], x->shape[2], x->shape[3]);
    cudnnTensorDescriptor_t yd = tdesc4(y, y->shape[0], y->shape[1], y->shape[2], y->shape[3]);
    CUDNN(cudnnPoolingForward(h, pd, sc(&ONE, x), xd, t_ptr(x), sc(&ZERO, x), yd, t_ptr(y)));
    cudnnDestroyTensorDescriptor(xd);
    cudnnDestroyTensorDescriptor(yd);
    cudnnDestroyPoolingDescriptor(pd);
}

void cuda_pool2d_backward(Tensor *gx, const Tensor *y, const Tensor *gy, const Tensor *x, const CudaPool *p)
{
    need_contig(gy, "pool2d backward");
    cudnnHandle_t h = dnn_of(x);
    cudnnPoolingDescriptor_t pd = pool_desc(p);
    cudnnTensorDescriptor_t xd = tdesc4(x, x->shape[0], x->shape[1], x->shape[2], x->shape[3]);
    cudnnTensorDescriptor_t yd = tdesc4(y, y->shape[0], y->shape[1], y->shape[2], y->shape[3]);
    CUDNN(cudnnPoolingBackward(h, pd, sc(&ONE, x), yd, t_ptr(y), yd, t_ptr(gy), xd, t_ptr(x), sc(&ZERO, x), xd,
                               t_ptr(gx)));
    cudnnDestroyTensorDescriptor(xd);
    cudnnDestroyTensorDescriptor(yd);
    cudnnDestroyPoolingDescriptor(pd);
}

/* ---- batch norm (spatial: one mean/var per channel over N and the rest) ---- */

static double bn_eps(double eps)
{
    /* cuDNN refuses eps under CUDNN_BN_MIN_EPSILON (1e-5 in cuDNN 9). */
    if (eps < CUDNN_BN_MIN_EPSILON)
        error_raise(ERR_VALUE, "batch norm on CUDA: eps = %g is under cuDNN's minimum %g (use eps >= %g, or \"cpu\")",
                    eps, (double)CUDNN_BN_MIN_EPSILON, (double)CUDNN_BN_MIN_EPSILON);
    return eps;
}

void cuda_batch_norm_train(Tensor *y, Tensor *save_mean, Tensor *save_invstd, const Tensor *x, const Tensor *w,
                           const Tensor *b, Tensor *running_mean, Tensor *running_var, double momentum, double eps)
{
    need_contig(x, "batch_norm");
    cudnnHandle_t h = dnn_of(x);
    cudnnTensorDescriptor_t xd = tdesc_nc(x), pd = tdesc4(w, 1, x->shape[1], 1, 1);
    CUDNN(cudnnBatchNormalizationForwardTraining(
        h, CUDNN_BATCHNORM_SPATIAL, sc(&ONE, x), sc(&ZERO, x), xd, t_ptr(x), xd, t_ptr(y), pd, t_ptr(w), t_ptr(b),
        momentum, running_mean ? t_ptr(running_mean) : NULL, running_var ? t_ptr(running_var) : NULL, bn_eps(eps),
        t_ptr(save_mean), t_ptr(save_invstd)));
    cudnnDestroyTensorDescriptor(xd);
    cudnnDestroyTensorDescriptor(pd);
}

void cuda_batch_norm_eval(Tensor *y, const Tensor *x, const Tensor *w, const Tensor *b, const Tensor *running_mean,
                          const Tensor *running_var, double eps)
{
    need_contig(x, "batch_norm");
    cudnnHandle_t h = dnn_of(x);
    cudnnTensorDescriptor_t xd = tdesc_nc(x), pd = tdesc4(w, 1, x->shape[1], 1, 1);
    CUDNN(cudnnBatchNormalizationForwardInference(h, CUDNN_BATCHNORM_SPATIAL, sc(&ONE, x), sc(&ZERO, x), xd,
                                                  t_ptr(x), xd, t_ptr(y), pd, t_ptr(w), t_ptr(b),
                                                  t_ptr(running_mean), t_ptr(running_var), bn_eps(eps)));
    cudnnDestroyTensorDescriptor(xd);
    cudnnDestroyTensorDescriptor(pd);
}

void cuda_batch_norm_backward(Tensor *gx, Tensor *gw, Tensor *gb, const Tensor *x, const Tensor *gy, const Tensor *w,
                              const Tensor *save_mean, const Tensor *save_invstd, double eps)
{
    need_contig(x, "batch_norm backward");
    need_contig(gy, "batch_norm backward");
    cudnnHandle_t h = dnn_of(x);
    cudnnTensorDescriptor_t xd = tdesc_nc(x), pd = tdesc4(w, 1, x->shape[1], 1, 1);
    CUDNN(cudnnBatchNormalizationBackward(h, CUDNN_BATCHNORM_SPATIAL, sc(&ONE, x), sc(&ZERO, x), sc(&ONE, x),
                                          sc(&ZERO, x), xd, t_ptr(x), xd, t_ptr(gy), xd, t_ptr(gx), pd, t_ptr(w),
                                          t_ptr(gw), t_ptr(gb), bn_eps(eps), t_ptr(save_mean), t_ptr(save_invstd)));
    cudnnDestroyTensorDescriptor(xd);
    cudnnDestroyTensorDescriptor(pd);
}

/* ---- softmax over the last dim ---- */

void cuda_softmax_forward(Tensor *y, const Tensor *x, bool log)
{
    need_contig(x, "softmax");
    int64_t n = x->ndim ? x->shape[x->ndim - 1] : 1, rows = n ? x->numel / n : 0;
    if (rows == 0)
        return;
    cudnnHandle_t h = dnn_of(x);
    cudnnTensorDescriptor_t d = tdesc4(x, rows, n, 1, 1);
    CUDNN(cudnnSoftmaxForward(h, log ? CUDNN_SOFTMAX_LOG : CUDNN_SOFTMAX_ACCURATE, CUDNN_SOFTMAX_MODE_INSTANCE,
                              sc(&ONE, x), d, t_ptr(x), sc(&ZERO, x), d, t_ptr(y)));
    cudnnDestroyTensorDescriptor(d);
}

void cuda_softmax_backward(Tensor *gx, const Tensor *y, const Tensor *gy, bool log)
{
    need_contig(y, "softmax backward");
    need_contig(gy, "softmax backward");
    int64_t n = y->ndim ? y->shape[y->ndim - 1] : 1, rows = n ? y->numel / n : 0;
    if (rows == 0)
        return;
    cudnnHandle_t h = dnn_of(y);
    cudnnTensorDescriptor_t d = tdesc4(y, rows, n, 1, 1);
    CUDNN(cudnnSoftmaxBackward(h, log ? CUDNN_SOFTMAX_LOG : CUDNN_SOFTMAX_ACCURATE, CUDNN_SOFTMAX_MODE_INSTANCE,
                               sc(&ONE, y), d, t_ptr(y), d, t_ptr(gy), sc(&ZERO, y), d, t_ptr(gx)));
    cudnnDestroyTensorDescriptor(d);
}
