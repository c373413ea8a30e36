import { afterEach, describe, expect, it } from "vitest";
import { Generator, randn, setBackend, tensor, zeros, type Tensor } from "../lib/tensor";
import { availableBackends, backendByName, getBackend } from "../lib/tensor/backends";
import { naiveBackend } from "../lib/tensor/portable-gemm";

/** Reference product by the definition, on plain numbers. */
function reference(a: Tensor, b: Tensor): number[][] {
  const A = a.tolist() as number[][];
  const B = b.tolist() as number[][];
  return A.map((row) => B[0].map((_, j) => row.reduce((s, x, p) => s + x * B[p][j], 0)));
}

function maxAbsDiff(x: number[][], y: number[][]): number {
  let m = 0;
  x.forEach((row, i) => row.forEach((v, j) => (m = Math.max(m, Math.abs(v - y[i][j])))));
  return m;
}

const initial = getBackend();
const initialName = availableBackends().find((name) => backendByName(name) === initial)!;
afterEach(() => {
  setBackend(initialName);
});

describe("matmul", () => {
  it("multiplies hand-computed matrices and vectors with torch's 1-D rules", () => {
    const a = tensor([[1, 2, 3], [4, 5, 6]]);
    const b = tensor([[7, 8], [9, 10], [11, 12]]);
    expect(a.matmul(b).tolist()).toEqual([[58, 64], [139, 154]]);
    const v = tensor([1, 0, -1]);
    expect(a.matmul(v).tolist()).toEqual([-2, -2]);
    expect(a.mv(v).tolist()).toEqual([-2, -2]);
    expect(tensor([1, 1]).matmul(a).tolist()).toEqual([5, 7, 9]);
    expect(v.matmul(v).item()).toBe(2);
    expect(v.dot(tensor([3, 2, 1]))).toBe(2);
  });

  it("names both shapes when inner dimensions differ", () => {
    expect(() => zeros(500, 3073).matmul(zeros(3072, 10))).toThrow(
      "matmul: [500, 3073] x [3072, 10]: inner dimensions differ (3073 vs 3072)",
    );
    expect(() => zeros(2, 2).mm(zeros(2))).toThrow(/mm: expects two 2-D matrices/);
  });

  it("handles transposed views, slices, empty and integer operands", () => {
    const g = new Generator(7);
    const X = randn([9, 5], { generator: g });
    const W = randn([9, 4], { generator: g });
    expect(maxAbsDiff(X.t().matmul(W).tolist() as number[][], reference(X.t().contiguous(), W))).toBeLessThan(1e-12);
    expect(maxAbsDiff(W.t().matmul(X).tolist() as number[][], reference(W.t().contiguous(), X))).toBeLessThan(1e-12);
    const cols = X.slice(1, 1, 4);
    expect(maxAbsDiff(cols.t().matmul(cols).tolist() as number[][], reference(cols.t().contiguous(), cols.contiguous()))).toBeLessThan(1e-12);
    expect(zeros(3, 0).matmul(zeros(0, 2)).tolist()).toEqual([[0, 0], [0, 0], [0, 0]]);
    expect(zeros(0, 3).matmul(zeros(3, 2)).shape).toEqual([0, 2]);
    const ints = tensor([[1, 2]], { dtype: "int32" });
    expect(ints.matmul(ints.t()).dtype).toBe("int32");
    expect(ints.matmul(ints.t()).item()).toBe(5);
  });

  it("batches over a leading dim", () => {
    const g = new Generator(8);
    const A = randn([3, 4, 5], { generator: g });
    const B = randn([5, 2], { generator: g });
    const out = A.matmul(B);
    expect(out.shape).toEqual([3, 4, 2]);
    expect(maxAbsDiff(out.get(1).tolist() as number[][], reference(A.get(1), B))).toBeLessThan(1e-12);
  });

  it("keeps float32 in float32", () => {
    const a = randn([3, 3], { dtype: "float32", generator: new Generator(9) });
    expect(a.matmul(a).dtype).toBe("float32");
  });

  for (const name of availableBackends()) {
    it(`backend ${name} agrees with the definition on odd sizes, all transpose flags, both dtypes`, () => {
      const backend = backendByName(name);
      const g = new Generator(`gemm-${name}`);
      for (const [m, n, k] of [[1, 1, 1], [7, 5, 3], [33, 17, 65], [2, 9, 1], [1, 13, 40], [6, 1, 11]]) {
        for (const transA of [false, true]) {
          for (const transB of [false, true]) {
            for (const dtype of ["float64", "float32"] as const) {
              const a = randn([m * k], { dtype, generator: g }).data as Float64Array;
              const b = randn([k * n], { dtype, generator: g }).data as Float64Array;
              const got = dtype === "float32" ? new Float32Array(m * n) : new Float64Array(m * n);
              const want = new Float64Array(m * n);
              backend.gemm(transA, transB, m, n, k, a, b, got);
              naiveBackend.gemm(transA, transB, m, n, k, a, b, want);
              const tol = dtype === "float32" ? 1e-4 : 1e-12;
              for (let i = 0; i < m * n; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(tol * (1 + Math.abs(want[i])));
            }
          }
        }
      }
    });
  }

  it("setBackend switches the kernel without changing results", () => {
    const g = new Generator(10);
    const a = randn([20, 30], { generator: g });
    const b = randn([30, 10], { generator: g });
    const results = availableBackends().map((name) => {
      setBackend(name);
      return a.matmul(b);
    });
    for (const r of results) expect(r.allclose(results[0], 1e-10, 1e-12)).toBe(true);
    expect(() => setBackend("gpu" as never)).toThrow(/unknown matmul backend "gpu"/);
  });
});
