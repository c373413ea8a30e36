import { sameFloatType, type ElementwiseKernels, type FloatArray } from "./backend";
import { portableElementwise, SCALAR } from "./portable-elementwise";

/**
 * The wasm backend's elementwise loops (lib/wasm/assembly/elementwise.ts): operands are copied into the module
 * memory (a memcpy, about ten times faster than a JavaScript loop over the same elements), computed there with
 * SIMD and copied back. They give the portable loops' bits exactly (same double-precision arithmetic, same
 * summation order). Small arrays, mixed element types and anything over the memory cap stay on the portable loops.
 */

/** Below this many elements the copies and the call cost more than the JavaScript loop. */
export const WASM_MIN_ELEMENTS = 2048;

/** The module's elementwise exports; pointers are byte offsets into its memory. */
export interface ElementwiseExports {
  darith(op: number, a: number, b: number, s: number, out: number, n: number, broadcast: number, L: number): void;
  sarith(op: number, a: number, b: number, s: number, out: number, n: number, broadcast: number, L: number): void;
  daxpy(y: number, x: number, n: number, alpha: number): void;
  saxpy(y: number, x: number, n: number, alpha: number): void;
  dclamp(src: number, out: number, n: number, lo: number, hi: number): void;
  sclamp(src: number, out: number, n: number, lo: number, hi: number): void;
  dsum(src: number, out: number, outer: number, size: number, inner: number, acc: number): void;
  ssum(src: number, out: number, outer: number, size: number, inner: number, acc: number): void;
  dsumSquares(x: number, n: number): number;
  ssumSquares(x: number, n: number): number;
}

/** Makes the module memory at least `bytes` long and returns its buffer, or null when that is over the cap. */
export type ReserveMemory = (bytes: number) => ArrayBuffer | null;

/** Byte offsets in the module memory start on 16-byte boundaries (where a v128 load is fastest). */
export function align(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}

export function wasmElementwise(k: ElementwiseExports, reserve: ReserveMemory): ElementwiseKernels {
  const portable = portableElementwise;
  const viewOf = (like: FloatArray, buffer: ArrayBuffer, at: number, n: number): FloatArray =>
    like instanceof Float64Array ? new Float64Array(buffer, at, n) : new Float32Array(buffer, at, n);

  return {
    arith(op, a, b, out, broadcast, L) {
      const n = out.length;
      const scalar = broadcast === SCALAR;
      // b is read in the module as a's element type (a scalar is passed as a number); b === out with a row or
      // column broadcast would be overwritten while still read, in the portable loop too, so it keeps that loop.
      const fits = n >= WASM_MIN_ELEMENTS && sameFloatType(a, out) && (scalar || (sameFloatType(b, a) && !(b === out && broadcast > 1)));
      if (!fits) return portable.arith(op, a, b, out, broadcast, L);
      const elem = out.BYTES_PER_ELEMENT;
      // x op x (W.mul(W) before a sum) reads one copy twice: each out[i] reads both operands' i-th value first.
      const selfOp = b === a && broadcast === 0;
      const bn = scalar || selfOp ? 0 : broadcast === 0 ? n : broadcast === 2 ? L : n / L;
      const aBytes = align(n * elem);
      const bAt = selfOp ? 0 : aBytes;
      const buffer = reserve(aBytes + align(bn * elem));
      if (buffer === null) return portable.arith(op, a, b, out, broadcast, L);
      const inA = viewOf(out, buffer, 0, n);
      inA.set(a.subarray(0, n));
      if (bn > 0) viewOf(out, buffer, bAt, bn).set((b as FloatArray).subarray(0, bn));
      // The result overwrites a's copy in place (each out[i] reads only a[i] and b).
      (elem === 8 ? k.darith : k.sarith)(op, 0, bAt, scalar ? b[0] : 0, 0, n, broadcast, L);
      out.set(inA);
    },
    compareScalar: portable.compareScalar,
    axpy(y, x, alpha) {
      const n = y.length;
      if (n < WASM_MIN_ELEMENTS || !sameFloatType(x, y)) return portable.axpy(y, x, alpha);
      const elem = y.BYTES_PER_ELEMENT;
      const xAt = align(n * elem);
      const buffer = reserve(xAt + n * elem);
      if (buffer === null) return portable.axpy(y, x, alpha);
      const inY = viewOf(y, buffer, 0, n);
      inY.set(y);
      viewOf(y, buffer, xAt, n).set((x as FloatArray).subarray(0, n));
      (elem === 8 ? k.daxpy : k.saxpy)(0, xAt, n, alpha);
      y.set(inY);
    },
    clamp(src, out, lo, hi) {
      const n = out.length;
      if (n < WASM_MIN_ELEMENTS || !sameFloatType(out, src)) return portable.clamp(src, out, lo, hi);
      const buffer = reserve(n * out.BYTES_PER_ELEMENT);
      if (buffer === null) return portable.clamp(src, out, lo, hi);
      const inSrc = viewOf(out, buffer, 0, n);
      inSrc.set((src as FloatArray).subarray(0, n));
      (out instanceof Float64Array ? k.dclamp : k.sclamp)(0, 0, n, lo, hi);
      out.set(inSrc);
    },
    sum(src, out, outer, size, inner) {
      const n = outer * size * inner;
      if (n < WASM_MIN_ELEMENTS || !sameFloatType(out, src)) return portable.sum(src, out, outer, size, inner);
      const elem = out.BYTES_PER_ELEMENT;
      const outAt = align(n * elem);
      const accAt = align(outAt + outer * inner * elem);
      const buffer = reserve(accAt + inner * 8);
      if (buffer === null) return portable.sum(src, out, outer, size, inner);
      viewOf(out, buffer, 0, n).set((src as FloatArray).subarray(0, n));
      (elem === 8 ? k.dsum : k.ssum)(0, outAt, outer, size, inner, accAt);
      out.set(viewOf(out, buffer, outAt, outer * inner));
    },
    sumSquares(src) {
      const n = src.length;
      const buffer = n < WASM_MIN_ELEMENTS ? null : reserve(n * src.BYTES_PER_ELEMENT);
      if (buffer === null) return portable.sumSquares(src);
      viewOf(src, buffer, 0, n).set(src);
      return (src instanceof Float64Array ? k.dsumSquares : k.ssumSquares)(0, n);
    },
    // Math.exp in TypeScript: WebAssembly has no exp instruction, and a port would have to match V8's bits
    exp: portable.exp,
    indexSelect: portable.indexSelect,
    logsumexpRows: portable.logsumexpRows,
  };
}
