// Executes notebooks/linear_classifier.ipynb headless with real Jupyter + tslab: once against the reference
// solutions (sanity numbers and accuracies), once against the released stubs (fails at the first TODO).
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runNotebook, type ExecutedNotebook } from "../scripts/notebook-runner";
import { makeProjectCopy, ROOT } from "./notebook-helpers";

/** Thresholds a few points under what the reference solution reaches on the embedded data (see README). */
export const A3_THRESHOLDS = { svmVal: 0.33, svmTest: 0.3, softmaxVal: 0.33, softmaxTest: 0.3 };

function copyWith(studentFrom: "solutions" | "student_src") {
  const copy = makeProjectCopy();
  fs.copyFileSync(path.join(ROOT, studentFrom, "linear_classifier.ts"), path.join(copy.root, "student_src", "linear_classifier.ts"));
  return copy;
}

function number(all: string, re: RegExp): number {
  const m = all.match(re);
  if (!m) throw new Error(`not in the notebook output: ${re}\n--- output ---\n${all.slice(0, 4000)}`);
  return Number(m[1]);
}

describe("A3 notebook with the reference solution", () => {
  let copy: ReturnType<typeof copyWith>;
  let nb: ExecutedNotebook;
  let out = "";
  beforeAll(async () => {
    copy = copyWith("solutions");
    nb = await runNotebook(path.join(copy.root, "notebooks", "linear_classifier.ipynb"), { timeoutSec: 300 });
    out = nb.cells.map((c) => c.stdout + c.text).join("\n");
    const slowest = [...nb.cells].sort((a, b) => b.seconds - a.seconds)[0];
    console.log(`A3 notebook: ${nb.seconds.toFixed(1)} s in all, slowest cell ${slowest.id} ${slowest.seconds.toFixed(1)} s`);
  }, 600_000);
  afterAll(() => copy?.cleanup());

  it("runs every cell without an error", () => {
    const failed = nb.cells.filter((c) => c.error).map((c) => `${c.id}: ${c.error!.ename} ${c.error!.evalue}\n${c.stderr}`);
    expect(failed).toEqual([]);
    expect(nb.fatal).toBeFalsy();
  });

  it("prints the reference course's sanity numbers", () => {
    expect(Math.abs(number(out, /SVM naive loss: ([\d.]+)/) - 9)).toBeLessThan(0.1);
    expect(Math.abs(number(out, /Softmax naive loss: ([\d.]+)/) - Math.log(10))).toBeLessThan(0.05);
    for (const m of out.matchAll(/gradient check \(reg [^)]*\): max relative error ([\d.e+-]+)/g)) {
      expect(Number(m[1])).toBeLessThan(1e-5);
    }
    expect([...out.matchAll(/gradient check/g)].length).toBe(4);
    expect(number(out, /SVM loss difference: ([\d.e+-]+)/)).toBeLessThan(1e-6);
    expect(number(out, /SVM gradient difference: ([\d.e+-]+)/)).toBeLessThan(1e-6);
    expect(number(out, /Softmax loss difference: ([\d.e+-]+)/)).toBeLessThan(1e-6);
    expect(number(out, /Softmax gradient difference: ([\d.e+-]+)/)).toBeLessThan(1e-6);
    expect(out).toContain("SVM: naive and vectorized agree, with and without regularization");
    expect(out).toContain("Softmax: naive and vectorized agree, with and without regularization");
    expect(out).toContain("Softmax stability (W = ones, reg 2.5e4): finite");
  });

  it("reaches the documented accuracies and saves both models", () => {
    expect(number(out, /best SVM validation accuracy: ([\d.]+)%/) / 100).toBeGreaterThan(A3_THRESHOLDS.svmVal);
    expect(number(out, /SVM test accuracy: ([\d.]+)%/) / 100).toBeGreaterThan(A3_THRESHOLDS.svmTest);
    expect(number(out, /best softmax validation accuracy: ([\d.]+)%/) / 100).toBeGreaterThan(A3_THRESHOLDS.softmaxVal);
    expect(number(out, /Softmax test accuracy: ([\d.]+)%/) / 100).toBeGreaterThan(A3_THRESHOLDS.softmaxTest);
    for (const f of ["svm_best_model.json", "softmax_best_model.json"]) expect(fs.existsSync(path.join(copy.root, f))).toBe(true);
  });

  it("draws the sample grid, charts and weight templates", () => {
    // PNGs travel inside HTML (an <img> with a data URL, plus the class-name labels); charts as inline SVG.
    const pngs = nb.cells.filter((c) => c.images.length > 0 || c.html.includes("data:image/png;base64,"));
    const svgs = nb.cells.filter((c) => c.html.includes("<svg"));
    expect(pngs.map((c) => c.id)).toEqual(expect.arrayContaining(["lc-data-load", "lc-svm-templates", "lc-softmax-templates"]));
    expect(svgs.length).toBeGreaterThanOrEqual(3);
  });
});

describe("A3 notebook with the released stubs", () => {
  it("fails at the first student function with the block's TODO message", async () => {
    const copy = copyWith("student_src");
    try {
      const nb = await runNotebook(path.join(copy.root, "notebooks", "linear_classifier.ipynb"), { timeoutSec: 120 });
      const first = nb.cells.find((c) => c.error);
      expect(first?.id).toBe("lc-svm-naive-loss");
      expect(first!.stderr + first!.error!.evalue).toContain("TODO: svm-naive-grad");
    } finally {
      copy.cleanup();
    }
  }, 300_000);
});
