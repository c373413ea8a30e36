// The benchmark CLI and its numpy helper, run for real with one short round (no timing is asserted: the
// numbers are for people, the tests check that every promised row and ratio is printed).
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { loadNativeBackend } from "../lib/tensor/native-backend";

const ROOT = path.resolve(__dirname, "..");
const TSX = path.join(ROOT, "node_modules", "tsx", "dist", "cli.mjs");
const PYTHON = "/usr/bin/python3";
const hasNumpy = existsSync(PYTHON) && spawnSync(PYTHON, ["-c", "import numpy"]).status === 0;
const hasNative = Boolean(loadNativeBackend().backend);

function bench(args: string[]): { code: number | null; out: string } {
  const r = spawnSync(process.execPath, [TSX, "--single-threaded-gc", "scripts/bench.ts", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, TENSOR_QUIET: "1" },
    timeout: 110_000,
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe("npm run bench", () => {
  it.skipIf(!hasNumpy)("prints the softmax rows for both dtypes with every backend and its ratio to numpy", () => {
    const backends = hasNative ? "native,portable" : "portable";
    const { code, out } = bench(["--only", "softmax", "--repeat", "1", "--rounds", "2", "--backends", backends]);
    expect(code, out).toBe(0);
    expect(out).toMatch(/best of 2 interleaved rounds/);
    for (const dtype of ["float64", "float32"]) {
      const row = out.split("\n").find((l) => l.startsWith("softmax loss+grad N=500 D=3073 C=10") && l.includes(dtype));
      expect(row, `${dtype} row in:\n${out}`).toBeDefined();
      // name, dtype, one time per backend, numpy's time, one ratio per backend: all positive numbers.
      const numbers = row!.replace("softmax loss+grad N=500 D=3073 C=10", "").replace(dtype, "").trim().split(/\s+/).map(Number);
      const n = backends.split(",").length;
      expect(numbers).toHaveLength(2 * n + 1);
      for (const x of numbers) expect(x).toBeGreaterThan(0);
    }
    expect(out).toMatch(/summary: worst ratio to numpy: /);
  });

  it("prints the workload rows without numpy when asked", () => {
    const { code, out } = bench(["--only", "net", "--repeat", "1", "--rounds", "1", "--no-numpy", "--backends", hasNative ? "native" : "portable"]);
    expect(code, out).toBe(0);
    expect(out).toMatch(/numpy not measured/);
    expect(out.split("\n").filter((l) => l.startsWith("two-layer step N=200 D=3072 H="))).toHaveLength(4);
    expect(out).not.toMatch(/summary: worst ratio/);
  });

  it("refuses an unknown backend with the list of available ones", () => {
    const { code, out } = bench(["--only", "softmax", "--backends", "gpu"]);
    expect(code).toBe(1);
    expect(out).toMatch(/--backends: "gpu" is not available here \(available: .*portable.*\)/);
    const only = bench(["--only", "gpu"]);
    expect(only.code).toBe(1);
    expect(only.out).toMatch(/--only: unknown group "gpu"; choose kernel, matmul, softmax, net, grader/);
  });
});

describe.skipIf(!hasNumpy)("scripts/bench_numpy.py --serve", () => {
  it("answers each query line with a median and unknown cases with an error", () => {
    const input = ["matmul 500x3073.T @ 500x10|float32|2", "two-layer step N=200 D=3072 H=100 C=10|float64|1", "nope|float64|1", "matmul 200x3073 @ 3073x100|int8|1", ""].join("\n");
    const out = execFileSync(PYTHON, [path.join(ROOT, "scripts", "bench_numpy.py"), "--serve", "--warmup", "0"], { input, encoding: "utf8" });
    const replies = out.trim().split("\n").map((l) => JSON.parse(l) as { ms?: number; error?: string });
    expect(replies).toHaveLength(4);
    expect(replies[0].ms).toBeGreaterThan(0);
    expect(replies[1].ms).toBeGreaterThan(0);
    expect(replies[2].error).toMatch(/unknown case 'nope'/);
    expect(replies[3].error).toMatch(/unknown dtype 'int8'/);
  });
});
