/**
 * The auto-grader's command line.
 *
 *   npm run grade -- <zip | folder of zips | submission folder>... --out <dir> [--jobs N] [--seed-secret S] [--force]
 *   npm run grade -- --bench 100 --jobs 2          throughput on N solution-based A3 submissions
 *   npm run grade -- <zips>... --out <dir> --queue redis://host:port   graded by npm run grade:worker processes
 *   npm run grade -- <inputs> --out <dir> --regrade   grade everything again, list what changed in regrade.csv
 *
 * Per submission: <out>/<zip name>/results.json (Gradescope format) and feedback.md; then, over the whole out
 * folder, <out>/gradebook.csv, gradebook-canvas.csv and report.html.
 * Exit code 0 once the batch ran (broken submissions get a failing row); 2 when the grader cannot run at all
 * (bad arguments, no working sandbox).
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createHash } from "node:crypto";
import { Command } from "commander";
import { gradeBatch } from "../grader/batch";
import { benchA3 } from "../grader/samples/bench";
import { writeJsonAtomic } from "../grader/report/fs-atomic";
import { queueGrading } from "../grader/queue/coordinator";
import { displayUrl } from "../grader/queue/protocol";
import { readOutFolder } from "../grader/report/out-folder";

interface Options {
  out?: string;
  jobs: string;
  seedSecret?: string;
  force?: boolean;
  assignment?: string;
  studentId?: string;
  metadata?: string;
  resultsJson?: string;
  timeScale?: string;
  bench?: string;
  progress?: string;
  queue?: string;
  regrade?: boolean;
}

const program = new Command()
  .name("npm run grade --")
  .description("Grade submission zips in the sandbox: results.json + feedback.md per student, gradebook.csv")
  .argument("[inputs...]", "submission zips, folders of zips, or submission folders")
  .option("--out <dir>", "output folder")
  .option("--jobs <n>", "submissions graded in parallel", String(os.availableParallelism?.() ?? os.cpus().length))
  .option("--seed-secret <secret>", "course secret the hidden inputs are seeded with (or $GRADER_SEED_SECRET)")
  .option("--force", "grade again even when the zip and the grading setup are unchanged")
  .option("--regrade", "grade everything again (after the hidden tests or the config changed) and write regrade.csv: old -> new score per student, tests changed")
  .option("--assignment <id>", "grade everything as this assignment (default: from each submission)")
  .option("--student-id <id>", "seed the inputs with this student id (single submission)")
  .option("--metadata <file>", "Gradescope submission_metadata.json: the student id comes from it")
  .option("--results-json <file>", "also write the (single) submission's results.json here (Gradescope)")
  .option("--time-scale <x>", "multiply every test's time budget (slow machine: > 1)")
  .option("--bench <n>", "benchmark: grade N solution-based A3 submissions and report submissions/minute")
  .option("--progress <mode>", "progress display: auto, tty, lines, silent", "auto")
  .option("--queue <url>", "grade on workers taking jobs from this Redis (redis://host:port; see grader/queue/README.md)")
  .showHelpAfterError();

/** Submission time from Gradescope's metadata (created_at), for the late policy. */
function timeFromMetadata(file: string): string | undefined {
  const meta = JSON.parse(fs.readFileSync(file, "utf8")) as { created_at?: unknown };
  return typeof meta.created_at === "string" ? meta.created_at : undefined;
}

/** Student id from Gradescope's metadata: the first submitter's sid, else a hash of their email or id. */
function idFromMetadata(file: string): string | undefined {
  const meta = JSON.parse(fs.readFileSync(file, "utf8")) as { users?: { sid?: unknown; email?: unknown; id?: unknown }[] };
  const u = meta.users?.[0];
  if (!u) return undefined;
  if (typeof u.sid === "string" && /^[A-Za-z0-9]{1,32}$/.test(u.sid)) return u.sid;
  const basis = typeof u.email === "string" ? u.email : u.id !== undefined ? String(u.id) : "";
  return basis ? `gs${createHash("sha256").update(basis).digest("hex").slice(0, 16)}` : undefined;
}

async function main(inputs: string[], o: Options): Promise<number> {
  process.env.TENSOR_QUIET ??= "1";
  const repoRoot = path.resolve(__dirname, "..");
  const jobs = Number(o.jobs);
  if (!Number.isInteger(jobs) || jobs < 1) throw new Error(`--jobs must be a positive integer, got ${o.jobs}`);
  if (o.bench !== undefined) {
    const n = Number(o.bench);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--bench needs a positive count, got ${o.bench}`);
    const r = await benchA3({ repoRoot, count: n, jobs, secret: o.seedSecret });
    console.log(`bench: ${r.submissions} submissions, --jobs ${r.jobs}, ${r.seconds.toFixed(1)} s: ${r.perMinute.toFixed(1)} submissions/minute ` +
      `(${r.fullMarks}/${r.submissions} full marks; sandbox ${r.summary.sandbox.level}; ${os.cpus().length} CPUs)`);
    return r.fullMarks === r.submissions ? 0 : 1;
  }
  if (inputs.length === 0) throw new Error("no submissions given: npm run grade -- <zip | folder> --out <dir>");
  if (!o.out) throw new Error("--out <dir> is required");
  for (const i of inputs) if (!fs.existsSync(i)) throw new Error(`${i} does not exist`);
  const timeScale = o.timeScale === undefined ? undefined : Number(o.timeScale);
  if (timeScale !== undefined && !(timeScale > 0)) throw new Error(`--time-scale must be a positive number, got ${o.timeScale}`);
  const studentId = o.studentId ?? (o.metadata && fs.existsSync(o.metadata) ? idFromMetadata(o.metadata) : undefined);
  const submittedAt = o.metadata && fs.existsSync(o.metadata) ? timeFromMetadata(o.metadata) : undefined;
  const outDir = path.resolve(o.out);
  const summary = await gradeBatch({
    inputs, outDir, jobs, secret: o.seedSecret, force: o.force || o.regrade, assignment: o.assignment, studentId, repoRoot, submittedAt,
    policy: timeScale === undefined ? undefined : { timeScale }, progressMode: (o.progress ?? "auto") as "auto",
    remote: o.queue ? queueGrading({ url: o.queue, force: o.force || o.regrade }) : undefined,
    regradeFrom: o.regrade ? readOutFolder(outDir) : undefined,
  });
  const secs = summary.durationMs / 1000;
  const where = o.queue ? `queue ${displayUrl(o.queue)}` : `sandbox ${summary.sandbox.level}`;
  console.log(`graded ${summary.graded}, skipped ${summary.skipped} unchanged, in ${secs.toFixed(1)} s (${where}); gradebook: ${summary.gradebook}`);
  const c = summary.classOutputs;
  const pairs = c ? Object.values(c.similarity).reduce((a, s) => a + s.pairsAboveThreshold, 0) : 0;
  if (c) console.log(`report: ${c.report} (${pairs} similar pair${pairs === 1 ? "" : "s"}); Canvas: ${c.canvas}`);
  if (c?.regrade) console.log(`regrade: ${c.regrade.changed.length} of ${c.regrade.compared} submissions changed: ${path.join(outDir, "regrade.csv")}`);
  if (o.resultsJson && summary.runs.length === 0) {
    writeJsonAtomic(path.resolve(o.resultsJson), {
      score: 0, output: "No submission found: upload the zip written by `npm run submit` (or the files in it).", output_format: "md", visibility: "visible", tests: [],
    });
  } else if (o.resultsJson) {
    if (summary.runs.length !== 1) throw new Error(`--results-json needs exactly one submission, got ${summary.runs.length}`);
    writeJsonAtomic(path.resolve(o.resultsJson), summary.runs[0].results);
  }
  return 0;
}

program.action(async (inputs: string[], opts: Options) => {
  try {
    process.exitCode = await main(inputs, opts);
  } catch (e) {
    console.error(`grade: ${(e as Error).message}`);
    process.exitCode = 2;
  }
});
program.parseAsync(process.argv);
