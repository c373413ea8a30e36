// lib/tensor against PyTorch: seeded random cases over every op family, dtype, rank 0-4 (with size-0 dims),
// broadcasting and non-contiguous inputs, compared for shape, dtype, values and raised errors on every backend
// (tests/torch-diff/). torch is Debian's python3-torch under /usr/bin/python3 (`bash scripts/setup.sh --dev`).
// TORCH_DIFF_CASES=n or TORCH_DIFF_FULL=1 (100000 cases) runs more; TORCH_DIFF_SEED picks other cases.
import { describe, expect, it } from "vitest";
import { availableBackends, getBackend, setBackend, type BackendName } from "../lib/tensor";
import { backendByName } from "../lib/tensor/backends";
import { difference, type Result } from "./torch-diff/compare";
import { OPS } from "./torch-diff/ops";
import { compareResults, generateCases, probeTorch, runOnBackend, startTorch, type BackendReport } from "./torch-diff/run";

const CASES = Number(process.env.TORCH_DIFF_CASES ?? (process.env.TORCH_DIFF_FULL ? 100_000 : 16_000));
const SEED = process.env.TORCH_DIFF_SEED ?? "2026";
const BACKENDS = availableBackends().filter((b): b is BackendName => b === "native" || b === "wasm" || b === "portable");

const torch = probeTorch();
// Without torch the suite is skipped on a developer machine, but in CI a missing torch is a failure.
const skip = !torch.ok && !process.env.CI;
if (skip) console.warn(`[tensor-torch] SKIPPED: ${torch.ok ? "" : torch.reason}; install it with \`bash scripts/setup.sh --dev\` (python3-torch)`);

function table(reports: BackendReport[]): string {
  const families = [...new Set(reports.flatMap((r) => Object.keys(r.families)))];
  const lines = [`family               ${reports.map((r) => r.backend.padStart(20)).join("")}   (passed/run, of which both raised)`];
  for (const f of families) {
    lines.push(f.padEnd(21) + reports.map((r) => {
      const t = r.families[f];
      return `${t.passed}/${t.run} (${t.errors})`.padStart(20);
    }).join(""));
  }
  return lines.join("\n");
}

describe.skipIf(skip)("lib/tensor agrees with PyTorch", () => {
  it("finds torch under /usr/bin/python3", () => {
    expect(torch.ok ? "" : torch.reason).toBe("");
  });

  it("the comparison notices a wrong value, dtype, shape or a missing error", () => {
    const good = { shape: [2], dtype: "float32", values: [1, "nan"] };
    expect(difference(good, good)).toBeNull();
    expect(difference({ ...good, values: [1 + 1e-3, "nan"] }, good)).toMatch(/value \[0\]/);
    expect(difference({ ...good, values: [1 + 1e-6, "nan"] }, good)).toBeNull(); // float32 tolerance
    expect(difference({ ...good, dtype: "float64" }, good)).toMatch(/dtype/);
    expect(difference({ ...good, shape: [1, 2] }, good)).toMatch(/shape/);
    expect(difference(good, { error: "RuntimeError: no" })).toMatch(/torch raised/);
    expect(difference({ shape: [1], dtype: "int32", values: [2] }, { shape: [1], dtype: "int32", values: [3] })).toMatch(/value/);
  });

  it(`${CASES} seeded cases over ${OPS.length} ops on ${BACKENDS.join(", ")}`, async () => {
    const cases = generateCases(CASES, SEED);
    const started = Date.now();
    const run = startTorch(cases);
    await run.sent;
    const initial = getBackend();
    const got: Result[][] = [];
    for (const b of BACKENDS) got.push(await runOnBackend(b, cases));
    setBackend(BACKENDS.find((b) => backendByName(b) === initial) ?? "portable");
    const expected = await run.results;
    const reports = BACKENDS.map((b, i) => compareResults(b, cases, got[i], expected));
    console.log(`[tensor-torch] torch ${torch.ok ? torch.version : "?"}, seed ${SEED}, ${CASES} cases, ${((Date.now() - started) / 1000).toFixed(1)} s\n${table(reports)}`);
    const failures = reports.flatMap((r) => r.failures.map((f) => `${r.backend} #${f.index} ${f.op}: ${f.why}\n    ${JSON.stringify(f.case).slice(0, 400)}`));
    expect(failures.slice(0, 15).join("\n"), `${failures.length} cases differ from torch`).toBe("");
    // Every op ran, and most cases computed something (not only errors on both sides).
    for (const r of reports) {
      for (const [family, t] of Object.entries(r.families)) expect(t.errors, `${r.backend} ${family}`).toBeLessThan(t.run * 0.4);
    }
  }, 600_000);
});
