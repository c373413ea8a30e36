/**
 * Regrades (`npm run grade -- --regrade`, after the hidden tests or the assignment config changed): the grade
 * command reads the out folder's results before grading everything again; afterwards regrade.csv and
 * regrade.json list every submission whose score or any test's points changed, old -> new, with the tests
 * that changed. The class report shows the last regrade from regrade.json.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { finalScore } from "./canvas";
import { writeFileAtomic, writeJsonAtomic } from "./fs-atomic";
import type { GradescopeResults } from "./gradescope-results";
import { csvCell, round2, type GradedEntry } from "./out-folder";

export const REGRADE_CSV = "regrade.csv";
export const REGRADE_JSON = "regrade.json";

export interface TestChange {
  test: string;
  old: number | null;
  new: number | null;
  max: number;
}

export interface RegradeRow {
  key: string;
  student_id: string;
  name: string | null;
  old_score: number | null;
  new_score: number | null;
  tests: TestChange[];
}

export interface RegradeSummary {
  format: "dlvr-regrade/1";
  /** Submissions compared (graded before and now). */
  compared: number;
  oldFingerprints: string[];
  newFingerprints: string[];
  changed: RegradeRow[];
}

const scoreOf = (r: GradescopeResults) => finalScore(r.extra_data);

/** Submissions whose score or test points differ between two readings of the out folder. */
export function compareRegrade(before: GradedEntry[], after: GradedEntry[]): RegradeSummary {
  const old = new Map(before.map((e) => [e.key, e.results]));
  const changed: RegradeRow[] = [];
  let compared = 0;
  const keys = [...new Set([...before.map((e) => e.key), ...after.map((e) => e.key)])].sort();
  const now = new Map(after.map((e) => [e.key, e.results]));
  for (const key of keys) {
    const a = old.get(key), b = now.get(key);
    if (a && b) compared++;
    const tests: TestChange[] = [];
    const names = [...new Set([...(a?.tests ?? []).map((t) => t.name), ...(b?.tests ?? []).map((t) => t.name)])];
    for (const name of names) {
      const ta = a?.tests.find((t) => t.name === name), tb = b?.tests.find((t) => t.name === name);
      if (ta?.score === tb?.score) continue;
      tests.push({ test: name, old: ta ? ta.score : null, new: tb ? tb.score : null, max: (tb ?? ta)!.max_score });
    }
    const os = a ? scoreOf(a) : null, ns = b ? scoreOf(b) : null;
    if (os === ns && tests.length === 0) continue;
    const e = (b ?? a)!.extra_data;
    changed.push({ key, student_id: e.student_id, name: e.student_name, old_score: os, new_score: ns, tests });
  }
  const fps = (l: GradedEntry[]) => [...new Set(l.map((e) => e.results.extra_data.fingerprint))].sort();
  return { format: "dlvr-regrade/1", compared, oldFingerprints: fps(before), newFingerprints: fps(after), changed };
}

const num = (v: number | null) => (v === null ? "" : v);

export function regradeCsv(s: RegradeSummary): string {
  const lines = [["submission", "student_id", "name", "old_score", "new_score", "change", "tests_changed"].map(csvCell).join(",")];
  for (const r of s.changed) {
    const change = r.old_score !== null && r.new_score !== null ? round2(r.new_score - r.old_score) : "";
    const tests = r.tests.map((t) => `${t.test}: ${t.old ?? "-"} -> ${t.new ?? "-"}`).join("; ");
    lines.push([r.key, r.student_id, r.name, num(r.old_score), num(r.new_score), change, tests].map(csvCell).join(","));
  }
  return `${lines.join("\n")}\n`;
}

export function writeRegrade(outDir: string, s: RegradeSummary): void {
  writeFileAtomic(path.join(outDir, REGRADE_CSV), regradeCsv(s));
  writeJsonAtomic(path.join(outDir, REGRADE_JSON), s);
}

export function readRegrade(outDir: string): RegradeSummary | null {
  try {
    const v = JSON.parse(fs.readFileSync(path.join(outDir, REGRADE_JSON), "utf8")) as RegradeSummary;
    return v?.format === "dlvr-regrade/1" ? v : null;
  } catch {
    return null;
  }
}
