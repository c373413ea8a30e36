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
  close(): void;
}

// Control block, in Int32 slots: the job generation (bumped to start), how many workers finished it, whether one
// failed, then ARGS per worker: [kind (0 none, 1 float64, 2 float32), m, panels, k, a, sai, sap, b, sbp, sbj, c, ldc,
// scratch].
const GEN = 0, DONE = 1, FAILED = 2, HEADER = 4, ARGS = 13;

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
let gen = 0;
for (;;) {
  Atomics.wait(ctl, ${GEN}, gen);
  gen = Atomics.load(ctl, ${GEN});
  try {
    const kind = ctl[at];
    if (kind !== 0 && kernels === null) Atomics.store(ctl, ${FAILED}, 1);
    else if (kind !== 0) {
      const call = kind === 1 ? kernels.dgemm : kernels.sgemm;
      call(...ctl.subarray(at + 1, at + ${ARGS}));
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
  const control = new SharedArrayBuffer((HEADER + count * ARGS) * 4);
  const ctl = new Int32Array(control);
  const workers: Worker[] = [];
  let broken: string | null = null;
  try {
    for (let slot = 0; slot < count; slot++) {
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { wasmModule: module, memory, control, slot } });
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

  return {
    size: count,
    start(f64, jobs) {
      if (jobs.length > count) throw new Error(`wasm threads: ${jobs.length} jobs for ${count} workers`);
      for (let slot = 0; slot < count; slot++) {
        const at = HEADER + slot * ARGS;
        const job = jobs[slot];
        ctl[at] = job === undefined ? 0 : f64 ? 1 : 2;
        if (job !== undefined) for (let i = 0; i < ARGS - 1; i++) ctl[at + 1 + i] = job[i];
      }
      Atomics.store(ctl, DONE, 0);
      Atomics.store(ctl, FAILED, 0);
      Atomics.add(ctl, GEN, 1);
      Atomics.notify(ctl, GEN);
      return () => {
        if (broken !== null) return broken;
        let done = Atomics.load(ctl, DONE);
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
    },
    close() {
      if (closed) return;
      closed = true;
      for (const w of workers) void w.terminate();
    },
  };
}
