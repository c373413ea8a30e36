/**
 * Which sandbox level works on this machine, and what one job costs.
 *
 *   npm run grader:probe                 # probe all levels, time a trivial job and a lib/tensor matmul job
 *   npm run grader:probe -- --runs 30    # more repetitions
 *
 * Prints every level's probe verdict, the warnings of the chosen level, and median / p90 wall-clock times per job
 * (spawn to exit, as runSandboxed reports them) next to a bare `node` run of the same bundle for comparison.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { compileBundle, trustedRoots } from "../grader/run/compile";
import { GiB, MiB } from "../grader/run/limits";
import { probeSandbox, runSandboxed, SANDBOX_LEVELS, type SandboxInfo } from "../grader/run/sandbox";

const repo = path.resolve(__dirname, "..");

function stats(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => s[Math.min(s.length - 1, Math.floor(p * s.length))];
  return `min ${s[0].toFixed(0)} ms, median ${q(0.5).toFixed(0)} ms, p90 ${q(0.9).toFixed(0)} ms (n=${s.length})`;
}

async function main(): Promise<void> {
  const runsArg = process.argv.indexOf("--runs");
  const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 15;

  const levels: SandboxInfo[] = [];
  for (const level of SANDBOX_LEVELS) {
    try {
      const info = await probeSandbox({ levels: [level], warn: () => {} });
      levels.push(info);
    } catch (e) {
      console.log(`${level}: not available\n${String((e as Error).message).split("\n").slice(1).join("\n")}`);
    }
  }
  const chosen = await probeSandbox({ warn: (w) => console.log(w) });
  for (const a of chosen.attempts) console.log(`${a.level}: ${a.ok ? "OK" : "no"} (${a.durationMs} ms) ${a.detail}`);
  console.log(`chosen: ${chosen.summary}`);

  const root = fs.mkdtempSync(path.join(os.tmpdir(), "grader-bench-"));
  try {
    fs.chmodSync(root, 0o755);
    const stage = path.join(root, "stage");
    const job = path.join(root, "job");
    fs.mkdirSync(stage);
    fs.mkdirSync(job, { mode: 0o755 });
    const channel = JSON.stringify(path.join(repo, "grader", "run", "sandbox-channel"));
    fs.writeFileSync(path.join(stage, "trivial.ts"), `import { reportResult } from ${channel};\nreportResult(42);\n`);
    fs.writeFileSync(
      path.join(stage, "matmul.ts"),
      `import { reportResult } from ${channel};\nimport { manualSeed, randn } from "./lib/tensor";\n` +
        `const n = Number(process.argv[2]); manualSeed(0); const a = randn([n, n]);\nreportResult(a.matmul(a).sum().item());\n`,
    );
    for (const name of ["trivial", "matmul"]) {
      const c = await compileBundle({
        entry: path.join(stage, `${name}.ts`), outFile: path.join(job, `${name}.js`), displayRoot: stage,
        allowedRoots: [stage, ...trustedRoots(repo)], redirects: [{ from: path.join(stage, "lib"), to: path.join(repo, "lib") }],
      });
      if (!c.ok) throw new Error(c.text);
      console.log(`compile ${name}: ${c.durationMs.toFixed(0)} ms, ${fs.statSync(c.outFile).size} bytes`);
    }
    const cases: [string, string[]][] = [["trivial.js", []], ["matmul.js", ["64"]], ["matmul.js", ["256"]]];
    const env = { TENSOR_QUIET: "1", TENSOR_BACKEND: "portable" }; // same kernel everywhere (addons are refused in the sandbox)
    for (const [script, args] of cases) {
      // Variants are interleaved so that background load spreads evenly over them.
      const times = new Map<string, number[]>([["bare node", []], ...levels.map((l): [string, number[]] => [l.level, []])]);
      const status = new Map<string, string>();
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        const bare = spawnSync(process.execPath, [path.join(job, script), ...args], {
          cwd: job, env: { PATH: "/usr/bin:/bin", GRADER_RESULT_NONCE: "x", ...env }, stdio: ["ignore", "ignore", "pipe", "pipe"],
        });
        times.get("bare node")!.push(performance.now() - t0);
        status.set("bare node", bare.status === 0 ? "ok" : `exit ${bare.status}: ${String(bare.stderr).slice(0, 200)}`);
        for (const info of levels) {
          const r = await runSandboxed({ jobDir: job, script, args, timeoutMs: 20_000, memoryBytes: 2 * GiB, outputCapBytes: MiB, sandbox: info, env });
          status.set(info.level, r.status === "ok" ? "ok" : `${r.status}: ${r.fault}`);
          times.get(info.level)!.push(r.durationMs);
        }
      }
      for (const [name, xs] of times) console.log(`${`${script} ${args.join(" ")}`.padEnd(14)} ${name.padEnd(10)} ${stats(xs)} [${status.get(name)}]`);
    }
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
