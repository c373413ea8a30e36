import { allocate, isFloating, type DType } from "./dtype";
import { formatShape, normDim, splitAround } from "./shape";
import { extremeAlong, reduceDims, Tensor } from "./tensor";

/**
 * Reductions and scans beyond sum/mean/max/min in tensor.ts: amax/amin over several dims, var/std, norm,
 * cumsum/cumprod, softmax/logSoftmax; attached to Tensor's prototype when lib/tensor/index.ts loads this file.
 */
declare module "./tensor" {
  interface Tensor {
    /** Largest values over dim(s) (all when none), without indices; NaN wins. */
    amax(dim?: number | number[], keepdim?: boolean): Tensor;
    amin(dim?: number | number[], keepdim?: boolean): Tensor;
    /** Variance over dim(s) (all when none); unbiased (divide by N - 1) unless told otherwise, as torch.var. */
    var(dim?: number | number[] | boolean, unbiased?: boolean, keepdim?: boolean): Tensor;
    std(dim?: number | number[] | boolean, unbiased?: boolean, keepdim?: boolean): Tensor;
    /** p-norm over dim(s) (all when none): p = 2 (default), 1, Infinity, -Infinity, 0 (count of non-zeros) or any other number. */
    norm(p?: number, dim?: number | number[], keepdim?: boolean): Tensor;
    /** Running sum along dim; integer and bool tensors give int32 (torch: int64). */
    cumsum(dim: number): Tensor;
    cumprod(dim: number): Tensor;
    softmax(dim: number): Tensor;
    logSoftmax(dim: number): Tensor;
  }
}

const proto = Tensor.prototype;

function extreme(sign: number, op: string) {
  return function (this: Tensor, dim?: number | number[], keepdim = false): Tensor {
    if (dim === undefined && this.numel() === 0) {
      throw new RangeError(`${op}: cannot reduce an empty tensor over all dims (shape ${formatShape(this.shape)}); give a dim`);
    }
    if (Array.isArray(dim) && dim.length === 0) dim = undefined;
    return reduceDims(this, dim, keepdim, op, (t, d, kd) => extremeAlong(t, d, kd, sign, op).values);
  };
}
proto.amax = extreme(1, "amax");
proto.amin = extreme(-1, "amin");

function floatOnly(t: Tensor, op: string): void {
  if (!isFloating(t.dtype)) throw new TypeError(`${op}: input dtype must be floating, got ${t.dtype} (as torch); convert first with .to("float64")`);
}

function dimsOf(t: Tensor, dim: number | number[] | undefined, op: string): number[] {
  if (dim === undefined) return t.shape.map((_, d) => d);
  const dims = (typeof dim === "number" ? [dim] : dim).map((d) => normDim(d, t.ndim, op));
  return t.ndim === 0 ? [] : dims;
}

/** Computed in float64 (two passes: mean, then squared deviations) and rounded once to the input dtype. */
function variance(t: Tensor, dimArg: number | number[] | boolean | undefined, unbiasedArg: boolean | undefined, keepdim: boolean, op: string): Tensor {
  floatOnly(t, op);
  const [dim, unbiased] = typeof dimArg === "boolean" ? [undefined, dimArg] : [dimArg, unbiasedArg ?? true];
  const dims = dimsOf(t, dim, op);
  const n = dims.reduce((c, d) => c * t.shape[d], 1);
  const over = dim === undefined ? undefined : dims;
  const x = t.to("float64");
  const dev = x.sub(x.sum(over, true).div_(n));
  const ss = dev.mul(dev).sum(over, keepdim);
  return ss.div_(Math.max(0, n - (unbiased ? 1 : 0))).to(t.dtype);
}
proto.var = function (this: Tensor, dim?: number | number[] | boolean, unbiased?: boolean, keepdim = false): Tensor {
  return variance(this, dim, unbiased, keepdim, "var");
};
proto.std = function (this: Tensor, dim?: number | number[] | boolean, unbiased?: boolean, keepdim = false): Tensor {
  return variance(this, dim, unbiased, keepdim, "std").sqrt();
};

proto.norm = function (this: Tensor, p = 2, dim?: number | number[], keepdim = false): Tensor {
  floatOnly(this, "norm");
  const a = this.abs();
  if (p === Infinity) return a.amax(dim, keepdim);
  if (p === -Infinity) return a.amin(dim, keepdim);
  if (this.numel() === 0 && dim === undefined) return new Tensor(allocate(this.dtype, 1), keepdim ? this.shape.map(() => 1) : []);
  if (p === 0) return a.ne(0).to(this.dtype).sum(dim, keepdim);
  if (p === 1) return a.sum(dim, keepdim);
  if (p === 2) return a.mul(a).sum(dim, keepdim).sqrt();
  return a.pow(p).sum(dim, keepdim).pow(1 / p);
};

/** Running sum or product along dim, accumulated in double and stored per element (as torch's CPU scan). */
function scan(t: Tensor, dim: number, op: "cumsum" | "cumprod"): Tensor {
  const d = normDim(dim, t.ndim, op);
  const outType: DType = isFloating(t.dtype) ? t.dtype : "int32";
  const src = t.contiguous();
  const shape = t.ndim === 0 ? [1] : src.shape;
  const [outer, size, inner] = splitAround(shape, t.ndim === 0 ? 0 : d);
  const out = allocate(outType, src.numel());
  const sd = src.data;
  const product = op === "cumprod";
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let acc = product ? 1 : 0;
      for (let k = 0; k < size; k++) {
        const at = (o * size + k) * inner + i;
        acc = product ? acc * sd[at] : acc + sd[at];
        out[at] = acc;
      }
    }
  }
  return new Tensor(out, t.shape);
}
proto.cumsum = function (this: Tensor, dim: number): Tensor {
  return scan(this, dim, "cumsum");
};
proto.cumprod = function (this: Tensor, dim: number): Tensor {
  return scan(this, dim, "cumprod");
};

/** exp(x - max) / sum along dim, or its log; a 0-d tensor counts as [1]. */
function softmaxAlong(t: Tensor, dim: number, log: boolean, op: string): Tensor {
  const d = normDim(dim, t.ndim, op);
  if (t.numel() === 0) return t.clone(); // torch, too, checks the dtype only when there is something to compute
  if (!isFloating(t.dtype)) throw new TypeError(`${op}: not implemented for ${t.dtype} tensors (as in torch); convert first with .to("float64")`);
  if (t.ndim === 0) return softmaxAlong(t.reshape([1]), 0, log, op).reshape([]);
  if (t.shape[d] === 0) return t.clone();
  const m = extremeAlong(t, d, true, 1, op).values;
  const shifted = t.sub(m);
  const e = shifted.exp();
  const s = e.sum(d, true);
  return log ? shifted.sub(s.log()) : e.div(s);
}
proto.softmax = function (this: Tensor, dim: number): Tensor {
  return softmaxAlong(this, dim, false, "softmax");
};
proto.logSoftmax = function (this: Tensor, dim: number): Tensor {
  return softmaxAlong(this, dim, true, "logSoftmax");
};
