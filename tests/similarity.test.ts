// Similarity of designated-block code (grader/report/similarity.ts) on A3 block variants, without grading:
// renaming and layout do not hide a copy, independent solutions stay apart, stubs never match, the result does
// not depend on the input order; the synthetic benchmark finds every planted copy. Plus the late policy and the
// new assignment-config fields.
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { blockBody, parseBlocks } from "../lib/course/blocks";
import { validateConfig } from "../lib/course/config";
import { findSimilarPairs, kgramHashes, similarityGroups, tokenize, winnow, type SubmissionCode } from "../grader/report/similarity";
import { disguisedCopy, VARIANT_ONE, VARIANT_TWO, withBlocks } from "../grader/samples/a3-variants";
import { benchSimilarity } from "../grader/samples/similarity-bench";
import { solvedModuleText, stubModuleText } from "../grader/samples/submission-builder";
import { lateInfo, lateText, parseTime } from "../grader/score/late-policy";

const ROOT = path.resolve(__dirname, "..");
const SRC = fs.readFileSync(path.join(ROOT, "solutions", "linear_classifier.ts"), "utf8");
const SOLVED = solvedModuleText(SRC);
const bodies = (text: string) => {
  const p = parseBlocks(text);
  return Object.fromEntries(p.blocks.map((b) => [b.id, blockBody(p, b).join("\n")]));
};
const STUBS = bodies(stubModuleText(SRC, "solutions/linear_classifier.ts"));
const sub = (key: string, text: string): SubmissionCode => ({ key, blocks: bodies(text) });
const pairKeys = (subs: SubmissionCode[]) => findSimilarPairs(subs, { stubs: STUBS }).pairs.map((p) => `${p.a}~${p.b}`);

describe("tokens", () => {
  it("drop comments and layout, normalize names and literals, keep property names", () => {
    const a = tokenize("const margins = scores.sub(correct).add(1); // hinge\n");
    const b = tokenize("const   m=s.sub( c )\n  .add(42);");
    expect(a.map((t) => t.norm)).toEqual(b.map((t) => t.norm));
    expect(a.map((t) => t.norm)).toEqual(["const", "ID", "=", "ID", ".sub", "(", "ID", ")", ".add", "(", "NUM", ")", ";"]);
    expect(tokenize("x.mul(W)").map((t) => t.norm)).not.toEqual(tokenize("x.matmul(W)").map((t) => t.norm));
    expect(tokenize("const s = `a${b}c${d}e`; const r = /x+/g;").map((t) => t.norm)).toEqual(
      ["const", "ID", "=", "TPL", "ID", "TPL", "ID", "TPL", ";", "const", "ID", "=", "STR", ";"]);
    expect(b.map((t) => t.line)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
  });

  it("winnowing keeps a fingerprint in every window, the same for equal token runs", () => {
    const t = tokenize(Object.values(bodies(SOLVED)).join("\n"));
    const h = kgramHashes(t, 8, "b");
    const w = winnow(h, 4);
    for (let s = 0; s + 4 <= h.length; s++) expect(w.some((f) => f.pos >= s && f.pos < s + 4)).toBe(true);
    expect(winnow(kgramHashes(tokenize(Object.values(bodies(disguisedCopy(SOLVED))).join("\n")), 8, "b"), 4).map((f) => f.hash)).toEqual(w.map((f) => f.hash));
  });
});

describe("pairs", () => {
  const subs = [
    sub("sol", SOLVED), sub("copy", disguisedCopy(SOLVED)), sub("one", withBlocks(SOLVED, VARIANT_ONE)),
    sub("two", withBlocks(SOLVED, VARIANT_TWO)), sub("stubA", stubModuleText(SRC, "x")), sub("stubB", stubModuleText(SRC, "x")),
  ];

  it("flag the renamed copy and nothing else", () => {
    const r = findSimilarPairs(subs, { stubs: STUBS });
    expect(r.pairs.map((p) => `${p.a}~${p.b}`)).toEqual(["copy~sol"]);
    expect(r.pairs[0].score).toBe(1);
    expect(r.fingerprints.stubA).toBe(0);
    // Independent solutions share the idioms of the tensor API, well below the threshold.
    const all = findSimilarPairs(subs, { stubs: STUBS, threshold: 0, minShared: 0 });
    for (const p of all.pairs.filter((x) => x.a !== "copy" || x.b !== "sol")) expect(p.score).toBeLessThan(0.45);
  });

  it("the released stub's code never counts (two students who left it alone are not a pair)", () => {
    const stub = "  const result = helper(inputs, weights, 1);\n  let total = 0;\n  for (const r of result) total += r.value * 2;\n  return total;";
    const a = { key: "a", blocks: { b: `${stub}\n  const mine = inputs.map((x) => x * 3);` } };
    const b = { key: "b", blocks: { b: `${stub}\n  if (weights.length > 2) console.log("other work");` } };
    expect(findSimilarPairs([a, b], { minShared: 1 }).pairs.map((p) => `${p.a}~${p.b}`)).toEqual(["a~b"]);
    expect(findSimilarPairs([a, b], { minShared: 1, stubs: { b: stub } }).pairs).toEqual([]);
  });

  it("a copy of a few blocks only shows in those blocks", () => {
    const half = withBlocks(withBlocks(SOLVED, VARIANT_ONE), { "softmax-naive": bodies(SOLVED)["softmax-naive"], "softmax-vectorized": bodies(SOLVED)["softmax-vectorized"] });
    const r = findSimilarPairs([sub("sol", SOLVED), sub("half", half)], { stubs: STUBS, threshold: 0 });
    const p = r.pairs[0];
    const regions = new Set(p.regions.map((x) => x.block));
    expect(regions.has("softmax-naive") && regions.has("softmax-vectorized")).toBe(true);
    expect(p.blocks["softmax-naive"] + p.blocks["softmax-vectorized"]).toBeGreaterThan(0.8 * p.shared);
  });

  it("do not depend on the order of the submissions", () => {
    const shuffled = [subs[3], subs[1], subs[5], subs[0], subs[4], subs[2]];
    expect(findSimilarPairs(shuffled, { stubs: STUBS, threshold: 0 })).toEqual(findSimilarPairs(subs, { stubs: STUBS, threshold: 0 }));
    expect(pairKeys(shuffled)).toEqual(pairKeys(subs));
  });

  it("groups are the connected components of the pairs", () => {
    const p = (a: string, b: string) => ({ a, b, score: 1, shared: 1, coverA: 1, coverB: 1, blocks: {}, regions: [] });
    expect(similarityGroups([p("a", "b"), p("c", "d"), p("b", "e")])).toEqual([["a", "b", "e"], ["c", "d"]]);
  });

  it("the synthetic benchmark finds every planted copy", () => {
    const r = benchSimilarity(ROOT, 80, 6, 3);
    expect(r.submissions).toBe(80);
    expect(r.foundPlanted).toBe(6);
    expect(benchSimilarity(ROOT, 80, 6, 3).result.pairs).toEqual(r.result.pairs);
  });
});

describe("late policy", () => {
  const policy = { deadline: "2026-03-14T23:59:00+01:00", graceMinutes: 15, penaltyPerDay: 10, maxPenalty: 30 };
  const after = (minutes: number) => new Date(new Date(policy.deadline).getTime() + minutes * 60_000).toISOString();

  it("on time, within the grace period, per started day, capped, never below zero", () => {
    expect(lateInfo(policy, after(-60), "lms", 100, 80)).toMatchObject({ daysLate: 0, points: 0, minutesLate: 0 });
    expect(lateInfo(policy, after(15), "lms", 100, 80)).toMatchObject({ daysLate: 0, points: 0 });
    expect(lateInfo(policy, after(16), "lms", 100, 80)).toMatchObject({ daysLate: 1, percent: 10, points: 10, minutesLate: 16 });
    expect(lateInfo(policy, after(24 * 60), "lms", 100, 80)).toMatchObject({ daysLate: 1, points: 10 });
    expect(lateInfo(policy, after(24 * 60 + 1), "lms", 100, 80)).toMatchObject({ daysLate: 2, points: 20 });
    expect(lateInfo(policy, after(10 * 24 * 60), "lms", 100, 80)).toMatchObject({ daysLate: 10, percent: 30, points: 30 });
    expect(lateInfo(policy, after(10 * 24 * 60), "lms", 100, 12)).toMatchObject({ percent: 30, points: 12 });
    expect(lateInfo({ deadline: policy.deadline, penaltyPerDay: 25 }, after(5 * 24 * 60), "lms", 40, 40)).toMatchObject({ percent: 100, points: 40 });
    expect(lateText(lateInfo(policy, after(90), "submission.json", 100, 80))).toBe(
      "Late: submitted 2026-03-15T00:29:00Z (time recorded by npm run submit), 1.5 hours after the deadline (2026-03-14T22:59:00Z): 1 day late, -10% of the points possible = -10 points.");
  });

  it("times from submissions are checked", () => {
    expect(parseTime("2026-03-14T10:00:00Z")).toBe("2026-03-14T10:00:00.000Z");
    expect(parseTime("2026-03-14 10:00:00.123456+00:00")).toBe("2026-03-14T10:00:00.123Z");
    for (const bad of ["yesterday", "", 12, null, {}, "2026-13-45T99:99:99Z", "2026-03-14T10:00:00Z".repeat(4)]) expect(parseTime(bad)).toBeNull();
  });
});

describe("assignment config: late and lms", () => {
  const base = JSON.parse(fs.readFileSync(path.join(ROOT, "grader", "assignments", "A3.json"), "utf8"));
  it("accepts a late policy and per-question columns", () => {
    expect(validateConfig({ ...base, late: { deadline: "2026-03-14T23:59:00Z", penaltyPerDay: 10 }, lms: { columns: "questions", questions: { Q1: ["svm-naive-grad"] } } }, "A3")).toEqual([]);
  });
  it("names the field that is wrong", () => {
    const errs = (extra: object) => validateConfig({ ...base, ...extra }, "A3").join("\n");
    expect(errs({ late: { deadline: "2026-03-14 23:59", penaltyPerDay: 10 } })).toMatch(/late\.deadline|late\/deadline/);
    expect(errs({ late: { deadline: "2026-03-14T23:59:00Z", penaltyPerDay: 150 } })).toMatch(/penaltyPerDay/);
    expect(errs({ lms: { columns: "questions" } })).toMatch(/lms\.questions: needed/);
    expect(errs({ lms: { columns: "questions", questions: { Q1: ["nope"] } } })).toMatch(/"nope" is not a block/);
    expect(errs({ lms: { questions: { Q1: ["sgd-update"], Q2: ["sgd-update"] } } })).toMatch(/already counted in "Q1"/);
  });
});
