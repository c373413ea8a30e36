import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { extractSubmission, SubmissionZipError, type ZipRejectReason } from "../grader/intake/unzip";
import { makeZip, type RawEntry } from "./fixtures/hostile/make-zip";

// Hostile zips are generated here, in a private temp dir; each case extracts into <tmp>/<case>/out and checks that
// nothing appeared next to it (<tmp>/<case>/) or anywhere else it aimed at.

let tmp: string;
let caseNo = 0;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "grader-unzip-test-"));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function writeCase(zip: Buffer | string): { zipPath: string; dir: string; out: string } {
  const dir = path.join(tmp, `case-${++caseNo}`);
  fs.mkdirSync(dir);
  const zipPath = path.join(dir, "submission.zip");
  fs.writeFileSync(zipPath, zip);
  return { zipPath, dir, out: path.join(dir, "out") };
}

/** Extracts and expects a rejection with `reason`; checks nothing was left behind, inside or outside. */
async function expectRejected(zip: Buffer | string, reason: ZipRejectReason | ZipRejectReason[], message?: RegExp): Promise<SubmissionZipError> {
  const { zipPath, dir, out } = writeCase(zip);
  let error: unknown;
  try {
    await extractSubmission(zipPath, out);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(SubmissionZipError);
  const err = error as SubmissionZipError;
  expect([reason].flat()).toContain(err.reason);
  if (message) expect(err.message).toMatch(message);
  expect(fs.readdirSync(dir)).toEqual(["submission.zip"]); // out/ removed, nothing written next to it
  return err;
}

const file = (name: string, text = `// ${name}\n`, extra: Partial<RawEntry> = {}): RawEntry => ({
  name, data: Buffer.from(text), mode: 0o100644, ...extra,
});

describe("extractSubmission: well-formed zips", () => {
  it("extracts files and directories, skips macOS metadata, reports what it skipped", async () => {
    const zip = makeZip([
      { name: "student_src/", mode: 0o040755 },
      file("student_src/hw1.ts", "export const x = 1;\n"),
      file("notebooks/hw1.ipynb", "{}"),
      { name: "empty/", mode: 0o040755 },
      file("__MACOSX/student_src/._hw1.ts", "junk"),
      file("student_src/.DS_Store", "junk"),
      { name: "README.md", data: Buffer.from("stored, no unix mode"), method: 0 },
    ]);
    const { zipPath, out } = writeCase(zip);
    const r = await extractSubmission(zipPath, out);
    expect(r.files).toEqual(["README.md", "notebooks/hw1.ipynb", "student_src/hw1.ts"]);
    expect(fs.readFileSync(path.join(out, "student_src/hw1.ts"), "utf8")).toBe("export const x = 1;\n");
    expect(fs.statSync(path.join(out, "empty")).isDirectory()).toBe(true);
    expect(r.problems.join("\n")).toMatch(/skipped 2 macOS metadata entries/);
    expect(r.problems.join("\n")).toMatch(/1 empty directory/);
  });

  it("refuses a destination that is not empty (a programming error, not a bad zip)", async () => {
    const { zipPath, out } = writeCase(makeZip([file("a.ts")]));
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, "keep.txt"), "x");
    await expect(extractSubmission(zipPath, out)).rejects.toThrow(/not empty/);
    expect(fs.readdirSync(out)).toEqual(["keep.txt"]);
  });
});

describe("extractSubmission: hostile zips", () => {
  it("zip slip with ../ is rejected and nothing lands outside", async () => {
    for (const name of ["../evil.txt", "student_src/../../evil.txt", "..\\evil.txt", "a/./b.txt", "a//b.txt"]) {
      const err = await expectRejected(makeZip([file("ok.ts"), file(name, "pwned")]), "unsafe-path");
      expect(err.entry).toBe(name.replace(/\\/g, "/"));
    }
    expect(fs.existsSync(path.join(tmp, "evil.txt"))).toBe(false);
  });

  it("absolute paths (Unix and drive letters) are rejected", async () => {
    const target = path.join(tmp, "abs-evil.txt");
    await expectRejected(makeZip([file(target, "pwned")]), "unsafe-path", /absolute path/);
    await expectRejected(makeZip([file("C:\\Windows\\evil.txt", "pwned")]), "unsafe-path", /drive letter/);
    expect(fs.existsSync(target)).toBe(false);
  });

  it("control characters in names are rejected", async () => {
    await expectRejected(makeZip([file("a\nb.ts")]), "unsafe-path", /control characters/);
  });

  it("a symlink entry is rejected, also when a later entry would write through it", async () => {
    const link: RawEntry = { name: "student_src", data: Buffer.from(tmp), mode: 0o120777, method: 0 };
    const err = await expectRejected(makeZip([link, file("student_src/hw1.ts", "pwned")]), "symlink", /symbolic link/);
    expect(err.entry).toBe("student_src");
    expect(fs.existsSync(path.join(tmp, "hw1.ts"))).toBe(false);
  });

  it("device, fifo and socket entries are rejected", async () => {
    await expectRejected(makeZip([{ name: "fifo", mode: 0o010644 }]), "special-file");
    await expectRejected(makeZip([{ name: "dev", mode: 0o020644 }]), "special-file");
  });

  it("duplicate paths (exact, case-only, file vs directory) are rejected", async () => {
    await expectRejected(makeZip([file("a.ts", "1"), file("a.ts", "2")]), "duplicate-path", /appears twice/);
    await expectRejected(makeZip([file("Hw1.ts"), file("hw1.ts")]), "duplicate-path", /differing only in case/);
    await expectRejected(makeZip([file("x"), file("x/y.ts")]), "duplicate-path", /which is a file/);
    await expectRejected(makeZip([file("x/y.ts"), file("x")]), "duplicate-path", /both a file and a directory/);
  });

  it("too deep and too long paths are rejected", async () => {
    await expectRejected(makeZip([file(`${"d/".repeat(11)}f.ts`)]), "too-deep", /12 levels deep/);
    await expectRejected(makeZip([file(`${"n".repeat(300)}.ts`)]), "path-too-long");
  });

  it("a zip bomb with honest headers is rejected before inflating (one big file, many files, overlapping entries)", async () => {
    const zeros = Buffer.alloc(60 * 1024 * 1024);
    await expectRejected(makeZip([file("big.bin", "", { data: zeros })]), "file-too-large", /60 MiB/);
    const eight = Buffer.alloc(8 * 1024 * 1024);
    await expectRejected(
      makeZip(Array.from({ length: 8 }, (_, i) => file(`part${i}.bin`, "", { data: eight }))), "too-large", /50 MiB/,
    );
    // Fifield-style non-recursive bomb: 100 central entries pointing at the same 1 MiB local file.
    const mib = Buffer.alloc(1024 * 1024, 7);
    const overlapping = [file("f0.bin", "", { data: mib }), ...Array.from({ length: 99 }, (_, i) => file(`f${i + 1}.bin`, "", { sameDataAs: 0 }))];
    const zip = makeZip(overlapping);
    expect(zip.length).toBeLessThan(20_000);
    await expectRejected(zip, "too-large");
  });

  it("a zip bomb whose headers lie about the size is stopped while inflating", async () => {
    const zeros = Buffer.alloc(60 * 1024 * 1024);
    const zip = makeZip([file("ok.ts"), file("small.txt", "", { data: zeros, declaredSize: 1000 })]);
    expect(zip.length).toBeLessThan(100_000);
    const err = await expectRejected(zip, ["corrupt", "too-large", "file-too-large"]);
    expect(err.message).toMatch(/small\.txt/);
  });

  it("the streaming count catches lies that stay under each header's own check", async () => {
    // 60 files each declaring (and really having) 1 MiB: caught by the declared total; with the declared total
    // lowered by the lie, the inflated-bytes counter or yauzl's size validation stops it.
    const mib = Buffer.alloc(1024 * 1024, 1);
    const zip = makeZip(Array.from({ length: 60 }, (_, i) => file(`f${i}.bin`, "", { data: mib, declaredSize: 10 })));
    await expectRejected(zip, ["corrupt", "too-large"]);
  });

  it("10,000 entries are rejected from the entry count, before reading them", async () => {
    const entries = Array.from({ length: 10_000 }, (_, i) => ({ name: `f${i}.txt`, method: 0 as const }));
    const t0 = Date.now();
    await expectRejected(makeZip(entries), "too-many-entries", /10000 entries/);
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it("encrypted entries and unknown compression methods are rejected", async () => {
    await expectRejected(makeZip([file("a.ts", "x", { encrypted: true, method: 8 })]), "encrypted", /encrypted/);
    await expectRejected(makeZip([file("a.ts", "x", { method: 12 })]), "unsupported", /compression method 12/);
  });

  it("corrupt and non-zip files are rejected, not crashed on", async () => {
    await expectRejected(Buffer.from("this is not a zip file at all"), "not-a-zip");
    await expectRejected(Buffer.alloc(0), "not-a-zip");
    const good = makeZip([file("a.ts"), file("b.ts")]);
    await expectRejected(good.subarray(0, good.length - 30), ["not-a-zip", "corrupt"]); // truncated directory
    const scrambled = Buffer.from(good);
    scrambled.fill(0xa5, 0, 40); // first local header destroyed, central directory intact
    await expectRejected(scrambled, "corrupt");
    await expectRejected(Buffer.concat([Buffer.from("PK\x05\x06"), Buffer.alloc(18, 0xff)]), ["not-a-zip", "corrupt"]);
  });

  it("a missing zip file is a rejection with a reason", async () => {
    const err = await extractSubmission(path.join(tmp, "nope.zip"), path.join(tmp, "nope-out")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SubmissionZipError);
    expect((err as SubmissionZipError).reason).toBe("not-a-zip");
  });
});
