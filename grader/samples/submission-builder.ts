/**
 * Builds submission zips from the reference solutions, for the grader's tests and the throughput benchmark:
 * the student module with the solution code in its blocks (or a planted bug, or the released stubs), each
 * release notebook "run" (outputs filled in), trained best models, packed by lib/course's packSubmission
 * exactly as `npm run submit` does.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseBlocks, stripSolutions } from "../../lib/course/blocks";
import { parseNotebook, releaseNotebook, type Notebook } from "../../lib/course/notebook-integrity";
import { zipBuffer, type ZipEntry } from "../../lib/course/package-zip";
import { packSubmission, submissionPaths } from "../../lib/course/submission";
import { submissionFileName, type StudentInfo } from "../../lib/course/student-info";
import { serializeNotebook } from "../../lib/course/notebook-format";
import type { ManifestSource } from "../integrity/manifest-source";

/** The solution file as a student would hand it in: solution code inside the blocks, markers removed. */
export function solvedModuleText(solutionText: string): string {
  return solutionText.split("\n").filter((l) => !/^\s*\/\/ (BEGIN SOLUTION|END SOLUTION)\s*$|^\s*\/\/ STUB:/.test(l)).join("\n");
}

/** The released student file: stubs in the blocks. */
export function stubModuleText(solutionText: string, where: string): string {
  return stripSolutions(solutionText, where).text;
}

/** Replaces `from` by `to` inside one block (throws if it is not there: the planted bug must land). */
export function replaceInBlock(text: string, blockId: string, from: string | RegExp, to: string): string {
  const parsed = parseBlocks(text);
  const b = parsed.blocks.find((x) => x.id === blockId);
  if (!b) throw new Error(`replaceInBlock: no block ${blockId}`);
  const body = parsed.lines.slice(b.begin + 1, b.end).join("\n");
  const changed = body.replace(from, to);
  if (changed === body) throw new Error(`replaceInBlock: ${String(from)} not found in block ${blockId}`);
  return [...parsed.lines.slice(0, b.begin + 1), changed, ...parsed.lines.slice(b.end)].join("\n") + "\n";
}

/** A release notebook as saved after Restart & Run All (every code cell but the submit cell has run). */
export function executedReleaseNotebook(repoRoot: string, nbPath: string): string {
  const nb: Notebook = releaseNotebook(parseNotebook(fs.readFileSync(path.join(repoRoot, nbPath), "utf8"), nbPath), nbPath);
  let n = 0;
  for (const c of nb.cells) {
    if (c.cell_type !== "code" || c.metadata?.tags?.includes("submit")) continue;
    c.execution_count = ++n;
    c.outputs = [{ output_type: "stream", name: "stdout", text: [`ran ${c.id}\n`] }];
  }
  return serializeNotebook(nb);
}

/**
 * A zip with `files` (project-relative path -> contents) plus whatever the manifest requires that is not given
 * (solved modules, executed release notebooks). Returns the zip's bytes and its conventional file name.
 */
export async function buildSubmissionZip(
  repoRoot: string, source: ManifestSource, files: Record<string, string | Buffer>, student: StudentInfo, opts: { submittedAt?: string } = {},
): Promise<{ fileName: string; zip: Buffer }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dlvr-build-sub-"));
  try {
    const all: Record<string, string | Buffer> = { ...files };
    for (const m of source.config.modules) {
      all[m.student] ??= solvedModuleText(fs.readFileSync(path.join(repoRoot, m.solution), "utf8"));
    }
    for (const nb of source.manifest.notebooks) all[nb.path] ??= executedReleaseNotebook(repoRoot, nb.path);
    for (const [p, data] of Object.entries(all)) {
      fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
      fs.writeFileSync(path.join(dir, p), data);
    }
    const needed = submissionPaths(source.manifest);
    if (needed.every((p) => p in all)) {
      const pkg = await packSubmission(dir, source.manifest, source.text, student, opts);
      return { fileName: pkg.fileName, zip: pkg.zip };
    }
    // An incomplete submission (packSubmission insists on every file): the same layout with what there is.
    const entries: ZipEntry[] = Object.keys(all).sort().map((p) => ({ path: p, data: fs.readFileSync(path.join(dir, p)) }));
    const info = {
      format: "dlvr-submission/1", assignment: source.manifest.assignment, name: student.name, id: student.id, option: student.option,
      ...(opts.submittedAt ? { submittedAt: opts.submittedAt } : {}),
    };
    entries.push({ path: "submission.json", data: Buffer.from(`${JSON.stringify(info, null, 2)}\n`) });
    return { fileName: submissionFileName(source.manifest.submissionFileName, student), zip: await zipBuffer(entries) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
