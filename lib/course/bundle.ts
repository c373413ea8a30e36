/**
 * The student bundle (release-only): out/release/<ID>/ (a folder) and out/release/<ID>.zip (entries under <ID>/).
 * It holds what a student needs and nothing they must not see: no solutions/, grader/, hidden tests,
 * notebook sources with solutions, CI files or build outputs. The list is explicit; a listed file that does not
 * exist is an error rather than a silent omission.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { AssignmentConfig } from "./config";
import type { GeneratedRelease } from "./release-assignment";
import { ReleaseError } from "./release-assignment";
import { parseNotebook, releaseNotebook, serializeReleasedNotebook } from "./notebook-integrity";
import { writeZip, type ZipEntry } from "./package-zip";
import { studentReadme } from "./student-readme";
import { toPosix } from "./text";

/** Project files every bundle carries (paths relative to the project root). */
export const COMMON_FILES = [
  ".gitignore",
  "deno.json",
  "package-lock.json",
  "tsconfig.json",
  "vitest.config.ts",
  "scripts/setup.sh",
  "scripts/install-kernel.ts",
  "scripts/tslab-kernel.sh",
  "scripts/deno-kernel.sh",
  "scripts/deno-kernel-spec.ts",
  "scripts/jupyter-notebook.sh",
  "scripts/notebook-runner.ts",
  "scripts/run_notebook.py",
  "scripts/build-native.ts",
  "scripts/submit.ts",
  "scripts/check.ts",
];

/** The student-side course logic used by submit/check (release-only modules stay out). */
export const STUDENT_COURSE_FILES = [
  "lib/course/blocks.ts",
  "lib/course/diff.ts",
  "lib/course/imports.ts",
  "lib/course/manifest.ts",
  "lib/course/notebook-format.ts",
  "lib/course/notebook-integrity.ts",
  "lib/course/notebook-submit.ts",
  "lib/course/package-zip.ts",
  "lib/course/public-tests.ts",
  "lib/course/report.ts",
  "lib/course/schema.ts",
  "lib/course/schemas/release-manifest.schema.json",
  "lib/course/student-info.ts",
  "lib/course/submission.ts",
  "lib/course/text.ts",
];

/** Notebooks every bundle carries besides the assignment's own (stripped like them). */
export const COMMON_NOTEBOOKS = ["notebooks/setup_check.ipynb"];

/** Folders copied whole, minus build outputs and lib/course (its student side is listed above; the rest is
 * the instructor's release tooling). */
export const COMMON_TREES = ["lib"];
const TREE_EXCLUDE = [/(^|\/)(build|node_modules|\.git)\//, /\.(node|o|so|log)$/, /(^|\/)\.DS_Store$/, /^lib\/course\//];

/** Nothing under these may ever be bundled. */
const FORBIDDEN_PREFIXES = ["solutions/", "grader/", ".ci/", "notebooks/src/", "out/", ".jupyter/"];
const SOLUTION_MARKER_LINE = /^\s*(\/\/ (BEGIN|END) SOLUTION|<!--\s*(BEGIN|END) SOLUTION\s*-->)\s*$/m;

function walk(root: string, rel: string): string[] {
  const abs = path.join(root, rel);
  if (!fs.existsSync(abs)) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(abs, { withFileTypes: true })) {
    const p = `${rel}/${e.name}`;
    if (e.isDirectory()) out.push(...walk(root, p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

/** package.json for students: scripts that run files missing from the bundle (release, bench...) are dropped. */
export function studentPackageJson(text: string, bundled: Set<string>): string {
  const pkg = JSON.parse(text);
  for (const [name, cmd] of Object.entries<string>(pkg.scripts ?? {})) {
    const refs = [...cmd.matchAll(/\bscripts\/[\w./-]+/g)].map((m) => m[0]);
    if (refs.some((r) => !bundled.has(r))) delete pkg.scripts[name];
  }
  return JSON.stringify(pkg, null, 2) + "\n";
}

const modeFor = (p: string) => (p.endsWith(".sh") ? 0o755 : 0o644);

/** Every bundle entry (paths relative to the bundle root), sorted. Throws ReleaseError on a missing input or a leak. */
export function bundleEntries(root: string, config: AssignmentConfig, gen: GeneratedRelease): ZipEntry[] {
  if (!gen.manifest || !gen.manifestFile) throw new ReleaseError(config.id, [`cannot bundle: inputs missing: ${gen.missing.join(", ")}`]);
  const problems: string[] = [];
  const files = new Map<string, Buffer>();
  const add = (p: string, data: Buffer | string) => files.set(toPosix(p), Buffer.isBuffer(data) ? data : Buffer.from(data));
  const copy = (p: string) => {
    const abs = path.join(root, p);
    if (!fs.existsSync(abs)) problems.push(`bundle: ${p} does not exist`);
    else add(p, fs.readFileSync(abs));
  };
  for (const p of [...COMMON_FILES, ...STUDENT_COURSE_FILES]) copy(p);
  for (const tree of COMMON_TREES) {
    for (const p of walk(root, tree).filter((f) => !TREE_EXCLUDE.some((re) => re.test(f)))) copy(p);
  }
  for (const p of COMMON_NOTEBOOKS) {
    const abs = path.join(root, p);
    if (!fs.existsSync(abs)) problems.push(`bundle: ${p} does not exist`);
    else add(p, serializeReleasedNotebook(releaseNotebook(parseNotebook(fs.readFileSync(abs, "utf8"), p), p)));
  }
  for (const p of config.publicTests) copy(p);
  for (const f of [...gen.modules, ...gen.notebooks, gen.manifestFile]) add(f.path, f.text);
  add("README.md", studentReadme(gen.manifest));
  const pkg = path.join(root, "package.json");
  if (!fs.existsSync(pkg)) problems.push("bundle: package.json does not exist");
  else add("package.json", studentPackageJson(fs.readFileSync(pkg, "utf8"), new Set(files.keys())));

  const solutionTexts = new Set(config.modules.map((m) => m.solution).filter((s) => fs.existsSync(path.join(root, s))).map((s) => fs.readFileSync(path.join(root, s), "utf8")));
  for (const [p, data] of files) {
    if (FORBIDDEN_PREFIXES.some((f) => p.startsWith(f)) || (p.startsWith("tests/") && !p.startsWith("tests/public/"))) {
      problems.push(`bundle: ${p} must not be shipped to students`);
    }
    const text = data.toString("utf8");
    if (SOLUTION_MARKER_LINE.test(text)) problems.push(`bundle: ${p} contains a solution marker line (solution code would leak)`);
    if (solutionTexts.has(text)) problems.push(`bundle: ${p} is a copy of a solution file`);
  }
  if (problems.length) throw new ReleaseError(config.id, problems);
  return [...files.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([p, data]) => ({ path: p, data, mode: modeFor(p) }));
}

export interface BundleResult {
  dir: string;
  zipPath: string;
  zipBytes: number;
  files: number;
}

/** Writes out/<ID>/ (replacing it) and out/<ID>.zip with entries under "<ID>/". */
export async function writeBundle(outDir: string, id: string, entries: ZipEntry[]): Promise<BundleResult> {
  const dir = path.join(outDir, id);
  fs.rmSync(dir, { recursive: true, force: true });
  for (const e of entries) {
    const abs = path.join(dir, e.path);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, e.data, { mode: e.mode });
  }
  const zipPath = path.join(outDir, `${id}.zip`);
  const buf = await writeZip(zipPath, entries.map((e) => ({ ...e, path: `${id}/${e.path}` })));
  return { dir, zipPath, zipBytes: buf.length, files: entries.length };
}
