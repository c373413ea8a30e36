/** out/gradebook.csv: one row per submission (from each results.json's extra_data), points per block. */
import type { ResultsExtra } from "./gradescope-results";

function cell(v: unknown): string {
  const s = v === null || v === undefined ? "" : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function gradebookCsv(rows: ResultsExtra[]): string {
  const blockIds: string[] = [];
  for (const r of rows) for (const id of Object.keys(r.blocks)) if (!blockIds.includes(id)) blockIds.push(id);
  const head = ["submission", "student_id", "name", "assignment", "option", "status", "score", "max_score", ...blockIds, "deductions", "late_days", "late_penalty", "zip_sha256", "reason"];
  const sorted = [...rows].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const lines = [head.map(cell).join(",")];
  for (const r of sorted) {
    const score = r.blocks ? Object.values(r.blocks).reduce((a, b) => a + b, 0) - r.deductions - (r.late?.points ?? 0) : 0;
    lines.push([
      r.key, r.student_id, r.student_name, r.assignment, r.option, r.status, Math.max(0, Math.round(score * 100) / 100), r.max_score,
      ...blockIds.map((id) => (id in r.blocks ? r.blocks[id] : "")), r.deductions, r.late?.daysLate ?? "", r.late?.points ?? "", r.zip_sha256, r.status_reason,
    ].map(cell).join(","));
  }
  return `${lines.join("\n")}\n`;
}
