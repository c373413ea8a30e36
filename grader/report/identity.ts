/**
 * Who a row belongs to, across the whole out folder: every graded submission found there (not just this
 * command's inputs), and the identity problems between them.
 *
 * Policy (BatchOptions.identity, `npm run grade -- --id-from ... --duplicates ...`):
 *  - idFrom "submission.json" (default): when the id in the zip's name and the id in submission.json differ,
 *    submission.json's id is used for seeds and the gradebook; "zip name": the name's id is. Either way the row,
 *    its feedback and the batch summary say so (grade-submission.ts flags it per submission).
 *  - duplicates "highest" (default): when several zips carry one student id and assignment, every one keeps its
 *    own row and folder, the best-scoring one counts (ties: the first key in sort order) and the others are
 *    marked "counts: no"; "flag-only": all are flagged, none is chosen (the instructor decides).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { looksLikeKey } from "../intake/output-keys";
import { RESULTS_FORMAT, type ResultsExtra } from "./gradescope-results";

export interface IdentityPolicy {
  idFrom: "submission.json" | "zip name";
  duplicates: "highest" | "flag-only";
}

export const DEFAULT_IDENTITY: IdentityPolicy = { idFrom: "submission.json", duplicates: "highest" };

export interface IdentityReport {
  /** Flags per output key (id mismatch, duplicates), for the gradebook and feedback. */
  flags: Map<string, string[]>;
  /** Per key: does this row count (false only for a duplicate that lost under the policy). */
  counts: Map<string, boolean>;
  /** One line per problem, for the batch's console summary. */
  summary: string[];
}

const byKey = (a: ResultsExtra, b: ResultsExtra) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/** extra_data of every graded submission in outDir, with `current` (this batch) taking precedence; sorted by key. */
export function gradedRowsIn(outDir: string, current: ResultsExtra[]): ResultsExtra[] {
  const rows = new Map<string, ResultsExtra>();
  let names: string[] = [];
  try {
    names = fs.readdirSync(outDir);
  } catch {
    // no out folder yet
  }
  for (const name of names) {
    if (!looksLikeKey(name)) continue;
    try {
      const r = JSON.parse(fs.readFileSync(path.join(outDir, name, "results.json"), "utf8")) as { extra_data?: ResultsExtra };
      if (r.extra_data?.format === RESULTS_FORMAT && r.extra_data.key === name) rows.set(name, r.extra_data);
    } catch {
      // not a submission folder
    }
  }
  for (const r of current) rows.set(r.key, r);
  return [...rows.values()].sort(byKey);
}

export function identityFlags(rows: ResultsExtra[], policy: Partial<IdentityPolicy> = {}): IdentityReport {
  const p = { ...DEFAULT_IDENTITY, ...policy };
  const flags = new Map<string, string[]>();
  const counts = new Map<string, boolean>();
  const summary: string[] = [];
  const add = (key: string, f: string) => flags.set(key, [...(flags.get(key) ?? []), f]);
  for (const r of rows) {
    counts.set(r.key, true);
    for (const f of r.identity_flags ?? []) {
      add(r.key, f);
      summary.push(`${r.key}: ${f}`);
    }
  }
  const groups = new Map<string, ResultsExtra[]>();
  for (const r of rows) {
    if (r.student_id.startsWith("zip")) continue; // no id at all: nothing to match
    const g = `${r.assignment}\u0000${r.student_id}`;
    groups.set(g, [...(groups.get(g) ?? []), r]);
  }
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const sorted = [...group].sort(byKey);
    const winner = p.duplicates === "highest" ? sorted.reduce((best, r) => (r.score > best.score ? r : best), sorted[0]) : null;
    const keys = sorted.map((r) => r.key);
    for (const r of sorted) {
      const others = keys.filter((k) => k !== r.key).join(", ");
      const verdict = winner === null ? "the instructor decides which counts (policy flag-only)" : r === winner ? "this one counts (policy: highest score)" : `${winner.key} counts instead (policy: highest score)`;
      add(r.key, `duplicate: student ${r.student_id} also submitted ${others} for ${r.assignment}; ${verdict}`);
      if (winner !== null && r !== winner) counts.set(r.key, false);
    }
    summary.push(`student ${sorted[0].student_id} has ${sorted.length} submissions for ${sorted[0].assignment} (${keys.join(", ")}); ${winner ? `${winner.key} counts` : "none chosen (flag-only)"}`);
  }
  return { flags, counts, summary };
}

const IDENTITY_HEADING = "\n## Identity\n";

/** feedback.md with its identity section set to `flags` (removed when there are none). */
export function withIdentitySection(feedback: string, flags: string[]): string {
  const i = feedback.indexOf(IDENTITY_HEADING);
  const body = (i >= 0 ? feedback.slice(0, i) : feedback).trimEnd();
  if (flags.length === 0) return `${body}\n`;
  return `${body}\n${IDENTITY_HEADING}\n${flags.map((f) => `- ${f}`).join("\n")}\n`;
}
