/**
 * out/gradebook.csv: one row per graded submission in the out folder (from each results.json's extra_data),
 * points per block, how the tests ended, identity flags and whether the row counts (report/identity.ts).
 * Text cells that a spreadsheet would read as a formula (starting with = + - @, tab or CR) get a leading `'`.
 * The `question:<cell id>` columns are the TA's: what was typed there survives every run (manual-points.ts).
 */
import type { ResultsExtra } from "./gradescope-results";
import type { IdentityReport } from "./identity";
import { QUESTION_PREFIX, type ManualPointsRead } from "./manual-points";
import { csvCell } from "./out-folder";

/** A TA's entry as written back: a number stays a number (no formula guard, no apostrophe left from one). */
function manualCell(v: string | undefined): string {
  if (v === undefined) return "";
  const bare = v.replace(/^'/, "").replace(/^\+/, "");
  return /^-?(\d+\.?\d*|\.\d+)$/.test(bare) ? bare : csvCell(v);
}

const verdictText = (v: Record<string, number> | undefined) => Object.entries(v ?? {}).map(([k, n]) => `${k} ${n}`).join("; ");

/**
 * `manual`: what the TA typed into the previous gradebook.csv (manual-points.ts), written back into the
 * question columns of the same submissions.
 */
export function gradebookCsv(rows: ResultsExtra[], identity?: IdentityReport, manual?: ManualPointsRead): string {
  const blockIds: string[] = [];
  for (const r of rows) for (const id of Object.keys(r.blocks)) if (!blockIds.includes(id)) blockIds.push(id);
  // One points column per inline question, for the TA; the previous file's question columns stay.
  const questions: string[] = [...(manual?.columns ?? [])];
  for (const r of rows) for (const a of r.answers ?? []) if (!questions.includes(`${QUESTION_PREFIX}${a.cell_id}`)) questions.push(`${QUESTION_PREFIX}${a.cell_id}`);
  const head = [
    "submission", "student_id", "name", "assignment", "option", "status", "score", "max_score", ...blockIds, "deductions", "late_days", "late_penalty", "tests",
    "counts", "flags", "zip_sha256", "reason",
  ];
  const sorted = [...rows].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const lines = [[...head, ...questions].map(csvCell).join(",")];
  for (const r of sorted) {
    const flags = identity?.flags.get(r.key) ?? r.identity_flags ?? [];
    const typed = manual?.points.get(r.key);
    lines.push([
      ...[
        r.key, r.student_id, r.student_name, r.assignment, r.option, r.status, r.score, r.max_score,
        ...blockIds.map((id) => (id in r.blocks ? r.blocks[id] : "")), r.deductions, r.late?.daysLate ?? "", r.late?.points ?? "", verdictText(r.verdicts),
        identity?.counts.get(r.key) === false ? "no" : "yes", flags.join(" | "), r.zip_sha256, r.status_reason,
      ].map(csvCell),
      ...questions.map((q) => manualCell(typed?.get(q))),
    ].join(","));
  }
  return `${lines.join("\n")}\n`;
}
