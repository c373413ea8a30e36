// The fused kernels (lib/tensor/fused.ts) against the op-by-op forms they replace, bit for bit, on every backend
// this machine has; the native sumSquares loop against the TypeScript one; and the storage pool's contract.
import { afterEach, describe, expect, it } from "vitest";
import { Generator, randint, randn, setBackend, tensor, type DType, type Tensor } from "../lib/tensor";
import { availableBackends } from "../lib/tensor/backends";
import { reluBackward_, softmaxLossGrad, sumSquares, svmLossGrad } from "../lib/tensor/fused";
import { loadNativeBackend } from "../lib/tensor/native-backend";
import { clearPool, poolStats, release, takeStorage } from "../lib/tensor/pool";
import { portableElementwise } from "../lib/tensor/portable-elementwise";
import { firstDiff, sameBits } from "./array-helpers";

const BACKENDS = availableBackends().filter((b) => b !== "naive");
const DTYPES: DType[] = ["float64", "float32"];

afterEach(() => {
  setBackend(BACKENDS[0]);
  clearPool();
});

function scoresAndLabels(N: number, C: number, dtype: DType, seed: number, scale = 3): { scores: Tensor; y: Tensor } {
  const g = new Generator(`fused-${seed}`);
  return { scores: randn([N, C], { dtype, generator: g }).mul_(scale), y: randint(0, C, [N], { generator: g }) };
}

function expectSameBits(a: Tensor, b: Tensor, what: string): void {
  expect(a.shape).toEqual(b.shape);
  expect(sameBits(a.contiguous().data, b.contiguous().data), `${what}: ${firstDiff(a.contiguous().data, b.contiguous().data)}`).toBe(true);
}

describe.each(BACKENDS)("fused kernels on the %s backend", (backend) => {
  it.each(DTYPES)("softmaxLossGrad equals the stable op-by-op softmax loss and gradient (%s)", (dtype) => {
    setBackend(backend);
    for (const [N, C, seed] of [[200, 10, 1], [7, 3, 2], [513, 10, 3]] as const) {
      const { scores, y } = scoresAndLabels(N, C, dtype, seed);
      const shifted = scores.sub(scores.max(1, true).values);
      const logProbs = shifted.sub(shifted.logsumexp(1, true));
      const loss = -logProbs.gather(1, y).sum().item() / N;
      const dscores = logProbs.exp().scatterAdd_(1, y, -1).div_(N);
      const fused = softmaxLossGrad(scores, y);
      expect(Object.is(fused.loss, loss), `loss ${fused.loss} vs ${loss}`).toBe(true);
      expectSameBits(fused.dscores, dscores, `dscores N=${N}`);
    }
  });

  it.each(DTYPES)("logsumexp gives the op-by-op form's values bit for bit, rows of inf and NaN included (%s)", (dtype) => {
    setBackend(backend);
    const g = new Generator(`lse-${dtype}`);
    // long rows of spread-out scores: the sum is 1 (the max term) plus small ones, so its order shows in the log
    for (const [shape, dim, scale] of [[[200, 10], 1, 30], [[513, 10], -1, 3], [[6, 5, 4], 1, 1], [[300, 7], 0, 1], [[3, 2, 260], 2, 6], [[4, 1000], 1, 8]] as const) {
      const x = randn([...shape], { dtype, generator: g }).mul_(scale);
      const flat = x.data;
      flat[0] = Infinity; // a row with +inf (its max is inf: shifted by 0)
      flat[flat.length - 1] = Number.NaN;
      flat[Math.floor(flat.length / 2)] = -Infinity;
      if (shape.length === 2 && dim !== 0) for (let j = 0; j < shape[1]; j++) flat[shape[1] + j] = -Infinity; // row 1 all -inf
      const m = x.max(dim, true).values;
      const shift = m.maskedFill(m.isfinite().logicalNot(), 0);
      const byOps = x.sub(shift).exp().sum(dim, true).log().add_(shift);
      for (const keepdim of [true, false]) {
        const fused = x.logsumexp(dim, keepdim);
        expectSameBits(fused, keepdim ? byOps : byOps.squeeze(dim), `logsumexp ${shape.join("x")} dim ${dim} keepdim ${keepdim}`);
      }
    }
  });

  it.each(DTYPES)("svmLossGrad equals the op-by-op hinge loss and gradient coefficients (%s)", (dtype) => {
    setBackend(backend);
    for (const [N, C, seed] of [[200, 10, 4], [5, 3, 5], [129, 7, 6]] as const) {
      const { scores, y } = scoresAndLabels(N, C, dtype, seed, 0.7);
      const correct = scores.gather(1, y).unsqueeze(1);
      const margins = scores.sub(correct).add_(1).clamp_({ min: 0 });
      margins.scatter_(1, y, 0);
      const loss = margins.sum().item() / N;
      const coeff = margins.gt(0).to(dtype);
      coeff.scatter_(1, y, coeff.sum(1).neg());
      const fused = svmLossGrad(scores, y);
      expect(Object.is(fused.loss, loss), `loss ${fused.loss} vs ${loss}`).toBe(true);
      expectSameBits(fused.coeff, coeff, `coeff N=${N}`);
    }
  });

  it.each(DTYPES)("reluBackward_ and sumSquares equal mul_(h.gt(0)) and mul(W).sum() (%s)", (dtype) => {
    setBackend(backend);
    const g = new Generator("relu");
    const h = randn([200, 130], { dtype, generator: g }).clamp_({ min: 0 });
    h.set([0, 0], NaN);
    const grad = randn([200, 130], { dtype, generator: g });
    grad.set([1, 0], -0.5);
    expectSameBits(reluBackward_(grad.clone(), h), grad.clone().mul_(h.gt(0)), "relu backward");
    for (const n of [3, 8, 1023, 1024, 5000, 3073 * 10 + 3]) {
      const W = randn([n], { dtype, generator: g });
      expect(Object.is(sumSquares(W), W.mul(W).sum().item()), `n=${n}`).toBe(true);
    }
  });
});

describe("fused kernels: errors", () => {
  it("name the bad argument", () => {
    const { scores, y } = scoresAndLabels(4, 3, "float64", 7);
    expect(() => softmaxLossGrad(scores, y.to("float64"))).toThrow(/softmaxLossGrad: labels must be int32 \[4\]/);
    expect(() => svmLossGrad(scores, tensor([0, 1, 3, 0], { dtype: "int32" }))).toThrow(/label 3 at row 2 is out of range for 3 classes/);
    expect(() => softmaxLossGrad(scores.reshape(-1), y)).toThrow(/scores must be a 2-D float tensor/);
    expect(() => reluBackward_(scores, scores.t())).toThrow(/reluBackward_: grad \[4, 3\] and activation \[3, 4\] differ/);
  });
});

describe.runIf(Boolean(loadNativeBackend().backend) || process.env.REQUIRE_NATIVE_BACKEND === "1")("native sumSquares", () => {
  it("adds in the TypeScript loop's order, for both float types and awkward values", () => {
    const native = loadNativeBackend().backend!.elementwise!;
    for (const Ctor of [Float64Array, Float32Array]) {
      for (const n of [1024, 1031, 40000]) {
        const g = new Generator(`sq-${n}`);
        const x = new Ctor(n).map(() => g.normal() * 1e3);
        x[5] = 1e-30; x[6] = -3.5e38 / 1e20;
        expect(Object.is(native.sumSquares(x), portableElementwise.sumSquares(x)), `${Ctor.name} n=${n}`).toBe(true);
      }
    }
  });
});

describe("storage pool", () => {
  it("hands a released buffer to the next op of the same dtype and size, and only once", () => {
    clearPool();
    const a = randn([200, 100], { generator: new Generator("pool") });
    const storage = a.data;
    expect(release(a, a.t(), null, undefined)).toBe(1); // a view of the same storage is not pooled twice
    expect(poolStats()).toMatchObject({ buffers: 1, bytes: 200 * 100 * 8 });
    expect(takeStorage("float32", 200 * 100)).not.toBe(storage); // another dtype: a new array
    const b = a.add(1); // a fresh tensor of a's size takes the pooled storage
    expect(b.data).toBe(storage);
    expect(poolStats()).toMatchObject({ buffers: 0, bytes: 0, hits: 1 });
    expect(a.add(1).data).not.toBe(storage);
  });

  it("leaves small tensors, subarray views and zeros() alone", () => {
    clearPool();
    const small = randn([10, 10]);
    const big = randn([300, 100]);
    expect(release(small, big.reshape(-1).slice(0, 0, 100).contiguous())).toBe(0);
    expect(release(big)).toBe(1);
    // zeros() must stay zero: it never takes pooled storage.
    const z = randn([300, 100]).mul(0).add_(0);
    expect(z.data).toBe(big.data);
    expect(poolStats().buffers).toBe(0);
  });

  it("gives the same values as without the pool", () => {
    const g = new Generator("pool-values");
    const X = randn([200, 300], { generator: g }), W = randn([300, 10], { generator: g });
    const expected = X.matmul(W).exp().sum(1);
    clearPool();
    release(randn([200, 10], { generator: g }).mul_(1e300), randn([200, 10], { generator: g }).fill_(NaN));
    expectSameBits(X.matmul(W).exp().sum(1), expected, "pooled");
  });
});
