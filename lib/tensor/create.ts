import { allocate, checkDType, DEFAULT_DTYPE, type DType, type Storage } from "./dtype";
import { castNumber } from "./promote";
import { defaultGenerator, type Generator } from "./random";
import { formatShape, numelOf } from "./shape";
import { Tensor } from "./tensor";

/** Options every creation function takes. */
export interface CreateOptions {
  dtype?: DType;
  /** Random functions only: the generator to draw from (default: the global one, see manualSeed). */
  generator?: Generator;
}

/** Shape given PyTorch-style as separate numbers, `zeros(3, 4)`, or as one array, `zeros([3, 4])`; options last. */
export type ShapeArgs = [...number[]] | [...number[], CreateOptions] | [readonly number[]] | [readonly number[], CreateOptions];

function parseShapeArgs(args: ShapeArgs, op: string): { shape: number[]; opts: CreateOptions } {
  let opts: CreateOptions = {};
  let rest: unknown[] = args;
  const last = args[args.length - 1];
  if (typeof last === "object" && last !== null && !Array.isArray(last)) {
    opts = last as CreateOptions;
    rest = args.slice(0, -1);
  }
  const shape = rest.length === 1 && Array.isArray(rest[0]) ? [...(rest[0] as number[])] : (rest as number[]);
  for (const s of shape) {
    if (typeof s !== "number" || !Number.isInteger(s) || s < 0) {
      throw new RangeError(`${op}: shape must be non-negative integers, got ${JSON.stringify(shape)}`);
    }
  }
  if (opts.dtype !== undefined) checkDType(opts.dtype);
  return { shape, opts };
}

type Nested = number | boolean | readonly Nested[];

/**
 * A tensor from nested arrays or a typed array: `tensor([[1, 2], [3, 4]])`, `tensor([0, 2, 1], { dtype: "int32" })`,
 * `tensor(float64Array, { shape: [N, D] })` (wraps the typed array without copying when the dtype matches).
 * JS has a single number type, so nested numbers become float64 unless a dtype is given; booleans become bool.
 */
export function tensor(
  data: Nested | Storage,
  opts: { dtype?: DType; shape?: readonly number[] } = {},
): Tensor {
  if (ArrayBuffer.isView(data)) {
    const shape = opts.shape ? [...opts.shape] : [data.length];
    if (numelOf(shape) !== data.length) {
      throw new RangeError(`tensor: shape ${formatShape(shape)} needs ${numelOf(shape)} elements, the array has ${data.length}`);
    }
    // A Uint8Array is a bool tensor's storage, which must hold only 0 and 1.
    const bytes = data instanceof Uint8Array && data.some((v) => v > 1) ? data.map((v) => (v !== 0 ? 1 : 0)) : data;
    const t = new Tensor(bytes, shape);
    return opts.dtype ? t.to(checkDType(opts.dtype)) : t;
  }
  const shape: number[] = [];
  let probe: Nested = data;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (probe.length === 0) break;
    probe = probe[0];
  }
  const dtype = opts.dtype ?? (typeof probe === "boolean" ? "bool" : DEFAULT_DTYPE);
  const out = allocate(checkDType(dtype), numelOf(shape));
  let pos = 0;
  const fill = (x: Nested, dim: number, path: number[]): void => {
    if (dim === shape.length) {
      if (Array.isArray(x)) throw new RangeError(`tensor: ragged nested array at [${path.join("][")}]: expected a number, got an array`);
      if (typeof x !== "number" && typeof x !== "boolean") throw new TypeError(`tensor: expected numbers, got ${typeof x} at [${path.join("][")}]`);
      out[pos++] = dtype === "bool" ? castNumber(Number(x), "bool") : Number(x);
      return;
    }
    if (!Array.isArray(x) || x.length !== shape[dim]) {
      throw new RangeError(
        `tensor: ragged nested array at [${path.join("][")}]: expected length ${shape[dim]}, got ${Array.isArray(x) ? x.length : "a number"}`,
      );
    }
    x.forEach((v: Nested, i: number) => fill(v, dim + 1, [...path, i]));
  };
  fill(data, 0, []);
  if (opts.shape) return new Tensor(out, shape).reshape([...opts.shape]);
  return new Tensor(out, shape);
}

export function full(shape: readonly number[], value: number, opts: CreateOptions = {}): Tensor {
  const { shape: s, opts: o } = parseShapeArgs([shape, opts], "full");
  const dtype = o.dtype ?? DEFAULT_DTYPE;
  const out = allocate(dtype, numelOf(s));
  out.fill(dtype === "bool" ? castNumber(value, "bool") : value);
  return new Tensor(out, s);
}

export function zeros(...args: ShapeArgs): Tensor {
  const { shape, opts } = parseShapeArgs(args, "zeros");
  return new Tensor(allocate(opts.dtype ?? DEFAULT_DTYPE, numelOf(shape)), shape);
}

export function ones(...args: ShapeArgs): Tensor {
  const { shape, opts } = parseShapeArgs(args, "ones");
  return full(shape, 1, opts);
}

export function zerosLike(t: Tensor, opts: CreateOptions = {}): Tensor {
  return zeros(t.shape, { dtype: opts.dtype ?? t.dtype });
}

export function onesLike(t: Tensor, opts: CreateOptions = {}): Tensor {
  return ones(t.shape, { dtype: opts.dtype ?? t.dtype });
}

export function fullLike(t: Tensor, value: number, opts: CreateOptions = {}): Tensor {
  return full(t.shape, value, { dtype: opts.dtype ?? t.dtype });
}

/** Uniform samples in [0, 1) with t's shape (and dtype, which must be floating, unless one is given). */
export function randLike(t: Tensor, opts: CreateOptions = {}): Tensor {
  return rand(t.shape, { ...opts, dtype: opts.dtype ?? t.dtype });
}

/** Standard normal samples with t's shape (and dtype, which must be floating, unless one is given). */
export function randnLike(t: Tensor, opts: CreateOptions = {}): Tensor {
  return randn(t.shape, { ...opts, dtype: opts.dtype ?? t.dtype });
}

/** `steps` evenly spaced values from start to end inclusive (float64 unless a dtype is given), like torch.linspace. */
export function linspace(start: number, end: number, steps: number, opts: CreateOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`linspace: steps must be a non-negative integer, got ${steps}`);
  const out = allocate(opts.dtype ?? DEFAULT_DTYPE, steps);
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  // Like torch: the first half counts up from start, the second half down from end, so both ends are exact.
  const half = Math.floor(steps / 2);
  for (let i = 0; i < steps; i++) out[i] = i < half ? start + step * i : end - step * (steps - i - 1);
  if (steps === 1) out[0] = start;
  return new Tensor(out, [steps]);
}

/**
 * Evenly spaced values in [start, end): `arange(5)`, `arange(2, 10, 2)`. Integer arguments give int32
 * (handy as indices, like torch.arange with ints); any fractional argument gives float64.
 */
export function arange(start: number, end?: number, step = 1, opts: CreateOptions = {}): Tensor {
  const [lo, hi] = end === undefined ? [0, start] : [start, end];
  if (step === 0) throw new RangeError("arange: step must be non-zero");
  if ((hi - lo) * step < 0) throw new RangeError(`arange: the range [${lo}, ${hi}) is inconsistent with the step sign (step ${step})`);
  const n = Math.max(0, Math.ceil((hi - lo) / step));
  const integral = [lo, hi, step].every(Number.isInteger);
  const out = allocate(opts.dtype ?? (integral ? "int32" : DEFAULT_DTYPE), n);
  for (let i = 0; i < n; i++) out[i] = lo + i * step;
  return new Tensor(out, [n]);
}

/** Identity matrix n x m (m defaults to n). */
export function eye(n: number, m = n, opts: CreateOptions = {}): Tensor {
  const t = zeros([n, m], opts);
  for (let i = 0; i < Math.min(n, m); i++) t.data[i * m + i] = 1;
  return t;
}

/** Uniform samples in [0, 1). */
export function rand(...args: ShapeArgs): Tensor {
  const { shape, opts } = parseShapeArgs(args, "rand");
  const g = opts.generator ?? defaultGenerator();
  const out = allocate(floatType(opts.dtype, "rand"), numelOf(shape));
  for (let i = 0; i < out.length; i++) out[i] = g.random();
  return new Tensor(out, shape);
}

/** Standard normal samples. */
export function randn(...args: ShapeArgs): Tensor {
  const { shape, opts } = parseShapeArgs(args, "randn");
  const g = opts.generator ?? defaultGenerator();
  const out = allocate(floatType(opts.dtype, "randn"), numelOf(shape));
  for (let i = 0; i < out.length; i++) out[i] = g.normal();
  return new Tensor(out, shape);
}

const INT32_MIN = -(2 ** 31), INT32_MAX = 2 ** 31 - 1;

/**
 * Uniform integers in [low, high) as int32, like torch.randint: `randint(low, high, shape)` or `randint(high, shape)`.
 * The bounds must fit int32 (the values could not be stored otherwise).
 */
export function randint(low: number, high: number, shape: readonly number[], opts?: CreateOptions): Tensor;
export function randint(high: number, shape: readonly number[], opts?: CreateOptions): Tensor;
export function randint(a: number, b: number | readonly number[], c?: readonly number[] | CreateOptions, d?: CreateOptions): Tensor {
  const [low, high, shape, opts] = Array.isArray(b)
    ? [0, a, b as readonly number[], (c ?? {}) as CreateOptions]
    : [a, b as number, c as readonly number[], d ?? {}];
  if (!Array.isArray(shape)) throw new TypeError("randint: expected a size array, as in randint(low, high, [n]) or randint(high, [n])");
  const { shape: size } = parseShapeArgs([shape], "randint");
  for (const [name, v] of [["low", low], ["high", high]] as const) {
    if (!Number.isInteger(v) || v < INT32_MIN || v > INT32_MAX + 1) {
      throw new RangeError(`randint: ${name} must be an integer in [-2**31, 2**31], got ${v}`);
    }
  }
  if (!(high > low)) throw new RangeError(`randint: need low < high, got low=${low}, high=${high}`);
  const g = opts.generator ?? defaultGenerator();
  const out = allocate(opts.dtype ?? "int32", numelOf(size));
  for (let i = 0; i < out.length; i++) out[i] = g.integer(low, high);
  return new Tensor(out, size);
}

/** A random permutation of 0..n-1 as int32 (Fisher-Yates). */
export function randperm(n: number, opts: CreateOptions = {}): Tensor {
  if (!Number.isInteger(n) || n < 0 || n > INT32_MAX) throw new RangeError(`randperm: n must be a non-negative integer, got ${n}`);
  const g = opts.generator ?? defaultGenerator();
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = g.integer(0, i + 1);
    const tmp = out[i];
    out[i] = out[j];
    out[j] = tmp;
  }
  return new Tensor(out, [n]);
}

function floatType(dtype: DType | undefined, op: string): DType {
  const d = dtype ?? DEFAULT_DTYPE;
  if (d !== "float64" && d !== "float32") throw new TypeError(`${op}: dtype must be float64 or float32, got ${d}`);
  return d;
}
