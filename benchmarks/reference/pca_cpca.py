#!/usr/bin/env python3
"""scikit-learn's PCA, and cPCA as the reference `contrastive` package computes it (Abid et
al. 2018; ALGORITHM.md §5), timed per fit on data written by benchmarks/src/pca-cpca.ts.
Prints one JSON line: {"method", "ms_per_fit", "repeats_ms", "max_rss_mb", "solver",
"alphas", "sklearn", "numpy", "blas"}: one untimed warm-up fit, then the median of REPEATS
timed fits, as our side does; pca-cpca.ts runs this script once per round.

The cPCA here is a transcription of the algorithm for timing: each data set centred and
divided by its own standard deviation (0/0 set to 0), a joint scikit-learn PCA onto 1,000
components above 1,000 features, the covariances, and for 'auto' the top-2 eigenvectors
of C_fg - alpha C_bg (numpy.linalg.eig, as the package calls it) for 0 and 40 log-spaced
alphas in [0.1, 1000], the subspace affinity (product of the principal-angle cosines),
scikit-learn's SpectralClustering (precomputed, 4 clusters; seeded here, unseeded in the
package), one exemplar alpha per cluster without 0, and the projections at the returned
alphas; for a fixed alpha, the top-2 eigenvectors at that alpha.

Usage: python3 pca_cpca.py pca TARGET.f64 N P K [REPEATS]
       python3 pca_cpca.py cpca TARGET.f64 N_FG BACKGROUND.f64 N_BG P ALPHA|auto [REPEATS]
"""
import json
import resource
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.cluster import SpectralClustering
from sklearn.decomposition import PCA

method = sys.argv[1]


def read(path, rows, cols):
    return np.fromfile(path, dtype="<f8").reshape(rows, cols)


def standardised(x):
    centred = x - x.mean(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.nan_to_num(centred / centred.std(axis=0))


def top2(c_fg, c_bg, alpha):
    w, v = np.linalg.eig(c_fg - alpha * c_bg)
    order = np.argsort(-w.real)[:2]
    return v[:, order].real


def cpca(fg, bg, alpha):
    zf, zb = standardised(fg), standardised(bg)
    if zf.shape[1] > 1000:
        joint = PCA(n_components=1000).fit_transform(np.concatenate((zf, zb)))
        zf, zb = joint[: len(zf)], joint[len(zf):]
    c_fg = zf.T @ zf / (len(zf) - 1)
    c_bg = zb.T @ zb / (len(zb) - 1)
    if alpha != "auto":
        return zf @ top2(c_fg, c_bg, float(alpha)), [float(alpha)]
    alphas = np.concatenate(([0.0], np.logspace(-1, 3, 40)))
    spaces = [np.linalg.qr(zf @ top2(c_fg, c_bg, a))[0] for a in alphas]
    n = len(alphas)
    affinity = np.eye(n)
    for i in range(n):
        for j in range(i + 1, n):
            s = np.linalg.svd(spaces[i].T @ spaces[j], compute_uv=False)
            affinity[i, j] = affinity[j, i] = s[0] * s[1]
    affinity = np.nan_to_num(affinity)
    labels = SpectralClustering(n_clusters=4, affinity="precomputed", random_state=0).fit(affinity).labels_
    chosen = [0.0]
    for c in range(4):
        members = np.flatnonzero(labels == c)
        if len(members) == 0 or 0 in members:
            continue
        sums = affinity[np.ix_(members, members)].sum(axis=0)
        chosen.append(float(alphas[members[np.argmax(sums)]]))
    chosen.sort()
    return [zf @ top2(c_fg, c_bg, a) for a in chosen], chosen


def blas_info():
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return None
    for pool in threadpool_info():
        if pool.get("user_api") == "blas":
            return {key: pool.get(key) for key in ("internal_api", "version", "architecture", "num_threads")}
    return None


if method == "pca":
    x = read(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    k = int(sys.argv[5])
    repeats = int(sys.argv[6]) if len(sys.argv) > 6 else 3
    state = {}

    def fit():
        model = PCA(n_components=k, random_state=0)
        model.fit_transform(x)
        state["solver"] = getattr(model, "_fit_svd_solver", getattr(model, "svd_solver", "?"))
        state["alphas"] = None
else:
    n_fg, n_bg, p = int(sys.argv[3]), int(sys.argv[5]), int(sys.argv[6])
    fg, bg = read(sys.argv[2], n_fg, p), read(sys.argv[4], n_bg, p)
    alpha = sys.argv[7]
    repeats = int(sys.argv[8]) if len(sys.argv) > 8 else 3
    state = {}

    def fit():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _, alphas = cpca(fg, bg, alpha)
        state["solver"] = "numpy.linalg.eig per alpha" + (", scikit-learn PCA(1000) first" if p > 1000 else "")
        state["alphas"] = alphas

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
    "solver": state["solver"],
    "alphas": state["alphas"],
    "sklearn": sklearn.__version__,
    "numpy": np.__version__,
    "blas": blas_info(),
}))
