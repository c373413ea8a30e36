/**
 * PNG pictures of images and weights: encoding (pngjs, synchronous), nearest-neighbour upscaling, image grids,
 * per-class sample grids, linear-classifier weight templates and first-layer network weights.
 *
 * Pictures are `RgbImage`s (interleaved RGB bytes, row-major). Functions that show a labelled picture return a
 * `Picture`: PNG bytes with the class names and title drawn in (a small built-in bitmap font, lib/viz/font.ts, so a
 * saved file is self-explanatory on any machine) plus an HTML snippet that shows it in a notebook.
 */
import { PNG } from "pngjs";
import { drawText, textHeight, textWidth } from "./font";

/** An interleaved image: `data[(y * width + x) * channels + c]`, channels 3 (RGB) or 4 (RGBA). */
export interface RgbImage {
  width: number;
  height: number;
  channels: 3 | 4;
  data: Uint8Array;
}

/** A labelled picture ready for a notebook: PNG bytes and an HTML wrapper (PNG inlined as a data URL). */
export interface Picture {
  /** The PNG file bytes. */
  png: Buffer;
  /** HTML showing the PNG with its labels; pass to `showHtml` (or `show`) in a notebook. */
  html: string;
  /** PNG size in pixels. */
  width: number;
  height: number;
}

/** Something with a shape and packed data: a lib/tensor Tensor or a plain `{ data, shape }`. */
export interface MatrixLike {
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
  contiguous?: () => MatrixLike;
}

// ---------------------------------------------------------------------------------------------------------------
// Encoding.

/**
 * Encode interleaved RGB (3 bytes per pixel) or RGBA (4) pixels, row-major, as a PNG file.
 * `pixels.length` must be width * height * channels.
 */
export function encodePng(pixels: Uint8Array, width: number, height: number, channels: 3 | 4 = 3): Buffer {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new RangeError(`encodePng: width and height must be positive integers, got ${width}x${height}`);
  }
  if (channels !== 3 && channels !== 4) throw new RangeError(`encodePng: channels must be 3 or 4, got ${channels}`);
  if (pixels.length !== width * height * channels) {
    throw new RangeError(
      `encodePng: ${width}x${height}x${channels} needs ${width * height * channels} bytes, got ${pixels.length}`,
    );
  }
  const png = new PNG({ width, height, inputHasAlpha: channels === 4 });
  png.data = Buffer.from(pixels.buffer, pixels.byteOffset, pixels.byteLength);
  return PNG.sync.write(png, {
    colorType: channels === 4 ? 6 : 2,
    inputColorType: channels === 4 ? 6 : 2,
    inputHasAlpha: channels === 4,
  });
}

/** Encode an {@link RgbImage} as PNG. */
export function imageToPng(img: RgbImage): Buffer {
  return encodePng(img.data, img.width, img.height, img.channels);
}

/** Decode a PNG file to RGBA pixels (channels = 4). */
export function decodePng(png: Uint8Array): RgbImage {
  const p = PNG.sync.read(Buffer.from(png.buffer, png.byteOffset, png.byteLength));
  return { width: p.width, height: p.height, channels: 4, data: new Uint8Array(p.data) };
}

/** `data:image/png;base64,...` URL for HTML. */
export function pngDataUrl(png: Uint8Array): string {
  return `data:image/png;base64,${Buffer.from(png.buffer, png.byteOffset, png.byteLength).toString("base64")}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Image helpers.

/**
 * Image `index` of a channel-planar batch (CIFAR layout: [N, 3, H, W] bytes, 3072 per image at 32x32) as an
 * interleaved RGB image.
 */
export function planarToRgb(images: Uint8Array, index: number, height = 32, width = 32): RgbImage {
  const P = height * width;
  const base = index * 3 * P;
  if (!Number.isInteger(index) || index < 0 || base + 3 * P > images.length) {
    throw new RangeError(`planarToRgb: image ${index} is out of range (${Math.floor(images.length / (3 * P))} images)`);
  }
  const out = new Uint8Array(3 * P);
  for (let p = 0; p < P; p++) {
    out[3 * p] = images[base + p];
    out[3 * p + 1] = images[base + P + p];
    out[3 * p + 2] = images[base + 2 * P + p];
  }
  return { width, height, channels: 3, data: out };
}

/** Nearest-neighbour upscaling by an integer factor, so 32x32 images stay crisp when shown. */
export function upscale(img: RgbImage, factor: number): RgbImage {
  if (!Number.isInteger(factor) || factor < 1) throw new RangeError(`upscale: factor must be a positive integer, got ${factor}`);
  if (factor === 1) return img;
  const { width, height, channels, data } = img;
  const W = width * factor;
  const out = new Uint8Array(W * height * factor * channels);
  for (let y = 0; y < height * factor; y++) {
    const sy = Math.floor(y / factor);
    for (let x = 0; x < W; x++) {
      const s = (sy * width + Math.floor(x / factor)) * channels;
      const d = (y * W + x) * channels;
      for (let c = 0; c < channels; c++) out[d + c] = data[s + c];
    }
  }
  return { width: W, height: height * factor, channels, data: out };
}

/** Options for {@link composeGrid}. */
export interface GridOptions {
  /** Pixels between tiles and around the border. Default 2. */
  pad?: number;
  /** Colour of padding and empty cells, RGB. Default white. */
  background?: readonly [number, number, number];
  /** Extra empty pixels under each row (room for labels drawn under the tiles). Default 0. */
  rowGap?: number;
}

/**
 * Lay equally sized RGB tiles out as a grid: `rows[r][c]` is the tile at row r, column c (null = empty cell).
 * Rows may have different lengths; the grid is as wide as the longest row.
 */
export function composeGrid(rows: readonly (readonly (RgbImage | null)[])[], options: GridOptions = {}): RgbImage {
  const pad = options.pad ?? 2;
  const gap = options.rowGap ?? 0;
  const bg = options.background ?? [255, 255, 255];
  let tw = 0, th = 0, cols = 0;
  for (const row of rows) {
    cols = Math.max(cols, row.length);
    for (const t of row) {
      if (!t) continue;
      if (tw === 0) { tw = t.width; th = t.height; }
      if (t.width !== tw || t.height !== th) throw new RangeError(`composeGrid: tiles differ in size (${tw}x${th} vs ${t.width}x${t.height})`);
      if (t.channels !== 3) throw new RangeError("composeGrid: tiles must be RGB (3 channels)");
    }
  }
  if (rows.length === 0 || cols === 0 || tw === 0) throw new RangeError("composeGrid: no tiles");
  const W = cols * (tw + pad) + pad;
  const H = rows.length * (th + pad + gap) + pad;
  const out = new Uint8Array(W * H * 3);
  for (let i = 0; i < W * H; i++) { out[3 * i] = bg[0]; out[3 * i + 1] = bg[1]; out[3 * i + 2] = bg[2]; }
  rows.forEach((row, r) => row.forEach((t, c) => {
    if (!t) return;
    const x0 = pad + c * (tw + pad), y0 = pad + r * (th + pad + gap);
    for (let y = 0; y < th; y++) out.set(t.data.subarray(y * tw * 3, (y + 1) * tw * 3), ((y0 + y) * W + x0) * 3);
  }));
  return { width: W, height: H, channels: 3, data: out };
}

// ---------------------------------------------------------------------------------------------------------------
// Labels drawn into the PNG (lib/viz/font.ts), so a saved file says what it shows.

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

interface LabelLayout {
  tileW: number;
  tileH: number;
  pad: number;
  /** One label per grid row, drawn right-aligned in a margin on the left. */
  rowLabels?: readonly string[];
  /** Labels drawn in the row gaps under the tiles: one list per grid row (needs composeGrid's rowGap). */
  tileLabels?: readonly (readonly string[])[];
  rowGap?: number;
  /** Font scale of the tile labels (what the row gap was sized for). */
  tileLabelScale?: number;
  title?: string;
}

const INK: readonly [number, number, number] = [34, 34, 34];

/** Font scale for labels under tiles `tileW` wide: 2 when every label fits at 2 and the tile is big enough, else 1. */
function tileLabelScale(labels: readonly string[], tileW: number): number {
  return tileW >= 64 && labels.every((l) => textWidth(l, 2) <= tileW) ? 2 : 1;
}

/** Row gap (pixels under each grid row) that holds one line of labels at `scale`. */
function labelGap(scale: number): number {
  return textHeight(scale) + 3;
}

/** `text` cut to at most `width` pixels at `scale` (a trailing "." marks the cut). */
function fitText(text: string, width: number, scale: number): string {
  if (textWidth(text, scale) <= width) return text;
  let t = text;
  while (t.length > 1 && textWidth(`${t}.`, scale) > width) t = t.slice(0, -1);
  return `${t}.`;
}

/**
 * The grid with its labels drawn in: a title band on top, row labels in a left margin, tile labels in the row gaps.
 * Returns the image and where the grid's top-left corner landed.
 */
function annotate(grid: RgbImage, layout: LabelLayout): { img: RgbImage; x0: number; y0: number } {
  const { tileW, tileH, pad } = layout;
  const rowScale = tileH >= textHeight(2) + 4 ? 2 : 1;
  const margin = layout.rowLabels ? Math.max(0, ...layout.rowLabels.map((l) => textWidth(l, rowScale))) + 2 * rowScale + 2 : 0;
  const width = grid.width + margin;
  const titleScale = layout.title && textWidth(layout.title, 2) + 8 <= width ? 2 : 1;
  const band = layout.title ? textHeight(titleScale) + 6 : 0;
  const height = grid.height + band;
  const img: RgbImage = { width, height, channels: 3, data: new Uint8Array(width * height * 3).fill(255) };
  for (let y = 0; y < grid.height; y++) {
    img.data.set(grid.data.subarray(y * grid.width * 3, (y + 1) * grid.width * 3), ((band + y) * width + margin) * 3);
  }
  if (layout.title) drawText(img, fitText(layout.title, width - 8, titleScale), 4, 3, { scale: titleScale, color: INK });
  const gap = layout.rowGap ?? 0;
  const rowTop = (r: number) => band + pad + r * (tileH + pad + gap);
  layout.rowLabels?.forEach((l, r) => {
    const y = rowTop(r) + ((tileH - 7 * rowScale) >> 1); // centre the cap height on the row
    drawText(img, l, margin - 2 - rowScale - textWidth(l, rowScale), y, { scale: rowScale, color: INK });
  });
  const s = layout.tileLabelScale ?? 1;
  layout.tileLabels?.forEach((row, r) => row.forEach((l, c) => {
    const t = fitText(l, tileW + pad, s);
    const x = margin + pad + c * (tileW + pad) + ((tileW - textWidth(t, s)) >> 1);
    drawText(img, t, x, rowTop(r) + tileH + 2, { scale: s, color: INK });
  }));
  return { img, x0: margin, y0: band };
}

/** HTML: the PNG (labels and title are part of it) at its natural size; the alt text repeats title and labels. */
function pictureHtml(png: Buffer, width: number, height: number, alt: string): string {
  return `<div style="font:12px/1.2 sans-serif"><img src="${pngDataUrl(png)}" width="${width}" height="${height}" alt="${escapeHtml(alt)}" `
    + `style="image-rendering:pixelated;max-width:none;display:block"></div>`;
}

function picture(grid: RgbImage, layout: LabelLayout): Picture {
  const { img } = annotate(grid, layout);
  const png = imageToPng(img);
  const labels = layout.rowLabels ?? layout.tileLabels?.flat() ?? [];
  const alt = [layout.title ?? "image grid", labels.join(", ")].filter((t) => t !== "").join(": ");
  return { png, html: pictureHtml(png, img.width, img.height, alt), width: img.width, height: img.height };
}

// ---------------------------------------------------------------------------------------------------------------
// Sample grid.

/** Images and labels to draw samples from (a RawDataset split: `{ images: ds.trainImages, labels: ds.trainLabels }`). */
export interface LabelledImages {
  /** N * 3072 bytes, channel-planar [N, 3, 32, 32]. */
  images: Uint8Array;
  /** N labels. */
  labels: ArrayLike<number>;
  classNames: readonly string[];
}

/** Options for {@link sampleGrid}. */
export interface SampleGridOptions {
  /** Images per class (columns). Default 8. */
  perClass?: number;
  /** Integer upscaling factor. Default 2. */
  scale?: number;
  /** Padding in (upscaled) pixels. Default 2. */
  pad?: number;
  /** Pick samples at random with this seed instead of the first ones of each class. */
  seed?: number;
  /** Only these classes (indices), in this order. Default all. */
  classes?: readonly number[];
  title?: string;
}

function seededPick(n: number, k: number, seed: number): number[] {
  // Small deterministic shuffle (mulberry32) so a grid is reproducible without touching the global generator.
  let s = seed >>> 0;
  const rand = (): number => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < Math.min(k, n); i++) {
    const j = i + Math.floor(rand() * (n - i));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx.slice(0, k);
}

/**
 * A grid of example images: one row per class (its name drawn on the left), `perClass` images per row.
 * Grid size: (perClass * (32*scale + pad) + pad) x (classes * (32*scale + pad) + pad), plus the label margin on the
 * left and a title band on top when there is a title.
 */
export function sampleGrid(data: LabelledImages, options: SampleGridOptions = {}): Picture {
  const perClass = options.perClass ?? 8;
  const scale = options.scale ?? 2;
  const pad = options.pad ?? 2;
  const classes = options.classes ?? data.classNames.map((_, i) => i);
  const n = data.labels.length;
  if (data.images.length !== n * 3072) {
    throw new RangeError(`sampleGrid: ${n} labels but ${data.images.length} image bytes (expected ${n * 3072})`);
  }
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const l = data.labels[i];
    let list = byClass.get(l);
    if (!list) byClass.set(l, (list = []));
    list.push(i);
  }
  const rows = classes.map((c) => {
    const list = byClass.get(c) ?? [];
    const chosen = options.seed === undefined ? list.slice(0, perClass) : seededPick(list.length, perClass, options.seed + c).map((k) => list[k]);
    return chosen.map((i) => upscale(planarToRgb(data.images, i), scale));
  });
  const tile = 32 * scale;
  const blank: RgbImage = { width: tile, height: tile, channels: 3, data: new Uint8Array(tile * tile * 3).fill(255) };
  if (rows.every((r) => r.length === 0)) rows[0] = [blank];
  const img = composeGrid(rows.map((r) => (r.length ? r : [blank])), { pad });
  return picture(img, { tileW: tile, tileH: tile, pad, rowLabels: classes.map((c) => data.classNames[c] ?? String(c)), title: options.title });
}

/** Options for {@link lookGrid}. */
export interface LookGridOptions {
  /** Images per look. Default 3. */
  perLook?: number;
  /** Integer upscaling factor. Default 2. */
  scale?: number;
  /** Padding in pixels. Default 2. */
  pad?: number;
  title?: string;
}

/**
 * Synthetic data: one row per class, `perLook` examples of each of the class's looks side by side, looks separated
 * by a wider gap. `looks[i]` is the look index of image i (RawDataset.trainLooks).
 */
export function lookGrid(data: LabelledImages & { looks: ArrayLike<number> }, options: LookGridOptions = {}): Picture {
  const perLook = options.perLook ?? 3;
  const scale = options.scale ?? 2;
  const pad = options.pad ?? 2;
  const C = data.classNames.length;
  let numLooks = 0;
  for (let i = 0; i < data.looks.length; i++) numLooks = Math.max(numLooks, data.looks[i] + 1);
  const picked: number[][][] = Array.from({ length: C }, () => Array.from({ length: numLooks }, () => []));
  for (let i = 0; i < data.labels.length; i++) {
    const cell = picked[data.labels[i]]?.[data.looks[i]];
    if (cell && cell.length < perLook) cell.push(i);
  }
  const tile = 32 * scale;
  const blank: RgbImage = { width: tile, height: tile, channels: 3, data: new Uint8Array(tile * tile * 3).fill(255) };
  const rows = picked.map((byLook) => {
    const row: (RgbImage | null)[] = [];
    byLook.forEach((idx, m) => {
      if (m > 0) row.push(null); // spacer column between looks
      for (let k = 0; k < perLook; k++) row.push(k < idx.length ? upscale(planarToRgb(data.images, idx[k]), scale) : blank);
    });
    return row;
  });
  const img = composeGrid(rows, { pad });
  return picture(img, { tileW: tile, tileH: tile, pad, rowLabels: data.classNames, title: options.title });
}

// ---------------------------------------------------------------------------------------------------------------
// Weights.

function asMatrix(m: MatrixLike | { data: ArrayLike<number>; shape: readonly number[] }, what: string): { data: ArrayLike<number>; rows: number; cols: number } {
  const mm = typeof (m as MatrixLike).contiguous === "function" ? (m as MatrixLike).contiguous!() : m;
  if (mm.shape.length !== 2) throw new RangeError(`${what}: expected a 2-D matrix, got shape [${mm.shape.join(", ")}]`);
  return { data: mm.data, rows: mm.shape[0], cols: mm.shape[1] };
}

/**
 * One weight vector as a 32x32 RGB image: `get(k)` returns feature k of the channel-major flattening used by
 * preprocessing (k = c*1024 + y*32 + x), rescaled so its own minimum maps to 0 and maximum to 255.
 */
function vectorToImage(get: (k: number) => number): RgbImage {
  let lo = Infinity, hi = -Infinity;
  for (let k = 0; k < 3072; k++) {
    const v = get(k);
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const span = hi > lo ? hi - lo : 1;
  const out = new Uint8Array(3072);
  for (let p = 0; p < 1024; p++) {
    for (let c = 0; c < 3; c++) out[3 * p + c] = Math.round((255 * (get(c * 1024 + p) - lo)) / span);
  }
  return { width: 32, height: 32, channels: 3, data: out };
}

/** Options for {@link weightTemplates}. */
export interface WeightTemplateOptions {
  /** Class names for the labels (default "0", "1", ...). */
  classNames?: readonly string[];
  /**
   * "DxC" (default): W is [D, C] and class j's template is column j (the course's `scores = X.matmul(W)`).
   * "CxD": W is [C, D] and the template is row j.
   */
  layout?: "DxC" | "CxD";
  /** Integer upscaling factor. Default 3. */
  scale?: number;
  /** Padding in pixels. Default 4. */
  pad?: number;
  /** Templates per row. Default: all in one row up to 8 classes, else two rows (10 classes: 5 per row). */
  perRow?: number;
  title?: string;
}

/**
 * Linear-classifier weights as images: each class's template (D = 3072, or 3073 with the bias-trick row, which is
 * dropped) reshaped to 3x32x32 and rescaled to 0..255 on its own, with the class names drawn underneath.
 */
export function weightTemplates(W: MatrixLike, options: WeightTemplateOptions = {}): Picture {
  const layout = options.layout ?? "DxC";
  const { data, rows, cols } = asMatrix(W, "weightTemplates");
  const D = layout === "DxC" ? rows : cols;
  const C = layout === "DxC" ? cols : rows;
  if (D !== 3072 && D !== 3073) {
    throw new RangeError(`weightTemplates: expected ${layout === "DxC" ? "rows" : "columns"} = 3072 or 3073 (with bias), got W of shape [${rows}, ${cols}]; for [C, D] weights pass { layout: "CxD" }`);
  }
  const scale = options.scale ?? 3;
  const pad = options.pad ?? 4;
  const perRow = options.perRow ?? (C > 8 ? Math.ceil(C / 2) : C);
  const tiles: RgbImage[] = [];
  for (let j = 0; j < C; j++) {
    const get = layout === "DxC" ? (k: number) => data[k * cols + j] : (k: number) => data[j * cols + k];
    tiles.push(upscale(vectorToImage(get), scale));
  }
  const gridRows: RgbImage[][] = [];
  for (let i = 0; i < C; i += perRow) gridRows.push(tiles.slice(i, i + perRow));
  const names = Array.from({ length: C }, (_, j) => options.classNames?.[j] ?? String(j));
  const tile = 32 * scale;
  const tileLabelScaleUsed = tileLabelScale(names, tile);
  const rowGap = labelGap(tileLabelScaleUsed);
  const img = composeGrid(gridRows, { pad, rowGap });
  const tileLabels = gridRows.map((_, r) => names.slice(r * perRow, (r + 1) * perRow));
  return picture(img, { tileW: tile, tileH: tile, pad, tileLabels, rowGap, tileLabelScale: tileLabelScaleUsed, title: options.title });
}

/** Options for {@link networkWeightsGrid}. */
export interface NetworkWeightsOptions {
  /** Units per row. Default ceil(sqrt(H)). */
  perRow?: number;
  /** Integer upscaling factor. Default 2. */
  scale?: number;
  /** Padding in pixels. Default 2. */
  pad?: number;
  /** "DxH" (default, W1 of `X.matmul(W1)`) or "HxD". */
  layout?: "DxH" | "HxD";
  /** Show at most this many units. Default all. */
  maxUnits?: number;
  title?: string;
}

/**
 * First-layer weights of a network (W1: [3072, H]) as a grid of H 32x32 images, each rescaled to 0..255 on its
 * own (like the reference course's show_net_weights).
 */
export function networkWeightsGrid(W1: MatrixLike, options: NetworkWeightsOptions = {}): Picture {
  const layout = options.layout ?? "DxH";
  const { data, rows, cols } = asMatrix(W1, "networkWeightsGrid");
  const D = layout === "DxH" ? rows : cols;
  const H = Math.min(layout === "DxH" ? cols : rows, options.maxUnits ?? Infinity);
  if (D !== 3072 && D !== 3073) {
    throw new RangeError(`networkWeightsGrid: expected ${layout === "DxH" ? "rows" : "columns"} = 3072, got W1 of shape [${rows}, ${cols}]`);
  }
  const perRow = options.perRow ?? Math.ceil(Math.sqrt(H));
  const scale = options.scale ?? 2;
  const pad = options.pad ?? 2;
  const gridRows: RgbImage[][] = [];
  for (let h = 0; h < H; h++) {
    const get = layout === "DxH" ? (k: number) => data[k * cols + h] : (k: number) => data[h * cols + k];
    if (h % perRow === 0) gridRows.push([]);
    gridRows[gridRows.length - 1].push(upscale(vectorToImage(get), scale));
  }
  const img = composeGrid(gridRows, { pad, background: [40, 40, 40] });
  const tile = 32 * scale;
  return picture(img, { tileW: tile, tileH: tile, pad, title: options.title ?? `first-layer weights (${H} units)` });
}
