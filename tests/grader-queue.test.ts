// Grading through the Redis queue with real parts: a redis-server of the test's own, two worker processes
// (scripts/grade-worker.ts), the coordinator as `npm run grade -- --queue`. One worker is SIGKILLed while it
// grades; the batch still has every row exactly once, byte-identical to a local `--jobs 2` run of the same zips.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gradeBatch } from "../grader/batch";
import { startLocalRedis, type LocalRedis } from "../grader/queue/local-redis";
import { startLocalWorker, stopLocalWorker, type LocalWorker } from "../grader/queue/local-workers";
import { fastStalls, gradedByWorkers, mixedBatch, outFiles, queueProbe, ROOT, SECRET, startCoordinator, until, type CoordinatorRun } from "./grader-queue-fixture";
import { tmpDir } from "./grader-pipeline-fixture";

let work: string;
let redis: LocalRedis;
let workers: LocalWorker[] = [];
let run: CoordinatorRun;
let code: number | string;
let zips: string[];
let killed: { worker: string; key: string };

beforeAll(async () => {
  work = tmpDir("grader-queue-");
  const inDir = path.join(work, "in");
  zips = await mixedBatch(inDir, { valid: 16, stubs: 4, bugs: 5, hostile: true });
  await gradeBatch({ inputs: [inDir], outDir: path.join(work, "local"), jobs: 2, secret: SECRET, repoRoot: ROOT, progressMode: "silent", log: () => {}, warn: () => {} });
  redis = await startLocalRedis();
  workers = await Promise.all(["w1", "w2"].map((name) => startLocalWorker({ repoRoot: ROOT, url: redis.url, name, secret: SECRET, args: fastStalls() })));
  run = startCoordinator(inDir, path.join(work, "queue"), redis.url);
  // Mid-batch: SIGKILL the worker that holds a job once a few rows are in.
  const probe = queueProbe(redis.url);
  try {
    await until(() => run.rows().length >= 5, 240_000, "5 rows");
    // A job w1 started a moment ago (grading a submission takes seconds): it is mid-job.
    let held: { key: string; worker: string; startedMs: number }[] = [];
    const logged = () => gradedByWorkers(workers[0].lines);
    await until(async () => (held = (await probe.active()).filter((a) => a.worker === "w1" && a.startedMs > 100 && a.startedMs < 600 && !logged().has(a.key))).length > 0, 60_000, "w1 mid-job");
    killed = { worker: "w1", key: held[0].key };
    workers[0].child.kill("SIGKILL");
  } finally {
    await probe.close();
  }
  code = await run.exited;
}, 400_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => stopLocalWorker(w, 10_000)));
  await redis?.dispose();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe("a batch through the queue with a worker SIGKILLed mid-job", () => {
  it("finishes with one console line and one gradebook row per submission", async () => {
    expect(code, run.lines.join("\n")).toBe(0);
    expect(zips.length).toBeGreaterThanOrEqual(30);
    const keys = run.rows().map((l) => /A3\s+(\S+)/.exec(l)![1]);
    expect(keys).toHaveLength(zips.length);
    expect(new Set(keys).size).toBe(zips.length);
    const csv = fs.readFileSync(path.join(work, "queue", "gradebook.csv"), "utf8").trim().split("\n").slice(1);
    expect(csv.map((l) => l.split(",")[0]).sort()).toEqual([...keys].sort());
    expect(run.lines.join("\n")).toMatch(new RegExp(`graded ${zips.length}, skipped 0 unchanged, in [\\d.]+ s \\(queue redis://127\\.0\\.0\\.1:${redis.port}\\)`));
  });

  it("the killed worker's job was graded again by the other worker", async () => {
    expect(await workers[0].exited).toBe("SIGKILL");
    const byKey = gradedByWorkers([...workers[0].lines, ...workers[1].lines]);
    expect(byKey.get(killed.key)).toContain("w2");
    // Every submission was graded by some worker; none by the coordinator.
    expect([...byKey.keys()].length).toBe(zips.length);
  });

  it("writes the same bytes as a local --jobs 2 run: every results.json, feedback.md and the gradebook", () => {
    const local = outFiles(path.join(work, "local"));
    const queued = outFiles(path.join(work, "queue"));
    expect([...queued.keys()].sort()).toEqual([...local.keys()].sort());
    for (const [f, bytes] of local) expect(queued.get(f)?.equals(bytes), f).toBe(true);
    // The batch really is mixed: full marks, partial marks, and rejected zips.
    const statuses = [...local.keys()].filter((f) => f.endsWith("results.json")).map((f) => JSON.parse(local.get(f)!.toString()) as { score: number; extra_data: { status: string } });
    expect(statuses.filter((r) => r.score === 100).length).toBeGreaterThanOrEqual(16);
    expect(statuses.filter((r) => r.score > 0 && r.score < 100).length).toBeGreaterThanOrEqual(5);
    expect(new Set(statuses.map((r) => r.extra_data.status))).toEqual(new Set(["graded", "rejected", "missing-files", "compile-error"]));
  });

  it("a rerun of the coordinator skips every finished row", async () => {
    const again = startCoordinator(path.join(work, "in"), path.join(work, "queue"), redis.url);
    expect(await again.exited, again.lines.join("\n")).toBe(0);
    expect(again.lines.join("\n")).toMatch(new RegExp(`graded 0, skipped ${zips.length} unchanged`));
  });
});

describe("workers on another grading setup, and SIGTERM", () => {
  it("a worker with another secret hands the job back and stops (exit 3); the coordinator says so; a right one grades it", async () => {
    // w2 leaves on SIGTERM (nothing running: exit code 0), so the stale worker is the only one.
    expect(await stopLocalWorker(workers[1])).toBe(0);
    expect(workers[1].lines.join("\n")).toMatch(/\[worker w2\] SIGTERM: finishing 0 running job\(s\)/);
    const stale = await startLocalWorker({ repoRoot: ROOT, url: redis.url, name: "stale", secret: "another-secret", args: fastStalls() });
    workers.push(stale);
    const one = path.join(work, "one");
    fs.mkdirSync(one);
    fs.copyFileSync(zips[0], path.join(one, path.basename(zips[0])));
    const c = startCoordinator(one, path.join(work, "one-out"), redis.url);
    expect(await stale.exited).toBe(3);
    expect(stale.lines.join("\n")).toMatch(/\[worker stale\] grading setup differs for A3 \(this worker: \w+, the batch: \w+\)/);
    await until(() => c.lines.some((l) => /worker stale handed its job back and stopped: grading setup differs/.test(l)), 30_000, "the coordinator's warning");
    workers.push(await startLocalWorker({ repoRoot: ROOT, url: redis.url, name: "w3", secret: SECRET, args: fastStalls() }));
    expect(await c.exited, c.lines.join("\n")).toBe(0);
    const k = path.basename(zips[0], ".zip");
    expect(fs.readFileSync(path.join(work, "one-out", k, "results.json")).equals(fs.readFileSync(path.join(work, "local", k, "results.json")))).toBe(true);
  });
});
