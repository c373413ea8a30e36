// End to end with the real Jupyter kernel: unzip the toy assignment's student bundle, write the blocks, execute the
// notebook headless (it saves toy_model.json), then submit from the CLI and from a notebook cell
// (submitFromNotebook spawns scripts/submit.ts from inside the tslab kernel).
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { readZip } from "../lib/course/package-zip";
import { formatIssue } from "../lib/course/report";
import { validateSubmission } from "../lib/course/submission";
import { buildNotebookJson } from "../lib/course/notebook-format";
import { runNotebook, type ExecutedNotebook } from "../scripts/notebook-runner";
import { cellIndex, cleanupTmp, FIXTURE, makeCourseProject, manifestOf, readNb, releaseFixture, ROOT, tmpDir, writeNb } from "./course-fixture";

let student: string;
let run: ExecutedNotebook;
beforeAll(async () => {
  const rel = await releaseFixture(makeCourseProject());
  // Unzip the bundle as a student would.
  student = path.join(tmpDir("dlvr-e2e-"), "A1");
  for (const e of await readZip(fs.readFileSync(rel.zipPath))) {
    const file = path.join(student, e.path.replace(/^A1\//, ""));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, e.data, { mode: e.mode });
  }
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(student, "node_modules"));
  // Write the blocks: the module from the solution, the notebook's block cell by hand.
  const solved = fs.readFileSync(path.join(FIXTURE, "solutions", "toy.ts"), "utf8").split("\n").filter((l) => !/SOLUTION|STUB:/.test(l)).join("\n");
  fs.writeFileSync(path.join(student, "student_src", "toy.ts"), solved);
  const nb = readNb(student);
  const params = nb.cells[cellIndex(nb, "toy-params")];
  params.source = (params.source as string[]).map((l) => l.replace("const threshold = 0;", "const threshold = 2;"));
  const q = nb.cells[cellIndex(nb, "toy-question")];
  q.source = [...(q.source as string[]), "\nThe threshold is picked on validation data."];
  writeNb(student, nb, new Date());
  const nbFile = path.join(student, "notebooks", "toy.ipynb");
  run = await runNotebook(nbFile, { outPath: nbFile, timeoutSec: 60 });
});
afterAll(cleanupTmp);

it("the notebook runs in the unzipped bundle and saves the model", () => {
  expect(run.fatal).toBeNull();
  expect(run.cells.filter((c) => c.error).map((c) => `${c.id}: ${c.error?.ename} ${c.error?.evalue}`)).toEqual([]);
  expect(run.cells.find((c) => c.id === "toy-check")!.stdout).toContain("sumOfSquares([1, 2, 3]) = 14");
  expect(run.cells.find((c) => c.id === "toy-submit")!.stdout).toMatch(/^Not submitted yet: no name or student id\. Fill them in where this cell takes them from/);
  expect(JSON.parse(fs.readFileSync(path.join(student, "toy_model.json"), "utf8"))).toEqual({ threshold: 2, predictions: [0, 1, 1] });
});

it("the executed notebook passes every submission check (execution counts are recorded)", () => {
  const { issues } = validateSubmission(student, manifestOf(student), { option: 1 });
  expect(issues.filter((i) => i.level === "error" || i.level === "warn").map(formatIssue)).toEqual([]);
  expect(issues.map(formatIssue)).toContain("ok    notebooks/toy.ipynb: executed and saved (4/4 code cells ran)");
});

it("submitFromNotebook works from a tslab cell (it spawns scripts/submit.ts)", async () => {
  const probe = path.join(student, "notebooks", "submit_probe.ipynb");
  fs.writeFileSync(probe, buildNotebookJson([
    "// %% id=probe",
    'import { submitFromNotebook } from "./lib/course/notebook-submit";',
    'console.log("accepted:", submitFromNotebook({ name: "Jane Doe", id: "2023001", option: 1 }));',
  ].join("\n"), "submit_probe"));
  const r = await runNotebook(probe, { timeoutSec: 60 });
  const out = r.cells[0].stdout;
  expect(r.cells[0].error).toBeNull();
  expect(out).toMatch(/wrote .*Jane_Doe-2023001-A1-O1\.zip/);
  expect(out).toContain("accepted: true");
  const zip = await readZip(fs.readFileSync(path.join(student, "Jane_Doe-2023001-A1-O1.zip")));
  expect(zip.map((e) => e.path)).toEqual(["notebooks/toy.ipynb", "student_src/toy.ts", "submission.json", "toy_model.json"]);
});
