// The ops of the differential suite: how to draw random arguments for each, and how lib/tensor runs it.
// tests/torch-diff/torch_ops.py runs the same names with PyTorch. Params are plain JSON both sides read.
import {
  arange, cat, eye, full, linspace, matmul, ones, stack, tensor, where, zeros, type DType, type Tensor,
} from "../../lib/tensor";
import { broadcastableTo, makeTensor, randomShape, type Input, Rng, type ValueStyle } from "./inputs";

export type Params = Record<string, unknown>;
export type Arg = Tensor | number;

export interface OpSpec {
  name: string;
  family: string;
  gen(r: Rng): { inputs: Input[]; params: Params };
  run(args: Arg[], p: Params): unknown;
}

const ALL: DType[] = ["float64", "float32", "int32", "bool"];
const T = (x: Arg): Tensor => x as Tensor;

function anyDType(r: Rng): DType {
  return r.pick([...ALL, "float64", "float32"]);
}

/** A random dim of a rank-`nd` tensor (negative half the time), sometimes out of range. */
function randomDim(r: Rng, nd: number, bad = 0.04): number {
  if (r.chance(bad)) return r.pick([nd, -nd - 1, nd + 1]);
  const hi = Math.max(nd - 1, 0);
  const d = r.int(0, hi);
  return r.chance(0.5) ? d - Math.max(nd, 1) : d;
}

function tensorInput(r: Rng, shape: number[], dtype: DType, style: ValueStyle = {}, views = true): Input {
  return { t: makeTensor(r, shape, dtype, style, views) };
}

/** The second operand of a binary op: a tensor broadcasting with the first, a 0-d tensor, or a number. */
function secondOperand(r: Rng, shape: number[], style: ValueStyle, firstType: DType): Input {
  const kind = r.pick(["tensor", "tensor", "tensor", "zero-d", "int", "float"]);
  if (kind === "int") return { n: r.int(-4, 4) };
  if (kind === "float") return { n: r.pick([0.5, -1.5, 2.25, 0.1, 3.7]) };
  const dtype = r.chance(0.6) ? firstType : anyDType(r);
  let s = kind === "zero-d" ? [] : broadcastableTo(r, shape);
  if (kind === "tensor" && s.length > 0 && r.chance(0.04)) s = s.map((x) => x + 2); // cannot broadcast
  return tensorInput(r, s, dtype, style);
}

/** `bigInts`: int32 values over the whole range sometimes (wraparound of add, sub, mul). */
function binaryGen(style: ValueStyle = { special: 0.1 }, bigInts = false) {
  return (r: Rng) => {
    const shape = randomShape(r, { big: true });
    const dtype = anyDType(r);
    const valueStyle = bigInts && r.chance(0.3) ? { ...style, intRange: [-(2 ** 31), 2 ** 31 - 1] as [number, number] } : style;
    return { inputs: [tensorInput(r, shape, dtype, valueStyle), secondOperand(r, shape, valueStyle, dtype)], params: {} };
  };
}

function unaryGen(style: ValueStyle = { special: 0.15 }, dtypes: DType[] = ALL) {
  return (r: Rng) => ({ inputs: [tensorInput(r, randomShape(r, { big: true }), r.pick(dtypes), style)], params: {} });
}

const binary = (name: string, run: (a: Tensor, b: Arg) => unknown, style?: ValueStyle, bigInts = false): OpSpec => ({
  name, family: "elementwise-binary", gen: binaryGen(style, bigInts), run: ([a, b]) => run(T(a), b),
});
const unary = (name: string, run: (a: Tensor) => unknown, style?: ValueStyle, dtypes?: DType[]): OpSpec => ({
  name, family: "elementwise-unary", gen: unaryGen(style, dtypes), run: ([a]) => run(T(a)),
});

/** In-place ops run on a copy (possibly a non-contiguous view of a fresh base) and return it. */
const inPlace = (name: string, run: (a: Tensor, b: Arg) => void, style?: ValueStyle): OpSpec => ({
  name, family: "in-place",
  gen: (r) => {
    const shape = randomShape(r, { big: true });
    const dtype = anyDType(r);
    const target: Input = { t: makeTensor(r, shape, dtype, style ?? { special: 0.1 }, true, false) };
    return { inputs: [target, secondOperand(r, shape, style ?? { special: 0.1 }, dtype)], params: {} };
  },
  run: ([a, b]) => {
    run(T(a), b);
    return a;
  },
});

function reduceGen(opts: { multi?: boolean; keepdim?: boolean; noDim?: boolean; dtypes?: DType[]; style?: ValueStyle; big?: boolean } = {}) {
  return (r: Rng) => {
    const shape = randomShape(r, { big: opts.big ?? true });
    const nd = shape.length;
    const params: Params = {};
    const choice = r.int(0, 3);
    if (choice === 0 && opts.noDim !== false) params.dim = null;
    else if (choice === 1 && opts.multi && nd >= 2) params.dim = [randomDim(r, nd, 0), randomDim(r, nd, 0)].filter((d, i, a) => a.indexOf(d) === i && a.findIndex((e) => (e + nd) % nd === (d + nd) % nd) === i);
    else params.dim = randomDim(r, nd);
    if (opts.keepdim !== false) params.keepdim = r.chance(0.5);
    return { inputs: [tensorInput(r, shape, r.pick(opts.dtypes ?? ALL), opts.style ?? { special: 0.08, intRange: [-3, 3] })], params };
  };
}

const dimOrAll = (p: Params): number | number[] | undefined => (p.dim === null ? undefined : (p.dim as number | number[]));

const reduce = (name: string, run: (a: Tensor, p: Params) => unknown, opts?: Parameters<typeof reduceGen>[0]): OpSpec => ({
  name, family: "reduction", gen: reduceGen(opts), run: ([a], p) => run(T(a), p),
});

function randomReshape(r: Rng, shape: number[]): number[] {
  const n = shape.reduce((a, b) => a * b, 1);
  const options: number[][] = [[n], [-1], [...shape].reverse(), [1, ...shape], [...shape, 1]];
  if (n > 0 && n % 2 === 0) options.push([2, -1], [-1, 2]);
  if (r.chance(0.05)) options.push([n + 1]);
  return r.pick(options);
}

const shapeOp = (name: string, gen: (r: Rng, shape: number[]) => Params, run: (a: Tensor, p: Params) => unknown, minRank = 0): OpSpec => ({
  name, family: "shape",
  gen: (r) => {
    const shape = randomShape(r, { minRank });
    return { inputs: [tensorInput(r, shape, anyDType(r), { special: 0.05 })], params: gen(r, shape) };
  },
  run: ([a], p) => run(T(a), p),
});

function indexTensor(r: Rng, shape: number[], size: number, bad = 0.03): Input {
  const spec = makeTensor(r, shape, "int32", { intRange: [0, Math.max(size - 1, 0)] }, true);
  if (r.chance(bad) && spec.values.length > 0) spec.values[0] = r.pick([size, -1, size + 3]);
  if (size === 0 && spec.values.length > 0) spec.values = spec.values.map(() => 0); // always out of range: an error
  return { t: spec };
}

/** Shape of a gather/scatter index for `shape` along dim d: no larger than the input outside d. */
function indexShapeFor(r: Rng, shape: number[], d: number): number[] {
  return shape.map((s, k) => (k === d ? r.int(0, 4) : r.int(Math.min(1, s), s)));
}

function matmulShapes(r: Rng): [number[], number[]] {
  const big = r.chance(0.1);
  const m = big ? r.int(20, 70) : r.int(0, 4), k = big ? r.int(20, 70) : r.pick([0, 1, 2, 3, 5]), n = big ? r.int(1, 70) : r.int(0, 4);
  const batch = Array.from({ length: r.int(0, 2) }, () => r.pick([1, 2, 3, 0]));
  const kind = r.int(0, 5);
  let a = [...batch.slice(r.int(0, batch.length)).map((s) => (r.chance(0.3) ? 1 : s)), m, k];
  let b = [...batch.slice(r.int(0, batch.length)).map((s) => (r.chance(0.3) ? 1 : s)), k + (r.chance(0.04) ? 1 : 0), n];
  if (kind === 0) a = [k];
  if (kind === 1) b = [b[b.length - 2]];
  if (kind === 2) { a = [m, k]; b = [k, n]; }
  return [a, b];
}

const linalgStyle: ValueStyle = { special: 0.02, intRange: [-4, 4] };

const linalg = (name: string, shapes: (r: Rng) => [number[], number[]], run: (a: Tensor, b: Tensor) => unknown): OpSpec => ({
  name, family: "linalg",
  gen: (r) => {
    const [sa, sb] = shapes(r);
    const da = r.pick(["float64", "float64", "float32", "float32", "int32", "bool"] as DType[]);
    const db = r.chance(0.85) ? da : anyDType(r);
    return { inputs: [tensorInput(r, sa, da, linalgStyle), tensorInput(r, sb, db, linalgStyle)], params: {} };
  },
  run: ([a, b]) => run(T(a), T(b)),
});

const finite: ValueStyle = { special: 0.1, finite: true };

export const OPS: OpSpec[] = [
  // ---- elementwise, binary (tensor or number second operand, broadcasting, all dtypes)
  binary("add", (a, b) => a.add(b), undefined, true),
  binary("sub", (a, b) => a.sub(b), undefined, true),
  binary("mul", (a, b) => a.mul(b), undefined, true),
  binary("div", (a, b) => a.div(b)),
  binary("pow", (a, b) => a.pow(b), { special: 0.15, intRange: [-3, 3] }),
  binary("maximum", (a, b) => a.maximum(b)),
  binary("minimum", (a, b) => a.minimum(b)),
  binary("remainder", (a, b) => a.remainder(b)),
  binary("eq", (a, b) => a.eq(b)),
  binary("ne", (a, b) => a.ne(b)),
  binary("lt", (a, b) => a.lt(b)),
  binary("le", (a, b) => a.le(b)),
  binary("gt", (a, b) => a.gt(b)),
  binary("ge", (a, b) => a.ge(b)),
  binary("logicalAnd", (a, b) => a.logicalAnd(b)),
  binary("logicalOr", (a, b) => a.logicalOr(b)),
  binary("logicalXor", (a, b) => a.logicalXor(b)),
  {
    name: "addAlpha", family: "elementwise-binary",
    gen: (r) => {
      const g = binaryGen()(r);
      return { inputs: g.inputs, params: { alpha: r.pick([2, -1, 0.5, 0.1, -3]), sub: r.chance(0.5) } };
    },
    run: ([a, b], p) => (p.sub ? T(a).sub(b, p.alpha as number) : T(a).add(b, p.alpha as number)),
  },
  {
    name: "where", family: "elementwise-binary",
    gen: (r) => {
      const shape = randomShape(r, { big: true });
      const cond = tensorInput(r, broadcastableTo(r, shape), r.chance(0.93) ? "bool" : "int32");
      const operand = (): Input => (r.chance(0.3) ? { n: r.pick([1, 0, -2, 0.5, 2.5]) } : tensorInput(r, broadcastableTo(r, shape), anyDType(r)));
      return { inputs: [cond, operand(), operand()], params: {} };
    },
    run: ([c, x, y]) => where(T(c), x, y),
  },
  // ---- elementwise, unary
  unary("neg", (a) => a.neg()),
  unary("abs", (a) => a.abs()),
  unary("exp", (a) => a.exp()),
  unary("log", (a) => a.log()),
  unary("sqrt", (a) => a.sqrt()),
  // torch's sign(NaN) is 0 on its vectorized path and NaN on the scalar one; lib/tensor always gives NaN.
  unary("sign", (a) => a.sign(), finite),
  unary("square", (a) => a.square()),
  unary("floor", (a) => a.floor()),
  unary("ceil", (a) => a.ceil()),
  unary("round", (a) => a.round()),
  unary("trunc", (a) => a.trunc()),
  unary("sigmoid", (a) => a.sigmoid()),
  unary("tanh", (a) => a.tanh()),
  unary("relu", (a) => a.relu()),
  unary("isnan", (a) => a.isnan()),
  unary("isinf", (a) => a.isinf()),
  unary("isfinite", (a) => a.isfinite()),
  unary("logicalNot", (a) => a.logicalNot()),
  unary("clone", (a) => a.clone()),
  unary("contiguous", (a) => a.contiguous()),
  // float -> int of NaN/inf is undefined behaviour in C (torch gives arbitrary values), so finite values only.
  { ...unary("to", (a) => a, finite), gen: (r) => ({ ...unaryGen(finite)(r), params: { dtype: r.pick(ALL) } }), run: ([a], p) => T(a).to(p.dtype as DType) },
  {
    name: "clamp", family: "elementwise-unary",
    gen: (r) => {
      const g = unaryGen({ special: 0.1 }, ["float64", "float32", "int32"])(r);
      const bound = (): number | null => (r.chance(0.3) ? null : r.pick([0, 1, -1, 0.5, -2.5, 2]));
      let min = bound(), max = bound();
      if (min === null && max === null) min = 0;
      return { inputs: g.inputs, params: { min, max } };
    },
    run: ([a], p) => T(a).clamp(p.min as number | null, p.max as number | null),
  },
  // ---- in place
  inPlace("add_", (a, b) => a.add_(b)),
  inPlace("sub_", (a, b) => a.sub_(b)),
  inPlace("mul_", (a, b) => a.mul_(b)),
  inPlace("div_", (a, b) => a.div_(b)),
  // float -> int conversion of NaN or infinity is undefined in C (torch gives arbitrary values): finite sources only.
  inPlace("copy_", (a, b) => a.copy_(b), finite),
  {
    name: "addAlpha_", family: "in-place",
    gen: (r) => ({ ...inPlace("x", () => undefined).gen(r), params: { alpha: r.pick([2, -0.5, 0.1]) } }),
    run: ([a, b], p) => T(a).add_(b, p.alpha as number),
  },
  {
    name: "clamp_", family: "in-place",
    gen: (r) => ({ inputs: [{ t: makeTensor(r, randomShape(r), r.pick(["float64", "float32", "int32"] as DType[]), { special: 0.1 }, true, false) }], params: { min: r.pick([0, -1, 0.5]), max: r.pick([null, 1, 2.5]) } }),
    run: ([a], p) => T(a).clamp_(p.min as number, p.max as number | null),
  },
  {
    name: "fill_", family: "in-place",
    gen: (r) => ({ inputs: [{ t: makeTensor(r, randomShape(r), anyDType(r), {}, true, false) }], params: { value: r.pick([0, 1, 3, -2.5, 0.5]) } }),
    run: ([a], p) => T(a).fill_(p.value as number),
  },
  {
    name: "maskedFill", family: "in-place",
    gen: (r) => {
      const shape = randomShape(r, { big: true });
      return {
        // Only bool masks: torch 1.13 still takes 0/1 integer masks here (deprecated), lib/tensor refuses them.
        inputs: [tensorInput(r, shape, anyDType(r)), tensorInput(r, broadcastableTo(r, shape), "bool")],
        params: { value: r.pick([0, -1, 2.5, 7]), inPlace: r.chance(0.5) },
      };
    },
    run: ([a, m], p) => (p.inPlace ? T(a).clone().maskedFill_(T(m), p.value as number) : T(a).maskedFill(T(m), p.value as number)),
  },
  // ---- reductions
  reduce("sum", (a, p) => a.sum(dimOrAll(p), p.keepdim as boolean), { multi: true }),
  reduce("mean", (a, p) => a.mean(dimOrAll(p), p.keepdim as boolean), { multi: true }),
  reduce("amax", (a, p) => a.amax(dimOrAll(p), p.keepdim as boolean), { multi: true }),
  reduce("amin", (a, p) => a.amin(dimOrAll(p), p.keepdim as boolean), { multi: true }),
  reduce("maxDim", (a, p) => a.max(p.dim as number, p.keepdim as boolean), { noDim: false, dtypes: ["float64", "float32", "int32"] }),
  reduce("minDim", (a, p) => a.min(p.dim as number, p.keepdim as boolean), { noDim: false, dtypes: ["float64", "float32", "int32"] }),
  reduce("maxAll", (a) => a.max(), { keepdim: false, noDim: true }),
  // No bool: torch refuses bool argmax/argmin except when the reduced dim has at most one entry.
  reduce("argmax", (a, p) => a.argmax(dimOrAll(p) as number | undefined, p.keepdim as boolean), { dtypes: ["float64", "float32", "int32"] }),
  reduce("argmin", (a, p) => a.argmin(dimOrAll(p) as number | undefined, p.keepdim as boolean), { dtypes: ["float64", "float32", "int32"] }),
  reduce("logsumexp", (a, p) => a.logsumexp(p.dim as number | number[], p.keepdim as boolean), { multi: true, noDim: false }),
  {
    ...reduce("var", () => null, { multi: true }),
    gen: (r) => { const g = reduceGen({ multi: true })(r); return { ...g, params: { ...g.params, unbiased: r.chance(0.6) } }; },
    run: ([a], p) => T(a).var(dimOrAll(p), p.unbiased as boolean, p.keepdim as boolean),
  },
  {
    ...reduce("std", () => null, { multi: true }),
    gen: (r) => { const g = reduceGen({ multi: true })(r); return { ...g, params: { ...g.params, unbiased: r.chance(0.6) } }; },
    run: ([a], p) => T(a).std(dimOrAll(p), p.unbiased as boolean, p.keepdim as boolean),
  },
  {
    ...reduce("norm", () => null, { multi: true }),
    gen: (r) => { const g = reduceGen({ multi: true, dtypes: ["float64", "float32", "float64", "int32"], style: { special: 0.05, finite: true } })(r); return { ...g, params: { ...g.params, p: r.pick([2, 1, "inf", "-inf", 0, 3]) } }; },
    run: ([a], p) => T(a).norm(typeof p.p === "string" ? (p.p === "inf" ? Infinity : -Infinity) : (p.p as number), dimOrAll(p), p.keepdim as boolean),
  },
  reduce("anyDim", (a, p) => a.any(p.dim as number, p.keepdim as boolean), { noDim: false }),
  reduce("allDim", (a, p) => a.all(p.dim as number, p.keepdim as boolean), { noDim: false }),
  reduce("cumsum", (a, p) => a.cumsum(p.dim as number), { noDim: false, keepdim: false }),
  reduce("cumprod", (a, p) => a.cumprod(p.dim as number), { noDim: false, keepdim: false, big: false }),
  reduce("softmax", (a, p) => a.softmax(p.dim as number), { noDim: false, keepdim: false }),
  reduce("logSoftmax", (a, p) => a.logSoftmax(p.dim as number), { noDim: false, keepdim: false }),
  // ---- shape and views
  shapeOp("reshape", (r, s) => ({ shape: randomReshape(r, s) }), (a, p) => a.reshape(p.shape as number[])),
  shapeOp("view", (r, s) => ({ shape: randomReshape(r, s) }), (a, p) => a.view(p.shape as number[])),
  shapeOp("flatten", () => ({}), (a) => a.flatten()),
  shapeOp("transpose", (r, s) => ({ a: randomDim(r, s.length), b: randomDim(r, s.length) }), (a, p) => a.transpose(p.a as number, p.b as number)),
  shapeOp("t", () => ({}), (a) => a.t()),
  shapeOp("T", () => ({}), (a) => a.T),
  shapeOp("permute", (r, s) => {
    const order = s.map((_, d) => d).sort(() => r.random() - 0.5);
    if (r.chance(0.05) && order.length > 1) order[0] = order[1];
    return { dims: order };
  }, (a, p) => a.permute(...(p.dims as number[]))),
  shapeOp("unsqueeze", (r, s) => ({ dim: randomDim(r, s.length + 1) }), (a, p) => a.unsqueeze(p.dim as number)),
  shapeOp("squeeze", (r, s) => ({ dim: r.chance(0.3) ? null : randomDim(r, s.length) }), (a, p) => (p.dim === null ? a.squeeze() : a.squeeze(p.dim as number))),
  shapeOp("slice", (r, s) => ({ dim: randomDim(r, s.length), start: r.int(-3, 3), end: r.pick([null, -1, 1, 2, 5]), step: r.pick([1, 1, 2, 3]) }),
    (a, p) => a.slice(p.dim as number, p.start as number, p.end === null ? undefined : (p.end as number), p.step as number)),
  shapeOp("narrow", (r, s) => ({ dim: randomDim(r, s.length), start: r.int(-3, 3), length: r.int(0, 3) }), (a, p) => a.narrow(p.dim as number, p.start as number, p.length as number)),
  shapeOp("select", (r, s) => ({ dim: randomDim(r, s.length), index: r.int(-3, 3) }), (a, p) => a.select(p.dim as number, p.index as number)),
  shapeOp("expand", (r, s) => {
    const lead = r.int(0, 2);
    const target = [...Array.from({ length: lead }, () => r.int(0, 3)), ...s.map((x) => (x === 1 ? r.pick([1, 3, -1]) : r.chance(0.3) ? -1 : r.chance(0.05) ? x + 1 : x))];
    return { shape: target };
  }, (a, p) => a.expand(p.shape as number[])),
  shapeOp("flip", (r, s) => ({ dims: s.map((_, d) => d).filter(() => r.chance(0.5)) }), (a, p) => a.flip(p.dims as number[])),
  shapeOp("repeat", (r, s) => ({ sizes: [...Array.from({ length: r.int(0, 1) }, () => r.int(1, 2)), ...s.map(() => r.int(0, 2))].slice(r.chance(0.05) ? 1 : 0) }),
    (a, p) => a.repeat(p.sizes as number[])),
  shapeOp("tile", (r, s) => ({ sizes: Array.from({ length: r.int(0, s.length + 1) }, () => r.int(0, 2)) }), (a, p) => a.tile(p.sizes as number[])),
  shapeOp("split", (r, s) => ({ dim: randomDim(r, s.length), size: r.chance(0.3) ? [1, s.length > 0 ? Math.max(0, s[0] - 1) : 0] : r.int(1, 3) }),
    (a, p) => a.split(p.size as number | number[], p.dim as number)),
  shapeOp("chunk", (r, s) => ({ dim: randomDim(r, s.length), chunks: r.int(1, 4) }), (a, p) => a.chunk(p.chunks as number, p.dim as number)),
  shapeOp("tril", (r) => ({ diagonal: r.int(-2, 2) }), (a, p) => a.tril(p.diagonal as number)),
  shapeOp("triu", (r) => ({ diagonal: r.int(-2, 2) }), (a, p) => a.triu(p.diagonal as number)),
  {
    name: "cat", family: "shape",
    gen: (r) => {
      const shape = randomShape(r, { maxRank: 3 });
      const d = randomDim(r, shape.length, 0.02);
      const dd = shape.length ? ((d % shape.length) + shape.length) % shape.length : 0;
      const parts = Array.from({ length: r.int(1, 3) }, () => {
        const s = [...shape];
        if (s.length) s[dd] = r.int(0, 3);
        if (r.chance(0.04) && s.length) s[(dd + 1) % s.length] += 1;
        return tensorInput(r, s, r.chance(0.8) ? "float64" : anyDType(r));
      });
      return { inputs: parts, params: { dim: d } };
    },
    run: (args, p) => cat(args.map(T), p.dim as number),
  },
  {
    name: "stack", family: "shape",
    gen: (r) => {
      const shape = randomShape(r, { maxRank: 3 });
      const parts = Array.from({ length: r.int(1, 3) }, () => tensorInput(r, r.chance(0.04) ? [...shape, 2] : shape, r.chance(0.8) ? "float32" : anyDType(r)));
      return { inputs: parts, params: { dim: randomDim(r, shape.length + 1) } };
    },
    run: (args, p) => stack(args.map(T), p.dim as number),
  },
  {
    name: "expandAs", family: "shape",
    gen: (r) => {
      const shape = randomShape(r);
      return { inputs: [tensorInput(r, broadcastableTo(r, shape), anyDType(r)), tensorInput(r, shape, "float64")], params: {} };
    },
    run: ([a, b]) => T(a).expandAs(T(b)),
  },
  // ---- indexing, sorting, selection
  {
    name: "gather", family: "indexing",
    gen: (r) => {
      const shape = randomShape(r, { minRank: 1 });
      const d = randomDim(r, shape.length, 0);
      const dd = (d + shape.length) % shape.length;
      return { inputs: [tensorInput(r, shape, anyDType(r)), indexTensor(r, indexShapeFor(r, shape, dd), shape[dd])], params: { dim: d } };
    },
    run: ([a, i], p) => T(a).gather(p.dim as number, T(i)),
  },
  ...(["scatter_", "scatterAdd_", "scatterValue_"] as const).map((name): OpSpec => ({
    name, family: "indexing",
    gen: (r) => {
      const shape = randomShape(r, { minRank: 1 });
      const d = randomDim(r, shape.length, 0);
      const dd = (d + shape.length) % shape.length;
      const ishape = indexShapeFor(r, shape, dd);
      const dtype = r.pick(["float64", "float32", "int32"] as DType[]);
      // scatter_ with repeated targets writes in an unspecified order in torch, so only scatterAdd_ gets random
      // indices; the others get index[.., j, ..] = j (distinct targets; out of range when the index is longer).
      let index = indexTensor(r, ishape, shape[dd]);
      if (name !== "scatterAdd_") {
        const strides = ishape.map((_, k) => ishape.slice(k + 1).reduce((a, b) => a * b, 1));
        const n = ishape.reduce((a, b) => a * b, 1);
        index = { t: { dtype: "int32", base: ishape, views: [], values: Array.from({ length: n }, (_, flat) => Math.floor(flat / strides[dd]) % ishape[dd]) } };
      }
      const src = tensorInput(r, ishape.map((s) => s + r.int(0, 1)), r.chance(0.9) ? dtype : anyDType(r));
      return {
        inputs: [{ t: makeTensor(r, shape, dtype, {}, true, false) }, index, ...(name === "scatterValue_" ? [] : [src])],
        params: { dim: d, value: r.pick([0, -1, 2.5]) },
      };
    },
    run: ([a, i, s], p) => {
      if (name === "scatter_") return T(a).scatter_(p.dim as number, T(i), T(s));
      if (name === "scatterAdd_") return T(a).scatterAdd_(p.dim as number, T(i), T(s));
      return T(a).scatter_(p.dim as number, T(i), p.value as number);
    },
  })),
  {
    name: "indexSelect", family: "indexing",
    gen: (r) => {
      const shape = randomShape(r, { minRank: 1 });
      const d = randomDim(r, shape.length, 0);
      const dd = (d + shape.length) % shape.length;
      return { inputs: [tensorInput(r, shape, anyDType(r)), indexTensor(r, [r.int(0, 5)], shape[dd])], params: { dim: d } };
    },
    run: ([a, i], p) => T(a).indexSelect(p.dim as number, T(i)),
  },
  {
    name: "indexAdd_", family: "indexing",
    gen: (r) => {
      const shape = randomShape(r, { minRank: 1 });
      const d = randomDim(r, shape.length, 0);
      const dd = (d + shape.length) % shape.length;
      const n = r.int(0, 4);
      const src = [...shape];
      src[dd] = n;
      const dtype = r.pick(["float64", "float32", "int32"] as DType[]);
      return {
        inputs: [{ t: makeTensor(r, shape, dtype, {}, true, false) }, indexTensor(r, [n], shape[dd]), tensorInput(r, src, r.chance(0.9) ? dtype : anyDType(r))],
        params: { dim: d },
      };
    },
    run: ([a, i, s], p) => T(a).indexAdd_(p.dim as number, T(i), T(s)),
  },
  {
    name: "maskedSelect", family: "indexing",
    gen: (r) => {
      const shape = randomShape(r);
      return { inputs: [tensorInput(r, shape, anyDType(r)), tensorInput(r, broadcastableTo(r, shape), r.chance(0.95) ? "bool" : "float64")], params: {} };
    },
    run: ([a, m]) => T(a).maskedSelect(T(m)),
  },
  { ...unary("nonzero", (a) => a.nonzero()), family: "indexing" },
  { ...reduce("sort", (a, p) => a.sort(p.dim as number, p.descending as boolean), { noDim: false, keepdim: false, dtypes: ["float64", "float32", "int32"] }), family: "indexing",
    gen: (r) => { const g = reduceGen({ noDim: false, keepdim: false, dtypes: ["float64", "float32", "int32"] })(r); return { ...g, params: { ...g.params, descending: r.chance(0.5) } }; } },
  { ...reduce("argsort", (a, p) => a.argsort(p.dim as number, p.descending as boolean), { noDim: false, keepdim: false, dtypes: ["float64", "float32", "int32"] }), family: "indexing",
    gen: (r) => { const g = reduceGen({ noDim: false, keepdim: false, dtypes: ["float64", "float32", "int32"] })(r); return { ...g, params: { ...g.params, descending: r.chance(0.5) } }; } },
  {
    ...reduce("topk", () => null), family: "indexing",
    gen: (r) => {
      // Distinct values (floats), so the chosen indices are unambiguous.
      const g = reduceGen({ noDim: false, keepdim: false, dtypes: ["float64", "float32"], style: { floatRange: [-10, 10] } })(r);
      return { ...g, params: { ...g.params, k: r.int(0, 3), largest: r.chance(0.6) } };
    },
    // Ties (from expanded views) may pick different indices: compare the values the indices point at.
    run: ([a], p) => {
      const { values, indices } = T(a).topk(p.k as number, p.dim as number, p.largest as boolean);
      return [values, T(a).ndim === 0 ? indices : T(a).gather(p.dim as number, indices)];
    },
  },
  {
    name: "unique", family: "indexing",
    gen: (r) => ({ inputs: [tensorInput(r, randomShape(r), r.pick(["float64", "int32", "bool", "float32"] as DType[]), { intRange: [-3, 3], special: 0.2, finite: true })], params: { counts: r.chance(0.5) } }),
    run: ([a], p) => (p.counts ? T(a).unique({ returnInverse: true, returnCounts: true }) : T(a).unique()),
  },
  {
    name: "bincount", family: "indexing",
    gen: (r) => {
      const n = r.int(0, 8);
      const weights = r.pick([null, "float64", "float32", "int32"] as (DType | null)[]);
      return {
        inputs: [tensorInput(r, [n], "int32", { intRange: r.chance(0.05) ? [-1, 3] : [0, 6] }), ...(weights ? [tensorInput(r, [n], weights)] : [])],
        params: { minlength: r.pick([0, 0, 3, 9]) },
      };
    },
    run: ([a, w], p) => T(a).bincount(w === undefined ? null : T(w), p.minlength as number),
  },
  // ---- linear algebra
  linalg("matmul", matmulShapes, (a, b) => matmul(a, b)),
  linalg("mm", (r) => { const [a, b] = matmulShapes(r); return [a.slice(-2), b.slice(-2)]; }, (a, b) => a.mm(b)),
  linalg("mv", (r) => { const m = r.int(0, 5), k = r.int(0, 5); return [[m, k], [r.chance(0.05) ? k + 1 : k]]; }, (a, b) => a.mv(b)),
  linalg("bmm", (r) => { const [bs, m, k, n] = [r.int(0, 3), r.int(0, 4), r.int(0, 4), r.int(0, 4)]; return [[bs, m, k], [r.chance(0.05) ? bs + 1 : bs, k, n]]; }, (a, b) => a.bmm(b)),
  linalg("dot", (r) => { const k = r.int(0, 6); return [[k], [r.chance(0.05) ? k + 1 : k]]; }, (a, b) => tensor(a.dot(b), { dtype: a.dtype })),
  linalg("outer", (r) => [[r.int(0, 4)], [r.int(0, 4)]], (a, b) => a.outer(b)),
  // ---- creation
  {
    name: "arange", family: "creation",
    gen: (r) => ({ inputs: [], params: r.chance(0.5) ? { start: r.int(-3, 3), end: r.int(-3, 8), step: r.pick([1, 2, -1, 3]) } : { start: r.pick([0, -1.5, 0.25]), end: r.pick([1, 2.75, 5]), step: r.pick([0.5, 0.3, 1]) } }),
    run: (_, p) => arange(p.start as number, p.end as number, p.step as number),
  },
  {
    name: "linspace", family: "creation",
    gen: (r) => ({ inputs: [], params: { start: r.pick([0, -1, 2.5]), end: r.pick([1, 10, -3.5]), steps: r.int(0, 12) } }),
    run: (_, p) => linspace(p.start as number, p.end as number, p.steps as number),
  },
  {
    name: "full", family: "creation",
    gen: (r) => ({ inputs: [], params: { shape: randomShape(r), value: r.pick([0, 1, 3, -2.5]), dtype: r.pick(ALL) } }),
    run: (_, p) => full(p.shape as number[], p.value as number, { dtype: p.dtype as DType }),
  },
  {
    name: "eye", family: "creation",
    gen: (r) => ({ inputs: [], params: { n: r.int(0, 4), m: r.int(0, 4), dtype: r.pick(ALL) } }),
    run: (_, p) => eye(p.n as number, p.m as number, { dtype: p.dtype as DType }),
  },
  {
    name: "zerosOnes", family: "creation",
    gen: (r) => ({ inputs: [], params: { shape: randomShape(r), ones: r.chance(0.5), dtype: r.pick(ALL) } }),
    run: (_, p) => (p.ones ? ones : zeros)(p.shape as number[], { dtype: p.dtype as DType }),
  },
];

export const FAMILIES = [...new Set(OPS.map((o) => o.family))];
