/**
 * Parent side of the wire (grader/run/runner/wire.ts): every value that comes back from the sandbox is rebuilt
 * here, in the trusted grader, before anything compares it. Nothing the job sent is trusted to be well formed:
 *  - a tensor must have a shape of non-negative integer sizes, a known dtype, exactly product(shape) numbers,
 *    and values its dtype can hold (int32: integers in range; bool: 0 or 1; float32: float32-representable);
 *    otherwise it becomes { $other: "a malformed tensor (...)" } and fails like any wrong value;
 *  - strings are capped, depth and sizes are capped, unknown `$` markers become $other;
 *  - the result is made of fresh objects (no prototype tricks from JSON keys such as "__proto__").
 * A tensor whose data is shorter than its shape used to compare as "relative error 0" over zero elements.
 */
import type { ProbeError } from "./runner/protocol";
import type { WireValue } from "./runner/wire";

const MAX_DEPTH = 8;
const MAX_STRING = 2000;
const MAX_ELEMENTS = 200_000;
const DTYPES = new Set(["float64", "float32", "int32", "bool"]);

const isPlainObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

function fitsDtype(x: number, dtype: string): boolean {
  if (dtype === "float64") return true;
  if (dtype === "float32") return !Number.isFinite(x) || Math.fround(x) === x;
  if (dtype === "int32") return Number.isInteger(x) && x >= -2147483648 && x <= 2147483647;
  return x === 0 || x === 1;
}

/** The tensor, rebuilt, or why it is malformed. */
function rebuildTensor(v: Record<string, unknown>): WireValue {
  const bad = (why: string): WireValue => ({ $other: `a malformed tensor (${why})` });
  const { shape, dtype, data } = v;
  if (!Array.isArray(shape) || shape.length > 8 || !shape.every((s) => typeof s === "number" && Number.isInteger(s) && s >= 0)) return bad("its shape is not a list of sizes");
  if (typeof dtype !== "string" || !DTYPES.has(dtype)) return bad(`unknown dtype ${JSON.stringify(String(dtype).slice(0, 20))}`);
  const n = (shape as number[]).reduce((a, s) => a * s, 1);
  if (!Array.isArray(data)) return bad("it has no data");
  if (n > MAX_ELEMENTS) return { $other: `a tensor of ${n} elements (too large to check)` };
  if (data.length !== n) return bad(`shape [${(shape as number[]).join(", ")}] needs ${n} values, its data holds ${data.length}`);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const x = data[i];
    if (typeof x !== "number") return bad(`element ${i} is not a number`);
    if (!fitsDtype(x, dtype)) return bad(`element ${i} is not a valid ${dtype} value`);
    out[i] = x;
  }
  return { $tensor: true, shape: [...(shape as number[])], dtype, data: out };
}

/** A fresh, checked copy of a value sent by the sandboxed runner. */
export function rebuildWire(v: unknown, depth = 0): WireValue {
  if (v === null) return null;
  if (typeof v === "number" || typeof v === "boolean") return v;
  if (typeof v === "string") return v.length > MAX_STRING ? `${v.slice(0, MAX_STRING)}...` : v;
  if (typeof v === "bigint") return { $other: "a bigint" };
  if (depth >= MAX_DEPTH) return { $other: "a deeply nested value" };
  if (Array.isArray(v)) {
    if (v.length > MAX_ELEMENTS) return { $other: `an array of ${v.length} elements (too large to check)` };
    return v.map((x) => rebuildWire(x, depth + 1));
  }
  if (!isPlainObject(v)) return { $other: "an unreadable value" };
  if ("$tensor" in v) return v.$tensor === true ? rebuildTensor(v) : { $other: "a malformed tensor" };
  if ("$other" in v) return { $other: typeof v.$other === "string" ? v.$other.slice(0, 200) : "an unreadable value" };
  const out: Record<string, WireValue> = {};
  for (const k of Object.keys(v).slice(0, 64)) {
    if ((k.startsWith("$") && k !== "$notAnObject") || k === "__proto__") continue;
    out[k] = rebuildWire(v[k], depth + 1);
  }
  return out;
}

/** A thrown error's description, rebuilt (strings of bounded length; anything else replaced). */
export function rebuildProbeError(e: unknown): ProbeError {
  const o = isPlainObject(e) ? e : {};
  const str = (x: unknown, max: number, dflt: string) => (typeof x === "string" ? x.slice(0, max) : dflt);
  const where = typeof o.where === "string" && /^student_src\/[A-Za-z0-9_./-]+\.ts:\d+$/.test(o.where) ? o.where : null;
  return { message: str(o.message, 500, "(no message)"), where, name: str(o.name, 60, "Error") };
}
