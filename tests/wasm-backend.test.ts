// The WebAssembly matmul backend (lib/wasm, lib/tensor/wasm-backend.ts): exact float64 agreement with the
// naive triple loop on every tile and remainder path, float32 within sgemm's error bound, memory growth, and
// a committed binary that matches its AssemblyScript source.
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { Generator, randn } from "../lib/tensor";
import { naiveBackend } from "../lib/tensor/portable-gemm";
import { loadWasmBackend, setWasmMemoryLimit, WASM_MAX_BYTES } from "../lib/tensor/wasm-backend";

const loaded = loadWasmBackend();

describe("wasm backend", () => {
  it("loads on this Node (WebAssembly SIMD)", () => {
    if (!loaded.backend) throw new Error(loaded.reason);
    expect(loaded.backend.name).toBe("wasm (WebAssembly SIMD)");
    expect(loadWasmBackend()).toBe(loaded);
  });

  const wasm = loaded.backend!;
  // Sizes around the 4-row, 4-column (float64) and 8-column (float32) tiles, and single rows and columns.
  const SIZES: Array<[number, number, number]> = [[1, 1, 1], [4, 4, 3], [4, 8, 5], [5, 9, 7], [7, 3, 2], [3, 17, 33], [12, 10, 500], [37, 21, 19], [1, 30, 64], [64, 1, 9]];

  it("float64 products equal the naive triple loop bit for bit, for every transpose flag", () => {
    const g = new Generator("wasm-f64");
    for (const [m, n, k] of SIZES) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          const a = randn([m * k], { generator: g }).data as Float64Array;
          const b = randn([k * n], { generator: g }).data as Float64Array;
          const got = new Float64Array(m * n).fill(Number.NaN);
          const want = new Float64Array(m * n);
          wasm.gemm(transA, transB, m, n, k, a, b, got);
          naiveBackend.gemm(transA, transB, m, n, k, a, b, want);
          for (let i = 0; i < m * n; i++) {
            if (!Object.is(got[i], want[i])) throw new Error(`m=${m} n=${n} k=${k} transA=${transA} transB=${transB} [${i}]: ${got[i]} vs ${want[i]}`);
          }
        }
      }
    }
  });

  it("float32 products stay within the standard gemm error bound", () => {
    const g = new Generator("wasm-f32");
    for (const [m, n, k] of SIZES) {
      for (const transA of [false, true]) {
        const a = randn([m * k], { dtype: "float32", generator: g }).data as Float32Array;
        const b = randn([k * n], { dtype: "float32", generator: g }).data as Float32Array;
        const got = new Float32Array(m * n);
        const want = new Float64Array(m * n);
        wasm.gemm(transA, false, m, n, k, a, b, got);
        naiveBackend.gemm(transA, false, m, n, k, Float64Array.from(a), Float64Array.from(b), want);
        for (let i = 0; i < m * n; i++) {
          const row = Math.floor(i / n), col = i % n;
          let scale = 0;
          for (let p = 0; p < k; p++) scale += Math.abs((transA ? a[p * m + row] : a[row * k + p]) * b[p * n + col]);
          expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual((k + 2) * 2 ** -23 * scale + 1e-30);
        }
      }
    }
  });

  it("grows its memory for big operands and keeps working on small ones afterwards", () => {
    const g = new Generator("wasm-grow");
    for (const [m, n, k] of [[3, 2, 4], [300, 40, 3073], [2, 3, 5]]) {
      const a = randn([m * k], { generator: g }).data as Float64Array;
      const b = randn([k * n], { generator: g }).data as Float64Array;
      const got = new Float64Array(m * n);
      const want = new Float64Array(m * n);
      wasm.gemm(false, true, m, n, k, a, b, got);
      naiveBackend.gemm(false, true, m, n, k, a, b, want);
      expect(got).toEqual(want);
    }
  });

  it("feeds a big A through in row blocks under the memory cap, and falls back when nothing fits", () => {
    const g = new Generator("wasm-blocks");
    const m = 203, n = 7, k = 300;
    const a = randn([m * k], { generator: g }).data as Float64Array;
    const b = randn([k * n], { generator: g }).data as Float64Array;
    const want = new Float64Array(m * n);
    naiveBackend.gemm(false, false, m, n, k, a, b, want);
    const previous = setWasmMemoryLimit(100_000); // packed B (2 panels) + ~30 rows of A and C per block
    try {
      const got = new Float64Array(m * n);
      wasm.gemm(false, false, m, n, k, a, b, got);
      expect(got).toEqual(want); // bit for bit, block edges included
      const viaT = new Float64Array(m * n); // transposed A (stored k x m) cannot be cut: TypeScript kernel
      const at = new Float64Array(k * m);
      for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) at[p * m + i] = a[i * k + p];
      wasm.gemm(true, false, m, n, k, at, b, viaT);
      for (let i = 0; i < m * n; i++) expect(Math.abs(viaT[i] - want[i])).toBeLessThan(1e-9);
    } finally {
      setWasmMemoryLimit(previous);
    }
    expect(previous).toBe(WASM_MAX_BYTES);
    expect(() => setWasmMemoryLimit(10)).toThrow(RangeError);
  });

  it("handles empty products and checks buffer sizes", () => {
    const c = new Float64Array(6).fill(7);
    wasm.gemm(false, false, 2, 3, 0, new Float64Array(0), new Float64Array(0), c);
    expect(Array.from(c)).toEqual([0, 0, 0, 0, 0, 0]);
    wasm.gemm(false, false, 0, 3, 2, new Float64Array(0), new Float64Array(6), new Float64Array(0));
    expect(() => wasm.gemm(false, false, 2, 2, 2, new Float64Array(3), new Float64Array(4), new Float64Array(4))).toThrow(/wasm gemm: buffers too small/);
  });

  it("the committed binary is what lib/wasm/assembly/gemm.ts compiles to", () => {
    const root = path.resolve(__dirname, "..");
    const r = spawnSync(process.execPath, [path.join(root, "node_modules", "tsx", "dist", "cli.mjs"), "scripts/build-wasm.ts", "--check"], { cwd: root, encoding: "utf8" });
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/is up to date/);
  });
});
