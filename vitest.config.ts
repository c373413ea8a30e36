import { defineConfig } from "vitest/config";

// Notebook tests start a real Jupyter kernel (about 3-5 s each run, more on a busy machine).
export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
