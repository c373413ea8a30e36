/**
 * Assignment 3: linear classifiers (multiclass SVM and softmax) on lib/tensor.
 *
 * Write code only inside the designated blocks (BEGIN YOUR CODE / END YOUR CODE); everything else is frozen and
 * checked when you submit. Shapes: D = input dimension (3073 with the bias trick), C = classes, N = examples.
 * Labels y are int32 with 0 <= y[i] < C. Regularization is reg * sum(W * W) (no factor 1/2).
 */
import {
  Generator, defaultGenerator, loadTensors, matmulInto, randint, randn, release, saveTensors, sumSquares,
  type Tensor, zerosLike,
} from "../lib/tensor";

/** Loss and gradient with respect to W (same shape as W). */
export interface LossResult {
  loss: number;
  dW: Tensor;
}

export type LossFunction = (W: Tensor, X: Tensor, y: Tensor, reg: number) => LossResult;

/** Train/validation split as produced by lib/data's preprocessing. */
export interface DataDict {
  X_train: Tensor;
  y_train: Tensor;
  X_val: Tensor;
  y_val: Tensor;
}

// ------------------------------------------------------------------------------------------------ SVM

/**
 * Multiclass SVM loss, naive version with loops.
 * Inputs: W [D, C] weights, X [N, D] minibatch, y [N] labels, reg regularization strength.
 * Returns the loss (a number) and dW [D, C], the gradient of the loss with respect to W.
 */
export function svmLossNaive(W: Tensor, X: Tensor, y: Tensor, reg: number): LossResult {
  const dW = zerosLike(W);
  const numClasses = W.size(1);
  const numTrain = X.size(0);
  let loss = 0;
  for (let i = 0; i < numTrain; i++) {
    const scores = W.t().mv(X.get(i));
    const yi = y.at(i);
    const correctClassScore = scores.at(yi);
    for (let j = 0; j < numClasses; j++) {
      if (j === yi) continue;
      const margin = scores.at(j) - correctClassScore + 1; // note delta = 1
      if (margin > 0) {
        loss += margin;
        // ===================== BEGIN YOUR CODE: svm-naive-grad =====================
        // TODO: add this margin's contribution to the gradient dW (columns j and yi), e.g. with
        // dW.select(1, j).add_(...). Do not divide by numTrain here.
        // BEGIN SOLUTION
        // STUB: throw new Error("TODO: svm-naive-grad");
        dW.select(1, j).add_(X.get(i));
        dW.select(1, yi).sub_(X.get(i));
        // END SOLUTION
        // ====================== END YOUR CODE: svm-naive-grad ======================
      }
    }
  }
  // The loss is a sum over training examples; we want the average, plus regularization.
  loss /= numTrain;
  loss += reg * W.mul(W).sum().item();

  // ===================== BEGIN YOUR CODE: svm-naive-reg-grad =====================
  // TODO: average dW over the training examples and add the gradient of the regularization term.
  // BEGIN SOLUTION
  // STUB: throw new Error("TODO: svm-naive-reg-grad");
  dW.div_(numTrain);
  dW.add_(W, 2 * reg);
  // END SOLUTION
  // ====================== END YOUR CODE: svm-naive-reg-grad ======================
  return { loss, dW };
}

/**
 * Multiclass SVM loss, vectorized: same inputs and outputs as svmLossNaive, without loops over examples.
 */
export function svmLossVectorized(W: Tensor, X: Tensor, y: Tensor, reg: number): LossResult {
  let loss = 0;
  let dW = zerosLike(W);
  // ===================== BEGIN YOUR CODE: svm-vectorized-loss =====================
  // TODO: compute the multiclass SVM loss without explicit loops; store it in `loss` (a number).
  // Useful: X.matmul(W), scores.gather(1, y), clamp({ min: 0 }), scatter_(1, y, 0), sum().item().
  // BEGIN SOLUTION
  // STUB: throw new Error("TODO: svm-vectorized-loss");
  const numTrain = X.size(0);
  const scores = X.matmul(W);
  const correct = scores.gather(1, y).unsqueeze(1);
  const margins = scores.sub(correct).add_(1).clamp_({ min: 0 });
  margins.scatter_(1, y, 0);
  // sumSquares(W) = W.mul(W).sum().item() without the temporary
  loss = margins.sum().item() / numTrain + reg * sumSquares(W);
  // END SOLUTION
  // ====================== END YOUR CODE: svm-vectorized-loss ======================

  // ===================== BEGIN YOUR CODE: svm-vectorized-grad =====================
  // TODO: compute the gradient dW without explicit loops. Hint: reuse intermediate values from the loss
  // block; each positive margin adds X[i] to column j and subtracts it from column y[i].
  // BEGIN SOLUTION
  // STUB: throw new Error("TODO: svm-vectorized-grad");
  const coeff = margins.gt(0).to(W.dtype);
  coeff.scatter_(1, y, coeff.sum(1).neg());
  // matmulInto: the values of X.t().matmul(coeff), written into dW instead of a new tensor
  matmulInto(dW, X.t(), coeff).div_(numTrain).add_(W, 2 * reg);
  release(scores, margins, coeff); // dead from here on: the next iteration's ops reuse their memory
  // END SOLUTION
  // ====================== END YOUR CODE: svm-vectorized-grad ======================
  return { loss, dW };
}

// ------------------------------------------------------------------------------------------------ training

/**
 * Sample batchSize rows (with replacement) of X and y, as the reference course does with torch.randint.
 * Returns XBatch [batchSize, D] and yBatch [batchSize].
 */
export function sampleBatch(
  X: Tensor, y: Tensor, numTrain: number, batchSize: number, generator: Generator = defaultGenerator(),
): { XBatch: Tensor; yBatch: Tensor } {
  let XBatch = X;
  let yBatch = y;
  // ===================== BEGIN YOUR CODE: sample-batch =====================
  // TODO: draw batchSize random indices in [0, numTrain) with randint(..., { generator }) and select those
  // rows of X and y (indexSelect).
  // BEGIN SOLUTION
  // STUB: throw new Error("TODO: sample-batch");
  const idx = randint(0, numTrain, [batchSize], { generator });
  XBatch = X.indexSelect(0, idx);
  yBatch = y.indexSelect(0, idx);
  // END SOLUTION
  // ====================== END YOUR CODE: sample-batch ======================
  return { XBatch, yBatch };
}

export interface TrainOptions {
  learningRate?: number;
  reg?: number;
  numIters?: number;
  batchSize?: number;
  verbose?: boolean;
  /** Random source for the initial weights and the minibatches (default: the global generator). */
  generator?: Generator;
  /** Called every `progressEvery` iterations, e.g. to update a progress display. */
  onProgress?: (iteration: number, numIters: number, loss: number) => void;
  progressEvery?: number;
}

/**
 * Train a linear classifier with minibatch SGD.
 * W: [D, C] initial weights, or null to start from 1e-6 * randn(D, C) with C = max(y) + 1.
 * Returns the trained W and the loss at every iteration.
 */
export function trainLinearClassifier(
  lossFunc: LossFunction, W: Tensor | null, X: Tensor, y: Tensor, opts: TrainOptions = {},
): { W: Tensor; lossHistory: number[] } {
  const { learningRate = 1e-3, reg = 1e-5, numIters = 100, batchSize = 200, verbose = false } = opts;
  const generator = opts.generator ?? defaultGenerator();
  const [numTrain, dim] = X.shape;
  let weights = W;
  if (weights === null) {
    const numClasses = y.max().item() + 1;
    weights = randn([dim, numClasses], { dtype: X.dtype, generator }).mul_(1e-6);
  }
  const lossHistory: number[] = [];
  const every = opts.progressEvery ?? 100;
  for (let it = 0; it < numIters; it++) {
    const { XBatch, yBatch } = sampleBatch(X, y, numTrain, batchSize, generator);
    const { loss, dW } = lossFunc(weights, XBatch, yBatch, reg);
    lossHistory.push(loss);
    // ===================== BEGIN YOUR CODE: sgd-update =====================
    // TODO: update the weights with the gradient and the learning rate (in place: weights.add_(dW, alpha)).
    // BEGIN SOLUTION
    // STUB: throw new Error("TODO: sgd-update");
    weights.add_(dW, -learningRate);
    release(XBatch); // sampleBatch's fresh copy, used by nothing else: the next batch reuses its memory
    // END SOLUTION
    // ====================== END YOUR CODE: sgd-update ======================
    if (it % every === 0 || it === numIters - 1) {
      opts.onProgress?.(it + 1, numIters, loss);
      if (verbose) console.log(`iteration ${it} / ${numIters}: loss ${loss.toFixed(6)}`);
    }
  }
  return { W: weights, lossHistory };
}

/** Predicted labels [N] (int32) for data X [N, D] under weights W [D, C]. */
export function predictLinearClassifier(W: Tensor, X: Tensor): Tensor {
  let yPred = zerosLike(X.select(1, 0), { dtype: "int32" });
  // ===================== BEGIN YOUR CODE: linear-predict =====================
  // TODO: the predicted class of each row of X is the one with the highest score.
  // BEGIN SOLUTION
  // STUB: throw new Error("TODO: linear-predict");
  yPred = X.matmul(W).argmax(1);
  // END SOLUTION
  // ====================== END YOUR CODE: linear-predict ======================
  return yPred;
}

/** Hyperparameter grid for the SVM: at least 2 learning rates and 2 strengths, fewer than 25 pairs. */
export function svmGetSearchParams(): { learningRates: number[]; regularizationStrengths: number[] } {
  let learningRates: number[] = [];
  let regularizationStrengths: number[] = [];
  // ===================== BEGIN YOUR CODE: svm-search-params =====================
  // TODO: choose the learning rates and regularization strengths to try.
  // BEGIN SOLUTION
  // STUB: throw new Error("TODO: svm-search-params");
  learningRates = [1e-3, 3e-3];
  regularizationStrengths = [1e-2, 1e-1, 1];
  // END SOLUTION
  // ====================== END YOUR CODE: svm-search-params ======================
  return { learningRates, regularizationStrengths };
}

/**
 * Train `cls` on data.X_train with one (learning rate, reg) pair for numIters iterations and measure accuracy
 * (fraction in [0, 1]) on the training and validation sets.
 */
export function testOneParamSet(
  cls: LinearClassifier, data: DataDict, lr: number, reg: number, numIters = 2000, generator?: Generator,
): { cls: LinearClassifier; trainAcc: number; valAcc: number } {
  let trainAcc = 0;
  let valAcc = 0;
  // ===================== BEGIN YOUR CODE: test-one-param-set =====================
  // TODO: train cls (cls.train(X, y, { learningRate, reg, numIters, generator })), then compute trainAcc and
  // valAcc with cls.predict.
  // BEGIN SOLUTION
  // STUB: throw new Error("TODO: test-one-param-set");
  cls.train(data.X_train, data.y_train, { learningRate: lr, reg, numIters, generator });
  trainAcc = cls.predict(data.X_train).eq(data.y_train).to("float64").mean().item();
  valAcc = cls.predict(data.X_val).eq(data.y_val).to("float64").mean().item();
  // END SOLUTION
  // ====================== END YOUR CODE: test-one-param-set ======================
  return { cls, trainAcc, valAcc };
}

// ------------------------------------------------------------------------------------------------ softmax

/**
 * Softmax (cross-entropy) loss, naive version with loops. Same inputs and outputs as svmLossNaive.
 * Keep it numerically stable: subtract each row's maximum score before exponentiating.
 */
export function softmaxLossNaive(W: Tensor, X: Tensor, y: Tensor, reg: number): LossResult {
  let loss = 0;
  const dW = zerosLike(W);
  // ===================== BEGIN YOUR CODE: softmax-naive =====================
  // TODO: loop over the examples (and classes) to compute the average loss plus reg * sum(W * W), and the
  // gradient dW. Use scores.at(j) for single values and dW.select(1, j).add_(X.get(i), coefficient).
  // BEGIN SOLUTION
  // STUB: throw new Error("TODO: softmax-naive");
  const numTrain = X.size(0);
  const numClasses = W.size(1);
  for (let i = 0; i < numTrain; i++) {
    const scores = W.t().mv(X.get(i));
    const maxScore = scores.max().item();
    let total = 0;
    const expScores: number[] = [];
    for (let j = 0; j < numClasses; j++) {
      const e = Math.exp(scores.at(j) - maxScore);
      expScores.push(e);
      total += e;
    }
    const yi = y.at(i);
    loss -= Math.log(expScores[yi] / total);
    for (let j = 0; j < numClasses; j++) {
      const p = expScores[j] / total;
      dW.select(1, j).add_(X.get(i), p - (j === yi ? 1 : 0));
    }
  }
  loss = loss / numTrain + reg * W.mul(W).sum().item();
  dW.div_(numTrain).add_(W, 2 * reg);
  // END SOLUTION
  // ====================== END YOUR CODE: softmax-naive ======================
  return { loss, dW };
}

/** Softmax loss, vectorized: same as softmaxLossNaive without loops over examples; must not give NaN. */
export function softmaxLossVectorized(W: Tensor, X: Tensor, y: Tensor, reg: number): LossResult {
  let loss = 0;
  let dW = zerosLike(W);
  // ===================== BEGIN YOUR CODE: softmax-vectorized =====================
  // TODO: compute the loss and gradient without loops, stably (subtract scores.max(1, true).values).
  // BEGIN SOLUTION
  // STUB: throw new Error("TODO: softmax-vectorized");
  const numTrain = X.size(0);
  const scores = X.matmul(W);
  const shifted = scores.sub(scores.max(1, true).values);
  const logProbs = shifted.sub(shifted.logsumexp(1, true));
  // sumSquares(W) = W.mul(W).sum().item() without the temporary
  loss = -logProbs.gather(1, y).sum().item() / numTrain + reg * sumSquares(W);
  const dscores = logProbs.exp().scatterAdd_(1, y, -1).div_(numTrain);
  // matmulInto: the values of X.t().matmul(dscores), written into dW instead of a new tensor
  matmulInto(dW, X.t(), dscores).add_(W, 2 * reg);
  release(scores, shifted, logProbs, dscores); // dead from here on: the next iteration's ops reuse their memory
  // END SOLUTION
  // ====================== END YOUR CODE: softmax-vectorized ======================
  return { loss, dW };
}

/** Hyperparameter grid for softmax: at least 2 learning rates and 2 strengths, fewer than 25 pairs. */
export function softmaxGetSearchParams(): { learningRates: number[]; regularizationStrengths: number[] } {
  let learningRates: number[] = [];
  let regularizationStrengths: number[] = [];
  // ===================== BEGIN YOUR CODE: softmax-search-params =====================
  // TODO: choose the learning rates and regularization strengths to try.
  // BEGIN SOLUTION
  // STUB: throw new Error("TODO: softmax-search-params");
  learningRates = [1e-2, 3e-2];
  regularizationStrengths = [1e-2, 1e-1, 1];
  // END SOLUTION
  // ====================== END YOUR CODE: softmax-search-params ======================
  return { learningRates, regularizationStrengths };
}

// ------------------------------------------------------------------------------------------------ classes

/** A linear classifier: weights W [D, C] trained with trainLinearClassifier. Subclasses pick the loss. */
export abstract class LinearClassifier {
  W: Tensor | null = null;

  abstract readonly kind: string;

  abstract loss(W: Tensor, XBatch: Tensor, yBatch: Tensor, reg: number): LossResult;

  train(X: Tensor, y: Tensor, opts: TrainOptions = {}): number[] {
    const { W, lossHistory } = trainLinearClassifier((w, xb, yb, r) => this.loss(w, xb, yb, r), this.W, X, y, opts);
    this.W = W;
    return lossHistory;
  }

  predict(X: Tensor): Tensor {
    if (this.W === null) throw new Error(`${this.kind}: train or load the model before predicting`);
    return predictLinearClassifier(this.W, X);
  }

  /** Save W to a JSON file (part of the submission). */
  save(path: string, meta: Record<string, unknown> = {}): void {
    if (this.W === null) throw new Error(`${this.kind}: nothing to save, train the model first`);
    saveTensors(path, { W: this.W }, { kind: this.kind, ...meta });
    console.log(`Saved ${this.kind} in ${path}`);
  }

  load(path: string): this {
    const { meta, tensors } = loadTensors(path);
    if (meta.kind !== this.kind) throw new Error(`${path} holds a ${String(meta.kind)}, not a ${this.kind}`);
    if (!tensors.W) throw new Error(`${path}: no weights "W" in the file`);
    this.W = tensors.W;
    console.log(`Loaded ${this.kind} from ${path}`);
    return this;
  }
}

export class LinearSVM extends LinearClassifier {
  readonly kind = "LinearSVM";
  loss(W: Tensor, XBatch: Tensor, yBatch: Tensor, reg: number): LossResult {
    return svmLossVectorized(W, XBatch, yBatch, reg);
  }
}

export class Softmax extends LinearClassifier {
  readonly kind = "Softmax";
  loss(W: Tensor, XBatch: Tensor, yBatch: Tensor, reg: number): LossResult {
    return softmaxLossVectorized(W, XBatch, yBatch, reg);
  }
}
