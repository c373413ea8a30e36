// An errata re-release never costs an earlier submission points: the grader checks each submission against the
// release it was made with (submission.json's manifest hash, release/history/), graded in a copy of the project
// where the instructor has edited frozen code and released again.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadManifestSource } from "../grader/integrity/manifest-source";
import type { GradescopeResults } from "../grader/report/gradescope-results";
import { a3ReferenceModels } from "../grader/samples/reference-models";
import { buildSubmissionZip } from "../grader/samples/submission-builder";
import { CACHE, ROOT, SECRET, student, tmpDir } from "./grader-pipeline-fixture";

const TSX = path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");
let repo = "";
let zipDir = "";
let key = "";

function run(script: string, args: string[]): string {
  const r = spawnSync(process.execPath, [TSX, path.join(repo, "scripts", script), ...args], { cwd: repo, encoding: "utf8", env: { ...process.env, TENSOR_QUIET: "1" } });
  expect(r.status, `${script} ${args.join(" ")}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

function grade(out: string): GradescopeResults {
  run("grade.ts", [zipDir, "--out", out, "--seed-secret", SECRET, "--force", "--progress", "silent"]);
  return JSON.parse(fs.readFileSync(path.join(out, key, "results.json"), "utf8")) as GradescopeResults;
}

const frozenDeductions = (r: GradescopeResults) => r.tests.filter((t) => /frozen|outside the designated blocks/i.test(`${t.name} ${t.output}`) && t.score < t.max_score);

beforeAll(async () => {
  repo = tmpDir("dlvr-errata-");
  for (const d of ["grader", "lib", "solutions", "scripts", "release", "student_src", "notebooks"]) {
    fs.cpSync(path.join(ROOT, d), path.join(repo, d), { recursive: true, filter: (src) => !/\/(node_modules|\.git|build)(\/|$)/.test(src) });
  }
  fs.cpSync(path.join(ROOT, "tests", "public"), path.join(repo, "tests", "public"), { recursive: true });
  for (const f of ["package.json", "tsconfig.json"]) fs.copyFileSync(path.join(ROOT, f), path.join(repo, f));
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(repo, "node_modules"));
  // A submission made against today's release...
  zipDir = path.join(repo, "zips");
  fs.mkdirSync(zipDir);
  const z = await buildSubmissionZip(repo, loadManifestSource(repo, "A3"), { ...a3ReferenceModels(ROOT, CACHE) }, student("4242", "Early Bird"));
  fs.writeFileSync(path.join(zipDir, z.fileName), z.zip);
  key = z.fileName.replace(/\.zip$/, "");
  // ...then an errata: the instructor fixes a comment in frozen code and releases again.
  const sol = path.join(repo, "solutions", "linear_classifier.ts");
  const text = fs.readFileSync(sol, "utf8");
  const firstBlock = text.indexOf("BEGIN YOUR CODE");
  const lineStart = text.lastIndexOf("\n", text.lastIndexOf("\n", firstBlock) - 1) + 1;
  fs.writeFileSync(sol, `${text.slice(0, lineStart)}// Errata: this comment was added after the first release.\n${text.slice(lineStart)}`);
  run("release.ts", ["A3", "--no-bundle", "--no-self-test", "--root", repo]);
}, 300_000);

describe("a submission made before an errata re-release", () => {
  it("is checked against its own release: full marks, no frozen-code deduction, and a note saying so", () => {
    expect(fs.readdirSync(path.join(repo, "release", "history")).filter((f) => f.startsWith("A3-")).length).toBeGreaterThanOrEqual(2);
    const r = grade(path.join(repo, "graded-own"));
    expect(frozenDeductions(r)).toEqual([]);
    expect(r.score).toBe(100);
    expect(fs.readFileSync(path.join(repo, "graded-own", key, "feedback.md"), "utf8")).toMatch(/checked against the release it was made with/);
  });

  it("without the kept manifest it would have lost points: the history is what protects it", () => {
    for (const f of fs.readdirSync(path.join(repo, "release", "history"))) {
      const p = path.join(repo, "release", "history", f);
      if (fs.readFileSync(p, "utf8") !== fs.readFileSync(path.join(repo, "release", "A3.manifest.json"), "utf8")) fs.rmSync(p);
    }
    const r = grade(path.join(repo, "graded-unknown"));
    expect(r.score).toBeLessThan(100);
    expect(fs.readFileSync(path.join(repo, "graded-unknown", key, "feedback.md"), "utf8")).toMatch(/names a release this grader does not know/);
  });
});
