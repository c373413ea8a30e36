/**
 * npm run bench [-- --repeat N] [--rounds R] [--show-rounds] [--backends native,portable] [--no-numpy] [--no-torch]
 *                 [--threads T] [--only kernel|matmul|softmax|net|e2e|grader] [--full-recipe] [--e2e-rounds R]
 *                 [--spell-wait S]
 *
 * Times the tensor toolkit's hot paths on every available backend and, where Debian's python3-numpy and
 * python3-torch are installed, numpy and PyTorch ("peers") on the same shapes in the same run. Timings move by
 * ~1.5x between runs on a shared machine, so only the ratios within one run are meaningful: each row prints its
 * ratio to that run's baseline (the naive triple loop for the kernel rows, each peer for the workload rows).
 *
 * Fairness: every side runs in the same environment (this process's, OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE
 * included, whatever they are) with the same OpenBLAS thread count (--threads, default: what the native backend
 * uses), and the bench prints the OpenBLAS library, kernel (core name, config) and thread count each side
 * reports. Each peer runs in a helper process (scripts/bench_numpy.py, scripts/bench_torch.py) and the sides
 * take turns, R rounds per row, so all see the same machine load (this VM has slow spells of ~2x lasting tens of
 * milliseconds to seconds). A round times one side with the median of --repeat runs; each side's time is its
 * best round (as timeit advises: other tenants only ever add time), and a ratio is the ratio of two best
 * rounds. The native and wasm backends take turns in the rounds; the portable kernel runs once per row, after them.
 *
 * End-to-end rows (scripts/bench-e2e.ts): the course recipe, training with the reference solutions, wall and
 * system time per side; every side runs each round in a process of its own, started for that run (cold, as in a
 * fresh notebook kernel): lib/tensor in child processes, with --single-threaded-gc (as the notebook kernel and
 * `npm run` scripts start Node) and without (plain `tsx` / `node`), each peer in a fresh helper. Iterations are
 * scaled by 0.1 unless --full-recipe. Each row also prints every side's spread (slowest / fastest round), and
 * the summary says whether the run was calm (every spread within 1.5x) or which side's rounds varied most.
 *
 * Slow spells (scripts/bench-spells.ts): this VM has spells of 10-40 s in which multi-threaded work runs ~2.5x
 * slower, and a side can sit in one for all its rounds of a row, which no spread of its own rounds shows. A probe
 * (a cache line's round trip between two threads) is read before and after every measured round; a round waits
 * for a calm reading before it starts (--spell-wait S seconds in all, default 300), rounds bracketed by a spell
 * reading are marked, an end-to-end side's best is its fastest round (a spell only slows a run), and a row where
 * a side's fastest round was marked is named in the summary.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { existsSync } from "node:fs";
import { cpus } from "node:os";
import * as path from "node:path";
import { createInterface } from "node:readline";
import { Command } from "commander";
import { Generator, randint, randn, setBackend, zeros, type DType, type Tensor } from "../lib/tensor";
import { availableBackends, backendByName, type BackendName } from "../lib/tensor/backends";
import { getNativeThreads, loadNativeBackend, setNativeThreads } from "../lib/tensor/native-backend";
import { naiveBackend } from "../lib/tensor/portable-gemm";
import { loadWasmBackend, setWasmThreads } from "../lib/tensor/wasm-backend";
import { benchA3 } from "../grader/samples/bench";
import { queueBenchRows } from "../grader/queue/bench";
import { E2E_ROWS, type E2EResult } from "./bench-e2e";
import {
  SPELL_FACTOR, bestRound, calmNs, inSpell, newSpellLog, probeNow, startSpellProbe, waitForCalm, type SpellLog, type SpellProbe,
} from "./bench-spells";

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
  for (let i = 0; i < WARMUP; i++) step(); // JIT, allocation, BLAS threads awake; as many as the peers' --warmup
  const times: number[] = [];
  for (let i = 0; i < repeat; i++) {
    const t0 = process.hrtime.bigint();
    step();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

type PeerName = "numpy" | "torch";

/** What a peer reports about itself (bench_peer.py's "info" reply). */
interface PeerInfo {
  lib: string;
  blas: { library: string | null; core?: string; config?: string; threads?: number };
  torch_threads?: number;
}

/** A running scripts/bench_<peer>.py --serve. */
interface Peer {
  name: PeerName;
  info: PeerInfo;
  /** Median ms of a workload row. */
  measure(name: string, dtype: DType, repeat: number): Promise<number>;
  /** One end-to-end run. */
  e2e(name: string, scale: number): Promise<E2EResult>;
  close(): void;
}

const PYTHON = "/usr/bin/python3";
const PEER_SCRIPTS: Record<PeerName, string> = { numpy: "bench_numpy.py", torch: "bench_torch.py" };

/** Starts a peer helper with this process's environment and `threads` OpenBLAS threads, or says why it cannot run. */
async function startPeer(name: PeerName, threads: number): Promise<Peer | string> {
  const script = path.resolve(__dirname, PEER_SCRIPTS[name]);
  if (!existsSync(PYTHON)) return `${PYTHON} not found`;
  // The same environment as ours (OPENBLAS_* included); only the thread count is passed explicitly.
  const child: ChildProcessWithoutNullStreams = spawn(PYTHON, [script, "--serve", "--threads", String(threads)], { env: process.env });
  let stderr = "";
  child.stderr.on("data", (d: Buffer) => { stderr += d.toString(); });
  const lines = createInterface({ input: child.stdout });
  const waiting: Array<(line: string | null) => void> = [];
  lines.on("line", (line) => waiting.shift()?.(line));
  child.on("close", () => { for (const w of waiting.splice(0)) w(null); });
  child.on("error", () => { for (const w of waiting.splice(0)) w(null); });
  const ask = <T>(query: string): Promise<T & { error?: string }> =>
    new Promise((resolve) => {
      waiting.push((line) => {
        if (line === null) resolve({ error: `${name} helper exited: ${stderr.trim().split("\n").pop() ?? "no output"}` } as T & { error: string });
        else resolve(JSON.parse(line) as T & { error?: string });
      });
      child.stdin.write(`${query}\n`);
    });
  const info = await ask<PeerInfo>("info"); // imports numpy / torch; fails fast without them
  if (info.error !== undefined) {
    child.stdin.end();
    return info.error;
  }
  return {
    name,
    info,
    async measure(row, dtype, repeat) {
      const r = await ask<{ ms?: number }>(`${row}|${dtype}|${repeat}`);
      if (r.ms === undefined) throw new Error(`${name}: ${r.error ?? "no answer"}`);
      return r.ms;
    },
    async e2e(row, scale) {
      const r = await ask<Partial<E2EResult>>(`e2e|${row}|${scale}`);
      if (r.ms === undefined) throw new Error(`${name}: ${r.error ?? "no answer"}`);
      return { ms: r.ms, user_ms: r.user_ms ?? 0, sys_ms: r.sys_ms ?? 0, faults: r.faults ?? 0, valAcc: NaN };
    },
    close: () => child.stdin.end(),
  };
}

const SETTLE_MS = 120;

function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
}

function fmt(ms: number): string {
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

/** Worst (largest) ratio seen per "<side>/<peer>" key, for the summary. */
type Worst = Map<string, number>;

function noteWorst(worst: Worst, key: string, ratio: number): void {
  worst.set(key, Math.max(worst.get(key) ?? 0, ratio));
}

function backendKernel(b: BackendName, threads: number | null): string {
  if (b === "native") {
    const native = loadNativeBackend().backend;
    if (!native) return "not loaded";
    const gather = native.threadedGather() ? "large gathers on OpenBLAS's threads" : "gathers on one thread";
    return `${native.blasConfig}, ${threads ?? "?"} BLAS threads, ${gather}, ${native.addonPath}`;
  }
  if (b === "wasm") {
    const wasm = loadWasmBackend().backend;
    if (!wasm) return "not loaded";
    const d = wasm.detail();
    const kernel = d.kernel === "fused" ? "fused multiply-add (relaxed SIMD)" : "multiply then add";
    return `WebAssembly SIMD kernels (lib/wasm), ${kernel}, ${d.threads} thread${d.threads === 1 ? "" : "s"}${d.singleThreadReason ? ` (${d.singleThreadReason})` : ""}`;
  }
  return "TypeScript kernels, 1 thread";
}

function peerKernel(p: Peer): string {
  const b = p.info.blas;
  const blas = b.library ? `${b.config}, ${b.threads} BLAS threads, ${b.library}` : "no OpenBLAS found in the process";
  return `${p.info.lib}: ${blas}${p.info.torch_threads !== undefined ? `; torch intra-op threads ${p.info.torch_threads}` : ""}`;
}

interface Options {
  repeat: string; rounds: string; showRounds?: boolean; numpy: boolean; torch: boolean; only?: string; backends?: string;
  submissions: string; threads?: string; fullRecipe?: boolean; e2eRounds: string; e2eScale?: string; queue: boolean;
  spellWait: string;
}

/** The probe and its readings, passed to every measured round. */
interface Spells {
  probe: SpellProbe | null;
  log: SpellLog;
  /** Rounds measured and rounds bracketed by a spell reading, per group, for the summary. */
  rounds: { workload: number; workloadSpells: number; e2e: number; e2eSpells: number };
  /** End-to-end "<row> (<sides>)" whose fastest round overlapped a spell. */
  spellBest: string[];
}

async function main(): Promise<void> {
  const opts = new Command()
    .option("--repeat <n>", "timed repetitions per measurement (median is reported)", "7")
    .option("--rounds <n>", "workload rows: the peers and the fastest backend take turns this many times", "9")
    .option("--show-rounds", "print every round's times (to see the machine's noise)")
    .option("--no-numpy", "skip the numpy comparison")
    .option("--no-torch", "skip the PyTorch comparison")
    .option("--threads <n>", "OpenBLAS threads for every side (default: the native backend's count, else the CPU count)")
    .option("--only <group>", "run one group: kernel, matmul, softmax, net, e2e or grader")
    .option("--backends <names>", "comma-separated backends to time (default: every available one but naive)")
    .option("--full-recipe", "end-to-end rows: the full course recipe (default: iterations scaled by 0.1)")
    .option("--e2e-scale <x>", "end-to-end rows: scale the iteration counts by x (overrides --full-recipe)")
    .option("--e2e-rounds <n>", "end-to-end rows: rounds (best wall time per side; each side's spread is printed)", "3")
    .option("--submissions <n>", "grader group: solution-based A3 submissions to grade", "40")
    .option("--no-queue", "grader group: skip the Redis queue rows (one and two local workers)")
    .option("--spell-wait <s>", "seconds in all a round may wait for the machine to leave a slow spell (0: only mark them)", "300")
    .parse()
    .opts<Options>();
  const repeat = Math.max(1, Number(opts.repeat));
  const groups = ["kernel", "matmul", "softmax", "net", "e2e", "grader"];
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
  const threads = opts.threads !== undefined ? Math.max(1, Number(opts.threads)) : getNativeThreads() ?? cpus().length;
  if (native) setNativeThreads(threads);
  setWasmThreads(Math.min(threads, 8)); // the same thread count as OpenBLAS on every side
  const gcFlag = process.execArgv.includes("--single-threaded-gc") ? "single-threaded GC, as in the notebook kernel" : "default GC (the notebook kernel uses --single-threaded-gc)";
  console.log(`backends: ${backends.map((b) => backendByName(b).name).join(", ")}; median of ${repeat} runs after ${WARMUP} warm-ups; ${gcFlag}` +
    (native ? `; memory tuning ${native.memoryTuned ? "on" : "off (TENSOR_MEMORY_TUNING=0)"}` : ""));
  const openblasEnv = Object.keys(process.env).filter((k) => k.startsWith("OPENBLAS_")).sort().map((k) => `${k}=${process.env[k]}`);
  console.log(`environment for every side: ${openblasEnv.length ? openblasEnv.join(" ") : "no OPENBLAS_* variables set"}; ${threads} OpenBLAS threads`);

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
  const runE2E = want("e2e");
  const worst: Worst = new Map();
  const noise = new Map<string, number>(); // per end-to-end side: its largest spread of rounds
  const e2eRounds = Math.max(1, Number(opts.e2eRounds));
  const spells: Spells = {
    probe: null, log: newSpellLog(Math.max(0, Number(opts.spellWait))),
    rounds: { workload: 0, workloadSpells: 0, e2e: 0, e2eSpells: 0 }, spellBest: [],
  };
  if (workloads.length > 0 || runE2E) {
    const started = await startSpellProbe(cpus().length);
    if (typeof started === "string") console.log(`spell probe: none (${started}); only the spreads of rounds tell noise`);
    else {
      spells.probe = started;
      for (let i = 0; i < 3; i++) probeNow(started, spells.log);
      console.log(`spell probe: a cache line's round trip between two threads takes ${calmNs(spells.log).toFixed(0)} ns now; ` +
        `a round bracketed by a reading over ${SPELL_FACTOR}x the run's lowest is marked as in a slow spell, and rounds wait ` +
        `for a calm reading (${spells.log.waitBudgetS} s in all)`);
    }
    const peers: Peer[] = [];
    for (const name of ["numpy", "torch"] as const) {
      if (!opts[name]) continue;
      const started = await startPeer(name, threads);
      if (typeof started === "string") console.log(`${name}: not measured (${started})`);
      else peers.push(started);
    }
    try {
      console.log("\nKernels each side used:");
      for (const b of backends) console.log(`  ${b.padEnd(8)} ${backendKernel(b, native ? getNativeThreads() : null)}`);
      for (const p of peers) console.log(`  ${p.name.padEnd(8)} ${peerKernel(p)}`);
      if (workloads.length > 0) await benchWorkloads(workloads, backends, peers, repeat, Math.max(1, Number(opts.rounds)), Boolean(opts.showRounds), worst, spells);
      if (runE2E) {
        const scale = opts.e2eScale !== undefined ? Number(opts.e2eScale) : opts.fullRecipe ? 1 : 0.1;
        await benchE2E(backends[0], peers, scale, threads, e2eRounds, Boolean(opts.showRounds), worst, noise, spells);
      }
    } finally {
      for (const p of peers) p.close();
      await spells.probe?.close();
    }
  }
  if (worst.size) {
    const byPeer = new Map<string, string[]>();
    for (const [key, r] of worst) {
      const [side, peer] = key.split("/");
      byPeer.set(peer, [...(byPeer.get(peer) ?? []), `${side} ${r.toFixed(2)}x`]);
    }
    console.log("");
    for (const [peer, parts] of byPeer) console.log(`summary: worst ratio to ${peer}: ${parts.join(", ")}`);
    const verdict = noiseSummary(noise, e2eRounds);
    if (verdict !== null) console.log(verdict);
    if (spells.probe !== null) console.log(spellSummary(spells));
  }
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
  workloads: Workload[], backends: BackendName[], peers: Peer[], repeat: number, rounds: number, showRounds: boolean, worst: Worst,
  spells: Spells,
): Promise<void> {
  console.log(peers.length
    ? `\nWorkloads: ms per backend and peer (best of ${rounds} interleaved rounds), ratio to each peer (1.00 = the peer's speed):`
    : "\nWorkloads: ms per backend (no peer measured):");
  const header = ["workload".padEnd(40), "dtype  ", ...backends.map((b) => `${b} ms`.padStart(12)), ...peers.map((p) => `${p.name} ms`.padStart(10))];
  for (const p of peers) header.push(...backends.map((b) => `${b}/${p.name}`.padStart(15)));
  console.log(header.join(" "));
  for (const w of workloads) {
    // The compiled backends (native, wasm) take turns with the peers, so every ratio compares rounds under the
    // same machine load; the portable kernel runs once afterwards (it needs seconds on the big rows, and its
    // garbage should not land in the interleaved rounds).
    const steps = backends.map((b) => {
      setBackend(b);
      const slow = b !== "native" && w.flops > 2e9;
      const interleaved = b !== "portable" || backends.length === 1;
      return { backend: b, step: w.prepare(), interleaved, repeat: slow ? Math.min(repeat, 3) : repeat, ms: [] as number[] };
    });
    const inRounds = steps.filter((s) => s.interleaved);
    const peerMs = peers.map(() => [] as number[]);
    for (let r = 0; r < rounds; r++) {
      const before = await waitForCalm(spells.probe, spells.log);
      for (const [i, p] of peers.entries()) {
        peerMs[i].push(await p.measure(w.name, w.dtype, repeat));
        // OpenBLAS threads spin for ~0.1 s after a call before sleeping: let the peer's go idle (and ours after
        // this side's turn) so no side runs while another's threads still hold a core.
        await settle();
      }
      for (const s of inRounds) {
        setBackend(s.backend);
        s.ms.push(medianMs(s.step, s.repeat));
        if (peers.length) await settle();
      }
      const after = probeNow(spells.probe, spells.log);
      const spell = inSpell([before, after], calmNs(spells.log));
      spells.rounds.workload++;
      if (spell) spells.rounds.workloadSpells++;
      if (showRounds) {
        console.log(`  ${w.name} ${w.dtype} round ${r + 1}: ` + inRounds.map((s) => `${s.backend} ${fmt(s.ms[r])} ms`).join(", ") +
          peers.map((p, i) => `, ${p.name} ${fmt(peerMs[i][r])} ms`).join("") + (spell ? ` ${spellMark(before, after)}` : ""));
      }
    }
    for (const s of steps.filter((x) => !x.interleaved)) {
      setBackend(s.backend);
      s.ms.push(medianMs(s.step, s.repeat));
    }
    const best = steps.map((s) => Math.min(...s.ms));
    const peerBest = peerMs.map((ms) => Math.min(...ms));
    const cells = [w.name.padEnd(40), w.dtype.padEnd(7), ...best.map((ms) => fmt(ms).padStart(12)), ...peerBest.map((ms) => fmt(ms).padStart(10))];
    for (const [pi, p] of peers.entries()) {
      for (const [i, s] of steps.entries()) {
        const ratio = best[i] / peerBest[pi];
        cells.push(ratio.toFixed(2).padStart(15));
        noteWorst(worst, `${s.backend}/${p.name}`, ratio);
      }
    }
    console.log(cells.join(" "));
  }
}

/** One end-to-end run of lib/tensor in a child process (its own rusage and heap), with or without --single-threaded-gc. */
function nodeE2E(row: string, scale: number, backend: BackendName, threads: number, singleThreadedGc: boolean): Promise<E2EResult> {
  const tsx = path.resolve(__dirname, "..", "node_modules", "tsx", "dist", "cli.mjs");
  const args = [tsx, ...(singleThreadedGc ? ["--single-threaded-gc"] : []), path.resolve(__dirname, "bench-e2e.ts"), row, String(scale), backend, "0", String(threads)];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { ...process.env, TENSOR_QUIET: "1" } });
    let out = "", err = "";
    child.stdout.on("data", (d: Buffer) => { out += d.toString(); });
    child.stderr.on("data", (d: Buffer) => { err += d.toString(); });
    child.on("error", reject);
    child.on("close", (code) => {
      const last = out.trim().split("\n").pop() ?? "";
      if (code !== 0 || !last.startsWith("{")) reject(new Error(`bench-e2e ${row} exited ${code}: ${err.trim() || out.trim()}`));
      else resolve(JSON.parse(last) as E2EResult);
    });
  });
}

/**
 * One end-to-end run of a peer in a helper process of its own, started for it and closed after: like the Node
 * side's child (nodeE2E), every round starts cold (imports, first allocations, BLAS threads). A peer kept alive
 * across rounds would run its later rounds warm, and best-of-rounds would compare warm numpy with cold Node.
 */
async function freshPeerE2E(name: PeerName, row: string, scale: number, threads: number): Promise<E2EResult> {
  const peer = await startPeer(name, threads);
  if (typeof peer === "string") throw new Error(`${name}: ${peer}`);
  try {
    return await peer.e2e(row, scale);
  } finally {
    peer.close();
  }
}

async function benchE2E(
  backend: BackendName, peers: Peer[], scale: number, threads: number, rounds: number, showRounds: boolean, worst: Worst,
  noise: Map<string, number>, spells: Spells,
): Promise<void> {
  const recipe = scale === 1 ? "the full course recipe" : `the course recipe with iterations x ${scale} (--full-recipe for all)`;
  console.log(`\nEnd to end: ${recipe}; wall s / system s per side (best wall of ${rounds} interleaved rounds), wall ratio to each peer:`);
  const sides = [
    { name: `${backend}`, run: (row: string) => nodeE2E(row, scale, backend, threads, true) },
    { name: `${backend}-plain`, run: (row: string) => nodeE2E(row, scale, backend, threads, false) },
    ...peers.map((p) => ({ name: p.name, run: (row: string) => freshPeerE2E(p.name, row, scale, threads) })),
  ];
  console.log(`  ("${backend}": Node with --single-threaded-gc as in the notebook kernel; "${backend}-plain": plain tsx/node)`);
  const header = ["end-to-end".padEnd(40), "dtype  ", ...sides.map((s) => `${s.name} s`.padStart(16))];
  for (const p of peers) header.push(...sides.slice(0, 2).map((s) => `${s.name}/${p.name}`.padStart(20)));
  console.log(header.join(" "));
  for (const row of E2E_ROWS) {
    const results = sides.map(() => [] as E2EResult[]);
    const brackets = sides.map(() => [] as Array<[number, number]>); // the probe's readings before and after each run
    // Judged once, right after the run, so its mark, the summary's count and the choice of best round agree.
    const spell = sides.map(() => [] as boolean[]);
    for (let r = 0; r < rounds; r++) {
      for (const [i, s] of sides.entries()) {
        const before = await waitForCalm(spells.probe, spells.log);
        results[i].push(await s.run(row));
        brackets[i].push([before, probeNow(spells.probe, spells.log)]);
        spell[i].push(inSpell(brackets[i][r], calmNs(spells.log)));
        await settle();
      }
      if (showRounds) {
        console.log(`  ${row} round ${r + 1}: ` + sides.map((s, i) => {
          const mark = spell[i][r] ? ` ${spellMark(...brackets[i][r])}` : "";
          return `${s.name} ${(results[i][r].ms / 1000).toFixed(2)} s wall ${(results[i][r].sys_ms / 1000).toFixed(2)} s sys ${results[i][r].faults} faults${mark}`;
        }).join(", "));
      }
    }
    // Each side's fastest round; a side whose fastest round overlapped a spell is named.
    const picks = results.map((rs, i) => bestRound(rs.map((x) => x.ms), spell[i]));
    const best = picks.map((p, i) => results[i][p.index]);
    spells.rounds.e2e += rounds * sides.length;
    spells.rounds.e2eSpells += spell.flat().filter(Boolean).length;
    const spellMarked = sides.filter((_, i) => !picks[i].calm).map((s) => s.name);
    const cells = [row.padEnd(40), "float64", ...best.map((b) => `${(b.ms / 1000).toFixed(2)} / ${(b.sys_ms / 1000).toFixed(2)}`.padStart(16))];
    for (const [pi, p] of peers.entries()) {
      for (const [i, s] of sides.slice(0, 2).entries()) {
        const ratio = best[i].ms / best[2 + pi].ms;
        cells.push(ratio.toFixed(2).padStart(20));
        noteWorst(worst, `${s.name} e2e/${p.name}`, ratio);
      }
    }
    console.log(cells.join(" "));
    if (rounds > 1) {
      const spreads = results.map((rs) => Math.max(...rs.map((r) => r.ms)) / Math.min(...rs.map((r) => r.ms)));
      console.log(`  ${row} spread (slowest / fastest round): ` + sides.map((s, i) => `${s.name} ${spreads[i].toFixed(2)}`).join(", "));
      for (const [i, s] of sides.entries()) noise.set(s.name, Math.max(noise.get(s.name) ?? 0, spreads[i]));
    }
    if (spellMarked.length) {
      console.log(`  ${row}: the fastest round of ${spellMarked.join(", ")} overlapped a slow spell: its ratios may not compare like with like`);
      spells.spellBest.push(`${row} (${spellMarked.join(", ")})`);
    }
  }
}

/** "[spell: 105 / 340 ns]": the probe's readings around a round that overlapped a spell. */
function spellMark(before: number, after: number): string {
  const ns = (x: number) => (Number.isNaN(x) ? "-" : x.toFixed(0));
  return `[spell: ${ns(before)} / ${ns(after)} ns]`;
}

function spellSummary(spells: Spells): string {
  const { workload, workloadSpells, e2e, e2eSpells } = spells.rounds;
  const counts = [
    ...(workload ? [`${workloadSpells} of ${workload} workload rounds`] : []),
    ...(e2e ? [`${e2eSpells} of ${e2e} end-to-end runs`] : []),
  ].join(" and ");
  const waited = spells.log.waitedS >= 0.5 ? `; waited ${spells.log.waitedS.toFixed(0)} s for calm readings` : "";
  const verdict = !e2e ? "" : spells.spellBest.length
    ? `; an end-to-end side's fastest round overlapped a spell in ${spells.spellBest.join(", ")}: rerun those rows`
    : "; every end-to-end side's fastest round was calm in every row";
  return `summary: spell probe (calm round trip ${calmNs(spells.log).toFixed(0)} ns): ${counts || "no rounds"} overlapped a slow spell${waited}${verdict}`;
}

/**
 * The end-to-end verdict on the machine: when some side's own rounds of one row differ by more than this, a spell
 * of the shared VM fell inside the run (a ratio of best rounds still compares like with like only if every
 * side had one calm round), and the summary says so.
 */
const NOISY_SPREAD = 1.5;

function noiseSummary(noise: Map<string, number>, rounds: number): string | null {
  if (noise.size === 0) return null;
  const [side, spread] = [...noise].reduce((a, b) => (b[1] > a[1] ? b : a));
  if (spread <= NOISY_SPREAD) return `summary: end-to-end rounds agreed within ${spread.toFixed(2)}x per side (calm run)`;
  return `summary: noisy run: ${side}'s own end-to-end rounds differed by ${spread.toFixed(2)}x; ` +
    `compare the ratios with care, or rerun with more rounds (--e2e-rounds ${rounds + 2}) in a calmer spell`;
}

main().catch((e: unknown) => {
  console.error(`bench failed: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
