/* Shared by the native kernel files: vector types, threading, rounding helpers. */
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
#if defined(__AVX__)
#define KEEP(v) __asm__("" : "+x"(v))
#else
#define KEEP(v) ((void)0)
#endif
#define INLINE static inline __attribute__((always_inline))

typedef float v8 __attribute__((vector_size(32)));
typedef float v8u __attribute__((vector_size(32), aligned(4)));

#define LOAD(p) (*(const v8u *)(p))
#define STORE(p, v) (*(v8u *)(p) = (v))

static inline size_t round_up(size_t x, size_t to) { return (x + to - 1) / to * to; }

/* A function run on one range of rows by bcnmf_parallel_ranges. */
typedef void (*range_fn)(void *ctx, int thread, size_t begin, size_t end);

/* Multiply-adds under which a call runs on the calling thread alone: starting a thread
 * costs tens of microseconds, more than such a call's work. */
#define SMALL_WORK 2000000.0

/* Threads for a call of `work` multiply-adds: 1 for small work, else `threads` (or all
 * online CPUs when threads < 1). */
int bcnmf_pick_threads(int threads, double work) __attribute__((visibility("hidden")));

/* Splits [0, count) into `threads` contiguous ranges (boundaries on multiples of
 * `align`), runs fn on each (the first on the calling thread) and returns how many ran. */
int bcnmf_parallel_ranges(int threads, size_t count, size_t align, range_fn fn, void *ctx)
    __attribute__((visibility("hidden")));

int bcnmf_default_threads(void);

/* k x m `basis` transposed into a new m x ldt array with zero columns after k (free it);
 * NULL when memory ran out. */
float *bcnmf_transpose_padded(const float *basis, size_t k, size_t m, size_t ldt) __attribute__((visibility("hidden")));

/* current * ratio^damping, in float32 as the tfjs kernels round it. */
static inline float damped(float current, float numerator, float denominator, float damping) {
  float ratio = numerator / denominator;
  if (damping == 0.5f) ratio = sqrtf(ratio);
  else if (damping != 1.0f) ratio = powf(ratio, damping);
  return current * ratio;
}

#endif
