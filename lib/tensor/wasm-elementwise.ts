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
/**
 * Elementwise ops on longer arrays run in pieces of this many elements (128 KiB of float64): each piece's copies
 * in, its loop and its copy out stay in cache, where one copy of a whole 12 MB weight matrix goes through memory
 * three times. Every element depends only on its own inputs, so the pieces compute the same bits.
 */
export const WASM_CHUNK_ELEMENTS = 16384;

/** The module's elementwise exports; pointers are byte offsets into its memory. */
export interface ElementwiseExports {
  darith(op: number, a: number, b: number, s: number, out: number, n: number, broadcast: number, L: number): void;
  sarith(op: number, a: number, b: number, s: number, out: number, n: number, broadcast: number, L: number): void;
  /** out[i] = a[i] op s ? 1 : 0 as bytes; op 4 gt, 5 ge, 6 lt, 7 le. */
  dcompare(op: number, a: number, s: number, out: number, n: number): void;
  scompare(op: number, a: number, s: number, out: number, n: number): void;
  /** out[i] = a[i] op m[i] for bytes m (a bool mask), same length. */
  dmaskArith(op: number, a: number, m: number, out: number, n: number): void;
  smaskArith(op: number, a: number, m: number, out: number, n: number): void;
  daxpy(y: number, x: number, n: number, alpha: number): void;
  saxpy(y: number, x: number, n: number, alpha: number): void;
  dclamp(src: number, out: number, n: number, lo: number, hi: number): void;
  sclamp(src: number, out: number, n: number, lo: number, hi: number): void;
  dsum(src: number, out: number, outer: number, size: number, inner: number, acc: number): void;
  ssum(src: number, out: number, outer: number, size: number, inner: number, acc: number): void;
  /** One piece of a long sum (of squares when squares = 1); flags are 0/1. See sumPiece in elementwise.ts. */
  dsumPiece(x: number, n: number, lanes: number, squares: number, first: number, last: number): number;
  ssumPiece(x: number, n: number, lanes: number, squares: number, first: number, last: number): number;
}

/** Makes the module memory at least `bytes` long and returns its buffer, or null when that is over the cap. */
export type ReserveMemory = (bytes: number) => ArrayBuffer | null;

/**
 * Calls step(from, len) for consecutive pieces [from, from + len) of n elements, each at most `piece` long, and
 * copies each piece's result back: `result` is the module view the step leaves it in, `out` where it goes.
 */
function inPieces<A extends FloatArray | Uint8Array>(n: number, piece: number, result: A, out: A, step: (from: number, len: number) => void): void {
  for (let from = 0; from < n; from += piece) {
    const len = Math.min(piece, n - from);
    step(from, len);
    out.set(len === piece ? result : result.subarray(0, len), from);
  }
}

/** Byte offsets in the module memory start on 16-byte boundaries (where a v128 load is fastest). */
export function align(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}

export function wasmElementwise(k: ElementwiseExports, reserve: ReserveMemory): ElementwiseKernels {
  const portable = portableElementwise;
  const viewOf = (like: FloatArray, buffer: ArrayBuffer, at: number, n: number): FloatArray =>
    like instanceof Float64Array ? new Float64Array(buffer, at, n) : new Float32Array(buffer, at, n);

  /**
   * The sum of src's elements (of their squares when `squares`) with the portable loops' bits, fed through the
   * module in pieces (a multiple of 8 elements each, the running sums kept in the module between them); null when
   * the memory cap leaves no room.
   */
  const piecewiseSum = (src: FloatArray, squares: boolean): number | null => {
    const n = src.length;
    const m = Math.min(n, WASM_CHUNK_ELEMENTS);
    const lanesAt = align(m * src.BYTES_PER_ELEMENT);
    const buffer = reserve(lanesAt + 64);
    if (buffer === null) return null;
    const piece = viewOf(src, buffer, 0, m);
    const run = src instanceof Float64Array ? k.dsumPiece : k.ssumPiece;
    let total = 0;
    for (let from = 0; from < n; from += m) {
      const len = Math.min(m, n - from);
      piece.set(src.subarray(from, from + len));
      total = run(0, len, lanesAt, squares ? 1 : 0, from === 0 ? 1 : 0, from + len === n ? 1 : 0);
    }
    return total;
  };

  /** out[i] = a[i] op mask[i] (a bool tensor's bytes), piece by piece; the portable loop's bits. */
  const maskArith = (op: number, a: FloatArray, mask: Uint8Array, out: FloatArray): void => {
    const n = out.length;
    const m = Math.min(n, WASM_CHUNK_ELEMENTS);
    const maskAt = align(m * out.BYTES_PER_ELEMENT);
    const buffer = reserve(maskAt + m);
    if (buffer === null) return portable.arith(op, a, mask, out, 0, 0);
    const inA = viewOf(out, buffer, 0, m), inMask = new Uint8Array(buffer, maskAt, m);
    const run = out instanceof Float64Array ? k.dmaskArith : k.smaskArith;
    inPieces(n, m, inA, out, (from, len) => {
      inA.set(a.subarray(from, from + len));
      inMask.set(mask.subarray(from, from + len));
      run(op, 0, maskAt, 0, len);
    });
  };

  return {
    arith(op, a, b, out, broadcast, L) {
      const n = out.length;
      const scalar = broadcast === SCALAR;
      // b is read in the module as a's element type (a scalar is passed as a number); b === out with a row or
      // column broadcast would be overwritten while still read, in the portable loop too, so it keeps that loop.
      if (n >= WASM_MIN_ELEMENTS && broadcast === 0 && b instanceof Uint8Array && sameFloatType(a, out)) return maskArith(op, a, b, out);
      const fits = n >= WASM_MIN_ELEMENTS && sameFloatType(a, out) && (scalar || (sameFloatType(b, a) && !(b === out && broadcast > 1)));
      if (!fits) return portable.arith(op, a, b, out, broadcast, L);
      const elem = out.BYTES_PER_ELEMENT;
      const run = elem === 8 ? k.darith : k.sarith;
      // x op x (W.mul(W) before a sum) reads one copy twice: each out[i] reads both operands' i-th value first.
      const selfOp = b === a && broadcast === 0;
      const s = scalar ? b[0] : 0;
      if (broadcast === 0 || scalar) {
        // Same shape or a scalar: piece by piece (out may be a or b: a piece reads only its own elements first).
        const m = Math.min(n, WASM_CHUNK_ELEMENTS);
        const bAt = selfOp || scalar ? 0 : align(m * elem); // the module reads b from bAt, and a scalar from s
        const buffer = reserve(bAt + align(m * elem));
        if (buffer === null) return portable.arith(op, a, b, out, broadcast, L);
        const inA = viewOf(out, buffer, 0, m), inB = selfOp || scalar ? null : viewOf(out, buffer, bAt, m);
        inPieces(n, m, inA, out, (from, len) => {
          inA.set(a.subarray(from, from + len));
          inB?.set((b as FloatArray).subarray(from, from + len));
          run(op, 0, bAt, s, 0, len, broadcast, L);
        });
        return;
      }
      const bn = broadcast === 2 ? L : n / L;
      const aBytes = align(n * elem);
      const buffer = reserve(aBytes + align(bn * elem));
      if (buffer === null) return portable.arith(op, a, b, out, broadcast, L);
      const inA = viewOf(out, buffer, 0, n);
      inA.set(a.subarray(0, n));
      viewOf(out, buffer, aBytes, bn).set((b as FloatArray).subarray(0, bn));
      // The result overwrites a's copy in place (each out[i] reads only a[i] and b).
      run(op, 0, aBytes, 0, 0, n, broadcast, L);
      out.set(inA);
    },
    compareScalar(op, a, s, out) {
      const n = out.length;
      if (n < WASM_MIN_ELEMENTS) return portable.compareScalar(op, a, s, out);
      const m = Math.min(n, WASM_CHUNK_ELEMENTS);
      const outAt = align(m * a.BYTES_PER_ELEMENT);
      const buffer = reserve(outAt + m);
      if (buffer === null) return portable.compareScalar(op, a, s, out);
      const inA = viewOf(a, buffer, 0, m), result = new Uint8Array(buffer, outAt, m);
      const run = a instanceof Float64Array ? k.dcompare : k.scompare;
      inPieces(n, m, result, out, (from, len) => {
        inA.set(a.subarray(from, from + len));
        run(op, 0, s, outAt, len);
      });
    },
    axpy(y, x, alpha) {
      const n = y.length;
      if (n < WASM_MIN_ELEMENTS || !sameFloatType(x, y)) return portable.axpy(y, x, alpha);
      const elem = y.BYTES_PER_ELEMENT;
      const m = Math.min(n, WASM_CHUNK_ELEMENTS);
      const xAt = align(m * elem);
      const buffer = reserve(xAt + m * elem);
      if (buffer === null) return portable.axpy(y, x, alpha);
      const inY = viewOf(y, buffer, 0, m), inX = viewOf(y, buffer, xAt, m);
      inPieces(n, m, inY, y, (from, len) => {
        inY.set(y.subarray(from, from + len));
        inX.set((x as FloatArray).subarray(from, from + len));
        (elem === 8 ? k.daxpy : k.saxpy)(0, xAt, len, alpha);
      });
    },
    clamp(src, out, lo, hi) {
      const n = out.length;
      if (n < WASM_MIN_ELEMENTS || !sameFloatType(out, src)) return portable.clamp(src, out, lo, hi);
      const m = Math.min(n, WASM_CHUNK_ELEMENTS);
      const buffer = reserve(m * out.BYTES_PER_ELEMENT);
      if (buffer === null) return portable.clamp(src, out, lo, hi);
      const inSrc = viewOf(out, buffer, 0, m);
      inPieces(n, m, inSrc, out, (from, len) => {
        inSrc.set((src as FloatArray).subarray(from, from + len));
        (out instanceof Float64Array ? k.dclamp : k.sclamp)(0, 0, len, lo, hi);
      });
    },
    sum(src, out, outer, size, inner) {
      const n = outer * size * inner;
      if (n < WASM_MIN_ELEMENTS || !sameFloatType(out, src)) return portable.sum(src, out, outer, size, inner);
      if (outer === 1 && inner === 1) {
        // A whole-tensor sum: in pieces, like the elementwise ops (out[0] = the total, rounded as it is stored).
        const total = piecewiseSum(src as FloatArray, false);
        if (total === null) return portable.sum(src, out, outer, size, inner);
        out[0] = total;
        return;
      }
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
      const total = src.length < WASM_MIN_ELEMENTS ? null : piecewiseSum(src, true);
      return total ?? portable.sumSquares(src);
    },
    // Math.exp in TypeScript: WebAssembly has no exp instruction, and a port would have to match V8's bits
    exp: portable.exp,
    indexSelect: portable.indexSelect,
    logsumexpRows: portable.logsumexpRows,
  };
}
