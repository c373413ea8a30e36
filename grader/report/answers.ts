/**
 * out/answers.md: every student's answer to each inline question, question by question, so a TA grades one
 * question across the class at a time (points go in the gradebook's question:<cell id> columns). Student text is
 * fenced so it cannot change the document's structure.
 */
import { fenced } from "./feedback";
import type { ResultsExtra } from "./gradescope-results";

const plain = (s: string) => s.replace(/[\r\n]+/g, " ").replace(/[\\`*_[\]<>#|]/g, (c) => `\\${c}`);

/** null when no submission of the out folder has inline questions. */
export function answersMarkdown(rows: ResultsExtra[]): string | null {
  const byQuestion = new Map<string, { question: string; notebook: string; entries: { row: ResultsExtra; answer: string }[] }>();
  const sorted = [...rows].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const row of sorted) {
    for (const a of row.answers ?? []) {
      const q = byQuestion.get(a.cell_id) ?? { question: a.question, notebook: a.notebook, entries: [] };
      q.entries.push({ row, answer: a.answer });
      byQuestion.set(a.cell_id, q);
    }
  }
  if (!byQuestion.size) return null;
  const out = ["# Inline answers", "", `${sorted.length} submissions; points go in gradebook.csv's \`question:<cell id>\` columns.`, ""];
  for (const [cellId, q] of byQuestion) {
    const answered = q.entries.filter((e) => e.answer).length;
    out.push(`## \`${cellId}\` (${q.notebook}): ${answered} of ${q.entries.length} answered`, "", ...q.question.split("\n").map((l) => `> ${l}`), "");
    for (const { row, answer } of q.entries) {
      out.push(`### ${plain(row.student_name ?? "(no name)")} (${plain(row.student_id)}, \`${row.key}\`)`, "");
      out.push(...(answer ? fenced(answer, "text") : ["_(not answered)_"]), "");
    }
  }
  return `${out.join("\n").trimEnd()}\n`;
}
