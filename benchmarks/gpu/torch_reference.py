#!/usr/bin/env python3
"""PyTorch's side of the GPU benchmark (benchmarks/gpu/bench.ts): the reference bcNMF
updates (ALGORITHM.md §2-3, features x samples layout, as the reference code has it),
the same large products through cuBLAS, a copy, sparse products, and a transcription of
the reference's minibatch Poisson fit, float32, on the GPU when there is one, each timed
with nothing else in the loop.

Usage: python3 torch_reference.py PLAN.json        (or - to read the plan from stdin)

The plan is {"repeats": R, "cases": [{"id": ..., "kind": ..., ...}, ...]}; the kinds and
their fields are the functions named run_<kind> below. Prints one JSON line:
{"torch", "device", "cuda", "results": [{"id", "ms"} or {"id", "error"}]}, where ms is
the median of R timings (per iteration, per call or per epoch). A case that fails (out
of memory, an operation this PyTorch lacks) reports its error and the others still run.
Exit status 3 (and a message on stderr) when PyTorch cannot be imported.
"""
import json
import sys
import time

try:
    import torch
except Exception as error:  # ImportError, or a broken CUDA install failing at import
    print(f"PyTorch is not available to {sys.executable}: {error!r}; "
          "install it (pip install torch) or run the benchmark on the GPU machine", file=sys.stderr)
    sys.exit(3)

device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
generator = torch.Generator(device=device).manual_seed(0)
ALPHA = 1.0


def rand(*shape):
    return torch.rand(*shape, generator=generator, device=device, dtype=torch.float32)


def sync():
    if device.type == "cuda":
        torch.cuda.synchronize()


def median(samples):
    samples = sorted(samples)
    return samples[len(samples) // 2]


def timed(body, count, repeats):
    """ms per call of body(): the median over repeats of count calls after a warm-up call."""
    body()
    sync()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(count):
            body()
        sync()
        samples.append((time.perf_counter() - start) * 1000 / count)
    return median(samples)


# ---- the reference's full-batch updates (one iteration: H of the target, of the background, then W) ----

def frobenius_step(X, Y, W, Hx, Hy, eps=1e-10):
    WtW = W.T @ W
    Hx = Hx * (W.T @ X) / (WtW @ Hx + eps)
    Hy = Hy * (W.T @ Y) / (WtW @ Hy + eps)
    W = W * (X @ Hx.T + ALPHA * W @ (Hy @ Hy.T)) / (W @ (Hx @ Hx.T) + ALPHA * Y @ Hy.T + eps)
    return W, Hx, Hy


def poisson_step(X, Y, W, Hx, Hy, eps=1e-16):
    # damping 0.5 (the square root), bcnmf's Poisson default
    col = W.sum(dim=0)[:, None] + eps
    Hx = Hx * torch.sqrt((W.T @ (X / (W @ Hx + eps))) / col)
    Hy = Hy * torch.sqrt((W.T @ (Y / (W @ Hy + eps))) / col)
    num = (X / (W @ Hx + eps)) @ Hx.T + ALPHA * Hy.sum(dim=1)[None, :]
    den = Hx.sum(dim=1)[None, :] + ALPHA * (Y / (W @ Hy + eps)) @ Hy.T + eps
    W = W * torch.sqrt(num / den)
    return W, Hx, Hy


def run_iteration(case, repeats):
    """{loss, features, target, background, k, iterations}: ms per full-batch iteration."""
    m, nx, ny, k = case["features"], case["target"], case["background"], case["k"]
    X, Y = rand(m, nx), rand(m, ny)
    step = frobenius_step if case["loss"] == "frobenius" else poisson_step
    samples = []
    for _ in range(repeats):
        W, Hx, Hy = rand(m, k), rand(k, nx), rand(k, ny)
        for _ in range(3):  # warm-up: cuBLAS handles, kernel selection
            W, Hx, Hy = step(X, Y, W, Hx, Hy)
        sync()
        start = time.perf_counter()
        for _ in range(case["iterations"]):
            W, Hx, Hy = step(X, Y, W, Hx, Hy)
        sync()
        samples.append((time.perf_counter() - start) * 1000 / case["iterations"])
    return median(samples)


# ---- the large products alone, in the reference's layout (X is features x samples) ----

def run_product(case, repeats):
    """{product, features, samples, k, count}: ms per call of one product (the names are bench.ts's)."""
    m, n, k = case["features"], case["samples"], case["k"]
    X, W, H = rand(m, n), rand(m, k), rand(k, n)
    eps = 1e-16
    col = W.sum(dim=0)[:, None] + eps
    bodies = {
        # bcnmf's X · Wᵀ (n x k) is the reference's Wᵀ X (k x n)
        "data_times_thin": lambda: W.T @ X,
        # bcnmf's Hᵀ · X (k x m) is the reference's X Hᵀ (m x k)
        "thin_transposed_times_data": lambda: X @ H.T,
        "poisson_ratio": lambda: X / (W @ H + eps),
        "coefficient_update_frobenius": lambda: H * (W.T @ X) / ((W.T @ W) @ H + 1e-10),
        "coefficient_update_poisson": lambda: H * torch.sqrt((W.T @ (X / (W @ H + eps))) / col),
        "basis_statistics_frobenius": lambda: (X @ H.T, H @ H.T),
        "basis_statistics_poisson": lambda: ((X / (W @ H + eps)) @ H.T, H.sum(dim=1)),
    }
    return timed(bodies[case["product"]], case["count"], repeats)


def run_copy(case, repeats):
    """{floats, count}: ms per copy of a float32 array (bench.ts turns it into GB/s, read + write)."""
    source = rand(case["floats"])
    target = torch.empty_like(source)
    return timed(lambda: target.copy_(source), case["count"], repeats)


def random_csr(rows, columns, density):
    """A rows x columns CSR matrix with about density x rows x columns entries uniform in (0, 1]."""
    mask = rand(rows, columns) < density
    dense = torch.where(mask, 1.0 - rand(rows, columns), torch.zeros((), device=device))
    return dense.to_sparse_csr()


def run_sparse_product(case, repeats):
    """{product, features, samples, k, density, count}: bcnmf's layout, X samples x features in CSR."""
    n, m, k = case["samples"], case["features"], case["k"]
    X = random_csr(n, m, case["density"])
    if case["product"] == "sparse_times_thin":
        thin = rand(m, k)
        body = lambda: X @ thin  # n x k
    else:
        # Hᵀ X as (Xᵀ H)ᵀ with Xᵀ transposed to CSR once (not timed)
        XT = X.to_dense().T.contiguous().to_sparse_csr()
        H = rand(n, k)
        body = lambda: (XT @ H).T
    return timed(body, case["count"], repeats)


# ---- a transcription of the reference's minibatch Poisson fit ----

def contrastive_poisson_minibatch_epoch(X, Y, W, Hx, Hy, batch_size, eps=1e-16):
    """One epoch of the reference's contrastive_nmf_poisson_minibatch (li-lab-mcgill/bcnmf,
    bcNMF/bcnmf.py), features x samples: the target's samples in shuffled batches, each
    batch's coefficients updated with W fixed and its share of W's numerator and denominator
    accumulated, then the background's likewise (weighted by alpha, on the other side of the
    ratio), then one W update, undamped as there. The reference forms W.T @ ones and
    ones @ H.T as products with a matrix of ones; here they are the equivalent column and
    row sums. The per-epoch log-likelihood the reference prints is left out (nothing else in
    the loop). Hx and Hy are updated in place; returns the new W."""
    numerator = torch.zeros_like(W)
    denominator = torch.zeros_like(W)
    col = W.sum(dim=0)[:, None] + eps  # Wᵀ 1: the same for every batch (W is fixed in the epoch)
    for data, H, weight, target in ((X, Hx, 1.0, True), (Y, Hy, ALPHA, False)):
        order = torch.randperm(data.size(1), device=device)
        for start in range(0, data.size(1), batch_size):
            batch = order[start:start + batch_size]
            D, Hb = data[:, batch], H[:, batch]
            ratio = D / (W @ Hb + eps)
            Hb = Hb * (W.T @ ratio) / col
            H[:, batch] = Hb
            # W's statistics use the updated coefficients with the batch's ratio before the update, as in the reference
            if target:
                numerator += ratio @ Hb.T
                denominator += Hb.sum(dim=1)[None, :]
            else:
                numerator += weight * Hb.sum(dim=1)[None, :]
                denominator += weight * (ratio @ Hb.T)
    return W * (numerator / (denominator + eps))


def run_minibatch(case, repeats):
    """{features, target, background, k, density, batch_size, epochs}: ms per epoch, data dense on the GPU as in the reference."""
    m, nx, ny, k, density = case["features"], case["target"], case["background"], case["k"], case["density"]

    def counts(rows, columns):
        # density-sparse count-like data, built in column blocks to bound the temporary memory
        out = torch.zeros(rows, columns, device=device)
        for start in range(0, columns, 65536):
            end = min(columns, start + 65536)
            mask = rand(rows, end - start) < density
            out[:, start:end] = torch.where(mask, torch.ceil(9 * rand(rows, end - start)), torch.zeros((), device=device))
        return out

    X, Y = counts(m, nx), counts(m, ny)
    samples = []
    for _ in range(repeats):
        W, Hx, Hy = rand(m, k), rand(k, nx), rand(k, ny)
        W = contrastive_poisson_minibatch_epoch(X, Y, W, Hx, Hy, case["batch_size"])  # warm-up
        sync()
        start = time.perf_counter()
        for _ in range(case["epochs"]):
            W = contrastive_poisson_minibatch_epoch(X, Y, W, Hx, Hy, case["batch_size"])
        sync()
        samples.append((time.perf_counter() - start) * 1000 / case["epochs"])
    del X, Y
    return median(samples)


RUNNERS = {
    "iteration": run_iteration,
    "product": run_product,
    "copy": run_copy,
    "sparse_product": run_sparse_product,
    "minibatch": run_minibatch,
}


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        sys.exit(2)
    text = sys.stdin.read() if sys.argv[1] == "-" else open(sys.argv[1], encoding="utf8").read()
    plan = json.loads(text)
    repeats = int(plan.get("repeats", 3))
    results = []
    with torch.no_grad():
        for case in plan["cases"]:
            try:
                results.append({"id": case["id"], "ms": RUNNERS[case["kind"]](case, repeats)})
            except Exception as error:  # one failing case (memory, a missing sparse kernel) does not stop the rest
                results.append({"id": case["id"], "error": f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"})
            if device.type == "cuda":
                torch.cuda.empty_cache()
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"
    print(json.dumps({"torch": torch.__version__, "device": name, "cuda": device.type == "cuda", "results": results}))


if __name__ == "__main__":
    main()
