import type { FloatArray } from "./backend";
import { elementwise, gemm } from "./backends";
import { isFloating } from "./dtype";
import { takeStorage } from "./pool";
import { rowSum, SUM_LANES } from "./portable-elementwise";
import { formatShape } from "./shape";
import { gemmLayout, Tensor } from "./tensor";

/**
 * Fused kernels for the training loops of the reference solutions: one pass where the op-by-op form makes
 * several tensors. Each gives, bit for bit, what the op-by-op form of lib/tensor gives (noted per function),
 * on every backend: they run in TypeScript (exp and log must be V8's Math functions to match), except
 * sumSquares, whose native loop adds in the same order as the TypeScript one.
 */

/**
 * Sum of the squares of all elements, as a number: `W.mul(W).sum().item()` in one pass, without the temporary
 * (each square rounded to the dtype, the sum in double with 8 running sums, the result rounded to the dtype).
 */
export function sumSquares(t: Tensor): number {
  if (!isFloating(t.dtype)) throw new TypeError(`sumSquares: expects a float tensor, got ${t.dtype}`);
  return elementwise().sumSquares(t.contiguous().data as FloatArray);
}

/** Rounds a double as storing it in a tensor of this float dtype does. */
function rounding(dtype: string): (x: number) => number {
  return dtype === "float32" ? Math.fround : (x) => x;
}

function checkScoresAndLabels(scores: Tensor, y: Tensor, op: string): { N: number; C: number; s: FloatArray; labels: Int32Array } {
  if (scores.ndim !== 2 || !isFloating(scores.dtype)) {
    throw new RangeError(`${op}: scores must be a 2-D float tensor [N, C], got ${scores.dtype} ${formatShape(scores.shape)}`);
  }
  const [N, C] = scores.shape;
  if (y.dtype !== "int32" || y.ndim !== 1 || y.shape[0] !== N) {
    throw new RangeError(`${op}: labels must be int32 [${N}], got ${y.dtype} ${formatShape(y.shape)}`);
  }
  const labels = y.contiguous().data as Int32Array;
  for (let i = 0; i < N; i++) {
    if (!Number.isInteger(labels[i]) || labels[i] < 0 || labels[i] >= C) {
      throw new RangeError(`${op}: label ${labels[i]} at row ${i} is out of range for ${C} classes`);
    }
  }
  return { N, C, s: scores.contiguous().data as FloatArray, labels };
}

/**
 * Softmax cross-entropy of scores [N, C] with int32 labels y [N]: the average loss and its gradient with
 * respect to the scores, (softmax - onehot(y)) / N. The same values as the stable op-by-op form
 *   shifted = scores - max(scores, 1); logProbs = shifted - logsumexp(shifted, 1)
 *   loss = -sum(logProbs[i, y[i]]) / N; dscores = (exp(logProbs) - onehot) / N
 * (row sums with 8 running sums, as lib/tensor's sum).
 */
export function softmaxLossGrad(scores: Tensor, y: Tensor): { loss: number; dscores: Tensor } {
  const { N, C, s, labels } = checkScoresAndLabels(scores, y, "softmaxLossGrad");
  const out = takeStorage(scores.dtype, N * C) as FloatArray;
  const round = rounding(scores.dtype);
  const e = new (scores.dtype === "float32" ? Float32Array : Float64Array)(C);
  const picked = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    const row = i * C;
    let m = s[row];
    for (let j = 1; j < C && m === m; j++) { const v = s[row + j]; if (v !== v || v > m) m = v; }
    // shifted values are rounded to the scores' dtype, as the op-by-op form stores them
    for (let j = 0; j < C; j++) out[row + j] = s[row + j] - m;
    for (let j = 0; j < C; j++) e[j] = Math.exp(out[row + j]);
    const lse = round(Math.log(round(rowSum(e, 0, C)))); // the row sum and its log are stored tensors there
    for (let j = 0; j < C; j++) out[row + j] -= lse; // log-probabilities
    picked[i] = out[row + labels[i]];
    for (let j = 0; j < C; j++) out[row + j] = Math.exp(out[row + j]);
    out[row + labels[i]] += -1;
    for (let j = 0; j < C; j++) out[row + j] /= N;
  }
  return { loss: -round(rowSum(picked, 0, N)) / N, dscores: new Tensor(out, [N, C]) };
}

/**
 * Multiclass SVM (hinge, margin 1) of scores [N, C] with labels y [N]: the sum of the margins
 * max(0, s_j - s_y + 1) over j != y divided by N, and the coefficients [N, C] of the gradient before the 1/N:
 * 1 where a margin is positive, minus their count at y. The same values as the op-by-op form
 *   margins = clamp(scores - scores[y] + 1, 0); margins[y] = 0; loss = margins.sum() / N
 *   coeff = (margins > 0); coeff[y] = -coeff.sum(1)
 */
export function svmLossGrad(scores: Tensor, y: Tensor): { loss: number; coeff: Tensor } {
  const { N, C, s, labels } = checkScoresAndLabels(scores, y, "svmLossGrad");
  const coeff = takeStorage(scores.dtype, N * C) as FloatArray;
  const margin = new (scores.dtype === "float32" ? Float32Array : Float64Array)(1);
  // The loss adds all N * C margins (zeros included) in the order of lib/tensor's flat sum: 8 running sums.
  const lanes = new Float64Array(SUM_LANES);
  const total = N * C, laneEnd = total - (total % SUM_LANES);
  let tail = 0;
  for (let i = 0; i < N; i++) {
    const row = i * C, yi = labels[i];
    const correct = s[row + yi];
    let count = 0;
    for (let j = 0; j < C; j++) {
      let m = 0;
      if (j !== yi) {
        margin[0] = s[row + j] - correct; // rounded like the stored difference
        margin[0] = margin[0] + 1;
        m = margin[0] < 0 ? 0 : margin[0];
      }
      const pos = row + j;
      if (pos < laneEnd) lanes[pos % SUM_LANES] += m;
      else tail += m;
      const c = m > 0 ? 1 : 0;
      coeff[pos] = c;
      count += c;
    }
    coeff[row + yi] = -count;
  }
  let sum = 0;
  for (let l = 0; l < SUM_LANES; l++) sum += lanes[l];
  sum += tail;
  return { loss: rounding(scores.dtype)(sum) / N, coeff: new Tensor(coeff, [N, C]) };
}

/**
 * ReLU backward in place: grad[i] becomes 0 where activation[i] <= 0 (or NaN), as `grad.mul_(activation.gt(0))`
 * gives it (the same signed zeros and NaNs), without the mask tensor. Returns grad.
 */
export function reluBackward_(grad: Tensor, activation: Tensor): Tensor {
  if (grad.numel() !== activation.numel() || grad.ndim !== activation.ndim || grad.shape.some((d, i) => d !== activation.shape[i])) {
    throw new RangeError(`reluBackward_: grad ${formatShape(grad.shape)} and activation ${formatShape(activation.shape)} differ`);
  }
  if (!grad.isPacked() || !isFloating(grad.dtype)) return grad.mul_(activation.gt(0));
  const g = grad.data as FloatArray, a = activation.contiguous().data;
  for (let i = 0; i < g.length; i++) if (!(a[i] > 0)) g[i] *= 0;
  return grad;
}

/**
 * out = a @ b written into an existing tensor (2-D, packed, of the product's shape and dtype), so a training
 * loop can fill a gradient it already holds instead of allocating another: the same gemm call as a.matmul(b),
 * hence the same values. Operands that are not packed matrices or transposes of one (or of another dtype) go
 * through a.matmul(b) and a copy. Returns out.
 */
export function matmulInto(out: Tensor, a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 2 || b.ndim !== 2 || out.ndim !== 2 || out.shape[0] !== a.shape[0] || out.shape[1] !== b.shape[1] || a.shape[1] !== b.shape[0]) {
    throw new RangeError(`matmulInto: ${formatShape(a.shape)} x ${formatShape(b.shape)} does not give out's ${formatShape(out.shape)}`);
  }
  const la = gemmLayout(a), lb = gemmLayout(b);
  const [m, k] = a.shape, n = b.shape[1];
  if (la === null || lb === null || !out.isPacked() || !isFloating(out.dtype) || a.dtype !== out.dtype || b.dtype !== out.dtype || k === 0) {
    return out.copy_(a.matmul(b));
  }
  if (m > 0 && n > 0) {
    const ad = (a.data as FloatArray).subarray(a.offset, a.offset + m * k);
    const bd = (b.data as FloatArray).subarray(b.offset, b.offset + k * n);
    gemm(la === "t", lb === "t", m, n, k, ad, bd, out.data as FloatArray);
  }
  return out;
}
