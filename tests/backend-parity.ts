// Helpers for tests that run the same Tensor code on two backends and compare every result bit for bit.
import { afterAll, expect } from "vitest";
import { Generator, randn, setBackend, tensor, type DType, type Tensor } from "../lib/tensor";
import { availableBackends, backendByName, getBackend, type BackendName } from "../lib/tensor/backends";
import { firstDiff, sameBits } from "./array-helpers";

/** Call inside a describe: afterwards the backend the suite started with is active again. */
export function restoreBackendAfterAll(): void {
  const initial = getBackend();
  afterAll(() => {
    setBackend(availableBackends().find((name) => backendByName(name) === initial) ?? "portable");
  });
}

/** Runs f on the portable backend and on `other`, and expects every resulting tensor to have the same bits. */
export function expectSameOnBackends(other: BackendName, label: string, f: () => Tensor[]): void {
  setBackend("portable");
  const want = f();
  setBackend(other);
  const got = f();
  want.forEach((w, i) => {
    expect(got[i].shape, label).toEqual(w.shape);
    const gd = got[i].contiguous().data, wd = w.contiguous().data;
    expect(sameBits(gd, wd), `${label} #${i}: ${firstDiff(gd, wd)}`).toBe(true);
  });
}

/**
 * The elementwise work of a two-layer training step (N examples, C classes), each op fed seeded inputs rather
 * than a product, since matmul rounding differs between backends.
 */
export function twoLayerStepTensors(dtype: DType, N: number, C: number): Tensor[] {
  const g = new Generator("parity");
  const X = randn([N, 300], { dtype, generator: g });
  const W1 = randn([300, 50], { dtype, generator: g }).mul_(0.05);
  const b1 = randn([50], { dtype, generator: g });
  const W2 = randn([50, C], { dtype, generator: g }).mul_(0.05);
  const y = tensor(Array.from({ length: N }, (_, i) => (i * 7) % C), { dtype: "int32" });
  const h0 = randn([N, 50], { dtype, generator: g });
  const hidden = h0.add(b1).clamp_({ min: 0 });
  const scores = randn([N, C], { dtype, generator: g });
  const shifted = scores.sub(scores.max(1, true).values);
  const probs = shifted.exp().div(shifted.exp().sum(1, true));
  const dscores = probs.clone().scatterAdd_(1, y, -1).div_(N);
  const mask = h0.gt(0);
  const masked = h0.mul(mask);
  const reg = W1.mul(W1).sum().add(W2.mul(W2).sum());
  const dW1 = W1.clone().add_(randn([300, 50], { dtype, generator: g }), 1e-3);
  const upd = W1.clone().add_(dW1, -0.1);
  return [hidden, probs, dscores, mask, masked, reg, dW1, upd, dscores.sum(0), masked.sum(0), masked.sum(1), X.sum(), X.le(0.25), X.mul(2).sub(1).div(3)];
}
