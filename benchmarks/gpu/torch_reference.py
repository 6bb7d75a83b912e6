#!/usr/bin/env python3
"""The reference bcNMF updates (ALGORITHM.md §2-3, features x samples layout) in PyTorch,
float32, on the GPU when there is one, timed per iteration with nothing else in the loop.
Prints one JSON line: {"loss", "ms_per_iteration", "device", "torch"}.

Usage: python3 torch_reference.py FEATURES N_TARGET N_BACKGROUND K ITERATIONS LOSS [REPEATS]
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

m, nx, ny, k, iterations = (int(a) for a in sys.argv[1:6])
loss = sys.argv[6]
repeats = int(sys.argv[7]) if len(sys.argv) > 7 else 3
alpha = 1.0
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
generator = torch.Generator(device=device).manual_seed(0)


def rand(*shape):
    return torch.rand(*shape, generator=generator, device=device, dtype=torch.float32)


X = rand(m, nx)
Y = rand(m, ny)


def frobenius(W, Hx, Hy, eps=1e-10):
    WtW = W.T @ W
    Hx = Hx * (W.T @ X) / (WtW @ Hx + eps)
    Hy = Hy * (W.T @ Y) / (WtW @ Hy + eps)
    W = W * (X @ Hx.T + alpha * W @ (Hy @ Hy.T)) / (W @ (Hx @ Hx.T) + alpha * Y @ Hy.T + eps)
    return W, Hx, Hy


def poisson(W, Hx, Hy, eps=1e-16, damping=0.5):
    col = W.sum(dim=0)[:, None] + eps
    Hx = Hx * torch.sqrt((W.T @ (X / (W @ Hx + eps))) / col)
    Hy = Hy * torch.sqrt((W.T @ (Y / (W @ Hy + eps))) / col)
    num = (X / (W @ Hx + eps)) @ Hx.T + alpha * Hy.sum(dim=1)[None, :]
    den = Hx.sum(dim=1)[None, :] + alpha * (Y / (W @ Hy + eps)) @ Hy.T + eps
    W = W * torch.sqrt(num / den)
    return W, Hx, Hy


def sync():
    if device.type == "cuda":
        torch.cuda.synchronize()


step = frobenius if loss == "frobenius" else poisson
times = []
with torch.no_grad():
    for r in range(repeats):
        W, Hx, Hy = rand(m, k), rand(k, nx), rand(k, ny)
        for _ in range(3):  # warm-up: cuBLAS handles, kernel selection
            W, Hx, Hy = step(W, Hx, Hy)
        sync()
        start = time.perf_counter()
        for _ in range(iterations):
            W, Hx, Hy = step(W, Hx, Hy)
        sync()
        times.append((time.perf_counter() - start) * 1000 / iterations)
times.sort()
name = torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"
print(json.dumps({"loss": loss, "ms_per_iteration": times[len(times) // 2], "device": name, "torch": torch.__version__}))
