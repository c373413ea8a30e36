/**
 * What travels through Redis between the coordinator (`npm run grade -- --queue`) and the workers
 * (`npm run grade:worker`): job data (the zip's hash and ids, never the secret or hidden tests), the zip bytes
 * stored once under their sha256, and the job's return value (results.json, feedback.md, timings).
 */
import { createHash } from "node:crypto";
import type { RedisOptions } from "ioredis";
import type { GradescopeResults } from "../report/gradescope-results";
import type { PolicyOverrides } from "../integrity/policy";

/** One BullMQ queue for every batch: jobs are independent, their ids content-addressed. */
export const QUEUE_NAME = "dlvr-grade";
/** Zip bytes, content-addressed: a resubmission of the same bytes is stored once. */
export const zipKey = (sha256: string): string => `dlvr:zip:${sha256}`;
/** Hash of the workers that found their grading setup differs from this one's (worker name -> message). */
export const staleWorkersKey = (setup: Record<string, string>): string =>
  `dlvr:stale-workers:${createHash("sha256").update(JSON.stringify(Object.entries(setup).sort())).digest("hex").slice(0, 16)}`;
/** Zips stay in Redis this long after they were last enqueued (the coordinator deletes them when done). */
export const ZIP_TTL_SECONDS = 2 * 24 * 3600;

export interface GradeJobData {
  format: "dlvr-grade-job/1";
  zipSha256: string;
  key: string;
  zipName: string;
  assignment?: string;
  studentId?: string;
  policy?: PolicyOverrides;
  /** Submission time from the LMS (the late policy), when the coordinator was given one. */
  submittedAt?: string;
  /**
   * The coordinator's fingerprint of the grading setup (secret, grader code, solutions, lib, release manifest,
   * policy) per assignment: a worker whose own fingerprints differ is on another course version or secret and
   * hands the job back instead of grading it.
   */
  setup: Record<string, string>;
}

export interface GradeJobResult {
  results: GradescopeResults;
  feedback: string;
  timings: Record<string, number>;
  durationMs: number;
  worker: string;
  testStats?: Record<string, { ms: number; rssBytes: number }>;
}

/**
 * The job id: a hash of everything that decides the answer. Enqueueing the same submission again (a rerun after
 * the coordinator was killed) finds the existing job, running or finished, instead of grading it twice.
 */
export function jobId(d: GradeJobData): string {
  const basis = [d.format, d.zipSha256, d.key, d.zipName, d.assignment ?? null, d.studentId ?? null, d.policy ?? null, d.submittedAt ?? null, Object.entries(d.setup).sort()];
  return `g${createHash("sha256").update(JSON.stringify(basis)).digest("hex").slice(0, 40)}`;
}

/** ioredis options for redis://[user:password@]host:port[/db] (rediss:// for TLS). */
export function redisOptions(url: string): RedisOptions {
  const u = new URL(url);
  if (u.protocol !== "redis:" && u.protocol !== "rediss:") throw new Error(`--queue wants redis://host:port, got ${url}`);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  if (!Number.isInteger(db) || db < 0) throw new Error(`--queue: bad database number in ${url}`);
  return {
    host: u.hostname || "127.0.0.1",
    port: u.port ? Number(u.port) : 6379,
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db,
    tls: u.protocol === "rediss:" ? {} : undefined,
    // BullMQ's blocking connections must wait through a Redis restart rather than give up on a command.
    maxRetriesPerRequest: null,
    retryStrategy: (times) => Math.min(100 * times, 1000),
  };
}

/** The URL without its password, for logs. */
export function displayUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = "***";
  return u.toString().replace(/\/$/, "");
}
