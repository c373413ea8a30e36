/**
 * A4 expected values (from solutions/) and deliberately wrong variants: ReLU missing in the forward pass or in
 * the backward pass, biases left out, missing 1/N, regularization off by 2x or applied to the biases.
 * Grader side only.
 */
import type { Tensor } from "../../../lib/tensor";
import * as sol from "../../../solutions/two_layer_net";
import type { Variant } from "../../score/compare";
import type { PartExpectation } from "../loss-grading";
import type { Params } from "./inputs";

export const NN_MSG = {
  noRelu: "the ReLU is missing: clamp the hidden layer at 0 (X W1 + b1).clamp({ min: 0 })",
  reluOnScores: "the ReLU is applied to the scores too: only the hidden layer has a ReLU",
  noB1: "b1 is not added to the hidden layer",
  noB2: "b2 is not added to the scores",
  lossNotAveraged: "the loss is not averaged over the N examples",
  regMissing: "the regularization term reg * (sum(W1^2) + sum(W2^2)) is missing",
  regHalf: "the regularization term is multiplied by 1/2: this course uses reg * (sum(W1^2) + sum(W2^2))",
  regOnlyW1: "only W1 is regularized: the term is reg * (sum(W1^2) + sum(W2^2))",
  regOnlyW2: "only W2 is regularized: the term is reg * (sum(W1^2) + sum(W2^2))",
  gradNotAveraged: "not divided by N (missing 1/N): the loss is an average over the N examples",
  regGradHalf: "regularization gradient off by 2x: the derivative of reg * sum(W^2) is 2 * reg * W, yours is reg * W",
  regGradDouble: "regularization gradient off by 2x: it should be 2 * reg * W, yours is 4 * reg * W",
  regGradMissing: "the regularization gradient 2 * reg * W is missing",
  biasRegularized: "the bias is regularized: only W1 and W2 are",
  noReluBackward: "the ReLU's gradient is missing: multiply the upstream gradient by (hidden > 0) before going through W1",
  signFlipped: "the sign is flipped",
} as const;

export function forwardExpectation(params: Params, X: Tensor): { scores: PartExpectation<Tensor>; hidden: PartExpectation<Tensor> } {
  const { W1, b1, W2, b2 } = params;
  const { scores, hidden } = sol.nnForwardPass(params, X);
  const pre = X.matmul(W1).add(b1);
  const noB1Hidden = X.matmul(W1).clamp({ min: 0 });
  return {
    scores: {
      expected: scores,
      variants: [
        { value: pre.matmul(W2).add(b2), diagnosis: NN_MSG.noRelu },
        { value: scores.clamp({ min: 0 }), diagnosis: NN_MSG.reluOnScores, credit: 0.5 },
        { value: noB1Hidden.matmul(W2).add(b2), diagnosis: NN_MSG.noB1, credit: 0.5 },
        { value: hidden.matmul(W2), diagnosis: NN_MSG.noB2, credit: 0.5 },
      ],
    },
    hidden: {
      expected: hidden,
      variants: [
        { value: pre, diagnosis: NN_MSG.noRelu },
        { value: noB1Hidden, diagnosis: NN_MSG.noB1, credit: 0.5 },
      ],
    },
  };
}

export function lossExpectation(params: Params, X: Tensor, y: Tensor, reg: number): PartExpectation<number> {
  const N = X.size(0);
  const data = sol.nnForwardBackward(params, X, y, 0).loss;
  const s1 = params.W1.mul(params.W1).sum().item();
  const s2 = params.W2.mul(params.W2).sum().item();
  const full = data + reg * (s1 + s2);
  const variants: Variant<number>[] = [
    { value: data * N + reg * (s1 + s2), diagnosis: NN_MSG.lossNotAveraged, credit: 0.5 },
    { value: data, diagnosis: NN_MSG.regMissing, credit: 0.5 },
    { value: data + 0.5 * reg * (s1 + s2), diagnosis: NN_MSG.regHalf, credit: 0.5 },
    { value: data + reg * s1, diagnosis: NN_MSG.regOnlyW1, credit: 0.5 },
    { value: data + reg * s2, diagnosis: NN_MSG.regOnlyW2, credit: 0.5 },
  ];
  return { expected: full, variants };
}

export function gradsExpectation(params: Params, X: Tensor, y: Tensor, reg: number): Record<keyof Params, PartExpectation<Tensor>> {
  const N = X.size(0);
  const { W1, b1, W2, b2 } = params;
  const { grads } = sol.nnForwardBackward(params, X, y, reg);
  const { grads: data } = sol.nnForwardBackward(params, X, y, 0);
  const { scores } = sol.nnForwardPass(params, X);
  const shifted = scores.sub(scores.max(1, true).values);
  const dscores = shifted.sub(shifted.logsumexp(1, true)).exp().scatterAdd_(1, y, -1).div_(N);
  const dhiddenNoMask = dscores.matmul(W2.t());
  const weightVariants = (d: Tensor, W: Tensor, full: Tensor): Variant<Tensor>[] => [
    { value: d.mul(N).add_(W, 2 * reg), diagnosis: NN_MSG.gradNotAveraged, credit: 0.5 },
    { value: d.add(W, reg), diagnosis: NN_MSG.regGradHalf, credit: 0.5 },
    { value: d.add(W, 4 * reg), diagnosis: NN_MSG.regGradDouble, credit: 0.5 },
    { value: d.clone(), diagnosis: NN_MSG.regGradMissing, credit: 0.5 },
    { value: full.neg(), diagnosis: NN_MSG.signFlipped },
  ];
  const biasVariants = (d: Tensor, b: Tensor): Variant<Tensor>[] => [
    { value: d.mul(N), diagnosis: NN_MSG.gradNotAveraged, credit: 0.5 },
    { value: d.add(b, 2 * reg), diagnosis: NN_MSG.biasRegularized, credit: 0.5 },
    { value: d.neg(), diagnosis: NN_MSG.signFlipped },
  ];
  return {
    W2: { expected: grads.W2, variants: weightVariants(data.W2, W2, grads.W2) },
    b2: { expected: grads.b2, variants: biasVariants(data.b2, b2) },
    W1: {
      expected: grads.W1,
      variants: [{ value: X.t().matmul(dhiddenNoMask).add_(W1, 2 * reg), diagnosis: NN_MSG.noReluBackward }, ...weightVariants(data.W1, W1, grads.W1)],
    },
    b1: { expected: grads.b1, variants: [{ value: dhiddenNoMask.sum(0), diagnosis: NN_MSG.noReluBackward }, ...biasVariants(data.b1, b1)] },
  };
}
