import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { computeNumericGradient, gradCheckSparse, relError } from "../lib/gradcheck";
import { Generator, ones, randint, randn, tensor, zeros } from "../lib/tensor";
import {
  LinearSVM, predictLinearClassifier, sampleBatch, Softmax, softmaxGetSearchParams, softmaxLossNaive,
  softmaxLossVectorized, svmGetSearchParams, svmLossNaive, svmLossVectorized, testOneParamSet, trainLinearClassifier,
} from "../solutions/linear_classifier";

const labels = (xs: number[]) => tensor(xs, { dtype: "int32" });

function problem(seed: string, N = 30, D = 12, C = 5) {
  const g = new Generator(seed);
  return {
    W: randn([D, C], { generator: g }).mul_(1e-2),
    X: randn([N, D], { generator: g }),
    y: randint(0, C, [N], { generator: g }),
  };
}

describe("reference SVM loss", () => {
  it("matches a hand-computed case", () => {
    const W = tensor([[1, 0], [0, 1]]);
    const X = tensor([[1, 2]]);
    const y = labels([0]);
    for (const f of [svmLossNaive, svmLossVectorized]) {
      const { loss, dW } = f(W, X, y, 0.1);
      expect(loss).toBeCloseTo(2 + 0.1 * 2, 12); // margin 2 - 1 + 1 = 2, reg * sum(W^2) = 0.2
      expect(dW.tolist()).toEqual([[-1 + 0.2, 1], [-2, 2 + 0.2]]);
    }
  });

  it("naive and vectorized agree and pass a gradient check", () => {
    const { W, X, y } = problem("svm");
    const a = svmLossNaive(W, X, y, 0.05);
    const b = svmLossVectorized(W, X, y, 0.05);
    expect(Math.abs(a.loss - b.loss)).toBeLessThan(1e-12);
    expect(relError(a.dW, b.dW)).toBeLessThan(1e-12);
    const check = gradCheckSparse((w) => svmLossVectorized(w, X, y, 0.05).loss, W, b.dW, 20, 1e-6, { print: false });
    expect(check.maxRelError).toBeLessThan(1e-5);
  });

  it("gives ~ C - 1 for tiny weights (9 for ten classes)", () => {
    const { W, X, y } = problem("svm-init", 200, 50, 10);
    expect(svmLossVectorized(W.mul(1e-4), X, y, 0).loss).toBeCloseTo(9, 1);
  });
});

describe("reference softmax loss", () => {
  it("is ln C with zero weights, with the closed-form gradient", () => {
    const X = tensor([[1, 2], [3, -1]]);
    const y = labels([0, 2]);
    const W = zeros(2, 3);
    for (const f of [softmaxLossNaive, softmaxLossVectorized]) {
      const { loss, dW } = f(W, X, y, 0);
      expect(loss).toBeCloseTo(Math.log(3), 12);
      // dW = X^T (1/3 - onehot) / N
      const expected = [
        [(1 * (1 / 3 - 1) + 3 * (1 / 3)) / 2, (1 / 3 + 3 / 3) / 2, (1 / 3 + 3 * (1 / 3 - 1)) / 2],
        [(2 * (1 / 3 - 1) - 1 / 3) / 2, (2 / 3 - 1 / 3) / 2, (2 / 3 - (1 / 3 - 1)) / 2],
      ];
      expect(relError(dW, tensor(expected))).toBeLessThan(1e-12);
    }
  });

  it("naive and vectorized agree; numeric gradient matches", () => {
    const { W, X, y } = problem("softmax");
    const a = softmaxLossNaive(W, X, y, 0.1);
    const b = softmaxLossVectorized(W, X, y, 0.1);
    expect(Math.abs(a.loss - b.loss)).toBeLessThan(1e-12);
    expect(relError(a.dW, b.dW)).toBeLessThan(1e-10);
    const numeric = computeNumericGradient((w) => softmaxLossVectorized(w, X, y, 0.1).loss, W, undefined, 1e-6);
    expect(relError(numeric, b.dW)).toBeLessThan(1e-6);
  });

  it("stays finite for huge scores (W = ones, reg 2.5e4)", () => {
    const { X, y } = problem("stable", 20, 3073, 10);
    const W = ones(3073, 10);
    for (const f of [softmaxLossNaive, softmaxLossVectorized]) {
      const { loss, dW } = f(W, X.mul(100), y, 2.5e4);
      expect(Number.isFinite(loss)).toBe(true);
      expect(dW.ne(dW).any()).toBe(false);
    }
  });
});

describe("training, prediction, persistence", () => {
  it("sampleBatch is seeded and picks matching rows", () => {
    const X = randn([50, 3], { generator: new Generator(1) });
    const y = randint(0, 4, [50], { generator: new Generator(2) });
    const a = sampleBatch(X, y, 50, 8, new Generator("b"));
    const b = sampleBatch(X, y, 50, 8, new Generator("b"));
    expect(a.XBatch.shape).toEqual([8, 3]);
    expect(a.XBatch.tolist()).toEqual(b.XBatch.tolist());
    const row = (X.tolist() as number[][]).findIndex((r) => r[0] === a.XBatch.at(0, 0));
    expect(a.yBatch.at(0)).toBe(y.at(row));
  });

  it("SGD lowers the loss on a separable problem and predicts its labels", () => {
    const g = new Generator("sep");
    const centers = randn([3, 10], { generator: g }).mul_(3);
    const y = randint(0, 3, [300], { generator: g });
    const X = centers.indexSelect(0, y).add_(randn([300, 10], { generator: g }).mul_(0.3));
    const { W, lossHistory } = trainLinearClassifier(softmaxLossVectorized, null, X, y, {
      learningRate: 0.1, reg: 1e-4, numIters: 200, batchSize: 50, generator: new Generator("train"),
    });
    expect(W.shape).toEqual([10, 3]);
    expect(lossHistory[0]).toBeCloseTo(Math.log(3), 2);
    expect(lossHistory.at(-1)!).toBeLessThan(0.2);
    const acc = predictLinearClassifier(W, X).eq(y).to("float64").mean().item();
    expect(acc).toBeGreaterThan(0.95);
  });

  it("models save and load exactly, and refuse the wrong kind", () => {
    const svm = new LinearSVM();
    const { X, y } = problem("save", 40, 6, 3);
    svm.train(X, y, { numIters: 5, generator: new Generator(0) });
    const dir = mkdtempSync(join(tmpdir(), "lc-"));
    svm.save(join(dir, "svm.json"));
    const back = new LinearSVM().load(join(dir, "svm.json"));
    expect(back.W!.tolist()).toEqual(svm.W!.tolist());
    expect(back.predict(X).tolist()).toEqual(svm.predict(X).tolist());
    expect(() => new Softmax().load(join(dir, "svm.json"))).toThrow(/holds a LinearSVM, not a Softmax/);
    expect(() => new Softmax().load(join(dir, "missing.json"))).toThrow(/does not exist/);
  });
});

describe("prediction, parameter search helpers", () => {
  it("predictLinearClassifier takes the arg max of X W (hand-computed)", () => {
    const W = tensor([[1, 0, -1], [0, 2, 0]]);
    const X = tensor([[3, 1], [0, 1], [-2, 0]]); // scores [3,2,-3], [0,2,0], [-2,0,2]
    expect(predictLinearClassifier(W, X).tolist()).toEqual([0, 1, 2]);
  });

  it("testOneParamSet reports the accuracies of the trained classifier", () => {
    const g = new Generator("tops");
    const centers = randn([2, 6], { generator: g }).mul_(4);
    const y = randint(0, 2, [100], { generator: g });
    const X = centers.indexSelect(0, y).add_(randn([100, 6], { generator: g }).mul_(0.2));
    const data = { X_train: X.slice(0, 0, 80), y_train: y.slice(0, 0, 80), X_val: X.slice(0, 80), y_val: y.slice(0, 80) };
    const { cls, trainAcc, valAcc } = testOneParamSet(new LinearSVM(), data, 1e-2, 1e-4, 100, new Generator(1));
    const recomputed = cls.predict(data.X_val).eq(data.y_val).to("float64").mean().item();
    expect(valAcc).toBe(recomputed);
    expect(trainAcc).toBe(1);
  });

  it("search grids respect the assignment's limits", () => {
    for (const grid of [svmGetSearchParams(), softmaxGetSearchParams()]) {
      expect(grid.learningRates.length).toBeGreaterThanOrEqual(2);
      expect(grid.regularizationStrengths.length).toBeGreaterThanOrEqual(2);
      expect(grid.learningRates.length * grid.regularizationStrengths.length).toBeLessThan(25);
    }
  });
});
