/**
 * out/gradebook.csv: one row per graded submission in the out folder (from each results.json's extra_data),
 * points per block, how the tests ended, identity flags and whether the row counts (report/identity.ts).
 * Text cells that a spreadsheet would read as a formula (starting with = + - @, tab or CR) get a leading `'`.
 */
import type { ResultsExtra } from "./gradescope-results";
import type { IdentityReport } from "./identity";

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(v: unknown): string {
  let s = v === null || v === undefined ? "" : String(v);
  if (typeof v === "string" && FORMULA_START.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

const verdictText = (v: Record<string, number> | undefined) => Object.entries(v ?? {}).map(([k, n]) => `${k} ${n}`).join("; ");

export function gradebookCsv(rows: ResultsExtra[], identity?: IdentityReport): string {
  const blockIds: string[] = [];
  for (const r of rows) for (const id of Object.keys(r.blocks)) if (!blockIds.includes(id)) blockIds.push(id);
  // One empty points column per inline question, for the TA (gradebook.csv is rewritten by every run: fill a copy).
  const questions: string[] = [];
  for (const r of rows) for (const a of r.answers ?? []) if (!questions.includes(a.cell_id)) questions.push(a.cell_id);
  const head = [
    "submission", "student_id", "name", "assignment", "option", "status", "score", "max_score", ...blockIds, "deductions", "late_days", "late_penalty", "tests",
    "counts", "flags", "zip_sha256", "reason", ...questions.map((q) => `question:${q}`),
  ];
  const sorted = [...rows].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const lines = [head.map(csvCell).join(",")];
  for (const r of sorted) {
    const flags = identity?.flags.get(r.key) ?? r.identity_flags ?? [];
    lines.push([
      r.key, r.student_id, r.student_name, r.assignment, r.option, r.status, r.score, r.max_score,
      ...blockIds.map((id) => (id in r.blocks ? r.blocks[id] : "")), r.deductions, r.late?.daysLate ?? "", r.late?.points ?? "", verdictText(r.verdicts),
      identity?.counts.get(r.key) === false ? "no" : "yes", flags.join(" | "), r.zip_sha256, r.status_reason, ...questions.map(() => ""),
    ].map(csvCell).join(","));
  }
  return `${lines.join("\n")}\n`;
}
