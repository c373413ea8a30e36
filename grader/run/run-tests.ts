/**
 * Runs a built job's probes in the sandbox and collects one outcome per test.
 *
 * First all tests run in one sandboxed process (time limit: the sum of their budgets, capped by the policy's
 * runCapMs). The runner reports `~start:<test>` before each test and the test's value after it, so when the
 * process dies (timeout, crash, memory, process.exit) the values already sent are kept and the test that was
 * running is known: it gets the fault (unless the run only hit the cap: then it is run again on its own). The
 * tests that had not started then run one per process, each with its own budget, so one infinite loop costs one
 * test.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { PLAN_FILE, START_PREFIX, STATS_PREFIX, type Plan, type ProbeError, type ProbeOutcome } from "./runner/protocol";
import { runSandboxed, type RunResult, type SandboxInfo } from "./sandbox";
import { MiB } from "./limits";
import type { WireValue } from "./runner/wire";

export interface PlannedTest {
  name: string;
  seed: string;
  budgetMs: number;
}

export type TestOutcome =
  | { kind: "value"; value: WireValue }
  | { kind: "error"; error: ProbeError }
  /** The sandboxed process died while this test ran (status: timeout, memory, crashed, ...). */
  | { kind: "fault"; status: string; fault: string; budgetMs: number };

export interface RunLog {
  /** One line per sandboxed run: which tests, how it ended. No durations (results must be reproducible). */
  runs: { tests: number; status: string; fault?: string }[];
  /** Per test, as the runner measured it: milliseconds and the process's resident memory after it (report only). */
  stats: Record<string, { ms: number; rssBytes: number }>;
}

export interface RunOptions {
  jobDir: string;
  assignment: string;
  randomSeed: string;
  sandbox: SandboxInfo;
  timeScale: number;
  runCapMs: number;
  memoryBytes: number;
}

/** Process start-up and bundle loading, on top of the tests' budgets. */
const STARTUP_MS = 2000;

function writePlan(jobDir: string, plan: Plan): void {
  fs.writeFileSync(path.join(jobDir, PLAN_FILE), JSON.stringify(plan), { mode: 0o644 });
}

async function runOnce(o: RunOptions, tests: PlannedTest[], timeoutMs: number): Promise<RunResult> {
  writePlan(o.jobDir, { assignment: o.assignment, randomSeed: o.randomSeed, tests: tests.map(({ name, seed }) => ({ name, seed })) });
  return runSandboxed({
    jobDir: o.jobDir, script: "bundle.js", args: [PLAN_FILE], timeoutMs, memoryBytes: o.memoryBytes,
    outputCapBytes: 4 * MiB, sandbox: o.sandbox, nodeArgs: ["--enable-source-maps"],
    env: { TENSOR_QUIET: "1", TENSOR_BACKEND: "portable" },
  });
}

function isOutcome(v: unknown): v is ProbeOutcome {
  return v !== null && typeof v === "object" && typeof (v as { ok?: unknown }).ok === "boolean";
}

function faultText(r: RunResult): string {
  return r.fault ?? `the process ended with status ${r.status}`;
}

export async function runTests(o: RunOptions, tests: PlannedTest[]): Promise<{ outcomes: Map<string, TestOutcome>; log: RunLog }> {
  const outcomes = new Map<string, TestOutcome>();
  const log: RunLog = { runs: [], stats: {} };
  if (tests.length === 0) return { outcomes, log };
  const budget = (ts: PlannedTest[]) => Math.round(ts.reduce((a, t) => a + t.budgetMs, 0) * o.timeScale);
  /** Records the outcomes of a run; returns the tests to run again (not started, or cut short by the run's cap). */
  const collect = (r: RunResult, ts: PlannedTest[], capped = false): PlannedTest[] => {
    const notStarted: PlannedTest[] = [];
    for (const t of ts) {
      const st = r.parts[`${STATS_PREFIX}${t.name}`] as { ms?: unknown; rssBytes?: unknown } | undefined;
      if (st && typeof st.ms === "number" && Number.isFinite(st.ms) && typeof st.rssBytes === "number" && Number.isFinite(st.rssBytes)) {
        log.stats[t.name] = { ms: Math.round(st.ms), rssBytes: st.rssBytes };
      }
      const part = r.parts[t.name];
      if (isOutcome(part)) outcomes.set(t.name, part.ok ? { kind: "value", value: part.value } : { kind: "error", error: part.error });
      else if (r.parts[`${START_PREFIX}${t.name}`] !== undefined && capped && r.status === "timeout") {
        // The whole run hit its cap while this test ran: it gets a run (and a time limit) of its own.
        notStarted.push(t);
      } else if (r.parts[`${START_PREFIX}${t.name}`] !== undefined) {
        outcomes.set(t.name, { kind: "fault", status: r.status, fault: faultText(r), budgetMs: Math.round(t.budgetMs * o.timeScale) });
      } else notStarted.push(t);
    }
    return notStarted;
  };

  const cap = Math.round(o.runCapMs * o.timeScale);
  const first = await runOnce(o, tests, Math.min(budget(tests), cap) + STARTUP_MS);
  log.runs.push({ tests: tests.length, status: first.status, ...(first.status === "ok" ? {} : { fault: faultText(first) }) });
  const left = collect(first, tests, budget(tests) > cap);
  if (left.length === 0) return { outcomes, log };
  const anyStarted = tests.some((t) => first.parts[`${START_PREFIX}${t.name}`] !== undefined);
  if (!anyStarted) {
    // Died before the first test: loading the student's modules failed; running them again would fail the same way.
    for (const t of left) outcomes.set(t.name, { kind: "fault", status: first.status, fault: faultText(first), budgetMs: 0 });
    return { outcomes, log };
  }
  for (const t of left) {
    const r = await runOnce(o, [t], budget([t]) + STARTUP_MS);
    log.runs.push({ tests: 1, status: r.status, ...(r.status === "ok" ? {} : { fault: faultText(r) }) });
    if (collect(r, [t]).length > 0) outcomes.set(t.name, { kind: "fault", status: r.status, fault: faultText(r), budgetMs: 0 });
  }
  return { outcomes, log };
}
