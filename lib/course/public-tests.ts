/** Runs public tests with vitest (JSON reporter) in a project folder and returns one row per test. */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export interface TestRow {
  file: string;
  name: string;
  status: "passed" | "failed" | "skipped";
  message?: string;
}

export interface TestRun {
  rows: TestRow[];
  /** set when vitest itself failed (no report) */
  error: string | null;
  seconds: number;
}

/** `nodeModules` defaults to <root>/node_modules. */
export function runPublicTests(root: string, files: string[], opts: { nodeModules?: string; timeoutMs?: number } = {}): TestRun {
  const t0 = performance.now();
  const vitest = path.join(opts.nodeModules ?? path.join(root, "node_modules"), "vitest", "vitest.mjs");
  if (!fs.existsSync(vitest)) return { rows: [], error: `vitest is not installed (${vitest}): run bash scripts/setup.sh`, seconds: 0 };
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "dlvr-vitest-"));
  const report = path.join(tmp, "report.json");
  try {
    const r = spawnSync(process.execPath, [vitest, "run", ...files, "--reporter=json", `--outputFile=${report}`], {
      cwd: root, encoding: "utf8", timeout: opts.timeoutMs ?? 600_000, env: { ...process.env, CI: "1", FORCE_COLOR: "0" },
    });
    const seconds = (performance.now() - t0) / 1000;
    if (!fs.existsSync(report)) {
      return { rows: [], error: `vitest did not run (exit ${r.status}): ${(r.stderr || r.stdout || String(r.error ?? "")).trim().slice(-1500)}`, seconds };
    }
    const json = JSON.parse(fs.readFileSync(report, "utf8"));
    const rows: TestRow[] = [];
    for (const f of json.testResults ?? []) {
      const file = path.relative(root, f.name);
      if (!(f.assertionResults ?? []).length) {
        rows.push({ file, name: "(file)", status: "failed", message: String(f.message ?? "the test file failed to load").split("\n")[0] });
      }
      for (const a of f.assertionResults ?? []) {
        rows.push({
          file, name: a.fullName ?? a.title,
          status: a.status === "passed" ? "passed" : a.status === "failed" ? "failed" : "skipped",
          message: a.failureMessages?.length ? String(a.failureMessages[0]).split("\n")[0] : undefined,
        });
      }
    }
    return { rows, error: null, seconds };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
