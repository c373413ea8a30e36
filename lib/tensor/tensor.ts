import type { FloatArray } from "./backend";
import { elementwise, gemm } from "./backends";
import {
  allocate, checkDType, dtypeOf, floatingOf, isFloating, promote,
  type DType, type Storage,
} from "./dtype";
import { formatTensor } from "./format";
import { releaseStorage, takeStorage } from "./pool";
import { ADD, COL, DIV, GE, GT, LE, LT, MUL, ROW, SAME, SCALAR, SUB } from "./portable-elementwise";
import { canCast, castNumber, resultType } from "./promote";
import {
  broadcastShapes, contiguousStrides, formatShape, inferShape, normDim, numelOf, sameShape, splitAround, viewStrides,
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
    if (this.ndim === 0) throw new RangeError(`size: dimension specified as ${dim} but the tensor has no dimensions`);
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
    this.data[this.flatIndex(typeof idx === "number" ? [idx] : idx, "set")] = this.dtype === "bool" ? castNumber(value, "bool") : value;
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
    const n = this.numel();
    // A contiguous tensor is one memcpy (5.4 ms for 6 MB through the element loop, ~0.6 as a slice).
    if (this.isContiguous()) return new Tensor(this.data.slice(this.offset, this.offset + n), this.shape);
    const out = allocate(this.dtype, n);
    copyStrided(this, out);
    return new Tensor(out, this.shape);
  }

  // ---------------------------------------------------------------- views and shape

  /** Same elements, new shape (one entry may be -1). A view when the strides allow it (as torch.view), else a copy, like torch.reshape. */
  reshape(...shape: number[] | [readonly number[]]): Tensor {
    const resolved = inferShape(flattenShapeArgs(shape), this.numel(), "reshape");
    const strides = viewStrides(this.shape, this.strides, resolved);
    if (strides !== null) return new Tensor(this.data, resolved, strides, this.offset);
    const base = this.contiguous();
    return new Tensor(base.data, resolved, undefined, base.offset);
  }

  /** Like reshape, but never copies: an error when the strides cannot express the new shape (as in torch.view). */
  view(...shape: number[] | [readonly number[]]): Tensor {
    const resolved = inferShape(flattenShapeArgs(shape), this.numel(), "view");
    const strides = viewStrides(this.shape, this.strides, resolved);
    if (strides === null) {
      throw new Error(
        `view: shape ${formatShape(resolved)} is not compatible with the size ${formatShape(this.shape)} and strides ` +
          `${formatShape(this.strides)} of this tensor (at least one dimension spans two non-adjacent blocks, e.g. after a transpose); use reshape() or call contiguous() first`,
      );
    }
    return new Tensor(this.data, resolved, strides, this.offset);
  }

  flatten(): Tensor {
    return this.reshape(-1);
  }

  /** Swap two dims (a view). */
  transpose(dim0: number, dim1: number): Tensor {
    const a = normDim(dim0, this.ndim, "transpose");
    const b = normDim(dim1, this.ndim, "transpose");
    if (this.ndim === 0) return this;
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
    if (dim !== undefined) normDim(dim, this.ndim, "squeeze");
    const keep = (d: number): boolean =>
      dim === undefined ? this.shape[d] !== 1 : d !== normDim(dim, this.ndim, "squeeze") || this.shape[d] !== 1;
    const dims = this.shape.map((_, d) => d).filter(keep);
    return new Tensor(this.data, dims.map((d) => this.shape[d]), dims.map((d) => this.strides[d]), this.offset);
  }

  /** Elements start..end-1 (step apart) along `dim`, as a view: `X.slice(0, 0, 100)` is X[0:100]. */
  slice(dim: number, start = 0, end?: number, step = 1): Tensor {
    noZeroDim(this, "slice");
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
    noZeroDim(this, "narrow");
    const d = normDim(dim, this.ndim, "narrow");
    const size = this.shape[d];
    // torch wraps a negative start like a dim index: an empty dim still takes -1 (as 0).
    const span = Math.max(size, 1);
    if (!Number.isInteger(start) || start < -span || start > size) {
      throw new RangeError(`narrow: start (${start}) is out of range for dimension ${d} of size ${size} (expected [${-span}, ${size}])`);
    }
    const s = start < 0 ? start + span : start;
    if (!Number.isInteger(length) || length < 0 || s + length > size) {
      throw new RangeError(`narrow: start (${s}) + length (${length}) exceeds dimension ${d} of size ${size}`);
    }
    return this.slice(d, s, s + length);
  }

  /** Index one position along `dim` and drop that dim (a view): `W.select(1, j)` is the column W[:, j]. */
  select(dim: number, index: number): Tensor {
    noZeroDim(this, "select");
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
    const requested = flattenShapeArgs(shape);
    const lead = requested.length - this.ndim;
    const fail = (why: string): never => {
      throw new RangeError(`expand: shape ${formatShape(this.shape)} cannot be expanded to ${formatShape(requested)}: ${why}`);
    };
    if (lead < 0) fail(`the target has fewer dims (${requested.length}) than the tensor (${this.ndim})`);
    const target = requested.map((s, d) => {
      if (s === -1) {
        if (d < lead) fail(`-1 is not allowed in a new leading dim ${d}`);
        return this.shape[d - lead];
      }
      if (!Number.isInteger(s) || s < 0) fail(`sizes must be non-negative integers or -1, got ${s}`);
      if (d >= lead && this.shape[d - lead] !== 1 && this.shape[d - lead] !== s) {
        fail(`dim ${d} has size ${this.shape[d - lead]}, which is not 1`);
      }
      return s;
    });
    return new Tensor(this.data, target, broadcastStrides(this, target), this.offset);
  }

  // ---------------------------------------------------------------- elementwise arithmetic
  // Every binary op works in the operands' common dtype (torch's result type, promote.ts): operands of another
  // dtype are first converted to it (a number rounded to float32 for a float32 tensor), then each value is
  // computed in double and rounded once to the output dtype; int32 results wrap around like torch's int32.

  /** this + alpha * other. */
  add(other: TensorLike, alpha = 1): Tensor {
    const ct = resultType(this, other);
    if (alpha !== 1) return addScaled(this, other, ct, alpha, "add");
    return binary(this, other, ct, ct, ADD_FN, ADD, "add");
  }
  /** this - alpha * other. */
  sub(other: TensorLike, alpha = 1): Tensor {
    const ct = resultType(this, other);
    noBoolSub(this, other, "sub");
    if (alpha !== 1) return addScaled(this, other, ct, -alpha, "sub");
    return binary(this, other, ct, ct, SUB_FN, SUB, "sub");
  }
  mul(other: TensorLike): Tensor {
    const ct = resultType(this, other);
    return binary(this, other, ct, ct, ct === "int32" ? Math.imul : MUL_FN, MUL, "mul");
  }
  /** True division: the result is floating even for integer inputs. */
  div(other: TensorLike): Tensor {
    const ct = resultType(this, other);
    return binary(this, other, ct, floatingOf(ct), DIV_FN, DIV, "div");
  }
  /** this ** exponent; integer tensors with integer exponents stay integer (negative exponents are an error, as in torch). */
  pow(exponent: TensorLike): Tensor {
    const ct = resultType(this, exponent);
    if (ct === "bool") throw new TypeError("pow: not implemented for bool tensors (as in torch)");
    if (!isFloating(ct)) {
      if (typeof exponent === "number" && exponent < 0) throw new RangeError("pow: integers to negative integer powers are not allowed");
      return binary(this, exponent, ct, ct, intPow, -1, "pow");
    }
    if (exponent === 2 && ct === this.dtype) return this.mul(this);
    // torch computes x ** 0.5 as sqrt(x) and x ** -0.5 as 1 / sqrt(x) (they differ from pow at -inf).
    if (exponent === 0.5) return binary(this, 0, ct, ct, (x) => Math.sqrt(x), -1, "pow");
    if (exponent === -0.5) return binary(this, 0, ct, ct, (x) => 1 / Math.sqrt(x), -1, "pow");
    return binary(this, exponent, ct, ct, floatPow, -1, "pow");
  }
  maximum(other: TensorLike): Tensor {
    const ct = resultType(this, other);
    return binary(this, other, ct, ct, nanMax, -1, "maximum");
  }
  minimum(other: TensorLike): Tensor {
    const ct = resultType(this, other);
    return binary(this, other, ct, ct, nanMin, -1, "minimum");
  }

  neg(): Tensor {
    if (this.dtype === "bool") {
      throw new TypeError("neg: negation of a bool tensor is not supported (as in torch); to invert a mask use logicalNot()");
    }
    return unary(this, this.dtype, (x) => -x, NEG);
  }
  abs(): Tensor {
    if (this.dtype === "bool") throw new TypeError("abs: not supported for bool tensors (as in torch)");
    return unary(this, this.dtype, Math.abs, ABS);
  }
  exp(): Tensor { return unary(this, floatingOf(this.dtype), Math.exp, EXP); }
  log(): Tensor { return unary(this, floatingOf(this.dtype), Math.log, LOG); }
  sqrt(): Tensor { return unary(this, floatingOf(this.dtype), Math.sqrt, SQRT); }
  /** x * x; bool gives int32 (torch's square is pow(x, 2)). */
  square(): Tensor { return this.dtype === "bool" ? this.to("int32").mul(this) : this.mul(this); }
  sign(): Tensor { return unary(this, this.dtype, Math.sign); }

  /**
   * Limit values to [min, max]: `margins.clamp({ min: 0 })` or `x.clamp(0)`. NaN stays NaN; min > max gives max
   * everywhere (torch's min(max(x, min), max)); fractional bounds make an integer tensor float64 (torch's result type).
   */
  clamp(minOrOpts?: number | null | ClampBounds, max?: number | null): Tensor {
    const { ct, lo, hi } = clampSpec(this, minOrOpts, max);
    const src = (this.dtype === ct ? this : this.to(ct)).contiguous().data;
    const out = takeStorage(ct, src.length);
    elementwise().clamp(src, out, lo, hi);
    return new Tensor(out, this.shape);
  }

  // ---------------------------------------------------------------- comparisons (bool results)

  gt(other: TensorLike): Tensor { return compare(this, other, (x, y) => (x > y ? 1 : 0), GT, "gt"); }
  ge(other: TensorLike): Tensor { return compare(this, other, (x, y) => (x >= y ? 1 : 0), GE, "ge"); }
  lt(other: TensorLike): Tensor { return compare(this, other, (x, y) => (x < y ? 1 : 0), LT, "lt"); }
  le(other: TensorLike): Tensor { return compare(this, other, (x, y) => (x <= y ? 1 : 0), LE, "le"); }
  eq(other: TensorLike): Tensor { return compare(this, other, (x, y) => (x === y ? 1 : 0), -1, "eq"); }
  ne(other: TensorLike): Tensor { return compare(this, other, (x, y) => (x !== y ? 1 : 0), -1, "ne"); }
  logicalNot(): Tensor { return unary(this, "bool", (x) => (x === 0 ? 1 : 0)); }
  // NaN counts as true, as in torch (JS truthiness would make it false).
  logicalAnd(other: TensorLike): Tensor { return compare(this, other, (x, y) => (x !== 0 && y !== 0 ? 1 : 0), -1, "logicalAnd"); }
  logicalOr(other: TensorLike): Tensor { return compare(this, other, (x, y) => (x !== 0 || y !== 0 ? 1 : 0), -1, "logicalOr"); }
  logicalXor(other: TensorLike): Tensor { return compare(this, other, (x, y) => ((x !== 0) !== (y !== 0) ? 1 : 0), -1, "logicalXor"); }

  /** True when every element equals the other's within atol + rtol * |other| (shapes must broadcast); NaN is never close. */
  allclose(other: TensorLike, rtol = 1e-5, atol = 1e-8): boolean {
    const close = (x: number, y: number): number => (x === y || Math.abs(x - y) <= atol + rtol * Math.abs(y) ? 1 : 0);
    return binary(this, other, "float64", "bool", close, -1, "allclose").all();
  }

  // ---------------------------------------------------------------- in place (for SGD updates and gradients)

  /** this += alpha * other; with a same-shape tensor this is one fused pass (the SGD update W.add_(dW, -lr)). */
  add_(other: TensorLike, alpha = 1): this {
    const ct = inPlaceType(this, other, "add_");
    checkAlpha(ct, alpha, "add_");
    if (this.axpy(other, castNumber(alpha, ct))) return this;
    return this.inPlace(other, ct, alpha === 1 ? ADD_FN : scaledAdd(ct, alpha), alpha === 1 ? ADD : -1, "add_");
  }
  sub_(other: TensorLike, alpha = 1): this {
    const ct = inPlaceType(this, other, "sub_");
    noBoolSub(this, other, "sub_");
    checkAlpha(ct, alpha, "sub_");
    if (this.axpy(other, -castNumber(alpha, ct))) return this;
    return this.inPlace(other, ct, alpha === 1 ? SUB_FN : scaledAdd(ct, -alpha), alpha === 1 ? SUB : -1, "sub_");
  }

  private axpy(other: TensorLike, alpha: number): boolean {
    if (typeof other === "number" || !isFloating(this.dtype) || !sameShape(this.shape, other.shape)) return false;
    if (this.dtype === "float32" && other.dtype !== "float32" && other.dtype !== "float64") return false;
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
  mul_(other: TensorLike): this {
    const ct = inPlaceType(this, other, "mul_");
    return this.inPlace(other, ct, ct === "int32" ? Math.imul : MUL_FN, MUL, "mul_");
  }
  div_(other: TensorLike): this {
    const ct = floatingOf(resultType(this, other));
    if (!canCast(ct, this.dtype)) throw castError(ct, this.dtype, "div_");
    return this.inPlace(other, ct, DIV_FN, DIV, "div_");
  }
  clamp_(minOrOpts?: number | null | ClampBounds, max?: number | null): this {
    const { ct, lo, hi } = clampSpec(this, minOrOpts, max);
    if (!canCast(ct, this.dtype)) throw castError(ct, this.dtype, "clamp_");
    if (this.isPacked()) {
      elementwise().clamp(this.data, this.data, lo, hi);
      return this;
    }
    return this.inPlace(0, this.dtype, (x) => (x < lo ? lo : x > hi ? hi : x), -1, "clamp_");
  }
  fill_(value: number): this { return this.inPlace(value, this.dtype, (_, y) => y, -1, "fill_"); }
  zero_(): this { return this.fill_(0); }
  /** Copy values from `src` (broadcast to this shape, converted to this dtype) into this tensor. */
  copy_(src: TensorLike): this {
    const s = typeof src === "number" || src.dtype === this.dtype ? src : src.to(this.dtype);
    return this.inPlace(s, this.dtype, (_, y) => y, -1, "copy_");
  }

  private inPlace(other: TensorLike, ct: DType, f: BinaryFn, fastOp: number, op: string): this {
    const o = operandAs(other, ct);
    const full = broadcastShapes(this.shape, o.shape, op);
    if (!sameShape(full, this.shape)) {
      throw new RangeError(`${op}: output with shape ${formatShape(this.shape)} doesn't match the broadcast shape ${formatShape(full)}`);
    }
    if (fastOp >= 0 && isFloating(this.dtype) && fastArith(fastOp, this, o, this.shape, this.data as FloatArray)) return this;
    const g = this.dtype === "bool" ? toBoolFn(f) : f;
    stridedZip(this.shape, this.data, this.offset, this.strides, this, o, g);
    return this;
  }

  // ---------------------------------------------------------------- reductions

  /** Sum of all elements (0-d tensor), or along dim(s) with optional keepdim, like torch.sum. */
  sum(dim?: number | number[], keepdim = false): Tensor {
    const outType: DType = isFloating(this.dtype) ? this.dtype : "int32";
    return reduceDims(this, dim, keepdim, "sum", (t, d, kd) => sumAlong(t, d, kd, outType));
  }

  /** Floating tensors only, as in torch: write `correct.to("float64").mean()` for an accuracy. */
  mean(dim?: number | number[], keepdim = false): Tensor {
    if (!isFloating(this.dtype)) {
      throw new TypeError(`mean: input dtype must be floating (got ${this.dtype}, as torch refuses too); convert first, e.g. .to("float64").mean()`);
    }
    const dims = dim === undefined ? this.shape.map((_, d) => d) : typeof dim === "number" ? [dim] : dim;
    const count = dims.reduce((n, d) => n * (this.ndim === 0 ? 1 : this.shape[normDim(d, this.ndim, "mean")]), 1);
    return this.sum(dim, keepdim).div_(count);
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
    noBool(this, "argmax");
    if (dim === undefined) return keepAll(this, extremeAlong(this.reshape(-1), 0, false, 1, "argmax").indices, keepdim);
    return extremeAlong(this, dim, keepdim, 1, "argmax").indices;
  }

  argmin(dim?: number, keepdim = false): Tensor {
    noBool(this, "argmin");
    if (dim === undefined) return keepAll(this, extremeAlong(this.reshape(-1), 0, false, -1, "argmin").indices, keepdim);
    return extremeAlong(this, dim, keepdim, -1, "argmin").indices;
  }

  /** log(sum(exp(x))) along dim(s) (all dims when none is given), computed stably; an empty dim gives -inf. */
  logsumexp(dim?: number | number[], keepdim = false): Tensor {
    const x = this.to(floatingOf(this.dtype));
    return reduceDims(x, dim, keepdim, "logsumexp", logsumexpAlong);
  }

  /** Whether any element is non-zero: a boolean without a dim (so `if (mask.any())` works), a bool tensor along a dim. */
  any(): boolean;
  any(dim: number, keepdim?: boolean): Tensor;
  any(dim?: number, keepdim = false): boolean | Tensor {
    if (dim === undefined) {
      const d = this.contiguous().data;
      for (let i = 0; i < d.length; i++) if (d[i] !== 0) return true;
      return false;
    }
    return reduceDims(this.ne(0), dim, keepdim, "any", (t, dd, kd) => sumAlong(t, dd, kd, "int32")).gt(0);
  }

  /** Whether every element is non-zero (true for an empty tensor): a boolean without a dim, a bool tensor along a dim. */
  all(): boolean;
  all(dim: number, keepdim?: boolean): Tensor;
  all(dim?: number, keepdim = false): boolean | Tensor {
    if (dim === undefined) {
      const d = this.contiguous().data;
      for (let i = 0; i < d.length; i++) if (d[i] === 0) return false;
      return true;
    }
    return reduceDims(this.eq(0), dim, keepdim, "all", (t, dd, kd) => sumAlong(t, dd, kd, "int32")).eq(0);
  }

  // ---------------------------------------------------------------- linear algebra

  /** Matrix product with torch.matmul's rules: 1-D operands are vectors, leading (batch) dims broadcast. */
  matmul(other: Tensor): Tensor {
    return matmul(this, other);
  }

  /** Matrix times vector. */
  mv(vec: Tensor): Tensor {
    if (this.ndim !== 2 || vec.ndim !== 1) {
      throw new RangeError(`mv: expects a 2-D matrix and a 1-D vector, got ${formatShape(this.shape)} and ${formatShape(vec.shape)}`);
    }
    return matmul(this, vec, "mv");
  }

  /** Matrix times matrix (both 2-D). */
  mm(other: Tensor): Tensor {
    if (this.ndim !== 2 || other.ndim !== 2) {
      throw new RangeError(`mm: expects two 2-D matrices, got ${formatShape(this.shape)} and ${formatShape(other.shape)}`);
    }
    return matmul(this, other, "mm");
  }

  /** Batched matrix product of two 3-D tensors with the same batch size (no broadcasting, as torch.bmm). */
  bmm(other: Tensor): Tensor {
    if (this.ndim !== 3 || other.ndim !== 3) {
      throw new RangeError(`bmm: expects two 3-D tensors, got ${formatShape(this.shape)} and ${formatShape(other.shape)}`);
    }
    if (this.shape[0] !== other.shape[0]) {
      throw new RangeError(`bmm: batch sizes differ: ${formatShape(this.shape)} x ${formatShape(other.shape)}`);
    }
    return matmul(this, other, "bmm");
  }

  /** Inner product of two 1-D tensors of one dtype, as a number (torch returns a 0-d tensor). */
  dot(other: Tensor): number {
    if (this.ndim !== 1 || other.ndim !== 1) {
      throw new RangeError(`dot: expects two 1-D tensors, got ${formatShape(this.shape)} and ${formatShape(other.shape)}`);
    }
    if (this.shape[0] !== other.shape[0]) {
      throw new RangeError(`dot: sizes differ: ${this.shape[0]} and ${other.shape[0]}`);
    }
    if (this.dtype !== other.dtype) throw new TypeError(`dot: expects both vectors to have one dtype, got ${this.dtype} and ${other.dtype} (as torch)`);
    if (this.dtype !== "float64") return matmul(this, other, "dot").item();
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
    const ix = indexData(idx, "gather");
    const out = takeStorage(this.dtype, ix.length);
    const size = this.ndim === 0 ? 1 : this.shape[d];
    const step = this.ndim === 0 ? 0 : this.strides[d];
    const sd = this.data;
    if (this.ndim === 2) {
      // scores.gather(1, y) on a batch: the same positions as the walk below, without a call per element
      const [R, C] = idx.shape;
      const [s0, s1] = this.strides;
      for (let r = 0, pos = 0; r < R; r++) {
        for (let c = 0; c < C; c++, pos++) {
          const k = checkedIndex(ix[pos], size, d, "gather");
          out[pos] = sd[this.offset + (d === 0 ? k * s0 + c * s1 : r * s0 + k * s1)];
        }
      }
    } else {
      walkOffsets(idx.shape, withoutDim(this.strides, d), this.offset, (pos, off) => {
        out[pos] = sd[off + checkedIndex(ix[pos], size, d, "gather") * step];
      });
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
    const idx = index.ndim === this.ndim - 1 && this.ndim > 0 ? index.unsqueeze(d) : index;
    checkIndexShape(this, idx, d, op);
    const scalar = typeof src === "number";
    let values: Tensor;
    if (typeof src === "number") {
      values = operandAs(src, this.dtype);
    } else {
      if (src.dtype !== this.dtype) throw new TypeError(`${op}: src dtype ${src.dtype} must equal the tensor's dtype ${this.dtype} (as in torch)`);
      values = src.ndim === idx.ndim - 1 && index !== idx ? src.unsqueeze(d) : src;
      if (values.ndim !== idx.ndim || idx.shape.some((s, k) => s > values.shape[k])) {
        throw new RangeError(`${op}: index ${formatShape(index.shape)} must not be larger than src ${formatShape(src.shape)} in any dim`);
      }
    }
    const ix = indexData(idx, op);
    const size = this.ndim === 0 ? 1 : this.shape[d];
    const step = this.ndim === 0 ? 0 : this.strides[d];
    const td = this.data, vd = values.data;
    const v0 = values.data[values.offset];
    const bool = this.dtype === "bool";
    if (this.ndim === 2) {
      // dscores.scatterAdd_(1, y, -1) on a batch: the walk below, in the same order, without a call per element
      const [R, C] = idx.shape;
      const [s0, s1] = this.strides;
      const [v0s, v1s] = scalar ? [0, 0] : values.strides;
      for (let r = 0, pos = 0; r < R; r++) {
        for (let c = 0; c < C; c++, pos++) {
          const k = checkedIndex(ix[pos], size, d, op);
          const target = this.offset + (d === 0 ? k * s0 + c * s1 : r * s0 + k * s1);
          const v = scalar ? v0 : vd[values.offset + r * v0s + c * v1s];
          const sum = accumulate ? td[target] + v : v;
          td[target] = bool ? (sum !== 0 ? 1 : 0) : sum;
        }
      }
      return this;
    }
    // Positions in the index walk this tensor (except along dim) and src in step.
    const srcOffsets: number[] = [];
    if (!scalar) walkOffsets(idx.shape, values.strides, values.offset, (pos, off) => { srcOffsets[pos] = off; });
    walkOffsets(idx.shape, withoutDim(this.strides, d), this.offset, (pos, off) => {
      const target = off + checkedIndex(ix[pos], size, d, op) * step;
      const v = scalar ? v0 : vd[srcOffsets[pos]];
      const r = accumulate ? td[target] + v : v;
      td[target] = bool ? (r !== 0 ? 1 : 0) : r;
    });
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
    for (let j = 0; j < ix.length; j++) checkedIndex(ix[j], size, d, "indexSelect"); // even when nothing is copied
    const n = ix.length;
    const out = takeStorage(this.dtype, outer * n * inner);
    elementwise().indexSelect(src.data, ix, out, outer, size, inner);
    const shape = [...this.shape];
    shape[d] = n;
    return new Tensor(out, shape);
  }

  /** this[..., index[j], ...] += alpha * source[..., j, ...] along dim (torch.index_add_); repeated indices accumulate. */
  indexAdd_(dim: number, index: Tensor, source: Tensor, alpha = 1): this {
    const d = normDim(dim, this.ndim, "indexAdd_");
    if (source.dtype !== this.dtype) throw new TypeError(`indexAdd_: source dtype ${source.dtype} must equal the tensor's dtype ${this.dtype} (as in torch)`);
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
    for (let j = 0; j < n; j++) checkedIndex(ix[j], size, d, "indexAdd_"); // even when nothing is added
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
    checkMask(mask, "maskedSelect");
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

/** Result dtype and bounds of a clamp: given bounds take part in the result type and are cast to it; min > max means max. */
function clampSpec(t: Tensor, minOrOpts?: number | null | ClampBounds, max?: number | null): { ct: DType; lo: number; hi: number } {
  const opts: ClampBounds =
    typeof minOrOpts === "object" && minOrOpts !== null ? minOrOpts : { min: minOrOpts as number | null | undefined, max };
  if (opts.min == null && opts.max == null) throw new RangeError("clamp: at least one of min or max must be given");
  const given = [opts.min, opts.max].filter((v): v is number => v != null);
  const ct = resultType(t, ...given);
  const hi = opts.max == null ? Infinity : castNumber(opts.max, ct);
  const lo = opts.min == null ? -Infinity : Math.min(castNumber(opts.min, ct), hi);
  return { ct, lo, hi };
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

const ADD_FN: BinaryFn = (x, y) => x + y;
const SUB_FN: BinaryFn = (x, y) => x - y;
const MUL_FN: BinaryFn = (x, y) => x * y;
const DIV_FN: BinaryFn = (x, y) => x / y;

/** C's pow (what torch computes): 1 ** y and x ** 0 are 1 even for NaN, (-1) ** +-inf is 1; JS's Math.pow says NaN. */
function floatPow(x: number, y: number): number {
  if (x === 1 || y === 0) return 1;
  if (x === -1 && (y === Infinity || y === -Infinity)) return 1;
  return Math.pow(x, y);
}

/** Integer power with int32 wraparound (square and multiply); negative exponents as torch: 1, +-1 for -1, else 0. */
function intPow(x: number, y: number): number {
  if (y < 0) return x === 1 ? 1 : x === -1 ? (y % 2 === 0 ? 1 : -1) : 0;
  let result = 1, base = x | 0;
  for (let e = y; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) result = Math.imul(result, base);
    base = Math.imul(base, base);
  }
  return result;
}

function toBoolFn(f: BinaryFn): BinaryFn {
  return (x, y) => (f(x, y) !== 0 ? 1 : 0);
}

/** An operand in the compute dtype: a number cast to it; an int32 (or 0-d float64) tensor converted when computing in float32. */
function operandAs(x: TensorLike, ct: DType): Tensor {
  if (typeof x === "number") {
    const d = allocate(ct, 1);
    d[0] = castNumber(x, ct);
    return new Tensor(d, []);
  }
  if (!(x instanceof Tensor)) throw new TypeError(`expected a Tensor or a number, got ${typeof x}`);
  return ct === "float32" && x.dtype !== "float32" && x.dtype !== "bool" ? x.to(ct) : x;
}

/** A whole-tensor reduction with keepdim: every dim kept with size 1. */
function keepAll(t: Tensor, r: Tensor, keepdim: boolean): Tensor {
  return keepdim ? r.reshape(t.shape.map(() => 1)) : r;
}

function noZeroDim(t: Tensor, op: string): void {
  if (t.ndim === 0) throw new RangeError(`${op}: cannot be applied to a 0-d tensor`);
}

function noBool(t: Tensor, op: string): void {
  if (t.dtype === "bool") throw new TypeError(`${op}: not supported for bool tensors (as in torch); convert with .to("int32") first`);
}

function noBoolSub(a: Tensor, b: TensorLike, op: string): void {
  if (a.dtype === "bool" || (b instanceof Tensor && b.dtype === "bool")) {
    throw new TypeError(`${op}: subtraction with a bool tensor is not supported (as in torch); use logicalXor() or logicalNot(), or convert with .to("int32")`);
  }
}

function castError(from: DType, to: DType, op: string): TypeError {
  return new TypeError(`${op}: the result type ${from} can't be cast to the ${to} tensor written in place (as in torch); use the out-of-place op`);
}

/** Compute dtype of an in-place op, which must fit the tensor written to (no float result into an int tensor). */
function inPlaceType(t: Tensor, other: TensorLike, op: string): DType {
  const ct = resultType(t, other);
  if (!canCast(ct, t.dtype)) throw castError(ct, t.dtype, op);
  return ct;
}

function checkAlpha(ct: DType, alpha: number, op: string): void {
  if (!isFloating(ct) && !Number.isInteger(alpha)) {
    throw new TypeError(`${op}: for integer tensors alpha must be an integer, got ${alpha} (as in torch)`);
  }
}

function scaledAdd(ct: DType, alpha: number): BinaryFn {
  const a = castNumber(alpha, ct);
  return ct === "int32" ? (x, y) => x + Math.imul(a, y) : (x, y) => x + a * y;
}

/** x + alpha * y in the compute dtype (torch's add with alpha): one pass of axpy when both are packed floats. */
function addScaled(x: Tensor, y: TensorLike, ct: DType, alpha: number, op: string): Tensor {
  checkAlpha(ct, alpha, op);
  const a = operandAs(x, ct), b = operandAs(y, ct);
  if (isFloating(ct) && a.dtype === ct && b.dtype === ct && sameShape(a.shape, b.shape) && b.isPacked()) {
    const out = a.to(ct).clone();
    elementwise().axpy(out.data as FloatArray, b.data, castNumber(alpha, ct));
    return out;
  }
  return binary(a, b, ct, ct, scaledAdd(ct, alpha), -1, op);
}

function compare(a: Tensor, other: TensorLike, f: BinaryFn, fastOp: number, op: string): Tensor {
  return binary(a, other, resultType(a, other), "bool", f, fastOp, op);
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

/** Side of the square tiles copyTiles walks: 32 rows' and 32 columns' cache lines stay in L1 while a tile is copied. */
const COPY_TILE = 32;

/**
 * out[i * cols + j] = src[offset + i * s0 + j * s1] for a rows x cols matrix, tile by tile: a transposed view read
 * row after row steps a whole stored row per element (a cache miss each), and within a tile each line is reused.
 */
function copyTiles(src: Storage, offset: number, rows: number, cols: number, s0: number, s1: number, out: Storage): void {
  for (let i0 = 0; i0 < rows; i0 += COPY_TILE) {
    const i1 = Math.min(rows, i0 + COPY_TILE);
    for (let j0 = 0; j0 < cols; j0 += COPY_TILE) {
      const j1 = Math.min(cols, j0 + COPY_TILE);
      for (let i = i0; i < i1; i++) {
        for (let j = j0, o = i * cols + j0, p = offset + i * s0 + j0 * s1; j < j1; j++, o++, p += s1) out[o] = src[p];
      }
    }
  }
}

/**
 * Copy any strided tensor into packed storage (out has t's element type), in row-major order. Its own loop, not
 * stridedZip's: a call through a closure per element made a 3072 x 500 transpose ~3.5 ns an element.
 */
function copyStrided(t: Tensor, out: Storage): void {
  const shape = t.shape, strides = t.strides, src = t.data;
  const nd = shape.length;
  const n = out.length;
  if (nd === 0) {
    if (n > 0) out[0] = src[t.offset];
    return;
  }
  if (n === 0) return;
  if (nd === 2) return copyTiles(src, t.offset, shape[0], shape[1], strides[0], strides[1], out);
  // One call per row over the outer dims, a tight loop along the last one.
  const last = nd - 1;
  const len = shape[last], step = strides[last];
  walkOffsets(shape.slice(0, last), strides.slice(0, last), t.offset, (row, from) => {
    for (let j = 0, o = row * len, p = from; j < len; j++, p += step) out[o + j] = src[p];
  });
}

/** out = f(x, y) with x, y the operands in the compute dtype `ct`, broadcast; `outType` is ct, bool or floating. */
export function binary(x: TensorLike, other: TensorLike, ct: DType, outType: DType, f: BinaryFn, fastOp: number, op: string): Tensor {
  const a = operandAs(x, ct), b = operandAs(other, ct);
  const shape = broadcastShapes(a.shape, b.shape, op);
  const out = takeStorage(outType, numelOf(shape));
  const floatIn = isFloating(a.dtype) && (outType === a.dtype || (fastOp >= GT && outType === "bool"));
  if (fastOp >= 0 && floatIn && fastArith(fastOp, a, b, shape, out)) return new Tensor(out, shape);
  stridedZip(shape, out, 0, contiguousStrides(shape), a, b, outType === "bool" && fastOp < GT ? toBoolFn(f) : f);
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

export function unary(t: Tensor, outType: DType, f: UnaryFn, fastOp = -1): Tensor {
  const src = t.contiguous().data;
  const out = takeStorage(outType, src.length);
  if (fastOp >= 0 && isFloating(outType) && isFloating(t.dtype)) mathLoop(fastOp, src as FloatArray, out as FloatArray);
  else for (let i = 0; i < src.length; i++) out[i] = f(src[i]);
  return new Tensor(out, t.shape);
}

function mathLoop(op: number, src: FloatArray, out: FloatArray): void {
  const n = out.length;
  switch (op) {
    case EXP: elementwise().exp(src, out); break;
    case LOG: for (let i = 0; i < n; i++) out[i] = Math.log(src[i]); break;
    case SQRT: for (let i = 0; i < n; i++) out[i] = Math.sqrt(src[i]); break;
    case NEG: for (let i = 0; i < n; i++) out[i] = -src[i]; break;
    case ABS: for (let i = 0; i < n; i++) out[i] = Math.abs(src[i]); break;
  }
}

type DimReducer = (t: Tensor, dim: number, keepdim: boolean) => Tensor;

/** Apply a single-dim reduction over one dim, several dims, or all of them (giving a 0-d tensor). */
export function reduceDims(t: Tensor, dim: number | number[] | undefined, keepdim: boolean, op: string, reduce: DimReducer): Tensor {
  if (t.ndim === 0) {
    // A 0-d tensor reduces over dim 0 or -1 as if it were [1], and stays 0-d (as in torch).
    for (const d of typeof dim === "number" ? [dim] : dim ?? []) normDim(d, 0, op);
    return reduce(t.reshape([1]), 0, false);
  }
  if (dim === undefined) {
    const flat = reduce(t.reshape(-1), 0, false);
    return keepdim ? flat.reshape(t.shape.map(() => 1)) : flat;
  }
  if (typeof dim === "number") return reduce(t, normDim(dim, t.ndim, op), keepdim);
  const dims = dim.map((d) => normDim(d, t.ndim, op));
  if (new Set(dims).size !== dims.length) throw new RangeError(`${op}: dim appears more than once in [${dims.join(", ")}]`);
  let out = t;
  for (const d of [...dims].sort((x, y) => y - x)) out = reduce(out, d, keepdim);
  return out;
}

export function sumAlong(t: Tensor, dim: number, keepdim: boolean, outType: DType): Tensor {
  const src = t.contiguous();
  const [outer, size, inner] = splitAround(src.shape, dim);
  const out = takeStorage(outType, outer * inner);
  elementwise().sum(src.data, out, outer, size, inner);
  return new Tensor(out, reducedShape(src.shape, dim, keepdim));
}

export function reducedShape(shape: readonly number[], dim: number, keepdim: boolean): number[] {
  return keepdim ? shape.map((s, d) => (d === dim ? 1 : s)) : shape.filter((_, d) => d !== dim);
}

/** max/min along dim: sign 1 for max, -1 for min. The first extreme wins ties; a NaN wins over numbers. */
export function extremeAlong(t: Tensor, dim: number, keepdim: boolean, sign: number, op: string): { values: Tensor; indices: Tensor } {
  const d = normDim(dim, t.ndim, op);
  if (t.ndim === 0) return extremeAlong(t.reshape([1]), 0, false, sign, op); // stays 0-d, as in torch
  const src = t.contiguous();
  const [outer, size, inner] = splitAround(src.shape, d);
  if (size === 0) throw new RangeError(`${op}: cannot reduce over an empty dimension ${d} (shape ${formatShape(t.shape)})`);
  const values = allocate(t.dtype, outer * inner);
  const indices = new Int32Array(outer * inner);
  const sd = src.data;
  if (inner === 1) {
    extremeRows(sd, values, indices, outer, size, sign);
    const shape = reducedShape(src.shape, d, keepdim);
    return { values: new Tensor(values, shape), indices: new Tensor(indices, shape) };
  }
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

/** extremeAlong on packed rows (a batch of scores' max): the same rule, without the strided indexing. */
function extremeRows(sd: Storage, values: Storage, indices: Int32Array, rows: number, size: number, sign: number): void {
  for (let o = 0, first = 0; o < rows; o++, first += size) {
    let best = sd[first];
    let bestK = 0;
    for (let k = 1; k < size && best === best; k++) {
      const v = sd[first + k];
      if (v !== v || (sign > 0 ? v > best : v < best)) {
        best = v;
        bestK = k;
      }
    }
    values[o] = best;
    indices[o] = bestK;
  }
}

/**
 * log(sum(exp(x))) over one dim of a floating tensor; an empty dim gives -inf. One pass per output element, with
 * the values of the op-by-op form `m = max(x, dim)` (a row of +-inf or NaN shifts by 0 instead: inf - inf would
 * be NaN), `x.sub(m).exp().sum(dim, true).log().add_(m)`: every intermediate rounded to the dtype as that form
 * stores it, the sum in lib/tensor's order (8 running sums along the last dim, else in index order). The
 * op-by-op form made five temporaries, which cost more than the arithmetic on a 200 x 10 batch of scores.
 */
function logsumexpAlong(x: Tensor, dim: number, keepdim: boolean): Tensor {
  const [outer, size, inner] = splitAround(x.shape, dim);
  const outShape = reducedShape(x.shape, dim, keepdim);
  if (size === 0) return new Tensor(allocate(x.dtype, outer * inner).fill(-Infinity), outShape);
  const src = x.contiguous().data as FloatArray;
  const out = takeStorage(x.dtype, outer * inner) as FloatArray;
  const f32 = x.dtype === "float32";
  if (inner === 1) {
    // rows along the last dim (a batch of scores): shifts into out, then out = log(sum) + shift
    const sums = takeStorage(x.dtype, outer) as FloatArray;
    elementwise().logsumexpRows(src, out, sums, outer, size);
    for (let o = 0; o < outer; o++) out[o] = f32 ? Math.fround(Math.log(sums[o])) + out[o] : Math.log(sums[o]) + out[o];
    releaseStorage(sums);
    return new Tensor(out, outShape);
  }
  // shifts[o * inner + i]: the max along dim, or 0 for a row of +-inf or NaN; diffs = x - shift, stored in the dtype
  const diffs = takeStorage(x.dtype, outer * size * inner) as FloatArray;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const first = o * size * inner + i;
      let m = src[first];
      for (let k = 1; k < size && m === m; k++) {
        const v = src[first + k * inner];
        if (v !== v || v > m) m = v;
      }
      if (!Number.isFinite(m)) m = 0;
      out[o * inner + i] = m;
      for (let k = 0; k < size; k++) diffs[first + k * inner] = src[first + k * inner] - m;
    }
  }
  elementwise().exp(diffs, diffs);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const first = o * size * inner + i;
      let sum = 0;
      for (let k = 0; k < size; k++) sum += diffs[first + k * inner];
      const m = out[o * inner + i];
      out[o * inner + i] = f32 ? Math.fround(Math.log(Math.fround(sum))) + m : Math.log(sum) + m;
    }
  }
  releaseStorage(diffs);
  return new Tensor(out, outShape);
}

function extremeAll(t: Tensor, op: string, sign: number): Tensor {
  if (t.numel() === 0) throw new RangeError(`${op}: cannot reduce an empty tensor (shape ${formatShape(t.shape)})`);
  return extremeAlong(t.reshape(-1), 0, false, sign, op).values;
}

/** torch's rule for gather and scatter: same number of dims, and the index no larger than the input outside `dim`. */
function checkIndexShape(input: Tensor, index: Tensor, dim: number, op: string): void {
  if (index.ndim !== input.ndim && !(input.ndim === 0 && index.ndim <= 1)) {
    throw new RangeError(
      `${op}: index ${formatShape(index.shape)} must have as many dims as the input ${formatShape(input.shape)} (or one fewer)`,
    );
  }
  for (let d = 0; d < input.ndim; d++) {
    if (d !== dim && index.shape[d] > input.shape[d]) {
      throw new RangeError(
        `${op}: index ${formatShape(index.shape)} must not be larger than the input ${formatShape(input.shape)} in any dim except ${dim}`,
      );
    }
  }
}

function withoutDim(strides: readonly number[], dim: number): number[] {
  return strides.map((s, d) => (d === dim ? 0 : s));
}

/**
 * Calls f(position, offset) for every position of `shape` in row-major order, where offset = base + the sum of
 * index * stride over the dims (kept up to date incrementally).
 */
export function walkOffsets(shape: readonly number[], strides: readonly number[], base: number, f: (pos: number, off: number) => void): void {
  const n = numelOf(shape);
  const nd = shape.length;
  const counter = new Array<number>(nd).fill(0);
  let off = base;
  for (let pos = 0; pos < n; pos++) {
    f(pos, off);
    for (let d = nd - 1; d >= 0; d--) {
      counter[d]++;
      off += strides[d];
      if (counter[d] < shape[d]) break;
      off -= strides[d] * shape[d];
      counter[d] = 0;
    }
  }
}

function checkMask(mask: Tensor, op: string): void {
  if (mask.dtype !== "bool") throw new TypeError(`${op}: the mask (condition) must be a bool tensor, got ${mask.dtype} (as in torch); compare first, e.g. x.gt(0)`);
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
  if (k < 0 || k >= size) throw new RangeError(`${op}: index ${k} is out of bounds for dimension ${dim} with size ${size} (negative indices are not allowed, as in torch)`);
  return k;
}

// ==================================================================== matmul

/** Whether a 2-D tensor can be handed to gemm as is ("n"), as its transpose ("t"), or needs a copy (null). */
export function gemmLayout(t: Tensor): "n" | "t" | null {
  const [r, c] = t.shape;
  if (t.offset + r * c > t.data.length) return null;
  if (t.strides[1] === 1 && (t.strides[0] === c || r === 1)) return "n";
  if (t.strides[0] === 1 && (t.strides[1] === r || c === 1)) return "t";
  return null;
}

/** The m x n product of 2-D views a (m x k) and b (k x n), both of dtype `dtype`, written to out[at .. at + m*n). */
function matmul2dInto(a: Tensor, b: Tensor, dtype: DType, out: Storage, at: number): void {
  const [m, k] = a.shape;
  const n = b.shape[1];
  if (m === 0 || n === 0) return;
  if (dtype === "int32" || dtype === "bool") {
    // Exact int32 arithmetic with wraparound, as torch's integer matmul (no BLAS for integers).
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) {
          s = (s + Math.imul(a.data[a.offset + i * a.strides[0] + p * a.strides[1]], b.data[b.offset + p * b.strides[0] + j * b.strides[1]])) | 0;
        }
        out[at + i * n + j] = s;
      }
    }
    return;
  }
  let A = a, B = b;
  let la = gemmLayout(A);
  if (la === null) { A = A.contiguous(); la = "n"; }
  let lb = gemmLayout(B);
  if (lb === null) { B = B.contiguous(); lb = "n"; }
  const ad = (A.data as FloatArray).subarray(A.offset, A.offset + m * k);
  const bd = (B.data as FloatArray).subarray(B.offset, B.offset + k * n);
  const c = (out as FloatArray).subarray(at, at + m * n);
  gemm(la === "t", lb === "t", m, n, k, ad, bd, c);
}

/**
 * torch.matmul: 1-D x 1-D is a dot product (0-d), 2-D x 2-D a matrix product, a 1-D operand is a row (left) or
 * column (right) vector whose dim is removed afterwards, and with more dims the leading (batch) dims broadcast.
 * Mixed dtypes are promoted (torch requires one dtype); integer products are exact int32, bool is refused.
 */
export function matmul(a: Tensor, b: Tensor, op = "matmul"): Tensor {
  if (a.ndim === 0 || b.ndim === 0) {
    throw new RangeError(`${op}: both arguments need at least 1 dimension, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
  const dtype = promote(a.dtype, b.dtype);
  const A = (a.ndim === 1 ? a.unsqueeze(0) : a).to(dtype);
  const B = (b.ndim === 1 ? b.unsqueeze(1) : b).to(dtype);
  const [m, k] = A.shape.slice(-2);
  const [k2, n] = B.shape.slice(-2);
  if (k !== k2) {
    throw new RangeError(`${op}: ${formatShape(a.shape)} x ${formatShape(b.shape)}: inner dimensions differ (${k} vs ${k2})`);
  }
  const batch = broadcastShapes(A.shape.slice(0, -2), B.shape.slice(0, -2), op);
  const finalShape = [...batch, ...(a.ndim === 1 ? [] : [m]), ...(b.ndim === 1 ? [] : [n])];
  // Like torch, bool products are refused, except those with nothing to compute (an empty result, or k = 0).
  if (dtype === "bool" && ((a.ndim === 1 && b.ndim === 1) || (numelOf(finalShape) > 0 && k > 0))) {
    throw new TypeError(`${op}: not supported for bool tensors (as in torch); convert with .to("float64")`);
  }
  if (B.ndim === 2 && A.ndim > 2 && A.isContiguous()) {
    // [..., m, k] x [k, n]: one product of the rows stacked, as torch folds it.
    const rows = A.reshape(numelOf(A.shape.slice(0, -1)), k);
    const out = k > 0 ? takeStorage(dtype, rows.shape[0] * n) : allocate(dtype, rows.shape[0] * n);
    matmul2dInto(rows, B, dtype, out, 0);
    return new Tensor(out, finalShape);
  }
  const count = numelOf(batch);
  const out = k > 0 ? takeStorage(dtype, count * m * n) : allocate(dtype, count * m * n);
  const Ae = A.expand([...batch, m, k]), Be = B.expand([...batch, k, n]);
  const nb = batch.length;
  for (let i = 0; i < count; i++) {
    let oa = Ae.offset, ob = Be.offset;
    for (let d = nb - 1, rest = i; d >= 0; d--) {
      const pos = rest % batch[d];
      rest = Math.floor(rest / batch[d]);
      oa += pos * Ae.strides[d];
      ob += pos * Be.strides[d];
    }
    const ai = new Tensor(Ae.data, [m, k], Ae.strides.slice(nb), oa);
    const bi = new Tensor(Be.data, [k, n], Be.strides.slice(nb), ob);
    matmul2dInto(ai, bi, dtype, out, i * m * n);
  }
  return new Tensor(out, finalShape);
}

// ==================================================================== functions that build tensors

/** Concatenate along an existing dim. */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new RangeError("cat: expected a non-empty list of tensors");
  const first = tensors[0];
  tensors.forEach((t, i) => {
    if (t.ndim === 0) throw new RangeError(`cat: zero-dimensional tensor (at position ${i}) cannot be concatenated`);
  });
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
  checkMask(cond, "where");
  const outType = resultType(x, y);
  const X = operandAs(x, outType);
  const Y = operandAs(y, outType);
  const shape = broadcastShapes(broadcastShapes(cond.shape, X.shape, "where"), Y.shape, "where");
  const c = cond.expand(shape).contiguous().data;
  const xv = X.expand(shape).contiguous().data;
  const yv = Y.expand(shape).contiguous().data;
  const out = allocate(outType, c.length);
  for (let i = 0; i < c.length; i++) out[i] = c[i] ? xv[i] : yv[i];
  return new Tensor(out, shape);
}
