#!/usr/bin/env python3
"""numpy reference timings for the course kit's benchmark (run with /usr/bin/python3, Debian's python3-numpy).

Prints one JSON object on stdout:
  {"rows": [{"name": ..., "dtype": "float64"|"float32", "ms": median}, ...], "numpy": version, "repeat": n,
   "blas": {"library", "core", "config", "threads"}}

Rows (each for float64 and float32; data from a fixed seed, standard-normal X, small random weights):
  "matmul 200x3073 @ 3073x100"    X @ W
  "matmul 500x3073 @ 3073x10"
  "matmul 4000x3073 @ 3073x100"
  "matmul 500x3073.T @ 500x10"     X.T @ dscores (the transposed product of a softmax gradient)
  "softmax loss+grad N=500 D=3073 C=10"
      vectorized, as in CS231n: scores = X @ W, stable softmax, loss = mean(-log p_y) + reg * sum(W*W),
      dW = X.T @ dscores / N + 2 * reg * W (X's last column is the bias 1).
  "two-layer step N=200 D=3072 H=100 C=10"   one SGD training step on a fixed batch:
  "two-layer step N=200 D=3072 H=500 C=10"   forward affine-relu-affine, softmax loss + reg * (|W1|^2 + |W2|^2),
      backward, in-place SGD update of W1, b1, W2, b2 (no minibatch sampling inside the timed step).
End-to-end rows ("softmax grid", "two-layer grid": the course recipe of scripts/bench-e2e.ts) run in --serve mode.

Each case runs --warmup times untimed, then --repeat timed runs; "ms" is the median in milliseconds.

--serve keeps the process alive for interleaved measurements (scripts/bench.ts takes turns with it row by row,
so both see the same machine load); the line protocol is in bench_peer.py.

The environment is left as it is (OPENBLAS_CORETYPE, OPENBLAS_L2_SIZE ...): the bench gives every side the
same one. --threads N sets OPENBLAS_NUM_THREADS for this process.
"""
import argparse
import json
import sys

import bench_peer


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--repeat", type=int, default=20, help="timed runs per case (median is reported); default 20")
    p.add_argument("--warmup", type=int, default=3, help="untimed runs before timing; default 3")
    p.add_argument("--threads", type=int, default=None, help="OPENBLAS_NUM_THREADS for this process")
    p.add_argument("--dtype", choices=["float64", "float32", "both"], default="both")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--serve", action="store_true", help="answer queries on stdin (see bench_peer.serve)")
    args = p.parse_args(argv)
    if args.repeat < 1:
        p.error("--repeat must be >= 1")
    if args.warmup < 0:
        p.error("--warmup must be >= 0")
    if args.threads is not None and args.threads < 1:
        p.error("--threads must be >= 1")
    return args


ARGS = parse_args(sys.argv[1:])
bench_peer.set_threads_env(ARGS.threads)

import numpy as np  # noqa: E402  (after the environment is set)

LIB = f"numpy {np.__version__}"
REG = 1e-3
LR = 1e-4


def with_bias(x):
    """Appends the bias column of ones (3072 -> 3073 columns)."""
    return np.hstack([x, np.ones((x.shape[0], 1), dtype=x.dtype)])


def softmax_loss_vectorized(W, X, y, reg):
    n = X.shape[0]
    scores = X @ W
    scores -= scores.max(axis=1, keepdims=True)
    exp = np.exp(scores)
    probs = exp / exp.sum(axis=1, keepdims=True)
    rows = np.arange(n)
    loss = -np.log(probs[rows, y]).mean() + reg * np.sum(W * W)
    dscores = probs
    dscores[rows, y] -= 1
    dW = X.T @ dscores / n + 2 * reg * W
    return loss, dW


def two_layer_loss(params, X, y, reg):
    W1, b1, W2, b2 = params["W1"], params["b1"], params["W2"], params["b2"]
    n = X.shape[0]
    # forward
    h = np.maximum(X @ W1 + b1, 0)
    scores = h @ W2 + b2
    scores -= scores.max(axis=1, keepdims=True)
    exp = np.exp(scores)
    probs = exp / exp.sum(axis=1, keepdims=True)
    rows = np.arange(n)
    loss = -np.log(probs[rows, y]).mean() + reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
    # backward
    dscores = probs
    dscores[rows, y] -= 1
    dscores /= n
    grads = {"W2": h.T @ dscores + 2 * reg * W2, "b2": dscores.sum(axis=0)}
    dh = dscores @ W2.T
    dh[h <= 0] = 0
    grads["W1"] = X.T @ dh + 2 * reg * W1
    grads["b1"] = dh.sum(axis=0)
    return loss, grads


def two_layer_step(params, X, y, reg, lr):
    loss, grads = two_layer_loss(params, X, y, reg)
    for k in ("W1", "b1", "W2", "b2"):  # SGD update, in place
        params[k] -= lr * grads[k]
    return loss


def cases(dtype_name, seed):
    dtype = np.dtype(dtype_name)
    rng = np.random.default_rng(seed)

    def randn(*shape, scale=1.0):
        return (rng.standard_normal(shape) * scale).astype(dtype)

    out = {}
    for m, n in ((200, 100), (500, 10), (4000, 100)):
        a = with_bias(randn(m, 3072))
        b = randn(3073, n, scale=1e-4)
        out[f"matmul {m}x3073 @ 3073x{n}"] = lambda a=a, b=b: a @ b
    xt, d = with_bias(randn(500, 3072)), randn(500, 10)
    out["matmul 500x3073.T @ 500x10"] = lambda: xt.T @ d

    X = with_bias(randn(500, 3072))
    y = rng.integers(0, 10, size=500)
    W = randn(3073, 10, scale=1e-4)
    out["softmax loss+grad N=500 D=3073 C=10"] = lambda: softmax_loss_vectorized(W, X, y, REG)

    Xb = randn(200, 3072)
    yb = rng.integers(0, 10, size=200)
    for hidden in (100, 500):
        params = {
            "W1": randn(3072, hidden, scale=1e-4),
            "b1": np.zeros(hidden, dtype=dtype),
            "W2": randn(hidden, 10, scale=1e-4),
            "b2": np.zeros(10, dtype=dtype),
        }
        out[f"two-layer step N=200 D=3072 H={hidden} C=10"] = lambda p=params: two_layer_step(p, Xb, yb, REG, LR)
    return out


# ------------------------------------------------------------------------------------------ end to end

def e2e_data(seed):
    """The recipe's data set: features uniform in [-0.5, 0.5) (like the course's mean-subtracted pixels) plus
    the bias column, random labels; float64."""
    e = bench_peer.E2E
    rng = np.random.default_rng(seed)

    def features(n):
        return with_bias(rng.random((n, e["dim"] - 1)) - 0.5)

    return (features(e["train"]), rng.integers(0, e["classes"], size=e["train"]),
            features(e["val"]), rng.integers(0, e["classes"], size=e["val"]))


def softmax_grid(data, iters, seed):
    """As the A3 reference: per setting, SGD on random batches (with replacement) with the vectorized softmax
    loss from 1e-6 * randn weights, then train and validation accuracy."""
    X, y, Xv, yv = data
    e = bench_peer.E2E
    best = 0.0
    for lr, reg in e["softmax_grid"]:
        rng = np.random.default_rng(seed)
        W = 1e-6 * rng.standard_normal((X.shape[1], e["classes"]))
        for _ in range(iters):
            idx = rng.integers(0, X.shape[0], size=e["batch"])
            _, dW = softmax_loss_vectorized(W, X[idx], y[idx], reg)
            W -= lr * dW
        np.mean(np.argmax(X @ W, axis=1) == y)  # training accuracy, as testOneParamSet reports it
        best = max(best, np.mean(np.argmax(Xv @ W, axis=1) == yv))
    return best


def net_predict(params, X):
    h = np.maximum(X @ params["W1"] + params["b1"], 0)
    return np.argmax(h @ params["W2"] + params["b2"], axis=1)


def net_grid(data, iters, seed):
    """As the A4 reference (nnTrain / findBestNet): per setting a net with 1e-4 * randn weights, SGD with
    learning-rate decay per epoch, and each epoch the accuracy on the batch and on the validation set."""
    X, y, Xv, yv = data
    e = bench_peer.E2E
    best = 0.0
    per_epoch = max(X.shape[0] // e["batch"], 1)
    for lr, reg in e["net_grid"]:
        rng = np.random.default_rng(seed)
        params = {
            "W1": 1e-4 * rng.standard_normal((X.shape[1], e["hidden"])), "b1": np.zeros(e["hidden"]),
            "W2": 1e-4 * rng.standard_normal((e["hidden"], e["classes"])), "b2": np.zeros(e["classes"]),
        }
        batches = np.random.default_rng(seed + 1)
        rate = lr
        for it in range(iters):
            idx = batches.integers(0, X.shape[0], size=e["batch"])
            Xb, yb = X[idx], y[idx]
            _, grads = two_layer_loss(params, Xb, yb, reg)
            for k in ("W1", "b1", "W2", "b2"):
                params[k] -= rate * grads[k]
            if it % per_epoch == 0 or it == iters - 1:
                np.mean(net_predict(params, Xb) == yb)
                np.mean(net_predict(params, Xv) == yv)
                rate *= e["net_decay"]
        best = max(best, np.mean(net_predict(params, Xv) == yv))
    return best




def main():
    peer = sys.modules[__name__]
    if ARGS.serve:
        bench_peer.serve(peer, ARGS.seed, ARGS.warmup)
        return
    dtypes = ["float64", "float32"] if ARGS.dtype == "both" else [ARGS.dtype]
    rows = []
    for dtype in dtypes:
        for name, fn in cases(dtype, ARGS.seed).items():
            rows.append({"name": name, "dtype": dtype, "ms": round(bench_peer.median_ms(fn, ARGS.repeat, ARGS.warmup), 4)})
    result = {"rows": rows, "numpy": np.__version__, "repeat": ARGS.repeat, "blas": bench_peer.blas_info()}
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
