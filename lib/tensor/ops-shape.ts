import { normDim } from "./shape";
import { Tensor } from "./tensor";

/**
 * Shape ops beyond the views in tensor.ts: repeat/tile, flip, split/chunk, expandAs and the `.T` property;
 * attached to Tensor's prototype when lib/tensor/index.ts loads this file.
 */
declare module "./tensor" {
  interface Tensor {
    /** Reversed dims (a view): the transpose of a matrix, a 1-D or 0-d tensor itself (as torch's x.T). */
    readonly T: Tensor;
    /** Copies of the tensor laid side by side: `repeat(2, 3)`; needs at least as many sizes as dims (as torch). */
    repeat(...sizes: number[] | [readonly number[]]): Tensor;
    /** Like repeat, but fewer sizes than dims are padded with 1 in front (as torch.tile). */
    tile(...sizes: number[] | [readonly number[]]): Tensor;
    /** Copy with the order reversed along the given dims. */
    flip(...dims: number[] | [readonly number[]]): Tensor;
    /** Views of `splitSize` entries along dim (the last may be shorter), or of the given sizes. */
    split(splitSize: number | readonly number[], dim?: number): Tensor[];
    /** `chunks` views along dim of ceil(size / chunks) entries each (fewer when they run out, as torch.chunk). */
    chunk(chunks: number, dim?: number): Tensor[];
    expandAs(other: Tensor): Tensor;
  }
}

function sizesOf(args: number[] | [readonly number[]]): number[] {
  return Array.isArray(args[0]) ? [...(args[0] as readonly number[])] : (args as number[]);
}

const proto = Tensor.prototype;

Object.defineProperty(proto, "T", {
  get(this: Tensor): Tensor {
    return this.ndim < 2 ? this : this.permute(...this.shape.map((_, d) => this.ndim - 1 - d));
  },
});

function repeatTo(t: Tensor, sizes: number[], op: string): Tensor {
  for (const s of sizes) if (!Number.isInteger(s) || s < 0) throw new RangeError(`${op}: repeats must be non-negative integers, got [${sizes.join(", ")}]`);
  const lead = sizes.length - t.ndim;
  const shape = [...new Array<number>(lead).fill(1), ...t.shape];
  // Interleave a size-1 dim before each dim, expand it to the repeat count, copy, and merge the pairs.
  const interleaved = t.reshape(shape.flatMap((s) => [1, s]));
  const expanded = interleaved.expand(shape.flatMap((s, d) => [sizes[d], s]));
  return expanded.contiguous().reshape(shape.map((s, d) => s * sizes[d]));
}
proto.repeat = function (this: Tensor, ...args: number[] | [readonly number[]]): Tensor {
  const sizes = sizesOf(args);
  if (sizes.length < this.ndim) {
    throw new RangeError(`repeat: needs at least as many repeats as dims (${this.ndim}), got [${sizes.join(", ")}]; tile() pads them`);
  }
  return repeatTo(this, sizes, "repeat");
};
proto.tile = function (this: Tensor, ...args: number[] | [readonly number[]]): Tensor {
  const sizes = sizesOf(args);
  return repeatTo(this, [...new Array<number>(Math.max(0, this.ndim - sizes.length)).fill(1), ...sizes], "tile");
};

proto.flip = function (this: Tensor, ...args: number[] | [readonly number[]]): Tensor {
  const dims = sizesOf(args).map((d) => normDim(d, this.ndim, "flip"));
  if (new Set(dims).size !== dims.length) throw new RangeError(`flip: dim appears more than once in [${dims.join(", ")}]`);
  if (this.ndim === 0) return this.clone();
  // A view with negative strides, copied at once: such views are never handed out (the kernels assume >= 0).
  const strides = [...this.strides];
  let offset = this.offset;
  for (const d of dims) {
    if (this.shape[d] > 0) offset += (this.shape[d] - 1) * strides[d];
    strides[d] = -strides[d];
  }
  return new Tensor(this.data, this.shape, strides, offset).clone();
};

proto.split = function (this: Tensor, splitSize: number | readonly number[], dim = 0): Tensor[] {
  if (this.ndim === 0) throw new RangeError("split: cannot be applied to a 0-d tensor");
  const d = normDim(dim, this.ndim, "split");
  const size = this.shape[d];
  let sizes: number[];
  if (typeof splitSize === "number") {
    if (!Number.isInteger(splitSize) || splitSize < 0 || (splitSize === 0 && size !== 0)) {
      throw new RangeError(`split: split size must be a positive integer, got ${splitSize}`);
    }
    sizes = [];
    for (let start = 0; start < size; start += splitSize) sizes.push(Math.min(splitSize, size - start));
    if (size === 0) sizes.push(0);
  } else {
    sizes = [...splitSize];
    const total = sizes.reduce((a, b) => a + b, 0);
    if (sizes.some((s) => !Number.isInteger(s) || s < 0) || total !== size) {
      throw new RangeError(`split: sizes [${sizes.join(", ")}] must be non-negative integers summing to dim ${d}'s size ${size}`);
    }
  }
  const parts: Tensor[] = [];
  let start = 0;
  for (const s of sizes) {
    parts.push(this.narrow(d, start, s));
    start += s;
  }
  return parts;
};

proto.chunk = function (this: Tensor, chunks: number, dim = 0): Tensor[] {
  if (!Number.isInteger(chunks) || chunks < 1) throw new RangeError(`chunk: chunks must be a positive integer, got ${chunks}`);
  if (this.ndim === 0) throw new RangeError("chunk: cannot be applied to a 0-d tensor");
  const d = normDim(dim, this.ndim, "chunk");
  const size = this.shape[d];
  if (size === 0) return Array.from({ length: chunks }, () => this.narrow(d, 0, 0));
  return this.split(Math.ceil(size / chunks), d);
};

proto.expandAs = function (this: Tensor, other: Tensor): Tensor {
  if (!(other instanceof Tensor)) throw new TypeError(`expandAs: expected a Tensor, got ${typeof other}`);
  return this.expand(other.shape);
};
