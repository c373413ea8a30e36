/**
 * Shared dataset types. Every data source (the embedded synthetic set, Fashion-MNIST, the CIFAR-10 binary loader)
 * returns one `RawDataset`, so preprocessing, visualisation and notebooks never care where images came from.
 */

/** Image geometry shared by all sources: 3 channels of 32x32 pixels (CIFAR-10). */
export const IMAGE_CHANNELS = 3;
export const IMAGE_HEIGHT = 32;
export const IMAGE_WIDTH = 32;
/** Bytes per image: 3 * 32 * 32 = 3072. */
export const IMAGE_SIZE = IMAGE_CHANNELS * IMAGE_HEIGHT * IMAGE_WIDTH;

/** Where a RawDataset came from ("synthetic" is the embedded default dataset). */
export type DatasetSource = "synthetic" | "fashion-mnist" | "cifar10";

/**
 * Raw uint8 images and int32 labels, in CIFAR-10's binary layout.
 *
 * Image i occupies bytes [i*3072, (i+1)*3072) of `trainImages` / `testImages` and is channel-planar:
 * 1024 red bytes, then 1024 green, then 1024 blue, each plane 32x32 row-major (shape [N, 3, 32, 32]).
 */
export interface RawDataset {
  /** N_train * 3072 bytes, shape [N_train, 3, 32, 32]. */
  trainImages: Uint8Array;
  /** N_train labels in 0..classNames.length-1. */
  trainLabels: Int32Array;
  /** N_test * 3072 bytes, shape [N_test, 3, 32, 32]. */
  testImages: Uint8Array;
  /** N_test labels in 0..classNames.length-1. */
  testLabels: Int32Array;
  /**
   * Synthetic data only: which look (mode) of its class each training image shows, index into
   * `SYNTHETIC_CLASSES[label].modes`. Lets a notebook break accuracy down by look. Absent for the other sources.
   */
  trainLooks?: Uint8Array;
  /** Synthetic data only: look index of each test image (see `trainLooks`). */
  testLooks?: Uint8Array;
  /** Class names, index = label (10 for every source). */
  classNames: string[];
  /** Which source produced the data. */
  source: DatasetSource;
  /**
   * One line saying what this is (source, seed or directory, sizes); handy to print in notebooks. From
   * `loadDataset` it starts with `dataset "<DLVR_DATASET value>" (<how it was chosen>): `.
   */
  description: string;
  /** The DLVR_DATASET value that loads this data again (set by `loadDataset`), e.g. "fashion-mnist?numTrain=10000". */
  spec?: string;
}
