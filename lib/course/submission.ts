/**
 * Validating a student's project against the release manifest, and packing the submission zip.
 * Used by `npm run submit`, `npm run check` and the notebook's submit cell (through the CLI).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { blockBody, blockState, frozenRegions, parseBlocks, type BlockState } from "./blocks";
import { unifiedDiff } from "./diff";
import { checkImports, findBlockApiUses } from "./imports";
import type { ModuleEntry, ReleaseManifest } from "./manifest";
import { checkAnswers, checkNotebookExecution, checkNotebookStructure, notebookBlockStates, parseNotebook } from "./notebook-integrity";
import { zipBuffer, type ZipEntry } from "./package-zip";
import type { Issue } from "./report";
import { submissionFileName, type StudentInfo } from "./student-info";
import { hashLines, normalizeLines, plural, sha256, splitLines } from "./text";

export interface BlockReport {
  id: string;
  where: string;
  state: BlockState;
}

export interface ValidationResult {
  issues: Issue[];
  blocks: BlockReport[];
}

const size = (n: number) => (n < 1024 ? `${n} bytes` : `${(n / 1024).toFixed(0)} KiB`);
const restoreHint = (p: string) => `restore it from the release zip (${p})`;

function checkModule(root: string, mod: ModuleEntry, manifest: ReleaseManifest, blocks: BlockReport[]): Issue[] {
  const file = path.join(root, mod.path);
  if (!fs.existsSync(file)) return [{ level: "error", item: mod.path, message: `missing: ${restoreHint(mod.path)} and redo your blocks` }];
  const text = fs.readFileSync(file, "utf8");
  const issues: Issue[] = [];
  const parsed = parseBlocks(text);
  for (const p of parsed.problems) issues.push({ level: "error", item: `${mod.path}:${p.line}`, message: p.message });
  const want = mod.blocks.map((b) => b.id);
  const have = parsed.blocks.map((b) => b.id);
  const sameBlocks = want.length === have.length && want.every((id, i) => id === have[i]);
  if (!parsed.problems.length && !sameBlocks) {
    const missing = want.filter((id) => !have.includes(id));
    const extra = have.filter((id) => !want.includes(id));
    const parts = [
      missing.length ? `missing block ${missing.map((m) => `"${m}"`).join(", ")} (its BEGIN/END YOUR CODE banners were deleted or edited)` : "",
      extra.length ? `unknown block ${extra.map((m) => `"${m}"`).join(", ")}` : "",
      !missing.length && !extra.length ? `blocks are in a different order (expected ${want.join(", ")})` : "",
    ].filter(Boolean);
    issues.push({ level: "error", item: mod.path, message: `${parts.join("; ")}: restore the banners exactly as released` });
  }
  if (parsed.problems.length || !sameBlocks) {
    issues.push({ level: "info", item: mod.path, message: "frozen-code check skipped until the block banners are fixed" });
  } else {
    const regions = frozenRegions(parsed);
    regions.forEach((r, i) => {
      const expected = mod.frozen[i];
      if (hashLines(r.lines) === expected.sha256) return;
      const around = i === 0 ? `before block "${want[0]}"` : i === regions.length - 1 ? `after block "${want[i - 1]}"` : `between blocks "${want[i - 1]}" and "${want[i]}"`;
      issues.push({
        level: "error",
        item: `${mod.path}:${r.startLine}-${r.endLine}`,
        message: `code outside the designated blocks was changed (${around}): undo these changes, write only inside BEGIN/END YOUR CODE`,
        detail: unifiedDiff(splitLines(expected.text), splitLines(normalizeLines(r.lines)), {
          aStart: expected.startLine, bStart: r.startLine, aLabel: `release ${mod.path}`, bLabel: `yours ${mod.path}`,
        }),
      });
    });
    for (const ref of mod.blocks) {
      const b = parsed.blocks.find((x) => x.id === ref.id)!;
      blocks.push({ id: ref.id, where: mod.path, state: blockState(blockBody(parsed, b), ref.stubSha256) });
    }
    const ranges = parsed.blocks.map((b) => ({
      id: b.id, startLine: b.begin + 2, endLine: b.end, vectorized: manifest.blocks[b.id]?.vectorized, forbiddenApis: manifest.blocks[b.id]?.forbiddenApis,
    }));
    for (const f of findBlockApiUses(text, mod.path, ranges)) {
      issues.push({ level: "warn", item: `${mod.path}:${f.line}`, message: `${f.message} (the grader checks this)` });
    }
  }
  for (const v of checkImports(text, mod.path, mod.allowedImports)) {
    issues.push({
      level: "error", item: `${mod.path}:${v.line}`,
      message: `import of "${v.specifier}" is not allowed (allowed: ${mod.allowedImports.map((a) => `"${a}"`).join(", ") || "none"}): remove it and use only the allowed modules`,
    });
  }
  if (!issues.some((i) => i.level === "error")) {
    issues.push({ level: "ok", item: mod.path, message: `frozen code intact (${plural(mod.frozen.length, "region")}), imports allowed` });
  }
  return issues;
}

function blockIssues(blocks: BlockReport[], option: 1 | 2 | undefined): Issue[] {
  const issues: Issue[] = [];
  const what: Record<Exclude<BlockState, "code">, string> = {
    untouched: "is still the released stub (unchanged)",
    todo: 'still throws the "TODO" stub error',
    "comments-only": "holds only comments, no code",
  };
  for (const b of blocks) {
    if (b.state === "code") continue;
    const item = `${b.where}: block "${b.id}"`;
    if (option === 1) {
      issues.push({
        level: "error", item,
        message: `${what[b.state]}, but option 1 says you completed the assignment: finish the block${b.state === "todo" ? " and delete the TODO throw" : ""}, or submit with --option 2 and explain your understanding in comments`,
      });
    } else if (option === 2) {
      if (b.state === "comments-only") issues.push({ level: "info", item, message: "holds only comments (fine for option 2 if they explain your understanding)" });
      else issues.push({ level: "warn", item, message: `${what[b.state]}: with option 2, write comments in the block that explain how you would solve it` });
    } else {
      issues.push({ level: "warn", item, message: `${what[b.state]} (submitting with option 1 would be refused)` });
    }
  }
  const done = blocks.filter((b) => b.state === "code").length;
  issues.push({ level: "info", item: "blocks", message: `${done}/${blocks.length} designated blocks hold code` });
  return issues;
}

/** Every check that decides whether a submission is accepted; `option` undefined = check only. */
export function validateSubmission(root: string, manifest: ReleaseManifest, opts: { option?: 1 | 2 } = {}): ValidationResult {
  const issues: Issue[] = [];
  const blocks: BlockReport[] = [];
  for (const mod of manifest.modules) issues.push(...checkModule(root, mod, manifest, blocks));

  const loads = kernelLoads(root);
  const mtimes = manifest.modules
    .map((m) => ({ rel: m.path, abs: path.join(root, m.path) }))
    .filter((f) => fs.existsSync(f.abs))
    .map((f) => ({ path: f.rel, mtimeMs: fs.statSync(f.abs).mtimeMs, sha256: sha256(fs.readFileSync(f.abs)) }));
  mtimes.sort((a, b) => b.mtimeMs - a.mtimeMs);

  for (const entry of manifest.notebooks) {
    const file = path.join(root, entry.path);
    if (!fs.existsSync(file)) {
      issues.push({ level: "error", item: entry.path, message: `missing: ${restoreHint(entry.path)}, run it and save` });
      continue;
    }
    let nb;
    try {
      nb = parseNotebook(fs.readFileSync(file, "utf8"), entry.path);
    } catch (err) {
      issues.push({ level: "error", item: entry.path, message: `${(err as Error).message}: ${restoreHint(entry.path)}` });
      continue;
    }
    issues.push(...checkNotebookStructure(entry, nb));
    const notebookMtimeMs = fs.statSync(file).mtimeMs;
    // A module newer than the notebook counts as an edit the notebook never ran unless the kernel loaded exactly
    // this content before the notebook was saved (touched and reverted, or saved again unchanged).
    const edited = mtimes.filter((m) => !(loads[m.path]?.sha256 === m.sha256 && loads[m.path].atMs <= notebookMtimeMs + 1000));
    issues.push(...checkNotebookExecution(entry, nb, { notebookMtimeMs, newestModule: edited[0] }));
    issues.push(...checkAnswers(entry, nb));
    blocks.push(...notebookBlockStates(entry, nb));
  }

  for (const req of manifest.requiredFiles) {
    const file = path.join(root, req);
    if (!fs.existsSync(file)) {
      issues.push({ level: "error", item: req, message: "missing: run the notebook cell that saves it (it writes to the project root), then submit again" });
      continue;
    }
    const data = fs.readFileSync(file);
    if (data.length === 0) {
      issues.push({ level: "error", item: req, message: "is empty: run the notebook cell that saves it again" });
    } else if (req.endsWith(".json")) {
      try {
        JSON.parse(data.toString("utf8"));
        issues.push({ level: "ok", item: req, message: `present (${size(data.length)})` });
      } catch {
        issues.push({ level: "error", item: req, message: "is not valid JSON (interrupted while saving?): run the notebook cell that saves it again" });
      }
    } else {
      issues.push({ level: "ok", item: req, message: `present (${size(data.length)})` });
    }
  }
  issues.push(...blockIssues(blocks, opts.option));
  return { issues, blocks };
}

/** Content hashes of the files the notebook kernel loaded (written by scripts/tslab-kernel-patches.cjs); {} if none. */
export const KERNEL_LOADS_FILE = ".dlvr/kernel-loads.json";
function kernelLoads(root: string): Record<string, { sha256: string; atMs: number }> {
  try {
    return JSON.parse(fs.readFileSync(path.join(root, KERNEL_LOADS_FILE), "utf8"));
  } catch {
    return {};
  }
}

export interface SubmissionFile {
  path: string;
  sha256: string;
  bytes: number;
}

export interface SubmissionPackage {
  fileName: string;
  zip: Buffer;
  files: SubmissionFile[];
  /** The submission.json written into the zip. */
  info: object;
}

/** The files of a submission: student modules, notebooks, required files (paths relative to the project root). */
export function submissionPaths(manifest: ReleaseManifest): string[] {
  return [...manifest.modules.map((m) => m.path), ...manifest.notebooks.map((n) => n.path), ...manifest.requiredFiles].sort();
}

/**
 * Every dataset named in `text` by the heading lib/data's loadDataset puts before its description,
 * `dataset "<DLVR_DATASET value>" (<how it was chosen>): ` (datasetHeading in lib/data/dataset-spec.ts; parsed here
 * so that lib/course needs nothing else from lib/). In order, without repeats.
 */
export function datasetsNamedIn(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/dataset ("(?:[^"\\]|\\.)*") \(/g)) {
    const s = JSON.parse(m[1]) as string;
    if (!found.includes(s)) found.push(s);
  }
  return found;
}

/**
 * The datasets each notebook ran on, as its saved outputs name them (lib/data's `dataset "<DLVR_DATASET value>" (...)`
 * heading, printed by the data cells), by notebook path; [] when no output names one. Recorded for the TA's
 * information only: the grader always grades on its own seeded data.
 */
export function notebookDatasets(root: string, manifest: ReleaseManifest): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const { path: nbPath } of manifest.notebooks) {
    let text = "";
    try {
      const nb = parseNotebook(fs.readFileSync(path.join(root, nbPath), "utf8"), nbPath);
      for (const c of nb.cells) for (const o of c.outputs ?? []) if (o.output_type === "stream") text += [o.text ?? ""].flat().join("");
    } catch {
      // A missing or broken notebook is reported by validateSubmission; here it simply names no dataset.
    }
    out[nbPath] = datasetsNamedIn(text);
  }
  return out;
}

/**
 * Packs the submission; deterministic bytes for the same files, student info and `submittedAt` (the time the
 * submit command records for the grader's late policy; left out when not given).
 */
export async function packSubmission(
  root: string, manifest: ReleaseManifest, manifestText: string, student: StudentInfo, opts: { submittedAt?: string } = {},
): Promise<SubmissionPackage> {
  const entries: ZipEntry[] = submissionPaths(manifest).map((p) => ({ path: p, data: fs.readFileSync(path.join(root, p)) }));
  const files = entries.map((e) => ({ path: e.path, sha256: sha256(e.data), bytes: e.data.length }));
  const info = {
    format: "dlvr-submission/1",
    assignment: manifest.assignment,
    name: student.name,
    id: student.id,
    option: student.option,
    releaseManifestSha256: sha256(manifestText),
    ...(opts.submittedAt ? { submittedAt: opts.submittedAt } : {}),
    files,
    datasets: notebookDatasets(root, manifest),
  };
  entries.push({ path: "submission.json", data: Buffer.from(JSON.stringify(info, null, 2) + "\n") });
  const zip = await zipBuffer(entries);
  return { fileName: submissionFileName(manifest.submissionFileName, student), zip, files, info };
}
