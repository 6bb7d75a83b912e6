/*
 * What the library says about its build and this CPU: the loader refuses a build that
 * needs what the CPU lacks (the AVX2+FMA build: bcnmf_build_avx2 = 1, the AVX-512 one:
 * bcnmf_build_avx512 = 1 as well) and tries the next.
 */
#include "common.h"

/* 1 where this CPU runs the AVX2+FMA build (x86-64 with both), else 0. */
int bcnmf_cpu_has_avx2(void) {
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
  return 0;
#endif
}

/* 1 when this build uses AVX2+FMA. */
int bcnmf_build_avx2(void) {
#if defined(__AVX2__) && defined(__FMA__)
  return 1;
#else
  return 0;
#endif
}

/* 1 where this CPU (and the OS, which must save the 512-bit registers) runs the AVX-512
 * build: AVX-512 F and VL besides AVX2 and FMA. */
int bcnmf_cpu_has_avx512(void) {
#if defined(__x86_64__) && defined(__GNUC__)
  __builtin_cpu_init();
  return bcnmf_cpu_has_avx2() && __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl");
#else
  return 0;
#endif
}

/* 1 when this build uses AVX-512 (F and VL). */
int bcnmf_build_avx512(void) {
#if defined(__AVX512F__) && defined(__AVX512VL__)
  return 1;
#else
  return 0;
#endif
}
