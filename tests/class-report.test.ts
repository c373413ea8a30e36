// The TA's view of a batch: 20 mixed A3 submissions graded in a copy of the project whose A3 config has a late
// policy and per-question Canvas columns; report.html opened in headless chromium (puppeteer-core), the similar
// pairs, the late penalty, the Canvas CSV (parsed by Python's csv module) and a regrade through the grade CLI
// after a hidden-test change.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { GradescopeResults } from "../grader/report/gradescope-results";
import { disguisedCopy, renameInBlocks, VARIANT_ONE, VARIANT_TWO, withBlocks } from "../grader/samples/a3-variants";
import { a3Fixture, BUGS, bugged, MODULE, ROOT, SECRET, student, tmpDir, writeSubmission } from "./grader-pipeline-fixture";

const SCREENSHOT_DIR = process.env.CLASS_REPORT_SCREENSHOT_DIR;
const DEADLINE = "2026-03-14T23:59:00Z";
const at = (hoursAfterDeadline: number) => new Date(new Date(DEADLINE).getTime() + hoursAfterDeadline * 3600_000).toISOString();
const QUESTIONS = {
  "Q1 SVM": ["svm-naive-grad", "svm-naive-reg-grad", "svm-vectorized-loss", "svm-vectorized-grad"],
  "Q2 training": ["sample-batch", "sgd-update", "linear-predict", "svm-search-params", "test-one-param-set"],
  "Q3 softmax": ["softmax-naive", "softmax-vectorized", "softmax-search-params"],
};

let work: string;
let repo: string;
let inDir: string;
let outDir: string;
let cliOut = "";
let browser: Browser | null = null;
const keys: Record<string, string> = {};

const results = (key: string): GradescopeResults => JSON.parse(fs.readFileSync(path.join(outDir, key, "results.json"), "utf8"));

/** A copy of the project (sources only; node_modules linked) to change configs and hidden tests in. */
function copyProject(dest: string): void {
  for (const d of ["grader", "lib", "solutions", "scripts", "release", "student_src"]) {
    fs.cpSync(path.join(ROOT, d), path.join(dest, d), { recursive: true, filter: (src) => !/\/(node_modules|\.git)(\/|$)/.test(src) });
  }
  for (const f of ["package.json", "tsconfig.json"]) fs.copyFileSync(path.join(ROOT, f), path.join(dest, f));
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dest, "node_modules"));
  const cfgFile = path.join(dest, "grader", "assignments", "A3.json");
  const cfg = JSON.parse(fs.readFileSync(cfgFile, "utf8"));
  cfg.late = { deadline: DEADLINE, graceMinutes: 15, penaltyPerDay: 10, maxPenalty: 30 };
  cfg.lms = { assignmentName: "A3 Linear classifiers", columns: "questions", questions: QUESTIONS };
  fs.writeFileSync(cfgFile, `${JSON.stringify(cfg, null, 2)}\n`);
}

beforeAll(async () => {
  work = tmpDir("class-report-");
  repo = path.join(work, "repo");
  inDir = path.join(work, "in");
  outDir = path.join(work, "out");
  copyProject(repo);
  const f = a3Fixture();
  const v1 = withBlocks(f.solved, VARIANT_ONE);
  // v1 copied: every local renamed, comments and spacing changed.
  const v1copy = renameInBlocks(v1, { row: "xRow", n: "numEx", s: "sc", sCorrect: "own", hinge: "marg", active: "mask", counts: "k", picks: "ids",
    classScores: "out", accuracy: "acc", z: "logit", zMax: "top", ez: "e", denom: "tot", label: "lab", logits: "raw", logp: "lsm", onehot: "yy", N: "m", C: "k" })
    .replace(/\/\/ every correct-class entry.*\n/, "");
  const add = async (name: string, id: string, files: Record<string, string | Buffer>, hours: number | null, withModels = true) => {
    keys[name] = path.basename(await writeSubmission(inDir, student(id, `Student ${name}`), files, withModels, hours === null ? {} : { submittedAt: at(hours) }), ".zip");
  };
  await add("solution", "1001", {}, -30);
  await add("late1", "1002", {}, 10);
  await add("late5", "1003", { [MODULE]: bugged(BUGS.regGradHalf) }, 5 * 24 - 1);
  await add("grace", "1004", {}, 0.2);
  await add("v1", "1005", { [MODULE]: v1 }, -2);
  await add("v1copy", "1006", { [MODULE]: v1copy }, -1);
  await add("v2", "1007", { [MODULE]: withBlocks(f.solved, VARIANT_TWO) }, -5);
  await add("stub", "1008", { [MODULE]: f.stub }, -3, false);
  await add("bugs", "1009", { [MODULE]: bugged(BUGS.regGradHalf, BUGS.missingOneOverN, BUGS.unstableNaiveSoftmax, BUGS.halfRegSoftmax) }, -4);
  await add("margin", "1010", { [MODULE]: bugged(BUGS.marginNotZeroed) }, -6);
  await add("regGrad", "1011", { [MODULE]: bugged(BUGS.regGradHalf) }, -7);
  await add("halfReg", "1012", { [MODULE]: bugged(BUGS.halfRegSoftmax) }, -8);
  await add("loop", "1013", { [MODULE]: bugged(["sample-batch", "const idx = ", "while (numTrain > 0) { /* spin */ }\n  const idx = "]) }, -9);
  await add("noCompile", "1014", { [MODULE]: bugged(["linear-predict", "yPred = X.matmul(W).argmax(1);", "yPred = X.matmul(W).argmax(1;"]) }, -10);
  await add("throws", "1015", { [MODULE]: bugged(["svm-vectorized-grad", "const coeff = ", "throw new RangeError(\"oops\");\n  const coeff = "]) }, -11);
  await add("noTime", "1018", {}, null);
  await add("solCopy", "1019", { [MODULE]: disguisedCopy(f.solved) }, -12);
  await add("memory", "1020", { [MODULE]: bugged(["linear-predict", "yPred = ", "void new Float64Array(2 ** 40);\n  yPred = "]) }, -13);
  // The zip's name says 6666; submission.json says 1016.
  const mallory = await writeSubmission(inDir, student("1016", "Mal Lory"), {}, true, { submittedAt: at(-1) });
  fs.renameSync(mallory, path.join(inDir, "Mal_Lory-6666-A3-O1.zip"));
  keys.mismatch = "Mal_Lory-6666-A3-O1";
  fs.writeFileSync(path.join(inDir, "Not_AZip-1017-A3-O1.zip"), "this is not a zip");
  keys.notZip = "Not_AZip-1017-A3-O1";
  // The copy's own grade command (the grader's code and the project root must be the same tree).
  const r = gradeCli([inDir, "--out", outDir]);
  expect(r.status, r.stderr).toBe(0);
  cliOut = r.stdout;
}, 400_000);

const TSX = path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");
function gradeCli(args: string[]) {
  return spawnSync(process.execPath, [TSX, path.join(repo, "scripts", "grade.ts"), ...args, "--jobs", "2", "--seed-secret", SECRET, "--progress", "silent"],
    { cwd: repo, encoding: "utf8", env: { ...process.env, TENSOR_QUIET: "1" } });
}

/** Similar pairs as the report lists them ("keyA & keyB", sorted). */
async function reportPairs(page: Page): Promise<string[]> {
  return page.$$eval("table.similar-pairs tbody tr", (rows) => rows.map((r) => [r.children[1].textContent, r.children[2].textContent].sort().join(" & ")));
}

afterAll(async () => {
  await browser?.close();
  // KEEP_CLASS_REPORT=1 keeps the graded folder to look at.
  if (work && !process.env.KEEP_CLASS_REPORT) fs.rmSync(work, { recursive: true, force: true });
  else if (work) console.log(`kept ${work}`);
});

async function openReport(): Promise<Page> {
  browser ??= await puppeteer.launch({
    executablePath: "/usr/bin/chromium", headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
  const page = await browser.newPage();
  const requests: string[] = [];
  page.on("request", (r) => requests.push(r.url()));
  await page.setViewport({ width: 1400, height: 1000 });
  await page.goto(`file://${path.join(outDir, "report.html")}`, { waitUntil: "load" });
  // Self-contained: the page asks for nothing but itself.
  expect(requests.filter((u) => !u.endsWith("/report.html"))).toEqual([]);
  return page;
}

describe("class report", () => {
  it("grades the batch and writes report.html, gradebook-canvas.csv and a blocks.json per submission", () => {
    expect(cliOut).toMatch(/^graded 20, skipped 0 unchanged/m);
    expect(cliOut).toMatch(/^report: .*report\.html \(\d+ similar pairs?\); Canvas: .*gradebook-canvas\.csv$/m);
    expect(fs.existsSync(path.join(outDir, "report.html"))).toBe(true);
    expect(fs.existsSync(path.join(outDir, "gradebook-canvas.csv"))).toBe(true);
    const blocks = JSON.parse(fs.readFileSync(path.join(outDir, keys.v1, "blocks.json"), "utf8"));
    expect(blocks.blocks["svm-vectorized-loss"]).toContain("const hinge = s.sub(sCorrect.unsqueeze(1))");
  });

  it("shows the expected counts and charts in chromium", async () => {
    const page = await openReport();
    const text = (sel: string) => page.$eval(sel, (e) => e.textContent ?? "");
    expect(await text("#count-submissions")).toBe("20");
    const all = Object.keys(keys).map((k) => results(keys[k]));
    expect(await text("#count-graded")).toBe(String(all.filter((r) => r.extra_data.status === "graded").length));
    expect(await text("#count-full")).toBe(String(all.filter((r) => r.score === 100).length));
    expect(Number(await text("#count-late"))).toBe(2);
    // Histogram: 11 bins whose counts add up to every submission; the bin of each score holds it.
    const bars = await page.$$eval("#score-histogram rect.bar", (rs) => rs.map((r) => Number(r.getAttribute("data-value"))));
    expect(bars).toHaveLength(11);
    expect(bars.reduce((a, b) => a + b, 0)).toBe(20);
    expect(bars[10]).toBe(all.filter((r) => r.score === 100).length);
    // One bar per graded block, one per test.
    expect(await page.$$eval(".pass-blocks rect.bar", (rs) => rs.length)).toBe(12);
    const testCount = results(keys.solution).tests.filter((t) => t.max_score > 0).length;
    expect(await page.$$eval(".pass-tests rect.bar", (rs) => rs.length)).toBe(testCount);
    // The recognised mistakes of the results, by name.
    const diagnoses = new Set(all.flatMap((r) => r.tests.flatMap((t) => t.output.split("\n").filter((l) => l.startsWith("Likely mistake: ")).map((l) => l.slice(16)))));
    expect(diagnoses.size).toBeGreaterThan(2);
    const shown = await page.$$eval("table.diagnoses .diagnosis", (es) => es.map((e) => e.textContent));
    expect(new Set(shown)).toEqual(diagnoses);
    expect(shown.some((d) => /regularization gradient off by 2x/.test(d ?? ""))).toBe(true);
    // Time and memory per test, as the runner measured them: every probe test of A3, times that are numbers.
    const perTest = await page.$$eval("table.per-test-times tbody tr", (rows) => rows.map((r) => [...r.children].map((c) => c.textContent ?? "")));
    expect(perTest.map((r) => r[0])).toEqual(expect.arrayContaining(["svm_naive_grad", "softmax_vec", "sample_batch", "linear_predict"]));
    for (const r of perTest) expect(Number(r[2])).toBeGreaterThanOrEqual(0);
    expect(Math.max(...perTest.map((r) => Number(r[4])))).toBeGreaterThan(10);
    // Every student row links to a feedback.md that exists.
    const links = await page.$$eval("table.students a.feedback-link", (as) => as.map((a) => a.getAttribute("href") ?? ""));
    expect(links).toHaveLength(20);
    for (const l of links) expect(fs.existsSync(path.join(outDir, decodeURI(l)))).toBe(true);
    if (SCREENSHOT_DIR) {
      fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, "class-report.png"), fullPage: false });
      // (strings: the tests are compiled without the DOM library)
      await page.evaluate(`document.querySelectorAll("details.pair").forEach((d) => { d.open = d.dataset.a === ${JSON.stringify([keys.v1, keys.v1copy].sort()[0])}; })`);
      await page.evaluate(`document.querySelector('details.pair[open]').scrollIntoView()`);
      await page.screenshot({ path: path.join(SCREENSHOT_DIR, "class-report-similarity.png") });
    }
    await page.close();
  });

  it("flags identity mismatch, lateness, sandbox verdicts and the unreadable zip", async () => {
    const page = await openReport();
    const flagsOf = (key: string) => page.$$eval("table.flagged tr", (rows, k) => rows.filter((r) => r.querySelector("td")?.textContent === k)
      .flatMap((r) => [...r.querySelectorAll(".flag")].map((f) => `${f.getAttribute("data-kind")}: ${f.textContent}`)), key);
    expect(await flagsOf(keys.mismatch)).toContain("identity: zip name says student 6666, graded as 1016");
    expect(await flagsOf(keys.late1)).toContain("late: 1 day late: -10 points");
    expect((await flagsOf(keys.loop)).some((f) => /^sandbox: timeout in sample-batch/.test(f))).toBe(true);
    expect((await flagsOf(keys.memory)).some((f) => /^sandbox: memory in linear-predict/.test(f))).toBe(true);
    expect((await flagsOf(keys.notZip)).some((f) => /^status: rejected/.test(f))).toBe(true);
    // Within the grace period: not late (only similar to the other copies of the reference solution).
    const grace = await flagsOf(keys.grace);
    expect(grace.length).toBeGreaterThan(0);
    expect(grace.filter((f) => !f.startsWith("similar: "))).toEqual([]);
    await page.close();
  });

  it("lists the renamed copy as a pair, and not the independent solutions", async () => {
    const page = await openReport();
    const pairs = await reportPairs(page);
    const pair = (a: string, b: string) => [keys[a], keys[b]].sort().join(" & ");
    expect(pairs).toContain(pair("v1", "v1copy"));
    expect(pairs).toContain(pair("solution", "solCopy"));
    for (const [a, b] of [["v1", "v2"], ["v1", "solution"], ["v2", "solution"], ["v2", "v1copy"], ["stub", "noTime"]]) expect(pairs).not.toContain(pair(a, b));
    const score = await page.$$eval("table.similar-pairs tbody tr", (rows, want) => rows.filter((r) => [r.children[1].textContent, r.children[2].textContent].sort().join(" & ") === want)
      .map((r) => r.children[0].textContent), pair("v1", "v1copy"));
    expect(Number(score[0]?.replace("%", ""))).toBeGreaterThan(90);
    // The pair's blocks side by side, the matching lines marked.
    const blocks = await page.$$eval(`details.pair[data-a="${[keys.v1, keys.v1copy].sort()[0]}"][data-b="${[keys.v1, keys.v1copy].sort()[1]}"] .pair-block-title`, (es) => es.map((e) => e.textContent));
    expect(blocks).toEqual(expect.arrayContaining(["svm-vectorized-loss", "softmax-naive"]));
    const marked = await page.$$eval(`details.pair[data-a="${[keys.v1, keys.v1copy].sort()[0]}"] pre[data-side] .ln.hit`, (es) => es.map((e) => e.textContent));
    expect(marked.some((l) => /hinge|marg/.test(l ?? ""))).toBe(true);
    await page.close();
  });

  it("applies the late policy: grace period, per-day penalty, cap; shown in the row and the feedback", () => {
    expect(results(keys.solution).score).toBe(100);
    expect(results(keys.grace).score).toBe(100);
    expect(results(keys.grace).extra_data.late).toMatchObject({ daysLate: 0, points: 0 });
    const late1 = results(keys.late1);
    expect(late1.score).toBe(90);
    expect(late1.extra_data.late).toMatchObject({ daysLate: 1, percent: 10, points: 10, source: "submission.json" });
    expect(late1.tests.find((t) => t.name === "Late penalty")).toMatchObject({ score: -10, max_score: 0 });
    const fb = fs.readFileSync(path.join(outDir, keys.late1, "feedback.md"), "utf8");
    expect(fb).toMatch(/Late policy: Late: submitted 2026-03-15T09:59:00Z .*10\.0 hours after the deadline .*1 day late, -10% of the points possible = -10 points\./);
    expect(fb).toContain("**Score: 90 / 100**");
    // 5 days late: 50%, capped at 30% of the points possible.
    const late5 = results(keys.late5);
    const earned = Object.values(late5.extra_data.blocks).reduce((a, b) => a + b, 0);
    expect(late5.extra_data.late).toMatchObject({ daysLate: 5, percent: 30, points: 30 });
    expect(late5.score).toBeCloseTo(earned - 30, 2);
    expect(fs.readFileSync(path.join(outDir, keys.noTime, "feedback.md"), "utf8")).toContain("no submission time is known");
    expect(results(keys.noTime).score).toBe(100);
    const csv = fs.readFileSync(path.join(outDir, "gradebook.csv"), "utf8").split("\n");
    const head = csv[0].split(",");
    const row = csv.find((l) => l.startsWith(`${keys.late1},`))!.split(",");
    expect(row[head.indexOf("score")]).toBe("90");
    expect(row[head.indexOf("late_days")]).toBe("1");
    expect(row[head.indexOf("late_penalty")]).toBe("10");
  });

  it("the LMS's submission time (Gradescope's created_at) beats the one in submission.json", () => {
    const meta = path.join(work, "submission_metadata.json");
    fs.writeFileSync(meta, JSON.stringify({ created_at: "2026-03-16T05:59:00.000000+00:00", users: [{ sid: "1001", email: "s@example.edu" }] }));
    const out3 = path.join(work, "out3");
    const r = gradeCli([path.join(inDir, `${keys.solution}.zip`), "--out", out3, "--metadata", meta]);
    expect(r.status, r.stderr).toBe(0);
    const res = JSON.parse(fs.readFileSync(path.join(out3, keys.solution, "results.json"), "utf8")) as GradescopeResults;
    expect(res.extra_data.late).toMatchObject({ source: "lms", submittedAt: "2026-03-16T05:59:00.000Z", daysLate: 2, points: 20 });
    expect(res.score).toBe(80);
  });

  it("writes a Canvas gradebook CSV with one column per question and a Points Possible row", () => {
    const py = spawnSync("python3", ["-c", "import csv, json, sys; print(json.dumps(list(csv.reader(open(sys.argv[1], newline='')))))", path.join(outDir, "gradebook-canvas.csv")], { encoding: "utf8" });
    expect(py.status).toBe(0);
    const rows = JSON.parse(py.stdout) as string[][];
    expect(rows[0]).toEqual(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "A3 Linear classifiers: Q1 SVM", "A3 Linear classifiers: Q2 training", "A3 Linear classifiers: Q3 softmax"]);
    expect(rows[1]).toEqual(["Points Possible", "", "", "", "", "36", "24", "40"]);
    const ids = rows.slice(2).map((r) => r[2]);
    expect(ids).toEqual([...new Set(ids)].sort());
    expect(ids).toEqual(expect.arrayContaining(["1001", "1002", "1016", "1017"]));
    const sumOf = (id: string) => rows.find((r) => r[2] === id)!.slice(5).reduce((a, c) => a + Number(c), 0);
    expect(sumOf("1001")).toBe(100);
    expect(sumOf("1002")).toBeCloseTo(90, 1);
    expect(rows.find((r) => r[2] === "1002")![0]).toBe("Student late1");
  });

  it("a regrade after a hidden-test change lists exactly the students whose score changed", () => {
    // Regrade a subset in its own out folder: copy their zips and results.
    const subset = ["solution", "v1", "bugs", "margin", "halfReg", "regGrad"];
    const in2 = path.join(work, "in2"), out2 = path.join(work, "out2");
    fs.mkdirSync(in2);
    for (const k of subset) {
      fs.copyFileSync(path.join(inDir, `${keys[k]}.zip`), path.join(in2, `${keys[k]}.zip`));
      fs.cpSync(path.join(outDir, keys[k]), path.join(out2, keys[k]), { recursive: true });
    }
    const scores = (dir: string) => Object.fromEntries(subset.map((k) => [keys[k], (JSON.parse(fs.readFileSync(path.join(dir, keys[k], "results.json"), "utf8")) as GradescopeResults).score]));
    const before = scores(out2);
    // The change: softmax loss+gradient tests weigh the loss and the gradient equally (was 0.4 / 0.6).
    const testsFile = path.join(repo, "grader", "hidden", "A3", "tests.ts");
    const src = fs.readFileSync(testsFile, "utf8");
    expect(src).toContain("const BOTH = { lossWeight: 0.4, gradWeight: 0.6 };");
    fs.writeFileSync(testsFile, src.replace("const BOTH = { lossWeight: 0.4, gradWeight: 0.6 };", "const BOTH = { lossWeight: 0.5, gradWeight: 0.5 };"));
    const r = gradeCli([in2, "--out", out2, "--regrade"]);
    expect(r.status, r.stderr).toBe(0);
    const after = scores(out2);
    const changed = subset.map((k) => keys[k]).filter((k) => before[k] !== after[k]).sort();
    expect(changed).toContain(keys.halfReg);
    expect(changed).not.toContain(keys.solution);
    const lines = fs.readFileSync(path.join(out2, "regrade.csv"), "utf8").trim().split("\n");
    expect(lines[0]).toBe("submission,student_id,name,old_score,new_score,change,tests_changed");
    const rows = lines.slice(1).map((l) => l.split(","));
    expect(rows.map((x) => x[0]).sort()).toEqual(changed);
    for (const x of rows) {
      expect(Number(x[3])).toBe(before[x[0]]);
      expect(Number(x[4])).toBe(after[x[0]]);
      expect(x[6]).toMatch(/softmax-(naive|vectorized): /);
    }
    expect(r.stdout).toContain(`regrade: ${changed.length} of ${subset.length} submissions changed`);
    const html = fs.readFileSync(path.join(out2, "report.html"), "utf8");
    expect(html).toContain(`<span id="regrade-count">${changed.length}</span>`);
  });
});
