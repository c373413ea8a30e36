/**
 * Queue throughput for `npm run bench -- --only grader`: the same solution-based A3 submissions as the local
 * row, graded through a throw-away redis-server by worker processes on this machine, as submissions per minute.
 * Workers are started (and their grading setup loaded) before the clock starts, as long-lived workers would be.
 */
import * as fs from "node:fs";
import { benchA3, BENCH_SECRET, type BenchResult } from "../samples/bench";
import { queueGrading } from "./coordinator";
import { REDIS_SERVER, startLocalRedis } from "./local-redis";
import { startLocalWorker, stopLocalWorker, type LocalWorker } from "./local-workers";

export interface QueueBenchRow {
  workers: number;
  jobsPerWorker: number;
  result: BenchResult;
}

export async function benchQueue(o: { repoRoot: string; count: number; workers: number; jobsPerWorker: number }): Promise<QueueBenchRow> {
  const redis = await startLocalRedis();
  const workers: LocalWorker[] = [];
  try {
    for (let i = 0; i < o.workers; i++) {
      workers.push(await startLocalWorker({ repoRoot: o.repoRoot, url: redis.url, name: `bench-${i + 1}`, jobs: o.jobsPerWorker, secret: BENCH_SECRET }));
    }
    const result = await benchA3({ repoRoot: o.repoRoot, count: o.count, jobs: o.jobsPerWorker, log: () => {}, remote: queueGrading({ url: redis.url, sweepMs: 250 }) });
    return { workers: o.workers, jobsPerWorker: o.jobsPerWorker, result };
  } finally {
    await Promise.all(workers.map((w) => stopLocalWorker(w)));
    await redis.dispose();
  }
}

/** The bench's queue rows: one worker, then two, each grading one submission at a time. */
export async function queueBenchRows(o: { repoRoot: string; count: number; print: (line: string) => void }): Promise<QueueBenchRow[]> {
  const rows: QueueBenchRow[] = [];
  if (!fs.existsSync(REDIS_SERVER)) {
    o.print(`  queue rows: not measured (no ${REDIS_SERVER}: bash scripts/setup.sh --dev installs it)`);
    return rows;
  }
  for (const workers of [1, 2]) {
    const row = await benchQueue({ repoRoot: o.repoRoot, count: o.count, workers, jobsPerWorker: 1 });
    const r = row.result;
    o.print(`  queue, ${workers} worker${workers > 1 ? "s" : ""} x --jobs 1: ${r.submissions} graded in ${r.seconds.toFixed(1)} s: ${r.perMinute.toFixed(0)} submissions/minute, ${r.fullMarks} with full marks`);
    rows.push(row);
  }
  return rows;
}
