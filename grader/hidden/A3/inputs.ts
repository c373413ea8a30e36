/**
 * A3 hidden-test inputs, generated from a per-student seed. Shared by the sandboxed probes (probes.ts) and the
 * grader's expected values (tests.ts): the same seed gives the same tensors on both sides. Runner-side code:
 * imports only lib/tensor, holds no reference answers.
 */
import { Generator, randint, randn, zeros, type Tensor } from "../../../lib/tensor";

export interface LossSpec {
  N: number;
  D: number;
  C: number;
  /** Scale of W's entries (randn * wScale); "zeros" for an all-zero W. */
  wScale: number | "zeros";
  xScale: number;
  reg: number;
  /**
   * Stability tests: every score gets this common offset (X[:, 0] = 1 and W[0, :] += offset), so exp() of a raw
   * score overflows while the softmax itself is unchanged, as with the reference course's W = ones check.
   */
  offset?: number;
}

/** Sizes and scales of every loss test, by test name. */
export const LOSS_SPECS = {
  svm_naive_grad: { N: 40, D: 25, C: 7, wScale: 0.3, xScale: 1, reg: 0 },
  svm_naive_reg_grad: { N: 36, D: 20, C: 6, wScale: 0.3, xScale: 1, reg: 0.3 },
  svm_vec_loss: { N: 60, D: 40, C: 8, wScale: 0.3, xScale: 1, reg: 0.2 },
  svm_vec_loss_tiny_w: { N: 50, D: 30, C: 10, wScale: 1e-6, xScale: 1, reg: 0 },
  svm_vec_grad: { N: 60, D: 40, C: 8, wScale: 0.3, xScale: 1, reg: 0.2 },
  softmax_naive: { N: 40, D: 30, C: 6, wScale: 0.2, xScale: 1, reg: 0.2 },
  softmax_naive_stable: { N: 20, D: 50, C: 10, wScale: 0.5, xScale: 1, reg: 1e-3, offset: 1000 },
  softmax_vec: { N: 64, D: 40, C: 8, wScale: 0.2, xScale: 1, reg: 0.2 },
  softmax_vec_stable: { N: 30, D: 50, C: 10, wScale: 0.5, xScale: 1, reg: 1e-3, offset: 1000 },
  softmax_vec_zero_w: { N: 30, D: 20, C: 7, wScale: "zeros", xScale: 1, reg: 0.5 },
} satisfies Record<string, LossSpec>;

export type LossTestName = keyof typeof LOSS_SPECS;

export interface LossInputs {
  W: Tensor;
  X: Tensor;
  y: Tensor;
  reg: number;
}

/** Fresh tensors every call (student code may modify its arguments in place). */
export function lossInputs(seed: string, spec: LossSpec): LossInputs {
  const g = new Generator(`loss:${seed}`);
  const W = spec.wScale === "zeros" ? zeros([spec.D, spec.C]) : randn([spec.D, spec.C], { generator: g }).mul_(spec.wScale);
  const X = randn([spec.N, spec.D], { generator: g }).mul_(spec.xScale);
  const y = randint(0, spec.C, [spec.N], { generator: g });
  if (spec.offset !== undefined) {
    X.select(1, 0).fill_(1);
    W.select(0, 0).add_(spec.offset);
  }
  return { W, X, y, reg: spec.reg };
}

// ------------------------------------------------------------------------------------------------ sample-batch

export const SAMPLE_SPEC = { rows: 60, numTrain: 45, D: 5, C: 4, batchSize: 32 };

/** X whose column 0 is the row number (so a sampled row tells where it came from), random labels. */
export function sampleInputs(seed: string): { X: Tensor; y: Tensor; numTrain: number; batchSize: number; generatorSeed: string } {
  const g = new Generator(`sample:${seed}`);
  const X = randn([SAMPLE_SPEC.rows, SAMPLE_SPEC.D], { generator: g });
  for (let i = 0; i < SAMPLE_SPEC.rows; i++) X.set([i, 0], i);
  const y = randint(0, SAMPLE_SPEC.C, [SAMPLE_SPEC.rows], { generator: g });
  return { X, y, numTrain: SAMPLE_SPEC.numTrain, batchSize: SAMPLE_SPEC.batchSize, generatorSeed: `sample-gen:${seed}` };
}

// ------------------------------------------------------------------------------------------------ training

/**
 * A trusted stand-in loss for training tests (not an assignment answer): 0.5 * ||W - T||^2 + reg * sum(W^2)
 * with gradient (W - T) + 2 reg W, independent of the batch. Training with it isolates the SGD update.
 */
export function quadraticLoss(target: Tensor): (W: Tensor, X: Tensor, y: Tensor, reg: number) => { loss: number; dW: Tensor } {
  return (W, _X, _y, reg) => {
    const diff = W.sub(target);
    const loss = 0.5 * diff.mul(diff).sum().item() + reg * W.mul(W).sum().item();
    return { loss, dW: diff.add(W, 2 * reg) };
  };
}

export const TRAIN_SPEC = { N: 30, D: 6, C: 3, learningRate: 0.1, reg: 0.05, numIters: 4, batchSize: 8 };

export function trainInputs(seed: string): { W0: Tensor; target: Tensor; X: Tensor; y: Tensor; generatorSeed: string } {
  const g = new Generator(`train:${seed}`);
  const W0 = randn([TRAIN_SPEC.D, TRAIN_SPEC.C], { generator: g });
  const target = randn([TRAIN_SPEC.D, TRAIN_SPEC.C], { generator: g }).mul_(2);
  const X = randn([TRAIN_SPEC.N, TRAIN_SPEC.D], { generator: g });
  const y = randint(0, TRAIN_SPEC.C, [TRAIN_SPEC.N], { generator: g });
  return { W0, target, X, y, generatorSeed: `train-gen:${seed}` };
}

/**
 * A trusted least-squares loss for testOneParamSet (not an assignment answer): mean over the batch of
 * ||x W - onehot(y)||^2 + reg * sum(W^2).
 */
export function leastSquaresLoss(W: Tensor, X: Tensor, y: Tensor, reg: number): { loss: number; dW: Tensor } {
  const N = X.size(0);
  const residual = X.matmul(W);
  residual.scatterAdd_(1, y, -1);
  const loss = residual.mul(residual).sum().item() / N + reg * W.mul(W).sum().item();
  const dW = X.t().matmul(residual).mul_(2 / N).add_(W, 2 * reg);
  return { loss, dW };
}

export const PARAM_SET_SPEC = { numTrain: 80, numVal: 40, D: 12, C: 4, learningRate: 0.05, reg: 1e-3, numIters: 25 };

/** Small separable-ish data for testOneParamSet: class means plus noise, with a bias column. */
export function paramSetInputs(seed: string): { X_train: Tensor; y_train: Tensor; X_val: Tensor; y_val: Tensor; generatorSeed: string } {
  const g = new Generator(`paramset:${seed}`);
  const { numTrain, numVal, D, C } = PARAM_SET_SPEC;
  const means = randn([C, D], { generator: g }).mul_(1.5);
  const make = (n: number) => {
    const y = randint(0, C, [n], { generator: g });
    const X = means.indexSelect(0, y).add_(randn([n, D], { generator: g }));
    for (let i = 0; i < n; i++) X.set([i, D - 1], 1);
    return { X, y };
  };
  const tr = make(numTrain);
  const va = make(numVal);
  return { X_train: tr.X, y_train: tr.y, X_val: va.X, y_val: va.y, generatorSeed: `paramset-gen:${seed}` };
}

// ------------------------------------------------------------------------------------------------ predict

export const PREDICT_SPEC = { N: 50, D: 20, C: 6 };

export function predictInputs(seed: string): { W: Tensor; X: Tensor } {
  const g = new Generator(`predict:${seed}`);
  return {
    W: randn([PREDICT_SPEC.D, PREDICT_SPEC.C], { generator: g }),
    X: randn([PREDICT_SPEC.N, PREDICT_SPEC.D], { generator: g }),
  };
}
