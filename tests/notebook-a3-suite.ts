// The A3 notebook suite, run per kernel (tests/notebook-a3.test.ts: tslab; tests/notebook-deno.test.ts: Deno):
// executes notebooks/linear_classifier.ipynb headless with real Jupyter, once against the reference solutions
// (sanity numbers and accuracies), once against the released stubs (fails at the first TODO).
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runNotebook, type ExecutedNotebook } from "../scripts/notebook-runner";
import { solvedModuleText } from "../grader/samples/submission-builder";
import { makeProjectCopy, ROOT, type NotebookKernel } from "./notebook-helpers";
import { submitAndGradeRun, testSummary } from "./notebook-grading";

/** Thresholds a few points under what the reference solution reaches on the embedded data (see README). */
export const A3_THRESHOLDS = { svmVal: 0.33, svmTest: 0.3, softmaxVal: 0.33, softmaxTest: 0.3 };

/** A project copy whose student module is the released stub or the solution as a student would hand it in. */
function copyWith(studentFrom: "solutions" | "student_src") {
  const copy = makeProjectCopy();
  const text = fs.readFileSync(path.join(ROOT, studentFrom, "linear_classifier.ts"), "utf8");
  fs.writeFileSync(path.join(copy.root, "student_src", "linear_classifier.ts"), studentFrom === "solutions" ? solvedModuleText(text) : text);
  return copy;
}

function number(all: string, re: RegExp): number {
  const m = all.match(re);
  if (!m) throw new Error(`not in the notebook output: ${re}\n--- output ---\n${all.slice(0, 4000)}`);
  return Number(m[1]);
}

export function a3NotebookSuite(kernel: NotebookKernel): void {
  describe(`A3 notebook with the reference solution (${kernel})`, () => {
    let copy: ReturnType<typeof copyWith>;
    let nb: ExecutedNotebook;
    let out = "";
    beforeAll(async () => {
      copy = copyWith("solutions");
      // Saved in place, as after Restart & Run All and File > Save, so the copy can be submitted as is.
      const file = path.join(copy.root, "notebooks", "linear_classifier.ipynb");
      nb = await runNotebook(file, { timeoutSec: 300, kernel, outPath: file });
      out = nb.cells.map((c) => c.stdout + c.text).join("\n");
      const slowest = [...nb.cells].sort((a, b) => b.seconds - a.seconds)[0];
      console.log(`A3 notebook on ${kernel}: ${nb.seconds.toFixed(1)} s in all, slowest cell ${slowest.id} ${slowest.seconds.toFixed(1)} s`);
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

    it("its run, submitted with npm run submit, gets full marks from the grader like a sample-built submission", async () => {
      const { run, sample, submitOutput } = await submitAndGradeRun(copy.root, "A3", "1001");
      expect(submitOutput).toMatch(/executed and saved/);
      expect(run.score).toBe(100);
      expect(run.extra_data).toMatchObject({ status: "graded", deductions: 0 });
      expect(testSummary(run)).toEqual(testSummary(sample));
    }, 300_000);
  });

  describe(`A3 notebook with the released stubs (${kernel})`, () => {
    it("fails at the first student function with the block's TODO message", async () => {
      const copy = copyWith("student_src");
      try {
        const nb = await runNotebook(path.join(copy.root, "notebooks", "linear_classifier.ipynb"), { timeoutSec: 120, kernel });
        const first = nb.cells.find((c) => c.error);
        expect(first?.id).toBe("lc-svm-naive-loss");
        expect(first!.stderr + first!.error!.evalue).toContain("TODO: svm-naive-grad");
      } finally {
        copy.cleanup();
      }
    }, 300_000);
  });
}
