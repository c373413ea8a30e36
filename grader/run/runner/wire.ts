/**
 * Values on the wire between the sandboxed runner and the grader: what a probe returns is converted by toWire()
 * (inside the sandbox) into plain JSON-able data, and read back by the grader as WireValue.
 *
 *   tensor  -> { $tensor: true, shape: [2, 3], dtype: "float64", data: [..6 numbers..] }   (row-major)
 *   number, string, boolean, null, arrays and plain objects -> themselves (depth and size capped)
 *   anything else (functions, class instances, undefined) -> { $other: "a function" }
 *
 * Runner-side code: bundled into the job, so it imports only lib/tensor. NaN and Infinity survive the channel
 * (grader/run/sandbox-channel.ts encodes them).
 */
import { Tensor } from "../../../lib/tensor";

export interface WireTensor {
  $tensor: true;
  shape: number[];
  dtype: string;
  data: number[];
}

export interface WireOther {
  $other: string;
}

export type WireValue = number | string | boolean | null | WireTensor | WireOther | WireValue[] | { [key: string]: WireValue };

/** Largest tensor (elements) a probe sends back; hidden inputs are small, so bigger means something is wrong. */
export const MAX_WIRE_ELEMENTS = 200_000;
const MAX_DEPTH = 6;
const MAX_KEYS = 64;
/** Keys the wire format gives a meaning to: a plain object carrying one is not passed through as data. */
const RESERVED_KEYS = ["$tensor", "$other", "$nonfinite", "$bigint"];

// Captured when this module is evaluated, before any student module (the runner imports it first): a block
// that patches Array.from, Array.prototype.map, Object.keys or the Tensor methods cannot change how values are
// read. (What a patched student value *is* still comes from the student; the grader rebuilds and checks every
// value it receives, grader/run/wire-check.ts.)
const isArray = Array.isArray;
const isView = ArrayBuffer.isView;
const ownKeys = Object.keys;
const getProto = Object.getPrototypeOf;
const hasOwn = Object.prototype.hasOwnProperty;
const apply = Reflect.apply;
const defineProp = Reflect.defineProperty;
const ObjectProto = Object.prototype;
const DataViewCtor = DataView;
const TensorCtor = Tensor;
const toNumber = Number;

/** Sets out[i] = v as an own data property, whatever setters a block put on Array.prototype / Object.prototype. */
function put(out: object, key: string | number, v: unknown): void {
  defineProp(out, key, { __proto__: null, value: v, writable: true, enumerable: true, configurable: true } as PropertyDescriptor);
}

function describe(v: unknown): string {
  if (v === undefined) return "undefined";
  if (typeof v === "function") return "a function";
  if (typeof v === "bigint") return "a bigint";
  if (typeof v === "symbol") return "a symbol";
  try {
    const ctor = (v as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof ctor === "string" && ctor ? `an object of class ${ctor.slice(0, 60)}` : "an object";
  } catch {
    return "an object";
  }
}

/** A tensor's elements in row-major order, read straight from its storage with its own strides (no methods). */
function tensorWire(v: Tensor): WireValue {
  const shape = v.shape;
  const strides = v.strides;
  const data = v.data as ArrayLike<number>;
  const offset = v.offset;
  if (!isArray(shape) || !isArray(strides) || shape.length !== strides.length || shape.length > 8) return { $other: "a damaged tensor (its shape or strides are not arrays)" };
  let n = 1;
  for (let d = 0; d < shape.length; d++) {
    const s = shape[d];
    if (typeof s !== "number" || !(s >= 0) || s % 1 !== 0) return { $other: "a damaged tensor (its shape is not a list of sizes)" };
    n *= s;
  }
  if (n > MAX_WIRE_ELEMENTS) return { $other: `a tensor of ${n} elements (too large to check)` };
  const out: number[] = [];
  const idx: number[] = [];
  for (let d = 0; d < shape.length; d++) put(idx, d, 0);
  for (let i = 0; i < n; i++) {
    let off = offset;
    for (let d = 0; d < shape.length; d++) off += idx[d] * strides[d];
    put(out, i, toNumber(data[off]));
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  const sh: number[] = [];
  for (let d = 0; d < shape.length; d++) put(sh, d, shape[d]);
  // The dtype says how the grader reads the values (checked there against the values themselves).
  return { $tensor: true, shape: sh, dtype: typeof v.dtype === "string" ? v.dtype : "?", data: out };
}

/** Converts a probe's result to wire data. Never throws for odd student values; they become { $other }. */
export function toWire(v: unknown, depth = 0): WireValue {
  if (v === null) return null;
  if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") return v;
  if (v instanceof TensorCtor) return tensorWire(v);
  if (depth >= MAX_DEPTH) return { $other: "a deeply nested value" };
  if (isArray(v)) {
    if (v.length > MAX_WIRE_ELEMENTS) return { $other: `an array of ${v.length} elements (too large to check)` };
    const out: WireValue[] = [];
    for (let i = 0; i < v.length; i++) put(out, i, toWire(v[i], depth + 1));
    return out;
  }
  if (isView(v) && !(v instanceof DataViewCtor)) {
    const a = v as unknown as ArrayLike<number>;
    if (a.length > MAX_WIRE_ELEMENTS) return { $other: `a typed array of ${a.length} elements (too large to check)` };
    const out: number[] = [];
    for (let i = 0; i < a.length; i++) put(out, i, toNumber(a[i]));
    return out;
  }
  if (typeof v === "object" && getProto(v) === ObjectProto) {
    const keys = ownKeys(v as object);
    for (let i = 0; i < RESERVED_KEYS.length; i++) {
      if (apply(hasOwn, v, [RESERVED_KEYS[i]])) return { $other: `a plain object with a "${RESERVED_KEYS[i]}" field (not a Tensor)` };
    }
    const out: Record<string, WireValue> = {};
    for (let i = 0; i < keys.length && i < MAX_KEYS; i++) put(out, keys[i], toWire((v as Record<string, unknown>)[keys[i]], depth + 1));
    return out;
  }
  return { $other: describe(v) };
}

/** Reads fields of a student's result object without trusting its shape: pick(r, ["loss", "dW"]). */
export function pick(v: unknown, keys: string[]): Record<string, unknown> {
  if (v === null || typeof v !== "object") return { $notAnObject: describe(v) };
  const out: Record<string, unknown> = {};
  for (let i = 0; i < keys.length; i++) put(out, keys[i], (v as Record<string, unknown>)[keys[i]]);
  return out;
}

export function isWireTensor(v: unknown): v is WireTensor {
  return v !== null && typeof v === "object" && (v as { $tensor?: unknown }).$tensor === true && Array.isArray((v as WireTensor).shape);
}

export function isWireOther(v: unknown): v is WireOther {
  return v !== null && typeof v === "object" && typeof (v as { $other?: unknown }).$other === "string";
}
