/**
 * npm run bench [-- --repeat N] [--no-numpy] [--only matmul|softmax|net]
 *
 * Times the tensor toolkit's hot paths on every available matmul backend and, when Debian's python3-numpy is
 * installed, numpy on the same shapes in the same run. Timings move by ~1.5x between runs on a shared machine,
 * so only the ratios within one run are meaningful: each row prints its ratio to that run's baseline
 * (the naive triple loop for the kernel rows, numpy for the workload rows).
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cpus } from "node:os";
import * as path from "node:path";
import { Command } from "commander";
import { Generator, randint, randn, setBackend, type DType, type Tensor } from "../lib/tensor";
import { availableBackends, backendByName, type BackendName } from "../lib/tensor/backends";
import { naiveBackend } from "../lib/tensor/portable-gemm";
import { benchA3 } from "../grader/bench";

interface Workload {
  name: string;
  dtype: DType;
  flops: number;
  /** Builds inputs once and returns the step to time. */
  prepare(): () => void;
}

const D = 3073;

function matmulWorkload(m: number, k: number, n: number, dtype: DType): Workload {
  return {
    name: `matmul ${m}x${k} @ ${k}x${n}`,
    dtype,
    flops: 2 * m * k * n,
    prepare() {
      const g = new Generator(`bench-${m}-${k}-${n}`);
      const a = randn([m, k], { dtype, generator: g });
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
      const W = randn([D, C], { dtype, generator: g }).mul_(1e-3);
      const y = randint(0, C, [N], { generator: g });
      return () => void softmaxLossGrad(W, X, y, 1e-3);
    },
  };
}

/** One SGD step of a two-layer ReLU net with softmax loss and L2 (forward, backward, update). */
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
      const W1 = randn([In, H], { dtype, generator: g }).mul_(1e-2);
      const b1 = randn([H], { dtype, generator: g }).mul_(0);
      const W2 = randn([H, C], { dtype, generator: g }).mul_(1e-2);
      const b2 = randn([C], { dtype, generator: g }).mul_(0);
      const reg = 1e-3, lr = 1e-4;
      return () => {
        const hidden = X.matmul(W1).add_(b1).clamp_({ min: 0 });
        const scores = hidden.matmul(W2).add_(b2);
        const shifted = scores.sub(scores.max(1, true).values);
        const e = shifted.exp();
        const probs = e.div_(e.sum(1, true));
        const dscores = probs.scatterAdd_(1, y, -1).div_(N);
        const dW2 = hidden.t().matmul(dscores).add_(W2, 2 * reg);
        const db2 = dscores.sum(0);
        const dhidden = dscores.matmul(W2.t()).mul_(hidden.gt(0));
        const dW1 = X.t().matmul(dhidden).add_(W1, 2 * reg);
        const db1 = dhidden.sum(0);
        W1.add_(dW1, -lr); b1.add_(db1, -lr); W2.add_(dW2, -lr); b2.add_(db2, -lr);
      };
    },
  };
}

function medianMs(step: () => void, repeat: number): number {
  step(); // warm-up: JIT and allocation
  const times: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const t0 = process.hrtime.bigint();
    step();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** numpy timings for the same workloads, keyed "name|dtype"; empty when numpy is unavailable. */
function numpyTimings(repeat: number): Map<string, number> {
  const python = "/usr/bin/python3";
  const script = "scripts/bench_numpy.py";
  const out = new Map<string, number>();
  if (!existsSync(python) || !existsSync(script)) return out;
  const env = { ...process.env };
  // Debian's OpenBLAS picks its best kernel only when these overrides are absent (see notes/performance.md).
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  try {
    const text = execFileSync(python, [script, "--repeat", String(repeat)], { env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    const parsed = JSON.parse(text) as { rows: { name: string; dtype: string; ms: number }[] };
    for (const r of parsed.rows) out.set(`${r.name}|${r.dtype}`, r.ms);
  } catch (e) {
    console.log(`numpy: not measured (${(e as Error).message.split("\n")[0]})`);
  }
  return out;
}

function fmt(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

async function main(): Promise<void> {
  const opts = new Command()
    .option("--repeat <n>", "timed repetitions per row (median is reported)", "7")
    .option("--no-numpy", "skip the numpy comparison")
    .option("--only <group>", "run one group: kernel, matmul, softmax, net or grader")
    .option("--submissions <n>", "grader group: solution-based A3 submissions to grade", "40")
    .parse()
    .opts<{ repeat: string; numpy: boolean; only?: string; submissions: string }>();
  const repeat = Math.max(1, Number(opts.repeat));
  const want = (group: string): boolean => !opts.only || opts.only === group;
  const backends = availableBackends().filter((b) => b !== "naive");
  process.env.TENSOR_QUIET = "1";
  console.log(`backends: ${backends.map((b) => backendByName(b).name).join(", ")}; median of ${repeat} runs after a warm-up`);

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
    if (want("matmul")) for (const [m, k, n] of [[200, D, 100], [500, D, 10], [4000, D, 100]]) workloads.push(matmulWorkload(m, k, n, dtype));
    if (want("softmax")) workloads.push(softmaxWorkload(500, 10, dtype));
    if (want("net")) workloads.push(netWorkload(100, dtype), netWorkload(500, dtype));
  }
  if (workloads.length > 0) benchWorkloads(workloads, backends, repeat, opts.numpy);
  if (want("grader")) {
    // Class-scale grading: the same batch grader as `npm run grade`, on solution-based A3 submissions.
    const jobs = Math.max(1, cpus().length);
    console.log(`\nGrader throughput (${opts.submissions} solution-based A3 submissions, --jobs ${jobs}):`);
    const r = await benchA3({ repoRoot: path.resolve(__dirname, ".."), count: Number(opts.submissions), jobs, log: () => {} });
    console.log(`  ${r.submissions} graded in ${r.seconds.toFixed(1)} s: ${r.perMinute.toFixed(0)} submissions/minute, ${r.fullMarks} with full marks`);
  }
}

function benchWorkloads(workloads: Workload[], backends: BackendName[], repeat: number, withNumpy: boolean): void {
  const numpy = withNumpy ? numpyTimings(repeat) : new Map<string, number>();
  console.log(`\nWorkloads per backend${numpy.size ? " and the ratio to numpy measured in this run (1.00 = numpy's speed)" : " (numpy not measured)"}:`);
  const header = ["workload".padEnd(40), "dtype  ", ...backends.map((b) => `${b} ms`.padStart(12)), numpy.size ? "numpy ms".padStart(10) : ""];
  if (numpy.size) header.push(...backends.map((b) => `${b}/numpy`.padStart(15)));
  console.log(header.join(" "));
  const worst = new Map<BackendName, number>();
  for (const w of workloads) {
    const times = backends.map((b) => {
      setBackend(b);
      const slow = b !== "native" && w.flops > 2e9;
      return medianMs(w.prepare(), slow ? Math.min(repeat, 3) : repeat);
    });
    const np = numpy.get(`${w.name}|${w.dtype}`);
    const cells = [w.name.padEnd(40), w.dtype.padEnd(7), ...times.map((t) => fmt(t).padStart(12)), np !== undefined ? fmt(np).padStart(10) : ""];
    if (np !== undefined) {
      times.forEach((t, i) => {
        cells.push((t / np).toFixed(2).padStart(15));
        worst.set(backends[i], Math.max(worst.get(backends[i]) ?? 0, t / np));
      });
    }
    console.log(cells.join(" "));
  }
  if (worst.size) {
    console.log(`\nsummary: worst ratio to numpy: ${[...worst].map(([b, r]) => `${b} ${r.toFixed(2)}x`).join(", ")}`);
  }
}

main().catch((e: unknown) => {
  console.error(`bench failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
