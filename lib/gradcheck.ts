import { Generator, type Tensor, zerosLike } from "./tensor";

/**
 * Numeric gradient checks, as in the reference course (eecs598.grad): compare an analytic gradient with
 * centred finite differences f(x+h) - f(x-h) / 2h. Run them in float64: float32 rounding swamps h = 1e-7.
 */

/** max |x - y| / max(|x| + |y|): one number for "how different" two tensors are (0 when identical). */
export function relError(x: Tensor, y: Tensor, eps = 1e-10): number {
  const top = x.sub(y).abs().max().item();
  const bottom = x.abs().add(y.abs()).max().item();
  return top / Math.max(bottom, eps);
}

/**
 * Full numeric gradient of a scalar function f at x (x is perturbed in place and restored). When f returns a
 * tensor, pass dLdf, the upstream gradient, and the result is the gradient of sum(f(x) * dLdf).
 */
export function computeNumericGradient(f: (x: Tensor) => number | Tensor, x: Tensor, dLdf?: Tensor, h = 1e-7): Tensor {
  const grad = zerosLike(x);
  const flat = x.contiguous();
  if (flat !== x) throw new Error("computeNumericGradient: x must be contiguous (call x.contiguous() first)");
  const value = (): number => {
    const out = f(x);
    if (typeof out === "number") return out;
    if (!dLdf) return out.sum().item();
    return out.mul(dLdf).sum().item();
  };
  const d = x.data;
  for (let i = 0; i < d.length; i++) {
    const old = d[i];
    d[i] = old + h;
    const pos = value();
    d[i] = old - h;
    const neg = value();
    d[i] = old;
    grad.data[i] = (pos - neg) / (2 * h);
  }
  return grad;
}

export interface GradCheckRow {
  index: number[];
  numeric: number;
  analytic: number;
  relError: number;
}

export interface GradCheckResult {
  rows: GradCheckRow[];
  maxRelError: number;
}

/**
 * Check `numChecks` random coordinates of an analytic gradient against finite differences and print one line
 * per coordinate ("numerical: ... analytic: ... relative error: ..."), like grad_check_sparse.
 */
export function gradCheckSparse(
  f: (x: Tensor) => number,
  x: Tensor,
  analyticGrad: Tensor,
  numChecks = 10,
  h = 1e-7,
  opts: { generator?: Generator; print?: boolean } = {},
): GradCheckResult {
  if (x.numel() !== analyticGrad.numel()) {
    throw new Error(`gradCheckSparse: gradient has ${analyticGrad.numel()} elements but x has ${x.numel()}`);
  }
  const g = opts.generator ?? new Generator("grad-check");
  const flat = x.contiguous();
  if (flat !== x) throw new Error("gradCheckSparse: x must be contiguous (call x.contiguous() first)");
  const grad = analyticGrad.contiguous().data;
  const rows: GradCheckRow[] = [];
  for (let c = 0; c < numChecks; c++) {
    const i = g.integer(0, x.numel());
    const old = x.data[i];
    x.data[i] = old + h;
    const pos = f(x);
    x.data[i] = old - h;
    const neg = f(x);
    x.data[i] = old;
    const numeric = (pos - neg) / (2 * h);
    const analytic = grad[i];
    const denom = Math.abs(numeric) + Math.abs(analytic) + 1e-12;
    const row = { index: unravel(i, x.shape), numeric, analytic, relError: Math.abs(numeric - analytic) / denom };
    rows.push(row);
    if (opts.print !== false) {
      console.log(`numerical: ${numeric.toFixed(6)} analytic: ${analytic.toFixed(6)}, relative error: ${row.relError.toExponential(2)}`);
    }
  }
  return { rows, maxRelError: Math.max(0, ...rows.map((r) => r.relError)) };
}

function unravel(i: number, shape: readonly number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = i % shape[d];
    i = Math.floor(i / shape[d]);
  }
  return idx;
}
