/**
 * The release manifest: release/<ID>.manifest.json, committed and shipped in the student bundle. It holds what a
 * submission is checked against, so submit/check need nothing the students do not have: per student module its
 * blocks, the frozen text around them (with hashes) and the allowed imports; per notebook the ordered cell ids
 * with the hash and text of every frozen cell; the required files.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import manifestSchema from "./schemas/release-manifest.schema.json";
import { validateWithSchema } from "./schema";
import { sha256 } from "./text";

export const MANIFEST_FORMAT = "dlvr-release-manifest/1";
export const MANIFEST_DIR = "release";

export interface BlockRef {
  id: string;
  stubSha256: string;
}

export interface FrozenEntry {
  startLine: number;
  endLine: number;
  sha256: string;
  text: string;
}

export interface ModuleEntry {
  path: string;
  allowedImports: string[];
  blocks: BlockRef[];
  frozen: FrozenEntry[];
}

export type CellRole = "frozen" | "block" | "answer" | "submit";

export interface CellEntry {
  id: string;
  cellType: "code" | "markdown" | "raw";
  role: CellRole;
  /** frozen cells only */
  sha256?: string;
  source?: string;
  /** block cells only */
  blocks?: BlockRef[];
}

export interface NotebookEntry {
  path: string;
  cells: CellEntry[];
}

export interface BlockInfo {
  file: string;
  points: number;
  vectorized: boolean;
  forbiddenApis: string[];
}

export interface ReleaseManifest {
  format: typeof MANIFEST_FORMAT;
  assignment: string;
  title: string;
  modules: ModuleEntry[];
  notebooks: NotebookEntry[];
  blocks: Record<string, BlockInfo>;
  requiredFiles: string[];
  publicTests: string[];
  submissionFileName: string;
}

export function manifestPath(root: string, assignment: string): string {
  return path.join(root, MANIFEST_DIR, `${assignment}.manifest.json`);
}

export function manifestRelPath(assignment: string): string {
  return `${MANIFEST_DIR}/${assignment}.manifest.json`;
}

/** Schema errors plus consistency checks (each hash matches its text). */
export function validateManifest(data: unknown): string[] {
  const errors = validateWithSchema(manifestSchema, data);
  if (errors.length) return errors;
  const m = data as ReleaseManifest;
  m.modules.forEach((mod, i) =>
    mod.frozen.forEach((f, j) => {
      if (sha256(f.text) !== f.sha256) errors.push(`modules[${i}].frozen[${j}].sha256: does not match its text`);
    }),
  );
  m.notebooks.forEach((nb, i) =>
    nb.cells.forEach((c, j) => {
      if (c.role === "frozen" && sha256(c.source ?? "") !== c.sha256) errors.push(`notebooks[${i}].cells[${j}].sha256: does not match its source`);
    }),
  );
  return errors;
}

export function serializeManifest(m: ReleaseManifest): string {
  return JSON.stringify(m, null, 2) + "\n";
}

export class ManifestError extends Error {}

export function readManifest(file: string): ReleaseManifest {
  let data: unknown;
  try {
    data = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (err) {
    throw new ManifestError(`cannot read the release manifest ${file}: ${(err as Error).message}. Restore it from the release zip.`);
  }
  const errors = validateManifest(data);
  if (errors.length) {
    throw new ManifestError(`${file} is not a valid release manifest (restore it from the release zip):\n  ${errors.join("\n  ")}`);
  }
  return data as ReleaseManifest;
}

/** Assignments with a manifest under <root>/release, sorted. */
export function listManifests(root: string): string[] {
  const dir = path.join(root, MANIFEST_DIR);
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => /^A\d+\.manifest\.json$/.test(f)).map((f) => f.replace(".manifest.json", "")).sort();
}

/**
 * Every manifest ever released is kept (release-only, not shipped): release/history/<ID>-<sha256 prefix>.manifest.json,
 * so a submission made against an earlier release (submission.json releaseManifestSha256) is checked against its own
 * manifest and an errata re-release never counts the instructor's edits against it.
 */
export const MANIFEST_HISTORY_DIR = `${MANIFEST_DIR}/history`;

export function manifestHistoryRelPath(assignment: string, manifestText: string): string {
  return `${MANIFEST_HISTORY_DIR}/${assignment}-${sha256(manifestText).slice(0, 16)}.manifest.json`;
}

/** The released manifest text of `assignment` whose sha256 is `manifestSha256` (history first, then the current one), or null. */
export function findReleasedManifestText(root: string, assignment: string, manifestSha256: string): string | null {
  const candidates = [path.join(root, MANIFEST_HISTORY_DIR, `${assignment}-${manifestSha256.slice(0, 16)}.manifest.json`), manifestPath(root, assignment)];
  for (const file of candidates) {
    if (!fs.existsSync(file)) continue;
    const text = fs.readFileSync(file, "utf8");
    if (sha256(text) === manifestSha256) return text;
  }
  return null;
}
