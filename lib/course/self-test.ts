/**
 * Release self-test (release-only), in a temporary copy of the bundle with node_modules linked in:
 *  1. the bundle type-checks (tsc --noEmit with the bundle's tsconfig): stubs compile;
 *  2. the public tests fail on the stubs (every public test file has a failing test);
 *  3. with the solutions copied over the student modules, every public test passes.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { AssignmentConfig } from "./config";
import { runPublicTests, type TestRun } from "./public-tests";

export interface SelfTestResult {
  ok: boolean;
  lines: string[];
  seconds: { tsc: number; stubs: number; solutions: number };
}

const summary = (r: TestRun) => {
  const failed = r.rows.filter((x) => x.status === "failed").length;
  return { failed, passed: r.rows.filter((x) => x.status === "passed").length, total: r.rows.length };
};

export function selfTest(root: string, config: AssignmentConfig, bundleDir: string): SelfTestResult {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `dlvr-selftest-${config.id}-`));
  const lines: string[] = [];
  let ok = true;
  const seconds = { tsc: 0, stubs: 0, solutions: 0 };
  try {
    const dir = path.join(tmp, config.id);
    fs.cpSync(bundleDir, dir, { recursive: true });
    fs.symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"));

    let t0 = performance.now();
    const tsc = spawnSync(process.execPath, [path.join(root, "node_modules", "typescript", "bin", "tsc"), "--noEmit", "-p", dir], { encoding: "utf8" });
    seconds.tsc = (performance.now() - t0) / 1000;
    if (tsc.status === 0) lines.push(`tsc --noEmit over the bundle: ok (${seconds.tsc.toFixed(1)} s)`);
    else {
      ok = false;
      lines.push(`tsc --noEmit over the bundle FAILED (the stubs or the bundled scripts do not compile):\n${(tsc.stdout + tsc.stderr).trim().split("\n").slice(0, 30).map((l) => `    ${l}`).join("\n")}`);
    }

    const stubs = runPublicTests(dir, config.publicTests);
    seconds.stubs = stubs.seconds;
    const s = summary(stubs);
    const filesWithFailure = new Set(stubs.rows.filter((x) => x.status === "failed").map((x) => x.file));
    const quiet = config.publicTests.filter((f) => !filesWithFailure.has(f));
    if (stubs.error || quiet.length) {
      ok = false;
      lines.push(`public tests on the stubs: ${stubs.error ?? `${quiet.join(", ")} pass on the stubs (a test must fail until the student writes the blocks)`}`);
    } else lines.push(`public tests on the stubs: ${s.failed}/${s.total} fail, as they should (${stubs.seconds.toFixed(1)} s)`);

    for (const m of config.modules) fs.copyFileSync(path.join(root, m.solution), path.join(dir, m.student));
    t0 = performance.now();
    const sol = runPublicTests(dir, config.publicTests);
    seconds.solutions = sol.seconds;
    const r = summary(sol);
    if (sol.error || r.failed > 0 || r.total === 0) {
      ok = false;
      const failures = sol.rows.filter((x) => x.status === "failed").slice(0, 10).map((x) => `    ${x.file} > ${x.name}: ${x.message ?? ""}`);
      lines.push(`public tests on the solutions FAILED: ${sol.error ?? `${r.failed}/${r.total} failed`}${failures.length ? `\n${failures.join("\n")}` : ""}`);
    } else lines.push(`public tests on the solutions: ${r.passed}/${r.total} pass (${sol.seconds.toFixed(1)} s)`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return { ok, lines, seconds };
}
