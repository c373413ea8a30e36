// Parity of the native (OpenBLAS) gemm with a plain triple-loop reference, plus argument checking.
// The addon is optional: without it (not built, no OpenBLAS) these tests are skipped with the reason printed,
// unless REQUIRE_NATIVE_BACKEND=1 (set in CI, which installs libopenblas-dev and runs `npm run build:native`).
import { describe, expect, it } from "vitest";
import type { FloatArray } from "../lib/tensor/backend";
import { getNativeThreads, loadNativeBackend, setNativeThreads } from "../lib/tensor/native-backend";
import { rng, sameBits } from "./array-helpers";

const loaded = loadNativeBackend();
const required = process.env.REQUIRE_NATIVE_BACKEND === "1";
if (!loaded.backend && !required) {
  console.warn(`[native-backend.test] skipping the native gemm tests: ${loaded.reason}`);
}

type Ctor = Float64ArrayConstructor | Float32ArrayConstructor;
const DTYPES: Array<{ name: string; Ctor: Ctor; eps: number }> = [
  { name: "float64", Ctor: Float64Array, eps: 2 ** -52 },
  { name: "float32", Ctor: Float32Array, eps: 2 ** -23 },
];

function randomArray(Ctor: Ctor, length: number, rand: () => number): FloatArray {
  const out = new Ctor(length);
  for (let i = 0; i < length; i++) out[i] = rand() * 2 - 1;
  return out;
}

/** Stored (rows x cols, row-major) -> its transpose. */
function transpose(src: FloatArray, rows: number, cols: number): FloatArray {
  const out = src instanceof Float32Array ? new Float32Array(rows * cols) : new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = src[i * cols + j];
  return out;
}

/** Reference C = A*B for logical (untransposed) A (m x k) and B (k x n), in float64, plus sum |a||b| per entry. */
function reference(m: number, n: number, k: number, a: FloatArray, b: FloatArray): { c: Float64Array; scale: Float64Array } {
  const c = new Float64Array(m * n);
  const scale = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let t = 0;
      for (let p = 0; p < k; p++) {
        s += a[i * k + p] * b[p * n + j];
        t += Math.abs(a[i * k + p] * b[p * n + j]);
      }
      c[i * n + j] = s;
      scale[i * n + j] = t;
    }
  }
  return { c, scale };
}

/** Max of |got - want| / bound over entries, where bound = (k + 2) * eps * sum |a||b| (standard gemm error bound). */
function worstRatio(got: FloatArray, want: Float64Array, scale: Float64Array, k: number, eps: number): number {
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const bound = (k + 2) * eps * scale[i] + Number.MIN_VALUE;
    worst = Math.max(worst, Math.abs(got[i] - want[i]) / bound);
  }
  return worst;
}

const SHAPES: Array<[number, number, number]> = [
  [1, 1, 1],
  [1, 7, 33],
  [7, 1, 33],
  [33, 7, 1],
  [7, 33, 257],
  [257, 33, 7],
  [33, 257, 64],
  [64, 65, 66],
  [257, 31, 257],
  [100, 257, 90],
];
const TRANS: Array<[boolean, boolean]> = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];

describe("native backend availability", () => {
  it.skipIf(!required)("is available (REQUIRE_NATIVE_BACKEND=1)", () => {
    if (!loaded.backend) {
      throw new Error(`REQUIRE_NATIVE_BACKEND=1 but the native backend is unavailable: ${loaded.reason}`);
    }
    expect(loaded.backend.name).toBe("native (OpenBLAS)");
  });

  it("loadNativeBackend returns the same result every time and never throws", () => {
    expect(loadNativeBackend()).toBe(loaded);
    if (!loaded.backend) expect(loaded.reason).toMatch(/\S/);
  });
});

describe.skipIf(!loaded.backend)("native gemm", () => {
  const backend = loaded.backend!;

  for (const { name, Ctor, eps } of DTYPES) {
    for (const [ta, tb] of TRANS) {
      it(`${name} matches the triple loop, transA=${ta} transB=${tb}`, () => {
        const rand = rng(1234 + (ta ? 1 : 0) + (tb ? 2 : 0) + (Ctor === Float32Array ? 4 : 0));
        for (const [m, n, k] of SHAPES) {
          const a = randomArray(Ctor, m * k, rand); // logical m x k
          const b = randomArray(Ctor, k * n, rand); // logical k x n
          const aStored = ta ? transpose(a, m, k) : a;
          const bStored = tb ? transpose(b, k, n) : b;
          const aCopy = aStored.slice();
          const bCopy = bStored.slice();
          const c = new Ctor(m * n).fill(Number.NaN); // C is overwritten, never read
          backend.gemm(ta, tb, m, n, k, aStored, bStored, c);
          const { c: want, scale } = reference(m, n, k, a, b);
          const ratio = worstRatio(c, want, scale, k, eps);
          expect(ratio, `${name} m=${m} n=${n} k=${k} transA=${ta} transB=${tb}`).toBeLessThanOrEqual(1);
          expect(sameBits(aStored, aCopy) && sameBits(bStored, bCopy), "inputs untouched").toBe(true);
        }
      });
    }

    it(`${name}: k = 0 gives zeros, m = 0 or n = 0 does nothing`, () => {
      const c = new Ctor(12).fill(Number.NaN);
      backend.gemm(false, false, 3, 4, 0, new Ctor(0), new Ctor(0), c);
      expect(Array.from(c)).toEqual(new Array(12).fill(0));
      for (const [ta, tb] of TRANS) {
        const c2 = new Ctor(6).fill(7);
        backend.gemm(ta, tb, 2, 3, 0, new Ctor(0), new Ctor(0), c2);
        expect(Array.from(c2)).toEqual(new Array(6).fill(0));
      }
      backend.gemm(false, false, 0, 5, 3, new Ctor(0), new Ctor(15), new Ctor(0));
      backend.gemm(true, true, 4, 0, 3, new Ctor(12), new Ctor(0), new Ctor(0));
      backend.gemm(false, false, 0, 0, 0, new Ctor(0), new Ctor(0), new Ctor(0));
    });

    it(`${name}: works on subarray views and leaves elements past m*n alone`, () => {
      const rand = rng(99);
      const m = 5, n = 6, k = 7;
      const aBig = randomArray(Ctor, m * k + 3, rand);
      const bBig = randomArray(Ctor, k * n + 1, rand);
      const a = aBig.subarray(3); // non-zero byte offset
      const b = bBig.subarray(1);
      const cBig = new Ctor(m * n + 4).fill(-5);
      const c = cBig.subarray(2); // m*n + 2 elements: longer than needed is allowed
      backend.gemm(false, false, m, n, k, a, b, c);
      const { c: want, scale } = reference(m, n, k, a, b);
      expect(worstRatio(c.subarray(0, m * n), want, scale, k, eps)).toBeLessThanOrEqual(1);
      expect(Array.from(cBig.subarray(0, 2))).toEqual([-5, -5]);
      expect(Array.from(cBig.subarray(2 + m * n))).toEqual([-5, -5]);
    });
  }

  it("gives identical results with 1 thread and the default thread count", () => {
    const before = getNativeThreads();
    expect(before).toBeGreaterThanOrEqual(1);
    const rand = rng(7);
    const m = 300, n = 200, k = 250;
    const a = randomArray(Float64Array, m * k, rand);
    const b = randomArray(Float64Array, k * n, rand);
    const c1 = new Float64Array(m * n);
    const cN = new Float64Array(m * n);
    try {
      expect(setNativeThreads(1)).toBe(true);
      expect(getNativeThreads()).toBe(1);
      backend.gemm(false, true, m, n, k, a, transpose(b, k, n), c1);
    } finally {
      setNativeThreads(before!);
    }
    expect(getNativeThreads()).toBe(before);
    backend.gemm(false, true, m, n, k, a, transpose(b, k, n), cN);
    const { c: want, scale } = reference(m, n, k, a, b);
    expect(worstRatio(c1, want, scale, k, 2 ** -52)).toBeLessThanOrEqual(1);
    expect(worstRatio(cN, want, scale, k, 2 ** -52)).toBeLessThanOrEqual(1);
    expect(() => setNativeThreads(0)).toThrow(RangeError);
    expect(() => setNativeThreads(1.5)).toThrow(RangeError);
  });

  describe("argument errors", () => {
    const f64 = (n: number) => new Float64Array(n);
    const f32 = (n: number) => new Float32Array(n);
    // Call through an untyped alias so the type checker lets us pass wrong arguments.
    const gemm = (...args: unknown[]) =>
      (backend.gemm as unknown as (...a: unknown[]) => void).apply(backend, args);

    it("throws TypeError for wrong or mixed element types", () => {
      expect(() => gemm(false, false, 2, 2, 2, f64(4), f32(4), f64(4))).toThrow(TypeError);
      expect(() => gemm(false, false, 2, 2, 2, f64(4), f32(4), f64(4))).toThrow(/same element type.*Float64Array, Float32Array, Float64Array/);
      expect(() => gemm(false, false, 2, 2, 2, f32(4), f32(4), f64(4))).toThrow(TypeError);
      expect(() => gemm(false, false, 2, 2, 2, new Int32Array(4), f64(4), f64(4))).toThrow(/a must be a Float64Array or Float32Array, got Int32Array/);
      expect(() => gemm(false, false, 2, 2, 2, f64(4), [1, 2, 3, 4], f64(4))).toThrow(/b must be .* got Array/);
      expect(() => gemm(false, false, 2, 2, 2, f64(4), f64(4), null)).toThrow(/c must be .* got null/);
    });

    it("throws TypeError for non-boolean flags, non-number sizes and missing arguments", () => {
      expect(() => gemm(1, false, 2, 2, 2, f64(4), f64(4), f64(4))).toThrow(/transA must be a boolean, got number/);
      expect(() => gemm(false, "no", 2, 2, 2, f64(4), f64(4), f64(4))).toThrow(/transB must be a boolean, got string/);
      expect(() => gemm(false, false, "2", 2, 2, f64(4), f64(4), f64(4))).toThrow(TypeError);
      expect(() => gemm(false, false, 2, 2, 2, f64(4), f64(4))).toThrow(/c must be a Float64Array or Float32Array, got undefined/);
    });

    it("throws RangeError for bad sizes and short buffers", () => {
      expect(() => gemm(false, false, -1, 2, 2, f64(4), f64(4), f64(4))).toThrow(RangeError);
      expect(() => gemm(false, false, 2, 1.5, 2, f64(4), f64(4), f64(4))).toThrow(/n must be an integer/);
      expect(() => gemm(false, false, 2, 2, Number.NaN, f64(4), f64(4), f64(4))).toThrow(RangeError);
      expect(() => gemm(false, false, 2, 2, 2 ** 31, f64(4), f64(4), f64(4))).toThrow(RangeError);
      expect(() => gemm(false, false, 2, 3, 4, f64(7), f64(12), f64(6))).toThrow(/a has 7 elements but needs m\*k = 2\*4 = 8/);
      expect(() => gemm(true, false, 2, 3, 4, f64(8), f64(11), f64(6))).toThrow(/b has 11 elements but needs k\*n/);
      expect(() => gemm(false, true, 2, 3, 4, f64(8), f64(11), f64(6))).toThrow(/b has 11 elements but needs n\*k \(transB\)/);
      expect(() => gemm(false, false, 2, 3, 4, f64(8), f64(12), f64(5))).toThrow(/c has 5 elements but needs m\*n = 2\*3 = 6/);
    });

    it("throws RangeError when c shares memory with a or b", () => {
      const buf = f64(16);
      expect(() => gemm(false, false, 2, 2, 2, buf.subarray(0, 4), f64(4), buf.subarray(2, 6))).toThrow(/c must not share memory/);
      expect(() => gemm(false, false, 2, 2, 2, f64(4), buf.subarray(0, 4), buf.subarray(0, 4))).toThrow(RangeError);
      // Disjoint views of one buffer are fine.
      const a = buf.subarray(0, 4), b = buf.subarray(4, 8), c = buf.subarray(8, 12);
      a.set([1, 2, 3, 4]);
      b.set([5, 6, 7, 8]);
      gemm(false, false, 2, 2, 2, a, b, c);
      expect(Array.from(c)).toEqual([19, 22, 43, 50]);
    });
  });
});
