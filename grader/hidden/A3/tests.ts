/**
 * A3 hidden tests (grader side): what each probe's value is compared with, the partial credit and the known
 * mistakes it recognises. The points of a block's tests add up to the block's points in grader/assignments/A3.json.
 */
import { Generator, type Tensor } from "../../../lib/tensor";
import * as sol from "../../../solutions/linear_classifier";
import { asTensor, checkNumber, checkTensor, describeValue, indexText, matchNumberVariant, shapeText, valuesOf, type Variant } from "../../score/compare";
import { holdoutSplit } from "../../score/holdout";
import { accuracyOf, gradeAccuracy, loadModel, type AccuracyRule, type ModelSpec } from "../../score/models";
import { gradeLossGrad, type LossGradOptions } from "../loss-grading";
import { gradeGrid } from "../search-params";
import type { FileTest, HiddenTest, ProbeTest, TestContext, Verdict } from "../types";
import { adjustVariants, MSG, softmaxExpectation, svmExpectation, type LossGradExpectation, type VariantAdjustment } from "./expected";
import {
  LOSS_SPECS, PARAM_SET_SPEC, SAMPLE_SPEC, TRAIN_SPEC, leastSquaresLoss, lossInputs, paramSetInputs, predictInputs,
  quadraticLoss, sampleInputs, trainInputs, type LossInputs, type LossTestName,
} from "./inputs";

/** The fields of a reported object, or (a string) why it is not one. */
const fields = (value: unknown): Record<string, unknown> | string => {
  if (value !== null && typeof value === "object" && !Array.isArray(value) && !("$notAnObject" in value) && !("$other" in value)) {
    return value as Record<string, unknown>;
  }
  return `the function returned ${describeValue(value)}`;
};

// ------------------------------------------------------------------------------------------------ losses

interface LossTestOptions {
  name: LossTestName;
  title: string;
  block: string;
  points: number;
  fn: string;
  expect: (inp: LossInputs) => LossGradExpectation;
  weights: Pick<LossGradOptions, "lossWeight" | "gradWeight" | "stability">;
  adjust?: [string, VariantAdjustment][];
  dependsOn?: string[];
  budgetMs?: number;
}

function lossTest(o: LossTestOptions): ProbeTest {
  return {
    kind: "probe", name: o.name, title: o.title, block: o.block, points: o.points, dependsOn: o.dependsOn,
    budgetMs: o.budgetMs ?? 3000,
    grade(value, ctx) {
      const e = o.adjust ? adjustVariants(o.expect(lossInputs(ctx.seed, LOSS_SPECS[o.name])), o.adjust) : o.expect(lossInputs(ctx.seed, LOSS_SPECS[o.name]));
      return gradeLossGrad(value, e.loss, e.grad, { ...o.weights, fn: o.fn });
    },
  };
}

const GRAD_ONLY = { lossWeight: 0, gradWeight: 1 };
const LOSS_ONLY = { lossWeight: 1, gradWeight: 0 };
const BOTH = { lossWeight: 0.4, gradWeight: 0.6 };

const lossTests: ProbeTest[] = [
  lossTest({
    name: "svm_naive_grad", title: "svmLossNaive: gradient of the margins (reg = 0)", block: "svm-naive-grad", points: 8,
    fn: "svmLossNaive", expect: svmExpectation, weights: GRAD_ONLY,
    adjust: [[MSG.gradNotAveraged, { credit: 1, note: "(the division by N belongs to block svm-naive-reg-grad and is graded there)" }]],
  }),
  lossTest({
    name: "svm_naive_reg_grad", title: "svmLossNaive: averaged gradient with regularization", block: "svm-naive-reg-grad", points: 4,
    fn: "svmLossNaive", expect: svmExpectation, weights: GRAD_ONLY,
  }),
  lossTest({
    name: "svm_vec_loss", title: "svmLossVectorized: loss with regularization", block: "svm-vectorized-loss", points: 8,
    fn: "svmLossVectorized", expect: svmExpectation, weights: LOSS_ONLY,
  }),
  lossTest({
    name: "svm_vec_loss_tiny_w", title: "svmLossVectorized: loss for tiny weights (about C - 1)", block: "svm-vectorized-loss", points: 4,
    fn: "svmLossVectorized", expect: svmExpectation, weights: LOSS_ONLY,
    adjust: [[MSG.marginNotZeroed, { credit: 0 }], [MSG.lossNotAveraged, { credit: 0 }]],
  }),
  lossTest({
    name: "svm_vec_grad", title: "svmLossVectorized: gradient with regularization", block: "svm-vectorized-grad", points: 12,
    fn: "svmLossVectorized", expect: svmExpectation, weights: GRAD_ONLY,
  }),
  lossTest({
    name: "softmax_naive", title: "softmaxLossNaive: loss and gradient with regularization", block: "softmax-naive", points: 10,
    fn: "softmaxLossNaive", expect: softmaxExpectation, weights: BOTH, budgetMs: 4000,
  }),
  lossTest({
    name: "softmax_naive_stable", title: "softmaxLossNaive: numerical stability for large scores", block: "softmax-naive", points: 5,
    fn: "softmaxLossNaive", expect: softmaxExpectation, weights: { ...BOTH, stability: true }, budgetMs: 4000,
  }),
  lossTest({
    name: "softmax_vec", title: "softmaxLossVectorized: loss and gradient with regularization", block: "softmax-vectorized", points: 12,
    fn: "softmaxLossVectorized", expect: softmaxExpectation, weights: BOTH,
  }),
  lossTest({
    name: "softmax_vec_stable", title: "softmaxLossVectorized: numerical stability for large scores", block: "softmax-vectorized", points: 5,
    fn: "softmaxLossVectorized", expect: softmaxExpectation, weights: { ...BOTH, stability: true },
  }),
  lossTest({
    name: "softmax_vec_zero_w", title: "softmaxLossVectorized: zero weights (loss ln C)", block: "softmax-vectorized", points: 3,
    fn: "softmaxLossVectorized", expect: softmaxExpectation, weights: { lossWeight: 0.5, gradWeight: 0.5 },
  }),
];

// ------------------------------------------------------------------------------------------------ sample-batch

function gradeSampleBatch(value: unknown, ctx: TestContext): Verdict {
  const s = sampleInputs(ctx.seed);
  const { batchSize: B, D, rows, numTrain } = SAMPLE_SPEC;
  const v = fields(value);
  if (typeof v === "string") return { fraction: 0, lines: [v] };
  const read = (x: unknown): { X: number[]; y: number[] } | string => {
    const f = fields(x);
    if (typeof f === "string") return `sampleBatch returned ${describeValue(x)}`;
    const X = asTensor(f.XBatch, "XBatch");
    if ("problem" in X) return X.problem;
    const y = asTensor(f.yBatch, "yBatch");
    if ("problem" in y) return y.problem;
    if (shapeText(X.tensor.shape) !== shapeText([B, D])) return `XBatch has shape ${shapeText(X.tensor.shape)}, expected ${shapeText([B, D])} (batchSize rows of X)`;
    if (shapeText(y.tensor.shape) !== shapeText([B])) return `yBatch has shape ${shapeText(y.tensor.shape)}, expected ${shapeText([B])}`;
    return { X: X.tensor.data, y: y.tensor.data };
  };
  const first = read(v.first);
  if (typeof first === "string") return { fraction: 0, lines: [first] };
  const lines = ["XBatch and yBatch have the right shapes"];
  const diagnoses: string[] = [];
  let fraction = 0.2;
  const Xv = valuesOf(s.X);
  const yv = valuesOf(s.y);
  const idx: number[] = [];
  let rowProblem: string | null = null;
  let outside = false;
  for (let k = 0; k < B && rowProblem === null; k++) {
    const row = first.X.slice(k * D, (k + 1) * D);
    const i = row[0];
    if (!Number.isInteger(i) || i < 0 || i >= rows || row.some((x, j) => x !== Xv[i * D + j])) rowProblem = `row ${k} of XBatch is not a row of X`;
    else {
      if (i >= numTrain) outside = true;
      idx.push(i);
    }
  }
  if (rowProblem) lines.push(rowProblem);
  else if (outside) {
    lines.push("XBatch holds rows of X at or beyond numTrain");
    diagnoses.push("draw the indices from [0, numTrain), not from all rows of X");
  } else {
    fraction += 0.3;
    lines.push("every row of XBatch is one of the first numTrain rows of X");
  }
  if (rowProblem === null) {
    if (idx.every((i, k) => first.y[k] === yv[i])) {
      fraction += 0.2;
      lines.push("yBatch holds the labels of the rows in XBatch");
    } else {
      lines.push("yBatch does not match XBatch");
      diagnoses.push("select the same indices from X and from y");
    }
    if (new Set(idx).size >= B / 4) fraction += 0.1;
    else diagnoses.push("the batch repeats the same few rows: draw batchSize random indices");
  }
  const second = read(v.second);
  if (typeof second !== "string" && second.X.every((x, i) => x === first.X[i]) && second.y.every((x, i) => x === first.y[i])) {
    fraction += 0.2;
    lines.push("the same generator seed gives the same batch");
  } else {
    lines.push("two calls with identically seeded generators gave different batches");
    diagnoses.push("draw the indices with the generator passed in: randint(0, numTrain, [batchSize], { generator })");
  }
  return { fraction: Math.round(fraction * 100) / 100, lines, diagnoses };
}

// ------------------------------------------------------------------------------------------------ training

function gradeSgdUpdate(value: unknown, ctx: TestContext): Verdict {
  const v = fields(value);
  if (typeof v === "string") return { fraction: 0, lines: [`trainLinearClassifier: ${v}, expected { W, lossHistory }`] };
  const { learningRate, reg, numIters, batchSize } = TRAIN_SPEC;
  const t = trainInputs(ctx.seed);
  const loss = quadraticLoss(t.target);
  const expected = sol.trainLinearClassifier(loss, t.W0.clone(), t.X, t.y, { learningRate, reg, numIters, batchSize, generator: new Generator(t.generatorSeed) });
  const simulate = (step: (W: Tensor, dW: Tensor) => Tensor): Tensor => {
    let W = t.W0.clone();
    for (let k = 0; k < numIters; k++) W = step(W, loss(W, t.X, t.y, reg).dW);
    return W;
  };
  const variants: Variant<Tensor>[] = [
    { value: simulate((W, g) => W.add(g, learningRate)), diagnosis: "the weights move along the gradient (W + lr * dW): gradient descent subtracts it" },
    { value: simulate((W, g) => W.sub(g)), diagnosis: "the learning rate is not used: the step is lr * dW" },
    { value: t.W0.clone(), diagnosis: "the weights are never updated: update them in place, e.g. weights.add_(dW, -learningRate)" },
  ];
  const lines: string[] = [];
  const diagnoses: string[] = [];
  let fraction = 0;
  const w = checkTensor("trained W", v.W, expected.W, 1e-9);
  lines.push(w.line);
  if (w.ok) fraction += 0.8;
  else if (w.got) {
    const e = valuesOf(expected.W);
    const m = variants.find((x) => {
      const xv = valuesOf(x.value);
      return xv.some((q, i) => Math.abs(q - e[i]) > 1e-9) && xv.every((q, i) => Math.abs(q - w.got![i]) <= 1e-9 * Math.max(1, Math.abs(q)));
    });
    if (m) diagnoses.push(m.diagnosis);
  }
  const h = v.lossHistory;
  if (Array.isArray(h) && h.length === expected.lossHistory.length && h.every((x, i) => typeof x === "number" && Math.abs(x - expected.lossHistory[i]) <= 1e-9 * Math.max(1, Math.abs(x)))) {
    fraction += 0.2;
    lines.push(`lossHistory: correct (${h.length} values)`);
  } else {
    lines.push(Array.isArray(h) ? `lossHistory: ${h.length} values, wrong (expected ${expected.lossHistory.length}, one per iteration)` : `lossHistory is ${describeValue(h)}`);
  }
  return { fraction, lines, diagnoses };
}

// ------------------------------------------------------------------------------------------------ predict

function gradePredict(value: unknown, ctx: TestContext): Verdict {
  const v = fields(value);
  if (typeof v === "string") return { fraction: 0, lines: [v] };
  const { W, X } = predictInputs(ctx.seed);
  const expected = sol.predictLinearClassifier(W, X);
  const N = X.size(0);
  const C = W.size(1);
  const t = asTensor(v.yPred, "the prediction");
  if ("problem" in t) return { fraction: 0, lines: [t.problem] };
  const shape = t.tensor.shape;
  if (shapeText(shape) !== shapeText([N])) {
    const diagnoses: string[] = [];
    if (shapeText(shape) === shapeText([C])) diagnoses.push("argmax over dimension 0 (the examples) instead of 1 (the classes)");
    if (shapeText(shape) === shapeText([N, C])) diagnoses.push("these are the scores: predict the class with the highest score, argmax(1)");
    return { fraction: 0, lines: [`yPred has shape ${shapeText(shape)}, expected ${shapeText([N])} (one label per row of X)`], diagnoses };
  }
  const e = valuesOf(expected);
  const got = t.tensor.data;
  const wrong = got.map((x, i) => (x === e[i] ? -1 : i)).filter((i) => i >= 0);
  if (wrong.length === 0) return { fraction: 1, lines: [`all ${N} labels correct`] };
  const lowest = valuesOf(X.matmul(W).argmin(1));
  const diagnoses = got.every((x, i) => x === lowest[i]) ? ["you picked the class with the lowest score: use argmax"] : [];
  return { fraction: 0, lines: [`${wrong.length} of ${N} labels wrong (first at ${indexText(wrong[0], [N])})`], diagnoses };
}

// ------------------------------------------------------------------------------------------------ search params

const GRID = { fields: ["learningRates", "regularizationStrengths"], minValues: { learningRates: 2, regularizationStrengths: 2 }, maxCombinations: 25 };

function gradeSearchParams(value: unknown, fn: string): Verdict {
  return gradeGrid(value, fn, GRID);
}

// ------------------------------------------------------------------------------------------------ testOneParamSet

class LeastSquares extends sol.LinearClassifier {
  readonly kind = "LeastSquares";
  loss(W: Tensor, X: Tensor, y: Tensor, reg: number) {
    return leastSquaresLoss(W, X, y, reg);
  }
}

function gradeTestOneParamSet(value: unknown, ctx: TestContext): Verdict {
  const v = fields(value);
  if (typeof v === "string") return { fraction: 0, lines: [`testOneParamSet: ${v}`] };
  const d = paramSetInputs(ctx.seed);
  const cls = new LeastSquares();
  const { learningRate, reg, numIters } = PARAM_SET_SPEC;
  const r = sol.testOneParamSet(cls, d, learningRate, reg, numIters, new Generator(d.generatorSeed));
  const lines: string[] = [];
  const diagnoses: string[] = [];
  let fraction = 0;
  for (const [key, expected, other] of [["trainAcc", r.trainAcc, r.valAcc], ["valAcc", r.valAcc, r.trainAcc]] as const) {
    const c = checkNumber(key, v[key], expected, 1e-9);
    lines.push(c.line);
    if (c.ok) fraction += 0.4;
    else if (c.got !== null) {
      const m = matchNumberVariant(c.got, expected, [
        { value: expected * 100, diagnosis: `${key} is a percentage: return a fraction in [0, 1]`, credit: 0.5 },
        { value: other, diagnosis: `${key} equals the other split's accuracy: trainAcc is measured on X_train, valAcc on X_val` },
      ], 1e-9);
      if (m) {
        diagnoses.push(m.diagnosis);
        fraction += 0.4 * (m.credit ?? 0);
      }
    }
  }
  if (v.sameClassifier !== true) lines.push("the returned cls is not the classifier passed in");
  const w = checkTensor("the trained weights", v.W, cls.W!, 1e-9);
  if (v.sameClassifier === true && w.ok) {
    fraction += 0.2;
    lines.push("the classifier passed in was trained with the given settings");
  } else if (v.sameClassifier === true) {
    lines.push(w.line);
    diagnoses.push("train the classifier passed in with the given learning rate, reg, numIters and generator");
  }
  return { fraction: Math.min(1, fraction), lines, diagnoses };
}

// ------------------------------------------------------------------------------------------------ saved models

const HOLDOUT_IMAGES = 1000;

/** A saved model's accuracy: a whole-pipeline test (the loss, the training loop, prediction and the search). */
const PIPELINE = ["sample-batch", "sgd-update", "linear-predict", "test-one-param-set"];

function modelTest(o: { name: string; title: string; block: string; points: number; spec: ModelSpec; rule: AccuracyRule; loss: string[] }): FileTest {
  return {
    kind: "file", name: o.name, title: o.title, block: o.block, points: o.points, dependsOn: [...o.loss, ...PIPELINE],
    grade(ctx) {
      const m = loadModel(ctx.submissionDir, o.spec);
      if (!m.ok) return { fraction: 0, lines: [m.problem] };
      const h = holdoutSplit({ seed: ctx.graderSeed, numImages: HOLDOUT_IMAGES, biasTrick: true });
      const acc = accuracyOf(h.X.matmul(m.tensors.W.to("float64")).argmax(1), h.y);
      return gradeAccuracy(o.spec.file, acc, o.rule, h.description);
    },
  };
}

const linearModel = (file: string, kind: string): ModelSpec => ({ file, kind, tensors: { W: { shape: [3073, 10] } }, maxElements: 3073 * 10 });

/** Accuracy rules calibrated on the reference: 500 SGD iterations reach ~37% (SVM) and ~39% (softmax) held-out. */
export const A3_MODEL_RULES = {
  svm: { full: 0.33, zero: 0.2 },
  softmax: { full: 0.35, zero: 0.2 },
} satisfies Record<string, AccuracyRule>;

// ------------------------------------------------------------------------------------------------ all tests

export const A3_TESTS: HiddenTest[] = [
  ...lossTests.slice(0, 5),
  { kind: "probe", name: "sample_batch", title: "sampleBatch: random rows with their labels", block: "sample-batch", points: 5, budgetMs: 2000, grade: gradeSampleBatch },
  {
    kind: "probe", name: "sgd_update", title: "trainLinearClassifier: SGD weight update", block: "sgd-update", points: 4, budgetMs: 2000,
    grade: gradeSgdUpdate,
  },
  { kind: "probe", name: "linear_predict", title: "predictLinearClassifier: predicted labels", block: "linear-predict", points: 5, budgetMs: 2000, grade: gradePredict },
  {
    kind: "probe", name: "svm_search_params", title: "svmGetSearchParams: a valid grid", block: "svm-search-params", points: 2, budgetMs: 1000,
    grade: (value) => gradeSearchParams(value, "svmGetSearchParams"),
  },
  modelTest({
    name: "svm_best_model", title: "svm_best_model.json: accuracy on held-out data", block: "svm-search-params", points: 3,
    spec: linearModel("svm_best_model.json", "LinearSVM"), rule: A3_MODEL_RULES.svm, loss: ["svm-vectorized-loss", "svm-vectorized-grad"],
  }),
  {
    kind: "probe", name: "test_one_param_set", title: "testOneParamSet: train, then training and validation accuracy", block: "test-one-param-set",
    points: 5, budgetMs: 3000, dependsOn: ["sample-batch", "sgd-update", "linear-predict"], grade: gradeTestOneParamSet,
  },
  ...lossTests.slice(5),
  {
    kind: "probe", name: "softmax_search_params", title: "softmaxGetSearchParams: a valid grid", block: "softmax-search-params", points: 2,
    budgetMs: 1000, grade: (value) => gradeSearchParams(value, "softmaxGetSearchParams"),
  },
  modelTest({
    name: "softmax_best_model", title: "softmax_best_model.json: accuracy on held-out data", block: "softmax-search-params", points: 3,
    spec: linearModel("softmax_best_model.json", "Softmax"), rule: A3_MODEL_RULES.softmax, loss: ["softmax-vectorized"],
  }),
];

