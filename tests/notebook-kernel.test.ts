// Runs the committed notebooks/setup_check.ipynb headless with real Jupyter on both kernel specs (dlvr-tslab and
// dlvr-deno), in place (kernel started in notebooks/, as Jupyter does), and checks what a student would see.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { installDenoKernel, installTslabKernel, userJupyterDataDir } from "../scripts/install-kernel";
import { runNotebook, type ExecutedNotebook } from "../scripts/notebook-runner";
import { ROOT, type NotebookKernel } from "./notebook-helpers";

it("installs both kernel specs in the user's Jupyter data dir (here the tests' own), naming no project", () => {
  const kernels = [
    { k: installTslabKernel(), name: "dlvr-tslab", display: "TypeScript (course kit)", launcher: "tslab-kernel.sh" },
    { k: installDenoKernel(), name: "dlvr-deno", display: "TypeScript (course kit, Deno)", launcher: "deno-kernel.sh" },
  ];
  for (const { k, name, display, launcher } of kernels) {
    expect(k.dir).toBe(path.join(userJupyterDataDir(), "kernels", name));
    expect(k.dir.startsWith(os.homedir())).toBe(false); // vitest.config.ts points JUPYTER_DATA_DIR elsewhere
    const spec = JSON.parse(fs.readFileSync(k.path, "utf8"));
    expect(spec.display_name).toBe(display);
    expect(spec.argv).toEqual(["bash", path.join(k.dir, launcher), "{connection_file}"]);
    expect(fs.readFileSync(path.join(k.dir, launcher), "utf8")).toBe(fs.readFileSync(path.join(ROOT, "scripts", launcher), "utf8"));
  }
  expect(installTslabKernel().changed).toBe(false);
  expect(installDenoKernel().changed).toBe(false);
  // What a plain `jupyter kernelspec list` sees with this JUPYTER_DATA_DIR (no JUPYTER_PATH).
  const jupyter = fs.existsSync("/usr/bin/jupyter") ? "/usr/bin/jupyter" : "jupyter";
  const r = spawnSync(jupyter, ["kernelspec", "list", "--json"], { encoding: "utf8" });
  const listed = JSON.parse(r.stdout).kernelspecs;
  for (const { k, name } of kernels) expect(listed[name]?.resource_dir).toBe(k.dir);
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
