/**
 * Packs your submission after checking it: npm run submit -- --name "Your Name" --id 20231234 --option 1
 *
 * Writes {name}-{id}-A{n}-O{option}.zip into the project folder with your student modules, your executed
 * notebooks, the saved models and submission.json (sorted paths with sha256). Refuses, saying what to fix, when
 * something is missing or changed where it must not be. Missing --name/--id/--option are asked for on a terminal.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { pickManifest } from "./check";
import { formatIssue, counts } from "../lib/course/report";
import { resolveStudentInfo, StudentInfoError } from "../lib/course/student-info";
import { packSubmission, validateSubmission } from "../lib/course/submission";

interface Options {
  name?: string;
  id?: string;
  option?: string;
  assignment?: string;
  out?: string;
  root: string;
}

const program = new Command()
  .name("npm run submit --")
  .description("Check and pack your submission zip")
  .option("--name <name>", 'your name as on the class roster, e.g. "Jane Doe"')
  .option("--id <id>", "your student id")
  .option("--option <1|2>", "1 = you completed it yourself; 2 = you could not finish and explain your understanding in comments")
  .option("--assignment <id>", "assignment, e.g. A3 (default: the only one in release/)")
  .option("--out <dir>", "where to write the zip (default: the project folder)")
  .option("--root <dir>", "project folder", path.resolve(__dirname, ".."))
  .showHelpAfterError();

/**
 * The time recorded in submission.json (the grader's late policy uses it when the LMS gives none). Fixed by
 * $DLVR_SUBMITTED_AT (an ISO time) so that the same inputs can give the same zip bytes.
 */
function submissionTime(): string {
  const fixed = process.env.DLVR_SUBMITTED_AT;
  if (fixed !== undefined) {
    const t = new Date(fixed).getTime();
    if (!Number.isFinite(t)) throw new Error(`DLVR_SUBMITTED_AT="${fixed}" is not a valid time (use ISO 8601, e.g. 2026-03-14T23:59:00Z)`);
    return new Date(t).toISOString();
  }
  return new Date().toISOString();
}

export async function submitMain(opts: Options): Promise<number> {
  const root = path.resolve(opts.root);
  const { manifest, manifestText } = pickManifest(root, opts.assignment);
  const student = await resolveStudentInfo({ name: opts.name, id: opts.id, option: opts.option });
  console.log(`submit ${manifest.assignment} (${manifest.title}) for ${student.name} (${student.id}), option ${student.option}`);
  const { issues } = validateSubmission(root, manifest, { option: student.option });
  for (const i of issues) console.log(`  ${formatIssue(i)}`);
  const { errors, warnings } = counts(issues);
  if (errors) {
    console.log(`submission refused: ${errors} problem${errors === 1 ? "" : "s"} marked FAIL above (${warnings} warnings). Fix them and run npm run submit again.`);
    return 1;
  }
  const pkg = await packSubmission(root, manifest, manifestText, student, { submittedAt: submissionTime() });
  const outDir = path.resolve(opts.out ?? root);
  const file = path.join(outDir, pkg.fileName);
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(file, pkg.zip);
  for (const f of pkg.files) console.log(`  packed  ${f.path} (${f.bytes} bytes, sha256 ${f.sha256.slice(0, 12)})`);
  console.log(`wrote ${path.relative(process.cwd(), file) || file} (${(pkg.zip.length / 1024).toFixed(0)} KiB, ${pkg.files.length} files + submission.json; ${warnings} warnings). Upload this file.`);
  return 0;
}

if (require.main === module) {
  program.action(async (opts: Options) => {
    try {
      process.exitCode = await submitMain(opts);
    } catch (err) {
      console.error(err instanceof StudentInfoError ? `submit: ${err.message}` : `submit: ${(err as Error).message}`);
      process.exitCode = 2;
    }
  });
  program.parseAsync();
}
