/* A stand-in for libcoursdl_cuda.so on a machine without a GPU: the
 * reference backend under the name "cuda" (host memory, part of the ops),
 * loaded through the real loader with the stand-in driver
 * (fake_libcuda.c). test_cuda_nogpu runs the GPU conformance program
 * (tests/gpu/cuda_backend_check) against it, so that the harness the GPU
 * run depends on has run somewhere. */
#include "../../engine/device/backend.h"

static Backend g_fake;

__attribute__((visibility("default"))) const Backend *cdl_backend_init(int api_version)
{
    if (api_version != BACKEND_API_VERSION)
        return NULL;
    g_fake = cdl_ref_backend;
    g_fake.name = "cuda";
    g_fake.type = DEVTYPE_CUDA;
    return &g_fake;
}
