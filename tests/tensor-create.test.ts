import { describe, expect, it } from "vitest";
import {
  arange, eye, full, Generator, manualSeed, ones, rand, randint, randn, randperm, tensor, zeros,
} from "../lib/tensor";

describe("creation", () => {
  it("builds from nested arrays with inferred shape and float64 default", () => {
    const t = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe("float64");
    expect(t.toArray()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(t.at(1, 2)).toBe(6);
    expect(t.at(-1, 0)).toBe(4);
  });

  it("honours dtype, infers bool, and wraps typed arrays without copying", () => {
    expect(tensor([0, 2, 1], { dtype: "int32" }).data).toBeInstanceOf(Int32Array);
    expect(tensor([true, false]).dtype).toBe("bool");
    const buf = new Float32Array([1, 2, 3, 4, 5, 6]);
    const t = tensor(buf, { shape: [3, 2] });
    expect(t.dtype).toBe("float32");
    buf[0] = 42;
    expect(t.at(0, 0)).toBe(42);
    expect(() => tensor(buf, { shape: [4, 2] })).toThrow(/needs 8 elements, the array has 6/);
  });

  it("rejects ragged input with the position", () => {
    expect(() => tensor([[1, 2], [3]])).toThrow(/ragged nested array at \[1\]: expected length 2, got 1/);
  });

  it("zeros/ones/full accept PyTorch-style and array shapes", () => {
    expect(zeros(2, 3).shape).toEqual([2, 3]);
    expect(zeros([2, 3], { dtype: "float32" }).dtype).toBe("float32");
    expect(ones(2, { dtype: "int32" }).toArray()).toEqual([1, 1]);
    expect(full([2, 2], 7).toArray()).toEqual([7, 7, 7, 7]);
    expect(zeros(0, 3).numel()).toBe(0);
    expect(() => zeros(2, -1)).toThrow(/non-negative integers/);
  });

  it("arange gives int32 for integer arguments and float64 otherwise; eye is the identity", () => {
    expect(arange(5).toArray()).toEqual([0, 1, 2, 3, 4]);
    expect(arange(5).dtype).toBe("int32");
    expect(arange(2, 10, 3).toArray()).toEqual([2, 5, 8]);
    expect(arange(0, 1, 0.25).toArray()).toEqual([0, 0.25, 0.5, 0.75]);
    expect(arange(0, 1, 0.25).dtype).toBe("float64");
    expect(eye(2, 3).tolist()).toEqual([[1, 0, 0], [0, 1, 0]]);
  });
});

describe("seeded randomness", () => {
  it("manualSeed makes the global stream reproducible", () => {
    manualSeed(123);
    const a = randn(5, 4).toArray();
    manualSeed(123);
    const b = randn(5, 4).toArray();
    manualSeed(124);
    const c = randn(5, 4).toArray();
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it("explicit generators are independent of the global one", () => {
    const g1 = new Generator("x");
    manualSeed(0);
    randn(100);
    const a = rand([3], { generator: g1 }).toArray();
    const b = rand([3], { generator: new Generator("x") }).toArray();
    expect(a).toEqual(b);
  });

  it("randn has mean ~0 and std ~1; rand is in [0, 1)", () => {
    const x = randn([20000], { generator: new Generator(1) });
    const mean = x.mean().item();
    const std = Math.sqrt(x.sub(mean).square().mean().item());
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(std - 1)).toBeLessThan(0.03);
    const u = rand([1000], { generator: new Generator(2) });
    expect(u.min().item()).toBeGreaterThanOrEqual(0);
    expect(u.max().item()).toBeLessThan(1);
  });

  it("randint stays in [low, high) and covers it; randperm is a permutation", () => {
    const r = randint(3, 7, [1000], { generator: new Generator(3) });
    expect(r.dtype).toBe("int32");
    expect(new Set(r.toArray())).toEqual(new Set([3, 4, 5, 6]));
    const p = randperm(50, { generator: new Generator(4) }).toArray();
    expect([...p].sort((a, b) => a - b)).toEqual(arange(50).toArray());
    expect(p).not.toEqual(arange(50).toArray());
    expect(() => randint(2, 2, [1])).toThrow(/low < high/);
  });
});
