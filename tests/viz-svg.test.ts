import { describe, expect, it } from "vitest";
import { barChart, formatTick, lineChart, logTicks, niceTicks, sweepChart, viridis } from "../lib/viz";

interface El {
  name: string;
  attrs: Record<string, string>;
  children: El[];
  text: string;
}

/** Strict little XML parser: throws on unbalanced tags, bad attributes, stray '<' or unescaped '&'. */
function parseXml(src: string): El {
  const tagRe = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[A-Za-z_:][\w:.-]*="[^"<]*")*)\s*(\/?)>/y;
  const attrRe = /([A-Za-z_:][\w:.-]*)="([^"]*)"/g;
  const root: El = { name: "#root", attrs: {}, children: [], text: "" };
  const stack: El[] = [root];
  let i = 0;
  const checkText = (t: string) => {
    if (t.includes("<") || t.includes(">")) throw new Error(`stray bracket in text: ${t.slice(0, 40)}`);
    const amp = t.replace(/&(amp|lt|gt|quot|apos|#\d+);/g, "");
    if (amp.includes("&")) throw new Error(`unescaped & in: ${t.slice(0, 40)}`);
  };
  while (i < src.length) {
    const lt = src.indexOf("<", i);
    const text = src.slice(i, lt === -1 ? src.length : lt);
    if (text) {
      checkText(text);
      stack[stack.length - 1].text += text;
    }
    if (lt === -1) break;
    tagRe.lastIndex = lt;
    const m = tagRe.exec(src);
    if (!m) throw new Error(`malformed tag at ${lt}: ${src.slice(lt, lt + 60)}`);
    const [, close, name, attrText, selfClose] = m;
    if (close) {
      const top = stack.pop()!;
      if (top.name !== name) throw new Error(`</${name}> closes <${top.name}>`);
    } else {
      const attrs: Record<string, string> = {};
      for (const a of attrText.matchAll(attrRe)) {
        if (a[1] in attrs) throw new Error(`duplicate attribute ${a[1]} on <${name}>`);
        checkText(a[2]);
        attrs[a[1]] = a[2];
      }
      const el: El = { name, attrs, children: [], text: "" };
      stack[stack.length - 1].children.push(el);
      if (!selfClose) stack.push(el);
    }
    i = tagRe.lastIndex;
  }
  if (stack.length !== 1) throw new Error(`unclosed <${stack[stack.length - 1].name}>`);
  if (root.children.length !== 1) throw new Error("expected exactly one root element");
  return root.children[0];
}

function all(el: El, pred: (e: El) => boolean, out: El[] = []): El[] {
  if (pred(el)) out.push(el);
  for (const c of el.children) all(c, pred, out);
  return out;
}
const byClass = (root: El, name: string, cls: string) =>
  all(root, (e) => e.name === name && (e.attrs.class ?? "").split(/\s+/).includes(cls));
const texts = (root: El, cls: string) => byClass(root, "text", cls).map((e) => e.text);

function svgRoot(svg: string): El {
  const root = parseXml(svg);
  expect(root.name).toBe("svg");
  expect(root.attrs.xmlns).toBe("http://www.w3.org/2000/svg");
  expect(Number(root.attrs.width)).toBeGreaterThan(0);
  expect(root.attrs.viewBox).toBe(`0 0 ${root.attrs.width} ${root.attrs.height}`);
  return root;
}

describe("tick helpers", () => {
  it("formats and picks round ticks", () => {
    expect(formatTick(0.001)).toBe("1e-3");
    expect(formatTick(2.5e-5)).toBe("2.5e-5");
    expect(formatTick(0.25)).toBe("0.25");
    expect(formatTick(1500)).toBe("1500");
    expect(formatTick(3e6)).toBe("3e6");
    expect(niceTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(0.9, 3.2, 5)).toEqual([1, 1.5, 2, 2.5, 3]);
    expect(logTicks(1e-6, 1e-1)).toEqual([1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1]);
    expect(logTicks(1e-3, 1e-2)).toEqual([1e-3, 2e-3, 3e-3, 5e-3, 1e-2]);
    expect(viridis(0)).toBe("#440154");
    expect(viridis(1)).toBe("#fde725");
  });
});

describe("lineChart", () => {
  it("one path per series with the expected number of points, legend, ticks and labels", () => {
    const loss = Array.from({ length: 300 }, (_, i) => 2.3 * Math.exp(-i / 80) + 0.5);
    loss[100] = NaN; // a gap, not a crash
    const svg = lineChart(
      [{ name: "train <acc>", y: [0.2, 0.3, 0.4] }, { name: "val", y: [0.1, 0.2, 0.25], dashed: true }],
      { title: "Accuracy & loss", xLabel: "epoch", yLabel: "accuracy" },
    );
    const root = svgRoot(svg);
    const paths = byClass(root, "path", "series");
    expect(paths.map((p) => p.attrs["data-name"])).toEqual(["train &lt;acc&gt;", "val"]);
    expect(paths.map((p) => Number(p.attrs["data-points"]))).toEqual([3, 3]);
    expect(paths[0].attrs.d.match(/[ML]/g)!.length).toBe(3);
    expect(paths[1].attrs["stroke-dasharray"]).toBeDefined();
    expect(texts(root, "legend-entry")).toEqual(["train &lt;acc&gt;", "val"]);
    expect(texts(root, "x-label")).toEqual(["epoch"]);
    expect(texts(root, "y-label")).toEqual(["accuracy"]);
    expect(all(root, (e) => e.name === "title")[0].text).toBe("Accuracy &amp; loss");
    expect(byClass(root, "circle", "marker").length).toBe(6);
    expect(texts(root, "x-tick").length).toBeGreaterThanOrEqual(3);

    const one = svgRoot(lineChart({ name: "loss", y: loss }, { smooth: 20 }));
    const p = byClass(one, "path", "series")[0];
    expect(Number(p.attrs["data-points"])).toBe(299);
    expect(p.attrs.d.match(/M/g)!.length).toBe(2); // the NaN splits the line in two
    expect(byClass(one, "path", "smoothed").length).toBe(1);
    expect(byClass(one, "g", "legend").length).toBe(0); // single series: no legend
    expect(byClass(one, "circle", "marker").length).toBe(0); // long series: no markers
  });

  it("log-scale x axis with decade ticks; non-positive x left out", () => {
    const svg = lineChart({ name: "val acc", x: [0, 1e-5, 1e-4, 1e-3, 1e-2], y: [0.1, 0.2, 0.3, 0.4, 0.2] }, { logX: true });
    const root = svgRoot(svg);
    // Three decades: 1-2-5 ticks, all in exponent form.
    expect(texts(root, "x-tick")).toEqual(["1e-5", "2e-5", "5e-5", "1e-4", "2e-4", "5e-4", "1e-3", "2e-3", "5e-3", "1e-2"]);
    expect(byClass(root, "path", "series")[0].attrs["data-points"]).toBe("4");
    const wide = svgRoot(lineChart({ name: "a", x: [1e-7, 1e-1], y: [1, 2] }, { logX: true }));
    expect(texts(wide, "x-tick")).toEqual(["1e-7", "1e-6", "1e-5", "1e-4", "1e-3", "1e-2", "1e-1"]);
    // x positions increase by equal steps per decade.
    const xs = byClass(root, "circle", "marker").map((c) => Number(c.attrs.cx));
    expect(xs.length).toBe(4);
    expect(xs[2] - xs[1]).toBeCloseTo(xs[1] - xs[0], 0);
  });

  it("y limits and mismatched x/y", () => {
    const root = svgRoot(lineChart({ name: "a", y: [0.5, 0.6] }, { yMin: 0, yMax: 1 }));
    expect(texts(root, "y-tick")[0]).toBe("0");
    expect(texts(root, "y-tick").at(-1)).toBe("1");
    expect(() => lineChart({ name: "a", x: [1, 2], y: [1] })).toThrow(/2 x values and 1 y values/);
  });
});

describe("sweepChart", () => {
  const grid: { x: number; y: number; value: number }[] = [];
  for (const lr of [1e-4, 1e-3, 1e-2]) for (const reg of [1e-5, 1e-3]) grid.push({ x: lr, y: reg, value: lr === 1e-3 && reg === 1e-5 ? 0.41 : 0.3 });

  it("grid search -> heatmap: one cell per configuration, log tick labels, best cell marked, colour bar", () => {
    const root = svgRoot(sweepChart(grid, { title: "SVM sweep" }));
    expect(root.attrs.class).toContain("sweep-heatmap");
    const cells = byClass(root, "rect", "cell");
    expect(cells.length).toBe(6);
    expect(texts(root, "x-tick")).toEqual(["1e-4", "1e-3", "1e-2"]);
    expect(texts(root, "y-tick")).toEqual(["1e-5", "1e-3"]);
    const best = byClass(root, "rect", "best");
    expect(best.length).toBe(1);
    const bestCell = cells.find((c) => c.attrs["data-value"] === "0.41")!;
    expect(Number(best[0].attrs.x)).toBeCloseTo(Number(bestCell.attrs.x) + 1.5, 0);
    expect(Number(best[0].attrs.y)).toBeCloseTo(Number(bestCell.attrs.y) + 1.5, 0);
    expect(bestCell.attrs.fill).toBe(viridis(1));
    expect(byClass(root, "g", "colorbar").length).toBe(1);
    expect(byClass(root, "text", "best-label")[0].text).toContain("0.41");
  });

  it("missing grid cells are hatched; min mode marks the smallest value", () => {
    const root = svgRoot(sweepChart(grid.slice(1), { best: "min", valueLabel: "loss", kind: "heatmap" }));
    expect(byClass(root, "rect", "cell").length).toBe(6);
    expect(all(root, (e) => e.name === "rect" && (e.attrs.class ?? "") === "cell missing").length).toBe(1);
    expect(byClass(root, "text", "best-label")[0].text).toContain("0.3");
  });

  it("random search -> scatter: one circle per point, best ringed", () => {
    const pts = Array.from({ length: 17 }, (_, i) => ({ x: 10 ** (-5 + (i * 7) % 4), y: 10 ** (-6 + (i * 5) % 5 + i / 100), value: i / 17 }));
    const root = svgRoot(sweepChart(pts));
    expect(root.attrs.class).toContain("sweep-scatter");
    expect(byClass(root, "circle", "point").length).toBe(17);
    const best = byClass(root, "circle", "best");
    expect(best.length).toBe(1);
    const top = byClass(root, "circle", "point").find((c) => Number(c.attrs["data-value"]) === 16 / 17)!;
    expect([best[0].attrs.cx, best[0].attrs.cy]).toEqual([top.attrs.cx, top.attrs.cy]);
    expect(() => sweepChart([])).toThrow(/no points/);
  });
});

describe("barChart", () => {
  it("one rect per value, grouped series with a legend", () => {
    const root = svgRoot(barChart(["a", "b", "c"], [[1, 2, 3], [3, 2, 1]], { seriesNames: ["x", "y"], format: (v) => `${v}` }));
    const bars = byClass(root, "rect", "bar");
    expect(bars.length).toBe(6);
    expect(bars.map((b) => b.attrs["data-value"])).toEqual(["1", "3", "2", "2", "3", "1"]);
    // Taller value -> taller bar.
    expect(Number(bars[4].attrs.height)).toBeGreaterThan(Number(bars[0].attrs.height));
    expect(texts(root, "legend-entry")).toEqual(["x", "y"]);
    expect(texts(root, "x-tick")).toEqual(["a", "b", "c"]);
    expect(() => barChart(["a"], [1, 2])).toThrow(/1 categories/);
  });
});
