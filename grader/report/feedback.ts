/**
 * feedback.md: what the student reads. Per block: points, which tests passed, what failed and why (shapes,
 * relative errors, mismatch positions, recognised mistakes), static-check findings; then the submission checks
 * with their deductions. It never contains hidden inputs or expected values.
 */
import { quoteStudentText, round2 } from "../score/score";
import { TEST_STATUS_TEXT, type BlockResult, type GradeReport, type TestResult } from "./report-types";
import { lateText } from "../score/late-policy";

/** Points as everywhere else (results.json, gradebook.csv): rounded to 2 decimals, no trailing zeros. */
const pts = (x: number) => String(round2(x));

/** A fenced block that the text inside cannot close (the fence is longer than any backtick run in it). */
export function fenced(text: string, info = ""): string[] {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  return [`${fence}${info}`, text, fence];
}

/** Markdown-escaped student text for headings and table cells (name, zip name). */
/** One line (grader messages can carry student text, e.g. an import specifier with a newline in it). */
const oneLine = (s: string) => s.replace(/[\r\n\u2028\u2029]+/g, " ");

const escapeMd = (s: string) => s.replace(/[\\`*_{}[\]()#+\-.!|<>~]/g, (c) => `\\${c}`);

const STATUS_TEXT: Record<GradeReport["status"], string> = {
  graded: "graded",
  rejected: "rejected: the zip could not be read",
  "missing-files": "not graded: files are missing",
  "compile-error": "not graded: the code does not compile",
  "grader-error": "not graded: internal grader error",
};

function blockSummary(b: BlockResult, tests: TestResult[]): string {
  const mine = tests.filter((t) => t.block === b.id);
  const failed = mine.filter((t) => !t.passed).length;
  const parts: string[] = [];
  if (b.points === 0 && mine.length === 0) return "not graded";
  if (b.compileError) parts.push("does not compile");
  else if (b.state === "untouched" || b.state === "todo") parts.push("not implemented");
  else if (mine.length === 0) parts.push("no tests");
  else parts.push(failed === 0 ? "all tests passed" : `${failed} of ${mine.length} test${mine.length > 1 ? "s" : ""} failed`);
  if (b.penalty > 0) parts.push(`static check -${pts(b.penalty)}`);
  return parts.join("; ");
}

/** The head of the feedback: score, status, block table, submission checks. Also Gradescope's top-level output. */
export function feedbackSummary(r: GradeReport): string {
  const who = r.student.name ? `${escapeMd(r.student.name)} (${r.student.id})` : r.student.id;
  const out: string[] = [];
  out.push(`# ${r.assignment} feedback: ${who}`, "");
  out.push(`**Score: ${pts(r.score)} / ${pts(r.maxScore)}** (${STATUS_TEXT[r.status]})`, "");
  out.push(`Submission: ${quoteStudentText(r.zipName, 200)} (sha256 ${r.zipSha256.slice(0, 12)})`, "");
  if (r.late) out.push(`Late policy: ${lateText(r.late)}`, "");
  if (r.statusReason) out.push("Reason:", "", ...fenced(r.statusReason), "");
  if (r.compileError) out.push("Compile error:", "", ...fenced(r.compileError), "");
  if (r.blocks.length) {
    out.push("| Block | Points | Result |", "|---|---|---|");
    for (const b of r.blocks) out.push(`| \`${b.id}\` | ${pts(b.score)} / ${pts(b.points)} | ${blockSummary(b, r.tests)} |`);
    out.push("");
  }
  const ded = r.integrity.deductions.reduce((a, d) => a + d.points, 0);
  out.push("## Submission checks", "");
  if (!r.integrity.checked) out.push("Not run: the submission could not be opened.", "");
  else if (r.integrity.findings.length === 0) out.push("All submission checks passed (frozen code, banners, imports, notebook, required files).", "");
  else {
    for (const d of r.integrity.deductions) {
      out.push(`- **${d.title}** (${d.count}x${d.points > 0 ? `, -${pts(d.points)} points` : ", no deduction"})`);
      for (const f of r.integrity.findings.filter((x) => x.category === d.category)) {
        out.push(`  - ${oneLine(f.item)}: ${oneLine(f.message)}`);
        if (f.detail) out.push("", ...fenced(f.detail, "diff").join("\n").split("\n").map((l) => `    ${l}`), "");
      }
    }
    if (ded > 0) out.push("", `Deductions: -${pts(ded)} points.`);
    out.push("");
  }
  for (const w of r.integrity.warnings) out.push(`- warning: ${oneLine(w.item)}: ${oneLine(w.message)}`);
  if (r.integrity.warnings.length) out.push("");
  if (r.notes.length) {
    out.push("## Notes", "", ...r.notes.map((n) => `- ${oneLine(n)}`), "");
  }
  return out.join("\n");
}

export function testOutputLines(t: TestResult): string[] {
  const standIn = t.standIns.length
    ? [`(graded with the reference implementation standing in for block${t.standIns.length > 1 ? "s" : ""} ${t.standIns.map((b) => `"${b}"`).join(", ")}, so only block "${t.block}" is charged)`]
    : [];
  return [...t.lines, ...t.diagnoses.map((d) => `Likely mistake: ${d}`), ...standIn];
}

export function feedbackMarkdown(r: GradeReport): string {
  const out = [feedbackSummary(r)];
  if (r.blocks.length) out.push("## Tests by block", "");
  for (const b of r.blocks.filter((x) => x.points > 0 || r.tests.some((t) => t.block === x.id))) {
    out.push(`### \`${b.id}\` (${b.file}): ${pts(b.score)} / ${pts(b.points)}`, "");
    if (b.compileError) out.push("This block does not compile, so it was set aside (its tests were not run):", "", ...fenced(b.compileError), "");
    for (const t of r.tests.filter((x) => x.block === b.id)) {
      out.push(`- ${t.passed ? "PASS" : `FAIL (${TEST_STATUS_TEXT[t.status]})`} **${t.title}**: ${pts(t.score)} / ${pts(t.points)}`);
      for (const l of testOutputLines(t)) out.push(`  - ${oneLine(l)}`);
    }
    for (const f of b.staticFindings) out.push(`- STATIC line ${f.line}: ${f.message}`);
    if (b.penalty > 0) out.push(`- Static-check penalty: -${pts(b.penalty)} points`);
    out.push("");
  }
  if (r.answers?.length) {
    out.push("## Your answers to the inline questions", "", "A TA grades these; they carry no points from the auto-grader.", "");
    for (const a of r.answers) {
      out.push(`### ${escapeMd(oneLine(a.question.split("\n")[0] ?? a.cellId).replace(/\*\*/g, "").slice(0, 160)) || a.cellId} (cell \`${a.cellId}\`)`, "");
      out.push(...(a.answer ? fenced(a.answer, "text") : ["_(not answered)_"]), "");
    }
  }
  return `${out.join("\n").replace(/\n{3,}/g, "\n\n").trimEnd()}\n`;
}
