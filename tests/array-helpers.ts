// Helpers for tests on raw typed arrays (the kernels below lib/tensor's Tensor).
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
