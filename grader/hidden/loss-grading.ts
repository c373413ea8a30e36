/**
 * Grading a (loss, gradient) result: each part checked against the expected value, then against known mistakes
 * (variants) and a constant factor, with partial credit per part. Shared by the assignments' hidden tests.
 */
import type { Tensor } from "../../lib/tensor";
import {
  checkNumber, checkTensor, constantFactor, factorText, matchNumberVariant, matchTensorVariant, valuesOf, type Variant,
} from "../compare";
import type { Verdict } from "./types";

export interface PartExpectation<T> {
  expected: T;
  variants: Variant<T>[];
}

export interface LossGradOptions {
  /** Share of the test's points for the loss and for the gradient (add up to 1; 0 = not checked). */
  lossWeight: number;
  gradWeight: number;
  /** Relative tolerance (max relative error). */
  tol?: number;
  /** The inputs make scores huge: NaN/Infinity means an unstable softmax. */
  stability?: boolean;
  /** Field names in the reported object. */
  lossField?: string;
  gradField?: string;
  /** How the function is called in messages, e.g. "svmLossNaive". */
  fn: string;
}

export const DEFAULT_TOL = 1e-6;

export const UNSTABLE_DIAGNOSIS =
  "numerically unstable softmax: for large scores exp() overflows to Infinity and the result turns into NaN/Infinity; " +
  "subtract each row's maximum score before exponentiating (this does not change the loss)";
const NONFINITE_DIAGNOSIS = "the result contains NaN or Infinity: look for exp() overflow, log(0) or a division by zero";

function notAnObject(value: unknown): string | null {
  if (value !== null && typeof value === "object" && "$notAnObject" in value) return String((value as { $notAnObject: unknown }).$notAnObject);
  return null;
}

export function gradeLossGrad(
  value: unknown,
  loss: PartExpectation<number> | null,
  grad: PartExpectation<Tensor> | null,
  o: LossGradOptions,
): Verdict {
  const tol = o.tol ?? DEFAULT_TOL;
  const lossField = o.lossField ?? "loss";
  const gradField = o.gradField ?? "dW";
  const bad = notAnObject(value);
  if (bad !== null) return { fraction: 0, lines: [`${o.fn} returned ${bad}, expected { ${lossField}, ${gradField} }`] };
  const v = value as Record<string, unknown>;
  const lines: string[] = [];
  const diagnoses: string[] = [];
  let fraction = 0;
  const nonFinite = () => {
    const d = o.stability ? UNSTABLE_DIAGNOSIS : NONFINITE_DIAGNOSIS;
    if (!diagnoses.includes(d)) diagnoses.push(d);
  };

  if (loss && o.lossWeight > 0) {
    const c = checkNumber(lossField, v[lossField], loss.expected, tol);
    lines.push(c.line);
    if (c.ok) fraction += o.lossWeight;
    else if (c.nonFinite) nonFinite();
    else if (c.got !== null) {
      const m = matchNumberVariant(c.got, loss.expected, loss.variants, tol);
      if (m) {
        diagnoses.push(`${lossField}: ${m.diagnosis}`);
        fraction += o.lossWeight * (m.credit ?? 0);
      } else {
        const k = constantFactor([c.got], [loss.expected], tol);
        if (k !== null && k === -1) diagnoses.push(`${lossField}: ${factorText(k)}`);
      }
    }
  }
  if (grad && o.gradWeight > 0) {
    const c = checkTensor(gradField, v[gradField], grad.expected, tol);
    lines.push(c.line);
    if (c.ok) fraction += o.gradWeight;
    else if (c.nonFinite) nonFinite();
    else if (c.got !== null) {
      const m = matchTensorVariant(c.got, grad.expected, grad.variants, tol);
      if (m) {
        diagnoses.push(`${gradField}: ${m.diagnosis}`);
        fraction += o.gradWeight * (m.credit ?? 0);
      } else {
        const k = constantFactor(c.got, valuesOf(grad.expected), tol);
        if (k !== null) diagnoses.push(`${gradField}: ${factorText(k)}`);
      }
    }
  }
  return { fraction: Math.min(1, fraction), lines, diagnoses };
}
