// The native row gather behind Tensor.indexSelect (lib/native/src/gather.c): the same bytes as the portable
// copy loop for every storage type and layout, on one thread and on OpenBLAS's worker threads (a large gather,
// such as a minibatch, is split over them), with or without TENSOR_THREADED_GATHER=0; and its argument checks.
// Skipped without the addon unless REQUIRE_NATIVE_BACKEND=1 (CI).
import { execFileSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { Generator, randint, randn } from "../lib/tensor";
import type { Storage } from "../lib/tensor/dtype";
import { loadNativeBackend } from "../lib/tensor/native-backend";
import { portableElementwise as portable } from "../lib/tensor/portable-elementwise";
import { mask, rng, values } from "./array-helpers";
import { expectSameOnBackends, restoreBackendAfterAll } from "./backend-parity";

const loaded = loadNativeBackend();
const run = Boolean(loaded.backend) || process.env.REQUIRE_NATIVE_BACKEND === "1";

interface RawGather {
  indexSelect(...args: unknown[]): void;
  readonly threadedGather: boolean;
  setNumThreads(n: number): void;
  getNumThreads(): number;
}

function rawAddon(): RawGather {
  if (!loaded.backend) throw new Error(`native backend unavailable: ${loaded.reason}`);
  const m = { exports: {} as unknown };
  process.dlopen(m, loaded.backend.addonPath);
  return m.exports as RawGather;
}

type StorageCtor = Float64ArrayConstructor | Float32ArrayConstructor | Int32ArrayConstructor | Uint8ArrayConstructor;
const STORAGES: StorageCtor[] = [Float64Array, Float32Array, Int32Array, Uint8Array];

function filled(Ctor: StorageCtor, n: number, seed: number): Storage {
  if (Ctor === Float64Array || Ctor === Float32Array) return values(Ctor, n, seed);
  if (Ctor === Uint8Array) return mask(n, seed);
  const rand = rng(seed);
  return Int32Array.from({ length: n }, () => Math.floor((rand() - 0.5) * 2 ** 32));
}

function indices(n: number, size: number, seed: number): Int32Array {
  const rand = rng(seed);
  const ix = Int32Array.from({ length: n }, () => Math.floor(rand() * size));
  if (n > 2) ix[1] = ix[0]; // a repeated index
  if (n > 3) ix[n - 1] = size - 1; // the last row
  return ix;
}

function bytes(a: Storage): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

// [outer, size, inner, n]: a minibatch of rows (threaded: 1.1 MB of float64), dim 1 of a 3-D tensor, single
// elements (inner 1), a gather too small to split, an empty index, more rows than threads but tiny.
const LAYOUTS: Array<[number, number, number, number]> = [
  [1, 1000, 700, 200], [4, 300, 120, 150], [1, 5000, 1, 3000], [1, 50, 9, 7], [3, 10, 4, 0], [1, 6, 2, 5],
];

describe.skipIf(!run)("native indexSelect copies the same bytes as the portable loop", () => {
  const addon = run ? rawAddon() : (null as unknown as RawGather);
  const threadsBefore = run ? addon.getNumThreads() : 1;
  afterAll(() => {
    if (run) addon.setNumThreads(threadsBefore);
  });

  it("runs large gathers on OpenBLAS's threads when it has two", () => {
    addon.setNumThreads(2);
    expect(addon.threadedGather).toBe(true);
    expect(loaded.backend!.threadedGather()).toBe(true); // what the bench prints
  });

  for (const threads of [2, 1]) {
    for (const Ctor of STORAGES) {
      it(`${Ctor.name}, every layout, ${threads} OpenBLAS thread(s)`, () => {
        addon.setNumThreads(threads);
        let seed = 11;
        for (const [outer, size, inner, n] of LAYOUTS) {
          const src = filled(Ctor, outer * size * inner, seed++);
          const ix = indices(n, size, seed++);
          const want = new Ctor(outer * n * inner);
          portable.indexSelect(src, ix, want, outer, size, inner);
          const got = new Ctor(outer * n * inner + 3).fill(7); // longer: the tail must stay untouched
          addon.indexSelect(src, ix, got, outer, size, inner);
          const label = `${Ctor.name} [${outer}, ${size}, ${inner}] n=${n}`;
          expect(bytes(got.subarray(0, want.length)).equals(bytes(want)), label).toBe(true);
          expect(Array.from(got.subarray(want.length)), label).toEqual([7, 7, 7]);
        }
      });
    }
  }

  it("gives the same bytes with TENSOR_THREADED_GATHER=0, which turns the threads off", () => {
    const script = `
      const m = { exports: {} }; process.dlopen(m, ${JSON.stringify(loaded.backend?.addonPath)});
      const a = m.exports; a.setNumThreads(2);
      const src = new Float64Array(800 * 900).map((_, i) => Math.sin(i));
      const ix = new Int32Array(300).map((_, j) => (j * 7919) % 800);
      const out = new Float64Array(300 * 900);
      a.indexSelect(src, ix, out, 1, 800, 900);
      let h = 0; const b = new Uint8Array(out.buffer); for (let i = 0; i < b.length; i++) h = (h * 31 + b[i]) >>> 0;
      console.log(JSON.stringify({ threaded: a.threadedGather, hash: h }));`;
    const runWith = (env: Record<string, string>) =>
      JSON.parse(execFileSync(process.execPath, ["-e", script], { env: { ...process.env, ...env }, encoding: "utf8" }));
    const on = runWith({});
    const off = runWith({ TENSOR_THREADED_GATHER: "0" });
    expect(on.threaded).toBe(true);
    expect(off.threaded).toBe(false);
    expect(off.hash).toBe(on.hash);
  });

  describe("through Tensor.indexSelect", () => {
    restoreBackendAfterAll();
    for (const dtype of ["float64", "float32", "int32", "bool"] as const) {
      it(`a minibatch of a 2,000 x 400 ${dtype} tensor and a dim-1 gather match the portable backend`, () => {
        expectSameOnBackends("native", dtype, () => {
          const g = new Generator("gather");
          const X = randn([2000, 400], { generator: g }).to(dtype);
          const idx = randint(0, 2000, [256], { generator: g });
          const cols = randint(0, 400, [90], { generator: g });
          return [X.indexSelect(0, idx), X.indexSelect(1, cols), X.t().indexSelect(0, cols)];
        });
      });
    }
  });
});

describe.skipIf(!run)("native indexSelect argument checks", () => {
  const addon = run ? rawAddon() : (null as unknown as RawGather);
  const src = new Float64Array(12);
  const out = new Float64Array(6);

  it("rejects out-of-range indices with RangeError and writes nothing", () => {
    const dst = new Float64Array(6).fill(5);
    for (const bad of [-1, 4, 2 ** 31 - 1]) {
      expect(() => addon.indexSelect(src, new Int32Array([0, bad]), dst, 1, 4, 3)).toThrow(RangeError);
      expect(() => addon.indexSelect(src, new Int32Array([0, bad]), dst, 1, 4, 3)).toThrow(`index ${bad} is out of bounds for size 4`);
    }
    expect(Array.from(dst)).toEqual([5, 5, 5, 5, 5, 5]);
  });

  it("rejects wrong types with TypeError naming the argument", () => {
    expect(() => addon.indexSelect(src, new Float64Array([0]), out, 1, 4, 3)).toThrow(/index must be an Int32Array/);
    expect(() => addon.indexSelect([1, 2], new Int32Array([0]), out, 1, 4, 3)).toThrow(/src must be a Float64Array/);
    expect(() => addon.indexSelect(src, new Int32Array([0]), new Float32Array(6), 1, 4, 3)).toThrow(TypeError);
    expect(() => addon.indexSelect(src, new Int32Array([0]), out, 1, 4)).toThrow(TypeError);
  });

  it("rejects short arrays and overlapping memory with RangeError", () => {
    expect(() => addon.indexSelect(src, new Int32Array([0, 1, 2]), out, 1, 4, 3)).toThrow(/out has 6 elements but needs 9/);
    expect(() => addon.indexSelect(src, new Int32Array([0]), out, 1, 5, 3)).toThrow(/src has 12 elements but needs 15/);
    expect(() => addon.indexSelect(src, new Int32Array([0]), src.subarray(3), 1, 2, 3)).toThrow(/must not share memory/);
    expect(() => addon.indexSelect(src, new Int32Array([0]), out, -1, 4, 3)).toThrow(RangeError);
  });
});
