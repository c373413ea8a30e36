import { describe, expect, it } from "vitest";
import { generateSynthetic, loadDataset, SYNTHETIC_CLASSES, SYNTHETIC_CLASS_NAMES } from "../lib/data";

function equalBytes(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

describe("synthetic default dataset", () => {
  it("has CIFAR's layout: uint8 [N, 3, 32, 32], int32 labels 0..9, 10 named classes, balanced", () => {
    const ds = generateSynthetic({ numTrain: 300, numTest: 50 });
    expect(ds.source).toBe("synthetic");
    expect(ds.trainImages).toBeInstanceOf(Uint8Array);
    expect(ds.trainImages.length).toBe(300 * 3072);
    expect(ds.testImages.length).toBe(50 * 3072);
    expect(ds.trainLabels).toBeInstanceOf(Int32Array);
    expect(ds.classNames).toEqual([...SYNTHETIC_CLASS_NAMES]);
    expect(ds.classNames.length).toBe(10);
    const counts = new Array(10).fill(0);
    for (const l of ds.trainLabels) counts[l]++;
    expect(counts).toEqual(new Array(10).fill(30));
    // Pixels use the whole range and the channels differ (colour images, not grey).
    let min = 255, max = 0, diff = 0;
    for (let i = 0; i < 1024; i++) diff += Math.abs(ds.trainImages[i] - ds.trainImages[2048 + i]);
    for (const v of ds.trainImages.subarray(0, 3072 * 20)) { min = Math.min(min, v); max = Math.max(max, v); }
    expect(min).toBe(0);
    expect(max).toBe(255);
    expect(diff / 1024).toBeGreaterThan(5);
  });

  it("same seed -> identical bytes; different seed -> different data", () => {
    const a = generateSynthetic({ seed: 7, numTrain: 200, numTest: 40 });
    const b = generateSynthetic({ seed: 7, numTrain: 200, numTest: 40 });
    const c = generateSynthetic({ seed: 8, numTrain: 200, numTest: 40 });
    expect(equalBytes(a.trainImages, b.trainImages)).toBe(true);
    expect(equalBytes(a.testImages, b.testImages)).toBe(true);
    expect(equalBytes(a.trainLabels, b.trainLabels)).toBe(true);
    expect(equalBytes(a.testLabels, b.testLabels)).toBe(true);
    expect(equalBytes(a.trainImages, c.trainImages)).toBe(false);
    expect(equalBytes(a.trainLabels, c.trainLabels)).toBe(false);
    // Train and test are different images.
    expect(equalBytes(a.trainImages.subarray(0, 3072), a.testImages.subarray(0, 3072))).toBe(false);
    // The default seed is fixed: loadDataset() twice gives the same data.
    expect(equalBytes(loadDataset({ source: "synthetic", numTrain: 30, numTest: 0 }).trainImages,
      generateSynthetic({ numTrain: 30, numTest: 0 }).trainImages)).toBe(true);
  });

  it("every class has several looks, and all of them occur", () => {
    const ds = generateSynthetic({ numTrain: 600, numTest: 0 });
    for (const cls of SYNTHETIC_CLASSES) expect(cls.modes.length).toBeGreaterThanOrEqual(2);
    const seen = SYNTHETIC_CLASSES.map((c) => new Array(c.modes.length).fill(0));
    ds.trainLabels.forEach((l, i) => seen[l][ds.trainLooks![i]]++);
    for (const s of seen) for (const n of s) expect(n).toBeGreaterThan(5);
  });

  it("one template per class fails on the inverted looks but not on the typical look", () => {
    // Nearest class mean is a linear classifier with one template per class. Trained on all looks, it recognises
    // the typical look and is near chance on the contrast-inverted pair of looks, whose average is flat.
    const ds = generateSynthetic({ seed: "probe", numTrain: 3000, numTest: 1000 });
    const means = Array.from({ length: 10 }, () => new Float64Array(3072));
    const counts = new Array(10).fill(0);
    ds.trainLabels.forEach((l, i) => {
      counts[l]++;
      const m = means[l];
      for (let k = 0; k < 3072; k++) m[k] += ds.trainImages[i * 3072 + k];
    });
    means.forEach((m, l) => m.forEach((v, k) => (m[k] = v / counts[l])));
    const correct = [0, 0], total = [0, 0];
    ds.testLabels.forEach((l, i) => {
      let best = -1, bestD = Infinity;
      for (let c = 0; c < 10; c++) {
        let d = 0;
        for (let k = 0; k < 3072; k++) {
          const e = ds.testImages[i * 3072 + k] - means[c][k];
          d += e * e;
        }
        if (d < bestD) { bestD = d; best = c; }
      }
      const group = ds.testLooks![i] === 0 ? 0 : 1; // look 0: typical; 1, 2: inverted pair
      total[group]++;
      if (best === l) correct[group]++;
    });
    const typical = correct[0] / total[0], inverted = correct[1] / total[1];
    expect(typical).toBeGreaterThan(0.45); // 0.76 with this seed
    expect(inverted).toBeLessThan(0.2); // 0.06: below chance (0.1)
  });

  it("rejects bad sizes", () => {
    expect(() => generateSynthetic({ numTrain: -1 })).toThrow(/numTrain/);
    expect(() => generateSynthetic({ numTest: 1.5 })).toThrow(/numTest/);
  });
});
