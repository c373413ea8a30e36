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

type LossFn = typeof lc.svmLossNaive;

/** Naive and vectorized at reg 0 and at `reg`; the messages say in words which part disagrees. */
function expectAgree(name: string, naive: LossFn, vectorized: LossFn, seed: string, reg: number) {
  const { W, X, y } = problem(seed);
  for (const r of [0, reg]) {
    const a = naive(W, X, y, r);
    const b = vectorized(W, X, y, r);
    const where = r === 0 ? "at reg 0 (data term only)" : `at reg ${r} but not at reg 0: check the regularization term (loss + reg * sum(W^2), gradient + 2 * reg * W)`;
    expect(Math.abs(a.loss - b.loss), `${name}: the vectorized loss differs from the naive one ${where}`).toBeLessThan(1e-9);
    expect(relError(a.dW, b.dW), `${name}: the vectorized gradient dW differs from the naive one ${where}`).toBeLessThan(1e-9);
    expect(b.dW.shape, `${name}: dW must have the shape of W`).toEqual(W.shape);
  }
}

describe("SVM loss", () => {
  it("svmLossNaive: one example by hand", () => {
    const { loss, dW } = lc.svmLossNaive(tensor([[1, 0], [0, 1]]), tensor([[1, 2]]), labels([0]), 0.1);
    expect(loss).toBeCloseTo(2.2, 10);
    expect(relError(dW, tensor([[-0.8, 1], [-2, 2.2]]))).toBeLessThan(1e-10);
  });

  it("svmLossVectorized agrees with svmLossNaive, without and with regularization", () => {
    expectAgree("SVM", lc.svmLossNaive, lc.svmLossVectorized, "public-svm", 0.3);
  });
});

describe("softmax loss", () => {
  it("is ln C for zero weights (naive and vectorized)", () => {
    const { X, y } = problem("public-softmax");
    expect(lc.softmaxLossNaive(zeros(8, 4), X, y, 0).loss).toBeCloseTo(Math.log(4), 10);
    expect(lc.softmaxLossVectorized(zeros(8, 4), X, y, 0).loss).toBeCloseTo(Math.log(4), 10);
  });

  it("softmaxLossVectorized agrees with softmaxLossNaive, without and with regularization", () => {
    expectAgree("softmax", lc.softmaxLossNaive, lc.softmaxLossVectorized, "public-softmax-2", 0.2);
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
