// The faults issue 14 listed, each with torch 1.13's answer (checked by hand in python3), plus the dtype rules
// and error messages lib/tensor/README.md documents. tests/tensor-torch.test.ts covers the same ground at random.
import { afterEach, describe, expect, it } from "vitest";
import {
  arange, availableBackends, cat, full, linspace, matmul, onesLike, randint, randnLike, randperm, setBackend, tensor, where, zeros,
  type BackendName,
} from "../lib/tensor";

const i32 = (v: number[]) => tensor(v, { dtype: "int32" });

describe("the eleven faults of issue 14, now as in torch", () => {
  afterEach(() => setBackend(availableBackends()[0]));

  it("1: a 0-d tensor takes dim 0 and -1 where torch allows it and refuses the rest", () => {
    const t = tensor(5);
    expect(t.sum(0).item()).toBe(5);
    expect(t.mean(-1).item()).toBe(5);
    expect(t.max(0).values.item()).toBe(5);
    expect(t.max(0).indices.item()).toBe(0);
    expect(t.logsumexp(0).item()).toBe(5);
    expect(t.transpose(0, 0).shape).toEqual([]);
    expect(() => t.select(0, 0)).toThrow(/0-d/);
    expect(() => t.slice(0, 0, 1)).toThrow(/0-d/);
    expect(() => t.narrow(0, 0, 1)).toThrow(/0-d/);
    expect(() => cat([t, t])).toThrow(/zero-dimensional tensor \(at position 0\)/);
    expect(() => t.size(0)).toThrow(/no dimensions/);
  });

  it("2: narrow takes a negative start and refuses to run past the end", () => {
    expect(tensor([1, 2, 3, 4]).narrow(0, -1, 1).tolist()).toEqual([4]);
    expect(() => tensor([1, 2, 3, 4]).narrow(0, 2, 5)).toThrow(/start \(2\) \+ length \(5\) exceeds dimension 0 of size 4/);
  });

  it("3: expand keeps a size given as -1", () => {
    expect(zeros(3, 1).expand(-1, 4).shape).toEqual([3, 4]);
    expect(zeros(1).expand(-1).shape).toEqual([1]);
    expect(() => zeros(3).expand(-1, 3)).toThrow(/-1 is not allowed in a new leading dim/);
  });

  it("4: bool tensors hold only 0 and 1", () => {
    expect(tensor([true]).add(tensor([true])).sum().item()).toBe(1);
    expect(full([2], 3, { dtype: "bool" }).sum().item()).toBe(2);
    expect(Array.from(tensor([0, 2, -1], { dtype: "bool" }).data)).toEqual([0, 1, 1]);
  });

  it("5: clamp with min > max gives max", () => {
    expect(tensor([0, 1.5, 3]).clamp(2, 1).tolist()).toEqual([1, 1, 1]);
  });

  it("6: logsumexp of an empty dim is -inf; without a dim it reduces everything", () => {
    expect(zeros(2, 0).logsumexp(1).tolist()).toEqual([-Infinity, -Infinity]);
    expect(tensor([[0, 0], [0, 0]]).logsumexp().item()).toBeCloseTo(Math.log(4), 14);
  });

  it("7: matmul with a size-0 batch", () => {
    expect(zeros(0, 2, 3).matmul(zeros(3, 5)).shape).toEqual([0, 2, 5]);
    expect(zeros(2, 0, 3, 4).matmul(zeros(4, 1)).shape).toEqual([2, 0, 3, 1]);
  });

  it("8: int32 products wrap around exactly", () => {
    expect(i32([123456789]).mul(i32([987654321])).item()).toBe(-67153019);
    expect(i32([123456789]).mul(987654321).item()).toBe(-67153019);
    expect(i32([65536]).pow(2).item()).toBe(0);
  });

  it("9: pow follows C (1 ** NaN = 1, (-1) ** inf = 1) and int ** int stays int", () => {
    expect(tensor([1, -1]).pow(tensor([NaN, Infinity])).tolist()).toEqual([1, 1]);
    expect(i32([2, 3]).pow(2).dtype).toBe("int32");
    expect(i32([2, 3]).pow(3).tolist()).toEqual([8, 27]);
    expect(i32([2, 3]).pow(3).dtype).toBe("int32");
    expect(i32([4]).pow(0.5).tolist()).toEqual([2]);
    expect(() => i32([2]).pow(-1)).toThrow(/negative integer powers/);
  });

  it("10: 0 * inf is NaN in the 1 x k product on every backend", () => {
    for (const b of availableBackends() as BackendName[]) {
      setBackend(b);
      const out = tensor([[0, 1]]).matmul(tensor([[Infinity, 1], [1, 1]]));
      expect(Number.isNaN(out.at(0, 0)), b).toBe(true);
      expect(out.at(0, 1), b).toBe(1);
    }
  });

  it("11: add/sub with alpha compute other * alpha in the result dtype", () => {
    const other = tensor([0.1], { dtype: "float32" });
    expect(tensor([1]).add(other, 3).item()).toBe(1 + 3 * Math.fround(0.1));
    expect(tensor([1]).sub(other, 3).item()).toBe(1 - 3 * Math.fround(0.1));
    expect(() => i32([1]).add(i32([1]), 0.5)).toThrow(/alpha must be an integer/);
  });
});

describe("dtype rules (torch's result type)", () => {
  it("a number or a 0-d tensor does not promote a float32 tensor; a higher kind does", () => {
    const f = tensor([0.1, 1], { dtype: "float32" });
    expect(f.add(0.5).dtype).toBe("float32");
    expect(f.add(tensor(0.5)).dtype).toBe("float32");
    expect(f.add(tensor([0.5])).dtype).toBe("float64");
    expect(f.eq(0.1).tolist()).toEqual([true, false]); // 0.1 rounded to float32 first, as torch
    expect(i32([1]).add(tensor(0.5)).dtype).toBe("float64");
    expect(i32([1]).add(tensor(0.5, { dtype: "float32" })).dtype).toBe("float32");
    expect(i32([1]).add(2).dtype).toBe("int32");
    expect(tensor([true]).add(1).dtype).toBe("int32");
  });

  it("where(c, 1, 0) is int32, clamp with fractional bounds makes ints float64", () => {
    const c = tensor([true, false]);
    expect(where(c, 1, 0).dtype).toBe("int32");
    expect(where(c, 1.5, 0).dtype).toBe("float64");
    expect(i32([1, 2, 3]).clamp(1.5, 2.5).tolist()).toEqual([1.5, 2, 2.5]);
    expect(i32([1, 2, 3]).clamp(2).dtype).toBe("int32");
  });

  it("refuses what torch refuses", () => {
    expect(() => tensor([true]).neg()).toThrow(/logicalNot/);
    expect(() => tensor([true]).sub(tensor([true]))).toThrow(/subtraction with a bool tensor/);
    expect(() => tensor([1, 2]).maskedSelect(i32([1, 0]))).toThrow(/must be a bool tensor/);
    expect(() => i32([1]).mean()).toThrow(/mean: input dtype must be floating/);
    expect(() => i32([1, 2]).mul_(0.5)).toThrow(/float64 can't be cast to the int32 tensor/);
    expect(() => tensor([1, 2]).gather(0, i32([-1]))).toThrow(/negative indices are not allowed/);
    expect(() => tensor([1, 2]).dot(tensor([1, 2], { dtype: "float32" }))).toThrow(/one dtype/);
  });

  it("gather and scatter take an index smaller than the input in the other dims", () => {
    const x = tensor([[1, 2, 3], [4, 5, 6]]);
    expect(x.gather(1, i32([0, 2]).reshape(1, 2)).tolist()).toEqual([[1, 3]]);
    const z = zeros(2, 3);
    z.scatter_(1, i32([2]).reshape(1, 1), 7);
    expect(z.tolist()).toEqual([[0, 0, 7], [0, 0, 0]]);
  });

  it("view works on strided tensors whose strides allow it", () => {
    const x = zeros(4, 6).slice(0, 0, 4, 2); // [2, 6], rows 12 apart
    expect(x.view(2, 2, 3).strides).toEqual([12, 3, 1]);
    expect(() => zeros(4, 6).t().view(24)).toThrow(/^view: /);
  });
});

describe("API additions", () => {
  it("N-D matmul broadcasts batch dims, bmm does not", () => {
    const a = tensor([[[1, 2], [3, 4]]]); // [1, 2, 2]
    const b = tensor([[[1, 0], [0, 1]], [[2, 0], [0, 2]]]); // [2, 2, 2]
    expect(matmul(a, b).tolist()).toEqual([[[1, 2], [3, 4]], [[2, 4], [6, 8]]]);
    expect(matmul(tensor([1, 1]), b).tolist()).toEqual([[1, 1], [2, 2]]);
    expect(() => a.bmm(b)).toThrow(/bmm: batch sizes differ/);
  });

  it("creation helpers and argument errors", () => {
    expect(randint(10, [5]).shape).toEqual([5]);
    expect(() => randint(0, 2 ** 32, [2])).toThrow(/high must be an integer in \[-2\*\*31, 2\*\*31\]/);
    expect(() => randint(0, 2, [-1])).toThrow(/randint: shape/);
    expect(() => randperm(-1)).toThrow(/randperm: n must be a non-negative integer, got -1/);
    expect(() => zeros(3, 4).mv(zeros(5))).toThrow("mv: [3, 4] x [5]: inner dimensions differ (4 vs 5)");
    expect(linspace(0, 1, 5).tolist()).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(onesLike(zeros(2), { dtype: "int32" }).tolist()).toEqual([1, 1]);
    expect(randnLike(zeros(2, 3, { dtype: "float32" })).dtype).toBe("float32");
  });
});

describe("clone", () => {
  it("copies packed tensors, contiguous views and strided views into storage of their own (every dtype)", () => {
    for (const dtype of ["float64", "float32", "int32", "bool"] as const) {
      const base = tensor([[1, 0, 3], [0, 5, 6], [7, 8, 0]], { dtype });
      const views = { packed: base, row: base.select(0, 1), rows: base.narrow(0, 1, 2), transposed: base.t(), column: base.select(1, 2) };
      for (const [what, v] of Object.entries(views)) {
        const c = v.clone();
        expect(c.dtype, `${dtype} ${what}`).toBe(dtype);
        expect(c.shape, `${dtype} ${what}`).toEqual(v.shape);
        expect(c.tolist(), `${dtype} ${what}`).toEqual(v.tolist());
        expect(c.isContiguous(), `${dtype} ${what}`).toBe(true);
        expect(c.data.length, `${dtype} ${what}: only the view's elements`).toBe(v.numel());
        const before = base.tolist();
        c.fill_(dtype === "bool" ? 1 : 9);
        expect(base.tolist(), `${dtype} ${what}: writing the clone leaves its source alone`).toEqual(before);
      }
    }
  });

  it("contiguous() and clone() of strided views bigger than one copy tile put every element in row-major order", () => {
    // Expected values from index arithmetic, not from tolist (which itself goes through contiguous()).
    const base = arange(0, 70 * 45).reshape(70, 45); // (i, j) holds i * 45 + j
    const cube = arange(0, 4 * 6 * 35).reshape(4, 6, 35); // (i, j, k) holds i * 210 + j * 35 + k
    const cases: Array<[string, ReturnType<typeof arange>, (idx: number[]) => number]> = [
      ["t()", base.t(), ([a, b]) => b * 45 + a],
      ["t().slice(0, 3, 40, 2)", base.t().slice(0, 3, 40, 2), ([a, b]) => b * 45 + 3 + 2 * a],
      ["slice(1, 1, 45, 3).narrow(0, 5, 55)", base.slice(1, 1, 45, 3).narrow(0, 5, 55), ([a, b]) => (5 + a) * 45 + 1 + 3 * b],
      ["expand", arange(0, 45).reshape(1, 45).expand(70, 45), ([, b]) => b],
      ["permute(2, 0, 1)", cube.permute(2, 0, 1), ([a, b, c]) => b * 210 + c * 35 + a],
    ];
    for (const [what, view, value] of cases) {
      for (const copy of [view.contiguous(), view.clone()]) {
        expect(copy.shape, what).toEqual(view.shape);
        const [d0, d1, d2 = 1] = view.shape;
        let flat = 0;
        for (let a = 0; a < d0; a++) {
          for (let b = 0; b < d1; b++) {
            for (let c = 0; c < d2; c++, flat++) {
              const want = value(view.ndim === 3 ? [a, b, c] : [a, b]);
              if (copy.data[flat] !== want) throw new Error(`${what} [${a}, ${b}${view.ndim === 3 ? `, ${c}` : ""}]: ${copy.data[flat]}, want ${want}`);
            }
          }
        }
      }
    }
  });
});
