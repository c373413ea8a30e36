// Helpers for tests on raw typed arrays (the kernels below lib/tensor's Tensor).
import type { FloatArray } from "../lib/tensor/backend";
import type { Storage } from "../lib/tensor/dtype";

/** A tiny seeded generator (mulberry32) for tests that need raw typed arrays without lib/tensor's Generator. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Same element type, length and bits (NaN equals NaN, 0 differs from -0). */
export function sameBits(x: Storage, y: Storage): boolean {
  if (x.length !== y.length || x.constructor !== y.constructor) return false;
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return false;
  return true;
}

/** Where two arrays first differ, for a failure message. */
export function firstDiff(x: Storage, y: Storage): string {
  for (let i = 0; i < x.length; i++) if (!Object.is(x[i], y[i])) return `index ${i}: ${x[i]} vs ${y[i]}`;
  return "lengths differ";
}

export type FloatCtor = Float64ArrayConstructor | Float32ArrayConstructor;
export const FLOATS: FloatCtor[] = [Float64Array, Float32Array];

/** Random values with a sprinkling of the awkward ones: 0, -0, NaN, +-Infinity, tiny and huge numbers. */
export function values(Ctor: FloatCtor, n: number, seed: number, special = true): FloatArray {
  const rand = rng(seed);
  const out = new Ctor(n);
  // 1e-310 is subnormal in float64 (0 in float32); 1e-40 is subnormal in float32 only.
  const odd = [0, -0, Number.NaN, Infinity, -Infinity, 1e-310, 1e-40, 3e38, -1];
  for (let i = 0; i < n; i++) {
    const r = rand();
    // Two draws and a factor of e fill all 53 bits (one 32-bit draw would make every sum exact in any order).
    out[i] = special && r < 0.02 ? odd[Math.floor(rand() * odd.length)] : (rand() - 0.5 + rand() * 2 ** -32) * 3 * Math.E;
  }
  return out;
}

/** A bool tensor's storage: 0 or 1. */
export function mask(n: number, seed: number): Uint8Array {
  const rand = rng(seed);
  return Uint8Array.from({ length: n }, () => (rand() < 0.5 ? 1 : 0));
}
