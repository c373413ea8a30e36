/**
 * Grading a submission given as a folder (Gradescope unpacks uploads into /autograder/submission): the folder is
 * packed into a deterministic zip first, so it goes through exactly the same capped extraction and checks as an
 * uploaded zip. Symbolic links and special files are skipped; the caps stop a folder that is too big.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { zipBuffer, type ZipEntry } from "../../lib/course/package-zip";
import { DEFAULT_ZIP_CAPS } from "./unzip";

/** Does this folder look like one submission (rather than a folder of zips)? */
export function isSubmissionFolder(dir: string): boolean {
  return ["submission.json", "student_src", "notebooks"].some((m) => fs.existsSync(path.join(dir, m)))
    || fs.readdirSync(dir).some((f) => /\.(ts|ipynb)$/.test(f));
}

export async function zipFolder(dir: string): Promise<{ zip: Buffer; skipped: string[] }> {
  const entries: ZipEntry[] = [];
  const skipped: string[] = [];
  let bytes = 0;
  const walk = (rel: string, depth: number): void => {
    for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (depth < DEFAULT_ZIP_CAPS.maxDepth && e.name !== "node_modules" && e.name !== ".git") walk(p, depth + 1);
        else skipped.push(`${p}/`);
      } else if (e.isFile()) {
        const size = fs.statSync(path.join(dir, p)).size;
        if (entries.length >= DEFAULT_ZIP_CAPS.maxEntries || size > DEFAULT_ZIP_CAPS.maxFileBytes || bytes + size > DEFAULT_ZIP_CAPS.maxTotalBytes) {
          skipped.push(p);
          continue;
        }
        bytes += size;
        entries.push({ path: p, data: fs.readFileSync(path.join(dir, p)) });
      } else skipped.push(p);
    }
  };
  walk("", 1);
  return { zip: await zipBuffer(entries), skipped };
}
