/**
 * Reading back what grade runs wrote into an out folder: every `<out>/<key>/results.json` (whichever command
 * graded it), for the class report, the Canvas export and regrades.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { GradescopeResults } from "./gradescope-results";

export interface GradedEntry {
  key: string;
  dir: string;
  results: GradescopeResults;
}

/** Every submission folder of `outDir` holding a results.json the grader wrote, sorted by key. */
export function readOutFolder(outDir: string): GradedEntry[] {
  if (!fs.existsSync(outDir)) return [];
  const out: GradedEntry[] = [];
  for (const e of fs.readdirSync(outDir, { withFileTypes: true })) {
    if (!e.isDirectory()) continue;
    const dir = path.join(outDir, e.name);
    try {
      const r = JSON.parse(fs.readFileSync(path.join(dir, "results.json"), "utf8")) as GradescopeResults;
      if (r?.extra_data?.format && Array.isArray(r.tests)) out.push({ key: e.name, dir, results: r });
    } catch {
      // not a graded submission folder
    }
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

/** A CSV cell: quoted when needed; text a spreadsheet would run as a formula gets a leading apostrophe. */
export function csvCell(v: unknown): string {
  let s = v === null || v === undefined ? "" : String(v);
  if (typeof v === "string" && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export const round2 = (x: number): number => Math.round(x * 100 + Number.EPSILON * 100) / 100;
