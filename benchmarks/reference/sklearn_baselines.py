#!/usr/bin/env python3
"""scikit-learn's NMF (multiplicative-update solver) and PCA, timed per fit on uniform
random float32 data (samples x features). Prints one JSON line: {"method", "ms_per_fit",
"repeats_ms", "max_rss_mb", "sklearn", "numpy", "blas"}: one untimed warm-up fit, then the
median of REPEATS timed fits, as bcnmf's side (worker.ts) does; bench.ts runs this script
once per round, in its own process.

Usage: python3 sklearn_baselines.py nmf SAMPLES FEATURES K ITERATIONS [REPEATS]
       python3 sklearn_baselines.py pca SAMPLES FEATURES K [REPEATS]
"""
import json
import resource
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.decomposition import NMF, PCA

method = sys.argv[1]
n, m, k = (int(a) for a in sys.argv[2:5])
if method == "nmf":
    iterations = int(sys.argv[5])
    repeats = int(sys.argv[6]) if len(sys.argv) > 6 else 3
else:
    repeats = int(sys.argv[5]) if len(sys.argv) > 5 else 3
rng = np.random.default_rng(0)
X = rng.random((n, m), dtype=np.float32)


def fit():
    if method == "nmf":
        # same work as @bcnmf/baselines' nmf: random init, MU, exactly `iterations` steps
        model = NMF(n_components=k, solver="mu", beta_loss="frobenius", init="random",
                    max_iter=iterations, tol=0, random_state=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "maximum number of iterations reached"
            model.fit_transform(X)
    else:
        PCA(n_components=k, random_state=0).fit_transform(X)


def blas_info():
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    for pool in threadpool_info():
        if pool.get("user_api") == "blas":
            return {key: pool.get(key) for key in ("internal_api", "version", "architecture", "num_threads")}
    return None


fit()  # warm-up
times = []
for _ in range(repeats):
    start = time.perf_counter()
    fit()
    times.append((time.perf_counter() - start) * 1000)
ordered = sorted(times)
print(json.dumps({
    "method": method,
    "ms_per_fit": ordered[len(ordered) // 2],
    "repeats_ms": times,
    "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "sklearn": sklearn.__version__,
    "numpy": np.__version__,
    "blas": blas_info(),
}))
