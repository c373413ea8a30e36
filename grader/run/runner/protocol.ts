/**
 * What the sandboxed runner (grader/run/runner/kit.ts) and the grader (grader/run/run-tests.ts) agree on: the plan file,
 * the part keys, the outcome shape. No side effects, so the grader can import it (kit.ts reads the plan on load).
 */
import type { WireValue } from "./wire";

export interface PlanTest {
  name: string;
  /** Seed of this test's inputs (hex), derived by the grader from (course secret, student, test name). */
  seed: string;
}

export interface Plan {
  assignment: string;
  /** Seeds Math.random so that a submission using it gives the same values every time it is graded. */
  randomSeed: string;
  tests: PlanTest[];
}

/** Student modules by project-relative path, e.g. { "student_src/linear_classifier.ts": module }. */
export type StudentModules = Record<string, unknown>;
export type Probe = (modules: StudentModules, seed: string) => unknown;

export interface ProbeError {
  message: string;
  /** "student_src/linear_classifier.ts:75" when the stack points into a student module. */
  where: string | null;
  name: string;
}

export type ProbeOutcome = { ok: true; value: WireValue } | { ok: false; error: ProbeError };

/** Part key sent before a test starts: `~start:<test name>`. */
export const START_PREFIX = "~start:";
/** Part key sent after a test: `~stats:<test name>` = { ms, rssBytes } (for the class report; never graded). */
export const STATS_PREFIX = "~stats:";
/** Plan file in the job dir, passed to the runner as its first argument. */
export const PLAN_FILE = "plan.json";
