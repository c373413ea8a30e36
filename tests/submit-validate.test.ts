// Submission checks on real files in temp dirs: a student copy of the toy assignment A1's bundle, "executed" by
// filling outputs into the notebook JSON (the real kernel runs in submit-e2e.test.ts).
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { readZip } from "../lib/course/package-zip";
import { formatIssue, type Issue } from "../lib/course/report";
import { packSubmission, validateSubmission } from "../lib/course/submission";
import { sha256 } from "../lib/course/text";
import {
  cellIndex, cleanupTmp, fakeExecute, makeCourseProject, makeStudentProject, manifestOf, readNb, releaseFixture,
  solveStudentProject, writeNb, type Released,
} from "./course-fixture";

let rel: Released;
let student: string;
beforeAll(async () => {
  rel = await releaseFixture(makeCourseProject());
});
beforeEach(() => {
  student = makeStudentProject(rel.bundleDir);
  solveStudentProject(student);
});
afterAll(cleanupTmp);

const modPath = () => path.join(student, "student_src", "toy.ts");
const editModule = (f: (s: string) => string) => {
  fs.writeFileSync(modPath(), f(fs.readFileSync(modPath(), "utf8")));
  const past = new Date(Date.now() - 30_000);
  fs.utimesSync(modPath(), past, past);
};
const validate = (option?: 1 | 2) => validateSubmission(student, manifestOf(student), { option }).issues;
const errors = (issues: Issue[]) => issues.filter((i) => i.level === "error").map(formatIssue);
const warnings = (issues: Issue[]) => issues.filter((i) => i.level === "warn").map(formatIssue);

describe("a clean solution-based submission", () => {
  it("passes every check with option 1, one line per item", () => {
    const issues = validate(1);
    expect(errors(issues)).toEqual([]);
    expect(warnings(issues)).toEqual([]);
    expect(issues.map(formatIssue)).toEqual([
      "ok    student_src/toy.ts: frozen code intact (3 regions), imports allowed",
      "ok    notebooks/toy.ipynb: 8 cells in release order, 5 frozen cells unchanged",
      "ok    notebooks/toy.ipynb: executed and saved (4/4 code cells ran)",
      "ok    notebooks/toy.ipynb: 1 inline question answered",
      "ok    toy_model.json: present (38 bytes)",
      "info  blocks: 3/3 designated blocks hold code",
    ]);
  });

  it("warns, with the cell id, about an inline question left unanswered", () => {
    const nb = readNb(student);
    const q = nb.cells[cellIndex(nb, "toy-question")];
    q.source = (q.source as string[]).filter((l) => !l.includes("The threshold is picked"));
    writeNb(student, nb);
    const issues = validate(1);
    expect(errors(issues)).toEqual([]);
    expect(warnings(issues)).toEqual([
      `WARN  notebooks/toy.ipynb: cell ${cellIndex(nb, "toy-question") + 1} "toy-question": inline question not answered: replace YOUR ANSWER with your answer (double-click the cell), then save`,
    ]);
  });

  it("packs a deterministic zip: sorted files + submission.json with (path, sha256); bytes change with a student file", async () => {
    const m = manifestOf(student);
    const text = fs.readFileSync(path.join(student, "release", "A1.manifest.json"), "utf8");
    const info = { name: "Jane Doe", id: "2023001", option: 1 as const };
    const a = await packSubmission(student, m, text, info);
    await new Promise((r) => setTimeout(r, 1100));
    const b = await packSubmission(student, m, text, info);
    expect(a.fileName).toBe("Jane_Doe-2023001-A1-O1.zip");
    expect(b.zip.equals(a.zip)).toBe(true);
    const entries = await readZip(a.zip);
    expect(entries.map((e) => e.path)).toEqual(["notebooks/toy.ipynb", "student_src/toy.ts", "submission.json", "toy_model.json"]);
    const sub = JSON.parse(entries.find((e) => e.path === "submission.json")!.data.toString());
    expect(sub).toMatchObject({ format: "dlvr-submission/1", assignment: "A1", name: "Jane Doe", id: "2023001", option: 1 });
    expect(sub.files.map((f: { path: string }) => f.path)).toEqual(["notebooks/toy.ipynb", "student_src/toy.ts", "toy_model.json"]);
    expect(sub.files[1].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(sub.datasets).toEqual({ "notebooks/toy.ipynb": [] }); // the toy notebook loads no dataset
    editModule((s) => s.replace("total = dot(xs, xs);", "total = dot(xs, xs); // squares"));
    const c = await packSubmission(student, m, text, info);
    expect(c.zip.equals(a.zip)).toBe(false);
  });

  it("records the datasets the saved notebook's outputs name (lib/data's heading line)", async () => {
    const nbFile = path.join(student, "notebooks", "toy.ipynb");
    const saved = fs.readFileSync(nbFile, "utf8");
    try {
      const nb = JSON.parse(saved);
      const cell = nb.cells.find((c: { cell_type: string; outputs?: unknown[] }) => c.cell_type === "code" && (c.outputs ?? []).length > 0);
      const heading = 'dataset "fashion-mnist?numTrain=1000" (from DLVR_DATASET): Fashion-MNIST from /usr/share/datasets/fashion-mnist: ...\n';
      cell.outputs.push({ output_type: "stream", name: "stdout", text: [heading, "X_train [900, 3073]\n"] });
      fs.writeFileSync(nbFile, JSON.stringify(nb));
      const m = manifestOf(student);
      const text = fs.readFileSync(path.join(student, "release", "A1.manifest.json"), "utf8");
      const pkg = await packSubmission(student, m, text, { name: "Jane Doe", id: "2023001", option: 1 });
      expect((pkg.info as { datasets: unknown }).datasets).toEqual({ "notebooks/toy.ipynb": ["fashion-mnist?numTrain=1000"] });
    } finally {
      fs.writeFileSync(nbFile, saved);
    }
  });
});

describe("refusals say exactly what to fix", () => {
  it("a required file is missing or broken", () => {
    fs.rmSync(path.join(student, "toy_model.json"));
    expect(errors(validate(1))).toEqual([
      "FAIL  toy_model.json: missing: run the notebook cell that saves it (it writes to the project root), then submit again",
    ]);
    fs.writeFileSync(path.join(student, "toy_model.json"), '{"threshold": ');
    expect(errors(validate(1))).toEqual([
      "FAIL  toy_model.json: is not valid JSON (interrupted while saving?): run the notebook cell that saves it again",
    ]);
  });

  it("code changed outside a designated block, with a small unified diff at the real line numbers", () => {
    editModule((s) => s.replace("  return total;", "  return total * 2;"));
    const e = errors(validate(1));
    expect(e).toHaveLength(1);
    expect(e[0]).toBe([
      'FAIL  student_src/toy.ts:12-19: code outside the designated blocks was changed (between blocks "toy-sum" and "toy-predict"): undo these changes, write only inside BEGIN/END YOUR CODE',
      "        --- release student_src/toy.ts",
      "        +++ yours student_src/toy.ts",
      "        @@ -12,4 +12,4 @@",
      "           // ====================== END YOUR CODE: toy-sum ======================",
      "        -  return total;",
      "        +  return total * 2;",
      "         }",
      "         ",
    ].join("\n"));
  });

  it("ignores trailing whitespace and CRLF line endings outside blocks", () => {
    editModule((s) => s.replace(/\n/g, "   \r\n"));
    expect(errors(validate(1))).toEqual([]);
  });

  it("a deleted or edited banner", () => {
    editModule((s) => s.replace(/.*END YOUR CODE: toy-predict.*\n/, ""));
    expect(errors(validate(1))).toEqual([expect.stringMatching(/^FAIL {2}student_src\/toy\.ts:\d+: block "toy-predict" has no END banner$/)]);
    solveStudentProject(student);
    editModule((s) => s.replace("BEGIN YOUR CODE: toy-sum =====================", "BEGIN YOUR CODE: toy-sum"));
    expect(errors(validate(1))[0]).toMatch(/^FAIL {2}student_src\/toy\.ts:9: damaged block banner "\/\/ =+ BEGIN YOUR CODE: toy-sum": a banner must read/);
  });

  it("a disallowed import, with its line", () => {
    editModule((s) => s.replace('import { dot } from "../lib/tensor";', 'import { dot } from "../lib/tensor";\nimport { execSync } from "node:child_process";'));
    const e = errors(validate(1));
    expect(e).toContain('FAIL  student_src/toy.ts:6: import of "node:child_process" is not allowed (allowed: "../lib/tensor"): remove it and use only the allowed modules');
  });

  it("a notebook with one extra cell and one deleted cell: both reported precisely", () => {
    const nb = readNb(student);
    nb.cells.splice(cellIndex(nb, "toy-check"), 1); // delete frozen cell 3
    nb.cells.splice(4, 0, { cell_type: "code", id: "f00dcafe", metadata: {}, source: ["console.log(threshold * 10)"], outputs: [], execution_count: 9 });
    writeNb(student, nb);
    expect(errors(validate(1))).toEqual([
      'FAIL  notebooks/toy.ipynb: cell 5: was added (id "f00dcafe", code, starts with "console.log(threshold * 10)"): delete it; cells cannot be added (use a scratch notebook for experiments)',
      'FAIL  notebooks/toy.ipynb: cell "toy-check": frozen code cell was deleted (it was cell 3 of 8 in the release, after "toy-imports", starts with "console.log("sumOfSquares([1, 2, 3]) =", sumOfSquares([1, 2…"): copy it back from the release notebook to the same place',
    ]);
  });

  it("a frozen cell edited: cell id, position and diff", () => {
    const nb = readNb(student);
    const c = nb.cells[cellIndex(nb, "toy-save")];
    c.source = (c.source as string[]).map((l) => l.replace("saved toy_model.json", "saved it"));
    writeNb(student, nb);
    expect(errors(validate(1))).toEqual([[
      'FAIL  notebooks/toy.ipynb: cell 5 "toy-save": frozen cell was edited: undo the change (only designated blocks, YOUR ANSWER cells and the submit cell may change)',
      "        --- release toy-save",
      "        +++ yours toy-save",
      "        @@ -1,2 +1,2 @@",
      '         fs.writeFileSync("toy_model.json", JSON.stringify({ threshold: threshold, predictions: predict([1, 5, 3], threshold) }) + "\\n");',
      '        -console.log("saved toy_model.json");',
      '        +console.log("saved it");',
    ].join("\n")]);
  });

  it("moved, duplicated and re-created cells", () => {
    const nb = readNb(student);
    const [outro] = nb.cells.splice(cellIndex(nb, "toy-outro"), 1);
    nb.cells.splice(1, 0, outro);
    nb.cells.push({ ...nb.cells[cellIndex(nb, "toy-check")] });
    const save = nb.cells.splice(cellIndex(nb, "toy-save"), 1)[0];
    nb.cells.splice(cellIndex(nb, "toy-question"), 0, { ...save, id: "a1b2c3" });
    writeNb(student, nb);
    const e = errors(validate(1));
    expect(e).toEqual([
      'FAIL  notebooks/toy.ipynb: cell "toy-outro": was moved from position 7 to 2: move it back (after "toy-question")',
      'FAIL  notebooks/toy.ipynb: cell 6: (id "a1b2c3") has the text of the deleted frozen cell "toy-save" but a new id: delete it and copy the original cell "toy-save" back from the release notebook (cells are recognised by id)',
      'FAIL  notebooks/toy.ipynb: cell 9: is a copy of cell "toy-check" (same id; code, starts with "console.log("sumOfSquares([1, 2, 3]) =", sumOfSquares([1, 2…"): delete this copy',
    ]);
  });

  it("a block cell that lost its banners", () => {
    const nb = readNb(student);
    const c = nb.cells[cellIndex(nb, "toy-params")];
    c.source = ["const threshold = 2;\n", 'console.log("threshold:", threshold);'];
    writeNb(student, nb);
    expect(errors(validate(1))).toEqual([
      'FAIL  notebooks/toy.ipynb: cell 4 "toy-params": lost the banners of block "toy-params": restore the BEGIN/END YOUR CODE lines from the release notebook',
    ]);
  });

  it("a notebook saved without outputs", () => {
    const nb = readNb(student);
    for (const c of nb.cells) if (c.cell_type === "code") Object.assign(c, { outputs: [], execution_count: null });
    writeNb(student, nb);
    expect(errors(validate(1))).toEqual([
      "FAIL  notebooks/toy.ipynb: saved without outputs (no code cell has run): run Kernel ▸ Restart & Run All, then save the notebook (File ▸ Save) before submitting",
    ]);
  });

  it("code cells that never ran (the submit cell does not count)", () => {
    const nb = readNb(student);
    const c = nb.cells[cellIndex(nb, "toy-save")];
    c.execution_count = null;
    c.outputs = [];
    writeNb(student, nb);
    expect(errors(validate(1))).toEqual([
      'FAIL  notebooks/toy.ipynb: 1 code cell never ran in the saved file (cell 5 "toy-save"): run Kernel ▸ Restart & Run All, then save the notebook (File ▸ Save) before submitting',
    ]);
  });

  it("a notebook saved before the last edit of the student module", () => {
    const nb = readNb(student);
    writeNb(student, nb, new Date(Date.now() - 120_000));
    expect(errors(validate(1))).toEqual([
      "FAIL  notebooks/toy.ipynb: saved before your last change to student_src/toy.ts: the outputs do not show your current code; run Kernel ▸ Restart & Run All, then save the notebook (File ▸ Save) before submitting",
    ]);
  });

  it("a module touched (or edited and reverted) after the run is not an edit: content hashes, not times", () => {
    const mod = path.join(student, "student_src", "toy.ts");
    const text = fs.readFileSync(mod);
    // What the kernel recorded when it loaded the module (scripts/tslab-kernel-patches.cjs), 3 minutes ago.
    const loadedAt = Date.now() - 180_000;
    fs.mkdirSync(path.join(student, ".dlvr"), { recursive: true });
    fs.writeFileSync(path.join(student, ".dlvr", "kernel-loads.json"), JSON.stringify({ "student_src/toy.ts": { sha256: sha256(text), atMs: loadedAt } }));
    writeNb(student, readNb(student), new Date(Date.now() - 120_000));
    fs.utimesSync(mod, new Date(), new Date()); // touched after the notebook was saved
    expect(errors(validate(1))).toEqual([]);
    fs.writeFileSync(mod, `${text}\n// a real edit\n`);
    expect(errors(validate(1)).join("\n")).toContain("saved before your last change to student_src/toy.ts");
  });

  it("warns about cells run out of order and cells that ended with an error", () => {
    const nb = fakeExecute(readNb(student));
    nb.cells[cellIndex(nb, "toy-check")].execution_count = 7;
    nb.cells[cellIndex(nb, "toy-save")].outputs!.push({ output_type: "error", ename: "TypeError", evalue: "x is not a function", text: [] });
    writeNb(student, nb);
    const issues = validate(1);
    expect(errors(issues)).toEqual([]);
    expect(warnings(issues)).toEqual([
      'WARN  notebooks/toy.ipynb: cell 4 "toy-params": ran out of order (execution count 3 after 7); run Kernel ▸ Restart & Run All, then save the notebook (File ▸ Save) before submitting so the outputs match the code',
      'WARN  notebooks/toy.ipynb: cell 5 "toy-save": ended with an error: TypeError: x is not a function',
    ]);
  });
});

describe("stubs and options", () => {
  const restub = () => editModule((s) => s.replace("  total = dot(xs, xs);\n", '  throw new Error("TODO: toy-sum");\n'));

  it("option 1 is refused while a block is still the stub", () => {
    restub();
    expect(errors(validate(1))).toEqual([
      'FAIL  student_src/toy.ts: block "toy-sum": is still the released stub (unchanged), but option 1 says you completed the assignment: finish the block, or submit with --option 2 and explain your understanding in comments',
    ]);
  });

  it("option 2 only warns; comments-only blocks count as explanations", () => {
    restub();
    editModule((s) => s.replace("    out.push(x > threshold ? 1 : 0);\n", "    // I would compare x with the threshold and push 1 or 0.\n"));
    const issues = validate(2);
    expect(errors(issues)).toEqual([]);
    expect(warnings(issues)).toEqual([
      'WARN  student_src/toy.ts: block "toy-sum": is still the released stub (unchanged): with option 2, write comments in the block that explain how you would solve it',
    ]);
    expect(issues.map(formatIssue)).toContain('info  student_src/toy.ts: block "toy-predict": holds only comments (fine for option 2 if they explain your understanding)');
  });

  it("code left after the TODO throw is still refused for option 1", () => {
    editModule((s) => s.replace("  total = dot(xs, xs);\n", '  total = dot(xs, xs);\n  throw new Error("TODO: toy-sum");\n'));
    expect(errors(validate(1))[0]).toMatch(/block "toy-sum": still throws the "TODO" stub error, but option 1/);
  });

  it("check mode (no option) warns and says option 1 would be refused", () => {
    restub();
    expect(warnings(validate())).toEqual([
      'WARN  student_src/toy.ts: block "toy-sum": is still the released stub (unchanged) (submitting with option 1 would be refused)',
    ]);
  });

  it("warns about loops in vectorized blocks and forbidden APIs", () => {
    editModule((s) => s.replace("  total = dot(xs, xs);\n", "  for (const x of xs) total += x * x;\n").replace("out.push(x > threshold ? 1 : 0);", "out.push(Math.round(x) > threshold ? 1 : 0);"));
    const issues = validate(1);
    expect(errors(issues)).toEqual([]);
    expect(warnings(issues)).toEqual([
      'WARN  student_src/toy.ts:11: block "toy-sum" must be vectorized, but has a for...of loop (the grader checks this)',
      'WARN  student_src/toy.ts:21: block "toy-predict" must not use Math.round (the grader checks this)',
    ]);
  });
});
