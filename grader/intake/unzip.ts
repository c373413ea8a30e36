import * as fs from "node:fs";
import * as path from "node:path";
import { Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import * as yauzl from "yauzl";

/**
 * Unpacks one student submission zip, treating it as hostile.
 *
 *   const { files, problems } = await extractSubmission("alice.zip", "/tmp/grade-xyz/alice");
 *
 * Caps (see DEFAULT_ZIP_CAPS) are checked before anything is written where the zip says enough (entry count,
 * declared sizes, names), and again while streaming: uncompressed bytes are counted as they are inflated, so a
 * header that lies about sizes cannot get past the total. A zip that breaks a rule is rejected as a whole with a
 * SubmissionZipError whose `reason` says which rule; whatever had been written under destDir is removed again.
 * Nothing is ever written outside destDir: names are validated (no absolute paths, drive letters, `..`, `.`, empty
 * or control-character segments), symlinks and other special entries are refused, and files are created with
 * O_EXCL inside directories this function created itself.
 *
 * `problems` lists harmless oddities that were skipped (macOS metadata, empty directories).
 */

export interface ZipCaps {
  /** Size of the zip file itself (bytes). */
  maxZipBytes: number;
  /** Number of entries in the central directory, directories included. */
  maxEntries: number;
  /** Uncompressed bytes of all files together, counted while inflating. */
  maxTotalBytes: number;
  /** Uncompressed bytes of any one file. */
  maxFileBytes: number;
  /** Path segments of an entry, file name included ("a/b/c.ts" has 3). */
  maxDepth: number;
  /** Characters of an entry's whole path. */
  maxPathLength: number;
}

export const DEFAULT_ZIP_CAPS: Readonly<ZipCaps> = Object.freeze({
  maxZipBytes: 50 * 1024 * 1024,
  maxEntries: 5000,
  maxTotalBytes: 50 * 1024 * 1024,
  maxFileBytes: 10 * 1024 * 1024,
  maxDepth: 10,
  maxPathLength: 400,
});

export type ZipRejectReason =
  | "not-a-zip" // unreadable, not a zip at all
  | "corrupt" // a zip whose structure is broken (bad headers, CRC mismatch, sizes that lie)
  | "zip-too-large" // the zip file itself is over maxZipBytes
  | "too-many-entries"
  | "too-large" // total uncompressed bytes over maxTotalBytes (a zip bomb)
  | "file-too-large" // one file over maxFileBytes
  | "unsafe-path" // absolute, `..`, drive letter, backslash, control characters, empty or `.` segments
  | "too-deep"
  | "path-too-long"
  | "symlink"
  | "special-file" // device, fifo, socket
  | "duplicate-path" // the same path twice (also case-insensitively), or a path both file and directory
  | "encrypted"
  | "unsupported"; // compression method other than stored/deflate

export class SubmissionZipError extends Error {
  override readonly name = "SubmissionZipError";
  constructor(
    readonly reason: ZipRejectReason,
    message: string,
    /** The offending entry's name, when the problem is about one entry. */
    readonly entry?: string,
  ) {
    super(message);
  }
}

export interface ExtractResult {
  /** Files written, as `/`-separated paths relative to destDir, sorted. */
  files: string[];
  /** Harmless things that were skipped, one sentence each. */
  problems: string[];
}

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

/** Entries from macOS's archiver that are not part of the submission. */
function isJunk(name: string): boolean {
  const base = name.replace(/\/$/, "").split("/").pop() ?? "";
  return name === "__MACOSX/" || name.startsWith("__MACOSX/") || base === ".DS_Store" || base.startsWith("._");
}

/**
 * Extracts `zipPath` into `destDir` (created if missing; must be empty if it exists).
 * Throws SubmissionZipError for a rejected zip (destDir is left empty, or removed if this call created it).
 */
export async function extractSubmission(zipPath: string, destDir: string, caps?: Partial<ZipCaps>): Promise<ExtractResult> {
  const c: ZipCaps = { ...DEFAULT_ZIP_CAPS, ...caps };
  const root = path.resolve(destDir);

  let zipSize: number;
  try {
    const st = await fs.promises.stat(zipPath);
    if (!st.isFile()) throw new SubmissionZipError("not-a-zip", `${zipPath} is not a regular file`);
    zipSize = st.size;
  } catch (e) {
    if (e instanceof SubmissionZipError) throw e;
    throw new SubmissionZipError("not-a-zip", `cannot read ${zipPath}: ${errorMessage(e)}`);
  }
  if (zipSize > c.maxZipBytes) {
    throw new SubmissionZipError("zip-too-large", `the zip is ${fmtBytes(zipSize)}, more than the ${fmtBytes(c.maxZipBytes)} allowed`);
  }

  let created = false;
  try {
    const existing = await fs.promises.readdir(root);
    if (existing.length > 0) throw new Error(`extractSubmission: destination ${root} is not empty`);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
    await fs.promises.mkdir(root, { recursive: true, mode: 0o755 });
    created = true;
  }

  let zipfile: yauzl.ZipFile;
  try {
    zipfile = await openZip(zipPath);
  } catch (e) {
    await cleanup(root, created);
    throw new SubmissionZipError("not-a-zip", `not a readable zip file: ${errorMessage(e)}`);
  }

  try {
    const result = await extractAll(zipfile, root, c);
    return result;
  } catch (e) {
    await cleanup(root, created);
    if (e instanceof SubmissionZipError) throw e;
    throw new SubmissionZipError("corrupt", `the zip is damaged: ${errorMessage(e)}`);
  } finally {
    zipfile.close();
  }
}

function openZip(zipPath: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(
      zipPath,
      // decodeStrings: false so that names are validated here (with our reasons), not by yauzl's generic error.
      { lazyEntries: true, autoClose: false, decodeStrings: false, validateEntrySizes: true, strictFileNames: false },
      (err, zf) => (err ? reject(err) : resolve(zf)),
    );
  });
}

async function cleanup(root: string, created: boolean): Promise<void> {
  try {
    if (created) {
      await fs.promises.rm(root, { recursive: true, force: true });
    } else {
      for (const name of await fs.promises.readdir(root)) {
        await fs.promises.rm(path.join(root, name), { recursive: true, force: true });
      }
    }
  } catch {
    // best effort: the caller's temp dir is removed by the caller anyway
  }
}

/** Reads the central directory one entry at a time (lazyEntries), with one persistent error listener. */
class EntryReader {
  private waiting: { resolve: (e: yauzl.Entry | null) => void; reject: (err: Error) => void } | null = null;
  private failure: Error | null = null;
  private ended = false;

  constructor(private readonly zf: yauzl.ZipFile) {
    zf.on("entry", (entry: yauzl.Entry) => this.settle((w) => w.resolve(entry)));
    zf.on("end", () => {
      this.ended = true;
      this.settle((w) => w.resolve(null));
    });
    zf.on("error", (err: Error) => {
      this.failure = err;
      this.settle((w) => w.reject(err));
    });
  }

  private settle(fn: (w: NonNullable<EntryReader["waiting"]>) => void): void {
    const w = this.waiting;
    this.waiting = null;
    if (w) fn(w);
  }

  next(): Promise<yauzl.Entry | null> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.ended) return Promise.resolve(null);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.zf.readEntry();
    });
  }
}

interface PlannedEntry {
  entry: yauzl.Entry;
  name: string;
  isDir: boolean;
}

async function extractAll(zf: yauzl.ZipFile, root: string, c: ZipCaps): Promise<ExtractResult> {
  if (zf.entryCount > c.maxEntries) {
    throw new SubmissionZipError("too-many-entries", `the zip has ${zf.entryCount} entries, more than the ${c.maxEntries} allowed`);
  }
  const problems: string[] = [];

  // Pass 1: read the whole central directory and validate every name before writing anything.
  const planned: PlannedEntry[] = [];
  const seen = new Map<string, string>(); // folded path -> original, files and directories
  const fileSet = new Set<string>();
  const dirSet = new Set<string>();
  let declaredTotal = 0;
  let junk = 0;
  const reader = new EntryReader(zf);
  for (let count = 0; ; count++) {
    let entry: yauzl.Entry | null;
    try {
      entry = await reader.next();
    } catch (e) {
      throw new SubmissionZipError("corrupt", `the zip's directory is damaged: ${errorMessage(e)}`);
    }
    if (entry === null) break;
    if (count >= c.maxEntries) {
      throw new SubmissionZipError("too-many-entries", `the zip has more than the ${c.maxEntries} entries allowed`);
    }
    const rawName = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, false);
    const shown = JSON.stringify(rawName);
    if (isJunk(rawName) && !/[\0-\x1f\x7f]/.test(rawName) && !rawName.startsWith("/") && !rawName.split("/").includes("..")) {
      junk++;
      continue;
    }
    const { name, isDir } = validateName(rawName, c);

    const mode = (entry.externalFileAttributes >>> 16) & 0xffff;
    const type = mode & S_IFMT;
    if (type === S_IFLNK) throw new SubmissionZipError("symlink", `${shown} is a symbolic link; links are not allowed in a submission`, rawName);
    if (type !== 0 && type !== S_IFREG && type !== S_IFDIR) {
      throw new SubmissionZipError("special-file", `${shown} is not a regular file (mode ${type.toString(8)})`, rawName);
    }
    if (type === S_IFDIR && !isDir) {
      throw new SubmissionZipError("special-file", `${shown} is marked as a directory but has no trailing slash`, rawName);
    }
    if (entry.isEncrypted()) throw new SubmissionZipError("encrypted", `${shown} is encrypted; submit an unencrypted zip`, rawName);
    if (!isDir && entry.compressionMethod !== 0 && entry.compressionMethod !== 8) {
      throw new SubmissionZipError("unsupported", `${shown} uses compression method ${entry.compressionMethod}; only stored and deflate are supported`, rawName);
    }

    const folded = name.normalize("NFC").toLowerCase();
    const before = seen.get(folded);
    if (before !== undefined) {
      const how = before === name ? "appears twice" : `clashes with ${JSON.stringify(before)} (names differing only in case)`;
      throw new SubmissionZipError("duplicate-path", `${JSON.stringify(name)} ${how}`, rawName);
    }
    seen.set(folded, name);
    const segments = folded.split("/");
    for (let i = 1; i < segments.length; i++) {
      const prefix = segments.slice(0, i).join("/");
      if (fileSet.has(prefix)) {
        throw new SubmissionZipError("duplicate-path", `${JSON.stringify(name)} is inside ${JSON.stringify(prefix)}, which is a file`, rawName);
      }
      dirSet.add(prefix);
    }
    if (isDir) {
      dirSet.add(folded);
    } else {
      if (dirSet.has(folded)) {
        throw new SubmissionZipError("duplicate-path", `${JSON.stringify(name)} is both a file and a directory`, rawName);
      }
      fileSet.add(folded);
      if (entry.uncompressedSize > c.maxFileBytes) {
        throw new SubmissionZipError("file-too-large", `${JSON.stringify(name)} is ${fmtBytes(entry.uncompressedSize)}, more than the ${fmtBytes(c.maxFileBytes)} allowed per file`, rawName);
      }
      declaredTotal += entry.uncompressedSize;
      if (declaredTotal > c.maxTotalBytes) {
        throw new SubmissionZipError("too-large", `the zip unpacks to more than the ${fmtBytes(c.maxTotalBytes)} allowed`);
      }
    }
    planned.push({ entry, name, isDir });
  }
  if (junk > 0) problems.push(`skipped ${junk} macOS metadata entr${junk === 1 ? "y" : "ies"} (__MACOSX/, .DS_Store, ._*)`);

  // Pass 2: write. Sizes are counted on the inflated bytes, whatever the headers said.
  const files: string[] = [];
  const madeDirs = new Set<string>([""]);
  const ensureDir = async (rel: string): Promise<void> => {
    if (madeDirs.has(rel)) return;
    await ensureDir(path.posix.dirname(rel) === "." ? "" : path.posix.dirname(rel));
    const abs = inside(root, rel);
    await fs.promises.mkdir(abs, { mode: 0o755 }).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== "EEXIST") throw e;
    });
    const st = await fs.promises.lstat(abs);
    if (!st.isDirectory()) throw new Error(`${abs} is not a directory`);
    madeDirs.add(rel);
  };
  const total = { bytes: 0 };
  for (const p of planned) {
    if (p.isDir) {
      await ensureDir(p.name);
      continue;
    }
    const parent = path.posix.dirname(p.name);
    await ensureDir(parent === "." ? "" : parent);
    const target = inside(root, p.name);
    let stream: NodeJS.ReadableStream;
    try {
      stream = await openEntry(zf, p.entry);
    } catch (e) {
      throw new SubmissionZipError("corrupt", `cannot read ${JSON.stringify(p.name)}: ${errorMessage(e)}`, p.name);
    }
    const counter = new ByteCounter(p.name, c, total);
    try {
      await pipeline(stream, counter, fs.createWriteStream(target, { flags: "wx", mode: 0o644 }));
    } catch (e) {
      if (e instanceof SubmissionZipError) throw e;
      const msg = errorMessage(e);
      if (/too many bytes in the stream/.test(msg)) {
        throw new SubmissionZipError(
          "corrupt", `${JSON.stringify(p.name)} inflates to more than the ${p.entry.uncompressedSize} bytes its header declares (a zip bomb or a damaged zip)`, p.name,
        );
      }
      throw new SubmissionZipError("corrupt", `cannot unpack ${JSON.stringify(p.name)}: ${msg}`, p.name);
    }
    files.push(p.name);
  }
  const dirsWithFiles = new Set(files.map((f) => path.posix.dirname(f)));
  const emptyDirs = planned.filter((p) => p.isDir && ![...dirsWithFiles].some((d) => d === p.name || d.startsWith(`${p.name}/`))).length;
  if (emptyDirs > 0) problems.push(`${emptyDirs} empty director${emptyDirs === 1 ? "y" : "ies"} in the zip`);
  files.sort();
  return { files, problems };
}

function openEntry(zf: yauzl.ZipFile, entry: yauzl.Entry): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) => {
    zf.openReadStream(entry, (err, stream) => (err ? reject(err) : resolve(stream)));
  });
}

class ByteCounter extends Transform {
  private bytes = 0;
  constructor(
    private readonly name: string,
    private readonly caps: ZipCaps,
    private readonly total: { bytes: number },
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    this.total.bytes += chunk.length;
    if (this.bytes > this.caps.maxFileBytes) {
      done(new SubmissionZipError("file-too-large", `${JSON.stringify(this.name)} unpacks to more than the ${fmtBytes(this.caps.maxFileBytes)} allowed per file`, this.name));
    } else if (this.total.bytes > this.caps.maxTotalBytes) {
      done(new SubmissionZipError("too-large", `the zip unpacks to more than the ${fmtBytes(this.caps.maxTotalBytes)} allowed (stopped while inflating ${JSON.stringify(this.name)})`, this.name));
    } else {
      done(null, chunk);
    }
  }
}

/** Validates one entry name; returns it without a trailing slash. */
function validateName(raw: string, c: ZipCaps): { name: string; isDir: boolean } {
  const shown = JSON.stringify(raw);
  const bad = (why: string): never => {
    throw new SubmissionZipError("unsafe-path", `${shown}: ${why}`, raw);
  };
  if (raw.length === 0) bad("empty name");
  // eslint-disable-next-line no-control-regex
  if (/[\0-\x1f\x7f]/.test(raw)) bad("control characters in the name");
  if (raw.startsWith("/")) bad("absolute path");
  if (/^[a-zA-Z]:/.test(raw)) bad("absolute path (drive letter)");
  const isDir = raw.endsWith("/");
  const name = isDir ? raw.slice(0, -1) : raw;
  if (name.length === 0) bad("empty name");
  const segments = name.split("/");
  for (const s of segments) {
    if (s === "..") bad("`..` leads outside the submission");
    if (s === "." || s === "") bad("empty or `.` path segment");
    if (Buffer.byteLength(s) > 255) throw new SubmissionZipError("path-too-long", `${shown}: a path segment is longer than 255 bytes`, raw);
  }
  if (name.length > c.maxPathLength) {
    throw new SubmissionZipError("path-too-long", `${shown}: longer than ${c.maxPathLength} characters`, raw);
  }
  if (segments.length > c.maxDepth) {
    throw new SubmissionZipError("too-deep", `${shown}: nested ${segments.length} levels deep, more than the ${c.maxDepth} allowed`, raw);
  }
  return { name, isDir };
}

/** root + rel, asserting the result stays strictly inside root (defence in depth after validateName). */
function inside(root: string, rel: string): string {
  const abs = path.resolve(root, rel);
  if (rel !== "" && !abs.startsWith(root + path.sep)) {
    throw new SubmissionZipError("unsafe-path", `${JSON.stringify(rel)} resolves outside the destination`, rel);
  }
  return abs;
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function fmtBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(n % (1024 * 1024) === 0 ? 0 : 1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(n % 1024 === 0 ? 0 : 1)} KiB`;
  return `${n} bytes`;
}
