/**
 * Turn a RawDataset into training-ready Tensors, like the reference course's preprocess_cifar10:
 * scale bytes to [0, 1], subtract the per-channel mean of the training images, flatten channel-major
 * (feature k = c*1024 + y*32 + x, 3072 features), optionally append a column of ones (bias trick -> 3073),
 * and carve a validation split off the training images: the last `validationRatio` of them, or an explicit index
 * range (`validation: { start, end }`, e.g. one CIFAR-10 batch).
 */
import { Generator, tensor, type Tensor } from "../tensor";
import type { RawDataset } from "./types";

/** Options for {@link preprocess}. */
export interface PreprocessOptions {
  /** Fraction of the training images held out for validation, taken from the end (like the reference). Default 0.1. */
  validationRatio?: number;
  /**
   * Instead of a ratio: hold out the training images with indices start <= i < end (in the loaded order, before any
   * shuffle), e.g. `{ start: 40000, end: 50000 }` for CIFAR-10's data_batch_5. The rest, in order (or shuffled with
   * shuffleSeed), is X_train. Cannot be combined with validationRatio.
   */
  validation?: ValidationRange;
  /** Append a constant 1 feature to every row (X gets 3073 columns) so W's last row acts as the bias. Default false. */
  biasTrick?: boolean;
  /** Flatten each image to one row of 3072 (default true); false keeps X as [N, 3, 32, 32]. */
  flatten?: boolean;
  /** Element type of the X tensors. Default "float64". */
  dtype?: "float64" | "float32";
  /** Also return X_dev / y_dev: this many training rows picked at random (for quick gradient checks). Default 0. */
  numDev?: number;
  /** Seed for the dev sample. Default 0. */
  devSeed?: string | number;
  /**
   * Shuffle the training images with this seed before splitting off validation. Default: no shuffle (both
   * CIFAR-10 and the synthetic set are already in random order, and slicing is what the reference does).
   */
  shuffleSeed?: string | number;
}

/** An index range [start, end) of training images, for {@link PreprocessOptions.validation}. */
export interface ValidationRange {
  start: number;
  end: number;
}

/** Train / validation / test tensors: X rows are examples, y holds int32 labels. */
export interface DataSplits {
  /** [N_train, D] features; D = 3072 (3073 with the bias trick). */
  X_train: Tensor;
  /** [N_train] int32 labels. */
  y_train: Tensor;
  /** [N_val, D]: the last validationRatio of the training images, or the `validation` range. */
  X_val: Tensor;
  /** [N_val] int32. */
  y_val: Tensor;
  /** [N_test, D]. */
  X_test: Tensor;
  /** [N_test] int32. */
  y_test: Tensor;
}

/** Output of {@link preprocess}. X tensors have shape [N, 3072] ([N, 3073] with the bias trick, [N, 3, 32, 32] unflattened). */
export interface PreprocessedData extends DataSplits {
  /** [numDev, D] random training rows when numDev > 0. */
  X_dev?: Tensor;
  /** [numDev] int32. */
  y_dev?: Tensor;
  /** Per-channel mean (R, G, B) on the [0, 1] scale that was subtracted (computed on X_train's images). */
  mean: [number, number, number];
  classNames: string[];
}

// Pixel geometry as local constants (imported bindings in hot loops are slow under some loaders).
const PLANE = 1024;
const IMG = 3 * PLANE;

/** Per-channel mean (0..1 scale) of the images at `indices` (channel-planar bytes). */
export function channelMean(images: Uint8Array, indices: ArrayLike<number>): [number, number, number] {
  let r = 0, g = 0, b = 0;
  for (let k = 0; k < indices.length; k++) {
    const base = indices[k] * IMG;
    let sr = 0, sg = 0, sb = 0;
    for (let p = 0; p < PLANE; p++) {
      sr += images[base + p];
      sg += images[base + PLANE + p];
      sb += images[base + 2 * PLANE + p];
    }
    r += sr; g += sg; b += sb;
  }
  const n = indices.length * PLANE * 255;
  return n === 0 ? [0, 0, 0] : [r / n, g / n, b / n];
}

/**
 * Write rows: out[i*D + c*1024 + p] = images[idx[i]][c][p] / 255 - mean[c], and out[i*D + 3072] = 1 when D = 3073.
 */
export function fillFeatures(
  images: Uint8Array, indices: ArrayLike<number>, mean: readonly number[], out: Float64Array | Float32Array, D: number,
): void {
  const inv = 1 / 255;
  const m0 = mean[0], m1 = mean[1], m2 = mean[2];
  for (let i = 0; i < indices.length; i++) {
    const src = indices[i] * IMG;
    const dst = i * D;
    for (let p = 0; p < PLANE; p++) out[dst + p] = images[src + p] * inv - m0;
    for (let p = PLANE; p < 2 * PLANE; p++) out[dst + p] = images[src + p] * inv - m1;
    for (let p = 2 * PLANE; p < IMG; p++) out[dst + p] = images[src + p] * inv - m2;
    if (D > IMG) out[dst + IMG] = 1;
  }
}

function features(
  images: Uint8Array, indices: ArrayLike<number>, mean: readonly number[], o: Required<Pick<PreprocessOptions, "biasTrick" | "flatten" | "dtype">>,
): Tensor {
  const D = o.biasTrick ? IMG + 1 : IMG;
  const n = indices.length;
  const out = o.dtype === "float32" ? new Float32Array(n * D) : new Float64Array(n * D);
  fillFeatures(images, indices, mean, out, D);
  return tensor(out, { shape: o.flatten ? [n, D] : [n, 3, 32, 32] });
}

function labelsAt(labels: Int32Array, indices: ArrayLike<number>): Tensor {
  const out = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) out[i] = labels[indices[i]];
  return tensor(out, { shape: [indices.length] });
}

function range(start: number, end: number): Int32Array {
  const r = new Int32Array(Math.max(0, end - start));
  for (let i = 0; i < r.length; i++) r[i] = start + i;
  return r;
}

function shuffled(n: number, seed: string | number): Int32Array {
  const g = new Generator(seed);
  const idx = range(0, n);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(g.random() * (i + 1));
    const t = idx[i];
    idx[i] = idx[j];
    idx[j] = t;
  }
  return idx;
}

/** The last round(n * ratio) images (of the shuffled order, with a seed) are validation, the others training. */
function splitByRatio(n: number, ratio: number, shuffleSeed: string | number | undefined): { trainIdx: Int32Array; valIdx: Int32Array } {
  const order = shuffleSeed === undefined ? range(0, n) : shuffled(n, shuffleSeed);
  const numTrain = n - Math.round(n * ratio);
  return { trainIdx: order.subarray(0, numTrain), valIdx: order.subarray(numTrain) };
}

/** Images start..end-1 are validation; the others, in order or shuffled with the seed, training. */
function splitByRange(n: number, v: ValidationRange, shuffleSeed: string | number | undefined): { trainIdx: Int32Array; valIdx: Int32Array } {
  const { start, end } = v;
  if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start < end && end <= n)) {
    throw new RangeError(`preprocess: validation range must satisfy 0 <= start < end <= ${n} (training images), got { start: ${start}, end: ${end} }`);
  }
  if (end - start === n) throw new RangeError(`preprocess: validation range { start: ${start}, end: ${end} } leaves no training images`);
  const rest = new Int32Array(n - (end - start));
  for (let i = 0, k = 0; i < n; i++) if (i < start || i >= end) rest[k++] = i;
  const trainIdx = shuffleSeed === undefined ? rest : shuffled(rest.length, shuffleSeed).map((j) => rest[j]);
  return { trainIdx, valIdx: range(start, end) };
}

/**
 * Preprocess a RawDataset (default options: 10% validation, no bias trick, flattened, float64).
 *
 * With N training images and ratio r: X_train is the first N - round(N*r) images, X_val the rest (or, with
 * `validation: { start, end }`, X_val is images start..end-1 and X_train the others); shapes
 * [N_train, 3072] / [N_val, 3072] / [N_test, 3072] (3073 with biasTrick, [n, 3, 32, 32] with flatten: false);
 * labels are int32 vectors. The subtracted per-channel mean is computed on X_train's images only.
 */
export function preprocess(raw: RawDataset, options: PreprocessOptions = {}): PreprocessedData {
  if (options.validation !== undefined && options.validationRatio !== undefined) {
    throw new Error("preprocess: give either validationRatio or a validation range { start, end }, not both");
  }
  const ratio = options.validationRatio ?? 0.1;
  if (!(ratio >= 0 && ratio < 1)) throw new RangeError(`preprocess: validationRatio must be in [0, 1), got ${ratio}`);
  const o = { biasTrick: options.biasTrick ?? false, flatten: options.flatten ?? true, dtype: options.dtype ?? "float64" } as const;
  if (o.dtype !== "float64" && o.dtype !== "float32") throw new TypeError(`preprocess: dtype must be "float64" or "float32", got ${String(o.dtype)}`);
  if (o.biasTrick && !o.flatten) throw new Error("preprocess: the bias trick needs flattened rows (flatten: true)");
  const nAll = raw.trainLabels.length;
  if (raw.trainImages.length !== nAll * IMG) throw new RangeError(`preprocess: ${nAll} training labels but ${raw.trainImages.length} image bytes`);
  if (raw.testImages.length !== raw.testLabels.length * IMG) throw new RangeError(`preprocess: ${raw.testLabels.length} test labels but ${raw.testImages.length} image bytes`);

  const { trainIdx, valIdx } = options.validation === undefined
    ? splitByRatio(nAll, ratio, options.shuffleSeed)
    : splitByRange(nAll, options.validation, options.shuffleSeed);
  const numTrain = trainIdx.length;
  const testIdx = range(0, raw.testLabels.length);
  const mean = channelMean(raw.trainImages, trainIdx);

  const out: PreprocessedData = {
    X_train: features(raw.trainImages, trainIdx, mean, o),
    y_train: labelsAt(raw.trainLabels, trainIdx),
    X_val: features(raw.trainImages, valIdx, mean, o),
    y_val: labelsAt(raw.trainLabels, valIdx),
    X_test: features(raw.testImages, testIdx, mean, o),
    y_test: labelsAt(raw.testLabels, testIdx),
    mean,
    classNames: raw.classNames.slice(),
  };
  const numDev = options.numDev ?? 0;
  if (numDev > 0) {
    if (!Number.isInteger(numDev) || numDev > numTrain) throw new RangeError(`preprocess: numDev must be an integer <= ${numTrain} (training rows), got ${numDev}`);
    const pick = shuffled(numTrain, options.devSeed ?? 0).subarray(0, numDev);
    const devIdx = new Int32Array(numDev);
    for (let i = 0; i < numDev; i++) devIdx[i] = trainIdx[pick[i]];
    out.X_dev = features(raw.trainImages, devIdx, mean, o);
    out.y_dev = labelsAt(raw.trainLabels, devIdx);
  }
  return out;
}

/**
 * Undo preprocessing for display: rows of X ([N, 3072] or [N, 3073], channel-major, mean-subtracted, [0, 1] scale)
 * back to channel-planar bytes [N, 3, 32, 32], e.g. to show misclassified validation images with sampleGrid.
 */
export function featuresToImages(X: Tensor, mean: readonly number[]): Uint8Array {
  const x = X.contiguous();
  const n = x.shape[0];
  const D = x.numel() / Math.max(1, n);
  if (D !== IMG && D !== IMG + 1) throw new RangeError(`featuresToImages: expected rows of 3072 or 3073 features, got ${D}`);
  const src = x.data;
  const out = new Uint8Array(n * IMG);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < IMG; k++) {
      const v = (src[i * D + k] + mean[(k / PLANE) | 0]) * 255;
      out[i * IMG + k] = v <= 0 ? 0 : v >= 255 ? 255 : Math.round(v);
    }
  }
  return out;
}
