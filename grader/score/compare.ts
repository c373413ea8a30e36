/**
 * Comparing what a student's code returned (wire values from the sandbox) with expected values the grader
 * computed, and describing the difference without revealing the expected values: shapes, max relative error,
 * the first mismatching index, NaN/Infinity, a constant factor, or a known mistake (a "variant": the value a
 * deliberately wrong implementation gives on the same inputs).
 */
import type { Tensor } from "../../lib/tensor";
import { isWireOther, isWireTensor, type WireTensor } from "../run/runner/wire";

/** A short, deterministic rendering of a number for messages: 3 significant digits. */
export function fmt(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (!Number.isFinite(x)) return x > 0 ? "Infinity" : "-Infinity";
  if (x === 0) return "0";
  const a = Math.abs(x);
  if (a >= 1e-3 && a < 1e5) return String(Number(x.toPrecision(3)));
  return x.toExponential(1);
}

export const shapeText = (shape: readonly number[]): string => `[${shape.join(", ")}]`;

/** What a non-tensor value is, for "dW is undefined, expected a tensor". */
export function describeValue(v: unknown): string {
  if (v === undefined) return "undefined";
  if (v === null) return "null";
  if (isWireOther(v)) return v.$other;
  if (isWireTensor(v)) return `a tensor of shape ${shapeText(v.shape)}`;
  if (typeof v === "object" && v !== null && "$notAnObject" in v) return `${(v as { $notAnObject: string }).$notAnObject} (not an object with the expected fields)`;
  if (Array.isArray(v)) return `an array of ${v.length} elements`;
  if (typeof v === "number") return `the number ${fmt(v)}`;
  if (typeof v === "string") return "a string";
  if (typeof v === "boolean") return `the boolean ${v}`;
  return "an object";
}

/** The value as a tensor, or why it is not one. */
export function asTensor(v: unknown, what: string): { tensor: WireTensor } | { problem: string } {
  if (isWireTensor(v)) return { tensor: v };
  return { problem: `${what} is ${describeValue(v)}, expected a tensor` };
}

export function asNumber(v: unknown, what: string): { value: number } | { problem: string } {
  if (typeof v === "number") return { value: v };
  return { problem: `${what} is ${describeValue(v)}, expected a number` };
}

export const valuesOf = (t: Tensor): number[] => Array.from(t.contiguous().data as ArrayLike<number>, Number);

/** max |a - e| / max(|a| + |e|), as lib/gradcheck's relError; NaN when either holds NaN or Infinity. */
export function relErrorOf(a: readonly number[], e: readonly number[]): number {
  if (a.length !== e.length) return NaN; // never "0 over zero elements"
  let top = 0;
  let bottom = 0;
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i]) || !Number.isFinite(e[i])) return NaN;
    top = Math.max(top, Math.abs(a[i] - e[i]));
    bottom = Math.max(bottom, Math.abs(a[i]) + Math.abs(e[i]));
  }
  return top / Math.max(bottom, 1e-12);
}

export function scalarRelError(a: number, e: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(e)) return a === e ? 0 : NaN;
  return Math.abs(a - e) / Math.max(Math.abs(a) + Math.abs(e), 1e-12);
}

/** Row-major flat index -> "(i, j)". */
export function indexText(flat: number, shape: readonly number[]): string {
  const idx: number[] = [];
  let rest = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    idx.unshift(rest % shape[d]);
    rest = Math.floor(rest / shape[d]);
  }
  return `(${idx.join(", ")})`;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((n, i) => n === b[i]);
}

/** First element that is off by more than tol relative to the largest expected magnitude. */
function firstMismatch(a: readonly number[], e: readonly number[], tol: number): number {
  let scale = 0;
  for (const x of e) if (Number.isFinite(x)) scale = Math.max(scale, Math.abs(x));
  const atol = tol * Math.max(scale, 1e-12);
  for (let i = 0; i < a.length; i++) {
    if (!(Math.abs(a[i] - e[i]) <= atol + tol * Math.abs(e[i]))) return i;
  }
  return -1;
}

/** a ~= k * e for a constant k != 1? Returns k (rounded to 3 digits) or null. */
export function constantFactor(a: readonly number[], e: readonly number[], tol = 1e-6): number | null {
  let ae = 0;
  let ee = 0;
  for (let i = 0; i < a.length; i++) {
    if (!Number.isFinite(a[i])) return null;
    ae += a[i] * e[i];
    ee += e[i] * e[i];
  }
  if (ee === 0) return null;
  const k = ae / ee;
  if (Math.abs(k - 1) < 1e-6 || Math.abs(k) < 1e-9) return null;
  const scaled = e.map((x) => k * x);
  return relErrorOf(a, scaled) <= tol ? Number(k.toPrecision(3)) : null;
}

export function factorText(k: number): string {
  if (k === -1) return "the right magnitude with the opposite sign (sign flipped)";
  return `${fmt(k)} times the expected value everywhere (a missing or extra constant factor)`;
}

export interface TensorCheck {
  ok: boolean;
  /** One line about the comparison. */
  line: string;
  /** The value held NaN or Infinity. */
  nonFinite: boolean;
  /** The student's values (same shape as expected), when the shapes agree. */
  got: number[] | null;
  relError: number | null;
}

/** Compares a reported tensor with the expected one; `label` names it ("dW"). */
export function checkTensor(label: string, v: unknown, expected: Tensor, tol: number): TensorCheck {
  const t = asTensor(v, label);
  if ("problem" in t) return { ok: false, line: t.problem, nonFinite: false, got: null, relError: null };
  const { shape, data } = t.tensor;
  if (!sameShape(shape, expected.shape)) {
    const transposed = shape.length === 2 && expected.shape.length === 2 && shape[0] === expected.shape[1] && shape[1] === expected.shape[0];
    return {
      ok: false, nonFinite: false, got: null, relError: null,
      line: `${label} has shape ${shapeText(shape)}, expected ${shapeText(expected.shape)}${transposed ? " (transposed?)" : ""}`,
    };
  }
  const e = valuesOf(expected);
  if (data.length !== e.length) {
    return { ok: false, nonFinite: false, got: null, relError: null, line: `${label} holds ${data.length} values, its shape ${shapeText(shape)} needs ${e.length}` };
  }
  const bad = data.findIndex((x) => !Number.isFinite(x));
  if (bad >= 0 && e.every(Number.isFinite)) {
    return {
      ok: false, nonFinite: true, got: data, relError: null,
      line: `${label} contains NaN or Infinity (first at ${indexText(bad, shape)})`,
    };
  }
  const rel = relErrorOf(data, e);
  if (rel <= tol) return { ok: true, nonFinite: false, got: data, relError: rel, line: `${label}: correct (shape ${shapeText(shape)}, max relative error ${fmt(rel)})` };
  const first = firstMismatch(data, e, tol);
  return {
    ok: false, nonFinite: false, got: data, relError: rel,
    line: `${label}: wrong values (max relative error ${fmt(rel)}${first >= 0 ? `, first mismatch at ${indexText(first, shape)}` : ""})`,
  };
}

export interface NumberCheck {
  ok: boolean;
  line: string;
  nonFinite: boolean;
  got: number | null;
}

export function checkNumber(label: string, v: unknown, expected: number, tol: number): NumberCheck {
  const n = asNumber(v, label);
  if ("problem" in n) return { ok: false, line: n.problem, nonFinite: false, got: null };
  if (!Number.isFinite(n.value) && Number.isFinite(expected)) {
    return { ok: false, nonFinite: true, got: n.value, line: `${label} is ${fmt(n.value)}` };
  }
  const rel = scalarRelError(n.value, expected);
  if (rel <= tol) return { ok: true, nonFinite: false, got: n.value, line: `${label}: correct (relative error ${fmt(rel)})` };
  return { ok: false, nonFinite: false, got: n.value, line: `${label}: wrong (relative error ${fmt(rel)})` };
}

/** A deliberately wrong result and what it means when a student's value equals it. */
export interface Variant<T> {
  value: T;
  diagnosis: string;
  /** Share of the test's (part's) points still earned: the mistake is elsewhere or small. Default 0. */
  credit?: number;
}

/** The first variant the value matches (variants equal to the expected value are skipped). */
export function matchTensorVariant(got: number[], expected: Tensor, variants: Variant<Tensor>[], tol: number): Variant<Tensor> | undefined {
  const e = valuesOf(expected);
  for (const v of variants) {
    if (!sameShape(v.value.shape, expected.shape)) continue;
    const vv = valuesOf(v.value);
    if (relErrorOf(vv, e) <= tol) continue;
    if (relErrorOf(got, vv) <= tol) return v;
  }
  return undefined;
}

export function matchNumberVariant(got: number, expected: number, variants: Variant<number>[], tol: number): Variant<number> | undefined {
  for (const v of variants) {
    if (scalarRelError(v.value, expected) <= tol) continue;
    if (scalarRelError(got, v.value) <= tol) return v;
  }
  return undefined;
}
