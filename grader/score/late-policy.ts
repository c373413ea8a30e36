/**
 * The late policy of an assignment config (`late` in grader/assignments/<ID>.json): a deadline, a grace period,
 * a penalty per started day late and a cap, both in percent of the points possible (as Canvas's late policy).
 * The submission time comes from the LMS when it is known (Gradescope's submission_metadata.json `created_at`,
 * passed by the grade command), else from `submittedAt` in submission.json (written by `npm run submit` on the
 * student's machine, so it is what the student's clock said).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { LatePolicyConfig } from "../../lib/course/config";

export const DAY_MS = 24 * 60 * 60 * 1000;

export interface LateInfo {
  /** ISO time the submission was made. */
  submittedAt: string;
  source: "lms" | "submission.json";
  deadline: string;
  /** Minutes after the deadline (0 when on time or within the grace period). */
  minutesLate: number;
  /** Started days late, counted from the deadline (0 when on time or within the grace period). */
  daysLate: number;
  /** Percent of the points possible taken (after the cap). */
  percent: number;
  /** Points taken (never more than the score had). */
  points: number;
}

const round2 = (x: number): number => Math.round(x * 100 + Number.EPSILON * 100) / 100;

/** A time from untrusted input as an ISO string, or null when it is not a valid time. */
export function parseTime(v: unknown): string | null {
  if (typeof v !== "string" || v.length > 64 || !/^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(v)) return null;
  const t = new Date(v).getTime();
  return Number.isFinite(t) ? new Date(t).toISOString() : null;
}

/** `submittedAt` from the submission.json under a project root (null when absent or invalid). */
export function submittedAtFromProject(root: string | null): string | null {
  if (!root) return null;
  try {
    const file = path.join(root, "submission.json");
    if (fs.statSync(file).size > 256 * 1024) return null;
    const v = JSON.parse(fs.readFileSync(file, "utf8")) as { submittedAt?: unknown };
    return parseTime(v?.submittedAt);
  } catch {
    return null;
  }
}

/** What the policy takes from a submission made at `submittedAt` that earned `score` of `maxScore`. */
export function lateInfo(policy: LatePolicyConfig, submittedAt: string, source: LateInfo["source"], maxScore: number, score: number): LateInfo {
  const lateMs = new Date(submittedAt).getTime() - new Date(policy.deadline).getTime();
  const graceMs = (policy.graceMinutes ?? 0) * 60 * 1000;
  const late = lateMs > graceMs;
  const daysLate = late ? Math.ceil(lateMs / DAY_MS) : 0;
  const percent = Math.min(policy.maxPenalty ?? 100, daysLate * policy.penaltyPerDay);
  return {
    submittedAt, source, deadline: new Date(policy.deadline).toISOString(), minutesLate: late ? Math.round(lateMs / 60000) : 0, daysLate,
    percent, points: round2(Math.min(Math.max(0, score), (maxScore * percent) / 100)),
  };
}

/** One sentence for the feedback and the report. */
export function lateText(l: LateInfo): string {
  const when = `submitted ${l.submittedAt.replace(".000Z", "Z")} (${l.source === "lms" ? "time recorded by the LMS" : "time recorded by npm run submit"})`;
  if (l.daysLate === 0) return `On time: ${when}, deadline ${l.deadline.replace(".000Z", "Z")}.`;
  const h = l.minutesLate / 60;
  const late = h < 48 ? `${h.toFixed(1)} hours` : `${(h / 24).toFixed(1)} days`;
  return `Late: ${when}, ${late} after the deadline (${l.deadline.replace(".000Z", "Z")}): ${l.daysLate} day${l.daysLate > 1 ? "s" : ""} late, -${l.percent}% of the points possible = -${l.points} points.`;
}
