import type { Storage } from "./dtype";

/**
 * Compute backends. A backend multiplies dense row-major matrices held in typed arrays and may bring its own
 * elementwise loops; lib/tensor never calls a kernel directly, so a faster one (native BLAS) can be dropped in.
 */
export type FloatArray = Float64Array | Float32Array;

export function isFloatArray(x: Storage): x is FloatArray {
  return x instanceof Float64Array || x instanceof Float32Array;
}

/** Both Float64Array or both Float32Array: what a backend's float-only kernels take. */
export function sameFloatType(x: Storage, y: Storage): x is FloatArray {
  return isFloatArray(x) && x.constructor === y.constructor;
}

export interface GemmBackend {
  /** Short name shown to users, e.g. "portable" or "native (OpenBLAS)". */
  readonly name: string;
  /**
   * C = op(A) * op(B), all row-major and densely packed, C overwritten (m x n).
   * op(A) is m x k: A is stored m x k, or k x m when transA. op(B) is k x n: B is stored k x n, or n x k when transB.
   * A, B and C share one element type (all Float64Array or all Float32Array).
   */
  gemm(transA: boolean, transB: boolean, m: number, n: number, k: number, a: FloatArray, b: FloatArray, c: FloatArray): void;
  /** Elementwise loops; without them the portable TypeScript ones run (portable-elementwise.ts). */
  readonly elementwise?: ElementwiseKernels;
}

/** 0 add, 1 sub, 2 mul, 3 div. */
export type ArithOp = number;
/** 4 gt, 5 ge, 6 lt, 7 le. */
export type CompareOp = number;
/** How `b` is read for out[i]: 0 b[i], 1 b[0], 2 b[i % L] (a row vector such as a bias), 3 b[floor(i / L)]. */
export type Broadcast = number;

/**
 * The hot elementwise loops on dense typed arrays (n = out.length). Every implementation computes each value
 * in double precision and rounds it once to the output type, in the same order, so backends agree bit for bit.
 */
export interface ElementwiseKernels {
  /** out[i] = a[i] op b[j], j per `broadcast`; out may be a itself (in place). L: row length for 2 and 3. */
  arith(op: ArithOp, a: FloatArray, b: Storage, out: FloatArray, broadcast: Broadcast, L: number): void;
  /** out[i] = a[i] op s ? 1 : 0. */
  compareScalar(op: CompareOp, a: FloatArray, s: number, out: Uint8Array): void;
  /** y[i] += alpha * x[i] for every i < y.length. */
  axpy(y: FloatArray, x: Storage, alpha: number): void;
  /** out[i] = src[i] limited to [lo, hi]; NaN stays NaN; out may be src. */
  clamp(src: Storage, out: Storage, lo: number, hi: number): void;
  /** out[o * inner + i] = sum over k < size of src[(o * size + k) * inner + i]. */
  sum(src: Storage, out: Storage, outer: number, size: number, inner: number): void;
  /** Sum of src[i] * src[i] (each square and the sum in double, 8 running sums as in `sum`). */
  sumSquares(src: FloatArray): number;
  /** out[i] = Math.exp(src[i]) rounded to out's type (the same values as Math.exp); out may be src. */
  exp(src: FloatArray, out: FloatArray): void;
  /**
   * out[(o * n + j) * inner + i] = src[(o * size + index[j]) * inner + i], n = index.length (Tensor.indexSelect's
   * copies; every index already checked to be in [0, size)). src and out: one storage type.
   */
  indexSelect(src: Storage, index: Int32Array, out: Storage, outer: number, size: number, inner: number): void;
  /**
   * logsumexp's work on packed rows (rows x size, size >= 1): shifts[r] = the row's max (0 when that is +-inf or
   * NaN) and sums[r] = the 8-lane row sum of exp(x - shift), each intermediate stored in the dtype. One type.
   */
  logsumexpRows(src: FloatArray, shifts: FloatArray, sums: FloatArray, rows: number, size: number): void;
}
