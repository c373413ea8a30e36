/**
 * npm run bench [-- --repeat N] [--rounds R] [--show-rounds] [--backends native,portable] [--no-numpy]
 *                 [--only kernel|matmul|softmax|net|grader]
 *
 * Times the tensor toolkit's hot paths on every available backend and, when Debian's python3-numpy is
 * installed, numpy on the same shapes in the same run. Timings move by ~1.5x between runs on a shared machine,
 * so only the ratios within one run are meaningful: each row prints its ratio to that run's baseline
 * (the naive triple loop for the kernel rows, numpy for the workload rows). For the workload rows numpy runs
 * in a helper process and the two sides take turns, R rounds per row, so both see the same machine load (this
 * VM has slow spells of ~2x lasting tens of milliseconds to seconds). A round times one side with the median of
 * --repeat runs; each side's time is its best round (as timeit advises: other tenants only ever add time), and
 * the ratio is the ratio of the two best rounds. Slower backends run once per row, after the rounds.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync } from "node:fs";
import { cpus } from "node:os";
import * as path from "node:path";
import { createInterface } from "node:readline";
import { Command } from "commander";
import { Generator, randint, randn, setBackend, zeros, type DType, type Tensor } from "../lib/tensor";
import { availableBackends, backendByName, type BackendName } from "../lib/tensor/backends";
import { loadNativeBackend } from "../lib/tensor/native-backend";
import { naiveBackend } from "../lib/tensor/portable-gemm";
import { benchA3 } from "../grader/samples/bench";
import { queueBenchRows } from "../grader/queue/bench";

interface Workload {
  name: string;
  dtype: DType;
  flops: number;
  /** Builds inputs once and returns the step to time. */
  prepare(): () => void;
}

const D = 3073;

/** a @ b with a [m, k]; transposed: a is the view X.t() of a stored [k, m] X (the X.T @ dscores of a gradient). */
function matmulWorkload(m: number, k: number, n: number, dtype: DType, transposed = false): Workload {
  return {
    name: transposed ? `matmul ${k}x${m}.T @ ${k}x${n}` : `matmul ${m}x${k} @ ${k}x${n}`,
    dtype,
    flops: 2 * m * k * n,
    prepare() {
      const g = new Generator(`bench-${m}-${k}-${n}`);
      const a = transposed ? randn([k, m], { dtype, generator: g }).t() : randn([m, k], { dtype, generator: g });
      const b = randn([k, n], { dtype, generator: g });
      return () => void a.matmul(b);
    },
  };
}

/** Vectorized softmax loss and gradient as a student writes it (CS231n form). */
function softmaxLossGrad(W: Tensor, X: Tensor, y: Tensor, reg: number): { loss: number; dW: Tensor } {
  const N = X.size(0);
  const scores = X.matmul(W);
  const shifted = scores.sub(scores.max(1, true).values);
  const expScores = shifted.exp();
  const probs = expScores.div(expScores.sum(1, true));
  const loss = probs.gather(1, y).log().neg().mean().item() + reg * W.mul(W).sum().item();
  const dscores = probs.scatterAdd_(1, y, -1).div_(N);
  const dW = X.t().matmul(dscores).add_(W, 2 * reg);
  return { loss, dW };
}

function softmaxWorkload(N: number, C: number, dtype: DType): Workload {
  return {
    name: `softmax loss+grad N=${N} D=${D} C=${C}`,
    dtype,
    flops: 4 * N * D * C,
    prepare() {
      const g = new Generator("bench-softmax");
      const X = randn([N, D], { dtype, generator: g });
      const W = randn([D, C], { dtype, generator: g }).mul_(1e-4);
      const y = randint(0, C, [N], { generator: g });
      return () => void softmaxLossGrad(W, X, y, 1e-3);
    },
  };
}

/**
 * One SGD step of a two-layer ReLU net as the A4 solution writes it, and as scripts/bench_numpy.py does it:
 * forward, softmax loss with L2 on W1 and W2, backward, in-place update of W1, b1, W2, b2.
 */
function netWorkload(H: number, dtype: DType): Workload {
  const N = 200, In = 3072, C = 10;
  return {
    name: `two-layer step N=${N} D=${In} H=${H} C=${C}`,
    dtype,
    flops: 6 * N * (In * H + H * C),
    prepare() {
      const g = new Generator("bench-net");
      const X = randn([N, In], { dtype, generator: g });
      const y = randint(0, C, [N], { generator: g });
      const W1 = randn([In, H], { dtype, generator: g }).mul_(1e-4);
      const b1 = zeros([H], { dtype });
      const W2 = randn([H, C], { dtype, generator: g }).mul_(1e-4);
      const b2 = zeros([C], { dtype });
      const reg = 1e-3, lr = 1e-4;
      let loss = 0;
      return () => {
        const hidden = X.matmul(W1).add_(b1).clamp_({ min: 0 });
        const scores = hidden.matmul(W2).add_(b2);
        const shifted = scores.sub(scores.max(1, true).values);
        const e = shifted.exp();
        const probs = e.div_(e.sum(1, true));
        loss = probs.gather(1, y).log().neg().mean().item() + reg * (W1.mul(W1).sum().item() + W2.mul(W2).sum().item());
        const dscores = probs.scatterAdd_(1, y, -1).div_(N);
        const dW2 = hidden.t().matmul(dscores).add_(W2, 2 * reg);
        const db2 = dscores.sum(0);
        const dhidden = dscores.matmul(W2.t()).mul_(hidden.gt(0));
        const dW1 = X.t().matmul(dhidden).add_(W1, 2 * reg);
        const db1 = dhidden.sum(0);
        W1.add_(dW1, -lr); b1.add_(db1, -lr); W2.add_(dW2, -lr); b2.add_(db2, -lr);
        if (!Number.isFinite(loss)) throw new Error(`two-layer step: loss is ${loss}`);
      };
    },
  };
}

const WARMUP = 3;

function medianMs(step: () => void, repeat: number): number {
  for (let i = 0; i < WARMUP; i++) step(); // JIT, allocation, BLAS threads awake; as many as bench_numpy.py's --warmup
  const times: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const t0 = process.hrtime.bigint();
    step();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** A running scripts/bench_numpy.py --serve: measure(name, dtype, repeat) gives numpy's median ms. */
interface NumpyWorker {
  measure(name: string, dtype: DType, repeat: number): Promise<number>;
  close(): void;
}

/** Starts the numpy helper, or returns why it cannot run (no /usr/bin/python3 or no numpy). */
async function startNumpy(): Promise<NumpyWorker | string> {
  const python = "/usr/bin/python3";
  const script = path.resolve(__dirname, "bench_numpy.py");
  if (!existsSync(python)) return `${python} not found`;
  const env = { ...process.env };
  // Debian's OpenBLAS picks its best kernel only when these overrides are absent (see notes/performance.md).
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const child: ChildProcessWithoutNullStreams = spawn(python, [script, "--serve"], { env });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => { stderr += d.toString(); });
  const lines = createInterface({ input: child.stdout });
  const waiting: Array<(line: string | null) => void> = [];
  lines.on("line", (line) => waiting.shift()?.(line));
  child.on("close", () => { for (const w of waiting.splice(0)) w(null); });
  child.on("error", () => { for (const w of waiting.splice(0)) w(null); });
  const ask = (query: string): Promise<{ ms?: number; error?: string }> =>
    new Promise((resolve) => {
      waiting.push((line) => {
        if (line === null) resolve({ error: `numpy helper exited: ${stderr.trim().split("\n").pop() ?? "no output"}` });
        else resolve(JSON.parse(line) as { ms?: number; error?: string });
      });
      child.stdin.write(`${query}\n`);
    });
  const worker: NumpyWorker = {
    async measure(name, dtype, repeat) {
      const r = await ask(`${name}|${dtype}|${repeat}`);
      if (r.ms === undefined) throw new Error(r.error ?? "no answer");
      return r.ms;
    },
    close: () => child.stdin.end(),
  };
  try {
    await worker.measure("matmul 200x3073 @ 3073x100", "float64", 1); // imports numpy; fails fast without it
  } catch (e) {
    worker.close();
    return (e as Error).message;
  }
  return worker;
}

const SETTLE_MS = 120;

function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
}

function fmt(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

async function main(): Promise<void> {
  const opts = new Command()
    .option("--repeat <n>", "timed repetitions per measurement (median is reported)", "7")
    .option("--rounds <n>", "workload rows: numpy and the fastest backend take turns this many times", "9")
    .option("--show-rounds", "print every round's times (to see the machine's noise)")
    .option("--no-numpy", "skip the numpy comparison")
    .option("--only <group>", "run one group: kernel, matmul, softmax, net or grader")
    .option("--backends <names>", "comma-separated backends to time (default: every available one but naive)")
    .option("--submissions <n>", "grader group: solution-based A3 submissions to grade", "40")
    .option("--no-queue", "grader group: skip the Redis queue rows (one and two local workers)")
    .parse()
    .opts<{ repeat: string; rounds: string; showRounds?: boolean; numpy: boolean; only?: string; backends?: string; submissions: string; queue: boolean }>();
  const repeat = Math.max(1, Number(opts.repeat));
  const groups = ["kernel", "matmul", "softmax", "net", "grader"];
  if (opts.only && !groups.includes(opts.only)) throw new Error(`--only: unknown group "${opts.only}"; choose ${groups.join(", ")}`);
  const want = (group: string): boolean => !opts.only || opts.only === group;
  const available = availableBackends();
  const backends = opts.backends
    ? opts.backends.split(",").map((b) => b.trim() as BackendName)
    : available.filter((b) => b !== "naive");
  for (const b of backends) {
    if (!available.includes(b)) throw new Error(`--backends: "${b}" is not available here (available: ${available.join(", ")})`);
  }
  process.env.TENSOR_QUIET = "1";
  const native = loadNativeBackend().backend;
  const gcFlag = process.execArgv.includes("--single-threaded-gc") ? "single-threaded GC, as in the notebook kernel" : "default GC (the notebook kernel uses --single-threaded-gc)";
  console.log(`backends: ${backends.map((b) => backendByName(b).name).join(", ")}; median of ${repeat} runs after ${WARMUP} warm-ups; ${gcFlag}` +
    (native ? `; memory tuning ${native.memoryTuned ? "on" : "off (TENSOR_MEMORY_TUNING=0)"}` : ""));

  if (want("kernel")) {
    console.log("\nShipped kernels vs the naive i-j-k loop (float64):");
    for (const [m, k, n] of [[200, D, 100], [500, D, 10]]) {
      const w = matmulWorkload(m, k, n, "float64");
      const naiveMs = medianMs(() => {
        const a = new Float64Array(m * k), b = new Float64Array(k * n), c = new Float64Array(m * n);
        naiveBackend.gemm(false, false, m, n, k, a, b, c);
      }, Math.min(repeat, 3));
      const line = [`  ${w.name.padEnd(30)} naive ${fmt(naiveMs).padStart(7)} ms ${(w.flops / naiveMs / 1e6).toFixed(2).padStart(6)} GFLOPS`];
      for (const b of backends) {
        setBackend(b);
        const ms = medianMs(w.prepare(), repeat);
        line.push(`| ${b} ${fmt(ms).padStart(7)} ms ${(w.flops / ms / 1e6).toFixed(2).padStart(6)} GFLOPS ${(naiveMs / ms).toFixed(1).padStart(6)}x faster`);
      }
      console.log(line.join(" "));
    }
  }

  const workloads: Workload[] = [];
  for (const dtype of ["float64", "float32"] as const) {
    if (want("matmul")) {
      for (const [m, k, n] of [[200, D, 100], [500, D, 10], [4000, D, 100]]) workloads.push(matmulWorkload(m, k, n, dtype));
      workloads.push(matmulWorkload(D, 500, 10, dtype, true));
    }
    if (want("softmax")) workloads.push(softmaxWorkload(500, 10, dtype));
    if (want("net")) workloads.push(netWorkload(100, dtype), netWorkload(500, dtype));
  }
  if (workloads.length > 0) await benchWorkloads(workloads, backends, repeat, Math.max(1, Number(opts.rounds)), opts.numpy, Boolean(opts.showRounds));
  if (want("grader")) {
    // Class-scale grading: the same batch grader as `npm run grade`, on solution-based A3 submissions.
    const jobs = Math.max(1, cpus().length);
    console.log(`\nGrader throughput (${opts.submissions} solution-based A3 submissions, --jobs ${jobs}):`);
    const r = await benchA3({ repoRoot: path.resolve(__dirname, ".."), count: Number(opts.submissions), jobs, log: () => {} });
    console.log(`  ${r.submissions} graded in ${r.seconds.toFixed(1)} s: ${r.perMinute.toFixed(0)} submissions/minute, ${r.fullMarks} with full marks`);
    if (opts.queue) await queueBenchRows({ repoRoot: path.resolve(__dirname, ".."), count: Number(opts.submissions), print: (l) => console.log(l) });
  }
}

async function benchWorkloads(
  workloads: Workload[], backends: BackendName[], repeat: number, rounds: number, withNumpy: boolean, showRounds: boolean,
): Promise<void> {
  let numpy: NumpyWorker | null = null;
  if (withNumpy) {
    const started = await startNumpy();
    if (typeof started === "string") console.log(`numpy: not measured (${started})`);
    else numpy = started;
  }
  console.log(numpy
    ? `\nWorkloads: ms per backend and numpy (best of ${rounds} interleaved rounds), ratio to numpy (1.00 = numpy's speed):`
    : "\nWorkloads: ms per backend (numpy not measured):");
  const header = ["workload".padEnd(40), "dtype  ", ...backends.map((b) => `${b} ms`.padStart(12)), numpy ? "numpy ms".padStart(10) : ""];
  if (numpy) header.push(...backends.map((b) => `${b}/numpy`.padStart(15)));
  console.log(header.join(" "));
  const worst = new Map<BackendName, number>();
  try {
    for (const w of workloads) {
      // The fastest backend takes turns with numpy; the others run afterwards (the portable kernel needs
      // seconds on the big rows, and its garbage should not land in the interleaved rounds).
      const steps = backends.map((b, i) => {
        setBackend(b);
        const slow = b !== "native" && w.flops > 2e9;
        return { backend: b, step: w.prepare(), rounds: i === 0 ? rounds : 1, repeat: slow ? Math.min(repeat, 3) : repeat, ms: [] as number[] };
      });
      const npMs: number[] = [];
      for (let r = 0; r < rounds; r++) {
        const np = numpy ? await numpy.measure(w.name, w.dtype, repeat) : undefined;
        // OpenBLAS threads spin for ~0.1 s after a call before sleeping: let numpy's go idle (and ours after
        // this side's turn) so neither side runs while the other's threads still hold a core.
        if (numpy) await settle();
        setBackend(steps[0].backend);
        const ms = medianMs(steps[0].step, steps[0].repeat);
        steps[0].ms.push(ms);
        if (numpy) await settle();
        if (np !== undefined) {
          npMs.push(np);
          if (showRounds) console.log(`  ${w.name} ${w.dtype} round ${r + 1}: ${steps[0].backend} ${fmt(ms)} ms, numpy ${fmt(np)} ms`);
        }
      }
      for (const s of steps.slice(1)) {
        setBackend(s.backend);
        s.ms.push(medianMs(s.step, s.repeat));
      }
      const cells = [w.name.padEnd(40), w.dtype.padEnd(7), ...steps.map((s) => fmt(Math.min(...s.ms)).padStart(12))];
      if (numpy) {
        cells.push(fmt(Math.min(...npMs)).padStart(10));
        for (const [i, s] of steps.entries()) {
          const ratio = Math.min(...s.ms) / Math.min(...npMs);
          cells.push(ratio.toFixed(2).padStart(15));
          worst.set(s.backend, Math.max(worst.get(s.backend) ?? 0, ratio));
        }
      }
      console.log(cells.join(" "));
    }
  } finally {
    numpy?.close();
  }
  if (worst.size) {
    console.log(`\nsummary: worst ratio to numpy: ${[...worst].map(([b, r]) => `${b} ${r.toFixed(2)}x`).join(", ")}`);
  }
}

main().catch((e: unknown) => {
  console.error(`bench failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
