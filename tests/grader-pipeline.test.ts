// End-to-end grading of A3 submissions built from the reference solution: full marks, stubs, planted bugs with
// their diagnoses, reproducible results, skipping unchanged submissions, integrity deductions.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gradeBatch, type BatchSummary } from "../grader/batch";
import type { GradescopeResults } from "../grader/report/gradescope-results";
import { lossInputs, LOSS_SPECS } from "../grader/hidden/A3/inputs";
import { testSeed } from "../grader/seeds";
import { probeSandbox, type SandboxInfo } from "../grader/run/sandbox";
import * as sol from "../solutions/linear_classifier";
import { a3Fixture, BUGS, bugged, MODULE, ROOT, SECRET, student, tmpDir, writeSubmission } from "./grader-pipeline-fixture";

let sandbox: SandboxInfo;
let work: string;
let inDir: string;
let outDir: string;
let batch: BatchSummary;
const zips: Record<string, string> = {};

const results = (key: string): GradescopeResults => JSON.parse(fs.readFileSync(path.join(outDir, key, "results.json"), "utf8"));
const feedback = (key: string): string => fs.readFileSync(path.join(outDir, key, "feedback.md"), "utf8");
const keyOf = (zip: string) => path.basename(zip, ".zip");
const blockPoints = (key: string) => results(key).extra_data.blocks;
const testOf = (key: string, name: RegExp) => {
  const t = results(key).tests.find((x) => name.test(x.name));
  if (!t) throw new Error(`no test ${name} in ${key}`);
  return t;
};
const quiet = { log: () => {}, warn: () => {}, progressMode: "silent" as const };

beforeAll(async () => {
  sandbox = await probeSandbox({ warn: () => {} });
  work = tmpDir("grader-pipeline-");
  inDir = path.join(work, "in");
  outDir = path.join(work, "out");
  const f = a3Fixture();
  zips.solution = await writeSubmission(inDir, student("1001", "Sol Ution"));
  zips.stub = await writeSubmission(inDir, student("1002", "Stub Only"), { [MODULE]: f.stub }, false);
  zips.bugsA = await writeSubmission(inDir, student("1003", "Bug Gy"), {
    [MODULE]: bugged(BUGS.regGradHalf, BUGS.missingOneOverN, BUGS.unstableNaiveSoftmax, BUGS.halfRegSoftmax),
  });
  zips.bugsB = await writeSubmission(inDir, student("1004", "Mar Gin"), { [MODULE]: bugged(BUGS.marginNotZeroed) });
  // Ignores the generator it is given and draws from Math.random: nondeterministic, unless the grader seeds it.
  zips.mathRandom = await writeSubmission(inDir, student("1005", "Ran Dom"), {
    [MODULE]: bugged(["sample-batch", "randint(0, numTrain, [batchSize], { generator })", "randint(0, numTrain, [batchSize], { generator: new Generator(Math.random()) })"]),
  });
  batch = await gradeBatch({ inputs: [inDir], outDir, jobs: 2, secret: SECRET, repoRoot: ROOT, sandbox, ...quiet });
});

afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
});

describe("grading A3", () => {
  it("writes results.json and feedback.md per submission and one gradebook row each", () => {
    expect(batch.graded).toBe(5);
    for (const z of Object.values(zips)) {
      expect(fs.existsSync(path.join(outDir, keyOf(z), "results.json"))).toBe(true);
      expect(fs.existsSync(path.join(outDir, keyOf(z), "feedback.md"))).toBe(true);
    }
    const csv = fs.readFileSync(path.join(outDir, "gradebook.csv"), "utf8").trim().split("\n");
    expect(csv).toHaveLength(6);
    expect(csv[0]).toMatch(/^submission,student_id,name,assignment,option,status,score,max_score,svm-naive-grad,/);
    expect(csv.find((l) => l.startsWith(keyOf(zips.solution)))).toMatch(/,1001,Sol Ution,A3,1,graded,100,100,8,4,12,12,5,4,5,5,5,15,20,5,/);
  });

  it("a solution-based submission gets full marks", () => {
    const r = results(keyOf(zips.solution));
    expect(r.score).toBe(100);
    expect(r.tests.filter((t) => t.status !== "passed").map((t) => `${t.name}: ${t.output}`)).toEqual([]);
    expect(r.extra_data).toMatchObject({ status: "graded", student_id: "1001", max_score: 100, deductions: 0 });
    expect(r.tests.every((t) => t.visibility === "visible" && t.max_score > 0)).toBe(true);
    expect(feedback(keyOf(zips.solution))).toMatch(/\*\*Score: 100 \/ 100\*\* \(graded\)/);
    expect(feedback(keyOf(zips.solution))).toContain("All submission checks passed");
  });

  it("results.json follows Gradescope's format and holds no timing", () => {
    const r = results(keyOf(zips.solution));
    expect(Object.keys(r).sort()).toEqual(["extra_data", "output", "output_format", "score", "stdout_visibility", "test_output_format", "tests", "visibility"]);
    for (const t of r.tests) expect(Object.keys(t).sort()).toEqual(["extra_data", "max_score", "name", "number", "output", "score", "status", "tags", "visibility"]);
    expect(JSON.stringify(r)).not.toMatch(/execution_time|duration|\d+(\.\d+)? ?ms\b/);
  });

  it("the stub submission gets zero on every hidden test, each with a clear TODO message", () => {
    const r = results(keyOf(zips.stub));
    expect(r.score).toBe(0);
    const probeTests = r.tests.filter((t) => t.max_score > 0 && !/best_model/.test(t.name));
    expect(probeTests.length).toBeGreaterThan(10);
    for (const t of probeTests) {
      expect(t.score).toBe(0);
      expect(t.output).toMatch(/^not implemented yet: block "[a-z-]+" still throws its TODO stub|^not checked: the code stopped at block "[a-z-]+", which still throws its TODO stub/);
    }
    expect(testOf(keyOf(zips.stub), /^svm-vectorized-loss: svmLossVectorized: loss with/).output).toBe('not implemented yet: block "svm-vectorized-loss" still throws its TODO stub');
    expect(testOf(keyOf(zips.stub), /svm_best_model/).output).toMatch(/svm_best_model.json is missing from the submission/);
    expect(feedback(keyOf(zips.stub))).toMatch(/\| `softmax-naive` \| 0 \/ 15 \| not implemented \|/);
  });

  it("one planted bug per loss function costs points in exactly that function, with the right diagnosis", () => {
    const key = keyOf(zips.bugsA);
    const pts = blockPoints(key);
    const full = { ...blockPoints(keyOf(zips.solution)) };
    const lost = Object.fromEntries(Object.entries(pts).filter(([id, p]) => p !== full[id]));
    expect(Object.keys(lost).sort()).toEqual(["softmax-naive", "softmax-vectorized", "svm-naive-reg-grad", "svm-vectorized-grad"]);
    // svmLossNaive: regularization gradient off by 2x -> half of the block (the averaging is right).
    expect(pts["svm-naive-reg-grad"]).toBe(2);
    expect(testOf(key, /^svm-naive-reg-grad:/).output).toMatch(/Likely mistake: dW: regularization gradient off by 2x: .* 2 \* reg \* W, yours is reg \* W/);
    // svmLossVectorized: dW not divided by N.
    expect(pts["svm-vectorized-grad"]).toBe(6);
    expect(testOf(key, /^svm-vectorized-grad:/).output).toMatch(/Likely mistake: dW: dW is not divided by N \(missing 1\/N\)/);
    expect(pts["svm-vectorized-loss"]).toBe(12);
    // softmaxLossNaive without the max subtraction: fine for small scores, NaN for large ones.
    expect(pts["softmax-naive"]).toBe(10);
    expect(testOf(key, /^softmax-naive: softmaxLossNaive: loss and gradient/).status).toBe("passed");
    const stable = testOf(key, /^softmax-naive: softmaxLossNaive: numerical stability/);
    expect(stable.score).toBe(0);
    expect(stable.output).toMatch(/loss is NaN/);
    expect(stable.output).toMatch(/Likely mistake: numerically unstable softmax: .*subtract each row's maximum score before exponentiating/);
    // softmaxLossVectorized with reg * sum(W^2) / 2: only the loss part of its tests is off.
    expect(testOf(key, /^softmax-vectorized: softmaxLossVectorized: loss and gradient/).output).toMatch(/Likely mistake: loss: the regularization term is multiplied by 1\/2/);
    expect(testOf(key, /^softmax-vectorized: softmaxLossVectorized: zero weights/).status).toBe("passed");
    expect(pts["softmax-vectorized"]).toBeGreaterThan(10);
    expect(pts["softmax-vectorized"]).toBeLessThan(20);
  });

  it("a correct-class margin that is not zeroed costs the loss block, is named, and is not charged twice", () => {
    const key = keyOf(zips.bugsB);
    const pts = blockPoints(key);
    expect(pts["svm-vectorized-loss"]).toBe(2);
    expect(pts["svm-vectorized-grad"]).toBe(12);
    expect(results(key).score).toBe(90);
    expect(testOf(key, /^svm-vectorized-loss: svmLossVectorized: loss with/).output).toMatch(/Likely mistake: loss: the correct class's margin is not zeroed/);
    // One bug costs once: the reference loss block stood in for the gradient's test.
    expect(testOf(key, /^svm-vectorized-grad:/).output).toMatch(/reference implementation standing in for block "svm-vectorized-loss"/);
  });

  it("a sampleBatch that ignores its generator loses the reproducibility part, with the hint", () => {
    const t = testOf(keyOf(zips.mathRandom), /^sample-batch:/);
    expect(t.score).toBe(4);
    expect(t.output).toMatch(/Likely mistake: draw the indices with the generator passed in/);
  });

  it("feedback never shows hidden inputs or expected values", () => {
    const key = keyOf(zips.bugsB);
    const inp = lossInputs(testSeed(SECRET, "1004", "svm_vec_loss"), LOSS_SPECS.svm_vec_loss);
    const expected = sol.svmLossVectorized(inp.W, inp.X, inp.y, inp.reg).loss;
    const text = feedback(key) + JSON.stringify(results(key));
    for (const v of [expected, expected + 1, inp.X.at(0, 0), inp.W.at(0, 0)]) {
      expect(text).not.toContain(v.toPrecision(6));
      expect(text).not.toContain(String(v));
    }
  });

  it("grading the same zips again gives byte-identical results.json and gradebook", async () => {
    const again = path.join(work, "again");
    const sub = path.join(work, "again-in");
    fs.mkdirSync(sub);
    const same = [zips.solution, zips.bugsA, zips.stub, zips.mathRandom];
    for (const z of same) fs.copyFileSync(z, path.join(sub, path.basename(z)));
    await gradeBatch({ inputs: [sub], outDir: again, jobs: 2, secret: SECRET, repoRoot: ROOT, sandbox, force: true, ...quiet });
    for (const z of same) {
      const a = fs.readFileSync(path.join(outDir, keyOf(z), "results.json"));
      const b = fs.readFileSync(path.join(again, keyOf(z), "results.json"));
      expect(b.equals(a), keyOf(z)).toBe(true);
      expect(fs.readFileSync(path.join(again, keyOf(z), "feedback.md"), "utf8")).toBe(feedback(keyOf(z)));
    }
  });

  it("skips unchanged submissions unless forced, and regrades when the secret changes", async () => {
    const lines: string[] = [];
    const s = await gradeBatch({ inputs: [inDir], outDir, jobs: 2, secret: SECRET, repoRoot: ROOT, sandbox, ...quiet, log: (l) => lines.push(l) });
    expect(s.skipped).toBe(5);
    expect(s.graded).toBe(0);
    expect(lines.filter((l) => /unchanged, skipped/.test(l))).toHaveLength(5);
    expect(fs.readFileSync(path.join(outDir, "gradebook.csv"), "utf8").trim().split("\n")).toHaveLength(6);
    const other = await gradeBatch({ inputs: [zips.solution], outDir, jobs: 1, secret: `${SECRET}-2`, repoRoot: ROOT, sandbox, ...quiet });
    expect(other.graded).toBe(1);
    await gradeBatch({ inputs: [zips.solution], outDir, jobs: 1, secret: SECRET, repoRoot: ROOT, sandbox, ...quiet });
  });
});

describe("submission checks", () => {
  let key: string;
  beforeAll(async () => {
    const f = a3Fixture();
    let text = bugged(["svm-vectorized-loss", "const numTrain = X.size(0);", 'const numTrain = X.size(0);\n  const fs = require("fs");\n  for (let i = 0; i < 1; i++) {}']);
    text = text.replace("export function svmLossVectorized(W: Tensor, X: Tensor, y: Tensor, reg: number): LossResult {", "export function svmLossVectorized(W: Tensor, X: Tensor, y: Tensor, reg: number): LossResult { // sneaky");
    const files: Record<string, string> = { [MODULE]: text };
    const nbEntry = f.source.manifest.notebooks[0];
    if (nbEntry) {
      // The release notebook: one frozen cell deleted, another edited, a cell added, and never run (no outputs).
      const nb = JSON.parse(fs.readFileSync(path.join(ROOT, nbEntry.path), "utf8")) as { cells: { id: string; cell_type: string; source: string[] | string; outputs?: unknown[]; execution_count?: unknown }[] };
      const frozen = nbEntry.cells.filter((c) => c.role === "frozen" && c.cellType === "markdown").map((c) => c.id);
      nb.cells = nb.cells.filter((c) => c.id !== frozen[0]);
      const edit = nb.cells.find((c) => c.id === frozen[1])!;
      edit.source = ["# my own heading\n"];
      nb.cells.push({ id: "my-extra-cell", cell_type: "code", source: ["console.log(1)\n"], outputs: [], execution_count: null });
      for (const c of nb.cells) if (c.cell_type === "code") { c.outputs = []; c.execution_count = null; }
      files[nbEntry.path] = JSON.stringify(nb, null, 1);
    }
    const zip = await writeSubmission(path.join(work, "integrity"), student("3001", "Rule Breaker"), files);
    await gradeBatch({ inputs: [zip], outDir, jobs: 1, secret: SECRET, repoRoot: ROOT, sandbox, ...quiet });
    key = keyOf(zip);
  });

  it("deduct configurable points per finding, each explained", () => {
    const r = results(key);
    const checks = r.tests.filter((t) => t.tags.includes("integrity"));
    const byName = Object.fromEntries(checks.map((t) => [t.name, t.score]));
    expect(byName["Submission check: Code outside the designated blocks changed"]).toBe(-2);
    expect(byName["Submission check: Import that is not allowed"]).toBe(-5);
    if (a3Fixture().source.manifest.notebooks.length) {
      expect(byName["Submission check: Notebook cells deleted"]).toBe(-2);
      expect(byName["Submission check: Frozen notebook cells edited"]).toBe(-1);
      expect(byName["Submission check: Notebook cells added"]).toBe(-1);
      expect(byName["Submission check: Notebook not run and saved with outputs"]).toBe(-5);
    }
    const deductions = -checks.reduce((a, t) => a + t.score, 0);
    expect(r.extra_data.deductions).toBe(deductions);
    // The edit outside the blocks was ignored (frozen code restored), the loop costs half of the vectorized block.
    expect(r.extra_data.blocks["svm-vectorized-loss"]).toBe(6);
    expect(r.score).toBe(100 - 6 - deductions);
    const fb = feedback(key);
    expect(fb).toContain("+export function svmLossVectorized(W: Tensor, X: Tensor, y: Tensor, reg: number): LossResult { // sneaky");
    expect(fb).toMatch(/import of "fs" is not allowed/);
    expect(fb).toMatch(/your changes outside the designated blocks were not used/);
    expect(fb).toMatch(/STATIC line \d+: block "svm-vectorized-loss" must be vectorized, but has a for loop/);
  });
});
