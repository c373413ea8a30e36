// A batch mixing a correct submission with broken and hostile ones, graded through the CLI (npm run grade):
// every submission gets a row and a reason, the correct one full marks, the batch exits 0.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { zipBuffer } from "../lib/course/package-zip";
import type { GradescopeResults } from "../grader/report/gradescope-results";
import { a3Fixture, bugged, MODULE, ROOT, SECRET, student, tmpDir, writeSubmission } from "./grader-pipeline-fixture";

let work: string;
let outDir: string;
let run: ReturnType<typeof spawnSync>;
const keys: Record<string, string> = {};

const results = (name: string): GradescopeResults => JSON.parse(fs.readFileSync(path.join(outDir, keys[name], "results.json"), "utf8"));
const feedback = (name: string): string => fs.readFileSync(path.join(outDir, keys[name], "feedback.md"), "utf8");
const blockTests = (name: string, block: string) => results(name).tests.filter((t) => t.tags[0] === block && t.max_score > 0);

beforeAll(async () => {
  work = tmpDir("grader-hostile-");
  const inDir = path.join(work, "in");
  outDir = path.join(work, "out");
  const add = async (name: string, id: string, files: Record<string, string | Buffer> = {}, withModels = true) => {
    keys[name] = path.basename(await writeSubmission(inDir, student(id, name), files, withModels), ".zip");
  };
  const solved = a3Fixture().solved;
  await add("Good", "5001");
  fs.writeFileSync(path.join(inDir, "Not_A_Zip-5002-A3-O1.zip"), "this is not a zip file\n");
  keys["Not A Zip"] = "Not_A_Zip-5002-A3-O1";
  const damaged = solved
    .replace("// ===================== BEGIN YOUR CODE: sample-batch =====================", "// BEGIN YOUR CODE sample-batch")
    .replace("export interface LossResult {", "const = ;\nexport interface LossResult {");
  await add("Broken Build", "5003", { [MODULE]: damaged });
  await add("Block Typo", "5004", { [MODULE]: bugged(["linear-predict", "yPred = X.matmul(W).argmax(1);", "yPred = X.matmul(W).argmax(1) +;"]) });
  await add("Loop Forever", "5005", { [MODULE]: bugged(["svm-vectorized-loss", "const numTrain = X.size(0);", "const numTrain = X.size(0);\n  for (;;) {}"]) });
  await add("Exit Early", "5006", { [MODULE]: bugged(["softmax-naive", "const numTrain = X.size(0);", "const numTrain = X.size(0);\n  process.exit(0);"]) });
  await add("Memory Hog", "5007", {
    [MODULE]: bugged(["softmax-vectorized", "const numTrain = X.size(0);", "const numTrain = X.size(0);\n  const keep: Float64Array[] = [];\n  for (;;) keep.push(new Float64Array(1 << 24));"]),
  });
  const onlyInfo = await zipBuffer([{ path: "submission.json", data: Buffer.from(JSON.stringify({ assignment: "A3", name: "No Files", id: "5008", option: 1 })) }]);
  fs.writeFileSync(path.join(inDir, "No_Files-5008-A3-O1.zip"), onlyInfo);
  keys["No Files"] = "No_Files-5008-A3-O1";
  run = spawnSync(process.execPath, [
    path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"), path.join(ROOT, "scripts", "grade.ts"), inDir,
    "--out", outDir, "--jobs", "2", "--seed-secret", SECRET, "--time-scale", "0.3", "--progress", "lines",
  ], { cwd: ROOT, encoding: "utf8", timeout: 240_000 });
}, 300_000);

afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
});

describe("a batch with broken and hostile submissions", () => {
  it("finishes with exit code 0, one console line and one gradebook row per submission", () => {
    expect(run.status, String(run.stderr)).toBe(0);
    const lines = String(run.stdout).split("\n").filter((l) => /^\s*\d+\.\d\d\/100 /.test(l));
    expect(lines).toHaveLength(8);
    const csv = fs.readFileSync(path.join(outDir, "gradebook.csv"), "utf8").trim().split("\n");
    expect(csv).toHaveLength(9);
    expect(String(run.stdout)).toMatch(/graded 8, skipped 0 unchanged/);
  });

  it("the correct submission in the same batch gets full marks", () => {
    expect(results("Good").score).toBe(100);
  });

  it("a file that is not a zip is rejected with the reason", () => {
    expect(results("Not A Zip").extra_data).toMatchObject({ status: "rejected", student_id: "5002" });
    expect(results("Not A Zip").extra_data.status_reason).toMatch(/not-a-zip/);
    expect(feedback("Not A Zip")).toMatch(/rejected: the zip could not be read/);
    // The reason is given once, not once per test.
    expect(feedback("Not A Zip").split("not-a-zip").length - 1).toBe(1);
    expect(feedback("Not A Zip")).toMatch(/FAIL \(not run\) .*\n  - not run: the zip was rejected \(the reason is at the top\)/);
  });

  it("a module that does not compile: status compile-error, the compiler's message in the feedback, no hidden test runs", () => {
    const r = results("Broken Build");
    expect(r.extra_data.status).toBe("compile-error");
    expect(r.tests.filter((t) => t.max_score > 0 && !/best_model/.test(t.name)).every((t) => t.score === 0 && /^not run: the code does not compile/.test(t.output))).toBe(true);
    expect(feedback("Broken Build")).toMatch(/student_src\/linear_classifier\.ts:\d+:\d+: error: /);
    expect(feedback("Broken Build")).toMatch(/Block banners damaged/);
  });

  it("a syntax error inside one block only sets that block aside", () => {
    const r = results("Block Typo");
    expect(r.extra_data.blocks["linear-predict"]).toBe(0);
    expect(r.extra_data.blocks["softmax-vectorized"]).toBe(20);
    expect(blockTests("Block Typo", "linear-predict")[0].output).toBe('not run: block "linear-predict" does not compile (see the compile error)');
    // testOneParamSet calls predictLinearClassifier: the reference stood in, so the typo costs linear-predict only.
    expect(r.extra_data.blocks["test-one-param-set"]).toBe(5);
    expect(blockTests("Block Typo", "test-one-param-set")[0].extra_data?.stand_ins).toContain("linear-predict");
    expect(feedback("Block Typo")).toMatch(/error: Unexpected ";"/);
  });

  it("an infinite loop in svmLossVectorized fails its tests with a timeout and costs nothing else", () => {
    const r = results("Loop Forever");
    for (const t of blockTests("Loop Forever", "svm-vectorized-loss")) {
      expect(t.score).toBe(0);
      expect(t.output).toMatch(/^did not finish in time: time limit of [\d.]+ s reached \(infinite loop or too slow\)/);
      expect(t.extra_data?.status).toBe("too-slow");
    }
    // The gradient block is fine: its test ran with the reference loss block standing in (one bug costs once).
    expect(r.extra_data.blocks["svm-vectorized-grad"]).toBe(12);
    expect(r.score).toBe(100 - 12);
    expect(r.extra_data.blocks["softmax-vectorized"]).toBe(20);
  });

  it("process.exit() in softmaxLossNaive fails those tests with a clear reason, the rest is graded", () => {
    const r = results("Exit Early");
    for (const t of blockTests("Exit Early", "softmax-naive")) expect(t.output).toMatch(/without reporting a result \(did the submission call process\.exit\(\)\?\)/);
    expect(r.score).toBe(100 - 15);
  });

  it("a memory hog fails its tests as out of memory", () => {
    const r = results("Memory Hog");
    for (const t of blockTests("Memory Hog", "softmax-vectorized")) expect(t.output).toMatch(/^ran out of memory: /);
    expect(r.score).toBe(100 - 20);
  });

  it("a zip without the student module: status missing-files with the missing paths", () => {
    const r = results("No Files");
    expect(r.extra_data.status).toBe("missing-files");
    expect(r.extra_data.status_reason).toMatch(/student_src\/linear_classifier\.ts/);
    expect(r.score).toBe(0);
  });
});
