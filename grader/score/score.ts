/** Turning test outcomes, static findings and integrity deductions into points, with explanations. */
import type { BlockReport } from "../../lib/course/submission";
import type { ReleaseManifest } from "../../lib/course/manifest";
import type { HiddenTest, TestContext, Verdict } from "../hidden/types";
import type { GradingPolicy } from "../integrity/policy";
import type { BlockResult, TestResult, TestStatus } from "../report/report-types";
import { COMPILE_ERROR_PREFIX, type DisabledBlock } from "../run/runner-build";
import type { TestOutcome } from "../run/run-tests";
import type { StaticFinding } from "../integrity/static-checks";

export const round2 = (x: number): number => Math.round(x * 100 + Number.EPSILON * 100) / 100;

const MEMORY_HINT = "1 GiB of data per test process";

const TODO_RE = /^TODO: ([a-z0-9]+(?:-[a-z0-9]+)*)\b/;

/**
 * Student-controlled text (an error message, a name) inside a line of feedback: one line, inside an inline code
 * span whose fence is longer than any run of backticks in it, so it can neither end the span nor start a line of
 * its own ("**Score: 100/100**" printed by a submission stays visibly quoted).
 */
export function quoteStudentText(s: string, max = 300): string {
  const one = s.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, " ").trim().slice(0, max);
  if (one === "") return "(empty)";
  const longest = Math.max(0, ...[...one.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  return `${fence} ${one} ${fence}`;
}

type Problem = Verdict & { status: TestStatus };

/** Why a test could not be checked, from a probe's thrown error or a dead process. */
export function outcomeProblem(test: HiddenTest, outcome: TestOutcome | undefined, notRunReason: string): Problem {
  if (!outcome) return { fraction: 0, lines: [notRunReason], status: "not-run" };
  if (outcome.kind === "error") {
    const { message, where, name } = outcome.error;
    const at = where ? ` (at ${where})` : "";
    const todo = TODO_RE.exec(message);
    if (todo) {
      if (todo[1] === test.block) return { fraction: 0, lines: [`not implemented yet: block "${todo[1]}" still throws its TODO stub`], status: "not-implemented" };
      return { fraction: 0, lines: [`not checked: the code stopped at block "${todo[1]}", which still throws its TODO stub; this test needs that block too`], status: "not-run" };
    }
    if (message.startsWith(COMPILE_ERROR_PREFIX)) {
      const id = message.slice(COMPILE_ERROR_PREFIX.length);
      if (id === test.block) return { fraction: 0, lines: [`not run: block "${id}" does not compile (see the compile error)`], status: "did-not-compile" };
      return { fraction: 0, lines: [`not checked: block "${id}", which this test needs, does not compile`], status: "not-run" };
    }
    const threw = `${quoteStudentText(name, 60)}: ${quoteStudentText(message)}${at}`;
    if (/Array buffer allocation failed|Invalid (typed )?array length|out of memory/i.test(message)) {
      return { fraction: 0, lines: [`ran out of memory: your code threw ${threw} (the sandbox allows about ${MEMORY_HINT})`], status: "out-of-memory" };
    }
    return { fraction: 0, lines: [`your code threw ${threw}`], status: "crashed" };
  }
  if (outcome.kind === "fault") {
    if (outcome.status === "timeout") {
      const limit = outcome.budgetMs > 0 ? `; this test's limit is ${+(outcome.budgetMs / 1000).toFixed(2)} s` : "";
      return { fraction: 0, lines: [`did not finish in time: ${outcome.fault}${limit}; it was still running (no value returned) when it was stopped`], status: "too-slow" };
    }
    if (outcome.status === "memory") return { fraction: 0, lines: [`ran out of memory: ${outcome.fault}`], status: "out-of-memory" };
    const what = outcome.status === "output-limit" ? "printed or returned too much" : "stopped the test process";
    return { fraction: 0, lines: [`${what}: ${outcome.fault}`], status: "crashed" };
  }
  return { fraction: 0, lines: ["internal: no problem to report"], status: "not-run" };
}

export function gradeTest(test: HiddenTest, outcome: TestOutcome | undefined, ctx: TestContext, notRunReason: string, standIns: string[] = []): TestResult {
  let v: Verdict;
  let status: TestStatus | null = null;
  try {
    if (test.kind === "file") v = test.grade(ctx);
    else if (outcome?.kind === "value") v = test.grade(outcome.value, ctx);
    else {
      const p = outcomeProblem(test, outcome, notRunReason);
      v = p;
      status = p.status;
    }
  } catch (e) {
    v = { fraction: 0, lines: [`the grader could not check this value (${(e as Error).message}); the instructor will look at it`] };
  }
  const fraction = Math.max(0, Math.min(1, Number.isFinite(v.fraction) ? v.fraction : 0));
  const passed = fraction >= 1 - 1e-9;
  if (test.kind === "file" && test.dependsOn?.length) {
    v = { ...v, lines: [...v.lines, `(a whole-pipeline test: the model your notebook trained depends on blocks ${test.dependsOn.map((b) => `"${b}"`).join(", ")} as well as "${test.block}")`] };
  }
  return {
    name: test.name, title: test.title, block: test.block, points: test.points, score: round2(test.points * fraction),
    passed, lines: v.lines, diagnoses: v.diagnoses ?? [], status: passed ? "passed" : (status ?? "wrong"), standIns,
  };
}

/**
 * Adds "this test also runs block X, which did not pass its own tests" to failed tests whose value depends on
 * other blocks (dependsOn). Thrown errors already say which block stopped the code.
 */
export function noteDependencies(tests: HiddenTest[], results: TestResult[], outcomes: Map<string, TestOutcome>): void {
  const failedBlocks = new Set(results.filter((r) => !r.passed).map((r) => r.block));
  for (const [i, t] of tests.entries()) {
    const r = results[i];
    if (r.passed || !t.dependsOn || (t.kind === "probe" && outcomes.get(t.name)?.kind !== "value")) continue;
    const bad = t.dependsOn.filter((b) => failedBlocks.has(b) && b !== t.block);
    if (bad.length) r.lines.push(`note: this test also runs block${bad.length > 1 ? "s" : ""} ${bad.map((b) => `"${b}"`).join(", ")}, which did not pass ${bad.length > 1 ? "their" : "its"} own tests`);
  }
}

export function scoreBlocks(
  manifest: ReleaseManifest, results: TestResult[], findings: StaticFinding[], states: BlockReport[], disabled: DisabledBlock[], policy: GradingPolicy,
): BlockResult[] {
  return Object.entries(manifest.blocks).map(([id, info]) => {
    const testScore = round2(results.filter((r) => r.block === id).reduce((a, r) => a + r.score, 0));
    const mine = findings.filter((f) => f.blockId === id);
    let penalty = 0;
    if (mine.some((f) => f.kind === "loop")) penalty += policy.vectorizedPenalty * info.points;
    if (mine.some((f) => f.kind === "forbidden")) penalty += policy.forbiddenApiPenalty * info.points;
    penalty = round2(Math.min(penalty, testScore));
    return {
      id, file: info.file, points: info.points, testScore, penalty, score: round2(testScore - penalty),
      state: states.find((s) => s.id === id)?.state ?? null, staticFindings: mine,
      compileError: disabled.find((d) => d.blockId === id)?.error ?? null,
    };
  });
}
