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

function describe(v: unknown): string {
  if (v === undefined) return "undefined";
  if (typeof v === "function") return "a function";
  if (typeof v === "bigint") return "a bigint";
  if (typeof v === "symbol") return "a symbol";
  const ctor = (v as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof ctor === "string" && ctor ? `an object of class ${ctor}` : "an object";
}

/** Converts a probe's result to wire data. Never throws for odd student values; they become { $other }. */
export function toWire(v: unknown, depth = 0): WireValue {
  if (v === null) return null;
  if (typeof v === "number" || typeof v === "string" || typeof v === "boolean") return v;
  if (v instanceof Tensor) {
    const n = v.numel();
    if (n > MAX_WIRE_ELEMENTS) return { $other: `a tensor of shape [${v.shape.join(", ")}] (too large to check)` };
    return { $tensor: true, shape: [...v.shape], dtype: v.dtype, data: Array.from(v.contiguous().data as ArrayLike<number>) };
  }
  if (depth >= MAX_DEPTH) return { $other: "a deeply nested value" };
  if (Array.isArray(v)) {
    if (v.length > MAX_WIRE_ELEMENTS) return { $other: `an array of ${v.length} elements (too large to check)` };
    return v.map((x) => toWire(x, depth + 1));
  }
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    const a = v as unknown as ArrayLike<number>;
    if (a.length > MAX_WIRE_ELEMENTS) return { $other: `a typed array of ${a.length} elements (too large to check)` };
    return Array.from(a, Number);
  }
  if (typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
    const out: Record<string, WireValue> = {};
    const keys = Object.keys(v as object).slice(0, MAX_KEYS);
    for (const k of keys) out[k] = toWire((v as Record<string, unknown>)[k], depth + 1);
    return out;
  }
  return { $other: describe(v) };
}

/** Reads fields of a student's result object without trusting its shape: pick(r, ["loss", "dW"]). */
export function pick(v: unknown, keys: string[]): Record<string, unknown> {
  if (v === null || typeof v !== "object") return { $notAnObject: describe(v) };
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = (v as Record<string, unknown>)[k];
  return out;
}

export function isWireTensor(v: unknown): v is WireTensor {
  return v !== null && typeof v === "object" && (v as { $tensor?: unknown }).$tensor === true && Array.isArray((v as WireTensor).shape);
}

export function isWireOther(v: unknown): v is WireOther {
  return v !== null && typeof v === "object" && typeof (v as { $other?: unknown }).$other === "string";
}
