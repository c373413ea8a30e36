/**
 * Small trusted helpers for the lecture demos in the Assignment 4 notebook (neural networks): activation functions,
 * 2-D toy datasets, a tiny fully connected network with its own backprop and (momentum) SGD trainer, a ReLU
 * "universal approximation" construction, and pictures of 2-D data and decision regions.
 *
 * These are for the demos only. The assignment itself (student_src/two_layer_net.ts) must be written from tensor
 * operations: no ready-made relu / softmax from here.
 *
 *   import { makeSpirals, DenseNet, trainDenseNet, decisionPicture } from "./lib/lecture";
 *   const data = makeSpirals({ seed: 0 });                               // X [300, 2], y [300] in 0..2
 *   const net = new DenseNet(2, [50], 3, { activation: "relu", seed: 0 });
 *   const { lossHistory } = trainDenseNet(net, data.X, data.y, { learningRate: 0.5, reg: 1e-3, numIters: 1000 });
 *   showPicture(decisionPicture((X) => net.scores(X), data, { title: "ReLU net" }));
 */
import { Generator, randn, tensor, zeros, zerosLike, type Tensor } from "./tensor";
import { encodePng, pngDataUrl, type Picture } from "./viz";

// ------------------------------------------------------------------------------------------------ activations

/** Activation functions shown in the lecture. */
export type ActivationName = "identity" | "sigmoid" | "tanh" | "relu" | "leaky-relu" | "elu" | "gelu";

export interface ActivationFunction {
  name: ActivationName;
  /** Formula for plot legends. */
  formula: string;
  /** The function of one number. */
  f(x: number): number;
  /** Its derivative. */
  df(x: number): number;
}

const LEAKY_SLOPE = 0.1;
const ELU_ALPHA = 1;
const INV_SQRT2 = 1 / Math.SQRT2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** Error function (Abramowitz and Stegun 7.1.26, absolute error below 1.5e-7). */
export function erf(x: number): number {
  const s = x < 0 ? -1 : 1;
  const a = Math.abs(x);
  const t = 1 / (1 + 0.3275911 * a);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-a * a);
  return s * y;
}

function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/** The activation functions by name: f and its derivative df. */
export const ACTIVATIONS: Readonly<Record<ActivationName, ActivationFunction>> = {
  identity: { name: "identity", formula: "x", f: (x) => x, df: () => 1 },
  sigmoid: { name: "sigmoid", formula: "1 / (1 + e^-x)", f: sigmoid, df: (x) => sigmoid(x) * (1 - sigmoid(x)) },
  tanh: { name: "tanh", formula: "tanh(x)", f: Math.tanh, df: (x) => 1 - Math.tanh(x) ** 2 },
  relu: { name: "relu", formula: "max(0, x)", f: (x) => (x > 0 ? x : 0), df: (x) => (x > 0 ? 1 : 0) },
  "leaky-relu": {
    name: "leaky-relu", formula: `max(${LEAKY_SLOPE}x, x)`,
    f: (x) => (x > 0 ? x : LEAKY_SLOPE * x), df: (x) => (x > 0 ? 1 : LEAKY_SLOPE),
  },
  elu: {
    name: "elu", formula: "x if x > 0 else e^x - 1",
    f: (x) => (x > 0 ? x : ELU_ALPHA * (Math.exp(x) - 1)), df: (x) => (x > 0 ? 1 : ELU_ALPHA * Math.exp(x)),
  },
  gelu: {
    name: "gelu", formula: "x * Phi(x)",
    f: (x) => 0.5 * x * (1 + erf(x * INV_SQRT2)),
    df: (x) => 0.5 * (1 + erf(x * INV_SQRT2)) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x),
  },
};

/** Apply activation `name` elementwise: a new float tensor of the same shape. */
export function applyActivation(name: ActivationName, x: Tensor): Tensor {
  const { f } = ACTIVATIONS[name];
  const out = x.dtype === "float32" || x.dtype === "float64" ? x.clone() : x.to("float64").clone();
  const d = out.data;
  for (let i = 0; i < d.length; i++) d[i] = f(d[i]);
  return out;
}

/** The derivative of activation `name` at every element of x (pre-activations). */
export function activationGrad(name: ActivationName, x: Tensor): Tensor {
  const { df } = ACTIVATIONS[name];
  const out = x.dtype === "float32" || x.dtype === "float64" ? x.clone() : x.to("float64").clone();
  const d = out.data;
  for (let i = 0; i < d.length; i++) d[i] = df(d[i]);
  return out;
}

/** Sample points of each activation on [lo, hi], ready for lineChart: one { name, x, y } per activation. */
export function activationCurves(
  names: readonly ActivationName[] = ["sigmoid", "tanh", "relu", "leaky-relu", "elu", "gelu"],
  { lo = -4, hi = 4, points = 161, derivative = false } = {},
): { name: string; x: number[]; y: number[] }[] {
  const xs = Array.from({ length: points }, (_, i) => lo + ((hi - lo) * i) / (points - 1));
  return names.map((n) => {
    const a = ACTIVATIONS[n];
    return { name: derivative ? `${n}'` : n, x: xs, y: xs.map((x) => (derivative ? a.df(x) : a.f(x))) };
  });
}

// ------------------------------------------------------------------------------------------------ 2-D datasets

/** A 2-D classification problem: X [N, 2] float64, y [N] int32 labels in 0..numClasses-1. */
export interface Dataset2D {
  X: Tensor;
  y: Tensor;
  numClasses: number;
  /** Suggested plot window [xMin, xMax, yMin, yMax]. */
  bounds: [number, number, number, number];
}

function dataset(points: number[][], labels: number[], numClasses: number, margin = 0.15): Dataset2D {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const [a, b] of points) {
    x0 = Math.min(x0, a); x1 = Math.max(x1, a); y0 = Math.min(y0, b); y1 = Math.max(y1, b);
  }
  const mx = (x1 - x0) * margin, my = (y1 - y0) * margin;
  return {
    X: tensor(points),
    y: tensor(labels, { dtype: "int32" }),
    numClasses,
    bounds: [x0 - mx, x1 + mx, y0 - my, y1 + my],
  };
}

/** CS231n's spiral: numClasses arms of perClass points each, radius 0..1, angular noise `noise`. */
export function makeSpirals({ numClasses = 3, perClass = 100, noise = 0.2, seed = 0 as string | number } = {}): Dataset2D {
  const g = new Generator(`spirals-${seed}`);
  const points: number[][] = [];
  const labels: number[] = [];
  for (let c = 0; c < numClasses; c++) {
    for (let i = 0; i < perClass; i++) {
      const r = perClass === 1 ? 1 : i / (perClass - 1);
      const t = (c * 4 + (4 * i) / Math.max(perClass - 1, 1)) + g.normal() * noise;
      points.push([r * Math.sin(t), r * Math.cos(t)]);
      labels.push(c);
    }
  }
  return dataset(points, labels, numClasses, 0.1);
}

/** Two interleaving half moons (2 classes, n points in all) with Gaussian noise; coordinates multiplied by `scale`. */
export function makeMoons({ n = 200, noise = 0.2, scale = 1, seed = 0 as string | number } = {}): Dataset2D {
  const g = new Generator(`moons-${seed}`);
  const points: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    const t = Math.PI * g.random();
    const p = c === 0 ? [Math.cos(t), Math.sin(t)] : [1 - Math.cos(t), 0.5 - Math.sin(t)];
    points.push([scale * (p[0] + noise * g.normal()), scale * (p[1] + noise * g.normal())]);
    labels.push(c);
  }
  return dataset(points, labels, 2);
}

/** Two concentric circles (class 0 outside, radius 1; class 1 inside, radius `factor`), with noise. */
export function makeCircles({ n = 200, noise = 0.08, factor = 0.5, seed = 0 as string | number } = {}): Dataset2D {
  const g = new Generator(`circles-${seed}`);
  const points: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    const t = 2 * Math.PI * g.random();
    const r = c === 0 ? 1 : factor;
    points.push([r * Math.cos(t) + noise * g.normal(), r * Math.sin(t) + noise * g.normal()]);
    labels.push(c);
  }
  return dataset(points, labels, 2);
}

/**
 * The space-warping example of the lecture. Points uniform in [lo, hi]^2; with h = ReLU(W x), class 1 is
 * h1 + h2 > 1 and class 0 the rest, leaving out points within `gap` of the boundary. In x space class 0 is a
 * wedge that class 1 wraps around on two sides (no single line separates them); in h space the line h1 + h2 = 1 does.
 * Returns the data and the 2x2 W used (rows = hidden units, so h = ReLU(X W^T) for row vectors).
 */
export function makeFoldedData(
  { n = 300, lo = -4, hi = 2.5, gap = 0.25, W = [[1, 0.2], [-0.2, 1]] as number[][], seed = 0 as string | number } = {},
): Dataset2D & { W: Tensor } {
  const g = new Generator(`folded-${seed}`);
  const points: number[][] = [];
  const labels: number[] = [];
  while (points.length < n) {
    const x = [lo + (hi - lo) * g.random(), lo + (hi - lo) * g.random()];
    const h1 = Math.max(0, W[0][0] * x[0] + W[0][1] * x[1]);
    const h2 = Math.max(0, W[1][0] * x[0] + W[1][1] * x[1]);
    const s = h1 + h2 - 1;
    if (Math.abs(s) < gap) continue;
    points.push(x);
    labels.push(s > 0 ? 1 : 0);
  }
  return { ...dataset(points, labels, 2, 0.05), W: tensor(W) };
}

// ------------------------------------------------------------------------------------------------ a tiny dense net

/** One fully connected layer: out = in W + b, W [fanIn, fanOut], b [fanOut]. */
export interface DenseLayer {
  W: Tensor;
  b: Tensor;
}

export interface DenseNetOptions {
  /** Activation after every hidden layer. Default "relu". "identity" gives a deep *linear* network. */
  activation?: ActivationName;
  /** Seed of the initial weights. Default 0. */
  seed?: string | number;
  /** Standard deviation of the initial weights: a number, or "he" (sqrt(2 / fanIn), the default). */
  std?: number | "he";
  /** Element type of the weights; match your data (float32 image features train faster). Default "float64". */
  dtype?: "float32" | "float64";
}

/**
 * A small fully connected classifier for the demos: input - [dense - activation] x hidden.length - dense -
 * softmax. With no hidden layers (`new DenseNet(D, [], C)`) it is a linear softmax classifier. Loss = mean cross-entropy + reg * sum of squared weights (no factor 1/2, biases not
 * regularized), like the assignment.
 */
export class DenseNet {
  layers: DenseLayer[];
  readonly activation: ActivationName;

  constructor(inputSize: number, hidden: readonly number[], numClasses: number, options: DenseNetOptions = {}) {
    this.activation = options.activation ?? "relu";
    const g = new Generator(`dense-${options.seed ?? 0}`);
    const sizes = [inputSize, ...hidden, numClasses];
    this.layers = [];
    for (let l = 0; l + 1 < sizes.length; l++) {
      const std = options.std === undefined || options.std === "he" ? Math.sqrt(2 / sizes[l]) : options.std;
      const dtype = options.dtype ?? "float64";
      this.layers.push({ W: randn([sizes[l], sizes[l + 1]], { dtype, generator: g }).mul_(std), b: zeros([sizes[l + 1]], { dtype }) });
    }
  }

  /** Class scores [N, C] for X [N, D]. */
  scores(X: Tensor): Tensor {
    return this.forward(X).scores;
  }

  /** Predicted labels [N] (int32). */
  predict(X: Tensor): Tensor {
    return this.scores(X).argmax(1);
  }

  /** Fraction of X's rows classified as y. */
  accuracy(X: Tensor, y: Tensor): number {
    return this.predict(X).eq(y).to("float64").mean().item();
  }

  /** Hidden representation after layer `layer` (1-based, after the activation): what the next layer sees. */
  hidden(X: Tensor, layer = 1): Tensor {
    return this.forward(X).activations[layer];
  }

  private forward(X: Tensor): { scores: Tensor; pre: Tensor[]; activations: Tensor[] } {
    const pre: Tensor[] = [];
    const activations: Tensor[] = [X];
    let a = X;
    for (let l = 0; l < this.layers.length; l++) {
      const z = a.matmul(this.layers[l].W).add_(this.layers[l].b);
      if (l === this.layers.length - 1) return { scores: z, pre, activations };
      pre.push(z);
      a = this.activation === "relu" ? z.clamp({ min: 0 }) : applyActivation(this.activation, z);
      activations.push(a);
    }
    throw new Error("DenseNet: no layers");
  }

  /** Mean softmax loss plus reg * sum(W^2) over all layers, and the gradient of every W and b. */
  lossAndGrads(X: Tensor, y: Tensor, reg = 0): { loss: number; grads: DenseLayer[] } {
    const { scores, pre, activations } = this.forward(X);
    const N = X.size(0);
    const shifted = scores.sub(scores.max(1, true).values);
    const logProbs = shifted.sub(shifted.logsumexp(1, true));
    let loss = -logProbs.gather(1, y).sum().item() / N;
    for (const { W } of this.layers) loss += reg * W.mul(W).sum().item();
    let delta = logProbs.exp().scatterAdd_(1, y, -1).div_(N); // dL/dscores
    const grads: DenseLayer[] = new Array(this.layers.length);
    for (let l = this.layers.length - 1; l >= 0; l--) {
      const { W } = this.layers[l];
      grads[l] = { W: activations[l].t().matmul(delta).add_(W, 2 * reg), b: delta.sum(0) };
      if (l > 0) {
        delta = delta.matmul(W.t());
        delta = this.activation === "relu" ? delta.mul_(pre[l - 1].gt(0)) : delta.mul_(activationGrad(this.activation, pre[l - 1]));
      }
    }
    return { loss, grads };
  }
}

export interface TrainDenseOptions {
  learningRate?: number;
  /** SGD+momentum coefficient rho: v = rho * v + grad; w -= learningRate * v. Default 0 (plain SGD). */
  momentum?: number;
  reg?: number;
  numIters?: number;
  /** Minibatch size; default: the whole set (full-batch gradient descent). */
  batchSize?: number;
  /** Seed of the minibatch sampling. Default 0. */
  seed?: string | number;
}

/** Train a DenseNet in place with (momentum) SGD; returns the loss at every iteration. */
export function trainDenseNet(net: DenseNet, X: Tensor, y: Tensor, options: TrainDenseOptions = {}): { lossHistory: number[] } {
  const { learningRate = 0.1, momentum = 0, reg = 0, numIters = 1000 } = options;
  const N = X.size(0);
  const batchSize = Math.min(options.batchSize ?? N, N);
  const g = new Generator(`dense-train-${options.seed ?? 0}`);
  const velocity = net.layers.map(({ W, b }) => ({ W: zerosLike(W), b: zerosLike(b) }));
  const lossHistory: number[] = [];
  const idx = new Int32Array(batchSize);
  for (let it = 0; it < numIters; it++) {
    let Xb = X, yb = y;
    if (batchSize < N) {
      for (let i = 0; i < batchSize; i++) idx[i] = g.integer(0, N);
      const t = tensor(idx, { shape: [batchSize] });
      Xb = X.indexSelect(0, t);
      yb = y.indexSelect(0, t);
    }
    const { loss, grads } = net.lossAndGrads(Xb, yb, reg);
    lossHistory.push(loss);
    for (let l = 0; l < net.layers.length; l++) {
      if (momentum > 0) {
        velocity[l].W.mul_(momentum).add_(grads[l].W);
        velocity[l].b.mul_(momentum).add_(grads[l].b);
        net.layers[l].W.add_(velocity[l].W, -learningRate);
        net.layers[l].b.add_(velocity[l].b, -learningRate);
      } else {
        net.layers[l].W.add_(grads[l].W, -learningRate);
        net.layers[l].b.add_(grads[l].b, -learningRate);
      }
    }
  }
  return { lossHistory };
}

// ------------------------------------------------------------------------------------------------ universal approximation

/** A 1-D function written as a sum of shifted, scaled ReLUs: g(x) = bias + sum_i scale_i * max(0, x - shift_i). */
export interface ReluSum {
  shifts: number[];
  scales: number[];
  bias: number;
  /** g at one point. */
  evaluate(x: number): number;
  /** The same function as a two-layer net with 1 input, shifts.length hidden ReLUs and 1 output. */
  params: { W1: Tensor; b1: Tensor; W2: Tensor; b2: Tensor };
}

/**
 * The constructive side of universal approximation: `units` ReLUs reproduce the piecewise-linear interpolation of
 * f at units + 1 equally spaced knots on [lo, hi] (unit i starts at knot i and changes the slope by the
 * difference of consecutive segment slopes). The error shrinks as units grow.
 */
export function reluApproximation(f: (x: number) => number, units: number, lo = 0, hi = 1): ReluSum {
  if (!Number.isInteger(units) || units < 1) throw new RangeError(`reluApproximation: units must be a positive integer, got ${units}`);
  const knots = Array.from({ length: units + 1 }, (_, i) => lo + ((hi - lo) * i) / units);
  const values = knots.map(f);
  const slopes = knots.slice(0, -1).map((k, i) => (values[i + 1] - values[i]) / (knots[i + 1] - k));
  const shifts = knots.slice(0, -1);
  const scales = slopes.map((s, i) => (i === 0 ? s : s - slopes[i - 1]));
  const bias = values[0];
  const evaluate = (x: number): number => {
    let v = bias;
    for (let i = 0; i < units; i++) if (x > shifts[i]) v += scales[i] * (x - shifts[i]);
    return v;
  };
  const params = {
    W1: tensor([shifts.map(() => 1)]),
    b1: tensor(shifts.map((s) => -s)),
    W2: tensor(scales.map((s) => [s])),
    b2: tensor([bias]),
  };
  return { shifts, scales, bias, evaluate, params };
}

// ------------------------------------------------------------------------------------------------ pictures

/** Class colours for points (dark) and regions (light): matplotlib's tab10 and lightened versions. */
const POINT_COLORS: readonly [number, number, number][] = [
  [31, 119, 180], [214, 39, 40], [44, 160, 44], [255, 127, 14], [148, 103, 189],
  [140, 86, 75], [227, 119, 194], [127, 127, 127], [188, 189, 34], [23, 190, 207],
];

function lighten(c: readonly number[], t: number): [number, number, number] {
  return [0, 1, 2].map((k) => Math.round(c[k] + (255 - c[k]) * t)) as [number, number, number];
}

export interface PlotOptions {
  /** Plot window [xMin, xMax, yMin, yMax]; default the dataset's bounds. */
  bounds?: readonly [number, number, number, number];
  /** Picture side in pixels. Default 240. */
  size?: number;
  /** Caption under the picture. */
  title?: string;
  /** Draw the axes x = 0 and y = 0 in grey. Default false. */
  axes?: boolean;
  /** Point radius in pixels. Default 3. */
  radius?: number;
}

/** An RGB canvas for 2-D plots. */
class Canvas {
  readonly data: Uint8Array;
  constructor(readonly width: number, readonly height: number) {
    this.data = new Uint8Array(width * height * 3).fill(255);
  }
  set(x: number, y: number, c: readonly number[]): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    const o = (y * this.width + x) * 3;
    this.data[o] = c[0];
    this.data[o + 1] = c[1];
    this.data[o + 2] = c[2];
  }
  disc(cx: number, cy: number, r: number, fill: readonly number[], edge: readonly number[]): void {
    // Radii with +0.5 so small discs come out round rather than star-shaped.
    const inner = (r + 0.5) ** 2, outer = (r + 1.5) ** 2;
    const R = r + 2;
    for (let dy = -R; dy <= R; dy++) {
      for (let dx = -R; dx <= R; dx++) {
        const d2 = dx * dx + dy * dy;
        if (d2 <= inner) this.set(cx + dx, cy + dy, fill);
        else if (d2 <= outer) this.set(cx + dx, cy + dy, edge);
      }
    }
  }
}

function toPicture(canvas: Canvas, title: string | undefined): Picture {
  const png = encodePng(canvas.data, canvas.width, canvas.height, 3);
  const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
  const caption = title ? `<figcaption style="text-align:center;font:12px/1.3 sans-serif;color:#222;max-width:${canvas.width}px">${esc(title)}</figcaption>` : "";
  const html = `<figure style="display:inline-block;margin:4px 8px 4px 0;vertical-align:top">`
    + `<img src="${pngDataUrl(png)}" width="${canvas.width}" height="${canvas.height}" alt="${esc(title ?? "2-D plot")}" style="max-width:none;display:block;border:1px solid #ccc">`
    + `${caption}</figure>`;
  return { png, html, width: canvas.width, height: canvas.height };
}

/**
 * 2-D points coloured by class (and, when `scoresFn` is given, the plane coloured by the class it predicts, with
 * the decision boundaries darkened) as a PNG Picture. scoresFn maps X [M, 2] to scores [M, C] or labels [M].
 */
export function decisionPicture(
  scoresFn: ((X: Tensor) => Tensor) | null, data: { X: Tensor; y: Tensor; bounds?: readonly [number, number, number, number] },
  options: PlotOptions = {},
): Picture {
  const size = options.size ?? 240;
  const [x0, x1, y0, y1] = options.bounds ?? data.bounds ?? [-1, 1, -1, 1];
  const canvas = new Canvas(size, size);
  const toPx = (x: number) => Math.round(((x - x0) / (x1 - x0)) * (size - 1));
  const toPy = (y: number) => Math.round(((y1 - y) / (y1 - y0)) * (size - 1));
  if (scoresFn) {
    const grid = new Float64Array(size * size * 2);
    for (let py = 0; py < size; py++) {
      for (let px = 0; px < size; px++) {
        const i = py * size + px;
        grid[2 * i] = x0 + ((x1 - x0) * px) / (size - 1);
        grid[2 * i + 1] = y1 - ((y1 - y0) * py) / (size - 1);
      }
    }
    const out = scoresFn(tensor(grid, { shape: [size * size, 2] }));
    const labels = (out.dim() === 2 ? out.argmax(1) : out).contiguous().data;
    for (let py = 0; py < size; py++) {
      for (let px = 0; px < size; px++) {
        const c = labels[py * size + px];
        const edge = (px + 1 < size && labels[py * size + px + 1] !== c) || (py + 1 < size && labels[(py + 1) * size + px] !== c);
        canvas.set(px, py, edge ? [90, 90, 90] : lighten(POINT_COLORS[c % POINT_COLORS.length], 0.72));
      }
    }
  }
  if (options.axes) {
    const ax = toPx(0), ay = toPy(0);
    for (let i = 0; i < size; i++) {
      if (ax >= 0 && ax < size) canvas.set(ax, i, [150, 150, 150]);
      if (ay >= 0 && ay < size) canvas.set(i, ay, [150, 150, 150]);
    }
  }
  const X = data.X.contiguous().data, y = data.y.contiguous().data;
  const r = options.radius ?? 3;
  for (let i = 0; i < y.length; i++) {
    const c = POINT_COLORS[y[i] % POINT_COLORS.length];
    canvas.disc(toPx(X[2 * i]), toPy(X[2 * i + 1]), r, c, [255, 255, 255]);
  }
  return toPicture(canvas, options.title);
}

/** Several pictures side by side, as one HTML snippet for showHtml. */
export function pictureRow(pictures: readonly Picture[]): string {
  return `<div style="display:flex;flex-wrap:wrap;align-items:flex-start">${pictures.map((p) => p.html).join("")}</div>`;
}
