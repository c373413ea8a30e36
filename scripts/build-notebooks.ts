/**
 * Builds notebooks/NAME.ipynb from every notebooks/src/NAME.ts (percent format, see notebook-format.ts).
 *
 *   npm run notebooks:build             write every notebook whose bytes would change
 *   npm run notebooks:build -- --check  write nothing; exit 1 listing notebooks that differ from a fresh build
 *   --dir DIR                           another notebooks folder (default: <root>/notebooks; used by tests)
 *
 * The .ts sources are the truth; the .ipynb files are committed so students open them directly.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { buildNotebookJson } from "../lib/course/notebook-format";

export interface BuildResult {
  /** Notebook paths (relative to the notebooks dir) whose committed bytes differ from the build. */
  stale: string[];
  built: string[];
}

export function buildNotebooks(notebooksDir: string, opts: { check?: boolean } = {}): BuildResult {
  const srcDir = path.join(notebooksDir, "src");
  const sources = fs.existsSync(srcDir) ? fs.readdirSync(srcDir).filter((f) => f.endsWith(".ts")).sort() : [];
  const result: BuildResult = { stale: [], built: [] };
  for (const file of sources) {
    const name = file.slice(0, -".ts".length);
    const srcPath = path.join(srcDir, file);
    const outName = `${name}.ipynb`;
    const outPath = path.join(notebooksDir, outName);
    const json = buildNotebookJson(fs.readFileSync(srcPath, "utf8"), name, path.relative(process.cwd(), srcPath));
    const old = fs.existsSync(outPath) ? fs.readFileSync(outPath, "utf8") : null;
    if (old === json) continue;
    result.stale.push(outName);
    if (!opts.check) {
      fs.writeFileSync(outPath, json);
      result.built.push(outName);
    }
  }
  return result;
}

if (require.main === module) {
  const check = process.argv.includes("--check");
  const dirAt = process.argv.indexOf("--dir");
  const dir = dirAt >= 0 ? path.resolve(process.argv[dirAt + 1]) : path.resolve(__dirname, "..", "notebooks");
  try {
    const { stale, built } = buildNotebooks(dir, { check });
    if (check && stale.length) {
      console.error(`notebooks out of date (run npm run notebooks:build): ${stale.join(", ")}`);
      process.exit(1);
    }
    console.log(check ? "notebooks up to date" : built.length ? `built ${built.join(", ")}` : "notebooks up to date");
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
