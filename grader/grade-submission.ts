/**
 * Grades one submission zip end to end and never throws for a bad submission:
 * extract (capped) -> who and which assignment -> integrity checks against the release manifest -> graded
 * modules (frozen code restored) and static checks -> bundle (blocks that do not compile set aside) -> probes in
 * the sandbox on per-student seeded inputs -> values compared in this (trusted) process with the solutions'
 * values on the same inputs -> points per test, block penalties, deductions.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import type { AssignmentContext, GraderEnv } from "./assignment-context";
import { checkIntegrity, type IntegrityReport } from "./integrity/integrity";
import { reconstructModule } from "./integrity/reconstruct";
import type { BlockResult, GradeReport, SubmissionStatus, TestResult } from "./report/report-types";
import { buildJob, type DisabledBlock, type StagedModule } from "./run/runner-build";
import { runTests, type TestOutcome } from "./run/run-tests";
import { gradeTest, noteDependencies, round2, scoreBlocks } from "./score/score";
import { graderSeed, testSeed } from "./seeds";
import { staticChecks, type StaticFinding } from "./integrity/static-checks";
import { identifyStudent, locateProjectRoot, type StudentIdentity } from "./intake/submission-files";
import { extractSubmission, SubmissionZipError } from "./intake/unzip";
import { lateInfo, parseTime, submittedAtFromProject } from "./score/late-policy";

export interface GradeOptions {
  /** Output key (folder name) of this submission. */
  key: string;
  /** Display name of the zip (default its base name). */
  zipName?: string;
  /** Grade as this assignment (default: from submission.json or the zip's name). */
  assignment?: string;
  /** Student id to use for seeds (default: from submission.json or the zip's name). */
  studentId?: string;
  /** Submission time from the LMS (e.g. Gradescope's created_at), for the late policy; beats submission.json's. */
  submittedAt?: string;
  /** Assignment contexts, loaded once per batch. */
  context: (id: string) => Promise<AssignmentContext>;
}

export async function sha256File(file: string): Promise<string> {
  const h = createHash("sha256");
  await new Promise<void>((resolve, reject) => {
    fs.createReadStream(file).on("data", (c) => h.update(c)).on("end", resolve).on("error", reject);
  });
  return h.digest("hex");
}

export const EMPTY_INTEGRITY = { checked: false, findings: [], deductions: [], warnings: [] };

export async function gradeSubmission(env: GraderEnv, zipPath: string, o: GradeOptions): Promise<GradeReport> {
  const zipName = o.zipName ?? path.basename(zipPath);
  const timings: Record<string, number> = {};
  let mark = performance.now();
  const lap = (stage: string) => {
    const now = performance.now();
    timings[stage] = (timings[stage] ?? 0) + (now - mark);
    mark = now;
  };
  const lmsTime = parseTime(o.submittedAt);
  let submitted: GradeReport["submitted"] = lmsTime ? { at: lmsTime, source: "lms" } : null;
  let zipSha256 = "";
  try {
    zipSha256 = await sha256File(zipPath);
  } catch {
    // unreadable: extraction reports it
  }
  const base = (student: StudentIdentity, assignment: string): GradeReport => ({
    assignment, key: o.key, zipName, zipSha256, student, status: "graded", statusReason: null, score: 0, maxScore: 0, tests: [], blocks: [],
    integrity: EMPTY_INTEGRITY, notes: [], compileError: null, fingerprint: "", timings, submitted, late: null, testStats: {},
  });
  const work = fs.mkdtempSync(path.join(env.workRoot, "sub-"));
  fs.chmodSync(work, 0o755);
  let student = identifyStudent(null, zipName, zipSha256 || "0".repeat(64), o.studentId);
  try {
    const extractDir = path.join(work, "extract");
    try {
      await extractSubmission(zipPath, extractDir);
      lap("extract");
    } catch (e) {
      if (!(e instanceof SubmissionZipError)) throw e;
      const ctx = await o.context(o.assignment ?? student.assignment ?? "").catch(() => null);
      return withAllTestsFailed(ctx, { ...base(student, ctx?.id ?? o.assignment ?? student.assignment ?? "?"), status: "rejected", statusReason: `the submission was rejected (${e.reason}): ${e.message}` });
    }
    const root = locateProjectRoot(extractDir, ["submission.json", "student_src"]);
    student = identifyStudent(root, zipName, zipSha256, o.studentId);
    const ownTime = submittedAtFromProject(root);
    if (!submitted && ownTime) submitted = { at: ownTime, source: "submission.json" };
    const assignment = o.assignment ?? student.assignment;
    if (!assignment) {
      return { ...base(student, "?"), status: "rejected", statusReason: "cannot tell which assignment this is: no submission.json and the zip's name does not end in -A<n>-O<option>.zip" };
    }
    let ctx: AssignmentContext;
    try {
      ctx = await o.context(assignment);
    } catch (e) {
      return { ...base(student, assignment), status: "rejected", statusReason: `cannot grade assignment ${assignment}: ${(e as Error).message.split("\n")[0]}` };
    }
    return await gradeProject(env, ctx, root ?? extractDir, work, student, { ...base(student, ctx.id), fingerprint: ctx.fingerprint }, root === null, lap);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const id = o.assignment ?? student.assignment ?? "?";
    const ctx = await o.context(id).catch(() => null);
    const r: GradeReport = { ...base(student, id), status: "grader-error", statusReason: `internal grader error (the instructor will look at it): ${msg.split("\n")[0]}` };
    return { ...withAllTestsFailed(ctx, r), fingerprint: "" };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** A report whose every test failed for one reason (rejected zip, missing files, compile error). */
export function withAllTestsFailed(ctx: AssignmentContext | null, r: GradeReport, integrity?: IntegrityReport, keep?: TestResult[]): GradeReport {
  if (!ctx) return r;
  const reason = r.statusReason ?? r.status;
  const tests = ctx.grading.tests.map((t): TestResult =>
    keep?.find((k) => k.name === t.name) ?? { name: t.name, title: t.title, block: t.block, points: t.points, score: 0, passed: false, lines: [`not run: ${reason}`], diagnoses: [] },
  );
  const blocks = scoreBlocks(ctx.source.manifest, tests, [], integrity?.blocks ?? [], [], ctx.policy);
  const integ = integrity ? { checked: true, findings: integrity.findings, deductions: integrity.deductions, warnings: integrity.warnings } : r.integrity;
  return finish({ ...r, fingerprint: ctx.fingerprint, tests, blocks, integrity: integ }, ctx);
}

function finish(r: GradeReport, ctx: AssignmentContext): GradeReport {
  const maxScore = Object.values(ctx.source.manifest.blocks).reduce((a, b) => a + b.points, 0);
  const blocksScore = r.blocks.reduce((a, b) => a + b.score, 0);
  const deductions = r.integrity.deductions.reduce((a, d) => a + d.points, 0);
  const score = round2(Math.max(0, blocksScore - deductions));
  const policy = ctx.source.config.late;
  const late = policy && r.submitted ? lateInfo(policy, r.submitted.at, r.submitted.source, maxScore, score) : null;
  const notes = policy && !r.submitted ? [...r.notes, "no submission time is known (no LMS time, none in submission.json): the late policy was not applied"] : r.notes;
  return { ...r, notes, late, maxScore: round2(maxScore), score: round2(score - (late?.points ?? 0)) };
}

async function gradeProject(
  env: GraderEnv, ctx: AssignmentContext, root: string, work: string, student: StudentIdentity, r: GradeReport, noProject: boolean,
  lap: (stage: string) => void,
): Promise<GradeReport> {
  const { manifest } = ctx.source;
  const notes: string[] = [];
  if (student.assignment && student.assignment !== ctx.id) notes.push(`submission.json says this is ${student.assignment}; it was graded as ${ctx.id}`);
  if (student.idSource === "zip hash") notes.push("no student id found (no submission.json, zip not named {name}-{id}-A<n>-O<option>.zip): inputs were seeded from the zip's hash");
  const integrity = checkIntegrity(root, manifest, ctx.policy);
  lap("checks");
  if (noProject) {
    return withAllTestsFailed(ctx, { ...r, notes, status: "missing-files", statusReason: `no ${manifest.modules.map((m) => m.path).join(", ")} in the zip (zip the project with npm run submit)` }, integrity);
  }

  // Graded modules: frozen code restored, static checks on the blocks.
  const staged: StagedModule[] = [];
  const findings: StaticFinding[] = [];
  const missing: string[] = [];
  for (const mod of manifest.modules) {
    const file = path.join(root, mod.path);
    if (!fs.existsSync(file)) {
      missing.push(mod.path);
      continue;
    }
    const g = reconstructModule(fs.readFileSync(file, "utf8"), mod);
    if (!g.restored) notes.push(`${mod.path}: ${g.reason}`);
    else if (integrity.findings.some((f) => f.category === "frozen-code" && f.item.startsWith(`${mod.path}:`))) {
      notes.push(`${mod.path}: your changes outside the designated blocks were not used; the released code was graded with your blocks`);
    }
    staged.push({ path: mod.path, text: g.text });
    findings.push(...staticChecks(g.text, mod.path, g.blockLines, manifest.blocks));
  }
  const fileTests = ctx.grading.tests.filter((t) => t.kind === "file");
  const tctx = (name: string) => ({ seed: testSeed(env.secret, student.id, name), graderSeed: graderSeed(env.secret, `${ctx.id}:holdout`), submissionDir: root });
  const keepFileTests = () => fileTests.map((t) => gradeTest(t, undefined, tctx(t.name), ""));
  if (missing.length) {
    const rr = { ...r, notes, status: "missing-files" as SubmissionStatus, statusReason: `missing from the submission: ${missing.join(", ")}` };
    return withAllTestsFailed(ctx, rr, integrity, keepFileTests());
  }

  lap("static");
  const build = await buildJob({ repoRoot: env.repoRoot, workDir: path.join(work, "build"), modules: staged, grading: ctx.grading });
  lap("compile");
  if (!build.ok) {
    const rr = { ...r, notes, status: "compile-error" as SubmissionStatus, statusReason: "the code does not compile, so no test could run", compileError: build.error };
    return withAllTestsFailed(ctx, rr, integrity, keepFileTests());
  }

  const probeTests = ctx.grading.tests.filter((t) => t.kind === "probe");
  const planned = probeTests.map((t) => ({ name: t.name, seed: testSeed(env.secret, student.id, t.name), budgetMs: t.kind === "probe" ? t.budgetMs : 0 }));
  const { outcomes, log } = await runTests(
    {
      jobDir: build.jobDir, assignment: ctx.id, randomSeed: testSeed(env.secret, student.id, "math-random"), sandbox: env.sandbox,
      timeScale: ctx.policy.timeScale, runCapMs: ctx.policy.runCapMs, memoryBytes: ctx.policy.memoryBytes,
    },
    planned,
  );
  lap("run");
  if (log.runs.length > 1) notes.push(`the test process was stopped (${log.runs[0].fault ?? log.runs[0].status}); the tests that had not run yet were run again one by one`);
  const results = ctx.grading.tests.map((t) => gradeTest(t, outcomes.get(t.name) as TestOutcome | undefined, tctx(t.name), "not run (no result from the test process)"));
  noteDependencies(ctx.grading.tests, results, outcomes);
  lap("grade");
  const blocks: BlockResult[] = scoreBlocks(manifest, results, findings, integrity.blocks, build.disabled as DisabledBlock[], ctx.policy);
  const disabledNote = build.disabled.length
    ? [`block${build.disabled.length > 1 ? "s" : ""} ${build.disabled.map((d) => `"${d.blockId}"`).join(", ")} did not compile and ${build.disabled.length > 1 ? "were" : "was"} set aside; the other blocks were graded`]
    : [];
  return finish({
    ...r, notes: [...notes, ...disabledNote], tests: results, blocks, testStats: log.stats,
    integrity: { checked: true, findings: integrity.findings, deductions: integrity.deductions, warnings: integrity.warnings },
  }, ctx);
}
