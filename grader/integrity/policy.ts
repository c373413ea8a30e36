/**
 * Grading policy: point deductions for integrity findings, penalties for static-check violations, run limits and
 * Gradescope visibility. Defaults here; an assignment overrides any part in grader/hidden/<ID>/index.ts
 * (`policy`), e.g. { deductions: { "frozen-code": { points: 5 } } }.
 */

/** Integrity findings the grader knows how to price (see grader/integrity/integrity.ts for how issues map to them). */
export const INTEGRITY_CATEGORIES = [
  "module-missing",
  "block-banners",
  "frozen-code",
  "disallowed-import",
  "notebook-missing",
  "notebook-invalid",
  "notebook-cell-added",
  "notebook-cell-deleted",
  "notebook-cell-moved",
  "notebook-cell-edited",
  "notebook-not-executed",
  "required-file-missing",
  "required-file-invalid",
  "other",
] as const;
export type IntegrityCategory = (typeof INTEGRITY_CATEGORIES)[number];

export interface Deduction {
  /** Points taken per occurrence (a changed region, an added cell, ...). */
  points: number;
  /** Most points this category can take in total. */
  max: number;
  /** Heading shown to students. */
  title: string;
}

export type Visibility = "hidden" | "after_due_date" | "after_published" | "visible";

export interface GradingPolicy {
  deductions: Record<IntegrityCategory, Deduction>;
  /** Fraction of a block's points taken when a `vectorized` block contains loops. */
  vectorizedPenalty: number;
  /** Fraction of a block's points taken when a block uses one of its `forbiddenApis`. */
  forbiddenApiPenalty: number;
  /** Multiplies every test's time budget (a slow grading machine: > 1). */
  timeScale: number;
  /** Longest single sandbox run (all tests together), before timeScale. */
  runCapMs: number;
  /** Address-space limit of a sandboxed run (Node needs >= 1 GiB). */
  memoryBytes: number;
  /** Gradescope visibility of the tests and of the top-level output. */
  visibility: Visibility;
  /**
   * One bug costs once: each block's tests also run with the reference bodies standing in for the other blocks
   * (the better of the two results counts). The reference code is then inside the job, where the student's code
   * runs and could read it; an instructor who cannot accept that turns this off.
   */
  referenceStandIns: boolean;
}

export const DEFAULT_POLICY: GradingPolicy = {
  deductions: {
    "module-missing": { points: 0, max: 0, title: "Student module missing" },
    "block-banners": { points: 5, max: 5, title: "Block banners damaged (BEGIN/END YOUR CODE lines)" },
    "frozen-code": { points: 2, max: 10, title: "Code outside the designated blocks changed" },
    "disallowed-import": { points: 5, max: 10, title: "Import that is not allowed" },
    "notebook-missing": { points: 10, max: 10, title: "Notebook missing" },
    "notebook-invalid": { points: 10, max: 10, title: "Notebook unreadable" },
    "notebook-cell-added": { points: 1, max: 5, title: "Notebook cells added" },
    "notebook-cell-deleted": { points: 2, max: 10, title: "Notebook cells deleted" },
    "notebook-cell-moved": { points: 1, max: 5, title: "Notebook cells moved" },
    "notebook-cell-edited": { points: 1, max: 5, title: "Frozen notebook cells edited" },
    "notebook-not-executed": { points: 5, max: 5, title: "Notebook not run and saved with outputs" },
    "required-file-missing": { points: 0, max: 0, title: "Required file missing" },
    "required-file-invalid": { points: 0, max: 0, title: "Required file unreadable" },
    other: { points: 0, max: 0, title: "Other submission problems" },
  },
  vectorizedPenalty: 0.5,
  forbiddenApiPenalty: 0.5,
  timeScale: 1,
  runCapMs: 20_000,
  memoryBytes: 2 * 1024 * 1024 * 1024,
  visibility: "visible",
  referenceStandIns: true,
};

export interface PolicyOverrides extends Partial<Omit<GradingPolicy, "deductions">> {
  deductions?: Partial<Record<IntegrityCategory, Partial<Deduction>>>;
}

export function resolvePolicy(...overrides: (PolicyOverrides | undefined)[]): GradingPolicy {
  const p: GradingPolicy = { ...DEFAULT_POLICY, deductions: { ...DEFAULT_POLICY.deductions } };
  for (const o of overrides) {
    if (!o) continue;
    const { deductions, ...rest } = o;
    Object.assign(p, Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined)));
    for (const [k, d] of Object.entries(deductions ?? {})) {
      const key = k as IntegrityCategory;
      p.deductions[key] = { ...p.deductions[key], ...d };
    }
  }
  return p;
}
