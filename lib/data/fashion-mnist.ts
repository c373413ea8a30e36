/**
 * Fashion-MNIST (Zalando Research, MIT licence): 70,000 real 28x28 grayscale photos of clothing in 10 classes,
 * 60,000 for training and 10,000 for testing. Debian ships it offline: `apt-get install dataset-fashion-mnist`
 * puts the four gzipped IDX files under /usr/share/datasets/fashion-mnist/ (scripts/setup.sh installs it).
 *
 * `loadFashionMnist` returns the course's RawDataset: each image padded with a 2-pixel black border to 32x32 and
 * copied into all three channels, so preprocessing, weight templates, HOG/hue features and the grader's
 * [N, 3, 32, 32] assumptions hold unchanged. `readFashionMnistSplit` gives the original 28x28 bytes.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { readIdxFile } from "./idx";
import type { RawDataset } from "./types";

/** Where Debian's dataset-fashion-mnist package puts the files. */
export const FASHION_MNIST_DEBIAN_DIR = "/usr/share/datasets/fashion-mnist";
export const FASHION_MNIST_PACKAGE = "dataset-fashion-mnist";
/** Class names in label order (the dataset's README). */
export const FASHION_MNIST_CLASS_NAMES: readonly string[] = [
  "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
];
/** File stems; each is read as `<stem>.gz` or, failing that, `<stem>` uncompressed. */
export const FASHION_MNIST_FILES = {
  train: { images: "train-images-idx3-ubyte", labels: "train-labels-idx1-ubyte" },
  test: { images: "t10k-images-idx3-ubyte", labels: "t10k-labels-idx1-ubyte" },
} as const;

const SIDE = 32;
const PLANE = SIDE * SIDE;

/** Options for {@link loadFashionMnist}. */
export interface FashionMnistOptions {
  /** Folder with the four IDX files. Default: Debian's /usr/share/datasets/fashion-mnist. */
  dir?: string;
  /** Keep the first this many training images (default all 60000). */
  numTrain?: number;
  /** Keep the first this many test images (default all 10000); 0 skips the test files. */
  numTest?: number;
}

/** One split in its original geometry: N grayscale images of rows x cols bytes, and N labels. */
export interface FashionMnistSplit {
  images: Uint8Array;
  labels: Int32Array;
  rows: number;
  cols: number;
}

/** How to get the files: appended to "missing" errors. */
export function fashionMnistInstructions(dir: string): string {
  return [
    "To use Fashion-MNIST:",
    `  - on Debian/Ubuntu: sudo apt-get install ${FASHION_MNIST_PACKAGE}   (or re-run bash scripts/setup.sh without DLVR_SKIP_FASHION_MNIST=1);`,
    `    it installs the files into ${FASHION_MNIST_DEBIAN_DIR}`,
    `  - or put ${Object.values(FASHION_MNIST_FILES).flatMap((s) => [s.images, s.labels]).map((f) => `${f}.gz`).join(", ")}`,
    `    into a folder and set DLVR_DATASET=fashion-mnist:<folder>   (looked in: ${dir})`,
    "Without it everything works on the built-in synthetic dataset: DLVR_DATASET=synthetic.",
  ].join("\n");
}

function locate(dir: string, stem: string): string {
  for (const name of [`${stem}.gz`, stem]) {
    const file = path.join(dir, name);
    if (fs.existsSync(file)) return file;
  }
  const reason = fs.existsSync(dir) ? `missing file ${path.join(dir, `${stem}.gz`)}` : `folder not found: ${dir}`;
  throw new Error(`Fashion-MNIST: ${reason}.\n${fashionMnistInstructions(dir)}`);
}

/**
 * Read one split (`train` or `test`) in its original geometry, keeping the first `limit` images. Throws when a file
 * is missing, truncated, has the wrong magic number, when the label and image counts differ, or a label is not 0..9.
 */
export function readFashionMnistSplit(dir: string, split: "train" | "test", limit = Infinity): FashionMnistSplit {
  const stems = FASHION_MNIST_FILES[split];
  const imgFile = locate(dir, stems.images), lblFile = locate(dir, stems.labels);
  const img = readIdxFile(imgFile, 3);
  const lbl = readIdxFile(lblFile, 1);
  const [n, rows, cols] = img.dims;
  if (lbl.dims[0] !== n) {
    throw new Error(
      `Fashion-MNIST: ${path.basename(lblFile)} holds ${lbl.dims[0]} labels but ${path.basename(imgFile)} holds ${n} images; `
      + "the two files of a split must match (are they from different downloads or datasets?)",
    );
  }
  if (rows > SIDE || cols > SIDE) throw new Error(`Fashion-MNIST: ${path.basename(imgFile)} has ${rows}x${cols} images; at most ${SIDE}x${SIDE} fit the course's layout`);
  const k = Math.min(n, limit);
  const labels = new Int32Array(k);
  for (let i = 0; i < k; i++) {
    const l = lbl.data[i];
    if (l > 9) throw new Error(`Fashion-MNIST: ${path.basename(lblFile)} label ${i} is ${l}; Fashion-MNIST labels are 0..9`);
    labels[i] = l;
  }
  return { images: img.data.subarray(0, k * rows * cols), labels, rows, cols };
}

/**
 * Grayscale rows x cols images -> channel-planar [N, 3, 32, 32]: centred on a black (0) 32x32 canvas, the same
 * bytes in R, G and B.
 */
export function toCourseImages(split: FashionMnistSplit): Uint8Array {
  const { rows, cols } = split;
  const n = split.labels.length;
  const top = (SIDE - rows) >> 1, left = (SIDE - cols) >> 1;
  const out = new Uint8Array(n * 3 * PLANE);
  for (let i = 0; i < n; i++) {
    const src = i * rows * cols, dst = i * 3 * PLANE;
    for (let y = 0; y < rows; y++) {
      const line = split.images.subarray(src + y * cols, src + (y + 1) * cols);
      const at = dst + (top + y) * SIDE + left;
      out.set(line, at);
      out.set(line, at + PLANE);
      out.set(line, at + 2 * PLANE);
    }
  }
  return out;
}

function checkLimit(name: string, v: number | undefined): number {
  if (v === undefined) return Infinity;
  if (!(Number.isInteger(v) && v >= 0)) throw new Error(`loadFashionMnist: ${name} must be a non-negative integer, got ${v}`);
  return v;
}

/**
 * Load Fashion-MNIST as a {@link RawDataset}: trainImages [60000, 3, 32, 32] (28x28 padded, gray copied to RGB),
 * testImages [10000, 3, 32, 32], int32 labels, the 10 class names. About 1 s for all 70,000 images.
 */
export function loadFashionMnist(options: FashionMnistOptions = {}): RawDataset {
  const dir = path.resolve(options.dir ?? FASHION_MNIST_DEBIAN_DIR);
  const numTrain = checkLimit("numTrain", options.numTrain);
  const numTest = checkLimit("numTest", options.numTest);
  const train = readFashionMnistSplit(dir, "train", numTrain);
  const test: FashionMnistSplit = numTest === 0
    ? { images: new Uint8Array(0), labels: new Int32Array(0), rows: train.rows, cols: train.cols }
    : readFashionMnistSplit(dir, "test", numTest);
  return {
    trainImages: toCourseImages(train),
    trainLabels: train.labels,
    testImages: toCourseImages(test),
    testLabels: test.labels,
    classNames: FASHION_MNIST_CLASS_NAMES.slice(),
    source: "fashion-mnist",
    description: `Fashion-MNIST from ${dir}: ${train.labels.length} train + ${test.labels.length} test images, 10 classes; `
      + `${train.rows}x${train.cols} grayscale padded to 32x32 and copied to 3 channels (3x32x32 like the other datasets, so every cell works unchanged)`,
  };
}
