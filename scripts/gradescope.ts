/**
 * Builds the Gradescope autograder zip: npm run gradescope -- A3 [--out out/gradescope] [--seed-secret S]
 * -> out/gradescope/A3.zip with setup.sh and run_autograder at its root (see grader/report/gradescope-package.ts).
 * The course secret (--seed-secret or $GRADER_SEED_SECRET) is stored in the zip as .grader-secret.
 */
import * as path from "node:path";
import { Command } from "commander";
import { writeZip } from "../lib/course/package-zip";
import { gradescopeEntries } from "../grader/report/gradescope-package";
import { loadGrading } from "../grader/hidden/registry";
import { resolveSecret } from "../grader/seeds";

const program = new Command()
  .name("npm run gradescope --")
  .description("Build the Gradescope autograder zip for an assignment")
  .argument("<assignment>", "assignment id, e.g. A3")
  .option("--out <dir>", "output folder", path.resolve(__dirname, "..", "out", "gradescope"))
  .option("--seed-secret <secret>", "course secret for the hidden inputs (or $GRADER_SEED_SECRET)")
  .action(async (id: string, o: { out: string; seedSecret?: string }) => {
    try {
      const repoRoot = path.resolve(__dirname, "..");
      const grading = await loadGrading(id);
      if (grading.tests.length === 0) throw new Error(`assignment ${id} has no hidden tests yet`);
      const secret = resolveSecret(o.seedSecret, (l) => console.error(l));
      const entries = gradescopeEntries(repoRoot, id, secret);
      const file = path.join(path.resolve(o.out), `${id}.zip`);
      const buf = await writeZip(file, entries);
      console.log(`wrote ${file} (${entries.length} files, ${(buf.length / 1024).toFixed(0)} KiB): upload it as the autograder of ${id} on Gradescope`);
    } catch (e) {
      console.error(`gradescope: ${(e as Error).message}`);
      process.exitCode = 2;
    }
  });
program.parseAsync(process.argv);
