import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { RESULT_FD, RESULT_NONCE_ENV } from "./sandbox-channel";
import {
  DEFAULT_LIMITS, MIN_MEMORY_BYTES, classifyStderr, cpuSecondsFor, heapMiBFor, type JobLimits, MiB, GiB,
} from "./limits";

/**
 * Runs untrusted JavaScript (a compiled submission + runner, see grader/run/compile.ts) in a fresh, locked-down child
 * process, one per call.
 *
 *   const sandbox = await probeSandbox();            // once at start-up; throws if no level works
 *   const r = await runSandboxed({ jobDir, script: "bundle.js", timeoutMs: 10_000, memoryBytes: 2 * GiB,
 *                                   outputCapBytes: 1 << 20, sandbox });
 *   if (r.status === "ok") compare(r.resultJson, expected);   // else: failed, r.fault says why
 *
 * Three levels, strongest first (probeSandbox runs a tiny script under each and keeps the first that works and
 * actually isolates):
 *   "bwrap"      bubblewrap: new user/pid/net/ipc/uts/mount namespaces, uid 65534, no capabilities, an empty
 *                root with /usr read-only, a private /tmp, the job dir read-only at /job, nothing else.
 *   "unshare"    `unshare --user --net --pid --fork --kill-child`: no network, own pid namespace; the host
 *                filesystem is visible but Node's permission model only allows reading the job dir.
 *   "permission" Node's permission model alone. The network is NOT isolated.
 * When the grader is root, every level is started as uid/gid 65534 (nobody). That matters beyond file access:
 * measured here, RLIMIT_NPROC is NOT enforced for namespaces created by real root (a fork bomb under
 * `bwrap --uid 65534` run by root started all 500 processes), while with nobody as the outer uid it is, and per
 * job (each job's user namespace counts its own processes). Root-owned bwrap/unshare are only a fallback.
 * Every level adds Node's permission model (--allow-fs-read=<job dir>/ only; no writes, no child_process, no
 * workers, no addons) and rlimits through prlimit (address space, CPU seconds, file size, open files, processes,
 * no core dumps).
 *
 * The job's result comes back over fd 3 (grader/run/sandbox-channel.ts, one JSON line per frame, with a per-run
 * nonce). It is only a *value*: the parent compares it with expected values it computed itself, and a missing or
 * malformed result is a failure (status is "ok" only with exit code 0 AND a valid final frame).
 *
 * Jobs are independent: nothing here uses a shared path, so several can run in parallel. Job dirs must be
 * reachable by uid 65534 when the grader is root (runSandboxed makes the job dir itself 0755 and throws with the
 * offending ancestor otherwise, e.g. a 0700 mkdtemp parent). At level "permission" RLIMIT_NPROC counts every
 * process of the uid on the machine (no user namespace), so it is raised to 8192 there; child_process is refused
 * by the permission model anyway.
 */

export type SandboxLevel = "bwrap" | "unshare" | "permission";
export const SANDBOX_LEVELS: readonly SandboxLevel[] = ["bwrap", "unshare", "permission"];

export interface SandboxAttempt {
  level: SandboxLevel;
  ok: boolean;
  detail: string;
  durationMs: number;
}

export interface SandboxInfo {
  level: SandboxLevel;
  /** One line for logs, e.g. "bwrap (bubblewrap 0.8.0): namespaces, uid 65534, network off, only the job dir visible". */
  summary: string;
  networkIsolated: boolean;
  /** Only /usr and the job dir are visible (bwrap); otherwise the host tree is there, guarded by the permission model. */
  privateFilesystem: boolean;
  /** Uid the sandbox is started as on the host side (65534 when the grader is root), or null for the grader's own uid. */
  uid: number | null;
  /** Loud caveats for this level (always non-empty for "permission"). */
  warnings: string[];
  /** Every level tried, in order. */
  attempts: SandboxAttempt[];
  nodePath: string;
  /** Paths of the helper tools used. */
  tools: { bwrap?: string; unshare?: string; prlimit: string; sh?: string };
}

export interface ProbeOptions {
  /** Levels to try, in order (default: all, strongest first). */
  levels?: readonly SandboxLevel[];
  /** Probe again instead of returning the cached answer. */
  fresh?: boolean;
  /** Where warnings go (default console.warn); pass () => {} to silence. */
  warn?: (line: string) => void;
  /** Node binary to run jobs with (default: the grader's own, process.execPath). */
  nodePath?: string;
}

export type RunStatus = "ok" | "timeout" | "memory" | "crashed" | "killed" | "output-limit";

export interface RunOptions extends Partial<Omit<JobLimits, "timeoutMs" | "memoryBytes" | "outputCapBytes">> {
  /** Directory holding the script (and anything it reads); mounted read-only. Must not be shared between jobs. */
  jobDir: string;
  /** Script to run, relative to jobDir (e.g. "bundle.js"). */
  script: string;
  args?: string[];
  timeoutMs: number;
  memoryBytes: number;
  outputCapBytes: number;
  /** Extra environment for the job (it gets nothing else but PATH and LANG). */
  env?: Record<string, string>;
  /** Level to use; default: the cached probeSandbox() answer. */
  sandbox?: SandboxInfo;
  /** Extra trusted flags for node (e.g. "--enable-source-maps"). */
  nodeArgs?: string[];
  /**
   * Node's permission model (default true). Turning it off is only for testing the OS layer on its own
   * (tests/grader-sandbox.test.ts does, to show bubblewrap contains a job even without it).
   */
  permissionModel?: boolean;
}

export interface RunResult {
  status: RunStatus;
  exitCode: number | null;
  /** Signal that ended the job ("SIGKILL", "SIGXCPU", ...), also when reported through a wrapper's 128+n exit code. */
  signal: string | null;
  stdout: string;
  stderr: string;
  durationMs: number;
  /** The runner's final value (decoded), only when status is "ok"; otherwise null. */
  resultJson: unknown | null;
  /** Values sent with reportPart() before the end (kept after a timeout or crash; only the frames before any damage if the channel was tampered with). */
  parts: Record<string, unknown>;
  /** Why the job did not succeed, in one readable sentence (absent when status is "ok"). */
  fault?: string;
  stdoutTruncated: boolean;
  stderrTruncated: boolean;
  level: SandboxLevel;
}

const NOBODY = 65534;

// ---------------------------------------------------------------------------------------------------------------
// Probe

let cachedProbe: Promise<SandboxInfo> | null = null;

/**
 * Finds the strongest sandbox level that works on this machine by running a small script under each (it must
 * start, report over fd 3, fail to read a file outside its job dir, fail to write its job dir and, for the
 * namespace levels, fail to reach a TCP server the probe listens on). Cached: call it once at start-up.
 * Throws if no level works: the grader must not run student code unsandboxed.
 */
export function probeSandbox(opts: ProbeOptions = {}): Promise<SandboxInfo> {
  if (cachedProbe && !opts.fresh && !opts.levels && !opts.nodePath) return cachedProbe;
  const p = doProbe(opts);
  if (!opts.levels && !opts.nodePath) {
    cachedProbe = p;
    p.catch(() => {
      if (cachedProbe === p) cachedProbe = null;
    });
  }
  return p;
}

async function doProbe(opts: ProbeOptions): Promise<SandboxInfo> {
  const warn = opts.warn ?? ((line: string) => console.warn(line));
  const levels = opts.levels ?? SANDBOX_LEVELS;
  const nodePath = fs.realpathSync(opts.nodePath ?? process.execPath);
  const attempts: SandboxAttempt[] = [];
  const prlimit = findExecutable("prlimit");
  if (!prlimit) throw new Error("probeSandbox: prlimit (util-linux) not found; it is needed to limit memory and CPU");
  const tools: SandboxInfo["tools"] = { prlimit, bwrap: findExecutable("bwrap"), unshare: findExecutable("unshare"), sh: findExecutable("sh") };
  const isRoot = process.getuid?.() === 0;

  for (const level of levels) {
    const candidates = describe(level, nodePath, tools, isRoot, attempts);
    if (typeof candidates === "string") {
      attempts.push({ level, ok: false, detail: candidates, durationMs: 0 });
      continue;
    }
    for (const candidate of candidates) {
      const t0 = performance.now();
      let detail: string;
      let ok = false;
      try {
        const verdict = await probeLevel(candidate);
        ok = verdict.ok;
        detail = verdict.detail;
      } catch (e) {
        detail = `probe failed: ${e instanceof Error ? e.message : String(e)}`;
      }
      const as = isRoot ? (candidate.uid === null ? " (started as root)" : ` (started as uid ${candidate.uid})`) : "";
      attempts.push({ level, ok, detail: `${detail}${as}`, durationMs: Math.round(performance.now() - t0) });
      if (ok) {
        for (const w of candidate.warnings) warn(`[grader/sandbox] WARNING: ${w}`);
        return candidate;
      }
    }
  }
  throw new Error(
    `probeSandbox: no sandbox level works on this machine; refusing to run student code.\n${attempts
      .map((a) => `  ${a.level}: ${a.detail}`)
      .join("\n")}`,
  );
}

/** Candidate SandboxInfos for a level (best first), or why the level cannot even be tried. */
function describe(
  level: SandboxLevel, nodePath: string, tools: SandboxInfo["tools"], isRoot: boolean, attempts: SandboxAttempt[],
): SandboxInfo[] | string {
  const base = { nodePath, tools, attempts };
  const asRootWarning =
    `sandbox level '${level}' is started as root (starting it as uid 65534 failed: unprivileged user namespaces disabled?). ` +
    "RLIMIT_NPROC is not enforced for root-owned namespaces: a fork bomb is stopped only by Node's permission model (no child_process), the pid namespace and the timeout.";
  switch (level) {
    case "bwrap": {
      if (!tools.bwrap) return "bwrap not installed (apt-get install bubblewrap)";
      const info: SandboxInfo = {
        ...base, level, networkIsolated: true, privateFilesystem: true, uid: isRoot ? NOBODY : null, warnings: [],
        summary: "bwrap: user/pid/net/ipc/uts/mount namespaces, uid 65534, no capabilities, network off, only /usr and the job dir (read-only) visible",
      };
      return isRoot ? [info, { ...info, uid: null, warnings: [asRootWarning] }] : [info];
    }
    case "unshare": {
      if (!tools.unshare || !tools.sh) return "unshare (util-linux) or sh not installed";
      const info: SandboxInfo = {
        ...base, level, networkIsolated: true, privateFilesystem: false, uid: isRoot ? NOBODY : null, warnings: [],
        summary: "unshare: user/pid/net/ipc/uts namespaces, network off, host file system visible but guarded by Node's permission model",
      };
      return isRoot ? [info, { ...info, uid: null, warnings: [asRootWarning] }] : [info];
    }
    case "permission": {
      if (!tools.sh) return "sh not found";
      const warnings = [
        "sandbox level 'permission': the NETWORK IS NOT ISOLATED. Submissions can open connections and listen on ports; only Node's permission model (file system, child processes, workers, addons) and rlimits apply. Install bubblewrap or enable unprivileged user namespaces for real isolation.",
      ];
      if (!isRoot) warnings.push("sandbox level 'permission' runs jobs as the grader's own user: a submission can send signals to the grader's other processes.");
      return [{
        ...base, level, networkIsolated: false, privateFilesystem: false, uid: isRoot ? NOBODY : null, warnings,
        summary: `permission: Node permission model + rlimits only${isRoot ? ", uid 65534" : ""}; NETWORK NOT ISOLATED`,
      }];
    }
  }
}

const PROBE_SCRIPT = String.raw`"use strict";
const fs = require("fs"), net = require("net"), path = require("path");
const nonce = process.env.${RESULT_NONCE_ENV};
const out = { uid: process.getuid(), readOutside: "?", writeJob: "?", net: "?" };
try { fs.readFileSync(process.argv[2], "utf8"); out.readOutside = "READ"; } catch (e) { out.readOutside = e.code || String(e); }
try { fs.writeFileSync(path.join(__dirname, "written.txt"), "x"); out.writeJob = "WROTE"; } catch (e) { out.writeJob = e.code || String(e); }
let finished = false;
function done(v) {
  if (finished) return; finished = true; out.net = v;
  fs.writeSync(${RESULT_FD}, JSON.stringify({ k: "final", v: out, n: nonce }) + "\n");
  process.exit(0);
}
const s = net.connect(Number(process.argv[3]), "127.0.0.1");
s.on("connect", () => done("CONNECTED"));
s.on("error", (e) => done(e.code || String(e)));
setTimeout(() => done("TIMEOUT"), 2000);
`;

async function probeLevel(info: SandboxInfo): Promise<{ ok: boolean; detail: string }> {
  const root = await fs.promises.mkdtemp(path.join(os.tmpdir(), "grader-probe-"));
  const server = net.createServer((sock) => sock.destroy());
  try {
    await fs.promises.chmod(root, 0o755);
    const job = path.join(root, "job");
    await fs.promises.mkdir(job, { mode: 0o755 });
    await fs.promises.writeFile(path.join(job, "probe.js"), PROBE_SCRIPT, { mode: 0o644 });
    const secret = path.join(root, "secret.txt");
    await fs.promises.writeFile(secret, "canary", { mode: 0o644 });
    await new Promise<void>((resolve, reject) => server.once("error", reject).listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    const r = await runWith(info, {
      jobDir: job, script: "probe.js", args: [secret, String(port)], timeoutMs: 10_000, memoryBytes: 2 * GiB, outputCapBytes: 64 * 1024,
    });
    if (r.status !== "ok") {
      const why = r.fault ?? r.status;
      return { ok: false, detail: `test job did not run (${r.status}): ${why}${r.stderr ? ` | stderr: ${r.stderr.trim().slice(0, 300)}` : ""}` };
    }
    const v = r.resultJson as { uid: number; readOutside: string; writeJob: string; net: string };
    const problems: string[] = [];
    if (v.readOutside === "READ") problems.push("could read a file outside the job dir");
    if (v.writeJob === "WROTE" || fs.existsSync(path.join(job, "written.txt"))) problems.push("could write into the job dir");
    if (info.networkIsolated && v.net === "CONNECTED") problems.push("could connect to a TCP server on 127.0.0.1");
    if (info.level !== "bwrap" && info.uid !== null && v.uid !== info.uid) problems.push(`ran as uid ${v.uid}, expected ${info.uid}`);
    if (problems.length > 0) return { ok: false, detail: `runs but does not isolate: ${problems.join("; ")}` };
    return {
      ok: true,
      detail: `ok in ${Math.round(r.durationMs)} ms (read outside: ${v.readOutside}, write job dir: ${v.writeJob}, connect 127.0.0.1: ${v.net}, uid inside ${v.uid})`,
    };
  } finally {
    server.close();
    await fs.promises.rm(root, { recursive: true, force: true });
  }
}

function findExecutable(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? "").split(path.delimiter), "/usr/bin", "/bin", "/usr/sbin", "/sbin"];
  for (const d of dirs) {
    if (!d) continue;
    const p = path.join(d, name);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      if (fs.statSync(p).isFile()) return fs.realpathSync(p);
    } catch {
      // next
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Run

/** Runs one job in a fresh sandboxed process; never throws for anything the job does (only for bad options). */
export async function runSandboxed(opts: RunOptions): Promise<RunResult> {
  const info = opts.sandbox ?? (await probeSandbox());
  return runWith(info, opts);
}

interface Command {
  file: string;
  args: string[];
  env: Record<string, string>;
  cwd: string;
  uid?: number;
  gid?: number;
}

function permissionFlag(): string {
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  // Node 22.13 / 23.5 renamed --experimental-permission to --permission.
  return major > 23 || (major === 23 && minor >= 5) || (major === 22 && minor >= 13) ? "--permission" : "--experimental-permission";
}

function buildCommand(info: SandboxInfo, o: RunOptions, jobDir: string, nonce: string): Command {
  const memoryBytes = Math.floor(o.memoryBytes);
  const heapMiB = o.heapMiB ?? heapMiBFor(memoryBytes);
  const cpu = o.cpuSeconds ?? cpuSecondsFor(o.timeoutMs);
  const spawnAs = info.uid !== null && process.getuid?.() === 0 ? { uid: info.uid, gid: info.uid } : {};
  // Without user namespaces (level "permission") RLIMIT_NPROC counts every process of the uid on the machine, so
  // parallel jobs share it and Node's own threads would hit it: keep it high there (child_process is forbidden anyway).
  const nproc = info.level === "permission" ? Math.max(o.processes ?? DEFAULT_LIMITS.processes, 8192) : (o.processes ?? DEFAULT_LIMITS.processes);
  const prlimitArgs = [
    `--as=${memoryBytes}`,
    `--cpu=${cpu}`,
    `--fsize=${o.fileSizeBytes ?? DEFAULT_LIMITS.fileSizeBytes}`,
    `--nofile=${o.openFiles ?? DEFAULT_LIMITS.openFiles}`,
    `--nproc=${nproc}`,
    "--core=0",
    "--",
  ];
  const inside = info.level === "bwrap" ? "/job" : jobDir;
  const nodeArgs = [
    ...(o.permissionModel === false ? [] : [permissionFlag(), `--allow-fs-read=${inside}/`]),
    `--max-old-space-size=${heapMiB}`,
    "--disable-warning=ExperimentalWarning",
    ...(o.nodeArgs ?? []),
    path.posix.join(inside, o.script.split(path.sep).join("/")),
    ...(o.args ?? []),
  ];
  const env: Record<string, string> = { PATH: "/usr/bin:/bin", LANG: "C.UTF-8", ...o.env, [RESULT_NONCE_ENV]: nonce };

  switch (info.level) {
    case "bwrap": {
      const args = [
        "--unshare-all", "--unshare-user", "--disable-userns", "--die-with-parent", "--new-session", "--clearenv",
        "--uid", String(NOBODY), "--gid", String(NOBODY), "--cap-drop", "ALL", "--hostname", "sandbox",
        "--ro-bind", "/usr", "/usr",
      ];
      for (const top of ["/bin", "/sbin", "/lib", "/lib64", "/lib32", "/libx32"]) {
        let st: fs.Stats;
        try {
          st = fs.lstatSync(top);
        } catch {
          continue;
        }
        if (st.isSymbolicLink()) args.push("--symlink", fs.readlinkSync(top), top);
        else if (st.isDirectory()) args.push("--ro-bind", top, top);
      }
      if (!info.nodePath.startsWith("/usr/")) {
        const prefix = path.dirname(path.dirname(info.nodePath)); // e.g. ~/.nvm/versions/node/v20.x
        args.push("--ro-bind", prefix, prefix);
      }
      if (!info.tools.prlimit.startsWith("/usr/")) args.push("--ro-bind", info.tools.prlimit, info.tools.prlimit);
      args.push("--proc", "/proc", "--dev", "/dev", "--size", String(16 * MiB), "--tmpfs", "/tmp");
      args.push("--ro-bind", jobDir, "/job", "--chdir", "/job");
      for (const [k, v] of Object.entries(env)) args.push("--setenv", k, v);
      args.push("--", info.tools.prlimit, ...prlimitArgs, info.nodePath, ...nodeArgs);
      return { file: info.tools.bwrap!, args, env: {}, cwd: jobDir, ...spawnAs };
    }
    case "unshare":
      // sh becomes pid 1 of the new pid namespace, so that node is an ordinary process (pid 1 ignores signals it
      // has no handler for, even SIGKILL and abort()'s SIGABRT from itself); when node ends, sh ends the namespace.
      return {
        file: info.tools.unshare!,
        args: [
          "--user", "--net", "--pid", "--ipc", "--uts", "--fork", "--kill-child", "--",
          info.tools.sh!, "-c", '"$@"; exit $?', "sandbox", info.tools.prlimit, ...prlimitArgs, info.nodePath, ...nodeArgs,
        ],
        env, cwd: jobDir, ...spawnAs,
      };
    case "permission":
      // sh stays in between (it does not exec the last command because of `; exit`), so the job's parent is not
      // the grader: process.kill(process.ppid) only ends the wrapper, and the grader then kills the group.
      return {
        file: info.tools.sh!,
        args: ["-c", '"$@"; exit $?', "sandbox", info.tools.prlimit, ...prlimitArgs, info.nodePath, ...nodeArgs],
        env, cwd: jobDir, ...spawnAs,
      };
  }
}

/** Process groups of running jobs, killed if the grader exits while they run. */
const liveGroups = new Set<number>();
let exitHookInstalled = false;
function trackGroup(pid: number): void {
  liveGroups.add(pid);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once("exit", () => {
      for (const g of liveGroups) killGroup(g);
    });
  }
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // already gone
  }
}

class Capture {
  private chunks: Buffer[] = [];
  bytes = 0;
  truncated = false;
  constructor(private readonly cap: number) {}
  /** Returns false once the cap is exceeded. */
  push(chunk: Buffer): boolean {
    if (this.truncated) return false;
    const room = this.cap - this.bytes;
    if (chunk.length > room) {
      if (room > 0) this.chunks.push(chunk.subarray(0, room));
      this.bytes = this.cap;
      this.truncated = true;
      return false;
    }
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    return true;
  }
  text(): string {
    return Buffer.concat(this.chunks).toString("utf8");
  }
}

const SIGNAL_NAMES = new Map<number, string>();
for (const [name, n] of Object.entries(os.constants.signals)) if (!SIGNAL_NAMES.has(n)) SIGNAL_NAMES.set(n, name); // SIGABRT, not SIGIOT

async function runWith(info: SandboxInfo, o: RunOptions): Promise<RunResult> {
  if (!(o.timeoutMs > 0)) throw new RangeError(`runSandboxed: timeoutMs must be positive, got ${o.timeoutMs}`);
  if (!(o.memoryBytes >= MIN_MEMORY_BYTES)) {
    throw new RangeError(`runSandboxed: memoryBytes must be at least ${MIN_MEMORY_BYTES} (Node needs ~730 MiB of address space to start), got ${o.memoryBytes}`);
  }
  if (!(o.outputCapBytes > 0)) throw new RangeError("runSandboxed: outputCapBytes must be positive");
  const jobDir = fs.realpathSync(path.resolve(o.jobDir));
  if (!fs.statSync(jobDir).isDirectory()) throw new Error(`runSandboxed: ${jobDir} is not a directory`);
  const scriptRel = path.normalize(o.script);
  if (path.isAbsolute(scriptRel) || scriptRel.split(path.sep).includes("..")) {
    throw new Error(`runSandboxed: script must be a path inside jobDir, got ${o.script}`);
  }
  if (!fs.existsSync(path.join(jobDir, scriptRel))) throw new Error(`runSandboxed: ${path.join(jobDir, scriptRel)} does not exist`);
  if (info.uid !== null && process.getuid?.() === 0) {
    // The job runs as uid 65534 on the host's file system: it must be able to reach and read the job dir.
    const st = fs.statSync(jobDir);
    if ((st.mode & 0o005) !== 0o005) fs.chmodSync(jobDir, (st.mode & 0o7777) | 0o755);
    for (let dir = path.dirname(jobDir); ; dir = path.dirname(dir)) {
      const mode = fs.statSync(dir).mode;
      if ((mode & 0o001) === 0) {
        throw new Error(
          `runSandboxed: sandbox level '${info.level}' runs jobs as uid ${info.uid}, which cannot enter ${dir} (mode ${(mode & 0o777).toString(8)}); ` +
            "put job dirs under a world-traversable directory (e.g. chmod 755 the per-run temp dir)",
        );
      }
      if (dir === path.dirname(dir)) break;
    }
  }

  const nonce = randomBytes(24).toString("base64url");
  const cmd = buildCommand(info, { ...o, script: scriptRel }, jobDir, nonce);
  const stdout = new Capture(o.outputCapBytes);
  const stderr = new Capture(o.outputCapBytes);
  const channel = new Capture(o.resultCapBytes ?? DEFAULT_LIMITS.resultCapBytes);
  let timedOut = false;
  let overOutput: string | null = null;
  let overResult = false;

  const t0 = performance.now();
  const child = spawn(cmd.file, cmd.args, {
    cwd: cmd.cwd,
    env: cmd.env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe", "pipe"],
    ...(cmd.uid !== undefined ? { uid: cmd.uid, gid: cmd.gid } : {}),
  });
  const pid = child.pid;
  const spawnError = new Promise<Error>((resolve) => child.once("error", resolve));
  if (pid === undefined) {
    const err = await spawnError;
    throw new Error(`runSandboxed: could not start ${cmd.file}: ${err.message}`);
  }
  trackGroup(pid);
  const kill = () => killGroup(pid);

  const timer = setTimeout(() => {
    timedOut = true;
    kill();
  }, o.timeoutMs);

  child.stdout!.on("data", (c: Buffer) => {
    if (!stdout.push(c) && overOutput === null) {
      overOutput = "stdout";
      kill();
    }
  });
  child.stderr!.on("data", (c: Buffer) => {
    if (!stderr.push(c) && overOutput === null) {
      overOutput = "stderr";
      kill();
    }
  });
  const resultStream = child.stdio[3] as NodeJS.ReadableStream;
  resultStream.on("data", (c: Buffer) => {
    if (!channel.push(c) && !overResult) {
      overResult = true;
      kill();
    }
  });
  for (const s of [child.stdout!, child.stderr!, resultStream]) s.on("error", () => {});

  const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
    child.once("exit", (c, s) => {
      exited = { code: c, signal: s };
      // Stragglers (anything the job left in its group) die with it; the pipes then close.
      kill();
      setTimeout(() => {
        for (const s2 of [child.stdout!, child.stderr!, child.stdio[3]]) (s2 as NodeJS.ReadableStream & { destroy(): void }).destroy();
        resolve(exited!);
      }, 2000).unref();
    });
    child.once("close", (c, s) => resolve(exited ?? { code: c, signal: s }));
  });
  clearTimeout(timer);
  liveGroups.delete(pid);
  const durationMs = performance.now() - t0;

  // bwrap and sh report a job killed by signal n as exit code 128 + n (so does a job calling process.exit(128 + n)).
  let sig: string | null = signal;
  if (sig === null && code !== null && code > 128 && code < 128 + 65) {
    sig = SIGNAL_NAMES.get(code - 128) ?? null;
  }
  const out = stdout.text();
  const err = stderr.text();
  const decoded = decodeChannel(channel.text(), nonce);
  const base = {
    exitCode: code, signal: sig, stdout: out, stderr: err, durationMs, parts: decoded.parts,
    stdoutTruncated: stdout.truncated, stderrTruncated: stderr.truncated, level: info.level,
  };
  const fail = (status: RunStatus, fault: string): RunResult => ({ ...base, status, resultJson: null, fault });
  const secs = (ms: number) => `${+(ms / 1000).toFixed(1)} s`;

  if (overOutput !== null) return fail("output-limit", `the job wrote more than ${o.outputCapBytes} bytes to ${overOutput} and was stopped`);
  if (overResult) return fail("output-limit", `the job sent more than ${o.resultCapBytes ?? DEFAULT_LIMITS.resultCapBytes} bytes of results and was stopped`);
  if (timedOut) return fail("timeout", `time limit of ${secs(o.timeoutMs)} reached (infinite loop or too slow); the job was killed`);
  if (sig === "SIGXCPU") return fail("timeout", `CPU time limit of ${o.cpuSeconds ?? cpuSecondsFor(o.timeoutMs)} s reached; the job was killed`);
  const fault = classifyStderr(err);
  if (/^bwrap: /m.test(err) && code !== 0 && !decoded.final) {
    return fail("crashed", `the sandbox failed to start: ${/^bwrap: .*$/m.exec(err)![0]}`);
  }
  if (fault.kind === "memory") return fail("memory", `out of memory (limit ${Math.round(o.memoryBytes / MiB)} MiB address space, ${o.heapMiB ?? heapMiBFor(o.memoryBytes)} MiB heap): ${fault.line}`);
  if (sig !== null) return fail("killed", `the job was killed by ${sig}${fault.line ? ` (${fault.line})` : ""}`);
  if (code !== 0) {
    const why =
      fault.kind === "access-denied" ? `it tried something the sandbox forbids: ${fault.line}`
      : fault.kind === "stack" ? `stack overflow (infinite recursion?): ${fault.line}`
      : fault.line ? fault.line
      : "no error message";
    return fail("crashed", `the job exited with code ${code}: ${why}`);
  }
  if (decoded.error) return fail("crashed", decoded.error);
  if (decoded.final === undefined) {
    return fail("crashed", "the job exited with code 0 without reporting a result (did the submission call process.exit()?)");
  }
  return { ...base, status: "ok", resultJson: decoded.final };
}

// ---------------------------------------------------------------------------------------------------------------
// Result channel

/** Decodes one value sent by grader/run/sandbox-channel.ts (non-finite numbers, bigints). */
export function decodeChannelValue(json: string): unknown {
  return JSON.parse(json, (_k, v: unknown) => {
    if (v !== null && typeof v === "object" && !Array.isArray(v)) {
      const keys = Object.keys(v);
      if (keys.length === 1 && keys[0] === "$nonfinite") {
        const s = (v as { $nonfinite: unknown }).$nonfinite;
        return s === "NaN" ? NaN : s === "Infinity" ? Infinity : s === "-Infinity" ? -Infinity : v;
      }
      if (keys.length === 1 && keys[0] === "$bigint" && typeof (v as { $bigint: unknown }).$bigint === "string") {
        try {
          return BigInt((v as { $bigint: string }).$bigint);
        } catch {
          return v;
        }
      }
    }
    return v;
  });
}

interface Decoded {
  final: unknown | undefined;
  parts: Record<string, unknown>;
  error?: string;
}

function decodeChannel(text: string, nonce: string): Decoded {
  if (text.length === 0) return { final: undefined, parts: {} };
  const parts: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  // Frames before the first damaged one came from the channel (they carry the nonce, which student code never
  // sees), so they are kept: sabotage in a late block cannot take back earlier tests' values.
  const tampered = (why: string): Decoded => ({ final: undefined, parts, error: `the result channel was tampered with or damaged (${why}); result discarded` });
  const complete = text.endsWith("\n");
  const lines = (complete ? text.slice(0, -1) : text).split("\n");
  let final: unknown | undefined;
  for (const [i, line] of lines.entries()) {
    if (!complete && i === lines.length - 1) return tampered("incomplete last frame");
    let frame: unknown;
    try {
      frame = decodeChannelValue(line);
    } catch {
      return tampered(`frame ${i + 1} is not JSON`);
    }
    if (frame === null || typeof frame !== "object") return tampered(`frame ${i + 1} is not an object`);
    const f = frame as { n?: unknown; k?: unknown; key?: unknown; v?: unknown };
    if (f.n !== nonce) return tampered(`frame ${i + 1} does not carry this run's nonce (forged?)`);
    if (final !== undefined) return tampered("frames after the final result");
    if (f.k === "part" && typeof f.key === "string") parts[f.key] = f.v;
    else if (f.k === "final") final = f.v === undefined ? null : f.v;
    else return tampered(`frame ${i + 1} has an unknown kind`);
  }
  return { final, parts };
}
