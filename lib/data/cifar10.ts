/**
 * Loader for the official CIFAR-10 binary distribution (cifar-10-binary.tar.gz, unpacked to cifar-10-batches-bin/):
 * data_batch_1.bin .. data_batch_5.bin (training), test_batch.bin, batches.meta.txt (class names).
 * Each record is 1 label byte followed by 3072 pixel bytes: 1024 red, 1024 green, 1024 blue, each 32x32 row-major.
 * A full batch holds 10000 records = 30,730,000 bytes.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { RawDataset } from "./types";

/** Bytes per CIFAR-10 record: 1 label + 3072 pixels. */
export const CIFAR10_RECORD_BYTES = 3073;
/** Records in a full batch file. */
export const CIFAR10_RECORDS_PER_BATCH = 10000;
/** Size of a full batch file: 30,730,000 bytes. */
export const CIFAR10_BATCH_BYTES = CIFAR10_RECORD_BYTES * CIFAR10_RECORDS_PER_BATCH;
/** Training batch file names, data_batch_1.bin .. data_batch_5.bin. */
export const CIFAR10_TRAIN_FILES: readonly string[] = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
export const CIFAR10_TEST_FILE = "test_batch.bin";
export const CIFAR10_META_FILE = "batches.meta.txt";
/** Class names in label order (what batches.meta.txt holds). */
export const CIFAR10_CLASS_NAMES: readonly string[] = [
  "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
];
/** Environment variable naming the directory with the batch files. */
export const CIFAR10_ENV = "CIFAR10_DIR";
/** Where the data comes from (for messages). */
export const CIFAR10_HOMEPAGE = "https://www.cs.toronto.edu/~kriz/cifar.html";

/** The DLVR_DATASET form of the options for a cut-down folder, quoted in errors. */
const PARTIAL_ENV_EXAMPLE = "DLVR_DATASET='cifar10:<folder>?trainBatches=2&allowPartialBatches=1'";

/** How to get the data: appended to errors about a missing directory or files. */
export function cifar10Instructions(): string {
  return [
    "To use CIFAR-10:",
    `  1. Download the binary version, cifar-10-binary.tar.gz (about 162 MB), from ${CIFAR10_HOMEPAGE}`,
    "     (or run: npx tsx lib/data/cifar10-download.ts <directory>)",
    "  2. Unpack it: tar xzf cifar-10-binary.tar.gz   (creates cifar-10-batches-bin/)",
    "  3. Point the course at it: export DLVR_DATASET=cifar10:/absolute/path/to/cifar-10-batches-bin",
    `     (or the older ${CIFAR10_ENV}=/absolute/path/to/cifar-10-batches-bin),`,
    '     or pass it in code: loadDataset({ source: "cifar10", dir: "/absolute/path/to/cifar-10-batches-bin" })',
    'Without CIFAR-10 everything works on the built-in synthetic dataset (DLVR_DATASET=synthetic, loadDataset({ source: "synthetic" }))',
    "or on Fashion-MNIST from Debian (DLVR_DATASET=fashion-mnist).",
  ].join("\n");
}

/** Options for {@link loadCifar10}. */
export interface Cifar10Options {
  /** Directory with the batch files (or its parent holding cifar-10-batches-bin/). Default: $CIFAR10_DIR. */
  dir?: string;
  /** Which training batches to read: a count n (batches 1..n) or a list of batch numbers. Default 5 (all). */
  trainBatches?: number | readonly number[];
  /** Read at most this many training records (the first ones, in batch order). Default all. */
  numTrain?: number;
  /** Read at most this many test records. Default all (10000); 0 skips test_batch.bin. */
  numTest?: number;
  /**
   * Accept batch files with fewer than 10000 records (the count is derived from the file size, which must still be
   * a whole number of 3073-byte records). Default false: any other size than 30,730,000 bytes is an error.
   */
  allowPartialBatches?: boolean;
}

/** Images and labels read from one or more batch files. */
export interface Cifar10Split {
  /** N * 3072 bytes, [N, 3, 32, 32] channel-planar. */
  images: Uint8Array;
  /** N labels in 0..9. */
  labels: Int32Array;
}

/**
 * The directory to read from: `dir` if given, else $CIFAR10_DIR; if it holds no data_batch_1.bin but has a
 * cifar-10-batches-bin/ subdirectory, that one. Returns undefined when neither is set.
 */
export function resolveCifar10Dir(dir?: string): string | undefined {
  const d = dir ?? process.env[CIFAR10_ENV];
  if (d === undefined || d === "") return undefined;
  const abs = path.resolve(d);
  const nested = path.join(abs, "cifar-10-batches-bin");
  if (!fs.existsSync(path.join(abs, CIFAR10_TRAIN_FILES[0])) && !fs.existsSync(path.join(abs, CIFAR10_TEST_FILE))
    && fs.existsSync(nested)) {
    return nested;
  }
  return abs;
}

function formatBytes(n: number): string {
  return n.toLocaleString("en-US");
}

/**
 * Check a batch file's size and return how many records it holds. Throws a descriptive error when the file is
 * missing, empty, not a whole number of records, or (unless allowPartial) not exactly 10000 records.
 */
export function cifar10RecordCount(file: string, allowPartial = false): number {
  let size: number;
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) throw new Error(`CIFAR-10: ${file} is not a regular file`);
    size = st.size;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") {
      const fewer = path.basename(file).startsWith("data_batch_")
        ? `If the folder holds fewer training batches on purpose, read only those: { trainBatches: 2 } (batches 1..2) or a list `
          + `{ trainBatches: [1, 3] }, or through the environment ${PARTIAL_ENV_EXAMPLE}.\n`
        : "";
      throw new Error(
        `CIFAR-10: missing file ${file}.\nThe directory must hold ${CIFAR10_TRAIN_FILES.join(", ")} and ${CIFAR10_TEST_FILE} `
        + `from the *binary* version (not the Python or MATLAB one).\n${fewer}${cifar10Instructions()}`,
      );
    }
    throw e;
  }
  const name = path.basename(file);
  if (size === 0) throw new Error(`CIFAR-10: ${file} is empty (0 bytes). Re-download and unpack cifar-10-binary.tar.gz.`);
  if (size % CIFAR10_RECORD_BYTES !== 0) {
    const whole = Math.floor(size / CIFAR10_RECORD_BYTES);
    throw new Error(
      `CIFAR-10: ${name} has ${formatBytes(size)} bytes, which is not a multiple of the ${CIFAR10_RECORD_BYTES}-byte record size `
      + `(${whole} whole records + ${size - whole * CIFAR10_RECORD_BYTES} stray bytes). `
      + (size < CIFAR10_BATCH_BYTES
        ? `The file looks truncated (a full batch has ${formatBytes(CIFAR10_BATCH_BYTES)} bytes); re-download and unpack cifar-10-binary.tar.gz.`
        : "It is not a CIFAR-10 binary batch (CIFAR-100's binary files use 3074-byte records)."),
    );
  }
  const records = size / CIFAR10_RECORD_BYTES;
  if (records !== CIFAR10_RECORDS_PER_BATCH && !allowPartial) {
    throw new Error(
      `CIFAR-10: ${name} has the wrong size: ${formatBytes(size)} bytes = ${records} records, expected ${formatBytes(CIFAR10_BATCH_BYTES)} bytes `
      + `(${CIFAR10_RECORDS_PER_BATCH} records of ${CIFAR10_RECORD_BYTES} bytes). `
      + (records < CIFAR10_RECORDS_PER_BATCH
        ? "The file is truncated or cut down; re-download and unpack cifar-10-binary.tar.gz, or, if you made smaller batch files on purpose, "
          + `pass { allowPartialBatches: true } (environment: ${PARTIAL_ENV_EXAMPLE}).`
        : `It is not an original CIFAR-10 batch; pass { allowPartialBatches: true } to read it anyway (environment: ${PARTIAL_ENV_EXAMPLE}).`),
    );
  }
  return records;
}

/**
 * Read up to `maxRecords` records of one batch file into `images`/`labels` starting at record `at`.
 * Validates every label (0..9). Returns the number of records read.
 */
function readBatchInto(
  file: string, records: number, maxRecords: number, images: Uint8Array, labels: Int32Array, at: number,
): number {
  const n = Math.min(records, maxRecords);
  if (n <= 0) return 0;
  const fd = fs.openSync(file, "r");
  try {
    const chunkRecords = 1000;
    const buf = Buffer.allocUnsafe(chunkRecords * CIFAR10_RECORD_BYTES);
    for (let start = 0; start < n; start += chunkRecords) {
      const k = Math.min(chunkRecords, n - start);
      const want = k * CIFAR10_RECORD_BYTES;
      let got = 0;
      while (got < want) {
        const r = fs.readSync(fd, buf, got, want - got, start * CIFAR10_RECORD_BYTES + got);
        if (r === 0) throw new Error(`CIFAR-10: ${path.basename(file)} ended early (file changed while reading?)`);
        got += r;
      }
      for (let i = 0; i < k; i++) {
        const off = i * CIFAR10_RECORD_BYTES;
        const label = buf[off];
        if (label > 9) {
          const rec = start + i;
          throw new Error(
            `CIFAR-10: ${path.basename(file)} record ${rec} (byte offset ${formatBytes(rec * CIFAR10_RECORD_BYTES)}) has label ${label}; `
            + "CIFAR-10 labels are 0..9. The file is corrupt or not a CIFAR-10 binary batch (CIFAR-100 has 2 label bytes per record).",
          );
        }
        labels[at + start + i] = label;
        images.set(buf.subarray(off + 1, off + CIFAR10_RECORD_BYTES), (at + start + i) * 3072);
      }
    }
  } finally {
    fs.closeSync(fd);
  }
  return n;
}

/**
 * Read batch files (in order) into one split, stopping after `maxRecords` records.
 * All listed files are checked first (missing ones, then sizes), so a bad file is reported before any time is spent reading.
 */
export function readCifar10Batches(
  files: readonly string[], maxRecords = Infinity, allowPartial = false,
): Cifar10Split {
  // A missing file first: its error suggests trainBatches, the usual fix for a cut-down folder.
  const missing = files.find((f) => !fs.existsSync(f));
  if (missing !== undefined) cifar10RecordCount(missing, allowPartial);
  const counts = files.map((f) => cifar10RecordCount(f, allowPartial));
  const total = Math.min(counts.reduce((a, b) => a + b, 0), maxRecords);
  const images = new Uint8Array(total * 3072);
  const labels = new Int32Array(total);
  let at = 0;
  for (let i = 0; i < files.length && at < total; i++) at += readBatchInto(files[i], counts[i], total - at, images, labels, at);
  return { images, labels };
}

/** Class names from batches.meta.txt (one per line), or the standard names when the file is absent. */
export function readCifar10ClassNames(dir: string): string[] {
  const file = path.join(dir, CIFAR10_META_FILE);
  if (!fs.existsSync(file)) return CIFAR10_CLASS_NAMES.slice();
  const names = fs.readFileSync(file, "utf8").split(/\r?\n/).map((s) => s.trim()).filter((s) => s.length > 0);
  if (names.length !== 10) {
    throw new Error(`CIFAR-10: ${file} should list 10 class names, one per line; found ${names.length}`);
  }
  return names;
}

function checkLimit(name: string, v: number | undefined): number {
  if (v === undefined) return Infinity;
  if (!(Number.isInteger(v) && v >= 0)) throw new Error(`loadCifar10: ${name} must be a non-negative integer, got ${v}`);
  return v;
}

/**
 * Load CIFAR-10 from the binary batch files.
 *
 * Returns a {@link RawDataset}: trainImages [N_train, 3, 32, 32] bytes (N_train = 50000 with all five batches),
 * trainLabels N_train int32, testImages/testLabels likewise (10000), classNames from batches.meta.txt.
 * Throws an error that says what to do when the directory is missing or not set, a file is missing, a file has the
 * wrong size (truncated download), or a label is out of range.
 */
export function loadCifar10(options: Cifar10Options = {}): RawDataset {
  const dir = resolveCifar10Dir(options.dir);
  if (dir === undefined) {
    throw new Error(`CIFAR-10: no directory given: pass { dir } or set ${CIFAR10_ENV}.\n${cifar10Instructions()}`);
  }
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    const from = options.dir !== undefined ? "the dir option" : `$${CIFAR10_ENV}`;
    throw new Error(`CIFAR-10: directory not found: ${dir} (from ${from}).\n${cifar10Instructions()}`);
  }
  const tb = options.trainBatches ?? 5;
  const batchNumbers = typeof tb === "number" ? Array.from({ length: tb }, (_, i) => i + 1) : [...tb];
  for (const b of batchNumbers) {
    if (!Number.isInteger(b) || b < 1 || b > 5) throw new Error(`loadCifar10: training batches are numbered 1..5, got ${b}`);
  }
  const numTrain = checkLimit("numTrain", options.numTrain);
  const numTest = checkLimit("numTest", options.numTest);
  const allowPartial = options.allowPartialBatches ?? false;
  const train = readCifar10Batches(batchNumbers.map((b) => path.join(dir, `data_batch_${b}.bin`)), numTrain, allowPartial);
  const test = numTest === 0
    ? { images: new Uint8Array(0), labels: new Int32Array(0) }
    : readCifar10Batches([path.join(dir, CIFAR10_TEST_FILE)], numTest, allowPartial);
  return {
    trainImages: train.images,
    trainLabels: train.labels,
    testImages: test.images,
    testLabels: test.labels,
    classNames: readCifar10ClassNames(dir),
    source: "cifar10",
    description: `CIFAR-10 from ${dir}: ${train.labels.length} train (batches ${batchNumbers.join(",")}) + ${test.labels.length} test images, 10 classes, 3x32x32`,
  };
}
