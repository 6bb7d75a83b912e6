/*
 * Shared by every file of bcnmf's native kernels: vector types, load/store and
 * visibility macros, rounding helpers.
 *
 * The files by role: pool.c (the worker pool and thread counts), micro.h and micro.c
 * (the micro-kernels), the operations (dense-products.c, dense-pass.c, basis-update.c,
 * scores.c, sparse-products.c, sparse-pass.c, with csr.h) and build-info.c. Plain C
 * (GCC/Clang vector extensions, pthreads), compiled on the user's machine by
 * scripts/build-native.mjs at install time into one library, called through koffi
 * (src/kernel-signatures.ts lists the exported functions). On x86-64 it is built three
 * times: generic, with AVX2+FMA, and with AVX-512 (where the compiler can; the loader
 * takes the best one the CPU runs).
 */
#ifndef BCNMF_NATIVE_COMMON_H
#define BCNMF_NATIVE_COMMON_H

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HOT
/* Keeps a vector in a register: without it GCC re-reads the operand from memory for
 * every multiply-add that uses it, and the loads, not the arithmetic, set the pace. */
#if defined(__AVX512F__)
#define KEEP(v) __asm__("" : "+v"(v))
#elif defined(__AVX__)
#define KEEP(v) __asm__("" : "+x"(v))
#else
#define KEEP(v) ((void)0)
#endif
#define INLINE static inline __attribute__((always_inline))
/* Shared between the files of the library but not exported from it. */
#define HIDDEN __attribute__((visibility("hidden")))

typedef float v8 __attribute__((vector_size(32)));
typedef float v8u __attribute__((vector_size(32), aligned(4)));

#define LOAD(p) (*(const v8u *)(p))
#define STORE(p, v) (*(v8u *)(p) = (v))

#if defined(__AVX512F__)
/* 16 floats: the products' wide micro-kernels in the AVX-512 build (micro.h). */
typedef float v16 __attribute__((vector_size(64)));
typedef float v16u __attribute__((vector_size(64), aligned(4)));
#define LOAD16(p) (*(const v16u *)(p))
#define STORE16(p, v) (*(v16u *)(p) = (v))
#endif

static inline size_t round_up(size_t x, size_t to) { return (x + to - 1) / to * to; }

/* current * ratio^damping, in float32 as the tfjs kernels round it. */
static inline float damped(float current, float numerator, float denominator, float damping) {
  float ratio = numerator / denominator;
  if (damping == 0.5f) ratio = sqrtf(ratio);
  else if (damping != 1.0f) ratio = powf(ratio, damping);
  return current * ratio;
}

#endif
