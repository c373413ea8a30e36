/**
 * Deterministic zips: entries sorted by path, appended as buffers with a fixed date (UTC) and fixed modes, so the
 * same files always give the same bytes (archiver 8, ESM: `new ZipArchive`). yauzl reads them back.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { ZipArchive } from "archiver";
import yauzl from "yauzl";

export interface ZipEntry {
  /** posix path inside the zip */
  path: string;
  data: Buffer;
  /** default 0o644; 0o755 for scripts */
  mode?: number;
}

export const ZIP_DATE = new Date("2000-01-01T00:00:00Z");

export async function zipBuffer(entries: ZipEntry[]): Promise<Buffer> {
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].path === sorted[i - 1].path) throw new Error(`zip: duplicate entry ${sorted[i].path}`);
  }
  const archive = new ZipArchive({ zlib: { level: 9 } });
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    archive.on("data", (c: Buffer) => chunks.push(c));
    archive.on("end", () => resolve());
    archive.on("error", reject);
    archive.on("warning", reject);
  });
  for (const e of sorted) archive.append(e.data, { name: e.path, date: ZIP_DATE, mode: e.mode ?? 0o644 });
  await archive.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** Writes the zip atomically (temp file + rename) and returns its bytes. */
export async function writeZip(file: string, entries: ZipEntry[]): Promise<Buffer> {
  const buf = await zipBuffer(entries);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, buf);
  fs.renameSync(tmp, file);
  return buf;
}

/** All file entries of a zip (directories skipped), in stored order. */
export function readZip(buf: Buffer): Promise<{ path: string; data: Buffer; mode: number }[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buf, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error("cannot open zip"));
      const out: { path: string; data: Buffer; mode: number }[] = [];
      zip.on("error", reject);
      zip.on("end", () => resolve(out));
      zip.on("entry", (entry: yauzl.Entry) => {
        if (entry.fileName.endsWith("/")) return zip.readEntry();
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error(`cannot read ${entry.fileName}`));
          const parts: Buffer[] = [];
          stream.on("data", (c: Buffer) => parts.push(c));
          stream.on("error", reject);
          stream.on("end", () => {
            out.push({ path: entry.fileName, data: Buffer.concat(parts), mode: (entry.externalFileAttributes >>> 16) & 0o7777 });
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}
