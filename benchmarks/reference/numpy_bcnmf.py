#!/usr/bin/env python3
"""The reference bcNMF updates (ALGORITHM.md §2-3, features x samples layout) in NumPy,
float32, timed per iteration. Prints one JSON line: {"loss", "ms_per_iteration", "repeats_ms",
"max_rss_mb", "numpy", "blas"}: the median over REPEATS, every repeat, the process's peak
resident memory, NumPy's version and the BLAS it runs (threadpoolctl, when installed).

Each repeat starts from fresh factors, runs one untimed warm-up iteration (BLAS threads
started, memory touched), then times ITERATIONS iterations: as many as bench.ts times on
bcnmf's side (the difference of fits of 1 + ITERATIONS and 1 iterations, after a warm-up
fit). bench.ts runs this script once per round, in its own process.

Usage: python3 numpy_bcnmf.py FEATURES N_TARGET N_BACKGROUND K ITERATIONS LOSS [REPEATS]
"""
import json
import resource
import sys
import time

import numpy as np

m, nx, ny, k, iterations = (int(a) for a in sys.argv[1:6])
loss = sys.argv[6]
repeats = int(sys.argv[7]) if len(sys.argv) > 7 else 3
alpha = 1.0
rng = np.random.default_rng(0)
X = rng.random((m, nx), dtype=np.float32)
Y = rng.random((m, ny), dtype=np.float32)


def frobenius(W, Hx, Hy, eps=np.float32(1e-10)):
    WtW = W.T @ W
    Hx = Hx * (W.T @ X) / (WtW @ Hx + eps)
    Hy = Hy * (W.T @ Y) / (WtW @ Hy + eps)
    W = W * (X @ Hx.T + alpha * W @ (Hy @ Hy.T)) / (W @ (Hx @ Hx.T) + alpha * Y @ Hy.T + eps)
    return W, Hx, Hy


def poisson(W, Hx, Hy, eps=np.float32(1e-16), damping=0.5):
    col = W.sum(axis=0)[:, None] + eps
    Hx = Hx * np.sqrt((W.T @ (X / (W @ Hx + eps))) / col)
    Hy = Hy * np.sqrt((W.T @ (Y / (W @ Hy + eps))) / col)
    num = (X / (W @ Hx + eps)) @ Hx.T + alpha * Hy.sum(axis=1)[None, :]
    den = Hx.sum(axis=1)[None, :] + alpha * (Y / (W @ Hy + eps)) @ Hy.T + eps
    W = W * np.sqrt(num / den)
    return W, Hx, Hy


step = frobenius if loss == "frobenius" else poisson
times = []
for r in range(repeats):
    W = rng.random((m, k), dtype=np.float32)
    Hx = rng.random((k, nx), dtype=np.float32)
    Hy = rng.random((k, ny), dtype=np.float32)
    W, Hx, Hy = step(W, Hx, Hy)  # warm-up, untimed
    start = time.perf_counter()
    for _ in range(iterations):
        W, Hx, Hy = step(W, Hx, Hy)
    times.append((time.perf_counter() - start) * 1000 / iterations)


def blas_info():
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        try:  # NumPy 2: the BLAS it was built with
            blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
            return {"internal_api": blas.get("name"), "version": blas.get("version"), "architecture": None, "num_threads": None}
        except Exception:
            return None
    for pool in threadpool_info():
        if pool.get("user_api") == "blas":
            return {k: pool.get(k) for k in ("internal_api", "version", "architecture", "num_threads")}
    return None


repeats_ms = list(times)
times.sort()
print(json.dumps({
    "loss": loss,
    "ms_per_iteration": times[len(times) // 2],
    "repeats_ms": repeats_ms,
    "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "numpy": np.__version__,
    "blas": blas_info(),
}))
