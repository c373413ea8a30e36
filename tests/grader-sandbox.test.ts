import { AsyncLocalStorage } from "node:async_hooks";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it, type TestContext } from "vitest";
import { compileBundle, trustedRoots } from "../grader/run/compile";
import { GiB } from "../grader/run/limits";
import { probeSandbox, runSandboxed, SANDBOX_LEVELS, type RunOptions, type RunResult, type SandboxInfo, type SandboxLevel } from "../grader/run/sandbox";

// Hostile submissions, each compiled the way the grader does it (a runner that imports the result channel first,
// then the "student" module, bundled with esbuild) and run in the sandbox. Every case must be contained, classified
// with a readable reason, and leave this test process alone. Jobs run concurrently (the grader's --jobs N).

const repo = path.resolve(__dirname, "..");
const isRoot = process.getuid?.() === 0;
let sandbox: SandboxInfo;
let tmp: string;
let hiddenInRepo: string;
let hiddenInTmp: string;
let jobNo = 0;

beforeAll(async () => {
  sandbox = await probeSandbox({ warn: () => {} });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "grader-sandbox-test-"));
  fs.chmodSync(tmp, 0o755); // jobs may run as uid 65534 (levels unshare/permission)
  const tag = `${process.pid}-${Date.now()}`;
  hiddenInRepo = path.join(repo, "grader", `.hidden-sandbox-test-${tag}.txt`);
  hiddenInTmp = path.join(tmp, "hidden-secret.txt");
  fs.writeFileSync(hiddenInRepo, "SECRET-REPO", { mode: 0o644 });
  fs.writeFileSync(hiddenInTmp, "SECRET-TMP", { mode: 0o644 });
});

afterAll(() => {
  if (process.env.GRADER_TEST_VERBOSE === "1") console.log(outcomes.join("\n"));
  fs.rmSync(hiddenInRepo, { force: true });
  fs.rmSync(tmp, { recursive: true, force: true });
});

const DEFAULT_RUNNER = `
import { reportResult } from ${JSON.stringify(path.join(repo, "grader", "run", "sandbox-channel"))};
import * as student from "./student";
Promise.resolve(student.run()).then((v) => reportResult(v));
`;

/** Compiles `student` (a TS module exporting run()) with a runner into <tmp>/job-N/job/bundle.js; returns the job dir. */
async function buildJob(student: string, runner = DEFAULT_RUNNER): Promise<string> {
  const root = path.join(tmp, `job-${++jobNo}`);
  const stage = path.join(root, "stage");
  const job = path.join(root, "job");
  fs.mkdirSync(stage, { recursive: true });
  fs.mkdirSync(job, { mode: 0o755 });
  fs.chmodSync(root, 0o755);
  fs.writeFileSync(path.join(stage, "student.ts"), student);
  fs.writeFileSync(path.join(stage, "runner.ts"), runner);
  const c = await compileBundle({
    entry: path.join(stage, "runner.ts"), outFile: path.join(job, "bundle.js"), displayRoot: stage,
    allowedRoots: [stage, ...trustedRoots(repo)], redirects: [{ from: path.join(stage, "lib"), to: path.join(repo, "lib") }],
    sourcemap: true,
  });
  if (!c.ok) throw new Error(`test job does not compile:\n${c.text}`);
  return job;
}

/** GRADER_TEST_VERBOSE=1 prints what every job produced (status, fault, result) at the end. */
const outcomes: string[] = [];
const currentTest = new AsyncLocalStorage<string>();
/** `it` that remembers the test's name for the outcome log (concurrent tests share expect.getState()). */
function test(name: string, fn: (ctx: TestContext) => Promise<void>): void {
  it(name, (ctx) => currentTest.run(name, () => fn(ctx)));
}

async function run(job: string, over: Partial<RunOptions> = {}): Promise<RunResult> {
  const testName = currentTest.getStore() ?? "?";
  const r = await runSandboxed({
    jobDir: job, script: "bundle.js", timeoutMs: 8000, memoryBytes: 2 * GiB, outputCapBytes: 64 * 1024, sandbox,
    nodeArgs: ["--enable-source-maps"], env: { TENSOR_QUIET: "1" }, ...over,
  });
  outcomes.push(
    `${testName}\n    [${r.level}] ${r.status} in ${Math.round(r.durationMs)} ms${r.fault ? `: ${r.fault}` : ""}` +
      `${r.resultJson !== null ? ` | result ${JSON.stringify(r.resultJson).slice(0, 300)}` : ""}`,
  );
  return r;
}

async function runStudent(student: string, over: Partial<RunOptions> = {}): Promise<RunResult> {
  return run(await buildJob(student), over);
}

const DENIED = ["ERR_ACCESS_DENIED", "ENOENT", "EACCES", "EPERM", "EROFS"];

describe("sandbox probe", () => {
  it("finds a working level and says what it isolates", () => {
    expect(SANDBOX_LEVELS).toContain(sandbox.level);
    expect(sandbox.attempts.at(-1)).toMatchObject({ level: sandbox.level, ok: true });
    if (sandbox.level === "permission") expect(sandbox.warnings.join(" ")).toMatch(/NETWORK IS NOT ISOLATED/);
    else expect(sandbox.networkIsolated).toBe(true);
    console.log(`[sandbox] level ${sandbox.level}: ${sandbox.attempts.map((a) => `${a.level} ${a.ok ? "ok" : "no"} (${a.detail})`).join("; ")}`);
  });
});

describe.concurrent("hostile submissions", () => {
  test("a well-behaved job reports its values; the nonce is gone from the environment; parts are kept", async () => {
    const runner = `
import { reportPart, reportResult } from ${JSON.stringify(path.join(repo, "grader", "run", "sandbox-channel"))};
import * as student from "./student";
reportPart("first", student.run());
reportResult({ again: student.run(), nonFinite: [NaN, Infinity, -Infinity], typed: new Float64Array([1.5, 2]) });
`;
    const job = await buildJob(
      `import { tensor } from "./lib/tensor";
       export function run() { return { sum: tensor([[1, 2], [3, 4]]).matmul(tensor([[1], [1]])).toArray(), env: Object.keys(process.env).filter((k) => k !== "PWD").sort() }; }`,
      runner,
    );
    const r = await run(job);
    expect(r.status, r.fault ?? r.stderr).toBe("ok");
    expect(r.fault).toBeUndefined();
    const expected = { sum: [3, 7], env: ["LANG", "PATH", "TENSOR_QUIET"] };
    expect(r.parts).toEqual({ first: expected });
    expect(r.resultJson).toEqual({ again: expected, nonFinite: [NaN, Infinity, -Infinity], typed: [1.5, 2] });
  });

  test("infinite loop: killed at the wall-clock limit, classified as timeout; parts sent before survive", async () => {
    const runner = `
import { reportPart, reportResult } from ${JSON.stringify(path.join(repo, "grader", "run", "sandbox-channel"))};
import * as student from "./student";
reportPart("test1", 42);
reportResult(student.run());
`;
    const job = await buildJob("export function run() { for (;;) {} }", runner);
    const r = await run(job, { timeoutMs: 1500 });
    expect(r.status).toBe("timeout");
    expect(r.fault).toMatch(/time limit of 1.5 s/);
    expect(r.resultJson).toBeNull();
    expect(r.parts).toEqual({ test1: 42 });
    // Stopped by the limit, not by some later fallback: a loose bound, so a loaded machine cannot fail it.
    expect(r.durationMs).toBeLessThan(1500 + 10_000);
  });

  test("memory hog with Buffers (not capped by the V8 heap limit): stopped by RLIMIT_AS, classified as memory", async () => {
    const r = await runStudent(
      "export function run() { const keep: Buffer[] = []; for (;;) keep.push(Buffer.alloc(64 * 1024 * 1024, 1)); }",
      { memoryBytes: 1.25 * GiB },
    );
    expect(r.status).toBe("memory");
    expect(r.fault).toMatch(/out of memory.*Array buffer allocation failed/);
  });

  test("memory hog with JS objects: V8 heap limit, classified as memory", async () => {
    const r = await runStudent(
      "export function run() { const keep: number[][] = []; for (;;) keep.push(new Array(1e6).fill(1.5)); }",
      { memoryBytes: 1.25 * GiB },
    );
    expect(r.status).toBe("memory");
    expect(r.fault).toMatch(/heap out of memory|heap limit/i);
  });

  test("process.exit(0) with fake 'all passed' output and no result: a failure (no result)", async () => {
    const r = await runStudent(`
      console.log("Test Files  1 passed (1)\\n     Tests  12 passed (12)\\nSCORE: 100/100");
      process.exit(0);
      export function run() { return 0; }`);
    expect(r.status).toBe("crashed");
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/SCORE: 100\/100/);
    expect(r.resultJson).toBeNull();
    expect(r.fault).toMatch(/without reporting a result/);
  });

  test("forging a result frame on fd 3 and exiting: rejected (no nonce)", async () => {
    const r = await runStudent(`
      import * as fs from "node:fs";
      const nonce = process.env.GRADER_RESULT_NONCE;   // already deleted by the channel module
      fs.writeSync(3, JSON.stringify({ k: "final", v: { score: 100, passed: true }, n: nonce ?? "guess" }) + "\\n");
      process.exit(0);
      export function run() { return 0; }`);
    expect(r.status).toBe("crashed");
    expect(r.resultJson).toBeNull();
    expect(r.fault).toMatch(/tampered.*nonce/);
  });

  test("forging a frame before the real result: the whole result is discarded", async () => {
    const r = await runStudent(`
      import * as fs from "node:fs";
      export function run() { fs.writeSync(3, '{"k":"final","v":100}\\n'); return 1; }`);
    expect(r.status).toBe("crashed");
    expect(r.resultJson).toBeNull();
    expect(r.fault).toMatch(/tampered/);
  });

  test("patching fs.writeSync / JSON.stringify cannot rewrite the result (the channel captured them first)", async () => {
    const r = await runStudent(`
      const fs = require("node:fs");
      const write = fs.writeSync;
      fs.writeSync = (fd: number, buf: any, ...rest: any[]) => write(fd, String(buf).replace("41", "100"), ...rest);
      JSON.stringify = () => '{"k":"final","v":100}';
      export function run() { return 41; }`);
    expect(r.status, r.fault).toBe("ok");
    expect(r.resultJson).toBe(41); // a value: the parent compares it with its own expected value
  });

  test("reading hidden files outside the job dir (repo grader/, /tmp, /etc, solutions/) fails inside", async () => {
    const r = await runStudent(`
      import * as fs from "node:fs";
      export function run() {
        const out: Record<string, string> = {};
        for (const p of ${JSON.stringify([hiddenInRepo, hiddenInTmp, "/etc/passwd", path.join(repo, "solutions"), "/proc/1/environ"])}) {
          try { out[p] = "READ:" + String(fs.statSync(p).isDirectory() ? fs.readdirSync(p) : fs.readFileSync(p, "utf8")); }
          catch (e: any) { out[p] = e.code ?? String(e); }
        }
        return out;
      }`);
    expect(r.status, r.fault).toBe("ok");
    for (const [p, v] of Object.entries(r.resultJson as Record<string, string>)) {
      expect(DENIED, `${p} -> ${v}`).toContain(v);
    }
  });

  test("an uncaught access error crashes the job with a clear 'forbids' reason", async () => {
    const r = await runStudent(`import * as fs from "node:fs"; export function run() { return fs.readFileSync(${JSON.stringify(hiddenInRepo)}, "utf8"); }`);
    expect(r.status).toBe("crashed");
    expect(r.fault).toMatch(/forbids: ERR_ACCESS_DENIED \(FileSystemRead .*hidden-sandbox-test|ENOENT/);
  });

  test("writing outside the job dir, or into it, fails; nothing appears on the host", async () => {
    const targets = [path.join(tmp, "written-by-student.txt"), path.join(repo, "grader", "written-by-student.txt"), "/tmp/written-by-student.txt"];
    const r = await runStudent(`
      import * as fs from "node:fs";
      import * as path from "node:path";
      export function run() {
        const out: Record<string, string> = {};
        for (const p of [...${JSON.stringify(targets)}, path.join(__dirname, "bundle.js"), path.join(__dirname, "new.txt")]) {
          try { fs.writeFileSync(p, "pwned"); out[p] = "WROTE"; } catch (e: any) { out[p] = e.code ?? String(e); }
        }
        return out;
      }`);
    expect(r.status, r.fault).toBe("ok");
    for (const [p, v] of Object.entries(r.resultJson as Record<string, string>)) expect(DENIED, `${p} -> ${v}`).toContain(v);
    for (const p of targets) expect(fs.existsSync(p), p).toBe(false);
  });

  test("network: connecting to a TCP server on 127.0.0.1 fails", async () => {
    const server = net.createServer((s) => s.end("hello"));
    let connections = 0;
    server.on("connection", () => connections++);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const r = await runStudent(`
        import * as net from "node:net";
        export function run() {
          return new Promise((resolve) => {
            const s = net.connect(${port}, "127.0.0.1");
            s.on("connect", () => resolve("CONNECTED"));
            s.on("error", (e: any) => resolve(e.code));
            setTimeout(() => resolve("TIMEOUT"), 2000).unref();
          });
        }`);
      expect(r.status, r.fault).toBe("ok");
      if (sandbox.networkIsolated) {
        expect(["ECONNREFUSED", "ENETUNREACH", "EACCES", "EPERM"]).toContain(r.resultJson);
        expect(connections).toBe(0);
      } else {
        expect(r.resultJson).toBe("CONNECTED"); // level "permission": documented and warned about
      }
    } finally {
      server.close();
    }
  });

  test("killing the parent / the grader / everything: the grader survives", async (ctx) => {
    // At level "permission" without root the job runs as our own uid and really could kill us: skip there.
    if (sandbox.level === "permission" && !isRoot) ctx.skip();
    const job = await buildJob(`
      export function run() {
        const out: Record<string, string> = {};
        const attempt = (name: string, pid: number) => { try { process.kill(pid, "SIGKILL"); out[name] = "sent"; } catch (e: any) { out[name] = e.code; } };
        attempt("grader", Number(process.argv[2]));
        attempt("ppid", process.ppid);
        return out;
      }`);
    const r = await run(job, { args: [String(process.pid)] });
    // We are still here. Depending on the level the job may have taken itself down with its wrapper.
    expect(process.pid).toBeGreaterThan(0);
    if (r.status === "ok") expect((r.resultJson as Record<string, string>).grader).toMatch(/ESRCH|EPERM/);
    else expect(["killed", "crashed"]).toContain(r.status);
    const r2 = await runStudent(`export function run() { try { process.kill(-1, "SIGKILL"); } catch (e: any) { return e.code; } return "sent"; }`);
    expect(["ok", "killed", "crashed"]).toContain(r2.status);
  });

  test("child_process and worker_threads are forbidden", async () => {
    const r = await runStudent(`
      import * as cp from "node:child_process";
      import { Worker } from "node:worker_threads";
      export function run() {
        const out: Record<string, string> = {};
        try { cp.spawnSync("/bin/sh", ["-c", "echo hi"]); out.spawn = "SPAWNED"; } catch (e: any) { out.spawn = e.code; }
        try { new Worker("setInterval(() => {}, 1000)", { eval: true }); out.worker = "STARTED"; } catch (e: any) { out.worker = e.code; }
        return out;
      }`);
    expect(r.status, r.fault).toBe("ok");
    expect(r.resultJson).toEqual({ spawn: "ERR_ACCESS_DENIED", worker: "ERR_ACCESS_DENIED" });
  });

  test("flooding stdout: stopped at the output cap", async () => {
    const r = await runStudent(`export function run() { for (;;) console.log("spam ".repeat(200)); }`);
    expect(r.status).toBe("output-limit");
    expect(r.stdoutTruncated).toBe(true);
    expect(r.stdout.length).toBe(64 * 1024);
    expect(r.fault).toMatch(/more than 65536 bytes to stdout/);
  });

  test("flooding the result channel: stopped at the result cap", async () => {
    const runner = `
import { reportPart } from ${JSON.stringify(path.join(repo, "grader", "run", "sandbox-channel"))};
import * as student from "./student";
for (;;) reportPart("x", student.run());
`;
    const r = await run(await buildJob(`export function run() { return "y".repeat(100000); }`, runner), { resultCapBytes: 1024 * 1024 });
    expect(r.status).toBe("output-limit");
    expect(r.fault).toMatch(/more than 1048576 bytes of results/);
    expect(r.resultJson).toBeNull();
  });

  test("bad options are programming errors and throw (memory below what Node needs, script outside the job dir)", async () => {
    const job = await buildJob("export function run() { return 1; }");
    await expect(run(job, { memoryBytes: 512 * 1024 * 1024 })).rejects.toThrow(/at least 1073741824/);
    await expect(run(job, { script: "../stage/runner.ts" })).rejects.toThrow(/inside jobDir/);
  });

  test("a thrown error is 'crashed' with the student's file:line (source maps)", async () => {
    const r = await runStudent(`export function run(): number {\n  const x = 1;\n  throw new TypeError("boom at line 3");\n}`);
    expect(r.status).toBe("crashed");
    expect(r.fault).toMatch(/TypeError: boom at line 3/);
    expect(r.stderr).toMatch(/student\.ts:3/);
  });

  test("a job that SIGKILLs itself is 'killed'", async () => {
    const r = await runStudent(`export function run() { process.kill(process.pid, "SIGKILL"); return 1; }`);
    expect(r.status).toBe("killed");
    expect(r.fault).toMatch(/SIGKILL/);
  });

  test("runaway recursion is 'crashed' with a stack-overflow reason", async () => {
    const r = await runStudent(`function f(n: number): number { return f(n + 1) + 1; } export function run() { return f(0); }`);
    expect(r.status).toBe("crashed");
    expect(r.fault).toMatch(/stack overflow/);
  });

  test("parallel jobs do not interfere", async () => {
    const jobs = await Promise.all([1, 2, 3, 4].map((k) => buildJob(`export function run() { return ${k} * 10; }`)));
    const rs = await Promise.all(jobs.map((j) => run(j)));
    expect(rs.map((r) => r.resultJson)).toEqual([10, 20, 30, 40]);
  });
});

describe.concurrent("the OS layer alone (bubblewrap, permission model off)", () => {
  test("hidden files are absent, the job dir is read-only, /tmp is private", async (ctx) => {
    if (sandbox.level !== "bwrap") ctx.skip();
    const r = await runStudent(`
      import * as fs from "node:fs";
      import * as path from "node:path";
      export function run() {
        const out: Record<string, string> = {};
        const tryIt = (name: string, f: () => unknown) => { try { f(); out[name] = "OK"; } catch (e: any) { out[name] = e.code ?? String(e); } };
        tryIt("readRepo", () => fs.readFileSync(${JSON.stringify(hiddenInRepo)}));
        tryIt("readTmp", () => fs.readFileSync(${JSON.stringify(hiddenInTmp)}));
        tryIt("readEtc", () => fs.readFileSync("/etc/passwd"));
        tryIt("writeJob", () => fs.writeFileSync(path.join(__dirname, "x"), "x"));
        tryIt("writeTmp", () => fs.writeFileSync("/tmp/written-by-student.txt", "x"));
        tryIt("writeUsr", () => fs.writeFileSync("/usr/x", "x"));
        out.uid = String(process.getuid!());
        return out;
      }`, { permissionModel: false });
    expect(r.status, r.fault).toBe("ok");
    expect(r.resultJson).toEqual({
      readRepo: "ENOENT", readTmp: "ENOENT", readEtc: "ENOENT", writeJob: "EROFS", writeTmp: "OK", writeUsr: "EROFS", uid: "65534",
    });
    expect(fs.existsSync("/tmp/written-by-student.txt")).toBe(false);
  });

  test("a fork bomb is contained by RLIMIT_NPROC and the pid namespace, and leaves nothing behind", async (ctx) => {
    if (sandbox.level !== "bwrap") ctx.skip();
    const marker = `sleep 7${String(Date.now() % 1000).padStart(3, "0")}`;
    const r = await runStudent(`
      import * as cp from "node:child_process";
      export function run() {
        const script = "i=0; while [ $i -lt 500 ]; do ${marker} >/dev/null 2>&1 & i=$((i+1)); echo $i; done";
        const res = cp.spawnSync("/bin/sh", ["-c", script], { encoding: "utf8", timeout: 3000 });
        const lines = String(res.stdout).trim().split("\\n");
        return { started: Number(lines[lines.length - 1]), err: String(res.stderr).trim().split("\\n")[0] };
      }`, { permissionModel: false, processes: 48, timeoutMs: 5000 });
    expect(r.status, r.fault).toBe("ok");
    const { started, err } = r.resultJson as { started: number; err: string };
    expect(started).toBeLessThan(48);
    expect(err).toMatch(/fork|Resource temporarily unavailable/i);
    await new Promise((res) => setTimeout(res, 200));
    const leftovers = fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p)).filter((p) => {
      try {
        return fs.readFileSync(`/proc/${p}/cmdline`, "utf8").replace(/\0/g, " ").includes(marker);
      } catch {
        return false;
      }
    });
    expect(leftovers).toEqual([]);
  });

  test("killing every process it can see (kill -1) only hits the sandbox", async (ctx) => {
    if (sandbox.level !== "bwrap") ctx.skip();
    const r = await runStudent(`export function run() { try { process.kill(-1, "SIGKILL"); return "sent"; } catch (e: any) { return e.code; } }`, {
      permissionModel: false,
    });
    expect(r.status, r.fault).toBe("ok");
    expect(["sent", "ESRCH"]).toContain(r.resultJson); // ESRCH: nothing else is visible in its pid namespace
  });
});

describe.concurrent("each available level contains the basics", () => {
  const levels: SandboxLevel[] = [...SANDBOX_LEVELS];
  for (const level of levels) {
    test(`level ${level}: timeout, no-result exit, hidden read, write, network`, async (ctx) => {
      let info: SandboxInfo;
      try {
        info = await probeSandbox({ levels: [level], warn: () => {} });
      } catch {
        ctx.skip();
        return;
      }
      const jobLoop = await buildJob("export function run() { for (;;) {} }");
      const jobExit = await buildJob(`console.log("all passed"); process.exit(0); export function run() { return 1; }`);
      const jobIo = await buildJob(`
        import * as fs from "node:fs";
        export function run() {
          const out: string[] = [];
          try { fs.readFileSync(${JSON.stringify(hiddenInTmp)}); out.push("READ"); } catch (e: any) { out.push(e.code); }
          try { fs.writeFileSync(${JSON.stringify(path.join(tmp, `w-${level}.txt`))}, "x"); out.push("WROTE"); } catch (e: any) { out.push(e.code); }
          return out;
        }`);
      const [loop, exit, io] = await Promise.all([
        run(jobLoop, { sandbox: info, timeoutMs: 1200 }),
        run(jobExit, { sandbox: info }),
        run(jobIo, { sandbox: info }),
      ]);
      expect(loop.status).toBe("timeout");
      expect(exit.status).toBe("crashed");
      expect(exit.fault).toMatch(/without reporting a result/);
      expect(io.status, io.fault).toBe("ok");
      expect(io.resultJson).toEqual(["ERR_ACCESS_DENIED", "ERR_ACCESS_DENIED"]);
      expect(fs.existsSync(path.join(tmp, `w-${level}.txt`))).toBe(false);
      expect(info.networkIsolated).toBe(level !== "permission");
    });
  }
});

describe("compileBundle", () => {
  async function compileStudent(files: Record<string, string>) {
    const root = path.join(tmp, `compile-${++jobNo}`);
    const stage = path.join(root, "stage");
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(stage, name)), { recursive: true });
      fs.writeFileSync(path.join(stage, name), text);
    }
    return compileBundle({
      entry: path.join(stage, "runner.ts"), outFile: path.join(root, "job", "bundle.js"), displayRoot: stage,
      allowedRoots: [stage, ...trustedRoots(repo)], redirects: [{ from: path.join(stage, "lib"), to: path.join(repo, "lib") }],
    });
  }
  const runner = `import * as s from "./student_src/hw1"; console.log(s);\n`;

  it("syntax errors come back with the student's file:line:column", async () => {
    const r = await compileStudent({ "runner.ts": runner, "student_src/hw1.ts": "export function f() {\n  return 1 +;\n}\n" });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0]).toMatchObject({ file: "student_src/hw1.ts", line: 2 });
    expect(r.text).toMatch(/^student_src\/hw1\.ts:2:\d+: error: /);
    expect(r.text).toContain("return 1 +;");
  });

  it("imports of files outside the submission and lib/ are refused at compile time (no inlining solutions/ or host files)", async () => {
    for (const spec of ["../../../../../../etc/passwd", path.join(repo, "grader", "sandbox.ts"), `${path.relative(path.join(tmp, "x", "stage", "student_src"), repo)}/package.json`, "vitest"]) {
      const r = await compileStudent({ "runner.ts": runner, "student_src/hw1.ts": `import x from ${JSON.stringify(spec)};\nexport const y = x;\n` });
      expect(r.ok, spec).toBe(false);
      if (!r.ok) expect(r.text).toMatch(/student_src\/hw1\.ts:1:\d+: error: (import .* is not allowed|Could not resolve)/);
    }
  });

  it("the submission's own lib/ is replaced by the trusted one", async () => {
    const r = await compileStudent({
      "runner.ts": runner,
      "student_src/hw1.ts": `import { tensor } from "../lib/tensor";\nexport const t = tensor([1]);\n`,
      "lib/tensor/index.ts": `export const tensor = () => "HACKED";\n`,
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.inputs).toContain("lib/tensor/tensor.ts");
    expect(fs.readFileSync(r.outFile, "utf8")).not.toContain("HACKED");
  });

  it("a missing module names the importing file and line", async () => {
    const r = await compileStudent({ "runner.ts": runner, "student_src/hw1.ts": `\nimport { g } from "./helpers";\nexport const y = g;\n` });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.text).toMatch(/student_src\/hw1\.ts:2:\d+: error: Could not resolve "\.\/helpers"/);
  });
});
