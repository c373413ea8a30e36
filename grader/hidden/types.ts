/**
 * What an assignment's hidden tests look like to the grader (parent side; never bundled into a job).
 *
 * A "probe" test runs the probe of the same name inside the sandbox (grader/hidden/<ID>/probes.ts) and grades
 * the value it reported; a "file" test grades a file of the submission (e.g. a saved best model) in the grader.
 * The points of the tests of a block add up to the block's points in grader/assignments/<ID>.json.
 */
import type { WireValue } from "../run/runner/wire";
import type { PolicyOverrides } from "../integrity/policy";

export interface Verdict {
  /** Share of the test's points earned, 0..1. */
  fraction: number;
  /** What was checked and how it went, one short line each. Never hidden inputs or expected values. */
  lines: string[];
  /** Known mistakes recognised in the value, one sentence each. */
  diagnoses?: string[];
}

export interface TestContext {
  /** Seed of this test's inputs for this student. */
  seed: string;
  /** Grader-only seed (derived from the course secret), e.g. for a held-out split. */
  graderSeed: string;
  /** Directory holding the submission's files (paths as in the project: "svm_best_model.json"). */
  submissionDir: string;
}

interface BaseTest {
  /** Stable id: seeds derive from it; also the probe's name. snake_case. */
  name: string;
  /** Shown to students, e.g. "svmLossNaive: gradient of the data term". */
  title: string;
  /** Designated block whose points this test carries. */
  block: string;
  points: number;
  /** Other blocks this test exercises (named in the feedback when it fails). */
  dependsOn?: string[];
}

export interface ProbeTest extends BaseTest {
  kind: "probe";
  /** Time the test may take in the sandbox (before the policy's timeScale). */
  budgetMs: number;
  grade(value: WireValue, ctx: TestContext): Verdict;
}

export interface FileTest extends BaseTest {
  kind: "file";
  grade(ctx: TestContext): Verdict;
}

export type HiddenTest = ProbeTest | FileTest;

export interface AssignmentGrading {
  id: string;
  tests: HiddenTest[];
  /** Runner-side files (absolute) the job bundle may import besides lib/ and grader/run/runner/: probes and inputs. */
  runnerFiles: string[];
  /** The runner-side module exporting `probes` (absolute path, one of runnerFiles). */
  probesModule: string;
  policy?: PolicyOverrides;
}
