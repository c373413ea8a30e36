// Unit tests of the grading pipeline's parts: seeds, comparisons, static checks, graded-module reconstruction,
// integrity classification, the model loader, the gradebook, and the A3 test definitions' consistency.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { tensor } from "../lib/tensor";
import { checkNumber, checkTensor, constantFactor, fmt, indexText } from "../grader/score/compare";
import { gradebookCsv } from "../grader/report/gradebook";
import type { ResultsExtra } from "../grader/report/gradescope-results";
import { A3_GRADING } from "../grader/hidden/A3";
import { lossInputs, LOSS_SPECS } from "../grader/hidden/A3/inputs";
import { probes } from "../grader/hidden/A3/probes";
import { checkGrading } from "../grader/hidden/registry";
import { classifyIssue } from "../grader/integrity/integrity";
import { loadModel } from "../grader/score/models";
import { resolvePolicy } from "../grader/integrity/policy";
import { disableBlock, reconstructModule } from "../grader/integrity/reconstruct";
import { graderSeed, testSeed } from "../grader/seeds";
import { staticChecks } from "../grader/integrity/static-checks";
import { identifyStudent, outputKey } from "../grader/intake/submission-files";
import { parseBlocks } from "../lib/course/blocks";
import { a3Fixture, MODULE, ROOT, tmpDir } from "./grader-pipeline-fixture";

describe("seeds", () => {
  it("differ between students and tests, repeat for the same ones, depend on the secret", () => {
    expect(testSeed("s", "1001", "svm_vec_loss")).toBe(testSeed("s", "1001", "svm_vec_loss"));
    expect(testSeed("s", "1001", "svm_vec_loss")).not.toBe(testSeed("s", "1002", "svm_vec_loss"));
    expect(testSeed("s", "1001", "svm_vec_loss")).not.toBe(testSeed("s", "1001", "svm_vec_grad"));
    expect(testSeed("s", "1001", "svm_vec_loss")).not.toBe(testSeed("t", "1001", "svm_vec_loss"));
    expect(graderSeed("s", "A3:holdout")).not.toBe(graderSeed("t", "A3:holdout"));
  });

  it("give two students different hidden inputs and one student the same inputs every time", () => {
    const spec = LOSS_SPECS.svm_vec_loss;
    const a = lossInputs(testSeed("s", "1001", "svm_vec_loss"), spec);
    const again = lossInputs(testSeed("s", "1001", "svm_vec_loss"), spec);
    const b = lossInputs(testSeed("s", "1002", "svm_vec_loss"), spec);
    expect(again.X.tolist()).toEqual(a.X.tolist());
    expect(again.y.tolist()).toEqual(a.y.tolist());
    expect(b.X.tolist()).not.toEqual(a.X.tolist());
  });
});

describe("comparisons", () => {
  it("describe shape, error size and the first mismatch without showing expected values", () => {
    const expected = tensor([[1, 2], [3, 4]]);
    const ok = checkTensor("dW", { $tensor: true, shape: [2, 2], dtype: "float64", data: [1, 2, 3, 4] }, expected, 1e-9);
    expect(ok.ok).toBe(true);
    const wrong = checkTensor("dW", { $tensor: true, shape: [2, 2], dtype: "float64", data: [1, 2, 3.5, 4] }, expected, 1e-9);
    expect(wrong.line).toBe("dW: wrong values (max relative error 0.0625, first mismatch at (1, 0))");
    expect(wrong.line).not.toMatch(/\b3\b|\b4\b/);
    expect(checkTensor("dW", { $tensor: true, shape: [2, 1], dtype: "float64", data: [1, 2] }, expected, 1e-9).line).toBe("dW has shape [2, 1], expected [2, 2]");
    expect(checkTensor("dW", { $tensor: true, shape: [2, 2], dtype: "float64", data: [1, NaN, 3, 4] }, expected, 1e-9)).toMatchObject({ nonFinite: true, line: "dW contains NaN or Infinity (first at (0, 1))" });
    expect(checkTensor("dW", undefined, expected, 1e-9).line).toBe("dW is undefined, expected a tensor");
    expect(checkNumber("loss", { $other: "a function" }, 1, 1e-9).line).toBe("loss is a function, expected a number");
  });

  it("recognise a constant factor and render numbers deterministically", () => {
    expect(constantFactor([2, 4, 6], [1, 2, 3])).toBe(2);
    expect(constantFactor([-1, -2], [1, 2])).toBe(-1);
    expect(constantFactor([1, 2.5], [1, 2])).toBeNull();
    expect([fmt(0.000123456), fmt(12.3456), fmt(NaN), fmt(-Infinity), fmt(0)]).toEqual(["1.2e-4", "12.3", "NaN", "-Infinity", "0"]);
    expect(indexText(7, [2, 4])).toBe("(1, 3)");
  });
});

describe("static checks of blocks", () => {
  const blocks = { v: { file: "m.ts", points: 10, vectorized: true, forbiddenApis: ["relu"] }, free: { file: "m.ts", points: 5, vectorized: false, forbiddenApis: [] } };
  const source = (body: string, free = "") => [
    "export function f(xs: number[], W1: any, W2: any) {",
    "  // ===================== BEGIN YOUR CODE: v =====================",
    body,
    "  // ====================== END YOUR CODE: v ======================",
    "  // ===================== BEGIN YOUR CODE: free =====================",
    free,
    "  // ====================== END YOUR CODE: free ======================",
    "}",
  ].join("\n");
  const run = (text: string) => {
    const parsed = parseBlocks(text);
    return staticChecks(text, "m.ts", parsed.blocks.map((b) => ({ id: b.id, startLine: b.begin + 2, endLine: b.end })), blocks);
  };

  it("flag loops and per-element iteration in vectorized blocks only", () => {
    expect(run(source("  for (let i = 0; i < 3; i++) {}", "  for (;;) { break; }")).map((f) => [f.blockId, f.kind, f.line])).toEqual([["v", "loop", 3]]);
    expect(run(source("  let i = 0; while (i < 2) i++;")).map((f) => f.message)).toEqual(['block "v" must be vectorized, but has a while loop']);
    expect(run(source("  const s = xs.map((x) => x * 2);"))[0].message).toBe('block "v" must be vectorized, but loops with .map()');
    expect(run(source("  const s = Array.from({ length: 3 }, (_, i) => i);"))[0].message).toMatch(/Array\.from/);
    expect(run(source("  xs.forEach((x) => x);"))[0].message).toMatch(/forEach/);
  });

  it("allow iterating over a literal list of parameters", () => {
    expect(run(source("  const s = [W1, W2].map((w) => w.sum());\n  for (const w of [W1, W2]) w.sum();"))).toEqual([]);
  });

  it("flag forbidden APIs as identifiers and property names", () => {
    expect(run(source("  const h = relu(W1);")).map((f) => f.kind)).toEqual(["forbidden"]);
    expect(run(source("  const h = W1.relu();")).map((f) => f.kind)).toEqual(["forbidden"]);
    expect(run(source("  const h = W1.clamp({ min: 0 });"))).toEqual([]);
  });
});

describe("graded module", () => {
  const mod = () => a3Fixture().source.manifest.modules[0];

  it("restores frozen code and keeps the student's block bodies", () => {
    const solved = a3Fixture().solved;
    const tampered = solved.replace("export interface LossResult {", "export interface LossResult { // tampered").replace("yPred = X.matmul(W).argmax(1);", "yPred = X.matmul(W).argmax(1); // mine");
    const g = reconstructModule(tampered, mod());
    expect(g.restored).toBe(true);
    expect(g.text).not.toContain("// tampered");
    expect(g.text).toContain("// mine");
    expect(g.text.trimEnd().split("\n").map((l) => l.trimEnd())).toEqual(solved.replace("yPred = X.matmul(W).argmax(1);", "yPred = X.matmul(W).argmax(1); // mine").trimEnd().split("\n").map((l) => l.trimEnd()));
  });

  it("grades the file as submitted when banners are damaged", () => {
    const damaged = a3Fixture().solved.replace("// ===================== BEGIN YOUR CODE: sample-batch =====================", "// BEGIN YOUR CODE sample-batch");
    const g = reconstructModule(damaged, mod());
    expect(g.restored).toBe(false);
    expect(g.reason).toMatch(/banners are damaged/);
  });

  it("can set aside a block by making it throw", () => {
    const text = disableBlock(a3Fixture().solved, "linear-predict", "COMPILE-ERROR: linear-predict");
    const parsed = parseBlocks(text);
    const b = parsed.blocks.find((x) => x.id === "linear-predict")!;
    expect(parsed.lines.slice(b.begin + 1, b.end).map((l) => l.trim())).toEqual(['throw new Error("COMPILE-ERROR: linear-predict");']);
  });
});

describe("integrity issue classification", () => {
  const m = () => a3Fixture().source.manifest;
  it.each([
    [{ level: "error", item: MODULE, message: "missing: restore it" }, "module-missing"],
    [{ level: "error", item: `${MODULE}:10-20`, message: "code outside the designated blocks was changed (before ...)" }, "frozen-code"],
    [{ level: "error", item: `${MODULE}:12`, message: 'import of "fs" is not allowed (allowed: ...)' }, "disallowed-import"],
    [{ level: "error", item: `${MODULE}:40`, message: 'damaged block banner "..."' }, "block-banners"],
    [{ level: "error", item: "notebooks/linear_classifier.ipynb", message: "missing: restore it from the release zip" }, "notebook-missing"],
    [{ level: "error", item: 'notebooks/linear_classifier.ipynb: cell "x"', message: "frozen markdown cell was deleted (it was cell 3 of 40 ...)" }, "notebook-cell-deleted"],
    [{ level: "error", item: "notebooks/linear_classifier.ipynb: cell 4", message: 'was added (id "abc", code, empty): delete it' }, "notebook-cell-added"],
    [{ level: "error", item: 'notebooks/linear_classifier.ipynb: cell 4 "x"', message: "frozen cell was edited: undo the change" }, "notebook-cell-edited"],
    [{ level: "error", item: "notebooks/linear_classifier.ipynb", message: "saved without outputs (no code cell has run): run ..." }, "notebook-not-executed"],
    [{ level: "error", item: "svm_best_model.json", message: "missing: run the notebook cell that saves it" }, "required-file-missing"],
    [{ level: "error", item: "svm_best_model.json", message: "is not valid JSON" }, "required-file-invalid"],
    [{ level: "error", item: "somewhere", message: "something new" }, "other"],
  ] as const)("%j -> %s", (issue, category) => {
    expect(classifyIssue({ ...issue }, m())).toBe(category);
  });
});

describe("saved model loader", () => {
  const spec = { file: "m.json", kind: "LinearSVM", tensors: { W: { shape: [3, 2] } }, maxElements: 6 };
  const write = (content: unknown) => {
    const dir = tmpDir("grader-model-");
    fs.writeFileSync(path.join(dir, "m.json"), typeof content === "string" ? content : JSON.stringify(content));
    return dir;
  };
  const b64 = (xs: number[]) => Buffer.from(new Float64Array(xs).buffer).toString("base64");

  it("reads a well-formed model", () => {
    const m = loadModel(write({ format: "dlvr-tensors/1", meta: { kind: "LinearSVM" }, tensors: { W: { dtype: "float64", shape: [3, 2], base64: b64([1, 2, 3, 4, 5, 6]) } } }), spec);
    expect(m.ok && m.tensors.W.tolist()).toEqual([[1, 2], [3, 4], [5, 6]]);
  });

  it.each([
    ["missing", null, /missing from the submission/],
    ["not JSON", "{", /not valid JSON/],
    ["another kind", { format: "dlvr-tensors/1", meta: { kind: "Softmax" }, tensors: {} }, /holds a Softmax, expected a LinearSVM/],
    ["a huge claimed shape (never allocated)", { format: "dlvr-tensors/1", meta: { kind: "LinearSVM" }, tensors: { W: { dtype: "float64", shape: [1e9, 1e9], base64: "" } } }, /has shape/],
    ["bytes that do not match", { format: "dlvr-tensors/1", meta: { kind: "LinearSVM" }, tensors: { W: { dtype: "float64", shape: [3, 2], base64: b64([1]) } } }, /wrong number of bytes/],
    ["NaN weights", { format: "dlvr-tensors/1", meta: { kind: "LinearSVM" }, tensors: { W: { dtype: "float64", shape: [3, 2], base64: b64([1, NaN, 3, 4, 5, 6]) } } }, /NaN or Infinity/],
  ])("rejects %s with a reason", (_what, content, re) => {
    const dir = content === null ? tmpDir("grader-model-") : write(content);
    const m = loadModel(dir, spec);
    expect(m.ok).toBe(false);
    expect(!m.ok && m.problem).toMatch(re);
  });
});

describe("A3 hidden test definitions", () => {
  it("cover every block with exactly its points, and every probe test has a probe", () => {
    expect(checkGrading(A3_GRADING, a3Fixture().source.config, Object.keys(probes))).toEqual([]);
  });

  it("runner-side files import nothing from solutions/ (they are bundled into the student's job)", () => {
    for (const f of A3_GRADING.runnerFiles) {
      const text = fs.readFileSync(f, "utf8");
      expect(text).not.toMatch(/from "[^"]*solutions\//);
      expect(text.match(/^import (?!type)[^;]*from "([^"]+)"/gm)?.map((l) => /from "([^"]+)"/.exec(l)![1]).filter((s) => !/lib\/tensor|runner\/wire|\.\/inputs/.test(s)) ?? []).toEqual([]);
    }
  });
});

describe("bookkeeping", () => {
  it("policy overrides merge into the defaults", () => {
    const p = resolvePolicy({ deductions: { "frozen-code": { points: 5 } } }, { timeScale: 2 });
    expect(p.deductions["frozen-code"]).toMatchObject({ points: 5, max: 10 });
    expect(p.timeScale).toBe(2);
  });

  it("students are identified from submission.json, else from the zip's name", () => {
    const dir = tmpDir("grader-id-");
    fs.writeFileSync(path.join(dir, "submission.json"), JSON.stringify({ assignment: "A3", name: "Jane Doe", id: "2023001", option: 2 }));
    expect(identifyStudent(dir, "x.zip", "ab".repeat(32))).toMatchObject({ id: "2023001", name: "Jane Doe", option: 2, assignment: "A3", idSource: "submission.json" });
    expect(identifyStudent(null, "Kim_Lee-99-A4-O1.zip", "ab".repeat(32))).toMatchObject({ id: "99", name: "Kim Lee", assignment: "A4", idSource: "file name" });
    expect(identifyStudent(null, "whatever.zip", "ab".repeat(32))).toMatchObject({ id: `zip${"ab".repeat(8)}`, idSource: "zip hash" });
    expect(outputKey("/x/Jane Doe's (final).zip")).toBe("Jane_Doe_s_final_");
  });

  it("gradebook.csv has one row per submission, points per block, escaped text", () => {
    const row = (key: string, blocks: Record<string, number>, reason: string | null): ResultsExtra => ({
      format: "dlvr-grader/1", assignment: "A3", key, zip_name: `${key}.zip`, zip_sha256: "f".repeat(64), fingerprint: "x", student_id: key, student_name: "A, B",
      option: 1, status: reason ? "rejected" : "graded", status_reason: reason, max_score: 10, blocks, deductions: 1,
    });
    const late = { submittedAt: "2026-03-16T00:00:00.000Z", source: "lms" as const, deadline: "2026-03-14T23:59:00.000Z", minutesLate: 1441, daysLate: 2, percent: 20, points: 2 };
    const csv = gradebookCsv([row("b", { x: 4, y: 6 }, null), row("a", {}, 'bad "zip"'), { ...row("c", { x: 4, y: 6 }, null), late }]);
    expect(csv.split("\n")).toEqual([
      "submission,student_id,name,assignment,option,status,score,max_score,x,y,deductions,late_days,late_penalty,zip_sha256,reason",
      `a,a,"A, B",A3,1,rejected,0,10,,,1,,,${"f".repeat(64)},"bad ""zip"""`,
      `b,b,"A, B",A3,1,graded,9,10,4,6,1,,,${"f".repeat(64)},`,
      `c,c,"A, B",A3,1,graded,7,10,4,6,1,2,2,${"f".repeat(64)},`,
      "",
    ]);
  });

  it("the repo's grader files are where the runner and gradescope package expect them", () => {
    for (const f of ["grader/run/runner/kit.ts", "grader/run/runner/protocol.ts", "grader/run/runner/wire.ts", "grader/run/sandbox-channel.ts"]) expect(fs.existsSync(path.join(ROOT, f))).toBe(true);
  });
});

describe("the job bundle", () => {
  it("holds the student's module, lib/ and the probes, but no solution code or expected values", async () => {
    const { buildJob } = await import("../grader/run/runner-build");
    const work = tmpDir("grader-bundle-");
    try {
      const r = await buildJob({ repoRoot: ROOT, workDir: work, modules: [{ path: MODULE, text: a3Fixture().solved }], grading: A3_GRADING });
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      const bundle = fs.readFileSync(path.join(r.jobDir, "bundle.js"), "utf8");
      expect(bundle).toContain("svm_vec_loss");
      expect(bundle).not.toMatch(/svmExpectation|softmaxExpectation|MSG\.|solutions\/|BEGIN SOLUTION|holdoutSplit/);
      const map = JSON.parse(fs.readFileSync(path.join(r.jobDir, "bundle.js.map"), "utf8")) as { sources: string[] };
      const graderFiles = map.sources.filter((s) => s.includes("grader/")).map((s) => s.slice(s.indexOf("grader/"))).sort();
      expect(graderFiles).toEqual(["grader/hidden/A3/inputs.ts", "grader/hidden/A3/probes.ts", "grader/run/runner/kit.ts", "grader/run/runner/protocol.ts", "grader/run/runner/wire.ts", "grader/run/sandbox-channel.ts"]);
      expect(map.sources.filter((s) => /solutions\//.test(s))).toEqual([]);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  });
});
