/**
 * Grading a batch: every zip (or submission folder) in the inputs, --jobs at a time, each into
 * <out>/<zip name>/results.json + feedback.md (atomic writes), then <out>/gradebook.csv. A submission whose zip
 * (sha256) and grading setup (fingerprint) are unchanged since its results.json was written is skipped unless
 * force. One line per submission on the console plus a progress bar. Bad submissions get a row like everyone
 * else; the batch itself does not fail because of them.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { progress, type ProgressMode } from "../lib/viz/progress";
import { loadAssignmentContext, type AssignmentContext, type GraderEnv } from "./assignment-context";
import { feedbackMarkdown } from "./report/feedback";
import { isSubmissionFolder, zipFolder } from "./intake/folder-zip";
import { writeFileAtomic, writeJsonAtomic } from "./report/fs-atomic";
import { gradebookCsv } from "./report/gradebook";
import { previousManualPoints } from "./report/manual-points";
import { gradeSubmission, sha256File, type GradeOptions } from "./grade-submission";
import { toGradescope, type GradescopeResults, type ResultsExtra } from "./report/gradescope-results";
import type { PolicyOverrides } from "./integrity/policy";
import { probeSandbox, type SandboxInfo } from "./run/sandbox";
import { resolveSecret } from "./seeds";
import { assignKeys } from "./intake/output-keys";
import { answersMarkdown } from "./report/answers";
import { writeClassOutputs, type ClassOutputs } from "./report/class-outputs";
import type { GradedEntry } from "./report/out-folder";
import { makeWorkRoot, removeStaleWorkRoots } from "./work-root";
import { gradedRowsIn, identityFlags, withIdentitySection, type IdentityPolicy } from "./report/identity";

export interface BatchOptions {
  /** Zip files, folders of zips, or submission folders. */
  inputs: string[];
  outDir: string;
  jobs: number;
  secret?: string;
  force?: boolean;
  /** Grade everything as this assignment. */
  assignment?: string;
  /** Seed inputs with this student id (single-submission runs, e.g. Gradescope). */
  studentId?: string;
  policy?: PolicyOverrides;
  repoRoot: string;
  progressMode?: ProgressMode;
  /** Console lines (default console.log). */
  log?: (line: string) => void;
  warn?: (line: string) => void;
  /** Use this sandbox instead of probing. */
  sandbox?: SandboxInfo;
  /** Submission time from the LMS (Gradescope's created_at), for the late policy. */
  submittedAt?: string;
  /** The out folder as it was before a regrade (report/regrade.ts): regrade.csv compares with it. */
  regradeFrom?: GradedEntry[];
  /** Which id counts and which of several zips of one student counts (report/identity.ts). */
  identity?: Partial<IdentityPolicy>;
  /** Grade somewhere else (grader/queue/: workers on other machines) instead of in a local pool of --jobs. */
  remote?: RemoteGrading;
}

/** What grading one submission produces: the coordinator (this file) writes it to <out>/<key>/. */
export interface SubmissionOutputs {
  results: GradescopeResults;
  feedback: string;
  timings: Record<string, number>;
  /** Time and memory per test (run-stats.json, the class report); never graded. */
  testStats?: Record<string, { ms: number; rssBytes: number }>;
  /** Grading time when it was measured elsewhere (queue workers); default: measured here. */
  durationMs?: number;
}

/** Grades the batch's submissions elsewhere: started once per batch, then asked for every submission to grade. */
export interface RemoteGrading {
  start(env: GraderEnv, context: (id: string) => Promise<AssignmentContext>, log: (line: string) => void, warn: (line: string) => void): Promise<RemoteSession>;
}

export interface RemoteSession {
  grade(zip: string, o: Omit<GradeOptions, "context">): Promise<SubmissionOutputs>;
  close(): Promise<void>;
}

export interface SubmissionRun {
  key: string;
  input: string;
  skipped: boolean;
  results: GradescopeResults;
  durationMs: number;
  /** Stage timings of a graded (not skipped) submission. */
  timings: Record<string, number>;
  /** Per-test time and memory of a graded submission (report only). */
  testStats?: Record<string, { ms: number; rssBytes: number }>;
}

export interface BatchSummary {
  runs: SubmissionRun[];
  graded: number;
  skipped: number;
  durationMs: number;
  gradebook: string;
  sandbox: SandboxInfo;
  /** report.html, gradebook-canvas.csv, the regrade and the similar pairs over the whole out folder (null if that failed). */
  classOutputs: ClassOutputs | null;
  /** Rows in the gradebook (every graded submission in the out folder). */
  rows: number;
  /** Identity problems across the out folder (two zips for one id, id in the name vs submission.json). */
  identitySummary: string[];
}

interface Item {
  input: string;
  zip: string;
  key: string;
}

/** The submissions named by the inputs, with unique, stable output keys (intake/output-keys.ts), in a stable order. */
async function collect(inputs: string[], tmp: string): Promise<Item[]> {
  const found: { input: string; zip: string | null }[] = [];
  for (const input of inputs) {
    const abs = path.resolve(input);
    const st = fs.statSync(abs);
    if (st.isDirectory() && isSubmissionFolder(abs)) found.push({ input: abs, zip: null });
    else if (st.isDirectory()) {
      for (const f of fs.readdirSync(abs).filter((n) => /\.zip$/i.test(n)).sort()) found.push({ input: path.join(abs, f), zip: path.join(abs, f) });
    } else found.push({ input: abs, zip: abs });
  }
  const keys = assignKeys(found.map((f) => f.input));
  const items: Item[] = [];
  for (const [i, f] of found.entries()) {
    let zip = f.zip;
    if (zip === null) {
      zip = path.join(tmp, `folder-${i}.zip`);
      fs.writeFileSync(zip, (await zipFolder(f.input)).zip);
    }
    items.push({ input: f.input, zip, key: keys[i] });
  }
  return items;
}

function readResults(file: string): GradescopeResults | null {
  try {
    const r = JSON.parse(fs.readFileSync(file, "utf8")) as GradescopeResults;
    return r?.extra_data?.format ? r : null;
  } catch {
    return null;
  }
}

export function summaryLine(r: GradescopeResults, skipped: boolean, ms: number): string {
  const e = r.extra_data;
  const score = `${r.score.toFixed(2).padStart(6)}/${String(e.max_score).padEnd(4)}`;
  const who = `${e.key}${e.student_id && !e.key.includes(e.student_id) ? ` (${e.student_id})` : ""}`;
  const status = skipped ? "unchanged, skipped" : e.status === "graded" ? "graded" : `${e.status}: ${e.status_reason ?? ""}`;
  return `${score} ${e.assignment.padEnd(3)} ${who}  ${status}${skipped ? "" : ` [${(ms / 1000).toFixed(1)} s]`}`;
}

/** Grades one submission here (in this machine's sandbox) and renders its results.json and feedback.md. */
export async function gradeToOutputs(env: GraderEnv, zip: string, o: GradeOptions): Promise<SubmissionOutputs> {
  const report = await gradeSubmission(env, zip, o);
  const policy = (await o.context(report.assignment).catch(() => null))?.policy;
  return { results: toGradescope(report, policy?.visibility ?? "visible"), feedback: feedbackMarkdown(report), timings: report.timings, testStats: report.testStats };
}

export async function gradeBatch(o: BatchOptions): Promise<BatchSummary> {
  const log = o.log ?? ((l: string) => console.log(l));
  const warn = o.warn ?? ((l: string) => console.error(l));
  const t0 = performance.now();
  for (const d of removeStaleWorkRoots()) warn(`[grade] removed a work folder left by a grader that was killed: ${d}`);
  const workRoot = makeWorkRoot();
  try {
    const sandbox = o.sandbox ?? (await probeSandbox({ warn }));
    const secret = resolveSecret(o.secret, warn);
    const env: GraderEnv = { repoRoot: o.repoRoot, secret, sandbox, workRoot, policyOverrides: o.policy };
    const contexts = new Map<string, Promise<AssignmentContext>>();
    const context = (id: string) => {
      if (!contexts.has(id)) {
        const p = loadAssignmentContext(env, id);
        p.then((c) => {
          for (const w of c.source.warnings) warn(`[grade] ${id}: ${w}`);
        }, () => {});
        contexts.set(id, p);
      }
      return contexts.get(id)!;
    };
    const items = await collect(o.inputs, workRoot);
    const remote = o.remote ? await o.remote.start(env, context, log, warn) : null;
    fs.mkdirSync(o.outDir, { recursive: true });
    const runs: SubmissionRun[] = new Array(items.length);
    const bar = progress({ total: items.length, label: "grading", unit: "sub", mode: o.progressMode ?? "auto" });
    let done = 0;
    let next = 0;
    const worker = async () => {
      while (next < items.length) {
        const i = next++;
        const it = items[i];
        const started = performance.now();
        const dir = path.join(o.outDir, it.key);
        const resultsFile = path.join(dir, "results.json");
        let run: SubmissionRun | null = null;
        if (!o.force) {
          const old = readResults(resultsFile);
          if (old && old.extra_data.zip_sha256 === (await sha256File(it.zip).catch(() => ""))) {
            const ctx = await context(old.extra_data.assignment).catch(() => null);
            if (ctx && ctx.fingerprint === old.extra_data.fingerprint) run = { key: it.key, input: it.input, skipped: true, results: old, durationMs: 0, timings: {} };
          }
        }
        if (!run) {
          const g = { key: it.key, zipName: path.basename(it.input), assignment: o.assignment, studentId: o.studentId, submittedAt: o.submittedAt, idFrom: o.identity?.idFrom };
          const out = remote ? await remote.grade(it.zip, g) : await gradeToOutputs(env, it.zip, { ...g, context });
          writeFileAtomic(path.join(dir, "feedback.md"), out.feedback);
          writeJsonAtomic(resultsFile, out.results);
          run = { key: it.key, input: it.input, skipped: false, results: out.results, durationMs: out.durationMs ?? performance.now() - started, timings: out.timings, testStats: out.testStats };
        }
        runs[i] = run;
        done++;
        if (bar.mode === "tty") process.stderr.write("\r\x1b[K");
        log(summaryLine(run.results, run.skipped, run.durationMs));
        bar.update(done);
      }
    };
    try {
      // Remote: every submission is handed out at once (the workers decide how many run at a time).
      await Promise.all(Array.from({ length: Math.max(1, Math.min(remote ? items.length : o.jobs, items.length)) }, worker));
    } finally {
      await remote?.close();
    }
    bar.done();
    // The gradebook covers every graded submission in the out folder, not just this command's inputs.
    const gradebook = path.join(o.outDir, "gradebook.csv");
    const rows = gradedRowsIn(o.outDir, runs.map((r) => r.results.extra_data as ResultsExtra));
    const identity = identityFlags(rows, o.identity);
    const manual = previousManualPoints(gradebook, new Set(rows.map((r) => r.key)), warn);
    writeFileAtomic(gradebook, gradebookCsv(rows, identity, manual));
    const answers = answersMarkdown(rows);
    if (answers !== null) writeFileAtomic(path.join(o.outDir, "answers.md"), answers);
    for (const r of rows) {
      // Two zips for one student is only known across the folder: it goes into each one's feedback.md here.
      const file = path.join(o.outDir, r.key, "feedback.md");
      const dup = (identity.flags.get(r.key) ?? []).filter((f) => f.startsWith("duplicate:"));
      try {
        const text = fs.readFileSync(file, "utf8");
        const next = withIdentitySection(text, dup);
        if (next !== text) writeFileAtomic(file, next);
      } catch {
        // no feedback.md (removed by hand): the gradebook still has the flag
      }
    }
    for (const line of identity.summary) log(`identity: ${line}`);
    const classOutputs = await writeClassOutputs({
      outDir: o.outDir, repoRoot: o.repoRoot, regradeFrom: o.regradeFrom,
      runs: runs.map((r) => ({ ...r, zipSha256: r.results.extra_data.zip_sha256, assignment: r.results.extra_data.assignment })),
      manifest: async (id) => (await context(id)).source.manifest,
    }).catch((e: unknown) => {
      // The grades are written; a failing report must not fail the batch.
      warn(`[grade] the class report could not be written: ${(e as Error).message}`);
      return null;
    });
    return {
      runs, graded: runs.filter((r) => !r.skipped).length, skipped: runs.filter((r) => r.skipped).length,
      durationMs: performance.now() - t0, gradebook, sandbox, rows: rows.length, identitySummary: identity.summary, classOutputs,
    };
  } finally {
    fs.rmSync(workRoot, { recursive: true, force: true });
  }
}
