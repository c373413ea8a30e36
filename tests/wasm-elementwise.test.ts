// The wasm backend's elementwise kernels (lib/wasm/assembly/elementwise.ts via lib/tensor/wasm-elementwise.ts)
// against the portable TypeScript loops: every op, broadcast mode, size tail, in-place use, sum layout and the
// memory-cap fallback must give bit-identical results, and Tensor ops the same bits on both backends.
import { describe, expect, it } from "vitest";
import type { ElementwiseKernels } from "../lib/tensor/backend";
import type { Storage } from "../lib/tensor/dtype";
import { portableElementwise as portable } from "../lib/tensor/portable-elementwise";
import { loadWasmBackend, setWasmMemoryLimit } from "../lib/tensor/wasm-backend";
import { WASM_CHUNK_ELEMENTS, WASM_MIN_ELEMENTS } from "../lib/tensor/wasm-elementwise";
import { FLOATS, firstDiff, mask, sameBits, values, type FloatCtor } from "./array-helpers";
import { expectSameOnBackends, restoreBackendAfterAll, twoLayerStepTensors } from "./backend-parity";

const loaded = loadWasmBackend();
if (!loaded.backend) throw new Error(`wasm backend unavailable: ${loaded.reason}`);
const kernels: ElementwiseKernels = loaded.backend.elementwise!;

// At and above the threshold, with odd row lengths so every SIMD tail runs; one below it (the portable path);
// over one piece (200 x 100) and over three with a tail that splits a row (3 x (piece + 5)).
const SIZES: Array<[rows: number, L: number]> = [
  [1, WASM_MIN_ELEMENTS], [1, 2049], [33, 67], [61, 167], [200, 100], [7, 2053], [2051, 1], [3, 7], [3, WASM_CHUNK_ELEMENTS + 5],
];
const OPS = [0, 1, 2, 3];

function expectSame(got: Storage, want: Storage, what: string): void {
  expect(sameBits(got, want), `${what}: ${firstDiff(got, want)}`).toBe(true);
}

describe("wasm elementwise kernels match the portable loops bit for bit", () => {
  it("the wasm backend brings its own elementwise kernels", () => {
    expect(kernels).toBeDefined();
    expect(kernels.arith).not.toBe(portable.arith);
  });

  for (const A of FLOATS) {
    for (const B of [Float64Array, Float32Array, Uint8Array] as const) {
      it(`arith: ${A.name} op ${B.name}, every op and broadcast mode`, () => {
        let seed = 1;
        for (const [rows, L] of SIZES) {
          const n = rows * L;
          const a = values(A, n, seed++);
          const bLen = { 0: n, 1: 1, 2: L, 3: rows };
          for (const broadcast of [0, 1, 2, 3] as const) {
            const b: Storage = B === Uint8Array ? mask(bLen[broadcast], seed++) : values(B as FloatCtor, bLen[broadcast], seed++);
            for (const op of OPS) {
              const want = new A(n);
              portable.arith(op, a, b, want, broadcast, L);
              const got = new A(n).fill(7);
              kernels.arith(op, a, b, got, broadcast, L);
              expectSame(got, want, `op ${op} broadcast ${broadcast} rows ${rows} L ${L}`);
            }
          }
        }
      });
    }

    it(`arith in place (out = a, out = b) on ${A.name}, within one piece and over several`, () => {
      for (const [rows, L] of [[61, 67], [3, WASM_CHUNK_ELEMENTS + 5]]) {
        const n = rows * L;
        for (const op of OPS) {
          for (const broadcast of [0, 1, 2, 3]) {
            const a = values(A, n, 10 + op);
            const b = values(A, [n, 1, L, rows][broadcast], 30 + op);
            const want = new A(n);
            portable.arith(op, a, b, want, broadcast, L);
            const inPlace = a.slice();
            kernels.arith(op, inPlace, b, inPlace, broadcast, L); // a.op_(b)
            expectSame(inPlace, want, `op ${op} broadcast ${broadcast} in place`);
          }
          const a = values(A, n, 40 + op);
          const want = new A(n);
          portable.arith(op, a, a, want, 0, L);
          const self = a.slice();
          kernels.arith(op, self, self, self, 0, L); // x.op_(x)
          expectSame(self, want, `op ${op} x op= x`);
          const squared = new A(n).fill(Number.NaN);
          kernels.arith(op, a, a, squared, 0, L); // x.op(x), e.g. W.mul(W): one copy read as both operands
          expectSame(squared, want, `op ${op} x op x`);
          const b = values(A, n, 50 + op);
          const wantB = new A(n);
          portable.arith(op, a, b, wantB, 0, L);
          const intoB = b.slice();
          kernels.arith(op, a, intoB, intoB, 0, L); // out is b
          expectSame(intoB, wantB, `op ${op} out = b`);
          const m = mask(n, 60 + op);
          const wantMasked = new A(n);
          portable.arith(op, a, m, wantMasked, 0, L);
          const masked = a.slice();
          kernels.arith(op, masked, m, masked, 0, L); // x.mul_(x.gt(0)): a bool mask's bytes
          expectSame(masked, wantMasked, `op ${op} by a mask in place`);
        }
      }
    });

    it(`compareScalar, axpy, clamp on ${A.name}, in place too`, () => {
      let seed = 100;
      for (const [rows, L] of SIZES) {
        const n = rows * L;
        const a = values(A, n, seed++);
        // 0.1 is not a float32 value: float32 elements are compared with it in double, as in JavaScript.
        for (const op of [4, 5, 6, 7]) {
          for (const s of [0.5, 0, 0.1, Number.NaN, -Infinity]) {
            const want = new Uint8Array(n);
            portable.compareScalar(op, a, s, want);
            const got = new Uint8Array(n).fill(9);
            kernels.compareScalar(op, a, s, got);
            expectSame(got, want, `cmp ${op} ${s} n ${n}`);
          }
        }
        for (const X of FLOATS) {
          const x = values(X, n, seed++);
          for (const alpha of [1, -1e-3, 2.5e-7, Number.NaN]) {
            const want = a.slice();
            portable.axpy(want, x, alpha);
            const got = a.slice();
            kernels.axpy(got, x, alpha);
            expectSame(got, want, `axpy ${A.name} += ${alpha} * ${X.name} n ${n}`);
          }
        }
        for (const [lo, hi] of [[0, Infinity], [-Infinity, 1], [-0.5, 0.25], [0.1, 0.1], [0, 0]]) {
          const want = new A(n);
          portable.clamp(a, want, lo, hi);
          const got = new A(n);
          kernels.clamp(a, got, lo, hi);
          expectSame(got, want, `clamp [${lo}, ${hi}] n ${n}`);
          const inPlace = a.slice();
          kernels.clamp(inPlace, inPlace, lo, hi);
          expectSame(inPlace, want, `clamp in place [${lo}, ${hi}]`);
        }
      }
    });

    it(`sum along every layout and sumSquares on ${A.name} (8 running sums, in the same order)`, () => {
      let seed = 200;
      // Whole sums over one piece exactly, over several (the running sums carried between them) and with a tail after the last piece.
      const layouts = [[1, 2048, 1], [1, 2055, 1], [1, 307200, 1], [1, WASM_CHUNK_ELEMENTS, 1], [1, 2 * WASM_CHUNK_ELEMENTS + 13, 1], [200, 100, 1], [1, 200, 100], [3, 50, 17], [4, 700, 3], [2, 1, 2049], [5, 3, 1001], [1, 1, 4096]];
      for (const [outer, size, inner] of layouts) {
        for (const special of [false, true]) {
          const src = values(A, outer * size * inner, seed++, special);
          const want = new A(outer * inner);
          portable.sum(src, want, outer, size, inner);
          const got = new A(outer * inner).fill(5);
          kernels.sum(src, got, outer, size, inner);
          expectSame(got, want, `sum ${outer}x${size}x${inner}`);
          const sq = kernels.sumSquares(src), sqWant = portable.sumSquares(src);
          expect(Object.is(sq, sqWant), `sumSquares n ${src.length}: ${sq} vs ${sqWant}`).toBe(true);
        }
      }
    });
  }

  it("arrays over the memory cap fall back to the portable loops, with the same bits", () => {
    const n = 40_000; // 320 KB per float64 operand, over a 256 KiB cap
    const a = values(Float64Array, n, 7), b = values(Float64Array, n, 8);
    const previous = setWasmMemoryLimit(256 * 1024);
    try {
      const want = new Float64Array(n), got = new Float64Array(n);
      // A row broadcast (one row of n) copies whole operands; same-shape ops go piece by piece and fit the cap.
      portable.arith(2, a, b, want, 2, n);
      kernels.arith(2, a, b, got, 2, n);
      expectSame(got, want, "capped arith");
      expect(Object.is(kernels.sumSquares(a), portable.sumSquares(a))).toBe(true);
    } finally {
      setWasmMemoryLimit(previous);
    }
  });

  describe("Tensor ops give the same bits on the wasm and the portable backend", () => {
    restoreBackendAfterAll();
    for (const dtype of ["float64", "float32"] as const) {
      it(`a two-layer training step (${dtype})`, () => {
        expectSameOnBackends("wasm", `net ${dtype}`, () => twoLayerStepTensors(dtype, 200, 12));
      });
    }
  });
});
