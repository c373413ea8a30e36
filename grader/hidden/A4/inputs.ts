/**
 * A4 hidden-test inputs, generated from a per-student seed; shared by the sandboxed probes and the grader.
 * Runner-side code: imports only lib/tensor, holds no reference answers.
 */
import { Generator, randint, randn, zeros, type Tensor } from "../../../lib/tensor";

export interface Params {
  W1: Tensor;
  b1: Tensor;
  W2: Tensor;
  b2: Tensor;
}

export interface NetSpec {
  N: number;
  D: number;
  H: number;
  C: number;
  /** Scale of the weights and biases (randn * scale). */
  scale: number;
  reg: number;
  /** Stability tests: added to b2, so raw scores overflow exp() while the softmax is unchanged. */
  offset?: number;
}

export const NET_SPECS = {
  nn_forward: { N: 20, D: 8, H: 12, C: 5, scale: 0.5, reg: 0 },
  nn_loss: { N: 24, D: 8, H: 10, C: 4, scale: 0.5, reg: 0.05 },
  nn_loss_stable: { N: 24, D: 8, H: 10, C: 4, scale: 0.5, reg: 0.05, offset: 1000 },
  nn_backward: { N: 30, D: 9, H: 12, C: 5, scale: 0.5, reg: 0.05 },
  nn_predict: { N: 40, D: 8, H: 10, C: 6, scale: 0.5, reg: 0 },
} satisfies Record<string, NetSpec>;

export type NetTestName = keyof typeof NET_SPECS;

/** Fresh tensors every call (student code may modify its arguments in place). */
export function netInputs(seed: string, s: NetSpec): { params: Params; X: Tensor; y: Tensor; reg: number } {
  const g = new Generator(`net:${seed}`);
  const params: Params = {
    W1: randn([s.D, s.H], { generator: g }).mul_(s.scale),
    b1: randn([s.H], { generator: g }).mul_(s.scale),
    W2: randn([s.H, s.C], { generator: g }).mul_(s.scale),
    b2: randn([s.C], { generator: g }).mul_(s.scale),
  };
  if (s.offset !== undefined) params.b2.add_(s.offset);
  const X = randn([s.N, s.D], { generator: g });
  const y = randint(0, s.C, [s.N], { generator: g });
  return { params, X, y, reg: s.reg };
}

// ------------------------------------------------------------------------------------------------ nn-sgd-update

export const SGD_SPEC = { N: 8, D: 4, H: 5, C: 3, learningRate: 0.1, learningRateDecay: 0.5, reg: 0.01, numIters: 5, batchSize: 4 };

/**
 * A trusted stand-in loss for the SGD test (not an assignment answer): 0.5 * sum over parameters of
 * ||p - T_p||^2, gradient p - T_p, independent of the batch. Isolates the parameter update.
 */
export function quadraticNetLoss(targets: Params) {
  return (params: Params, _X: Tensor, _y: Tensor, _reg: number): { loss: number; grads: Params } => {
    const names = ["W1", "b1", "W2", "b2"] as const;
    const grads = Object.fromEntries(names.map((k) => [k, params[k].sub(targets[k])])) as unknown as Params;
    const loss = names.reduce((a, k) => a + 0.5 * grads[k].mul(grads[k]).sum().item(), 0);
    return { loss, grads };
  };
}

/** A trusted predict function for the SGD test: all zeros (accuracy bookkeeping only). */
export function zerosPredict(_params: Params, _lossFunc: unknown, X: Tensor): Tensor {
  return zeros([X.size(0)], { dtype: "int32" });
}

export function sgdInputs(seed: string): { params: Params; targets: Params; X: Tensor; y: Tensor; generatorSeed: string } {
  const g = new Generator(`sgd:${seed}`);
  const { N, D, H, C } = SGD_SPEC;
  const make = (): Params => ({
    W1: randn([D, H], { generator: g }), b1: randn([H], { generator: g }), W2: randn([H, C], { generator: g }), b2: randn([C], { generator: g }),
  });
  const params = make();
  const targets = make();
  return { params, targets, X: randn([N, D], { generator: g }), y: randint(0, C, [N], { generator: g }), generatorSeed: `sgd-gen:${seed}` };
}

// ------------------------------------------------------------------------------------------------ find-best-net

export const SEARCH_SPEC = { numTrain: 90, numVal: 45, D: 12, C: 3, numIters: 40, seed: 7 };

/** The grid findBestNet is called with in the hidden test (4 combinations). */
export function hiddenSearchGrid(): { learningRates: number[]; hiddenSizes: number[]; regularizationStrengths: number[]; learningRateDecays: number[] } {
  return { learningRates: [0.5, 0.05], hiddenSizes: [16], regularizationStrengths: [1e-3, 1e-1], learningRateDecays: [0.95] };
}

/** Small data with class structure for findBestNet. */
export function searchInputs(seed: string): { X_train: Tensor; y_train: Tensor; X_val: Tensor; y_val: Tensor } {
  const g = new Generator(`search:${seed}`);
  const { numTrain, numVal, D, C } = SEARCH_SPEC;
  const means = randn([C, D], { generator: g }).mul_(1.5);
  const make = (n: number) => {
    const y = randint(0, C, [n], { generator: g });
    return { X: means.indexSelect(0, y).add_(randn([n, D], { generator: g })), y };
  };
  const tr = make(numTrain);
  const va = make(numVal);
  return { X_train: tr.X, y_train: tr.y, X_val: va.X, y_val: va.y };
}
