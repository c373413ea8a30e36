import { describe, expect, it } from "vitest";
import { PNG } from "pngjs";
import { tensor } from "../lib/tensor";
import { generateSynthetic } from "../lib/data";
import {
  composeGrid, decodePng, drawText, encodePng, lookGrid, networkWeightsGrid, planarToRgb, sampleGrid, textHeight, textWidth,
  upscale, weightTemplates, type RgbImage,
} from "../lib/viz";

function pngFromDataUrl(html: string): Buffer {
  const m = /src="data:image\/png;base64,([^"]+)"/.exec(html);
  expect(m).not.toBeNull();
  return Buffer.from(m![1], "base64");
}

function pixel(img: RgbImage, x: number, y: number): number[] {
  const o = (y * img.width + x) * img.channels;
  return Array.from(img.data.subarray(o, o + 3));
}

/** Pixels of the label ink colour (34, 34, 34) in a box of `img`. */
function ink(img: RgbImage, x0: number, y0: number, w: number, h: number): number {
  let n = 0;
  for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) if (pixel(img, x, y).every((v) => v === 34)) n++;
  return n;
}

/** Ink pixels of `text` drawn alone at `scale`. */
function textInk(text: string, scale: number): number {
  const w = textWidth(text, scale), h = textHeight(scale);
  const img: RgbImage = { width: w, height: h, channels: 3, data: new Uint8Array(w * h * 3).fill(255) };
  drawText(img, text, 0, 0, { scale });
  return ink(img, 0, 0, w, h);
}

/** Width of the row-label margin sampleGrid/lookGrid draw for these names (font scale 2 for tiles >= 22 px). */
const margin = (names: readonly string[], scale = 2) => Math.max(...names.map((n) => textWidth(n, scale))) + 2 * scale + 2;

describe("PNG encoding", () => {
  it("round-trips RGB through pngjs", () => {
    const w = 7, h = 5;
    const rgb = new Uint8Array(w * h * 3).map((_, i) => (i * 37) % 256);
    const png = encodePng(rgb, w, h);
    expect(png.subarray(1, 4).toString()).toBe("PNG");
    const back = PNG.sync.read(png);
    expect([back.width, back.height]).toEqual([w, h]);
    for (let p = 0; p < w * h; p++) {
      expect([back.data[4 * p], back.data[4 * p + 1], back.data[4 * p + 2], back.data[4 * p + 3]]).toEqual([rgb[3 * p], rgb[3 * p + 1], rgb[3 * p + 2], 255]);
    }
  });

  it("round-trips RGBA (decodePng)", () => {
    const rgba = new Uint8Array(3 * 2 * 4).map((_, i) => (i * 53 + 1) % 256);
    const img = decodePng(encodePng(rgba, 3, 2, 4));
    expect(img.channels).toBe(4);
    expect(Array.from(img.data)).toEqual(Array.from(rgba));
  });

  it("rejects a buffer of the wrong length", () => {
    expect(() => encodePng(new Uint8Array(10), 2, 2)).toThrow(/needs 12 bytes, got 10/);
    expect(() => encodePng(new Uint8Array(0), 0, 2)).toThrow(/positive/);
  });
});

describe("image helpers", () => {
  it("planarToRgb interleaves CIFAR's channel planes", () => {
    const images = new Uint8Array(2 * 3072);
    images[3072 + 0] = 10; // image 1, R plane, pixel (0, 0)
    images[3072 + 1024 + 33] = 20; // image 1, G plane, pixel (1, 1)
    images[3072 + 2048 + 1023] = 30; // image 1, B plane, pixel (31, 31)
    const img = planarToRgb(images, 1);
    expect([img.width, img.height, img.channels]).toEqual([32, 32, 3]);
    expect(pixel(img, 0, 0)).toEqual([10, 0, 0]);
    expect(pixel(img, 1, 1)).toEqual([0, 20, 0]);
    expect(pixel(img, 31, 31)).toEqual([0, 0, 30]);
    expect(() => planarToRgb(images, 2)).toThrow(/out of range/);
  });

  it("upscale replicates pixels (nearest neighbour)", () => {
    const img: RgbImage = { width: 2, height: 1, channels: 3, data: new Uint8Array([1, 2, 3, 4, 5, 6]) };
    const up = upscale(img, 3);
    expect([up.width, up.height]).toEqual([6, 3]);
    expect(pixel(up, 2, 2)).toEqual([1, 2, 3]);
    expect(pixel(up, 3, 0)).toEqual([4, 5, 6]);
    expect(pixel(up, 5, 1)).toEqual([4, 5, 6]);
  });

  it("composeGrid places tiles with padding", () => {
    const t = (v: number): RgbImage => ({ width: 2, height: 2, channels: 3, data: new Uint8Array(12).fill(v) });
    const g = composeGrid([[t(10), t(20)], [t(30)]], { pad: 1, background: [255, 0, 255] });
    expect([g.width, g.height]).toEqual([7, 7]);
    expect(pixel(g, 0, 0)).toEqual([255, 0, 255]);
    expect(pixel(g, 1, 1)).toEqual([10, 10, 10]);
    expect(pixel(g, 4, 2)).toEqual([20, 20, 20]);
    expect(pixel(g, 2, 5)).toEqual([30, 30, 30]);
    expect(pixel(g, 5, 5)).toEqual([255, 0, 255]); // empty cell
  });
});

describe("sample grid", () => {
  const ds = generateSynthetic({ seed: "grid", numTrain: 200, numTest: 0 });
  const data = { images: ds.trainImages, labels: ds.trainLabels, classNames: ds.classNames };

  it("one row per class, perClass columns, class names drawn into the PNG on the left", () => {
    const pic = sampleGrid(data, { perClass: 5, scale: 2, pad: 2 });
    const m = margin(ds.classNames);
    expect(pic.width).toBe(m + 5 * 66 + 2);
    expect(pic.height).toBe(10 * 66 + 2);
    const img = decodePng(pic.png);
    expect([img.width, img.height]).toEqual([pic.width, pic.height]);
    // Each row's margin holds exactly the ink of its class name at font scale 2.
    ds.classNames.forEach((name, r) => expect(ink(img, 0, 2 + r * 66, m, 64)).toBe(textInk(name, 2)));
    for (const name of ds.classNames) expect(pic.html).toContain(name); // the alt text
    expect(pngFromDataUrl(pic.html).equals(pic.png)).toBe(true);
    // Row 3, column 0 shows the first training image of class 3, upscaled 2x.
    const first3 = ds.trainLabels.indexOf(3);
    const src = planarToRgb(ds.trainImages, first3);
    expect(pixel(img, m + 2 + 2 * 7, 2 + 3 * 66 + 2 * 9)).toEqual(pixel(src, 7, 9));
  });

  it("a title is drawn in a band on top", () => {
    const plain = sampleGrid(data, { perClass: 5 });
    const titled = sampleGrid(data, { perClass: 5, title: "Train" });
    const band = textHeight(2) + 6;
    expect([titled.width, titled.height]).toEqual([plain.width, plain.height + band]);
    const img = decodePng(titled.png);
    expect(ink(img, 0, 0, img.width, band)).toBe(textInk("Train", 2));
  });

  it("seeded random samples are reproducible and differ from the first ones", () => {
    const a = sampleGrid(data, { perClass: 3, seed: 1 });
    const b = sampleGrid(data, { perClass: 3, seed: 1 });
    const c = sampleGrid(data, { perClass: 3 });
    expect(a.png.equals(b.png)).toBe(true);
    expect(a.png.equals(c.png)).toBe(false);
  });

  it("lookGrid: per class, perLook examples of each look with a spacer column between looks", () => {
    const pic = lookGrid({ ...data, looks: ds.trainLooks! }, { perLook: 2, scale: 1, pad: 1 });
    const m = margin(ds.classNames);
    expect(pic.width).toBe(m + (3 * 2 + 2) * 33 + 1); // 3 looks x 2 images + 2 spacers
    expect(pic.height).toBe(10 * 33 + 1);
    const img = decodePng(pic.png);
    // Row 0, look 1 starts at column 3; its first image is the first class-0 image with look 1.
    const first = ds.trainLabels.findIndex((l, i) => l === 0 && ds.trainLooks![i] === 1);
    expect(pixel(img, m + 1 + 3 * 33 + 4, 1 + 6)).toEqual(pixel(planarToRgb(ds.trainImages, first), 4, 6));
    expect(pixel(img, m + 1 + 2 * 33 + 10, 10)).toEqual([255, 255, 255]); // spacer
    expect(ink(img, 0, 1 + 9 * 33, m, 32)).toBe(textInk(ds.classNames[9], 2));
  });

  it("a subset of classes", () => {
    const pic = sampleGrid(data, { perClass: 2, classes: [4, 1] });
    expect(pic.height).toBe(2 * 66 + 2);
    const img = decodePng(pic.png), m = margin([ds.classNames[4], ds.classNames[1]]);
    expect([ink(img, 0, 2, m, 64), ink(img, 0, 68, m, 64)]).toEqual([textInk(ds.classNames[4], 2), textInk(ds.classNames[1], 2)]);
  });
});

describe("weights as pictures", () => {
  it("weightTemplates: column j of a [3073, C] W becomes a 32x32 image rescaled to 0..255 on its own", () => {
    const C = 3;
    const W = new Float64Array(3073 * C);
    for (let k = 0; k < 3072; k++) for (let j = 0; j < C; j++) W[k * C + j] = (j + 1) * 1e-3 * Math.sin(k);
    W[3072 * C + 1] = 1e6; // bias row: must be ignored
    W[(0 * 1024 + 5) * C + 2] = 1; // class 2: red channel of pixel (5, 0) is the maximum
    W[(2 * 1024 + 40) * C + 2] = -1; // blue channel of pixel (8, 1) the minimum
    const pic = weightTemplates(tensor(W, { shape: [3073, C] }), { classNames: ["a", "b", "c"], scale: 1, pad: 1 });
    const gap = textHeight(1) + 3; // room under each row for one line of labels at font scale 1
    expect([pic.width, pic.height]).toEqual([3 * 33 + 1, 1 + 32 + 1 + gap]);
    const img = decodePng(pic.png);
    const t2x = 1 + 2 * 33;
    expect(pixel(img, t2x + 5, 1)[0]).toBe(255);
    expect(pixel(img, t2x + 8, 2)[2]).toBe(0);
    // Templates 0 and 1 differ only in scale, so after rescaling they look the same.
    for (const [x, y] of [[0, 0], [13, 7], [31, 31]]) expect(pixel(img, 1 + x, 1 + y)).toEqual(pixel(img, 34 + x, 1 + y));
    ["a", "b", "c"].forEach((n, j) => expect(ink(img, 1 + j * 33, 33, 33, gap)).toBe(textInk(n, 1)));
  });

  it("weightTemplates with [C, D] layout, several rows, and shape errors", () => {
    const W = new Float64Array(10 * 3072).map((_, i) => i % 7);
    const pic = weightTemplates({ data: W, shape: [10, 3072] }, { layout: "CxD", perRow: 5, scale: 1, pad: 0 });
    const gap = textHeight(1) + 3;
    expect([pic.width, pic.height]).toEqual([160, 2 * (32 + gap)]);
    const img = decodePng(pic.png);
    for (let j = 0; j < 10; j++) expect(ink(img, (j % 5) * 32, Math.floor(j / 5) * (32 + gap) + 32, 32, gap)).toBe(textInk(String(j), 1));
    // Big tiles get labels at font scale 2; a name too long for its tile is cut and ends in ".".
    const big = weightTemplates({ data: W, shape: [10, 3072] }, { layout: "CxD", scale: 3, classNames: ["bag", "automobile-and-more"] });
    expect(big.height).toBe(4 + 2 * (96 + 4 + textHeight(1) + 3));
    const bigImg = decodePng(big.png);
    expect(ink(bigImg, 4, 100, 100, textHeight(1) + 3)).toBe(textInk("bag", 1));
    expect(ink(bigImg, 104, 100, 100, textHeight(1) + 3)).toBe(textInk("automobile-and-.", 1));
    const short = weightTemplates({ data: W, shape: [10, 3072] }, { layout: "CxD", scale: 3, classNames: "abcdefghij".split("") });
    expect(short.height).toBe(4 + 2 * (96 + 4 + textHeight(2) + 3));
    expect(() => weightTemplates({ data: new Float64Array(20), shape: [10, 2] })).toThrow(/3072 or 3073/);
    expect(() => weightTemplates({ data: new Float64Array(20), shape: [20] })).toThrow(/2-D/);
  });

  it("networkWeightsGrid shows each hidden unit of W1 [3072, H]", () => {
    const H = 10;
    const W1 = tensor(new Float64Array(3072 * H).map((_, i) => Math.cos(i)), { shape: [3072, H] });
    const pic = networkWeightsGrid(W1, { scale: 1, pad: 1 });
    const band = textHeight(1) + 6; // the default title "first-layer weights (10 units)"
    expect([pic.width, pic.height]).toEqual([4 * 33 + 1, band + 3 * 33 + 1]); // ceil(sqrt(10)) = 4 per row
    const img = decodePng(pic.png);
    expect(pixel(img, 0, band)).toEqual([40, 40, 40]); // dark padding
    expect(ink(img, 0, 0, img.width, band)).toBeGreaterThan(0);
    const limited = networkWeightsGrid(W1.t(), { layout: "HxD", maxUnits: 4, perRow: 2, scale: 1, pad: 0, title: "" });
    expect([limited.width, limited.height]).toEqual([64, 64]);
  });
});
