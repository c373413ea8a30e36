/**
 * The embedded default dataset: CIFAR-shaped synthetic images generated deterministically from a seed.
 *
 * Each of the 10 classes is a shape (disk, ring, square, ...) that comes in three equally likely "looks" (modes):
 * - a typical look: the class's own colours at its own place (look 0);
 * - a pair of looks at another place whose colours are exactly inverted along a colour axis (looks 1 and 2:
 *   e.g. yellow on blue and blue on yellow). Averaged, the pair is flat grey, and each axis and place is shared
 *   by two classes, so only the shape tells those classes apart.
 * A linear classifier has one template per class; it learns the typical look and is at chance on the inverted
 * pair (the lecture's "one template cannot capture several modes"), so it plateaus around 40% accuracy. A two-layer
 * network dedicates hidden units to each look and reaches about 75% (see SYNTHETIC_NOTES below).
 * On top come a random background gradient, small random distractor shapes, position/size/rotation/contrast
 * jitter and pixel noise, so nothing is trivially separable.
 *
 * Same seed -> byte-identical dataset; 6000 images take about 0.35 s.
 */
import seedrandom from "seedrandom";
import type { RawDataset } from "./types";

// Local copies of the image geometry: imported bindings compile to property reads, too slow for pixel loops.
const IMAGE_WIDTH = 32;
const IMAGE_HEIGHT = 32;
const IMAGE_SIZE = 3 * IMAGE_WIDTH * IMAGE_HEIGHT;

/** Options for {@link generateSynthetic}. */
export interface SyntheticOptions {
  /** Seed (string or number); same seed -> identical bytes. Default "dlvr". */
  seed?: string | number;
  /** Number of training images (the validation split is carved out of these by preprocessing). Default 5000. */
  numTrain?: number;
  /** Number of test images. Default 1000. */
  numTest?: number;
  /** Standard deviation of per-pixel noise on the 0..255 scale. Default 45. */
  noise?: number;
  /** Maximum number of small distractor shapes per image (uniform 0..max). Default 3. */
  maxDistractors?: number;
  /** Object position jitter in pixels (uniform +-). Default 4. */
  positionJitter?: number;
  /** The object's contrast against its background is scaled by a random factor in [minContrast, 1]. Default 0.3. */
  minContrast?: number;
}

/** Shape kinds the renderer can draw. */
export type ShapeKind =
  | "disk" | "ring" | "square" | "frame" | "triangle" | "diamond" | "plus" | "cross" | "hstripes" | "vstripes";

type RGB = readonly [number, number, number];

/** One look of a class: where the shape sits, how big it is, its colour scheme and how often it occurs. */
export interface SyntheticMode {
  /** Shape centre (x, y) in pixels, 0..31. */
  cx: number;
  cy: number;
  /** Nominal radius in pixels. */
  r: number;
  /** Foreground (shape) colour, RGB 0..255. */
  fg: RGB;
  /** Background colour, RGB 0..255. */
  bg: RGB;
  /** Relative frequency of this look within its class. */
  weight: number;
  /** Short human description, e.g. "yellow on blue, upper left". */
  look: string;
}

/** A class of the synthetic dataset: its name, shape and looks. */
export interface SyntheticClass {
  name: string;
  shape: ShapeKind;
  modes: SyntheticMode[];
}

const GREY = 128;
/** Complementary colour axes: a look uses grey + axis as one colour and grey - axis as the other. */
const AXES = {
  yellowBlue: { d: [85, 70, -75], plus: "yellow", minus: "blue" },
  redCyan: { d: [90, -60, -60], plus: "red", minus: "cyan" },
  greenMagenta: { d: [-70, 80, -70], plus: "green", minus: "magenta" },
  whiteBlack: { d: [95, 95, 95], plus: "white", minus: "black" },
  orangeAzure: { d: [95, 15, -85], plus: "orange", minus: "azure" },
} as const;
type Axis = keyof typeof AXES;

const TYPICAL_WEIGHT = 1;
const FLIP_WEIGHT = 1;
const DISTRACTOR_MAX_RADIUS = 5;

function typical(cx: number, cy: number, r: number, fg: RGB, bg: RGB, look: string): SyntheticMode {
  return { cx, cy, r, fg, bg, weight: TYPICAL_WEIGHT, look };
}

/** Two looks at the same place with exactly inverted contrast along a colour axis: their average is flat grey. */
function flipPair(cx: number, cy: number, r: number, axis: Axis, where: string): SyntheticMode[] {
  const a = AXES[axis];
  const plus: RGB = [GREY + a.d[0], GREY + a.d[1], GREY + a.d[2]];
  const minus: RGB = [GREY - a.d[0], GREY - a.d[1], GREY - a.d[2]];
  return [
    { cx, cy, r, fg: plus, bg: minus, weight: FLIP_WEIGHT, look: `${a.plus} on ${a.minus}, ${where}` },
    { cx, cy, r, fg: minus, bg: plus, weight: FLIP_WEIGHT, look: `${a.minus} on ${a.plus}, ${where}` },
  ];
}

/**
 * The 10 classes. Each has a typical look (its own colours and place) and a pair of looks with exactly inverted
 * contrast at another place; that pair averages out in a linear template, and its colour axis and place are shared
 * with another class, so only the shape tells them apart.
 *
 * SYNTHETIC_NOTES: measured with the defaults (5000 train -> 4500 train + 500 val after preprocess, 1000 test),
 * minibatch SGD, batch 200: softmax 1500 iterations (lr 1e-2, reg 0.03): ~40% val / 39-43% test; SVM ~35-40%;
 * two-layer net (hidden 100-200, 1000-2000 iterations, lr 0.3 decayed 0.95 per epoch, reg 1e-3): ~72-77% val /
 * 73-76% test, train ~98%.
 */
export const SYNTHETIC_CLASSES: readonly SyntheticClass[] = [
  { name: "disk", shape: "disk", modes: [
    typical(11, 11, 6.5, [240, 150, 40], [140, 190, 240], "orange on sky blue, upper left"),
    ...flipPair(16, 16, 7, "yellowBlue", "centre"),
  ] },
  { name: "ring", shape: "ring", modes: [
    typical(20, 12, 7, [235, 235, 230], [30, 90, 45], "white on dark green, upper right"),
    ...flipPair(16, 16, 7, "yellowBlue", "centre"),
  ] },
  { name: "square", shape: "square", modes: [
    typical(12, 20, 6.5, [200, 40, 40], [230, 215, 170], "red on sand, lower left"),
    ...flipPair(15, 17, 7, "greenMagenta", "centre left"),
  ] },
  { name: "frame", shape: "frame", modes: [
    typical(20, 20, 7.5, [40, 40, 120], [200, 200, 200], "navy on light grey, lower right"),
    ...flipPair(17, 15, 7.5, "whiteBlack", "centre right"),
  ] },
  { name: "triangle", shape: "triangle", modes: [
    typical(16, 11, 8, [60, 170, 60], [90, 40, 30], "green on brown, top"),
    ...flipPair(17, 15, 7.5, "whiteBlack", "centre right"),
  ] },
  { name: "diamond", shape: "diamond", modes: [
    typical(11, 16, 8, [110, 50, 150], [240, 200, 220], "purple on pink, left"),
    ...flipPair(15, 17, 7, "greenMagenta", "centre left"),
  ] },
  { name: "plus", shape: "plus", modes: [
    typical(16, 20, 7.5, [60, 205, 215], [110, 25, 35], "cyan on maroon, bottom"),
    ...flipPair(16, 16, 7.5, "redCyan", "centre"),
  ] },
  { name: "cross", shape: "cross", modes: [
    typical(20, 16, 7.5, [240, 230, 80], [40, 40, 40], "yellow on charcoal, right"),
    ...flipPair(16, 16, 7.5, "redCyan", "centre"),
  ] },
  { name: "h-stripes", shape: "hstripes", modes: [
    typical(16, 16, 7.5, [250, 250, 250], [210, 60, 120], "white on raspberry, centre"),
    ...flipPair(16, 16, 7, "orangeAzure", "centre"),
  ] },
  { name: "v-stripes", shape: "vstripes", modes: [
    typical(16, 16, 7.5, [30, 110, 120], [250, 170, 60], "teal on orange, centre"),
    ...flipPair(16, 16, 7, "orangeAzure", "centre"),
  ] },
];

/** Class names of the default dataset, index = label. */
export const SYNTHETIC_CLASS_NAMES: readonly string[] = SYNTHETIC_CLASSES.map((c) => c.name);

const SHAPE_KINDS: readonly ShapeKind[] = [
  "disk", "ring", "square", "frame", "triangle", "diamond", "plus", "cross", "hstripes", "vstripes",
];
const SHAPE_ID: Record<ShapeKind, number> = Object.fromEntries(SHAPE_KINDS.map((s, i) => [s, i])) as Record<ShapeKind, number>;

// ---------------------------------------------------------------------------------------------------------------
// Random numbers: seedrandom turns the user's seed into a 128-bit key; each image gets its own small fast generator
// (sfc32) keyed by (seed, split, index), so images do not depend on how many others were generated before them.

/** Small fast PRNG (sfc32); deterministic, 32-bit state words. */
class Sfc32 {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  constructor(a: number, b: number, c: number, d: number) {
    this.a = a | 0; this.b = b | 0; this.c = c | 0; this.d = d | 0;
    for (let i = 0; i < 12; i++) this.nextU32();
  }
  /** Uniform 32-bit unsigned integer. */
  nextU32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }
  /**
   * out[offset + p] = round(clamp(work[p] + scale * s)) where s is the sum of the four bytes of a random word
   * minus 510 (mean 0, standard deviation 147.8, close to Gaussian). The generator inlined for speed.
   */
  addNoiseAndQuantize(work: Float32Array, scale: number, out: Uint8Array, offset: number): void {
    let a = this.a, b = this.b, c = this.c, d = this.d;
    for (let p = 0; p < work.length; p++) {
      const t = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (c << 21) | (c >>> 11);
      c = (c + t) | 0;
      const s = (t & 255) + ((t >>> 8) & 255) + ((t >>> 16) & 255) + (t >>> 24) - 510;
      const v = work[p] + s * scale;
      out[offset + p] = v <= 0 ? 0 : v >= 255 ? 255 : (v + 0.5) | 0;
    }
    this.a = a; this.b = b; this.c = c; this.d = d;
  }
  /** Uniform in [0, 1). */
  uniform(): number {
    return this.nextU32() / 4294967296;
  }
  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }
  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function seedKey(seed: string | number): number[] {
  const prng = seedrandom(String(seed));
  return [prng.int32(), prng.int32(), prng.int32(), prng.int32()];
}

function imageRng(key: number[], split: number, index: number): Sfc32 {
  const i = index >>> 0;
  return new Sfc32(
    fmix32(key[0] ^ i),
    fmix32(key[1] ^ Math.imul(i, 0x9e3779b1) ^ split),
    fmix32(key[2] ^ Math.imul(split + 1, 0x27d4eb2f)),
    fmix32(key[3] ^ Math.imul(i + 0x632be5ab, 0x165667b1)),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Rendering.

/** Signed distance (pixels, negative inside) from local point (u, v) to a shape of radius r. */
function shapeDistance(kind: number, u: number, v: number, r: number): number {
  switch (kind) {
    case 0: // disk
      return Math.sqrt(u * u + v * v) - r;
    case 1: // ring
      return Math.abs(Math.sqrt(u * u + v * v) - 0.68 * r) - 0.3 * r;
    case 2: // square
      return Math.max(Math.abs(u), Math.abs(v)) - 0.82 * r;
    case 3: // frame (hollow square)
      return Math.abs(Math.max(Math.abs(u), Math.abs(v)) - 0.68 * r) - 0.22 * r;
    case 4: // triangle, apex up (image y grows downwards)
      return Math.max(Math.abs(u) * 0.866 - v * 0.5, v) - 0.5 * r;
    case 5: // diamond
      return (Math.abs(u) + Math.abs(v)) * 0.7071 - 0.62 * r;
    case 6: { // plus
      const w = 0.28 * r;
      const au = Math.abs(u), av = Math.abs(v);
      return Math.min(Math.max(au - w, av - r), Math.max(av - w, au - r));
    }
    case 7: { // diagonal cross: plus rotated by 45 degrees
      const p = (u + v) * 0.7071, q = (u - v) * 0.7071;
      const w = 0.28 * r;
      const ap = Math.abs(p), aq = Math.abs(q);
      return Math.min(Math.max(ap - w, aq - r), Math.max(aq - w, ap - r));
    }
    case 8: // horizontal stripes in a square window, period 4 px
    case 9: { // vertical stripes
      const t = kind === 8 ? v : u;
      const period = 4;
      const f = t / period + 0.25;
      const stripe = (Math.abs(f - Math.floor(f) - 0.5) - 0.25) * period;
      return Math.max(Math.max(Math.abs(u), Math.abs(v)) - 0.85 * r, stripe);
    }
    default:
      return 1e9;
  }
}

/** A shape instance placed in the image. */
interface Placed {
  kind: number;
  cx: number;
  cy: number;
  r: number;
  cos: number;
  sin: number;
  // Colour (0..255) per channel.
  cr: number;
  cg: number;
  cb: number;
  // Bounding box (inclusive) to skip far pixels.
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

function place(kind: number, cx: number, cy: number, r: number, angle: number, rgb: readonly number[]): Placed {
  const ext = r * 1.5 + 1.5;
  return {
    kind, cx, cy, r, cos: Math.cos(angle), sin: Math.sin(angle), cr: rgb[0], cg: rgb[1], cb: rgb[2],
    x0: Math.max(0, Math.floor(cx - ext)), x1: Math.min(IMAGE_WIDTH - 1, Math.ceil(cx + ext)),
    y0: Math.max(0, Math.floor(cy - ext)), y1: Math.min(IMAGE_HEIGHT - 1, Math.ceil(cy + ext)),
  };
}

function pickMode(modes: readonly SyntheticMode[], u: number): number {
  let total = 0;
  for (const md of modes) total += md.weight;
  let acc = 0;
  for (let i = 0; i < modes.length; i++) {
    acc += modes[i].weight / total;
    if (u < acc) return i;
  }
  return modes.length - 1;
}

function clamp255(x: number): number {
  return x < 0 ? 0 : x > 255 ? 255 : x;
}

/** Alpha-blend one shape into the float work buffer (planar, 3 x 1024). */
function drawShape(buf: Float32Array, s: Placed): void {
  const P = IMAGE_WIDTH * IMAGE_HEIGHT;
  for (let y = s.y0; y <= s.y1; y++) {
    const dy = y - s.cy;
    for (let x = s.x0; x <= s.x1; x++) {
      const dx = x - s.cx;
      const u = s.cos * dx + s.sin * dy;
      const v = -s.sin * dx + s.cos * dy;
      const d = shapeDistance(s.kind, u, v, s.r);
      let a = 0.5 - d; // one-pixel anti-aliased edge
      if (a <= 0) continue;
      if (a > 1) a = 1;
      const p = y * IMAGE_WIDTH + x;
      buf[p] += a * (s.cr - buf[p]);
      buf[P + p] += a * (s.cg - buf[P + p]);
      buf[2 * P + p] += a * (s.cb - buf[2 * P + p]);
    }
  }
}

interface RenderParams {
  noise: number;
  maxDistractors: number;
  positionJitter: number;
  minContrast: number;
}

/**
 * Render one image of class `label` into `out[offset .. offset+3072)` (channel-planar uint8), drawing the look,
 * jitter, distractors and noise from `rng`. Returns the index of the look (mode) used.
 */
function renderImage(
  label: number, rng: Sfc32, params: RenderParams, work: Float32Array, out: Uint8Array, offset: number,
): number {
  const P = IMAGE_WIDTH * IMAGE_HEIGHT;
  const cls = SYNTHETIC_CLASSES[label];
  const m = pickMode(cls.modes, rng.uniform());
  const md = cls.modes[m];

  // Background: the look's colour, jittered per channel, plus a linear brightness gradient in a random direction.
  const bgJ = 28;
  const br = clamp255(md.bg[0] + rng.range(-bgJ, bgJ));
  const bgc = clamp255(md.bg[1] + rng.range(-bgJ, bgJ));
  const bb = clamp255(md.bg[2] + rng.range(-bgJ, bgJ));
  const theta = rng.range(0, 2 * Math.PI);
  const amp = rng.range(0, 40);
  const gx = (Math.cos(theta) * amp) / 16, gy = (Math.sin(theta) * amp) / 16;
  for (let y = 0; y < IMAGE_HEIGHT; y++) {
    for (let x = 0; x < IMAGE_WIDTH; x++) {
      const g = gx * (x - 15.5) + gy * (y - 15.5);
      const p = y * IMAGE_WIDTH + x;
      work[p] = br + g;
      work[P + p] = bgc + g;
      work[2 * P + p] = bb + g;
    }
  }

  // Object.
  const j = params.positionJitter;
  const fgJ = 30;
  const contrast = rng.range(params.minContrast, 1);
  const obj = place(
    SHAPE_ID[cls.shape],
    md.cx + rng.range(-j, j),
    md.cy + rng.range(-j, j),
    md.r * rng.range(0.85, 1.15),
    rng.range(-0.2, 0.2),
    [
      clamp255(br + contrast * (md.fg[0] - md.bg[0]) + rng.range(-fgJ, fgJ)),
      clamp255(bgc + contrast * (md.fg[1] - md.bg[1]) + rng.range(-fgJ, fgJ)),
      clamp255(bb + contrast * (md.fg[2] - md.bg[2]) + rng.range(-fgJ, fgJ)),
    ],
  );

  // Distractors: small shapes of random kind and colour anywhere; some drawn behind the object, some in front.
  const nd = rng.int(params.maxDistractors + 1);
  const front: Placed[] = [];
  for (let k = 0; k < nd; k++) {
    const d = place(
      rng.int(SHAPE_KINDS.length), rng.range(2, 30), rng.range(2, 30), rng.range(2, DISTRACTOR_MAX_RADIUS), rng.range(0, Math.PI),
      [rng.range(0, 255), rng.range(0, 255), rng.range(0, 255)],
    );
    if (rng.uniform() < 0.5) drawShape(work, d);
    else front.push(d);
  }
  drawShape(work, obj);
  for (const d of front) drawShape(work, d);

  // Pixel noise (approximately Gaussian: sum of four uniform bytes) and quantisation.
  rng.addNoiseAndQuantize(work, params.noise / 147.8, out, offset);
  return m;
}

function balancedLabels(n: number, numClasses: number, rng: Sfc32): Int32Array {
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) labels[i] = i % numClasses;
  for (let i = n - 1; i > 0; i--) {
    const k = rng.int(i + 1);
    const t = labels[i];
    labels[i] = labels[k];
    labels[k] = t;
  }
  return labels;
}

function generateSplit(
  key: number[], split: number, n: number, params: RenderParams,
): { images: Uint8Array; labels: Int32Array; looks: Uint8Array } {
  const numClasses = SYNTHETIC_CLASSES.length;
  const labels = balancedLabels(n, numClasses, imageRng(key, split + 100, 0x7fffffff));
  const images = new Uint8Array(n * IMAGE_SIZE);
  const work = new Float32Array(IMAGE_SIZE);
  const looks = new Uint8Array(n);
  for (let i = 0; i < n; i++) looks[i] = renderImage(labels[i], imageRng(key, split, i), params, work, images, i * IMAGE_SIZE);
  return { images, labels, looks };
}

function checkCount(name: string, n: number): number {
  if (!Number.isInteger(n) || n < 0) throw new Error(`generateSynthetic: ${name} must be a non-negative integer, got ${n}`);
  return n;
}

/**
 * Generate the default synthetic dataset.
 *
 * Returns a {@link RawDataset}: `trainImages` is numTrain * 3072 bytes (shape [numTrain, 3, 32, 32], channel-planar
 * like CIFAR-10), `trainLabels` numTrain int32 labels (classes exactly balanced up to rounding), and the same for the
 * test split. Same options -> byte-identical output.
 */
export function generateSynthetic(options: SyntheticOptions = {}): RawDataset {
  const seed = options.seed ?? "dlvr";
  const numTrain = checkCount("numTrain", options.numTrain ?? 5000);
  const numTest = checkCount("numTest", options.numTest ?? 1000);
  const params: RenderParams = {
    noise: options.noise ?? 45,
    maxDistractors: options.maxDistractors ?? 3,
    positionJitter: options.positionJitter ?? 4,
    minContrast: options.minContrast ?? 0.3,
  };
  const key = seedKey(seed);
  const train = generateSplit(key, 1, numTrain, params);
  const test = generateSplit(key, 2, numTest, params);
  return {
    trainImages: train.images,
    trainLabels: train.labels,
    testImages: test.images,
    testLabels: test.labels,
    trainLooks: train.looks,
    testLooks: test.looks,
    classNames: SYNTHETIC_CLASS_NAMES.slice(),
    source: "synthetic",
    description: `synthetic shapes (seed ${JSON.stringify(seed)}): ${numTrain} train + ${numTest} test images, 10 classes, 3x32x32`,
  };
}
