"""PyTorch side of the differential suite (tests/tensor-torch.test.ts).

Reads one JSON batch per line on stdin: {"cases": [{"op", "inputs", "params"}, ...]}, runs every case with
torch and writes one JSON line back: {"results": [...]}, each a tensor {"shape", "dtype", "values"}, a list of
results, or {"error": "..."}. Inputs are rebuilt exactly as tests/torch-diff/inputs.ts builds them (flat
values, base shape, then views). The default dtype is float64, as in lib/tensor. torch's int64 results are
reported as int32 (lib/tensor's only integer dtype). `--probe` only checks that torch imports.
"""
import json
import math
import sys
import warnings

import torch

torch.set_default_dtype(torch.float64)
torch.set_num_threads(1)
warnings.filterwarnings("ignore")

DTYPES = {"float64": torch.float64, "float32": torch.float32, "int32": torch.int32, "bool": torch.bool}
NAMES = {torch.float64: "float64", torch.float32: "float32", torch.int32: "int32", torch.int64: "int32", torch.bool: "bool"}


def decode(v):
    if isinstance(v, str):
        return {"nan": math.nan, "inf": math.inf, "-inf": -math.inf, "-0": -0.0}[v]
    return v


def encode(v):
    if isinstance(v, float):
        if v == 0 and math.copysign(1, v) < 0:
            return "-0"
        if math.isnan(v):
            return "nan"
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
    return v


def build_tensor(spec):
    t = torch.tensor([decode(v) for v in spec["values"]], dtype=DTYPES[spec["dtype"]]).reshape(spec["base"])
    for view in spec["views"]:
        kind = view[0]
        if kind == "transpose":
            t = t.transpose(view[1], view[2])
        elif kind == "permute":
            t = t.permute(*view[1])
        elif kind == "slice":
            t = t[(slice(None),) * view[1] + (slice(view[2], view[3], view[4]),)]
        elif kind == "select":
            t = t.select(view[1], view[2])
        elif kind == "narrow":
            t = t.narrow(view[1], view[2], view[3])
        elif kind == "expand":
            t = t.expand(*view[1])
    return t


def build_input(x):
    return build_tensor(x["t"]) if "t" in x else decode(x["n"])


def result(x):
    if isinstance(x, torch.Tensor):
        if x.dtype not in NAMES:
            raise TypeError(f"unexpected dtype {x.dtype}")
        values = x.detach().reshape(-1).tolist()
        if x.dtype == torch.bool:
            values = [1 if v else 0 for v in values]
        return {"shape": list(x.shape), "dtype": NAMES[x.dtype], "values": [encode(v) for v in values]}
    if isinstance(x, (tuple, list)):
        return {"list": [result(v) for v in x]}
    raise TypeError(f"unexpected result type {type(x)}")


def dim_or_all(p):
    return p.get("dim")


def keep_all(t, out, p):
    """lib/tensor's sum/mean without a dim but with keepdim: all dims kept as size 1 (torch has no such call)."""
    return out.reshape([1] * t.dim()) if p.get("keepdim") and p.get("dim") is None else out


def reduce_call(fn):
    def run(a, p):
        d = p.get("dim")
        if d is None:
            return keep_all(a, fn(a), p)
        return fn(a, dim=d, keepdim=p["keepdim"])
    return run


def inplace(method):
    def run(args, p):
        a, b = args
        if not isinstance(b, torch.Tensor) and method == "copy_":
            b = torch.tensor(b)  # lib/tensor's copy_ also takes a number (as fill_ does)
        getattr(a, method)(b)
        return a
    return run


def promoted(fn):
    """lib/tensor's matmul family promotes mixed dtypes (torch requires one dtype): cast first, then call torch."""
    def run(args, p):
        a, b = args
        dt = torch.promote_types(a.dtype, b.dtype)
        return fn(a.to(dt), b.to(dt))
    return run


def slice_op(a, p):
    nd = max(a.dim(), 1)
    d = p["dim"]
    if a.dim() == 0:
        raise IndexError("slice of a 0-d tensor")
    if d < -nd or d >= nd:
        raise IndexError("dim out of range")
    d %= nd
    return a[(slice(None),) * d + (slice(p["start"], p["end"], p["step"]),)]


def topk(a, p):
    values, indices = torch.topk(a, p["k"], p["dim"], largest=p["largest"])
    return [values, indices if a.dim() == 0 else a.gather(p["dim"], indices)]


def norm(a, p):
    order = {"inf": math.inf, "-inf": -math.inf}.get(p["p"], p["p"])
    d = p.get("dim")
    return torch.linalg.vector_norm(a, ord=order, dim=d, keepdim=p["keepdim"])


def unique(a, p):
    if p["counts"]:
        return list(torch.unique(a, sorted=True, return_inverse=True, return_counts=True))
    return torch.unique(a, sorted=True)


def as_tensors(a, b):
    """For torch functions that take no Python number: the number as a tensor of the result type a number gets."""
    if isinstance(b, torch.Tensor):
        return a, b
    dt = torch.result_type(a, b)
    return a.to(dt), torch.tensor(b, dtype=dt)


def unary(fn):
    return lambda args, p: fn(args[0])


def binary(fn):
    return lambda args, p: fn(args[0], args[1])


def one(fn):
    return lambda args, p: fn(args[0], p)


OPS = {
    "add": binary(torch.add),
    "sub": binary(torch.sub),
    "mul": binary(torch.mul),
    "div": binary(torch.div),
    "pow": binary(torch.pow),
    "maximum": binary(lambda a, b: torch.maximum(*as_tensors(a, b))),
    "minimum": binary(lambda a, b: torch.minimum(*as_tensors(a, b))),
    "remainder": binary(torch.remainder),
    "eq": binary(torch.eq),
    "ne": binary(torch.ne),
    "lt": binary(torch.lt),
    "le": binary(torch.le),
    "gt": binary(torch.gt),
    "ge": binary(torch.ge),
    "logicalAnd": binary(lambda a, b: torch.logical_and(*as_tensors(a, b))),
    "logicalOr": binary(lambda a, b: torch.logical_or(*as_tensors(a, b))),
    "logicalXor": binary(lambda a, b: torch.logical_xor(*as_tensors(a, b))),
    "addAlpha": lambda args, p: (torch.sub if p["sub"] else torch.add)(args[0], args[1], alpha=p["alpha"]),
    "where": lambda args, p: torch.where(args[0], args[1], args[2]),
    "neg": unary(torch.neg),
    "abs": unary(torch.abs),
    "exp": unary(torch.exp),
    "log": unary(torch.log),
    "sqrt": unary(torch.sqrt),
    "sign": unary(torch.sign),
    "square": unary(torch.square),
    "floor": unary(torch.floor),
    "ceil": unary(torch.ceil),
    "round": unary(torch.round),
    "trunc": unary(torch.trunc),
    "sigmoid": unary(torch.sigmoid),
    "tanh": unary(torch.tanh),
    "relu": unary(torch.relu),
    "isnan": unary(torch.isnan),
    "isinf": unary(torch.isinf),
    "isfinite": unary(torch.isfinite),
    "logicalNot": unary(torch.logical_not),
    "clone": unary(torch.clone),
    "contiguous": unary(lambda a: a.contiguous()),
    "to": one(lambda a, p: a.to(DTYPES[p["dtype"]])),
    "clamp": one(lambda a, p: torch.clamp(a, min=p["min"], max=p["max"])),
    "add_": inplace("add_"),
    "sub_": inplace("sub_"),
    "mul_": inplace("mul_"),
    "div_": inplace("div_"),
    "copy_": inplace("copy_"),
    "addAlpha_": lambda args, p: args[0].add_(args[1], alpha=p["alpha"]),
    "clamp_": one(lambda a, p: a.clamp_(min=p["min"], max=p["max"])),
    "fill_": one(lambda a, p: a.fill_(p["value"])),
    "maskedFill": lambda args, p: args[0].clone().masked_fill_(args[1], p["value"]) if p["inPlace"] else args[0].masked_fill(args[1], p["value"]),
    "sum": one(reduce_call(torch.sum)),
    "mean": one(reduce_call(torch.mean)),
    "amax": one(lambda a, p: torch.amax(a, dim=() if p["dim"] is None else p["dim"], keepdim=p["keepdim"])),
    "amin": one(lambda a, p: torch.amin(a, dim=() if p["dim"] is None else p["dim"], keepdim=p["keepdim"])),
    "maxDim": one(lambda a, p: list(torch.max(a, p["dim"], keepdim=p["keepdim"]))),
    "minDim": one(lambda a, p: list(torch.min(a, p["dim"], keepdim=p["keepdim"]))),
    "maxAll": one(lambda a, p: torch.max(a)),
    "argmax": one(lambda a, p: torch.argmax(a, dim=p["dim"], keepdim=p["keepdim"])),
    "argmin": one(lambda a, p: torch.argmin(a, dim=p["dim"], keepdim=p["keepdim"])),
    "logsumexp": one(lambda a, p: torch.logsumexp(a, p["dim"], keepdim=p["keepdim"])),
    "var": one(lambda a, p: keep_all(a, torch.var(a, dim=p["dim"], unbiased=p["unbiased"], keepdim=p["keepdim"]), p)),
    "std": one(lambda a, p: keep_all(a, torch.std(a, dim=p["dim"], unbiased=p["unbiased"], keepdim=p["keepdim"]), p)),
    "norm": one(norm),
    "anyDim": one(lambda a, p: torch.any(a, p["dim"], keepdim=p["keepdim"])),
    "allDim": one(lambda a, p: torch.all(a, p["dim"], keepdim=p["keepdim"])),
    "cumsum": one(lambda a, p: torch.cumsum(a, p["dim"])),
    "cumprod": one(lambda a, p: torch.cumprod(a, p["dim"])),
    "softmax": one(lambda a, p: torch.softmax(a, p["dim"])),
    "logSoftmax": one(lambda a, p: torch.log_softmax(a, p["dim"])),
    "reshape": one(lambda a, p: a.reshape(p["shape"])),
    "view": one(lambda a, p: a.view(p["shape"])),
    "flatten": unary(torch.flatten),
    "transpose": one(lambda a, p: a.transpose(p["a"], p["b"])),
    "t": unary(torch.t),
    "T": unary(lambda a: a.T),
    "permute": one(lambda a, p: a.permute(p["dims"])),
    "unsqueeze": one(lambda a, p: a.unsqueeze(p["dim"])),
    "squeeze": one(lambda a, p: a.squeeze() if p["dim"] is None else a.squeeze(p["dim"])),
    "slice": one(slice_op),
    "narrow": one(lambda a, p: a.narrow(p["dim"], p["start"], p["length"])),
    "select": one(lambda a, p: a.select(p["dim"], p["index"])),
    "expand": one(lambda a, p: a.expand(p["shape"])),
    "flip": one(lambda a, p: torch.flip(a, p["dims"])),
    "repeat": one(lambda a, p: a.repeat(*p["sizes"]) if p["sizes"] else a.repeat(torch.Size([]))),
    "tile": one(lambda a, p: torch.tile(a, tuple(p["sizes"]))),
    "split": one(lambda a, p: list(torch.split(a, p["size"], p["dim"]))),
    "chunk": one(lambda a, p: list(torch.chunk(a, p["chunks"], p["dim"]))),
    "tril": one(lambda a, p: torch.tril(a, p["diagonal"])),
    "triu": one(lambda a, p: torch.triu(a, p["diagonal"])),
    "cat": lambda args, p: torch.cat(args, p["dim"]),
    "stack": lambda args, p: torch.stack(args, p["dim"]),
    "expandAs": binary(lambda a, b: a.expand_as(b)),
    "gather": lambda args, p: torch.gather(args[0], p["dim"], args[1].long()),
    "scatter_": lambda args, p: args[0].scatter_(p["dim"], args[1].long(), args[2]),
    "scatterAdd_": lambda args, p: args[0].scatter_add_(p["dim"], args[1].long(), args[2]),
    "scatterValue_": lambda args, p: args[0].scatter_(p["dim"], args[1].long(), p["value"]),
    "indexSelect": lambda args, p: torch.index_select(args[0], p["dim"], args[1]),
    "indexAdd_": lambda args, p: args[0].index_add_(p["dim"], args[1], args[2]),
    "maskedSelect": lambda args, p: torch.masked_select(args[0], args[1]),
    "nonzero": unary(torch.nonzero),
    "sort": one(lambda a, p: list(torch.sort(a, dim=p["dim"], descending=p["descending"], stable=True))),
    "argsort": one(lambda a, p: torch.sort(a, dim=p["dim"], descending=p["descending"], stable=True).indices),
    "topk": one(topk),
    "unique": one(unique),
    "bincount": lambda args, p: torch.bincount(args[0], args[1] if len(args) > 1 else None, p["minlength"]),
    "matmul": promoted(torch.matmul),
    "mm": promoted(torch.mm),
    "mv": promoted(torch.mv),
    "bmm": promoted(torch.bmm),
    "dot": binary(torch.dot),
    "outer": binary(torch.outer),
    "arange": lambda args, p: torch.arange(p["start"], p["end"], p["step"]),
    "linspace": lambda args, p: torch.linspace(p["start"], p["end"], p["steps"]),
    "full": lambda args, p: torch.full(p["shape"], p["value"], dtype=DTYPES[p["dtype"]]),
    "eye": lambda args, p: torch.eye(p["n"], p["m"], dtype=DTYPES[p["dtype"]]),
    "zerosOnes": lambda args, p: (torch.ones if p["ones"] else torch.zeros)(p["shape"], dtype=DTYPES[p["dtype"]]),
}


def run_case(case):
    try:
        args = [build_input(x) for x in case["inputs"]]
    except Exception as e:  # the inputs themselves are always valid; say so loudly if not
        return {"error": f"input: {type(e).__name__}: {e}", "badInput": True}
    try:
        return result(OPS[case["op"]](args, case["params"]))
    except Exception as e:
        return {"error": f"{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ''}"}


def main():
    if "--probe" in sys.argv:
        print(json.dumps({"torch": torch.__version__}))
        return
    for line in sys.stdin:
        if not line.strip():
            continue
        batch = json.loads(line)
        out = {"results": [run_case(c) for c in batch["cases"]]}
        sys.stdout.write(json.dumps(out, allow_nan=False) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
