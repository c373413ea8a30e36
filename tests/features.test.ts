// lib/features: hue histogram and HOG on hand-made images whose answers are known.
import { describe, expect, it } from "vitest";
import {
  featureDataset, featureLength, hogFeature, hogLength, hueHistogram, imageFeatures, rgbToHue,
} from "../lib/features";

const P = 32 * 32;

/** One channel-planar 32x32 image from a colour function of (x, y). */
function image(color: (x: number, y: number) => [number, number, number]): Uint8Array {
  const out = new Uint8Array(3 * P);
  for (let y = 0; y < 32; y++) {
    for (let x = 0; x < 32; x++) {
      const [r, g, b] = color(x, y);
      out[y * 32 + x] = r;
      out[P + y * 32 + x] = g;
      out[2 * P + y * 32 + x] = b;
    }
  }
  return out;
}

function batch(...images: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(images.length * 3 * P);
  images.forEach((im, i) => out.set(im, i * 3 * P));
  return out;
}

const sum = (a: ArrayLike<number>) => Array.from(a).reduce((p, q) => p + q, 0);

/** Orientation histogram summed over all cells. */
function totalPerBin(h: Float64Array, numBins = 9): number[] {
  const t = new Array(numBins).fill(0);
  for (let i = 0; i < h.length; i++) t[i % numBins] += h[i];
  return t;
}

describe("hue histogram", () => {
  it("knows the hues of the primary and secondary colours", () => {
    expect(rgbToHue(255, 0, 0)).toBe(0);
    expect(rgbToHue(255, 255, 0)).toBeCloseTo(1 / 6, 12);
    expect(rgbToHue(0, 255, 0)).toBeCloseTo(1 / 3, 12);
    expect(rgbToHue(0, 255, 255)).toBeCloseTo(1 / 2, 12);
    expect(rgbToHue(0, 0, 255)).toBeCloseTo(2 / 3, 12);
    expect(rgbToHue(255, 0, 255)).toBeCloseTo(5 / 6, 12);
    expect(rgbToHue(128, 128, 128)).toBe(0);
  });

  it("puts a pure-colour image into exactly one bin", () => {
    const cases: [[number, number, number], number][] = [
      [[255, 0, 0], 0], [[0, 200, 0], 3], [[0, 0, 90], 6], [[0, 255, 255], 5], [[255, 0, 255], 8],
    ];
    for (const [rgb, bin] of cases) {
      const h = hueHistogram(image(() => rgb), 0);
      expect(h).toHaveLength(10);
      expect(h[bin]).toBeCloseTo(1, 12);
      expect(sum(h)).toBeCloseTo(1, 12);
    }
  });

  it("splits a half-red, half-blue image evenly and honours numBins", () => {
    const h = hueHistogram(image((x) => (x < 16 ? [255, 0, 0] : [0, 0, 255])), 0, { numBins: 6 });
    expect(Array.from(h)).toEqual([0.5, 0, 0, 0, 0.5, 0]);
  });

  it("ignores grey pixels when saturation-weighted", () => {
    const im = image((x) => (x < 24 ? [100, 100, 100] : [0, 255, 0]));
    expect(hueHistogram(im, 0)[0]).toBeCloseTo(0.75, 12); // grey counts as hue 0 (red) by default
    const w = hueHistogram(im, 0, { saturationWeighted: true });
    expect(w[3]).toBeCloseTo(1, 12);
    expect(w[0]).toBe(0);
    expect(Array.from(hueHistogram(image(() => [50, 50, 50]), 0, { saturationWeighted: true }))).toEqual(new Array(10).fill(0));
  });

  it("reads the right image of a batch and rejects bad indices", () => {
    const b = batch(image(() => [255, 0, 0]), image(() => [0, 0, 255]));
    expect(hueHistogram(b, 1)[6]).toBeCloseTo(1, 12);
    expect(() => hueHistogram(b, 2)).toThrow(/out of range/);
  });
});

describe("HOG", () => {
  it("has 4 x 4 cells x 9 bins for a 32x32 image (324 with block normalization)", () => {
    expect(hogLength()).toBe(144);
    expect(hogLength({ blockNormalize: true })).toBe(324);
    expect(hogLength({ cellSize: 4, numBins: 6 })).toBe(384);
    const im = image((x, y) => [(x * 7 + y * 3) % 256, x * 8, y * 8]);
    expect(hogFeature(im, 0)).toHaveLength(144);
    expect(hogFeature(im, 0, { blockNormalize: true })).toHaveLength(324);
    expect(hogFeature(im, 0, { cellSize: 4, numBins: 6 })).toHaveLength(384);
  });

  it("is all zeros on a flat image", () => {
    expect(Math.max(...hogFeature(image(() => [90, 140, 30]), 0))).toBe(0);
  });

  it("a vertical edge puts all its mass in bin 0 (horizontal gradient), in the cells on the edge", () => {
    // dark left half, bright right half: the edge runs down between columns 15 and 16 (cell column 1 | 2)
    const h = hogFeature(image((x) => (x < 16 ? [0, 0, 0] : [255, 255, 255])), 0);
    const perBin = totalPerBin(h);
    expect(perBin[0]).toBeGreaterThan(0);
    for (let k = 1; k < 9; k++) expect(perBin[k]).toBe(0);
    for (let cy = 0; cy < 4; cy++) {
      for (let cx = 0; cx < 4; cx++) {
        const v = h[(cy * 4 + cx) * 9];
        if (cx === 1 || cx === 2) expect(v).toBeCloseTo(1 / 8, 12); // one column of 8 pixels with gradient 1, averaged over 64
        else expect(v).toBe(0);
      }
    }
    // orientation is unsigned: the mirrored edge (bright left) gives the same histogram
    const mirrored = hogFeature(image((x) => (x < 16 ? [255, 255, 255] : [0, 0, 0])), 0);
    expect(Array.from(mirrored)).toEqual(Array.from(h));
  });

  it("a horizontal edge (gradient at 90 degrees) splits between the bins centred at 80 and 100 degrees", () => {
    const perBin = totalPerBin(hogFeature(image((_, y) => (y < 16 ? [0, 0, 0] : [255, 255, 255])), 0));
    expect(perBin[4]).toBeGreaterThan(0);
    expect(perBin[4]).toBeCloseTo(perBin[5], 12);
    expect(perBin[0] + perBin[1] + perBin[2] + perBin[3] + perBin[6] + perBin[7] + perBin[8]).toBe(0);
    // with 6 bins (centres 0, 30, 60, 90, ...) 90 degrees is a bin centre
    const six = totalPerBin(hogFeature(image((_, y) => (y < 16 ? [0, 0, 0] : [255, 255, 255])), 0, { numBins: 6 }), 6);
    expect(six[3]).toBeGreaterThan(0);
    expect(six[0] + six[1] + six[2] + six[4] + six[5]).toBe(0);
  });

  it("a 45-degree ramp votes 3/4 for the 40-degree bin and 1/4 for the 60-degree bin", () => {
    // brightness grows along x + y: the gradient points down-right at 45 degrees (y axis points down)
    const perBin = totalPerBin(hogFeature(image((x, y) => { const v = 4 * (x + y); return [v, v, v]; }), 0));
    const total = sum(perBin);
    expect(perBin[2] / total).toBeCloseTo(0.75, 6);
    expect(perBin[3] / total).toBeCloseTo(0.25, 6);
  });

  it("uses grey levels, so a colour edge of equal brightness is invisible", () => {
    // 0.299 R + 0.587 G + 0.114 B equal on both sides
    const h = hogFeature(image((x) => (x < 16 ? [0, 100, 0] : [196, 0, 0])), 0);
    expect(Math.max(...h)).toBeLessThan(1e-3);
  });

  it("block normalization gives unit-norm blocks", () => {
    const h = hogFeature(image((x, y) => [(x * 13 + y * 29) % 256, (x * y) % 256, 128]), 0, { blockNormalize: true });
    for (let b = 0; b < 9; b++) {
      const block = h.subarray(b * 36, (b + 1) * 36);
      expect(Math.sqrt(sum(Array.from(block, (v) => v * v)))).toBeCloseTo(1, 4);
    }
  });
});

describe("feature batches", () => {
  const imgs = [
    image((x) => (x < 16 ? [255, 0, 0] : [0, 0, 255])),
    image((_, y) => (y < 16 ? [0, 255, 0] : [0, 0, 0])),
    image(() => [10, 200, 200]),
  ];

  it("stacks HOG then hue per image", () => {
    const X = imageFeatures(batch(...imgs), { hog: {}, color: {} });
    expect(X.shape).toEqual([3, 154]);
    expect(X.dtype).toBe("float32");
    expect(featureLength({ hog: {}, color: {} })).toBe(154);
    const row = X.get(1).toArray();
    expect(row.slice(0, 144)).toEqual(Array.from(new Float32Array(hogFeature(batch(...imgs), 1))));
    expect(row.slice(144)).toEqual(Array.from(new Float32Array(hueHistogram(batch(...imgs), 1))));
    expect(imageFeatures(batch(...imgs), { color: { numBins: 4 }, dtype: "float64" }).shape).toEqual([3, 4]);
    expect(() => imageFeatures(batch(...imgs), {})).toThrow(/at least one/);
  });

  it("featureDataset splits like preprocess and standardizes with the training statistics", () => {
    const train = batch(...Array.from({ length: 10 }, (_, i) => imgs[i % 3]));
    const raw = {
      trainImages: train, trainLabels: Int32Array.from({ length: 10 }, (_, i) => i % 3),
      testImages: batch(imgs[2], imgs[0]), testLabels: Int32Array.from([2, 0]),
    };
    const f = featureDataset(raw, { hog: {}, color: {}, validationRatio: 0.2, biasTrick: true });
    expect(f.X_train.shape).toEqual([8, 155]);
    expect(f.X_val.shape).toEqual([2, 155]);
    expect(f.X_test.shape).toEqual([2, 155]);
    expect(f.y_train.toArray()).toEqual([0, 1, 2, 0, 1, 2, 0, 1]);
    expect(f.y_val.toArray()).toEqual([2, 0]);
    expect(f.y_test.toArray()).toEqual([2, 0]);
    expect(f.y_train.dtype).toBe("int32");
    const mean = f.X_train.slice(1, 0, 154).mean(0).abs().max().item();
    expect(mean).toBeLessThan(1e-5);
    expect(f.X_train.select(1, 154).toArray()).toEqual(new Array(8).fill(1));
    // identical images get identical rows wherever they are
    expect(f.X_test.get(0).toArray()).toEqual(f.X_train.get(2).toArray());
  });
});
