/**
 * Optional helper to fetch and unpack the official CIFAR-10 binary archive (cifar-10-binary.tar.gz, ~162 MB).
 * Nothing else in the kit needs the network: without CIFAR-10 the synthetic default dataset is used.
 *
 *   npx tsx lib/data/cifar10-download.ts [directory] [--url MIRROR_URL]     # default directory: ./data
 *   then: export CIFAR10_DIR=<directory>/cifar-10-batches-bin
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  CIFAR10_ENV, CIFAR10_HOMEPAGE, CIFAR10_TEST_FILE, CIFAR10_TRAIN_FILES, cifar10RecordCount,
} from "./cifar10";

export const CIFAR10_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz";
export const CIFAR10_MD5 = "c32a1d4ab5d03f1284b67883e8d87530";
export const CIFAR10_ARCHIVE = "cifar-10-binary.tar.gz";

/** Options for {@link downloadCifar10}. */
export interface DownloadOptions {
  /** Archive URL. Default the official one. */
  url?: string;
  /** Expected MD5 of the archive (hex). Default the official one. */
  md5?: string;
  /** Progress callback (bytes received, total bytes if known). Default: a progress bar on stderr. */
  onProgress?: (received: number, total: number | undefined) => void;
  /** fetch implementation (tests pass a fake). Default global fetch. */
  fetch?: (url: string, init?: { signal?: AbortSignal }) => Promise<Response>;
  /** Give up when no connection within this many ms. Default 30000. */
  timeoutMs?: number;
  /** Keep the .tar.gz after unpacking. Default false. */
  keepArchive?: boolean;
  /** Print what happens (default true). */
  verbose?: boolean;
}

function manualSteps(dest: string): string {
  return [
    "Download it by hand instead:",
    `  1. On a machine with internet access, get cifar-10-binary.tar.gz from ${CIFAR10_HOMEPAGE}`,
    `     (direct link: ${CIFAR10_URL}; MD5 ${CIFAR10_MD5})`,
    `  2. Copy it to ${dest} and unpack it there: tar xzf cifar-10-binary.tar.gz`,
    `  3. export ${CIFAR10_ENV}=${path.join(dest, "cifar-10-batches-bin")}`,
  ].join("\n");
}

/** True when `dir` holds all six batch files with the right sizes. */
export function cifar10Complete(dir: string): boolean {
  try {
    for (const f of [...CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE]) cifar10RecordCount(path.join(dir, f));
    return true;
  } catch {
    return false;
  }
}

/** MD5 (hex) of a file, streamed. */
export async function md5File(file: string): Promise<string> {
  const h = createHash("md5");
  for await (const chunk of fs.createReadStream(file)) h.update(chunk as Buffer);
  return h.digest("hex");
}

function defaultProgress(verbose: boolean): (received: number, total: number | undefined) => void {
  if (!verbose) return () => {};
  let last = 0;
  const tty = process.stderr.isTTY;
  return (received, total) => {
    const now = Date.now();
    const finished = total !== undefined && received >= total;
    if (!finished && now - last < (tty ? 200 : 5000)) return;
    last = now;
    const mb = (n: number) => (n / 1048576).toFixed(1);
    const text = total ? `downloading CIFAR-10: ${mb(received)} / ${mb(total)} MB (${Math.floor((100 * received) / total)}%)` : `downloading CIFAR-10: ${mb(received)} MB`;
    process.stderr.write(tty ? `\r\x1b[K${text}${finished ? "\n" : ""}` : `${text}\n`);
  };
}

/**
 * Unpack a .tar.gz into `dest`: with the `tar` npm package when the project has it installed, otherwise with
 * the system `tar` (present on Linux, macOS and Windows 10+).
 */
export async function extractTarGz(archive: string, dest: string): Promise<void> {
  let tarPkg: { x(opts: { file: string; cwd: string }): Promise<void> } | undefined;
  try {
    // Optional dependency: only used when installed.
    tarPkg = typeof require === "function" ? require("tar") : undefined;
  } catch {
    tarPkg = undefined;
  }
  if (tarPkg) {
    await tarPkg.x({ file: archive, cwd: dest });
    return;
  }
  const r = spawnSync("tar", ["-xzf", archive, "-C", dest], { stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  if (r.error || r.status !== 0) {
    const why = r.error ? r.error.message : `tar exited with ${r.status}: ${(r.stderr ?? "").trim()}`;
    throw new Error(`Could not unpack ${archive} (${why}). Unpack it by hand: cd ${dest} && tar xzf ${path.basename(archive)}`);
  }
}

/**
 * Download (if needed), check (MD5) and unpack CIFAR-10 into `dest`. Returns the directory holding the batch
 * files (`dest/cifar-10-batches-bin`), to use as CIFAR10_DIR. Does nothing when the files are already there.
 * Fails with a message describing the manual steps when the download site is unreachable (offline machines).
 */
export async function downloadCifar10(dest = "data", options: DownloadOptions = {}): Promise<string> {
  const verbose = options.verbose ?? true;
  const log = (s: string) => { if (verbose) console.error(s); };
  const destAbs = path.resolve(dest);
  const out = path.join(destAbs, "cifar-10-batches-bin");
  if (cifar10Complete(out)) {
    log(`CIFAR-10 is already in ${out}`);
    return out;
  }
  fs.mkdirSync(destAbs, { recursive: true });
  const url = options.url ?? CIFAR10_URL;
  const md5 = (options.md5 ?? CIFAR10_MD5).toLowerCase();
  const archive = path.join(destAbs, CIFAR10_ARCHIVE);

  if (!(fs.existsSync(archive) && (await md5File(archive)) === md5)) {
    const doFetch = options.fetch ?? ((u: string, init?: { signal?: AbortSignal }) => fetch(u, init));
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), options.timeoutMs ?? 30000);
    let res: Response;
    try {
      log(`fetching ${url}`);
      res = await doFetch(url, { signal: ctrl.signal });
    } catch (e) {
      clearTimeout(timer);
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.code ?? cause?.message ?? (e as Error).message;
      throw new Error(`Could not reach ${url} (${reason}): this machine seems to be offline or the site is blocked.\n${manualSteps(destAbs)}`);
    }
    clearTimeout(timer);
    if (!res.ok || !res.body) {
      throw new Error(`Downloading ${url} failed: HTTP ${res.status} ${res.statusText}.\n${manualSteps(destAbs)}`);
    }
    const lenHeader = res.headers.get("content-length");
    const total = lenHeader ? Number(lenHeader) : undefined;
    const onProgress = options.onProgress ?? defaultProgress(verbose);
    const part = `${archive}.part`;
    const fd = fs.openSync(part, "w");
    const hash = createHash("md5");
    let received = 0;
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        fs.writeSync(fd, chunk);
        hash.update(chunk);
        received += chunk.length;
        onProgress(received, total);
      }
    } catch (e) {
      fs.closeSync(fd);
      fs.rmSync(part, { force: true });
      throw new Error(`Download of ${url} broke off after ${received} bytes (${(e as Error).message}). Run it again, or:\n${manualSteps(destAbs)}`);
    }
    fs.closeSync(fd);
    onProgress(received, received);
    const got = hash.digest("hex");
    if (got !== md5) {
      fs.rmSync(part, { force: true });
      throw new Error(`Downloaded archive has MD5 ${got}, expected ${md5} (corrupt or incomplete download, ${received} bytes). Run it again, or:\n${manualSteps(destAbs)}`);
    }
    fs.renameSync(part, archive);
  } else {
    log(`using the existing ${archive} (MD5 ok)`);
  }

  log(`unpacking ${archive}`);
  await extractTarGz(archive, destAbs);
  if (!cifar10Complete(out)) {
    throw new Error(`Unpacked ${archive}, but ${out} does not hold the six CIFAR-10 batch files with the right sizes.`);
  }
  if (!options.keepArchive) fs.rmSync(archive, { force: true });
  log(`CIFAR-10 ready in ${out}\nUse it with: export ${CIFAR10_ENV}=${out}`);
  return out;
}

// Command line: npx tsx lib/data/cifar10-download.ts [directory] [--url MIRROR_URL]
if (typeof require !== "undefined" && typeof module !== "undefined" && require.main === module) {
  const args = process.argv.slice(2);
  const at = args.indexOf("--url");
  const url = at >= 0 ? args.splice(at, 2)[1] : undefined;
  downloadCifar10(args[0] ?? "data", { url }).catch((e: Error) => {
    console.error(e.message);
    process.exit(1);
  });
}
