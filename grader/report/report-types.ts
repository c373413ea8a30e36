/** The grader's account of one submission, from which results.json, feedback.md and the gradebook row are made. */
import type { BlockState } from "../../lib/course/blocks";
import type { InlineAnswer } from "../../lib/course/notebook-integrity";
import type { Issue } from "../../lib/course/report";
import type { AppliedDeduction, IntegrityFinding } from "../integrity/integrity";
import type { StaticFinding } from "../integrity/static-checks";
import type { StudentIdentity } from "../intake/submission-files";
import type { LateInfo } from "../score/late-policy";

export type SubmissionStatus =
  /** Tests ran (some may have failed, timed out or crashed). */
  | "graded"
  /** The zip could not be opened or unpacked safely (not a zip, zip bomb, unsafe paths...). */
  | "rejected"
  /** The student modules are missing. */
  | "missing-files"
  /** The student modules do not compile at all. */
  | "compile-error"
  /** A bug in the grader; the instructor must look at it. */
  | "grader-error";

/**
 * How a test ended, in words a student understands: right, wrong (a value was checked and differs), too slow
 * (time limit), out of memory, crashed (threw or stopped the process; with the message), did not compile,
 * not implemented (still the TODO stub), not run (the submission could not be graded).
 */
export type TestStatus = "passed" | "wrong" | "too-slow" | "out-of-memory" | "crashed" | "did-not-compile" | "not-implemented" | "not-run";

export const TEST_STATUS_TEXT: Record<TestStatus, string> = {
  passed: "passed", wrong: "wrong", "too-slow": "too slow", "out-of-memory": "out of memory", crashed: "crashed",
  "did-not-compile": "did not compile", "not-implemented": "not implemented", "not-run": "not run",
};

export interface TestResult {
  name: string;
  title: string;
  block: string;
  points: number;
  score: number;
  passed: boolean;
  /** What was checked, one line each. */
  lines: string[];
  /** Known mistakes recognised. */
  diagnoses: string[];
  status: TestStatus;
  /** Reference implementations that stood in for the other blocks this test calls (one bug costs once). */
  standIns: string[];
}

export interface BlockResult {
  id: string;
  file: string;
  points: number;
  /** Points from the block's tests. */
  testScore: number;
  /** Points taken for static-check violations (never more than testScore). */
  penalty: number;
  score: number;
  state: BlockState | null;
  staticFindings: StaticFinding[];
  /** Set when the block did not compile and was set aside. */
  compileError: string | null;
}

export interface GradeReport {
  assignment: string;
  /** Output folder name (the zip's base name). */
  key: string;
  zipName: string;
  zipSha256: string;
  student: StudentIdentity;
  status: SubmissionStatus;
  /** One sentence when status is not "graded" (or to explain a partial run). */
  statusReason: string | null;
  score: number;
  maxScore: number;
  tests: TestResult[];
  blocks: BlockResult[];
  /** checked: false when the checks could not run (unreadable zip, unknown assignment). */
  integrity: { checked: boolean; findings: IntegrityFinding[]; deductions: AppliedDeduction[]; warnings: Issue[] };
  /** Things about the run everyone should know (restored frozen code, modules graded as submitted, ...). */
  notes: string[];
  /** Compile error text (whole submission), when status is compile-error. */
  compileError: string | null;
  /** Identifies the grading setup (secret fingerprint, grader and release hashes); equal => same grading. */
  fingerprint: string;
  /** When the submission was made (the LMS's time, else submission.json's), if known. */
  submitted: { at: string; source: LateInfo["source"] } | null;
  /** The assignment's late policy applied to it (null: no policy, or no submission time). */
  late: LateInfo | null;
  /** Per test: milliseconds and resident memory after it, as the runner measured them (not in results.json). */
  testStats: Record<string, { ms: number; rssBytes: number }>;
  /** The student's answers to the inline questions (for the TA to grade; no points from the grader). */
  answers?: InlineAnswer[];
  /** Milliseconds per stage (extract, checks, compile, run, grade). Not part of results.json (reproducibility). */
  timings: Record<string, number>;
}
