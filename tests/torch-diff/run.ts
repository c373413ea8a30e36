// Driving the differential suite: seeded cases, one persistent /usr/bin/python3 torch process fed one JSON
// batch, lib/tensor run on each backend, results compared and counted per op family.
import { spawn, spawnSync } from "node:child_process";
import * as path from "node:path";
import { setBackend, type BackendName } from "../../lib/tensor";
import { difference, type Result, toResult } from "./compare";
import { buildInput, type Input, Rng } from "./inputs";
import { OPS, type Params } from "./ops";

/** Debian's python3-torch lives under /usr/bin/python3 (not the pyenv python3 that may come first on PATH). */
export const TORCH_PYTHON = "/usr/bin/python3";
export const TORCH_SCRIPT = path.join(__dirname, "torch_ops.py");

export interface Case {
  op: string;
  family: string;
  inputs: Input[];
  params: Params;
}

/** `count` cases, cycling through the ops so each gets about count / OPS.length. */
export function generateCases(count: number, seed: string): Case[] {
  const r = new Rng(`torch-diff:${seed}`);
  const cases: Case[] = [];
  for (let i = 0; i < count; i++) {
    const spec = OPS[i % OPS.length];
    const { inputs, params } = spec.gen(r);
    cases.push({ op: spec.name, family: spec.family, inputs, params });
  }
  return cases;
}

/** Whether torch imports under /usr/bin/python3 (and why not). */
export function probeTorch(): { ok: true; version: string } | { ok: false; reason: string } {
  const r = spawnSync(TORCH_PYTHON, [TORCH_SCRIPT, "--probe"], { encoding: "utf8", timeout: 60_000 });
  if (r.error) return { ok: false, reason: `${TORCH_PYTHON} could not run: ${r.error.message}` };
  if (r.status !== 0) return { ok: false, reason: `torch does not import under ${TORCH_PYTHON}: ${r.stderr.trim().split("\n").pop()}` };
  return { ok: true, version: (JSON.parse(r.stdout) as { torch: string }).torch };
}

/**
 * Starts one torch process on all cases (one JSON line in, one out). The promise `sent` settles once the batch
 * is handed to the OS, so the caller can then run lib/tensor synchronously while torch computes.
 */
export function startTorch(cases: readonly Case[]): { sent: Promise<void>; results: Promise<Result[]> } {
  const child = spawn(TORCH_PYTHON, [TORCH_SCRIPT], { stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, OMP_NUM_THREADS: "1" } });
  let out = "", err = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
  const results = new Promise<Result[]>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`torch_ops.py exited with ${code}: ${err.slice(-2000)}`));
      try {
        resolve((JSON.parse(out.trim().split("\n")[0]) as { results: Result[] }).results);
      } catch (e) {
        reject(new Error(`torch_ops.py gave unreadable output (${(e as Error).message}): ${err.slice(-2000)}`));
      }
    });
  });
  const batch = JSON.stringify({ cases: cases.map(({ op, inputs, params }) => ({ op, inputs, params })) }) + "\n";
  const sent = new Promise<void>((resolve) => child.stdin.end(batch, () => resolve()));
  return { sent, results };
}

export async function runTorch(cases: readonly Case[]): Promise<Result[]> {
  return startTorch(cases).results;
}

export function runTensor(c: Case): Result {
  const spec = OPS.find((o) => o.name === c.op);
  if (!spec) throw new Error(`unknown op ${c.op}`);
  const args = c.inputs.map(buildInput);
  try {
    return toResult(spec.run(args, c.params));
  } catch (e) {
    return { error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}

export interface Tally {
  run: number;
  passed: number;
  /** Cases where both sides raised (counted in run and passed). */
  errors: number;
}

export interface BackendReport {
  backend: BackendName;
  families: Record<string, Tally>;
  failures: { index: number; op: string; why: string; case: Case }[];
}

/**
 * lib/tensor's results for every case on one backend (inputs are rebuilt per run: in-place ops change them).
 * Yields to the event loop every few hundred cases, so a long run does not starve the test runner's messages.
 */
export async function runOnBackend(backend: BackendName, cases: readonly Case[]): Promise<Result[]> {
  const results: Result[] = [];
  for (let i = 0; i < cases.length; i++) {
    if (i % 500 === 0) {
      await new Promise((resolve) => setImmediate(resolve));
      setBackend(backend); // (again) after each pause: nothing else may have switched it meanwhile
    }
    results.push(runTensor(cases[i]));
  }
  return results;
}

export function compareResults(backend: BackendName, cases: readonly Case[], got: readonly Result[], torch: readonly Result[]): BackendReport {
  const report: BackendReport = { backend, families: {}, failures: [] };
  cases.forEach((c, index) => {
    const expected = torch[index];
    if ("badInput" in expected && expected.badInput) throw new Error(`case ${index} (${c.op}): torch could not build its inputs: ${expected.error}`);
    const why = difference(got[index], expected);
    const tally = (report.families[c.family] ??= { run: 0, passed: 0, errors: 0 });
    tally.run++;
    if (why === null) {
      tally.passed++;
      if ("error" in expected) tally.errors++;
    } else {
      report.failures.push({ index, op: c.op, why, case: c });
    }
  });
  return report;
}

export async function compareOnBackend(backend: BackendName, cases: readonly Case[], torch: readonly Result[]): Promise<BackendReport> {
  return compareResults(backend, cases, await runOnBackend(backend, cases), torch);
}
