/**
 * A3 probes: run inside the sandbox, one per hidden test. Each calls the student's function on seeded inputs
 * (inputs.ts) and returns the raw values (losses, gradients, predictions); the grader compares them.
 */
import { Generator, type Tensor } from "../../../lib/tensor";
import type { Probe, StudentModules } from "../../run/runner/protocol";
import { pick } from "../../run/runner/wire";
import type * as A3 from "../../../student_src/linear_classifier";
import {
  LOSS_SPECS, PARAM_SET_SPEC, TRAIN_SPEC, leastSquaresLoss, lossInputs, paramSetInputs, predictInputs, quadraticLoss,
  sampleInputs, trainInputs, type LossSpec,
} from "./inputs";

export const A3_MODULE = "student_src/linear_classifier.ts";
const lc = (m: StudentModules) => m[A3_MODULE] as typeof A3;

type LossFn = (W: Tensor, X: Tensor, y: Tensor, reg: number) => unknown;

function lossProbe(fn: LossFn, seed: string, spec: LossSpec): unknown {
  const { W, X, y, reg } = lossInputs(seed, spec);
  return pick(fn(W, X, y, reg), ["loss", "dW"]);
}

export const probes: Record<string, Probe> = {
  svm_naive_grad: (m, seed) => lossProbe(lc(m).svmLossNaive, seed, LOSS_SPECS.svm_naive_grad),
  svm_naive_reg_grad: (m, seed) => lossProbe(lc(m).svmLossNaive, seed, LOSS_SPECS.svm_naive_reg_grad),
  svm_vec_loss: (m, seed) => lossProbe(lc(m).svmLossVectorized, seed, LOSS_SPECS.svm_vec_loss),
  svm_vec_loss_tiny_w: (m, seed) => lossProbe(lc(m).svmLossVectorized, seed, LOSS_SPECS.svm_vec_loss_tiny_w),
  svm_vec_grad: (m, seed) => lossProbe(lc(m).svmLossVectorized, seed, LOSS_SPECS.svm_vec_grad),
  softmax_naive: (m, seed) => lossProbe(lc(m).softmaxLossNaive, seed, LOSS_SPECS.softmax_naive),
  softmax_naive_stable: (m, seed) => lossProbe(lc(m).softmaxLossNaive, seed, LOSS_SPECS.softmax_naive_stable),
  softmax_vec: (m, seed) => lossProbe(lc(m).softmaxLossVectorized, seed, LOSS_SPECS.softmax_vec),
  softmax_vec_stable: (m, seed) => lossProbe(lc(m).softmaxLossVectorized, seed, LOSS_SPECS.softmax_vec_stable),
  softmax_vec_zero_w: (m, seed) => lossProbe(lc(m).softmaxLossVectorized, seed, LOSS_SPECS.softmax_vec_zero_w),

  sample_batch: (m, seed) => {
    const s = sampleInputs(seed);
    const draw = () => pick(lc(m).sampleBatch(s.X, s.y, s.numTrain, s.batchSize, new Generator(s.generatorSeed)), ["XBatch", "yBatch"]);
    return { first: draw(), second: draw() };
  },

  sgd_update: (m, seed) => {
    const t = trainInputs(seed);
    const { learningRate, reg, numIters, batchSize } = TRAIN_SPEC;
    const r = lc(m).trainLinearClassifier(quadraticLoss(t.target), t.W0, t.X, t.y, {
      learningRate, reg, numIters, batchSize, generator: new Generator(t.generatorSeed),
    });
    return pick(r, ["W", "lossHistory"]);
  },

  linear_predict: (m, seed) => {
    const { W, X } = predictInputs(seed);
    return { yPred: lc(m).predictLinearClassifier(W, X) };
  },

  svm_search_params: (m) => pick(lc(m).svmGetSearchParams(), ["learningRates", "regularizationStrengths"]),
  softmax_search_params: (m) => pick(lc(m).softmaxGetSearchParams(), ["learningRates", "regularizationStrengths"]),

  test_one_param_set: (m, seed) => {
    const mod = lc(m);
    class LeastSquares extends mod.LinearClassifier {
      readonly kind = "LeastSquares";
      loss(W: Tensor, X: Tensor, y: Tensor, reg: number) {
        return leastSquaresLoss(W, X, y, reg);
      }
    }
    const d = paramSetInputs(seed);
    const cls = new LeastSquares();
    const { learningRate, reg, numIters } = PARAM_SET_SPEC;
    const r = mod.testOneParamSet(cls, d, learningRate, reg, numIters, new Generator(d.generatorSeed));
    const out = pick(r, ["trainAcc", "valAcc", "cls"]);
    return { trainAcc: out.trainAcc, valAcc: out.valAcc, sameClassifier: out.cls === cls, W: cls.W };
  },
};
