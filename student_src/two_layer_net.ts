/**
 * Assignment 4: a two-layer fully connected network with ReLU, softmax loss and L2 regularization,
 * trained with minibatch SGD and learning-rate decay, on lib/tensor.
 *
 * Write code only inside the designated blocks (BEGIN YOUR CODE / END YOUR CODE); everything else is frozen and
 * checked when you submit. Architecture: input - fully connected (W1, b1) - ReLU - fully connected (W2, b2) - softmax.
 * Shapes: N examples, D inputs, H hidden units, C classes. Regularization is reg * (sum(W1^2) + sum(W2^2)).
 * Write ReLU and softmax yourself from tensor operations (clamp, max, exp, sum ...).
 */
import {
  Generator, defaultGenerator, loadTensors, matmulInto, randint, randn, release, saveTensors,
  sumSquares, tensor, type DType, type Tensor, zeros, zerosLike,
} from "../lib/tensor";

/** The network's weights and biases: W1 [D, H], b1 [H], W2 [H, C], b2 [C]. */
export interface NetParams {
  W1: Tensor;
  b1: Tensor;
  W2: Tensor;
  b2: Tensor;
}

export type NetGrads = NetParams;

/** Loss plus the gradient of every parameter. */
export interface LossAndGrads {
  loss: number;
  grads: NetGrads;
}

export type NetLossFunction = (params: NetParams, X: Tensor, y: Tensor, reg: number) => LossAndGrads;
export type NetPredictFunction = (params: NetParams, lossFunc: NetLossFunction, X: Tensor) => Tensor;

/** Train/validation split as produced by lib/data's preprocessing (no bias column needed here). */
export interface DataDict {
  X_train: Tensor;
  y_train: Tensor;
  X_val: Tensor;
  y_val: Tensor;
}

/**
 * The toy problem of the reference course: 5 inputs of dimension 4, 10 hidden units, 3 classes.
 * Weights are 1e-4 * randn and biases small randn, X is 10 * randn, y = [0, 1, 2, 2, 1]; seeded so everyone sees
 * the same numbers.
 */
export function getToyData(
  { numInputs = 5, inputSize = 4, hiddenSize = 10, numClasses = 3, dtype = "float64" as DType, seed = 0 } = {},
): { X: Tensor; y: Tensor; params: NetParams } {
  const g = new Generator(`toy-${seed}`);
  const params: NetParams = {
    W1: randn([inputSize, hiddenSize], { dtype, generator: g }).mul_(1e-4),
    b1: randn([hiddenSize], { dtype, generator: g }).mul_(1e-4),
    W2: randn([hiddenSize, numClasses], { dtype, generator: g }).mul_(1e-4),
    b2: randn([numClasses], { dtype, generator: g }).mul_(1e-4),
  };
  const X = randn([numInputs, inputSize], { dtype, generator: g }).mul_(10);
  const y = tensor([0, 1, 2, 2, 1].slice(0, numInputs).map((v) => v % numClasses), { dtype: "int32" });
  return { X, y, params };
}

// ------------------------------------------------------------------------------------------------ forward, loss, backward

/**
 * First stage of the network: scores [N, C] for X [N, D], and the hidden-layer activations [N, H]
 * (after the ReLU), which the backward pass needs.
 */
export function nnForwardPass(params: NetParams, X: Tensor): { scores: Tensor; hidden: Tensor } {
  const { W1, b1, W2, b2 } = params;
  let hidden = zeros([X.size(0), W1.size(1)], { dtype: X.dtype });
  let scores = zeros([X.size(0), W2.size(1)], { dtype: X.dtype });
  // ===================== BEGIN YOUR CODE: nn-forward =====================
  // TODO: compute the hidden activations ReLU(X W1 + b1) and the scores hidden W2 + b2.
  // No ready-made relu: use clamp.
  throw new Error("TODO: nn-forward");
  // ====================== END YOUR CODE: nn-forward ======================
  return { scores, hidden };
}

/**
 * Loss and gradients of the two-layer net. Without y, returns the scores [N, C]. With y [N] (int32) and reg,
 * returns the average softmax loss plus reg * (sum(W1^2) + sum(W2^2)) and the gradient of every parameter.
 */
export function nnForwardBackward(params: NetParams, X: Tensor): Tensor;
export function nnForwardBackward(params: NetParams, X: Tensor, y: Tensor, reg?: number): LossAndGrads;
export function nnForwardBackward(params: NetParams, X: Tensor, y?: Tensor, reg = 0): Tensor | LossAndGrads {
  const { W1, b1, W2, b2 } = params;
  const N = X.size(0);
  const { scores, hidden } = nnForwardPass(params, X);
  if (y === undefined) return scores;

  let loss = 0;
  // ===================== BEGIN YOUR CODE: nn-loss =====================
  // TODO: the average softmax (cross-entropy) loss over the N examples plus the L2 regularization of W1 and
  // W2, stored in `loss` (a number). Keep it numerically stable.
  throw new Error("TODO: nn-loss");
  // ====================== END YOUR CODE: nn-loss ======================

  const grads: NetGrads = { W1: zerosLike(W1), b1: zerosLike(b1), W2: zerosLike(W2), b2: zerosLike(b2) };
  // ===================== BEGIN YOUR CODE: nn-backward =====================
  // TODO: backpropagate: fill grads.W1, grads.b1, grads.W2, grads.b2 (same shapes as the parameters),
  // including the regularization terms.
  throw new Error("TODO: nn-backward");
  // ====================== END YOUR CODE: nn-backward ======================
  return { loss, grads };
}

// ------------------------------------------------------------------------------------------------ training

export interface NetTrainOptions {
  learningRate?: number;
  /** The learning rate is multiplied by this after every epoch. */
  learningRateDecay?: number;
  reg?: number;
  numIters?: number;
  batchSize?: number;
  verbose?: boolean;
  /** Random source for the minibatches (default: the global generator). */
  generator?: Generator;
  /** Called once per epoch, e.g. to update a progress display. */
  onEpoch?: (info: { iteration: number; numIters: number; loss: number; trainAcc: number; valAcc: number }) => void;
}

export interface TrainStats {
  lossHistory: number[];
  trainAccHistory: number[];
  valAccHistory: number[];
}

/** Fraction of rows whose predicted label equals y. */
function accuracy(yPred: Tensor, y: Tensor): number {
  return yPred.eq(y).to("float64").mean().item();
}

/**
 * Minibatch SGD. Each iteration samples batchSize rows (with replacement), computes loss and gradients with
 * lossFunc, and updates params in place. After every epoch (max(N / batchSize, 1) iterations) it records the
 * training and validation accuracy and decays the learning rate.
 */
export function nnTrain(
  params: NetParams, lossFunc: NetLossFunction, predFunc: NetPredictFunction,
  X: Tensor, y: Tensor, XVal: Tensor, yVal: Tensor, opts: NetTrainOptions = {},
): TrainStats {
  const { learningRateDecay = 0.95, reg = 5e-6, numIters = 100, batchSize = 200, verbose = false } = opts;
  let learningRate = opts.learningRate ?? 1e-3;
  const generator = opts.generator ?? defaultGenerator();
  const numTrain = X.size(0);
  const iterationsPerEpoch = Math.max(Math.floor(numTrain / batchSize), 1);
  const stats: TrainStats = { lossHistory: [], trainAccHistory: [], valAccHistory: [] };

  for (let it = 0; it < numIters; it++) {
    const idx = randint(0, numTrain, [batchSize], { generator });
    const XBatch = X.indexSelect(0, idx);
    const yBatch = y.indexSelect(0, idx);
    const { loss, grads } = lossFunc(params, XBatch, yBatch, reg);
    stats.lossHistory.push(loss);

    // ===================== BEGIN YOUR CODE: nn-sgd-update =====================
    // TODO: update every parameter in params (W1, b1, W2, b2) with its gradient and the learning rate, in place.
    throw new Error("TODO: nn-sgd-update");
    // ====================== END YOUR CODE: nn-sgd-update ======================

    if (verbose && it % 100 === 0) console.log(`iteration ${it} / ${numIters}: loss ${loss.toFixed(6)}`);
    if (it % iterationsPerEpoch === 0 || it === numIters - 1) {
      const trainAcc = accuracy(predFunc(params, lossFunc, XBatch), yBatch);
      const valAcc = accuracy(predFunc(params, lossFunc, XVal), yVal);
      stats.trainAccHistory.push(trainAcc);
      stats.valAccHistory.push(valAcc);
      opts.onEpoch?.({ iteration: it + 1, numIters, loss, trainAcc, valAcc });
      learningRate *= learningRateDecay;
    }
  }
  return stats;
}

/** Predicted labels [N] (int32) for X [N, D]. */
export function nnPredict(params: NetParams, lossFunc: NetLossFunction, X: Tensor): Tensor {
  let yPred = zeros([X.size(0)], { dtype: "int32" });
  // ===================== BEGIN YOUR CODE: nn-predict =====================
  // TODO: the predicted class is the one with the highest score (nnForwardPass gives the scores).
  throw new Error("TODO: nn-predict");
  // ====================== END YOUR CODE: nn-predict ======================
  return yPred;
}

/** The grid findBestNet searches: fewer than 256 combinations in all. */
export interface NetSearchParams {
  learningRates: number[];
  hiddenSizes: number[];
  regularizationStrengths: number[];
  learningRateDecays: number[];
}

export function nnGetSearchParams(): NetSearchParams {
  let learningRates: number[] = [];
  let hiddenSizes: number[] = [];
  let regularizationStrengths: number[] = [];
  let learningRateDecays: number[] = [];
  // ===================== BEGIN YOUR CODE: nn-search-params =====================
  // TODO: choose the values to try for each hyperparameter.
  throw new Error("TODO: nn-search-params");
  // ====================== END YOUR CODE: nn-search-params ======================
  return { learningRates, hiddenSizes, regularizationStrengths, learningRateDecays };
}

// ------------------------------------------------------------------------------------------------ the model

export interface TwoLayerNetOptions {
  dtype?: DType;
  /** Standard deviation of the initial weights. */
  std?: number;
  generator?: Generator;
}

/** A two-layer net: holds params and trains/predicts with the functions above. */
export class TwoLayerNet {
  params: NetParams;

  constructor(inputSize: number, hiddenSize: number, outputSize: number, opts: TwoLayerNetOptions = {}) {
    const { dtype = "float32", std = 1e-4 } = opts;
    const g = opts.generator ?? defaultGenerator();
    this.params = {
      W1: randn([inputSize, hiddenSize], { dtype, generator: g }).mul_(std),
      b1: zeros([hiddenSize], { dtype }),
      W2: randn([hiddenSize, outputSize], { dtype, generator: g }).mul_(std),
      b2: zeros([outputSize], { dtype }),
    };
  }

  loss(X: Tensor, y: Tensor, reg = 0): LossAndGrads {
    return nnForwardBackward(this.params, X, y, reg);
  }

  train(X: Tensor, y: Tensor, XVal: Tensor, yVal: Tensor, opts: NetTrainOptions = {}): TrainStats {
    return nnTrain(this.params, nnForwardBackward, nnPredict, X, y, XVal, yVal, opts);
  }

  predict(X: Tensor): Tensor {
    return nnPredict(this.params, nnForwardBackward, X);
  }

  save(path: string, meta: Record<string, unknown> = {}): void {
    saveTensors(path, { ...this.params }, { kind: "TwoLayerNet", ...meta });
    console.log(`Saved TwoLayerNet in ${path}`);
  }

  load(path: string): this {
    const { meta, tensors } = loadTensors(path);
    if (meta.kind !== "TwoLayerNet") throw new Error(`${path} holds a ${String(meta.kind)}, not a TwoLayerNet`);
    for (const name of ["W1", "b1", "W2", "b2"] as const) {
      if (!tensors[name]) throw new Error(`${path}: parameter ${name} is missing`);
    }
    this.params = { W1: tensors.W1, b1: tensors.b1, W2: tensors.W2, b2: tensors.b2 };
    console.log(`Loaded TwoLayerNet from ${path}`);
    return this;
  }
}

export interface SearchResult {
  bestNet: TwoLayerNet;
  bestStat: TrainStats;
  bestValAcc: number;
  /** One row per configuration tried, for plotting the sweep. */
  results: { learningRate: number; hiddenSize: number; reg: number; learningRateDecay: number; valAcc: number }[];
}

/**
 * Try every combination from getParamSetFn (train a TwoLayerNet on data.X_train for numIters iterations each)
 * and keep the one with the best validation accuracy.
 */
export function findBestNet(
  data: DataDict, getParamSetFn: () => NetSearchParams, numIters = 500, seed = 0,
): SearchResult {
  let bestNet: TwoLayerNet | null = null;
  let bestStat: TrainStats | null = null;
  let bestValAcc = 0;
  const results: SearchResult["results"] = [];
  // ===================== BEGIN YOUR CODE: find-best-net =====================
  // TODO: loop over the grid from getParamSetFn(); for each combination build a TwoLayerNet (input size
  // data.X_train.size(1), output size = number of classes, dtype of the data, generator new Generator(seed)),
  // train it for numIters iterations with generator new Generator(seed + 1) (so every configuration sees the same
  // minibatches), push a row to `results`, and keep the best net, its stats and its validation accuracy.
  throw new Error("TODO: find-best-net");
  // ====================== END YOUR CODE: find-best-net ======================
  if (bestNet === null || bestStat === null) throw new Error("findBestNet: the search tried no configuration");
  // The casts keep the released stub compiling: after the stub's throw this code is unreachable, and TypeScript
  // does not narrow in unreachable code.
  return { bestNet: bestNet as TwoLayerNet, bestStat: bestStat as TrainStats, bestValAcc, results };
}
