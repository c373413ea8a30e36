/*
 * SIMD_CLONES: on x86-64 with GCC, a kernel marked with it is compiled for AVX-512, AVX2 and baseline x86-64
 * (target_clones) and the loader picks the best one for the CPU at run time, so one build is safe to copy
 * between machines. Elsewhere it is empty.
 */
#ifndef DLVR_SIMD_H
#define DLVR_SIMD_H

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define SIMD_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define SIMD_CLONES
#endif

#endif
