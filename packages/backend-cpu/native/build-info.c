/*
 * What the library says about its build and this CPU: the loader asks the generic build
 * (bcnmf_cpu_has_avx2) before it loads the AVX2+FMA one (bcnmf_build_avx2 = 1).
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
