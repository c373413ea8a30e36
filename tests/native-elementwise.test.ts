// The native elementwise kernels (lib/native/src/elementwise.c) against the portable TypeScript loops: every
// op, broadcast mode, dtype pairing and size must give bit-identical results, through the raw addon, through
// the backend's kernel set (which keeps small arrays in TypeScript) and through Tensor methods. Skipped without
// the addon unless REQUIRE_NATIVE_BACKEND=1 (CI).
import { describe, expect, it } from "vitest";
import type { Storage } from "../lib/tensor/dtype";
import { loadNativeBackend, NATIVE_MIN_ELEMENTS } from "../lib/tensor/native-backend";
import { portableElementwise as portable } from "../lib/tensor/portable-elementwise";
import { FLOATS, firstDiff, mask, sameBits, values, type FloatCtor } from "./array-helpers";
import { expectSameOnBackends, restoreBackendAfterAll, twoLayerStepTensors } from "./backend-parity";

const loaded = loadNativeBackend();
const required = process.env.REQUIRE_NATIVE_BACKEND === "1";
const run = Boolean(loaded.backend) || required;

/** The addon's raw functions (no size threshold, no fallback), loaded from the same file as the backend. */
interface RawAddon {
  arith(...args: unknown[]): void;
  compareScalar(...args: unknown[]): void;
  axpy(...args: unknown[]): void;
  clamp(...args: unknown[]): void;
  sum(...args: unknown[]): void;
  exp(...args: unknown[]): void;
  logsumexpRows(...args: unknown[]): void;
}

function rawAddon(): RawAddon {
  if (!loaded.backend) throw new Error(`native backend unavailable: ${loaded.reason}`);
  const m = { exports: {} as unknown };
  process.dlopen(m, loaded.backend.addonPath);
  return m.exports as RawAddon;
}

// Sizes below, at and above the native threshold, with odd row lengths so tails are exercised.
const SIZES: Array<[rows: number, L: number]> = [[1, 1], [3, 7], [1, 1023], [8, 128], [33, 31], [1, 1031], [200, 100], [61, 167]];
const OPS = [0, 1, 2, 3];
const CMP = [4, 5, 6, 7];

describe.skipIf(!run)("native elementwise kernels match the portable loops bit for bit", () => {
  const addon = run ? rawAddon() : (null as unknown as RawAddon);
  const kernels = run ? loaded.backend!.elementwise! : portable;

  it("the native backend brings its own kernels and the threshold is sensible", () => {
    expect(loaded.backend!.elementwise).toBeDefined();
    expect(NATIVE_MIN_ELEMENTS).toBeGreaterThan(0);
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
              const raw = new A(n).fill(7);
              addon.arith(op, a, b, raw, broadcast, L);
              const viaKernels = new A(n);
              kernels.arith(op, a, b, viaKernels, broadcast, L);
              const ctx = `op ${op} broadcast ${broadcast} rows ${rows} L ${L}`;
              expect(sameBits(raw, want), `${ctx}: ${firstDiff(raw, want)}`).toBe(true);
              expect(sameBits(viaKernels, want), ctx).toBe(true);
            }
          }
        }
      });
    }

    it(`arith in place (out = a) and out = b on ${A.name}`, () => {
      const n = 2048;
      for (const op of OPS) {
        const a = values(A, n, 10 + op);
        const want = new A(n);
        portable.arith(op, a, a, want, 0, n);
        const inPlace = a.slice();
        addon.arith(op, inPlace, inPlace, inPlace, 0, n); // x.op_(x)
        expect(sameBits(inPlace, want)).toBe(true);
      }
    });

    it(`compareScalar, axpy, clamp on ${A.name}`, () => {
      let seed = 100;
      for (const [rows, L] of SIZES) {
        const n = rows * L;
        const a = values(A, n, seed++);
        for (const op of CMP) {
          for (const s of [0, 0.5, -Infinity, Number.NaN]) {
            const want = new Uint8Array(n);
            portable.compareScalar(op, a, s, want);
            const got = new Uint8Array(n).fill(9);
            addon.compareScalar(op, a, s, got);
            expect(sameBits(got, want), `cmp ${op} ${s}`).toBe(true);
          }
        }
        for (const X of FLOATS) {
          const x = values(X, n, seed++);
          for (const alpha of [1, -1e-3, 2.5e-7]) {
            const want = a.slice();
            portable.axpy(want, x, alpha);
            const got = a.slice();
            addon.axpy(got, x, alpha);
            expect(sameBits(got, want), `axpy ${A.name} += ${alpha} * ${X.name} n ${n}: ${firstDiff(got, want)}`).toBe(true);
          }
        }
        for (const [lo, hi] of [[0, Infinity], [-Infinity, 1], [-0.5, 0.25], [0.1, 0.1]]) {
          const want = new A(n);
          portable.clamp(a, want, lo, hi);
          const got = new A(n);
          addon.clamp(a, got, lo, hi);
          expect(sameBits(got, want), `clamp [${lo}, ${hi}]`).toBe(true);
          const inPlace = a.slice();
          addon.clamp(inPlace, inPlace, lo, hi);
          expect(sameBits(inPlace, want)).toBe(true);
        }
      }
    });

    it(`sum along every layout on ${A.name} (8 running sums, in the same order)`, () => {
      let seed = 200;
      for (const [outer, size, inner] of [[1, 1, 1], [1, 7, 1], [1, 9, 1], [1, 307200, 1], [200, 100, 1], [1, 200, 100], [3, 50, 17], [4, 0, 3], [2, 1, 1024]]) {
        const src = values(A, outer * size * inner, seed++, false);
        const want = new A(outer * inner);
        portable.sum(src, want, outer, size, inner);
        const got = new A(outer * inner).fill(5);
        addon.sum(src, got, outer, size, inner);
        expect(sameBits(got, want), `sum ${outer}x${size}x${inner}: ${firstDiff(got, want)}`).toBe(true);
      }
    });
  }

  /** Inputs for exp: every bit pattern class, the range that matters, and dense runs at each bound of fdlibm's cases. */
  function expInputs(): Float64Array {
    // 0.5 ln2 and 1.5 ln2, the doubles fdlibm compares high words with, 2^-28, the vector range (707) and past it
    const bounds = [0.34657359027997264, 0.3465735912322998, 1.0397207708399179, 1.0397205352783203, 2 ** -28, 707, 708, 709, 709.782712893384, 745.1332191019411, 1];
    const specials = [0, -0, Infinity, -Infinity, Number.NaN, 5e-324, -5e-324, 1e-300, 709.79, -745.14, -708.4, 2, 10];
    const n = 400_000;
    const x = new Float64Array(n + specials.length + bounds.length * 2 * 2001);
    const words = new Uint32Array(x.buffer, 0, n); // the first n / 2 doubles: random bit patterns (NaN payloads too)
    let s = 12345;
    const next = () => (s = (Math.imul(s, 1103515245) + 12345) >>> 0);
    for (let i = 0; i < n; i++) words[i] = next();
    for (let i = n / 2; i < n; i++) x[i] = (next() / 2 ** 32 - 0.5) * 1500 * 2 ** -(next() % 40);
    let at = n;
    for (const v of specials) x[at++] = v;
    for (const b of bounds) {
      for (const sign of [1, -1]) {
        for (let k = -1000; k <= 1000; k++) x[at++] = sign * b * (1 + k * 2 ** -50);
      }
    }
    return x;
  }

  for (const A of FLOATS) {
    it(`exp gives Math.exp's bits on ${A.name} (fdlibm's algorithm, vectorized), also in place`, () => {
      const src = A.from(expInputs());
      const want = new A(src.length);
      for (let i = 0; i < src.length; i++) want[i] = Math.exp(src[i]);
      const got = new A(src.length).fill(7);
      addon.exp(src, got);
      expect(sameBits(got, want), `exp: ${firstDiff(got, want)}`).toBe(true);
      addon.exp(src, src);
      expect(sameBits(src, want), `exp in place: ${firstDiff(src, want)}`).toBe(true);
      const one = new Float64Array([1, -1]);
      addon.exp(one, one);
      expect([one[0], one[1]]).toEqual([Math.E, Math.exp(-1)]); // V8 returns Math.E for exp(1); fdlibm's steps give the double above it
    });
  }

  it("the 8-lane row sum is more accurate than a plain running sum", () => {
    // 1 + many tiny values: a single running sum loses them, 8 running sums keep most.
    const x = new Float64Array(1 + 8 * 100000).fill(1e-16);
    x[0] = 1;
    const out = new Float64Array(1);
    portable.sum(x, out, 1, x.length, 1);
    let plain = 0;
    for (let i = 0; i < x.length; i++) plain += x[i];
    const exact = 1 + 8e-11;
    expect(Math.abs(out[0] - exact)).toBeLessThan(Math.abs(plain - exact));
  });

  describe("Tensor ops give the same bits on the native and the portable backend", () => {
    restoreBackendAfterAll();
    for (const dtype of ["float64", "float32"] as const) {
      it(`a two-layer training step (${dtype})`, () => {
        expectSameOnBackends("native", `net ${dtype}`, () => twoLayerStepTensors(dtype, 64, 10));
      });
    }
  });
});

describe.skipIf(!run)("native elementwise argument checks", () => {
  const addon = run ? rawAddon() : (null as unknown as RawAddon);
  const f64 = (n: number) => new Float64Array(n);
  const f32 = (n: number) => new Float32Array(n);

  it("rejects wrong types with TypeError naming the argument", () => {
    expect(() => addon.arith(0, [1, 2], f64(2), f64(2), 0, 2)).toThrow(/arith: a must be a Float64Array or Float32Array, got Array/);
    expect(() => addon.arith(0, f64(2), new Int32Array(2), f64(2), 0, 2)).toThrow(TypeError);
    expect(() => addon.arith(0, f64(2), f64(2), f32(2), 0, 2)).toThrow(/same element type/);
    expect(() => addon.axpy(f64(2), "x", 1)).toThrow(/axpy: x must be/);
    expect(() => addon.clamp(f64(2), f32(2), 0, 1)).toThrow(TypeError);
    expect(() => addon.compareScalar(4, f64(2), 0, f64(2))).toThrow(/out must be a Uint8Array/);
    expect(() => addon.sum(f64(4), f32(2), 2, 2, 1)).toThrow(TypeError);
    expect(() => addon.arith(0, f64(2))).toThrow(/arith expects 6 arguments/);
    expect(() => addon.exp(f64(2), f32(2))).toThrow(/exp: src and out must have the same element type/);
    expect(() => addon.exp([1, 2], f64(2))).toThrow(/exp: src must be a Float64Array or Float32Array, got Array/);
    expect(() => addon.logsumexpRows(f64(4), f32(2), f64(2), 2, 2)).toThrow(/logsumexpRows: src and shifts must have the same element type/);
    expect(() => addon.logsumexpRows(f64(4), f64(2), new Int32Array(2), 2, 2)).toThrow(/sums must be a Float64Array/);
  });

  it("rejects bad sizes, codes and overlapping memory with RangeError", () => {
    expect(() => addon.arith(9, f64(4), f64(4), f64(4), 0, 4)).toThrow(/op must be 0..3/);
    expect(() => addon.arith(0, f64(4), f64(4), f64(4), 7, 4)).toThrow(/broadcast must be 0..3/);
    expect(() => addon.arith(0, f64(6), f64(4), f64(6), 2, 4)).toThrow(/L = 4 must be positive and divide/);
    expect(() => addon.arith(0, f64(6), f64(2), f64(6), 0, 6)).toThrow(/b has 2 elements but needs 6/);
    expect(() => addon.arith(0, f64(3), f64(6), f64(6), 0, 6)).toThrow(/a has 3 elements but needs 6/);
    const buf = f64(10);
    expect(() => addon.arith(0, buf.subarray(0, 6), f64(6), buf.subarray(2, 8), 0, 6)).toThrow(/out must be a itself/);
    const row = f64(8);
    expect(() => addon.arith(0, f64(8), row.subarray(0, 4), row, 2, 4)).toThrow(/out must not share memory with b/);
    expect(() => addon.axpy(buf.subarray(0, 5), buf.subarray(3, 8), 1)).toThrow(/must be the same array or not overlap/);
    expect(() => addon.sum(buf.subarray(0, 6), buf.subarray(5, 8), 3, 2, 1)).toThrow(/out must not share memory/);
    expect(() => addon.sum(f64(5), f64(3), 3, 2, 1)).toThrow(/src has 5 elements but needs 6/);
    expect(() => addon.sum(f64(6), f64(3), 3, 2, -1)).toThrow(/inner must be an integer/);
    expect(() => addon.exp(f64(3), f64(4))).toThrow(RangeError);
    expect(() => addon.exp(buf.subarray(0, 6), buf.subarray(2, 8))).toThrow(/exp: out must be src itself or not overlap it/);
    expect(() => addon.logsumexpRows(f64(5), f64(2), f64(2), 2, 3)).toThrow(/src has 5 elements but needs 6/);
    expect(() => addon.logsumexpRows(f64(6), f64(1), f64(2), 2, 3)).toThrow(/shifts has 1 elements but needs 2/);
    expect(() => addon.logsumexpRows(f64(6), f64(2), f64(2), 2, 0)).toThrow(/size must be at least 1/);
    expect(() => addon.logsumexpRows(buf.subarray(0, 6), buf.subarray(5, 7), f64(2), 2, 3)).toThrow(/must not share memory/);
  });

  it("leaves everything past n alone and accepts empty arrays", () => {
    const out = f64(6).fill(-1);
    addon.arith(0, f64(6).fill(1), f64(1).fill(2), out.subarray(0, 4), 1, 4);
    expect(Array.from(out)).toEqual([3, 3, 3, 3, -1, -1]);
    addon.arith(0, f64(0), f64(0), f64(0), 0, 0);
    addon.axpy(f64(0), f64(0), 1);
    addon.sum(f64(0), f64(0), 0, 5, 1);
  });
});
