import { floatingOf, isFloating } from "./dtype";
import { castNumber, resultType } from "./promote";
import { broadcastShapes, formatShape, sameShape } from "./shape";
import { binary, Tensor, unary, type TensorLike } from "./tensor";

/**
 * Elementwise ops beyond the core arithmetic in tensor.ts (rounding, remainder, activations, NaN tests, masks,
 * triangles, outer product), attached to Tensor's prototype when lib/tensor/index.ts loads this file.
 */
declare module "./tensor" {
  interface Tensor {
    floor(): Tensor;
    ceil(): Tensor;
    /** Round half to even, as torch.round. */
    round(): Tensor;
    trunc(): Tensor;
    /** Python's modulo (the sign of the divisor), as torch.remainder; an integer division by zero is an error. */
    remainder(other: TensorLike): Tensor;
    sigmoid(): Tensor;
    tanh(): Tensor;
    relu(): Tensor;
    isnan(): Tensor;
    isinf(): Tensor;
    isfinite(): Tensor;
    /** Copy with `value` where the bool `mask` (broadcast to this shape) is true; the value takes this dtype. */
    maskedFill(mask: Tensor, value: TensorLike): Tensor;
    maskedFill_(mask: Tensor, value: TensorLike): Tensor;
    /** Lower triangle of the last two dims (entries above `diagonal` set to 0). */
    tril(diagonal?: number): Tensor;
    /** Upper triangle of the last two dims (entries below `diagonal` set to 0). */
    triu(diagonal?: number): Tensor;
    /** Outer product of two 1-D tensors: [n] x [m] -> [n, m]. */
    outer(other: Tensor): Tensor;
  }
}

function rounding(name: string, f: (x: number) => number) {
  return function (this: Tensor): Tensor {
    if (this.dtype === "bool") throw new TypeError(`${name}: not supported for bool tensors (as in torch)`);
    return isFloating(this.dtype) ? unary(this, this.dtype, f) : this.clone();
  };
}

/** Half to even (banker's rounding), like C's nearbyint under the default rounding mode. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

const proto = Tensor.prototype;
proto.floor = rounding("floor", Math.floor);
proto.ceil = rounding("ceil", Math.ceil);
proto.round = rounding("round", roundHalfEven);
proto.trunc = rounding("trunc", Math.trunc);

proto.remainder = function (this: Tensor, other: TensorLike): Tensor {
  const ct = resultType(this, other);
  if (ct === "bool") throw new TypeError("remainder: not implemented for bool tensors (as in torch)");
  if (isFloating(ct)) {
    return binary(this, other, ct, ct, (x, y) => {
      const m = x % y;
      return m !== 0 && y < 0 !== m < 0 ? m + y : m;
    }, -1, "remainder");
  }
  return binary(this, other, ct, ct, (x, y) => {
    if (y === 0) throw new RangeError("remainder: integer division by zero (ZeroDivisionError in torch)");
    const m = x % y;
    return m !== 0 && y < 0 !== m < 0 ? m + y : m;
  }, -1, "remainder");
};

proto.sigmoid = function (this: Tensor): Tensor {
  return unary(this, floatingOf(this.dtype), (x) => 1 / (1 + Math.exp(-x)));
};
proto.tanh = function (this: Tensor): Tensor {
  return unary(this, floatingOf(this.dtype), Math.tanh);
};
proto.relu = function (this: Tensor): Tensor {
  if (this.dtype === "bool") throw new TypeError("relu: not supported for bool tensors (as in torch)");
  return unary(this, this.dtype, (x) => (x > 0 || x !== x ? x : 0));
};
proto.isnan = function (this: Tensor): Tensor {
  return unary(this, "bool", (x) => (x !== x ? 1 : 0));
};
proto.isinf = function (this: Tensor): Tensor {
  return unary(this, "bool", (x) => (x === Infinity || x === -Infinity ? 1 : 0));
};
proto.isfinite = function (this: Tensor): Tensor {
  return unary(this, "bool", (x) => (Number.isFinite(x) ? 1 : 0));
};

proto.maskedFill_ = function (this: Tensor, mask: Tensor, value: TensorLike): Tensor {
  if (mask.dtype !== "bool") throw new TypeError(`maskedFill: the mask must be a bool tensor, got ${mask.dtype} (as in torch)`);
  if (typeof value !== "number" && value.ndim !== 0) {
    throw new RangeError(`maskedFill: value must be a number or a 0-d tensor, got shape ${formatShape(value.shape)}`);
  }
  const full = broadcastShapes(this.shape, mask.shape, "maskedFill");
  if (!sameShape(full, this.shape)) {
    throw new RangeError(`maskedFill: mask ${formatShape(mask.shape)} does not broadcast to the tensor's shape ${formatShape(this.shape)}`);
  }
  const v = castNumber(typeof value === "number" ? value : value.item(), this.dtype);
  const m = mask.expand(this.shape).contiguous().data;
  // Write through any strides: walk the positions with a flat view of this tensor's elements.
  const flat = this.isContiguous() ? this.reshape(-1) : null;
  if (flat !== null) {
    for (let i = 0; i < m.length; i++) if (m[i]) flat.data[flat.offset + i] = v;
    return this;
  }
  const values = this.clone();
  for (let i = 0; i < m.length; i++) if (m[i]) values.data[i] = v;
  return this.copy_(values);
};
proto.maskedFill = function (this: Tensor, mask: Tensor, value: TensorLike): Tensor {
  return this.clone().maskedFill_(mask, value);
};

function triangle(t: Tensor, diagonal: number, keepLower: boolean, op: string): Tensor {
  if (t.ndim < 2 && t.numel() > 0) throw new RangeError(`${op}: expects a tensor with at least 2 dims, got shape ${formatShape(t.shape)}`);
  if (!Number.isInteger(diagonal)) throw new RangeError(`${op}: diagonal must be an integer, got ${diagonal}`);
  const out = t.clone();
  if (t.numel() === 0) return out; // torch checks nothing more for an empty tensor
  const rows = t.shape[t.ndim - 2], cols = t.shape[t.ndim - 1];
  const d = out.data;
  for (let base = 0; base < d.length; base += rows * cols) {
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const drop = keepLower ? j - i > diagonal : j - i < diagonal;
        if (drop) d[base + i * cols + j] = 0;
      }
    }
  }
  return out;
}
proto.tril = function (this: Tensor, diagonal = 0): Tensor {
  return triangle(this, diagonal, true, "tril");
};
proto.triu = function (this: Tensor, diagonal = 0): Tensor {
  return triangle(this, diagonal, false, "triu");
};

proto.outer = function (this: Tensor, other: Tensor): Tensor {
  if (this.ndim !== 1 || other.ndim !== 1) {
    throw new RangeError(`outer: expects two 1-D tensors, got ${formatShape(this.shape)} and ${formatShape(other.shape)}`);
  }
  return this.reshape(-1, 1).mul(other.reshape(1, -1));
};
