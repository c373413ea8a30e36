/**
 * The designated-block bodies of each graded submission, kept beside its results as `<out>/<key>/blocks.json`
 * so that similarity can compare every submission of the out folder, not only those of the last command.
 * Read again from the zip (with intake's capped, hostile-zip-safe extraction) or the submission folder;
 * rewritten only when the zip changed (its sha256 is recorded). The released stubs come from solutions/.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { blockBody, parseBlocks, stripSolutions } from "../../lib/course/blocks";
import type { AssignmentConfig } from "../../lib/course/config";
import type { ReleaseManifest } from "../../lib/course/manifest";
import { extractSubmission } from "../intake/unzip";
import { locateProjectRoot } from "../intake/submission-files";
import { writeJsonAtomic } from "./fs-atomic";

export const BLOCK_CODE_FILE = "blocks.json";
const FORMAT = "dlvr-block-code/1";
/** Characters kept per block body. */
const MAX_BODY = 50_000;

export interface BlockCodeFile {
  format: typeof FORMAT;
  zip_sha256: string;
  assignment: string;
  /** Block id -> body text (banners excluded); blocks whose file is missing are left out. */
  blocks: Record<string, string>;
}

/** Block bodies of the student modules found under a project root. */
export function blockBodies(root: string, manifest: ReleaseManifest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const mod of manifest.modules) {
    const file = path.join(root, mod.path);
    let text: string;
    try {
      if (fs.statSync(file).size > 2 * 1024 * 1024) continue;
      text = fs.readFileSync(file, "utf8");
    } catch {
      continue;
    }
    const parsed = parseBlocks(text);
    for (const b of parsed.blocks) {
      if (mod.blocks.some((r) => r.id === b.id) && !(b.id in out)) out[b.id] = blockBody(parsed, b).join("\n").slice(0, MAX_BODY);
    }
  }
  return out;
}

/** Block bodies of a submission zip or folder ({} when it cannot be read). */
export async function readSubmissionBlocks(input: string, manifest: ReleaseManifest): Promise<Record<string, string>> {
  if (fs.statSync(input).isDirectory()) return blockBodies(input, manifest);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "dlvr-blocks-"));
  try {
    await extractSubmission(input, path.join(tmp, "x"));
    const root = locateProjectRoot(path.join(tmp, "x"), ["submission.json", "student_src"]);
    return root ? blockBodies(root, manifest) : {};
  } catch {
    return {};
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/** Writes `<dir>/blocks.json` unless it already holds this zip's blocks. */
export async function updateBlockCode(dir: string, input: string, zipSha256: string, assignment: string, manifest: ReleaseManifest): Promise<void> {
  const file = path.join(dir, BLOCK_CODE_FILE);
  const old = readBlockCode(dir);
  if (old && old.zip_sha256 === zipSha256 && old.assignment === assignment) return;
  if (!fs.existsSync(input)) return;
  const data: BlockCodeFile = { format: FORMAT, zip_sha256: zipSha256, assignment, blocks: await readSubmissionBlocks(input, manifest) };
  writeJsonAtomic(file, data);
}

export function readBlockCode(dir: string): BlockCodeFile | null {
  try {
    const v = JSON.parse(fs.readFileSync(path.join(dir, BLOCK_CODE_FILE), "utf8")) as BlockCodeFile;
    return v?.format === FORMAT && v.blocks && typeof v.blocks === "object" ? v : null;
  } catch {
    return null;
  }
}

/** The released stub of every block, from the solution files (what `npm run release` puts in the blocks). */
export function releasedStubs(repoRoot: string, config: AssignmentConfig): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of config.modules) {
    try {
      const text = stripSolutions(fs.readFileSync(path.join(repoRoot, m.solution), "utf8"), m.solution).text;
      const parsed = parseBlocks(text);
      for (const b of parsed.blocks) out[b.id] = blockBody(parsed, b).join("\n");
    } catch {
      // a solution that cannot be read or released: no stub to exclude for its blocks
    }
  }
  return out;
}
