import { existsSync } from "node:fs";
import { configDefaults, defineConfig } from "vitest/config";

// Notebook tests start a real Jupyter kernel (about 3-5 s each run, more on a busy machine).
// tests/public/ import student_src/, which holds the stubs in the course repository (where solutions/ exists):
// there the release self-test runs them against stubs and solutions; in a student bundle they run as is.
export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    exclude: [...configDefaults.exclude, "out/**", ...(existsSync("solutions") ? ["tests/public/**"] : [])],
  },
});
