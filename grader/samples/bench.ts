/**
 * Throughput benchmark: N solution-based A3 submissions (different student ids, same trained models) graded
 * with --jobs, reported as submissions per minute. `npm run grade -- --bench 100 --jobs 2`.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { gradeBatch, type BatchSummary, type RemoteGrading } from "../batch";
import { loadManifestSource } from "../integrity/manifest-source";
import { a3ReferenceModels } from "./reference-models";
import { buildSubmissionZip } from "./submission-builder";

export const BENCH_SECRET = "bench-secret";

export interface BenchResult {
  submissions: number;
  jobs: number;
  seconds: number;
  perMinute: number;
  fullMarks: number;
  summary: BatchSummary;
}

export async function benchA3(o: {
  repoRoot: string; count: number; jobs: number; secret?: string; log?: (l: string) => void;
  /** Grade on queue workers instead (grader/queue/bench.ts). */
  remote?: RemoteGrading;
}): Promise<BenchResult> {
  const log = o.log ?? ((l: string) => console.log(l));
  process.env.TENSOR_QUIET ??= "1";
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "dlvr-grade-bench-"));
  try {
    const source = loadManifestSource(o.repoRoot, "A3");
    log(`bench: training reference models (cached in ${path.join(os.tmpdir(), "dlvr-grader-cache")}) ...`);
    const models = a3ReferenceModels(o.repoRoot, path.join(os.tmpdir(), "dlvr-grader-cache"));
    const zips = path.join(tmp, "zips");
    fs.mkdirSync(zips);
    const first = await buildSubmissionZip(o.repoRoot, source, { ...models }, { name: "Bench Student", id: "B0000", option: 1 });
    for (let i = 0; i < o.count; i++) {
      const id = `B${String(i).padStart(4, "0")}`;
      // Same files, different student: rebuild only submission.json's identity by packing again.
      const z = i === 0 ? first : await buildSubmissionZip(o.repoRoot, source, { ...models }, { name: `Bench Student ${i}`, id, option: 1 });
      fs.writeFileSync(path.join(zips, z.fileName), z.zip);
    }
    log(`bench: grading ${o.count} submissions with --jobs ${o.jobs} ...`);
    const summary = await gradeBatch({
      inputs: [zips], outDir: path.join(tmp, "out"), jobs: o.jobs, secret: o.secret ?? BENCH_SECRET, force: true, repoRoot: o.repoRoot,
      progressMode: "lines", log: () => {}, warn: () => {}, remote: o.remote,
    });
    const seconds = summary.durationMs / 1000;
    const fullMarks = summary.runs.filter((r) => r.results.score === r.results.extra_data.max_score).length;
    const stages = new Map<string, number[]>();
    for (const r of summary.runs) for (const [k, v] of Object.entries(r.timings)) stages.set(k, [...(stages.get(k) ?? []), v]);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    log(`bench: median ms per submission by stage: ${[...stages].map(([k, v]) => `${k} ${median(v).toFixed(0)}`).join(", ")}`);
    return { submissions: o.count, jobs: o.jobs, seconds, perMinute: (60 * o.count) / seconds, fullMarks, summary };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
