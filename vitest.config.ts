import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { configDefaults, defineConfig } from "vitest/config";

const devTree = existsSync("solutions");

// Notebook tests start a real Jupyter kernel (about 3-5 s each run, more on a busy machine).
// tests/public/ import student_src/, which holds the stubs in the course repository (where solutions/ exists):
// there the release self-test runs them against stubs and solutions; in a student bundle they run as is.
// In the course repository the notebook tests install the kernel spec into a Jupyter data dir of their own (one per
// checkout, in the temp dir), never into the developer's (~/.local/share/jupyter); Jupyter's child processes
// inherit JUPYTER_DATA_DIR.
const testJupyterDir = join(tmpdir(), `dlvr-test-jupyter-${createHash("sha256").update(process.cwd()).digest("hex").slice(0, 12)}`);
export default defineConfig({
  test: {
    env: devTree && !process.env.JUPYTER_DATA_DIR ? { JUPYTER_DATA_DIR: testJupyterDir } : {},
    testTimeout: 120_000,
    hookTimeout: 120_000,
    exclude: [...configDefaults.exclude, "out/**", ...(devTree ? ["tests/public/**"] : [])],
  },
});
