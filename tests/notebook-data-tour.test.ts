// Executes notebooks/data_tour.ipynb headless with real Jupyter on both kernels (tslab and Deno): the sample grid,
// a chart, the preprocessing check and the progress bar must appear.
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
