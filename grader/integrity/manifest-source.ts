/**
 * Where the grader gets an assignment's release manifest (what submissions are checked against):
 *  1. release/<ID>.manifest.json, the one shipped to students (lib/course/manifest.ts readManifest);
 *  2. otherwise a fresh release generated in memory from solutions/ (lib/course/release-assignment.ts);
 *  3. when that cannot produce a manifest yet because notebooks are missing (generateRelease returns
 *     manifest: null) or the release of the notebooks fails (a ReleaseError, e.g. a notebook block the config
 *     does not list), a modules-only manifest built here from the generated student modules. This is a thin
 *     adapter (lib/course has no API for it): notebook checks are then skipped, with a warning.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { blockBody, frozenRegions, hashBlockBody, parseBlocks, stripSolutions } from "../../lib/course/blocks";
import { loadConfig, type AssignmentConfig } from "../../lib/course/config";
import { findReleasedManifestText, MANIFEST_FORMAT, manifestPath, readManifest, validateManifest, type ModuleEntry, type ReleaseManifest } from "../../lib/course/manifest";
import { generateRelease, ReleaseError, type GeneratedRelease } from "../../lib/course/release-assignment";
import { normalizeLines, sha256 } from "../../lib/course/text";
import { readSubmissionJson } from "../intake/submission-files";

export interface ManifestSource {
  manifest: ReleaseManifest;
  config: AssignmentConfig;
  /** Where it came from, for logs: "release/A3.manifest.json", "generated from solutions/". */
  origin: string;
  /** Raw text the identity hash is computed from. */
  text: string;
  warnings: string[];
}

function moduleEntry(relPath: string, text: string, allowedImports: string[]): ModuleEntry {
  const parsed = parseBlocks(text);
  return {
    path: relPath,
    allowedImports,
    blocks: parsed.blocks.map((b) => ({ id: b.id, stubSha256: hashBlockBody(blockBody(parsed, b)) })),
    frozen: frozenRegions(parsed).map((r) => {
      const t = normalizeLines(r.lines);
      return { startLine: r.startLine, endLine: r.endLine, sha256: sha256(t), text: t };
    }),
  };
}

/** The config without notebooks, and without the blocks only notebooks hold. */
function modulesOnlyConfig(root: string, config: AssignmentConfig): AssignmentConfig {
  const ids = new Set(config.modules.flatMap((m) => stripSolutions(fs.readFileSync(path.join(root, m.solution), "utf8"), m.solution).blockIds));
  return { ...config, notebooks: [], blocks: Object.fromEntries(Object.entries(config.blocks).filter(([id]) => ids.has(id))) };
}

export function loadManifestSource(root: string, id: string): ManifestSource {
  const config = loadConfig(root, id);
  const file = manifestPath(root, id);
  if (fs.existsSync(file)) {
    return { manifest: readManifest(file), config, origin: path.relative(root, file), text: fs.readFileSync(file, "utf8"), warnings: [] };
  }
  let gen: GeneratedRelease;
  const warnings: string[] = [];
  try {
    gen = generateRelease(root, config);
  } catch (e) {
    if (!(e instanceof ReleaseError)) throw e;
    // The modules may be fine while a notebook or the config around it is not (yet): grade the modules.
    gen = generateRelease(root, modulesOnlyConfig(root, config));
    warnings.push(`the full release of ${id} fails (${e.problems.join("; ")}); notebook checks skipped`);
  }
  if (gen.manifest && gen.manifestFile && gen.manifest.notebooks.length === config.notebooks.length) {
    return {
      manifest: gen.manifest, config, origin: "generated from solutions/ (no release manifest committed)", text: gen.manifestFile.text,
      warnings: [`${path.relative(root, file)} not found: checking against a release generated from solutions/ now`, ...warnings],
    };
  }
  const modules = config.modules.map((m) => {
    const g = gen.modules.find((x) => x.path === m.student);
    if (!g) throw new Error(`${id}: the release generator produced no ${m.student}`);
    return moduleEntry(m.student, g.text, m.allowedImports);
  });
  const blockIds = new Set(modules.flatMap((m) => m.blocks.map((b) => b.id)));
  const manifest: ReleaseManifest = {
    format: MANIFEST_FORMAT,
    assignment: config.id,
    title: config.title,
    modules,
    notebooks: [],
    blocks: Object.fromEntries(
      Object.entries(config.blocks)
        .filter(([bid]) => blockIds.has(bid))
        .map(([bid, b]) => [bid, { file: modules.find((m) => m.blocks.some((x) => x.id === bid))!.path, points: b.points, vectorized: b.vectorized ?? false, forbiddenApis: b.forbiddenApis ?? [] }]),
    ),
    requiredFiles: config.requiredFiles,
    publicTests: config.publicTests,
    submissionFileName: `{name}-{id}-${config.id}-O{option}.zip`,
  };
  return {
    manifest, config, origin: "modules-only manifest generated from solutions/", text: JSON.stringify(manifest),
    warnings: warnings.length ? warnings : [`notebook checks skipped: the release cannot be generated yet (${gen.missing.join("; ")})`],
  };
}

/**
 * The release a submission was made against: submission.json names its manifest's sha256, and every released
 * manifest is kept in release/history/, so an errata re-release never counts the instructor's edits against an
 * earlier submission. Falls back to the current manifest (with a note) when the submission names none or an
 * unknown one.
 */
export function manifestForSubmission(repoRoot: string, source: ManifestSource, projectRoot: string): { manifest: ReleaseManifest; note: string | null } {
  const named = readSubmissionJson(projectRoot)?.releaseManifestSha256;
  if (typeof named !== "string" || !/^[0-9a-f]{64}$/.test(named) || named === sha256(source.text)) return { manifest: source.manifest, note: null };
  const text = findReleasedManifestText(repoRoot, source.manifest.assignment, named);
  if (text === null) {
    return { manifest: source.manifest, note: `submission.json names a release this grader does not know (manifest ${named.slice(0, 12)}): checked against the current release` };
  }
  const data: unknown = JSON.parse(text);
  if (validateManifest(data).length) return { manifest: source.manifest, note: `the release this was made against (manifest ${named.slice(0, 12)}) is unreadable: checked against the current release` };
  return { manifest: data as ReleaseManifest, note: `checked against the release it was made with (manifest ${named.slice(0, 12)}), not the current one` };
}
