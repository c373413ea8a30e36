import { availableParallelism } from "node:os";
import { setFlagsFromString } from "node:v8";
import { WASM_KERNELS_BASE64, WASM_SHARED_MAX_PAGES } from "../wasm/kernels-binary";
import type { FloatArray, GemmBackend } from "./backend";
import { checkSizes, portableBackend } from "./portable-gemm";
import { align, wasmElementwise, type ElementwiseExports } from "./wasm-elementwise";
import { MAX_CHUNKS, startWasmThreads, type WasmThreads } from "./wasm-threads";

/**
 * The WebAssembly matmul backend: lib/wasm's SIMD kernels (4x4 float64 / 4x8 float32 register tiles), needing
 * no compiler, so it is the fallback when the native addon is not built (and what runs in the grader's
 * sandbox, where Node's permission model forbids addons).
 *
 * Kernels: "fused" (one fused multiply-add per step, WebAssembly relaxed SIMD; Node 20 ships it behind a V8
 * flag, which this module turns on) where the engine has it, else "exact" (multiply then add: float64 results
 * equal the naive triple loop's bit for bit). TENSOR_WASM_EXACT=1 forces the exact kernel.
 * Threads: a big product's rows (or panels) are split among worker threads sharing the module memory
 * (wasm-threads.ts), as many as the machine has cores (TENSOR_WASM_THREADS=n or setWasmThreads(n) to choose);
 * an A as stored is copied in chunk by chunk while the workers compute the chunks already in;
 * where workers are not allowed (the grader's sandbox: Node's permission model without --allow-worker) it
 * runs on the calling thread alone. Every C element is computed by one thread, so the thread count never
 * changes a result.
 * Operands are copied into the module's memory as stored (B then packed into column panels there, a B as stored
 * one block of rows at a time; a transposed A copied block by block into per-thread scratch by the kernel) and
 * the product copied back,
 * padding columns squeezed out first. The elementwise loops (wasm-elementwise.ts) run in the module too, with
 * the portable loops' bits.
 * Memories: a private one for the elementwise loops and single-threaded products, and where threads can run a
 * shared one for the threaded products (copies into a shared buffer are slower); each grows up to the cap.
 */

/**
 * Cap of each module memory (the private and the shared one; memories never shrink): an untransposed A is fed in
 * row blocks that fit; products that cannot fit (a transposed A or a packed B over the cap) run on the TypeScript
 * kernel. It is the shared memory's declared maximum (256 MiB, set by `npm run build:wasm`), so the cap can be
 * lowered but a threaded module never grows past it.
 */
export const WASM_MAX_BYTES = WASM_SHARED_MAX_PAGES * 65536;

let maxBytes = WASM_MAX_BYTES;

/** Lowers (or restores) the module memory cap, e.g. on a memory-tight machine; returns the previous one. */
export function setWasmMemoryLimit(bytes: number): number {
  if (!(bytes >= 65536)) throw new RangeError(`setWasmMemoryLimit: need at least 65536 bytes, got ${bytes}`);
  const previous = maxBytes;
  maxBytes = bytes;
  return previous;
}

/**
 * A product below this many multiply-adds runs on one thread: handing a share to another core (which then reads
 * its rows of A from this core's cache) costs more than it saves. Measured on a 2-core Xeon (2 MB L2 per core):
 * 1.2M multiply-adds took 0.20 ms on one thread and 0.33 on two, 7.4M 1.20 and 1.38, 12.8M 1.42 and 1.11.
 */
const THREAD_MIN_MADDS = 8_000_000;
const MAX_THREADS = 8;

let threadsWanted = defaultThreads();

function defaultThreads(): number {
  const env = Number(process.env.TENSOR_WASM_THREADS);
  if (Number.isInteger(env) && env >= 1) return Math.min(env, MAX_THREADS);
  try {
    return Math.max(1, Math.min(MAX_THREADS, availableParallelism()));
  } catch {
    return 1;
  }
}

/**
 * How many threads a big product may use (1 = the calling thread alone); returns the previous setting.
 * Takes effect from the next product; threads that cannot start (no workers here) leave it at 1.
 */
export function setWasmThreads(n: number): number {
  if (!Number.isInteger(n) || n < 1 || n > MAX_THREADS) throw new RangeError(`setWasmThreads: n must be an integer in 1..${MAX_THREADS}, got ${n}`);
  const previous = threadsWanted;
  threadsWanted = n;
  return previous;
}

export type WasmKernel = "fused" | "exact";

export interface WasmLoadOptions {
  /** "fused" falls back to "exact" where the engine lacks relaxed SIMD. Default: fused unless TENSOR_WASM_EXACT=1. */
  kernel?: WasmKernel;
  /** Allow worker threads (default true; they still start only where workers are permitted and cores > 1). */
  threads?: boolean;
}

/** What a loaded wasm backend runs: its kernel, how many threads it may use now, and why not more. */
export interface WasmDetail {
  kernel: WasmKernel;
  threads: number;
  /** Set when the backend runs on one thread although more were asked for. */
  singleThreadReason?: string;
  /** Product shares the worker threads have finished so far in this process. */
  workerShares: number;
}

export type WasmBackend = GemmBackend & { detail(): WasmDetail };
export type WasmLoadResult = { backend: WasmBackend } | { backend: null; reason: string };

interface Kernels extends ElementwiseExports {
  dpack(k: number, n: number, src: number, dst: number): void;
  spack(k: number, n: number, src: number, dst: number): void;
  dpanel(rows: number, n: number, src: number, dst: number, k: number): void;
  spanel(rows: number, n: number, src: number, dst: number, k: number): void;
  compact(rows: number, fromBytes: number, toBytes: number, c: number): void;
  dgemm(m: number, panels: number, k: number, a: number, sai: number, sap: number, b: number, sbp: number, sbj: number, c: number, ldc: number, scratch: number): void;
  sgemm(m: number, panels: number, k: number, a: number, sai: number, sap: number, b: number, sbp: number, sbj: number, c: number, ldc: number, scratch: number): void;
  /** Bytes of scratch each thread's share needs when A is read transposed. */
  GEMM_SCRATCH_BYTES: { value: number };
}

/** The part of the WebAssembly API used here (lib targets ES2022 without DOM types, which declare it). */
export interface WasmMemory {
  buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Memory: new (d: { initial: number; maximum?: number; shared?: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
}

/** One instance of the kernels and the memory it works in. */
interface Space {
  kernels: Kernels;
  memory: WasmMemory;
  shared: boolean;
}

const cache = new Map<string, WasmLoadResult>();

/**
 * The wasm backend, compiled once per process and kernel choice; never throws (returns why when this engine
 * cannot run it). Without options: the fastest this process can run.
 */
export function loadWasmBackend(options: WasmLoadOptions = {}): WasmLoadResult {
  const kernel = options.kernel ?? (process.env.TENSOR_WASM_EXACT === "1" ? "exact" : "fused");
  const threads = options.threads ?? true;
  const key = `${kernel}/${threads}`;
  let result = cache.get(key);
  if (result === undefined) {
    try {
      result = load(kernel, threads);
    } catch (e) {
      result = { backend: null, reason: `could not instantiate the WebAssembly kernels: ${e instanceof Error ? e.message : String(e)}` };
    }
    cache.set(key, result);
  }
  return result;
}

function validates(wasm: WasmApi, bytes: Uint8Array): boolean {
  try {
    return wasm.validate(bytes);
  } catch {
    return false;
  }
}

/** Node 20's V8 has relaxed SIMD behind a flag (on by default from V8 11.4 / Node 22); turn it on if needed. */
function relaxedSimd(wasm: WasmApi, bytes: Uint8Array): boolean {
  if (validates(wasm, bytes)) return true;
  try {
    setFlagsFromString("--experimental-wasm-relaxed-simd");
  } catch {
    return false; // an engine without V8 flags (or a Node built without them)
  }
  return validates(wasm, bytes);
}

/** Why worker threads cannot run in this process, or null when they may. */
function workersForbidden(): string | null {
  const permission = (process as { permission?: { has(scope: string): boolean } }).permission;
  if (permission && typeof permission.has === "function" && !permission.has("worker")) {
    return "Node's permission model forbids worker threads here (as in the grader's sandbox)";
  }
  if (typeof SharedArrayBuffer !== "function") return "this engine has no SharedArrayBuffer";
  return null;
}

/**
 * Where a threaded product's chunks of rows start (the last entry is `rows`), each chunk taken by whichever
 * thread is free once its rows of A are in; null when there are too few rows (split them evenly after one copy).
 * For an A as stored this thread copies the chunks in, in order, and the workers start as soon as the first is
 * in. Each chunk's kernel call reads all of packed B once, so:
 * - small chunks (about four per thread, at most the kernel's 64-row MC block; the copy overlaps best) where B
 *   stays in cache (under CACHED_B_BYTES) or A is tall;
 * - otherwise one chunk per thread, after a short first chunk per worker (STARTER_ROWS) where a thread's share
 *   of A is about as big as B or bigger (STARTER_MIN_SHARE): then the workers start after a few rows' copy
 *   rather than a whole share's, which outweighs their one more pass over B.
 * `aRowBytes` is 0 for a transposed A (copied whole before any chunk starts, so no starter chunks).
 * Measured here (2 threads, ms, float64 / float32):
 * 200 x 3073 @ 3073 x 100, B 2.5 / 1.3 MB: 64-row chunks 3.9-4.3 / 2.1, halves 3.9 / 1.97, 16 + 92 + 92 rows
 * 3.6 / 1.88; 300 rows (float64) 5.37 against 5.05 with a starter; 160 rows 3.06 against 3.11;
 * 500 x 3073 @ 3073 x 10, B 0.3 MB: 1.7 / 1.1 against 2.1 / 1.3; 4000 rows: 69 / 35 against 75 / 39;
 * 200 x 3072 @ 3072 x 500, B 12 / 6 MB: 20.7 / 10.5 against 19.1 / 8.5 for halves, 20.0 / 9.8 with a starter.
 */
function chunkStartsFor(rows: number, threads: number, packedBBytes: number, aRowBytes: number): number[] | null {
  if (threads < 2 || rows < 16 * threads) return null;
  // Rows [from, rows) in chunks of `per`, after `starts` (the chunks before `from`).
  const cut = (from: number, per: number, starts: number[] = []): number[] => {
    for (let r = from; r < rows; r += per) starts.push(r);
    starts.push(rows);
    return starts;
  };
  if (packedBBytes <= CACHED_B_BYTES || rows >= 512) {
    const atLeast = Math.ceil(rows / MAX_CHUNKS / 4) * 4;
    return cut(0, Math.max(atLeast, Math.min(64, Math.ceil(rows / (4 * threads) / 4) * 4)));
  }
  const share = Math.ceil(rows / threads / 4) * 4;
  if (share * aRowBytes < STARTER_MIN_SHARE * packedBBytes) return cut(0, share);
  // One starter per worker (rows >= 16 * threads leaves at least 16 rows after them), then one chunk per thread.
  const from = (threads - 1) * STARTER_ROWS;
  const starters = Array.from({ length: threads - 1 }, (_, w) => w * STARTER_ROWS);
  return cut(from, Math.ceil((rows - from) / threads / 4) * 4, starters);
}

/** A worker's first chunk where it gets one (12-20 rows measured alike). */
const STARTER_ROWS = 16;
/** Starter chunks only where a thread's share of A is at least this fraction of packed B's bytes. */
const STARTER_MIN_SHARE = 0.9;

/** Packed B up to this size stays in a core's L2 (1-2 MB on current x86-64 servers) between chunks. */
const CACHED_B_BYTES = 1 << 20;

/** Products with at least this many rows read a B as stored from panels (one pass to pack, then sequential reads). */
const PANEL_MIN_ROWS = 8;
/**
 * A B as stored is copied in and packed this many bytes of rows at a time (at least one row), so each block is
 * packed from cache: one whole copy of a 12 MB weight matrix, then one packing pass down all its rows for every
 * panel, took 6.5 ms of `X @ W1` (float64, 3072 x 500); the blocked copy and pack take ~3.7, 1.6 of them the copy.
 */
const STAGE_BYTES = 128 * 1024;

function load(want: WasmKernel, allowThreads: boolean): WasmLoadResult {
  const wasm = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
  if (!wasm) return { backend: null, reason: "this JavaScript engine has no WebAssembly" };
  const decode = (build: keyof typeof WASM_KERNELS_BASE64): Uint8Array => Buffer.from(WASM_KERNELS_BASE64[build], "base64");
  const exact = decode("exact");
  if (!validates(wasm, exact)) return { backend: null, reason: "this JavaScript engine lacks WebAssembly SIMD" };
  const fused = want === "fused" ? decode("fused") : null;
  const kernel: WasmKernel = fused !== null && relaxedSimd(wasm, fused) ? "fused" : "exact";

  let singleThreadReason: string | undefined = allowThreads ? (workersForbidden() ?? undefined) : "threads were not asked for";
  const sharedBytes = singleThreadReason === undefined ? decode(kernel === "fused" ? "fusedShared" : "exactShared") : null;
  const shared = sharedBytes !== null && validates(wasm, sharedBytes);
  if (singleThreadReason === undefined && !shared) singleThreadReason = "this engine lacks WebAssembly threads";
  const abort = (): never => {
    throw new Error("wasm gemm: kernel aborted");
  };
  const instantiate = (module: object, memory: WasmMemory, isShared: boolean): Space => ({
    kernels: new wasm.Instance(module, { env: { memory, abort } }).exports as unknown as Kernels,
    memory,
    shared: isShared,
  });
  // Two instances: the elementwise loops and single-threaded products use a private memory, products big enough
  // for threads a shared one. V8 copies into and out of a shared buffer with relaxed atomic word copies, not
  // memcpy: measured here 0.032 ns/byte against 0.022 for 64 KiB pieces, 0.164 against 0.121 for 48 MiB.
  const privateSpace = instantiate(new wasm.Module(kernel === "fused" && fused !== null ? fused : exact), new wasm.Memory({ initial: 1 }), false);
  const sharedModule = shared ? new wasm.Module(sharedBytes) : null;
  const sharedSpace = sharedModule === null ? null : instantiate(sharedModule, new wasm.Memory({ initial: 1, maximum: WASM_SHARED_MAX_PAGES, shared: true }), true);
  // Started on the first product big enough to want them.
  let pool: WasmThreads | null = null;
  let workerShares = 0;

  const threadsFor = (madds: number): number => {
    if (sharedModule === null || sharedSpace === null || singleThreadReason !== undefined || threadsWanted === 1 || madds < THREAD_MIN_MADDS) return 1;
    if (pool === null || pool.size < threadsWanted - 1) {
      pool?.close();
      const started = startWasmThreads(sharedModule, sharedSpace.memory, threadsWanted - 1);
      if (typeof started === "string") {
        singleThreadReason = started;
        pool = null;
        return 1;
      }
      pool = started;
    }
    return threadsWanted;
  };

  const scratchBytes = privateSpace.kernels.GEMM_SCRATCH_BYTES.value;

  /** A worker failed or stopped answering: close the pool and stay on one thread from now on, saying why. */
  const dropThreads = (reason: string): void => {
    singleThreadReason = reason;
    pool?.close();
    pool = null;
  };

  /**
   * One block's product on this thread and, when it is big enough, the worker threads (`t` of them in all, as
   * threadsFor said); share j gets the scratch at sOff + j * scratchBytes.
   */
  const run = (kernels: Kernels, f64: boolean, t: number, rows: number, panels: number, k: number, aOff: number, sai: number, sap: number, bOff: number, sbp: number, sbj: number, cOff: number, ldc: number, sOff: number): void => {
    const call = f64 ? kernels.dgemm : kernels.sgemm;
    const elem = f64 ? 8 : 4;
    if (t === 1 || pool === null) {
      call(rows, panels, k, aOff, sai, sap, bOff, sbp, sbj, cOff, ldc, sOff);
      return;
    }
    // Split the rows in multiples of the 4-row tile; a product with few rows (a small batch times a wide
    // matrix) is split by panels instead.
    const jobs: number[][] = [];
    if (rows >= 8 * t) {
      const per = Math.ceil(rows / t / 4) * 4;
      for (let i0 = 0; i0 < rows; i0 += per) {
        const r = Math.min(per, rows - i0);
        jobs.push([r, panels, k, aOff + i0 * sai * elem, sai, sap, bOff, sbp, sbj, cOff + i0 * ldc * elem, ldc, sOff + jobs.length * scratchBytes]);
      }
    } else {
      const per = Math.ceil(panels / t);
      for (let j0 = 0; j0 < panels; j0 += per) {
        jobs.push([rows, Math.min(per, panels - j0), k, aOff, sai, sap, bOff + j0 * sbj, sbp, sbj, cOff + j0 * 32, ldc, sOff + jobs.length * scratchBytes]);
      }
    }
    const [own, ...others] = jobs;
    const wait = pool.start(f64, others);
    call(...(own as Parameters<typeof call>));
    const failure = wait();
    if (failure !== null) {
      // A worker that failed or stopped answering: finish its share here and stay on one thread from now on.
      dropThreads(failure);
      for (const job of others) call(...(job as Parameters<typeof call>));
    } else {
      workerShares += others.length;
    }
  };

  /**
   * A product's block of `rows` rows on `pool`'s threads and this one, in chunks of rows (chunk i is rows
   * [starts[i], starts[i + 1]), as chunkStartsFor cuts them) taken by whichever thread is free once ready. For
   * an A as stored this thread copies A in chunk by chunk (`copyIn(fromRow, toRow)`) while the workers start on
   * the first chunks (the copy into shared memory was 9 of 40 ms of a 4000 x 3073 float32 product, the workers
   * idle all along); a transposed A is copied in whole first.
   * Then it takes chunks too, and copies out each finished chunk's rows of C (`copyOut(chunk)`) in order while
   * the others still compute (C's copy was 2.4 of `X.T @ dh`'s 21 ms, float64).
   */
  const runChunked = (kernels: Kernels, f64: boolean, starts: readonly number[], transA: boolean, job: number[], copyIn: (from: number, to: number) => void, copyOut: (chunk: number) => void): void => {
    const call = f64 ? kernels.dgemm : kernels.sgemm;
    const elem = f64 ? 8 : 4;
    const [rows, panels, k, aOff, sai, sap, bOff, sbp, sbj, cOff, ldc, sOff] = job;
    const chunks = starts.length - 1;
    const compute = (ci: number): void => {
      const i0 = starts[ci];
      call(starts[ci + 1] - i0, panels, k, aOff + i0 * sai * elem, sai, sap, bOff, sbp, sbj, cOff + i0 * ldc * elem, ldc, sOff);
    };
    const threads = pool as WasmThreads;
    // Worker `slot` packs a transposed A's blocks in its own scratch, after this thread's (an A as stored needs none).
    const started = threads.startChunked(f64, job, starts, (slot) => (transA ? sOff + (slot + 1) * scratchBytes : sOff));
    if (transA) {
      copyIn(0, rows);
      started.ready(chunks);
    } else {
      for (let ci = 0; ci < chunks; ci++) {
        copyIn(starts[ci], starts[ci + 1]);
        started.ready(ci + 1);
      }
    }
    let out = 0;
    for (let ci = started.claim(); ci < chunks; ci = started.claim()) {
      compute(ci);
      started.finish(ci);
      for (; out < chunks && started.done(out); out++) copyOut(out);
    }
    for (; out < chunks && started.await(out); out++) copyOut(out);
    const failure = started.wait();
    if (failure !== null || out < chunks) {
      // A worker failed or stopped answering: finish every chunk it left here (the same bits; a chunk finished
      // twice gets the same values) and stay on one thread from now on.
      dropThreads(failure ?? "a wasm worker thread stopped answering");
      for (; out < chunks; out++) {
        if (!started.done(out)) compute(out);
        copyOut(out);
      }
    } else {
      workerShares += started.helpers();
    }
  };

  /**
   * Packs a B as stored (k x n) into panels at bOff on the pool's threads and this one: this thread copies B in
   * at `stage` a block of `rows` rows at a time, and each block is packed by whichever thread is free once it is
   * in. Packing after the whole copy, on this thread, was 1.3 of the 2.9 ms `X @ W1` spent on B (float64,
   * 3072 x 500); the copy into shared memory is the rest.
   */
  const packInParallel = (kernels: Kernels, f64: boolean, rows: number, n: number, b: FloatArray, stage: number, bOff: number, k: number): void => {
    const elem = f64 ? 8 : 4;
    const blockBytes = rows * n * elem;
    const blocks = Math.ceil(k / rows);
    const pack = (bi: number): void => (f64 ? kernels.dpanel : kernels.spanel)(Math.min(rows, k - bi * rows), n, stage + bi * blockBytes, bOff + bi * rows * 32, k);
    const threads = pool as WasmThreads;
    const started = threads.startPacking(f64, rows, n, stage, blockBytes, bOff, k);
    const into = new (f64 ? Float64Array : Float32Array)(buffer(sharedSpace as Space), stage, k * n);
    for (let bi = 0; bi < blocks; bi++) {
      const p0 = bi * rows, p1 = Math.min(k, p0 + rows);
      into.set(b.subarray(p0 * n, p1 * n), p0 * n);
      started.ready(bi + 1);
    }
    for (let bi = started.claim(); bi < blocks; bi = started.claim()) pack(bi);
    const failure = started.wait();
    if (failure !== null) {
      // Which blocks a failed worker packed is unknown: pack them all here (the same panels).
      dropThreads(failure);
      for (let bi = 0; bi < blocks; bi++) pack(bi);
    }
  };

  // A view over the shared buffer reads and writes like one over a private one (this thread writes only rows of A
  // no worker reads yet, published by an Atomics store, and reads C after the workers finished), so the typed
  // arrays need not know which it is.
  const buffer = (space: Space): ArrayBuffer => space.memory.buffer as ArrayBuffer;
  const cap = (space: Space): number => (space.shared ? Math.min(maxBytes, WASM_MAX_BYTES) : maxBytes);

  /** Grows the space's memory to `bytes` (null when over the cap) and returns its buffer. */
  const reserve = (space: Space, bytes: number): ArrayBuffer | null => {
    if (bytes > cap(space)) return null;
    const have = buffer(space).byteLength;
    if (bytes > have) space.memory.grow(Math.ceil((bytes - have) / 65536));
    return buffer(space);
  };

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
    // Module memory: B, then a block of A's rows, the matching rows of C, and for a transposed A one scratch
    // block per thread. A stored as is can be cut into row blocks, so a big A (a whole training set) streams
    // through a bounded memory; a transposed A is one block.
    // A transposed B is packed into panels, by the module from a copy in the A region when that fits. A B as
    // stored is packed too when 8 rows or more will pass over it: staged a block of rows at a time in the A
    // region and packed from there by the module (packStored in gemm.ts). Otherwise B as stored is read in place
    // (rows of n elements, and zeroed slack for the last partial panel's read past the end).
    // Threads need the shared memory; a product on one thread copies faster into the private one.
    const threads = threadsFor(m * ldc * k);
    const space = sharedSpace !== null && threads > 1 ? sharedSpace : privateSpace;
    const { kernels } = space;
    const limit = cap(space);
    const stageRows = Math.min(k, Math.max(1, Math.floor(STAGE_BYTES / (n * elem))));
    const stageBytes = stageRows * n * elem;
    const panelB = transB || (m >= PANEL_MIN_ROWS && align(panels * k * 32) + stageBytes <= limit);
    const bBytes = panelB ? panels * k * 32 : (k * n + w) * elem;
    const [sbp, sbj] = panelB ? [32, k * 32] : [n * elem, 32];
    const rowBytes = (k + ldc) * elem;
    const threadsT = transA ? threads : 1;
    const scratch = transA ? threadsT * scratchBytes : 0;
    const rowsPerBlock = transA ? m : Math.min(m, Math.floor((limit - bBytes - 48) / rowBytes));
    if (rowsPerBlock < 1 || bBytes + 48 + rowsPerBlock * rowBytes + scratch > limit) {
      portableBackend.gemm(transA, transB, m, n, k, a, b, c);
      return;
    }
    const bOff = 0;
    const aOff = align(bBytes);
    const cOff = align(aOff + rowsPerBlock * k * elem);
    const sOff = align(cOff + rowsPerBlock * ldc * elem);
    // Where B's copy waits for the module to pack it: all of a transposed B (when it fits), a block of a B as stored.
    const staged = !panelB ? 0 : transB ? (aOff + k * n * elem <= limit ? k * n * elem : 0) : stageBytes;
    // A threaded product stages all of a B as stored (after everything else), so the workers pack blocks while
    // this thread copies the next ones in.
    const end = Math.max(sOff + scratch, aOff + staged);
    const stageAll = panelB && !transB && space.shared && align(end) + k * n * elem <= limit ? align(end) : 0;
    reserve(space, stageAll > 0 ? stageAll + k * n * elem : end);
    const View = f64 ? Float64Array : Float32Array;
    if (!panelB) {
      const stored = new View(buffer(space), bOff, k * n + w);
      stored.set(b.subarray(0, k * n));
      stored.fill(0, k * n);
    } else if (!transB && stageAll > 0 && pool !== null) {
      packInParallel(kernels, f64, stageRows, n, b, stageAll, bOff, k);
    } else if (!transB) {
      const stage = new View(buffer(space), aOff, stageRows * n);
      const pack = f64 ? kernels.dpanel : kernels.spanel;
      for (let p0 = 0; p0 < k; p0 += stageRows) {
        const rows = Math.min(stageRows, k - p0);
        stage.set(b.subarray(p0 * n, (p0 + rows) * n));
        pack(rows, n, aOff, bOff + p0 * 32, k);
      }
    } else if (staged > 0) {
      new View(buffer(space), aOff, k * n).set(b.subarray(0, k * n));
      (f64 ? kernels.dpack : kernels.spack)(k, n, aOff, bOff);
    } else {
      packTransposedB(b, k, n, w, new View(buffer(space), bOff, panels * k * w));
    }
    // op(A)[i][p] is a[i * k + p] as stored, a[p * m + i] when transposed (then one block holds all of A).
    const [sai, sap] = transA ? [1, m] : [k, 1];
    for (let i0 = 0; i0 < m; i0 += rowsPerBlock) {
      const rows = Math.min(rowsPerBlock, m - i0);
      const t = transA ? threadsT : space.shared ? threadsFor(rows * ldc * k) : 1;
      const into = new View(buffer(space), aOff, rows * k);
      const starts = chunkStartsFor(rows, t, bBytes, transA ? 0 : k * elem);
      if (starts !== null && pool !== null) {
        // Each chunk's padding columns are squeezed out in the module, so one copy brings its rows back.
        const copyOut = (ci: number): void => {
          const r0 = starts[ci], r = starts[ci + 1] - r0, at = cOff + r0 * ldc * elem;
          if (ldc !== n) kernels.compact(r, ldc * elem, n * elem, at);
          c.set(new View(buffer(space), at, r * n), (i0 + r0) * n);
        };
        const copyIn = (from: number, to: number): void => {
          into.set(a.subarray((i0 + from) * k, (i0 + to) * k), from * k);
        };
        runChunked(kernels, f64, starts, transA, [rows, panels, k, aOff, sai, sap, bOff, sbp, sbj, cOff, ldc, sOff], copyIn, copyOut);
        continue;
      }
      into.set(a.subarray(i0 * k, (i0 + rows) * k));
      run(kernels, f64, t, rows, panels, k, aOff, sai, sap, bOff, sbp, sbj, cOff, ldc, sOff);
      // C's padding columns are squeezed out in the module, so one copy brings the rows back.
      if (ldc !== n) kernels.compact(rows, ldc * elem, n * elem, cOff);
      c.set(new View(buffer(space), cOff, rows * n), i0 * n);
    }
  };

  const detail = (): WasmDetail => {
    const threads = sharedSpace !== null && singleThreadReason === undefined ? threadsWanted : 1;
    const reason = threadsWanted > 1 && threads === 1 ? singleThreadReason : undefined;
    return { kernel, threads, workerShares, ...(reason === undefined ? {} : { singleThreadReason: reason }) };
  };
  return { backend: { name: "wasm (WebAssembly SIMD)", gemm, elementwise: wasmElementwise(privateSpace.kernels, (bytes) => reserve(privateSpace, bytes)), detail } };
}

/**
 * The TypeScript packing, for a transposed B whose stored copy does not fit beside the packed one under the
 * memory cap. op(B) (k x n; B stored n x k) into panels of w columns, each row's w values contiguous,
 * zero-padded past column n: panel jp holds op(B)[p][w * jp + t] at (jp * k + p) * w + t (the layout
 * lib/wasm/assembly/gemm.ts reads).
 */
function packTransposedB(b: FloatArray, k: number, n: number, w: number, out: FloatArray): void {
  for (let j0 = 0, jp = 0; j0 < n; j0 += w, jp++) {
    const cols = Math.min(w, n - j0);
    const base = jp * k * w;
    // Each column of op(B) is a stored row: read it sequentially.
    for (let t = 0; t < cols; t++) {
      const src = (j0 + t) * k;
      for (let p = 0; p < k; p++) out[base + p * w + t] = b[src + p];
    }
    if (cols < w) for (let p = 0; p < k; p++) for (let t = cols; t < w; t++) out[base + p * w + t] = 0;
  }
}
