// Executes notebooks/data_tour.ipynb headless with real Jupyter on both kernels (tslab and Deno): the sample grid,
// a chart, the preprocessing check and the progress bar must appear; then again on tslab with
// DLVR_DATASET=fashion-mnist (Debian's files, a subset to stay cheap): the same frozen cells name the dataset and
// reach the accuracy and preprocessing cells.
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runNotebook, type ExecutedNotebook } from "../scripts/notebook-runner";
import { makeProjectCopy, type NotebookKernel } from "./notebook-helpers";

describe.each<NotebookKernel>(["dlvr-tslab", "dlvr-deno"])("data tour notebook on %s", (kernel) => {
  let copy: ReturnType<typeof makeProjectCopy>;
  let nb: ExecutedNotebook;
  beforeAll(async () => {
    copy = makeProjectCopy();
    nb = await runNotebook(path.join(copy.root, "notebooks", "data_tour.ipynb"), { timeoutSec: 180, kernel });
  }, 300_000);
  afterAll(() => copy?.cleanup());

  const cell = (id: string) => {
    const c = nb.cells.find((x) => x.id === id);
    if (!c) throw new Error(`no cell ${id}`);
    return c;
  };

  it("runs every cell without an error", () => {
    expect(nb.cells.filter((c) => c.error).map((c) => `${c.id}: ${c.error!.evalue} ${c.stderr}`)).toEqual([]);
  });

  it("shows the sample grid as a PNG and the class balance as an SVG chart", () => {
    expect(cell("tour-samples").html).toContain("data:image/png;base64,");
    const chart = cell("tour-balance").html;
    expect(chart).toContain("<svg");
    expect(chart).toContain("Images per class");
  });

  it("prints per-channel means of about zero after preprocessing", () => {
    const m = cell("tour-check-mean").stdout.match(/channel means after preprocessing: (.*)/);
    expect(m).not.toBeNull();
    const means = m![1].split(",").map(Number);
    expect(means).toHaveLength(3);
    for (const v of means) expect(Math.abs(v)).toBeLessThan(1e-6);
  });

  it("draws the progress bar in one output area, finished", () => {
    const bar = cell("tour-progress");
    expect(bar.html.match(/<div style="font:12px monospace/g)?.length).toBe(1);
    expect(bar.html).toContain("100% 20/20");
  });
});

describe("data tour notebook with DLVR_DATASET=fashion-mnist", () => {
  const spec = "fashion-mnist?numTrain=6000&numTest=1000";
  let copy: ReturnType<typeof makeProjectCopy>;
  let nb: ExecutedNotebook;
  beforeAll(async () => {
    copy = makeProjectCopy();
    vi.stubEnv("DLVR_DATASET", spec); // the kernel inherits it, as from `DLVR_DATASET=... npm run notebook`
    try {
      nb = await runNotebook(path.join(copy.root, "notebooks", "data_tour.ipynb"), { timeoutSec: 180 });
    } finally {
      vi.unstubAllEnvs();
    }
  }, 300_000);
  afterAll(() => copy?.cleanup());

  const cell = (id: string) => {
    const c = nb.cells.find((x) => x.id === id);
    if (!c) throw new Error(`no cell ${id}`);
    return c;
  };

  it("runs every cell, and the data cell names the dataset, where it came from and the padding", () => {
    expect(nb.cells.filter((c) => c.error).map((c) => `${c.id}: ${c.error!.evalue} ${c.stderr}`)).toEqual([]);
    const out = cell("tour-load").stdout;
    expect(out).toContain(`dataset "${spec}" (from DLVR_DATASET): Fashion-MNIST from /usr/share/datasets/fashion-mnist: 6000 train + 1000 test images`);
    expect(out).toContain("28x28 grayscale padded to 32x32 and copied to 3 channels");
    expect(out).toContain("classes: T-shirt/top, Trouser, Pullover, Dress, Coat, Sandal, Shirt, Sneaker, Bag, Ankle boot");
    expect(cell("tour-looks").stdout).toContain("fashion-mnist has no look annotations");
  });

  it("reaches the accuracy cell: nearest class mean well above chance, charted by class", () => {
    const m = cell("tour-nearest").stdout.match(/nearest class mean, test accuracy: ([\d.]+)%/);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(55); // ~68% on all of Fashion-MNIST; chance is 10%
    expect(cell("tour-nearest").html).toContain("Nearest class mean: test accuracy by class");
    expect(cell("tour-samples").html).toContain("data:image/png;base64,");
    expect(cell("tour-preprocess").stdout).toMatch(/X_train  shape \[5400,3073\]/);
    const means = cell("tour-check-mean").stdout.match(/channel means after preprocessing: (.*)/)![1].split(",").map(Number);
    for (const v of means) expect(Math.abs(v)).toBeLessThan(1e-6);
  });
});
