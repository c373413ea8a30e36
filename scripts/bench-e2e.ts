/**
 * The benchmark's end-to-end rows: the course recipe, run with the reference solutions as a student runs them.
 *
 *   data     8,000 x 3,073 float64 training set and 1,000 validation rows (features uniform in [-0.5, 0.5), like
 *            the course's mean-subtracted pixels, plus the bias column; random labels, 10 classes), seeded
 *   "softmax grid"    4 (learning rate, reg) settings x 1,500 SGD iterations of batch 200 (solutions' Softmax
 *                     via testOneParamSet: training, then train and validation accuracy)
 *   "two-layer grid"  4 settings x 2,000 iterations, H = 128, batch 200, learning-rate decay 0.95 per epoch, each
 *                     epoch the accuracy on the batch and on the validation set (solutions' findBestNet)
 *
 * scripts/bench_peer.py (E2E) holds the same numbers for the numpy and torch peers. `scale` multiplies the
 * iteration counts (the data stays full size): `npm run bench` uses 0.1 unless --full-recipe.
 *
 * Run as a child process by scripts/bench.ts, so each run has its own process (its rusage, a fresh heap) and can
 * be started with or without --single-threaded-gc:
 *   tsx [--single-threaded-gc] scripts/bench-e2e.ts <name> <scale> <backend> [seed]
 * prints one JSON line {"ms", "user_ms", "sys_ms", "faults", "valAcc"} (system and user time of the whole process, every
 * thread, OpenBLAS's too, during the run only).
 */
import { Generator, cat, ones, rand, randint, setBackend, type Tensor } from "../lib/tensor";
import type { BackendName } from "../lib/tensor/backends";
import { setNativeThreads } from "../lib/tensor/native-backend";
import { setWasmThreads } from "../lib/tensor/wasm-backend";
import { Softmax, testOneParamSet } from "../solutions/linear_classifier";
import { findBestNet, type DataDict } from "../solutions/two_layer_net";

export const E2E_ROWS = ["softmax grid", "two-layer grid"] as const;
export type E2ERow = (typeof E2E_ROWS)[number];

export const RECIPE = {
  train: 8000, val: 1000, dim: 3073, classes: 10, batch: 200,
  softmaxIters: 1500, softmaxGrid: [[1e-3, 1e-2], [1e-3, 1e-1], [3e-3, 1e-2], [3e-3, 1e-1]] as const,
  netIters: 2000, hidden: 128, netDecay: 0.95,
  netLearningRates: [0.3, 0.5], netRegs: [1e-4, 1e-3],
} as const;

export interface E2EResult {
  ms: number;
  user_ms: number;
  sys_ms: number;
  /** Minor page faults during the run (memory the kernel had to hand out afresh). */
  faults: number;
  valAcc: number;
}

export function scaledIters(full: number, scale: number): number {
  return Math.max(1, Math.round(full * scale));
}

function features(n: number, g: Generator): Tensor {
  return cat([rand([n, RECIPE.dim - 1], { generator: g }).sub_(0.5), ones([n, 1])], 1);
}

export function e2eData(seed: number): DataDict {
  const g = new Generator(`e2e-${seed}`);
  return {
    X_train: features(RECIPE.train, g), y_train: randint(0, RECIPE.classes, [RECIPE.train], { generator: g }),
    X_val: features(RECIPE.val, g), y_val: randint(0, RECIPE.classes, [RECIPE.val], { generator: g }),
  };
}

/** One run of an end-to-end row; returns the best validation accuracy (so the work cannot be skipped). */
export function runRecipe(name: E2ERow, data: DataDict, scale: number, seed: number): number {
  if (name === "softmax grid") {
    let best = 0;
    for (const [lr, reg] of RECIPE.softmaxGrid) {
      const r = testOneParamSet(new Softmax(), data, lr, reg, scaledIters(RECIPE.softmaxIters, scale), new Generator(seed));
      best = Math.max(best, r.valAcc);
    }
    return best;
  }
  const grid = () => ({
    learningRates: [...RECIPE.netLearningRates], hiddenSizes: [RECIPE.hidden],
    regularizationStrengths: [...RECIPE.netRegs], learningRateDecays: [RECIPE.netDecay],
  });
  return findBestNet(data, grid, scaledIters(RECIPE.netIters, scale), seed).bestValAcc;
}

/** Wall, user and system time of one run in this process (data made before, untimed). */
export function timeRecipe(name: E2ERow, scale: number, seed = 0): E2EResult {
  const data = e2eData(seed);
  const cpu0 = process.cpuUsage();
  const faults0 = process.resourceUsage().minorPageFault;
  const t0 = process.hrtime.bigint();
  const valAcc = runRecipe(name, data, scale, seed);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  const faults = process.resourceUsage().minorPageFault - faults0;
  return { ms, user_ms: cpu.user / 1000, sys_ms: cpu.system / 1000, faults, valAcc };
}

if (require.main === module) {
  const [name, scale, backend, seed, threads] = process.argv.slice(2);
  if (!(E2E_ROWS as readonly string[]).includes(name)) {
    console.error(`bench-e2e: unknown row "${name}"; choose ${E2E_ROWS.join(", ")}`);
    process.exit(2);
  }
  process.env.TENSOR_QUIET = "1";
  setBackend((backend ?? "native") as BackendName);
  if (threads) {
    setNativeThreads(Number(threads));
    setWasmThreads(Math.min(Number(threads), 8));
  }
  console.log(JSON.stringify(timeRecipe(name as E2ERow, Number(scale ?? 0.1), Number(seed ?? 0))));
}
