// The WebAssembly matmul backend (lib/wasm, lib/tensor/wasm-backend.ts): the exact kernel's float64 agreement
// with the naive triple loop on every tile and remainder path, the fused kernel within the gemm error bound,
// worker threads that never change a result, memory growth, and a committed binary that matches its source.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as esbuild from "esbuild";
import { describe, expect, it } from "vitest";
import { Generator, randn } from "../lib/tensor";
import type { FloatArray } from "../lib/tensor/backend";
import { naiveBackend } from "../lib/tensor/portable-gemm";
import { loadWasmBackend, setWasmMemoryLimit, setWasmThreads, WASM_MAX_BYTES, type WasmBackend } from "../lib/tensor/wasm-backend";

const ROOT = path.resolve(__dirname, "..");
const loaded = loadWasmBackend({ kernel: "exact" });
const fusedLoad = loadWasmBackend();

/** |got - want| within the gemm bound (k + 2) u sum |a||b| for every element, against a float64 naive loop. */
function expectWithinGemmBound(
  got: FloatArray, a: FloatArray, b: FloatArray, m: number, n: number, k: number, transA: boolean, transB: boolean, u: number, what: string,
): void {
  const want = new Float64Array(m * n);
  naiveBackend.gemm(transA, transB, m, n, k, Float64Array.from(a), Float64Array.from(b), want);
  for (let i = 0; i < m * n; i++) {
    const row = Math.floor(i / n), col = i % n;
    let scale = 0;
    for (let p = 0; p < k; p++) {
      scale += Math.abs((transA ? a[p * m + row] : a[row * k + p]) * (transB ? b[col * k + p] : b[p * n + col]));
    }
    const err = Math.abs(got[i] - want[i]);
    if (!(err <= (k + 2) * u * scale + 1e-300)) throw new Error(`${what} [${i}]: ${got[i]} vs ${want[i]} (error ${err}, bound ${(k + 2) * u * scale})`);
  }
}

/** The product the child-process tests (sandbox, Deno) run there and again here: sines times cosines. */
const CHILD_PRODUCT = { m: 203, n: 37, k: 1200 }; // 9.7M multiply-adds: over the threading threshold (8M)

function childOperands(): { a: Float64Array; b: Float64Array } {
  const { m, n, k } = CHILD_PRODUCT;
  return {
    a: Float64Array.from({ length: m * k }, (_, i) => Math.sin(i)),
    b: Float64Array.from({ length: k * n }, (_, i) => Math.cos(i)),
  };
}

/** A child process's script: the wasm backend loaded as r, CHILD_PRODUCT's m, n, k, a and b, then `body`. */
function childProductScript(body: string[]): string {
  const { m, n, k } = CHILD_PRODUCT;
  return [
    `import { loadWasmBackend, setWasmThreads } from ${JSON.stringify(path.join(ROOT, "lib/tensor/wasm-backend"))};`,
    "const r = loadWasmBackend();",
    "if (!r.backend) throw new Error(r.reason);",
    `const m = ${m}, n = ${n}, k = ${k};`,
    "const a = Float64Array.from({ length: m * k }, (_, i) => Math.sin(i));",
    "const b = Float64Array.from({ length: k * n }, (_, i) => Math.cos(i));",
    ...body,
  ].join("\n");
}

describe("wasm backend", () => {
  it("loads on this Node (WebAssembly SIMD), with the fused kernel and a thread per core by default", () => {
    if (!loaded.backend) throw new Error(loaded.reason);
    if (!fusedLoad.backend) throw new Error(fusedLoad.reason);
    expect(loaded.backend.name).toBe("wasm (WebAssembly SIMD)");
    expect(loadWasmBackend({ kernel: "exact" })).toBe(loaded);
    expect(loaded.backend.detail().kernel).toBe("exact");
    // Node 20 needs V8's relaxed-SIMD flag, which the loader sets; later Nodes have it on.
    expect(fusedLoad.backend.detail().kernel).toBe("fused");
    expect(fusedLoad.backend.detail()).toMatchObject({ threads: Math.min(8, os.availableParallelism()) });
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

  it("packs a transposed B in TypeScript when its stored copy does not fit beside the packed one, with the same bits", () => {
    // 1 MiB cap, k 3000, n 21 (float64): packed B 576,000 bytes + B as stored 504,000 is over the cap, while
    // packed B and 19-row blocks of A and C fit. (B as stored is packed only when its copy fits beside the
    // panels too: here it is read in place.)
    const [m, n, k] = [50, 21, 3000];
    const g = new Generator("wasm-pack-fallback");
    const a = randn([m * k], { generator: g }).data as Float64Array;
    const b = randn([k * n], { generator: g }).data as Float64Array;
    const previous = setWasmMemoryLimit(2 ** 20);
    try {
      for (const transB of [false, true]) {
        const want = new Float64Array(m * n), got = new Float64Array(m * n).fill(Number.NaN);
        naiveBackend.gemm(false, transB, m, n, k, a, b, want);
        wasm.gemm(false, transB, m, n, k, a, b, got);
        expect(got, `transB ${transB}`).toEqual(want);
      }
    } finally {
      setWasmMemoryLimit(previous);
    }
  });

  it("keeps what B's last partial panel reads past column n (the next row, the slack) out of C", () => {
    // With few rows the kernels read B as stored in 32-byte panels: the last panel of n = 9 reads columns 9.. of
    // row p, i.e. the next row's first values, here infinite or NaN. Those lanes land in C's padding, which must
    // vanish. With 8 rows and more B is packed into zero-padded panels first: the same C.
    for (const [dtype, m] of [["float64", 6], ["float32", 6], ["float64", 12], ["float32", 12]] as const) {
      const [n, k] = [9, 5];
      const g = new Generator("wasm-partial-panel");
      const a = randn([m * k], { dtype, generator: g }).data as FloatArray;
      const b = randn([k * n], { dtype, generator: g }).data as FloatArray;
      for (let p = 0; p < k; p++) b[p * n] = p % 2 === 0 ? Infinity : Number.NaN;
      const got = (dtype === "float64" ? new Float64Array(m * n) : new Float32Array(m * n)).fill(7);
      wasm.gemm(false, false, m, n, k, a, b, got);
      for (let i = 0; i < m; i++) {
        expect(got[i * n], `${dtype} row ${i} column 0`).toBeNaN();
        for (let j = 1; j < n; j++) expect(Number.isFinite(got[i * n + j]), `${dtype} C[${i}][${j}] = ${got[i * n + j]}`).toBe(true);
      }
    }
  });

  it("handles empty products and checks buffer sizes", () => {
    const c = new Float64Array(6).fill(7);
    wasm.gemm(false, false, 2, 3, 0, new Float64Array(0), new Float64Array(0), c);
    expect(Array.from(c)).toEqual([0, 0, 0, 0, 0, 0]);
    wasm.gemm(false, false, 0, 3, 2, new Float64Array(0), new Float64Array(6), new Float64Array(0));
    expect(() => wasm.gemm(false, false, 2, 2, 2, new Float64Array(3), new Float64Array(4), new Float64Array(4))).toThrow(/wasm gemm: buffers too small/);
  });

  // Shapes that take the threaded paths (each over 8M multiply-adds). Products are cut into chunks of rows that
  // the threads take as they come free (an A as stored copied in chunk by chunk, C copied out chunk by chunk):
  // small chunks where packed B is small (203 rows: 28-row chunks and a ragged 7-row last one; 64 rows: 8-row
  // chunks), one chunk per thread where B is big (40 x 300), after a 16-row starter chunk for the worker where a
  // thread's share of A is as big as B (float64 200 x 1500 @ 1500 x 100: rows 0-16, 16-108, 108-200), 64-row
  // chunks for a tall A (520 rows: a ragged 8-row last one). Few rows (9) split the panels instead, one share
  // handed to each thread.
  const THREADED: Array<[number, number, number]> = [[203, 37, 1201], [64, 100, 1301], [9, 301, 3003], [40, 300, 1000], [200, 100, 1500], [520, 20, 900]];
  /** THREADED products per dtype whose shares are handed out whole (the 9-row one, both transposes). */
  const STATIC_SHARES = 2;

  it("the fused kernel stays within the gemm error bound, float64 and float32, threaded or not", () => {
    const fused = fusedLoad.backend!;
    const g = new Generator("wasm-fused");
    for (const [m, n, k] of [...SIZES, ...THREADED]) {
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          for (const dtype of ["float64", "float32"] as const) {
            const a = randn([m * k], { dtype, generator: g }).data as FloatArray;
            const b = randn([k * n], { dtype, generator: g }).data as FloatArray;
            const got = dtype === "float64" ? new Float64Array(m * n) : new Float32Array(m * n);
            fused.gemm(transA, transB, m, n, k, a, b, got);
            expectWithinGemmBound(got, a, b, m, n, k, transA, transB, dtype === "float64" ? 2 ** -52 : 2 ** -23, `${dtype} m=${m} n=${n} k=${k} transA=${transA} transB=${transB}`);
          }
        }
      }
    }
  });

  it("worker threads share big products and never change a result (exact: still the naive loop's bits)", () => {
    const g = new Generator("wasm-threads");
    const previous = setWasmThreads(2);
    try {
      for (const backend of [loaded.backend!, fusedLoad.backend!] as WasmBackend[]) {
        const before = backend.detail().workerShares;
        for (const [m, n, k] of THREADED) {
          for (const transA of [false, true]) {
            for (const dtype of ["float64", "float32"] as const) {
              const a = randn([m * k], { dtype, generator: g }).data as FloatArray;
              const b = randn([k * n], { dtype, generator: g }).data as FloatArray;
              const make = (): FloatArray => (dtype === "float64" ? new Float64Array(m * n) : new Float32Array(m * n)).fill(Number.NaN);
              setWasmThreads(2);
              const two = make();
              backend.gemm(transA, false, m, n, k, a, b, two);
              setWasmThreads(1);
              const one = make();
              backend.gemm(transA, false, m, n, k, a, b, one);
              const what = `${backend.detail().kernel} ${dtype} m=${m} n=${n} k=${k} transA=${transA}`;
              for (let i = 0; i < m * n; i++) if (!Object.is(two[i], one[i])) throw new Error(`${what} [${i}]: 2 threads ${two[i]}, 1 thread ${one[i]}`);
              if (backend.detail().kernel === "exact" && dtype === "float64") {
                const want = new Float64Array(m * n);
                naiveBackend.gemm(transA, false, m, n, k, a, b, want);
                for (let i = 0; i < m * n; i++) if (!Object.is(two[i], want[i])) throw new Error(`${what} [${i}]: ${two[i]} vs naive ${want[i]}`);
              }
            }
          }
        }
        setWasmThreads(2);
        const d = backend.detail();
        expect(d.singleThreadReason).toBeUndefined();
        expect(d.threads).toBe(2);
        // Every product ran on 2 threads: per dtype the worker took the share handed to it of the 9-row products, and
        // chunks of some of the 8 others (how many depends on when it woke; of none, only if it never did in time).
        const shares = d.workerShares - before;
        expect(shares).toBeGreaterThan(2 * STATIC_SHARES);
        expect(shares).toBeLessThanOrEqual(2 * 2 * THREADED.length);
      }
    } finally {
      setWasmThreads(previous);
    }
    expect(() => setWasmThreads(0)).toThrow(RangeError);
  });

  it("finishes a product on the calling thread when a worker's kernel fails mid-product, with one thread's bits", () => {
    // A preload (inherited by worker threads) makes the workers' kernel throw on one call size: the 64-row chunks
    // of a 1000-row product, a worker's 16-row starter chunk, or the 54-row blocks of a 3000 x 300 B being packed.
    // The product must still come out whole and right, and the backend must stay on one thread afterwards and
    // say why.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wasm-fail-"));
    try {
      const hook = path.join(dir, "hook.cjs");
      fs.writeFileSync(hook, [
        "const { isMainThread } = require('node:worker_threads');",
        "const [name, rows] = (process.env.WASM_FAIL || '').split(':');",
        "if (!isMainThread && name) {",
        "  const Real = WebAssembly.Instance;",
        "  WebAssembly.Instance = function (module, imports) {",
        "    const exports = { ...new Real(module, imports).exports };",
        "    const real = exports[name];",
        "    exports[name] = (m, ...rest) => { if (m === Number(rows)) throw new Error('injected failure'); return real(m, ...rest); };",
        "    return { exports };",
        "  };",
        "}",
      ].join("\n"));
      const entry = path.join(dir, "entry.ts");
      fs.writeFileSync(entry, [
        `import { loadWasmBackend, setWasmThreads } from ${JSON.stringify(path.join(ROOT, "lib/tensor/wasm-backend"))};`,
        "const r = loadWasmBackend({ kernel: 'exact' });",
        "if (!r.backend) throw new Error(r.reason);",
        "setWasmThreads(2);",
        // 9 rows: the worker is handed a share (9-row calls), so it is up before the product under test.
        "r.backend.gemm(false, false, 9, 301, 3003, new Float64Array(9 * 3003).fill(0.5), new Float64Array(3003 * 301).fill(0.25), new Float64Array(9 * 301));",
        "const [m, n, k] = process.env.SHAPE.split(',').map(Number);",
        "const a = Float64Array.from({ length: m * k }, (_, i) => Math.sin(i));",
        "const b = Float64Array.from({ length: k * n }, (_, i) => Math.cos(i));",
        "const runs = [];",
        // The worker may not take a chunk before this thread has taken them all: try a few times.
        "for (let i = 0; i < 5 && r.backend.detail().threads === 2; i++) { const c = new Float64Array(m * n); r.backend.gemm(false, false, m, n, k, a, b, c); runs.push(Buffer.from(c.buffer).toString('base64')); }",
        "console.log(JSON.stringify({ detail: r.backend.detail(), runs }));",
      ].join("\n"));
      const bundle = path.join(dir, "bundle.cjs");
      esbuild.buildSync({ entryPoints: [entry], bundle: true, platform: "node", format: "cjs", outfile: bundle, logLevel: "silent" });
      for (const [fail, [m, n, k]] of [["dgemm:64", [1000, 37, 1200]], ["dgemm:16", [200, 100, 1500]], ["dpanel:54", [40, 300, 3000]]] as const) {
        const env = { ...process.env, WASM_FAIL: fail, SHAPE: `${m},${n},${k}` };
        const r = spawnSync(process.execPath, ["--require", hook, bundle], { encoding: "utf8", env, timeout: 60_000, maxBuffer: 64 << 20 });
        expect(r.status, `${fail}: ${r.stderr} ${r.error ?? ""}`).toBe(0);
        const out = JSON.parse(r.stdout.trim().split("\n").pop()!) as { detail: { threads: number; singleThreadReason?: string }; runs: string[] };
        expect(out.detail.threads, fail).toBe(1);
        expect(out.detail.singleThreadReason, fail).toBe("a wasm worker thread's kernel failed");
        const a = Float64Array.from({ length: m * k }, (_, i) => Math.sin(i));
        const b = Float64Array.from({ length: k * n }, (_, i) => Math.cos(i));
        const want = new Float64Array(m * n);
        naiveBackend.gemm(false, false, m, n, k, a, b, want);
        for (const run of out.runs) {
          const got = new Float64Array(new Uint8Array(Buffer.from(run, "base64")).buffer);
          for (let i = 0; i < m * n; i++) if (!Object.is(got[i], want[i])) throw new Error(`${fail} [${i}]: ${got[i]} vs naive ${want[i]}`);
        }
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it("runs on one thread under Node's permission model (the grader's sandbox), with the same results", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wasm-perm-"));
    try {
      const entry = path.join(dir, "entry.ts");
      fs.writeFileSync(entry, childProductScript([
        "setWasmThreads(2);",
        "const c = new Float64Array(m * n);",
        "r.backend.gemm(false, false, m, n, k, a, b, c);",
        "console.log(JSON.stringify({ detail: r.backend.detail(), c: Array.from(c) }));",
      ]));
      const bundle = path.join(dir, "bundle.cjs");
      esbuild.buildSync({ entryPoints: [entry], bundle: true, platform: "node", format: "cjs", outfile: bundle, logLevel: "silent" });
      const flag = Number(process.versions.node.split(".")[0]) >= 22 ? "--permission" : "--experimental-permission";
      const r = spawnSync(process.execPath, [flag, `--allow-fs-read=${dir}/`, "--disable-warning=ExperimentalWarning", bundle], { encoding: "utf8" });
      expect(r.status, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout.trim().split("\n").pop()!) as { detail: { kernel: string; threads: number; singleThreadReason?: string }; c: number[] };
      expect(out.detail.threads).toBe(1);
      expect(out.detail.singleThreadReason).toMatch(/permission model forbids worker threads/);
      expect(out.detail.kernel).toBe("fused");
      // The same product here, threaded: the same bits.
      const { m, n, k } = CHILD_PRODUCT;
      const { a, b } = childOperands();
      const c = new Float64Array(m * n);
      const previous = setWasmThreads(2);
      try {
        fusedLoad.backend!.gemm(false, false, m, n, k, a, b, c);
      } finally {
        setWasmThreads(previous);
      }
      expect(out.c).toEqual(Array.from(c));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("runs its worker threads under Deno (the second notebook kernel) too, with one thread's bits", () => {
    // Deno's eval wrapper declares names of its own; a clash made every worker die with an uncaught error that
    // aborted the notebook cell running the product. The script runs as the Deno kernel runs the kit's modules.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "wasm-deno-"));
    try {
      const script = path.join(dir, "threads.ts");
      fs.writeFileSync(script, childProductScript([
        "const run = (threads: number, transA: boolean) => { setWasmThreads(threads); const c = new Float64Array(m * n); r.backend!.gemm(transA, false, m, n, k, a, b, c); return c; };",
        "const same = [false, true].every((t) => { const two = run(2, t), one = run(1, t); return two.every((v, i) => Object.is(v, one[i])); });",
        "setWasmThreads(2);",
        // Few rows: the panels are split and the worker is handed its share, so it must take part.
        "const before = r.backend.detail().workerShares;",
        "r.backend.gemm(false, false, 9, 301, 3003, new Float64Array(9 * 3003).fill(0.5), new Float64Array(3003 * 301).fill(0.25), new Float64Array(9 * 301));",
        "const handed = r.backend.detail().workerShares - before;",
        "console.log(JSON.stringify({ detail: r.backend.detail(), same, handed, c: Array.from(run(2, false)) }));",
      ]));
      const env = { ...process.env, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1", NPM_CONFIG_REGISTRY: "http://127.0.0.1:9/" };
      const r = spawnSync(path.join(ROOT, "node_modules", ".bin", "deno"), ["run", "-A", "--config", path.join(ROOT, "deno.json"), script], { cwd: ROOT, env, encoding: "utf8", timeout: 60_000 });
      expect(r.status, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout.trim().split("\n").pop()!) as { detail: { threads: number; workerShares: number; singleThreadReason?: string }; same: boolean; handed: number; c: number[] };
      expect(out.detail.singleThreadReason).toBeUndefined();
      expect(out.detail.threads).toBe(2);
      expect(out.handed).toBe(1);
      expect(out.same).toBe(true);
      const { m, n, k } = CHILD_PRODUCT;
      const { a, b } = childOperands();
      expectWithinGemmBound(Float64Array.from(out.c), a, b, m, n, k, false, false, 2 ** -52, "deno, 2 threads");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 90_000);

  it("the committed binary is what lib/wasm/assembly/ compiles to", () => {
    const root = ROOT;
    const r = spawnSync(process.execPath, [path.join(root, "node_modules", "tsx", "dist", "cli.mjs"), "scripts/build-wasm.ts", "--check"], { cwd: root, encoding: "utf8" });
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/is up to date/);
  });
});
