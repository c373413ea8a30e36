"""Shared parts of the benchmark's Python peers (bench_numpy.py, bench_torch.py), run with /usr/bin/python3.

A peer module defines `LIB` (e.g. "numpy 1.24.2"), `cases(dtype_name, seed)` -> {name: fn} for the workload rows
and `e2e(name, scale, seed)` -> None for the end-to-end rows (scripts/bench-e2e.ts describes the recipe). This
module gives them the line protocol scripts/bench.ts speaks (`serve`), the timing (`median_ms`, `run_timed`)
and the BLAS report (`blas_info`): which OpenBLAS library the process loaded, its kernel and thread count.

Imports nothing but the standard library, so it can run before numpy or torch is imported (threads are set
through the environment before that).
"""
import ctypes
import json
import os
import resource
import sys
import time


def set_threads_env(threads):
    """OPENBLAS_NUM_THREADS for this process, before numpy/torch load OpenBLAS (None: leave it alone)."""
    if threads is not None:
        os.environ["OPENBLAS_NUM_THREADS"] = str(threads)


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


def run_timed(fn):
    """Wall, user and system milliseconds and minor page faults of one call (getrusage: every thread of this
    process, BLAS's too)."""
    r0 = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    fn()
    wall = (time.perf_counter() - t0) * 1000.0
    r1 = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "ms": round(wall, 3),
        "user_ms": round((r1.ru_utime - r0.ru_utime) * 1000.0, 3),
        "sys_ms": round((r1.ru_stime - r0.ru_stime) * 1000.0, 3),
        "faults": r1.ru_minflt - r0.ru_minflt,
    }


def blas_info():
    """The OpenBLAS this process loaded: {"library", "core", "config", "threads"}, or {"library": None}."""
    seen = []
    with open("/proc/self/maps") as maps:
        for line in maps:
            parts = line.split()
            path = parts[-1] if len(parts) >= 6 else ""
            name = os.path.basename(path)
            if ("openblas" in path or name.startswith("libblas")) and path not in seen:
                seen.append(path)
    # OpenBLAS itself first (liblapack.so.3 of Debian's openblas-pthread also answers, but is not the BLAS).
    seen.sort(key=lambda p: 0 if "openblas" in os.path.basename(p) else 1 if os.path.basename(p).startswith("libblas") else 2)
    for path in seen:
        try:
            lib = ctypes.CDLL(path)
            lib.openblas_get_corename.restype = ctypes.c_char_p
            lib.openblas_get_config.restype = ctypes.c_char_p
            return {
                "library": path,
                "core": lib.openblas_get_corename().decode(),
                "config": lib.openblas_get_config().decode(),
                "threads": int(lib.openblas_get_num_threads()),
            }
        except (OSError, AttributeError):
            continue
    return {"library": None}


def serve(peer, seed, warmup, extra_info=None):
    """Answers lines on stdin until end of input, one JSON line each:
      "info"                          -> {"lib", "blas": blas_info(), ...extra_info()}
      "<name>|<dtype>|<repeat>"       -> {"ms": median} (a workload row)
      "e2e|<name>|<scale>"            -> {"ms", "user_ms", "sys_ms", "faults"} (one end-to-end run)
    and {"error": message} for anything it does not know."""
    by_dtype = {}
    while True:
        line = sys.stdin.readline()
        if not line:
            return
        try:
            parts = line.rstrip("\n").split("|")
            if parts == ["info"]:
                reply = {"lib": peer.LIB, "blas": blas_info(), **(extra_info() if extra_info else {})}
            elif parts[0] == "e2e" and len(parts) == 3:
                reply = run_timed(e2e_runner(peer, parts[1], float(parts[2]), seed))
            elif len(parts) == 3:
                name, dtype, repeat = parts
                if dtype not in ("float64", "float32"):
                    raise ValueError(f"unknown dtype {dtype!r}")
                if dtype not in by_dtype:
                    by_dtype[dtype] = peer.cases(dtype, seed)
                fn = by_dtype[dtype].get(name)
                if fn is None:
                    raise ValueError(f"unknown case {name!r}")
                reply = {"ms": round(median_ms(fn, max(1, int(repeat)), warmup), 4)}
            else:
                raise ValueError(f"cannot parse {line.strip()!r}")
        except ValueError as e:
            reply = {"error": str(e)}
        sys.stdout.write(json.dumps(reply) + "\n")
        sys.stdout.flush()


# The end-to-end recipe, shared by every peer (scripts/bench-e2e.ts has the same numbers).
E2E = {
    "train": 8000, "val": 1000, "dim": 3073, "classes": 10, "batch": 200,
    "softmax_iters": 1500, "softmax_grid": [(1e-3, 1e-2), (1e-3, 1e-1), (3e-3, 1e-2), (3e-3, 1e-1)],
    "net_iters": 2000, "hidden": 128, "net_decay": 0.95,
    "net_grid": [(0.3, 1e-4), (0.3, 1e-3), (0.5, 1e-4), (0.5, 1e-3)],
}
E2E_NAMES = ("softmax grid", "two-layer grid")


_E2E_DATA = {}


def e2e_runner(peer, name, scale, seed):
    """The run to time for an end-to-end row of a peer (its data is made before, untimed, once per seed)."""
    if seed not in _E2E_DATA:
        _E2E_DATA[seed] = peer.e2e_data(seed)
    data = _E2E_DATA[seed]
    if name == "softmax grid":
        return lambda: peer.softmax_grid(data, scaled_iters(E2E["softmax_iters"], scale), seed)
    if name == "two-layer grid":
        return lambda: peer.net_grid(data, scaled_iters(E2E["net_iters"], scale), seed)
    raise ValueError(f"unknown end-to-end row {name!r}")


def scaled_iters(full, scale):
    return max(1, round(full * scale))
