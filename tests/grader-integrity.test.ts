// Grader integrity (issue 13), each class with real zips graded through the CLI (npm run grade):
// forged values score what the stub scores, every zip keeps its own row and folder (colliding names,
// gradebook.csv.zip), the gradebook covers the whole out folder, CSV formulas are neutralized, student text in
// feedback is quoted, identity problems are flagged, one planted bug costs only its own block, deep nesting and
// late sabotage are results (not grader errors), test statuses say how each test ended, and no reference code
// reaches any output when student code hunts for it (the stand-in builds run in a job of their own).
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GradescopeResults } from "../grader/report/gradescope-results";
import { replaceInBlock } from "../grader/samples/submission-builder";
import { a3Fixture, BUGS, bugged, MODULE, ROOT, SECRET, student, tmpDir, writeSubmission } from "./grader-pipeline-fixture";

let work: string;
let inDir: string;
let outDir: string;
let first: ReturnType<typeof spawnSync>;
let second: ReturnType<typeof spawnSync>;
let late: ReturnType<typeof spawnSync>;
let leak: ReturnType<typeof spawnSync>;
let leakOut: string;
const zips: Record<string, string> = {};

const grade = (inputs: string[], extra: string[] = [], out = outDir) =>
  spawnSync(process.execPath, [
    path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"), path.join(ROOT, "scripts", "grade.ts"), ...inputs,
    "--out", out, "--jobs", "2", "--seed-secret", SECRET, "--progress", "lines", ...extra,
  ], { cwd: ROOT, encoding: "utf8", timeout: 400_000 });

const folders = () => fs.readdirSync(outDir).filter((n) => fs.statSync(path.join(outDir, n)).isDirectory()).sort();
const byZip = (zipName: string): { key: string; r: GradescopeResults } => {
  for (const key of folders()) {
    const r = JSON.parse(fs.readFileSync(path.join(outDir, key, "results.json"), "utf8")) as GradescopeResults;
    if (r.extra_data.zip_name === zipName) return { key, r };
  }
  throw new Error(`no results for ${zipName}`);
};
const results = (name: string) => byZip(path.basename(zips[name])).r;
const feedback = (name: string) => fs.readFileSync(path.join(outDir, byZip(path.basename(zips[name])).key, "feedback.md"), "utf8");
const csvRows = () => fs.readFileSync(path.join(outDir, "gradebook.csv"), "utf8").trim().split("\n");

/** The stub module with some blocks' bodies replaced. */
function stubWith(bodies: Record<string, string>): string {
  let text = a3Fixture().stub;
  for (const [block, body] of Object.entries(bodies)) text = replaceInBlock(text, block, /^[\s\S]*$/, body);
  return text;
}

beforeAll(async () => {
  work = tmpDir("grader-integrity-");
  inDir = path.join(work, "in");
  outDir = path.join(work, "out");
  const add = async (name: string, id: string, files: Record<string, string> = {}, displayName = name) => {
    zips[name] = await writeSubmission(inDir, student(id, displayName), files);
  };
  await add("Good", "7000");
  await add("Stub", "7010", { [MODULE]: a3Fixture().stub });
  // Forged values: empty data under a plausible shape, a plain object posing as a tensor, a Tensor-prototyped
  // object with no storage.
  await add("Empty Data", "7011", {
    [MODULE]: stubWith({
      "svm-vectorized-grad": '  dW = { $tensor: true, shape: [...W.shape], dtype: "float64", data: [] } as unknown as Tensor;',
      "softmax-vectorized": '  dW = { $tensor: true, shape: [...W.shape], dtype: "float64", data: [] } as unknown as Tensor;\n  loss = NaN;',
      "linear-predict": "  yPred = Object.assign(Object.create(Object.getPrototypeOf(yPred)), { ...yPred, data: new Int32Array(0) });",
      "sample-batch":
        "  XBatch = Object.assign(Object.create(Object.getPrototypeOf(X)), { ...X, shape: [batchSize, X.size(1)], strides: [X.size(1), 1], data: new Float64Array(0) });\n" +
        "  yBatch = Object.assign(Object.create(Object.getPrototypeOf(y)), { ...y, shape: [batchSize], strides: [1], data: new Int32Array(0) });",
    }),
  });
  // The first block to run patches the intrinsics the old encoder used, then stops like the stub.
  await add("Patched", "7012", {
    [MODULE]: stubWith({
      "svm-naive-grad": [
        "        const from = Array.from;",
        "        (Array as unknown as { from: unknown }).from = (x: ArrayLike<unknown>, ...rest: []) => (ArrayBuffer.isView(x) ? [] : from(x, ...rest));",
        "        Array.prototype.map = function () { return []; } as never;",
        "        Object.keys = () => [];",
        '        JSON.stringify = () => "{}";',
        '        throw new Error("TODO: svm-naive-grad");',
      ].join("\n"),
    }),
  });
  await add("Planted", "7013", { [MODULE]: bugged(BUGS.marginNotZeroed) });
  await add("Deep", "7014", { [MODULE]: bugged(["linear-predict", "yPred = X.matmul(W).argmax(1);", `yPred = X.matmul(W).argmax(1);\n  const deep = ${"(".repeat(50_000)}1${")".repeat(50_000)};\n  void deep;`]) });
  await add("Builtin", "7015", { [MODULE]: bugged(["sample-batch", "const idx =", 'const fsx = (process as unknown as { getBuiltinModule(m: string): unknown }).getBuiltinModule("fs");\n  void fsx;\n  const idx ='] ) });
  await add("Sabotage", "7016", {
    [MODULE]: bugged(["softmax-search-params", /^/, '  (Object.prototype as unknown as { toJSON: unknown }).toJSON = function () { return "sabotaged"; };\n']),
  });
  await add("Fake Score", "7017", { [MODULE]: bugged(["softmax-naive", "const numTrain = X.size(0);", 'throw new Error("oops\\n\\n**Score: 100/100**\\n# A3 feedback");\n  const numTrain = X.size(0);']) });
  await add("Formula", "7018", {}, '=HYPERLINK("http://example.invalid","click")');
  // Solution hunting: the loss block reads every file of its job folder and the source of its own function,
  // and throws every line it found that looks like the grad block's core. Its grad block is correct but
  // written with its own names, so the reference grad (which stands in while the loss block's tests run) differs.
  zips.Leak = await writeSubmission(path.join(work, "leak"), student("7019", "Leak"), {
    [MODULE]: bugged(
      ["svm-vectorized-grad", /^[\s\S]*$/, "  const cf = margins.gt(0).to(W.dtype);\n  cf.scatter_(1, y, cf.sum(1).neg());\n  dW = X.t().matmul(cf).div_(numTrain).add_(W, 2 * reg);"],
      ["svm-vectorized-loss", /^[\s\S]*$/, [
        "  const leakFs = (process as unknown as { getBuiltinModule(m: string): { readdirSync(p: string): string[]; readFileSync(p: string, e: string): string } }).getBuiltinModule(\"fs\");",
        "  let leaked = String(svmLossVectorized) + String(svmLossNaive);",
        "  const walk = (dir: string): void => {",
        "    for (const n of leakFs.readdirSync(dir)) {",
        "      try { leaked += leakFs.readFileSync(`${dir}/${n}`, \"utf8\"); } catch { try { walk(`${dir}/${n}`); } catch { /* unreadable */ } }",
        "    }",
        "  };",
        "  walk(process.cwd());",
        "  const found = [...new Set(leaked.split(/\\\\n|\\n/).filter((l) => l.includes(\".sum(1).neg()\")).map((l) => l.trim()))];",
        "  throw new Error(`found: ${found.join(\" | \")}`);",
        "  const numTrain = 1; const margins = W; void numTrain; void margins;",
      ].join("\n")],
    ),
  });
  // Identity: a zip named for 6666 whose submission.json says 1001, next to 1001's own zip.
  await add("Owner", "1001");
  const mallory = await writeSubmission(path.join(work, "tmp"), student("1001", "Mallory"));
  zips.Mallory = path.join(inDir, "Mallory-6666-A3-O2.zip");
  fs.renameSync(mallory, zips.Mallory);
  // Names that collide once made safe, and one that looks like the grader's own file.
  const good = fs.readFileSync(zips.Good);
  for (const [name, file] of [["Dup A", "Dup Student-7001-A3-O2.zip"], ["Dup B", "Dup_Student-7001-A3-O2-2.zip"], ["Dup C", "Dup_Student-7001-A3-O2.zip"], ["Gradebook", "gradebook.csv.zip"]]) {
    zips[name] = path.join(inDir, file);
    fs.writeFileSync(zips[name], good);
  }
  first = grade([inDir]);
  if (process.env.KEEP_INTEGRITY_OUT) fs.cpSync(outDir, process.env.KEEP_INTEGRITY_OUT, { recursive: true });
  second = grade([inDir]);
  zips.Late = await writeSubmission(path.join(work, "late"), student("7099", "Late Student"));
  late = grade([zips.Late]);
  // In an out folder of its own: the class report shows similar students' code, and solved copies hold the line.
  leakOut = path.join(work, "leak-out");
  leak = grade([zips.Leak], [], leakOut);
}, 900_000);

afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
});

describe("grader integrity, through npm run grade", () => {
  it("every zip gets its own folder and row, gradebook.csv.zip included, and the batch exits 0", () => {
    expect(first.status, String(first.stderr)).toBe(0);
    const n = fs.readdirSync(inDir).filter((f) => f.endsWith(".zip")).length;
    expect(folders()).toHaveLength(n + 1); // + the late zip
    expect(fs.statSync(path.join(outDir, "gradebook.csv")).isFile()).toBe(true);
    for (const name of ["Dup A", "Dup B", "Dup C", "Gradebook"]) expect(results(name).score).toBe(100);
    expect(new Set(["Dup A", "Dup B", "Dup C", "Gradebook"].map((n) => byZip(path.basename(zips[n])).key)).size).toBe(4);
    expect(byZip("gradebook.csv.zip").key).not.toContain(".");
  });

  it("keys are stable: a second run over the same folder skips every submission", () => {
    expect(second.status, String(second.stderr)).toBe(0);
    const n = fs.readdirSync(inDir).filter((f) => f.endsWith(".zip")).length;
    expect(String(second.stdout)).toContain(`graded 0, skipped ${n} unchanged`);
  });

  it("a late zip graded into the same out folder keeps every earlier row", () => {
    expect(late.status, String(late.stderr)).toBe(0);
    const rows = csvRows();
    expect(rows).toHaveLength(folders().length + 1);
    expect(rows.filter((l) => l.includes(",7099,"))).toHaveLength(1);
    expect(rows.filter((l) => l.includes(",7013,"))).toHaveLength(1);
  });

  it("forged values (empty data, plain objects posing as tensors, patched intrinsics) score exactly what the stub scores", () => {
    const stub = results("Stub").score;
    expect(results("Empty Data").score).toBe(stub);
    expect(results("Patched").score).toBe(stub);
    // Graded with the reference loss standing in: only the verdict of that run is shown (it can quote student text).
    const grad = results("Empty Data").tests.find((t) => t.name.startsWith("svm-vectorized-grad:"))!;
    expect(grad.score).toBe(0);
    expect(grad.output).toMatch(/^wrong with the reference code in the other blocks: 0\/\d+ points|^not implemented yet: block "svm-vectorized-grad"/);
    const predict = results("Empty Data").tests.find((t) => t.name.startsWith("linear-predict:"))!;
    expect(predict.output).toMatch(/malformed tensor/);
  });

  it("one planted bug (margins not zeroed in svm-vectorized-loss) costs points in that block only", () => {
    const r = results("Planted");
    expect(r.extra_data.blocks["svm-vectorized-loss"]).toBeLessThan(12);
    for (const [block, pts] of Object.entries(r.extra_data.blocks)) if (block !== "svm-vectorized-loss") expect(pts, block).toBe(results("Good").extra_data.blocks[block]);
    const grad = r.tests.find((t) => t.name.startsWith("svm-vectorized-grad:"))!;
    expect(grad.extra_data?.stand_ins).toEqual(["svm-vectorized-loss"]);
    expect(grad.output).toMatch(/reference implementation standing in for block "svm-vectorized-loss"/);
  });

  it("no reference code reaches any output, though student code hunts for it; the stand-in credit stays", () => {
    const referenceLine = "coeff.scatter_(1, y, coeff.sum(1).neg());";
    expect(fs.readFileSync(path.join(ROOT, "solutions", "linear_classifier.ts"), "utf8")).toContain(referenceLine);
    const files = (dir: string): string[] => fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
    expect(leak.status, String(leak.stderr)).toBe(0);
    const outputs = files(leakOut);
    expect(outputs.map((f) => path.basename(f))).toEqual(expect.arrayContaining(["results.json", "feedback.md", "gradebook.csv", "report.html"]));
    for (const f of outputs) expect(fs.readFileSync(f, "utf8").includes("coeff.scatter_"), f).toBe(false);
    const key = fs.readdirSync(leakOut).find((n) => fs.statSync(path.join(leakOut, n)).isDirectory())!;
    const leakResults = JSON.parse(fs.readFileSync(path.join(leakOut, key, "results.json"), "utf8")) as GradescopeResults;
    // The hunt works: in its own build it finds (and shows) the student's own grad line.
    const loss = leakResults.tests.find((t) => t.name.startsWith("svm-vectorized-loss:"))!;
    expect(loss.output).toContain("cf.scatter_(1, y, cf.sum(1).neg());");
    expect(fs.readFileSync(path.join(leakOut, key, "feedback.md"), "utf8")).toContain("cf.scatter_(1, y, cf.sum(1).neg());");
    // The grad block is right: with the reference loss standing in it gets full marks.
    const grad = leakResults.tests.filter((t) => t.name.startsWith("svm-vectorized-grad:"));
    expect(grad.length).toBeGreaterThan(0);
    for (const t of grad) {
      expect(t.extra_data?.stand_ins, t.name).toEqual(["svm-vectorized-loss"]);
      expect(t.score, t.name).toBe(t.max_score);
    }
    expect(leakResults.extra_data.blocks["svm-vectorized-grad"]).toBe(results("Good").extra_data.blocks["svm-vectorized-grad"]);
  });

  it("50k nested parentheses set the block aside with a reason: not a grader error, and final (not regraded)", () => {
    const r = results("Deep");
    expect(r.extra_data.status).toBe("graded");
    expect(r.extra_data.blocks["linear-predict"]).toBe(0);
    expect(r.extra_data.blocks["test-one-param-set"]).toBe(5); // the reference predict stood in
    expect(feedback("Deep")).toMatch(/nests brackets 50000 levels deep/);
    expect(r.tests.find((t) => t.name.startsWith("linear-predict:"))!.extra_data?.status).toBe("did-not-compile");
  });

  it("process.getBuiltinModule in a block is a forbidden route to a built-in", () => {
    expect(feedback("Builtin")).toMatch(/must not reach Node's built-ins .* process\.getBuiltinModule/);
    expect(results("Builtin").score).toBe(100 - 2.5);
  });

  it("Object.prototype.toJSON set by a late block takes back nothing", () => {
    expect(results("Sabotage").score).toBe(100);
  });

  it("student text in feedback is quoted: a thrown message cannot forge a score line or a heading", () => {
    const fb = feedback("Fake Score");
    expect(fb.split("\n").filter((l) => /^\*\*Score:/.test(l))).toEqual([`**Score: ${results("Fake Score").score} / 100** (graded)`]);
    expect(fb.split("\n").filter((l) => /^# /.test(l))).toHaveLength(1);
    expect(fb).toMatch(/your code threw `+ Error `+: `+ oops \*\*Score: 100\/100\*\* # A3 feedback `+/);
    expect(results("Fake Score").tests.find((t) => t.name.startsWith("softmax-naive:"))!.extra_data?.status).toBe("crashed");
  });

  it("a formula in a student's name is neutralized in gradebook.csv", () => {
    const row = csvRows().find((l) => l.includes(",7018,"))!;
    expect(row).toContain(`"'=HYPERLINK(""http://example.invalid"",""click"")"`);
    expect(csvRows().every((l) => !/(^|,)=/.test(l))).toBe(true);
  });

  it("an id mismatch and two zips for one id are flagged in the row, the feedback and the batch summary", () => {
    const m = results("Mallory");
    expect(m.extra_data.student_id).toBe("1001");
    expect(m.extra_data.identity_flags[0]).toMatch(/zip's name says student 6666, submission.json says 1001/);
    expect(feedback("Mallory")).toMatch(/id mismatch/);
    expect(feedback("Mallory")).toMatch(/## Identity[\s\S]*duplicate: student 1001 also submitted/);
    expect(feedback("Owner")).toMatch(/duplicate: student 1001 also submitted/);
    const rows = csvRows().filter((l) => l.includes(",1001,"));
    expect(rows).toHaveLength(2);
    expect(rows.filter((l) => /,yes,/.test(l))).toHaveLength(1);
    expect(String(first.stdout)).toMatch(/identity: student 1001 has 2 submissions for A3/);
    expect(String(first.stdout)).toMatch(/identity: Mallory-6666-A3-O2: id mismatch/);
  });

  it("statuses: results.json, gradebook and feedback say how tests ended", () => {
    expect(results("Stub").extra_data.verdicts["not-implemented"]).toBeGreaterThan(0);
    expect(feedback("Stub")).toMatch(/FAIL \(not implemented\)/);
    expect(csvRows().find((l) => l.includes(",7013,"))).toMatch(/passed \d+; wrong \d+/);
    expect(results("Good").tests.every((t) => t.extra_data?.status === "passed" || t.max_score === 0)).toBe(true);
  });

  it("feedback and gradebook round points the same way", () => {
    for (const name of ["Planted", "Builtin", "Fake Score"]) {
      const r = results(name);
      expect(feedback(name)).toContain(`**Score: ${r.score} / 100**`);
      expect(csvRows().find((l) => l.includes(`,${r.extra_data.student_id},`))).toContain(`,${r.score},100,`);
    }
  });
});

describe("the parts, on their own", () => {
  it("every route to a built-in or to code from a string in a block is a forbidden-API finding", async () => {
    const { staticChecks } = await import("../grader/integrity/static-checks");
    const uses = [
      'const a = (process as any).getBuiltinModule("fs");',
      'const b = (process as any).binding("fs");',
      'const c = require("node:module").createRequire("/x");',
      "const d = (module as any).constructor;",
      "const e = import(`node:${'fs'}`);",
      'const f = eval("1 + 1");',
      'const g = new Function("return process")();',
      'const h = (() => 0).constructor.constructor("return 1")();',
      'const p = process; const i = (p as any)._linkedBinding("x");',
    ];
    const text = ["export function f() {", "  // ===================== BEGIN YOUR CODE: b =====================", ...uses, "  // ====================== END YOUR CODE: b ======================", "}", ""].join("\n");
    const found = staticChecks(text, "student_src/x.ts", [{ id: "b", startLine: 3, endLine: 2 + uses.length }], {
      b: { file: "student_src/x.ts", points: 1, vectorized: false, forbiddenApis: [] },
    });
    const lines = new Set(found.filter((f) => f.kind === "forbidden").map((f) => f.line));
    expect([...lines].sort((x, y) => x - y)).toEqual(uses.map((_, i) => i + 3));
  });

  it("work folders: 0700 (0711 as root), and a killed grader's folder is removed on the next start", async () => {
    const { makeWorkRoot, removeStaleWorkRoots } = await import("../grader/work-root");
    const tmp = tmpDir("grader-workroot-");
    try {
      const mine = makeWorkRoot(tmp);
      expect(fs.statSync(mine).mode & 0o777).toBe(process.getuid?.() === 0 ? 0o711 : 0o700);
      const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
      const stale = path.join(tmp, "dlvr-grade-Stale1");
      fs.mkdirSync(path.join(stale, "sub-x", "extract"), { recursive: true });
      fs.writeFileSync(path.join(stale, "owner.pid"), `${dead.stdout}\n`);
      const oldNoOwner = path.join(tmp, "dlvr-grade-Stale2");
      fs.mkdirSync(oldNoOwner);
      fs.utimesSync(oldNoOwner, new Date(Date.now() - 3600_000), new Date(Date.now() - 3600_000));
      expect(removeStaleWorkRoots(tmp).sort()).toEqual([stale, oldNoOwner].sort());
      expect(fs.existsSync(mine)).toBe(true);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe("resume and determinism stay", () => {
  let dir: string;
  let resumed: ReturnType<typeof spawnSync>;
  let forced: ReturnType<typeof spawnSync>;
  let before: Record<string, string>;
  let killedWork: string[] = [];
  const names = ["Good", "Stub", "Planted", "Deep", "Fake Score", "Mallory"];
  const gradeInto = (out: string, extra: string[] = []) =>
    [path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs"), path.join(ROOT, "scripts", "grade.ts"), path.join(dir, "in"), "--out", out, "--jobs", "1", "--seed-secret", SECRET, "--progress", "lines", ...extra];
  const snapshot = (out: string) => Object.fromEntries(fs.readdirSync(out).filter((k) => fs.existsSync(path.join(out, k, "results.json"))).map((k) => [k, fs.readFileSync(path.join(out, k, "results.json"), "utf8")]));

  beforeAll(async () => {
    dir = tmpDir("grader-resume-");
    fs.mkdirSync(path.join(dir, "in"));
    for (const n of names) fs.copyFileSync(zips[n], path.join(dir, "in", path.basename(zips[n])));
    const out = path.join(dir, "out");
    // A temp dir of their own: graders of other test files clean stale work folders in the shared one too.
    fs.mkdirSync(path.join(dir, "tmp"), { mode: 0o755 });
    const env = { ...process.env, TMPDIR: path.join(dir, "tmp") };
    // SIGKILL the whole grader (tsx and its node child) once two submissions are written.
    const child = spawn(process.execPath, gradeInto(out), { cwd: ROOT, detached: true, stdio: "ignore", env });
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        const done = fs.existsSync(out) ? fs.readdirSync(out).filter((k) => fs.existsSync(path.join(out, k, "results.json"))).length : 0;
        if (done >= 2 || child.exitCode !== null) {
          clearInterval(poll);
          try {
            process.kill(-child.pid!, "SIGKILL");
          } catch {
            // already gone
          }
          resolve();
        }
      }, 100);
    });
    killedWork = fs.readdirSync(path.join(dir, "tmp")).filter((f) => f.startsWith("dlvr-grade-"));
    // Wait until the killed grader is gone (dead, or a zombie nobody reaps yet) before the rerun looks.
    const owners = killedWork.map((w) => Number(fs.readFileSync(path.join(dir, "tmp", w, "owner.pid"), "utf8")));
    const gone = (pid: number) => {
      try {
        return /\) Z /.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
      } catch {
        return true; // no such process
      }
    };
    for (let i = 0; i < 100 && !owners.every(gone); i++) await new Promise((r) => setTimeout(r, 100));
    resumed = spawnSync(process.execPath, gradeInto(out), { cwd: ROOT, encoding: "utf8", timeout: 400_000, env });
    before = snapshot(out);
    forced = spawnSync(process.execPath, gradeInto(out, ["--force"]), { cwd: ROOT, encoding: "utf8", timeout: 400_000, env });
  }, 900_000);

  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("SIGKILL mid-batch, then a rerun: every row exactly once, and the killed grader's work folder is removed", () => {
    expect(resumed.status, String(resumed.stderr)).toBe(0);
    expect(String(resumed.stderr)).toMatch(/removed a work folder left by a grader that was killed/);
    expect(killedWork.length).toBeGreaterThan(0);
    for (const w of killedWork) expect(fs.existsSync(path.join(dir, "tmp", w)), w).toBe(false);
    const rows = fs.readFileSync(path.join(dir, "out", "gradebook.csv"), "utf8").trim().split("\n").slice(1);
    expect(rows).toHaveLength(names.length);
    expect(new Set(rows.map((l) => l.split(",")[0])).size).toBe(names.length);
  });

  it("the same folder graded again with --force gives byte-identical results.json for every row", () => {
    expect(forced.status, String(forced.stderr)).toBe(0);
    expect(String(forced.stdout)).toContain(`graded ${names.length}, skipped 0`);
    expect(snapshot(path.join(dir, "out"))).toEqual(before);
    expect(Object.keys(before)).toHaveLength(names.length);
  });
});
