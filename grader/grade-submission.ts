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
import { checkIntegrity, deductionsFor, type IntegrityReport } from "./integrity/integrity";
import { reconstructModule, sameBody, solutionBodies, withReferenceBodies } from "./integrity/reconstruct";
import { blockBody, parseBlocks } from "../lib/course/blocks";
import { TEST_STATUS_TEXT, type BlockResult, type GradeReport, type SubmissionStatus, type TestResult } from "./report/report-types";
import { buildJob, type DisabledBlock, type ModuleVariant, type StagedModule } from "./run/runner-build";
import { runTests, type PlannedTest, type RunLog, type TestOutcome } from "./run/run-tests";
import { STAND_IN_MARK } from "./run/runner/protocol";
import { gradeTest, noteDependencies, round2, scoreBlocks } from "./score/score";
import { graderSeed, testSeed } from "./seeds";
import { staticChecks, type StaticFinding } from "./integrity/static-checks";
import { identifyStudent, locateProjectRoot, type StudentIdentity } from "./intake/submission-files";
import { extractSubmission, SubmissionZipError } from "./intake/unzip";
import { lateInfo, parseTime, submittedAtFromProject } from "./score/late-policy";
import { MAX_NESTING, maxNesting } from "./integrity/nesting";
import { disableBlock } from "./integrity/reconstruct";
import { COMPILE_ERROR_PREFIX } from "./run/runner-build";
import { passThroughMode } from "./work-root";
import { manifestForSubmission } from "./integrity/manifest-source";
import { inlineAnswers, parseNotebook, type InlineAnswer } from "../lib/course/notebook-integrity";
import type { ReleaseManifest } from "../lib/course/manifest";

/** The inline answers of every notebook the release has (a missing or broken notebook has none: integrity says why). */
function answersIn(root: string, manifest: ReleaseManifest): InlineAnswer[] {
  return manifest.notebooks.flatMap((entry) => {
    try {
      const file = path.join(root, entry.path);
      if (fs.statSync(file).size > 64 * 1024 * 1024) return [];
      return inlineAnswers(entry, parseNotebook(fs.readFileSync(file, "utf8"), entry.path))
        .map((a) => ({ ...a, question: a.question.slice(0, 2000), answer: a.answer.slice(0, 20_000) }));
    } catch {
      return [];
    }
  });
}

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
  /** Which id counts when the zip's name and submission.json disagree (report/identity.ts). */
  idFrom?: "submission.json" | "zip name";
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
  fs.chmodSync(work, passThroughMode());
  let student = identifyStudent(null, zipName, zipSha256 || "0".repeat(64), o.studentId, o.idFrom);
  try {
    const extractDir = path.join(work, "extract");
    fs.mkdirSync(extractDir, { mode: 0o700 }); // the submission's files: the grader's eyes only
    try {
      await extractSubmission(zipPath, extractDir);
      lap("extract");
    } catch (e) {
      if (!(e instanceof SubmissionZipError)) throw e;
      const ctx = await o.context(o.assignment ?? student.assignment ?? "").catch(() => null);
      return withAllTestsFailed(ctx, { ...base(student, ctx?.id ?? o.assignment ?? student.assignment ?? "?"), status: "rejected", statusReason: `the submission was rejected (${e.reason}): ${e.message}` });
    }
    const root = locateProjectRoot(extractDir, ["submission.json", "student_src"]);
    student = identifyStudent(root, zipName, zipSha256, o.studentId, o.idFrom);
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
  // The full reason is said once (statusReason, at the top of the feedback); each test only says which.
  const short: Record<SubmissionStatus, string> = {
    graded: "not run", rejected: "not run: the zip was rejected (the reason is at the top)", "missing-files": "not run: files are missing (see the top)",
    "compile-error": "not run: the code does not compile", "grader-error": "not run: internal grader error (the instructor will look at it)",
  };
  const status: TestResult["status"] = r.status === "compile-error" ? "did-not-compile" : "not-run";
  const tests = ctx.grading.tests.map((t): TestResult =>
    keep?.find((k) => k.name === t.name) ?? {
      name: t.name, title: t.title, block: t.block, points: t.points, score: 0, passed: false, lines: [short[r.status]], diagnoses: [], status, standIns: [],
    },
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
  const notes: string[] = [...student.flags];
  if (student.assignment && student.assignment !== ctx.id) notes.push(`submission.json says this is ${student.assignment}; it was graded as ${ctx.id}`);
  if (student.datasets.length) {
    notes.push(`the notebooks ran on ${student.datasets.join(", ")} (submission.json); hidden tests and saved models are graded on the course's own seeded synthetic data`);
  }
  if (student.idSource === "zip hash") notes.push("no student id found (no submission.json, zip not named {name}-{id}-A<n>-O<option>.zip): inputs were seeded from the zip's hash");
  const tooDeep = setAsideDeepBlocks(root, manifest.modules.map((m) => m.path));
  // Integrity against the release the student worked from; the graded code is rebuilt from the current one.
  const own = manifestForSubmission(env.repoRoot, ctx.source, root);
  if (own.note) notes.push(own.note);
  const integrity = checkIntegrityBounded(root, own.manifest, ctx.policy);
  r = { ...r, answers: answersIn(root, manifest) };
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
    try {
      findings.push(...staticChecks(g.text, mod.path, g.blockLines, manifest.blocks));
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      notes.push(`${mod.path}: the static checks could not parse this file (${e.message}); none were applied`);
    }
  }
  const fileTests = ctx.grading.tests.filter((t) => t.kind === "file");
  const tctx = (name: string) => ({ seed: testSeed(env.secret, student.id, name), graderSeed: graderSeed(env.secret, `${ctx.id}:holdout`), submissionDir: root });
  const keepFileTests = () => fileTests.map((t) => gradeTest(t, undefined, tctx(t.name), ""));
  if (missing.length) {
    const rr = { ...r, notes, status: "missing-files" as SubmissionStatus, statusReason: `missing from the submission: ${missing.join(", ")}` };
    return withAllTestsFailed(ctx, rr, integrity, keepFileTests());
  }

  lap("static");
  // The student's own build gets a job of its own, which holds no reference code: everything the student can
  // see or say (thrown messages, stderr, standIns) comes from there. The stand-in builds run in another job.
  const build = await buildJob({ repoRoot: env.repoRoot, workDir: path.join(work, "build"), modules: staged, grading: ctx.grading });
  lap("compile");
  if (!build.ok) {
    const rr = { ...r, notes, status: "compile-error" as SubmissionStatus, statusReason: "the code does not compile, so no test could run", compileError: build.error };
    return withAllTestsFailed(ctx, rr, integrity, keepFileTests());
  }

  const probeTests = ctx.grading.tests.filter((t) => t.kind === "probe");
  const runOptions = (jobDir: string) => ({
    jobDir, assignment: ctx.id, randomSeed: testSeed(env.secret, student.id, "math-random"), sandbox: env.sandbox,
    timeScale: ctx.policy.timeScale, runCapMs: ctx.policy.runCapMs, memoryBytes: ctx.policy.memoryBytes,
  });
  const plan = (t: (typeof probeTests)[number], name: string, variant: string): PlannedTest => ({
    name, probe: t.name, variant, seed: testSeed(env.secret, student.id, t.name), budgetMs: t.kind === "probe" ? t.budgetMs : 0,
  });
  const { outcomes, log } = await runTests(runOptions(build.jobDir), probeTests.map((t) => plan(t, t.name, "own")));
  lap("run");
  if (log.runs.length > 1) notes.push(`the test process was stopped (${log.runs[0].fault ?? log.runs[0].status}); the tests that had not run yet were run again one by one`);
  const standIn = ctx.policy.referenceStandIns ? await runStandIns(env, ctx, work, staged, probeTests.map((t) => plan(t, t.name, t.block)), runOptions) : null;
  if (standIn) {
    lap("stand-ins");
    if (standIn.note) notes.push(standIn.note);
    Object.assign(log.stats, standIn.stats);
  }
  const notRun = "not run (no result from the test process)";
  const results = ctx.grading.tests.map((t) => {
    const mine = gradeTest(t, outcomes.get(t.name) as TestOutcome | undefined, tctx(t.name), notRun);
    const refOutcome = standIn?.outcomes.get(t.name);
    if (!refOutcome) return mine;
    const ref = gradeTest(t, refOutcome.outcome, tctx(t.name), notRun, refOutcome.standIns);
    // The stand-in result is the block's own verdict; the student's full build counts only when it did better
    // (a block that shares variables with the student's other blocks under names the reference does not use).
    return mine.score > ref.score ? mine : standInResult(ref, mine);
  });
  noteDependencies(ctx.grading.tests, results, outcomes);
  lap("grade");
  const disabled = [...tooDeep, ...build.disabled.filter((d) => !tooDeep.some((t) => t.blockId === d.blockId))];
  const blocks: BlockResult[] = scoreBlocks(manifest, results, findings, integrity.blocks, disabled, ctx.policy);
  const disabledNote = build.disabled.length
    ? [`block${build.disabled.length > 1 ? "s" : ""} ${build.disabled.map((d) => `"${d.blockId}"`).join(", ")} did not compile and ${build.disabled.length > 1 ? "were" : "was"} set aside; the other blocks were graded`]
    : [];
  return finish({
    ...r, notes: [...notes, ...disabledNote], tests: results, blocks, testStats: log.stats,
    integrity: { checked: true, findings: integrity.findings, deductions: integrity.deductions, warnings: integrity.warnings },
  }, ctx);
}

/** Key of a stand-in run's per-test stats (report only), next to the own run's. */
const REF_SUFFIX = "@ref";

interface StandInOutcome {
  outcome: TestOutcome;
  /** Blocks the reference stood in for while the test ran: reported by the runner, kept only if really replaced. */
  standIns: string[];
}

/**
 * One bug costs once, in a job of its own: every variant (referenceVariants) is bundled into a second job and
 * each probe test whose block has a variant runs there. That job holds reference code, so nothing the student's
 * code says there is kept: only the outcome, which gradeTest turns into a score, a status and the grader's own
 * diagnoses; standInResult drops its lines. A stand-in build that does not compile just means no stand-ins.
 */
async function runStandIns(
  env: GraderEnv, ctx: AssignmentContext, work: string, staged: StagedModule[], planned: PlannedTest[],
  runOptions: (jobDir: string) => Parameters<typeof runTests>[0],
): Promise<{ outcomes: Map<string, StandInOutcome>; stats: RunLog["stats"]; note: string | null } | null> {
  const variants = referenceVariants(env.repoRoot, ctx, staged);
  if (variants.length === 0) return null;
  const byId = new Map(variants.map((v) => [v.id, v]));
  const tests = planned.filter((t) => byId.has(t.variant));
  if (tests.length === 0) return null;
  const [first, ...rest] = variants;
  const build = await buildJob({ repoRoot: env.repoRoot, workDir: path.join(work, "standins"), modules: first.modules, id: first.id, variants: rest, grading: ctx.grading });
  if (!build.ok) return { outcomes: new Map(), stats: {}, note: "the build with the reference blocks standing in did not compile: every test was graded on your own build only" };
  const { outcomes, log } = await runTests(runOptions(build.jobDir), tests);
  const out = new Map<string, StandInOutcome>();
  for (const t of tests) {
    const o = outcomes.get(t.name);
    if (!o) continue;
    const replaced = byId.get(t.variant)!.replaced;
    // The runner's list is student-reachable (the mark is a global): only real stand-in block ids pass.
    out.set(t.name, { outcome: o, standIns: o.kind === "fault" ? [] : o.standIns.filter((b) => replaced.includes(b)) });
  }
  const stats = Object.fromEntries(Object.entries(log.stats).map(([k, v]) => [`${k}${REF_SUFFIX}`, v]));
  return { outcomes: out, stats, note: null };
}

/**
 * A stand-in run's result as reported: its score, status and diagnoses (fixed grader texts picked by comparing
 * values), but none of its lines, which can quote what the student's code threw or printed next to reference
 * code. The lines come from the student's own build (no reference code there) or are fixed.
 */
function standInResult(ref: TestResult, own: TestResult): TestResult {
  if (ref.status === own.status && ref.score === own.score) return { ...ref, lines: own.lines };
  // Statuses whose usual line is fixed text about the block itself (score.ts outcomeProblem).
  if (ref.status === "not-implemented") return { ...ref, lines: [`not implemented yet: block "${ref.block}" still throws its TODO stub`] };
  if (ref.status === "did-not-compile") return { ...ref, lines: [`not run: block "${ref.block}" does not compile (see the compile error)`] };
  const verdict = `${TEST_STATUS_TEXT[ref.status]} with the reference code in the other blocks: ${ref.score}/${ref.points} points`;
  const ownLines = own.passed ? [] : own.lines.map((l) => `your own build of all blocks: ${l}`);
  return { ...ref, lines: [verdict, ...ownLines] };
}

const solutionCache = new Map<string, Map<string, string[]>>();
function referenceBodiesOf(repoRoot: string, solutionPath: string): Map<string, string[]> {
  const file = path.join(repoRoot, solutionPath);
  let bodies = solutionCache.get(file);
  if (!bodies) {
    bodies = solutionBodies(fs.readFileSync(file, "utf8"));
    solutionCache.set(file, bodies);
  }
  return bodies;
}

/**
 * One bug costs once: for every block with probe tests, a build where each *other* block whose body differs
 * from the reference gets the reference body (marked, so the runner reports which ones ran). No variant when
 * nothing would change (every other block already is the reference, e.g. a fully correct copy of it).
 */
function referenceVariants(repoRoot: string, ctx: AssignmentContext, staged: StagedModule[]): (ModuleVariant & { replaced: string[] })[] {
  const refs = new Map<string, Map<string, string[]>>();
  const differs = new Map<string, Set<string>>();
  for (const m of staged) {
    const cfg = ctx.source.config.modules.find((c) => c.student === m.path);
    if (!cfg) continue;
    const all = referenceBodiesOf(repoRoot, cfg.solution);
    const parsed = parseBlocks(m.text);
    const mine = new Set(parsed.blocks.filter((b) => all.has(b.id) && !sameBody(blockBody(parsed, b), all.get(b.id)!)).map((b) => b.id));
    refs.set(m.path, new Map([...all].filter(([id]) => mine.has(id))));
    differs.set(m.path, mine);
  }
  const tested = [...new Set(ctx.grading.tests.filter((t) => t.kind === "probe").map((t) => t.block))];
  const mark = (id: string) => `${STAND_IN_MARK}(${JSON.stringify(id)});`;
  const out: (ModuleVariant & { replaced: string[] })[] = [];
  for (const block of tested) {
    const replaced = [...differs.values()].flatMap((set) => [...set].filter((id) => id !== block)).sort();
    if (replaced.length === 0) continue;
    out.push({ id: block, replaced, modules: staged.map((m) => (refs.has(m.path) ? { path: m.path, text: withReferenceBodies(m.text, refs.get(m.path)!, block, mark) } : m)) });
  }
  return out;
}

/**
 * Blocks nested deeper than MAX_NESTING are set aside in the extracted copy before any recursive parser reads
 * the file (a stack overflow in the grader must not decide a grade): their body becomes a line that throws,
 * like a block that does not compile, and the result says why. Final: grading it again gives the same.
 */
function setAsideDeepBlocks(root: string, modules: string[]): DisabledBlock[] {
  const out: DisabledBlock[] = [];
  for (const rel of modules) {
    const file = path.join(root, rel);
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch {
      continue;
    }
    const parsed = parseBlocks(text);
    let changed = text;
    for (const b of parsed.blocks) {
      const depth = maxNesting(blockBody(parsed, b).join("\n"));
      if (depth <= MAX_NESTING) continue;
      changed = disableBlock(changed, b.id, `${COMPILE_ERROR_PREFIX}${b.id}`);
      out.push({ module: rel, blockId: b.id, error: `block "${b.id}" nests brackets ${depth} levels deep; the grader reads at most ${MAX_NESTING} levels, so the block was set aside` });
    }
    if (changed !== text) fs.writeFileSync(file, changed);
  }
  return out;
}

/** The integrity checks, with a file too deeply nested to parse (outside the blocks) as a finding, not a crash. */
function checkIntegrityBounded(root: string, manifest: AssignmentContext["source"]["manifest"], policy: AssignmentContext["policy"]): IntegrityReport {
  try {
    return checkIntegrity(root, manifest, policy);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    // Only frozen code is left to be that deep (blocks were set aside above): charged as a frozen-code change.
    const findings = [{ category: "frozen-code" as const, item: "student module", message: `code outside the designated blocks was changed: it is nested too deeply to be read (${e.message})` }];
    return { findings, deductions: deductionsFor(findings, policy), warnings: [], blocks: [] };
  }
}
