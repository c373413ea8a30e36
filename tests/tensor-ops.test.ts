import { describe, expect, it } from "vitest";
import { arange, cat, ones, stack, tensor, where, zeros } from "../lib/tensor";

describe("elementwise and broadcasting", () => {
  it("adds a row vector and a column vector to a matrix", () => {
    const a = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(a.add(tensor([10, 20, 30])).tolist()).toEqual([[11, 22, 33], [14, 25, 36]]);
    expect(a.sub(tensor([[1], [4]])).tolist()).toEqual([[0, 1, 2], [0, 1, 2]]);
    expect(tensor([[1], [2]]).mul(tensor([1, 10, 100])).tolist()).toEqual([[1, 10, 100], [2, 20, 200]]);
  });

  it("works with scalars on packed and strided operands", () => {
    const a = tensor([[1, 2], [3, 4]]);
    expect(a.mul(2).add(1).tolist()).toEqual([[3, 5], [7, 9]]);
    expect(a.t().sub(1).tolist()).toEqual([[0, 2], [1, 3]]);
    expect(a.div(tensor([2, 4])).tolist()).toEqual([[0.5, 0.5], [1.5, 1]]);
    expect(a.add(a, -1).tolist()).toEqual([[0, 0], [0, 0]]);
  });

  it("names both shapes when they cannot broadcast", () => {
    expect(() => zeros(2, 3).add(zeros(2))).toThrow("add: shapes [2, 3] and [2] cannot be broadcast");
  });

  it("promotes dtypes like PyTorch", () => {
    const i = tensor([1, 2], { dtype: "int32" });
    expect(i.add(1).dtype).toBe("int32");
    expect(i.mul(0.5).dtype).toBe("float64");
    expect(i.div(2).toArray()).toEqual([0.5, 1]);
    expect(tensor([1, 2], { dtype: "float32" }).mul(0.5).dtype).toBe("float32");
    expect(tensor([1], { dtype: "float32" }).add(tensor([1])).dtype).toBe("float64");
    expect(tensor([true, false]).add(1).dtype).toBe("int32");
  });

  it("unary math, pow, maximum and clamp", () => {
    const x = tensor([-2, 0, 3]);
    expect(x.abs().toArray()).toEqual([2, 0, 3]);
    expect(x.neg().toArray()).toEqual([2, -0, -3]);
    expect(x.pow(2).toArray()).toEqual([4, 0, 9]);
    expect(tensor([4, 9]).sqrt().toArray()).toEqual([2, 3]);
    expect(tensor([0]).exp().item()).toBe(1);
    expect(tensor([1]).log().item()).toBe(0);
    expect(x.maximum(0).toArray()).toEqual([0, 0, 3]);
    expect(x.minimum(tensor([0, 0, 0])).toArray()).toEqual([-2, 0, 0]);
    expect(x.clamp({ min: 0 }).toArray()).toEqual([0, 0, 3]);
    expect(x.clamp(-1, 1).toArray()).toEqual([-1, 0, 1]);
    expect(x.clamp({ max: 0 }).toArray()).toEqual([-2, 0, 0]);
    expect(() => x.clamp({})).toThrow(/at least one of min or max/);
  });

  it("propagates NaN through arithmetic, maximum, clamp and max", () => {
    const x = tensor([1, NaN, 3]);
    expect(Number.isNaN(x.add(1).at(1))).toBe(true);
    expect(Number.isNaN(x.maximum(0).at(1))).toBe(true);
    expect(Number.isNaN(x.clamp({ min: 0 }).at(1))).toBe(true);
    expect(Number.isNaN(x.max().item())).toBe(true);
    expect(x.max(0).indices.item()).toBe(1);
  });

  it("comparisons give bool tensors; where picks elementwise", () => {
    const x = tensor([-1, 0, 2]);
    const m = x.gt(0);
    expect(m.dtype).toBe("bool");
    expect(m.tolist()).toEqual([false, false, true]);
    expect(x.ge(0).sum().item()).toBe(2);
    expect(x.eq(tensor([-1, 1, 2])).tolist()).toEqual([true, false, true]);
    expect(where(m, x, 0).toArray()).toEqual([0, 0, 2]);
    expect(where(m, 1.5, x).toArray()).toEqual([-1, 0, 1.5]);
    expect(x.maskedSelect(x.ne(0)).toArray()).toEqual([-1, 2]);
    expect(x.allclose(tensor([-1, 1e-9, 2]))).toBe(true);
  });

  it("in-place ops write through views, with an SGD-style update", () => {
    const W = tensor([[1, 2], [3, 4]]);
    const dW = tensor([[1, 1], [1, 1]]);
    W.add_(dW, -0.5);
    expect(W.tolist()).toEqual([[0.5, 1.5], [2.5, 3.5]]);
    W.select(1, 0).add_(tensor([10, 20]));
    expect(W.tolist()).toEqual([[10.5, 1.5], [22.5, 3.5]]);
    W.get(1).zero_();
    expect(W.tolist()).toEqual([[10.5, 1.5], [0, 0]]);
    W.mul_(2).sub_(1).div_(tensor([1, 2]));
    expect(W.tolist()).toEqual([[20, 1], [-1, -0.5]]);
    expect(() => zeros(2).add_(zeros(2, 2))).toThrow(/doesn't match the broadcast shape \[2, 2\]/);
  });
});

describe("reductions", () => {
  const x = tensor([[1, 5, 3], [4, 2, 6]]);

  it("sum and mean over all, one dim, several dims, with keepdim", () => {
    expect(x.sum().item()).toBe(21);
    expect(x.sum().shape).toEqual([]);
    expect(x.sum(0).tolist()).toEqual([5, 7, 9]);
    expect(x.sum(1, true).tolist()).toEqual([[9], [12]]);
    expect(x.sum(-1).tolist()).toEqual([9, 12]);
    expect(x.sum([0, 1]).item()).toBe(21);
    expect(x.mean(1).tolist()).toEqual([3, 4]);
    expect(x.mean().item()).toBe(3.5);
    expect(() => tensor([1, 2], { dtype: "int32" }).mean()).toThrow(/mean: input dtype must be floating/);
  });

  it("max/min give values and indices; argmax breaks ties at the first index", () => {
    const { values, indices } = x.max(1);
    expect(values.tolist()).toEqual([5, 6]);
    expect(indices.tolist()).toEqual([1, 2]);
    expect(indices.dtype).toBe("int32");
    expect(x.min(0, true).values.tolist()).toEqual([[1, 2, 3]]);
    expect(x.argmax(1).tolist()).toEqual([1, 2]);
    expect(x.argmax().item()).toBe(5);
    expect(tensor([[2, 7, 7]]).argmax(1).tolist()).toEqual([1]);
    expect(x.argmin(0).tolist()).toEqual([0, 1, 0]);
  });

  it("logsumexp is stable for large and -inf inputs", () => {
    const big = tensor([[1000, 1000], [-1000, -1000]]);
    const out = big.logsumexp(1);
    expect(out.at(0)).toBeCloseTo(1000 + Math.LN2, 10);
    expect(out.at(1)).toBeCloseTo(-1000 + Math.LN2, 10);
    expect(tensor([[-Infinity, -Infinity]]).logsumexp(1).item()).toBe(-Infinity);
    expect(tensor([[0, Math.log(3)]]).logsumexp(1, true).tolist()).toEqual([[Math.log(4)]]);
  });

  it("handles empty dims", () => {
    expect(zeros(0, 3).sum(0).tolist()).toEqual([0, 0, 0]);
    expect(zeros(0, 3).sum(1).shape).toEqual([0]);
    expect(zeros(0).sum().item()).toBe(0);
    expect(() => zeros(0, 3).max(0)).toThrow(/empty dimension/);
    expect(() => zeros(0).max()).toThrow(/empty tensor/);
    expect(() => x.sum(2)).toThrow("sum: dimension out of range (expected to be in range of [-2, 1], but got 2)");
  });

  it("any and all", () => {
    expect(tensor([0, 0, 1]).any()).toBe(true);
    expect(tensor([0, 0, 1]).all()).toBe(false);
    expect(zeros(0).all()).toBe(true);
  });
});

describe("shape and indexing", () => {
  it("reshape infers -1 and shares memory; view refuses non-contiguous input", () => {
    const a = arange(6);
    const b = a.reshape(2, -1);
    expect(b.shape).toEqual([2, 3]);
    b.set([0, 0], 9);
    expect(a.at(0)).toBe(9);
    expect(() => a.reshape(4, -1)).toThrow(/invalid for input of size 6/);
    expect(() => b.t().view(6)).toThrow(/^view: shape \[6\] is not compatible/);
    expect(b.t().reshape(6).toArray()).toEqual([9, 3, 1, 4, 2, 5]);
  });

  it("transpose, permute, unsqueeze, squeeze", () => {
    const a = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(a.t().tolist()).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(a.unsqueeze(1).shape).toEqual([2, 1, 3]);
    expect(a.unsqueeze(-1).shape).toEqual([2, 3, 1]);
    expect(a.unsqueeze(0).squeeze().shape).toEqual([2, 3]);
    expect(zeros(1, 2, 1).squeeze(0).shape).toEqual([2, 1]);
    expect(zeros(2, 3, 4).permute(2, 0, 1).shape).toEqual([4, 2, 3]);
    expect(arange(24).reshape(2, 3, 4).permute(2, 0, 1).at(3, 1, 2)).toBe(1 * 12 + 2 * 4 + 3);
  });

  it("slice, narrow, select and get are views", () => {
    const a = arange(12).reshape(3, 4);
    expect(a.slice(1, 1, 3).tolist()).toEqual([[1, 2], [5, 6], [9, 10]]);
    expect(a.slice(0, -2).tolist()).toEqual([[4, 5, 6, 7], [8, 9, 10, 11]]);
    expect(a.slice(1, 0, 4, 2).tolist()).toEqual([[0, 2], [4, 6], [8, 10]]);
    expect(a.narrow(0, 1, 1).tolist()).toEqual([[4, 5, 6, 7]]);
    expect(a.select(1, 3).tolist()).toEqual([3, 7, 11]);
    expect(a.get(2).tolist()).toEqual([8, 9, 10, 11]);
    a.get(0).fill_(-1);
    expect(a.at(0, 3)).toBe(-1);
  });

  it("cat and stack", () => {
    const a = tensor([[1, 2]]);
    const b = tensor([[3, 4], [5, 6]]);
    expect(cat([a, b], 0).tolist()).toEqual([[1, 2], [3, 4], [5, 6]]);
    expect(cat([b, b], 1).tolist()).toEqual([[3, 4, 3, 4], [5, 6, 5, 6]]);
    expect(stack([a.get(0), b.get(0)], 1).tolist()).toEqual([[1, 3], [2, 4]]);
    expect(() => cat([a, zeros(1, 3)], 0)).toThrow(/differ outside dim 0/);
  });

  it("gather picks scores[i, y[i]] and matches torch semantics with a full index", () => {
    const scores = tensor([[1, 2, 3], [4, 5, 6]]);
    const y = tensor([2, 0], { dtype: "int32" });
    expect(scores.gather(1, y).tolist()).toEqual([3, 4]);
    expect(scores.gather(1, y.unsqueeze(1)).tolist()).toEqual([[3], [4]]);
    expect(scores.gather(1, tensor([[0, 0], [1, 2]], { dtype: "int32" })).tolist()).toEqual([[1, 1], [5, 6]]);
    expect(scores.gather(0, tensor([1, 0, 1], { dtype: "int32" })).tolist()).toEqual([4, 2, 6]);
    expect(() => scores.gather(1, tensor([3, 0], { dtype: "int32" }))).toThrow("gather: index 3 is out of bounds for dimension 1 with size 3");
    expect(() => scores.gather(1, tensor([0, 1]))).toThrow(/index must be an int32 tensor, got float64/);
  });

  it("scatter_ and scatterAdd_ write at label positions, on strided targets too", () => {
    const d = zeros(2, 3);
    const y = tensor([2, 0], { dtype: "int32" });
    d.scatterAdd_(1, y, -1);
    d.scatterAdd_(1, y, tensor([-1, -2]));
    expect(d.tolist()).toEqual([[0, 0, -2], [-3, 0, 0]]);
    d.scatter_(1, y, 5);
    expect(d.tolist()).toEqual([[0, 0, 5], [5, 0, 0]]);
    const big = zeros(3, 2);
    big.t().scatter_(1, tensor([1, 2], { dtype: "int32" }), 7);
    expect(big.tolist()).toEqual([[0, 0], [7, 0], [0, 7]]);
  });

  it("indexSelect and indexAdd_ (repeated indices accumulate)", () => {
    const X = tensor([[1, 2], [3, 4], [5, 6]]);
    const idx = tensor([2, 0, 2], { dtype: "int32" });
    expect(X.indexSelect(0, idx).tolist()).toEqual([[5, 6], [1, 2], [5, 6]]);
    expect(X.indexSelect(1, tensor([1], { dtype: "int32" })).tolist()).toEqual([[2], [4], [6]]);
    const acc = zeros(2, 3);
    acc.indexAdd_(1, idx, ones(2, 3));
    expect(acc.tolist()).toEqual([[1, 0, 2], [1, 0, 2]]);
    expect(zeros(3).indexAdd(0, tensor([1, 1], { dtype: "int32" }), tensor([2, 3]), 2).tolist()).toEqual([0, 10, 0]);
    expect(() => acc.indexAdd_(1, idx, ones(2, 2))).toThrow(/source shape \[2, 2\] should be \[2, 3\]/);
  });

  it("item, at and set validate positions", () => {
    const a = tensor([[1, 2], [3, 4]]);
    expect(() => a.item()).toThrow(/with 4 elements cannot be converted/);
    expect(() => a.at(2, 0)).toThrow("at: index 2 is out of bounds for dimension 0 with size 2");
    expect(() => a.at(0)).toThrow(/expected 2 indices/);
  });
});

describe("printing", () => {
  it("looks like PyTorch", () => {
    expect(tensor([[1, 2], [3, 4]]).toString()).toBe("tensor([[1., 2.],\n        [3., 4.]])");
    expect(tensor([0.1, -2]).toString()).toBe("tensor([ 0.1000, -2.0000])");
    expect(tensor([1, 2], { dtype: "int32" }).toString()).toBe("tensor([1, 2], dtype=int32)");
    expect(tensor([true, false]).toString()).toBe("tensor([ True, False], dtype=bool)");
    expect(tensor([1e-6, 1]).toString()).toBe("tensor([1.0000e-6, 1.0000e+0])");
    expect(tensor(3.5).toString()).toBe("tensor(3.5000)");
    expect(tensor([NaN, 1.5, Infinity]).toString()).toBe("tensor([   nan, 1.5000,    inf])");
  });

  it("summarizes large tensors and shows the shape", () => {
    const s = arange(2000).reshape(40, 50).toString();
    expect(s).toContain("...");
    expect(s).toContain("shape=[40, 50]");
    expect(s.split("\n").length).toBeLessThan(20);
  });
});
