#!/usr/bin/env python3
"""PyTorch reference timings for the course kit's benchmark: the second peer beside bench_numpy.py, on Debian's
python3-torch (run with /usr/bin/python3). Same rows, same recipe, same line protocol (bench_peer.serve);
`--serve` only. The math is written as a PyTorch user writes it by hand (no autograd: the course derives
gradients). --threads N sets OPENBLAS_NUM_THREADS, so matmul (Debian's torch calls the system OpenBLAS) uses the
same thread count as the other sides. torch's own elementwise loops keep their default pool (1 thread here, like
numpy's and lib/tensor's loops): with torch.set_num_threads(2) its OpenMP threads spin while OpenBLAS's 2 threads
want the same 2 cores, and a two-layer step took 80 ms instead of 6 (measured on this VM).
"""
import argparse
import sys

import bench_peer


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--threads", type=int, default=None)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--serve", action="store_true", required=True)
    return p.parse_args(argv)


ARGS = parse_args(sys.argv[1:])
bench_peer.set_threads_env(ARGS.threads)

import torch  # noqa: E402  (after the environment is set)

torch.set_grad_enabled(False)
LIB = f"torch {torch.__version__.split('+')[0]}"
REG = 1e-3
LR = 1e-4


def with_bias(x):
    return torch.cat([x, torch.ones(x.shape[0], 1, dtype=x.dtype)], dim=1)


def softmax_loss_vectorized(W, X, y, reg):
    n = X.shape[0]
    scores = X @ W
    scores -= scores.max(dim=1, keepdim=True).values
    exp = scores.exp()
    probs = exp / exp.sum(dim=1, keepdim=True)
    rows = torch.arange(n)
    loss = -probs[rows, y].log().mean().item() + reg * (W * W).sum().item()
    dscores = probs
    dscores[rows, y] -= 1
    dW = X.t() @ dscores / n + 2 * reg * W
    return loss, dW


def two_layer_loss(params, X, y, reg):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    n = X.shape[0]
    h = (X @ W1 + b1).clamp(min=0)
    scores = h @ W2 + b2
    scores -= scores.max(dim=1, keepdim=True).values
    exp = scores.exp()
    probs = exp / exp.sum(dim=1, keepdim=True)
    rows = torch.arange(n)
    loss = -probs[rows, y].log().mean().item() + reg * ((W1 * W1).sum().item() + (W2 * W2).sum().item())
    dscores = probs
    dscores[rows, y] -= 1
    dscores /= n
    grads = {"W2": h.t() @ dscores + 2 * reg * W2, "b2": dscores.sum(dim=0)}
    dh = dscores @ W2.t()
    dh[h <= 0] = 0
    grads["W1"] = X.t() @ dh + 2 * reg * W1
    grads["b1"] = dh.sum(dim=0)
    return loss, grads


def two_layer_step(params, X, y, reg, lr):
    loss, grads = two_layer_loss(params, X, y, reg)
    for k in ("W1", "b1", "W2", "b2"):
        params[k].add_(grads[k], alpha=-lr)
    return loss


def cases(dtype_name, seed):
    dtype = getattr(torch, dtype_name)
    g = torch.Generator().manual_seed(seed)

    def randn(*shape, scale=1.0):
        return torch.randn(*shape, generator=g, dtype=torch.float64).mul_(scale).to(dtype)

    def labels(n):
        return torch.randint(0, 10, (n,), generator=g)

    out = {}
    for m, n in ((200, 100), (500, 10), (4000, 100)):
        a = with_bias(randn(m, 3072))
        b = randn(3073, n, scale=1e-4)
        out[f"matmul {m}x3073 @ 3073x{n}"] = lambda a=a, b=b: a @ b
    xt, d = with_bias(randn(500, 3072)), randn(500, 10)
    out["matmul 500x3073.T @ 500x10"] = lambda: xt.t() @ d
    X, y, W = with_bias(randn(500, 3072)), labels(500), randn(3073, 10, scale=1e-4)
    out["softmax loss+grad N=500 D=3073 C=10"] = lambda: softmax_loss_vectorized(W, X, y, REG)
    Xb, yb = randn(200, 3072), labels(200)
    for hidden in (100, 500):
        params = {"W1": randn(3072, hidden, scale=1e-4), "b1": torch.zeros(hidden, dtype=dtype),
                  "W2": randn(hidden, 10, scale=1e-4), "b2": torch.zeros(10, dtype=dtype)}
        out[f"two-layer step N=200 D=3072 H={hidden} C=10"] = lambda p=params: two_layer_step(p, Xb, yb, REG, LR)
    return out


# ------------------------------------------------------------------------------------------ end to end
# The recipe of bench_numpy.py's softmax_grid / net_grid, in torch.

def e2e_data(seed):
    e = bench_peer.E2E
    g = torch.Generator().manual_seed(seed)

    def features(n):
        return with_bias(torch.rand(n, e["dim"] - 1, generator=g, dtype=torch.float64) - 0.5)

    return (features(e["train"]), torch.randint(0, e["classes"], (e["train"],), generator=g),
            features(e["val"]), torch.randint(0, e["classes"], (e["val"],), generator=g))


def accuracy(pred, y):
    return (pred == y).double().mean().item()


def softmax_grid(data, iters, seed):
    X, y, Xv, yv = data
    e = bench_peer.E2E
    best = 0.0
    for lr, reg in e["softmax_grid"]:
        g = torch.Generator().manual_seed(seed)
        W = torch.randn(X.shape[1], e["classes"], generator=g, dtype=torch.float64).mul_(1e-6)
        for _ in range(iters):
            idx = torch.randint(0, X.shape[0], (e["batch"],), generator=g)
            _, dW = softmax_loss_vectorized(W, X.index_select(0, idx), y.index_select(0, idx), reg)
            W.add_(dW, alpha=-lr)
        accuracy((X @ W).argmax(dim=1), y)
        best = max(best, accuracy((Xv @ W).argmax(dim=1), yv))
    return best


def net_predict(params, X):
    h = (X @ params["W1"] + params["b1"]).clamp(min=0)
    return (h @ params["W2"] + params["b2"]).argmax(dim=1)


def net_grid(data, iters, seed):
    X, y, Xv, yv = data
    e = bench_peer.E2E
    best = 0.0
    per_epoch = max(X.shape[0] // e["batch"], 1)
    for lr, reg in e["net_grid"]:
        g = torch.Generator().manual_seed(seed)
        params = {
            "W1": torch.randn(X.shape[1], e["hidden"], generator=g, dtype=torch.float64).mul_(1e-4),
            "b1": torch.zeros(e["hidden"], dtype=torch.float64),
            "W2": torch.randn(e["hidden"], e["classes"], generator=g, dtype=torch.float64).mul_(1e-4),
            "b2": torch.zeros(e["classes"], dtype=torch.float64),
        }
        batches = torch.Generator().manual_seed(seed + 1)
        rate = lr
        for it in range(iters):
            idx = torch.randint(0, X.shape[0], (e["batch"],), generator=batches)
            Xb, yb = X.index_select(0, idx), y.index_select(0, idx)
            _, grads = two_layer_loss(params, Xb, yb, reg)
            for k in ("W1", "b1", "W2", "b2"):
                params[k].add_(grads[k], alpha=-rate)
            if it % per_epoch == 0 or it == iters - 1:
                accuracy(net_predict(params, Xb), yb)
                accuracy(net_predict(params, Xv), yv)
                rate *= e["net_decay"]
        best = max(best, accuracy(net_predict(params, Xv), yv))
    return best




def extra_info():
    return {"torch_threads": torch.get_num_threads()}


if __name__ == "__main__":
    bench_peer.serve(sys.modules[__name__], ARGS.seed, ARGS.warmup, extra_info)
