import { Worker } from "node:worker_threads";
import type { WasmMemory } from "./wasm-backend";

/**
 * Worker threads for the wasm backend: each instantiates the same kernels on the same shared memory and waits
 * on a control block (Atomics), so handing out a product's share costs a few microseconds and the calling
 * thread, which works on a share itself, blocks only for the rest. The tensor API stays synchronous.
 */
export interface WasmThreads {
  /** Number of worker threads (the calling thread comes on top). */
  readonly size: number;
  /**
   * Hands each worker one job (dgemm/sgemm arguments: m, panels, k, a, sai, sap, b, sbp, sbj, c, ldc, scratch) and returns a
   * function that waits for all of them: null when all finished, else why not (then some shares may be missing).
   */
  start(f64: boolean, jobs: number[][]): () => string | null;
  /**
   * Starts every worker on one product (`job`, as above; `scratch(slot)` gives worker `slot` its own scratch) cut
   * into chunks of rows (chunk i is rows [starts[i], starts[i + 1])), each taken by whichever thread is free
   * once it is ready: the caller copies A in and says so with ready() (chunk by chunk for an A as stored, so the
   * workers compute while it copies), takes chunks itself with claim(), and copies out each chunk's rows of C
   * once done() says it is finished.
   */
  startChunked(f64: boolean, job: number[], starts: readonly number[], scratch: (slot: number) => number): ChunkedRun;
  /**
   * Starts every worker packing a B as stored into panels (dpanel/spanel), block by block as the caller copies
   * the blocks in: block i of `rows` rows of n sits at stage + i * stageBytes and goes to b + i * rows * 32 of a
   * B k deep. The caller says which blocks are in with ready(), packs blocks itself with claim(), and calls wait().
   */
  startPacking(f64: boolean, rows: number, n: number, stage: number, stageBytes: number, b: number, k: number): PackRun;
  close(): void;
}

/** A chunked product under way (see startChunked). */
export interface ChunkedRun {
  /** Chunks [0, count) have their rows of A in place. */
  ready(count: number): void;
  /** The next chunk nobody has taken yet (the caller computes it); at or past the chunk count when none is left. */
  claim(): number;
  /** Marks a chunk the caller computed as finished. */
  finish(chunk: number): void;
  /** Whether the chunk is finished (by anyone). */
  done(chunk: number): boolean;
  /** Waits until the chunk is finished: false when a worker failed or stopped answering first. */
  await(chunk: number): boolean;
  /** Waits for the workers to leave the product: null when all did, else why not (unfinished chunks are the caller's). */
  wait(): string | null;
  /** After wait(): how many workers computed at least one chunk. */
  helpers(): number;
}

/** B's blocks being packed (see startPacking). */
export type PackRun = Pick<ChunkedRun, "ready" | "claim" | "wait">;

/** A chunked product has at most this many chunks (one completion flag each in the control block). */
export const MAX_CHUNKS = 1024;

// Control block, in Int32 slots: the job generation (bumped to start), how many workers finished it, whether one
// failed; for a chunked job the next chunk to take, how many chunks are ready, and how many chunks; then ARGS per
// worker: [kind (0 none, 1 float64, 2 float32, 3 float64 chunked, 4 float32 chunked), m, panels, k, a, sai, sap, b,
// sbp, sbj, c, ldc, scratch, and the chunks it took (written by the worker)], or for packing B [kind (5 float64,
// 6 float32), rows per block, n, stage, stage bytes per block, b, k]; then MAX_CHUNKS completion flags
// (a chunk is finished when its flag holds the job's generation, so they need no reset between jobs), then a
// chunked job's MAX_CHUNKS + 1 chunk starts (rows).
const GEN = 0, DONE = 1, FAILED = 2, NEXT = 3, READY = 4, CHUNK = 5, HEADER = 8, ARGS = 14, TAKEN = 13;

/**
 * Waits first spin this many reads of the control block (about 130 us here) before sleeping: handing a job to a
 * sleeping worker and back took 64-121 us (futex wake-ups), 2 when it was still spinning; a 500 x 3073 @
 * 3073 x 10 product went from 1.75 to 1.63 ms (float64) and 1.22 to 1.08 (float32).
 */
const SPINS = 20_000;

/** A worker that has not answered for this long is taken for dead (a share of a product takes milliseconds). */
const STALL_MS = 60_000;

// The workers' code (CommonJS, run with eval: the kit ships no separate worker file to find on disk). One
// function scope, so no name clashes with what the host's eval wrapper declares (Deno's declares `module`: a
// top-level "const module" there was a SyntaxError, an uncaught worker error that aborted the notebook cell).
const WORKER_SOURCE = `(() => {
const { workerData } = require("node:worker_threads");
const { wasmModule, memory, control, slot } = workerData;
const abort = () => { throw new Error("wasm gemm: kernel aborted"); };
// A worker that cannot instantiate still answers every job (as failed), so the caller never waits on it.
let kernels = null;
try { kernels = new WebAssembly.Instance(wasmModule, { env: { memory, abort } }).exports; } catch (e) {}
const ctl = new Int32Array(control);
const at = ${HEADER} + slot * ${ARGS};
const flags = ${HEADER} + workerData.count * ${ARGS};
const starts = flags + ${MAX_CHUNKS};
let gen = 0;
/** Waits (spinning first) until the caller has said item i of a chunked or packing job is in. */
const awaitReady = (i) => {
  for (let r = Atomics.load(ctl, ${READY}), n = 0; r <= i; r = Atomics.load(ctl, ${READY}), n++) if (n > ${SPINS}) Atomics.wait(ctl, ${READY}, r, 1000);
};
for (;;) {
  // Spin a little before sleeping: the next job often follows at once (B packed, then the product), and waking
  // a sleeping thread takes tens of microseconds.
  for (let i = 0; i < ${SPINS} && Atomics.load(ctl, ${GEN}) === gen; i++);
  Atomics.wait(ctl, ${GEN}, gen);
  gen = Atomics.load(ctl, ${GEN});
  try {
    const kind = ctl[at];
    if (kind !== 0 && kernels === null) Atomics.store(ctl, ${FAILED}, 1);
    else if (kind === 3 || kind === 4) {
      // Chunks of a product's rows, taken one at a time once the caller says their rows of A are in place.
      const call = kind === 3 ? kernels.dgemm : kernels.sgemm;
      const elem = kind === 3 ? 8 : 4;
      const [, panels, k, a, sai, sap, b, sbp, sbj, c, ldc, scratch] = ctl.subarray(at + 1, at + ${TAKEN});
      const chunks = ctl[${CHUNK}];
      let taken = 0;
      for (let ci = Atomics.add(ctl, ${NEXT}, 1); ci < chunks; ci = Atomics.add(ctl, ${NEXT}, 1)) {
        awaitReady(ci);
        const i0 = ctl[starts + ci];
        call(ctl[starts + ci + 1] - i0, panels, k, a + i0 * sai * elem, sai, sap, b, sbp, sbj, c + i0 * ldc * elem, ldc, scratch);
        ctl[at + ${TAKEN}] = ++taken;
        Atomics.store(ctl, flags + ci, gen);
        Atomics.notify(ctl, flags + ci);
      }
    } else if (kind >= 5) {
      // Blocks of a B as stored, packed into panels once the caller says they are in.
      const pack = kind === 5 ? kernels.dpanel : kernels.spanel;
      const [rows, n, stage, stageBytes, b, k] = ctl.subarray(at + 1, at + 7);
      for (let bi = Atomics.add(ctl, ${NEXT}, 1); bi * rows < k; bi = Atomics.add(ctl, ${NEXT}, 1)) {
        awaitReady(bi);
        pack(Math.min(rows, k - bi * rows), n, stage + bi * stageBytes, b + bi * rows * 32, k);
      }
    } else if (kind !== 0) {
      const call = kind === 1 ? kernels.dgemm : kernels.sgemm;
      call(...ctl.subarray(at + 1, at + ${TAKEN}));
    }
  } catch (e) {
    Atomics.store(ctl, ${FAILED}, 1);
  }
  Atomics.add(ctl, ${DONE}, 1);
  Atomics.notify(ctl, ${DONE});
}
})();
`;

/** Starts `count` workers on the kernels' module and memory, or says why workers cannot run here. */
export function startWasmThreads(module: object, memory: WasmMemory, count: number): WasmThreads | string {
  const flags = HEADER + count * ARGS;
  const control = new SharedArrayBuffer((flags + 2 * MAX_CHUNKS + 1) * 4);
  const ctl = new Int32Array(control);
  const workers: Worker[] = [];
  let broken: string | null = null;
  try {
    for (let slot = 0; slot < count; slot++) {
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { wasmModule: module, memory, control, slot, count } });
      worker.unref(); // never keeps the process alive
      worker.on("error", (e: Error) => { broken = `a wasm worker thread failed: ${e.message}`; });
      worker.on("exit", () => { broken ??= "a wasm worker thread exited"; });
      workers.push(worker);
    }
  } catch (e) {
    for (const w of workers) void w.terminate();
    return `worker threads cannot start here: ${e instanceof Error ? e.message : String(e)}`;
  }
  let closed = false;

  const waitAll = (): string | null => {
    if (broken !== null) return broken;
    let done = Atomics.load(ctl, DONE);
    for (let i = 0; i < SPINS && done < count; i++) done = Atomics.load(ctl, DONE);
    let since = Date.now();
    while (done < count) {
      Atomics.wait(ctl, DONE, done, 1000);
      const now = Atomics.load(ctl, DONE);
      if (now !== done) {
        done = now;
        since = Date.now();
      } else if (Date.now() - since > STALL_MS) {
        return `a wasm worker thread stopped answering for ${STALL_MS / 1000} s`;
      }
    }
    return Atomics.load(ctl, FAILED) === 1 ? "a wasm worker thread's kernel failed" : null;
  };
  const go = (): void => {
    Atomics.store(ctl, DONE, 0);
    Atomics.store(ctl, FAILED, 0);
    Atomics.add(ctl, GEN, 1);
    Atomics.notify(ctl, GEN);
  };
  // A chunked or packing job: the caller says how many items are in, and takes items as the workers do.
  const ready = (items: number): void => {
    Atomics.store(ctl, READY, items);
    Atomics.notify(ctl, READY);
  };
  const claim = (): number => Atomics.add(ctl, NEXT, 1);

  return {
    size: count,
    start(f64, jobs) {
      if (jobs.length > count) throw new Error(`wasm threads: ${jobs.length} jobs for ${count} workers`);
      for (let slot = 0; slot < count; slot++) {
        const at = HEADER + slot * ARGS;
        const job = jobs[slot];
        ctl[at] = job === undefined ? 0 : f64 ? 1 : 2;
        if (job !== undefined) for (let i = 0; i < TAKEN - 1; i++) ctl[at + 1 + i] = job[i];
      }
      go();
      return waitAll;
    },
    startChunked(f64, job, starts, scratch) {
      const chunks = starts.length - 1;
      if (chunks > MAX_CHUNKS) throw new Error(`wasm threads: more than ${MAX_CHUNKS} chunks`);
      if (starts[0] !== 0 || starts[chunks] !== job[0] || starts.some((r, i) => i > 0 && r <= starts[i - 1])) throw new Error(`wasm threads: chunk starts ${starts.join(",")} do not cut ${job[0]} rows`);
      ctl.set(starts, flags + MAX_CHUNKS);
      for (let slot = 0; slot < count; slot++) {
        const at = HEADER + slot * ARGS;
        ctl[at] = f64 ? 3 : 4;
        for (let i = 0; i < TAKEN - 1; i++) ctl[at + 1 + i] = job[i];
        ctl[at + TAKEN - 1] = scratch(slot);
        ctl[at + TAKEN] = 0;
      }
      ctl[NEXT] = 0;
      ctl[READY] = 0;
      ctl[CHUNK] = chunks;
      go();
      const gen = Atomics.load(ctl, GEN);
      return {
        ready,
        claim,
        finish: (chunk) => void Atomics.store(ctl, flags + chunk, gen),
        done: (chunk) => Atomics.load(ctl, flags + chunk) === gen,
        await(chunk) {
          let since = Date.now();
          let moved = Atomics.load(ctl, NEXT) + Atomics.load(ctl, DONE);
          for (let i = 0; i < SPINS && Atomics.load(ctl, flags + chunk) !== gen; i++);
          for (let v = Atomics.load(ctl, flags + chunk); v !== gen; v = Atomics.load(ctl, flags + chunk)) {
            if (broken !== null) return false;
            // Every worker has left the product (one failed): nobody will finish it unless one just did.
            if (Atomics.load(ctl, DONE) === count) return Atomics.load(ctl, flags + chunk) === gen;
            Atomics.wait(ctl, flags + chunk, v, 100);
            // Any chunk finished or taken counts as progress.
            const now = Atomics.load(ctl, NEXT) + Atomics.load(ctl, DONE);
            if (now !== moved) {
              moved = now;
              since = Date.now();
            } else if (Date.now() - since > STALL_MS) return false;
          }
          return true;
        },
        wait: waitAll,
        helpers() {
          let n = 0;
          for (let slot = 0; slot < count; slot++) if (Atomics.load(ctl, HEADER + slot * ARGS + TAKEN) > 0) n++;
          return n;
        },
      };
    },
    startPacking(f64, rows, n, stage, stageBytes, b, k) {
      for (let slot = 0; slot < count; slot++) {
        const at = HEADER + slot * ARGS;
        ctl[at] = f64 ? 5 : 6;
        [rows, n, stage, stageBytes, b, k].forEach((v, i) => (ctl[at + 1 + i] = v));
      }
      ctl[NEXT] = 0;
      ctl[READY] = 0;
      go();
      return { ready, claim, wait: waitAll };
    },
    close() {
      if (closed) return;
      closed = true;
      for (const w of workers) void w.terminate();
    },
  };
}
