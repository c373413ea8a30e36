import type { FloatArray } from "./backend";
import { elementwise, gemm } from "./backends";
import {
  allocate, checkDType, DEFAULT_DTYPE, dtypeOf, floatingOf, isFloating, promote,
  type DType, type Storage,
} from "./dtype";
import { formatTensor } from "./format";
import { takeStorage } from "./pool";
import { ADD, COL, DIV, GE, GT, LE, LT, MUL, ROW, SAME, SCALAR, SUB } from "./portable-elementwise";
import {
  broadcastShapes, contiguousStrides, formatShape, inferShape, normDim, numelOf, sameShape, splitAround,
} from "./shape";

/** Anything an op accepts where a tensor is expected: a Tensor or a plain number (a 0-d tensor). */
export type TensorLike = Tensor | number;

type BinaryFn = (x: number, y: number) => number;
type UnaryFn = (x: number) => number;

/**
 * An n-dimensional array of numbers, modelled on torch.Tensor.
 *
 * Storage is a typed array; `shape`, `strides` and `offset` say where each element lives, so row views
 * (`X.get(i)`), slices and transposes share memory with the tensor they come from. Ops that return a new
 * tensor always return a contiguous one. Methods ending in `_` (add_, mul_, clamp_, scatterAdd_ ...) work in place.
 */
export class Tensor {
  readonly data: Storage;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
  readonly dtype: DType;

  /** Low-level constructor; use tensor(), zeros() and friends instead. */
  constructor(data: Storage, shape: readonly number[], strides?: readonly number[], offset = 0) {
    this.data = data;
    this.shape = Object.freeze([...shape]);
    this.strides = Object.freeze(strides ? [...strides] : contiguousStrides(shape));
    this.offset = offset;
    this.dtype = dtypeOf(data);
  }

  // ---------------------------------------------------------------- basic properties

  get ndim(): number {
    return this.shape.length;
  }

  /** Number of dims, like torch's x.dim(). */
  dim(): number {
    return this.shape.length;
  }

  /** Size of one dim, or the whole shape. */
  size(): number[];
  size(dim: number): number;
  size(dim?: number): number | number[] {
    if (dim === undefined) return [...this.shape];
    return this.shape[normDim(dim, this.ndim, "size")];
  }

  numel(): number {
    return numelOf(this.shape);
  }

  /** True when elements are laid out row-major without gaps (offset may be non-zero). */
  isContiguous(): boolean {
    let s = 1;
    for (let d = this.ndim - 1; d >= 0; d--) {
      if (this.shape[d] !== 1 && this.strides[d] !== s) return false;
      s *= this.shape[d];
    }
    return true;
  }

  /** True when `data` holds exactly this tensor's elements in order: the form kernels want. */
  isPacked(): boolean {
    return this.offset === 0 && this.data.length === this.numel() && this.isContiguous();
  }

  /** This tensor if its storage is exactly its elements in row-major order, else a packed copy. */
  contiguous(): Tensor {
    if (this.isPacked()) return this;
    if (this.isContiguous()) {
      const n = this.numel();
      return new Tensor(this.data.subarray(this.offset, this.offset + n), this.shape);
    }
    const out = allocate(this.dtype, this.numel());
    copyStrided(this, out);
    return new Tensor(out, this.shape);
  }

  // ---------------------------------------------------------------- element access

  private flatIndex(idx: readonly number[], op: string): number {
    if (idx.length !== this.ndim) {
      throw new RangeError(`${op}: expected ${this.ndim} indices for shape ${formatShape(this.shape)}, got ${idx.length}`);
    }
    let off = this.offset;
    for (let d = 0; d < idx.length; d++) {
      let i = idx[d];
      const size = this.shape[d];
      if (!Number.isInteger(i) || i < -size || i >= size) {
        throw new RangeError(`${op}: index ${i} is out of bounds for dimension ${d} with size ${size}`);
      }
      if (i < 0) i += size;
      off += i * this.strides[d];
    }
    return off;
  }

  /** One element as a number: `scores.at(j)`, `X.at(i, j)`. Negative indices count from the end. */
  at(...idx: number[]): number {
    return this.data[this.flatIndex(idx, "at")];
  }

  /** Write one element in place: `dW.set([i, j], v)`. */
  set(idx: number | readonly number[], value: number): this {
    this.data[this.flatIndex(typeof idx === "number" ? [idx] : idx, "set")] = value;
    return this;
  }

  /** The value of a one-element tensor as a number, like torch's item(). */
  item(): number {
    if (this.numel() !== 1) {
      throw new RangeError(`item: a Tensor with ${this.numel()} elements cannot be converted to a number (shape ${formatShape(this.shape)})`);
    }
    return this.data[this.offset];
  }

  /** Nested JS arrays (numbers, or booleans for bool tensors), like torch's tolist(). */
  tolist(): unknown {
    const c = this.contiguous();
    const toValue = (v: number): number | boolean => (this.dtype === "bool" ? v !== 0 : v);
    if (this.ndim === 0) return toValue(c.data[0]);
    const build = (dim: number, off: number): unknown[] => {
      const size = this.shape[dim];
      const inner = numelOf(this.shape.slice(dim + 1));
      const out: unknown[] = [];
      for (let i = 0; i < size; i++) {
        out.push(dim === this.ndim - 1 ? toValue(c.data[off + i]) : build(dim + 1, off + i * inner));
      }
      return out;
    };
    return build(0, 0);
  }

  /** Flat copy of the values as a plain number array. */
  toArray(): number[] {
    return Array.from(this.contiguous().data);
  }

  toString(): string {
    const c = this.contiguous();
    return formatTensor(c.data, this.shape, this.dtype);
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toString();
  }

  // ---------------------------------------------------------------- conversion

  /** Copy with another dtype (this tensor itself when the dtype already matches). */
  to(dtype: DType): Tensor {
    checkDType(dtype);
    if (dtype === this.dtype) return this;
    const src = this.contiguous().data;
    const out = allocate(dtype, src.length);
    if (dtype === "bool") for (let i = 0; i < src.length; i++) out[i] = src[i] !== 0 ? 1 : 0;
    else if (dtype === "int32") for (let i = 0; i < src.length; i++) out[i] = Math.trunc(src[i]);
    else out.set(src);
    return new Tensor(out, this.shape);
  }

  double(): Tensor { return this.to("float64"); }
  float(): Tensor { return this.to("float32"); }
  int(): Tensor { return this.to("int32"); }
  /** int32 labels; the name mirrors torch's long() for students coming from PyTorch. */
  long(): Tensor { return this.to("int32"); }
  bool(): Tensor { return this.to("bool"); }

  clone(): Tensor {
    const out = allocate(this.dtype, this.numel());
    copyStrided(this, out);
    return new Tensor(out, this.shape);
  }

  // ---------------------------------------------------------------- views and shape

  /** Same elements, new shape (one entry may be -1). Shares memory when contiguous, else copies, like torch.reshape. */
  reshape(...shape: number[] | [readonly number[]]): Tensor {
    const requested = flattenShapeArgs(shape);
    const resolved = inferShape(requested, this.numel(), "reshape");
    const base = this.isContiguous() ? this : this.contiguous();
    return new Tensor(base.data, resolved, undefined, base.offset);
  }

  /** Like reshape, but never copies: a non-contiguous tensor is an error (as in torch.view). */
  view(...shape: number[] | [readonly number[]]): Tensor {
    if (!this.isContiguous()) {
      throw new Error(`view: tensor of shape ${formatShape(this.shape)} is not contiguous (a transpose or column slice); use reshape() or call contiguous() first`);
    }
    return this.reshape(...shape);
  }

  flatten(): Tensor {
    return this.reshape(-1);
  }

  /** Swap two dims (a view). */
  transpose(dim0: number, dim1: number): Tensor {
    const a = normDim(dim0, this.ndim, "transpose");
    const b = normDim(dim1, this.ndim, "transpose");
    const shape = [...this.shape];
    const strides = [...this.strides];
    [shape[a], shape[b]] = [shape[b], shape[a]];
    [strides[a], strides[b]] = [strides[b], strides[a]];
    return new Tensor(this.data, shape, strides, this.offset);
  }

  /** Transpose of a matrix (a view); 0-d and 1-d tensors are returned as they are. */
  t(): Tensor {
    if (this.ndim > 2) throw new RangeError(`t: expects a tensor with <= 2 dimensions, but got ${this.ndim} (use transpose(dim0, dim1))`);
    return this.ndim < 2 ? this : this.transpose(0, 1);
  }

  /** Reorder dims (a view). */
  permute(...dims: number[]): Tensor {
    if (dims.length !== this.ndim) throw new RangeError(`permute: expected ${this.ndim} dims, got ${dims.length}`);
    const order = dims.map((d) => normDim(d, this.ndim, "permute"));
    if (new Set(order).size !== order.length) throw new RangeError(`permute: repeated dim in [${dims.join(", ")}]`);
    return new Tensor(this.data, order.map((d) => this.shape[d]), order.map((d) => this.strides[d]), this.offset);
  }

  unsqueeze(dim: number): Tensor {
    const d = normDim(dim, this.ndim + 1, "unsqueeze");
    const shape = [...this.shape];
    const strides = [...this.strides];
    shape.splice(d, 0, 1);
    strides.splice(d, 0, d < this.ndim ? this.strides[d] * this.shape[d] : 1);
    return new Tensor(this.data, shape, strides, this.offset);
  }

  /** Drop size-1 dims (all of them, or only `dim`). */
  squeeze(dim?: number): Tensor {
    const keep = (d: number): boolean =>
      dim === undefined ? this.shape[d] !== 1 : d !== normDim(dim, this.ndim, "squeeze") || this.shape[d] !== 1;
    const dims = this.shape.map((_, d) => d).filter(keep);
    return new Tensor(this.data, dims.map((d) => this.shape[d]), dims.map((d) => this.strides[d]), this.offset);
  }

  /** Elements start..end-1 (step apart) along `dim`, as a view: `X.slice(0, 0, 100)` is X[0:100]. */
  slice(dim: number, start = 0, end?: number, step = 1): Tensor {
    const d = normDim(dim, this.ndim, "slice");
    const size = this.shape[d];
    if (!Number.isInteger(step) || step < 1) throw new RangeError(`slice: step must be a positive integer, got ${step}`);
    const clampIndex = (i: number): number => Math.min(size, Math.max(0, i < 0 ? i + size : i));
    const s = clampIndex(start);
    const e = Math.max(s, clampIndex(end ?? size));
    const shape = [...this.shape];
    const strides = [...this.strides];
    shape[d] = Math.ceil((e - s) / step);
    strides[d] = this.strides[d] * step;
    return new Tensor(this.data, shape, strides, this.offset + s * this.strides[d]);
  }

  /** Like torch.narrow: `length` elements from `start` along `dim` (a view). */
  narrow(dim: number, start: number, length: number): Tensor {
    return this.slice(dim, start, start + length);
  }

  /** Index one position along `dim` and drop that dim (a view): `W.select(1, j)` is the column W[:, j]. */
  select(dim: number, index: number): Tensor {
    const d = normDim(dim, this.ndim, "select");
    const size = this.shape[d];
    if (!Number.isInteger(index) || index < -size || index >= size) {
      throw new RangeError(`select: index ${index} is out of bounds for dimension ${d} with size ${size}`);
    }
    const i = index < 0 ? index + size : index;
    const shape = this.shape.filter((_, k) => k !== d);
    const strides = this.strides.filter((_, k) => k !== d);
    return new Tensor(this.data, shape, strides, this.offset + i * this.strides[d]);
  }

  /** Row i (a view), like X[i] in PyTorch. */
  get(i: number): Tensor {
    return this.select(0, i);
  }

  /** Repeat size-1 dims to `shape` without copying (stride 0), like torch.expand. */
  expand(...shape: number[] | [readonly number[]]): Tensor {
    const target = flattenShapeArgs(shape);
    const full = broadcastShapes(this.shape, target, "expand");
    if (!sameShape(full, target)) {
      throw new RangeError(`expand: shape ${formatShape(this.shape)} cannot be expanded to ${formatShape(target)}`);
    }
    return new Tensor(this.data, target, broadcastStrides(this, target), this.offset);
  }

  // ---------------------------------------------------------------- elementwise arithmetic

  add(other: TensorLike, alpha = 1): Tensor {
    const o = alpha === 1 ? other : scaled(other, alpha);
    return binary(this, o, resultType(this, o), (x, y) => x + y, ADD, "add");
  }
  sub(other: TensorLike, alpha = 1): Tensor {
    const o = alpha === 1 ? other : scaled(other, alpha);
    return binary(this, o, resultType(this, o), (x, y) => x - y, SUB, "sub");
  }
  mul(other: TensorLike): Tensor {
    return binary(this, other, resultType(this, other), (x, y) => x * y, MUL, "mul");
  }
  /** True division: the result is floating even for integer inputs. */
  div(other: TensorLike): Tensor {
    return binary(this, other, floatingOf(resultType(this, other)), (x, y) => x / y, DIV, "div");
  }
  pow(exponent: TensorLike): Tensor {
    if (exponent === 2) return this.mul(this);
    return binary(this, exponent, floatingOf(resultType(this, exponent)), Math.pow, -1, "pow");
  }
  maximum(other: TensorLike): Tensor {
    return binary(this, other, resultType(this, other), nanMax, -1, "maximum");
  }
  minimum(other: TensorLike): Tensor {
    return binary(this, other, resultType(this, other), nanMin, -1, "minimum");
  }

  neg(): Tensor { return unary(this, this.dtype === "bool" ? "int32" : this.dtype, (x) => -x, NEG); }
  abs(): Tensor { return unary(this, this.dtype, Math.abs, ABS); }
  exp(): Tensor { return unary(this, floatingOf(this.dtype), Math.exp, EXP); }
  log(): Tensor { return unary(this, floatingOf(this.dtype), Math.log, LOG); }
  sqrt(): Tensor { return unary(this, floatingOf(this.dtype), Math.sqrt, SQRT); }
  square(): Tensor { return this.mul(this); }
  sign(): Tensor { return unary(this, this.dtype, Math.sign); }

  /** Limit values to [min, max]: `margins.clamp({ min: 0 })` or `x.clamp(0)`. NaN stays NaN. */
  clamp(minOrOpts?: number | null | ClampBounds, max?: number | null): Tensor {
    const { lo, hi } = clampBounds(minOrOpts, max);
    const src = this.contiguous().data;
    const out = takeStorage(this.dtype, src.length);
    elementwise().clamp(src, out, lo, hi);
    return new Tensor(out, this.shape);
  }

  // ---------------------------------------------------------------- comparisons (bool results)

  gt(other: TensorLike): Tensor { return binary(this, other, "bool", (x, y) => (x > y ? 1 : 0), GT, "gt"); }
  ge(other: TensorLike): Tensor { return binary(this, other, "bool", (x, y) => (x >= y ? 1 : 0), GE, "ge"); }
  lt(other: TensorLike): Tensor { return binary(this, other, "bool", (x, y) => (x < y ? 1 : 0), LT, "lt"); }
  le(other: TensorLike): Tensor { return binary(this, other, "bool", (x, y) => (x <= y ? 1 : 0), LE, "le"); }
  eq(other: TensorLike): Tensor { return binary(this, other, "bool", (x, y) => (x === y ? 1 : 0), -1, "eq"); }
  ne(other: TensorLike): Tensor { return binary(this, other, "bool", (x, y) => (x !== y ? 1 : 0), -1, "ne"); }
  logicalNot(): Tensor { return unary(this, "bool", (x) => (x ? 0 : 1)); }
  logicalAnd(other: TensorLike): Tensor { return binary(this, other, "bool", (x, y) => (x && y ? 1 : 0), -1, "logicalAnd"); }
  logicalOr(other: TensorLike): Tensor { return binary(this, other, "bool", (x, y) => (x || y ? 1 : 0), -1, "logicalOr"); }

  /** True when every element equals the other's within atol + rtol * |other| (shapes must broadcast). */
  allclose(other: TensorLike, rtol = 1e-5, atol = 1e-8): boolean {
    return binary(this, other, "bool", (x, y) => (Math.abs(x - y) <= atol + rtol * Math.abs(y) ? 1 : 0), -1, "allclose").all();
  }

  // ---------------------------------------------------------------- in place (for SGD updates and gradients)

  /** this += alpha * other; with a same-shape tensor this is one fused pass (the SGD update W.add_(dW, -lr)). */
  add_(other: TensorLike, alpha = 1): this {
    if (this.axpy(other, alpha)) return this;
    return this.inPlace(alpha === 1 ? other : scaled(other, alpha), (x, y) => x + y, ADD, "add_");
  }
  sub_(other: TensorLike, alpha = 1): this {
    if (this.axpy(other, -alpha)) return this;
    return this.inPlace(alpha === 1 ? other : scaled(other, alpha), (x, y) => x - y, SUB, "sub_");
  }

  private axpy(other: TensorLike, alpha: number): boolean {
    if (typeof other === "number" || !isFloating(this.dtype) || !sameShape(this.shape, other.shape)) return false;
    if (this.isPacked() && other.isPacked()) {
      elementwise().axpy(this.data as FloatArray, other.data, alpha);
      return true;
    }
    // Vectors with any strides, e.g. a weight column dW.select(1, j) in the naive loss loops.
    if (this.ndim === 1) {
      const y = this.data as FloatArray, x = other.data;
      const sy = this.strides[0], sx = other.strides[0];
      for (let i = 0, iy = this.offset, ix = other.offset; i < this.shape[0]; i++, iy += sy, ix += sx) y[iy] += alpha * x[ix];
      return true;
    }
    return false;
  }
  mul_(other: TensorLike): this { return this.inPlace(other, (x, y) => x * y, MUL, "mul_"); }
  div_(other: TensorLike): this { return this.inPlace(other, (x, y) => x / y, DIV, "div_"); }
  clamp_(minOrOpts?: number | null | ClampBounds, max?: number | null): this {
    const { lo, hi } = clampBounds(minOrOpts, max);
    if (this.isPacked()) {
      elementwise().clamp(this.data, this.data, lo, hi);
      return this;
    }
    return this.inPlace(0, (x) => (x < lo ? lo : x > hi ? hi : x), -1, "clamp_");
  }
  fill_(value: number): this { return this.inPlace(value, (_, y) => y, -1, "fill_"); }
  zero_(): this { return this.fill_(0); }
  /** Copy values from `src` (broadcast to this shape) into this tensor. */
  copy_(src: TensorLike): this { return this.inPlace(src, (_, y) => y, -1, "copy_"); }

  private inPlace(other: TensorLike, f: BinaryFn, fastOp: number, op: string): this {
    const o = asTensor(other);
    const full = broadcastShapes(this.shape, o.shape, op);
    if (!sameShape(full, this.shape)) {
      throw new RangeError(`${op}: output with shape ${formatShape(this.shape)} doesn't match the broadcast shape ${formatShape(full)}`);
    }
    if (fastOp >= 0 && isFloating(this.dtype) && fastArith(fastOp, this, o, this.shape, this.data as FloatArray)) return this;
    stridedZip(this.shape, this.data, this.offset, this.strides, this, o, f);
    return this;
  }

  // ---------------------------------------------------------------- reductions

  /** Sum of all elements (0-d tensor), or along dim(s) with optional keepdim, like torch.sum. */
  sum(dim?: number | number[], keepdim = false): Tensor {
    const outType: DType = isFloating(this.dtype) ? this.dtype : "int32";
    return reduceDims(this, dim, keepdim, "sum", (t, d, kd) => sumAlong(t, d, kd, outType));
  }

  mean(dim?: number | number[], keepdim = false): Tensor {
    const dims = dim === undefined ? this.shape.map((_, d) => d) : typeof dim === "number" ? [dim] : dim;
    const count = dims.reduce((n, d) => n * this.shape[normDim(d, this.ndim, "mean")], 1);
    const s = this.to(floatingOf(this.dtype)).sum(dim, keepdim);
    return s.div_(count);
  }

  /** Whole-tensor max (0-d), or `{ values, indices }` along dim, like torch.max. NaN wins, as in PyTorch. */
  max(): Tensor;
  max(dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
  max(dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
    if (dim === undefined) return extremeAll(this, "max", 1);
    return extremeAlong(this, dim, keepdim, 1, "max");
  }

  min(): Tensor;
  min(dim: number, keepdim?: boolean): { values: Tensor; indices: Tensor };
  min(dim?: number, keepdim = false): Tensor | { values: Tensor; indices: Tensor } {
    if (dim === undefined) return extremeAll(this, "min", -1);
    return extremeAlong(this, dim, keepdim, -1, "min");
  }

  /** Index of the largest value along dim (int32), or in the flattened tensor. */
  argmax(dim?: number, keepdim = false): Tensor {
    if (dim === undefined) return extremeAlong(this.reshape(-1), 0, false, 1, "argmax").indices;
    return extremeAlong(this, dim, keepdim, 1, "argmax").indices;
  }

  argmin(dim?: number, keepdim = false): Tensor {
    if (dim === undefined) return extremeAlong(this.reshape(-1), 0, false, -1, "argmin").indices;
    return extremeAlong(this, dim, keepdim, -1, "argmin").indices;
  }

  /** log(sum(exp(x))) along dim, computed stably (the max is subtracted first). */
  logsumexp(dim: number, keepdim = false): Tensor {
    const x = this.to(floatingOf(this.dtype));
    const m = x.max(dim, true).values;
    // A row of -inf (or +inf) would give inf - inf = NaN; shift such rows by 0 instead.
    const shift = m.clone();
    const sd = shift.data;
    for (let i = 0; i < sd.length; i++) if (!Number.isFinite(sd[i])) sd[i] = 0;
    const out = x.sub(shift).exp().sum(dim, true).log().add_(shift);
    return keepdim ? out : out.squeeze(normDim(dim, this.ndim, "logsumexp"));
  }

  /** True when any element is non-zero. */
  any(): boolean {
    const d = this.contiguous().data;
    for (let i = 0; i < d.length; i++) if (d[i]) return true;
    return false;
  }

  /** True when every element is non-zero (true for an empty tensor). */
  all(): boolean {
    const d = this.contiguous().data;
    for (let i = 0; i < d.length; i++) if (!d[i]) return false;
    return true;
  }

  // ---------------------------------------------------------------- linear algebra

  /** Matrix product with torch.matmul's rules for 1-D and 2-D operands, batched over leading dims for 3-D. */
  matmul(other: Tensor): Tensor {
    return matmul(this, other);
  }

  /** Matrix times vector. */
  mv(vec: Tensor): Tensor {
    if (this.ndim !== 2 || vec.ndim !== 1) {
      throw new RangeError(`mv: expects a 2-D matrix and a 1-D vector, got ${formatShape(this.shape)} and ${formatShape(vec.shape)}`);
    }
    return matmul(this, vec);
  }

  /** Matrix times matrix (both 2-D). */
  mm(other: Tensor): Tensor {
    if (this.ndim !== 2 || other.ndim !== 2) {
      throw new RangeError(`mm: expects two 2-D matrices, got ${formatShape(this.shape)} and ${formatShape(other.shape)}`);
    }
    return matmul(this, other);
  }

  /** Inner product of two 1-D tensors, as a number. */
  dot(other: Tensor): number {
    if (this.ndim !== 1 || other.ndim !== 1) {
      throw new RangeError(`dot: expects two 1-D tensors, got ${formatShape(this.shape)} and ${formatShape(other.shape)}`);
    }
    if (this.shape[0] !== other.shape[0]) {
      throw new RangeError(`dot: sizes differ: ${this.shape[0]} and ${other.shape[0]}`);
    }
    let s = 0;
    const n = this.shape[0];
    const a = this.data, b = other.data, sa = this.strides[0], sb = other.strides[0];
    for (let i = 0, ia = this.offset, ib = other.offset; i < n; i++, ia += sa, ib += sb) s += a[ia] * b[ib];
    return s;
  }

  // ---------------------------------------------------------------- indexing ops

  /**
   * out[i][j] = this[i][index[i][j]] for dim 1 (torch.gather). As a convenience, an index with one dim fewer
   * picks one element per row: `scores.gather(1, y)` has shape [N], like numpy's scores[arange(N), y].
   */
  gather(dim: number, index: Tensor): Tensor {
    const d = normDim(dim, this.ndim, "gather");
    const squeezeBack = index.ndim === this.ndim - 1;
    const idx = squeezeBack ? index.unsqueeze(d) : index;
    checkIndexShape(this, idx, d, "gather");
    const src = this.contiguous();
    const ix = indexData(idx, "gather");
    const [outer, size, inner] = splitAround(src.shape, d);
    const picks = idx.shape[d];
    const out = takeStorage(this.dtype, outer * picks * inner);
    const sd = src.data;
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < picks; j++) {
        for (let i = 0; i < inner; i++) {
          const pos = (o * picks + j) * inner + i;
          const k = checkedIndex(ix[pos], size, d, "gather");
          out[pos] = sd[(o * size + k) * inner + i];
        }
      }
    }
    const result = new Tensor(out, idx.shape);
    return squeezeBack ? result.squeeze(d) : result;
  }

  /** this[i][index[i][j]] = src[i][j] for dim 1 (torch.scatter_); `src` may be a number. Same index convenience as gather. */
  scatter_(dim: number, index: Tensor, src: TensorLike): this {
    return this.scatterInto(dim, index, src, false, "scatter_");
  }

  /** this[i][index[i][j]] += src[i][j] for dim 1 (torch.scatter_add_): `dscores.scatterAdd_(1, y, -1)` subtracts 1 at each label. */
  scatterAdd_(dim: number, index: Tensor, src: TensorLike): this {
    return this.scatterInto(dim, index, src, true, "scatterAdd_");
  }

  private scatterInto(dim: number, index: Tensor, src: TensorLike, accumulate: boolean, op: string): this {
    const d = normDim(dim, this.ndim, op);
    const idx = index.ndim === this.ndim - 1 ? index.unsqueeze(d) : index;
    checkIndexShape(this, idx, d, op);
    const values = asTensor(src);
    const vals = (values.numel() === 1 ? values.reshape([]) : values.ndim === idx.ndim - 1 ? values.unsqueeze(d) : values);
    if (vals.numel() !== 1 && !sameShape(vals.shape, idx.shape)) {
      throw new RangeError(`${op}: src shape ${formatShape(values.shape)} must match index shape ${formatShape(index.shape)}`);
    }
    const vd = vals.contiguous().data;
    const scalar = vals.numel() === 1;
    const ix = indexData(idx, op);
    const [outer, , inner] = splitAround(idx.shape, d);
    const picks = idx.shape[d];
    const size = this.shape[d];
    const packed = this.isPacked(); // then the position is plain arithmetic, not a walk over the strides
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < picks; j++) {
        for (let i = 0; i < inner; i++) {
          const pos = (o * picks + j) * inner + i;
          const k = checkedIndex(ix[pos], size, d, op);
          const target = packed ? (o * size + k) * inner + i : this.offsetOf(o, k, i, d);
          const v = scalar ? vd[0] : vd[pos];
          this.data[target] = accumulate ? this.data[target] + v : v;
        }
      }
    }
    return this;
  }

  /** Storage position of element (outer o, position k along dim d, inner i) for any strides. */
  private offsetOf(o: number, k: number, i: number, d: number): number {
    let off = this.offset + k * this.strides[d];
    for (let dd = d - 1; dd >= 0; dd--) {
      const s = this.shape[dd];
      off += (o % s) * this.strides[dd];
      o = Math.floor(o / s);
    }
    for (let dd = this.ndim - 1; dd > d; dd--) {
      const s = this.shape[dd];
      off += (i % s) * this.strides[dd];
      i = Math.floor(i / s);
    }
    return off;
  }

  /** Entries `index` (1-D, int32) along dim, copied: `X.indexSelect(0, batchIdx)` is X[batchIdx]. */
  indexSelect(dim: number, index: Tensor): Tensor {
    const d = normDim(dim, this.ndim, "indexSelect");
    if (index.ndim !== 1) throw new RangeError(`indexSelect: index must be 1-D, got shape ${formatShape(index.shape)}`);
    const ix = indexData(index, "indexSelect");
    const src = this.contiguous();
    const [outer, size, inner] = splitAround(src.shape, d);
    const n = ix.length;
    const out = takeStorage(this.dtype, outer * n * inner);
    const sd = src.data;
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < n; j++) {
        const k = checkedIndex(ix[j], size, d, "indexSelect");
        const from = (o * size + k) * inner;
        const to = (o * n + j) * inner;
        if (inner === 1) out[to] = sd[from];
        else out.set(sd.subarray(from, from + inner), to);
      }
    }
    const shape = [...this.shape];
    shape[d] = n;
    return new Tensor(out, shape);
  }

  /** this[..., index[j], ...] += alpha * source[..., j, ...] along dim (torch.index_add_); repeated indices accumulate. */
  indexAdd_(dim: number, index: Tensor, source: Tensor, alpha = 1): this {
    const d = normDim(dim, this.ndim, "indexAdd_");
    if (index.ndim !== 1) throw new RangeError(`indexAdd_: index must be 1-D, got shape ${formatShape(index.shape)}`);
    const expected = [...this.shape];
    expected[d] = index.shape[0];
    if (!sameShape(source.shape, expected)) {
      throw new RangeError(`indexAdd_: source shape ${formatShape(source.shape)} should be ${formatShape(expected)} (this shape with dim ${d} set to the index length)`);
    }
    const ix = indexData(index, "indexAdd_");
    const sd = source.contiguous().data;
    const [outer, , inner] = splitAround(expected, d);
    const n = ix.length;
    const size = this.shape[d];
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < n; j++) {
        const k = checkedIndex(ix[j], size, d, "indexAdd_");
        for (let i = 0; i < inner; i++) {
          const target = this.offsetOf(o, k, i, d);
          this.data[target] += alpha * sd[(o * n + j) * inner + i];
        }
      }
    }
    return this;
  }

  /** Out-of-place index_add. */
  indexAdd(dim: number, index: Tensor, source: Tensor, alpha = 1): Tensor {
    return this.clone().indexAdd_(dim, index, source, alpha);
  }

  /** Elements where `mask` (bool, same shape) is true, as a 1-D tensor, like x[mask]. */
  maskedSelect(mask: Tensor): Tensor {
    const m = mask.expand(broadcastShapes(mask.shape, this.shape, "maskedSelect")).contiguous().data;
    const src = this.expand(broadcastShapes(mask.shape, this.shape, "maskedSelect")).contiguous().data;
    const picked: number[] = [];
    for (let i = 0; i < m.length; i++) if (m[i]) picked.push(src[i]);
    const out = allocate(this.dtype, picked.length);
    out.set(picked);
    return new Tensor(out, [picked.length]);
  }
}

// ==================================================================== helpers used by the class

export interface ClampBounds {
  min?: number | null;
  max?: number | null;
}

function clampBounds(minOrOpts?: number | null | ClampBounds, max?: number | null): { lo: number; hi: number } {
  const opts: ClampBounds =
    typeof minOrOpts === "object" && minOrOpts !== null ? minOrOpts : { min: minOrOpts as number | null | undefined, max };
  const lo = opts.min ?? -Infinity;
  const hi = opts.max ?? Infinity;
  if (opts.min == null && opts.max == null) throw new RangeError("clamp: at least one of min or max must be given");
  return { lo, hi };
}

function nanMax(x: number, y: number): number {
  return x !== x || y !== y ? NaN : x > y ? x : y;
}

function nanMin(x: number, y: number): number {
  return x !== x || y !== y ? NaN : x < y ? x : y;
}

function flattenShapeArgs(args: number[] | [readonly number[]]): number[] {
  return Array.isArray(args[0]) ? [...(args[0] as readonly number[])] : (args as number[]);
}

/**
 * Result dtype of `a op other`, with PyTorch's scalar rule: a plain number adopts the tensor's dtype,
 * except that a fractional number turns an integer tensor floating; bool arithmetic gives int32.
 */
function resultType(a: Tensor, other: TensorLike): DType {
  if (typeof other !== "number") return promote(a.dtype, other.dtype);
  if (!Number.isInteger(other)) return floatingOf(a.dtype);
  return a.dtype === "bool" ? "int32" : a.dtype;
}

function scaled(x: TensorLike, alpha: number): TensorLike {
  return typeof x === "number" ? x * alpha : x.mul(alpha);
}

/** A number becomes a 0-d float64 tensor (exact for any JS number); result dtypes are decided separately. */
export function asTensor(x: TensorLike): Tensor {
  if (x instanceof Tensor) return x;
  if (typeof x !== "number") throw new TypeError(`expected a Tensor or a number, got ${typeof x}`);
  return new Tensor(Float64Array.of(x), []);
}

/** Strides that read `t` as if it had `shape` (broadcast dims get stride 0). */
function broadcastStrides(t: Tensor, shape: readonly number[]): number[] {
  const off = shape.length - t.ndim;
  return shape.map((s, d) => (d < off ? 0 : t.shape[d - off] === 1 && s !== 1 ? 0 : t.strides[d - off]));
}

/**
 * out[o] = f(a[ia], b[ib]) over every position of `shape`, with arbitrary strides for all three (broadcast
 * inputs have stride 0). The innermost dim is a tight loop; outer dims advance an index counter.
 */
function stridedZip(
  shape: readonly number[], out: Storage, outOffset: number, outStrides: readonly number[],
  a: Tensor, b: Tensor, f: BinaryFn,
): void {
  const nd = shape.length;
  const as = broadcastStrides(a, shape);
  const bs = broadcastStrides(b, shape);
  const ad = a.data, bd = b.data;
  if (nd === 0) {
    out[outOffset] = f(ad[a.offset], bd[b.offset]);
    return;
  }
  const n = numelOf(shape);
  if (n === 0) return;
  const last = nd - 1;
  const len = shape[last];
  const os = outStrides[last], sa = as[last], sb = bs[last];
  const counter = new Array<number>(nd).fill(0);
  let oo = outOffset, ao = a.offset, bo = b.offset;
  for (let done = 0; done < n; done += len) {
    for (let j = 0, po = oo, pa = ao, pb = bo; j < len; j++, po += os, pa += sa, pb += sb) {
      out[po] = f(ad[pa], bd[pb]);
    }
    for (let d = last - 1; d >= 0; d--) {
      counter[d]++;
      oo += outStrides[d]; ao += as[d]; bo += bs[d];
      if (counter[d] < shape[d]) break;
      oo -= outStrides[d] * shape[d]; ao -= as[d] * shape[d]; bo -= bs[d] * shape[d];
      counter[d] = 0;
    }
  }
}

/** Copy any strided tensor into packed storage. */
function copyStrided(t: Tensor, out: Storage): void {
  stridedZip(t.shape, out, 0, contiguousStrides(t.shape), t, t, (x) => x);
}

function binary(a: Tensor, other: TensorLike, outType: DType, f: BinaryFn, fastOp: number, op: string): Tensor {
  const b = asTensor(other);
  const shape = broadcastShapes(a.shape, b.shape, op);
  const out = takeStorage(outType, numelOf(shape));
  const floatIn = isFloating(a.dtype) && (outType === a.dtype || (fastOp >= GT && outType === "bool"));
  if (fastOp >= 0 && floatIn && fastArith(fastOp, a, b, shape, out)) return new Tensor(out, shape);
  stridedZip(shape, out, 0, contiguousStrides(shape), a, b, f);
  return new Tensor(out, shape);
}

/**
 * The common float cases go to the backend's elementwise loops, which the generic strided path (one closure
 * call and a polymorphic typed-array access per element) runs several times slower: a packed `a` of the output
 * shape combined with a scalar, a same-shape tensor, a row vector (bias: [N, H] + [H]) or a column ([N, C] / [N, 1]).
 * Returns false when the operands fit none of these, so the caller falls back to the generic path.
 */
function fastArith(op: number, a: Tensor, b: Tensor, shape: readonly number[], out: Storage): boolean {
  if (!a.isPacked() || !b.isPacked() || !sameShape(a.shape, shape)) return false;
  const ad = a.data as FloatArray;
  const bd = b.data;
  const n = out.length;
  const bn = bd.length;
  const L = shape.length ? shape[shape.length - 1] : 1;
  const kernels = elementwise();
  if (op >= GT) {
    if (bn !== 1) return false;
    kernels.compareScalar(op, ad, bd[0], out as Uint8Array);
    return true;
  }
  let broadcast: number;
  if (bn === 1) broadcast = SCALAR;
  else if (bn === n) broadcast = SAME;
  else if (bn === L && b.shape[b.ndim - 1] === L) broadcast = ROW;
  else if (b.shape[b.ndim - 1] === 1 && bn * L === n) broadcast = COL;
  else return false;
  kernels.arith(op, ad, bd, out as FloatArray, broadcast, L);
  return true;
}

// Codes for the math functions that get their own loop (a call through `f` per element is ~4x slower).
const EXP = 0, LOG = 1, SQRT = 2, NEG = 3, ABS = 4;

function unary(t: Tensor, outType: DType, f: UnaryFn, fastOp = -1): Tensor {
  const src = t.contiguous().data;
  const out = takeStorage(outType, src.length);
  if (fastOp >= 0 && isFloating(outType) && isFloating(t.dtype)) mathLoop(fastOp, src as FloatArray, out as FloatArray);
  else for (let i = 0; i < src.length; i++) out[i] = f(src[i]);
  return new Tensor(out, t.shape);
}

function mathLoop(op: number, src: FloatArray, out: FloatArray): void {
  const n = out.length;
  switch (op) {
    case EXP: for (let i = 0; i < n; i++) out[i] = Math.exp(src[i]); break;
    case LOG: for (let i = 0; i < n; i++) out[i] = Math.log(src[i]); break;
    case SQRT: for (let i = 0; i < n; i++) out[i] = Math.sqrt(src[i]); break;
    case NEG: for (let i = 0; i < n; i++) out[i] = -src[i]; break;
    case ABS: for (let i = 0; i < n; i++) out[i] = Math.abs(src[i]); break;
  }
}

type DimReducer = (t: Tensor, dim: number, keepdim: boolean) => Tensor;

/** Apply a single-dim reduction over one dim, several dims, or all of them (giving a 0-d tensor). */
function reduceDims(t: Tensor, dim: number | number[] | undefined, keepdim: boolean, op: string, reduce: DimReducer): Tensor {
  if (dim === undefined) {
    const flat = reduce(t.reshape(-1), 0, false);
    return keepdim ? flat.reshape(t.shape.map(() => 1)) : flat;
  }
  const dims = (typeof dim === "number" ? [dim] : dim).map((d) => normDim(d, t.ndim, op));
  if (new Set(dims).size !== dims.length) throw new RangeError(`${op}: dim appears more than once in [${dims.join(", ")}]`);
  let out = t;
  for (const d of [...dims].sort((x, y) => y - x)) out = reduce(out, d, keepdim);
  return out;
}

function sumAlong(t: Tensor, dim: number, keepdim: boolean, outType: DType): Tensor {
  const src = t.contiguous();
  const [outer, size, inner] = splitAround(src.shape, dim);
  const out = takeStorage(outType, outer * inner);
  elementwise().sum(src.data, out, outer, size, inner);
  return new Tensor(out, reducedShape(src.shape, dim, keepdim));
}

function reducedShape(shape: readonly number[], dim: number, keepdim: boolean): number[] {
  return keepdim ? shape.map((s, d) => (d === dim ? 1 : s)) : shape.filter((_, d) => d !== dim);
}

/** max/min along dim: sign 1 for max, -1 for min. The first extreme wins ties; a NaN wins over numbers. */
function extremeAlong(t: Tensor, dim: number, keepdim: boolean, sign: number, op: string): { values: Tensor; indices: Tensor } {
  const d = normDim(dim, t.ndim, op);
  const src = t.contiguous();
  const [outer, size, inner] = splitAround(src.shape, d);
  if (size === 0) throw new RangeError(`${op}: cannot reduce over an empty dimension ${d} (shape ${formatShape(t.shape)})`);
  const values = allocate(t.dtype, outer * inner);
  const indices = new Int32Array(outer * inner);
  const sd = src.data;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let best = sd[o * size * inner + i];
      let bestK = 0;
      for (let k = 1; k < size && best === best; k++) {
        const v = sd[(o * size + k) * inner + i];
        if (v !== v || (sign > 0 ? v > best : v < best)) {
          best = v;
          bestK = k;
        }
      }
      values[o * inner + i] = best;
      indices[o * inner + i] = bestK;
    }
  }
  const shape = reducedShape(src.shape, d, keepdim);
  return { values: new Tensor(values, shape), indices: new Tensor(indices, shape) };
}

function extremeAll(t: Tensor, op: string, sign: number): Tensor {
  if (t.numel() === 0) throw new RangeError(`${op}: cannot reduce an empty tensor (shape ${formatShape(t.shape)})`);
  return extremeAlong(t.reshape(-1), 0, false, sign, op).values;
}

function checkIndexShape(input: Tensor, index: Tensor, dim: number, op: string): void {
  if (index.ndim !== input.ndim) {
    throw new RangeError(
      `${op}: index ${formatShape(index.shape)} must have as many dims as the input ${formatShape(input.shape)} (or one fewer)`,
    );
  }
  for (let d = 0; d < input.ndim; d++) {
    if (d !== dim && index.shape[d] !== input.shape[d]) {
      throw new RangeError(
        `${op}: index ${formatShape(index.shape)} and input ${formatShape(input.shape)} must agree on every dim except ${dim}`,
      );
    }
  }
}

function indexData(index: Tensor, op: string): Int32Array {
  if (index.dtype !== "int32") {
    throw new TypeError(
      `${op}: index must be an int32 tensor, got ${index.dtype}; create it with { dtype: "int32" } or call .long()`,
    );
  }
  return index.contiguous().data as Int32Array;
}

function checkedIndex(k: number, size: number, dim: number, op: string): number {
  if (k < -size || k >= size) throw new RangeError(`${op}: index ${k} is out of bounds for dimension ${dim} with size ${size}`);
  return k < 0 ? k + size : k;
}

// ==================================================================== matmul

/** Whether a 2-D tensor can be handed to gemm as is ("n"), as its transpose ("t"), or needs a copy (null). */
export function gemmLayout(t: Tensor): "n" | "t" | null {
  if (t.offset !== 0 || t.data.length !== t.numel()) return null;
  const [r, c] = t.shape;
  if (t.strides[1] === 1 && (t.strides[0] === c || r === 1)) return "n";
  if (t.strides[0] === 1 && (t.strides[1] === r || c === 1)) return "t";
  return null;
}

function matmul2d(a: Tensor, b: Tensor, dtype: DType): Tensor {
  const [m, k] = a.shape;
  const [k2, n] = b.shape;
  if (k !== k2) {
    throw new RangeError(`matmul: ${formatShape(a.shape)} x ${formatShape(b.shape)}: inner dimensions differ (${k} vs ${k2})`);
  }
  let A = a.to(dtype);
  let B = b.to(dtype);
  let la = gemmLayout(A);
  if (la === null) { A = A.contiguous(); la = "n"; }
  let lb = gemmLayout(B);
  if (lb === null) { B = B.contiguous(); lb = "n"; }
  const out = (k > 0 ? takeStorage(dtype, m * n) : allocate(dtype, m * n)) as FloatArray;
  if (m > 0 && n > 0) gemm(la === "t", lb === "t", m, n, k, A.data as FloatArray, B.data as FloatArray, out);
  return new Tensor(out, [m, n]);
}

export function matmul(a: Tensor, b: Tensor): Tensor {
  if (a.ndim === 0 || b.ndim === 0) {
    throw new RangeError(`matmul: both arguments need at least 1 dimension, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
  const dtype = floatingOf(promote(a.dtype, b.dtype));
  if (a.ndim <= 2 && b.ndim <= 2) {
    const A = a.ndim === 1 ? a.unsqueeze(0) : a;
    const B = b.ndim === 1 ? b.unsqueeze(1) : b;
    let out = matmul2d(A, B, dtype);
    if (a.ndim === 1) out = out.squeeze(0);
    if (b.ndim === 1) out = out.squeeze(-1);
    return out;
  }
  if (a.ndim === 3 && (b.ndim === 2 || b.ndim === 3)) {
    const batch = a.shape[0];
    if (b.ndim === 3 && b.shape[0] !== batch) {
      throw new RangeError(`matmul: batch sizes differ: ${formatShape(a.shape)} x ${formatShape(b.shape)}`);
    }
    const parts: Tensor[] = [];
    for (let i = 0; i < batch; i++) parts.push(matmul2d(a.select(0, i), b.ndim === 3 ? b.select(0, i) : b, dtype));
    return stack(parts, 0);
  }
  throw new RangeError(`matmul: unsupported shapes ${formatShape(a.shape)} x ${formatShape(b.shape)} (1-D, 2-D, or a 3-D batch)`);
}

// ==================================================================== functions that build tensors

/** Concatenate along an existing dim. */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new RangeError("cat: expected a non-empty list of tensors");
  const first = tensors[0];
  const d = normDim(dim, first.ndim, "cat");
  let dtype = first.dtype;
  for (const t of tensors) {
    if (t.ndim !== first.ndim || t.shape.some((s, k) => k !== d && s !== first.shape[k])) {
      throw new RangeError(`cat: shapes ${formatShape(first.shape)} and ${formatShape(t.shape)} differ outside dim ${d}`);
    }
    dtype = promote(dtype, t.dtype);
  }
  const total = tensors.reduce((n, t) => n + t.shape[d], 0);
  const shape = [...first.shape];
  shape[d] = total;
  const [outer, , inner] = splitAround(shape, d);
  const out = allocate(dtype, numelOf(shape));
  let start = 0;
  for (const t of tensors) {
    const src = t.to(dtype).contiguous().data;
    const block = t.shape[d] * inner;
    for (let o = 0; o < outer; o++) out.set(src.subarray(o * block, (o + 1) * block), o * total * inner + start * inner);
    start += t.shape[d];
  }
  return new Tensor(out, shape);
}

/** Join tensors of one shape along a new dim. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new RangeError("stack: expected a non-empty list of tensors");
  const d = normDim(dim, tensors[0].ndim + 1, "stack");
  for (const t of tensors) {
    if (!sameShape(t.shape, tensors[0].shape)) {
      throw new RangeError(`stack: all tensors need the same shape, got ${formatShape(tensors[0].shape)} and ${formatShape(t.shape)}`);
    }
  }
  return cat(tensors.map((t) => t.unsqueeze(d)), d);
}

/** Elementwise choice: x where cond is true, else y (all broadcast together), like torch.where. */
export function where(cond: Tensor, x: TensorLike, y: TensorLike): Tensor {
  const tensorTypes = [x, y].filter((v): v is Tensor => v instanceof Tensor).map((v) => v.dtype);
  let outType: DType = tensorTypes.length ? tensorTypes.reduce(promote) : DEFAULT_DTYPE;
  if ([x, y].some((v) => typeof v === "number" && !Number.isInteger(v))) outType = floatingOf(outType);
  if (outType === "bool" && [x, y].some((v) => typeof v === "number")) outType = "int32";
  const X = asTensor(x);
  const Y = asTensor(y);
  const shape = broadcastShapes(broadcastShapes(cond.shape, X.shape, "where"), Y.shape, "where");
  const c = cond.expand(shape).contiguous().data;
  const xv = X.expand(shape).contiguous().data;
  const yv = Y.expand(shape).contiguous().data;
  const out = allocate(outType, c.length);
  for (let i = 0; i < c.length; i++) out[i] = c[i] ? xv[i] : yv[i];
  return new Tensor(out, shape);
}
