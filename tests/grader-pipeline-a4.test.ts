// A4 (two-layer net) through the same pipeline: full marks for the solution, planted bugs diagnosed.
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gradeBatch } from "../grader/batch";
import type { GradescopeResults } from "../grader/report/gradescope-results";
import { A4_GRADING } from "../grader/hidden/A4";
import { probes } from "../grader/hidden/A4/probes";
import { checkGrading } from "../grader/hidden/registry";
import { loadManifestSource, type ManifestSource } from "../grader/integrity/manifest-source";
import { a4ReferenceModel } from "../grader/samples/reference-models";
import { probeSandbox } from "../grader/run/sandbox";
import { buildSubmissionZip, replaceInBlock, solvedModuleText } from "../grader/samples/submission-builder";
import { CACHE, ROOT, SECRET, tmpDir } from "./grader-pipeline-fixture";

const MODULE = "student_src/two_layer_net.ts";
let work: string;
let out: string;
let source: ManifestSource;
const keys: Record<string, string> = {};
const results = (name: string): GradescopeResults => JSON.parse(fs.readFileSync(path.join(out, keys[name], "results.json"), "utf8"));

beforeAll(async () => {
  work = tmpDir("grader-a4-");
  out = path.join(work, "out");
  source = loadManifestSource(ROOT, "A4");
  const model = a4ReferenceModel(ROOT, CACHE);
  const solved = solvedModuleText(fs.readFileSync(path.join(ROOT, "solutions", "two_layer_net.ts"), "utf8"));
  const add = async (name: string, id: string, text: string) => {
    const z = await buildSubmissionZip(ROOT, source, { ...model, [MODULE]: text }, { name, id, option: 1 });
    fs.mkdirSync(path.join(work, "in"), { recursive: true });
    fs.writeFileSync(path.join(work, "in", z.fileName), z.zip);
    keys[name] = z.fileName.replace(/\.zip$/, "");
  };
  await add("Net Solution", "7001", solved);
  await add("No Relu Grad", "7002", replaceInBlock(solved, "nn-backward", ".mul_(hidden.gt(0))", ""));
  await add("Half Reg", "7003", replaceInBlock(solved, "nn-loss", "+ reg * (", "+ 0.5 * reg * ("));
  await gradeBatch({ inputs: [path.join(work, "in")], outDir: out, jobs: 2, secret: SECRET, repoRoot: ROOT, sandbox: await probeSandbox({ warn: () => {} }), log: () => {}, warn: () => {}, progressMode: "silent" });
}, 180_000);

afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
});

describe("grading A4", () => {
  it("its hidden tests cover every block with exactly its points", () => {
    expect(checkGrading(A4_GRADING, source.config, Object.keys(probes))).toEqual([]);
  });

  it("a solution-based submission gets full marks", () => {
    const r = results("Net Solution");
    expect(r.tests.filter((t) => t.status !== "passed").map((t) => `${t.name}: ${t.output}`)).toEqual([]);
    expect(r.score).toBe(100);
  });

  it("a missing ReLU gradient costs nn-backward, with the diagnosis", () => {
    const r = results("No Relu Grad");
    const t = r.tests.find((x) => x.tags[0] === "nn-backward")!;
    expect(t.output).toMatch(/Likely mistake: W1: the ReLU's gradient is missing/);
    expect(t.output).toMatch(/Likely mistake: b1: the ReLU's gradient is missing/);
    expect(r.extra_data.blocks["nn-backward"]).toBe(12.5);
    for (const b of ["nn-forward", "nn-loss", "nn-sgd-update", "nn-predict", "nn-search-params"]) expect(r.extra_data.blocks[b], b).toBe(results("Net Solution").extra_data.blocks[b]);
  });

  it("regularization times 1/2 in the loss costs part of nn-loss only", () => {
    const r = results("Half Reg");
    const lost = Object.entries(r.extra_data.blocks).filter(([id, p]) => p !== results("Net Solution").extra_data.blocks[id]).map(([id]) => id);
    expect(lost).toEqual(["nn-loss"]);
    expect(r.tests.find((x) => x.name.startsWith("nn-loss: nnForwardBackward: loss with"))!.output).toMatch(/the regularization term is multiplied by 1\/2/);
  });
});
