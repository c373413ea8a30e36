/**
 * The coordinator's side of a queue batch (`npm run grade -- <zips> --out <dir> --queue redis://host:port`):
 * plugged into gradeBatch as its RemoteGrading, so skipping unchanged rows, the console lines, the progress bar
 * and the out folder are exactly a local run's. Per submission: store the zip bytes under their sha256, add a
 * job whose id hashes everything that decides the answer, wait for it to finish, check the result came from the
 * same grading setup, and hand back results.json + feedback.md for gradeBatch to write.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { Job, Queue, QueueEvents } from "bullmq";
import { Redis } from "ioredis";
import type { AssignmentContext, GraderEnv } from "../assignment-context";
import { gradeToOutputs, type RemoteGrading, type RemoteSession, type SubmissionOutputs } from "../batch";
import { EMPTY_INTEGRITY, withAllTestsFailed } from "../grade-submission";
import { identifyStudent } from "../intake/submission-files";
import { DEFAULT_ZIP_CAPS } from "../intake/unzip";
import { feedbackMarkdown } from "../report/feedback";
import { toGradescope } from "../report/gradescope-results";
import type { GradeReport } from "../report/report-types";
import { displayUrl, jobId, QUEUE_NAME, redisOptions, staleWorkersKey, zipKey, ZIP_TTL_SECONDS, type GradeJobData, type GradeJobResult } from "./protocol";
import { setupFingerprints } from "./setup-fingerprint";

export interface QueueCoordinatorOptions {
  url: string;
  /** Drop finished jobs of the same submissions first, so they are graded again. */
  force?: boolean;
  /** How often unfinished jobs are looked up even without an event (Redis restarts lose events). */
  sweepMs?: number;
}

/** Finished jobs are kept this long (a rerun within it reuses them); the coordinator removes its own when done. */
const KEEP_FINISHED = { age: 24 * 3600 };

export function queueGrading(o: QueueCoordinatorOptions): RemoteGrading {
  return { start: (env, context, log, warn) => startSession(o, env, context, log, warn) };
}

interface Waiter {
  resolve: (job: Job<GradeJobData, GradeJobResult>) => void;
  /** Stores the zip and adds the job again (both gone: a Redis restart that lost the last writes, an expiry). */
  resubmit: () => Promise<void>;
}

async function startSession(
  o: QueueCoordinatorOptions, env: GraderEnv, context: (id: string) => Promise<AssignmentContext>, log: (l: string) => void, warn: (l: string) => void,
): Promise<RemoteSession> {
  const connection = new Redis(redisOptions(o.url));
  connection.on("error", () => {}); // reconnects by itself; a lost connection shows as a slow batch, not a crash
  const queue = new Queue<GradeJobData, GradeJobResult>(QUEUE_NAME, { connection });
  queue.on("error", () => {});
  const eventsConnection = new Redis(redisOptions(o.url));
  eventsConnection.on("error", () => {});
  const events = new QueueEvents(QUEUE_NAME, { connection: eventsConnection });
  events.on("error", () => {});
  const setup = await setupFingerprints(context);
  const policy = env.policyOverrides && Object.keys(env.policyOverrides).length ? env.policyOverrides : undefined;
  const waiting = new Map<string, Waiter>();
  const finished: { id: string; sha: string }[] = [];
  const staleSeen = new Set<string>();
  log(`[grade] queue ${displayUrl(o.url)}: grading setup ${Object.entries(setup).map(([a, f]) => `${a} ${f.slice(0, 16)}`).join(", ")}`);

  const check = async (id: string) => {
    const w = waiting.get(id);
    if (!w) return;
    try {
      const job = await Job.fromId<GradeJobData, GradeJobResult>(queue, id);
      if (!job) await w.resubmit();
      else if (job.finishedOn && waiting.delete(id)) w.resolve(job);
    } catch {
      // Redis unreachable: the next sweep tries again
    }
  };
  events.on("completed", ({ jobId: id }) => void check(id));
  events.on("failed", ({ jobId: id }) => void check(id));
  // Events are a shortcut; this sweep is what guarantees progress (a restarted Redis, a missed event).
  let sweeping = false;
  const sweep = setInterval(async () => {
    if (sweeping) return;
    sweeping = true;
    try {
      await Promise.all([...waiting.keys()].map(check));
      const stale = await connection.hgetall(staleWorkersKey(setup)).catch(() => ({}) as Record<string, string>);
      for (const [name, msg] of Object.entries(stale)) {
        if (!staleSeen.has(name)) warn(`[grade] worker ${name} handed its job back and stopped: ${msg}`);
        staleSeen.add(name);
      }
    } finally {
      sweeping = false;
    }
  }, o.sweepMs ?? 1000);

  const enqueue = async (zip: string, g: { key: string; zipName?: string; assignment?: string; studentId?: string; submittedAt?: string }): Promise<Job<GradeJobData, GradeJobResult>> => {
    const bytes = fs.readFileSync(zip);
    const sha = createHash("sha256").update(bytes).digest("hex");
    const data: GradeJobData = {
      format: "dlvr-grade-job/1", zipSha256: sha, key: g.key, zipName: g.zipName ?? g.key, assignment: g.assignment, studentId: g.studentId, policy, setup,
      ...(g.submittedAt ? { submittedAt: g.submittedAt } : {}),
    };
    const id = jobId(data);
    const store = async () => {
      const stored = await connection.set(zipKey(sha), bytes, "EX", ZIP_TTL_SECONDS, "NX");
      if (stored === null) await connection.expire(zipKey(sha), ZIP_TTL_SECONDS);
    };
    // Same id as a job already there (running, waiting or finished): BullMQ keeps the existing one.
    const add = () => queue.add("grade", data, { jobId: id, attempts: 1, removeOnComplete: KEEP_FINISHED, removeOnFail: KEEP_FINISHED });
    await store();
    if (o.force) {
      const old = await queue.getJob(id);
      if (old && (await old.isCompleted() || await old.isFailed())) await old.remove();
    }
    const done = new Promise<Job<GradeJobData, GradeJobResult>>((resolve) => waiting.set(id, { resolve, resubmit: async () => { await store(); await add(); } }));
    await add();
    void check(id);
    const job = await done;
    finished.push({ id, sha });
    return job;
  };

  return {
    async grade(zip, g): Promise<SubmissionOutputs> {
      // Over the intake's size cap: rejected at extraction, before any student code; no need to ship it.
      if (fs.statSync(zip).size > DEFAULT_ZIP_CAPS.maxZipBytes) return gradeToOutputs(env, zip, { ...g, context });
      const job = await enqueue(zip, g);
      const r = job.returnvalue;
      if (!r) return failedOutputs(context, job.data, failedReasonText(job));
      const fp = r.results.extra_data.fingerprint;
      const want = setup[r.results.extra_data.assignment];
      if (fp && fp !== want) {
        return failedOutputs(context, job.data, `worker ${r.worker} graded it on another grading setup (fingerprint ${fp}, this batch ${want})`);
      }
      if (r.results.extra_data.zip_sha256 !== job.data.zipSha256 && r.results.extra_data.zip_sha256 !== "") {
        return failedOutputs(context, job.data, `worker ${r.worker} returned results for another zip`);
      }
      return { results: r.results, feedback: r.feedback, timings: r.timings, durationMs: r.durationMs, testStats: r.testStats };
    },
    async close() {
      clearInterval(sweep);
      // gradeBatch has written every finished job's outputs by now: their jobs and zips can go.
      for (const f of finished) {
        await queue.remove(f.id).catch(() => 0);
        await connection.del(zipKey(f.sha)).catch(() => 0);
      }
      await events.close();
      await queue.close();
      eventsConnection.disconnect();
      connection.disconnect();
    },
  };
}

/** Why a job failed, for the student's row: BullMQ's reason plus how many workers tried. */
function failedReasonText(job: Job<GradeJobData, GradeJobResult>): string {
  if (/stalled more than allowable limit/.test(job.failedReason)) {
    // BullMQ fails such a job when the next worker picks it up: the tries are the times it was lost.
    const tries = job.stalledCounter;
    return `grading this submission stopped every worker that ran it (${tries} ${tries === 1 ? "try" : "tries"}: the worker process died or lost its lock): the instructor will look at it`;
  }
  return `the worker could not grade it (${job.failedReason}): the instructor will look at it`;
}

/** A row for a submission no worker could grade: every test failed with the reason, as for a grader error. */
async function failedOutputs(context: (id: string) => Promise<AssignmentContext>, d: GradeJobData, reason: string): Promise<SubmissionOutputs> {
  const student = identifyStudent(null, d.zipName, d.zipSha256, d.studentId);
  const id = d.assignment ?? student.assignment ?? "?";
  const ctx = await context(id).catch(() => null);
  const base: GradeReport = {
    assignment: ctx?.id ?? id, key: d.key, zipName: d.zipName, zipSha256: d.zipSha256, student, status: "grader-error", statusReason: reason,
    score: 0, maxScore: 0, tests: [], blocks: [], integrity: EMPTY_INTEGRITY, notes: [], compileError: null, fingerprint: "", timings: {},
    submitted: d.submittedAt ? { at: d.submittedAt, source: "lms" } : null, late: null, testStats: {},
  };
  // No fingerprint: a later run does not treat this row as final.
  const report = { ...withAllTestsFailed(ctx, base), fingerprint: "" };
  return { results: toGradescope(report, ctx?.policy.visibility ?? "visible"), feedback: feedbackMarkdown(report), timings: {}, durationMs: 0 };
}
