// Shared by the notebook tests: a throwaway copy of the project for kernels to run in.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildNotebookJson } from "../lib/course/notebook-format";

export const ROOT = path.resolve(__dirname, "..");

/** Copies what a kernel needs (lib, student_src, notebooks, scripts for the submit cell, package.json) and symlinks node_modules. */
export function makeProjectCopy(): { root: string; cleanup: () => void } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "dlvr-nb-"));
  for (const entry of ["lib", "student_src", "notebooks", "scripts", "package.json", "deno.json"]) {
    if (fs.existsSync(path.join(ROOT, entry))) fs.cpSync(path.join(ROOT, entry), path.join(root, entry), { recursive: true });
  }
  fs.mkdirSync(path.join(root, "notebooks"), { recursive: true });
  fs.mkdirSync(path.join(root, "student_src"), { recursive: true });
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(root, "node_modules"));
  return { root, cleanup: () => fs.rmSync(root, { recursive: true, force: true }) };
}

/** Writes notebooks/NAME.ipynb under `root` from a percent-format source. */
export function writeNotebook(root: string, name: string, source: string): string {
  const file = path.join(root, "notebooks", `${name}.ipynb`);
  fs.writeFileSync(file, buildNotebookJson(source, name));
  return file;
}

/** The two kernel specs the notebooks run on (scripts/install-kernel.ts installs both). */
export type NotebookKernel = "dlvr-tslab" | "dlvr-deno";
