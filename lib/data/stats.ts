/**
 * Small statistics over raw uint8 images ([N, 3, 32, 32], channel-planar), for looking at a dataset.
 */
import { tensor, type Tensor } from "../tensor";

const IMG = 3072;

/**
 * Mean image of each class on the [0, 1] scale, as a [3072, C] matrix (column c = class c, channel-major like
 * preprocessed rows). Pass it to `weightTemplates` to see the best a single template per class can look like.
 */
export function classMeans(images: Uint8Array, labels: ArrayLike<number>, numClasses = 10): Tensor {
  const n = labels.length;
  if (images.length !== n * IMG) throw new RangeError(`classMeans: ${n} labels but ${images.length} image bytes`);
  const sums = new Float64Array(numClasses * IMG);
  const counts = new Float64Array(numClasses);
  for (let i = 0; i < n; i++) {
    const c = labels[i];
    counts[c]++;
    const src = i * IMG, dst = c * IMG;
    for (let k = 0; k < IMG; k++) sums[dst + k] += images[src + k];
  }
  const out = new Float64Array(IMG * numClasses); // [3072, C]
  for (let c = 0; c < numClasses; c++) {
    const s = counts[c] > 0 ? 1 / (255 * counts[c]) : 0;
    for (let k = 0; k < IMG; k++) out[k * numClasses + c] = sums[c * IMG + k] * s;
  }
  return tensor(out, { shape: [IMG, numClasses] });
}

/** Histogram of byte values per channel: `bins` counts for each of R, G, B (bin b covers values [b*256/bins, (b+1)*256/bins)). */
export function pixelHistogram(images: Uint8Array, bins = 32): { r: Float64Array; g: Float64Array; b: Float64Array; binCenters: number[] } {
  if (!(Number.isInteger(bins) && bins >= 1 && bins <= 256)) throw new RangeError(`pixelHistogram: bins must be 1..256, got ${bins}`);
  const h = [new Float64Array(bins), new Float64Array(bins), new Float64Array(bins)];
  const n = Math.floor(images.length / IMG);
  const shift = bins / 256;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) {
      const hc = h[c];
      const base = i * IMG + c * 1024;
      for (let p = 0; p < 1024; p++) hc[Math.floor(images[base + p] * shift)]++;
    }
  }
  return { r: h[0], g: h[1], b: h[2], binCenters: Array.from({ length: bins }, (_, b) => (b + 0.5) * (256 / bins)) };
}
