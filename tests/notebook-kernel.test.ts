// Runs the committed notebooks/setup_check.ipynb headless with real Jupyter + the dlvr-tslab kernel,
// in place (kernel started in notebooks/, as Jupyter does), and checks what a student would see.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { beforeAll, expect, it } from "vitest";
import { installTslabKernel, userJupyterDataDir } from "../scripts/install-kernel";
import { runNotebook, type ExecutedNotebook } from "../scripts/notebook-runner";
import { ROOT } from "./notebook-helpers";

let run: ExecutedNotebook;
beforeAll(async () => {
  run = await runNotebook(path.join(ROOT, "notebooks", "setup_check.ipynb"), { timeoutSec: 60 });
});

const cell = (id: string) => run.cells.find((c) => c.id === id)!;

it("installs the kernel spec in the user's Jupyter data dir (here the tests' own), naming no project", () => {
  const k = installTslabKernel();
  expect(k.dir).toBe(path.join(userJupyterDataDir(), "kernels", "dlvr-tslab"));
  expect(k.dir.startsWith(os.homedir())).toBe(false); // vitest.config.ts points JUPYTER_DATA_DIR elsewhere
  const spec = JSON.parse(fs.readFileSync(k.path, "utf8"));
  expect(spec.display_name).toBe("TypeScript (course kit)");
  expect(spec.argv).toEqual(["bash", path.join(k.dir, "tslab-kernel.sh"), "{connection_file}"]);
  expect(fs.readFileSync(path.join(k.dir, "tslab-kernel.sh"), "utf8")).toBe(fs.readFileSync(path.join(ROOT, "scripts", "tslab-kernel.sh"), "utf8"));
  expect(installTslabKernel().changed).toBe(false);
});

it("runs every cell without errors", () => {
  expect(run.fatal).toBeNull();
  const errors = run.cells.filter((c) => c.error).map((c) => `${c.id}: ${c.error?.ename}: ${c.error?.evalue}\n${c.stderr}`);
  expect(errors, errors.join("\n")).toEqual([]);
});

it("runs the kernel from the project root", () => {
  expect(cell("setup-imports").stdout).toContain(`kernel working directory: ${fs.realpathSync(ROOT)}\n`);
});

it("prints a matmul result and the backend name", () => {
  const out = cell("setup-matmul").stdout;
  expect(out).toContain("a @ b = [[19,22],[43,50]]\n");
  expect(out).toContain("randn(3, 4) shape: [3,4]\n");
  expect(out).toMatch(/matmul backend: (native|portable)\b.*\n/);
});

it("shows tslab.display.markdown output", () => {
  expect(cell("setup-display").markdown).toMatch(/^\*\*Setup OK\.\*\* .*\*(native|portable)[^*]*\* backend/);
});
