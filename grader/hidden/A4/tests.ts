/**
 * A4 hidden tests (grader side). Points per block add up to grader/assignments/A4.json.
 */
import { Generator, tensor, type Tensor } from "../../../lib/tensor";
import * as sol from "../../../solutions/two_layer_net";
import { asTensor, checkTensor, describeValue, indexText, relErrorOf, shapeText, valuesOf } from "../../score/compare";
import { holdoutSplit } from "../../score/holdout";
import { accuracyOf, gradeAccuracy, loadModel, type AccuracyRule, type ModelSpec } from "../../score/models";
import { gradeParts } from "../loss-grading";
import { gradeGrid } from "../search-params";
import type { HiddenTest, TestContext, Verdict } from "../types";
import { forwardExpectation, gradsExpectation, lossExpectation } from "./expected";
import {
  hiddenSearchGrid, NET_SPECS, netInputs, quadraticNetLoss, SEARCH_SPEC, searchInputs, SGD_SPEC, sgdInputs, zerosPredict, type Params,
} from "./inputs";

const PARAM_NAMES = ["W1", "b1", "W2", "b2"] as const;

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v) && !("$notAnObject" in v) && !("$other" in v);
}

function gradeForward(value: unknown, ctx: TestContext): Verdict {
  const { params, X } = netInputs(ctx.seed, NET_SPECS.nn_forward);
  const e = forwardExpectation(params, X);
  return gradeParts(value, [
    { field: "scores", weight: 0.6, kind: "tensor", exp: e.scores },
    { field: "hidden", weight: 0.4, kind: "tensor", exp: e.hidden },
  ], { fn: "nnForwardPass" });
}

function gradeLoss(name: "nn_loss" | "nn_loss_stable") {
  return (value: unknown, ctx: TestContext): Verdict => {
    const { params, X, y, reg } = netInputs(ctx.seed, NET_SPECS[name]);
    return gradeParts(value, [{ field: "loss", weight: 1, kind: "number", exp: lossExpectation(params, X, y, reg) }], {
      fn: "nnForwardBackward", stability: name === "nn_loss_stable",
    });
  };
}

function gradeBackward(value: unknown, ctx: TestContext): Verdict {
  const { params, X, y, reg } = netInputs(ctx.seed, NET_SPECS.nn_backward);
  const e = gradsExpectation(params, X, y, reg);
  return gradeParts(value, [
    { field: "W1", weight: 0.3, kind: "tensor", exp: e.W1 },
    { field: "b1", weight: 0.2, kind: "tensor", exp: e.b1 },
    { field: "W2", weight: 0.3, kind: "tensor", exp: e.W2 },
    { field: "b2", weight: 0.2, kind: "tensor", exp: e.b2 },
  ], { fn: "nnForwardBackward (grads)" });
}

function gradePredict(value: unknown, ctx: TestContext): Verdict {
  if (!isObject(value)) return { fraction: 0, lines: [`nnPredict: ${describeValue(value)}`] };
  const { params, X } = netInputs(ctx.seed, NET_SPECS.nn_predict);
  const expected = sol.nnPredict(params, sol.nnForwardBackward, X);
  const t = asTensor(value.yPred, "the prediction");
  if ("problem" in t) return { fraction: 0, lines: [t.problem] };
  const N = X.size(0);
  if (shapeText(t.tensor.shape) !== shapeText([N])) {
    return { fraction: 0, lines: [`yPred has shape ${shapeText(t.tensor.shape)}, expected ${shapeText([N])} (one label per row of X)`] };
  }
  const e = valuesOf(expected);
  const wrong = t.tensor.data.map((x, i) => (x === e[i] ? -1 : i)).filter((i) => i >= 0);
  if (wrong.length === 0) return { fraction: 1, lines: [`all ${N} labels correct`] };
  return { fraction: 0, lines: [`${wrong.length} of ${N} labels wrong (first at ${indexText(wrong[0], [N])})`] };
}

function gradeSgd(value: unknown, ctx: TestContext): Verdict {
  if (!isObject(value) || !isObject(value.params)) return { fraction: 0, lines: [`nnTrain: ${describeValue(value)}`] };
  const got = value.params;
  const { learningRate, learningRateDecay, reg, numIters, batchSize, N } = SGD_SPEC;
  const fresh = () => sgdInputs(ctx.seed);
  const s = fresh();
  const loss = quadraticNetLoss(s.targets);
  const stats = sol.nnTrain(s.params, loss, zerosPredict, s.X, s.y, s.X, s.y, {
    learningRate, learningRateDecay, reg, numIters, batchSize, generator: new Generator(s.generatorSeed),
  });
  const perEpoch = Math.max(Math.floor(N / batchSize), 1);
  const simulate = (step: (p: Tensor, g: Tensor, lr: number, name: string) => Tensor): Params => {
    const p = { ...fresh().params };
    let lr = learningRate;
    for (let it = 0; it < numIters; it++) {
      const { grads } = loss(p, s.X, s.y, reg);
      for (const k of PARAM_NAMES) p[k] = step(p[k], grads[k], lr, k);
      if (it % perEpoch === 0 || it === numIters - 1) lr *= learningRateDecay;
    }
    return p;
  };
  const variants: [string, Params][] = [
    ["the parameters move along the gradient (p + lr * grad): gradient descent subtracts it", simulate((p, g, lr) => p.add(g, lr))],
    ["the learning rate is not used: the step is lr * grad", simulate((p, g) => p.sub(g))],
    ["the biases b1 and b2 are not updated", simulate((p, g, lr, k) => (k.startsWith("b") ? p : p.sub(g, lr)))],
  ];
  const lines: string[] = [];
  const diagnoses: string[] = [];
  let fraction = 0;
  for (const k of PARAM_NAMES) {
    const c = checkTensor(`trained ${k}`, got[k], s.params[k], 1e-9);
    lines.push(c.line);
    if (c.ok) fraction += 0.2;
  }
  if (fraction < 0.8) {
    const all = (p: Params) => PARAM_NAMES.every((k) => {
      const t = asTensor(got[k], k);
      return !("problem" in t) && t.tensor.data.length === p[k].numel() && relErrorOf(t.tensor.data, valuesOf(p[k])) <= 1e-9;
    });
    const m = variants.find(([, p]) => all(p));
    if (m) diagnoses.push(m[0]);
  }
  const h = value.lossHistory;
  if (Array.isArray(h) && h.length === stats.lossHistory.length && h.every((x, i) => typeof x === "number" && Math.abs(x - stats.lossHistory[i]) <= 1e-9 * Math.max(1, Math.abs(x)))) {
    fraction += 0.2;
    lines.push(`lossHistory: correct (${h.length} values)`);
  } else lines.push(`lossHistory: wrong (expected one loss per iteration)`);
  return { fraction: Math.round(fraction * 100) / 100, lines, diagnoses };
}

function gradeFindBestNet(value: unknown, ctx: TestContext): Verdict {
  if (!isObject(value)) return { fraction: 0, lines: [`findBestNet: ${describeValue(value)}`] };
  const data = searchInputs(ctx.seed);
  const grid = hiddenSearchGrid();
  const lines: string[] = [];
  const diagnoses: string[] = [];
  let fraction = 0;
  const combos = grid.hiddenSizes.flatMap((h) => grid.learningRates.flatMap((lr) => grid.regularizationStrengths.flatMap((r) => grid.learningRateDecays.map((d) => `${lr}|${h}|${r}|${d}`))));
  const rows = Array.isArray(value.results) ? value.results.filter(isObject) : [];
  const keys = rows.map((r) => `${r.learningRate}|${r.hiddenSize}|${r.reg}|${r.learningRateDecay}`);
  const accs = rows.map((r) => r.valAcc).filter((a): a is number => typeof a === "number" && a >= 0 && a <= 1);
  if (rows.length === combos.length && combos.every((c) => keys.includes(c)) && accs.length === rows.length) {
    fraction += 0.3;
    lines.push(`results: one row per combination (${combos.length}), each with its validation accuracy`);
  } else {
    lines.push(`results: ${rows.length} usable rows for ${combos.length} combinations of the grid`);
    diagnoses.push("try every combination of the grid and push one { learningRate, hiddenSize, reg, learningRateDecay, valAcc } row each");
  }
  const best = value.bestValAcc;
  if (typeof best === "number" && accs.length > 0 && best === Math.max(...accs)) {
    fraction += 0.2;
    lines.push("bestValAcc is the best validation accuracy in results");
  } else lines.push(`bestValAcc (${typeof best === "number" ? "a number" : describeValue(best)}) is not the best validation accuracy in results`);
  const params = isObject(value.params) ? value.params : {};
  const reference = sol.findBestNet(data, hiddenSearchGrid, SEARCH_SPEC.numIters, SEARCH_SPEC.seed);
  const tensors = PARAM_NAMES.map((k) => asTensor(params[k], `bestNet.params.${k}`));
  const problem = tensors.find((t): t is { problem: string } => "problem" in t);
  if (problem) lines.push(problem.problem);
  else {
    const p = Object.fromEntries(PARAM_NAMES.map((k, i) => {
      const t = (tensors[i] as { tensor: { shape: number[]; data: number[] } }).tensor;
      return [k, tensor(Float64Array.from(t.data), { shape: t.shape })];
    })) as unknown as Params;
    let acc = -1;
    try {
      acc = accuracyOf(sol.nnPredict(p, sol.nnForwardBackward, data.X_val), data.y_val);
    } catch (e) {
      lines.push(`bestNet's parameters do not fit together: ${(e as Error).message}`);
    }
    if (acc >= 0 && typeof best === "number" && Math.abs(acc - best) < 1e-9 && acc >= 0.8 * reference.bestValAcc) {
      fraction += 0.3;
      lines.push("bestNet is a trained net with the reported best validation accuracy");
    } else if (acc >= 0) {
      lines.push("bestNet does not reach the reported best validation accuracy");
      diagnoses.push("keep the net (and its stats) that gave the best validation accuracy, after training it");
    }
  }
  const n = value.lossHistoryLength;
  if (n === SEARCH_SPEC.numIters) {
    fraction += 0.2;
    lines.push("bestStat holds the best net's training history");
  } else lines.push(`bestStat.lossHistory has ${typeof n === "number" ? n : "no"} entries, expected ${SEARCH_SPEC.numIters} (numIters)`);
  return { fraction: Math.round(fraction * 100) / 100, lines, diagnoses };
}

const netModel: ModelSpec = {
  file: "nn_best_model.json", kind: "TwoLayerNet",
  tensors: { W1: { shape: [3072, null] }, b1: { shape: [null] }, W2: { shape: [null, 10] }, b2: { shape: [10] } },
  tied: { H: [["W1", 1], ["b1", 0], ["W2", 0]] },
  maxElements: 3072 * 2048 + 2048 * 11 + 10,
};

/** Calibrated on the reference: H = 128, 300 iterations reach ~68% held-out. */
export const A4_MODEL_RULE: AccuracyRule = { full: 0.55, zero: 0.3 };

function gradeModel(ctx: TestContext): Verdict {
  const m = loadModel(ctx.submissionDir, netModel);
  if (!m.ok) return { fraction: 0, lines: [m.problem] };
  const h = holdoutSplit({ seed: ctx.graderSeed, numImages: 1000, biasTrick: false });
  const p = Object.fromEntries(PARAM_NAMES.map((k) => [k, m.tensors[k].to("float64")])) as unknown as Params;
  const acc = accuracyOf(sol.nnPredict(p, sol.nnForwardBackward, h.X), h.y);
  return gradeAccuracy(netModel.file, acc, A4_MODEL_RULE, h.description);
}

export const A4_TESTS: HiddenTest[] = [
  { kind: "probe", name: "nn_forward", title: "nnForwardPass: hidden activations and scores", block: "nn-forward", points: 15, budgetMs: 2000, grade: gradeForward },
  { kind: "probe", name: "nn_loss", title: "nnForwardBackward: loss with regularization", block: "nn-loss", points: 10, budgetMs: 2000, dependsOn: ["nn-forward"], grade: gradeLoss("nn_loss") },
  {
    kind: "probe", name: "nn_loss_stable", title: "nnForwardBackward: numerical stability for large scores", block: "nn-loss", points: 5, budgetMs: 2000,
    dependsOn: ["nn-forward"], grade: gradeLoss("nn_loss_stable"),
  },
  {
    kind: "probe", name: "nn_backward", title: "nnForwardBackward: gradients of W1, b1, W2, b2", block: "nn-backward", points: 25, budgetMs: 2000,
    dependsOn: ["nn-forward", "nn-loss"], grade: gradeBackward,
  },
  { kind: "probe", name: "nn_sgd_update", title: "nnTrain: SGD update of every parameter", block: "nn-sgd-update", points: 5, budgetMs: 2000, grade: gradeSgd },
  { kind: "probe", name: "nn_predict", title: "nnPredict: predicted labels", block: "nn-predict", points: 5, budgetMs: 2000, dependsOn: ["nn-forward"], grade: gradePredict },
  {
    kind: "probe", name: "nn_search_params", title: "nnGetSearchParams: a valid grid", block: "nn-search-params", points: 4, budgetMs: 1000,
    grade: (value) => gradeGrid(value, "nnGetSearchParams", {
      fields: ["learningRates", "hiddenSizes", "regularizationStrengths", "learningRateDecays"],
      minValues: { learningRates: 2, regularizationStrengths: 2 }, maxCombinations: 256, integers: { hiddenSizes: 2048 }, fractions: ["learningRateDecays"],
    }),
  },
  { kind: "file", name: "nn_best_model", title: "nn_best_model.json: accuracy on held-out data", block: "nn-search-params", points: 6, grade: gradeModel },
  {
    kind: "probe", name: "find_best_net", title: "findBestNet: search the grid, keep the best net", block: "find-best-net", points: 25, budgetMs: 8000,
    dependsOn: ["nn-forward", "nn-loss", "nn-backward", "nn-sgd-update", "nn-predict"], grade: gradeFindBestNet,
  },
];
