/**
 * Builds the optional native matmul addon (lib/native: Node-API C code calling OpenBLAS cblas_[ds]gemm) into
 * lib/native/build/Release/dlvr_blas.node (gitignored). lib/tensor/native-backend.ts loads it when present;
 * without it everything still works on the portable TypeScript kernel, only slower.
 *
 * Usage: npm run build:native [-- --strict] [-- --verbose]
 *   Prints one line: what it built, or why it skipped (no C compiler, no OpenBLAS dev files) or failed.
 *   Exits 0 unless --strict is given, so a set-up script can always call it. --verbose prints the build log.
 *   The full log is kept in lib/native/build/build-native.log.
 *
 * How: node-gyp (npm's bundled copy, else a node-gyp package) with --nodedir pointing at the local Node headers
 * (<node prefix>/include/node, e.g. /usr/include/node from Debian's nodejs, or the official tarball's include/),
 * so nothing is downloaded; if node-gyp is missing or fails (e.g. no python3 or make), compiles the C files
 * directly with cc. Needs: a C compiler and OpenBLAS (Debian/Ubuntu: apt-get install build-essential
 * libopenblas-dev). Running it from `npm run` is not an install script, so npm's allowScripts policy does not apply.
 */
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..");
const NATIVE_DIR = path.join(ROOT, "lib", "native");
const BUILD_DIR = path.join(NATIVE_DIR, "build");
/** Keep in sync with lib/native/binding.gyp. */
const SOURCES = ["blas_addon.c", "args.c", "elementwise.c", "fused.c", "exp.c", "memory.c"].map((f) => path.join(NATIVE_DIR, "src", f));
/** Keep in sync with lib/tensor/native-backend.ts. */
const ADDON = path.join(BUILD_DIR, "Release", "dlvr_blas.node");
const LOG = path.join(BUILD_DIR, "build-native.log");
/** Extra header dir some distributions (Fedora, Arch) use for OpenBLAS's cblas.h; harmless elsewhere. */
const BLAS_INCLUDE = "/usr/include/openblas";

const args = process.argv.slice(2);
const strict = args.includes("--strict");
const verbose = args.includes("--verbose") || args.includes("-v");
if (args.includes("--help") || args.includes("-h")) {
  console.log("usage: npm run build:native [-- --strict] [-- --verbose]");
  process.exit(0);
}

const log: string[] = [];
const rel = (p: string) => path.relative(ROOT, p) || ".";

function run(cmd: string, argv: string[], opts: { cwd?: string; timeoutMs?: number } = {}): SpawnSyncReturns<string> {
  log.push(`$ ${[cmd, ...argv].join(" ")}`);
  const r = spawnSync(cmd, argv, {
    cwd: opts.cwd ?? ROOT,
    encoding: "utf8",
    timeout: opts.timeoutMs ?? 300_000,
    env: process.env,
  });
  if (r.stdout) log.push(r.stdout.trimEnd());
  if (r.stderr) log.push(r.stderr.trimEnd());
  if (r.error) log.push(`(${r.error.message})`);
  else if (r.status !== 0) log.push(`(exit ${r.status ?? r.signal})`);
  return r;
}

function ok(r: SpawnSyncReturns<string>): boolean {
  return !r.error && r.status === 0;
}

/** First line of the output that looks like the actual error. */
function firstError(r: SpawnSyncReturns<string>): string {
  if (r.error) return r.error.message;
  const lines = `${r.stderr ?? ""}\n${r.stdout ?? ""}`.split("\n").map((l) => l.trim()).filter(Boolean);
  const hit = lines.find((l) => /error|not found|cannot|no such/i.test(l) && !/^gyp info/.test(l));
  return (hit ?? lines[0] ?? `exit status ${r.status}`).slice(0, 200);
}

function writeLog(): void {
  try {
    fs.mkdirSync(BUILD_DIR, { recursive: true });
    fs.writeFileSync(LOG, log.join("\n") + "\n");
  } catch {
    // The log is a convenience; never fail because of it.
  }
}

/** Final report: one line on stdout, the log on stderr when asked (or when --strict turns it into an error). */
function finish(kind: "built" | "skip" | "fail", message: string): never {
  writeLog();
  if (verbose || (strict && kind !== "built")) process.stderr.write(log.join("\n") + "\n");
  const prefix = kind === "built" ? "built" : kind === "skip" ? "skipping" : "FAILED";
  const tail = kind === "built" ? "" : "; lib/tensor will use the portable TypeScript matmul";
  console.log(`build:native: ${prefix} ${message}${tail}`);
  process.exit(kind !== "built" && strict ? 1 : 0);
}

/** Directory whose include/node has node_api.h and common.gypi (what node-gyp calls nodedir). */
function findNodeDir(): string | null {
  const candidates = [
    process.env.npm_config_nodedir,
    path.resolve(path.dirname(process.execPath), ".."), // /usr for Debian's nodejs, the tarball root otherwise
  ];
  for (const dir of candidates) {
    if (dir && fs.existsSync(path.join(dir, "include", "node", "node_api.h")) &&
        fs.existsSync(path.join(dir, "include", "node", "common.gypi"))) {
      return dir;
    }
  }
  return null;
}

/** node_api.h location for the direct-compile fallback: nodedir, else node-gyp's header cache. */
function findNodeApiInclude(nodeDir: string | null): string | null {
  const dirs = [
    nodeDir && path.join(nodeDir, "include", "node"),
    path.join(os.homedir(), ".cache", "node-gyp", process.versions.node, "include", "node"),
  ];
  for (const d of dirs) if (d && fs.existsSync(path.join(d, "node_api.h"))) return d;
  return null;
}

function findNodeGyp(): string | null {
  const prefix = path.resolve(path.dirname(process.execPath), "..");
  const candidates = [
    process.env.npm_config_node_gyp, // set by `npm run`: npm's bundled node-gyp
    path.join(prefix, "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"),
    path.join(prefix, "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"), // Windows layout
  ];
  for (const c of candidates) if (c && fs.existsSync(c)) return c;
  try {
    return require.resolve("node-gyp/bin/node-gyp.js", { paths: [ROOT] });
  } catch {
    return null;
  }
}

function nodeGypVersion(script: string): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(path.dirname(script), "..", "package.json"), "utf8"));
    return typeof pkg.version === "string" ? ` ${pkg.version}` : "";
  } catch {
    return "";
  }
}

const PROBE = `
#include <cblas.h>
#include <stdio.h>
char *openblas_get_config(void);
int main(void) {
  double a[4] = {1, 2, 3, 4}, b[4] = {5, 6, 7, 8}, c[4] = {0, 0, 0, 0};
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 2, 2, 2, 1.0, a, 2, b, 2, 0.0, c, 2);
  printf("%s\\n", openblas_get_config());
  return c[0] == 19 && c[1] == 22 && c[2] == 43 && c[3] == 50 ? 0 : 1;
}
`;

/** Loads the built addon in a fresh node process and checks one small product per element type. */
const VERIFY = `
const a = require(process.argv[1]);
const c64 = new Float64Array(4), c32 = new Float32Array(4);
a.gemm(false, false, 2, 2, 2, new Float64Array([1, 2, 3, 4]), new Float64Array([5, 6, 7, 8]), c64);
a.gemm(true, true, 2, 2, 2, new Float32Array([1, 3, 2, 4]), new Float32Array([5, 7, 6, 8]), c32);
const want = [19, 22, 43, 50];
if (!want.every((v, i) => c64[i] === v && c32[i] === v)) throw new Error("wrong result " + c64 + " / " + c32);
const y = new Float64Array([1, 2, 3]);
a.axpy(y, new Float64Array([1, 1, 1]), 2);
if (y.join() !== "3,4,5") throw new Error("wrong axpy result " + y);
console.log(JSON.stringify({ config: a.config, threads: a.getNumThreads() }));
`;

function main(): never {
  const t0 = performance.now();
  const cc = process.env.CC || "cc";

  // 1. A C compiler.
  const ccv = run(cc, ["--version"], { timeoutMs: 30_000 });
  if (!ok(ccv)) finish("skip", `(no C compiler: \`${cc} --version\` failed: ${firstError(ccv)}; install build-essential)`);

  // 2. OpenBLAS headers and library: compile, link and run a 2x2 dgemm.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "dlvr-blas-probe-"));
  let blasProblem = "";
  try {
    fs.writeFileSync(path.join(tmp, "probe.c"), PROBE);
    const exe = path.join(tmp, "probe");
    const probe = run(cc, ["probe.c", `-I${BLAS_INCLUDE}`, "-o", exe, "-lopenblas"], { cwd: tmp, timeoutMs: 60_000 });
    if (!ok(probe)) {
      blasProblem = `OpenBLAS not found: ${firstError(probe)}; install libopenblas-dev`;
    } else {
      const runProbe = run(exe, [], { timeoutMs: 60_000 });
      if (!ok(runProbe)) blasProblem = `OpenBLAS test program failed: ${firstError(runProbe)}`;
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  if (blasProblem) finish("skip", `(${blasProblem})`);

  // 3. Build: node-gyp with local headers, else a direct cc -shared.
  const nodeDir = findNodeDir();
  const nodeGyp = findNodeGyp();
  let how = "";
  let gypError = "";
  if (nodeGyp) {
    const gypArgs = [nodeGyp, "rebuild", `--directory=${NATIVE_DIR}`];
    if (nodeDir) gypArgs.push(`--nodedir=${nodeDir}`);
    const r = run(process.execPath, gypArgs);
    if (ok(r) && fs.existsSync(ADDON)) how = `node-gyp${nodeGypVersion(nodeGyp)}`;
    else gypError = `node-gyp failed: ${firstError(r)}`;
  } else {
    gypError = "node-gyp not found";
  }
  if (!how) {
    const include = findNodeApiInclude(nodeDir);
    if (process.platform !== "linux" || !include) {
      finish("fail", `(${gypError}${include ? "" : "; no local Node headers (include/node/node_api.h) for a direct build"})`);
    }
    fs.rmSync(BUILD_DIR, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(ADDON), { recursive: true });
    const r = run(cc, [
      "-std=c11", "-O3", "-ffp-contract=off", "-fPIC", "-shared", "-Wall", "-DNAPI_VERSION=8",
      `-I${include}`, `-I${BLAS_INCLUDE}`, ...SOURCES, "-o", ADDON, "-lopenblas",
    ]);
    if (!ok(r)) finish("fail", `(${gypError}; direct ${cc} build failed too: ${firstError(r)})`);
    how = `${cc} directly (${gypError})`;
  }

  // 4. Load it in a fresh process and multiply.
  const v = run(process.execPath, ["-e", VERIFY, ADDON], { timeoutMs: 60_000 });
  if (!ok(v)) finish("fail", `(built ${rel(ADDON)} but it does not load or compute correctly: ${firstError(v)})`);
  let info = "";
  try {
    const parsed = JSON.parse(v.stdout.trim().split("\n").pop() ?? "{}") as { config?: string; threads?: number };
    info = `${parsed.config ?? "OpenBLAS"}, ${parsed.threads ?? "?"} threads`;
  } catch {
    info = "OpenBLAS";
  }
  const secs = ((performance.now() - t0) / 1000).toFixed(1);
  finish("built", `${rel(ADDON)} with ${how} (${info}) in ${secs} s`);
}

main();
