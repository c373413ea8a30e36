/**
 * Grading a (loss, gradient) result: each part checked against the expected value, then against known mistakes
 * (variants) and a constant factor, with partial credit per part. Shared by the assignments' hidden tests.
 */
import type { Tensor } from "../../lib/tensor";
import {
  checkNumber, checkTensor, constantFactor, factorText, matchNumberVariant, matchTensorVariant, valuesOf, type Variant,
} from "../score/compare";
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

export type Part =
  | { field: string; weight: number; kind: "number"; exp: PartExpectation<number> }
  | { field: string; weight: number; kind: "tensor"; exp: PartExpectation<Tensor> };

/**
 * Grades the fields of a reported object, each against its expected value, then its known mistakes (variants,
 * with their credit) and a constant factor. `weight`s add up to 1.
 */
export function gradeParts(value: unknown, parts: Part[], o: { fn: string; tol?: number; stability?: boolean }): Verdict {
  const tol = o.tol ?? DEFAULT_TOL;
  const bad = notAnObject(value);
  if (bad !== null) return { fraction: 0, lines: [`${o.fn} returned ${bad}, expected { ${parts.map((p) => p.field).join(", ")} }`] };
  const v = value as Record<string, unknown>;
  const lines: string[] = [];
  const diagnoses: string[] = [];
  let fraction = 0;
  const nonFinite = () => {
    const d = o.stability ? UNSTABLE_DIAGNOSIS : NONFINITE_DIAGNOSIS;
    if (!diagnoses.includes(d)) diagnoses.push(d);
  };
  for (const p of parts) {
    if (p.weight <= 0) continue;
    if (p.kind === "number") {
      const c = checkNumber(p.field, v[p.field], p.exp.expected, tol);
      lines.push(c.line);
      if (c.ok) fraction += p.weight;
      else if (c.nonFinite) nonFinite();
      else if (c.got !== null) {
        const m = matchNumberVariant(c.got, p.exp.expected, p.exp.variants, tol);
        if (m) {
          diagnoses.push(`${p.field}: ${m.diagnosis}`);
          fraction += p.weight * (m.credit ?? 0);
        } else if (constantFactor([c.got], [p.exp.expected], tol) === -1) diagnoses.push(`${p.field}: ${factorText(-1)}`);
      }
    } else {
      const c = checkTensor(p.field, v[p.field], p.exp.expected, tol);
      lines.push(c.line);
      if (c.ok) fraction += p.weight;
      else if (c.nonFinite) nonFinite();
      else if (c.got !== null) {
        const m = matchTensorVariant(c.got, p.exp.expected, p.exp.variants, tol);
        if (m) {
          diagnoses.push(`${p.field}: ${m.diagnosis}`);
          fraction += p.weight * (m.credit ?? 0);
        } else {
          const k = constantFactor(c.got, valuesOf(p.exp.expected), tol);
          if (k !== null) diagnoses.push(`${p.field}: ${factorText(k)}`);
        }
      }
    }
  }
  return { fraction: Math.min(1, Math.round(fraction * 1e6) / 1e6), lines, diagnoses };
}

export function gradeLossGrad(
  value: unknown,
  loss: PartExpectation<number> | null,
  grad: PartExpectation<Tensor> | null,
  o: LossGradOptions,
): Verdict {
  const parts: Part[] = [];
  if (loss) parts.push({ field: o.lossField ?? "loss", weight: o.lossWeight, kind: "number", exp: loss });
  if (grad) parts.push({ field: o.gradField ?? "dW", weight: o.gradWeight, kind: "tensor", exp: grad });
  return gradeParts(value, parts, { fn: o.fn, tol: o.tol, stability: o.stability });
}
