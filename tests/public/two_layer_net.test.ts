// Public sanity tests for Assignment 4: `npm run check` runs them on your student_src/two_layer_net.ts.
// Passing them does not guarantee full marks: the grader's hidden tests use other data and check more.
import { describe, expect, it } from "vitest";
import { computeNumericGradient, relError } from "../../lib/gradcheck";
import { tensor } from "../../lib/tensor";
import * as tln from "../../student_src/two_layer_net";

describe("two-layer net", () => {
  it("nnForwardPass: ReLU hidden layer by hand", () => {
    const params = { W1: tensor([[1, -1]]), b1: tensor([0, 0.5]), W2: tensor([[1, 0], [0, 1]]), b2: tensor([0.25, -1]) };
    const { hidden, scores } = tln.nnForwardPass(params, tensor([[2]]));
    expect(hidden.tolist()).toEqual([[2, 0]]);
    expect(scores.tolist()).toEqual([[2.25, -1]]);
  });

  it("toy loss is about ln 3 and the gradients match numeric ones", () => {
    const { X, y, params } = tln.getToyData();
    const { loss, grads } = tln.nnForwardBackward(params, X, y, 0.05);
    expect(Math.abs(loss - Math.log(3)), "the toy loss should be about ln 3 (the scores start near zero)").toBeLessThan(1e-4);
    for (const name of ["W1", "b1", "W2", "b2"] as const) {
      expect(grads[name].shape, `the gradient of ${name} must have ${name}'s shape (sum over the examples, keep no extra dimension)`).toEqual(params[name].shape);
      const numeric = computeNumericGradient((p) => tln.nnForwardBackward({ ...params, [name]: p }, X, y, 0.05).loss, params[name].clone(), undefined, 1e-6);
      expect(relError(numeric, grads[name]), `${name}: the analytic gradient differs from the numeric one`).toBeLessThan(1e-4);
    }
  });

  it("nnPredict returns one label per row", () => {
    const { X, params } = tln.getToyData();
    const pred = tln.nnPredict(params, tln.nnForwardBackward, X);
    expect(pred.shape).toEqual([5]);
    expect(pred.dtype).toBe("int32");
  });

  it("the search grid has fewer than 256 combinations", () => {
    const p = tln.nnGetSearchParams();
    const n = p.learningRates.length * p.hiddenSizes.length * p.regularizationStrengths.length * p.learningRateDecays.length;
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(256);
  });
});
