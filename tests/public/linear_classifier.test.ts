// Public sanity tests for Assignment 3: `npm run check` runs them on your student_src/linear_classifier.ts.
// Passing them does not guarantee full marks: the grader's hidden tests use other data and check more.
import { describe, expect, it } from "vitest";
import { relError } from "../../lib/gradcheck";
import { Generator, randint, randn, tensor, zeros } from "../../lib/tensor";
import * as lc from "../../student_src/linear_classifier";

const labels = (xs: number[]) => tensor(xs, { dtype: "int32" });
function problem(seed: string, N = 20, D = 8, C = 4) {
  const g = new Generator(seed);
  return { W: randn([D, C], { generator: g }).mul_(0.1), X: randn([N, D], { generator: g }), y: randint(0, C, [N], { generator: g }) };
}

describe("SVM loss", () => {
  it("svmLossNaive: one example by hand", () => {
    const { loss, dW } = lc.svmLossNaive(tensor([[1, 0], [0, 1]]), tensor([[1, 2]]), labels([0]), 0.1);
    expect(loss).toBeCloseTo(2.2, 10);
    expect(relError(dW, tensor([[-0.8, 1], [-2, 2.2]]))).toBeLessThan(1e-10);
  });

  it("svmLossVectorized agrees with svmLossNaive", () => {
    const { W, X, y } = problem("public-svm");
    const a = lc.svmLossNaive(W, X, y, 0.3);
    const b = lc.svmLossVectorized(W, X, y, 0.3);
    expect(Math.abs(a.loss - b.loss)).toBeLessThan(1e-9);
    expect(relError(a.dW, b.dW)).toBeLessThan(1e-9);
  });
});

describe("softmax loss", () => {
  it("is ln C for zero weights (naive and vectorized)", () => {
    const { X, y } = problem("public-softmax");
    expect(lc.softmaxLossNaive(zeros(8, 4), X, y, 0).loss).toBeCloseTo(Math.log(4), 10);
    expect(lc.softmaxLossVectorized(zeros(8, 4), X, y, 0).loss).toBeCloseTo(Math.log(4), 10);
  });

  it("softmaxLossVectorized agrees with softmaxLossNaive", () => {
    const { W, X, y } = problem("public-softmax-2");
    const a = lc.softmaxLossNaive(W, X, y, 0.2);
    const b = lc.softmaxLossVectorized(W, X, y, 0.2);
    expect(Math.abs(a.loss - b.loss)).toBeLessThan(1e-9);
    expect(relError(a.dW, b.dW)).toBeLessThan(1e-9);
  });
});

describe("training pieces", () => {
  it("sampleBatch returns matching rows of the requested size", () => {
    const X = randn([30, 3], { generator: new Generator(1) });
    const y = labels(Array.from({ length: 30 }, (_, i) => i % 5));
    const { XBatch, yBatch } = lc.sampleBatch(X, y, 30, 7, new Generator(2));
    expect(XBatch.shape).toEqual([7, 3]);
    expect(yBatch.shape).toEqual([7]);
  });

  it("predictLinearClassifier picks the highest score", () => {
    const W = tensor([[1, 0, 0], [0, 1, 0]]);
    expect(lc.predictLinearClassifier(W, tensor([[2, 1], [0, 3], [-1, -1]])).tolist()).toEqual([0, 1, 2]);
  });

  it("search grids have at least 2 values each and fewer than 25 combinations", () => {
    for (const grid of [lc.svmGetSearchParams(), lc.softmaxGetSearchParams()]) {
      expect(grid.learningRates.length).toBeGreaterThanOrEqual(2);
      expect(grid.regularizationStrengths.length).toBeGreaterThanOrEqual(2);
      expect(grid.learningRates.length * grid.regularizationStrengths.length).toBeLessThan(25);
    }
  });
});
