/**
 * A3 expected values (from solutions/) and the values of deliberately wrong implementations (variants) that the
 * feedback recognises: regularization gradient off by 2x, missing 1/N, correct-class margin not zeroed,
 * missing -1 at the correct class, sign flips. Grader side only: never bundled into a job.
 */
import type { Tensor } from "../../../lib/tensor";
import * as sol from "../../../solutions/linear_classifier";
import type { Variant } from "../../score/compare";
import type { PartExpectation } from "../loss-grading";
import type { LossInputs } from "./inputs";

export interface LossGradExpectation {
  loss: PartExpectation<number>;
  grad: PartExpectation<Tensor>;
}

export const MSG = {
  lossNotAveraged: "the loss is not averaged over the N examples: divide the summed data loss by N",
  marginNotZeroed: "the correct class's margin is not zeroed: every example adds s_y - s_y + 1 = 1 to its loss; skip (or zero) the margin of the correct class",
  regMissing: "the regularization term reg * sum(W * W) is missing",
  regHalf: "the regularization term is multiplied by 1/2: this course uses reg * sum(W * W), without the 1/2",
  regDouble: "the regularization term is twice too large: it is reg * sum(W * W)",
  regOverN: "the regularization term is divided by N: only the data loss is averaged",
  gradNotAveraged: "dW is not divided by N (missing 1/N): the loss is an average over the N examples, so is its gradient",
  regGradHalf: "regularization gradient off by 2x: the derivative of reg * sum(W * W) is 2 * reg * W, yours is reg * W",
  regGradDouble: "regularization gradient off by 2x: the derivative of reg * sum(W * W) is 2 * reg * W, yours is 4 * reg * W",
  regGradMissing: "the regularization gradient 2 * reg * W is missing",
  regGradOverN: "the regularization gradient is divided by N: only the data term is averaged",
  signFlipped: "the sign is flipped (you computed the negative of the gradient)",
} as const;

function svmCoefficients(W: Tensor, X: Tensor, y: Tensor, zeroCorrect: boolean): { positive: Tensor; full: Tensor } {
  const scores = X.matmul(W);
  const margins = scores.sub(scores.gather(1, y).unsqueeze(1)).add_(1).clamp_({ min: 0 });
  if (zeroCorrect) margins.scatter_(1, y, 0);
  const positive = margins.gt(0).to(W.dtype);
  if (zeroCorrect) positive.scatter_(1, y, 0);
  const full = positive.clone();
  full.scatter_(1, y, margins.gt(0).to(W.dtype).sum(1).neg());
  return { positive, full };
}

/** Loss and gradient variants common to SVM and softmax, from the data loss/gradient (already averaged). */
function commonVariants(inp: LossInputs, dataLoss: number, dataGrad: Tensor): { loss: Variant<number>[]; grad: Variant<Tensor>[] } {
  const { W, X, reg } = inp;
  const N = X.size(0);
  const sumW2 = W.mul(W).sum().item();
  const expectedGrad = dataGrad.add(W, 2 * reg);
  return {
    loss: [
      { value: dataLoss * N + reg * sumW2, diagnosis: MSG.lossNotAveraged, credit: 0.5 },
      { value: dataLoss, diagnosis: MSG.regMissing, credit: 0.5 },
      { value: dataLoss + 0.5 * reg * sumW2, diagnosis: MSG.regHalf, credit: 0.5 },
      { value: dataLoss + 2 * reg * sumW2, diagnosis: MSG.regDouble, credit: 0.5 },
      { value: dataLoss + (reg * sumW2) / N, diagnosis: MSG.regOverN, credit: 0.5 },
    ],
    grad: [
      { value: dataGrad.mul(N).add_(W, 2 * reg), diagnosis: MSG.gradNotAveraged, credit: 0.5 },
      { value: dataGrad.add(W, reg), diagnosis: MSG.regGradHalf, credit: 0.5 },
      { value: dataGrad.add(W, 4 * reg), diagnosis: MSG.regGradDouble, credit: 0.5 },
      { value: dataGrad.clone(), diagnosis: MSG.regGradMissing, credit: 0.5 },
      { value: dataGrad.add(W, (2 * reg) / N), diagnosis: MSG.regGradOverN, credit: 0.5 },
      { value: expectedGrad.neg(), diagnosis: MSG.signFlipped, credit: 0 },
    ],
  };
}

/** Multiclass SVM: expected loss and dW, and the variants (credits are the defaults; tests adjust them). */
export function svmExpectation(inp: LossInputs): LossGradExpectation {
  const { W, X, y, reg } = inp;
  const N = X.size(0);
  const data = sol.svmLossVectorized(W, X, y, 0);
  const full = sol.svmLossVectorized(W, X, y, reg);
  const common = commonVariants(inp, data.loss, data.dW);
  const unzeroed = svmCoefficients(W, X, y, false);
  const zeroed = svmCoefficients(W, X, y, true);
  const perExample = (coeff: Tensor) => X.t().matmul(coeff).div_(N).add_(W, 2 * reg);
  return {
    loss: {
      expected: full.loss,
      variants: [{ value: full.loss + 1, diagnosis: MSG.marginNotZeroed, credit: 0.25 }, ...common.loss],
    },
    grad: {
      expected: full.dW,
      variants: [
        ...common.grad,
        {
          value: perExample(unzeroed.full),
          diagnosis: "consistent with margins whose correct-class entry was not zeroed (block svm-vectorized-loss): the correct class then counts itself among the positive margins; fixing the loss block fixes this",
          credit: 1,
        },
        {
          value: perExample(zeroed.positive),
          diagnosis: "the correct class's column is not updated: for every positive margin, also subtract X[i] from column y[i]",
          credit: 0,
        },
        {
          value: perExample(zeroed.full.sub(zeroed.positive)),
          diagnosis: "only the correct class's column is updated: for every positive margin, also add X[i] to column j",
          credit: 0,
        },
      ],
    },
  };
}

/** Softmax: expected loss and dW, and variants. */
export function softmaxExpectation(inp: LossInputs): LossGradExpectation {
  const { W, X, y, reg } = inp;
  const N = X.size(0);
  const data = sol.softmaxLossVectorized(W, X, y, 0);
  const full = sol.softmaxLossVectorized(W, X, y, reg);
  const common = commonVariants(inp, data.loss, data.dW);
  const scores = X.matmul(W);
  const shifted = scores.sub(scores.max(1, true).values);
  const probs = shifted.sub(shifted.logsumexp(1, true)).exp();
  return {
    loss: { expected: full.loss, variants: common.loss },
    grad: {
      expected: full.dW,
      variants: [
        ...common.grad,
        {
          value: X.t().matmul(probs).div_(N).add_(W, 2 * reg),
          diagnosis: "the -1 at the correct class is missing: the gradient of the loss with respect to the scores is P - onehot(y)",
          credit: 0,
        },
      ],
    },
  };
}

export interface VariantAdjustment {
  credit?: number;
  /** Appended to the diagnosis, e.g. "(graded in svm-naive-reg-grad)". */
  note?: string;
}

/** Copies an expectation with some variants' credit or wording changed (matched by their diagnosis). */
export function adjustVariants(e: LossGradExpectation, changes: [string, VariantAdjustment][]): LossGradExpectation {
  const map = new Map(changes);
  const adjust = <V>(vs: Variant<V>[]) =>
    vs.map((v) => {
      const c = map.get(v.diagnosis);
      if (!c) return v;
      return { ...v, credit: c.credit ?? v.credit, diagnosis: c.note ? `${v.diagnosis} ${c.note}` : v.diagnosis };
    });
  return { loss: { ...e.loss, variants: adjust(e.loss.variants) }, grad: { ...e.grad, variants: adjust(e.grad.variants) } };
}
