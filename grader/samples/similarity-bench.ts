/**
 * Similarity benchmark: `count` synthetic A3 submissions, each block taken from one of three correct solutions
 * (the reference and the two independent variants) with its locals renamed, its layout changed and filler
 * statements added at random, plus `copies` planted pairs (a submission and a disguised copy of it). Times
 * findSimilarPairs on them and checks that every planted pair is found. Seeded: the same arguments give the
 * same submissions.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { blockBody, parseBlocks } from "../../lib/course/blocks";
import { Generator } from "../../lib/tensor";
import { findSimilarPairs, type SimilarityResult, type SubmissionCode } from "../report/similarity";
import { solvedModuleText, stubModuleText } from "./submission-builder";
import { VARIANT_ONE, VARIANT_TWO, withBlocks } from "./a3-variants";

export interface SimilarityBenchResult {
  submissions: number;
  plantedPairs: number;
  foundPlanted: number;
  listedPairs: number;
  seconds: number;
  result: SimilarityResult;
}

const bodiesOf = (text: string): Record<string, string> => {
  const p = parseBlocks(text);
  return Object.fromEntries(p.blocks.map((b) => [b.id, blockBody(p, b).join("\n")]));
};

/** Local names the variants declare inside blocks (renaming them keeps the code valid). */
const LOCALS = ["scores", "correct", "margins", "coeff", "idx", "maxScore", "total", "expScores", "shifted", "logProbs", "dscores", "row",
  "s", "sCorrect", "hinge", "active", "counts", "picks", "classScores", "accuracy", "z", "zMax", "ez", "denom", "label", "logits", "logp",
  "onehot", "allScores", "own", "raw", "isCorrect", "marg", "ind", "perRow", "coef", "rows", "best", "correctTrain", "correctVal", "xr",
  "sc", "stable", "ex", "tot", "prob", "coefficient", "lse", "P", "Y", "Sh", "scaled"];

/** A block as another student might write the same code: renamed locals, other spacing, a filler line. */
function disguise(body: string, rng: Generator, tag: string, filler: number): string {
  let out = body;
  for (const name of LOCALS) if (rng.random() < 0.7) out = out.replace(new RegExp(`\\b${name}\\b`, "g"), `${name}${tag}`);
  const lines = out.split("\n").map((l) => (rng.random() < 0.3 ? l.replace(/ = /g, "=").replace(/, /g, " , ") : l));
  if (rng.random() < 0.5) lines.splice(Math.floor(rng.random() * (lines.length + 1)), 0, `  // step ${tag}`);
  if (rng.random() < 0.3) lines.unshift(`  const note${tag} = ${Math.floor(rng.random() * 100)};`, `  void note${tag};`);
  // Statements of their own between the lines (a log, a check) split the shared runs, as real styles differ.
  const out2: string[] = [];
  for (const l of lines) {
    out2.push(l);
    if (filler > 0 && rng.random() < filler && /;\s*$/.test(l)) out2.push(`  if (!Number.isFinite(${Math.floor(rng.random() * 9)})) throw new Error("unexpected");`);
  }
  return out2.join("\n");
}

export function similarityBenchInputs(repoRoot: string, count: number, copies: number, seed = 1): { subs: SubmissionCode[]; stubs: Record<string, string>; planted: [string, string][] } {
  const src = fs.readFileSync(path.join(repoRoot, "solutions", "linear_classifier.ts"), "utf8");
  const solved = solvedModuleText(src);
  const bases = [bodiesOf(solved), bodiesOf(withBlocks(solved, VARIANT_ONE)), bodiesOf(withBlocks(solved, VARIANT_TWO))];
  const stubs = bodiesOf(stubModuleText(src, "solutions/linear_classifier.ts"));
  const rng = new Generator(`similarity-bench:${seed}`);
  // Blocks whose locals are shared with the next block must come from the same base.
  const linked: Record<string, string> = { "svm-vectorized-grad": "svm-vectorized-loss" };
  const subs: SubmissionCode[] = [];
  const planted: [string, string][] = [];
  const originals = count - copies;
  for (let i = 0; i < originals; i++) {
    const pick: Record<string, number> = {};
    const blocks: Record<string, string> = {};
    for (const id of Object.keys(bases[0])) {
      pick[id] = linked[id] ? pick[linked[id]] : Math.floor(rng.random() * bases.length);
      blocks[id] = disguise(bases[pick[id]][id], rng, `_${i}`, 0.35);
    }
    subs.push({ key: `s${String(i).padStart(4, "0")}`, blocks });
  }
  for (let c = 0; c < copies; c++) {
    const of = subs[Math.floor(rng.random() * originals)];
    const key = `c${String(c).padStart(4, "0")}`;
    const blocks = Object.fromEntries(Object.entries(of.blocks).map(([id, b]) => [id, disguise(b, rng, `_c${c}`, 0)]));
    subs.push({ key, blocks });
    planted.push([of.key, key]);
  }
  return { subs, stubs, planted };
}

export function benchSimilarity(repoRoot: string, count = 1000, copies = 20, seed = 1): SimilarityBenchResult {
  const { subs, stubs, planted } = similarityBenchInputs(repoRoot, count, copies, seed);
  const t0 = performance.now();
  const result = findSimilarPairs(subs, { stubs });
  const seconds = (performance.now() - t0) / 1000;
  const listed = new Set(result.pairs.map((p) => `${p.a}|${p.b}`));
  const foundPlanted = planted.filter(([a, b]) => listed.has(a < b ? `${a}|${b}` : `${b}|${a}`)).length;
  return { submissions: subs.length, plantedPairs: planted.length, foundPlanted, listedPairs: result.pairs.length, seconds, result };
}
