import { describe, expect, it } from "vitest";
import { channelMean, featuresToImages, generateSynthetic, preprocess, type RawDataset } from "../lib/data";

const raw: RawDataset = generateSynthetic({ seed: "prep", numTrain: 200, numTest: 30 });

function channelMeans(X: { data: ArrayLike<number>; shape: readonly number[] }, D: number): number[] {
  const n = X.shape[0];
  const sums = [0, 0, 0];
  for (let i = 0; i < n; i++) for (let k = 0; k < 3072; k++) sums[Math.floor(k / 1024)] += X.data[i * D + k];
  return sums.map((s) => s / (n * 1024));
}

describe("preprocess", () => {
  it("defaults: float64, flattened to 3072, 10% validation from the end, int32 labels", () => {
    const d = preprocess(raw);
    expect(d.X_train.shape).toEqual([180, 3072]);
    expect(d.X_val.shape).toEqual([20, 3072]);
    expect(d.X_test.shape).toEqual([30, 3072]);
    expect(d.y_train.shape).toEqual([180]);
    expect(d.y_val.shape).toEqual([20]);
    expect(d.y_test.shape).toEqual([30]);
    expect(d.X_train.dtype).toBe("float64");
    expect(d.X_train.data).toBeInstanceOf(Float64Array);
    expect(d.y_train.dtype).toBe("int32");
    expect(Array.from(d.y_train.data)).toEqual(Array.from(raw.trainLabels.subarray(0, 180)));
    expect(Array.from(d.y_val.data)).toEqual(Array.from(raw.trainLabels.subarray(180)));
    expect(Array.from(d.y_test.data)).toEqual(Array.from(raw.testLabels));
    expect(d.classNames).toEqual(raw.classNames);
    expect(d.X_dev).toBeUndefined();
  });

  it("scales to [0, 1] and subtracts the per-channel training mean (mean ~0 on X_train afterwards)", () => {
    const d = preprocess(raw);
    for (const m of channelMeans(d.X_train, 3072)) expect(Math.abs(m)).toBeLessThan(1e-12);
    // Validation rows get the training mean subtracted too (not their own).
    expect(d.X_val.data[7 * 3072 + 2100]).toBeCloseTo(raw.trainImages[187 * 3072 + 2100] / 255 - d.mean[2], 12);
    // Mean equals the byte average / 255, per channel.
    let r = 0;
    for (let i = 0; i < 180; i++) for (let p = 0; p < 1024; p++) r += raw.trainImages[i * 3072 + p];
    expect(d.mean[0]).toBeCloseTo(r / (180 * 1024 * 255), 12);
    // Feature k of image i is byte / 255 - mean[channel]: channel-major flattening.
    for (const k of [0, 1023, 1024, 2047, 2048, 3071]) {
      expect(d.X_test.data[5 * 3072 + k]).toBeCloseTo(raw.testImages[5 * 3072 + k] / 255 - d.mean[Math.floor(k / 1024)], 12);
    }
    let lo = Infinity, hi = -Infinity;
    for (const v of d.X_train.data) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
    expect(lo).toBeGreaterThanOrEqual(-1);
    expect(hi).toBeLessThanOrEqual(1);
  });

  it("bias trick appends a column of ones (3073)", () => {
    const d = preprocess(raw, { biasTrick: true });
    expect(d.X_train.shape).toEqual([180, 3073]);
    expect(d.X_val.shape).toEqual([20, 3073]);
    expect(d.X_test.shape).toEqual([30, 3073]);
    for (let i = 0; i < 180; i++) expect(d.X_train.data[i * 3073 + 3072]).toBe(1);
    for (const m of channelMeans(d.X_train, 3073)) expect(Math.abs(m)).toBeLessThan(1e-12);
    expect(d.X_train.data[3073]).toBeCloseTo(raw.trainImages[3072] / 255 - d.mean[0], 12);
  });

  it("validation ratio option and deterministic shuffled split", () => {
    expect(preprocess(raw, { validationRatio: 0.2 }).X_val.shape).toEqual([40, 3072]);
    expect(preprocess(raw, { validationRatio: 0 }).X_val.shape).toEqual([0, 3072]);
    expect(preprocess(raw, { validationRatio: 0.25 }).X_train.shape).toEqual([150, 3072]);
    expect(() => preprocess(raw, { validationRatio: 1 })).toThrow(/validationRatio/);
    const a = preprocess(raw, { shuffleSeed: 3 });
    const b = preprocess(raw, { shuffleSeed: 3 });
    const c = preprocess(raw, { shuffleSeed: 4 });
    expect(Array.from(a.y_val.data)).toEqual(Array.from(b.y_val.data));
    expect(Array.from(a.X_val.data.subarray(0, 3072))).toEqual(Array.from(b.X_val.data.subarray(0, 3072)));
    expect(Array.from(a.X_train.data.subarray(0, 3072))).not.toEqual(Array.from(c.X_train.data.subarray(0, 3072)));
  });

  it("an explicit validation range: those images are X_val, the rest X_train (mean from X_train only)", () => {
    const d = preprocess(raw, { validation: { start: 50, end: 80 } });
    expect([d.X_train.shape, d.X_val.shape]).toEqual([[170, 3072], [30, 3072]]);
    expect(Array.from(d.y_val.data)).toEqual(Array.from(raw.trainLabels.subarray(50, 80)));
    expect(Array.from(d.y_train.data)).toEqual([...raw.trainLabels.subarray(0, 50), ...raw.trainLabels.subarray(80)]);
    // Row 50 of X_train is training image 80; the subtracted mean is that of the 170 training images.
    const rest = [...Array.from({ length: 50 }, (_, i) => i), ...Array.from({ length: 120 }, (_, i) => 80 + i)];
    expect(d.mean).toEqual(channelMean(raw.trainImages, rest));
    expect(d.X_train.data[50 * 3072 + 5]).toBeCloseTo(raw.trainImages[80 * 3072 + 5] / 255 - d.mean[0], 12);
    // The last range is the same split as the matching ratio.
    const byRatio = preprocess(raw, { validationRatio: 0.1 }), byRange = preprocess(raw, { validation: { start: 180, end: 200 } });
    expect(Array.from(byRange.X_val.data)).toEqual(Array.from(byRatio.X_val.data));
    // With a shuffle seed only the training rows are shuffled; validation stays the range.
    const sh = preprocess(raw, { validation: { start: 50, end: 80 }, shuffleSeed: 1 });
    expect(Array.from(sh.y_val.data)).toEqual(Array.from(d.y_val.data));
    expect([...sh.y_train.data].sort()).toEqual([...d.y_train.data].sort());
    expect(Array.from(sh.y_train.data)).not.toEqual(Array.from(d.y_train.data));
  });

  it("a bad validation range, or a range and a ratio together, are errors", () => {
    expect(() => preprocess(raw, { validation: { start: 10, end: 10 } })).toThrow("preprocess: validation range must satisfy 0 <= start < end <= 200 (training images), got { start: 10, end: 10 }");
    expect(() => preprocess(raw, { validation: { start: 150, end: 201 } })).toThrow(/0 <= start < end <= 200/);
    expect(() => preprocess(raw, { validation: { start: 0, end: 200 } })).toThrow(/leaves no training images/);
    expect(() => preprocess(raw, { validation: { start: 0, end: 20 }, validationRatio: 0.1 })).toThrow(/either validationRatio or a validation range/);
  });

  it("float32 dtype", () => {
    const d = preprocess(raw, { dtype: "float32", biasTrick: true });
    expect(d.X_train.dtype).toBe("float32");
    expect(d.X_train.data).toBeInstanceOf(Float32Array);
    expect(d.X_test.data).toBeInstanceOf(Float32Array);
    expect(d.y_train.dtype).toBe("int32");
    expect(d.X_train.data[3073 + 3072]).toBe(1);
  });

  it("dev subset: random training rows, reproducible", () => {
    const d = preprocess(raw, { numDev: 25, biasTrick: true });
    expect(d.X_dev!.shape).toEqual([25, 3073]);
    expect(d.y_dev!.shape).toEqual([25]);
    // Every dev row is one of the training rows, with its label.
    const rowKey = (data: ArrayLike<number>, i: number) => Array.from({ length: 16 }, (_, k) => data[i * 3073 + 37 * k]).join(",");
    const train = new Map<string, number>();
    for (let i = 0; i < 180; i++) train.set(rowKey(d.X_train.data, i), d.y_train.data[i]);
    for (let i = 0; i < 25; i++) expect(train.get(rowKey(d.X_dev!.data, i))).toBe(d.y_dev!.data[i]);
    const again = preprocess(raw, { numDev: 25, biasTrick: true });
    expect(Array.from(again.y_dev!.data)).toEqual(Array.from(d.y_dev!.data));
    expect(() => preprocess(raw, { numDev: 1000 })).toThrow(/numDev/);
  });

  it("unflattened [N, 3, 32, 32], and featuresToImages undoes preprocessing", () => {
    const d = preprocess(raw, { flatten: false });
    expect(d.X_train.shape).toEqual([180, 3, 32, 32]);
    expect(() => preprocess(raw, { flatten: false, biasTrick: true })).toThrow(/bias trick/);
    const back = featuresToImages(preprocess(raw, { biasTrick: true }).X_test, d.mean);
    expect(back.length).toBe(30 * 3072);
    expect(Array.from(back)).toEqual(Array.from(raw.testImages));
  });
});
