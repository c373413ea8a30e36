// Shared by the notebook suites: hand in what a real kernel run left in a project copy (npm run submit, the real
// CLI) and grade it with the real grader next to a sample-built submission of the same student (same module and
// models; the builder's notebook stand-in instead of the kernel's). A kernel's run must grade like the sample.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { gradeBatch } from "../grader/batch";
import { loadManifestSource } from "../grader/integrity/manifest-source";
import type { GradescopeResults } from "../grader/report/gradescope-results";
import { probeSandbox } from "../grader/run/sandbox";
import { buildSubmissionZip } from "../grader/samples/submission-builder";
import { ROOT } from "./notebook-helpers";

export interface GradedPair {
  run: GradescopeResults;
  sample: GradescopeResults;
  /** What `npm run submit` printed. */
  submitOutput: string;
}

/** One line per hidden test: what must not depend on the kernel. */
export const testSummary = (r: GradescopeResults): string[] => r.tests.map((t) => `${t.name}: ${t.status} ${t.score}/${t.max_score}`);

/**
 * Fills the notebooks' student-info block (name and id), as the student does; after the run, because with a name
 * filled in the notebook's own submit cell would try to submit the not yet saved notebook during the run.
 */
function fillStudentInfo(projectRoot: string, name: string, id: string): void {
  const dir = path.join(projectRoot, "notebooks");
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith(".ipynb"))) {
    const nb = JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) as { cells: { source: string | string[] }[] };
    let changed = false;
    for (const c of nb.cells) {
      const src = Array.isArray(c.source) ? c.source : [c.source];
      const filled = src.map((l) => l.replace('const STUDENT = { name: "", id: "",', `const STUDENT = { name: ${JSON.stringify(name)}, id: ${JSON.stringify(id)},`));
      if (filled.some((l, i) => l !== src[i])) {
        c.source = filled;
        changed = true;
      }
    }
    if (changed) fs.writeFileSync(path.join(dir, f), `${JSON.stringify(nb, null, 1)}\n`);
  }
}

export async function submitAndGradeRun(projectRoot: string, assignment: string, studentId: string): Promise<GradedPair> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "dlvr-nb-grade-"));
  try {
    fs.mkdirSync(path.join(projectRoot, "release"), { recursive: true });
    fs.copyFileSync(path.join(ROOT, "release", `${assignment}.manifest.json`), path.join(projectRoot, "release", `${assignment}.manifest.json`));
    fillStudentInfo(projectRoot, "Kernel Run", studentId);
    const runDir = path.join(work, "run");
    fs.mkdirSync(runDir);
    const tsx = path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");
    const submit = spawnSync(process.execPath, [tsx, path.join(projectRoot, "scripts", "submit.ts"), "--root", projectRoot, "--assignment", assignment,
      "--name", "Kernel Run", "--id", studentId, "--option", "1", "--out", runDir], { encoding: "utf8", cwd: projectRoot });
    const submitOutput = `${submit.stdout}${submit.stderr}`;
    if (submit.status !== 0) throw new Error(`npm run submit refused the kernel's run:\n${submitOutput}`);

    const source = loadManifestSource(ROOT, assignment);
    const files: Record<string, Buffer> = {};
    for (const m of source.config.modules) files[m.student] = fs.readFileSync(path.join(projectRoot, m.student));
    for (const f of source.manifest.requiredFiles) files[f] = fs.readFileSync(path.join(projectRoot, f));
    const sample = await buildSubmissionZip(ROOT, source, files, { name: "Sample Built", id: studentId, option: 1 });
    const sampleDir = path.join(work, "sample");
    fs.mkdirSync(sampleDir);
    fs.writeFileSync(path.join(sampleDir, sample.fileName), sample.zip);

    const quiet = { log: () => {}, warn: () => {}, progressMode: "silent" as const };
    const sandbox = await probeSandbox({ warn: () => {} });
    const grade = async (dir: string) => {
      const batch = await gradeBatch({ inputs: [dir], outDir: path.join(work, `out-${path.basename(dir)}`), jobs: 1, secret: "kernel-test-secret", repoRoot: ROOT, sandbox, ...quiet });
      if (batch.runs.length !== 1) throw new Error(`expected one graded submission in ${dir}, got ${batch.runs.length}`);
      return batch.runs[0].results;
    };
    return { run: await grade(runDir), sample: await grade(sampleDir), submitOutput };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
