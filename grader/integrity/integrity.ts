/**
 * Integrity checks of a submission against the release manifest, done by lib/course's validateSubmission
 * (frozen code, block banners, allowed imports, notebook cells and outputs, required files). This module only
 * sorts its issues into the categories the grading policy prices (by their item and wording; unknown errors
 * fall under "other") and computes the deductions.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { ReleaseManifest } from "../../lib/course/manifest";
import type { Issue } from "../../lib/course/report";
import { submissionPaths, validateSubmission, type BlockReport } from "../../lib/course/submission";
import type { GradingPolicy, IntegrityCategory } from "./policy";

export interface IntegrityFinding {
  category: IntegrityCategory;
  item: string;
  message: string;
  /** A diff of the changed frozen text, when there is one. */
  detail?: string;
}

export interface AppliedDeduction {
  category: IntegrityCategory;
  title: string;
  count: number;
  /** Points taken (>= 0). */
  points: number;
}

export interface IntegrityReport {
  findings: IntegrityFinding[];
  deductions: AppliedDeduction[];
  /** Warnings worth showing that cost nothing (cells that ended with an error, run out of order). */
  warnings: Issue[];
  /** State of every block (untouched / todo / comments-only / code). */
  blocks: BlockReport[];
}

const RULES: [IntegrityCategory, (i: Issue, m: ReleaseManifest) => boolean][] = [
  ["module-missing", (i, m) => m.modules.some((x) => x.path === i.item) && i.message.startsWith("missing:")],
  ["frozen-code", (i) => i.message.startsWith("code outside the designated blocks was changed")],
  ["disallowed-import", (i) => /^import of ".*" is not allowed/.test(i.message)],
  ["block-banners", (i, m) => m.modules.some((x) => i.item === x.path || i.item.startsWith(`${x.path}:`))],
  ["notebook-missing", (i, m) => m.notebooks.some((x) => x.path === i.item) && i.message.startsWith("missing:")],
  ["notebook-invalid", (i) => /not a valid notebook|not a Jupyter notebook|has no cell ids/.test(i.message)],
  ["notebook-cell-moved", (i) => /was moved from position/.test(i.message)],
  ["notebook-cell-added", (i) => /is a copy of cell|has the text of the deleted frozen cell|^was added/.test(i.message)],
  ["notebook-cell-deleted", (i) => /cell was deleted/.test(i.message)],
  ["notebook-cell-edited", (i) => /frozen cell was edited|^changed from \w+ to \w+|lost the banners of block/.test(i.message) || / line \d+$/.test(i.item)],
  ["notebook-not-executed", (i) => /saved without outputs|never ran in the saved file|saved before your last change/.test(i.message)],
  ["required-file-missing", (i, m) => m.requiredFiles.includes(i.item) && i.message.startsWith("missing:")],
  ["required-file-invalid", (i, m) => m.requiredFiles.includes(i.item)],
];

export function classifyIssue(issue: Issue, manifest: ReleaseManifest): IntegrityCategory {
  for (const [category, test] of RULES) if (test(issue, manifest)) return category;
  return "other";
}

/** Same timestamp on every submitted file: zips do not carry meaningful times, and grading must not depend on them. */
function neutralizeTimes(root: string, manifest: ReleaseManifest): void {
  const t = new Date("2000-01-01T00:00:00Z");
  for (const p of submissionPaths(manifest)) {
    const f = path.join(root, p);
    try {
      fs.utimesSync(f, t, t);
    } catch {
      // missing files are reported by the checks
    }
  }
}

export function checkIntegrity(root: string, manifest: ReleaseManifest, policy: GradingPolicy): IntegrityReport {
  neutralizeTimes(root, manifest);
  const { issues, blocks } = validateSubmission(root, manifest);
  const findings: IntegrityFinding[] = [];
  const warnings: Issue[] = [];
  for (const i of issues) {
    if (i.level === "error") findings.push({ category: classifyIssue(i, manifest), item: i.item, message: i.message, detail: i.detail });
    else if (i.level === "warn" && !/\(the grader checks this\)$|option 1 would be refused/.test(i.message)) warnings.push(i);
  }
  return { findings, deductions: deductionsFor(findings, policy), warnings, blocks };
}

export function deductionsFor(findings: IntegrityFinding[], policy: GradingPolicy): AppliedDeduction[] {
  const counts = new Map<IntegrityCategory, number>();
  for (const f of findings) counts.set(f.category, (counts.get(f.category) ?? 0) + 1);
  return [...counts.entries()]
    .map(([category, count]) => {
      const d = policy.deductions[category];
      return { category, title: d.title, count, points: Math.min(d.max, d.points * count) };
    })
    .sort((a, b) => (a.category < b.category ? -1 : 1));
}
