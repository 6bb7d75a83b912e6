/* The worker pool and thread counts the operations share (pool.c). */
#ifndef BCNMF_NATIVE_POOL_H
#define BCNMF_NATIVE_POOL_H

#include "common.h"

/* A function run on one range of rows by bcnmf_parallel_ranges. */
typedef void (*range_fn)(void *ctx, int thread, size_t begin, size_t end);

/* Multiply-adds under which a call runs on the calling thread alone: starting a thread
 * costs tens of microseconds, more than such a call's work. */
#define SMALL_WORK 2000000.0

/* Threads for a call of `work` multiply-adds: 1 for small work, else `threads` (or all
 * online CPUs when threads < 1). */
int bcnmf_pick_threads(int threads, double work) HIDDEN;

/* Splits [0, count) into `threads` contiguous ranges (boundaries on multiples of
 * `align`), runs fn on each (the first on the calling thread) and returns how many ran. */
int bcnmf_parallel_ranges(int threads, size_t count, size_t align, range_fn fn, void *ctx) HIDDEN;

/* Microseconds a worker (or the caller, waiting for the workers) spins before it sleeps. */
#define SPIN_US 300.0

/* A work area of at least `floats` floats (not zeroed): the kept one when no other call
 * holds it, else new memory; NULL when memory ran out. Give it back with
 * bcnmf_work_release. */
float *bcnmf_work_acquire(size_t floats) HIDDEN;
void bcnmf_work_release(float *area) HIDDEN;

/* Number of threads the kernels use when the caller passes 0: the online CPUs (exported). */
int bcnmf_default_threads(void);

#endif
