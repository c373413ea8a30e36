#!/usr/bin/env python3
"""numpy reference timings for the course kit's benchmark (run with /usr/bin/python3, Debian's python3-numpy).

Prints one JSON object on stdout:
  {"rows": [{"name": ..., "dtype": "float64"|"float32", "ms": median}, ...], "numpy": version, "repeat": n,
   "threads": OPENBLAS_NUM_THREADS or null}

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

Each case runs --warmup times untimed, then --repeat timed runs; "ms" is the median in milliseconds.

--serve keeps the process alive for interleaved measurements (scripts/bench.ts alternates numpy and the TypeScript
backends row by row, so both see the same machine load): it reads lines "<name>|<dtype>|<repeat>" on stdin and
answers each with one JSON line, {"ms": median} or {"error": message}; it stops at end of input.

OpenBLAS reads OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE when numpy is imported; for a fair comparison with the native
addon they should be unset, which the caller does in this subprocess's environment. As a safety net this script
also drops them from its own environment before importing numpy (affects this process only).
--threads N sets OPENBLAS_NUM_THREADS for this process (default: OpenBLAS's own choice, usually the CPU count).
"""
import argparse
import json
import os
import sys
import time

for _var in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
    os.environ.pop(_var, None)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--repeat", type=int, default=20, help="timed runs per case (median is reported); default 20")
    p.add_argument("--warmup", type=int, default=3, help="untimed runs before timing; default 3")
    p.add_argument("--threads", type=int, default=None, help="OPENBLAS_NUM_THREADS for this process")
    p.add_argument("--dtype", choices=["float64", "float32", "both"], default="both")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--serve", action="store_true", help="answer '<name>|<dtype>|<repeat>' lines on stdin")
    args = p.parse_args(argv)
    if args.repeat < 1:
        p.error("--repeat must be >= 1")
    if args.warmup < 0:
        p.error("--warmup must be >= 0")
    if args.threads is not None and args.threads < 1:
        p.error("--threads must be >= 1")
    return args


ARGS = parse_args(sys.argv[1:])
if ARGS.threads is not None:
    os.environ["OPENBLAS_NUM_THREADS"] = str(ARGS.threads)

import numpy as np  # noqa: E402  (after the environment is set)

REG = 1e-3
LR = 1e-4


def median_ms(fn, repeat, warmup):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000.0)
    times.sort()
    mid = len(times) // 2
    return times[mid] if len(times) % 2 else 0.5 * (times[mid - 1] + times[mid])


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


def two_layer_step(params, X, y, reg, lr):
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
    dW2 = h.T @ dscores + 2 * reg * W2
    db2 = dscores.sum(axis=0)
    dh = dscores @ W2.T
    dh[h <= 0] = 0
    dW1 = X.T @ dh + 2 * reg * W1
    db1 = dh.sum(axis=0)
    # SGD update, in place
    W1 -= lr * dW1
    b1 -= lr * db1
    W2 -= lr * dW2
    b2 -= lr * db2
    return loss


def cases(dtype, rng):
    def randn(*shape, scale=1.0):
        return (rng.standard_normal(shape) * scale).astype(dtype)

    out = []
    for m, n in ((200, 100), (500, 10), (4000, 100)):
        a = with_bias(randn(m, 3072))
        b = randn(3073, n, scale=1e-4)
        out.append((f"matmul {m}x3073 @ 3073x{n}", lambda a=a, b=b: a @ b))
    xt, d = with_bias(randn(500, 3072)), randn(500, 10)
    out.append(("matmul 500x3073.T @ 500x10", lambda: xt.T @ d))

    X = with_bias(randn(500, 3072))
    y = rng.integers(0, 10, size=500)
    W = randn(3073, 10, scale=1e-4)
    out.append(("softmax loss+grad N=500 D=3073 C=10", lambda: softmax_loss_vectorized(W, X, y, REG)))

    Xb = randn(200, 3072)
    yb = rng.integers(0, 10, size=200)
    for hidden in (100, 500):
        params = {
            "W1": randn(3072, hidden, scale=1e-4),
            "b1": np.zeros(hidden, dtype=dtype),
            "W2": randn(hidden, 10, scale=1e-4),
            "b2": np.zeros(10, dtype=dtype),
        }
        out.append((f"two-layer step N=200 D=3072 H={hidden} C=10",
                    lambda p=params: two_layer_step(p, Xb, yb, REG, LR)))
    return out


def serve():
    by_dtype = {}
    while True:
        line = sys.stdin.readline()
        if not line:
            return
        try:
            name, dtype, repeat = line.rstrip("\n").split("|")
            if dtype not in ("float64", "float32"):
                raise ValueError(f"unknown dtype {dtype!r}")
            if dtype not in by_dtype:
                by_dtype[dtype] = dict(cases(np.dtype(dtype), np.random.default_rng(ARGS.seed)))
            fn = by_dtype[dtype].get(name)
            if fn is None:
                raise ValueError(f"unknown case {name!r}")
            reply = {"ms": round(median_ms(fn, max(1, int(repeat)), ARGS.warmup), 4)}
        except ValueError as e:
            reply = {"error": str(e)}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


def main():
    if ARGS.serve:
        serve()
        return
    dtypes = ["float64", "float32"] if ARGS.dtype == "both" else [ARGS.dtype]
    rows = []
    for dtype in dtypes:
        rng = np.random.default_rng(ARGS.seed)
        for name, fn in cases(np.dtype(dtype), rng):
            ms = median_ms(fn, ARGS.repeat, ARGS.warmup)
            rows.append({"name": name, "dtype": dtype, "ms": round(ms, 4)})
    result = {
        "rows": rows,
        "numpy": np.__version__,
        "repeat": ARGS.repeat,
        "threads": int(os.environ["OPENBLAS_NUM_THREADS"]) if os.environ.get("OPENBLAS_NUM_THREADS") else None,
    }
    sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
