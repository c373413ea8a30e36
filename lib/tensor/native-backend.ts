import * as fs from "node:fs";
import * as path from "node:path";
import { isFloatArray, sameFloatType, type ElementwiseKernels, type FloatArray, type GemmBackend } from "./backend";
import { onLargeAllocation, type Storage } from "./dtype";
import { portableElementwise } from "./portable-elementwise";

/**
 * The native matmul backend: lib/native/build/Release/dlvr_blas.node, a Node-API addon (C) calling OpenBLAS's
 * cblas_dgemm / cblas_sgemm on the typed arrays' memory. It is optional: build it with `npm run build:native`
 * (needs a C compiler and libopenblas-dev). loadNativeBackend() never throws; when the addon is missing or cannot
 * be loaded (e.g. under Node's permission model, which forbids addons) it returns the reason instead.
 */

/** Path of the built addon relative to the project root (see scripts/build-native.ts). */
export const NATIVE_ADDON_PATH = path.join("lib", "native", "build", "Release", "dlvr_blas.node");

/** What the addon exports (lib/native/src/blas_addon.c, elementwise.c, fused.c, exp.c and gather.c). */
interface BlasAddon {
  gemm(transA: boolean, transB: boolean, m: number, n: number, k: number, a: FloatArray, b: FloatArray, c: FloatArray): void;
  arith(op: number, a: FloatArray, b: FloatArray | Uint8Array, out: FloatArray, broadcast: number, L: number): void;
  compareScalar(op: number, a: FloatArray, s: number, out: Uint8Array): void;
  axpy(y: FloatArray, x: FloatArray, alpha: number): void;
  clamp(src: FloatArray, out: FloatArray, lo: number, hi: number): void;
  sum(src: FloatArray, out: FloatArray, outer: number, size: number, inner: number): void;
  sumSquares(src: FloatArray): number;
  exp(src: FloatArray, out: FloatArray): void;
  indexSelect(src: Storage, index: Int32Array, out: Storage, outer: number, size: number, inner: number): void;
  logsumexpRows(src: FloatArray, shifts: FloatArray, sums: FloatArray, rows: number, size: number): void;
  /** Whether large gathers run on OpenBLAS's worker threads (lib/native/src/gather.c). */
  readonly threadedGather: boolean;
  tuneMalloc(mmapThreshold: number, trimThreshold: number, topPad: number): boolean;
  adviseHugePages(data: Storage): boolean;
  setNumThreads(n: number): void;
  getNumThreads(): number;
  /** openblas_get_config(), e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY SkylakeX MAX_THREADS=64". */
  readonly config: string;
  /** openblas_get_corename(), e.g. "SkylakeX". */
  readonly coreName: string;
}

export interface NativeBackend extends GemmBackend {
  /** OpenBLAS build string and CPU kernel, e.g. "OpenBLAS 0.3.21 ... SkylakeX MAX_THREADS=64". */
  readonly blasConfig: string;
  /** Absolute path of the loaded addon. */
  readonly addonPath: string;
  /** Whether the memory tuning below is on: glibc keeps freed tensor memory, big tensors get huge pages. */
  readonly memoryTuned: boolean;
  /** Whether large indexSelect gathers run on OpenBLAS's worker threads now (lib/native/src/gather.c). */
  threadedGather(): boolean;
}

/**
 * Memory tuning applied when the addon loads, unless TENSOR_MEMORY_TUNING=0 (lib/native/src/memory.c):
 * - glibc thresholds: blocks up to 32 MiB come from the heap instead of mmap, and up to 256 MiB of freed heap
 *   top is kept; the heap grows 16 MiB at a time. Without this, every tensor above 128 KiB is page-faulted in
 *   afresh after each GC (V8 frees array buffers late, glibc has returned the memory by then): W.mul(W) on a
 *   3073x10 float64 weight took 130 us instead of 16 us here.
 * - transparent huge pages (madvise) for big tensors, as numpy asks for them, and for the heap where smaller
 *   tensors live: fewer page faults, and the transposed product X.T @ d of a softmax gradient, which reads X
 *   column by column, stops missing the TLB on most rows.
 */
export const MALLOC_TUNING = { mmapThreshold: 32 * 2 ** 20, trimThreshold: 256 * 2 ** 20, topPad: 16 * 2 ** 20 } as const;

export type NativeLoadResult = { backend: NativeBackend } | { backend: null; reason: string };

let cached: NativeLoadResult | null = null;
let addon: BlasAddon | null = null;

/** Loads the native backend once per process (later calls return the same result); never throws. */
export function loadNativeBackend(): NativeLoadResult {
  if (cached === null) {
    try {
      cached = load();
    } catch (e) {
      cached = { backend: null, reason: `unexpected error while loading the native addon: ${message(e)}` };
    }
  }
  return cached;
}

/**
 * Number of threads OpenBLAS uses for the native backend (default: OPENBLAS_NUM_THREADS or the CPU count).
 * 1 avoids oversubscription when several processes run at once (e.g. a grader running jobs in parallel).
 * Returns false (and does nothing) when the native backend is not available.
 */
export function setNativeThreads(n: number): boolean {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`setNativeThreads: n must be a positive integer, got ${n}`);
  if (!loadNativeBackend().backend || addon === null) return false;
  addon.setNumThreads(n);
  return true;
}

/** OpenBLAS's current thread count, or null when the native backend is not available. */
export function getNativeThreads(): number | null {
  return loadNativeBackend().backend && addon !== null ? addon.getNumThreads() : null;
}

function load(): NativeLoadResult {
  // Under Node's permission model (--experimental-permission in Node 20, --permission later) addons are refused
  // unless explicitly allowed, and file lookups may be denied too.
  const permission = (process as { permission?: unknown }).permission;
  const restricted = permission !== undefined && permission !== null;
  const file = findAddon();
  if (file === null) {
    return {
      backend: null,
      reason: restricted
        ? "the Node permission model is enabled, which forbids native addons (and reading the addon file)"
        : `native addon not built (${NATIVE_ADDON_PATH} not found; run \`npm run build:native\`)`,
    };
  }
  let mod: BlasAddon;
  try {
    const m = { exports: {} as unknown };
    process.dlopen(m, file);
    mod = m.exports as BlasAddon;
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    // Deno loads Node-API addons only with FFI permission (its Jupyter kernel has it; `deno run` needs --allow-ffi).
    if (process.versions.deno && (e as { name?: unknown }).name === "NotCapable") {
      return { backend: null, reason: `Deno needs --allow-ffi to load native addons (${message(e)})` };
    }
    if (code === "ERR_DLOPEN_DISABLED" || code === "ERR_ACCESS_DENIED" || restricted) {
      return {
        backend: null,
        reason: `the Node permission model forbids native addons in this process (${String(code ?? message(e))})`,
      };
    }
    return { backend: null, reason: `could not load ${file}: ${message(e)} (rebuild with \`npm run build:native\`)` };
  }
  const missing = ["gemm", "setNumThreads", "getNumThreads", "arith", "compareScalar", "axpy", "clamp", "sum", "sumSquares", "exp", "indexSelect", "logsumexpRows", "tuneMalloc", "adviseHugePages"]
    .filter((f) => typeof (mod as unknown as Record<string, unknown>)[f] !== "function");
  if (missing.length > 0) {
    return { backend: null, reason: `${file} is an older or different build (no ${missing.join(", ")}); rebuild with \`npm run build:native\`` };
  }
  addon = mod;
  const gemm = mod.gemm;
  const memoryTuned = process.env.TENSOR_MEMORY_TUNING !== "0";
  if (memoryTuned) {
    mod.tuneMalloc(MALLOC_TUNING.mmapThreshold, MALLOC_TUNING.trimThreshold, MALLOC_TUNING.topPad);
    onLargeAllocation((data) => void mod.adviseHugePages(data));
  }
  const backend: NativeBackend = {
    name: "native (OpenBLAS)",
    blasConfig: typeof mod.config === "string" ? mod.config : "OpenBLAS",
    addonPath: file,
    memoryTuned,
    threadedGather: () => mod.threadedGather,
    gemm(transA, transB, m, n, k, a, b, c) {
      gemm(transA, transB, m, n, k, a, b, c);
    },
    elementwise: nativeElementwise(mod),
  };
  return { backend };
}

/**
 * Below this many elements a loop stays in TypeScript: crossing into C costs about a microsecond, which only
 * pays off on larger arrays. (`npm run bench` measures both sides.)
 */
export const NATIVE_MIN_ELEMENTS = 1024;

/** The addon's loops for float data of at least NATIVE_MIN_ELEMENTS elements; the portable ones otherwise. */
function nativeElementwise(mod: BlasAddon): ElementwiseKernels {
  const portable = portableElementwise;
  return {
    arith(op, a, b, out, broadcast, L) {
      // b === out is allowed only where each out[i] reads b[i] or b[0] (the addon checks it too).
      if (out.length < NATIVE_MIN_ELEMENTS || b instanceof Int32Array || (b === out && broadcast > 1)) {
        portable.arith(op, a, b, out, broadcast, L);
      } else {
        mod.arith(op, a, b, out, broadcast, L);
      }
    },
    compareScalar(op, a, s, out) {
      if (out.length < NATIVE_MIN_ELEMENTS) portable.compareScalar(op, a, s, out);
      else mod.compareScalar(op, a, s, out);
    },
    axpy(y, x, alpha) {
      if (y.length < NATIVE_MIN_ELEMENTS || !isFloatArray(x)) portable.axpy(y, x, alpha);
      else mod.axpy(y, x, alpha);
    },
    clamp(src, out, lo, hi) {
      if (out.length < NATIVE_MIN_ELEMENTS || !sameFloatType(src, out)) {
        portable.clamp(src, out, lo, hi);
      } else {
        mod.clamp(src as FloatArray, out as FloatArray, lo, hi);
      }
    },
    sum(src, out, outer, size, inner) {
      if (src.length < NATIVE_MIN_ELEMENTS || !sameFloatType(src, out)) {
        portable.sum(src, out, outer, size, inner);
      } else {
        mod.sum(src as FloatArray, out as FloatArray, outer, size, inner);
      }
    },
    sumSquares(src) {
      return src.length < NATIVE_MIN_ELEMENTS ? portable.sumSquares(src) : mod.sumSquares(src);
    },
    exp(src, out) {
      // exp.c restates V8's Math.exp (fdlibm) in vector form: the same values, ~5x faster
      if (out.length < NATIVE_MIN_ELEMENTS || !sameFloatType(src, out)) portable.exp(src, out);
      else mod.exp(src, out);
    },
    indexSelect(src, index, out, outer, size, inner) {
      // gather.c copies a large gather (a minibatch) on OpenBLAS's threads, about twice as fast
      if (out.length < NATIVE_MIN_ELEMENTS) portable.indexSelect(src, index, out, outer, size, inner);
      else mod.indexSelect(src, index, out, outer, size, inner);
    },
    logsumexpRows(src, shifts, sums, rows, size) {
      if (rows * size < NATIVE_MIN_ELEMENTS || !sameFloatType(src, shifts) || !sameFloatType(src, sums)) {
        portable.logsumexpRows(src, shifts, sums, rows, size);
      } else {
        mod.logsumexpRows(src, shifts, sums, rows, size);
      }
    },
  };
}

/** The addon next to this checkout: <root>/lib/native/build/..., found from this file, else from the cwd upwards. */
function findAddon(): string | null {
  const starts: string[] = [];
  if (typeof __dirname === "string") starts.push(path.resolve(__dirname, "..", ".."));
  starts.push(process.cwd());
  for (const start of starts) {
    let dir = start;
    for (;;) {
      const candidate = path.join(dir, NATIVE_ADDON_PATH);
      if (exists(candidate)) return candidate;
      const parent = path.dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  return null;
}

function exists(file: string): boolean {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
