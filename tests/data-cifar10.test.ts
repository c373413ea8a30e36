import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  CIFAR10_BATCH_BYTES, CIFAR10_CLASS_NAMES, chooseSource, cifar10RecordCount, downloadCifar10, loadCifar10, loadDataset,
} from "../lib/data";

/** A record whose label is `label` and whose pixels encode (batch, index, channel) so reads can be checked. */
function record(batch: number, index: number, label: number): Buffer {
  const r = Buffer.alloc(3073);
  r[0] = label;
  for (let c = 0; c < 3; c++) {
    r[1 + c * 1024] = batch; // first pixel of each plane: batch number
    r[2 + c * 1024] = index; // second pixel: index within the batch
    r[3 + c * 1024] = c; // third pixel: channel
    r[1 + c * 1024 + 1023] = 200 + c; // last pixel of each plane
  }
  return r;
}

function writeBatch(dir: string, name: string, batch: number, n: number, labelOf = (i: number) => (i + batch) % 10): void {
  fs.writeFileSync(path.join(dir, name), Buffer.concat(Array.from({ length: n }, (_, i) => record(batch, i, labelOf(i)))));
}

/** Small dataset in the real format: `n` records per training batch, `nTest` in the test batch. */
function writeSmallCifar(dir: string, n = 4, nTest = 3, meta = true): void {
  fs.mkdirSync(dir, { recursive: true });
  for (let b = 1; b <= 5; b++) writeBatch(dir, `data_batch_${b}.bin`, b, n);
  writeBatch(dir, "test_batch.bin", 9, nTest);
  if (meta) fs.writeFileSync(path.join(dir, "batches.meta.txt"), `${CIFAR10_CLASS_NAMES.map((c) => c.toUpperCase()).join("\n")}\n\n`);
}

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cifar-test-"));
});
afterEach(() => {
  vi.unstubAllEnvs();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("loadCifar10 on small files in the binary format", () => {
  it("reads records in batch order with labels, planes and class names", () => {
    writeSmallCifar(tmp);
    const ds = loadCifar10({ dir: tmp, allowPartialBatches: true });
    expect(ds.source).toBe("cifar10");
    expect(ds.trainLabels.length).toBe(20);
    expect(ds.trainImages.length).toBe(20 * 3072);
    expect(ds.testLabels.length).toBe(3);
    expect(ds.classNames).toEqual(CIFAR10_CLASS_NAMES.map((c) => c.toUpperCase()));
    for (let k = 0; k < 20; k++) {
      const b = Math.floor(k / 4) + 1, i = k % 4;
      expect(ds.trainLabels[k]).toBe((i + b) % 10);
      const img = ds.trainImages.subarray(k * 3072, (k + 1) * 3072);
      for (let c = 0; c < 3; c++) {
        expect([img[c * 1024], img[c * 1024 + 1], img[c * 1024 + 2], img[c * 1024 + 1023]]).toEqual([b, i, c, 200 + c]);
      }
    }
    expect(ds.testImages[0]).toBe(9);
    expect(Array.from(ds.testLabels)).toEqual([9, 0, 1]);
  });

  it("loads fewer batches, a subset of records, and no test set", () => {
    writeSmallCifar(tmp);
    const two = loadCifar10({ dir: tmp, allowPartialBatches: true, trainBatches: 2 });
    expect(two.trainLabels.length).toBe(8);
    const picked = loadCifar10({ dir: tmp, allowPartialBatches: true, trainBatches: [5, 3] });
    expect(picked.trainImages[0]).toBe(5);
    expect(picked.trainImages[4 * 3072]).toBe(3);
    const sub = loadCifar10({ dir: tmp, allowPartialBatches: true, numTrain: 6, numTest: 0 });
    expect(sub.trainLabels.length).toBe(6);
    expect(sub.trainImages[5 * 3072]).toBe(2); // record 6 is batch 2, index 1
    expect(sub.trainImages[5 * 3072 + 1]).toBe(1);
    expect(sub.testLabels.length).toBe(0);
    expect(() => loadCifar10({ dir: tmp, allowPartialBatches: true, trainBatches: [6] })).toThrow(/1\.\.5/);
  });

  it("falls back to the standard class names without batches.meta.txt and finds a nested cifar-10-batches-bin", () => {
    writeSmallCifar(path.join(tmp, "cifar-10-batches-bin"), 2, 2, false);
    const ds = loadCifar10({ dir: tmp, allowPartialBatches: true });
    expect(ds.classNames).toEqual(CIFAR10_CLASS_NAMES);
    expect(ds.description).toContain("cifar-10-batches-bin");
  });

  it("accepts full-size batches by default", () => {
    const full = Buffer.alloc(CIFAR10_BATCH_BYTES);
    for (let i = 0; i < 10000; i++) full[i * 3073] = i % 10;
    full[9999 * 3073 + 3072] = 77; // last blue pixel of the last record
    for (const name of ["data_batch_1.bin", "test_batch.bin"]) fs.writeFileSync(path.join(tmp, name), full);
    const ds = loadCifar10({ dir: tmp, trainBatches: 1 });
    expect(ds.trainLabels.length).toBe(10000);
    expect(ds.trainLabels[1234]).toBe(4);
    expect(ds.trainImages[10000 * 3072 - 1]).toBe(77);
    expect(ds.testLabels.length).toBe(10000);
  });
});

describe("loadCifar10 errors say what is wrong and what to do", () => {
  it("missing directory: names it, where to get the data and how to point at it", () => {
    const dir = path.join(tmp, "nope");
    let msg = "";
    try {
      loadCifar10({ dir });
    } catch (e) {
      msg = (e as Error).message;
    }
    expect(msg).toContain(dir);
    expect(msg).toContain("cifar-10-binary.tar.gz");
    expect(msg).toContain("https://www.cs.toronto.edu/~kriz/cifar.html");
    expect(msg).toContain("DLVR_DATASET=cifar10:");
    expect(msg).toContain("CIFAR10_DIR");
    expect(msg).toMatch(/source: "synthetic"/);
  });

  it("no directory at all (no option, no CIFAR10_DIR)", () => {
    vi.stubEnv("CIFAR10_DIR", "");
    expect(() => loadCifar10()).toThrow(/no directory given[\s\S]*CIFAR10_DIR/);
  });

  it("CIFAR10_DIR pointing nowhere is reported as coming from the variable", () => {
    vi.stubEnv("CIFAR10_DIR", path.join(tmp, "missing"));
    expect(() => loadCifar10()).toThrow(/directory not found: .*missing \(from \$CIFAR10_DIR\)/);
  });

  it("missing file", () => {
    writeSmallCifar(tmp);
    fs.rmSync(path.join(tmp, "data_batch_3.bin"));
    expect(() => loadCifar10({ dir: tmp, allowPartialBatches: true })).toThrow(/missing file .*data_batch_3\.bin[\s\S]*binary/);
  });

  it("truncated file (not a whole number of records)", () => {
    writeSmallCifar(tmp);
    const f = path.join(tmp, "data_batch_2.bin");
    fs.truncateSync(f, 4 * 3073 - 100);
    expect(() => loadCifar10({ dir: tmp, allowPartialBatches: true })).toThrow(
      /data_batch_2\.bin has 12,192 bytes, which is not a multiple of the 3073-byte record size \(3 whole records \+ 2973 stray bytes\)[\s\S]*truncated/,
    );
  });

  it("wrong size (whole records, but not 10000) is an error unless partial batches are allowed", () => {
    writeSmallCifar(tmp);
    expect(() => loadCifar10({ dir: tmp })).toThrow(
      /data_batch_1\.bin has the wrong size: 12,292 bytes = 4 records, expected 30,730,000 bytes[\s\S]*allowPartialBatches/,
    );
    expect(cifar10RecordCount(path.join(tmp, "data_batch_1.bin"), true)).toBe(4);
  });

  it("larger files of another record size (CIFAR-100 uses 3074 bytes)", () => {
    fs.writeFileSync(path.join(tmp, "data_batch_1.bin"), Buffer.alloc(3074 * 10001));
    expect(() => cifar10RecordCount(path.join(tmp, "data_batch_1.bin"))).toThrow(/not a multiple[\s\S]*CIFAR-100/);
  });

  it("empty file", () => {
    fs.writeFileSync(path.join(tmp, "x.bin"), "");
    expect(() => cifar10RecordCount(path.join(tmp, "x.bin"))).toThrow(/empty/);
  });

  it("label > 9 names the file, record and label", () => {
    writeSmallCifar(tmp);
    writeBatch(tmp, "data_batch_4.bin", 4, 4, (i) => (i === 2 ? 12 : 1));
    expect(() => loadCifar10({ dir: tmp, allowPartialBatches: true })).toThrow(/data_batch_4\.bin record 2 \(byte offset 6,146\) has label 12; CIFAR-10 labels are 0\.\.9/);
  });

  it("a bad meta file", () => {
    writeSmallCifar(tmp);
    fs.writeFileSync(path.join(tmp, "batches.meta.txt"), "cat\ndog\n");
    expect(() => loadCifar10({ dir: tmp, allowPartialBatches: true })).toThrow(/10 class names.*found 2/);
  });
});

describe("a cut-down CIFAR-10 folder (data_batch_1: 8000 records, data_batch_2: 1000, test_batch: 1000)", () => {
  const spec = (dir: string, query = "") => `cifar10:${dir}${query}`;
  beforeEach(() => {
    vi.stubEnv("CIFAR10_DIR", "");
    writeBatch(tmp, "data_batch_1.bin", 1, 8000);
    writeBatch(tmp, "data_batch_2.bin", 2, 1000);
    writeBatch(tmp, "test_batch.bin", 9, 1000);
  });
  const messageOf = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error("expected an error");
  };

  it("loads with trainBatches and allowPartialBatches, given in code or through DLVR_DATASET", () => {
    const inCode = loadCifar10({ dir: tmp, trainBatches: 2, allowPartialBatches: true });
    expect([inCode.trainLabels.length, inCode.testLabels.length]).toEqual([9000, 1000]);
    vi.stubEnv("DLVR_DATASET", spec(tmp, "?trainBatches=2&allowPartialBatches=1"));
    const fromEnv = loadDataset();
    expect(fromEnv.source).toBe("cifar10");
    expect([fromEnv.trainLabels.length, fromEnv.testLabels.length]).toEqual([9000, 1000]);
    expect(fromEnv.trainImages.subarray(8000 * 3072, 8001 * 3072)).toEqual(inCode.trainImages.subarray(8000 * 3072, 8001 * 3072));
    expect(fromEnv.spec).toBe(spec(tmp, "?trainBatches=2&allowPartialBatches=1"));
    expect(fromEnv.description).toMatch(/^dataset "cifar10:.*\?trainBatches=2&allowPartialBatches=1" \(from DLVR_DATASET\): CIFAR-10 from .*9000 train \(batches 1,2\) \+ 1000 test/);
    vi.stubEnv("DLVR_DATASET", spec(tmp, "?trainBatches=1,2&allowPartialBatches=yes&numTrain=8500"));
    expect(loadDataset().trainLabels.length).toBe(8500);
  });

  it("without trainBatches: the missing data_batch_3.bin error names trainBatches and the DLVR_DATASET form", () => {
    vi.stubEnv("DLVR_DATASET", spec(tmp));
    const msg = messageOf(() => loadDataset());
    expect(msg).toContain(`missing file ${path.join(tmp, "data_batch_3.bin")}`);
    expect(msg).toContain("{ trainBatches: 2 }");
    expect(msg).toContain("DLVR_DATASET='cifar10:<folder>?trainBatches=2&allowPartialBatches=1'");
  });

  it("without allowPartialBatches: the size error names allowPartialBatches and the DLVR_DATASET form", () => {
    vi.stubEnv("DLVR_DATASET", spec(tmp, "?trainBatches=2"));
    const msg = messageOf(() => loadDataset());
    expect(msg).toMatch(/data_batch_1\.bin has the wrong size: 24,584,000 bytes = 8000 records/);
    expect(msg).toContain("{ allowPartialBatches: true }");
    expect(msg).toContain("?trainBatches=2&allowPartialBatches=1");
    // The missing-test-batch error does not suggest trainBatches.
    fs.rmSync(path.join(tmp, "test_batch.bin"));
    expect(messageOf(() => loadCifar10({ dir: tmp, trainBatches: 2, allowPartialBatches: true }))).not.toContain("trainBatches");
  });
});

describe("loadDataset picks the source", () => {
  it("synthetic by default, CIFAR-10 when CIFAR10_DIR is set, unless source is forced", () => {
    vi.stubEnv("CIFAR10_DIR", "");
    vi.stubEnv("DLVR_DATASET", "");
    expect(chooseSource()).toBe("synthetic");
    expect(loadDataset({ numTrain: 20, numTest: 10 }).source).toBe("synthetic");
    writeSmallCifar(tmp);
    vi.stubEnv("CIFAR10_DIR", tmp);
    expect(chooseSource()).toBe("cifar10");
    const ds = loadDataset({ allowPartialBatches: true });
    expect(ds.source).toBe("cifar10");
    expect(ds.trainLabels.length).toBe(20);
    expect(ds.description).toMatch(/^dataset "cifar10:.*" \(from CIFAR10_DIR\): /);
    expect(loadDataset({ source: "synthetic", numTrain: 20, numTest: 10 }).source).toBe("synthetic");
    expect(loadDataset({ source: "default", numTrain: 20, numTest: 10 }).source).toBe("synthetic"); // the old name
    // DLVR_DATASET wins over CIFAR10_DIR; an explicit source wins over both.
    vi.stubEnv("DLVR_DATASET", "synthetic?numTrain=30&numTest=5");
    expect(chooseSource()).toBe("synthetic");
    expect(loadDataset().trainLabels.length).toBe(30);
    expect(loadDataset({ source: "cifar10", allowPartialBatches: true }).trainLabels.length).toBe(20);
  });

  it("source cifar10 without data explains how to get it", () => {
    vi.stubEnv("CIFAR10_DIR", "");
    expect(() => loadDataset({ source: "cifar10" })).toThrow(/cifar-10-binary\.tar\.gz/);
  });
});

describe("downloadCifar10 (no network: fake fetch)", () => {
  const hasTar = spawnSync("tar", ["--version"]).status === 0;

  it.skipIf(!hasTar)("downloads, checks the MD5 and unpacks; then finds the files already there", async () => {
    // A real-format archive: six full-size batches of zeros compress to a few hundred KB.
    const src = path.join(tmp, "src");
    const bin = path.join(src, "cifar-10-batches-bin");
    fs.mkdirSync(bin, { recursive: true });
    const zeros = Buffer.alloc(CIFAR10_BATCH_BYTES);
    for (const f of ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin"]) {
      fs.writeFileSync(path.join(bin, f), zeros);
    }
    fs.writeFileSync(path.join(bin, "batches.meta.txt"), CIFAR10_CLASS_NAMES.join("\n"));
    const archive = path.join(tmp, "a.tar.gz");
    expect(spawnSync("tar", ["-czf", archive, "-C", src, "cifar-10-batches-bin"]).status).toBe(0);
    fs.rmSync(src, { recursive: true });
    const bytes = fs.readFileSync(archive);
    const md5 = createHash("md5").update(bytes).digest("hex");
    const progress: number[] = [];
    const fakeFetch = async () => new Response(new Blob([bytes]).stream(), { headers: { "content-length": String(bytes.length) } });

    const dest = path.join(tmp, "data");
    const dir = await downloadCifar10(dest, { fetch: fakeFetch, md5, verbose: false, onProgress: (r) => progress.push(r) });
    expect(dir).toBe(path.join(dest, "cifar-10-batches-bin"));
    expect(progress[progress.length - 1]).toBe(bytes.length);
    expect(fs.existsSync(path.join(dest, "cifar-10-binary.tar.gz"))).toBe(false);
    const ds = loadCifar10({ dir, trainBatches: 1, numTest: 5 });
    expect(ds.trainLabels.length).toBe(10000);

    const neverFetch = async (): Promise<Response> => { throw new Error("should not download again"); };
    expect(await downloadCifar10(dest, { fetch: neverFetch, verbose: false })).toBe(dir);
  });

  it("rejects an archive with the wrong MD5", async () => {
    const fakeFetch = async () => new Response("not the archive");
    await expect(downloadCifar10(path.join(tmp, "d"), { fetch: fakeFetch, verbose: false })).rejects.toThrow(
      /MD5 [0-9a-f]{32}, expected c32a1d4ab5d03f1284b67883e8d87530[\s\S]*tar xzf/,
    );
    expect(fs.readdirSync(path.join(tmp, "d"))).toEqual([]);
  });

  it("offline: a clear message with the manual steps", async () => {
    const offline = async (): Promise<Response> => {
      throw new TypeError("fetch failed", { cause: { code: "ENOTFOUND" } });
    };
    await expect(downloadCifar10(path.join(tmp, "d"), { fetch: offline, verbose: false })).rejects.toThrow(
      /Could not reach .*cifar-10-binary\.tar\.gz \(ENOTFOUND\): this machine seems to be offline[\s\S]*by hand[\s\S]*CIFAR10_DIR=/,
    );
  });

  it("HTTP errors", async () => {
    const notFound = async () => new Response("x", { status: 404, statusText: "Not Found" });
    await expect(downloadCifar10(path.join(tmp, "d"), { fetch: notFound, verbose: false })).rejects.toThrow(/HTTP 404 Not Found/);
  });
});
