/**
 * lib/data: datasets for the course: the embedded synthetic set (synthetic.ts), Fashion-MNIST from Debian's
 * dataset-fashion-mnist (fashion-mnist.ts, idx.ts), CIFAR-10's binary batches (cifar10.ts), the DLVR_DATASET
 * variable that picks one (dataset-spec.ts), and preprocessing (preprocess.ts). Imports only lib/tensor.
 *
 *   import { loadDataset, preprocess } from "./lib/data";
 *   const raw = loadDataset();                       // what DLVR_DATASET names (default: the synthetic set)
 *   const data = preprocess(raw, { biasTrick: true }); // X_train [4500, 3073] float64, y_train [4500] int32, ...
 *
 * Images are uint8, channel-planar like CIFAR-10's binary files: [N, 3, 32, 32], 3072 bytes per image.
 */
import { generateSynthetic, type SyntheticOptions } from "./synthetic";
import { CIFAR10_ENV, loadCifar10, type Cifar10Options } from "./cifar10";
import { loadFashionMnist } from "./fashion-mnist";
import { DATASET_ENV, datasetHeading, datasetSpecFromEnv, formatDatasetSpec, type DatasetSpec } from "./dataset-spec";
import type { DatasetSource, RawDataset } from "./types";

export * from "./types";
export {
  generateSynthetic, SYNTHETIC_CLASSES, SYNTHETIC_CLASS_NAMES,
  type SyntheticOptions, type SyntheticClass, type SyntheticMode, type ShapeKind,
} from "./synthetic";
export {
  loadCifar10, readCifar10Batches, readCifar10ClassNames, cifar10RecordCount, resolveCifar10Dir, cifar10Instructions,
  CIFAR10_CLASS_NAMES, CIFAR10_ENV, CIFAR10_RECORD_BYTES, CIFAR10_RECORDS_PER_BATCH, CIFAR10_BATCH_BYTES,
  CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE, CIFAR10_META_FILE,
  type Cifar10Options, type Cifar10Split,
} from "./cifar10";
export {
  downloadCifar10, extractTarGz, cifar10Complete, md5File, CIFAR10_URL, CIFAR10_MD5, CIFAR10_ARCHIVE, type DownloadOptions,
} from "./cifar10-download";
export {
  preprocess, featuresToImages, channelMean, fillFeatures, type PreprocessOptions, type PreprocessedData, type DataSplits, type ValidationRange,
} from "./preprocess";
export { classMeans, pixelHistogram } from "./stats";
export {
  loadFashionMnist, readFashionMnistSplit, toCourseImages, fashionMnistInstructions,
  FASHION_MNIST_DEBIAN_DIR, FASHION_MNIST_PACKAGE, FASHION_MNIST_CLASS_NAMES, FASHION_MNIST_FILES,
  type FashionMnistOptions, type FashionMnistSplit,
} from "./fashion-mnist";
export { parseIdx, readIdxFile, IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, type IdxArray } from "./idx";
export {
  parseDatasetSpec, formatDatasetSpec, datasetSpecFromEnv, datasetHeading, DATASET_ENV, DATASET_NAMES,
  type DatasetSpec, type DatasetName,
} from "./dataset-spec";

/** Options for {@link loadDataset}. Explicit options win over what DLVR_DATASET says. */
export interface LoadDatasetOptions {
  /**
   * "synthetic" (also "default"): the embedded dataset; "fashion-mnist": Debian's Fashion-MNIST files; "cifar10": the
   * CIFAR-10 binary files; "auto" (default): what $DLVR_DATASET names, else CIFAR-10 when `dir` or $CIFAR10_DIR is
   * given, else the synthetic dataset.
   */
  source?: DatasetSource | "default" | "auto";
  /** Number of training images (synthetic: how many to generate, default 5000; the others: at most this many). */
  numTrain?: number;
  /** Number of test images (synthetic default 1000; Fashion-MNIST and CIFAR-10: at most this many, default all). */
  numTest?: number;
  /** Synthetic: seed (default "dlvr"). */
  seed?: string | number;
  /** Fashion-MNIST or CIFAR-10: folder with the files (defaults: Debian's folder; $CIFAR10_DIR). */
  dir?: string;
  /** CIFAR-10: number of training batches (1..5) or a list of batch numbers. */
  trainBatches?: number | readonly number[];
  /** CIFAR-10: accept batch files with fewer than 10000 records. */
  allowPartialBatches?: boolean;
  /** Synthetic: generator knobs (noise, jitter, distractors, contrast). */
  synthetic?: Omit<SyntheticOptions, "seed" | "numTrain" | "numTest">;
}

/** The dataset `loadDataset(options)` will load, and how it was chosen (printed in the description). */
export interface DatasetChoice {
  spec: DatasetSpec;
  origin: string;
}

const SOURCES = ["synthetic", "fashion-mnist", "cifar10", "default", "auto"];

/** Which dataset (with which options) `loadDataset(options)` would load, and why. */
export function chooseDataset(options: LoadDatasetOptions = {}): DatasetChoice {
  const s = options.source ?? "auto";
  if (!SOURCES.includes(s)) {
    throw new Error(`loadDataset: source must be "synthetic", "fashion-mnist", "cifar10" or "auto", got ${JSON.stringify(s)}`);
  }
  let base: DatasetChoice;
  const fromEnv = s === "auto" ? datasetSpecFromEnv() : undefined;
  const cifarEnv = process.env[CIFAR10_ENV];
  if (s !== "auto") base = { spec: { source: s === "default" ? "synthetic" : s }, origin: "chosen in code" };
  else if (fromEnv) base = { spec: fromEnv, origin: `from ${DATASET_ENV}` };
  else if (options.dir !== undefined) base = { spec: { source: "cifar10" }, origin: "chosen in code" };
  else if (cifarEnv !== undefined && cifarEnv !== "") base = { spec: { source: "cifar10", dir: cifarEnv }, origin: `from ${CIFAR10_ENV}` };
  else base = { spec: { source: "synthetic" }, origin: `the default; set ${DATASET_ENV}=fashion-mnist or cifar10:<folder> for real photos` };
  const spec: DatasetSpec = { ...base.spec };
  const src = spec.source;
  if (options.numTrain !== undefined) spec.numTrain = options.numTrain;
  if (options.numTest !== undefined) spec.numTest = options.numTest;
  if (src === "synthetic" && options.seed !== undefined) spec.seed = String(options.seed);
  if (src !== "synthetic" && options.dir !== undefined) spec.dir = options.dir;
  if (src === "cifar10" && options.trainBatches !== undefined) {
    spec.trainBatches = typeof options.trainBatches === "number" ? options.trainBatches : [...options.trainBatches];
  }
  if (src === "cifar10" && options.allowPartialBatches !== undefined) spec.allowPartialBatches = options.allowPartialBatches;
  return { spec, origin: base.origin };
}

/** Which source `loadDataset(options)` would use. */
export function chooseSource(options: LoadDatasetOptions = {}): DatasetSource {
  return chooseDataset(options).spec.source;
}

function loadSpec(spec: DatasetSpec, options: LoadDatasetOptions): RawDataset {
  const sizes = { numTrain: spec.numTrain, numTest: spec.numTest };
  if (spec.source === "fashion-mnist") return loadFashionMnist({ dir: spec.dir, ...sizes });
  if (spec.source === "cifar10") {
    return loadCifar10({ dir: spec.dir, trainBatches: spec.trainBatches, allowPartialBatches: spec.allowPartialBatches, ...sizes });
  }
  const seed = options.seed ?? spec.seed; // keep a numeric seed numeric: 0 and "0" seed differently
  return generateSynthetic({ ...options.synthetic, seed, ...sizes });
}

/**
 * Load the course dataset as a {@link RawDataset} (uint8 images [N, 3, 32, 32], int32 labels, 10 class names).
 * A bare `loadDataset()` loads what $DLVR_DATASET names (see lib/data/dataset-spec.ts), by default the synthetic
 * dataset (5000 train + 1000 test, generated in well under a second). `source` insists on one dataset whatever the
 * environment says (an error explains how to get it when missing). The description starts with
 * `dataset "<DLVR_DATASET value>" (<how it was chosen>): ` and `spec` holds that value.
 */
export function loadDataset(options: LoadDatasetOptions = {}): RawDataset {
  const { spec, origin } = chooseDataset(options);
  const raw = loadSpec(spec, options);
  const text = formatDatasetSpec(spec);
  return { ...raw, spec: text, description: datasetHeading(text, origin) + raw.description };
}
