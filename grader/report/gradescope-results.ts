/**
 * results.json in Gradescope's autograder format: score, output (markdown summary), tests[] with
 * name/number/score/max_score/status/output/visibility, and extra_data the batch grader reads back (student,
 * status, points per block) when it skips an unchanged submission. No timestamps or durations
 * (execution_time is optional in Gradescope's spec and left out), so the same zip graded twice gives the same
 * bytes.
 */
import type { Visibility } from "../integrity/policy";
import { feedbackSummary, testOutputLines } from "./feedback";
import type { GradeReport, SubmissionStatus, TestResult, TestStatus } from "./report-types";
import { lateText, type LateInfo } from "../score/late-policy";

/** Tests per status, e.g. { passed: 20, wrong: 2, "too-slow": 1 } (keys in a fixed order). */
export function verdictCounts(tests: TestResult[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of [...tests].sort((a, b) => (a.status < b.status ? -1 : a.status > b.status ? 1 : 0))) out[t.status] = (out[t.status] ?? 0) + 1;
  return out;
}

export const RESULTS_FORMAT = "dlvr-grader/1";

export interface GradescopeTest {
  name: string;
  number: string;
  score: number;
  max_score: number;
  status: "passed" | "failed";
  output: string;
  visibility: Visibility;
  tags: string[];
  /** Ignored by Gradescope: how the test ended (report-types.ts TestStatus) and the references that stood in. */
  extra_data?: { status: TestStatus; stand_ins: string[] };
}

export interface ResultsExtra {
  format: typeof RESULTS_FORMAT;
  assignment: string;
  key: string;
  zip_name: string;
  zip_sha256: string;
  fingerprint: string;
  student_id: string;
  student_name: string | null;
  option: 1 | 2 | null;
  status: SubmissionStatus;
  status_reason: string | null;
  score: number;
  max_score: number;
  /** Identity problems found in this submission alone (id in the zip name vs submission.json). */
  identity_flags: string[];
  /** How many tests ended with each verdict (passed, wrong, too-slow, out-of-memory, crashed, did-not-compile, ...). */
  verdicts: Record<string, number>;
  blocks: Record<string, number>;
  deductions: number;
  /** The late policy applied (absent in results written before it existed). */
  late?: LateInfo | null;
  submitted_at?: string | null;
  /** Inline answers by notebook cell id, for answers.md and the gradebook's question columns. */
  answers?: { cell_id: string; notebook: string; question: string; answer: string }[];
}

export interface GradescopeResults {
  score: number;
  output: string;
  output_format: "md";
  test_output_format: "text";
  visibility: Visibility;
  stdout_visibility: "hidden";
  tests: GradescopeTest[];
  extra_data: ResultsExtra;
}

export function toGradescope(r: GradeReport, visibility: Visibility): GradescopeResults {
  const tests: GradescopeTest[] = [];
  r.blocks.forEach((b, bi) => {
    const mine = r.tests.filter((t) => t.block === b.id);
    mine.forEach((t, ti) => {
      tests.push({
        name: `${b.id}: ${t.title}`, number: `${bi + 1}.${ti + 1}`, score: t.score, max_score: t.points,
        status: t.passed ? "passed" : "failed", output: testOutputLines(t).join("\n"), visibility, tags: [b.id],
        extra_data: { status: t.status, stand_ins: t.standIns },
      });
    });
    if (b.penalty > 0 || b.staticFindings.length > 0) {
      tests.push({
        name: `${b.id}: static checks`, number: `${bi + 1}.${mine.length + 1}`, score: -b.penalty, max_score: 0,
        status: b.staticFindings.length ? "failed" : "passed",
        output: [...b.staticFindings.map((f) => `line ${f.line}: ${f.message}`), b.penalty > 0 ? `penalty: -${b.penalty} points` : "no points taken (the block earned none)"].join("\n"),
        visibility, tags: [b.id, "static"],
      });
    }
  });
  r.integrity.deductions.forEach((d, i) => {
    tests.push({
      name: `Submission check: ${d.title}`, number: `${r.blocks.length + 1}.${i + 1}`, score: -d.points, max_score: 0, status: "failed",
      output: r.integrity.findings.filter((f) => f.category === d.category).map((f) => `${f.item}: ${f.message}`).join("\n"),
      visibility, tags: ["integrity"],
    });
  });
  if (r.late && r.late.points > 0) {
    tests.push({
      name: "Late penalty", number: `${r.blocks.length + 2}.1`, score: -r.late.points, max_score: 0, status: "failed",
      output: lateText(r.late), visibility, tags: ["late"],
    });
  }
  return {
    score: r.score,
    output: feedbackSummary(r),
    output_format: "md",
    test_output_format: "text",
    visibility,
    stdout_visibility: "hidden",
    tests,
    extra_data: {
      format: RESULTS_FORMAT, assignment: r.assignment, key: r.key, zip_name: r.zipName, zip_sha256: r.zipSha256, fingerprint: r.fingerprint,
      student_id: r.student.id, student_name: r.student.name, option: r.student.option, status: r.status, status_reason: r.statusReason,
      score: r.score, max_score: r.maxScore, identity_flags: r.student.flags, verdicts: verdictCounts(r.tests), blocks: Object.fromEntries(r.blocks.map((b) => [b.id, b.score])),
      deductions: r.integrity.deductions.reduce((a, d) => a + d.points, 0),
      late: r.late, submitted_at: r.submitted?.at ?? null,
      ...(r.answers?.length ? { answers: r.answers.map((a) => ({ cell_id: a.cellId, notebook: a.notebook, question: a.question, answer: a.answer })) } : {}),
    },
  };
}
