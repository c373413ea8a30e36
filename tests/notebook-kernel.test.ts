// Runs the committed notebooks/setup_check.ipynb headless with real Jupyter on both kernel specs (dlvr-tslab and
// dlvr-deno), in place (kernel started in notebooks/, as Jupyter does), and checks what a student would see.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { denoKernelSpecPath, installDenoKernelSpec, installKernelSpec, jupyterEnv, kernelSpecPath } from "../scripts/install-kernel";
import { runNotebook, type ExecutedNotebook } from "../scripts/notebook-runner";
import { ROOT, type NotebookKernel } from "./notebook-helpers";

it("installs both project-local kernel specs pointing at their launchers, and Jupyter lists them", () => {
  installKernelSpec();
  installDenoKernelSpec();
  const tslab = JSON.parse(fs.readFileSync(kernelSpecPath(), "utf8"));
  expect(tslab.display_name).toBe("TypeScript (course kit)");
  expect(tslab.argv).toEqual(["bash", path.join(ROOT, "scripts", "tslab-kernel.sh"), "{connection_file}"]);
  const deno = JSON.parse(fs.readFileSync(denoKernelSpecPath(), "utf8"));
  expect(deno.display_name).toBe("TypeScript (course kit, Deno)");
  expect(deno.argv).toEqual(["bash", path.join(ROOT, "scripts", "deno-kernel.sh"), "{connection_file}"]);
  const jupyter = fs.existsSync("/usr/bin/jupyter") ? "/usr/bin/jupyter" : "jupyter";
  const r = spawnSync(jupyter, ["kernelspec", "list", "--json"], { env: jupyterEnv(), encoding: "utf8" });
  expect(Object.keys(JSON.parse(r.stdout).kernelspecs)).toEqual(expect.arrayContaining(["dlvr-tslab", "dlvr-deno"]));
});

const KERNELS: [NotebookKernel, string][] = [["dlvr-tslab", "tslab"], ["dlvr-deno", "deno"]];

describe.each(KERNELS)("setup check on %s", (kernel, kind) => {
  let run: ExecutedNotebook;
  beforeAll(async () => {
    run = await runNotebook(path.join(ROOT, "notebooks", "setup_check.ipynb"), { timeoutSec: 60, kernel });
  });
  const cell = (id: string) => run.cells.find((c) => c.id === id)!;

  it("runs every cell without errors", () => {
    expect(run.fatal).toBeNull();
    const errors = run.cells.filter((c) => c.error).map((c) => `${c.id}: ${c.error?.ename}: ${c.error?.evalue}\n${c.stderr}`);
    expect(errors, errors.join("\n")).toEqual([]);
  });

  it("runs the kernel from the project root and knows which kernel it is", () => {
    expect(cell("setup-imports").stdout).toContain(`kernel: ${kind}\n`);
    expect(cell("setup-imports").stdout).toContain(`kernel working directory: ${fs.realpathSync(ROOT)}\n`);
  });

  it("prints a matmul result and the backend name", () => {
    const out = cell("setup-matmul").stdout;
    expect(out).toContain("a @ b = [[19,22],[43,50]]\n");
    expect(out).toContain("randn(3, 4) shape: [3,4]\n");
    // native when the addon is built (Deno's kernel loads it through its Node-API support), else wasm
    const built = fs.existsSync(path.join(ROOT, "lib", "native", "build", "Release", "dlvr_blas.node"));
    expect(out).toMatch(built ? /matmul backend: native \(OpenBLAS\)\n/ : /matmul backend: wasm\b.*\n/);
  });

  it("shows Markdown through lib/viz's display adapter", () => {
    expect(cell("setup-display").markdown).toMatch(/^\*\*Setup OK\.\*\* .*\*(native|wasm|portable)[^*]*\* backend/);
  });
});
