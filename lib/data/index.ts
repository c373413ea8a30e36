/**
 * lib/data: datasets for the course.
 *
 *   import { loadDataset, preprocess } from "./lib/data";
 *   const raw = loadDataset();                       // synthetic default, or CIFAR-10 when CIFAR10_DIR is set
 *   const data = preprocess(raw, { biasTrick: true }); // X_train [4500, 3073] float64, y_train [4500] int32, ...
 *
 * Images are uint8, channel-planar like CIFAR-10's binary files: [N, 3, 32, 32], 3072 bytes per image.
 */
import { generateSynthetic, type SyntheticOptions } from "./synthetic";
import { CIFAR10_ENV, loadCifar10, type Cifar10Options } from "./cifar10";
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
  preprocess, featuresToImages, channelMean, fillFeatures, type PreprocessOptions, type PreprocessedData, type DataSplits,
} from "./preprocess";
export { classMeans, pixelHistogram } from "./stats";

/** Options for {@link loadDataset}. */
export interface LoadDatasetOptions {
  /**
   * "default": the embedded synthetic dataset; "cifar10": the CIFAR-10 binary files; "auto" (default):
   * CIFAR-10 when $CIFAR10_DIR is set (or `dir` is given), otherwise the synthetic dataset.
   */
  source?: DatasetSource | "auto";
  /** Number of training images (synthetic: how many to generate, default 5000; CIFAR-10: at most this many, default 50000). */
  numTrain?: number;
  /** Number of test images (synthetic default 1000; CIFAR-10 default 10000). */
  numTest?: number;
  /** Synthetic: seed (default "dlvr"). */
  seed?: string | number;
  /** CIFAR-10: directory with the batch files (default $CIFAR10_DIR). */
  dir?: string;
  /** CIFAR-10: number of training batches (1..5) or a list of batch numbers. */
  trainBatches?: number | readonly number[];
  /** CIFAR-10: accept batch files with fewer than 10000 records. */
  allowPartialBatches?: boolean;
  /** Synthetic: generator knobs (noise, jitter, distractors, contrast). */
  synthetic?: Omit<SyntheticOptions, "seed" | "numTrain" | "numTest">;
}

/** Which source `loadDataset(options)` would use. */
export function chooseSource(options: LoadDatasetOptions = {}): DatasetSource {
  const s = options.source ?? "auto";
  if (s === "default" || s === "cifar10") return s;
  if (s !== "auto") throw new Error(`loadDataset: source must be "default", "cifar10" or "auto", got ${JSON.stringify(s)}`);
  const env = process.env[CIFAR10_ENV];
  return options.dir !== undefined || (env !== undefined && env !== "") ? "cifar10" : "default";
}

/**
 * Load the course dataset as a {@link RawDataset} (uint8 images [N, 3, 32, 32], int32 labels, 10 class names).
 * Default: the synthetic dataset (5000 train + 1000 test, generated in well under a second), or CIFAR-10 when
 * $CIFAR10_DIR is set. Pass `source: "cifar10"` to insist on CIFAR-10 (an error explains how to get it when missing)
 * or `source: "default"` to ignore $CIFAR10_DIR.
 */
export function loadDataset(options: LoadDatasetOptions = {}): RawDataset {
  if (chooseSource(options) === "cifar10") {
    const o: Cifar10Options = {
      dir: options.dir, trainBatches: options.trainBatches, numTrain: options.numTrain, numTest: options.numTest,
      allowPartialBatches: options.allowPartialBatches,
    };
    return loadCifar10(o);
  }
  return generateSynthetic({ ...options.synthetic, seed: options.seed, numTrain: options.numTrain, numTest: options.numTest });
}
