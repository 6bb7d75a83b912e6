#!/usr/bin/env python3
"""An independent float64 recomputation of an experiment's scores, for the end-to-end tests.

Reads one JSON object on stdin and writes one on stdout. Written from ALGORITHM.md §2-6 and
the cPCA reference package (Abid et al. 2018, `contrastive.CPCA`; less the directions both
data sets leave exactly null, see fit_cpca), with scikit-learn's PCA,
StandardScaler, SpectralClustering, KMeans and adjusted_rand_score; nothing here is
transcribed from the project's TypeScript. Needs Debian's python3-sklearn.

Input:
  {"datasets": {NAME: {"target": [[...]], "background": [[...]] | null}},
   "cases": [{"id", "dataset", "method": "pca" | "cpca" | "nmf" | "bcnmf",
              "options": {...the method's options as the experiment gives them...},
              "init": {"W": [[k x features]], "Ht": [[samples x k]], "Hb": [[...]]} (nmf, bcnmf),
              "labels": [...] | null,
              "scoring": {"protocol": "raw" | "row-normalized" | "none", "k", "nInit", "seeds": [...]}}]}
The "init" is the project's documented random start (uniform draws of seedrandom's Alea),
made by the caller, so that the float64 updates start where the fit under test started.

Output: {"sklearn", "numpy", "cases": [{"id", "embedding" (samples x components), "aris"
(one per scoring seed: KMeans(k, n_init, random_state=seed) and adjusted_rand_score; empty
for scoring "none", e.g. the UMAP protocol, which the caller scores), and for cPCA
"alphas" (0 and the selected ones), "alpha" (the scored one), "alphaEmbeddings" and
"alphaAris" (per returned alpha)}]}.

An option this file does not know fails the run, so a new setting is never silently ignored.
"""
import json
import sys
import warnings

import numpy as np
import scipy.linalg
import sklearn
from sklearn.cluster import KMeans, SpectralClustering
from sklearn.decomposition import PCA
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import StandardScaler


class UnknownSetting(Exception):
    pass


def check_known(method, options, known):
    unknown = sorted(set(options) - set(known))
    if unknown:
        raise UnknownSetting(f"{method}: the reference does not implement option(s) {unknown}; extend pipeline.py")


# ---- PCA: scikit-learn's, on the centred (optionally standardised) target ----------------

def fit_pca(target, options):
    check_known("pca", options, ["nComponents", "center", "scale", "method", "seed"])
    if options.get("center", True) is not True:
        raise UnknownSetting("pca: center=false is not implemented in the reference")
    data = StandardScaler().fit_transform(target) if options.get("scale", False) else target
    return PCA(n_components=options.get("nComponents", 2), svd_solver="full").fit_transform(data)


# ---- cPCA: the reference package, with scikit-learn's StandardScaler for the scaling ------

def fit_cpca(target, background, options):
    check_known("cpca", options, ["nComponents", "standardize", "alpha", "preprocessPcaDim", "nAlphas", "maxLogAlpha", "nAlphasToReturn", "seed"])
    n_components = options.get("nComponents", 2)
    standardize = options.get("standardize", True)
    fg = StandardScaler(with_std=standardize).fit_transform(target)
    bg = StandardScaler(with_std=standardize).fit_transform(background)
    pca_dim = options.get("preprocessPcaDim", 1000)
    if pca_dim is not None and fg.shape[1] > pca_dim:
        raise UnknownSetting("cpca: the joint pre-projection (more features than preprocessPcaDim) is not implemented in the reference")
    # Unlike the reference package, first drop the directions that both data sets leave
    # exactly null (a duplicated feature, as two of the 77 mouse proteins): there
    # C_fg - alpha C_bg is 0, which tops every eigenvalue once alpha is large, so the
    # package's projection at such an alpha is numerical noise. The issue asks for this
    # (and @bcnmf/baselines does it); here the complement is the right singular vectors of
    # the stacked data above NumPy's matrix_rank tolerance, and the embeddings (data times
    # eigenvectors) are the same in any basis of it.
    stacked = np.vstack([fg, bg])
    _, singular, vt = np.linalg.svd(stacked, full_matrices=False)
    rank = int(np.sum(singular > singular.max() * max(stacked.shape) * np.finfo(np.float64).eps))
    basis = vt[:rank].T
    fg, bg = fg @ basis, bg @ basis
    fg_cov = fg.T @ fg / (fg.shape[0] - 1)
    bg_cov = bg.T @ bg / (bg.shape[0] - 1)

    p = fg.shape[1]
    solved = {}

    def project(alpha, dims):
        # the top `dims` eigenvectors of C_fg - alpha C_bg (LAPACK dsyevr through SciPy), largest first
        if (alpha, dims) not in solved:
            w, v = scipy.linalg.eigh(fg_cov - alpha * bg_cov, subset_by_index=[p - dims, p - 1])
            solved[(alpha, dims)] = fg @ v[:, np.argsort(-w)]
        return solved[(alpha, dims)]

    alpha = options.get("alpha", "auto")
    if alpha != "auto":
        return project(float(alpha), n_components), [float(alpha)], float(alpha)
    n_alphas = options.get("nAlphas", 40)
    max_log_alpha = options.get("maxLogAlpha", 3)
    n_return = options.get("nAlphasToReturn", 4)
    candidates = np.concatenate(([0.0], np.logspace(-1, max_log_alpha, n_alphas)))
    dims = max(2, n_components)
    subspaces = [np.linalg.qr(project(a, dims)[:, :2])[0] for a in candidates]
    m = len(candidates)
    affinity = 0.5 * np.identity(m)
    for i in range(m):
        for j in range(i + 1, m):
            s = np.linalg.svd(subspaces[i].T @ subspaces[j], compute_uv=False)
            affinity[i, j] = s[0] * s[1]
    affinity = np.nan_to_num(affinity + affinity.T)
    labels = SpectralClustering(n_clusters=n_return, affinity="precomputed", random_state=0).fit(affinity).labels_
    chosen = []
    for c in range(n_return):
        idx = np.where(labels == c)[0]
        if len(idx) and 0 not in idx:
            chosen.append(candidates[idx[np.argmax(affinity[idx][:, idx].sum(axis=0))]])
    returned = [0.0] + sorted(float(a) for a in chosen)
    scored = returned[1] if len(returned) > 1 else 0.0
    return project(scored, dims)[:, :n_components], returned, scored, lambda a: project(a, dims)[:, :n_components]


# ---- NMF / bcNMF: ALGORITHM.md §2-3 in float64, features x samples ----------------------

DEFAULT_EPS = {"frobenius": 1e-10, "poisson": 1e-16}


def multiplicative_updates(X, Y, W, Hx, Hy, alpha, loss, damping, eps, iterations):
    """X: M x Nx target, Y: M x Ny background or None; W: M x K; H: K x N."""
    for _ in range(iterations):
        if loss == "frobenius":
            WtW = W.T @ W
            Hx = Hx * ((W.T @ X) / (WtW @ Hx + eps)) ** damping
            if Y is not None:
                Hy = Hy * ((W.T @ Y) / (WtW @ Hy + eps)) ** damping
            num = X @ Hx.T
            den = W @ (Hx @ Hx.T)
            if Y is not None:
                num = num + alpha * (W @ (Hy @ Hy.T))
                den = den + alpha * (Y @ Hy.T)
            W = W * (num / (den + eps)) ** damping
        else:
            col = W.sum(axis=0)[:, None] + eps
            Hx = Hx * ((W.T @ (X / (W @ Hx + eps))) / col) ** damping
            if Y is not None:
                Hy = Hy * ((W.T @ (Y / (W @ Hy + eps))) / col) ** damping
            num = (X / (W @ Hx + eps)) @ Hx.T
            den = np.repeat(Hx.sum(axis=1)[None, :], X.shape[0], axis=0)
            if Y is not None:
                num = num + alpha * Hy.sum(axis=1)[None, :]
                den = den + alpha * ((Y / (W @ Hy + eps)) @ Hy.T)
            W = W * (num / (den + eps)) ** damping
    return W, Hx, Hy


def start(init, with_background):
    W = np.asarray(init["W"], dtype=np.float64).T
    Hx = np.asarray(init["Ht"], dtype=np.float64).T
    Hy = np.asarray(init["Hb"], dtype=np.float64).T if with_background else None
    return W, Hx, Hy


def check_run_settings(method, options):
    if options.get("tol", 1e-4) != 0:
        raise UnknownSetting(f"{method}: the reference runs every iteration; it needs tol 0 (got {options.get('tol')})")
    if options.get("init", "random") != "random":
        raise UnknownSetting(f"{method}: only the random start is implemented in the reference")


def fit_nmf(target, options, init):
    # "backend" says where the fit under test ran; the reference is float64 wherever that was
    check_known("nmf", options, ["nComponents", "loss", "init", "maxIter", "tol", "seed", "damping", "backend"])
    check_run_settings("nmf", options)
    loss = "frobenius" if options.get("loss", "frobenius") == "frobenius" else "poisson"
    W, Hx, _ = start(init, False)
    W, Hx, _ = multiplicative_updates(target.T, None, W, Hx, None, 0.0, loss, options.get("damping", 1.0),
                                      DEFAULT_EPS[loss], options.get("maxIter", 200))
    return Hx.T


def fit_bcnmf(target, background, options, init):
    check_known("bcnmf", options, ["k", "alpha", "loss", "init", "maxIter", "tol", "seed", "damping", "eps", "nStarts", "backend"])
    check_run_settings("bcnmf", options)
    if options.get("nStarts", 1) != 1:
        raise UnknownSetting("bcnmf: several random starts are not implemented in the reference")
    loss = options.get("loss", "frobenius")
    damping = options.get("damping", 1.0 if loss == "frobenius" else 0.5)
    eps = options.get("eps", DEFAULT_EPS[loss])
    W, Hx, Hy = start(init, True)
    W, Hx, Hy = multiplicative_updates(target.T, background.T, W, Hx, Hy, float(options.get("alpha", 1)), loss, damping, eps,
                                       options.get("maxIter", 200))
    return Hx.T


# ---- scoring: ALGORITHM.md §6 --------------------------------------------------------------

def score(embedding, labels, scoring):
    """One ARI per scoring seed."""
    protocol = scoring["protocol"]
    if protocol == "none" or labels is None:
        return []
    space = embedding
    if protocol == "row-normalized":
        sums = embedding.sum(axis=1, keepdims=True)
        space = np.divide(embedding, sums, out=np.zeros_like(embedding), where=sums != 0)
    elif protocol != "raw":
        raise UnknownSetting(f"scoring protocol {protocol!r} is not implemented in the reference")
    k = scoring.get("k") or len(set(labels))
    aris = []
    for seed in scoring["seeds"]:
        clusters = KMeans(n_clusters=k, n_init=scoring.get("nInit", 10), random_state=seed).fit_predict(space)
        aris.append(float(adjusted_rand_score(labels, clusters)))
    return aris


def run_case(case, datasets):
    data = datasets[case["dataset"]]
    target = np.asarray(data["target"], dtype=np.float64)
    background = None if data.get("background") is None else np.asarray(data["background"], dtype=np.float64)
    method = case["method"]
    options = case["options"]
    out = {"id": case["id"]}
    if method == "pca":
        embedding = fit_pca(target, options)
    elif method == "cpca":
        fitted = fit_cpca(target, background, options)
        embedding, returned, scored = fitted[0], fitted[1], fitted[2]
        out["alphas"] = returned
        out["alpha"] = scored
        if len(fitted) > 3:
            at = [fitted[3](a) for a in returned]
            out["alphaEmbeddings"] = [e.tolist() for e in at]
            out["alphaAris"] = [score(e, case["labels"], case["scoring"]) if a != 0 else [] for a, e in zip(returned, at)]
    elif method == "nmf":
        embedding = fit_nmf(target, options, case["init"])
    elif method == "bcnmf":
        embedding = fit_bcnmf(target, background, options, case["init"])
    else:
        raise UnknownSetting(f"method {method!r} is not implemented in the reference")
    out["aris"] = score(embedding, case["labels"], case["scoring"])
    out["embedding"] = embedding.tolist()
    return out


def main():
    request = json.load(sys.stdin)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # e.g. KMeans' memory-leak notice on some platforms
        results = [run_case(case, request["datasets"]) for case in request["cases"]]
    json.dump({"sklearn": sklearn.__version__, "numpy": np.__version__, "cases": results}, sys.stdout)


if __name__ == "__main__":
    try:
        main()
    except UnknownSetting as e:
        print(f"pipeline.py: {e}", file=sys.stderr)
        sys.exit(3)
