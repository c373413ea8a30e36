/**
 * gradebook-canvas.csv: the out folder's grades in Canvas's gradebook import format. Canvas reads the columns
 * Student, ID, SIS User ID, SIS Login ID, Section (it matches students by ID, then SIS User ID, then SIS Login
 * ID), then one column per assignment; the second row, "Points Possible", gives each column's maximum.
 * A column named like an existing Canvas assignment ("A3 Linear classifiers (12345)") updates it; any other
 * name creates a new assignment on import.
 *
 * The student id goes into SIS User ID (ID is Canvas's internal number, unknown here). Per assignment config
 * (`lms.columns`): one total column, one per graded block, or one per question (`lms.questions`: a question
 * adds up its blocks). Deductions and the late penalty apply to the whole submission, so with several columns
 * each column is scaled by the same factor (final score / sum of block points earned): the columns add up to
 * the final score, up to rounding.
 * One row per student id; when one id has several submissions, the one submitted last (else the last key)
 * counts, and the report flags it.
 */
import type { AssignmentConfig } from "../../lib/course/config";
import type { ResultsExtra } from "./gradescope-results";
import { csvCell, round2 } from "./out-folder";

export const CANVAS_HEAD = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"];

interface Column {
  assignment: string;
  name: string;
  /** Blocks this column adds up. */
  blocks: string[];
  points: number;
}

/** The final score of a results row (blocks - deductions - late penalty, never below 0). */
export function finalScore(r: ResultsExtra): number {
  const blocks = Object.values(r.blocks ?? {}).reduce((a, b) => a + b, 0);
  return round2(Math.max(0, Math.max(0, blocks - r.deductions) - (r.late?.points ?? 0)));
}

function columnsOf(config: AssignmentConfig): Column[] {
  const name = config.lms?.assignmentName ?? `${config.id} ${config.title}`;
  const graded = Object.entries(config.blocks).filter(([, b]) => b.points > 0);
  const total = graded.reduce((a, [, b]) => a + b.points, 0);
  switch (config.lms?.columns ?? "total") {
    case "blocks":
      return graded.map(([id, b]) => ({ assignment: config.id, name: `${name}: ${id}`, blocks: [id], points: b.points }));
    case "questions":
      return Object.entries(config.lms?.questions ?? {}).map(([q, ids]) => ({
        assignment: config.id, name: `${name}: ${q}`, blocks: ids, points: round2(ids.reduce((a, id) => a + (config.blocks[id]?.points ?? 0), 0)),
      }));
    default:
      return [{ assignment: config.id, name, blocks: graded.map(([id]) => id), points: total }];
  }
}

/** Which submission counts per (student id, assignment): the last submitted, else the last key. */
export function countingSubmissions(rows: ResultsExtra[]): ResultsExtra[] {
  const best = new Map<string, ResultsExtra>();
  const later = (a: ResultsExtra, b: ResultsExtra) => {
    const ta = a.submitted_at ?? "", tb = b.submitted_at ?? "";
    return ta !== tb ? ta > tb : a.key > b.key;
  };
  for (const r of rows) {
    const k = `${r.student_id}\u0000${r.assignment}`;
    const cur = best.get(k);
    if (!cur || later(r, cur)) best.set(k, r);
  }
  return [...best.values()];
}

export function canvasCsv(rows: ResultsExtra[], configs: AssignmentConfig[]): string {
  const cols = configs.flatMap(columnsOf);
  const counted = countingSubmissions(rows);
  const students = [...new Set(counted.map((r) => r.student_id))].sort();
  const lines = [[...CANVAS_HEAD, ...cols.map((c) => c.name)], ["Points Possible", "", "", "", "", ...cols.map((c) => c.points)]];
  for (const id of students) {
    const mine = counted.filter((r) => r.student_id === id);
    const name = mine.find((r) => r.student_name)?.student_name ?? id;
    const cells = cols.map((c) => {
      const r = mine.find((x) => x.assignment === c.assignment);
      if (!r) return "";
      const earned = Object.values(r.blocks ?? {}).reduce((a, b) => a + b, 0);
      const factor = earned > 0 ? finalScore(r) / earned : 0;
      return round2(c.blocks.reduce((a, b) => a + (r.blocks?.[b] ?? 0), 0) * factor);
    });
    lines.push([name, "", id, "", "", ...cells]);
  }
  return `${lines.map((l) => l.map(csvCell).join(",")).join("\n")}\n`;
}
