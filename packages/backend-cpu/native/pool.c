/*
 * The threads of bcnmf's native kernels: how many a call gets, and a persistent pool of
 * workers that runs a call's row ranges. The operations hand it a range function and a
 * context; nothing here knows what they compute.
 */
#include "pool.h"

#include <time.h>

typedef struct {
  range_fn fn;
  void *ctx;
  int thread;
  size_t begin, end;
} range_job;

static void *run_range(void *arg) {
  range_job *job = (range_job *)arg;
  job->fn(job->ctx, job->thread, job->begin, job->end);
  return NULL;
}

/* Number of threads the kernels use when the caller passes 0: the online CPUs. */
int bcnmf_default_threads(void) {
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  if (n < 1) n = 1;
  if (n > 64) n = 64;
  return (int)n;
}

int bcnmf_pick_threads(int threads, double work) {
  if (threads < 1) threads = bcnmf_default_threads();
  return work < SMALL_WORK ? 1 : threads;
}

/*
 * A pool of worker threads, started on first use and kept: creating and joining a thread
 * costs about 0.1 ms on a VM, as much as a small pass's work. Between calls workers
 * spin for SPIN_US, then sleep on a condition variable. One caller at a time uses the pool; a concurrent
 * caller (none in bcnmf: koffi calls come from the JavaScript thread) starts threads of
 * its own instead.
 */
static pthread_mutex_t pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pool_wake = PTHREAD_COND_INITIALIZER;
static pthread_cond_t pool_done = PTHREAD_COND_INITIALIZER;
static pthread_mutex_t pool_owner = PTHREAD_MUTEX_INITIALIZER;
/* written under pool_lock; read without it (atomically) by the spinning waits */
static unsigned long pool_generation = 0;
static int pool_pending = 0; /* worker jobs of the current round not finished */
static int pool_size = 0;    /* ranges in the current round (job 0 is the caller's) */
static int pool_workers = 0; /* workers started: they take jobs 1..pool_workers */
static range_job pool_jobs[64];

static double monotonic_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static inline void cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  __asm__ __volatile__("yield");
#endif
}

/* Waits up to SPIN_US for *value to leave `from` without sleeping: a fit calls the
 * kernels back to back (target, background, basis), and waking a sleeping thread costs
 * 0.1 to 0.6 ms on a VM, as much as a fifth of a pass. Returns 1 when it changed. */
static int spin_while_equal_ul(const unsigned long *value, unsigned long from) {
  const double until = monotonic_us() + SPIN_US;
  for (int i = 1;; i++) {
    if (__atomic_load_n(value, __ATOMIC_ACQUIRE) != from) return 1;
    cpu_relax();
    if ((i & 63) == 0 && monotonic_us() > until) return 0;
  }
}

static int spin_while_positive(const int *value) {
  const double until = monotonic_us() + SPIN_US;
  for (int i = 1;; i++) {
    if (__atomic_load_n(value, __ATOMIC_ACQUIRE) <= 0) return 1;
    cpu_relax();
    if ((i & 63) == 0 && monotonic_us() > until) return 0;
  }
}

static void *pool_worker(void *arg) {
  const int index = (int)(intptr_t)arg;
  unsigned long seen = 0;
  for (;;) {
    spin_while_equal_ul(&pool_generation, seen);
    pthread_mutex_lock(&pool_lock);
    while (pool_generation == seen) pthread_cond_wait(&pool_wake, &pool_lock);
    seen = pool_generation;
    if (index >= pool_size) {
      pthread_mutex_unlock(&pool_lock);
      continue;
    }
    const range_job job = pool_jobs[index];
    pthread_mutex_unlock(&pool_lock);
    job.fn(job.ctx, job.thread, job.begin, job.end);
    pthread_mutex_lock(&pool_lock);
    if (__atomic_sub_fetch(&pool_pending, 1, __ATOMIC_RELEASE) == 0) pthread_cond_signal(&pool_done);
    pthread_mutex_unlock(&pool_lock);
  }
  return NULL;
}

/* Starts workers until `wanted` run (or creation fails); returns how many run. */
static int pool_grow(int wanted) {
  while (pool_workers < wanted) {
    pthread_t id;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    const int failed = pthread_create(&id, &attr, pool_worker, (void *)(intptr_t)(pool_workers + 1));
    pthread_attr_destroy(&attr);
    if (failed) break;
    pool_workers++;
  }
  return pool_workers;
}

/*
 * Splits [0, count) into `threads` contiguous ranges (boundaries on multiples of
 * `align`) and runs fn on each, the first on the calling thread and the others on the
 * pool. Returns the number of ranges run (a range whose worker could not be started
 * runs on the calling thread instead).
 */
int bcnmf_parallel_ranges(int threads, size_t count, size_t align, range_fn fn, void *ctx) {
  if (threads < 1) threads = bcnmf_default_threads();
  size_t chunks = (count + align - 1) / align;
  if ((size_t)threads > chunks) threads = chunks > 0 ? (int)chunks : 1;
  if (threads > 64) threads = 64;
  range_job jobs[64];
  for (int t = 0; t < threads; t++) {
    size_t b = chunks * t / threads * align, e = chunks * (t + 1) / threads * align;
    if (e > count) e = count;
    if (b > count) b = count;
    jobs[t] = (range_job){fn, ctx, t, b, e};
  }
  if (threads == 1) {
    run_range(&jobs[0]);
    return 1;
  }
  if (pthread_mutex_trylock(&pool_owner) != 0) {
    /* the pool is in use by another caller: threads of this call's own */
    pthread_t ids[64];
    int started[64];
    for (int t = 1; t < threads; t++) started[t] = pthread_create(&ids[t], NULL, run_range, &jobs[t]) == 0;
    run_range(&jobs[0]);
    for (int t = 1; t < threads; t++) {
      if (started[t]) pthread_join(ids[t], NULL);
      else run_range(&jobs[t]);
    }
    return threads;
  }
  pthread_mutex_lock(&pool_lock);
  const int workers = pool_grow(threads - 1);
  const int pooled = workers < threads - 1 ? workers : threads - 1;
  for (int t = 1; t <= pooled; t++) pool_jobs[t] = jobs[t];
  pool_size = pooled + 1;
  __atomic_store_n(&pool_pending, pooled, __ATOMIC_RELEASE);
  __atomic_store_n(&pool_generation, pool_generation + 1, __ATOMIC_RELEASE);
  pthread_cond_broadcast(&pool_wake);
  pthread_mutex_unlock(&pool_lock);
  run_range(&jobs[0]);
  for (int t = pooled + 1; t < threads; t++) run_range(&jobs[t]);
  spin_while_positive(&pool_pending);
  pthread_mutex_lock(&pool_lock);
  while (pool_pending > 0) pthread_cond_wait(&pool_done, &pool_lock);
  pthread_mutex_unlock(&pool_lock);
  pthread_mutex_unlock(&pool_owner);
  return threads;
}

/*
 * The work area of the dense passes, kept between calls: allocating and freeing their
 * buffers on every call (about a megabyte at 2,000 features) costs a page fault per 4 KB
 * each time, a quarter of a pass on a VM. One caller at a time holds it; a concurrent
 * caller gets memory of its own. It grows to the largest request and is kept until the
 * process exits.
 */
static pthread_mutex_t work_lock = PTHREAD_MUTEX_INITIALIZER;
static float *work_area = NULL;
static size_t work_floats = 0;

float *bcnmf_work_acquire(size_t floats) {
  if (floats == 0) floats = 1;
  if (pthread_mutex_trylock(&work_lock) != 0) return (float *)malloc(floats * sizeof(float));
  if (work_floats < floats) {
    free(work_area);
    work_area = (float *)malloc(floats * sizeof(float));
    work_floats = work_area ? floats : 0;
    if (!work_area) {
      pthread_mutex_unlock(&work_lock);
      return NULL;
    }
  }
  return work_area;
}

void bcnmf_work_release(float *area) {
  if (!area) return;
  if (area == work_area) pthread_mutex_unlock(&work_lock);
  else free(area);
}
