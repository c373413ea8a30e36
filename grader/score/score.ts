/** Turning test outcomes, static findings and integrity deductions into points, with explanations. */
import type { BlockReport } from "../../lib/course/submission";
import type { ReleaseManifest } from "../../lib/course/manifest";
import type { HiddenTest, TestContext, Verdict } from "../hidden/types";
import type { GradingPolicy } from "../integrity/policy";
import type { BlockResult, TestResult } from "../report/report-types";
import { COMPILE_ERROR_PREFIX, type DisabledBlock } from "../run/runner-build";
import type { TestOutcome } from "../run/run-tests";
import type { StaticFinding } from "../integrity/static-checks";

export const round2 = (x: number): number => Math.round(x * 100 + Number.EPSILON * 100) / 100;

const MEMORY_HINT = "1 GiB of data per test process";

const TODO_RE = /^TODO: ([a-z0-9]+(?:-[a-z0-9]+)*)\b/;

/** Why a test could not be checked, from a probe's thrown error or a dead process. */
export function outcomeProblem(test: HiddenTest, outcome: TestOutcome | undefined, notRunReason: string): Verdict {
  if (!outcome) return { fraction: 0, lines: [notRunReason] };
  if (outcome.kind === "error") {
    const { message, where, name } = outcome.error;
    const at = where ? ` (at ${where})` : "";
    const todo = TODO_RE.exec(message);
    if (todo) {
      if (todo[1] === test.block) return { fraction: 0, lines: [`not implemented yet: block "${todo[1]}" still throws its TODO stub`] };
      return { fraction: 0, lines: [`not checked: the code stopped at block "${todo[1]}", which still throws its TODO stub; this test needs that block too`] };
    }
    if (message.startsWith(COMPILE_ERROR_PREFIX)) {
      const id = message.slice(COMPILE_ERROR_PREFIX.length);
      return { fraction: 0, lines: [id === test.block ? `not run: block "${id}" does not compile (see the compile error)` : `not checked: block "${id}", which this test needs, does not compile`] };
    }
    if (/Array buffer allocation failed|Invalid (typed )?array length|out of memory/i.test(message)) {
      return { fraction: 0, lines: [`ran out of memory: your code threw ${name}: ${message}${at} (the sandbox allows about ${MEMORY_HINT})`] };
    }
    return { fraction: 0, lines: [`your code threw ${name}: ${message}${at}`] };
  }
  if (outcome.kind === "fault") {
    const what =
      outcome.status === "timeout" ? "did not finish in time"
      : outcome.status === "memory" ? "ran out of memory"
      : outcome.status === "output-limit" ? "printed or returned too much"
      : "stopped the test process";
    return { fraction: 0, lines: [`${what}: ${outcome.fault}`] };
  }
  return { fraction: 0, lines: ["internal: no problem to report"] };
}

export function gradeTest(test: HiddenTest, outcome: TestOutcome | undefined, ctx: TestContext, notRunReason: string): TestResult {
  let v: Verdict;
  try {
    if (test.kind === "file") v = test.grade(ctx);
    else if (outcome?.kind === "value") v = test.grade(outcome.value, ctx);
    else v = outcomeProblem(test, outcome, notRunReason);
  } catch (e) {
    v = { fraction: 0, lines: [`the grader could not check this value (${(e as Error).message}); the instructor will look at it`] };
  }
  const fraction = Math.max(0, Math.min(1, Number.isFinite(v.fraction) ? v.fraction : 0));
  return {
    name: test.name, title: test.title, block: test.block, points: test.points, score: round2(test.points * fraction),
    passed: fraction >= 1 - 1e-9, lines: v.lines, diagnoses: v.diagnoses ?? [],
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
