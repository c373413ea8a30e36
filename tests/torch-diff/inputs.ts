// Input descriptions shared by the TypeScript and the PyTorch side of the differential suite: a tensor is
// built from its base shape and flat values, then the views listed are applied in order (so non-contiguous
// inputs look the same on both sides). Non-finite values travel as strings, since JSON has no NaN or Infinity.
import { Generator, tensor, type DType, type Tensor } from "../../lib/tensor";

export type View =
  | ["transpose", number, number]
  | ["permute", number[]]
  | ["slice", number, number, number, number] // dim, start, end, step
  | ["select", number, number]
  | ["narrow", number, number, number]
  | ["expand", number[]];

export interface TensorSpec {
  dtype: DType;
  base: number[];
  values: (number | string)[];
  views: View[];
}

/** An op argument: a tensor, or a plain number (an integer-valued one is an int, as in promote.ts). */
export type Input = { t: TensorSpec } | { n: number | string };

export function encode(x: number): number | string {
  return Number.isNaN(x) ? "nan" : x === Infinity ? "inf" : x === -Infinity ? "-inf" : Object.is(x, -0) ? "-0" : x;
}

export function decode(x: number | string): number {
  return typeof x === "number" ? x : x === "nan" ? NaN : x === "inf" ? Infinity : x === "-0" ? -0 : -Infinity;
}

export function buildTensor(s: TensorSpec): Tensor {
  let t = tensor(s.values.map(decode), { dtype: s.dtype }).reshape(s.base);
  for (const v of s.views) {
    switch (v[0]) {
      case "transpose": t = t.transpose(v[1], v[2]); break;
      case "permute": t = t.permute(...v[1]); break;
      case "slice": t = t.slice(v[1], v[2], v[3], v[4]); break;
      case "select": t = t.select(v[1], v[2]); break;
      case "narrow": t = t.narrow(v[1], v[2], v[3]); break;
      case "expand": t = t.expand(v[1]); break;
    }
  }
  return t;
}

export function buildInput(x: Input): Tensor | number {
  return "t" in x ? buildTensor(x.t) : decode(x.n);
}

/** Seeded choices for the case generator. */
export class Rng {
  private g: Generator;
  constructor(seed: string) {
    this.g = new Generator(seed);
  }
  random(): number {
    return this.g.random();
  }
  int(lo: number, hi: number): number {
    return this.g.integer(lo, hi + 1);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.g.integer(0, xs.length)];
  }
  chance(p: number): boolean {
    return this.g.random() < p;
  }
  normal(): number {
    return this.g.normal();
  }
}

export interface ValueStyle {
  /** Probability of a special value (0, -0, +-1, +-0.5, 2.5, NaN, +-inf) per element of a float tensor. */
  special?: number;
  /** Integer range for int32 tensors (default [-5, 5]). */
  intRange?: [number, number];
  /** Float values in [lo, hi] instead of 2 * normal. */
  floatRange?: [number, number];
  /** No NaN or infinity (for ops whose torch result on them is unspecified or differs on purpose). */
  finite?: boolean;
}

const SPECIALS = [0, -0, 1, -1, 0.5, -0.5, 2.5, NaN, Infinity, -Infinity];

export function randomValue(r: Rng, dtype: DType, style: ValueStyle): number {
  if (dtype === "bool") return r.chance(0.5) ? 1 : 0;
  if (dtype === "int32") {
    const [lo, hi] = style.intRange ?? [-5, 5];
    return r.int(lo, hi);
  }
  let v: number;
  if (style.special && r.chance(style.special)) {
    v = r.pick(style.finite ? SPECIALS.slice(0, 7) : SPECIALS);
  } else if (style.floatRange) {
    v = style.floatRange[0] + r.random() * (style.floatRange[1] - style.floatRange[0]);
  } else {
    v = 2 * r.normal();
  }
  return dtype === "float32" ? Math.fround(v) : v;
}

/** A tensor spec whose built tensor has `shape`, made contiguous or through a random view (when allowed). */
export function makeTensor(r: Rng, shape: number[], dtype: DType, style: ValueStyle = {}, allowViews = true, allowExpand = true): TensorSpec {
  const kinds = ["contiguous", "contiguous", "transpose", "permute", "slice", "select", "narrow", "expand"];
  const kind = allowViews ? r.pick(kinds) : "contiguous";
  const nd = shape.length;
  let base = [...shape];
  const views: View[] = [];
  if (kind === "transpose" && nd >= 2) {
    const a = r.int(0, nd - 1), b = r.int(0, nd - 1);
    [base[a], base[b]] = [base[b], base[a]];
    views.push(["transpose", a, b]);
  } else if (kind === "permute" && nd >= 2) {
    const order = shape.map((_, d) => d);
    for (let i = nd - 1; i > 0; i--) {
      const j = r.int(0, i);
      [order[i], order[j]] = [order[j], order[i]];
    }
    // permute(order) of a base with base[order[d]] = shape[d] gives shape.
    base = new Array<number>(nd);
    order.forEach((src, d) => (base[src] = shape[d]));
    views.push(["permute", order]);
  } else if (kind === "slice" && nd >= 1) {
    const d = r.int(0, nd - 1), step = r.int(2, 3), start = r.int(0, 1);
    base[d] = start + shape[d] * step;
    views.push(["slice", d, start, base[d], step]);
  } else if (kind === "select") {
    const d = r.int(0, nd);
    base.splice(d, 0, 3);
    views.push(["select", d, r.int(-3, 2)]);
  } else if (kind === "narrow" && nd >= 1) {
    const d = r.int(0, nd - 1), start = r.int(0, 2);
    base[d] = shape[d] + start + r.int(0, 1);
    views.push(["narrow", d, start, shape[d]]);
  } else if (kind === "expand" && allowExpand && nd >= 1) {
    // Some dims of size 1 in the base (and maybe fewer dims), expanded to the shape; -1 keeps a size.
    const lead = r.int(0, Math.min(1, nd));
    base = shape.slice(lead).map((s) => (r.chance(0.5) ? 1 : s));
    views.push(["expand", shape.map((s, d) => (d >= lead && base[d - lead] === s && r.chance(0.3) ? -1 : s))]);
  }
  const n = base.reduce((a, b) => a * b, 1);
  const values: (number | string)[] = [];
  for (let i = 0; i < n; i++) values.push(encode(randomValue(r, dtype, style)));
  return { dtype, base, values, views };
}

/** A random shape: rank 0-4, sizes mostly 1-4 with some 0s; sometimes a big one (over the native kernels' threshold). */
export function randomShape(r: Rng, opts: { minRank?: number; maxRank?: number; big?: boolean; zeros?: boolean } = {}): number[] {
  const minRank = opts.minRank ?? 0, maxRank = opts.maxRank ?? 4;
  if (opts.big && r.chance(0.08)) {
    const shapes = [[40, 30], [1100], [3, 20, 24], [33, 33]].filter((s) => s.length >= minRank && s.length <= maxRank);
    if (shapes.length) return [...r.pick(shapes)];
  }
  const rank = r.int(minRank, maxRank);
  return Array.from({ length: rank }, () => (opts.zeros !== false && r.chance(0.06) ? 0 : r.pick([1, 1, 2, 3, 4])));
}

/** A shape that broadcasts to `shape`: leading dims dropped, some dims set to 1. */
export function broadcastableTo(r: Rng, shape: number[]): number[] {
  const drop = r.chance(0.3) ? r.int(0, shape.length) : 0;
  return shape.slice(drop).map((s) => (r.chance(0.25) ? 1 : s));
}
