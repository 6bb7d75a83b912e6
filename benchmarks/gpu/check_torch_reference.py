#!/usr/bin/env python3
"""Checks torch_reference.py where PyTorch is absent, with NumPy: a small stand-in for the
few torch calls the script makes (numpy arrays behind them) is put in sys.modules, then

1. its transcription of the reference's minibatch Poisson epoch is compared with the
   reference's `contrastive_nmf_poisson_minibatch` loop body written out literally in
   NumPy (li-lab-mcgill/bcnmf, bcNMF/bcnmf.py: ones-matrix products, the ratio taken
   before the coefficient update, alpha on the other side of the ratio for the
   background), at alpha = 0.7 and a batch size that does not divide the sample counts;
2. its full-batch Frobenius step is compared with the reference's multiplicative updates;
3. its main() runs a plan with one case of every kind and must print one JSON line with
   a time for each.

Usage: python3 check_torch_reference.py     exit 0: passed; 1: a check failed;
77: NumPy is not available (the caller skips).
"""
import contextlib
import io
import json
import os
import sys
import tempfile
import types

try:
    import numpy as np
except ImportError as error:
    print(f"NumPy is not available to {sys.executable}: {error}", file=sys.stderr)
    sys.exit(77)


# ---- the stand-in: only what torch_reference.py calls, float64 ----

def unwrap(value):
    if isinstance(value, Tensor):
        return value.a
    if isinstance(value, tuple):
        return tuple(unwrap(v) for v in value)
    return value


class Tensor:
    def __init__(self, array):
        self.a = np.asarray(array)

    T = property(lambda self: Tensor(self.a.T))

    def size(self, dim):
        return self.a.shape[dim]

    def sum(self, dim):
        return Tensor(self.a.sum(axis=dim))

    def contiguous(self):
        return self

    def to_dense(self):
        return self

    def to_sparse_csr(self):
        return self

    def copy_(self, other):
        self.a[...] = other.a
        return self

    def __getitem__(self, index):
        return Tensor(self.a[unwrap(index)])

    def __setitem__(self, index, value):
        self.a[unwrap(index)] = unwrap(value)

    def __iadd__(self, other):
        self.a += unwrap(other)
        return self


def binary(name):
    def method(self, other):
        return Tensor(getattr(self.a, name)(unwrap(other)))
    return method


for _name in ("__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__truediv__", "__rtruediv__", "__matmul__", "__lt__"):
    setattr(Tensor, _name, binary(_name))


class Generator:
    def __init__(self, device=None):
        self.rng = np.random.default_rng(0)

    def manual_seed(self, seed):
        self.rng = np.random.default_rng(seed)
        return self


_rng = np.random.default_rng(1)
fake = types.ModuleType("torch")
fake.__version__ = "numpy stand-in"
fake.float32 = np.float64
fake.device = lambda kind: types.SimpleNamespace(type=kind)
fake.cuda = types.SimpleNamespace(is_available=lambda: False)
fake.Generator = Generator
fake.rand = lambda *shape, generator=None, device=None, dtype=None: Tensor((generator.rng if generator else _rng).random(shape))
fake.zeros = lambda *shape, device=None: Tensor(np.zeros(shape[0] if len(shape) == 1 and isinstance(shape[0], tuple) else shape))
fake.zeros_like = lambda t: Tensor(np.zeros_like(t.a))
fake.empty_like = lambda t: Tensor(np.empty_like(t.a))
fake.randperm = lambda n, device=None, generator=None: Tensor(_rng.permutation(n))
fake.where = lambda c, x, y: Tensor(np.where(unwrap(c), unwrap(x), unwrap(y)))
fake.ceil = lambda t: Tensor(np.ceil(t.a))
fake.sqrt = lambda t: Tensor(np.sqrt(t.a))
fake.no_grad = contextlib.nullcontext
sys.modules["torch"] = fake
sys.dont_write_bytecode = True  # no __pycache__ beside the script
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch_reference as ref  # noqa: E402  (after the stand-in)


# ---- the reference, literally (numpy, features x samples) ----

def reference_minibatch_epoch(X, Y, W, H_X, H_Y, alpha, batch_size, rng):
    """One pass of the niter loop of contrastive_nmf_poisson_minibatch, as written there."""
    num, den = np.zeros_like(W), np.zeros_like(W)
    order = rng.permutation(X.shape[1])
    for start in range(0, X.shape[1], batch_size):
        b = order[start:start + batch_size]
        X_batch, H_X_batch = X[:, b], H_X[:, b]
        WT1 = W.T @ np.ones(X_batch.shape)
        WH_X = W @ H_X_batch
        H_X_batch = H_X_batch * (W.T @ (X_batch / (WH_X + 1e-16))) / (WT1 + 1e-16)
        H_X[:, b] = H_X_batch
        num += (X_batch / (WH_X + 1e-16)) @ H_X_batch.T
        den += np.ones(X_batch.shape) @ H_X_batch.T
    order = rng.permutation(Y.shape[1])
    for start in range(0, Y.shape[1], batch_size):
        b = order[start:start + batch_size]
        Y_batch, H_Y_batch = Y[:, b], H_Y[:, b]
        WT1 = W.T @ np.ones(Y_batch.shape)
        WH_Y = W @ H_Y_batch
        H_Y_batch = H_Y_batch * (W.T @ (Y_batch / (WH_Y + 1e-16))) / (WT1 + 1e-16)
        H_Y[:, b] = H_Y_batch
        num += alpha * (np.ones(Y_batch.shape) @ H_Y_batch.T)
        den += alpha * ((Y_batch / (WH_Y + 1e-16)) @ H_Y_batch.T)
    return W * (num / (den + 1e-16))


def reference_frobenius_step(X, Y, W, H_X, H_Y, alpha):
    """The contrastive Frobenius multiplicative updates (ALGORITHM.md §2), one iteration."""
    WtW = W.T @ W
    H_X = H_X * (W.T @ X) / (WtW @ H_X + 1e-10)
    H_Y = H_Y * (W.T @ Y) / (WtW @ H_Y + 1e-10)
    W = W * (X @ H_X.T + alpha * W @ (H_Y @ H_Y.T)) / (W @ (H_X @ H_X.T) + alpha * Y @ H_Y.T + 1e-10)
    return W, H_X, H_Y


def close(name, got, want, failures):
    error = np.max(np.abs(got - want) / (np.abs(want) + 1e-12))
    print(f"{name}: max relative difference {error:.2e}")
    if not error < 1e-9:
        failures.append(f"{name}: max relative difference {error:.2e}")


def main():
    failures = []
    rng = np.random.default_rng(7)
    m, nx, ny, k, alpha = 9, 23, 17, 3, 0.7
    X = rng.poisson(2.0, (m, nx)).astype(np.float64)
    Y = rng.poisson(2.0, (m, ny)).astype(np.float64)
    W0, Hx0, Hy0 = rng.random((m, k)) + 0.1, rng.random((k, nx)) + 0.1, rng.random((k, ny)) + 0.1
    ref.ALPHA = alpha

    # 1. the minibatch epoch, two epochs in a row (the second starts from the first's factors)
    W, Hx, Hy = Tensor(W0.copy()), Tensor(Hx0.copy()), Tensor(Hy0.copy())
    rW, rHx, rHy = W0.copy(), Hx0.copy(), Hy0.copy()
    for epoch in (1, 2):
        W = ref.contrastive_poisson_minibatch_epoch(Tensor(X), Tensor(Y), W, Hx, Hy, 5)
        rW = reference_minibatch_epoch(X, Y, rW, rHx, rHy, alpha, 5, np.random.default_rng(epoch))
        close(f"minibatch epoch {epoch}: W", W.a, rW, failures)
        close(f"minibatch epoch {epoch}: H of the target", Hx.a, rHx, failures)
        close(f"minibatch epoch {epoch}: H of the background", Hy.a, rHy, failures)

    # 2. the full-batch Frobenius step
    got = ref.frobenius_step(Tensor(X), Tensor(Y), Tensor(W0), Tensor(Hx0), Tensor(Hy0))
    want = reference_frobenius_step(X, Y, W0, Hx0, Hy0, alpha)
    for name, g, w in zip(("W", "H of the target", "H of the background"), got, want):
        close(f"frobenius step: {name}", g.a, w, failures)

    # 3. main() on a plan with every kind of case
    cases = [
        {"id": "copy", "kind": "copy", "floats": 64, "count": 2},
        {"id": "iteration", "kind": "iteration", "loss": "poisson", "features": 6, "target": 8, "background": 7, "k": 2, "iterations": 2},
        {"id": "sparse", "kind": "sparse_product", "product": "thin_transposed_times_sparse", "features": 6, "samples": 8, "k": 2, "density": 0.3, "count": 2},
        {"id": "minibatch", "kind": "minibatch", "features": 6, "target": 9, "background": 5, "k": 2, "density": 0.3, "batch_size": 4, "epochs": 1},
    ]
    cases += [{"id": f"product {p}", "kind": "product", "product": p, "features": 6, "samples": 8, "k": 2, "count": 2}
              for p in ("data_times_thin", "thin_transposed_times_data", "poisson_ratio", "coefficient_update_frobenius",
                        "coefficient_update_poisson", "basis_statistics_frobenius", "basis_statistics_poisson")]
    with tempfile.TemporaryDirectory() as folder:
        plan = os.path.join(folder, "plan.json")
        with open(plan, "w", encoding="utf8") as f:
            json.dump({"repeats": 1, "cases": cases}, f)
        out = io.StringIO()
        sys.argv = ["torch_reference.py", plan]
        with contextlib.redirect_stdout(out):
            ref.main()
    result = json.loads(out.getvalue().strip().splitlines()[-1])
    by_id = {r["id"]: r for r in result["results"]}
    for case in cases:
        r = by_id.get(case["id"], {})
        if not isinstance(r.get("ms"), float) or r["ms"] < 0:
            failures.append(f"main(): case {case['id']} has no time: {r}")
    print(f"main(): {len(by_id)} cases, each with a time" if not any(f.startswith("main()") for f in failures) else "main(): failed")

    if failures:
        print("FAILED:\n  " + "\n  ".join(failures), file=sys.stderr)
        sys.exit(1)
    print("torch_reference.py: all checks passed (NumPy stand-in for torch)")


if __name__ == "__main__":
    main()
