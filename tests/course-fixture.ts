// Shared by the release-* and submit-* tests: a throwaway course project built from tests/fixtures/course (a toy
// assignment A1) plus the real scripts, released into a student bundle, and student projects made from it.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { buildNotebookJson } from "../lib/course/notebook-format";
import { COMMON_NOTEBOOKS, ENTRY_FILES, bundleEntries, writeBundle } from "../lib/course/bundle";
import { loadConfig } from "../lib/course/config";
import { readManifest, type ReleaseManifest } from "../lib/course/manifest";
import { parseNotebook, type Notebook } from "../lib/course/notebook-integrity";
import { generateRelease, writeRelease, type GeneratedRelease } from "../lib/course/release-assignment";
import { serializeNotebook } from "../lib/course/notebook-format";

export const ROOT = path.resolve(__dirname, "..");
export const FIXTURE = path.join(ROOT, "tests", "fixtures", "course");

const tmpDirs: string[] = [];
export function tmpDir(prefix: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tmpDirs.push(d);
  return d;
}
export function cleanupTmp(): void {
  for (const d of tmpDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

function copyTree(from: string, to: string): void {
  for (const e of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, e.name);
    if (e.isDirectory()) copyTree(src, path.join(to, e.name));
    else {
      const dest = path.join(to, e.name.endsWith(".txt") ? e.name.slice(0, -4) : e.name);
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.copyFileSync(src, dest);
    }
  }
}

/** An instructor project: the fixture assignment A1 + the real course scripts; node_modules linked. */
export function makeCourseProject(): string {
  const root = tmpDir("dlvr-course-");
  for (const p of [...ENTRY_FILES, "package.json", ...COMMON_NOTEBOOKS]) {
    fs.mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, p), path.join(root, p));
  }
  // The course format and every script (the bundle closure starts at the students' npm scripts); the fixture brings
  // its own small lib/tensor.
  fs.cpSync(path.join(ROOT, "lib", "course"), path.join(root, "lib", "course"), { recursive: true });
  fs.cpSync(path.join(ROOT, "scripts"), path.join(root, "scripts"), { recursive: true });
  copyTree(FIXTURE, root);
  fs.rmSync(path.join(root, "README.md"));
  const src = fs.readFileSync(path.join(root, "notebooks", "src", "toy.ts"), "utf8");
  fs.writeFileSync(path.join(root, "notebooks", "toy.ipynb"), buildNotebookJson(src, "toy"));
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(root, "node_modules"));
  return root;
}

export interface Released {
  root: string;
  gen: GeneratedRelease;
  bundleDir: string;
  zipPath: string;
}

/** Releases A1 in `root` (student_src, manifest, bundle in <root>/out/release). */
export async function releaseFixture(root: string): Promise<Released> {
  const config = loadConfig(root, "A1");
  const gen = generateRelease(root, config);
  writeRelease(root, gen);
  const b = await writeBundle(path.join(root, "out", "release"), "A1", bundleEntries(root, config, gen));
  return { root, gen, bundleDir: b.dir, zipPath: b.zipPath };
}

/** A student's copy of the bundle folder, node_modules linked. */
export function makeStudentProject(bundleDir: string): string {
  const dir = path.join(tmpDir("dlvr-student-"), "A1");
  fs.cpSync(bundleDir, dir, { recursive: true });
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  return dir;
}

export const manifestOf = (student: string): ReleaseManifest => readManifest(path.join(student, "release", "A1.manifest.json"));

export function readNb(student: string): Notebook {
  return parseNotebook(fs.readFileSync(path.join(student, "notebooks", "toy.ipynb"), "utf8"), "toy.ipynb");
}

export function writeNb(student: string, nb: Notebook, mtime?: Date): void {
  const file = path.join(student, "notebooks", "toy.ipynb");
  fs.writeFileSync(file, serializeNotebook(nb));
  const t = mtime ?? new Date(Date.now() + 5000);
  fs.utimesSync(file, t, t);
}

export const cellIndex = (nb: Notebook, id: string) => nb.cells.findIndex((c) => c.id === id);

/** Fills outputs and execution counts into every code cell except the submit cell, as a Restart & Run All would. */
export function fakeExecute(nb: Notebook): Notebook {
  let n = 0;
  for (const c of nb.cells) {
    if (c.cell_type !== "code" || c.metadata?.tags?.includes("submit")) continue;
    c.execution_count = ++n;
    c.outputs = [{ output_type: "stream", name: "stdout", text: [`ran ${c.id}\n`] }];
  }
  return nb;
}

/** A complete, correct student project: solution code in the blocks, notebook "executed" and saved, model saved. */
export function solveStudentProject(student: string, opts: { fakeRun?: boolean } = {}): void {
  const modFile = path.join(student, "student_src", "toy.ts");
  const solved = fs.readFileSync(path.join(FIXTURE, "solutions", "toy.ts"), "utf8")
    .split("\n").filter((l) => !/\/\/ (BEGIN|END) SOLUTION|\/\/ STUB:/.test(l)).join("\n");
  fs.writeFileSync(modFile, solved);
  const past = new Date(Date.now() - 60_000);
  fs.utimesSync(modFile, past, past);
  const nb = readNb(student);
  const params = nb.cells[cellIndex(nb, "toy-params")];
  params.source = (params.source as string[]).map((l) => l.replace("const threshold = 0;", "const threshold = 2;"));
  const q = nb.cells[cellIndex(nb, "toy-question")];
  q.source = [...(q.source as string[]), "\nThe threshold is picked on validation data."];
  writeNb(student, opts.fakeRun === false ? nb : fakeExecute(nb));
  fs.writeFileSync(path.join(student, "toy_model.json"), JSON.stringify({ threshold: 2, predictions: [0, 1, 1] }) + "\n");
}
