/**
 * A long-lived grading worker (`npm run grade:worker -- --queue redis://host:port --jobs N`): takes jobs from
 * the queue, N at a time, grades each in this machine's sandbox with this machine's course checkout and secret,
 * and returns results.json + feedback.md as the job's value. One console line per job.
 *
 * - A job whose grading setup (fingerprint per assignment) differs from this worker's is handed back untouched
 *   and the worker stops with exit code 3: it runs an outdated course or another secret.
 * - SIGTERM (or SIGINT): take no new jobs, finish the running ones within the grace period, hand back what is
 *   still running after it (the job goes back to waiting, not counted as a stall); a second signal hands back
 *   at once.
 * - SIGKILL, a crash, a lost machine: the job's lock expires and another worker's stalled-job check puts it
 *   back (BullMQ); after maxStalls such losses the job fails and the coordinator writes a failed row.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { UnrecoverableError, WaitingError, Worker, type Job } from "bullmq";
import { Redis } from "ioredis";
import { loadAssignmentContext, type AssignmentContext, type GraderEnv } from "../assignment-context";
import { gradeToOutputs, summaryLine } from "../batch";
import type { PolicyOverrides } from "../integrity/policy";
import { probeSandbox } from "../run/sandbox";
import { resolveSecret } from "../seeds";
import { displayUrl, QUEUE_NAME, redisOptions, staleWorkersKey, zipKey, type GradeJobData, type GradeJobResult } from "./protocol";
import { setupDifferences, setupFingerprints } from "./setup-fingerprint";

export interface WorkerOptions {
  url: string;
  repoRoot: string;
  /** Submissions graded at the same time. */
  jobs: number;
  secret?: string;
  /** Shown in logs and stored on each job it takes (default host:pid). */
  name?: string;
  /** A job whose worker stops renewing its lock for this long is taken to be lost (BullMQ lockDuration). */
  lockMs?: number;
  /** How often this worker looks for lost jobs (BullMQ stalledInterval). */
  stalledCheckMs?: number;
  /** Times a job may be lost and put back before it fails (BullMQ maxStalledCount). */
  maxStalls?: number;
  /** After SIGTERM, how long running jobs may take before they are handed back. */
  graceMs?: number;
  log?: (line: string) => void;
  warn?: (line: string) => void;
}

export const WORKER_DEFAULTS = { lockMs: 30_000, stalledCheckMs: 15_000, maxStalls: 1, graceMs: 25_000 };

/** Exit code when the worker's grading setup differs from the batch's. */
export const EXIT_STALE_SETUP = 3;

interface Running {
  job: Job<GradeJobData, GradeJobResult>;
  token: string;
  handBack: () => void;
}

/** Runs until stopped by a signal (or a stale setup); resolves with the process exit code. */
export async function runWorker(o: WorkerOptions): Promise<number> {
  const log = o.log ?? ((l: string) => console.log(l));
  const warn = o.warn ?? ((l: string) => console.error(l));
  const name = o.name ?? `${os.hostname()}:${process.pid}`;
  const sandbox = await probeSandbox({ warn });
  const secret = resolveSecret(o.secret, warn);
  const workRoot = fs.mkdtempSync(path.join(os.tmpdir(), "dlvr-worker-"));
  fs.chmodSync(workRoot, 0o755);
  // Contexts per policy override (--time-scale travels with the job; it is part of the fingerprint).
  const contexts = new Map<string, Map<string, Promise<AssignmentContext>>>();
  const contextFor = (policy: PolicyOverrides | undefined) => {
    const pk = JSON.stringify(policy ?? null);
    if (!contexts.has(pk)) contexts.set(pk, new Map());
    const m = contexts.get(pk)!;
    const env: GraderEnv = { repoRoot: o.repoRoot, secret, sandbox, workRoot, policyOverrides: policy };
    return {
      env,
      context: (id: string) => {
        if (!m.has(id)) m.set(id, loadAssignmentContext(env, id));
        return m.get(id)!;
      },
    };
  };
  const mine = await setupFingerprints(contextFor(undefined).context);
  const connection = new Redis(redisOptions(o.url));
  connection.on("error", () => {});
  const running = new Set<Running>();
  let exitCode = 0;
  let stopping: Promise<void> | null = null;

  const processor = async (job: Job<GradeJobData, GradeJobResult>, token?: string): Promise<GradeJobResult> => {
    const d = job.data;
    if (d.format !== "dlvr-grade-job/1") throw new UnrecoverableError(`unknown job format ${String(d.format)}`);
    const { env, context } = contextFor(d.policy);
    const differs = setupDifferences(d.policy ? await setupFingerprints(context) : mine, d.setup);
    if (differs.length) {
      const msg = `grading setup differs for ${differs.join("; ")}: update this machine's course checkout (and secret) to the coordinator's`;
      warn(`[worker ${name}] ${msg}; handing back ${d.key} and stopping`);
      await connection.hset(staleWorkersKey(d.setup), name, msg).catch(() => 0);
      await connection.expire(staleWorkersKey(d.setup), 24 * 3600).catch(() => 0);
      await job.moveToWait(token);
      exitCode = EXIT_STALE_SETUP;
      void stop(0);
      throw new WaitingError();
    }
    const bytes = await connection.getBuffer(zipKey(d.zipSha256));
    if (!bytes) throw new UnrecoverableError(`the submission's zip (sha256 ${d.zipSha256.slice(0, 12)}) is no longer in Redis: run the batch again`);
    if (createHash("sha256").update(bytes).digest("hex") !== d.zipSha256) throw new UnrecoverableError("the zip stored in Redis does not match its hash");
    const dir = fs.mkdtempSync(path.join(workRoot, "job-"));
    const zip = path.join(dir, "submission.zip");
    fs.writeFileSync(zip, bytes);
    const t0 = performance.now();
    let handBack = () => {};
    const handedBack = new Promise<never>((_, reject) => {
      handBack = () => reject(new WaitingError());
    });
    const entry: Running = { job, token: token ?? "", handBack };
    running.add(entry);
    try {
      const out = await Promise.race([gradeToOutputs(env, zip, { key: d.key, zipName: d.zipName, assignment: d.assignment, studentId: d.studentId, submittedAt: d.submittedAt, context }), handedBack]);
      const durationMs = performance.now() - t0;
      log(`${summaryLine(out.results, false, durationMs)} by ${name}`);
      return { results: out.results, feedback: out.feedback, timings: out.timings, durationMs, worker: name, testStats: out.testStats };
    } finally {
      running.delete(entry);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };

  const lockMs = o.lockMs ?? WORKER_DEFAULTS.lockMs;
  const workerConnection = new Redis(redisOptions(o.url));
  workerConnection.on("error", () => {});
  const worker = new Worker<GradeJobData, GradeJobResult>(QUEUE_NAME, processor, {
    connection: workerConnection, name, concurrency: o.jobs, autorun: false,
    lockDuration: lockMs, stalledInterval: o.stalledCheckMs ?? WORKER_DEFAULTS.stalledCheckMs, maxStalledCount: o.maxStalls ?? WORKER_DEFAULTS.maxStalls,
  });
  worker.on("error", (e) => {
    // Connection errors while Redis restarts are expected; ioredis reconnects.
    if (!/ECONNREFUSED|ECONNRESET|Connection is closed|EPIPE/.test(String(e?.message))) warn(`[worker ${name}] ${e?.message ?? e}`);
  });
  worker.on("failed", (job, e) => {
    if (job && !(e instanceof WaitingError)) warn(`[worker ${name}] ${job.data.key}: failed: ${e.message}`);
  });

  /** Hands back every running job: it goes back to waiting for another worker (not counted as a stall). */
  const handBackAll = async () => {
    for (const r of [...running]) {
      await r.job.moveToWait(r.token).catch(() => 0);
      log(`[worker ${name}] handed back ${r.job.data.key}`);
      r.handBack();
    }
  };
  const stop = (graceMs: number): Promise<void> => {
    stopping ??= (async () => {
      const timer = setTimeout(() => void handBackAll(), graceMs);
      await worker.close();
      clearTimeout(timer);
      workerConnection.disconnect();
      connection.disconnect();
      fs.rmSync(workRoot, { recursive: true, force: true });
    })();
    return stopping;
  };
  let signals = 0;
  const onSignal = (sig: string) => {
    signals++;
    if (signals === 1) {
      log(`[worker ${name}] ${sig}: finishing ${running.size} running job(s) (up to ${((o.graceMs ?? WORKER_DEFAULTS.graceMs) / 1000).toFixed(0)} s), taking no new ones`);
      void stop(o.graceMs ?? WORKER_DEFAULTS.graceMs);
    } else void handBackAll();
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);

  log(`[worker ${name}] queue ${displayUrl(o.url)}, ${o.jobs} at a time, sandbox ${sandbox.level}; grading setup ${Object.entries(mine).map(([a, f]) => `${a} ${f.slice(0, 16)}`).join(", ")}`);
  const ran = worker.run();
  await ran.catch((e) => {
    warn(`[worker ${name}] stopped: ${(e as Error).message}`);
    exitCode ||= 1;
  });
  await stop(0);
  process.off("SIGTERM", onSignal);
  process.off("SIGINT", onSignal);
  return exitCode;
}
