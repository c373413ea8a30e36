// npm run gradescope -- A3: the autograder zip's layout, and its run_autograder on a fake /autograder root
// (AUTOGRADER_ROOT) with the submission unpacked, uploaded as a zip, or missing.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readZip } from "../lib/course/package-zip";
import type { GradescopeResults } from "../grader/report/gradescope-results";
import { ROOT, student, tmpDir, writeSubmission } from "./grader-pipeline-fixture";

let work: string;
let zipPath: string;
let entries: { path: string; data: Buffer; mode: number }[];
let solutionZip: string;

beforeAll(async () => {
  work = tmpDir("grader-gradescope-");
  const r = spawnSync(process.execPath, [path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"), path.join(ROOT, "scripts", "gradescope.ts"), "A3", "--out", work, "--seed-secret", "gs-secret"], {
    cwd: ROOT, encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`npm run gradescope failed: ${r.stderr}`);
  zipPath = path.join(work, "A3.zip");
  entries = await readZip(fs.readFileSync(zipPath));
  solutionZip = await writeSubmission(path.join(work, "zips"), student("6001", "Grade Scope"));
}, 120_000);

afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
});

/** A fake /autograder: source/ from the zip (node_modules linked), submission/ filled by `fill`, optional metadata. */
function fakeRoot(name: string, fill: (submission: string) => void, metadata?: object): string {
  const root = path.join(work, name);
  const source = path.join(root, "source");
  for (const e of entries) {
    const file = path.join(source, e.path);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, e.data, { mode: e.mode });
  }
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(source, "node_modules"));
  fs.mkdirSync(path.join(root, "submission"), { recursive: true });
  fill(path.join(root, "submission"));
  if (metadata) fs.writeFileSync(path.join(root, "submission_metadata.json"), JSON.stringify(metadata));
  return root;
}

function runAutograder(root: string): { status: number | null; results: GradescopeResults; stdout: string } {
  const r = spawnSync("bash", [path.join(root, "source", "run_autograder")], {
    env: { ...process.env, AUTOGRADER_ROOT: root, GRADER_SEED_SECRET: "" }, encoding: "utf8", timeout: 180_000,
  });
  return { status: r.status, stdout: r.stdout + r.stderr, results: JSON.parse(fs.readFileSync(path.join(root, "results", "results.json"), "utf8")) };
}

describe("the Gradescope autograder zip", () => {
  it("has setup.sh and run_autograder (executable) at its root, the grader and its inputs, and nothing students wrote", () => {
    const byPath = new Map(entries.map((e) => [e.path, e]));
    expect(byPath.get("setup.sh")?.mode).toBe(0o755);
    expect(byPath.get("run_autograder")?.mode).toBe(0o755);
    expect(byPath.get(".grader-secret")?.data.toString()).toBe("gs-secret");
    for (const f of ["package.json", "package-lock.json", "tsconfig.json", "scripts/grade.ts", "grader/grade-submission.ts", "grader/hidden/A3/tests.ts",
      "grader/run/sandbox.ts", "release/A3.manifest.json", "solutions/linear_classifier.ts", "lib/tensor/index.ts", "lib/data/index.ts", "lib/course/submission.ts"]) {
      expect(byPath.has(f), f).toBe(true);
    }
    expect(entries.filter((e) => /^(tests|node_modules|out|student_src)\/|(^|\/)build\/|\.node$/.test(e.path)).map((e) => e.path)).toEqual([]);
    expect(byPath.get("run_autograder")!.data.toString()).toMatch(/AUTOGRADER_ROOT:-\/autograder/);
    expect(byPath.get("setup.sh")!.data.toString()).toMatch(/npm ci/);
  });

  it("run_autograder grades an unpacked submission into results/results.json (student id from the metadata)", () => {
    const root = fakeRoot("unpacked", (sub) => {
      spawnSync("unzip", ["-q", solutionZip, "-d", sub]);
    }, { users: [{ email: "gs@example.edu", sid: "777", name: "Grade Scope" }] });
    const r = runAutograder(root);
    expect(r.status, r.stdout).toBe(0);
    expect(r.results.score).toBe(100);
    expect(r.results.extra_data.student_id).toBe("777");
    expect(r.results.tests.length).toBeGreaterThan(15);
  });

  it("also grades a submission uploaded as the zip itself", () => {
    const root = fakeRoot("zipped", (sub) => fs.copyFileSync(solutionZip, path.join(sub, path.basename(solutionZip))));
    const r = runAutograder(root);
    expect(r.status, r.stdout).toBe(0);
    expect(r.results.score).toBe(100);
    expect(r.results.extra_data.student_id).toBe("6001");
  });

  it("an empty submission still gets a results.json with a reason", () => {
    const root = fakeRoot("empty", () => {});
    const r = runAutograder(root);
    expect(r.status).toBe(0);
    expect(r.results.score).toBe(0);
    expect(r.results.output).toMatch(/No submission found/);
  });
});
