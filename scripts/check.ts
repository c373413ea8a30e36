/**
 * Checks your work without submitting: npm run check [-- --option 1|2] [--no-tests]
 * Runs every check submit runs (frozen code, notebook cells, imports, saved files, blocks) plus the public tests,
 * prints one line per item and a pass/fail table; writes nothing.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { listManifests, manifestPath, readManifest, type ReleaseManifest } from "../lib/course/manifest";
import { runPublicTests } from "../lib/course/public-tests";
import { counts, formatIssue } from "../lib/course/report";
import { validateOption } from "../lib/course/student-info";
import { validateSubmission } from "../lib/course/submission";

/** The manifest of `assignment`, or of the only assignment under release/. */
export function pickManifest(root: string, assignment?: string): { manifest: ReleaseManifest; manifestText: string } {
  const known = listManifests(root);
  const id = assignment ?? (known.length === 1 ? known[0] : undefined);
  if (!id) {
    throw new Error(known.length
      ? `several assignments here (${known.join(", ")}): pass --assignment ${known[known.length - 1]}`
      : `no release manifest in ${path.join(root, "release")}: run this inside the unzipped assignment folder`);
  }
  const file = manifestPath(root, id);
  if (!fs.existsSync(file)) throw new Error(`no release manifest for ${id} (${path.relative(root, file)}); known: ${known.join(", ") || "none"}`);
  return { manifest: readManifest(file), manifestText: fs.readFileSync(file, "utf8") };
}

interface Options {
  option?: string;
  assignment?: string;
  tests: boolean;
  root: string;
}

export function checkMain(opts: Options): number {
  const root = path.resolve(opts.root);
  const { manifest } = pickManifest(root, opts.assignment);
  const option = opts.option ? validateOption(opts.option) : undefined;
  console.log(`check ${manifest.assignment} (${manifest.title})${option ? `, option ${option}` : ""}`);
  const { issues } = validateSubmission(root, manifest, { option });
  for (const i of issues) console.log(`  ${formatIssue(i)}`);
  const { errors, warnings } = counts(issues);
  let testSummary = "public tests not run";
  let testFailures = 0;
  if (opts.tests) {
    const run = runPublicTests(root, manifest.publicTests);
    console.log(`public tests (${run.seconds.toFixed(1)} s):`);
    if (run.error) {
      console.log(`  FAIL  ${run.error}`);
      testFailures = 1;
      testSummary = "public tests did not run";
    } else {
      for (const r of run.rows) {
        const tag = r.status === "passed" ? "PASS" : r.status === "failed" ? "FAIL" : "skip";
        console.log(`  ${tag}  ${r.file} > ${r.name}${r.status === "failed" && r.message ? `: ${r.message}` : ""}`);
      }
      testFailures = run.rows.filter((r) => r.status === "failed").length;
      testSummary = `public tests ${run.rows.filter((r) => r.status === "passed").length}/${run.rows.length} passed`;
    }
  }
  const verdict = errors ? "submit would be refused: fix the FAIL lines" : testFailures ? "submit would be accepted, but public tests fail" : "ready to submit";
  console.log(`summary: ${errors} errors, ${warnings} warnings; ${testSummary}; ${verdict}`);
  return errors || testFailures ? 1 : 0;
}

if (require.main === module) {
  new Command()
    .name("npm run check --")
    .description("Run the submission checks and the public tests; writes nothing")
    .option("--option <1|2>", "check as if submitting with this option (1 refuses unfinished blocks)")
    .option("--assignment <id>", "assignment, e.g. A3 (default: the only one in release/)")
    .option("--no-tests", "skip the public tests")
    .option("--root <dir>", "project folder", path.resolve(__dirname, ".."))
    .showHelpAfterError()
    .action((opts: Options) => {
      try {
        process.exitCode = checkMain(opts);
      } catch (err) {
        console.error(`check: ${(err as Error).message}`);
        process.exitCode = 2;
      }
    })
    .parse();
}
