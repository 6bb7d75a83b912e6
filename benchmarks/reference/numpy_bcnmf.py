#!/usr/bin/env python3
"""The reference bcNMF updates (ALGORITHM.md §2-3, features x samples layout) in NumPy,
float32, timed per iteration. Prints one JSON line: {"loss", "ms_per_iteration", ...}.

Usage: python3 numpy_bcnmf.py FEATURES N_TARGET N_BACKGROUND K ITERATIONS LOSS [REPEATS]
"""
import json
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
    W, Hx, Hy = step(W, Hx, Hy)  # warm-up
    start = time.perf_counter()
    for _ in range(iterations):
        W, Hx, Hy = step(W, Hx, Hy)
    times.append((time.perf_counter() - start) * 1000 / iterations)
times.sort()
print(json.dumps({"loss": loss, "ms_per_iteration": times[len(times) // 2], "numpy": np.__version__}))
