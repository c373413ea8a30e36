/**
 * Generating a release from solutions (release-only; not in the student bundle):
 * student modules (solution regions -> stubs), student notebooks (outputs and solutions stripped) and the
 * release manifest, all in memory; then writing them or comparing them with the committed files (--check).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { BlockError, blockBody, formatProblems, frozenRegions, hashBlockBody, parseBlocks, stripSolutions } from "./blocks";
import type { AssignmentConfig } from "./config";
import { checkImports } from "./imports";
import { MANIFEST_FORMAT, manifestHistoryRelPath, manifestRelPath, serializeManifest, validateManifest, type ModuleEntry, type NotebookEntry, type ReleaseManifest } from "./manifest";
import { notebookEntry, parseNotebook, releaseNotebook, serializeReleasedNotebook } from "./notebook-integrity";
import { normalizeLines, sha256 } from "./text";
import { typecheckGenerated } from "./typecheck";

export class ReleaseError extends Error {
  constructor(readonly assignment: string, readonly problems: string[]) {
    super(`${assignment}: release failed\n  ${problems.join("\n  ")}`);
  }
}

export interface GeneratedFile {
  path: string;
  text: string;
}

export interface GeneratedRelease {
  config: AssignmentConfig;
  modules: GeneratedFile[];
  notebooks: GeneratedFile[];
  /** null while inputs are missing */
  manifest: ReleaseManifest | null;
  manifestFile: GeneratedFile | null;
  /** Inputs that do not exist yet (notebooks, public tests): modules are still generated. */
  missing: string[];
  stats: { blocks: number; frozenRegions: number; cells: number; frozenCells: number };
}

/** Solution files the config names that do not exist (an assignment whose solutions are not written yet). */
export function missingSolutions(root: string, config: AssignmentConfig): string[] {
  return config.modules.map((m) => m.solution).filter((s) => !fs.existsSync(path.join(root, s)));
}

export function generateRelease(root: string, config: AssignmentConfig): GeneratedRelease {
  const problems: string[] = [];
  const missing: string[] = [];
  const modules: GeneratedFile[] = [];
  const moduleEntries: ModuleEntry[] = [];
  const blockFiles = new Map<string, string>();
  const stats = { blocks: 0, frozenRegions: 0, cells: 0, frozenCells: 0 };
  const noteBlock = (id: string, file: string) => {
    if (blockFiles.has(id)) problems.push(`block id "${id}" appears in ${blockFiles.get(id)} and in ${file}: block ids are unique per assignment`);
    else blockFiles.set(id, file);
  };

  for (const mod of config.modules) {
    const solPath = path.join(root, mod.solution);
    if (!fs.existsSync(solPath)) {
      problems.push(`${mod.solution}: the solution module does not exist`);
      continue;
    }
    let text: string;
    try {
      text = stripSolutions(fs.readFileSync(solPath, "utf8"), mod.solution).text;
    } catch (err) {
      if (err instanceof BlockError) {
        problems.push(...err.problems);
        continue;
      }
      throw err;
    }
    const parsed = parseBlocks(text);
    problems.push(...formatProblems(mod.student, parsed.problems));
    for (const v of checkImports(text, mod.student, mod.allowedImports)) {
      problems.push(`${mod.solution}:${v.line}: imports "${v.specifier}", which allowedImports of ${mod.student} does not allow (fix the config or the import)`);
    }
    if (parsed.blocks.length === 0) problems.push(`${mod.solution}: no designated blocks (BEGIN YOUR CODE banners)`);
    parsed.blocks.forEach((b) => noteBlock(b.id, mod.student));
    const regions = frozenRegions(parsed);
    stats.blocks += parsed.blocks.length;
    stats.frozenRegions += regions.length;
    modules.push({ path: mod.student, text });
    moduleEntries.push({
      path: mod.student,
      allowedImports: mod.allowedImports,
      blocks: parsed.blocks.map((b) => ({ id: b.id, stubSha256: hashBlockBody(blockBody(parsed, b)) })),
      frozen: regions.map((r) => {
        const t = normalizeLines(r.lines);
        return { startLine: r.startLine, endLine: r.endLine, sha256: sha256(t), text: t };
      }),
    });
  }

  const notebooks: GeneratedFile[] = [];
  const notebookEntries: NotebookEntry[] = [];
  for (const nbPath of config.notebooks) {
    const file = path.join(root, nbPath);
    if (!fs.existsSync(file)) {
      missing.push(`${nbPath} (build it from notebooks/src with npm run notebooks:build)`);
      continue;
    }
    try {
      const released = releaseNotebook(parseNotebook(fs.readFileSync(file, "utf8"), nbPath), nbPath);
      const entry = notebookEntry(nbPath, released);
      for (const c of entry.cells) for (const b of c.blocks ?? []) noteBlock(b.id, `${nbPath} cell ${c.id}`);
      stats.cells += entry.cells.length;
      stats.frozenCells += entry.cells.filter((c) => c.role === "frozen").length;
      notebooks.push({ path: nbPath, text: serializeReleasedNotebook(released) });
      notebookEntries.push(entry);
    } catch (err) {
      if (err instanceof BlockError) problems.push(...err.problems);
      else problems.push((err as Error).message);
    }
  }
  for (const t of config.publicTests) if (!fs.existsSync(path.join(root, t))) missing.push(`${t} (the public tests students run)`);

  const configured = Object.keys(config.blocks);
  for (const [id, where] of blockFiles) {
    if (!configured.includes(id)) problems.push(`block "${id}" (${where}) is not listed under "blocks" in grader/assignments/${config.id}.json`);
  }
  if (missing.length === 0 || config.notebooks.every((n) => notebooks.some((g) => g.path === n))) {
    for (const id of configured) {
      if (!blockFiles.has(id)) problems.push(`grader/assignments/${config.id}.json lists block "${id}", which no solution module or notebook contains`);
    }
  }
  if (problems.length) throw new ReleaseError(config.id, problems);

  let manifest: ReleaseManifest | null = null;
  let manifestFile: GeneratedFile | null = null;
  if (missing.length === 0) {
    manifest = {
      format: MANIFEST_FORMAT,
      assignment: config.id,
      title: config.title,
      modules: moduleEntries,
      notebooks: notebookEntries,
      blocks: Object.fromEntries(
        [...blockFiles.keys()].map((id) => {
          const b = config.blocks[id];
          return [id, { file: blockFiles.get(id)!.split(" cell ")[0], points: b.points, vectorized: b.vectorized ?? false, forbiddenApis: b.forbiddenApis ?? [] }];
        }),
      ),
      requiredFiles: config.requiredFiles,
      publicTests: config.publicTests,
      submissionFileName: `{name}-{id}-${config.id}-O{option}.zip`,
    };
    const errors = validateManifest(manifest);
    if (errors.length) throw new ReleaseError(config.id, errors.map((e) => `generated manifest: ${e}`));
    manifestFile = { path: manifestRelPath(config.id), text: serializeManifest(manifest) };
  }
  return { config, modules, notebooks, manifest, manifestFile, missing, stats };
}

export type FileStatus = "written" | "unchanged" | "stale" | "missing";

/** The files a release commits: student modules, the manifest and its copy in release/history/ (kept for good). */
function committedFiles(gen: GeneratedRelease): GeneratedFile[] {
  const m = gen.manifestFile;
  return [...gen.modules, ...(m ? [m, { path: manifestHistoryRelPath(gen.config.id, m.text), text: m.text }] : [])];
}

/** Writes the student modules and the manifest into the project; returns each file's status. */
export function writeRelease(root: string, gen: GeneratedRelease): { path: string; status: FileStatus }[] {
  const files = committedFiles(gen);
  return files.map((f) => {
    const abs = path.join(root, f.path);
    const old = fs.existsSync(abs) ? fs.readFileSync(abs, "utf8") : null;
    if (old === f.text) return { path: f.path, status: "unchanged" as const };
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, f.text);
    return { path: f.path, status: "written" as const };
  });
}

/** Compares the committed student modules and manifest with a fresh generation (nothing is written). */
export function checkRelease(root: string, gen: GeneratedRelease): { path: string; status: FileStatus }[] {
  const files = committedFiles(gen);
  return files.map((f) => {
    const abs = path.join(root, f.path);
    if (!fs.existsSync(abs)) return { path: f.path, status: "missing" as const };
    return { path: f.path, status: fs.readFileSync(abs, "utf8") === f.text ? ("unchanged" as const) : ("stale" as const) };
  });
}

/**
 * The generated student modules must type-check with their stubs (in memory, before anything is written).
 * Throws ReleaseError listing the diagnostics.
 */
export function verifyStubsCompile(root: string, gen: GeneratedRelease): void {
  const errors = typecheckGenerated(root, gen.modules);
  if (errors.length === 0) return;
  throw new ReleaseError(gen.config.id, [
    ...errors.map((e) => `student version does not compile: ${e}`),
    "fix the solution's stubs (the release writes nothing until they compile): a `// STUB: throw ...` makes the code after its block unreachable, where TypeScript stops narrowing types (e.g. `T | null` stays nullable); declare a stub that compiles (assign a value) or adjust the frozen code",
  ]);
}
