/**
 * The student bundle (release-only): out/release/<ID>/ (a folder) and out/release/<ID>.zip (entries under <ID>/).
 * It holds what a student needs and nothing they must not see: no solutions/, grader/, hidden tests,
 * notebook sources with solutions, CI files or build outputs. Its files are computed (bundleClosure: the entry
 * points, what they import, and RUNTIME_REFERENCES), never listed by hand; a file the closure names that does not
 * exist is an error rather than a silent omission.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { AssignmentConfig } from "./config";
import type { GeneratedRelease } from "./release-assignment";
import { ReleaseError } from "./release-assignment";
import { findImports } from "./imports";
import { cellSource, parseNotebook, releaseNotebook, serializeReleasedNotebook } from "./notebook-integrity";
import { writeZip, type ZipEntry } from "./package-zip";
import { studentReadme } from "./student-readme";
import { toPosix } from "./text";

/**
 * What students run (the bundle's entry points): the scripts of the npm commands they keep (STUDENT_NPM_SCRIPTS),
 * the project config files, and the notebooks and public tests of the assignment. Everything these reach is
 * computed by bundleClosure(): module imports (TypeScript compiler API, also in notebook cells) plus
 * RUNTIME_REFERENCES, the files reached without an import.
 */
export const ENTRY_FILES = [".gitignore", "deno.json", "package-lock.json", "tsconfig.json", "vitest.config.ts"];

/** npm scripts a student's package.json keeps; the files they run are entry points (others are dropped). */
export const STUDENT_NPM_SCRIPTS = [
  "test", "typecheck", "setup", "kernel:install", "notebook", "notebooks:run", "build:native", "submit", "check",
];

export interface RuntimeReference {
  /** The file that reaches `to` at run time (its text names `to`'s file name; tests/release-closure checks it). */
  from: string;
  to: string;
  how: string;
}

/** Files reached at run time other than through an import: spawned, preloaded, named in a kernel spec, run by a shell script. */
export const RUNTIME_REFERENCES: RuntimeReference[] = [
  { from: "scripts/setup.sh", to: "scripts/install-kernel.ts", how: "run with tsx" },
  { from: "scripts/install-kernel.ts", to: "scripts/tslab-kernel.sh", how: "the kernel spec's argv" },
  { from: "scripts/tslab-kernel.sh", to: "scripts/tslab-kernel-patches.cjs", how: "node --require preload" },
  { from: "scripts/tslab-kernel.sh", to: "scripts/kit-root.sh", how: "sourced (finds the project)" },
  { from: "scripts/deno-kernel.sh", to: "scripts/kit-root.sh", how: "sourced (finds the project)" },
  { from: "scripts/deno-kernel-spec.ts", to: "scripts/deno-kernel.sh", how: "the Deno kernel spec's argv" },
  { from: "scripts/jupyter-notebook.sh", to: "scripts/install-kernel.ts", how: "run with tsx" },
  { from: "scripts/notebook-runner.ts", to: "scripts/run_notebook.py", how: "spawned under Debian's python3" },
  { from: "lib/course/notebook-submit.ts", to: "scripts/submit.ts", how: "spawned by the notebook's submit cell" },
];

/** The course library ships whole (students read it; build-native compiles lib/native/src), minus build outputs.
 * lib/course/ is the exception: only the modules the closure reaches ship (the rest is release tooling). */
export const COMMON_TREES = ["lib"];
const TREE_EXCLUDE = [/(^|\/)(build|node_modules|\.git)\//, /\.(node|o|so|log)$/, /(^|\/)\.DS_Store$/, /^lib\/course\//];

/** Notebooks every bundle carries besides the assignment's own (stripped like them). */
export const COMMON_NOTEBOOKS = ["notebooks/setup_check.ipynb"];

const RESOLVE_SUFFIXES = ["", ".ts", ".tsx", ".json", ".cjs", ".mjs", ".js", "/index.ts"];

/** A relative import specifier written in `fromDir` (project-relative), resolved to an existing project file. */
function resolveImport(root: string, fromDir: string, spec: string): string | null {
  const base = path.posix.normalize(path.posix.join(fromDir, spec.replace(/\.js$/, "")));
  for (const suffix of [...RESOLVE_SUFFIXES, ...(spec.endsWith(".js") ? [".js"] : [])]) {
    const cand = base + suffix;
    const abs = path.join(root, cand);
    if (fs.existsSync(abs) && fs.statSync(abs).isFile()) return cand;
  }
  return null;
}

/** Relative module specifiers of a TypeScript/JavaScript file or of a notebook's code cells (which resolve from
 * the project root: the kernel runs there). */
function importsOf(root: string, rel: string): { dir: string; specs: string[] } {
  const text = fs.readFileSync(path.join(root, rel), "utf8");
  const relative = (s: string) => s.startsWith("./") || s.startsWith("../");
  if (rel.endsWith(".ipynb")) {
    const nb = parseNotebook(text, rel);
    const specs = nb.cells.filter((c) => c.cell_type === "code").flatMap((c) => findImports(cellSource(c), "cell.ts").map((u) => u.specifier));
    return { dir: ".", specs: specs.filter(relative) };
  }
  if (!/\.(ts|tsx|cts|mts|cjs|mjs|js)$/.test(rel)) return { dir: ".", specs: [] };
  return { dir: path.posix.dirname(rel), specs: findImports(text, rel).map((u) => u.specifier).filter(relative) };
}

/** The files an npm script command runs (`tsx scripts/x.ts`, `bash scripts/y.sh`). */
export function scriptFiles(command: string): string[] {
  return [...command.matchAll(/\bscripts\/[\w./-]+/g)].map((m) => m[0]);
}

/**
 * Every project file reachable from `entries` through imports and RUNTIME_REFERENCES (paths relative to `root`).
 * Unresolvable relative imports are returned in `unresolved` ("file: specifier").
 */
export function bundleClosure(root: string, entries: string[]): { files: Set<string>; unresolved: string[] } {
  const files = new Set<string>();
  const unresolved: string[] = [];
  const queue = [...entries];
  while (queue.length) {
    const rel = toPosix(queue.pop()!);
    if (files.has(rel)) continue;
    files.add(rel);
    if (!fs.existsSync(path.join(root, rel))) continue; // reported by the caller
    const { dir, specs } = importsOf(root, rel);
    for (const spec of specs) {
      const hit = resolveImport(root, dir, spec);
      if (hit) queue.push(hit);
      else unresolved.push(`${rel}: "${spec}"`);
    }
    for (const ref of RUNTIME_REFERENCES) if (ref.from === rel) queue.push(ref.to);
  }
  return { files, unresolved };
}

/** Entry points of an assignment's bundle (before the closure). */
export function bundleEntryPoints(root: string, config: AssignmentConfig): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
  const scripts = STUDENT_NPM_SCRIPTS.flatMap((name) => scriptFiles(pkg.scripts?.[name] ?? ""));
  return [...ENTRY_FILES, ...scripts, ...COMMON_NOTEBOOKS, ...config.notebooks, ...config.publicTests, ...config.modules.map((m) => m.student)];
}

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
  const generated = [...gen.modules, ...gen.notebooks, gen.manifestFile];
  const { files: closure, unresolved } = bundleClosure(root, bundleEntryPoints(root, config));
  problems.push(...unresolved.map((u) => `bundle: unresolved relative import ${u}`));
  for (const tree of COMMON_TREES) {
    for (const p of walk(root, tree).filter((f) => !TREE_EXCLUDE.some((re) => re.test(f)))) closure.add(p);
  }
  for (const p of [...closure].sort()) {
    if (generated.some((f) => f.path === p)) continue;
    if (COMMON_NOTEBOOKS.includes(p)) {
      const abs = path.join(root, p);
      if (!fs.existsSync(abs)) problems.push(`bundle: ${p} does not exist`);
      else add(p, serializeReleasedNotebook(releaseNotebook(parseNotebook(fs.readFileSync(abs, "utf8"), p), p)));
    } else copy(p);
  }
  for (const f of generated) add(f.path, f.text);
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
