/* The x86-64 clone that the engine's vectorised loops get beside the
 * generic one (target_clones, picked at load time): AVX2 with FMA
 * (x86-64-v3). gcc before 12 (Ubuntu 22.04's gcc 11, so Colab) has no
 * dispatcher for an arch=x86-64-v3 clone: it gets an AVX2 clone instead. */
#ifndef COURSDL_VEC_TARGET_H
#define COURSDL_VEC_TARGET_H

#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ < 12
#define CDL_VEC_TARGET "avx2"
#else
#define CDL_VEC_TARGET "arch=x86-64-v3"
#endif

#endif
