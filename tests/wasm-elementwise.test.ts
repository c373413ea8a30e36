// The wasm backend's elementwise kernels (lib/wasm/assembly/elementwise.ts via lib/tensor/wasm-elementwise.ts)
// against the portable TypeScript loops: every op, broadcast mode, size tail, in-place use, sum layout and the
// memory-cap fallback must give bit-identical results, and Tensor ops the same bits on both backends.
import { afterAll, describe, expect, it } from "vitest";
import { Generator, randn, setBackend, tensor, type Tensor } from "../lib/tensor";
import type { ElementwiseKernels } from "../lib/tensor/backend";
import { getBackend } from "../lib/tensor/backends";
import type { Storage } from "../lib/tensor/dtype";
import { portableElementwise as portable } from "../lib/tensor/portable-elementwise";
import { loadWasmBackend, setWasmMemoryLimit } from "../lib/tensor/wasm-backend";
import { WASM_MIN_ELEMENTS } from "../lib/tensor/wasm-elementwise";
import { FLOATS, firstDiff, mask, sameBits, values, type FloatCtor } from "./array-helpers";

const loaded = loadWasmBackend();
if (!loaded.backend) throw new Error(`wasm backend unavailable: ${loaded.reason}`);
const kernels: ElementwiseKernels = loaded.backend.elementwise!;

// At and above the threshold, with odd row lengths so every SIMD tail runs; one below it (the portable path).
const SIZES: Array<[rows: number, L: number]> = [[1, WASM_MIN_ELEMENTS], [1, 2049], [33, 67], [61, 167], [200, 100], [7, 2053], [2051, 1], [3, 7]];
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

    it(`arith in place (out = a, out = b) on ${A.name}`, () => {
      const rows = 61, L = 67, n = rows * L;
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
        const b = values(A, n, 50 + op);
        const wantB = new A(n);
        portable.arith(op, a, b, wantB, 0, L);
        const intoB = b.slice();
        kernels.arith(op, a, intoB, intoB, 0, L); // out is b
        expectSame(intoB, wantB, `op ${op} out = b`);
      }
    });

    it(`compareScalar, axpy, clamp on ${A.name}, in place too`, () => {
      let seed = 100;
      for (const [rows, L] of SIZES) {
        const n = rows * L;
        const a = values(A, n, seed++);
        for (const op of [4, 5, 6, 7]) {
          const want = new Uint8Array(n);
          portable.compareScalar(op, a, 0.5, want);
          const got = new Uint8Array(n).fill(9);
          kernels.compareScalar(op, a, 0.5, got);
          expectSame(got, want, `cmp ${op}`);
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
      const layouts = [[1, 2048, 1], [1, 2055, 1], [1, 307200, 1], [200, 100, 1], [1, 200, 100], [3, 50, 17], [4, 700, 3], [2, 1, 2049], [5, 3, 1001], [1, 1, 4096]];
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
      portable.arith(2, a, b, want, 0, n);
      kernels.arith(2, a, b, got, 0, n);
      expectSame(got, want, "capped arith");
      expect(Object.is(kernels.sumSquares(a), portable.sumSquares(a))).toBe(true);
    } finally {
      setWasmMemoryLimit(previous);
    }
  });

  describe("Tensor ops give the same bits on the wasm and the portable backend", () => {
    const initial = getBackend();
    afterAll(() => {
      setBackend(initial === loaded.backend ? "wasm" : initial.name.startsWith("native") ? "native" : "portable");
    });

    function same(label: string, f: () => Tensor[]): void {
      setBackend("portable");
      const want = f();
      setBackend("wasm");
      const got = f();
      want.forEach((w, i) => {
        expect(got[i].shape, label).toEqual(w.shape);
        expectSame(got[i].contiguous().data, w.contiguous().data, `${label} #${i}`);
      });
    }

    for (const dtype of ["float64", "float32"] as const) {
      it(`a two-layer training step's elementwise work (${dtype})`, () => {
        same(`net ${dtype}`, () => {
          const g = new Generator("wasm-parity");
          const X = randn([200, 300], { dtype, generator: g });
          const W1 = randn([300, 50], { dtype, generator: g }).mul_(0.05);
          const b1 = randn([50], { dtype, generator: g });
          const y = tensor(Array.from({ length: 200 }, (_, i) => (i * 7) % 10), { dtype: "int32" });
          // Matmul rounding differs between backends, so each elementwise op gets the same inputs on both.
          const h0 = randn([200, 50], { dtype, generator: g });
          const hidden = h0.add(b1).clamp_({ min: 0 });
          const scores = randn([200, 12], { dtype, generator: g });
          const shifted = scores.sub(scores.max(1, true).values);
          const probs = shifted.exp().div(shifted.exp().sum(1, true));
          const dscores = probs.clone().scatterAdd_(1, y, -1).div_(200);
          const masked = h0.mul(h0.gt(0));
          const reg = W1.mul(W1).sum();
          const dW1 = W1.clone().add_(randn([300, 50], { dtype, generator: g }), 1e-3);
          const upd = W1.clone().add_(dW1, -0.1);
          return [hidden, probs, dscores, masked, reg, dW1, upd, dscores.sum(0), masked.sum(0), masked.sum(1), X.sum(), X.mul(2).sub(1).div(3)];
        });
      });
    }
  });
});
