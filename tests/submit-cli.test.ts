// The student-facing CLIs (npm run submit / npm run check) run as child processes inside a student copy of the
// toy assignment's bundle, plus the student-info rules.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readZip } from "../lib/course/package-zip";
import { resolveStudentInfo, safeName, submissionFileName, validateId, validateName, validateOption } from "../lib/course/student-info";
import { cleanupTmp, makeCourseProject, makeStudentProject, releaseFixture, ROOT, solveStudentProject, type Released } from "./course-fixture";

let rel: Released;
beforeAll(async () => {
  rel = await releaseFixture(makeCourseProject());
});
afterAll(cleanupTmp);

const TSX = path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");
/** Submission time fixed, so the same inputs give the same zip bytes. */
const SUBMITTED_AT = "2026-03-14T22:59:00.000Z";
const run = (cwd: string, script: string, args: string[], env: Record<string, string> = { DLVR_SUBMITTED_AT: SUBMITTED_AT }) =>
  spawnSync(process.execPath, [TSX, path.join(cwd, "scripts", script), ...args], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });

describe("npm run submit", () => {
  it("writes {name}-{id}-A1-O{option}.zip for a clean submission, one line per file and a summary", async () => {
    const student = makeStudentProject(rel.bundleDir);
    solveStudentProject(student);
    const r = run(student, "submit.ts", ["--name", "Jane Doe", "--id", "2023001", "--option", "1"]);
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("submit A1 (Toy assignment) for Jane Doe (2023001), option 1");
    expect(lines).toEqual(expect.arrayContaining([
      expect.stringMatching(/^ {2}packed {2}notebooks\/toy\.ipynb \(\d+ bytes, sha256 [0-9a-f]{12}\)$/),
      expect.stringMatching(/^ {2}packed {2}student_src\/toy\.ts /),
      expect.stringMatching(/^ {2}packed {2}toy_model\.json /),
    ]));
    expect(lines.at(-1)).toMatch(/^wrote .*Jane_Doe-2023001-A1-O1\.zip \(\d+ KiB, 3 files \+ submission\.json; 0 warnings\)\. Upload this file\.$/);
    const zip = fs.readFileSync(path.join(student, "Jane_Doe-2023001-A1-O1.zip"));
    expect((await readZip(zip)).map((e) => e.path)).toEqual(["notebooks/toy.ipynb", "student_src/toy.ts", "submission.json", "toy_model.json"]);
    // the submit time goes into submission.json (for the grader's late policy)
    const info = JSON.parse((await readZip(zip)).find((e) => e.path === "submission.json")!.data.toString());
    expect(info.submittedAt).toBe(SUBMITTED_AT);
    // same inputs, same bytes
    expect(run(student, "submit.ts", ["--name", "Jane Doe", "--id", "2023001", "--option", "1"]).status).toBe(0);
    expect(fs.readFileSync(path.join(student, "Jane_Doe-2023001-A1-O1.zip")).equals(zip)).toBe(true);
  });

  it("refuses with the problems and exit code 1, writing no zip", () => {
    const student = makeStudentProject(rel.bundleDir);
    solveStudentProject(student);
    fs.rmSync(path.join(student, "toy_model.json"));
    const r = run(student, "submit.ts", ["--name", "Jane Doe", "--id", "2023001", "--option", "2"]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("  FAIL  toy_model.json: missing: run the notebook cell that saves it");
    expect(r.stdout.trimEnd().split("\n").at(-1)).toBe("submission refused: 1 problem marked FAIL above (0 warnings). Fix them and run npm run submit again.");
    expect(fs.readdirSync(student).filter((f) => f.endsWith(".zip"))).toEqual([]);
  });

  it("without a terminal, a missing name is an error that says which flag to pass", () => {
    const student = makeStudentProject(rel.bundleDir);
    const r = run(student, "submit.ts", ["--id", "2023001", "--option", "1"]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('submit: missing your name: pass --name "Your Name" (as on the class roster)');
  });
});

describe("npm run check", () => {
  it("prints the checks, a pass/fail table of the public tests and a summary; exit 0 when ready", () => {
    const student = makeStudentProject(rel.bundleDir);
    solveStudentProject(student);
    const r = run(student, "check.ts", ["--option", "1"]);
    expect(r.stdout).toContain("  PASS  tests/public/toy.test.ts > sumOfSquares adds the squares");
    expect(r.stdout).toContain("  PASS  tests/public/toy.test.ts > predict thresholds");
    expect(r.stdout.trimEnd().split("\n").at(-1)).toBe("summary: 0 errors, 0 warnings; public tests 2/2 passed; ready to submit");
    expect(r.status).toBe(0);
    expect(fs.readdirSync(student).filter((f) => f.endsWith(".zip"))).toEqual([]);
  });

  it("on the released stubs: warnings for the blocks, failing public tests, exit 1", () => {
    const student = makeStudentProject(rel.bundleDir);
    const r = run(student, "check.ts", []);
    expect(r.stdout).toContain('  WARN  student_src/toy.ts: block "toy-sum": is still the released stub (unchanged) (submitting with option 1 would be refused)');
    expect(r.stdout).toMatch(/ {2}FAIL {2}tests\/public\/toy\.test\.ts > sumOfSquares adds the squares: Error: TODO: toy-sum/);
    expect(r.stdout).toMatch(/ {2}WARN {2}notebooks\/toy\.ipynb: cell \d+ "toy-question": inline question not answered/);
    expect(r.stdout.trimEnd().split("\n").at(-1)).toBe(
      "summary: 2 errors, 4 warnings; public tests 0/2 passed; submit would be refused: fix the FAIL lines",
    );
    expect(r.status).toBe(1);
  });
});

describe("student info", () => {
  it("turns names into file-name parts", () => {
    expect(safeName("Jane Doe")).toBe("Jane_Doe");
    expect(safeName("  Kim Min-jun ")).toBe("Kim_Min_jun");
    expect(safeName("Zoë O'Brien/..")).toBe("Zoë_OBrien");
    expect(safeName("김민준")).toBe("김민준");
    expect(submissionFileName("{name}-{id}-A3-O{option}.zip", { name: "Jane Doe", id: "2023001", option: 2 })).toBe("Jane_Doe-2023001-A3-O2.zip");
  });

  it("explains invalid values", () => {
    expect(() => validateName("  ")).toThrow('missing your name: pass --name "Your Name"');
    expect(() => validateName("!!!")).toThrow(/no letters or digits/);
    expect(() => validateId("12 34")).toThrow('student id "12 34" must be letters and digits only');
    expect(() => validateOption("3")).toThrow('--option must be 1 or 2 (got "3")');
    expect(() => validateOption(undefined)).toThrow(/missing --option: 1 = you completed/);
  });

  it("asks for missing fields on a terminal, repeating invalid answers", async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = "";
    output.on("data", (c) => (shown += c));
    const p = resolveStudentInfo({ id: "2023001" }, { interactive: true, input, output });
    input.write("Jane Doe\n");
    await new Promise((r) => setTimeout(r, 20));
    input.write("3\n");
    await new Promise((r) => setTimeout(r, 20));
    input.write("2\n");
    expect(await p).toEqual({ name: "Jane Doe", id: "2023001", option: 2 });
    expect(shown).toContain("Your name (as on the class roster): ");
    expect(shown).toContain('--option must be 1 or 2 (got "3")');
  });
});
