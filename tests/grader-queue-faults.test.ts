// The queue's other faults, with real parts (redis-server with appendonly in the test's folder, worker and
// coordinator processes): Redis SIGKILLed and restarted mid-batch, a submission that kills every worker that
// takes it (the test plays the killer: it SIGKILLs whichever worker holds that job), and the coordinator
// SIGKILLed and rerun. The batch completes, the poison submission gets a failed row with the reason after a
// bounded number of tries, the others match a local run, and rows finished before the coordinator died are
// not graded again.
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gradeBatch } from "../grader/batch";
import type { GradescopeResults } from "../grader/report/gradescope-results";
import { freePort, startLocalRedis, type LocalRedis } from "../grader/queue/local-redis";
import { startLocalWorker, stopLocalWorker, type LocalWorker } from "../grader/queue/local-workers";
import { fastStalls, gradedByWorkers, mixedBatch, outFiles, queueProbe, ROOT, SECRET, startCoordinator, until, type CoordinatorRun } from "./grader-queue-fixture";
import { student, tmpDir, writeSubmission } from "./grader-pipeline-fixture";

let work: string;
let redis: LocalRedis;
const workers: LocalWorker[] = [];
let first: CoordinatorRun;
let second: CoordinatorRun;
let secondCode: number | string;
let rowsBeforeKill: string[] = [];
/** How many times the workers had graded each submission when the coordinator was killed. */
let gradedAtKill = new Map<string, string[]>();
const poisonKills: string[] = [];
let poisonKey: string;
let zips: string[];

const key = (row: string) => /A3\s+(\S+)/.exec(row)![1];
const results = (dir: string, k: string): GradescopeResults => JSON.parse(fs.readFileSync(path.join(dir, k, "results.json"), "utf8"));

beforeAll(async () => {
  work = tmpDir("grader-queue-faults-");
  const inDir = path.join(work, "in");
  zips = await mixedBatch(inDir, { valid: 6, stubs: 1, bugs: 1, hostile: false });
  const poison = await writeSubmission(path.join(work, "poison"), student("7999", "Poison"));
  poisonKey = path.basename(poison, ".zip");
  fs.copyFileSync(poison, path.join(inDir, path.basename(poison)));
  await gradeBatch({ inputs: [inDir], outDir: path.join(work, "local"), jobs: 2, secret: SECRET, repoRoot: ROOT, progressMode: "silent", log: () => {}, warn: () => {} });

  redis = await startLocalRedis({ appendonly: true });
  let n = 0;
  const addWorker = async () => workers.push(await startLocalWorker({ repoRoot: ROOT, url: redis.url, name: `w${++n}`, secret: SECRET, args: fastStalls(8000) }));
  await addWorker();
  await addWorker();
  const probe = queueProbe(redis.url);
  // The poison submission: whoever takes it dies; a fresh worker takes the dead one's place.
  let killing = true;
  const killer = (async () => {
    while (killing) {
      const holder = (await probe.active()).find((a) => a.key === poisonKey)?.worker;
      const w = workers.find((x) => x.name === holder && x.child.exitCode === null && x.child.signalCode === null);
      if (w) {
        w.child.kill("SIGKILL");
        poisonKills.push(w.name);
        await addWorker();
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  })();
  try {
    first = startCoordinator(inDir, path.join(work, "queue"), redis.url);
    await until(() => first.rows().length >= 2, 240_000, "2 rows");
    await redis.stop("SIGKILL");
    await new Promise((r) => setTimeout(r, 1000));
    await redis.restart();
    await until(() => first.rows().length >= 4, 240_000, "4 rows after the restart");
    first.child.kill("SIGKILL");
    await first.exited;
    rowsBeforeKill = first.rows().map(key);
    gradedAtKill = gradedByWorkers(workers.flatMap((w) => w.lines));
    second = startCoordinator(inDir, path.join(work, "queue"), redis.url);
    secondCode = await second.exited;
  } finally {
    killing = false;
    await killer;
    await probe.close();
  }
}, 500_000);

afterAll(async () => {
  await Promise.all(workers.map((w) => stopLocalWorker(w, 10_000)));
  await redis?.dispose();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe("queue faults: Redis restarted, a poison submission, the coordinator killed and rerun", () => {
  it("the rerun completes the batch: one gradebook row per submission", () => {
    expect(secondCode, second.lines.join("\n")).toBe(0);
    const csv = fs.readFileSync(path.join(work, "queue", "gradebook.csv"), "utf8").trim().split("\n").slice(1).map((l) => l.split(",")[0]);
    expect(csv).toHaveLength(zips.length + 1);
    expect(new Set(csv).size).toBe(zips.length + 1);
    // Finished rows are skipped; a failed row (the poison's, if it was among them) is not final: it is rebuilt
    // from the failed job kept in Redis, without any worker trying it again.
    const final = rowsBeforeKill.filter((k) => k !== poisonKey);
    expect(second.lines.join("\n")).toMatch(new RegExp(`graded ${zips.length + 1 - final.length}, skipped ${final.length} unchanged`));
  });

  it("rows finished before the coordinator was killed were not graded again", () => {
    expect(rowsBeforeKill.length).toBeGreaterThanOrEqual(4);
    const graded = gradedByWorkers(workers.flatMap((w) => w.lines));
    for (const k of rowsBeforeKill) expect(graded.get(k) ?? [], k).toEqual(gradedAtKill.get(k) ?? []);
    // And nothing was graded twice at all (the locks outlast the Redis restart).
    for (const [k, by] of graded) expect(by, k).toHaveLength(1);
  });

  it("the submission that killed every worker it reached is a failed row with the reason, after two or more tries, each one a worker lost", () => {
    // Two workers died grading it, and with --max-stalls 1 BullMQ's stall check marks it to fail at the second
    // loss; it fails when the next worker picks it up. Each further loss is a kill (the killer can catch that
    // worker before it records the failure, on a loaded machine) or the Redis restart (a lock lapses while Redis
    // is down): never more tries than kills plus one.
    expect(poisonKills.length).toBeGreaterThanOrEqual(2);
    const r = results(path.join(work, "queue"), poisonKey);
    expect(r.extra_data.status).toBe("grader-error");
    const reason = r.extra_data.status_reason ?? "";
    const tries = Number(/stopped every worker that ran it \((\d+) tries: the worker process died or lost its lock\)/.exec(reason)?.[1]);
    const why = `${reason}; workers killed holding it: ${poisonKills.join(", ")}`;
    expect(tries, why).toBeGreaterThanOrEqual(2);
    expect(tries, why).toBeLessThanOrEqual(poisonKills.length + 1);
    expect(r.score).toBe(0);
    expect(r.tests.length).toBeGreaterThan(10);
    expect(fs.readFileSync(path.join(work, "queue", poisonKey, "feedback.md"), "utf8")).toMatch(/stopped every worker that ran it/);
  });

  it("every other row is byte-identical to a local run", () => {
    const local = outFiles(path.join(work, "local"));
    const queued = outFiles(path.join(work, "queue"));
    for (const [f, bytes] of local) {
      // The poison row differs by design, and so do the class-wide files at the top that list it (gradebooks,
      // answers.md): tests/grader-queue.test.ts compares those on a batch without one.
      if (f.startsWith(`${poisonKey}/`) || !f.includes("/")) continue;
      expect(queued.get(f)?.equals(bytes), f).toBe(true);
    }
    expect(results(path.join(work, "local"), poisonKey).score).toBe(100);
  });
});

describe("the throw-away redis-server", () => {
  it("moves to a fresh port when another process took the one it was given", async () => {
    const squatter = net.createServer();
    const taken = await new Promise<number>((resolve) => squatter.listen(0, "127.0.0.1", () => resolve((squatter.address() as net.AddressInfo).port)));
    const tried: number[] = [];
    const r = await startLocalRedis({ choosePort: async () => { const p = tried.length ? await freePort() : taken; tried.push(p); return p; } });
    try {
      expect(tried).toHaveLength(2);
      expect(r.port).toBe(tried[1]);
      expect(r.port).not.toBe(taken);
      expect(r.url).toBe(`redis://127.0.0.1:${r.port}`);
    } finally {
      await r.dispose();
      squatter.close();
    }
  });
});
