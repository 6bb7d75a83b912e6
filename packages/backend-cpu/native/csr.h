/*
 * What the CSR operations share: how a matrix's rows are split into parts of about equal
 * work (a part per thread) and run on the worker pool.
 *
 * CSR arrays as core stores them: row pointers `indptr` (n + 1, int32), column indices
 * `indices` and `values` (float32) of the stored entries in row order.
 */
#ifndef BCNMF_NATIVE_CSR_H
#define BCNMF_NATIVE_CSR_H

#include "common.h"
#include "pool.h"

/* Copies a k-long row into h, whose floats k .. ldt stay zero. */
INLINE void load_row(float *h, const float *row, size_t k) { memcpy(h, row, k * sizeof(float)); }

/* The most stored entries in one row. */
static inline size_t longest_row(const int32_t *indptr, size_t n) {
  size_t most = 0;
  for (size_t i = 0; i < n; i++) {
    const size_t count = (size_t)(indptr[i + 1] - indptr[i]);
    if (count > most) most = count;
  }
  return most;
}

/*
 * The first row of part t of `parts` when rows are split so that each part gets about
 * the same weight, a row weighing its stored entries plus row_cost: the first i with
 * indptr[i] + row_cost i >= t / parts of the total (binary search; weights increase).
 */
static inline size_t split_row(const int32_t *indptr, size_t n, double row_cost, int parts, int t) {
  if (t <= 0) return 0;
  if (t >= parts) return n;
  const double base = (double)indptr[0];
  const double target = ((double)indptr[n] - base + row_cost * (double)n) * t / parts;
  size_t lo = 0, hi = n;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if ((double)indptr[mid] - base + row_cost * (double)mid < target) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/* Threads for a call over CSR rows (bcnmf_pick_threads, at most 64), of entry_work
 * multiply-adds per stored entry and row_work per row. */
static inline int csr_threads(int threads, const int32_t *indptr, int n, double entry_work, double row_work) {
  const double nnz = (double)(indptr[n] - indptr[0]);
  threads = bcnmf_pick_threads(threads, nnz * entry_work + (double)n * row_work);
  return threads > 64 ? 64 : threads;
}

/* What every CSR range function knows: the matrix and how its rows are split. */
typedef struct {
  size_t n, m, k, ldt;
  const int32_t *indptr, *indices;
  const float *values;
  int parts;
  double row_cost;
} csr_shape;

/* Runs fn over `parts` row ranges of about equal weight (part t: thread t). Returns the
 * number of parts run. The range function receives its part's index as `begin`. */
static inline int run_parts(csr_shape *shape, int threads, range_fn fn, void *ctx) {
  shape->parts = threads < 1 ? 1 : threads > 64 ? 64 : threads;
  return bcnmf_parallel_ranges(shape->parts, (size_t)shape->parts, 1, fn, ctx);
}

/* The rows of part t. */
INLINE void part_rows(const csr_shape *s, size_t t, size_t *begin, size_t *end) {
  *begin = split_row(s->indptr, s->n, s->row_cost, s->parts, (int)t);
  *end = split_row(s->indptr, s->n, s->row_cost, s->parts, (int)t + 1);
}

#endif
