import { allocate, type DType } from "./dtype";
import { formatShape, normDim, splitAround } from "./shape";
import { Tensor } from "./tensor";

/**
 * Sorting and selection: sort/argsort, topk, unique, bincount, nonzero; attached to Tensor's prototype when
 * lib/tensor/index.ts loads this file. Indices are int32 (torch: int64). Sorting is stable and puts NaN last
 * (first when descending), as torch does on the CPU.
 */
declare module "./tensor" {
  interface Tensor {
    sort(dim?: number, descending?: boolean): { values: Tensor; indices: Tensor };
    argsort(dim?: number, descending?: boolean): Tensor;
    /** The k largest (or smallest) entries along dim, sorted. */
    topk(k: number, dim?: number, largest?: boolean, sorted?: boolean): { values: Tensor; indices: Tensor };
    /** Sorted distinct values of the flattened tensor (1-D). */
    unique(): Tensor;
    unique(opts: { returnInverse?: boolean; returnCounts?: boolean }): { values: Tensor; inverse: Tensor; counts: Tensor };
    /** Counts of each value 0..max of a 1-D non-negative int32 tensor (or the sum of `weights` per value). */
    bincount(weights?: Tensor | null, minlength?: number): Tensor;
    /** Indices of the non-zero elements, one row per element: [count, ndim] int32. */
    nonzero(): Tensor;
  }
}

const proto = Tensor.prototype;

/** Ascending order with NaN largest; ties keep their order (the sort is stable). */
function compareAsc(x: number, y: number): number {
  if (x !== x) return y !== y ? 0 : 1;
  if (y !== y) return -1;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Along dim: the first `k` positions of a stable sort, as values and int32 indices. */
function sortAlong(t: Tensor, dim: number, descending: boolean, k: number | null, op: string): { values: Tensor; indices: Tensor } {
  const d = normDim(dim, t.ndim, op);
  const src = t.contiguous();
  const shape = t.ndim === 0 ? [1] : src.shape;
  const [outer, size, inner] = splitAround(shape, t.ndim === 0 ? 0 : d);
  const keep = k ?? size;
  const outShape = [...t.shape];
  if (t.ndim > 0) outShape[d] = keep;
  const values = allocate(t.dtype, outer * keep * inner);
  const indices = new Int32Array(outer * keep * inner);
  const sd = src.data;
  const order = new Array<number>(size);
  const column = new Float64Array(size);
  const cmp = descending
    ? (a: number, b: number): number => compareAsc(column[b], column[a]) || a - b
    : (a: number, b: number): number => compareAsc(column[a], column[b]) || a - b;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      for (let j = 0; j < size; j++) {
        order[j] = j;
        column[j] = sd[(o * size + j) * inner + i];
      }
      order.sort(cmp);
      for (let j = 0; j < keep; j++) {
        const at = (o * keep + j) * inner + i;
        values[at] = column[order[j]];
        indices[at] = order[j];
      }
    }
  }
  return { values: new Tensor(values, outShape), indices: new Tensor(indices, outShape) };
}

proto.sort = function (this: Tensor, dim = -1, descending = false) {
  return sortAlong(this, dim, descending, null, "sort");
};
proto.argsort = function (this: Tensor, dim = -1, descending = false): Tensor {
  return sortAlong(this, dim, descending, null, "argsort").indices;
};
proto.topk = function (this: Tensor, k: number, dim = -1, largest = true, sorted = true) {
  void sorted; // the result is always sorted
  const d = normDim(dim, this.ndim, "topk");
  const size = this.ndim === 0 ? 1 : this.shape[d];
  if (!Number.isInteger(k) || k < 0 || k > size) {
    throw new RangeError(`topk: k (${k}) is out of range for dimension ${d} of size ${size} (shape ${formatShape(this.shape)})`);
  }
  if (this.ndim === 0) return { values: this.clone(), indices: new Tensor(new Int32Array(1), []) }; // as torch, for k 0 or 1
  return sortAlong(this, d, largest, k, "topk");
};

proto.unique = function (this: Tensor, opts?: { returnInverse?: boolean; returnCounts?: boolean }) {
  const flat = this.contiguous().data;
  const order = Array.from(flat.keys()).sort((a, b) => compareAsc(flat[a], flat[b]) || a - b);
  const uniq: number[] = [];
  const counts: number[] = [];
  const inverse = new Int32Array(flat.length);
  for (const i of order) {
    const v = flat[i];
    if (uniq.length === 0 || compareAsc(uniq[uniq.length - 1], v) !== 0) {
      uniq.push(v);
      counts.push(0);
    }
    counts[counts.length - 1]++;
    inverse[i] = uniq.length - 1;
  }
  const values = allocate(this.dtype, uniq.length);
  values.set(uniq);
  const valuesT = new Tensor(values, [uniq.length]);
  if (opts === undefined) return valuesT;
  return { values: valuesT, inverse: new Tensor(inverse, this.shape), counts: new Tensor(Int32Array.from(counts), [counts.length]) };
} as Tensor["unique"];

proto.bincount = function (this: Tensor, weights: Tensor | null = null, minlength = 0): Tensor {
  if (this.ndim !== 1 || (this.dtype !== "int32" && this.dtype !== "bool")) {
    throw new TypeError(`bincount: expects a 1-D int32 tensor, got ${this.dtype} of shape ${formatShape(this.shape)}`);
  }
  if (!Number.isInteger(minlength) || minlength < 0) throw new RangeError(`bincount: minlength must be a non-negative integer, got ${minlength}`);
  const x = this.contiguous().data;
  let max = -1;
  for (let i = 0; i < x.length; i++) {
    if (x[i] < 0) throw new RangeError(`bincount: values must be non-negative, got ${x[i]} at ${i}`);
    if (x[i] > max) max = x[i];
  }
  if (weights !== null && (weights.ndim !== 1 || weights.shape[0] !== x.length)) {
    throw new RangeError(`bincount: weights ${formatShape(weights.shape)} must be 1-D with the input's length ${x.length}`);
  }
  // torch: float32 weights give float32 sums, other weights float64, no weights (or an empty input) int64 (here int32).
  const outType: DType = weights === null || x.length === 0 ? "int32" : weights.dtype === "float32" ? "float32" : "float64";
  const out = allocate(outType, Math.max(minlength, max + 1));
  if (weights === null) for (let i = 0; i < x.length; i++) out[x[i]] += 1;
  else {
    const w = weights.contiguous().data;
    const acc = new Float64Array(out.length);
    for (let i = 0; i < x.length; i++) acc[x[i]] += w[i];
    out.set(acc);
  }
  return new Tensor(out, [out.length]);
};

proto.nonzero = function (this: Tensor): Tensor {
  const src = this.contiguous().data;
  const nd = this.ndim;
  const rows: number[] = [];
  const counter = new Array<number>(nd).fill(0);
  for (let i = 0; i < src.length; i++) {
    if (src[i] !== 0) rows.push(...counter);
    for (let d = nd - 1; d >= 0; d--) {
      if (++counter[d] < this.shape[d]) break;
      counter[d] = 0;
    }
  }
  return new Tensor(Int32Array.from(rows), [nd === 0 ? (src[0] !== 0 ? 1 : 0) : rows.length / nd, nd]);
};
