// Turning lib/tensor results into the JSON shape torch_ops.py writes, and comparing the two.
import { Tensor } from "../../lib/tensor";
import { decode, encode } from "./inputs";

export type Result =
  | { shape: number[]; dtype: string; values: (number | string)[] }
  | { list: Result[] }
  | { error: string; badInput?: boolean };

export function toResult(x: unknown): Result {
  if (x instanceof Tensor) {
    return { shape: [...x.shape], dtype: x.dtype, values: x.toArray().map(encode) };
  }
  if (Array.isArray(x)) return { list: x.map(toResult) };
  if (typeof x === "object" && x !== null) {
    const o = x as Record<string, unknown>;
    if ("values" in o && "indices" in o) return { list: [toResult(o.values), toResult(o.indices)] };
    if ("values" in o && "inverse" in o && "counts" in o) return { list: [toResult(o.values), toResult(o.inverse), toResult(o.counts)] };
  }
  throw new TypeError(`unexpected result ${String(x)}`);
}

/** Floats must agree to |a - b| <= atol + rtol * |b|; ints and bools exactly; NaN matches NaN; the sign of zero is ignored. */
export const TOLERANCE = {
  float64: { rtol: 1e-9, atol: 1e-9 },
  float32: { rtol: 2e-5, atol: 5e-5 },
} as const;

/** null when they agree, else what differs. */
export function difference(js: Result, py: Result): string | null {
  if ("error" in py || "error" in js) {
    if ("error" in py && "error" in js) return null;
    return "error" in py ? `torch raised (${py.error}), lib/tensor did not` : `lib/tensor raised (${(js as { error: string }).error}), torch did not`;
  }
  if ("list" in py || "list" in js) {
    if (!("list" in py) || !("list" in js)) return "one side is a list";
    if (py.list.length !== js.list.length) return `list lengths ${js.list.length} vs torch ${py.list.length}`;
    for (let i = 0; i < py.list.length; i++) {
      const d = difference(js.list[i], py.list[i]);
      if (d !== null) return `[${i}] ${d}`;
    }
    return null;
  }
  if (js.shape.join() !== py.shape.join() || js.shape.length !== py.shape.length) return `shape [${js.shape}] vs torch [${py.shape}]`;
  if (js.dtype !== py.dtype) return `dtype ${js.dtype} vs torch ${py.dtype}`;
  const tol = js.dtype === "float64" || js.dtype === "float32" ? TOLERANCE[js.dtype] : null;
  for (let i = 0; i < py.values.length; i++) {
    const a = decode(js.values[i]), b = decode(py.values[i]);
    if (a === b || (Number.isNaN(a) && Number.isNaN(b))) continue;
    if (tol !== null && Number.isFinite(a) && Number.isFinite(b) && Math.abs(a - b) <= tol.atol + tol.rtol * Math.abs(b)) continue;
    return `value [${i}] ${a} vs torch ${b}`;
  }
  return null;
}
