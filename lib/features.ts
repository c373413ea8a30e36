/**
 * Hand-made image features, as in the "feature transforms" part of the lecture (and CS231n's features.py):
 * a **colour histogram** over hue and a **histogram of oriented gradients** (HOG). Both work on the course's
 * channel-planar uint8 images (lib/data: [N, 3, 32, 32], 3072 bytes per image, 1024 R then 1024 G then 1024 B).
 *
 *   import { loadDataset } from "./lib/data";
 *   import { featureDataset } from "./lib/features";
 *   const raw = loadDataset();
 *   const feats = featureDataset(raw, { hog: {}, color: {} });   // X_train [4500, 154] (144 HOG + 10 hue), ...
 *
 * - hueHistogram(images, i, { numBins = 10 }) -> Float64Array [numBins]: fraction of the image's pixels whose hue
 *   falls in each of numBins equal bins of the colour wheel (bin 0 starts at red, hue 0). Optionally weighted by
 *   saturation, so grey pixels (whose hue is meaningless) count less.
 * - hogFeature(images, i, { cellSize = 8, numBins = 9, blockNormalize = false }) -> Float64Array: per cell of
 *   cellSize x cellSize pixels, the mean gradient magnitude voting for each of numBins unsigned orientations.
 *   32x32 images with the defaults give 4 x 4 cells x 9 bins = 144 numbers (row-major cells, bins innermost).
 * - imageFeatures(images, { hog, color }) -> Tensor [N, F] with the chosen features side by side (HOG first).
 * - featureDataset(raw, ...) -> the same train / val / test split as lib/data's preprocess (last validationRatio of
 *   the training images is validation), standardized with the training mean and std, optional bias column.
 */
import type { DataSplits } from "./data/preprocess";
import type { RawDataset } from "./data/types";
import { tensor, type DType, type Tensor } from "./tensor";

// ---------------------------------------------------------------------------------------------------------- hue

/** Options for {@link hueHistogram}. */
export interface HueHistogramOptions {
  /** Number of equal hue bins over the colour wheel; bin k covers hues [k/numBins, (k+1)/numBins). Default 10. */
  numBins?: number;
  /**
   * Weight each pixel's vote by its saturation (max - min) / max, so grey and black pixels, whose hue is
   * arbitrary, barely count. Default false: every pixel counts once, like CS231n's color_histogram_hsv (grey
   * pixels have hue 0 and land in bin 0).
   */
  saturationWeighted?: boolean;
  /** Image height and width in pixels. Default 32 x 32. */
  height?: number;
  width?: number;
}

/**
 * Hue of an RGB colour (any scale) in [0, 1): 0 red, 1/6 yellow, 1/3 green, 1/2 cyan, 2/3 blue, 5/6 magenta.
 * Grey (r = g = b) has hue 0, as in matplotlib's rgb_to_hsv.
 */
export function rgbToHue(r: number, g: number, b: number): number {
  const max = Math.max(r, g, b);
  const delta = max - Math.min(r, g, b);
  if (delta === 0) return 0;
  let h: number;
  if (max === r) h = (g - b) / delta;
  else if (max === g) h = 2 + (b - r) / delta;
  else h = 4 + (r - g) / delta;
  h /= 6;
  if (h < 0) h += 1;
  return h >= 1 ? 0 : h;
}

/**
 * Hue histogram of image `index` in a channel-planar batch: Float64Array [numBins], the fraction of pixels (or of
 * the total saturation, with saturationWeighted) in each hue bin. Sums to 1 (0 for an all-grey image when weighted).
 */
export function hueHistogram(images: Uint8Array, index: number, options: HueHistogramOptions = {}): Float64Array {
  const numBins = options.numBins ?? 10;
  const height = options.height ?? 32, width = options.width ?? 32;
  if (!Number.isInteger(numBins) || numBins < 1) throw new RangeError(`hueHistogram: numBins must be a positive integer, got ${numBins}`);
  const P = height * width;
  const base = index * 3 * P;
  if (!Number.isInteger(index) || index < 0 || base + 3 * P > images.length) {
    throw new RangeError(`hueHistogram: image ${index} is out of range (${Math.floor(images.length / (3 * P))} images of ${height}x${width})`);
  }
  const weighted = options.saturationWeighted ?? false;
  const hist = new Float64Array(numBins);
  let total = 0;
  for (let p = 0; p < P; p++) {
    const r = images[base + p], g = images[base + P + p], b = images[base + 2 * P + p];
    const h = rgbToHue(r, g, b);
    let w = 1;
    if (weighted) {
      const max = Math.max(r, g, b);
      w = max === 0 ? 0 : (max - Math.min(r, g, b)) / max;
    }
    let k = Math.floor(h * numBins);
    if (k >= numBins) k = numBins - 1;
    hist[k] += w;
    total += w;
  }
  if (total > 0) for (let k = 0; k < numBins; k++) hist[k] /= total;
  return hist;
}

// ---------------------------------------------------------------------------------------------------------- HOG

/** Options for {@link hogFeature}. */
export interface HogOptions {
  /** Cell side in pixels (cells tile the image; leftover rows / columns at the edge are ignored). Default 8. */
  cellSize?: number;
  /**
   * Number of orientation bins over [0, 180) degrees (unsigned: a gradient and its opposite vote alike). Bin k is
   * centred at k * 180 / numBins degrees, and each pixel splits its vote linearly between the two nearest bin
   * centres (wrapping around 180). Default 9 (20-degree bins).
   */
  numBins?: number;
  /**
   * Normalize overlapping 2 x 2-cell blocks to unit L2 norm (Dalal and Triggs). The output then has
   * (cellsY - 1) * (cellsX - 1) * 4 * numBins numbers instead of cellsY * cellsX * numBins. Default false.
   */
  blockNormalize?: boolean;
  /** Image height and width in pixels. Default 32 x 32. */
  height?: number;
  width?: number;
}

/** Number of values {@link hogFeature} returns for these options. */
export function hogLength(options: HogOptions = {}): number {
  const { cellsY, cellsX, numBins } = hogGeometry(options);
  return options.blockNormalize ? (cellsY - 1) * (cellsX - 1) * 4 * numBins : cellsY * cellsX * numBins;
}

function hogGeometry(options: HogOptions): { cellSize: number; numBins: number; height: number; width: number; cellsY: number; cellsX: number } {
  const cellSize = options.cellSize ?? 8, numBins = options.numBins ?? 9;
  const height = options.height ?? 32, width = options.width ?? 32;
  if (!Number.isInteger(cellSize) || cellSize < 1) throw new RangeError(`hogFeature: cellSize must be a positive integer, got ${cellSize}`);
  if (!Number.isInteger(numBins) || numBins < 1) throw new RangeError(`hogFeature: numBins must be a positive integer, got ${numBins}`);
  const cellsY = Math.floor(height / cellSize), cellsX = Math.floor(width / cellSize);
  if (cellsY < 1 || cellsX < 1) throw new RangeError(`hogFeature: cellSize ${cellSize} is larger than the ${height}x${width} image`);
  if (options.blockNormalize && (cellsY < 2 || cellsX < 2)) throw new RangeError("hogFeature: block normalization needs at least 2 x 2 cells");
  return { cellSize, numBins, height, width, cellsY, cellsX };
}

/**
 * Histogram of oriented gradients of image `index` in a channel-planar batch.
 *
 * 1. Grey level 0.299 R + 0.587 G + 0.114 B (0..1 scale).
 * 2. Gradients by central differences g[i+1] - g[i-1] (at the border twice the one-sided difference): gx along
 *    columns (to the right), gy along rows (downwards). Magnitude sqrt(gx^2 + gy^2), orientation atan2(gy, gx) folded into [0, 180) degrees: a vertical
 *    edge (dark left, bright right, or the reverse) has orientation 0, a horizontal edge 90.
 * 3. Each cell's histogram is the mean over its pixels of the magnitude votes (so a cell's bins sum to its mean
 *    gradient magnitude). Layout: cell (cy, cx) row-major, bins innermost: out[(cy * cellsX + cx) * numBins + k].
 * 4. With blockNormalize, each 2 x 2 block of cells is scaled to unit L2 norm and the blocks are concatenated.
 */
export function hogFeature(images: Uint8Array, index: number, options: HogOptions = {}): Float64Array {
  const { cellSize, numBins, height, width, cellsY, cellsX } = hogGeometry(options);
  const P = height * width;
  const base = index * 3 * P;
  if (!Number.isInteger(index) || index < 0 || base + 3 * P > images.length) {
    throw new RangeError(`hogFeature: image ${index} is out of range (${Math.floor(images.length / (3 * P))} images of ${height}x${width})`);
  }
  const gray = new Float64Array(P);
  for (let p = 0; p < P; p++) {
    gray[p] = (0.299 * images[base + p] + 0.587 * images[base + P + p] + 0.114 * images[base + 2 * P + p]) / 255;
  }
  const cells = new Float64Array(cellsY * cellsX * numBins);
  const binWidth = Math.PI / numBins;
  const usedH = cellsY * cellSize, usedW = cellsX * cellSize;
  for (let y = 0; y < usedH; y++) {
    const up = y > 0 ? y - 1 : y, down = y < height - 1 ? y + 1 : y;
    const cy = (y / cellSize) | 0;
    for (let x = 0; x < usedW; x++) {
      const left = x > 0 ? x - 1 : x, right = x < width - 1 ? x + 1 : x;
      // central differences; at the border the one-sided difference counts twice, to keep the same scale
      const gx = (gray[y * width + right] - gray[y * width + left]) * (right - left === 1 ? 2 : 1);
      const gy = (gray[down * width + x] - gray[up * width + x]) * (down - up === 1 ? 2 : 1);
      const mag = Math.sqrt(gx * gx + gy * gy);
      if (mag === 0) continue;
      let angle = Math.atan2(gy, gx); // (-pi, pi]
      if (angle < 0) angle += Math.PI;
      if (angle >= Math.PI) angle -= Math.PI; // [0, pi)
      const pos = angle / binWidth; // bin centres at integers
      const k0 = Math.floor(pos);
      const frac = pos - k0;
      const b0 = k0 % numBins, b1 = (k0 + 1) % numBins;
      const cell = (cy * cellsX + ((x / cellSize) | 0)) * numBins;
      cells[cell + b0] += mag * (1 - frac);
      cells[cell + b1] += mag * frac;
    }
  }
  const inv = 1 / (cellSize * cellSize);
  for (let i = 0; i < cells.length; i++) cells[i] *= inv;
  if (!options.blockNormalize) return cells;

  const blockLen = 4 * numBins;
  const out = new Float64Array((cellsY - 1) * (cellsX - 1) * blockLen);
  let o = 0;
  for (let by = 0; by < cellsY - 1; by++) {
    for (let bx = 0; bx < cellsX - 1; bx++) {
      const start = o;
      let ss = 0;
      for (const [dy, dx] of [[0, 0], [0, 1], [1, 0], [1, 1]]) {
        const c = ((by + dy) * cellsX + bx + dx) * numBins;
        for (let k = 0; k < numBins; k++) {
          const v = cells[c + k];
          out[o++] = v;
          ss += v * v;
        }
      }
      const norm = 1 / Math.sqrt(ss + 1e-6);
      for (let i = start; i < o; i++) out[i] *= norm;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------- batches

/** Which features {@link imageFeatures} computes; leave one out to skip it. */
export interface FeatureOptions {
  hog?: HogOptions;
  color?: HueHistogramOptions;
  /** Element type of the result. Default "float32". */
  dtype?: "float32" | "float64";
}

/** Number of columns {@link imageFeatures} produces. */
export function featureLength(options: FeatureOptions): number {
  return (options.hog ? hogLength(options.hog) : 0) + (options.color ? options.color.numBins ?? 10 : 0);
}

/**
 * Features of every image in a channel-planar batch (images.length / 3072 images at 32x32): a Tensor [N, F] whose
 * row i is [hogFeature(i) (if options.hog), hueHistogram(i) (if options.color)].
 */
export function imageFeatures(images: Uint8Array, options: FeatureOptions): Tensor {
  if (!options.hog && !options.color) throw new Error("imageFeatures: choose at least one of { hog, color }");
  const h = options.hog?.height ?? options.color?.height ?? 32;
  const w = options.hog?.width ?? options.color?.width ?? 32;
  const imgBytes = 3 * h * w;
  if (images.length % imgBytes !== 0) throw new RangeError(`imageFeatures: ${images.length} bytes is not a whole number of ${h}x${w} RGB images`);
  const n = images.length / imgBytes;
  const F = featureLength(options);
  const out = options.dtype === "float64" ? new Float64Array(n * F) : new Float32Array(n * F);
  for (let i = 0; i < n; i++) {
    let o = i * F;
    if (options.hog) {
      const f = hogFeature(images, i, options.hog);
      out.set(f, o);
      o += f.length;
    }
    if (options.color) out.set(hueHistogram(images, i, options.color), o);
  }
  return tensor(out, { shape: [n, F] });
}

/** Feature rows split like lib/data's preprocess output, with the training statistics used to standardise them. */
export interface FeatureData extends DataSplits {
  /** Column means and standard deviations of the training features (before the bias column). */
  mean: Float64Array;
  std: Float64Array;
}

/** The part of lib/data's RawDataset that featureDataset needs. */
export type RawImages = Pick<RawDataset, "trainImages" | "trainLabels" | "testImages" | "testLabels">;

/**
 * Features for a whole dataset with the same split as `preprocess(raw, { validationRatio })` (no shuffle: the last
 * round(N * validationRatio) training images are the validation set). Every column is standardized with the mean
 * and standard deviation of the training rows (columns that are constant get std 1), and with biasTrick a column of
 * ones is appended (for the linear classifiers of Assignment 3). X tensors are [N, F] (F + 1 with the bias).
 */
export function featureDataset(
  raw: RawImages,
  options: FeatureOptions & { validationRatio?: number; biasTrick?: boolean } = { hog: {}, color: {} },
): FeatureData {
  const ratio = options.validationRatio ?? 0.1;
  if (!(ratio >= 0 && ratio < 1)) throw new RangeError(`featureDataset: validationRatio must be in [0, 1), got ${ratio}`);
  const dtype: DType = options.dtype ?? "float32";
  const all = imageFeatures(raw.trainImages, { ...options, dtype: "float64" });
  const test = imageFeatures(raw.testImages, { ...options, dtype: "float64" });
  const n = all.size(0), F = all.size(1);
  const numTrain = n - Math.round(n * ratio);
  const a = all.data as Float64Array;
  const mean = new Float64Array(F), std = new Float64Array(F);
  for (let i = 0; i < numTrain; i++) for (let j = 0; j < F; j++) mean[j] += a[i * F + j];
  for (let j = 0; j < F; j++) mean[j] /= Math.max(numTrain, 1);
  for (let i = 0; i < numTrain; i++) {
    for (let j = 0; j < F; j++) {
      const d = a[i * F + j] - mean[j];
      std[j] += d * d;
    }
  }
  for (let j = 0; j < F; j++) {
    const s = Math.sqrt(std[j] / Math.max(numTrain, 1));
    std[j] = s > 1e-12 ? s : 1;
  }
  const D = options.biasTrick ? F + 1 : F;
  const rows = (src: Float64Array, from: number, to: number): Tensor => {
    const m = to - from;
    const out = dtype === "float64" ? new Float64Array(m * D) : new Float32Array(m * D);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < F; j++) out[i * D + j] = (src[(from + i) * F + j] - mean[j]) / std[j];
      if (D > F) out[i * D + F] = 1;
    }
    return tensor(out, { shape: [m, D] });
  };
  const labels = (src: Int32Array, from: number, to: number): Tensor =>
    tensor(Int32Array.from(src.subarray(from, to)), { shape: [to - from] });
  return {
    X_train: rows(a, 0, numTrain),
    y_train: labels(raw.trainLabels, 0, numTrain),
    X_val: rows(a, numTrain, n),
    y_val: labels(raw.trainLabels, numTrain, n),
    X_test: rows(test.data as Float64Array, 0, test.size(0)),
    y_test: labels(raw.testLabels, 0, raw.testLabels.length),
    mean,
    std,
  };
}
