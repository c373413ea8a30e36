// IDX parsing and the Fashion-MNIST loader on small files this test writes (plain and gzipped), the real files from
// Debian's dataset-fashion-mnist (scripts/setup.sh installs it), and DLVR_DATASET parsing.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  FASHION_MNIST_CLASS_NAMES, FASHION_MNIST_DEBIAN_DIR, datasetHeading, formatDatasetSpec, loadDataset, loadFashionMnist,
  parseDatasetSpec, parseIdx, preprocess, readIdxFile,
} from "../lib/data";
import { datasetsNamedIn } from "../lib/course/submission";

/** IDX bytes: magic (0x0801 or 0x0803), big-endian dims, then `data`. */
function idx(dims: number[], data: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(dims.length === 3 ? 0x803 : 0x801, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(data)]);
}

/** n 28x28 images whose pixel (y, x) is (i * 7 + y * 28 + x) mod 256, labels (i * 3) mod 10. */
function images(n: number): Uint8Array {
  const out = new Uint8Array(n * 784);
  for (let i = 0; i < n; i++) for (let p = 0; p < 784; p++) out[i * 784 + p] = (i * 7 + p) % 256;
  return out;
}
const labels = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 3) % 10);

/** A Fashion-MNIST folder with `nTrain` + `nTest` images; gzipped like the originals unless `gzip` is false. */
function writeFolder(dir: string, nTrain: number, nTest: number, gzip = true): void {
  fs.mkdirSync(dir, { recursive: true });
  const put = (stem: string, bytes: Buffer) => fs.writeFileSync(path.join(dir, gzip ? `${stem}.gz` : stem), gzip ? zlib.gzipSync(bytes) : bytes);
  put("train-images-idx3-ubyte", idx([nTrain, 28, 28], images(nTrain)));
  put("train-labels-idx1-ubyte", idx([nTrain], labels(nTrain)));
  put("t10k-images-idx3-ubyte", idx([nTest, 28, 28], images(nTest)));
  put("t10k-labels-idx1-ubyte", idx([nTest], labels(nTest)));
}

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "fmnist-test-"));
});
afterEach(() => {
  vi.unstubAllEnvs();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("IDX parsing", () => {
  it("valid image and label files, plain and gzipped", () => {
    const img = parseIdx(idx([3, 28, 28], images(3)), 3);
    expect(img.dims).toEqual([3, 28, 28]);
    expect(img.data).toEqual(images(3));
    const lbl = parseIdx(idx([5], labels(5)), 1);
    expect(lbl.dims).toEqual([5]);
    expect([...lbl.data]).toEqual([0, 3, 6, 9, 2]);
    const file = path.join(tmp, "x-labels-idx1-ubyte.gz");
    fs.writeFileSync(file, zlib.gzipSync(idx([5], labels(5))));
    expect([...readIdxFile(file, 1).data]).toEqual([0, 3, 6, 9, 2]);
  });

  it("truncated data: says how many images the header announces and how many are complete", () => {
    const cut = idx([3, 28, 28], images(3)).subarray(0, 16 + 2 * 784 + 100);
    expect(() => parseIdx(cut, 3, "train-images")).toThrow(
      "train-images: truncated: the header announces 3x28x28 = 2,352 bytes of images, but only 1,668 follow (2 of 3 images complete).",
    );
    expect(() => parseIdx(idx([3, 28, 28], images(3)).subarray(0, 10), 3, "h")).toThrow(/h: truncated: 10 bytes, but the IDX header alone needs 16/);
    expect(() => parseIdx(new Uint8Array(2), 1, "e")).toThrow(/e: only 2 bytes, too short for an IDX header/);
  });

  it("a cut-off gzip file is reported as such, with the file name", () => {
    const gz = zlib.gzipSync(idx([50, 28, 28], images(50)));
    const file = path.join(tmp, "train-images-idx3-ubyte.gz");
    fs.writeFileSync(file, gz.subarray(0, gz.length >> 1));
    expect(() => readIdxFile(file, 3)).toThrow(/train-images-idx3-ubyte\.gz: cannot decompress \(.*\): the gzip file is truncated or corrupt/);
  });

  it("wrong magic: swapped files are named as such, anything else as not IDX", () => {
    expect(() => parseIdx(idx([5], labels(5)), 3, "t10k-images")).toThrow(
      /t10k-images: wrong magic number: expected an IDX image file \(magic 0x00000803\) holding images, found an IDX label file \(magic 0x00000801\)\. The image and label files seem to be swapped/,
    );
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]);
    expect(() => parseIdx(png, 1, "l")).toThrow(/found magic 0x89504e47, which is not IDX unsigned-byte data\. The file is corrupt or not an MNIST-style IDX file/);
  });

  it("extra bytes after the data are an error too", () => {
    expect(() => parseIdx(Buffer.concat([idx([2], labels(2)), Buffer.from([1])]), 1, "l")).toThrow(/l: 1 bytes after the 2 labels/);
  });
});

describe("loadFashionMnist on small files", () => {
  it("pads 28x28 to 32x32 with a black border and copies gray to all three channels", () => {
    writeFolder(tmp, 6, 4);
    const ds = loadFashionMnist({ dir: tmp });
    expect(ds.source).toBe("fashion-mnist");
    expect(ds.classNames).toEqual(FASHION_MNIST_CLASS_NAMES);
    expect([ds.trainLabels.length, ds.testLabels.length, ds.trainImages.length, ds.testImages.length]).toEqual([6, 4, 6 * 3072, 4 * 3072]);
    expect([...ds.trainLabels]).toEqual([...labels(6)]);
    const src = images(6);
    for (const i of [0, 5]) {
      for (let c = 0; c < 3; c++) {
        for (let y = 0; y < 32; y++) {
          for (let x = 0; x < 32; x++) {
            const inside = y >= 2 && y < 30 && x >= 2 && x < 30;
            const want = inside ? src[i * 784 + (y - 2) * 28 + (x - 2)] : 0;
            if (ds.trainImages[i * 3072 + c * 1024 + y * 32 + x] !== want) throw new Error(`image ${i} channel ${c} pixel (${y}, ${x})`);
          }
        }
      }
    }
    expect(ds.description).toContain("28x28 grayscale padded to 32x32 and copied to 3 channels");
    // Uncompressed files work too; numTrain/numTest keep the first images.
    const plain = path.join(tmp, "plain");
    writeFolder(plain, 6, 4, false);
    const few = loadFashionMnist({ dir: plain, numTrain: 3, numTest: 0 });
    expect([few.trainLabels.length, few.testLabels.length]).toEqual([3, 0]);
    expect(few.trainImages).toEqual(ds.trainImages.subarray(0, 3 * 3072));
  });

  it("missing package or folder: names the file and says to install dataset-fashion-mnist", () => {
    const dir = path.join(tmp, "nowhere");
    expect(() => loadFashionMnist({ dir })).toThrow(
      new RegExp(`Fashion-MNIST: folder not found: ${dir}\\.[\\s\\S]*sudo apt-get install dataset-fashion-mnist[\\s\\S]*DLVR_SKIP_FASHION_MNIST[\\s\\S]*DLVR_DATASET=fashion-mnist:<folder>`),
    );
    writeFolder(tmp, 2, 2);
    fs.rmSync(path.join(tmp, "t10k-labels-idx1-ubyte.gz"));
    expect(() => loadFashionMnist({ dir: tmp })).toThrow(`Fashion-MNIST: missing file ${path.join(tmp, "t10k-labels-idx1-ubyte.gz")}.`);
  });

  it("label and image counts that differ, and labels out of range", () => {
    writeFolder(tmp, 5, 2);
    fs.writeFileSync(path.join(tmp, "train-labels-idx1-ubyte.gz"), zlib.gzipSync(idx([4], labels(4))));
    expect(() => loadFashionMnist({ dir: tmp })).toThrow(
      "Fashion-MNIST: train-labels-idx1-ubyte.gz holds 4 labels but train-images-idx3-ubyte.gz holds 5 images",
    );
    fs.writeFileSync(path.join(tmp, "train-labels-idx1-ubyte.gz"), zlib.gzipSync(idx([5], Uint8Array.from([1, 2, 11, 3, 4]))));
    expect(() => loadFashionMnist({ dir: tmp })).toThrow("train-labels-idx1-ubyte.gz label 2 is 11; Fashion-MNIST labels are 0..9");
  });

  it("DLVR_DATASET=fashion-mnist:<folder> reaches a bare loadDataset(), and the heading names it", () => {
    writeFolder(tmp, 6, 4);
    vi.stubEnv("DLVR_DATASET", `fashion-mnist:${tmp}?numTrain=5`);
    const ds = loadDataset();
    expect(ds.source).toBe("fashion-mnist");
    expect(ds.trainLabels.length).toBe(5);
    expect(ds.spec).toBe(`fashion-mnist:${tmp}?numTrain=5`);
    expect(ds.description.startsWith(`dataset "fashion-mnist:${tmp}?numTrain=5" (from DLVR_DATASET): Fashion-MNIST from ${tmp}`)).toBe(true);
    // lib/course reads the heading back from notebook outputs (for submission.json), quotes and all.
    expect(datasetsNamedIn(`matmul backend: native\n${ds.description}\nX_train [4, 3073]\n`)).toEqual([ds.spec]);
    const odd = 'fashion-mnist:/data/my "fm" dir';
    expect(datasetsNamedIn(`${datasetHeading(odd, "x")}...\n${datasetHeading("synthetic", "y")}\n${datasetHeading(odd, "z")}`)).toEqual([odd, "synthetic"]);
    // An explicit source wins over the variable (the grader and tests rely on it).
    expect(loadDataset({ source: "synthetic", numTrain: 10, numTest: 0 }).source).toBe("synthetic");
  });
});

describe("Debian's Fashion-MNIST (dataset-fashion-mnist)", () => {
  it("70,000 images in 10 balanced classes, with a black border and equal channels", () => {
    const ds = loadFashionMnist();
    expect(ds.description).toContain(`from ${FASHION_MNIST_DEBIAN_DIR}: 60000 train + 10000 test images`);
    expect([ds.trainLabels.length, ds.testLabels.length]).toEqual([60000, 10000]);
    const counts = new Array<number>(10).fill(0);
    for (const l of ds.trainLabels) counts[l]++;
    expect(counts).toEqual(new Array<number>(10).fill(6000));
    let border = 0, channelDiff = 0;
    for (let i = 0; i < 100; i++) {
      const img = ds.trainImages.subarray(i * 3072, (i + 1) * 3072);
      for (let p = 0; p < 1024; p++) {
        const y = p >> 5, x = p & 31;
        if (y < 2 || y >= 30 || x < 2 || x >= 30) border += img[p];
        channelDiff += Math.abs(img[p] - img[1024 + p]) + Math.abs(img[p] - img[2048 + p]);
      }
    }
    expect([border, channelDiff]).toEqual([0, 0]);
    // What the notebooks do next (on a subset: the full float64 matrices take 1.7 GB).
    const data = preprocess(loadFashionMnist({ numTrain: 1000, numTest: 200 }), { biasTrick: true, validation: { start: 0, end: 100 } });
    expect([data.X_train.shape, data.X_val.shape, data.X_test.shape]).toEqual([[900, 3073], [100, 3073], [200, 3073]]);
  });
});

describe("DLVR_DATASET syntax", () => {
  it("parses names, folders and options, and formats them back", () => {
    expect(parseDatasetSpec("synthetic")).toEqual({ source: "synthetic" });
    expect(parseDatasetSpec(" Fashion-MNIST ")).toEqual({ source: "fashion-mnist" });
    expect(parseDatasetSpec("cifar10:/data/c10?trainBatches=2&allowPartialBatches=1")).toEqual({
      source: "cifar10", dir: "/data/c10", trainBatches: 2, allowPartialBatches: true,
    });
    expect(parseDatasetSpec("cifar10:/d?trainBatches=1,3&allowPartialBatches=false&numTest=100").trainBatches).toEqual([1, 3]);
    expect(parseDatasetSpec("synthetic?seed=a%26b&numTrain=300")).toEqual({ source: "synthetic", seed: "a&b", numTrain: 300 });
    for (const text of ["synthetic?seed=a%26b&numTrain=300", "cifar10:/d?trainBatches=1,3&allowPartialBatches=0&numTest=100", "fashion-mnist:/x y?numTrain=7"]) {
      expect(formatDatasetSpec(parseDatasetSpec(text))).toBe(text);
    }
  });

  it("errors name the variable, the bad part and what is allowed", () => {
    expect(() => parseDatasetSpec("mnist")).toThrow(/DLVR_DATASET="mnist": unknown dataset "mnist"\. DLVR_DATASET must look like synthetic, fashion-mnist\[:<folder>\] or cifar10:<folder>/);
    expect(() => parseDatasetSpec("fashion-mnist?trainBatches=2")).toThrow(/unknown option "trainBatches" for fashion-mnist; it takes numTrain, numTest/);
    expect(() => parseDatasetSpec("cifar10:/d?trainBatches=6")).toThrow(/trainBatches are numbered 1\.\.5, got 6/);
    expect(() => parseDatasetSpec("cifar10:/d?allowPartialBatches=maybe")).toThrow(/allowPartialBatches must be 1 or 0/);
    expect(() => parseDatasetSpec("synthetic?numTrain=-3")).toThrow(/numTrain must be a non-negative integer, got "-3"/);
    expect(() => parseDatasetSpec("synthetic:/tmp")).toThrow(/the synthetic dataset has no folder/);
    vi.stubEnv("DLVR_DATASET", "imagenet");
    expect(() => loadDataset()).toThrow(/DLVR_DATASET="imagenet": unknown dataset/);
  });
});
