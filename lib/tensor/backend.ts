/**
 * Matrix-multiply backends. A backend multiplies dense row-major matrices held in typed arrays;
 * lib/tensor never calls a kernel directly, so a faster one (native BLAS) can be dropped in.
 */
export type FloatArray = Float64Array | Float32Array;

export interface GemmBackend {
  /** Short name shown to users, e.g. "portable" or "native (OpenBLAS)". */
  readonly name: string;
  /**
   * C = op(A) * op(B), all row-major and densely packed, C overwritten (m x n).
   * op(A) is m x k: A is stored m x k, or k x m when transA. op(B) is k x n: B is stored k x n, or n x k when transB.
   * A, B and C share one element type (all Float64Array or all Float32Array).
   */
  gemm(transA: boolean, transB: boolean, m: number, n: number, k: number, a: FloatArray, b: FloatArray, c: FloatArray): void;
}
