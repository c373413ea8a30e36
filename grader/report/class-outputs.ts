/**
 * What a grade run writes about the whole out folder once every row is written (the one call from batch.ts):
 * blocks.json and run-stats.json beside each submission graded now, then, over every results.json of the out
 * folder, the similarity check, gradebook-canvas.csv, regrade.csv / regrade.json (on --regrade) and report.html.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { loadConfig, type AssignmentConfig } from "../../lib/course/config";
import type { ReleaseManifest } from "../../lib/course/manifest";
import { readBlockCode, releasedStubs, updateBlockCode } from "./block-code";
import { canvasCsv } from "./canvas";
import { classReportHtml, type RunStats } from "./class-report";
import { writeFileAtomic, writeJsonAtomic } from "./fs-atomic";
import { readOutFolder, type GradedEntry } from "./out-folder";
import { compareRegrade, readRegrade, writeRegrade, type RegradeSummary } from "./regrade";
import { findSimilarPairs, type SimilarityOptions, type SimilarityResult } from "./similarity";

export const REPORT_FILE = "report.html";
export const CANVAS_FILE = "gradebook-canvas.csv";
const RUN_STATS_FILE = "run-stats.json";

export interface ClassRun {
  key: string;
  /** The zip or submission folder graded. */
  input: string;
  skipped: boolean;
  durationMs: number;
  timings: Record<string, number>;
  testStats?: Record<string, { ms: number; rssBytes: number }>;
  zipSha256: string;
  assignment: string;
}

export interface ClassOutputOptions {
  outDir: string;
  repoRoot: string;
  runs: ClassRun[];
  /** The release manifest of an assignment (null when it cannot be loaded). */
  manifest: (assignment: string) => Promise<ReleaseManifest | null>;
  /** The out folder as read before a regrade: compared with what is there now. */
  regradeFrom?: GradedEntry[];
  similarity?: SimilarityOptions;
}

export interface ClassOutputs {
  report: string;
  canvas: string;
  regrade: RegradeSummary | null;
  similarity: Record<string, SimilarityResult>;
}

function readRunStats(dir: string): RunStats | null {
  try {
    const v = JSON.parse(fs.readFileSync(path.join(dir, RUN_STATS_FILE), "utf8")) as RunStats;
    return typeof v?.durationMs === "number" ? v : null;
  } catch {
    return null;
  }
}

export async function writeClassOutputs(o: ClassOutputOptions): Promise<ClassOutputs> {
  for (const run of o.runs) {
    const dir = path.join(o.outDir, run.key);
    const manifest = await o.manifest(run.assignment).catch(() => null);
    if (manifest && run.zipSha256) await updateBlockCode(dir, run.input, run.zipSha256, run.assignment, manifest);
    // Durations are kept out of results.json (it must be reproducible), so they live beside it.
    if (!run.skipped) {
      const stats: RunStats = {
        durationMs: Math.round(run.durationMs), timings: Object.fromEntries(Object.entries(run.timings).map(([k, v]) => [k, Math.round(v)])), tests: run.testStats ?? {},
      };
      writeJsonAtomic(path.join(dir, RUN_STATS_FILE), stats);
    }
  }
  const entries = readOutFolder(o.outDir);
  const configs: AssignmentConfig[] = [];
  for (const id of [...new Set(entries.map((e) => e.results.extra_data.assignment))].sort()) {
    try {
      configs.push(loadConfig(o.repoRoot, id));
    } catch {
      // "?" or an assignment without a config: its rows still appear in the report, not in the Canvas export
    }
  }
  const code: Record<string, Record<string, string>> = {};
  const similarity: Record<string, SimilarityResult> = {};
  for (const config of configs) {
    const subs = entries
      .filter((e) => e.results.extra_data.assignment === config.id)
      .map((e) => ({ e, b: readBlockCode(e.dir) }))
      .filter(({ e, b }) => b && b.zip_sha256 === e.results.extra_data.zip_sha256)
      .map(({ e, b }) => ({ key: e.key, blocks: b!.blocks }));
    for (const s of subs) code[s.key] = s.blocks;
    similarity[config.id] = findSimilarPairs(subs, { stubs: releasedStubs(o.repoRoot, config), ...o.similarity });
  }
  const canvas = path.join(o.outDir, CANVAS_FILE);
  writeFileAtomic(canvas, canvasCsv(entries.map((e) => e.results.extra_data), configs));
  let regrade: RegradeSummary | null = null;
  if (o.regradeFrom) {
    regrade = compareRegrade(o.regradeFrom, entries);
    writeRegrade(o.outDir, regrade);
  }
  const runStats: Record<string, RunStats> = {};
  for (const e of entries) {
    const s = readRunStats(e.dir);
    if (s) runStats[e.key] = s;
  }
  const report = path.join(o.outDir, REPORT_FILE);
  writeFileAtomic(report, classReportHtml({ entries, configs, similarity, code, regrade: regrade ?? readRegrade(o.outDir), runStats }));
  return { report, canvas, regrade, similarity };
}
